"""`manage.py check --deploy` in the production profile: nothing to warn of in the documented
deployment (nginx redirects to https), and a silence only while its setting is off."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from redink.testing.production import production_values

ROOT = Path(__file__).resolve().parents[3]


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    keep = {name: value for name, value in os.environ.items() if name in ("PATH", "HOME", "LANG")}
    return {
        **keep,
        "DJANGO_SETTINGS_MODULE": "redink.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "essays.example.org",
        "SITE_URL": "https://essays.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
        **extra,
    }


def deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def silenced_checks(env: dict[str, str]) -> list[str]:
    return list(production_values("SILENCED_SYSTEM_CHECKS", **env)["SILENCED_SYSTEM_CHECKS"])


def test_the_production_profile_passes_the_deploy_check_with_no_warning(tmp_path):
    result = deploy_check(production_env(tmp_path))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNING" not in output and "security.W" not in output
    assert "System check identified no issues" in output


def test_the_https_redirect_warning_is_silenced_only_while_django_does_not_redirect(tmp_path):
    assert "security.W008" in silenced_checks(production_env(tmp_path))
    redirecting = production_env(tmp_path, SECURE_SSL_REDIRECT="1")
    assert "security.W008" not in silenced_checks(redirecting)
    result = deploy_check(redirecting)  # and with Django redirecting there is nothing to warn of
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_preload_warning_is_silenced_only_while_preload_is_off(tmp_path):
    assert "security.W021" in silenced_checks(production_env(tmp_path))
    assert "security.W021" not in silenced_checks(production_env(tmp_path, SECURE_HSTS_PRELOAD="1"))
