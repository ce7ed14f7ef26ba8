"""Appraisal templates: the defaults, who manages them, and editing them through the pages."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from appraisals import services, template_services
from appraisals.defaults import ANNUAL, ASYE, PROBATION, ensure_default_templates
from appraisals.factories import TemplateQuestionFactory, team_with_people, two_stage_template
from appraisals.models import Access, Appraisal, AppraisalTemplate, TemplateQuestion, TemplateStage
from organisations.factories import MembershipFactory, OrganisationFactory
from organisations.models import Role

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 1, 5)


@pytest.fixture
def people(db):
    """(team, practitioner, line manager, PSW) of one organisation, plus its admin."""
    team, practitioner, manager, psw = team_with_people()
    admin = MembershipFactory(
        organisation=team.organisation,
        role=Role.ORG_ADMIN,
        mfa=True,
        starts_on=datetime.date(2020, 1, 1),
    ).user
    return team, practitioner, manager, psw, admin


def edit_url(template):
    return f"/appraisals/templates/{template.uuid}/"


# ---------------------------------------------------------------------------------------------
# The defaults


def test_default_templates_are_created_once_with_their_stages(pcf):
    organisation = OrganisationFactory()
    first = ensure_default_templates(organisation)
    again = ensure_default_templates(organisation)
    assert [t.pk for t in first] == [t.pk for t in again]
    assert AppraisalTemplate.objects.filter(organisation=organisation).count() == 3
    assert TemplateStage.objects.filter(template__organisation=organisation).count() == 11

    by_name = {t.name: t for t in first}
    annual = by_name[ANNUAL]
    assert annual.kind == "annual" and not annual.requires_countersignature
    assert annual.target_level is None
    stages = list(annual.stages.order_by("order"))
    assert [(s.name, s.due_after_days) for s in stages] == [
        ("Objective setting", 14),
        ("Mid-year review", 182),
        ("End-of-year review", 365),
    ]
    assert stages[2].assesses_domains and stages[2].sets_objectives
    for stage in stages:
        questions = list(stage.questions.all())
        assert 2 <= len(questions) <= 3
        assert all(q.countersigner == Access.READ for q in questions)
        assert any(q.appraisee == Access.MUST and q.appraiser == Access.MUST for q in questions)
    assert TemplateQuestion.objects.filter(stage__template=annual, appraisee=Access.ANSWER).exists()

    probation = by_name[PROBATION]
    assert probation.kind == "probation"
    assert list(probation.stages.values_list("due_after_days", flat=True)) == [30, 90, 180]


def test_a_renamed_default_is_made_again_and_an_edited_one_is_left_alone(pcf):
    organisation = OrganisationFactory()
    templates = {t.name: t for t in ensure_default_templates(organisation)}
    AppraisalTemplate.objects.filter(pk=templates[PROBATION].pk).update(description="Ours now")
    AppraisalTemplate.objects.filter(pk=templates[ANNUAL].pk).update(name="Our appraisal")
    ensure_default_templates(organisation)
    assert AppraisalTemplate.objects.filter(organisation=organisation).count() == 4
    assert AppraisalTemplate.objects.get(pk=templates[PROBATION].pk).description == "Ours now"


def test_the_asye_template_has_the_optional_nine_months_and_the_final_review(pcf):
    from capabilities.models import Item

    asye_level = Item.objects.levels().get(version=pcf, slug="level-2")
    Item.objects.filter(pk=asye_level.pk).update(slug="asye")
    template = {t.name: t for t in ensure_default_templates(OrganisationFactory())}[ASYE]
    assert template.kind == "asye" and template.requires_countersignature
    assert template.target_level_id == asye_level.pk
    stages = list(template.stages.order_by("order"))
    assert [(s.name, s.due_after_days) for s in stages] == [
        ("Learning agreement meeting", 14),
        ("Three-month review", 91),
        ("Six-month interim review", 182),
        ("Nine-month review", 273),
        ("Twelve-month final review", 365),
    ]
    assert [s.optional for s in stages] == [False, False, False, True, False]
    assert [s.is_final_review for s in stages] == [False, False, False, False, True]
    assert stages[2].assesses_domains and stages[4].assesses_domains
    assert stages[4].sets_objectives
    # The assessor writes on observations and progress; the appraiser on workload and support.
    assert all(s.questions.filter(assessor=Access.MUST).exists() for s in stages), (
        "every ASYE stage has an assessor question"
    )
    assert TemplateQuestion.objects.filter(
        stage__template=template, appraiser=Access.MUST, text__icontains="caseload"
    ).exists()
    assert not TemplateQuestion.objects.filter(stage__template=template).exclude(
        countersigner=Access.READ
    )


def test_the_asye_template_has_no_target_level_without_a_framework(db):
    template = {t.name: t for t in ensure_default_templates(OrganisationFactory())}[ASYE]
    assert template.target_level is None


# ---------------------------------------------------------------------------------------------
# Who sees the pages


def test_psws_and_admins_see_and_edit_their_organisations_templates(client, people, pcf):
    team, practitioner, manager, psw, admin = people
    mine = two_stage_template(team.organisation, name="Team appraisal")
    theirs = two_stage_template(OrganisationFactory(), name="Somebody else's")
    for person in (psw, admin):
        client.force_login(person)
        listing = client.get("/appraisals/templates/")
        assert listing.status_code == 200
        html = listing.content.decode()
        assert "Team appraisal" in html and "Somebody else" not in html
        assert client.get(edit_url(mine)).status_code == 200
        assert client.get(edit_url(theirs)).status_code == 404
        assert client.get("/appraisals/templates/new/").status_code == 200


def test_everybody_else_gets_404(client, people, pcf):
    team, practitioner, manager, psw, admin = people
    template = two_stage_template(team.organisation)
    stage = template.stages.first()
    other_psw = MembershipFactory(role=Role.PRINCIPAL_SOCIAL_WORKER, mfa=True).user
    for person in (manager, practitioner, other_psw):
        client.force_login(person)
        assert client.get(edit_url(template)).status_code == 404, person
        response = client.post(edit_url(template), {"action": "remove-stage", "stage": stage.pk})
        assert response.status_code == 404, person
        if person != other_psw:
            assert client.get("/appraisals/templates/").status_code == 404, person
            assert client.get("/appraisals/templates/new/").status_code == 404, person
    assert template.stages.count() == 2
    with pytest.raises(PermissionDenied):
        template_services.remove_stage(stage=stage, user=other_psw)


def test_signed_out_people_are_sent_to_sign_in(client, pcf):
    response = client.get("/appraisals/templates/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# ---------------------------------------------------------------------------------------------
# Building a template through the pages, then using it


def test_create_then_add_a_stage_and_questions_then_start_an_appraisal(client, people, pcf):
    team, practitioner, manager, psw, admin = people
    client.force_login(psw)
    response = client.post(
        "/appraisals/templates/new/",
        {
            "name": "Supervision review",
            "kind": "custom",
            "description": "A short review.",
            "rating_scale": "Not yet\n\nNearly\nThere\n",
            "target_level": "",
        },
    )
    template = AppraisalTemplate.objects.get(name="Supervision review")
    assert response.status_code == 302 and response["Location"] == edit_url(template)
    assert template.organisation == team.organisation and template.created_by == psw
    assert template.rating_scale == ["Not yet", "Nearly", "There"]
    assert not template.stages.exists()

    response = client.post(
        edit_url(template),
        {
            "action": "add-stage",
            "new-stage-name": "Check-in",
            "new-stage-due_after_days": "30",
            "new-stage-assesses_domains": "on",
        },
    )
    assert response.status_code == 302
    stage = template.stages.get()
    assert (stage.order, stage.name, stage.due_after_days) == (1, "Check-in", 30)
    assert stage.assesses_domains and not stage.optional

    prefix = f"new-question-{stage.pk}"
    response = client.post(
        edit_url(template),
        {
            "action": "add-question",
            "stage": stage.pk,
            f"{prefix}-text": "What is going well?",
            f"{prefix}-appraisee": "must",
            f"{prefix}-appraiser": "read",
            f"{prefix}-countersigner": "none",
            f"{prefix}-assessor": "none",
        },
    )
    assert response.status_code == 302
    question = stage.questions.get()
    assert (question.appraisee, question.appraiser, question.countersigner) == (
        "must",
        "read",
        "none",
    )
    page = client.get(edit_url(template)).content.decode()
    assert "What is going well?" in page and "Must answer" in page

    # Change who does what through the question's own form.
    prefix = f"question-{question.pk}"
    client.post(
        edit_url(template),
        {
            "action": "save-question",
            "question": question.pk,
            f"{prefix}-text": "What is going well?",
            f"{prefix}-help_text": "Two or three things.",
            f"{prefix}-appraisee": "must",
            f"{prefix}-appraiser": "answer",
            f"{prefix}-countersigner": "read",
            f"{prefix}-assessor": "none",
        },
    )
    question.refresh_from_db()
    assert question.appraiser == "answer" and question.help_text == "Two or three things."

    # The template works: the appraisee's "must" answer blocks sign-off until it is given.
    appraisal = services.start_cycle(
        template=template, appraisee=practitioner, starts_on=START, started_by=manager, notify=False
    )
    first = appraisal.stages.get()
    assert first.due_on == START + datetime.timedelta(days=30)
    for domain in services.domains_for(appraisal):
        for role, person in (("appraisee", practitioner), ("appraiser", manager)):
            services.assess_domain(stage=first, user=person, role=role, domain=domain, rating=2)
    with pytest.raises(ValidationError, match="What is going well"):
        services.sign_off(stage=first, user=practitioner, role="appraisee")
    services.save_answer(
        stage=first, question=question, user=practitioner, role="appraisee", text="Visits."
    )
    services.sign_off(stage=first, user=practitioner, role="appraisee")
    services.sign_off(stage=first, user=manager, role="appraiser")
    appraisal.refresh_from_db()
    assert appraisal.status == Appraisal.Status.COMPLETED


def test_create_asks_which_organisation_when_you_manage_several(client, people, pcf):
    team, practitioner, manager, psw, admin = people
    other = MembershipFactory(role=Role.ORG_ADMIN, user=psw).organisation
    client.force_login(psw)
    html = client.get("/appraisals/templates/new/").content.decode()
    assert 'name="organisation"' in html
    data = {"name": "Ours", "kind": "annual", "rating_scale": "Low\nHigh"}
    response = client.post("/appraisals/templates/new/", data)
    assert response.status_code == 400 and "Choose the organisation" in response.content.decode()
    client.post("/appraisals/templates/new/", {**data, "organisation": other.pk})
    assert AppraisalTemplate.objects.get(name="Ours").organisation == other


def test_the_target_level_comes_from_the_current_framework(client, people, pcf):
    team, practitioner, manager, psw, admin = people
    from capabilities.factories import build_pcf

    level = pcf.items.levels().first()
    other = build_pcf(slug="other-framework", framework_slug="not-the-pcf")
    client.force_login(psw)
    html = client.get("/appraisals/templates/new/").content.decode()
    assert f'value="{level.pk}"' in html
    assert f'value="{other.items.levels().first().pk}"' not in html
    data = {"name": "Targeted", "kind": "annual", "rating_scale": "Low\nHigh"}
    client.post("/appraisals/templates/new/", {**data, "target_level": level.pk})
    assert AppraisalTemplate.objects.get(name="Targeted").target_level == level
    response = client.post(
        "/appraisals/templates/new/",
        {**data, "name": "Elsewhere", "target_level": other.items.levels().first().pk},
    )
    assert response.status_code == 400
    assert not AppraisalTemplate.objects.filter(name="Elsewhere").exists()


# ---------------------------------------------------------------------------------------------
# The rules


@pytest.mark.parametrize(
    "scale,ok",
    [
        ("Only one", False),
        ("\n".join(f"Rating {n}" for n in range(1, 9)), False),
        ("\n".join(f"Rating {n}" for n in range(1, 8)), True),
        ("Low\nHigh", True),
        ("Low\nlow", False),
    ],
)
def test_rating_scale_needs_two_to_seven_different_ratings(client, people, pcf, scale, ok):
    team, practitioner, manager, psw, admin = people
    client.force_login(admin)
    response = client.post(
        "/appraisals/templates/new/", {"name": "Scaled", "kind": "annual", "rating_scale": scale}
    )
    assert AppraisalTemplate.objects.filter(name="Scaled").exists() == ok
    if not ok:
        assert response.status_code == 400
        html = response.content.decode()
        assert "There is a problem" in html and "govuk-error-message" in html


def test_rating_scale_rule_in_the_service():
    assert template_services.parse_rating_scale(" A \n\n B  c\n") == ["A", "B c"]
    for bad in ("One", "\n".join("abcdefgh")):
        with pytest.raises(ValidationError) as error:
            template_services.parse_rating_scale(bad)
        assert "rating_scale" in error.value.message_dict


def test_a_stage_cannot_be_removed_or_moved_once_appraisals_exist(client, people, pcf):
    team, practitioner, manager, psw, admin = people
    template = two_stage_template(team.organisation)
    first, second = template.stages.order_by("order")
    client.force_login(psw)
    # Before any appraisal: moving works and the orders stay 1 and 2.
    client.post(edit_url(template), {"action": "stage-down", "stage": first.pk})
    assert list(template.stages.order_by("order").values_list("pk", flat=True)) == [
        second.pk,
        first.pk,
    ]
    client.post(edit_url(template), {"action": "stage-up", "stage": first.pk})

    services.start_cycle(
        template=template, appraisee=practitioner, starts_on=START, started_by=manager, notify=False
    )
    response = client.post(
        edit_url(template), {"action": "remove-stage", "stage": first.pk}, follow=True
    )
    html = response.content.decode()
    assert "You cannot remove “Planning”" in html
    assert "1 appraisal has been started from this template" in html
    assert template.stages.count() == 2
    response = client.post(
        edit_url(template), {"action": "stage-down", "stage": first.pk}, follow=True
    )
    assert "You cannot move stages" in response.content.decode()
    assert list(template.stages.order_by("order").values_list("pk", flat=True)) == [
        first.pk,
        second.pk,
    ]
    # The page explains why, and offers no remove button.
    page = client.get(edit_url(template)).content.decode()
    assert "keep their own stages" in page
    assert 'value="remove-stage"' not in page

    # Adding a stage still works; the running appraisal keeps its two stage rows.
    client.post(
        edit_url(template),
        {"action": "add-stage", "new-stage-name": "Extra", "new-stage-due_after_days": "400"},
    )
    assert template.stages.count() == 3
    assert Appraisal.objects.get(template=template).stages.count() == 2


def test_removing_a_stage_renumbers_the_rest(client, people, pcf):
    team, practitioner, manager, psw, admin = people
    template = two_stage_template(team.organisation)
    template_services.add_stage(template=template, user=psw, name="Third", due_after_days=400)
    first = template.stages.get(order=1)
    client.force_login(psw)
    client.post(edit_url(template), {"action": "remove-stage", "stage": first.pk})
    assert list(template.stages.order_by("order").values_list("order", "name")) == [
        (1, "Review"),
        (2, "Third"),
    ]


def test_questions_move_and_are_removed_only_while_unanswered(client, people, pcf):
    team, practitioner, manager, psw, admin = people
    template = two_stage_template(team.organisation)
    stage = template.stages.get(order=1)
    one = stage.questions.get()
    two = TemplateQuestionFactory(stage=stage, order=2, text="Second?")
    client.force_login(psw)
    client.post(edit_url(template), {"action": "question-up", "question": two.pk})
    assert list(stage.questions.order_by("order").values_list("pk", flat=True)) == [
        two.pk,
        one.pk,
    ]

    appraisal = services.start_cycle(
        template=template, appraisee=practitioner, starts_on=START, started_by=manager, notify=False
    )
    services.save_answer(
        stage=appraisal.stages.get(order=1),
        question=one,
        user=practitioner,
        role="appraisee",
        text="An answer",
    )
    response = client.post(
        edit_url(template), {"action": "remove-question", "question": one.pk}, follow=True
    )
    assert "it has been answered in an appraisal" in response.content.decode()
    assert TemplateQuestion.objects.filter(pk=one.pk).exists()
    prefix = f"question-{one.pk}"
    response = client.post(
        edit_url(template),
        {
            "action": "save-question",
            "question": one.pk,
            f"{prefix}-text": "Reworded?",
            f"{prefix}-appraisee": "must",
            f"{prefix}-appraiser": "must",
            f"{prefix}-countersigner": "read",
            f"{prefix}-assessor": "none",
        },
    )
    assert response.status_code == 400
    assert "its wording cannot change" in response.content.decode()
    # The unanswered one can go; the rest are renumbered.
    client.post(edit_url(template), {"action": "remove-question", "question": two.pk})
    assert list(stage.questions.values_list("order", flat=True)) == [1]


def test_a_question_somebody_can_answer(client, people, pcf):
    team, practitioner, manager, psw, admin = people
    template = two_stage_template(team.organisation)
    stage = template.stages.get(order=1)
    with pytest.raises(ValidationError, match="Somebody must be able to answer"):
        template_services.add_question(
            stage=stage,
            user=psw,
            text="Nobody?",
            appraisee="read",
            appraiser="read",
            countersigner="none",
            assessor="must",  # no assessor outside the ASYE
        )


def test_stage_rules_for_final_reviews_and_names(people, pcf):
    team, practitioner, manager, psw, admin = people
    template = two_stage_template(team.organisation)
    with pytest.raises(ValidationError, match="Only an ASYE programme"):
        template_services.add_stage(
            template=template, user=psw, name="Final", due_after_days=365, is_final_review=True
        )
    with pytest.raises(ValidationError, match="already has a stage called"):
        template_services.add_stage(template=template, user=psw, name="planning", due_after_days=1)


def test_kind_and_number_of_ratings_are_fixed_once_in_use(client, people, pcf):
    team, practitioner, manager, psw, admin = people
    template = two_stage_template(team.organisation)
    services.start_cycle(
        template=template, appraisee=practitioner, starts_on=START, started_by=manager, notify=False
    )
    client.force_login(psw)
    base = {
        "action": "save-template",
        "template-name": template.name,
        "template-kind": "annual",
        "template-is_active": "on",
    }
    response = client.post(edit_url(template), {**base, "template-rating_scale": "A\nB\nC\nD"})
    assert response.status_code == 400
    assert "not add or remove any" in response.content.decode()
    response = client.post(
        edit_url(template), {**base, "template-rating_scale": "Low\nMiddle\nHigh"}
    )
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.rating_scale == ["Low", "Middle", "High"]
    response = client.post(
        edit_url(template),
        {**base, "template-kind": "probation", "template-rating_scale": "Low\nMiddle\nHigh"},
    )
    assert response.status_code == 400
    template.refresh_from_db()
    assert template.kind == "annual"


def test_a_template_taken_out_of_use_starts_no_appraisals(client, people, pcf):
    team, practitioner, manager, psw, admin = people
    template = two_stage_template(team.organisation)
    client.force_login(admin)
    client.post(
        edit_url(template),
        {
            "action": "save-template",
            "template-name": "Retired",
            "template-kind": "annual",
            "template-rating_scale": "Low\nHigh",
        },
    )
    template.refresh_from_db()
    assert template.name == "Retired" and not template.is_active
    with pytest.raises(ValidationError, match="no longer in use"):
        services.start_cycle(
            template=template, appraisee=practitioner, starts_on=START, started_by=manager
        )


def test_the_list_adds_the_default_templates(client, people, pcf):
    team, practitioner, manager, psw, admin = people
    client.force_login(psw)
    html = client.get("/appraisals/templates/").content.decode()
    assert 'value="add-defaults"' in html
    client.post(
        "/appraisals/templates/",
        {"action": "add-defaults", "organisation": team.organisation.slug},
    )
    assert team.organisation.appraisal_templates.count() == 3
    html = client.get("/appraisals/templates/").content.decode()
    assert ANNUAL in html and 'value="add-defaults"' not in html


def test_template_pages_work_without_inline_script_or_style(client, people, pcf):
    team, practitioner, manager, psw, admin = people
    template = {t.name: t for t in ensure_default_templates(team.organisation)}[ASYE]
    client.force_login(psw)
    for url in ("/appraisals/templates/", "/appraisals/templates/new/", edit_url(template)):
        html = client.get(url).content.decode()
        assert " style=" not in html, url
        for tag in html.split("<script")[1:]:
            assert "src=" in tag.split(">")[0], url
    page = client.get(edit_url(template)).content.decode()
    # Every action is a named submit button in a plain POST form.
    for action in ("save-template", "add-stage", "save-stage", "add-question", "question-down"):
        assert f'name="action" value="{action}"' in page, action
    assert "Nine-month review" in page and "Optional" in page and "Final review" in page
