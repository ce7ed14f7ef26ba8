"""The records of the generated regional dataset (`cms.scale`): portfolios, appraisals and
placements, in bulk and in the shape the services give them."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from appraisals import services as appraisal_services
from appraisals.defaults import ANNUAL, ensure_default_templates
from appraisals.models import (
    Access,
    Answer,
    Appraisal,
    DomainAssessment,
    Participant,
    SignOff,
    Stage,
)
from appraisals.starting import start_cycle
from capabilities.models import FrameworkVersion
from placements.defaults import ensure_default_audit_template
from placements.models import (
    Audit,
    AuditPart,
    AuditParty,
    Cohort,
    Placement,
    PlacementKind,
    Programme,
    SettingType,
)
from portfolios.models import Entry, Mapping, Portfolio, Share

from .scale import Org, Sizes, batched, bulk

# Generated evidence: plain sentences about practice that name nobody (the identifying-
# information guard finds nothing in them; a test checks).
TITLES = [
    "Supervision on holding risk in a home visit",
    "Course on direct work with children",
    "Reflection on a strategy discussion",
    "Reading on trauma-informed practice",
    "Team reflection on recording",
    "Feedback from a family after a review meeting",
    "Observation of an assessment visit",
    "Written analysis for a child protection conference",
]
DESCRIPTION = "What it was and why it matters to my practice with children and families. " * 3
LEARNING = "What I learnt about holding uncertainty and keeping the child in view. " * 3
IMPACT = "How my visits, my recording and my conversations with families changed. " * 3
PEER_LEARNING = "Talking it through with a colleague showed me what I had missed. " * 2
ANSWER = "Discussed and agreed in supervision; the detail is in the notes of the meeting."
COMMENT = "Consistent evidence across the year, discussed in supervision."
AUDIT_COMMENT = "A well organised placement with regular supervision."
# The heavy portfolio's entries fall in this Social Work England registration year.
HEAVY_CPD_YEAR = 2026


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def make_portfolios(employers: list[Org], sizes: Sizes, *, today: date, quiet=False) -> int:
    """Each practitioner's portfolio: entries over three registration years, mapped to PCF
    statements, shared whole with their line manager (the owner's consent, as sharing makes it);
    the bench's practitioner has the heavy portfolio."""
    rng = random.Random(7)
    version = FrameworkVersion.objects.current("pcf")
    statements = list(version.items.statements().values_list("pk", flat=True))
    cpd_types = ["course", "event", "reading", "supervision", "group-reflection", "own-practice"]
    owners = [(u, org) for org in employers for u in org.practitioners]
    portfolios = Portfolio.objects.bulk_create(Portfolio(owner=u) for u, _org in owners)
    Share.objects.bulk_create(
        Share(
            portfolio=p,
            reader=org.managers[org.team_of[u.pk].pk],
            relationship=Share.Relationship.SUPERVISOR,
            whole_portfolio=True,
            can_comment=True,
        )
        for p, (u, org) in zip(portfolios, owners, strict=True)
    )
    heavy_start = date(HEAVY_CPD_YEAR - 1, 12, 1)

    def entries():
        for n, portfolio in enumerate(portfolios):
            count = sizes.heavy_entries if n == 0 else sizes.entries_each
            for k in range(count):
                if n == 0:  # 90% in one registration year, the rest the year before
                    occurred = heavy_start + timedelta(days=(k * 7) % 365)
                    if k % 10 == 9:
                        occurred -= timedelta(days=365)
                else:
                    occurred = today - timedelta(days=rng.randrange(3 * 365))
                peer = k % 4 == 0
                yield Entry(
                    portfolio=portfolio,
                    status=Entry.Status.COMPLETE if k % 20 else Entry.Status.DRAFT,
                    entry_type=Entry.Type.values[k % len(Entry.Type.values)],
                    activity_type=cpd_types[k % len(cpd_types)],
                    title=f"{TITLES[k % len(TITLES)]} ({k + 1})",
                    occurred_on=min(occurred, today),
                    description=DESCRIPTION,
                    learning=LEARNING,
                    impact=IMPACT,
                    peer_learning=PEER_LEARNING if peer else "",
                    swe_standards=["4.2", "4.6"] if peer else ["4.1"],
                )

    total = sizes.heavy_entries + sizes.entries_each * (len(portfolios) - 1)
    made = 0
    with tqdm(total=total, desc="portfolio entries", unit=" rows", disable=quiet) as bar:
        for batch in batched(entries()):
            saved = Entry.objects.bulk_create(batch)
            Mapping.objects.bulk_create(
                Mapping(entry=e, item_id=s)
                for e in saved
                for s in rng.sample(statements, sizes.mappings_each)
            )
            made += len(saved)
            bar.update(len(saved))
    return made


def _answers(stage: Stage, appraisal: Appraisal, questions) -> list[Answer]:
    people = appraisal.participants()
    return [
        Answer(stage=stage, question=q, role=role, author=people[role], text=ANSWER)
        for q in questions
        for role in (Participant.APPRAISEE, Participant.APPRAISER)
        if people.get(role) and q.access_for(role) in (Access.ANSWER, Access.MUST)
    ]


def _sign(stage: Stage, appraisal: Appraisal, on: date, rows: dict, questions) -> None:
    """What `services.save_answer`, `assess_domain` and `sign_off` leave: answers, each domain
    judged, a sign-off per signer, the stage locked."""
    rows["answers"] += _answers(stage, appraisal, questions[stage.template_stage_id])
    if stage.template_stage.assesses_domains:
        for n, item in enumerate(appraisal_services.items_for(stage)):
            rows["assessments"].append(
                DomainAssessment(
                    stage=stage,
                    domain=item,
                    self_rating=1 + n % 2,
                    self_comment=COMMENT,
                    judgement_rating=1 + (n + appraisal.pk) % 3,
                    judgement_comment=COMMENT,
                    judged_by=appraisal.appraiser,
                )
            )
    people = appraisal.participants()
    rows["signoffs"] += [
        SignOff(stage=stage, role=role, user=people[role], signed_at=_at(on, 15))
        for role in appraisal.signers()
    ]
    stage.status = Stage.Status.SIGNED
    stage.opened_at = stage.opened_at or _at(on - timedelta(days=30), 9)
    stage.locked_at = _at(on, 17)
    rows["stages"].append(stage)


def make_appraisals(employers: list[Org], sizes: Sizes, *, today: date, quiet=False) -> int:
    """Last year's annual appraisal, signed off, for `completed_appraisals` practitioners
    (the largest employer first), and this year's in progress for `current_appraisals` of them.
    Each cycle is started by the service (`start_cycle`: its participants, stages and frameworks);
    answering, judging and signing are then written in bulk."""
    owners = [(u, org) for org in employers for u in org.practitioners][
        : sizes.completed_appraisals
    ]
    templates = {}
    for org in employers:
        templates[org.organisation.pk] = next(
            t for t in ensure_default_templates(org.organisation) if t.name == ANNUAL
        )
    questions = {}
    for template in templates.values():
        for ts in template.stages.prefetch_related("questions"):
            questions[ts.pk] = list(ts.questions.all())
    made = 0
    for label, people, started, finished in (
        ("appraisals (last year)", owners, today - timedelta(days=420), True),
        (
            "appraisals (this year)",
            owners[: sizes.current_appraisals],
            today - timedelta(60),
            False,
        ),
    ):
        for batch in tqdm(list(batched(people, 200)), desc=label, unit=" x200", disable=quiet):
            rows = {"answers": [], "assessments": [], "signoffs": [], "stages": []}
            with transaction.atomic():
                done = []
                for n, (user, org) in enumerate(batch):
                    starts_on = started - timedelta(days=n % 28)
                    appraisal = start_cycle(
                        template=templates[org.organisation.pk],
                        appraisee=user,
                        starts_on=starts_on,
                        started_by=org.psw,
                        notify=False,
                    )
                    stages = list(appraisal.stages.select_related("template_stage"))
                    to_sign = stages if finished else stages[:1]
                    for stage in to_sign:
                        _sign(stage, appraisal, min(stage.due_on, today), rows, questions)
                    if finished:
                        done.append(appraisal)
                    elif len(stages) > 1:
                        stages[1].status = Stage.Status.OPEN
                        stages[1].opened_at = _at(stages[0].due_on, 9)
                        rows["stages"].append(stages[1])
                Answer.objects.bulk_create(rows["answers"])
                DomainAssessment.objects.bulk_create(rows["assessments"])
                SignOff.objects.bulk_create(rows["signoffs"])
                Stage.objects.bulk_update(rows["stages"], ["status", "opened_at", "locked_at"])
                for appraisal in done:
                    appraisal.status = Appraisal.Status.COMPLETED
                    appraisal.completed_at = _at(appraisal.starts_on + timedelta(days=365), 17)
                Appraisal.objects.bulk_update(done, ["status", "completed_at"])
            made += len(batch)
    return made


def make_placements(employers: list[Org], heis: list[Org], sizes: Sizes, *, today, quiet=False):
    """Two placements per student (a first, then a final), proposed by the HEI's placement lead
    and agreed by the provider's; the first `audits` of them finished, with the audit opened and
    each party's part submitted (half of them moderated); the rest in progress or agreed."""
    template = ensure_default_audit_template()
    by_party = {}
    for section in template.sections.prefetch_related("criteria"):
        by_party.setdefault(section.party, []).extend(c.pk for c in section.criteria.all())
    providers = [(org, team) for org in employers for team in org.teams]
    weights = [len(org.practitioners) for org, _team in providers]
    rng = random.Random(5)
    placements = []
    members = []
    for hei in heis:
        programme = Programme.objects.create(hei=hei.organisation, name="BA Social Work")
        cohorts = {}
        for n, student in enumerate(hei.students):
            year = today.year - 1 - n % 3
            if year not in cohorts:
                cohorts[year] = Cohort.objects.create(programme=programme, name=f"{year} intake")
            members.append(Cohort.students.through(cohort=cohorts[year], user=student))
            org, team = rng.choices(providers, weights)[0]
            educator = org.educators[n % len(org.educators)]
            tutor = hei.tutors[n % len(hei.tutors)]
            for kind, days in ((PlacementKind.FIRST, 70), (PlacementKind.FINAL, 100)):
                placements.append(
                    {
                        "student": student,
                        "cohort": cohorts[year],
                        "provider_team": team,
                        "practice_educator": educator,
                        "practice_educator_stage": 2,
                        "hei_tutor": tutor,
                        "kind": kind,
                        "setting_type": SettingType.LA_CHILDREN,
                        "days_required": days,
                        "proposed_by": hei.lead,
                        "hei_agreed_by": hei.lead,
                        "provider_agreed_by": org.lead,
                    }
                )
    Cohort.students.through.objects.bulk_create(members)
    rows = []
    finished = sizes.audits
    for k, fields in enumerate(placements):
        pair, final = divmod(k, 2)
        back = 160 + (pair * 37) % 900
        if k < finished:
            starts_on = today - timedelta(days=back + (0 if final else 260))
            status = Placement.Status.COMPLETED
        elif not final:
            starts_on = today - timedelta(days=30 + pair % 60)
            status = Placement.Status.IN_PROGRESS
        else:  # the final placement after one in progress: agreed, or still proposed
            starts_on = today + timedelta(days=150 + pair % 30)
            status = Placement.Status.AGREED if pair % 4 else Placement.Status.PROPOSED
        ends_on = starts_on + timedelta(days=200 if final else 140)
        done = status == Placement.Status.COMPLETED
        placement = Placement(
            **fields,
            status=status,
            starts_on=starts_on,
            ends_on=ends_on,
            provider_agreed_at=(
                _at(starts_on - timedelta(days=30)) if status != Placement.Status.PROPOSED else None
            ),
            hei_agreed_at=_at(starts_on - timedelta(days=31)),
            learning_agreement_on=starts_on + timedelta(days=7) if starts_on < today else None,
            midpoint_review_on=starts_on + timedelta(days=70) if done else None,
            final_report="Met the capabilities expected at this level." if done else "",
            recommendation=Placement.Recommendation.PASS if done else "",
            hei_decision=Placement.Recommendation.PASS if done else "",
        )
        if status == Placement.Status.PROPOSED:
            placement.provider_agreed_by = None  # waits for the provider's side
        rows.append(placement)
    saved = bulk(Placement, rows, total=len(rows), label="placements", quiet=quiet)
    completed = [p for p in saved if p.status == Placement.Status.COMPLETED]
    audits = bulk(
        Audit,
        (
            Audit(
                placement=p,
                template=template,
                status=Audit.Status.MODERATED if n % 2 else Audit.Status.OPEN,
                moderated_by=p.proposed_by if n % 2 else None,
                moderated_at=_at(p.ends_on + timedelta(days=40)) if n % 2 else None,
            )
            for n, p in enumerate(completed)
        ),
        total=len(completed),
        label="audits",
        quiet=quiet,
    )
    parties = {
        AuditParty.STUDENT: lambda p: p.student,
        AuditParty.EDUCATOR: lambda p: p.practice_educator,
        AuditParty.PROVIDER: lambda p: p.provider_agreed_by,
        AuditParty.TUTOR: lambda p: p.hei_tutor,
    }
    bulk(
        AuditPart,
        (
            AuditPart(
                audit=audit,
                party=party,
                ratings={str(c): (c + audit.pk) % 4 for c in by_party.get(party, [])},
                comments={},
                submitted_at=_at(audit.placement.ends_on + timedelta(days=10)),
                submitted_by=who(audit.placement),
            )
            for audit in audits
            for party, who in parties.items()
        ),
        total=len(audits) * len(parties),
        label="audit parts",
        quiet=quiet,
    )
    return len(saved), len(audits)
