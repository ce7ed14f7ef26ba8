"""Practice voice as the PSW reads it: anonymous notes by theme, with how many say something helps
and how many that it gets in the way."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from datetime import date

from .models import PracticeVoiceNote
from .workforce_common import label as _label


@dataclasses.dataclass(frozen=True)
class VoiceNote:
    kind: str
    kind_label: str
    text: str
    month: date


@dataclasses.dataclass(frozen=True)
class ThemeNotes:
    theme: str
    label: str
    helps: int
    hinders: int
    notes: list[VoiceNote]

    @property
    def total(self) -> int:
        return self.helps + self.hinders


def practice_voice(organisation) -> list[ThemeNotes]:
    """The organisation's practice voice notes by theme (in the order of the themes' labels),
    with how many say something helps and how many that it gets in the way, and the notes
    themselves: they carry no author, so their texts are shown. Within a theme, newest month
    first and then in the order of the text, never in the order they were sent. One query."""
    by_theme: dict[str, list[VoiceNote]] = defaultdict(list)
    notes = (
        PracticeVoiceNote.objects.filter(organisation=organisation)
        .order_by("-month", "text")
        .values_list("theme", "kind", "text", "month")
    )
    for theme, kind, text, month in notes:
        by_theme[theme].append(VoiceNote(kind, _label(PracticeVoiceNote.Kind, kind), text, month))
    groups = [
        ThemeNotes(
            theme=theme,
            label=_label(PracticeVoiceNote.Theme, theme),
            helps=sum(n.kind == PracticeVoiceNote.Kind.HELPS for n in items),
            hinders=sum(n.kind == PracticeVoiceNote.Kind.HINDERS for n in items),
            notes=items,
        )
        for theme, items in by_theme.items()
    ]
    return sorted(groups, key=lambda g: g.label)
