"""The forms of tests/test_form_errors.py, each through the page a person uses, with input it
refuses: each case signs someone in, posts, and returns the page and what was typed."""

import datetime
from dataclasses import dataclass, field

from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

NHS = "943 476 5919"
TODAY = timezone.localdate()


@dataclass
class Page:
    html: str
    typed: list[str] = field(default_factory=list)


def _login(client, user):
    client.force_login(user)
    return user


def portfolio_entry(client):
    from organisations.factories import MembershipFactory
    from organisations.models import Role

    _login(client, MembershipFactory(role=Role.PRACTITIONER, mfa=True).user)
    typed = ["Home visit reflections", f"The family, NHS {NHS}", "What I learned today"]
    response = client.post(
        reverse("portfolios:entry-create"),
        {
            "action": "complete",
            "title": typed[0],
            "description": typed[1],
            "learning": typed[2],
            "occurred_on_day": "31",
            "occurred_on_month": "2",
            "occurred_on_year": "2026",
            "attachments": SimpleUploadedFile("a.txt", b"x", content_type="text/plain"),
        },
    )
    assert response.status_code in (200, 400)
    html = response.content.decode()
    soup = BeautifulSoup(html, "html.parser")
    files = soup.find("input", type="file")
    note = soup.find(id=f"{files['id']}-again")
    assert note is not None and "choose" in note.get_text().lower()
    assert note["id"] in files["aria-describedby"].split()
    return Page(html, [*typed, "31", "2026"])


def portfolio_comment(client):
    from organisations.factories import MembershipFactory
    from organisations.models import Role
    from portfolios.factories import EntryFactory, PortfolioFactory, ShareFactory

    practitioner = MembershipFactory(role=Role.PRACTITIONER, mfa=True).user
    entry = EntryFactory(portfolio=PortfolioFactory(owner=practitioner))
    reviewer = MembershipFactory(role=Role.PRACTITIONER, mfa=True).user
    ShareFactory(portfolio=entry.portfolio, reader=reviewer, can_comment=True)
    _login(client, reviewer)
    body = f"Good work; NHS {NHS}"
    response = client.post(reverse("portfolios:comment-create", args=[entry.uuid]), {"body": body})
    return Page(response.content.decode(), [body])


def portfolio_share(client):
    from organisations.factories import MembershipFactory
    from organisations.models import Role

    _login(client, MembershipFactory(role=Role.PRACTITIONER, mfa=True).user)
    response = client.post(
        reverse("portfolios:sharing"),
        {"email": "not-an-address", "expires_on_day": "40"},
    )
    return Page(response.content.decode(), ["not-an-address", "40"])


def portfolio_import(client):
    from organisations.factories import MembershipFactory
    from organisations.models import Role

    _login(client, MembershipFactory(role=Role.PRACTITIONER, mfa=True).user)
    response = client.post(reverse("portfolios:import"), {})
    html = response.content.decode()
    return Page(html)


def profile(client):
    from accounts.factories import UserFactory

    _login(client, UserFactory())
    response = client.post(reverse("people:me"), {"first_name": "", "preferred_name": "Sam" * 100})
    return Page(response.content.decode(), ["Sam" * 100])


def _appraisal():
    from appraisals import services
    from appraisals.factories import team_with_people, two_stage_template
    from capabilities.factories import build_pcf

    build_pcf()
    team, practitioner, manager, psw = team_with_people()
    return services.start_cycle(
        template=two_stage_template(team.organisation),
        appraisee=practitioner,
        starts_on=datetime.date(2026, 1, 5),
        started_by=manager,
    )


def appraisal_stage(client):
    appraisal = _appraisal()
    first = appraisal.stages.get(order=1)
    question = first.template_stage.questions.get()
    _login(client, appraisal.appraisee)
    text = f"The case with NHS number {NHS}."
    response = client.post(first.get_absolute_url(), {f"answer-{question.pk}-appraisee": text})
    assert response.status_code == 400
    return Page(response.content.decode(), [text])


def appraisal_amend(client):
    from appraisals import services
    from appraisals.tests.test_workflow import answer_all

    appraisal = _appraisal()
    first = appraisal.stages.get(order=1)
    answer_all(first, appraisal)
    services.sign_off(stage=first, user=appraisal.appraisee, role="appraisee")
    services.sign_off(stage=first, user=appraisal.appraiser, role="appraiser")
    question = first.template_stage.questions.get()
    _login(client, appraisal.appraisee)
    text = "My corrected answer, kept when the reason is missing"
    response = client.post(
        reverse("appraisals:amend", args=[appraisal.uuid, first.order]),
        {"question": question.pk, "role": "appraisee", "text": text, "reason": ""},
    )
    assert response.status_code == 400
    return Page(response.content.decode(), [text])


def appraisal_dissent(client):
    appraisal = _appraisal()
    first = appraisal.stages.get(order=1)
    _login(client, appraisal.appraisee)
    text = f"I disagree (NHS {NHS})."
    response = client.post(
        reverse("appraisals:dissent", args=[appraisal.uuid, first.order]), {"text": text}
    )
    assert response.status_code == 400
    return Page(response.content.decode(), [text])


def appraisal_objective(client):
    appraisal = _appraisal()
    _login(client, appraisal.appraiser)
    text = f"Follow up NHS {NHS}"
    response = client.post(
        reverse("appraisals:objectives", args=[appraisal.uuid]),
        {"text": text, "statements": "7.ASYE.2, 99.NOPE"},
    )
    assert response.status_code == 400
    return Page(response.content.decode(), [text, "7.ASYE.2, 99.NOPE"])


def appraisal_start(client):
    from appraisals.factories import team_with_people

    team, practitioner, manager, psw = team_with_people()
    _login(client, manager)
    # The second step, with the people shown: a countersigner who cannot take the role.
    response = client.post(
        reverse("appraisals:start"),
        {"starts_on_day": "12", "action": "start", "countersigner": str(practitioner.pk)},
    )
    assert 'name="countersigner"' in response.content.decode()
    return Page(response.content.decode(), ["12"])


def appraisal_reassign(client):
    appraisal = _appraisal()
    from organisations.models import Role

    psw = appraisal.organisation.memberships.get(role=Role.PRINCIPAL_SOCIAL_WORKER).user
    _login(client, psw)
    text = f"Moved team, see NHS {NHS}"
    response = client.post(
        reverse("appraisals:reassign", args=[appraisal.uuid]),
        {"role": "appraiser", "to_user": "", "reason": text},
    )
    assert response.status_code == 400
    return Page(response.content.decode(), [text])


def appraisal_template(client):
    from appraisals.factories import team_with_people
    from organisations.factories import MembershipFactory
    from organisations.models import Role

    team, practitioner, manager, psw = team_with_people()
    admin = MembershipFactory(organisation=team.organisation, role=Role.ORG_ADMIN, mfa=True).user
    _login(client, admin)
    response = client.post(
        reverse("appraisals:template-create"),
        {
            "name": "Our annual appraisal",
            "kind": "annual",
            "rating_scale": "Only one",
            "judged_by": "nobody",  # not a choice: its radios show the error
            "countersigner_from": "nobody",
        },
    )
    assert response.status_code == 400
    assert "Choose who judges each domain from the list" in response.content.decode()
    assert "Choose who countersigns from the list" in response.content.decode()
    return Page(response.content.decode(), ["Our annual appraisal", "Only one"])


def _completed_audit():
    from placements.factories import completed_placement_with_audit, placement_world

    world = placement_world()
    return completed_placement_with_audit(world), world


def audit_part(client):
    from placements.models import AuditParty
    from placements.tests.test_audits import part_post

    audit, world = _completed_audit()
    _login(client, world["student"])
    data = part_post(audit, AuditParty.STUDENT, comment=f"A child there, NHS {NHS}")
    first_rating = next(key for key in data if "-criterion-" in key)
    del data[first_rating]  # one statement not rated: its summary link goes to its first radio
    response = client.post(f"/placements/{audit.placement.uuid}/audit/", data)
    assert response.status_code == 400
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    hrefs = [a["href"] for a in soup.select(".govuk-error-summary a")]
    assert f"#id_{first_rating}_0" in hrefs, hrefs
    return Page(response.content.decode(), [f"A child there, NHS {NHS}"])


def audit_moderation(client):
    from placements.tests.test_audits import submit_all

    audit, world = _completed_audit()
    submit_all(audit, world)
    _login(client, world["hei_lead"])
    text = "Name a lone-working buddy"
    response = client.post(
        f"/placements/{audit.placement.uuid}/audit/",
        {
            "what": "moderate",
            "moderate-notes": f"Solid setting, NHS {NHS}",
            "moderate-action_1_text": text,
            "moderate-action_1_due_on_day": "32",
        },
    )
    assert response.status_code == 400
    return Page(response.content.decode(), [f"Solid setting, NHS {NHS}", text, "32"])


def _in_progress():
    from placements.factories import placement_world
    from placements.tests.test_placements import in_progress

    world = placement_world()
    return in_progress(world, onsite_supervisor=world["onsite"]), world


def placement_step(step, who, data, typed):
    def case(client):
        placement, world = _in_progress()
        _login(client, world[who])
        response = client.post(placement.get_absolute_url(), {"step": step, **data})
        assert response.status_code == 400, response.content.decode()[:500]
        return Page(response.content.decode(), typed)

    return case


def placement_induction(client):
    from placements.factories import placement_world
    from placements.tests.test_placements import propose

    world = placement_world()
    placement = propose(world)
    _login(client, world["pe"])
    response = client.post(
        f"/placements/{placement.uuid}/checks/",
        {
            "kind": "induction",
            "induction-induction_on_day": "31",
            "induction-induction_on_month": "2",
        },
    )
    assert response.status_code == 400, response.content.decode()[:500]
    return Page(response.content.decode(), ["31"])


def placement_learning_agreement(client):
    placement, world = _in_progress()
    _login(client, world["pe"])
    typed = [f"Duty visits, NHS {NHS}", "Wants to practise court reports"]
    response = client.post(
        f"/placements/{placement.uuid}/learning-agreement/",
        {
            "action": "save",
            "meeting_on_day": "3",
            "present": [world["student"].pk],
            "supervision_frequency": "weekly",
            "supervision_minutes": "90",
            "workload": typed[0],
            "learning_needs": typed[1],
        },
    )
    assert response.status_code == 400, response.content.decode()[:500]
    return Page(response.content.decode(), typed)


def placement_midpoint(client):
    placement, world = _in_progress()
    _login(client, world["tutor"])
    response = client.post(
        f"/placements/{placement.uuid}/midpoint/", {"held_on_day": "30", "held_on_month": "2"}
    )
    assert response.status_code == 400, response.content.decode()[:500]
    return Page(response.content.decode(), ["30"])


def placement_concern(client):
    placement, world = _in_progress()
    _login(client, world["student"])
    typed = f"My educator shares case notes, NHS {NHS}"
    response = client.post(
        f"/placements/{placement.uuid}/concerns/",
        {"kind": "placement", "placement-text": typed},
    )
    assert response.status_code == 400, response.content.decode()[:500]
    return Page(response.content.decode(), [typed])


def placement_support_plan(client):
    placement, world = _in_progress()
    _login(client, world["student"])
    typed = f"I need a quiet desk, NHS {NHS}"
    response = client.post(
        f"/placements/{placement.uuid}/support-plan/", {"what": "save", "plan-text": typed}
    )
    assert response.status_code == 400, response.content.decode()[:500]
    return Page(response.content.decode(), [typed])


def placement_concern_action(client):
    from placements import concerns

    placement, world = _in_progress()
    concern = concerns.raise_concern(placement=placement, by=world["pe"], text="Missed visits")
    _login(client, world["tutor"])
    typed = "Weekly check-in with the tutor"
    response = client.post(
        f"/placements/{placement.uuid}/concerns/{concern.uuid}/",
        {"what": "action", "action-text": typed, "action-due_on_day": "41"},
    )
    assert response.status_code == 400, response.content.decode()[:500]
    return Page(response.content.decode(), [typed, "41"])


def placement_cancel(client):
    from placements.factories import placement_world
    from placements.tests.test_placements import propose

    world = placement_world()
    placement = propose(world)
    _login(client, world["provider_lead"])
    typed = f"Team closing, NHS {NHS}"
    response = client.post(placement.get_absolute_url(), {"step": "cancel", "cancel-reason": typed})
    assert response.status_code == 400, response.content.decode()[:500]
    return Page(response.content.decode(), [typed])


def placement_decision(client):
    from placements import services
    from placements.factories import placement_world
    from placements.tests.test_placements import ready_to_complete

    world = placement_world()
    placement = ready_to_complete(world)
    services.complete(placement=placement, by=world["tutor"])
    _login(client, world["tutor"])
    response = client.post(placement.get_absolute_url(), {"step": "hei_decision"})
    assert response.status_code == 400, response.content.decode()[:500]
    return Page(response.content.decode())


def placement_final_report(client):
    placement, world = _in_progress()
    _login(client, world["pe"])
    typed = f"Worked with NHS {NHS}"
    response = client.post(f"/placements/{placement.uuid}/final-report/", {"text": typed})
    assert response.status_code == 400, response.content.decode()[:500]
    return Page(response.content.decode(), [typed])


def placement_panel(client):
    from placements.factories import placement_world

    world = placement_world()
    _login(client, world["hei_lead"])
    typed = f"An expert by experience, NHS {NHS}"
    response = client.post(
        "/placements/panels/new/",
        {"programme": world["programme"].pk, "period_from_day": "31", "other_members": typed},
    )
    assert response.status_code == 400, response.content.decode()[:500]
    return Page(response.content.decode(), [typed, "31"])


def placement_panel_decision(client):
    from placements import services
    from placements.factories import placement_world, put_before_panel
    from placements.tests.test_placements import ready_to_complete

    world = placement_world()
    placement = ready_to_complete(world)
    services.complete(placement=placement, by=world["tutor"])
    case = put_before_panel(placement, world, decide=False)
    _login(client, world["hei_lead"])
    typed = f"Evidence thin, NHS {NHS}"
    response = client.post(
        f"/placements/panels/{case.panel.uuid}/placements/{placement.uuid}/",
        {"panel-outcome": "different", "panel-comments": typed},
    )
    assert response.status_code == 400, response.content.decode()[:500]
    return Page(response.content.decode(), [typed])


def placement_create(client):
    from placements.factories import placement_world

    world = placement_world()
    _login(client, world["hei_lead"])
    response = client.post(
        "/placements/new/",
        {"cohort": world["cohort"].pk, "starts_on_day": "3", "starts_on_month": "13"},
    )
    assert response.status_code == 400
    return Page(response.content.decode(), ["13"])


def _partnership():
    from organisations.factories import MembershipFactory, OrganisationFactory
    from organisations.models import Organisation, Role
    from placements.models import Partnership

    hei = OrganisationFactory(kind=Organisation.Kind.HEI)
    employer = OrganisationFactory(kind=Organisation.Kind.LOCAL_AUTHORITY)
    partnership = Partnership.objects.create(slug="riverside", name="Riverside", hei=hei)
    partnership.employers.add(employer)
    hei_lead = MembershipFactory(organisation=hei, role=Role.PLACEMENT_LEAD, mfa=True).user
    employer_lead = MembershipFactory(organisation=employer, role=Role.ORG_ADMIN, mfa=True).user
    url = f"/placements/partnerships/{partnership.slug}/review/{TODAY.year}/"
    return partnership, hei_lead, employer_lead, url


def partnership_side(client):
    from placements.models import Partnership

    partnership, hei_lead, _employer_lead, url = _partnership()
    area = Partnership.Area.values[0]
    data = {"organisation": partnership.hei.slug, "action": "save"}
    data.update({f"{a}-rating": "green" for a in Partnership.Area.values})
    data[f"{area}-comment"] = f"One student mentioned NHS {NHS}"
    _login(client, hei_lead)
    response = client.post(url, data)
    assert response.status_code == 400
    html = response.content.decode()
    soup = BeautifulSoup(html, "html.parser")
    hrefs = [a["href"] for a in soup.select(".govuk-error-summary a")]
    assert (
        f"#side-{partnership.reviews.get().sides.get(organisation=partnership.hei).pk}-{area}-comment"
        in hrefs
    ), hrefs
    return Page(html, [f"One student mentioned NHS {NHS}"])


def partnership_action(client):
    from placements import partnerships as partnership_services
    from placements.models import Partnership

    partnership, hei_lead, employer_lead, url = _partnership()
    review = partnership_services.review_for(partnership=partnership, year=TODAY.year)
    rated = {a: {"rating": "green", "comment": ""} for a in Partnership.Area.values}
    for organisation, by in (
        (partnership.hei, hei_lead),
        (partnership.employers.get(), employer_lead),
    ):
        partnership_services.submit_side(
            review=review, organisation=organisation, by=by, ratings=rated
        )
    _login(client, hei_lead)
    text = f"Call about NHS {NHS}"
    response = client.post(url, {"action": "add-action", "text": text, "due_on_day": "31"})
    assert response.status_code == 400
    return Page(response.content.decode(), [text, "31"])


def _designation():
    from organisations.factories import MembershipFactory, OrganisationFactory
    from organisations.models import Organisation, Role
    from placements import designations
    from placements.models import DesignationKind

    designations.ensure_default_criteria()
    employer = OrganisationFactory(kind=Organisation.Kind.LOCAL_AUTHORITY)
    body = OrganisationFactory(kind=Organisation.Kind.AWARDING_BODY)
    lead = MembershipFactory(organisation=employer, role=Role.PLACEMENT_LEAD, mfa=True).user
    assessor = MembershipFactory(organisation=body, role=Role.ORG_ADMIN, mfa=True).user
    designation = designations.start_application(
        organisation=employer, kind=DesignationKind.APS, awarding_body=body, by=lead
    )
    return designation, lead, assessor


def designation_evidence(client):
    from placements import designations
    from placements.models import DesignationKind

    designation, lead, _assessor = _designation()
    criteria = list(designations.active_criteria(DesignationKind.APS))
    _login(client, lead)
    text = f"Case study, NHS {NHS}"
    response = client.post(
        f"/placements/designations/{designation.uuid}/",
        {"action": "save", f"evidence-{criteria[0].pk}": text},
    )
    assert response.status_code == 400
    return Page(response.content.decode(), [text])


def designation_decision(client):
    from placements import designations
    from placements.models import DesignationKind

    designation, lead, assessor = _designation()
    for criterion in designations.active_criteria(DesignationKind.APS):
        designations.save_evidence(
            designation=designation, criterion=criterion, text="How we meet it", by=lead
        )
    designations.submit(designation=designation, by=lead)
    _login(client, assessor)
    text = f"The evidence names a child (NHS {NHS})."
    response = client.post(
        f"/placements/designations/{designation.uuid}/",
        {"action": "decide", "notes": text, "starts_on_day": "40"},
    )
    assert response.status_code == 400
    return Page(response.content.decode(), [text, "40"])


def designation_create(client):
    from organisations.factories import MembershipFactory, OrganisationFactory
    from organisations.models import Organisation, Role

    employer = OrganisationFactory(kind=Organisation.Kind.LOCAL_AUTHORITY)
    _login(
        client, MembershipFactory(organisation=employer, role=Role.PLACEMENT_LEAD, mfa=True).user
    )
    response = client.post("/placements/designations/new/", {"organisation": employer.slug})
    assert response.status_code == 400
    return Page(response.content.decode())


def invitation(client):
    from organisations.factories import MembershipFactory, OrganisationFactory
    from organisations.models import Role

    org = OrganisationFactory()
    _login(client, MembershipFactory(organisation=org, role=Role.ORG_ADMIN, mfa=True).user)
    typed = {
        "email": "casey@example.org",
        "role": Role.PRACTICE_EDUCATOR,
        "starts_on_day": "1",
        "starts_on_month": "9",
        "starts_on_year": str(TODAY.year + 1),
        "registration_number": "SW424242",
    }
    response = client.post(f"/organisations/{org.slug}/invite/", typed)
    return Page(response.content.decode(), ["casey@example.org", "SW424242"])


def end_membership(client):
    from organisations.factories import MembershipFactory, OrganisationFactory
    from organisations.models import Role

    org = OrganisationFactory()
    _login(client, MembershipFactory(organisation=org, role=Role.ORG_ADMIN, mfa=True).user)
    member = MembershipFactory(organisation=org, role=Role.PRACTITIONER)
    response = client.post(
        f"/organisations/{org.slug}/memberships/{member.uuid}/end/",
        {"ends_on_day": "31", "ends_on_month": "2", "ends_on_year": str(TODAY.year)},
    )
    return Page(response.content.decode(), ["31"])


def practice_voice(client):
    from organisations.factories import MembershipFactory
    from organisations.models import Role

    membership = MembershipFactory(role=Role.PRACTITIONER)
    MembershipFactory(organisation=membership.organisation, role=Role.PRINCIPAL_SOCIAL_WORKER)
    _login(client, membership.user)
    text = f"We need more reflective time, NHS {NHS}"
    response = client.post(reverse("appraisals:practice-voice"), {"text": text})
    return Page(response.content.decode(), [text])


def supervision_record(client):
    from organisations.factories import MembershipFactory, TeamFactory
    from organisations.models import Role

    team = TeamFactory()
    supervisee = MembershipFactory(team=team, role=Role.PRACTITIONER)
    _login(client, MembershipFactory(team=team, role=Role.LINE_MANAGER, mfa=True).user)
    typed = ["ninety", "31", f"Ring the GP, NHS {NHS}"]
    response = client.post(
        reverse("supervision:create"),
        {
            "supervisee": str(supervisee.uuid),
            "held_on_day": "31",
            "held_on_month": "2",
            "held_on_year": str(TODAY.year),
            "minutes": "ninety",
            "cases_held": "",
            "agreed_actions": typed[2],
        },
    )
    assert response.status_code == 400
    return Page(response.content.decode(), typed)


def voice_reply(client):
    from organisations.factories import MembershipFactory
    from organisations.models import Role

    psw = MembershipFactory(role=Role.PRINCIPAL_SOCIAL_WORKER, mfa=True)
    _login(client, psw.user)
    typed = ["Time to record", f"We rang NHS {NHS}"]
    response = client.post(
        reverse("appraisals:you-said-we-did-create", args=[psw.organisation.slug]),
        {"title": typed[0], "you_said": "", "we_did": typed[1], "action": "publish"},
    )
    assert response.status_code == 400
    return Page(response.content.decode(), typed)


def voice_reply_changed(client):
    """A reply saved by another PSW after this one opened it: refused, what was typed kept."""
    from appraisals import voice
    from organisations.factories import MembershipFactory
    from organisations.models import Role

    psw = MembershipFactory(role=Role.PRINCIPAL_SOCIAL_WORKER, mfa=True)
    reply = voice.save_reply(
        organisation=psw.organisation,
        by=psw.user,
        title="Time to record",
        you_said="Said",
        we_did="Done",
        notes=[],
        publish=True,
    )
    opened = reply.updated_at.isoformat()
    voice.save_reply(
        organisation=psw.organisation,
        by=psw.user,
        reply=reply,
        title="Time to record",
        you_said="Said",
        we_did="Done sooner",
        notes=[],
        publish=True,
    )
    _login(client, psw.user)
    typed = ["Recording time", "People said evenings go on recording", "Two afternoons a week"]
    response = client.post(
        reverse("appraisals:you-said-we-did-edit", args=[reply.uuid]),
        {
            "title": typed[0],
            "you_said": typed[1],
            "we_did": typed[2],
            "editing_since": opened,
            "action": "publish",
        },
    )
    assert response.status_code == 409
    return Page(response.content.decode(), typed)


def sign_in(client):
    response = client.post(reverse("account_login"), {"login": "", "password": ""})
    html = response.content.decode()
    assert "Enter your email address" in html and "Enter your password" in html
    assert "This field is required" not in html
    return Page(html)


def sign_in_wrong(client):
    from accounts.factories import UserFactory

    user = UserFactory()
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": "not-the-password"}
    )
    return Page(response.content.decode(), [user.email])


def password_reset(client):
    response = client.post(reverse("account_reset_password"), {"email": "not an address"})
    html = response.content.decode()
    assert "This field is required" not in html
    return Page(html, ["not an address"])


def compare_levels(client):
    from capabilities.factories import build_pcf

    version = build_pcf()
    response = client.get(
        reverse("capabilities:compare", args=[version.slug]), {"from": "nope", "to": "nor-this"}
    )
    assert response.status_code == 400
    return Page(response.content.decode())


def template_edit(action, data, typed):
    def case(client):
        from appraisals.factories import team_with_people, two_stage_template
        from organisations.factories import MembershipFactory
        from organisations.models import Role

        team, _practitioner, _manager, _psw = team_with_people()
        template = two_stage_template(team.organisation)
        admin = MembershipFactory(
            organisation=team.organisation, role=Role.ORG_ADMIN, mfa=True
        ).user
        _login(client, admin)
        posted = {"action": action, **data}
        if "{stage}" in str(posted):
            stage = template.stages.order_by("order").first()
            posted = {key: value.format(stage=stage.pk) for key, value in posted.items()}
            posted = {key.format(stage=stage.pk): value for key, value in posted.items()}
        response = client.post(f"/appraisals/templates/{template.uuid}/", posted)
        assert response.status_code == 400, response.status_code
        return Page(response.content.decode(), typed)

    return case


def sign_up(client):
    response = client.post(
        reverse("account_signup"),
        {"first_name": "", "last_name": "Ash", "email": "not an address", "password1": ""},
    )
    html = response.content.decode()
    assert "This field is required" not in html
    return Page(html, ["Ash", "not an address"])


def feedback_request(client):
    from organisations.factories import MembershipFactory
    from organisations.models import Role

    _login(client, MembershipFactory(role=Role.STUDENT, mfa=True).user)
    response = client.post(
        reverse("portfolios:feedback-new"), {"prompt": "easy-read", "days": "90"}
    )
    return Page(response.content.decode(), ["90"])


def _feedback_link(client, answered=False):
    from organisations.factories import MembershipFactory
    from organisations.models import Role
    from portfolios import feedback

    learner = MembershipFactory(role=Role.STUDENT, mfa=True).user
    made, token = feedback.create_request(
        owner=learner, audience="parent-carer", prompt="standard", days=7
    )
    if answered:
        feedback.submit_answer(token=token, answers=[("What helped?", "Listening")])
    return learner, made, token


def feedback_answer(client):
    _learner, _made, token = _feedback_link(client)
    typed = f"You were kind, NHS {NHS}"
    response = client.post(
        reverse("feedback:answer", args=[token]), {"q_helped": typed, "q_differently": ""}
    )
    return Page(response.content.decode(), [typed])


def feedback_add(client):
    learner, made, _token = _feedback_link(client, answered=True)
    _login(client, learner)
    typed = ["Feedback on meetings", f"After a meeting, NHS {NHS}"]
    response = client.post(
        reverse("portfolios:feedback-add", args=[made.uuid]),
        {"title": typed[0], "description": typed[1], "learning": ""},
    )
    return Page(response.content.decode(), typed)


def _observation(locked=False):
    from placements.factories import PlacementFactory
    from placements.models import Placement
    from portfolios import observations

    placement = PlacementFactory(status=Placement.Status.IN_PROGRESS)
    observation = observations.create_observation(
        observer=placement.practice_educator,
        basis_key=f"placement-{placement.uuid}",
        observed_on=TODAY,
        setting="A team meeting",
        observed="Clear and calm.",
        to_develop="Pause more.",
    )
    if locked:
        observations.reflect_and_sign(
            observation=observation, learner=placement.student, reflection="I will pause."
        )
    return placement, observation


def observation_write(client):
    from placements.factories import PlacementFactory
    from placements.models import Placement

    placement = PlacementFactory(status=Placement.Status.IN_PROGRESS)
    _login(client, placement.practice_educator)
    typed = ["A home visit", f"Kind and clear, NHS {NHS}", "40"]
    response = client.post(
        reverse("observations:write", args=[f"placement-{placement.uuid}"]),
        {
            "observed_on_day": "40",
            "observed_on_month": "2",
            "observed_on_year": "2026",
            "setting": typed[0],
            "observed": typed[1],
            "to_develop": "",
            "rating_1": "shown",
        },
    )
    return Page(response.content.decode(), typed)


def observation_reflect(client):
    placement, observation = _observation()
    _login(client, placement.student)
    typed = f"I learnt a lot, NHS {NHS}"
    response = client.post(
        reverse("observations:reflect", args=[observation.uuid]), {"reflection": typed}
    )
    return Page(response.content.decode(), [typed])


def observation_amend(client):
    placement, observation = _observation(locked=True)
    _login(client, placement.practice_educator)
    typed = f"Clear, NHS {NHS}"
    response = client.post(
        reverse("observations:amend", args=[observation.uuid]),
        {"field": "observed", "text": typed, "reason": ""},
    )
    return Page(response.content.decode(), [typed])


def educator_award(client):
    from placements.factories import placement_world

    world = placement_world()
    _login(client, world["hei_lead"])
    response = client.post(
        reverse("placements:educators"),
        {
            "award-educator": world["pe1"].pk,
            "award-stage": "",
            "award-awarded_on_day": "31",
            "award-awarded_on_month": "2",
            "award-awarded_on_year": "2025",
            "award-programme_name": f"Course, NHS {NHS}",
        },
    )
    assert response.status_code == 400, response.content.decode()[:500]
    return Page(response.content.decode(), ["31", f"Course, NHS {NHS}"])


def educator_candidacy(client):
    from placements.factories import EducatorAwardFactory, placement_world

    world = placement_world()
    EducatorAwardFactory(educator=world["pe"], awarded_by=world["hei"])
    _login(client, world["hei_lead"])
    typed = ["31", f"Course, NHS {NHS}"]
    response = client.post(
        reverse("placements:educators"),
        {
            "action": "candidacy",
            "candidacy-candidate": world["onsite"].pk,
            "candidacy-stage": "",
            "candidacy-mentor": world["pe"].pk,
            "candidacy-provider": world["hei"].pk,
            "candidacy-started_on_day": "31",
            "candidacy-started_on_month": "2",
            "candidacy-started_on_year": "2025",
            "candidacy-programme_name": typed[1],
        },
    )
    assert response.status_code == 400, response.content.decode()[:500]
    return Page(response.content.decode(), typed)


def credential_verify(client):
    response = client.post(reverse("credentials:verify"), {"credential": ""})
    assert response.status_code == 200
    return Page(response.content.decode(), [])


def placement_offer(client):
    from placements.factories import placement_world

    world = placement_world()
    _login(client, world["provider_lead"])
    response = client.post(
        "/placements/offers/",
        {
            "team": world["team"].pk,
            "term": "Autumn 2027",
            "starts_on_day": "1",
            "starts_on_month": "9",
            "starts_on_year": "2027",
            "ends_on_day": "31",
            "ends_on_month": "2",
            "kind": "first",
            "setting_type": "la-children",
            "capacity": "0",
        },
    )
    assert response.status_code == 400, response.content.decode()[:500]
    return Page(response.content.decode(), ["Autumn 2027", "31"])


def placement_offer_capacity(client):
    from placements import offers
    from placements.factories import placement_world

    world = placement_world()
    offer = offers.publish_offer(
        by=world["provider_lead"],
        team=world["team"],
        term="Autumn",
        starts_on=TODAY,
        ends_on=TODAY + datetime.timedelta(days=200),
        kind="first",
        setting_type="la-children",
        capacity=2,
    )
    _login(client, world["provider_lead"])
    response = client.post(
        "/placements/offers/", {"what": "capacity", "offer": offer.uuid, "capacity": "lots"}
    )
    assert response.status_code == 400, response.content.decode()[:500]
    return Page(response.content.decode(), ["lots"])


def placement_offer_demand(client):
    from placements.factories import placement_world

    world = placement_world()
    _login(client, world["hei_lead"])
    response = client.get("/placements/offers/demand/", {"cohort": "999999", "term": "Never"})
    assert response.status_code == 400, response.content.decode()[:500]
    return Page(response.content.decode(), [])


def skills_day_cohort(client):
    from placements.factories import placement_world

    world = placement_world()
    _login(client, world["tutor"])
    response = client.get("/placements/skills-days/", {"cohort": "999999"})
    assert response.status_code == 400, response.content.decode()[:500]
    return Page(response.content.decode(), [])


def skills_day(client):
    from placements.factories import placement_world

    world = placement_world()
    _login(client, world["tutor"])
    typed = f"Court skills, NHS {NHS}"
    response = client.post(
        f"/placements/skills-days/?cohort={world['cohort'].pk}",
        {"on_day": "31", "on_month": "2", "topic": typed, "days": "1"},
    )
    assert response.status_code == 400, response.content.decode()[:500]
    return Page(response.content.decode(), [typed, "31"])


CASES = {
    "credentials.forms.VerifyForm": credential_verify,
    "portfolios.forms.EntryForm": portfolio_entry,
    "portfolios.forms.CommentForm": portfolio_comment,
    "portfolios.forms.ShareForm": portfolio_share,
    "portfolios.interchange_views.ImportForm": portfolio_import,
    "portfolios.feedback_forms.FeedbackRequestForm": feedback_request,
    "portfolios.feedback_forms.FeedbackAnswerForm": feedback_answer,
    "portfolios.feedback_forms.AddFeedbackForm": feedback_add,
    "portfolios.observation_forms.ObservationForm": observation_write,
    "portfolios.observation_forms.ReflectionForm": observation_reflect,
    "portfolios.observation_forms.AmendObservationForm": observation_amend,
    "accounts.forms.ProfileForm": profile,
    "appraisals.forms.StageForm": appraisal_stage,
    "appraisals.forms.AmendForm": appraisal_amend,
    "appraisals.forms.DissentForm": appraisal_dissent,
    "appraisals.forms.ObjectiveForm": appraisal_objective,
    "appraisals.start_views.StartForm": appraisal_start,
    "appraisals.reassign_views.ReassignForm": appraisal_reassign,
    "appraisals.template_forms.TemplateForm": appraisal_template,
    "appraisals.workforce_views.PracticeVoiceForm": practice_voice,
    "appraisals.voice_views.VoiceReplyForm": voice_reply,
    "appraisals: a reply saved by someone else since it was opened": voice_reply_changed,
    "supervision.forms.SupervisionForm": supervision_record,
    "placements.audit_views.AuditPartForm": audit_part,
    "placements.audit_views.ModerationForm": audit_moderation,
    "placements.midpoint_views.MidpointForm": placement_midpoint,
    "placements.concern_views.ConcernForm": placement_concern,
    "placements.concern_views.ConcernActionForm": placement_concern_action,
    "placements.support_views.SupportPlanForm": placement_support_plan,
    "placements.checks_views.InductionForm": placement_induction,
    "placements.educator_views.AwardForm": educator_award,
    "placements.candidacy_views.CandidacyForm": educator_candidacy,
    "placements.learning_views.LearningAgreementForm": placement_learning_agreement,
    "placements.views.DaysForm": placement_step(
        "log_days", "student", {"days-days": "1", "days-note": f"NHS {NHS}"}, [f"NHS {NHS}"]
    ),
    "placements.views.ExtendForm": placement_step(
        "extend", "hei_lead", {"extend-days": "0", "extend-reason": "Illness"}, ["Illness"]
    ),
    "placements.views.EndEarlyForm": placement_step(
        "end_early", "provider_lead", {"end-reason": f"Illness, NHS {NHS}"}, [f"Illness, NHS {NHS}"]
    ),
    "placements.final_report_views.FinalReportForm": placement_final_report,
    "placements.panel_views.PanelForm": placement_panel,
    "placements.panel_views.PanelDecisionForm": placement_panel_decision,
    "placements.views.DecisionForm": placement_decision,
    "placements.views.WithdrawForm": placement_step(
        "withdraw", "tutor", {"withdraw-reason": f"Left, NHS {NHS}"}, [f"Left, NHS {NHS}"]
    ),
    "placements.views.CancelForm": placement_cancel,
    "placements.views.ReduceForm": placement_step(
        "reduce", "hei_lead", {"reduce-days": "0", "reduce-reason": "Illness"}, ["Illness"]
    ),
    "placements.proposal_views.PlacementForm": placement_create,
    "placements.partnership_views.SideCommentsForm": partnership_side,
    "placements.partnership_views.ActionForm": partnership_action,
    "placements.designation_views.EvidenceForm": designation_evidence,
    "placements.designation_views.DecisionForm": designation_decision,
    "placements.designation_views.ApplicationForm": designation_create,
    "placements.offer_views.OfferForm": placement_offer,
    "placements.offer_views.CapacityForm": placement_offer_capacity,
    "placements.offer_views.DemandForm": placement_offer_demand,
    "placements.skills_views.CohortForm": skills_day_cohort,
    "placements.skills_views.SkillsDayForm": skills_day,
    "organisations.forms.InvitationForm": invitation,
    "organisations.forms.EndMembershipForm": end_membership,
    "appraisals.template_forms.TemplateEditForm": template_edit(
        "save-template", {"template-name": "", "template-description": "Kept"}, ["Kept"]
    ),
    "appraisals.template_forms.StageForm": template_edit(
        "add-stage",
        {"new-stage-name": "Midyear check-in", "new-stage-due_after_days": "soon"},
        ["Midyear check-in", "soon"],
    ),
    # No free text: a framework left unchosen, the stage ticked stays ticked.
    "appraisals.template_forms.FrameworkForm": template_edit(
        "add-framework",
        {"new-framework-framework": "", "new-framework-stages": "{stage}"},
        [],
    ),
    "appraisals.template_forms.QuestionForm": template_edit(
        "add-question",
        {
            "stage": "{stage}",
            "new-question-{stage}-help_text": "Kept hint",
            "new-question-{stage}-appraisee": "must",
            "new-question-{stage}-appraiser": "read",
            "new-question-{stage}-countersigner": "none",
            "new-question-{stage}-assessor": "none",
        },
        ["Kept hint"],
    ),
    "accounts.allauth_forms.SignupForm": sign_up,
    "accounts.allauth_forms.LoginForm": sign_in,
    "allauth: sign in, wrong password": sign_in_wrong,
    "accounts.allauth_forms.ResetPasswordForm": password_reset,
    "capabilities: compare levels (no form class)": compare_levels,
}


NOT_WALKED = {
    "accounts.forms.SignupDetailsForm": "its fields join allauth's sign-up form (walked as "
    "accounts.allauth_forms.SignupForm)",
    "organisations.wagtail_hooks.MembershipAdminForm": "Wagtail's admin, which has its own "
    "error pattern",
    "capabilities.forms.NewDraftVersionForm": "Wagtail's admin, which has its own error pattern",
    "capabilities.forms.CaseImportForm": "Wagtail's admin, which has its own error pattern",
    "capabilities.moodle_admin.MoodleImportForm": "Wagtail's admin, which has its own error "
    "pattern",
    "portfolios.forms.EntryFilterForm": "a filter: what does not fit is ignored, never reported",
    "placements.views.ReasonForm": "a base with no question of its own; its subclasses (end "
    "early, withdraw, cancel) are walked",
    "placements.candidacy_views.PepsPersonForm": "a base for the register's forms; its "
    "subclasses (the PEPS award and the candidacy) are walked",
}
# allauth's other forms render through the same elements (templates/allauth/elements/) as the
# sign-in, sign-up and reset pages walked above; test_form_errors checks their messages.
ALLAUTH_PREFIX = "accounts.allauth_forms."
