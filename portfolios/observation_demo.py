"""Demo direct observations, made through the services (so the access rule is the real one): Pat,
Sol's practice educator, observed Sol twice on their placement (both signed and reflected on, one
judged against statements of the first placement level); Pat, Alex's ASYE assessor, observed Alex
once, which fills the ASYE's "Direct observation of practice" slot. Sol's programme asks for two
observations on each placement. Generated words naming nobody. Safe to run again: a learner with
observations is left alone."""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.demo import DEMO_DOMAIN
from accounts.models import User

from . import observations
from .observation_forms import statements_for
from .observation_models import Observation, Rating
from .observation_rules import bases_for

SOL_OBSERVATIONS = [
    {
        "days_ago": 24,
        "setting": "A planning meeting at the family centre",
        "observed": "The student opened the meeting by explaining its purpose in plain words and "
        "checked that everyone knew why they were there. They kept the discussion on the plan "
        "agreed last time and made sure the parent's view was asked for before the professionals "
        "gave theirs. They summarised the actions at the end and checked who would do what.",
        "to_develop": "Say more about the reasons behind each action, so the family can see how "
        "the plan links to what worries the professionals. Practise holding a pause when the "
        "parent is thinking, rather than filling it.",
        "reflection": "I had not noticed how quickly I fill silences. Hearing it from my practice "
        "educator made me think about whose pace the meeting was going at. In the next meeting I "
        "will ask one open question and wait, and I will link each action to the reason for it.",
        "judge": [Rating.SHOWN, Rating.DEVELOPING],
    },
    {
        "days_ago": 8,
        "setting": "A home visit with a parent",
        "observed": "The student explained the reason for the visit and what would happen to "
        "the information shared. They listened carefully, reflected back what they heard and "
        "asked about the parent's own support network. They recorded the visit the same day.",
        "to_develop": "Bring the child's experience into the conversation more directly, and "
        "plan in supervision how to do so before the next visit.",
        "reflection": "I was focused on building trust with the parent and the child's daily "
        "life came up only briefly. Before the next visit I will plan in supervision two "
        "questions about the child's day, and write down what I learn from them.",
        "judge": [],
    },
]

ALEX_OBSERVATION = {
    "days_ago": 15,
    "setting": "A review meeting for a child in care",
    "observed": "The practitioner prepared well, with a clear agenda shared in advance. They "
    "made sure the young person's views, gathered beforehand, were heard first, and they "
    "challenged respectfully when a plan was proposed without an agreed timescale.",
    "to_develop": "Write the analysis in the review record as clearly as it was spoken in the "
    "meeting, separating what is known from what is thought.",
    "reflection": "The challenge about timescales felt uncomfortable at the time, and the "
    "observation helped me see it was the right thing to do. I will use the same structure in "
    "my written analysis and ask my assessor to read my next review record.",
}


def demo_texts() -> list[str]:
    texts = []
    for o in (*SOL_OBSERVATIONS, ALEX_OBSERVATION):
        texts += [o["setting"], o["observed"], o["to_develop"], o["reflection"]]
    return texts


def _person(local: str) -> User | None:
    return User.objects.filter(email=f"{local}@{DEMO_DOMAIN}").first()


def _observe(observer, basis, spec, today, *, judge=()) -> Observation:
    statements = list(statements_for(basis))[: len(judge)]
    observation = observations.create_observation(
        observer=observer,
        basis_key=basis.key,
        observed_on=today - datetime.timedelta(days=spec["days_ago"]),
        setting=spec["setting"],
        observed=spec["observed"],
        to_develop=spec["to_develop"],
        judgements=list(zip(statements, judge, strict=False)),
    )
    observations.reflect_and_sign(
        observation=observation, learner=basis.learner, reflection=spec["reflection"]
    )
    day = today - datetime.timedelta(days=spec["days_ago"])
    signed = timezone.make_aware(datetime.datetime.combine(day, datetime.time(16)))
    Observation.objects.filter(pk=observation.pk).update(
        observer_signed_at=signed, learner_signed_at=signed + datetime.timedelta(days=2)
    )
    return observation


@transaction.atomic
def ensure_demo_observations(*, today: datetime.date | None = None) -> int:
    """Make the demo observations if the learners have none. Returns how many were made."""
    today = today or timezone.localdate()
    pat = _person("pat.educator")
    if pat is None:
        return 0
    made = 0
    bases = bases_for(pat)
    for local, kind in (("sol.student", "placement-"), ("alex.asye", "asye-")):
        basis = next(
            (
                b
                for b in bases
                if b.learner.email.startswith(f"{local}@") and b.key.startswith(kind)
            ),
            None,
        )
        if basis is None or Observation.objects.filter(learner=basis.learner).exists():
            continue
        if kind == "placement-":
            programme = basis.placement.cohort.programme
            if not programme.observations_required:
                programme.observations_required = 2
                programme.save(update_fields=["observations_required"])
            for spec in SOL_OBSERVATIONS:
                _observe(pat, basis, spec, today, judge=spec["judge"])
                made += 1
        else:
            _observe(pat, basis, ALEX_OBSERVATION, today)
            made += 1
    return made
