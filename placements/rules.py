"""The access rule for placements, audits, designations and partnerships, in one place.

A placement is seen by the people in it (student, practice educator, co-assessor, on-site
supervisor, HEI tutor) and by the placement leads of the provider organisation and of the HEI
that runs the student's programme. Nobody else. Audit parts are completed only by their party;
a provider sees students' answers only in aggregate. Designations are seen by the employer's
placement leads and admins and by the awarding body's people. Views answer 404 for anything these
functions do not return. Practice assessment panels are set up by the HEI's placement lead and
read by the panel's members while they are still the HEI's placement leads or tutors
(`panels_visible_to`); a member records the panel's decision on a placement they do not tutor
or assess (`may_record_panel_decision`). Every role-based path (leads, admins, awarding bodies) asks
`organisations_where`, so it follows the person's *active* memberships and ends with the role.

The people named on a placement count only while they still hold the role it was agreed on
(`named_roles_q`, `named_roles_in`); the same test `services.propose_placement` applies:

- practice educator and co-assessor: a current practice educator role with a PEPS stage, in
  *any* organisation. A practice educator may be off-site (independent, or from another
  employer: in the demo Pat Lindqvist of Northshire educates Southvale's student, and co-assesses
  at Brightpath), in which case the placement has an on-site supervisor at the provider, so the
  provider or the HEI is not where their role lives. Their role ends with their last practice
  educator membership; other roles they keep (a practitioner, say) do not carry it on;
- on-site supervisor: a current role working in practice (`SUPERVISOR_ROLES`) in the provider
  (the organisation of the placement's team);
- HEI tutor: a current HEI tutor role at the HEI whose programme the cohort belongs to.

Placement offers are read by the placement leads of the employer that publishes them and of the
HEIs in a teaching partnership with it; only the employer's placement leads publish or change
them. Skills days are logged and read by the HEI tutors and placement leads of the programme's
university (the provider has no part in them); the student reads their own on their progress
page.

A student's learning-support plan (`support`) is read by the student and by the people they
share it with, while the consent stands and while each still holds the role on the placement it
was given in (practice educator, co-assessor, on-site supervisor): nobody else, not the HEI tutor,
not the placement leads of either side, not admins (`support_plans_visible_to`).

The student always sees their own placement. Once the role has ended the person no longer
opens the placement or its audit, takes no step and needs no MFA for it; what they did stays as
it was and attributed to them (days logged, audit parts submitted, reports, the change log).
"""

from django.db.models import Exists, OuterRef, Q

from organisations.models import Membership, Organisation, Role
from organisations.selectors import organisation_ids_where, organisations_where

from .models import (
    Audit,
    AuditPart,
    AuditParty,
    Designation,
    Partnership,
    PartnershipReview,
    PartnershipSide,
    Placement,
)


def awarding_bodies_of(user):
    """Awarding bodies where `user` holds any role."""
    return organisations_where(user, kinds=(Organisation.Kind.AWARDING_BODY,))


def placement_lead_organisations(user):
    return organisations_where(user, Role.PLACEMENT_LEAD)


def placement_lead_organisation_ids(user) -> frozenset[int]:
    """The ids of `placement_lead_organisations` (no query during a signed-in request)."""
    return organisation_ids_where(user, Role.PLACEMENT_LEAD)


# Who may supervise a student on site: someone working in the provider's practice.
SUPERVISOR_ROLES = (
    Role.ONSITE_SUPERVISOR,
    Role.PRACTICE_EDUCATOR,
    Role.PRACTITIONER,
    Role.LINE_MANAGER,
)

# The placement's fields that name a person in a role other than the student's.
NAMED_ROLES = ("practice_educator", "co_assessor", "onsite_supervisor", "hei_tutor")


def _named_role_conditions(user) -> dict[str, Q]:
    """For each named role, the placements where `user` holds it today (see the module's
    docstring). Subqueries only, so the conditions combine into one query."""
    educator = (
        Membership.objects.active()
        .filter(user=user, role=Role.PRACTICE_EDUCATOR, peps_stage__isnull=False)
        .values("user")
    )
    return {
        "practice_educator": Q(practice_educator=user, practice_educator__in=educator),
        "co_assessor": Q(co_assessor=user, co_assessor__in=educator),
        "onsite_supervisor": Q(
            onsite_supervisor=user,
            provider_team__organisation__in=organisations_where(user, *SUPERVISOR_ROLES),
        ),
        "hei_tutor": Q(
            hei_tutor=user,
            cohort__programme__hei__in=organisations_where(user, Role.HEI_TUTOR),
        ),
    }


def named_roles_q(user) -> Q:
    """Placements where `user` is the practice educator, co-assessor, on-site supervisor or HEI
    tutor and still holds the role today."""
    condition = Q(pk__in=[])
    for part in _named_role_conditions(user).values():
        condition |= part
    return condition


def named_roles_in(user, placement) -> frozenset[str]:
    """The named roles (`NAMED_ROLES` field names) `user` holds in this placement today. No query
    unless the placement names them."""
    return named_roles_by_placement(user, [placement])[placement.pk]


def named_roles_by_placement(user, placements) -> dict[int, frozenset[str]]:
    """`named_roles_in` for many placements at once (placement pk -> roles): one query for each
    named role the placements give `user`, none if they name them nowhere."""
    held: dict[int, set[str]] = {placement.pk: set() for placement in placements}
    if not getattr(user, "is_authenticated", False):
        return {pk: frozenset() for pk in held}
    conditions = None
    for field in NAMED_ROLES:
        named = [p.pk for p in placements if getattr(p, f"{field}_id") == user.pk]
        if not named:
            continue
        conditions = conditions or _named_role_conditions(user)
        holding = Placement.objects.filter(conditions[field], pk__in=named)
        for pk in holding.values_list("pk", flat=True):
            held[pk].add(field)
    return {pk: frozenset(fields) for pk, fields in held.items()}


def tutored_placements_q(user) -> Q:
    """Placements `user` tutors and is still a tutor at the HEI of."""
    return _named_role_conditions(user)["hei_tutor"]


def placements_visible_to(user):
    if not user.is_authenticated:
        return Placement.objects.none()
    leads = placement_lead_organisations(user)
    return Placement.objects.filter(
        Q(student=user)
        | named_roles_q(user)
        | Q(provider_team__organisation__in=leads)
        | Q(cohort__programme__hei__in=leads)
    ).distinct()


def audit_parties_of(user, placement, *, named=None, lead_ids=None) -> list[str]:
    """The audit parts `user` completes for this placement. For many placements, pass what
    `named_roles_by_placement` and `placement_lead_organisation_ids` answered once for them."""
    parties = []
    if placement.student_id == user.pk:
        parties.append(AuditParty.STUDENT)
    if named is None:
        named = named_roles_in(user, placement)
    if {"practice_educator", "onsite_supervisor"} & named:
        parties.append(AuditParty.EDUCATOR)
    if lead_ids is None:
        lead_ids = placement_lead_organisation_ids(user)
    if placement.provider_team.organisation_id in lead_ids:
        parties.append(AuditParty.PROVIDER)
    if "hei_tutor" in named:
        parties.append(AuditParty.TUTOR)
    return parties


def is_hei_lead_for(user, placement, *, lead_ids=None) -> bool:
    """The HEI's placement lead moderates the audit."""
    if lead_ids is None:
        lead_ids = placement_lead_organisation_ids(user)
    return placement.cohort.programme.hei_id in lead_ids


def audits_to_moderate(user):
    """The open audits with every part in, on placements of the HEIs where `user` is the
    placement lead: those `audits.can_moderate` lets them moderate (`is_hei_lead_for`)."""
    lead_ids = placement_lead_organisation_ids(user)
    if not lead_ids:
        return Audit.objects.none()
    open_parts = AuditPart.objects.filter(audit=OuterRef("pk"), submitted_at__isnull=True)
    return Audit.objects.filter(
        ~Exists(open_parts),
        status=Audit.Status.OPEN,
        placement__cohort__programme__hei__in=sorted(lead_ids),
    )


def is_current_tutor_of(user, placement) -> bool:
    """Whether `user` is the placement's HEI tutor and still a tutor at its HEI."""
    return "hei_tutor" in named_roles_in(user, placement)


def sees_students_individually(user, placement) -> bool:
    """Whether `user` may read the student's own audit part as theirs: the student, and the HEI
    (current tutor and placement lead). The provider's people never do."""
    return (
        placement.student_id == user.pk
        or is_current_tutor_of(user, placement)
        or is_hei_lead_for(user, placement)
    )


def audit_parts_visible_to(user):
    """The submitted audit parts `user` may read, part by part, as `audits.audit_view_for` shows
    them: on a placement they see, their own parts; every part for the HEI (current tutor and
    placement lead); for anyone else but the student, every part but the student's. The student
    reads their own part only; the provider's people never read the student's part as theirs."""
    if not user.is_authenticated:
        return AuditPart.objects.none()
    conditions = _named_role_conditions(user)
    leads = placement_lead_organisations(user)

    def placements(condition: Q):
        return Placement.objects.filter(condition).values("pk")

    own = (
        Q(party=AuditParty.STUDENT, audit__placement__student=user)
        | Q(
            party=AuditParty.EDUCATOR,
            audit__placement__in=placements(
                conditions["practice_educator"] | conditions["onsite_supervisor"]
            ),
        )
        | Q(party=AuditParty.PROVIDER, audit__placement__provider_team__organisation__in=leads)
        | Q(party=AuditParty.TUTOR, audit__placement__in=placements(conditions["hei_tutor"]))
    )
    hei = Q(audit__placement__in=placements(conditions["hei_tutor"])) | Q(
        audit__placement__cohort__programme__hei__in=leads
    )
    others = ~Q(party=AuditParty.STUDENT) & ~Q(audit__placement__student=user)
    return AuditPart.objects.filter(
        own | hei | others,
        submitted_at__isnull=False,
        audit__placement__in=placements_visible_to(user).values("pk"),
    )


def designations_visible_to(user):
    if not user.is_authenticated:
        return Designation.objects.none()
    employer = organisations_where(
        user, Role.PLACEMENT_LEAD, Role.ORG_ADMIN, Role.PRINCIPAL_SOCIAL_WORKER
    )
    awarding = awarding_bodies_of(user)
    return Designation.objects.filter(Q(organisation__in=employer) | Q(awarding_body__in=awarding))


def educator_register_programmes(user):
    """Programmes whose register of practice educators `user` reads: those of the HEIs where
    they are a placement lead (`educators.register_rows` says who is on each)."""
    from .models import Programme

    if not user.is_authenticated:
        return Programme.objects.none()
    return Programme.objects.filter(hei__in=placement_lead_organisations(user))


# Who writes and reads a side of a partnership review for their organisation.
SIDE_ROLES = (Role.PLACEMENT_LEAD, Role.ORG_ADMIN)


def partnerships_of(user):
    """Partnerships whose reviews `user` takes part in: placement leads and admins of the HEI or
    of an employer in the partnership."""
    orgs = organisations_where(user, *SIDE_ROLES)
    return Partnership.objects.filter(Q(hei__in=orgs) | Q(employers__in=orgs)).distinct()


def others_records_readable_by(user) -> list:
    """For MFA (`accounts.mfa`): what lets `user` read someone else's placement record. Any
    named role in a placement, but the student's, that still counts (`named_roles_q`, the same
    condition `placements_visible_to` uses), a placement lead's role, any role at an awarding
    body."""
    return [
        Placement.objects.filter(named_roles_q(user)).exclude(student=user),
        placement_lead_organisations(user),
        awarding_bodies_of(user),
    ]


def progress_students_visible_to(user):
    """Students whose programme-level progress `user` may read: themselves (once in a cohort),
    students whose placement they tutor today, and the students in the cohorts of an HEI where
    they are placement lead."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    if not user.is_authenticated:
        return User.objects.none()
    tutored = Placement.objects.filter(_named_role_conditions(user)["hei_tutor"])
    leads = placement_lead_organisations(user)
    return User.objects.filter(
        Q(pk=user.pk, cohorts__isnull=False)
        | Q(pk__in=tutored.values("student"))
        | Q(cohorts__programme__hei__in=leads)
    ).distinct()


def progress_programmes_visible_to(user, student):
    """The student's programmes whose progress `user` may read: all of them for the student,
    those of the placements they tutor for a tutor, those of their HEIs for a placement lead."""
    from .models import Programme

    programmes = Programme.objects.filter(cohorts__students=student)
    if user.pk != student.pk:
        tutored = Placement.objects.filter(
            _named_role_conditions(user)["hei_tutor"], student=student
        ).values("cohort__programme")
        programmes = programmes.filter(
            Q(pk__in=tutored) | Q(hei__in=placement_lead_organisations(user))
        )
    return programmes.select_related("hei").distinct().order_by("name", "pk")


# ---------------------------------------------------------------------------------------------
# Practice assessment panels (`panel`)


def panel_convener_organisations(user):
    """HEIs whose practice assessment panels `user` sets up: where they are placement lead."""
    return placement_lead_organisations(user).filter(kind=Organisation.Kind.HEI)


def panel_member_organisations(user):
    """HEIs whose panels `user` may sit on: where they are placement lead or a tutor today."""
    return organisations_where(user, Role.PLACEMENT_LEAD, Role.HEI_TUTOR).filter(
        kind=Organisation.Kind.HEI
    )


def panel_members_of(heis):
    """The people who may sit on the panels of `heis` (an HEI or a queryset of them): their
    placement leads and tutors today."""
    from django.contrib.auth import get_user_model

    if isinstance(heis, Organisation):
        heis = [heis]
    current = Membership.objects.active().filter(
        organisation__in=heis, role__in=(Role.PLACEMENT_LEAD, Role.HEI_TUTOR)
    )
    return (
        get_user_model()
        .objects.filter(pk__in=current.values("user"))
        .order_by("last_name", "first_name", "email")
    )


def panels_visible_to(user):
    """Panels `user` reads: every panel of an HEI where they are placement lead, and the panels
    they sit on while they are still a lead or tutor there."""
    from .assessment_models import AssessmentPanel

    if not user.is_authenticated:
        return AssessmentPanel.objects.none()
    return AssessmentPanel.objects.filter(
        Q(programme__hei__in=panel_convener_organisations(user))
        | Q(members=user, programme__hei__in=panel_member_organisations(user))
    ).distinct()


def may_record_panel_decision(user, case) -> bool:
    """A member of the panel, still a placement lead or tutor at its HEI, records the panel's
    decision on a placement, unless they tutor or assess that placement (moderation is done
    by someone independent of the placement)."""
    placement = case.placement
    if user.pk in (
        placement.hei_tutor_id,
        placement.practice_educator_id,
        placement.co_assessor_id,
        placement.onsite_supervisor_id,
    ):
        return False
    return (
        case.panel.members.filter(pk=user.pk).exists()
        and panel_member_organisations(user).filter(pk=case.panel.programme.hei_id).exists()
    )


# Offers of placements, and skills days


def offer_providers_of(user):
    """Employers whose placement offers `user` publishes: where they are placement lead."""
    return placement_lead_organisations(user).filter(kind__in=Organisation.EMPLOYER_KINDS)


def offer_heis_of(user):
    """HEIs whose cohorts' demand `user` sets against offers: where they are placement lead."""
    return placement_lead_organisations(user).filter(kind=Organisation.Kind.HEI)


def offers_visible_to(user):
    """Offers `user` may read: their own employers' (as placement lead), and those of the
    employers in a teaching partnership with an HEI where they are placement lead. Nobody
    else's: an offer is between partners."""
    from .models import PlacementOffer

    if not user.is_authenticated:
        return PlacementOffer.objects.none()
    heis = offer_heis_of(user)
    return PlacementOffer.objects.filter(
        Q(team__organisation__in=offer_providers_of(user))
        | Q(team__organisation__partnerships__hei__in=heis)
    ).distinct()


def offers_open_to(hei):
    """Offers an HEI's students may take: those of the employers in partnership with it."""
    from .models import PlacementOffer

    return PlacementOffer.objects.filter(team__organisation__partnerships__hei=hei).distinct()


def skills_day_heis_of(user):
    """HEIs whose programmes' skills days `user` logs and reads: where they are an HEI tutor or
    placement lead. Skills days are the university's teaching, so the provider has no part."""
    return organisations_where(user, Role.HEI_TUTOR, Role.PLACEMENT_LEAD).filter(
        kind=Organisation.Kind.HEI
    )


# ---------------------------------------------------------------------------------------------
# Partnership reviews


def complete_reviews():
    """Reviews every side of which has submitted (`partnerships.is_complete`)."""
    waiting = PartnershipSide.objects.filter(submitted_at__isnull=True).values("review")
    return PartnershipReview.objects.filter(sides__isnull=False).exclude(pk__in=waiting).distinct()


def partnership_sides_visible_to(user):
    """The sides of partnership reviews `user` may read, as `partnerships.visible_sides` shows
    them: in a partnership they take part in, their own organisations' sides always, the others'
    only once every side has submitted."""
    if not user.is_authenticated:
        return PartnershipSide.objects.none()
    return PartnershipSide.objects.filter(
        Q(organisation__in=organisations_where(user, *SIDE_ROLES))
        | Q(review__in=complete_reviews().values("pk")),
        review__partnership__in=partnerships_of(user).values("pk"),
    )


# Learning-support plans


def support_plans_visible_to(user):
    """Learning-support plans `user` reads: their own, and those whose student shares them with
    `user` (a consent not revoked) in a role `user` still holds on the placement today."""
    from .support_models import SupportConsent, SupportPlan, SupportReaderRole

    if not user.is_authenticated:
        return SupportPlan.objects.none()
    conditions = _named_role_conditions(user)
    shared = Q(pk__in=[])
    for role in SupportReaderRole.values:
        consented = SupportConsent.objects.live().filter(reader=user, role=role).values("plan")
        holds_role = Placement.objects.filter(conditions[role]).values("pk")
        shared |= Q(pk__in=consented, placement__in=holds_role)
    return SupportPlan.objects.filter(Q(placement__student=user) | shared)


def support_plan_shared_with(user, placement) -> bool:
    """Whether the placement's learning-support plan is shared with `user` today (not the
    student's own: they always reach theirs)."""
    return (
        support_plans_visible_to(user)
        .filter(placement=placement)
        .exclude(placement__student=user)
        .exists()
    )
