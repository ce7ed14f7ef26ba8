from django.apps import AppConfig


class PortfoliosConfig(AppConfig):
    name = "portfolios"

    def ready(self):
        from accounts.mfa import register_record_reader_rule

        from . import rules, signals  # noqa: F401  (signals connects the share-invitation receivers)

        # MFA asks every app whether its rules let a person read another's record.
        register_record_reader_rule(rules.others_records_readable_by)

        # The person's home: their tasks and areas; the header forgets its count on a change.
        from cms import home

        from . import tasks
        from .models import Comment, Entry, Observation, Share

        home.register(tasks=tasks.tasks_for, areas=tasks.areas_for)
        home.clear_on_save(Share, tasks.people_of_share)
        home.clear_on_save(Comment, tasks.people_of_comment)
        home.clear_on_save(Observation, tasks.people_of_observation)
        home.clear_on_save(Entry, lambda entry: [entry.portfolio.owner_id])
