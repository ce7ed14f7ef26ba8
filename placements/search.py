"""What search may find of placements (search.registry): placements and designations, through
`rules.placements_visible_to` and `rules.designations_visible_to`."""

from organisations.models import Role
from search import principals as p
from search.registry import SearchType

from .models import Designation, Placement
from .rules import SUPERVISOR_ROLES, designations_visible_to, placements_visible_to


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
)
