//! The collapsed view of a model (`--collapse`, `draw_dot(…, collapse=True)`,
//! `train`'s `model-collapsed.svg`): one box per innermost group (a neuron)
//! saying how many values it holds, the ungrouped values (the inputs, the
//! loss) as records, and the connections between them. Boxes keep their
//! order (neuron 0, 1, 2, … down each layer); a layer that feeds every
//! neuron of the next (from two boxes or more) is drawn as one bundle,
//! labelled with its count, and an input that feeds every neuron of a layer
//! as one edge into the layer.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::dot::{DotOptions, NSLIMIT, fixed4, quoted_text, record_text, write_clusters};
use super::{RankDir, Traced};
use crate::engine::{Graph, GroupId, ValueId};

/// One end of a connection, ordered as the diagram lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum End {
    /// A value outside every group, by its diagram id (`n4`).
    Value(u32),
    /// The op node of such a value (`n4_op`).
    Op(u32),
    /// A group's box (`g3`).
    Group(GroupId),
}

impl std::fmt::Display for End {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            End::Value(n) => write!(f, "n{n}"),
            End::Op(n) => write!(f, "n{n}_op"),
            End::Group(g) => write!(f, "g{}", g.index()),
        }
    }
}

/// The collapsed DOT of `root` and its ancestors.
pub(crate) fn to_collapsed_dot(graph: &Graph, root: ValueId, options: &DotOptions) -> String {
    let traced = Traced::new(graph, root);
    let g = graph.store();
    let mut out = String::new();
    out.push_str("digraph {\n");
    let _ = writeln!(
        out,
        "  graph [rankdir={}, fontname=\"Courier\", fontsize=12, nodesep=0.25, ranksep=0.5, compound=true, {NSLIMIT}];",
        options.rankdir
    );
    out.push_str("  node [fontname=\"Courier\", fontsize=12, color=\"#444444\"];\n");
    out.push_str("  edge [fontname=\"Courier\", fontsize=10, color=\"#555555\", arrowsize=0.7];\n");

    // The boxes, by the cluster (layer) they sit in.
    let mut sizes: BTreeMap<GroupId, usize> = BTreeMap::new();
    for &id in &traced.ids {
        if let Some(gr) = graph.group_of(id) {
            *sizes.entry(gr).or_default() += 1;
        }
    }
    let mut boxes: BTreeMap<Option<GroupId>, Vec<GroupId>> = BTreeMap::new();
    let mut by_group: BTreeMap<Option<GroupId>, String> = BTreeMap::new();
    for (gr, n) in &sizes {
        let info = graph.group(*gr);
        let _ = writeln!(
            by_group.entry(info.parent).or_default(),
            "  g{} [label=\"{}\\n{n} values\", shape=box, style=\"rounded,filled\", fillcolor=\"#eeeeee\"];",
            gr.index(),
            quoted_text(&info.name)
        );
        boxes.entry(info.parent).or_default().push(*gr);
    }
    // Keep each layer's boxes in order, top to bottom (left to right when
    // drawn top to bottom): an invisible chain in one rank. Graphviz puts
    // a chain's head last down a left-to-right rank.
    for (parent, members) in &boxes {
        if parent.is_none() || members.len() < 2 {
            continue;
        }
        let mut chain: Vec<String> = members.iter().map(|m| format!("g{}", m.index())).collect();
        if matches!(options.rankdir, RankDir::LR | RankDir::RL) {
            chain.reverse();
        }
        let _ = writeln!(
            by_group.entry(*parent).or_default(),
            "  {{ rank=same; {} [style=invis]; }}",
            chain.join(" -> ")
        );
    }

    let end = |id: ValueId| match graph.group_of(id) {
        Some(gr) => End::Group(gr),
        None => End::Value(traced.id(id)),
    };
    let mut edges: BTreeSet<(End, End)> = BTreeSet::new();
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
                edges.insert((end(src), End::Op(n)));
            }
        }
    }
    if let Some(top) = by_group.remove(&None) {
        out.push_str(&top);
    }
    let by_group: BTreeMap<GroupId, String> = by_group
        .into_iter()
        .filter_map(|(g, stmts)| Some((g?, stmts)))
        .collect();
    let _ = write_clusters(&mut out, graph, &by_group, &|out, stmts: &String, pad| {
        stmts
            .lines()
            .try_for_each(|line| writeln!(out, "{pad}{line}"))
    });
    write_edges(&mut out, graph, &boxes, edges);
    out.push_str("}\n");
    out
}

/// The connections: a dense layer-to-layer block as one bundle, an input
/// feeding a whole layer as one edge into it, the rest one by one.
fn write_edges(
    out: &mut String,
    graph: &Graph,
    boxes: &BTreeMap<Option<GroupId>, Vec<GroupId>>,
    mut edges: BTreeSet<(End, End)>,
) {
    let layer_of = |e: End| match e {
        End::Group(g) => graph.group(g).parent,
        _ => None,
    };
    let middle = |members: &[GroupId]| members[(members.len() - 1) / 2].index();
    for (layer, members) in boxes {
        let Some(layer) = layer else { continue };
        let into: Vec<End> = members.iter().map(|m| End::Group(*m)).collect();
        // Every other layer that feeds all of this one from all of its boxes.
        for (source, from) in boxes {
            let Some(source) = source else { continue };
            // Two or more connections into each box: one bundle reads
            // better than a fan of edges.
            if source == layer || from.len() < 2 {
                continue;
            }
            let all = from
                .iter()
                .all(|a| into.iter().all(|b| edges.contains(&(End::Group(*a), *b))));
            if !all {
                continue;
            }
            for a in from {
                for b in &into {
                    edges.remove(&(End::Group(*a), *b));
                }
            }
            let _ = writeln!(
                out,
                "  g{} -> g{} [ltail=cluster_g{}, lhead=cluster_g{}, label=\"{} × {} = {} connections\", penwidth=2.5];",
                middle(from),
                middle(members),
                source.index(),
                layer.index(),
                from.len(),
                members.len(),
                from.len() * members.len()
            );
        }
        // Values outside every group (inputs) that feed all of this layer.
        let feeders: BTreeSet<End> = edges
            .iter()
            .filter(|(a, b)| matches!(a, End::Value(_)) && layer_of(*b) == Some(*layer))
            .map(|(a, _)| *a)
            .collect();
        for a in feeders {
            if into.len() > 1 && into.iter().all(|b| edges.contains(&(a, *b))) {
                for b in &into {
                    edges.remove(&(a, *b));
                }
                let _ = writeln!(
                    out,
                    "  {a} -> g{} [lhead=cluster_g{}, label=\"to all {}\"];",
                    middle(members),
                    layer.index(),
                    members.len()
                );
            }
        }
    }
    for (a, b) in edges {
        let _ = writeln!(out, "  {a} -> {b};");
    }
}
