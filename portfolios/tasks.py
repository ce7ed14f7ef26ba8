"""What portfolios put on a person's home (see cms.home): their CPD year while it is owed and
not ready to record, and shares and comments new to them; and the portfolio areas everyone may
use.

"New to me" has one simple rule: made in the last NEW_DAYS days (no read receipts are kept), by
someone else."""

import datetime

from django.urls import reverse
from django.utils import timezone

from cms.home import Area, Task

from . import rules
from .cpd import cpd_year_for, must_do_cpd
from .models import Comment, Observation, Share, registration_year_for
from .observation_rules import might_observe

NEW_DAYS = 14


def _cpd_tasks(user, today) -> list[Task]:
    if not must_do_cpd(today).filter(user=user).exists():
        return []
    year = registration_year_for(today)
    cpd = cpd_year_for(user, year, today=today)
    if cpd.met or not cpd.owed:
        return []
    return [
        Task(
            what=(
                f"CPD {year}, {cpd.status_label.lower()}: {'; '.join(cpd.shortfall)} "
                f"({cpd.days_left} days left)"
            ),
            for_whom="You",
            due_on=cpd.ends_on,
            url=reverse("portfolios:cpd-year", kwargs={"year": year}),
            group="My learning",
        )
    ]


def _share_tasks(user, since) -> list[Task]:
    shares = (
        rules.active_shares_for(user)
        .filter(created_at__gte=since)
        .select_related("portfolio__owner")
        .order_by("-created_at", "pk")
    )
    return [
        Task(
            what=f"Read the portfolio {share.portfolio.owner} shared with you",
            for_whom=str(share.portfolio.owner),
            url=reverse("portfolios:shared-portfolio", kwargs={"share": share.uuid}),
            group="People I support",
        )
        for share in shares
    ]


def _comment_tasks(user, since) -> list[Task]:
    comments = (
        Comment.objects.filter(
            entry__in=rules.entries_owned_by(user),
            created_at__gte=since,
            hidden_at__isnull=True,
        )
        .exclude(author=user)
        .select_related("entry")
        .order_by("-created_at", "pk")
    )
    return [
        Task(
            what=f"Read the comment from {comment.author_name} on “{comment.entry.title}”",
            for_whom="You",
            url=reverse("portfolios:entry", kwargs={"entry": comment.entry.uuid}),
            group="My learning",
        )
        for comment in comments
    ]


def _observation_tasks(user) -> list[Task]:
    """Observations of `user`'s practice signed by the observer, waiting for their reflection."""
    waiting = (
        Observation.objects.filter(
            learner=user, observer_signed_at__isnull=False, learner_signed_at__isnull=True
        )
        .select_related("observer")
        .order_by("observed_on", "pk")
    )
    return [
        Task(
            what=f"Reflect on and sign the observation by {o.observer.get_full_name()}",
            for_whom="You",
            url=o.get_absolute_url(),
            group="My learning",
        )
        for o in waiting
    ]


def tasks_for(user) -> list[Task]:
    today = timezone.localdate()
    since = timezone.now() - datetime.timedelta(days=NEW_DAYS)
    return [
        *_cpd_tasks(user, today),
        *_share_tasks(user, since),
        *_comment_tasks(user, since),
        *_observation_tasks(user),
    ]


def areas_for(user) -> list[Area]:
    areas = [
        Area(
            "Your portfolio",
            reverse("portfolios:index"),
            "My learning",
            "Your evidence, reflections and CPD records.",
            header="Portfolio",
            header_rank=5,
        ),
        Area(
            "Your CPD year",
            reverse(
                "portfolios:cpd-year",
                kwargs={"year": registration_year_for(timezone.localdate())},
            ),
            "My learning",
            "What Social Work England asks of you this registration year.",
        ),
    ]
    if might_observe(user):
        areas.append(
            Area(
                "Observations I have written",
                reverse("observations:written"),
                "People I support",
                "Write direct observations of the practice of the people you may observe.",
            )
        )
    if rules.active_shares_for(user).exists():
        areas.append(
            Area(
                "Shared with you",
                reverse("portfolios:shared-with-me"),
                "People I support",
                "Portfolios people have shared with you.",
            )
        )
    return areas


def people_of_observation(observation: Observation) -> list:
    return [observation.learner_id, observation.observer_id]


def people_of_share(share: Share) -> list:
    return [share.reader_id]


def people_of_comment(comment: Comment) -> list:
    return [comment.entry.portfolio.owner_id]
