//! Memory (issue #16, class 1), through the CLI: what a small script can
//! make gradviz hold is bounded — labels are shared, outputs are written as
//! they are made and capped at 1 GiB, a diagram too large to draw is
//! refused before it is laid out, and past 1.5 × `--max-memory` the process
//! stops with a clear error. Peak memory is measured from `/proc` while the
//! child runs.

mod common;
use std::path::Path;

use common::run_measured;

/// A script that makes a 16 MiB string by doubling and gives it as the
/// label of 300 values summed into one.
const LABEL_BOMB: &str = "s = 'x'\nfor i in range(24):\n    s = s + s\n\
    t = sum(Value(float(i), label=s) for i in range(300))\n";

/// The files in `dir`, sorted.
fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The same long label on many values and on the copies two `draw_dot`s
/// keep: the graph shares one copy of it instead of holding one per value
/// and per diagram (2.5 GB before).
#[test]
fn one_long_label_on_many_values_is_held_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("big.py"),
        "s = 'x'\nfor i in range(24):\n    s = s + s\n\
         vs = [Value(float(i), label=s) for i in range(300)]\n\
         t = sum(vs)\nfor v in vs:\n    v.label = s\n\
         draw_dot(t)\ndraw_dot(t)\nls = [v.label for v in vs]\nprint(len(s), ls[7] is s)\n",
    )
    .unwrap();
    let (code, stderr, peak_kb) =
        run_measured(dir.path(), &["run", "big.py", "--max-memory", "256M"]);
    assert_eq!(code, 0, "{stderr}");
    if peak_kb > 0 {
        // Reading the labels back shares the script's string too.
        assert!(peak_kb < 256 * 1024, "peak resident memory {peak_kb} KiB");
    }
}

/// DOT, JSON and shape text go to the file as they are made: rendering a
/// 400,000-value graph holds no more than running the script does, though
/// the files are tens of megabytes (before: the whole output, twice).
#[test]
fn text_outputs_are_written_as_they_are_made() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("chain.py"),
        "x = Value(1.0)\nfor i in range(200000):\n    x = x + 1.0\n",
    )
    .unwrap();
    let (code, stderr, run_kb) = run_measured(dir.path(), &["run", "chain.py"]);
    assert_eq!(code, 0, "{stderr}");
    for (format, at_least) in [("dot", 40 << 20), ("json", 30 << 20), ("shape", 5 << 20)] {
        let out = format!("chain.{format}");
        let (code, stderr, kb) = run_measured(
            dir.path(),
            &["render", "chain.py", "--format", format, "-o", &out],
        );
        assert_eq!(code, 0, "{stderr}");
        let size = std::fs::metadata(dir.path().join(&out)).unwrap().len();
        assert!(size > at_least, "{out}: {size} bytes");
        if run_kb > 0 {
            assert!(
                kb < run_kb + 24 * 1024,
                "{format}: render peaks at {kb} KiB, run at {run_kb} KiB, for {} MiB of output",
                size >> 20
            );
        }
    }
}

/// An output past 1 GiB is an error: the temporary file is removed, no
/// file is written, memory stays small; to stdout, what was written stays
/// (a stream cannot be taken back) and the exit code says it failed.
#[test]
fn an_output_past_the_limit_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bomb.py"), LABEL_BOMB).unwrap();
    let before = files(dir.path());
    let (code, stderr, kb) = run_measured(dir.path(), &["render", "bomb.py", "-o", "out.dot"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.starts_with(
            "error: `out.dot` would be larger than 1024 MiB, the most gradviz writes to one output; nothing was written"
        ),
        "{stderr}"
    );
    assert_eq!(
        files(dir.path()),
        before,
        "no file written, none left behind"
    );
    if kb > 0 {
        assert!(kb < 192 * 1024, "peak resident memory {kb} KiB");
    }
    let (code, stderr, _) = run_measured(dir.path(), &["render", "bomb.py", "--format", "json"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("`<stdout>` would be larger than 1024 MiB"),
        "{stderr}"
    );
}

/// A diagram whose DOT would pass 8 MiB (here, 4.7 GiB of labels) is not
/// drawn: SVG, PNG, steps and notes refuse it before making it, in little
/// memory and time.
#[test]
fn a_diagram_too_large_to_draw_is_refused_before_it_is_made() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bomb.py"), LABEL_BOMB).unwrap();
    std::fs::write(
        dir.path().join("bomb.md"),
        format!("# Notes\n\n```micrograd\n{LABEL_BOMB}```\n"),
    )
    .unwrap();
    let before = files(dir.path());
    for args in [
        &["render", "bomb.py", "-o", "out.svg"][..],
        &["render", "bomb.py", "-o", "out.png"],
        &["steps", "bomb.py", "-o", "steps"],
        &["notes", "bomb.md", "-o", "out.md"],
    ] {
        let (code, stderr, kb) = run_measured(dir.path(), args);
        assert_eq!(code, 1, "{args:?}: {stderr}");
        assert!(
            stderr.contains("the diagram is too large to draw: its DOT passes 8 MiB"),
            "{args:?}: {stderr}"
        );
        if kb > 0 {
            assert!(kb < 192 * 1024, "{args:?}: peak resident memory {kb} KiB");
        }
    }
    assert_eq!(files(dir.path()), before, "no file written");
}

/// What no check foresaw still ends at the process's limit, 1.5 ×
/// `--max-memory`, with a clear error and exit code 1 (not the kernel's
/// OOM killer or an abort). Here: `steps` of 1,500 values with 3 KB labels
/// makes a frame DOT of 4.5 MB per value before laying any out.
#[test]
fn the_process_stops_at_its_memory_limit_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("wide.py"),
        "s = 'x' * 3000\nt = Value(0.0)\nfor i in range(750):\n    t = t + Value(1.0, label=s)\nt.backward()\n",
    )
    .unwrap();
    let (code, stderr, kb) = run_measured(
        dir.path(),
        &["steps", "wide.py", "-o", "steps", "--max-memory", "128M"],
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr
            .starts_with("error: gradviz needs more than its memory limit of 192 MiB, and stopped"),
        "{stderr}"
    );
    assert!(
        stderr.contains("help: that limit is 1.5 × --max-memory"),
        "{stderr}"
    );
    if kb > 0 {
        // Counted allocations stop at 192 MiB; resident memory adds the
        // program and what the allocator keeps of freed memory.
        assert!(kb < 448 * 1024, "peak resident memory {kb} KiB");
    }
    assert!(!dir.path().join("steps").join("index.html").exists());
}
