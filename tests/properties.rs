//! Property tests on random expression graphs (proptest): small programs of
//! leaves and ops (`+ - * /`, powers, `tanh`, `exp`, `ReLU`, with numbers on
//! either side) that reuse earlier values, so the graphs are DAGs with shared
//! nodes, and labels full of characters that DOT, JSON, XML and Markdown
//! treat specially.
//!
//! - backward agrees with a central finite difference for every leaf;
//! - the DOT parses back (graphviz-rust) with the graph's nodes, record texts
//!   and edges, and nothing else;
//! - the JSON round-trips through serde_json, as a document and line by line;
//! - the embedded engine's SVG is well-formed XML that shows every label as
//!   text.
//!
//! Only the public API is used: `Graph`, `Value`, `Graph::ancestors`,
//! `Graph::operands`, `Graph::node(id).op` and the renderers.
//! `PROPTEST_CASES=N` runs N cases per property instead of the defaults
//! below; failures are kept in `tests/proptest-regressions/`.

mod common;

use std::collections::HashMap;

use common::decode_entities;
use gradviz::engine::GroupId;
use gradviz::render::svg::{Engine, to_svg};
use gradviz::render::{DotOptions, View, to_dot, to_json};
use gradviz::{Graph, Op, Value, ValueId};
use graphviz_rust::dot_structures::{Attribute, EdgeTy, Graph as DotGraph, Id, Stmt, Vertex};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::FileFailurePersistence;

// ----- the programs -----------------------------------------------------

/// The largest magnitude a value may reach (larger results fall back to
/// `tanh`), so that finite differences stay accurate.
const CAP: f64 = 100.0;

/// How close to zero a divisor, a negative power's base or a fractional
/// power's base may come.
const MARGIN: f64 = 0.25;

#[derive(Clone, Debug)]
enum Kind {
    Add,
    Sub,
    Mul,
    Div,
    /// `a + c`
    AddC(f64),
    /// `c - a`
    RSubC(f64),
    /// `a * c`
    MulC(f64),
    /// `a / c`
    DivC(f64),
    /// `c / a`
    RDivC(f64),
    Neg,
    PowI(i64),
    PowF(f64),
    Tanh,
    Exp,
    Relu,
}

#[derive(Clone, Debug)]
struct Step {
    kind: Kind,
    a: Index,
    b: Index,
    label: Option<String>,
}

#[derive(Clone, Debug)]
struct Program {
    leaves: Vec<(f64, Option<String>)>,
    steps: Vec<Step>,
}

/// Characters that DOT records, DOT strings, JSON, XML, HTML or Markdown
/// treat specially, control characters, and text in other scripts.
const NASTY: &[char] = &[
    '"', '\\', '{', '}', '|', '<', '>', '&', ';', '\'', '`', '$', '#', '*', '_', '[', ']', '!',
    '-', ' ', '\n', '\r', '\t', '\0', '\u{7}', '\u{b}', '\u{1b}', '\u{7f}', '\u{85}', 'é', '中',
    '🎓', '\u{200f}', '\u{200d}', '\u{202e}', '\u{a0}', '\u{2028}', 'a', 'b', 'N', 'G', 'l', 'n',
    'x',
];

/// Whole strings that have broken renderers elsewhere.
const HOSTILE: &[&str] = &[
    "\"",
    "\\",
    "{x}",
    "a|b",
    "<port>",
    "\\N \\G \\l \\n",
    "\r\n",
    "</svg><script>alert(1)</script>",
    "]]>",
    "<!--",
    "&amp;",
    "&#60;b&#x3e; &lt; &#0;",
    "AT&T & co;",
    "${x}",
    "```",
    "<!-- gradviz:end -->",
    "é 中文 🎓 \u{200f}\u{200d}",
    "  spaced  ",
    "",
];

fn label() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(HOSTILE).prop_map(String::from),
        4 => prop::collection::vec(prop::sample::select(NASTY), 0..12)
            .prop_map(|cs| cs.into_iter().collect()),
        1 => prop::collection::vec(any::<char>(), 0..6).prop_map(|cs| cs.into_iter().collect()),
        2 => "[a-z][a-z0-9_]{0,5}",
    ]
}

fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => -3.0..3.0f64,
        1 => prop::sample::select(&[-2.0, -1.0, -0.5, 0.5, 1.0, 2.0][..]),
    ]
}

fn kind() -> impl Strategy<Value = Kind> {
    let nonzero = || prop::sample::select(&[-2.0, -0.5, 0.5, 1.5, 2.0, 3.0][..]);
    prop_oneof![
        3 => Just(Kind::Add),
        2 => Just(Kind::Sub),
        3 => Just(Kind::Mul),
        2 => Just(Kind::Div),
        1 => number().prop_map(Kind::AddC),
        1 => number().prop_map(Kind::RSubC),
        1 => number().prop_map(Kind::MulC),
        1 => nonzero().prop_map(Kind::DivC),
        1 => nonzero().prop_map(Kind::RDivC),
        1 => Just(Kind::Neg),
        2 => prop::sample::select(&[-2i64, -1, 0, 1, 2, 3][..]).prop_map(Kind::PowI),
        1 => prop::sample::select(&[-0.5, 0.5, 1.5, 2.0, 3.0][..]).prop_map(Kind::PowF),
        2 => Just(Kind::Tanh),
        1 => Just(Kind::Exp),
        2 => Just(Kind::Relu),
    ]
}

fn program(leaves: usize, steps: usize) -> impl Strategy<Value = Program> {
    let leaf = (number(), prop::option::of(label()));
    let step = (
        kind(),
        any::<Index>(),
        any::<Index>(),
        prop::option::weighted(0.4, label()),
    )
        .prop_map(|(kind, a, b, label)| Step { kind, a, b, label });
    (
        prop::collection::vec(leaf, 1..=leaves),
        prop::collection::vec(step, 1..=steps),
    )
        .prop_map(|(leaves, steps)| Program { leaves, steps })
}

/// Builds the program in `g` and returns every value it names, in order; the
/// last one is the root. An op whose input is outside its safe range (a
/// divisor near zero, a fractional power of a number near or below zero) or
/// whose result would pass [`CAP`] becomes `tanh` of its first operand.
fn build<'g>(g: &'g Graph, p: &Program) -> Vec<Value<'g>> {
    let mut values: Vec<Value<'g>> = Vec::new();
    for (x, label) in &p.leaves {
        let v = g.value(*x);
        if let Some(l) = label {
            v.set_label(l);
        }
        values.push(v);
    }
    build_steps(values, &p.steps)
}

/// [`build`]'s steps on top of `values` (the leaves).
fn build_steps<'g>(mut values: Vec<Value<'g>>, steps: &[Step]) -> Vec<Value<'g>> {
    for s in steps {
        let a = values[s.a.index(values.len())];
        let b = values[s.b.index(values.len())];
        let (x, y) = (a.data(), b.data());
        let far = |d: f64| d.abs() >= MARGIN;
        let planned: Option<(f64, Box<dyn Fn() -> Value<'g>>)> = match s.kind {
            Kind::Add => Some((x + y, Box::new(move || a + b))),
            Kind::Sub => Some((x - y, Box::new(move || a - b))),
            Kind::Mul => Some((x * y, Box::new(move || a * b))),
            Kind::Div if far(y) => Some((x / y, Box::new(move || a / b))),
            Kind::AddC(c) => Some((x + c, Box::new(move || a + c))),
            Kind::RSubC(c) => Some((c - x, Box::new(move || c - a))),
            Kind::MulC(c) => Some((x * c, Box::new(move || c * a))),
            Kind::DivC(c) => Some((x / c, Box::new(move || a / c))),
            Kind::RDivC(c) if far(x) => Some((c / x, Box::new(move || c / a))),
            Kind::Neg => Some((-x, Box::new(move || -a))),
            // `x**0` at 0 has the derivative 0 * 0**-1: NaN, as micrograd's
            // ZeroDivisionError (a script stops there with an error).
            Kind::PowI(k) if k > 0 || far(x) => {
                Some((x.powi(k as i32), Box::new(move || a.powi(k))))
            }
            Kind::PowF(k) if x >= MARGIN => Some((x.powf(k), Box::new(move || a.powf(k)))),
            Kind::Tanh => Some((x.tanh(), Box::new(move || a.tanh()))),
            Kind::Exp => Some((x.exp(), Box::new(move || a.exp()))),
            Kind::Relu => Some((x.max(0.0), Box::new(move || a.relu()))),
            _ => None,
        };
        let v = match planned {
            Some((r, make)) if r.is_finite() && r.abs() <= CAP => make(),
            _ => a.tanh(),
        };
        if let Some(l) = &s.label {
            v.set_label(l);
        }
        values.push(v);
    }
    values
}

/// How a training step's program differs from the first step's.
#[derive(Clone, Debug)]
enum Variant {
    Same,
    /// Only the steps before this one.
    Shorter(Index),
    /// One step's kind changed.
    Changed(Index, Kind),
    /// One step's operands changed.
    Rewired(Index, Index, Index),
    /// One more step at the end.
    Longer(Step),
    /// Other steps altogether.
    Other(Vec<Step>),
}

/// One training step: which program, whether it runs in a group, and
/// whether the graph is looked at between `clear_except` and the build.
#[derive(Clone, Debug)]
struct Round {
    variant: Variant,
    grouped: bool,
    look: bool,
}

fn step() -> impl Strategy<Value = Step> {
    (
        kind(),
        any::<Index>(),
        any::<Index>(),
        prop::option::weighted(0.4, label()),
    )
        .prop_map(|(kind, a, b, label)| Step { kind, a, b, label })
}

fn round() -> impl Strategy<Value = Round> {
    let variant = prop_oneof![
        6 => Just(Variant::Same),
        1 => any::<Index>().prop_map(Variant::Shorter),
        1 => (any::<Index>(), kind()).prop_map(|(i, k)| Variant::Changed(i, k)),
        1 => (any::<Index>(), any::<Index>(), any::<Index>())
            .prop_map(|(i, a, b)| Variant::Rewired(i, a, b)),
        1 => step().prop_map(Variant::Longer),
        1 => prop::collection::vec(step(), 1..8).prop_map(Variant::Other),
    ];
    (
        variant,
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.2),
    )
        .prop_map(|(variant, grouped, look)| Round {
            variant,
            grouped,
            look,
        })
}

/// The steps of `base` as `variant` changes them.
fn vary(base: &[Step], variant: &Variant) -> Vec<Step> {
    let mut steps = base.to_vec();
    match variant {
        Variant::Same => {}
        Variant::Shorter(i) => steps.truncate(i.index(steps.len()).max(1)),
        Variant::Changed(i, k) => steps[i.index(base.len())].kind = k.clone(),
        Variant::Rewired(i, a, b) => {
            let s = &mut steps[i.index(base.len())];
            (s.a, s.b) = (*a, *b);
        }
        Variant::Longer(s) => steps.push(s.clone()),
        Variant::Other(other) => steps = other.clone(),
    }
    steps
}

/// Everything about every node: index, op, operands, data and grad (bits),
/// label and group.
type NodeState = (usize, String, Vec<usize>, u64, u64, String, Option<GroupId>);

/// Every node's state, then the `StableGraph`'s edges in index order.
fn state(g: &Graph) -> (Vec<NodeState>, Vec<(usize, usize, u8)>) {
    (node_states(g), common::edges(g))
}

fn node_states(g: &Graph) -> Vec<NodeState> {
    g.ids()
        .into_iter()
        .map(|id| {
            let n = g.node(id);
            (
                id.index(),
                format!("{:?}", n.op),
                g.operands(id).iter().map(|o| o.index()).collect(),
                n.data.to_bits(),
                n.grad.to_bits(),
                n.label_str().to_string(),
                g.group_of(id),
            )
        })
        .collect()
}

fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/proptest-regressions/properties.txt"
        )))),
        ..ProptestConfig::default()
    }
}

// ----- what the renderers must show -------------------------------------

/// A label as Graphviz shows it: gradviz writes `\r\n` and `\r` as line
/// breaks, a tab as a space (Graphviz has no tab stops) and other control
/// characters as Python's `\xNN`.
fn shown(label: &str) -> String {
    let mut out = String::new();
    let mut chars = label.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' | '\n' => out.push('\n'),
            '\t' => out.push(' '),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            '\u{fffe}' | '\u{ffff}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Python's `'%.4f' % x`, written independently of gradviz (Rust's `{:.4}`
/// rounds the exact binary value half to even, as Python does).
fn fixed4(x: f64) -> String {
    format!("{x:.4}")
}

/// The diagram's nodes in output order (index order) and their dense ids.
fn diagram(g: &Graph, root: ValueId) -> (Vec<ValueId>, HashMap<ValueId, usize>) {
    let ids = g.ancestors(root);
    let dense = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    (ids, dense)
}

/// Every operand edge `(from, to, position)` in dense ids, by result and
/// position.
fn operand_edges(
    g: &Graph,
    ids: &[ValueId],
    dense: &HashMap<ValueId, usize>,
) -> Vec<(usize, usize, usize)> {
    let mut edges = Vec::new();
    for id in ids {
        for (pos, src) in g.operands(*id).iter().enumerate() {
            edges.push((dense[src], dense[id], pos));
        }
    }
    edges
}

// ----- reading DOT back -------------------------------------------------

fn id_text(id: &Id) -> String {
    match id {
        Id::Html(s) | Id::Escaped(s) | Id::Plain(s) | Id::Anonymous(s) => s.clone(),
    }
}

fn attrs(list: &[Attribute]) -> Vec<(String, String)> {
    list.iter()
        .map(|a| (id_text(&a.0), id_text(&a.1)))
        .collect()
}

/// The fields of a record label (`"{ a | b }"`, quotes included) as
/// Graphviz reads them: `\"` is a quote, a backslash before `{ } | < >` or
/// a space makes it text, `\\` is a backslash, `\n` `\l` `\r` are line
/// breaks, and unescaped spaces around a field are dropped.
fn record_fields(quoted: &str) -> Vec<String> {
    let inner = quoted
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or_else(|| panic!("a quoted label: {quoted}"));
    // (char, escaped)
    let mut chars = Vec::new();
    let mut it = inner.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            chars.push((c, false));
            continue;
        }
        match it.next() {
            Some('n' | 'l' | 'r') => chars.push(('\n', true)),
            Some(other) => chars.push((other, true)),
            None => panic!("a dangling backslash in {quoted}"),
        }
    }
    let mut fields = Vec::new();
    let mut field: Vec<(char, bool)> = Vec::new();
    let mut depth = 0;
    let mut finish = |field: &mut Vec<(char, bool)>| {
        let start = field
            .iter()
            .position(|&(c, e)| e || c != ' ')
            .unwrap_or(field.len());
        let end = field
            .iter()
            .rposition(|&(c, e)| e || c != ' ')
            .map_or(start, |i| i + 1);
        let text: String = field[start..end.max(start)]
            .iter()
            .map(|(c, _)| *c)
            .collect();
        fields.push(decode_entities(&text));
        field.clear();
    };
    for (c, escaped) in chars {
        match (c, escaped) {
            ('{', false) => depth += 1,
            ('}', false) => {
                depth -= 1;
                if depth == 0 {
                    finish(&mut field);
                }
            }
            ('|', false) => finish(&mut field),
            ('<' | '>', false) => panic!("an unescaped port marker in {quoted}"),
            _ => field.push((c, escaped)),
        }
    }
    assert_eq!(depth, 0, "balanced braces in {quoted}");
    fields
}

/// Checks that `dot` is the diagram of `root`: one record per value with the
/// label, data and grad, one op node per result, the operand and op → result
/// edges, and no other statements or attributes.
fn check_dot(g: &Graph, root: ValueId, dot: &str, view: View) -> Result<(), TestCaseError> {
    let (ids, dense) = diagram(g, root);
    let parsed = graphviz_rust::parse(dot)
        .map_err(|e| TestCaseError::fail(format!("invalid DOT: {e}\n{dot}")))?;
    let DotGraph::DiGraph { stmts, .. } = parsed else {
        return Err(TestCaseError::fail("not a digraph"));
    };
    let mut nodes: HashMap<String, Vec<(String, String)>> = HashMap::new();
    let mut edges = Vec::new();
    for s in stmts {
        match s {
            Stmt::Node(n) => {
                let name = id_text(&n.id.0);
                prop_assert!(n.id.1.is_none(), "no port on {}", name);
                prop_assert!(
                    nodes.insert(name.clone(), attrs(&n.attributes)).is_none(),
                    "{} once",
                    name
                );
            }
            Stmt::Edge(e) => {
                let EdgeTy::Pair(Vertex::N(from), Vertex::N(to)) = e.ty else {
                    return Err(TestCaseError::fail("a plain edge"));
                };
                prop_assert!(
                    e.attributes.is_empty(),
                    "no edge attributes: {:?}",
                    e.attributes
                );
                edges.push((id_text(&from.0), id_text(&to.0)));
            }
            Stmt::GAttribute(_) => {}
            other => {
                return Err(TestCaseError::fail(format!(
                    "unexpected statement {other:?}"
                )));
            }
        }
    }
    let mut want_edges = Vec::new();
    let mut want_nodes = 0;
    for id in &ids {
        let n = dense[id];
        let v = g.handle(*id);
        let record = nodes
            .get(&format!("n{n}"))
            .ok_or_else(|| TestCaseError::fail(format!("no node n{n}")))?;
        let keys: Vec<&str> = record.iter().map(|(k, _)| k.as_str()).collect();
        prop_assert_eq!(keys, vec!["label", "shape"]);
        prop_assert_eq!(&record[1].1, "record");
        let mut want = vec![shown(&v.label()), format!("data {}", fixed4(v.data()))];
        if view == View::Backward {
            want.push(format!("grad {}", fixed4(v.grad())));
        }
        prop_assert_eq!(
            record_fields(&record[0].1),
            want,
            "record of {:?}",
            v.label()
        );
        want_nodes += 1;
        if let Some(op) = g.node(*id).op {
            let op_node = nodes
                .get(&format!("n{n}_op"))
                .ok_or_else(|| TestCaseError::fail(format!("no node n{n}_op")))?;
            prop_assert_eq!(
                &op_node[0],
                &("label".to_string(), format!("\"{}\"", op.name()))
            );
            let known = ["label", "shape", "margin", "height", "fontsize"];
            let only_known = op_node.iter().all(|(k, _)| known.contains(&k.as_str()));
            prop_assert!(only_known, "op node attributes: {:?}", op_node);
            want_nodes += 1;
            want_edges.push((format!("n{n}_op"), format!("n{n}")));
        }
    }
    for (from, to, _) in operand_edges(g, &ids, &dense) {
        want_edges.push((format!("n{from}"), format!("n{to}_op")));
    }
    prop_assert_eq!(nodes.len(), want_nodes, "node count");
    edges.sort();
    want_edges.sort();
    prop_assert_eq!(edges, want_edges);
    Ok(())
}

// ----- JSON -------------------------------------------------------------

fn close(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 4.0 * f64::EPSILON * a.abs().max(b.abs())
}

fn check_json(g: &Graph, root: ValueId, json: &str) -> Result<(), TestCaseError> {
    let (ids, dense) = diagram(g, root);
    let doc: serde_json::Value = serde_json::from_str(json)
        .map_err(|e| TestCaseError::fail(format!("invalid JSON: {e}")))?;
    let nodes = doc["nodes"]
        .as_array()
        .ok_or_else(|| TestCaseError::fail("no nodes"))?;
    prop_assert_eq!(nodes.len(), ids.len());
    for (i, (node, id)) in nodes.iter().zip(&ids).enumerate() {
        let v = g.handle(*id);
        prop_assert_eq!(
            node.as_object().map(|o| o.len()),
            Some(5),
            "5 keys: {}",
            node
        );
        prop_assert_eq!(node["id"].as_u64(), Some(i as u64));
        let label = v.label();
        prop_assert_eq!(node["label"].as_str(), Some(label.as_str()));
        let op = g.node(*id).op.map(Op::name);
        prop_assert_eq!(node["op"].as_str(), op.as_deref());
        prop_assert!(op.is_some() || node["op"].is_null());
        let data = node["data"].as_f64().unwrap_or(f64::NAN);
        let grad = node["grad"].as_f64().unwrap_or(f64::NAN);
        prop_assert!(close(data, v.data()), "data {} vs {}", data, v.data());
        prop_assert!(close(grad, v.grad()), "grad {} vs {}", grad, v.grad());
    }
    let edges: Vec<(usize, usize, usize)> = doc["edges"]
        .as_array()
        .ok_or_else(|| TestCaseError::fail("no edges"))?
        .iter()
        .map(|e| {
            let n = |k: &str| e[k].as_u64().unwrap_or(u64::MAX) as usize;
            (n("from"), n("to"), n("operand"))
        })
        .collect();
    prop_assert_eq!(edges, operand_edges(g, &ids, &dense));
    // One object per line, each valid JSON on its own.
    let (mut node_lines, mut edge_lines) = (0, 0);
    for line in json.lines() {
        let object = line.strip_suffix(',').unwrap_or(line);
        if !object.starts_with("{\"") || object.starts_with("{\"nodes\"") {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(object)
            .map_err(|e| TestCaseError::fail(format!("line {line:?}: {e}")))?;
        if v.get("from").is_some() {
            edge_lines += 1;
        } else {
            prop_assert_eq!(&v, &nodes[node_lines]);
            node_lines += 1;
        }
    }
    prop_assert_eq!(node_lines, ids.len());
    prop_assert_eq!(edge_lines, doc["edges"].as_array().map_or(0, Vec::len));
    Ok(())
}

// ----- SVG --------------------------------------------------------------

fn check_svg(g: &Graph, root: ValueId, svg: &str) -> Result<(), TestCaseError> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = roxmltree::Document::parse_with_options(svg, options)
        .map_err(|e| TestCaseError::fail(format!("invalid SVG: {e}\n{svg}")))?;
    prop_assert_eq!(doc.root_element().tag_name().name(), "svg");
    prop_assert!(
        !doc.descendants().any(|n| n.has_tag_name("script")),
        "no script element"
    );
    // Graphviz writes runs of spaces as no-break spaces.
    let norm = |s: &str| s.replace('\u{a0}', " ").trim().to_string();
    let texts: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| norm(n.text().unwrap_or("")))
        .collect();
    for id in g.ancestors(root) {
        let v = g.handle(id);
        for line in shown(&v.label()).split('\n') {
            let line = norm(line);
            if !line.is_empty() {
                prop_assert!(
                    texts.contains(&line),
                    "label line {:?} of {:?} is not a text: {:?}",
                    line,
                    v.label(),
                    texts
                );
            }
        }
        let data = format!("data {}", fixed4(v.data()));
        prop_assert!(texts.contains(&data), "{} in {:?}", data, texts);
    }
    Ok(())
}

// ----- the properties ---------------------------------------------------

proptest! {
    #![proptest_config(config(256))]

    /// (a) Every leaf's gradient is the slope of the root in that leaf, as a
    /// central finite difference measures it (skipping a leaf whose nudge
    /// moves a ReLU input across zero).
    #[test]
    fn backward_matches_finite_differences(p in program(4, 12)) {
        let g = Graph::new();
        let values = build(&g, &p);
        let root = *values.last().expect("a root");
        let y = root.data();
        prop_assert_eq!(g.forward(root.id()), y, "forward recomputes the same value");
        root.backward();
        prop_assert_eq!(root.grad(), 1.0);
        let ids = g.ancestors(root.id());
        let relu_inputs: Vec<ValueId> = ids
            .iter()
            .filter(|id| g.node(**id).op == Some(Op::Relu))
            .map(|id| g.operands(*id)[0])
            .collect();
        let signs = |g: &Graph| relu_inputs.iter().map(|i| g.data(*i) > 0.0).collect::<Vec<_>>();
        for leaf in ids.iter().filter(|id| g.node(**id).op.is_none()) {
            let v = g.handle(*leaf);
            let x = v.data();
            let h = 1e-6 * x.abs().max(1.0);
            v.set_data(x + h);
            let up = g.forward(root.id());
            let up_signs = signs(&g);
            v.set_data(x - h);
            let down = g.forward(root.id());
            let down_signs = signs(&g);
            v.set_data(x);
            prop_assert_eq!(g.forward(root.id()), y);
            if up_signs != down_signs {
                continue; // a ReLU kink between x - h and x + h
            }
            let slope = (up - down) / (2.0 * h);
            let grad = v.grad();
            prop_assert!(
                (slope - grad).abs() <= 1e-5 * grad.abs().max(slope.abs()).max(1.0),
                "leaf {:?} = {}: backward {} vs finite difference {}", v.label(), x, grad, slope
            );
        }
    }

    /// (b) The DOT parses back with exactly the graph's nodes, record texts
    /// and edges, in the backward and the forward view.
    #[test]
    fn dot_parses_back_to_the_graph(p in program(4, 10), run_backward in any::<bool>()) {
        let g = Graph::new();
        let root = *build(&g, &p).last().expect("a root");
        if run_backward {
            root.backward();
        }
        for view in [View::Backward, View::Forward] {
            let options = DotOptions { view: Some(view), ..DotOptions::default() };
            check_dot(&g, root.id(), &to_dot(&g, root.id(), &options), view)?;
        }
    }

    /// (c) The JSON round-trips through serde_json with the graph's ids, ops,
    /// labels, numbers and edges.
    #[test]
    fn json_round_trips(p in program(4, 12)) {
        let g = Graph::new();
        let root = *build(&g, &p).last().expect("a root");
        root.backward();
        check_json(&g, root.id(), &to_json(&g, root.id()))?;
    }
}

proptest! {
    #![proptest_config(config(16))]

    /// (d) The embedded engine's SVG is well-formed XML with every label as
    /// text (graphs of at most 10 values, so the layout stays quick).
    #[test]
    fn svg_is_well_formed_and_shows_the_labels(p in program(3, 5)) {
        let g = Graph::new();
        let values = build(&g, &p);
        // The last value whose diagram has at most 10 values.
        let root = values
            .iter()
            .rev()
            .find(|v| g.ancestors(v.id()).len() <= 10)
            .copied()
            .unwrap_or(values[0]);
        root.backward();
        let dot = to_dot(&g, root.id(), &DotOptions::default());
        let svg = to_svg(&dot, Engine::Embedded).map_err(|e| TestCaseError::fail(e.to_string()))?;
        check_svg(&g, root.id(), &svg)?;
    }
}

proptest! {
    #![proptest_config(config(128))]

    /// (e) A graph rebuilt step after step in one `Graph` (parameters kept
    /// by `clear_except`, the rest released and rebuilt: the same program,
    /// or one changed anywhere) is, after each step's build and backward,
    /// exactly the graph a fresh `Graph` builds: same ids, ops, operands,
    /// data and grads to the bit, labels, groups, DOT and JSON.
    #[test]
    fn a_rebuilt_step_is_the_graph_a_fresh_graph_builds(
        p in program(3, 10),
        rounds in prop::collection::vec(round(), 1..5),
    ) {
        let g = Graph::new();
        let group = g.add_group("step", None);
        let params: Vec<Value> = p.leaves.iter().map(|(x, label)| {
            let v = g.value(*x);
            if let Some(l) = label {
                v.set_label(l);
            }
            v
        }).collect();
        let keep: Vec<ValueId> = params.iter().map(|v| v.id()).collect();
        // Two unchanged steps first: from the third on, the rebuild is
        // checked against the schedule cached by the second's backward.
        let same = Round { variant: Variant::Same, grouped: false, look: false };
        let rounds = [vec![same.clone(), same], rounds].concat();
        for (k, r) in rounds.iter().enumerate() {
            let steps = vary(&p.steps, &r.variant);
            let run = |g: &Graph, params: &[Value<'_>]| -> ValueId {
                let make = || *build_steps(params.to_vec(), &steps).last().expect("a root");
                let root = if r.grouped { g.in_group(group, make) } else { make() };
                g.zero_grad();
                root.backward();
                root.id()
            };
            let root = run(&g, &params);

            let fresh = Graph::new();
            fresh.add_group("step", None);
            let fresh_params: Vec<Value> = params.iter().map(|v| {
                let f = fresh.value(v.data());
                if !v.label().is_empty() {
                    f.set_label(&v.label());
                }
                f
            }).collect();
            let fresh_root = run(&fresh, &fresh_params);

            prop_assert_eq!(root, fresh_root, "round {}", k);
            prop_assert_eq!(state(&g), state(&fresh), "round {}", k);
            let options = DotOptions::default();
            prop_assert_eq!(to_dot(&g, root, &options), to_dot(&fresh, fresh_root, &options));
            prop_assert_eq!(to_json(&g, root), to_json(&fresh, fresh_root));

            for v in &params {
                v.set_data(v.data() - 0.01 * v.grad());
            }
            g.clear_except(&keep);
            if r.look {
                prop_assert_eq!(g.len(), keep.len());
                prop_assert!(!g.contains(root) || keep.contains(&root));
            }
        }
    }
}
