import contextlib
import signal
import subprocess
import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the site on 127.0.0.1:8000 together with one background worker; Ctrl-C stops both."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args: object, **options: object) -> None:
        manage = [sys.executable, "manage.py"]
        worker = subprocess.Popen([*manage, "db_worker", "--queue-name", "*"])  # noqa: S603
        server = subprocess.Popen([*manage, "runserver", str(options["addr"])])  # noqa: S603
        self.stdout.write(f"Serving http://{options['addr']}/ with one worker. Press Ctrl-C to stop both.")
        try:
            while True:
                for proc in (worker, server):
                    if proc.poll() is not None:
                        return
                with contextlib.suppress(subprocess.TimeoutExpired):
                    server.wait(timeout=1)
        except KeyboardInterrupt:
            pass
        finally:
            for proc in (server, worker):
                if proc.poll() is None:
                    proc.send_signal(signal.SIGINT)
            for proc in (server, worker):
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
