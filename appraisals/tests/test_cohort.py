"""The ASYE cohort page and chasing (issue 14). The organisation's ASYE coordinators and PSWs see
every ASYE programme with each review point, who owes what at the open one, the recommendation
and the panel's decision; nobody else opens it. A chase emails each person who still owes
something at an open review that is overdue or due soon, is kept and shown, and is refused a
second time the same day."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import AccessEvent
from appraisals import cohort, services
from appraisals.factories import answer_required
from appraisals.models import Chase, Stage
from appraisals.tests.coordinator_world import coordinator_of, make_world
from organisations.factories import MembershipFactory, OrganisationFactory
from organisations.models import Role

pytestmark = pytest.mark.django_db

URL = "/appraisals/asye/cohort/"


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def world(pcf, today):
    """The ASYE's first review point (due 14 days after the start) is three days overdue."""
    return make_world(start=today - datetime.timedelta(days=17))


def first_stage(appraisal):
    return appraisal.stages.select_related("template_stage").get(order=1)


def chase_url(appraisal, number=1):
    return f"{URL}{appraisal.uuid}/stages/{number}/chase/"


# ---------------------------------------------------------------------------------------------
# Who opens the page


def test_the_coordinator_and_the_psw_see_the_cohort(world, client):
    for person in (world.coordinator, world.psw):
        client.force_login(person)
        response = client.get(URL)
        assert response.status_code == 200
        page = response.content.decode()
        assert [row.appraisal for row in response.context["rows"]] == [world.asye]
        assert str(world.newcomer) in page and str(world.colleague) not in page
        assert world.asye.get_absolute_url() in page
        assert "Overdue" in page and "Not started" in page


@pytest.mark.parametrize("who", ["manager", "newcomer", "admin", "stranger", "stranger_psw"])
def test_nobody_else_opens_the_cohort(world, client, who):
    people = {
        "manager": world.manager,
        "newcomer": world.newcomer,
        "admin": MembershipFactory(
            organisation=world.organisation, role=Role.ORG_ADMIN, mfa=True
        ).user,
        "stranger": coordinator_of(OrganisationFactory()),
        "stranger_psw": MembershipFactory(
            organisation=OrganisationFactory(), role=Role.PRINCIPAL_SOCIAL_WORKER, mfa=True
        ).user,
    }
    client.force_login(people[who])
    response = client.get(URL, {"organisation": world.organisation.slug})
    assert response.status_code == 404
    assert client.post(chase_url(world.asye)).status_code == 404
    assert not Chase.objects.exists()


def test_the_page_shows_who_owes_what_and_logs_each_read(world, client):
    client.force_login(world.coordinator)
    response = client.get(URL)
    [row] = response.context["rows"]
    point = row.open_point
    assert point.state == cohort.OVERDUE and point.chaseable
    owing = {entry["role"] for entry in point.owing}
    assert owing == {"appraisee", "appraiser"}
    page = response.content.decode()
    assert f"{world.manager} (appraiser): answer needed" in page
    assert f"{world.newcomer} (appraisee): answer needed" in page
    assert f"Still to sign: {world.newcomer} (appraisee), {world.manager} (appraiser)" in page
    assert AccessEvent.objects.filter(
        actor=world.coordinator,
        owner=world.newcomer,
        action=AccessEvent.Action.READ,
        path__startswith=URL,
    ).exists()
    assert not AccessEvent.objects.filter(owner=world.colleague).exists()


def test_the_recommendation_and_panel_decision_show(world, client):
    from appraisals.models import Appraisal

    Appraisal.objects.filter(pk=world.asye.pk).update(
        status=Appraisal.Status.COMPLETED, recommendation="pass", panel_decision="extend"
    )
    client.force_login(world.coordinator)
    page = client.get(URL).content.decode()
    assert "<strong>Pass</strong>" in page and "<strong>Extend</strong>" in page


def test_the_query_count_does_not_grow_with_the_cohort(
    world, client, django_assert_max_num_queries
):
    def measure():
        client.get(URL)  # warm the session and header caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries.captured_queries)

    client.force_login(world.coordinator)
    one = measure()
    for _ in range(3):
        person = MembershipFactory(
            organisation=world.organisation,
            team=world.team,
            role=Role.PRACTITIONER,
            asye=True,
            starts_on=datetime.date(2020, 1, 1),
        ).user
        services.start_cycle(
            template=world.asye_template,
            appraisee=person,
            starts_on=world.asye.starts_on,
            started_by=world.coordinator,
        )
    four = measure()
    # Everything is fetched once for the whole cohort, including what each open review point
    # assesses (the ASYE's first review asks for the practitioner standards) and each framework
    # version's items.
    assert four == one, (one, four)
    with django_assert_max_num_queries(15):
        client.get(URL)


# ---------------------------------------------------------------------------------------------
# Chasing


def test_a_chase_emails_each_person_who_still_owes_something(
    world, today, django_capture_on_commit_callbacks
):
    stage = first_stage(world.asye)
    # The newcomer has answered; the manager has not, and nobody has signed.
    question = stage.template_stage.questions.get()
    services.save_answer(
        stage=stage, question=question, user=world.newcomer, role="appraisee", text="Mine"
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        chased = cohort.chase(stage=stage, by=world.coordinator)
    assert (chased.chased_by, chased.chased_on, chased.people) == (world.coordinator, today, 2)
    # Both still have to sign; the manager also to answer. Not the coordinator, not the PSW.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.newcomer.email, world.manager.email]
    )
    body = mail.outbox[0].body
    assert str(world.coordinator) in body and stage.get_absolute_url() in body
    assert "3 days ago" in body and "Appraiser (line manager): answer" in body


def test_a_second_chase_the_same_day_is_refused(world, client, django_capture_on_commit_callbacks):
    stage = first_stage(world.asye)
    client.force_login(world.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(chase_url(world.asye), follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "2 people reminded by email" in page
    assert f"Chased on {timezone.localdate():%-d %b %Y} by {world.coordinator}" in page
    sent = len(mail.outbox)
    assert sent == 2
    # The same day, by the PSW: refused, with a clear message, and nobody is emailed again.
    client.force_login(world.psw)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(chase_url(world.asye), follow=True)
    assert "already chased today by" in response.content.decode()
    assert len(mail.outbox) == sent and stage.chases.count() == 1
    with pytest.raises(ValidationError, match="already chased today"):
        cohort.chase(stage=stage, by=world.coordinator)
    # The next day it can be chased again.
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    cohort.chase(stage=stage, by=world.coordinator, today=tomorrow)
    assert stage.chases.count() == 2


def test_only_an_open_review_that_is_overdue_or_due_soon_is_chased(world, today):
    stage = first_stage(world.asye)
    later = world.asye.stages.get(order=2)
    with pytest.raises(ValidationError, match="cannot be chased"):
        cohort.chase(stage=later, by=world.coordinator)  # not started
    # Open but not yet near its date: three weeks before it is due.
    Stage.objects.filter(pk=stage.pk).update(due_on=today + datetime.timedelta(days=21))
    stage.refresh_from_db()
    with pytest.raises(ValidationError, match="cannot be chased"):
        cohort.chase(stage=stage, by=world.coordinator)
    # Due within the week: chased.
    Stage.objects.filter(pk=stage.pk).update(due_on=today + datetime.timedelta(days=5))
    stage.refresh_from_db()
    assert cohort.chase(stage=stage, by=world.coordinator).people == 2


def test_only_the_cohort_s_coordinators_and_psws_chase(world):
    stage = first_stage(world.asye)
    for person in (world.manager, world.newcomer, coordinator_of(OrganisationFactory())):
        with pytest.raises(PermissionDenied):
            cohort.chase(stage=stage, by=person)
    # An annual appraisal is no ASYE: not even the PSW chases it from the cohort.
    with pytest.raises(PermissionDenied):
        cohort.chase(stage=first_stage(world.annual), by=world.psw)
    assert not Chase.objects.exists()


def test_a_signed_review_is_not_chased(world):
    stage = first_stage(world.asye)
    answer_required(stage)
    for role in world.asye.signers():
        services.sign_off(stage=stage, user=world.asye.participants()[role], role=role)
    with pytest.raises(ValidationError, match="cannot be chased"):
        cohort.chase(stage=first_stage(world.asye), by=world.coordinator)


def test_a_review_waiting_only_for_signatures_is_chased(world, client):
    """Everything answered, nobody signed yet: the signers still owe their signatures, so the
    page offers the chase and the chase reaches them."""
    stage = first_stage(world.asye)
    answer_required(stage)
    services.sign_off(stage=stage, user=world.newcomer, role="appraisee")
    client.force_login(world.coordinator)
    response = client.get(URL)
    point = response.context["rows"][0].open_point
    assert point.owing == [] and point.to_sign == [("appraiser", world.manager)]
    page = response.content.decode()
    assert f"Still to sign: {world.manager} (appraiser)" in page
    assert chase_url(world.asye) in page
    assert cohort.chase(stage=stage, by=world.coordinator).people == 1
