#!/usr/bin/env bash
# Fault drill: a task worker killed (SIGKILL) mid-upload; a new worker and the requeue job finish it,
# processed once. Real processes on a throwaway Redis; needs PostgreSQL (the test's own database).
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${DATABASE_URL:=postgres://postgres@127.0.0.1:5432/redink_faults}"
export DATABASE_URL
exec .venv/bin/python -m pytest redink/ops/tests/test_worker_killed.py "$@"
