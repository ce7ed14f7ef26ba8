"""The practice assessment panel: the HEI moderates its practice educators' final reports before
it decides each placement's outcome.

How a placement gets before a panel. The HEI's placement lead sets up a panel for one programme
(optionally one cohort) and a period (`convene_panel`). Every placement of the programme that
ended in the period, has a final report with a recommendation, has no HEI decision and has not
been before a panel yet is considered. The panel reads closely (its *sample*, `draw_sample`):

- every placement recommended fail or refer;
- every placement where a cause for concern was raised;
- of the other passes, the programme's share (`Programme.panel_sample_percent`, 25 per cent by
  default), rounded up, at least one: the first by the placement's random identifier, so nobody
  picks which reports are read and drawing again gives the same sample.

The rest go forward unread. On each placement in the sample a member records the panel's
decision (`record_panel_decision`): it agrees with the recommendation, recommends a different
outcome (with its reasons), or refers the report back to the practice educator (saying what must
change); a report referred back is rewritten by the educator (`final_report`) and comes back to
the panel, which decides again. Members are the HEI's placement leads and tutors; nobody records
the decision on a placement they tutor or assess (`rules.may_record_panel_decision`).

The HEI's decision (`completion.record_hei_decision`) is refused for a placement with a
recommendation until a panel has considered it and, if it is in the sample, decided on it.
Every step is kept in the student's access log."""

from __future__ import annotations

import math
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateformat import format as format_date

from . import rules
from .assessment_models import AssessmentPanel, PanelCase
from .lifecycle_models import Concern
from .models import Cohort, Placement, Programme
from .steps import HEI_LEAD, Status, _lock, _log_change

CONSIDERED_STATUSES = (Status.COMPLETED, Status.ENDED_EARLY)
Reason = PanelCase.Reason
Outcome = PanelCase.Outcome
MIN_MEMBERS = 2


def eligible_placements(*, programme: Programme, period_from: date, period_to: date, cohort=None):
    """Placements of the programme a panel for this period considers (see the module)."""
    placements = Placement.objects.filter(
        cohort__programme=programme,
        status__in=CONSIDERED_STATUSES,
        ends_on__gte=period_from,
        ends_on__lte=period_to,
        hei_decision="",
        panel_cases__isnull=True,
    ).exclude(recommendation="")
    if cohort is not None:
        placements = placements.filter(cohort=cohort)
    return placements.order_by("uuid")


def draw_sample(placements, percent: int) -> list[tuple[Placement, str]]:
    """Each placement with why it is (or is not) in the sample (`PanelCase.Reason`)."""
    placements = sorted(placements, key=lambda p: str(p.uuid))
    with_concern = set(
        Concern.objects.filter(
            placement__in=[p.pk for p in placements], about_placement=False
        ).values_list("placement_id", flat=True)
    )
    drawn, passes = [], []
    for placement in placements:
        if placement.recommendation != Placement.Recommendation.PASS:
            drawn.append((placement, Reason.NOT_PASS))
        elif placement.pk in with_concern:
            drawn.append((placement, Reason.CONCERN))
        else:
            passes.append(placement)
    share = math.ceil(len(passes) * percent / 100) if percent else 0
    drawn += [(p, Reason.SAMPLED) for p in passes[:share]]
    drawn += [(p, Reason.NOT_SAMPLED) for p in passes[share:]]
    return drawn


@transaction.atomic
def convene_panel(
    *,
    programme: Programme,
    by,
    held_on: date | None,
    period_from: date | None,
    period_to: date | None,
    members,
    other_members: str = "",
    cohort: Cohort | None = None,
) -> AssessmentPanel:
    """Set up a panel and draw its sample. Every problem is refused at once, on its field."""
    if not rules.panel_convener_organisations(by).filter(pk=programme.hei_id).exists():
        raise PermissionDenied("The HEI's placement lead sets up a practice assessment panel.")
    errors: dict[str, str] = {}
    if not isinstance(held_on, date):
        errors["held_on"] = "Enter the date the panel meets"
    if not isinstance(period_from, date):
        errors["period_from"] = "Enter the first date of the period"
    if not isinstance(period_to, date):
        errors["period_to"] = "Enter the last date of the period"
    elif isinstance(period_from, date) and period_to < period_from:
        errors["period_to"] = "The last date of the period is on or after its first date"
    if cohort is not None and cohort.programme_id != programme.pk:
        errors["cohort"] = "Choose a cohort of this programme"
    members = list(members or [])
    allowed = set(rules.panel_members_of(programme.hei).values_list("pk", flat=True))
    if len({m.pk for m in members}) < MIN_MEMBERS:
        errors["members"] = "Choose at least two members of the panel"
    elif any(member.pk not in allowed for member in members):
        errors["members"] = "Choose members from the HEI's placement leads and tutors"
    placements = []
    if not {"period_from", "period_to", "cohort"} & set(errors):
        placements = list(
            eligible_placements(
                programme=programme, period_from=period_from, period_to=period_to, cohort=cohort
            ).select_for_update(of=("self",))
        )
        if not placements:
            errors["period_to"] = (
                "No placement of the programme with a final report ended in this period and "
                "waits for a panel"
            )
    if errors:
        raise ValidationError(errors)
    panel = AssessmentPanel.objects.create(
        programme=programme,
        cohort=cohort,
        held_on=held_on,
        period_from=period_from,
        period_to=period_to,
        other_members=(other_members or "").strip(),
        sample_percent=programme.panel_sample_percent,
        convened_by=by,
    )
    panel.members.set(members)
    for placement, reason in draw_sample(placements, programme.panel_sample_percent):
        case = PanelCase.objects.create(
            panel=panel,
            placement=placement,
            sampled=reason != Reason.NOT_SAMPLED,
            reason=reason,
            recommendation=placement.recommendation,
        )
        what = "in its sample" if case.sampled else "not in its sample"
        _log_change(
            placement,
            by,
            {HEI_LEAD},
            f"before the practice assessment panel of {held_on.isoformat()}, {what}",
            obj=panel,
        )
    return panel


def _waiting_for_revision(case: PanelCase) -> bool:
    return case.outcome == Outcome.REFER_BACK and (
        case.resubmitted_at is None or case.resubmitted_at < case.decided_at
    )


def may_decide(user, case: PanelCase) -> bool:
    """Whether `user` may record the panel's decision on this case now."""
    return (
        case.sampled
        and case.outcome in ("", Outcome.REFER_BACK)
        and not _waiting_for_revision(case)
        and not case.placement.hei_decision
        and rules.may_record_panel_decision(user, case)
    )


@transaction.atomic
def record_panel_decision(
    *, case: PanelCase, by, outcome: str, panel_outcome: str = "", comments: str = ""
) -> PanelCase:
    placement = _lock(case.placement)
    case.refresh_from_db()
    case.placement = placement
    if not rules.may_record_panel_decision(by, case):
        raise PermissionDenied(
            "A member of the panel records its decision, and not on a placement they tutor or "
            "assess."
        )
    if not case.sampled:
        raise ValidationError("The panel records its decision on the placements in its sample.")
    if case.outcome in (Outcome.AGREE, Outcome.DIFFERENT) or placement.hei_decision:
        raise ValidationError("The panel's decision on this placement is already recorded.")
    if _waiting_for_revision(case):
        raise ValidationError(
            {
                "outcome": "The report is back with the practice educator; the panel decides "
                "again once the revised report is in"
            }
        )
    errors: dict[str, str] = {}
    comments = (comments or "").strip()
    if outcome not in Outcome.values:
        errors["outcome"] = (
            "Choose whether the panel agrees, recommends a different outcome or refers the "
            "report back"
        )
    elif outcome == Outcome.DIFFERENT:
        if panel_outcome not in Placement.Recommendation.values:
            errors["panel_outcome"] = "Choose the outcome the panel recommends"
        elif panel_outcome == case.recommendation:
            errors["panel_outcome"] = (
                "Choose an outcome other than the practice educator's, or agree with it"
            )
        if not comments:
            errors["comments"] = "Say why the panel recommends a different outcome"
    elif outcome == Outcome.REFER_BACK and not comments:
        errors["comments"] = "Say what the practice educator needs to change in the report"
    if errors:
        raise ValidationError(errors)
    before = case.outcome
    case.outcome = outcome
    case.panel_outcome = {
        Outcome.AGREE: case.recommendation,
        Outcome.DIFFERENT: panel_outcome,
        Outcome.REFER_BACK: "",
    }[Outcome(outcome)]
    case.comments = comments
    case.decided_by = by
    case.decided_at = timezone.now()
    case.save(update_fields=["outcome", "panel_outcome", "comments", "decided_by", "decided_at"])
    _log_change(
        placement,
        by,
        {HEI_LEAD},
        f"practice assessment panel: {before or 'none'} → {outcome}",
        obj=case.panel,
    )
    return case


def referred_back(placement: Placement) -> PanelCase | None:
    """The panel case that has referred the final report back to the practice educator and
    waits for the revised report, if any."""
    for case in placement.panel_cases.filter(outcome=Outcome.REFER_BACK).order_by("-decided_at"):
        if _waiting_for_revision(case):
            return case
    return None


def refuse_decision_before_panel(placement: Placement) -> None:
    """The HEI's decision waits for the panel (see the module); nothing to wait for when the
    placement has no recommendation (it ended early without a final report)."""
    if not placement.recommendation:
        return
    cases = list(placement.panel_cases.select_related("panel"))
    if not cases:
        raise ValidationError(
            {
                "decision": "A practice assessment panel considers the practice educator's "
                "recommendation first: the HEI's placement lead puts it before a panel"
            }
        )
    for case in cases:
        if case.waiting:
            when = format_date(case.panel.held_on, "j F Y")
            raise ValidationError(
                {
                    "decision": f"The practice assessment panel of {when} has this placement "
                    "in its sample: the HEI decides once the panel has recorded its decision"
                    + (" on the revised report" if case.outcome == Outcome.REFER_BACK else "")
                }
            )


def latest_case(placement: Placement) -> PanelCase | None:
    return (
        placement.panel_cases.select_related("panel", "decided_by")
        .order_by("-panel__held_on", "-pk")
        .first()
    )
