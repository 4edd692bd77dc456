//! The backward pass: a topological order of the root's ancestors, then the
//! chain rule applied in reverse, accumulating into each operand's grad.

use fixedbitset::FixedBitSet;
use petgraph::stable_graph::NodeIndex;
use petgraph::visit::NodeIndexable;

use super::graph::{Graph, Inner, ValueId, operands_of};

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
        topo_order(&self.inner(), root)
    }

    /// Backpropagates from `root`: sets `root.grad = 1` and, in reverse
    /// topological order, adds each node's local derivatives times its grad
    /// into its operands' grads. Grads are *accumulated*, not reset (call
    /// [`Graph::zero_grad`] first to start over), exactly like micrograd.
    ///
    /// ```
    /// let g = gradviz::Graph::new();
    /// let a = g.value(3.0);
    /// let b = a + a;
    /// g.backward(b.id());
    /// assert_eq!(a.grad(), 2.0);
    /// ```
    pub fn backward(&self, root: ValueId) {
        if self.in_creation_order() {
            // Every consumer of a node was created after it, so one sweep down
            // the indices visits the root's ancestors in reverse topological
            // order: mark the operands of each marked node, apply its chain
            // rule. No search, no order to store.
            self.with_inner_mut(|g| {
                g[root.0].grad = 1.0;
                let mut marked = FixedBitSet::with_capacity(root.index() + 1);
                marked.insert(root.index());
                for i in (0..=root.index()).rev() {
                    if !marked.contains(i) {
                        continue;
                    }
                    let id = ValueId(NodeIndex::new(i));
                    for o in operands_of(g, id) {
                        marked.insert(o.index());
                    }
                    chain_rule(g, id);
                }
            });
            return;
        }
        let order = self.topo_order(root);
        self.with_inner_mut(|g| {
            g[root.0].grad = 1.0;
            for id in order.iter().rev() {
                chain_rule(g, *id);
            }
        });
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
        self.with_inner_mut(|g| chain_rule(g, id));
    }

    /// Recomputes the data of every op node among `root`'s ancestors from its
    /// operands, in topological order (after leaves' data changed). Returns
    /// the root's new data.
    ///
    /// ```
    /// let g = gradviz::Graph::new();
    /// let a = g.value(2.0);
    /// let b = a * a + 1.0;
    /// a.set_data(3.0);
    /// assert_eq!(g.forward(b.id()), 10.0);
    /// ```
    pub fn forward(&self, root: ValueId) -> f64 {
        let order = if self.in_creation_order() {
            // Creation order is a topological order: mark the ancestors in
            // one sweep down, then compute them going up.
            let g = self.inner();
            let mut marked = FixedBitSet::with_capacity(root.index() + 1);
            marked.insert(root.index());
            for i in (0..=root.index()).rev() {
                if marked.contains(i) {
                    for o in operands_of(&g, ValueId(NodeIndex::new(i))) {
                        marked.insert(o.index());
                    }
                }
            }
            marked.ones().map(|i| ValueId(NodeIndex::new(i))).collect()
        } else {
            self.topo_order(root)
        };
        self.with_inner_mut(|g| {
            for id in order {
                let Some(op) = g[id.0].op else { continue };
                let (a, b) = operands_of(g, id).data(g);
                g[id.0].data = op.forward(a, b);
            }
            g[root.0].data
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
        self.with_inner_mut(|g| {
            for n in g.node_weights_mut() {
                n.grad = 0.0;
            }
        });
    }
}

/// Operands before results: an iterative post-order walk from the root over
/// the operands (operand 0 first), with an explicit stack instead of
/// recursion.
pub(crate) fn topo_order(g: &Inner, root: ValueId) -> Vec<ValueId> {
    let mut visited = FixedBitSet::with_capacity(g.node_bound());
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
        for o in operands_of(g, id).into_iter().rev() {
            if !visited.contains(o.index()) {
                stack.push((o, false));
            }
        }
    }
    order
}

/// `operand.grad += ∂out/∂operand · out.grad` for each operand of `id`.
fn chain_rule(g: &mut Inner, id: ValueId) {
    let Some(op) = g[id.0].op else {
        return;
    };
    let operands = operands_of(g, id);
    let (a, b) = operands.data(g);
    let (out, out_grad) = (g[id.0].data, g[id.0].grad);
    let local = op.local_grads(a, b, out);
    for (position, operand) in operands.iter().enumerate() {
        g[operand.0].grad += local[position] * out_grad;
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
