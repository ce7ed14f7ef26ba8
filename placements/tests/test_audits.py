"""Placement quality audits: each party's own part, moderation by the HEI, the provider never
reading a student's answers as theirs, and the actions that follow."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from organisations.factories import MembershipFactory
from organisations.models import Role
from placements import services
from placements.defaults import DEFAULT_AUDIT_SECTIONS, ensure_default_audit_template
from placements.factories import PlacementFactory
from placements.models import (
    ActionItem,
    Audit,
    AuditCriterion,
    AuditParty,
    AuditSection,
    AuditTemplate,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = timedelta(days=1)
STUDENT_SECRET = "The duty desk left me alone with a family in crisis"


def answers(audit, party, rating=2, comment=""):
    sections = audit.template.sections.filter(party=party).prefetch_related("criteria")
    ratings = {c.pk: rating for s in sections for c in s.criteria.all()}
    comments = {s.pk: comment for s in sections} if comment else {}
    return ratings, comments


def submit(audit, who, party, **kwargs):
    ratings, comments = answers(audit, party, **kwargs)
    return services.submit_audit_part(
        audit=audit, by=who, party=party, ratings=ratings, comments=comments
    )


def submit_all(audit, world):
    submit(audit, world["student"], AuditParty.STUDENT, comment=STUDENT_SECRET)
    submit(audit, world["pe"], AuditParty.EDUCATOR, comment="Protected time was honoured")
    submit(audit, world["provider_lead"], AuditParty.PROVIDER, comment="Desk and laptop ready")
    submit(audit, world["tutor"], AuditParty.TUTOR, comment="Meetings were on time")


# ---------------------------------------------------------------------------------------------
# The default template


def test_the_default_template_covers_every_area_with_the_right_party_and_is_idempotent(db):
    template = ensure_default_audit_template()
    again = ensure_default_audit_template()
    assert template == again
    assert AuditTemplate.objects.count() == 1
    assert AuditSection.objects.count() == len(DEFAULT_AUDIT_SECTIONS) == 10
    assert AuditCriterion.objects.count() == sum(len(c) for _t, _p, c in DEFAULT_AUDIT_SECTIONS)
    assert template.scale == ["Not met", "Partly met", "Met", "Exceeded"]
    parties = {s.title: s.party for s in template.sections.all()}
    assert parties["Induction"] == AuditParty.STUDENT
    assert parties["Environment and resources"] == AuditParty.PROVIDER
    assert parties["Support for the practice educator"] == AuditParty.EDUCATOR
    assert parties["Safety"] == AuditParty.PROVIDER
    assert parties["Communication between the HEI and the employer"] == AuditParty.TUTOR
    anti = [s.party for s in template.sections.all() if s.title.startswith("Anti-oppressive")]
    assert sorted(anti) == [AuditParty.EDUCATOR, AuditParty.STUDENT]
    for section in template.sections.all():
        assert 2 <= section.criteria.count() <= 4, section


def test_a_section_lost_from_the_default_is_put_back(db):
    template = ensure_default_audit_template()
    template.sections.get(title="Safety").delete()
    ensure_default_audit_template()
    assert template.sections.filter(title="Safety").exists()
    assert AuditSection.objects.count() == 10


# ---------------------------------------------------------------------------------------------
# Parts


def test_each_party_completes_its_own_part(audit, world):
    submit(audit, world["student"], AuditParty.STUDENT, comment=STUDENT_SECRET)
    submit(audit, world["onsite"], AuditParty.EDUCATOR)
    submit(audit, world["provider_lead"], AuditParty.PROVIDER)
    submit(audit, world["tutor"], AuditParty.TUTOR)
    parts = {p.party: p for p in audit.parts.all()}
    assert all(p.submitted_at for p in parts.values())
    assert parts[AuditParty.EDUCATOR].submitted_by == world["onsite"]
    student = parts[AuditParty.STUDENT]
    assert set(student.comments.values()) == {STUDENT_SECRET}
    assert set(student.ratings.values()) == {2}
    assert services.missing_parts(audit) == []


@pytest.mark.parametrize(
    ("who", "party"),
    [
        ("student", AuditParty.PROVIDER),
        ("student", AuditParty.TUTOR),
        ("provider_lead", AuditParty.STUDENT),
        ("pe", AuditParty.STUDENT),
        ("pe", AuditParty.PROVIDER),
        ("tutor", AuditParty.STUDENT),
        ("hei_lead", AuditParty.TUTOR),
    ],
)
def test_nobody_completes_another_partys_part(audit, world, who, party):
    with pytest.raises(PermissionDenied):
        submit(audit, world[who], party)
    assert audit.parts.get(party=party).submitted_at is None


def test_a_part_is_submitted_once(audit, world):
    submit(audit, world["student"], AuditParty.STUDENT, rating=1)
    with pytest.raises(ValidationError):
        submit(audit, world["student"], AuditParty.STUDENT, rating=3)
    part = audit.parts.get(party=AuditParty.STUDENT)
    assert set(part.ratings.values()) == {1}
    # The practice educator and the on-site supervisor share one part: the first to submit.
    submit(audit, world["pe"], AuditParty.EDUCATOR)
    with pytest.raises(ValidationError):
        submit(audit, world["onsite"], AuditParty.EDUCATOR)


def test_every_criterion_is_rated_on_the_scale(audit, world):
    ratings, _ = answers(audit, AuditParty.STUDENT)
    first, *_ = ratings
    for bad in (None, 4, -1, "x", True):
        given = {**ratings, first: bad}
        with pytest.raises(ValidationError) as error:
            services.submit_audit_part(
                audit=audit, by=world["student"], party="student", ratings=given, comments={}
            )
        assert f"criterion-{first}" in error.value.message_dict, bad
    missing = {k: v for k, v in ratings.items() if k != first}
    with pytest.raises(ValidationError):
        services.submit_audit_part(
            audit=audit, by=world["student"], party="student", ratings=missing, comments={}
        )
    # Nor can a party rate criteria or comment on sections of another party's part.
    provider_ratings, _ = answers(audit, AuditParty.PROVIDER)
    with pytest.raises(ValidationError) as error:
        services.submit_audit_part(
            audit=audit,
            by=world["student"],
            party="student",
            ratings={**ratings, **provider_ratings},
            comments={},
        )
    assert "ratings" in error.value.message_dict
    provider_section = audit.template.sections.filter(party="provider").first()
    with pytest.raises(ValidationError) as error:
        services.submit_audit_part(
            audit=audit,
            by=world["student"],
            party="student",
            ratings=ratings,
            comments={provider_section.pk: "Not mine to say"},
        )
    assert "comments" in error.value.message_dict
    assert audit.parts.get(party="student").submitted_at is None


# ---------------------------------------------------------------------------------------------
# Moderation and actions


def action(world, **overrides):
    return {
        "text": "Give students a laptop on day one",
        "owner": world["provider_lead"],
        "due_on": TODAY + 30 * DAY,
        **overrides,
    }


@pytest.mark.parametrize("who", ["tutor", "provider_lead", "pe", "student"])
def test_only_the_hei_placement_lead_moderates(audit, world, who):
    submit_all(audit, world)
    with pytest.raises(PermissionDenied):
        services.moderate(audit=audit, by=world[who], notes="Fine", actions=[action(world)])
    audit.refresh_from_db()
    assert audit.status == Audit.Status.OPEN
    assert not ActionItem.objects.exists()


def test_moderation_waits_for_every_part_then_findings_become_actions(audit, world):
    submit(audit, world["pe"], AuditParty.EDUCATOR)
    submit(audit, world["provider_lead"], AuditParty.PROVIDER)
    submit(audit, world["tutor"], AuditParty.TUTOR)
    with pytest.raises(ValidationError) as error:
        services.moderate(audit=audit, by=world["hei_lead"], notes="Early")
    assert "student" in str(error.value).lower()
    submit(audit, world["student"], AuditParty.STUDENT)
    # The owner must be someone at the provider, and the date not past.
    for bad in (
        action(world, owner=world["tutor"]),
        action(world, due_on=TODAY - DAY),
        action(world, text=" "),
    ):
        with pytest.raises(ValidationError):
            services.moderate(audit=audit, by=world["hei_lead"], notes="Good", actions=[bad])
    assert not ActionItem.objects.exists()
    services.moderate(
        audit=audit,
        by=world["hei_lead"],
        notes="A good setting; one gap.",
        actions=[action(world), action(world, owner=world["onsite"], text="Lone-working plan")],
    )
    audit.refresh_from_db()
    assert audit.status == Audit.Status.MODERATED and audit.moderated_by == world["hei_lead"]
    items = list(ActionItem.objects.order_by("pk"))
    assert [i.owner for i in items] == [world["provider_lead"], world["onsite"]]
    assert {i.provider for i in items} == {world["provider"]}
    assert {i.audit for i in items} == {audit}
    with pytest.raises(ValidationError):
        services.moderate(audit=audit, by=world["hei_lead"], notes="Again")


def test_no_part_is_submitted_after_moderation(audit, world):
    # Moderated before the student's part came: only possible if it was already submitted, so
    # force the state the way a moderated audit would look.
    Audit.objects.filter(pk=audit.pk).update(status=Audit.Status.MODERATED)
    with pytest.raises(ValidationError):
        submit(audit, world["student"], AuditParty.STUDENT)


def test_actions_are_updated_by_their_owner_or_the_providers_placement_lead(audit, world):
    submit_all(audit, world)
    services.moderate(
        audit=audit, by=world["hei_lead"], notes="", actions=[action(world, owner=world["pe"])]
    )
    item = ActionItem.objects.get()
    for who in ("tutor", "hei_lead", "student", "onsite"):
        with pytest.raises(PermissionDenied):
            services.update_action(action=item, by=world[who], status="done")
    item.refresh_from_db()
    assert item.status == ActionItem.Status.OPEN
    services.update_action(action=item, by=world["pe"], status="done")
    services.update_action(action=item, by=world["provider_lead"], status="dropped")
    item.refresh_from_db()
    assert item.status == ActionItem.Status.DROPPED
    with pytest.raises(ValidationError):
        services.update_action(action=item, by=world["pe"], status="finished")


# ---------------------------------------------------------------------------------------------
# Who reads what


def test_the_provider_never_reads_the_students_part_the_hei_reads_everything(audit, world):
    submit_all(audit, world)

    def readable(who):
        view = services.audit_view_for(world[who], audit)
        return {row["party"] for row in view["parts"] if row["readable"]}

    everything = set(AuditParty.values)
    assert readable("tutor") == everything
    assert readable("hei_lead") == everything
    not_student = everything - {AuditParty.STUDENT}
    assert readable("provider_lead") == not_student
    assert readable("pe") == not_student
    assert readable("onsite") == not_student
    assert readable("student") == {AuditParty.STUDENT}
    provider_view = services.audit_view_for(world["provider_lead"], audit)
    student_row = next(r for r in provider_view["parts"] if r["party"] == AuditParty.STUDENT)
    assert student_row["part"] is None and student_row["sections"] == []
    assert STUDENT_SECRET not in repr(provider_view["parts"])
    outsider = MembershipFactory(role=Role.PLACEMENT_LEAD, mfa=True).user
    with pytest.raises(PermissionDenied):
        services.audit_view_for(outsider, audit)


def audit_url(audit):
    return f"/placements/{audit.placement.uuid}/audit/"


def test_the_audit_page_hides_the_students_answers_from_the_provider(client, audit, world):
    submit_all(audit, world)
    for who in ("provider_lead", "pe", "onsite"):
        client.force_login(world[who])
        response = client.get(audit_url(audit))
        assert response.status_code == 200
        html = response.content.decode()
        assert STUDENT_SECRET not in html, who
        assert "Desk and laptop ready" in html  # the provider's own part
    for who in ("tutor", "hei_lead", "student"):
        client.force_login(world[who])
        html = client.get(audit_url(audit)).content.decode()
        assert STUDENT_SECRET in html, who


def test_the_audit_page_is_404_to_outsiders(client, audit, world):
    other = PlacementFactory()
    for outsider in (
        MembershipFactory(role=Role.STUDENT).user,
        other.practice_educator,
        MembershipFactory(role=Role.PLACEMENT_LEAD, mfa=True).user,
    ):
        client.force_login(outsider)
        assert client.get(audit_url(audit)).status_code == 404


def part_post(audit, party, rating=2, comment=""):
    ratings, _ = answers(audit, party)
    data = {"what": "part", "party": party}
    data.update({f"{party}-criterion-{pk}": str(rating) for pk in ratings})
    if comment:
        for section in audit.template.sections.filter(party=party):
            data[f"{party}-comment-{section.pk}"] = comment
    return data


def test_parts_are_completed_through_the_page_each_by_its_own_party(client, audit, world):
    client.force_login(world["student"])
    page = client.get(audit_url(audit)).content.decode()
    assert "Your part: Student" in page
    assert "Your part: Provider" not in page
    # Posting the provider's part as the student does nothing.
    client.post(audit_url(audit), part_post(audit, AuditParty.PROVIDER))
    assert audit.parts.get(party=AuditParty.PROVIDER).submitted_at is None
    incomplete = part_post(audit, AuditParty.STUDENT)
    incomplete.pop(next(k for k in incomplete if "criterion" in k))
    assert client.post(audit_url(audit), incomplete).status_code == 400
    assert audit.parts.get(party=AuditParty.STUDENT).submitted_at is None
    response = client.post(audit_url(audit), part_post(audit, AuditParty.STUDENT, comment="Hi"))
    assert response.status_code == 302
    part = audit.parts.get(party=AuditParty.STUDENT)
    assert part.submitted_by == world["student"] and "Hi" in part.comments.values()
    # The form is gone once submitted.
    assert "Your part: Student" not in client.get(audit_url(audit)).content.decode()


def test_the_hei_lead_moderates_through_the_page(client, audit, world):
    client.force_login(world["hei_lead"])
    assert 'value="moderate"' not in client.get(audit_url(audit)).content.decode()
    submit_all(audit, world)
    assert 'value="moderate"' in client.get(audit_url(audit)).content.decode()
    due = TODAY + 14 * DAY
    data = {
        "what": "moderate",
        "moderate-notes": "Solid setting",
        "moderate-action_1_text": "Name a lone-working buddy",
        "moderate-action_1_owner": world["onsite"].pk,
        "moderate-action_1_due_on_day": due.day,
        "moderate-action_1_due_on_month": due.month,
        "moderate-action_1_due_on_year": due.year,
    }
    client.force_login(world["tutor"])
    client.post(audit_url(audit), data)
    audit.refresh_from_db()
    assert audit.status == Audit.Status.OPEN
    client.force_login(world["hei_lead"])
    assert client.post(audit_url(audit), data).status_code == 302
    audit.refresh_from_db()
    assert audit.status == Audit.Status.MODERATED
    item = ActionItem.objects.get()
    assert (item.owner, item.due_on) == (world["onsite"], due)
    # The owner marks it done from the page.
    client.force_login(world["onsite"])
    client.post(audit_url(audit), {"what": "action", "action": item.pk, "status": "done"})
    item.refresh_from_db()
    assert item.status == ActionItem.Status.DONE


# ---------------------------------------------------------------------------------------------
# Reminders


@pytest.fixture
def actions(audit, world):
    submit_all(audit, world)
    services.moderate(
        audit=audit,
        by=world["hei_lead"],
        notes="",
        actions=[
            action(world, owner=world["pe"], text="Soon", due_on=TODAY + 10 * DAY),
            action(world, owner=world["onsite"], text="Later", due_on=TODAY + 60 * DAY),
        ],
    )
    mail.outbox.clear()
    return ActionItem.objects.order_by("due_on")


def test_owners_hear_a_week_before_and_then_weekly_not_more(actions, world):
    soon = actions[0]
    assert services.send_action_reminders(TODAY + 2 * DAY) == 0  # due in 8 days: not yet
    assert services.send_action_reminders(TODAY + 3 * DAY) == 1  # due in 7 days
    assert [m.to for m in mail.outbox] == [[world["pe"].email]]
    assert "Soon" in mail.outbox[0].body
    assert f"/placements/{soon.audit.placement.uuid}/audit/" in mail.outbox[0].body
    # Not again within the week, even though it stays open and becomes overdue.
    for offset in range(3, 10):
        assert services.send_action_reminders(TODAY + offset * DAY) == 0, offset
    assert services.send_action_reminders(TODAY + 10 * DAY) == 1
    assert len(mail.outbox) == 2
    assert services.send_action_reminders(TODAY + 17 * DAY) == 1
    assert "Overdue" in mail.outbox[-1].subject
    # Done actions are left alone.
    services.update_action(action=soon, by=world["pe"], status="done")
    assert services.send_action_reminders(TODAY + 30 * DAY) == 0


def test_the_command_sends_as_of_a_date(actions):
    out = StringIO()
    day = (TODAY + 4 * DAY).isoformat()
    call_command("send_placement_reminders", "--date", day, stdout=out)
    assert "Sent 1 placement action reminder." in out.getvalue()
    call_command("send_placement_reminders", "--date", day, stdout=out)
    assert "Sent 0 placement action reminders." in out.getvalue()
    assert len(mail.outbox) == 1
    with pytest.raises(CommandError):
        call_command("send_placement_reminders", "--date", "tomorrow")
