from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models


class RedinkUserManager(UserManager["User"]):
    """Users log in with their e-mail address; there is no username."""

    def _create_user_object(self, username, email, password, **extra_fields):  # type: ignore[no-untyped-def,override]
        email = self.normalize_email(email)
        user = self.model(email=email, **extra_fields)
        user.password = ""
        if password is not None:
            user.set_password(password)
        else:
            user.set_unusable_password()
        return user

    def create_user(self, email=None, password=None, **extra_fields):  # type: ignore[no-untyped-def,override]
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        user = self._create_user_object(None, email, password, **extra_fields)
        user.save(using=self._db)
        return user

    def create_superuser(self, email=None, password=None, **extra_fields):  # type: ignore[no-untyped-def,override]
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self.create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A Redink account. Authors appear only under `display_name`; e-mail is never shown."""

    username = None  # type: ignore[assignment]
    email = models.EmailField("e-mail address", unique=True)
    display_name = models.CharField(
        max_length=40,
        blank=True,
        help_text="The name shown on essays. A pseudonym is fine.",
    )
    avatar = models.FileField(upload_to="avatars/", blank=True)
    is_verified_teacher = models.BooleanField(
        "verified teacher",
        default=False,
        help_text="Verified teachers read every essay in full.",
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = RedinkUserManager()  # type: ignore[misc,assignment]

    class Meta:
        ordering = ("email",)

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        """The name other people see: the chosen display name, never the e-mail."""
        return self.display_name or f"Student {self.pk}"

    @property
    def is_moderator(self) -> bool:
        return self.is_staff
