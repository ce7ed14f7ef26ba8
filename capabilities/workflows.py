"""The Wagtail workflow that framework versions are published through."""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.models import GroupApprovalTask, Workflow, WorkflowContentType, WorkflowTask

from .models import Association, Framework, FrameworkVersion, Item

WORKFLOW_NAME = "Framework publication"
EDITORS_GROUP = "Framework editors"
APPROVERS_GROUP = "Framework approvers"


@transaction.atomic
def ensure_publication_workflow() -> Workflow:
    """Editors draft versions; an approver signs off before a version is published."""
    editors, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    approvers, _ = Group.objects.get_or_create(name=APPROVERS_GROUP)
    admin_access = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    for group in (editors, approvers):
        group.permissions.add(admin_access)
        for model in (Framework, FrameworkVersion, Item, Association):
            ct = ContentType.objects.get_for_model(model)
            actions = ("add", "change", "view") if group is editors else ("change", "view")
            for action in actions:
                group.permissions.add(
                    Permission.objects.get(content_type=ct, codename=f"{action}_{ct.model}")
                )
    approvers.permissions.add(
        Permission.objects.get(
            content_type=ContentType.objects.get_for_model(FrameworkVersion),
            codename="publish_frameworkversion",
        )
    )
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    task, created = GroupApprovalTask.objects.get_or_create(name="Approve framework version")
    if created:
        task.groups.set([approvers])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowContentType.objects.update_or_create(
        content_type=ContentType.objects.get_for_model(FrameworkVersion),
        defaults={"workflow": workflow},
    )
    return workflow
