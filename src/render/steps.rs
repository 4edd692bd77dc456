//! Step-by-step backpropagation: one frame per node in reverse topological
//! order, each showing whose chain rule runs and which gradients are filled
//! so far, and a self-contained HTML page that plays them.

use std::collections::HashSet;

use super::dot::{DotOptions, Frame, View, fixed4, to_dot};
use crate::engine::{Graph, ValueId};

/// One frame: its caption and DOT.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepFrame {
    /// What happens in this frame.
    pub caption: String,
    /// The diagram of this frame.
    pub dot: String,
}

/// The frames of a fresh backward pass from `root`: the start (root grad
/// 1), one frame per op node in reverse topological order (its chain rule
/// just applied), and the end. The graph is copied and its grads zeroed
/// first; `graph` is not changed.
///
/// ```
/// use gradviz::{Graph, render::{DotOptions, steps::backprop_frames}};
/// let g = Graph::new();
/// let a = g.value(2.0).with_label("a");
/// let b = g.value(-3.0).with_label("b");
/// let e = (a * b).with_label("e");
/// let frames = backprop_frames(&g, e.id(), &DotOptions::default());
/// assert_eq!(frames.len(), 3); // start, the * node, done
/// assert!(frames[1].dot.contains("{ a | data 2.0000 | grad -3.0000 }"));
/// ```
pub fn backprop_frames(graph: &Graph, root: ValueId, base: &DotOptions) -> Vec<StepFrame> {
    let (copy, root) = graph.trace(root);
    copy.zero_grad();
    copy.set_grad(root, 1.0);
    let order: Vec<ValueId> = copy
        .topo_order(root)
        .into_iter()
        .rev()
        .filter(|id| copy.node(*id).op.is_some())
        .collect();
    let name = |id: ValueId| {
        let n = copy.node(id);
        match n.label_str() {
            "" => format!("v{}", id.index()),
            l => l.to_string(),
        }
    };
    let mut reached: HashSet<ValueId> = HashSet::from([root]);
    let frame = |caption: String, reached: &HashSet<ValueId>, current: Option<ValueId>| {
        let options = DotOptions {
            view: Some(View::Backward),
            edge_grads: base.edge_grads || current.is_some(),
            frame: Some(Frame {
                reached: reached.clone(),
                current,
                caption: caption.clone(),
            }),
            ..base.clone()
        };
        StepFrame {
            dot: to_dot(&copy, root, &options),
            caption,
        }
    };
    let total = order.len();
    let mut frames = vec![frame(
        format!("start: ∂{0}/∂{0} = 1 at the root {0}", name(root)),
        &reached,
        None,
    )];
    for (k, id) in order.iter().enumerate() {
        copy.backward_node(*id);
        let node = copy.node(*id);
        let operands = copy.operands(*id);
        reached.extend(operands.iter().copied());
        let op = node.op.map(|o| o.name()).unwrap_or_default();
        let targets: Vec<String> = operands.iter().map(|o| name(*o)).collect();
        frames.push(frame(
            format!(
                "step {}/{total}: chain rule at `{op}` → {}: grad += local derivative × {}.grad ({})",
                k + 1,
                name(*id),
                name(*id),
                fixed4(node.grad)
            ) + &format!(" into {}", targets.join(", ")),
            &reached,
            Some(*id),
        ));
    }
    frames.push(frame(
        "done: every gradient is filled".to_string(),
        &reached,
        None,
    ));
    frames
}

/// A single HTML page (no network, no external files) that plays the frames:
/// a slider, previous / next / play buttons and the arrow keys. `svgs` are
/// the frames' SVG documents, in order.
///
/// ```
/// let page = gradviz::render::steps::html_page("demo", &[("start".into(), "<svg></svg>".into())]);
/// assert!(page.contains("id=\"next\""));
/// ```
pub fn html_page(title: &str, frames: &[(String, String)]) -> String {
    let mut figures = String::new();
    for (i, (caption, svg)) in frames.iter().enumerate() {
        figures.push_str(&format!(
            "<figure class=\"frame\" data-index=\"{i}\"{}>\n<figcaption>{}</figcaption>\n{}\n</figure>\n",
            if i == 0 { "" } else { " hidden" },
            html_escape(caption),
            super::svg::svg_element(svg)
        ));
    }
    let last = frames.len().saturating_sub(1);
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 1.5rem; color: #212121; }}
nav {{ display: flex; gap: .6rem; align-items: center; margin-bottom: 1rem; }}
button {{ font-size: 1rem; padding: .3rem .8rem; }}
input[type=range] {{ flex: 1; max-width: 40rem; }}
/* Each frame's SVG shows its caption; this one is for screen readers. */
figcaption {{ position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }}
figure {{ margin: 0; }}
figure svg {{ max-width: 100%; height: auto; }}
</style>
</head>
<body>
<h1>{title}</h1>
<nav>
<button id="prev" type="button" title="previous (←)">◀ prev</button>
<button id="play" type="button" title="play / pause (space)">▶ play</button>
<button id="next" type="button" title="next (→)">next ▶</button>
<input id="slider" type="range" min="0" max="{last}" value="0" aria-label="frame">
<span id="counter">1 / {count}</span>
</nav>
{figures}<script>
(() => {{
  const frames = document.querySelectorAll("figure.frame");
  const slider = document.getElementById("slider");
  const counter = document.getElementById("counter");
  const play = document.getElementById("play");
  let current = 0, timer = null;
  function show(i) {{
    current = Math.max(0, Math.min(frames.length - 1, i));
    frames.forEach((f, k) => {{ f.hidden = k !== current; }});
    slider.value = current;
    counter.textContent = (current + 1) + " / " + frames.length;
  }}
  function toggle() {{
    if (timer) {{ clearInterval(timer); timer = null; play.textContent = "▶ play"; return; }}
    play.textContent = "⏸ pause";
    timer = setInterval(() => {{ if (current >= frames.length - 1) toggle(); else show(current + 1); }}, 1200);
  }}
  document.getElementById("prev").addEventListener("click", () => show(current - 1));
  document.getElementById("next").addEventListener("click", () => show(current + 1));
  play.addEventListener("click", toggle);
  slider.addEventListener("input", () => show(Number(slider.value)));
  document.addEventListener("keydown", (e) => {{
    if (e.target === slider) return; // the slider moves itself with the arrows
    if (e.key === "ArrowLeft") show(current - 1);
    if (e.key === "ArrowRight") show(current + 1);
    if (e.key === " ") {{ e.preventDefault(); toggle(); }}
  }});
  show(0);
}})();
</script>
</body>
</html>
"#,
        title = html_escape(title),
        count = frames.len(),
    )
}

/// Escapes text for HTML element content and attribute values. Control
/// characters (which HTML drops or rejects) are shown as Python writes them,
/// as in the diagrams: `\x00`.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\r' | '\t' => out.push(c),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            '\u{fffe}' | '\u{ffff}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}
