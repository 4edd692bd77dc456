//! The options that choose how a diagram looks and which engine draws it,
//! shared by `render` and `steps`.

use clap::{Args, ValueEnum};

use super::CliError;
use gradviz::render::svg::{self, Engine, RenderError};
use gradviz::render::{DotOptions, RankDir, View, write_dot};
use gradviz::script::Diagram;

/// The layout direction on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RankDirArg {
    /// Left to right (draw_dot's default).
    #[value(name = "LR", alias = "lr")]
    Lr,
    /// Top to bottom.
    #[value(name = "TB", alias = "tb")]
    Tb,
    /// Right to left.
    #[value(name = "RL", alias = "rl")]
    Rl,
    /// Bottom to top.
    #[value(name = "BT", alias = "bt")]
    Bt,
}

impl From<RankDirArg> for RankDir {
    fn from(r: RankDirArg) -> RankDir {
        match r {
            RankDirArg::Lr => RankDir::LR,
            RankDirArg::Tb => RankDir::TB,
            RankDirArg::Rl => RankDir::RL,
            RankDirArg::Bt => RankDir::BT,
        }
    }
}

/// Which numbers the value nodes show.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ViewArg {
    /// Data only, `{ label | data }`.
    Forward,
    /// Data and grad, `{ label | data | grad }`.
    Backward,
}

/// The layout engine for SVG and PNG.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EngineArg {
    /// In-process layout, no Graphviz needed (deterministic output).
    Embedded,
    /// The system Graphviz `dot`.
    Dot,
    /// `dot` when it is on PATH, otherwise the embedded engine.
    Auto,
}

/// How the diagram looks.
#[derive(Args, Debug)]
pub struct ViewArgs {
    /// Layout direction [default: draw_dot's rankdir argument, else LR]
    #[arg(long, value_enum)]
    pub rankdir: Option<RankDirArg>,
    /// forward (data) or backward (data and grad) [default: backward after a
    /// backward pass, forward before]
    #[arg(long, value_enum)]
    pub view: Option<ViewArg>,
    /// Label every edge with the chain rule: the local derivative ∂out/∂in
    /// and the gradient it carries (∂L/∂out · ∂out/∂in).
    #[arg(long)]
    pub chain_rule: bool,
    /// Colour value nodes by the sign and size of their gradient (with a
    /// legend); non-finite and huge gradients are marked.
    #[arg(long)]
    pub color: bool,
    /// Highlight the nodes with these labels (comma-separated).
    #[arg(long, value_name = "LABELS", value_delimiter = ',')]
    pub highlight: Vec<String>,
    /// Draw each neuron (innermost cluster) as a single node: big models stay
    /// readable.
    #[arg(long)]
    pub collapse: bool,
    /// Layout engine for svg and png.
    #[arg(long, value_enum, default_value = "embedded")]
    pub engine: EngineArg,
    /// The most value nodes the embedded engine lays out.
    #[arg(long, value_name = "N", default_value_t = 2_500)]
    pub max_layout_nodes: usize,
    /// Give up on an SVG or PNG layout after this many seconds.
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    pub layout_timeout: u64,
}

impl ViewArgs {
    /// The DOT options for a diagram, with what its `draw_dot` call asked
    /// for (`rankdir=`, `collapse=True`) where the flags say nothing.
    pub fn dot_options(&self, diagram: &Diagram) -> DotOptions {
        let script_rankdir = diagram.rankdir.as_deref();
        DotOptions {
            rankdir: self
                .rankdir
                .map(Into::into)
                .or_else(|| script_rankdir.and_then(|r| r.parse().ok()))
                .unwrap_or_default(),
            view: self.view.map(|v| match v {
                ViewArg::Forward => View::Forward,
                ViewArg::Backward => View::Backward,
            }),
            edge_grads: self.chain_rule,
            color: self.color,
            highlight: self.highlight.clone(),
            frame: None,
            collapse: self.collapse || diagram.collapse,
        }
    }

    /// The engine to use.
    pub fn engine(&self) -> Engine {
        match self.engine {
            EngineArg::Embedded => Engine::Embedded,
            EngineArg::Dot => Engine::System,
            EngineArg::Auto => Engine::Auto,
        }
    }

    /// The DOT of a diagram to lay out, refused past [`MAX_LAYOUT_DOT`]
    /// (labels of megabytes) before it is made whole.
    pub fn layout_dot(&self, d: &Diagram, options: &DotOptions) -> Result<String, CliError> {
        let mut dot = Vec::new();
        let mut capped = Capped {
            out: &mut dot,
            left: MAX_LAYOUT_DOT,
        };
        write_dot(&mut capped, &d.graph, d.root, options).map_err(|_| {
            CliError::input(
                format!(
                    "the diagram is too large to draw: its DOT passes {} MiB (labels of {} in all)",
                    MAX_LAYOUT_DOT >> 20,
                    label_bytes(d),
                ),
                Some("shorten the labels, or write --format dot or json, which take up to 1 GiB"),
            )
        })?;
        Ok(String::from_utf8(dot).expect("DOT is UTF-8"))
    }

    /// Refuses a `--highlight` label that no value of the diagrams has:
    /// a typo would otherwise highlight nothing, silently.
    pub fn check_highlight(&self, diagrams: &[&Diagram]) -> Result<(), CliError> {
        let mut labels = std::collections::BTreeSet::new();
        for d in diagrams {
            let store = d.graph.store();
            for id in d.graph.ancestors(d.root) {
                let label = store.node(id).label_str();
                if !label.is_empty() {
                    labels.insert(label.to_owned());
                }
            }
        }
        if let Some(missing) = self.highlight.iter().find(|h| !labels.contains(*h)) {
            let known: Vec<&str> = labels.iter().take(12).map(String::as_str).collect();
            let more = if labels.len() > known.len() {
                ", …"
            } else {
                ""
            };
            return Err(CliError::usage(
                format!("no value in the diagram has the label `{missing}` (--highlight)"),
                Some(&if known.is_empty() {
                    "the diagram's values have no labels: set them (label='a' or v.label = 'a')"
                        .to_owned()
                } else {
                    format!("its labels: {}{more}", known.join(", "))
                }),
            ));
        }
        Ok(())
    }

    /// A diagram laid out as SVG with the view's options.
    pub fn svg_of(&self, d: &Diagram) -> Result<String, CliError> {
        self.svg(&self.layout_dot(d, &self.dot_options(d))?, d.graph.len())
    }

    /// Lays out `dot` as SVG, refusing graphs too large for the embedded
    /// engine.
    pub fn svg(&self, dot: &str, values: usize) -> Result<String, CliError> {
        self.svgs(&[dot], values).map(|mut v| v.remove(0))
    }

    /// The SVGs of several diagrams of up to `values` values each (the
    /// frames of `steps`), laid out within one --layout-timeout in all.
    pub fn svgs(&self, dots: &[&str], values: usize) -> Result<Vec<String>, CliError> {
        let engine = svg::resolve(self.engine());
        if engine == Engine::Embedded {
            svg::check_layout_size(values, self.max_layout_nodes)?;
        }
        let deadline =
            std::time::Instant::now() + std::time::Duration::from_secs(self.layout_timeout);
        dots.iter()
            .map(|dot| {
                Ok(svg::to_svg_until(
                    dot,
                    engine,
                    deadline,
                    self.layout_timeout,
                )?)
            })
            .collect()
    }
}

/// The most DOT a diagram to be drawn (SVG, PNG, a notes block, a steps
/// frame) may make: 8 MiB, about 30 times what the largest graph the
/// embedded engine takes (2,500 values) makes with ordinary labels.
pub const MAX_LAYOUT_DOT: usize = 8 << 20;

/// An in-memory writer that fails past a size.
struct Capped<'a> {
    out: &'a mut Vec<u8>,
    left: usize,
}

impl std::io::Write for Capped<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if buf.len() > self.left {
            return Err(std::io::Error::other("too large"));
        }
        self.left -= buf.len();
        self.out.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The total length of the labels of a diagram's values, as `12.5 MiB`.
fn label_bytes(d: &Diagram) -> String {
    let store = d.graph.store();
    let bytes: usize = d
        .graph
        .ancestors(d.root)
        .iter()
        .map(|id| store.node(*id).label_str().len())
        .sum();
    format!("{:.1} MiB", bytes as f64 / f64::from(1 << 20))
}

impl From<RenderError> for CliError {
    fn from(e: RenderError) -> CliError {
        CliError::input(e.to_string(), e.hint())
    }
}
