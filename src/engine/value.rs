//! `Value`: a small `Copy` handle to a node, with Rust's arithmetic operators
//! lowered exactly as micrograd's `engine.py` lowers Python's.

use std::fmt;
use std::ops::{Add, Div, Mul, Neg, Sub};

use super::graph::Graph;
use super::node::ValueId;
use super::op::{Exponent, Op};

/// A handle to a value node of a [`Graph`], used like micrograd's `Value`.
///
/// Arithmetic creates nodes the way micrograd does, so the same code gives a
/// graph of the same shape: a number operand becomes a constant leaf
/// (`a + 2.0` is `a + Value(2.0)`), `-a` is `a * -1`, `a - b` is `a + (-b)`,
/// `a / b` is `a * b**-1`, `a / 2.0` is `a * Value(0.5)`.
///
/// ```
/// use gradviz::Graph;
/// let g = Graph::new();
/// let a = g.value(-4.0);
/// let b = g.value(2.0);
/// let d = a * b + b.powi(3);
/// let e = 2.0 * d;
/// e.backward();
/// assert_eq!(e.data(), 0.0);
/// assert_eq!(a.grad(), 4.0);
/// ```
///
/// # Panics
/// Combining handles of two different graphs panics.
#[derive(Clone, Copy)]
pub struct Value<'g> {
    graph: &'g Graph,
    id: ValueId,
}

impl Graph {
    /// A new leaf with `data`, as a handle (`Value(data)` in micrograd).
    ///
    /// ```
    /// let g = gradviz::Graph::new();
    /// assert_eq!(g.value(4.0).data(), 4.0);
    /// ```
    pub fn value(&self, data: f64) -> Value<'_> {
        Value::new(self, self.leaf(data, None))
    }

    /// A handle for an existing node.
    ///
    /// ```
    /// let g = gradviz::Graph::new();
    /// let id = g.leaf(1.5, Some("x"));
    /// assert_eq!(g.handle(id).label(), "x");
    /// ```
    pub fn handle(&self, id: ValueId) -> Value<'_> {
        Value::new(self, id)
    }
}

impl<'g> Value<'g> {
    pub(crate) fn new(graph: &'g Graph, id: ValueId) -> Self {
        Value { graph, id }
    }

    /// The node's id.
    pub fn id(self) -> ValueId {
        self.id
    }

    /// The graph the value lives in.
    pub fn graph(self) -> &'g Graph {
        self.graph
    }

    /// The forward value (`v.data`).
    pub fn data(self) -> f64 {
        self.graph.data(self.id)
    }

    /// The gradient (`v.grad`).
    pub fn grad(self) -> f64 {
        self.graph.grad(self.id)
    }

    /// Sets the data (`v.data = x`).
    pub fn set_data(self, data: f64) {
        self.graph.set_data(self.id, data);
    }

    /// Sets the gradient (`v.grad = x`).
    pub fn set_grad(self, grad: f64) {
        self.graph.set_grad(self.id, grad);
    }

    /// The label, `""` when there is none.
    pub fn label(self) -> String {
        self.graph.node(self.id).label_str().to_string()
    }

    /// Sets the label (`v.label = 'x'`).
    pub fn set_label(self, label: &str) {
        self.graph.set_label(self.id, Some(label));
    }

    /// Sets the label and returns the handle (`Value(x, label='a')`).
    ///
    /// ```
    /// let g = gradviz::Graph::new();
    /// assert_eq!(g.value(2.0).with_label("a").label(), "a");
    /// ```
    pub fn with_label(self, label: &str) -> Self {
        self.set_label(label);
        self
    }

    #[inline(always)]
    fn apply(self, op: Op, other: Option<Value<'g>>) -> Self {
        let id = match other {
            Some(o) => {
                assert!(
                    std::ptr::eq(self.graph, o.graph),
                    "values of two different graphs were combined"
                );
                self.graph.apply(op, &[self.id, o.id])
            }
            None => self.graph.apply(op, &[self.id]),
        };
        Value::new(self.graph, id)
    }

    fn constant(self, x: f64) -> Self {
        self.graph.value(x)
    }

    /// `self ** k` with an integer exponent (the op is named `**k`).
    ///
    /// ```
    /// let g = gradviz::Graph::new();
    /// assert_eq!(g.value(2.0).powi(3).data(), 8.0);
    /// ```
    pub fn powi(self, k: i64) -> Self {
        self.apply(Op::Pow(Exponent::Int(k)), None)
    }

    /// `self ** k` with a float exponent (the op is named like Python's
    /// `repr(k)`: `**0.5`, `**2.0`).
    ///
    /// ```
    /// let g = gradviz::Graph::new();
    /// assert_eq!(g.value(9.0).powf(0.5).data(), 3.0);
    /// ```
    pub fn powf(self, k: f64) -> Self {
        self.apply(Op::Pow(Exponent::Float(k)), None)
    }

    /// `tanh(self)`.
    ///
    /// ```
    /// let g = gradviz::Graph::new();
    /// assert_eq!(g.value(0.0).tanh().data(), 0.0);
    /// ```
    pub fn tanh(self) -> Self {
        self.apply(Op::Tanh, None)
    }

    /// `e ** self`.
    ///
    /// ```
    /// let g = gradviz::Graph::new();
    /// assert_eq!(g.value(0.0).exp().data(), 1.0);
    /// ```
    pub fn exp(self) -> Self {
        self.apply(Op::Exp, None)
    }

    /// `max(0, self)`, named `ReLU` as in micrograd.
    ///
    /// ```
    /// let g = gradviz::Graph::new();
    /// assert_eq!(g.value(-3.0).relu().data(), 0.0);
    /// ```
    pub fn relu(self) -> Self {
        self.apply(Op::Relu, None)
    }

    /// Backpropagates from this value; see [`Graph::backward`].
    pub fn backward(self) {
        self.graph.backward(self.id);
    }
}

impl fmt::Debug for Value<'_> {
    /// micrograd's `repr`: `Value(data=2.0, grad=0.0)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Value(data={:?}, grad={:?})", self.data(), self.grad())
    }
}

impl<'g> Add for Value<'g> {
    type Output = Value<'g>;
    #[inline(always)]
    fn add(self, rhs: Value<'g>) -> Value<'g> {
        self.apply(Op::Add, Some(rhs))
    }
}

impl<'g> Add<f64> for Value<'g> {
    type Output = Value<'g>;
    fn add(self, rhs: f64) -> Value<'g> {
        self + self.constant(rhs)
    }
}

impl<'g> Add<Value<'g>> for f64 {
    type Output = Value<'g>;
    /// `__radd__`: `2 + a` is `a + Value(2)`.
    fn add(self, rhs: Value<'g>) -> Value<'g> {
        rhs + self
    }
}

impl<'g> Mul for Value<'g> {
    type Output = Value<'g>;
    #[inline(always)]
    fn mul(self, rhs: Value<'g>) -> Value<'g> {
        self.apply(Op::Mul, Some(rhs))
    }
}

impl<'g> Mul<f64> for Value<'g> {
    type Output = Value<'g>;
    fn mul(self, rhs: f64) -> Value<'g> {
        self * self.constant(rhs)
    }
}

impl<'g> Mul<Value<'g>> for f64 {
    type Output = Value<'g>;
    /// `__rmul__`: `2 * a` is `a * Value(2)`.
    fn mul(self, rhs: Value<'g>) -> Value<'g> {
        rhs * self
    }
}

impl<'g> Neg for Value<'g> {
    type Output = Value<'g>;
    /// `-a` is `a * Value(-1)`.
    fn neg(self) -> Value<'g> {
        self * -1.0
    }
}

impl<'g> Sub for Value<'g> {
    type Output = Value<'g>;
    /// `a - b` is `a + (-b)`.
    fn sub(self, rhs: Value<'g>) -> Value<'g> {
        self + (-rhs)
    }
}

impl<'g> Sub<f64> for Value<'g> {
    type Output = Value<'g>;
    /// `a - 2` is `a + Value(-2)`.
    fn sub(self, rhs: f64) -> Value<'g> {
        self + (-rhs)
    }
}

impl<'g> Sub<Value<'g>> for f64 {
    type Output = Value<'g>;
    /// `__rsub__`: `2 - a` is `(-a) + Value(2)`.
    fn sub(self, rhs: Value<'g>) -> Value<'g> {
        (-rhs) + self
    }
}

impl<'g> Div for Value<'g> {
    type Output = Value<'g>;
    /// `a / b` is `a * b**-1`.
    fn div(self, rhs: Value<'g>) -> Value<'g> {
        self * rhs.powi(-1)
    }
}

impl<'g> Div<f64> for Value<'g> {
    type Output = Value<'g>;
    /// `a / 2.0` is `a * Value(0.5)`: the number is inverted first.
    fn div(self, rhs: f64) -> Value<'g> {
        self * rhs.powi(-1)
    }
}

impl<'g> Div<Value<'g>> for f64 {
    type Output = Value<'g>;
    /// `__rtruediv__`: `2.0 / a` is `a**-1 * Value(2.0)`.
    fn div(self, rhs: Value<'g>) -> Value<'g> {
        rhs.powi(-1) * self
    }
}

#[cfg(test)]
mod tests {
    use crate::{Graph, Op};

    fn ops(g: &Graph) -> Vec<String> {
        g.ids()
            .iter()
            .map(|id| g.node(*id).op.map_or("leaf".into(), Op::name))
            .collect()
    }

    #[test]
    fn lowering_matches_micrograd() {
        let g = Graph::new();
        let a = g.value(2.0);
        let _ = 2.0 - a;
        assert_eq!(ops(&g), ["leaf", "leaf", "*", "leaf", "+"]);
        let g = Graph::new();
        let a = g.value(4.0);
        let q = 2.0 / a;
        assert_eq!(ops(&g), ["leaf", "**-1", "leaf", "*"]);
        assert_eq!(q.data(), 0.5);
        let g = Graph::new();
        let a = g.value(4.0);
        let q = a / 2.0;
        assert_eq!(ops(&g), ["leaf", "leaf", "*"]);
        assert_eq!(g.node(g.operands(q.id())[1]).data, 0.5);
    }

    #[test]
    fn micrograd_readme_example_in_rust() {
        let g = Graph::new();
        let a = g.value(-4.0);
        let b = g.value(2.0);
        let mut c = a + b;
        let mut d = a * b + b.powi(3);
        c = c + (c + 1.0);
        c = c + (1.0 + c + (-a));
        d = d + (d * 2.0 + (b + a).relu());
        d = d + (3.0 * d + (b - a).relu());
        let e = c - d;
        let f = e.powi(2);
        let mut g2 = f / 2.0;
        g2 = g2 + 10.0 / f;
        g2.backward();
        assert_eq!(format!("{:.4}", g2.data()), "24.7041");
        assert_eq!(format!("{:.4}", a.grad()), "138.8338");
        assert_eq!(format!("{:.4}", b.grad()), "645.5773");
        assert_eq!(g.ancestors(g2.id()).len(), 39);
    }
}
