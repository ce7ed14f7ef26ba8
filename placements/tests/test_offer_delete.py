"""Deleting and closing an offer: the provider's placement lead deletes an offer no placement
was proposed on, after a confirmation page; an offer with placements (even withdrawn ones) can
only be closed; everyone else gets 404."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from organisations.factories import OrganisationFactory, TeamFactory
from organisations.models import Organisation, Role
from placements import offers, services
from placements.factories import _member
from placements.models import PlacementOffer
from placements.tests.test_offers import propose, publish
from tests.test_page_structure import problems

pytestmark = pytest.mark.django_db


def url(offer) -> str:
    return f"/placements/offers/{offer.uuid}/delete/"


def test_the_lead_deletes_an_unused_offer_after_confirming(client, world):
    offer = publish(world, capacity=2)
    client.force_login(world["provider_lead"])
    listing = client.get("/placements/offers/").content.decode()
    assert f'href="{url(offer)}"' in listing
    page = client.get(url(offer))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Delete this offer" in html and 'value="delete"' in html
    assert not problems(html) and not problems(listing)  # one h1 first, landmarks, tables
    assert PlacementOffer.objects.filter(pk=offer.pk).exists()  # the page alone deletes nothing
    response = client.post(url(offer), {"what": "delete"})
    assert response.status_code == 302 and response.url == "/placements/offers/"
    assert not PlacementOffer.objects.filter(pk=offer.pk).exists()
    assert "Deleted:" in client.get("/placements/offers/").content.decode()


def test_an_offer_with_placements_is_closed_not_deleted(client, world):
    offer = publish(world, capacity=3)
    propose(world, offer=offer)
    client.force_login(world["provider_lead"])
    html = client.get(url(offer)).content.decode()
    assert "Close this offer" in html and 'value="delete"' not in html
    assert 'value="close"' in html
    response = client.post(url(offer), {"what": "delete"})
    assert response.status_code == 302 and response.url == url(offer)
    assert "cannot be deleted" in client.get(url(offer)).content.decode()
    assert PlacementOffer.objects.filter(pk=offer.pk).exists()
    response = client.post(url(offer), {"what": "close"})
    assert response.status_code == 302 and response.url == "/placements/offers/"
    offer.refresh_from_db()
    assert offer.capacity == 1  # the one place taken
    html = client.get(url(offer)).content.decode()
    assert "already closed" in html and 'value="close"' not in html


def test_a_withdrawn_placement_keeps_its_offer_from_being_deleted(world):
    offer = publish(world, capacity=1)
    placement = propose(world, offer=offer)
    services.withdraw(placement=placement, by=world["hei_lead"], reason="Changed plans")
    with pytest.raises(ValidationError):
        offers.delete_offer(offer=offer, by=world["provider_lead"])
    closed = offers.close_offer(offer=offer, by=world["provider_lead"])
    assert closed.capacity == 0  # a withdrawn placement gives its place back
    with pytest.raises(ValidationError):
        offers.close_offer(offer=offer, by=world["provider_lead"])


def test_only_the_team_employers_placement_lead_deletes_or_closes(world):
    offer = publish(world)
    for outsider in (world["hei_lead"], world["pe"], world["tutor"], world["student"]):
        with pytest.raises(PermissionDenied):
            offers.delete_offer(offer=offer, by=outsider)
        with pytest.raises(PermissionDenied):
            offers.close_offer(offer=offer, by=outsider)
    assert PlacementOffer.objects.filter(pk=offer.pk).exists()


def test_everyone_else_gets_404_and_nothing_changes(client, world):
    offer = publish(world)
    other = OrganisationFactory(kind=Organisation.Kind.LOCAL_AUTHORITY)
    TeamFactory(organisation=other)
    other_lead = _member(other, Role.PLACEMENT_LEAD)
    people = [
        world["hei_lead"],
        world["tutor"],
        world["student"],
        world["pe"],
        world["onsite"],
        other_lead,
    ]
    for person in people:
        client.force_login(person)
        assert client.get(url(offer)).status_code == 404
        assert client.post(url(offer), {"what": "delete"}).status_code == 404
        assert client.post(url(offer), {"what": "close"}).status_code == 404
    client.logout()
    assert client.get(url(offer)).status_code == 302  # to sign in
    assert PlacementOffer.objects.filter(pk=offer.pk).exists()
    client.force_login(world["provider_lead"])
    assert client.post(url(offer), {"what": "other"}).status_code == 404
