"""The demo practice assessment panels (run by `demo.ensure_demo_placements` once the
placements are made): the University of Northshire's panel reads Dev Lunan's report (his
placement had a cause for concern) and agrees with the pass, then the tutor records the HEI's
decision; Southvale's panel still has Kai Brantwood's report to decide."""

from __future__ import annotations

from datetime import date, timedelta

from . import panel, services
from .assessment_models import PanelCase
from .demo_data import PANEL_COMMENTS, PANEL_LEADS, PANEL_WAITING, TUTORS
from .models import Programme


def ensure_demo_panels(orgs, people, today: date) -> None:
    """Each programme's practice assessment panel for the past year's placements, with the
    panel's decision on its sample (agreeing) and then the HEI's decision, except at Southvale,
    whose panel has yet to decide. Placements already before a panel are left alone."""
    for slug, lead_local in PANEL_LEADS.items():
        lead = people[lead_local]
        tutor = people[TUTORS[slug]]
        for programme in Programme.objects.filter(hei=orgs[slug]):
            period = {"period_from": today - timedelta(days=400), "period_to": today}
            if not panel.eligible_placements(programme=programme, **period).exists():
                continue
            the_panel = panel.convene_panel(
                programme=programme,
                by=lead,
                held_on=today - timedelta(days=7),
                members=[lead, tutor],
                other_members="An independent practice educator from a partner employer.",
                **period,
            )
            for case in the_panel.cases.select_related("placement"):
                if case.sampled and slug != PANEL_WAITING:
                    panel.record_panel_decision(
                        case=case,
                        by=lead,
                        outcome=PanelCase.Outcome.AGREE,
                        comments=PANEL_COMMENTS if case.reason == case.Reason.CONCERN else "",
                    )
                if not case.sampled or slug != PANEL_WAITING:
                    services.record_hei_decision(
                        placement=case.placement, by=tutor, decision=case.placement.recommendation
                    )
