"""Every demo person (every demo role) searching the demo: each finds exactly what their access
rule lets them read among the records that match, and nothing else."""

import io

import pytest
from django.core.management import call_command
from wagtail.search.backends import get_search_backend

from accounts.demo import PEOPLE
from accounts.models import User
from search.private import MAX_PER_TYPE, search_mine
from search.registry import search_types

pytestmark = pytest.mark.django_db

QUERIES = ("supervision", "family", "practice", "reflection")


def _matching(search_type, query):
    """Every record of the type matching `query`, whoever may read it."""
    found = get_search_backend("default").search(
        query, search_type.model._default_manager.all(), operator="and"
    )
    return {(search_type.key, obj.pk) for obj in found[: MAX_PER_TYPE * 10]}


def test_each_demo_role_finds_exactly_what_its_access_rule_lets_it_read():
    call_command("seed", stdout=io.StringIO())
    emails = [f"{local}@" for local, *_ in PEOPLE]
    people = [u for u in User.objects.all() if any(u.email.startswith(e) for e in emails)]
    assert len(people) == len(PEOPLE)
    someone_found, someone_refused = False, False
    for query in QUERIES:
        matching = {t.key: _matching(t, query) for t in search_types()}
        for person in people:
            outcome = search_mine(person, query)
            found = {(hit.type.key, hit.obj.pk) for hit in outcome.page.paginator.object_list}
            expected = set()
            for search_type in search_types():
                readable = set(search_type.readable_by(person).values_list("pk", flat=True))
                expected |= {(k, pk) for k, pk in matching[search_type.key] if pk in readable}
            assert found == expected, (person.email, query)
            everything = set().union(*matching.values())
            someone_found |= bool(found)
            someone_refused |= bool(everything - found)
    # The test could fail both ways: people find things, and the rules hold others back.
    assert someone_found and someone_refused
