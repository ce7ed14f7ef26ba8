"""The provider's quality profile, the provider page and the feedback students may read."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.factories import UserFactory
from organisations.factories import MembershipFactory, OrganisationFactory, TeamFactory
from organisations.models import Organisation, Role
from placements import quality
from placements.models import (
    ActionItem,
    Audit,
    AuditCriterion,
    AuditPart,
    AuditParty,
    AuditSection,
    AuditTemplate,
    Cohort,
    Designation,
    DesignationKind,
    Partnership,
    Placement,
    PlacementKind,
    Programme,
    StudentUnit,
)

pytestmark = pytest.mark.django_db

# How a suppressed figure reads on every page (templates/includes/suppressed.html).
SUPPRESSED_CELL = 'not shown<span class="govuk-visually-hidden"> (to protect privacy)</span>'


# ---------------------------------------------------------------------------------------------
# Building rows directly (the placements factories are written elsewhere)


def this_year_start(today=None):
    return quality.academic_year_of(today or timezone.localdate()).first_day


class World:
    """A provider with two teams, a partner HEI with a programme and cohort, an audit template
    with a section for each party, and the people placements need."""

    def __init__(self, *, provider_name="Northfield Council", hei_name="Northfield University"):
        self.provider = OrganisationFactory(
            name=provider_name, kind=Organisation.Kind.LOCAL_AUTHORITY
        )
        self.team_a = TeamFactory(organisation=self.provider, name="Alder team")
        self.team_b = TeamFactory(organisation=self.provider, name="Birch team")
        self.hei = OrganisationFactory(name=hei_name, kind=Organisation.Kind.HEI)
        self.programme = Programme.objects.create(hei=self.hei, name="BA Social Work")
        self.cohort = Cohort.objects.create(programme=self.programme, name="2025 intake")
        self.partnership = Partnership.objects.create(
            slug=f"{self.provider.slug}-partnership", name="Teaching partnership", hei=self.hei
        )
        self.partnership.employers.add(self.provider)
        self.educator = MembershipFactory(
            organisation=self.provider, team=self.team_a, role=Role.PRACTICE_EDUCATOR, mfa=True
        ).user
        self.tutor = MembershipFactory(organisation=self.hei, role=Role.HEI_TUTOR, mfa=True).user
        self.template = AuditTemplate.objects.create(name="Placement audit", is_default=True)
        self.sections = {}
        self.criteria = {}
        for order, (party, title) in enumerate(
            [
                (AuditParty.STUDENT, "Your learning opportunities"),
                (AuditParty.EDUCATOR, "Support for the practice educator"),
                (AuditParty.PROVIDER, "Induction and resources"),
                (AuditParty.TUTOR, "Communication with the university"),
            ]
        ):
            section = AuditSection.objects.create(
                template=self.template, order=order, title=title, party=party
            )
            self.sections[party] = section
            self.criteria[party] = [
                AuditCriterion.objects.create(section=section, order=n, text=f"{title} {n}")
                for n in range(2)
            ]
        self.students = 0

    def student(self, first="Student", last=None):
        self.students += 1
        return MembershipFactory(
            organisation=self.hei,
            role=Role.STUDENT,
            user__first_name=first,
            user__last_name=last or f"Number{self.students}",
        ).user

    def placement(
        self, *, team=None, student=None, starts_on=None, status=None, cohort=None, **fields
    ):
        starts_on = starts_on or this_year_start()
        return Placement.objects.create(
            student=student or self.student(),
            cohort=cohort or self.cohort,
            provider_team=team or self.team_a,
            practice_educator=self.educator,
            practice_educator_stage=2,
            hei_tutor=self.tutor,
            kind=PlacementKind.FIRST,
            days_required=70,
            starts_on=starts_on,
            ends_on=starts_on + datetime.timedelta(days=120),
            status=status or Placement.Status.COMPLETED,
            **fields,
        )

    def audit(self, placement, *, student=None, educator=None, comment=None, submitted=True):
        """An audit of `placement` with the student's part rated `student` (a rating index for
        each student criterion) and the educator's part rated `educator`."""
        audit = Audit.objects.create(placement=placement, template=self.template)
        when = timezone.now() if submitted else None
        if student is not None:
            AuditPart.objects.create(
                audit=audit,
                party=AuditParty.STUDENT,
                ratings={str(c.pk): student for c in self.criteria[AuditParty.STUDENT]},
                comments={str(self.sections[AuditParty.STUDENT].pk): comment} if comment else {},
                submitted_at=when,
                submitted_by=placement.student,
            )
        if educator is not None:
            AuditPart.objects.create(
                audit=audit,
                party=AuditParty.EDUCATOR,
                ratings={str(c.pk): educator for c in self.criteria[AuditParty.EDUCATOR]},
                submitted_at=when,
                submitted_by=self.educator,
            )
        return audit

    def audited(self, count, *, team=None, student=2, educator=3, comment=None):
        """`count` completed placements, each with a submitted student and educator part."""
        for n in range(count):
            placement = self.placement(team=team)
            text = f"{comment} {n}" if comment else None
            self.audit(placement, student=student, educator=educator, comment=text)

    def lead(self):
        return MembershipFactory(
            organisation=self.provider, role=Role.PLACEMENT_LEAD, mfa=True
        ).user

    def hei_lead(self):
        return MembershipFactory(organisation=self.hei, role=Role.PLACEMENT_LEAD, mfa=True).user


def section_result(year_figures, party):
    return next(r for r in year_figures.sections if r.section.party == party)


@pytest.fixture
def world():
    return World()


# ---------------------------------------------------------------------------------------------
# Suppression


def test_four_student_parts_are_suppressed_and_other_parties_are_not(world):
    world.audited(4)
    profile = quality.provider_profile(world.provider)
    this_year = profile.overall.years[0]
    students = section_result(this_year, AuditParty.STUDENT)
    assert students.suppressed
    assert students.responses is None and students.mean is None and students.distribution == ()
    educators = section_result(this_year, AuditParty.EDUCATOR)
    assert not educators.suppressed
    assert educators.responses == 4
    assert educators.mean == 4.0  # rating index 3 is the fourth point of the scale
    assert educators.distribution == (0, 0, 0, 8)


def test_five_student_parts_are_shown(world):
    world.audited(5)
    profile = quality.provider_profile(world.provider)
    students = section_result(profile.overall.years[0], AuditParty.STUDENT)
    assert not students.suppressed
    assert students.responses == 5
    assert students.mean == 3.0
    assert students.distribution == (0, 0, 10, 0)
    team_a = section_result(profile.teams[0].years[0], AuditParty.STUDENT)
    assert team_a.responses == 5


def test_unsubmitted_student_parts_do_not_count(world):
    world.audited(4)
    world.audit(world.placement(), student=0, educator=0, submitted=False)
    profile = quality.provider_profile(world.provider)
    assert section_result(profile.overall.years[0], AuditParty.STUDENT).suppressed


def test_a_team_that_could_be_worked_out_from_the_total_is_hidden_too(world):
    world.audited(5, team=world.team_a, student=2)
    world.audited(3, team=world.team_b, student=0)
    profile = quality.provider_profile(world.provider)
    overall = section_result(profile.overall.years[0], AuditParty.STUDENT)
    alder, birch = (section_result(t.years[0], AuditParty.STUDENT) for t in profile.teams)
    assert birch.suppressed  # three students
    assert alder.suppressed  # else Birch = all teams - Alder
    assert not overall.suppressed
    assert overall.responses == 8


def test_placements_are_counted_by_academic_year_and_team(world):
    start = this_year_start()
    world.placement(team=world.team_a, status=Placement.Status.COMPLETED)
    world.placement(team=world.team_b, status=Placement.Status.ENDED_EARLY)
    world.placement(team=world.team_b, status=Placement.Status.IN_PROGRESS)
    world.placement(starts_on=start.replace(year=start.year - 1), status="completed")
    world.placement(starts_on=start.replace(year=start.year - 3))  # too long ago
    profile = quality.provider_profile(world.provider)
    assert [y.start for y in profile.years] == [start.year, start.year - 1, start.year - 2]
    now, last, before = profile.overall.years
    assert (now.placements, now.completed, now.ended_early) == (3, 1, 1)
    assert (last.placements, last.completed, last.ended_early) == (1, 1, 0)
    assert before.placements == 0
    assert [t.name for t in profile.teams] == ["Alder team", "Birch team"]
    birch = profile.teams[1].years[0]
    assert (birch.placements, birch.completed, birch.ended_early) == (2, 0, 1)


def test_open_actions_are_counted_with_those_overdue(world):
    today = timezone.localdate()
    audit = world.audit(world.placement(team=world.team_b), educator=1)
    owner = world.lead()
    for due, status in [(-3, "open"), (10, "open"), (-3, "done")]:
        ActionItem.objects.create(
            audit=audit,
            provider=world.provider,
            text="Agree a written induction plan",
            owner=owner,
            due_on=today + datetime.timedelta(days=due),
            status=status,
        )
    profile = quality.provider_profile(world.provider, today=today)
    assert (profile.overall.open_actions, profile.overall.overdue_actions) == (2, 1)
    assert (profile.teams[0].open_actions, profile.teams[1].open_actions) == (0, 2)
    assert profile.teams[1].overdue_actions == 1


# ---------------------------------------------------------------------------------------------
# The quality page


def test_quality_page_never_identifies_a_student(client, world):
    for n in range(4):
        placement = world.placement(student=world.student("Zephyrine", f"Quillfeather{n}"))
        world.audit(placement, student=n % 4, educator=2, comment=f"Distinctive remark {n}")
    client.force_login(world.lead())
    response = client.get(reverse("placements:quality", args=[world.provider.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert SUPPRESSED_CELL in html
    assert "Zephyrine" not in html and "Quillfeather" not in html
    assert "Distinctive remark" not in html
    # No placement's own page, and no student's rating, however it is written.
    assert not any(str(p.uuid) in html for p in Placement.objects.all())
    assert "Exceeded: 1" not in html and "Not met: 1" not in html


def test_quality_page_shows_student_sections_from_five_responses(client, world):
    world.audited(5, student=3)
    client.force_login(world.lead())
    response = client.get(reverse("placements:quality", args=[world.provider.slug]))
    html = response.content.decode()
    assert "Exceeded: 10" in html
    assert SUPPRESSED_CELL not in html


def test_quality_page_links_each_figure_section_to_its_explanation(client, world):
    client.force_login(world.lead())
    html = client.get(reverse("placements:quality", args=[world.provider.slug])).content.decode()
    for anchor in ("about-placements", "about-audits", "about-actions"):
        assert f'href="#{anchor}"' in html
        assert f'id="{anchor}"' in html


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("own lead", 200),
        ("own admin", 200),
        ("own psw", 200),
        ("partner hei lead", 200),
        ("awarding body member", 200),
        ("unrelated placement lead", 404),
        ("non-partner hei lead", 404),
        ("partner hei tutor", 404),
        ("own practitioner", 404),
        ("partner student", 404),
    ],
)
def test_who_may_read_the_quality_page(client, world, who, status):
    other = OrganisationFactory(kind=Organisation.Kind.LOCAL_AUTHORITY)
    other_hei = OrganisationFactory(kind=Organisation.Kind.HEI)
    people = {
        "own lead": (world.provider, Role.PLACEMENT_LEAD),
        "own admin": (world.provider, Role.ORG_ADMIN),
        "own psw": (world.provider, Role.PRINCIPAL_SOCIAL_WORKER),
        "partner hei lead": (world.hei, Role.PLACEMENT_LEAD),
        "awarding body member": (
            OrganisationFactory(kind=Organisation.Kind.AWARDING_BODY),
            Role.ORG_ADMIN,
        ),
        "unrelated placement lead": (other, Role.PLACEMENT_LEAD),
        "non-partner hei lead": (other_hei, Role.PLACEMENT_LEAD),
        "partner hei tutor": (world.hei, Role.HEI_TUTOR),
        "own practitioner": (world.provider, Role.PRACTITIONER),
        "partner student": (world.hei, Role.STUDENT),
    }
    organisation, role = people[who]
    user = MembershipFactory(organisation=organisation, role=role, mfa=True).user
    client.force_login(user)
    response = client.get(reverse("placements:quality", args=[world.provider.slug]))
    assert response.status_code == status


def test_quality_page_404_for_an_ended_membership(client, world):
    user = MembershipFactory(
        organisation=world.provider,
        role=Role.PLACEMENT_LEAD,
        starts_on=datetime.date(2020, 1, 1),
        ends_on=timezone.localdate() - datetime.timedelta(days=1),
        mfa=True,
    ).user
    client.force_login(user)
    response = client.get(reverse("placements:quality", args=[world.provider.slug]))
    assert response.status_code == 404


def _quality_queries(client, world, lead):
    client.force_login(lead)
    url = reverse("placements:quality", args=[world.provider.slug])
    client.get(url)  # the session's first request records it; measure the next one
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_quality_page_runs_the_same_number_of_queries_for_5_and_25_placements(client, world):
    lead = world.lead()
    world.audited(3, team=world.team_a)
    world.audited(2, team=world.team_b)
    ActionItem.objects.create(
        audit=Audit.objects.first(),
        provider=world.provider,
        text="Review the workload of students in their first month",
        owner=lead,
        due_on=timezone.localdate(),
    )
    few = _quality_queries(client, world, lead)
    world.audited(10, team=world.team_a)
    world.audited(10, team=world.team_b)
    assert Placement.objects.count() == 25
    many = _quality_queries(client, world, lead)
    assert few == many


def test_provider_profile_runs_five_queries(world, django_assert_num_queries):
    world.audited(6)
    with django_assert_num_queries(5):
        quality.provider_profile(world.provider)


# ---------------------------------------------------------------------------------------------
# The provider page


def test_provider_page_for_its_lead_shows_units_designations_and_quality_link(client, world):
    today = timezone.localdate()
    head = world.educator
    unit = StudentUnit.objects.create(team=world.team_a, head=head, capacity=4)
    for _ in range(2):
        world.placement(
            unit=unit,
            starts_on=today - datetime.timedelta(days=10),
            status=Placement.Status.IN_PROGRESS,
        )
    world.placement(unit=unit, starts_on=today - datetime.timedelta(days=400))  # long over
    board = OrganisationFactory(kind=Organisation.Kind.AWARDING_BODY, name="Learning Board")
    Designation.objects.create(
        organisation=world.provider,
        kind=DesignationKind.APS,
        status=Designation.Status.APPROVED,
        awarding_body=board,
        starts_on=today - datetime.timedelta(days=300),
        expires_on=today + datetime.timedelta(days=40),
    )
    client.force_login(world.lead())
    response = client.get(reverse("placements:provider", args=[world.provider.slug]))
    assert response.status_code == 200
    units = response.context["units"]
    assert [(u["unit"], u["current"], u["free"]) for u in units] == [(unit, 2, 2)]
    designations = {d["kind"]: d["current"] for d in response.context["designations"]}
    assert designations[DesignationKind.APS].awarding_body == board
    assert designations[DesignationKind.TEACHING] is None
    html = response.content.decode()
    assert reverse("placements:quality", args=[world.provider.slug]) in html
    assert "Learning Board" in html


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("own lead", 200),
        ("own admin", 200),
        ("partner hei lead", 200),
        ("partner hei tutor", 200),
        ("non-partner hei tutor", 404),
        ("own practitioner", 404),
        ("partner student", 404),
    ],
)
def test_who_may_read_the_provider_page(client, world, who, status):
    people = {
        "own lead": (world.provider, Role.PLACEMENT_LEAD),
        "own admin": (world.provider, Role.ORG_ADMIN),
        "partner hei lead": (world.hei, Role.PLACEMENT_LEAD),
        "partner hei tutor": (world.hei, Role.HEI_TUTOR),
        "non-partner hei tutor": (
            OrganisationFactory(kind=Organisation.Kind.HEI),
            Role.HEI_TUTOR,
        ),
        "own practitioner": (world.provider, Role.PRACTITIONER),
        "partner student": (world.hei, Role.STUDENT),
    }
    organisation, role = people[who]
    client.force_login(MembershipFactory(organisation=organisation, role=role, mfa=True).user)
    response = client.get(reverse("placements:provider", args=[world.provider.slug]))
    assert response.status_code == status


def test_provider_page_404_for_an_hei_slug(client, world):
    client.force_login(world.hei_lead())
    response = client.get(reverse("placements:provider", args=[world.hei.slug]))
    assert response.status_code == 404


# ---------------------------------------------------------------------------------------------
# Feedback for students of partner HEIs


def test_can_read_feedback_only_as_a_student_of_a_partner_hei(world):
    partner_student = world.student()
    other_hei = OrganisationFactory(kind=Organisation.Kind.HEI)
    stranger = MembershipFactory(organisation=other_hei, role=Role.STUDENT).user
    assert quality.can_read_feedback(partner_student, world.provider)
    assert not quality.can_read_feedback(stranger, world.provider)
    assert not quality.can_read_feedback(world.hei_lead(), world.provider)
    assert not quality.can_read_feedback(UserFactory(), world.provider)
    # A partnership with another provider does not open this one.
    elsewhere = OrganisationFactory(kind=Organisation.Kind.VOLUNTARY)
    world.partnership.employers.set([elsewhere])
    assert not quality.can_read_feedback(partner_student, world.provider)


def test_a_student_of_a_non_partner_hei_gets_404(client, world):
    world.audited(6, comment="Helpful team")
    other_hei = OrganisationFactory(kind=Organisation.Kind.HEI)
    client.force_login(MembershipFactory(organisation=other_hei, role=Role.STUDENT).user)
    response = client.get(reverse("placements:feedback", args=[world.provider.slug]))
    assert response.status_code == 404


def test_the_provider_lead_gets_404_on_student_feedback(client, world):
    client.force_login(world.lead())
    response = client.get(reverse("placements:feedback", args=[world.provider.slug]))
    assert response.status_code == 404


def test_a_partner_student_reads_feedback_from_five_responses(client, world):
    world.audited(5, student=3, comment="The team made time for my questions")
    reader = world.student("Reader", "Prospective")
    client.force_login(reader)
    response = client.get(reverse("placements:feedback", args=[world.provider.slug]))
    assert response.status_code == 200
    feedback = response.context["feedback"]
    assert feedback.enough
    assert [r.responses for r in feedback.sections] == [5]
    assert feedback.comment_count == 5
    html = response.content.decode()
    assert "The team made time for my questions 0" in html
    assert "Exceeded: 10" in html
    assert "not enough feedback" not in html
    # Texts only: no names, dates, teams or placements.
    for placement in Placement.objects.select_related("student"):
        assert placement.student.last_name not in html
        assert str(placement.uuid) not in html
    assert world.team_a.name not in html


def test_fewer_than_five_responses_gives_the_not_enough_message(client, world):
    world.audited(4, comment="The team made time for my questions")
    client.force_login(world.student())
    response = client.get(reverse("placements:feedback", args=[world.provider.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "not enough feedback" in html
    assert "The team made time for my questions" not in html
    assert SUPPRESSED_CELL in html
    feedback = response.context["feedback"]
    assert not feedback.enough and feedback.themes == []
    assert feedback.sections[0].suppressed


def test_feedback_order_does_not_follow_when_comments_were_written(world):
    texts = [f"Comment {letter}" for letter in "ABCDEFGH"]
    for text in texts:
        world.audit(world.placement(), student=2, comment=text)
    first = quality.student_feedback(world.provider).themes[0].comments
    assert sorted(first) == sorted(texts)
    Audit.objects.all().delete()
    Placement.objects.all().delete()
    for text in reversed(texts):
        world.audit(world.placement(), student=2, comment=text)
    again = quality.student_feedback(world.provider).themes[0].comments
    assert again == first
    assert quality.student_feedback(world.provider).themes[0].comments == first


def test_feedback_ignores_other_parties_comments_and_counts_students_once(world):
    student = world.student()
    for n in range(4):
        placement = world.placement(
            student=student,
            starts_on=this_year_start() - datetime.timedelta(days=200 * n),
        )
        world.audit(placement, student=1, comment=f"Mine {n}")
    feedback = quality.student_feedback(world.provider)
    assert not feedback.enough  # four placements, but one student
    assert feedback.sections[0].suppressed
