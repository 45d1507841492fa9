"""A web process made ready before it takes its first request.

Django imports the URLconf, and with it every view module and what those import (the
originality checker's libraries among them), on the first request a process serves, and
compiles each template the first time a page uses it. In a fresh gunicorn worker that first
request took 1.8 to 2.8 s, at the very moment a restart (a deploy, or `max_requests`) had left
the other workers with its share of the traffic. `redink.wsgi` calls `warm()` as the worker
loads the application, before gunicorn lets it accept connections, so no visitor waits for it.

Nothing here touches the database or Redis: a worker that boots while either is down still
comes up and answers `/healthz`.
"""

from __future__ import annotations

import logging
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.template import Engine, TemplateDoesNotExist, TemplateSyntaxError
from django.urls import get_resolver
from django.utils import formats
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)

TEMPLATE_SUFFIXES = (".html", ".txt", ".xml")


def project_templates() -> list[str]:
    """The names of the project's own templates (the `templates` folder), sorted."""
    root = Path(settings.BASE_DIR) / "templates"
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.suffix in TEMPLATE_SUFFIXES)


def warm() -> int:
    """Import every view and what a page loads on first use, and compile every project
    template; the number of templates compiled."""
    get_resolver().url_patterns  # noqa: B018 - the import of every URLconf and view module
    engine = Engine.get_default()
    engine.template_context_processors  # noqa: B018 - imports them
    for dotted in (settings.MESSAGE_STORAGE, settings.SESSION_SERIALIZER, settings.ACCOUNT_ADAPTER):
        import_string(dotted)
    formats.get_format_modules(settings.LANGUAGE_CODE)
    # Loaded by the first query and the first escaped string: small, but a request's own cost.
    import_module("django.db.models.sql.compiler")
    import_module("encodings.unicode_escape")
    from redink.search.backends import get_backend

    get_backend()  # its module (the vendor is known without connecting)
    compiled = 0
    for name in project_templates():
        try:
            engine.get_template(name)
        except (TemplateDoesNotExist, TemplateSyntaxError):
            # The page itself will show the error; a worker must still come up.
            log.exception("warm-up: template %s does not compile", name)
        else:
            compiled += 1
    return compiled
