"""The access rule for appraisals, in one place.

An appraisal is seen by its appraisee and by the people taking part in it *while their role lasts*:
the appraiser while they hold an active line manager role in the appraisal's organisation, the
countersigner while they are a line manager (by default the appraiser's own manager) or its PSW,
the assessor while they are a practice educator or line manager there. The organisation's
Principal Social Workers, who run the appraisal system and see the workforce view, see all of its
appraisals. Nobody else: not another team's line manager, not an organisation admin, not a
colleague, not someone whose role has ended.
Views answer 404 for anything `appraisals_visible_to` does not return.

One thing outlives a role: a former participant can still *read* (never change) the appraisals
they signed (`appraisals_signed_in_ended_role`), listed apart on their appraisals page. What they
read is what they signed, nothing more: the stages with a sign-off of theirs
(`stages_signed_by`), never the stages they did not sign, the objectives, the evidence or what was
written in the appraisal after their role ended (`role_ended_on`). Being reassigned out of an
appraisal (`reassign`) ends the role in it the same way: the same rule, from that day.
Templates are managed by the organisation's PSWs and admins.

The organisation's ASYE coordinators run its ASYE cohort (`appraisals_coordinated_by`): while their
role lasts they see every ASYE programme of the organisation (never an annual appraisal or any
other kind), start ASYE programmes for people in the ASYE there, chase, reassign participants and
record the moderation panel's decision. They take no part: they never answer, judge or sign.
"""

import datetime

from django.db.models import Max, Q
from django.utils import timezone

from organisations.models import Membership, Role
from organisations.selectors import organisations_where

from .models import Appraisal, AppraisalTemplate, Participant, Reassignment, SignOff, Stage

# The organisation roles that carry each participant role (besides the appraisee, whose own record
# is theirs whatever their role). The ASYE assessor is the appraiser when no practice educator is.
PARTICIPANT_ROLES = {
    Participant.APPRAISER: (Role.LINE_MANAGER,),
    # By default the appraiser's own manager (`starting.manager_above`), else the PSW.
    Participant.COUNTERSIGNER: (Role.LINE_MANAGER, Role.PRINCIPAL_SOCIAL_WORKER),
    Participant.ASSESSOR: (Role.PRACTICE_EDUCATOR, Role.LINE_MANAGER),
}


def psw_organisations(user):
    return organisations_where(user, Role.PRINCIPAL_SOCIAL_WORKER)


def coordinator_organisations(user):
    """Organisations where `user` is an ASYE coordinator today."""
    return organisations_where(user, Role.ASYE_COORDINATOR)


def _coordinated(user) -> Q:
    """The ASYE programmes of the organisations `user` coordinates the ASYE in."""
    return Q(
        organisation__in=coordinator_organisations(user),
        template__kind=AppraisalTemplate.Kind.ASYE,
    )


def appraisals_coordinated_by(user):
    """Every ASYE programme of the organisations where `user` is an ASYE coordinator."""
    if not user.is_authenticated:
        return Appraisal.objects.none()
    return Appraisal.objects.filter(_coordinated(user))


def cohort_organisations(user):
    """Organisations whose ASYE cohort page `user` opens: their PSWs and ASYE coordinators."""
    return organisations_where(user, Role.PRINCIPAL_SOCIAL_WORKER, Role.ASYE_COORDINATOR)


def running_roles(user) -> set[str]:
    """Which of PSW and ASYE coordinator `user` is today, anywhere (one query: for the home)."""
    if not user.is_authenticated:
        return set()
    return set(
        Membership.objects.active()
        .filter(user=user, role__in=(Role.PRINCIPAL_SOCIAL_WORKER, Role.ASYE_COORDINATOR))
        .values_list("role", flat=True)
    )


def asye_cohorts_visible_to(user):
    """The ASYE programmes on the cohort pages `user` opens (and may chase): every one of the
    organisations where they are PSW or ASYE coordinator."""
    if not user.is_authenticated:
        return Appraisal.objects.none()
    return Appraisal.objects.filter(
        organisation__in=cohort_organisations(user), template__kind=AppraisalTemplate.Kind.ASYE
    )


def may_record_panel_decision(user, appraisal) -> bool:
    """The moderation panel's decision on an ASYE is recorded by a PSW of its organisation or
    by one of its ASYE coordinators."""
    if is_psw_of(user, appraisal.organisation):
        return True
    return appraisals_coordinated_by(user).filter(pk=appraisal.pk).exists()


def may_reassign_in(user) -> Q:
    """The appraisals whose participants `user` may reassign (while in progress): every one of
    the organisations where they are PSW, and the ASYE programmes they coordinate."""
    return Q(organisation__in=psw_organisations(user)) | _coordinated(user)


def template_manager_organisations(user):
    """Organisations whose appraisal templates `user` manages: their PSWs and admins."""
    return organisations_where(user, Role.PRINCIPAL_SOCIAL_WORKER, Role.ORG_ADMIN)


def cycle_starter_organisations(user):
    """Organisations where `user` may start appraisals: PSWs and line managers (any template),
    ASYE coordinators (ASYE programmes only: `templates_startable_by`)."""
    return organisations_where(
        user, Role.PRINCIPAL_SOCIAL_WORKER, Role.LINE_MANAGER, Role.ASYE_COORDINATOR
    )


def templates_startable_by(user):
    """The templates `user` may start a cycle of (in use or not): every template of the
    organisations where they are PSW or line manager, the ASYE templates where they are ASYE
    coordinator."""
    if not user.is_authenticated:
        return AppraisalTemplate.objects.none()
    return AppraisalTemplate.objects.filter(
        Q(
            organisation__in=organisations_where(
                user, Role.PRINCIPAL_SOCIAL_WORKER, Role.LINE_MANAGER
            )
        )
        | Q(organisation__in=coordinator_organisations(user), kind=AppraisalTemplate.Kind.ASYE)
    )


# Anyone in these roles can be appraised: practitioners, supervisors, managers and PSWs.
APPRAISED_ROLES = (
    Role.PRACTITIONER,
    Role.PRACTICE_EDUCATOR,
    Role.ONSITE_SUPERVISOR,
    Role.LINE_MANAGER,
    Role.PRINCIPAL_SOCIAL_WORKER,
)


def appraisees_startable_by(user):
    """The roles `user` may start a cycle for: anyone appraised (`APPRAISED_ROLES`) in the
    organisations where they are PSW or line manager; practitioners in the ASYE where they are
    ASYE coordinator."""
    return Membership.objects.active().filter(
        Q(
            organisation__in=organisations_where(
                user, Role.PRINCIPAL_SOCIAL_WORKER, Role.LINE_MANAGER
            ),
            role__in=APPRAISED_ROLES,
        )
        | Q(
            organisation__in=coordinator_organisations(user),
            asye=True,
            role=Role.PRACTITIONER,
        ),
    )


def _taking_part_now(user) -> Q:
    """Appraisals where `user` is appraiser, countersigner or assessor and still holds the role
    that made them one, in the appraisal's organisation, today."""
    condition = Q(pk__in=[])
    for participant, roles in PARTICIPANT_ROLES.items():
        condition |= Q(**{participant: user}, organisation__in=organisations_where(user, *roles))
    return condition


def appraisals_run_by(user):
    """Appraisals of other people that `user` takes part in through a current role."""
    if not user.is_authenticated:
        return Appraisal.objects.none()
    return Appraisal.objects.filter(_taking_part_now(user)).exclude(appraisee=user)


def appraisals_visible_to(user):
    """Appraisals `user` may open and, as their roles in it allow, change."""
    if not user.is_authenticated:
        return Appraisal.objects.none()
    return Appraisal.objects.filter(
        Q(appraisee=user)
        | _taking_part_now(user)
        | Q(organisation__in=psw_organisations(user))
        | _coordinated(user)
    )


def appraisals_signed_in_ended_role(user):
    """Appraisals of others that `user` signed (a stage or an amendment) in a role that has
    since ended: readable by them, never changeable."""
    if not user.is_authenticated:
        return Appraisal.objects.none()
    return (
        Appraisal.objects.filter(
            pk__in=SignOff.objects.filter(user=user).values("stage__appraisal")
        )
        .exclude(appraisee=user)
        .exclude(pk__in=appraisals_visible_to(user).values("pk"))
    )


def appraisals_readable_by(user):
    """What `user` may open read-only: those visible to them and those they signed."""
    if not user.is_authenticated:
        return Appraisal.objects.none()
    signed = SignOff.objects.filter(user=user).values("stage__appraisal")
    return Appraisal.objects.filter(
        Q(pk__in=appraisals_visible_to(user).values("pk")) | Q(pk__in=signed)
    )


def stages_signed_by(user, appraisal):
    """The stages of `appraisal` that `user` signed: a sign-off of theirs on the stage itself or
    on an amendment of it. All that a former participant may still read of the appraisal."""
    if not user.is_authenticated:
        return Stage.objects.none()
    return appraisal.stages.filter(
        pk__in=SignOff.objects.filter(user=user, stage__appraisal=appraisal).values("stage")
    )


def role_ended_on(user, appraisal) -> datetime.date | None:
    """The last day `user` held a role that made them a participant in `appraisal` (the latest
    end of those memberships in its organisation), or None if none of them has an end. The roles
    they signed in count too, for someone no longer named in the appraisal."""
    signed_as = SignOff.objects.filter(user=user, stage__appraisal=appraisal).values_list(
        "role", flat=True
    )
    held = appraisal.roles_of(user)
    participant = set(held) | set(signed_as)
    roles = {r for p in participant for r in PARTICIPANT_ROLES.get(p, ())}
    membership_end = (
        Membership.objects.filter(
            user=user, organisation=appraisal.organisation, role__in=roles, ends_on__isnull=False
        )
        .aggregate(last=Max("ends_on"))
        .get("last")
    )
    reassigned_on = reassigned_away_on(user, appraisal, held=held)
    ends = [day for day in (membership_end, reassigned_on) if day is not None]
    return min(ends) if ends else None


def reassigned_away_on(user, appraisal, *, held=None) -> datetime.date | None:
    """The day `user` was last reassigned out of a role in `appraisal` that they no longer hold
    (`reassign`), or None. Their role ended that day, as if their membership had."""
    held = appraisal.roles_of(user) if held is None else held
    last = (
        Reassignment.objects.filter(appraisal=appraisal, from_user=user)
        .exclude(role__in=held)
        .aggregate(last=Max("made_at"))
        .get("last")
    )
    return timezone.localdate(last) if last else None


def others_records_readable_by(user) -> list:
    """For MFA (`accounts.mfa`): what lets `user` read someone else's appraisal. A PSW reads
    every appraisal of the organisation, an ASYE coordinator every ASYE programme there; others
    those they take part in or signed."""
    return [
        psw_organisations(user),
        coordinator_organisations(user),
        appraisals_readable_by(user).exclude(appraisee=user),
    ]


def templates_managed_by(user):
    return AppraisalTemplate.objects.filter(organisation__in=template_manager_organisations(user))


def is_psw_of(user, organisation) -> bool:
    return psw_organisations(user).filter(pk=organisation.pk).exists()
