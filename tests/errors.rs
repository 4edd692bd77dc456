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
        "try",
        "a = Value(2.0)\ntry:\n    a = a * 2\nexcept ValueError:\n    pass\n",
    );
    assert!(
        e.contains("`try`/`except` is not supported in scripts"),
        "{e}"
    );
    assert!(
        e.contains("help: scripts run the Python of micrograd code"),
        "{e}"
    );
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

/// A bytes literal is underlined whole, prefix to closing quote.
#[test]
fn bytes_literal_is_underlined_whole() {
    let err = fails("bytes", "x = rb'a\\b' + 1\n");
    assert!(err.contains("a bytes literal is not supported"), "{err}");
    assert!(err.contains("  |     ^^^^^^^ not supported"), "{err}");
}

/// `x**0` at 0: the derivative `0 · 0**-1` is undefined, not infinite.
#[test]
fn undefined_gradient() {
    snapshot(
        "error_undefined_gradient",
        &fails("grad0", "a = Value(0.0)\nb = a ** 0\nb.backward()\n"),
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
            .starts_with("error: MemoryError: the graph passed the limit of 4 value nodes"),
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

/// What a killed write may leave (`.gradviz-PID-…` of a process that no
/// longer runs) is removed by the next write into the folder; the
/// temporary files of a process still running are not touched.
#[test]
fn the_next_write_removes_what_a_killed_one_left() {
    if !std::path::Path::new("/proc/self").exists() {
        eprintln!("SKIPPED: no /proc on this system");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // A process that has ended: its pid is free (until reused).
    let mut gone = std::process::Command::new(env!("CARGO_BIN_EXE_gradviz"))
        .arg("--version")
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let dead = gone.id();
    gone.wait().unwrap();
    let stale = dir.path().join(format!(".gradviz-{dead}-a1b2c3"));
    let stale_old = dir.path().join(format!(".gradviz-{dead}-old-d4e5f6"));
    let live = dir
        .path()
        .join(format!(".gradviz-{}-g7h8i9", std::process::id()));
    for f in [&stale, &stale_old, &live] {
        std::fs::write(f, "partial").unwrap();
    }
    let out = dir.path().join("g.dot");
    let r = gradviz(&[
        "render",
        "fixtures/add_self.py",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    if !std::path::Path::new(&format!("/proc/{dead}")).exists() {
        assert!(
            !stale.exists() && !stale_old.exists(),
            "stale files removed"
        );
    }
    assert!(live.exists(), "a running process's file is left alone");
    assert!(out.exists());
}

// ----- the error catalogue (docs/errors.md) ---------------------------------

/// One example of docs/errors.md: the files it needs, the command, the exit
/// code. Its output is snapshotted (`snapshots/error_NAME.snap`, stderr) and
/// must appear in the page exactly, between `<!-- case NAME -->` and
/// `<!-- end case -->`; `GRADVIZ_UPDATE_DOCS=1 cargo test --test errors`
/// rewrites those parts of the page from the current output.
struct Case {
    name: &'static str,
    /// File name, content, and what the page shows instead when the content
    /// cannot be shown as is.
    files: Vec<(&'static str, Vec<u8>, Option<&'static str>)>,
    /// The command after `gradviz`, split at spaces except inside `"…"`; a
    /// trailing `< FILE` feeds FILE on stdin.
    command: &'static str,
    env: &'static [(&'static str, &'static str)],
    code: i32,
    /// A folder to create without write permission (the case is skipped
    /// when permissions do not stop root).
    read_only: Option<&'static str>,
}

fn case(name: &'static str, command: &'static str, code: i32) -> Case {
    Case {
        name,
        files: Vec::new(),
        command,
        env: &[],
        code,
        read_only: None,
    }
}

impl Case {
    fn file(mut self, name: &'static str, text: &str) -> Case {
        self.files.push((name, text.as_bytes().to_vec(), None));
        self
    }
}

/// The script errors, each with the smallest script that shows it.
fn script_cases() -> Vec<Case> {
    let s = |name, file, text: &str| case(name, "", 1).file(file, text);
    let mut v = vec![
        s("syntax", "syntax.py", "a = Value(2.0)\nb = a * * 3\n"),
        s("unclosed", "unclosed.py", "a = Value(2.0\nb = a\n"),
        s(
            "unterminated_string",
            "string.py",
            "a = Value(1.0, label='a)\n",
        ),
        s("invalid_character", "char.py", "x = 1 ? 2\n"),
        s("indent", "indent.py", "a = Value(2.0)\n  b = a * 2\n"),
        s(
            "unsupported",
            "try.py",
            "a = Value(2.0)\ntry:\n    a = a * 2\nexcept ValueError:\n    pass\n",
        ),
        s(
            "unsupported_builtin",
            "builtin.py",
            "data = open('data.txt')\n",
        ),
        s("import", "import.py", "import numpy as np\n"),
        s("sandbox_import", "shell.py", "import os\nos.system('ls')\n"),
        s(
            "traceback",
            "ratio.py",
            "def ratio(a, b):\n    return a / b\n\ndef normalise(xs):\n    total = sum(xs)\n    return [ratio(x, total) for x in xs]\n\nprint(normalise([1.0, -1.0]))\n",
        ),
        s(
            "unknown_name",
            "name.py",
            "value = Value(2.0)\nb = valeu * 2\n",
        ),
        s(
            "recursion",
            "recursion.py",
            "def depth(n):\n    return depth(n + 1)\n\ndepth(0)\n",
        ),
        s("operand_types", "types.py", "a = Value(1.0)\nb = a + 'x'\n"),
        s("label_type", "label.py", "a = Value(1.0, label=3)\n"),
        s("attribute", "attr.py", "a = Value(1.0)\nprint(a.foo)\n"),
        s(
            "value_exponent",
            "pow.py",
            "a = Value(2.0)\nb = Value(3.0)\nc = a ** b\n",
        ),
        s(
            "number_to_value_power",
            "rpow.py",
            "a = Value(2.0)\nb = 2 ** a\n",
        ),
        s("float_of_string", "nan.py", "x = float('one')\n"),
        s(
            "division_by_zero",
            "div.py",
            "a = Value(1.0)\nb = Value(0.0)\nc = a / b\n",
        ),
        s("number_division", "numdiv.py", "h = 0.0\nx = 1 / h\n"),
        s("zero_negative_power", "zeropow.py", "x = 0 ** -1\n"),
        s(
            "negative_fractional_power",
            "sqrt.py",
            "a = Value(-2.0)\nb = a ** 0.5\n",
        ),
        s("exp_overflow", "exp.py", "a = Value(800.0)\nb = a.exp()\n"),
        s("float_overflow", "big.py", "x = 10.0 ** 400\n"),
        s("math_domain", "log.py", "import math\nx = math.log(0)\n"),
        s(
            "infinite_gradient",
            "grad.py",
            "a = Value(0.0)\nb = a ** 0.5\nb.backward()\n",
        ),
        s(
            "undefined_gradient",
            "grad0.py",
            "a = Value(0.0)\nb = a ** 0\nb.backward()\n",
        ),
        s("integer_overflow", "intpow.py", "x = 10 ** 400\n"),
        s(
            "integer_literal_too_large",
            "intlit.py",
            "x = 9223372036854775808\n",
        ),
        s("leading_zeros", "zeros.py", "x = 012\n"),
        s(
            "format_spec",
            "fmt.py",
            "a = Value(1.0)\nprint(f'{a.data:.4d}')\n",
        ),
        s(
            "nesting",
            "nested.py",
            &format!("x = {}1{}\n", "(".repeat(201), ")".repeat(201)),
        ),
        s(
            "operators",
            "long.py",
            &format!("x = {}1\n", "1+".repeat(1001)),
        ),
        s("list_size", "zeros.py", "zeros = [0.0] * 10**10\n"),
        s(
            "string_size",
            "string.py",
            &format!("s = 'xxxxxxxxxxxxxxxx'\n{}", "s = s + s\n".repeat(21)),
        ),
    ];
    // A script error reads the same from every command; most are shown
    // with `run`, a few with `render`.
    for c in &mut v {
        c.command = match c.name {
            "syntax" | "unclosed" | "unsupported" | "indent" | "unknown_name"
            | "value_exponent" | "division_by_zero" | "exp_overflow" | "infinite_gradient"
            | "number_division" | "format_spec" => {
                leak(format!("render {} -o out.svg", c.files[0].0))
            }
            _ => leak(format!("run {}", c.files[0].0)),
        };
    }
    v.push(
        case("timeout", "run spin.py --timeout 1", 1)
            .file("spin.py", "steps = 0\nwhile True:\n    steps += 1\n"),
    );
    v.push(case("max_memory", "run grow.py --max-memory 64M", 1).file(
        "grow.py",
        "rows = []\nwhile True:\n    rows.append([0.0] * 1000)\n",
    ));
    v.push(case("input_too_large", "run /dev/zero", 1));
    v.push(
        case("output_overwrites_input", "render out-1.dot -o out.dot", 1).file(
            "out-1.dot",
            "a = Value(2.0)\nb = a * a\ndraw_dot(a)\ndraw_dot(b)\n",
        ),
    );
    v.push(
        case("output_too_large", "render bomb.py -o out.dot", 1).file(
            "bomb.py",
            "s = 'x'\nfor i in range(24):\n    s = s + s\nt = sum(Value(float(i), label=s) for i in range(300))\n",
        ),
    );
    v.push(
        case("too_large_to_draw", "render bomb.py -o out.svg", 1).file(
            "bomb.py",
            "s = 'x'\nfor i in range(24):\n    s = s + s\nt = sum(Value(float(i), label=s) for i in range(300))\n",
        ),
    );
    v.push(
        case("process_memory", "steps wide.py -o steps --max-memory 128M", 1).file(
            "wide.py",
            "s = 'x' * 3000\nt = Value(0.0)\nfor i in range(750):\n    t = t + Value(1.0, label=s)\nt.backward()\n",
        ),
    );
    v.push(
        case("max_nodes", "run chain.py --max-nodes 4", 1)
            .file("chain.py", "a = Value(1.0)\na = a * 2\na = a * 2\n"),
    );
    v.push(Case {
        files: vec![(
            "latin1.py",
            b"a = Value(1.0, label='\xe9')\n".to_vec(),
            Some("(`é` saved as Latin-1: the byte 0xE9)"),
        )],
        ..case("not_utf8", "run latin1.py", 1)
    });
    v.push(
        case("prints_before_the_error", "run before.py", 1)
            .file("before.py", "print('before')\nx = 1 / 0\nprint('after')\n"),
    );
    v
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

const OK: &str = "a = Value(2.0, label='a')\nb = a * a\nb.backward()\n";
const TWO: &str = "a = Value(2.0)\ndraw_dot(a)\nb = a * a\ndraw_dot(b)\n";

/// The command-line errors: files, options, tools.
fn cli_cases() -> Vec<Case> {
    vec![
        case("unreadable", "render no/such/script.py", 1),
        case("nothing_to_draw", "render - < plain.py", 1).file("plain.py", "x = 1.0\n"),
        case("output_folder_missing", "render ok.py -o missing/ok.svg", 1).file("ok.py", OK),
        Case {
            read_only: Some("ro"),
            ..case("output_folder_read_only", "render ok.py -o ro/ok.svg", 1).file("ok.py", OK)
        },
        case("output_is_input", "render ok.py -f dot -o ok.py", 2).file("ok.py", OK),
        case("format_from_extension", "render ok.py -o ok.pdf", 2).file("ok.py", OK),
        case("unknown_format", "render ok.py --format bmp", 2).file("ok.py", OK),
        case("format_disagrees", "render ok.py -o ok.svg --format png", 2).file("ok.py", OK),
        case(
            "highlight_missing",
            "render ok.py -o ok.svg --highlight z",
            2,
        )
        .file("ok.py", OK),
        case("bad_rankdir", "render ok.py --rankdir XY", 2).file("ok.py", OK),
        case("bad_number_option", "render ok.py --max-nodes many", 2).file("ok.py", OK),
        case("bad_scale", "render ok.py -o ok.png --scale 0", 2).file("ok.py", OK),
        case("no_such_diagram", "render two.py --diagram 3", 2).file("two.py", TWO),
        case("several_images_on_stdout", "render two.py -f svg", 2).file("two.py", TWO),
        case("unknown_command", "draw ok.py", 2),
        case("steps_output_not_a_folder", "steps ok.py -o ok.py", 2).file("ok.py", OK),
        case(
            "layout_too_large",
            "render ok.py -o ok.svg --max-layout-nodes 1",
            1,
        )
        .file("ok.py", OK),
        case(
            "layout_timeout",
            "render chain.py -o chain.svg --layout-timeout 0",
            1,
        )
        .file(
            "chain.py",
            &format!("x = Value(0.5, label='x')\ny = {}x\n", "x * ".repeat(40)),
        ),
        Case {
            env: &[("PATH", "/nonexistent")],
            ..case("dot_missing", "render ok.py -o ok.svg --engine dot", 1).file("ok.py", OK)
        },
        case("gradcheck_bad_h", "gradcheck ok.py --h 0", 2).file("ok.py", OK),
        case("plot_syntax", "plot \"3*x**\"", 1),
        case("plot_range", "plot \"x**2\" --from 1 --to -1", 2),
        case("notes_block_fails", "notes notes.md -o out.md", 1).file(
            "notes.md",
            "# Notes\n\nSome text.\n\n```micrograd\na = Value(1.0)\nb = a ** a\n```\n",
        ),
        case("notes_unreadable", "notes missing.md", 1),
        case(
            "notes_layout_too_large",
            "notes notes.md -o out.md --max-layout-nodes 1",
            1,
        )
        .file("notes.md", "```micrograd\na = Value(1.0) * 2\n```\n"),
        case(
            "train_data_for_lecture",
            "train lecture --data points.csv",
            2,
        )
        .file("points.csv", "x,y,label\n0.1,0.2,1\n-0.3,0.4,0\n"),
        case("train_zero_steps", "train moons --steps 0", 2),
        case("train_bad_rate", "train moons --lr 0", 2),
        case("csv_missing", "train moons --data nofile.csv", 1),
        case("csv_not_a_number", "train moons --data points.csv", 1)
            .file("points.csv", "x,y,label\n0.1,0.2,1\n0.3,oops,0\n"),
        case("csv_fields", "train moons --data points.csv", 1).file("points.csv", "0.1,0.2\n"),
        case("csv_label", "train moons --data points.csv", 1)
            .file("points.csv", "0.1,0.2,1\n0.3,0.4,2\n"),
        case("csv_not_finite", "train moons --data points.csv", 1)
            .file("points.csv", "0.1,inf,1\n"),
        case("csv_no_rows", "train moons --data points.csv", 1).file("points.csv", "x,y,label\n"),
        case("csv_one_class", "train moons --data points.csv", 1)
            .file("points.csv", "0.1,0.2,1\n0.3,0.4,1\n"),
    ]
}

/// What numbers do at the edges: printed output, exit code 0 (or an error).
fn number_cases() -> Vec<Case> {
    let s = |name, file, text: &str| case(name, "", 0).file(file, text);
    let mut v = vec![
        s(
            "number_inf_literal",
            "inf.py",
            "x = 1e309\nprint(x, -x, 1e308 * 10)\na = Value(1e309)\nprint(a, a * 2)\n",
        ),
        s(
            "number_negative_zero",
            "zero.py",
            "x = -0.0\nprint(x, x + 0.0, -0)\na = Value(-0.0)\nprint(a, f'{a.data:.4f}')\n",
        ),
        s(
            "number_nan",
            "nan.py",
            "import math\nprint(math.nan, math.inf)\na = Value(math.nan)\nprint(a, a + 1)\n",
        ),
        s(
            "number_big_ints",
            "ints.py",
            "print(2**53 + 1, 9223372036854775807)\na = Value(2**53 + 1)\nprint(a.data, a)\n",
        ),
    ];
    for c in &mut v {
        c.command = leak(format!("run {}", c.files[0].0));
    }
    v
}

fn split_command(command: &str) -> (Vec<String>, Option<&str>) {
    let (command, stdin) = match command.split_once(" < ") {
        Some((c, f)) => (c, Some(f)),
        None => (command, None),
    };
    let mut args = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in command.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            ' ' if !quoted => {
                if any {
                    args.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            c => {
                cur.push(c);
                any = true;
            }
        }
    }
    if any {
        args.push(cur);
    }
    (args, stdin)
}

/// Lines longer than 300 characters (nesting and operator limits) lose their
/// middle in the page.
fn cut(text: &str) -> String {
    text.split('\n')
        .map(|l| {
            let n = l.chars().count();
            if n > 300 {
                let head: String = l.chars().take(60).collect();
                let tail: String = l.chars().skip(n - 30).collect();
                format!("{head} … {tail}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs a case; `None` when it cannot run here (a read-only folder as root).
fn run_case(c: &Case) -> Option<common::Run> {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes, _) in &c.files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    if let Some(ro) = c.read_only {
        use std::os::unix::fs::PermissionsExt;
        let p = dir.path().join(ro);
        std::fs::create_dir(&p).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o555)).unwrap();
        if std::fs::write(p.join("probe"), "x").is_ok() {
            return None;
        }
    }
    let (args, stdin) = split_command(c.command);
    let input = stdin.map_or(Vec::new(), |f| std::fs::read(dir.path().join(f)).unwrap());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    Some(common::gradviz_in(dir.path(), &args, c.env, &input))
}

/// The page's text for a case.
fn case_markdown(c: &Case, r: &common::Run) -> String {
    let mut md = String::new();
    for (name, bytes, shown) in &c.files {
        if let Some(shown) = shown {
            md.push_str(&format!("`{name}`: {shown}\n\n"));
            continue;
        }
        let lang = match name.rsplit('.').next() {
            Some("py") => "python",
            Some("md") => "markdown",
            Some(other) => other,
            None => "text",
        };
        let text = String::from_utf8(bytes.clone()).unwrap();
        let fence = if text.contains("```") { "````" } else { "```" };
        md.push_str(&format!(
            "`{name}`:\n\n{fence}{lang}\n{}{fence}\n\n",
            cut(&text)
        ));
    }
    let env: String = c.env.iter().map(|(k, v)| format!("{k}={v} ")).collect();
    md.push_str(&format!(
        "```console\n$ {env}gradviz {}\n{}{}```\n\nExit code {}.\n",
        c.command,
        cut(&r.stdout),
        cut(&r.stderr),
        c.code
    ));
    md
}

fn all_cases() -> Vec<Case> {
    let mut v = script_cases();
    v.extend(cli_cases());
    v.extend(number_cases());
    v
}

#[test]
fn the_error_catalogue_is_up_to_date() {
    let page_path = common::path("docs/errors.md");
    let mut page = std::fs::read_to_string(&page_path).unwrap_or_default();
    let update = std::env::var("GRADVIZ_UPDATE_DOCS").is_ok_and(|v| v == "1");
    let mut stale = Vec::new();
    let cases = all_cases();
    for c in &cases {
        let Some(r) = run_case(c) else {
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED catalogue case {}: running as root, permissions do not stop writes",
                c.name
            );
            continue;
        };
        assert_eq!(
            r.code, c.code,
            "{}: exit code\n{}{}",
            c.name, r.stdout, r.stderr
        );
        assert!(!r.stderr.contains("panicked"), "{}: no panic", c.name);
        if c.code != 0 {
            assert!(
                r.stderr.starts_with("error: "),
                "{}: one-line cause first",
                c.name
            );
            common::snapshot(&format!("error_{}", c.name), &r.stderr);
        } else {
            assert!(r.stderr.is_empty(), "{}: {}", c.name, r.stderr);
        }
        let begin = format!("<!-- case {} -->\n", c.name);
        let end = "<!-- end case -->";
        let want = case_markdown(c, &r);
        let Some(at) = page.find(&begin) else {
            stale.push(format!(
                "{}: no `{}` in docs/errors.md",
                c.name,
                begin.trim()
            ));
            continue;
        };
        let from = at + begin.len();
        let to = from + page[from..].find(end).expect("an end marker");
        if page[from..to] != want {
            if update {
                page.replace_range(from..to, &want);
            } else {
                stale.push(format!(
                    "{}: the page shows\n{}\nbut now it is\n{}",
                    c.name,
                    &page[from..to],
                    want
                ));
            }
        }
    }
    // Every example of the page is a case.
    for line in page.lines().filter(|l| l.starts_with("<!-- case ")) {
        let name = line
            .trim_start_matches("<!-- case ")
            .trim_end_matches(" -->");
        assert!(
            cases.iter().any(|c| c.name == name),
            "docs/errors.md: unknown case {name}"
        );
    }
    if update {
        std::fs::write(&page_path, &page).unwrap();
    }
    assert!(
        stale.is_empty(),
        "docs/errors.md is out of date (GRADVIZ_UPDATE_DOCS=1 cargo test --test errors rewrites it):\n{}",
        stale.join("\n")
    );
}

/// The number edge cases the page documents, spelled out.
#[test]
fn number_literal_edge_cases() {
    let run = |src: &str| gradviz_stdin(&["run", "-"], src);
    // 1e309 is inf, as in Python; inf flows through Values without an error.
    let r = run("print(1e309, -1e309)\nprint(Value(1e309) * 2)\n");
    assert_eq!(r.stdout, "inf -inf\nValue(data=inf, grad=0)\n");
    // -0.0 keeps its sign, as in Python; an int has none.
    let r = run("print(-0.0, Value(-0.0), -0)\n");
    assert_eq!(r.stdout, "-0.0 Value(data=-0.0, grad=0) 0\n");
    let r = gradviz_stdin(&["render", "-"], "a = Value(-0.0, label='z')\n");
    assert!(r.stdout.contains("{ z | data -0.0000 }"), "{}", r.stdout);
    // float('nan') is nan, as math.nan.
    assert_eq!(run("print(float('nan'))\n").stdout, "nan\n");
    assert_eq!(
        run("import math\nprint(Value(math.nan))\n").stdout,
        "Value(data=nan, grad=0)\n"
    );
    // Ints are 64-bit: exact up to 2**63 - 1, an error beyond; a Value
    // holds an f64, exact up to 2**53.
    let r = run("print(2**53 + 1, 9223372036854775807)\nprint(Value(2**53 + 1).data)\n");
    assert_eq!(
        r.stdout,
        "9007199254740993 9223372036854775807\n9007199254740992\n"
    );
    assert!(
        run("x = 10**400\n")
            .stderr
            .starts_with("error: OverflowError: integer overflow\n")
    );
    assert!(
        run("x = 2**63\n")
            .stderr
            .starts_with("error: OverflowError: integer overflow\n")
    );
    assert!(
        run("x = 9223372036854775808\n")
            .stderr
            .starts_with("error: OverflowError: integer literal too large")
    );
    assert!(
        run("x = 10.0**400\n")
            .stderr
            .starts_with("error: OverflowError: numerical result out of range\n")
    );
}
