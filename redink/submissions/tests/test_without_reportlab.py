"""An install from requirements.txt alone has no reportlab: the import benchmark still runs,
and says why it leaves PDF out."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

PROBE = """
import json, sys
sys.modules["reportlab"] = None  # as if never installed: importing it fails
import django
django.setup()
from redink.submissions.bench.extraction import measure_extraction
print(json.dumps(measure_extraction(documents=[("A title", ["One paragraph of text."])], rounds=1)))
"""


def test_extraction_figures_leave_pdf_out_with_the_reason():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "redink.settings"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert "reportlab" in figures["pdf"]["not_measured"]
    assert "requirements-dev.txt" in figures["pdf"]["not_measured"]
    assert figures["docx"]["ours_ms"] > 0 and figures["txt"]["ours_ms"] > 0
