from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.factories import UserFactory, give_mfa
from capabilities.models import Item
from organisations.factories import MembershipFactory
from organisations.models import Role
from portfolios.cpd import cpd_year_for, reminder_days, send_reminders
from portfolios.factories import EntryFactory, PortfolioFactory
from portfolios.models import CpdReminder, Entry, registration_year_bounds, registration_year_for

pytestmark = pytest.mark.django_db

DEADLINE = date(2026, 11, 30)
LONG_AGO = date(2020, 1, 1)
REMINDER_DAYS = reminder_days()


def days_before(days: int) -> date:
    return DEADLINE - timedelta(days=days)


def record(user, *, peer=False, **kwargs):
    """A complete entry of `user`'s, dated in registration year 2026 unless told otherwise."""
    if peer:
        kwargs.setdefault("peer_name", "Sam Peer")
        kwargs.setdefault("peer_role", "Senior practitioner")
        kwargs.setdefault("peer_on", date(2026, 3, 9))
        kwargs.setdefault("peer_learning", "Talking it through showed me a second view.")
    return EntryFactory(portfolio=PortfolioFactory(owner=user), **kwargs)


def pks(records) -> list[int]:
    return [r.pk for r in records]


def current_year() -> int:
    return registration_year_for(timezone.localdate())


def cpd_url(year: int) -> str:
    return reverse("portfolios:cpd-year", kwargs={"year": year})


# The registration year and what counts in it


def test_registration_year_runs_from_1_december_to_30_november():
    assert registration_year_bounds(2026) == (date(2025, 12, 1), date(2026, 11, 30))
    assert registration_year_for(date(2026, 11, 30)) == 2026
    assert registration_year_for(date(2026, 12, 1)) == 2027
    assert registration_year_for(date(2026, 1, 1)) == 2026


def test_an_entry_counts_in_the_registration_year_its_date_falls_in():
    user = UserFactory()
    last_day = record(user, occurred_on=date(2026, 11, 30))
    first_day_of_next = record(user, occurred_on=date(2026, 12, 1))
    first_day = record(user, occurred_on=date(2025, 12, 1))
    before = record(user, occurred_on=date(2025, 11, 30))

    cpd = cpd_year_for(user, 2026, today=date(2026, 6, 1))
    assert cpd.starts_on == date(2025, 12, 1)
    assert cpd.ends_on == date(2026, 11, 30)
    assert pks(cpd.records) == [first_day.pk, last_day.pk]  # in date order
    assert pks(cpd_year_for(user, 2027, today=date(2026, 6, 1)).records) == [first_day_of_next.pk]
    assert pks(cpd_year_for(user, 2025, today=date(2026, 6, 1)).records) == [before.pk]


def test_drafts_and_deleted_entries_are_not_counted():
    user = UserFactory()
    counted = record(user)
    record(user, status=Entry.Status.DRAFT, peer=True)
    record(user, status=Entry.Status.DRAFT)
    record(user, peer=True, deleted_at=timezone.now())
    record(user, status=Entry.Status.DRAFT, deleted_at=timezone.now())

    cpd = cpd_year_for(user, 2026, today=date(2026, 6, 1))
    assert pks(cpd.records) == [counted.pk]
    assert cpd.records_count == 1
    assert cpd.peer_count == 0
    assert cpd.drafts_count == 2
    assert not cpd.met


def test_other_peoples_entries_are_not_counted():
    user = UserFactory()
    record(UserFactory(), peer=True)
    record(UserFactory(), peer=True)

    cpd = cpd_year_for(user, 2026, today=date(2026, 6, 1))
    assert cpd.records == []
    assert cpd.records_count == 0


@pytest.mark.parametrize(
    ("records", "peers", "met", "shortfall"),
    [
        (
            0,
            0,
            False,
            [
                "Record 2 more different pieces of CPD",
                "Include a peer reflection in at least one of them",
            ],
        ),
        (
            1,
            0,
            False,
            ["Record 1 more piece of CPD", "Add a peer reflection to one of your records"],
        ),
        (1, 1, False, ["Record 1 more piece of CPD"]),
        (2, 0, False, ["Add a peer reflection to one of your records"]),
        (2, 1, True, []),
        (3, 2, True, []),
    ],
)
def test_the_requirement_is_two_records_one_with_a_peer_reflection(records, peers, met, shortfall):
    user = UserFactory()
    for n in range(records):
        record(user, peer=n < peers)

    cpd = cpd_year_for(user, 2026, today=date(2026, 6, 1))
    assert cpd.records_count == records
    assert cpd.peer_count == peers
    assert cpd.met is met
    assert cpd.shortfall == shortfall


def test_a_peer_reflection_is_what_was_learnt_from_the_peer_not_who_they_were():
    user = UserFactory()
    named_only = record(user, peer_name="Sam Peer", peer_role="Senior practitioner")
    unnamed = record(user, peer_learning="Group supervision showed me a second view.")

    cpd = cpd_year_for(user, 2026, today=date(2026, 6, 1))
    assert cpd.records_count == 2
    assert cpd.peer_count == 1
    assert cpd.met
    assert cpd.status_label == "Ready to record with Social Work England"
    assert not named_only.has_peer_reflection and unnamed.has_peer_reflection
    # The queryset says the same as the property.
    assert list(Entry.objects.with_peer_reflection()) == [unnamed]
    assert not Entry.objects.filter(pk=record(user, peer_learning="  ").pk).with_peer_reflection()


@pytest.mark.parametrize(
    ("today", "days_left", "is_current", "is_past"),
    [
        (date(2025, 12, 1), 364, True, False),
        (days_before(60), 60, True, False),
        (days_before(7), 7, True, False),
        (date(2026, 11, 30), 0, True, False),
        (date(2026, 12, 1), None, False, True),
        (date(2027, 5, 1), None, False, True),
        (date(2025, 6, 1), 547, False, False),  # a year not begun
    ],
)
def test_days_left_until_30_november(today, days_left, is_current, is_past):
    cpd = cpd_year_for(UserFactory(), 2026, today=today)
    assert cpd.days_left == days_left
    assert cpd.is_current is is_current
    assert cpd.is_past is is_past


# The page


def test_cpd_redirects_to_the_current_registration_year(client):
    client.force_login(UserFactory())
    response = client.get(reverse("portfolios:cpd"))
    assert response.status_code == 302
    assert response.url == cpd_url(current_year())


@pytest.mark.parametrize("name", ["cpd", "cpd-year"])
def test_anonymous_people_are_asked_to_sign_in(client, name):
    url = reverse(f"portfolios:{name}", kwargs={"year": 2026} if name == "cpd-year" else {})
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("offset", [None, 2, 100])
def test_silly_years_are_not_found(client, offset):
    client.force_login(UserFactory())
    year = 1999 if offset is None else current_year() + offset
    assert client.get(cpd_url(year)).status_code == 404


@pytest.mark.parametrize("year", [2000, "next"])
def test_the_first_and_next_years_are_found(client, year):
    client.force_login(UserFactory())
    year = current_year() + 1 if year == "next" else year
    assert client.get(cpd_url(year)).status_code == 200


def test_the_page_shows_only_the_viewers_own_records(client):
    year = current_year()
    starts_on, _ = registration_year_bounds(year)
    me, someone_else = UserFactory(), UserFactory()
    record(me, title="My own reflection on a home visit", occurred_on=starts_on, peer=True)
    record(me, title="My draft", occurred_on=starts_on, status=Entry.Status.DRAFT)
    for _ in range(2):
        record(
            someone_else,
            title="Someone else's private learning",
            learning="Their secret learning",
            occurred_on=starts_on,
            peer=True,
        )
    client.force_login(me)

    response = client.get(cpd_url(year))

    assert response.status_code == 200
    text = response.text
    assert "My own reflection on a home visit" in text
    assert "Someone else" not in text
    assert "Their secret learning" not in text
    assert "My draft" not in text  # drafts are only counted, not laid out
    cpd = response.context["cpd"]
    assert cpd.records_count == 1
    assert cpd.drafts_count == 1
    assert "Record 1 more piece of CPD" in text
    assert "Not ready to record yet" in text
    assert ">Met<" not in text


def test_the_page_lays_out_each_record_in_social_work_englands_order(client):
    user = UserFactory()
    entry = record(
        user,
        peer=True,
        title="Court skills",
        activity_type="course",
        occurred_on=date(2026, 3, 2),
        description="A day on court skills.\nRelevant to care proceedings.",
        learning="How to give evidence.",
        impact="Clearer statements for families.",
        swe_standards=["4.3", "4.6"],
    )
    bare = record(user, title="Bare", entry_type="", description="", learning="", impact="")
    client.force_login(user)

    response = client.get(cpd_url(2026))

    text = response.text
    assert "CPD for the registration year 1 December 2025 to 30 November 2026" in text
    assert "There is no minimum number of hours" in text
    assert "A day on court skills.<br>Relevant to care proceedings." in text
    labels = [
        "Type of CPD",
        "Short description and why it is relevant",
        "Date",
        "What I learnt",
        "Impact on my practice and on the people I work with",
        "Peer reflection: what I learnt from discussing it with a peer",
        "Peer reflection: with",
        "Social Work England standard 4",
    ]
    positions = [text.index(label, text.index("Court skills")) for label in labels]
    assert positions == sorted(positions)
    for value in [
        "Course, training or e-learning",
        "2 March 2026",
        "How to give evidence.",
        "Clearer statements for families.",
        "Sam Peer",
        "Senior practitioner",
        "9 March 2026",
        "Talking it through showed me a second view.",
        "4.3 Keeping practice current",
        "4.6 The impact of learning",
    ]:
        assert value in text
    assert entry.get_absolute_url() in text
    assert bare.get_absolute_url() in text
    assert text.count("Not recorded") == 6  # the bare record: five fields and the peer reflection
    assert "govuk-tag--green" in text and ">Ready to record with Social Work England<" in text
    assert "style=" not in text


def test_days_left_are_shown_only_for_the_current_year(client):
    client.force_login(UserFactory())
    year = current_year()
    assert "Days left until 30 November" in client.get(cpd_url(year)).text
    assert "Days left until 30 November" not in client.get(cpd_url(year - 1)).text


def test_previous_and_next_year_links(client):
    client.force_login(UserFactory())
    year = current_year()
    text = client.get(cpd_url(year)).text
    assert f'href="{cpd_url(year - 1)}"' in text
    assert f'href="{cpd_url(year + 1)}"' in text
    last = client.get(cpd_url(year + 1)).text
    assert f'href="{cpd_url(year + 2)}"' not in last
    first = client.get(cpd_url(2000)).text
    assert f'href="{cpd_url(1999)}"' not in first


def test_staff_with_mfa_see_their_own_cpd(client):
    membership = MembershipFactory(role=Role.LINE_MANAGER, starts_on=LONG_AGO)
    give_mfa(membership.user)
    client.force_login(membership.user)
    assert client.get(cpd_url(current_year())).status_code == 200


def page_queries(client, user, year) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(cpd_url(year))
    assert response.status_code == 200
    return len(queries)


def test_the_page_makes_the_same_number_of_queries_however_many_records(client, pcf):
    statements = list(Item.objects.filter(version=pcf, kind=Item.Kind.STATEMENT)[:2])
    few, many = UserFactory(), UserFactory()
    for user, count in [(few, 3), (many, 30)]:
        for n in range(count):
            record(
                user,
                peer=n % 2 == 0,
                swe_standards=["4.1", "4.7"],
                statements=statements,
                occurred_on=date(2025, 12, 1) + timedelta(days=n),
            )
        record(user, status=Entry.Status.DRAFT)

    client.force_login(few)
    few_queries = page_queries(client, few, 2026)
    client.force_login(many)
    many_queries = page_queries(client, many, 2026)

    assert len(cpd_year_for(many, 2026).records) == 30
    assert few_queries == many_queries


# Reminders


def practitioner(**kwargs):
    kwargs.setdefault("role", Role.PRACTITIONER)
    kwargs.setdefault("starts_on", LONG_AGO)
    return MembershipFactory(**kwargs).user


def reminders(user):
    return sorted(
        CpdReminder.objects.filter(user=user, registration_year=2026).values_list(
            "days_before", "sent"
        )
    )


@pytest.mark.parametrize("days", REMINDER_DAYS)
def test_a_reminder_is_sent_60_30_and_7_days_before_the_deadline(days):
    user = practitioner()
    record(user, peer=False)
    record(user, status=Entry.Status.DRAFT)

    assert send_reminders(today=days_before(days)) == 1

    [email] = mail.outbox
    assert email.to == [user.email]
    assert f"{days} days left" in email.subject
    assert "1 complete record of CPD" in email.body
    assert "0 with a peer reflection" in email.body
    assert "1 draft, not yet counted" in email.body
    assert "Record 1 more piece of CPD" in email.body
    assert "Add a peer reflection to one of your records" in email.body
    assert "Monday 30 November 2026" in email.body
    assert "http://testserver/portfolio/cpd/2026/" in email.body
    [(html, mimetype)] = email.alternatives
    assert mimetype == "text/html"
    assert 'href="http://testserver/portfolio/cpd/2026/"' in html
    # Earlier reminders (none were sent in this test) are recorded as skipped.
    assert reminders(user) == sorted(
        [(days, True)] + [(d, False) for d in REMINDER_DAYS if d > days]
    )


def test_no_reminder_before_60_days_or_once_the_year_is_over():
    practitioner()
    assert send_reminders(today=days_before(61)) == 0
    assert send_reminders(today=date(2026, 12, 1)) == 0
    assert not mail.outbox


def test_a_reminder_on_the_last_day_says_so():
    practitioner()
    send_reminders(today=days_before(60))
    send_reminders(today=days_before(30))
    assert send_reminders(today=DEADLINE) == 1
    assert "today is the deadline" in mail.outbox[-1].subject


@pytest.mark.parametrize(
    "role",
    [
        Role.PRACTICE_EDUCATOR,
        Role.ONSITE_SUPERVISOR,
        Role.LINE_MANAGER,
        Role.PRINCIPAL_SOCIAL_WORKER,
    ],
)
def test_reminders_go_to_every_role_that_must_do_cpd(role):
    practitioner(role=role)
    assert send_reminders(today=days_before(30)) == 1


def test_reminders_go_to_anyone_with_a_registration_number():
    user = practitioner(role=Role.HEI_TUTOR, registration_number="SW123456")
    practitioner(role=Role.HEI_TUTOR)  # no registration number: no reminder
    assert send_reminders(today=days_before(30)) == 1
    assert [email.to for email in mail.outbox] == [[user.email]]


def test_no_reminders_to_students():
    practitioner(role=Role.STUDENT)
    practitioner(role=Role.STUDENT, registration_number="SW999999")
    assert send_reminders(today=days_before(30)) == 0
    assert not mail.outbox


def test_no_reminders_to_people_whose_role_has_ended_or_not_begun():
    practitioner(ends_on=days_before(31))
    practitioner(starts_on=days_before(29))
    assert send_reminders(today=days_before(30)) == 0
    assert not mail.outbox


def test_no_reminders_to_people_who_met_the_requirement():
    done = practitioner()
    record(done)
    record(done, peer=True)
    almost = practitioner()
    record(almost)
    record(almost, peer=True, status=Entry.Status.DRAFT)

    assert send_reminders(today=days_before(30)) == 1
    assert [email.to for email in mail.outbox] == [[almost.email]]
    assert reminders(done) == []


def test_running_twice_sends_nothing_twice():
    user = practitioner()
    assert send_reminders(today=days_before(30)) == 1
    assert send_reminders(today=days_before(30)) == 0
    assert send_reminders(today=days_before(29)) == 0
    assert len(mail.outbox) == 1
    assert reminders(user) == [(30, True), (60, False)]


def test_after_missed_days_only_the_most_urgent_reminder_is_sent():
    user = practitioner()

    assert send_reminders(today=days_before(25)) == 1
    assert len(mail.outbox) == 1
    assert "25 days left" in mail.outbox[0].subject
    assert reminders(user) == [(30, True), (60, False)]

    # The skipped 60-day reminder is never sent late; the 7-day one still comes.
    assert send_reminders(today=days_before(20)) == 0
    assert send_reminders(today=days_before(7)) == 1
    assert reminders(user) == [(7, True), (30, True), (60, False)]
    assert len(mail.outbox) == 2


def test_a_reminder_already_sent_is_not_followed_by_a_less_urgent_one():
    user = practitioner()
    CpdReminder.objects.create(user=user, registration_year=2026, days_before=30)
    assert send_reminders(today=days_before(20)) == 0
    assert reminders(user) == [(30, True)]


def test_reminders_of_last_year_do_not_stop_this_years():
    user = practitioner()
    CpdReminder.objects.create(user=user, registration_year=2025, days_before=30)
    assert send_reminders(today=days_before(30)) == 1


def test_reminder_queries_do_not_grow_with_the_number_of_people():
    def queries_for(people: int) -> int:
        CpdReminder.objects.all().delete()
        for _ in range(people):
            user = practitioner()
            record(user)
            record(user, peer=True)
        with CaptureQueriesContext(connection) as queries:
            assert send_reminders(today=days_before(30)) == 0
        return len(queries)

    assert queries_for(2) == queries_for(10)


def test_the_command_runs_as_of_a_date_and_says_how_many_it_sent(capsys):
    practitioner()
    practitioner()

    call_command("send_cpd_reminders", "--date", days_before(7).isoformat())
    assert capsys.readouterr().out.strip() == "Sent 2 CPD reminders."
    assert len(mail.outbox) == 2

    call_command("send_cpd_reminders", "--date", days_before(7).isoformat())
    assert capsys.readouterr().out.strip() == "Sent 0 CPD reminders."
    assert len(mail.outbox) == 2


def test_the_command_rejects_a_date_it_cannot_read():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_cpd_reminders", "--date", "30/11/2026")
