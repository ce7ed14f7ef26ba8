"""Writing supervision records. The supervisor records a session with someone they supervise
now (`rules.supervisee_memberships`), and may change it while their role lasts. Each write is
logged in the supervisee's access log, with what changed but never the text written."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts.audit import changed_fields, log_access
from accounts.models import AccessEvent

from . import rules
from .models import SupervisionRecord

# The fields a session's form sets; the access log shows before → after for all but the text.
FIELDS = ("held_on", "minutes", "kind", "protected_time", "cases_held", "agreed_actions")
SHOWN_IN_LOG = ("held_on", "minutes", "kind", "protected_time", "cases_held")


@transaction.atomic
def record_supervision(
    *,
    supervisor,
    supervisee_membership,
    held_on: datetime.date,
    minutes: int,
    kind: str,
    protected_time: bool,
    cases_held: int,
    agreed_actions: str = "",
) -> SupervisionRecord:
    if not rules.supervisee_memberships(supervisor).filter(pk=supervisee_membership.pk).exists():
        raise PermissionDenied("You do not supervise this person.")
    record = SupervisionRecord.objects.create(
        organisation=supervisee_membership.organisation,
        team=supervisee_membership.team,
        supervisee=supervisee_membership.user,
        supervisor=supervisor,
        held_on=held_on,
        minutes=minutes,
        kind=kind,
        protected_time=protected_time,
        cases_held=cases_held,
        agreed_actions=agreed_actions,
        created_by=supervisor,
    )
    log_access(
        actor=supervisor,
        obj=record,
        owner=record.supervisee,
        action=AccessEvent.Action.CREATE,
        organisation=record.organisation,
        change="supervision recorded",
    )
    return record


@transaction.atomic
def update_supervision(*, record: SupervisionRecord, by, **values) -> SupervisionRecord:
    if not rules.records_changeable_by(by).filter(pk=record.pk).exists():
        raise PermissionDenied("Only the supervisor can change this record.")
    record = SupervisionRecord.objects.select_for_update().get(pk=record.pk)
    before = {name: getattr(record, name) for name in FIELDS}
    for name in FIELDS:
        if name in values:
            setattr(record, name, values[name])
    after = {name: getattr(record, name) for name in FIELDS}
    change = changed_fields(before, after, show_values=SHOWN_IN_LOG)
    if not change:
        return record
    record.save()
    log_access(
        actor=by,
        obj=record,
        owner=record.supervisee,
        action=AccessEvent.Action.CHANGE,
        organisation=record.organisation,
        change=change,
    )
    return record
