from django.apps import AppConfig


class PlacementsConfig(AppConfig):
    name = "placements"

    def ready(self):
        # MFA asks every app whether its rules let a person read another's record.
        from accounts.mfa import register_record_reader_rule

        from . import rules

        register_record_reader_rule(rules.others_records_readable_by)

        # The person's home: their tasks and areas; the header forgets its count on a change.
        from cms import home

        from . import tasks
        from .assessment_models import PanelCase
        from .models import (
            ActionItem,
            AuditPart,
            Concern,
            ConcernAction,
            Designation,
            PartnershipSide,
        )

        home.register(tasks=tasks.tasks_for, areas=tasks.areas_for)
        home.clear_on_save(ActionItem, tasks.people_of_action)
        home.clear_on_save(AuditPart, tasks.everyone_of_audit_part)
        home.clear_on_save(Designation, tasks.people_of_designation)
        home.clear_on_save(PartnershipSide, tasks.people_of_side)
        home.clear_on_save(Concern, tasks.people_of_concern)
        home.clear_on_save(PanelCase, tasks.people_of_panel_case)
        home.clear_on_save(ConcernAction, lambda action: tasks.people_of_concern(action.concern))
