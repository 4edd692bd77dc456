//! Invariant checks shared by the fuzz targets: every check panics (so
//! libFuzzer reports a crash) when an output is malformed.

use graphviz_rust::dot_structures::{Attribute, Graph, Id, Stmt};

/// Graphs up to this many values are laid out as SVG by the embedded engine
/// (bigger ones only get the text renderers, to keep runs fast).
pub const MAX_LAYOUT_VALUES: usize = 12;

fn id_text(id: &Id) -> &str {
    match id {
        Id::Escaped(s) | Id::Plain(s) | Id::Html(s) | Id::Anonymous(s) => s,
    }
}

fn statements(graph: Graph) -> Vec<Stmt> {
    match graph {
        Graph::DiGraph { stmts, .. } | Graph::Graph { stmts, .. } => stmts,
    }
}

/// All statements, with those of subgraphs (clusters) flattened in.
fn flatten(stmts: Vec<Stmt>, out: &mut Vec<Stmt>) {
    for s in stmts {
        match s {
            Stmt::Subgraph(sub) => flatten(sub.stmts, out),
            s => out.push(s),
        }
    }
}

fn attr<'a>(attrs: &'a [Attribute], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|a| id_text(&a.0) == name)
        .map(|a| id_text(&a.1))
}

/// The DOT parses (graphviz-rust's parser), has `values` record nodes, and
/// each record label keeps its structure whatever the label text:
/// `{ label | data … }` or `{ label | data … | grad … }` (`fields` is 2 or 3;
/// `None` accepts either, for collapsed or mixed views).
pub fn check_dot(dot: &str, values: Option<usize>, fields: Option<usize>) {
    let graph = graphviz_rust::parse(dot).unwrap_or_else(|e| panic!("invalid DOT: {e}\n{dot}"));
    let mut stmts = Vec::new();
    flatten(statements(graph), &mut stmts);
    let mut records = 0;
    for s in &stmts {
        let Stmt::Node(n) = s else { continue };
        if attr(&n.attributes, "shape") != Some("record") {
            continue;
        }
        records += 1;
        let label = attr(&n.attributes, "label").expect("a record has a label");
        let inner = label
            .strip_prefix('"')
            .and_then(|l| l.strip_suffix('"'))
            .unwrap_or_else(|| panic!("a quoted record label: {label}"));
        let n_fields = record_fields(inner).unwrap_or_else(|e| panic!("{e}: {label}\n{dot}"));
        match fields {
            Some(f) => assert_eq!(n_fields, f, "record fields of {label}\n{dot}"),
            None => assert!((2..=3).contains(&n_fields), "record fields of {label}"),
        }
    }
    if let Some(v) = values {
        assert_eq!(records, v, "one record per value\n{dot}");
    }
}

/// Counts the fields of a `{ a | b | c }` record label (the text between the
/// DOT quotes), checking that only the outer braces and the separators are
/// unescaped.
fn record_fields(label: &str) -> Result<usize, String> {
    let mut chars = label.chars();
    let mut depth = 0;
    let mut fields = 1;
    let mut seen_open = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next().ok_or("a dangling backslash")?;
            }
            '{' => {
                if seen_open {
                    return Err("a second unescaped `{`".into());
                }
                seen_open = true;
                depth += 1;
            }
            '}' => {
                depth -= 1;
                if depth < 0 {
                    return Err("an unbalanced `}`".into());
                }
            }
            '|' if depth == 1 => fields += 1,
            '|' | '<' | '>' => return Err(format!("an unescaped `{c}` outside the record")),
            _ => {}
        }
    }
    if depth != 0 || !seen_open {
        return Err("unbalanced record braces".into());
    }
    Ok(fields)
}

/// Elements the SVG output may have.
const ELEMENTS: [&str; 12] = [
    "svg",
    "g",
    "title",
    "polygon",
    "polyline",
    "path",
    "ellipse",
    "text",
    "a",
    "defs",
    "linearGradient",
    "stop",
];

/// Attributes the SVG output may have.
const ATTRIBUTES: [&str; 28] = [
    "width",
    "height",
    "viewBox",
    "id",
    "class",
    "transform",
    "fill",
    "stroke",
    "points",
    "d",
    "cx",
    "cy",
    "rx",
    "ry",
    "x",
    "y",
    "text-anchor",
    "font-family",
    "font-size",
    "font-weight",
    "font-style",
    "stroke-width",
    "stroke-dasharray",
    "fill-opacity",
    "stroke-opacity",
    "space",
    "href",
    "title",
];

/// The SVG is well-formed XML whose root is `<svg>`, with only the elements
/// and attributes Graphviz writes (label text can never become markup), text
/// only in `<text>` and `<title>`. Returns the text of every `<text>`.
pub fn check_svg(svg: &str) -> Vec<String> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = roxmltree::Document::parse_with_options(svg, options)
        .unwrap_or_else(|e| panic!("invalid SVG: {e}\n{svg}"));
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let mut texts = Vec::new();
    for node in doc.descendants() {
        if node.is_text() {
            let parent = node.parent_element().map(|p| p.tag_name().name());
            if !matches!(parent, Some("text" | "title")) {
                assert!(
                    node.text().unwrap_or("").trim().is_empty(),
                    "text outside <text> or <title>: {:?} in {parent:?}",
                    node.text()
                );
            }
        }
        if !node.is_element() {
            continue;
        }
        let name = node.tag_name().name();
        assert!(
            ELEMENTS.contains(&name),
            "unexpected element <{name}>\n{svg}"
        );
        for a in node.attributes() {
            assert!(
                ATTRIBUTES.contains(&a.name()),
                "unexpected attribute {}=\"{}\" on <{name}>\n{svg}",
                a.name(),
                a.value()
            );
        }
        if name == "text" {
            texts.push(node.text().unwrap_or("").to_string());
        }
    }
    texts
}

/// The JSON output parses and has `values` nodes.
pub fn check_json(json: &str, values: usize) {
    let v: serde_json::Value =
        serde_json::from_str(json).unwrap_or_else(|e| panic!("invalid JSON: {e}\n{json}"));
    let nodes = v["nodes"].as_array().expect("a nodes array");
    assert_eq!(nodes.len(), values, "one JSON node per value");
    assert!(v["edges"].is_array(), "an edges array");
}

/// The shape text has one line per value.
pub fn check_shape(shape: &str, values: usize) {
    assert_eq!(
        shape.lines().count(),
        values,
        "one shape line per value\n{shape}"
    );
}
