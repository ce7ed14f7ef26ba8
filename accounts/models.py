"""People. Capable signs people in by email address; there are no usernames."""

import uuid

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not (extra_fields["is_staff"] and extra_fields["is_superuser"]):
            raise ValueError("A superuser must have is_staff and is_superuser set.")
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person. Names as people give them: a given and a family name, or one name only (in
    ``first_name``; ``last_name`` stays empty), a preferred name for lists and optional pronouns.
    Lists, emails and PDFs label a person with :attr:`display_name`, never the email address."""

    username = None
    email = models.EmailField("email address", unique=True)
    first_name = models.CharField(
        "given name", max_length=150, blank=True, help_text="Or your only name, if you have one."
    )
    last_name = models.CharField("family name", max_length=150, blank=True)
    preferred_name = models.CharField(
        "preferred name",
        max_length=150,
        blank=True,
        help_text="The name lists show, if it is not your full name.",
    )
    pronouns = models.CharField(
        max_length=40, blank=True, help_text="For example, she/her, he/him or they/them."
    )
    # Used in URLs instead of the sequential primary key.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        ordering = ["last_name", "first_name", "email"]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        """The preferred name, else the full name, else (a last resort) the email's local part."""
        return (
            self.preferred_name.strip()
            or self.get_full_name().strip()
            or (self.email or "").split("@")[0]
        )


class AccessEventQuerySet(models.QuerySet):
    """Append-only: the application can add events and read them, never change or remove them."""

    def update(self, **kwargs):
        raise PermissionError("The access log is append-only.")

    def delete(self):
        raise PermissionError("The access log is append-only.")

    def about(self, owner):
        return self.filter(owner=owner)


class AccessEvent(models.Model):
    """Someone read or changed another person's record: who, what, when, from where."""

    class Action(models.TextChoices):
        # The label is the verb the log shows: "<who> <label> <what>".
        READ = "read", "read"
        DOWNLOAD = "download", "downloaded"
        EXPORT = "export", "exported"
        COMMENT = "comment", "commented on"
        CREATE = "create", "created"
        CHANGE = "change", "changed"
        SIGN = "sign", "signed"
        MODERATE = "moderate", "moderated"
        END = "end", "ended"
        DELETE = "delete", "deleted"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="accesses_made"
    )
    actor_email = models.EmailField(help_text="Kept if the account is later deleted.")
    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="access_events")
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="access_events",
        help_text="The organisation whose role gave the access.",
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200)
    change = models.CharField(
        "what changed",
        max_length=300,
        blank=True,
        help_text="Field names, before → after for choices and dates, or a short description; "
        "never free text someone wrote.",
    )
    path = models.CharField(max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    objects = AccessEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["owner", "-at"]),
            models.Index(fields=["organisation", "-at"]),
        ]

    def __str__(self):
        return f"{self.actor_email} {self.get_action_display()} {self.object_repr} at {self.at}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The access log is append-only.")
