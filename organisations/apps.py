from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "organisations"

    def ready(self):
        # MFA asks every app whether its rules let a person read another's record.
        from accounts.mfa import register_record_reader_rule

        from . import selectors

        register_record_reader_rule(selectors.others_records_readable_by)

        # The person's home: the areas of their organisations.
        from cms import home

        from . import tasks
        from .models import Membership

        home.register(areas=tasks.areas_for)
        # A role begun or ended changes the header's links at once.
        home.clear_on_save(Membership, lambda membership: [membership.user_id])
        # ... and at once in this request's memo of the signed-in person's roles.
        from django.db.models.signals import post_delete, post_save

        from .models import Organisation

        for model in (Membership, Organisation):
            for signal in (post_save, post_delete):
                signal.connect(
                    selectors.forget_roles_held,
                    sender=model,
                    dispatch_uid=f"organisations:roles-held:{model.__name__}:{signal is post_save}",
                )
