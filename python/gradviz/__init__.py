"""gradviz: the lecture's ``draw_dot`` for any micrograd-style value, laid
out in-process (no Graphviz to install).

>>> from micrograd.engine import Value            # or the lecture's own class
>>> from gradviz import draw_dot
>>> a = Value(2.0); b = a * a; b.backward()
>>> draw_dot(b)                                    # shows inline in Jupyter
<gradviz.Diagram of 2 values>

``draw_dot`` follows ``_prev`` and reads ``_op``, ``data``, ``grad`` and
``label`` when present, exactly as the lecture's ``trace`` does. The
diagram it returns renders with the same code as the ``gradviz`` command
line: ``.svg()``, ``.png()``, ``.dot()``, ``.json()``, ``.shape()``,
``.html()`` and ``.save(path)``.
"""

from ._gradviz import Diagram, Value, _build, _draw_value

__all__ = ["Diagram", "Page", "Value", "draw_dot", "nn", "steps", "viewer"]

#: The most values ``draw_dot`` traces (as the command line's --max-nodes).
MAX_VALUES = 5_000_000


def draw_dot(
    root,
    *,
    rankdir="LR",
    view=None,
    chain_rule=False,
    color=False,
    highlight=(),
    collapse=False,
):
    """The diagram of ``root`` and every value it was computed from.

    ``rankdir``: ``"LR"`` (left to right, as the lecture) or ``"TB"``,
    ``"RL"``, ``"BT"``. ``view``: ``"forward"`` (data only), ``"backward"``
    (data and grad) or ``None`` (backward once any gradient is non-zero).
    ``chain_rule`` writes each edge's local derivative and the gradient it
    carries; ``color`` fills values by gradient; ``highlight`` outlines the
    values with these labels; ``collapse`` draws each innermost cluster as
    one box (clusters come from gradviz's own values only).
    """
    if isinstance(highlight, str):
        highlight = (highlight,)
    options = dict(
        rankdir=str(rankdir),
        view=view,
        chain_rule=bool(chain_rule),
        color=bool(color),
        highlight=[str(h) for h in highlight],
        collapse=bool(collapse),
    )
    if isinstance(root, Value):
        # gradviz's own values: in creation order, as the command line.
        return _draw_value(root, **options)
    ops, operands, data, grad, labels = _trace(root)
    return _build(ops, operands, data, grad, labels, **options)


def steps(root, *, rankdir="LR", chain_rule=False):
    """The step-by-step backprop player for ``root``: one frame per
    chain-rule step of a fresh backward pass (``root``'s own grads are not
    changed), all laid out alike, in the interactive viewer. Shows inline
    in Jupyter; ``.save("steps.html")`` writes the page."""
    return Page(draw_dot(root, rankdir=rankdir, chain_rule=chain_rule).steps_html())


def viewer(root, **options):
    """``root``'s diagram in the interactive viewer (pan, zoom, hover for
    the numbers and the chain rule, search), inline in Jupyter;
    ``.save("graph.html")`` writes the page. Takes ``draw_dot``'s options.
    (``draw_dot`` itself shows the plain SVG, which every notebook viewer
    renders, GitHub's included.)"""
    return Page(draw_dot(root, **options).html())


class Page:
    """A viewer page (``steps``, ``viewer``): ``.html()`` is the page,
    ``.save(path)`` writes it, and Jupyter shows it in a frame of the
    notebook."""

    def __init__(self, page):
        self._page = page

    def html(self):
        """The page: self-contained HTML, no network."""
        return self._page

    def save(self, path):
        """Writes the page to ``path``, atomically."""
        import os
        import tempfile

        path = os.fspath(path)
        folder = os.path.dirname(path) or "."
        fd, tmp = tempfile.mkstemp(prefix=".gradviz-", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(self._page)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise

    def _repr_html_(self):
        import html

        # The page is a whole document: in a frame, its styles and script
        # stay out of the notebook's.
        return (
            '<iframe style="width: 100%; height: 640px; border: 1px solid #ddd" '
            f'srcdoc="{html.escape(self._page, quote=True)}"></iframe>'
        )

    def __repr__(self):
        return f"<gradviz.Page of {len(self._page)} characters>"


def _number(value, what, obj):
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TypeError(
            f"draw_dot needs micrograd-style values: the {what} of {_name(obj)} "
            f"is {type(value).__name__} {value!r}, not a number"
        ) from None


def _name(obj):
    label = getattr(obj, "label", "")
    return f"{type(obj).__name__} {label!r}" if label else type(obj).__name__


def _children(obj, height):
    prev = getattr(obj, "_prev", ())
    try:
        children = list(prev)
    except TypeError:
        raise TypeError(
            f"draw_dot needs micrograd-style values: _prev of {_name(obj)} is "
            f"{type(prev).__name__}, not a collection of values"
        ) from None
    if isinstance(prev, (set, frozenset)):
        # A set keeps no order (micrograd keeps children in one): sort them,
        # so that the same graph draws the same every run, the deeper first —
        # in `a*b + 1.0` the product was made before the constant — then by
        # label, op and numbers.
        children.sort(key=lambda c: (-height.get(id(c), 0), *_key(c)))
    return children


def _key(obj):
    data = getattr(obj, "data", 0.0)
    grad = getattr(obj, "grad", 0.0)
    try:
        numbers = (float(data), float(grad))
    except (TypeError, ValueError):
        numbers = (0.0, 0.0)
    return (str(getattr(obj, "label", "")), str(getattr(obj, "_op", "")), numbers)


def _heights(root):
    """How deep each value's history goes (leaves 0), by id; checks that
    every value looks like one and that no value depends on itself."""
    height = {}
    on_path = set()
    keep = []  # the objects, alive while their ids are used
    stack = [(root, False)]
    while stack:
        obj, done = stack.pop()
        key = id(obj)
        if done:
            on_path.discard(key)
            prev = getattr(obj, "_prev", ())
            height[key] = 1 + max((height[id(c)] for c in prev), default=-1)
            continue
        if key in height:
            continue
        if key in on_path:
            raise ValueError(
                f"the graph has a cycle through {_name(obj)}: a value cannot "
                "depend on itself"
            )
        if not hasattr(obj, "data"):
            raise TypeError(
                f"draw_dot needs micrograd-style values: {type(obj).__name__} "
                "in _prev has no .data"
            )
        if len(keep) >= MAX_VALUES:
            raise ValueError(f"the graph has more than {MAX_VALUES} values")
        on_path.add(key)
        keep.append(obj)
        stack.append((obj, True))
        prev = getattr(obj, "_prev", ())
        try:
            children = list(prev)
        except TypeError:
            raise TypeError(
                f"draw_dot needs micrograd-style values: _prev of {_name(obj)} is "
                f"{type(prev).__name__}, not a collection of values"
            ) from None
        for child in children:
            if id(child) in on_path:
                raise ValueError(
                    f"the graph has a cycle through {_name(child)}: a value "
                    "cannot depend on itself"
                )
            stack.append((child, False))
    return height, keep


def _trace(root):
    """Every value ``root`` depends on, children before parents (the order
    gradviz numbers them in), as flat lists; the root is last."""
    if not hasattr(root, "data"):
        raise TypeError(
            "draw_dot needs a micrograd-style value (an object with .data, and "
            f"._prev for what it was computed from), not {type(root).__name__}"
        )
    height, _keep = _heights(root)
    index = {}  # id(obj) -> position in the lists
    ops, operands, data, grad, labels = [], [], [], [], []
    stack = [(root, None)]
    while stack:
        obj, children = stack.pop()
        if children is None:
            if id(obj) in index:
                continue
            children = _children(obj, height)
            stack.append((obj, children))
            stack.extend((child, None) for child in reversed(children))
            continue
        if id(obj) in index:
            continue
        index[id(obj)] = len(ops)
        op = getattr(obj, "_op", "") or ""
        ops.append(str(op))
        operands.append([index[id(c)] for c in children])
        data.append(_number(obj.data, "data", obj))
        grad.append(_number(getattr(obj, "grad", 0.0), "grad", obj))
        label = getattr(obj, "label", "")
        labels.append("" if label is None else str(label))
    return ops, operands, data, grad, labels


from . import nn  # noqa: E402  (nn builds on Value)
