from typing import Any

from django.core.checks import Warning, register


@register("database")
def search_backend_check(app_configs: Any = None, databases: Any = None, **kwargs: Any) -> list[Warning]:
    """Warn when the database lacks what its search backend needs (FTS5, trigram, pg_trgm)."""
    if not databases or "default" not in databases:
        return []
    from .backends import get_backend

    try:
        backend = get_backend()
    except NotImplementedError as exc:
        return [Warning(str(exc), id="redink.search.W001")]
    try:
        problems = backend.check()
    except Exception as exc:  # a database we cannot even ask
        return [Warning(f"Could not check the search backend: {exc}", id="redink.search.W002")]
    return [Warning(problem, id="redink.search.W003") for problem in problems]
