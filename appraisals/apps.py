from django.apps import AppConfig


class AppraisalsConfig(AppConfig):
    name = "appraisals"

    def ready(self):
        # MFA asks every app whether its rules let a person read another's record.
        from accounts.mfa import register_record_reader_rule

        from . import rules

        register_record_reader_rule(rules.others_records_readable_by)

        # The person's home: their tasks and areas; the header forgets its count on a change.
        from cms import home

        from . import tasks
        from .models import Amendment, Answer, SharedEvidence, SignOff, Stage

        home.register(tasks=tasks.tasks_for, areas=tasks.areas_for)
        home.clear_on_save(Stage, tasks.people_of_stage)
        home.clear_on_save(SignOff, tasks.people_of_sign_off)
        home.clear_on_save(SharedEvidence, tasks.people_of_evidence)
        home.clear_on_save(Answer, tasks.people_of_answer)
        home.clear_on_save(Amendment, tasks.people_of_amendment)
