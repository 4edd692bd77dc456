//! SPEC §8: the reference results of micrograd and the lecture, reproduced
//! through the command line.

mod common;
use common::{json, ok};

#[test]
fn micrograd_readme_prints_its_three_numbers() {
    assert_eq!(
        ok(&["run", "fixtures/micrograd_readme.py"]),
        "24.7041\n138.8338\n645.5773\n"
    );
}

#[test]
fn micrograd_sanity_check() {
    assert_eq!(ok(&["run", "fixtures/sanity_check.py"]), "-20.0\n46.0\n");
}

#[test]
fn lecture_l_example_gradients_and_nudge() {
    assert_eq!(
        ok(&["run", "fixtures/lecture_L.py"]),
        "6.0 -4.0 -2.0 -2.0 -2.0 4.0\n-7.286496\n"
    );
}

#[test]
fn lecture_neuron_with_tanh_and_with_exp() {
    let want = "o 0.7071\nx1 -1.5000 w1 1.0000 x2 0.5000 w2 0.0000 b 0.5000\n";
    assert_eq!(ok(&["run", "fixtures/lecture_neuron.py"]), want);
    assert_eq!(ok(&["run", "fixtures/lecture_neuron_exp.py"]), want);
}

#[test]
fn manual_backprop_with_underscore_backward() {
    assert_eq!(
        ok(&["run", "fixtures/lecture_manual_backprop.py"]),
        "-1.5000 1.0000 0.5000 0.0000 0.5000\n"
    );
    // The middle diagram shows n.grad filled by o._backward() and nothing below it.
    let j = json(&ok(&[
        "render",
        "fixtures/lecture_manual_backprop.py",
        "-f",
        "json",
        "--diagram",
        "2",
    ]));
    let grad = |label: &str| {
        j["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["label"] == label)
            .unwrap()["grad"]
            .as_f64()
            .unwrap()
    };
    assert!((grad("n") - 0.5).abs() < 1e-12);
    assert_eq!(grad("x1"), 0.0);
}

#[test]
fn a_value_used_twice_accumulates() {
    assert_eq!(ok(&["run", "fixtures/add_self.py"]), "2\n");
    assert_eq!(ok(&["run", "fixtures/accumulate.py"]), "-3.0 -8.0\n");
}

#[test]
fn readme_graph_has_micrograds_shape() {
    let j = json(&ok(&[
        "render",
        "fixtures/micrograd_readme.py",
        "--format",
        "json",
    ]));
    let nodes = j["nodes"].as_array().unwrap();
    let count = |op: Option<&str>| nodes.iter().filter(|n| n["op"].as_str() == op).count();
    assert_eq!(nodes.len(), 39);
    assert_eq!(count(None), 11);
    assert_eq!(count(Some("+")), 15);
    assert_eq!(count(Some("*")), 8);
    assert_eq!(count(Some("ReLU")), 2);
    assert_eq!(count(Some("**2")), 1);
    assert_eq!(count(Some("**3")), 1);
    assert_eq!(count(Some("**-1")), 1);
    let g = nodes.last().unwrap();
    assert_eq!(g["label"], "g");
    assert!((g["data"].as_f64().unwrap() - 24.70408163265306).abs() < 1e-12);
}

#[test]
fn derivative_by_rise_over_run_with_plain_numbers() {
    assert_eq!(
        ok(&["run", "fixtures/derivative.py"]),
        "d1 4.0\nd2 3.999699999999999\nslope -3.000000000010772\n"
    );
}
