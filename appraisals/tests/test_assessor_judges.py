"""Who judges each domain is set per template: the appraiser, the assessor, or both side by side.
In the ASYE the assessor, who need not be the line manager, judges every domain and signs each
review; no stage is signed off until every judging role has judged every domain; the blocker list
names who still owes what."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from appraisals import services
from appraisals.defaults import ASYE, ensure_default_templates
from appraisals.factories import answer_required, team_with_people, two_stage_template
from appraisals.models import Appraisal, JudgedBy, Participant, Stage
from organisations.factories import MembershipFactory
from organisations.models import Role

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 1, 5)


@pytest.fixture
def people(db):
    """A team with a practitioner in the ASYE, their line manager, the PSW, and a practice
    educator in the same team who is not the line manager."""
    team, practitioner, manager, psw = team_with_people(asye=True)
    educator = MembershipFactory(
        organisation=team.organisation,
        team=team,
        role=Role.PRACTICE_EDUCATOR,
        mfa=True,
        starts_on=datetime.date(2020, 1, 1),
    ).user
    return team, practitioner, manager, psw, educator


def start(template, people):
    team, practitioner, manager, psw, educator = people
    return services.start_cycle(
        template=template, appraisee=practitioner, starts_on=START, started_by=manager
    )


def sign_everyone(stage, appraisal):
    for role in appraisal.signers():
        services.sign_off(stage=stage, user=appraisal.participants()[role], role=role)


def assess(stage, appraisal, role, rating=2):
    person = appraisal.participants()[role]
    for domain in services.domains_for(appraisal):
        services.assess_domain(stage=stage, user=person, role=role, domain=domain, rating=rating)


def domain_stage(appraisal):
    """Sign off every stage before the first that assesses domains, and return that one."""
    for stage in appraisal.stages.select_related("template_stage").order_by("order"):
        stage.refresh_from_db()
        if stage.template_stage.assesses_domains:
            return stage
        answer_required(stage)
        sign_everyone(stage, appraisal)
    raise AssertionError("no stage assesses domains")


def test_the_asye_assessor_judges_every_domain_and_signs_each_review(people, pcf):
    team, practitioner, manager, psw, educator = people
    asye = {t.name: t for t in ensure_default_templates(team.organisation)}[ASYE]
    assert asye.judged_by == JudgedBy.ASSESSOR
    appraisal = start(asye, people)
    # The assessor is the practice educator, not the line manager.
    assert (appraisal.appraiser, appraisal.assessor) == (manager, educator)
    assert appraisal.judging_roles() == [Participant.ASSESSOR]
    assert Participant.ASSESSOR in appraisal.signers()

    interim = domain_stage(appraisal)
    # Each review before it was signed by the assessor too.
    first = appraisal.stages.get(order=1)
    assert first.sign_offs.filter(role=Participant.ASSESSOR, user=educator).exists()

    # The line manager does not judge domains in the ASYE.
    domain = services.domains_for(appraisal)[0]
    with pytest.raises(PermissionDenied):
        services.assess_domain(
            stage=interim, user=manager, role=Participant.APPRAISER, domain=domain, rating=2
        )
    answer_required(interim)
    assess(interim, appraisal, Participant.APPRAISEE, rating=1)
    # Nobody signs until the assessor has judged every domain.
    with pytest.raises(ValidationError, match=r"\(assessor\): judgement needed for 3 domains"):
        services.sign_off(stage=interim, user=educator, role=Participant.ASSESSOR)
    assess(interim, appraisal, Participant.ASSESSOR, rating=3)
    assessment = interim.domain_assessments.get(domain=domain)
    assert (assessment.self_rating, assessment.assessor_rating) == (1, 3)
    assert assessment.assessed_by == educator and assessment.judgement_rating is None
    assert services.blockers(interim) == []

    # The stage locks only once the assessor has signed as well.
    for role in (Participant.APPRAISEE, Participant.APPRAISER, Participant.COUNTERSIGNER):
        services.sign_off(stage=interim, user=appraisal.participants()[role], role=role)
    interim.refresh_from_db()
    assert interim.status == Stage.Status.OPEN
    services.sign_off(stage=interim, user=educator, role=Participant.ASSESSOR)
    interim.refresh_from_db()
    assert interim.status == Stage.Status.SIGNED


def test_a_non_line_manager_assessor_judges_and_signs_through_the_stage_pages(client, people, pcf):
    team, practitioner, manager, psw, educator = people
    template = two_stage_template(team.organisation, judged_by=JudgedBy.ASSESSOR)
    appraisal = start(template, people)
    assert appraisal.assessor == educator != manager
    review = domain_stage(appraisal)
    url = review.get_absolute_url()
    answer_required(review)
    assess(review, appraisal, Participant.APPRAISEE)

    # The line manager's page has no judgement to fill in, and a forged one is refused.
    domain = services.domains_for(appraisal)[0]
    client.force_login(manager)
    page = client.get(url).content.decode()
    assert f'name="assessor-{domain.pk}-rating"' not in page
    assert f'name="appraiser-{domain.pk}-rating"' not in page
    client.post(url, {f"appraiser-{domain.pk}-rating": "2"})
    assert review.domain_assessments.get(domain=domain).judgement_rating is None

    # The assessor judges every domain on the stage page.
    client.force_login(educator)
    page = client.get(url).content.decode()
    assert "Assessor&#x27;s judgement" in page and "Appraiser&#x27;s judgement" not in page
    assert f'name="assessor-{domain.pk}-rating"' in page
    assert f"{educator} (assessor): judgement needed for 3 domains" in page
    data = {}
    for d in services.domains_for(appraisal):
        data[f"assessor-{d.pk}-rating"] = "2"
        data[f"assessor-{d.pk}-comment"] = "Shown in the observed visit."
    assert client.post(url, data).status_code == 302
    judged = review.domain_assessments.get(domain=domain)
    assert (judged.assessor_rating, judged.assessor_comment) == (2, "Shown in the observed visit.")
    assert judged.assessed_by == educator

    # Everyone signs through the sign URL, the assessor among them.
    for role in appraisal.signers():
        client.force_login(appraisal.participants()[role])
        client.post(f"/appraisals/{appraisal.uuid}/stages/{review.order}/sign/", {"role": role})
    assert set(review.sign_offs.values_list("role", flat=True)) == set(appraisal.signers())
    assert Participant.ASSESSOR in appraisal.signers()
    appraisal.refresh_from_db()
    assert appraisal.status == Appraisal.Status.COMPLETED


def test_both_side_by_side_shows_two_judgement_columns_and_needs_both(client, people, pcf):
    team, practitioner, manager, psw, educator = people
    template = two_stage_template(team.organisation, judged_by=JudgedBy.BOTH)
    appraisal = start(template, people)
    assert appraisal.judging_roles() == [Participant.APPRAISER, Participant.ASSESSOR]
    review = domain_stage(appraisal)
    answer_required(review)
    assess(review, appraisal, Participant.APPRAISEE)
    assess(review, appraisal, Participant.APPRAISER, rating=1)

    client.force_login(practitioner)
    page = client.get(review.get_absolute_url()).content.decode()
    assert page.count("Appraiser&#x27;s judgement") == 3  # one column in each of 3 domains
    assert page.count("Assessor&#x27;s judgement") == 3
    assert f"{manager} (appraiser): judgement done" in page
    assert f"{educator} (assessor): judgement needed for 3 domains" in page

    with pytest.raises(ValidationError, match="assessor"):
        services.sign_off(stage=review, user=practitioner, role=Participant.APPRAISEE)
    assess(review, appraisal, Participant.ASSESSOR, rating=2)
    # Neither judgement overwrote the other.
    assessment = review.domain_assessments.first()
    assert (assessment.judgement_rating, assessment.assessor_rating) == (1, 2)
    assert (assessment.judged_by, assessment.assessed_by) == (manager, educator)
    sign_everyone(review, appraisal)
    review.refresh_from_db()
    assert review.status == Stage.Status.SIGNED


def test_the_blocker_list_names_each_person_and_what_they_owe(people, pcf):
    team, practitioner, manager, psw, educator = people
    template = two_stage_template(team.organisation, judged_by=JudgedBy.ASSESSOR)
    appraisal = start(template, people)
    review = domain_stage(appraisal)
    domains = services.domains_for(appraisal)

    progress = services.progress(review)
    assert [(p["role"], p["owes"]) for p in progress] == [
        (Participant.APPRAISEE, True),
        (Participant.APPRAISER, True),
        (Participant.ASSESSOR, True),
    ]
    assert services.blockers(review) == [
        f"{practitioner} (appraisee): self-assessment needed for 3 domains; answer needed to "
        "“How did the year go?”",
        f"{manager} (appraiser): answer needed to “How did the year go?”",
        f"{educator} (assessor): judgement needed for 3 domains",
    ]
    # One line per person: no generic line repeated per domain or question.
    assert len(services.blockers(review)) == 3

    answer_required(review)
    assess(review, appraisal, Participant.APPRAISEE)
    for domain in domains[:1]:
        services.assess_domain(
            stage=review,
            user=educator,
            role=Participant.ASSESSOR,
            domain=domain,
            rating=1,
        )
    # Those who are done say so, beside those who still owe something.
    assert [p["text"] for p in services.progress(review)] == [
        f"{practitioner} (appraisee): self-assessment done",
        f"{educator} (assessor): judgement needed for 2 domains "
        f"({domains[1].title}, {domains[2].title})",
    ]
    assert services.blockers(review) == [
        f"{educator} (assessor): judgement needed for 2 domains "
        f"({domains[1].title}, {domains[2].title})"
    ]


def test_the_template_editor_sets_who_judges(client, people, pcf):
    team, practitioner, manager, psw, educator = people
    client.force_login(psw)
    response = client.post(
        "/appraisals/templates/new/",
        {
            "name": "Supervisor review",
            "kind": "custom",
            "rating_scale": "Low\nHigh",
            "judged_by": "both",
        },
    )
    assert response.status_code == 302
    template = team.organisation.appraisal_templates.get(name="Supervisor review")
    assert template.judged_by == JudgedBy.BOTH
    page = client.get(f"/appraisals/templates/{template.uuid}/").content.decode()
    assert "Both, side by side" in page
    response = client.post(
        f"/appraisals/templates/{template.uuid}/",
        {
            "action": "save-template",
            "template-name": "Supervisor review",
            "template-kind": "custom",
            "template-rating_scale": "Low\nHigh",
            "template-judged_by": "assessor",
            "template-is_active": "on",
        },
    )
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.judged_by == JudgedBy.ASSESSOR
