//! The expression graph: value nodes in a petgraph `StableGraph`, edges from
//! operand to result carrying the operand's position.
//!
//! `StableGraph` is the single source of truth for the structure. Its contract
//! is the reason it is here: removing nodes does not invalidate the indices of
//! the others, so a model's parameters keep their ids while a training step's
//! intermediate nodes are released.

use std::cell::{Ref, RefCell};
use std::fmt;

use petgraph::Direction::Incoming;
use petgraph::stable_graph::{NodeIndex, StableGraph};
use petgraph::visit::{EdgeRef, NodeIndexable};

use super::group::Groups;
use super::op::Op;
use super::value::Value;

/// The id of a value node in a [`Graph`]; stable for the node's lifetime.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ValueId(pub(crate) NodeIndex);

impl ValueId {
    /// The node's index in the underlying `StableGraph`.
    ///
    /// ```
    /// let g = gradviz::Graph::new();
    /// assert_eq!(g.value(1.0).id().index(), 0);
    /// ```
    pub fn index(self) -> usize {
        self.0.index()
    }

    /// The id of the node at `index` (which may or may not exist in a graph).
    ///
    /// ```
    /// assert_eq!(gradviz::ValueId::new(3).index(), 3);
    /// ```
    pub fn new(index: usize) -> Self {
        ValueId(NodeIndex::new(index))
    }

    /// The underlying petgraph index.
    pub fn node_index(self) -> NodeIndex {
        self.0
    }
}

/// A value node: micrograd's `Value` without the closure, which lives in
/// [`Op::local_grads`] instead.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The forward value.
    pub data: f64,
    /// ∂root/∂self, accumulated by backward passes.
    pub grad: f64,
    /// The op that produced the node; `None` for leaves.
    pub op: Option<Op>,
    /// An explicit or assigned label; `None` when the value has none.
    pub label: Option<Box<str>>,
}

impl Node {
    /// The label, or `""` when there is none (as micrograd's default).
    ///
    /// ```
    /// let g = gradviz::Graph::new();
    /// let v = g.value(1.0);
    /// assert_eq!(g.node(v.id()).label_str(), "");
    /// ```
    pub fn label_str(&self) -> &str {
        self.label.as_deref().unwrap_or("")
    }
}

/// The edge weight: which operand of the result the source node is (0 or 1).
/// petgraph returns neighbours in reverse insertion order, so the position
/// is stored rather than inferred.
pub type Operand = u8;

/// The petgraph type that stores a [`Graph`].
pub type Inner = StableGraph<Node, Operand>;

/// An expression graph of scalar values.
///
/// Nodes are added by [`Graph::leaf`] and [`Graph::apply`], or through the
/// [`Value`] handles that overload Rust's arithmetic operators. The graph
/// uses interior mutability so that many `Copy` handles can share it.
///
/// ```
/// use gradviz::Graph;
/// let g = Graph::new();
/// let a = g.value(2.0).with_label("a");
/// let b = g.value(-3.0).with_label("b");
/// let e = a * b;
/// e.backward();
/// assert_eq!((e.data(), a.grad(), b.grad()), (-6.0, -3.0, 2.0));
/// assert_eq!(g.len(), 3);
/// ```
pub struct Graph {
    inner: RefCell<Inner>,
    pub(crate) groups: RefCell<Groups>,
    /// Whether every edge runs from a lower to a higher index.
    ordered: std::cell::Cell<bool>,
}

impl Default for Graph {
    fn default() -> Self {
        Graph {
            inner: RefCell::default(),
            groups: RefCell::default(),
            ordered: std::cell::Cell::new(true),
        }
    }
}

impl Graph {
    /// An empty graph.
    pub fn new() -> Self {
        Self::default()
    }

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

    /// Adds a leaf with `data` and an optional label.
    ///
    /// ```
    /// let g = gradviz::Graph::new();
    /// let id = g.leaf(-4.0, Some("a"));
    /// assert_eq!(g.node(id).data, -4.0);
    /// ```
    pub fn leaf(&self, data: f64, label: Option<&str>) -> ValueId {
        let id = ValueId(self.inner.borrow_mut().add_node(Node {
            data,
            grad: 0.0,
            op: None,
            label: label.map(Into::into),
        }));
        self.join_active_group(id);
        id
    }

    /// Adds the result of `op` on `operands` (in order) and computes its data.
    ///
    /// # Panics
    /// If the number of operands is not the op's arity, or an operand is not
    /// in the graph.
    ///
    /// ```
    /// use gradviz::{Graph, Op};
    /// let g = Graph::new();
    /// let a = g.leaf(2.0, None);
    /// let t = g.apply(Op::Tanh, &[a]);
    /// assert_eq!(g.node(t).op, Some(Op::Tanh));
    /// ```
    pub fn apply(&self, op: Op, operands: &[ValueId]) -> ValueId {
        assert_eq!(
            operands.len(),
            op.arity(),
            "{op} takes {} operand(s)",
            op.arity()
        );
        let mut g = self.inner.borrow_mut();
        let a = g[operands[0].0].data;
        let b = operands.get(1).map_or(0.0, |id| g[id.0].data);
        let out = g.add_node(Node {
            data: op.forward(a, b),
            grad: 0.0,
            op: Some(op),
            label: None,
        });
        for (position, id) in operands.iter().enumerate() {
            g.add_edge(id.0, out, position as Operand);
        }
        drop(g);
        // A result in a slot freed by a removal can sit below its operands.
        if operands.iter().any(|o| o.0 > out) {
            self.ordered.set(false);
        }
        self.join_active_group(ValueId(out));
        ValueId(out)
    }

    /// Whether every edge runs from a lower to a higher index, so that index
    /// order is a topological order (true until a result lands in a slot
    /// freed below one of its operands).
    pub(crate) fn in_creation_order(&self) -> bool {
        self.ordered.get()
    }

    /// A copy of a node.
    ///
    /// # Panics
    /// If `id` is not in the graph.
    pub fn node(&self, id: ValueId) -> Node {
        self.inner.borrow()[id.0].clone()
    }

    /// Whether `id` is a node of this graph.
    ///
    /// ```
    /// let g = gradviz::Graph::new();
    /// assert!(!g.contains(gradviz::ValueId::new(0)));
    /// ```
    pub fn contains(&self, id: ValueId) -> bool {
        self.inner.borrow().contains_node(id.0)
    }

    /// The forward value of a node.
    pub fn data(&self, id: ValueId) -> f64 {
        self.inner.borrow()[id.0].data
    }

    /// The gradient of a node.
    pub fn grad(&self, id: ValueId) -> f64 {
        self.inner.borrow()[id.0].grad
    }

    /// Sets a node's data (`v.data = x`); results already computed keep theirs,
    /// as in micrograd.
    pub fn set_data(&self, id: ValueId, data: f64) {
        self.inner.borrow_mut()[id.0].data = data;
    }

    /// Sets a node's gradient (`v.grad = x`).
    pub fn set_grad(&self, id: ValueId, grad: f64) {
        self.inner.borrow_mut()[id.0].grad = grad;
    }

    /// Sets or clears a node's label.
    pub fn set_label(&self, id: ValueId, label: Option<&str>) {
        self.inner.borrow_mut()[id.0].label = label.map(Into::into);
    }

    /// The operands of a node in position order (empty for leaves).
    ///
    /// ```
    /// let g = gradviz::Graph::new();
    /// let a = g.value(1.0);
    /// let b = g.value(2.0);
    /// let c = b * a;
    /// assert_eq!(g.operands(c.id()), vec![b.id(), a.id()]);
    /// ```
    pub fn operands(&self, id: ValueId) -> Vec<ValueId> {
        operands_of(&self.inner.borrow(), id).to_vec()
    }

    /// The number of value nodes.
    pub fn len(&self) -> usize {
        self.inner.borrow().node_count()
    }

    /// Whether the graph has no nodes.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The ids of all nodes, in index order.
    pub fn ids(&self) -> Vec<ValueId> {
        self.inner.borrow().node_indices().map(ValueId).collect()
    }

    /// Read access to the underlying `StableGraph`, for renderers and tools.
    ///
    /// # Panics
    /// If called while the graph is being modified (it never is between calls
    /// to this crate's functions).
    pub fn inner(&self) -> Ref<'_, Inner> {
        self.inner.borrow()
    }

    /// Runs `f` with write access to the underlying `StableGraph`.
    pub(crate) fn with_inner_mut<R>(&self, f: impl FnOnce(&mut Inner) -> R) -> R {
        f(&mut self.inner.borrow_mut())
    }

    /// Removes every node but `keep` (and the edges between removed nodes):
    /// what a training loop calls after each step so that the graph does not
    /// grow. The kept nodes keep their ids; freed slots are reused by the
    /// next nodes added.
    ///
    /// ```
    /// let g = gradviz::Graph::new();
    /// let w = g.value(0.5);
    /// for _ in 0..1000 {
    ///     let loss = (w * 2.0 - 1.0).powi(2);
    ///     loss.backward();
    ///     w.set_data(w.data() - 0.1 * w.grad());
    ///     g.zero_grad();
    ///     g.clear_except(&[w.id()]);
    /// }
    /// assert_eq!(g.len(), 1);
    /// assert!((w.data() - 0.5).abs() < 1e-9);
    /// ```
    pub fn clear_except(&self, keep: &[ValueId]) {
        let mut g = self.inner.borrow_mut();
        let mut kept = fixedbitset::FixedBitSet::with_capacity(g.node_bound());
        for id in keep {
            if g.contains_node(id.0) {
                kept.insert(id.index());
            }
        }
        let count = kept.count_ones(..);
        if kept.ones().enumerate().all(|(i, k)| i == k) {
            // The kept nodes are exactly the first indices (a model's
            // parameters, created first): clearing and adding them back in
            // order gives them the same ids, much faster than removing the
            // others one by one.
            let nodes: Vec<Node> = (0..count).map(|i| g[NodeIndex::new(i)].clone()).collect();
            let edges: Vec<(NodeIndex, NodeIndex, Operand)> = (0..count)
                .flat_map(|i| g.edges_directed(NodeIndex::new(i), Incoming))
                .filter(|e| kept.contains(e.source().index()))
                .map(|e| (e.source(), e.target(), *e.weight()))
                .collect();
            g.clear();
            for n in nodes {
                g.add_node(n);
            }
            // Without edges among them the kept nodes are in a topological
            // order whatever their history, and nothing is vacant now.
            if edges.is_empty() {
                self.ordered.set(true);
            }
            for (a, b, w) in edges {
                g.add_edge(a, b, w);
            }
        } else {
            g.retain_nodes(|_, n| kept.contains(n.index()));
        }
        let mut groups = self.groups.borrow_mut();
        groups.member.retain(|n, _| kept.contains(n.index()));
    }

    /// `root` and all its ancestors, in index order (creation order when no
    /// node was removed): what micrograd's `trace(root)` collects.
    ///
    /// ```
    /// let g = gradviz::Graph::new();
    /// let a = g.value(1.0);
    /// let unrelated = g.value(5.0);
    /// let b = a + 1.0;
    /// assert_eq!(g.ancestors(b.id()).len(), 3);
    /// ```
    pub fn ancestors(&self, root: ValueId) -> Vec<ValueId> {
        let g = self.inner.borrow();
        let mut seen = fixedbitset::FixedBitSet::with_capacity(g.node_bound());
        let mut stack = vec![root.0];
        let mut out = Vec::new();
        seen.insert(root.0.index());
        while let Some(n) = stack.pop() {
            out.push(ValueId(n));
            for e in g.edges_directed(n, Incoming) {
                let s = e.source();
                if !seen.put(s.index()) {
                    stack.push(s);
                }
            }
        }
        out.sort_unstable();
        out
    }

    /// A standalone copy of `root`'s diagram: `root` and its ancestors, with
    /// their data, grads and labels as they are now, renumbered densely in
    /// index order. Returns the copy and the root's id in it.
    ///
    /// ```
    /// let g = gradviz::Graph::new();
    /// let _unrelated = g.value(9.0);
    /// let a = g.value(3.0);
    /// let b = a * a;
    /// let (copy, root) = g.trace(b.id());
    /// assert_eq!((copy.len(), root.index()), (2, 1));
    /// ```
    pub fn trace(&self, root: ValueId) -> (Graph, ValueId) {
        let ids = self.ancestors(root);
        let g = self.inner.borrow();
        let mut copy = Inner::with_capacity(ids.len(), ids.len() * 2);
        let mut map = vec![NodeIndex::end(); g.node_bound()];
        for id in &ids {
            map[id.index()] = copy.add_node(g[id.0].clone());
        }
        for id in &ids {
            for (position, src) in operands_of(&g, *id).into_iter().enumerate() {
                copy.add_edge(map[src.index()], map[id.index()], position as Operand);
            }
        }
        let root = ValueId(map[root.index()]);
        let groups = self.groups.borrow().remapped(&ids, &map);
        (
            Graph {
                inner: RefCell::new(copy),
                groups: RefCell::new(groups),
                ordered: std::cell::Cell::new(self.ordered.get()),
            },
            root,
        )
    }
}

/// The operands of `id` in position order.
///
/// Ops take at most two operands, so they come back in a small array: no
/// allocation and no sort on the backward pass's hot path.
pub(crate) fn operands_of(g: &Inner, id: ValueId) -> Operands {
    let mut ops = Operands {
        ids: [ValueId(NodeIndex::end()); 2],
        len: 0,
    };
    for e in g.edges_directed(id.0, Incoming) {
        let position = usize::from(*e.weight()).min(1);
        ops.ids[position] = ValueId(e.source());
        ops.len += 1;
    }
    ops
}

/// The operands of a node, in position order (at most two).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Operands {
    ids: [ValueId; 2],
    len: u8,
}

impl Operands {
    /// The operands' data as `(a, b)`, `b` being 0 for unary ops: the two
    /// numbers [`Op::forward`] and [`Op::local_grads`] take.
    pub(crate) fn data(&self, g: &Inner) -> (f64, f64) {
        let a = g[self.ids[0].0].data;
        let b = if self.len > 1 {
            g[self.ids[1].0].data
        } else {
            0.0
        };
        (a, b)
    }
}

impl std::ops::Deref for Operands {
    type Target = [ValueId];
    fn deref(&self) -> &[ValueId] {
        &self.ids[..usize::from(self.len)]
    }
}

impl IntoIterator for Operands {
    type Item = ValueId;
    type IntoIter = std::iter::Take<std::array::IntoIter<ValueId, 2>>;
    fn into_iter(self) -> Self::IntoIter {
        self.ids.into_iter().take(usize::from(self.len))
    }
}

impl fmt::Debug for Graph {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let g = self.inner.borrow();
        f.debug_struct("Graph")
            .field("nodes", &g.node_count())
            .field("edges", &g.edge_count())
            .finish()
    }
}
