"""Demo practice voice: anonymous notes to Northshire and Southvale, and a published “You said,
we did” from Northshire's Principal Social Worker (and a draft). Invented, never real, naming
nobody. Safe to run again: an organisation that already has notes is left alone."""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.demo import DEMO_DOMAIN
from accounts.models import User
from organisations.models import Organisation

from . import voice
from .models import PracticeVoiceNote

Theme, Kind = PracticeVoiceNote.Theme, PracticeVoiceNote.Kind

# (organisation, months ago, theme, kind, text)
NOTES = [
    (
        "northshire",
        3,
        Theme.CASELOADS,
        Kind.HINDERS,
        "Write-ups after visits take my evenings: "
        "there is no time in the day to record while it is fresh.",
    ),
    (
        "northshire",
        3,
        Theme.SYSTEMS,
        Kind.HINDERS,
        "The case recording system logs me out "
        "while I am typing a long assessment and I lose the last section.",
    ),
    ("northshire", 2, Theme.CASELOADS, Kind.HINDERS, "Recording time gets eaten by duty weeks."),
    (
        "northshire",
        2,
        Theme.SYSTEMS,
        Kind.HINDERS,
        "Templates ask for the same history three times over.",
    ),
    (
        "northshire",
        2,
        Theme.CASELOADS,
        Kind.HINDERS,
        "I would visit more often if I did not have to type everything up twice.",
    ),
    (
        "northshire",
        1,
        Theme.SUPERVISION,
        Kind.HELPS,
        "Group supervision on Thursdays has helped me think about risk differently.",
    ),
    (
        "northshire",
        1,
        Theme.LEARNING,
        Kind.HELPS,
        "The court skills sessions were practical and well timed.",
    ),
    (
        "northshire",
        1,
        Theme.WELLBEING,
        Kind.HINDERS,
        "Lone working late in the day still worries me; the check-in process is unclear.",
    ),
    (
        "southvale",
        1,
        Theme.PARTNERS,
        Kind.HINDERS,
        "It takes weeks to hear back from some partner agencies after a referral.",
    ),
]

REPLY = {
    "title": "Time to record visits",
    "you_said": "Several of you told us that writing up visits eats into evenings, that duty "
    "weeks leave no recording time, and that the recording system and its templates make you "
    "type the same things more than once.",
    "we_did": "From next month every practitioner has a protected recording afternoon each "
    "week, kept free of duty. The recording system now saves a draft every two minutes, and "
    "the assessment template no longer asks for the family history twice. We will ask again "
    "in three months whether it has helped.",
}
DRAFT = {
    "title": "Working late and alone",
    "you_said": "Some of you said the check-in process for late visits is unclear.",
    "we_did": "We are rewriting the lone working procedure with practitioners.",
}


def demo_texts() -> list[str]:
    return [n[-1] for n in NOTES] + [*REPLY.values(), *DRAFT.values()]


def ensure_demo_voice(*, today: datetime.date | None = None) -> int:
    """Add the demo notes and replies not there yet. Returns how many notes were made."""
    today = today or timezone.localdate()
    organisations = {o.slug: o for o in Organisation.objects.filter(slug__in={n[0] for n in NOTES})}
    psw = User.objects.filter(email=f"sam.psw@{DEMO_DOMAIN}").first()
    made = 0
    with transaction.atomic():
        for slug, organisation in organisations.items():
            if PracticeVoiceNote.objects.filter(organisation=organisation).exists():
                continue
            for org, months_ago, theme, kind, text in NOTES:
                if org != slug:
                    continue
                month = today.replace(day=1)
                for _ in range(months_ago):
                    month = (month - datetime.timedelta(days=1)).replace(day=1)
                PracticeVoiceNote.objects.create(
                    organisation=organisation, theme=theme, kind=kind, text=text, month=month
                )
                made += 1
        northshire = organisations.get("northshire")
        if northshire and psw and not northshire.voice_replies.exists():
            notes = PracticeVoiceNote.objects.filter(
                organisation=northshire, theme__in=[Theme.CASELOADS, Theme.SYSTEMS]
            )
            voice.save_reply(organisation=northshire, by=psw, notes=notes, publish=True, **REPLY)
            lone = PracticeVoiceNote.objects.filter(organisation=northshire, theme=Theme.WELLBEING)
            voice.save_reply(organisation=northshire, by=psw, notes=lone, publish=False, **DRAFT)
    return made
