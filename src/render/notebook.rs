//! Diagrams in Jupyter notebooks (the evcxr Rust kernel): a [`Picture`]
//! displays itself as SVG when it is the value of a cell.

use super::dot::{DotOptions, to_dot};
use super::svg::{Engine, RenderError, to_svg};
use crate::engine::Value;

/// An SVG diagram that evcxr displays inline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Picture {
    /// The SVG document.
    pub svg: String,
}

impl Picture {
    /// What evcxr calls to show a cell's value: the SVG between its content
    /// markers.
    pub fn evcxr_display(&self) {
        println!("{}", self.evcxr_text());
    }

    /// The text `evcxr_display` prints.
    pub fn evcxr_text(&self) -> String {
        format!(
            "EVCXR_BEGIN_CONTENT image/svg+xml\n{}\nEVCXR_END_CONTENT",
            super::svg::svg_element(&self.svg)
        )
    }
}

/// Draws `value`'s graph (like `draw_dot(value)`) with the embedded engine.
///
/// In an evcxr notebook:
///
/// ```
/// # #[cfg(feature = "embedded")] {
/// use gradviz::{Graph, render::notebook::draw};
/// let g = Graph::new();
/// let a = g.value(2.0).with_label("a");
/// let o = (a * 3.0).tanh().with_label("o");
/// o.backward();
/// let picture = draw(o).unwrap(); // as the last expression of a cell, this shows the diagram
/// assert!(picture.evcxr_text().starts_with("EVCXR_BEGIN_CONTENT image/svg+xml\n<svg"));
/// # }
/// ```
pub fn draw(value: Value<'_>) -> Result<Picture, RenderError> {
    let dot = to_dot(value.graph(), value.id(), &DotOptions::default());
    Ok(Picture {
        svg: to_svg(&dot, Engine::Embedded)?,
    })
}
