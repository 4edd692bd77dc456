//! Plots as SVG, drawn with plotters: the training curves, the moons
//! decision boundary (like micrograd's demo contour plot) and a function
//! with its derivative (the lecture's first section).
//!
//! Text is set large enough to read on a projector, and no legend sits on
//! the data: a plot of several series has its legend in a strip of its own
//! above the plot.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Colours of the two classes and of the series.
const RED: RGBColor = RGBColor(0xd6, 0x60, 0x4d);
const BLUE: RGBColor = RGBColor(0x43, 0x93, 0xc3);
const GREEN: RGBColor = RGBColor(0x2e, 0x7d, 0x32);
/// The decision boundary's line.
const INK: RGBColor = RGBColor(0x42, 0x42, 0x42);

/// Font sizes of titles, axis names, tick labels and legends (plotters
/// sets text at size / 1.24 pixels).
const TITLE: u32 = 28;
const AXIS_NAME: u32 = 20;
const TICKS: u32 = 18;
const LEGEND: u32 = 19;
/// Height of the legend strip above a plot.
const LEGEND_STRIP: u32 = 36;
/// How much of a class's colour shades the region the model gives it.
const SHADE: f64 = 0.28;
/// The most grid cells along the longer side of a decision-boundary plot,
/// whatever step is asked for.
const MAX_CELLS: usize = 300;
/// The side, in grid cells, of the blocks at whose corners the model runs
/// first: it runs at every grid corner only near the boundary.
const COARSE: usize = 5;

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

/// How a legend entry is marked.
enum Mark {
    /// A line, as a series is drawn.
    Line(RGBColor),
    /// A cross, as the finite-difference samples are drawn.
    Cross(RGBColor),
    /// A dot, as the data points are drawn.
    Dot(RGBColor),
    /// A filled square, as a region is shaded.
    Swatch(RGBAColor),
}

/// Draws `entries` side by side, centred in `area` (a strip above the plot).
fn legend_row(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    entries: &[(Mark, &str)],
) -> Result<(), PlotError> {
    const MARK: i32 = 26;
    const GAP: i32 = 8;
    const SPACE: i32 = 30;
    let style = ("sans-serif", LEGEND)
        .into_font()
        .color(&BLACK)
        .pos(Pos::new(HPos::Left, VPos::Center));
    let mut widths = Vec::with_capacity(entries.len());
    for (_, text) in entries {
        let (w, _) = area.estimate_text_size(text, &style).map_err(err)?;
        widths.push(MARK + GAP + w as i32);
    }
    let total = widths.iter().sum::<i32>() + SPACE * (entries.len() as i32 - 1);
    let (width, height) = area.dim_in_pixel();
    let mut x = ((width as i32 - total) / 2).max(0);
    let y = height as i32 / 2;
    for ((mark, text), w) in entries.iter().zip(widths) {
        let centre = (x + MARK / 2, y);
        match mark {
            Mark::Line(c) => area.draw(&PathElement::new(
                [(x, y), (x + MARK, y)],
                c.stroke_width(3),
            )),
            Mark::Cross(c) => area.draw(&Cross::new(centre, 5, c.stroke_width(2))),
            Mark::Dot(c) => area.draw(&Circle::new(centre, 6, c.filled())),
            Mark::Swatch(c) => area.draw(&Rectangle::new(
                [(x + 3, y - 10), (x + MARK - 3, y + 10)],
                c.filled(),
            )),
        }
        .map_err(err)?;
        area.draw(&Text::new(*text, (x + MARK + GAP, y), style.clone()))
            .map_err(err)?;
        x += w + SPACE;
    }
    Ok(())
}

/// The loss per step (top) and the accuracy per step (bottom), on a step
/// axis of whole numbers. Each chart has one series, named by its axis: no
/// legend box to cover the curve (a diverging loss runs along the top).
///
/// ```
/// let svg = gradviz::render::plot::training_curves("demo", &[1.0, 0.5, 0.2], &[0.5, 0.75, 1.0]).unwrap();
/// assert!(svg.contains("<svg") && svg.contains("loss"));
/// ```
pub fn training_curves(title: &str, loss: &[f64], accuracy: &[f64]) -> Result<String, PlotError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (800, 640)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let root = root.titled(title, ("sans-serif", TITLE)).map_err(err)?;
        let (top, bottom) = root.split_vertically(320);
        // Steps are whole numbers: an integer axis has only whole ticks.
        let last = loss.len().max(accuracy.len()).max(2) as i64 - 1;
        // A dot on each step while they are few enough to tell apart (and
        // so that a single step shows at all).
        let dots = if last < 40 { 4 } else { 0 };
        let (lo, hi) = range(loss.iter().copied().chain([0.0]));
        let mut chart = ChartBuilder::on(&top)
            .margin(10)
            .margin_right(24)
            .x_label_area_size(48)
            .y_label_area_size(72)
            .build_cartesian_2d(0..last, lo..hi)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("step")
            .y_desc("loss")
            .label_style(("sans-serif", TICKS))
            .axis_desc_style(("sans-serif", AXIS_NAME))
            .light_line_style(BLACK.mix(0.04))
            .draw()
            .map_err(err)?;
        chart
            .draw_series(
                LineSeries::new(
                    loss.iter().enumerate().map(|(k, l)| (k as i64, *l)),
                    RED.stroke_width(2),
                )
                .point_size(dots),
            )
            .map_err(err)?;
        let mut chart = ChartBuilder::on(&bottom)
            .margin(10)
            .margin_right(24)
            .x_label_area_size(48)
            .y_label_area_size(72)
            .build_cartesian_2d(0..last, 0.0..100.0)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("step")
            .y_desc("accuracy %")
            .label_style(("sans-serif", TICKS))
            .axis_desc_style(("sans-serif", AXIS_NAME))
            .light_line_style(BLACK.mix(0.04))
            .y_label_formatter(&|y| format!("{y:.0}"))
            .draw()
            .map_err(err)?;
        chart
            .draw_series(
                LineSeries::new(
                    accuracy
                        .iter()
                        .enumerate()
                        .map(|(k, a)| (k as i64, a * 100.0)),
                    BLUE.stroke_width(2),
                )
                .point_size(dots),
            )
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// The model's scores on a grid: `(nx + 1) × (ny + 1)` corners from
/// `(x0, y0)` in steps of `(hx, hy)`, column by column. The model runs at
/// every corner near the boundary (in a block of [`COARSE`]² cells whose
/// corners disagree, or next to one) and at the corners of the blocks
/// elsewhere, whose inner scores are interpolated: a region of one class
/// narrower than a block and touching none of the blocks' corners is not
/// seen (micrograd's demo samples every 0.25 and interpolates too). For the
/// moons at a step of 0.02 that is about 10,000 of the 56,000 corners.
struct Grid {
    nx: usize,
    ny: usize,
    x0: f64,
    y0: f64,
    hx: f64,
    hy: f64,
    scores: Vec<f64>,
}

impl Grid {
    fn new(
        (x0, x1): (f64, f64),
        (y0, y1): (f64, f64),
        h: f64,
        score: &mut impl FnMut(&[f64]) -> f64,
    ) -> Self {
        let h = if h.is_finite() && h > 0.0 {
            h
        } else {
            f64::INFINITY
        };
        let longer = (x1 - x0).max(y1 - y0);
        let h = h.min(longer).max(longer / MAX_CELLS as f64);
        // Cells that tile the plot exactly, as close to h × h as that allows.
        let nx = (((x1 - x0) / h).round() as usize).clamp(1, MAX_CELLS);
        let ny = (((y1 - y0) / h).round() as usize).clamp(1, MAX_CELLS);
        let (hx, hy) = ((x1 - x0) / nx as f64, (y1 - y0) / ny as f64);
        let at = |i: usize, j: usize| i * (ny + 1) + j;
        let mut scores = vec![f64::NAN; (nx + 1) * (ny + 1)];
        let mut known = vec![false; scores.len()];
        let mut eval = |i: usize, j: usize, scores: &mut [f64]| {
            if !known[at(i, j)] {
                known[at(i, j)] = true;
                scores[at(i, j)] = score(&[x0 + i as f64 * hx, y0 + j as f64 * hy]);
            }
        };
        // Blocks of COARSE × COARSE cells: the model runs at their corners,
        // then at every corner of the blocks whose corners disagree (or are
        // not finite) and of their neighbours; elsewhere the block is on
        // one side and its cells' scores are interpolated from its corners.
        let block_edges = |n: usize| -> Vec<usize> { (0..n).step_by(COARSE).chain([n]).collect() };
        let (bx, by) = (block_edges(nx), block_edges(ny));
        for &i in &bx {
            for &j in &by {
                eval(i, j, &mut scores);
            }
        }
        let (mx, my) = (bx.len() - 1, by.len() - 1);
        let mut mixed = vec![false; mx * my];
        for a in 0..mx {
            for b in 0..my {
                let corners = [
                    scores[at(bx[a], by[b])],
                    scores[at(bx[a + 1], by[b])],
                    scores[at(bx[a], by[b + 1])],
                    scores[at(bx[a + 1], by[b + 1])],
                ];
                mixed[a * my + b] = corners.iter().any(|v| !v.is_finite())
                    || corners.iter().any(|v| (*v > 0.0) != (corners[0] > 0.0));
            }
        }
        for a in 0..mx {
            for b in 0..my {
                let near = |da: isize, db: isize| {
                    let (a, b) = (a as isize + da, b as isize + db);
                    (0..mx as isize).contains(&a)
                        && (0..my as isize).contains(&b)
                        && mixed[a as usize * my + b as usize]
                };
                if (-1..=1).any(|da| (-1..=1).any(|db| near(da, db))) {
                    for i in bx[a]..=bx[a + 1] {
                        for j in by[b]..=by[b + 1] {
                            eval(i, j, &mut scores);
                        }
                    }
                }
            }
        }
        for a in 0..mx {
            for b in 0..my {
                let (i0, i1, j0, j1) = (bx[a], bx[a + 1], by[b], by[b + 1]);
                let (v00, v10, v01, v11) = (
                    scores[at(i0, j0)],
                    scores[at(i1, j0)],
                    scores[at(i0, j1)],
                    scores[at(i1, j1)],
                );
                for i in i0..=i1 {
                    for j in j0..=j1 {
                        if !known[at(i, j)] {
                            let u = (i - i0) as f64 / (i1 - i0) as f64;
                            let v = (j - j0) as f64 / (j1 - j0) as f64;
                            scores[at(i, j)] = (1.0 - u) * (1.0 - v) * v00
                                + u * (1.0 - v) * v10
                                + (1.0 - u) * v * v01
                                + u * v * v11;
                        }
                    }
                }
            }
        }
        Grid {
            nx,
            ny,
            x0,
            y0,
            hx,
            hy,
            scores,
        }
    }

    fn at(&self, i: usize, j: usize) -> f64 {
        self.scores[i * (self.ny + 1) + j]
    }

    fn point(&self, i: usize, j: usize) -> (f64, f64) {
        (self.x0 + i as f64 * self.hx, self.y0 + j as f64 * self.hy)
    }

    /// Whether cell (i, j) is on the +1 side: the mean of its corners, the
    /// score at its centre as the contour below interpolates it.
    fn positive(&self, i: usize, j: usize) -> bool {
        self.at(i, j) + self.at(i + 1, j) + self.at(i + 1, j + 1) + self.at(i, j + 1) > 0.0
    }

    /// The shaded regions: per column, one rectangle per run of cells on
    /// the same side (a few hundred rectangles instead of one per cell).
    fn regions(&self) -> Vec<([(f64, f64); 2], bool)> {
        let mut out = Vec::new();
        for i in 0..self.nx {
            let mut start = 0;
            for j in 1..=self.ny {
                let side = self.positive(i, start);
                if j == self.ny || self.positive(i, j) != side {
                    out.push(([self.point(i, start), self.point(i + 1, j)], side));
                    start = j;
                }
            }
        }
        out
    }

    /// `line` without the points nearer than 2.5 cells to the last one
    /// kept (the ends stay): plotters draws at whole pixels, and points a
    /// pixel or two apart make a smooth curve look ragged.
    fn thin(&self, line: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
        let (sx, sy) = (2.5 * self.hx, 2.5 * self.hy);
        let mut out: Vec<(f64, f64)> = Vec::with_capacity(line.len() / 2 + 2);
        for (k, p) in line.iter().enumerate() {
            let far = out
                .last()
                .is_none_or(|q| ((p.0 - q.0) / sx).hypot((p.1 - q.1) / sy) >= 1.0);
            if far || k + 1 == line.len() {
                out.push(*p);
            }
        }
        out
    }

    /// The line where the score is 0 (marching squares, crossings placed by
    /// linear interpolation along the cell edges), joined into polylines.
    fn contour(&self) -> Vec<Vec<(f64, f64)>> {
        let (nx, ny) = (self.nx, self.ny);
        // Edge ids: horizontal edges (i, j)–(i+1, j), then vertical ones
        // (i, j)–(i, j+1). A crossing lies on one edge, shared by ≤ 2 cells.
        let h_edge = |i: usize, j: usize| i * (ny + 1) + j;
        let v_edge = |i: usize, j: usize| nx * (ny + 1) + i * ny + j;
        let crossing = |a: (usize, usize), b: (usize, usize)| {
            let (va, vb) = (self.at(a.0, a.1), self.at(b.0, b.1));
            let t = (va / (va - vb)).clamp(0.0, 1.0);
            let (pa, pb) = (self.point(a.0, a.1), self.point(b.0, b.1));
            (pa.0 + t * (pb.0 - pa.0), pa.1 + t * (pb.1 - pa.1))
        };
        let mut segments: Vec<[usize; 2]> = Vec::new();
        let mut points: Vec<Option<(f64, f64)>> = vec![None; nx * (ny + 1) + (nx + 1) * ny];
        for i in 0..nx {
            for j in 0..ny {
                // Corners counter-clockwise from the lower left, and the
                // edge from each corner to the next.
                let corners = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)];
                if corners.iter().any(|c| !self.at(c.0, c.1).is_finite()) {
                    continue;
                }
                let edges = [
                    h_edge(i, j),
                    v_edge(i + 1, j),
                    h_edge(i, j + 1),
                    v_edge(i, j),
                ];
                let side: Vec<bool> = corners.iter().map(|c| self.at(c.0, c.1) > 0.0).collect();
                let crossed: Vec<usize> =
                    (0..4).filter(|k| side[*k] != side[(k + 1) % 4]).collect();
                for k in &crossed {
                    points[edges[*k]] = Some(crossing(corners[*k], corners[(k + 1) % 4]));
                }
                match crossed[..] {
                    [a, b] => segments.push([edges[a], edges[b]]),
                    [..] if crossed.len() == 4 => {
                        // A saddle: cut off the two corners on the other
                        // side from the centre; corner k lies between edges
                        // k - 1 and k.
                        let centre = self.positive(i, j);
                        for k in (0..4).filter(|k| side[*k] != centre) {
                            segments.push([edges[(k + 3) % 4], edges[k]]);
                        }
                    }
                    _ => {}
                }
            }
        }
        // Join the segments end to end, in the order they were found.
        let mut ends: Vec<Vec<usize>> = vec![Vec::new(); points.len()];
        for (s, [a, b]) in segments.iter().enumerate() {
            ends[*a].push(s);
            ends[*b].push(s);
        }
        let mut used = vec![false; segments.len()];
        // The crossings reached from `at` through segments not used yet.
        let extend = |mut at: usize, used: &mut [bool]| -> Vec<usize> {
            let mut out = Vec::new();
            while let Some(&seg) = ends[at].iter().find(|s| !used[**s]) {
                used[seg] = true;
                let [a, b] = segments[seg];
                at = if a == at { b } else { a };
                out.push(at);
            }
            out
        };
        let mut lines = Vec::new();
        for s in 0..segments.len() {
            if used[s] {
                continue;
            }
            used[s] = true;
            let [a, b] = segments[s];
            let forward = extend(b, &mut used);
            let mut line = extend(a, &mut used);
            line.reverse();
            line.extend([a, b]);
            line.extend(forward);
            lines.push(self.thin(line.iter().filter_map(|e| points[*e]).collect()));
        }
        lines
    }
}

/// The decision boundary of a 2-D classifier: the plane shaded by the sign
/// of `score` (light red where the model says −1, light blue where it says
/// +1) on a grid of step `h` (at most 300 cells along the longer side;
/// `score` runs at every grid corner near the boundary and at every fifth
/// one elsewhere, where it is interpolated), the line where the score is 0,
/// and the labelled points on top; axes `x1` and `x2`, and a legend of the
/// classes above the plot.
///
/// ```
/// let pts = [(vec![0.0, 0.0], -1.0), (vec![1.0, 1.0], 1.0)];
/// let svg = gradviz::render::plot::decision_boundary("demo", &pts, 0.25, |x| x[0] + x[1] - 1.0).unwrap();
/// assert!(svg.contains("<svg") && svg.contains("class +1"));
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
    let grid = Grid::new((x0, x1), (y0, y1), h, &mut score);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (760, 720)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let root = root.titled(title, ("sans-serif", TITLE)).map_err(err)?;
        let (strip, plot) = root.split_vertically(LEGEND_STRIP);
        legend_row(
            &strip,
            &[
                (Mark::Dot(RED), "class -1"),
                (Mark::Dot(BLUE), "class +1"),
                (Mark::Swatch(RED.mix(SHADE)), "model: -1"),
                (Mark::Swatch(BLUE.mix(SHADE)), "model: +1"),
                (Mark::Line(INK), "score = 0"),
            ],
        )?;
        let mut chart = ChartBuilder::on(&plot)
            .margin(10)
            .margin_right(24)
            .x_label_area_size(48)
            .y_label_area_size(64)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc("x1")
            .y_desc("x2")
            .label_style(("sans-serif", TICKS))
            .axis_desc_style(("sans-serif", AXIS_NAME))
            .draw()
            .map_err(err)?;
        chart
            .draw_series(grid.regions().into_iter().map(|(corners, positive)| {
                let colour = if positive { BLUE } else { RED };
                Rectangle::new(corners, colour.mix(SHADE).filled())
            }))
            .map_err(err)?;
        chart
            .draw_series(
                grid.contour()
                    .into_iter()
                    .map(|line| PathElement::new(line, INK.stroke_width(2))),
            )
            .map_err(err)?;
        chart
            .draw_series(points.iter().map(|(p, y)| {
                let colour = if *y > 0.0 { BLUE } else { RED };
                Circle::new((p[0], p[1]), 5, colour.filled())
            }))
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// A function, its derivative from the engine and the finite-difference
/// slope, over `xs`, with their legend above the plot.
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
        let root = SVGBackend::with_string(&mut svg, (800, 540)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let root = root
            .titled(&format!("f(x) = {expr}"), ("sans-serif", TITLE))
            .map_err(err)?;
        let (strip, plot) = root.split_vertically(LEGEND_STRIP);
        legend_row(
            &strip,
            &[
                (Mark::Line(RED), "f(x)"),
                (Mark::Line(BLUE), "f'(x), backward pass"),
                (Mark::Cross(GREEN), "(f(x+h) - f(x-h)) / 2h"),
            ],
        )?;
        let mut chart = ChartBuilder::on(&plot)
            .margin(10)
            .margin_right(24)
            .x_label_area_size(48)
            .y_label_area_size(72)
            .build_cartesian_2d(x0..x1.max(x0 + 1e-9), lo..hi)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("x")
            .label_style(("sans-serif", TICKS))
            .axis_desc_style(("sans-serif", AXIS_NAME))
            .light_line_style(BLACK.mix(0.04))
            .draw()
            .map_err(err)?;
        let pts = |ys: &[f64]| -> Vec<(f64, f64)> {
            xs.iter()
                .zip(ys)
                .filter(|(_, y)| y.is_finite())
                .map(|(x, y)| (*x, *y))
                .collect()
        };
        chart
            .draw_series(LineSeries::new(pts(f), RED.stroke_width(2)))
            .map_err(err)?;
        chart
            .draw_series(LineSeries::new(pts(df), BLUE.stroke_width(2)))
            .map_err(err)?;
        chart
            .draw_series(
                pts(slope)
                    .into_iter()
                    .map(|p| Cross::new(p, 5, GREEN.stroke_width(2))),
            )
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contour_follows_a_straight_boundary() {
        // x + y = 1 on [0, 2]²: one line, every point on it.
        let grid = Grid::new((0.0, 2.0), (0.0, 2.0), 0.1, &mut |p: &[f64]| {
            p[0] + p[1] - 1.0
        });
        assert_eq!((grid.nx, grid.ny), (20, 20));
        let lines = grid.contour();
        assert_eq!(lines.len(), 1, "{lines:?}");
        // From one side of the plot to the other, thinned to a point
        // every few cells.
        let (first, last) = (lines[0][0], *lines[0].last().unwrap());
        let mut ends = [first, last];
        ends.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert_eq!(ends, [(0.0, 1.0), (1.0, 0.0)]);
        assert!((5..=20).contains(&lines[0].len()), "{lines:?}");
        for (x, y) in &lines[0] {
            assert!((x + y - 1.0).abs() < 1e-9, "({x}, {y})");
        }
    }

    #[test]
    fn contour_closes_around_a_disc() {
        let grid = Grid::new((-2.0, 2.0), (-2.0, 2.0), 0.05, &mut |p: &[f64]| {
            1.0 - (p[0] * p[0] + p[1] * p[1])
        });
        let lines = grid.contour();
        assert_eq!(lines.len(), 1);
        let line = &lines[0];
        assert_eq!(line.first(), line.last(), "a closed loop");
        for (x, y) in line {
            assert!(((x * x + y * y).sqrt() - 1.0).abs() < 0.01, "({x}, {y})");
        }
    }

    #[test]
    fn regions_tile_the_plot_in_runs() {
        let grid = Grid::new((0.0, 1.0), (0.0, 1.0), 0.01, &mut |p: &[f64]| p[1] - 0.5);
        let regions = grid.regions();
        // Two runs per column: below and above y = 0.5.
        assert_eq!(regions.len(), 2 * grid.nx);
        let area: f64 = regions
            .iter()
            .map(|([(a, b), (c, d)], _)| (c - a) * (d - b))
            .sum();
        assert!((area - 1.0).abs() < 1e-9);
        assert!(
            regions
                .iter()
                .all(|([(_, b), _], up)| *up == (*b >= 0.5 - 1e-9))
        );
    }

    #[test]
    fn the_grid_runs_the_model_near_the_boundary_only() {
        let f = |p: &[f64]| (3.0 * p[0]).sin() - p[1];
        let mut calls = 0;
        let grid = Grid::new((-3.0, 3.0), (-2.0, 2.0), 0.02, &mut |p: &[f64]| {
            calls += 1;
            f(p)
        });
        assert_eq!((grid.nx, grid.ny), (300, 200));
        assert!(calls * 3 < 301 * 201, "{calls} scores");
        // Every corner is on the side the model puts it.
        for i in 0..=grid.nx {
            for j in 0..=grid.ny {
                let (x, y) = grid.point(i, j);
                assert_eq!(grid.at(i, j) > 0.0, f(&[x, y]) > 0.0, "({x}, {y})");
            }
        }
    }

    #[test]
    fn the_grid_is_bounded_whatever_the_step() {
        let mut calls = 0;
        let grid = Grid::new((0.0, 1000.0), (0.0, 10.0), 0.001, &mut |_: &[f64]| {
            calls += 1;
            1.0
        });
        assert_eq!(grid.nx, MAX_CELLS);
        // One class everywhere: the model runs at the blocks' corners only.
        assert_eq!(calls, (MAX_CELLS / COARSE + 1) * 2);
        let grid = Grid::new((0.0, 1.0), (0.0, 1.0), f64::NAN, &mut |_: &[f64]| 1.0);
        assert_eq!((grid.nx, grid.ny), (1, 1));
    }

    #[test]
    fn loss_steps_are_whole_numbers() {
        // Three steps: ticks 0, 1, 2 and nothing between.
        let svg = training_curves("t", &[1.0, 0.5, 0.2], &[0.5, 0.75, 1.0]).unwrap();
        // The step axis's labels: centred under their ticks.
        let lines: Vec<&str> = svg.lines().collect();
        let steps: Vec<&str> = lines
            .windows(2)
            .filter(|w| w[0].contains("text-anchor=\"middle\"") && !w[0].contains("rotate"))
            .map(|w| w[1])
            .filter(|t| t.parse::<f64>().is_ok())
            .collect();
        assert_eq!(steps, ["0", "1", "2", "0", "1", "2"], "{svg}");
    }
}
