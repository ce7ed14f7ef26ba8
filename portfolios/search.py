"""What search may find of portfolios (search.registry): entries, the comments on them and direct
observations, each through this app's own access rule."""

from django.db.models import Prefetch, Q

from search import principals as p
from search.registry import SearchType

from .models import Comment, Entry, Mapping, Observation, Share
from .observation_rules import observations_visible_to
from .rules import active_shares_for, entries_visible_to


def _text(*parts) -> str:
    return "\n".join(part for part in parts if part)


def entry_principals(entry) -> set[str]:
    owner = entry.portfolio.owner_id
    found = {p.user(owner)}
    if entry.needs_review or entry.deleted_at is not None:
        return found  # the owner's alone until checked (its text may identify someone)
    shares = Share.objects.filter(portfolio_id=entry.portfolio_id, revoked_at__isnull=True).filter(
        Q(whole_portfolio=True) | Q(entries=entry)
    )
    found |= {p.share(pk) for pk in shares.values_list("pk", flat=True)}
    found |= {
        p.appraisal(pk)
        for pk in entry.appraisal_shares.filter(appraisal__appraisee_id=owner).values_list(
            "appraisal_id", flat=True
        )
    }
    return found


def reader_principals(user) -> set[str]:
    from appraisals.rules import appraisals_run_by

    found = {p.share(pk) for pk in active_shares_for(user).values_list("pk", flat=True)}
    found |= {p.appraisal(pk) for pk in appraisals_run_by(user).values_list("pk", flat=True)}
    return found


def entries_scope(user) -> list:
    """Where the entries `user` may read can be (search.registry's `scope`), each part starting
    from an index: their own, those of portfolios and entries shared with them, and those shared
    into appraisals naming them. Coarse on purpose (any share, any role in the appraisal):
    `entries_visible_to` still decides."""
    shares = Share.objects.filter(reader=user)
    return [
        Entry.objects.filter(portfolio__owner=user),
        Entry.objects.filter(portfolio__in=shares.filter(whole_portfolio=True).values("portfolio")),
        Entry.objects.filter(shares__in=shares),
        *(
            Entry.objects.filter(**{f"appraisal_shares__appraisal__{participant}": user})
            for participant in ("appraiser", "countersigner", "assessor")
        ),
    ]


def entry_facets(entry) -> dict[str, list[str]]:
    day = entry.occurred_on or entry.created_at.date()
    items = [m.item for m in entry.mappings.all()]
    return {
        "year": [str(day.year)],
        "framework": sorted({str(i.version.framework) for i in items}),
        "domain": sorted({i.domain.title or i.domain.code for i in items if i.domain_id}),
        "level": sorted({i.level.title or i.level.code for i in items if i.level_id}),
    }


def entries_of_share(share):
    entries = Entry.objects.filter(portfolio_id=share.portfolio_id)
    return entries if share.whole_portfolio else entries.filter(pk__in=share.entries.all())


ENTRIES = SearchType(
    key="entries",
    label="Portfolio evidence",
    model=Entry,
    readable_by=entries_visible_to,
    title=lambda entry: entry.title,
    url=lambda entry: entry.get_absolute_url(),
    text=lambda e: _text(e.description, e.learning, e.impact, e.peer_learning),
    principals=entry_principals,
    user_principals=reader_principals,
    facets=entry_facets,
    select_related=("portfolio__owner",),
    # The statements' framework, domain and level (the facets), in one query.
    prefetch_related=(
        Prefetch(
            "mappings",
            queryset=Mapping.objects.select_related(
                "item__version__framework", "item__domain", "item__level"
            ).only(
                "entry",
                "item__version__framework__title",
                "item__domain__title",
                "item__domain__code",
                "item__level__title",
                "item__level__code",
            ),
        ),
    ),
    indexable=lambda: Entry.objects.live(),
    scope=entries_scope,
    dependants=(
        ("portfolios.Share", entries_of_share),
        ("appraisals.SharedEvidence", lambda se: Entry.objects.filter(pk=se.entry_id)),
    ),
)


def comments_readable_by(user):
    """The comments on entries `user` may read, as `rules.comments_visible_to` shows them: all
    for the owner; for anyone else those not hidden, and their own."""
    return Comment.objects.filter(entry__in=entries_visible_to(user)).filter(
        Q(entry__portfolio__owner=user) | Q(hidden_at__isnull=True) | Q(author=user)
    )


def comment_principals(comment) -> set[str]:
    if comment.hidden_at is not None:
        found = {p.user(comment.entry.portfolio.owner_id)}
        return found | ({p.user(comment.author_id)} if comment.author_id else set())
    return entry_principals(comment.entry) | (
        {p.user(comment.author_id)} if comment.author_id else set()
    )


COMMENTS = SearchType(
    key="comments",
    label="Comments on evidence",
    model=Comment,
    readable_by=comments_readable_by,
    title=lambda c: f"Comment by {c.author_name} on “{c.entry.title}”",
    url=lambda c: c.entry.get_absolute_url(),
    text=lambda c: c.body,
    principals=comment_principals,
    user_principals=lambda user: (),
    facets=lambda c: {"year": [str(c.created_at.year)]},
    select_related=("entry__portfolio",),
    scope=lambda user: [
        Comment.objects.filter(entry__in=part.order_by().values("pk"))
        for part in entries_scope(user)
    ],
    indexable=lambda: Comment.objects.filter(entry__deleted_at__isnull=True),
    dependants=(
        (
            "portfolios.Share",
            lambda share: Comment.objects.filter(entry__in=entries_of_share(share)),
        ),
    ),
)

OBSERVATIONS = SearchType(
    key="observations",
    label="Direct observations",
    model=Observation,
    readable_by=observations_visible_to,
    title=lambda o: f"{o} ({o.setting})",
    url=lambda o: o.get_absolute_url(),
    text=lambda o: _text(o.observed, o.to_develop, o.reflection),
    principals=lambda o: {p.user(o.observer_id), p.user(o.learner_id)},
    user_principals=lambda user: (),
    facets=lambda o: {"year": [str(o.observed_on.year)]},
    scope=lambda user: [
        Observation.objects.filter(observer=user),
        Observation.objects.filter(learner=user),
    ],
)
