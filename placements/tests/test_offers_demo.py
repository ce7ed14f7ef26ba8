"""The demo's offers against demand for the University of Northshire, and the 2024 intake's
skills days on Sol Varga's progress page."""

import pytest

from accounts.demo import DEMO_DOMAIN, ensure_demo_people
from accounts.models import User
from placements import offers
from placements.demo import ensure_demo_placements
from placements.models import Cohort, PlacementOffer, SkillsDay
from placements.offers_demo import HALF_DAY_SESSIONS, SKILLS_TOPICS

pytestmark = pytest.mark.django_db


def person(local):
    return User.objects.get(email=f"{local}@{DEMO_DOMAIN}")


def test_the_demo_has_offers_against_demand_and_skills_days(client):
    ensure_demo_people()
    ensure_demo_placements()
    term = PlacementOffer.objects.values_list("term", flat=True).first()
    cohort = Cohort.objects.get(programme__hei__slug="uni-northshire", name="2024 intake")
    first, final = offers.demand_against_offers(cohort=cohort, term=term).rows
    assert (first.offered, first.taken) == (2, 1)
    assert (final.offered, final.taken, final.statutory_left) == (4, 1, 2)
    assert final.to_place > 0
    client.force_login(person("hal.placements"))
    page = client.get(f"/placements/offers/demand/?cohort={cohort.pk}&term={term}")
    assert page.status_code == 200 and "Brightpath Family Support" in page.content.decode()

    sol = person("sol.student")
    logged = SkillsDay.objects.filter(student=sol)
    assert logged.count() == len(SKILLS_TOPICS)
    client.force_login(sol)
    html = client.get(f"/placements/progress/{sol.uuid}/").content.decode()
    days = len(SKILLS_TOPICS) - len(HALF_DAY_SESSIONS) / 2
    assert f"{days:g} days of skills" in html and SKILLS_TOPICS[0] in html
    # Run again: nothing more is made.
    ensure_demo_placements()
    assert PlacementOffer.objects.count() == 4 and logged.count() == len(SKILLS_TOPICS)
