#!/usr/bin/env bash
# The whole test suite. Extra arguments go to pytest (e.g. scripts/test.sh -k report).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/setup.sh"
cd "$root"
exec .venv/bin/python -m pytest "$@"
