"""The PSW's workforce view, the page explaining its figures, and practice voice."""

import datetime

import pytest
from django.apps import apps
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.factories import UserFactory
from accounts.models import AccessEvent, User
from appraisals import services, workforce
from appraisals.factories import (
    AppraisalTemplateFactory,
    TemplateStageFactory,
    team_with_people,
    two_stage_template,
)
from appraisals.models import (
    Appraisal,
    AppraisalTemplate,
    DomainAssessment,
    JudgedBy,
    Objective,
    PracticeVoiceNote,
    Stage,
)
from appraisals.workforce import Cell, ReviewPoint
from capabilities.models import Item
from organisations.factories import MembershipFactory, OrganisationFactory, TeamFactory
from organisations.models import Role

TODAY = datetime.date(2026, 3, 15)
HIDDEN = Cell(count=None, suppressed=True)
ORGANISATION_URL = reverse("appraisals:organisation")
VOICE_URL = reverse("appraisals:practice-voice")


# ---------------------------------------------------------------------------------------------
# Building data quickly: appraisals, signed stages and judgements as rows


def practitioner_in(organisation, team=None, *, asye=False, first="Sam", last="Example"):
    return MembershipFactory(
        organisation=organisation,
        team=team,
        role=Role.PRACTITIONER,
        asye=asye,
        starts_on=datetime.date(2020, 1, 1),
        user__first_name=first,
        user__last_name=last,
    ).user


def appraisal_for(template, appraisee, appraiser, *, team=None, level=None, **fields):
    fields.setdefault("starts_on", TODAY - datetime.timedelta(days=60))
    return Appraisal.objects.create(
        template=template,
        organisation=template.organisation,
        team=team,
        appraisee=appraisee,
        appraiser=appraiser,
        target_level=level,
        **fields,
    )


def judge(appraisal, ratings, *, status=Stage.Status.SIGNED, locked_at=None):
    """A stage of `appraisal` that assesses domains, with a judgement per domain."""
    template_stage = appraisal.template.stages.get(assesses_domains=True)
    stage = Stage.objects.create(
        appraisal=appraisal,
        template_stage=template_stage,
        order=template_stage.order,
        due_on=appraisal.starts_on + datetime.timedelta(days=template_stage.due_after_days),
        status=status,
        locked_at=(locked_at or timezone.now()) if status == Stage.Status.SIGNED else None,
    )
    for domain, rating in ratings.items():
        DomainAssessment.objects.create(
            stage=stage, domain=domain, self_rating=rating, judgement_rating=rating
        )
    return stage


def people_judged(template, team, manager, level, ratings, how_many):
    """`how_many` people in `team`, each judged `ratings` ({domain: rating}) against `level`."""
    for _ in range(how_many):
        person = practitioner_in(template.organisation, team)
        appraisal = appraisal_for(template, person, manager, team=team, level=level)
        judge(appraisal, ratings)


@pytest.fixture
def framework(pcf):
    domains = list(Item.objects.filter(version=pcf, kind=Item.Kind.DOMAIN).order_by("sort_order"))
    levels = list(Item.objects.filter(version=pcf, kind=Item.Kind.LEVEL).order_by("sort_order"))
    return domains, levels


@pytest.fixture
def org(db):
    """An organisation with one team, a practitioner, their manager and the PSW."""
    organisation = OrganisationFactory(name="Northshire Council")
    team, practitioner, manager, psw = team_with_people(organisation)
    team.name = "Assessment team"
    team.save()
    return {
        "organisation": organisation,
        "team": team,
        "practitioner": practitioner,
        "manager": manager,
        "psw": psw,
        "template": two_stage_template(organisation),
    }


# ---------------------------------------------------------------------------------------------
# The capability profile


def test_a_cell_of_four_people_hides_its_rows_ratings_and_a_row_without_one_is_shown(
    org, framework
):
    (domain_1, domain_2, _), (level_1, *_) = framework
    template, team, manager = org["template"], org["team"], org["manager"]
    people_judged(template, team, manager, level_1, {domain_1: 0, domain_2: 1}, 4)
    people_judged(template, team, manager, level_1, {domain_1: 1, domain_2: 1}, 5)
    people_judged(template, team, manager, level_1, {domain_1: 2, domain_2: 1}, 4)

    profile = workforce.capability_profile(org["organisation"])

    at_level_1 = profile.scale().level(level_1)
    for table in (at_level_1.overall, at_level_1.team("Assessment team")):
        row = table.row(domain_1)
        # Not just the 4s: hiding figures one by one lets the pattern be run backwards.
        assert row.cells == [HIDDEN, HIDDEN, HIDDEN]
        assert row.total == Cell(count=13)
        assert table.row(domain_2).cells == [Cell(count=0), Cell(count=13), Cell(count=0)]


def test_a_cell_that_could_be_worked_out_from_the_row_total_takes_the_row_with_it(org, framework):
    (domain_1, *_), (level_1, *_) = framework
    template, team, manager = org["template"], org["team"], org["manager"]
    people_judged(template, team, manager, level_1, {domain_1: 0}, 3)
    people_judged(template, team, manager, level_1, {domain_1: 1}, 5)
    people_judged(template, team, manager, level_1, {domain_1: 2}, 6)

    row = (
        workforce.capability_profile(org["organisation"])
        .scale()
        .level(level_1)
        .overall.row(domain_1)
    )

    # 3 is too small; with the total of 14 shown, 5 and 6 would give it away: 14 - 5 - 6 = 3.
    # Hiding only the smaller 5 would say which one was picked: every rating is hidden.
    assert row.cells == [HIDDEN, HIDDEN, HIDDEN]
    assert row.total == Cell(count=14)


def test_all_teams_hides_what_a_team_hides(org, framework):
    (domain_1, *_), (level_1, *_) = framework
    template, manager = org["template"], org["manager"]
    team_a = TeamFactory(organisation=org["organisation"], name="A team")
    team_b = TeamFactory(organisation=org["organisation"], name="B team")
    people_judged(template, team_a, manager, level_1, {domain_1: 0}, 6)
    people_judged(template, team_a, manager, level_1, {domain_1: 1}, 3)
    people_judged(template, team_b, manager, level_1, {domain_1: 0}, 7)
    people_judged(template, team_b, manager, level_1, {domain_1: 1}, 6)

    level = workforce.capability_profile(org["organisation"]).scale().level(level_1)

    # Team A's 3 hides A's ratings; 9 - 6 would give it away, so all teams hides them too.
    assert level.overall.row(domain_1).cells == [HIDDEN, HIDDEN, HIDDEN]
    assert level.overall.row(domain_1).total == Cell(count=22)
    assert level.team("A team").row(domain_1).cells == [HIDDEN, HIDDEN, HIDDEN]
    assert level.team("A team").row(domain_1).total == Cell(count=9)
    # Team B's figures are all large: shown, the 0 included.
    assert level.team("B team").row(domain_1).cells == [Cell(count=7), Cell(count=6), Cell(0)]
    assert [t.label for t in level.teams] == ["A team", "B team"]


def test_only_each_persons_latest_signed_judgement_counts(org, framework):
    (domain_1, *_), (level_1, *_) = framework
    template, team, manager = org["template"], org["team"], org["manager"]
    people_judged(template, team, manager, level_1, {domain_1: 2}, 4)
    changed = practitioner_in(org["organisation"], team)
    year_ago = timezone.now() - datetime.timedelta(days=365)
    earlier = appraisal_for(
        template,
        changed,
        manager,
        team=team,
        level=level_1,
        starts_on=TODAY - datetime.timedelta(days=400),
        status=Appraisal.Status.COMPLETED,
    )
    judge(earlier, {domain_1: 0}, locked_at=year_ago)
    judge(appraisal_for(template, changed, manager, team=team, level=level_1), {domain_1: 2})
    unsigned = practitioner_in(org["organisation"], team)
    judge(
        appraisal_for(template, unsigned, manager, team=team, level=level_1),
        {domain_1: 0},
        status=Stage.Status.OPEN,
    )

    row = (
        workforce.capability_profile(org["organisation"])
        .scale()
        .level(level_1)
        .overall.row(domain_1)
    )

    assert row.cells == [Cell(count=0), Cell(count=0), Cell(count=5)]
    assert row.total == Cell(count=5)


def test_where_the_assessor_judges_the_profile_counts_the_assessors_judgement(org, framework):
    (domain_1, *_), (level_1, *_) = framework
    template, team, manager = org["template"], org["team"], org["manager"]
    template.judged_by = JudgedBy.ASSESSOR
    template.save()
    for _ in range(5):
        person = practitioner_in(org["organisation"], team)
        stage = judge(appraisal_for(template, person, manager, team=team, level=level_1), {})
        # The assessor's judgement is in its own field; the appraiser has none here.
        DomainAssessment.objects.create(stage=stage, domain=domain_1, assessor_rating=1)

    row = (
        workforce.capability_profile(org["organisation"])
        .scale()
        .level(level_1)
        .overall.row(domain_1)
    )

    assert row.cells == [Cell(count=0), Cell(count=5), Cell(count=0)]


def test_templates_with_other_scales_are_grouped_by_their_labels(org, framework):
    (domain_1, *_), (level_1, *_) = framework
    custom = two_stage_template(org["organisation"], rating_scale=["Emerging", "Established"])
    people_judged(org["template"], org["team"], org["manager"], level_1, {domain_1: 1}, 5)
    people_judged(custom, org["team"], org["manager"], level_1, {domain_1: 0}, 6)

    profile = workforce.capability_profile(org["organisation"])

    assert [s.scale for s in profile.scales] == [
        ("Not yet at level", "At level", "Beyond level"),
        ("Emerging", "Established"),
    ]
    custom_row = profile.scale(["Emerging", "Established"]).level(level_1).overall.row(domain_1)
    assert custom_row.cells == [Cell(count=6), Cell(count=0)]


# ---------------------------------------------------------------------------------------------
# Due, overdue and completed; the ASYE cohort


def test_due_overdue_and_completed_are_counted_per_team_in_name_order(db):
    organisation = OrganisationFactory()
    zeta, practitioner, manager, psw = team_with_people(organisation)
    zeta.name = "Zeta team"
    zeta.save()
    alpha = TeamFactory(organisation=organisation, name="Alpha team")
    TeamFactory(organisation=organisation, name="Middle team")
    template = two_stage_template(organisation)
    today = timezone.localdate()

    def start(team, days_ago):
        person = practitioner_in(organisation, team)
        return services.start_cycle(
            template=template,
            appraisee=person,
            starts_on=today - datetime.timedelta(days=days_ago),
            started_by=manager,
            notify=False,
        )

    start(zeta, 0)  # Planning is due in 14 days
    start(zeta, 30)  # Planning was due 16 days ago
    start(zeta, 40)
    cancelled = start(zeta, 50)
    cancelled.status = Appraisal.Status.CANCELLED
    cancelled.save()
    start(alpha, 1)
    start(None, 20)  # practitioner with no team
    for completed_days_ago in (30, 800):
        done = start(alpha, 900)
        done.stages.update(status=Stage.Status.SIGNED, locked_at=timezone.now())
        done.status = Appraisal.Status.COMPLETED
        done.completed_at = timezone.now() - datetime.timedelta(days=completed_days_ago)
        done.save()

    rows = workforce.due_overdue_completed(organisation, today=today)

    assert [(r.name, r.due, r.overdue, r.completed) for r in rows] == [
        ("Alpha team", 1, 0, 1),
        ("Middle team", 0, 0, 0),
        ("Zeta team", 1, 2, 0),
        ("No team", 0, 1, 0),
    ]


def test_asye_cohort_counts_each_review_point_in_template_order(db):
    organisation = OrganisationFactory()
    team, _, manager, _ = team_with_people(organisation, asye=True)
    asye = AppraisalTemplateFactory(organisation=organisation, kind=AppraisalTemplate.Kind.ASYE)
    stages = [
        TemplateStageFactory(template=asye, order=n, name=name, due_after_days=days)
        for n, (name, days) in enumerate(
            [("Three-month review", 90), ("Six-month review", 180), ("Final review", 365)],
            start=1,
        )
    ]
    annual = two_stage_template(organisation)

    def in_asye(at, *, due_in, status=Appraisal.Status.IN_PROGRESS, template=asye):
        person = practitioner_in(organisation, team, asye=True)
        appraisal = appraisal_for(template, person, manager, team=team, status=status)
        Stage.objects.create(
            appraisal=appraisal,
            template_stage=at,
            order=at.order,
            due_on=TODAY + datetime.timedelta(days=due_in),
            status=Stage.Status.OPEN,
        )

    in_asye(stages[0], due_in=10)
    in_asye(stages[0], due_in=-3)
    in_asye(stages[0], due_in=-30)
    in_asye(stages[1], due_in=40)
    in_asye(stages[2], due_in=0)
    in_asye(stages[2], due_in=5, status=Appraisal.Status.COMPLETED)
    in_asye(annual.stages.get(order=1), due_in=-5, template=annual)

    cohort = workforce.asye_cohort(organisation, today=TODAY)

    assert cohort.points == [
        ReviewPoint("Three-month review", 3, 2),
        ReviewPoint("Six-month review", 1, 0),
        ReviewPoint("Final review", 1, 0),
    ]
    assert (cohort.total, cohort.overdue) == (5, 2)


# ---------------------------------------------------------------------------------------------
# Development needs


def test_development_needs_count_objectives_by_statement_and_never_show_their_text(
    client, org, framework, pcf
):
    statements = {
        item.code: item for item in Item.objects.filter(version=pcf, kind=Item.Kind.STATEMENT)
    }
    template, team, manager = org["template"], org["team"], org["manager"]

    def objectives(code, how_many, status=Objective.Status.AGREED):
        for n in range(how_many):
            person = practitioner_in(org["organisation"], team)
            appraisal = appraisal_for(template, person, manager, team=team)
            objective = Objective.objects.create(
                appraisal=appraisal, text=f"SECRET-OBJECTIVE {code} {n}", status=status
            )
            if code:
                objective.statements.set([statements[code]])

    objectives("1.L1.1", 6)
    objectives("1.L1.2", 2)
    objectives("1.L2.1", 3)
    objectives("1.L2.2", 4, status=Objective.Status.DROPPED)
    objectives("2.L1.1", 5)
    objectives("2.L1.2", 2)
    objectives(None, 1)
    # Carried into a new cycle: counted once, not twice.
    person = practitioner_in(org["organisation"], team)
    previous = appraisal_for(template, person, manager, team=team)
    carried = Objective.objects.create(appraisal=previous, text="SECRET-OBJECTIVE carried")
    carried.statements.set([statements["2.L1.1"]])
    services.carry_objectives(
        previous=previous, into=appraisal_for(template, person, manager, team=team)
    )

    needs = workforce.development_needs(org["organisation"])

    assert [(d.title, d.count) for d in needs.domains] == [
        ("Domain 1", Cell(count=11)),
        ("Domain 2", HIDDEN),  # 8 - 6 would give the 2 away
    ]
    assert [(s.code, s.count) for s in needs.domains[0].statements] == [
        ("1.L1.1", Cell(count=6)),
        ("1.L1.2", HIDDEN),
        ("1.L2.1", HIDDEN),
    ]
    assert [(s.code, s.count) for s in needs.domains[1].statements] == [
        ("2.L1.1", Cell(count=6)),
        ("2.L1.2", HIDDEN),
    ]
    assert needs.not_mapped == HIDDEN
    assert "SECRET-OBJECTIVE" not in repr(needs)

    client.force_login(org["psw"])
    page = client.get(ORGANISATION_URL).content.decode()
    assert "SECRET-OBJECTIVE" not in page
    assert statements["1.L1.1"].full_statement in page
    assert "fewer than 5" in page


# ---------------------------------------------------------------------------------------------
# The organisation page


def test_the_psw_of_the_organisation_sees_the_workforce_view(client, org):
    client.force_login(org["psw"])

    response = client.get(ORGANISATION_URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Northshire Council" in page
    explained = reverse("appraisals:profile-explained", args=[org["organisation"].slug])
    assert page.count(f'href="{explained}"') >= 5  # the introduction and every figure section
    assert "What these figures can and cannot say" in page
    assert f"{VOICE_URL}?view=notes" in page


@pytest.mark.parametrize("role", [Role.LINE_MANAGER, Role.PRACTITIONER, Role.ORG_ADMIN])
def test_nobody_but_a_psw_of_the_organisation_reaches_the_workforce_view(client, org, role):
    someone = MembershipFactory(
        organisation=org["organisation"], team=org["team"], role=role, mfa=True
    ).user
    client.force_login(someone)

    assert client.get(ORGANISATION_URL).status_code == 404
    explained = reverse("appraisals:profile-explained", args=[org["organisation"].slug])
    assert client.get(explained).status_code == 404


def test_a_psw_of_another_organisation_gets_404(client, org):
    other_psw = MembershipFactory(role=Role.PRINCIPAL_SOCIAL_WORKER, mfa=True).user
    client.force_login(other_psw)
    slug = org["organisation"].slug

    assert client.get(ORGANISATION_URL, {"organisation": slug}).status_code == 404
    explained = reverse("appraisals:profile-explained", args=[slug])
    assert client.get(explained).status_code == 404
    own = client.get(ORGANISATION_URL)
    assert own.status_code == 200
    assert "Northshire Council" not in own.content.decode()


def test_signed_out_people_are_sent_to_sign_in(client, org):
    response = client.get(ORGANISATION_URL)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_psw_of_two_organisations_chooses_one(client, org):
    second = OrganisationFactory(name="Southmoor Trust")
    MembershipFactory(organisation=second, user=org["psw"], role=Role.PRINCIPAL_SOCIAL_WORKER)
    client.force_login(org["psw"])

    page = client.get(ORGANISATION_URL, {"organisation": second.slug}).content.decode()

    assert '<span class="govuk-caption-l">Southmoor Trust</span>' in page
    assert client.get(ORGANISATION_URL, {"organisation": "nowhere"}).status_code == 404


def test_the_explanation_says_what_the_figures_can_and_cannot_say(client, org):
    client.force_login(org["psw"])

    response = client.get(reverse("appraisals:profile-explained", args=[org["organisation"].slug]))

    assert response.status_code == 200
    page = response.content.decode()
    for words in ("professional judgements", "fewer than 5", "league table", "Munro"):
        assert words in page


def test_the_workforce_view_names_nobody(client, org, framework):
    (domain_1, *_), (level_1, *_) = framework
    template, team, manager = org["template"], org["team"], org["manager"]
    people = [
        practitioner_in(org["organisation"], team, first=f"Philippa{n}", last=f"Quennell{n}")
        for n in range(6)
    ]
    for person in people:
        appraisal = appraisal_for(template, person, manager, team=team, level=level_1)
        judge(appraisal, {domain_1: 1})
        Objective.objects.create(appraisal=appraisal, text="Learn more")
    client.force_login(org["psw"])

    page = client.get(ORGANISATION_URL).content.decode()
    by_team = client.get(reverse("appraisals:organisation-teams")).content.decode()

    assert "Assessment team: latest judgements" in by_team  # the figures are there
    for person in [*people, manager, org["psw"], org["practitioner"]]:
        for part in (person.first_name, person.last_name, person.email):
            assert part not in page
            assert part not in by_team


def grow(organisation, team, manager, template, asye, levels, domains, statements, n):
    for i in range(n):
        person = practitioner_in(organisation, team if i % 3 else None, asye=bool(i % 2))
        appraisal = appraisal_for(
            asye if i % 2 else template, person, manager, team=team, level=levels[i % 2]
        )
        judge(appraisal, dict.fromkeys(domains, i % 3))
        if i % 5:  # in progress, with the first stage open (due soon or overdue)
            Stage.objects.create(
                appraisal=appraisal,
                template_stage=appraisal.template.stages.get(order=1),
                order=1,
                due_on=TODAY + datetime.timedelta(days=10 - i),
                status=Stage.Status.OPEN,
            )
        else:
            appraisal.status = Appraisal.Status.COMPLETED
            appraisal.completed_at = timezone.now()
            appraisal.save()
        objective = Objective.objects.create(appraisal=appraisal, text=f"Objective {i}")
        objective.statements.set(statements[i % 4 : i % 4 + 2])
        PracticeVoiceNote.objects.create(
            organisation=organisation,
            theme=PracticeVoiceNote.Theme.values[i % 8],
            kind=PracticeVoiceNote.Kind.HELPS,
            text=f"Note {i}",
            month=TODAY.replace(day=1),
        )


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_organisation_page_runs_as_many_queries_for_5_as_for_30_appraisals(
    client, org, framework, pcf
):
    domains, levels = framework
    statements = list(Item.objects.filter(version=pcf, kind=Item.Kind.STATEMENT))
    asye = two_stage_template(org["organisation"], kind=AppraisalTemplate.Kind.ASYE)
    args = (org["organisation"], org["team"], org["manager"], org["template"], asye, levels)
    grow(*args, domains, statements, 5)
    client.force_login(org["psw"])
    client.get(ORGANISATION_URL)

    five = count_queries(client, ORGANISATION_URL)
    grow(*args, domains, statements, 25)
    thirty = count_queries(client, ORGANISATION_URL)

    assert Appraisal.objects.count() == 30
    assert five == thirty


def test_each_read_model_runs_a_fixed_number_of_queries(
    org, framework, pcf, django_assert_num_queries
):
    domains, levels = framework
    statements = list(Item.objects.filter(version=pcf, kind=Item.Kind.STATEMENT))
    asye = two_stage_template(org["organisation"], kind=AppraisalTemplate.Kind.ASYE)
    grow(
        org["organisation"],
        org["team"],
        org["manager"],
        org["template"],
        asye,
        levels,
        domains,
        statements,
        12,
    )
    organisation = org["organisation"]

    with django_assert_num_queries(2):
        workforce.due_overdue_completed(organisation)
    with django_assert_num_queries(1):
        workforce.asye_cohort(organisation)
    # The PCF's domains and levels, the crosswalk's links (both then cached until the framework
    # data changes), the templates' scales, the counts, the teams' names, the domains' and
    # levels' names.
    with django_assert_num_queries(6):
        workforce.capability_profile(organisation)
    with django_assert_num_queries(4):
        workforce.capability_profile(organisation)
    # The objectives and those not mapped (the crosswalk's links are cached; nothing replaced,
    # so no new items to read).
    with django_assert_num_queries(2):
        workforce.development_needs(organisation)
    with django_assert_num_queries(1):
        workforce.practice_voice(organisation)


# ---------------------------------------------------------------------------------------------
# Practice voice


def test_a_practice_voice_note_has_no_field_that_could_say_who_sent_it():
    for field in PracticeVoiceNote._meta.get_fields():
        assert not (field.is_relation and field.related_model is User), field.name
        assert not isinstance(
            field, models.DateTimeField | models.GenericIPAddressField | models.TimeField
        ), field.name
    assert {f.name for f in PracticeVoiceNote._meta.concrete_fields} == {
        "id",
        "organisation",
        "theme",
        "kind",
        "text",
        "month",
    }


def rows_about(user) -> dict[str, int]:
    """For every model with a link to a user: how many rows link to `user`."""
    counts = {}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is User:
                label = f"{model._meta.label}.{field.name}"
                counts[label] = model._default_manager.filter(**{field.name: user}).count()
    return counts


def test_sending_a_note_stores_nothing_about_the_sender(client, org):
    sender = UserFactory(first_name="Wilhelmina", last_name="Quartermaine")
    MembershipFactory(user=sender, organisation=org["organisation"], role=Role.PRACTITIONER)
    client.force_login(sender)
    assert client.get(VOICE_URL).status_code == 200
    before = rows_about(sender)
    session_before = dict(client.session.items())

    response = client.post(
        VOICE_URL,
        {
            "organisation": org["organisation"].slug,
            "kind": "hinders",
            "theme": "caseloads",
            "text": "Too many cases transfer between teams without a handover.",
        },
    )

    assert response.status_code == 302
    note = PracticeVoiceNote.objects.get()
    assert (note.organisation, note.theme, note.kind) == (
        org["organisation"],
        "caseloads",
        "hinders",
    )
    assert note.month == timezone.localdate().replace(day=1)
    assert not AccessEvent.objects.filter(actor=sender).exists()
    assert rows_about(sender) == before
    assert dict(client.session.items()) == session_before
    for field in PracticeVoiceNote._meta.concrete_fields:
        value = getattr(note, field.attname)
        if field.name not in ("id", "organisation"):  # proven above not to refer to people
            assert value != sender.pk, field.name
        for part in (sender.email, sender.first_name, sender.last_name):
            assert part not in str(value), field.name
    followed = client.get(response["Location"]).content.decode()
    assert "Your note has been sent without your name" in followed


def test_a_note_that_names_someone_is_refused_and_not_saved(client, org):
    client.force_login(org["practitioner"])
    data = {
        "organisation": org["organisation"].slug,
        "kind": "hinders",
        "theme": "partners",
        "text": "I could not reach the mother, Jane Smith, for a week.",
        "confirm_anonymised": "on",
    }

    for _ in range(2):  # asking again, with a confirmation, does not get it through either
        response = client.post(VOICE_URL, data)

        assert response.status_code == 200
        page = response.content.decode()
        assert '<mark class="guard-mark" data-kind="name">' in page
        assert "Jane Smith" in page
        assert "Remove the highlighted details" in page
        assert "confirm_anonymised" not in page
    assert not PracticeVoiceNote.objects.exists()


def test_a_practitioner_cannot_send_a_note_to_an_organisation_they_are_not_in(client, org):
    elsewhere = OrganisationFactory()
    client.force_login(org["practitioner"])

    response = client.post(
        VOICE_URL,
        {
            "organisation": elsewhere.slug,
            "kind": "helps",
            "theme": "learning",
            "text": "Reflective groups help.",
        },
    )

    assert response.status_code == 200
    assert "Choose one of your own organisations" in response.content.decode()
    assert not PracticeVoiceNote.objects.exists()


def test_the_form_offers_only_the_persons_own_organisations(client, org):
    second = OrganisationFactory(name="Southmoor Trust")
    MembershipFactory(user=org["practitioner"], organisation=second, role=Role.PRACTITIONER)
    OrganisationFactory(name="Elsewhere Borough")
    client.force_login(org["practitioner"])

    page = client.get(VOICE_URL).content.decode()

    assert "Northshire Council" in page and "Southmoor Trust" in page
    assert "Elsewhere Borough" not in page
    assert "does not store who sent" in page


def test_someone_without_a_current_role_cannot_send_notes(client, db):
    client.force_login(UserFactory())
    assert client.get(VOICE_URL).status_code == 404


def test_the_psw_sees_notes_grouped_by_theme_with_counts(client, org):
    organisation = org["organisation"]
    month = TODAY.replace(day=1)
    for theme, kind, text in [
        ("supervision", "helps", "Weekly group supervision keeps me thinking."),
        ("caseloads", "hinders", "Caseloads went up again this winter."),
        ("caseloads", "hinders", "No time to visit as often as families need."),
        ("caseloads", "helps", "Protected recording time on Fridays."),
    ]:
        PracticeVoiceNote.objects.create(
            organisation=organisation, theme=theme, kind=kind, text=text, month=month
        )
    PracticeVoiceNote.objects.create(
        organisation=OrganisationFactory(),
        theme="systems",
        kind="hinders",
        text="Elsewhere.",
        month=month,
    )

    groups = workforce.practice_voice(organisation)

    assert [(g.label, g.helps, g.hinders, g.total) for g in groups] == [
        ("Caseloads and time", 1, 2, 3),
        ("Supervision and support", 1, 0, 1),
    ]
    client.force_login(org["psw"])
    page = client.get(VOICE_URL, {"view": "notes"}).content.decode()
    assert page.index("Caseloads and time") < page.index("Supervision and support")
    assert "Protected recording time on Fridays." in page
    assert "Elsewhere." not in page
    assert "Recording and IT systems" not in page
    client.force_login(org["practitioner"])
    assert client.get(VOICE_URL, {"view": "notes"}).status_code == 404
    assert "Protected recording time" not in client.get(VOICE_URL).content.decode()


def test_sending_a_note_leaves_no_trace_in_session_tracking(client, org):
    from allauth.usersessions.models import UserSession

    sender = UserFactory()
    MembershipFactory(user=sender, organisation=org["organisation"], role=Role.PRACTITIONER)
    client.force_login(sender)
    client.get("/portfolio/")  # any other page is tracked as usual
    tracked = UserSession.objects.get(user=sender)
    UserSession.objects.filter(pk=tracked.pk).update(
        last_seen_at="2026-01-01T00:00Z", ip="192.0.2.9"
    )
    client.post(
        VOICE_URL,
        {
            "organisation": org["organisation"].slug,
            "kind": "helps",
            "theme": "supervision",
            "text": "Group supervision on Fridays helps us think.",
        },
    )
    tracked.refresh_from_db()
    assert tracked.ip == "192.0.2.9"
    assert tracked.last_seen_at.year == 2026 and tracked.last_seen_at.month == 1
