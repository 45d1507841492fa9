"""What the sign-up form needs, for tests that sign up through it."""

from __future__ import annotations

import itertools
from typing import Any

_numbers = itertools.count(1)


def signup_data(email: str, password: str, **overrides: Any) -> dict[str, Any]:
    """A complete sign-up: a fresh display name, a year of birth well over any minimum age, and
    the terms accepted; `overrides` replace any of it (None leaves a field out)."""
    data: dict[str, Any] = {
        "display_name": f"New Author {next(_numbers)}",
        "email": email,
        "birth_year": 1990,
        "password1": password,
        "password2": password,
        "accept_terms": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
