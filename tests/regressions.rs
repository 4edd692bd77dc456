//! Inputs that once crashed gradviz or differed from Python, kept as tests.

mod common;
use common::{gradviz_stdin, ok_stdin};

fn fails_cleanly(script: &str) -> String {
    let r = gradviz_stdin(&["run", "-"], script);
    assert_eq!(r.code, 1, "{script:?}: {}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.starts_with("error: ") && !r.stderr.contains("panicked"),
        "{}",
        r.stderr
    );
    r.stderr
}

#[test]
fn f_string_error_positions_with_escaped_braces_and_multibyte_text() {
    let e = fails_cleanly("print(f'{{é\\xZZ')\n");
    assert!(e.contains(" --> <stdin>:1:14"), "{e}");
    let e = fails_cleanly("print(f'{{}}{{\\xZZ')\n");
    assert!(e.contains(" --> <stdin>:1:17"), "{e}");
}

#[test]
fn f_string_fields_with_comments_or_nothing() {
    fails_cleanly("print(f'{#}')\n");
    fails_cleanly("print(f'{ #}')\n");
    fails_cleanly("print(f'{\\\n}')\n");
    fails_cleanly("print(f'{}')\n");
    fails_cleanly("x = 1\nprint(f'{x#}')\n");
}

#[test]
fn f_string_spacing_and_debug_fields() {
    assert_eq!(
        ok_stdin(&["run", "-"], "x = 3\nprint(f'{ x } {x = } {x=:>3}')\n"),
        "3 x = 3 x=  3\n"
    );
    assert_eq!(
        ok_stdin(&["run", "-"], "x = 1\nprint('a' f'{x}' 'b')\n"),
        "a1b\n"
    );
}

#[test]
fn many_arguments_are_linear() {
    let script = format!("print({}1)\n", "1,".repeat(200_000));
    let out = ok_stdin(&["run", "-"], &script);
    assert_eq!(out.len(), 200_001 * 2);
}

#[test]
fn draw_dot_copies_count_against_the_node_limit() {
    let script = "a = Value(1.0)\n".to_string()
        + &"a = a + 1\n".repeat(1_000)
        + &"draw_dot(a)\n".repeat(100);
    let r = gradviz_stdin(&["run", "-", "--max-nodes", "100000"], &script);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("passed the limit of 100000"),
        "{}",
        r.stderr
    );
}

#[test]
fn doubling_a_string_stops_at_a_limit() {
    let script = "s = 'ab'\n".to_string() + &"s = s + s\n".repeat(40);
    let e = fails_cleanly(&script);
    assert!(
        e.contains("MemoryError") && e.contains("more than scripts may build"),
        "{e}"
    );
}

#[test]
fn big_ints_print_their_value() {
    // Ints are stored as f64: exact up to 2**53, printed as the float's
    // exact integer value beyond (powers of two stay exact).
    assert_eq!(
        ok_stdin(&["run", "-"], "a = Value(2)\nb = a**70\nprint(b)\n"),
        "Value(data=1180591620717411303424, grad=0)\n"
    );
}

#[test]
fn an_empty_label_is_unlabelled_for_auto_labels() {
    let out = ok_stdin(
        &["run", "-"],
        "a = Value(1.0, label='')\nb = Value(2.0)\nb.label = ''\nc = b\nprint(repr(a.label), repr(c.label))\n",
    );
    assert_eq!(out, "'a' 'c'\n");
}

#[test]
fn repr_of_strings_is_pythons() {
    let out = ok_stdin(
        &["run", "-"],
        "print(repr(\"it's\"), repr('a\\tb'), repr('x\\x00'))\n",
    );
    assert_eq!(out, "\"it's\" 'a\\tb' 'x\\x00'\n");
}

#[test]
fn bom_form_feed_and_crlf_are_read_as_python_reads_them() {
    let out = ok_stdin(
        &["run", "-"],
        "\u{feff}a = 1\r\n\x0cb = '''x\r\ny'''\r\nprint(a, repr(b))\r\n",
    );
    assert_eq!(out, "1 'x\\ny'\n");
}

#[test]
fn messages_name_the_problem() {
    assert!(
        fails_cleanly("a = Value(1.0)\ndraw_dot(a, a)\n").contains("draw_dot() takes one Value")
    );
    assert!(fails_cleanly("f = open('x')\n").contains("scripts run sandboxed"));
    assert!(fails_cleanly("a = Value(1.0)\na.label = 3\n").contains("not an int"));
    let e = fails_cleanly("a = Value(1.0)\nprint(a, foo=2)\n");
    assert!(
        e.contains("print() got an unexpected keyword argument 'foo'"),
        "{e}"
    );
    assert_eq!(
        ok_stdin(&["run", "-"], "print('\\N{BULLET}')\n"),
        "\u{2022}\n"
    );
}

#[test]
fn output_files_get_normal_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("g.dot");
    let r = gradviz_stdin(
        &["render", "-", "-o", out.to_str().unwrap()],
        "a = Value(1.0)\n",
    );
    assert_eq!(r.code, 0);
    let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
    assert_ne!(mode, 0o600, "not the temporary file's private mode");
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o640)).unwrap();
    let r = gradviz_stdin(
        &["render", "-", "-o", out.to_str().unwrap()],
        "a = Value(2.0)\n",
    );
    assert_eq!(r.code, 0);
    assert_eq!(
        std::fs::metadata(&out).unwrap().permissions().mode() & 0o777,
        0o640
    );
}

#[test]
fn review_findings() {
    // -0 is not an int in Python.
    assert_eq!(
        ok_stdin(&["run", "-"], "a = Value(0)\nprint(-a)\n"),
        "Value(data=0, grad=0)\n"
    );
    // The plot expression cannot break out of its wrapper.
    let r = common::gradviz(&["plot", "1); draw_dot(Value(2.0)); y = (x"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = common::gradviz(&["plot", "x", "--from", "-1e308", "--to", "1e308"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    // notes: a block at the end of a file without a newline, and printed
    // output that quotes the end marker or fences, stay idempotent.
    let dir = tempfile::tempdir().unwrap();
    let md = dir.path().join("e.md");
    std::fs::write(
        &md,
        "```micrograd\na = Value(2.0)\nprint('<!-- gradviz:end -->')\nprint('~~~~ and ```')\n```",
    )
    .unwrap();
    let once = dir.path().join("1.md");
    let twice = dir.path().join("2.md");
    assert_eq!(
        common::gradviz(&["notes", md.to_str().unwrap(), "-o", once.to_str().unwrap()]).code,
        0
    );
    assert_eq!(
        common::gradviz(&[
            "notes",
            once.to_str().unwrap(),
            "-o",
            twice.to_str().unwrap()
        ])
        .code,
        0
    );
    assert_eq!(
        std::fs::read_to_string(&once).unwrap(),
        std::fs::read_to_string(&twice).unwrap()
    );
}

#[test]
fn bad_numbers_in_flags_are_usage_errors_up_front() {
    let r = common::gradviz(&[
        "render",
        "fixtures/add_self.py",
        "-f",
        "png",
        "--scale",
        "0",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = common::gradviz(&["train", "lecture", "--steps", "0"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

/// `gradviz notes` on `markdown`, then on its own output: both runs exit
/// cleanly, and when the first succeeds the second gives the same text.
fn notes_twice(markdown: &str) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let paths = ["in.md", "1.md", "2.md"].map(|f| dir.path().join(f));
    std::fs::write(&paths[0], markdown).unwrap();
    let mut outputs = Vec::new();
    for w in paths.windows(2) {
        let r = common::gradviz(&[
            "notes",
            w[0].to_str().unwrap(),
            "-o",
            w[1].to_str().unwrap(),
        ]);
        assert!(!r.stderr.contains("panicked"), "{markdown:?}: {}", r.stderr);
        if outputs.is_empty() && r.code == 1 {
            return None;
        }
        assert_eq!(r.code, 0, "{markdown:?}: {}", r.stderr);
        outputs.push(std::fs::read_to_string(&w[1]).unwrap());
    }
    assert_eq!(outputs[0], outputs[1], "idempotent: {markdown:?}");
    outputs.pop()
}

#[test]
fn fuzz_notes_unclosed_blocks_are_closed_before_the_region() {
    // The region used to land inside the still-open block, so the second
    // run failed on it as code. Found by the `notes` fuzz target.
    let out = notes_twice("```micrograd\na = Value(2.0)\nprint(\"```\")").unwrap();
    assert!(
        out.starts_with("```micrograd\na = Value(2.0)\nprint(\"```\")\n```\n\n<!-- gradviz:begin"),
        "{out}"
    );
    notes_twice("```micrograd\n");
    notes_twice("~~~~micrograd\na = Value(1.0)\n\n\n");
    let out = notes_twice("> ```micrograd\n> a = Value(1.0)\n\npara\n").unwrap();
    assert!(out.contains("> a = Value(1.0)\n> ```\n"), "{out}");
    notes_twice("- ```micrograd\n  a = Value(1.0)\n- b\n");
    notes_twice("> - ```micrograd\n>   a = Value(1.0)\n> b\n");
}

#[test]
fn fuzz_notes_block_inside_an_old_region_is_not_run() {
    // A micrograd block inside the region being replaced panicked (a
    // slice past the text already copied). Found by the `notes` fuzz target.
    let out = notes_twice(
        "kpr\n```micrograd gd)\n```\n<!-- gradviz:begin -->\n\n```micrograd\n```\n\n<!-- gradviz:end -->\n",
    )
    .unwrap();
    assert_eq!(out.matches("```micrograd").count(), 1, "{out}");
}

#[test]
fn fuzz_notes_region_ends_only_at_a_marker_the_markdown_has() {
    // An open `~~~` fence in an old region hid the end marker and a block
    // after it; replacing the region showed the block, so the second run
    // found code it had not run. A region now ends only at an end marker
    // that is an HTML block in the code block's own list item or quote.
    // Found by the `notes` fuzz target.
    let md =
        "#\n```micrograd \n```\n\n<!-- gradviz:begin-->'\n ~~~\n<!-- gradviz:end -->\n```micrograd";
    let out = notes_twice(md).unwrap();
    assert!(
        out.ends_with(" ~~~\n<!-- gradviz:end -->\n```micrograd"),
        "{out}"
    );
    notes_twice(
        "```micrograd\na = Value(1.0)\n```\n<!-- gradviz:begin -->\n<div>\n<!-- gradviz:end -->\n```micrograd\nb = 1\n```\n",
    );
    notes_twice(
        "- ```micrograd\n  a = Value(1.0)\n  ```\n\n  <!-- gradviz:begin -->\n- <!-- gradviz:end -->\n  ```micrograd\n  b = 1\n  ```\n",
    );
}

#[test]
fn fuzz_notes_indented_fence_keeps_its_region() {
    // With the fence indented, the region's end marker was indented too and
    // not recognised: every run added another region. Found by the `notes`
    // fuzz target.
    let out = notes_twice(" ~~~micrograd").unwrap();
    assert_eq!(out.matches("gradviz:begin").count(), 1, "{out}");
    notes_twice("   ```micrograd\n   a = Value(1.0)\n   ```\n");
    notes_twice("- a\n\n   ```micrograd\n   a = Value(1.0)\n   ```\n");
}

#[test]
fn fuzz_noncharacters_in_labels_keep_the_svg_well_formed() {
    // U+FFFE and U+FFFF went into the SVG as they were, and XML cannot hold
    // them: the SVG did not parse (and a PNG could not be made). They are
    // now written as Python writes them. Found while fuzzing the renderers.
    let script = "a = Value(1.0, label='x\\ufffey\\uffff')\nb = a * 2\ndraw_dot(b)\n";
    let (texts, svg) = embedded_svg_texts(script);
    assert!(texts.iter().any(|t| t == "x\\ufffey\\uffff"), "{svg}");
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("b.png");
    let r = gradviz_stdin(&["render", "-", "-o", png.to_str().unwrap()], script);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn fuzz_notes_prefix_after_a_quote_marker_without_space() {
    // `>+ ` continued as `>  `, whose space the quote marker takes: the
    // inserted lines fell out of the list item, and each run added another
    // region. Found by the `notes` fuzz target.
    let out = notes_twice(">+ ```py gradviz").unwrap();
    assert_eq!(out.matches("gradviz:begin").count(), 1, "{out}");
    notes_twice(">+ ```micrograd\n>   a = Value(1.0)\n>   ```\n");
    notes_twice(">>- ```micrograd\n>> a = Value(1.0)\n");
    notes_twice("> - > ```micrograd\n");
}

#[test]
fn fuzz_entities_in_labels_show_as_written() {
    // Graphviz reads `&...;` in labels as entities: `&#0;` cut the label
    // short and `&amp;` showed as `&`. `&` is now written as `&amp;`.
    // Found by the `render` fuzz target.
    let script = "a = Value(1.0, label='&#0; &amp; &alpha; a&b')\nb = a * 2\ndraw_dot(b)\n";
    let (texts, svg) = embedded_svg_texts(script);
    assert!(
        texts.iter().any(|t| t.trim() == "&#0; &amp; &alpha; a&b"),
        "{svg}"
    );
}

/// The texts of the `<text>` elements of `script`'s diagram, laid out by the
/// embedded engine (the SVG must parse), and the SVG.
fn embedded_svg_texts(script: &str) -> (Vec<String>, String) {
    let r = gradviz_stdin(
        &["render", "-", "-f", "svg", "--engine", "embedded"],
        script,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = roxmltree::Document::parse_with_options(&r.stdout, options)
        .unwrap_or_else(|e| panic!("invalid SVG: {e}"));
    let texts = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(str::to_string))
        .collect();
    (texts, r.stdout)
}

/// `gradviz ARGS` with `input` on stdin, killed if it runs longer than
/// `limit` (then the test fails instead of hanging); the run and how long
/// it took.
fn gradviz_within(
    args: &[&str],
    input: &str,
    limit: std::time::Duration,
) -> (common::Run, std::time::Duration) {
    use std::io::{Read, Write};
    use std::process::{Command, Stdio};
    let start = std::time::Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_gradviz"))
        .args(args)
        .current_dir(common::root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("gradviz starts");
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let input = input.to_string();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(input.as_bytes());
    });
    let reader = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        })
    };
    let stdout = reader(Box::new(child.stdout.take().expect("stdout is piped")));
    let stderr = reader(Box::new(child.stderr.take().expect("stderr is piped")));
    let status = loop {
        if let Some(status) = child.try_wait().expect("gradviz runs") {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("gradviz {args:?} still ran after {limit:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let elapsed = start.elapsed();
    let _ = writer.join();
    let run = common::Run {
        code: status.code().unwrap_or(-1),
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    };
    (run, elapsed)
}

#[test]
fn fuzz_script_int_base_out_of_range() {
    // `int(s, base)` passed any base to `i64::from_str_radix`, which panics
    // outside 2..=36: `int('1', 99)` and Python's `int(s, 0)` crashed the
    // runner. Found while fuzzing the `script` target.
    for script in [
        "print(int('1', 99))\n",
        "print(int('1', 1))\n",
        "print(int('1', -1))\n",
    ] {
        let e = fails_cleanly(script);
        assert!(
            e.contains("ValueError") && e.contains("int() base must be >= 2 and <= 36, or 0"),
            "{script:?}: {e}"
        );
    }
    // Base 0 reads the prefix, as Python does.
    assert_eq!(
        ok_stdin(
            &["run", "-"],
            "print(int('0x10', 0), int('0b11', 0), int('17', 0), int('z', 36))\n"
        ),
        "16 3 17 35\n"
    );
}

#[test]
fn fuzz_script_range_iteration_at_the_int_limit() {
    // A range iterator stepped past i64::MAX: a panic with overflow checks,
    // without them a wrapped value (negative) that kept the loop going.
    // Found while fuzzing the `script` target.
    let run = |script: &str| ok_stdin(&["run", "-", "--timeout", "10"], script);
    assert_eq!(
        run("for i in range(9223372036854775806, 9223372036854775807, 2):\n    print(i)\n"),
        "9223372036854775806\n"
    );
    assert_eq!(
        run("print([i for i in range(9223372036854775800, 9223372036854775807, 5)])\n"),
        "[9223372036854775800, 9223372036854775805]\n"
    );
    assert_eq!(
        run("print(list(iter(range(-9223372036854775807, -9223372036854775807 - 1, -3))))\n"),
        "[-9223372036854775807]\n"
    );
}

#[test]
fn fuzz_script_enumerate_past_the_int_limit() {
    // `enumerate` counted with a plain `+= 1`: a panic with overflow checks,
    // without them the second index was -9223372036854775808. Python's ints
    // go on; gradviz's are 64-bit, so that index is an OverflowError (and
    // the first one, which fits, is fine). Found while fuzzing the `script`
    // target.
    assert_eq!(
        ok_stdin(
            &["run", "-"],
            "print(list(enumerate('a', 9223372036854775807)))\n"
        ),
        "[(9223372036854775807, 'a')]\n"
    );
    let e = fails_cleanly("print(list(enumerate('ab', 9223372036854775807)))\n");
    assert!(e.contains("OverflowError"), "{e}");
}

#[test]
fn fuzz_script_slice_step_past_the_int_limit() {
    // The slice's index was stepped with a plain `+=`, past i64::MAX for a
    // start of 1 or more and a huge step: a panic with overflow checks,
    // without them a wrapped index and an index-out-of-bounds panic.
    // Found while fuzzing the `script` target.
    assert_eq!(
        ok_stdin(
            &["run", "-"],
            "print([1, 2, 3][1::9223372036854775807], 'abc'[1::9223372036854775807], (1, 2, 3)[2::9223372036854775807])\n"
        ),
        "[2] b (3,)\n"
    );
    assert_eq!(
        ok_stdin(
            &["run", "-"],
            "a = [1, 2, 3]\na[1::9223372036854775807] = [9]\nprint(a)\ndel a[1::9223372036854775807]\nprint(a)\n"
        ),
        "[1, 9, 3]\n[1, 3]\n"
    );
}

#[test]
fn fuzz_script_builtins_over_long_ranges_stop_at_the_timeout() {
    // `sum`, `any`/`all` and `in` loop over an iterator without counting
    // steps, and a range iterator never counts them: these ran until the
    // process was killed, whatever `--timeout` said. Found while checking
    // that the `script` fuzz target bounds its runs.
    for script in [
        "print(all(range(1, 10**18)))\n",
        "print(sum(range(10**18)))\n",
        "print(-1 in iter(range(10**18)))\n",
    ] {
        let (r, _) = gradviz_within(
            &["run", "-", "--timeout", "1"],
            script,
            std::time::Duration::from_secs(20),
        );
        assert_eq!(r.code, 1, "{script:?}: {}", r.stderr);
        assert!(
            r.stderr.starts_with("error: TimeoutError") && !r.stderr.contains("panicked"),
            "{script:?}: {}",
            r.stderr
        );
    }
}

#[test]
fn fuzz_script_timeout_is_checked_between_heavy_steps() {
    // The clock was read every 1024 loop steps or calls, however long each
    // step took, and never in code outside loops and calls: with steps of
    // tens of milliseconds `--timeout 1` stopped a script after a minute or
    // more. Found while checking that the `script` fuzz target bounds its
    // runs.
    for script in [
        "for i in range(100000):\n    x = [0] * 4000000\n".to_string(),
        "x = [0] * 4000000\n".repeat(2000),
    ] {
        let (r, took) = gradviz_within(
            &["run", "-", "--timeout", "1"],
            &script,
            std::time::Duration::from_secs(20),
        );
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(
            r.stderr.starts_with("error: TimeoutError") && !r.stderr.contains("panicked"),
            "{}",
            r.stderr
        );
        assert!(
            took < std::time::Duration::from_secs(10),
            "stopped after {took:?}"
        );
    }
}

#[test]
fn fuzz_script_reference_cycles_are_freed_after_a_script() {
    // A function holds its module's globals and the globals hold the
    // function: every script with a `def` (or a lambda, a generator, a
    // list that holds itself, `from micrograd import nn`) leaked all its
    // globals. `gradviz notes` runs its blocks in one process, so the
    // memory of earlier blocks counted against `--max-memory` of later
    // ones (each block here holds about 32 MB). Found by the `script` fuzz
    // target (LeakSanitizer).
    let block = "```micrograd\nx = [0] * 2000000\ndef f():\n    pass\n```\n\n";
    let r = gradviz_stdin(&["notes", "-", "--max-memory", "160M"], &block.repeat(10));
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
#[ignore = "open: reference cycles that do not go through module globals are not collected yet (CPython's gc collects them); fuzz/README.md"]
fn fuzz_script_cycles_through_closures_and_objects_are_freed() {
    // Freeing the module globals at the end of a session (above) leaves the
    // cycles that do not go through them: a nested function that calls
    // itself holds the cell that holds it (the `build` of the lecture's
    // `trace`; found by the `script` fuzz target, LeakSanitizer, from the
    // seed `lang_lecture_trace.py`), and a list or object can hold itself.
    // Each block below holds about 32 MB in such a cycle; they all stayed
    // allocated, so a later block ran out of `--max-memory`.
    for block in [
        "def t():\n    big = [0] * 2000000\n    def b():\n        return b, big\n    return 0\nt()\n",
        "a = [[0] * 2000000]\na.append(a)\n",
        "class N:\n    pass\nn = N()\nn.me = n\nn.big = [0] * 2000000\n",
    ] {
        let block = format!("```micrograd\n{block}```\n\n");
        let r = gradviz_stdin(&["notes", "-", "--max-memory", "160M"], &block.repeat(10));
        assert_eq!(r.code, 0, "{block}: {}", r.stderr);
    }
}

/// Review finding: a release that compacted the graph moved a kept node
/// into a slot whose dropped node had a label, beyond the end of the label
/// table, and the kept node showed that label (and was no longer
/// auto-labelled).
#[test]
fn review_compaction_does_not_hand_a_dropped_label_to_a_kept_node() {
    let script = "a = Value(1.0)\ntmp = [a * a]\ntmp[0].label = 'tmp'\ntmp = None\n\
                  keep = [a + a]\nfor i in range(70000):\n    a + a\n\
                  print(repr(keep[0].label))\nb = keep[0]\nprint(repr(b.label))\n";
    let r = gradviz_stdin(&["run", "-"], script);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "''\n'b'\n");
}

/// Found by the `script` fuzz target in CI's smoke run (`super()\n`):
/// `super()` outside every function indexed the compiler's scopes from 1
/// to 0 and panicked. As CPython: `RuntimeError: super(): no arguments`
/// where no function encloses it, `__class__ cell not found` in a function
/// outside a class — raised when it runs, not when it is compiled.
#[test]
fn fuzz_super_outside_a_method_is_a_runtime_error_when_it_runs() {
    for (script, message) in [
        ("super()\n", "no arguments"),
        ("class A:\n    super()\n", "no arguments"),
        (
            "def f(x):\n    return super()\nprint(1)\nf(2)\n",
            "__class__ cell not found",
        ),
    ] {
        let r = gradviz_stdin(&["run", "-"], script);
        assert_eq!(r.code, 1, "{script}: {}", r.stderr);
        assert!(
            r.stderr
                .starts_with(&format!("error: RuntimeError: super(): {message}")),
            "{script}: {}",
            r.stderr
        );
    }
    // A function that is never called does not fail.
    let r = gradviz_stdin(&["run", "-"], "def f(x):\n    return super()\nprint(1)\n");
    assert_eq!((r.code, r.stdout.as_str()), (0, "1\n"), "{}", r.stderr);
}
