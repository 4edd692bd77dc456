//! Where a graph's nodes live: the structure in a petgraph `StableGraph`
//! (each node's op, operand edges in position order), and each node's data,
//! grad and label beside it, indexed by the node's stable index.
//!
//! Keeping the numbers in dense arrays next to the `StableGraph` rather than
//! inside its node weights makes the node slots small (an op and two edge
//! links) and lets the backward pass and `zero_grad` run over contiguous
//! memory; the `StableGraph` stays the one description of the structure.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::Arc;

use petgraph::Direction::Incoming;
use petgraph::stable_graph::{NodeIndex, StableGraph};
use petgraph::visit::{EdgeRef, NodeIndexable};

use super::node::ValueId;
use super::op::{Exponent, Op};

/// The edge weight: which operand of the result the source node is (0 or 1).
/// petgraph returns neighbours in reverse insertion order, so the position
/// is stored rather than inferred.
pub type Operand = u8;

/// The petgraph type that holds a graph's structure: each node's weight is
/// the op that produced it (`None` for leaves) as a compact code that
/// [`Store::op`] decodes, each edge runs from an operand to its result.
pub type Structure = StableGraph<Option<OpCode>, Operand>;

/// An op in four bytes: the node weight of [`Structure`]. Exponents of
/// `**k` ops are kept once per graph in a table the code points into, which
/// keeps every node slot at 12 bytes (an `Op` takes 24).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OpCode(NonZeroU32);

/// The codes of the ops without a payload; `**k` ops are `POW + i` for the
/// `i`th exponent of the table.
const ADD: u32 = 1;
const MUL: u32 = 2;
const TANH: u32 = 3;
const EXP: u32 = 4;
const RELU: u32 = 5;
const POW: u32 = 6;

/// A graph's nodes: the structure and, per node index, data, grad and label.
#[derive(Clone, Debug, Default)]
pub struct Store {
    structure: Structure,
    /// `data[i]` is node `i`'s data (meaningless for vacant slots).
    data: Vec<f64>,
    /// `grad[i]` is node `i`'s grad (meaningless for vacant slots).
    grad: Vec<f64>,
    /// `labels[i]` is node `i`'s label; the array reaches only as far as the
    /// last labelled node, so the unlabelled nodes of a training step (made
    /// after the labelled parameters) cost nothing here.
    /// Shared, not copied: a label set on many nodes (or kept by a
    /// diagram's copy) is one string.
    labels: Vec<Option<Arc<str>>>,
    /// The distinct exponents of `**k` ops, in order of first use.
    exponents: Vec<Exponent>,
    /// Where each exponent is in `exponents`, by its kind and bits.
    exponent_codes: HashMap<(bool, u64), u32>,
    /// Whether `data` may hold an infinite or NaN number: set by any such
    /// write, cleared by a scan that finds none ([`Store::data_all_finite`]).
    may_hold_nonfinite: bool,
}

/// A borrowed view of one node.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NodeRef<'a> {
    /// The forward value.
    pub data: f64,
    /// ∂root/∂self, accumulated by backward passes.
    pub grad: f64,
    /// The op that produced the node; `None` for leaves.
    pub op: Option<Op>,
    /// The label, if the node has one.
    pub label: Option<&'a str>,
}

impl<'a> NodeRef<'a> {
    /// The label, or `""` when there is none (as micrograd's default).
    pub fn label_str(&self) -> &'a str {
        self.label.unwrap_or("")
    }
}

impl Store {
    /// The structure: ops and operand edges.
    pub fn structure(&self) -> &Structure {
        &self.structure
    }

    /// A view of node `id`.
    ///
    /// # Panics
    /// If `id` is not in the graph.
    pub fn node(&self, id: ValueId) -> NodeRef<'_> {
        NodeRef {
            data: self.data(id),
            grad: self.grad(id),
            op: self.op(id),
            label: self.label(id),
        }
    }

    /// Node `id`'s op (`None` for a leaf).
    ///
    /// # Panics
    /// If `id` is not in the graph.
    pub fn op(&self, id: ValueId) -> Option<Op> {
        self.structure[id.0].map(|code| self.decode(code))
    }

    /// The op a code stands for.
    pub fn decode(&self, code: OpCode) -> Op {
        match code.0.get() {
            ADD => Op::Add,
            MUL => Op::Mul,
            TANH => Op::Tanh,
            EXP => Op::Exp,
            RELU => Op::Relu,
            k => Op::Pow(self.exponents[(k - POW) as usize]),
        }
    }

    /// The code of `op` if the graph has one for it (every op but a `**k`
    /// whose exponent no node uses yet).
    fn code_of(&self, op: Op) -> Option<OpCode> {
        let code = match op {
            Op::Add => ADD,
            Op::Mul => MUL,
            Op::Tanh => TANH,
            Op::Exp => EXP,
            Op::Relu => RELU,
            Op::Pow(k) => POW.checked_add(*self.exponent_codes.get(&exponent_key(k))?)?,
        };
        NonZeroU32::new(code).map(OpCode)
    }

    /// The code of `op`, its exponent added to the table if new.
    pub(crate) fn encode(&mut self, op: Op) -> OpCode {
        if let Op::Pow(k) = op {
            let next = self.exponents.len() as u32;
            if *self.exponent_codes.entry(exponent_key(k)).or_insert(next) == next {
                self.exponents.push(k);
            }
        }
        self.code_of(op)
            .expect("fewer than 4 billion distinct exponents")
    }

    /// Node `id`'s data.
    ///
    /// # Panics
    /// If `id` is not in the graph.
    pub fn data(&self, id: ValueId) -> f64 {
        self.check(id);
        self.data[id.index()]
    }

    /// Node `id`'s grad.
    ///
    /// # Panics
    /// If `id` is not in the graph.
    pub fn grad(&self, id: ValueId) -> f64 {
        self.check(id);
        self.grad[id.index()]
    }

    /// Node `id`'s label, if it has one.
    pub fn label(&self, id: ValueId) -> Option<&str> {
        self.labels.get(id.index()).and_then(|l| l.as_deref())
    }

    /// The operands of `id` in position order.
    ///
    /// Ops take at most two operands, so they come back in a small array: no
    /// allocation and no sort on the backward pass's hot path.
    pub fn operands(&self, id: ValueId) -> Operands {
        let mut ops = Operands {
            ids: [ValueId(NodeIndex::end()); 2],
            len: 0,
        };
        for e in self.structure.edges_directed(id.0, Incoming) {
            let position = usize::from(*e.weight()).min(1);
            ops.ids[position] = ValueId(e.source());
            ops.len += 1;
        }
        ops
    }

    /// The operands' data as `(a, b)`, `b` being 0 for unary ops: the two
    /// numbers [`Op::forward`] and [`Op::local_grads`] take.
    pub fn operand_data(&self, operands: &Operands) -> (f64, f64) {
        let a = self.data[operands.ids[0].index()];
        let b = if operands.len > 1 {
            self.data[operands.ids[1].index()]
        } else {
            0.0
        };
        (a, b)
    }

    /// Panics unless `id` is a node (vacant slots have stale numbers).
    pub(crate) fn check(&self, id: ValueId) {
        assert!(
            self.structure.contains_node(id.0),
            "node {} is not in the graph",
            id.index()
        );
    }

    /// Adds a node and its operand edges; returns its id.
    pub(crate) fn add(&mut self, op: Option<Op>, data: f64, operands: &[ValueId]) -> ValueId {
        let code = op.map(|op| self.encode(op));
        let id = self.structure.add_node(code);
        for (position, o) in operands.iter().enumerate() {
            self.structure.add_edge(o.0, id, position as Operand);
        }
        let i = id.index();
        self.note(data);
        if i == self.data.len() {
            self.data.push(data);
            self.grad.push(0.0);
        } else {
            self.data[i] = data;
            self.grad[i] = 0.0;
        }
        ValueId(id)
    }

    /// Adds a copy of node `id` of `src` (op, data, grad, label) on
    /// `operands`, its operands' ids in this store; returns its id. The op
    /// is copied as its code, translated only for a `**k`, whose exponent
    /// table is per store.
    pub(crate) fn add_copy(&mut self, src: &Store, id: ValueId, operands: &[ValueId]) -> ValueId {
        let code = match src.structure[id.0] {
            Some(code) if code.0.get() >= POW => Some(self.encode(src.decode(code))),
            code => code,
        };
        let new = self.structure.add_node(code);
        for (position, o) in operands.iter().enumerate() {
            self.structure.add_edge(o.0, new, position as Operand);
        }
        let (i, j) = (new.index(), id.index());
        let (data, grad) = (src.data[j], src.grad[j]);
        self.note(data);
        if i == self.data.len() {
            self.data.push(data);
            self.grad.push(grad);
        } else {
            self.data[i] = data;
            self.grad[i] = grad;
        }
        if let Some(label) = src.label_shared(id) {
            self.set_label_shared(ValueId(new), Some(label));
        }
        ValueId(new)
    }

    /// The data of `op` on `operands`, which must be nodes of the graph.
    #[inline]
    pub(crate) fn forward(&self, op: Op, operands: &[ValueId]) -> f64 {
        let a = self.data[operands[0].index()];
        let b = operands.get(1).map_or(0.0, |b| self.data[b.index()]);
        op.forward(a, b)
    }

    /// Whether slot `i` holds a node of `op` (`None`: a leaf) on exactly
    /// `operands`, in their positions (and as many as the op takes).
    pub(crate) fn holds(&self, i: usize, op: Option<Op>, operands: &[ValueId]) -> bool {
        let node = NodeIndex::new(i);
        if operands.len() != op.map_or(0, Op::arity) {
            return false;
        }
        let code = match op {
            Some(op) => match self.code_of(op) {
                Some(code) => Some(code),
                None => return false,
            },
            None => None,
        };
        if self.structure.node_weight(node) != Some(&code) {
            return false;
        }
        let mut matched = 0;
        for e in self.structure.edges_directed(node, Incoming) {
            match operands.get(usize::from(*e.weight())) {
                Some(o) if o.0 == e.source() => matched += 1,
                _ => return false,
            }
        }
        matched == operands.len()
    }

    /// Gives node `id` new data and a zero grad: what adding it anew would
    /// have given it. (It has no label: [`Store::renew_from`] removed
    /// the labels of the pending nodes. The data is not checked for
    /// finiteness: [`Store::renew_from`] gave that up for the renewed
    /// slots.)
    #[inline]
    pub(crate) fn renew(&mut self, id: ValueId, data: f64) {
        let i = id.index();
        self.data[i] = data;
        self.grad[i] = 0.0;
    }

    /// Readies the nodes from index `first` on for [`Store::renew`]: drops
    /// their labels and stops vouching for the finiteness of the data (a
    /// scan will look again), so that renewing a node only writes its
    /// numbers.
    pub(crate) fn renew_from(&mut self, first: usize) {
        self.labels.truncate(first);
        self.may_hold_nonfinite = true;
    }

    /// Sets node `id`'s data.
    pub(crate) fn set_data(&mut self, id: ValueId, data: f64) {
        self.check(id);
        self.note(data);
        self.data[id.index()] = data;
    }

    /// Records that `x` was written to `data`.
    #[inline]
    fn note(&mut self, x: f64) {
        self.may_hold_nonfinite |= !x.is_finite();
    }

    /// Records that the numbers a pass wrote to `data` were all finite (or
    /// not).
    pub(crate) fn note_pass(&mut self, all_finite: bool) {
        self.may_hold_nonfinite |= !all_finite;
    }

    /// Whether every number in `data` is finite: known without a look at
    /// them unless a write may have broken it since the last look.
    pub(crate) fn data_all_finite(&mut self) -> bool {
        if self.may_hold_nonfinite {
            self.may_hold_nonfinite = !all_finite(&self.data);
        }
        !self.may_hold_nonfinite
    }

    /// Sets node `id`'s grad.
    pub(crate) fn set_grad(&mut self, id: ValueId, grad: f64) {
        self.check(id);
        self.grad[id.index()] = grad;
    }

    /// Sets or clears node `id`'s label.
    pub(crate) fn set_label(&mut self, id: ValueId, label: Option<&str>) {
        self.set_label_shared(id, label.map(Arc::from));
    }

    /// Node `id`'s label, shared.
    pub fn label_shared(&self, id: ValueId) -> Option<Arc<str>> {
        self.labels.get(id.index()).and_then(Clone::clone)
    }

    /// Sets or clears node `id`'s label, sharing the string.
    pub(crate) fn set_label_shared(&mut self, id: ValueId, label: Option<Arc<str>>) {
        self.check(id);
        let i = id.index();
        match label {
            Some(l) => {
                if i >= self.labels.len() {
                    self.labels.resize(i + 1, None);
                }
                self.labels[i] = Some(l);
            }
            None => {
                if let Some(l) = self.labels.get_mut(i) {
                    *l = None;
                }
            }
        }
    }

    /// The data and grad arrays, indexed by node index, for the passes.
    pub(crate) fn numbers_mut(&mut self) -> (&mut [f64], &mut [f64]) {
        (&mut self.data, &mut self.grad)
    }

    /// Sets every grad to zero.
    pub(crate) fn zero_grads(&mut self) {
        self.grad.fill(0.0);
    }

    /// Removes every node for which `keep` is false, with its edges and label.
    pub(crate) fn retain(&mut self, keep: impl Fn(usize) -> bool) {
        self.structure.retain_nodes(|_, n| keep(n.index()));
        for (i, l) in self.labels.iter_mut().enumerate() {
            if !keep(i) {
                *l = None;
            }
        }
    }

    /// Keeps only the first `count` nodes (and the edges among them):
    /// clearing and adding them back in order gives them the same indices,
    /// much faster than removing the others one by one.
    pub(crate) fn truncate(&mut self, count: usize) {
        let ops: Vec<Option<OpCode>> = (0..count)
            .map(|i| self.structure[NodeIndex::new(i)])
            .collect();
        let mut edges: Vec<(NodeIndex, NodeIndex, Operand)> = (0..count)
            .flat_map(|i| self.structure.edges_directed(NodeIndex::new(i), Incoming))
            .filter(|e| e.source().index() < count)
            .map(|e| (e.source(), e.target(), *e.weight()))
            .collect();
        // Each node's operand edges in position order, nodes in index order:
        // the order building the nodes added them in.
        edges.sort_unstable_by_key(|&(_, target, position)| (target, position));
        self.structure.clear();
        for op in ops {
            self.structure.add_node(op);
        }
        for (a, b, w) in edges {
            self.structure.add_edge(a, b, w);
        }
        self.data.truncate(count);
        self.grad.truncate(count);
        self.labels.truncate(count);
    }

    /// Keeps only the nodes `keep` (ascending, every operand of one among
    /// them), renumbered densely in that order, in this store's memory;
    /// `map[old]` is set to each kept node's new index (`NodeIndex::end()`
    /// for the others). The structure is cleared and built again from
    /// `scratch` (its memory reused too); numbers and labels move down in
    /// place (a kept node's new index is never above its old one).
    pub(crate) fn compact(
        &mut self,
        keep: &[ValueId],
        map: &mut Vec<NodeIndex>,
        scratch: &mut Scratch,
    ) {
        debug_assert!(
            keep.windows(2).all(|w| w[0] < w[1]),
            "the kept nodes are ascending, each once"
        );
        map.clear();
        map.resize(self.structure.node_bound(), NodeIndex::end());
        for (new, id) in keep.iter().enumerate() {
            map[id.index()] = NodeIndex::new(new);
        }
        scratch.ops.clear();
        scratch.edges.clear();
        for id in keep {
            scratch.ops.push(self.structure[id.0]);
            let operands = self.operands(*id);
            for (position, o) in operands.iter().enumerate() {
                scratch
                    .edges
                    .push((map[o.index()], map[id.index()], position as Operand));
            }
        }
        self.structure.clear();
        for op in &scratch.ops {
            self.structure.add_node(*op);
        }
        for &(a, b, position) in &scratch.edges {
            self.structure.add_edge(a, b, position);
        }
        for (new, id) in keep.iter().enumerate() {
            let old = id.index();
            self.data[new] = self.data[old];
            self.grad[new] = self.grad[old];
            if new != old && new < self.labels.len() {
                // The table may end below `old`: then the node had none,
                // and the slot must not keep a dropped node's label.
                let label = self.labels.get_mut(old).and_then(Option::take);
                self.labels[new] = label;
            }
        }
        self.data.truncate(keep.len());
        self.grad.truncate(keep.len());
        self.labels.truncate(keep.len());
    }

    /// Whether any edge joins two of the first `count` nodes.
    pub(crate) fn edges_among_first(&self, count: usize) -> bool {
        (0..count).any(|i| {
            self.structure
                .edges_directed(NodeIndex::new(i), Incoming)
                .any(|e| e.source().index() < count)
        })
    }

    /// Reserves room for `nodes` more nodes and `edges` more edges, exactly.
    pub(crate) fn reserve_exact(&mut self, nodes: usize, edges: usize) {
        self.structure.reserve_exact_nodes(nodes);
        self.structure.reserve_exact_edges(edges);
        self.data.reserve_exact(nodes);
        self.grad.reserve_exact(nodes);
    }

    /// Releases unused capacity.
    pub(crate) fn shrink_to_fit(&mut self) {
        self.structure.shrink_to_fit();
        self.data.shrink_to_fit();
        self.grad.shrink_to_fit();
        self.labels.shrink_to_fit();
    }

    /// Bytes held for nodes: `(in use, allocated)`, edges and labels
    /// included.
    pub fn bytes(&self) -> (usize, usize) {
        let node_slot = std::mem::size_of::<petgraph::graph::Node<Option<Option<OpCode>>>>();
        let edge_slot = std::mem::size_of::<petgraph::graph::Edge<Option<Operand>>>();
        let number = 2 * std::mem::size_of::<f64>();
        let label_entry = std::mem::size_of::<Option<Arc<str>>>();
        let label_text: usize = self.labels.iter().flatten().map(|l| l.len()).sum();
        let (ncap, ecap) = self.structure.capacity();
        let used = self.structure.node_count() * (node_slot + number)
            + self.structure.edge_count() * edge_slot
            + self.labels.len() * label_entry
            + label_text;
        let allocated = ncap * node_slot
            + self.data.capacity().max(self.grad.capacity()) * number
            + ecap * edge_slot
            + self.labels.capacity() * label_entry
            + label_text;
        (used, allocated)
    }
}

/// Working memory of [`Store::compact`], kept between compactions.
#[derive(Clone, Debug, Default)]
pub(crate) struct Scratch {
    ops: Vec<Option<OpCode>>,
    edges: Vec<(NodeIndex, NodeIndex, Operand)>,
}

/// The operands of a node, in position order (at most two).
#[derive(Clone, Copy, Debug)]
pub struct Operands {
    ids: [ValueId; 2],
    len: u8,
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

/// Whether no number is infinite or NaN. `x · 0` is ±0 for a finite `x` and
/// NaN otherwise; summed in eight independent lanes, the pass vectorises.
fn all_finite(numbers: &[f64]) -> bool {
    let mut lanes = [0.0f64; 8];
    let chunks = numbers.chunks_exact(8);
    let rest = chunks.remainder();
    for c in chunks {
        for (lane, x) in lanes.iter_mut().zip(c) {
            *lane += x * 0.0;
        }
    }
    lanes.iter().chain(rest).all(|x| x * 0.0 == 0.0)
}

/// How the exponent table knows an exponent: its kind and bits.
fn exponent_key(k: Exponent) -> (bool, u64) {
    match k {
        Exponent::Int(i) => (true, i as u64),
        Exponent::Float(f) => (false, f.to_bits()),
    }
}
