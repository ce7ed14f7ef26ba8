"""The access rule for supervision records, in one place.

A record is seen by its supervisee, always, and by its supervisor while they hold a supervising
role (line manager or practice educator) in the record's organisation. Nobody else: not a
colleague, not another team's manager, not an organisation admin, and not the Principal Social
Worker, who sees supervision only as counts by team (`aggregates.py`). Views answer 404 for
anything `records_visible_to` does not return. Only the supervisor, in a current role, records
and changes a session.

Who supervises whom comes from memberships, as appraisals choose an appraiser: a line manager or
practice educator supervises the practitioners and practice educators of their own team, and
those of the organisation whose team has no supervisor of its own (or who have no team); one
whose role has no team supervises all of the organisation's.
"""

from django.db.models import Q

from organisations.models import Membership, Role
from organisations.selectors import organisations_where

from .models import SupervisionRecord

SUPERVISOR_ROLES = (Role.LINE_MANAGER, Role.PRACTICE_EDUCATOR)
SUPERVISEE_ROLES = (Role.PRACTITIONER, Role.PRACTICE_EDUCATOR)


def supervisee_memberships(user):
    """The current roles of the people `user` supervises now (never `user` themselves)."""
    if not getattr(user, "is_authenticated", False):
        return Membership.objects.none()
    condition = Q(pk__in=[])
    for organisation_id, team_id in (
        Membership.objects.active()
        .filter(user=user, role__in=SUPERVISOR_ROLES)
        .values_list("organisation_id", "team_id")
    ):
        scope = Q(organisation_id=organisation_id)
        if team_id:
            supervised_teams = (
                Membership.objects.active()
                .filter(
                    organisation_id=organisation_id,
                    role__in=SUPERVISOR_ROLES,
                    team__isnull=False,
                )
                .values("team_id")
            )
            scope &= Q(team_id=team_id) | Q(team__isnull=True) | ~Q(team_id__in=supervised_teams)
        condition |= scope
    return (
        Membership.objects.active()
        .filter(condition, role__in=SUPERVISEE_ROLES)
        .exclude(user=user)
        .select_related("user", "organisation", "team")
        .order_by("user__last_name", "user__first_name", "organisation__name", "pk")
    )


def _supervising_now(user) -> Q:
    return Q(supervisor=user, organisation__in=organisations_where(user, *SUPERVISOR_ROLES))


def records_visible_to(user):
    """Supervision records `user` may open."""
    if not getattr(user, "is_authenticated", False):
        return SupervisionRecord.objects.none()
    return SupervisionRecord.objects.filter(Q(supervisee=user) | _supervising_now(user))


def records_changeable_by(user):
    """Supervision records `user` may change: those they give, while their role lasts."""
    if not getattr(user, "is_authenticated", False):
        return SupervisionRecord.objects.none()
    return SupervisionRecord.objects.filter(_supervising_now(user))


def has_supervision_recorded(user) -> bool:
    """Whether `user` has supervision recorded (theirs to read whatever their role now)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return SupervisionRecord.objects.filter(supervisee=user).exists()


def others_records_readable_by(user) -> list:
    """For MFA (`accounts.mfa`): the records of others that `user` reads as supervisor."""
    return [records_visible_to(user).exclude(supervisee=user)]
