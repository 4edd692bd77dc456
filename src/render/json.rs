//! The graph as JSON data, for tools and tests:
//! `{"nodes":[{"id","label","op","data","grad"}…],"edges":[{"from","to","operand"}…]}`.

use std::io;

use serde::Serialize;

use super::Traced;
use crate::engine::{Graph, ValueId};

/// One value node of the JSON output.
#[derive(Serialize)]
struct JsonNode<'a> {
    id: u32,
    label: &'a str,
    op: Option<String>,
    data: f64,
    grad: f64,
}

/// One operand edge of the JSON output.
#[derive(Serialize)]
struct JsonEdge {
    from: u32,
    to: u32,
    operand: usize,
}

/// The JSON of `root` and all its ancestors: nodes in index order with dense
/// ids, `op` as in micrograd (`null` for leaves), one edge per operand sorted
/// by result and operand position. One object per line, so diffs stay small.
/// Non-finite numbers (only possible with IEEE semantics) are `null`.
///
/// ```
/// use gradviz::{Graph, render::to_json};
/// let g = Graph::new();
/// let a = g.value(3.0).with_label("a");
/// let b = a + a;
/// let json: serde_json::Value = serde_json::from_str(&to_json(&g, b.id())).unwrap();
/// assert_eq!(json["nodes"][1]["op"], "+");
/// assert_eq!(json["edges"][1], serde_json::json!({"from": 0, "to": 1, "operand": 1}));
/// ```
pub fn to_json(graph: &Graph, root: ValueId) -> String {
    let mut out = Vec::new();
    write_json(&mut out, graph, root).expect("writing to memory cannot fail");
    String::from_utf8(out).expect("JSON is UTF-8")
}

/// [`to_json`], written to `out` node by node (nothing held but a few bytes
/// per node, however long the labels). Write to a buffered writer.
///
/// ```
/// use gradviz::{Graph, render::{to_json, write_json}};
/// let g = Graph::new();
/// let a = g.value(3.0).with_label("a");
/// let b = a + a;
/// let mut bytes = Vec::new();
/// write_json(&mut bytes, &g, b.id()).unwrap();
/// assert_eq!(bytes, to_json(&g, b.id()).into_bytes());
/// ```
pub fn write_json(out: &mut dyn io::Write, graph: &Graph, root: ValueId) -> io::Result<()> {
    let traced = Traced::new(graph, root);
    let g = graph.store();
    out.write_all(b"{\"nodes\":[")?;
    for (i, &id) in traced.ids.iter().enumerate() {
        let node = g.node(id);
        let json = JsonNode {
            id: traced.id(id),
            label: node.label_str(),
            op: node.op.map(|op| op.name()),
            data: node.data,
            grad: node.grad,
        };
        out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut *out, &json)?;
    }
    out.write_all(b"\n],\"edges\":[")?;
    let mut first = true;
    for &id in &traced.ids {
        for (position, src) in g.operands(id).into_iter().enumerate() {
            let edge = JsonEdge {
                from: traced.id(src),
                to: traced.id(id),
                operand: position,
            };
            out.write_all(if first { b"\n" } else { b",\n" })?;
            first = false;
            serde_json::to_writer(&mut *out, &edge)?;
        }
    }
    out.write_all(b"\n]}\n")
}
