"""Starting and withdrawing a PEPS candidacy on the register of practice educators: the HEI
placement lead's form, the mentor list labelled with currency, refusals on their fields, the
guard on the course name, and withdrawal (the service and the button)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import AccessEvent
from placements import currency, educators
from placements.factories import EducatorAwardFactory, placement_world
from placements.models import EducatorCandidacy

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
URL = "/placements/educators/"


@pytest.fixture
def world():
    world = placement_world()
    EducatorAwardFactory(educator=world["pe"], awarded_by=world["hei"])  # a current mentor
    return world


def _post(client, world, **overrides):
    data = {
        "action": "candidacy",
        "candidacy-candidate": world["onsite"].pk,
        "candidacy-stage": "1",
        "candidacy-mentor": world["pe"].pk,
        "candidacy-provider": world["hei"].pk,
        "candidacy-started_on_day": "1",
        "candidacy-started_on_month": "9",
        "candidacy-started_on_year": str(TODAY.year - 1),
        "candidacy-programme_name": "Practice education stage 1",
    }
    data.update(overrides)
    client.force_login(world["hei_lead"])
    return client.post(f"{URL}?programme={world['programme'].pk}", data)


def test_the_lead_starts_a_candidacy_from_the_register(client, world):
    response = _post(client, world)
    assert response.status_code == 302, response.content.decode()[:600]
    candidacy = EducatorCandidacy.objects.get()
    assert (candidacy.candidate, candidacy.mentor, candidacy.provider, candidacy.stage) == (
        world["onsite"], world["pe"], world["hei"], 1,
    )  # fmt: skip
    page = client.get(response["Location"]).content.decode()
    assert "Working towards PEPS stage 1" in page and "Withdraw" in page


def test_the_mentor_list_offers_stage_2_educators_with_their_currency(client, world):
    lapsed = EducatorAwardFactory(
        educator=world["pe1"], awarded_by=world["hei"], awarded_on=currency.years_from(TODAY, -3)
    ).educator
    client.force_login(world["hei_lead"])
    form = client.get(URL).context["candidacy_form"]
    labels = {label for _, label in form.fields["mentor"].choices}
    assert f"{world['pe']} (current)" in labels
    assert f"{lapsed} (lapsed)" in labels
    assert not any(str(world["onsite"]) in label for label in labels)  # no stage 2 award


def test_a_lapsed_mentor_is_refused_on_its_field_and_nothing_typed_is_lost(client, world):
    lapsed = EducatorAwardFactory(
        educator=world["pe1"], awarded_by=world["hei"], awarded_on=currency.years_from(TODAY, -3)
    ).educator
    response = _post(client, world, **{"candidacy-mentor": lapsed.pk})
    assert response.status_code == 400
    form = response.context["candidacy_form"]
    assert "choose a current mentor" in form.errors["mentor"][0]
    assert "Practice education stage 1" in response.content.decode()
    assert not EducatorCandidacy.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"candidacy-stage": "2"}, "stage", "builds on stage 1"),
        ({"candidacy-mentor": ""}, "mentor", "Choose a mentor"),
        ({"candidacy-candidate": ""}, "candidate", "Choose the candidate"),
        ({"candidacy-provider": ""}, "provider", "Choose the organisation running the course"),
        ({"candidacy-started_on_day": "31", "candidacy-started_on_month": "2"}, "started_on", ""),
    ],
)
def test_refusals_name_their_field(client, world, overrides, field, words):
    response = _post(client, world, **overrides)
    assert response.status_code == 400
    errors = response.context["candidacy_form"].errors
    assert field in errors and words in " ".join(errors[field])
    assert not EducatorCandidacy.objects.exists()


def test_the_course_name_passes_the_guard(client, world):
    response = _post(client, world, **{"candidacy-programme_name": "Course, NHS 943 476 5919"})
    assert response.status_code == 400
    assert response.context["candidacy_form"].guard_findings
    assert not EducatorCandidacy.objects.exists()


def _candidacy(world):
    return educators.start_candidacy(
        by=world["hei_lead"], candidate=world["onsite"], stage=1, mentor=world["pe"],
        provider=world["hei"], started_on=TODAY - timedelta(days=30),
    )  # fmt: skip


def test_withdrawing_ends_the_candidacy_once_and_is_logged(world):
    candidacy = _candidacy(world)
    educators.withdraw_candidacy(by=world["hei_lead"], candidacy=candidacy)
    candidacy.refresh_from_db()
    assert candidacy.withdrawn_on == TODAY and not candidacy.is_open
    assert AccessEvent.objects.filter(
        actor=world["hei_lead"], owner=world["onsite"], change__contains="withdrawn"
    ).exists()
    with pytest.raises(ValidationError):
        educators.withdraw_candidacy(by=world["hei_lead"], candidacy=candidacy)
    # The candidate may start again.
    assert _candidacy(world).is_open


@pytest.mark.parametrize("who", ["provider_lead", "tutor", "pe"])
def test_only_the_universitys_lead_withdraws(world, who):
    candidacy = _candidacy(world)
    with pytest.raises(PermissionDenied):
        educators.withdraw_candidacy(by=world[who], candidacy=candidacy)
    candidacy.refresh_from_db()
    assert candidacy.is_open


def test_the_withdraw_button_on_the_register(client, world):
    candidacy = _candidacy(world)
    client.force_login(world["hei_lead"])
    response = client.post(URL, {"action": "withdraw", "candidacy": str(candidacy.uuid)})
    assert response.status_code == 302
    candidacy.refresh_from_db()
    assert candidacy.withdrawn_on == TODAY
    page = client.get(URL).content.decode()
    assert "Nobody is working towards a stage" in page


def test_a_candidacy_not_on_this_register_is_404(client, world):
    other = placement_world()
    EducatorAwardFactory(educator=other["pe"], awarded_by=other["hei"])
    theirs = _candidacy(other)
    client.force_login(world["hei_lead"])
    response = client.post(URL, {"action": "withdraw", "candidacy": str(theirs.uuid)})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_open


def test_the_candidacy_form_is_only_for_those_who_record(client, world):
    client.force_login(world["provider_lead"])
    assert client.post(URL, {"action": "candidacy"}).status_code == 404
