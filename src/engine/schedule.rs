//! The execution schedule: a root's op nodes in reverse topological order,
//! each with its op and operand indices inline, derived from the graph's
//! structure and cached until the structure changes.
//!
//! The `StableGraph` stays the description of the graph; the schedule is
//! what the passes run from. Walking the `StableGraph` means following each
//! node's linked list of incoming edges; the schedule is one flat array read
//! front to back (backward) or back to front (forward), over the dense data
//! and grad arrays. A graph built once and re-run derives it once.

use fixedbitset::FixedBitSet;
use petgraph::stable_graph::NodeIndex;
use petgraph::visit::NodeIndexable;

use super::graph::ValueId;
use super::op::{Exponent, Op};
use super::store::Store;

/// `Step::b` of a unary op.
const UNARY: u32 = u32::MAX;

/// One op node: `out = ops[op](a, b)`.
#[derive(Clone, Copy, Debug)]
struct Step {
    out: u32,
    a: u32,
    b: u32,
    /// Index into [`Schedule::ops`] (a graph has few distinct ops).
    op: u32,
}

/// A root's op nodes in reverse topological order (results before their
/// operands), ready to run.
#[derive(Clone, Debug, Default)]
pub(crate) struct Schedule {
    /// The root and the graph generation it was derived for; `None` before
    /// the first derivation.
    key: Option<(ValueId, u64)>,
    steps: Vec<Step>,
    /// The distinct ops the steps use.
    ops: Vec<Op>,
}

impl Schedule {
    /// Whether this schedule was derived for `root` at `generation`.
    pub(crate) fn is_for(&self, root: ValueId, generation: u64) -> bool {
        self.key == Some((root, generation))
    }

    /// Derives the schedule of `root` from `store`, reusing this one's
    /// buffers. `in_creation_order` says every edge runs from a lower to a
    /// higher index: then one sweep down the indices finds the ancestors in
    /// reverse topological order, with no search and no order to store.
    pub(crate) fn derive(
        &mut self,
        store: &Store,
        root: ValueId,
        generation: u64,
        in_creation_order: bool,
    ) {
        self.steps.clear();
        self.ops.clear();
        if in_creation_order {
            let mut marked = FixedBitSet::with_capacity(root.index() + 1);
            marked.insert(root.index());
            for i in (0..=root.index()).rev() {
                if marked.contains(i) {
                    let id = ValueId(NodeIndex::new(i));
                    let operands = store.operands(id);
                    for o in operands {
                        marked.insert(o.index());
                    }
                    self.push(store, id, &operands);
                }
            }
        } else {
            for id in topo_order(store, root).into_iter().rev() {
                self.push(store, id, &store.operands(id));
            }
        }
        self.key = Some((root, generation));
    }

    /// Appends node `id` if it is an op node.
    fn push(&mut self, store: &Store, id: ValueId, operands: &[ValueId]) {
        let Some(op) = store.op(id) else { return };
        if operands.len() != op.arity() {
            return; // operands released by `clear_except`: a leaf now
        }
        let op = self.intern(op);
        self.steps.push(Step {
            out: id.index() as u32,
            a: operands[0].index() as u32,
            b: operands.get(1).map_or(UNARY, |b| b.index() as u32),
            op,
        });
    }

    /// The index of `op` in the table, added if new. Exponents compare by
    /// bits, so a `nan` exponent is one op, not a new one each time.
    fn intern(&mut self, op: Op) -> u32 {
        let same = |o: &Op| match (*o, op) {
            (Op::Pow(Exponent::Float(x)), Op::Pow(Exponent::Float(y))) => {
                x.to_bits() == y.to_bits()
            }
            (o, op) => o == op,
        };
        match self.ops.iter().position(same) {
            Some(i) => i as u32,
            None => {
                self.ops.push(op);
                self.ops.len() as u32 - 1
            }
        }
    }

    /// Recomputes every step's data from its operands, operands first.
    pub(crate) fn forward(&self, data: &mut [f64]) {
        for s in self.steps.iter().rev() {
            let a = data[s.a as usize];
            let b = if s.b == UNARY {
                0.0
            } else {
                data[s.b as usize]
            };
            data[s.out as usize] = self.ops[s.op as usize].forward(a, b);
        }
    }

    /// Applies every step's chain rule, results first: `operand.grad +=
    /// ∂out/∂operand · out.grad`.
    pub(crate) fn backward(&self, data: &[f64], grad: &mut [f64]) {
        for s in &self.steps {
            let g = grad[s.out as usize];
            let a = data[s.a as usize];
            let op = self.ops[s.op as usize];
            if s.b == UNARY {
                let local = op.local_grads(a, 0.0, data[s.out as usize]);
                grad[s.a as usize] += local[0] * g;
            } else {
                let local = op.local_grads(a, data[s.b as usize], data[s.out as usize]);
                grad[s.a as usize] += local[0] * g;
                grad[s.b as usize] += local[1] * g;
            }
        }
    }

    /// Releases unused capacity.
    pub(crate) fn shrink_to_fit(&mut self) {
        self.steps.shrink_to_fit();
    }

    /// Bytes held: `(in use, allocated)`.
    pub(crate) fn bytes(&self) -> (usize, usize) {
        let (step, op) = (std::mem::size_of::<Step>(), std::mem::size_of::<Op>());
        (
            self.steps.len() * step + self.ops.len() * op,
            self.steps.capacity() * step + self.ops.capacity() * op,
        )
    }
}

/// Backward from `root` without deriving a schedule, for a graph in
/// creation order (every edge from a lower to a higher index): the same
/// sweep down the indices as [`Schedule::derive`], applying each marked op
/// node's chain rule as it goes. A graph rebuilt every step backpropagates
/// once per build, and storing the schedule would only cost time.
pub(crate) fn backward_sweep(store: &mut Store, root: ValueId) {
    let mut marked = FixedBitSet::with_capacity(root.index() + 1);
    marked.insert(root.index());
    store.numbers_mut().1[root.index()] = 1.0;
    for i in (0..=root.index()).rev() {
        if !marked.contains(i) {
            continue;
        }
        let id = ValueId(NodeIndex::new(i));
        let Some(op) = store.op(id) else { continue };
        let operands = store.operands(id);
        if operands.len() != op.arity() {
            continue; // operands released by `clear_except`: a leaf now
        }
        let (a, b) = store.operand_data(&operands);
        let (data, grad) = store.numbers_mut();
        let local = op.local_grads(a, b, data[i]);
        let g = grad[i];
        for (position, o) in operands.iter().enumerate() {
            marked.insert(o.index());
            grad[o.index()] += local[position] * g;
        }
    }
}

/// Operands before results: an iterative post-order walk from the root over
/// the operands (operand 0 first), with an explicit stack instead of
/// recursion, as micrograd's `build_topo`.
pub(crate) fn topo_order(store: &Store, root: ValueId) -> Vec<ValueId> {
    let mut visited = FixedBitSet::with_capacity(store.structure().node_bound());
    let mut order = Vec::new();
    let mut stack: Vec<(ValueId, bool)> = vec![(root, false)];
    while let Some((id, expanded)) = stack.pop() {
        if expanded {
            order.push(id);
            continue;
        }
        if visited.put(id.index()) {
            continue;
        }
        stack.push((id, true));
        // In a DAG no operand can be visited but not yet emitted, so this
        // post-order is a topological order.
        for o in store.operands(id).into_iter().rev() {
            if !visited.contains(o.index()) {
                stack.push((o, false));
            }
        }
    }
    order
}
