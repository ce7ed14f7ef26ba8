"""The register of practice educators: currency, the lapsed-educator rule when a placement is
proposed, recording awards and candidacies, the register page (HEI placement leads only, query
count pinned) and the educator's own record."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import AccessEvent
from organisations.factories import MembershipFactory
from organisations.models import Membership, PepsStage, Role
from placements import educators
from placements.factories import (
    EducatorAwardFactory,
    EducatorCandidacyFactory,
    HEIFactory,
    PlacementFactory,
    ProgrammeFactory,
    placement_world,
)
from placements.models import EducatorCandidacy, Placement, PlacementKind

from .test_placements import propose, refused

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
THREE_YEARS_AGO = educators.years_from(TODAY, -3)


def lapsed(world, person="pe"):
    """Give the world's educator a stage 2 award three years old and no practice since."""
    return EducatorAwardFactory(
        educator=world[person], stage=PepsStage.STAGE_2, awarded_on=THREE_YEARS_AGO,
        awarded_by=world["hei"],
    )  # fmt: skip


def supported(educator, *, ends_on, status=Placement.Status.COMPLETED, co=False):
    starts_on = ends_on - timedelta(days=140)
    if co:
        return PlacementFactory(
            co_assessor=educator, status=status, starts_on=starts_on, ends_on=ends_on
        )
    return PlacementFactory(
        practice_educator=educator, status=status, starts_on=starts_on, ends_on=ends_on
    )


# ---------------------------------------------------------------------------------------------
# Currency


def test_someone_just_awarded_is_current_for_the_period_from_the_award():
    award = EducatorAwardFactory(awarded_on=TODAY - timedelta(days=10))
    currency = educators.currency_of(award.educator)
    assert currency.status == educators.CURRENT
    assert currency.current_until == educators.years_from(award.awarded_on, 2)


def test_an_award_without_practice_education_in_the_period_has_lapsed():
    award = EducatorAwardFactory(awarded_on=THREE_YEARS_AGO)
    currency = educators.currency_of(award.educator)
    assert currency.is_lapsed
    assert currency.current_until == educators.years_from(THREE_YEARS_AGO, 2)
    assert "Lapsed on" in currency.detail


def test_a_placement_supported_within_the_period_keeps_the_educator_current():
    award = EducatorAwardFactory(awarded_on=THREE_YEARS_AGO)
    supported(award.educator, ends_on=TODAY - timedelta(days=300))
    currency = educators.currency_of(award.educator)
    assert currency.status == educators.CURRENT
    assert currency.last_practice_on == TODAY - timedelta(days=300)


def test_co_assessing_counts_and_a_placement_under_way_counts_to_today():
    award = EducatorAwardFactory(awarded_on=THREE_YEARS_AGO)
    supported(
        award.educator, ends_on=TODAY + timedelta(days=40), status=Placement.Status.IN_PROGRESS,
        co=True,
    )  # fmt: skip
    currency = educators.currency_of(award.educator)
    assert currency.status == educators.CURRENT and currency.last_practice_on == TODAY


@pytest.mark.parametrize(
    "status",
    [Placement.Status.WITHDRAWN, Placement.Status.CANCELLED, Placement.Status.PROPOSED],
)
def test_placements_that_were_not_practice_education_do_not_count(status):
    award = EducatorAwardFactory(awarded_on=THREE_YEARS_AGO)
    supported(award.educator, ends_on=TODAY - timedelta(days=30), status=status)
    assert educators.currency_of(award.educator).is_lapsed


def test_practice_education_ended_before_the_period_does_not_count():
    award = EducatorAwardFactory(awarded_on=educators.years_from(TODAY, -5))
    supported(award.educator, ends_on=educators.years_from(TODAY, -2) - timedelta(days=1))
    assert educators.currency_of(award.educator).is_lapsed


def test_the_programme_sets_the_period():
    award = EducatorAwardFactory(awarded_on=THREE_YEARS_AGO)
    assert educators.currency_of(award.educator, years=2).is_lapsed
    assert not educators.currency_of(award.educator, years=4).is_lapsed


def test_without_an_award_on_the_register_no_currency_is_judged():
    educator = MembershipFactory(role=Role.PRACTICE_EDUCATOR).user
    currency = educators.currency_of(educator)
    assert currency.status == educators.NOT_RECORDED and not currency.is_lapsed


def test_29_february_moves_to_the_28th():
    assert educators.years_from(date(2024, 2, 29), 2) == date(2026, 2, 28)
    assert educators.years_from(date(2024, 2, 29), 4) == date(2028, 2, 29)


# ---------------------------------------------------------------------------------------------
# A lapsed educator is never the sole assessor


def test_a_lapsed_educator_cannot_be_the_sole_assessor(world):
    lapsed(world)
    with pytest.raises(ValidationError) as error:
        propose(world)
    (message,) = refused(error)["practice_educator"]
    assert "lapsed" in message and "add a current co-assessor" in message
    assert world["programme"].name in message and "2 years" in message


def test_a_lapsed_educator_may_be_co_assessed_by_a_current_one(world):
    lapsed(world)
    co = MembershipFactory(
        organisation=world["provider"], role=Role.PRACTICE_EDUCATOR, peps_stage=2
    ).user
    EducatorAwardFactory(educator=co, awarded_by=world["hei"])
    placement = propose(world, co_assessor=co)
    assert placement.co_assessor == co


def test_a_lapsed_co_assessor_is_refused_on_its_field(world):
    co = MembershipFactory(
        organisation=world["provider"], role=Role.PRACTICE_EDUCATOR, peps_stage=2
    ).user
    EducatorAwardFactory(educator=co, awarded_on=THREE_YEARS_AGO, awarded_by=world["hei"])
    with pytest.raises(ValidationError) as error:
        propose(world, co_assessor=co)
    assert "choose a current co-assessor" in refused(error)["co_assessor"][0]


def test_a_longer_period_set_by_the_programme_lets_the_same_educator_assess_alone(world):
    lapsed(world)
    world["programme"].peps_currency_years = 4
    world["programme"].save()
    assert propose(world).practice_educator == world["pe"]


def test_a_current_educator_and_one_not_on_the_register_are_chosen_as_before(world):
    assert propose(world).practice_educator == world["pe"]  # no award: not judged
    other = placement_world()
    EducatorAwardFactory(educator=other["pe"], awarded_by=other["hei"])
    assert propose(other).practice_educator == other["pe"]


def test_the_proposal_page_shows_the_refusal_on_the_field(client, world):
    lapsed(world)
    client.force_login(world["hei_lead"])
    response = client.post(
        "/placements/new/",
        {
            "cohort": world["cohort"].pk,
            "student": world["student"].pk,
            "provider_team": world["team"].pk,
            # People are chosen by their role: the values are memberships, not users.
            "practice_educator": world["pe"].memberships.get(role=Role.PRACTICE_EDUCATOR).pk,
            "hei_tutor": world["tutor"].memberships.get(role=Role.HEI_TUTOR).pk,
            "kind": PlacementKind.FIRST,
            "setting_type": "la-children",
            "starts_on_day": TODAY.day,
            "starts_on_month": TODAY.month,
            "starts_on_year": TODAY.year,
            "ends_on_day": TODAY.day,
            "ends_on_month": TODAY.month,
            "ends_on_year": TODAY.year + 1,
        },
    )
    assert response.status_code in (200, 400)
    errors = response.context["form"].errors if response.context else {}
    assert "add a current co-assessor" in response.content.decode(), errors
    assert not Placement.objects.exists()


# ---------------------------------------------------------------------------------------------
# Recording awards and candidacies


def test_the_hei_lead_records_an_award_which_raises_the_role_and_ends_the_candidacy(world):
    EducatorAwardFactory(educator=world["pe1"], stage=1, awarded_by=world["hei"])
    mentor = EducatorAwardFactory(awarded_by=world["hei"]).educator
    candidacy = educators.start_candidacy(
        by=world["hei_lead"], candidate=world["pe1"], stage=2, mentor=mentor,
        provider=world["hei"], started_on=TODAY - timedelta(days=200),
    )  # fmt: skip
    award = educators.record_award(
        by=world["hei_lead"], educator=world["pe1"], stage=2, awarded_on=TODAY,
        awarded_by=world["hei"], programme_name="Practice education stage 2",
    )  # fmt: skip
    candidacy.refresh_from_db()
    assert candidacy.award == award and not candidacy.is_open
    membership = Membership.objects.get(user=world["pe1"], role=Role.PRACTICE_EDUCATOR)
    assert membership.peps_stage == 2
    assert AccessEvent.objects.filter(actor=world["hei_lead"], owner=world["pe1"]).exists()


@pytest.mark.parametrize("who", ["provider_lead", "tutor", "pe"])
def test_only_the_awarding_universitys_lead_records_its_awards(world, who):
    with pytest.raises(PermissionDenied):
        educators.record_award(
            by=world[who], educator=world["pe1"], stage=1, awarded_on=TODAY,
            awarded_by=world["hei"],
        )  # fmt: skip


def test_another_universitys_lead_cannot_record_for_this_one(world):
    other = placement_world()
    with pytest.raises(PermissionDenied):
        educators.record_award(
            by=other["hei_lead"], educator=world["pe1"], stage=1, awarded_on=TODAY,
            awarded_by=world["hei"],
        )  # fmt: skip


@pytest.mark.parametrize(
    ("stage", "awarded_on", "field", "words"),
    [
        (2, TODAY, "stage", "record"),  # stage 2 before stage 1
        (1, TODAY + timedelta(days=1), "awarded_on", "today or earlier"),
        (1, None, "awarded_on", "Enter the date of the award"),
    ],
)
def test_award_refusals_name_their_field(world, stage, awarded_on, field, words):
    with pytest.raises(ValidationError) as error:
        educators.record_award(
            by=world["hei_lead"], educator=world["pe1"], stage=stage, awarded_on=awarded_on,
            awarded_by=world["hei"],
        )  # fmt: skip
    assert words in " ".join(refused(error)[field])


def test_a_stage_is_awarded_once(world):
    EducatorAwardFactory(educator=world["pe1"], stage=1, awarded_by=world["hei"])
    with pytest.raises(ValidationError) as error:
        educators.record_award(
            by=world["hei_lead"], educator=world["pe1"], stage=1, awarded_on=TODAY,
            awarded_by=world["hei"],
        )  # fmt: skip
    assert "already has PEPS stage 1" in refused(error)["stage"][0]


def _candidacy(world, **overrides):
    arguments = {
        "by": world["hei_lead"],
        "candidate": world["onsite"],
        "stage": 1,
        "mentor": world["pe"],
        "provider": world["hei"],
        "started_on": TODAY,
    }
    arguments.update(overrides)
    return educators.start_candidacy(**arguments)


def test_a_mentor_needs_a_current_stage_2_award(world):
    with pytest.raises(ValidationError) as error:
        _candidacy(world)  # the educator's role says stage 2, but no award is on the register
    assert "no PEPS stage 2 award" in refused(error)["mentor"][0]
    lapsed(world)
    with pytest.raises(ValidationError) as error:
        _candidacy(world)
    assert "lapsed" in refused(error)["mentor"][0]
    EducatorAwardFactory(educator=world["pe1"], stage=1, awarded_by=world["hei"])
    with pytest.raises(ValidationError) as error:
        _candidacy(world, mentor=world["pe1"])
    assert "no PEPS stage 2 award" in refused(error)["mentor"][0]


def test_candidacy_refusals_name_their_field(world):
    EducatorAwardFactory(educator=world["pe"], awarded_by=world["hei"])
    with pytest.raises(ValidationError) as error:
        _candidacy(world, candidate=world["pe"])
    assert refused(error)["mentor"] == ["A candidate cannot mentor themselves"]
    with pytest.raises(ValidationError) as error:
        _candidacy(world, stage=2)
    assert "builds on stage 1" in refused(error)["stage"][0]
    _candidacy(world)
    with pytest.raises(ValidationError) as error:
        _candidacy(world)
    assert "already working towards" in refused(error)["stage"][0]
    assert EducatorCandidacy.objects.count() == 1


def test_only_the_universitys_lead_starts_a_candidacy(world):
    EducatorAwardFactory(educator=world["pe"], awarded_by=world["hei"])
    with pytest.raises(PermissionDenied):
        _candidacy(world, by=world["provider_lead"])


# ---------------------------------------------------------------------------------------------
# The register page


def _register_world():
    """A programme with a current educator, a lapsed one on a past placement, and a candidate
    with their mentor."""
    world = placement_world()
    EducatorAwardFactory(educator=world["pe"], awarded_by=world["hei"])
    old = lapsed(world, "pe1")
    PlacementFactory(
        cohort=world["cohort"], practice_educator=world["pe1"], practice_educator_stage=2,
        provider_team=world["team"], status=Placement.Status.COMPLETED,
        starts_on=educators.years_from(TODAY, -4), ends_on=THREE_YEARS_AGO,
    )  # fmt: skip
    candidacy = _candidacy(world)
    return world, old, candidacy


def test_the_register_shows_stages_currency_candidates_mentors_and_placements(client):
    world, old, candidacy = _register_world()
    client.force_login(world["hei_lead"])
    response = client.get("/placements/educators/")
    assert response.status_code == 200
    rows = {row.educator: row for row in response.context["rows"]}
    assert set(rows) == {world["pe"], world["pe1"], world["onsite"]}
    assert rows[world["pe"]].currency.status == educators.CURRENT
    assert rows[world["pe"]].mentees == [candidacy]
    assert rows[world["pe1"]].currency.is_lapsed
    assert len(rows[world["pe1"]].placements) == 1
    assert rows[world["onsite"]].currency.status == educators.NOT_RECORDED
    assert rows[world["onsite"]].candidacies == [candidacy]
    page = response.content.decode()
    assert "Lapsed" in page and "Working towards PEPS stage 1" in page
    # Reading the register logs a read of each award shown.
    assert AccessEvent.objects.filter(
        actor=world["hei_lead"], owner=world["pe1"], action=AccessEvent.Action.READ
    ).exists()


@pytest.mark.parametrize("who", ["provider_lead", "tutor", "student", "pe"])
def test_nobody_but_the_hei_placement_lead_opens_the_register(client, who):
    world, _, _ = _register_world()
    client.force_login(world[who])
    assert client.get("/placements/educators/").status_code == 404


def test_another_programmes_register_is_404(client):
    world, _, _ = _register_world()
    other = ProgrammeFactory(hei=HEIFactory())
    client.force_login(world["hei_lead"])
    assert client.get(f"/placements/educators/?programme={other.pk}").status_code == 404
    assert (
        client.get(f"/placements/educators/?programme={world['programme'].pk}").status_code == 200
    )


def test_the_register_query_count_does_not_grow_with_people(client, django_assert_max_num_queries):
    world, _, _ = _register_world()
    client.force_login(world["hei_lead"])
    client.get("/placements/educators/")
    with django_assert_max_num_queries(22):
        assert client.get("/placements/educators/").status_code == 200
    for _ in range(4):
        educator = EducatorAwardFactory(awarded_by=world["hei"]).educator
        PlacementFactory(cohort=world["cohort"], practice_educator=educator, co_assessor=None)
    with django_assert_max_num_queries(22):
        response = client.get("/placements/educators/")
    assert len(response.context["rows"]) == 7


def test_recording_an_award_through_the_register_page(client, world):
    client.force_login(world["hei_lead"])
    response = client.post(
        f"/placements/educators/?programme={world['programme'].pk}",
        {
            "programme": world["programme"].pk,
            "award-educator": world["pe1"].pk,
            "award-stage": "1",
            "award-awarded_on_day": "3",
            "award-awarded_on_month": "3",
            "award-awarded_on_year": str(TODAY.year - 1),
            "award-programme_name": "Practice education stage 1",
        },
    )
    assert response.status_code == 302
    award = world["pe1"].peps_awards.get()
    assert award.awarded_by == world["hei"] and award.awarded_on == date(TODAY.year - 1, 3, 3)


def test_a_refused_award_names_its_field_and_keeps_what_was_typed(client, world):
    client.force_login(world["hei_lead"])
    response = client.post(
        "/placements/educators/",
        {
            "award-educator": world["pe1"].pk,
            "award-stage": "2",
            "award-awarded_on_day": "3",
            "award-awarded_on_month": "3",
            "award-awarded_on_year": str(TODAY.year - 1),
            "award-programme_name": "Stage two course",
        },
    )
    assert response.status_code == 400
    assert "Stage 2 builds on stage 1" in response.context["form"].errors["stage"][0]
    assert "Stage two course" in response.content.decode()
    assert not world["pe1"].peps_awards.exists()


# ---------------------------------------------------------------------------------------------
# The educator's own record, and the home


def test_the_educator_sees_their_own_record_only(client):
    world, old, candidacy = _register_world()
    client.force_login(world["pe1"])
    response = client.get("/placements/educators/mine/")
    assert response.status_code == 200
    record = response.context["record"]
    assert record.awards == [old]
    assert [c.is_lapsed for _, c in record.currencies] == [True]
    assert len(record.placements) == 1
    client.force_login(world["pe"])
    record = client.get("/placements/educators/mine/").context["record"]
    assert record.mentees == [candidacy] and world["pe1"] not in [a.educator for a in record.awards]


def test_home_links_the_record_and_the_register(client):
    world, _, _ = _register_world()
    client.force_login(world["pe1"])
    assert "/placements/educators/mine/" in client.get("/home/").content.decode()
    client.force_login(world["hei_lead"])
    assert 'href="/placements/educators/"' in client.get("/home/").content.decode()
    client.force_login(world["student"])
    page = client.get("/home/").content.decode()
    assert "/placements/educators/" not in page


def test_factories_build():
    assert EducatorCandidacyFactory().mentor.peps_awards.get().stage == 2


def test_the_demo_register_shows_stages_a_lapsed_educator_and_a_candidate(client):
    from accounts.demo import DEMO_DOMAIN
    from accounts.models import User
    from placements.demo import ensure_demo_placements

    ensure_demo_placements()
    ensure_demo_placements()  # again: nothing changes

    def person(local):
        return User.objects.get(email=f"{local}@{DEMO_DOMAIN}")

    client.force_login(person("hal.placements"))
    response = client.get("/placements/educators/")
    assert response.status_code == 200
    rows = {row.educator.email.split("@")[0]: row for row in response.context["rows"]}
    assert [a.stage for a in rows["pat.educator"].awards] == [1, 2]
    assert rows["pat.educator"].currency.status == educators.CURRENT
    assert rows["pat.educator"].placements
    assert rows["rowan.educator"].currency.is_lapsed
    assert rows["noor.educator"].currency.status == educators.CURRENT
    (candidacy,) = response.context["candidacies"]
    assert candidacy.candidate == person("priya.practitioner")
    assert candidacy.mentor == person("pat.educator")
    assert rows["pat.educator"].mentees == [candidacy]


def test_the_registers_page_links_the_educator_register_for_hei_leads_only(client, world):
    client.force_login(world["hei_lead"])
    assert 'href="/placements/educators/"' in client.get("/placements/registers/").content.decode()
    client.force_login(world["provider_lead"])
    page = client.get("/placements/registers/").content.decode()
    assert 'href="/placements/educators/"' not in page
