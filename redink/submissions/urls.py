from django.urls import path, register_converter

from .views import check, moderation, takedowns, uploads


class RecordNumber:
    """A record's number in a moderator's address. Anything else in its place is a record that does not
    exist (number 0, so the page answers 404) rather than an address that does not resolve."""

    regex = "[^/]+"

    def to_python(self, value: str) -> int:
        return int(value) if value.isdigit() and len(value) < 19 else 0

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(RecordNumber, "record")

app_name = "submissions"

urlpatterns = [
    path("contribute/", uploads.upload, name="upload"),
    path("contribute/uploads/", uploads.uploads, name="uploads"),
    path("contribute/uploads/status/", uploads.upload_statuses, name="upload-statuses"),
    path("contribute/essays/<slug:slug>/correct/", uploads.correct, name="correct"),
    path("contribute/essays/<slug:slug>/withdraw/", uploads.withdraw, name="withdraw"),
    path("check/", check.check, name="check"),
    path("report/<slug:slug>/", takedowns.report, name="report"),
    path("moderation/", moderation.queue, name="queue"),
    path("moderation/uploads/<record:submission_id>/", moderation.review, name="review"),
    path("moderation/uploads/<record:submission_id>/approve/", moderation.approve, name="approve"),
    path("moderation/uploads/<record:submission_id>/reject/", moderation.reject, name="reject"),
    path("moderation/uploads/<record:submission_id>/file/", moderation.download, name="download"),
    path("moderation/uploads/<record:submission_id>/compare/<record:match_id>/", moderation.compare, name="compare"),
    path("moderation/takedowns/", takedowns.takedowns, name="takedowns"),
    path("moderation/takedowns/<record:takedown_id>/", takedowns.takedown, name="takedown"),
]
