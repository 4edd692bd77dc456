//! Graphviz DOT in the style of the lecture's `draw_dot`: a record node
//! `{ label | data %.4f | grad %.4f }` per value, a small node per op, edges
//! operand → op → result, left to right; plus the teaching views (forward,
//! chain rule on the edges, gradient colours, highlights, backprop frames,
//! clusters).

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;

use super::style;
use super::{RankDir, Traced};
use crate::engine::Store;
use crate::engine::{Graph, GroupId, ValueId};
use crate::pyfmt::{Number, format_number};

/// Which numbers the value nodes show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// `{ label | data }`: the forward pass.
    Forward,
    /// `{ label | data | grad }`: after a backward pass.
    Backward,
}

/// One frame of step-by-step backpropagation: which nodes have received
/// their gradient so far and whose chain rule runs now.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Frame {
    /// Nodes whose grad is final or being accumulated (shown in colour).
    pub reached: HashSet<ValueId>,
    /// The node whose local chain rule this frame shows.
    pub current: Option<ValueId>,
    /// A caption drawn above the graph.
    pub caption: String,
}

/// How the DOT is laid out and what it shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DotOptions {
    /// The layout direction.
    pub rankdir: RankDir,
    /// Forward or backward view; `None` picks backward when any gradient
    /// is non-zero (a backward pass ran), forward otherwise.
    pub view: Option<View>,
    /// Label each operand edge with its local derivative ∂out/∂in and the
    /// gradient it carries, ∂L/∂out · ∂out/∂in: the chain rule made visible.
    pub edge_grads: bool,
    /// Fill value nodes by the sign and size of their gradient, with a legend.
    pub color: bool,
    /// Labels of nodes to highlight.
    pub highlight: Vec<String>,
    /// A backprop frame to draw instead of the plain view.
    pub frame: Option<Frame>,
    /// Draw each innermost group (a neuron) as one node instead of its
    /// values, with the edges between groups: big models stay readable.
    pub collapse: bool,
}

/// Caps Graphviz's network-simplex passes that place nodes within their ranks
/// at 2 × the node count. A value used at every step of a long chain (many
/// long edges) otherwise takes Graphviz minutes to place — 86 s for a
/// 40-step chain with the system `dot`, 11.5 s embedded — and 1 s or 0.3 s
/// with the cap; the diagrams of the fixtures and of an MLP come out
/// byte-identical with or without it.
const NSLIMIT: &str = "nslimit=2";

/// The DOT of `root` and all its ancestors.
///
/// Node ids are `n0`, `n1`, … in index order and op nodes are `n2_op`, so the
/// output is byte-identical on every run and machine. Text is set in Courier,
/// whose metrics every Graphviz (and the embedded engine) knows.
///
/// ```
/// use gradviz::{Graph, render::{to_dot, DotOptions, View}};
/// let g = Graph::new();
/// let a = g.value(2.0).with_label("a");
/// let b = (a * 3.0).with_label("b");
/// let opts = DotOptions { view: Some(View::Backward), ..DotOptions::default() };
/// let dot = to_dot(&g, b.id(), &opts);
/// assert!(dot.contains(r#"n0 [label="{ a | data 2.0000 | grad 0.0000 }""#));
/// assert!(dot.contains(r#"n2_op [label="*""#));
/// assert!(dot.contains("n0 -> n2_op"));
/// ```
pub fn to_dot(graph: &Graph, root: ValueId, options: &DotOptions) -> String {
    if options.collapse && graph.has_groups() {
        return collapsed(graph, root, options);
    }
    let traced = Traced::new(graph, root);
    let g = graph.store();
    let view = options.view.unwrap_or_else(|| {
        let any_grad = traced.ids.iter().any(|id| g.node(*id).grad != 0.0);
        if any_grad {
            View::Backward
        } else {
            View::Forward
        }
    });
    let names = Names::new(&g, &traced, options.edge_grads);
    let max_grad = traced
        .ids
        .iter()
        .map(|id| g.node(*id).grad.abs())
        .filter(|x| x.is_finite())
        .fold(0.0, f64::max);
    let highlight: HashSet<&str> = options.highlight.iter().map(String::as_str).collect();

    let mut out = String::with_capacity(traced.ids.len() * 240);
    out.push_str("digraph {\n");
    let _ = write!(
        out,
        "  graph [rankdir={}, fontname=\"Courier\", fontsize=12, nodesep=0.25, ranksep=0.35, {NSLIMIT}",
        options.rankdir
    );
    if let Some(frame) = &options.frame {
        let _ = write!(
            out,
            ", labelloc=t, label=\"{}\"",
            quoted_text(&frame.caption)
        );
    }
    out.push_str("];\n");
    out.push_str("  node [fontname=\"Courier\", fontsize=12, color=\"#444444\"];\n");
    out.push_str("  edge [fontname=\"Courier\", fontsize=10, color=\"#555555\", arrowsize=0.7];\n");

    // Node statements, by group (clusters) or at the top level.
    let mut by_group: BTreeMap<Option<GroupId>, String> = BTreeMap::new();
    let grouped = graph.has_groups();
    for &id in &traced.ids {
        let node = g.node(id);
        let n = traced.id(id);
        let group = if grouped { graph.group_of(id) } else { None };
        let s = by_group.entry(group).or_insert_with(|| {
            String::with_capacity(if group.is_none() {
                traced.ids.len() * 160
            } else {
                0
            })
        });
        let _ = write!(s, "  n{n} [label=\"{{ ");
        escape_into(s, names.get(id), true);
        s.push_str(" | data ");
        fixed4_into(s, node.data);
        if view == View::Backward {
            s.push_str(" | grad ");
            fixed4_into(s, node.grad);
        }
        s.push_str(" }\", shape=record");
        let mut attrs = Vec::new();
        if let Some(frame) = &options.frame {
            if frame.current == Some(id) {
                attrs.push(format!(
                    "style=filled, fillcolor=\"{}\", penwidth=2",
                    style::CURRENT
                ));
            } else if frame.reached.contains(&id) {
                attrs.push(format!("style=filled, fillcolor=\"{}\"", style::REACHED));
            } else {
                attrs.push(format!("fontcolor=\"{}\"", style::PENDING));
            }
        } else if options.color && view == View::Backward {
            attrs.push(style::grad_fill(node.grad, max_grad));
        }
        if highlight.contains(node.label_str()) && !node.label_str().is_empty() {
            attrs.push(format!("color=\"{}\", penwidth=3", style::HIGHLIGHT));
        }
        for a in attrs {
            let _ = write!(s, ", {a}");
        }
        s.push_str("];\n");
        if let Some(op) = node.op {
            let _ = write!(s, "  n{n}_op [label=\"");
            escape_into(s, &op.name(), false);
            let _ = writeln!(
                s,
                "\", shape=ellipse, margin=\"0.04,0.02\", height=0.3, fontsize=11];\n  n{n}_op -> n{n};"
            );
        }
    }
    if let Some(top) = by_group.remove(&None) {
        out.push_str(&top);
    }
    write_clusters(&mut out, graph, by_group);

    // Operand edges, with the chain rule on them when asked.
    for &id in &traced.ids {
        let n = traced.id(id);
        let node = g.node(id);
        let operands = g.operands(id);
        let local = node.op.map(|op| {
            let (a, b) = g.operand_data(&operands);
            op.local_grads(a, b, node.data)
        });
        let current = options
            .frame
            .as_ref()
            .is_some_and(|f| f.current == Some(id));
        for (position, src) in operands.iter().enumerate() {
            let _ = write!(out, "  n{} -> n{n}_op", traced.id(*src));
            let labelled = options.edge_grads && (options.frame.is_none() || current);
            let mut attrs = Vec::new();
            if let (true, Some(local)) = (labelled, local) {
                let d = local[position];
                let text = format!(
                    "∂{}/∂{} = {}\n{} × {} = {}",
                    names.get(id),
                    names.get(*src),
                    fixed4(d),
                    fixed4(node.grad),
                    fixed4(d),
                    fixed4(node.grad * d)
                );
                attrs.push(format!("label=\"{}\"", quoted_text(&text)));
            }
            if current {
                attrs.push(format!("color=\"{}\", penwidth=2", style::FLOW));
            }
            if !attrs.is_empty() {
                let _ = write!(out, " [{}]", attrs.join(", "));
            }
            out.push_str(";\n");
        }
    }
    if options.color && view == View::Backward && options.frame.is_none() {
        style::write_legend(&mut out, max_grad);
    }
    out.push_str("}\n");
    out
}

/// The collapsed view: one box per innermost group (with how many values it
/// holds), the ungrouped values as records, and one edge per connection.
fn collapsed(graph: &Graph, root: ValueId, options: &DotOptions) -> String {
    let traced = Traced::new(graph, root);
    let g = graph.store();
    let mut out = String::new();
    out.push_str("digraph {\n");
    let _ = writeln!(
        out,
        "  graph [rankdir={}, fontname=\"Courier\", fontsize=12, nodesep=0.25, ranksep=0.35, {NSLIMIT}];",
        options.rankdir
    );
    out.push_str("  node [fontname=\"Courier\", fontsize=12, color=\"#444444\"];\n");
    out.push_str("  edge [color=\"#555555\", arrowsize=0.7];\n");
    let mut sizes: BTreeMap<GroupId, usize> = BTreeMap::new();
    for &id in &traced.ids {
        if let Some(gr) = graph.group_of(id) {
            *sizes.entry(gr).or_default() += 1;
        }
    }
    let mut by_group: BTreeMap<Option<GroupId>, String> = BTreeMap::new();
    for (gr, n) in &sizes {
        let name = graph.group(*gr).name;
        let stmt = format!(
            "  g{} [label=\"{}\\n{n} values\", shape=box, style=\"rounded,filled\", fillcolor=\"#eeeeee\"];\n",
            gr.index(),
            quoted_text(&name)
        );
        by_group
            .entry(graph.group(*gr).parent)
            .or_default()
            .push_str(&stmt);
    }
    let end = |id: ValueId| match graph.group_of(id) {
        Some(gr) => format!("g{}", gr.index()),
        None => format!("n{}", traced.id(id)),
    };
    let mut edges = std::collections::BTreeSet::new();
    for &id in &traced.ids {
        if graph.group_of(id).is_some() {
            for src in g.operands(id) {
                if graph.group_of(src) != graph.group_of(id) {
                    edges.insert((end(src), end(id)));
                }
            }
            continue;
        }
        let node = g.node(id);
        let n = traced.id(id);
        let _ = writeln!(
            by_group.entry(None).or_default(),
            "  n{n} [label=\"{{ {} | data {} }}\", shape=record];",
            record_text(node.label_str()),
            fixed4(node.data)
        );
        if let Some(op) = node.op {
            let _ = writeln!(
                by_group.entry(None).or_default(),
                "  n{n}_op [label=\"{}\", shape=ellipse, margin=\"0.04,0.02\", height=0.3, fontsize=11];\n  n{n}_op -> n{n};",
                quoted_text(&op.name())
            );
            for src in g.operands(id) {
                edges.insert((end(src), format!("n{n}_op")));
            }
        }
    }
    if let Some(top) = by_group.remove(&None) {
        out.push_str(&top);
    }
    write_clusters(&mut out, graph, by_group);
    for (a, b) in edges {
        let _ = writeln!(out, "  {a} -> {b};");
    }
    out.push_str("}\n");
    out
}

/// Writes nested `subgraph cluster_gN` blocks for the groups that have
/// members in the diagram.
fn write_clusters(out: &mut String, graph: &Graph, mut members: BTreeMap<Option<GroupId>, String>) {
    if members.is_empty() {
        return;
    }
    // Every group with members, and all their ancestors.
    let mut used: Vec<GroupId> = Vec::new();
    for g in members.keys().flatten() {
        let mut cur = Some(*g);
        while let Some(c) = cur {
            if !used.contains(&c) {
                used.push(c);
            }
            cur = graph.group(c).parent;
        }
    }
    used.sort();
    fn write(
        out: &mut String,
        graph: &Graph,
        group: GroupId,
        used: &[GroupId],
        members: &mut BTreeMap<Option<GroupId>, String>,
        depth: usize,
    ) {
        let info = graph.group(group);
        let pad = "  ".repeat(depth);
        let _ = writeln!(out, "{pad}subgraph cluster_g{} {{", group.index());
        let _ = writeln!(
            out,
            "{pad}  label=\"{}\"; style=\"rounded,dashed\"; color=\"#9e9e9e\"; fontcolor=\"#616161\";",
            quoted_text(&info.name)
        );
        for child in used
            .iter()
            .filter(|c| graph.group(**c).parent == Some(group))
        {
            write(out, graph, *child, used, members, depth + 1);
        }
        if let Some(stmts) = members.remove(&Some(group)) {
            for line in stmts.lines() {
                let _ = writeln!(out, "{pad}{line}");
            }
        }
        let _ = writeln!(out, "{pad}}}");
    }
    let roots: Vec<GroupId> = used
        .iter()
        .copied()
        .filter(|g| graph.group(*g).parent.is_none_or(|p| !used.contains(&p)))
        .collect();
    for r in roots {
        write(out, graph, r, &used, &mut members, 1);
    }
}

/// The names used in the diagram: labels, and `vN` for unlabelled values
/// when the chain rule is written on the edges (it needs a name for each).
struct Names {
    names: Vec<String>,
    dense: Vec<u32>,
}

impl Names {
    fn new(g: &Store, traced: &Traced, ids_for_unlabelled: bool) -> Self {
        let mut dense = vec![u32::MAX; traced.ids.last().map_or(0, |id| id.index() + 1)];
        let names = traced
            .ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                dense[id.index()] = i as u32;
                let label = g.node(*id).label_str();
                if label.is_empty() && ids_for_unlabelled {
                    format!("v{i}")
                } else {
                    label.to_string()
                }
            })
            .collect();
        Names { names, dense }
    }

    fn get(&self, id: ValueId) -> &str {
        &self.names[self.dense[id.index()] as usize]
    }
}

/// Python's `'%.4f' % x` (so `nan` and `inf` read as in micrograd's diagrams).
pub(crate) fn fixed4(x: f64) -> String {
    let mut out = String::new();
    fixed4_into(&mut out, x);
    out
}

/// [`fixed4`], appended to `out`.
fn fixed4_into(out: &mut String, x: f64) {
    if x.is_finite() {
        // What `format_number(x, ".4f")` does for finite numbers, without
        // parsing the spec for every value of a large graph.
        let _ = write!(out, "{x:.4}");
    } else {
        out.push_str(&format_number(Number::Float(x), ".4f").unwrap_or_else(|_| x.to_string()));
    }
}

/// Escapes text for a DOT double-quoted string that is *not* a record.
pub(crate) fn quoted_text(s: &str) -> String {
    escape(s, false)
}

/// Escapes text for one field of a record label inside a DOT double-quoted
/// string, so that any label shows as written and cannot change the record's
/// structure or the DOT around it.
pub(crate) fn record_text(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, record: bool) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    escape_into(&mut out, s, record);
    out
}

/// [`record_text`] or [`quoted_text`], appended to `out`.
fn escape_into(out: &mut String, s: &str, record: bool) {
    if s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
    {
        out.push_str(s); // nothing to escape: most labels
        return;
    }
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // A backslash would start a Graphviz escape (\N, \G, \l …).
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            // Graphviz decodes HTML entities in labels (`&amp;`, `&#60;`):
            // an `&` that would start one is written as `&amp;`.
            '&' if starts_entity(chars.clone()) => out.push_str("&amp;"),
            '{' | '}' | '|' | '<' | '>' | ' ' if record => {
                out.push('\\');
                out.push(c);
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => out.push_str("\\n"),
            '\t' if record => out.push_str("\\ "),
            '\t' => out.push(' '),
            // Other control characters are shown as Python writes them, and
            // so are the noncharacters U+FFFE and U+FFFF, which XML (and so
            // the SVG) cannot hold.
            c if c.is_control() => {
                let _ = write!(out, "\\\\x{:02x}", c as u32);
            }
            // U+FFFE and U+FFFF cannot appear in XML: an SVG holding them
            // would not parse.
            '\u{fffe}' | '\u{ffff}' => {
                let _ = write!(out, "\\\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
}

/// Whether the text after an `&` could be read by Graphviz as an HTML
/// entity: `#…` (a character reference) or a name followed by `;`.
fn starts_entity(mut rest: impl Iterator<Item = char>) -> bool {
    match rest.next() {
        Some('#') => true,
        Some(c) if c.is_ascii_alphanumeric() => rest
            .find(|c| !c.is_ascii_alphanumeric())
            .is_some_and(|c| c == ';'),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_escapes_cover_every_special_character() {
        assert_eq!(
            record_text(r#"a{b}|<c> "d"\e"#),
            r#"a\{b\}\|\<c\>\ \"d\"\\e"#
        );
        assert_eq!(record_text("x\ny"), "x\\ny");
        assert_eq!(record_text("\u{7}"), "\\\\x07");
        assert_eq!(record_text("\u{fffe}"), "\\\\ufffe");
        assert_eq!(quoted_text("a\u{fffe}\u{ffff}"), "a\\\\ufffe\\\\uffff");
        assert_eq!(quoted_text("&#0; &amp;"), "&amp;#0; &amp;amp;");
        assert_eq!(record_text("∂L/∂a ü"), "∂L/∂a\\ ü");
        assert_eq!(quoted_text("**-1"), "**-1");
        // Entities that Graphviz would decode stay text; a lone `&` is kept.
        assert_eq!(record_text("&amp;&#60;&lt;"), "&amp;amp;&amp;#60;&amp;lt;");
        assert_eq!(quoted_text("AT&T & co &x"), "AT&T & co &x");
    }

    #[test]
    fn fixed4_matches_python_percent_format() {
        assert_eq!(fixed4(138.83381924198252), "138.8338");
        assert_eq!(fixed4(-0.0), "-0.0000");
        assert_eq!(fixed4(f64::NAN), "nan");
        assert_eq!(fixed4(f64::NEG_INFINITY), "-inf");
    }

    #[test]
    fn the_view_follows_the_gradients() {
        let g = Graph::new();
        let a = g.value(2.0).with_label("a");
        let b = a * a;
        let forward = to_dot(&g, b.id(), &DotOptions::default());
        assert!(forward.contains("{ a | data 2.0000 }"));
        b.backward();
        let backward = to_dot(&g, b.id(), &DotOptions::default());
        assert!(backward.contains("{ a | data 2.0000 | grad 4.0000 }"));
    }

    #[test]
    fn clusters_nest_groups() {
        let g = Graph::new();
        let layer = g.add_group("layer 0", None);
        let neuron = g.add_group("neuron 0", Some(layer));
        let w = g.value(0.5).with_label("w");
        let x = g.value(2.0).with_label("x");
        let y = (w * x).tanh();
        for id in [w.id(), y.id()] {
            g.set_group(id, neuron);
        }
        let dot = to_dot(&g, y.id(), &DotOptions::default());
        let layer_at = dot.find("subgraph cluster_g0 {").unwrap();
        let neuron_at = dot.find("subgraph cluster_g1 {").unwrap();
        assert!(layer_at < neuron_at);
        assert!(dot[neuron_at..].contains("label=\"{ w | data 0.5000 }\""));
        assert!(dot.contains("label=\"neuron 0\""));
        let collapsed = to_dot(
            &g,
            y.id(),
            &DotOptions {
                collapse: true,
                ..DotOptions::default()
            },
        );
        assert!(
            collapsed.contains("g1 [label=\"neuron 0\\n2 values\""),
            "{collapsed}"
        );
        assert!(
            collapsed.contains("n2 -> g1;"),
            "w*x feeds the neuron's tanh: {collapsed}"
        );
        assert!(
            collapsed.contains("g1 -> n2_op;"),
            "w feeds w*x: {collapsed}"
        );
        assert!(
            !collapsed.contains("{ w |"),
            "the neuron's values are hidden"
        );
    }
}
