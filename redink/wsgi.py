import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redink.settings")
application = get_wsgi_application()

from redink.core.warmup import warm  # noqa: E402 - needs the settings configured above

warm()
