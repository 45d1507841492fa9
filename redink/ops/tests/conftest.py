# One nginx + gunicorn stack for every test here that goes through nginx (redink/testing/stack.py).
from redink.testing.stack import nginx_stack  # noqa: F401
