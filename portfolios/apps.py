from django.apps import AppConfig


class PortfoliosConfig(AppConfig):
    name = "portfolios"

    def ready(self):
        from accounts.mfa import register_record_reader_rule

        from . import rules, signals  # noqa: F401  (signals connects the share-invitation receivers)

        # MFA asks every app whether its rules let a person read another's record.
        register_record_reader_rule(rules.others_records_readable_by)
