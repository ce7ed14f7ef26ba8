"""What appraisals put on a person's home (see cms.home): stages waiting for their answers or
signature, and the appraisal areas their roles let them open."""

from django.urls import reverse

from cms.home import Area, Task, is_overdue

from . import rules, services
from .models import Appraisal, AppraisalTemplate, Participant, SharedEvidence, SignOff, Stage


def tasks_for(user) -> list[Task]:
    """Each open stage of an appraisal in progress that `user` may change, where one of their
    signing roles has not signed yet."""
    stages = (
        Stage.objects.filter(
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
        .prefetch_related("sign_offs")
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
        if not owed:
            continue
        mine = Participant.APPRAISEE in owed
        tasks.append(
            Task(
                what=f"Complete and sign “{stage.name}” ({appraisal.template.name})",
                for_whom="You" if mine else str(appraisal.appraisee),
                due_on=stage.due_on,
                overdue=is_overdue(stage.due_on),
                url=stage.get_absolute_url(),
                group="My learning" if mine else "People I support",
            )
        )
    return [*tasks, *_asye_slot_tasks(user)]


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
    if rules.psw_organisations(user).exists():
        areas.append(
            Area(
                "Workforce view",
                reverse("appraisals:organisation"),
                "My organisation",
                "Appraisals due, overdue and completed across your organisation.",
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


def people_of_evidence(shared: SharedEvidence) -> list:
    return [shared.appraisal.appraisee_id]


def people_of_sign_off(sign_off: SignOff) -> list:
    return people_of_stage(sign_off.stage)
