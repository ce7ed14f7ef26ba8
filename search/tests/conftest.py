import datetime

import pytest

from accounts.factories import UserFactory, give_mfa
from appraisals import services as appraisal_services
from appraisals.factories import team_with_people, two_stage_template
from organisations.factories import MembershipFactory
from organisations.models import Role
from placements.factories import PlacementFactory
from portfolios.factories import CommentFactory, EntryFactory, PortfolioFactory, ShareFactory
from portfolios.models import Observation
from supervision.models import SupervisionRecord

WORD = "zephyrine"


@pytest.fixture
def world(db):
    """One organisation's people and one record of every searchable type, each holding WORD,
    read by different people."""
    team, practitioner, manager, psw = team_with_people()
    org = team.organisation
    reader, stranger = give_mfa(UserFactory()), UserFactory()
    portfolio = PortfolioFactory(owner=practitioner)
    entry = EntryFactory(portfolio=portfolio, title=f"Reflection on {WORD} visits")
    flagged = EntryFactory(
        portfolio=portfolio, description=f"Met {WORD} at home", needs_review=True
    )
    strangers_entry = EntryFactory(
        portfolio=PortfolioFactory(owner=stranger), learning=f"{WORD} course"
    )
    share = ShareFactory(portfolio=portfolio, reader=reader)
    comment = CommentFactory(entry=entry, author=reader, body=f"Good use of {WORD} here")
    appraisal = appraisal_services.start_cycle(
        template=two_stage_template(org, name=f"Annual {WORD} review"),
        appraisee=practitioner,
        starts_on=datetime.date(2026, 1, 5),
        started_by=manager,
    )
    stage = appraisal.stages.get(order=1)
    question = stage.template_stage.questions.get()
    appraisal_services.save_answer(
        stage=stage,
        question=question,
        user=practitioner,
        role="appraisee",
        text=f"Learn {WORD} methods",
    )
    answer = stage.answers.get()
    record = SupervisionRecord.objects.create(
        organisation=org,
        team=team,
        supervisee=practitioner,
        supervisor=manager,
        held_on=datetime.date(2026, 2, 3),
        minutes=60,
        cases_held=3,
        agreed_actions=f"Read the {WORD} guidance",
    )
    observation = Observation.objects.create(
        learner=practitioner,
        observer=manager,
        observer_role="line-manager",
        observed_on=datetime.date(2026, 2, 4),
        setting="A family home",
        observed=f"Clear {WORD} explanation",
        to_develop="Pace",
    )
    placement = PlacementFactory(final_report=f"Strong {WORD} practice")
    return {
        "org": org,
        "practitioner": practitioner,
        "manager": manager,
        "psw": psw,
        "reader": reader,
        "stranger": stranger,
        "entry": entry,
        "flagged": flagged,
        "strangers_entry": strangers_entry,
        "share": share,
        "comment": comment,
        "appraisal": appraisal,
        "answer": answer,
        "record": record,
        "observation": observation,
        "placement": placement,
    }


def staff(role, organisation, **extra):
    user = MembershipFactory(role=role, organisation=organisation, **extra).user
    give_mfa(user)
    return user


__all__ = ["WORD", "Role", "staff"]
