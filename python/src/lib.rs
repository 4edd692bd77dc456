//! The Rust half of the `gradviz` Python package. The Python half
//! (`gradviz/__init__.py`) traces any micrograd-style value into flat lists;
//! here they become a gradviz `Graph`, and the renderers of the command
//! line draw it: the same DOT, SVG and PNG, byte for byte, for the same
//! graph. No system Graphviz: the layout runs in-process.

mod value;

use std::io::Write;
use std::path::{Path, PathBuf};

use gradviz::render::png::{PngSize, to_png_sized};
use gradviz::render::steps::backprop_frames;
use gradviz::render::svg::{Engine, check_layout_size, to_svg_until, to_svg_within};
use gradviz::render::viewer::{Slide, viewer_page};
use gradviz::render::{DotOptions, RankDir, View, to_dot, to_json, to_shape};
use gradviz::{Exponent, Graph, Op, ValueId};
use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

/// The most values the embedded layout engine draws (as the CLI's
/// `--max-layout-nodes` default).
const MAX_LAYOUT_VALUES: usize = 2_500;
/// Seconds a layout may take.
const LAYOUT_TIMEOUT: u64 = 60;

/// A diagram of a value and everything it was computed from: DOT, JSON,
/// shape text, SVG, PNG or the interactive page, and inline in Jupyter.
#[pyclass(unsendable, module = "gradviz")]
pub struct Diagram {
    graph: Graph,
    root: ValueId,
    options: DotOptions,
}

/// micrograd's `_op` as a gradviz op: `+`, `*`, `**k`, `tanh`, `exp`,
/// `ReLU`.
pub(crate) fn parse_op(op: &str) -> PyResult<Op> {
    Ok(match op {
        "+" => Op::Add,
        "*" => Op::Mul,
        "tanh" => Op::Tanh,
        "exp" => Op::Exp,
        "ReLU" | "relu" => Op::Relu,
        _ => match op.strip_prefix("**") {
            Some(k) => Op::Pow(match k.parse::<i64>() {
                Ok(i) => Exponent::Int(i),
                Err(_) => Exponent::Float(k.parse::<f64>().map_err(|_| {
                    PyValueError::new_err(format!("the op {op:?} has no number after `**`"))
                })?),
            }),
            None => {
                return Err(PyValueError::new_err(format!(
                    "the op {op:?} is not one gradviz draws: +, *, **k, tanh, exp, ReLU"
                )));
            }
        },
    })
}

/// Builds the diagram from a traced graph: node `i` has op `ops[i]` (`""`
/// for a leaf) over the earlier nodes `operands[i]`, with its data, grad
/// and label; the last node is the root.
#[pyfunction]
#[pyo3(signature = (ops, operands, data, grad, labels, *, rankdir, view, chain_rule, color, highlight, collapse))]
#[allow(clippy::too_many_arguments)]
fn _build(
    ops: Vec<String>,
    operands: Vec<Vec<usize>>,
    data: Vec<f64>,
    grad: Vec<f64>,
    labels: Vec<String>,
    rankdir: &str,
    view: Option<&str>,
    chain_rule: bool,
    color: bool,
    highlight: Vec<String>,
    collapse: bool,
) -> PyResult<Diagram> {
    let n = ops.len();
    if n == 0 || [operands.len(), data.len(), grad.len(), labels.len()] != [n; 4] {
        return Err(PyValueError::new_err("a traced graph of mismatched parts"));
    }
    let options = dot_options(rankdir, view, chain_rule, color, highlight, collapse)?;
    let graph = Graph::new();
    let mut ids: Vec<ValueId> = Vec::with_capacity(n);
    for i in 0..n {
        let label = (!labels[i].is_empty()).then_some(labels[i].as_str());
        let id = if ops[i].is_empty() {
            graph.leaf(data[i], label)
        } else {
            let op = parse_op(&ops[i])?;
            let args: Vec<ValueId> = match (op.arity(), operands[i].as_slice()) {
                // micrograd keeps its children in a set: `a + a` has one.
                (2, [a]) => vec![ids[*a], ids[*a]],
                (k, args) if args.len() == k && args.iter().all(|a| *a < i) => {
                    args.iter().map(|a| ids[*a]).collect()
                }
                (k, args) => {
                    return Err(PyValueError::new_err(format!(
                        "a value with op {:?} has {} children, not {k}",
                        ops[i],
                        args.len()
                    )));
                }
            };
            let id = graph.apply(op, &args);
            // What the object holds, not a recomputation: the user may have
            // changed its data since (the lecture nudges `a.data`).
            graph.set_data(id, data[i]);
            graph.set_label(id, label);
            id
        };
        graph.set_grad(id, grad[i]);
        ids.push(id);
    }
    Ok(Diagram {
        root: ids[n - 1],
        graph,
        options,
    })
}

/// The diagram of a `gradviz.Value`: its nodes in creation order, as the
/// command line numbers a script's.
#[pyfunction]
#[pyo3(signature = (root, *, rankdir, view, chain_rule, color, highlight, collapse))]
#[allow(clippy::too_many_arguments)]
fn _draw_value(
    root: PyRef<'_, value::PyValue>,
    rankdir: &str,
    view: Option<&str>,
    chain_rule: bool,
    color: bool,
    highlight: Vec<String>,
    collapse: bool,
) -> PyResult<Diagram> {
    let options = dot_options(rankdir, view, chain_rule, color, highlight, collapse)?;
    let (graph, root) = value::to_graph(&root.node);
    Ok(Diagram {
        graph,
        root,
        options,
    })
}

/// `draw_dot`'s options, checked.
fn dot_options(
    rankdir: &str,
    view: Option<&str>,
    chain_rule: bool,
    color: bool,
    highlight: Vec<String>,
    collapse: bool,
) -> PyResult<DotOptions> {
    let rankdir: RankDir = rankdir.parse().map_err(PyValueError::new_err)?;
    let view = match view {
        None => None,
        Some("forward") => Some(View::Forward),
        Some("backward") => Some(View::Backward),
        Some(other) => {
            return Err(PyValueError::new_err(format!(
                "view={other:?}: expected 'forward', 'backward' or None"
            )));
        }
    };
    Ok(DotOptions {
        rankdir,
        view,
        edge_grads: chain_rule,
        color,
        highlight,
        frame: None,
        collapse,
    })
}

fn render_err(e: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(e.to_string())
}

#[pymethods]
impl Diagram {
    /// The Graphviz DOT, as `gradviz render` writes it.
    fn dot(&self) -> String {
        to_dot(&self.graph, self.root, &self.options)
    }

    /// The graph as JSON data: nodes (id, label, op, data, grad) and edges.
    fn json(&self) -> String {
        to_json(&self.graph, self.root)
    }

    /// The graph's shape as text (ops, labels, structure; no numbers), for
    /// snapshot tests.
    fn shape(&self) -> String {
        to_shape(&self.graph, self.root)
    }

    /// The diagram as SVG, laid out in-process.
    fn svg(&self) -> PyResult<String> {
        check_layout_size(self.graph.len(), MAX_LAYOUT_VALUES).map_err(render_err)?;
        to_svg_within(&self.dot(), Engine::Embedded, LAYOUT_TIMEOUT).map_err(render_err)
    }

    /// The diagram as PNG bytes: `scale` 1.0 is 96 dpi; by default 2.0, at
    /// most 4,096 px wide.
    #[pyo3(signature = (scale = None))]
    fn png<'py>(&self, py: Python<'py>, scale: Option<f32>) -> PyResult<Bound<'py, PyBytes>> {
        let size = scale.map_or(PngSize::Default, PngSize::Scale);
        let bytes = to_png_sized(&self.svg()?, size).map_err(render_err)?;
        Ok(PyBytes::new(py, &bytes))
    }

    /// The interactive page: pan, zoom, hover for numbers and the chain
    /// rule, search; self-contained (no network).
    fn html(&self) -> PyResult<String> {
        let svg = self.svg()?;
        let slide = Slide {
            svg: &svg,
            caption: &[],
            focus: None,
        };
        Ok(viewer_page("gradviz", &self.graph, self.root, &[slide]))
    }

    /// The step-by-step backprop player for this diagram's root, as one
    /// self-contained page (what `gradviz steps` writes as index.html):
    /// one frame per chain-rule step, all laid out alike.
    fn steps_html(&self) -> PyResult<String> {
        check_layout_size(self.graph.len(), MAX_LAYOUT_VALUES).map_err(render_err)?;
        let frames = backprop_frames(&self.graph, self.root, &self.options);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(LAYOUT_TIMEOUT);
        let svgs = frames
            .iter()
            .map(|f| to_svg_until(&f.dot, Engine::Embedded, deadline, LAYOUT_TIMEOUT))
            .collect::<Result<Vec<String>, _>>()
            .map_err(render_err)?;
        let slides: Vec<Slide<'_>> = frames
            .iter()
            .zip(&svgs)
            .map(|(f, svg)| Slide {
                svg,
                caption: &f.caption,
                focus: f.current.as_deref(),
            })
            .collect();
        Ok(viewer_page(
            "Backpropagation, step by step",
            &self.graph,
            self.root,
            &slides,
        ))
    }

    /// Jupyter shows the SVG inline.
    fn _repr_svg_(&self) -> PyResult<String> {
        self.svg()
    }

    /// Jupyter's PNG, for front ends without SVG.
    fn _repr_png_<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        self.png(py, None)
    }

    /// Writes the diagram to `path`, the format from its extension (`.dot`,
    /// `.gv`, `.json`, `.txt` for the shape, `.svg`, `.png`, `.html`):
    /// atomically, as the command line does (a temporary file beside it,
    /// renamed into place).
    fn save(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let bytes: Vec<u8> = match ext.as_deref() {
            Some("dot" | "gv") => self.dot().into_bytes(),
            Some("json") => self.json().into_bytes(),
            Some("txt") => self.shape().into_bytes(),
            Some("svg") => self.svg()?.into_bytes(),
            Some("png") => self.png(py, None)?.as_bytes().to_vec(),
            Some("html" | "htm") => self.html()?.into_bytes(),
            _ => {
                return Err(PyValueError::new_err(format!(
                    "cannot tell the format of {}: use .dot, .gv, .json, .txt, .svg, .png or .html",
                    path.display()
                )));
            }
        };
        write_atomically(&path, &bytes)
            .map_err(|e| PyOSError::new_err(format!("cannot write {}: {e}", path.display())))
    }

    fn __repr__(&self) -> String {
        format!(
            "<gradviz.Diagram of {} values>",
            self.graph.ancestors(self.root).len()
        )
    }
}

/// A temporary file beside `path`, renamed over it: never a partial file.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".gradviz-")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map(|_| ()).map_err(|e| e.error)
}

/// The extension module `gradviz._gradviz`.
#[pymodule]
fn _gradviz(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Diagram>()?;
    m.add_class::<value::PyValue>()?;
    m.add_function(wrap_pyfunction!(_build, m)?)?;
    m.add_function(wrap_pyfunction!(_draw_value, m)?)?;
    Ok(())
}
