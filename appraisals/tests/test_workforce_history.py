"""The capability profile reads each person's latest judgement per domain only (issue 19): the
same figures as picking the latest from every signed judgement, and the rows it reads do not
grow with years of history."""

import datetime

import pytest
from django.utils import timezone

from appraisals import workforce, workforce_counts
from appraisals.factories import team_with_people, two_stage_template
from appraisals.models import Appraisal, DomainAssessment, JudgedBy, Stage
from appraisals.tests.test_workforce import TODAY, appraisal_for, judge, practitioner_in
from capabilities import crosswalk
from capabilities.models import Item
from organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def framework(pcf):
    domains = list(Item.objects.filter(version=pcf, kind=Item.Kind.DOMAIN).order_by("sort_order"))
    levels = list(Item.objects.filter(version=pcf, kind=Item.Kind.LEVEL).order_by("sort_order"))
    return domains, levels


@pytest.fixture
def org(db):
    organisation = OrganisationFactory()
    team, practitioner, manager, psw = team_with_people(organisation)
    return {
        "organisation": organisation,
        "team": team,
        "manager": manager,
        "template": two_stage_template(organisation),
    }


def every_judgement_latest(organisation) -> set[tuple]:
    """The figures as the profile read them before: every signed judgement in history, newest
    first, the first per person and domain kept."""
    rows = (
        DomainAssessment.objects.filter(
            stage__status=Stage.Status.SIGNED, stage__appraisal__organisation=organisation
        )
        .exclude(stage__appraisal__status=Appraisal.Status.CANCELLED)
        .select_related("stage__appraisal__template")
        .order_by("-stage__locked_at", "-stage__appraisal__starts_on", "-stage__order", "-pk")
    )
    latest = {}
    for row in rows:
        appraisal = row.stage.appraisal
        if appraisal.template.judged_by == JudgedBy.APPRAISER:
            rating = row.judgement_rating
        else:
            rating = (
                row.assessor_rating if row.assessor_rating is not None else row.judgement_rating
            )
        if rating is None:
            continue
        latest.setdefault(
            (appraisal.appraisee_id, row.domain_id),
            (appraisal.appraisee_id, row.domain_id, rating, appraisal.target_level_id),
        )
    return set(latest.values())


def figures(organisation) -> set[tuple]:
    return {
        (r["appraisee"], r["domain_id"], r["rating"], r["level_id"])
        for r in workforce.latest_judgements(organisation)
    }


def add_a_year(org, people, domains, levels, years_ago: int) -> None:
    """Each person appraised and judged once more, `years_ago` years back (ratings vary)."""
    for n, person in enumerate(people):
        appraisal = appraisal_for(
            org["template"],
            person,
            org["manager"],
            team=org["team"],
            level=levels[(n + years_ago) % 2],
            starts_on=TODAY - datetime.timedelta(days=365 * years_ago + 30),
            status=Appraisal.Status.COMPLETED,
        )
        judge(
            appraisal,
            {domain: (n + years_ago + d) % 3 for d, domain in enumerate(domains)},
            locked_at=timezone.now() - datetime.timedelta(days=365 * years_ago),
        )


def test_the_profile_reads_only_the_latest_and_gives_the_same_figures(org, framework, monkeypatch):
    domains, levels = framework
    people = [practitioner_in(org["organisation"], org["team"]) for _ in range(6)]
    read = []
    original = crosswalk.carry_forward

    def counting(rows, items):
        read.append(len(rows))
        return original(rows, items)

    monkeypatch.setattr(crosswalk, "carry_forward", counting)

    add_a_year(org, people, domains, levels, years_ago=0)
    one_year = figures(org["organisation"])
    assert one_year == every_judgement_latest(org["organisation"])
    profile_one = workforce.capability_profile(org["organisation"])

    for years_ago in (1, 2, 3):
        add_a_year(org, people, domains, levels, years_ago=years_ago)
    # An unsigned and a cancelled judgement, newer than everything: neither counts.
    newest = timezone.now() + datetime.timedelta(days=1)
    judge(
        appraisal_for(org["template"], people[0], org["manager"], team=org["team"]),
        {domains[0]: 0},
        status=Stage.Status.OPEN,
    )
    cancelled = appraisal_for(
        org["template"], people[1], org["manager"], status=Appraisal.Status.CANCELLED
    )
    judge(cancelled, {domains[0]: 0}, locked_at=newest)

    four_years = figures(org["organisation"])
    assert four_years == every_judgement_latest(org["organisation"])
    assert four_years == one_year  # the newest year decides; history changes nothing
    assert workforce.capability_profile(org["organisation"]) == profile_one
    # The database's counts are the reference's (a person's latest judgement, counted in Python).
    counted = workforce_counts.team_counts(org["organisation"])
    assert counted == workforce_counts._from_python(org["organisation"])
    assert sum(counted.values()) == len(people) * len(domains)
    assert DomainAssessment.objects.count() == 4 * len(people) * len(domains) + 2
    # What the database hands back: one row per person and domain, whatever the history.
    assert read[0] == read[-1] == len(people) * len(domains)


def test_the_latest_is_the_newest_signature_even_when_an_older_cycle_is_signed_later(
    org, framework
):
    domains, levels = framework
    person = practitioner_in(org["organisation"], org["team"])
    newer_cycle = appraisal_for(org["template"], person, org["manager"], team=org["team"])
    judge(newer_cycle, {domains[0]: 2}, locked_at=timezone.now() - datetime.timedelta(days=5))
    older_cycle = appraisal_for(
        org["template"],
        person,
        org["manager"],
        team=org["team"],
        starts_on=TODAY - datetime.timedelta(days=400),
    )
    judge(older_cycle, {domains[0]: 1}, locked_at=timezone.now())
    assert figures(org["organisation"]) == {(person.pk, domains[0].pk, 1, None)}
    assert figures(org["organisation"]) == every_judgement_latest(org["organisation"])
