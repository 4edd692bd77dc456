//! Colours of the teaching views: a diverging palette for gradients (red
//! negative, blue positive, white zero) on a symmetric-log scale, marks for
//! non-finite and huge gradients, and the colours of backprop frames and
//! highlights.

use std::fmt::Write as _;

use crate::pyfmt::{Number, format_number};

/// The node whose chain rule runs in a backprop frame.
pub const CURRENT: &str = "#ffd54f";
/// Nodes that already hold their gradient in a backprop frame.
pub const REACHED: &str = "#c8e6c9";
/// Text of nodes not reached yet in a backprop frame.
pub const PENDING: &str = "#9e9e9e";
/// Edges along which gradient flows in the current frame.
pub const FLOW: &str = "#2e7d32";
/// Outline of highlighted nodes.
pub const HIGHLIGHT: &str = "#e6550d";

const NEGATIVE: (u8, u8, u8) = (0xd6, 0x60, 0x4d);
const POSITIVE: (u8, u8, u8) = (0x43, 0x93, 0xc3);
/// Gradients beyond this size are marked as huge.
pub const HUGE: f64 = 1e6;
/// Fill of the nodes whose gradient is `inf` or `nan`.
const NON_FINITE_FILL: &str = "#fff176";
/// Outline of the nodes whose gradient is huge or not finite.
const ALARM: &str = "#c62828";

/// The least colour strength of a non-zero gradient: however small it is
/// next to the largest, it is tinted, so that "tiny" never reads as "zero"
/// (a zero gradient, such as behind a dead ReLU, stays white).
const FLOOR: f64 = 0.2;

/// How far from white (0) to the full colour (1) a gradient is filled:
/// a symmetric-log scale relative to the diagram's largest finite |gradient|
/// `max`.
///
/// `t = log(1 + |g|/c) / log(1 + max/c)`, linear for |g| well below `c`
/// and logarithmic above it, so that gradients spanning orders of magnitude
/// each get their own shade instead of all but the largest few looking
/// white (as on a linear or square-root scale).
///
/// The linear threshold `c` is 1 — the gradient `backward()` seeds the root
/// with, below which a nudge of a value moves the output less than the
/// nudge itself — kept between `max`/1000 and `max`/10, so that the
/// logarithmic part always spans one to three decades:
///
/// - micrograd's README example (|grad| from 0.02 to 645.6, `c` = 1):
///   0.02, 0.5, 1, 7, 14, 28, 83, 139 and 646 come out at 0.20, 0.25,
///   0.29, 0.46, 0.53, 0.62, 0.75, 0.81 and 1 — every level of the graph
///   its own shade;
/// - the lecture's L (1, 2, 4, 6; `c` = 0.6) at 0.53, 0.69, 0.88, 1 and
///   its neuron (0.5, 1, 1.5; `c` = 0.15) at 0.69, 0.88, 1, where a
///   threshold in proportion to `max` (`max`·1e-3 or `max`·1e-4) would
///   crowd them into the darkest fifth (0.79 to 1), spending the scale on
///   gradients smaller than any in the diagram.
///
/// (The smallest non-zero |gradient| would be another choice of `c`, but
/// only `max` reaches this function; `c` = 1 gives the lecture's graphs the
/// same spread.)
///
/// Any non-zero gradient gets at least [`FLOOR`]; 0, and everything when
/// `max` is 0 or not finite, is white.
fn strength(grad: f64, max: f64) -> f64 {
    if grad == 0.0 || !grad.is_finite() || !(max > 0.0 && max.is_finite()) {
        return 0.0;
    }
    // In units of `max`: r in (0, 1], and k = c / max in [1e-3, 0.1], so
    // that no step can divide by zero or overflow whatever `max` is.
    let r = (grad.abs() / max).min(1.0);
    let k = (1.0 / max).clamp(1e-3, 0.1);
    let t = (r / k).ln_1p() / (1.0 / k).ln_1p();
    FLOOR + (1.0 - FLOOR) * t.clamp(0.0, 1.0)
}

/// White blended towards `to` by `t` in [0, 1].
fn blend(to: (u8, u8, u8), t: f64) -> String {
    let mix = |c: u8| (255.0 + (f64::from(c) - 255.0) * t).round() as u8;
    format!("#{:02x}{:02x}{:02x}", mix(to.0), mix(to.1), mix(to.2))
}

/// The fill colour of a finite gradient: red negative, blue positive, white
/// zero, as strong as `strength` says.
fn fill_colour(grad: f64, max: f64) -> String {
    blend(
        if grad < 0.0 { NEGATIVE } else { POSITIVE },
        strength(grad, max),
    )
}

/// DOT attributes that fill a value node by its gradient, on a diverging
/// symmetric-log scale relative to the largest finite |gradient| `max` of
/// the diagram (see `strength`). A huge gradient (|grad| ≥ [`HUGE`]) also
/// gets a thick red outline; a non-finite one (`inf`, `nan`) is filled
/// yellow with a thick red outline.
pub fn grad_fill(grad: f64, max: f64) -> String {
    if !grad.is_finite() {
        return format!(
            "style=\"filled,bold\", fillcolor=\"{NON_FINITE_FILL}\", color=\"{ALARM}\", penwidth=2.5"
        );
    }
    let mut s = format!("style=filled, fillcolor=\"{}\"", fill_colour(grad, max));
    if grad.abs() >= HUGE {
        let _ = write!(s, ", color=\"{ALARM}\", penwidth=2.5");
    }
    s
}

/// A tick of the legend: `x` with a sign and four significant digits.
fn tick(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    format_number(Number::Float(x), "+.4g").unwrap_or_else(|_| x.to_string())
}

/// A legend for the gradient colours, written as the diagram's label at its
/// top left (so that it takes no place in the layout of the graph): a
/// framed table titled "gradient (symmetric log)" with one swatch per tick —
/// −max, −max/10, −max/100, 0, +max/100, +max/10, +max, each filled as a
/// node of that gradient is — and the two marks: a huge gradient's thick
/// red outline and a non-finite gradient's yellow fill in a thick red
/// outline.
pub fn write_legend(out: &mut String, max: f64) {
    let ticks: Vec<f64> = if max > 0.0 && max.is_finite() {
        let side = [max, max / 10.0, max / 100.0];
        side.iter()
            .map(|x| -x)
            .chain([0.0])
            .chain(side.iter().rev().copied())
            .collect()
    } else {
        vec![0.0]
    };
    out.push_str("  labelloc=t; labeljust=l;\n");
    let _ = write!(
        out,
        "  label=<<TABLE BORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"0\"><TR><TD>\
         <TABLE BORDER=\"1\" STYLE=\"rounded\" COLOR=\"#bdbdbd\" CELLBORDER=\"0\" CELLSPACING=\"6\" CELLPADDING=\"2\">\
         <TR><TD COLSPAN=\"3\" ALIGN=\"LEFT\"><FONT POINT-SIZE=\"14\" COLOR=\"#424242\">gradient (symmetric log)</FONT></TD></TR>\
         <TR><TD><TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"5\"><TR>"
    );
    for x in ticks {
        let _ = write!(
            out,
            "<TD BGCOLOR=\"{}\" COLOR=\"#444444\" WIDTH=\"60\">{}</TD>",
            fill_colour(x, max),
            tick(x)
        );
    }
    let _ = writeln!(
        out,
        "</TR></TABLE></TD>\
         <TD BORDER=\"3\" CELLPADDING=\"5\" COLOR=\"{ALARM}\">|grad| ≥ 1e6</TD>\
         <TD BORDER=\"3\" CELLPADDING=\"5\" COLOR=\"{ALARM}\" BGCOLOR=\"{NON_FINITE_FILL}\">inf / nan</TD></TR></TABLE>\
         </TD></TR><TR><TD HEIGHT=\"12\"></TD></TR></TABLE>>;"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fill colour of `grad` as (r, g, b).
    fn rgb(grad: f64, max: f64) -> (u8, u8, u8) {
        let s = fill_colour(grad, max);
        let byte = |i: usize| u8::from_str_radix(&s[i..i + 2], 16).unwrap();
        (byte(1), byte(3), byte(5))
    }

    /// How far from white: the sum of the three channels' distances.
    fn depth(grad: f64, max: f64) -> u32 {
        let (r, g, b) = rgb(grad, max);
        [r, g, b].iter().map(|c| u32::from(255 - c)).sum()
    }

    #[test]
    fn palette_is_diverging() {
        assert_eq!(grad_fill(0.0, 1.0), "style=filled, fillcolor=\"#ffffff\"");
        assert_eq!(grad_fill(-0.0, 1.0), "style=filled, fillcolor=\"#ffffff\"");
        assert!(grad_fill(-1.0, 1.0).contains("#d6604d"));
        assert!(grad_fill(1.0, 1.0).contains("#4393c3"));
        assert!(grad_fill(f64::NAN, 1.0).contains("#fff176"));
        assert!(grad_fill(f64::NEG_INFINITY, 1.0).contains("#fff176"));
        assert!(grad_fill(2e6, 2e6).contains("penwidth"));
        assert!(!grad_fill(9e5, 2e6).contains("penwidth"));
        let (r, _, b) = rgb(-0.3, 1.0);
        assert!(r > b, "negative is red-ish");
        let (r, _, b) = rgb(0.3, 1.0);
        assert!(b > r, "positive is blue-ish");
    }

    #[test]
    fn scale_is_monotonic_and_symmetric() {
        for max in [1e-9, 0.01, 1.5, 6.0, 645.5773, 1e7] {
            let mut last = 0.0;
            for i in 0..=1000 {
                // 0 and then |g| from max·1e-8 up to max, in even log steps.
                let g = if i == 0 {
                    0.0
                } else {
                    max * 10f64.powf(-8.0 * (1.0 - f64::from(i) / 1000.0))
                };
                let t = strength(g, max);
                assert!(t >= last, "max {max}: {g} gives {t} < {last}");
                assert_eq!(t, strength(-g, max), "symmetric at {g}");
                last = t;
            }
            assert_eq!(strength(max, max), 1.0, "max {max} is full colour");
            assert_eq!(fill_colour(max, max), "#4393c3");
            assert_eq!(fill_colour(-max, max), "#d6604d");
            assert_eq!(fill_colour(0.0, max), "#ffffff");
        }
    }

    #[test]
    fn small_gradients_are_not_white() {
        // micrograd's README example: 0.0204 next to 645.5773.
        assert!(
            depth(0.0204, 645.5773) >= 65,
            "{}",
            fill_colour(0.0204, 645.5773)
        );
        assert!(depth(-0.0204, 645.5773) >= 65);
        // Far below anything shown, still tinted.
        assert!(depth(1e-300, 1.0) >= 65);
        assert!(depth(f64::MIN_POSITIVE, 1e300) >= 65);
        // The README's levels are each a visibly different shade.
        let levels = [
            0.4958, 1.0, 6.9417, 13.8834, 27.7668, 83.3003, 138.8338, 645.5773,
        ];
        for pair in levels.windows(2) {
            assert!(
                strength(pair[1], 645.5773) - strength(pair[0], 645.5773) >= 0.03,
                "{pair:?}"
            );
        }
        // So are the lecture's: L (1, 2, 4, 6) and the neuron (0.5, 1, 1.5).
        for (levels, max) in [
            (&[1.0, 2.0, 4.0, 6.0][..], 6.0),
            (&[0.5, 1.0, 1.5][..], 1.5),
        ] {
            for pair in levels.windows(2) {
                assert!(
                    strength(pair[1], max) - strength(pair[0], max) >= 0.1,
                    "{pair:?}"
                );
            }
        }
    }

    #[test]
    fn legend_names_the_scale_and_its_marks() {
        let mut out = String::new();
        write_legend(&mut out, 645.5773);
        assert!(out.contains(">gradient (symmetric log)<"), "{out}");
        for text in [
            "-645.6", "-64.56", "-6.456", ">0<", "+6.456", "+64.56", "+645.6",
        ] {
            assert!(out.contains(text), "{text} in {out}");
        }
        assert!(out.contains("BGCOLOR=\"#d6604d\"") && out.contains("BGCOLOR=\"#4393c3\""));
        assert!(out.contains("|grad| ≥ 1e6") && out.contains("inf / nan"));
        let mut flat = String::new();
        write_legend(&mut flat, 0.0);
        assert!(flat.contains(">0<") && !flat.contains("+0"), "{flat}");
    }
}
