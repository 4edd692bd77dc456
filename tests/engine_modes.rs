//! The engine's three ways to get gradients agree: rebuilding the graph each
//! step (backward by a sweep over creation order), building it once and
//! re-running it (forward and backward from the cached schedule), and a
//! plain walk (micrograd's topological order, one node's chain rule at a
//! time). Also: the cached schedule follows changes to the graph.

mod common;

use gradviz::nn::{Flavor, Mlp, Module, Rng};
use gradviz::train::{data, mse_loss};
use gradviz::{Graph, Op, Value, ValueId};

/// A small graph using every op, with shared subexpressions.
fn build<'g>(w: &[Value<'g>], x: Value<'g>) -> Value<'g> {
    let h = (w[0] * x + w[1]).tanh();
    let r = (h * w[2] - 0.25).relu() + (w[3] * 0.5).exp();
    let p = (w[0] * w[0] + 1.0).powf(0.5) / (w[1].powi(2) + 2.0);
    (h * r + p - w[2] / 3.0).powi(3)
}

const W0: [f64; 4] = [0.3, -0.7, 1.1, 0.4];

/// Grads of the parameters after a plain walk: micrograd's order, each
/// node's chain rule applied on its own.
fn plain_walk(g: &Graph, root: ValueId, params: &[ValueId]) -> Vec<f64> {
    g.zero_grad();
    g.set_grad(root, 1.0);
    for id in g.topo_order(root).into_iter().rev() {
        g.backward_node(id);
    }
    params.iter().map(|p| g.grad(*p)).collect()
}

fn close(a: &[f64], b: &[f64]) -> bool {
    a.iter()
        .zip(b)
        .all(|(a, b)| (a - b).abs() <= 1e-12 * a.abs().max(1.0))
}

#[test]
fn rebuild_rerun_and_plain_walk_give_the_same_gradients() {
    let xs = [0.5, -1.5, 2.0, 0.0, 3.25];
    // Rebuild: one graph, parameters kept, everything else released per step.
    let g1 = Graph::new();
    let p1: Vec<Value> = W0.iter().map(|w| g1.value(*w)).collect();
    let keep: Vec<ValueId> = p1.iter().map(|p| p.id()).collect();
    // Re-run: built once per sample, then forward/backward with new data.
    let g2 = Graph::new();
    let p2: Vec<Value> = W0.iter().map(|w| g2.value(*w)).collect();
    let x2 = g2.value(0.0);
    let root2 = build(&p2, x2);
    for (step, x) in xs.iter().enumerate() {
        let root1 = build(&p1, g1.value(*x));
        g1.zero_grad();
        root1.backward();
        let rebuild: Vec<f64> = p1.iter().map(|p| p.grad()).collect();
        let walked = plain_walk(&g1, root1.id(), &keep);

        x2.set_data(*x);
        assert_eq!(g2.forward(root2.id()), root1.data(), "step {step}");
        g2.zero_grad();
        root2.backward();
        let rerun: Vec<f64> = p2.iter().map(|p| p.grad()).collect();

        assert!(close(&rebuild, &walked), "{rebuild:?} vs {walked:?}");
        assert!(close(&rebuild, &rerun), "{rebuild:?} vs {rerun:?}");
        for (a, b) in p1.iter().zip(&p2) {
            a.set_data(a.data() - 0.01 * a.grad());
            b.set_data(b.data() - 0.01 * b.grad());
        }
        g1.clear_except(&keep);
    }
}

#[test]
fn an_mlp_loss_gives_the_same_gradients_every_way() {
    let d = data::lecture();
    let g = Graph::new();
    let model = Mlp::new(&g, 3, &[4, 4, 1], Flavor::Lecture, &mut Rng::new(7));
    let params = model.parameters();
    let (loss, _) = mse_loss(&g, &model, &d);
    g.zero_grad();
    loss.backward();
    let swept: Vec<f64> = params.iter().map(|p| g.grad(*p)).collect();
    let walked = plain_walk(&g, loss.id(), &params);
    g.forward(loss.id());
    g.zero_grad();
    loss.backward();
    let scheduled: Vec<f64> = params.iter().map(|p| g.grad(*p)).collect();
    assert!(close(&swept, &walked));
    assert!(close(&swept, &scheduled));
}

#[test]
fn a_million_deep_chain_re_runs_forward_and_backward() {
    let g = Graph::new();
    let x = g.value(1.0);
    let mut y = x;
    for _ in 0..1_000_000 {
        y = y * 1.0 + 0.0;
    }
    x.set_data(2.0);
    assert_eq!(g.forward(y.id()), 2.0);
    g.zero_grad();
    y.backward();
    assert_eq!(x.grad(), 1.0);
}

#[test]
fn the_cached_schedule_follows_changes_to_the_graph() {
    let g = Graph::new();
    let w = g.value(2.0);
    // Derive and cache a schedule for y = w*w + 1.
    let y = w * w + 1.0;
    assert_eq!(g.forward(y.id()), 5.0);
    // Release it and build a different expression into the same slots.
    g.clear_except(&[w.id()]);
    let z = (w + 3.0) * w;
    assert_eq!(z.id(), y.id(), "the new root reuses the old root's slot");
    w.set_data(4.0);
    assert_eq!(g.forward(z.id()), 28.0);
    g.zero_grad();
    z.backward();
    assert_eq!(w.grad(), 2.0 * 4.0 + 3.0);

    // New nodes added after a schedule was derived don't change the old
    // root's ancestors; the cache stays right for it.
    let _more = z.tanh() * w;
    w.set_data(1.0);
    assert_eq!(g.forward(z.id()), 4.0);

    // Nodes in freed slots below their operands: the order is not creation
    // order any more, and the schedule is derived by a search.
    let a = g.value(0.5);
    let b = a * 3.0;
    let three = g.operands(b.id())[1];
    g.clear_except(&[w.id(), a.id(), three, b.id()]);
    let c = b.tanh() * a;
    assert!(c.id().index() < b.id().index());
    g.zero_grad();
    c.backward();
    let t = 1.5f64.tanh();
    assert!((a.grad() - (t + 0.5 * (1.0 - t * t) * 3.0)).abs() < 1e-12);
    a.set_data(1.0);
    assert!((g.forward(c.id()) - 3.0f64.tanh()).abs() < 1e-12);
}

#[test]
fn op_nodes_whose_operands_were_released_act_as_leaves() {
    let g = Graph::new();
    let a = g.value(0.5);
    let t = a.tanh();
    let m = t * a;
    g.clear_except(&[t.id(), m.id()]);
    let y = m * 2.0;
    y.backward(); // by the sweep
    assert_eq!(g.forward(y.id()), m.data() * 2.0);
    y.backward(); // from the schedule forward derived
    g.backward_node(t.id());
    assert_eq!(t.grad(), 0.0);
}

/// Nodes with zero grad are skipped only when that cannot change a result:
/// a zero grad times an infinite local derivative is NaN in micrograd, and
/// here, by the sweep and by the schedule.
#[test]
fn zero_grads_times_infinite_derivatives_still_give_nan() {
    let g = Graph::new();
    let a = g.value(f64::INFINITY);
    let b = g.value(2.0);
    let m = a * b;
    let r = m * 0.0;
    for pass in ["sweep", "schedule"] {
        if pass == "schedule" {
            g.forward(r.id());
        }
        g.zero_grad();
        r.backward();
        assert_eq!(m.grad(), 0.0, "{pass}");
        assert!(b.grad().is_nan(), "{pass}: b.grad {}", b.grad());
        assert_eq!(a.grad(), 0.0, "{pass}");
    }
}

/// Every node: index, op, operands, data and grad (bits), label; then the
/// `StableGraph`'s edges in index order.
type Snapshot = (
    Vec<(usize, String, Vec<usize>, u64, u64, String)>,
    Vec<(usize, usize, u8)>,
);

fn snapshot(g: &Graph) -> Snapshot {
    let nodes = g
        .ids()
        .into_iter()
        .map(|id| {
            let n = g.node(id);
            let operands = g.operands(id).iter().map(|o| o.index()).collect();
            let label = n.label_str().to_string();
            (
                id.index(),
                format!("{:?}", n.op),
                operands,
                n.data.to_bits(),
                n.grad.to_bits(),
                label,
            )
        })
        .collect();
    (nodes, common::edges(g))
}

/// Steps rebuilt into one graph (parameters kept by `clear_except`), most
/// the same as the step before and some changed, give the graph a fresh
/// `Graph` builds: same nodes, ops, operands, data, grads and labels. Each
/// change comes after two unchanged steps, when the rebuild is checked
/// against the schedule the previous backward pass cached.
#[test]
fn rebuilt_steps_equal_fresh_builds_whatever_changes() {
    fn step<'g>(kind: u8, p: &[Value<'g>]) -> Value<'g> {
        let (a, b, c) = (p[0], p[1], p[2]);
        match kind {
            0 => ((a * b + c).tanh() * a).relu(),
            1 => ((a + b + c).tanh() * a).relu(), // `*` became `+`
            2 => ((a * c + c).tanh() * a).relu(), // an operand changed
            3 => ((b * a + c).tanh() * a).relu(), // operands swapped
            4 => ((a * b + 2.0).tanh() * a).relu(), // a constant leaf
            5 => ((a * b + c).exp() * a).relu(),  // another unary op
            6 => (a * b + c).tanh(),              // shorter
            7 => ((a * b + c).tanh() * a).relu() * b, // longer
            8 => ((a * b + c).tanh() * a).relu().powi(2), // longer, `**k`
            9 => {
                let y = ((a * b + c).tanh() * a).relu();
                y.set_label("y"); // a label where the last step had none
                y
            }
            _ => unreachable!(),
        }
    }
    let g = Graph::new();
    let params: Vec<Value> = [0.5, -0.75, 0.25].iter().map(|x| g.value(*x)).collect();
    params[0].set_label("a");
    let keep: Vec<ValueId> = params.iter().map(|p| p.id()).collect();
    let kinds = [
        0, 0, 0, 1, 0, 0, 2, 0, 0, 3, 0, 0, 4, 0, 0, 5, 0, 0, 6, 0, 0, 7, 7, 7, 0, 0, 8, 8, 9, 9,
        0, 0,
    ];
    for (n, kind) in kinds.into_iter().enumerate() {
        let y = step(kind, &params);
        g.zero_grad();
        y.backward();

        let fresh = Graph::new();
        let fresh_params: Vec<Value> = params.iter().map(|p| fresh.value(p.data())).collect();
        fresh_params[0].set_label("a");
        let fy = step(kind, &fresh_params);
        fresh.zero_grad();
        fy.backward();
        assert_eq!(y.id(), fy.id(), "step {n} (kind {kind})");
        assert_eq!(snapshot(&g), snapshot(&fresh), "step {n} (kind {kind})");

        for p in &params {
            p.set_data(p.data() - 0.1 * p.grad());
        }
        g.clear_except(&keep);
    }
    assert_eq!(g.len(), 3);
}

/// Reading a step's nodes while it is being rebuilt, and looking at the
/// graph between steps, see exactly what a fresh build would show; a
/// handle to a released node finds it gone.
#[test]
fn a_step_being_rebuilt_reads_like_a_fresh_one() {
    let g = Graph::new();
    let w = g.value(0.5);
    for round in 0..6 {
        let h = w * 3.0;
        assert_eq!(h.data(), w.data() * 3.0);
        let y = (h + 1.0).tanh();
        let old = y.id();
        y.backward();
        w.set_data(w.data() - 0.1 * w.grad());
        g.zero_grad();
        g.clear_except(&[w.id()]);
        if round % 2 == 1 {
            assert!(!g.contains(old), "round {round}");
            assert_eq!(g.len(), 1);
        }
        if round == 4 {
            // Only part of the step rebuilt, then the graph is looked at.
            let h = w * 3.0;
            assert_eq!(g.len(), 3);
            assert_eq!(g.topo_order(h.id()).len(), 3);
            g.clear_except(&[w.id()]);
        }
    }
}

/// Reading the graph while a `store()` view of it is held works, with or
/// without a step pending reuse (found in review: settling took a mutable
/// borrow even with nothing pending).
#[test]
fn the_graph_reads_while_a_store_view_is_held() {
    let g = Graph::new();
    let a = g.value(1.0);
    let b = a * a;
    for pending in [false, true] {
        let view = g.store();
        assert_eq!(g.ids().len(), 2, "pending {pending}");
        assert_eq!(g.topo_order(b.id()).len(), 2);
        assert!(format!("{g:?}").contains("nodes: 2"));
        assert_eq!(view.structure().node_count(), 2);
        drop(view);
        if !pending {
            g.clear_except(&[a.id()]);
            let _ = a * a; // the same step: taken over, nothing left pending
        }
    }
}

/// A pending op node that lost an operand to an earlier `clear_except`
/// does not pass for a node of the wrong arity: `apply` panics as it would
/// on a fresh graph (found in review).
#[test]
#[should_panic(expected = "* takes 2 operand(s)")]
fn a_wrong_arity_apply_panics_with_a_step_pending() {
    let g = Graph::new();
    let w = g.value(2.0);
    let x = g.value(3.0);
    let y = w * x;
    g.clear_except(&[w.id(), y.id()]); // y keeps only its edge from w
    let _z = g.value(5.0); // refills slot 1
    g.clear_except(&[w.id(), g.ids()[1]]); // y's slot pending
    g.apply(Op::Mul, &[w.id()]);
}
