#!/usr/bin/env bash
# The leak crawl through nginx, as a visitor and a free account, on a throwaway PostgreSQL, Redis
# and stack with the demo library (see leak_crawl.py): no hidden text, no 5xx. Run by hand, as root.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec .venv/bin/python deploy/faults/leak_crawl.py "$@"
