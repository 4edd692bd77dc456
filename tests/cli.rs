//! The command line as a user meets it: stdin, files, formats, several
//! diagrams, options, help, pipes.

mod common;
use common::{gradviz, gradviz_stdin, json, ok, ok_stdin};

#[test]
fn render_reads_the_script_from_stdin() {
    let dot = ok_stdin(
        &["render", "-"],
        "a = Value(2.0)\nb = a * a\nb.backward()\n",
    );
    assert!(dot.starts_with("digraph {\n"));
    assert!(dot.contains(r#"n0 [label="{ a | data 2.0000 | grad 4.0000 }", shape=record];"#));
}

#[test]
fn output_file_format_follows_the_extension() {
    let dir = tempfile::tempdir().unwrap();
    for (file, starts) in [
        ("g.dot", "digraph {"),
        ("g.gv", "digraph {"),
        ("g.json", "{\"nodes\":["),
        ("g.txt", "v0 \"a\" = leaf"),
    ] {
        let out = dir.path().join(file);
        let r = gradviz(&[
            "render",
            "fixtures/add_self.py",
            "-o",
            out.to_str().unwrap(),
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stdout.is_empty());
        assert!(
            std::fs::read_to_string(&out).unwrap().starts_with(starts),
            "{file}"
        );
    }
    // --format names the format of a file whose extension does not; `-o -`
    // is stdout.
    let out = dir.path().join("g.data");
    ok(&[
        "render",
        "fixtures/add_self.py",
        "-f",
        "json",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(std::fs::read_to_string(&out).unwrap().starts_with('{'));
    assert!(ok(&["render", "fixtures/add_self.py", "-o", "-"]).starts_with("digraph"));
    // A format and an extension that disagree are a usage error, not PNG
    // bytes in a .svg file.
    for (file, format) in [("y.svg", "png"), ("y.dot", "json"), ("y.png", "svg")] {
        let out = dir.path().join(file);
        let r = gradviz(&[
            "render",
            "fixtures/add_self.py",
            "-f",
            format,
            "-o",
            out.to_str().unwrap(),
        ]);
        assert_eq!(r.code, 2, "{file} -f {format}: {}", r.stderr);
        assert!(
            r.stderr.contains(&format!("but --format is {format}")),
            "{}",
            r.stderr
        );
        assert!(!out.exists(), "{file}: nothing written");
    }
}

/// `--highlight` with a label no value has is an error that lists the
/// labels there are, not a diagram with nothing highlighted.
#[test]
fn highlight_of_a_missing_label_says_so() {
    for command in ["render", "steps"] {
        let r = gradviz(&[
            command,
            "fixtures/lecture_neuron.py",
            "--highlight",
            "nosuch",
            "-o",
            "/nonexistent/out.svg",
        ]);
        assert_eq!(r.code, 2, "{command}: {}", r.stderr);
        assert!(
            r.stderr
                .contains("no value in the diagram has the label `nosuch` (--highlight)"),
            "{}",
            r.stderr
        );
        assert!(
            r.stderr.contains("its labels: b, n, o, w1, w2, x1, x1*w1"),
            "{}",
            r.stderr
        );
    }
}

#[test]
fn output_replaces_an_existing_file_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("g.dot");
    std::fs::write(&out, "old").unwrap();
    ok(&[
        "render",
        "fixtures/accumulate.py",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .contains("{ f | data -6.0000 | grad 1.0000 }")
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file left"
    );
}

#[test]
fn each_draw_dot_is_a_diagram_of_that_moment() {
    // lecture_L draws L before and after backward.
    let all = json(&ok(&["render", "fixtures/lecture_L.py", "-f", "json"]));
    let diagrams = all.as_array().expect("several diagrams are a JSON array");
    assert_eq!(diagrams.len(), 2);
    let grad_of_a = |d: &serde_json::Value| d["nodes"][0]["grad"].as_f64().unwrap();
    assert_eq!(grad_of_a(&diagrams[0]), 0.0);
    assert_eq!(grad_of_a(&diagrams[1]), 6.0);
    let second = json(&ok(&[
        "render",
        "fixtures/lecture_L.py",
        "-f",
        "json",
        "--diagram",
        "2",
    ]));
    assert_eq!(&second, &diagrams[1]);
    // On stdout, several DOT graphs follow each other.
    assert_eq!(
        ok(&["render", "fixtures/lecture_L.py"])
            .matches("digraph {")
            .count(),
        2
    );
}

#[test]
fn several_diagrams_into_numbered_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("lecture.dot");
    let r = gradviz(&[
        "render",
        "fixtures/lecture_manual_backprop.py",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.starts_with("wrote 3 diagrams: "));
    for n in 1..=3 {
        let f = dir.path().join(format!("lecture-{n}.dot"));
        assert!(
            std::fs::read_to_string(&f).unwrap().starts_with("digraph"),
            "{f:?}"
        );
    }
    assert!(!out.exists());
}

#[test]
fn rankdir_from_the_flag_or_from_draw_dot() {
    let tb = ok(&["render", "fixtures/add_self.py", "--rankdir", "TB"]);
    assert!(tb.contains("graph [rankdir=TB,"));
    let script = "a = Value(1.0)\nb = a + 1\ndraw_dot(b, rankdir='TB')\n";
    assert!(ok_stdin(&["render", "-"], script).contains("rankdir=TB"));
    assert!(ok_stdin(&["render", "-", "--rankdir", "LR"], script).contains("rankdir=LR"));
}

#[test]
fn auto_labels_can_be_switched_off() {
    let script = "a = Value(1.0)\nb = Value(2.0, label='bee')\nc = a * b\n";
    let on = json(&ok_stdin(&["render", "-", "-f", "json"], script));
    let off = json(&ok_stdin(
        &["render", "-", "-f", "json", "--no-auto-labels"],
        script,
    ));
    let labels = |j: &serde_json::Value| -> Vec<String> {
        j["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["label"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(labels(&on), ["a", "bee", "c"]);
    assert_eq!(labels(&off), ["", "bee", ""]);
}

#[test]
fn the_last_assigned_value_is_drawn_without_backward_or_draw_dot() {
    let shape = ok_stdin(
        &["render", "-", "-f", "shape"],
        "a = Value(1.0)\nb = a.tanh()\nc = Value(5.0)\n",
    );
    assert_eq!(shape, "v0 \"c\" = leaf\n");
    let shape = ok_stdin(
        &["render", "-", "-f", "shape"],
        "a = Value(1.0)\nb = a.tanh()\nb.backward()\nc = Value(5.0)\n",
    );
    assert_eq!(shape, "v0 \"a\" = leaf\nv1 \"b\" = tanh(v0)\n");
}

#[test]
fn run_prints_like_python() {
    let out = ok_stdin(
        &["run", "-"],
        "a = Value(3)\nb = a ** 2\nprint(a, b.data, b)\nb.backward()\nprint(f'{a.grad=} {b.data:>6.2f}|{1e-7}')\n",
    );
    assert_eq!(
        out,
        "Value(data=3, grad=0) 9 Value(data=9, grad=0)\na.grad=6   9.00|1e-07\n"
    );
}

#[test]
fn help_shows_examples() {
    let top = ok(&["--help"]);
    assert!(top.contains("Examples:") && top.contains("gradviz render"));
    let render = ok(&["render", "--help"]);
    for flag in [
        "--format",
        "--output",
        "--rankdir",
        "--diagram",
        "--no-auto-labels",
        "--ieee",
        "--max-nodes",
    ] {
        assert!(render.contains(flag), "{flag}");
    }
    assert!(ok(&["--version"]).starts_with("gradviz "));
}

#[test]
fn ieee_semantics_on_request() {
    let script = "a = Value(0.0)\nb = 1 / a\nprint(b.data)\n";
    assert_eq!(gradviz_stdin(&["run", "-"], script).code, 1);
    assert_eq!(ok_stdin(&["run", "-", "--ieee"], script), "inf\n");
}

#[test]
fn a_closed_stdout_is_not_an_error() {
    use std::process::{Command, Stdio};
    let script = "a = Value(1.0)\n".to_string() + &"a = a * 1.0\n".repeat(20_000);
    let mut child = Command::new(env!("CARGO_BIN_EXE_gradviz"))
        .args(["render", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::{Read, Write};
        child
            .stdin
            .take()
            .unwrap()
            .write_all(script.as_bytes())
            .unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let mut first = [0u8; 10];
        stdout.read_exact(&mut first).unwrap();
        assert_eq!(&first, b"digraph {\n");
        drop(stdout); // like `| head -1`
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `-o /dev/stdout` into a pipe writes through the pipe (its link's target,
/// `pipe:[…]`, is no path), and `-o` a folder says so (#16, class 6).
#[test]
fn output_to_dev_stdout_and_to_a_folder() {
    if std::path::Path::new("/dev/stdout").exists() {
        // The test harness reads the child's stdout through a pipe.
        let r = gradviz(&[
            "render",
            "fixtures/lecture_neuron.py",
            "-o",
            "/dev/stdout",
            "-f",
            "dot",
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stdout.starts_with("digraph {"), "{}", r.stdout);
    }
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().to_str().unwrap();
    let r = gradviz(&[
        "render",
        "fixtures/lecture_neuron.py",
        "-o",
        folder,
        "-f",
        "dot",
    ]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        format!("error: cannot write `{folder}`: it is a folder\n")
    );
}

/// A tolerance that is not a number of 0 or more is a usage error, as a
/// bad `--h` is (#16, class 6).
#[test]
fn gradcheck_refuses_a_tolerance_that_is_no_tolerance() {
    for bad in ["NaN", "-1", "inf"] {
        let flag = format!("--tolerance={bad}");
        let r = gradviz(&["gradcheck", "fixtures/micrograd_readme.py", &flag]);
        assert_eq!(r.code, 2, "{bad}: {}", r.stderr);
        assert!(
            r.stderr.starts_with("error: --tolerance must be 0 or more"),
            "{bad}: {}",
            r.stderr
        );
    }
    let r = gradviz(&["gradcheck", "fixtures/micrograd_readme.py", "--tolerance=0"]);
    assert_ne!(r.code, 2, "0 is a tolerance: {}", r.stderr);
}

/// `gradcheck` on a long chain (#16, class 5): the analytic side is one
/// backward pass; the numeric side, two forward passes per leaf, says how
/// long it will take and stops at `--timeout` with what it checked.
#[test]
fn gradcheck_of_a_large_graph_says_how_long_and_stops_at_the_timeout() {
    let script = "y = Value(1.0)\nfor i in range(30000):\n    y = y * Value(1.0)\ny.backward()\n";
    let start = std::time::Instant::now();
    let r = gradviz_stdin(&["gradcheck", "-", "--timeout", "1.5"], script);
    let took = start.elapsed().as_secs_f64();
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.starts_with("checking 30001 leaves: about "),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("error: gradcheck stopped after 1.5 s (--timeout): "),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty(), "no table for a check not done");
    assert!(
        took < 30.0,
        "stopped near the timeout, not at the end: {took} s"
    );
}

/// An unlabelled value has one name everywhere: `vN`, N its id in the
/// diagram (as in the JSON and shape text), whatever else the script made
/// first — in gradcheck, the chain-rule labels, the shape text and steps.
#[test]
fn unlabelled_values_are_named_alike_by_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("un.py");
    std::fs::write(
        &script,
        "junk = Value(9.0)\nother = junk * 2\na = Value(2.0)\nb = a * a\nb.backward()\n",
    )
    .unwrap();
    let s = script.to_str().unwrap();
    let check = ok(&["gradcheck", s, "--no-auto-labels"]);
    assert!(check.lines().nth(1).unwrap().starts_with("v0 "), "{check}");
    let dot = ok(&["render", s, "--no-auto-labels", "--chain-rule"]);
    assert!(dot.contains("∂v1/∂v0 = 2.0000"), "{dot}");
    let shape = ok(&["render", s, "--no-auto-labels", "-f", "shape"]);
    assert_eq!(shape, "v0 = leaf\nv1 = v0 * v0\n");
    let steps = dir.path().join("steps");
    ok(&[
        "steps",
        s,
        "--no-auto-labels",
        "-o",
        steps.to_str().unwrap(),
    ]);
    let frame = std::fs::read_to_string(steps.join("frame-002.svg")).unwrap();
    assert!(frame.contains("v0.grad += ∂v1/∂v0 × v1.grad"), "steps");
}
