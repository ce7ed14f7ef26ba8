"""The yearly teaching partnership review: sides rate every area, see each other only once all
have submitted, then agree actions."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from organisations.factories import MembershipFactory, OrganisationFactory
from organisations.models import Organisation, Role
from placements import partnerships as services
from placements.models import ActionItem, Partnership, PartnershipReview, PartnershipSide

pytestmark = pytest.mark.django_db

YEAR = datetime.date.today().year
AREAS = Partnership.Area.values


def ratings(rating="green", **comments):
    return {area: {"rating": rating, "comment": comments.get(area, "")} for area in AREAS}


@pytest.fixture
def hei(db):
    return OrganisationFactory(name="Riverside University", kind=Organisation.Kind.HEI)


@pytest.fixture
def employer(db):
    return OrganisationFactory(name="Northshire Council", kind=Organisation.Kind.LOCAL_AUTHORITY)


@pytest.fixture
def partnership(hei, employer):
    partnership = Partnership.objects.create(
        slug="riverside", name="Riverside partnership", hei=hei
    )
    partnership.employers.add(employer)
    return partnership


@pytest.fixture
def hei_lead(hei):
    return MembershipFactory(organisation=hei, role=Role.PLACEMENT_LEAD, mfa=True).user


@pytest.fixture
def employer_lead(employer):
    return MembershipFactory(organisation=employer, role=Role.ORG_ADMIN, mfa=True).user


@pytest.fixture
def review(partnership):
    return services.review_for(partnership=partnership, year=YEAR)


def url(partnership, year=YEAR):
    return f"/placements/partnerships/{partnership.slug}/review/{year}/"


def test_review_for_makes_one_review_a_year_with_a_side_each(partnership, hei, employer):
    review = services.review_for(partnership=partnership, year=YEAR)
    assert services.review_for(partnership=partnership, year=YEAR) == review
    assert PartnershipReview.objects.count() == 1
    assert set(review.sides.values_list("organisation", flat=True)) == {hei.pk, employer.pk}

    joined = OrganisationFactory(kind=Organisation.Kind.VOLUNTARY)
    partnership.employers.add(joined)
    services.review_for(partnership=partnership, year=YEAR)
    assert review.sides.count() == 3

    with pytest.raises(ValidationError):
        services.review_for(partnership=partnership, year=1850)


def test_every_area_must_be_rated_red_amber_or_green(review, hei, hei_lead):
    incomplete = ratings()
    del incomplete[Partnership.Area.CURRICULUM]
    with pytest.raises(ValidationError) as error:
        services.save_side(review=review, organisation=hei, by=hei_lead, ratings=incomplete)
    assert list(error.value.message_dict) == [Partnership.Area.CURRICULUM]

    wrong = ratings()
    wrong[Partnership.Area.GOVERNANCE]["rating"] = "blue"
    with pytest.raises(ValidationError) as error:
        services.save_side(review=review, organisation=hei, by=hei_lead, ratings=wrong)
    assert Partnership.Area.GOVERNANCE in error.value.message_dict

    with pytest.raises(ValidationError):
        services.save_side(
            review=review, organisation=hei, by=hei_lead, ratings={**ratings(), "parking": {}}
        )
    assert PartnershipSide.objects.get(review=review, organisation=hei).ratings == {}

    side = services.save_side(
        review=review,
        organisation=hei,
        by=hei_lead,
        ratings=ratings("amber", governance="  Board meets rarely  "),
    )
    assert side.ratings[Partnership.Area.GOVERNANCE] == {
        "rating": "amber",
        "comment": "Board meets rarely",
    }
    assert side.ratings[Partnership.Area.WORKFORCE] == {"rating": "amber", "comment": ""}


def test_only_the_sides_leads_and_admins_write_and_nothing_after_submit(
    review, hei, employer, hei_lead, employer_lead
):
    tutor = MembershipFactory(organisation=hei, role=Role.HEI_TUTOR).user
    for person in (tutor, employer_lead):
        with pytest.raises(PermissionDenied):
            services.save_side(review=review, organisation=hei, by=person, ratings=ratings())
    stranger = OrganisationFactory()
    stranger_lead = MembershipFactory(organisation=stranger, role=Role.PLACEMENT_LEAD).user
    with pytest.raises(PermissionDenied):
        services.save_side(
            review=review, organisation=stranger, by=stranger_lead, ratings=ratings()
        )

    services.submit_side(review=review, organisation=hei, by=hei_lead, ratings=ratings())
    with pytest.raises(ValidationError):
        services.save_side(review=review, organisation=hei, by=hei_lead, ratings=ratings("red"))
    with pytest.raises(ValidationError):
        services.submit_side(review=review, organisation=hei, by=hei_lead)
    side = PartnershipSide.objects.get(review=review, organisation=hei)
    assert side.ratings[Partnership.Area.GOVERNANCE]["rating"] == "green"
    assert side.submitted_by == hei_lead


def test_ratings_stay_hidden_until_every_side_submits(
    review, hei, employer, hei_lead, employer_lead
):
    services.save_side(review=review, organisation=hei, by=hei_lead, ratings=ratings())
    services.submit_side(review=review, organisation=employer, by=employer_lead, ratings=ratings())

    assert services.visible_sides(review=review, user=hei_lead) == [
        PartnershipSide.objects.get(review=review, organisation=hei)
    ]
    assert [s.organisation for s in services.visible_sides(review=review, user=employer_lead)] == [
        employer
    ]
    outsider = MembershipFactory(role=Role.PLACEMENT_LEAD).user
    assert services.visible_sides(review=review, user=outsider) == []

    services.submit_side(review=review, organisation=hei, by=hei_lead)
    for person in (hei_lead, employer_lead):
        assert {s.organisation for s in services.visible_sides(review=review, user=person)} == {
            hei,
            employer,
        }
    assert services.visible_sides(review=review, user=outsider) == []


def test_the_heis_page_shows_the_employers_comment_only_after_both_submit(
    client, partnership, review, hei, employer, hei_lead, employer_lead
):
    secret = "Caseloads too high for students in the duty team"
    services.submit_side(
        review=review,
        organisation=employer,
        by=employer_lead,
        ratings=ratings("red", placements=secret),
    )
    client.force_login(hei_lead)
    page = client.get(url(partnership)).content.decode()
    assert secret not in page
    assert "Not submitted yet" in page  # the HEI's own side
    assert 'name="governance-rating"' in page

    response = client.post(
        url(partnership),
        {
            "action": "submit",
            "organisation": hei.slug,
            **{f"{area}-rating": "amber" for area in AREAS},
            "curriculum-comment": "Good co-teaching",
        },
    )
    assert response.status_code == 302
    page = client.get(url(partnership)).content.decode()
    assert secret in page
    assert "Good co-teaching" in page
    assert "Red" in page and "Amber" in page  # ratings in words, not colour alone
    assert 'name="governance-rating"' not in page

    client.force_login(employer_lead)
    assert "Good co-teaching" in client.get(url(partnership)).content.decode()


def test_the_page_shows_errors_for_unrated_areas(client, partnership, review, hei, hei_lead):
    client.force_login(hei_lead)
    data = {"action": "save", "organisation": hei.slug}
    data.update({f"{area}-rating": "green" for area in AREAS[1:]})
    data["admissions-comment"] = "Joint interviews work well"
    response = client.post(url(partnership), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Rate governance red, amber or green" in page
    assert "Joint interviews work well" in page  # kept as typed
    assert PartnershipSide.objects.get(review=review, organisation=hei).ratings == {}


def test_a_non_member_cannot_open_a_review(client, partnership, hei, employer):
    people = [
        MembershipFactory(role=Role.PLACEMENT_LEAD, mfa=True).user,  # another organisation
        MembershipFactory(organisation=hei, role=Role.HEI_TUTOR, mfa=True).user,
        MembershipFactory(organisation=employer, role=Role.PRACTITIONER).user,
    ]
    for person in people:
        client.force_login(person)
        assert client.get(url(partnership)).status_code == 404
        assert (
            client.post(
                url(partnership),
                {"action": "submit", "organisation": hei.slug, **ratings()},
            ).status_code
            == 404
        )
    assert not PartnershipReview.objects.exists()


def test_a_review_for_an_impossible_year_is_not_found(client, partnership, hei_lead):
    client.force_login(hei_lead)
    assert client.get(url(partnership, 1850)).status_code == 404
    assert client.get(url(partnership)).status_code == 200


def test_actions_are_agreed_after_every_side_submits(
    client, partnership, review, hei, employer, hei_lead, employer_lead
):
    due = datetime.date.today() + datetime.timedelta(days=60)
    action = {"text": "Agree a workload cap for students", "owner": employer_lead, "due_on": due}
    services.submit_side(review=review, organisation=hei, by=hei_lead, ratings=ratings())
    with pytest.raises(ValidationError):
        services.add_action(review=review, by=hei_lead, **action)

    services.submit_side(review=review, organisation=employer, by=employer_lead, ratings=ratings())
    outsider = MembershipFactory(role=Role.PLACEMENT_LEAD).user
    with pytest.raises(PermissionDenied):
        services.add_action(review=review, by=outsider, **action)
    with pytest.raises(ValidationError) as error:
        services.add_action(review=review, by=hei_lead, **{**action, "owner": outsider})
    assert "owner" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.add_action(review=review, by=hei_lead, **{**action, "text": " "})
    assert "text" in error.value.message_dict

    item = services.add_action(review=review, by=hei_lead, **action)
    assert item.review == review and item.audit is None
    assert item.provider == employer
    assert item.owner == employer_lead

    client.force_login(employer_lead)
    response = client.post(
        url(partnership),
        {
            "action": "add-action",
            "text": "Invite practitioners to teach the skills days",
            "owner": str(hei_lead.uuid),
            "due_on_day": str(due.day),
            "due_on_month": str(due.month),
            "due_on_year": str(due.year),
        },
    )
    assert response.status_code == 302
    assert ActionItem.objects.get(text__startswith="Invite").provider == hei
    page = client.get(url(partnership)).content.decode()
    assert "Agree a workload cap for students" in page
    assert "Invite practitioners to teach the skills days" in page
