#!/usr/bin/env bash
# reproduce.sh — rerun reproductions and rewrite the measured block and figure of their pages in
# docs/experiments/ (scripts/reproduce.py; scripts/pages/ says how each page is measured).
#
# Usage: scripts/reproduce.sh NAME [NAME ...] | all   [--jobs N] [--from-results] [--dry-run]
#   Builds dlx first when build/dlx is missing (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x build/dlx ] && [ -z "${DLX_BIN:-}" ]; then
    bash scripts/setup.sh
fi
exec /usr/bin/python3 scripts/reproduce.py "$@"
