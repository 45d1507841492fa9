"""(applications views: filled in as the capability is built.)"""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
