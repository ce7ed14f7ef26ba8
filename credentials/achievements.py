"""What a person has earned and may issue as an Open Badge: an ASYE whose moderation panel
confirmed a pass, a placement the HEI decided was passed, a PEPS stage on the register of
practice educators (issued by the organisation that awarded it); and, for the organisations where
they are a placement lead or admin, an approved Approved Practice Setting or teaching
organisation designation (held by the organisation, issued by the awarding body). Each achievement says who issues
it (the employer for the ASYE, the HEI for a placement) and which CASE items it aligns to.
"""

from dataclasses import dataclass, field

from appraisals.models import Appraisal, AppraisalTemplate
from capabilities.interchange.case import case_uri
from capabilities.models import FrameworkVersion, Item
from organisations.models import PepsStage, Role
from organisations.selectors import organisations_where
from placements.models import Designation, EducatorAward, Placement, PlacementKind

from .models import Credential

# What each kind of achievement asks for (OB 3.0 Achievement `criteria.narrative`).
CRITERIA = {
    Credential.Kind.ASYE: "A year of assessed practice as a newly qualified social worker, judged "
    "at the ASYE level of the framework and confirmed by the employer's moderation panel.",
    Credential.Kind.PLACEMENT: "The practice educator's final report recommended a pass and the "
    "higher education institution decided the placement was passed at its level of the framework.",
    Credential.Kind.DESIGNATION: "The employer showed evidence against every criterion of the "
    "designation and the awarding body approved it.",
    Credential.Kind.PEPS: "Completed a practice educator programme at this stage: taught "
    "learning, supervised practice education of a student (mentored and directly observed by a "
    "stage 2 practice educator), and a portfolio assessed by the programme against the standards "
    "for the stage.",
}

# The PCF level a passed placement of each kind shows (by the level's slug).
PLACEMENT_LEVEL = {PlacementKind.FIRST: "first-placement", PlacementKind.FINAL: "last-placement"}
# The PCF level at which each PEPS stage is practised, and the domain whose statements there
# describe educating others: stage 1 educators are experienced social workers who support and
# assess students; stage 2 is the educator pathway of the advanced level (it mentors and
# assesses practice educators too).
PEPS_LEVEL = {PepsStage.STAGE_1: "experienced", PepsStage.STAGE_2: "advanced"}
PEPS_DOMAIN = "professional-leadership"


@dataclass(frozen=True)
class Target:
    """A CASE item or document an achievement aligns to."""

    name: str
    uri: str
    target_type: str  # OB3 AlignmentTargetType: "CFItem", or "ext:CFDocument" for a document
    code: str = ""
    framework: str = ""


@dataclass(frozen=True)
class Earned:
    kind: str
    source: object  # the appraisal or placement
    issuer: object  # an Organisation
    name: str
    description: str
    criteria: str
    achievement_type: str
    targets: list[Target] = field(default_factory=list)
    holder_organisation: object = None  # set when an organisation, not a person, holds it

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.source.uuid}"


def _level_targets(level: Item | None, *, domain: str | None = None) -> list[Target]:
    """The framework, the level and the level's statements (of one domain, by slug, if given)."""
    if level is None:
        return []
    version = level.version
    framework = str(version)
    targets = [
        Target(framework, case_uri("CFDocuments", version.identifier), "ext:CFDocument"),
        Target(
            level.title,
            case_uri("CFItems", level.identifier),
            "CFItem",
            level.code,
            framework,
        ),
    ]
    statements = Item.objects.filter(level=level, kind=Item.Kind.STATEMENT)
    if domain:
        statements = statements.filter(domain__slug=domain)
    targets += [
        Target(
            statement.title or statement.code,
            case_uri("CFItems", statement.identifier),
            "CFItem",
            statement.code,
            framework,
        )
        for statement in statements.order_by("sort_order", "pk")
    ]
    return targets


def _peps_targets(stage: int) -> list[Target]:
    """The framework, the stage's level and the level's Professional Leadership statements."""
    version = FrameworkVersion.objects.current("pcf")
    if version is None:
        return []
    level = version.items.filter(kind=Item.Kind.LEVEL, slug=PEPS_LEVEL.get(stage)).first()
    return _level_targets(level, domain=PEPS_DOMAIN)


def _peps(award: EducatorAward) -> Earned:
    stage = award.get_stage_display()
    by = award.awarded_by
    programme = f" ({award.programme_name})" if award.programme_name else ""
    return Earned(
        kind=Credential.Kind.PEPS,
        source=award,
        issuer=by,
        name=f"Practice educator: {stage}",
        description=f"Awarded {stage} of the Practice Educator Professional Standards by "
        f"{by}{programme}.",
        criteria=CRITERIA[Credential.Kind.PEPS],
        achievement_type="Certification",
        targets=_peps_targets(award.stage),
    )


def peps_awards(user):
    return EducatorAward.objects.filter(educator=user).select_related("awarded_by")


def _asye(appraisal: Appraisal) -> Earned:
    return Earned(
        kind=Credential.Kind.ASYE,
        source=appraisal,
        issuer=appraisal.organisation,
        name="Assessed and Supported Year in Employment completed",
        description=f"Completed the ASYE with {appraisal.organisation}; the moderation panel "
        "confirmed the pass.",
        criteria=CRITERIA[Credential.Kind.ASYE],
        achievement_type="Certificate",
        targets=_level_targets(appraisal.target_level),
    )


def _placement_level(placement: Placement) -> Item | None:
    slug = PLACEMENT_LEVEL.get(placement.kind)
    version = FrameworkVersion.objects.current("pcf")
    if slug is None or version is None:
        return None
    return version.items.filter(kind=Item.Kind.LEVEL, slug=slug).first()


def _placement(placement: Placement) -> Earned:
    hei = placement.cohort.programme.hei
    return Earned(
        kind=Credential.Kind.PLACEMENT,
        source=placement,
        issuer=hei,
        name=f"{placement.get_kind_display()} passed",
        description=f"Passed the {placement.get_kind_display().lower()} of a social work "
        f"programme with {hei}.",
        criteria=CRITERIA[Credential.Kind.PLACEMENT],
        achievement_type="Fieldwork",
        targets=_level_targets(_placement_level(placement)),
    )


def _designation(designation: Designation) -> Earned:
    what = designation.get_kind_display()
    return Earned(
        kind=Credential.Kind.DESIGNATION,
        source=designation,
        issuer=designation.awarding_body,
        name=f"{what} designation",
        description=f"{designation.organisation} holds {what} status, awarded by "
        f"{designation.awarding_body}.",
        criteria=CRITERIA[Credential.Kind.DESIGNATION],
        achievement_type="License",
        holder_organisation=designation.organisation,
    )


def approved_designations(user):
    """Approved designations of the organisations where `user` is a placement lead or admin."""
    return Designation.objects.filter(
        organisation__in=organisations_where(user, Role.PLACEMENT_LEAD, Role.ORG_ADMIN),
        status__in=(Designation.Status.APPROVED, Designation.Status.CONDITIONS),
    ).select_related("organisation", "awarding_body")


def confirmed_asyes(user):
    return Appraisal.objects.filter(
        appraisee=user,
        template__kind=AppraisalTemplate.Kind.ASYE,
        panel_decision=Appraisal.Recommendation.PASS,
    ).select_related("organisation", "target_level__version__framework")


def passed_placements(user):
    return Placement.objects.filter(
        student=user, hei_decision=Placement.Recommendation.PASS
    ).select_related("cohort__programme__hei")


def earned_by(user) -> list[Earned]:
    """Everything `user` has earned, whether or not they have issued it yet."""
    return (
        [_asye(a) for a in confirmed_asyes(user)]
        + [_placement(p) for p in passed_placements(user)]
        + [_peps(a) for a in peps_awards(user)]
        + [_designation(d) for d in approved_designations(user)]
    )


def find_earned(user, key: str) -> Earned | None:
    """The achievement `key` ("<kind>:<uuid>") if `user` has earned it, else None."""
    return next((earned for earned in earned_by(user) if earned.key == key), None)
