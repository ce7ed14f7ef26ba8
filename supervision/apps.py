from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "supervision"

    def ready(self):
        # MFA asks every app whether its rules let a person read another's record.
        from accounts.mfa import register_record_reader_rule

        from . import rules

        register_record_reader_rule(rules.others_records_readable_by)

        # The person's home: the supervision areas their roles let them open.
        from cms import home

        from . import tasks

        home.register(areas=tasks.areas_for)
