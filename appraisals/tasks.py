"""What appraisals put on a person's home (see cms.home): stages waiting for their answers or
signature (an assessor who answers but neither judges nor signs included), amendments waiting for
their signature, and the appraisal areas their roles let them open."""

from django.db.models import Prefetch, Q
from django.urls import reverse

from cms.home import Area, Task, is_overdue
from organisations.models import Role

from . import rules, services, voice
from .models import (
    Amendment,
    Answer,
    Appraisal,
    AppraisalTemplate,
    Participant,
    SharedEvidence,
    SignOff,
    Stage,
)


def _taking_part(user, path: str = "appraisal") -> Q:
    """The rows of appraisals where `user` holds a participant role: only there can a stage or
    an amendment owe them a signature or an answer (a Principal Social Worker sees every
    appraisal of their organisation, and is asked nothing of those they take no part in)."""
    return (
        Q(**{f"{path}__appraisee": user})
        | Q(**{f"{path}__appraiser": user})
        | Q(**{f"{path}__countersigner": user})
        | Q(**{f"{path}__assessor": user})
    )


def tasks_for(user) -> list[Task]:
    """Each open stage of an appraisal in progress that `user` may change, where one of their
    signing roles has not signed yet or one of their roles still has a question to answer; and
    each amendment one of their signing roles has not signed."""
    if not user.is_authenticated:
        return []
    stages = (
        Stage.objects.filter(
            _taking_part(user),
            status=Stage.Status.OPEN,
            appraisal__status=Appraisal.Status.IN_PROGRESS,
            appraisal__in=rules.appraisals_visible_to(user),
        )
        .select_related(
            "template_stage",
            "appraisal__template",
            "appraisal__appraisee",
            "appraisal__appraiser",
            "appraisal__countersigner",
            "appraisal__assessor",
        )
        .prefetch_related(
            "sign_offs",
            # What services.missing_answers reads, for every stage at once (issue 19).
            Prefetch("answers", queryset=Answer.objects.only("stage_id", "question_id", "role")),
            "template_stage__questions",
        )
        .order_by("due_on", "pk")
    )
    tasks = []
    for stage in stages:
        appraisal = stage.appraisal
        signed = {s.role for s in stage.sign_offs.all() if s.amendment_id is None}
        owed = [
            role
            for role in appraisal.roles_of(user)
            if role in appraisal.signers() and role not in signed
        ]
        if owed:
            what = f"Complete and sign “{stage.name}” ({appraisal.template.name})"
        elif _answers_owed(stage, user):
            what = f"Answer your questions in “{stage.name}” ({appraisal.template.name})"
        else:
            continue
        mine = Participant.APPRAISEE in owed
        tasks.append(
            Task(
                what=what,
                for_whom="You" if mine else str(appraisal.appraisee),
                due_on=stage.due_on,
                overdue=is_overdue(stage.due_on),
                url=stage.get_absolute_url(),
                group="My learning" if mine else "People I support",
            )
        )
    return [*tasks, *_amendment_tasks(user), *_asye_slot_tasks(user)]


def _answers_owed(stage, user) -> bool:
    """Whether one of `user`'s roles in the stage's appraisal must still answer a question (asked
    only of those with nothing to sign: a signer's task already says "complete")."""
    roles = set(stage.appraisal.roles_of(user))
    return any(role in roles for _question, role in services.missing_answers(stage))


def _amendment_tasks(user) -> list[Task]:
    """Amendments of signed stages still waiting for a signature from one of `user`'s roles."""
    amendments = (
        Amendment.objects.filter(
            _taking_part(user, "stage__appraisal"),
            signed_at__isnull=True,
            stage__appraisal__in=rules.appraisals_visible_to(user),
        )
        .select_related(
            "stage__template_stage",
            "stage__appraisal__template",
            "stage__appraisal__appraisee",
            "stage__appraisal__appraiser",
            "stage__appraisal__countersigner",
            "stage__appraisal__assessor",
        )
        .prefetch_related("sign_offs")
    )
    tasks = []
    for amendment in amendments:
        stage, appraisal = amendment.stage, amendment.stage.appraisal
        signed = {s.role for s in amendment.sign_offs.all()}
        owed = [r for r in appraisal.roles_of(user) if r in appraisal.signers() and r not in signed]
        if not owed:
            continue
        mine = Participant.APPRAISEE in owed
        tasks.append(
            Task(
                what=f"Sign the amendment to “{stage.name}” ({appraisal.template.name})",
                for_whom="You" if mine else str(appraisal.appraisee),
                url=stage.get_absolute_url(),
                group="My learning" if mine else "People I support",
            )
        )
    return tasks


def _asye_slot_tasks(user) -> list[Task]:
    """The appraisee's own ASYE in progress: one task while any evidence slot is still short."""
    tasks = []
    asyes = Appraisal.objects.filter(
        appraisee=user,
        status=Appraisal.Status.IN_PROGRESS,
        template__kind=AppraisalTemplate.Kind.ASYE,
    ).select_related("template")
    for appraisal in asyes:
        short = [slot for slot in services.asye_slots(appraisal) if slot["missing"]]
        if short:
            missing = sum(slot["missing"] for slot in short)
            labels = ", ".join(slot["label"].lower() for slot in short)
            tasks.append(
                Task(
                    what=f"Share {missing} more pieces of evidence into your ASYE ({labels})",
                    for_whom="You",
                    url=reverse("appraisals:evidence", kwargs={"appraisal": appraisal.uuid}),
                    group="My learning",
                )
            )
    return tasks


def areas_for(user) -> list[Area]:
    areas = [
        Area(
            "Your appraisals",
            reverse("appraisals:index"),
            "My learning",
            "Your appraisals and ASYE, and those you take part in.",
            header="Appraisals",
            header_rank=4,
        )
    ]
    if rules.appraisals_run_by(user).exists():
        areas.append(
            Area(
                "Appraisals you take part in",
                reverse("appraisals:index"),
                "People I support",
                "Appraisals where you are appraiser, countersigner or assessor.",
            )
        )
    running = rules.running_roles(user)
    if running:
        areas.append(
            Area(
                "ASYE cohort",
                reverse("appraisals:asye-cohort"),
                "People I support",
                "Every ASYE programme: each review point, who owes what, chasing, the "
                "recommendation and the panel's decision.",
            )
        )
    if Role.ASYE_COORDINATOR in running:
        areas.append(
            Area(
                "Start an ASYE programme",
                reverse("appraisals:start"),
                "People I support",
                "For a newly qualified social worker in the ASYE, or a whole team's.",
            )
        )
    if Role.PRINCIPAL_SOCIAL_WORKER in running:
        areas.append(
            Area(
                "Workforce view",
                reverse("appraisals:organisation"),
                "My organisation",
                "Appraisals due, overdue and completed across your organisation.",
            )
        )
    offers_voice, offers_replies = voice.links_for(user)
    if offers_voice:
        # The page says where a note goes (or, for students and tutors, why it cannot go).
        areas.append(
            Area(
                "Practice voice",
                reverse("appraisals:practice-voice"),
                "My organisation",
                "Tell your Principal Social Worker, without your name, what helps good practice "
                "or gets in the way.",
            )
        )
    if offers_replies:
        areas.append(
            Area(
                "You said, we did",
                reverse("appraisals:you-said-we-did"),
                "My organisation",
                "What your Principal Social Worker heard through practice voice, and what was "
                "done about it.",
            )
        )
    if rules.template_manager_organisations(user).exists():
        areas.append(
            Area(
                "Appraisal templates",
                reverse("appraisals:templates"),
                "My organisation",
                "The stages and questions your organisation's appraisals use.",
            )
        )
    return areas


def people_of_stage(stage) -> list:
    appraisal = stage.appraisal
    return [
        appraisal.appraisee_id,
        appraisal.appraiser_id,
        appraisal.countersigner_id,
        appraisal.assessor_id,
    ]


def people_of_answer(answer: Answer) -> list:
    return people_of_stage(answer.stage)


def people_of_amendment(amendment: Amendment) -> list:
    return people_of_stage(amendment.stage)


def people_of_evidence(shared: SharedEvidence) -> list:
    return [shared.appraisal.appraisee_id]


def people_of_sign_off(sign_off: SignOff) -> list:
    return people_of_stage(sign_off.stage)
