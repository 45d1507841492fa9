from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from .names import MAX_LENGTH, validate_display_name


class RedinkUserManager(UserManager["User"]):
    """Users log in with their e-mail address; there is no username."""

    def _create_user_object(self, username, email, password, **extra_fields):
        email = self.normalize_email(email)
        user = self.model(email=email, **extra_fields)
        user.password = ""
        if password is not None:
            user.set_password(password)
        else:
            user.set_unusable_password()
        return user

    def create_user(self, email=None, password=None, **extra_fields):  # type: ignore[override]
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        user = self._create_user_object(None, email, password, **extra_fields)
        user.save(using=self._db)
        return user

    def get(self, *args: Any, **kwargs: Any) -> User:
        # The account by its id, as the session loads it on every request: compiled once
        # (`user_query`). Related managers (a group's members) subclass this one and filter
        # by their relation: they, and every other lookup, take Django's own path.
        pk = kwargs.get("pk")
        if type(self) is RedinkUserManager and not args and len(kwargs) == 1 and type(pk) is int:
            from .user_query import user_by_id

            return user_by_id(model=self.model, alias=self.db, user_id=pk)
        return super().get(*args, **kwargs)

    def create_superuser(self, email=None, password=None, **extra_fields):  # type: ignore[override]
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self.create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A Redink account. Authors appear only under `display_name`; e-mail is never shown."""

    username = None  # type: ignore[assignment]
    email = models.EmailField("e-mail address", unique=True)
    display_name = models.CharField(
        max_length=MAX_LENGTH,
        blank=True,
        validators=[validate_display_name],
        help_text="The name shown on essays. A pseudonym is fine. Unique, ignoring case.",
    )
    # Always a 256 px image re-encoded by `avatar_set` (redink.accounts.avatars), never the upload.
    avatar = models.FileField(upload_to="avatars/", blank=True)
    birth_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Asked at sign-up; empty for accounts made before that, or by staff."
    )
    profile_public = models.BooleanField(
        "public author page",
        default=False,
        help_text="Whether /authors/<name>/ shows this author's page. Off until they opt in, unless they "
        "signed up as 16 or over.",
    )
    is_verified_teacher = models.BooleanField(
        "verified teacher",
        default=False,
        help_text="Verified teachers read every essay in full.",
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = RedinkUserManager()  # type: ignore[misc]

    class Meta:
        ordering = ("email",)
        constraints = [
            models.UniqueConstraint(
                Lower("display_name"),
                condition=~Q(display_name=""),
                name="display_name_unique_ignoring_case",
                violation_error_message="That display name is taken. Please choose another.",
            )
        ]

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        """The name other people see: the chosen display name, never the e-mail."""
        return self.display_name or f"Student {self.pk}"

    @property
    def is_moderator(self) -> bool:
        return self.is_staff

    @property
    def author_page_url(self) -> str:
        """The public author page, or "" when there is none (the author has not opted in)."""
        if not (self.profile_public and self.display_name and self.is_active):
            return ""
        return reverse("authors:page", kwargs={"name": self.display_name})


class PreviousDisplayName(models.Model):
    """A name an author used before. `/authors/<old name>/` redirects permanently to their
    current page, so links shared before a rename keep working; while the row exists, nobody
    else may take the name (it would take over those links). The author may take it back."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="previous_names")
    name = models.CharField(max_length=MAX_LENGTH)
    replaced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-replaced_at",)
        constraints = [models.UniqueConstraint(Lower("name"), name="previous_display_name_unique_ignoring_case")]

    def __str__(self) -> str:
        return f"{self.name} (now {self.user.public_name})"


class DeletionLog(models.Model):
    """That an account was deleted, and when: a random token (shown to the person, to quote if
    they contact us) and the date. Nothing in it leads back to the person."""

    token = models.CharField(max_length=40, unique=True)
    deleted_on = models.DateField()

    class Meta:
        ordering = ("-deleted_on", "-id")

    def __str__(self) -> str:
        return f"{self.token} ({self.deleted_on:%Y-%m-%d})"
