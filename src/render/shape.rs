//! A deterministic text form of a graph's *shape* — ops, labels and
//! structure, no floats — for snapshot tests of graph construction.

use std::fmt;
use std::io;

use super::Traced;
use crate::engine::{Graph, Op, ValueId};

/// One line per node of `root`'s diagram, in index order:
/// `v3 "e" = v0 * v1` for results, `v0 "a" = leaf` for leaves (the label is
/// left out when there is none). Unlike the DOT or JSON it has no numbers, so
/// it does not change when data, grads or float rounding do: use it to
/// snapshot the structure your code builds.
///
/// ```
/// use gradviz::{Graph, render::to_shape};
/// let g = Graph::new();
/// let a = g.value(2.0).with_label("a");
/// let b = g.value(-3.0).with_label("b");
/// let o = (a * b + 1.0).tanh().with_label("o");
/// assert_eq!(to_shape(&g, o.id()), "\
/// v0 \"a\" = leaf
/// v1 \"b\" = leaf
/// v2 = v0 * v1
/// v3 = leaf
/// v4 = v2 + v3
/// v5 \"o\" = tanh(v4)
/// ");
/// // In your own tests: insta::assert_snapshot!(to_shape(&g, o.id()));
/// ```
pub fn to_shape(graph: &Graph, root: ValueId) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = shape_into(&mut out, graph, root);
    out
}

/// [`to_shape`], written to `out` line by line. Write to a buffered writer.
///
/// ```
/// use gradviz::{Graph, render::{to_shape, write_shape}};
/// let g = Graph::new();
/// let a = g.value(2.0).with_label("a");
/// let b = a.tanh();
/// let mut bytes = Vec::new();
/// write_shape(&mut bytes, &g, b.id()).unwrap();
/// assert_eq!(bytes, to_shape(&g, b.id()).into_bytes());
/// ```
pub fn write_shape(out: &mut dyn io::Write, graph: &Graph, root: ValueId) -> io::Result<()> {
    super::write_io(out, |w| shape_into(w, graph, root))
}

fn shape_into(out: &mut dyn fmt::Write, graph: &Graph, root: ValueId) -> fmt::Result {
    let traced = Traced::new(graph, root);
    let g = graph.store();
    for &id in &traced.ids {
        let node = g.node(id);
        write!(out, "v{}", traced.id(id))?;
        if let Some(label) = &node.label {
            write!(out, " {label:?}")?;
        }
        let args: Vec<String> = g
            .operands(id)
            .into_iter()
            .map(|o| format!("v{}", traced.id(o)))
            .collect();
        match node.op {
            None => writeln!(out, " = leaf"),
            Some(op @ (Op::Add | Op::Mul)) => writeln!(out, " = {} {op} {}", args[0], args[1]),
            Some(op @ Op::Pow(_)) => writeln!(out, " = {} {op}", args[0]),
            Some(op) => writeln!(out, " = {op}({})", args[0]),
        }?;
    }
    Ok(())
}
