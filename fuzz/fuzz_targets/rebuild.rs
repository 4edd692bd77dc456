//! Training steps rebuilt into one graph, differentially against fresh
//! graphs: each round builds a step on the kept parameters (the base step,
//! or one shortened, changed or replaced), with the graph looked at before,
//! during and after the build in every way the API allows; after the build
//! and a backward pass the graph must be exactly what a fresh `Graph`
//! builds from the same parameters (ids, ops, operands, data and grads, labels,
//! groups, the `StableGraph`'s edges in order, DOT and JSON), whether
//! `clear_except` left the previous step for reuse or removed it.
#![no_main]

use arbitrary::Arbitrary;
use gradviz::engine::GroupId;
use gradviz::render::{DotOptions, to_dot, to_json};
use gradviz::{Graph, Value, ValueId};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Clone, Debug)]
enum Kind {
    Add,
    Mul,
    Sub,
    Div,
    Neg,
    AddConst(f64),
    MulConst(f64),
    Tanh,
    Exp,
    Relu,
    Powi(i8),
    Powf(f64),
    Leaf(f64),
}

#[derive(Arbitrary, Clone, Debug)]
struct Step {
    kind: Kind,
    a: u8,
    b: u8,
    label: Option<u8>,
}

#[derive(Arbitrary, Debug)]
enum Variant {
    Same,
    Shorter(u8),
    Changed(u8, Kind),
    Rewired(u8, u8, u8),
    Longer(Step),
    Other(Vec<Step>),
}

/// A look at the graph: every kind of use that must see the graph as if the
/// previous step had been removed.
#[derive(Arbitrary, Clone, Copy, Debug)]
enum Look {
    Nothing,
    Len,
    Ids,
    Bytes,
    Data(u8),
    Contains(u8),
    Node(u8),
    Operands(u8),
    ZeroGrad,
    Reserve,
    SetGrad(u8),
    Label(u8),
    Group(u8),
    Forward(u8),
    Ancestors(u8),
}

#[derive(Arbitrary, Debug)]
struct Round {
    variant: Variant,
    before: Look,
    during: (u8, Look),
    grouped: bool,
    /// Keep the root too (a keep set that is not the first indices).
    keep_root: bool,
}

#[derive(Arbitrary, Debug)]
struct Input {
    params: Vec<(f64, bool)>,
    base: Vec<Step>,
    rounds: Vec<Round>,
}

const LABELS: [&str; 4] = ["a", "b", "", "é|{x}"];

fn vary(base: &[Step], variant: &Variant) -> Vec<Step> {
    let mut steps = base.to_vec();
    let at = |i: u8| usize::from(i) % base.len();
    match variant {
        Variant::Same => {}
        Variant::Shorter(i) => steps.truncate(at(*i).max(1)),
        Variant::Changed(i, k) => steps[at(*i)].kind = k.clone(),
        Variant::Rewired(i, a, b) => {
            let s = &mut steps[at(*i)];
            (s.a, s.b) = (*a, *b);
        }
        Variant::Longer(s) => steps.push(s.clone()),
        Variant::Other(other) if !other.is_empty() => steps = other.clone(),
        Variant::Other(_) => {}
    }
    steps.truncate(24);
    steps
}

/// Does `look` to `g`; `values` are the kept parameters, then the step's
/// values so far. Labels and groups go only to the step's values (the
/// fresh graph copies the parameters' numbers and labels, not groups).
///
/// Every graph here has the groups "step" (0) and "look" (1), made first,
/// so that cluster names in the DOT agree between graphs.
fn look(g: &Graph, values: &[Value<'_>], params: usize, look: Look, look_group: GroupId) {
    let pick = |i: u8| values[usize::from(i) % values.len()].id();
    let new = &values[params..];
    let pick_new = |i: u8| (!new.is_empty()).then(|| new[usize::from(i) % new.len()].id());
    match look {
        Look::Nothing => {}
        Look::Len => {
            let _ = g.len();
        }
        Look::Ids => {
            let _ = g.ids();
        }
        Look::Bytes => {
            let _ = g.bytes();
        }
        Look::Data(i) => {
            let _ = g.data(pick(i));
        }
        Look::Contains(i) => assert!(g.contains(pick(i))),
        Look::Node(i) => {
            let _ = g.node(pick(i));
        }
        Look::Operands(i) => {
            let _ = g.operands(pick(i));
        }
        Look::ZeroGrad => g.zero_grad(),
        Look::Reserve => g.reserve_exact(3, 3),
        Look::SetGrad(i) => g.set_grad(pick(i), 0.5),
        Look::Label(i) => {
            if let Some(id) = pick_new(i) {
                g.set_label(id, Some(LABELS[usize::from(i) % LABELS.len()]));
            }
        }
        Look::Group(i) => {
            if let Some(id) = pick_new(i) {
                g.set_group(id, look_group);
            }
        }
        Look::Forward(i) => {
            let _ = g.forward(pick(i));
        }
        Look::Ancestors(i) => {
            let _ = g.ancestors(pick(i));
        }
    }
}

/// Builds `steps` on `params`, looking at the graph after step `during.0`.
fn build<'g>(
    g: &'g Graph,
    params: &[Value<'g>],
    steps: &[Step],
    during: (u8, Look),
    look_group: GroupId,
) -> ValueId {
    let mut values: Vec<Value<'g>> = params.to_vec();
    for (i, s) in steps.iter().enumerate() {
        let pick = |k: u8| values[usize::from(k) % values.len()];
        let (a, b) = (pick(s.a), pick(s.b));
        let v = match s.kind {
            Kind::Add => a + b,
            Kind::Mul => a * b,
            Kind::Sub => a - b,
            Kind::Div => a / b,
            Kind::Neg => -a,
            Kind::AddConst(c) => a + c,
            Kind::MulConst(c) => c * a,
            Kind::Tanh => a.tanh(),
            Kind::Exp => a.exp(),
            Kind::Relu => a.relu(),
            Kind::Powi(k) => a.powi(i64::from(k)),
            Kind::Powf(k) => a.powf(k),
            Kind::Leaf(x) => g.value(x),
        };
        if let Some(l) = s.label {
            v.set_label(LABELS[usize::from(l) % LABELS.len()]);
        }
        values.push(v);
        if i == usize::from(during.0) % steps.len() {
            look(g, &values, params.len(), during.1, look_group);
        }
    }
    values.last().expect("a step").id()
}

/// A number's bits, every NaN alike (NaN signs and payloads are not kept
/// apart by the compiler's arithmetic).
fn bits(x: f64) -> u64 {
    if x.is_nan() {
        f64::NAN.to_bits()
    } else {
        x.to_bits()
    }
}

type NodeState = (usize, String, Vec<usize>, u64, u64, String, Option<String>);

fn state(g: &Graph) -> (Vec<NodeState>, Vec<(usize, usize, u8)>) {
    let nodes = g
        .ids()
        .into_iter()
        .map(|id| {
            let n = g.node(id);
            (
                id.index(),
                format!("{:?}", n.op),
                g.operands(id).iter().map(|o| o.index()).collect(),
                bits(n.data),
                bits(n.grad),
                n.label_str().to_string(),
                g.group_of(id).map(|group| g.group(group).name),
            )
        })
        .collect();
    let store = g.store();
    let structure = store.structure();
    let edges = structure
        .edge_indices()
        .map(|e| {
            let (a, b) = structure.edge_endpoints(e).expect("an edge");
            (a.index(), b.index(), structure[e])
        })
        .collect();
    (nodes, edges)
}

fn nan_free(text: &str) -> String {
    text.replace("-nan", "nan").replace("-NaN", "NaN")
}

fuzz_target!(|input: Input| {
    if input.params.is_empty() || input.base.is_empty() {
        return;
    }
    let params_in = &input.params[..input.params.len().min(4)];
    let base = &input.base[..input.base.len().min(16)];
    let g = Graph::new();
    let group = g.add_group("step", None);
    let look_group = g.add_group("look", None);
    let params: Vec<Value<'_>> = params_in
        .iter()
        .enumerate()
        .map(|(i, (x, labelled))| {
            let v = g.value(*x);
            if *labelled {
                v.set_label(LABELS[i % LABELS.len()]);
            }
            v
        })
        .collect();
    let mut keep: Vec<ValueId> = params.iter().map(|p| p.id()).collect();
    for (k, r) in input.rounds.iter().take(6).enumerate() {
        let steps = vary(base, &r.variant);
        // A fresh graph with the kept nodes' numbers and labels, made first.
        let fresh = Graph::new();
        let fresh_group = fresh.add_group("step", None);
        let fresh_look_group = fresh.add_group("look", None);
        let fresh_params: Vec<Value<'_>> = params
            .iter()
            .map(|p| {
                let f = fresh.value(p.data());
                let label = p.label();
                if !label.is_empty() {
                    f.set_label(&label);
                }
                f
            })
            .collect();
        if keep.len() > params.len() {
            // The previous root was kept too: a fresh graph cannot have it
            // in the same slot, so compare only from the next round on.
            g.clear_except(&params.iter().map(|p| p.id()).collect::<Vec<_>>());
            keep.truncate(params.len());
            continue;
        }
        look(&g, &params, params.len(), r.before, look_group);
        look(
            &fresh,
            &fresh_params,
            params.len(),
            r.before,
            fresh_look_group,
        );
        let run = |g: &Graph, params: &[Value<'_>], group, look_group| {
            let root = if r.grouped {
                g.in_group(group, || build(g, params, &steps, r.during, look_group))
            } else {
                build(g, params, &steps, r.during, look_group)
            };
            g.zero_grad();
            g.backward(root);
            root
        };
        let root = run(&g, &params, group, look_group);
        let fresh_root = run(&fresh, &fresh_params, fresh_group, fresh_look_group);
        assert_eq!(root, fresh_root, "round {k}");
        assert_eq!(state(&g), state(&fresh), "round {k}");
        let options = DotOptions::default();
        assert_eq!(
            nan_free(&to_dot(&g, root, &options)),
            nan_free(&to_dot(&fresh, fresh_root, &options)),
            "round {k}"
        );
        assert_eq!(
            nan_free(&to_json(&g, root)),
            nan_free(&to_json(&fresh, fresh_root)),
            "round {k}"
        );
        for p in &params {
            let x = p.data() - 0.01 * p.grad();
            if x.is_finite() {
                p.set_data(x);
            }
        }
        if r.keep_root {
            keep.push(root);
        }
        g.clear_except(&keep);
    }
});
