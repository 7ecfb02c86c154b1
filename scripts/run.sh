#!/usr/bin/env bash
# The main job: build the graph (only if its inputs changed), then answer
# "which agencies fund which implementers where".
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/setup.sh"
cd "$root"
.venv/bin/tipgraph build --if-needed
.venv/bin/tipgraph query queries/01-who-funds-whom-where.rq
