//! Any text through the script runner; when it succeeds, every diagram to
//! DOT (parsed back), JSON (parsed back) and shape text. Errors are fine;
//! panics, hangs and stack overflows are not.
//!
//! A script that contains `# fuzz: ieee` runs with IEEE semantics (inf and
//! nan results allowed).
#![no_main]

use gradviz::render::{DotOptions, View, to_dot, to_json, to_shape};
use gradviz::script::{Options, run};
use gradviz_fuzz::{check_dot, check_json, check_shape};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let options = Options {
        auto_labels: !src.contains("# fuzz: no auto labels"),
        ieee: src.contains("# fuzz: ieee"),
        // Plenty for any script of a few kilobytes, small enough to be fast.
        max_nodes: 200_000,
        // Loops run now: stop them well inside libFuzzer's own timeout.
        timeout: 2.0,
        ..Options::default()
    };
    let mut out = Vec::new();
    let Ok(result) = run(src, &options, &mut out) else {
        return;
    };
    for d in &result.diagrams {
        let values = d.graph.ancestors(d.root).len();
        let rankdir = d.rankdir.as_deref().and_then(|r| r.parse().ok());
        let dot_options = DotOptions {
            rankdir: rankdir.unwrap_or_default(),
            view: Some(View::Backward),
            edge_grads: true,
            color: true,
            ..DotOptions::default()
        };
        let dot = to_dot(&d.graph, d.root, &dot_options);
        if values <= 2_000 {
            check_dot(&dot, Some(values), Some(3));
            let plain = to_dot(&d.graph, d.root, &DotOptions::default());
            check_dot(&plain, Some(values), None);
        }
        check_json(&to_json(&d.graph, d.root), values);
        check_shape(&to_shape(&d.graph, d.root), values);
    }
});
