"""Social Work England's CPD requirement, year by year, and the reminders about it.

A registered social worker records at least two pieces of CPD in each registration year
(1 December to 30 November), at least one of them with a peer reflection; there is no minimum
number of hours. Here a record counts for a year when it is a live, complete entry dated in that
year. Drafts are shown apart, as not yet counted.

`send_reminders` runs daily (the `send_cpd_reminders` command): people who must do CPD and have
not met the requirement get one email as each of `REMINDER_DAYS` is reached. Each reminder is
recorded in `CpdReminder`, so running it twice sends nothing twice, and a reminder overtaken by
a more urgent one (the scheduler missed days) is recorded as skipped, never sent late.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cms.urls_util import absolute_url
from organisations.models import Membership, Role

from .models import CpdReminder, Entry, Mapping, registration_year_bounds, registration_year_for

logger = logging.getLogger(__name__)

REQUIRED_RECORDS = 2
REQUIRED_PEER = 1

# Days before 30 November on which a reminder is due, least urgent first.
REMINDER_DAYS = (60, 30, 7)

# Roles whose holders are registered social workers and so must record CPD. Anyone else with a
# registration number on an active membership must too, except students.
CPD_ROLES = (
    Role.PRACTITIONER,
    Role.PRACTICE_EDUCATOR,
    Role.ONSITE_SUPERVISOR,
    Role.LINE_MANAGER,
    Role.PRINCIPAL_SOCIAL_WORKER,
)


def _has_peer_reflection(peer_name: str, peer_learning: str) -> bool:
    # The same test as Entry.has_peer_reflection, for rows fetched as values.
    return bool(peer_name.strip() and peer_learning.strip())


def _plural(count: int, singular: str, plural: str) -> str:
    return singular if count == 1 else plural


@dataclass
class CpdYear:
    """One person's CPD for one registration year, as of `today`."""

    year: int
    starts_on: date
    ends_on: date
    today: date
    records: list[Entry] = field(default_factory=list)
    drafts_count: int = 0
    records_count: int = 0
    peer_count: int = 0

    @property
    def met(self) -> bool:
        return self.records_count >= REQUIRED_RECORDS and self.peer_count >= REQUIRED_PEER

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
        return max(REQUIRED_RECORDS - self.records_count, 0)

    @property
    def shortfall(self) -> list[str]:
        """What is still needed to meet the requirement, in words; empty when it is met."""
        messages = []
        missing = self.records_missing
        if missing:
            messages.append(f"Record {missing} more {_plural(missing, 'piece', 'pieces')} of CPD")
        if self.peer_count < REQUIRED_PEER:
            if self.records_count:
                messages.append("Add a peer reflection to one of your records")
            else:
                messages.append("Include a peer reflection in at least one of them")
        return messages


def _empty_year(year: int, today: date) -> CpdYear:
    starts_on, ends_on = registration_year_bounds(year)
    return CpdYear(year=year, starts_on=starts_on, ends_on=ends_on, today=today)


def cpd_year_for(user, year: int, *, today: date | None = None) -> CpdYear:
    """`user`'s own CPD for registration `year`. Three queries, however many entries there are."""
    cpd = _empty_year(year, today or timezone.localdate())
    if not user.is_authenticated:
        return cpd
    in_year = Entry.objects.live().in_registration_year(year).filter(portfolio__owner=user)
    cpd.records = list(
        in_year.complete()
        .order_by("occurred_on", "created_at", "pk")
        .prefetch_related(
            Prefetch(
                "mappings",
                queryset=Mapping.objects.select_related("item").order_by(
                    "item__sort_order", "item__code", "pk"
                ),
            )
        )
    )
    cpd.drafts_count = in_year.filter(status=Entry.Status.DRAFT).count()
    cpd.records_count = len(cpd.records)
    cpd.peer_count = sum(entry.has_peer_reflection for entry in cpd.records)
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
    """Email everyone who must do CPD and has not met this year's requirement, once for each
    reminder that is due; return how many were sent. Safe to run more than once a day."""
    today = today or timezone.localdate()
    year = registration_year_for(today)
    days_left = _empty_year(year, today).days_left
    due = sorted(days for days in REMINDER_DAYS if days_left <= days)
    if not due:
        return 0
    most_urgent = due[0]

    user_ids = must_do_cpd(today).values("user_id")
    users = list(get_user_model().objects.filter(pk__in=user_ids, is_active=True).order_by("pk"))
    if not users:
        return 0

    # One query for the entries of everyone, one for the reminders already recorded.
    counts = defaultdict(lambda: {"records": 0, "peer": 0, "drafts": 0})
    rows = (
        Entry.objects.live()
        .in_registration_year(year)
        .filter(portfolio__owner_id__in=user_ids)
        .values_list("portfolio__owner_id", "status", "peer_name", "peer_learning")
    )
    for owner_id, status, peer_name, peer_learning in rows:
        if status == Entry.Status.COMPLETE:
            counts[owner_id]["records"] += 1
            counts[owner_id]["peer"] += _has_peer_reflection(peer_name, peer_learning)
        else:
            counts[owner_id]["drafts"] += 1
    recorded = defaultdict(set)
    for user_id, days in CpdReminder.objects.filter(
        registration_year=year, user_id__in=user_ids
    ).values_list("user_id", "days_before"):
        recorded[user_id].add(days)

    sent = 0
    for user in users:
        if most_urgent in recorded[user.pk]:
            continue  # this reminder, or a later one, has gone already
        count = counts[user.pk]
        cpd = _empty_year(year, today)
        cpd.records_count = count["records"]
        cpd.peer_count = count["peer"]
        cpd.drafts_count = count["drafts"]
        if cpd.met:
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
    days = [str(d) for d in REMINDER_DAYS]
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
