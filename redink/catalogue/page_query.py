"""The essay page's query, built and compiled once per process.

Its SQL is the same for every essay: only the slug, and for a signed-in reader their id and the
time, change. Building the queryset and compiling it (five models, the related cards' subquery,
the reader's membership and Save state) cost about 1 ms of CPU on every page, more than
PostgreSQL took to run it. So each variant is compiled once, with stand-in values whose places
among the parameters are noted; a request fills in its own values, runs the SQL and turns the
row into the same model instances the queryset would have made.

The reader's membership and whether they saved the essay come from `redink.access` and
`redink.reading` as subqueries (`membership_exists`, `saved_item_subquery`): their rules stay
there, and the page asks the database once instead of three times.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connections
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]
from django.utils import timezone

from redink.access.selectors import membership_exists
from redink.reading.selectors import saved_item_subquery
from redink.related.selectors import with_related_cards

from .models import Essay

# Stand-ins, found again among the compiled parameters: nothing the page asks for can equal them.
_SLUG = "\x00essay-page-slug"
_VIEWER = -7_340_219
_AT = datetime(1901, 2, 3, 4, 5, 6, 789, tzinfo=UTC)
_SLOTS = {"slug": 1, "viewer": 2, "at": 2}  # how often each appears in the SQL


@dataclass(frozen=True)
class PageRow:
    essay: Essay
    viewer_is_member: bool | None  # None: no signed-in reader was asked about
    viewer_saved_item: int | None


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    slots: dict[int, str]  # parameter index → which value goes there
    compiler: Any  # Django's SQLCompiler, kept for its converters and its columns' layout
    init_list: list[str]
    fields: tuple[int, int]
    populators: list[Any]
    annotations: dict[str, int]


_compiled: dict[tuple[str, bool, bool], _Compiled] = {}
_lock = threading.Lock()


def essay_page_row(*, slug: str, with_related: bool, viewer_id: int | None) -> PageRow | None:
    """The essay at `slug` (pending ones never), with its section, subject, level and author,
    its related cards when `with_related` (on PostgreSQL), and for `viewer_id` whether they
    hold a membership now and the reading-list item that saved the essay."""
    alias = Essay.objects.all().db  # the router's choice: the replica for a visitor, if any
    key = (alias, with_related, viewer_id is not None)
    compiled = _compiled.get(key)
    if compiled is None:
        with _lock:
            compiled = _compiled.get(key) or _compile(alias, with_related=key[1], with_viewer=key[2])
            _compiled[key] = compiled
    connection = connections[alias]
    values = {"slug": slug, "viewer": viewer_id, "at": connection.ops.adapt_datetimefield_value(timezone.now())}
    params = [values[compiled.slots[i]] if i in compiled.slots else p for i, p in enumerate(compiled.params)]
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    return _instances(compiled, row, alias)


def _queryset(*, with_related: bool, with_viewer: bool) -> Any:
    # The page names the essay's level and subject (denormalised onto it) as well as its
    # section's: the same rows, so they are joined once and shared. Joining them twice over
    # (eight tables) cost PostgreSQL about 2.5 ms of planning on every view.
    queryset = Essay.objects.select_related("section", "subject", "level", "author")
    if with_related:
        queryset = with_related_cards(queryset=queryset)
    if with_viewer:
        queryset = queryset.annotate(
            viewer_is_member=membership_exists(user_id=_VIEWER, at=_AT),
            viewer_saved_item=saved_item_subquery(user_id=_VIEWER),
        )
    return queryset.filter(slug=_SLUG).exclude(status=Essay.Status.PENDING)[:1]


def _compile(alias: str, *, with_related: bool, with_viewer: bool) -> _Compiled:
    query = _queryset(with_related=with_related, with_viewer=with_viewer).query
    compiler = query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    at = connections[alias].ops.adapt_datetimefield_value(_AT)
    slots: dict[int, str] = {}
    for index, param in enumerate(params):
        for name, stand_in in (("slug", _SLUG), ("viewer", _VIEWER), ("at", at)):
            if type(param) is type(stand_in) and param == stand_in:
                slots[index] = name
    found = {name: list(slots.values()).count(name) for name in _SLOTS}
    expected = {name: count if with_viewer or name == "slug" else 0 for name, count in _SLOTS.items()}
    if found != expected:
        # A change to the queryset that moves its values somewhere unseen must not go unnoticed.
        raise RuntimeError(f"The essay page's query holds its values {found}, expected {expected}")
    # As Django's own ModelIterable reads a row: the essay's columns, then each related model's.
    klass_info, select = compiler.klass_info, compiler.select
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    return _Compiled(
        sql=sql,
        params=tuple(params),
        slots=slots,
        compiler=compiler,
        init_list=[column[0].target.attname for column in select[start:end]],
        fields=(start, end),
        populators=get_related_populators(klass_info, select, alias),
        annotations=dict(compiler.annotation_col_map or {}),
    )


def _instances(compiled: _Compiled, raw: tuple[Any, ...], alias: str) -> PageRow:
    row = next(iter(compiled.compiler.results_iter(results=[[raw]])))
    start, end = compiled.fields
    essay = Essay.from_db(alias, compiled.init_list, row[start:end])
    for populator in compiled.populators:
        populator.populate(row, essay)
    extra = {name: row[index] for name, index in compiled.annotations.items()}
    for name in ("related_cards_json",):
        if name in extra:
            setattr(essay, name, extra[name])
    member = extra.get("viewer_is_member")
    return PageRow(
        essay=essay,
        viewer_is_member=None if member is None else bool(member),
        viewer_saved_item=extra.get("viewer_saved_item"),
    )
