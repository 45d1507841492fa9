from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from redink.access.models import Entitlement
from redink.access.visibility import essay_text_for
from redink.testing.factories import UserFactory, make_essay


def hidden_paragraphs(essay, visible):
    shown = " ".join(visible.blocks)
    return [p for p in essay.paragraphs if p not in shown]


@pytest.mark.django_db
class TestWhoReadsInFull:
    def test_visitor_gets_preview_within_budget(self, essay):
        visible = essay_text_for(essay=essay, viewer=AnonymousUser())
        assert visible.kind == "preview"
        assert 0 < visible.words_shown <= max(1, int(essay.word_count * 0.3))
        assert hidden_paragraphs(essay, visible)

    def test_free_student_gets_preview(self, essay, student):
        assert essay_text_for(essay=essay, viewer=student).kind == "preview"

    def test_member_with_active_entitlement_reads_everything(self, essay, member):
        visible = essay_text_for(essay=essay, viewer=member)
        assert visible.kind == "full"
        assert list(visible.blocks) == essay.paragraphs

    def test_expired_and_future_entitlements_do_not_count(self, essay, student):
        now = timezone.now()
        Entitlement.objects.create(
            user=student, source="grant", starts_at=now - timedelta(days=30), ends_at=now - timedelta(seconds=1)
        )
        Entitlement.objects.create(
            user=student, source="grant", starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=30)
        )
        assert essay_text_for(essay=essay, viewer=student).kind == "preview"

    def test_verified_teacher_staff_and_author_read_everything(self, essay, teacher, staff, section):
        author = UserFactory()
        own = make_essay(section=section, author=author)
        assert essay_text_for(essay=essay, viewer=teacher).kind == "full"
        assert essay_text_for(essay=essay, viewer=staff).kind == "full"
        assert essay_text_for(essay=own, viewer=author).kind == "full"
        assert essay_text_for(essay=essay, viewer=author).kind == "preview"

    def test_deactivated_member_gets_preview(self, essay, member):
        member.is_active = False
        assert essay_text_for(essay=essay, viewer=member).kind == "preview"

    def test_per_essay_style_override(self, section, settings):
        settings.REDINK_PREVIEW_STYLE = "lead"
        essay = make_essay(section=section, preview_style="extracts")
        assert essay_text_for(essay=essay, viewer=None).style == "extracts"
        essay.preview_style = ""
        assert essay_text_for(essay=essay, viewer=None).style == "lead"
        settings.REDINK_PREVIEW_STYLE = "extracts"
        assert essay_text_for(essay=essay, viewer=None).style == "extracts"
