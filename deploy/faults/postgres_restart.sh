#!/usr/bin/env bash
# Fault drill: postgres-restart under load, on a throwaway PostgreSQL, Redis and stack (see fault.py). Run by hand, as root.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec .venv/bin/python deploy/faults/fault.py postgres-restart "$@"
