//! Built-in functions and types, and the functions of `math` and `random`,
//! with CPython's results and messages.

use std::rc::Rc;

use super::object::{Iter, Obj, WrapKind};
use super::value::a_type;
use super::{Interp, R, py_err, type_err};
use crate::script::error::{ErrorKind, ScriptError, Span};

macro_rules! builtins {
    ($($v:ident = $n:literal),* $(,)?) => {
        /// A built-in function, type or module function.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Builtin {
            $(#[doc = $n] $v),*
        }
        impl Builtin {
            /// Its name (module functions with their module: `math.exp`).
            pub fn name(self) -> &'static str {
                match self { $(Builtin::$v => $n),* }
            }
            /// All of them.
            pub const ALL: &[Builtin] = &[$(Builtin::$v),*];
        }
    };
}

builtins! {
    Value = "Value", DrawDot = "draw_dot",
    Print = "print", Len = "len", Range = "range", Zip = "zip", Sum = "sum", Map = "map", Filter = "filter",
    Enumerate = "enumerate", IsInstance = "isinstance", IsSubclass = "issubclass", Min = "min", Max = "max",
    Abs = "abs", Round = "round", Sorted = "sorted", Reversed = "reversed", Any = "any", All = "all",
    List = "list", Tuple = "tuple", Dict = "dict", Set = "set", Str = "str", Repr = "repr", Float = "float",
    Int = "int", Bool = "bool", Id = "id", Hash = "hash", IterFn = "iter", Next = "next", GetAttr = "getattr",
    SetAttr = "setattr", HasAttr = "hasattr", Type = "type", Callable = "callable", Divmod = "divmod",
    Pow = "pow", Chr = "chr", Ord = "ord", Object = "object", StaticMethod = "staticmethod",
    ClassMethod = "classmethod", Property = "property", Super = "super", NotImplemented = "NotImplemented",
    Format = "format", ObjectInit = "object.__init__",
    Exception = "Exception", ValueError = "ValueError", TypeError = "TypeError", IndexError = "IndexError",
    KeyError = "KeyError", ZeroDivisionError = "ZeroDivisionError", AssertionError = "AssertionError",
    RuntimeError = "RuntimeError", NotImplementedError = "NotImplementedError",
    AttributeError = "AttributeError", NameError = "NameError", StopIteration = "StopIteration",
    ArithmeticError = "ArithmeticError", LookupError = "LookupError",
    MathExp = "math.exp", MathLog = "math.log", MathLog2 = "math.log2", MathLog10 = "math.log10",
    MathSqrt = "math.sqrt", MathTanh = "math.tanh", MathSin = "math.sin", MathCos = "math.cos",
    MathTan = "math.tan", MathAtan = "math.atan", MathAtan2 = "math.atan2", MathAsin = "math.asin",
    MathAcos = "math.acos", MathSinh = "math.sinh", MathCosh = "math.cosh", MathPow = "math.pow",
    MathFabs = "math.fabs", MathFloor = "math.floor", MathCeil = "math.ceil", MathTrunc = "math.trunc",
    MathIsclose = "math.isclose", MathIsfinite = "math.isfinite", MathIsinf = "math.isinf",
    MathIsnan = "math.isnan", MathHypot = "math.hypot", MathCopysign = "math.copysign",
    MathFactorial = "math.factorial", MathGcd = "math.gcd", MathFsum = "math.fsum", MathProd = "math.prod",
    MathDegrees = "math.degrees", MathRadians = "math.radians", MathErf = "math.erf", MathLog1p = "math.log1p",
    MathExpm1 = "math.expm1",
    RandSeed = "random.seed", RandRandom = "random.random", RandUniform = "random.uniform",
    RandRandint = "random.randint", RandRandrange = "random.randrange", RandChoice = "random.choice",
    RandChoices = "random.choices", RandShuffle = "random.shuffle", RandSample = "random.sample",
    RandGauss = "random.gauss", RandNormal = "random.normalvariate", RandExpo = "random.expovariate",
    RandTriangular = "random.triangular", RandGetrandbits = "random.getrandbits",
}

/// Built-ins that would reach outside the sandbox.
const FORBIDDEN: [&str; 14] = [
    "open",
    "eval",
    "exec",
    "compile",
    "__import__",
    "input",
    "globals",
    "locals",
    "vars",
    "breakpoint",
    "exit",
    "quit",
    "help",
    "memoryview",
];

impl Builtin {
    /// The built-in a bare name means, if any.
    pub fn named(name: &str) -> Option<Builtin> {
        Builtin::ALL
            .iter()
            .copied()
            .find(|b| b.name() == name && !name.contains('.') && *b != Builtin::ObjectInit)
    }

    /// Whether it is a type (printed `<class 'int'>`).
    pub fn is_type(self) -> bool {
        use Builtin::*;
        matches!(
            self,
            Value
                | Range
                | List
                | Tuple
                | Dict
                | Set
                | Str
                | Float
                | Int
                | Bool
                | Type
                | Object
                | StaticMethod
                | ClassMethod
                | Property
                | Super
                | Zip
                | Map
                | Filter
                | Enumerate
                | Reversed
        ) || self.is_exception()
    }

    /// Whether it is an exception class.
    pub fn is_exception(self) -> bool {
        use Builtin::*;
        matches!(
            self,
            Exception
                | ValueError
                | TypeError
                | IndexError
                | KeyError
                | ZeroDivisionError
                | AssertionError
                | RuntimeError
                | NotImplementedError
                | AttributeError
                | NameError
                | StopIteration
                | ArithmeticError
                | LookupError
        )
    }
}

/// The number of items of `range(start, stop, step)`.
pub fn range_len(start: i64, stop: i64, step: i64) -> i64 {
    if step > 0 && start < stop {
        ((stop as i128 - start as i128 - 1) / step as i128 + 1) as i64
    } else if step < 0 && start > stop {
        ((start as i128 - stop as i128 - 1) / (-(step as i128)) + 1) as i64
    } else {
        0
    }
}

/// An attribute of a module implemented in Rust.
pub fn module_attr(module: &str, name: &str) -> Option<Obj> {
    match (module, name) {
        ("math", "pi") => return Some(Obj::Float(std::f64::consts::PI)),
        ("math", "e") => return Some(Obj::Float(std::f64::consts::E)),
        ("math", "tau") => return Some(Obj::Float(std::f64::consts::TAU)),
        ("math", "inf") => return Some(Obj::Float(f64::INFINITY)),
        ("math", "nan") => return Some(Obj::Float(f64::NAN)),
        _ => {}
    }
    let full = format!("{module}.{name}");
    Builtin::ALL
        .iter()
        .find(|b| b.name() == full)
        .map(|b| Obj::Builtin(*b))
}

/// The names a Rust-implemented module has, for hints.
pub fn module_names(module: &str) -> Vec<String> {
    let prefix = format!("{module}.");
    let mut v: Vec<String> = Builtin::ALL
        .iter()
        .filter_map(|b| b.name().strip_prefix(&prefix).map(String::from))
        .collect();
    match module {
        "math" => v.extend(["pi", "e", "tau", "inf", "nan"].map(String::from)),
        "micrograd" => v.extend(["engine", "nn"].map(String::from)),
        "micrograd.engine" => v.push("Value".into()),
        _ => {}
    }
    v
}

fn math_domain(span: Span) -> Box<ScriptError> {
    Box::new(ScriptError::new(ErrorKind::Math, span, "math domain error").exception("ValueError"))
}

/// Positional arguments only, between `min` and `max` of them, with
/// CPython's message otherwise.
pub fn arity(
    name: &str,
    pos: &[Obj],
    kw: &[(Rc<str>, Obj)],
    min: usize,
    max: usize,
    span: Span,
) -> R<()> {
    if let Some((k, _)) = kw.first() {
        return Err(type_err(
            span,
            format!("{name}() takes no keyword arguments (got '{k}')"),
        ));
    }
    let n = pos.len();
    if n < min || n > max {
        let expected = if min == max {
            format!("exactly {min} argument{}", if min == 1 { "" } else { "s" })
        } else if n < min {
            format!("at least {min} argument{}", if min == 1 { "" } else { "s" })
        } else {
            format!("at most {max} argument{}", if max == 1 { "" } else { "s" })
        };
        return Err(type_err(
            span,
            format!("{name}() takes {expected} ({n} given)"),
        ));
    }
    Ok(())
}

fn float_arg(name: &str, v: &Obj, span: Span) -> R<f64> {
    v.as_f64().ok_or_else(|| {
        type_err(span, format!("must be real number, not {}", v.type_name())).with_help(format!(
            "{name}() takes numbers; a Value's number is `.data`"
        ))
    })
}

fn int_arg(v: &Obj, span: Span) -> R<i64> {
    match v {
        Obj::Int(i) => Ok(*i),
        Obj::Bool(b) => Ok(i64::from(*b)),
        Obj::Float(_) => Err(type_err(
            span,
            "'float' object cannot be interpreted as an integer",
        )),
        other => Err(type_err(
            span,
            format!(
                "'{}' object cannot be interpreted as an integer",
                other.type_name()
            ),
        )),
    }
}

trait WithHelp {
    fn with_help(self, help: String) -> Self;
}

impl WithHelp for Box<ScriptError> {
    fn with_help(mut self, help: String) -> Self {
        self.help = Some(help);
        self
    }
}

fn take_kw(kw: &mut Vec<(Rc<str>, Obj)>, name: &str) -> Option<Obj> {
    let i = kw.iter().position(|(k, _)| &**k == name)?;
    Some(kw.remove(i).1)
}

fn no_kw(name: &str, kw: &[(Rc<str>, Obj)], span: Span) -> R<()> {
    match kw.first() {
        Some((k, _)) => Err(type_err(
            span,
            format!("{name}() got an unexpected keyword argument '{k}'"),
        )),
        None => Ok(()),
    }
}

impl Interp<'_> {
    /// The built-in a global name falls back to, refusing the ones that
    /// reach outside the sandbox.
    pub fn builtin(&self, name: &str) -> Option<Obj> {
        match name {
            "True" => Some(Obj::Bool(true)),
            "False" => Some(Obj::Bool(false)),
            "None" => Some(Obj::None),
            "__name__" => Some(Obj::str("__main__")),
            _ => Builtin::named(name).map(Obj::Builtin),
        }
    }

    /// The NameError for `name`, with a hint.
    pub fn name_error(&self, name: &str, span: Span, f: &super::object::Frame) -> Box<ScriptError> {
        if FORBIDDEN.contains(&name) {
            return Box::new(
                ScriptError::new(
                    ErrorKind::Unsupported,
                    span,
                    format!("`{name}` is not available: scripts run sandboxed, with no access to files, processes, the network or the environment"),
                )
                .exception("NameError")
                .label("not available in the sandbox")
                .help(crate::script::compile::SUPPORTED),
            );
        }
        let mut e = ScriptError::new(
            ErrorKind::UnknownName,
            span,
            format!("name '{name}' is not defined"),
        )
        .exception("NameError")
        .label("not defined");
        let names = f.ns.names.borrow();
        let defined: Vec<String> = names
            .names()
            .enumerate()
            .filter(|(i, _)| f.ns.slots.borrow().get(*i).is_some_and(Option::is_some))
            .map(|(_, n)| n.to_string())
            .chain(f.def.local_names.iter().map(|n| n.to_string()))
            .chain(
                Builtin::ALL
                    .iter()
                    .filter(|b| !b.name().contains('.'))
                    .map(|b| b.name().to_string()),
            )
            .collect();
        let best = defined
            .iter()
            .filter(|k| edit_distance(k, name) <= 2 && k.as_str() != name)
            .min_by_key(|k| (edit_distance(k, name), k.to_string()));
        e = match best {
            Some(k) => e.help(format!("did you mean `{k}`?")),
            None => e.help("assign it before this line"),
        };
        Box::new(e)
    }

    /// Calls a built-in.
    pub fn call_builtin(
        &mut self,
        b: Builtin,
        mut pos: Vec<Obj>,
        mut kw: Vec<(Rc<str>, Obj)>,
        span: Span,
    ) -> R<Obj> {
        use Builtin as B;
        let name = b.name();
        if b.is_exception() {
            no_kw(name, &kw, span)?;
            let msg = match pos.as_slice() {
                [] => String::new(),
                [m] => self.str_of(m, span)?,
                many => self.repr(&Obj::tuple(many.to_vec()), span)?,
            };
            let exc: &'static str = name;
            return Ok(Obj::Exception(Rc::new((exc, msg.into()))));
        }
        Ok(match b {
            B::Value => return self.value_ctor(pos, kw, span),
            B::DrawDot => return self.draw_dot(pos, kw, span),
            B::Print => {
                let sep = take_kw(&mut kw, "sep");
                let end = take_kw(&mut kw, "end");
                let _ = take_kw(&mut kw, "flush");
                if take_kw(&mut kw, "file").is_some() {
                    return Err(py_err(
                        "TypeError",
                        span,
                        "print(file=…) is not available in the sandbox: scripts print to stdout",
                    ));
                }
                no_kw(name, &kw, span)?;
                let text_of = |me: &mut Self, v: Option<Obj>, default: &str| -> R<String> {
                    match v {
                        None | Some(Obj::None) => Ok(default.to_string()),
                        Some(Obj::Str(s)) => Ok(s.to_string()),
                        Some(other) => Err(type_err(
                            span,
                            format!("sep must be None or a string, not {}", other.type_name()),
                        )
                        .with_help(me.hint_str())),
                    }
                };
                let sep = text_of(self, sep, " ")?;
                let end = text_of(self, end, "\n")?;
                let mut line = String::new();
                for (i, v) in pos.iter().enumerate() {
                    if i > 0 {
                        line.push_str(&sep);
                    }
                    line.push_str(&self.str_of(v, span)?);
                }
                line.push_str(&end);
                self.write_out(&line);
                Obj::None
            }
            B::Len => {
                arity(name, &pos, &kw, 1, 1, span)?;
                Obj::Int(self.len(&pos[0], span)? as i64)
            }
            B::Range => {
                arity(name, &pos, &kw, 1, 3, span)?;
                let ints = pos
                    .iter()
                    .map(|v| int_arg(v, span))
                    .collect::<R<Vec<_>>>()?;
                let (start, stop, step) = match ints.as_slice() {
                    [stop] => (0, *stop, 1),
                    [start, stop] => (*start, *stop, 1),
                    [start, stop, step] => (*start, *stop, *step),
                    _ => (0, 0, 1),
                };
                if step == 0 {
                    return Err(py_err("ValueError", span, "range() arg 3 must not be zero"));
                }
                Obj::Range(Rc::new((start, stop, step)))
            }
            B::Zip => {
                let _ = take_kw(&mut kw, "strict");
                no_kw(name, &kw, span)?;
                let its = pos
                    .iter()
                    .map(|v| self.iter(v, span))
                    .collect::<R<Vec<_>>>()?;
                Obj::Iter(Rc::new(std::cell::RefCell::new(Iter::Zip(its))))
            }
            B::Map => {
                if pos.len() < 2 {
                    return Err(type_err(span, "map() must have at least two arguments."));
                }
                no_kw(name, &kw, span)?;
                let f = pos.remove(0);
                let its = pos
                    .iter()
                    .map(|v| self.iter(v, span))
                    .collect::<R<Vec<_>>>()?;
                Obj::Iter(Rc::new(std::cell::RefCell::new(Iter::Map(f, its))))
            }
            B::Filter => {
                arity(name, &pos, &kw, 2, 2, span)?;
                let it = self.iter(&pos[1], span)?;
                Obj::Iter(Rc::new(std::cell::RefCell::new(Iter::Filter(
                    pos[0].clone(),
                    it,
                ))))
            }
            B::Enumerate => {
                let start = take_kw(&mut kw, "start");
                no_kw(name, &kw, span)?;
                if pos.is_empty() || pos.len() > 2 {
                    return Err(type_err(span, "enumerate() takes 1 or 2 arguments"));
                }
                let start = match start.or_else(|| pos.get(1).cloned()) {
                    Some(v) => int_arg(&v, span)?,
                    None => 0,
                };
                let it = self.iter(&pos[0], span)?;
                Obj::Iter(Rc::new(std::cell::RefCell::new(Iter::Enumerate(
                    it,
                    i128::from(start),
                ))))
            }
            B::Reversed => {
                arity(name, &pos, &kw, 1, 1, span)?;
                let items = match &pos[0] {
                    Obj::Dict(_) | Obj::Iter(_) | Obj::Set(_) => {
                        return Err(type_err(
                            span,
                            format!("'{}' object is not reversible", pos[0].type_name()),
                        ));
                    }
                    v => self.collect(v, span)?,
                };
                let n = items.len();
                Obj::Iter(Rc::new(std::cell::RefCell::new(Iter::Reversed(
                    Obj::list(items),
                    n,
                ))))
            }
            B::Sum => {
                let start = take_kw(&mut kw, "start");
                no_kw(name, &kw, span)?;
                arity(name, &pos, &[], 1, 2, span)?;
                let acc = start.or_else(|| pos.get(1).cloned()).unwrap_or(Obj::Int(0));
                if matches!(acc, Obj::Str(_)) {
                    return Err(type_err(
                        span,
                        "sum() can't sum strings [use ''.join(seq) instead]",
                    ));
                }
                let it = self.iter(&pos[0], span)?;
                self.sum(acc, &it, span)?
            }
            B::Min | B::Max => return self.min_max(b == B::Max, pos, kw, span),
            B::Abs => {
                arity(name, &pos, &kw, 1, 1, span)?;
                match &pos[0] {
                    Obj::Int(i) => {
                        Obj::Int(i.checked_abs().ok_or_else(|| super::ops::overflow(span))?)
                    }
                    Obj::Bool(b) => Obj::Int(i64::from(*b)),
                    Obj::Float(x) => Obj::Float(x.abs()),
                    Obj::Instance(inst) if inst.class.lookup("__abs__").is_some() => {
                        let m = inst.class.lookup("__abs__").unwrap_or(Obj::None);
                        return self.call(&m, vec![pos[0].clone()], vec![], span);
                    }
                    other => {
                        return Err(type_err(
                            span,
                            format!("bad operand type for abs(): '{}'", other.type_name()),
                        ));
                    }
                }
            }
            B::Round => {
                let nd = take_kw(&mut kw, "ndigits");
                no_kw(name, &kw, span)?;
                arity(name, &pos, &[], 1, 2, span)?;
                let nd = nd
                    .or_else(|| pos.get(1).cloned())
                    .filter(|v| !matches!(v, Obj::None));
                round(&pos[0], nd, span)?
            }
            B::Sorted => {
                let key = take_kw(&mut kw, "key");
                let reverse = take_kw(&mut kw, "reverse");
                no_kw(name, &kw, span)?;
                arity(name, &pos, &[], 1, 1, span)?;
                let items = self.collect(&pos[0], span)?;
                let reverse = match reverse {
                    Some(r) => self.truthy(&r, span)?,
                    None => false,
                };
                Obj::list(self.sort(items, key, reverse, span)?)
            }
            B::Any | B::All => {
                arity(name, &pos, &kw, 1, 1, span)?;
                let want = b == B::Any;
                let it = self.iter(&pos[0], span)?;
                while let Some(x) = self.next(&it, span)? {
                    if self.truthy(&x, span)? == want {
                        return Ok(Obj::Bool(want));
                    }
                    self.tick(span)?;
                }
                Obj::Bool(!want)
            }
            B::List => {
                arity(name, &pos, &kw, 0, 1, span)?;
                match pos.first() {
                    Some(v) => Obj::list(self.collect(v, span)?),
                    None => Obj::list(vec![]),
                }
            }
            B::Tuple => {
                arity(name, &pos, &kw, 0, 1, span)?;
                match pos.first() {
                    Some(Obj::Tuple(_)) => pos[0].clone(),
                    Some(v) => Obj::tuple(self.collect(v, span)?),
                    None => Obj::tuple(vec![]),
                }
            }
            B::Set => {
                arity(name, &pos, &kw, 0, 1, span)?;
                let items = match pos.first() {
                    Some(v) => self.collect(v, span)?,
                    None => vec![],
                };
                self.make_set(items, span)?
            }
            B::Dict => {
                if pos.len() > 1 {
                    return Err(type_err(
                        span,
                        format!("dict expected at most 1 argument, got {}", pos.len()),
                    ));
                }
                let mut items = Vec::new();
                if let Some(src) = pos.first() {
                    if let Obj::Dict(d) = src {
                        items.extend(d.0.borrow().values().cloned());
                    } else {
                        for pair in self.collect(src, span)? {
                            let kv = self.collect(&pair, span)?;
                            if kv.len() != 2 {
                                return Err(py_err(
                                    "ValueError",
                                    span,
                                    format!(
                                        "dictionary update sequence element has length {}; 2 is required",
                                        kv.len()
                                    ),
                                ));
                            }
                            items.push((kv[0].clone(), kv[1].clone()));
                        }
                    }
                }
                items.extend(kw.into_iter().map(|(k, v)| (Obj::Str(k), v)));
                self.make_dict(items, span)?
            }
            B::Str => {
                arity(name, &pos, &kw, 0, 1, span)?;
                match pos.first() {
                    Some(v) => Obj::Str(self.str_of(v, span)?.into()),
                    None => Obj::str(""),
                }
            }
            B::Repr => {
                arity(name, &pos, &kw, 1, 1, span)?;
                Obj::Str(self.repr(&pos[0], span)?.into())
            }
            B::Format => {
                arity(name, &pos, &kw, 1, 2, span)?;
                let spec = match pos.get(1) {
                    Some(Obj::Str(s)) => s.to_string(),
                    Some(other) => {
                        return Err(type_err(
                            span,
                            format!("format() argument 2 must be str, not {}", other.type_name()),
                        ));
                    }
                    None => String::new(),
                };
                Obj::Str(self.format_value(&pos[0], &spec, span)?.into())
            }
            B::Float => {
                arity(name, &pos, &kw, 0, 1, span)?;
                match pos.first() {
                    None => Obj::Float(0.0),
                    Some(v) if v.is_number() => Obj::Float(v.as_f64().unwrap_or(0.0)),
                    Some(Obj::Str(s)) => Obj::Float(parse_float(s, span)?),
                    Some(other) => {
                        return Err(type_err(
                            span,
                            format!(
                                "float() argument must be a string or a real number, not '{}'",
                                other.type_name()
                            ),
                        ));
                    }
                }
            }
            B::Int => {
                arity(name, &pos, &kw, 0, 2, span)?;
                match pos.first() {
                    None => Obj::Int(0),
                    Some(Obj::Int(i)) => Obj::Int(*i),
                    Some(Obj::Bool(b)) => Obj::Int(i64::from(*b)),
                    Some(Obj::Float(x)) => {
                        if x.is_nan() {
                            return Err(py_err(
                                "ValueError",
                                span,
                                "cannot convert float NaN to integer",
                            ));
                        }
                        if x.is_infinite() {
                            return Err(py_err(
                                "OverflowError",
                                span,
                                "cannot convert float infinity to integer",
                            ));
                        }
                        if x.abs() >= 9.2e18 {
                            return Err(super::ops::overflow(span));
                        }
                        Obj::Int(x.trunc() as i64)
                    }
                    Some(Obj::Str(s)) => {
                        let base = match pos.get(1) {
                            Some(b) => int_arg(b, span)?,
                            None => 10,
                        };
                        if base != 0 && !(2..=36).contains(&base) {
                            return Err(py_err(
                                "ValueError",
                                span,
                                "int() base must be >= 2 and <= 36, or 0",
                            ));
                        }
                        let t = s.trim().replace('_', "");
                        let (sign, digits) = match t.strip_prefix('-') {
                            Some(d) => ("-", d.to_string()),
                            None => ("", t.trim_start_matches('+').to_string()),
                        };
                        // Base 0 reads the prefix, as Python's literals do.
                        let lower = digits.to_ascii_lowercase();
                        let (radix, digits) = match (base, lower.get(..2)) {
                            (0 | 16, Some("0x")) => (16, &digits[2..]),
                            (0 | 8, Some("0o")) => (8, &digits[2..]),
                            (0 | 2, Some("0b")) => (2, &digits[2..]),
                            (0, _) => (10, &digits[..]),
                            (b, _) => (b as u32, &digits[..]),
                        };
                        let parsed = if digits.is_empty() || digits.starts_with(['+', '-']) {
                            Err(())
                        } else {
                            i64::from_str_radix(&format!("{sign}{digits}"), radix).map_err(|_| ())
                        };
                        match parsed {
                            Ok(i) => Obj::Int(i),
                            Err(_) => {
                                return Err(py_err(
                                    "ValueError",
                                    span,
                                    format!(
                                        "invalid literal for int() with base {base}: {}",
                                        crate::pyfmt::repr_str(s)
                                    ),
                                ));
                            }
                        }
                    }
                    Some(other) => {
                        return Err(type_err(
                            span,
                            format!(
                                "int() argument must be a string, a bytes-like object or a real number, not '{}'",
                                other.type_name()
                            ),
                        ));
                    }
                }
            }
            B::Bool => {
                arity(name, &pos, &kw, 0, 1, span)?;
                match pos.first() {
                    Some(v) => Obj::Bool(self.truthy(v, span)?),
                    None => Obj::Bool(false),
                }
            }
            B::Id => {
                arity(name, &pos, &kw, 1, 1, span)?;
                Obj::Int(match &pos[0] {
                    Obj::Value(r) => 0x1000_0000 + 64 * r.id().index() as i64,
                    other => (other.identity() & 0x7fff_ffff_ffff) as i64,
                })
            }
            B::Hash => {
                arity(name, &pos, &kw, 1, 1, span)?;
                let k = self.key(&pos[0], span)?;
                Obj::Int(match k {
                    super::object::Key::Int(i) => {
                        if i == -1 {
                            -2
                        } else {
                            i
                        }
                    }
                    other => {
                        use std::hash::{Hash, Hasher};
                        let mut h = std::collections::hash_map::DefaultHasher::new();
                        other.hash(&mut h);
                        (h.finish() >> 2) as i64
                    }
                })
            }
            B::IterFn => {
                arity(name, &pos, &kw, 1, 1, span)?;
                self.iter(&pos[0], span)?
            }
            B::Next => {
                arity(name, &pos, &kw, 1, 2, span)?;
                match self.next(&pos[0], span)? {
                    Some(v) => v,
                    None => match pos.get(1) {
                        Some(d) => d.clone(),
                        None => return Err(py_err("StopIteration", span, "")),
                    },
                }
            }
            B::GetAttr => {
                arity(name, &pos, &kw, 2, 3, span)?;
                let Obj::Str(attr) = &pos[1] else {
                    return Err(type_err(span, "attribute name must be string"));
                };
                match self.get_attr(&pos[0], attr, span) {
                    Ok(v) => v,
                    Err(e) if e.exception == Some("AttributeError") && pos.len() == 3 => {
                        pos[2].clone()
                    }
                    Err(e) => return Err(e),
                }
            }
            B::HasAttr => {
                arity(name, &pos, &kw, 2, 2, span)?;
                let Obj::Str(attr) = &pos[1] else {
                    return Err(type_err(span, "attribute name must be string"));
                };
                match self.get_attr(&pos[0], attr, span) {
                    Ok(_) => Obj::Bool(true),
                    Err(e) if e.exception == Some("AttributeError") => Obj::Bool(false),
                    Err(e) => return Err(e),
                }
            }
            B::SetAttr => {
                arity(name, &pos, &kw, 3, 3, span)?;
                let Obj::Str(attr) = &pos[1] else {
                    return Err(type_err(span, "attribute name must be string"));
                };
                let attr = attr.clone();
                self.set_attr(&pos[0], &attr, pos[2].clone(), span)?;
                Obj::None
            }
            B::Type => {
                arity(name, &pos, &kw, 1, 1, span)?;
                type_of(&pos[0])
            }
            B::IsInstance => {
                arity(name, &pos, &kw, 2, 2, span)?;
                let classes = match &pos[1] {
                    Obj::Tuple(t) => t.0.to_vec(),
                    other => vec![other.clone()],
                };
                let mut yes = false;
                for c in &classes {
                    yes |= is_instance(&pos[0], c, span)?;
                }
                Obj::Bool(yes)
            }
            B::IsSubclass => {
                arity(name, &pos, &kw, 2, 2, span)?;
                Obj::Bool(match (&pos[0], &pos[1]) {
                    (Obj::Class(a), Obj::Class(b)) => a.is_subclass(b),
                    (_, Obj::Builtin(Builtin::Object)) => true,
                    (Obj::Builtin(a), Obj::Builtin(b)) => a == b,
                    _ => false,
                })
            }
            B::Callable => {
                arity(name, &pos, &kw, 1, 1, span)?;
                Obj::Bool(match &pos[0] {
                    Obj::Func(_)
                    | Obj::Builtin(_)
                    | Obj::BoundBuiltin(_)
                    | Obj::Method(_)
                    | Obj::Class(_) => true,
                    Obj::Instance(i) => i.class.lookup("__call__").is_some(),
                    _ => false,
                })
            }
            B::Divmod => {
                arity(name, &pos, &kw, 2, 2, span)?;
                let q = super::ops::num_binop(
                    crate::script::ir::BinOp::FloorDiv,
                    &pos[0],
                    &pos[1],
                    span,
                )?;
                let r =
                    super::ops::num_binop(crate::script::ir::BinOp::Mod, &pos[0], &pos[1], span)?;
                Obj::tuple(vec![q, r])
            }
            B::Pow => {
                arity(name, &pos, &kw, 2, 2, span)?;
                let (a, b) = (pos[0].clone(), pos[1].clone());
                self.binary(crate::script::ir::BinOp::Pow, a, b, span, span)?
            }
            B::Chr => {
                arity(name, &pos, &kw, 1, 1, span)?;
                let i = int_arg(&pos[0], span)?;
                let c = u32::try_from(i)
                    .ok()
                    .and_then(char::from_u32)
                    .ok_or_else(|| {
                        py_err("ValueError", span, "chr() arg not in range(0x110000)")
                    })?;
                Obj::Str(c.to_string().into())
            }
            B::Ord => {
                arity(name, &pos, &kw, 1, 1, span)?;
                match &pos[0] {
                    Obj::Str(s) if s.chars().count() == 1 => {
                        Obj::Int(s.chars().next().map_or(0, |c| c as i64))
                    }
                    Obj::Str(s) => {
                        return Err(type_err(
                            span,
                            format!(
                                "ord() expected a character, but string of length {} found",
                                s.chars().count()
                            ),
                        ));
                    }
                    other => {
                        return Err(type_err(
                            span,
                            format!(
                                "ord() expected string of length 1, but {} found",
                                other.type_name()
                            ),
                        ));
                    }
                }
            }
            B::Object => {
                return Err(Box::new(
                    ScriptError::new(
                        ErrorKind::Unsupported,
                        span,
                        "object() instances are not supported in scripts",
                    )
                    .help("define a class and make an instance of it"),
                ));
            }
            B::ObjectInit => Obj::None,
            B::StaticMethod | B::ClassMethod | B::Property => {
                arity(name, &pos, &kw, 1, 1, span)?;
                let kind = match b {
                    B::StaticMethod => WrapKind::Static,
                    B::ClassMethod => WrapKind::ClassMethod,
                    _ => WrapKind::Property,
                };
                Obj::Wrapper(Rc::new((kind, pos.remove(0))))
            }
            B::Super => {
                return Err(py_err(
                    "RuntimeError",
                    span,
                    "super(): only the form without arguments is supported, inside a method",
                ));
            }
            B::NotImplemented => {
                return Err(type_err(
                    span,
                    "'NotImplementedType' object is not callable",
                ));
            }
            _ if name.starts_with("math.") => self.math(b, &pos, &kw, span)?,
            _ => self.random_fn(b, pos, kw, span)?,
        })
    }

    fn hint_str(&self) -> String {
        "pass a string, e.g. sep=', '".into()
    }

    /// `len(v)`.
    pub fn len(&mut self, v: &Obj, span: Span) -> R<usize> {
        Ok(match v {
            Obj::Str(s) => s.chars().count(),
            Obj::List(l) => l.0.borrow().len(),
            Obj::Tuple(t) => t.0.len(),
            Obj::Dict(d) => d.0.borrow().len(),
            Obj::Set(s) => s.0.borrow().len(),
            Obj::View(v) => v.0.0.borrow().len(),
            Obj::Range(r) => range_len(r.0, r.1, r.2) as usize,
            Obj::Instance(inst) if inst.class.lookup("__len__").is_some() => {
                let m = inst.class.lookup("__len__").unwrap_or(Obj::None);
                let r = self.call(&m, vec![v.clone()], vec![], span)?;
                r.as_int().unwrap_or(0).max(0) as usize
            }
            other => {
                return Err(type_err(
                    span,
                    format!("object of type '{}' has no len()", other.type_name()),
                ));
            }
        })
    }

    fn min_max(
        &mut self,
        max: bool,
        pos: Vec<Obj>,
        mut kw: Vec<(Rc<str>, Obj)>,
        span: Span,
    ) -> R<Obj> {
        let name = if max { "max" } else { "min" };
        let key = take_kw(&mut kw, "key").filter(|k| !matches!(k, Obj::None));
        let default = take_kw(&mut kw, "default");
        no_kw(name, &kw, span)?;
        let items = match pos.len() {
            0 => {
                return Err(type_err(
                    span,
                    format!("{name} expected at least 1 argument, got 0"),
                ));
            }
            1 => self.collect(&pos[0], span)?,
            _ => pos,
        };
        if items.is_empty() {
            return default.ok_or_else(|| {
                py_err(
                    "ValueError",
                    span,
                    format!("{name}() arg is an empty sequence"),
                )
            });
        }
        let mut best = items[0].clone();
        let mut best_key = match &key {
            Some(k) => self.call(k, vec![best.clone()], vec![], span)?,
            None => best.clone(),
        };
        for x in items.into_iter().skip(1) {
            let k = match &key {
                Some(kf) => self.call(kf, vec![x.clone()], vec![], span)?,
                None => x.clone(),
            };
            let op = if max {
                crate::script::ir::CmpOp::Gt
            } else {
                crate::script::ir::CmpOp::Lt
            };
            let better = self.compare(op, &k, &best_key, span)?;
            if self.truthy(&better, span)? {
                best = x;
                best_key = k;
            }
        }
        Ok(best)
    }

    /// A stable sort with Python's comparisons, by `key` if given.
    pub fn sort(
        &mut self,
        items: Vec<Obj>,
        key: Option<Obj>,
        reverse: bool,
        span: Span,
    ) -> R<Vec<Obj>> {
        let key = key.filter(|k| !matches!(k, Obj::None));
        let mut keyed = Vec::with_capacity(items.len());
        for x in items {
            let k = match &key {
                Some(f) => self.call(f, vec![x.clone()], vec![], span)?,
                None => x.clone(),
            };
            keyed.push((k, x));
        }
        // A merge sort: the comparisons can fail or call script code.
        let mut err: Option<Box<ScriptError>> = None;
        let cmp = |a: &Obj, b: &Obj, me: &mut Self, err: &mut Option<Box<ScriptError>>| -> bool {
            if err.is_some() {
                return false;
            }
            match me
                .compare(crate::script::ir::CmpOp::Lt, b, a, span)
                .and_then(|v| me.truthy(&v, span))
            {
                Ok(t) => t,
                Err(e) => {
                    *err = Some(e);
                    false
                }
            }
        };
        let n = keyed.len();
        let mut buf: Vec<(Obj, Obj)> = keyed;
        let mut width = 1;
        while width < n {
            let mut merged = Vec::with_capacity(n);
            let mut i = 0;
            while i < n {
                let mid = (i + width).min(n);
                let end = (i + 2 * width).min(n);
                let (mut a, mut b) = (i, mid);
                while a < mid && b < end {
                    // Reverse sorts keep equal items in order, as Python's.
                    let take_b = if reverse {
                        cmp(&buf[b].0, &buf[a].0, self, &mut err)
                    } else {
                        cmp(&buf[a].0, &buf[b].0, self, &mut err)
                    };
                    if take_b {
                        merged.push(buf[b].clone());
                        b += 1;
                    } else {
                        merged.push(buf[a].clone());
                        a += 1;
                    }
                }
                merged.extend_from_slice(&buf[a..mid]);
                merged.extend_from_slice(&buf[b..end]);
                i = end;
            }
            buf = merged;
            width *= 2;
            if let Some(e) = err.take() {
                return Err(e);
            }
        }
        if let Some(e) = err {
            return Err(e);
        }
        Ok(buf.into_iter().map(|(_, x)| x).collect())
    }

    fn math(&mut self, b: Builtin, pos: &[Obj], kw: &[(Rc<str>, Obj)], span: Span) -> R<Obj> {
        use Builtin as B;
        let name = b.name();
        let (min, max) = match b {
            B::MathLog => (1, 2),
            B::MathAtan2 | B::MathPow | B::MathCopysign => (2, 2),
            B::MathIsclose => (2, 2),
            B::MathHypot | B::MathGcd => (0, 64),
            _ => (1, 1),
        };
        if b != B::MathIsclose {
            arity(name, pos, kw, min, max, span)?;
        }
        let x = |i: usize| -> R<f64> { float_arg(name, &pos[i], span) };
        let check = |r: f64, input_finite: bool| -> R<Obj> {
            if r.is_nan() && input_finite {
                return Err(math_domain(span));
            }
            if r.is_infinite() && input_finite {
                return Err(Box::new(
                    ScriptError::new(ErrorKind::Math, span, "math range error")
                        .exception("OverflowError"),
                ));
            }
            Ok(Obj::Float(r))
        };
        Ok(match b {
            B::MathExp => {
                let v = x(0)?;
                return check(v.exp(), v.is_finite());
            }
            B::MathExpm1 => {
                let v = x(0)?;
                return check(v.exp_m1(), v.is_finite());
            }
            B::MathLog => {
                let v = x(0)?;
                if v <= 0.0 {
                    return Err(math_domain(span));
                }
                match pos.get(1) {
                    Some(base) => {
                        let base = float_arg(name, base, span)?;
                        if base <= 0.0 || base == 1.0 {
                            return Err(if base == 1.0 {
                                py_err("ZeroDivisionError", span, "float division by zero")
                            } else {
                                math_domain(span)
                            });
                        }
                        Obj::Float(v.ln() / base.ln())
                    }
                    None => Obj::Float(v.ln()),
                }
            }
            B::MathLog2 | B::MathLog10 | B::MathLog1p => {
                let v = x(0)?;
                if (b == B::MathLog1p && v <= -1.0) || (b != B::MathLog1p && v <= 0.0) {
                    return Err(math_domain(span));
                }
                Obj::Float(match b {
                    B::MathLog2 => v.log2(),
                    B::MathLog10 => v.log10(),
                    _ => v.ln_1p(),
                })
            }
            B::MathSqrt => {
                let v = x(0)?;
                if v < 0.0 {
                    return Err(math_domain(span));
                }
                Obj::Float(v.sqrt())
            }
            B::MathTanh => Obj::Float(x(0)?.tanh()),
            B::MathSin => Obj::Float(x(0)?.sin()),
            B::MathCos => Obj::Float(x(0)?.cos()),
            B::MathTan => Obj::Float(x(0)?.tan()),
            B::MathAtan => Obj::Float(x(0)?.atan()),
            B::MathAtan2 => Obj::Float(x(0)?.atan2(x(1)?)),
            B::MathAsin | B::MathAcos => {
                let v = x(0)?;
                if !(-1.0..=1.0).contains(&v) {
                    return Err(math_domain(span));
                }
                Obj::Float(if b == B::MathAsin { v.asin() } else { v.acos() })
            }
            B::MathSinh => {
                let v = x(0)?;
                return check(v.sinh(), v.is_finite());
            }
            B::MathCosh => {
                let v = x(0)?;
                return check(v.cosh(), v.is_finite());
            }
            B::MathPow => {
                let (a, e) = (x(0)?, x(1)?);
                if a == 0.0 && e < 0.0 {
                    return Err(math_domain(span));
                }
                return check(a.powf(e), a.is_finite() && e.is_finite());
            }
            B::MathFabs => Obj::Float(x(0)?.abs()),
            B::MathFloor | B::MathCeil | B::MathTrunc => match &pos[0] {
                Obj::Int(i) => Obj::Int(*i),
                Obj::Bool(v) => Obj::Int(i64::from(*v)),
                _ => {
                    let v = x(0)?;
                    let r = match b {
                        B::MathFloor => v.floor(),
                        B::MathCeil => v.ceil(),
                        _ => v.trunc(),
                    };
                    if !r.is_finite() {
                        return Err(py_err(
                            "OverflowError",
                            span,
                            "cannot convert float infinity to integer",
                        ));
                    }
                    if r.abs() >= 9.2e18 {
                        return Err(super::ops::overflow(span));
                    }
                    Obj::Int(r as i64)
                }
            },
            B::MathIsclose => {
                let mut rel = 1e-9;
                let mut abs = 0.0;
                for (k, v) in kw {
                    match &**k {
                        "rel_tol" => rel = float_arg(name, v, span)?,
                        "abs_tol" => abs = float_arg(name, v, span)?,
                        _ => {
                            return Err(type_err(
                                span,
                                format!("isclose() got an unexpected keyword argument '{k}'"),
                            ));
                        }
                    }
                }
                arity(name, pos, &[], 2, 2, span)?;
                let (a, c) = (x(0)?, x(1)?);
                Obj::Bool(
                    a == c
                        || ((a - c).abs() <= (rel * c.abs()).max(rel * a.abs())
                            || (a - c).abs() <= abs)
                            && a.is_finite()
                            && c.is_finite(),
                )
            }
            B::MathIsfinite => Obj::Bool(x(0)?.is_finite()),
            B::MathIsinf => Obj::Bool(x(0)?.is_infinite()),
            B::MathIsnan => Obj::Bool(x(0)?.is_nan()),
            B::MathHypot => {
                let mut s = 0.0f64;
                for i in 0..pos.len() {
                    s = s.hypot(x(i)?);
                }
                Obj::Float(s)
            }
            B::MathCopysign => Obj::Float(x(0)?.copysign(x(1)?)),
            B::MathFactorial => {
                let n = int_arg(&pos[0], span)?;
                if n < 0 {
                    return Err(py_err(
                        "ValueError",
                        span,
                        "factorial() not defined for negative values",
                    ));
                }
                let mut r: i64 = 1;
                for i in 2..=n {
                    r = r.checked_mul(i).ok_or_else(|| super::ops::overflow(span))?;
                }
                Obj::Int(r)
            }
            B::MathGcd => {
                let mut g: i64 = 0;
                for v in pos {
                    let mut a = int_arg(v, span)?.abs();
                    let mut c = g;
                    while c != 0 {
                        (a, c) = (c, a % c);
                    }
                    g = a;
                }
                Obj::Int(g)
            }
            B::MathFsum | B::MathProd => {
                let items = self.collect(&pos[0], span)?;
                if b == B::MathFsum {
                    // Neumaier summation: exact enough for what scripts sum.
                    let (mut s, mut c) = (0.0f64, 0.0f64);
                    for v in &items {
                        let v = float_arg(name, v, span)?;
                        let t = s + v;
                        c += if s.abs() >= v.abs() {
                            (s - t) + v
                        } else {
                            (v - t) + s
                        };
                        s = t;
                    }
                    Obj::Float(s + c)
                } else {
                    let mut acc = Obj::Int(1);
                    for v in items {
                        acc = self.binary(crate::script::ir::BinOp::Mul, acc, v, span, span)?;
                    }
                    acc
                }
            }
            B::MathDegrees => Obj::Float(x(0)?.to_degrees()),
            B::MathRadians => Obj::Float(x(0)?.to_radians()),
            B::MathErf => Obj::Float(erf(x(0)?)),
            _ => return Err(type_err(span, format!("{name} is not callable"))),
        })
    }

    fn random_fn(
        &mut self,
        b: Builtin,
        mut pos: Vec<Obj>,
        mut kw: Vec<(Rc<str>, Obj)>,
        span: Span,
    ) -> R<Obj> {
        use Builtin as B;
        let name = b.name();
        let value_err = |m: String| py_err("ValueError", span, m);
        Ok(match b {
            B::RandSeed => {
                let _ = take_kw(&mut kw, "version");
                let a = take_kw(&mut kw, "a");
                arity(name, &pos, &kw, 0, 2, span)?;
                match a.or_else(|| pos.first().cloned()) {
                    None | Some(Obj::None) => {
                        self.random =
                            crate::script::modules::random::PyRandom::new(self.options.seed)
                    }
                    Some(Obj::Int(i)) => self.random.seed_int(i128::from(i)),
                    Some(Obj::Bool(v)) => self.random.seed_int(i128::from(v)),
                    Some(Obj::Float(x)) => self.random.seed_float(x),
                    Some(other) => {
                        return Err(type_err(
                            span,
                            format!(
                                "random.seed() takes an int or a float in gradviz scripts, not {}",
                                other.type_name()
                            ),
                        ));
                    }
                }
                Obj::None
            }
            B::RandRandom => {
                arity(name, &pos, &kw, 0, 0, span)?;
                Obj::Float(self.random.random())
            }
            B::RandUniform => {
                arity(name, &pos, &kw, 2, 2, span)?;
                let (a, c) = (
                    float_arg(name, &pos[0], span)?,
                    float_arg(name, &pos[1], span)?,
                );
                Obj::Float(self.random.uniform(a, c))
            }
            B::RandRandint => {
                arity(name, &pos, &kw, 2, 2, span)?;
                let (a, c) = (int_arg(&pos[0], span)?, int_arg(&pos[1], span)?);
                Obj::Int(self.random.randint(a, c).map_err(value_err)?)
            }
            B::RandRandrange => {
                let step = take_kw(&mut kw, "step");
                arity(name, &pos, &kw, 1, 3, span)?;
                let start = int_arg(&pos[0], span)?;
                let stop = pos.get(1).map(|v| int_arg(v, span)).transpose()?;
                let step = match step.or_else(|| pos.get(2).cloned()) {
                    Some(s) => int_arg(&s, span)?,
                    None => 1,
                };
                if stop.is_none() && step != 1 {
                    return Err(type_err(span, "Missing a non-None stop argument"));
                }
                Obj::Int(
                    self.random
                        .randrange(start, stop, step)
                        .map_err(value_err)?,
                )
            }
            B::RandChoice => {
                arity(name, &pos, &kw, 1, 1, span)?;
                let n = self.len(&pos[0], span)?;
                let i = self
                    .random
                    .choice_index(n)
                    .map_err(|m| py_err("IndexError", span, m))?;
                self.get_item(&pos[0], &Obj::Int(i as i64), span)?
            }
            B::RandChoices => {
                let k = take_kw(&mut kw, "k");
                if take_kw(&mut kw, "weights").is_some_and(|w| !matches!(w, Obj::None)) {
                    return Err(Box::new(
                        ScriptError::new(
                            ErrorKind::Unsupported,
                            span,
                            "random.choices(weights=…) is not supported in scripts",
                        )
                        .help("use random.choices(population, k=n)"),
                    ));
                }
                arity(name, &pos, &kw, 1, 1, span)?;
                let k = match k {
                    Some(v) => int_arg(&v, span)?.max(0) as usize,
                    None => 1,
                };
                self.check_size(k, span)?;
                let items = self.collect(&pos[0], span)?;
                let idx = self
                    .random
                    .choices_indices(items.len(), k)
                    .map_err(|m| py_err("IndexError", span, m))?;
                Obj::list(idx.into_iter().map(|i| items[i].clone()).collect())
            }
            B::RandShuffle => {
                arity(name, &pos, &kw, 1, 1, span)?;
                let Obj::List(l) = &pos[0] else {
                    return Err(type_err(
                        span,
                        format!(
                            "'{}' object does not support item assignment",
                            pos[0].type_name()
                        ),
                    ));
                };
                let mut items = l.0.borrow_mut();
                self.random.shuffle(&mut items);
                Obj::None
            }
            B::RandSample => {
                let k = take_kw(&mut kw, "k");
                no_kw(name, &kw, span)?;
                let k = match k.or_else(|| pos.get(1).cloned()) {
                    Some(v) => int_arg(&v, span)?,
                    None => {
                        return Err(type_err(
                            span,
                            "sample() missing 1 required positional argument: 'k'",
                        ));
                    }
                };
                let population = pos.remove(0);
                if matches!(population, Obj::Set(_) | Obj::Dict(_)) {
                    return Err(type_err(
                        span,
                        "Population must be a sequence.  For dicts or sets, use sorted(d).",
                    ));
                }
                let items = self.collect(&population, span)?;
                if k < 0 {
                    return Err(value_err(
                        "Sample larger than population or is negative".into(),
                    ));
                }
                let idx = self
                    .random
                    .sample_indices(items.len(), k as usize)
                    .map_err(value_err)?;
                Obj::list(idx.into_iter().map(|i| items[i].clone()).collect())
            }
            B::RandGauss | B::RandNormal => {
                let mu = take_kw(&mut kw, "mu");
                let sigma = take_kw(&mut kw, "sigma");
                arity(name, &pos, &kw, 0, 2, span)?;
                let mu = match mu.or_else(|| pos.first().cloned()) {
                    Some(v) => float_arg(name, &v, span)?,
                    None => 0.0,
                };
                let sigma = match sigma.or_else(|| pos.get(1).cloned()) {
                    Some(v) => float_arg(name, &v, span)?,
                    None => 1.0,
                };
                Obj::Float(if b == B::RandGauss {
                    self.random.gauss(mu, sigma)
                } else {
                    self.random.normalvariate(mu, sigma)
                })
            }
            B::RandExpo => {
                arity(name, &pos, &kw, 0, 1, span)?;
                let l = match pos.first() {
                    Some(v) => float_arg(name, v, span)?,
                    None => 1.0,
                };
                if l == 0.0 {
                    self.random.random();
                    return Err(py_err("ZeroDivisionError", span, "float division by zero"));
                }
                Obj::Float(self.random.expovariate(l))
            }
            B::RandTriangular => {
                arity(name, &pos, &kw, 0, 3, span)?;
                let low = pos
                    .first()
                    .map(|v| float_arg(name, v, span))
                    .transpose()?
                    .unwrap_or(0.0);
                let high = pos
                    .get(1)
                    .map(|v| float_arg(name, v, span))
                    .transpose()?
                    .unwrap_or(1.0);
                let mode = pos
                    .get(2)
                    .filter(|v| !matches!(v, Obj::None))
                    .map(|v| float_arg(name, v, span))
                    .transpose()?;
                Obj::Float(self.random.triangular(low, high, mode))
            }
            B::RandGetrandbits => {
                arity(name, &pos, &kw, 1, 1, span)?;
                let k = int_arg(&pos[0], span)?;
                if k < 0 {
                    return Err(value_err("number of bits must be non-negative".into()));
                }
                if k > 63 {
                    return Err(super::ops::overflow(span));
                }
                Obj::Int(self.random.getrandbits(k as u32) as i64)
            }
            _ => return Err(type_err(span, format!("{name} is not callable"))),
        })
    }
}

fn round(v: &Obj, nd: Option<Obj>, span: Span) -> R<Obj> {
    match (v, nd) {
        (Obj::Int(i), None) => Ok(Obj::Int(*i)),
        (Obj::Bool(b), None) => Ok(Obj::Int(i64::from(*b))),
        (Obj::Int(i), Some(n)) => {
            let n = int_arg(&n, span)?;
            if n >= 0 {
                return Ok(Obj::Int(*i));
            }
            let p = 10i64.checked_pow((-n) as u32).unwrap_or(i64::MAX);
            let q = (*i as f64 / p as f64).round_ties_even() as i64;
            Ok(Obj::Int(q.saturating_mul(p)))
        }
        (Obj::Float(x), None) => {
            if !x.is_finite() {
                return Err(py_err(
                    if x.is_nan() {
                        "ValueError"
                    } else {
                        "OverflowError"
                    },
                    span,
                    if x.is_nan() {
                        "cannot convert float NaN to integer"
                    } else {
                        "cannot convert float infinity to integer"
                    },
                ));
            }
            let r = x.round_ties_even();
            if r.abs() >= 9.2e18 {
                return Err(super::ops::overflow(span));
            }
            Ok(Obj::Int(r as i64))
        }
        (Obj::Float(x), Some(n)) => {
            let n = int_arg(&n, span)?;
            Ok(Obj::Float(round_float(*x, n)))
        }
        (other, _) => Err(type_err(
            span,
            format!("type {} doesn't define __round__ method", other.type_name()),
        )),
    }
}

/// CPython's `round(x, n)`: correctly rounded through the decimal string.
fn round_float(x: f64, n: i64) -> f64 {
    if !x.is_finite() || n > 308 {
        return x;
    }
    if n < -308 {
        return 0.0f64.copysign(x);
    }
    if n >= 0 {
        // Format with n decimals (Rust rounds the exact binary value half to
        // even, as CPython's dtoa does) and read it back.
        let s = format!("{:.*}", n as usize, x);
        s.parse().unwrap_or(x)
    } else {
        let p = 10f64.powi((-n) as i32);
        let r = (x / p).round_ties_even() * p;
        if r == 0.0 { 0.0f64.copysign(x) } else { r }
    }
}

fn parse_float(s: &str, span: Span) -> R<f64> {
    let t = s.trim().to_ascii_lowercase().replace('_', "");
    let v = match t.as_str() {
        "inf" | "+inf" | "infinity" | "+infinity" => Some(f64::INFINITY),
        "-inf" | "-infinity" => Some(f64::NEG_INFINITY),
        "nan" | "+nan" | "-nan" => Some(f64::NAN),
        _ => t.parse::<f64>().ok().filter(|_| !t.contains(['i', 'n'])),
    };
    v.ok_or_else(|| {
        py_err(
            "ValueError",
            span,
            format!(
                "could not convert string to float: {}",
                crate::pyfmt::repr_str(s)
            ),
        )
    })
}

/// `type(v)`.
fn type_of(v: &Obj) -> Obj {
    use Builtin as B;
    match v {
        Obj::Instance(i) => Obj::Class(i.class.clone()),
        Obj::Int(_) => Obj::Builtin(B::Int),
        Obj::Float(_) => Obj::Builtin(B::Float),
        Obj::Bool(_) => Obj::Builtin(B::Bool),
        Obj::Str(_) => Obj::Builtin(B::Str),
        Obj::List(_) => Obj::Builtin(B::List),
        Obj::Tuple(_) => Obj::Builtin(B::Tuple),
        Obj::Dict(_) => Obj::Builtin(B::Dict),
        Obj::Set(_) => Obj::Builtin(B::Set),
        Obj::Value(_) => Obj::Builtin(B::Value),
        Obj::Range(_) => Obj::Builtin(B::Range),
        Obj::Class(_) | Obj::Builtin(_) => Obj::Builtin(B::Type),
        _ => Obj::Builtin(B::Object),
    }
}

fn is_instance(v: &Obj, class: &Obj, span: Span) -> R<bool> {
    use Builtin as B;
    Ok(match class {
        Obj::Class(c) => matches!(v, Obj::Instance(i) if i.class.is_subclass(c)),
        Obj::Builtin(B::Object) => true,
        Obj::Builtin(B::Int) => matches!(v, Obj::Int(_) | Obj::Bool(_)),
        Obj::Builtin(b) if b.is_type() => match type_of(v) {
            Obj::Builtin(t) => t == *b,
            _ => false,
        },
        other => {
            return Err(type_err(
                span,
                format!(
                    "isinstance() arg 2 must be a type, a tuple of types, or a union, not {}",
                    a_type(other)
                ),
            ));
        }
    })
}

/// The error function (W. J. Cody's rational approximations, as in libm).
fn erf(x: f64) -> f64 {
    // Abramowitz–Stegun 7.1.26 is too coarse; use the complementary series.
    let t = 1.0 / (1.0 + 0.5 * x.abs());
    let y = 1.0
        - t * (-x * x - 1.265_512_23
            + t * (1.000_023_68
                + t * (0.374_091_96
                    + t * (0.096_784_18
                        + t * (-0.186_288_06
                            + t * (0.278_868_07
                                + t * (-1.135_203_98
                                    + t * (1.488_515_87
                                        + t * (-0.822_152_23 + t * 0.170_872_77)))))))))
            .exp();
    if x >= 0.0 { y } else { -y }
}

/// Levenshtein distance, for "did you mean" hints.
pub fn edit_distance(a: &str, b: &str) -> usize {
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
