"""/search/mine/ costs what the searching person's own records cost, not the region's: each type
is searched only among what its access rule lets the person read, found from the type's scope
(search.registry), and a type with nothing readable is not searched at all. The scope narrows
where the search looks, never what it finds: the rule always decides."""

import dataclasses
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.factories import UserFactory
from appraisals import services as appraisal_services
from appraisals.factories import team_with_people, two_stage_template
from portfolios.factories import CommentFactory, EntryFactory, PortfolioFactory, ShareFactory
from search import private
from search.private import readable_pks, search_mine
from search.registry import search_types

from .conftest import WORD

pytestmark = pytest.mark.django_db


def found(user, query=WORD, **chosen):
    outcome = search_mine(user, query, chosen=chosen)
    return {(hit.type.key, hit.obj.pk) for hit in outcome.page.paginator.object_list}


def more_of_the_region(n=3):
    """Other people's records, all holding WORD, that the searching people may not read: an
    organisation with its appraisals, portfolios shared among others, comments."""
    for _ in range(n):
        team, someone, manager, _psw = team_with_people()
        appraisal = appraisal_services.start_cycle(
            template=two_stage_template(team.organisation, name=f"{WORD} appraisal"),
            appraisee=someone,
            starts_on=datetime.date(2026, 1, 5),
            started_by=manager,
        )
        stage = appraisal.stages.get(order=1)
        appraisal_services.save_answer(
            stage=stage,
            question=stage.template_stage.questions.get(),
            user=someone,
            role="appraisee",
            text=f"{WORD} elsewhere",
        )
        entry = EntryFactory(portfolio=PortfolioFactory(owner=someone), title=f"{WORD} elsewhere")
        share = ShareFactory(portfolio=entry.portfolio, reader=UserFactory())
        CommentFactory(entry=entry, author=share.reader, body=f"{WORD} too")


def test_a_person_with_nothing_readable_costs_one_query(world, django_assert_num_queries):
    nobody = UserFactory()
    with django_assert_num_queries(1):  # the candidates of every type: none
        assert search_mine(nobody, WORD).total == 0


def test_only_the_types_a_person_can_read_are_searched(world, django_assert_num_queries):
    reader = world["reader"]  # a shared portfolio: entries and comments only
    assert {k for k, pks in readable_pks(reader, search_types()).items() if pks} == {
        "entries",
        "comments",
    }
    # Candidates, the rules among them, then for each of the two types its search and its
    # records (with the entries' statements, prefetched for the facets, in one more).
    with django_assert_num_queries(7):
        assert found(reader) == {("entries", world["entry"].pk), ("comments", world["comment"].pk)}


@pytest.mark.parametrize("who", ["practitioner", "reader", "manager", "psw", "stranger"])
def test_the_queries_do_not_grow_with_the_region(world, who):
    person = world[who]
    before = found(person)
    with CaptureQueriesContext(connection) as small:
        search_mine(person, WORD)
    more_of_the_region()
    with CaptureQueriesContext(connection) as large:
        search_mine(person, WORD)
    assert len(large) == len(small), who
    assert found(person) == before


def test_a_scope_narrows_where_the_search_looks_never_what_it_finds(world, monkeypatch):
    """Give every type a scope of *all* its records: the rule still decides, so each person
    finds exactly what they found before."""
    people = ("practitioner", "reader", "manager", "psw", "stranger")
    before = {who: found(world[who]) for who in people}
    assert any(before.values())
    wide = tuple(
        dataclasses.replace(t, scope=lambda user, t=t: [t.model._default_manager.all()])
        for t in search_types()
    )
    monkeypatch.setattr(private, "search_types", lambda: wide)
    for who in people:
        assert found(world[who]) == before[who], who
    # And a scope that misses records hides them: the scope is where the search looks.
    narrow = tuple(dataclasses.replace(t, scope=lambda user: []) for t in search_types())
    monkeypatch.setattr(private, "search_types", lambda: narrow)
    assert found(world["practitioner"]) == set()


def test_many_readable_records_are_searched_through_the_rule(world, monkeypatch):
    """Above MAX_LISTED_PKS a type's readable records are not listed by pk: the search takes
    the rule (within the scope) as a subquery, and finds the same."""
    before = found(world["practitioner"])
    monkeypatch.setattr(private, "MAX_LISTED_PKS", 0)
    assert found(world["practitioner"]) == before
    assert found(world["reader"]) == {
        ("entries", world["entry"].pk),
        ("comments", world["comment"].pk),
    }


def test_a_type_with_more_matches_than_searched_says_so_and_counts_them_when_chosen(
    client, world, monkeypatch
):
    """Each type returns its best MAX_PER_TYPE: its count says "or more", and only when it is
    the chosen type is it counted exactly (one query, among what the person reads)."""
    for n in range(8):
        EntryFactory(portfolio=world["entry"].portfolio, title=f"Note {n} on {WORD}")
    monkeypatch.setattr(private, "MAX_PER_TYPE", 5)
    client.force_login(world["practitioner"])
    html = client.get("/search/mine/", {"q": WORD}).content.decode()
    assert "Portfolio evidence (5 or more)" in html
    assert "Supervision records (1)</a>" in html
    assert "The best " in html and "More match." in html
    response = client.get("/search/mine/", {"q": WORD, "type": "entries"})
    outcome = response.context["outcome"]
    assert (outcome.total, outcome.matching) == (5, 10)  # 8 notes, the entry, the flagged one
    assert "10 results for" in response.content.decode()
    # A type within the limit is counted as found, no more.
    response = client.get("/search/mine/", {"q": WORD, "type": "supervision"})
    assert (response.context["outcome"].total, response.context["outcome"].matching) == (1, None)
    assert "1 result for" in response.content.decode()


def test_on_postgresql_the_index_entries_rank_as_modelsearch_does(world):
    """search.private_postgres matches and ranks the index entries itself: the same records in
    the same order as modelsearch's own search of the same records."""
    from django.db import connection as db
    from wagtail.search.backends import get_search_backend

    from portfolios.models import Entry
    from search import private_postgres

    if db.vendor != "postgresql":
        pytest.skip("PostgreSQL's own path")
    portfolio = world["entry"].portfolio
    for n in range(6):
        EntryFactory(portfolio=portfolio, title=f"{WORD} " * (n % 3 + 1), learning=f"{WORD} {n}")
    pks = set(Entry.objects.filter(portfolio=portfolio).values_list("pk", flat=True))
    backend = get_search_backend("default")
    expected = [e.pk for e in backend.search(WORD, Entry.objects.filter(pk__in=pks))]
    results = backend.search(WORD, Entry.objects.all(), operator="and")
    assert private_postgres.ranked_pks(results, Entry, pks) == expected
    assert len(expected) == 8  # the world's entry and flagged entry, and the six
