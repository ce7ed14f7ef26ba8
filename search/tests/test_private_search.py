"""/search/mine/ on the database backend: each person finds exactly what their access rule lets
them read, nothing else, and stops finding it the moment the rule stops allowing it."""

import datetime

import pytest
from django.utils import timezone

from accounts.factories import UserFactory
from organisations.models import Membership
from portfolios.models import GuardConfirmation
from search.private import search_mine

from .conftest import WORD

pytestmark = pytest.mark.django_db


def found(user, query=WORD, **chosen):
    outcome = search_mine(user, query, chosen=chosen)
    return {(hit.type.key, hit.obj.pk) for hit in outcome.page.paginator.object_list}


def keys(world, *names):
    kinds = {
        "entry": "entries",
        "flagged": "entries",
        "strangers_entry": "entries",
        "comment": "comments",
        "appraisal": "appraisals",
        "answer": "answers",
        "record": "supervision",
        "observation": "observations",
        "placement": "placements",
    }
    return {(kinds[name], world[name].pk) for name in names}


def test_the_owner_finds_all_their_own_records(world):
    assert found(world["practitioner"]) == keys(
        world, "entry", "flagged", "comment", "appraisal", "answer", "record", "observation"
    )


def test_a_reader_finds_only_what_was_shared_and_never_an_entry_waiting_for_review(world):
    assert found(world["reader"]) == keys(world, "entry", "comment")


def test_the_line_manager_finds_what_their_current_roles_let_them_read(world):
    # Appraiser, supervisor and observer; never the practitioner's portfolio (not shared).
    assert found(world["manager"]) == keys(world, "appraisal", "answer", "record", "observation")


def test_the_psw_finds_the_organisations_appraisals_and_nothing_personal_else(world):
    assert found(world["psw"]) == keys(world, "appraisal", "answer")


def test_a_stranger_finds_only_their_own(world):
    assert found(world["stranger"]) == keys(world, "strangers_entry")
    assert found(UserFactory()) == set()


def test_placement_people_find_the_placement(world):
    placement = world["placement"]
    for person in (placement.student, placement.practice_educator, placement.hei_tutor):
        assert found(person) == keys(world, "placement"), person
    assert ("placements", placement.pk) not in found(world["manager"])


def test_a_share_revoked_a_moment_ago_is_not_found(world):
    share = world["share"]
    share.revoked_at = timezone.now()
    share.save()
    assert found(world["reader"]) == set()


def test_a_membership_ended_a_moment_ago_is_not_found(world):
    Membership.objects.filter(user=world["manager"]).update(
        ends_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    # Only the observation they wrote stays theirs (observations follow the author, not a role).
    assert found(world["manager"]) == keys(world, "observation")


def test_a_comment_hidden_by_the_owner_is_found_only_by_owner_and_author(world):
    comment = world["comment"]
    comment.hidden_at = timezone.now()
    comment.save()
    other = UserFactory()
    world["share"].__class__.objects.create(
        portfolio=world["entry"].portfolio,
        reader=other,
        relationship="supervisor",
        whole_portfolio=True,
    )
    assert ("comments", comment.pk) in found(world["practitioner"])
    assert ("comments", comment.pk) in found(world["reader"])
    assert found(other) == keys(world, "entry")


def test_identifying_information_confirmations_never_surface_text(world):
    entry = world["entry"]
    GuardConfirmation.objects.create(
        entry=entry,
        confirmed_by=world["practitioner"],
        kinds=["postcode"],
        fields=["description"],
        fingerprints=["ab12cd34"],
    )
    for person in (world["practitioner"], world["reader"]):
        assert found(person, "ab12cd34") == set()
        assert found(person, "postcode") == set()
    # The flagged entry's text is found by its owner only.
    assert ("entries", world["flagged"].pk) not in found(world["reader"], "home")


def test_facets_filter_by_type_and_year(world):
    outcome = search_mine(world["practitioner"], WORD)
    facets = {f.key: {v.value: v.count for v in f.values} for f in outcome.facets}
    assert facets["type"]["entries"] == 2
    assert facets["year"]["2026"] >= 5
    assert "organisation" not in facets  # one organisation: nothing to choose
    assert found(world["practitioner"], type="supervision") == keys(world, "record")


def test_the_page_shows_highlighted_escaped_snippets_and_facets(client, world):
    entry = world["entry"]
    entry.learning = f"<b>{WORD}</b> in practice"
    entry.save()
    client.force_login(world["practitioner"])
    response = client.get("/search/mine/", {"q": WORD})
    html = response.content.decode()
    assert response.status_code == 200
    assert f"&lt;b&gt;<mark>{WORD}</mark>&lt;/b&gt;" in html
    assert "<b>zephyrine</b>" not in html
    assert 'href="?q=zephyrine&amp;type=supervision"' in html
    assert entry.get_absolute_url() in html


def test_the_empty_state_helps(client, world):
    client.force_login(world["reader"])
    html = client.get("/search/mine/", {"q": "nothingmatcheshere"}).content.decode()
    assert "Nothing you can read matches" in html
    assert "public search" in html


def test_pages_of_results(client, world):
    from portfolios.factories import EntryFactory

    for n in range(25):
        EntryFactory(portfolio=world["entry"].portfolio, title=f"Note {n} on {WORD}")
    client.force_login(world["practitioner"])
    first = client.get("/search/mine/", {"q": WORD})
    assert len(first.context["outcome"].page) == 20
    assert 'rel="next"' in first.content.decode()
    second = client.get("/search/mine/", {"q": WORD, "page": 2})
    assert len(second.context["outcome"].page) == first.context["outcome"].total - 20


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get("/search/mine/", {"q": WORD})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_staff_without_mfa_must_set_it_up_first(client, world):
    from organisations.factories import MembershipFactory
    from organisations.models import Role

    psw = MembershipFactory(role=Role.PRINCIPAL_SOCIAL_WORKER, organisation=world["org"]).user
    client.force_login(psw)
    response = client.get("/search/mine/", {"q": WORD})
    assert response.status_code == 302
    assert "mfa" in response["Location"]


def test_query_count_is_pinned_and_does_not_grow_with_the_results(
    client, world, pcf, django_assert_max_num_queries
):
    from portfolios.factories import EntryFactory

    client.force_login(world["practitioner"])
    client.get("/search/mine/", {"q": WORD})  # the header's figures, cached per person
    # One query a type, the entries' statements (prefetched), the session and MFA checks.
    with django_assert_max_num_queries(25):
        response = client.get("/search/mine/", {"q": WORD})
    assert response.status_code == 200
    statements = list(pcf.items.statements()[:3])
    for n in range(15):
        EntryFactory(
            portfolio=world["entry"].portfolio, title=f"More {WORD} {n}", statements=statements
        )
    client.get("/search/mine/", {"q": WORD})  # the new entries changed the header's figures
    with django_assert_max_num_queries(25):
        response = client.get("/search/mine/", {"q": WORD})
    assert response.context["outcome"].total == 22


def test_signed_in_header_links_to_search(client, world):
    client.force_login(world["reader"])
    html = client.get("/search/mine/").content.decode()
    assert 'href="/search/mine/" aria-current="page">Search</a>' in html


def test_the_results_page_and_the_empty_page_are_well_structured(client, world):
    from tests.test_page_structure import problems

    client.force_login(world["practitioner"])
    for params in ({}, {"q": WORD}, {"q": WORD, "type": "entries"}, {"q": "nothingmatches"}):
        html = client.get("/search/mine/", params).content.decode()
        assert problems(html) == [], params
