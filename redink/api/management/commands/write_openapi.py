"""Write the API's OpenAPI schema, generated from the code, to docs/openapi.json.

The committed copy is what app makers read and diff between releases; redink/api/tests/
test_schema.py fails when it differs from what the code generates, so run this after changing
an endpoint or a schema.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

DEFAULT_PATH = Path(settings.BASE_DIR) / "docs" / "openapi.json"


def openapi_text() -> str:
    """The schema as committed: sorted keys, two-space indents, a final newline."""
    from redink.api.api import api

    return json.dumps(api.get_openapi_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


class Command(BaseCommand):
    help = "Write the JSON API's OpenAPI schema to docs/openapi.json (or --output)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--output", default=str(DEFAULT_PATH))
        parser.add_argument("--check", action="store_true", help="Only say whether the file is up to date.")

    def handle(self, *args: Any, **options: Any) -> None:
        target = Path(options["output"])
        text = openapi_text()
        if options["check"]:
            current = target.read_text(encoding="utf-8") if target.exists() else ""
            if current != text:
                self.stderr.write(f"{target} is out of date: run manage.py write_openapi")
                raise SystemExit(1)
            self.stdout.write(f"{target} is up to date.")
            return
        target.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {target}.")
