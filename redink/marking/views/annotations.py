"""An essay's margin comments as a W3C Web Annotation collection."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
