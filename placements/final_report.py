"""The practice educator's final report: an overall summary, a recommendation (pass, fail or
refer) and, on each domain of the current PCF, a judgement against the placement's level (our own
scale, `FinalReportJudgements.SCALE`) with the evidence for it. Domains and level are chosen as
for the midpoint review (`midpoint.pcf_domains`, `learning.placement_level`).

Rules:

- the practice educator or the co-assessor writes it (the `final_report` step) while the
  placement is in progress, after the midpoint review; or again, after the placement has ended,
  when the practice assessment panel has referred it back to them (`panel.referred_back`);
- every domain needs a judgement and its evidence, each refused on its own field;
- a pass needs every domain met at the level; a fail names at least one domain not met;
- writing it again replaces it; each recording is kept in the student's access log.

The summary and recommendation stay on the placement (`Placement.final_report`,
`Placement.recommendation`), which completing it, the panel and the HEI's decision read."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from capabilities.models import Item

from . import panel
from .assessment_models import FinalReportJudgements
from .learning import placement_level
from .midpoint import pcf_domains
from .models import Placement
from .steps import STEPS, Status, _check, _iso, _lock, _log_change, roles_in


def judgement_field(domain) -> str:
    return f"judgement_{domain.pk}"


def evidence_field(domain) -> str:
    return f"evidence_{domain.pk}"


def may_write(user, placement: Placement, roles=None) -> bool:
    """Whether `user` may write (or rewrite) the final report now."""
    roles = roles_in(user, placement) if roles is None else roles
    if not STEPS["final_report"].who & set(roles):
        return False
    return placement.status == Status.IN_PROGRESS or panel.referred_back(placement) is not None


def _check_writer(by, placement: Placement) -> frozenset[str]:
    if placement.status != Status.IN_PROGRESS and panel.referred_back(placement) is not None:
        roles = roles_in(by, placement)
        if not STEPS["final_report"].who & roles:
            raise PermissionDenied(STEPS["final_report"].who_text)
        return roles
    return _check("final_report", by, placement)


@transaction.atomic
def record_final_report(
    *, placement: Placement, by, text: str, recommendation: str, judgements: dict | None = None
) -> Placement:
    """Record the final report. `judgements` is {domain item: (scale index, evidence)} for every
    domain of the current PCF (none are asked for while no PCF is published)."""
    _lock(placement)
    roles = _check_writer(by, placement)
    if not placement.midpoint_review_on:
        raise ValidationError("Record the midpoint review before the final report.")
    errors: dict[str, str] = {}
    if not (text or "").strip():
        errors["text"] = "Write the overall summary of the final report"
    if recommendation not in Placement.Recommendation.values:
        errors["recommendation"] = "Choose pass, fail or refer"
    by_pk = {domain.pk: value for domain, value in (judgements or {}).items()}
    scale = FinalReportJudgements.SCALE
    stored, not_met = {}, []
    domains = pcf_domains()
    for domain in domains:
        rating, evidence = by_pk.get(domain.pk, (None, ""))
        if not isinstance(rating, int) or not 0 <= rating < len(scale):
            errors[judgement_field(domain)] = f"Give a judgement for {domain.title}"
        elif rating == FinalReportJudgements.NOT_MET:
            not_met.append(domain.title)
        if not (evidence or "").strip():
            errors[evidence_field(domain)] = f"Give the evidence for {domain.title}"
        stored[str(domain.pk)] = {"rating": rating, "evidence": (evidence or "").strip()}
    if "recommendation" not in errors:
        if recommendation == Placement.Recommendation.PASS and not_met:
            errors["recommendation"] = (
                "A pass needs every domain met at the level; not met: " + ", ".join(not_met)
            )
        if recommendation == Placement.Recommendation.FAIL and domains and not not_met:
            errors["recommendation"] = (
                "A fail names at least one domain not met at the level: change a judgement or "
                "the recommendation"
            )
    if errors:
        raise ValidationError(errors)
    case = panel.referred_back(placement)
    before = placement.recommendation
    placement.final_report = text.strip()
    placement.recommendation = recommendation
    placement.save(update_fields=["final_report", "recommendation"])
    if domains:
        record, created = FinalReportJudgements.objects.get_or_create(placement=placement)
        record.level = placement_level(placement)
        record.judgements = stored
        record.recorded_by = by
        if case is not None and not created:
            record.revision += 1
        record.save()
    change = f"final report; recommendation: {_iso(before)} → {recommendation}"
    if case is not None:
        case.resubmitted_at = timezone.now()
        case.recommendation = recommendation
        case.save(update_fields=["resubmitted_at", "recommendation"])
        change += "; revised for the practice assessment panel"
    _log_change(placement, by, roles, change)
    return placement


def judgement_rows(placement: Placement) -> list[dict]:
    """Each domain of the final report with its judgement and evidence, for reading."""
    record = FinalReportJudgements.objects.filter(placement=placement).first()
    if record is None:
        return []
    keys = [int(k) for k in record.judgements]
    domains = {d.pk: d for d in Item.objects.filter(pk__in=keys)}
    rows = []
    for key, value in record.judgements.items():
        rating = value.get("rating")
        rows.append(
            {
                "domain": domains.get(int(key)),
                "rating": FinalReportJudgements.SCALE[rating] if isinstance(rating, int) else "",
                "met": rating != FinalReportJudgements.NOT_MET,
                "evidence": value.get("evidence", ""),
            }
        )
    rows.sort(key=lambda row: row["domain"].sort_order if row["domain"] else 0)
    return rows
