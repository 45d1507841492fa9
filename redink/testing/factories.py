"""factory_boy factories shared by every app's tests."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.test import TestCase
from django.utils import timezone

from redink.access.models import Entitlement
from redink.accounts.models import User
from redink.catalogue.models import Essay, Level, Section, Subject
from redink.catalogue.services import essay_create

PASSWORD = "correct-horse-battery-staple"

SAMPLE_PARAGRAPHS = [
    "The first paragraph sets out the question and the line of argument that follows. "
    "It explains why the topic matters and what the essay will consider in turn.",
    "The second paragraph gives the first reason, with evidence from the period. "
    "It weighs that evidence and says how far it supports the argument.",
    "The third paragraph turns to a different factor and compares it with the first. "
    "It shows how the two worked together over time.",
    "The fourth paragraph considers a counter-argument that some historians make. "
    "It answers that view with further evidence and analysis.",
    "The conclusion returns to the question and makes a final judgement. "
    "It explains which factor mattered most and why that is so.",
]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Student {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)
            self.save()  # type: ignore[attr-defined]


class LevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Level
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Level {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))


class SubjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subject

    level = factory.SubFactory(LevelFactory)
    name = factory.Sequence(lambda n: f"Subject {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    subject = factory.SubFactory(SubjectFactory)
    name = factory.Sequence(lambda n: f"Section {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))


_essay_counter = iter(range(1, 10**9))


def make_essay(
    *,
    title: str | None = None,
    text: str | None = None,
    section: Section | None = None,
    author: User | None = None,
    status: str = Essay.Status.PUBLISHED,
    **metadata: object,
) -> Essay:
    """A saved essay, through the same service the site uses (previews computed)."""
    n = next(_essay_counter)
    # Run the on-commit work (search indexing) as a committed save would.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return essay_create(
            title=title or f"Essay number {n} on a question of history",
            text=text if text is not None else "\n\n".join(SAMPLE_PARAGRAPHS),
            section=section or SectionFactory(),  # type: ignore[arg-type]
            author=author,
            status=status,
            published_at=timezone.now() - timedelta(minutes=n),
            **metadata,  # type: ignore[arg-type]
        )


def committed(service, **kwargs):
    """Call a catalogue service and run its on-commit work, as a real request would."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return service(**kwargs)


def grant_membership(user: User, *, days: int = 30) -> Entitlement:
    now = timezone.now()
    return Entitlement.objects.create(
        user=user,
        source=Entitlement.Source.GRANT,
        starts_at=now - timedelta(minutes=1),
        ends_at=now + timedelta(days=days),
    )
