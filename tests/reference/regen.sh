#!/usr/bin/env bash
# Regenerate the expected outputs of cases/*.py with the real micrograd.
#   PY=/path/to/venv/bin/python bash tests/reference/regen.sh
# For each cases/NAME.py writes:
#   cases/NAME.json                  graph(s), auto labels on (default)
#   cases/no-auto-labels/NAME.json   graph(s), --no-auto-labels
#   cases/NAME.out                   what the script prints (Python's print)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
PY="${PY:-/work/mg-venv/bin/python}"
mkdir -p "$here/cases/no-auto-labels"
for f in "$here"/cases/*.py; do
  n="$(basename "$f" .py)"
  "$PY" "$here/micrograd_json.py" "$f" > "$here/cases/$n.json" 2> "$here/cases/$n.out"
  "$PY" "$here/micrograd_json.py" --no-auto-labels "$f" > "$here/cases/no-auto-labels/$n.json" 2>/dev/null
done
echo "regenerated $(ls "$here"/cases/*.py | wc -l) cases"
