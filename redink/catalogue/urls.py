from django.urls import path

from . import views

app_name = "catalogue"

urlpatterns = [
    path("", views.home, name="home"),
    path("essays/<slug:slug>/", views.essay_page, name="essay"),
    path("essays/<slug:slug>/read/", views.essay_read_beacon, name="essay-read"),
    # The taxonomy takes the remaining top-level paths, so it comes last.
    path("<slug:level>/", views.level_page, name="level"),
    path("<slug:level>/<slug:subject>/", views.subject_page, name="subject"),
    path("<slug:level>/<slug:subject>/<slug:section>/", views.section_page, name="section"),
]
