"""Who is who: organisations, their teams, and people's roles in them.

A role is a Membership: one person, one organisation (and optionally a team), one role, from a
start date to an optional end date. A person can hold several roles in several organisations.
Nobody gives themselves a role: memberships come from invitations sent by an organisation admin
(see organisations.services).
"""

import hashlib
import secrets
import uuid
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Organisation(models.Model):
    class Kind(models.TextChoices):
        LOCAL_AUTHORITY = "local-authority", "Local authority"
        VOLUNTARY = "voluntary", "Voluntary sector employer"
        HEALTH = "health", "Health employer"
        INDEPENDENT = "independent", "Independent employer"
        HEI = "hei", "Higher education institution"
        AWARDING_BODY = "awarding-body", "Awarding body"

    EMPLOYER_KINDS = (Kind.LOCAL_AUTHORITY, Kind.VOLUNTARY, Kind.HEALTH, Kind.INDEPENDENT)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_employer(self) -> bool:
        return self.kind in self.EMPLOYER_KINDS


class Team(models.Model):
    """A team, or a service made of teams: `parent` is the service a team sits in (and a service's
    parent the larger service), up to the organisation at the top. A manager's own manager is the
    line manager of the team above theirs (see appraisals.services.manager_above)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        help_text="The service this team is part of; none at the top of the organisation.",
    )

    class Meta:
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "slug"], name="team_unique_slug"),
        ]

    def __str__(self):
        return f"{self.name} ({self.organisation})"

    def clean(self):
        super().clean()
        if self.parent_id is None:
            return
        if self.parent.organisation_id != self.organisation_id:
            raise ValidationError({"parent": "Choose a service in the same organisation"})
        level, seen = self.parent, set()
        while level is not None and level.pk not in seen:
            if self.pk and level.pk == self.pk:
                raise ValidationError({"parent": "A team cannot sit inside itself"})
            seen.add(level.pk)
            level = level.parent


class Role(models.TextChoices):
    STUDENT = "student", "Student"
    PRACTITIONER = "practitioner", "Practitioner"
    PRACTICE_EDUCATOR = "practice-educator", "Practice educator"
    ONSITE_SUPERVISOR = "onsite-supervisor", "On-site supervisor"
    LINE_MANAGER = "line-manager", "Line manager"
    PRINCIPAL_SOCIAL_WORKER = "psw", "Principal Social Worker"
    # Runs the ASYE cohort: starts programmes, sees every review point, chases, records the
    # panel's decision (appraisals.rules); never answers, judges or signs.
    ASYE_COORDINATOR = "asye-coordinator", "ASYE coordinator"
    HEI_TUTOR = "hei-tutor", "HEI tutor"
    PLACEMENT_LEAD = "placement-lead", "Placement lead"
    ORG_ADMIN = "org-admin", "Organisation admin"


# Roles that see other people's records, and so must use multi-factor authentication.
STAFF_ROLES = frozenset(Role) - {Role.STUDENT, Role.PRACTITIONER}


class PepsStage(models.IntegerChoices):
    STAGE_1 = 1, "PEPS stage 1"
    STAGE_2 = 2, "PEPS stage 2"


class RoleDetails(models.Model):
    """What a role carries beyond its name; shared by memberships and the invitations for them."""

    role = models.CharField(max_length=30, choices=Role.choices)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    starts_on = models.DateField(default=date.today)
    ends_on = models.DateField(null=True, blank=True)
    asye = models.BooleanField(
        "in the ASYE", default=False, help_text="Practitioners: newly qualified, in the ASYE year."
    )
    peps_stage = models.PositiveSmallIntegerField(choices=PepsStage.choices, null=True, blank=True)
    registration_number = models.CharField(
        "Social Work England registration number", max_length=20, blank=True
    )

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        errors = {}
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            errors["ends_on"] = "The end date must be on or after the start date."
        if self.role == Role.PRACTICE_EDUCATOR:
            if not self.peps_stage:
                errors["peps_stage"] = "A practice educator needs a PEPS stage."
            if not self.registration_number:
                errors["registration_number"] = (
                    "A practice educator must be a registered social worker: enter the "
                    "registration number."
                )
        elif self.peps_stage:
            errors["peps_stage"] = "Only practice educators have a PEPS stage."
        if self.asye and self.role != Role.PRACTITIONER:
            errors["asye"] = "Only practitioners can be in the ASYE."
        if self.team_id and self.team.organisation_id != self.organisation_id:
            errors["team"] = "The team must belong to the same organisation."
        if errors:
            raise ValidationError(errors)


class MembershipQuerySet(models.QuerySet):
    def active(self, on: date | None = None):
        on = on or timezone.localdate()
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on), starts_on__lte=on)

    def staff(self):
        return self.filter(role__in=STAFF_ROLES)

    def with_role(self, *roles):
        return self.filter(role__in=roles)


class Membership(RoleDetails):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Beside the registration number (the person's registration record in Capable): the date
    # Social Work England first registered them. Someone first registered late in a registration
    # year owes no CPD for it (portfolios.cpd, settings.CPD_NEW_REGISTRANT_AFTER).
    first_registered_on = models.DateField(
        "first registered with Social Work England on",
        null=True,
        blank=True,
        help_text="Optional. The date on the register when they first joined it.",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "role", "starts_on"]
        indexes = [
            models.Index(fields=["user", "role"]),
            models.Index(fields=["organisation", "role"]),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()}, {self.organisation}"

    def is_active(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.starts_on <= on and (self.ends_on is None or self.ends_on >= on)


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def open(self):
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )

    def for_token(self, token: str):
        return self.filter(token_hash=_hash_token(token))


class Invitation(RoleDetails):
    """An organisation admin's invitation to take a role. Only a hash of the link's token is kept."""

    VALID_FOR = timedelta(days=14)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    membership = models.OneToOneField(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitation"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Invitation for {self.email} as {self.get_role_display()} at {self.organisation}"

    def set_new_token(self) -> str:
        """Give the invitation a fresh token; return it (it is never stored in clear)."""
        token = secrets.token_urlsafe(32)
        self.token_hash = _hash_token(token)
        self.expires_at = timezone.now() + self.VALID_FOR
        return token

    @property
    def is_open(self) -> bool:
        return not (self.accepted_at or self.revoked_at) and self.expires_at > timezone.now()
