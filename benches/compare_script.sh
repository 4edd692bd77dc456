#!/usr/bin/env bash
# Script-driven training, side by side in one run: micrograd's demo written
# as a script (benches/scripts/moons_demo.py: the moons data made with math
# and random, MLP(2, [16, 16, 1]) from micrograd.nn, SVM loss + L2, SGD) run
# by CPython with micrograd and by `gradviz run`, and the same with
# micrograd's nn.py classes pasted into the script. Checks that both print
# the same losses (to 1e-9) and prints, per variant, ms per step and the
# ratio to CPython:
#
#   CPython  (time of 1+P steps - time of 1 step) / P
#   gradviz  run:    (time of 1+G steps - time of 1 step) / G, the steps of
#                    a G-step run with their share of the process's warm-up
#                    (its first steps touch memory the process has not used
#                    before, which the system supplies and zeroes)
#            steady: (time of 11+G steps - time of 11 steps) / G, a step
#                    once that memory is warm
#
# Each gradviz time is the best of 3 runs (CPython's: of 1; its steps take
# seconds and vary little).
#
# Usage: benches/compare_script.sh [PYTHON_STEPS] [GRADVIZ_STEPS]   (default 3 100)
# Environment: MG_VENV, a venv with micrograd (default /work/mg-venv;
# created when missing).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
py_steps="${1:-3}"
gv_steps="${2:-100}"
venv="${MG_VENV:-/work/mg-venv}"
if [[ ! -x "$venv/bin/python" ]]; then
    echo "== creating venv $venv (micrograd)" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet micrograd
fi
(cd "$repo" && cargo build --quiet --release)
gradviz="$repo/target/release/gradviz"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The script with STEPS steps; `pasted` inlines micrograd's nn.py instead of
# importing it.
make_script() {
    local steps="$1" variant="$2" out="$3"
    if [[ "$variant" == pasted ]]; then
        {
            sed -n '/^import math/,/^from micrograd.engine import Value/p' "$repo/benches/scripts/moons_demo.py"
            grep -v '^import random\|^from micrograd.engine import Value' "$repo/src/script/modules/micrograd_nn.py"
            sed -n '/^STEPS = /,$p' "$repo/benches/scripts/moons_demo.py"
        } >"$out"
    else
        cp "$repo/benches/scripts/moons_demo.py" "$out"
    fi
    sed -i "s/^STEPS = .*/STEPS = $steps/" "$out"
}

# Seconds a run of `runner` on the script with STEPS steps takes, the best
# of TRIES; its output goes to OUT.
run_time() {
    local runner="$1" variant="$2" steps="$3" tries="$4" out="$5"
    make_script "$steps" "$variant" "$work/s.py"
    local best=1e9 t0 t1
    for _ in $(seq "$tries"); do
        t0=$(date +%s.%N)
        $runner "$work/s.py" >"$out"
        t1=$(date +%s.%N)
        best=$(python3 -c "print(min($best, $t1 - $t0))")
    done
    echo "$best"
}

py() { "$venv/bin/python" "$@"; }
gv() { "$gradviz" run "$@"; }

same_output() {
    python3 - "$1" "$2" <<'PY'
import sys
a, b = (open(p).read().split() for p in sys.argv[1:])
def same(x, y):
    try:
        fx, fy = float(x.rstrip(',%')), float(y.rstrip(',%'))
        return abs(fx - fy) <= 1e-9 * max(1.0, abs(fx))
    except ValueError:
        return x == y
assert len(a) == len(b) and all(same(x, y) for x, y in zip(a, b)), "outputs differ"
PY
}

for variant in import pasted; do
    echo "== $variant: micrograd.nn $([[ $variant == import ]] && echo imported || echo "classes pasted into the script")"
    p1=$(run_time py "$variant" 1 1 "$work/p1.out")
    pn=$(run_time py "$variant" $((py_steps + 1)) 1 "$work/py.out")
    g1=$(run_time gv "$variant" 1 3 "$work/g1.out")
    gn=$(run_time gv "$variant" $((gv_steps + 1)) 3 "$work/gv.out")
    g11=$(run_time gv "$variant" 11 3 "$work/g11.out")
    g11n=$(run_time gv "$variant" $((gv_steps + 11)) 3 "$work/g11n.out")
    # The first steps agree (float sums in another order drift later).
    head -n $((py_steps + 3)) "$work/py.out" >"$work/a"
    head -n $((py_steps + 3)) "$work/gv.out" >"$work/b"
    same_output "$work/a" "$work/b"
    python3 - "$p1" "$pn" "$py_steps" "$g1" "$gn" "$g11" "$g11n" "$gv_steps" <<'PY'
import sys
p1, pn, ps, g1, gn, g11, g11n, gs = map(float, sys.argv[1:])
py = (pn - p1) / ps * 1000
run = (gn - g1) / gs * 1000
steady = (g11n - g11) / gs * 1000
print(f"CPython {py:7.1f} ms/step | gradviz run {run:6.2f} ms/step ({py / run:5.1f}x)"
      f" | steady {steady:6.2f} ms/step ({py / steady:5.1f}x)")
PY
done
