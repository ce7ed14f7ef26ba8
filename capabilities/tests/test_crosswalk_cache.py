"""The crosswalk's links are read once per generation of the framework data and walked in memory
(capabilities.crosswalk_cache): what comes from the cache is what the database says, a newly
published version is followed at once, and a second walk asks the database nothing."""

import pytest
from django.core.cache import cache

from capabilities import crosswalk, crosswalk_cache
from capabilities.factories import build_standards
from capabilities.factories import crosswalk as declare
from capabilities.models import Association, Item
from capabilities.services import create_draft_version, publish_version

pytestmark = pytest.mark.django_db


def forget():
    """As a new process with an empty cache would start."""
    cache.clear()
    crosswalk_cache._built = (None, None)


def domain(version, code="1"):
    return version.items.get(kind=Item.Kind.DOMAIN, code=code)


def test_the_mapping_from_the_cache_is_the_one_computed_from_the_database(pcf):
    v2 = create_draft_version(source=pcf, slug="v2", label="2")
    publish_version(version=v2)
    v3 = create_draft_version(source=v2, slug="v3", label="3")
    publish_version(version=v3)
    olds = set(pcf.items.values_list("pk", flat=True)) | set(v2.items.values_list("pk", flat=True))

    forget()
    first = {domain(pcf).pk}
    computed = crosswalk.successors(olds)
    resolved = crosswalk.resolve_to_version(first, v3)
    cached = crosswalk.successors(olds)
    assert cached == computed
    assert crosswalk.resolve_to_version(first, v3) == resolved
    # Both versions' items count as the newest version's, two hops on for the first version's.
    assert computed[domain(pcf).pk] == {domain(v3).pk}
    assert computed[domain(v2).pk] == {domain(v3).pk}
    assert resolved[domain(pcf).pk] == {domain(v3).pk}
    assert set(computed) == olds
    # What was kept in the cache, indexed again, is what the database holds now.
    assert crosswalk_cache._index(crosswalk_cache._rows()) == crosswalk_cache.links()


def test_publishing_a_new_version_changes_what_an_item_counts_as(pcf):
    v2 = create_draft_version(source=pcf, slug="v2", label="2")
    publish_version(version=v2)
    old = domain(pcf).pk
    assert crosswalk.successors({old}) == {old: {domain(v2).pk}}

    v3 = create_draft_version(source=v2, slug="v3", label="3")
    # A draft retires nothing...
    assert crosswalk.successors({old}) == {old: {domain(v2).pk}}
    # ...until it is published.
    publish_version(version=v3)
    assert crosswalk.successors({old}) == {old: {domain(v3).pk}}
    # Nor once the link is gone.
    Association.objects.filter(version=v3).delete()
    assert crosswalk.successors({old}) == {old: {domain(v2).pk}}


def test_a_second_walk_asks_the_database_nothing(db, django_assert_num_queries):
    pqs = build_standards(framework_slug="pqs", codes=["1", "2"])
    ecs = build_standards(framework_slug="ecs", codes=["A"], publish=False)
    one, two = pqs.items.order_by("code")
    (a,) = ecs.items.all()
    declare(
        ecs, [(one, Association.Type.REPLACED_BY, a), (two, Association.Type.EXACT_MATCH_OF, a)]
    )
    publish_version(version=ecs)

    forget()
    with django_assert_num_queries(1):
        assert crosswalk.successors({one.pk, two.pk}) == {one.pk: {a.pk}, two.pk: {a.pk}}
    with django_assert_num_queries(0):
        assert crosswalk.successors({one.pk, two.pk}) == {one.pk: {a.pk}, two.pk: {a.pk}}
        assert crosswalk.resolve_to_version({a.pk}, pqs) == {a.pk: {two.pk}}
        assert crosswalk.resolve_to_version({one.pk, two.pk}, ecs) == {
            one.pk: {a.pk},
            two.pk: {a.pk},
        }
    # Another process (its own memory empty) finds the links in the shared cache.
    crosswalk_cache._built = (None, None)
    with django_assert_num_queries(0):
        assert crosswalk.successors({one.pk}) == {one.pk: {a.pk}}
    # A version published moves the generation on: the links are read again, once.
    later = build_standards(framework_slug="later", codes=["B"], publish=False)
    (b,) = later.items.all()
    declare(later, [(a, Association.Type.REPLACED_BY, b)])
    publish_version(version=later)
    with django_assert_num_queries(1):
        assert crosswalk.successors({one.pk}) == {one.pk: {b.pk}}
    with django_assert_num_queries(0):
        assert crosswalk.successors({a.pk}) == {a.pk: {b.pk}}
