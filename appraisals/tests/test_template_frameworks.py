"""The template editor chooses the frameworks a template judges, each with a level and its stages
(issue 14); errors follow the form-error pattern (summary linking to fields, inline messages,
nothing typed lost)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from appraisals import services, template_frameworks
from appraisals.factories import team_with_people, two_stage_template
from appraisals.models import TemplateFramework
from capabilities.factories import build_standards

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 1, 5)


@pytest.fixture
def setting(pcf):
    team, practitioner, manager, psw = team_with_people()
    template = two_stage_template(team.organisation)
    supervisors = build_standards(framework_slug="pqs-supervisors", codes=["PS-1", "PS-2"])
    return template, supervisors, team, practitioner, manager, psw


def edit_url(template):
    return f"/appraisals/templates/{template.uuid}/"


def test_a_psw_adds_changes_and_removes_a_framework_on_the_template_page(client, setting, pcf):
    template, supervisors, team, practitioner, manager, psw = setting
    planning, review = template.stages.order_by("order")
    client.force_login(psw)
    page = client.get(edit_url(template)).content.decode()
    assert "This template lists no frameworks" in page
    response = client.post(
        edit_url(template),
        {
            "action": "add-framework",
            "new-framework-framework": supervisors.framework.pk,
            "new-framework-stages": [review.pk],
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("#frameworks")
    row = template.frameworks.get()
    assert row.framework == supervisors.framework and row.level is None
    assert list(row.stages.all()) == [review]
    page = client.get(edit_url(template)).content.decode()
    assert "Assesses Standards pqs-supervisors" in page

    # The PCF at a level, at both stages.
    level = pcf.items.levels().get(code="L2")
    response = client.post(
        edit_url(template),
        {
            "action": "add-framework",
            "new-framework-framework": pcf.framework.pk,
            "new-framework-level": level.pk,
            "new-framework-stages": [planning.pk, review.pk],
        },
    )
    assert response.status_code == 302
    on_pcf = template.frameworks.get(framework=pcf.framework)
    assert on_pcf.level == level and on_pcf.order == 2

    # A practitioner started now is judged against both, whatever their role suggests.
    appraisal = services.start_cycle(
        template=template, appraisee=practitioner, starts_on=START, started_by=manager
    )
    second = appraisal.stages.get(order=2)
    assert len(services.items_for(second)) == 2 + 3

    # Changing the stages; then removing the framework.
    response = client.post(
        edit_url(template),
        {
            "action": "save-framework",
            "framework-row": row.pk,
            f"framework-{row.pk}-stages": [planning.pk, review.pk],
        },
    )
    assert response.status_code == 302
    assert set(row.stages.all()) == {planning, review}
    response = client.post(
        edit_url(template), {"action": "remove-framework", "framework-row": row.pk}
    )
    assert response.status_code == 302
    assert list(template.frameworks.all()) == [on_pcf]
    # The appraisal already started keeps what it started with.
    assert {g.version for g in appraisal.frameworks.all()} == {pcf, supervisors}


def test_errors_on_the_framework_form_follow_the_pattern(client, setting, pcf):
    template, supervisors, team, practitioner, manager, psw = setting
    planning, review = template.stages.order_by("order")
    client.force_login(psw)
    # No stage chosen: an error summary linking to the field, the message inline, the framework
    # still chosen.
    response = client.post(
        edit_url(template),
        {"action": "add-framework", "new-framework-framework": supervisors.framework.pk},
    )
    assert response.status_code == 400
    page = response.content.decode()
    # The summary links to the first box of the group, which is on the page.
    assert 'href="#id_new-framework-stages_0"' in page and 'id="id_new-framework-stages_0"' in page
    assert page.count("Choose at least one stage that assesses this framework") == 2
    assert f'<option value="{supervisors.framework.pk}" selected>' in page
    assert not TemplateFramework.objects.exists()

    # A PCF level for the supervisor standards: refused on the level field by the service.
    level = pcf.items.levels().first()
    response = client.post(
        edit_url(template),
        {
            "action": "add-framework",
            "new-framework-framework": supervisors.framework.pk,
            "new-framework-level": level.pk,
            "new-framework-stages": [review.pk],
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#id_new-framework-level"' in page
    assert "Choose a level of Standards pqs-supervisors, or no level" in page
    assert f'value="{review.pk}" checked' in page
    assert not TemplateFramework.objects.exists()


def test_the_rules_underneath(setting, pcf):
    template, supervisors, team, practitioner, manager, psw = setting
    review = template.stages.get(order=2)
    elsewhere = two_stage_template(team.organisation).stages.first()
    with pytest.raises(ValidationError) as refused:
        template_frameworks.add_framework(
            template=template, user=psw, framework=supervisors.framework, stages=[elsewhere]
        )
    assert refused.value.message_dict == {"stages": ["Choose stages of this template"]}
    template_frameworks.add_framework(
        template=template, user=psw, framework=supervisors.framework, stages=[review]
    )
    with pytest.raises(ValidationError, match="already assesses"):
        template_frameworks.add_framework(
            template=template, user=psw, framework=supervisors.framework, stages=[review]
        )
    # Only the organisation's PSWs and admins edit its templates.
    with pytest.raises(PermissionDenied):
        template_frameworks.add_framework(
            template=template, user=manager, framework=pcf.framework, stages=[review]
        )
