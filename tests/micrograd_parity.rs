//! Node-for-node parity with micrograd: every script in
//! `tests/reference/cases/` was run through real micrograd by
//! `tests/reference/micrograd_json.py`; gradviz must build the same graph
//! (same nodes in the same order, same ops, labels and operand edges, the
//! same data and grads) and print the same text.

mod common;
use common::{gradviz, path, stem};
use serde_json::Value as Json;

fn diagrams(v: Json) -> Vec<Json> {
    match v {
        Json::Array(a) => a,
        one => vec![one],
    }
}

fn close(a: &Json, b: &Json) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => (x - y).abs() <= 1e-9 * x.abs().max(1.0),
        _ => a == b,
    }
}

fn assert_same_graph(name: &str, ours: &str, theirs: &str) {
    let ours = diagrams(serde_json::from_str(ours).expect("our JSON parses"));
    let theirs = diagrams(serde_json::from_str(theirs).expect("reference JSON parses"));
    assert_eq!(ours.len(), theirs.len(), "{name}: number of diagrams");
    for (k, (o, t)) in ours.iter().zip(&theirs).enumerate() {
        let (on, tn) = (
            o["nodes"].as_array().unwrap(),
            t["nodes"].as_array().unwrap(),
        );
        assert_eq!(on.len(), tn.len(), "{name} diagram {k}: node count");
        for (a, b) in on.iter().zip(tn) {
            for key in ["id", "label", "op"] {
                assert_eq!(a[key], b[key], "{name} diagram {k}: {key} of {a} vs {b}");
            }
            for key in ["data", "grad"] {
                assert!(
                    close(&a[key], &b[key]),
                    "{name} diagram {k}: {key} of {a} vs {b}"
                );
            }
        }
        assert_eq!(o["edges"], t["edges"], "{name} diagram {k}: edges");
    }
}

fn cases() -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(path("tests/reference/cases"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .collect();
    v.sort();
    assert!(v.len() >= 30, "the reference cases are there");
    v
}

#[test]
fn every_reference_case_builds_micrograds_graph() {
    for case in cases() {
        let name = stem(&case);
        let script = case.to_str().unwrap();
        let r = gradviz(&["render", script, "--format", "json"]);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        let want = std::fs::read_to_string(case.with_extension("json")).unwrap();
        assert_same_graph(&name, &r.stdout, &want);
    }
}

#[test]
fn every_reference_case_without_auto_labels() {
    for case in cases() {
        let name = stem(&case);
        let r = gradviz(&[
            "render",
            case.to_str().unwrap(),
            "-f",
            "json",
            "--no-auto-labels",
        ]);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        let want_path = case
            .parent()
            .unwrap()
            .join("no-auto-labels")
            .join(format!("{name}.json"));
        let want = std::fs::read_to_string(want_path).unwrap();
        assert_same_graph(&name, &r.stdout, &want);
    }
}

#[test]
fn every_reference_case_prints_what_python_prints() {
    for case in cases() {
        let name = stem(&case);
        let r = gradviz(&["run", case.to_str().unwrap()]);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        let want = std::fs::read_to_string(case.with_extension("out")).unwrap();
        assert_eq!(r.stdout, want, "{name}: printed output");
    }
}
