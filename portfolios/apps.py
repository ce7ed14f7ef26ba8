from django.apps import AppConfig


class PortfoliosConfig(AppConfig):
    name = "portfolios"

    def ready(self):
        from . import signals  # noqa: F401  (connects the share-invitation receivers)
