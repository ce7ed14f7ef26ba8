"""Skills days: logged on the programme by the HEI's tutor or placement lead (never the
provider), in halves only where the programme allows, and counted towards the programme's total
of practice learning up to the programme's limit; shown on the student's progress page. And the
provider's quality profile counts withdrawn and cancelled placements apart from early endings."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import AccessEvent
from organisations.factories import MembershipFactory, OrganisationFactory, TeamFactory
from organisations.models import Organisation, Role
from placements import quality, skills
from placements.factories import PlacementFactory, _member
from placements.models import DaysLog, Placement, PlacementKind, SettingType, SkillsDay
from placements.programme import programme_status

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = timedelta(days=1)


def log(world, *, by=None, students=None, on=None, topic="Court skills", days="1"):
    return skills.log_skills_day(
        by=by or world["tutor"],
        programme=world["programme"],
        students=students or [world["student"]],
        on=on or TODAY - DAY,
        topic=topic,
        days=days,
    )


def refusal(error: ValidationError) -> dict:
    return {field: " ".join(messages) for field, messages in error.message_dict.items()}


def test_the_hei_tutor_and_placement_lead_log_skills_days_and_nobody_else(world):
    made = log(world)
    assert made[0].days == 1 and made[0].recorded_by == world["tutor"]
    log(world, by=world["hei_lead"], on=TODAY - 2 * DAY)
    assert AccessEvent.objects.filter(owner=world["student"], actor=world["hei_lead"]).exists()
    for outsider in (
        world["provider_lead"],
        world["pe"],
        world["student"],
        MembershipFactory(role=Role.HEI_TUTOR, mfa=True).user,  # another university's tutor
    ):
        with pytest.raises(PermissionDenied):
            log(world, by=outsider, on=TODAY - 3 * DAY)
    assert SkillsDay.objects.count() == 2


def test_each_refusal_names_its_field(world):
    stranger = _member(world["hei"], Role.STUDENT)  # at the HEI but not in the cohort
    cases = [
        ({"days": "2"}, "days", "Enter a number of days up to 1, in halves (0.5 or 1)"),
        ({"days": "0.3"}, "days", "Enter a number of days up to 1"),
        ({"days": "one"}, "days", "Enter a number of days up to 1"),
        ({"on": TODAY + DAY}, "on", "must be today or in the past"),
        ({"topic": " "}, "topic", "Enter the topic of the skills day"),
        ({"students": [stranger]}, "students", f"{stranger} is not a student on"),
    ]
    for change, field, message in cases:
        with pytest.raises(ValidationError) as error:
            log(world, **change)
        assert message in refusal(error.value)[field], change
    assert not SkillsDay.objects.exists()


def test_halves_only_where_the_programme_allows_and_no_more_than_a_day_a_date(world):
    on = TODAY - 5 * DAY
    log(world, on=on, days="0.5")
    with pytest.raises(ValidationError) as error:
        log(world, on=on, days="1")
    assert refusal(error.value)["days"].startswith("Enter a number of days up to 0.5")
    log(world, on=on, days="0.5")
    world["programme"].half_days_allowed = False
    world["programme"].save()
    with pytest.raises(ValidationError) as error:
        log(world, on=TODAY - 6 * DAY, days="0.5")
    assert refusal(error.value)["days"] == "Enter 1: this programme logs whole days only"


def test_a_skills_day_logged_in_error_is_removed_by_the_hei(world):
    (record,) = log(world)
    with pytest.raises(PermissionDenied):
        skills.remove_skills_day(by=world["provider_lead"], record=record)
    skills.remove_skills_day(by=world["tutor"], record=record)
    assert not SkillsDay.objects.exists()


def _placement(world, *, kind, setting, starts, confirmed, status, team=None):
    made = PlacementFactory(
        cohort=world["cohort"],
        student=world["student"],
        provider_team=team or world["team"],
        practice_educator=world["pe"],
        hei_tutor=world["tutor"],
        kind=kind,
        setting_type=setting,
        status=status,
        starts_on=TODAY - starts * DAY,
        ends_on=TODAY - starts * DAY + 150 * DAY,
    )
    DaysLog.objects.bulk_create(
        DaysLog(
            placement=made,
            on=made.starts_on + n * DAY,
            recorded_by=world["student"],
            confirmed_by=world["pe"],
            confirmed_at=timezone.now(),
        )
        for n in range(confirmed)
    )
    return made


def test_the_200_days_include_skills_days_up_to_the_limit_across_three_placements(world):
    # 34 skills days logged; the programme counts 30 of them.
    students = [world["student"]]
    for n in range(34):
        log(world, students=students, on=TODAY - (900 - n) * DAY, topic=f"Skills {n}")
    voluntary = TeamFactory(organisation=OrganisationFactory(kind=Organisation.Kind.VOLUNTARY))
    _placement(
        world,
        kind=PlacementKind.FIRST,
        setting=SettingType.LA_ADULTS,
        starts=800,
        confirmed=20,
        status=Placement.Status.ENDED_EARLY,
    )
    _placement(
        world,
        kind=PlacementKind.FIRST,
        setting=SettingType.VOLUNTARY,
        starts=600,
        confirmed=70,
        status=Placement.Status.COMPLETED,
        team=voluntary,
    )
    final = _placement(
        world,
        kind=PlacementKind.FINAL,
        setting=SettingType.LA_CHILDREN,
        starts=300,
        confirmed=79,
        status=Placement.Status.COMPLETED,
    )
    status = programme_status(student=world["student"], programme=world["programme"])
    days = {check.label: check for check in status.checks}["Days of practice learning"]
    assert status.skills_days_logged == 34 and status.skills_days_counted == 30
    assert status.placement_days == 169 and status.days_confirmed == 199
    assert not days.met
    assert days.detail == (
        "199 days of 200 confirmed: 169 days in placements and 30 days of skills "
        "(34 days logged; up to 30 count)"
    )
    DaysLog.objects.create(
        placement=final,
        on=final.starts_on + 100 * DAY,
        recorded_by=world["student"],
        confirmed_by=world["pe"],
        confirmed_at=timezone.now(),
    )
    status = programme_status(student=world["student"], programme=world["programme"])
    assert status.days_confirmed == 200 and status.met
    # A programme that counts fewer skills days needs more days in practice.
    world["programme"].skills_days = 20
    world["programme"].save()
    status = programme_status(student=world["student"], programme=world["programme"])
    assert status.days_confirmed == 190 and not status.met


def test_the_progress_page_shows_skills_days(client, world):
    log(world, topic="Communicating with children", days="0.5")
    client.force_login(world["student"])
    html = client.get(f"/placements/progress/{world['student'].uuid}/").content.decode()
    assert "Communicating with children" in html
    assert "0.5 days of skills (up to 30 count)" in html


def test_the_skills_days_page_logs_for_a_cohort_and_keeps_what_was_typed(
    client, world, django_assert_max_num_queries
):
    others = [_member(world["hei"], Role.STUDENT) for _ in range(6)]
    world["cohort"].students.add(*others)
    url = f"/placements/skills-days/?cohort={world['cohort'].pk}"
    client.force_login(world["tutor"])
    # The whole first page: the header's task counts are not cached yet (46; 62 before issue 19).
    with django_assert_max_num_queries(50):
        page = client.get(url)
    assert page.status_code == 200 and str(others[0]) in page.content.decode()
    data = {
        "on_day": TODAY.day,
        "on_month": TODAY.month,
        "on_year": TODAY.year,
        "topic": "Assessment skills",
        "days": "2",
        "students": [world["student"].pk, others[0].pk],
    }
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Enter a number of days up to 1" in html and 'value="Assessment skills"' in html
    response = client.post(url, {**data, "days": "0.5"})
    assert response.status_code == 302
    assert SkillsDay.objects.filter(days=Decimal("0.5")).count() == 2
    # Reachable from the progress list; 404 for the provider's people and the student.
    client.force_login(world["hei_lead"])
    assert 'href="/placements/skills-days/"' in client.get("/placements/progress/").content.decode()
    for outsider in (world["provider_lead"], world["pe"], world["student"]):
        client.force_login(outsider)
        assert client.get(url).status_code == 404


def test_the_quality_profile_counts_withdrawn_and_cancelled_apart(world):
    for status in (
        Placement.Status.ENDED_EARLY,
        Placement.Status.WITHDRAWN,
        Placement.Status.WITHDRAWN,
        Placement.Status.CANCELLED,
        Placement.Status.COMPLETED,
    ):
        PlacementFactory(
            cohort=world["cohort"],
            provider_team=world["team"],
            status=status,
            starts_on=TODAY,
            ends_on=TODAY + 100 * DAY,
        )
    year = quality.provider_profile(world["provider"]).overall.years[0]
    assert (year.placements, year.completed, year.ended_early) == (5, 1, 1)
    assert (year.withdrawn, year.cancelled) == (2, 1)


def test_a_session_logged_in_error_is_removed_from_the_skills_days_page(client, world):
    other = _member(world["hei"], Role.STUDENT)
    world["cohort"].students.add(other)
    on = TODAY - 3 * DAY
    log(world, students=[world["student"], other], on=on, topic="Court skills")
    log(world, on=TODAY - 4 * DAY, topic="Writing records")
    url = f"/placements/skills-days/?cohort={world['cohort'].pk}"
    client.force_login(world["provider_lead"])
    assert client.post(url, {"what": "remove", "on": on.isoformat()}).status_code == 404
    client.force_login(world["hei_lead"])
    page = client.get(url).content.decode()
    assert "Court skills" in page and "Writing records" in page
    response = client.post(url, {"what": "remove", "on": on.isoformat(), "topic": "Court skills"})
    assert response.status_code == 302
    assert list(SkillsDay.objects.values_list("topic", flat=True)) == ["Writing records"]
    assert AccessEvent.objects.filter(
        owner=other, actor=world["hei_lead"], change__startswith="skills day removed"
    ).exists()
