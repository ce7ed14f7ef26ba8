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
  Southvale's panel still has Kai Brantwood's report to decide (so the HEI's decision waits;
  `panel_demo`);
* their quality audits at every stage: open with no part in yet, open with some parts in,
  fully submitted and waiting
  for moderation, and moderated with actions for the provider (one of them overdue);
* an Approved Practice Setting designation for Northshire that expires within 60 days, and
  teaching organisation status for Brightpath, both decided by the Regional Practice Learning
  Board (`designation_demo`);
* the Northshire Teaching Partnership (University of Northshire with Northshire and
  Brightpath): last year's review complete, every side's ratings in and two actions agreed, and
  this year's, which Brightpath has submitted and the university and Northshire have not
  (`partnership_demo`);
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
    final_report,
    learning,
    midpoint,
    offers_demo,
    services,
)
from .demo_data import (
    ACTIONS,
    AGREEING_LEADS,
    COMMENT_CYCLE,
    DAYS_CONFIRMED,
    DAYS_LOGGED,
    ENDED_EARLY_DAYS,
    ENDED_REASON,
    FINAL_EVIDENCE,
    FINAL_REPORT,
    GENERATED_STUDENTS,
    LEADS,
    MODERATED,
    MODERATION_NOTES,
    OPEN_NONE,
    OPEN_SOME,
    OTHER_COMMENTS,
    PANEL_CONCERN,
    PANEL_SHOWCASE,
    PLANS,
    PROGRAMMES,
    SETTING_TYPES,
    SHOWCASE_ACTIONS,
    SHOWCASE_BEHIND,
    SHOWCASE_CONCERN,
    SHOWCASE_NEEDS,
    SHOWCASE_ON_TRACK,
    SHOWCASE_STUDENT_CONCERN,
    SHOWCASE_WORKLOAD,
    STUDENT_COMMENTS,
    STUDENT_RATING_PATTERNS,
    TUTORS,
    UNIT_CAPACITY,
    Plan,
)
from .designation_demo import ensure_demo_designations
from .models import (
    ActionItem,
    Audit,
    AuditParty,
    CheckKind,
    Cohort,
    DaysLog,
    Placement,
    Programme,
    StudentUnit,
    SupervisionFrequency,
)
from .panel_demo import ensure_demo_panels
from .partnership_demo import ensure_demo_partnership


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
    ensure_demo_partnership(orgs, people, today)

    ensure_demo_designations(orgs, people, today)

    created = 0
    for plan in PLANS:
        placement = _place(plan, people=people, cohorts=cohorts, orgs=orgs, unit=unit, today=today)
        created += placement is not None
    ensure_demo_panels(orgs, people, today)
    _backdate_one_action(orgs, today)
    offers_demo.ensure_demo_offers(orgs=orgs, people=people, cohorts=cohorts, today=today)
    offers_demo.ensure_demo_skills_days(people=people, cohorts=cohorts, today=today)
    # The register of practice educators, after the placements its currency counts.
    from .educator_demo import ensure_demo_educators

    ensure_demo_educators(people, today)
    from .support_demo import ensure_demo_support_plan

    ensure_demo_support_plan(people, today)
    return created
