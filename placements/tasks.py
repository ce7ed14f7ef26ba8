"""What placements put on a person's home (see cms.home): audit parts they owe, audits they
moderate, actions they own, designations to decide or renew, partnership reviews waiting for
their side; and the placement areas their roles let them open."""

import datetime

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone

from cms.home import Area, Task, is_overdue
from organisations.models import Organisation, Role
from organisations.selectors import organisation_ids_where, organisations_where

from . import educators, quality, registers, rules
from .assessment_models import PanelCase
from .audit_tasks import GROUP, audit_tasks
from .models import (
    ActionItem,
    Concern,
    Designation,
    Partnership,
    PartnershipSide,
    Placement,
)

# An approved designation is flagged for renewal this many days before it expires.
RENEW_WITHIN_DAYS = 90


def _action_url(user, action: ActionItem, readable: dict) -> str:
    if action.audit_id:
        return reverse("placements:audit", kwargs={"placement": action.audit.placement.uuid})
    review = action.review
    if review is None:  # an action on the provider itself: its quality page, if theirs to read
        if action.provider_id not in readable:  # asked once per provider
            readable[action.provider_id] = quality.can_read_quality(user, action.provider)
        if readable[action.provider_id]:
            return reverse("placements:quality", kwargs={"slug": action.provider.slug})
        return reverse("placements:index")
    return reverse(
        "placements:partnership-review",
        kwargs={"slug": review.partnership.slug, "year": review.year},
    )


def _action_tasks(user) -> list[Task]:
    actions = (
        ActionItem.objects.filter(owner=user, status=ActionItem.Status.OPEN)
        .select_related("provider", "audit__placement", "review__partnership")
        .order_by("due_on", "pk")
    )
    today = timezone.localdate()
    readable: dict = {}
    return [
        Task(
            what=f"Action: {action.text[:120]}",
            for_whom=action.provider.name,
            due_on=action.due_on,
            overdue=is_overdue(action.due_on, today),
            url=_action_url(user, action, readable),
            group=GROUP,
        )
        for action in actions
    ]


def _designation_tasks(user) -> list[Task]:
    today = timezone.localdate()
    tasks = []
    awarding = rules.awarding_bodies_of(user)
    for designation in Designation.objects.filter(
        awarding_body__in=awarding, status=Designation.Status.SUBMITTED
    ).select_related("organisation"):
        tasks.append(
            Task(
                what=f"Decide the application for {designation.get_kind_display().lower()}",
                for_whom=designation.organisation.name,
                url=designation.get_absolute_url(),
                group=GROUP,
            )
        )
    employer = organisations_where(user, Role.PLACEMENT_LEAD, Role.ORG_ADMIN)
    soon = today + datetime.timedelta(days=RENEW_WITHIN_DAYS)
    expiring = (
        Designation.objects.filter(
            organisation__in=employer,
            status__in=[Designation.Status.APPROVED, Designation.Status.CONDITIONS],
            expires_on__isnull=False,
            expires_on__gte=today,
            expires_on__lte=soon,
        )
        .exclude(renewals__isnull=False)
        .select_related("organisation")
    )
    for designation in expiring:
        tasks.append(
            Task(
                what=f"Apply to renew {designation.get_kind_display().lower()}",
                for_whom=designation.organisation.name,
                due_on=designation.expires_on,
                url=reverse("placements:designation-create"),
                group=GROUP,
            )
        )
    return tasks


def _partnership_tasks(user) -> list[Task]:
    sides = (
        PartnershipSide.objects.filter(
            submitted_at__isnull=True,
            organisation__in=organisations_where(user, Role.PLACEMENT_LEAD, Role.ORG_ADMIN),
            review__partnership__in=rules.partnerships_of(user),
        )
        .select_related("organisation", "review__partnership")
        .order_by("review__year", "pk")
    )
    return [
        Task(
            what=f"Rate your side of the {side.review.year} partnership review",
            for_whom=f"{side.organisation.name}, {side.review.partnership.name}",
            url=reverse(
                "placements:partnership-review",
                kwargs={"slug": side.review.partnership.slug, "year": side.review.year},
            ),
            group=GROUP,
        )
        for side in sides
    ]


def _concern_tasks(user) -> list[Task]:
    """Open concerns on placements the person tutors today: raised, and waiting for an action
    plan or for the plan to be carried out."""
    open_concerns = (
        Concern.objects.filter(
            resolved_at__isnull=True,
            placement__in=Placement.objects.filter(rules.tutored_placements_q(user)),
        )
        .select_related("placement__student")
        .annotate(action_count=Count("actions"))
        .order_by("raised_at", "pk")
    )
    tasks = []
    for concern in open_concerns:
        placement = concern.placement
        what = (
            "Read the student's concern about their placement"
            if concern.about_placement
            else f"Cause for concern raised by the {concern.get_party_display().lower()}"
        )
        what += ": follow the action plan" if concern.action_count else ": agree an action plan"
        tasks.append(
            Task(
                what=what,
                for_whom=str(placement.student),
                url=reverse(
                    "placements:concern",
                    kwargs={"placement": placement.uuid, "concern": concern.uuid},
                ),
                group=GROUP,
            )
        )
    return tasks


def _panel_tasks(user) -> list[Task]:
    """One task per panel the person sits on with placements in its sample waiting for the
    panel's decision that they may record (not those they tutor or assess, nor reports referred
    back and not yet revised: `panel.may_decide`). One query."""
    waiting = (
        PanelCase.objects.filter(
            panel__members=user,
            panel__programme__hei__in=rules.panel_member_organisations(user),
            sampled=True,
            placement__hei_decision="",
        )
        .filter(
            Q(outcome="")
            | Q(outcome=PanelCase.Outcome.REFER_BACK, resubmitted_at__gte=F("decided_at"))
        )
        .exclude(
            Q(placement__hei_tutor=user)
            | Q(placement__practice_educator=user)
            | Q(placement__co_assessor=user)
            | Q(placement__onsite_supervisor=user)
        )
        .select_related("panel__programme")
        .order_by("panel__held_on", "panel__pk")
    )
    panels: dict = {}
    for case in waiting:
        panels.setdefault(case.panel.pk, [case.panel, 0])[1] += 1
    return [
        Task(
            what="Record the panel's decision",
            for_whom=f"{n} placement{'' if n == 1 else 's'}, {panel}",
            due_on=panel.held_on,
            url=panel.get_absolute_url(),
            group=GROUP,
        )
        for panel, n in panels.values()
    ]


def people_of_panel_case(case) -> list:
    return list(case.panel.members.values_list("pk", flat=True))


def people_of_concern(concern) -> list:
    return [concern.placement.hei_tutor_id]


def tasks_for(user) -> list[Task]:
    return [
        *_concern_tasks(user),
        *_panel_tasks(user),
        *audit_tasks(user),
        *_action_tasks(user),
        *_designation_tasks(user),
        *_partnership_tasks(user),
    ]


def _provider_candidates(user):
    """Employers whose provider, quality or feedback pages `user` might read: their own, and
    those in partnership with the HEIs they belong to."""
    heis = organisations_where(user, kinds=(Organisation.Kind.HEI,))
    return (
        Organisation.objects.filter(kind__in=Organisation.EMPLOYER_KINDS)
        .filter(
            Q(pk__in=organisations_where(user, kinds=Organisation.EMPLOYER_KINDS))
            | Q(partnerships__hei__in=heis)
        )
        .distinct()
        .order_by("name", "pk")
    )


def areas_for(user) -> list[Area]:
    areas = []
    if rules.placement_lead_organisation_ids(user) or rules.placements_visible_to(user).exists():
        areas.append(
            Area(
                "Placements",
                reverse("placements:index"),
                GROUP,
                "Placements you take part in or arrange, and their audits.",
                header="Placements",
                header_rank=3,
            )
        )
    # One query: whether the person may follow anyone's progress, and whether only their own.
    students = list(rules.progress_students_visible_to(user).values_list("pk", flat=True)[:2])
    if students:
        own_only = students == [user.pk]
        areas.append(
            Area(
                "Practice learning progress" if not own_only else "Your practice learning",
                reverse("placements:progress", kwargs={"student": user.uuid})
                if own_only
                else reverse("placements:progress-list"),
                GROUP,
                "Days, contrasting settings and statutory tasks across "
                + ("your placements." if own_only else "each student's placements."),
            )
        )
    if (
        organisation_ids_where(
            user,
            Role.PLACEMENT_LEAD,
            Role.ORG_ADMIN,
            Role.PRINCIPAL_SOCIAL_WORKER,
            kinds=Organisation.EMPLOYER_KINDS,
        )
        or rules.designations_visible_to(user).exists()
    ):
        awarding = bool(organisation_ids_where(user, kinds=(Organisation.Kind.AWARDING_BODY,)))
        areas.append(
            Area(
                "Designations",
                reverse("placements:designations"),
                GROUP,
                "Applications to decide." if awarding else "Your designations and applications.",
                header="Designations" if awarding else "",
                header_rank=1,
            )
        )
    if registers.can_read_registers(user):
        areas.append(
            Area(
                "Registers",
                reverse("placements:registers"),
                GROUP,
                "Registers of practice educators, placements and audits.",
            )
        )
        if rules.educator_register_programmes(user).exists():
            areas.append(
                Area(
                    "Register of practice educators",
                    reverse("placements:educators"),
                    GROUP,
                    "PEPS awards, currency, candidates and their mentors, and the placements "
                    "each educator supported, for your programmes.",
                )
            )
    if educators.has_record(user):
        areas.append(
            Area(
                "My practice educator record",
                reverse("placements:my-educator-record"),
                GROUP,
                "Your PEPS awards, whether you are current, and the placements you supported.",
            )
        )
    provider_pages = (
        (quality.can_read_provider, "placements:provider", "provider page",
         "Teams, current placements and designations."),
        (quality.can_read_quality, "placements:quality", "quality",
         "What audits say about placements here."),
        (quality.can_read_feedback, "placements:feedback", "student feedback",
         "What students said about placements here."),
    )  # fmt: skip
    for organisation in _provider_candidates(user):
        for may_read, url_name, what, description in provider_pages:
            if may_read(user, organisation):
                url = reverse(url_name, kwargs={"slug": organisation.slug})
                areas.append(Area(f"{organisation.name}: {what}", url, GROUP, description))
    year = timezone.localdate().year
    for partnership in Partnership.objects.filter(
        pk__in=rules.partnerships_of(user).values("pk")
    ).order_by("name"):
        areas.append(
            Area(
                f"{partnership.name}: {year} review",
                reverse(
                    "placements:partnership-review",
                    kwargs={"slug": partnership.slug, "year": year},
                ),
                GROUP,
                "The yearly partnership review.",
            )
        )
    return areas


def people_of_action(action: ActionItem) -> list:
    return [action.owner_id]


def everyone_of_audit_part(part) -> list:
    """Everyone named on the placement and the placement leads are affected: bump them all."""
    placement = part.audit.placement
    return [
        placement.student_id,
        placement.practice_educator_id,
        placement.co_assessor_id,
        placement.onsite_supervisor_id,
        placement.hei_tutor_id,
        *_leads_of(placement),
    ]


def _leads_of(placement) -> list:
    from organisations.models import Membership

    return list(
        Membership.objects.active()
        .filter(
            role=Role.PLACEMENT_LEAD,
            organisation__in=[
                placement.provider_team.organisation_id,
                placement.cohort.programme.hei_id,
            ],
        )
        .values_list("user_id", flat=True)
    )


def members_of_organisations(*organisation_ids) -> list:
    from organisations.models import Membership

    return list(
        Membership.objects.active()
        .filter(organisation__in=organisation_ids)
        .values_list("user_id", flat=True)
    )


def people_of_designation(designation: Designation) -> list:
    return members_of_organisations(designation.organisation_id, designation.awarding_body_id)


def people_of_side(side: PartnershipSide) -> list:
    return members_of_organisations(side.organisation_id)
