"""The identifying-information guard on everything people write into an appraisal, through the
pages: answers, domain comments, amendments, notes of disagreement and objectives."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from appraisals import services
from appraisals.factories import team_with_people, two_stage_template
from cms.models import GuardConfirmation

from .test_workflow import answer_all

pytestmark = pytest.mark.django_db

NHS = "943 476 5919"


@pytest.fixture
def appraisal(pcf):
    team, practitioner, manager, psw = team_with_people()
    return services.start_cycle(
        template=two_stage_template(team.organisation),
        appraisee=practitioner,
        starts_on=datetime.date(2026, 1, 5),
        started_by=manager,
    )


def signed_first_stage(appraisal):
    first = appraisal.stages.get(order=1)
    answer_all(first, appraisal)
    services.sign_off(stage=first, user=appraisal.appraisee, role="appraisee")
    services.sign_off(stage=first, user=appraisal.appraiser, role="appraiser")
    first.refresh_from_db()
    return first


def test_an_answer_with_an_nhs_number_is_refused_and_kept_as_typed(client, appraisal):
    first = appraisal.stages.get(order=1)
    question = first.template_stage.questions.get()
    client.force_login(appraisal.appraisee)
    key = f"answer-{question.pk}-appraisee"
    text = f"I want to learn about the case with NHS number {NHS}."
    for extra in ({}, {"confirm_anonymised": "on"}):
        response = client.post(first.get_absolute_url(), {key: text, **extra})
        assert response.status_code == 400
        assert not first.answers.exists()
        page = response.content.decode()
        assert text in page and "Remove the NHS number" in page
        assert f'href="#{key}"' in page  # the error summary links to the text area
    redacted = client.post(first.get_absolute_url(), {key: text, "guard_redact": "1"})
    assert redacted.status_code == 400 and not first.answers.exists()
    assert "NHS number [NHS number removed]." in redacted.content.decode()


def test_a_possible_name_in_an_answer_is_confirmed_and_recorded_as_today(client, appraisal):
    first = appraisal.stages.get(order=1)
    question = first.template_stage.questions.get()
    client.force_login(appraisal.appraisee)
    key = f"answer-{question.pk}-appraisee"
    text = "Practise with the Mr Men stories in direct work."
    response = client.post(first.get_absolute_url(), {key: text})
    assert response.status_code == 400 and not first.answers.exists()
    assert 'id="confirm_anonymised"' in response.content.decode()
    shown = response.context["stage_form"].finding_fingerprints
    response = client.post(
        first.get_absolute_url(),
        {key: text, "confirm_anonymised": "on", "guard_fingerprints": shown},
    )
    assert response.status_code == 302
    assert first.answers.get().text == text
    confirmation = GuardConfirmation.for_record(first).get()
    assert confirmation.confirmed_on == timezone.localdate()
    assert confirmation.kinds == ["name"] and confirmation.fields == [key]
    # Saving the stage again does not ask again about the confirmed text...
    assert client.post(first.get_absolute_url(), {key: text + " Again."}).status_code == 302
    # ...but a strong identifier is refused whatever was confirmed before.
    response = client.post(first.get_absolute_url(), {key: f"{text} NHS {NHS}"})
    assert response.status_code == 400


def test_a_domain_comment_with_an_nhs_number_is_refused(client, appraisal):
    signed_first_stage(appraisal)
    second = appraisal.stages.get(order=2)
    domain = services.domains_for(appraisal)[0]
    client.force_login(appraisal.appraisee)
    response = client.post(
        second.get_absolute_url(),
        {
            f"appraisee-{domain.pk}-rating": "1",
            f"appraisee-{domain.pk}-comment": f"See NHS {NHS}",
        },
    )
    assert response.status_code == 400
    assert not second.domain_assessments.exists()
    assert f"See NHS {NHS}" in response.content.decode()


def test_an_amendment_with_an_nhs_number_is_refused(client, appraisal):
    first = signed_first_stage(appraisal)
    question = first.template_stage.questions.get()
    client.force_login(appraisal.appraisee)
    response = client.post(
        reverse("appraisals:amend", args=[appraisal.uuid, first.order]),
        {
            "question": question.pk,
            "role": "appraisee",
            "text": f"Corrected: NHS {NHS}",
            "reason": "A typo",
        },
    )
    assert response.status_code == 400 and not first.amendments.exists()
    assert f"Corrected: NHS {NHS}" in response.content.decode()


def test_a_note_of_disagreement_with_an_nhs_number_is_refused(client, appraisal):
    first = appraisal.stages.get(order=1)
    client.force_login(appraisal.appraisee)
    url = reverse("appraisals:dissent", args=[appraisal.uuid, first.order])
    response = client.post(url, {"text": f"I disagree (NHS {NHS})."})
    assert response.status_code == 400 and not first.dissents.exists()
    assert f"I disagree (NHS {NHS})." in response.content.decode()
    assert client.post(url, {"text": "I disagree with the rating."}).status_code == 302
    assert first.dissents.count() == 1


def test_an_objective_with_an_nhs_number_is_refused(client, appraisal):
    client.force_login(appraisal.appraiser)
    url = reverse("appraisals:objectives", args=[appraisal.uuid])
    response = client.post(url, {"text": f"Follow up NHS {NHS}"})
    assert response.status_code == 400 and not appraisal.objectives.exists()
    assert f"Follow up NHS {NHS}" in response.content.decode()
    assert client.post(url, {"text": "Lead a group supervision"}).status_code == 302
    assert appraisal.objectives.count() == 1
