//! Graphviz DOT in the style of the lecture's `draw_dot`: a record node
//! `{ label | data %.4f | grad %.4f }` per value, a small node per op, edges
//! operand → op → result, left to right.

use std::fmt::Write as _;

use super::{RankDir, Traced};
use crate::engine::graph::operands_of;
use crate::engine::{Graph, ValueId};
use crate::pyfmt::{Number, format_number};

/// How the DOT is laid out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DotOptions {
    /// The layout direction.
    pub rankdir: RankDir,
}

/// The DOT of `root` and all its ancestors.
///
/// Node ids are `n0`, `n1`, … in index order and op nodes are `n2_op`, so the
/// output is byte-identical on every run and machine.
///
/// ```
/// use gradviz::{Graph, render::{to_dot, DotOptions}};
/// let g = Graph::new();
/// let a = g.value(2.0).with_label("a");
/// let b = (a * 3.0).with_label("b");
/// let dot = to_dot(&g, b.id(), &DotOptions::default());
/// assert!(dot.contains(r#"n0 [label="{ a | data 2.0000 | grad 0.0000 }", shape=record];"#));
/// assert!(dot.contains(r#"n2_op [label="*"];"#));
/// assert!(dot.contains("n0 -> n2_op;"));
/// ```
pub fn to_dot(graph: &Graph, root: ValueId, options: &DotOptions) -> String {
    let traced = Traced::new(graph, root);
    let g = graph.inner();
    let mut out = String::with_capacity(traced.ids.len() * 96);
    out.push_str("digraph {\n");
    let _ = writeln!(out, "  graph [rankdir={}];", options.rankdir);
    for &id in &traced.ids {
        let node = &g[id.node_index()];
        let n = traced.id(id);
        let _ = writeln!(
            out,
            "  n{n} [label=\"{{ {} | data {} | grad {} }}\", shape=record];",
            record_text(node.label_str()),
            fixed4(node.data),
            fixed4(node.grad)
        );
        if let Some(op) = node.op {
            let _ = writeln!(out, "  n{n}_op [label=\"{}\"];", quoted_text(&op.name()));
            let _ = writeln!(out, "  n{n}_op -> n{n};");
        }
    }
    for &id in &traced.ids {
        let n = traced.id(id);
        for src in operands_of(&g, id) {
            let _ = writeln!(out, "  n{} -> n{n}_op;", traced.id(src));
        }
    }
    out.push_str("}\n");
    out
}

/// Python's `'%.4f' % x` (so `nan` and `inf` read as in micrograd's diagrams).
pub(crate) fn fixed4(x: f64) -> String {
    format_number(Number::Float(x), ".4f").unwrap_or_else(|_| x.to_string())
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
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // A backslash would start a Graphviz escape (\N, \G, \l …).
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '{' | '}' | '|' | '<' | '>' | ' ' if record => {
                out.push('\\');
                out.push(c);
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => out.push_str("\\n"),
            '\t' if record => out.push_str("\\ "),
            '\t' => out.push(' '),
            // Other control characters are shown as Python writes them.
            c if c.is_control() => {
                let _ = write!(out, "\\\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
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
        assert_eq!(record_text("∂L/∂a ü"), "∂L/∂a\\ ü");
        assert_eq!(quoted_text("**-1"), "**-1");
    }

    #[test]
    fn fixed4_matches_python_percent_format() {
        assert_eq!(fixed4(138.83381924198252), "138.8338");
        assert_eq!(fixed4(-0.0), "-0.0000");
        assert_eq!(fixed4(f64::NAN), "nan");
        assert_eq!(fixed4(f64::NEG_INFINITY), "-inf");
    }
}
