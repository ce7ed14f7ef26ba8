"""What a former participant still reads of an appraisal they signed (issue 10: access through a
role ends with the role; what they signed stays readable to them, read-only).

They read the stages they signed (`rules.stages_signed_by`), as those stages stood while they held
the role or when they last signed them, whichever is later: an answer amended since shows what it
said before, and amendments, their sign-offs and notes of disagreement added since are left out.
Nothing else of the appraisal is shared with them: not the stages they did not sign, the
objectives, the evidence from the portfolio (titles included), the ASYE evidence slots, nor a
recommendation or panel decision unless they recorded it themselves."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from . import rules
from .models import Appraisal, SignOff, Stage


@dataclass(frozen=True)
class SignedScope:
    user_id: int
    ended_on: datetime.date | None
    stage_ids: frozenset[int]
    # The last moment of each signed stage the reader may see: stage pk -> datetime.
    cutoffs: dict

    def cutoff(self, stage: Stage) -> datetime.datetime:
        return self.cutoffs[stage.pk]

    def shows(self, stage: Stage) -> bool:
        return stage.pk in self.stage_ids


def _end_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time.min, tzinfo=timezone.get_current_timezone()
    )


def scope_for(user, appraisal: Appraisal) -> SignedScope:
    ended_on = rules.role_ended_on(user, appraisal)
    role_end = _end_of(ended_on) if ended_on else None
    last_signed: dict[int, datetime.datetime] = {}
    for stage_id, signed_at in SignOff.objects.filter(
        user=user, stage__appraisal=appraisal
    ).values_list("stage", "signed_at"):
        last_signed[stage_id] = max(signed_at, last_signed.get(stage_id, signed_at))
    cutoffs = {
        stage_id: max(signed_at, role_end) if role_end else signed_at
        for stage_id, signed_at in last_signed.items()
    }
    return SignedScope(
        user_id=user.pk, ended_on=ended_on, stage_ids=frozenset(cutoffs), cutoffs=cutoffs
    )


def answers_as_signed(scope: SignedScope, stage: Stage, answers, amendments) -> dict:
    """{answer pk: the text to show, or None when the answer was written after the cutoff}.
    `amendments` are the stage's amendments (all of them, in any order)."""
    cutoff = scope.cutoff(stage)
    earliest_later: dict[int, object] = {}
    for amendment in sorted(amendments, key=lambda a: (a.made_at, a.pk)):
        if amendment.made_at > cutoff and amendment.answer_id is not None:
            earliest_later.setdefault(amendment.answer_id, amendment)
    shown = {}
    for answer in answers:
        if answer.pk in earliest_later:
            shown[answer.pk] = earliest_later[answer.pk].before
        elif answer.updated_at > cutoff:
            shown[answer.pk] = None
        else:
            shown[answer.pk] = answer.text
    return shown


def amendments_as_signed(scope: SignedScope, stage: Stage, amendments) -> list:
    cutoff = scope.cutoff(stage)
    return [a for a in amendments if a.made_at <= cutoff]


def dissents_as_signed(scope: SignedScope, stage: Stage, dissents) -> list:
    cutoff = scope.cutoff(stage)
    return [d for d in dissents if d.created_at <= cutoff]


def sign_offs_as_signed(scope: SignedScope, stage: Stage, sign_offs) -> list:
    cutoff = scope.cutoff(stage)
    return [s for s in sign_offs if s.signed_at <= cutoff]


def roles_seen(user, appraisal: Appraisal) -> list[str]:
    """The participant roles whose questions a former participant reads: those they hold in the
    appraisal, or if they are no longer named in it, those they signed in."""
    return appraisal.roles_of(user) or list(
        dict.fromkeys(
            SignOff.objects.filter(user=user, stage__appraisal=appraisal)
            .order_by("pk")
            .values_list("role", flat=True)
        )
    )
