"""gradviz's Python package against the command line and micrograd.

Run from a venv with the package and micrograd installed
(`pip install ./python micrograd pytest`); the command line is
`target/release/gradviz` (or $GRADVIZ_BIN). No Graphviz is needed: the
tests check that `dot` is not on PATH when GRADVIZ_REQUIRE_NO_DOT=1.
"""

import json
import math
import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

import gradviz
from gradviz import draw_dot

ROOT = Path(__file__).resolve().parents[2]
GRADVIZ = Path(os.environ.get("GRADVIZ_BIN", ROOT / "target" / "release" / "gradviz"))


class LectureValue:
    """The lecture's own Value, as typed in along with the video."""

    def __init__(self, data, _children=(), _op="", label=""):
        self.data = data
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = set(_children)
        self._op = _op
        self.label = label

    def __repr__(self):
        return f"Value(data={self.data})"

    def __add__(self, other):
        other = other if isinstance(other, LectureValue) else LectureValue(other)
        out = LectureValue(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += 1.0 * out.grad
            other.grad += 1.0 * out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, LectureValue) else LectureValue(other)
        out = LectureValue(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, other):
        out = LectureValue(self.data**other, (self,), f"**{other}")

        def _backward():
            self.grad += other * (self.data ** (other - 1)) * out.grad

        out._backward = _backward
        return out

    def __rmul__(self, other):
        return self * other

    def __radd__(self, other):
        return self + other

    def __truediv__(self, other):
        return self * other**-1

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def tanh(self):
        x = self.data
        t = (math.exp(2 * x) - 1) / (math.exp(2 * x) + 1)
        out = LectureValue(t, (self,), "tanh")

        def _backward():
            self.grad += (1 - t**2) * out.grad

        out._backward = _backward
        return out

    def exp(self):
        out = LectureValue(math.exp(self.data), (self,), "exp")

        def _backward():
            self.grad += out.data * out.grad

        out._backward = _backward
        return out

    def backward(self):
        topo, visited = [], set()

        def build(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build(child)
                topo.append(v)

        build(self)
        self.grad = 1.0
        for node in reversed(topo):
            node._backward()


NEURON = """
x1 = Value(2.0); x1.label = 'x1'
x2 = Value(0.0); x2.label = 'x2'
w1 = Value(-3.0); w1.label = 'w1'
w2 = Value(1.0); w2.label = 'w2'
b = Value(6.8813735870195432); b.label = 'b'
x1w1 = x1*w1; x1w1.label = 'x1*w1'
x2w2 = x2*w2; x2w2.label = 'x2*w2'
x1w1x2w2 = x1w1 + x2w2; x1w1x2w2.label = 'x1*w1 + x2*w2'
n = x1w1x2w2 + b; n.label = 'n'
e = (2*n).exp(); e.label = 'e'
o = (e - 1) / (e + 1); o.label = 'o'
o.backward()
"""


README = (ROOT / "fixtures" / "micrograd_readme.py").read_text().replace(
    "from micrograd.engine import Value\n", ""
)


def run_program(value_class, program=NEURON, root="o"):
    """Runs `program` with `Value` bound to `value_class`; returns `root`."""
    scope = {"Value": value_class, "print": lambda *a: None}
    exec(program, scope)
    return scope[root]


def cli(*args, script=NEURON):
    """`gradviz ARGS -` with the script on stdin: its stdout."""
    if not GRADVIZ.exists():
        pytest.skip(f"no gradviz binary at {GRADVIZ}")
    run = subprocess.run(
        [str(GRADVIZ), *args, "-"],
        input="from micrograd.engine import Value\n" + script,
        capture_output=True,
        text=True,
        check=True,
    )
    return run.stdout


def canonical(graph_json):
    """A graph's structure with its numbers, whatever the node numbering: each
    value's op, label, data, grad and its children's forms, sorted. Data is
    exact; grads to 12 significant digits: a value used three or more times
    sums its grad in the order micrograd's set of children iterates, which
    follows memory addresses — micrograd's own grads differ in the last bit
    from run to run (645.5772594752187 or …186 for the README's b.grad)."""
    g = json.loads(graph_json)
    nodes = {n["id"]: n for n in g["nodes"]}
    children = {i: [] for i in nodes}
    for e in g["edges"]:
        children[e["to"]].append(e["from"])
    memo = {}

    def form(i):
        if i not in memo:
            n = nodes[i]
            kids = sorted(form(c) for c in children[i])
            grad = n["grad"] if n["grad"] is None else f"{n['grad']:.12g}"
            memo[i] = f"{n['op']}({','.join(kids)})[{n['label']}|{n['data']!r}|{grad}]"
        return memo[i]

    root = max(nodes)
    return form(root), len(nodes)


def micrograd_value():
    return pytest.importorskip("micrograd.engine").Value


@pytest.mark.parametrize(
    "make, program, root",
    [
        # micrograd's Value has no tanh or exp: its README example.
        (micrograd_value, README, "g"),
        (lambda: LectureValue, NEURON, "o"),
    ],
    ids=["micrograd", "lecture"],
)
def test_the_same_graph_as_the_command_line(make, program, root):
    d = draw_dot(run_program(make(), program, root))
    ref = cli("render", "-f", "json", "--no-auto-labels", script=program)
    assert canonical(d.json()) == canonical(ref)
    # The same values in the same shape: as many nodes and edges in the DOT.
    dot = d.dot()
    ref = cli("render", "-f", "dot", "--no-auto-labels", script=program)
    assert dot.count("shape=record") == ref.count("shape=record")
    assert dot.count("->") == ref.count("->")
    assert dot.splitlines()[:4] == ref.splitlines()[:4]


def test_a_chain_is_byte_for_byte_the_command_lines():
    # With one child per value the order is known: the DOT is identical.
    script = "a = Value(0.5, label='a')\nb = a.tanh(); b.label = 'b'\nc = b.exp(); c.label = 'c'\nc.backward()\n"
    scope = {"Value": LectureValue}
    exec(script, scope)
    for options, flags in [({}, []), ({"rankdir": "TB"}, ["--rankdir", "TB"]), ({"chain_rule": True}, ["--chain-rule"])]:
        d = draw_dot(scope["c"], **options)
        assert d.dot() == cli("render", "-f", "dot", "--no-auto-labels", *flags, script=script)
        assert d.svg() == cli("render", "-f", "svg", "--no-auto-labels", *flags, script=script)


def test_svg_png_and_the_page_are_well_formed(tmp_path):
    d = draw_dot(run_program(LectureValue), color=True)
    svg = d._repr_svg_()
    assert svg.lstrip().startswith("<?xml") and svg.rstrip().endswith("</svg>")
    png = d._repr_png_()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(d.png(scale=1.0)) < len(d.png(scale=2.0))
    page = d.html()
    assert 'id="gv-search"' in page and "https://" not in page
    for name in ["o.svg", "o.png", "o.dot", "o.json", "o.txt", "o.html"]:
        d.save(tmp_path / name)
        assert (tmp_path / name).stat().st_size > 100
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".gradviz-")]
    assert (tmp_path / "o.svg").read_text() == svg


def test_shape_for_snapshot_tests():
    a = LectureValue(2.0, label="a")
    b = LectureValue(-3.0, label="b")
    o = (a * b + 1.0).tanh()
    o.label = "o"
    assert draw_dot(o).shape() == textwrap.dedent(
        """\
        v0 "a" = leaf
        v1 "b" = leaf
        v2 = v0 * v1
        v3 = leaf
        v4 = v2 + v3
        v5 "o" = tanh(v4)
        """
    )


def test_a_value_used_twice():
    a = LectureValue(3.0, label="a")
    b = a + a
    b.label = "b"
    b.backward()
    assert "n0 -> n1_op;\n  n0 -> n1_op;" in draw_dot(b).dot()


def test_errors_are_python_exceptions():
    with pytest.raises(TypeError, match="micrograd-style value"):
        draw_dot(3.0)
    a = LectureValue(1.0, label="a")
    b = a * 2.0
    a._prev = {b}
    with pytest.raises(ValueError, match="cycle"):
        draw_dot(b)
    odd = LectureValue(1.0, (LectureValue(2.0),), "sigmoid")
    with pytest.raises(ValueError, match="not one gradviz draws"):
        draw_dot(odd)
    with pytest.raises(ValueError, match="rankdir"):
        draw_dot(LectureValue(1.0), rankdir="XY")
    with pytest.raises(ValueError, match="view"):
        draw_dot(LectureValue(1.0), view="sideways")
    big = LectureValue(0.0)
    for _ in range(3000):
        big = big + 1.0
    d = draw_dot(big)
    assert d.dot().count("shape=record") == 6001
    with pytest.raises(ValueError, match="more than the embedded layout engine takes"):
        d.svg()
    with pytest.raises(ValueError, match="cannot tell the format"):
        draw_dot(LectureValue(1.0)).save("x.pdf")


def test_no_graphviz_needed():
    if os.environ.get("GRADVIZ_REQUIRE_NO_DOT") == "1":
        assert shutil.which("dot") is None, "these tests must run without Graphviz on PATH"
    assert gradviz.Diagram is type(draw_dot(LectureValue(1.0)))


def test_steps_page_plays_a_fresh_backward_pass(tmp_path):
    o = run_program(LectureValue)
    grads = o.grad
    s = gradviz.steps(o)
    page = s.html()
    # start, one frame per op node, done: the neuron with exp has 11 ops.
    assert page.count('<figure class="frame"') > 10
    assert 'id="play"' in page and "https://" not in page
    assert "chain rule at" in page
    assert o.grad == grads, "the objects' grads are left alone"
    s.save(tmp_path / "steps.html")
    assert (tmp_path / "steps.html").read_text() == page
    frame = s._repr_html_()
    assert frame.startswith("<iframe") and "&lt;figure" in frame
    v = gradviz.viewer(o, rankdir="TB")
    assert 'id="gv-search"' in v.html() and "prev" not in v.html().split("<main")[0]
    assert v._repr_html_().startswith("<iframe")


# ----- gradviz.Value and gradviz.nn ------------------------------------------

LABELLED = NEURON.replace("o.backward()", "o.backward()\nassert o.label == 'o'")


@pytest.mark.parametrize("program, root", [(README, "g"), (LABELLED, "o")], ids=["readme", "neuron"])
def test_gradviz_value_draws_byte_for_byte_as_the_command_line(program, root):
    value = run_program(gradviz.Value, program, root)
    for options, flags in [({}, []), ({"chain_rule": True, "color": True}, ["--chain-rule", "--color"])]:
        d = draw_dot(value, **options)
        assert d.dot() == cli("render", "-f", "dot", "--no-auto-labels", *flags, script=program)
    assert d.json() == cli("render", "-f", "json", "--no-auto-labels", script=program)
    assert d.svg() == cli("render", "-f", "svg", "--no-auto-labels", "--chain-rule", "--color", script=program)


def test_gradviz_value_has_micrographs_numbers_and_interface():
    Reference = micrograd_value()
    mine = run_program(gradviz.Value, README, "g")
    ref = run_program(Reference, README, "g")
    assert (mine.data, mine.grad) == (ref.data, ref.grad)
    assert repr(mine) == repr(ref).replace("grad=1)", "grad=1.0)")
    assert mine._op == ref._op == "+"
    assert len(mine._prev) == len(ref._prev) == 2
    x = gradviz.Value(3.0)
    assert (x - 1).data == 2.0 and (1 - x).data == -2.0 and (6 / x).data == 2.0 and (x / 2).data == 1.5
    assert (x ** 2)._op == "**2" and (x ** 0.5)._op == "**0.5"
    with pytest.raises(TypeError):
        x ** x
    assert x == x and x != gradviz.Value(3.0) and len({x, x}) == 1
    # A chain of a million values frees without overflowing the stack.
    y = x
    for _ in range(1_000_000):
        y = y + 1.0
    y.backward()
    assert x.grad == 1.0
    del y


def train(Value, nn, steps=5, seed=1337):
    """micrograd's demo in small: an MLP on four points, SGD with zero_grad."""
    import random

    random.seed(seed)
    model = nn.MLP(3, [4, 4, 1])
    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    ys = [1.0, -1.0, -1.0, 1.0]
    losses = []
    for _ in range(steps):
        ypred = [model(x) for x in xs]
        loss = sum((yout - ygt) ** 2 for ygt, yout in zip(ys, ypred))
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data += -0.05 * p.grad
        losses.append(loss.data)
    return losses, [p.data for p in model.parameters()]


def test_gradviz_nn_trains_as_microgrdas_nn():
    micrograd_nn = pytest.importorskip("micrograd.nn")
    ref_losses, ref_params = train(micrograd_value(), micrograd_nn)
    losses, params = train(gradviz.Value, gradviz.nn)
    # Gradients summed over several paths may add in another order than
    # micrograd's (its children are in a set): equal to the last few bits.
    assert losses == pytest.approx(ref_losses, rel=1e-12, abs=1e-15)
    assert params == pytest.approx(ref_params, rel=1e-12, abs=1e-15)
    assert len(params) == 41
    assert repr(gradviz.nn.MLP(3, [4, 1])).startswith("MLP of [Layer of [ReLUNeuron(3)")
