import factory
from django.utils import timezone
from django.utils.text import slugify

from accounts.factories import UserFactory, give_mfa

from .models import Invitation, Membership, Organisation, PepsStage, Role, Team


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = Organisation.Kind.LOCAL_AUTHORITY


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class _RoleDetailsFactory(factory.django.DjangoModelFactory):
    """Practice educators get a PEPS stage and a registration number unless given others."""

    class Params:
        is_practice_educator = factory.LazyAttribute(lambda o: o.role == Role.PRACTICE_EDUCATOR)

    role = Role.PRACTITIONER
    team = None
    organisation = factory.Maybe(
        "team",
        yes_declaration=factory.SelfAttribute("team.organisation"),
        no_declaration=factory.SubFactory(OrganisationFactory),
    )
    starts_on = factory.LazyFunction(timezone.localdate)
    peps_stage = factory.Maybe(
        "is_practice_educator", yes_declaration=PepsStage.STAGE_2, no_declaration=None
    )
    registration_number = factory.Maybe(
        "is_practice_educator",
        yes_declaration=factory.Sequence(lambda n: f"SW{n:06d}"),
        no_declaration="",
    )


class MembershipFactory(_RoleDetailsFactory):
    """`MembershipFactory(role=Role.ORG_ADMIN, mfa=True)` also gives the person an authenticator,
    which staff roles need before they can open most pages."""

    class Meta:
        model = Membership
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)

    @factory.post_generation
    def mfa(obj, create, extracted, **kwargs):
        if create and extracted:
            give_mfa(obj.user)


class InvitationFactory(_RoleDetailsFactory):
    """An open invitation sent by an active admin of the organisation. The link's token (never
    stored) is on the instance as `.token`."""

    class Meta:
        model = Invitation

    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    invited_by = factory.LazyAttribute(
        lambda o: MembershipFactory(organisation=o.organisation, role=Role.ORG_ADMIN).user
    )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        expires_at = kwargs.pop("expires_at", None)
        invitation = model_class(*args, **kwargs)
        invitation.token = invitation.set_new_token()
        if expires_at is not None:
            invitation.expires_at = expires_at
        invitation.save()
        return invitation
