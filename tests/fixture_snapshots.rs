//! Every fixture's DOT, JSON and shape output, snapshotted (reviewed like
//! code), and every DOT output parsed back with graphviz-rust's parser.

mod common;
use common::{fixtures, gradviz, ok, snapshot, stem};
use graphviz_rust::dot_structures::{Graph, Id, Stmt};

/// The `label` attribute of each node statement, and the number of edges.
fn parsed(dot: &str) -> (Vec<(String, String)>, usize) {
    // One graph per top-level `}` (clusters close indented).
    let mut graphs = Vec::new();
    let mut current = String::new();
    for line in dot.split_inclusive('\n') {
        current.push_str(line);
        if line == "}\n" {
            graphs.push(std::mem::take(&mut current));
        }
    }
    let mut nodes = Vec::new();
    let mut edges = 0;
    for g in &graphs {
        let graph = graphviz_rust::parse(g).unwrap_or_else(|e| panic!("invalid DOT: {e}\n{g}"));
        let Graph::DiGraph { stmts, .. } = graph else {
            panic!("a digraph")
        };
        collect(&stmts, &mut nodes, &mut edges);
    }
    (nodes, edges)
}

/// Node labels and the edge count of statements, clusters included.
fn collect(stmts: &[Stmt], nodes: &mut Vec<(String, String)>, edges: &mut usize) {
    for s in stmts {
        match s {
            Stmt::Node(n) => {
                let label = n
                    .attributes
                    .iter()
                    .find(|a| a.0 == Id::Plain("label".into()))
                    .map(|a| match &a.1 {
                        Id::Escaped(s) | Id::Plain(s) | Id::Html(s) | Id::Anonymous(s) => s.clone(),
                    })
                    .expect("every node has a label");
                nodes.push((n.id.0.to_string(), label));
            }
            Stmt::Edge(_) => *edges += 1,
            Stmt::Subgraph(sub) => collect(&sub.stmts, nodes, edges),
            _ => {}
        }
    }
}

#[test]
fn dot_json_and_shape_of_every_fixture() {
    for fixture in fixtures() {
        let name = stem(&fixture);
        let script = fixture.to_str().unwrap();
        if name == "derivative" {
            continue; // plain numbers: nothing to draw (tested in cli.rs)
        }
        let dot = ok(&["render", script]);
        let json = ok(&["render", script, "--format", "json"]);
        let shape = ok(&["render", script, "--format", "shape"]);
        snapshot(&format!("{name}.dot"), &dot);
        snapshot(&format!("{name}.json"), &json);
        snapshot(&format!("{name}.shape"), &shape);

        // The DOT is valid and agrees with the JSON: one record per value,
        // one op node per result, two edges per binary op and one per unary
        // op plus one op → result edge.
        let (nodes, edges) = parsed(&dot);
        let docs: Vec<serde_json::Value> = match serde_json::from_str(&json).unwrap() {
            serde_json::Value::Array(a) => a,
            one => vec![one],
        };
        let values: usize = docs
            .iter()
            .map(|d| d["nodes"].as_array().unwrap().len())
            .sum();
        let results: usize = docs
            .iter()
            .map(|d| {
                d["nodes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|n| !n["op"].is_null())
                    .count()
            })
            .sum();
        let operand_edges: usize = docs
            .iter()
            .map(|d| d["edges"].as_array().unwrap().len())
            .sum();
        assert_eq!(nodes.len(), values + results, "{name}: node statements");
        assert_eq!(edges, operand_edges + results, "{name}: edge statements");
    }
}

#[test]
fn output_is_byte_identical_across_runs() {
    for fixture in fixtures() {
        let script = fixture.to_str().unwrap();
        for format in ["dot", "json", "shape"] {
            let a = gradviz(&["render", script, "-f", format]);
            let b = gradviz(&["render", script, "-f", format]);
            assert_eq!(a.stdout, b.stdout);
        }
    }
}

#[test]
fn labels_with_any_characters_stay_text_in_dot() {
    let labels = [
        r#"quote " here"#,
        "braces {x} | pipe",
        "<angle> & amp",
        r"back\slash \N \G \l",
        "new\nline",
        "tab\there",
        "ünïcødé ∂L/∂a 🎓",
        "</svg><script>alert(1)</script>",
        "]]> --> <!--",
        "  spaced  ",
        "",
    ];
    for label in labels {
        let escaped = label
            .replace('\\', "\\\\")
            .replace('\'', "\\'")
            .replace('\n', "\\n")
            .replace('\t', "\\t");
        let script = format!("a = Value(1.0, label='{escaped}')\nb = a * 2\ndraw_dot(b)\n");
        let r = common::gradviz_stdin(&["render", "-", "--no-auto-labels"], &script);
        assert_eq!(r.code, 0, "{label:?}: {}", r.stderr);
        let (nodes, _) = parsed(&r.stdout);
        // The record's first field, unescaped, is the label as written.
        let record = &nodes.iter().find(|(id, _)| id == "n0").expect("node n0").1;
        let inner = record.trim_matches('"');
        let field = inner
            .strip_prefix("{ ")
            .and_then(|s| s.split(" | data ").next())
            .unwrap_or_else(|| panic!("not a draw_dot record: {record}"));
        // A tab shows as a space: Graphviz has no tab stops.
        let want = label.replace('\t', " ");
        assert_eq!(
            unescape_record(field),
            want,
            "label {label:?} came out as {field:?}"
        );
    }
}

/// Reverses gradviz's record escaping as Graphviz reads it.
fn unescape_record(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some(' ') => out.push(' '),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    // Graphviz reads entities in labels; gradviz writes `&` as `&amp;`.
    out.replace("&amp;", "&")
}
