from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "redink.accounts"
    label = "accounts"
    verbose_name = "Accounts"
