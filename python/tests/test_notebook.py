"""The notebook `python/notebooks/lecture.ipynb`, written like the lecture
(its own `Value` class, then `from gradviz import draw_dot`), executed
headless with nbclient and ipykernel: every `draw_dot` cell shows an SVG with
the labels it should."""

import re
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "lecture.ipynb"


def test_every_draw_dot_cell_shows_its_diagram(tmp_path):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    expected = [
        ({"a", "b", "c", "d", "e", "f", "L"}, "data 2.0000", None),
        ({"a", "b", "L"}, "grad -2.0000", "grad 6.0000"),
        ({"x1", "w1", "x2", "w2", "b", "n", "o"}, "grad 0.5000", "∂o/∂n = 0.5000"),
    ]
    shown = []
    for cell in nb.cells:
        if cell.cell_type != "code" or not cell.source.rstrip().splitlines()[-1].startswith("draw_dot("):
            continue
        svgs = [o["data"]["image/svg+xml"] for o in cell.outputs if o.get("output_type") == "execute_result" and "image/svg+xml" in o.get("data", {})]
        assert len(svgs) == 1, f"no SVG for cell:\n{cell.source}\n{cell.outputs}"
        shown.append(svgs[0])
    assert len(shown) == len(expected)
    for svg, (labels, text, more) in zip(shown, expected):
        texts = {t.replace("&#45;", "-") for t in re.findall(r">([^<>]+)</text>", svg)}
        assert labels <= texts, f"labels {labels - texts} missing from {sorted(texts)}"
        assert any(text in t for t in texts), f"{text!r} not in {sorted(texts)}"
        if more:
            assert any(more in t for t in texts), f"{more!r} not in {sorted(texts)}"
