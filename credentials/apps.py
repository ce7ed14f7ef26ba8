from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "credentials"

    def ready(self):
        from cms import home

        from . import tasks

        home.register(areas=tasks.areas_for)
