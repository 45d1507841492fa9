"""The account by its id, as every signed-in request loads it from the session, compiled once.

`django.contrib.auth` loads the reader with `User.objects.get(pk=...)` on every request: building
and compiling that queryset cost about 0.45 ms of CPU, three times what PostgreSQL took to answer
it. Its SQL never changes, so it is compiled once per database with a stand-in id, and each call
runs it with its own id and builds the instance as Django's own iterable would. The manager
(`RedinkUserManager.get`) sends only a lone `pk=` lookup here; any other `get` is Django's.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connections

if TYPE_CHECKING:
    from .models import User

_ID = -7_340_219  # found again among the compiled parameters: no account has a negative id
_MAX_ROWS = 21  # as `QuerySet.get` asks, so that a second row is told, not hidden


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    slot: int
    compiler: Any  # Django's SQLCompiler, for its converters
    init_list: list[str]


_compiled: dict[str, _Compiled] = {}
_lock = threading.Lock()


def user_by_id(*, model: type[User], alias: str, user_id: int) -> User:
    """The account `user_id` on database `alias`; `model.DoesNotExist` when there is none."""
    compiled = _compiled.get(alias)
    if compiled is None:
        with _lock:
            compiled = _compiled.get(alias) or _compile(model, alias)
            _compiled[alias] = compiled
    params = list(compiled.params)
    params[compiled.slot] = user_id
    with connections[alias].cursor() as cursor:
        cursor.execute(compiled.sql, params)
        rows = cursor.fetchall()
    if not rows:
        raise model.DoesNotExist(f"{model._meta.object_name} matching query does not exist.")
    if len(rows) > 1:
        raise model.MultipleObjectsReturned(f"get() returned more than one {model._meta.object_name}.")
    row = next(iter(compiled.compiler.results_iter(results=[rows])))
    return model.from_db(alias, compiled.init_list, row)


def _compile(model: type[User], alias: str) -> _Compiled:
    # What `QuerySet.get(pk=...)` runs: the default ordering dropped, at most 21 rows.
    query = model._default_manager.db_manager(alias).all().filter(pk=_ID).order_by()[:_MAX_ROWS].query
    compiler = query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    slots = [index for index, param in enumerate(params) if type(param) is int and param == _ID]
    if len(slots) != 1:
        raise RuntimeError(f"The account's query holds its id {len(slots)} times, expected once")
    return _Compiled(
        sql=sql,
        params=tuple(params),
        slot=slots[0],
        compiler=compiler,
        init_list=[column[0].target.attname for column in compiler.select],
    )
