"""The workforce figures count older judgements and objectives through the crosswalk: on the
domain of the next framework version, on the standard that replaced a post-qualifying standard."""

import datetime

import pytest

from appraisals import workforce
from appraisals.models import Objective
from appraisals.tests.test_workforce import (
    appraisal_for,
    judge,
    org,  # noqa: F401 (a fixture)
    people_judged,
    practitioner_in,
)
from appraisals.workforce import Cell
from capabilities.factories import build_standards, crosswalk
from capabilities.models import Association, Item
from capabilities.services import create_draft_version, publish_version

pytestmark = pytest.mark.django_db


def test_a_judgement_against_the_previous_version_counts_on_the_current_domain(org, pcf):  # noqa: F811
    old_domain = pcf.items.get(kind=Item.Kind.DOMAIN, code="1")
    old_level = pcf.items.get(kind=Item.Kind.LEVEL, code="L2")
    template, team, manager = org["template"], org["team"], org["manager"]
    # Five people judged against the 2018-style version, before the next one existed.
    people_judged(template, team, manager, old_level, {old_domain: 1}, 5)

    v2 = create_draft_version(source=pcf, slug="v2", label="2")
    publish_version(version=v2)
    new_domain = v2.items.get(kind=Item.Kind.DOMAIN, code="1")
    new_level = v2.items.get(kind=Item.Kind.LEVEL, code="L2")
    # One more person, judged against the new version.
    people_judged(template, team, manager, new_level, {new_domain: 1}, 1)

    profile = workforce.capability_profile(org["organisation"]).scale()
    assert [lv.level.pk for lv in profile.levels] == [new_level.pk]
    rows = profile.level(new_level).overall.rows
    assert [row.domain.pk for row in rows] == [new_domain.pk]
    assert rows[0].total == Cell(count=6)
    # Without the crosswalk the old judgements would stand apart, under the old domain.
    Association.objects.filter(version=v2).delete()
    profile = workforce.capability_profile(org["organisation"]).scale()
    assert {lv.level.pk for lv in profile.levels} == {old_level.pk, new_level.pk}


def test_a_newer_judgement_on_the_new_domain_supersedes_the_old_one(org, pcf):  # noqa: F811
    old_domain = pcf.items.get(kind=Item.Kind.DOMAIN, code="2")
    level = pcf.items.get(kind=Item.Kind.LEVEL, code="L1")
    template, team, manager = org["template"], org["team"], org["manager"]
    people = [practitioner_in(org["organisation"], team) for _ in range(5)]
    earlier = datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC)
    for person in people:
        judge(
            appraisal_for(template, person, manager, team=team, level=level),
            {old_domain: 0},
            locked_at=earlier,
        )
    v2 = create_draft_version(source=pcf, slug="v2", label="2")
    publish_version(version=v2)
    new_domain = v2.items.get(kind=Item.Kind.DOMAIN, code="2")
    new_level = v2.items.get(kind=Item.Kind.LEVEL, code="L1")
    for person in people:
        judge(appraisal_for(template, person, manager, team=team, level=new_level), {new_domain: 2})

    row = workforce.capability_profile(org["organisation"]).scale().level(new_level).overall.rows[0]
    # Each person once, at their latest rating.
    assert row.total == Cell(count=5)
    assert [c.count for c in row.cells] == [0, 0, 5]


def test_objectives_linked_to_a_replaced_standard_count_on_its_replacement(org):  # noqa: F811
    old = build_standards(framework_slug="pqs-test", codes=["CFP-1", "CFP-2"])
    new = build_standards(framework_slug="ecs-test", codes=["ECS-1"], publish=False)
    cfp = {i.code: i for i in old.items.all()}
    ecs = new.items.get()
    template, team, manager = org["template"], org["team"], org["manager"]
    for n in range(6):
        person = practitioner_in(org["organisation"], team)
        objective = Objective.objects.create(
            appraisal=appraisal_for(template, person, manager, team=team), text=f"Objective {n}"
        )
        # Linked to both old standards: still one objective on the new standard.
        objective.statements.set([cfp["CFP-1"], cfp["CFP-2"]] if n % 2 else [cfp["CFP-1"]])

    before = workforce.development_needs(org["organisation"])
    assert [(s.code, s.count) for s in before.domains[0].statements] == [
        ("CFP-1", Cell(count=6)),
        ("CFP-2", Cell(count=None, suppressed=True)),
    ]
    crosswalk(
        new,
        [
            (cfp["CFP-1"], Association.Type.REPLACED_BY, ecs),
            (cfp["CFP-2"], Association.Type.REPLACED_BY, ecs),
        ],
    )
    publish_version(version=new)

    after = workforce.development_needs(org["organisation"])
    assert [(s.code, s.count) for s in after.domains[0].statements] == [("ECS-1", Cell(count=6))]
    assert after.domains[0].count == Cell(count=6)
