//! Any text through the script runner; when it succeeds, every diagram to
//! DOT (parsed back), JSON (parsed back) and shape text. Errors are fine;
//! panics, hangs and stack overflows are not.
//!
//! A script that contains `# fuzz: ieee` runs with IEEE semantics (inf and
//! nan results allowed).
//!
//! Memory is counted as the `gradviz` binary counts it (a `cap` global
//! allocator), from what was allocated when the run started: a script may
//! hold [`MAX_MEMORY`] bytes, far inside libFuzzer's `-rss_limit_mb=2048`
//! (ASan's quarantine and shadow memory come on top), so a script that
//! builds too much stops with a `MemoryError` as it does in the CLI instead
//! of making libFuzzer report an out-of-memory.
#![no_main]

use std::sync::atomic::{AtomicUsize, Ordering};

use gradviz::render::{DotOptions, View, to_dot, to_json, to_shape};
use gradviz::script::{Options, run};
use gradviz_fuzz::{check_dot, check_json, check_shape};
use libfuzzer_sys::fuzz_target;

#[global_allocator]
static ALLOCATOR: cap::Cap<std::alloc::System> = cap::Cap::new(std::alloc::System, usize::MAX);

/// The most bytes one script may allocate (beyond what was allocated when
/// it started).
const MAX_MEMORY: usize = 512 << 20;

/// Bytes allocated when the current run started: memory an earlier run
/// leaked (reference cycles) does not count against the next one.
static BASELINE: AtomicUsize = AtomicUsize::new(0);

fn memory_in_use() -> usize {
    ALLOCATOR
        .allocated()
        .saturating_sub(BASELINE.load(Ordering::Relaxed))
}

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
        max_memory: MAX_MEMORY,
        memory_in_use: Some(memory_in_use),
        ..Options::default()
    };
    let mut out = Vec::new();
    BASELINE.store(ALLOCATOR.allocated(), Ordering::Relaxed);
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
