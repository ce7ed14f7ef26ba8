"""Direct observations: who may observe whom (placements, the ASYE, the team; nobody else, by
the service and by URL), the observer signs then the learner reflects and signs, which locks it
and puts it in the learner's portfolio as evidence written by the observer (counted in coverage,
filling the ASYE observation slot); after that, changes are amendments keeping before and
after; every text passes the guard; the pages per role and the access log; the demo."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessEvent
from appraisals.factories import AppraisalTemplateFactory
from appraisals.models import Appraisal, AppraisalTemplate, SharedEvidence
from appraisals.services import asye_slots
from organisations.factories import MembershipFactory, OrganisationFactory, TeamFactory
from organisations.models import PepsStage, Role
from placements.factories import PlacementFactory
from placements.models import Placement
from portfolios import observations
from portfolios.coverage import build_coverage
from portfolios.models import Entry, Observation, ObservationAmendment
from portfolios.observation_rules import bases_for, may_observe

pytestmark = pytest.mark.django_db

NHS = "943 476 5919"
TEXT = {
    "setting": "A planning meeting",
    "observed": "The student explained the purpose of the meeting in plain words.",
    "to_develop": "Link each action to the reason for it.",
}


def member(organisation, role, *, team=None, **extra):
    return MembershipFactory(
        organisation=organisation, team=team, role=role, mfa=role != Role.STUDENT, **extra
    ).user


@pytest.fixture
def placement(db):
    return PlacementFactory(status=Placement.Status.IN_PROGRESS)


@pytest.fixture
def asye(db):
    organisation = OrganisationFactory()
    team = TeamFactory(organisation=organisation)
    learner = member(organisation, Role.PRACTITIONER, team=team, asye=True)
    manager = member(organisation, Role.LINE_MANAGER, team=team)
    assessor = member(
        organisation,
        Role.PRACTICE_EDUCATOR,
        peps_stage=PepsStage.STAGE_2,
        registration_number="SW123456",
    )
    appraisal = Appraisal.objects.create(
        template=AppraisalTemplateFactory(
            organisation=organisation, kind=AppraisalTemplate.Kind.ASYE
        ),
        organisation=organisation,
        team=team,
        appraisee=learner,
        appraiser=manager,
        assessor=assessor,
        starts_on=timezone.localdate() - datetime.timedelta(days=60),
    )
    return appraisal


def key_for(observer, learner):
    return next(b.key for b in bases_for(observer) if b.learner.pk == learner.pk)


def write(observer, learner, *, judgements=(), **text):
    return observations.create_observation(
        observer=observer,
        basis_key=key_for(observer, learner),
        observed_on=timezone.localdate() - datetime.timedelta(days=3),
        judgements=judgements,
        **{**TEXT, **text},
    )


def locked(observer, learner, **kwargs):
    observation = write(observer, learner, **kwargs)
    return observations.reflect_and_sign(
        observation=observation, learner=learner, reflection="I will slow down."
    )


# ---------------------------------------------------------------------------------------------
# Who may observe whom


def test_placement_people_observe_their_student_only_while_the_placement_is_in_progress(
    placement,
):
    educator, student = placement.practice_educator, placement.student
    assert may_observe(educator, student)
    assert [b.role for b in bases_for(educator)] == ["practice-educator"]
    placement.status = Placement.Status.COMPLETED
    placement.save()
    assert not may_observe(educator, student)
    with pytest.raises(PermissionDenied):
        observations.create_observation(
            observer=educator,
            basis_key=f"placement-{placement.uuid}",
            observed_on=timezone.localdate(),
            **TEXT,
        )
    assert not Observation.objects.exists()


def test_the_tutor_and_a_stranger_cannot_observe_by_the_service_or_the_url(client, placement):
    stranger = member(placement.provider_team.organisation, Role.PRACTICE_EDUCATOR, peps_stage=2)
    key = f"placement-{placement.uuid}"
    for outsider in (placement.hei_tutor, stranger, placement.student):
        assert not may_observe(outsider, placement.student)
        with pytest.raises(PermissionDenied):
            observations.create_observation(
                observer=outsider, basis_key=key, observed_on=timezone.localdate(), **TEXT
            )
        client.force_login(outsider)
        url = reverse("observations:write", args=[key])
        assert client.get(url).status_code == 404
        assert client.post(url, {**TEXT}).status_code == 404
    assert not Observation.objects.exists()


def test_asye_assessor_and_appraiser_observe_their_practitioner(asye):
    assert [b.role for b in bases_for(asye.assessor)] == ["asye-assessor"]
    # The appraiser is also the line manager of the practitioner's team: two reasons.
    assert {b.role for b in bases_for(asye.appraiser)} == {"appraiser", "line-manager"}
    asye.status = Appraisal.Status.COMPLETED
    asye.save()
    assert not may_observe(asye.assessor, asye.appraisee)


def test_a_line_manager_observes_their_own_team_only():
    organisation = OrganisationFactory()
    mine, other = TeamFactory(organisation=organisation), TeamFactory(organisation=organisation)
    manager = member(organisation, Role.LINE_MANAGER, team=mine)
    ours = member(organisation, Role.PRACTITIONER, team=mine)
    theirs = member(organisation, Role.PRACTITIONER, team=other)
    assert may_observe(manager, ours)
    assert not may_observe(manager, theirs)
    assert not may_observe(ours, manager)


# ---------------------------------------------------------------------------------------------
# Signing, locking, the portfolio, amendments


def test_locks_after_both_signatures_and_lands_in_the_portfolio(pcf, placement):
    educator, student = placement.practice_educator, placement.student
    statement = pcf.items.statements().first()
    observation = write(educator, student, judgements=[(statement, "shown")])
    assert observation.observer_signed_at and not observation.is_locked
    assert not Entry.objects.filter(observation=observation).exists()
    assert build_coverage(student).entries_counted == 0
    with pytest.raises(PermissionDenied):
        observations.reflect_and_sign(observation=observation, learner=educator, reflection="x")

    observations.reflect_and_sign(
        observation=observation, learner=student, reflection="I will slow down."
    )
    observation.refresh_from_db()
    assert observation.is_locked
    entry = Entry.objects.get(observation=observation)
    assert entry.source == Entry.Source.OBSERVATION
    assert entry.portfolio.owner == student and entry.status == Entry.Status.COMPLETE
    assert entry.entry_type == Entry.Type.OBSERVATION
    assert list(entry.statements.all()) == [statement]
    assert build_coverage(student).entries_counted == 1
    with pytest.raises(ValidationError):
        observations.reflect_and_sign(
            observation=observation, learner=student, reflection="Another go."
        )


def test_an_asye_observation_fills_the_observation_slot(asye):
    locked(asye.assessor, asye.appraisee)
    shared = SharedEvidence.objects.get(appraisal=asye)
    assert shared.slot == SharedEvidence.Slot.OBSERVATION
    slot = next(s for s in asye_slots(asye) if s["slot"] == SharedEvidence.Slot.OBSERVATION)
    assert slot["filled"] == [shared.entry] and slot["missing"] == 2


def test_changes_after_locking_are_amendments_keeping_before_and_after(placement):
    educator, student = placement.practice_educator, placement.student
    observation = write(educator, student)
    with pytest.raises(ValidationError):  # not locked yet
        observations.amend(
            observation=observation, by=educator, field="observed", text="New", reason="Typo"
        )
    observation = locked(educator, student)
    with pytest.raises(PermissionDenied):  # the learner amends only their reflection
        observations.amend(
            observation=observation, by=student, field="observed", text="New", reason="Why"
        )
    with pytest.raises(PermissionDenied):  # the observer never the reflection
        observations.amend(
            observation=observation, by=educator, field="reflection", text="New", reason="Why"
        )
    amendment = observations.amend(
        observation=observation,
        by=educator,
        field="observed",
        text="The student explained the purpose of the meeting clearly.",
        reason="A clearer word.",
    )
    observation.refresh_from_db()
    assert amendment.before == TEXT["observed"]
    assert observation.observed == amendment.after
    observations.amend(
        observation=observation,
        by=student,
        field="reflection",
        text="I will slow down and pause.",
        reason="I added what I will do.",
    )
    assert Entry.objects.get(observation=observation).learning == "I will slow down and pause."
    assert ObservationAmendment.objects.filter(observation=observation).count() == 2
    # The observer's change to the learner's record is logged; the learner's own is not.
    assert AccessEvent.objects.filter(
        owner=student, actor=educator, action=AccessEvent.Action.CHANGE
    ).exists()
    assert not AccessEvent.objects.filter(actor=student).exists()


# ---------------------------------------------------------------------------------------------
# The guard


@pytest.mark.parametrize("field", ["setting", "observed", "to_develop"])
def test_the_guard_refuses_identifying_text_from_the_observer(placement, field):
    with pytest.raises(ValidationError):
        write(placement.practice_educator, placement.student, **{field: f"NHS {NHS}"})
    assert not Observation.objects.exists()


def test_the_guard_refuses_identifying_text_in_the_reflection_and_an_amendment(client, placement):
    observation = write(placement.practice_educator, placement.student)
    with pytest.raises(ValidationError):
        observations.reflect_and_sign(
            observation=observation, learner=placement.student, reflection=f"NHS {NHS}"
        )
    client.force_login(placement.student)
    response = client.post(
        reverse("observations:reflect", args=[observation.uuid]), {"reflection": f"NHS {NHS}"}
    )
    assert response.status_code == 400 and "NHS" in response.text  # nothing typed is lost
    observation.refresh_from_db()
    assert not observation.is_locked and observation.reflection == ""
    observations.reflect_and_sign(
        observation=observation, learner=placement.student, reflection="Fine."
    )
    with pytest.raises(ValidationError):
        observations.amend(
            observation=observation,
            by=placement.student,
            field="reflection",
            text=f"NHS {NHS}",
            reason="Why",
        )


# ---------------------------------------------------------------------------------------------
# Pages


def test_the_observer_writes_through_the_pages_and_the_learner_reflects(client, placement):
    educator, student = placement.practice_educator, placement.student
    client.force_login(educator)
    home = client.get("/home/").text
    assert reverse("observations:written") in home
    assert reverse("observations:choose") in client.get(reverse("observations:written")).text
    key = f"placement-{placement.uuid}"
    choose = client.get(reverse("observations:choose")).text
    assert reverse("observations:write", args=[key]) in choose
    day = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(
        reverse("observations:write", args=[key]),
        {
            "observed_on_day": day.day,
            "observed_on_month": day.month,
            "observed_on_year": day.year,
            **TEXT,
        },
    )
    observation = Observation.objects.get()
    assert response.status_code == 302 and response.url == observation.get_absolute_url()
    assert observation.observer == educator and observation.learner == student
    assert AccessEvent.objects.filter(
        actor=educator, owner=student, action=AccessEvent.Action.CREATE
    ).exists()

    client.force_login(student)
    assert "Reflect on and sign the observation" in client.get("/home/").text
    assert reverse("observations:mine") in client.get(reverse("portfolios:index")).text
    assert observation.get_absolute_url() in client.get(reverse("observations:mine")).text
    page = client.get(observation.get_absolute_url()).text
    assert "Sign and lock the observation" in page
    response = client.post(
        reverse("observations:reflect", args=[observation.uuid]),
        {"reflection": "I will slow down."},
    )
    assert response.status_code == 302
    observation.refresh_from_db()
    assert observation.is_locked
    entry = observation.entry
    page = client.get(entry.get_absolute_url()).text
    assert "Direct observation of practice" in page
    assert f"{educator.get_full_name()}, practice educator, not by you" in page

    client.force_login(educator)
    before = AccessEvent.objects.filter(actor=educator, action=AccessEvent.Action.READ).count()
    page = client.get(observation.get_absolute_url()).text
    assert "Signed by both and locked" in page and "Amend the observation" in page
    assert (
        AccessEvent.objects.filter(actor=educator, action=AccessEvent.Action.READ).count()
        == before + 1
    )
    response = client.post(
        reverse("observations:amend", args=[observation.uuid]),
        {"field": "to_develop", "text": "Link each action to its reason.", "reason": "Shorter."},
    )
    assert response.status_code == 302
    assert "Shorter." in client.get(observation.get_absolute_url()).text


def test_nobody_else_opens_an_observation(client, placement):
    observation = locked(placement.practice_educator, placement.student)
    others = [
        placement.hei_tutor,
        member(placement.provider_team.organisation, Role.LINE_MANAGER),
        member(placement.provider_team.organisation, Role.PRINCIPAL_SOCIAL_WORKER),
    ]
    for other in others:
        client.force_login(other)
        for name in ("detail", "amend"):
            url = reverse(f"observations:{name}", args=[observation.uuid])
            assert client.get(url).status_code == 404
        assert (
            client.post(reverse("observations:reflect", args=[observation.uuid])).status_code == 404
        )
        assert observation.setting not in client.get(reverse("observations:written")).text
        assert observation.setting not in client.get(reverse("observations:mine")).text


def test_the_placement_page_counts_locked_observations(client, placement):
    programme = placement.cohort.programme
    programme.observations_required = 2
    programme.save()
    locked(placement.practice_educator, placement.student)
    write(placement.practice_educator, placement.student)  # not reflected on yet
    client.force_login(placement.student)
    page = client.get(placement.get_absolute_url()).text
    assert "1 observation of practice signed by the observer and the student, of 2" in page


# ---------------------------------------------------------------------------------------------
# The demo


def test_the_demo_observations():
    from accounts.demo import DEMO_DOMAIN, ensure_demo_people
    from appraisals.demo import ensure_demo_appraisals
    from capabilities.services import DATA_DIR, load_shipped_file
    from placements.demo import ensure_demo_placements
    from portfolios.demo import ensure_demo_portfolios
    from portfolios.guard import check_fields
    from portfolios.observation_demo import demo_texts, ensure_demo_observations

    load_shipped_file(path=DATA_DIR / "pcf-2018.json")
    ensure_demo_people()
    ensure_demo_portfolios()
    ensure_demo_appraisals()
    ensure_demo_placements()
    assert ensure_demo_observations() == 3
    assert ensure_demo_observations() == 0  # safe to run again
    assert check_fields({str(n): t for n, t in enumerate(demo_texts())}) == []

    sol = Observation.objects.filter(learner__email=f"sol.student@{DEMO_DOMAIN}")
    assert sol.count() == 2 and all(o.is_locked for o in sol)
    assert {o.observer_role for o in sol} == {"practice-educator"}
    assert sorted(o.judgements.count() for o in sol) == [0, 2]
    assert all(o.entry.source == Entry.Source.OBSERVATION for o in sol)
    placement = sol.first().placement
    assert placement.cohort.programme.observations_required == 2

    alex = Observation.objects.get(learner__email=f"alex.asye@{DEMO_DOMAIN}")
    assert alex.is_locked and alex.observer_role == "asye-assessor"
    assert SharedEvidence.objects.filter(
        entry=alex.entry, slot=SharedEvidence.Slot.OBSERVATION
    ).exists()


def test_the_export_and_the_printed_portfolio_carry_the_observation_and_its_author(
    pcf, placement, core_font
):
    from portfolios.interchange import export_portfolio
    from portfolios.pdf import render_portfolio_pdf
    from tests.pdf_text import literal

    statement = pcf.items.statements().first()
    observation = locked(
        placement.practice_educator, placement.student, judgements=[(statement, "shown")]
    )
    data = export_portfolio(placement.student)
    [entry] = data["entries"]
    others = entry["written_by_others"]
    assert others["source"] == "observation" and others["signed_by_both"]
    assert others["author"] == observation.author_label
    assert {"question": "What was observed", "answer": TEXT["observed"]} in others["answers"]
    output = render_portfolio_pdf(data, compress=False)
    assert literal("Direct observation of practice written by") in output
    assert literal(TEXT["to_develop"]) in output
