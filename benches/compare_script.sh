#!/usr/bin/env bash
# Script-driven training, side by side in one run: micrograd's demo written
# as a script (benches/scripts/moons_demo.py: the moons data made with math
# and random, MLP(2, [16, 16, 1]) from micrograd.nn, SVM loss + L2, SGD) run
# by CPython with micrograd and by `gradviz run`, and the same with
# micrograd's nn.py classes pasted into the script. Prints ms per step and
# the ratio; checks that both print the same losses (to 1e-9).
#
# Usage: benches/compare_script.sh [PYTHON_STEPS] [GRADVIZ_STEPS]   (default 5 100)
# Environment: MG_VENV, a venv with micrograd (default /work/mg-venv;
# created when missing).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
py_steps="${1:-5}"
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

# Seconds for `cmd script` with the given steps, minus the same with 1
# step (start-up, import, data): the time of the steps alone.
time_steps() {
    local runner="$1" variant="$2" steps="$3"
    make_script "$steps" "$variant" "$work/long.py"
    make_script 1 "$variant" "$work/short.py"
    local t0 t1 t2
    t0=$(date +%s.%N)
    $runner "$work/short.py" >"$work/short.out"
    t1=$(date +%s.%N)
    $runner "$work/long.py" >"$work/$variant-$(basename "$runner").out"
    t2=$(date +%s.%N)
    python3 -c "print(max(1e-9, (($t2 - $t1) - ($t1 - $t0)) / ($steps - 1) * 1000))"
}

py() { "$venv/bin/python" "$@"; }
gv() { "$gradviz" run "$@"; }

for variant in import pasted; do
    echo "== $variant: micrograd.nn $([[ $variant == import ]] && echo imported || echo "classes pasted into the script")"
    py_ms=$(time_steps py "$variant" $((py_steps + 1)))
    gv_ms=$(time_steps gv "$variant" $((gv_steps + 1)))
    # The first steps agree (float sums in another order drift later).
    head -n $((py_steps + 3)) "$work/$variant-py.out" >"$work/a"
    head -n $((py_steps + 3)) "$work/$variant-gv.out" >"$work/b"
    python3 - "$work/a" "$work/b" <<'EOF'
import re, sys
a, b = (open(p).read().split() for p in sys.argv[1:])
def same(x, y):
    try:
        fx, fy = float(x.rstrip(',%')), float(y.rstrip(',%'))
        return abs(fx - fy) <= 1e-9 * max(1.0, abs(fx))
    except ValueError:
        return x == y
assert len(a) == len(b) and all(same(x, y) for x, y in zip(a, b)), "outputs differ"
EOF
    python3 -c "print(f'CPython {float($py_ms):10.1f} ms/step   gradviz {float($gv_ms):8.2f} ms/step   ratio {float($py_ms)/float($gv_ms):7.1f}x')"
done
