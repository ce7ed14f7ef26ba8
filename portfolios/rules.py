"""The access rule for portfolios, in one place.

An entry can be read by its owner and by people the owner shared it with (the whole portfolio or
that entry), while the share is neither revoked nor expired and the entry is neither deleted nor
waiting for the owner's review after an import (its text may identify someone). An entry
the owner shared into one of their appraisals can also be read by that appraisal's appraiser,
countersigner and assessor, for as long as it stays shared there and their role in the appraisal
lasts (see `appraisals.rules`). Only the
owner changes an entry; a reader comments only where a share allows it. Nothing else grants
access: not a role, not membership of the same organisation. Views ask these functions and answer
404 for anything they do not return.
"""

from django.db.models import F, Q

from .models import Entry, Share


def active_shares_for(user):
    if not user.is_authenticated:
        return Share.objects.none()
    return Share.objects.active().filter(reader=user)


def entries_visible_to(user):
    """Live entries `user` may read: their own and those shared with them."""
    if not user.is_authenticated:
        return Entry.objects.none()
    shares = active_shares_for(user)
    in_appraisals = _shared_into_appraisals_run_by(user)
    shared = (
        Q(portfolio__in=shares.filter(whole_portfolio=True).values("portfolio"))
        | Q(pk__in=shares.filter(whole_portfolio=False).values("entries"))
        | Q(pk__in=in_appraisals.values("entry"))
    )
    # An imported entry whose text the guard flagged is the owner's alone until they have
    # checked it: it may identify a child or family.
    return Entry.objects.live().filter(Q(portfolio__owner=user) | (shared & Q(needs_review=False)))


def _shared_into_appraisals_run_by(user):
    """Evidence shared into appraisals `user` takes part in through a current role (appraiser,
    countersigner, assessor): it ends with the role, as the appraisal's own access does."""
    from appraisals.models import SharedEvidence
    from appraisals.rules import appraisals_run_by

    return SharedEvidence.objects.filter(
        appraisal__in=appraisals_run_by(user),
        appraisal__appraisee=F("entry__portfolio__owner"),
    )


def others_records_readable_by(user) -> list:
    """For MFA (`accounts.mfa`): the shares, and the evidence shared into appraisals, through
    which `user` reads someone else's entries, and the observations they wrote of others."""
    from .models import Observation

    return [
        active_shares_for(user).exclude(portfolio__owner=user),
        _shared_into_appraisals_run_by(user),
        Observation.objects.filter(observer=user).exclude(learner=user),
    ]


def readers_of(entry):
    """For the owner: who else can read `entry` now. The active shares that cover it (the whole
    portfolio or this entry) and the appraisals it is shared into; nobody while it waits for
    review after an import."""
    from appraisals.models import SharedEvidence

    if entry.needs_review or entry.deleted_at is not None:
        return Share.objects.none(), SharedEvidence.objects.none()
    shares = Share.objects.active().covering(entry).select_related("reader").distinct()
    appraisals = SharedEvidence.objects.filter(entry=entry).select_related("appraisal__template")
    return shares, appraisals


def entries_owned_by(user):
    if not user.is_authenticated:
        return Entry.objects.none()
    return Entry.objects.live().filter(portfolio__owner=user)


def is_owner(user, entry) -> bool:
    return user.is_authenticated and entry.portfolio.owner_id == user.pk


def can_comment(user, entry) -> bool:
    """Readers comment where an active share covering this entry allows it; owners do not
    comment on their own entries (their words go in the entry)."""
    if not user.is_authenticated or is_owner(user, entry):
        return False
    return active_shares_for(user).covering(entry).filter(can_comment=True).exists()


def comments_visible_to(user, entry):
    """The comments on `entry` that `user` (who can read the entry) sees: all of them for the
    owner (hidden ones shown only as hidden, with a way to show them again), and for anyone else
    every comment the owner has not hidden plus their own, hidden or not."""
    comments = entry.comments.select_related("author")
    if is_owner(user, entry):
        return comments
    return comments.filter(Q(hidden_at__isnull=True) | Q(author_id=user.pk))


def can_hide_comment(user, comment) -> bool:
    """Only the owner of the entry hides (or shows again) a comment on it."""
    return is_owner(user, comment.entry) and not comment.entry.is_deleted


def entries_of_share(share):
    """What a share shows its reader (never an imported entry still waiting for review)."""
    entries = Entry.objects.live().filter(portfolio_id=share.portfolio_id, needs_review=False)
    if share.whole_portfolio:
        return entries
    return entries.filter(pk__in=share.entries.values("pk"))


def feedback_requests_of(user):
    """Feedback requests and their answers are the learner's alone: nobody else sees them (not a
    reader of their portfolio) until the learner adds an answer to an entry, which the entry's
    readers then see with it."""
    from .models import FeedbackRequest

    if not user.is_authenticated:
        return FeedbackRequest.objects.none()
    return FeedbackRequest.objects.filter(portfolio__owner=user)
