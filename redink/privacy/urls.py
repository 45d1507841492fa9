from django.urls import path

from . import views, views_export

app_name = "privacy"

urlpatterns = [
    path("privacy/", views.privacy_notice, name="privacy"),
    path("privacy/email-preferences/", views.email_preferences_update, name="email-preferences"),
    path("terms/", views.terms, name="terms"),
    path("licence/", views.licence, name="licence"),
    path("about/", views.about, name="about"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("privacy/export/", views_export.export_request, name="export"),
    path("privacy/export/<slug:token>/", views_export.export_download, name="export-download"),
]
