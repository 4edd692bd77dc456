//! `gradviz notes` and `gradviz mdbook` through the command line: blocks in
//! lists and quotes, untouched non-micrograd text, idempotence, unchanged
//! SVGs left alone, error positions, the worked lecture in `docs/`, and a
//! real `mdbook build` (when mdbook is installed, or required by
//! GRADVIZ_REQUIRE_TOOLS=1).

mod common;
use std::io::Write;
use std::process::Command;

use common::{gradviz, ok, path};

const NOTES: &str = "# Notes

Some text with `code` and a [link](http://example.com).

```micrograd
a = Value(2.0, label='a')
b = a * a; b.label = 'b'
b.backward()
print(f'{a.grad:.1f}')
```

- a list item whose block is nested:

  ```python gradviz
  x = Value(-1.0, label='x')
  y = x.relu()
  draw_dot(y)
  ```

> a quote
>
> ```micrograd
> z = Value(3.0) + 1
> ```

```python
# plain Python: left alone
print('hello')
```

~~~
```micrograd
not a block: inside another fence
```
~~~

The end.
";

#[test]
fn notes_render_every_micrograd_block_and_leave_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("notes.md");
    let out = dir.path().join("out.md");
    std::fs::write(&input, NOTES).unwrap();
    let r = gradviz(&[
        "notes",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let md = std::fs::read_to_string(&out).unwrap();
    assert_eq!(md.matches("<!-- gradviz:begin").count(), 3, "{md}");
    assert!(md.contains("```text\n4.0\n```"), "printed output: {md}");
    assert!(
        md.contains("\n  ![diagram 1 of block 2](gradviz-assets/gradviz-"),
        "nested in the list: {md}"
    );
    assert!(
        md.contains("\n> ![diagram 1 of block 3](gradviz-assets/gradviz-"),
        "nested in the quote: {md}"
    );
    // Removing the generated regions gives back the input, byte for byte.
    let mut kept: Vec<&str> = Vec::new();
    let mut skipping = false;
    for line in md.split_inclusive('\n') {
        let bare = line.trim_start_matches([' ', '>']);
        if bare.starts_with("<!-- gradviz:begin") {
            skipping = true;
            kept.pop(); // the blank line inserted before the region
            continue;
        }
        if skipping {
            skipping = !bare.starts_with("<!-- gradviz:end -->");
            continue;
        }
        kept.push(line);
    }
    let stripped = kept.concat();
    assert_eq!(stripped, NOTES);
    let svgs: Vec<_> = std::fs::read_dir(dir.path().join("gradviz-assets"))
        .unwrap()
        .collect();
    assert_eq!(svgs.len(), 3);

    // Idempotent, and unchanged blocks do not rewrite their SVGs.
    let svg = std::fs::read_dir(dir.path().join("gradviz-assets"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let before = std::fs::metadata(&svg).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let r = gradviz(&["notes", out.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("0 file(s) written"), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), md);
    assert_eq!(std::fs::metadata(&svg).unwrap().modified().unwrap(), before);
}

#[test]
fn a_failing_block_points_into_the_markdown_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("bad.md");
    std::fs::write(
        &input,
        "# Bad\n\n```micrograd\na = Value(1.0)\nprint(undefined_name)\n```\n",
    )
    .unwrap();
    let out = dir.path().join("out.md");
    let r = gradviz(&[
        "notes",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .starts_with("error: NameError: name 'undefined_name' is not defined"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("bad.md:5:7"),
        "the Markdown line: {}",
        r.stderr
    );
    assert!(r.stderr.contains("micrograd block 1"), "{}", r.stderr);
    assert!(!out.exists());
    assert!(!dir.path().join("gradviz-assets").exists());
}

#[test]
fn notes_take_the_script_runners_options() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("n.md");
    std::fs::write(
        &input,
        "```micrograd\nx = Value(2.0)\ny = x * 3.0\nprint(y.label)\n```\n",
    )
    .unwrap();
    let md = input.to_str().unwrap();
    // To stdout, the diagrams go to --assets: keep them in the temporary
    // folder, not the repository's.
    let assets = dir.path().join("assets");
    let assets = assets.to_str().unwrap();
    let labelled = ok(&["notes", md, "--assets", assets]);
    assert!(labelled.contains("```text\ny\n```"), "{labelled}");
    let plain = ok(&["notes", md, "--no-auto-labels", "--assets", assets]);
    assert!(plain.contains("```text\n\n```"), "{plain}");
    let r = gradviz(&["notes", md, "--max-nodes", "2", "--assets", assets]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("--max-nodes"), "{}", r.stderr);
    assert!(
        r.stderr.contains("n.md:3:"),
        "points into the Markdown: {}",
        r.stderr
    );
}

#[test]
fn mdbook_takes_the_runners_options_from_book_toml() {
    let book = |config: serde_json::Value| {
        serde_json::json!([
            {"root": "/nonexistent", "config": {"book": {"src": "src"}, "preprocessor": {"gradviz": config}}, "renderer": "html", "mdbook_version": "0.4.40"},
            {"sections": [{"Chapter": {"name": "One", "content": "```micrograd\nx = Value(1.0)\ny = x * 2.0\n```\n", "number": [1], "sub_items": [], "path": "one.md"}}], "__non_exhaustive": null}
        ])
        .to_string()
    };
    let r = common::gradviz_stdin(&["mdbook"], &book(serde_json::json!({"max-nodes": 2})));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("--max-nodes"), "{}", r.stderr);
    let r = common::gradviz_stdin(
        &["mdbook"],
        &book(serde_json::json!({"auto-labels": false})),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        !r.stdout.contains(">y</text>"),
        "no auto label `y` in the SVG"
    );
    let r = common::gradviz_stdin(&["mdbook"], &book(serde_json::json!({})));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains(">y</text>"),
        "the auto label `y` by default"
    );
}

#[test]
fn the_worked_lecture_is_up_to_date() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("lecture.md");
    ok(&[
        "notes",
        "docs/lecture.md",
        "-o",
        out.to_str().unwrap(),
        "--assets",
        "lecture-assets",
    ]);
    let fresh = std::fs::read_to_string(&out).unwrap();
    let committed = std::fs::read_to_string(path("docs/lecture.md")).unwrap();
    assert!(
        fresh == committed,
        "docs/lecture.md is out of date: run gradviz notes docs/lecture.md -o docs/lecture.md --assets lecture-assets"
    );
    for entry in std::fs::read_dir(dir.path().join("lecture-assets")).unwrap() {
        let name = entry.unwrap().file_name();
        assert!(
            path("docs/lecture-assets").join(&name).exists(),
            "{name:?} is committed"
        );
    }
    assert!(fresh.matches("<!-- gradviz:begin").count() >= 6);
}

#[test]
fn mdbook_preprocessor_protocol() {
    let r = gradviz(&["mdbook", "supports", "html"]);
    assert_eq!(r.code, 0);
    let book = serde_json::json!([
        {"root": "/nonexistent", "config": {"book": {"src": "src"}, "preprocessor": {"gradviz": {}}}, "renderer": "html", "mdbook_version": "0.4.40"},
        {"sections": [{"Chapter": {"name": "One", "content": "```micrograd\na = Value(1.0) * 2\n```\n", "number": [1], "sub_items": [
            {"Chapter": {"name": "Two", "content": "no code\n", "number": [1, 1], "sub_items": [], "path": "two.md"}}
        ], "path": "one.md"}}], "__non_exhaustive": null}
    ]);
    let r = common::gradviz_stdin(&["mdbook"], &book.to_string());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let one = out["sections"][0]["Chapter"]["content"].as_str().unwrap();
    assert!(one.contains("<div class=\"gradviz\">\n<svg"), "{one}");
    assert_eq!(
        out["sections"][0]["Chapter"]["sub_items"][0]["Chapter"]["content"],
        "no code\n"
    );
}

#[test]
fn a_real_mdbook_build() {
    let has_mdbook = Command::new("mdbook")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_mdbook {
        assert!(
            std::env::var("GRADVIZ_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "GRADVIZ_REQUIRE_TOOLS=1 but mdbook is not installed"
        );
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED a_real_mdbook_build: mdbook is not installed (set GRADVIZ_REQUIRE_TOOLS=1 to require it)"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::write(
        root.join("book.toml"),
        format!(
            "[book]\ntitle = \"gradviz test\"\n\n[preprocessor.gradviz]\ncommand = \"{} mdbook\"\n",
            env!("CARGO_BIN_EXE_gradviz")
        ),
    )
    .unwrap();
    std::fs::write(
        root.join("src/SUMMARY.md"),
        "# Summary\n\n- [Neuron](neuron.md)\n",
    )
    .unwrap();
    let neuron = std::fs::read_to_string(path("fixtures/lecture_neuron.py")).unwrap();
    std::fs::write(
        root.join("src/neuron.md"),
        format!("# Neuron\n\n```micrograd\n{neuron}```\n"),
    )
    .unwrap();
    let out = Command::new("mdbook")
        .arg("build")
        .current_dir(root)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "mdbook build failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(root.join("book/neuron.html")).unwrap();
    assert!(
        html.contains("<div class=\"gradviz\">"),
        "the diagram is in the page"
    );
    assert!(
        html.contains("<svg") && html.contains("grad 0.5000"),
        "with its numbers"
    );
}

/// The blocks of a file run in one session, like notebook cells: a class
/// defined in block 1 is used in block 2; a `fresh` block runs alone; an
/// error in block 3 points at its Markdown line.
#[test]
fn blocks_run_as_one_notebook_session() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("lecture.md");
    let md = "# Neurons\n\n```micrograd\nimport random\nrandom.seed(1)\nclass Neuron:\n    def __init__(self, nin):\n        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]\n        self.b = Value(random.uniform(-1, 1))\n    def __call__(self, x):\n        return sum((wi * xi for wi, xi in zip(self.w, x)), self.b).tanh()\n```\n\nThen:\n\n```micrograd\nn = Neuron(2)\nout = n([2.0, 3.0])\nout.backward()\nprint(f'{out.data:.6f}')\n```\n\n```micrograd fresh\nprint('Neuron' in dir())\n```\n";
    std::fs::write(&input, md).unwrap();
    let r = gradviz(&[
        "notes",
        input.to_str().unwrap(),
        "-o",
        dir.path().join("out.md").to_str().unwrap(),
    ]);
    // `dir()` is not a script built-in: the fresh block fails on its own…
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("micrograd block 3"), "{}", r.stderr);
    assert!(
        r.stderr.contains("lecture.md:24:19"),
        "the Markdown line: {}",
        r.stderr
    );
    // …and with a block that runs, the second block sees the first's class
    // while the fresh one does not.
    let md = md.replace("print('Neuron' in dir())", "n = Neuron(2)");
    std::fs::write(&input, &md).unwrap();
    let r = gradviz(&[
        "notes",
        input.to_str().unwrap(),
        "-o",
        dir.path().join("out.md").to_str().unwrap(),
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("NameError: name 'Neuron' is not defined"),
        "{}",
        r.stderr
    );
    let md = md.replace("```micrograd fresh\nn = Neuron(2)\n```\n", "");
    std::fs::write(&input, &md).unwrap();
    let out = dir.path().join("out.md");
    let r = gradviz(&[
        "notes",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = std::fs::read_to_string(&out).unwrap();
    // What CPython 3.11 prints for the same two cells.
    let python = "0.817624";
    assert!(text.contains(&format!("```text\n{python}\n```")), "{text}");
    // Idempotent: running the output again changes nothing.
    let again = dir.path().join("again.md");
    let r = gradviz(&[
        "notes",
        out.to_str().unwrap(),
        "-o",
        again.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&again).unwrap(), text);
}

/// An `--assets` folder with spaces, parentheses, brackets and quotes is
/// percent-encoded in the links: each diagram stays one image, whose
/// address decodes back to the file written (#16, class 6).
#[test]
fn an_assets_path_cannot_break_the_markdown_link() {
    let dir = tempfile::tempdir().unwrap();
    let md = dir.path().join("n.md");
    std::fs::write(&md, "# t\n\n```micrograd\na = Value(2.0)\nb = a * a\n```\n").unwrap();
    let out = dir.path().join("out.md");
    let assets = "my dir) ![x](evil \"q\" <b>";
    let r = common::gradviz(&[
        "notes",
        md.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--assets",
        assets,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = std::fs::read_to_string(&out).unwrap();
    let images: Vec<String> = pulldown_cmark::Parser::new(&text)
        .filter_map(|e| match e {
            pulldown_cmark::Event::Start(pulldown_cmark::Tag::Image { dest_url, .. }) => {
                Some(dest_url.to_string())
            }
            _ => None,
        })
        .collect();
    assert_eq!(images.len(), 1, "one image: {text}");
    assert!(!text.contains("<b>"), "no markup: {text}");
    let mut bytes = Vec::new();
    let url = images[0].as_bytes();
    let mut i = 0;
    while i < url.len() {
        if url[i] == b'%' {
            let hex = std::str::from_utf8(&url[i + 1..i + 3]).unwrap();
            bytes.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            bytes.push(url[i]);
            i += 1;
        }
    }
    let decoded = String::from_utf8(bytes).unwrap();
    assert!(
        decoded.starts_with(&format!("{assets}/gradviz-")),
        "{decoded}"
    );
    assert!(dir.path().join(&decoded).exists(), "{decoded} was written");
}

/// An error in a block inside a quote or a list item points at the column
/// of the Markdown file, with the line as the file has it (#16, class 6).
#[test]
fn errors_in_quotes_and_list_items_point_at_the_file_columns() {
    let quote = "# t\n\n> ```micrograd\n> a = Value(2.0)\n> b = a * * 3\n> ```\n";
    let r = common::gradviz_stdin(&["notes", "-"], quote);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains(" --> <stdin>:5:11\n"), "{}", r.stderr);
    assert!(r.stderr.contains("5 | > b = a * * 3\n"), "{}", r.stderr);
    assert!(r.stderr.contains("  |           ^^^ here"), "{}", r.stderr);
    let list = "# t\n\n- item\n\n  ```micrograd\n  x = Value(1.0) + \"s\"\n  ```\n";
    let r = common::gradviz_stdin(&["notes", "-"], list);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains(" --> <stdin>:6:7\n"), "{}", r.stderr);
    assert!(
        r.stderr.contains("6 |   x = Value(1.0) + \"s\"\n"),
        "{}",
        r.stderr
    );
}

/// `notes IN.md -o IN.md` rewrites the notes in place — the way notes are
/// kept — though no command may write over its inputs otherwise: a block's
/// diagram may not land on the notes file, and a second run changes nothing.
#[test]
fn notes_rewrite_their_own_file_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let md = dir.path().join("n.md");
    std::fs::write(&md, "# t\n\n```micrograd\na = Value(2.0, label='a')\nb = a * a\nb.backward()\nprint(a.grad)\n```\n").unwrap();
    let m = md.to_str().unwrap();
    let first = gradviz(&["notes", m, "-o", m]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(
        text.contains("<!-- gradviz:begin") && text.contains("4.0"),
        "{text}"
    );
    let again = gradviz(&["notes", m, "-o", m]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(
        again.stderr.contains("0 file(s) written"),
        "{}",
        again.stderr
    );
    assert_eq!(std::fs::read_to_string(&md).unwrap(), text, "idempotent");
}
