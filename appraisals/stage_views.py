"""The framework part of the stage page, grouped by framework (the PCF domains, the standards
of a post-qualifying framework): the appraisee's self-assessment and each judging role's
judgement (the template's `judged_by`: appraiser, assessor or both), each in its own column, and
saving them. `views.stage` shows and saves the rest of the page."""

from django.http import QueryDict

from capabilities.models import Item

from . import frameworks, services
from .models import Appraisal, DomainAssessment, Participant, Stage

# The heading of each column, by role.
COLUMN_HEADINGS = {
    Participant.APPRAISEE: "Self-assessment",
    Participant.APPRAISER: "Appraiser's judgement",
    Participant.ASSESSOR: "Assessor's judgement",
}


def _typed_rating(data: QueryDict, role: str, domain) -> int | None:
    raw = data.get(f"{role}-{domain.pk}-rating", "")
    return int(raw) if raw.isdigit() else None


def _saved(assessment: DomainAssessment | None, role: str) -> tuple[int | None, str]:
    if assessment is None:
        return None, ""
    if role == Participant.APPRAISEE:
        return assessment.self_rating, assessment.self_comment
    return assessment.rating_of(role), assessment.comment_of(role)


def domain_rows(appraisal: Appraisal, stage: Stage, roles, *, stage_form=None) -> list[dict]:
    """One group per framework assessed at the stage (its title, and one row per domain or
    standard), each row with a column for the self-assessment and one per judging role. A
    column is editable by whoever holds its role while the stage is open; after an error it
    shows what was typed, with its errors."""
    groups = frameworks.assessed_at(stage)
    if not groups:
        return []
    typed = stage_form.typed() if stage_form is not None else {}
    errors = stage_form.errors if stage_form is not None else {}
    assessments = {a.domain_id: a for a in stage.domain_assessments.prefetch_related("evidence")}
    scale = appraisal.template.rating_scale
    column_roles = [Participant.APPRAISEE, *appraisal.judging_roles()]
    result = []
    for group in groups:
        rows = []
        for domain in group.items:
            a = assessments.get(domain.pk)
            columns = []
            for role in column_roles:
                rating, comment = _saved(a, role)
                name = f"{role}-{domain.pk}"
                columns.append(
                    {
                        "role": role,
                        "name": name,
                        "heading": COLUMN_HEADINGS[role],
                        "person": appraisal.participants()[role],
                        "editable": role in roles and stage.status == Stage.Status.OPEN,
                        "is_self": role == Participant.APPRAISEE,
                        "label": scale[rating]
                        if rating is not None and rating < len(scale)
                        else "",
                        "comment": comment,
                        "typed": typed.get(f"{name}-comment"),
                        "errors": errors.get(f"{name}-comment", []),
                        "rating": _typed_rating(stage_form.data, role, domain)
                        if stage_form is not None
                        else rating,
                    }
                )
            rows.append({"domain": domain, "assessment": a, "columns": columns})
        result.append(
            {
                "title": group.title,
                "framework": group.framework,
                "is_domains": domain_kind(group.items),
                "rows": rows,
            }
        )
    return result


def domain_kind(items) -> bool:
    return bool(items) and items[0].kind == Item.Kind.DOMAIN


def save_domains(request, appraisal: Appraisal, stage: Stage, roles, texts) -> None:
    """Every self-assessment and judgement the page posted, for the roles the user holds."""
    entries = {str(e.entry.uuid): e.entry for e in appraisal.evidence.select_related("entry")}
    for domain in services.items_for(stage):
        for role in (Participant.APPRAISEE, *appraisal.judging_roles()):
            prefix = f"{role}-{domain.pk}"
            if role not in roles or f"{prefix}-rating" not in request.POST:
                continue
            services.assess_domain(
                stage=stage,
                user=request.user,
                role=role,
                domain=domain,
                rating=_typed_rating(request.POST, role, domain),
                comment=texts.get(f"{prefix}-comment", ""),
                evidence=[
                    entries[u] for u in request.POST.getlist(f"{prefix}-evidence") if u in entries
                ],
            )
