#!/usr/bin/env bash
# The main job: build the graph (only if its inputs changed), then serve it on 127.0.0.1:5000
# (SPARQL at /sparql, the query page at /query). Extra arguments go to `tipgraph serve`,
# e.g. scripts/run.sh --port 8080.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/setup.sh"
cd "$root"
.venv/bin/tipgraph build --if-needed
exec .venv/bin/tipgraph serve "$@"
