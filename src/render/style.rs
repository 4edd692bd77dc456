//! Colours of the teaching views: a diverging palette for gradients (red
//! negative, blue positive, white zero), marks for non-finite and huge
//! gradients, and the colours of backprop frames and highlights.

use std::fmt::Write as _;

use super::dot::{fixed4, quoted_text};

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

/// White blended towards `to` by `t` in [0, 1].
fn blend(to: (u8, u8, u8), t: f64) -> String {
    let mix = |c: u8| (255.0 + (f64::from(c) - 255.0) * t).round() as u8;
    format!("#{:02x}{:02x}{:02x}", mix(to.0), mix(to.1), mix(to.2))
}

/// DOT attributes that fill a value node by its gradient, relative to the
/// largest finite |gradient| of the diagram (square-root scale, so small
/// gradients stay visible).
pub fn grad_fill(grad: f64, max: f64) -> String {
    if !grad.is_finite() {
        return "style=\"filled,bold\", fillcolor=\"#fff176\", color=\"#c62828\", penwidth=2.5"
            .into();
    }
    let t = if max > 0.0 {
        (grad.abs() / max).sqrt()
    } else {
        0.0
    };
    let fill = blend(if grad < 0.0 { NEGATIVE } else { POSITIVE }, t);
    let mut s = format!("style=filled, fillcolor=\"{fill}\"");
    if grad.abs() >= HUGE {
        s.push_str(", color=\"#c62828\", penwidth=2.5");
    }
    s
}

/// A legend for the gradient colours: −max, 0, +max, and the marks.
pub fn write_legend(out: &mut String, max: f64) {
    out.push_str("  subgraph cluster_legend {\n");
    out.push_str(
        "    label=\"gradient\"; style=\"rounded\"; color=\"#bdbdbd\"; fontcolor=\"#616161\";\n",
    );
    let entries = [
        (
            "legend_neg",
            format!("-{}", fixed4(max)),
            blend(NEGATIVE, 1.0),
        ),
        ("legend_zero", "0".to_string(), "#ffffff".to_string()),
        (
            "legend_pos",
            format!("+{}", fixed4(max)),
            blend(POSITIVE, 1.0),
        ),
    ];
    for (id, text, fill) in &entries {
        let _ = writeln!(
            out,
            "    {id} [label=\"{}\", shape=box, style=filled, fillcolor=\"{fill}\", fontsize=10, height=0.25];",
            quoted_text(text)
        );
    }
    let _ = writeln!(
        out,
        "    legend_huge [label=\"|grad| ≥ 1e6\", shape=box, color=\"#c62828\", penwidth=2.5, fontsize=10, height=0.25];"
    );
    out.push_str("    legend_nonfinite [label=\"inf / nan\", shape=box, style=\"filled,bold\", fillcolor=\"#fff176\", color=\"#c62828\", penwidth=2.5, fontsize=10, height=0.25];\n");
    out.push_str("    legend_neg -> legend_zero -> legend_pos -> legend_huge -> legend_nonfinite [style=invis];\n");
    out.push_str("  }\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn palette_is_diverging() {
        assert_eq!(grad_fill(0.0, 1.0), "style=filled, fillcolor=\"#ffffff\"");
        assert!(grad_fill(-1.0, 1.0).contains("#d6604d"));
        assert!(grad_fill(1.0, 1.0).contains("#4393c3"));
        assert!(grad_fill(f64::NAN, 1.0).contains("#fff176"));
        assert!(grad_fill(2e6, 2e6).contains("penwidth"));
    }
}
