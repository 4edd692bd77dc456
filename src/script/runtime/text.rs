//! `str()`, `repr()`, f-strings and `%`-formatting, as Python writes them.

use super::object::{Obj, WrapKind};
use super::{Interp, R, type_err};
use crate::pyfmt::{self, Number};
use crate::script::error::Span;
use crate::script::ir::FPart;

impl Interp<'_> {
    /// Python's `str(v)`.
    pub fn str_of(&mut self, v: &Obj, span: Span) -> R<String> {
        match v {
            Obj::Str(s) => Ok(s.to_string()),
            Obj::Exception(e) => Ok(e.1.to_string()),
            Obj::Instance(inst) => match inst.class.lookup("__str__") {
                Some(m) => {
                    let r = self.call(&m, vec![v.clone()], vec![], span)?;
                    match r {
                        Obj::Str(s) => Ok(s.to_string()),
                        other => Err(type_err(
                            span,
                            format!("__str__ returned non-string (type {})", other.type_name()),
                        )),
                    }
                }
                None => self.repr(v, span),
            },
            other => self.repr(other, span),
        }
    }

    /// Python's `repr(v)`; a Value prints as micrograd's `__repr__`.
    pub fn repr(&mut self, v: &Obj, span: Span) -> R<String> {
        Ok(match v {
            Obj::None => "None".into(),
            Obj::Ellipsis => "Ellipsis".into(),
            Obj::Bool(b) => if *b { "True" } else { "False" }.into(),
            Obj::Int(i) => pyfmt::repr_int(*i),
            Obj::Float(x) => pyfmt::repr_float(*x),
            Obj::Str(s) => pyfmt::repr_str(s),
            Obj::Value(r) => self.value_repr(r.id()),
            Obj::List(l) => {
                let items = l.0.borrow().clone();
                self.seq_repr(v, &items, "[", "]", span)?
            }
            Obj::Tuple(t) => {
                let items = t.0.to_vec();
                if items.len() == 1 {
                    format!("({},)", self.repr(&items[0], span)?)
                } else {
                    self.seq_repr(v, &items, "(", ")", span)?
                }
            }
            Obj::Set(s) => {
                let items: Vec<Obj> = s.0.borrow().values().cloned().collect();
                if items.is_empty() {
                    "set()".into()
                } else {
                    self.seq_repr(v, &items, "{", "}", span)?
                }
            }
            Obj::Dict(d) => {
                let items: Vec<(Obj, Obj)> = d.0.borrow().values().cloned().collect();
                if !self.enter_repr(v) {
                    self.leave_repr();
                    return Err(repr_too_deep(span));
                }
                let mut parts = Vec::with_capacity(items.len());
                for (k, val) in &items {
                    let r = (|| -> R<String> {
                        Ok(format!(
                            "{}: {}",
                            self.repr(k, span)?,
                            self.repr(val, span)?
                        ))
                    })();
                    match r {
                        Ok(p) => parts.push(p),
                        Err(e) => {
                            self.leave_repr();
                            return Err(e);
                        }
                    }
                }
                self.leave_repr();
                format!("{{{}}}", parts.join(", "))
            }
            Obj::Range(r) => {
                if r.2 == 1 {
                    format!("range({}, {})", r.0, r.1)
                } else {
                    format!("range({}, {}, {})", r.0, r.1, r.2)
                }
            }
            Obj::Func(f) => format!(
                "<function {} at 0x{:x}>",
                f.def.qualname,
                0x7f00_0000_0000u64 + (v.identity() as u64 & 0xffff_ffff)
            ),
            Obj::Builtin(b) if b.is_type() => format!("<class '{}'>", b.name()),
            Obj::Builtin(b) => format!("<built-in function {}>", b.name()),
            Obj::BoundBuiltin(bb) => {
                format!("<built-in method {} of {} object>", bb.1, bb.0.type_name())
            }
            Obj::Method(m) => {
                let name = match &m.1 {
                    Obj::Func(f) => f.def.qualname.to_string(),
                    other => other.type_name().to_string(),
                };
                let of = self.repr(&m.0, span)?;
                format!("<bound method {name} of {of}>")
            }
            Obj::Class(c) => {
                if &*c.module == "__main__" {
                    format!("<class '__main__.{}'>", c.name)
                } else {
                    format!("<class '{}.{}'>", c.module, c.name)
                }
            }
            Obj::Instance(inst) => match inst.class.lookup("__repr__") {
                Some(m) => {
                    if !self.enter_repr(v) {
                        self.leave_repr();
                        return Err(repr_too_deep(span));
                    }
                    let r = self.call(&m, vec![v.clone()], vec![], span);
                    self.leave_repr();
                    match r? {
                        Obj::Str(s) => s.to_string(),
                        other => {
                            return Err(type_err(
                                span,
                                format!(
                                    "__repr__ returned non-string (type {})",
                                    other.type_name()
                                ),
                            ));
                        }
                    }
                }
                None => format!("<{}.{} object>", inst.class.module, inst.class.name),
            },
            Obj::Module(m) => format!("<module '{}'>", m.name),
            Obj::Iter(_) => format!("<{} object>", v.type_name()),
            Obj::Slice(s) => {
                let (a, b, c) = (s.0.clone(), s.1.clone(), s.2.clone());
                format!(
                    "slice({}, {}, {})",
                    self.repr(&a, span)?,
                    self.repr(&b, span)?,
                    self.repr(&c, span)?
                )
            }
            Obj::Wrapper(w) => match w.0 {
                WrapKind::Static => "<staticmethod object>".into(),
                WrapKind::ClassMethod => "<classmethod object>".into(),
                WrapKind::Property => "<property object>".into(),
            },
            Obj::Super(_) => "<super object>".into(),
            Obj::View(view) => {
                let items = self.collect(v, span)?;
                let list = self.seq_repr(v, &items, "[", "]", span)?;
                let name = match view.1 {
                    super::object::ViewKind::Keys => "dict_keys",
                    super::object::ViewKind::Values => "dict_values",
                    super::object::ViewKind::Items => "dict_items",
                };
                format!("{name}({list})")
            }
            Obj::Exception(e) => format!("{}({})", e.0, pyfmt::repr_str(&e.1)),
        })
    }

    fn enter_repr(&mut self, _v: &Obj) -> bool {
        self.nesting += 1;
        self.nesting <= super::MAX_DEPTH / 4
    }

    fn leave_repr(&mut self) {
        self.nesting = self.nesting.saturating_sub(1);
    }

    fn seq_repr(
        &mut self,
        v: &Obj,
        items: &[Obj],
        open: &str,
        close: &str,
        span: Span,
    ) -> R<String> {
        if !self.enter_repr(v) {
            self.leave_repr();
            return Err(repr_too_deep(span));
        }
        let mut out = String::from(open);
        for (i, x) in items.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            // A list that holds itself prints as [...], as in Python.
            let r = if super::ops::is(x, v) {
                Ok(format!("{open}...{close}"))
            } else {
                self.repr(x, span)
            };
            match r {
                Ok(s) => out.push_str(&s),
                Err(e) => {
                    self.leave_repr();
                    return Err(e);
                }
            }
            if out.len() > super::MAX_ITEMS {
                self.leave_repr();
                self.check_size(out.len(), span)?;
            }
        }
        self.leave_repr();
        out.push_str(close);
        Ok(out)
    }

    /// `format(v, spec)`.
    pub fn format_value(&mut self, v: &Obj, spec: &str, span: Span) -> R<String> {
        let r = match v {
            Obj::Int(i) => pyfmt::format_number(Number::Int(*i), spec),
            Obj::Bool(b) if spec.is_empty() => Ok(if *b { "True" } else { "False" }.into()),
            Obj::Bool(b) => pyfmt::format_number(Number::Int(i64::from(*b)), spec),
            Obj::Float(x) => pyfmt::format_number(Number::Float(*x), spec),
            Obj::Str(s) => pyfmt::format_str(s, spec),
            Obj::Instance(inst) if inst.class.lookup("__format__").is_some() => {
                let m = inst.class.lookup("__format__").unwrap_or(Obj::None);
                let r = self.call(&m, vec![v.clone(), Obj::str(spec)], vec![], span)?;
                return self.str_of(&r, span);
            }
            other if spec.is_empty() => return self.str_of(other, span),
            other => Err(pyfmt::FormatError(format!(
                "unsupported format string passed to {}.__format__",
                other.type_name()
            ))),
        };
        r.map_err(|e| {
            let msg = e.0;
            let exc = if msg.starts_with("unsupported format string") {
                "TypeError"
            } else {
                "ValueError"
            };
            super::py_err(exc, span, msg)
        })
    }

    /// An f-string.
    pub fn fstring(&mut self, parts: &[FPart], f: &mut super::object::Frame) -> R<String> {
        let mut s = String::new();
        for p in parts {
            match p {
                FPart::Text(t) => s.push_str(t),
                FPart::Field {
                    expr,
                    span,
                    conversion,
                    spec,
                    debug,
                } => {
                    let v = self.eval(expr, f)?;
                    if let Some(d) = debug {
                        s.push_str(d);
                    }
                    let spec = self.fstring(spec, f)?;
                    let text = match conversion {
                        Some('r' | 'a') => {
                            let r = self.repr(&v, *span)?;
                            self.format_value(&Obj::Str(r.into()), &spec, *span)?
                        }
                        Some(_) => {
                            let r = self.str_of(&v, *span)?;
                            self.format_value(&Obj::Str(r.into()), &spec, *span)?
                        }
                        None => self.format_value(&v, &spec, *span)?,
                    };
                    s.push_str(&text);
                    self.check_size(s.len(), *span)?;
                }
            }
        }
        Ok(s)
    }

    /// `fmt % args`.
    pub fn percent_format(&mut self, fmt: &str, args: &Obj, span: Span) -> R<String> {
        let args: Vec<Obj> = match args {
            Obj::Tuple(t) => t.0.to_vec(),
            other => vec![other.clone()],
        };
        let mut args = args.into_iter();
        let mut out = String::new();
        let mut chars = fmt.chars().peekable();
        while let Some(c) = chars.next() {
            if c != '%' {
                out.push(c);
                continue;
            }
            let mut spec = String::new();
            let mut kind = None;
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() || c == '%' {
                    kind = Some(c);
                    break;
                }
                spec.push(c);
            }
            let Some(kind) = kind else {
                return Err(super::py_err("ValueError", span, "incomplete format"));
            };
            if kind == '%' {
                out.push('%');
                continue;
            }
            let Some(arg) = args.next() else {
                return Err(type_err(span, "not enough arguments for format string"));
            };
            let text = match kind {
                's' => {
                    let s = self.str_of(&arg, span)?;
                    self.format_value(&Obj::Str(s.into()), &percent_spec(&spec, None), span)?
                }
                'r' => {
                    let s = self.repr(&arg, span)?;
                    self.format_value(&Obj::Str(s.into()), &percent_spec(&spec, None), span)?
                }
                'd' | 'i' | 'f' | 'F' | 'e' | 'E' | 'g' | 'G' | 'x' | 'X' | 'o' => {
                    let n = match (&arg, kind) {
                        (Obj::Float(x), 'd' | 'i' | 'x' | 'X' | 'o') => Obj::Int(x.trunc() as i64),
                        (Obj::Int(i), 'f' | 'F' | 'e' | 'E' | 'g' | 'G') => Obj::Float(*i as f64),
                        (Obj::Bool(b), _) => Obj::Int(i64::from(*b)),
                        (a, _) if a.is_number() => a.clone(),
                        (a, _) => {
                            return Err(type_err(
                                span,
                                format!(
                                    "%{kind} format: a real number is required, not {}",
                                    a.type_name()
                                ),
                            ));
                        }
                    };
                    let k = if kind == 'i' { 'd' } else { kind };
                    self.format_value(&n, &percent_spec(&spec, Some(k)), span)?
                }
                other => {
                    return Err(super::py_err(
                        "ValueError",
                        span,
                        format!("unsupported format character '{other}'"),
                    ));
                }
            };
            out.push_str(&text);
        }
        if args.next().is_some() {
            return Err(type_err(
                span,
                "not all arguments converted during string formatting",
            ));
        }
        Ok(out)
    }
}

/// CPython's error for the repr of a structure nested too deeply.
fn repr_too_deep(span: Span) -> Box<crate::script::error::ScriptError> {
    super::py_err(
        "RecursionError",
        span,
        "maximum recursion depth exceeded while getting the repr of an object",
    )
}

/// A `%` conversion's flags as a format spec (`-5.2` → `<5.2`).
fn percent_spec(flags: &str, kind: Option<char>) -> String {
    let mut spec = String::new();
    let mut rest = flags;
    let mut align = None;
    let mut zero = false;
    let mut sign = None;
    while let Some(c) = rest.chars().next() {
        match c {
            '-' => align = Some('<'),
            '0' => zero = true,
            '+' => sign = Some('+'),
            ' ' => sign = Some(' '),
            _ => break,
        }
        rest = &rest[1..];
    }
    if let Some(a) = align {
        spec.push(a);
    } else if kind.is_none() {
        spec.push('>');
    }
    if let Some(s) = sign {
        spec.push(s);
    }
    if zero && align.is_none() && kind.is_some() {
        spec.push('0');
    }
    spec.push_str(rest);
    if let Some(k) = kind {
        spec.push(k);
    }
    spec
}
