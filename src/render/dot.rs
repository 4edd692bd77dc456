//! Graphviz DOT in the style of the lecture's `draw_dot`: a record node
//! `{ label | data %.4f | grad %.4f }` per value, a small node per op, edges
//! operand → op → result, left to right; plus the teaching views (forward,
//! chain rule on the edges, gradient colours, highlights, backprop frames,
//! clusters).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::{self, Write as _};

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
/// their gradient so far and whose chain rule runs now. Every frame of a
/// backward pass lays out alike (the same coordinates for every node): its
/// grads are padded to `grad_widths`, its caption to `caption_size`, and
/// only a frame's colours and numbers differ.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Frame {
    /// Nodes whose grad is final or being accumulated (shown in colour).
    pub reached: HashSet<ValueId>,
    /// The node whose local chain rule this frame shows.
    pub current: Option<ValueId>,
    /// The caption drawn above the graph, one line per item.
    pub caption: Vec<String>,
    /// The lines and characters every frame's caption is padded to.
    pub caption_size: (usize, usize),
    /// The characters each value's grad number is padded to (right-aligned).
    pub grad_widths: HashMap<ValueId, usize>,
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
pub(crate) const NSLIMIT: &str = "nslimit=2";

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
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = dot_into(&mut out, graph, root, options);
    out
}

/// [`to_dot`], written to `out` as it is made: what is held in memory
/// besides the graph is a few bytes per node, however long the labels, so
/// a diagram of millions of values goes to a file without being built
/// whole first. Write to a buffered writer.
///
/// ```
/// use gradviz::{Graph, render::{to_dot, write_dot, DotOptions}};
/// let g = Graph::new();
/// let a = g.value(2.0).with_label("a");
/// let b = (a * 3.0).with_label("b");
/// let mut bytes = Vec::new();
/// write_dot(&mut bytes, &g, b.id(), &DotOptions::default()).unwrap();
/// assert_eq!(bytes, to_dot(&g, b.id(), &DotOptions::default()).into_bytes());
/// ```
pub fn write_dot(
    out: &mut dyn std::io::Write,
    graph: &Graph,
    root: ValueId,
    options: &DotOptions,
) -> std::io::Result<()> {
    super::write_io(out, |w| dot_into(w, graph, root, options))
}

fn dot_into(
    out: &mut dyn fmt::Write,
    graph: &Graph,
    root: ValueId,
    options: &DotOptions,
) -> fmt::Result {
    if options.collapse && graph.has_groups() {
        return out.write_str(&super::collapsed::to_collapsed_dot(graph, root, options));
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

    out.write_str("digraph {\n")?;
    write!(
        out,
        "  graph [rankdir={}, fontname=\"Courier\", fontsize=12, nodesep=0.25, ranksep=0.35, {NSLIMIT}",
        options.rankdir
    )?;
    if let Some(frame) = &options.frame {
        // Left-justified lines (`\l`), padded to the same size in every
        // frame, so that the caption never moves the graph.
        out.write_str(", labelloc=t, labeljust=l, label=\"")?;
        let (lines, width) = frame.caption_size;
        for k in 0..lines.max(frame.caption.len()) {
            let line = frame.caption.get(k).map_or("", String::as_str);
            let pad = width.saturating_sub(line.chars().count());
            write!(out, "{}{:pad$}\\l", quoted_text(line), "")?;
        }
        out.write_str("\"")?;
    }
    out.write_str("];\n")?;
    out.write_str("  node [fontname=\"Courier\", fontsize=12, color=\"#444444\"];\n")?;
    out.write_str(
        "  edge [fontname=\"Courier\", fontsize=10, color=\"#555555\", arrowsize=0.7];\n",
    )?;

    // Node statements: the ungrouped values at the top level, then each
    // group's in its cluster.
    let node_statement = |out: &mut dyn fmt::Write, id: ValueId, pad: &str| -> fmt::Result {
        let node = g.node(id);
        let n = traced.id(id);
        write!(out, "{pad}  n{n} [label=\"{{ ")?;
        escape_into(out, names.get(id), true)?;
        out.write_str(" | data ")?;
        fixed4_into(out, node.data)?;
        if view == View::Backward {
            match options.frame.as_ref().and_then(|f| f.grad_widths.get(&id)) {
                // Padded (right-aligned) with escaped spaces, and an escaped
                // space after `grad` even when no padding is needed:
                // Graphviz widens a record field that holds one by a
                // character, so every frame's field must hold one.
                Some(width) => {
                    let grad = fixed4(node.grad);
                    let pad = width.saturating_sub(grad.chars().count());
                    out.write_str(" | grad\\ ")?;
                    out.write_str(&"\\ ".repeat(pad))?;
                    escape_into(out, &grad, true)?;
                }
                None => {
                    out.write_str(" | grad ")?;
                    fixed4_into(out, node.grad)?;
                }
            }
        }
        out.write_str(" }\", shape=record")?;
        if let Some(frame) = &options.frame {
            if frame.current == Some(id) {
                write!(
                    out,
                    ", style=filled, fillcolor=\"{}\", color=\"{}\"",
                    style::CURRENT,
                    style::FLOW
                )?;
            } else if frame.reached.contains(&id) {
                write!(out, ", style=filled, fillcolor=\"{}\"", style::REACHED)?;
            } else {
                write!(out, ", fontcolor=\"{}\"", style::PENDING)?;
            }
        } else if options.color && view == View::Backward {
            write!(out, ", {}", style::grad_fill(node.grad, max_grad))?;
        }
        if highlight.contains(node.label_str()) && !node.label_str().is_empty() {
            write!(out, ", color=\"{}\", penwidth=3", style::HIGHLIGHT)?;
        }
        out.write_str("];\n")?;
        if let Some(op) = node.op {
            write!(out, "{pad}  n{n}_op [label=\"")?;
            escape_into(out, &op.name(), false)?;
            writeln!(
                out,
                "\", shape=ellipse, margin=\"0.04,0.02\", height=0.3, fontsize=11];\n{pad}  n{n}_op -> n{n};"
            )?;
        }
        Ok(())
    };
    let mut members: BTreeMap<GroupId, Vec<ValueId>> = BTreeMap::new();
    let grouped = graph.has_groups();
    for &id in &traced.ids {
        match if grouped { graph.group_of(id) } else { None } {
            Some(group) => members.entry(group).or_default().push(id),
            None => node_statement(out, id, "")?,
        }
    }
    write_clusters(out, graph, &members, &|out, ids: &Vec<ValueId>, pad| {
        ids.iter().try_for_each(|id| node_statement(out, *id, pad))
    })?;

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
            write!(out, "  n{} -> n{n}_op", traced.id(*src))?;
            let mut attrs = Vec::new();
            if let (true, Some(local)) = (options.edge_grads, local) {
                let d = local[position];
                let mut text = format!(
                    "∂{}/∂{} = {}",
                    operand_name(names.get(id)),
                    operand_name(names.get(*src)),
                    fixed4(d),
                );
                // A frame's grads change from frame to frame: its edges
                // show the local derivative alone (the caption shows the
                // flow), so that every frame lays out alike.
                if options.frame.is_none() {
                    let _ = write!(
                        text,
                        "\n{} × {} = {}",
                        fixed4(node.grad),
                        fixed4(d),
                        fixed4(node.grad * d)
                    );
                }
                // `decorate` underlines the label and joins it to its edge:
                // with several edges side by side, each label says which
                // one it belongs to.
                attrs.push(format!("label=\"{}\", decorate=true", quoted_text(&text)));
            }
            if current {
                // Colour only: a wider pen would move the arrowheads, and
                // every frame must draw alike.
                attrs.push(format!("color=\"{}\"", style::FLOW));
            }
            if !attrs.is_empty() {
                write!(out, " [{}]", attrs.join(", "))?;
            }
            out.write_str(";\n")?;
        }
    }
    if options.color && view == View::Backward && options.frame.is_none() {
        let mut legend = String::new();
        style::write_legend(&mut legend, max_grad);
        out.write_str(&legend)?;
    }
    out.write_str("}\n")
}

/// Writes nested `subgraph cluster_gN` blocks for the groups that have
/// members in the diagram; `emit` writes a group's members, each line
/// starting with the padding it is given.
pub(crate) fn write_clusters<T>(
    out: &mut dyn fmt::Write,
    graph: &Graph,
    members: &BTreeMap<GroupId, T>,
    emit: &dyn Fn(&mut dyn fmt::Write, &T, &str) -> fmt::Result,
) -> fmt::Result {
    if members.is_empty() {
        return Ok(());
    }
    // Every group with members, and all their ancestors.
    let mut used: Vec<GroupId> = Vec::new();
    for g in members.keys() {
        let mut cur = Some(*g);
        while let Some(c) = cur {
            if !used.contains(&c) {
                used.push(c);
            }
            cur = graph.group(c).parent;
        }
    }
    used.sort();
    struct Clusters<'a, T> {
        graph: &'a Graph,
        used: &'a [GroupId],
        members: &'a BTreeMap<GroupId, T>,
        emit: &'a dyn Fn(&mut dyn fmt::Write, &T, &str) -> fmt::Result,
    }
    impl<T> Clusters<'_, T> {
        fn write(&self, out: &mut dyn fmt::Write, group: GroupId, depth: usize) -> fmt::Result {
            let info = self.graph.group(group);
            let pad = "  ".repeat(depth);
            writeln!(out, "{pad}subgraph cluster_g{} {{", group.index())?;
            writeln!(
                out,
                "{pad}  label=\"{}\"; style=\"rounded,dashed\"; color=\"#9e9e9e\"; fontcolor=\"#616161\";",
                quoted_text(&info.name)
            )?;
            for child in self
                .used
                .iter()
                .filter(|c| self.graph.group(**c).parent == Some(group))
            {
                self.write(out, *child, depth + 1)?;
            }
            if let Some(m) = self.members.get(&group) {
                (self.emit)(out, m, &pad)?;
            }
            writeln!(out, "{pad}}}")
        }
    }
    let clusters = Clusters {
        graph,
        used: &used,
        members,
        emit,
    };
    for r in used
        .iter()
        .filter(|g| graph.group(**g).parent.is_none_or(|p| !used.contains(&p)))
    {
        clusters.write(out, *r, 1)?;
    }
    Ok(())
}

/// A name as it reads after `∂`: a compound label (`x1*w1 + x2*w2`) is put
/// in parentheses, so that `∂o/∂(x1*w1 + x2*w2)` cannot be misread; a plain
/// name (`x1`, `n.w`, `v3`) is kept as it is.
pub(crate) fn operand_name(name: &str) -> Cow<'_, str> {
    let plain = name
        .chars()
        .all(|c| c.is_alphanumeric() || c == '_' || c == '.' || c == '\'');
    if plain && !name.is_empty() {
        Cow::Borrowed(name)
    } else {
        Cow::Owned(format!("({name})"))
    }
}

/// The names used in the diagram: labels (borrowed from the graph, never
/// copied: a label may be long), and `vN` for unlabelled values when the
/// chain rule is written on the edges (it needs a name for each).
struct Names<'a> {
    names: Vec<Cow<'a, str>>,
    dense: Vec<u32>,
}

impl<'a> Names<'a> {
    fn new(g: &'a Store, traced: &Traced, ids_for_unlabelled: bool) -> Self {
        let mut dense = vec![u32::MAX; traced.ids.last().map_or(0, |id| id.index() + 1)];
        let names = traced
            .ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                dense[id.index()] = i as u32;
                let label = g.node(*id).label_str();
                if label.is_empty() && ids_for_unlabelled {
                    Cow::Owned(format!("v{i}"))
                } else {
                    Cow::Borrowed(label)
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
    let _ = fixed4_into(&mut out, x);
    out
}

/// [`fixed4`], appended to `out`.
fn fixed4_into(out: &mut dyn fmt::Write, x: f64) -> fmt::Result {
    if x.is_finite() {
        // What `format_number(x, ".4f")` does for finite numbers, without
        // parsing the spec for every value of a large graph.
        write!(out, "{x:.4}")
    } else {
        out.write_str(&format_number(Number::Float(x), ".4f").unwrap_or_else(|_| x.to_string()))
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
    let _ = escape_into(&mut out, s, record);
    out
}

/// [`record_text`] or [`quoted_text`], appended to `out`.
fn escape_into(out: &mut dyn fmt::Write, s: &str, record: bool) -> fmt::Result {
    if s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
    {
        return out.write_str(s); // nothing to escape: most labels
    }
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // A backslash would start a Graphviz escape (\N, \G, \l …).
            '\\' => out.write_str("\\\\"),
            '"' => out.write_str("\\\""),
            // Graphviz decodes HTML entities in labels (`&amp;`, `&#60;`):
            // an `&` that would start one is written as `&amp;`.
            '&' if starts_entity(chars.clone()) => out.write_str("&amp;"),
            '{' | '}' | '|' | '<' | '>' | ' ' if record => {
                out.write_char('\\')?;
                out.write_char(c)
            }
            '\r' if chars.peek() == Some(&'\n') => Ok(()),
            '\n' | '\r' => out.write_str("\\n"),
            '\t' if record => out.write_str("\\ "),
            '\t' => out.write_char(' '),
            // Other control characters are shown as Python writes them, and
            // so are the noncharacters U+FFFE and U+FFFF, which XML (and so
            // the SVG) cannot hold.
            c if c.is_control() => write!(out, "\\\\x{:02x}", c as u32),
            // U+FFFE and U+FFFF cannot appear in XML: an SVG holding them
            // would not parse.
            '\u{fffe}' | '\u{ffff}' => write!(out, "\\\\u{:04x}", c as u32),
            c => out.write_char(c),
        }?;
    }
    Ok(())
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
