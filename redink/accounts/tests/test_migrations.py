"""The data migration that makes existing display names unique ignoring case."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accounts", "0002_profile_fields_and_previous_names")]
AFTER = [("accounts", "0004_display_name_unique_ignoring_case")]


@pytest.fixture
def back_to_the_latest_schema():
    """Whatever the test leaves, every app ends on its latest migration for the tests after it."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_the_latest_schema")
def test_existing_duplicates_get_a_number_and_the_earliest_keeps_the_name():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    User = executor.loader.project_state(BEFORE).apps.get_model("accounts", "User")
    names = ["Sam", "SAM", "sam", "Sam 2", "", "", "B" * 40, "b" * 40]
    for n, name in enumerate(names):
        User.objects.create(email=f"u{n}@example.org", display_name=name)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    User = executor.loader.project_state(AFTER).apps.get_model("accounts", "User")
    by_email = dict(User.objects.values_list("email", "display_name"))
    assert by_email["u0@example.org"] == "Sam"
    assert by_email["u1@example.org"] == "SAM 3"  # "Sam 2" was someone's already
    assert by_email["u2@example.org"] == "sam 4"
    assert by_email["u3@example.org"] == "Sam 2"
    assert by_email["u4@example.org"] == by_email["u5@example.org"] == ""  # no name: no clash
    assert by_email["u6@example.org"] == "B" * 40
    assert by_email["u7@example.org"] == "b" * 38 + " 2"
