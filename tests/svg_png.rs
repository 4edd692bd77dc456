//! SVG and PNG: the embedded engine (snapshotted, well-formed), the system
//! `dot` (when installed, or required by GRADVIZ_REQUIRE_TOOLS=1) and the
//! fallback of `--engine auto`, PNG decoding, the teaching views, steps and
//! the size guard.

mod common;
use std::io::Write;
use std::process::Command;

use common::{gradviz, gradviz_stdin, ok, snapshot};

/// Whether tests that need external tools must run (CI sets it).
fn tools_required() -> bool {
    std::env::var("GRADVIZ_REQUIRE_TOOLS").is_ok_and(|v| v == "1")
}

/// Says that a test was skipped, past the test harness's capture.
fn skipped(what: &str) {
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {what} (set GRADVIZ_REQUIRE_TOOLS=1 to require it)"
    );
}

fn well_formed(svg: &str) -> roxmltree::Document<'_> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = roxmltree::Document::parse_with_options(svg, options)
        .unwrap_or_else(|e| panic!("invalid SVG: {e}"));
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    doc
}

/// The text content of every `<text>` element.
fn texts(svg: &str) -> Vec<String> {
    well_formed(svg)
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").trim().to_string())
        .collect()
}

#[test]
fn svg_snapshots_in_each_view() {
    let views: [(&str, &[&str]); 4] = [
        ("backward", &[]),
        ("forward", &["--view", "forward"]),
        ("chain_rule", &["--chain-rule"]),
        ("color", &["--color"]),
    ];
    for fixture in [
        "lecture_neuron",
        "lecture_L",
        "add_self",
        "micrograd_readme",
    ] {
        for (name, extra) in views {
            let script = format!("fixtures/{fixture}.py");
            let mut args = vec!["render", script.as_str(), "-f", "svg", "--diagram", "1"];
            if fixture == "lecture_L" {
                args[5] = "2"; // the diagram after backward
            }
            args.extend_from_slice(extra);
            let svg = ok(&args);
            well_formed(&svg);
            snapshot(&format!("{fixture}.{name}.svg"), &svg);
        }
    }
}

#[test]
fn svg_of_every_fixture_is_well_formed_and_deterministic() {
    for fixture in common::fixtures() {
        let name = common::stem(&fixture);
        if name == "derivative" {
            continue;
        }
        let script = fixture.to_str().unwrap();
        let a = ok(&["render", script, "-f", "svg", "--diagram", "1"]);
        let b = ok(&["render", script, "-f", "svg", "--diagram", "1"]);
        assert_eq!(a, b, "{name}: byte-identical SVG");
        well_formed(&a);
    }
}

#[test]
fn svg_shows_labels_as_text() {
    let script = "a = Value(1.0, label='<b>&\"x\"</b> {y} | z')\nb = a * 2\ndraw_dot(b)\n";
    let r = gradviz_stdin(&["render", "-", "-f", "svg"], script);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t = texts(&r.stdout);
    assert!(t.iter().any(|s| s == "<b>&\"x\"</b> {y} | z"), "{t:?}");
    assert!(!r.stdout.contains("<b>"), "no markup injected");
}

#[test]
fn chain_rule_edges_carry_the_lecture_numbers() {
    // The lecture neuron: o = tanh(n), do/dn = 1 - o² = 0.5; o.grad = 1.
    let dot = ok(&["render", "fixtures/lecture_neuron.py", "--chain-rule"]);
    assert!(
        dot.contains(
            "n8 -> n9_op [label=\"∂o/∂n = 0.5000\\n1.0000 × 0.5000 = 0.5000\", decorate=true];"
        ),
        "{dot}"
    );
    // x1*w1 → x1: local derivative w1 = -3, carried 0.5 × -3 = -1.5 = x1.grad.
    // A compound label reads in parentheses; `decorate` ties each label to
    // its edge.
    assert!(
        dot.contains("n0 -> n5_op [label=\"∂(x1*w1)/∂x1 = -3.0000\\n0.5000 × -3.0000 = -1.5000\", decorate=true];"),
        "{dot}"
    );
    assert!(dot.contains("\"∂n/∂(x1*w1 + x2*w2) = 1.0000\\n"), "{dot}");
    let svg = ok(&[
        "render",
        "fixtures/lecture_neuron.py",
        "--chain-rule",
        "-f",
        "svg",
    ]);
    let t = texts(&svg);
    assert!(t.iter().any(|s| s == "1.0000 × 0.5000 = 0.5000"), "{t:?}");
}

#[test]
fn gradient_colours_and_highlights() {
    let dot = ok(&[
        "render",
        "fixtures/lecture_neuron.py",
        "--color",
        "--highlight",
        "x1,o",
    ]);
    // x1.grad = -1.5 is the largest |grad|: full red; o.grad = 1: blue.
    assert!(dot.contains("n0 [label=\"{ x1 | data 2.0000 | grad -1.5000 }\", shape=record, style=filled, fillcolor=\"#d6604d\", color=\"#e6550d\", penwidth=3];"), "{dot}");
    assert!(
        dot.contains("fillcolor=\"#ffffff\""),
        "w2.grad = 0 is white"
    );
    assert!(
        dot.contains(">gradient (symmetric log)<"),
        "a legend that names the scale: {dot}"
    );
    // On the symmetric-log scale 0.5 next to 1.5 is a clear mid blue.
    assert!(
        dot.contains("n1 [label=\"{ x2 | data 0.0000 | grad 0.5000 }\", shape=record, style=filled, fillcolor=\"#7db5d6\"];"),
        "{dot}"
    );
    let huge = ok_stdin_dot(
        "a = Value(1e4)\nb = a * a * a\nb.backward()\n",
        &["--color"],
    );
    assert!(huge.contains("penwidth=2.5"), "{huge}");
}

fn ok_stdin_dot(script: &str, extra: &[&str]) -> String {
    let mut args = vec!["render", "-"];
    args.extend_from_slice(extra);
    common::ok_stdin(&args, script)
}

#[test]
fn png_decodes_with_text_pixels() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("neuron.png");
    let r = gradviz(&[
        "render",
        "fixtures/lecture_neuron.py",
        "-o",
        out.to_str().unwrap(),
        "--scale",
        "1",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&out).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert!(
        info.width > 1000 && info.height > 100,
        "{}x{}",
        info.width,
        info.height
    );
    let pixels = &buf[..info.buffer_size()];
    let dark = pixels
        .chunks(info.color_type.samples())
        .filter(|p| p[0] < 100)
        .count();
    assert!(dark > 2000, "text and lines are drawn ({dark} dark pixels)");
    // --scale doubles the size.
    let big = dir.path().join("big.png");
    ok(&[
        "render",
        "fixtures/lecture_neuron.py",
        "-o",
        big.to_str().unwrap(),
        "--scale",
        "2",
    ]);
    let reader = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&big).unwrap()))
        .read_info()
        .unwrap();
    assert_eq!(reader.info().width, info.width * 2);
}

/// The width of a PNG file, from its header.
fn png_width(path: &std::path::Path) -> u32 {
    png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()))
        .read_info()
        .unwrap()
        .info()
        .width
}

/// A PNG's default size is 2× but at most 4,096 px wide (the README
/// example at 2× would be 13,091 px); `--width` and `--scale` choose.
#[test]
fn png_default_width_is_capped_and_width_or_scale_choose() {
    let dir = tempfile::tempdir().unwrap();
    let out = |name: &str| dir.path().join(name);
    let render = |file: &str, extra: &[&str]| {
        let path = out(file);
        let mut args = vec![
            "render",
            "fixtures/micrograd_readme.py",
            "-o",
            path.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let r = gradviz(&args);
        assert_eq!(r.code, 0, "{extra:?}: {}", r.stderr);
        png_width(&path)
    };
    assert_eq!(render("default.png", &[]), 4096);
    assert_eq!(render("narrow.png", &["--width", "880"]), 880);
    assert!(render("scaled.png", &["--scale", "1"]) > 6000);
    // A small graph keeps 2×.
    let small = out("small.png");
    ok(&[
        "render",
        "fixtures/add_self.py",
        "-o",
        small.to_str().unwrap(),
    ]);
    let one = out("one.png");
    ok(&[
        "render",
        "fixtures/add_self.py",
        "-o",
        one.to_str().unwrap(),
        "--scale",
        "1",
    ]);
    assert_eq!(png_width(&small), png_width(&one) * 2);
    let r = gradviz(&[
        "render",
        "fixtures/add_self.py",
        "-o",
        out("x.png").to_str().unwrap(),
        "--scale",
        "1",
        "--width",
        "100",
    ]);
    assert_eq!(r.code, 2, "--scale and --width conflict: {}", r.stderr);
}

#[test]
fn system_dot_engine() {
    let has_dot = Command::new("dot")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_dot {
        assert!(
            !tools_required(),
            "GRADVIZ_REQUIRE_TOOLS=1 but `dot` is not installed"
        );
        skipped("system_dot_engine: Graphviz `dot` is not installed");
        return;
    }
    let svg = ok(&[
        "render",
        "fixtures/lecture_neuron.py",
        "-f",
        "svg",
        "--engine",
        "dot",
    ]);
    assert!(
        svg.contains("Generated by graphviz"),
        "made by the system dot"
    );
    let t = texts(&svg);
    assert!(t.iter().any(|s| s == "grad 0.5000"));
    let auto = ok(&[
        "render",
        "fixtures/lecture_neuron.py",
        "-f",
        "svg",
        "--engine",
        "auto",
    ]);
    assert_eq!(auto, svg, "auto picks dot when it is installed");
}

#[test]
fn dot_hidden_from_path() {
    let run = |engine: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_gradviz"))
            .args([
                "render",
                "fixtures/lecture_neuron.py",
                "-f",
                "svg",
                "--engine",
                engine,
            ])
            .current_dir(common::root())
            .env("PATH", "")
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let (code, auto, _) = run("auto");
    assert_eq!(code, Some(0));
    let embedded = ok(&["render", "fixtures/lecture_neuron.py", "-f", "svg"]);
    assert_eq!(auto, embedded, "auto falls back to the embedded engine");
    let (code, out, err) = run("dot");
    assert_eq!(code, Some(1));
    assert!(out.is_empty());
    assert!(
        err.starts_with("error: the system Graphviz `dot` was not found on PATH"),
        "{err}"
    );
}

#[test]
fn too_large_to_lay_out_is_a_clear_error() {
    let script = "x = Value(1.0)\n".to_string() + &"x = x * 1.01 + 1\n".repeat(800);
    let r = gradviz_stdin(&["render", "-", "-f", "svg"], &script);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.starts_with(
            "error: the graph has 3201 values, more than the embedded layout engine takes (2500)"
        ),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--format dot"));
    let r = gradviz_stdin(&["render", "-", "-f", "dot"], &script);
    assert_eq!(r.code, 0, "DOT has no limit");
}

#[test]
fn steps_write_frames_and_a_page() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("steps");
    let r = gradviz(&[
        "steps",
        "fixtures/lecture_neuron.py",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // start + one frame per op (5) + done
    for i in 1..=7 {
        let f = out.join(format!("frame-{i:03}.svg"));
        well_formed(&std::fs::read_to_string(&f).unwrap());
    }
    assert!(!out.join("frame-008.svg").exists());
    let page = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert_eq!(page.matches("<figure class=\"frame\"").count(), 7);
    for url in page.match_indices("http") {
        assert!(
            page[url.0..].starts_with("http://www.w3.org/"),
            "no network: {}",
            &page[url.0..url.0 + 40]
        );
    }
    // The first op frame is the tanh at the root: n gets 1 - o² = 0.5.
    let frame2 = std::fs::read_to_string(out.join("frame-002.svg")).unwrap();
    let t = texts(&frame2);
    assert!(
        t.iter().any(|s| s.starts_with("chain rule at tanh → o")),
        "{t:?}"
    );
    assert!(
        t.iter()
            .any(|s| s.starts_with("n.grad += ∂o/∂n × o.grad = 0.5000 × 1.0000 = 0.5000")),
        "{t:?}"
    );
    assert!(t.iter().any(|s| s == "grad 0.5000"), "n: {t:?}");
    // Right-aligned in the width the node's grad takes at its widest: x1's
    // will be -1.5000.
    assert!(t.iter().any(|s| s == "grad \u{a0}0.0000"), "x1: {t:?}");
}

/// Every frame of a steps run draws every node, edge and label at the same
/// place: the picture holds still as it plays (for the README example's 30
/// frames, the lecture neuron's 7, and with the chain rule on the edges).
#[test]
fn steps_frames_share_one_layout() {
    for (fixture, extra) in [
        ("fixtures/micrograd_readme.py", &[][..]),
        ("fixtures/lecture_neuron.py", &[][..]),
        ("fixtures/lecture_neuron.py", &["--chain-rule"][..]),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("steps");
        let mut args = vec!["steps", fixture, "-o", out.to_str().unwrap()];
        args.extend_from_slice(extra);
        let r = gradviz(&args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let mut frames: Vec<_> = std::fs::read_dir(&out)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "svg"))
            .collect();
        frames.sort();
        assert!(frames.len() > 2, "{fixture}: {} frames", frames.len());
        let geometry = |svg: &str| -> Vec<(String, String)> {
            let doc = well_formed(svg);
            doc.descendants()
                .filter(|n| n.is_element())
                .flat_map(|n| {
                    [
                        "points", "d", "cx", "cy", "x", "y", "width", "height", "viewBox",
                    ]
                    .into_iter()
                    .filter_map(move |a| {
                        n.attribute(a)
                            .map(|v| (format!("{}@{a}", n.tag_name().name()), v.to_owned()))
                    })
                })
                .collect()
        };
        let first = geometry(&std::fs::read_to_string(&frames[0]).unwrap());
        assert!(first.len() > 20, "{fixture}: {} coordinates", first.len());
        for f in &frames[1..] {
            let other = geometry(&std::fs::read_to_string(f).unwrap());
            assert!(
                other == first,
                "{fixture} {extra:?}: {} is laid out unlike the first frame",
                f.display()
            );
        }
    }
}

#[test]
fn steps_remove_the_frames_of_an_earlier_longer_run() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("steps");
    std::fs::create_dir(&out).unwrap();
    for name in ["frame-008.svg", "frame-120.svg", "frame-9.svg", "notes.txt"] {
        std::fs::write(out.join(name), "old").unwrap();
    }
    let r = gradviz(&[
        "steps",
        "fixtures/lecture_neuron.py",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("removed 2 frames"), "{}", r.stderr);
    assert!(out.join("frame-007.svg").exists());
    assert!(!out.join("frame-008.svg").exists());
    assert!(!out.join("frame-120.svg").exists());
    // Not a frame name gradviz writes, or not a frame: left alone.
    assert!(out.join("frame-9.svg").exists());
    assert!(out.join("notes.txt").exists());
}

/// A value used at every step of a 40-step chain took the embedded engine
/// 11.5 s and the system `dot` 86 s before the DOT capped Graphviz's
/// placement passes (`nslimit`); now well under the default timeout even in
/// a debug build.
#[test]
fn long_edges_lay_out_in_reasonable_time() {
    let script = "a = Value(0.5)\ny = a\n".to_string() + &"y = (y * 1.01 + a).tanh()\n".repeat(40);
    let r = gradviz_stdin(
        &["render", "-", "-f", "svg", "--layout-timeout", "60"],
        &script,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    well_formed(&r.stdout);
    let dot = gradviz_stdin(&["render", "-", "-f", "dot"], &script);
    assert!(dot.stdout.contains("nslimit=2"));
}

#[test]
fn a_slow_layout_times_out_with_a_clear_error() {
    // One value used at every step of a long chain: many long edges, which
    // Graphviz's layout (embedded or system) handles slowly: 10 s for these
    // 1,202 values in a release build, even with the placement passes
    // capped (see `long_edges_lay_out_in_reasonable_time`).
    let script = "a = Value(0.5)\ny = a\n".to_string() + &"y = (y * 1.01 + a).tanh()\n".repeat(300);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("slow.svg");
    let r = gradviz_stdin(
        &[
            "render",
            "-",
            "-o",
            out.to_str().unwrap(),
            "--layout-timeout",
            "1",
        ],
        &script,
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .starts_with("error: the layout did not finish within 1 s"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--format dot"));
    assert!(!out.exists());
}

#[test]
fn system_dot_with_a_large_svg_does_not_block() {
    if Command::new("dot").arg("-V").output().is_err() {
        assert!(
            !tools_required(),
            "GRADVIZ_REQUIRE_TOOLS=1 but `dot` is not installed"
        );
        skipped("system_dot_with_a_large_svg_does_not_block: Graphviz `dot` is not installed");
        return;
    }
    // More than a pipe's 64 KB of SVG (found in review: it used to block).
    let mut script = String::from("s = Value(0.0)\n");
    for i in 0..120 {
        script.push_str(&format!("w{i} = Value({i}.0)\ns = s + w{i} * {i}.5\n"));
    }
    let r = gradviz_stdin(
        &[
            "render",
            "-",
            "-f",
            "svg",
            "--engine",
            "dot",
            "--layout-timeout",
            "20",
        ],
        &script,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.len() > 100_000);
}
