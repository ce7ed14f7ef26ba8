"""Social Work England's CPD requirement, year by year, and the reminders about it.

A registered social worker records at least `CPD_REQUIRED_PIECES` different pieces of CPD in each
registration year (1 December to 30 November), at least `CPD_REQUIRED_PEER_REFLECTIONS` of them
with a peer reflection; there is no minimum number of hours. The rules are settings
(cms/settings/base.py, with their sources), read each time they are used.

Here a record counts for a year when it is a live, complete entry dated in that year. Drafts are
shown apart, as not yet counted. The same activity recorded twice (the same title and date, case
and spaces aside, or the same reflection word for word: a copy) is one piece of CPD, and the year
page says which records it treated as one. Someone first registered late in a registration year
(after `CPD_NEW_REGISTRANT_AFTER`) owes no CPD for it: no reminders, no "Not met".

`send_reminders` runs daily (the `send_cpd_reminders` command): people who must do CPD and are not
ready to record it get one email as each of `CPD_REMINDER_DAYS` is reached. Each reminder is
recorded in `CpdReminder`, so running it twice sends nothing twice, and a reminder overtaken by
a more urgent one (the scheduler missed days) is recorded as skipped, never sent late.
"""

import logging
import operator
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import reduce
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Min, Q, Value
from django.db.models.functions import Length, Replace
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat, timezone

from cms.urls_util import absolute_url
from organisations.models import Membership, Role

from .models import (
    CpdReminder,
    Entry,
    has_peer_reflection,
    registration_year_bounds,
    registration_year_for,
)

logger = logging.getLogger(__name__)

# Roles whose holders are registered social workers and so must record CPD. Anyone else with a
# registration number on an active membership must too, except students.
CPD_ROLES = (
    Role.PRACTITIONER,
    Role.PRACTICE_EDUCATOR,
    Role.ONSITE_SUPERVISOR,
    Role.LINE_MANAGER,
    Role.PRINCIPAL_SOCIAL_WORKER,
)

# The fields of Social Work England's form that have a length limit, as the form names them.
LIMITED_FIELDS = {
    "title": "Title",
    "description": "Short description and why it is relevant",
    "learning": "What I learnt",
    "impact": "Impact on my practice and on the people I work with",
    "peer_learning": "What I learnt from discussing it with a peer",
}


def required_pieces() -> int:
    return settings.CPD_REQUIRED_PIECES


def required_peer() -> int:
    return settings.CPD_REQUIRED_PEER_REFLECTIONS


def reminder_days() -> tuple[int, ...]:
    """Days before the end of the year on which a reminder is due, least urgent first."""
    return tuple(sorted(settings.CPD_REMINDER_DAYS, reverse=True))


def field_limit(name: str) -> int | None:
    return (settings.CPD_FIELD_LIMITS or {}).get(name)


def text_length(text: str) -> int:
    """Characters as a form counts them: a line break is one, however the browser sent it."""
    return len((text or "").replace("\r\n", "\n"))


def over_limits(entry) -> list[tuple[str, int, int]]:
    """(field label, length, limit) for each answer too long for Social Work England's form."""
    found = []
    for name, label in LIMITED_FIELDS.items():
        limit = field_limit(name)
        length = text_length(getattr(entry, name, ""))
        if limit and length > limit:
            found.append((label, length, limit))
    return found


def _plural(count: int, singular: str, plural: str) -> str:
    return singular if count == 1 else plural


def _same(text: str) -> str:
    return " ".join((text or "").split()).casefold()


def same_pieces(records: list) -> list[list]:
    """Group records that are one piece of CPD: the same title and date (case and spaces aside),
    or the same description, learning and impact word for word (a copy). Groups keep the order
    of `records`; each record is in exactly one group."""
    parent = list(range(len(records)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_with: dict[tuple, int] = {}
    for index, record in enumerate(records):
        keys = [("title", _same(record.title), record.occurred_on)]
        text = (_same(record.description), _same(record.learning), _same(record.impact))
        if any(text):
            keys.append(("text", *text))
        for key in keys:
            if key in first_with:
                parent[root(index)] = root(first_with[key])
            else:
                first_with[key] = index
    groups: dict[int, list] = {}
    for index, record in enumerate(records):
        groups.setdefault(root(index), []).append(record)
    return list(groups.values())


@dataclass
class CpdYear:
    """One person's CPD for one registration year, as of `today`."""

    year: int
    starts_on: date
    ends_on: date
    today: date
    # Every complete record's `record_key` (what tells pieces of CPD apart), in date order.
    records: list[SimpleNamespace] = field(default_factory=list)
    pieces: list[list[SimpleNamespace]] = field(default_factory=list)
    drafts_count: int = 0
    too_long_count: int = 0
    first_registered_on: date | None = None

    @property
    def records_count(self) -> int:
        return len(self.records)

    @property
    def pieces_count(self) -> int:
        return len(self.pieces)

    @property
    def peer_count(self) -> int:
        """Different pieces of CPD with a peer reflection."""
        return sum(any(r.has_peer_reflection for r in piece) for piece in self.pieces)

    @property
    def treated_as_one(self) -> list[list[SimpleNamespace]]:
        return [piece for piece in self.pieces if len(piece) > 1]

    @property
    def required_pieces(self) -> int:
        return required_pieces()

    @property
    def required_peer(self) -> int:
        return required_peer()

    @property
    def met(self) -> bool:
        """Ready to record with Social Work England: enough different pieces, enough peer ones."""
        return self.pieces_count >= required_pieces() and self.peer_count >= required_peer()

    @property
    def not_owed_reason(self) -> str | None:
        """Why no CPD is owed for this year (a new registrant), or None when it is owed."""
        first = self.first_registered_on
        if first is None or first < self.starts_on:
            return None
        on = dateformat.format(first, "j F Y")
        if first > self.ends_on:
            return (
                f"You were first registered with Social Work England on {on}, after this "
                "registration year ended, so there is no CPD to record for it."
            )
        month, day = settings.CPD_NEW_REGISTRANT_AFTER
        cutoff = date(self.ends_on.year, month, day)
        if first <= cutoff:
            return None
        first_year_ends = registration_year_bounds(self.year + 1)[1]
        return (
            f"You were first registered with Social Work England on {on}, after "
            f"{dateformat.format(cutoff, 'j F')}: Social Work England does not ask people who "
            "join the register that late in a registration year to record CPD for it. Your "
            f"first CPD year ends on {dateformat.format(first_year_ends, 'j F Y')}."
        )

    @property
    def owed(self) -> bool:
        return self.not_owed_reason is None

    @property
    def status(self) -> str:
        """One of "ready", "not-owed", "not-met" (the year is over) and "not-yet"."""
        if self.met:
            return "ready"
        if not self.owed:
            return "not-owed"
        return "not-met" if self.is_past else "not-yet"

    @property
    def status_label(self) -> str:
        return {
            "ready": "Ready to record with Social Work England",
            "not-owed": "No CPD needed for this year",
            "not-met": "Not met",
            "not-yet": "Not ready to record yet",
        }[self.status]

    @property
    def status_tag(self) -> str:
        return {"ready": "green", "not-owed": "grey", "not-met": "red", "not-yet": "yellow"}[
            self.status
        ]

    @property
    def is_current(self) -> bool:
        return self.starts_on <= self.today <= self.ends_on

    @property
    def is_past(self) -> bool:
        return self.today > self.ends_on

    @property
    def is_future(self) -> bool:
        return self.today < self.starts_on

    @property
    def days_left(self) -> int | None:
        """Days from today until 30 November: 0 on the day itself, None once the year is over."""
        if self.is_past:
            return None
        return (self.ends_on - self.today).days

    @property
    def records_missing(self) -> int:
        return max(required_pieces() - self.pieces_count, 0)

    @property
    def shortfall(self) -> list[str]:
        """What is still needed to be ready to record, in words; empty when it is met or when
        no CPD is owed."""
        if not self.owed:
            return []
        messages = []
        missing = self.records_missing
        if missing:
            messages.append(
                f"Record {missing} more {_plural(missing, 'piece', 'different pieces')} of CPD"
            )
        if self.peer_count < required_peer():
            if self.records_count:
                messages.append("Add a peer reflection to one of your records")
            else:
                messages.append("Include a peer reflection in at least one of them")
        return messages


def _empty_year(year: int, today: date) -> CpdYear:
    starts_on, ends_on = registration_year_bounds(year)
    return CpdYear(year=year, starts_on=starts_on, ends_on=ends_on, today=today)


def first_registration_dates(user_ids) -> dict[int, date]:
    """{user id: the date Social Work England first registered them}, from their memberships
    (the earliest given, if memberships differ). People with no date given are absent."""
    rows = (
        Membership.objects.filter(user_id__in=user_ids, first_registered_on__isnull=False)
        .values("user_id")
        .annotate(first=Min("first_registered_on"))
        .values_list("user_id", "first")
    )
    return dict(rows)


def in_year(user, year: int):
    return Entry.objects.live().in_registration_year(year).filter(portfolio__owner=user)


def too_long_filter(entries):
    """`entries` with `Q` matching those too long for Social Work England's form (the SQL of
    `over_limits`: a line break counts once), or None when no field has a limit."""
    limits = {name: limit for name in LIMITED_FIELDS if (limit := field_limit(name))}
    if not limits:
        return entries, None
    entries = entries.alias(
        **{f"_{name}_length": Length(Replace(name, Value("\r\n"), Value("\n"))) for name in limits}
    )
    return entries, reduce(
        operator.or_, (Q(**{f"_{name}_length__gt": limit}) for name, limit in limits.items())
    )


def record_key(*, pk, uuid, title, occurred_on, description, learning, impact, peer_learning):
    """What telling pieces of CPD apart needs of a record (see `same_pieces`), and its link."""
    return SimpleNamespace(
        pk=pk,
        uuid=uuid,
        title=title,
        occurred_on=occurred_on,
        description=description,
        learning=learning,
        impact=impact,
        has_peer_reflection=has_peer_reflection(peer_learning),
        get_absolute_url=lambda: reverse("portfolios:entry", kwargs={"entry": uuid}),
    )


KEY_FIELDS = ("pk", "uuid", "title", "occurred_on", "description", "learning", "impact")


def cpd_year_for(user, year: int, *, today: date | None = None) -> CpdYear:
    """`user`'s own CPD for registration `year`: the counts in one SQL aggregate, then (when there
    are records) what tells pieces of CPD apart, without the records' statements, and the first
    registration: three queries however many entries there are. The records themselves are read
    a page at a time (`cpd_records.records_page`)."""
    cpd = _empty_year(year, today or timezone.localdate())
    if not user.is_authenticated:
        return cpd
    entries, too_long = too_long_filter(in_year(user, year))
    complete = Q(status=Entry.Status.COMPLETE)
    counts = {
        "records": Count("pk", filter=complete),
        "drafts": Count("pk", filter=Q(status=Entry.Status.DRAFT)),
    }
    if too_long is not None:
        counts["too_long"] = Count("pk", filter=complete & too_long)
    counts = entries.aggregate(**counts)
    cpd.drafts_count = counts["drafts"]
    cpd.too_long_count = counts.get("too_long", 0)
    if counts["records"]:
        rows = (
            in_year(user, year)
            .complete()
            .order_by("occurred_on", "created_at", "pk")
            .values(*KEY_FIELDS, "peer_learning")
        )
        cpd.records = [record_key(**row) for row in rows]
    cpd.pieces = same_pieces(cpd.records)
    cpd.first_registered_on = first_registration_dates([user.pk]).get(user.pk)
    return cpd


def cpd_url(year: int) -> str:
    return absolute_url(reverse("portfolios:cpd-year", kwargs={"year": year}))


def must_do_cpd(on: date):
    """Memberships, active `on`, that oblige their holder to record CPD."""
    return (
        Membership.objects.active(on)
        .exclude(role=Role.STUDENT)
        .filter(Q(role__in=CPD_ROLES) | ~Q(registration_number=""))
    )


def send_reminders(*, today: date | None = None) -> int:
    """Email everyone who must do CPD, owes it this year and is not ready to record it, once for
    each reminder that is due; return how many were sent. Safe to run more than once a day."""
    today = today or timezone.localdate()
    year = registration_year_for(today)
    days_left = _empty_year(year, today).days_left
    due = sorted(days for days in reminder_days() if days_left <= days)
    if not due:
        return 0
    most_urgent = due[0]

    user_ids = must_do_cpd(today).values("user_id")
    users = list(get_user_model().objects.filter(pk__in=user_ids, is_active=True).order_by("pk"))
    if not users:
        return 0

    # One query for the entries of everyone, one for first registrations, one for the reminders
    # already recorded.
    records = defaultdict(list)
    drafts = defaultdict(int)
    rows = (
        Entry.objects.live()
        .in_registration_year(year)
        .filter(portfolio__owner_id__in=user_ids)
        .order_by("occurred_on", "created_at", "pk")
        .values(*KEY_FIELDS, "peer_learning", "status", "portfolio__owner_id")
    )
    for row in rows:
        owner_id, status = row.pop("portfolio__owner_id"), row.pop("status")
        if status == Entry.Status.COMPLETE:
            records[owner_id].append(record_key(**row))
        else:
            drafts[owner_id] += 1
    first_registered = first_registration_dates([user.pk for user in users])
    recorded = defaultdict(set)
    for user_id, days in CpdReminder.objects.filter(
        registration_year=year, user_id__in=user_ids
    ).values_list("user_id", "days_before"):
        recorded[user_id].add(days)

    sent = 0
    for user in users:
        if most_urgent in recorded[user.pk]:
            continue  # this reminder, or a later one, has gone already
        cpd = _empty_year(year, today)
        cpd.records = records[user.pk]
        cpd.pieces = same_pieces(cpd.records)
        cpd.drafts_count = drafts[user.pk]
        cpd.first_registered_on = first_registered.get(user.pk)
        if cpd.met or not cpd.owed:
            continue
        # Earlier reminders not yet recorded were missed: record them as skipped, never sent.
        skipped = [days for days in due[1:] if days not in recorded[user.pk]]
        try:
            with transaction.atomic():
                CpdReminder.objects.bulk_create(
                    [CpdReminder(user=user, registration_year=year, days_before=most_urgent)]
                    + [
                        CpdReminder(user=user, registration_year=year, days_before=days, sent=False)
                        for days in skipped
                    ]
                )
                _send_reminder(user, cpd)
        except IntegrityError:
            continue  # another run recorded it first
        except OSError:
            # Nothing was recorded (the transaction rolled back), so the next run tries again.
            logger.exception("Could not send a CPD reminder to user %s", user.pk)
            continue
        sent += 1
    return sent


def _send_reminder(user, cpd: CpdYear) -> None:
    days = [str(d) for d in reminder_days()]
    context = {
        "user": user,
        "cpd": cpd,
        "url": cpd_url(cpd.year),
        "reminder_days": " and ".join([", ".join(days[:-1]), days[-1]]) if days[1:] else days[0],
    }
    subject = render_to_string("portfolios/email/cpd_reminder_subject.txt", context)
    send_mail(
        subject=" ".join(subject.split()),
        message=render_to_string("portfolios/email/cpd_reminder.txt", context),
        from_email=None,
        recipient_list=[user.email],
        html_message=render_to_string("portfolios/email/cpd_reminder.html", context),
    )
