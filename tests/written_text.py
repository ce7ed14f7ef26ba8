"""Every free text people write into records, as stored: used to check that the demo data
passes the identifying-information guard."""

from collections.abc import Iterator

from appraisals.models import Amendment, Answer, Dissent, DomainAssessment, Objective
from placements.models import (
    ActionItem,
    AssessmentPanel,
    Audit,
    AuditPart,
    Concern,
    ConcernAction,
    CriterionEvidence,
    DaysLog,
    Designation,
    FinalReportJudgements,
    PanelCase,
    PartnershipSide,
    Placement,
    SupportPlan,
)
from portfolios.models import Comment, Entry

# model: the text fields a person writes (JSON fields are read below)
TEXT_FIELDS = {
    Entry: ("title", "description", "learning", "impact", "peer_name", "peer_role"),
    Comment: ("body",),
    Answer: ("text",),
    DomainAssessment: ("self_comment", "judgement_comment", "assessor_comment"),
    Amendment: ("after", "reason"),
    Dissent: ("text",),
    Objective: ("text",),
    Placement: ("extension_reason", "ended_reason", "final_report"),
    DaysLog: ("note",),
    Audit: ("moderation_notes",),
    ActionItem: ("text",),
    CriterionEvidence: ("text",),
    Designation: ("decision_notes", "conditions"),
    Concern: ("text",),
    ConcernAction: ("text",),
    AssessmentPanel: ("other_members",),
    PanelCase: ("comments",),
    SupportPlan: ("text",),
}


def written_text() -> Iterator[tuple[str, str]]:
    """(where, text) for every non-empty free text in the database."""
    for model, fields in TEXT_FIELDS.items():
        for pk, *values in model.objects.values_list("pk", *fields):
            for field, value in zip(fields, values, strict=True):
                if value:
                    yield f"{model.__name__} {pk} {field}", value
    for part in AuditPart.objects.all():
        for section, comment in (part.comments or {}).items():
            if comment:
                yield f"AuditPart {part.pk} section {section}", comment
    for side in PartnershipSide.objects.all():
        for area, rated in (side.ratings or {}).items():
            if isinstance(rated, dict) and rated.get("comment"):
                yield f"PartnershipSide {side.pk} {area}", rated["comment"]
    for record in FinalReportJudgements.objects.all():
        for domain, judged in (record.judgements or {}).items():
            if isinstance(judged, dict) and judged.get("evidence"):
                yield f"FinalReportJudgements {record.pk} {domain}", judged["evidence"]
