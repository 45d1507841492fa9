from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from . import services
from .admin_forms import EssayAdminForm
from .models import Essay, EssayRevision, Level, Section, Subject


class EssayRevisionInline(admin.TabularInline):
    """The essay's earlier texts, newest first: read-only, kept for re-anchoring comments."""

    model = EssayRevision
    fields = ("text_version", "word_count", "replaced_at", "opening")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = "earlier text"
    verbose_name_plural = "earlier texts (every version this essay's text replaced)"

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description="opening")
    def opening(self, obj: EssayRevision) -> str:
        return obj.body[:160] + ("…" if len(obj.body) > 160 else "")


@admin.register(EssayRevision)
class EssayRevisionAdmin(admin.ModelAdmin):
    list_display = ("essay", "text_version", "word_count", "replaced_at")
    search_fields = ("essay__title", "essay__slug")
    list_select_related = ("essay",)
    readonly_fields = ("essay", "text_version", "word_count", "replaced_at", "body")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Level)
class LevelAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "aliases", "position")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    list_display = ("name", "level", "slug", "aliases")
    list_filter = ("level",)
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name", "level__name")
    list_select_related = ("level",)


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ("name", "subject", "slug")
    list_filter = ("subject__level",)
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name", "subject__name")
    autocomplete_fields = ("subject",)
    list_select_related = ("subject__level",)

    def save_model(self, request: HttpRequest, obj: Section, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "name" in form.changed_data:
            services.section_renamed(section_id=obj.pk)


@admin.register(Essay)
class EssayAdmin(admin.ModelAdmin):
    form = EssayAdminForm
    list_display = (
        "title",
        "section",
        "author",
        "status",
        "word_count",
        "reading_count",
        "is_teacher_marked",
        "published_at",
    )
    list_filter = ("status", "is_teacher_marked", "level", "preview_style")
    search_fields = ("title", "slug", "author__email", "author__display_name")
    autocomplete_fields = ("author", "section")
    list_select_related = ("section", "author")
    readonly_fields = (
        "word_count",
        "text_version",
        "reading_count",
        "is_teacher_marked",
        "review_count",
        "rating_average",
        "created_at",
        "updated_at",
    )
    prepopulated_fields = {"slug": ("title",)}
    actions = ("publish", "withdraw")
    inlines = (EssayRevisionInline,)
    fieldsets = (
        (None, {"fields": ("title", "slug", "author", "section", "status", "published_at")}),
        ("Text", {"fields": ("body", "preview_style", "word_count", "text_version")}),
        ("Exam details", {"fields": ("exam_board", "year", "grade")}),
        (
            "Statistics",
            {
                "fields": (
                    "reading_count",
                    "is_teacher_marked",
                    "review_count",
                    "rating_average",
                    "created_at",
                    "updated_at",
                )
            },
        ),
    )

    def save_model(self, request: HttpRequest, obj: Essay, form, change: bool) -> None:
        services.essay_move(essay=obj, section=obj.section)
        if not change or "body" in form.changed_data:
            previous = Essay.objects.filter(pk=obj.pk).values_list("body", flat=True).first() or ""
            new_body = obj.body
            obj.body = previous
            services.essay_set_text(essay=obj, text=new_body)
        super().save_model(request, obj, form, change)
        services.essay_text_saved(essay=obj)
        services.essay_changed(essay_id=obj.pk)

    def delete_model(self, request: HttpRequest, obj: Essay) -> None:
        services.essays_delete(essay_ids=[obj.pk])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Essay]) -> None:
        services.essays_delete(essay_ids=list(queryset.values_list("pk", flat=True)))

    @admin.action(description="Publish selected essays")
    def publish(self, request: HttpRequest, queryset: QuerySet[Essay]) -> None:
        for essay in queryset:
            services.essay_publish(essay=essay)
        self.message_user(request, f"Published {queryset.count()} essay(s).", messages.SUCCESS)

    @admin.action(description="Withdraw selected essays")
    def withdraw(self, request: HttpRequest, queryset: QuerySet[Essay]) -> None:
        for essay in queryset:
            services.essay_withdraw(essay=essay)
        self.message_user(request, f"Withdrew {queryset.count()} essay(s).", messages.SUCCESS)
