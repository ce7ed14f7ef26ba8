"""Factories for placements, and `placement_world()`: everyone a placement involves."""

from datetime import timedelta

import factory
from django.utils import timezone
from django.utils.text import slugify

from organisations.factories import MembershipFactory, OrganisationFactory, TeamFactory
from organisations.models import Organisation, PepsStage, Role

from .models import (
    Cohort,
    EducatorAward,
    EducatorCandidacy,
    Partnership,
    Placement,
    PlacementKind,
    Programme,
    SettingType,
)


class HEIFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"University {n}")
    kind = Organisation.Kind.HEI


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    hei = factory.SubFactory(HEIFactory)
    name = factory.Sequence(lambda n: f"MA Social Work {n}")


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"{2020 + n % 10} intake {n}")

    @factory.post_generation
    def students(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.students.add(*extracted)


def _member(organisation, role, *, team=None, **extra):
    """A new person with a current role (with MFA, as staff roles need it)."""
    return MembershipFactory(
        organisation=organisation, team=team, role=role, mfa=role != Role.STUDENT, **extra
    ).user


class PlacementFactory(factory.django.DjangoModelFactory):
    """A placement that follows the rules: the student is in the cohort (and a student of its
    HEI), the practice educator is a current stage 2 educator in the provider's team, the tutor a
    current tutor at the HEI. Built straight into the database, without `services`."""

    class Meta:
        model = Placement
        skip_postgeneration_save = True

    cohort = factory.SubFactory(CohortFactory)
    student = factory.LazyAttribute(lambda o: _member(o.cohort.programme.hei, Role.STUDENT))
    provider_team = factory.SubFactory(TeamFactory)
    practice_educator = factory.LazyAttribute(
        lambda o: _member(
            o.provider_team.organisation,
            Role.PRACTICE_EDUCATOR,
            team=o.provider_team,
            peps_stage=o.practice_educator_stage,
        )
    )
    practice_educator_stage = PepsStage.STAGE_2
    hei_tutor = factory.LazyAttribute(lambda o: _member(o.cohort.programme.hei, Role.HEI_TUTOR))
    kind = PlacementKind.FIRST
    setting_type = SettingType.LA_CHILDREN
    days_required = factory.LazyAttribute(lambda o: o.cohort.programme.days_for(o.kind))
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + timedelta(days=140))

    @factory.post_generation
    def in_cohort(obj, create, extracted, **kwargs):
        if create:
            obj.cohort.students.add(obj.student)


class EducatorAwardFactory(factory.django.DjangoModelFactory):
    """A PEPS stage awarded by a university, a month ago (so current under any period)."""

    class Meta:
        model = EducatorAward

    educator = factory.LazyAttribute(
        lambda o: MembershipFactory(role=Role.PRACTICE_EDUCATOR, peps_stage=o.stage).user
    )
    stage = PepsStage.STAGE_2
    awarded_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    awarded_by = factory.SubFactory(HEIFactory)
    programme_name = "Practice education"


class EducatorCandidacyFactory(factory.django.DjangoModelFactory):
    """Someone working towards stage 1 with a (current) stage 2 mentor."""

    class Meta:
        model = EducatorCandidacy

    candidate = factory.LazyAttribute(lambda o: MembershipFactory().user)
    stage = PepsStage.STAGE_1
    mentor = factory.LazyAttribute(lambda o: EducatorAwardFactory(awarded_by=o.provider).educator)
    provider = factory.SubFactory(HEIFactory)
    started_on = factory.LazyFunction(timezone.localdate)


def placement_world() -> dict:
    """An HEI (placement lead, tutor, a programme and cohort with one student) in partnership
    with a provider (placement lead, a team, practice educators at PEPS stage 2 and stage 1 and
    an on-site supervisor in the team). Staff have MFA set up."""
    hei = HEIFactory()
    provider = OrganisationFactory(kind=Organisation.Kind.LOCAL_AUTHORITY)
    team = TeamFactory(organisation=provider, name=f"Children in need {provider.pk}")
    programme = ProgrammeFactory(hei=hei)
    student = _member(hei, Role.STUDENT)
    cohort = CohortFactory(programme=programme, students=[student])
    partnership = Partnership.objects.create(
        slug=slugify(f"{hei.name} {provider.name}"),
        name=f"{hei.name} and {provider.name}",
        hei=hei,
    )
    partnership.employers.add(provider)
    return {
        "hei": hei,
        "hei_lead": _member(hei, Role.PLACEMENT_LEAD),
        "tutor": _member(hei, Role.HEI_TUTOR),
        "programme": programme,
        "cohort": cohort,
        "student": student,
        "provider": provider,
        "team": team,
        "provider_lead": _member(provider, Role.PLACEMENT_LEAD),
        "pe": _member(provider, Role.PRACTICE_EDUCATOR, team=team, peps_stage=PepsStage.STAGE_2),
        "pe1": _member(provider, Role.PRACTICE_EDUCATOR, team=team, peps_stage=PepsStage.STAGE_1),
        "onsite": _member(provider, Role.ONSITE_SUPERVISOR, team=team),
        "partnership": partnership,
    }


def completed_placement_with_audit(world: dict, *, onsite: bool = True):
    """A completed placement in `placement_world()`, passed by the educator, with its quality
    audit open. Returns the audit."""
    from placements import services
    from placements.models import Placement

    placement = PlacementFactory(
        cohort=world["cohort"],
        student=world["student"],
        provider_team=world["team"],
        practice_educator=world["pe"],
        onsite_supervisor=world["onsite"] if onsite else None,
        hei_tutor=world["tutor"],
        status=Placement.Status.COMPLETED,
        recommendation="pass",
    )
    return services.open_audit(placement)


def put_before_panel(placement, world: dict, *, decide: bool = True):
    """Put a placement with a final report before a practice assessment panel of its programme
    (set up by the HEI's placement lead, with the lead and the tutor as members) and, if it is in
    the sample and `decide`, record the panel's agreement. Returns its `PanelCase`."""
    from placements import panel

    made = panel.convene_panel(
        programme=placement.cohort.programme,
        by=world["hei_lead"],
        held_on=placement.ends_on,
        period_from=placement.ends_on,
        period_to=placement.ends_on,
        members=[world["hei_lead"], world["tutor"]],
    )
    case = made.cases.get(placement=placement)
    if decide and case.sampled:
        panel.record_panel_decision(case=case, by=world["hei_lead"], outcome="agree")
    return case
