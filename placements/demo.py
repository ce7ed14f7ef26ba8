"""Demo placements for the demo people: invented, never real, and never naming a child or family.

What it sets up, with the organisations and people of `accounts.demo`:

* a BA programme at the University of Northshire and an MA programme at Southvale University,
  each with cohorts, and some generated students (``<name>@demo.capable.test``) besides Sol
  Varga and Mia Thorne;
* Northshire's Student unit (four places, headed by Pat Lindqvist);
* a year of placements at Northshire, Southvale and Brightpath in every state: proposed,
  agreed, in progress, completed and ended early; each agreed by both sides, and with its days:
  a completed placement has all its days confirmed, one in progress (Sol Varga's) has days the
  student logged, the earlier confirmed by the educator or on-site supervisor and the latest
  still waiting;
* pre-placement checks confirmed on every placement that started (both programmes require all
  four), and Sol Varga's placement with the whole record: a learning agreement signed by all
  three, a midpoint review with a judgement on each domain, a cause for concern raised by the
  practice educator with a two-action plan, and Sol's own concern about the placement (which
  the provider's people never see); the first action of the plan is marked done;
* final reports on every completed placement with a judgement and evidence on each domain;
  Dev Lunan's placement had a cause for concern (resolved), so the University of Northshire's
  practice assessment panel reads it: the panel agrees with the pass, then the tutor records
  the HEI's decision. Every placement the panels considered and decided has its HEI decision;
  Southvale's panel still has Kai Brantwood's report to decide (so the HEI's decision waits);
* their quality audits at every stage: open with no part in yet, open with some parts in,
  fully submitted and waiting
  for moderation, and moderated with actions for the provider (one of them overdue);
* an Approved Practice Setting designation for Northshire that expires within 60 days, and
  teaching organisation status for Brightpath, both decided by the Regional Practice Learning
  Board;
* the Northshire Teaching Partnership (University of Northshire with Northshire and
  Brightpath) and this year's review, which Brightpath has submitted and the university and
  Northshire have not;
* next term's placement offers from Northshire and Brightpath against the 2024 intake's demand,
  two places taken by proposed placements, and the 2024 intake's skills days (`offers_demo`).
* the register of practice educators: PEPS awards (one educator lapsed) and a candidate with
  a mentor (`educator_demo`);
* Hugo's learning-support plan, shared with his practice educator and no longer with his
  on-site supervisor (`support_demo`).

Everything goes through `services`, `designations` and `partnerships`, so the placement rules
hold for the demo too: no student has overlapping placements, the Student unit never holds more
than four students at once, and Noor Haddad (PEPS stage 1) never assesses a final placement
alone. The services stamp each step with the current time. Nobody is emailed. Safe to run
again: a student who already has a placement is left alone, and so are existing designations,
units, partnerships and reviews.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from accounts.demo import DEMO_DOMAIN, DEMO_PASSWORD, ensure_demo_people
from accounts.models import User
from capabilities.models import Item
from organisations.models import Membership, Organisation, Role, Team

from . import (
    checks,
    concerns,
    designations,
    final_report,
    learning,
    midpoint,
    offers_demo,
    panel,
    partnerships,
    services,
)
from .assessment_models import PanelCase
from .models import (
    ActionItem,
    Audit,
    AuditParty,
    CheckKind,
    Cohort,
    DaysLog,
    Designation,
    DesignationKind,
    Partnership,
    PartnershipSide,
    Placement,
    PlacementKind,
    Programme,
    SettingType,
    StudentUnit,
    SupervisionFrequency,
)

PARTNERSHIP_SLUG = "northshire-teaching-partnership"
PARTNERSHIP_NAME = "Northshire Teaching Partnership"
UNIT_CAPACITY = 4

# Sol Varga's placement in progress (`Plan.showcase`): invented, naming nobody.
SHOWCASE_WORKLOAD = (
    "Shadowing on duty for the first fortnight, then two families of her own, rising to four "
    "by the midpoint, with joint visits until the educator agrees she is ready to visit alone."
)
SHOWCASE_NEEDS = "Writing assessments that say what the evidence shows, and why it matters."
SHOWCASE_ON_TRACK = "Working as expected for this stage, with examples from supervision."
SHOWCASE_BEHIND = "Case recording is often days late; the thinking is there but not yet written."
SHOWCASE_CONCERN = (
    "Case recording has fallen behind: notes of visits are often written several days later, "
    "which the team relies on. Raised at the midpoint review."
)
SHOWCASE_ACTIONS = [
    (14, "Protected hour after each visit to write it up, agreed with the team manager."),
    (28, "Tutor and educator review a sample of recent notes together with the student."),
]
SHOWCASE_STUDENT_CONCERN = (
    "On duty days there is rarely a desk free, so I write up in the car. I would like the "
    "university to raise it with the team."
)

# Generated students: (local part of the email, first name, last name, university).
GENERATED_STUDENTS = [
    ("ari.student", "Ari", "Fenwick", "uni-northshire"),
    ("bex.student", "Bex", "Orman", "uni-northshire"),
    ("cai.student", "Cai", "Treharne", "uni-northshire"),
    ("dev.student", "Dev", "Lunan", "uni-northshire"),
    ("eve.student", "Eve", "Pardoe", "uni-northshire"),
    ("fin.student", "Fin", "Gallard", "uni-northshire"),
    ("gem.student", "Gem", "Ashdown", "uni-northshire"),
    ("hugo.student", "Hugo", "Revel", "uni-northshire"),
    ("ivo.student", "Ivo", "Carrick", "uni-northshire"),
    ("jay.student", "Jay", "Moorcroft", "southvale-university"),
    ("kai.student", "Kai", "Brantwood", "southvale-university"),
]

PROGRAMMES = {
    "uni-northshire": ("BA (Hons) Social Work", ["2023 intake", "2024 intake"]),
    "southvale-university": ("MA Social Work", ["2025 intake"]),
}

# Audit stages a placement's audit reaches in the demo.
OPEN_NONE = "open-none"  # open, no part submitted yet
OPEN_SOME = "open-some"  # open, some parts submitted
SUBMITTED = "submitted"  # every part in, waiting for moderation
MODERATED = "moderated"  # moderated, with actions


@dataclasses.dataclass(frozen=True)
class Plan:
    """One demo placement: who, where, when (days from today) and how far it has gone."""

    student: str
    cohort: tuple[str, str]  # (university slug, cohort name)
    provider: str
    team: str
    kind: str
    starts: int
    length: int
    state: str
    educator: str = "pat.educator"
    onsite: str | None = None
    co_assessor: str | None = None
    in_unit: bool = False
    audit: str | None = None
    # Which ratings pattern and comments the student's part of the audit uses.
    tone: int = 0
    # In progress with the whole record: checks, a signed learning agreement, a midpoint
    # review with a cause for concern and its action plan, and a concern about the placement.
    showcase: bool = False


PLANS = [
    # Northshire: final placements last year, both in the Student unit.
    Plan(
        "ari.student",
        ("uni-northshire", "2023 intake"),
        "northshire",
        "Student unit",
        PlacementKind.FINAL,
        -330,
        140,
        Placement.Status.COMPLETED,
        in_unit=True,
        audit=MODERATED,
        tone=0,
    ),
    Plan(
        "bex.student",
        ("uni-northshire", "2023 intake"),
        "northshire",
        "Student unit",
        PlacementKind.FINAL,
        -330,
        140,
        Placement.Status.COMPLETED,
        in_unit=True,
        audit=SUBMITTED,
        tone=1,
    ),
    Plan(
        "cai.student",
        ("uni-northshire", "2024 intake"),
        "northshire",
        "Assessment and intervention",
        PlacementKind.FIRST,
        -300,
        98,
        Placement.Status.COMPLETED,
        audit=MODERATED,
        tone=2,
    ),
    Plan(
        "fin.student",
        ("uni-northshire", "2024 intake"),
        "northshire",
        "Assessment and intervention",
        PlacementKind.FIRST,
        -250,
        98,
        Placement.Status.ENDED_EARLY,
        audit=OPEN_SOME,
        tone=3,
    ),
    Plan(
        "dev.student",
        ("uni-northshire", "2024 intake"),
        "northshire",
        "Children in care",
        PlacementKind.FIRST,
        -200,
        98,
        Placement.Status.COMPLETED,
        audit=OPEN_NONE,
        tone=4,
    ),
    Plan(
        "eve.student",
        ("uni-northshire", "2024 intake"),
        "northshire",
        "Student unit",
        PlacementKind.FIRST,
        -200,
        98,
        Placement.Status.COMPLETED,
        in_unit=True,
        audit=SUBMITTED,
        tone=5,
    ),
    Plan(
        "kai.student",
        ("southvale-university", "2025 intake"),
        "northshire",
        "Assessment and intervention",
        PlacementKind.FIRST,
        -150,
        98,
        Placement.Status.COMPLETED,
        audit=SUBMITTED,
        tone=6,
    ),
    # Northshire now and next.
    Plan(
        "sol.student",
        ("uni-northshire", "2024 intake"),
        "northshire",
        "Student unit",
        PlacementKind.FIRST,
        -40,
        98,
        Placement.Status.IN_PROGRESS,
        in_unit=True,
        showcase=True,
    ),
    Plan(
        "mia.student",
        ("southvale-university", "2025 intake"),
        "northshire",
        "Children in care",
        PlacementKind.FIRST,
        14,
        98,
        Placement.Status.AGREED,
    ),
    Plan(
        "jay.student",
        ("southvale-university", "2025 intake"),
        "northshire",
        "Student unit",
        PlacementKind.FIRST,
        60,
        98,
        Placement.Status.PROPOSED,
        in_unit=True,
    ),
    # Southvale: Pat Lindqvist educates from outside, Ravi Sandhu supervises on site. Southvale's
    # placement lead agreed the placement but has not sent the provider's part of the audit.
    Plan(
        "gem.student",
        ("uni-northshire", "2023 intake"),
        "southvale",
        "Family help",
        PlacementKind.FINAL,
        -300,
        140,
        Placement.Status.COMPLETED,
        onsite="ravi.practitioner",
        audit=OPEN_SOME,
        tone=7,
    ),
    # Brightpath: Noor Haddad (PEPS stage 1) with Oli Mensah on site; on a final placement Pat
    # Lindqvist (stage 2) co-assesses.
    Plan(
        "hugo.student",
        ("uni-northshire", "2024 intake"),
        "brightpath",
        "Family centre",
        PlacementKind.FIRST,
        -30,
        98,
        Placement.Status.IN_PROGRESS,
        educator="noor.educator",
        onsite="oli.supervisor",
    ),
    Plan(
        "ivo.student",
        ("uni-northshire", "2023 intake"),
        "brightpath",
        "Family centre",
        PlacementKind.FINAL,
        30,
        140,
        Placement.Status.AGREED,
        educator="noor.educator",
        onsite="oli.supervisor",
        co_assessor="pat.educator",
    ),
]

TUTORS = {"uni-northshire": "tara.tutor", "southvale-university": "gil.tutor"}
# Who proposes and agrees: the HEI's placement lead where it has one, else the provider's.
LEADS = {"uni-northshire": "hal.placements", "northshire": "lee.placements"}
# The kind of setting each demo provider offers.
SETTING_TYPES = {
    "northshire": SettingType.LA_CHILDREN,
    "southvale": SettingType.LA_CHILDREN,
    "brightpath": SettingType.VOLUNTARY,
}
# Placement leads who agree placements for their side (and take no part in the audits).
AGREEING_LEADS = {
    **LEADS,
    "southvale-university": "una.placements",
    "southvale": "wyn.placements",
    "brightpath": "bo.placements",
}

FINAL_REPORT = (
    "The student built trusting working relationships quickly and used supervision well to "
    "reflect on their decisions. Their written assessments grew clearer over the placement, "
    "with analysis that linked what they saw to research and to the PCF. They are ready for the "
    "next stage of their training."
)

# Evidence for the final reports' judgements by domain (cycled through the domains).
FINAL_EVIDENCE = [
    "Seen in direct observations and in supervision notes: consistent across the placement.",
    "Assessments written during the placement show it; feedback from a parent agrees.",
    "Discussed in supervision with examples from joint visits; the team manager agrees.",
]
# The student whose completed placement had a cause for concern, which the panel reads.
PANEL_SHOWCASE = "dev.student"
PANEL_CONCERN = "Visits were not always written up on the day; a plan was agreed and kept to."
PANEL_COMMENTS = (
    "The evidence on each domain is specific and the concern raised was followed through. "
    "The panel agrees with the pass."
)
# The HEI people who set up each programme's panel, and sit on it with the tutor.
PANEL_LEADS = {"uni-northshire": "hal.placements", "southvale-university": "una.placements"}
# The panel that still has a report to decide (the HEI's decision waits for it).
PANEL_WAITING = "southvale-university"

# Days in the demo: a placement ended early had this many confirmed; one in progress has
# DAYS_LOGGED logged by the student, of which the first DAYS_CONFIRMED are confirmed.
ENDED_EARLY_DAYS = 24
DAYS_LOGGED = 12
DAYS_CONFIRMED = 9

ENDED_REASON = (
    "The team was reorganised part way through and could no longer offer the learning "
    "opportunities agreed in the learning agreement. The student is continuing in another "
    "setting arranged by the university."
)

# Students' comments by section title, in several voices (picked by the plan's tone).
STUDENT_COMMENTS = {
    "Induction": [
        "The first week was well planned: I had a timetable, a desk and someone to ask.",
        "Induction took a while to get going because my system access came late.",
        "A short welcome pack from the team made the first days much less daunting.",
        "I would have liked to meet the wider team earlier than the third week.",
    ],
    "Learning opportunities": [
        "I led visits with support from early on and took on more as the weeks went by.",
        "There was a good range of work, including joint work with health colleagues.",
        "Shadowing other professions gave me a much better picture of multi-agency work.",
        "Some weeks were quiet and I spent more time reading than I expected.",
    ],
    "Supervision": [
        "Supervision was reliable and always linked my practice back to theory.",
        "My practice educator gave honest feedback that helped me improve my recording.",
        "Supervision was moved a few times when the team was busy, but always rearranged.",
        "Group supervision with the other students in the unit was a real strength.",
    ],
    "Workload": [
        "The workload built up gradually and was right for my stage.",
        "Study time was protected every week, which helped with my portfolio.",
        "There were a couple of weeks where I felt stretched, but it was talked through.",
        "I always knew which decisions sat with a qualified worker.",
    ],
}
COMMENT_CYCLE = 7
STUDENT_RATING_PATTERNS = [
    [3, 2, 3, 2],
    [2, 2, 2, 3],
    [2, 1, 2, 2],
    [1, 2, 1, 2],
    [3, 3, 2, 2],
    [2, 3, 3, 2],
    [2, 2, 1, 3],
    [3, 2, 2, 2],
]
OTHER_COMMENTS = {
    AuditParty.EDUCATOR: "The student used supervision well and the team made them welcome.",
    AuditParty.PROVIDER: "Induction and access to systems were ready before the first day.",
    AuditParty.TUTOR: "Meetings happened on time and concerns were raised early.",
}
MODERATION_NOTES = (
    "All four parts read together. The student's experience of supervision and learning was "
    "good; the parts agree that access to systems at the start needs to be quicker."
)
ACTIONS = [
    ("Have system access and a device ready before each student's first day.", 21),
    ("Add a meeting with the wider team to the first week of the induction timetable.", 45),
]
DESIGNATION_EVIDENCE = (
    "Set out in our practice learning policy, reviewed each year with our university partners "
    "and the practice learning board. Evidence is held by the placement lead."
)
PARTNERSHIP_RATINGS = {
    "governance": ("green", "The partnership board meets each term with both sides present."),
    "admissions": ("amber", "Employer staff join interviews, but not every round yet."),
    "placements": ("green", "Enough placements were offered for every student this year."),
    "curriculum": ("amber", "Practitioners teach on two modules; we would like more."),
    "academics": ("amber", "Two academics spent time in practice teams this year."),
    "workforce": ("green", "Newly qualified workers move smoothly into the ASYE."),
}


def _email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


def _people() -> dict[str, User]:
    return {u.email.split("@")[0]: u for u in User.objects.filter(email__endswith=DEMO_DOMAIN)}


def _organisations() -> dict[str, Organisation]:
    if not Organisation.objects.filter(slug="uni-northshire").exists():
        ensure_demo_people()
    return {o.slug: o for o in Organisation.objects.all()}


def _ensure_students(orgs, people, today: date) -> dict[str, User]:
    for local, first, last, university in GENERATED_STUDENTS:
        user, created = User.objects.get_or_create(
            email=_email(local), defaults={"first_name": first, "last_name": last}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        # Verified, as the demo people's are, so a generated student can sign in too.
        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        Membership.objects.get_or_create(
            user=user,
            organisation=orgs[university],
            role=Role.STUDENT,
            defaults={"starts_on": today - timedelta(days=3 * 365)},
        )
        people[local] = user
    return people


def _ensure_cohorts(orgs) -> dict[tuple[str, str], Cohort]:
    cohorts = {}
    for slug, (name, cohort_names) in PROGRAMMES.items():
        programme, _ = Programme.objects.get_or_create(
            hei=orgs[slug],
            name=name,
            defaults={
                "requires_dbs": True,
                "requires_occupational_health": True,
                "requires_suitability": True,
                "requires_induction": True,
            },
        )
        for cohort_name in cohort_names:
            cohorts[(slug, cohort_name)], _ = Cohort.objects.get_or_create(
                programme=programme, name=cohort_name
            )
    return cohorts


def _ensure_unit(orgs, people) -> StudentUnit:
    team = Team.objects.get(organisation=orgs["northshire"], name="Student unit")
    unit, _ = StudentUnit.objects.get_or_create(
        team=team, defaults={"head": people["pat.educator"], "capacity": UNIT_CAPACITY}
    )
    return unit


def _ratings(audit: Audit, party: str, pattern: list[int], voice: int) -> tuple[dict, dict]:
    """Ratings for every criterion of `party`'s sections (following `pattern`), and comments
    (students' in one of several voices)."""
    ratings, comments = {}, {}
    size = len(audit.template.scale)
    sections = audit.template.sections.filter(party=party).prefetch_related("criteria")
    for n, section in enumerate(sections):
        for m, criterion in enumerate(section.criteria.all()):
            ratings[str(criterion.pk)] = min(pattern[(n + m) % len(pattern)], size - 1)
        if party == AuditParty.STUDENT:
            # Not every student writes in every section; no two write the same words.
            texts = STUDENT_COMMENTS.get(section.title, [])
            pick = (voice + n) % COMMENT_CYCLE
            if pick < len(texts):
                comments[str(section.pk)] = texts[pick]
        elif n == 0 and party in OTHER_COMMENTS:
            comments[str(section.pk)] = OTHER_COMMENTS[party]
    return ratings, comments


def _submit(audit: Audit, party: str, by: User, pattern: list[int], voice: int = 0) -> None:
    ratings, comments = _ratings(audit, party, pattern, voice)
    services.submit_audit_part(audit=audit, by=by, party=party, ratings=ratings, comments=comments)


def _run_audit(plan: Plan, audit: Audit, placement: Placement, people, today: date) -> None:
    if plan.audit == OPEN_NONE:
        return
    tone = STUDENT_RATING_PATTERNS[plan.tone % len(STUDENT_RATING_PATTERNS)]
    others = [2, 3, 2, 2]
    provider_lead = people.get(LEADS.get(plan.provider, ""))
    _submit(audit, AuditParty.STUDENT, placement.student, tone, plan.tone)
    educator = people[plan.onsite] if plan.onsite else placement.practice_educator
    _submit(audit, AuditParty.EDUCATOR, educator, others)
    if plan.audit == OPEN_SOME:
        return
    _submit(audit, AuditParty.TUTOR, placement.hei_tutor, others)
    if provider_lead is None:
        return
    _submit(audit, AuditParty.PROVIDER, provider_lead, others)
    if plan.audit != MODERATED:
        return
    hei_lead = people.get(LEADS.get(plan.cohort[0], ""))
    if hei_lead is None:
        return
    services.moderate(
        audit=audit,
        by=hei_lead,
        notes=MODERATION_NOTES,
        actions=[
            {"text": text, "owner": provider_lead, "due_on": today + timedelta(days=days)}
            for text, days in ACTIONS
        ],
    )


def _confirmed_days(placement: Placement, educator: User, count: int) -> None:
    """`count` days of a finished placement, logged by the student and confirmed by the
    educator: written in one go rather than through `services.log_days` a day at a time (which
    only takes days up to today, one by one), so the seed stays quick."""
    now = timezone.now()
    DaysLog.objects.bulk_create(
        DaysLog(
            placement=placement,
            on=placement.starts_on + timedelta(days=n),
            days=1,
            recorded_by=placement.student,
            confirmed_by=educator,
            confirmed_at=now,
        )
        for n in range(count)
    )


def _days_so_far(placement: Placement, confirmer: User) -> None:
    """A placement in progress: the student has logged days (one a half day, where the
    programme counts halves) and the educator or on-site supervisor has confirmed the earlier
    ones; the latest wait to be confirmed. Through the services, as a person would."""
    entries = []
    for n in range(DAYS_LOGGED):
        half = n == 3 and placement.cohort.programme.half_days_allowed
        entries.append(
            services.log_days(
                placement=placement,
                by=placement.student,
                on=placement.starts_on + timedelta(days=n),
                days="0.5" if half else 1,
            )
        )
    services.confirm_days(
        placement=placement, by=confirmer, entries=[e.pk for e in entries[:DAYS_CONFIRMED]]
    )


def _place(plan: Plan, *, people, cohorts, orgs, unit, today: date) -> Placement | None:
    student = people[plan.student]
    if Placement.objects.filter(student=student).exists():
        return None
    university = plan.cohort[0]
    lead = people[LEADS.get(university) or LEADS[plan.provider]]
    educator = people[plan.educator]
    tutor = people[TUTORS[university]]
    team = Team.objects.get(organisation=orgs[plan.provider], name=plan.team)
    cohort = cohorts[plan.cohort]
    cohort.students.add(student)
    starts_on = today + timedelta(days=plan.starts)
    placement = services.propose_placement(
        by=lead,
        student=student,
        cohort=cohort,
        provider_team=team,
        practice_educator=educator,
        hei_tutor=tutor,
        kind=plan.kind,
        setting_type=SETTING_TYPES[plan.provider],
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=plan.length),
        onsite_supervisor=people[plan.onsite] if plan.onsite else None,
        co_assessor=people[plan.co_assessor] if plan.co_assessor else None,
        unit=unit if plan.in_unit else None,
    )
    if plan.state == Placement.Status.PROPOSED:
        return placement
    # Proposing counted for the proposer's side; a lead of the other side agrees for theirs.
    other = plan.provider if university in LEADS else university
    services.agree(placement=placement, by=people[AGREEING_LEADS[other]])
    if plan.state == Placement.Status.AGREED:
        return placement
    _confirm_checks(placement, tutor=tutor, educator=educator, on=starts_on)
    services.start(placement=placement, by=lead)
    if plan.showcase and _showcase(placement, people=people, plan=plan, today=today):
        _days_so_far(placement, people[plan.onsite] if plan.onsite else educator)
        return placement
    services.record_learning_agreement(
        placement=placement, by=educator, on=starts_on + timedelta(days=7)
    )
    if plan.state == Placement.Status.IN_PROGRESS:
        _days_so_far(placement, people[plan.onsite] if plan.onsite else educator)
        return placement
    if plan.state == Placement.Status.ENDED_EARLY:
        _confirmed_days(placement, educator, ENDED_EARLY_DAYS)
        audit = services.end_early(placement=placement, by=lead, reason=ENDED_REASON)
    else:
        _confirmed_days(placement, educator, placement.days_required)
        services.record_midpoint(
            placement=placement, by=educator, on=starts_on + timedelta(days=plan.length // 2)
        )
        if plan.student == PANEL_SHOWCASE:
            _resolved_concern(placement, educator=educator, tutor=tutor, today=today)
        final_report.record_final_report(
            placement=placement,
            by=educator,
            text=FINAL_REPORT,
            recommendation=Placement.Recommendation.PASS,
            judgements={
                domain: (2 if n % 3 == 0 else 1, FINAL_EVIDENCE[n % len(FINAL_EVIDENCE)])
                for n, domain in enumerate(midpoint.pcf_domains())
            },
        )
        audit = services.complete(placement=placement, by=lead)
    if audit is not None and plan.audit:
        _run_audit(plan, audit, placement, people, today)
    return placement


def _confirm_checks(placement: Placement, *, tutor, educator, on: date) -> None:
    """The programme's pre-placement checks: the university's by the tutor, the induction by
    the practice educator on the first day."""
    for kind in checks.missing_checks(placement):
        checks.confirm_check(
            placement=placement,
            by=educator if kind == CheckKind.INDUCTION else tutor,
            kind=kind,
            induction_on=on if kind == CheckKind.INDUCTION else None,
        )


def _showcase(placement: Placement, *, people, plan: Plan, today: date) -> bool:
    """The whole record of a placement in progress (see `Plan.showcase`). False, doing nothing,
    if the framework is not loaded (no statements to map learning needs to)."""
    level = learning.placement_level(placement)
    statements = list(
        Item.objects.statements().filter(level=level).order_by("sort_order")[:40:13]
        if level
        else []
    )
    if not statements:
        return False
    student, educator = placement.student, placement.practice_educator
    tutor = placement.hei_tutor
    learning.save_learning_agreement(
        placement=placement,
        by=educator,
        meeting_on=placement.starts_on + timedelta(days=7),
        present=[student, educator, tutor],
        statements=statements,
        supervision_frequency=SupervisionFrequency.WEEKLY,
        supervision_minutes=90,
        workload=SHOWCASE_WORKLOAD,
        learning_needs=SHOWCASE_NEEDS,
    )
    for signer in (student, educator, tutor):
        learning.sign_learning_agreement(placement=placement, by=signer)
    domains = midpoint.pcf_domains()
    midpoint.record_midpoint_review(
        placement=placement,
        by=educator,
        held_on=today - timedelta(days=2),
        judgements={
            domain: (1, SHOWCASE_BEHIND) if n == 1 else (2, SHOWCASE_ON_TRACK)
            for n, domain in enumerate(domains)
        },
    )
    concern = concerns.raise_concern(
        placement=placement, by=educator, text=SHOWCASE_CONCERN, notify=False
    )
    for days, text in SHOWCASE_ACTIONS:
        concerns.add_action(
            concern=concern, by=tutor, text=text, due_on=today + timedelta(days=days)
        )
    concerns.mark_action_done(action=concern.actions.order_by("due_on").first(), by=educator)
    concerns.raise_concern(
        placement=placement,
        by=student,
        text=SHOWCASE_STUDENT_CONCERN,
        about_placement=True,
        notify=False,
    )
    return True


def _resolved_concern(placement: Placement, *, educator, tutor, today: date) -> None:
    """A cause for concern during a placement, with an action done and the concern resolved."""
    concern = concerns.raise_concern(
        placement=placement, by=educator, text=PANEL_CONCERN, notify=False
    )
    action = concerns.add_action(
        concern=concern,
        by=tutor,
        text="Write up each visit the same day; the educator checks weekly.",
        due_on=today,
    )
    concerns.mark_action_done(action=action, by=educator)
    concerns.resolve(concern=concern, by=tutor)


def _ensure_panels(orgs, people, today: date) -> None:
    """Each programme's practice assessment panel for the past year's placements, with the
    panel's decision on its sample (agreeing) and then the HEI's decision, except at Southvale,
    whose panel has yet to decide. Placements already before a panel are left alone."""
    for slug, lead_local in PANEL_LEADS.items():
        lead = people[lead_local]
        tutor = people[TUTORS[slug]]
        for programme in Programme.objects.filter(hei=orgs[slug]):
            period = {"period_from": today - timedelta(days=400), "period_to": today}
            if not panel.eligible_placements(programme=programme, **period).exists():
                continue
            the_panel = panel.convene_panel(
                programme=programme,
                by=lead,
                held_on=today - timedelta(days=7),
                members=[lead, tutor],
                other_members="An independent practice educator from a partner employer.",
                **period,
            )
            for case in the_panel.cases.select_related("placement"):
                if case.sampled and slug != PANEL_WAITING:
                    panel.record_panel_decision(
                        case=case,
                        by=lead,
                        outcome=PanelCase.Outcome.AGREE,
                        comments=PANEL_COMMENTS if case.reason == case.Reason.CONCERN else "",
                    )
                if not case.sampled or slug != PANEL_WAITING:
                    services.record_hei_decision(
                        placement=case.placement, by=tutor, decision=case.placement.recommendation
                    )


def _backdate_one_action(orgs, today: date) -> None:
    """Moderation only takes due dates from today on; make one action look as if it was agreed
    months ago and is now overdue, so that the quality profile shows what overdue looks like."""
    if ActionItem.objects.filter(provider=orgs["northshire"], due_on__lt=today).exists():
        return
    action = (
        ActionItem.objects.filter(provider=orgs["northshire"], status=ActionItem.Status.OPEN)
        .order_by("due_on", "pk")
        .first()
    )
    if action is not None:
        action.due_on = today - timedelta(days=14)
        action.save(update_fields=["due_on"])


def _ensure_designation(
    *, organisation, kind, applicant, board, decider, starts_on, expires_on
) -> None:
    if Designation.objects.filter(organisation=organisation, kind=kind).exists():
        return
    designation = designations.start_application(
        organisation=organisation, kind=kind, awarding_body=board, by=applicant
    )
    for criterion in designations.active_criteria(kind):
        designations.save_evidence(
            designation=designation, criterion=criterion, text=DESIGNATION_EVIDENCE, by=applicant
        )
    designations.submit(designation=designation, by=applicant)
    designations.decide(
        designation=designation,
        by=decider,
        status=Designation.Status.APPROVED,
        notes="All criteria met; the evidence was discussed with the placement lead.",
        starts_on=starts_on,
        expires_on=expires_on,
    )


def _ensure_partnership(orgs, people, today: date) -> None:
    partnership, created = Partnership.objects.get_or_create(
        slug=PARTNERSHIP_SLUG, defaults={"name": PARTNERSHIP_NAME, "hei": orgs["uni-northshire"]}
    )
    if created:
        partnership.employers.add(orgs["northshire"], orgs["brightpath"])
    review = partnerships.review_for(partnership=partnership, year=today.year)
    side = PartnershipSide.objects.get(review=review, organisation=orgs["brightpath"])
    if side.submitted_at is None:
        partnerships.submit_side(
            review=review,
            organisation=orgs["brightpath"],
            by=people["cam.admin"],
            ratings={
                area: {"rating": rating, "comment": comment}
                for area, (rating, comment) in PARTNERSHIP_RATINGS.items()
            },
        )


@transaction.atomic
def ensure_demo_placements() -> int:
    """Set up the demo placements and everything around them; return how many placements were
    created (none when run again)."""
    today = timezone.localdate()
    orgs = _organisations()
    people = _ensure_students(orgs, _people(), today)
    cohorts = _ensure_cohorts(orgs)
    unit = _ensure_unit(orgs, people)
    # The partnership first: it is what lets Sol and the other students read feedback.
    _ensure_partnership(orgs, people, today)

    designations.ensure_default_criteria()
    board = orgs["practice-learning-board"]
    _ensure_designation(
        organisation=orgs["northshire"],
        kind=DesignationKind.APS,
        applicant=people["lee.placements"],
        board=board,
        decider=people["rue.board"],
        starts_on=today - timedelta(days=3 * 365 - 45),
        expires_on=today + timedelta(days=45),
    )
    _ensure_designation(
        organisation=orgs["brightpath"],
        kind=DesignationKind.TEACHING,
        applicant=people["cam.admin"],
        board=board,
        decider=people["rue.board"],
        starts_on=today - timedelta(days=120),
        expires_on=today + timedelta(days=3 * 365 - 120),
    )

    created = 0
    for plan in PLANS:
        placement = _place(plan, people=people, cohorts=cohorts, orgs=orgs, unit=unit, today=today)
        created += placement is not None
    _ensure_panels(orgs, people, today)
    _backdate_one_action(orgs, today)
    offers_demo.ensure_demo_offers(orgs=orgs, people=people, cohorts=cohorts, today=today)
    offers_demo.ensure_demo_skills_days(people=people, cohorts=cohorts, today=today)
    # The register of practice educators, after the placements its currency counts.
    from .educator_demo import ensure_demo_educators

    ensure_demo_educators(people, today)
    from .support_demo import ensure_demo_support_plan

    ensure_demo_support_plan(people, today)
    return created
