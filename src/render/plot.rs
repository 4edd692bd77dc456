//! Plots as SVG, drawn with plotters: the training curves, the moons
//! decision boundary (like micrograd's demo contour plot) and a function
//! with its derivative (the lecture's first section).

use plotters::prelude::*;

/// Colours of the two classes and of the series.
const RED: RGBColor = RGBColor(0xd6, 0x60, 0x4d);
const BLUE: RGBColor = RGBColor(0x43, 0x93, 0xc3);
const GREEN: RGBColor = RGBColor(0x2e, 0x7d, 0x32);

/// An error of the plotting backend.
#[derive(Debug, thiserror::Error)]
#[error("cannot draw the plot: {0}")]
pub struct PlotError(String);

fn err<E: std::fmt::Display>(e: E) -> PlotError {
    PlotError(e.to_string())
}

/// Padded `[min, max]` of finite values (a unit range when flat or empty).
fn range(values: impl IntoIterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.into_iter().filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if lo > hi {
        return (0.0, 1.0);
    }
    let pad = ((hi - lo) * 0.05).max(1e-9);
    (lo - pad, hi + pad)
}

/// The loss per step (top) and the accuracy per step (bottom).
///
/// ```
/// let svg = gradviz::render::plot::training_curves("demo", &[1.0, 0.5, 0.2], &[0.5, 0.75, 1.0]).unwrap();
/// assert!(svg.contains("<svg") && svg.contains("loss"));
/// ```
pub fn training_curves(title: &str, loss: &[f64], accuracy: &[f64]) -> Result<String, PlotError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (800, 600)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let root = root.titled(title, ("sans-serif", 20)).map_err(err)?;
        let (top, bottom) = root.split_vertically(330);
        let steps = loss.len().max(2) as f64 - 1.0;
        let (lo, hi) = range(loss.iter().copied().chain([0.0]));
        let mut chart = ChartBuilder::on(&top)
            .margin(10)
            .x_label_area_size(30)
            .y_label_area_size(60)
            .build_cartesian_2d(0.0..steps, lo..hi)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("step")
            .y_desc("loss")
            .draw()
            .map_err(err)?;
        chart
            .draw_series(LineSeries::new(
                loss.iter().enumerate().map(|(k, l)| (k as f64, *l)),
                RED.stroke_width(2),
            ))
            .map_err(err)?
            .label("loss")
            .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], RED.stroke_width(2)));
        chart
            .configure_series_labels()
            .border_style(BLACK)
            .background_style(WHITE)
            .draw()
            .map_err(err)?;
        let mut chart = ChartBuilder::on(&bottom)
            .margin(10)
            .x_label_area_size(30)
            .y_label_area_size(60)
            .build_cartesian_2d(0.0..steps, 0.0..100.0)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("step")
            .y_desc("accuracy %")
            .draw()
            .map_err(err)?;
        chart
            .draw_series(LineSeries::new(
                accuracy
                    .iter()
                    .enumerate()
                    .map(|(k, a)| (k as f64, a * 100.0)),
                BLUE.stroke_width(2),
            ))
            .map_err(err)?
            .label("accuracy")
            .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], BLUE.stroke_width(2)));
        chart
            .configure_series_labels()
            .border_style(BLACK)
            .background_style(WHITE)
            .position(SeriesLabelPosition::LowerRight)
            .draw()
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// The decision boundary of a 2-D classifier: the plane coloured by the sign
/// of `score` on a grid of step `h`, and the labelled points on top.
///
/// ```
/// let pts = [(vec![0.0, 0.0], -1.0), (vec![1.0, 1.0], 1.0)];
/// let svg = gradviz::render::plot::decision_boundary("demo", &pts, 0.25, |x| x[0] + x[1] - 1.0).unwrap();
/// assert!(svg.contains("<svg"));
/// ```
pub fn decision_boundary(
    title: &str,
    points: &[(Vec<f64>, f64)],
    h: f64,
    mut score: impl FnMut(&[f64]) -> f64,
) -> Result<String, PlotError> {
    let (x0, x1) = range(points.iter().map(|p| p.0[0]));
    let (y0, y1) = range(points.iter().map(|p| p.0[1]));
    let (x0, x1, y0, y1) = (x0 - 1.0, x1 + 1.0, y0 - 1.0, y1 + 1.0);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (700, 600)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 20))
            .margin(10)
            .x_label_area_size(30)
            .y_label_area_size(40)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(err)?;
        chart.configure_mesh().disable_mesh().draw().map_err(err)?;
        let nx = ((x1 - x0) / h).ceil() as usize;
        let ny = ((y1 - y0) / h).ceil() as usize;
        let mut cells = Vec::with_capacity(nx * ny);
        for i in 0..nx {
            for j in 0..ny {
                let (cx, cy) = (x0 + i as f64 * h, y0 + j as f64 * h);
                let s = score(&[cx + h / 2.0, cy + h / 2.0]);
                let colour = if s > 0.0 { BLUE.mix(0.3) } else { RED.mix(0.3) };
                cells.push(Rectangle::new(
                    [(cx, cy), (cx + h, cy + h)],
                    colour.filled(),
                ));
            }
        }
        chart.draw_series(cells).map_err(err)?;
        chart
            .draw_series(points.iter().map(|(p, y)| {
                let colour = if *y > 0.0 { BLUE } else { RED };
                Circle::new((p[0], p[1]), 4, colour.filled())
            }))
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// A function, its derivative from the engine and the finite-difference
/// slope, over `xs`.
///
/// ```
/// let xs = [0.0, 1.0, 2.0];
/// let svg = gradviz::render::plot::function_and_derivative("x**2", &xs, &[0.0, 1.0, 4.0], &[0.0, 2.0, 4.0], &[0.0, 2.0, 4.0]).unwrap();
/// assert!(svg.contains("backward pass"));
/// ```
pub fn function_and_derivative(
    expr: &str,
    xs: &[f64],
    f: &[f64],
    df: &[f64],
    slope: &[f64],
) -> Result<String, PlotError> {
    let (lo, hi) = range(f.iter().chain(df).chain(slope).copied());
    let (x0, x1) = (
        xs.first().copied().unwrap_or(0.0),
        xs.last().copied().unwrap_or(1.0),
    );
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (800, 500)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(format!("f(x) = {expr}"), ("sans-serif", 20))
            .margin(10)
            .x_label_area_size(30)
            .y_label_area_size(50)
            .build_cartesian_2d(x0..x1.max(x0 + 1e-9), lo..hi)
            .map_err(err)?;
        chart.configure_mesh().x_desc("x").draw().map_err(err)?;
        let pts = |ys: &[f64]| -> Vec<(f64, f64)> {
            xs.iter()
                .zip(ys)
                .filter(|(_, y)| y.is_finite())
                .map(|(x, y)| (*x, *y))
                .collect()
        };
        chart
            .draw_series(LineSeries::new(pts(f), RED.stroke_width(2)))
            .map_err(err)?
            .label("f(x)")
            .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], RED.stroke_width(2)));
        chart
            .draw_series(LineSeries::new(pts(df), BLUE.stroke_width(2)))
            .map_err(err)?
            .label("f'(x), backward pass")
            .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], BLUE.stroke_width(2)));
        chart
            .draw_series(
                pts(slope)
                    .into_iter()
                    .map(|p| Cross::new(p, 4, GREEN.stroke_width(1))),
            )
            .map_err(err)?
            .label("(f(x+h) - f(x-h)) / 2h")
            .legend(|(x, y)| Cross::new((x + 10, y), 4, GREEN.stroke_width(1)));
        chart
            .configure_series_labels()
            .border_style(BLACK)
            .background_style(WHITE)
            .draw()
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}
