"""The code that serves requests never loads benchmark code or development-only libraries.

Checked in a fresh interpreter: in this one, other tests have long imported the benchmarks.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

# Loads everything a request can reach by import: the URLconf (every view it routes to), every
# views module, the middleware, the context processors and the template tag libraries; then
# prints the names of the modules loaded.
PROBE = """
import importlib, json, sys
from pathlib import Path
import django
django.setup()
from django.conf import settings
from django.template import engines
from django.urls import get_resolver

get_resolver().url_patterns
# Found by file name: walking the packages would import every package on the way, benchmarks too.
for path in sorted(Path("redink").rglob("*.py")):
    parts = path.with_suffix("").parts
    if any(p.startswith("views") for p in parts) and "tests" not in parts:
        importlib.import_module(".".join(p for p in parts if p != "__init__"))
for dotted in [*settings.MIDDLEWARE, *settings.TEMPLATES[0]["OPTIONS"]["context_processors"]]:
    importlib.import_module(dotted.rsplit(".", 1)[0])
engines["django"].engine.template_libraries
print(json.dumps(sorted(sys.modules)))
"""

DEVELOPMENT_ONLY = ("reportlab", "tantivy", "pytest", "factory", "hypothesis", "playwright")


def loaded_by_the_request_path():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "redink.settings"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_no_benchmark_module_or_development_library_is_loaded_to_serve_requests():
    modules = loaded_by_the_request_path()
    assert "redink.search.views" in modules and "redink.api.urls" in modules  # the probe reached them
    assert [m for m in modules if ".bench" in m] == []
    assert [m for m in modules if m.split(".")[0] in DEVELOPMENT_ONLY] == []
