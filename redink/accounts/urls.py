from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("profile/", views.profile, name="profile"),
    path("profile/avatar/", views.avatar_upload, name="avatar-upload"),
    path("profile/avatar/remove/", views.avatar_delete, name="avatar-remove"),
    path("delete/", views.delete_account, name="delete"),
    path("delete/done/", views.account_deleted, name="deleted"),
]
