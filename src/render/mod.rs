//! Renderers: a graph (a root and its ancestors) to DOT, JSON, a shape
//! text, SVG (embedded layout engine or the system `dot`), PNG, and
//! step-by-step backprop frames. Each returns bytes and never writes: the
//! caller decides where they go.

pub(crate) mod collapsed;
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
pub mod viewer;

use std::fmt;
use std::io;
use std::str::FromStr;

use crate::engine::{Graph, ValueId};

pub use dot::{DotOptions, Frame, View, to_dot, write_dot};
pub use json::{to_json, write_json};
pub use shape::{to_shape, write_shape};

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

/// Runs a renderer that writes text (`fmt::Write`) into an `io::Write`,
/// keeping the I/O error that stopped it (`fmt::Error` carries none).
pub(crate) fn write_io(
    out: &mut dyn io::Write,
    render: impl FnOnce(&mut dyn fmt::Write) -> fmt::Result,
) -> io::Result<()> {
    struct Adapter<'a> {
        out: &'a mut dyn io::Write,
        error: Option<io::Error>,
    }
    impl fmt::Write for Adapter<'_> {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            self.out.write_all(s.as_bytes()).map_err(|e| {
                self.error = Some(e);
                fmt::Error
            })
        }
    }
    let mut adapter = Adapter { out, error: None };
    match render(&mut adapter) {
        Ok(()) => Ok(()),
        Err(fmt::Error) => Err(adapter
            .error
            .unwrap_or_else(|| io::Error::other("a renderer failed"))),
    }
}
