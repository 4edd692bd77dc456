//! Hostile labels and printed strings through the command line: each payload
//! labels values and is printed by a script, and every output must keep it
//! as text. DOT is parsed back (graphviz-rust): the record shows the payload
//! and nothing else changes; SVG is parsed as XML: the payload is text only,
//! there is no `script` element and no attribute or comment holds it; the
//! steps page is parsed as HTML (html5ever, through scraper): one `script`
//! element, the player's, the payload escaped, every inline SVG well-formed;
//! Markdown notes keep their structure (pulldown-cmark) and stay idempotent.

mod common;
use std::path::Path;

use common::{decode_entities, gradviz, ok};
use graphviz_rust::dot_structures::{EdgeTy, Graph as DotGraph, Id, Stmt, Vertex};
use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

/// The payloads: name and text.
fn payloads() -> Vec<(&'static str, String)> {
    let mut v: Vec<(&'static str, String)> = [
        ("double quote", "\""),
        ("backslash", "\\"),
        ("trailing backslash", "a\\"),
        ("open brace", "{"),
        ("close brace", "}"),
        ("pipe", "|"),
        ("less than", "<"),
        ("greater than", ">"),
        ("record port", "<p0> x"),
        ("newline", "\n"),
        ("two lines", "first\nsecond"),
        ("crlf", "\r\n"),
        ("lone cr", "a\rb"),
        ("tab", "a\tb"),
        ("script tag", "</svg><script>alert(1)</script>"),
        ("cdata end", "]]>"),
        ("comment open", "<!--"),
        ("comment close", "-->"),
        ("entity", "&amp;"),
        ("escaped tag", "&lt;b&gt;"),
        ("numeric entities", "&#60;b&#x3e;&#0;"),
        ("lone ampersand", "AT&T & co;"),
        ("html label", "<<b>bold</b>>"),
        ("template", "${x}"),
        ("backtick", "`"),
        ("fence", "```"),
        ("fence and block", "```\n```micrograd\nx = 1\n```"),
        ("tilde fence", "~~~"),
        ("end marker", "<!-- gradviz:end -->"),
        ("end marker line", "\n<!-- gradviz:end -->\n"),
        (
            "dot break-out",
            "\"]; n9 [label=\"evil\"]; n0 -> n9; x [label=\"",
        ),
        ("graphviz escapes", "\\N \\G \\E \\T \\H \\L \\l \\r \\n"),
        ("accent", "é"),
        ("chinese", "中文"),
        ("emoji", "🎓👩‍🏫"),
        ("rtl mark", "a\u{200f}b"),
        ("rtl override", "\u{202e}abc"),
        ("zero-width joiner", "a\u{200d}b"),
        ("nul", "\0"),
        ("ansi escape", "\u{1b}[31mred\u{1b}[0m"),
        ("c1 control", "\u{85}"),
        ("line separator", "a\u{2028}b"),
        ("non-character", "\u{fffe}\u{ffff}"),
    ]
    .into_iter()
    .map(|(n, s)| (n, s.to_string()))
    .collect();
    v.push(("begin marker", gradviz::notes::BEGIN.to_string()));
    v.push(("long", "<&>\"' 中|{}\\".repeat(500)));
    v
}

/// `s` as a Python string literal.
fn py(s: &str) -> String {
    let mut out = String::from("'");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x100 && c.is_control() => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            '\u{2028}' | '\u{2029}' | '\u{fffe}' | '\u{ffff}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// A script that labels a leaf and the result with `payload` and prints it.
fn script(payload: &str) -> String {
    let lit = py(payload);
    format!(
        "a = Value(2.0, label={lit})\nb = Value(-3.0, label='b')\nc = a * b\nc.label = {lit}\nc.backward()\nprint({lit})\n"
    )
}

/// The payload as a diagram shows it: `\r\n` and `\r` as line breaks, a tab
/// as a space, other control characters as Python's `\xNN`.
fn shown(label: &str) -> String {
    let mut out = String::new();
    let mut chars = label.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' | '\n' => out.push('\n'),
            '\t' => out.push(' '),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            '\u{fffe}' | '\u{ffff}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Writes `text` to `dir/name` and returns the path as a string.
fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

/// Whether a payload is distinctive enough to look for it in attributes and
/// comments (a lone `"` or `<` is part of any SVG's syntax).
fn distinctive(payload: &str) -> Option<String> {
    let s = shown(payload);
    let line = s
        .lines()
        .map(str::trim)
        .max_by_key(|l| l.len())?
        .to_string();
    (line
        .chars()
        .filter(|c| c.is_alphanumeric() || "<>&/!-[]{}$`\"".contains(*c))
        .count()
        >= 3)
        .then_some(line)
}

#[test]
fn run_prints_the_payload_as_is() {
    let dir = tempfile::tempdir().unwrap();
    for (name, payload) in payloads() {
        let s = write(dir.path(), "s.py", &script(&payload));
        let out = ok(&["run", &s]);
        assert_eq!(out, format!("{payload}\n"), "{name}");
    }
}

// ----- DOT ----------------------------------------------------------------

fn id_text(id: &Id) -> String {
    match id {
        Id::Html(s) | Id::Escaped(s) | Id::Plain(s) | Id::Anonymous(s) => s.clone(),
    }
}

/// The fields of a quoted record label as Graphviz reads them.
fn record_fields(quoted: &str) -> Vec<String> {
    let inner = &quoted[1..quoted.len() - 1];
    let mut chars = Vec::new();
    let mut it = inner.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.next() {
                Some('n' | 'l' | 'r') => chars.push(('\n', true)),
                Some(o) => chars.push((o, true)),
                None => panic!("dangling backslash in {quoted}"),
            }
        } else {
            chars.push((c, false));
        }
    }
    let mut fields = Vec::new();
    let mut field: Vec<(char, bool)> = Vec::new();
    let mut finish = |f: &mut Vec<(char, bool)>| {
        let s = f
            .iter()
            .position(|&(c, e)| e || c != ' ')
            .unwrap_or(f.len());
        let e = f
            .iter()
            .rposition(|&(c, e)| e || c != ' ')
            .map_or(s, |i| i + 1);
        let text: String = f[s..e.max(s)].iter().map(|p| p.0).collect();
        fields.push(decode_entities(&text));
        f.clear();
    };
    for (c, escaped) in chars {
        match (c, escaped) {
            ('{', false) => {}
            ('}' | '|', false) => finish(&mut field),
            ('<' | '>', false) => panic!("unescaped port marker in {quoted}"),
            _ => field.push((c, escaped)),
        }
    }
    fields
}

#[test]
fn dot_keeps_the_payload_as_record_text() {
    let dir = tempfile::tempdir().unwrap();
    for (name, payload) in payloads() {
        let s = write(dir.path(), "s.py", &script(&payload));
        let dot = ok(&["render", &s, "-f", "dot"]);
        let graph = graphviz_rust::parse(&dot)
            .unwrap_or_else(|e| panic!("{name}: invalid DOT: {e}\n{dot}"));
        let DotGraph::DiGraph { stmts, .. } = graph else {
            panic!("{name}: a digraph")
        };
        let mut nodes = Vec::new();
        let mut edges = Vec::new();
        for st in stmts {
            match st {
                Stmt::Node(n) => {
                    let attrs: Vec<(String, String)> = n
                        .attributes
                        .iter()
                        .map(|a| (id_text(&a.0), id_text(&a.1)))
                        .collect();
                    nodes.push((id_text(&n.id.0), attrs));
                }
                Stmt::Edge(e) => {
                    assert!(e.attributes.is_empty(), "{name}: edge attributes");
                    let EdgeTy::Pair(Vertex::N(a), Vertex::N(b)) = e.ty else {
                        panic!("{name}: plain edges")
                    };
                    edges.push(format!("{} -> {}", id_text(&a.0), id_text(&b.0)));
                }
                Stmt::GAttribute(_) => {}
                other => panic!("{name}: unexpected statement {other:?}"),
            }
        }
        let ids: Vec<&str> = nodes.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(ids, ["n0", "n1", "n2", "n2_op"], "{name}: no extra nodes");
        edges.sort();
        assert_eq!(
            edges,
            ["n0 -> n2_op", "n1 -> n2_op", "n2_op -> n2"],
            "{name}: edges"
        );
        for (id, attrs) in &nodes {
            let keys: Vec<&str> = attrs.iter().map(|(k, _)| k.as_str()).collect();
            if id.ends_with("_op") {
                assert_eq!(
                    keys,
                    ["label", "shape", "margin", "height", "fontsize"],
                    "{name}"
                );
                continue;
            }
            assert_eq!(
                keys,
                ["label", "shape"],
                "{name}: no extra attributes on {id}"
            );
            let fields = record_fields(&attrs[0].1);
            let want = match id.as_str() {
                "n0" => [shown(&payload), "data 2.0000".into(), "grad -3.0000".into()],
                "n1" => ["b".into(), "data -3.0000".into(), "grad 2.0000".into()],
                _ => [shown(&payload), "data -6.0000".into(), "grad 1.0000".into()],
            };
            assert_eq!(fields, want, "{name}: record of {id}");
        }
        // The JSON keeps the label exactly.
        let json = common::json(&ok(&["render", &s, "-f", "json"]));
        assert_eq!(
            json["nodes"][0]["label"].as_str(),
            Some(payload.as_str()),
            "{name}: JSON"
        );
        assert_eq!(
            json["nodes"][2]["label"].as_str(),
            Some(payload.as_str()),
            "{name}: JSON"
        );
    }
}

// ----- SVG ----------------------------------------------------------------

fn parse_svg<'a>(name: &str, svg: &'a str) -> roxmltree::Document<'a> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    roxmltree::Document::parse_with_options(svg, options)
        .unwrap_or_else(|e| panic!("{name}: invalid SVG: {e}\n{svg}"))
}

/// Checks an SVG diagram of `script(payload)`: well-formed, the payload's
/// lines are `<text>` contents, and it is in no attribute, comment or
/// element name.
fn check_svg(name: &str, payload: &str, svg: &str) {
    let doc = parse_svg(name, svg);
    assert_eq!(doc.root_element().tag_name().name(), "svg", "{name}");
    let norm = |s: &str| s.replace('\u{a0}', " ").trim().to_string();
    let mut texts = Vec::new();
    for n in doc.descendants() {
        assert!(!n.has_tag_name("script"), "{name}: a script element");
        if n.is_element() {
            assert!(
                [
                    "svg", "g", "title", "text", "polygon", "path", "ellipse", "polyline"
                ]
                .contains(&n.tag_name().name()),
                "{name}: element {:?}",
                n.tag_name()
            );
        }
        if n.has_tag_name("text") {
            texts.push(norm(n.text().unwrap_or("")));
        }
        if let Some(line) = distinctive(payload) {
            for a in n.attributes() {
                assert!(
                    !a.value().contains(&line),
                    "{name}: attribute {}={:?}",
                    a.name(),
                    a.value()
                );
            }
            if n.is_comment() {
                assert!(
                    !n.text().unwrap_or("").contains(&line),
                    "{name}: in a comment"
                );
            }
        }
    }
    for line in shown(payload).split('\n') {
        let line = norm(line);
        if !line.is_empty() {
            assert!(
                texts.iter().filter(|t| **t == line).count() >= 2,
                "{name}: {line:?} is the text of both records: {texts:?}"
            );
        }
    }
}

#[test]
fn svg_keeps_the_payload_as_text() {
    let dir = tempfile::tempdir().unwrap();
    for (name, payload) in payloads() {
        let s = write(dir.path(), "s.py", &script(&payload));
        let svg = ok(&["render", &s, "-f", "svg"]);
        check_svg(name, &payload, &svg);
    }
}

// ----- the steps page -----------------------------------------------------

#[test]
fn steps_page_has_one_script_and_escaped_payloads() {
    let dir = tempfile::tempdir().unwrap();
    for (name, payload) in payloads() {
        let s = write(dir.path(), "s.py", &script(&payload));
        let out = dir.path().join("steps");
        let r = gradviz(&["steps", &s, "-o", out.to_str().unwrap()]);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        let page = std::fs::read_to_string(out.join("index.html")).unwrap();
        check_page(name, &payload, &page);
        for k in 1..=3 {
            let frame = std::fs::read_to_string(out.join(format!("frame-{k:03}.svg"))).unwrap();
            parse_svg(name, &frame);
        }
    }
}

/// The page as a browser parses it: two `script` elements (the viewer's
/// data, JSON holding the payload with every `<` escaped, and the viewer's
/// code), every figure's caption holds the payload as text, the payload in
/// no attribute, and each inline `<svg>…</svg>` is well-formed XML.
fn check_page(name: &str, payload: &str, page: &str) {
    let html = scraper::Html::parse_document(page);
    let scripts: Vec<_> = html
        .select(&scraper::Selector::parse("script").unwrap())
        .collect();
    assert_eq!(scripts.len(), 2, "{name}: two script elements");
    assert_eq!(
        scripts[0].value().attr("type"),
        Some("application/json"),
        "{name}: the first is data"
    );
    let data_text: String = scripts[0].text().collect();
    let data: serde_json::Value = serde_json::from_str(&data_text)
        .unwrap_or_else(|e| panic!("{name}: the page's data is JSON: {e}"));
    assert!(
        data["nodes"]
            .as_object()
            .unwrap()
            .values()
            .any(|n| n["label"] == payload),
        "{name}: the data holds the label as it is"
    );
    assert!(
        !data_text.contains('<'),
        "{name}: no `<` in the data's text"
    );
    assert!(
        scripts[1]
            .inner_html()
            .contains("document.querySelectorAll(\"figure.frame\")"),
        "{name}: the viewer's script"
    );
    assert_eq!(
        page.matches("<script").count(),
        2,
        "{name}: two <script in the text"
    );
    let figures: Vec<_> = html
        .select(&scraper::Selector::parse("figure.frame").unwrap())
        .collect();
    assert_eq!(figures.len(), 3, "{name}: start, the * node, done");
    let caption = scraper::Selector::parse("figcaption").unwrap();
    let first: String = figures[0].select(&caption).next().unwrap().text().collect();
    // The root is labelled with the payload: "start: ∂L/∂L = 1 at the root L"
    // (HTML reads a carriage return as a line feed).
    // Control characters show as in the diagrams.
    let label: String = payload
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .map(|c| match c {
            '\n' | '\t' => c.to_string(),
            c if c.is_control() => format!("\\x{:02x}", c as u32),
            '\u{fffe}' | '\u{ffff}' => format!("\\u{:04x}", c as u32),
            c => c.to_string(),
        })
        .collect();
    assert!(
        first.ends_with(&format!("at the root {label}")),
        "{name}: caption {first:?}"
    );
    let svg = scraper::Selector::parse("figure > svg").unwrap();
    assert_eq!(
        html.select(&svg).count(),
        3,
        "{name}: an svg in each figure"
    );
    if let Some(line) = distinctive(payload) {
        for el in html
            .root_element()
            .descendants()
            .filter_map(scraper::ElementRef::wrap)
        {
            for (attr, value) in el.value().attrs() {
                assert!(!value.contains(&line), "{name}: attribute {attr}={value:?}");
            }
        }
    }
    let mut rest = page;
    let mut count = 0;
    while let Some(start) = rest.find("<svg") {
        let end = rest[start..].find("</svg>").expect("a closed svg") + start + "</svg>".len();
        parse_svg(name, &rest[start..end]);
        count += 1;
        rest = &rest[end..];
    }
    assert_eq!(count, 3, "{name}: three inline SVGs");
}

#[test]
fn a_hostile_script_name_is_escaped_in_the_page_title() {
    let dir = tempfile::tempdir().unwrap();
    let s = write(dir.path(), "x<script>alert(1)<!--&amp;.py", &script("a"));
    let out = dir.path().join("steps");
    let r = gradviz(&["steps", &s, "-o", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let page = std::fs::read_to_string(out.join("index.html")).unwrap();
    let html = scraper::Html::parse_document(&page);
    let title: String = html
        .select(&scraper::Selector::parse("title").unwrap())
        .next()
        .unwrap()
        .text()
        .collect();
    assert!(
        title.ends_with("x<script>alert(1)<!--&amp;.py"),
        "{title:?}"
    );
    assert_eq!(page.matches("<script").count(), 2, "the viewer's two");
}

// ----- Markdown notes -----------------------------------------------------

/// A Markdown file with one micrograd block that labels values with the
/// payload and prints it, at the top level, in a list item and in a quote.
fn notes(payload: &str) -> String {
    let code = script(payload);
    let indent =
        |prefix: &str| -> String { code.lines().map(|l| format!("{prefix}{l}\n")).collect() };
    format!(
        "# Notes\n\n```micrograd\n{code}```\n\nBetween.\n\n- item\n\n  ```micrograd\n{}  ```\n\n> quote\n>\n> ```micrograd\n{}> ```\n\nAfter.\n",
        indent("  "),
        indent("> ")
    )
}

/// The block structure of a Markdown text: one entry per code block (its
/// info string and text), HTML block and paragraph, with the depth of
/// lists and quotes around it.
fn structure(md: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0;
    let mut code: Option<(String, String)> = None;
    let mut html = String::new();
    let mut para = String::new();
    let mut image = false;
    for event in Parser::new(md) {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let info = match kind {
                    CodeBlockKind::Fenced(i) => i.to_string(),
                    CodeBlockKind::Indented => "(indented)".into(),
                };
                code = Some((info, String::new()));
            }
            Event::End(TagEnd::CodeBlock) => {
                let (info, text) = code.take().unwrap();
                out.push(format!("{depth} code {info}: {text:?}"));
            }
            Event::Start(Tag::HtmlBlock) => html.clear(),
            Event::End(TagEnd::HtmlBlock) => {
                // The first and last lines: a block that swallowed more
                // than it should shows it.
                let lines: Vec<&str> = html.trim().lines().collect();
                let text = match lines[..] {
                    [one] => one.to_string(),
                    [first, .., last] => format!("{first} … {last}"),
                    [] => String::new(),
                };
                out.push(format!("{depth} html {text:?}"));
            }
            Event::Html(t) => html.push_str(&t),
            Event::Start(Tag::Paragraph) => para.clear(),
            Event::End(TagEnd::Paragraph) => out.push(format!("{depth} para {para:?}")),
            Event::Start(Tag::Image { .. }) => {
                para.push_str("[image]");
                image = true;
            }
            Event::End(TagEnd::Image) => image = false,
            Event::Text(_) if image => {}
            Event::Text(t) if code.is_some() => code.as_mut().unwrap().1.push_str(&t),
            Event::Text(t) => para.push_str(&t),
            Event::Start(Tag::List(_) | Tag::BlockQuote(_)) => depth += 1,
            Event::End(TagEnd::List(_) | TagEnd::BlockQuote(_)) => depth -= 1,
            _ => {}
        }
    }
    out
}

#[test]
fn notes_keep_the_region_inside_its_markers_and_fences() {
    let dir = tempfile::tempdir().unwrap();
    for (name, payload) in payloads() {
        let md = notes(&payload);
        let input = write(dir.path(), "in.md", &md);
        let out = dir.path().join("out.md");
        let r = gradviz(&["notes", &input, "-o", out.to_str().unwrap()]);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        let done = std::fs::read_to_string(&out).unwrap();
        // Printed output is shown with its line breaks as Markdown has them.
        let printed = format!("{payload}\n")
            .replace("\r\n", "\n")
            .replace('\r', "\n");
        let mut want = Vec::new();
        let original = structure(&md);
        // The input's blocks, each micrograd block followed by its region:
        // the begin marker, the image, the printed output, the end marker.
        for entry in &original {
            want.push(entry.clone());
            if entry.contains(" code micrograd: ") {
                let d = &entry[..1];
                want.push(format!("{d} html {:?}", gradviz::notes::BEGIN));
                want.push(format!("{d} para \"[image]\""));
                want.push(format!("{d} code text: {printed:?}"));
                want.push(format!("{d} html {:?}", gradviz::notes::END));
            }
        }
        assert_eq!(structure(&done), want, "{name}:\n{done}");
        // Idempotent.
        let r = gradviz(&["notes", out.to_str().unwrap(), "-o", out.to_str().unwrap()]);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            done,
            "{name}: idempotent"
        );
        for svg in std::fs::read_dir(dir.path().join("gradviz-assets")).unwrap() {
            let svg = std::fs::read_to_string(svg.unwrap().path()).unwrap();
            parse_svg(name, &svg);
        }
        std::fs::remove_dir_all(dir.path().join("gradviz-assets")).unwrap();
    }
}

#[test]
fn mdbook_inline_svg_stays_one_html_block() {
    for (name, payload) in payloads() {
        let md = notes(&payload);
        let book = serde_json::json!([
            {"root": "/nonexistent", "config": {"book": {"src": "src"}, "preprocessor": {"gradviz": {"inline": true}}},
             "renderer": "html", "mdbook_version": "0.4.40"},
            {"sections": [{"Chapter": {"name": "One", "content": md, "number": [1], "sub_items": [], "path": "one.md"}}],
             "__non_exhaustive": null}
        ]);
        let r = common::gradviz_stdin(&["mdbook"], &book.to_string());
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        let out: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        let done = out["sections"][0]["Chapter"]["content"].as_str().unwrap();
        let printed = format!("{payload}\n")
            .replace("\r\n", "\n")
            .replace('\r', "\n");
        let mut want = Vec::new();
        for entry in structure(&md) {
            want.push(entry.clone());
            if entry.contains(" code micrograd: ") {
                let d = &entry[..1];
                want.push(format!("{d} html {:?}", gradviz::notes::BEGIN));
                want.push(format!("{d} html \"<div class=\\\"gradviz\\\"> … </div>\""));
                want.push(format!("{d} code text: {printed:?}"));
                want.push(format!("{d} html {:?}", gradviz::notes::END));
            }
        }
        assert_eq!(structure(done), want, "{name}:\n{done}");
        let mut rest = done;
        let mut count = 0;
        while let Some(start) = rest.find("<svg") {
            let end = rest[start..].find("</svg>").expect("a closed svg") + start + "</svg>".len();
            // Lines in a list item or a quote carry its prefix.
            let svg: String = rest[start..end]
                .lines()
                .map(|l| l.trim_start_matches([' ', '>']))
                .collect::<Vec<_>>()
                .join("\n");
            check_svg(name, &payload, &svg);
            count += 1;
            rest = &rest[end..];
        }
        assert_eq!(count, 3, "{name}: an inline SVG per block");
    }
}
