//! The passes over a root's ancestors: backward (the chain rule in reverse
//! topological order, accumulating into each operand's grad), forward
//! (recomputing data after leaves changed) and zero_grad. Both run from the
//! graph's cached execution schedule (`engine/schedule.rs`).

use super::graph::Graph;
use super::node::ValueId;
use super::schedule::{Schedule, backward_sweep, topo_order};
use super::store::Store;

impl Graph {
    /// `root` and its ancestors in topological order (operands before
    /// results), as micrograd's `build_topo`, but iterative: a chain a
    /// million nodes deep does not touch the call stack.
    ///
    /// ```
    /// let g = gradviz::Graph::new();
    /// let a = g.value(2.0);
    /// let b = a.tanh();
    /// let c = b * a;
    /// assert_eq!(g.topo_order(c.id()), vec![a.id(), b.id(), c.id()]);
    /// ```
    pub fn topo_order(&self, root: ValueId) -> Vec<ValueId> {
        topo_order(&self.store(), root)
    }

    /// Backpropagates from `root`: sets `root.grad = 1` and, in reverse
    /// topological order, adds each node's local derivatives times its grad
    /// into its operands' grads. Grads are *accumulated*, not reset (call
    /// [`Graph::zero_grad`] first to start over), exactly like micrograd.
    ///
    /// # Panics
    /// If `root` is not in the graph.
    ///
    /// ```
    /// let g = gradviz::Graph::new();
    /// let a = g.value(3.0);
    /// let b = a + a;
    /// g.backward(b.id());
    /// assert_eq!(a.grad(), 2.0);
    /// ```
    pub fn backward(&self, root: ValueId) {
        self.backward_visiting(root, |_, _, _, _| {});
    }

    /// [`Graph::backward`], showing `visit` each node the pass reaches,
    /// results before their operands, once its grad is final: its id, op
    /// (`None` for a leaf), operands and grad. Returns `false` (and visits
    /// nothing) when the pass ran from a cached schedule instead, which
    /// does not look at the nodes one by one.
    pub(crate) fn backward_visiting(
        &self,
        root: ValueId,
        visit: impl FnMut(ValueId, Option<super::op::Op>, &[ValueId], f64),
    ) -> bool {
        self.settle(); // before reading the generation, which it can bump
        let generation = self.generation();
        let scheduled = self.with_schedule(|schedule, _| schedule.is_for(root, generation));
        if !scheduled && self.in_creation_order() && self.first_backward(root) {
            self.with_store_mut(|store| {
                store.check(root);
                backward_sweep(store, root, visit);
            });
            return true;
        }
        self.run_scheduled(root, |schedule, store| {
            let finite = store.data_all_finite();
            let (data, grad) = store.numbers_mut();
            grad[root.index()] = 1.0;
            schedule.backward(data, grad, finite);
        });
        false
    }

    /// Runs one node's local chain rule (micrograd's `v._backward()`): adds
    /// `∂v/∂operand · v.grad` into each operand's grad. Leaves do nothing.
    ///
    /// ```
    /// let g = gradviz::Graph::new();
    /// let x = g.value(2.0);
    /// let w = g.value(-3.0);
    /// let xw = x * w;
    /// xw.set_grad(0.5);
    /// g.backward_node(xw.id());
    /// assert_eq!((x.grad(), w.grad()), (-1.5, 1.0));
    /// ```
    pub fn backward_node(&self, id: ValueId) {
        self.with_store_mut(|store| {
            let Some(op) = store.op(id) else { return };
            let operands = store.operands(id);
            if operands.len() != op.arity() {
                return; // operands released by `clear_except`: a leaf now
            }
            let (a, b) = store.operand_data(&operands);
            let local = op.local_grads(a, b, store.data(id));
            let out_grad = store.grad(id);
            for (position, operand) in operands.iter().enumerate() {
                let g = store.grad(*operand) + local[position] * out_grad;
                store.set_grad(*operand, g);
            }
        });
    }

    /// Recomputes the data of every op node among `root`'s ancestors from its
    /// operands, in topological order (after leaves' data changed). Returns
    /// the root's new data.
    ///
    /// With [`Graph::zero_grad`] and [`Graph::backward`] this is the re-run
    /// mode: build a graph once, then per step set the leaves' data, run
    /// forward and backward again. The schedule derived on the first pass is
    /// kept, so later passes only compute.
    ///
    /// ```
    /// let g = gradviz::Graph::new();
    /// let w = g.value(0.5);
    /// let loss = (w * 2.0 - 1.0).powi(2); // built once
    /// w.set_data(2.0);
    /// for _ in 0..100 {
    ///     g.forward(loss.id());
    ///     g.zero_grad();
    ///     g.backward(loss.id());
    ///     w.set_data(w.data() - 0.1 * w.grad());
    /// }
    /// assert!((w.data() - 0.5).abs() < 1e-9);
    /// assert_eq!(g.len(), 6); // nothing added by the re-runs
    /// ```
    pub fn forward(&self, root: ValueId) -> f64 {
        self.run_scheduled(root, |schedule, store| {
            let (data, _) = store.numbers_mut();
            let finite = schedule.forward(data);
            let root_data = data[root.index()];
            store.note_pass(finite);
            root_data
        })
    }

    /// Sets every node's grad to zero.
    ///
    /// ```
    /// let g = gradviz::Graph::new();
    /// let a = g.value(3.0);
    /// (a * a).backward();
    /// g.zero_grad();
    /// assert_eq!(a.grad(), 0.0);
    /// ```
    pub fn zero_grad(&self) {
        self.zero_grads();
    }

    /// Runs `f` with `root`'s schedule (derived now unless cached) and the
    /// nodes.
    fn run_scheduled<R>(&self, root: ValueId, f: impl FnOnce(&Schedule, &mut Store) -> R) -> R {
        self.settle();
        let generation = self.generation();
        let ordered = self.in_creation_order();
        self.with_schedule(|schedule, store| {
            store.check(root);
            if !schedule.is_for(root, generation) {
                schedule.derive(store, root, generation, ordered);
            }
            f(schedule, store)
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::Graph;

    #[test]
    fn a_million_deep_chain_runs_backward_without_overflow() {
        let g = Graph::new();
        let x = g.value(1.0);
        let mut y = x;
        for _ in 0..1_000_000 {
            y = y + 0.0;
        }
        y.backward();
        assert_eq!(x.grad(), 1.0);
        assert_eq!(g.len(), 2_000_001);
    }

    #[test]
    fn shared_subexpressions_accumulate() {
        // a=-2, b=3, d=a*b, e=a+b, f=d*e → a.grad -3, b.grad -8 (SPEC §8).
        let g = Graph::new();
        let a = g.value(-2.0);
        let b = g.value(3.0);
        let d = a * b;
        let e = a + b;
        let f = d * e;
        f.backward();
        assert_eq!((a.grad(), b.grad()), (-3.0, -8.0));
    }
}

#[cfg(test)]
mod order_tests {
    use crate::Graph;

    /// The sweep over creation order and the topological walk agree, before
    /// and after nodes are removed and their slots reused.
    fn build<'g>(g: &'g Graph, w: crate::Value<'g>) -> crate::Value<'g> {
        let x = g.value(1.5);
        let h = (w * x + 0.3).tanh();
        (h * h + w.powi(2) * 0.5 + (w * 2.0).exp()).relu()
    }

    #[test]
    fn fast_and_general_backward_agree() {
        let g = Graph::new();
        let w = g.value(0.7);
        let y = build(&g, w);
        assert!(g.in_creation_order());
        y.backward();
        let fast = w.grad();
        // Remove a node in the middle, so the next nodes fill a hole.
        g.zero_grad();
        let keep: Vec<_> = g.ids().into_iter().filter(|id| id.index() != 1).collect();
        g.clear_except(&keep);
        let y2 = build(&g, w);
        y2.backward();
        assert_eq!(w.grad(), fast);
    }

    /// A result placed in a freed slot below its operand must not fool the
    /// sweep (found in review).
    #[test]
    fn results_in_low_freed_slots_use_the_general_walk() {
        let g = Graph::new();
        let w = g.value(0.5);
        let c = g.value(2.0);
        let v = g.value(3.0);
        let _ = (w * c).tanh();
        g.clear_except(&[w.id(), v.id()]);
        let y = w.tanh();
        let z = y * y;
        let u = z * w;
        let r = u * v;
        r.backward();
        let t = 0.5f64.tanh();
        let want = 3.0 * (t * t + 0.5 * 2.0 * t * (1.0 - t * t));
        assert!((w.grad() - want).abs() < 1e-12, "{} vs {want}", w.grad());
        let z2 = y * v;
        z2.backward(); // no panic
    }
}
