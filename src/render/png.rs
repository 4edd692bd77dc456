//! PNG: the SVG rasterised in-process by resvg, with a bundled font
//! (Cousine, OFL-1.1, metric-compatible with the Courier metrics the layout
//! uses), so text renders on a machine with no fonts installed.

use std::sync::Arc;

use resvg::{tiny_skia, usvg};

use super::svg::RenderError;

const COUSINE: &[u8] = include_bytes!("../../assets/fonts/Cousine-Regular.ttf");
const COUSINE_BOLD: &[u8] = include_bytes!("../../assets/fonts/Cousine-Bold.ttf");

/// The largest image made, in pixels (a 10,000 × 10,000 PNG).
pub const MAX_PIXELS: f64 = 1e8;

/// Rasterises an SVG at `scale` (1.0 = 96 dpi, the SVG's own size) on white.
///
/// ```
/// let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="20pt" height="10pt"><rect width="5" height="5"/></svg>"#;
/// let png = gradviz::render::png::to_png(svg, 2.0).unwrap();
/// assert_eq!(&png[1..4], b"PNG");
/// ```
pub fn to_png(svg: &str, scale: f32) -> Result<Vec<u8>, RenderError> {
    if !(scale.is_finite() && scale > 0.0) {
        return Err(RenderError::Png(format!(
            "the scale must be positive, not {scale}"
        )));
    }
    let mut db = usvg::fontdb::Database::new();
    db.load_font_data(COUSINE.to_vec());
    db.load_font_data(COUSINE_BOLD.to_vec());
    for set in [
        usvg::fontdb::Database::set_monospace_family,
        usvg::fontdb::Database::set_serif_family,
        usvg::fontdb::Database::set_sans_serif_family,
    ] {
        set(&mut db, "Cousine");
    }
    let options = usvg::Options {
        fontdb: Arc::new(db),
        font_family: "Cousine".into(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| RenderError::Png(e.to_string()))?;
    let size = tree.size();
    let (w, h) = (
        (size.width() * scale).ceil(),
        (size.height() * scale).ceil(),
    );
    if f64::from(w) * f64::from(h) > MAX_PIXELS {
        return Err(RenderError::Png(format!(
            "{w} × {h} pixels is too large; lower --scale or render SVG"
        )));
    }
    let mut pixmap = tiny_skia::Pixmap::new(w.max(1.0) as u32, h.max(1.0) as u32)
        .ok_or_else(|| RenderError::Png("cannot allocate the image".into()))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| RenderError::Png(e.to_string()))
}
