//! One test per error class: the message (snapshotted), the exit code, and
//! that no output file is touched.

mod common;
use common::{gradviz, gradviz_stdin, snapshot};

/// Runs `render` on a script that must fail, with `-o` pointing at an
/// existing file, and checks the failure contract.
fn fails(name: &str, script: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let script_path = dir.path().join(format!("{name}.py"));
    std::fs::write(&script_path, script).unwrap();
    let out = dir.path().join("out.dot");
    std::fs::write(&out, "precious").unwrap();
    let r = gradviz(&[
        "render",
        script_path.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 1, "{name}: exit code\n{}", r.stderr);
    assert!(r.stdout.is_empty(), "{name}: nothing on stdout");
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "precious",
        "{name}: output untouched"
    );
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "{name}: no stray files: {names:?}");
    let stderr = r
        .stderr
        .replace(&*script_path.to_string_lossy(), &format!("{name}.py"));
    assert!(
        stderr.starts_with("error: "),
        "{name}: one-line cause first"
    );
    assert!(!stderr.contains("panicked"), "{name}: no panic");
    stderr
}

#[test]
fn syntax_error() {
    let e = fails("syntax", "a = Value(2.0)\nb = a * * 3\n");
    assert!(e.contains(" --> syntax.py:2:9\n"));
    snapshot("error_syntax", &e);
}

#[test]
fn unclosed_parenthesis() {
    snapshot(
        "error_unclosed",
        &fails("unclosed", "a = Value(2.0\nb = a\n"),
    );
}

#[test]
fn unsupported_construct() {
    let e = fails(
        "loop",
        "a = Value(2.0)\nfor i in range(3):\n    a = a * 2\n",
    );
    assert!(e.contains("loops are not supported"));
    assert!(e.contains("help: gradviz runs straight-line micrograd code"));
    snapshot("error_unsupported", &e);
}

#[test]
fn unexpected_indent() {
    snapshot(
        "error_indent",
        &fails("indent", "a = Value(2.0)\n  b = a * 2\n"),
    );
}

#[test]
fn unknown_name_with_suggestion() {
    let e = fails("name", "value = Value(2.0)\nb = valeu * 2\n");
    assert!(e.contains("did you mean `value`?"));
    snapshot("error_unknown_name", &e);
}

#[test]
fn value_as_exponent() {
    snapshot(
        "error_value_exponent",
        &fails("pow", "a = Value(2.0)\nb = Value(3.0)\nc = a ** b\n"),
    );
}

#[test]
fn division_by_zero() {
    let e = fails("div", "a = Value(1.0)\nb = Value(0.0)\nc = a / b\n");
    assert!(e.contains("division by zero"));
    snapshot("error_division_by_zero", &e);
}

#[test]
fn exp_overflow() {
    snapshot(
        "error_exp_overflow",
        &fails("exp", "a = Value(800.0)\nb = a.exp()\n"),
    );
}

#[test]
fn infinite_gradient() {
    snapshot(
        "error_infinite_gradient",
        &fails("grad", "a = Value(0.0)\nb = a ** 0.5\nb.backward()\n"),
    );
}

#[test]
fn plain_number_division_by_zero() {
    snapshot(
        "error_number_division",
        &fails("numdiv", "h = 0.0\nx = 1 / h\n"),
    );
}

#[test]
fn bad_format_spec() {
    snapshot(
        "error_format_spec",
        &fails("fmt", "a = Value(1.0)\nprint(f'{a.data:.4d}')\n"),
    );
}

#[test]
fn graph_size_limit() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("big.py");
    std::fs::write(&script, "a = Value(1.0)\na = a * 2\na = a * 2\na = a * 2\n").unwrap();
    let r = gradviz(&["run", script.to_str().unwrap(), "--max-nodes", "4"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .starts_with("error: the graph passed the limit of 4 value nodes"),
        "{}",
        r.stderr
    );
}

#[test]
fn unreadable_file() {
    let r = gradviz(&["render", "no/such/script.py"]);
    assert_eq!(r.code, 1);
    snapshot("error_unreadable", &r.stderr);
}

#[test]
fn not_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("latin1.py");
    std::fs::write(&script, b"a = Value(1.0, label='\xe9')\n").unwrap();
    let r = gradviz(&["run", script.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("is not UTF-8 text"));
}

#[test]
fn nothing_to_draw() {
    let r = gradviz_stdin(&["render", "-"], "x = 1.0\n");
    assert_eq!(r.code, 1);
    snapshot("error_nothing_to_draw", &r.stderr);
}

#[test]
fn usage_errors_exit_with_2() {
    let r = gradviz(&["render", "fixtures/add_self.py", "-o", "out.pdf"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .starts_with("error: cannot tell the format from the extension `.pdf`")
    );
    let r = gradviz(&["render", "fixtures/add_self.py", "--diagram", "5"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("there is no diagram 5: the script has 1"));
    let r = gradviz(&["render", "fixtures/add_self.py", "--format", "bmp"]);
    assert_eq!(r.code, 2);
    let r = gradviz(&["frobnicate"]);
    assert_eq!(r.code, 2);
}

#[test]
fn output_onto_the_input_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("s.dot");
    std::fs::write(&script, "a = Value(1.0)\n").unwrap();
    let p = script.to_str().unwrap();
    let r = gradviz(&["render", p, "-o", p]);
    assert_eq!(r.code, 2);
    assert_eq!(
        std::fs::read_to_string(&script).unwrap(),
        "a = Value(1.0)\n"
    );
}

#[test]
fn output_into_a_missing_folder() {
    let r = gradviz(&[
        "render",
        "fixtures/add_self.py",
        "-o",
        "/nonexistent-dir/x.dot",
    ]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .starts_with("error: cannot write `/nonexistent-dir/x.dot`"),
        "{}",
        r.stderr
    );
}

#[test]
fn prints_before_an_error_still_appear() {
    let r = gradviz_stdin(
        &["run", "-"],
        "print('before')\nx = 1 / 0\nprint('after')\n",
    );
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "before\n");
    assert!(r.stderr.contains(" --> <stdin>:2:5"), "{}", r.stderr);
}

#[test]
fn output_into_a_read_only_folder() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let ro = dir.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    if std::fs::write(ro.join("probe"), "x").is_ok() {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED output_into_a_read_only_folder: running as root, permissions do not stop writes"
        );
        return;
    }
    let out = ro.join("x.dot");
    let r = gradviz(&[
        "render",
        "fixtures/add_self.py",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.starts_with("error: cannot write"), "{}", r.stderr);
    assert!(!out.exists());
}

#[test]
fn a_killed_render_leaves_the_old_file() {
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("g.json");
    std::fs::write(&out, "old").unwrap();
    // A long script, killed while it runs.
    let script = dir.path().join("long.py");
    let body = "x = Value(1.0)\n".to_string() + &"x = x * 1.0 + 0.0\n".repeat(400_000);
    std::fs::write(&script, body).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_gradviz"))
        .args([
            "render",
            script.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--max-nodes",
            "100000000",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "old");
    let stray: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".gradviz-"))
        .collect();
    // A kill during the write itself may leave a temporary file, never a
    // half-written target.
    assert!(stray.len() <= 1, "{stray:?}");
}
