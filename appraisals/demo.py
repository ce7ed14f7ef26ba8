"""Demo appraisals for the demo people: invented, never real, and never naming a child or family.

Three records show the workflow at different points:

* Priya Okafor (Northshire): last year's annual appraisal with Morgan Hale, completed. Northshire
  has its annual appraisals countersigned, by default by the appraiser's own manager: Dee
  Marchetti, head of Children's services, the service Morgan's team sits in. Every stage is
  answered and signed by the three of them, the domains self-assessed and judged, one development
  objective mapped to a framework statement, and a short note of disagreement on the mid-year
  review.
* Ravi Sandhu (Southvale): this year's annual appraisal with Jo Whitlock, at the mid-year review.
  It was started with Kit Moreau (the PSW) as appraiser while the team had no manager in post;
  two days later Kit reassigned the appraiser's role to Jo, with a reason kept in its history.
* Alex Brennan (Northshire): the ASYE, started about six months ago and now at the six-month
  interim review. Pat Lindqvist, a practice educator and not Alex's line manager, is the
  assessor: she judges the domains and signs each review. The first two stages are signed by
  Alex, Morgan Hale (line manager), Pat and Sam Adeyemi (the ASYE template has the PSW
  countersign). At the interim review Alex has self-assessed every domain and Pat has judged six
  of them so far. Alex has shared portfolio records into the ASYE evidence slots, and some slots
  are still empty. Nia Osborne, Northshire's ASYE coordinator, chased the interim review
  yesterday (it is due within the week), so her cohort page says "chased on …".
  The ASYE asks for the practitioner standards (KSS) too: at the learning agreement Alex
  self-assessed each standard and Pat gave her view of each; at the interim review Alex has
  self-assessed them again and Pat has not yet.
* Morgan Hale (Northshire), a line manager: this year's annual appraisal, judged against the
  practice supervisor standards (the default for a manager), by Morgan's own manager, at the
  end-of-year review. Morgan has self-assessed five of the eight standards; the appraiser has
  judged two.

Everything goes through `services`, so the workflow rules hold for the demo too. The services
stamp each step with the current time; afterwards the dates are spread over the months the
record covers. The demo people's memberships are dated back far enough for the cycles to start
(the services look for the people in post on the start date). Nobody is emailed about invented
records. Safe to run again: a person who already has an appraisal is left alone.
"""

import datetime
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from accounts.demo import DEMO_DOMAIN
from accounts.models import User
from capabilities.models import FrameworkVersion, Item
from organisations.models import Membership, Organisation
from portfolios.models import Entry

from . import cohort, frameworks, reassign, services
from .defaults import ANNUAL, ASYE, ensure_default_templates
from .demo_frameworks import (
    ALEX_STANDARD_RATINGS,
    MORGAN_ANSWERS,
    MORGAN_JUDGEMENTS,
    MORGAN_SELF_RATINGS,
    STANDARD_COMMENTS,
    rate_items,
    standards_at,
)
from .models import (
    Appraisal,
    Chase,
    Participant,
    Reassignment,
    SharedEvidence,
    Stage,
)

SUPERVISORS = frameworks.SUPERVISOR_STANDARDS
APPRAISEE, APPRAISER, ASSESSOR = Participant.APPRAISEE, Participant.APPRAISER, Participant.ASSESSOR

PEOPLE = {
    "priya": "priya.practitioner",
    "morgan": "morgan.manager",
    "dee": "dee.head",
    "alex": "alex.asye",
    "ravi": "ravi.practitioner",
    "jo": "jo.manager",
    "kit": "kit.psw",
    "nia": "nia.coordinator",
    "sam": "sam.psw",
}
RAVI_REASSIGNED = (
    "Jo Whitlock has started as the Family help team's manager and takes over as appraiser, as "
    "agreed when the cycle began."
)

# How long ago each record started.
PRIYA_DAYS_AGO = 380
RAVI_DAYS_AGO = 170
ALEX_DAYS_AGO = 175
MORGAN_DAYS_AGO = 350
STAFF_YEARS = 3

# Answers by stage name, one dict per question (in the template's order): role -> text.
ANNUAL_ANSWERS = {
    "priya": {
        "Objective setting": [
            {
                APPRAISEE: "I want to chair a complex strategy discussion with confidence, and "
                "to write assessments whose analysis is as strong as their description. At the "
                "moment my reports say what is happening well but say too little about what it "
                "means for the child.",
                APPRAISER: "Agreed. Chairing is a sensible next step, and there will be "
                "chances on the duty rota from next quarter.",
            },
            {
                APPRAISEE: "Mostly critical reflection and analysis, with skills and "
                "interventions. Progress would show in two assessments reviewed against the "
                "analysis prompts, feedback from a chair I co-work with, and a short reflection "
                "after each strategy discussion.",
                APPRAISER: "Critical reflection and analysis is the main domain. We will review "
                "two assessments together in supervision and note what changed.",
            },
            {
                APPRAISEE: "A place on the analysis and decision-making course, and time to "
                "shadow a senior practitioner who chairs well.",
                APPRAISER: "Course booked for later in the year. Shadowing agreed for two "
                "meetings before you chair one yourself, and the caseload stays at its current "
                "level while you do.",
            },
        ],
        "Mid-year review": [
            {
                APPRAISEE: "Home visits are more focused: I agree one purpose with the family "
                "beforehand and we keep to it. Two recent assessments had analysis sections "
                "that were signed off without changes.",
                APPRAISER: "Clear progress in written analysis. Partner agencies have commented "
                "on how easy the recent assessments were to follow.",
            },
            {
                APPRAISEE: "Recording slips when several visits land in the same week. I would "
                "like help to plan the week so that recording time is protected.",
                APPRAISER: "Some case recordings were completed late in the last few months. "
                "We agreed a fixed weekly recording slot.",
            },
            {
                APPRAISEE: "Yes, but chairing should move to the second half of the year.",
                APPRAISER: "Keep both objectives, with chairing in the second half of the year.",
            },
        ],
        "End-of-year review": [
            {
                APPRAISEE: "Families have told me they understood why we were involved and what "
                "would happen next. In one piece of work a clearer plan meant that support "
                "started weeks earlier than it otherwise would have.",
                APPRAISER: "Consistently thoughtful work. Plans are clear, and families are "
                "involved in making them rather than told about them.",
            },
            {
                APPRAISEE: "The analysis objective is met: my last three assessments needed no "
                "changes to their analysis. I co-chaired twice but have not yet chaired alone, "
                "because the course moved to next year.",
                APPRAISER: "The first objective is met. The second is partly met: co-chairing "
                "went well, and chairing alone carries into next year.",
            },
            {
                APPRAISEE: "Chairing on my own, and starting to support newer colleagues with "
                "their assessments.",
                APPRAISER: "Chair strategy discussions independently, and take on informal "
                "mentoring of one newly qualified colleague.",
            },
        ],
    },
    "ravi": {
        "Objective setting": [
            {
                APPRAISEE: "I want to get better at direct work with teenagers, especially when "
                "they do not want to talk to a social worker.",
                APPRAISER: "A good focus, given how many older young people the team now works "
                "with.",
            },
            {
                APPRAISEE: "Skills and interventions, and knowledge. I will write a short "
                "reflection after direct work sessions and ask young people for feedback where "
                "that is safe.",
                APPRAISER: "Agreed. I would add values and ethics: how you weigh a young "
                "person's views against their safety.",
            },
            {
                APPRAISEE: "Time for the adolescent practice course and a monthly reflective "
                "group.",
                APPRAISER: "Course agreed for next quarter; the reflective group starts "
                "next month.",
            },
        ],
        # At the mid-year review: Ravi has answered the first question, Jo nothing yet.
        "Mid-year review": [
            {
                APPRAISEE: "Sessions with young people are less formal now: we talk while "
                "walking or over a drink, and they say more. I have written two reflections "
                "about what changed.",
            },
        ],
    },
}

ASYE_ANSWERS = {
    "Learning agreement meeting": [
        {
            APPRAISEE: "My final placement was in a children in need team, so I am confident "
            "with assessments but new to work with children in care. I want to learn care "
            "planning first, and how to build relationships with young people I see less often.",
        },
        {
            APPRAISER: "The caseload is capped at 80 per cent of a full caseload for the year, "
            "with no lead child protection work in the first three months. Ten per cent of the "
            "week is protected for development, taken on Thursday afternoons.",
            APPRAISEE: "Thursday afternoons work for me. I will raise it in supervision if the "
            "time gets squeezed.",
        },
        {
            ASSESSOR: "Three direct observations across the year, the first by the end of month "
            "four. Feedback will come from young people, carers and the independent reviewing "
            "officer where possible, and I will read two assessments each quarter.",
        },
    ],
    "Three-month review": [
        {
            APPRAISEE: "Settling in well. Shadowing visits helped most. Learning the recording "
            "system has been slow and took time away from reading.",
        },
        {
            ASSESSOR: "First observation completed: a planning meeting with a young person, "
            "handled warmly and clearly, with the young person's wishes written into the plan. "
            "Feedback from a foster carer was positive. Progress is on track.",
        },
        {
            APPRAISER: "The caseload is still at the agreed level. Protected time was taken in "
            "most weeks; it was missed twice because of court work and made up the week after.",
            APPRAISEE: "Agreed.",
        },
    ],
    # The current stage: the reflection and the workload note are written; the assessor's
    # interim view is not yet.
    "Six-month interim review": [
        {
            APPRAISEE: "I chose a review meeting where the plan changed late. I had gone in sure "
            "that the placement should continue, because that was what the young person had "
            "said to me. In the meeting it became clear they had said something different to "
            "their carer. I learnt that I had heard one conversation as the whole picture. Now "
            "I check what a young person has said to the other adults around them before a "
            "meeting, and I say in my reports where views differ.",
        },
        {},
        {
            APPRAISER: "The caseload rose above the agreed level for four weeks this quarter "
            "while the team covered a vacancy; it is back to the agreed level now. Supervision "
            "has been fortnightly as planned.",
        },
    ],
}

DOMAIN_COMMENTS = {
    APPRAISEE: [
        "I still need support here, and have said so in supervision.",
        "Developing: the portfolio records show the beginnings of this in my practice.",
        "Secure: this shows in most of my work, and the records linked here are examples.",
        "Beyond the level: colleagues ask me for help with this.",
    ],
    APPRAISER: [
        "An area to focus on next year, with support.",
        "Developing well; more evidence needed across different kinds of work.",
        "Secure at this level, seen in supervision and in written work.",
        "Working beyond the level: a strength the team draws on.",
    ],
    ASSESSOR: [
        "Not yet shown: we will plan an observed piece of work around this.",
        "Emerging: the observation and the written report show it in part.",
        "Shown at the ASYE level in the observation and the feedback gathered.",
        "Shown beyond the ASYE level, consistently and across different work.",
    ],
}

# Ratings per domain (in the framework's order), self then judgement, on a 4-point scale.
PRIYA_RATINGS = [(2, 2), (2, 2), (1, 2), (2, 2), (2, 1), (2, 3), (2, 2), (1, 1), (1, 1)]
ALEX_SELF_RATINGS = [2, 2, 1]
# Pat, the assessor (not Alex's line manager), has judged this many domains of the interim review
# so far, with these ratings in turn: the rest are still owed, which the stage page shows.
ALEX_JUDGED_DOMAINS = 6
ALEX_ASSESSOR_RATINGS = [2, 1, 2]

PRIYA_DISSENT = (
    "I agree with most of this record. The note about late recording leaves out that I was "
    "covering a second caseload for six weeks before this review, which is when most of the late "
    "recordings happened."
)
PRIYA_OBJECTIVE = (
    "Chair strategy discussions independently, and reflect after each one on how the "
    "analysis shaped the decisions made."
)
RAVI_OBJECTIVE = (
    "Complete the adolescent practice course and try one approach from it in direct work, "
    "reflected on in supervision."
)

ENTRY_SLOTS = {
    "observation": SharedEvidence.Slot.OBSERVATION,
    "family-feedback": SharedEvidence.Slot.FAMILY_FEEDBACK,
    "colleague-feedback": SharedEvidence.Slot.PROFESSIONAL_FEEDBACK,
    "written-work": SharedEvidence.Slot.WRITTEN_REPORT,
    "reflection": SharedEvidence.Slot.REFLECTION_6,
}


def demo_texts() -> list[str]:
    """Every piece of text the demo writes (the tests run the identifying-information guard
    over them)."""
    texts = [PRIYA_DISSENT, PRIYA_OBJECTIVE, RAVI_OBJECTIVE, RAVI_REASSIGNED]
    banks = [*ANNUAL_ANSWERS.values(), ASYE_ANSWERS, MORGAN_ANSWERS]
    for bank in banks:
        for answers in bank.values():
            texts += [text for answer in answers for text in answer.values()]
    texts += [text for comments in DOMAIN_COMMENTS.values() for text in comments]
    texts += [text for comments in STANDARD_COMMENTS.values() for text in comments]
    return texts


@dataclass
class _Cast:
    people: dict
    northshire: Organisation
    southvale: Organisation
    version: FrameworkVersion


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _cast() -> _Cast | None:
    version = FrameworkVersion.objects.current("pcf")
    emails = {f"{local}@{DEMO_DOMAIN}": key for key, local in PEOPLE.items()}
    people = {emails[u.email]: u for u in User.objects.filter(email__in=emails)}
    organisations = {
        o.slug: o for o in Organisation.objects.filter(slug__in=["northshire", "southvale"])
    }
    if version is None or len(people) < len(PEOPLE) or len(organisations) < 2:
        return None
    return _Cast(people, organisations["northshire"], organisations["southvale"], version)


def _in_post_since(organisation, since: datetime.date, *, asye_since=None) -> None:
    """Date the demo memberships back: staff and experienced practitioners by a few years,
    practitioners in the ASYE to the start of their year."""
    demo = Membership.objects.filter(
        organisation=organisation, user__email__endswith=f"@{DEMO_DOMAIN}"
    )
    demo.filter(asye=False, starts_on__gt=since).update(starts_on=since)
    demo.filter(asye=True, starts_on__gt=asye_since or since).update(starts_on=asye_since or since)


def _answer(stage: Stage, appraisal: Appraisal, answers: list[dict]) -> None:
    questions = list(stage.template_stage.questions.order_by("order"))
    for question, by_role in zip(questions, answers, strict=False):
        for role, text in by_role.items():
            services.save_answer(
                stage=stage,
                question=question,
                user=appraisal.participants()[role],
                role=role,
                text=text,
            )


def _sign(stage: Stage, appraisal: Appraisal) -> None:
    for role in appraisal.signers():
        services.sign_off(stage=stage, user=appraisal.participants()[role], role=role)


def _stage(appraisal: Appraisal, name: str) -> Stage:
    return appraisal.stages.select_related("template_stage").get(template_stage__name=name)


def _statement(version, level_slug: str, domain_slug: str) -> Item | None:
    statements = Item.objects.statements().filter(version=version)
    return (
        statements.filter(level__slug=level_slug, domain__slug=domain_slug)
        .order_by("sort_order")
        .first()
        or statements.order_by("sort_order").first()
    )


def _entries(user):
    return (
        Entry.objects.filter(
            portfolio__owner=user, deleted_at__isnull=True, status=Entry.Status.COMPLETE
        )
        .prefetch_related("statements")
        .order_by("-occurred_on", "-pk")
    )


def _assess_domains(stage, appraisal, ratings, *, judge: bool, domains: int | None = None):
    """Self-assessment (with the shared records mapped to the domain as evidence) and, if
    `judge`, the appraiser's judgement: for every domain, or the first `domains` of them.
    `ratings` are (self, judgement) pairs, or self-ratings alone, used in turn."""
    shared = [e.entry for e in appraisal.evidence.select_related("entry")]
    for n, domain in enumerate(services.domains_for(appraisal)[:domains]):
        rating = ratings[n % len(ratings)]
        own, judged = rating if judge else (rating, None)
        evidence = [e for e in shared if any(s.domain_id == domain.pk for s in e.statements.all())]
        services.assess_domain(
            stage=stage,
            user=appraisal.appraisee,
            role=APPRAISEE,
            domain=domain,
            rating=own,
            comment=DOMAIN_COMMENTS[APPRAISEE][own],
            evidence=evidence,
        )
        if judge:
            services.assess_domain(
                stage=stage,
                user=appraisal.appraiser,
                role=APPRAISER,
                domain=domain,
                rating=judged,
                comment=DOMAIN_COMMENTS[APPRAISER][judged],
            )


def _settle_dates(appraisal: Appraisal, today: datetime.date) -> None:
    """Spread the record over the dates it covers: each stage opens when the one before it was
    signed, and is signed a couple of days before it is due."""
    appraisal = Appraisal.objects.get(pk=appraisal.pk)
    Appraisal.objects.filter(pk=appraisal.pk).update(created_at=_at(appraisal.starts_on, 9))
    opened = appraisal.starts_on
    last_signed = None
    for stage in appraisal.stages.order_by("order"):
        if stage.status == Stage.Status.PENDING:
            break
        Stage.objects.filter(pk=stage.pk).update(opened_at=_at(opened, 9))
        if stage.status != Stage.Status.SIGNED:
            stage.answers.update(updated_at=_at(max(opened, today - datetime.timedelta(days=3))))
            break
        signed_on = max(opened, min(stage.due_on - datetime.timedelta(days=2), today))
        stage.answers.update(updated_at=_at(max(opened, signed_on - datetime.timedelta(days=3))))
        for n, sign_off in enumerate(stage.sign_offs.order_by("pk")):
            sign_off.signed_at = _at(signed_on, 15) + datetime.timedelta(minutes=20 * n)
            sign_off.save(update_fields=["signed_at"])
        Stage.objects.filter(pk=stage.pk).update(locked_at=_at(signed_on, 17))
        stage.dissents.update(
            created_at=_at(min(today, signed_on + datetime.timedelta(days=3)), 11)
        )
        last_signed = signed_on
        opened = signed_on
    appraisal.evidence.update(shared_at=_at(appraisal.starts_on + datetime.timedelta(days=7)))
    objectives = appraisal.objectives.all()
    objectives.update(created_at=_at(last_signed or appraisal.starts_on, 16))
    if appraisal.status == Appraisal.Status.COMPLETED and last_signed:
        Appraisal.objects.filter(pk=appraisal.pk).update(completed_at=_at(last_signed, 17))


# ---------------------------------------------------------------------------------------------
# The three records


def _priya(cast: _Cast, template, today) -> Appraisal:
    priya, morgan = cast.people["priya"], cast.people["morgan"]
    starts_on = today - datetime.timedelta(days=PRIYA_DAYS_AGO)
    # Northshire's annual appraisals are countersigned by the appraiser's own manager.
    if not template.requires_countersignature:
        template.requires_countersignature = True
        template.save(update_fields=["requires_countersignature"])
    appraisal = services.start_cycle(
        template=template, appraisee=priya, starts_on=starts_on, started_by=morgan, notify=False
    )
    for entry in list(_entries(priya))[:6]:
        services.share_evidence(appraisal=appraisal, user=priya, entry=entry)
    answers = ANNUAL_ANSWERS["priya"]
    for name in ("Objective setting", "Mid-year review"):
        stage = _stage(appraisal, name)
        _answer(stage, appraisal, answers[name])
        _sign(stage, appraisal)
    final = _stage(appraisal, "End-of-year review")
    _answer(final, appraisal, answers["End-of-year review"])
    _assess_domains(final, appraisal, PRIYA_RATINGS, judge=True)
    statement = _statement(cast.version, "experienced", "critical-reflection-and-analysis")
    services.add_objective(
        appraisal=appraisal,
        user=morgan,
        text=PRIYA_OBJECTIVE,
        statements=[statement] if statement else [],
        review_on=starts_on + datetime.timedelta(days=365 + 182),
    )
    _sign(final, appraisal)
    services.record_dissent(
        stage=_stage(appraisal, "Mid-year review"), user=priya, text=PRIYA_DISSENT
    )
    return appraisal


def _ravi(cast: _Cast, template, today) -> Appraisal:
    ravi, jo, kit = cast.people["ravi"], cast.people["jo"], cast.people["kit"]
    starts_on = today - datetime.timedelta(days=RAVI_DAYS_AGO)
    appraisal = services.start_cycle(
        template=template,
        appraisee=ravi,
        starts_on=starts_on,
        started_by=kit,
        chosen={APPRAISER: kit},
        notify=False,
    )
    change = reassign.reassign(
        appraisal=appraisal, role=APPRAISER, to=jo, reason=RAVI_REASSIGNED, by=kit
    )
    Reassignment.objects.filter(pk=change.pk).update(
        made_at=_at(starts_on + datetime.timedelta(days=2))
    )
    appraisal.refresh_from_db()
    answers = ANNUAL_ANSWERS["ravi"]
    first = _stage(appraisal, "Objective setting")
    _answer(first, appraisal, answers["Objective setting"])
    statement = _statement(cast.version, "social-worker", "skills-and-interventions")
    services.add_objective(
        appraisal=appraisal,
        user=jo,
        text=RAVI_OBJECTIVE,
        statements=[statement] if statement else [],
        review_on=starts_on + datetime.timedelta(days=182),
    )
    _sign(first, appraisal)
    _answer(_stage(appraisal, "Mid-year review"), appraisal, answers["Mid-year review"])
    return appraisal


def _alex(cast: _Cast, template, today) -> Appraisal:
    alex, morgan = cast.people["alex"], cast.people["morgan"]
    starts_on = today - datetime.timedelta(days=ALEX_DAYS_AGO)
    appraisal = services.start_cycle(
        template=template, appraisee=alex, starts_on=starts_on, started_by=morgan, notify=False
    )
    # Alex's records fill the slots they fit (up to the number each slot needs); a supervision
    # record goes in as general evidence. Slots with no matching record stay empty.
    filled: dict[str, int] = {}
    general = 0
    for entry in _entries(alex):
        slot = ENTRY_SLOTS.get(entry.entry_type, "")
        if slot and filled.get(slot, 0) < appraisal.template.slots_needed()[slot]:
            filled[slot] = filled.get(slot, 0) + 1
        elif general < 1 and entry.entry_type == "supervision":
            slot, general = "", general + 1
        else:
            continue
        services.share_evidence(appraisal=appraisal, user=alex, entry=entry, slot=slot)
    for name in ("Learning agreement meeting", "Three-month review"):
        stage = _stage(appraisal, name)
        _answer(stage, appraisal, ASYE_ANSWERS[name])
        # The practitioner standards at the start: Alex's self-assessment and Pat's view.
        standards = standards_at(stage)
        own = [own for own, _ in ALEX_STANDARD_RATINGS]
        rate_items(stage, appraisal, APPRAISEE, standards, own, STANDARD_COMMENTS)
        view = [view for _, view in ALEX_STANDARD_RATINGS]
        rate_items(stage, appraisal, ASSESSOR, standards, view, STANDARD_COMMENTS)
        _sign(stage, appraisal)
    interim = _stage(appraisal, "Six-month interim review")
    _answer(interim, appraisal, ASYE_ANSWERS["Six-month interim review"])
    _assess_domains(interim, appraisal, ALEX_SELF_RATINGS, judge=False)
    own = [min(own + 1, 3) for own, _ in ALEX_STANDARD_RATINGS]
    rate_items(interim, appraisal, APPRAISEE, standards_at(interim), own, STANDARD_COMMENTS)
    for n, domain in enumerate(services.domains_for(appraisal)[:ALEX_JUDGED_DOMAINS]):
        rating = ALEX_ASSESSOR_RATINGS[n % len(ALEX_ASSESSOR_RATINGS)]
        services.assess_domain(
            stage=interim,
            user=appraisal.assessor,
            role=ASSESSOR,
            domain=domain,
            rating=rating,
            comment=DOMAIN_COMMENTS[ASSESSOR][rating],
        )
    return appraisal


def _chase_alex(cast: _Cast, today) -> None:
    """Nia, the ASYE coordinator, chased Alex's open review yesterday (once: not again on a later
    run)."""
    appraisal = Appraisal.objects.filter(
        appraisee=cast.people["alex"], status=Appraisal.Status.IN_PROGRESS
    ).first()
    if appraisal is None or Chase.objects.filter(stage__appraisal=appraisal).exists():
        return
    stage = appraisal.stages.filter(status=Stage.Status.OPEN).first()
    if stage is None or not cohort.is_chaseable(stage, today):
        return
    chased = cohort.chase(stage=stage, by=cast.people["nia"], today=today)
    yesterday = today - datetime.timedelta(days=1)
    Chase.objects.filter(pk=chased.pk).update(chased_on=yesterday, chased_at=_at(yesterday, 11))


def _morgan(cast: _Cast, template, today) -> Appraisal:
    """A line manager's appraisal, against the practice supervisor standards (their role's
    default), by their own manager, started by the PSW."""
    morgan, sam = cast.people["morgan"], cast.people["sam"]
    starts_on = today - datetime.timedelta(days=MORGAN_DAYS_AGO)
    appraisal = services.start_cycle(
        template=template, appraisee=morgan, starts_on=starts_on, started_by=sam, notify=False
    )
    for name in ("Objective setting", "Mid-year review"):
        stage = _stage(appraisal, name)
        _answer(stage, appraisal, MORGAN_ANSWERS[name])
        _sign(stage, appraisal)
    final = _stage(appraisal, "End-of-year review")
    _answer(final, appraisal, MORGAN_ANSWERS["End-of-year review"])
    standards = standards_at(final)
    rated = standards[: len(MORGAN_SELF_RATINGS)]
    rate_items(final, appraisal, APPRAISEE, rated, MORGAN_SELF_RATINGS, STANDARD_COMMENTS)
    judged = standards[: len(MORGAN_JUDGEMENTS)]
    rate_items(final, appraisal, APPRAISER, judged, MORGAN_JUDGEMENTS, STANDARD_COMMENTS)
    return appraisal


def ensure_demo_appraisals(*, today: datetime.date | None = None) -> int:
    """Create the demo appraisals that do not exist yet (and the default templates of the two
    demo local authorities). Returns how many appraisals were made."""
    today = today or timezone.localdate()
    cast = _cast()
    if cast is None:
        return 0
    made = 0
    with transaction.atomic():
        queued = len(connection.run_on_commit)
        northshire = {t.name: t for t in ensure_default_templates(cast.northshire)}
        southvale = {t.name: t for t in ensure_default_templates(cast.southvale)}
        since = today - datetime.timedelta(days=365 * STAFF_YEARS)
        _in_post_since(
            cast.northshire, since, asye_since=today - datetime.timedelta(days=ALEX_DAYS_AGO)
        )
        _in_post_since(cast.southvale, since)
        plan = [
            ("priya", northshire[ANNUAL], _priya),
            ("ravi", southvale[ANNUAL], _ravi),
            ("alex", northshire[ASYE], _alex),
            ("morgan", northshire[ANNUAL], _morgan),
        ]
        for key, template, make in plan:
            if Appraisal.objects.filter(appraisee=cast.people[key]).exists():
                continue
            if key == "morgan" and FrameworkVersion.objects.current(SUPERVISORS) is None:
                continue  # the supervisor standards are not loaded
            appraisal = make(cast, template, today)
            _settle_dates(appraisal, today)
            made += 1
        _chase_alex(cast, today)
        # The records are invented: drop the emails the services queued about them.
        del connection.run_on_commit[queued:]
    return made
