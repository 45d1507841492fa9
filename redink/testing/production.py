"""Settings as a production process would have them: read in a fresh interpreter, since this
one runs with the test environment's values (redink/testing/environment.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def production_values(*names: str, **env: str) -> dict[str, Any]:
    """The named settings of a process started with DEBUG off and nothing else set but a key
    and the site's address, plus `env`."""
    script = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}))"
    )
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    environment = {
        **keep,
        "DJANGO_SETTINGS_MODULE": "redink.settings",
        "SECRET_KEY": "production-test-key",
        "SITE_URL": "https://essays.example.org",
        **env,
    }
    output = subprocess.run(  # noqa: S603 - this interpreter, running a script of ours
        [sys.executable, "-c", script],
        env=environment,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])
