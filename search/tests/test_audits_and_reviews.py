"""Placement quality audits and partnership reviews in search: searched part by part and side by
side, so each reader matches only the text they may read on the audit's or the review's page.
The student's part is never found by the provider's people; another side of a review is not
found until every side has submitted. On the database backend (`search_mine`) and as principals
of the Elasticsearch documents (`PrivateRecord`, `private_query(...).to_dict()`)."""

import datetime

import pytest
from django.utils import timezone

from accounts.factories import UserFactory
from organisations.models import Membership
from placements import partnerships
from placements.audits import audit_view_for
from placements.factories import completed_placement_with_audit, placement_world
from placements.models import AuditParty, Designation, Partnership
from placements.search import AUDIT_PARTS, DESIGNATIONS, PARTNERSHIP_SIDES
from placements.tests.test_audits import answers
from search.documents import PrivateRecord, private_query
from search.principals import principals_of
from search.private import search_mine

pytestmark = pytest.mark.django_db

WORD = "quillwort"
STUDENT_ONLY = "marshwren"
YEAR = timezone.localdate().year
PEOPLE = ("student", "pe", "pe1", "onsite", "provider_lead", "tutor", "hei_lead", "stranger")
PROVIDERS_PEOPLE = ("pe", "onsite", "provider_lead")


def submit(audit, who, party, comment):
    ratings, comments = answers(audit, party, comment=comment)
    from placements import services

    return services.submit_audit_part(
        audit=audit, by=who, party=party, ratings=ratings, comments=comments
    )


@pytest.fixture
def aw(db):
    """`placement_world()` with a completed placement whose audit has every part in, each
    comment holding WORD (the student's also STUDENT_ONLY), and someone outside it all."""
    world = placement_world()
    world["stranger"] = UserFactory()
    audit = completed_placement_with_audit(world)
    world["audit"] = audit
    world["parts"] = {
        AuditParty.STUDENT: submit(
            audit, world["student"], AuditParty.STUDENT, f"{WORD} {STUDENT_ONLY} in week one"
        ),
        AuditParty.EDUCATOR: submit(audit, world["pe"], AuditParty.EDUCATOR, f"{WORD} time"),
        AuditParty.PROVIDER: submit(
            audit, world["provider_lead"], AuditParty.PROVIDER, f"{WORD} desk"
        ),
        AuditParty.TUTOR: submit(audit, world["tutor"], AuditParty.TUTOR, f"{WORD} meetings"),
    }
    return world


def found(user, query=WORD, kind=None):
    outcome = search_mine(user, query)
    return {
        hit.obj.pk
        for hit in outcome.page.paginator.object_list
        if kind is None or hit.type.key == kind
    }


def parts(aw, *parties):
    return {aw["parts"][party].pk for party in parties}


ALL = tuple(AuditParty.values)
NOT_STUDENTS = (AuditParty.EDUCATOR, AuditParty.PROVIDER, AuditParty.TUTOR)


def test_each_person_finds_the_audit_parts_the_audit_page_shows_them(aw):
    expected = {
        "student": parts(aw, AuditParty.STUDENT),
        "pe": parts(aw, *NOT_STUDENTS),
        "onsite": parts(aw, *NOT_STUDENTS),
        "provider_lead": parts(aw, *NOT_STUDENTS),
        "tutor": parts(aw, *ALL),
        "hei_lead": parts(aw, *ALL),
        "pe1": set(),
        "stranger": set(),
    }
    for person in PEOPLE:
        assert found(aw[person], kind="audits") == expected[person], person


def test_the_search_rule_is_the_audit_pages_rule_part_by_part(aw):
    for person in PEOPLE:
        user = aw[person]
        readable = set(AUDIT_PARTS.readable_by(user).values_list("pk", flat=True))
        if person in ("pe1", "stranger"):
            assert readable == set(), person
            continue
        shown = {
            row["part"].pk for row in audit_view_for(user, aw["audit"])["parts"] if row["sections"]
        }
        assert readable == shown, person


def test_the_students_part_is_never_found_by_the_providers_people_nor_in_a_snippet(aw):
    for person in PROVIDERS_PEOPLE:
        assert found(aw[person], STUDENT_ONLY) == set(), person
        outcome = search_mine(aw[person], WORD)
        snippets = " ".join(str(hit.snippet) for hit in outcome.page)
        assert WORD in snippets and STUDENT_ONLY not in snippets, person
    # The HEI and the student do find it.
    student_part = parts(aw, AuditParty.STUDENT)
    for person in ("student", "tutor", "hei_lead"):
        assert found(aw[person], STUDENT_ONLY, kind="audits") == student_part, person


def test_a_part_not_yet_submitted_is_not_found(db):
    world = placement_world()
    audit = completed_placement_with_audit(world)
    submit(audit, world["student"], AuditParty.STUDENT, f"{WORD} early")
    assert found(world["hei_lead"], kind="audits") == {audit.parts.get(party=AuditParty.STUDENT).pk}
    assert found(world["pe"], kind="audits") == set()


def test_a_tutor_whose_role_ended_a_moment_ago_no_longer_finds_the_students_part(aw):
    assert parts(aw, AuditParty.STUDENT) <= found(aw["tutor"])
    Membership.objects.filter(user=aw["tutor"]).update(
        ends_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert found(aw["tutor"]) == set()


def test_audit_results_link_to_the_audit_and_facet_by_year_and_provider(aw):
    outcome = search_mine(aw["hei_lead"], WORD)
    hit = next(h for h in outcome.page if h.type.key == "audits")
    assert hit.url == f"/placements/{aw['audit'].placement.uuid}/audit/"
    assert hit.facets["organisation"] == [aw["provider"].name]
    assert hit.facets["year"] == [str(YEAR)]
    facets = {f.key: {v.value: v.count for v in f.values} for f in outcome.facets}
    assert facets["type"]["audits"] == 4


# ---------------------------------------------------------------------------------------------
# Partnership reviews


def rated(comment):
    return {area: {"rating": "amber", "comment": comment} for area in Partnership.Area.values}


@pytest.fixture
def rw(aw):
    """The world's partnership (its HEI and the provider) reviewed this year: the HEI's side
    submitted with WORD, the provider's saved with WORD but not yet submitted."""
    review = partnerships.review_for(partnership=aw["partnership"], year=YEAR)
    aw["review"] = review
    aw["hei_side"] = partnerships.submit_side(
        review=review, organisation=aw["hei"], by=aw["hei_lead"], ratings=rated(f"{WORD} board")
    )
    aw["provider_side"] = partnerships.save_side(
        review=review,
        organisation=aw["provider"],
        by=aw["provider_lead"],
        ratings=rated(f"{WORD} draft"),
    )
    return aw


def sides(rw, *names):
    return {rw[name].pk for name in names}


def test_before_every_side_has_submitted_each_side_finds_only_its_own(rw):
    assert found(rw["hei_lead"], kind="partnership-reviews") == sides(rw, "hei_side")
    assert found(rw["provider_lead"], kind="partnership-reviews") == sides(rw, "provider_side")
    assert found(rw["provider_lead"], "board") == set()  # the HEI's words, not yet shared
    for person in ("student", "pe", "onsite", "tutor", "stranger"):
        assert found(rw[person], kind="partnership-reviews") == set(), person


def test_once_every_side_has_submitted_everyone_in_the_partnership_finds_every_side(rw):
    partnerships.submit_side(
        review=rw["review"], organisation=rw["provider"], by=rw["provider_lead"]
    )
    both = sides(rw, "hei_side", "provider_side")
    assert found(rw["hei_lead"], kind="partnership-reviews") == both
    assert found(rw["provider_lead"], kind="partnership-reviews") == both
    assert found(rw["provider_lead"], "board", kind="partnership-reviews") == sides(rw, "hei_side")
    for person in ("student", "pe", "tutor", "stranger"):
        assert found(rw[person], kind="partnership-reviews") == set(), person


def test_the_search_rule_is_the_review_pages_rule_side_by_side(rw):
    def check():
        for person in PEOPLE:
            user = rw[person]
            readable = set(PARTNERSHIP_SIDES.readable_by(user).values_list("pk", flat=True))
            shown = {s.pk for s in partnerships.visible_sides(review=rw["review"], user=user)}
            assert readable == shown, person

    check()
    partnerships.submit_side(
        review=rw["review"], organisation=rw["provider"], by=rw["provider_lead"]
    )
    check()


def test_review_results_link_to_the_review(rw):
    hit = next(h for h in search_mine(rw["hei_lead"], WORD).page if h.type.key != "audits")
    assert hit.url == f"/placements/partnerships/{rw['partnership'].slug}/review/{YEAR}/"
    assert hit.facets == {
        "type": ["partnership-reviews"],
        "year": [str(YEAR)],
        "organisation": [rw["hei"].name],
    }


# ---------------------------------------------------------------------------------------------
# Elasticsearch: the documents' principals follow the same rules


def _mirrors(world, search_type, records):
    for person in PEOPLE:
        user = world[person]
        held = principals_of(user)
        for obj in records:
            readable = search_type.readable_by(user).filter(pk=obj.pk).exists()
            assert bool(held & set(search_type.principals(obj))) == readable, (person, obj)


def test_audit_part_principals_mirror_the_audit_rule(aw):
    _mirrors(aw, AUDIT_PARTS, aw["parts"].values())
    student_doc = PrivateRecord.from_record(AUDIT_PARTS, aw["parts"][AuditParty.STUDENT])
    for person in PROVIDERS_PEOPLE:
        assert not principals_of(aw[person]) & set(student_doc.principals), person
    # A document carries one part's text, never the whole audit's.
    educator_doc = PrivateRecord.from_record(AUDIT_PARTS, aw["parts"][AuditParty.EDUCATOR])
    assert STUDENT_ONLY in student_doc.body and STUDENT_ONLY not in educator_doc.body
    assert student_doc.to_dict(include_meta=True)["_id"].startswith("audits-")


def test_side_principals_mirror_the_review_rule_before_and_after_all_have_submitted(rw):
    records = [rw["hei_side"], rw["provider_side"]]
    _mirrors(rw, PARTNERSHIP_SIDES, records)
    hei_doc = PrivateRecord.from_record(PARTNERSHIP_SIDES, rw["hei_side"])
    assert not principals_of(rw["provider_lead"]) & set(hei_doc.principals)
    partnerships.submit_side(
        review=rw["review"], organisation=rw["provider"], by=rw["provider_lead"]
    )
    for side in records:
        side.refresh_from_db()
    _mirrors(rw, PARTNERSHIP_SIDES, records)
    hei_doc = PrivateRecord.from_record(PARTNERSHIP_SIDES, rw["hei_side"])
    assert principals_of(rw["provider_lead"]) & set(hei_doc.principals)


@pytest.mark.parametrize(
    "chosen", [{}, {"type": "audits"}, {"type": "partnership-reviews", "year": str(YEAR)}]
)
def test_queries_for_audits_and_reviews_carry_the_principal_filter(aw, chosen):
    for person in ("provider_lead", "student"):
        user = aw[person]
        body = private_query(user, WORD, chosen=chosen).to_dict()
        assert body["query"]["bool"]["filter"] == [
            {"terms": {"principals": sorted(principals_of(user))}}
        ]
        if "type" in chosen:
            post = body["post_filter"]
            assert {"term": {"kind": chosen["type"]}} in post.get("bool", {}).get("must", [post])


def test_a_review_completing_reindexes_its_other_sides(
    rw, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from search import es_backend

    settings.ELASTICSEARCH_URL = "http://elasticsearch.invalid:9200"
    calls = []
    monkeypatch.setattr(
        es_backend,
        "index_records",
        lambda search_type, objs: calls.append((search_type.key, {o.pk for o in objs})),
    )
    with django_capture_on_commit_callbacks(execute=True):
        partnerships.submit_side(
            review=rw["review"], organisation=rw["provider"], by=rw["provider_lead"]
        )
    assert ("partnership-reviews", sides(rw, "hei_side", "provider_side")) in calls


# ---------------------------------------------------------------------------------------------
# Designations' facets


def test_designations_facet_by_year_and_organisation(aw):
    designation = Designation.objects.create(
        organisation=aw["provider"],
        kind="aps",
        awarding_body=aw["hei"],
        decision_notes=f"{WORD} criteria met",
        starts_on=datetime.date(2025, 4, 1),
    )
    assert DESIGNATIONS.facets(designation) == {
        "year": ["2025"],
        "organisation": [aw["provider"].name],
    }
