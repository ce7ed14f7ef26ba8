from django.apps import AppConfig


class CapabilitiesConfig(AppConfig):
    name = "capabilities"

    def ready(self):
        # The person's home: the framework is an area for everyone.
        from cms import home

        from . import page_cache, tasks

        # Cached public pages are dropped whenever the framework data changes.
        page_cache.connect_signals()

        home.register(areas=tasks.areas_for)
