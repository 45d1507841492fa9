"""A Redis cache that fails open: when Redis cannot be reached, reads miss and writes are dropped.

Django's own `RedisCache` raises on a connection error, so a Redis outage would turn every page
that touches the cache (sessions, rate limits, the library figures) into a 500. Everything Redink
keeps in the cache can be recomputed or read from the database, so a missing cache is slower,
never wrong:

- reads (`get`, `get_many`, `has_key`) answer as if the key were absent;
- writes (`set`, `add`, `touch`, `delete`, `set_many`, `delete_many`) are dropped; `add` and
  `touch` answer False (nothing was stored), and `incr` raises `ValueError`, Django's "no such
  key", so the rate limiter's own fallback lets the request through and logs it;
- a warning is logged at most once every `WARN_EVERY` seconds per process, not once per call.

A dropped write leaves Redis holding an older value once it is back: a session ended during the
outage would come back to life from the cache (`cached_db` reads the cache first). So the keys
whose writes were dropped are remembered (up to `FORGET_AT_MOST`) and deleted at the first call
that reaches Redis again; the next read goes to the database.

Short socket timeouts (`OPTIONS` in settings) bound how long a request waits on a Redis that
hangs instead of refusing connections.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ReadOnlyError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# Connection refused, reset, timed out, DNS failure, a replica that became read-only mid-failover.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, ReadOnlyError, OSError)
WARN_EVERY = 30.0
FORGET_AT_MOST = 10_000

T = TypeVar("T")


class KeptClientRedisCacheClient(RedisCacheClient):
    """Django's Redis client, keeping one `redis.Redis` per connection pool instead of making one
    for every cache call: making it (its table of response callbacks) cost 0.12 ms of CPU, twice
    a GET's own, two or three times on every page. A `redis.Redis` on a pool is thread-safe."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class FailOpenRedisCache(RedisCache):
    """`RedisCache` that treats an unreachable Redis as an empty cache (see the module docstring)."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = KeptClientRedisCacheClient
        self._lock = threading.Lock()
        self._last_warning = 0.0
        self._dropped: set[str] = set()
        self._overflowed = False
        self._down = False

    # --- reads -----------------------------------------------------------------------------
    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._guard(lambda: super(FailOpenRedisCache, self).get(key, default, version), default, "read")

    def get_many(self, keys: Iterable[Any], version: Any = None) -> dict[Any, Any]:
        keys = list(keys)
        return self._guard(lambda: super(FailOpenRedisCache, self).get_many(keys, version), {}, "read")

    def has_key(self, key: Any, version: Any = None) -> bool:
        return self._guard(lambda: super(FailOpenRedisCache, self).has_key(key, version), False, "read")

    # --- writes ----------------------------------------------------------------------------
    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> None:
        self._guard(lambda: super(FailOpenRedisCache, self).set(key, value, timeout, version), None, "write", [key])

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return self._guard(
            lambda: super(FailOpenRedisCache, self).add(key, value, timeout, version), False, "write", [key]
        )

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return self._guard(lambda: super(FailOpenRedisCache, self).touch(key, timeout, version), False, "write", [key])

    def delete(self, key: Any, version: Any = None) -> bool:
        return self._guard(lambda: super(FailOpenRedisCache, self).delete(key, version), False, "write", [key])

    def set_many(self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> list[Any]:
        data = dict(data)
        return self._guard(
            lambda: super(FailOpenRedisCache, self).set_many(data, timeout, version), list(data), "write", list(data)
        )

    def delete_many(self, keys: Iterable[Any], version: Any = None) -> None:
        keys = list(keys)
        self._guard(lambda: super(FailOpenRedisCache, self).delete_many(keys, version), None, "write", keys)

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        try:
            value: int = self._call(lambda: super(FailOpenRedisCache, self).incr(key, delta, version))
        except UNREACHABLE as exc:
            self._note_failure("write", exc, [key])
            raise ValueError(f"Key {key!r} not counted: the cache is unreachable.") from exc
        return value

    def clear(self) -> None:
        self._guard(lambda: super(FailOpenRedisCache, self).clear(), None, "write")

    # --- the guard -------------------------------------------------------------------------
    def _guard(self, call: Callable[[], T], fallback: T, kind: str, keys: Iterable[Any] = ()) -> T:
        try:
            return self._call(call)
        except UNREACHABLE as exc:
            self._note_failure(kind, exc, keys)
            return fallback

    def _call(self, call: Callable[[], T]) -> T:
        if self._down:
            self._recover()  # before the call, so that it cannot read what may be stale
        return call()

    def _note_failure(self, kind: str, exc: BaseException, keys: Iterable[Any]) -> None:
        with self._lock:
            self._down = True
            if kind == "write":
                for key in keys:
                    if len(self._dropped) >= FORGET_AT_MOST:
                        self._overflowed = True
                        break
                    self._dropped.add(str(key))
            now = time.monotonic()
            if now - self._last_warning < WARN_EVERY:
                return
            self._last_warning = now
        logger.warning(
            "The cache is unreachable (%s: %s): reads miss and writes are dropped until it is back",
            type(exc).__name__,
            exc,
        )

    def _recover(self) -> None:
        """Redis was unreachable: delete what it may hold stale from before the writes we dropped
        (or just ask it whether it is back). Raises, with nothing forgotten, if it is still down."""
        with self._lock:
            keys, self._dropped = sorted(self._dropped), set()
            overflowed, self._overflowed = self._overflowed, False
        try:
            if keys:
                super().delete_many(keys)
            else:
                self._cache.get_client(write=True).ping()  # type: ignore[attr-defined]
        except BaseException:
            with self._lock:
                self._dropped.update(keys)
                self._overflowed = self._overflowed or overflowed
            raise
        with self._lock:
            self._down = False
        logger.warning(
            "The cache is reachable again; %d key(s) whose writes were dropped deleted%s",
            len(keys),
            " (more were dropped than remembered: some entries may be stale until they expire)" if overflowed else "",
        )
