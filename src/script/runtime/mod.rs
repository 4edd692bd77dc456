//! The runtime: runs compiled scripts, with the session's graph, its
//! limits (time, recursion, memory, sizes) and Python's error messages.
//!
//! Rooms: [`object`] (the objects), `exec` (statements and expressions),
//! `call` (calls, arguments, classes), `ops` (operators), `text` (`str`,
//! `repr`, formatting), `builtins` (built-in functions), `methods` (methods
//! of the built-in types), `value` (micrograd's `Value` on the engine).

pub mod builtins;
mod call;
mod exec;
mod methods;
pub mod object;
mod ops;
mod text;
mod value;

use std::io::Write;
use std::rc::{Rc, Weak};
use std::time::{Duration, Instant};

use super::error::{ErrorKind, ScriptError, Span, TraceFrame};
use super::modules::random::PyRandom;
use super::{Diagram, Options};
use crate::engine::Graph;
use object::{Namespace, Obj, ValueRef};

/// What a fallible runtime step returns; the error is boxed to keep
/// results small on the hot paths.
pub type R<T> = Result<T, Box<ScriptError>>;

/// The deepest recursion of script functions, as CPython's default limit.
pub const MAX_DEPTH: usize = 1000;

/// The most items a list, tuple, dict or set may hold, and the longest
/// string (bytes): refused before allocating.
pub const MAX_ITEMS: usize = 1 << 24;

/// What the interpreter knows about a node beyond the engine: Python's type
/// of its data and grad (micrograd keeps ints as ints) and where it was made.
#[derive(Clone, Copy, Debug)]
pub struct NodeInfo {
    /// The data is a Python int.
    pub data_int: bool,
    /// The grad is a Python int.
    pub grad_int: bool,
    /// Where the script created the node.
    pub span: Span,
}

/// Working memory that releases reuse, so that a session releasing again
/// and again does not ask the system for fresh pages each time (which it
/// zeroes, at a cost near that of the release itself).
#[derive(Default)]
struct Spare {
    /// The live nodes of the last release.
    keep: Vec<crate::engine::ValueId>,
    /// The old-to-new map of the last compaction.
    map: Vec<petgraph::stable_graph::NodeIndex>,
}

/// A running session: one graph, the modules imported so far, the output.
pub struct Interp<'a> {
    /// The session's graph.
    pub graph: Graph,
    info: Vec<NodeInfo>,
    /// The handle of each node, while the script holds one.
    handles: Vec<Weak<ValueRef>>,
    /// Nodes alive after the last release, to pace the next one.
    live_after_release: usize,
    /// The forward value of each `tanh` node whose data the script has set
    /// since: micrograd's backward closure keeps the `t` it computed.
    tanh_forward: Vec<(crate::engine::ValueId, f64)>,
    /// The buffers the last compaction left, reused by the next.
    spare: Spare,
    /// Handles below this node index have been swept since they were made.
    swept: usize,
    /// The last label set from a script string, and the graph's copy of it.
    last_label: Option<(Rc<str>, std::sync::Arc<str>)>,

    options: &'a Options,
    out: &'a mut dyn Write,
    /// Diagrams taken by `draw_dot`.
    pub diagrams: Vec<Diagram>,
    /// The root of the last `backward()`.
    pub last_backward: Option<Obj>,
    /// The last Value assigned to a name.
    pub last_assigned: Option<Obj>,
    snapshot_nodes: usize,
    /// The script's globals (`__main__`).
    pub main: Rc<Namespace>,
    modules: Vec<(&'static str, Obj)>,
    random: PyRandom,
    /// Function names of the calls running, outermost first, and their call sites.
    calls: Vec<(Rc<str>, Span, Option<&'static str>)>,
    ticks: u32,
    deadline: Option<Instant>,
    /// `repr` and `==` recursion on nested containers.
    nesting: usize,
}

impl<'a> Interp<'a> {
    /// A new session writing `print` output to `out`.
    pub fn new(options: &'a Options, out: &'a mut dyn Write) -> Self {
        let main = Rc::new(Namespace {
            name: "__main__".into(),
            ..Namespace::default()
        });
        Interp {
            graph: Graph::new(),
            info: Vec::new(),
            handles: Vec::new(),
            live_after_release: 0,
            tanh_forward: Vec::new(),
            spare: Spare::default(),
            swept: 0,
            last_label: None,

            options,
            out,
            diagrams: Vec::new(),
            last_backward: None,
            last_assigned: None,
            snapshot_nodes: 0,
            main,
            modules: Vec::new(),
            random: PyRandom::new(options.seed),
            calls: Vec::new(),
            ticks: 0,
            deadline: Instant::now().checked_add(Duration::from_secs_f64(options.timeout)),
            nesting: 0,
        }
    }

    /// Runs compiled module code in `ns`.
    pub fn run_module(&mut self, code: &Rc<super::ir::FuncDef>, ns: &Rc<Namespace>) -> R<()> {
        let mut frame = object::Frame {
            locals: vec![None; code.locals as usize],
            cells: Vec::new(),
            ns: ns.clone(),
            class_ns: None,
            def: code.clone(),
        };
        let len = ns.names.borrow().len();
        {
            let mut slots = ns.slots.borrow_mut();
            if slots.len() < len {
                slots.resize(len, None);
            }
        }
        match self.block(&code.body, &mut frame)? {
            exec::Flow::Normal => Ok(()),
            _ => Ok(()),
        }
    }

    /// Counts a step of a loop or a call; now and then checks the clock and
    /// the memory in use.
    #[inline]
    pub fn tick(&mut self, span: Span) -> R<()> {
        self.ticks = self.ticks.wrapping_add(1);
        if self.ticks.is_multiple_of(64) {
            self.check_limits(span)?;
        }
        Ok(())
    }

    #[inline(never)]
    fn check_limits(&mut self, span: Span) -> R<()> {
        if let Some(d) = self.deadline
            && Instant::now() > d
        {
            return Err(Box::new(
                ScriptError::new(
                    ErrorKind::Limit,
                    span,
                    format!(
                        "the script ran for more than {} s and was stopped",
                        self.options.timeout
                    ),
                )
                .exception("TimeoutError")
                .label("running here")
                .help("raise the limit with --timeout if the script is meant to run that long"),
            ));
        }
        if let Some(used) = self.options.memory_in_use.map(|f| f())
            && used > self.options.max_memory
        {
            return Err(Box::new(self.memory_error(span, used)));
        }
        Ok(())
    }

    fn memory_error(&self, span: Span, _used: usize) -> ScriptError {
        ScriptError::new(
            ErrorKind::Limit,
            span,
            // Not the amount itself: where the check lands varies a little.
            format!(
                "the script holds more than the limit of {} MiB",
                self.options.max_memory >> 20
            ),
        )
        .exception("MemoryError")
        .label("allocating here")
        .help("raise the limit with --max-memory if this is intended")
    }

    /// Refuses a container or string of `n` items before it is made.
    pub fn check_size(&mut self, n: usize, span: Span) -> R<()> {
        // Big allocations take time: look at the clock as well.
        if n > 4096 {
            self.check_limits(span)?;
        }
        if n > MAX_ITEMS {
            return Err(Box::new(
                ScriptError::new(
                    ErrorKind::Limit,
                    span,
                    format!("a list, string or dict of {n} items is more than scripts may build ({MAX_ITEMS})"),
                )
                .exception("MemoryError")
                .label("too large")
                .help("scripts build diagrams, not big data: use fewer items"),
            ));
        }
        if let Some(f) = self.options.memory_in_use {
            let used = f().saturating_add(n.saturating_mul(8));
            if used > self.options.max_memory {
                return Err(Box::new(self.memory_error(span, used)));
            }
        }
        Ok(())
    }

    /// Writes printed text (best effort: a closed stdout does not stop the
    /// script).
    pub fn write_out(&mut self, s: &str) {
        let _ = self.out.write_all(s.as_bytes());
    }

    /// Adds the call at `span` to an error leaving function `name`.
    pub fn unwind(
        &self,
        mut e: Box<ScriptError>,
        name: &Rc<str>,
        span: Span,
        file: Option<&'static str>,
    ) -> Box<ScriptError> {
        if e.function.is_none() && e.traceback.is_empty() {
            e.function = Some(name.to_string());
            e.file = file;
        }
        if e.kind == ErrorKind::Syntax {
            return e;
        }
        let (caller, caller_file) = self.calls.last().map_or_else(
            || ("<module>".to_string(), None),
            |c| (c.0.to_string(), c.2),
        );
        e.traceback.insert(
            0,
            TraceFrame {
                span,
                function: caller,
                file: caller_file,
            },
        );
        e
    }
}

/// The error kind of a Python exception name.
pub fn kind_of(exception: &str) -> ErrorKind {
    match exception {
        "TypeError" | "AttributeError" => ErrorKind::Type,
        "ZeroDivisionError" | "OverflowError" | "ArithmeticError" => ErrorKind::Math,
        "NameError" | "UnboundLocalError" => ErrorKind::UnknownName,
        "RecursionError" | "MemoryError" | "TimeoutError" => ErrorKind::Limit,
        _ => ErrorKind::Runtime,
    }
}

/// A Python exception at `span`: `exception` names its class.
pub fn py_err(exception: &'static str, span: Span, msg: impl Into<String>) -> Box<ScriptError> {
    Box::new(ScriptError::new(kind_of(exception), span, msg).exception(exception))
}

/// A `TypeError`.
pub fn type_err(span: Span, msg: impl Into<String>) -> Box<ScriptError> {
    py_err("TypeError", span, msg)
}

impl Interp<'_> {
    /// Runs a notebook cell in this session: its globals are the session's;
    /// returns its diagrams (the implicit one is of this cell's last
    /// `backward()` or assignment).
    pub fn run_cell(&mut self, src: &str) -> Result<Vec<Diagram>, ScriptError> {
        self.deadline = Instant::now().checked_add(Duration::from_secs_f64(self.options.timeout));
        self.last_backward = None;
        self.last_assigned = None;
        let module = super::front::parse(src)?;
        let main = self.main.clone();
        let code = {
            let mut names = main.names.borrow_mut();
            super::compile::module(&module, src, &mut names, self.options.auto_labels)?
        };
        drop(module);
        self.run_module(&code, &main).map_err(|e| *e)?;
        let diagrams = self.take_diagrams();
        self.snapshot_nodes = 0;
        Ok(diagrams)
    }

    /// The diagrams drawn since the last call, or else the implicit one: the
    /// root of the last `backward()`, or the last value assigned.
    fn take_diagrams(&mut self) -> Vec<Diagram> {
        let root = self.last_backward.take().or(self.last_assigned.take());
        let mut diagrams = std::mem::take(&mut self.diagrams);
        if diagrams.is_empty()
            && let Some(Obj::Value(root)) = root
        {
            let (graph, root) = self.graph.trace(root.id());
            diagrams.push(Diagram {
                graph,
                root,
                span: None,
                rankdir: None,
                collapse: false,
            });
        }
        diagrams
    }

    /// The session's graph, as it is now (the nodes still reachable).
    pub fn take_graph(&mut self) -> crate::engine::Graph {
        std::mem::take(&mut self.graph)
    }
}

impl Drop for Interp<'_> {
    /// A function holds its module's globals and the globals hold the
    /// function: the cycle is broken here, or every script with a `def`
    /// would leak its globals when it ends.
    fn drop(&mut self) {
        let mut spaces = vec![self.main.clone()];
        for (_, m) in &self.modules {
            if let Obj::Module(m) = m
                && let Some(ns) = &m.ns
            {
                spaces.push(ns.clone());
            }
        }
        self.modules.clear();
        self.last_backward = None;
        self.last_assigned = None;
        for ns in spaces {
            let slots = std::mem::take(&mut *ns.slots.borrow_mut());
            drop(slots);
        }
    }
}
