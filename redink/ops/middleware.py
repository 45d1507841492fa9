"""The first middleware of every request: its id, its place in the latency metrics, and the
answers to load balancers' probes and Prometheus's scrapes.

A request's id is the incoming `X-Request-ID` when it looks like an id (nginx's `$request_id`,
a load balancer's), or a new one; it is sent back in `X-Request-ID`, written in every log line
of the request and carried into the tasks it enqueues (`redink.ops.logs`). Nothing here touches
the database, the cache or the session, nor adds a cookie or a `Vary`: it runs on every request
and costs a few microseconds.

`/healthz`, `/readyz` and (for clients allowed to read it) `/metrics` are answered here, before
Django checks the Host header (probes and scrapers address a process by its IP, which
ALLOWED_HOSTS rightly does not list) and before the HTTPS redirect. They are not counted in the
request metrics, which would otherwise mostly count probes. Anyone not allowed to read
`/metrics` goes on down the ordinary path, and gets the site's ordinary 404.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .health import healthz, readyz
from .logs import SANE_REQUEST_ID, request_id_var
from .metrics import UNMATCHED_ROUTE, may_read_metrics, metrics_response, observe_request

PROBES: dict[str, Callable[[HttpRequest], HttpResponse]] = {"/healthz": healthz, "/readyz": readyz}
METRICS_PATH = "/metrics"


def _new_request_id() -> str:
    # Unique, not secret: nothing is granted by knowing one. `random` is reseeded in every forked
    # worker, and is a sixth of the cost of os.urandom on every request.
    return f"{random.getrandbits(128):032x}"


class RequestMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        probe = PROBES.get(path)
        if probe is not None:
            return probe(request)
        if path == METRICS_PATH and may_read_metrics(request):
            return metrics_response()

        incoming = request.META.get("HTTP_X_REQUEST_ID")
        request_id = incoming if incoming and SANE_REQUEST_ID.fullmatch(incoming) else _new_request_id()
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        match = request.resolver_match
        observe_request(
            match.route if match is not None else UNMATCHED_ROUTE,
            request.method or "",
            response.status_code,
            time.perf_counter() - started,
        )
        response["X-Request-ID"] = request_id
        return response
