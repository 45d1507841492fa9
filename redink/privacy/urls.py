from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("privacy/", views.privacy_notice, name="privacy"),
    path("privacy/email-preferences/", views.email_preferences_update, name="email-preferences"),
    path("terms/", views.terms, name="terms"),
    path("licence/", views.licence, name="licence"),
    path("about/", views.about, name="about"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
