"""An appraisal as a PDF: the signed record to keep, print or hand to a moderation panel.

`appraisal_data(appraisal)` reads everything the record holds (people and their changes, stages,
answers, domain assessments, sign-offs, amendments, dissent, objectives and, for the ASYE, the
evidence slots and the recommendation) in a fixed number of queries and returns plain, JSON-ready data: the personal
export (`portfolios.interchange`) carries it as is. `render_appraisal_pdf(data)` draws that data
and never touches the database.

The drawing reuses the CPD portfolio renderer (`portfolios.pdf`): its page class, font choice
(a wide-coverage TrueType font, else Helvetica with every character transliterated), word
wrapping and page furniture.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch

from capabilities.models import Item
from portfolios import pdf as portfolio_pdf
from portfolios.models import Entry
from portfolios.pdf import (
    LINE,
    MUTED_COLOUR,
    NOT_RECORDED,
    PortfolioPDF,
    TextCleaner,
    _as_dict,
    _as_list,
    _dicts,
    _display_date,
    _parse_datetime,
    _text,
)

from . import former, services
from .models import (
    Access,
    Amendment,
    Answer,
    Appraisal,
    AppraisalFramework,
    Dissent,
    DomainAssessment,
    Objective,
    Participant,
    SharedEvidence,
    SignOff,
    Stage,
    TemplateQuestion,
)
from .reassign_models import Reassignment

__all__ = [
    "appraisal_data",
    "appraisals_with_related",
    "render_appraisal_pdf",
    "signed_stages_data",
]

SIGNED_SCOPE = "signed"
SIGNED_TITLE = "Stages you signed"

FORMAT = "capable-appraisal"
SIGNED = "Signed"
NOT_SIGNED = "Not signed off"
NOT_ANSWERED = "Not answered"
DISSENT_NOTICE = (
    "This record includes a dissent note: the appraisee has recorded that they disagree with "
    "part of it. The note is printed with the stage it concerns."
)


# --- Reading the record -------------------------------------------------------------------------


def appraisals_with_related(queryset=None):
    """`queryset` (default: all appraisals) with everything `appraisal_data` reads, loaded in a
    fixed number of queries however many appraisals there are."""
    queryset = Appraisal.objects.all() if queryset is None else queryset
    return (
        queryset.with_people()
        .select_related("recommendation_by", "panel_confirmed_by")
        .prefetch_related(
            Prefetch(
                "stages", queryset=Stage.objects.select_related("template_stage").order_by("order")
            ),
            Prefetch(
                "stages__template_stage__questions",
                queryset=TemplateQuestion.objects.order_by("order", "pk"),
            ),
            Prefetch("stages__answers", queryset=Answer.objects.select_related("author")),
            Prefetch(
                "stages__domain_assessments",
                queryset=DomainAssessment.objects.select_related(
                    "domain", "judged_by", "assessed_by"
                ).order_by("domain__sort_order", "domain__code", "pk"),
            ),
            Prefetch(
                "stages__domain_assessments__evidence",
                queryset=Entry.objects.live().order_by("occurred_on", "title", "pk"),
            ),
            Prefetch(
                "stages__sign_offs",
                queryset=SignOff.objects.select_related("user").order_by("signed_at", "pk"),
            ),
            Prefetch(
                "stages__amendments",
                queryset=Amendment.objects.select_related("question", "made_by").order_by(
                    "made_at", "pk"
                ),
            ),
            Prefetch(
                "stages__dissents",
                queryset=Dissent.objects.select_related("author").order_by("created_at", "pk"),
            ),
            Prefetch(
                "frameworks",
                queryset=AppraisalFramework.objects.select_related(
                    "version__framework", "level"
                ).prefetch_related("stages"),
            ),
            Prefetch("objectives", queryset=Objective.objects.order_by("created_at", "pk")),
            Prefetch(
                "objectives__statements", queryset=Item.objects.order_by("sort_order", "code")
            ),
            Prefetch(
                "evidence",
                queryset=SharedEvidence.objects.select_related("entry").order_by("shared_at", "pk"),
            ),
            Prefetch(
                "reassignments",
                queryset=Reassignment.objects.select_related(
                    "from_user", "to_user", "made_by"
                ).order_by("made_at", "pk"),
            ),
        )
    )


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _name(user) -> str:
    return str(user) if user is not None else ""


def _rating(scale: list, value: int | None) -> str:
    if value is None:
        return ""
    return str(scale[value]) if 0 <= value < len(scale) else f"Rating {value}"


def _sign_off(sign_off: SignOff) -> dict:
    return {
        "role": sign_off.role,
        "role_label": sign_off.get_role_display(),
        "name": _name(sign_off.user),
        "at": _iso(sign_off.signed_at),
    }


def _stage_data(
    appraisal: Appraisal, stage: Stage, roles: list[str], scope: former.SignedScope | None = None
) -> dict:
    participants = appraisal.participants()
    scale = list(appraisal.template.rating_scale or [])
    answers = {(a.question_id, a.role): a for a in stage.answers.all()}
    amendments = list(stage.amendments.all())
    sign_offs = list(stage.sign_offs.all())
    dissents = list(stage.dissents.all())
    texts = {a.pk: a.text for a in answers.values()}
    if scope is not None:
        # A former participant's copy: the stage as they signed it (see `former`).
        texts = former.answers_as_signed(scope, stage, answers.values(), amendments)
        answers = {key: a for key, a in answers.items() if texts[a.pk] is not None}
        amendments = former.amendments_as_signed(scope, stage, amendments)
        sign_offs = former.sign_offs_as_signed(scope, stage, sign_offs)
        dissents = former.dissents_as_signed(scope, stage, dissents)
    questions = []
    for question in stage.template_stage.questions.all():
        if roles and not any(question.access_for(r) != Access.NONE for r in roles):
            continue  # as on the stage page: only the questions the reader's roles see
        cells = []
        for role in Participant.values:
            if participants[role] is None or not services.can_answer(question, role):
                continue  # roles that only read a question have no answer to show
            answer = answers.get((question.pk, role))
            cells.append(
                {
                    "role": role,
                    "role_label": Participant(role).label,
                    "access": question.access_for(role),
                    "text": texts[answer.pk] if answer else "",
                    "author": _name(answer.author) if answer else "",
                    "updated_at": _iso(answer.updated_at) if answer else None,
                }
            )
        questions.append({"text": question.text, "answers": cells})

    # What the stage judges, by framework (the appraisal's copy made when it started).
    copies = list(appraisal.frameworks.all())
    titles = {row.version_id: row.title for row in copies}
    here = [row.title for row in copies if any(s.pk == stage.pk for s in row.stages.all())]
    by_amendment: dict[int, list[SignOff]] = {}
    for sign_off in sign_offs:
        if sign_off.amendment_id is not None:
            by_amendment.setdefault(sign_off.amendment_id, []).append(sign_off)

    return {
        "order": stage.order,
        "name": stage.template_stage.name,
        "due_on": _iso(stage.due_on),
        "status": stage.status,
        "status_label": stage.get_status_display(),
        "signed": stage.status == Stage.Status.SIGNED,
        "optional": stage.template_stage.optional,
        "opened_at": _iso(stage.opened_at),
        "locked_at": _iso(stage.locked_at),
        "questions": questions,
        "assesses_domains": bool(here) or stage.template_stage.assesses_domains,
        "frameworks": here,
        "domains": [
            {
                "domain": a.domain.title or a.domain.code
                if a.domain.kind == Item.Kind.DOMAIN
                else f"{a.domain.code} {a.domain.title}".strip(),
                "code": a.domain.code,
                "framework": titles.get(a.domain.version_id, ""),
                "self_rating": a.self_rating,
                "self_rating_label": _rating(scale, a.self_rating),
                "self_comment": a.self_comment,
                "evidence": [entry.title for entry in a.evidence.all()] if scope is None else [],
                "judgement_rating": a.judgement_rating,
                "judgement_rating_label": _rating(scale, a.judgement_rating),
                "judgement_comment": a.judgement_comment,
                "judged_by": _name(a.judged_by),
                "assessor_rating": a.assessor_rating,
                "assessor_rating_label": _rating(scale, a.assessor_rating),
                "assessor_comment": a.assessor_comment,
                "assessed_by": _name(a.assessed_by),
                # Who judges each domain (the template's choice): the PDF shows their columns.
                "judging_roles": list(appraisal.judging_roles()),
            }
            for a in stage.domain_assessments.all()
        ],
        "sign_offs": [_sign_off(s) for s in sign_offs if s.amendment_id is None],
        "amendments": [
            {
                "question": amendment.question.text,
                "role": amendment.role,
                "role_label": amendment.get_role_display(),
                "before": amendment.before,
                "after": amendment.after,
                "reason": amendment.reason,
                "made_by": _name(amendment.made_by),
                "made_at": _iso(amendment.made_at),
                "signed_at": _iso(amendment.signed_at),
                "sign_offs": [_sign_off(s) for s in by_amendment.get(amendment.pk, [])],
            }
            for amendment in amendments
        ],
        "dissents": [
            {"author": _name(d.author), "text": d.text, "at": _iso(d.created_at)} for d in dissents
        ],
    }


def _asye_data(appraisal: Appraisal) -> dict:
    shared = [e for e in appraisal.evidence.all() if e.slot and e.entry.deleted_at is None]
    slots = []
    for slot, needed in appraisal.template.slots_needed().items():
        filled = [e.entry.title for e in shared if e.slot == slot][:needed]
        slots.append(
            {
                "slot": str(slot),
                "label": SharedEvidence.Slot(slot).label,
                "needed": needed,
                "filled": filled,
                "missing": needed - len(filled),
            }
        )
    return {
        "slots": slots,
        "recommendation": appraisal.recommendation,
        "recommendation_label": appraisal.get_recommendation_display()
        if appraisal.recommendation
        else "",
        "recommendation_by": _name(appraisal.recommendation_by),
        "recommendation_at": _iso(appraisal.recommendation_at),
        "panel_decision": appraisal.panel_decision,
        "panel_decision_label": appraisal.get_panel_decision_display()
        if appraisal.panel_decision
        else "",
        "panel_confirmed_by": _name(appraisal.panel_confirmed_by),
        "panel_confirmed_at": _iso(appraisal.panel_confirmed_at),
    }


def signed_stages_data(appraisal: Appraisal, *, user, scope: former.SignedScope) -> dict:
    """A former participant's copy (issue 10): `appraisal_data` cut down to the stages `user`
    signed, as they signed them. No objectives, no evidence titles, no ASYE slots, no status
    reached since, and a recommendation or panel decision only if they recorded it."""
    if "stages" not in getattr(appraisal, "_prefetched_objects_cache", {}):
        appraisal = appraisals_with_related(Appraisal.objects.filter(pk=appraisal.pk)).get()
    data = appraisal_data(appraisal, roles=former.roles_seen(user, appraisal), scope=scope)
    ended = _display_date(_iso(scope.ended_on)) if scope.ended_on else ""
    data.update(
        scope=SIGNED_SCOPE,
        scope_note=(
            "Your role in this appraisal has ended. This copy holds only the stages you signed, "
            "as they stood when you signed them; the rest of the appraisal is no longer shared "
            "with you because your role ended" + (f" on {ended}." if ended else ".")
        ),
        status="",
        status_label="",
        completed_at=None,
        objectives=[],
    )
    asye = data.get("asye")
    if asye is not None:
        mine_recommended = appraisal.recommendation_by_id == user.pk
        mine_decided = appraisal.panel_confirmed_by_id == user.pk
        data["asye"] = {
            **{key: value for key, value in asye.items() if key != "slots"},
            "slots": [],
            **(
                {}
                if mine_recommended
                else {
                    "recommendation": "",
                    "recommendation_label": "",
                    "recommendation_by": "",
                    "recommendation_at": None,
                }
            ),
            **(
                {}
                if mine_decided
                else {
                    "panel_decision": "",
                    "panel_decision_label": "",
                    "panel_confirmed_by": "",
                    "panel_confirmed_at": None,
                }
            ),
        }
        if not (mine_recommended or mine_decided):
            data["asye"] = None
    return data


def _reassignment(change: Reassignment) -> dict:
    return {
        "role": change.role,
        "role_label": change.role_words,
        "from": _name(change.from_user) if change.from_user_id else "",
        "to": _name(change.to_user),
        "made_by": _name(change.made_by),
        "made_at": _iso(change.made_at),
        "reason": change.reason,
    }


def appraisal_data(
    appraisal: Appraisal,
    *,
    roles: Iterable[str] | None = None,
    scope: former.SignedScope | None = None,
) -> dict:
    """The whole appraisal record as plain data.

    `roles` are the reader's participant roles: only the questions those roles see are included,
    as on the stage page. None or empty (a Principal Social Worker, who holds no role) includes
    every question. Pass appraisals from `appraisals_with_related()` to read many without a
    query each; any other appraisal is read again with it (a fixed number of queries)."""
    if "stages" not in getattr(appraisal, "_prefetched_objects_cache", {}):
        appraisal = appraisals_with_related(Appraisal.objects.filter(pk=appraisal.pk)).get()
    roles = [r for r in (roles or ()) if r in Participant.values]
    template = appraisal.template
    stages = [
        _stage_data(appraisal, stage, roles, scope)
        for stage in appraisal.stages.all()
        if scope is None or scope.shows(stage)
    ]
    level = appraisal.target_level
    return {
        "format": FORMAT,
        "id": str(appraisal.uuid),
        "template": template.name,
        "kind": template.kind,
        "kind_label": template.get_kind_display(),
        "organisation": appraisal.organisation.name,
        "team": appraisal.team.name if appraisal.team_id else "",
        "appraisee": _name(appraisal.appraisee),
        "appraiser": _name(appraisal.appraiser),
        "countersigner": _name(appraisal.countersigner),
        "assessor": _name(appraisal.assessor),
        "starts_on": _iso(appraisal.starts_on),
        "completed_at": _iso(appraisal.completed_at),
        "status": appraisal.status,
        "status_label": appraisal.get_status_display(),
        "target_level": (level.title or level.code) if level else "",
        "rating_scale": [str(r) for r in template.rating_scale or []],
        "requires_countersignature": template.requires_countersignature,
        "signers": [Participant(r).label for r in appraisal.signers()],
        # Who took part, and why it changed, with the reason, as the appraisal page shows it;
        # not in a former participant's copy, whose page does not show it either.
        "reassignments": [_reassignment(r) for r in appraisal.reassignments.all()]
        if scope is None
        else [],
        "has_dissent": any(stage["dissents"] for stage in stages),
        "stages": stages,
        "objectives": [
            {
                "text": objective.text,
                "status": objective.status,
                "status_label": objective.get_status_display(),
                "review_on": _iso(objective.review_on),
                "statements": [
                    {"code": item.code, "statement": item.full_statement}
                    for item in objective.statements.all()
                ],
            }
            for objective in appraisal.objectives.all()
        ],
        "asye": _asye_data(appraisal) if template.is_asye else None,
    }


# --- Drawing it ---------------------------------------------------------------------------------


def _moment(value: Any) -> str:
    """A timestamp as "25 November 2026 at 14:05" (UK time); a date as "25 November 2026"."""
    moment = _parse_datetime(value) if isinstance(value, str) and "T" in value else None
    if moment is None:
        return _display_date(value)
    return f"{_display_date(moment)} at {moment:%H:%M}"


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


class AppraisalPDF(PortfolioPDF):
    """The portfolio page class with the appraisal's running header."""

    def __init__(self, appraisee: str, title: str, font):
        super().__init__(appraisee, font)
        self.header_label = self.safe(title or "Appraisal")

    def heading(self, text: str, size: float = 14) -> None:
        self.keep_space(LINE * 5)
        self.paragraph(text, size=size, bold=True, line=size * 0.5)

    def section(self, title: str, *, space: float) -> None:
        """A rule (unless at the top of a page, under the header's) and a heading."""
        self.keep_space(space)
        if self.y > self.t_margin + 1:
            self.rule()
            self.ln(3)
        self.heading(title)

    def pair(self, label: str, value: Any) -> None:
        self.paragraph(f"{label}: {_text(value) or NOT_RECORDED}")

    def muted(self, text: str, *, indent: float = 0) -> None:
        self.paragraph(text, size=9.5, line=5, colour=MUTED_COLOUR, indent=indent)


def _cover(pdf: AppraisalPDF, data: dict, stages: list[dict]) -> None:
    pdf.add_page()
    pdf.set_y(50)
    if data.get("scope") == SIGNED_SCOPE:
        pdf.paragraph(SIGNED_TITLE, size=14, bold=True, line=7, colour=MUTED_COLOUR)
    pdf.paragraph(_text(data.get("template")) or "Appraisal", size=24, bold=True, line=11)
    kind = _text(data.get("kind_label"))
    if kind:
        pdf.paragraph(kind, size=12, line=6, colour=MUTED_COLOUR)
    pdf.ln(4)
    pdf.paragraph(_text(data.get("appraisee")) or "Name not recorded", size=18, line=9)
    place = ", ".join(p for p in (_text(data.get("team")), _text(data.get("organisation"))) if p)
    if place:
        pdf.paragraph(place, size=11, line=6, colour=MUTED_COLOUR)
    pdf.ln(8)

    pdf.pair("Started", _display_date(data.get("starts_on")))
    status = _text(data.get("status_label")) or _text(data.get("status"))
    completed = _display_date(data.get("completed_at"))
    pdf.pair("Status", f"{status}, {completed}" if status and completed else status)
    pdf.pair("Appraisee", data.get("appraisee"))
    pdf.pair("Appraiser (line manager)", data.get("appraiser"))
    if _text(data.get("countersigner")):
        pdf.pair("Countersigner", data.get("countersigner"))
    if _text(data.get("assessor")):
        pdf.pair("ASYE assessor", data.get("assessor"))
    if _text(data.get("target_level")):
        pdf.pair("Judged against the level", data.get("target_level"))
    scale = [_text(r) for r in _as_list(data.get("rating_scale")) if _text(r)]
    if scale:
        pdf.pair("Rating scale, lowest first", ", ".join(scale))
    signers = [_text(s) for s in _as_list(data.get("signers")) if _text(s)]
    if signers:
        pdf.pair("Each stage is signed by", ", ".join(signers))
    pdf.ln(4)

    signed = sum(1 for s in stages if s.get("signed") is True)
    pdf.paragraph(
        f"{signed} of {_plural(len(stages), 'stage')} signed off", size=11, bold=True, line=6
    )
    for stage in stages:
        mark = SIGNED if stage.get("signed") is True else NOT_SIGNED
        pdf.bullet(f"{_stage_title(stage)}: {mark}")
    pdf.ln(6)
    if data.get("has_dissent") or any(_dicts(s.get("dissents")) for s in stages):
        pdf.notice(DISSENT_NOTICE, bold=True)
    if data.get("scope") == SIGNED_SCOPE and _text(data.get("scope_note")):
        pdf.notice(_text(data.get("scope_note")), bold=True)


def _stage_title(stage: dict) -> str:
    order = _text(stage.get("order"))
    name = _text(stage.get("name")) or "Stage"
    return f"Stage {order}: {name}" if order else name


def _sign_offs(pdf: AppraisalPDF, sign_offs: list[dict], *, indent: float = 0) -> None:
    if not sign_offs:
        pdf.muted("No sign-offs yet.", indent=indent)
    for s in sign_offs:
        who = _text(s.get("name")) or "Name not recorded"
        role = _text(s.get("role_label")) or _text(s.get("role"))
        when = _moment(s.get("at"))
        line = (
            f"Signed by {who}" + (f" as {role}" if role else "") + (f" on {when}" if when else "")
        )
        pdf.paragraph(line, indent=indent)


def _stage(pdf: AppraisalPDF, stage: dict) -> None:
    signed = stage.get("signed") is True
    pdf.section(f"{_stage_title(stage)}: {SIGNED if signed else NOT_SIGNED}", space=60)
    meta = []
    due = _display_date(stage.get("due_on"))
    if due:
        meta.append(f"Due {due}")
    status = _text(stage.get("status_label"))
    if status:
        meta.append(f"Status: {status}")
    if stage.get("optional") is True:
        meta.append("Optional")
    if meta:
        pdf.muted(" | ".join(meta))

    questions = _dicts(stage.get("questions"))
    pdf.label("Questions and answers")
    if not questions:
        pdf.muted("No questions.")
    for question in questions:
        pdf.ln(1)
        pdf.keep_space(LINE * 3)
        pdf.paragraph(_text(question.get("text")) or "Question", bold=True)
        answers = _dicts(question.get("answers"))
        if not answers:
            pdf.muted("Nobody answers this question.", indent=5)
        for answer in answers:
            role = _text(answer.get("role_label")) or _text(answer.get("role"))
            pdf.keep_space(LINE * 2)
            pdf.paragraph(f"{role}:", size=9.5, bold=True, line=5, indent=5)
            text = _text(answer.get("text"))
            if text:
                pdf.paragraph(text, indent=5)
            else:
                pdf.muted(NOT_ANSWERED, indent=5)

    domains = _dicts(stage.get("domains"))
    frameworks = [_text(t) for t in _as_list(stage.get("frameworks")) if _text(t)]
    if domains or frameworks or stage.get("assesses_domains") is True:
        _assessed(pdf, domains, frameworks)

    pdf.label("Sign-off")
    _sign_offs(pdf, _dicts(stage.get("sign_offs")))

    amendments = _dicts(stage.get("amendments"))
    if amendments:
        pdf.label("Amendments after sign-off")
    for number, amendment in enumerate(amendments, start=1):
        _amendment(pdf, number, amendment)

    dissents = _dicts(stage.get("dissents"))
    if dissents:
        pdf.label("Dissent")
    for dissent in dissents:
        who = _text(dissent.get("author")) or "The appraisee"
        when = _moment(dissent.get("at"))
        pdf.keep_space(LINE * 3)
        pdf.paragraph(
            f"Dissent note by {who}" + (f" on {when}" if when else "") + ":",
            size=9.5,
            bold=True,
            line=5,
        )
        pdf.paragraph(_text(dissent.get("text")) or NOT_RECORDED, indent=5)
    pdf.ln(6)


def _assessed(pdf: AppraisalPDF, domains: list[dict], frameworks: list[str]) -> None:
    """The self-assessment and judgements, under a heading per framework (the PCF domains, a
    post-qualifying framework's standards); a record from before frameworks were named reads
    as "Domains", as it always did."""
    if not frameworks and not any(_text(d.get("framework")) for d in domains):
        pdf.label("Domains: self-assessment and judgement")
        if not domains:
            pdf.muted("No domains assessed yet.")
        for domain in domains:
            _domain(pdf, domain)
        return
    pdf.label("Self-assessment and judgement")
    titles = list(frameworks)
    for domain in domains:
        if (title := _text(domain.get("framework"))) and title not in titles:
            titles.append(title)
    for title in titles:
        mine = [d for d in domains if _text(d.get("framework")) == title]
        pdf.ln(1)
        pdf.keep_space(LINE * 4)
        pdf.paragraph(title, size=11, bold=True, line=6)
        if not mine:
            pdf.muted("Nothing assessed yet.")
        for domain in mine:
            _domain(pdf, domain)
    for domain in domains:
        if not _text(domain.get("framework")):
            _domain(pdf, domain)


def _domain(pdf: AppraisalPDF, domain: dict) -> None:
    pdf.ln(1)
    pdf.keep_space(LINE * 5)
    name = _text(domain.get("domain")) or _text(domain.get("code")) or "Domain"
    pdf.paragraph(name, bold=True)
    self_rating = _text(domain.get("self_rating_label")) or "Not rated"
    pdf.paragraph(f"Self-assessment: {self_rating}", indent=5)
    if _text(domain.get("self_comment")):
        pdf.paragraph(domain.get("self_comment"), indent=10)
    evidence = [_text(t) for t in _as_list(domain.get("evidence")) if _text(t)]
    if evidence:
        pdf.paragraph(f"Evidence: {'; '.join(evidence)}", indent=10)
    judges = _as_list(domain.get("judging_roles")) or [Participant.APPRAISER]
    sides = [("judgement", "judged_by", "Judgement")]
    if Participant.ASSESSOR in judges:
        sides = [("assessor", "assessed_by", "Assessor's judgement")]
        if Participant.APPRAISER in judges:
            sides.insert(0, ("judgement", "judged_by", "Appraiser's judgement"))
    for prefix, by_key, heading in sides:
        judgement = _text(domain.get(f"{prefix}_rating_label")) or "Not rated"
        by = _text(domain.get(by_key))
        pdf.paragraph(f"{heading}: {judgement}" + (f" ({by})" if by else ""), indent=5)
        if _text(domain.get(f"{prefix}_comment")):
            pdf.paragraph(domain.get(f"{prefix}_comment"), indent=10)


def _amendment(pdf: AppraisalPDF, number: int, amendment: dict) -> None:
    pdf.ln(1)
    pdf.keep_space(LINE * 6)
    role = _text(amendment.get("role_label")) or _text(amendment.get("role"))
    who = _text(amendment.get("made_by")) or "Name not recorded"
    when = _moment(amendment.get("made_at"))
    pdf.paragraph(
        f"Amendment {number}: {role} answer to “{_text(amendment.get('question'))}”",
        bold=True,
    )
    pdf.paragraph(f"Made by {who}" + (f" on {when}" if when else ""), indent=5)
    pdf.paragraph(f"Reason: {_text(amendment.get('reason')) or NOT_RECORDED}", indent=5)
    pdf.paragraph("Before:", size=9.5, bold=True, line=5, indent=5)
    before = _text(amendment.get("before"))
    if before:
        pdf.paragraph(before, indent=10)
    else:
        pdf.muted("(no answer)", indent=10)
    pdf.paragraph("After:", size=9.5, bold=True, line=5, indent=5)
    pdf.paragraph(_text(amendment.get("after")) or "(no answer)", indent=10)
    if amendment.get("signed_at"):
        pdf.paragraph(f"Amendment signed off on {_moment(amendment.get('signed_at'))}", indent=5)
    else:
        pdf.paragraph("Amendment not yet signed off by everyone", bold=True, indent=5)
    _sign_offs(pdf, _dicts(amendment.get("sign_offs")), indent=5)


def _reassignments(pdf: AppraisalPDF, changes: list[dict]) -> None:
    """The changes of participant, as on the appraisal page."""
    pdf.section("Changes of participant", space=30)
    for change in changes:
        pdf.keep_space(LINE * 2)
        who = _text(change.get("to")) or NOT_RECORDED
        role = _text(change.get("role_label")) or _text(change.get("role"))
        before = _text(change.get("from"))
        by = _text(change.get("made_by"))
        pdf.paragraph(
            f"{_display_date(change.get('made_at'))}: {who} became the {role}"
            + (f" in place of {before}" if before else "")
            + (f" (reassigned by {by})." if by else ".")
        )
        if _text(change.get("reason")):
            pdf.muted(f"Reason: {_text(change.get('reason'))}", indent=5)


def _objectives(pdf: AppraisalPDF, objectives: list[dict]) -> None:
    pdf.section("Objectives", space=40)
    if not objectives:
        pdf.muted("No objectives recorded.")
    for number, objective in enumerate(objectives, start=1):
        pdf.ln(1)
        pdf.keep_space(LINE * 3)
        pdf.paragraph(f"{number}. {_text(objective.get('text')) or NOT_RECORDED}", bold=True)
        meta = [_text(objective.get("status_label")) or _text(objective.get("status"))]
        review = _display_date(objective.get("review_on"))
        if review:
            meta.append(f"review by {review}")
        pdf.muted(", ".join(p for p in meta if p), indent=5)
        statements = _dicts(objective.get("statements"))
        for statement in statements:
            code = _text(statement.get("code")) or "Statement"
            text = _text(statement.get("statement"))
            pdf.paragraph(f"{code}: {text}" if text else code, indent=5)


def _asye(pdf: AppraisalPDF, asye: dict) -> None:
    pdf.section("ASYE evidence and recommendation", space=60)
    pdf.label("Evidence slots")
    for slot in _dicts(asye.get("slots")):
        label = _text(slot.get("label")) or _text(slot.get("slot"))
        filled = [_text(t) for t in _as_list(slot.get("filled")) if _text(t)]
        needed = slot.get("needed")
        missing = slot.get("missing")
        pdf.keep_space(LINE * 2)
        pdf.paragraph(f"{label}: {len(filled)} of {needed} filled, {missing} missing")
        for title in filled:
            pdf.bullet(title)
    pdf.label("Recommendation")
    recommendation = _text(asye.get("recommendation_label")) or _text(asye.get("recommendation"))
    if recommendation:
        who = _text(asye.get("recommendation_by"))
        when = _moment(asye.get("recommendation_at"))
        pdf.paragraph(
            recommendation + (f", by {who}" if who else "") + (f" on {when}" if when else "")
        )
    else:
        pdf.muted("No recommendation recorded yet.")
    pdf.label("Moderation panel decision")
    decision = _text(asye.get("panel_decision_label")) or _text(asye.get("panel_decision"))
    if decision:
        who = _text(asye.get("panel_confirmed_by"))
        when = _moment(asye.get("panel_confirmed_at"))
        pdf.paragraph(
            decision + (f", recorded by {who}" if who else "") + (f" on {when}" if when else "")
        )
    else:
        pdf.muted("Not yet decided by the panel.")


def render_appraisal_pdf(data: dict, *, compress: bool = True) -> bytes:
    """Render `appraisal_data()` output as PDF bytes; nothing is read from the database.

    ``compress=False`` leaves page content streams uncompressed, so tests can search them."""
    if not isinstance(data, dict):
        raise TypeError("render_appraisal_pdf expects the dict appraisal_data() returns")
    appraisee = _text(data.get("appraisee"))
    title = _text(data.get("template")) or "Appraisal"
    if data.get("scope") == SIGNED_SCOPE:
        title = f"{SIGNED_TITLE}: {title}"
    stages = _dicts(data.get("stages"))

    # Looked up on the module at call time, so tests can force the Helvetica path there.
    pdf = AppraisalPDF(appraisee, title, portfolio_pdf.find_unicode_font())
    pdf.set_compression(compress)
    pdf.set_lang("en-GB")
    metadata = TextCleaner(lambda ch: True)
    pdf.set_title(metadata(f"{title} \u2013 {appraisee}" if appraisee else title))
    pdf.set_author(metadata(appraisee))
    pdf.set_creator("Capable")
    pdf.set_subject("Appraisal record")

    signed_only = data.get("scope") == SIGNED_SCOPE
    _cover(pdf, data, stages)
    pdf.add_page()
    changes = _dicts(data.get("reassignments"))
    if changes and not signed_only:
        _reassignments(pdf, changes)
    for stage in stages:
        _stage(pdf, stage)
    if not signed_only:
        _objectives(pdf, _dicts(data.get("objectives")))
    asye = data.get("asye")
    if isinstance(asye, dict):
        _asye(pdf, _as_dict(asye))
    return bytes(pdf.output())
