"""Anyone can be appraised, against any framework (issue 14): a line manager against the practice
supervisor standards, a PSW against the practice leader standards, a practitioner against the PCF
at their level. The template chooses the frameworks; the appraisee's role sets the default."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from appraisals import frameworks, services
from appraisals.factories import (
    AppraisalTemplateFactory,
    TemplateQuestionFactory,
    TemplateStageFactory,
    answer_required,
    team_with_people,
    two_stage_template,
)
from appraisals.models import Appraisal, AppraisalFramework, Participant, TemplateFramework
from appraisals.start_views import proposal_key
from capabilities.factories import build_standards
from capabilities.models import FrameworkVersion
from capabilities.services import create_draft_version, publish_version
from organisations.factories import MembershipFactory, TeamFactory
from organisations.models import Role

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 1, 5)
SINCE = datetime.date(2020, 1, 1)


@pytest.fixture
def standards(pcf):
    return {
        slug: build_standards(framework_slug=slug, codes=[f"{prefix}-{n}" for n in (1, 2, 3)])
        for slug, prefix in (
            ("pqs-practitioners", "CFP"),
            ("pqs-supervisors", "PS"),
            ("pqs-leaders", "PL"),
        )
    }


@pytest.fixture
def hierarchy(db):
    """Children's services (its head) > Family help (a practitioner and their line manager),
    a practice educator in the team, and the PSW."""
    team, practitioner, manager, psw = team_with_people()
    service = TeamFactory(organisation=team.organisation, name="Children's services")
    team.parent = service
    team.save(update_fields=["parent"])
    head = MembershipFactory(
        organisation=team.organisation,
        team=service,
        role=Role.LINE_MANAGER,
        mfa=True,
        starts_on=SINCE,
    ).user
    educator = MembershipFactory(
        organisation=team.organisation,
        team=team,
        role=Role.PRACTICE_EDUCATOR,
        peps_stage=2,
        registration_number="SW123",
        mfa=True,
        starts_on=SINCE,
    ).user
    return team, practitioner, manager, head, educator, psw


def start_data(template, person, **extra):
    """What the start form posts; a start carries what step 2 proposed the people for (the
    people themselves left as proposed)."""
    data = {
        "template": template.pk,
        "person": person.pk,
        "starts_on_day": "5",
        "starts_on_month": "1",
        "starts_on_year": "2026",
        **extra,
    }
    if extra.get("action") == "start":
        chosen = {"person": person, "template": template, "starts_on": datetime.date(2026, 1, 5)}
        data.setdefault("proposed_for", proposal_key(chosen))
    return data


def test_a_line_manager_is_appraised_against_the_supervisor_standards(client, hierarchy, standards):
    team, practitioner, manager, head, educator, psw = hierarchy
    template = two_stage_template(team.organisation)
    supervisors = standards["pqs-supervisors"]
    client.force_login(psw)
    # The start form proposes their own manager and the supervisor standards (their role's).
    response = client.post("/appraisals/start/", start_data(template, manager))
    assert response.status_code == 200
    page = response.content.decode()
    appraiser_field = page.split('name="appraiser"')[1]
    assert f'<option value="{head.pk}" selected>' in appraiser_field
    framework_field = page.split('name="framework"')[1]
    assert f'<option value="{supervisors.framework.pk}" selected>' in framework_field
    response = client.post(
        "/appraisals/start/",
        start_data(
            template,
            manager,
            action="start",
            appraiser=head.pk,
            framework=supervisors.framework.pk,
        ),
    )
    appraisal = Appraisal.objects.get(appraisee=manager)
    assert response.status_code == 302 and appraisal.appraiser == head
    (copy,) = appraisal.frameworks.all()
    assert copy.version == supervisors and copy.level is None

    # The appraisal page says what it is judged against, and where.
    page = client.get(appraisal.get_absolute_url()).content.decode()
    assert "Judged against" in page and "Standards pqs-supervisors" in page
    assert "(at: Review)" in page

    first, review = appraisal.stages.order_by("order")
    assert services.items_for(first) == []
    standards_rated = list(supervisors.items.order_by("sort_order"))
    assert services.items_for(review) == standards_rated
    answer_required(first)
    for role in appraisal.signers():
        services.sign_off(stage=first, user=appraisal.participants()[role], role=role)

    # The stage page heads the standards with their framework, and saves the self-assessment.
    client.force_login(manager)
    url = review.get_absolute_url()
    page = client.get(url).content.decode()
    assert "Standards pqs-supervisors" in page and "PS-1 Standard PS-1" in page
    assert "PCF" not in page.split("Capabilities and standards")[1].split("Sign-off")[0]
    data = {}
    for item in standards_rated:
        data[f"appraisee-{item.pk}-rating"] = "1"
        data[f"appraisee-{item.pk}-comment"] = f"Developing in {item.code}."
    assert client.post(url, data).status_code == 302
    assessments = review.domain_assessments.order_by("domain__sort_order")
    assert [a.self_rating for a in assessments] == [1, 1, 1]
    # Their manager judges one standard; the blocker list says what is still owed.
    client.force_login(head)
    first_standard = standards_rated[0]
    assert (
        client.post(
            url,
            {
                f"appraiser-{first_standard.pk}-rating": "2",
                f"appraiser-{first_standard.pk}-comment": "Secure.",
            },
        ).status_code
        == 302
    )
    assert review.domain_assessments.get(domain=first_standard).judgement_rating == 2
    assert services.blockers(review) == [
        f"{manager} (appraisee): self-assessment done; answer needed to “How did the year go?”",
        f"{head} (appraiser): judgement needed for 2 standards (Standard PS-2, Standard PS-3); "
        "answer needed to “How did the year go?”",
    ]


def test_the_default_framework_follows_the_role(hierarchy, standards, pcf):
    team, practitioner, manager, head, educator, psw = hierarchy
    organisation = team.organisation

    def default(person):
        return frameworks.default_framework(organisation=organisation, appraisee=person).slug

    assert default(psw) == "pqs-leaders"
    assert default(manager) == "pqs-supervisors"
    assert default(educator) == "pqs-supervisors"
    assert default(practitioner) == "pcf"


def test_a_practitioner_is_judged_against_the_pcf_at_the_target_level(hierarchy, standards, pcf):
    team, practitioner, manager, head, educator, psw = hierarchy
    level = pcf.items.levels().get(code="L2")
    template = two_stage_template(team.organisation, target_level=level)
    appraisal = services.start_cycle(
        template=template, appraisee=practitioner, starts_on=START, started_by=manager
    )
    (copy,) = appraisal.frameworks.all()
    assert (copy.version, copy.level) == (pcf, level)
    assert copy.title == "Professional Capabilities Framework: Level 2"
    review = appraisal.stages.get(order=2)
    assert services.items_for(review) == list(pcf.items.domains().order_by("sort_order"))


def test_a_psw_is_appraised_by_another_psw_against_the_leader_standards(hierarchy, standards):
    team, practitioner, manager, head, educator, psw = hierarchy
    other = MembershipFactory(
        organisation=team.organisation, role=Role.PRINCIPAL_SOCIAL_WORKER, starts_on=SINCE
    ).user
    appraisal = services.start_cycle(
        template=two_stage_template(team.organisation),
        appraisee=psw,
        starts_on=START,
        started_by=other,
    )
    assert appraisal.appraiser == other
    assert appraisal.frameworks.get().version == standards["pqs-leaders"]


def test_nobody_to_appraise_a_lone_psw_is_said_plainly(hierarchy, standards):
    team, practitioner, manager, head, educator, psw = hierarchy
    with pytest.raises(ValidationError, match="no line manager of a team above theirs and no "):
        services.default_participants(
            template=two_stage_template(team.organisation), appraisee=psw, on=START
        )


def test_an_item_from_another_framework_is_refused(hierarchy, standards, pcf):
    team, practitioner, manager, head, educator, psw = hierarchy
    appraisal = services.start_cycle(
        template=two_stage_template(team.organisation),
        appraisee=manager,
        starts_on=START,
        started_by=psw,
    )
    first = appraisal.stages.get(order=1)
    # A stage that assesses nothing refuses any item.
    with pytest.raises(ValidationError, match="does not assess"):
        services.assess_domain(
            stage=first,
            user=manager,
            role=Participant.APPRAISEE,
            domain=standards["pqs-supervisors"].items.first(),
            rating=1,
        )
    answer_required(first)
    for role in appraisal.signers():
        services.sign_off(stage=first, user=appraisal.participants()[role], role=role)
    review = appraisal.stages.get(order=2)
    for foreign in (
        pcf.items.domains().first(),
        standards["pqs-leaders"].items.first(),
    ):
        with pytest.raises(ValidationError, match="not in what this stage assesses"):
            services.assess_domain(
                stage=review, user=manager, role=Participant.APPRAISEE, domain=foreign, rating=1
            )
    assert not review.domain_assessments.exists()


def test_the_template_chooses_the_frameworks_and_the_copy_keeps_its_version(
    hierarchy, standards, pcf
):
    """A template listing the supervisor standards at its second stage and the PCF at a level
    at both: a line manager is judged against both, whatever their role suggests; a new version
    published mid-cycle does not change the open record."""
    team, practitioner, manager, head, educator, psw = hierarchy
    template = AppraisalTemplateFactory(organisation=team.organisation)
    one = TemplateStageFactory(template=template, order=1, name="Start")
    two = TemplateStageFactory(template=template, order=2, name="End")
    for stage in (one, two):
        TemplateQuestionFactory(stage=stage, order=1)
    level = pcf.items.levels().get(code="L3")
    on_pcf = TemplateFramework.objects.create(
        template=template, framework=pcf.framework, level=level, order=1
    )
    on_pcf.stages.set([one, two])
    supervisors = standards["pqs-supervisors"]
    on_ps = TemplateFramework.objects.create(
        template=template, framework=supervisors.framework, order=2
    )
    on_ps.stages.set([two])
    appraisal = services.start_cycle(
        template=template, appraisee=manager, starts_on=START, started_by=psw
    )
    assert appraisal.target_level == level
    start, end = appraisal.stages.order_by("order")
    assert [g.title for g in frameworks.assessed_at(start)] == [
        "Professional Capabilities Framework: Level 3"
    ]
    assert [g.slug for g in frameworks.assessed_at(end)] == ["pcf", "pqs-supervisors"]
    assert len(services.items_for(end)) == 3 + 3
    # Several frameworks at a stage: the blocker list names each.
    (appraisee_line,) = [p["text"] for p in services.progress(end) if p["role"] == "appraisee"]
    assert "self-assessment needed for 3 PCF domains and 3 practice supervisor standards" in (
        appraisee_line
    )

    # A new version of the supervisor standards is published: the open record keeps its own.
    draft = create_draft_version(source=supervisors, slug="ps-v2", label="v2")
    publish_version(version=draft)
    assert FrameworkVersion.objects.current("pqs-supervisors") == draft
    fresh = Appraisal.objects.get(pk=appraisal.pk)
    assert AppraisalFramework.objects.get(appraisal=fresh, order=2).version == supervisors
    end = fresh.stages.get(order=2)
    assert {i.version_id for i in services.items_for(end)} == {pcf.pk, supervisors.pk}
    # A framework chosen at the start is refused: this template sets its own.
    with pytest.raises(ValidationError):
        services.start_cycle(
            template=template,
            appraisee=practitioner,
            starts_on=START,
            started_by=psw,
            framework=supervisors.framework,
        )


def test_an_appraisal_from_before_the_copies_still_reads_the_pcf(hierarchy, pcf):
    team, practitioner, manager, head, educator, psw = hierarchy
    appraisal = services.start_cycle(
        template=two_stage_template(team.organisation),
        appraisee=practitioner,
        starts_on=START,
        started_by=manager,
    )
    appraisal.frameworks.all().delete()
    fresh = Appraisal.objects.get(pk=appraisal.pk)
    review = fresh.stages.get(order=2)
    assert services.items_for(review) == list(pcf.items.domains().order_by("sort_order"))
    assert services.items_for(fresh.stages.get(order=1)) == []


def test_team_of_practitioners_keeps_the_pcf(hierarchy, standards):
    team, practitioner, manager, head, educator, psw = hierarchy
    (appraisal,) = services.start_team_cycle(
        template=two_stage_template(team.organisation),
        team=team,
        starts_on=START,
        started_by=manager,
    )
    assert appraisal.frameworks.get().version.framework.slug == "pcf"


def test_the_capability_profile_counts_pcf_domains_only(standards, pcf):
    """Judgements against the supervisor standards sit in the record but never in the
    workforce profile, which is about the PCF domains."""
    from appraisals import workforce
    from appraisals.tests.test_workforce import appraisal_for, judge, practitioner_in

    team, practitioner, manager, psw = team_with_people()
    template = two_stage_template(team.organisation)
    domain = pcf.items.domains().order_by("sort_order").first()
    standard = standards["pqs-supervisors"].items.first()
    for _ in range(5):
        person = practitioner_in(team.organisation, team)
        judge(appraisal_for(template, person, manager, team=team), {domain: 2, standard: 1})
    judged = {row["domain_id"] for row in workforce.latest_judgements(team.organisation)}
    assert judged == {domain.pk}


def test_the_starter_chooses_another_framework_and_level_than_proposed(
    client, hierarchy, standards, pcf
):
    team, practitioner, manager, head, educator, psw = hierarchy
    template = two_stage_template(team.organisation)
    client.force_login(psw)
    page = client.post("/appraisals/start/", start_data(template, practitioner)).content.decode()
    assert f'<option value="{pcf.framework.pk}" selected>' in page.split('name="framework"')[1]
    # A practitioner who also supervises students: judged against the supervisor standards.
    supervisors = standards["pqs-supervisors"]
    response = client.post(
        "/appraisals/start/",
        start_data(template, practitioner, action="start", framework=supervisors.framework.pk),
    )
    assert response.status_code == 302
    assert Appraisal.objects.get(appraisee=practitioner).frameworks.get().version == supervisors
    # The PCF at a level the starter chooses.
    level = pcf.items.levels().get(code="L3")
    response = client.post(
        "/appraisals/start/",
        start_data(template, educator, action="start", framework=pcf.framework.pk, level=level.pk),
    )
    assert response.status_code == 302
    copy = Appraisal.objects.get(appraisee=educator).frameworks.get()
    assert (copy.version, copy.level) == (pcf, level)


def test_a_framework_without_a_published_version_is_refused_at_the_start(hierarchy, pcf):
    team, practitioner, manager, head, educator, psw = hierarchy
    draft = build_standards(framework_slug="pqs-draft", codes=["D-1"], publish=False)
    with pytest.raises(ValidationError) as refused:
        services.start_cycle(
            template=two_stage_template(team.organisation),
            appraisee=practitioner,
            starts_on=START,
            started_by=manager,
            framework=draft.framework,
        )
    assert "framework" in refused.value.message_dict
    assert not Appraisal.objects.exists()


def test_what_is_rated_is_the_domains_or_else_the_standards(standards, pcf):
    assert pcf.assessed_items() == list(pcf.items.domains().order_by("sort_order"))
    leaders = standards["pqs-leaders"]
    assert [i.code for i in leaders.assessed_items()] == ["PL-1", "PL-2", "PL-3"]
