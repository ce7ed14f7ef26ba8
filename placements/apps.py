from django.apps import AppConfig


class PlacementsConfig(AppConfig):
    name = "placements"

    def ready(self):
        # MFA asks every app whether its rules let a person read another's record.
        from accounts.mfa import register_record_reader_rule

        from . import rules

        register_record_reader_rule(rules.others_records_readable_by)
