"""What search may find of placements (search.registry): placements, designations, the parts of
quality audits and the sides of partnership reviews, each through its access rule in `rules`.

Audits and reviews are searched part by part and side by side, never whole: a reader matches
only the text of the parts (`rules.audit_parts_visible_to`: never the student's part for the
provider's people) and sides (`rules.partnership_sides_visible_to`: another side's only once all
have submitted) they may read, so hidden text can neither match nor surface in a snippet.
"""

from django.urls import reverse

from organisations.models import Role
from organisations.selectors import organisations_where
from search import principals as p
from search.registry import SearchType

from .models import AuditPart, AuditParty, Designation, PartnershipSide, Placement
from .rules import (
    NAMED_ROLES,
    SIDE_ROLES,
    SUPERVISOR_ROLES,
    audit_parts_visible_to,
    complete_reviews,
    designations_visible_to,
    partnership_sides_visible_to,
    placements_visible_to,
)


def placement_principals(placement) -> set[str]:
    provider = placement.provider_team.organisation_id
    hei = placement.cohort.programme.hei_id
    found = {
        p.user(placement.student_id),
        p.org_role(provider, Role.PLACEMENT_LEAD),
        p.org_role(hei, Role.PLACEMENT_LEAD),
    }
    for field in ("practice_educator_id", "co_assessor_id"):
        if person := getattr(placement, field):
            found.add(p.held_anywhere(person, Role.PRACTICE_EDUCATOR))
    if placement.onsite_supervisor_id:
        found |= p.held_roles(placement.onsite_supervisor_id, provider, SUPERVISOR_ROLES)
    if placement.hei_tutor_id:
        found.add(p.held(placement.hei_tutor_id, hei, Role.HEI_TUTOR))
    return found


def placements_scope(user) -> list:
    """Where the placements `user` may read can be (search.registry's `scope`): those naming them
    (student, educator, co-assessor, supervisor, tutor) and those of the organisations where they
    lead placements. `placements_visible_to` still decides (a role held today)."""
    leads = organisations_where(user, Role.PLACEMENT_LEAD)
    return [
        *(Placement.objects.filter(**{field: user}) for field in ("student", *NAMED_ROLES)),
        Placement.objects.filter(provider_team__organisation__in=leads),
        Placement.objects.filter(cohort__programme__hei__in=leads),
    ]


PLACEMENTS = SearchType(
    key="placements",
    label="Placements",
    model=Placement,
    readable_by=placements_visible_to,
    title=lambda pl: f"{pl.student.display_name} at {pl.provider_team.name}",
    url=lambda pl: pl.get_absolute_url(),
    text=lambda pl: pl.final_report,
    principals=placement_principals,
    user_principals=lambda user: (),
    facets=lambda pl: {
        "year": [str(pl.created_at.year)],
        "organisation": [pl.provider_team.organisation.name],
    },
    select_related=("student", "provider_team__organisation", "cohort__programme"),
    scope=placements_scope,
)


def designation_principals(designation) -> set[str]:
    org = designation.organisation_id
    roles = (Role.PLACEMENT_LEAD, Role.ORG_ADMIN, Role.PRINCIPAL_SOCIAL_WORKER)
    return {p.org_role(org, role) for role in roles} | {p.org_any(designation.awarding_body_id)}


def _designation_year(designation) -> list[str]:
    moment = designation.starts_on or designation.submitted_at or designation.decided_at
    return [str(moment.year)] if moment else []


DESIGNATIONS = SearchType(
    key="designations",
    label="Designations",
    model=Designation,
    readable_by=designations_visible_to,
    title=str,
    url=lambda d: d.get_absolute_url(),
    text=lambda d: "\n".join(t for t in (d.decision_notes, d.conditions) if t),
    principals=designation_principals,
    user_principals=lambda user: (),
    facets=lambda d: {"year": _designation_year(d), "organisation": [d.organisation.name]},
    select_related=("organisation",),
    # Where the designations `user` may read can be: those of the organisations they belong to
    # (as employer or awarding body, in any role); `designations_visible_to` decides.
    scope=lambda user: [
        Designation.objects.filter(organisation__in=organisations_where(user)),
        Designation.objects.filter(awarding_body__in=organisations_where(user)),
    ],
)


def audit_part_principals(part) -> set[str]:
    """The student's part: the student and the HEI (its placement leads, the current tutor).
    Any other part: everyone who reads the placement but the student."""
    placement = part.audit.placement
    if part.party == AuditParty.STUDENT:
        hei = placement.cohort.programme.hei_id
        found = {p.user(placement.student_id), p.org_role(hei, Role.PLACEMENT_LEAD)}
        if placement.hei_tutor_id:
            found.add(p.held(placement.hei_tutor_id, hei, Role.HEI_TUTOR))
        return found
    return placement_principals(placement) - {p.user(placement.student_id)}


def _part_title(part) -> str:
    placement = part.audit.placement
    return (
        f"{part.get_party_display()}: audit of {placement.student.display_name}'s placement "
        f"at {placement.provider_team.name}"
    )


AUDIT_PARTS = SearchType(
    key="audits",
    label="Placement quality audits",
    model=AuditPart,
    readable_by=audit_parts_visible_to,
    title=_part_title,
    url=lambda part: reverse("placements:audit", kwargs={"placement": part.audit.placement.uuid}),
    text=lambda part: part.search_text(),
    principals=audit_part_principals,
    user_principals=lambda user: (),
    facets=lambda part: {
        "year": [str(part.submitted_at.year)] if part.submitted_at else [],
        "organisation": [part.audit.placement.provider_team.organisation.name],
    },
    select_related=(
        "audit__placement__student",
        "audit__placement__provider_team__organisation",
        "audit__placement__cohort__programme",
    ),
    prefetch_related=("audit__template__sections",),
    indexable=lambda: AuditPart.objects.filter(submitted_at__isnull=False),
    scope=lambda user: [
        AuditPart.objects.filter(audit__placement__in=part.order_by().values("pk"))
        for part in placements_scope(user)
    ],
    dependants=(
        # A placement's people (educator, supervisor, tutor) decide who reads its audit.
        ("placements.Placement", lambda pl: AuditPart.objects.filter(audit__placement=pl)),
    ),
)


def side_principals(side) -> set[str]:
    """The placement leads and admins of the side's own organisation while it is in the
    partnership; of every organisation in it once every side has submitted."""
    partnership = side.review.partnership
    members = {partnership.hei_id, *partnership.employers.values_list("pk", flat=True)}
    if complete_reviews().filter(pk=side.review_id).exists():
        readers = members
    else:
        readers = members & {side.organisation_id}
    return {p.org_role(org, role) for org in readers for role in SIDE_ROLES}


PARTNERSHIP_SIDES = SearchType(
    key="partnership-reviews",
    label="Partnership reviews",
    model=PartnershipSide,
    readable_by=partnership_sides_visible_to,
    title=lambda side: f"{side.review.partnership} review {side.review.year}: {side.organisation}",
    url=lambda side: reverse(
        "placements:partnership-review",
        kwargs={"slug": side.review.partnership.slug, "year": side.review.year},
    ),
    text=lambda side: side.search_text(),
    principals=side_principals,
    user_principals=lambda user: (),
    facets=lambda side: {
        "year": [str(side.review.year)],
        "organisation": [side.organisation.name],
    },
    select_related=("organisation", "review__partnership"),
    # Where the sides `user` may read can be: those of partnerships their organisations are in
    # (any role); `partnership_sides_visible_to` decides.
    scope=lambda user: [
        PartnershipSide.objects.filter(review__partnership__hei__in=organisations_where(user)),
        PartnershipSide.objects.filter(
            review__partnership__employers__in=organisations_where(user)
        ),
    ],
    dependants=(
        # One side submitting can complete the review: its other sides open to everyone.
        (
            "placements.PartnershipSide",
            lambda side: PartnershipSide.objects.filter(review_id=side.review_id),
        ),
        (
            "placements.Partnership",
            lambda partnership: PartnershipSide.objects.filter(review__partnership=partnership),
        ),
    ),
)
