#!/usr/bin/env python3
"""Regenerate cpython_random.json, the reference for src/script/modules/random.rs.

Run with CPython 3.11 (the numbers are those of 3.11's random module):

    python3 tests/reference/random/gen_random.py > tests/reference/random/cpython_random.json

Stdlib only. Every float is written as a *string* holding its repr(), and every
integer that may not fit in an i64 as a decimal string: repr() round-trips
exactly through Rust's `str::parse::<f64>`, whereas a JSON number would go
through serde_json's float parser, which is not guaranteed to be correctly
rounded without its `float_roundtrip` feature (and JSON has no inf/nan).

Layout:
  runs         one generator per seed, stepping through a fixed sequence of
               calls; the state carries over from call to call, and `random`
               probes between groups of calls show how it continues.
  seed_probes  more seeds (edge cases of the int and float seeding paths),
               each followed by a few draws.
  errors       calls that raise, with the exception type and message, each on
               a fresh Random(1337), followed by the next random() so that a
               failed call's consumption of the state (or not) is recorded.
  float_hashes hash(x) for floats: the seed of random.seed(x).
  constants    module constants that the Rust port spells as literals.
"""

import json
import math
import random
import struct
import sys

if sys.version_info[:2] != (3, 11):
    sys.exit(f"gen_random.py needs CPython 3.11, not {sys.version.split()[0]}")

INT_SEEDS = [0, 1, 42, 1337, -7, 2**40, 2**64 + 3, 12345678901234567890]
FLOAT_SEEDS = [1.5, -0.0, 2.0, 1e300]

I64 = range(-(2**63), 2**63)


def f(x):
    """A float as its exact repr."""
    assert isinstance(x, float), x
    return repr(x)


def big(n):
    """An int that may not fit in an i64."""
    return str(n)


def small(n):
    assert n in I64, n
    return n


def same_float(a, b):
    return struct.pack("<d", a) == struct.pack("<d", b)


class Recorder:
    """Runs calls on one generator and records them as replayable steps."""

    def __init__(self, rng):
        self.rng = rng
        self.steps = []

    def add(self, label, op, args, result):
        self.steps.append({"label": label, "op": op, "args": args, "result": result})

    def float_call(self, label, op, py_args):
        """A real-valued method called the way a script would (ints stay ints).

        The Rust port takes f64 arguments, so also check, on a copy of the
        state, that the same call with float arguments gives the same bits.
        """
        state = self.rng.getstate()
        with_floats = getattr(self.rng, op)(*[None if a is None else float(a) for a in py_args])
        self.rng.setstate(state)
        result = getattr(self.rng, op)(*py_args)
        assert same_float(result, with_floats), (label, result, with_floats)
        args = [None if a is None else f(float(a)) for a in py_args]
        # float(): triangular() hands back `low` itself, an int if given one.
        self.add(label, op, args, f(float(result)))

    def random(self, label="random()"):
        self.add(label, "random", [], f(self.rng.random()))

    def probe(self):
        self.random("probe: random() between groups")

    def seed(self, label, value):
        self.rng.seed(value)
        if isinstance(value, float):
            self.add(label, "seed_float", [f(value)], None)
        else:
            self.add(label, "seed_int", [big(value)], None)


def run_sequence(seed):
    rng = random.Random(seed)
    r = Recorder(rng)

    for _ in range(20):
        r.random()
    r.probe()
    for _ in range(10):
        r.float_call("uniform(-1, 1)", "uniform", [-1, 1])
    r.float_call("uniform(2.5, -3.25)", "uniform", [2.5, -3.25])
    r.probe()

    for _ in range(20):
        r.add("randint(-5, 5)", "randint", [-5, 5], small(rng.randint(-5, 5)))
    r.add("randrange(0, 100, 7)", "randrange", [0, 100, 7], small(rng.randrange(0, 100, 7)))
    r.add("randrange(10)", "randrange", [10, None, 1], small(rng.randrange(10)))
    for _ in range(10):
        r.add("randrange(-3, 30, 4)", "randrange", [-3, 30, 4], small(rng.randrange(-3, 30, 4)))
    # Negative steps: the length is a floor division with a negative divisor.
    for start, stop, step, times in [(20, 0, -3, 10), (-1, -100, -7, 5)]:
        for _ in range(times):
            got = rng.randrange(start, stop, step)
            r.add(f"randrange({start}, {stop}, {step})", "randrange", [start, stop, step], small(got))
    # More negative steps, and ranges whose width overflows an i64.
    for start, stop, step in [
        (0, -10, -3),
        (10, 0, -1),
        (5, 6, 1),
        (10**18, None, 1),
        (-(2**62), 2**62, 1),
        (-(2**63), 2**63 - 1, 3),
        (2**63 - 1, -(2**63), -5),
        (-(2**63), 2**63 - 1, 1),
    ]:
        got = rng.randrange(start, stop, step) if stop is not None else rng.randrange(start)
        label = f"randrange({start}, {stop}, {step})"
        r.add(label, "randrange", [start, stop, step], small(got))
    for a, b in [(-(2**63), 2**63 - 1), (7, 7), (0, 2**32)]:
        r.add(f"randint({a}, {b})", "randint", [a, b], small(rng.randint(a, b)))
    r.probe()

    for k in [1, 7, 31, 32, 33, 53, 64, 100, 0, 65, 96, 128]:
        r.add(f"getrandbits({k})", "getrandbits", [k], big(rng.getrandbits(k)))
    for n in [1, 2, 3, 2**32, 2**32 + 1, 2**64, 2**100 + 7, 2**128 - 1]:
        r.add(f"_randbelow({n})", "randbelow", [big(n)], big(rng._randbelow(n)))
    r.probe()

    letters = list("abcdefghij")
    for _ in range(10):
        r.add("choice(list('abcdefghij'))", "choice", [letters], rng.choice(letters))
    one = ["only"]
    r.add("choice(['only'])", "choice", [one], rng.choice(one))
    r.probe()

    x = list(range(20))
    for label in ["shuffle(x), x = list(range(20))", "shuffle(x) again"]:
        before = list(x)
        rng.shuffle(x)
        r.add(label, "shuffle", [before], list(x))
    for tiny in [[], [9]]:
        before = list(tiny)
        rng.shuffle(tiny)
        r.add(f"shuffle({before})", "shuffle", [before], tiny)
    r.probe()

    # (n, k): sample(range(n), k). setsize is 21, plus 4**ceil(log(3k, 4))
    # when k > 5: the set branch runs when n > setsize.
    for n, k in [
        (50, 10),  # setsize 85: pool
        (3000, 5),  # setsize 21: set
        (10, 10),  # pool, whole population
        (22, 2),  # set, with likely reselections
        (21, 3),  # pool, at the boundary
        (100, 30),  # setsize 277: pool
        (1000, 40),  # setsize 277: set
        (278, 30),  # set, just past the boundary
        (85, 21),  # setsize 85 (3k = 63): pool, at the boundary
        (86, 21),  # set, just past it
        (86, 22),  # setsize 277 (3k = 66): pool
        (277, 30),  # pool, at the boundary
        (0, 0),
        (3000, 0),
    ]:
        got = rng.sample(range(n), k)
        r.add(f"sample(range({n}), {k})", "sample", [n, k], got)
    r.probe()

    r.add("choices(range(7), k=10)", "choices", [7, 10], rng.choices(range(7), k=10))
    r.add("choices(range(1), k=3)", "choices", [1, 3], rng.choices(range(1), k=3))
    r.add("choices(range(5), k=0)", "choices", [5, 0], rng.choices(range(5), k=0))
    r.probe()

    # An odd count leaves gauss_next cached for the next gauss() call.
    for _ in range(11):
        r.float_call("gauss(0, 1)", "gauss", [0, 1])
    for _ in range(3):
        r.float_call("gauss(5, 2)", "gauss", [5, 2])
    r.probe()
    for _ in range(5):
        r.float_call("normalvariate(0, 1)", "normalvariate", [0, 1])
    r.float_call("normalvariate(-3, 0.5)", "normalvariate", [-3, 0.5])
    for _ in range(3):
        r.float_call("expovariate(1.5)", "expovariate", [1.5])
    r.float_call("expovariate(-2)", "expovariate", [-2])
    for _ in range(3):
        r.float_call("triangular(0, 1)", "triangular", [0, 1, None])
    for _ in range(3):
        r.float_call("triangular(0, 10, 7)", "triangular", [0, 10, 7])
    r.float_call("triangular(3, 3, 3): ZeroDivisionError caught, returns low", "triangular", [3, 3, 3])
    r.float_call("triangular(3, 3)", "triangular", [3, 3, None])
    r.float_call("triangular(10, 0, 2)", "triangular", [10, 0, 2])
    r.probe()

    # Reseeding drops a cached gauss_next: gauss() restarts from the seed.
    r.float_call("gauss(0, 1), leaving gauss_next cached", "gauss", [0, 1])
    r.seed(f"seed({seed!r}) again", seed)
    r.float_call("gauss(0, 1) after reseeding", "gauss", [0, 1])
    for _ in range(5):
        r.random("random() at the end")

    if isinstance(seed, float):
        kind, value = "float", f(seed)
    else:
        kind, value = "int", big(seed)
    return {"seed": {"kind": kind, "value": value}, "steps": r.steps}


def seed_probe(seed):
    rng = random.Random(seed)
    if isinstance(seed, float):
        kind, value = "float", f(seed)
    else:
        kind, value = "int", big(seed)
    return {
        "seed": {"kind": kind, "value": value},
        "random": [f(rng.random()) for _ in range(3)],
        "getrandbits_128": big(rng.getrandbits(128)),
        "gauss": [f(rng.gauss(0.0, 1.0)) for _ in range(2)],
    }


def error_cases():
    # (label, op, args, call): args as the Rust replay takes them.
    cases = [
        ("randrange(5, 5)", "randrange", [5, 5, 1], lambda g: g.randrange(5, 5)),
        ("randrange(0)", "randrange", [0, None, 1], lambda g: g.randrange(0)),
        ("randrange(-5)", "randrange", [-5, None, 1], lambda g: g.randrange(-5)),
        ("randint(3, 1)", "randint", [3, 1], lambda g: g.randint(3, 1)),
        ("randrange(0, 10, 0)", "randrange", [0, 10, 0], lambda g: g.randrange(0, 10, 0)),
        ("randrange(10, 0, 2)", "randrange", [10, 0, 2], lambda g: g.randrange(10, 0, 2)),
        ("randrange(0, 10, -1)", "randrange", [0, 10, -1], lambda g: g.randrange(0, 10, -1)),
        ("randrange(10, step=2)", "randrange", [10, None, 2], lambda g: g.randrange(10, step=2)),
        ("choice([])", "choice", [[]], lambda g: g.choice([])),
        ("sample(range(3), 5)", "sample", [3, 5], lambda g: g.sample(range(3), 5)),
        ("sample(range(0), 1)", "sample", [0, 1], lambda g: g.sample(range(0), 1)),
        # No emptiness check in 3.11: random() is drawn, then indexing fails.
        ("choices([], k=1)", "choices", [0, 1], lambda g: g.choices([], k=1)),
    ]
    out = []
    for label, op, args, call in cases:
        rng = random.Random(1337)
        try:
            call(rng)
        except Exception as e:  # noqa: BLE001 - recording whatever it raises
            kind, message = type(e).__name__, str(e)
        else:
            raise AssertionError(f"{label} did not raise")
        out.append(
            {
                "label": label,
                "op": op,
                "args": args,
                "type": kind,
                "message": message,
                "next_random": f(rng.random()),
            }
        )
    return out


def float_hashes():
    xs = [
        0.0, -0.0, 1.0, -1.0, 1.5, -1.5, 2.0, 0.5, 0.1, -2.5e-10, 1e300, -1e300,
        5e-324, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308,
        2.0**61 - 1.0, 2.0**61, 2.0**62, 2.0**64, 2.0**-61, 2.0**-1074, 3.0**40,
        math.pi, math.e, 123456789.123, -9007199254740993.0,
        math.inf, -math.inf,
    ]
    # Plus arbitrary bit patterns, from a fixed generator.
    g = random.Random(2024)
    while len(xs) < 200:
        x = struct.unpack("<d", g.getrandbits(64).to_bytes(8, "little"))[0]
        if not math.isnan(x):
            xs.append(x)
    return [{"x": f(x), "hash": hash(x)} for x in xs]


def main():
    doc = {
        "generator": "tests/reference/random/gen_random.py",
        "python": sys.version.split()[0],
        "constants": {
            "TWOPI": f(random.TWOPI),
            "NV_MAGICCONST": f(random.NV_MAGICCONST),
        },
        "runs": [run_sequence(s) for s in INT_SEEDS + FLOAT_SEEDS],
        "seed_probes": [
            seed_probe(s)
            for s in [
                -1, 2**32 - 1, 2**32, 2**96 + 5, 2**127 - 1, -(2**127),
                -1.5, -1.0, math.inf, -math.inf, 5e-324, 0.1, 2.0**61, -1e300,
            ]
        ],
        "errors": error_cases(),
        "float_hashes": float_hashes(),
    }
    json.dump(doc, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
