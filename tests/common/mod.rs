//! Shared helpers of the integration tests: running the `gradviz` binary and
//! the one place that configures insta (snapshots live in `snapshots/`).
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A path under the repository root.
pub fn path(rel: &str) -> PathBuf {
    root().join(rel)
}

/// The result of one CLI run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8(o.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(o.stderr).expect("stderr is UTF-8"),
        }
    }
}

/// `gradviz ARGS` run in the repository root.
pub fn gradviz(args: &[&str]) -> Run {
    Command::new(env!("CARGO_BIN_EXE_gradviz"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("gradviz runs")
        .into()
}

/// `gradviz ARGS` with `input` on stdin.
pub fn gradviz_stdin(args: &[&str], input: &str) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gradviz"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("gradviz starts");
    let mut stdin = child.stdin.take().expect("stdin is piped");
    // The child may exit before reading everything; that is its business.
    let _ = stdin.write_all(input.as_bytes());
    drop(stdin);
    child.wait_with_output().expect("gradviz runs").into()
}

/// Runs a successful command and returns its stdout.
pub fn ok(args: &[&str]) -> String {
    let r = gradviz(args);
    assert_eq!(r.code, 0, "gradviz {args:?} failed:\n{}", r.stderr);
    r.stdout
}

/// Runs a script given as text (through stdin) and returns its stdout.
pub fn ok_stdin(args: &[&str], input: &str) -> String {
    let r = gradviz_stdin(args, input);
    assert_eq!(r.code, 0, "gradviz {args:?} failed:\n{}", r.stderr);
    r.stdout
}

/// Asserts a snapshot stored as `snapshots/NAME.snap`.
pub fn snapshot(name: &str, value: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(root().join("snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!(name, value));
}

/// The fixture scripts, sorted by name.
pub fn fixtures() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(path("fixtures"))
        .expect("fixtures/ exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .collect();
    v.sort();
    v
}

/// A fixture's file stem.
pub fn stem(p: &Path) -> String {
    p.file_stem()
        .expect("a file name")
        .to_string_lossy()
        .into_owned()
}

/// Parses gradviz's JSON output (one diagram).
pub fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).expect("valid JSON")
}

/// `gradviz ARGS` run in `dir`, with extra environment variables and
/// `input` on stdin.
pub fn gradviz_in(dir: &Path, args: &[&str], env: &[(&str, &str)], input: &[u8]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gradviz"))
        .args(args)
        .envs(env.iter().copied())
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("gradviz starts");
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let _ = stdin.write_all(input);
    drop(stdin);
    child.wait_with_output().expect("gradviz runs").into()
}

/// Graphviz decodes HTML entities in label text (`&amp;`, `&#60;`); gradviz
/// writes an `&` that could start one as `&amp;`, so that is the only entity
/// its DOT may hold. Any other is a label that Graphviz would change.
pub fn decode_entities(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(r) = after.strip_prefix("amp;") {
            out.push('&');
            rest = r;
            continue;
        }
        let name = after
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(after.len());
        let entity = after.starts_with('#') || (name > 0 && after[name..].starts_with(';'));
        assert!(!entity, "Graphviz would decode an entity in {s:?}");
        out.push('&');
        rest = after;
    }
    out.push_str(rest);
    out
}

/// The edges of `g`'s `StableGraph` in index order, as (operand, result,
/// position): what a rebuilt graph must share with a fresh build.
pub fn edges(g: &gradviz::Graph) -> Vec<(usize, usize, u8)> {
    let store = g.store();
    let structure = store.structure();
    structure
        .edge_indices()
        .map(|e| {
            let (a, b) = structure.edge_endpoints(e).expect("an edge");
            (a.index(), b.index(), structure[e])
        })
        .collect()
}

/// Runs `gradviz ARGS` in `dir` and returns its exit code, its stderr and
/// its peak resident memory in KiB (polled from `/proc` while it runs; 0
/// where there is no `/proc`).
pub fn run_measured(dir: &Path, args: &[&str]) -> (i32, String, u64) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gradviz"))
        .args(args)
        .current_dir(dir)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("gradviz starts");
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    let status = loop {
        if let Ok(text) = std::fs::read_to_string(&status_file)
            && let Some(kb) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse::<u64>().ok())
        {
            peak = peak.max(kb);
        }
        if let Some(status) = child.try_wait().expect("gradviz waits") {
            break status;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    };
    let mut stderr = String::new();
    use std::io::Read;
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    (status.code().unwrap_or(-1), stderr, peak)
}
