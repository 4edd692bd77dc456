//! `gradviz.Value`: micrograd's `Value` on gradviz's ops. The values form a
//! tree of reference-counted nodes, freed as Python frees the objects that
//! hold them (as micrograd's are); each op's forward and derivative are the
//! engine's own (`gradviz::Op::forward`, `Op::local_grads`), and backward
//! runs in Rust. `draw_dot` turns a value into a gradviz `Graph` in creation
//! order: the same diagram, byte for byte, as `gradviz render` of the same
//! program.

use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::rc::Rc;

use gradviz::{Exponent, Graph, Op, ValueId};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyFloat, PySet};

thread_local! {
    /// The creation number of the next value.
    static SERIAL: Cell<u64> = const { Cell::new(0) };
}

/// One value: its number, gradient, the op that made it from its operands
/// (in order), its label and when it was made.
pub struct Node {
    data: Cell<f64>,
    grad: Cell<f64>,
    op: Option<Op>,
    operands: Vec<Rc<Node>>,
    label: RefCell<String>,
    serial: u64,
}

impl Node {
    fn new(data: f64, op: Option<Op>, operands: Vec<Rc<Node>>) -> Rc<Node> {
        let serial = SERIAL.with(|s| {
            let n = s.get();
            s.set(n + 1);
            n
        });
        Rc::new(Node {
            data: Cell::new(data),
            grad: Cell::new(0.0),
            op,
            operands,
            label: RefCell::new(String::new()),
            serial,
        })
    }

    fn leaf(data: f64) -> Rc<Node> {
        Node::new(data, None, Vec::new())
    }

    /// The result of `op` on `operands`, computed by the engine's op.
    fn apply(op: Op, operands: Vec<Rc<Node>>) -> Rc<Node> {
        let a = operands[0].data.get();
        let b = operands.get(1).map_or(0.0, |o| o.data.get());
        Node::new(op.forward(a, b), Some(op), operands)
    }
}

impl Drop for Node {
    /// Frees a long chain without recursing once per link (a training
    /// loop's graph is thousands deep; recursion would overflow the stack).
    fn drop(&mut self) {
        let mut stack = std::mem::take(&mut self.operands);
        while let Some(node) = stack.pop() {
            if let Ok(mut node) = Rc::try_unwrap(node) {
                stack.append(&mut node.operands);
            }
        }
    }
}

/// `root` and every node it was computed from, children before parents
/// (micrograd's topological order: depth first, operands in order).
fn topological(root: &Rc<Node>) -> Vec<Rc<Node>> {
    let mut order = Vec::new();
    let mut seen: HashSet<*const Node> = HashSet::new();
    let mut stack: Vec<(Rc<Node>, bool)> = vec![(root.clone(), false)];
    while let Some((node, done)) = stack.pop() {
        if done {
            order.push(node);
            continue;
        }
        if !seen.insert(Rc::as_ptr(&node)) {
            continue;
        }
        stack.push((node.clone(), true));
        for child in node.operands.iter().rev() {
            if !seen.contains(&Rc::as_ptr(child)) {
                stack.push((child.clone(), false));
            }
        }
    }
    order
}

/// micrograd's `Value`, on gradviz's engine: `+ - * / **`, `relu`,
/// `tanh`, `exp`, `backward`, and `data`, `grad`, `label`, `_op`, `_prev`.
#[pyclass(unsendable, name = "Value", module = "gradviz")]
pub struct PyValue {
    pub(crate) node: Rc<Node>,
}

/// An operand: a `Value`, or a number made into a new leaf (as micrograd's
/// `other if isinstance(other, Value) else Value(other)`); `None` for
/// anything else (the operator then returns `NotImplemented`).
fn operand(other: &Bound<'_, PyAny>) -> Option<Rc<Node>> {
    if let Ok(v) = other.cast::<PyValue>() {
        return Some(v.borrow().node.clone());
    }
    other.extract::<f64>().ok().map(Node::leaf)
}

/// micrograd's `**` takes an int or a float exponent only.
fn exponent(k: &Bound<'_, PyAny>) -> PyResult<Exponent> {
    if let Ok(i) = k.extract::<i64>()
        && !k.is_instance_of::<PyFloat>()
    {
        return Ok(Exponent::Int(i));
    }
    if let Ok(x) = k.extract::<f64>()
        && k.is_instance_of::<PyFloat>()
    {
        return Ok(Exponent::Float(x));
    }
    Err(PyTypeError::new_err(
        "only supporting int/float powers for now",
    ))
}

fn wrap(node: Rc<Node>) -> PyValue {
    PyValue { node }
}

impl PyValue {
    fn binary(&self, op: Op, other: &Bound<'_, PyAny>) -> Option<PyValue> {
        let other = operand(other)?;
        Some(wrap(Node::apply(op, vec![self.node.clone(), other])))
    }

    fn neg_node(node: &Rc<Node>) -> Rc<Node> {
        Node::apply(Op::Mul, vec![node.clone(), Node::leaf(-1.0)])
    }
}

#[pymethods]
impl PyValue {
    #[new]
    #[pyo3(signature = (data, _children = None, _op = "", label = ""))]
    fn py_new(
        data: f64,
        _children: Option<Vec<PyRef<'_, PyValue>>>,
        _op: &str,
        label: &str,
    ) -> PyResult<Self> {
        let operands: Vec<Rc<Node>> = _children
            .unwrap_or_default()
            .iter()
            .map(|c| c.node.clone())
            .collect();
        let op = if _op.is_empty() {
            None
        } else {
            Some(crate::parse_op(_op)?)
        };
        let node = Node::new(data, op, operands);
        *node.label.borrow_mut() = label.to_string();
        Ok(wrap(node))
    }

    /// The value's number.
    #[getter]
    fn data(&self) -> f64 {
        self.node.data.get()
    }

    #[setter]
    fn set_data(&self, data: f64) {
        self.node.data.set(data);
    }

    /// The derivative of the last `backward()`'s root with respect to this
    /// value (accumulated, as micrograd's).
    #[getter]
    fn grad(&self) -> f64 {
        self.node.grad.get()
    }

    #[setter]
    fn set_grad(&self, grad: f64) {
        self.node.grad.set(grad);
    }

    /// The name drawn in the diagram.
    #[getter]
    fn label(&self) -> String {
        self.node.label.borrow().clone()
    }

    #[setter]
    fn set_label(&self, label: String) {
        *self.node.label.borrow_mut() = label;
    }

    /// The op that made the value, as micrograd writes it (`''` for a leaf).
    #[getter]
    fn _op(&self) -> String {
        self.node.op.map(|o| o.name()).unwrap_or_default()
    }

    /// The operands, as a set (as micrograd's).
    #[getter]
    fn _prev<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PySet>> {
        let set = PySet::empty(py)?;
        for o in &self.node.operands {
            set.add(Bound::new(py, wrap(o.clone()))?)?;
        }
        Ok(set)
    }

    fn __hash__(&self) -> isize {
        Rc::as_ptr(&self.node) as isize
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PyValue>()
            .is_ok_and(|o| Rc::ptr_eq(&o.borrow().node, &self.node))
    }

    fn __add__(&self, other: &Bound<'_, PyAny>) -> Option<PyValue> {
        self.binary(Op::Add, other)
    }

    fn __radd__(&self, other: &Bound<'_, PyAny>) -> Option<PyValue> {
        self.binary(Op::Add, other)
    }

    fn __mul__(&self, other: &Bound<'_, PyAny>) -> Option<PyValue> {
        self.binary(Op::Mul, other)
    }

    fn __rmul__(&self, other: &Bound<'_, PyAny>) -> Option<PyValue> {
        self.binary(Op::Mul, other)
    }

    fn __pow__(
        &self,
        other: &Bound<'_, PyAny>,
        _modulo: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyValue> {
        let k = exponent(other)?;
        Ok(wrap(Node::apply(Op::Pow(k), vec![self.node.clone()])))
    }

    fn __neg__(&self) -> PyValue {
        wrap(PyValue::neg_node(&self.node))
    }

    /// `self + (-other)`: a number is negated in Python (one leaf), a
    /// value by `* -1` (a leaf and a product).
    fn __sub__(&self, other: &Bound<'_, PyAny>) -> Option<PyValue> {
        let neg = if let Ok(v) = other.cast::<PyValue>() {
            PyValue::neg_node(&v.borrow().node)
        } else {
            Node::leaf(-other.extract::<f64>().ok()?)
        };
        Some(wrap(Node::apply(Op::Add, vec![self.node.clone(), neg])))
    }

    /// `other + (-self)`: the negation first, then the number as a leaf.
    fn __rsub__(&self, other: &Bound<'_, PyAny>) -> Option<PyValue> {
        let x = other.extract::<f64>().ok()?;
        let neg = PyValue::neg_node(&self.node);
        Some(wrap(Node::apply(Op::Add, vec![neg, Node::leaf(x)])))
    }

    /// `self * other**-1` (a number's power is taken in Python floats).
    fn __truediv__(&self, other: &Bound<'_, PyAny>) -> Option<PyValue> {
        let divisor = if let Ok(v) = other.cast::<PyValue>() {
            Node::apply(Op::Pow(Exponent::Int(-1)), vec![v.borrow().node.clone()])
        } else {
            Node::leaf(other.extract::<f64>().ok()?.powi(-1))
        };
        Some(wrap(Node::apply(Op::Mul, vec![self.node.clone(), divisor])))
    }

    /// `other * self**-1`.
    fn __rtruediv__(&self, other: &Bound<'_, PyAny>) -> Option<PyValue> {
        let x = other.extract::<f64>().ok()?;
        let inverse = Node::apply(Op::Pow(Exponent::Int(-1)), vec![self.node.clone()]);
        Some(wrap(Node::apply(Op::Mul, vec![inverse, Node::leaf(x)])))
    }

    /// `0 if data < 0 else data`.
    fn relu(&self) -> PyValue {
        wrap(Node::apply(Op::Relu, vec![self.node.clone()]))
    }

    /// The hyperbolic tangent (the lecture's op).
    fn tanh(&self) -> PyValue {
        wrap(Node::apply(Op::Tanh, vec![self.node.clone()]))
    }

    /// `e ** data` (the lecture's op).
    fn exp(&self) -> PyValue {
        wrap(Node::apply(Op::Exp, vec![self.node.clone()]))
    }

    /// Backpropagation from this value, as micrograd's: its grad is set to
    /// 1 and every value it depends on adds its share (grads accumulate:
    /// zero them between steps).
    fn backward(&self) {
        let order = topological(&self.node);
        self.node.grad.set(1.0);
        for node in order.iter().rev() {
            let Some(op) = node.op else { continue };
            let a = node.operands[0].data.get();
            let b = node.operands.get(1).map_or(0.0, |o| o.data.get());
            let local = op.local_grads(a, b, node.data.get());
            let g = node.grad.get();
            for (i, o) in node.operands.iter().enumerate() {
                o.grad.set(o.grad.get() + local[i] * g);
            }
        }
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let repr = |x: f64| -> PyResult<String> { Ok(PyFloat::new(py, x).repr()?.to_string()) };
        Ok(format!(
            "Value(data={}, grad={})",
            repr(self.node.data.get())?,
            repr(self.node.grad.get())?
        ))
    }
}

/// The gradviz graph of `root` and what it was computed from, nodes in
/// creation order (as the command line numbers a script's), and the root.
pub fn to_graph(root: &Rc<Node>) -> (Graph, ValueId) {
    let mut nodes = topological(root);
    nodes.sort_by_key(|n| n.serial);
    let graph = Graph::new();
    let mut ids: std::collections::HashMap<*const Node, ValueId> =
        std::collections::HashMap::with_capacity(nodes.len());
    for node in &nodes {
        let label = node.label.borrow();
        let label = (!label.is_empty()).then_some(label.as_str());
        let id = match node.op {
            None => graph.leaf(node.data.get(), label),
            Some(op) => {
                let args: Vec<ValueId> =
                    node.operands.iter().map(|o| ids[&Rc::as_ptr(o)]).collect();
                let id = graph.apply(op, &args);
                graph.set_data(id, node.data.get());
                graph.set_label(id, label);
                id
            }
        };
        graph.set_grad(id, node.grad.get());
        ids.insert(Rc::as_ptr(node), id);
    }
    let root = ids[&Rc::as_ptr(root)];
    (graph, root)
}
