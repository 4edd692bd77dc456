//! Step-by-step backpropagation: one frame per node in reverse topological
//! order, each showing whose chain rule runs and which gradients are filled
//! so far, all laid out alike (the viewer page, [`super::viewer`], plays
//! them).

use std::collections::{HashMap, HashSet};

use super::dot::{DotOptions, Frame, View, fixed4, operand_name, to_dot};
use crate::engine::{Graph, ValueId};

/// One frame: its caption and DOT.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepFrame {
    /// What happens in this frame, in plain text: the first line says
    /// what, the others show the chain rule at work (no counter: the page
    /// and the file names count the frames).
    pub caption: Vec<String>,
    /// The diagram of this frame.
    pub dot: String,
    /// The DOT node id of the value whose chain rule runs (`n4`), if any.
    pub current: Option<String>,
}

/// The frames of a fresh backward pass from `root`: the start (root grad
/// 1), one frame per op node in reverse topological order (its chain rule
/// just applied), and the end. The graph is copied and its grads zeroed
/// first; `graph` is not changed.
///
/// Every frame lays out alike: the same coordinates for every node, only
/// colours and numbers change (grads are padded to the widest each node
/// shows, captions to the longest), so the picture holds still as it plays.
///
/// ```
/// use gradviz::{Graph, render::{DotOptions, steps::backprop_frames}};
/// let g = Graph::new();
/// let a = g.value(2.0).with_label("a");
/// let b = g.value(-3.0).with_label("b");
/// let e = (a * b).with_label("e");
/// let frames = backprop_frames(&g, e.id(), &DotOptions::default());
/// assert_eq!(frames.len(), 3); // start, the * node, done
/// // grads right-aligned behind an escaped space, so every frame lays out alike
/// assert!(frames[1].dot.contains(r"{ a | data 2.0000 | grad\ -3.0000 }"));
/// assert_eq!(frames[1].caption[0], "chain rule at * → e: grad += local derivative × e.grad");
/// assert_eq!(frames[1].caption[1], "a.grad += ∂e/∂a × e.grad = -3.0000 × 1.0000 = -3.0000");
/// ```
pub fn backprop_frames(graph: &Graph, root: ValueId, base: &DotOptions) -> Vec<StepFrame> {
    let (copy, root) = graph.trace(root);
    let order: Vec<ValueId> = copy
        .topo_order(root)
        .into_iter()
        .rev()
        .filter(|id| copy.node(*id).op.is_some())
        .collect();
    // Unlabelled values are `vN`, N their id in the diagram (the copy is
    // dense), as in the DOT, JSON and shape text.
    let name = |id: ValueId| {
        let n = copy.node(id);
        match n.label_str() {
            "" => format!("v{}", id.index()),
            l => l.to_string(),
        }
    };
    let restart = || {
        copy.zero_grad();
        copy.set_grad(root, 1.0);
    };

    // First pass: the captions, and the widest grad each node shows.
    restart();
    let mut widths: HashMap<ValueId, usize> = HashMap::new();
    let mut widen = |id: ValueId, copy: &Graph| {
        let w = fixed4(copy.node(id).grad).chars().count();
        let e = widths.entry(id).or_insert(0);
        *e = (*e).max(w);
    };
    for id in copy.ancestors(root) {
        widen(id, &copy);
    }
    let mut captions = vec![vec![format!(
        "start: ∂{0}/∂{0} = 1 at the root {0}",
        name(root)
    )]];
    for id in &order {
        let node = copy.node(*id);
        let operands = copy.operands(*id);
        let op = node.op.expect("an op node");
        let local = {
            let g = copy.store();
            let (a, b) = g.operand_data(&g.operands(*id));
            op.local_grads(a, b, node.data)
        };
        copy.backward_node(*id);
        let out = name(*id);
        let mut lines = vec![format!(
            "chain rule at {} → {out}: grad += local derivative × {out}.grad",
            op.name(),
        )];
        for (position, src) in operands.iter().enumerate() {
            let d = local[position];
            lines.push(format!(
                "{}.grad += ∂{}/∂{} × {out}.grad = {} × {} = {}",
                name(*src),
                operand_name(&out),
                operand_name(&name(*src)),
                fixed4(d),
                fixed4(node.grad),
                fixed4(d * node.grad),
            ));
            widen(*src, &copy);
        }
        captions.push(lines);
    }
    captions.push(vec!["done: every gradient is filled".to_string()]);
    let caption_size = (
        captions.iter().map(Vec::len).max().unwrap_or(0),
        captions
            .iter()
            .flatten()
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(0),
    );

    // Second pass: the frames.
    restart();
    let mut reached: HashSet<ValueId> = HashSet::from([root]);
    let mut captions = captions.into_iter();
    let mut frame = |reached: &HashSet<ValueId>, current: Option<ValueId>| {
        let caption = captions.next().expect("a caption per frame");
        let options = DotOptions {
            view: Some(View::Backward),
            frame: Some(Frame {
                reached: reached.clone(),
                current,
                caption: caption.clone(),
                caption_size,
                grad_widths: widths.clone(),
            }),
            ..base.clone()
        };
        StepFrame {
            dot: to_dot(&copy, root, &options),
            caption,
            current: current.map(|id| format!("n{}", id.index())),
        }
    };
    let mut frames = vec![frame(&reached, None)];
    for id in &order {
        copy.backward_node(*id);
        reached.extend(copy.operands(*id));
        frames.push(frame(&reached, Some(*id)));
    }
    frames.push(frame(&reached, None));
    frames
}
