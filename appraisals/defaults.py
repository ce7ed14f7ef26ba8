"""The templates every organisation starts with: an annual appraisal, the ASYE programme and a
probation review. The wording is Capable's own. Organisations change them on the template pages
(`template_views`); `ensure_default_templates` only adds the ones missing, found by name, and never
touches a template that already exists.
"""

from dataclasses import dataclass

from django.db import transaction

from capabilities.models import FrameworkVersion

from .models import (
    Access,
    AppraisalTemplate,
    CountersignerFrom,
    JudgedBy,
    TemplateFramework,
    TemplateQuestion,
    TemplateStage,
)

MUST, ANSWER, READ, NONE = Access.MUST, Access.ANSWER, Access.READ, Access.NONE

ANNUAL = "Annual appraisal"
ASYE = "ASYE programme"
PROBATION = "Probation review"


@dataclass(frozen=True)
class Q:
    text: str
    help_text: str = ""
    appraisee: str = MUST
    appraiser: str = MUST
    countersigner: str = READ
    assessor: str = NONE


@dataclass(frozen=True)
class S:
    name: str
    due_after_days: int
    questions: tuple[Q, ...]
    optional: bool = False
    assesses_domains: bool = False
    sets_objectives: bool = False
    is_final_review: bool = False


@dataclass(frozen=True)
class F:
    """A framework the template assesses: its slug, the level's slug (frameworks with levels),
    and the stages (numbered from 1) with a self-assessment and judgement against it."""

    slug: str
    stages: tuple[int, ...]
    level_slug: str = ""


@dataclass(frozen=True)
class T:
    name: str
    kind: str
    description: str
    rating_scale: tuple[str, ...]
    stages: tuple[S, ...]
    requires_countersignature: bool = False
    target_level_slug: str = ""
    judged_by: str = JudgedBy.APPRAISER
    countersigner_from: str = CountersignerFrom.MANAGER
    # None listed: the appraisee's default framework (by role) at the stages assessing domains.
    frameworks: tuple[F, ...] = ()


def _asye_q(text, help_text="", *, appraisee=READ, appraiser=READ, assessor=READ):
    """ASYE questions: everyone in the programme reads; the countersigning PSW reads."""
    return Q(
        text,
        help_text,
        appraisee=appraisee,
        appraiser=appraiser,
        countersigner=READ,
        assessor=assessor,
    )


DEFAULTS = (
    T(
        name=ANNUAL,
        kind=AppraisalTemplate.Kind.ANNUAL,
        description=(
            "A year of practice in three conversations: agree what you are working towards, "
            "check in halfway, then look back across the framework's domains and set the next "
            "year's objectives."
        ),
        rating_scale=(
            "Needs support to reach this level",
            "Developing at this level",
            "Secure at this level",
            "Working beyond this level",
        ),
        stages=(
            S(
                "Objective setting",
                14,
                (
                    Q(
                        "What do you want to be able to do by the end of this year that you "
                        "cannot do yet?",
                        "Think about the work in front of you, your last review and the gaps "
                        "your portfolio shows.",
                        appraiser=ANSWER,
                    ),
                    Q(
                        "Which parts of the framework will this work draw on, and what would "
                        "show that it is going well?",
                        "Name the domains and the kind of evidence you expect to collect: "
                        "observations, feedback, reflections, written work.",
                    ),
                    Q(
                        "What time, learning or support will make these objectives realistic?",
                        "Be specific: supervision, training, shadowing, protected time.",
                        appraisee=ANSWER,
                    ),
                ),
                sets_objectives=True,
            ),
            S(
                "Mid-year review",
                182,
                (
                    Q(
                        "Looking back over the last six months, what has gone well in your "
                        "practice, and why?"
                    ),
                    Q(
                        "Where have you felt stuck or stretched, and what would help?",
                        appraiser=ANSWER,
                    ),
                    Q(
                        "Are the objectives still the right ones? Say what, if anything, should "
                        "change."
                    ),
                ),
            ),
            S(
                "End-of-year review",
                365,
                (
                    Q(
                        "What difference has your work made for the children and families you "
                        "worked with this year?",
                        "Describe the change without details that could identify anyone.",
                    ),
                    Q("Which objectives were met, which were not, and what got in the way?"),
                    Q(
                        "What should the next year focus on?",
                        "This becomes the starting point for next year's objectives.",
                        appraisee=ANSWER,
                    ),
                ),
                assesses_domains=True,
                sets_objectives=True,
            ),
        ),
    ),
    T(
        name=ASYE,
        kind=AppraisalTemplate.Kind.ASYE,
        description=(
            "The Assessed and Supported Year in Employment for newly qualified social workers: "
            "a learning agreement, reviews at three, six and (if wanted) nine months, and a "
            "final review where the assessor recommends pass, fail or extend. The practitioner "
            "self-assesses against the post-qualifying standards for practitioners at the start, "
            "the interim review and the end, and against the PCF domains at the interim and "
            "final reviews; the assessor gives a view on each, and signs each review; the "
            "Principal Social Worker countersigns every stage."
        ),
        rating_scale=(
            "Significant concerns",
            "Some gaps still to close",
            "Meeting the ASYE level",
            "Beyond the ASYE level",
        ),
        requires_countersignature=True,
        target_level_slug="asye",
        judged_by=JudgedBy.ASSESSOR,
        countersigner_from=CountersignerFrom.PSW,
        frameworks=(
            F("pcf", (3, 5), level_slug="asye"),
            F("pqs-practitioners", (1, 3, 5)),
        ),
        stages=(
            S(
                "Learning agreement meeting",
                14,
                (
                    _asye_q(
                        "What do you bring from your qualifying course and placements, and what "
                        "do you most want to learn first?",
                        appraisee=MUST,
                    ),
                    _asye_q(
                        "How will protected development time and a reduced caseload work in "
                        "practice this year?",
                        "Say how much time, when it is taken, how the caseload is kept lower "
                        "and who to tell when it is not.",
                        appraiser=MUST,
                        appraisee=ANSWER,
                    ),
                    _asye_q(
                        "How will practice be observed and assessed, and who will give feedback?",
                        "Plan the direct observations and where feedback from families and "
                        "other professionals will come from.",
                        assessor=MUST,
                    ),
                ),
                sets_objectives=True,
            ),
            S(
                "Three-month review",
                91,
                (
                    _asye_q(
                        "How are you settling in? What has helped you learn, and what has made "
                        "it harder?",
                        appraisee=MUST,
                    ),
                    _asye_q(
                        "What have observations and feedback shown so far about progress "
                        "towards the ASYE level?",
                        assessor=MUST,
                    ),
                    _asye_q(
                        "Is the caseload still protected and is development time being taken? "
                        "Note any changes agreed.",
                        appraiser=MUST,
                        appraisee=ANSWER,
                    ),
                ),
            ),
            S(
                "Six-month interim review",
                182,
                (
                    _asye_q(
                        "Choose a piece of work from the last three months and reflect on it "
                        "critically: what you decided, what informed it, and what you would do "
                        "differently now.",
                        "This is the six-month critical reflection. Share it into the evidence "
                        "slot as well.",
                        appraisee=MUST,
                    ),
                    _asye_q(
                        "Interim assessment: what do the observations and evidence so far show, "
                        "and is progress on track for the end of the year?",
                        "If progress is not on track, say what will change and by when.",
                        assessor=MUST,
                    ),
                    _asye_q(
                        "Workload and support: caseload, protected time, supervision and any "
                        "concerns about either.",
                        appraiser=MUST,
                        appraisee=ANSWER,
                    ),
                ),
                assesses_domains=True,
            ),
            S(
                "Nine-month review",
                273,
                (
                    _asye_q(
                        "What has changed in your practice since the interim review?",
                        appraisee=MUST,
                    ),
                    _asye_q(
                        "Progress since the interim review, and any evidence still needed "
                        "before the final review.",
                        assessor=MUST,
                    ),
                    _asye_q(
                        "Is the support plan still right for the last three months?",
                        appraiser=ANSWER,
                    ),
                ),
                optional=True,
            ),
            S(
                "Twelve-month final review",
                365,
                (
                    _asye_q(
                        "Looking across the year, how has your practice developed, and what "
                        "will you take into your second year?",
                        "This is the twelve-month critical reflection.",
                        appraisee=MUST,
                    ),
                    _asye_q(
                        "Final assessment: how does the evidence show capability at the ASYE "
                        "level across the domains? Give the reasons for your recommendation.",
                        "Record the recommendation itself (pass, fail or extend) on the "
                        "appraisal page.",
                        assessor=MUST,
                    ),
                    _asye_q(
                        "How were workload and support managed over the year, and what should "
                        "the next year's development include?",
                        appraiser=MUST,
                        appraisee=ANSWER,
                    ),
                ),
                assesses_domains=True,
                sets_objectives=True,
                is_final_review=True,
            ),
        ),
    ),
    T(
        name=PROBATION,
        kind=AppraisalTemplate.Kind.PROBATION,
        description=(
            "The first six months in a new post: an early check-in, a review at three months "
            "and a decision at six."
        ),
        rating_scale=(
            "Not yet meeting expectations",
            "Meeting expectations",
            "Exceeding expectations",
        ),
        stages=(
            S(
                "One-month check-in",
                30,
                (
                    Q(
                        "How is the induction going? What do you still need to know or have?",
                        appraiser=ANSWER,
                    ),
                    Q(
                        "What will the next two months focus on, and how will we know it is "
                        "going well?",
                        appraisee=ANSWER,
                    ),
                ),
                sets_objectives=True,
            ),
            S(
                "Three-month review",
                90,
                (
                    Q("What has gone well so far, and what has been harder than expected?"),
                    Q(
                        "Is anything putting the probation at risk? If so, what support or "
                        "change is agreed?",
                        appraisee=ANSWER,
                    ),
                ),
            ),
            S(
                "Six-month probation decision",
                180,
                (
                    Q("How have the first six months gone, in your own words?", appraiser=ANSWER),
                    Q(
                        "Is the probation confirmed, extended or not confirmed, and why?",
                        "An extension needs a date and what must change by then.",
                        appraisee=READ,
                    ),
                ),
                assesses_domains=True,
                sets_objectives=True,
            ),
        ),
    ),
)


def _target_level(slug: str):
    if not slug:
        return None
    version = FrameworkVersion.objects.current("pcf")
    if version is None:
        return None
    return version.items.levels().filter(slug=slug).first()


def _frameworks(template: AppraisalTemplate, spec: T, stages: dict) -> None:
    """The frameworks the template assesses, those that are published (a framework not loaded
    is left out; with none, the template assesses the appraisee's default framework)."""
    for order, f in enumerate(spec.frameworks, start=1):
        version = FrameworkVersion.objects.current(f.slug)
        if version is None:
            continue
        level = version.items.levels().filter(slug=f.level_slug).first() if f.level_slug else None
        row = TemplateFramework.objects.create(
            template=template, framework=version.framework, level=level, order=order
        )
        row.stages.set([stages[n] for n in f.stages])


def _create(organisation, spec: T) -> AppraisalTemplate:
    template = AppraisalTemplate.objects.create(
        organisation=organisation,
        name=spec.name,
        kind=spec.kind,
        description=spec.description,
        rating_scale=list(spec.rating_scale),
        target_level=_target_level(spec.target_level_slug),
        requires_countersignature=spec.requires_countersignature,
        judged_by=spec.judged_by,
        countersigner_from=spec.countersigner_from,
    )
    stages = {}
    for number, stage_spec in enumerate(spec.stages, start=1):
        stage = stages[number] = TemplateStage.objects.create(
            template=template,
            order=number,
            name=stage_spec.name,
            due_after_days=stage_spec.due_after_days,
            optional=stage_spec.optional,
            assesses_domains=stage_spec.assesses_domains,
            sets_objectives=stage_spec.sets_objectives,
            is_final_review=stage_spec.is_final_review,
        )
        TemplateQuestion.objects.bulk_create(
            TemplateQuestion(
                stage=stage,
                order=n,
                text=q.text,
                help_text=q.help_text,
                appraisee=q.appraisee,
                appraiser=q.appraiser,
                countersigner=q.countersigner,
                assessor=q.assessor,
            )
            for n, q in enumerate(stage_spec.questions, start=1)
        )
    _frameworks(template, spec, stages)
    return template


@transaction.atomic
def ensure_default_templates(organisation) -> list[AppraisalTemplate]:
    """The organisation's default templates, creating those it does not have (matched by name,
    so a renamed default is created again, and an edited one is left as it is)."""
    existing = {t.name: t for t in AppraisalTemplate.objects.filter(organisation=organisation)}
    return [existing.get(spec.name) or _create(organisation, spec) for spec in DEFAULTS]
