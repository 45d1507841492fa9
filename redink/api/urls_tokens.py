"""/accounts/tokens/: the account page's personal access tokens (views_tokens.py)."""

from django.urls import path

from . import views_tokens

app_name = "api-tokens"

urlpatterns = [
    path("", views_tokens.tokens, name="list"),
    path("<int:token_id>/revoke/", views_tokens.token_revoke_confirm, name="revoke"),
]
