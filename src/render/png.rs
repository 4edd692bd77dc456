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

/// The widest PNG made when no size is asked for: 4,096 px.
pub const DEFAULT_MAX_WIDTH: u32 = 4096;

/// How large a PNG is made.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PngSize {
    /// `factor` × the SVG's own size (1.0 = 96 dpi).
    Scale(f32),
    /// This many pixels wide, the height in proportion.
    Width(u32),
    /// Twice the SVG's size (sharp on high-density screens), but no wider
    /// than [`DEFAULT_MAX_WIDTH`]: a long graph drawn left to right
    /// otherwise makes an image of 13,000 px that no page shows whole.
    Default,
}

/// Rasterises an SVG at the size asked for, on white.
///
/// ```
/// use gradviz::render::png::{to_png_sized, PngSize};
/// let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="6000pt" height="10pt"><rect width="5" height="5"/></svg>"#;
/// let png = to_png_sized(svg, PngSize::Default).unwrap();
/// // The width is in the header's bytes 16..20.
/// assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), 4096);
/// let png = to_png_sized(svg, PngSize::Width(300)).unwrap();
/// assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), 300);
/// ```
pub fn to_png_sized(svg: &str, size: PngSize) -> Result<Vec<u8>, RenderError> {
    let tree = parse(svg)?;
    let width = tree.size().width();
    let scale = match size {
        PngSize::Scale(s) => s,
        PngSize::Width(px) => px as f32 / width,
        PngSize::Default => 2.0_f32.min(DEFAULT_MAX_WIDTH as f32 / width),
    };
    rasterise(&tree, scale)
}

/// Rasterises an SVG at `scale` (1.0 = 96 dpi, the SVG's own size) on white.
///
/// ```
/// let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="20pt" height="10pt"><rect width="5" height="5"/></svg>"#;
/// let png = gradviz::render::png::to_png(svg, 2.0).unwrap();
/// assert_eq!(&png[1..4], b"PNG");
/// ```
pub fn to_png(svg: &str, scale: f32) -> Result<Vec<u8>, RenderError> {
    rasterise(&parse(svg)?, scale)
}

/// The SVG parsed, with the bundled font for its text.
fn parse(svg: &str) -> Result<usvg::Tree, RenderError> {
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
    usvg::Tree::from_str(svg, &options).map_err(|e| RenderError::Png(e.to_string()))
}

fn rasterise(tree: &usvg::Tree, scale: f32) -> Result<Vec<u8>, RenderError> {
    if !(scale.is_finite() && scale > 0.0) {
        return Err(RenderError::Png(format!(
            "the scale must be positive, not {scale}"
        )));
    }
    let size = tree.size();
    let (w, h) = (
        (size.width() * scale).ceil(),
        (size.height() * scale).ceil(),
    );
    if f64::from(w) * f64::from(h) > MAX_PIXELS {
        return Err(RenderError::Png(format!(
            "{w} × {h} pixels is too large; lower --scale or --width, or render SVG"
        )));
    }
    let mut pixmap = tiny_skia::Pixmap::new(w.max(1.0) as u32, h.max(1.0) as u32)
        .ok_or_else(|| RenderError::Png("cannot allocate the image".into()))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| RenderError::Png(e.to_string()))
}
