//! The execution schedule: a root's op nodes in topological order, each
//! with its op and operand indices inline, derived from the graph's
//! structure and cached until the structure changes.
//!
//! The `StableGraph` stays the description of the graph; the schedule is
//! what the passes run from. Walking the `StableGraph` means following each
//! node's linked list of incoming edges; the schedule is one flat array read
//! front to back (forward, and a rebuilt step checked against it by
//! `engine/replay.rs`) or back to front (backward), over the dense data and
//! grad arrays. A graph built once and re-run derives it once.

use std::hint::select_unpredictable;

use fixedbitset::FixedBitSet;
use petgraph::stable_graph::NodeIndex;
use petgraph::visit::NodeIndexable;

use super::node::ValueId;
use super::op::{Exponent, Op};
use super::store::Store;

/// `Step::b` of a unary op.
const UNARY: u32 = u32::MAX;

/// The first two entries of every op table: `+` and `*`, most nodes of a
/// network. The passes compute both ops' results and pick one with a
/// conditional move: dispatching on the op instead costs a mispredicted
/// branch whenever `+` and `*` interleave less regularly than the
/// predictor expects, and a jump table over all ops is slower still.
const BINARY: [Op; 2] = [Op::Add, Op::Mul];

/// One op node: `out = ops[op](a, b)`.
#[derive(Clone, Copy, Debug)]
struct Step {
    out: u32,
    a: u32,
    b: u32,
    /// Index into [`Schedule::ops`] (a graph has few distinct ops).
    op: u32,
}

/// A root's op nodes in topological order (operands before their results),
/// ready to run.
#[derive(Clone, Debug, Default)]
pub(crate) struct Schedule {
    /// The root and the graph generation it was derived for; `None` before
    /// the first derivation.
    key: Option<(ValueId, u64)>,
    steps: Vec<Step>,
    /// The distinct ops the steps use.
    ops: Vec<Op>,
    /// Whether the steps are in ascending order of slot (derived by the
    /// sweep down the indices), so that a rebuilt step can be checked
    /// against them in slot order ([`Schedule::step_for`]).
    by_slot: bool,
}

impl Schedule {
    /// Whether this schedule was derived for `root` at `generation`.
    pub(crate) fn is_for(&self, root: ValueId, generation: u64) -> bool {
        self.key == Some((root, generation))
    }

    /// Derives the schedule of `root` from `store`, reusing this one's
    /// buffers. `in_creation_order` says every edge runs from a lower to a
    /// higher index: then one sweep down the indices finds the ancestors, in
    /// reverse index order, with no search.
    pub(crate) fn derive(
        &mut self,
        store: &Store,
        root: ValueId,
        generation: u64,
        in_creation_order: bool,
    ) {
        self.steps.clear();
        self.ops.clear();
        self.ops.extend(BINARY);
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
            for id in topo_order(store, root) {
                self.push(store, id, &store.operands(id));
            }
        }
        if in_creation_order {
            self.steps.reverse(); // the sweep went down the indices
        }
        // Kept for many passes: no growth slack.
        self.steps.shrink_to_fit();
        self.key = Some((root, generation));
        self.by_slot = in_creation_order;
    }

    /// Where a rebuild that starts at slot `first` begins in the steps, if the schedule
    /// describes the structure at `generation` in slot order.
    pub(crate) fn replay_from(&self, first: usize, generation: u64) -> Option<usize> {
        if !self.by_slot || self.key.is_none_or(|(_, g)| g != generation) {
            return None;
        }
        Some(
            self.steps
                .iter()
                .take_while(|s| (s.out as usize) < first)
                .count(),
        )
    }

    /// Whether the step at `position` (see [`Schedule::replay_from`]) is
    /// slot `slot` holding `+` (`binary` 0) or `*` (1) on `a` and `b`.
    #[inline]
    pub(crate) fn is_binary_step(
        &self,
        position: u32,
        slot: u32,
        binary: u32,
        a: u32,
        b: u32,
    ) -> bool {
        self.steps
            .get(position as usize)
            .is_some_and(|s| (s.out == slot) & (s.op == binary) & (s.a == a) & (s.b == b))
    }

    /// Whether the step at `position` (see [`Schedule::replay_from`]) is
    /// slot `slot` holding the unary `op` on `a`.
    #[inline]
    pub(crate) fn is_unary_step(&self, position: u32, slot: u32, op: Op, a: u32) -> bool {
        self.steps.get(position as usize).is_some_and(|s| {
            s.out == slot && s.a == a && s.b == UNARY && same_op(self.ops[s.op as usize], op)
        })
    }

    /// The index in every op table of `op` if it is `+` or `*`.
    #[inline]
    pub(crate) fn binary_index(op: Op) -> Option<u32> {
        match op {
            Op::Add => Some(0),
            Op::Mul => Some(1),
            _ => None,
        }
    }

    /// Whether the step at `position` (see [`Schedule::replay_from`]) is
    /// slot `slot`; if so, whether it is `op` on `operands`.
    #[inline]
    pub(crate) fn step_for(
        &self,
        position: u32,
        slot: u32,
        op: Option<Op>,
        operands: &[ValueId],
    ) -> Option<bool> {
        let s = *self.steps.get(position as usize)?;
        if s.out != slot {
            return None;
        }
        let (a, b) = match *operands {
            [a] => (a.index() as u32, UNARY),
            [a, b] => (a.index() as u32, b.index() as u32),
            _ => return Some(false),
        };
        let same_op = match op {
            Some(Op::Add) => s.op == 0,
            Some(Op::Mul) => s.op == 1,
            Some(op) => s.op >= 2 && same_op(self.ops[s.op as usize], op),
            None => false,
        };
        Some(same_op & (s.a == a) & (s.b == b))
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
        match self.ops.iter().position(|o| same_op(*o, op)) {
            Some(i) => i as u32,
            None => {
                self.ops.push(op);
                self.ops.len() as u32 - 1
            }
        }
    }

    /// Recomputes every step's data from its operands, operands first.
    /// Returns whether every result is finite.
    pub(crate) fn forward(&self, data: &mut [f64]) -> bool {
        let mut finite = true;
        for s in &self.steps {
            let a = data[s.a as usize];
            let out = if s.op < 2 {
                let b = data[s.b as usize];
                let [add, mul] = BINARY.map(|op| op.forward(a, b));
                select_unpredictable(s.op == 0, add, mul)
            } else {
                let b = if s.b == UNARY {
                    0.0
                } else {
                    data[s.b as usize]
                };
                self.ops[s.op as usize].forward(a, b)
            };
            finite &= out.is_finite();
            data[s.out as usize] = out;
        }
        finite
    }

    /// Applies every step's chain rule, results first: `operand.grad +=
    /// ∂out/∂operand · out.grad`, skipping nodes that pass nothing on.
    ///
    /// `finite` says every number in `data` is finite: then `+` and `*`
    /// have finite local derivatives, and a node of theirs with zero grad
    /// passes nothing on and is skipped unread.
    pub(crate) fn backward(&self, data: &[f64], grad: &mut [f64], finite: bool) {
        for s in self.steps.iter().rev() {
            let g = grad[s.out as usize];
            if s.op < 2 {
                if g == 0.0 && finite {
                    continue;
                }
                let (a, b) = (data[s.a as usize], data[s.b as usize]);
                let out = data[s.out as usize];
                let [add, mul] = BINARY.map(|op| op.local_grads(a, b, out));
                let local = select_unpredictable(s.op == 0, add, mul);
                if passes_nothing(g, local) {
                    continue;
                }
                grad[s.a as usize] += local[0] * g;
                grad[s.b as usize] += local[1] * g;
            } else {
                let a = data[s.a as usize];
                let b = if s.b == UNARY {
                    0.0
                } else {
                    data[s.b as usize]
                };
                let local = self.ops[s.op as usize].local_grads(a, b, data[s.out as usize]);
                if passes_nothing(g, local) {
                    continue;
                }
                grad[s.a as usize] += local[0] * g;
                if s.b != UNARY {
                    grad[s.b as usize] += local[1] * g;
                }
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
///
/// `visit` sees every node the pass reaches, results before their operands,
/// each once its grad is final: its id, its op (`None` for a leaf) and
/// operands, and its grad.
pub(crate) fn backward_sweep(
    store: &mut Store,
    root: ValueId,
    mut visit: impl FnMut(ValueId, Option<Op>, &[ValueId], f64),
) {
    let mut marked = FixedBitSet::with_capacity(root.index() + 1);
    marked.insert(root.index());
    let finite = store.data_all_finite();
    store.numbers_mut().1[root.index()] = 1.0;
    for i in (0..=root.index()).rev() {
        if !marked.contains(i) {
            continue;
        }
        let id = ValueId(NodeIndex::new(i));
        let op = store.op(id);
        let operands = store.operands(id);
        let Some(op) = op.filter(|op| operands.len() == op.arity()) else {
            // A leaf, or operands released by `clear_except`: a leaf now.
            visit(id, None, &[], store.numbers_mut().1[i]);
            continue;
        };
        for o in operands.iter() {
            marked.insert(o.index());
        }
        let (a, b) = store.operand_data(&operands);
        let (data, grad) = store.numbers_mut();
        let g = grad[i];
        visit(id, Some(op), &operands, g);
        if g == 0.0 && finite && BINARY.contains(&op) {
            continue; // as in `Schedule::backward`
        }
        let local = op.local_grads(a, b, data[i]);
        if passes_nothing(g, local) {
            continue;
        }
        for (position, o) in operands.iter().enumerate() {
            grad[o.index()] += local[position] * g;
        }
    }
}

/// Whether two ops are the same, exponents compared by bits (a `nan`
/// exponent is one op, not a new one each time).
fn same_op(x: Op, y: Op) -> bool {
    match (x, y) {
        (Op::Pow(Exponent::Float(x)), Op::Pow(Exponent::Float(y))) => x.to_bits() == y.to_bits(),
        (x, y) => x == y,
    }
}

/// Whether a node with grad `g` and local derivatives `local` adds nothing
/// to its operands' grads: `g` is zero and the derivatives are finite, so
/// each term `local · g` is ±0, and adding ±0 leaves a sum as it is (grads
/// start at +0 and sums of terms never make -0). A ReLU network has many
/// such nodes (dead units, samples past the margin), and skipping them saves
/// the read and write of both operands' grads. An infinite or NaN
/// derivative still passes on micrograd's `0 · inf = nan`.
fn passes_nothing(g: f64, local: [f64; 2]) -> bool {
    g == 0.0 && local[0].is_finite() && local[1].is_finite()
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
