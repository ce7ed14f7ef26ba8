"""What the demo placements are made of (`demo`): the plans of the placements, in every state,
and the words written on them. Invented, never real, and naming no child or family."""

from __future__ import annotations

import dataclasses

from .models import AuditParty, Placement, PlacementKind, SettingType

UNIT_CAPACITY = 4

# Sol Varga's placement in progress (`Plan.showcase`): invented, naming nobody.
SHOWCASE_WORKLOAD = (
    "Shadowing on duty for the first fortnight, then two families of her own, rising to four "
    "by the midpoint, with joint visits until the educator agrees she is ready to visit alone."
)
SHOWCASE_NEEDS = "Writing assessments that say what the evidence shows, and why it matters."
SHOWCASE_ON_TRACK = "Working as expected for this stage, with examples from supervision."
SHOWCASE_BEHIND = "Case recording is often days late; the thinking is there but not yet written."
SHOWCASE_CONCERN = (
    "Case recording has fallen behind: notes of visits are often written several days later, "
    "which the team relies on. Raised at the midpoint review."
)
SHOWCASE_ACTIONS = [
    (14, "Protected hour after each visit to write it up, agreed with the team manager."),
    (28, "Tutor and educator review a sample of recent notes together with the student."),
]
SHOWCASE_STUDENT_CONCERN = (
    "On duty days there is rarely a desk free, so I write up in the car. I would like the "
    "university to raise it with the team."
)

# Generated students: (local part of the email, first name, last name, university).
GENERATED_STUDENTS = [
    ("ari.student", "Ari", "Fenwick", "uni-northshire"),
    ("bex.student", "Bex", "Orman", "uni-northshire"),
    ("cai.student", "Cai", "Treharne", "uni-northshire"),
    ("dev.student", "Dev", "Lunan", "uni-northshire"),
    ("eve.student", "Eve", "Pardoe", "uni-northshire"),
    ("fin.student", "Fin", "Gallard", "uni-northshire"),
    ("gem.student", "Gem", "Ashdown", "uni-northshire"),
    ("hugo.student", "Hugo", "Revel", "uni-northshire"),
    ("ivo.student", "Ivo", "Carrick", "uni-northshire"),
    ("jay.student", "Jay", "Moorcroft", "southvale-university"),
    ("kai.student", "Kai", "Brantwood", "southvale-university"),
]

PROGRAMMES = {
    "uni-northshire": ("BA (Hons) Social Work", ["2023 intake", "2024 intake"]),
    "southvale-university": ("MA Social Work", ["2025 intake"]),
}

# Audit stages a placement's audit reaches in the demo.
OPEN_NONE = "open-none"  # open, no part submitted yet
OPEN_SOME = "open-some"  # open, some parts submitted
SUBMITTED = "submitted"  # every part in, waiting for moderation
MODERATED = "moderated"  # moderated, with actions


@dataclasses.dataclass(frozen=True)
class Plan:
    """One demo placement: who, where, when (days from today) and how far it has gone."""

    student: str
    cohort: tuple[str, str]  # (university slug, cohort name)
    provider: str
    team: str
    kind: str
    starts: int
    length: int
    state: str
    educator: str = "pat.educator"
    onsite: str | None = None
    co_assessor: str | None = None
    in_unit: bool = False
    audit: str | None = None
    # Which ratings pattern and comments the student's part of the audit uses.
    tone: int = 0
    # In progress with the whole record: checks, a signed learning agreement, a midpoint
    # review with a cause for concern and its action plan, and a concern about the placement.
    showcase: bool = False


PLANS = [
    # Northshire: final placements last year, both in the Student unit.
    Plan(
        "ari.student",
        ("uni-northshire", "2023 intake"),
        "northshire",
        "Student unit",
        PlacementKind.FINAL,
        -330,
        140,
        Placement.Status.COMPLETED,
        in_unit=True,
        audit=MODERATED,
        tone=0,
    ),
    Plan(
        "bex.student",
        ("uni-northshire", "2023 intake"),
        "northshire",
        "Student unit",
        PlacementKind.FINAL,
        -330,
        140,
        Placement.Status.COMPLETED,
        in_unit=True,
        audit=SUBMITTED,
        tone=1,
    ),
    Plan(
        "cai.student",
        ("uni-northshire", "2024 intake"),
        "northshire",
        "Assessment and intervention",
        PlacementKind.FIRST,
        -300,
        98,
        Placement.Status.COMPLETED,
        audit=MODERATED,
        tone=2,
    ),
    Plan(
        "fin.student",
        ("uni-northshire", "2024 intake"),
        "northshire",
        "Assessment and intervention",
        PlacementKind.FIRST,
        -250,
        98,
        Placement.Status.ENDED_EARLY,
        audit=OPEN_SOME,
        tone=3,
    ),
    Plan(
        "dev.student",
        ("uni-northshire", "2024 intake"),
        "northshire",
        "Children in care",
        PlacementKind.FIRST,
        -200,
        98,
        Placement.Status.COMPLETED,
        audit=OPEN_NONE,
        tone=4,
    ),
    Plan(
        "eve.student",
        ("uni-northshire", "2024 intake"),
        "northshire",
        "Student unit",
        PlacementKind.FIRST,
        -200,
        98,
        Placement.Status.COMPLETED,
        in_unit=True,
        audit=SUBMITTED,
        tone=5,
    ),
    Plan(
        "kai.student",
        ("southvale-university", "2025 intake"),
        "northshire",
        "Assessment and intervention",
        PlacementKind.FIRST,
        -150,
        98,
        Placement.Status.COMPLETED,
        audit=SUBMITTED,
        tone=6,
    ),
    # Northshire now and next.
    Plan(
        "sol.student",
        ("uni-northshire", "2024 intake"),
        "northshire",
        "Student unit",
        PlacementKind.FIRST,
        -40,
        98,
        Placement.Status.IN_PROGRESS,
        in_unit=True,
        showcase=True,
    ),
    Plan(
        "mia.student",
        ("southvale-university", "2025 intake"),
        "northshire",
        "Children in care",
        PlacementKind.FIRST,
        14,
        98,
        Placement.Status.AGREED,
    ),
    Plan(
        "jay.student",
        ("southvale-university", "2025 intake"),
        "northshire",
        "Student unit",
        PlacementKind.FIRST,
        60,
        98,
        Placement.Status.PROPOSED,
        in_unit=True,
    ),
    # Southvale: Pat Lindqvist educates from outside, Ravi Sandhu supervises on site. Southvale's
    # placement lead agreed the placement but has not sent the provider's part of the audit.
    Plan(
        "gem.student",
        ("uni-northshire", "2023 intake"),
        "southvale",
        "Family help",
        PlacementKind.FINAL,
        -300,
        140,
        Placement.Status.COMPLETED,
        onsite="ravi.practitioner",
        audit=OPEN_SOME,
        tone=7,
    ),
    # Brightpath: Noor Haddad (PEPS stage 1) with Oli Mensah on site; on a final placement Pat
    # Lindqvist (stage 2) co-assesses.
    Plan(
        "hugo.student",
        ("uni-northshire", "2024 intake"),
        "brightpath",
        "Family centre",
        PlacementKind.FIRST,
        -30,
        98,
        Placement.Status.IN_PROGRESS,
        educator="noor.educator",
        onsite="oli.supervisor",
    ),
    Plan(
        "ivo.student",
        ("uni-northshire", "2023 intake"),
        "brightpath",
        "Family centre",
        PlacementKind.FINAL,
        30,
        140,
        Placement.Status.AGREED,
        educator="noor.educator",
        onsite="oli.supervisor",
        co_assessor="pat.educator",
    ),
]

TUTORS = {"uni-northshire": "tara.tutor", "southvale-university": "gil.tutor"}
# Who proposes and agrees: the HEI's placement lead where it has one, else the provider's.
LEADS = {"uni-northshire": "hal.placements", "northshire": "lee.placements"}
# The kind of setting each demo provider offers.
SETTING_TYPES = {
    "northshire": SettingType.LA_CHILDREN,
    "southvale": SettingType.LA_CHILDREN,
    "brightpath": SettingType.VOLUNTARY,
}
# Placement leads who agree placements for their side (and take no part in the audits).
AGREEING_LEADS = {
    **LEADS,
    "southvale-university": "una.placements",
    "southvale": "wyn.placements",
    "brightpath": "bo.placements",
}

FINAL_REPORT = (
    "The student built trusting working relationships quickly and used supervision well to "
    "reflect on their decisions. Their written assessments grew clearer over the placement, "
    "with analysis that linked what they saw to research and to the PCF. They are ready for the "
    "next stage of their training."
)

# Evidence for the final reports' judgements by domain (cycled through the domains).
FINAL_EVIDENCE = [
    "Seen in direct observations and in supervision notes: consistent across the placement.",
    "Assessments written during the placement show it; feedback from a parent agrees.",
    "Discussed in supervision with examples from joint visits; the team manager agrees.",
]
# The student whose completed placement had a cause for concern, which the panel reads.
PANEL_SHOWCASE = "dev.student"
PANEL_CONCERN = "Visits were not always written up on the day; a plan was agreed and kept to."
PANEL_COMMENTS = (
    "The evidence on each domain is specific and the concern raised was followed through. "
    "The panel agrees with the pass."
)
# The HEI people who set up each programme's panel, and sit on it with the tutor.
PANEL_LEADS = {"uni-northshire": "hal.placements", "southvale-university": "una.placements"}
# The panel that still has a report to decide (the HEI's decision waits for it).
PANEL_WAITING = "southvale-university"

# Days in the demo: a placement ended early had this many confirmed; one in progress has
# DAYS_LOGGED logged by the student, of which the first DAYS_CONFIRMED are confirmed.
ENDED_EARLY_DAYS = 24
DAYS_LOGGED = 12
DAYS_CONFIRMED = 9

ENDED_REASON = (
    "The team was reorganised part way through and could no longer offer the learning "
    "opportunities agreed in the learning agreement. The student is continuing in another "
    "setting arranged by the university."
)

# Students' comments by section title, in several voices (picked by the plan's tone).
STUDENT_COMMENTS = {
    "Induction": [
        "The first week was well planned: I had a timetable, a desk and someone to ask.",
        "Induction took a while to get going because my system access came late.",
        "A short welcome pack from the team made the first days much less daunting.",
        "I would have liked to meet the wider team earlier than the third week.",
    ],
    "Learning opportunities": [
        "I led visits with support from early on and took on more as the weeks went by.",
        "There was a good range of work, including joint work with health colleagues.",
        "Shadowing other professions gave me a much better picture of multi-agency work.",
        "Some weeks were quiet and I spent more time reading than I expected.",
    ],
    "Supervision": [
        "Supervision was reliable and always linked my practice back to theory.",
        "My practice educator gave honest feedback that helped me improve my recording.",
        "Supervision was moved a few times when the team was busy, but always rearranged.",
        "Group supervision with the other students in the unit was a real strength.",
    ],
    "Workload": [
        "The workload built up gradually and was right for my stage.",
        "Study time was protected every week, which helped with my portfolio.",
        "There were a couple of weeks where I felt stretched, but it was talked through.",
        "I always knew which decisions sat with a qualified worker.",
    ],
}
COMMENT_CYCLE = 7
STUDENT_RATING_PATTERNS = [
    [3, 2, 3, 2],
    [2, 2, 2, 3],
    [2, 1, 2, 2],
    [1, 2, 1, 2],
    [3, 3, 2, 2],
    [2, 3, 3, 2],
    [2, 2, 1, 3],
    [3, 2, 2, 2],
]
OTHER_COMMENTS = {
    AuditParty.EDUCATOR: "The student used supervision well and the team made them welcome.",
    AuditParty.PROVIDER: "Induction and access to systems were ready before the first day.",
    AuditParty.TUTOR: "Meetings happened on time and concerns were raised early.",
}
MODERATION_NOTES = (
    "All four parts read together. The student's experience of supervision and learning was "
    "good; the parts agree that access to systems at the start needs to be quicker."
)
ACTIONS = [
    ("Have system access and a device ready before each student's first day.", 21),
    ("Add a meeting with the wider team to the first week of the induction timetable.", 45),
]
