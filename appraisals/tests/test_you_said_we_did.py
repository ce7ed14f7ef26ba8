"""Practice voice gets answers: notes go only where a Principal Social Worker reads them (a note
to an organisation without one is refused before anything is stored), and the PSW publishes
“You said, we did” replies that every member of the organisation reads and nobody else."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.factories import UserFactory
from appraisals import voice
from appraisals.models import PracticeVoiceNote, VoiceReply
from appraisals.voice_demo import demo_texts
from cms import home
from organisations.factories import MembershipFactory, OrganisationFactory
from organisations.models import Organisation, Role
from portfolios.guard import check_fields

pytestmark = pytest.mark.django_db

VOICE_URL = reverse("appraisals:practice-voice")
REPLIES_URL = reverse("appraisals:you-said-we-did")
MONTH = datetime.date(2026, 1, 1)
NHS = "943 476 5919"


def member(organisation, role=Role.PRACTITIONER):
    return MembershipFactory(
        organisation=organisation,
        role=role,
        mfa=role not in (Role.PRACTITIONER, Role.STUDENT),
        starts_on=datetime.date(2020, 1, 1),
    ).user


@pytest.fixture
def council(db):
    organisation = OrganisationFactory(name="Northshire Council")
    return {
        "organisation": organisation,
        "psw": member(organisation, Role.PRINCIPAL_SOCIAL_WORKER),
        "practitioner": member(organisation),
        "admin": member(organisation, Role.ORG_ADMIN),
    }


def note(organisation, text="Recording takes my evenings.", theme="caseloads"):
    return PracticeVoiceNote.objects.create(
        organisation=organisation, theme=theme, kind="hinders", text=text, month=MONTH
    )


def sent(organisation, text="Reflective groups help."):
    return {"organisation": organisation.slug, "kind": "helps", "theme": "learning", "text": text}


# ---------------------------------------------------------------------------------------------
# Where notes go


def test_a_note_to_an_organisation_without_a_psw_is_refused_before_anything_is_stored(client):
    no_psw = OrganisationFactory(name="Brightpath Family Support")
    client.force_login(member(no_psw))

    page = client.get(VOICE_URL).content.decode()
    assert "Brightpath Family Support has no Principal Social Worker" in page
    assert "Send without my name" not in page  # nowhere to send it: no form to fill in

    with CaptureQueriesContext(connection) as queries:
        response = client.post(VOICE_URL, sent(no_psw))
    assert response.status_code == 200
    page = response.content.decode()
    assert "has no Principal Social Worker to read your note" in page
    assert "Nothing has been stored" in page
    assert "Reflective groups help." in page  # what was typed is kept
    assert not PracticeVoiceNote.objects.exists()
    written = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert written == []


def test_the_page_says_where_notes_go_and_offers_only_organisations_with_a_psw(client, council):
    practitioner = council["practitioner"]
    elsewhere = OrganisationFactory(name="Southmoor Trust")
    MembershipFactory(user=practitioner, organisation=elsewhere, role=Role.PRACTITIONER)
    client.force_login(practitioner)

    page = client.get(VOICE_URL).content.decode()

    assert "Your note goes to the Principal Social Worker of Northshire Council" in page
    assert "Southmoor Trust has no Principal Social Worker" in page
    assert f'value="{elsewhere.slug}"' not in page
    response = client.post(VOICE_URL, sent(elsewhere))
    assert "Southmoor Trust has no Principal Social Worker to read your note" in (
        response.content.decode()
    )
    assert client.post(VOICE_URL, sent(council["organisation"])).status_code == 302
    assert PracticeVoiceNote.objects.get().organisation == council["organisation"]


def test_students_and_tutors_are_told_where_their_notes_go(client):
    university = OrganisationFactory(name="University of Northshire", kind=Organisation.Kind.HEI)
    for role in (Role.STUDENT, Role.HEI_TUTOR):
        client.force_login(member(university, role))
        page = client.get(VOICE_URL).content.decode()
        assert "University of Northshire has no Principal Social Worker" in page
        assert "If you are a student or a tutor" in page
        assert reverse("placements:index") in page
        assert client.get(reverse("placements:index")).status_code == 200


def test_people_without_a_role_never_see_a_link_to_practice_voice(client, council):
    editor = UserFactory()
    client.force_login(editor)
    assert client.get(VOICE_URL).status_code == 404
    assert client.get(REPLIES_URL).status_code == 404
    page = client.get(reverse("appraisals:index")).content.decode()
    assert VOICE_URL not in page and REPLIES_URL not in page
    assert not {VOICE_URL, REPLIES_URL} & {area.url for area in home.areas_for(editor)}

    urls = {area.url for area in home.areas_for(council["practitioner"])}
    assert {VOICE_URL, REPLIES_URL} <= urls
    # A board with no PSW and no students: nothing to link to.
    board = member(OrganisationFactory(kind=Organisation.Kind.AWARDING_BODY), Role.ORG_ADMIN)
    assert not {VOICE_URL, REPLIES_URL} & {area.url for area in home.areas_for(board)}
    client.force_login(board)
    page = client.get(reverse("appraisals:index")).content.decode()
    assert VOICE_URL not in page and REPLIES_URL not in page
    # A student is linked to practice voice (to be told where notes go), not to replies.
    university = OrganisationFactory(kind=Organisation.Kind.HEI)
    urls = {area.url for area in home.areas_for(member(university, Role.STUDENT))}
    assert VOICE_URL in urls and REPLIES_URL not in urls


# ---------------------------------------------------------------------------------------------
# You said, we did


def reply_data(notes=(), action="publish", **changes):
    data = {
        "title": "Time to record visits",
        "you_said": "Recording eats into evenings.",
        "we_did": "A protected recording afternoon each week.",
        "notes": [str(n.pk) for n in notes],
        "action": action,
    }
    data.update(changes)
    return data


def test_the_psw_publishes_and_every_member_reads_it(client, council):
    organisation = council["organisation"]
    notes = [note(organisation, f"Recording note {n}") for n in range(3)]
    client.force_login(council["psw"])
    create = reverse("appraisals:you-said-we-did-create", args=[organisation.slug])
    page = client.get(create).content.decode()
    assert "Recording note 1" in page  # the PSW chooses among the notes

    response = client.post(create, reply_data(notes))

    assert response.status_code == 302
    reply = VoiceReply.objects.get()
    assert reply.is_published and reply.published_by == council["psw"]
    assert set(reply.notes.all()) == set(notes)
    for reader in ("practitioner", "admin", "psw"):
        client.force_login(council[reader])
        page = client.get(REPLIES_URL).content.decode()
        assert "Time to record visits" in page, reader
        assert "A protected recording afternoon each week." in page
        assert "answers fewer than 5 notes" in page
        assert "Recording note" not in page  # the notes themselves are never shown


def test_a_draft_is_read_only_by_the_psw(client, council):
    organisation = council["organisation"]
    client.force_login(council["psw"])
    create = reverse("appraisals:you-said-we-did-create", args=[organisation.slug])
    client.post(create, reply_data(action="draft", title="Lone working"))
    reply = VoiceReply.objects.get()
    assert not reply.is_published
    assert "Lone working" in client.get(REPLIES_URL).content.decode()
    client.force_login(council["practitioner"])
    assert "Lone working" not in client.get(REPLIES_URL).content.decode()

    client.force_login(council["psw"])
    edit = reverse("appraisals:you-said-we-did-edit", args=[reply.uuid])
    assert client.post(edit, reply_data(title="Lone working")).status_code == 302
    client.force_login(council["practitioner"])
    assert "Lone working" in client.get(REPLIES_URL).content.decode()


def test_non_members_get_404(client, council):
    organisation = council["organisation"]
    reply = voice.save_reply(
        organisation=organisation,
        by=council["psw"],
        title="Time to record",
        you_said="Said",
        we_did="Did",
        notes=[],
        publish=True,
    )
    outsider_org = OrganisationFactory(name="Southvale")
    outsider = member(outsider_org)
    other_psw = member(outsider_org, Role.PRINCIPAL_SOCIAL_WORKER)
    client.force_login(outsider)
    assert client.get(REPLIES_URL, {"organisation": organisation.slug}).status_code == 404
    assert "Time to record" not in client.get(REPLIES_URL).content.decode()
    client.force_login(UserFactory())
    assert client.get(REPLIES_URL).status_code == 404
    edit = reverse("appraisals:you-said-we-did-edit", args=[reply.uuid])
    create = reverse("appraisals:you-said-we-did-create", args=[organisation.slug])
    for who in (council["practitioner"], council["admin"], other_psw):
        client.force_login(who)
        assert client.get(edit).status_code == 404
        assert client.get(create).status_code == 404
        assert client.post(create, reply_data()).status_code == 404
    assert VoiceReply.objects.count() == 1


def test_a_reply_cannot_claim_another_organisations_notes(client, council):
    theirs = note(OrganisationFactory(), "Elsewhere")
    client.force_login(council["psw"])
    create = reverse("appraisals:you-said-we-did-create", args=[council["organisation"].slug])
    response = client.post(create, reply_data([theirs]))
    assert response.status_code == 400
    assert "Choose notes sent to this organisation" in response.content.decode()
    assert not VoiceReply.objects.exists()


def test_the_reply_runs_the_identifying_information_guard(client, council):
    client.force_login(council["psw"])
    create = reverse("appraisals:you-said-we-did-create", args=[council["organisation"].slug])
    response = client.post(create, reply_data(we_did=f"We called NHS {NHS}"))
    assert response.status_code == 400
    assert "Remove the NHS number" in response.content.decode()
    assert not VoiceReply.objects.exists()


def test_the_demo_texts_pass_the_guard():
    for text in demo_texts():
        assert not check_fields({"text": text}), text
