//! A small expression graph built with the public engine API from structured
//! input (any labels, any f64 including nan, inf and -0.0, groups), a
//! backward pass, then every renderer: DOT in several views (parsed back,
//! record structure intact), JSON, shape text, backprop frames, and the SVG
//! of the embedded layout engine (well-formed, no markup from labels).
#![no_main]

use arbitrary::Arbitrary;
use gradviz::render::steps::backprop_frames;
use gradviz::render::svg::{Engine, to_svg};
use gradviz::render::{DotOptions, RankDir, View, to_dot, to_json, to_shape};
use gradviz::{Graph, Value};
use gradviz_fuzz::{MAX_LAYOUT_VALUES, check_dot, check_json, check_shape, check_svg};
use libfuzzer_sys::fuzz_target;

/// Text that random bytes rarely spell, mixed into labels and group names.
const TRICKY: [&str; 24] = [
    "\u{fffe}",
    "\u{ffff}",
    "<script>alert(1)</script>",
    "]]>",
    "&amp;",
    "&#0;",
    "\\N",
    "\\G",
    "\\l",
    "\\",
    "\"",
    "{|}",
    "<f0>",
    "\n",
    "\r\n",
    "\r",
    "\t",
    "\u{0}",
    "\u{85}",
    "\u{2028}",
    "\u{200b}",
    "-->",
    "\u{1f600}",
    " ",
];

/// A label: any text, with an optional tricky piece around it.
#[derive(Arbitrary, Debug)]
struct Label {
    text: String,
    tricky: Option<(u8, bool)>,
}

impl Label {
    fn text(&self) -> String {
        match self.tricky {
            None => self.text.clone(),
            Some((k, true)) => format!("{}{}", TRICKY[usize::from(k) % TRICKY.len()], self.text),
            Some((k, false)) => format!("{}{}", self.text, TRICKY[usize::from(k) % TRICKY.len()]),
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Step {
    Leaf(f64, Option<Label>),
    Add(u8, u8),
    Sub(u8, u8),
    Mul(u8, u8),
    Div(u8, u8),
    AddConst(u8, f64),
    MulConst(u8, f64),
    Neg(u8),
    Powi(u8, i64),
    Powf(u8, f64),
    Tanh(u8),
    Exp(u8),
    Relu(u8),
    Label(u8, Label),
    Group(u8, Label, bool),
}

#[derive(Arbitrary, Debug)]
struct Input {
    steps: Vec<Step>,
    backward: bool,
    rankdir: u8,
    edge_grads: bool,
    color: bool,
    collapse: bool,
    forward_view: bool,
    highlight: Vec<String>,
    layout: bool,
}

fn pick<'g>(values: &[Value<'g>], i: u8) -> Value<'g> {
    values[usize::from(i) % values.len()]
}

fuzz_target!(|input: Input| {
    let g = Graph::new();
    let mut values: Vec<Value<'_>> = Vec::new();
    let mut groups = Vec::new();
    for step in &input.steps {
        if g.len() >= MAX_LAYOUT_VALUES {
            break;
        }
        if values.is_empty() && !matches!(step, Step::Leaf(..)) {
            values.push(g.value(1.0));
        }
        let v = match step {
            Step::Leaf(x, label) => {
                let v = g.value(*x);
                if let Some(l) = label {
                    v.set_label(&l.text());
                }
                v
            }
            Step::Add(a, b) => pick(&values, *a) + pick(&values, *b),
            Step::Sub(a, b) => pick(&values, *a) - pick(&values, *b),
            Step::Mul(a, b) => pick(&values, *a) * pick(&values, *b),
            Step::Div(a, b) => pick(&values, *a) / pick(&values, *b),
            Step::AddConst(a, x) => pick(&values, *a) + *x,
            Step::MulConst(a, x) => *x * pick(&values, *a),
            Step::Neg(a) => -pick(&values, *a),
            Step::Powi(a, k) => pick(&values, *a).powi(*k),
            Step::Powf(a, k) => pick(&values, *a).powf(*k),
            Step::Tanh(a) => pick(&values, *a).tanh(),
            Step::Exp(a) => pick(&values, *a).exp(),
            Step::Relu(a) => pick(&values, *a).relu(),
            Step::Label(a, l) => {
                pick(&values, *a).set_label(&l.text());
                continue;
            }
            Step::Group(a, name, nested) => {
                let parent = if *nested {
                    groups.last().copied()
                } else {
                    None
                };
                let group = g.add_group(&name.text(), parent);
                groups.push(group);
                g.set_group(pick(&values, *a).id(), group);
                continue;
            }
        };
        values.push(v);
    }
    let Some(root) = values.last().copied() else {
        return;
    };
    if input.backward {
        root.backward();
    }
    let root = root.id();
    let n = g.ancestors(root).len();
    let view = if input.forward_view {
        View::Forward
    } else {
        View::Backward
    };
    let options = DotOptions {
        rankdir: [RankDir::LR, RankDir::TB, RankDir::RL, RankDir::BT]
            [usize::from(input.rankdir % 4)],
        view: Some(view),
        edge_grads: input.edge_grads,
        color: input.color,
        highlight: input.highlight.clone(),
        frame: None,
        collapse: input.collapse,
    };
    let collapsed = input.collapse && g.has_groups();
    let dot = to_dot(&g, root, &options);
    if collapsed {
        // Grouped values are hidden; the rest are `{ label | data }`.
        check_dot(&dot, None, Some(2));
    } else {
        let fields = if input.forward_view { 2 } else { 3 };
        check_dot(&dot, Some(n), Some(fields));
    }
    check_json(&to_json(&g, root), n);
    check_shape(&to_shape(&g, root), n);
    for frame in backprop_frames(
        &g,
        root,
        &DotOptions {
            collapse: false,
            ..options.clone()
        },
    ) {
        check_dot(&frame.dot, Some(n), Some(3));
    }
    if input.layout {
        match to_svg(&dot, Engine::Embedded) {
            Ok(svg) => {
                let texts = check_svg(&svg);
                // Labels of printable, non-space characters show as text.
                if !collapsed {
                    for id in g.ancestors(root) {
                        let label = g.node(id).label_str().to_string();
                        if !label.is_empty()
                            && label.chars().all(|c| {
                                !c.is_whitespace()
                                    && !c.is_control()
                                    && !matches!(c, '\u{fffe}' | '\u{ffff}')
                            })
                            && label.chars().count() <= 20
                        {
                            assert!(
                                texts.iter().any(|t| t.contains(&label)),
                                "label {label:?} not shown as text in {texts:?}\n{dot}"
                            );
                        }
                    }
                }
            }
            Err(e) => panic!("the embedded engine failed on our DOT: {e}\n{dot}"),
        }
    }
});
