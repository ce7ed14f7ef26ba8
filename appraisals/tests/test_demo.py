"""The demo appraisals: three records at different points of the workflow, made through the
services, with invented text the identifying-information guard passes as clean."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from accounts.demo import DEMO_DOMAIN, ensure_demo_people
from appraisals import rules, services
from appraisals.demo import demo_texts, ensure_demo_appraisals
from appraisals.models import (
    Answer,
    Appraisal,
    AppraisalTemplate,
    Chase,
    DomainAssessment,
    Objective,
    SharedEvidence,
    SignOff,
    Stage,
)
from capabilities.models import FrameworkVersion
from capabilities.services import load_shipped_frameworks
from portfolios.demo import ensure_demo_portfolios
from portfolios.guard import check_fields

pytestmark = pytest.mark.django_db


def person(local_part):
    from accounts.models import User

    return User.objects.get(email=f"{local_part}@{DEMO_DOMAIN}")


@pytest.fixture
def demo_world(db):
    load_shipped_frameworks()
    ensure_demo_people()
    ensure_demo_portfolios()


def counts():
    return tuple(
        model.objects.count()
        for model in (
            AppraisalTemplate,
            Appraisal,
            Stage,
            Answer,
            SignOff,
            DomainAssessment,
            SharedEvidence,
            Objective,
        )
    )


def stages_of(appraisal):
    return list(appraisal.stages.select_related("template_stage").order_by("order"))


def test_the_demo_shows_three_appraisals_at_three_points(
    demo_world, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert ensure_demo_appraisals() == 4
    # Invented records: nobody is emailed about them.
    assert callbacks == [] and mail.outbox == []

    priya, morgan, alex = (
        person("priya.practitioner"),
        person("morgan.manager"),
        person("alex.asye"),
    )
    ravi, jo = person("ravi.practitioner"), person("jo.manager")
    sam, pat = person("sam.psw"), person("pat.educator")

    # Priya: last year's annual appraisal, completed.
    done = Appraisal.objects.get(appraisee=priya)
    assert done.template.name == "Annual appraisal" and done.organisation.slug == "northshire"
    assert done.appraiser == morgan and done.countersigner == person("dee.head")
    assert done.status == Appraisal.Status.COMPLETED and done.completed_at is not None
    assert 360 <= (today - done.starts_on).days <= 400
    signed = stages_of(done)
    assert [s.status for s in signed] == [Stage.Status.SIGNED] * 3
    for stage in signed:
        assert services.missing_answers(stage) == []
        assert set(stage.sign_offs.values_list("role", "user")) == {
            ("appraisee", priya.pk),
            ("appraiser", morgan.pk),
            ("countersigner", person("dee.head").pk),
        }
    # The sign-offs are spread over the year, in order, none in the future.
    dates = [stage.sign_offs.earliest("signed_at").signed_at for stage in signed]
    assert dates == sorted(dates) and dates[0] < dates[-1] <= timezone.now()
    assert dates[0].date() < done.starts_on + datetime.timedelta(days=30)
    end = signed[2]
    domains = services.domains_for(done)
    assert len(domains) == 9
    assessments = list(end.domain_assessments.all())
    scale = done.template.rating_scale
    assert len(assessments) == len(domains)
    for a in assessments:
        assert 0 <= a.self_rating < len(scale) and 0 <= a.judgement_rating < len(scale)
        assert a.self_comment and a.judgement_comment and a.judged_by == morgan
    assert any(a.evidence.exists() for a in assessments)
    objective = done.objectives.get()
    statement = objective.statements.get()
    assert statement.kind == "statement"
    assert statement.version == FrameworkVersion.objects.current("pcf")
    dissent = signed[1].dissents.get()
    assert signed[1].name == "Mid-year review" and dissent.author == priya
    assert not signed[0].dissents.exists() and not signed[2].dissents.exists()

    # Ravi: this year's annual appraisal, at the mid-year review.
    ravi_appraisal = Appraisal.objects.get(appraisee=ravi)
    assert ravi_appraisal.organisation.slug == "southvale" and ravi_appraisal.appraiser == jo
    assert ravi_appraisal.team.name == "Family help"
    assert ravi_appraisal.status == Appraisal.Status.IN_PROGRESS
    assert [s.status for s in stages_of(ravi_appraisal)] == ["signed", "open", "pending"]
    assert stages_of(ravi_appraisal)[1].name == "Mid-year review"
    assert ravi_appraisal.objectives.count() == 1
    # Started with the PSW as appraiser, then reassigned to Jo with a reason (issue 14).
    (change,) = ravi_appraisal.reassignments.all()
    assert (change.role, change.from_user, change.to_user) == (
        "appraiser",
        person("kit.psw"),
        jo,
    )
    assert change.made_by == person("kit.psw") and change.reason

    # Alex: the ASYE, at the six-month interim review.
    asye = Appraisal.objects.get(appraisee=alex)
    assert asye.template.kind == "asye" and asye.template.requires_countersignature
    assert (asye.appraiser, asye.assessor, asye.countersigner) == (morgan, pat, sam)
    assert asye.target_level.slug == "asye"
    assert 150 <= (today - asye.starts_on).days <= 200
    stages = stages_of(asye)
    assert [s.status for s in stages] == ["signed", "signed", "open", "pending", "pending"]
    assert stages[2].name == "Six-month interim review"
    assert stages[2].due_on >= today
    for stage in stages[:2]:
        assert set(stage.sign_offs.values_list("role", flat=True)) == {
            "appraisee",
            "appraiser",
            "assessor",
            "countersigner",
        }
        assert stage.answers.filter(role="assessor", author=pat).exists()
    # The interim stage is under way but not ready to sign.
    assert stages[2].answers.filter(role="appraisee").exists()
    # Pat, the assessor and not the line manager, has judged six domains; the blockers name
    # who owes what.
    assert asye.template.judged_by == "assessor" and pat != morgan
    judged = DomainAssessment.objects.filter(stage=stages[2], assessor_rating__isnull=False)
    assert judged.count() == 6 and {a.assessed_by for a in judged} == {pat}
    assert not DomainAssessment.objects.filter(
        stage=stages[2], judgement_rating__isnull=False
    ).exists()
    (owed,) = services.blockers(stages[2])
    assert owed.startswith(
        f"{pat} (assessor): judgement needed for 3 PCF domains and 10 practitioner standards; "
        "answer needed to"
    )
    # The practitioner standards (KSS) at the start: Alex's self-assessment and Pat's view of
    # each; at the interim review Alex has self-assessed them again.
    kss = FrameworkVersion.objects.current("pqs-practitioners")
    at_start = DomainAssessment.objects.filter(stage=stages[0], domain__version=kss)
    assert at_start.count() == 10
    assert all(a.self_rating is not None and a.assessor_rating is not None for a in at_start)
    at_interim = DomainAssessment.objects.filter(stage=stages[2], domain__version=kss)
    assert at_interim.count() == 10 and not at_interim.filter(assessor_rating__isnull=False)
    # Evidence from Alex's own portfolio, in slots; some slots are still empty.
    shared = list(asye.evidence.select_related("entry__portfolio"))
    assert shared and all(e.entry.portfolio.owner_id == alex.pk for e in shared)
    slots = services.asye_slots(asye)
    assert any(s["filled"] for s in slots) and any(s["missing"] for s in slots)

    # Morgan, a line manager: appraised against the practice supervisor standards by their own
    # manager, at the end-of-year review, five standards self-assessed and two judged.
    managed = Appraisal.objects.get(appraisee=morgan)
    supervisors = FrameworkVersion.objects.current("pqs-supervisors")
    assert [f.version for f in managed.frameworks.all()] == [supervisors]
    assert managed.appraiser != morgan and managed.appraiser is not None
    assert [s.status for s in stages_of(managed)] == ["signed", "signed", "open"]
    end_of_year = stages_of(managed)[2]
    assert services.items_for(end_of_year) == list(supervisors.items.order_by("sort_order"))
    rated = DomainAssessment.objects.filter(stage=end_of_year)
    assert rated.filter(self_rating__isnull=False).count() == 5
    assert rated.filter(judgement_rating__isnull=False, judged_by=managed.appraiser).count() == 2
    assert any(
        "self-assessment needed for 3 standards" in line for line in services.blockers(end_of_year)
    )

    # Nothing anyone wrote names a child or family.
    written = [
        *Answer.objects.values_list("text", flat=True),
        *Objective.objects.values_list("text", flat=True),
        *DomainAssessment.objects.values_list("self_comment", flat=True),
        *DomainAssessment.objects.values_list("judgement_comment", flat=True),
        *DomainAssessment.objects.values_list("assessor_comment", flat=True),
        *[d.text for stage in signed for d in stage.dissents.all()],
    ]
    for text in written + demo_texts():
        assert not check_fields({"text": text}), text


def test_the_demo_coordinator_runs_the_cohort_and_chased_alex(
    demo_world, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        ensure_demo_appraisals()
    assert callbacks == [] and mail.outbox == []  # the demo chase emailed nobody
    nia, alex = person("nia.coordinator"), person("alex.asye")
    membership = nia.memberships.get()
    assert (membership.role, membership.organisation.slug) == ("asye-coordinator", "northshire")
    # She chased Alex's open review yesterday, once; a second run does not chase again.
    (chase,) = Chase.objects.all()
    assert chase.chased_by == nia and chase.stage.appraisal.appraisee == alex
    assert chase.stage.status == Stage.Status.OPEN
    assert chase.chased_on == timezone.localdate() - datetime.timedelta(days=1)
    ensure_demo_appraisals()
    assert Chase.objects.count() == 1

    client.force_login(nia)
    response = client.get("/appraisals/asye/cohort/")
    assert response.status_code == 200
    assert [row.appraisal.appraisee for row in response.context["rows"]] == [alex]
    page = response.content.decode()
    assert f"Chased on {chase.chased_on:%-d %b %Y} by {nia}" in page
    assert "Chase<span" in page  # chased yesterday: it can be chased again today
    # She sees Alex's ASYE, and no annual appraisal.
    visible = {a.template.kind for a in rules.appraisals_visible_to(nia)}
    assert visible == {"asye"}


def test_the_demo_is_made_once(demo_world):
    assert ensure_demo_appraisals() == 4
    first = counts()
    assert ensure_demo_appraisals() == 0
    assert counts() == first
    assert Appraisal.objects.count() == 4
    assert AppraisalTemplate.objects.filter(organisation__slug="northshire").count() == 3
    assert AppraisalTemplate.objects.filter(organisation__slug="southvale").count() == 3


def test_the_demo_needs_the_framework_and_the_people(db):
    assert ensure_demo_appraisals() == 0
    ensure_demo_people()
    assert ensure_demo_appraisals() == 0
    assert not Appraisal.objects.exists()


def test_the_demo_teams_sit_in_a_service_whose_head_countersigns(demo_world, client):
    """Each demo local authority's teams sit in a service led by a line manager: the team
    managers' own manager, who countersigns their appraisals by default, not the PSW."""
    from organisations.models import Membership, Role, Team

    for org, head_local, manager_local, service_name in (
        ("northshire", "dee.head", "morgan.manager", "Children's services"),
        ("southvale", "nell.head", "jo.manager", "Children's social care"),
    ):
        service = (
            Team.objects.filter(organisation__slug=org, parent__isnull=True, children__isnull=False)
            .distinct()
            .get()
        )
        assert service.name == service_name
        assert set(Team.objects.filter(organisation__slug=org).exclude(pk=service.pk)) == set(
            service.children.all()
        )
        head, manager = person(head_local), person(manager_local)
        assert Membership.objects.get(user=head).role == Role.LINE_MANAGER
        assert Membership.objects.get(user=head).team == service
        team = Membership.objects.get(user=manager).team
        assert team.parent == service
        assert services.manager_above(manager, team, organisation=service.organisation) == head
    # Seeding again leaves the hierarchy as it is.
    ensure_demo_people()
    assert Team.objects.filter(parent__isnull=True, children__isnull=False).distinct().count() == 2

    ensure_demo_appraisals()
    priya_appraisal = Appraisal.objects.get(appraisee=person("priya.practitioner"))
    dee = person("dee.head")
    assert priya_appraisal.countersigner == dee != person("sam.psw")
    # The head of service opens what they countersigned.
    client.force_login(dee)
    assert client.get(priya_appraisal.get_absolute_url()).status_code == 200
