"""Days: the student logs, the practice educator or on-site supervisor confirms, only confirmed
days count, halves only where the programme says so, and completing needs the days confirmed
or an HEI reduction with its reason."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from placements import services
from placements.models import DaysLog, Placement
from placements.tests.test_placements import confirm_all_days, in_progress, ready_to_complete

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def log(placement, world, n, days=1):
    return services.log_days(
        placement=placement, by=world["student"], on=placement.starts_on + n * DAY, days=days
    )


def test_only_confirmed_days_count(world):
    placement = in_progress(world, onsite_supervisor=world["onsite"])
    first, second = log(placement, world, 0), log(placement, world, 1, "0.5")
    assert services.days_logged(placement) == 1.5
    assert services.days_confirmed(placement) == 0
    assert services.confirm_days(placement=placement, by=world["onsite"], entries=[first.pk]) == 1
    assert services.days_confirmed(placement) == 1
    services.confirm_days(placement=placement, by=world["pe"])
    second.refresh_from_db()
    assert second.confirmed_by == world["pe"] and second.confirmed_at
    assert services.days_confirmed(placement) == 1.5


def test_the_student_cannot_confirm_their_own_days_and_the_educator_does_not_log(world):
    placement = in_progress(world)
    log(placement, world, 0)
    with pytest.raises(PermissionDenied):
        services.confirm_days(placement=placement, by=world["student"])
    with pytest.raises(PermissionDenied):
        services.log_days(placement=placement, by=world["pe"], on=placement.starts_on, days=1)
    assert services.days_confirmed(placement) == 0


def test_confirming_nothing_is_refused_naming_the_entries(world):
    placement = in_progress(world)
    with pytest.raises(ValidationError) as error:
        services.confirm_days(placement=placement, by=world["pe"])
    assert "entries" in error.value.message_dict


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2", "Enter a number of days up to 1"),
        ("0", "Enter a number of days more than 0"),
        ("-1", "Enter a number of days more than 0"),
        ("0.3", "Enter a whole or a half day: 1 or 0.5"),
        ("lots", "Enter the number of days as a number, like 1 or 0.5"),
    ],
)
def test_input_errors_read_as_sentences_on_the_days_field(world, typed, message):
    placement = in_progress(world)
    with pytest.raises(ValidationError) as error:
        log(placement, world, 0, typed)
    assert error.value.message_dict == {"days": [message]}


def test_half_days_only_where_the_programme_counts_them(world):
    world["programme"].half_days_allowed = False
    world["programme"].save()
    placement = in_progress(world)
    with pytest.raises(ValidationError) as error:
        log(placement, world, 0, "0.5")
    assert "whole days only" in error.value.message_dict["days"][0]
    log(placement, world, 0, 1)


def test_completion_is_refused_with_unconfirmed_days(world):
    placement = in_progress(world)
    services.record_learning_agreement(
        placement=placement, by=world["tutor"], on=placement.starts_on
    )
    services.record_midpoint(placement=placement, by=world["pe"], on=placement.starts_on + DAY)
    services.record_final_report(
        placement=placement, by=world["pe"], text="Fine.", recommendation="pass"
    )
    # Every day logged, none confirmed.
    DaysLog.objects.bulk_create(
        DaysLog(
            placement=placement,
            on=placement.starts_on + n * DAY,
            days=1,
            recorded_by=world["student"],
        )
        for n in range(placement.days_required)
    )
    with pytest.raises(ValidationError) as error:
        services.complete(placement=placement, by=world["tutor"])
    assert "0 of the 70 days needed are confirmed" in error.value.message_dict["days"][0]
    placement.refresh_from_db()
    assert placement.status == Placement.Status.IN_PROGRESS
    services.confirm_days(placement=placement, by=world["pe"])
    services.complete(placement=placement, by=world["tutor"])
    placement.refresh_from_db()
    assert placement.status == Placement.Status.COMPLETED


def test_an_hei_reduction_with_a_reason_lets_fewer_days_complete(world):
    placement = ready_to_complete(world)
    DaysLog.objects.filter(placement=placement, on__gte=placement.starts_on + 65 * DAY).delete()
    with pytest.raises(ValidationError):
        services.complete(placement=placement, by=world["tutor"])
    with pytest.raises(PermissionDenied):
        services.reduce(placement=placement, by=world["provider_lead"], days=5, reason="Illness")
    with pytest.raises(ValidationError) as error:
        services.reduce(placement=placement, by=world["tutor"], days=5, reason=" ")
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.reduce(placement=placement, by=world["tutor"], days=0, reason="Illness")
    assert "days" in error.value.message_dict
    services.reduce(placement=placement, by=world["tutor"], days=5, reason="A week of illness")
    assert services.days_needed(placement) == 65
    assert "A week of illness" in placement.reduction_reason
    services.complete(placement=placement, by=world["tutor"])


def test_the_page_lets_the_student_log_and_the_educator_confirm(client, world):
    placement = in_progress(world)
    client.force_login(world["student"])
    day = placement.starts_on
    data = {
        "step": "log_days",
        "days-on_day": day.day,
        "days-on_month": day.month,
        "days-on_year": day.year,
    }
    response = client.post(placement.get_absolute_url(), {**data, "days-days": "1.25"})
    assert response.status_code == 400
    assert "Enter a whole or a half day: 1 or 0.5" in response.content.decode()
    response = client.post(placement.get_absolute_url(), {**data, "days-days": "7"})
    assert "Enter a number of days up to 1" in response.content.decode()
    assert client.post(placement.get_absolute_url(), {**data, "days-days": "1"}).status_code == 302
    page = client.get(placement.get_absolute_url()).content.decode()
    assert "0 of the 70 days needed are confirmed; 1 more logged" in page
    assert 'value="confirm_days"' not in page
    client.force_login(world["pe"])
    page = client.get(placement.get_absolute_url()).content.decode()
    assert 'value="confirm_days"' in page and 'value="log_days"' not in page
    entry = placement.days_log.get()
    response = client.post(
        placement.get_absolute_url(), {"step": "confirm_days", "entry": entry.pk}
    )
    assert response.status_code == 302
    assert services.days_confirmed(placement) == 1
    assert (
        "1 of the 70 days needed are confirmed"
        in client.get(placement.get_absolute_url()).content.decode()
    )


def test_confirm_all_helper_fills_the_placement(world):
    placement = in_progress(world)
    confirm_all_days(placement, world)
    assert services.days_confirmed(placement) == placement.days_required
    assert timezone.now()
