"""Demo portfolios for the demo people: generated from phrase banks with a fixed seed, never real,
and never naming a child or family. Safe to run again: a portfolio that already has entries is
left alone."""

import datetime
import random
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.demo import DEMO_DOMAIN
from accounts.models import User
from capabilities.models import FrameworkVersion, Item
from organisations.models import Membership

from .models import (
    Comment,
    Entry,
    Mapping,
    Portfolio,
    Share,
    registration_year_bounds,
    registration_year_for,
)

# (type of evidence, type of CPD activity as Social Work England's form lists it, title)
SUBJECTS = [
    ("supervision", "supervision", "Supervision on holding risk in a strategy discussion"),
    ("learning", "course", "Course on contextual safeguarding"),
    (
        "reflection",
        "own-practice",
        "Reflection on a home visit that went differently than planned",
    ),
    ("learning", "reading", "Reading on trauma-informed practice"),
    ("observation", "own-practice", "Observed direct work using a three-houses tool"),
    ("family-feedback", "feedback", "Feedback from a young person about our meetings"),
    ("colleague-feedback", "feedback", "Feedback from a health visitor after a joint visit"),
    ("written-work", "own-practice", "Assessment report reviewed by my manager"),
    ("reflection", "own-practice", "Reflection on a child protection conference"),
    (
        "learning",
        "event",
        "Workshop on the Mental Capacity Act for young people aged 16 and 17",
    ),
    ("supervision", "group-reflection", "Group supervision on working with fathers"),
    ("learning", "reading", "Podcast on anti-racist practice"),
]
WHY = [
    "I wanted to understand this better because it comes up in most of my work.",
    "My manager and I agreed it as a learning need at my last review.",
    "It links to a gap in my coverage at my target level.",
    "I noticed I was avoiding this in my practice and wanted to look at why.",
]
LEARNT = [
    "I learnt to slow down and ask what the child's day is actually like before deciding anything.",
    "I learnt that my questions can sound like judgements, and how to phrase them so they invite a story.",
    "I learnt how research on cumulative harm can be explained to parents without jargon.",
    "I learnt to name my authority openly and to be clear about what happens next.",
    "I learnt that I rely on my first hypothesis too long, and how to test it with colleagues.",
]
IMPACT = [
    "I now plan visits around one clear purpose and share it with the family first.",
    "My recordings are shorter and say what I saw, what I think it means and what I will do.",
    "Families tell me they understand why I am involved, which makes the work more honest.",
    "I check my assumptions in supervision before a plan is agreed, not after.",
]
PEERS = [
    ("a senior practitioner in my team", "Senior practitioner"),
    ("a colleague from the family help team", "Family support worker"),
    ("a practice educator", "Practice educator"),
    ("a school designated safeguarding lead", "Designated safeguarding lead"),
]
COMMENTS = [
    "A thoughtful reflection. Next time, say a little more about what you would do differently.",
    "This shows clear progress at the level you are working towards.",
    "Good link between the research and your practice. Bring this to supervision.",
]


@dataclass
class DemoPortfolio:
    local_part: str
    entries: int
    levels: tuple[str, ...]
    peer_every: int  # every n-th record has a peer reflection (0: none)
    drafts: int = 1
    shared_with: tuple[tuple[str, str, bool], ...] = ()  # (local part, relationship, comments)
    # Records written out to show the CPD rules (see THIS_YEAR).
    this_year: tuple[str, ...] = ()
    # First registered with Social Work England late in last registration year: a new registrant,
    # who owed no CPD for that year (and owes it for this one).
    new_registrant: bool = False


# Records made to show the CPD rules, by key: (type of evidence, type of CPD activity, title,
# day of the current registration year (0: its first; below 0: last year), peer learning).
THIS_YEAR = {
    # A peer reflection that names nobody: group supervision counts, and is enough.
    "group-supervision": (
        "supervision",
        "group-reflection",
        "Group supervision on drift in child in need plans",
        0,
        "The group helped me see that I had stopped asking what had changed for the child.",
    ),
    "course": ("learning", "course", "Course on working with interpreters", 1, ""),
    # The same course recorded again, as people do: counted once, and the page says so.
    "course-again": ("learning", "course", "course on working with  Interpreters", 1, ""),
    # Last year's peer reflection (a day before this year began): a team reflection, unnamed too.
    "team-reflection": (
        "reflection",
        "group-reflection",
        "Team reflection on a complaint from a parent",
        -30,
        "Hearing how colleagues had handled complaints helped me answer without defending myself.",
    ),
}


DEMO_PORTFOLIOS = [
    # Priya's peer reflection this year (her only one) names nobody: group supervision; and she
    # recorded one course twice. Her CPD year is ready to record with Social Work England all the
    # same. Last year's, a team reflection, names nobody either.
    DemoPortfolio(
        "priya.practitioner",
        14,
        ("social-worker", "experienced"),
        0,
        shared_with=(("morgan.manager", Share.Relationship.SUPERVISOR, True),),
        this_year=("group-supervision", "course", "course-again", "team-reflection"),
    ),
    # Alex, in the ASYE, first registered late last registration year: no CPD owed for it.
    DemoPortfolio(
        "alex.asye",
        10,
        ("asye",),
        4,
        shared_with=(("morgan.manager", Share.Relationship.SUPERVISOR, True),),
        new_registrant=True,
    ),
    # Ravi has one record and no peer reflection: the CPD reminders are for him.
    DemoPortfolio("ravi.practitioner", 1, ("social-worker",), 0, drafts=1),
    DemoPortfolio(
        "sol.student",
        8,
        ("first-placement", "last-placement"),
        0,
        shared_with=(
            ("pat.educator", Share.Relationship.PRACTICE_EDUCATOR, True),
            ("tara.tutor", Share.Relationship.TUTOR, False),
        ),
    ),
    DemoPortfolio("mia.student", 4, ("readiness", "first-placement"), 0),
]


def late_registration(today: datetime.date) -> datetime.date:
    """Two weeks after the new-registrant cut-off of the registration year before today's: a
    first registration late enough that no CPD is owed for that year, while this year's is."""
    month, day = settings.CPD_NEW_REGISTRANT_AFTER
    year = registration_year_for(today) - 1
    return datetime.date(year, month, day) + datetime.timedelta(days=14)


def _email(local_part: str) -> str:
    return f"{local_part}@{DEMO_DOMAIN}"


@transaction.atomic
def ensure_demo_portfolios(*, today: datetime.date | None = None) -> int:
    """Create the demo portfolios that do not exist yet. Returns how many entries were made."""
    today = today or timezone.localdate()
    version = FrameworkVersion.objects.current("pcf")
    if version is None:
        return 0
    statements = list(
        Item.objects.statements()
        .filter(version=version)
        .select_related("level")
        .order_by("sort_order")
    )
    by_level: dict[str, list[Item]] = {}
    for statement in statements:
        by_level.setdefault(statement.level.slug, []).append(statement)
    people = {u.email: u for u in User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")}
    made = 0
    for spec in DEMO_PORTFOLIOS:
        owner = people.get(_email(spec.local_part))
        if owner is None:
            continue
        if spec.new_registrant:
            Membership.objects.filter(user=owner, first_registered_on__isnull=True).update(
                first_registered_on=late_registration(today)
            )
        portfolio = Portfolio.for_user(owner)
        if portfolio.entries.exists():
            continue
        rng = random.Random(spec.local_part)
        pool = [s for level in spec.levels for s in by_level.get(level, [])]
        entries = []
        # Spread the records over the registration year so far (and a little of the one before).
        year_start, _ = registration_year_bounds(registration_year_for(today))
        span = max((today - year_start).days, 30) + 60
        for key in spec.this_year:
            entry_type, activity_type, title, day, peer_learning = THIS_YEAR[key]
            occurred_on = min(year_start + datetime.timedelta(days=day), today)
            entries.append(
                Entry(
                    portfolio=portfolio,
                    status=Entry.Status.COMPLETE,
                    entry_type=entry_type,
                    activity_type=activity_type,
                    title=title,
                    occurred_on=occurred_on,
                    description=f"{title}. {WHY[day % len(WHY)]}",
                    learning=LEARNT[day % len(LEARNT)],
                    impact=IMPACT[day % len(IMPACT)],
                    peer_learning=peer_learning,
                    swe_standards=["4.2", "4.6"],
                )
            )
        for n in range(spec.entries + spec.drafts):
            entry_type, activity_type, title = SUBJECTS[
                (n + rng.randrange(len(SUBJECTS))) % len(SUBJECTS)
            ]
            draft = n >= spec.entries
            peer = not draft and spec.peer_every and n % spec.peer_every == 0
            occurred_on = today - datetime.timedelta(days=rng.randrange(span))
            peer_name, peer_role = rng.choice(PEERS) if peer else ("", "")
            entries.append(
                Entry(
                    portfolio=portfolio,
                    status=Entry.Status.DRAFT if draft else Entry.Status.COMPLETE,
                    entry_type=entry_type,
                    activity_type=activity_type,
                    title=title,
                    occurred_on=None if draft else occurred_on,
                    hours=rng.choice([None, 1, 1.5, 3, 6]),
                    description=f"{title}. {rng.choice(WHY)}",
                    learning="" if draft else rng.choice(LEARNT),
                    impact="" if draft else rng.choice(IMPACT),
                    peer_name=peer_name[:1].upper() + peer_name[1:],
                    peer_role=peer_role,
                    peer_on=occurred_on + datetime.timedelta(days=3) if peer else None,
                    peer_learning=(
                        "Talking it through showed me what I had missed about the family's "
                        "strengths, and how to say that in my report."
                        if peer
                        else ""
                    ),
                    swe_standards=sorted(rng.sample(["4.1", "4.2", "4.3", "4.6", "4.7"], 2)),
                )
            )
        Entry.objects.bulk_create(entries)
        mappings = []
        for entry in entries:
            if pool:
                for statement in rng.sample(pool, min(len(pool), rng.randint(1, 3))):
                    mappings.append(Mapping(entry=entry, item=statement))
        Mapping.objects.bulk_create(mappings)
        for local_part, relationship, can_comment in spec.shared_with:
            reader = people.get(_email(local_part))
            if reader is None:
                continue
            Share.objects.create(
                portfolio=portfolio,
                reader=reader,
                relationship=relationship,
                whole_portfolio=True,
                can_comment=can_comment,
            )
            if can_comment:
                for entry in entries[:3]:
                    Comment.objects.create(
                        entry=entry,
                        author=reader,
                        author_name=str(reader),
                        author_role=Share.Relationship(relationship).label,
                        body=rng.choice(COMMENTS),
                    )
        made += len(entries)
    # Feedback without an account (portfolios.feedback_demo), on the portfolios made above.
    from .feedback_demo import ensure_demo_feedback

    ensure_demo_feedback(today=today)
    return made
