"""Placement offers: a provider's placement lead publishes places per term; a proposed placement
takes a place (refused on the field "offer" when the offer is full or does not fit), and a
withdrawn or cancelled one gives it back; an HEI's placement lead sees a cohort's demand
against the offers in a term; everyone else gets 404."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from organisations.factories import MembershipFactory, OrganisationFactory, TeamFactory
from organisations.models import Organisation, Role
from placements import offers, services
from placements.factories import PlacementFactory, _member
from placements.models import Placement, PlacementKind, PlacementOffer, SettingType

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
TERM_START = TODAY + timedelta(days=60)
TERM_END = TERM_START + timedelta(days=200)
START = TERM_START + timedelta(days=7)
END = START + timedelta(days=120)


def publish(world, *, team=None, capacity=1, term="Autumn", **extra) -> PlacementOffer:
    arguments = {
        "by": world["provider_lead"],
        "team": team or world["team"],
        "term": term,
        "starts_on": TERM_START,
        "ends_on": TERM_END,
        "kind": PlacementKind.FIRST,
        "setting_type": SettingType.LA_CHILDREN,
        "capacity": capacity,
    } | extra
    return offers.publish_offer(**arguments)


def new_student(world):
    student = _member(world["hei"], Role.STUDENT)
    world["cohort"].students.add(student)
    return student


def propose(world, *, student=None, offer=None, **extra) -> Placement:
    arguments = {
        "by": world["hei_lead"],
        "student": student or world["student"],
        "cohort": world["cohort"],
        "provider_team": world["team"],
        "practice_educator": world["pe"],
        "hei_tutor": world["tutor"],
        "kind": PlacementKind.FIRST,
        "setting_type": SettingType.LA_CHILDREN,
        "starts_on": START,
        "ends_on": END,
        "offer": offer,
    } | extra
    return services.propose_placement(**arguments)


def refusal(error: ValidationError) -> dict:
    return {field: " ".join(messages) for field, messages in error.message_dict.items()}


# ---------------------------------------------------------------------------------------------
# Publishing


def test_only_the_providers_placement_lead_publishes_and_each_refusal_names_its_field(world):
    offer = publish(world, capacity=3)
    assert (
        offer.capacity == 3 and offer.is_statutory and offer.published_by == world["provider_lead"]
    )
    for outsider in (world["hei_lead"], world["pe"], world["tutor"]):
        with pytest.raises(PermissionDenied):
            publish(world, by=outsider)
    cases = [
        ({"capacity": 0}, "capacity", "Enter a number of places from 1 to 50"),
        ({"capacity": 51}, "capacity", "Enter a number of places from 1 to 50"),
        ({"ends_on": TERM_START}, "ends_on", "The end date must be after the start date"),
        ({"kind": PlacementKind.SKILLS}, "kind", "Choose first or final placement"),
        ({"setting_type": "castle"}, "setting_type", "Choose the kind of setting"),
        ({"term": "  "}, "term", "Enter the term"),
    ]
    for change, field, message in cases:
        with pytest.raises(ValidationError) as error:
            publish(world, **change)
        assert message in refusal(error.value)[field], change
    assert PlacementOffer.objects.count() == 1


def test_capacity_is_never_cut_below_the_places_taken(world):
    offer = publish(world, capacity=2)
    propose(world, offer=offer)
    with pytest.raises(ValidationError) as error:
        offers.change_capacity(offer=offer, by=world["provider_lead"], capacity=0)
    assert refusal(error.value)["capacity"].startswith("1 place already taken")
    with pytest.raises(PermissionDenied):
        offers.change_capacity(offer=offer, by=world["hei_lead"], capacity=5)
    assert offers.change_capacity(offer=offer, by=world["provider_lead"], capacity=1).capacity == 1


# ---------------------------------------------------------------------------------------------
# Taking a place


def test_a_proposed_placement_takes_a_place_and_a_full_offer_is_refused_on_offer(world):
    offer = publish(world, capacity=1)
    first = propose(world, offer=offer)
    assert first.offer == offer and offers.places_taken(offer) == 1
    other = new_student(world)
    with pytest.raises(ValidationError) as error:
        propose(world, student=other, offer=offer)
    assert "This offer is full: 1 of 1 place taken for Autumn" in refusal(error.value)["offer"]
    # Cancelling gives the place back.
    services.cancel(placement=first, by=world["hei_lead"], reason="The team has lost its manager")
    assert offers.places_taken(offer) == 0
    second = propose(world, student=other, offer=offer)
    # Withdrawing gives it back too; a placement that ended early keeps it (the term was used).
    services.withdraw(placement=second, by=world["tutor"], reason="Paused the programme")
    third = propose(world, student=new_student(world), offer=offer)
    Placement.objects.filter(pk=third.pk).update(status=Placement.Status.ENDED_EARLY)
    with pytest.raises(ValidationError) as error:
        propose(world, student=new_student(world), offer=offer)
    assert "full" in refusal(error.value)["offer"]


def test_an_offer_for_another_term_team_kind_or_setting_is_refused_on_offer(world):
    offer = publish(world, capacity=5)
    other_team = TeamFactory(organisation=world["provider"], name="Fostering")
    cases = [
        ({"starts_on": TERM_START - timedelta(days=1)}, "This offer is for Autumn"),
        ({"ends_on": TERM_END + timedelta(days=1)}, "fall outside it"),
        ({"provider_team": other_team}, "not Fostering"),
        ({"kind": PlacementKind.FINAL}, "for a first placement, not a final placement"),
        ({"setting_type": SettingType.HEALTH}, "not the kind of setting chosen"),
    ]
    for change, message in cases:
        with pytest.raises(ValidationError) as error:
            propose(world, offer=offer, **change)
        assert message in refusal(error.value)["offer"], change
    assert not Placement.objects.exists()


def test_an_offer_outside_the_hei_s_partnerships_is_refused(world):
    world["partnership"].employers.remove(world["provider"])
    offer = publish(world)
    with pytest.raises(ValidationError) as error:
        propose(world, offer=offer)
    assert "not in a teaching partnership" in refusal(error.value)["offer"]


def test_skills_days_are_not_proposed_as_a_placement(world):
    with pytest.raises(ValidationError) as error:
        propose(world, kind=PlacementKind.SKILLS)
    assert "Skills days are not a placement" in refusal(error.value)["kind"]


def test_proposing_on_an_offer_through_the_page_keeps_what_was_typed(client, world):
    offer = publish(world, capacity=1)
    propose(world, student=new_student(world), offer=offer)  # the only place is taken
    membership = {who: world[who].memberships.get().pk for who in ("pe", "tutor")}
    data = {
        "cohort": world["cohort"].pk,
        "student": world["student"].pk,
        "kind": PlacementKind.FIRST,
        "setting_type": SettingType.LA_CHILDREN,
        "provider_team": world["team"].pk,
        "offer": offer.pk,
        "practice_educator": membership["pe"],
        "hei_tutor": membership["tutor"],
        **{f"starts_on_{part}": getattr(START, part) for part in ("day", "month", "year")},
        **{f"ends_on_{part}": getattr(END, part) for part in ("day", "month", "year")},
    }
    client.force_login(world["hei_lead"])
    form = client.get("/placements/new/").content.decode()
    assert "0 of 1 places left" in form
    response = client.post("/placements/new/", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "This offer is full" in html and f'value="{START.year}"' in html
    offers.change_capacity(offer=offer, by=world["provider_lead"], capacity=2)
    response = client.post("/placements/new/", data)
    assert response.status_code == 302
    assert Placement.objects.get(student=world["student"]).offer == offer


# ---------------------------------------------------------------------------------------------
# Offers against demand


def test_demand_against_offers_counts_students_to_place_and_places_left(world):
    students = [world["student"], new_student(world), new_student(world)]
    voluntary = OrganisationFactory(kind=Organisation.Kind.VOLUNTARY)
    world["partnership"].employers.add(voluntary)
    voluntary_team = TeamFactory(organisation=voluntary, name="Family support")
    MembershipFactory(organisation=voluntary, role=Role.PLACEMENT_LEAD, user=world["provider_lead"])
    statutory = publish(world, capacity=2)
    publish(
        world,
        team=voluntary_team,
        capacity=3,
        kind=PlacementKind.FINAL,
        setting_type=SettingType.VOLUNTARY,
    )
    publish(world, capacity=9, term="Spring")  # another term
    outsider = OrganisationFactory(kind=Organisation.Kind.LOCAL_AUTHORITY)
    offers.publish_offer(
        by=MembershipFactory(organisation=outsider, role=Role.PLACEMENT_LEAD).user,
        team=TeamFactory(organisation=outsider),
        term="Autumn",
        starts_on=TERM_START,
        ends_on=TERM_END,
        kind=PlacementKind.FIRST,
        setting_type=SettingType.LA_CHILDREN,
        capacity=7,
    )  # not a partner of the HEI
    # One student is proposed on the statutory offer; another completed a first placement in a
    # voluntary setting; the third has a first placement that was cancelled.
    propose(world, student=students[0], offer=statutory)
    PlacementFactory(
        cohort=world["cohort"],
        student=students[1],
        provider_team=voluntary_team,
        setting_type=SettingType.VOLUNTARY,
        status=Placement.Status.COMPLETED,
        starts_on=date(2024, 1, 1),
        ends_on=date(2024, 6, 1),
    )
    PlacementFactory(
        cohort=world["cohort"],
        student=students[2],
        provider_team=world["team"],
        status=Placement.Status.CANCELLED,
        starts_on=date(2024, 1, 1),
        ends_on=date(2024, 6, 1),
    )
    demand = offers.demand_against_offers(cohort=world["cohort"], term="Autumn")
    first, final = demand.rows
    assert demand.students == 3
    assert (first.to_place, first.to_place_statutory) == (1, 1)  # the third student
    assert (first.offers, first.offered, first.taken, first.left) == (1, 2, 1, 1)
    assert (first.statutory_left, first.shortfall) == (1, 0)
    # Every student still needs a final placement; two of them a statutory one.
    assert (final.to_place, final.to_place_statutory) == (3, 2)
    assert (final.offered, final.left, final.statutory_left) == (3, 3, 0)
    assert (final.shortfall, final.statutory_shortfall) == (0, 2)
    assert [(p.name, p.first_left, p.final_left) for p in demand.providers] == sorted(
        [(str(world["provider"]), 1, 0), (str(voluntary), 0, 3)]
    )
    assert offers.terms_open_to([world["hei"]]) == ["Autumn", "Spring"]


# ---------------------------------------------------------------------------------------------
# Pages


def test_the_provider_publishes_on_the_offers_page_and_bad_input_loses_nothing(client, world):
    client.force_login(world["provider_lead"])
    data = {
        "team": world["team"].pk,
        "term": "Autumn 2027",
        **{f"starts_on_{part}": getattr(TERM_START, part) for part in ("day", "month", "year")},
        **{f"ends_on_{part}": getattr(TERM_END, part) for part in ("day", "month", "year")},
        "kind": PlacementKind.FINAL,
        "setting_type": SettingType.LA_CHILDREN,
        "capacity": "0",
    }
    response = client.post("/placements/offers/", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Enter a number of places from 1 to 50" in html and 'value="Autumn 2027"' in html
    response = client.post("/placements/offers/", {**data, "capacity": "4"})
    assert response.status_code == 302
    offer = PlacementOffer.objects.get()
    assert (offer.kind, offer.capacity, offer.term) == ("final", 4, "Autumn 2027")
    page = client.get("/placements/offers/").content.decode()
    assert "Autumn 2027" in page
    response = client.post(
        "/placements/offers/", {"what": "capacity", "offer": offer.uuid, "capacity": "x"}
    )
    assert response.status_code == 400
    assert "Enter a number of places from 0 to 50" in response.content.decode()
    client.post("/placements/offers/", {"what": "capacity", "offer": offer.uuid, "capacity": "6"})
    offer.refresh_from_db()
    assert offer.capacity == 6


def test_offer_pages_are_for_placement_leads_only(client, world):
    offer = publish(world)
    client.force_login(world["hei_lead"])
    assert client.get("/placements/offers/").url == "/placements/offers/demand/"
    # The HEI's lead cannot change the provider's offer.
    response = client.post(
        "/placements/offers/", {"what": "capacity", "offer": offer.uuid, "capacity": "9"}
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.capacity == 1
    client.force_login(world["provider_lead"])
    assert client.get("/placements/offers/demand/").status_code == 404
    for outsider in (world["tutor"], world["pe"], world["student"]):
        client.force_login(outsider)
        assert client.get("/placements/offers/").status_code == 404
        assert client.get("/placements/offers/demand/").status_code == 404
    client.force_login(world["hei_lead"])
    assert 'href="/placements/offers/"' in client.get("/placements/").content.decode()


def test_the_demand_page_is_one_summary_in_a_fixed_number_of_queries(client, world):
    """The same number of queries with 2 offers and 3 students as with 12 offers and 8: the
    page is a summary whatever the cohort's size (the ceiling is the whole first page, before
    the header's counts are cached)."""
    client.force_login(world["hei_lead"])
    url = f"/placements/offers/demand/?cohort={world['cohort'].pk}&term=Autumn"

    def counted():
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url)
        assert page.status_code == 200
        return len(queries), page.content.decode()

    for n in range(2):
        publish(
            world, team=TeamFactory(organisation=world["provider"], name=f"Team {n}"), capacity=2
        )
    cold, _ = counted()  # the first page fills the cached header counts
    assert cold <= 55  # 52 (issue 19: 62 before the roles were read once per request)
    small, _ = counted()
    for n in range(2, 12):
        publish(
            world, team=TeamFactory(organisation=world["provider"], name=f"Team {n}"), capacity=2
        )
    for _ in range(5):
        new_student(world)
    large, html = counted()
    assert large == small
    assert "24 <span" in html  # places offered for first placements
    assert html.count("<tr") < 10  # a summary, not a row per offer
    assert client.get("/placements/offers/demand/?cohort=999999&term=Autumn").status_code == 400


def test_the_offers_page_has_a_fixed_number_of_queries(
    client, world, django_assert_max_num_queries
):
    for n in range(10):
        publish(world, team=TeamFactory(organisation=world["provider"], name=f"T{n}"), capacity=2)
    client.force_login(world["provider_lead"])
    # The whole first page: the header's task counts are not cached yet (45; 57 before issue 19).
    with django_assert_max_num_queries(50):
        assert client.get("/placements/offers/").status_code == 200
