"""The demo designations (run by `demo.ensure_demo_placements`): an Approved Practice Setting
designation for Northshire that expires within 60 days, and teaching organisation status for
Brightpath, both decided by the Regional Practice Learning Board. Left alone when they exist."""

from __future__ import annotations

from datetime import timedelta

from . import designations
from .models import Designation, DesignationKind

DESIGNATION_EVIDENCE = (
    "Set out in our practice learning policy, reviewed each year with our university partners "
    "and the practice learning board. Evidence is held by the placement lead."
)


def ensure_demo_designations(orgs, people, today) -> None:
    designations.ensure_default_criteria()
    board = orgs["practice-learning-board"]
    _ensure_designation(
        organisation=orgs["northshire"],
        kind=DesignationKind.APS,
        applicant=people["lee.placements"],
        board=board,
        decider=people["rue.board"],
        starts_on=today - timedelta(days=3 * 365 - 45),
        expires_on=today + timedelta(days=45),
    )
    _ensure_designation(
        organisation=orgs["brightpath"],
        kind=DesignationKind.TEACHING,
        applicant=people["cam.admin"],
        board=board,
        decider=people["rue.board"],
        starts_on=today - timedelta(days=120),
        expires_on=today + timedelta(days=3 * 365 - 120),
    )


def _ensure_designation(
    *, organisation, kind, applicant, board, decider, starts_on, expires_on
) -> None:
    if Designation.objects.filter(organisation=organisation, kind=kind).exists():
        return
    designation = designations.start_application(
        organisation=organisation, kind=kind, awarding_body=board, by=applicant
    )
    for criterion in designations.active_criteria(kind):
        designations.save_evidence(
            designation=designation, criterion=criterion, text=DESIGNATION_EVIDENCE, by=applicant
        )
    designations.submit(designation=designation, by=applicant)
    designations.decide(
        designation=designation,
        by=decider,
        status=Designation.Status.APPROVED,
        notes="All criteria met; the evidence was discussed with the placement lead.",
        starts_on=starts_on,
        expires_on=expires_on,
    )
