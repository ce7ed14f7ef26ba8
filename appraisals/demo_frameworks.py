"""Demo data for what appraisals judge beyond the PCF domains (issue 14): the words of Morgan
Hale's appraisal against the practice supervisor standards, the comments on standards, and the
helpers that rate a stage's standards. Used by `appraisals.demo`; invented, never real."""

from capabilities.models import Item

from . import frameworks, services
from .models import Participant

APPRAISEE, APPRAISER, ASSESSOR = Participant.APPRAISEE, Participant.APPRAISER, Participant.ASSESSOR

MORGAN_ANSWERS = {
    "Objective setting": [
        {
            APPRAISEE: "I want supervision in the team to be more reflective and less about "
            "checking tasks, and to get better at spotting drift in plans early.",
            APPRAISER: "Agreed: both matter more now the team has two newly qualified workers.",
        },
        {
            APPRAISEE: "Mostly the supervisor standards on developing practitioners and on "
            "overseeing decisions. Progress would show in supervision notes, a short survey of "
            "the team, and fewer plans reviewed late.",
            APPRAISER: "Add the standard on shaping the wider system: the team's feedback on "
            "the new referral process should reach the service.",
        },
        {
            APPRAISER: "A place on the reflective supervision course, and a monthly meeting "
            "with the other team managers to compare how they keep oversight.",
        },
    ],
    "Mid-year review": [
        {
            APPRAISEE: "Supervision now starts with the worker's own reflection before the "
            "case list. The team say it feels less like an audit.",
            APPRAISER: "Good progress: the supervision notes read differently now.",
        },
        {
            APPRAISEE: "Finding time for group supervision when duty weeks are busy.",
        },
        {
            APPRAISEE: "Yes. Keep both.",
            APPRAISER: "Keep both, and add one group session a month.",
        },
    ],
    "End-of-year review": [
        {
            APPRAISEE: "Plans are reviewed on time more often, and two workers said "
            "supervision helped them think a decision through rather than be told the answer.",
        },
    ],
}

# Comments on a standard (post-qualifying standards), by rating, from each side.
STANDARD_COMMENTS = {
    APPRAISEE: [
        "Not yet: I need to build this into how I work.",
        "Starting to: I can point to a few examples from the last months.",
        "Yes, most of the time, and I can say how.",
        "Consistently, and others in the team learn from it.",
    ],
    APPRAISER: [
        "Not yet seen: a focus for next year.",
        "Seen in part; more consistency needed.",
        "Seen regularly in supervision and team meetings.",
        "A real strength, used beyond the team.",
    ],
    ASSESSOR: [
        "Not yet shown: we will plan work that gives a chance to show it.",
        "Beginning to show in the work seen so far.",
        "Shown at the level expected at this point of the year.",
        "Shown beyond what is expected at this point of the year.",
    ],
}
# Alex's self-ratings and Pat's view of each practitioner standard at the learning agreement.
ALEX_STANDARD_RATINGS = [(1, 1), (2, 1), (1, 2), (2, 2)]
# Morgan rated the first five supervisor standards; the appraiser has judged the first two.
MORGAN_SELF_RATINGS = [2, 1, 2, 2, 1]
MORGAN_JUDGEMENTS = [2, 2]


def standards_at(stage) -> list[Item]:
    """The standards (not the PCF domains) assessed at `stage`."""
    return [
        item
        for group in frameworks.assessed_at(stage)
        if not group.framework.is_pcf
        for item in group.items
    ]


def rate_items(stage, appraisal, role, items, ratings, comments) -> None:
    for n, item in enumerate(items):
        rating = ratings[n % len(ratings)]
        services.assess_domain(
            stage=stage,
            user=appraisal.participants()[role],
            role=role,
            domain=item,
            rating=rating,
            comment=comments[role][rating],
        )
