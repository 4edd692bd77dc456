//! `gradviz plot`: a function of x, its derivative from the backward pass,
//! and the finite-difference slope, as one SVG (the lecture's first section).

use std::path::PathBuf;

use clap::Args;

use super::CliError;
use super::output::{write_files, write_stdout};
use gradviz::render::plot::function_and_derivative;
use gradviz::script::{self, Options, Span};

/// Arguments of `gradviz plot`.
#[derive(Args, Debug)]
pub struct PlotArgs {
    /// The function of x, in Python syntax, e.g. "3*x**2 - 4*x + 5".
    expr: String,
    /// The first x.
    #[arg(long, default_value_t = -5.0, allow_negative_numbers = true)]
    from: f64,
    /// The last x.
    #[arg(long, default_value_t = 5.0, allow_negative_numbers = true)]
    to: f64,
    /// The distance between samples.
    #[arg(long, default_value_t = 0.25)]
    step: f64,
    /// Write the SVG to FILE instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

const PREFIX_1: &str = "x = Value(";
const PREFIX_2: &str = ")\ny = (\n";
const SUFFIX: &str = "\n) + 0 * x\ny.backward()\n";

/// f(x) and f'(x) from one run of the expression as a script.
fn evaluate(expr: &str, x: f64) -> Result<(f64, f64), CliError> {
    if expr.contains(['\n', ';']) {
        return Err(CliError::usage(
            "the expression must be a single expression in x",
            Some("for example: \"3*x**2 - 4*x + 5\""),
        ));
    }
    let head = format!("{PREFIX_1}{x:?}{PREFIX_2}");
    let src = format!("{head}{expr}{SUFFIX}");
    let run = script::run(&src, &Options::default(), &mut std::io::sink()).map_err(|e| {
        // Point into the expression the user wrote, not the wrapper.
        let inside = e.span.start >= head.len() && e.span.end <= head.len() + expr.len();
        let mut e = e;
        if inside {
            e.span = Span::new(e.span.start - head.len(), e.span.end - head.len());
        } else {
            e.span = Span::new(0, expr.len());
        }
        e.related = None;
        CliError::Script {
            name: "<expression>".into(),
            source_text: expr.to_string(),
            error: Box::new(e),
        }
    })?;
    let not_a_function = || {
        CliError::usage(
            "the expression must be a single expression in x",
            Some("for example: \"3*x**2 - 4*x + 5\""),
        )
    };
    let d = run.diagrams.last().ok_or_else(not_a_function)?;
    let x_leaf = d
        .graph
        .ids()
        .into_iter()
        .find(|id| d.graph.node(*id).label.as_deref() == Some("x"))
        .ok_or_else(not_a_function)?;
    Ok((d.graph.data(d.root), d.graph.grad(x_leaf)))
}

/// Samples the function and writes the plot.
pub fn plot(args: &PlotArgs) -> Result<(), CliError> {
    let valid = args.step.is_finite() && args.step > 0.0 && args.from < args.to;
    if !valid {
        return Err(CliError::usage(
            "need --from < --to and a positive --step",
            Some("for example: --from -5 --to 5 --step 0.25"),
        ));
    }
    let samples = ((args.to - args.from) / args.step).floor() + 1.0;
    if !(samples.is_finite() && samples <= 100_000.0) {
        return Err(CliError::usage(
            format!("{samples} samples is too many"),
            Some("raise --step or narrow --from/--to"),
        ));
    }
    let n = samples as usize;
    let h = 1e-4;
    let (mut xs, mut f, mut df, mut slope) = (vec![], vec![], vec![], vec![]);
    for i in 0..n {
        let x = args.from + i as f64 * args.step;
        let (y, dy) = evaluate(&args.expr, x)?;
        let (yp, _) = evaluate(&args.expr, x + h)?;
        let (ym, _) = evaluate(&args.expr, x - h)?;
        xs.push(x);
        f.push(y);
        df.push(dy);
        slope.push((yp - ym) / (2.0 * h));
    }
    let svg = function_and_derivative(&args.expr, &xs, &f, &df, &slope)
        .map_err(|e| CliError::input(e.to_string(), None))?;
    match &args.output {
        Some(path) => write_files(&[(path.clone(), svg.into_bytes())]),
        None => write_stdout(svg.as_bytes()),
    }
}
