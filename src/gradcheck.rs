//! Gradient checking: every leaf's analytic gradient (from the backward
//! pass) against a central finite difference of the forward pass.

use crate::engine::{Graph, ValueId};

/// One leaf's check.
#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    /// The leaf (an id of the checked copy, which renumbers densely).
    pub leaf: ValueId,
    /// Its label (`""` when none).
    pub label: String,
    /// Its data.
    pub data: f64,
    /// ∂root/∂leaf from the backward pass.
    pub analytic: f64,
    /// `(f(x+h) - f(x-h)) / 2h`.
    pub numeric: f64,
    /// `|analytic - numeric| / max(1, |analytic|, |numeric|)`.
    pub error: f64,
}

/// Checks every leaf of `root`'s graph with the engine's backward pass.
/// `graph` is not changed (the check runs on a copy).
///
/// ```
/// let g = gradviz::Graph::new();
/// let a = g.value(0.3).with_label("a");
/// let b = g.value(-1.2).with_label("b");
/// let y = (a * b + a.powi(3)).tanh();
/// let checks = gradviz::gradcheck::gradcheck(&g, y.id(), 1e-6);
/// assert_eq!(checks.len(), 2);
/// assert!(checks.iter().all(|c| c.error < 1e-7));
/// ```
pub fn gradcheck(graph: &Graph, root: ValueId, h: f64) -> Vec<Check> {
    gradcheck_with(graph, root, h, |g, r| g.backward(r))
}

/// [`gradcheck`] with another backward pass (to test the checker itself, or
/// an experimental derivative).
pub fn gradcheck_with(
    graph: &Graph,
    root: ValueId,
    h: f64,
    backward: impl Fn(&Graph, ValueId),
) -> Vec<Check> {
    gradcheck_watched(graph, root, h, backward, |_, _| true)
}

/// [`gradcheck_with`], telling `watch` after each leaf how many of how many
/// are done; the check stops (with the leaves done so far) when `watch`
/// returns `false`. The analytic side is one backward pass; the numeric
/// side is two forward passes per leaf, so a graph of `n` leaves and `m`
/// nodes takes time in `n · m`: `watch` is where a caller shows progress
/// or gives up.
///
/// ```
/// let g = gradviz::Graph::new();
/// let mut y = g.value(1.0);
/// for _ in 0..9 {
///     y = y * g.value(0.5);
/// }
/// let checks = gradviz::gradcheck::gradcheck_watched(&g, y.id(), 1e-6, |g, r| g.backward(r), |done, total| {
///     assert_eq!(total, 10);
///     done < 4 // stop after four leaves
/// });
/// assert_eq!(checks.len(), 4);
/// ```
pub fn gradcheck_watched(
    graph: &Graph,
    root: ValueId,
    h: f64,
    backward: impl Fn(&Graph, ValueId),
    mut watch: impl FnMut(usize, usize) -> bool,
) -> Vec<Check> {
    let (copy, root) = graph.trace(root);
    copy.forward(root);
    copy.zero_grad();
    backward(&copy, root);
    let leaves: Vec<ValueId> = copy
        .ids()
        .into_iter()
        .filter(|id| copy.node(*id).op.is_none())
        .collect();
    let total = leaves.len();
    let mut checks = Vec::with_capacity(total);
    for leaf in leaves {
        let node = copy.node(leaf);
        let x = node.data;
        copy.set_data(leaf, x + h);
        let fp = copy.forward(root);
        copy.set_data(leaf, x - h);
        let fm = copy.forward(root);
        // The next leaf's passes recompute every node: only the leaf
        // itself needs its number back.
        copy.set_data(leaf, x);
        let numeric = (fp - fm) / (2.0 * h);
        let analytic = node.grad;
        let error = (analytic - numeric).abs() / 1f64.max(analytic.abs()).max(numeric.abs());
        checks.push(Check {
            leaf,
            label: node.label_str().to_string(),
            data: x,
            analytic,
            numeric,
            error: if error.is_nan() { f64::INFINITY } else { error },
        });
        if !watch(checks.len(), total) {
            break;
        }
    }
    checks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Op;

    #[test]
    fn a_wrong_derivative_is_caught() {
        let g = Graph::new();
        let a = g.value(0.7).with_label("a");
        let b = g.value(-0.4).with_label("b");
        let y = (a * b).exp();
        // A backward pass whose `*` forgets a factor 2 for its first operand.
        let wrong = |g: &Graph, root: ValueId| {
            g.backward(root);
            for id in g.ids() {
                if g.node(id).op == Some(Op::Mul) {
                    let first = g.operands(id)[0];
                    g.set_grad(first, g.grad(first) * 2.0);
                }
            }
        };
        let checks = gradcheck_with(&g, y.id(), 1e-6, wrong);
        assert!(checks.iter().any(|c| c.label == "a" && c.error > 0.1));
        assert!(gradcheck(&g, y.id(), 1e-6).iter().all(|c| c.error < 1e-7));
    }
}
