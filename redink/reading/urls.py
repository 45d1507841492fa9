from django.urls import path

from . import views

app_name = "reading"

urlpatterns = [
    path("reading-list/", views.reading_list, name="list"),
    path("reading-list/save/<slug:slug>/", views.essay_save, name="save"),
    path("reading-list/<int:item_id>/remove/", views.item_remove, name="remove"),
    path("reading-list/<int:item_id>/note/", views.item_note, name="note"),
    path("reading-history/", views.reading_history, name="history"),
    path("reading-history/clear/", views.history_clear, name="history-clear"),
    path("reading-history/setting/", views.history_setting, name="history-setting"),
]
