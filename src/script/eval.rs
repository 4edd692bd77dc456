//! Runs a parsed script on the engine, lowering Python's operators exactly as
//! micrograd's `engine.py` does, with Python's number semantics for plain
//! numbers (ints stay ints, `/` gives a float, `0**-1` is an error).
//!
//! This file holds the run, statements, names and attributes; the operators
//! are in `eval/lower.rs`, the callable functions and methods in
//! `eval/builtins.rs`, plain-number arithmetic in `eval/pynum.rs`.

use std::collections::HashMap;
use std::io::Write;
use std::rc::Rc;

use super::ast::{Arg, BinOp, Expr, ExprKind, FPart, Stmt, StmtKind, Target, UnOp};
use super::error::{ErrorKind, ScriptError, Span};
use super::parser::{SUPPORTED, parse};
use crate::engine::{Exponent, Graph, Op, ValueId};
use crate::pyfmt::{self, Number};

mod builtins;
mod lower;
mod pynum;

use pynum::{builtin_number_fn, num_binop, overflow};

/// How a script runs.
#[derive(Clone, Debug)]
pub struct Options {
    /// Label unlabelled values with the name they are assigned to (`e = a*b`
    /// gives `e`). Explicit labels always win.
    pub auto_labels: bool,
    /// Allow `inf` and `nan` results (IEEE semantics) instead of stopping
    /// with an error at the operation that produced them.
    pub ieee: bool,
    /// The most value nodes a script may create.
    pub max_nodes: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            auto_labels: true,
            ieee: false,
            max_nodes: 5_000_000,
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
}

/// The outcome of running a script.
#[derive(Debug)]
pub struct Run {
    /// The whole graph the script built.
    pub graph: Graph,
    /// One diagram per `draw_dot` call; without any, the root of the last
    /// `.backward()`, or else the last value assigned to a name.
    pub diagrams: Vec<Diagram>,
}

/// Parses and runs `src`, writing `print` output to `out`.
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
    let stmts = parse(src)?;
    let mut ev = Evaluator {
        graph: Graph::new(),
        info: Vec::new(),
        vars: HashMap::new(),
        options,
        out,
        diagrams: Vec::new(),
        last_backward: None,
        last_assigned: None,
        snapshot_nodes: 0,
    };
    for stmt in &stmts {
        ev.statement(stmt)?;
    }
    let Evaluator {
        graph,
        mut diagrams,
        last_backward,
        last_assigned,
        ..
    } = ev;
    if diagrams.is_empty()
        && let Some(root) = last_backward.or(last_assigned)
    {
        let (graph, root) = graph.trace(root);
        diagrams.push(Diagram {
            graph,
            root,
            span: None,
            rankdir: None,
        });
    }
    Ok(Run { graph, diagrams })
}

/// A Python object, as far as scripts have them.
#[derive(Clone, Debug)]
enum Obj {
    Int(i64),
    Float(f64),
    Str(Rc<str>),
    Value(ValueId),
    Builtin(&'static str),
    Method(ValueId, &'static str),
    Module(&'static str),
    None,
}

impl Obj {
    fn type_name(&self) -> &'static str {
        match self {
            Obj::Int(_) => "int",
            Obj::Float(_) => "float",
            Obj::Str(_) => "str",
            Obj::Value(_) => "Value",
            Obj::Builtin(_) | Obj::Method(..) => "function",
            Obj::Module(_) => "module",
            Obj::None => "NoneType",
        }
    }

    /// The type with its article, for messages: "an int", "a Value".
    fn a_type(&self) -> String {
        let t = self.type_name();
        let article = if t.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        format!("{article} {t}")
    }

    fn number(&self) -> Option<Number> {
        match *self {
            Obj::Int(i) => Some(Number::Int(i)),
            Obj::Float(x) => Some(Number::Float(x)),
            _ => None,
        }
    }
}

fn as_f64(n: Number) -> f64 {
    match n {
        Number::Int(i) => i as f64,
        Number::Float(x) => x,
    }
}

fn from_number(n: Number) -> Obj {
    match n {
        Number::Int(i) => Obj::Int(i),
        Number::Float(x) => Obj::Float(x),
    }
}

/// What the evaluator knows about a node beyond the engine: Python's type of
/// its data and grad (micrograd keeps ints as ints: `Value(3).data` prints
/// `3`, grads start as `0`) and where the script created it.
#[derive(Clone, Copy, Debug)]
struct NodeInfo {
    data_int: bool,
    grad_int: bool,
    span: Span,
}

/// Ints of Values beyond this are read back as floats (they are stored as f64).
const I64_LIMIT: f64 = 9.2e18;

/// The longest string a script may build (a script is not a memory test).
const MAX_STR: usize = 1 << 24;

/// Python built-ins that scripts do not have, named in the error.
const PYTHON_BUILTINS: [&str; 22] = [
    "round",
    "len",
    "max",
    "min",
    "sum",
    "range",
    "list",
    "dict",
    "set",
    "tuple",
    "sorted",
    "enumerate",
    "zip",
    "map",
    "filter",
    "open",
    "input",
    "eval",
    "exec",
    "type",
    "isinstance",
    "pow",
];

const BUILTINS: [&str; 11] = [
    "Value", "print", "draw_dot", "float", "int", "abs", "str", "repr", "Neuron", "Layer", "MLP",
];
const MODULES: [&str; 4] = ["math", "random", "micrograd", "nn"];
const VALUE_METHODS: [&str; 5] = ["tanh", "relu", "exp", "backward", "_backward"];

struct Evaluator<'a> {
    graph: Graph,
    info: Vec<NodeInfo>,
    vars: HashMap<String, Obj>,
    options: &'a Options,
    out: &'a mut dyn Write,
    diagrams: Vec<Diagram>,
    last_backward: Option<ValueId>,
    last_assigned: Option<ValueId>,
    /// Nodes held by `draw_dot` snapshots, counted against the limit.
    snapshot_nodes: usize,
}

fn type_error(span: Span, msg: impl Into<String>) -> ScriptError {
    ScriptError::new(ErrorKind::Type, span, msg)
}

fn math_error(span: Span, msg: impl Into<String>) -> ScriptError {
    ScriptError::new(ErrorKind::Math, span, msg)
}

impl Evaluator<'_> {
    fn info(&self, id: ValueId) -> NodeInfo {
        self.info[id.index()]
    }

    fn info_mut(&mut self, id: ValueId) -> &mut NodeInfo {
        &mut self.info[id.index()]
    }

    fn record(&mut self, id: ValueId, info: NodeInfo) {
        let i = id.index();
        if self.info.len() <= i {
            self.info.resize(
                i + 1,
                NodeInfo {
                    data_int: false,
                    grad_int: true,
                    span: Span::default(),
                },
            );
        }
        self.info[i] = info;
    }

    fn check_limit(&self, span: Span) -> Result<(), ScriptError> {
        if self.graph.len() + self.snapshot_nodes >= self.options.max_nodes {
            return Err(ScriptError::new(
                ErrorKind::Limit,
                span,
                format!(
                    "the graph passed the limit of {} value nodes",
                    self.options.max_nodes
                ),
            )
            .help(
                "raise the limit with --max-nodes if this is intended (draw_dot copies count too)",
            ));
        }
        Ok(())
    }

    // ----- statements -------------------------------------------------------

    fn statement(&mut self, stmt: &Stmt) -> Result<(), ScriptError> {
        match &stmt.kind {
            StmtKind::Import => Ok(()),
            StmtKind::Expr(e) => self.eval(e).map(|_| ()),
            StmtKind::Assign(targets, value) => {
                let v = self.eval(value)?;
                for t in targets {
                    self.assign(t, v.clone())?;
                }
                Ok(())
            }
            StmtKind::AugAssign(target, op, value) => {
                // Python: `a += b` is `a = a + b` for micrograd's Value (no
                // __iadd__), so a new node is created and named.
                let (current, obj) = match target {
                    Target::Name(n, span) => (self.lookup(n, *span)?, None),
                    Target::Attr(obj, attr, span) => {
                        let o = self.eval(obj)?;
                        (self.get_attr(&o, attr, *span)?, Some(o))
                    }
                };
                let rhs = self.eval(value)?;
                let result = self.binop(*op, current, rhs, stmt.span, value.span)?;
                match (target, obj) {
                    (Target::Attr(_, attr, span), Some(o)) => {
                        self.set_attr(&o, attr, result, *span)
                    }
                    _ => self.assign(target, result),
                }
            }
        }
    }

    fn assign(&mut self, target: &Target, v: Obj) -> Result<(), ScriptError> {
        match target {
            Target::Name(name, span) => {
                if BUILTINS.contains(&name.as_str()) || MODULES.contains(&name.as_str()) {
                    return Err(ScriptError::new(
                        ErrorKind::Unsupported,
                        *span,
                        format!("`{name}` is built in and cannot be reassigned"),
                    )
                    .help("pick another variable name"));
                }
                if let Obj::Value(id) = v {
                    // An empty label is micrograd's default, so it is unlabelled too.
                    if self.options.auto_labels && self.graph.node(id).label_str().is_empty() {
                        self.graph.set_label(id, Some(name));
                    }
                    self.last_assigned = Some(id);
                }
                self.vars.insert(name.clone(), v);
                Ok(())
            }
            Target::Attr(obj, attr, span) => {
                let o = self.eval(obj)?;
                self.set_attr(&o, attr, v, *span)
            }
        }
    }

    fn set_attr(&mut self, o: &Obj, attr: &str, v: Obj, span: Span) -> Result<(), ScriptError> {
        let Obj::Value(id) = *o else {
            return Err(type_error(
                span,
                format!("cannot set attribute `{attr}` on a {}", o.a_type()),
            ));
        };
        match (attr, &v) {
            ("data", Obj::Int(_) | Obj::Float(_)) => {
                let n = v.number().map(as_f64).unwrap_or_default();
                self.graph.set_data(id, n);
                self.info_mut(id).data_int = matches!(v, Obj::Int(_));
            }
            ("grad", Obj::Int(_) | Obj::Float(_)) => {
                let n = v.number().map(as_f64).unwrap_or_default();
                self.graph.set_grad(id, n);
                self.info_mut(id).grad_int = matches!(v, Obj::Int(_));
            }
            ("label", Obj::Str(s)) => self.graph.set_label(id, Some(s)),
            ("data" | "grad", _) => {
                return Err(type_error(
                    span,
                    format!("`.{attr}` must be a number, not {}", v.a_type()),
                )
                .help(format!(
                    "use `x.{attr}` of another value to copy its number"
                )));
            }
            ("label", _) => {
                return Err(type_error(
                    span,
                    format!("`.label` must be a string, not {}", v.a_type()),
                ));
            }
            _ => {
                return Err(ScriptError::new(
                    ErrorKind::Unsupported,
                    span,
                    format!("cannot set `.{attr}` on a Value"),
                )
                .help("a Value's .data, .grad and .label can be assigned"));
            }
        }
        Ok(())
    }

    // ----- expressions ------------------------------------------------------

    fn eval(&mut self, e: &Expr) -> Result<Obj, ScriptError> {
        Ok(match &e.kind {
            ExprKind::Int(i) => Obj::Int(*i),
            ExprKind::Float(x) => Obj::Float(*x),
            ExprKind::Str(s) => Obj::Str(s.as_str().into()),
            ExprKind::FStr(parts) => Obj::Str(self.fstring(parts)?.into()),
            ExprKind::Name(n) => self.lookup(n, e.span)?,
            ExprKind::Unary(op, x) => {
                let v = self.eval(x)?;
                self.unary(*op, v, e.span)?
            }
            ExprKind::Binary(op, a, b) => {
                let l = self.eval(a)?;
                let r = self.eval(b)?;
                self.binop(*op, l, r, e.span, b.span)?
            }
            ExprKind::Attr(obj, attr) => {
                let o = self.eval(obj)?;
                self.get_attr(&o, attr, e.span)?
            }
            ExprKind::Call(callee, args) => {
                let f = self.eval(callee)?;
                self.call(f, args, e.span)?
            }
        })
    }

    fn lookup(&self, name: &str, span: Span) -> Result<Obj, ScriptError> {
        if let Some(v) = self.vars.get(name) {
            return Ok(v.clone());
        }
        if let Some(b) = BUILTINS.iter().find(|b| **b == name) {
            return Ok(Obj::Builtin(b));
        }
        if let Some(m) = MODULES.iter().find(|m| **m == name) {
            return Ok(Obj::Module(m));
        }
        if PYTHON_BUILTINS.contains(&name) {
            return Err(ScriptError::new(
                ErrorKind::Unsupported,
                span,
                format!("the Python built-in `{name}` is not supported in scripts"),
            )
            .label("not supported")
            .help(SUPPORTED));
        }
        let mut err = ScriptError::new(
            ErrorKind::UnknownName,
            span,
            format!("name `{name}` is not defined"),
        )
        .label("not defined");
        let known = self
            .vars
            .keys()
            .map(String::as_str)
            .chain(BUILTINS)
            .filter(|k| edit_distance(k, name) <= 2)
            .min_by_key(|k| (edit_distance(k, name), k.to_string()));
        if let Some(k) = known {
            err = err.help(format!("did you mean `{k}`?"));
        } else {
            err = err.help("assign it before this line");
        }
        Err(err)
    }

    fn get_attr(&mut self, o: &Obj, attr: &str, span: Span) -> Result<Obj, ScriptError> {
        match o {
            Obj::Value(id) => {
                let id = *id;
                let node = self.graph.node(id);
                let info = self.info(id);
                Ok(match attr {
                    "data" if info.data_int && node.data.abs() < I64_LIMIT => {
                        Obj::Int(node.data as i64)
                    }
                    "data" => Obj::Float(node.data),
                    "grad" if info.grad_int && node.grad.abs() < I64_LIMIT => {
                        Obj::Int(node.grad as i64)
                    }
                    "grad" => Obj::Float(node.grad),
                    "label" => Obj::Str(node.label_str().into()),
                    "_op" => Obj::Str(node.op.map(Op::name).unwrap_or_default().into()),
                    m if VALUE_METHODS.contains(&m) => Obj::Method(
                        id,
                        VALUE_METHODS
                            .iter()
                            .find(|v| **v == m)
                            .copied()
                            .unwrap_or("tanh"),
                    ),
                    _ => {
                        return Err(ScriptError::new(
                            ErrorKind::Unsupported,
                            span,
                            format!("a Value has no attribute `{attr}` in gradviz"),
                        )
                        .help("a Value has .data .grad .label and the methods .tanh() .relu() .exp() .backward() ._backward()"));
                    }
                })
            }
            Obj::Module("math") => Ok(match attr {
                "pi" => Obj::Float(std::f64::consts::PI),
                "e" => Obj::Float(std::f64::consts::E),
                "tau" => Obj::Float(std::f64::consts::TAU),
                "inf" => Obj::Float(f64::INFINITY),
                "nan" => Obj::Float(f64::NAN),
                "exp" => Obj::Builtin("math.exp"),
                "log" => Obj::Builtin("math.log"),
                "sqrt" => Obj::Builtin("math.sqrt"),
                "tanh" => Obj::Builtin("math.tanh"),
                "sin" => Obj::Builtin("math.sin"),
                "cos" => Obj::Builtin("math.cos"),
                _ => {
                    return Err(ScriptError::new(
                        ErrorKind::Unsupported,
                        span,
                        format!("`math.{attr}` is not available"),
                    )
                    .help("available: math.exp, log, sqrt, tanh, sin, cos, pi, e, tau, inf, nan"));
                }
            }),
            Obj::Module(m) => Err(ScriptError::new(
                ErrorKind::Unsupported,
                span,
                format!("`{m}.{attr}` is not available in scripts"),
            )
            .help(SUPPORTED)),
            other => Err(type_error(
                span,
                format!("{} has no attribute `{attr}`", other.a_type()),
            )),
        }
    }

    fn fstring(&mut self, parts: &[FPart]) -> Result<String, ScriptError> {
        let mut s = String::new();
        for p in parts {
            match p {
                FPart::Text(t) => s.push_str(t),
                FPart::Field {
                    expr,
                    conversion,
                    spec,
                    debug,
                } => {
                    let v = self.eval(expr)?;
                    if let Some(d) = debug {
                        s.push_str(d);
                    }
                    let text = if let Some(c) = conversion {
                        let t = if *c == 'r' {
                            self.to_repr(&v)
                        } else {
                            self.to_str(&v)
                        };
                        pyfmt::format_str(&t, spec)
                    } else {
                        match (&v, v.number()) {
                            (_, Some(n)) => pyfmt::format_number(n, spec),
                            (Obj::Str(t), _) => pyfmt::format_str(t, spec),
                            _ if spec.is_empty() => Ok(self.to_str(&v)),
                            _ => Err(pyfmt::FormatError(format!(
                                "unsupported format string passed to {}.__format__",
                                v.type_name()
                            ))),
                        }
                    };
                    s.push_str(&text.map_err(|e| type_error(expr.span, lower_first(&e.0)))?);
                }
            }
        }
        Ok(s)
    }

    fn number_of(&self, data: f64, int: bool) -> String {
        if int {
            // Python ints are exact; ours are exact below 2**53 and printed
            // as the float's exact integer value beyond.
            format!("{:.0}", data + 0.0) // -0.0 + 0.0 is 0.0: Python ints have no -0
        } else {
            pyfmt::repr_float(data)
        }
    }

    /// Python's `str(v)`.
    fn to_str(&self, v: &Obj) -> String {
        match v {
            Obj::Str(s) => s.to_string(),
            other => self.to_repr(other),
        }
    }

    /// Python's `repr(v)`; a Value prints as micrograd's `__repr__`.
    fn to_repr(&self, v: &Obj) -> String {
        match v {
            Obj::Int(i) => pyfmt::repr_int(*i),
            Obj::Float(x) => pyfmt::repr_float(*x),
            Obj::Str(s) => pyfmt::repr_str(s),
            Obj::Value(id) => {
                let n = self.graph.node(*id);
                let info = self.info(*id);
                format!(
                    "Value(data={}, grad={})",
                    self.number_of(n.data, info.data_int),
                    self.number_of(n.grad, info.grad_int)
                )
            }
            Obj::Builtin(name) => format!("<built-in function {name}>"),
            Obj::Method(_, m) => format!("<bound method Value.{m}>"),
            Obj::Module(m) => format!("<module '{m}'>"),
            Obj::None => "None".into(),
        }
    }
}

/// Messages start lower-case, Python's wording otherwise.
fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_lowercase().chain(c).collect())
        .unwrap_or_default()
}

/// Levenshtein distance, for "did you mean" hints.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(src: &str) -> String {
        let mut out = Vec::new();
        run(src, &Options::default(), &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn error(src: &str) -> ScriptError {
        run(src, &Options::default(), &mut Vec::new()).unwrap_err()
    }

    #[test]
    fn numbers_print_like_python() {
        assert_eq!(
            output("print(1/3, 2**10, 2**-1, 7 - 2.5, -0.0)"),
            "0.3333333333333333 1024 0.5 4.5 -0.0\n"
        );
        assert_eq!(
            output("x = 3.0\nh = 0.0001\nprint((x + h - x) / h)"),
            "1.0000000000021103\n"
        );
        assert_eq!(output("print('a', 1, sep='-', end='!')"), "a-1!");
        assert_eq!(
            output("print(f'{1.5=} {2:>3} {\"s\"!r} {{}}')"),
            "1.5=1.5   2 's' {}\n"
        );
    }

    #[test]
    fn ints_and_grads_keep_micrograds_python_types() {
        assert_eq!(
            output("a = Value(3)\nprint(a, a.data)"),
            "Value(data=3, grad=0) 3\n"
        );
        assert_eq!(
            output("a = Value(3.0)\nb = a + a\nb.backward()\nprint(a.grad)"),
            "2\n"
        );
        assert_eq!(
            output("a = Value(3.0)\nb = a * 3\nb.backward()\nprint(a.grad)"),
            "3\n"
        );
        assert_eq!(
            output("a = Value(0.0)\nb = a.tanh()\nb.backward()\nprint(b.grad, a.grad)"),
            "1 1.0\n"
        );
    }

    #[test]
    fn math_errors_point_at_the_operation() {
        let e = error("a = Value(0.0)\nb = Value(1.0) / a");
        assert_eq!(e.kind, ErrorKind::Math);
        assert_eq!(e.message, "division by zero: `**-1` of 0");
        let e = error("a = Value(1000.0).exp()");
        assert!(e.message.starts_with("overflow"), "{}", e.message);
        let e = error("a = Value(0.0)\nb = a ** 0.5\nb.backward()");
        assert!(
            e.message.contains("non-finite gradient through `**0.5`"),
            "{}",
            e.message
        );
        let mut out = Vec::new();
        let ieee = Options {
            ieee: true,
            ..Options::default()
        };
        assert!(run("a = Value(0.0)\nb = 1 / a", &ieee, &mut out).is_ok());
    }
}
