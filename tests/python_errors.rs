//! Failing programs against CPython's tracebacks: every script in
//! `tests/reference/cases_errors/` stops with exit 1, prints what CPython
//! printed before the error, names Python's exception and shows the
//! script's frames with CPython's line numbers (see that folder's README).

mod common;
use common::{gradviz, path, stem};

/// CPython's frames in the script: `(line, function)`, outermost first.
fn cpython_frames(err: &str, file: &str) -> Vec<(usize, String)> {
    let marker = format!("File \"{file}\", line ");
    err.lines()
        .filter_map(|l| {
            let rest = l.trim().strip_prefix(&marker)?;
            let (line, func) = rest.split_once(", in ")?;
            Some((line.parse().ok()?, func.to_string()))
        })
        .collect()
}

/// Our frames: the traceback's `file:line:col in f` lines, then the `-->`.
fn our_frames(stderr: &str, file: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for l in stderr.lines() {
        let t = l.trim().trim_start_matches("--> ");
        let Some(rest) = t.strip_prefix(&format!("{file}:")) else {
            continue;
        };
        let mut parts = rest.splitn(2, ':');
        let line: usize = parts.next().and_then(|n| n.parse().ok()).unwrap_or(0);
        let func = rest
            .split_once(" in ")
            .map_or("<module>", |(_, f)| f)
            .to_string();
        out.push((line, func));
    }
    out
}

#[test]
fn failing_programs_stop_like_cpython() {
    let dir = path("tests/reference/cases_errors");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 15, "the error cases are there");
    for case in cases {
        let name = stem(&case);
        let rel = format!("tests/reference/cases_errors/{name}.py");
        let r = gradviz(&["run", &rel]);
        assert_eq!(r.code, 1, "{name}: exit code\n{}", r.stderr);
        // `import os` runs under CPython; gradviz refuses it before line 3.
        let expected_out = if name == "import_os" {
            String::new()
        } else {
            std::fs::read_to_string(dir.join(format!("{name}.out"))).unwrap()
        };
        assert_eq!(r.stdout, expected_out, "{name}: printed output");
        let err = std::fs::read_to_string(dir.join(format!("{name}.err"))).unwrap();
        let headline = r.stderr.lines().next().unwrap_or("");
        match name.as_str() {
            // Sandbox refusals: CPython opens the file or imports os.
            "open_file" => assert!(headline.contains("sandbox"), "{name}: {headline}"),
            "import_os" => assert!(
                headline.contains("ImportError") && headline.contains("sandbox"),
                "{name}: {headline}"
            ),
            _ => {
                let exception = err
                    .lines()
                    .last()
                    .unwrap_or("")
                    .split(':')
                    .next()
                    .unwrap_or("");
                assert!(
                    headline.starts_with(&format!("error: {exception}")),
                    "{name}: {headline:?} should name {exception}\n{}",
                    r.stderr
                );
            }
        }
        let file = format!("{name}.py");
        let mut theirs = cpython_frames(&err, &file);
        let mut ours = our_frames(&r.stderr, &rel);
        if name == "recursion_error" {
            theirs.dedup();
            ours.dedup();
        }
        if name == "import_os" {
            assert_eq!(
                ours,
                vec![(2, "<module>".to_string())],
                "{name}: {}",
                r.stderr
            );
        } else {
            assert_eq!(
                ours, theirs,
                "{name}: frames (line, function)\n{}",
                r.stderr
            );
        }
    }
}
