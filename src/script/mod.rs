//! The script runner: micrograd programs in Python, run on the engine.
//!
//! The road is [`front`] (Ruff's Python parser) → [`compile`] (names
//! resolved to slots, unsupported code refused) → [`ir`] → `runtime`
//! (objects, calls, limits; Python's semantics, micrograd's `Value` lowered
//! onto the graph exactly as `engine.py` does) with [`modules`] beside it.

// Script errors carry their whole diagnostic and are returned once.
#![allow(clippy::result_large_err)]

pub mod compile;
pub mod error;
pub mod front;
pub mod ir;
pub mod modules;
mod runtime;
mod session;

use std::io::Write;
use std::sync::mpsc;

pub use error::{ErrorKind, ScriptError, Span, TraceFrame};
pub use session::Session;

use crate::engine::{Graph, ValueId};

/// How a script runs.
#[derive(Clone, Debug)]
pub struct Options {
    /// Label unlabelled values with the name they are assigned to (`e = a*b`
    /// gives `e`). Explicit labels always win.
    pub auto_labels: bool,
    /// Allow `inf` and `nan` results (IEEE semantics) instead of stopping
    /// with an error at the operation that produced them.
    pub ieee: bool,
    /// The most value nodes a script may hold at once (released ones do not
    /// count; `draw_dot` copies do).
    pub max_nodes: usize,
    /// Seconds the script may run.
    pub timeout: f64,
    /// The most bytes the process may hold while the script runs, checked
    /// with `memory_in_use`.
    pub max_memory: usize,
    /// How many bytes are allocated now (the binary's counting allocator);
    /// without it only sizes are checked.
    pub memory_in_use: Option<fn() -> usize>,
    /// The seed of `random` until the script seeds it.
    pub seed: i64,
    /// Group the values made in a method of a script object by that object
    /// (a cluster per neuron, nested in its layer).
    pub object_groups: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            auto_labels: true,
            ieee: false,
            max_nodes: 5_000_000,
            timeout: 60.0,
            max_memory: 2 << 30,
            memory_in_use: None,
            seed: 0,
            object_groups: true,
        }
    }
}

/// A diagram the script asked for: a snapshot of a value's graph.
#[derive(Debug)]
pub struct Diagram {
    /// The root and its ancestors, as they were when the diagram was taken.
    pub graph: Graph,
    /// The root in `graph`.
    pub root: ValueId,
    /// The `draw_dot(...)` call, or `None` for the implicit final diagram.
    pub span: Option<Span>,
    /// `rankdir` passed to `draw_dot`, if any (`LR`, `TB`, `RL` or `BT`).
    pub rankdir: Option<String>,
    /// `draw_dot(v, collapse=True)`: one box per cluster.
    pub collapse: bool,
}

/// The outcome of running a script.
#[derive(Debug)]
pub struct Run {
    /// The graph the script built (the nodes it could still reach at the end).
    pub graph: Graph,
    /// One diagram per `draw_dot` call; without any, the root of the last
    /// `.backward()`, or else the last value assigned to a name.
    pub diagrams: Vec<Diagram>,
}

/// The stack of the thread scripts run on: the evaluator recurses once per
/// nested call and expression, both bounded, so this is never reached.
const STACK: usize = 1 << 30;

/// Parses and runs `src`, writing `print` output to `out` as it comes.
///
/// ```
/// use gradviz::script::{run, Options};
/// let src = "a = Value(2.0)\nb = a * a + 1\nb.backward()\nprint(f'{a.grad:.1f}')";
/// let mut out = Vec::new();
/// let r = run(src, &Options::default(), &mut out).unwrap();
/// assert_eq!(String::from_utf8(out).unwrap(), "4.0\n");
/// assert_eq!(r.diagrams.len(), 1);
/// ```
pub fn run(src: &str, options: &Options, out: &mut dyn Write) -> Result<Run, ScriptError> {
    let (tx, rx) = mpsc::channel::<Vec<u8>>();
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("gradviz-script".into())
            .stack_size(STACK)
            .spawn_scoped(scope, move || {
                let mut sink = ChannelWriter(tx);
                run_here(src, options, &mut sink)
            })
            .expect("the script thread starts");
        for chunk in rx {
            // Output is best effort: a closed stdout must not stop the script.
            let _ = out.write_all(&chunk);
        }
        match worker.join() {
            Ok(r) => r,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// Sends printed text to the caller's thread.
struct ChannelWriter(mpsc::Sender<Vec<u8>>);

impl Write for ChannelWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let _ = self.0.send(buf.to_vec());
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn run_here(src: &str, options: &Options, out: &mut dyn Write) -> Result<Run, ScriptError> {
    let mut interp = runtime::Interp::new(options, out);
    let diagrams = interp.run_cell(src)?;
    Ok(Run {
        graph: interp.take_graph(),
        diagrams,
    })
}
