#!/usr/bin/env python3
"""Reference harness: run a micrograd script with the real micrograd and dump
its graph(s) as JSON in gradviz's schema (SPEC §5, "JSON").

Usage:
    python micrograd_json.py [--no-auto-labels] [--lecture-tanh] SCRIPT.py [ARGS...]

  --no-auto-labels  keep micrograd's labels only (label= and .label = ...);
                    by default an unlabelled Value takes the name it is
                    first assigned to, by any assignment statement of the
                    script: top level, functions, methods, loops (SPEC §4;
                    the exact rule is above `_AutoLabel` below)
  --lecture-tanh    tanh as the lecture writes it, (e^2x - 1)/(e^2x + 1),
                    instead of math.tanh (can differ in the last bit)

Needs the pip package `micrograd` (0.1.0) importable; nothing else beyond the
Python standard library.  See README.md beside this file.

What it does to micrograd (in place, on the real class, so `from
micrograd.engine import Value` and `micrograd.nn` both see it):
  * `Value.__init__` gains a `label=''` keyword, stores the ordered operand
    tuple as `_children` (micrograd keeps only the set `_prev`), and gives
    every value a creation sequence number `_gv_seq` (0, 1, 2, ...);
  * `Value.tanh()` (op 'tanh', d/dx = 1 - t**2) and `Value.exp()` (op 'exp',
    d/dx = out.data) are added, as in the lecture;
  * `Value.backward` is wrapped only to remember its root;
  * `Value.__hash__` returns the creation number instead of the address
    (equality stays identity), so set iteration order -- micrograd's `_prev`
    and `visited` -- and with it the summation order of grads is the same on
    every run.
Everything else (+, *, **, relu, neg, sub, radd, rsub, rmul, truediv,
rtruediv, the _backward closures, backward's walk, repr) is micrograd's own.
"""

import ast
import contextlib
import itertools
import json
import math
import os
import sys
import traceback

import micrograd.engine as _engine

Value = _engine.Value

# --------------------------------------------------------------------------
# Extend micrograd's Value in place.
# --------------------------------------------------------------------------

_seq = itertools.count()
_orig_init = Value.__init__
_orig_backward = Value.backward
_state = {"last_backward_root": None, "snapshots": [], "lecture_tanh": False}


def _init(self, data, _children=(), _op='', label=''):
    _orig_init(self, data, _children, _op)
    self._children = tuple(_children)   # ordered operands (micrograd: set)
    self.label = label
    self._gv_seq = next(_seq)            # creation order


def _tanh(self):
    x = self.data
    if _state["lecture_tanh"]:           # the lecture's formula (overflows
        t = (math.exp(2*x) - 1)/(math.exp(2*x) + 1)   # for x > ~355)
    else:
        t = math.tanh(x)                 # numerically stable (SPEC §3)
    out = Value(t, (self,), 'tanh')

    def _backward():
        self.grad += (1 - t**2) * out.grad
    out._backward = _backward

    return out


def _exp(self):
    x = self.data
    out = Value(math.exp(x), (self,), 'exp')

    def _backward():
        self.grad += out.data * out.grad
    out._backward = _backward

    return out


def _backward_wrapper(self):
    _state["last_backward_root"] = self
    return _orig_backward(self)


_init.__wrapped__ = _orig_init
Value.__init__ = _init
Value.tanh = _tanh
Value.exp = _exp
Value.backward = _backward_wrapper


def _hash(self):
    # Values still compare by identity; only the hash is the creation number
    # instead of the address, so sets of Values (`_prev`, backward's
    # `visited`) iterate in an order fixed by the program, not by memory
    # layout, and the last bits of accumulated grads are the same every run.
    return self._gv_seq


Value.__hash__ = _hash

# --------------------------------------------------------------------------
# Graph snapshot -> gradviz JSON
# --------------------------------------------------------------------------


def _num(x):
    x = float(x)
    if math.isfinite(x):
        return x
    # JSON has no NaN/Infinity; spell them as strings (gradviz errors on
    # non-finite values by default anyway, SPEC §3).
    return "NaN" if math.isnan(x) else ("Infinity" if x > 0 else "-Infinity")


def snapshot(root):
    """The graph of `root` (root and all ancestors) as a gradviz JSON object,
    with data and grad as they are now."""
    if not isinstance(root, Value):
        raise TypeError(f"draw_dot expects a Value, got {type(root).__name__}")
    seen = {}
    stack = [root]
    while stack:                          # iterative: deep chains are fine
        v = stack.pop()
        if id(v) in seen:
            continue
        seen[id(v)] = v
        stack.extend(v._children)
    order = sorted(seen.values(), key=lambda v: v._gv_seq)
    new_id = {id(v): i for i, v in enumerate(order)}
    nodes = [{
        "id": new_id[id(v)],
        "label": v.label,
        "op": v._op if v._op else None,
        "data": _num(v.data),
        "grad": _num(v.grad),
    } for v in order]
    edges = []
    for v in order:
        for pos, child in enumerate(v._children):
            edges.append({"from": new_id[id(child)], "to": new_id[id(v)],
                          "operand": pos})
    edges.sort(key=lambda e: (e["to"], e["operand"]))
    return {"nodes": nodes, "edges": edges}


def draw_dot(root):
    """Script-visible stand-in for the lecture's draw_dot: records a diagram
    of `root`'s graph as it is at this line."""
    _state["snapshots"].append(snapshot(root))
    return None


# --------------------------------------------------------------------------
# Execution with auto labels
# --------------------------------------------------------------------------
#
# The rule (SPEC §4 "a value takes the name it was assigned to at top level
# or in a function"; README.md "Auto labels"): the script's AST is rewritten
# so that right after every Assign / AugAssign / AnnAssign-with-a-value
# statement, wherever it is in the script's own code (top level, function
# and method bodies, class bodies, loop / if / try / with bodies), a hidden
# call
#     __gv_assigned__(TOP, 'n1', n1, 'n2', n2, ...)
# is run with every plain-Name target of the statement in target order
# (`a = b = v` -> a, b; `a, (b, c) = ...` -> a, b, c; starred names are
# skipped: they bind lists).  Each name whose value is a Value with label ''
# gets that name as its label.  TOP is True for code outside any def /
# lambda / class body; only such statements update "the last assigned Value"
# (the fallback diagram).  Attribute and subscript targets, for-loop,
# comprehension, with/except/import targets and walrus (:=) targets are not
# assignments here; code outside the script (micrograd.nn) is untouched.

_HOOK = "__gv_assigned__"


def _target_names(t):
    """Plain names bound by an assignment target, in order (through tuple /
    list unpacking; not starred, attribute or subscript targets)."""
    if isinstance(t, ast.Name):
        return [t.id]
    if isinstance(t, (ast.Tuple, ast.List)):
        out = []
        for e in t.elts:
            out.extend(_target_names(e))
        return out
    return []


class _AutoLabel(ast.NodeTransformer):
    """Insert the hidden `__gv_assigned__` call after each assignment."""

    def __init__(self):
        self.depth = 0          # how many def / class bodies we are inside

    def _scope(self, node):
        self.depth += 1
        try:
            self.generic_visit(node)
        finally:
            self.depth -= 1
        return node

    visit_FunctionDef = _scope
    visit_AsyncFunctionDef = _scope
    visit_ClassDef = _scope
    visit_Lambda = _scope

    def _hook(self, node, names):
        node = self.generic_visit(node)
        if not names:
            return node
        args = [ast.Constant(self.depth == 0)]
        for n in names:
            args.append(ast.Constant(n))
            args.append(ast.Name(id=n, ctx=ast.Load()))
        call = ast.Expr(ast.Call(func=ast.Name(id=_HOOK, ctx=ast.Load()),
                                 args=args, keywords=[]))
        # the hidden call carries the assignment's position, so every line
        # number (tracebacks, f_lineno) stays the script's own
        for sub in ast.walk(call):
            ast.copy_location(sub, node)
        return [node, call]

    def visit_Assign(self, node):
        names = []
        for t in node.targets:
            names.extend(_target_names(t))
        return self._hook(node, names)

    def visit_AugAssign(self, node):
        return self._hook(node, _target_names(node.target)
                          if isinstance(node.target, ast.Name) else [])

    def visit_AnnAssign(self, node):
        if node.value is None:              # `x: int` binds nothing
            return self.generic_visit(node)
        return self._hook(node, _target_names(node.target)
                          if isinstance(node.target, ast.Name) else [])


def run(path, argv, auto_labels=True):
    with open(path, encoding="utf-8") as f:
        source = f.read()
    tree = ast.parse(source, filename=path)
    tree = ast.fix_missing_locations(_AutoLabel().visit(tree))
    last = {"assigned": None}

    def assigned(top, *pairs):
        for i in range(0, len(pairs), 2):
            name, v = pairs[i], pairs[i + 1]
            if isinstance(v, Value):
                if top:
                    last["assigned"] = v
                if auto_labels and v.label == '':
                    v.label = name

    g = {"__name__": "__main__", "__file__": os.path.abspath(path),
         "__builtins__": __builtins__, "draw_dot": draw_dot, _HOOK: assigned}
    sys.argv = [path] + list(argv)
    code = compile(tree, path, "exec")
    with contextlib.redirect_stdout(sys.stderr):   # script prints -> stderr
        exec(code, g)
    if _state["snapshots"]:
        return _state["snapshots"]
    root = _state["last_backward_root"] or last["assigned"]
    if root is None:
        return None
    return [snapshot(root)]


def main(args):
    auto = True
    rest = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--no-auto-labels" and not rest:
            auto = False
        elif a == "--lecture-tanh" and not rest:
            _state["lecture_tanh"] = True
        elif a in ("-h", "--help") and not rest:
            print(__doc__)
            return 0
        else:
            rest = args[i:]
            break
        i += 1
    if not rest:
        print("usage: micrograd_json.py [--no-auto-labels] [--lecture-tanh] SCRIPT.py [ARGS...]",
              file=sys.stderr)
        return 2
    try:
        diagrams = run(rest[0], rest[1:], auto_labels=auto)
    except SystemExit:
        raise
    except BaseException:
        traceback.print_exc(file=sys.stderr)
        return 1
    if diagrams is None:
        print("micrograd_json: no graph: no draw_dot call, no .backward() "
              "and no statement assigned a Value", file=sys.stderr)
        return 1
    doc = diagrams[0] if len(diagrams) == 1 else diagrams
    sys.stdout.write(json.dumps(doc, separators=(",", ":"), allow_nan=False))
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
