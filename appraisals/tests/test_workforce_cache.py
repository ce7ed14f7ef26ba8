"""The workforce counts keep what depends only on the framework data (the PCF's items, what each
replaced item counts as, the window's compiled SQL) for as long as that data's generation
lasts (capabilities.page_cache): a version published, or a template's scale changed, is counted
at once."""

import pytest

from appraisals import workforce_counts
from appraisals.tests.test_workforce import (
    framework,  # noqa: F401 (a fixture)
    org,  # noqa: F401 (a fixture)
    people_judged,
)
from capabilities.models import Item
from capabilities.services import create_draft_version, publish_version

pytestmark = pytest.mark.django_db

SCALE = ("Not yet at level", "At level", "Beyond level")


def overall(organisation) -> dict:
    counts, _hiding = workforce_counts.overall_counts(organisation)
    return {
        (level, domain, rating): people
        for (_s, level, _t, domain, rating), people in counts.items()
    }


def test_a_second_count_reuses_the_compiled_window(org, framework, monkeypatch):  # noqa: F811
    (domain, *_), (level, *_) = framework
    people_judged(org["template"], org["team"], org["manager"], level, {domain: 1}, 5)
    first = overall(org["organisation"])
    assert first == {(level.pk, domain.pk, 1): 5}

    compiled = []
    signed = workforce_counts._signed
    monkeypatch.setattr(
        workforce_counts, "_signed", lambda *args: compiled.append(args) or signed(*args)
    )
    assert overall(org["organisation"]) == first
    assert compiled == []  # the SQL came from the process's compiled windows


def test_a_version_published_after_counting_is_counted_on_at_once(org, framework, pcf):  # noqa: F811
    (domain, *_), (level, *_) = framework
    people_judged(org["template"], org["team"], org["manager"], level, {domain: 1}, 5)
    assert overall(org["organisation"]) == {(level.pk, domain.pk, 1): 5}

    v2 = create_draft_version(source=pcf, slug="v2", label="2")
    # A draft changes nothing...
    assert overall(org["organisation"]) == {(level.pk, domain.pk, 1): 5}
    publish_version(version=v2)
    new_domain = v2.items.get(kind=Item.Kind.DOMAIN, code=domain.code)
    new_level = v2.items.get(kind=Item.Kind.LEVEL, code=level.code)
    # ...publishing it carries the old judgements to its domain and level.
    assert overall(org["organisation"]) == {(new_level.pk, new_domain.pk, 1): 5}


def test_a_scale_shortened_after_counting_no_longer_places_its_top_rating(org, framework):  # noqa: F811
    (domain, *_), (level, *_) = framework
    template = org["template"]
    people_judged(template, org["team"], org["manager"], level, {domain: 2}, 5)
    assert overall(org["organisation"]) == {(level.pk, domain.pk, 2): 5}

    template.rating_scale = list(SCALE[:2])
    template.save()
    assert overall(org["organisation"]) == {}
