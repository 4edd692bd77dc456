#!/usr/bin/env bash
# Regenerate the expected outputs of cases/*.py with the real micrograd.
#   PY=/path/to/venv/bin/python bash tests/reference/regen.sh
# For each cases/NAME.py writes:
#   cases/NAME.json                  graph(s), auto labels on (default)
#   cases/no-auto-labels/NAME.json   graph(s), --no-auto-labels
#   cases/NAME.out                   what the script prints (Python's print)
# and for each cases_errors/NAME.py (scripts that must fail; see its README.md),
# run directly with $PY in that folder:
#   cases_errors/NAME.out            what it printed (stdout) before failing
#   cases_errors/NAME.err            CPython's stderr (the traceback), file paths
#                                    shortened to the file name
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

errs="$here/cases_errors"
for f in "$errs"/*.py; do
  n="$(basename "$f" .py)"
  rc=0
  (cd "$errs" && "$PY" "$n.py" > "$n.out" 2> "$n.err.tmp") || rc=$?
  # File "/abs/dir/NAME.py" -> File "NAME.py"; site-packages/micrograd/engine.py
  # -> micrograd/engine.py; other library files -> their base name
  sed -e "s#File \"[^\"]*/site-packages/#File \"#" \
      -e "s#File \"/[^\"]*/\([^\"/]*\)\"#File \"\1\"#" \
      "$errs/$n.err.tmp" > "$errs/$n.err"
  rm -f "$errs/$n.err.tmp"
  case "$n:$rc" in
    import_os:0) ;;                      # CPython allows it; gradviz must not
    *:1) ;;
    *) echo "cases_errors/$n.py: CPython exit code $rc, expected 1" >&2; exit 1 ;;
  esac
done
echo "regenerated $(ls "$errs"/*.py | wc -l) error cases"
