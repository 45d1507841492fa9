#!/usr/bin/env bash
# Fault drill: Redis stopped, and Redis hanging, under a running site (a throwaway Redis): pages
# served, users stay signed in, limits fail open and log, queued work recovered when it is back.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec .venv/bin/python -m pytest redink/ops/tests/test_redis_down.py "$@"
