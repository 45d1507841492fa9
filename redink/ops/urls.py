"""Health checks and metrics. `redink.ops.middleware` answers these addresses before the URL
configuration is reached; the patterns name them (for reverse()) and still serve them should the
middleware be left out."""

from django.urls import path

from . import health, metrics

app_name = "ops"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
]
