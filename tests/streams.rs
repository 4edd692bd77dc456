//! Closed and full output streams (issue #16, class 4), through the CLI:
//! every line a command prints goes through checked writes, so a full disk
//! is an error with exit code 1 and a closed pipe ends quietly — never a
//! panic (exit code 101).

mod common;
use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

use common::root;

/// `gradviz ARGS` with stdout and stderr sent where the caller says;
/// returns the exit code and whatever stderr received if it was piped.
fn run_with(args: &[&str], stdout: Stdio, stderr: Stdio) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_gradviz"))
        .args(args)
        .current_dir(root())
        .stdout(stdout)
        .stderr(stderr)
        .output()
        .expect("gradviz runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `/dev/full`, where every write fails with "no space left on device".
fn full() -> Option<Stdio> {
    Path::new("/dev/full")
        .exists()
        .then(|| Stdio::from(File::options().write(true).open("/dev/full").unwrap()))
}

#[test]
fn a_full_stdout_is_an_error_with_exit_code_1() {
    let Some(_) = full() else {
        eprintln!("SKIPPED: no /dev/full on this system");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let plots = dir.path().join("plots");
    let plots = plots.to_str().unwrap();
    for args in [
        vec!["train", "lecture"],
        vec!["train", "lecture", "--steps", "3", "-o", plots],
        vec!["run", "fixtures/micrograd_readme.py"],
        vec!["render", "fixtures/lecture_neuron.py"],
        vec!["gradcheck", "fixtures/micrograd_readme.py"],
        vec!["--help"],
        vec!["render", "--help"],
        vec!["--version"],
    ] {
        let (code, stderr) = run_with(&args, full().unwrap(), Stdio::piped());
        assert_eq!(code, 1, "{args:?}: exit code\n{stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("error: cannot write `<stdout>`: "),
            "{args:?}: one-line cause\n{stderr}"
        );
    }
}

#[test]
fn a_full_stderr_fails_the_news_lines_without_a_panic() {
    let Some(_) = full() else {
        eprintln!("SKIPPED: no /dev/full on this system");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let d = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    for args in [
        vec![
            "render".to_string(),
            "fixtures/lecture_L.py".into(),
            "-o".into(),
            d("l.svg"),
        ],
        vec![
            "steps".into(),
            "fixtures/lecture_neuron.py".into(),
            "-o".into(),
            d("steps"),
        ],
        vec![
            "train".into(),
            "lecture".into(),
            "--steps".into(),
            "3".into(),
            "-o".into(),
            d("plots"),
        ],
    ] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, _) = run_with(&args, Stdio::null(), full().unwrap());
        // The message has nowhere to go; the exit code says it.
        assert_eq!(code, 1, "{args:?}: exit code");
    }
    // The files were written all the same: only the news line failed.
    assert!(dir.path().join("l-1.svg").exists());
    assert!(dir.path().join("steps/index.html").exists());
    assert!(dir.path().join("plots/loss.svg").exists());
}

#[test]
fn a_closed_pipe_ends_quietly() {
    for args in [
        vec!["train", "lecture", "--steps", "2000"],
        vec!["run", "fixtures/micrograd_readme.py"],
        vec!["render", "fixtures/micrograd_readme.py", "--format", "json"],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gradviz"))
            .args(&args)
            .current_dir(root())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("gradviz starts");
        // Read one byte, as `| head -c1` does, then close the pipe.
        let mut stdout = child.stdout.take().unwrap();
        let mut byte = [0u8; 1];
        let _ = stdout.read(&mut byte);
        drop(stdout);
        let out = child.wait_with_output().expect("gradviz ends");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: exit code\n{stderr}");
        assert!(stderr.is_empty(), "{args:?}: quietly\n{stderr}");
    }
}

/// A broken system `dot` that floods its output is stopped once it has
/// written more than gradviz reads (#16, class 6), without `--layout-timeout`.
#[cfg(unix)]
#[test]
fn a_system_dot_that_floods_its_output_is_stopped() {
    use std::os::unix::fs::PermissionsExt;
    if !Path::new("/bin/sh").exists() {
        return;
    }
    let bin = tempfile::tempdir().unwrap();
    let dot = bin.path().join("dot");
    std::fs::write(
        &dot,
        "#!/bin/sh\ncat > /dev/null\nexec yes flooooooooooooooooooooooooood\n",
    )
    .unwrap();
    std::fs::set_permissions(&dot, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let target = out_dir.path().join("n.svg");
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new(env!("CARGO_BIN_EXE_gradviz"))
        .args([
            "render",
            "fixtures/lecture_neuron.py",
            "-o",
            target.to_str().unwrap(),
            "--engine",
            "dot",
        ])
        .env("PATH", path)
        .current_dir(root())
        .output()
        .expect("gradviz runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with("error: the system `dot` failed: it wrote more than 64 MiB"),
        "{stderr}"
    );
    assert!(!target.exists(), "nothing written");
}
