"""The ASYE template asks for the practitioner standards (the KSS) self-assessment at the start,
the interim review and the end, beside the PCF domains at the reviews, and the assessor's view of
each (issue 14)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from appraisals import frameworks, services
from appraisals.defaults import ANNUAL, ASYE, ensure_default_templates
from appraisals.factories import answer_required, team_with_people
from appraisals.models import Participant, Stage
from capabilities.factories import build_standards
from organisations.factories import MembershipFactory
from organisations.models import Role

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 1, 5)
APPRAISEE, ASSESSOR = Participant.APPRAISEE, Participant.ASSESSOR


@pytest.fixture
def kss(pcf):
    return build_standards(framework_slug="pqs-practitioners", codes=["CFP-1", "CFP-2", "CFP-3"])


@pytest.fixture
def asye(kss):
    team, practitioner, manager, psw = team_with_people(asye=True)
    educator = MembershipFactory(
        organisation=team.organisation,
        team=team,
        role=Role.PRACTICE_EDUCATOR,
        mfa=True,
        starts_on=datetime.date(2020, 1, 1),
    ).user
    templates = {t.name: t for t in ensure_default_templates(team.organisation)}
    appraisal = services.start_cycle(
        template=templates[ASYE], appraisee=practitioner, starts_on=START, started_by=manager
    )
    return appraisal, templates, educator


def rate_everything(stage, appraisal, role, rating):
    person = appraisal.participants()[role]
    for item in services.items_for(stage):
        services.assess_domain(stage=stage, user=person, role=role, domain=item, rating=rating)


def sign_everyone(stage, appraisal):
    for role in appraisal.signers():
        services.sign_off(stage=stage, user=appraisal.participants()[role], role=role)


def test_the_asye_template_lists_the_kss_at_three_points_and_the_pcf_at_the_reviews(asye, pcf):
    appraisal, templates, educator = asye
    listed = {
        row.framework.slug: [s.name for s in row.stages.order_by("order")]
        for row in templates[ASYE].frameworks.all()
    }
    assert listed == {
        "pcf": ["Six-month interim review", "Twelve-month final review"],
        "pqs-practitioners": [
            "Learning agreement meeting",
            "Six-month interim review",
            "Twelve-month final review",
        ],
    }
    # The annual appraisal lists none: the appraisee's role decides.
    assert not templates[ANNUAL].frameworks.exists()


def test_kss_self_assessment_at_three_points_with_the_assessors_view(asye, kss, pcf):
    appraisal, templates, educator = asye
    standards = list(kss.items.order_by("sort_order"))
    domains = list(pcf.items.domains().order_by("sort_order"))
    stages = list(appraisal.stages.select_related("template_stage").order_by("order"))
    assessed = {s.template_stage.name: [g.slug for g in frameworks.assessed_at(s)] for s in stages}
    assert assessed == {
        "Learning agreement meeting": ["pqs-practitioners"],
        "Three-month review": [],
        "Six-month interim review": ["pcf", "pqs-practitioners"],
        "Nine-month review": [],
        "Twelve-month final review": ["pcf", "pqs-practitioners"],
    }

    points = []
    for stage in stages:
        stage.refresh_from_db()
        if stage.template_stage.optional:
            services.skip_stage(stage=stage, user=appraisal.appraiser)
            continue
        answer_required(stage)
        if frameworks.assesses(stage):
            points.append(stage)
            rate_everything(stage, appraisal, APPRAISEE, 1 + len(points) % 2)
            # Nobody signs until the assessor has given a view on each standard (and domain).
            with pytest.raises(ValidationError, match=r"\(assessor\): judgement needed for"):
                services.sign_off(stage=stage, user=educator, role=ASSESSOR)
            rate_everything(stage, appraisal, ASSESSOR, 2)
        if stage.template_stage.is_final_review:
            services.record_recommendation(
                appraisal=appraisal, user=educator, recommendation="pass"
            )
        sign_everyone(stage, appraisal)
        stage.refresh_from_db()
        assert stage.status == Stage.Status.SIGNED

    # Three points for the KSS, each with the self-assessment and the assessor's view.
    assert [p.name for p in points] == [
        "Learning agreement meeting",
        "Six-month interim review",
        "Twelve-month final review",
    ]
    for point in points:
        rated = point.domain_assessments.filter(domain__in=standards)
        assert rated.count() == len(standards)
        assert all(a.self_rating is not None and a.assessor_rating == 2 for a in rated)
        assert all(a.assessed_by == educator for a in rated)
    # The PCF domains only at the two reviews.
    assert not points[0].domain_assessments.filter(domain__in=domains).exists()
    assert points[2].domain_assessments.filter(domain__in=domains).count() == len(domains)


def test_the_stage_pages_head_the_standards_and_the_domains_each_with_its_framework(
    client, asye, kss
):
    appraisal, templates, educator = asye
    first = appraisal.stages.get(order=1)
    client.force_login(appraisal.appraisee)
    page = client.get(first.get_absolute_url()).content.decode()
    section = page.split("Capabilities and standards")[1].split("Sign-off")[0]
    assert "Standards pqs-practitioners" in section and "CFP-1 Standard CFP-1" in section
    assert "Professional Capabilities Framework" not in section
    # The interim review heads the PCF domains, then the standards.
    interim = appraisal.stages.get(order=3)
    section = client.get(interim.get_absolute_url()).content.decode().split("Sign-off")[0]
    pcf_at = section.index('id="framework-1">Professional Capabilities Framework')
    kss_at = section.index('id="framework-2">Standards pqs-practitioners')
    assert pcf_at < kss_at and "1. Domain 1" in section[pcf_at:kss_at]
    # The practitioner's self-assessment through the page; the assessor's column reads it.
    item = kss.items.get(code="CFP-2")
    response = client.post(
        first.get_absolute_url(),
        {f"appraisee-{item.pk}-rating": "2", f"appraisee-{item.pk}-comment": "Getting there."},
    )
    assert response.status_code == 302
    assert first.domain_assessments.get(domain=item).self_rating == 2
    (line,) = [p["text"] for p in services.progress(first) if p["role"] == APPRAISEE]
    assert "self-assessment needed for 2 standards (Standard CFP-1, Standard CFP-3)" in line
    client.force_login(educator)
    response = client.post(
        first.get_absolute_url(),
        {f"assessor-{item.pk}-rating": "3", f"assessor-{item.pk}-comment": "Agreed, and more."},
    )
    assert response.status_code == 302
    assessment = first.domain_assessments.get(domain=item)
    assert (assessment.self_rating, assessment.assessor_rating) == (2, 3)


def test_the_pdf_heads_each_framework_with_every_judging_roles_view(asye, kss, pcf, core_font):
    from appraisals.pdf import appraisal_data, render_appraisal_pdf
    from tests.pdf_text import literal

    appraisal, templates, educator = asye
    first = appraisal.stages.get(order=1)
    item = kss.items.get(code="CFP-1")
    services.assess_domain(
        stage=first,
        user=appraisal.appraisee,
        role=APPRAISEE,
        domain=item,
        rating=1,
        comment="Building relationships first.",
    )
    services.assess_domain(
        stage=first, user=educator, role=ASSESSOR, domain=item, rating=2, comment="Agreed."
    )
    data = appraisal_data(appraisal)
    stage_one = data["stages"][0]
    assert stage_one["frameworks"] == ["Standards pqs-practitioners"]
    (rated,) = stage_one["domains"]
    assert (rated["framework"], rated["domain"]) == (
        "Standards pqs-practitioners",
        "CFP-1 Standard CFP-1",
    )
    interim = data["stages"][2]
    assert interim["frameworks"] == [
        "Professional Capabilities Framework",
        "Standards pqs-practitioners",
    ]
    output = render_appraisal_pdf(data, compress=False)
    scale = appraisal.template.rating_scale
    for text in (
        "Self-assessment and judgement",
        "Standards pqs-practitioners",
        "CFP-1 Standard CFP-1",
        f"Self-assessment: {scale[1]}",
        f"Assessor's judgement: {scale[2]} ({educator})",
        "Professional Capabilities Framework",
        "Nothing assessed yet.",
    ):
        assert literal(text) in output, text
