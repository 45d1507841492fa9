from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "redink.submissions"
    label = "submissions"
    verbose_name = "Submissions and moderation"
