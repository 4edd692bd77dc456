//! Clusters from the script's own objects: the values a method of a script
//! object makes are grouped by that object, nested as the objects are (a
//! neuron in its layer in its model), with no annotation in the script.

mod common;
use common::ok;

/// The cluster structure of a full DOT: how many innermost clusters each
/// of their parents holds (neurons per layer), and how many distinct pairs
/// of innermost clusters an edge joins (which neuron feeds which).
fn structure(dot: &str) -> (Vec<usize>, usize) {
    let mut stack: Vec<String> = Vec::new();
    let mut children: Vec<(String, Vec<String>)> = Vec::new();
    let mut owner = std::collections::HashMap::new();
    for line in dot.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("subgraph ") {
            let name = rest.trim_end_matches(" {").to_string();
            if let Some(parent) = stack.last() {
                match children.iter_mut().find(|(p, _)| p == parent) {
                    Some((_, c)) => c.push(name.clone()),
                    None => children.push((parent.clone(), vec![name.clone()])),
                }
            }
            stack.push(name);
        } else if line == "}" {
            stack.pop();
        } else if let Some((id, _)) = line.split_once(" [label=")
            && let Some(c) = stack.last()
        {
            owner.insert(id.trim_end_matches("_op").to_string(), c.clone());
        }
    }
    let innermost: std::collections::HashSet<&String> = owner.values().collect();
    let per_parent = children
        .iter()
        .map(|(_, c)| c.iter().filter(|n| innermost.contains(n)).count())
        .filter(|n| *n > 0)
        .collect();
    let mut pairs = std::collections::BTreeSet::new();
    for line in dot.lines().map(str::trim) {
        if let Some((a, b)) = line.trim_end_matches(';').split_once(" -> ") {
            let strip = |s: &str| s.trim().trim_end_matches("_op").to_string();
            if let (Some(ca), Some(cb)) = (owner.get(&strip(a)), owner.get(&strip(b)))
                && ca != cb
            {
                pairs.insert((ca.clone(), cb.clone()));
            }
        }
    }
    (per_parent, pairs.len())
}

#[test]
fn the_lectures_own_mlp_gets_a_cluster_per_neuron_in_its_layer() {
    let dot = ok(&["render", "fixtures/lecture_mlp.py"]);
    let names: Vec<&str> = dot
        .lines()
        .filter_map(|l| l.trim().strip_prefix("label=\"")?.split('"').next())
        .collect();
    assert_eq!(
        names.iter().filter(|n| n.starts_with("Neuron ")).count(),
        9,
        "{names:?}"
    );
    assert_eq!(
        names.iter().filter(|n| n.starts_with("Layer ")).count(),
        3,
        "{names:?}"
    );
    assert_eq!(
        names.iter().filter(|n| n.starts_with("MLP ")).count(),
        1,
        "{names:?}"
    );
    // Nesting: every neuron cluster is inside a layer cluster inside the model's.
    let depth_of = |label: &str| {
        let at = dot.find(&format!("label=\"{label}\"")).unwrap();
        let before = &dot[..at];
        before.matches("subgraph").count()
            - before.matches("\n    }\n").count()
            - before.matches("\n      }\n").count()
            - before.matches("\n        }\n").count()
    };
    assert_eq!(depth_of("MLP 1"), 1);
    assert_eq!(depth_of("Layer 2"), 2);
    assert_eq!(depth_of("Neuron 9"), 3);
    // Switched off, no clusters.
    let plain = ok(&["render", "fixtures/lecture_mlp.py", "--no-object-clusters"]);
    assert!(!plain.contains("subgraph"), "{plain}");
}

#[test]
fn it_has_the_cluster_structure_of_the_built_in_models_graph() {
    let ours = ok(&["render", "fixtures/lecture_mlp.py"]);
    let dir = tempfile::tempdir().unwrap();
    ok(&[
        "train",
        "lecture",
        "--steps",
        "1",
        "--quiet",
        "-o",
        dir.path().to_str().unwrap(),
    ]);
    let built_in = std::fs::read_to_string(dir.path().join("model.dot")).unwrap();
    let (ours_layers, ours_pairs) = structure(&ours);
    let (theirs_layers, theirs_pairs) = structure(&built_in);
    assert_eq!(ours_layers, vec![4, 4, 1], "neurons per layer");
    assert_eq!(ours_layers, theirs_layers, "neurons per layer");
    assert_eq!(
        ours_pairs,
        4 * 4 + 4,
        "each neuron feeds every neuron of the next layer"
    );
    assert_eq!(ours_pairs, theirs_pairs);
    // And collapsed, one box per neuron.
    let collapsed = ok(&["render", "fixtures/lecture_mlp.py", "--collapse"]);
    assert_eq!(collapsed.matches("shape=box").count(), 9, "{collapsed}");
}

/// The collapsed view of the lecture's MLP, as a snapshot: one box per
/// neuron in order down each layer (an invisible chain keeps it), the
/// layer-to-layer connections as one bundle each, labelled with the count.
/// And the moons model of `train`: its inputs drawn, each fed to the whole
/// first layer by one edge.
#[test]
fn collapsed_models_keep_order_draw_inputs_and_bundle_dense_layers() {
    let dot = ok(&["render", "fixtures/lecture_mlp.py", "--collapse"]);
    common::snapshot("lecture_mlp.collapsed.dot", &dot);
    assert!(dot.contains("{ rank=same; g5 -> g4 -> g3 -> g2 [style=invis]; }"));
    assert!(dot.contains(
        "g3 -> g8 [ltail=cluster_g1, lhead=cluster_g6, label=\"4 × 4 = 16 connections\", penwidth=2.5];"
    ));
    assert!(dot.contains("label=\"4 × 1 = 4 connections\""));
    // Top to bottom, the chain runs the other way.
    let tb = ok(&[
        "render",
        "fixtures/lecture_mlp.py",
        "--collapse",
        "--rankdir",
        "TB",
    ]);
    assert!(tb.contains("{ rank=same; g2 -> g3 -> g4 -> g5 [style=invis]; }"));

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    ok(&["train", "moons", "--steps", "1", "--quiet", "-o", out]);
    let svg = std::fs::read_to_string(dir.path().join("model-collapsed.svg")).unwrap();
    for text in [
        ">x0<",
        ">x1<",
        ">to all 16<",
        ">16 × 16 = 256 connections<",
        ">16 × 1 = 16 connections<",
    ] {
        assert!(svg.contains(text), "{text} in the collapsed model");
    }
    // Neurons 0, 1, 2, … from top to bottom in the first layer (boxes
    // g1 … g16: the layer is group 0).
    let doc = roxmltree::Document::parse_with_options(
        &svg,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
    .unwrap();
    let mut first_layer: Vec<(f64, usize)> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("node"))
        .filter_map(|n| {
            let title = n.children().find(|c| c.has_tag_name("title"))?.text()?;
            let g: usize = title.strip_prefix('g')?.parse().ok()?;
            if !(1..=16).contains(&g) {
                return None;
            }
            let text = n.children().find(|c| c.has_tag_name("text"))?;
            let k = text.text()?.strip_prefix("neuron ")?.parse().ok()?;
            Some((text.attribute("y")?.parse().ok()?, k))
        })
        .collect();
    first_layer.sort_by(|a, b| a.0.total_cmp(&b.0));
    let first_layer: Vec<usize> = first_layer.into_iter().map(|(_, k)| k).collect();
    assert_eq!(first_layer, (0..16).collect::<Vec<_>>(), "drawn in order");
}
