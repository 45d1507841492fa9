"""Margin comments: a teacher comments on a passage, edits, deletes and re-attaches; moderators
hide; both list the comments that lost their passage."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
