//! The expression graph: value nodes in a petgraph `StableGraph`, edges from
//! operand to result carrying the operand's position ([`Store`] holds it,
//! with each node's data, grad and label beside it).
//!
//! `StableGraph` is the single source of truth for the structure. Its contract
//! is the reason it is here: removing nodes does not invalidate the indices of
//! the others, so a model's parameters keep their ids while a training step's
//! intermediate nodes are released.

use std::cell::{Cell, Ref, RefCell, RefMut};
use std::fmt;

use fixedbitset::FixedBitSet;
use petgraph::stable_graph::NodeIndex;
use petgraph::visit::NodeIndexable;

use super::node::{GroupId, Groups};
// Defined in `node.rs`, below; `engine::graph::{Node, ValueId}` stay.
pub use super::node::{Node, ValueId};
use super::op::Op;
use super::replay::Replay;
use super::schedule::Schedule;
use super::store::Store;

/// An expression graph of scalar values.
///
/// Nodes are added by [`Graph::leaf`] and [`Graph::apply`], or through the
/// [`Value`](super::Value) handles that overload Rust's arithmetic
/// operators. The graph uses interior mutability so that many `Copy`
/// handles can share it.
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
    /// The group new nodes join ([`Graph::in_group`]).
    pub(crate) active_group: Cell<Option<GroupId>>,
    /// Whether every edge runs from a lower to a higher index.
    ordered: Cell<bool>,
    /// Bumped whenever nodes are removed: a schedule derived before then
    /// may name slots that now hold other nodes.
    generation: Cell<u64>,
    /// The root and generation of the last backward pass run without a
    /// schedule.
    swept: Cell<Option<(ValueId, u64)>>,
}

/// What adding nodes and running passes change, behind the one `RefCell`
/// that every such call borrows once.
#[derive(Debug, Default)]
struct Inner {
    /// The nodes.
    store: Store,
    /// The last execution schedule derived, kept for the next pass.
    schedule: Schedule,
    /// Nodes `clear_except` left in place for the next step to take over.
    replay: Replay,
    /// Working memory of [`Graph::compact`].
    scratch: super::store::Scratch,
}

impl Inner {
    /// The three parts, borrowed apart.
    fn parts(&mut self) -> (&mut Store, &mut Schedule, &mut Replay) {
        (&mut self.store, &mut self.schedule, &mut self.replay)
    }
}

impl Default for Graph {
    fn default() -> Self {
        Graph::with_store(Store::default(), Groups::default(), true)
    }
}

impl Graph {
    /// An empty graph.
    pub fn new() -> Self {
        Self::default()
    }

    /// A graph of the nodes in `store`.
    fn with_store(store: Store, groups: Groups, ordered: bool) -> Self {
        Graph {
            inner: RefCell::new(Inner {
                store,
                ..Inner::default()
            }),
            groups: RefCell::new(groups),
            active_group: Cell::default(),
            ordered: Cell::new(ordered),
            generation: Cell::new(0),
            swept: Cell::default(),
        }
    }

    /// Adds a leaf with `data` and an optional label.
    ///
    /// ```
    /// let g = gradviz::Graph::new();
    /// let id = g.leaf(-4.0, Some("a"));
    /// assert_eq!(g.node(id).data, -4.0);
    /// ```
    pub fn leaf(&self, data: f64, label: Option<&str>) -> ValueId {
        let mut inner = self.inner.borrow_mut();
        let id = match self.take_over(&mut inner, None, &[], data) {
            Some(id) => id,
            None => inner.store.add(None, data, &[]),
        };
        if label.is_some() {
            inner.store.set_label(id, label);
        }
        drop(inner);
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
    #[inline(always)]
    pub fn apply(&self, op: Op, operands: &[ValueId]) -> ValueId {
        if let [a, b] = *operands
            && let Some(id) = self.take_over_binary(op, a, b)
        {
            return id;
        }
        self.apply_general(op, operands)
    }

    /// [`Graph::apply`], returning the new node's data as well; for a graph
    /// that only grows (no step pending), one borrow and straight to the
    /// add.
    #[inline(always)]
    pub(crate) fn apply_with_data(&self, op: Op, operands: &[ValueId]) -> (ValueId, f64) {
        {
            let mut inner = self.inner.borrow_mut();
            if !inner.replay.is_active() {
                let (out, data) = self.add_op(&mut inner.store, op, operands);
                drop(inner);
                self.join_active_group(out);
                return (out, data);
            }
        }
        let id = self.apply(op, operands);
        (id, self.data(id))
    }

    /// [`Graph::apply`] when the replay's fast path did not apply.
    #[inline(never)]
    fn apply_general(&self, op: Op, operands: &[ValueId]) -> ValueId {
        let mut inner = self.inner.borrow_mut();
        let out = match self.take_over(&mut inner, Some(op), operands, 0.0) {
            Some(id) => id,
            None => self.add_op(&mut inner.store, op, operands).0,
        };
        drop(inner);
        self.join_active_group(out);
        out
    }

    /// The replay's fast path: the pending `+` or `*` node in the next
    /// slot, taken over, if the cached schedule has it as `op` on `a`, `b`.
    #[inline(always)]
    fn take_over_binary(&self, op: Op, a: ValueId, b: ValueId) -> Option<ValueId> {
        let mut inner = self.inner.borrow_mut();
        let (store, schedule, replay) = inner.parts();
        let id = replay.take_binary(store, schedule, op, a, b)?;
        drop(inner);
        self.join_active_group(id);
        Some(id)
    }

    /// Adds a new node for [`Graph::apply`].
    #[inline]
    fn add_op(&self, store: &mut Store, op: Op, operands: &[ValueId]) -> (ValueId, f64) {
        assert_eq!(
            operands.len(),
            op.arity(),
            "{op} takes {} operand(s)",
            op.arity()
        );
        for o in operands {
            store.check(*o);
        }
        let data = store.forward(op, operands);
        let out = store.add(Some(op), data, operands);
        // A result in a slot freed by a removal can sit below its operands.
        if operands.iter().any(|o| *o > out) {
            self.ordered.set(false);
        }
        (out, data)
    }

    /// The pending node in the next slot, taken over, if it is a node of
    /// `op` on `operands` (`None` and no operands: a leaf of data
    /// `leaf_data`); otherwise the pending nodes are removed and `None`
    /// returned.
    fn take_over(
        &self,
        inner: &mut Inner,
        op: Option<Op>,
        operands: &[ValueId],
        leaf_data: f64,
    ) -> Option<ValueId> {
        let (store, schedule, replay) = inner.parts();
        if !replay.is_active() {
            return None;
        }
        let taken = match (op, operands) {
            (Some(op), [a]) => replay.take_unary(store, schedule, op, *a),
            _ => None,
        }
        .or_else(|| replay.take(store, schedule, op, operands, leaf_data));
        if taken.is_none() && replay.settle(store) {
            self.generation.set(self.generation.get() + 1);
        }
        taken
    }

    /// Records `id` in the active group, if any (called for new nodes).
    #[inline]
    pub(crate) fn join_active_group(&self, id: ValueId) {
        if let Some(g) = self.active_group.get() {
            self.groups.borrow_mut().member.insert(id.node_index(), g);
        }
    }

    /// Removes the pending nodes that the step being built did not take
    /// over (see `engine/replay.rs`): every use of the graph but adding nodes
    /// and reading nodes already taken over sees the graph settled.
    pub(crate) fn settle(&self) {
        // Looked at under a shared borrow first: reading the graph while a
        // `store()` view of it is held must keep working.
        if !self.inner.borrow().replay.is_active() {
            return;
        }
        let mut inner = self.inner.borrow_mut();
        let Inner { store, replay, .. } = &mut *inner;
        if replay.settle(store) {
            self.generation.set(self.generation.get() + 1);
        }
    }

    /// The nodes, settled first.
    fn read(&self) -> Ref<'_, Store> {
        self.settle();
        Ref::map(self.inner.borrow(), |i| &i.store)
    }

    /// The nodes for writing, settled first.
    fn write(&self) -> RefMut<'_, Store> {
        self.settle();
        RefMut::map(self.inner.borrow_mut(), |i| &mut i.store)
    }

    /// The nodes, for reading node `id`: settled first only if `id` is
    /// pending, so that reading the nodes of a step as it is built does not
    /// stop it from taking over the rest.
    fn read_at(&self, id: ValueId) -> Ref<'_, Store> {
        if self.inner.borrow().replay.covers(id) {
            self.settle();
        }
        Ref::map(self.inner.borrow(), |i| &i.store)
    }

    /// [`Graph::read_at`] for writing.
    fn write_at(&self, id: ValueId) -> RefMut<'_, Store> {
        let mut inner = self.inner.borrow_mut();
        if inner.replay.covers(id) {
            let Inner { store, replay, .. } = &mut *inner;
            if replay.settle(store) {
                self.generation.set(self.generation.get() + 1);
            }
        }
        RefMut::map(inner, |i| &mut i.store)
    }

    /// Whether every edge runs from a lower to a higher index, so that index
    /// order is a topological order (true until a result lands in a slot
    /// freed below one of its operands).
    pub(crate) fn in_creation_order(&self) -> bool {
        self.ordered.get()
    }

    /// Counts structural changes that can invalidate a derived schedule.
    pub(crate) fn generation(&self) -> u64 {
        self.generation.get()
    }

    /// Whether a backward pass from `root` is the first at this generation
    /// (then it runs without deriving a schedule: a graph rebuilt every step
    /// would use the schedule once). Records it.
    pub(crate) fn first_backward(&self, root: ValueId) -> bool {
        let key = Some((root, self.generation.get()));
        self.swept.replace(key) != key
    }

    /// Runs `f` with the cached execution schedule and the nodes, settled
    /// first: for the passes.
    pub(crate) fn with_schedule<R>(&self, f: impl FnOnce(&mut Schedule, &mut Store) -> R) -> R {
        self.settle();
        let mut inner = self.inner.borrow_mut();
        let Inner {
            store, schedule, ..
        } = &mut *inner;
        f(schedule, store)
    }

    /// A copy of a node.
    ///
    /// # Panics
    /// If `id` is not in the graph.
    pub fn node(&self, id: ValueId) -> Node {
        let store = self.read_at(id);
        let n = store.node(id);
        Node {
            data: n.data,
            grad: n.grad,
            op: n.op,
            label: n.label.map(Into::into),
        }
    }

    /// Whether `id` is a node of this graph.
    ///
    /// ```
    /// let g = gradviz::Graph::new();
    /// assert!(!g.contains(gradviz::ValueId::new(0)));
    /// ```
    pub fn contains(&self, id: ValueId) -> bool {
        let inner = self.inner.borrow();
        !inner.replay.covers(id) && inner.store.structure().contains_node(id.0)
    }

    /// The forward value of a node.
    pub fn data(&self, id: ValueId) -> f64 {
        self.read_at(id).data(id)
    }

    /// The gradient of a node.
    pub fn grad(&self, id: ValueId) -> f64 {
        self.read_at(id).grad(id)
    }

    /// Sets a node's data (`v.data = x`); results already computed keep theirs,
    /// as in micrograd.
    pub fn set_data(&self, id: ValueId, data: f64) {
        self.write_at(id).set_data(id, data);
    }

    /// Sets a node's gradient (`v.grad = x`).
    pub fn set_grad(&self, id: ValueId, grad: f64) {
        self.write_at(id).set_grad(id, grad);
    }

    /// Sets or clears a node's label.
    pub fn set_label(&self, id: ValueId, label: Option<&str>) {
        self.write_at(id).set_label(id, label);
    }

    /// [`Graph::set_label`] with a shared string: many nodes labelled with
    /// one string (and the diagrams copied from them) hold it once.
    pub fn set_label_shared(&self, id: ValueId, label: Option<std::sync::Arc<str>>) {
        self.write_at(id).set_label_shared(id, label);
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
        self.read_at(id).operands(id).to_vec()
    }

    /// The number of value nodes.
    pub fn len(&self) -> usize {
        // Pending nodes are removed nodes (counted without removing them, so
        // that a training loop that logs the size still reuses its steps).
        let inner = self.inner.borrow();
        inner.store.structure().node_count() - inner.replay.len()
    }

    /// Whether the graph has no nodes.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The ids of all nodes, in index order.
    pub fn ids(&self) -> Vec<ValueId> {
        self.read()
            .structure()
            .node_indices()
            .map(ValueId)
            .collect()
    }

    /// Read access to the nodes: the `StableGraph` of the structure and each
    /// node's data, grad and label, for renderers and tools.
    ///
    /// # Panics
    /// If called while the graph is being modified (it never is between calls
    /// to this crate's functions).
    ///
    /// ```
    /// let g = gradviz::Graph::new();
    /// let a = g.value(2.0);
    /// let b = a.tanh();
    /// let store = g.store();
    /// assert_eq!(store.structure().edge_count(), 1);
    /// assert_eq!(store.node(b.id()).op, Some(gradviz::Op::Tanh));
    /// ```
    pub fn store(&self) -> Ref<'_, Store> {
        self.read()
    }

    /// Sets every grad to zero, pending nodes' included (they get a zero grad
    /// when taken over anyway): a loop that zeroes the grads before it
    /// builds its step still reuses the step before.
    pub(crate) fn zero_grads(&self) {
        self.inner.borrow_mut().store.zero_grads();
    }

    /// Runs `f` with write access to the nodes.
    pub(crate) fn with_store_mut<R>(&self, f: impl FnOnce(&mut Store) -> R) -> R {
        f(&mut self.write())
    }

    /// Bytes this graph holds for its nodes, edges and cached schedule
    /// included: `(in use, allocated)`.
    ///
    /// ```
    /// let g = gradviz::Graph::new();
    /// let a = g.value(2.0);
    /// let _ = a * a;
    /// let (used, allocated) = g.bytes();
    /// assert!(used <= allocated);
    /// ```
    pub fn bytes(&self) -> (usize, usize) {
        self.settle();
        let inner = self.inner.borrow();
        let (used, allocated) = inner.store.bytes();
        let schedule = inner.schedule.bytes();
        (used + schedule.0, allocated + schedule.1)
    }

    /// Reserves room for `nodes` more value nodes and `edges` more edges,
    /// exactly (a training loop that knows a step's size allocates once).
    pub fn reserve_exact(&self, nodes: usize, edges: usize) {
        // Room is room: no need to settle a pending step first.
        self.inner.borrow_mut().store.reserve_exact(nodes, edges);
        self.groups.borrow_mut().member.reserve_exact(nodes);
    }

    /// Releases the room that nodes removed earlier left unused.
    pub fn shrink_to_fit(&self) {
        self.with_schedule(|schedule, store| {
            store.shrink_to_fit();
            schedule.shrink_to_fit();
        });
    }

    /// Removes every node but `keep` (and the edges between removed nodes):
    /// what a training loop that rebuilds its graph calls after each step so
    /// that the graph does not grow. The kept nodes keep their ids; freed
    /// slots are reused by the next nodes added.
    ///
    /// When `keep` are the first nodes (a model's parameters, made before
    /// the step), the removed nodes stay in place until the next step has
    /// been built: a node it adds that is the same as the removed one in its
    /// slot (same op, same operands) takes that slot over, and the graph's
    /// structure is left as it was. No use of the graph can tell: reading it
    /// or changing it otherwise first removes what was not taken over.
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
        self.settle();
        let mut inner = self.inner.borrow_mut();
        let (store, schedule, replay) = inner.parts();
        let structure = store.structure();
        let mut kept = FixedBitSet::with_capacity(structure.node_bound());
        for id in keep {
            if structure.contains_node(id.0) {
                kept.insert(id.index());
            }
        }
        let count = kept.count_ones(..);
        let bound = structure.node_bound();
        if kept.ones().enumerate().all(|(i, k)| i == k) {
            // The kept nodes are exactly the first indices (a model's
            // parameters, created first).
            if self.ordered.get() && structure.node_count() == bound {
                // No vacant slot and every edge from a lower index: the
                // next step can take the slots over in order.
                let step = schedule.replay_from(count, self.generation.get());
                store.renew_from(count);
                // The first step grew the buffers by doubling; the next
                // steps reuse them as they are: release the slack once.
                let (used, allocated) = store.bytes();
                if allocated > used + used / 4 {
                    store.shrink_to_fit();
                }
                *replay = Replay::pending(count, bound, step);
            } else {
                self.generation.set(self.generation.get() + 1);
                store.truncate(count);
                // Without edges among them the kept nodes are in a
                // topological order whatever their history, and nothing is
                // vacant now.
                if !store.edges_among_first(count) {
                    self.ordered.set(true);
                }
            }
        } else {
            self.generation.set(self.generation.get() + 1);
            store.retain(|i| kept.contains(i));
        }
        drop(inner);
        let mut groups = self.groups.borrow_mut();
        groups.member.retain(|i| kept.contains(i));
    }

    /// Keeps only the nodes `keep` (ascending, every operand of one among
    /// them), renumbered densely in that order, in the graph's own memory:
    /// what a copy with [`Graph::copy_of`] would hold, without a second
    /// graph's worth of memory. `map` receives the old-to-new indices
    /// (`NodeIndex::end()` for the nodes dropped); its memory is reused.
    ///
    /// ```
    /// let g = gradviz::Graph::new();
    /// let dead = g.value(9.0);
    /// let a = g.value(3.0);
    /// let b = a * a;
    /// let mut map = Vec::new();
    /// g.compact(&[a.id(), b.id()], &mut map);
    /// assert_eq!((g.len(), map[b.id().index()].index()), (2, 1));
    /// assert_eq!(map[dead.id().index()], petgraph::stable_graph::NodeIndex::end());
    /// assert_eq!(g.data(gradviz::ValueId::new(1)), 9.0);
    /// ```
    pub fn compact(&self, keep: &[ValueId], map: &mut Vec<NodeIndex>) {
        self.settle();
        let mut inner = self.inner.borrow_mut();
        let Inner { store, scratch, .. } = &mut *inner;
        store.compact(keep, map, scratch);
        let ordered = store.structure().edge_indices().all(|e| {
            let (a, b) = store.structure().edge_endpoints(e).expect("edge exists");
            a < b
        });
        drop(inner);
        self.groups.borrow_mut().member.compact(keep);
        self.ordered.set(ordered);
        self.generation.set(self.generation.get() + 1);
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
        let store = self.read_at(root);
        let mut seen = FixedBitSet::with_capacity(store.structure().node_bound());
        let mut stack = vec![root];
        let mut out = Vec::new();
        seen.insert(root.index());
        while let Some(n) = stack.pop() {
            out.push(n);
            for s in store.operands(n) {
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
        let (copy, map) = self.copy_of(&ids, 0);
        (copy, ValueId(map[root.index()]))
    }

    /// A standalone copy of the nodes `ids` (ascending, every operand of
    /// one among them), with their data, grads, labels and groups as they
    /// are now, renumbered densely in index order, and room for `room`
    /// more nodes. Returns the copy and the map from old to new indices
    /// (`NodeIndex::end()` for nodes not copied).
    ///
    /// ```
    /// let g = gradviz::Graph::new();
    /// let _dead = g.value(9.0);
    /// let a = g.value(3.0);
    /// let b = a * a;
    /// let (copy, map) = g.copy_of(&[a.id(), b.id()], 0);
    /// assert_eq!((copy.len(), map[b.id().index()].index()), (2, 1));
    /// ```
    pub fn copy_of(&self, ids: &[ValueId], room: usize) -> (Graph, Vec<NodeIndex>) {
        self.settle();
        let store = self.read();
        let mut copy = Store::default();
        copy.reserve_exact(ids.len() + room, 2 * (ids.len() + room));
        let mut map = vec![NodeIndex::end(); store.structure().node_bound()];
        // Index order puts every node after its operands unless a result
        // landed in a freed slot below one: then operands are added first.
        let mut pending: Vec<ValueId> = Vec::new();
        let mut mapped = Vec::with_capacity(2);
        let ordered = self.ordered.get();
        for id in ids {
            if ordered {
                // Index order is a topological order: the operands of `id`
                // are below it, copied already (if `ids` has them all).
                let operands = store.operands(*id);
                if map[id.index()] == NodeIndex::end()
                    && operands.iter().all(|o| map[o.index()] != NodeIndex::end())
                {
                    mapped.clear();
                    mapped.extend(operands.iter().map(|o| ValueId(map[o.index()])));
                    map[id.index()] = copy.add_copy(&store, *id, &mapped).0;
                    continue;
                }
            }
            pending.push(*id);
            while let Some(&next) = pending.last() {
                if map[next.index()] != NodeIndex::end() {
                    pending.pop();
                    continue;
                }
                let operands = store.operands(next);
                let before = pending.len();
                pending.extend(
                    operands
                        .iter()
                        .copied()
                        .filter(|o| map[o.index()] == NodeIndex::end()),
                );
                if pending.len() == before {
                    pending.pop();
                    mapped.clear();
                    mapped.extend(operands.iter().map(|o| ValueId(map[o.index()])));
                    map[next.index()] = copy.add_copy(&store, next, &mapped).0;
                }
            }
        }
        let groups = self.groups.borrow().remapped(ids, &map);
        let ordered = copy.structure().edge_indices().all(|e| {
            let (a, b) = copy.structure().edge_endpoints(e).expect("edge exists");
            a < b
        });
        drop(store);
        let graph = Graph::with_store(copy, groups, ordered);
        graph.active_group.set(self.active_group.get());
        (graph, map)
    }
}

impl fmt::Debug for Graph {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let store = self.read();
        f.debug_struct("Graph")
            .field("nodes", &store.structure().node_count())
            .field("edges", &store.structure().edge_count())
            .finish()
    }
}
