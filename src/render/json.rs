//! The graph as JSON data, for tools and tests:
//! `{"nodes":[{"id","label","op","data","grad"}…],"edges":[{"from","to","operand"}…]}`.

use std::fmt::Write as _;

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
    let traced = Traced::new(graph, root);
    let g = graph.store();
    let mut out = String::with_capacity(traced.ids.len() * 80);
    out.push_str("{\"nodes\":[");
    for (i, &id) in traced.ids.iter().enumerate() {
        let node = g.node(id);
        let json = JsonNode {
            id: traced.id(id),
            label: node.label_str(),
            op: node.op.map(|op| op.name()),
            data: node.data,
            grad: node.grad,
        };
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        out.push_str(&serde_json::to_string(&json).expect("a node serializes"));
    }
    out.push_str("\n],\"edges\":[");
    let mut first = true;
    for &id in &traced.ids {
        for (position, src) in g.operands(id).into_iter().enumerate() {
            let edge = JsonEdge {
                from: traced.id(src),
                to: traced.id(id),
                operand: position,
            };
            out.push_str(if first { "\n" } else { ",\n" });
            first = false;
            let _ = write!(
                out,
                "{}",
                serde_json::to_string(&edge).expect("an edge serializes")
            );
        }
    }
    out.push_str("\n]}\n");
    out
}
