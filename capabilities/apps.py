from django.apps import AppConfig


class CapabilitiesConfig(AppConfig):
    name = "capabilities"

    def ready(self):
        # The person's home: the framework is an area for everyone.
        from cms import home

        from . import tasks

        home.register(areas=tasks.areas_for)
