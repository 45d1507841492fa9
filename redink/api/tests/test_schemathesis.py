"""schemathesis against the committed schema, in process (WSGI): every endpoint, positive and
negative cases, all of its default checks, as a visitor and with a member's read+write token.

Examples per endpoint follow the suite's hypothesis profile (conftest.py: capped in CI), and
are capped again here so both runs stay well under a minute on CI's machine.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import schemathesis
from django.conf import settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from redink.testing.factories import UserFactory, grant_membership, make_essay
from redink.wsgi import application

from .helpers import bearer

schema = schemathesis.openapi.from_dict(
    json.loads((Path(settings.BASE_DIR) / "docs" / "openapi.json").read_text(encoding="utf-8"))
)
REQUESTS = {"sent": 0}


def _counting(environ, start_response):  # type: ignore[no-untyped-def]
    """The site's WSGI application, counting the requests schemathesis sends (run with -s to see)."""
    REQUESTS["sent"] += 1
    return application(environ, start_response)


schema.app = _counting

EXAMPLES = min(hypothesis_settings().max_examples, 8)
capped = hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
)


@pytest.fixture(scope="module", autouse=True)
def _report_requests():  # type: ignore[no-untyped-def]
    yield
    print(f"\nschemathesis sent {REQUESTS['sent']} requests")


@pytest.fixture
def in_the_tests_transaction():  # type: ignore[no-untyped-def]
    """Requests sent straight to the WSGI application end by closing the database connection
    (`close_old_connections`), which would take the test's transaction with it on PostgreSQL;
    Django's own test client disconnects it the same way."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def library(db, settings, in_the_tests_transaction):  # type: ignore[no-untyped-def]
    """A few essays to find, and limits out of the way (they are tested in test_errors.py)."""
    settings.REDINK_SEARCHES_PER_MINUTE = 10**6
    for name in ("REDINK_API_REQUESTS_PER_MINUTE_PER_TOKEN", "REDINK_API_REQUESTS_PER_MINUTE_PER_ADDRESS"):
        setattr(settings, name, 10**6)
    for _ in range(3):
        make_essay()


@pytest.fixture
def member_token(library):  # type: ignore[no-untyped-def]
    member = UserFactory(display_name="Schema Member")
    grant_membership(member)
    return bearer(member, scope="read_write")["HTTP_AUTHORIZATION"]


@pytest.mark.django_db
@schema.parametrize()
@capped
def test_as_a_visitor(case, library):  # type: ignore[no-untyped-def]
    case.call_and_validate()


@pytest.mark.django_db
@schema.parametrize()
@capped
def test_with_a_members_token(case, member_token):  # type: ignore[no-untyped-def]
    case.call_and_validate(headers={"Authorization": member_token})
