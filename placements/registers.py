"""The registers a local practice learning board keeps: practice educators, placements and audit
results. Each is a list of rows for a page table and a CSV download.

Who may read them: placement leads (of an HEI or of a provider) and the people of an awarding
body. Each register holds exactly what its reader may see:

* a provider's placement lead: the placements at their organisation, and the practice educators
  who are members of it;
* an HEI's placement lead: the placements of their HEI's programmes, and any practice educators
  who are members of the HEI;
* an awarding body's people: the placements at, and the practice educators of, organisations
  that hold (or have applied for) a designation from that awarding body.

Audit results show each placement's non-student sections as they are. Students' sections are
never shown for one placement: only aggregated per provider and academic year, and suppressed
below :data:`SUPPRESSION_THRESHOLD` students.

Registers are operational lists: downloading one is not logged per person. A CSV download is
streamed (`csv_chunks`): the placements register, which grows with a region, is read from the
database a chunk at a time while it is sent, never held whole.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date

from django.db.models import Count, F, Q
from django.utils import timezone

from appraisals.workforce import SUPPRESSION_THRESHOLD, is_small
from organisations.models import Membership, Organisation, Role

from .educators import NOT_RECORDED, STATUS_LABELS, currencies_of
from .models import Audit, AuditPart, AuditParty, Designation, Placement
from .quality import Tally, academic_year_of, current_placements, section_catalogue
from .rules import awarding_bodies_of, placement_lead_organisations

PRACTICE_EDUCATORS = "practice-educators"
PLACEMENTS = "placements"
AUDITS = "audits"
REGISTERS = (PRACTICE_EDUCATORS, PLACEMENTS, AUDITS)

TITLES = {
    PRACTICE_EDUCATORS: "Practice educators",
    PLACEMENTS: "Placements",
    AUDITS: "Audit results",
}

SUPPRESSED = f"fewer than {SUPPRESSION_THRESHOLD} responses"
PLACEMENT_ROW = "Placement"
PROVIDER_ROW = "Provider, students' sections"

#: Placements read per query (or server-side cursor fetch) while the placements CSV streams.
STREAM_ROWS = 500
#: About how many characters of CSV are sent at once.
STREAM_CHARS = 64 * 1024

# Spreadsheet programs run a cell starting with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclasses.dataclass
class Register:
    slug: str
    title: str
    columns: list[str]
    # A list, or (a streamed download's) an iterator read once.
    rows: list[list] | Iterable[list]

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def filename(self) -> str:
        return f"capable-{self.slug}-register-{timezone.localdate().isoformat()}.csv"


# ---------------------------------------------------------------------------------------------
# Who may read registers, and what


def designated_organisations(user):
    """Organisations that hold, or have applied for, a designation from an awarding body the user
    belongs to (a draft is not an application yet)."""
    return Organisation.objects.filter(
        pk__in=Designation.objects.filter(awarding_body__in=awarding_bodies_of(user))
        .exclude(status=Designation.Status.DRAFT)
        .values("organisation")
    )


def can_read_registers(user) -> bool:
    if not user.is_authenticated:
        return False
    return placement_lead_organisations(user).exists() or awarding_bodies_of(user).exists()


def register_placements(user):
    """The placements the user's registers hold."""
    if not user.is_authenticated:
        return Placement.objects.none()
    leads = placement_lead_organisations(user)
    return Placement.objects.filter(
        Q(provider_team__organisation__in=leads)
        | Q(cohort__programme__hei__in=leads)
        | Q(provider_team__organisation__in=designated_organisations(user))
    )


def register_educators(user, *, today: date | None = None):
    """The active practice educator memberships in the organisations the user leads, or (for an
    awarding body) the organisations it designates."""
    if not user.is_authenticated:
        return Membership.objects.none()
    organisations = Organisation.objects.filter(
        Q(pk__in=placement_lead_organisations(user).values("pk"))
        | Q(pk__in=designated_organisations(user).values("pk"))
    )
    return (
        Membership.objects.active(today)
        .filter(role=Role.PRACTICE_EDUCATOR, organisation__in=organisations)
        .order_by("organisation__name", "user__last_name", "user__first_name", "pk")
    )


def counts(user, *, today: date | None = None) -> dict[str, int]:
    """How many people, placements and audited placements each register holds. Three queries."""
    placements = register_placements(user)
    return {
        PRACTICE_EDUCATORS: register_educators(user, today=today).count(),
        PLACEMENTS: placements.count(),
        AUDITS: Audit.objects.filter(placement__in=placements).count(),
    }


# ---------------------------------------------------------------------------------------------
# The three registers


def _name(first, last, email) -> str:
    """The full name (a register is a formal record), else the email's local part: never the
    address itself."""
    return f"{first} {last}".strip() or (email or "").split("@")[0]


def _educator_values(user, today):
    return register_educators(user, today=today).values(
        "user_id",
        "organisation_id",
        "peps_stage",
        "registration_number",
        "user__first_name",
        "user__last_name",
        "user__email",
        "organisation__name",
    )


def _currency_cells(currency) -> list[str]:
    """The currency under the default period (an educator may support several programmes, each
    with its own: the register of practice educators judges each programme's)."""
    if currency is None:
        return [STATUS_LABELS[NOT_RECORDED], ""]
    return [currency.label, currency.current_until.isoformat()]


def practice_educator_register(user, *, today: date | None = None, memberships=None) -> Register:
    """Name, organisation, PEPS stage, registration number, and how many students each is the
    practice educator of now (placements at that organisation, agreed or in progress, whose
    dates include today), and their PEPS currency (`educators`, over the default period);
    every practice educator, or only `memberships` (one page of `_educator_values`). Four
    queries."""
    today = today or timezone.localdate()
    if memberships is None:
        memberships = _educator_values(user, today)
    memberships = list(memberships)
    current = {
        (row["practice_educator_id"], row["organisation_id"]): row["n"]
        for row in current_placements(
            Placement.objects.filter(practice_educator__in={m["user_id"] for m in memberships}),
            today,
        )
        .values("practice_educator_id", organisation_id=F("provider_team__organisation_id"))
        .annotate(n=Count("pk"))
        .order_by()
    }
    stages = dict(Membership._meta.get_field("peps_stage").choices)
    currencies = currencies_of({m["user_id"] for m in memberships}, on=today)
    rows = [
        [
            _name(m["user__first_name"], m["user__last_name"], m["user__email"]),
            m["organisation__name"],
            stages.get(m["peps_stage"], ""),
            m["registration_number"],
            current.get((m["user_id"], m["organisation_id"]), 0),
            *_currency_cells(currencies.get(m["user_id"])),
        ]
        for m in memberships
    ]
    return Register(
        slug=PRACTICE_EDUCATORS,
        title=TITLES[PRACTICE_EDUCATORS],
        columns=[
            "Name",
            "Organisation",
            "PEPS stage",
            "Registration number",
            "Current students",
            "PEPS currency",
            "Current until",
        ],
        rows=rows,
    )


def _placements_in_order(user):
    return (
        register_placements(user)
        .select_related(
            "student",
            "cohort__programme__hei",
            "provider_team__organisation",
            "practice_educator",
            "hei_tutor",
        )
        .order_by("-starts_on", "provider_team__organisation__name", "pk")
    )


def _placement_row(p: Placement) -> list:
    return [
        str(p.student),
        p.cohort.programme.hei.name,
        p.cohort.programme.name,
        p.cohort.name,
        p.provider_team.organisation.name,
        p.provider_team.name,
        p.get_kind_display(),
        p.starts_on,
        p.ends_on,
        p.get_status_display(),
        str(p.practice_educator),
        str(p.hei_tutor),
    ]


def placement_register(user, *, placements=None, streamed: bool = False) -> Register:
    """Every placement the user may see, newest first (or only `placements`, one page of them).
    One query; `streamed`: its rows are an iterator that reads `STREAM_ROWS` placements at a
    time."""
    if placements is None:
        placements = _placements_in_order(user)
    if streamed:
        rows = (_placement_row(p) for p in placements.iterator(chunk_size=STREAM_ROWS))
    else:
        rows = [_placement_row(p) for p in placements]
    return Register(
        slug=PLACEMENTS,
        title=TITLES[PLACEMENTS],
        columns=[
            "Student",
            "HEI",
            "Programme",
            "Cohort",
            "Provider",
            "Team",
            "Kind",
            "Starts on",
            "Ends on",
            "Status",
            "Practice educator",
            "HEI tutor",
        ],
        rows=rows,
    )


def _mean(tally: Tally | None):
    if tally is None or not sum(tally.counts):
        return ""
    total = sum(tally.counts)
    return round(sum(n * c for n, c in enumerate(tally.counts, start=1)) / total, 1)


def audit_register(user) -> Register:
    """One row per audited placement the user may see (provider, team, academic year, dates,
    audit status and the mean rating of each section completed by someone other than the
    student), then one row per provider and academic year with the students' sections
    aggregated: the mean, or "fewer than 5 responses". Means are on the template's scale, 1 for
    its first point. Three queries."""
    placements = register_placements(user)
    audits = Audit.objects.filter(placement__in=placements)
    catalogue = section_catalogue(audits)
    audit_rows = list(
        audits.values(
            "pk",
            "status",
            provider_id=F("placement__provider_team__organisation_id"),
            provider=F("placement__provider_team__organisation__name"),
            team=F("placement__provider_team__name"),
            starts_on=F("placement__starts_on"),
            ends_on=F("placement__ends_on"),
        ).order_by("placement__provider_team__organisation__name", "-placement__starts_on", "pk")
    )
    parts = AuditPart.objects.filter(audit__in=audits, submitted_at__isnull=False).values(
        "pk",
        "audit_id",
        "party",
        "ratings",
        template_id=F("audit__template_id"),
        provider_id=F("audit__placement__provider_team__organisation_id"),
        starts_on=F("audit__placement__starts_on"),
        student_id=F("audit__placement__student_id"),
    )
    by_audit: dict[tuple, Tally] = {}
    by_provider: dict[tuple, Tally] = {}
    students: dict[tuple, set] = defaultdict(set)
    for part in parts:
        year = academic_year_of(part["starts_on"])
        if part["party"] == AuditParty.STUDENT:
            students[(part["provider_id"], year)].add(part["student_id"])
        for section_id, ratings in catalogue.section_ratings(part).items():
            size = len(catalogue.sections[section_id].scale)
            if part["party"] == AuditParty.STUDENT:
                key = (part["provider_id"], year, section_id)
                by_provider.setdefault(key, Tally(size)).add(part["student_id"], ratings)
            else:
                key = (part["audit_id"], section_id)
                by_audit.setdefault(key, Tally(size)).add(part["pk"], ratings)

    others = catalogue.ordered(student=False)
    student_sections = catalogue.ordered(student=True)
    titles = [s.title for s in catalogue.ordered()]

    def heading(section) -> str:
        title = section.title
        if titles.count(title) > 1:
            title = f"{title} ({section.template_name})"
        return f"{title} ({section.party_label}): mean"

    status_labels = dict(Audit.Status.choices)
    rows: list[list] = []
    for audit in audit_rows:
        rows.append(
            [
                PLACEMENT_ROW,
                audit["provider"],
                audit["team"],
                academic_year_of(audit["starts_on"]).label,
                audit["starts_on"],
                audit["ends_on"],
                status_labels.get(audit["status"], audit["status"]),
                "",
                *[_mean(by_audit.get((audit["pk"], s.pk))) for s in others],
                *["" for _ in student_sections],
            ]
        )
    providers = sorted(
        {(a["provider_id"], a["provider"], academic_year_of(a["starts_on"])) for a in audit_rows},
        key=lambda p: (p[1], -p[2].start, p[0]),
    )
    for provider_id, provider_name, year in providers:
        respondents = len(students.get((provider_id, year), ()))
        cells = []
        for section in student_sections:
            tally = by_provider.get((provider_id, year, section.pk))
            responses = len(tally.respondents) if tally else 0
            cells.append(SUPPRESSED if is_small(responses) else _mean(tally))
        rows.append(
            [
                PROVIDER_ROW,
                provider_name,
                "",
                year.label,
                "",
                "",
                "",
                SUPPRESSED if is_small(respondents) else respondents,
                *["" for _ in others],
                *cells,
            ]
        )
    return Register(
        slug=AUDITS,
        title=TITLES[AUDITS],
        columns=[
            "Row",
            "Provider",
            "Team",
            "Academic year",
            "Starts on",
            "Ends on",
            "Audit status",
            "Students responding",
            *[heading(s) for s in others],
            *[heading(s) for s in student_sections],
        ],
        rows=rows,
    )


def register_page(request, slug: str, *, per_page: int, count: int, today: date | None = None):
    """One page of a register for the registers page, and its `cms.paging.Paged`, or None for
    an unknown register. The practice educators and placements registers read only the page's
    rows (their sorts are on indexed columns); the audit results register is built whole (its
    student rows are aggregates over every audit) and sliced."""
    from cms.paging import paginate

    user = request.user
    if slug == PLACEMENTS:
        paged = paginate(request, _placements_in_order(user), per_page=per_page, count=count)
        return placement_register(user, placements=paged.rows), paged
    if slug == PRACTICE_EDUCATORS:
        educators = _educator_values(user, today or timezone.localdate())
        paged = paginate(request, educators, per_page=per_page, count=count)
        return practice_educator_register(user, today=today, memberships=paged.rows), paged
    if slug == AUDITS:
        register = audit_register(user)
        paged = paginate(request, register.rows, per_page=per_page)
        return dataclasses.replace(register, rows=list(paged.rows)), paged
    return None


def register_for(
    user, slug: str, *, today: date | None = None, streamed: bool = False
) -> Register | None:
    """The whole register `slug` for the user, or None for an unknown register; `streamed`: the
    placements register's rows are read while they are used (see `placement_register`)."""
    if slug == PRACTICE_EDUCATORS:
        return practice_educator_register(user, today=today)
    if slug == PLACEMENTS:
        return placement_register(user, streamed=streamed)
    if slug == AUDITS:
        return audit_register(user)
    return None


# ---------------------------------------------------------------------------------------------
# CSV


def safe_cell(value) -> str:
    """A cell as text that a spreadsheet will not run as a formula."""
    if value is None:
        return ""
    text = value.isoformat() if isinstance(value, date) else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def csv_chunks(register: Register) -> Iterator[str]:
    """The register as CSV, in pieces of about `STREAM_CHARS` characters, reading its rows as it
    goes (for a streamed download)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(c) for c in register.columns])
    for row in register.rows:
        writer.writerow([safe_cell(c) for c in row])
        if out.tell() >= STREAM_CHARS:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    if out.tell():
        yield out.getvalue()


def as_csv(register: Register) -> str:
    return "".join(csv_chunks(register))
