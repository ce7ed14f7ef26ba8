"""Who may observe whom, and who may read an observation: the access rule, in one place.

Built on the other apps' own rules, so an observer's right follows their role and ends with it:

- placements (`placements.rules`): the practice educator, co-assessor and on-site supervisor of a
  placement in progress, while they still hold the role it was agreed on, observe its student;
- the ASYE (`appraisals.rules.PARTICIPANT_ROLES`): the assessor and the appraiser of an ASYE
  programme in progress, while their role in its organisation lasts, observe its practitioner;
- line management (organisations memberships): a current line manager observes the current
  practitioners of their own team (of their whole organisation if their role has no team).

Nobody else: the views answer 404 for a learner who is not in `bases_for(user)`, and
`observations.create_observation` refuses. An observation is read by its observer and its
learner; once it is in the learner's portfolio, the entry's readers see it there.
"""

from dataclasses import dataclass

from django.db.models import Q

from organisations.models import Membership, Role
from organisations.selectors import organisations_where

from .observation_models import Observation, ObserverRole

PLACEMENT_ROLES = {
    "practice_educator": ObserverRole.PRACTICE_EDUCATOR,
    "co_assessor": ObserverRole.CO_ASSESSOR,
    "onsite_supervisor": ObserverRole.ONSITE_SUPERVISOR,
}


@dataclass(frozen=True)
class Basis:
    """One learner `user` may observe, and why."""

    key: str  # "placement-<uuid>", "asye-<uuid>" or "team-<membership uuid>"
    learner: object
    role: str  # ObserverRole
    placement: object = None
    appraisal: object = None

    @property
    def role_label(self) -> str:
        return ObserverRole(self.role).label

    @property
    def context(self) -> str:
        if self.placement is not None:
            return f"{self.placement.get_kind_display()} at {self.placement.provider_team.name}"
        if self.appraisal is not None:
            return "ASYE programme"
        return "In your team"


def _placement_bases(user) -> list[Basis]:
    from placements.models import Placement
    from placements.rules import named_roles_in, named_roles_q

    bases = []
    placements = (
        Placement.objects.filter(named_roles_q(user), status=Placement.Status.IN_PROGRESS)
        .exclude(student=user)
        .select_related("student", "provider_team")
        .order_by("student__last_name", "student__first_name", "pk")
    )
    for placement in placements:
        held = named_roles_in(user, placement)
        role = next((PLACEMENT_ROLES[f] for f in PLACEMENT_ROLES if f in held), None)
        if role is not None:
            bases.append(
                Basis(f"placement-{placement.uuid}", placement.student, role, placement=placement)
            )
    return bases


def _asye_bases(user) -> list[Basis]:
    from appraisals.models import Appraisal, AppraisalTemplate, Participant
    from appraisals.rules import PARTICIPANT_ROLES

    condition = Q(pk__in=[])
    for participant in (Participant.ASSESSOR, Participant.APPRAISER):
        roles = PARTICIPANT_ROLES[participant]
        condition |= Q(**{participant: user}, organisation__in=organisations_where(user, *roles))
    appraisals = (
        Appraisal.objects.in_progress()
        .filter(condition, template__kind=AppraisalTemplate.Kind.ASYE)
        .exclude(appraisee=user)
        .select_related("appraisee")
        .order_by("appraisee__last_name", "appraisee__first_name", "pk")
    )
    held = set(
        organisations_where(user, *PARTICIPANT_ROLES[Participant.ASSESSOR]).values_list(
            "pk", flat=True
        )
    )
    bases = []
    for appraisal in appraisals:
        assessor = appraisal.assessor_id == user.pk and appraisal.organisation_id in held
        role = ObserverRole.ASYE_ASSESSOR if assessor else ObserverRole.APPRAISER
        bases.append(
            Basis(f"asye-{appraisal.uuid}", appraisal.appraisee, role, appraisal=appraisal)
        )
    return bases


def _team_bases(user) -> list[Basis]:
    condition = Q(pk__in=[])
    for organisation_id, team_id in (
        Membership.objects.active()
        .filter(user=user, role=Role.LINE_MANAGER)
        .values_list("organisation_id", "team_id")
    ):
        scope = Q(organisation_id=organisation_id)
        if team_id:
            scope &= Q(team_id=team_id)
        condition |= scope
    memberships = (
        Membership.objects.active()
        .filter(condition, role=Role.PRACTITIONER)
        .exclude(user=user)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )
    return [Basis(f"team-{m.uuid}", m.user, ObserverRole.LINE_MANAGER) for m in memberships]


def bases_for(user) -> list[Basis]:
    """Everyone `user` may observe now, with the reason (one learner may appear more than once,
    e.g. in the ASYE and in the team)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [*_placement_bases(user), *_asye_bases(user), *_team_bases(user)]


def basis_for(user, key: str) -> Basis | None:
    return next((b for b in bases_for(user) if b.key == key), None)


def may_observe(user, learner) -> bool:
    return any(b.learner.pk == learner.pk for b in bases_for(user))


def might_observe(user) -> bool:
    """Cheap, for the home: whether `user` holds a role that can observe someone, or has written
    observations (one query)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        Membership.objects.active()
        .filter(
            user=user,
            role__in=(Role.PRACTICE_EDUCATOR, Role.ONSITE_SUPERVISOR, Role.LINE_MANAGER),
        )
        .exists()
    )


def observations_visible_to(user):
    """Observations `user` may open: those they wrote and those of them."""
    if not getattr(user, "is_authenticated", False):
        return Observation.objects.none()
    return Observation.objects.filter(Q(observer=user) | Q(learner=user))
