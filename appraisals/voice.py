"""Practice voice's answers: who may send notes where, who reads “You said, we did”, and writing
a reply.

* A note goes to an organisation's Principal Social Worker. An organisation with no active PSW
  has nobody to read it, so a note to it is refused before anything is stored
  (`organisations_with_psw`), and the page says so and where the person's notes can go instead.
* Every member of an organisation (any active role) reads its published replies; its PSWs also
  read and write its drafts. Anyone else gets 404 (`replies_visible_to`).
* Writing a reply is the PSW's (`save_reply`): the notes it groups must be the organisation's.
  Two PSWs changing the same reply do not overwrite each other unseen: the row is locked while
  it is saved, and a change made from a reply as it stood before someone else's save
  (`editing_since`, its `updated_at` when the form was opened) is refused (`ReplyChanged`).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from organisations.models import Membership, Organisation, Role
from organisations.selectors import organisations_where

from . import rules
from .models import PracticeVoiceNote
from .voice_models import VoiceReply


def organisations_with_psw(on=None):
    """Organisations with an active Principal Social Worker (today by default)."""
    return Organisation.objects.filter(
        pk__in=Membership.objects.active(on)
        .filter(role=Role.PRINCIPAL_SOCIAL_WORKER)
        .values("organisation")
    )


def member_organisations(user):
    """Organisations where `user` holds any active role: where they read replies."""
    return organisations_where(user).order_by("name", "pk")


def links_for(user) -> tuple[bool, bool]:
    """Whether to link `user` to (practice voice, “You said, we did”), in one query.

    Practice voice: they belong to an organisation with a PSW to read notes, or to a university
    (its students and tutors are told there where their notes go). “You said, we did”: an
    organisation of theirs has a PSW. Anyone else with a role can still open both pages, which
    say why there is nothing for them."""
    rows = list(
        member_organisations(user)
        .annotate(
            has_psw=Exists(
                Membership.objects.active().filter(
                    organisation=OuterRef("pk"), role=Role.PRINCIPAL_SOCIAL_WORKER
                )
            )
        )
        .values_list("kind", "has_psw")
    )
    replies = any(has_psw for _kind, has_psw in rows)
    return replies or any(kind == Organisation.Kind.HEI for kind, _ in rows), replies


def replies_visible_to(user):
    if not getattr(user, "is_authenticated", False):
        return VoiceReply.objects.none()
    return VoiceReply.objects.filter(
        Q(status=VoiceReply.Status.PUBLISHED, organisation__in=organisations_where(user))
        | Q(organisation__in=rules.psw_organisations(user))
    )


def replies_changeable_by(user):
    if not getattr(user, "is_authenticated", False):
        return VoiceReply.objects.none()
    return VoiceReply.objects.filter(organisation__in=rules.psw_organisations(user))


class ReplyChanged(ValidationError):
    """The reply was saved by someone else after the form being saved was opened."""

    def __init__(self, current: VoiceReply):
        self.current = current
        when = timezone.localtime(current.updated_at)
        super().__init__(
            f"Another Principal Social Worker saved this reply at {when:%H:%M} on {when.day} "
            f"{when:%B %Y}, after you opened it, so your changes have not been saved. What you "
            "typed is kept below, and the reply as it is now is shown above it: save again to "
            "replace it with your version."
        )


@transaction.atomic
def save_reply(
    *,
    organisation: Organisation,
    by,
    title: str,
    you_said: str,
    we_did: str,
    notes,
    publish: bool,
    reply: VoiceReply | None = None,
    editing_since: datetime.datetime | None = None,
) -> VoiceReply:
    """Create or change a reply; publish it when `publish` (a published reply stays published,
    and keeps the date it was first published). `editing_since` is the reply's `updated_at` as
    the person changing it last saw it: if it has been saved since, nothing is changed
    (`ReplyChanged`)."""
    if not rules.is_psw_of(by, organisation):
        raise PermissionDenied("Only the organisation's Principal Social Worker writes replies.")
    notes = list(notes)
    if any(note.organisation_id != organisation.pk for note in notes):
        raise PermissionDenied("A reply can only answer its own organisation's notes.")
    if reply is None:
        reply = VoiceReply(organisation=organisation, created_by=by)
    elif reply.organisation_id != organisation.pk:
        raise PermissionDenied("This reply belongs to another organisation.")
    else:
        # Saves of one reply wait for each other, so each sees the one before it.
        reply = VoiceReply.objects.select_for_update().get(pk=reply.pk)
        if editing_since is not None and reply.updated_at != editing_since:
            raise ReplyChanged(reply)
    reply.title, reply.you_said, reply.we_did = title, you_said, we_did
    if publish and not reply.is_published:
        reply.status = VoiceReply.Status.PUBLISHED
        reply.published_at = timezone.now()
        reply.published_by = by
    reply.save()
    reply.notes.set(notes)
    return reply


def notes_of(organisation):
    return PracticeVoiceNote.objects.filter(organisation=organisation).order_by(
        "-month", "theme", "text"
    )
