"""Programme-level checks per student: confirmed days across placements against the programme's
total, contrasting settings, the statutory-tasks placement; and the page for the student, their
tutor and the HEI's placement lead (404 for anyone else)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AccessEvent
from organisations.factories import MembershipFactory, OrganisationFactory, TeamFactory
from organisations.models import Organisation, Role
from placements.factories import PlacementFactory
from placements.models import DaysLog, Placement, PlacementKind, SettingType, SkillsDay
from placements.programme import programme_status

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = timedelta(days=1)


def placement(
    world,
    *,
    kind,
    setting,
    starts,
    status=Placement.Status.COMPLETED,
    confirmed=None,
    unconfirmed=0,
    team=None,
):
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
    confirmed = made.days_required if confirmed is None else confirmed
    DaysLog.objects.bulk_create(
        DaysLog(
            placement=made,
            on=made.starts_on + n * DAY,
            days=1,
            recorded_by=world["student"],
            confirmed_by=world["pe"] if n < confirmed else None,
            confirmed_at=timezone.now() if n < confirmed else None,
        )
        for n in range(confirmed + unconfirmed)
    )
    return made


def checks(world):
    status = programme_status(student=world["student"], programme=world["programme"])
    return status, {check.label: check for check in status.checks}


def test_three_placements_meet_the_200_days_and_contrasting_settings(world):
    voluntary = TeamFactory(organisation=OrganisationFactory(kind=Organisation.Kind.VOLUNTARY))
    SkillsDay.objects.bulk_create(
        SkillsDay(
            programme=world["programme"],
            student=world["student"],
            on=TODAY - (800 - n) * DAY,
            topic="Communication skills",
            recorded_by=world["tutor"],
        )
        for n in range(30)
    )
    placement(
        world, kind=PlacementKind.FIRST, setting=SettingType.VOLUNTARY, starts=500, team=voluntary
    )
    status, by_label = checks(world)
    assert status.days_confirmed == 100
    assert not by_label["Days of practice learning"].met
    assert by_label["Days of practice learning"].detail == (
        "100 days of 200 confirmed: 70 days in placements and 30 days of skills (up to 30 count)"
    )
    assert not by_label["Contrasting settings"].met
    assert not by_label["A placement with statutory tasks"].met
    assert not status.met
    # The final placement, in progress with its days not all confirmed, does not meet them yet.
    final = placement(
        world,
        kind=PlacementKind.FINAL,
        setting=SettingType.LA_CHILDREN,
        starts=200,
        status=Placement.Status.IN_PROGRESS,
        confirmed=90,
        unconfirmed=10,
    )
    status, by_label = checks(world)
    assert status.days_confirmed == 190
    assert not by_label["Days of practice learning"].met
    assert not by_label["Contrasting settings"].met
    # Confirmed and completed: every check is met.
    DaysLog.objects.filter(placement=final).update(
        confirmed_by=world["pe"], confirmed_at=timezone.now()
    )
    Placement.objects.filter(pk=final.pk).update(status=Placement.Status.COMPLETED)
    status, by_label = checks(world)
    assert status.days_confirmed == 200
    assert by_label["Days of practice learning"].met
    assert by_label["Contrasting settings"].met
    assert by_label["A placement with statutory tasks"].met
    assert status.met


def test_two_placements_in_the_same_kind_of_setting_do_not_contrast(world):
    placement(world, kind=PlacementKind.FIRST, setting=SettingType.LA_CHILDREN, starts=500)
    placement(world, kind=PlacementKind.FINAL, setting=SettingType.LA_CHILDREN, starts=300)
    _status, by_label = checks(world)
    assert not by_label["Contrasting settings"].met
    assert "1 kind of setting" in by_label["Contrasting settings"].detail


def test_the_programmes_own_total_and_statutory_setting_are_used(world):
    world["programme"].practice_days_total = 170
    world["programme"].statutory_placement_required = False
    world["programme"].save()
    placement(world, kind=PlacementKind.FIRST, setting=SettingType.VOLUNTARY, starts=500)
    placement(world, kind=PlacementKind.FINAL, setting=SettingType.HEALTH, starts=300)
    status, by_label = checks(world)
    assert "A placement with statutory tasks" not in by_label
    assert by_label["Days of practice learning"].met
    assert status.met


def test_cancelled_placements_are_left_out_but_days_of_one_ended_early_count(world):
    placement(
        world,
        kind=PlacementKind.FIRST,
        setting=SettingType.LA_ADULTS,
        starts=600,
        status=Placement.Status.CANCELLED,
        confirmed=0,
    )
    placement(
        world,
        kind=PlacementKind.FIRST,
        setting=SettingType.LA_ADULTS,
        starts=400,
        status=Placement.Status.ENDED_EARLY,
        confirmed=20,
    )
    status, by_label = checks(world)
    assert len(status.placements) == 1
    assert status.days_confirmed == 20
    assert not by_label["A placement with statutory tasks"].met


def test_the_student_tutor_and_hei_lead_read_the_page_and_others_get_404(client, world):
    placement(
        world,
        kind=PlacementKind.FIRST,
        setting=SettingType.LA_CHILDREN,
        starts=300,
        confirmed=60,
        unconfirmed=5,
    )
    url = f"/placements/progress/{world['student'].uuid}/"
    client.force_login(world["student"])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "60 days of 200 confirmed" in html and "60 of 70" in html
    assert client.get("/placements/progress/").url == url
    assert not AccessEvent.objects.exists()
    for who in ("tutor", "hei_lead"):
        client.force_login(world[who])
        assert client.get(url).status_code == 200, who
        listing = client.get("/placements/progress/")
        assert listing.status_code == 200 and url in listing.content.decode()
    assert AccessEvent.objects.filter(owner=world["student"], actor=world["tutor"]).exists()
    outsiders = [
        world["provider_lead"],
        world["pe"],
        MembershipFactory(role=Role.STUDENT).user,
        MembershipFactory(role=Role.PLACEMENT_LEAD, mfa=True).user,
        MembershipFactory(organisation=world["hei"], role=Role.HEI_TUTOR, mfa=True).user,
    ]
    for outsider in outsiders:
        client.force_login(outsider)
        assert client.get(url).status_code == 404, outsider
        assert client.get("/placements/progress/").status_code == 404, outsider


def test_the_page_is_reachable_from_each_home(client, world):
    placement(world, kind=PlacementKind.FIRST, setting=SettingType.LA_CHILDREN, starts=300)
    for who, target in (
        ("student", f"/placements/progress/{world['student'].uuid}/"),
        ("tutor", "/placements/progress/"),
        ("hei_lead", "/placements/progress/"),
    ):
        client.force_login(world[who])
        assert f'href="{target}"' in client.get("/home/").content.decode(), who
