//! Renderers: a graph (a root and its ancestors) to DOT, JSON, a shape
//! text, SVG (embedded layout engine or the system `dot`), PNG, and
//! step-by-step backprop frames. Each returns bytes and never writes: the
//! caller decides where they go.

pub mod dot;
pub mod json;
pub mod notebook;
pub mod plot;
#[cfg(feature = "png")]
pub mod png;
pub mod shape;
pub mod steps;
pub(crate) mod style;
pub mod svg;

use std::fmt;
use std::str::FromStr;

use crate::engine::{Graph, ValueId};

pub use dot::{DotOptions, Frame, View, to_dot};
pub use json::to_json;
pub use shape::to_shape;

/// The direction of the layout, Graphviz's `rankdir`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RankDir {
    /// Left to right, as `draw_dot` draws.
    #[default]
    LR,
    /// Top to bottom.
    TB,
    /// Right to left.
    RL,
    /// Bottom to top.
    BT,
}

impl FromStr for RankDir {
    type Err = String;

    /// Parses `LR`, `TB`, `RL` or `BT` (any case).
    ///
    /// ```
    /// use gradviz::render::RankDir;
    /// assert_eq!("tb".parse::<RankDir>(), Ok(RankDir::TB));
    /// ```
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_uppercase().as_str() {
            "LR" => Ok(RankDir::LR),
            "TB" => Ok(RankDir::TB),
            "RL" => Ok(RankDir::RL),
            "BT" => Ok(RankDir::BT),
            _ => Err(format!("unknown rankdir `{s}` (expected LR, TB, RL or BT)")),
        }
    }
}

impl fmt::Display for RankDir {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RankDir::LR => "LR",
            RankDir::TB => "TB",
            RankDir::RL => "RL",
            RankDir::BT => "BT",
        })
    }
}

/// The nodes of a diagram: `root` and its ancestors in index order, and a
/// map from graph index to the dense id (0, 1, 2, …) used in the output.
pub(crate) struct Traced {
    pub ids: Vec<ValueId>,
    dense: Vec<u32>,
}

impl Traced {
    pub fn new(graph: &Graph, root: ValueId) -> Self {
        let ids = graph.ancestors(root);
        let bound = ids.last().map_or(0, |id| id.index() + 1);
        let mut dense = vec![u32::MAX; bound];
        for (i, id) in ids.iter().enumerate() {
            dense[id.index()] = i as u32;
        }
        Traced { ids, dense }
    }

    /// The dense output id of a node of the diagram.
    pub fn id(&self, id: ValueId) -> u32 {
        self.dense[id.index()]
    }
}
