//! Operators with Python's semantics: numbers (ints stay ints, `/` gives a
//! float, `//` and `%` floor), strings and sequences, comparisons, hashing,
//! items and iteration; `Value` operands go to `value.rs`, script objects
//! to their dunder methods.

use std::cell::RefCell;
use std::rc::Rc;

use super::object::{Dict, Iter, Key, Obj, Set, ViewKind};
use super::{Interp, R, py_err, type_err};
use crate::engine::Op;
use crate::script::error::{ErrorKind, ScriptError, Span};
use crate::script::ir::{BinOp, CmpOp, UnaryOp};

/// An int result that overflowed 64 bits.
pub fn overflow(span: Span) -> Box<ScriptError> {
    Box::new(
        ScriptError::new(ErrorKind::Math, span, "integer overflow")
            .exception("OverflowError")
            .help("gradviz integers are 64-bit; use floats (1e30) for larger numbers"),
    )
}

fn zero_div(span: Span, msg: &str) -> Box<ScriptError> {
    Box::new(
        ScriptError::new(ErrorKind::Math, span, msg)
            .exception("ZeroDivisionError")
            .label("dividing by zero here"),
    )
}

/// Python's floor division and modulo of ints.
fn int_divmod(a: i64, b: i64, span: Span) -> R<(i64, i64)> {
    if b == 0 {
        return Err(zero_div(span, "integer division or modulo by zero"));
    }
    let q = a.checked_div(b).ok_or_else(|| overflow(span))?;
    let r = a - q * b;
    if r != 0 && ((r < 0) != (b < 0)) {
        Ok((q - 1, r + b))
    } else {
        Ok((q, r))
    }
}

/// Python arithmetic on two plain numbers.
pub fn num_binop(op: BinOp, a: &Obj, b: &Obj, span: Span) -> R<Obj> {
    if let (Some(x), Some(y)) = (a.as_int(), b.as_int()) {
        return Ok(match op {
            BinOp::Add => Obj::Int(x.checked_add(y).ok_or_else(|| overflow(span))?),
            BinOp::Sub => Obj::Int(x.checked_sub(y).ok_or_else(|| overflow(span))?),
            BinOp::Mul => Obj::Int(x.checked_mul(y).ok_or_else(|| overflow(span))?),
            BinOp::Div => {
                if y == 0 {
                    return Err(zero_div(span, "division by zero"));
                }
                Obj::Float(int_true_div(x, y))
            }
            BinOp::FloorDiv => Obj::Int(int_divmod(x, y, span)?.0),
            BinOp::Mod => Obj::Int(int_divmod(x, y, span)?.1),
            BinOp::Pow if y >= 0 => Obj::Int(
                u32::try_from(y)
                    .ok()
                    .and_then(|e| x.checked_pow(e))
                    .ok_or_else(|| overflow(span))?,
            ),
            BinOp::Pow => {
                if x == 0 {
                    return Err(zero_div(span, "0.0 cannot be raised to a negative power"));
                }
                Obj::Float((x as f64).powf(y as f64))
            }
            BinOp::LShift if y < 0 => {
                return Err(py_err("ValueError", span, "negative shift count"));
            }
            BinOp::LShift => {
                let r = if y >= 64 {
                    None
                } else {
                    x.checked_shl(y as u32).filter(|r| r >> y == x)
                };
                Obj::Int(r.ok_or_else(|| overflow(span))?)
            }
            BinOp::RShift if y < 0 => {
                return Err(py_err("ValueError", span, "negative shift count"));
            }
            BinOp::RShift => Obj::Int(if y >= 64 {
                if x < 0 { -1 } else { 0 }
            } else {
                x >> y
            }),
            BinOp::BitAnd if matches!((a, b), (Obj::Bool(_), Obj::Bool(_))) => {
                Obj::Bool(x & y != 0)
            }
            BinOp::BitOr if matches!((a, b), (Obj::Bool(_), Obj::Bool(_))) => Obj::Bool(x | y != 0),
            BinOp::BitXor if matches!((a, b), (Obj::Bool(_), Obj::Bool(_))) => {
                Obj::Bool(x ^ y != 0)
            }
            BinOp::BitAnd => Obj::Int(x & y),
            BinOp::BitOr => Obj::Int(x | y),
            BinOp::BitXor => Obj::Int(x ^ y),
            BinOp::MatMul => return Err(unsupported_operands(op, a, b, span)),
        });
    }
    let (x, y) = (a.as_f64().unwrap_or(0.0), b.as_f64().unwrap_or(0.0));
    Ok(Obj::Float(match op {
        BinOp::Add => x + y,
        BinOp::Sub => x - y,
        BinOp::Mul => x * y,
        BinOp::Div if y == 0.0 => return Err(zero_div(span, "float division by zero")),
        BinOp::Div => x / y,
        BinOp::FloorDiv if y == 0.0 => return Err(zero_div(span, "float floor division by zero")),
        BinOp::FloorDiv => float_divmod(x, y).0,
        BinOp::Mod if y == 0.0 => return Err(zero_div(span, "float modulo")),
        BinOp::Mod => float_divmod(x, y).1,
        BinOp::Pow => {
            if x == 0.0 && y < 0.0 {
                return Err(zero_div(span, "0.0 cannot be raised to a negative power"));
            }
            if x < 0.0 && y.fract() != 0.0 && y.is_finite() {
                return Err(Box::new(
                    ScriptError::new(
                        ErrorKind::Math,
                        span,
                        "a negative number raised to a fractional power is complex",
                    )
                    .exception("ValueError")
                    .help("complex numbers are not supported"),
                ));
            }
            let r = x.powf(y);
            if r.is_infinite() && x.is_finite() && y.is_finite() {
                return Err(Box::new(
                    ScriptError::new(ErrorKind::Math, span, "numerical result out of range")
                        .exception("OverflowError"),
                ));
            }
            r
        }
        _ => return Err(unsupported_operands(op, a, b, span)),
    }))
}

/// `x / y` of ints.
fn int_true_div(x: i64, y: i64) -> f64 {
    x as f64 / y as f64
}

/// CPython's float `divmod`: the floor quotient and the modulo.
fn float_divmod(x: f64, y: f64) -> (f64, f64) {
    let mut m = x % y;
    let mut div = (x - m) / y;
    if m != 0.0 {
        if (y < 0.0) != (m < 0.0) {
            m += y;
            div -= 1.0;
        }
    } else {
        m = 0.0f64.copysign(y);
    }
    let floordiv = if div != 0.0 {
        let f = div.floor();
        if div - f > 0.5 { f + 1.0 } else { f }
    } else {
        0.0f64.copysign(x / y)
    };
    (floordiv, m)
}

/// The TypeError for operands an operator does not take.
pub fn unsupported_operands(op: BinOp, a: &Obj, b: &Obj, span: Span) -> Box<ScriptError> {
    type_err(
        span,
        format!(
            "unsupported operand type(s) for {}: '{}' and '{}'",
            op.symbol(),
            a.type_name(),
            b.type_name()
        ),
    )
}

impl Interp<'_> {
    /// `l op r`.
    pub fn binary(&mut self, op: BinOp, l: Obj, r: Obj, span: Span, rspan: Span) -> R<Obj> {
        if let (Obj::Value(a), Obj::Value(b)) = (&l, &r) {
            // Most operations of a network: straight to the node.
            match op {
                BinOp::Add => return self.apply(Op::Add, &[a.id(), b.id()], span),
                BinOp::Mul => return self.apply(Op::Mul, &[a.id(), b.id()], span),
                _ => {}
            }
        }
        if l.is_number() && r.is_number() {
            return num_binop(op, &l, &r, span);
        }
        if (matches!(l, Obj::Value(_)) || matches!(r, Obj::Value(_)))
            && let Some(v) = self.value_binary(op, &l, &r, span, rspan)?
        {
            return Ok(v);
        }
        match (op, &l, &r) {
            (BinOp::Add, Obj::Str(a), Obj::Str(b)) => {
                self.check_size(a.len() + b.len(), span)?;
                let mut s = String::with_capacity(a.len() + b.len());
                s.push_str(a);
                s.push_str(b);
                return Ok(Obj::Str(s.into()));
            }
            (BinOp::Add, Obj::List(a), Obj::List(b)) => {
                let mut v = a.0.borrow().clone();
                self.check_size(v.len() + b.0.borrow().len(), span)?;
                v.extend(b.0.borrow().iter().cloned());
                return Ok(Obj::list(v));
            }
            (BinOp::Add, Obj::Tuple(a), Obj::Tuple(b)) => {
                let v: Vec<Obj> = a.0.iter().chain(b.0.iter()).cloned().collect();
                return Ok(Obj::tuple(v));
            }
            (BinOp::Mul, seq @ (Obj::Str(_) | Obj::List(_) | Obj::Tuple(_)), n)
            | (BinOp::Mul, n, seq @ (Obj::Str(_) | Obj::List(_) | Obj::Tuple(_)))
                if n.as_int().is_some() =>
            {
                let n = n.as_int().unwrap_or(0).max(0) as usize;
                return self.repeat(seq, n, span);
            }
            (BinOp::Mod, Obj::Str(fmt), args) => {
                let args = args.clone();
                return self
                    .percent_format(fmt, &args, span)
                    .map(|s| Obj::Str(s.into()));
            }
            (
                BinOp::BitOr | BinOp::BitAnd | BinOp::Sub | BinOp::BitXor,
                Obj::Set(a),
                Obj::Set(b),
            ) => {
                let (a, b) = (a.0.borrow(), b.0.borrow());
                let map: super::object::KeyMap<Obj> = match op {
                    BinOp::BitOr => a
                        .iter()
                        .chain(b.iter())
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                    BinOp::BitAnd => a
                        .iter()
                        .filter(|(k, _)| b.contains_key(*k))
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                    BinOp::Sub => a
                        .iter()
                        .filter(|(k, _)| !b.contains_key(*k))
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                    _ => a
                        .iter()
                        .filter(|(k, _)| !b.contains_key(*k))
                        .chain(b.iter().filter(|(k, _)| !a.contains_key(*k)))
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                };
                return Ok(Obj::Set(Rc::new(Set(RefCell::new(map)))));
            }
            _ => {}
        }
        // Script objects: __op__ of the left, then __rop__ of the right.
        let (name, rname) = op.dunders();
        if let Obj::Instance(inst) = &l
            && let Some(m) = inst.class.lookup(name)
        {
            let v = self.call(&m, vec![l.clone(), r.clone()], vec![], span)?;
            if !matches!(v, Obj::Builtin(super::builtins::Builtin::NotImplemented)) {
                return Ok(v);
            }
        }
        if let Obj::Instance(inst) = &r
            && let Some(m) = inst.class.lookup(rname)
        {
            let v = self.call(&m, vec![r.clone(), l.clone()], vec![], span)?;
            if !matches!(v, Obj::Builtin(super::builtins::Builtin::NotImplemented)) {
                return Ok(v);
            }
        }
        Err(unsupported_operands(op, &l, &r, span))
    }

    fn repeat(&mut self, seq: &Obj, n: usize, span: Span) -> R<Obj> {
        let len = match seq {
            Obj::Str(s) => s.len(),
            Obj::List(l) => l.0.borrow().len(),
            Obj::Tuple(t) => t.0.len(),
            _ => 0,
        };
        self.check_size(len.saturating_mul(n), span)?;
        Ok(match seq {
            Obj::Str(s) => Obj::Str(s.repeat(n).into()),
            Obj::List(l) => {
                let items = l.0.borrow();
                let mut v = Vec::with_capacity(items.len() * n);
                for _ in 0..n {
                    v.extend(items.iter().cloned());
                }
                Obj::list(v)
            }
            Obj::Tuple(t) => {
                let mut v = Vec::with_capacity(t.0.len() * n);
                for _ in 0..n {
                    v.extend(t.0.iter().cloned());
                }
                Obj::tuple(v)
            }
            _ => Obj::None,
        })
    }

    /// `-x`, `+x`, `~x`.
    pub fn unary(&mut self, op: UnaryOp, v: Obj, span: Span) -> R<Obj> {
        match (op, &v) {
            (UnaryOp::Neg, Obj::Int(_) | Obj::Bool(_)) => {
                let i = v.as_int().unwrap_or(0);
                Ok(Obj::Int(i.checked_neg().ok_or_else(|| overflow(span))?))
            }
            (UnaryOp::Neg, Obj::Float(x)) => Ok(Obj::Float(-x)),
            (UnaryOp::Pos, Obj::Int(_) | Obj::Bool(_)) => Ok(Obj::Int(v.as_int().unwrap_or(0))),
            (UnaryOp::Pos, Obj::Float(_)) => Ok(v),
            (UnaryOp::Invert, Obj::Int(_) | Obj::Bool(_)) => Ok(Obj::Int(!v.as_int().unwrap_or(0))),
            (UnaryOp::Neg, Obj::Value(r)) => self.value_neg(r.id(), span),
            (_, Obj::Instance(inst)) => {
                let name = match op {
                    UnaryOp::Neg => "__neg__",
                    UnaryOp::Pos => "__pos__",
                    UnaryOp::Invert => "__invert__",
                };
                match inst.class.lookup(name) {
                    Some(m) => self.call(&m, vec![v.clone()], vec![], span),
                    None => Err(bad_unary(op, &v, span)),
                }
            }
            _ => Err(bad_unary(op, &v, span)),
        }
    }

    /// `l op r` for comparisons.
    pub fn compare(&mut self, op: CmpOp, l: &Obj, r: &Obj, span: Span) -> R<Obj> {
        Ok(Obj::Bool(match op {
            CmpOp::Eq => self.eq(l, r, span)?,
            CmpOp::NotEq => !self.eq(l, r, span)?,
            CmpOp::Is => is(l, r),
            CmpOp::IsNot => !is(l, r),
            CmpOp::In => self.contains(r, l, span)?,
            CmpOp::NotIn => !self.contains(r, l, span)?,
            CmpOp::Lt | CmpOp::LtE | CmpOp::Gt | CmpOp::GtE => {
                if let (Some(x), Some(y)) = (l.as_int(), r.as_int()) {
                    return Ok(Obj::Bool(match op {
                        CmpOp::Lt => x < y,
                        CmpOp::LtE => x <= y,
                        CmpOp::Gt => x > y,
                        _ => x >= y,
                    }));
                }
                if let (Some(x), Some(y)) = (l.as_f64(), r.as_f64()) {
                    return Ok(Obj::Bool(match op {
                        CmpOp::Lt => x < y,
                        CmpOp::LtE => x <= y,
                        CmpOp::Gt => x > y,
                        _ => x >= y,
                    }));
                }
                let ord = self.order(l, r, op, span)?;
                match (op, ord) {
                    (_, None) => false,
                    (CmpOp::Lt, Some(o)) => o.is_lt(),
                    (CmpOp::LtE, Some(o)) => o.is_le(),
                    (CmpOp::Gt, Some(o)) => o.is_gt(),
                    (_, Some(o)) => o.is_ge(),
                }
            }
        }))
    }

    /// Python's ordering of two objects (`None` when incomparable, as NaN).
    pub fn order(
        &mut self,
        l: &Obj,
        r: &Obj,
        op: CmpOp,
        span: Span,
    ) -> R<Option<std::cmp::Ordering>> {
        use std::cmp::Ordering;
        if let (Some(x), Some(y)) = (l.as_int(), r.as_int()) {
            return Ok(Some(x.cmp(&y)));
        }
        if let (Some(x), Some(y)) = (l.as_f64(), r.as_f64()) {
            return Ok(x.partial_cmp(&y));
        }
        match (l, r) {
            (Obj::Str(a), Obj::Str(b)) => Ok(Some(a.cmp(b))),
            (Obj::List(_), Obj::List(_)) | (Obj::Tuple(_), Obj::Tuple(_)) => {
                let a = self.collect(l, span)?;
                let b = self.collect(r, span)?;
                for (x, y) in a.iter().zip(&b) {
                    if !self.eq(x, y, span)? {
                        return self.order(x, y, op, span);
                    }
                }
                Ok(Some(a.len().cmp(&b.len())))
            }
            (Obj::Instance(inst), _) => {
                let name = match op {
                    CmpOp::Lt => "__lt__",
                    CmpOp::LtE => "__le__",
                    CmpOp::Gt => "__gt__",
                    _ => "__ge__",
                };
                match inst.class.lookup(name) {
                    Some(m) => {
                        let v = self.call(&m, vec![l.clone(), r.clone()], vec![], span)?;
                        let t = self.truthy(&v, span)?;
                        // Reported as the ordering that makes `op` give `t`.
                        Ok(Some(match (op, t) {
                            (CmpOp::Lt, true) | (CmpOp::Gt, false) | (CmpOp::LtE, true) => {
                                Ordering::Less
                            }
                            (CmpOp::GtE, true) | (CmpOp::Gt, true) => Ordering::Greater,
                            (CmpOp::LtE, false) => Ordering::Greater,
                            _ => Ordering::Less,
                        }))
                    }
                    None => Err(not_ordered(op, l, r, span)),
                }
            }
            _ => Err(not_ordered(op, l, r, span)),
        }
    }

    /// Python's `==`.
    pub fn eq(&mut self, l: &Obj, r: &Obj, span: Span) -> R<bool> {
        if let (Some(x), Some(y)) = (l.as_int(), r.as_int()) {
            return Ok(x == y);
        }
        if let (Some(x), Some(y)) = (l.as_f64(), r.as_f64()) {
            return Ok(x == y);
        }
        Ok(match (l, r) {
            (Obj::Str(a), Obj::Str(b)) => a == b,
            (Obj::None, Obj::None) | (Obj::Ellipsis, Obj::Ellipsis) => true,
            (Obj::List(_), Obj::List(_)) | (Obj::Tuple(_), Obj::Tuple(_)) => {
                if is(l, r) {
                    return Ok(true);
                }
                self.nesting += 1;
                if self.nesting > super::MAX_DEPTH {
                    self.nesting = 0;
                    return Err(py_err(
                        "RecursionError",
                        span,
                        "maximum recursion depth exceeded in comparison",
                    ));
                }
                let a = self.collect(l, span)?;
                let b = self.collect(r, span)?;
                let mut same = a.len() == b.len();
                if same {
                    for (x, y) in a.iter().zip(&b) {
                        if !self.eq(x, y, span)? {
                            same = false;
                            break;
                        }
                    }
                }
                self.nesting -= 1;
                same
            }
            (Obj::Dict(a), Obj::Dict(b)) => {
                let (a, b) = (a.0.borrow().clone(), b.0.borrow().clone());
                if a.len() != b.len() {
                    return Ok(false);
                }
                for (k, (_, v)) in &a {
                    match b.get(k) {
                        Some((_, w)) if self.eq(v, w, span)? => {}
                        _ => return Ok(false),
                    }
                }
                true
            }
            (Obj::Set(a), Obj::Set(b)) => {
                let (a, b) = (a.0.borrow(), b.0.borrow());
                a.len() == b.len() && a.keys().all(|k| b.contains_key(k))
            }
            (Obj::Range(a), Obj::Range(b)) => a == b,
            (Obj::Instance(inst), _) if inst.class.lookup("__eq__").is_some() => {
                let m = inst.class.lookup("__eq__").unwrap_or(Obj::None);
                let v = self.call(&m, vec![l.clone(), r.clone()], vec![], span)?;
                self.truthy(&v, span)?
            }
            (_, Obj::Instance(inst)) if inst.class.lookup("__eq__").is_some() => {
                let m = inst.class.lookup("__eq__").unwrap_or(Obj::None);
                let v = self.call(&m, vec![r.clone(), l.clone()], vec![], span)?;
                self.truthy(&v, span)?
            }
            (Obj::Builtin(a), Obj::Builtin(b)) => a == b,
            _ => is(l, r),
        })
    }

    /// `x in container`.
    pub fn contains(&mut self, container: &Obj, x: &Obj, span: Span) -> R<bool> {
        match container {
            Obj::Str(s) => match x {
                Obj::Str(sub) => Ok(s.contains(&**sub)),
                other => Err(type_err(
                    span,
                    format!(
                        "'in <string>' requires string as left operand, not {}",
                        other.type_name()
                    ),
                )),
            },
            Obj::Dict(d) => {
                let k = self.key(x, span)?;
                Ok(d.0.borrow().contains_key(&k))
            }
            Obj::Set(s) => {
                let k = self.key(x, span)?;
                Ok(s.0.borrow().contains_key(&k))
            }
            Obj::View(v) if v.1 == ViewKind::Keys => {
                let k = self.key(x, span)?;
                Ok(v.0.0.borrow().contains_key(&k))
            }
            Obj::View(v) if v.1 == ViewKind::Items => {
                let Obj::Tuple(t) = x else { return Ok(false) };
                let [key, value] = &t.0[..] else {
                    return Ok(false);
                };
                let k = self.key(key, span)?;
                let found = v.0.0.borrow().get(&k).map(|(_, val)| val.clone());
                match found {
                    Some(val) => Ok(is(&val, value) || self.eq(&val, value, span)?),
                    None => Ok(false),
                }
            }
            Obj::Range(r) => Ok(match x.as_int() {
                Some(i) => {
                    let (start, stop, step) = *r.as_ref();
                    let inside = if step > 0 {
                        i >= start && i < stop
                    } else {
                        i <= start && i > stop
                    };
                    inside && (i - start) % step == 0
                }
                None => false,
            }),
            Obj::Instance(inst) if inst.class.lookup("__contains__").is_some() => {
                let m = inst.class.lookup("__contains__").unwrap_or(Obj::None);
                let v = self.call(&m, vec![container.clone(), x.clone()], vec![], span)?;
                self.truthy(&v, span)
            }
            _ => {
                let it = self.iter(container, span)?;
                while let Some(item) = self.next(&it, span)? {
                    if is(&item, x) || self.eq(&item, x, span)? {
                        return Ok(true);
                    }
                    self.tick(span)?;
                }
                Ok(false)
            }
        }
    }

    /// The dict/set key of an object, or Python's TypeError for unhashables.
    pub fn key(&mut self, v: &Obj, span: Span) -> R<Key> {
        Ok(match v {
            Obj::None => Key::None,
            Obj::Ellipsis => Key::Ellipsis,
            Obj::Bool(b) => Key::Int(i64::from(*b)),
            Obj::Int(i) => Key::Int(*i),
            Obj::Float(x) => {
                if x.fract() == 0.0 && x.abs() < 9.2e18 {
                    Key::Int(*x as i64)
                } else {
                    Key::Float(x.to_bits())
                }
            }
            Obj::Str(s) => Key::Str(s.clone()),
            Obj::Tuple(t) => {
                let keys =
                    t.0.iter()
                        .map(|x| self.key(x, span))
                        .collect::<R<Vec<_>>>()?;
                Key::Tuple(keys.into())
            }
            Obj::List(_) | Obj::Dict(_) | Obj::Set(_) => {
                return Err(type_err(
                    span,
                    format!("unhashable type: '{}'", v.type_name()),
                ));
            }
            Obj::Instance(inst) if inst.class.lookup("__hash__").is_some() => {
                let m = inst.class.lookup("__hash__").unwrap_or(Obj::None);
                let h = self.call(&m, vec![v.clone()], vec![], span)?;
                Key::Tuple(
                    vec![
                        Key::Id(Rc::as_ptr(&inst.class) as *const u8 as usize),
                        self.key(&h, span)?,
                    ]
                    .into(),
                )
            }
            Obj::Instance(inst) if inst.class.lookup("__eq__").is_some() => {
                return Err(type_err(
                    span,
                    format!("unhashable type: '{}'", inst.class.name),
                ));
            }
            other => Key::Id(other.identity()),
        })
    }

    /// A set of `items`.
    pub fn make_set(&mut self, items: Vec<Obj>, span: Span) -> R<Obj> {
        let mut map =
            super::object::KeyMap::with_capacity_and_hasher(items.len(), Default::default());
        for v in items {
            let k = self.key(&v, span)?;
            map.entry(k).or_insert(v);
        }
        Ok(Obj::Set(Rc::new(Set(RefCell::new(map)))))
    }

    /// A dict of `items`.
    pub fn make_dict(&mut self, items: Vec<(Obj, Obj)>, span: Span) -> R<Obj> {
        let mut map =
            super::object::KeyMap::with_capacity_and_hasher(items.len(), Default::default());
        for (k, v) in items {
            let h = self.key(&k, span)?;
            super::object::dict_insert(&mut map, h, k, v);
        }
        Ok(Obj::Dict(Rc::new(Dict(RefCell::new(map)))))
    }

    // ----- items -------------------------------------------------------------

    /// `obj[index]`.
    pub fn get_item(&mut self, obj: &Obj, index: &Obj, span: Span) -> R<Obj> {
        match (obj, index) {
            (Obj::List(_) | Obj::Tuple(_) | Obj::Str(_) | Obj::Range(_), Obj::Slice(s)) => {
                self.slice(obj, s, span)
            }
            (Obj::List(l), _) => {
                let l = l.0.borrow();
                let i = seq_index(index, l.len(), "list", span)?;
                Ok(l[i].clone())
            }
            (Obj::Tuple(t), _) => {
                let i = seq_index(index, t.0.len(), "tuple", span)?;
                Ok(t.0[i].clone())
            }
            (Obj::Str(s), _) => {
                let n = s.chars().count();
                let i = seq_index(index, n, "string", span)?;
                Ok(Obj::Str(
                    s.chars()
                        .nth(i)
                        .map(String::from)
                        .unwrap_or_default()
                        .into(),
                ))
            }
            (Obj::Range(r), _) => {
                let (start, stop, step) = *r.as_ref();
                let n = super::builtins::range_len(start, stop, step);
                let i = seq_index(index, n as usize, "range object", span)?;
                Ok(Obj::Int(start + step * i as i64))
            }
            (Obj::Dict(d), _) => {
                let k = self.key(index, span)?;
                if let Some((_, v)) = d.0.borrow().get(&k) {
                    return Ok(v.clone());
                }
                let shown = self.repr(index, span)?;
                Err(py_err("KeyError", span, shown).map_label_box("no such key"))
            }
            (Obj::Instance(inst), _) if inst.class.lookup("__getitem__").is_some() => {
                let m = inst.class.lookup("__getitem__").unwrap_or(Obj::None);
                self.call(&m, vec![obj.clone(), index.clone()], vec![], span)
            }
            _ => Err(type_err(
                span,
                format!("'{}' object is not subscriptable", obj.type_name()),
            )),
        }
    }

    fn slice(&mut self, obj: &Obj, s: &(Obj, Obj, Obj), span: Span) -> R<Obj> {
        let items: Vec<Obj> = match obj {
            Obj::Str(st) => st.chars().map(|c| Obj::Str(c.to_string().into())).collect(),
            _ => self.collect(obj, span)?,
        };
        let idx = slice_indices(s, items.len(), span)?;
        let picked: Vec<Obj> = idx.into_iter().map(|i| items[i].clone()).collect();
        Ok(match obj {
            Obj::Str(_) => {
                let mut out = String::new();
                for p in picked {
                    if let Obj::Str(c) = p {
                        out.push_str(&c);
                    }
                }
                Obj::Str(out.into())
            }
            Obj::Tuple(_) => Obj::tuple(picked),
            _ => Obj::list(picked),
        })
    }

    /// `obj[index] = v`.
    pub fn set_item(&mut self, obj: &Obj, index: Obj, v: Obj, span: Span) -> R<()> {
        match obj {
            Obj::List(l) => {
                if let Obj::Slice(s) = &index {
                    let new = self.collect(&v, span)?;
                    let mut items = l.0.borrow_mut();
                    let idx = slice_indices(s, items.len(), span)?;
                    if matches!(s.2, Obj::None) || s.2.as_int() == Some(1) {
                        let (start, end) = match (idx.first(), idx.last()) {
                            (Some(a), Some(b)) => (*a, *b + 1),
                            _ => {
                                let start = slice_indices(
                                    &(s.0.clone(), Obj::None, Obj::None),
                                    items.len(),
                                    span,
                                )?
                                .first()
                                .copied()
                                .unwrap_or(items.len());
                                (start, start)
                            }
                        };
                        items.splice(start..end, new);
                    } else {
                        if idx.len() != new.len() {
                            return Err(py_err(
                                "ValueError",
                                span,
                                format!(
                                    "attempt to assign sequence of size {} to extended slice of size {}",
                                    new.len(),
                                    idx.len()
                                ),
                            ));
                        }
                        for (i, x) in idx.into_iter().zip(new) {
                            items[i] = x;
                        }
                    }
                    return Ok(());
                }
                let mut items = l.0.borrow_mut();
                let i = seq_index(&index, items.len(), "list assignment", span)?;
                items[i] = v;
                Ok(())
            }
            Obj::Dict(d) => {
                let k = self.key(&index, span)?;
                super::object::dict_insert(&mut d.0.borrow_mut(), k, index, v);
                Ok(())
            }
            Obj::Instance(inst) if inst.class.lookup("__setitem__").is_some() => {
                let m = inst.class.lookup("__setitem__").unwrap_or(Obj::None);
                self.call(&m, vec![obj.clone(), index, v], vec![], span)?;
                Ok(())
            }
            _ => Err(type_err(
                span,
                format!(
                    "'{}' object does not support item assignment",
                    obj.type_name()
                ),
            )),
        }
    }

    /// `del obj[index]`.
    pub fn del_item(&mut self, obj: &Obj, index: &Obj, span: Span) -> R<()> {
        match obj {
            Obj::List(l) => {
                let mut items = l.0.borrow_mut();
                if let Obj::Slice(s) = index {
                    let idx = slice_indices(s, items.len(), span)?;
                    let drop: std::collections::HashSet<usize> = idx.into_iter().collect();
                    let kept: Vec<Obj> = std::mem::take(&mut *items)
                        .into_iter()
                        .enumerate()
                        .filter(|(i, _)| !drop.contains(i))
                        .map(|(_, v)| v)
                        .collect();
                    *items = kept;
                    return Ok(());
                }
                let i = seq_index(index, items.len(), "list assignment", span)?;
                items.remove(i);
                Ok(())
            }
            Obj::Dict(d) => {
                let k = self.key(index, span)?;
                if d.0.borrow_mut().shift_remove(&k).is_none() {
                    let shown = self.repr(index, span)?;
                    return Err(py_err("KeyError", span, shown));
                }
                Ok(())
            }
            _ => Err(type_err(
                span,
                format!(
                    "'{}' object does not support item deletion",
                    obj.type_name()
                ),
            )),
        }
    }

    // ----- iteration ---------------------------------------------------------

    /// `iter(v)`.
    pub fn iter(&mut self, v: &Obj, span: Span) -> R<Obj> {
        let state = match v {
            Obj::List(_) | Obj::Tuple(_) | Obj::Str(_) => Iter::Seq(v.clone(), 0),
            Obj::Range(r) => Iter::Range(r.0, r.1, r.2),
            Obj::Dict(d) => Iter::DictView(d.clone(), ViewKind::Keys, 0, d.0.borrow().len()),
            Obj::View(v) => Iter::DictView(v.0.clone(), v.1, 0, v.0.0.borrow().len()),
            Obj::Set(s) => Iter::Items(
                s.0.borrow()
                    .values()
                    .cloned()
                    .collect::<Vec<_>>()
                    .into_iter(),
            ),
            Obj::Iter(_) => return Ok(v.clone()),
            Obj::Instance(inst) if inst.class.lookup("__iter__").is_some() => {
                let m = inst.class.lookup("__iter__").unwrap_or(Obj::None);
                let it = self.call(&m, vec![v.clone()], vec![], span)?;
                return self.iter(&it, span);
            }
            Obj::Instance(inst) if inst.class.lookup("__getitem__").is_some() => {
                let items = {
                    let mut out = Vec::new();
                    let mut i = 0;
                    loop {
                        match self.get_item(v, &Obj::Int(i), span) {
                            Ok(x) => out.push(x),
                            Err(e) if e.exception == Some("IndexError") => break,
                            Err(e) => return Err(e),
                        }
                        i += 1;
                        self.tick(span)?;
                    }
                    out
                };
                Iter::Items(items.into_iter())
            }
            other => {
                return Err(type_err(
                    span,
                    format!("'{}' object is not iterable", other.type_name()),
                ));
            }
        };
        Ok(Obj::Iter(Rc::new(RefCell::new(state))))
    }

    /// `next(it)`, `None` when exhausted.
    #[inline]
    pub fn next(&mut self, it: &Obj, span: Span) -> R<Option<Obj>> {
        // The most common case, inline: an item of a list or tuple.
        if let Obj::Iter(cell) = it
            && let Ok(mut st) = cell.try_borrow_mut()
            && let Iter::Seq(seq, i) = &mut *st
        {
            let item = match seq {
                Obj::List(l) => Some(l.0.borrow().get(*i).cloned()),
                Obj::Tuple(t) => Some(t.0.get(*i).cloned()),
                _ => None,
            };
            if let Some(item) = item {
                *i += 1;
                if item.is_none() {
                    *st = Iter::Done;
                }
                return Ok(item);
            }
        }
        self.next_general(it, span)
    }

    /// [`Interp::next`] of any iterator.
    #[inline(never)]
    fn next_general(&mut self, it: &Obj, span: Span) -> R<Option<Obj>> {
        let Obj::Iter(cell) = it else {
            return Err(type_err(
                span,
                format!("'{}' object is not an iterator", it.type_name()),
            ));
        };
        // Fast paths that need no other call.
        {
            let Ok(mut st) = cell.try_borrow_mut() else {
                return Err(py_err("ValueError", span, "generator already executing"));
            };
            match &mut *st {
                Iter::Range(cur, stop, step) => {
                    if (*step > 0 && *cur < *stop) || (*step < 0 && *cur > *stop) {
                        let v = *cur;
                        // Past the 64-bit limit the range has ended anyway.
                        match cur.checked_add(*step) {
                            Some(next) => *cur = next,
                            None => *st = Iter::Done,
                        }
                        return Ok(Some(Obj::Int(v)));
                    }
                    *st = Iter::Done;
                    return Ok(None);
                }
                Iter::Seq(seq, i) => {
                    let item = match seq {
                        Obj::List(l) => l.0.borrow().get(*i).cloned(),
                        Obj::Tuple(t) => t.0.get(*i).cloned(),
                        Obj::Str(s) => {
                            // `i` is a byte offset for strings.
                            let rest = &s[*i..];
                            rest.chars().next().map(|c| {
                                *i += c.len_utf8() - 1;
                                Obj::Str(c.to_string().into())
                            })
                        }
                        _ => None,
                    };
                    *i += 1;
                    if item.is_none() {
                        *st = Iter::Done;
                    }
                    return Ok(item);
                }
                Iter::Items(items) => return Ok(items.next()),
                Iter::DictView(d, kind, pos, len) => {
                    let map = d.0.borrow();
                    if map.len() != *len {
                        return Err(py_err(
                            "RuntimeError",
                            span,
                            "dictionary changed size during iteration",
                        ));
                    }
                    let item = map.get_index(*pos).map(|(_, (k, v))| match kind {
                        ViewKind::Keys => k.clone(),
                        ViewKind::Values => v.clone(),
                        ViewKind::Items => Obj::tuple(vec![k.clone(), v.clone()]),
                    });
                    drop(map);
                    *pos += 1;
                    if item.is_none() {
                        *st = Iter::Done;
                    }
                    return Ok(item);
                }
                Iter::Done => return Ok(None),
                _ => {}
            }
        }
        // The rest may call script code: the state is taken out meanwhile,
        // so a generator that reads itself gets an error, not a panic.
        let mut st = std::mem::replace(&mut *cell.borrow_mut(), Iter::Done);
        let r = self.next_slow(&mut st, span);
        if !matches!(r, Ok(None)) {
            *cell.borrow_mut() = st;
        }
        r
    }

    fn next_slow(&mut self, st: &mut Iter, span: Span) -> R<Option<Obj>> {
        match st {
            Iter::Zip(its) if its.is_empty() => Ok(None),
            Iter::Zip(its) => {
                let mut out = Vec::with_capacity(its.len());
                for it in its.iter() {
                    match self.next(it, span)? {
                        Some(v) => out.push(v),
                        None => return Ok(None),
                    }
                }
                Ok(Some(Obj::tuple(out)))
            }
            Iter::Enumerate(it, n) => match self.next(it, span)? {
                Some(v) => {
                    let i = i64::try_from(*n).map_err(|_| overflow(span))?;
                    *n += 1;
                    Ok(Some(Obj::tuple(vec![Obj::Int(i), v])))
                }
                None => Ok(None),
            },
            Iter::Map(f, its) => {
                let mut args = Vec::with_capacity(its.len());
                for it in its.iter() {
                    match self.next(it, span)? {
                        Some(v) => args.push(v),
                        None => return Ok(None),
                    }
                }
                let f = f.clone();
                self.call(&f, args, vec![], span).map(Some)
            }
            Iter::Filter(f, it) => loop {
                let Some(v) = self.next(it, span)? else {
                    return Ok(None);
                };
                let keep = if matches!(f, Obj::None) {
                    self.truthy(&v, span)?
                } else {
                    let f = f.clone();
                    let r = self.call(&f, vec![v.clone()], vec![], span)?;
                    self.truthy(&r, span)?
                };
                if keep {
                    return Ok(Some(v));
                }
            },
            Iter::Reversed(seq, i) => {
                if *i == 0 {
                    return Ok(None);
                }
                *i -= 1;
                let idx = Obj::Int(*i as i64);
                let seq = seq.clone();
                self.get_item(&seq, &idx, span).map(Some)
            }
            Iter::Comp(state) => self.gen_step(state, span),
            _ => Ok(None),
        }
    }

    /// All items of an iterable.
    pub fn collect(&mut self, v: &Obj, span: Span) -> R<Vec<Obj>> {
        match v {
            Obj::List(l) => return Ok(l.0.borrow().clone()),
            Obj::Tuple(t) => return Ok(t.0.to_vec()),
            Obj::Range(r) => {
                let n = super::builtins::range_len(r.0, r.1, r.2);
                self.check_size(n as usize, span)?;
                return Ok((0..n).map(|i| Obj::Int(r.0 + i * r.2)).collect());
            }
            _ => {}
        }
        let it = self.iter(v, span)?;
        let mut out = Vec::new();
        while let Some(x) = self.next(&it, span)? {
            out.push(x);
            if out.len() % 4096 == 0 {
                self.check_size(out.len(), span)?;
                self.tick(span)?;
            }
        }
        Ok(out)
    }
}

trait LabelBox {
    fn map_label_box(self, label: &str) -> Self;
}

impl LabelBox for Box<ScriptError> {
    fn map_label_box(mut self, label: &str) -> Self {
        self.label = label.into();
        self
    }
}

/// `a is b`.
pub fn is(a: &Obj, b: &Obj) -> bool {
    match (a, b) {
        (Obj::None, Obj::None) | (Obj::Ellipsis, Obj::Ellipsis) => true,
        (Obj::Bool(x), Obj::Bool(y)) => x == y,
        (Obj::Int(x), Obj::Int(y)) => x == y,
        (Obj::Float(x), Obj::Float(y)) => x.to_bits() == y.to_bits(),
        (Obj::Builtin(x), Obj::Builtin(y)) => x == y,
        (Obj::Int(_) | Obj::Float(_) | Obj::Bool(_) | Obj::None, _)
        | (_, Obj::Int(_) | Obj::Float(_) | Obj::Bool(_) | Obj::None) => false,
        _ => std::mem::discriminant(a) == std::mem::discriminant(b) && a.identity() == b.identity(),
    }
}

fn bad_unary(op: UnaryOp, v: &Obj, span: Span) -> Box<ScriptError> {
    let sym = match op {
        UnaryOp::Neg => "-",
        UnaryOp::Pos => "+",
        UnaryOp::Invert => "~",
    };
    type_err(
        span,
        format!("bad operand type for unary {sym}: '{}'", v.type_name()),
    )
}

fn not_ordered(op: CmpOp, l: &Obj, r: &Obj, span: Span) -> Box<ScriptError> {
    type_err(
        span,
        format!(
            "'{}' not supported between instances of '{}' and '{}'",
            op.symbol(),
            l.type_name(),
            r.type_name()
        ),
    )
}

/// A sequence index, negative ones from the end.
pub fn seq_index(index: &Obj, len: usize, what: &str, span: Span) -> R<usize> {
    let Some(i) = index.as_int() else {
        let t = if what == "list assignment" {
            "list"
        } else {
            what
        };
        return Err(type_err(
            span,
            format!(
                "{t} indices must be integers or slices, not {}",
                index.type_name()
            ),
        ));
    };
    let j = if i < 0 { i + len as i64 } else { i };
    if j < 0 || j >= len as i64 {
        return Err(py_err(
            "IndexError",
            span,
            format!("{what} index out of range"),
        ));
    }
    Ok(j as usize)
}

/// The indices a slice picks from a sequence of `len`.
pub fn slice_indices(s: &(Obj, Obj, Obj), len: usize, span: Span) -> R<Vec<usize>> {
    let get = |o: &Obj| -> R<Option<i64>> {
        match o {
            Obj::None => Ok(None),
            o => o
                .as_int()
                .map(Some)
                .ok_or_else(|| type_err(span, "slice indices must be integers or None")),
        }
    };
    let step = get(&s.2)?.unwrap_or(1);
    if step == 0 {
        return Err(py_err("ValueError", span, "slice step cannot be zero"));
    }
    let n = len as i64;
    let clamp = |v: Option<i64>, default: i64, lo: i64, hi: i64| -> i64 {
        match v {
            None => default,
            Some(v) if v < 0 => (v + n).max(lo),
            Some(v) => v.min(hi),
        }
    };
    let (start, stop) = if step > 0 {
        (clamp(get(&s.0)?, 0, 0, n), clamp(get(&s.1)?, n, 0, n))
    } else {
        (
            clamp(get(&s.0)?, n - 1, -1, n - 1),
            clamp(get(&s.1)?, -1, -1, n - 1),
        )
    };
    let mut out = Vec::new();
    let mut i = start;
    while (step > 0 && i < stop) || (step < 0 && i > stop) {
        out.push(i as usize);
        match i.checked_add(step) {
            Some(next) => i = next,
            None => break,
        }
    }
    Ok(out)
}
