//! The nn module, training and plots through the command line (SPEC §8:
//! 41 and 337 parameters, 398 and 65,818 values per step, lecture loss
//! below 0.1, moons at 100%), gradcheck and the function plot.

mod common;
use common::{gradviz, ok};

/// The summary line's numbers: (final loss, accuracy %, parameters, values).
fn summary(out: &str) -> (f64, f64, usize, usize) {
    let line = out.lines().last().expect("a summary line");
    let field = |after: &str, until: &str| -> String {
        let start = line
            .find(after)
            .unwrap_or_else(|| panic!("{after:?} in {line:?}"))
            + after.len();
        line[start..]
            .split(until)
            .next()
            .unwrap()
            .trim()
            .to_string()
    };
    (
        field("final loss ", ",").parse().unwrap(),
        field("accuracy ", "%").parse().unwrap(),
        line.split(", ")
            .find(|s| s.ends_with(" parameters"))
            .unwrap()
            .trim_end_matches(" parameters")
            .parse()
            .unwrap(),
        line.split(", ")
            .find(|s| s.ends_with(" values per step"))
            .unwrap()
            .trim_end_matches(" values per step")
            .parse()
            .unwrap(),
    )
}

#[test]
fn lecture_mlp_trains_below_0_1() {
    let out = ok(&["train", "lecture"]);
    assert!(
        out.starts_with("step 0 loss "),
        "plain lines when not a terminal"
    );
    let (loss, acc, params, values) = summary(&out);
    assert!(loss < 0.1, "{out}");
    assert_eq!((acc, params, values), (100.0, 41, 398));
}

#[test]
fn moons_demo_reaches_100_percent() {
    let dir = tempfile::tempdir().unwrap();
    let out = ok(&["train", "moons", "-o", dir.path().to_str().unwrap()]);
    let (_, acc, params, values) = summary(&out);
    assert_eq!((acc, params, values), (100.0, 337, 65_818));
    // The plots: loss/accuracy curves with one point per step, the decision
    // boundary with 100 points, the model graph with a cluster per neuron.
    let options = || roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    let read = |f: &str| std::fs::read_to_string(dir.path().join(f)).unwrap();
    let loss_svg = read("loss.svg");
    let doc = roxmltree::Document::parse_with_options(&loss_svg, options()).unwrap();
    let series: Vec<usize> = doc
        .descendants()
        .filter(|n| n.has_tag_name("polyline"))
        .map(|n| n.attribute("points").unwrap().split_whitespace().count())
        .filter(|n| *n == 100)
        .collect();
    assert_eq!(
        series.len(),
        2,
        "a loss and an accuracy series of 100 steps"
    );
    let boundary = read("boundary.svg");
    let doc = roxmltree::Document::parse_with_options(&boundary, options()).unwrap();
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("circle"))
            .count(),
        100 + 2,
        "the points and the class legend's two dots"
    );
    let texts: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .map(str::trim)
        .collect();
    for label in ["x1", "x2", "class -1", "class +1", "score = 0"] {
        assert!(texts.contains(&label), "{label} in {texts:?}");
    }
    let model = read("model.svg");
    roxmltree::Document::parse_with_options(&model, options()).unwrap();
    assert_eq!(
        model.matches("class=\"cluster\"").count(),
        3 + 16 + 16 + 1,
        "a cluster per layer and neuron"
    );
    assert!(model.contains(">layer 2<") && model.contains(">neuron 15<"));
    let collapsed = read("model-collapsed.svg");
    roxmltree::Document::parse_with_options(&collapsed, options()).unwrap();
    assert_eq!(
        collapsed.matches("class=\"cluster\"").count(),
        3,
        "a cluster per layer"
    );
    assert!(collapsed.len() * 5 < model.len(), "much smaller");
    // The whole model in the viewer, to pan, zoom and search.
    let page = read("model.html");
    assert!(page.contains("id=\"gv-search\"") && page.contains(">layer 2<"));
}

#[test]
fn teaching_switches_change_the_curve() {
    let (good, ..) = summary(&ok(&["train", "lecture", "--quiet"]));
    let (no_zero, ..) = summary(&ok(&["train", "lecture", "--quiet", "--no-zero-grad"]));
    let (big_lr, ..) = summary(&ok(&["train", "lecture", "--quiet", "--lr", "1.0"]));
    assert!(
        no_zero > 10.0 * good,
        "gradients accumulating: {no_zero} vs {good}"
    );
    assert!(big_lr > 10.0 * good, "too large a step: {big_lr} vs {good}");
    let quiet = ok(&["train", "lecture", "--quiet"]);
    assert_eq!(quiet.lines().count(), 1);
}

#[test]
fn moons_on_your_own_points() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("points.csv");
    let mut text = String::from("x,y,label\n");
    for i in 0..40 {
        let t = i as f64 / 40.0;
        text.push_str(&format!("{t},{},1\n{t},{},0\n", 1.0 + t, -1.0 - t));
    }
    std::fs::write(&csv, &text).unwrap();
    let out = ok(&[
        "train",
        "moons",
        "--data",
        csv.to_str().unwrap(),
        "--steps",
        "30",
        "--quiet",
    ]);
    assert_eq!(summary(&out).1, 100.0, "{out}");
    std::fs::write(&csv, "x,y,label\n0.1,0.2,1\n0.3,abc,0\n").unwrap();
    let r = gradviz(&["train", "moons", "--data", csv.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("points.csv:3: `abc` is not a number"),
        "{}",
        r.stderr
    );
    let r = gradviz(&["train", "lecture", "--data", csv.to_str().unwrap()]);
    assert_eq!(r.code, 2);
}

#[test]
fn gradcheck_passes_on_every_fixture() {
    for fixture in common::fixtures() {
        if common::stem(&fixture) == "derivative" {
            continue;
        }
        let out = ok(&["gradcheck", fixture.to_str().unwrap()]);
        assert!(
            out.lines()
                .last()
                .unwrap()
                .contains("leaves within tolerance"),
            "{out}"
        );
    }
    let out = ok(&["gradcheck", "fixtures/lecture_neuron.py"]);
    assert!(out.contains("x1"), "{out}");
}

#[test]
fn gradcheck_fails_on_a_kink() {
    // relu at exactly 0: the backward pass says 0, the central difference 0.5.
    let r = common::gradviz_stdin(
        &["gradcheck", "-"],
        "a = Value(0.0, label='a')\nb = a.relu()\nb.backward()\n",
    );
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stdout.contains("NO"));
    assert!(r.stderr.starts_with("error: 1 gradient(s) differ"));
}

#[test]
fn plot_a_function_and_its_derivative() {
    let svg = ok(&["plot", "3*x**2 - 4*x + 5", "--from", "-5", "--to", "5"]);
    for label in [
        "f(x)",
        "f&apos;(x), backward pass",
        "(f(x+h) - f(x-h)) / 2h",
    ] {
        assert!(
            svg.contains(label) || svg.contains(&label.replace("&apos;", "'")),
            "{label}"
        );
    }
    let r = gradviz(&["plot", "3*x**", "--from", "0", "--to", "1"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains(" --> <expression>:1:"), "{}", r.stderr);
}

/// A data file of more rows than training takes is refused before any
/// step (#16, class 1): one step builds ~650 values per row.
#[test]
fn a_data_file_of_too_many_rows_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("rows.csv");
    let rows: String = (0..10_001)
        .map(|i| format!("{},{},{}\n", i as f64 / 1e4, 0.5, i % 2))
        .collect();
    std::fs::write(&csv, rows).unwrap();
    let r = common::gradviz(&[
        "train",
        "moons",
        "--data",
        csv.to_str().unwrap(),
        "--steps",
        "1",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(":10001: more than 10000 rows"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty(), "no step ran: {}", r.stdout);
}
