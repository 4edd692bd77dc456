#!/usr/bin/env bash
# Compares gradviz with micrograd (Python) on the moons demo step, on this
# machine, in one run: `cargo bench --bench moons` (gradviz and the flat
# tape) and `micrograd_demo.py` for a few steps, then prints the ratios of
# their per-step times.
#
# Usage: benches/compare_micrograd.sh [PYTHON_STEPS]     (default 5)
# Environment:
#   MG_VENV   a Python venv with micrograd, numpy, scikit-learn
#             (default /work/mg-venv); created and filled with pip when it
#             has no bin/python yet
#   MG_DEMO   the reference script (default ../shared/bench/micrograd_demo.py
#             next to this repository)
#   MOONS_ARGS extra arguments for the bench, e.g. "--steps 50 --warmup 5"
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
steps="${1:-5}"
venv="${MG_VENV:-/work/mg-venv}"
demo="${MG_DEMO:-$repo/../shared/bench/micrograd_demo.py}"

case "$steps" in
'' | *[!0-9]* | 0)
    echo "usage: $0 [PYTHON_STEPS >= 1]" >&2
    exit 2
    ;;
esac
if [[ ! -f "$demo" ]]; then
    echo "error: reference script not found: $demo (set MG_DEMO)" >&2
    exit 1
fi

if [[ ! -x "$venv/bin/python" ]]; then
    echo "== creating venv $venv (micrograd numpy scikit-learn)" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet micrograd numpy scikit-learn
fi

echo "== gradviz: cargo bench --bench moons ${MOONS_ARGS:-}"
bench_out="$(cd "$repo" && cargo bench --quiet --bench moons -- ${MOONS_ARGS:-})"
echo "$bench_out"

echo
echo "== micrograd (Python): $demo $steps"
py_out="$("$venv/bin/python" "$demo" "$steps")"
echo "$py_out"

field() { # field NAME TEXT: the value after "NAME=" or "NAME " in TEXT's last match
    awk -v name="$1" '{
        for (i = 1; i <= NF; i++) {
            if (index($i, name "=") == 1) v = substr($i, length(name) + 2)
            else if ($i == name && i < NF) v = $(i + 1)
        }
    } END { print v }' <<<"$2"
}
result="$(grep '^RESULT ' <<<"$bench_out" || true)"
gv="$(field gradviz_rebuild_ms "$result")"
gv_clear="$(field gradviz_clear_ms "$result")"
gv_rerun="$(field gradviz_rerun_ms "$result")"
flat="$(field flat_rebuild_ms "$result")"
rerun="$(field flat_rerun_ms "$result")"
gv_nodes="$(field nodes "$result")"
py="$(field per_step_ms "$py_out")"
py_nodes="$(field nodes/step "$py_out")"
for v in "$gv" "$gv_clear" "$gv_rerun" "$flat" "$rerun" "$py"; do
    if [[ ! "$v" =~ ^[0-9]+(\.[0-9]+)?$ ]]; then
        echo "error: could not read the per-step times (bench: '$result'; python: per_step_ms '$py')" >&2
        exit 1
    fi
done

echo
echo "== moons step on this machine, ms/step (nodes/step: gradviz $gv_nodes, micrograd $py_nodes)"
awk -v py="$py" -v gv="$gv" -v gvc="$gv_clear" -v gvr="$gv_rerun" -v flat="$flat" -v rerun="$rerun" '
function row(name, ms) {
    printf "  %-42s %10.3f  %8.0fx faster than Python  %7.2fx flat tape\n", name, ms, py / ms, ms / flat
}
BEGIN {
    printf "  %-42s %10.3f  %8s                      %7.0fx flat tape\n", "micrograd (Python)", py, "1x", py / flat
    row("gradviz, rebuild every step, fresh graph", gv)
    row("gradviz, rebuild every step, one graph", gvc)
    row("gradviz, built once and re-run", gvr)
    row("flat tape, rebuild every step", flat)
    row("flat tape, recorded once and re-run", rerun)
    printf "gradviz rebuilding every step, as micrograd, vs Python: %.0fx faster (one graph), %.0fx (a fresh graph each step)\n", py / gvc, py / gv
}'
