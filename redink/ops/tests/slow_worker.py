"""python -m redink.ops.tests.slow_worker MARKER: the production RQ worker, except that processing
an upload stops once the upload is marked as being processed, writes MARKER and waits, so that a
test can kill the worker at that exact point. Test-only: nothing in the product waits."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any


def main() -> None:
    marker = Path(sys.argv[1])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redink.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from redink.ops.retries import WORKER_COMMAND
    from redink.submissions.services import processing

    real = processing.submission_text

    def stuck(*, submission: Any) -> tuple[str, str]:
        marker.write_text(str(submission.pk))
        time.sleep(600)
        return real(submission=submission)

    processing.submission_text = stuck
    call_command(*WORKER_COMMAND)


if __name__ == "__main__":
    main()
