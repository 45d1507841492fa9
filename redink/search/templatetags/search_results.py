"""The search results' cards and facets, put together in Python, each card's own part (title,
taxonomy, length, badge) rendered once a process for each version of it.

Twenty cards through a template loop were about half of the page's HTML time, and the facets'
loops a quarter. What a card's own part shows is a function of the essay's row, which the page
reads anyway (a withdrawn essay must leave the results at once): the row's values are the key,
so a changed title, a renamed section, subject or level, a new word count or a teacher's mark
shows on the next search, and a kept part is never out of date. The snippet, the "Matched in
the full essay" line and the Save button are not kept: they depend on the reader.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from html import escape
from typing import Any

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from redink.core.templatetags.redink import query_string_with
from redink.reading.templatetags.reading import save_button
from redink.search.cards import ListedEssay
from redink.search.selectors import Result, SearchResults

register = template.Library()

# About 1 KB a card with its key (measured): some 10 MB a process, for the essays searches find most.
_KEPT = 10_000


@register.simple_tag(takes_context=True)
def result_items(context: template.Context, results: Iterable[Result]) -> SafeString:
    """The results' `<li>` cards, put together in Python (a template loop over twenty cards
    cost about as much as the rest of the page's HTML)."""
    return mark_safe(  # each part is escaped where it is made
        "".join(
            '<li class="essay-card search-hit">\n  '
            f"{_head(result.essay)}\n  {_snippet(result)}{save_button(context, result.essay)}</li>\n"
            for result in results
        )
    )


@register.simple_tag(takes_context=True)
def level_facet_items(context: template.Context, search: SearchResults) -> SafeString:
    """The level facets' `<li>`s: the chosen level named, the others as links that choose it."""
    chosen = search.filters.level
    return _facet_items(
        context["request"],
        (
            (level, count, escape(level.name), {"level": level.slug, "subject": ""}, "+" if count > 10000 else "")
            for level, count in search.level_facets
        ),
        chosen_pk=chosen.pk if chosen is not None else None,
    )


@register.simple_tag(takes_context=True)
def subject_facet_items(context: template.Context, search: SearchResults) -> SafeString:
    """The subject facets' `<li>`s, each a link to the subject at its level (the chosen one named)."""
    chosen = search.filters.subject
    return _facet_items(
        context["request"],
        (
            (
                subject,
                count,
                f"{escape(subject.level.name)} {escape(subject.name)}",
                {"level": subject.level.slug, "subject": subject.slug},
                "",
            )
            for subject, count in search.subject_facets
        ),
        chosen_pk=chosen.pk if chosen is not None else None,
    )


def _facet_items(
    request: Any, facets: Iterable[tuple[Any, int, str, dict[str, str], str]], *, chosen_pk: Any
) -> SafeString:
    """`<li>`s of (item, count, escaped link text, the filters choosing it, a mark after the
    count): the chosen item named by its own name, every other a link that chooses it."""
    items = []
    for item, count, label, choose, more in facets:
        if chosen_pk is not None and chosen_pk == item.pk:
            name = f'<strong aria-current="true">{escape(item.name)}</strong>'
        else:
            address = query_string_with(request, **choose, section="", page="")
            name = f'<a href="{escape(address)}">{label}</a>'
        items.append(f'<li>{name} <span class="count">{escape(intcomma(count))}{more}</span></li>')
    return mark_safe("\n".join(items))  # every value escaped


def _snippet(result: Result) -> str:
    if result.matched_hidden_only:
        return '<p class="snippet snippet-hidden">Matched in the full essay.</p>\n  '
    if result.snippet:
        return f'<p class="snippet" dir="auto">{conditional_escape(result.snippet)}</p>\n  '
    return ""


def _head(essay: ListedEssay) -> SafeString:
    return _card(
        essay.slug,
        essay.title,
        essay.level.name,
        essay.subject.name,
        essay.section.name,
        essay.word_count,
        essay.is_teacher_marked,
        get_urlconf(),
        get_script_prefix(),
        get_language(),
    )


@lru_cache(maxsize=_KEPT)
def _card(
    slug: str,
    title: str,
    level: str,
    subject: str,
    section: str,
    word_count: int,
    is_teacher_marked: bool,
    urlconf: str | None,
    prefix: str,
    language: str | None,
) -> SafeString:
    # `urlconf`, `prefix` and `language` are only part of the key: `reverse` and `intcomma` read them.
    context = {
        "url": reverse("catalogue:essay", kwargs={"slug": slug}),
        "title": title,
        "level": level,
        "subject": subject,
        "section": section,
        "word_count": word_count,
        "is_teacher_marked": is_teacher_marked,
    }
    return mark_safe(get_template("search/_card.html").render(context).rstrip("\n"))


@receiver(setting_changed)
def _forget(*, setting: str, **_: Any) -> None:
    # Tests that swap the URLconf: the default one is named by no per-request value in the key.
    if setting == "ROOT_URLCONF":
        _card.cache_clear()
