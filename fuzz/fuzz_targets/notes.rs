//! Any Markdown through the notes processor. It must not panic, and when it
//! succeeds, processing its output again gives the same text (the
//! processor promises idempotence) with the same number of blocks.
//!
//! Diagrams are drawn by a stand-in that is fast and deterministic and
//! writes what a real SVG holds (labels as escaped XML text, one line per
//! element), so the generated regions look like real ones; small graphs are
//! laid out by the real embedded engine.
#![no_main]

use gradviz::notes::{Embed, process};
use gradviz::render::svg::{Engine, to_svg};
use gradviz::render::{DotOptions, to_dot};
use gradviz::script::Diagram;
use gradviz_fuzz::MAX_LAYOUT_VALUES;
use libfuzzer_sys::fuzz_target;

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn draw(d: &Diagram) -> Result<String, String> {
    let ids = d.graph.ancestors(d.root);
    if ids.len() <= MAX_LAYOUT_VALUES / 2 {
        let dot = to_dot(&d.graph, d.root, &DotOptions::default());
        return to_svg(&dot, Engine::Embedded).map_err(|e| e.to_string());
    }
    let mut svg = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\">\n",
    );
    for id in ids {
        let node = d.graph.node(id);
        for line in node.label_str().lines() {
            svg.push_str(&format!("<text>{}</text>\n", xml_escape(line)));
        }
    }
    svg.push_str("</svg>\n");
    Ok(svg)
}

fuzz_target!(|data: &[u8]| {
    let Ok(md) = std::str::from_utf8(data) else {
        return;
    };
    // The first byte picks how diagrams are embedded (it stays in the text).
    let embed = if data.first().is_some_and(|b| b % 2 == 1) {
        Embed::Inline
    } else {
        Embed::Files {
            prefix: "assets".into(),
        }
    };
    let Ok(once) = process(md, &embed, &draw) else {
        return;
    };
    let twice = process(&once.markdown, &embed, &draw).unwrap_or_else(|e| {
        panic!(
            "the output of a successful run fails: {e}\n{}",
            once.markdown
        )
    });
    assert_eq!(
        twice.blocks, once.blocks,
        "the same blocks are found again\n{}",
        once.markdown
    );
    assert!(
        twice.markdown == once.markdown,
        "not idempotent:\n--- once\n{}\n--- twice\n{}",
        once.markdown,
        twice.markdown
    );
});
