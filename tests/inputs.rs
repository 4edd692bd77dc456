//! Inputs (issue #16, classes 2 and 3), through the CLI: every input is
//! read through one bounded reader (an input that never ends is an error,
//! with memory bounded), outputs are never read unless they are regular
//! files, and no command writes over a file it read, whatever name leads
//! there.

mod common;
use std::path::Path;
use std::process::{Command, Stdio};

use common::run_measured;

#[test]
fn an_input_that_never_ends_is_an_error_in_bounded_memory() {
    if !Path::new("/dev/zero").exists() {
        eprintln!("SKIPPED: no /dev/zero on this system");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for args in [
        vec!["run", "/dev/zero"],
        vec!["render", "/dev/zero"],
        vec!["notes", "/dev/zero"],
        vec!["train", "moons", "--data", "/dev/zero", "--steps", "1"],
    ] {
        let (code, stderr, peak_kb) = run_measured(dir.path(), &args);
        assert_eq!(code, 1, "{args:?}: exit code\n{stderr}");
        assert_eq!(
            stderr.lines().next(),
            Some("error: `/dev/zero` is larger than the 32 MiB gradviz reads from one input"),
            "{args:?}: {stderr}"
        );
        // The 32 MiB read and little else (the reader's buffer doubles as
        // it fills: at most 64 MiB of it).
        assert!(
            peak_kb < 160 * 1024,
            "{args:?}: peak resident memory {peak_kb} KiB"
        );
    }
}

#[test]
fn outputs_that_are_not_regular_files_are_never_read() {
    // `notes -o /dev/stdout | cat` used to read its own pipe to compare
    // with what it would write, and hang.
    let dir = tempfile::tempdir().unwrap();
    let md = dir.path().join("n.md");
    std::fs::write(&md, "# t\n\n```micrograd\na = Value(2.0)\n```\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_gradviz"))
        .args(["notes", md.to_str().unwrap(), "-o", "/dev/stdout"])
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .output()
        .expect("gradviz runs");
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("gradviz-"));
    // The diagram goes beside the current folder, as for stdout.
    assert!(dir.path().join("gradviz-assets").is_dir());
}

/// The file's bytes, to check it is untouched.
fn bytes(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap()
}

#[test]
fn no_command_writes_over_its_own_input() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let script = "a = Value(2.0)\nb = a * a\ndraw_dot(a)\ndraw_dot(b)\n";
    // A script named like the page `steps` writes.
    std::fs::create_dir(d.join("s")).unwrap();
    std::fs::write(d.join("s/index.html"), script).unwrap();
    // A script named like `render`'s first numbered output.
    std::fs::write(d.join("out-1.dot"), script).unwrap();
    // A data file named like a plot `train` writes.
    std::fs::write(d.join("loss.svg"), "0,0,1\n1,1,-1\n").unwrap();
    // A link to the script, as the output.
    #[cfg(unix)]
    std::os::unix::fs::symlink(d.join("out-1.dot"), d.join("link.dot")).unwrap();
    let before: Vec<(&str, Vec<u8>)> = ["s/index.html", "out-1.dot", "loss.svg"]
        .into_iter()
        .map(|f| (f, bytes(&d.join(f))))
        .collect();
    let mut cases = vec![
        vec!["steps", "s/index.html", "-o", "s"],
        vec!["render", "out-1.dot", "-o", "out.dot"],
        vec![
            "train", "moons", "--data", "loss.svg", "-o", ".", "--steps", "2",
        ],
    ];
    if cfg!(unix) {
        cases.push(vec![
            "render",
            "link.dot",
            "-o",
            "out-1.dot",
            "--diagram",
            "1",
        ]);
    }
    for args in cases {
        let (code, stderr, _) = run_measured(d, &args);
        // `render` refuses its own script as the output before it runs it
        // (a usage error, 2); the writer's check catches every other way.
        assert!([1, 2].contains(&code), "{args:?}: exit code\n{stderr}");
        assert!(
            stderr.contains("would overwrite") || stderr.contains("is the input script"),
            "{args:?}: {stderr}"
        );
        for (f, b) in &before {
            assert_eq!(&bytes(&d.join(f)), b, "{args:?}: {f} untouched");
        }
    }
    // Nothing else was written either (no frames, plots, diagrams).
    let mut names: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["link.dot", "loss.svg", "out-1.dot", "s"]);
    assert_eq!(std::fs::read_dir(d.join("s")).unwrap().count(), 1);
}
