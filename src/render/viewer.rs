//! The interactive viewer: one self-contained HTML page (no network, the
//! diagram's SVG inline) to pan and zoom a diagram, read any value's
//! numbers and chain rule, light up what it comes from and what it feeds,
//! and find a value by its label. `gradviz render -o graph.html` writes it
//! for one diagram; `gradviz steps` writes it with one picture per step of
//! backpropagation, all laid out alike so that the view holds still.
//!
//! The script is our own (`viewer.js`, about 300 lines): pan/zoom libraries
//! (svg-pan-zoom, panzoom) would bring as much code again and still need
//! this one to keep one camera across the frames of a steps page and to
//! follow the current value.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Traced;
use super::dot::fixed4;
use super::svg::svg_element;
use crate::engine::{Graph, ValueId};

/// One picture of a viewer page.
#[derive(Clone, Copy, Debug)]
pub struct Slide<'a> {
    /// The SVG document (from the layout engine).
    pub svg: &'a str,
    /// Lines shown above the picture (a steps frame's caption), if any.
    pub caption: &'a [String],
    /// The DOT id (`n4`) of the value to keep in view, if any: the value
    /// whose chain rule a steps frame shows.
    pub focus: Option<&'a str>,
}

/// What the page knows of each value, beyond the picture.
#[derive(Serialize)]
struct NodeData<'a> {
    label: &'a str,
    data: String,
    op: Option<String>,
    ins: Vec<String>,
    local: Vec<String>,
}

#[derive(Serialize)]
struct PageData<'a> {
    root: String,
    nodes: BTreeMap<String, NodeData<'a>>,
}

/// The viewer page for the diagram of `root` drawn as `slides` (one for a
/// plain diagram; several for steps, with prev/play/next controls).
///
/// ```
/// use gradviz::{Graph, render::viewer::{Slide, viewer_page}};
/// let g = Graph::new();
/// let a = g.value(2.0).with_label("a");
/// let b = (a * a).with_label("b");
/// let svg = "<svg viewBox=\"0 0 10 10\"><g class=\"graph\"></g></svg>";
/// let page = viewer_page("b", &g, b.id(), &[Slide { svg, caption: &[], focus: None }]);
/// assert!(page.contains("id=\"gv-search\""));
/// assert!(page.contains("\"root\":\"n1\""));
/// assert!(!page.contains("http://") && !page.contains("https://"));
/// ```
pub fn viewer_page(title: &str, graph: &Graph, root: ValueId, slides: &[Slide<'_>]) -> String {
    let traced = Traced::new(graph, root);
    let g = graph.store();
    let mut nodes = BTreeMap::new();
    for &id in &traced.ids {
        let node = g.node(id);
        let operands = g.operands(id);
        let local = node.op.map_or_else(Vec::new, |op| {
            let (a, b) = g.operand_data(&operands);
            let grads = op.local_grads(a, b, node.data);
            (0..operands.len()).map(|i| fixed4(grads[i])).collect()
        });
        nodes.insert(
            format!("n{}", traced.id(id)),
            NodeData {
                label: node.label_str(),
                data: fixed4(node.data),
                op: node.op.map(|op| op.name()),
                ins: operands
                    .iter()
                    .map(|o| format!("n{}", traced.id(*o)))
                    .collect(),
                local,
            },
        );
    }
    let data = PageData {
        root: format!("n{}", traced.id(root)),
        nodes,
    };
    // In a <script> element, `<` could end it (`</script>`) or open a
    // comment: JSON may write it as \u003c inside strings, the only place
    // it can occur.
    let json = serde_json::to_string(&data)
        .expect("page data serializes")
        .replace('<', "\\u003c");
    let steps = slides.len() > 1;
    let mut figures = String::new();
    for (i, slide) in slides.iter().enumerate() {
        figures.push_str(&format!(
            "<figure class=\"frame\" data-index=\"{i}\"{}{}>\n",
            slide
                .focus
                .map(|f| format!(" data-focus=\"{}\"", html_escape(f)))
                .unwrap_or_default(),
            if i == 0 { "" } else { " hidden" },
        ));
        if !slide.caption.is_empty() {
            figures.push_str(&format!(
                "<figcaption>{}</figcaption>\n",
                html_escape(&slide.caption.join("\n"))
            ));
        }
        figures.push_str(svg_element(slide.svg));
        figures.push_str("\n</figure>\n");
    }
    let player = if steps {
        format!(
            "<button id=\"prev\" type=\"button\" title=\"previous (←)\">◀ prev</button>\n\
             <button id=\"play\" type=\"button\" title=\"play / pause (space)\">▶ play</button>\n\
             <button id=\"next\" type=\"button\" title=\"next (→)\">next ▶</button>\n\
             <input id=\"slider\" type=\"range\" min=\"0\" max=\"{}\" value=\"0\" aria-label=\"frame\">\n\
             <span id=\"counter\">1 / {}</span>\n",
            slides.len() - 1,
            slides.len()
        )
    } else {
        String::new()
    };
    let keys = if steps {
        "← → step · space plays · drag to pan · wheel or pinch to zoom · + − 0 f"
    } else {
        "drag or arrows to pan · wheel or pinch to zoom · + − 0 f"
    };
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
{css}</style>
</head>
<body>
<header>
<h1>{title}</h1>
<nav aria-label="view">
{player}<span class="gv-zoom">
<button id="gv-out" type="button" title="zoom out (−)" aria-label="zoom out">−</button>
<span id="gv-scale" aria-live="polite">100%</span>
<button id="gv-in" type="button" title="zoom in (+)" aria-label="zoom in">+</button>
<button id="gv-fit" type="button" title="fit the page (f)">fit</button>
<button id="gv-100" type="button" title="actual size (0)">100%</button>
</span>
<input id="gv-search" type="search" placeholder="find a label  ( / )" aria-label="find a value by its label">
<span id="gv-found" aria-live="polite"></span>
</nav>
<p id="gv-selected" aria-live="polite"></p>
</header>
<main id="gv-view">
{figures}<div id="gv-tip" role="tooltip" hidden></div>
</main>
<p class="gv-help">{keys} · hover or Tab to a value for its numbers and chain rule · click or Enter lights what it comes from and what it feeds · / finds a label</p>
<script type="application/json" id="gv-data">{json}</script>
<script>
{js}</script>
</body>
</html>
"#,
        title = html_escape(title),
        css = include_str!("viewer.css"),
        js = include_str!("viewer.js"),
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
