//! Reusing the nodes of a rebuilt step.
//!
//! A training loop written the micrograd way builds the same expression
//! every step, then calls [`Graph::clear_except`](super::Graph::clear_except)
//! with the parameters. Removing the step's nodes from the `StableGraph`
//! and adding the same nodes back costs more than all the arithmetic of the
//! step. So when the kept nodes are the first indices, `clear_except`
//! leaves the other nodes in place, *pending*, and each node the next step
//! adds is compared with the pending node in the slot it would get: same op
//! (or both leaves) and the same operands in the same positions. If they
//! are the same, the new node takes the slot over with its own data, a zero
//! grad and no label. At the first difference, and before any other use of
//! the graph, the pending nodes not taken over are removed for real
//! ([`Replay::settle`]).
//!
//! Nothing outside the engine can tell the two paths apart: ids, structure,
//! data, grads, labels and groups are what removing and adding would have
//! made. What differs is the cost, and that a step which rebuilt the same
//! graph left the structure unchanged, so the execution schedule cached for
//! its root stays valid.

use super::node::ValueId;
use super::op::Op;
use super::schedule::Schedule;
use super::store::Store;

/// The pending slots `next..end`, left in place by `clear_except` for the
/// next step to take over in order; none when `next == end`.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Replay {
    next: u32,
    end: u32,
    /// The position in the cached schedule of the first op node at or
    /// after `next` (`u32::MAX` when the schedule does not describe the
    /// pending nodes): checking a node against its step (16 bytes, read in
    /// order) is cheaper than following the `StableGraph`'s edge lists.
    step: u32,
}

impl Replay {
    /// Slots `next..end` pending; `step` as [`Schedule::replay_from`] found
    /// it for `next`.
    pub(crate) fn pending(next: usize, end: usize, step: Option<usize>) -> Self {
        let index = |i: usize| u32::try_from(i).expect("node indices are u32");
        Replay {
            next: index(next),
            end: index(end),
            step: step.map_or(u32::MAX, index),
        }
    }

    /// Whether any slot is pending.
    #[inline]
    pub(crate) fn is_active(self) -> bool {
        self.next < self.end
    }

    /// How many nodes are pending.
    pub(crate) fn len(self) -> usize {
        (self.end - self.next) as usize
    }

    /// Whether `id` is a pending node (removed, as far as users can tell).
    pub(crate) fn covers(self, id: ValueId) -> bool {
        (self.next as usize..self.end as usize).contains(&id.index())
    }

    /// Takes the next pending slot over for a node of `op` on `operands`
    /// (`None` and no operands: a leaf of data `leaf_data`) if the slot holds
    /// that node; returns its id, or `None` when the slot holds another node
    /// (then nothing changed).
    #[inline]
    pub(crate) fn take(
        &mut self,
        store: &mut Store,
        schedule: &Schedule,
        op: Option<Op>,
        operands: &[ValueId],
        leaf_data: f64,
    ) -> Option<ValueId> {
        if !self.is_active() {
            return None;
        }
        let next = self.next as usize;
        let same = match schedule.step_for(self.step, self.next, op, operands) {
            Some(same) => {
                self.step += 1;
                same
            }
            // A leaf, or an op node the schedule's root does not need.
            None => store.holds(next, op, operands),
        };
        if !same {
            return None;
        }
        // The operands are the pending node's: nodes of the graph.
        let data = op.map_or(leaf_data, |op| store.forward(op, operands));
        let id = ValueId::new(next);
        store.renew(id, data);
        self.next += 1;
        Some(id)
    }

    /// [`Replay::take`] for a `+` or `*` node whose step the schedule has
    /// (most nodes of a network), without the general checks; `None` when
    /// that does not apply (then nothing changed).
    #[inline]
    pub(crate) fn take_binary(
        &mut self,
        store: &mut Store,
        schedule: &Schedule,
        op: Op,
        a: ValueId,
        b: ValueId,
    ) -> Option<ValueId> {
        let binary = Schedule::binary_index(op)?;
        let (ai, bi) = (a.index() as u32, b.index() as u32);
        if self.next >= self.end || !schedule.is_binary_step(self.step, self.next, binary, ai, bi) {
            return None;
        }
        let id = ValueId::new(self.next as usize);
        let data = store.forward(op, &[a, b]);
        store.renew(id, data);
        self.next += 1;
        self.step += 1;
        Some(id)
    }

    /// [`Replay::take_binary`] for a unary op node.
    #[inline]
    pub(crate) fn take_unary(
        &mut self,
        store: &mut Store,
        schedule: &Schedule,
        op: Op,
        a: ValueId,
    ) -> Option<ValueId> {
        if self.next >= self.end
            || !schedule.is_unary_step(self.step, self.next, op, a.index() as u32)
        {
            return None;
        }
        let id = ValueId::new(self.next as usize);
        let data = store.forward(op, &[a]);
        store.renew(id, data);
        self.next += 1;
        self.step += 1;
        Some(id)
    }

    /// Removes the pending nodes not taken over. Returns whether it removed
    /// any (then schedules derived before are stale).
    pub(crate) fn settle(&mut self, store: &mut Store) -> bool {
        if !self.is_active() {
            return false;
        }
        store.truncate(self.next as usize);
        self.end = self.next;
        true
    }
}
