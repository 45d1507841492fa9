from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "redink.privacy"
    label = "privacy"
    verbose_name = "Privacy, terms and a user's own data"
