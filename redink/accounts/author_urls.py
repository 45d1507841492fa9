"""/authors/<name>/: an author's public page, under their exact display name (URL-encoded).

The exact name rather than a slug: display names are unique ignoring case, while slugs of
different names can be the same ("Ann B", "Ann-B") or empty (names in other alphabets). A
name in other capitals, or one the author used before, redirects permanently to the page."""

from django.urls import path

from . import views

app_name = "authors"

urlpatterns = [path("<str:name>/", views.author, name="page")]
