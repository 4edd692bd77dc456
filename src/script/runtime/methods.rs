//! Methods of the built-in types: `str`, `list`, `tuple`, `dict`, `set`,
//! and the few of `int` and `float` micrograd code uses.

use std::rc::Rc;

use super::builtins::arity;
use super::object::{Key, Obj};
use super::{Interp, R, py_err, type_err};
use crate::script::error::Span;

const STR: &[&str] = &[
    "join",
    "split",
    "rsplit",
    "strip",
    "lstrip",
    "rstrip",
    "upper",
    "lower",
    "title",
    "capitalize",
    "replace",
    "startswith",
    "endswith",
    "find",
    "rfind",
    "index",
    "count",
    "format",
    "center",
    "ljust",
    "rjust",
    "zfill",
    "isdigit",
    "isalpha",
    "isalnum",
    "isspace",
    "isupper",
    "islower",
    "splitlines",
    "partition",
    "swapcase",
];
const LIST: &[&str] = &[
    "append", "extend", "pop", "insert", "remove", "index", "count", "sort", "reverse", "clear",
    "copy",
];
const TUPLE: &[&str] = &["index", "count"];
const DICT: &[&str] = &[
    "items",
    "keys",
    "values",
    "get",
    "setdefault",
    "update",
    "pop",
    "popitem",
    "clear",
    "copy",
];
const SET: &[&str] = &[
    "add",
    "remove",
    "discard",
    "pop",
    "clear",
    "copy",
    "update",
    "union",
    "intersection",
    "difference",
    "issubset",
    "issuperset",
    "isdisjoint",
    "symmetric_difference",
];
const FLOAT: &[&str] = &["is_integer", "hex", "as_integer_ratio", "conjugate"];
const INT: &[&str] = &["bit_length", "conjugate"];

/// Whether the built-in object has the method `name`.
pub fn has_method(obj: &Obj, name: &str) -> bool {
    let table = match obj {
        Obj::Str(_) => STR,
        Obj::List(_) => LIST,
        Obj::Tuple(_) => TUPLE,
        Obj::Dict(_) => DICT,
        Obj::Set(_) => SET,
        Obj::Float(_) => FLOAT,
        Obj::Int(_) | Obj::Bool(_) => INT,
        _ => &[],
    };
    table.contains(&name)
}

fn str_arg<'a>(name: &str, v: &'a Obj, span: Span) -> R<&'a str> {
    match v {
        Obj::Str(s) => Ok(s),
        other => Err(type_err(
            span,
            format!("{name}() argument must be str, not {}", other.type_name()),
        )),
    }
}

impl Interp<'_> {
    /// `obj.name(args)` for a built-in object.
    pub fn builtin_method(
        &mut self,
        obj: Obj,
        name: &str,
        pos: Vec<Obj>,
        kw: Vec<(Rc<str>, Obj)>,
        span: Span,
    ) -> R<Obj> {
        if !has_method(&obj, name) {
            // Not a method: an attribute that may be callable, or the error.
            let attr = self.get_attr(&obj, name, span)?;
            return self.call(&attr, pos, kw, span);
        }
        match &obj {
            Obj::Str(s) => self.str_method(s, name, pos, kw, span),
            Obj::List(_) => self.list_method(&obj, name, pos, kw, span),
            Obj::Tuple(t) => {
                arity(name, &pos, &kw, 1, 1, span)?;
                let items = t.0.to_vec();
                self.seq_search(&items, name, &pos[0], span, "tuple")
            }
            Obj::Dict(_) => self.dict_method(&obj, name, pos, kw, span),
            Obj::Set(_) => self.set_method(&obj, name, pos, kw, span),
            Obj::Float(x) => {
                arity(name, &pos, &kw, 0, 0, span)?;
                Ok(match name {
                    "is_integer" => Obj::Bool(x.fract() == 0.0),
                    "conjugate" => Obj::Float(*x),
                    _ => {
                        return Err(py_err(
                            "AttributeError",
                            span,
                            format!("float.{name}() is not supported in scripts"),
                        ));
                    }
                })
            }
            Obj::Int(_) | Obj::Bool(_) => {
                arity(name, &pos, &kw, 0, 0, span)?;
                let i = obj.as_int().unwrap_or(0);
                Ok(match name {
                    "bit_length" => {
                        Obj::Int(64 - i64::from(i.unsigned_abs().leading_zeros() as u8))
                    }
                    _ => Obj::Int(i),
                })
            }
            _ => Err(type_err(
                span,
                format!("'{}' object has no method '{name}'", obj.type_name()),
            )),
        }
    }

    fn seq_search(&mut self, items: &[Obj], name: &str, x: &Obj, span: Span, what: &str) -> R<Obj> {
        let mut count = 0;
        for (i, item) in items.iter().enumerate() {
            if super::ops::is(item, x) || self.eq(item, x, span)? {
                if name == "index" {
                    return Ok(Obj::Int(i as i64));
                }
                count += 1;
            }
        }
        if name == "index" {
            let shown = self.repr(x, span)?;
            return Err(py_err(
                "ValueError",
                span,
                format!("{shown} is not in {what}"),
            ));
        }
        Ok(Obj::Int(count))
    }

    fn list_method(
        &mut self,
        obj: &Obj,
        name: &str,
        mut pos: Vec<Obj>,
        mut kw: Vec<(Rc<str>, Obj)>,
        span: Span,
    ) -> R<Obj> {
        let Obj::List(list) = obj else {
            return Ok(Obj::None);
        };
        Ok(match name {
            "append" => {
                arity(name, &pos, &kw, 1, 1, span)?;
                let len = list.0.borrow().len();
                if len % 4096 == 4095 {
                    self.check_size(len + 1, span)?;
                }
                list.0.borrow_mut().push(pos.remove(0));
                Obj::None
            }
            "extend" => {
                arity(name, &pos, &kw, 1, 1, span)?;
                let items = self.collect(&pos[0], span)?;
                self.check_size(list.0.borrow().len() + items.len(), span)?;
                list.0.borrow_mut().extend(items);
                Obj::None
            }
            "pop" => {
                arity(name, &pos, &kw, 0, 1, span)?;
                let mut items = list.0.borrow_mut();
                if items.is_empty() {
                    return Err(py_err("IndexError", span, "pop from empty list"));
                }
                let i = match pos.first() {
                    Some(i) => super::ops::seq_index(i, items.len(), "pop", span)?,
                    None => items.len() - 1,
                };
                items.remove(i)
            }
            "insert" => {
                arity(name, &pos, &kw, 2, 2, span)?;
                let mut items = list.0.borrow_mut();
                let n = items.len() as i64;
                let i = pos[0].as_int().ok_or_else(|| {
                    type_err(span, "'float' object cannot be interpreted as an integer")
                })?;
                let i = if i < 0 { (i + n).max(0) } else { i.min(n) } as usize;
                items.insert(i, pos.remove(1));
                Obj::None
            }
            "remove" => {
                arity(name, &pos, &kw, 1, 1, span)?;
                let items = list.0.borrow().clone();
                for (i, item) in items.iter().enumerate() {
                    if super::ops::is(item, &pos[0]) || self.eq(item, &pos[0], span)? {
                        list.0.borrow_mut().remove(i);
                        return Ok(Obj::None);
                    }
                }
                return Err(py_err("ValueError", span, "list.remove(x): x not in list"));
            }
            "index" | "count" => {
                arity(name, &pos, &kw, 1, 3, span)?;
                let items = list.0.borrow().clone();
                let start = pos.get(1).and_then(Obj::as_int).unwrap_or(0).max(0) as usize;
                let found = self.seq_search(
                    &items[start.min(items.len())..],
                    name,
                    &pos[0],
                    span,
                    "list",
                )?;
                match (name, found) {
                    ("index", Obj::Int(i)) => Obj::Int(i + start as i64),
                    (_, v) => v,
                }
            }
            "sort" => {
                let key = kw
                    .iter()
                    .position(|(k, _)| &**k == "key")
                    .map(|i| kw.remove(i).1);
                let reverse = kw
                    .iter()
                    .position(|(k, _)| &**k == "reverse")
                    .map(|i| kw.remove(i).1);
                arity(name, &pos, &kw, 0, 0, span)?;
                let reverse = match reverse {
                    Some(r) => self.truthy(&r, span)?,
                    None => false,
                };
                let items = std::mem::take(&mut *list.0.borrow_mut());
                let sorted = self.sort(items, key, reverse, span)?;
                *list.0.borrow_mut() = sorted;
                Obj::None
            }
            "reverse" => {
                arity(name, &pos, &kw, 0, 0, span)?;
                list.0.borrow_mut().reverse();
                Obj::None
            }
            "clear" => {
                arity(name, &pos, &kw, 0, 0, span)?;
                let old = std::mem::take(&mut *list.0.borrow_mut());
                drop(old);
                Obj::None
            }
            _ => {
                arity(name, &pos, &kw, 0, 0, span)?;
                Obj::list(list.0.borrow().clone())
            }
        })
    }

    fn dict_method(
        &mut self,
        obj: &Obj,
        name: &str,
        pos: Vec<Obj>,
        kw: Vec<(Rc<str>, Obj)>,
        span: Span,
    ) -> R<Obj> {
        let Obj::Dict(d) = obj else {
            return Ok(Obj::None);
        };
        Ok(match name {
            "items" | "keys" | "values" => {
                arity(name, &pos, &kw, 0, 0, span)?;
                let kind = match name {
                    "items" => super::object::ViewKind::Items,
                    "keys" => super::object::ViewKind::Keys,
                    _ => super::object::ViewKind::Values,
                };
                Obj::View(Rc::new((d.clone(), kind)))
            }
            "get" => {
                arity(name, &pos, &kw, 1, 2, span)?;
                let k = self.key(&pos[0], span)?;
                match d.0.borrow().get(&k) {
                    Some((_, v)) => v.clone(),
                    None => pos.get(1).cloned().unwrap_or(Obj::None),
                }
            }
            "setdefault" => {
                arity(name, &pos, &kw, 1, 2, span)?;
                let k = self.key(&pos[0], span)?;
                let default = pos.get(1).cloned().unwrap_or(Obj::None);
                d.0.borrow_mut()
                    .entry(k)
                    .or_insert((pos[0].clone(), default))
                    .1
                    .clone()
            }
            "update" => {
                if pos.len() > 1 {
                    return Err(type_err(
                        span,
                        format!("update expected at most 1 argument, got {}", pos.len()),
                    ));
                }
                let other = self.call_builtin(super::builtins::Builtin::Dict, pos, kw, span)?;
                if let Obj::Dict(o) = other {
                    let items: Vec<(Key, (Obj, Obj))> =
                        o.0.borrow()
                            .iter()
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect();
                    d.0.borrow_mut().extend(items);
                }
                Obj::None
            }
            "pop" => {
                arity(name, &pos, &kw, 1, 2, span)?;
                let k = self.key(&pos[0], span)?;
                let removed = d.0.borrow_mut().shift_remove(&k);
                match (removed, pos.get(1)) {
                    (Some((_, v)), _) => v,
                    (None, Some(default)) => default.clone(),
                    (None, None) => {
                        let shown = self.repr(&pos[0], span)?;
                        return Err(py_err("KeyError", span, shown));
                    }
                }
            }
            "popitem" => {
                arity(name, &pos, &kw, 0, 0, span)?;
                match d.0.borrow_mut().pop() {
                    Some((_, (k, v))) => Obj::tuple(vec![k, v]),
                    None => {
                        return Err(py_err("KeyError", span, "'popitem(): dictionary is empty'"));
                    }
                }
            }
            "clear" => {
                arity(name, &pos, &kw, 0, 0, span)?;
                let old = std::mem::take(&mut *d.0.borrow_mut());
                drop(old);
                Obj::None
            }
            _ => {
                arity(name, &pos, &kw, 0, 0, span)?;
                let items = d.0.borrow().values().cloned().collect();
                self.make_dict(items, span)?
            }
        })
    }

    fn set_method(
        &mut self,
        obj: &Obj,
        name: &str,
        pos: Vec<Obj>,
        kw: Vec<(Rc<str>, Obj)>,
        span: Span,
    ) -> R<Obj> {
        let Obj::Set(s) = obj else {
            return Ok(Obj::None);
        };
        Ok(match name {
            "add" => {
                arity(name, &pos, &kw, 1, 1, span)?;
                let k = self.key(&pos[0], span)?;
                s.0.borrow_mut().entry(k).or_insert_with(|| pos[0].clone());
                Obj::None
            }
            "remove" | "discard" => {
                arity(name, &pos, &kw, 1, 1, span)?;
                let k = self.key(&pos[0], span)?;
                if s.0.borrow_mut().shift_remove(&k).is_none() && name == "remove" {
                    let shown = self.repr(&pos[0], span)?;
                    return Err(py_err("KeyError", span, shown));
                }
                Obj::None
            }
            "pop" => {
                arity(name, &pos, &kw, 0, 0, span)?;
                let first = s.0.borrow_mut().shift_remove_index(0);
                match first {
                    Some((_, v)) => v,
                    None => return Err(py_err("KeyError", span, "'pop from an empty set'")),
                }
            }
            "clear" => {
                arity(name, &pos, &kw, 0, 0, span)?;
                s.0.borrow_mut().clear();
                Obj::None
            }
            "copy" => {
                arity(name, &pos, &kw, 0, 0, span)?;
                let items = s.0.borrow().values().cloned().collect();
                self.make_set(items, span)?
            }
            "update" => {
                for other in &pos {
                    for v in self.collect(other, span)? {
                        let k = self.key(&v, span)?;
                        s.0.borrow_mut().entry(k).or_insert(v);
                    }
                }
                Obj::None
            }
            _ => {
                arity(name, &pos, &kw, 1, 8, span)?;
                let mut result = obj.clone();
                for other in &pos {
                    let items = self.collect(other, span)?;
                    let other = self.make_set(items, span)?;
                    let op = match name {
                        "union" => crate::script::ir::BinOp::BitOr,
                        "intersection" => crate::script::ir::BinOp::BitAnd,
                        "difference" => crate::script::ir::BinOp::Sub,
                        "symmetric_difference" => crate::script::ir::BinOp::BitXor,
                        _ => {
                            let (Obj::Set(a), Obj::Set(b)) = (&result, &other) else {
                                return Ok(Obj::None);
                            };
                            let (a, b) = (a.0.borrow(), b.0.borrow());
                            return Ok(Obj::Bool(match name {
                                "issubset" => a.keys().all(|k| b.contains_key(k)),
                                "issuperset" => b.keys().all(|k| a.contains_key(k)),
                                _ => a.keys().all(|k| !b.contains_key(k)),
                            }));
                        }
                    };
                    result = self.binary(op, result, other, span, span)?;
                }
                result
            }
        })
    }

    fn str_method(
        &mut self,
        s: &Rc<str>,
        name: &str,
        pos: Vec<Obj>,
        kw: Vec<(Rc<str>, Obj)>,
        span: Span,
    ) -> R<Obj> {
        let text = |v: String| Obj::Str(v.into());
        if name == "format" {
            return self.str_format(s, pos, kw, span).map(text);
        }
        Ok(match name {
            "join" => {
                arity(name, &pos, &kw, 1, 1, span)?;
                let items = self.collect(&pos[0], span)?;
                let mut out = String::new();
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(s);
                    }
                    match item {
                        Obj::Str(t) => out.push_str(t),
                        other => {
                            return Err(type_err(
                                span,
                                format!(
                                    "sequence item {i}: expected str instance, {} found",
                                    other.type_name()
                                ),
                            ));
                        }
                    }
                    self.check_size(out.len(), span)?;
                }
                text(out)
            }
            "split" | "rsplit" => {
                arity(name, &pos, &kw, 0, 2, span)?;
                let sep = match pos.first() {
                    None | Some(Obj::None) => None,
                    Some(v) => Some(str_arg(name, v, span)?.to_string()),
                };
                let max = pos.get(1).and_then(Obj::as_int).unwrap_or(-1);
                let parts: Vec<String> = match (&sep, max) {
                    (Some(sep), _) if sep.is_empty() => {
                        return Err(py_err("ValueError", span, "empty separator"));
                    }
                    (Some(sep), m) if m < 0 => s.split(sep.as_str()).map(String::from).collect(),
                    (Some(sep), m) if name == "split" => s
                        .splitn(m as usize + 1, sep.as_str())
                        .map(String::from)
                        .collect(),
                    (Some(sep), m) => {
                        let mut v: Vec<String> = s
                            .rsplitn(m as usize + 1, sep.as_str())
                            .map(String::from)
                            .collect();
                        v.reverse();
                        v
                    }
                    (None, _) => s.split_whitespace().map(String::from).collect(),
                };
                Obj::list(parts.into_iter().map(text).collect())
            }
            "strip" | "lstrip" | "rstrip" => {
                arity(name, &pos, &kw, 0, 1, span)?;
                let chars: Option<Vec<char>> = match pos.first() {
                    None | Some(Obj::None) => None,
                    Some(v) => Some(str_arg(name, v, span)?.chars().collect()),
                };
                let pred = |c: char| match &chars {
                    Some(cs) => cs.contains(&c),
                    None => c.is_whitespace(),
                };
                text(match name {
                    "strip" => s.trim_matches(pred).to_string(),
                    "lstrip" => s.trim_start_matches(pred).to_string(),
                    _ => s.trim_end_matches(pred).to_string(),
                })
            }
            "upper" => text(s.to_uppercase()),
            "lower" => text(s.to_lowercase()),
            "swapcase" => text(
                s.chars()
                    .map(|c| {
                        if c.is_uppercase() {
                            c.to_lowercase().collect::<String>()
                        } else {
                            c.to_uppercase().collect()
                        }
                    })
                    .collect(),
            ),
            "title" | "capitalize" => {
                let mut out = String::new();
                let mut start = true;
                for c in s.chars() {
                    if start {
                        out.extend(c.to_uppercase());
                    } else {
                        out.extend(c.to_lowercase());
                    }
                    start = if name == "title" {
                        !c.is_alphabetic()
                    } else {
                        false
                    };
                }
                text(out)
            }
            "replace" => {
                arity(name, &pos, &kw, 2, 3, span)?;
                let (a, b) = (str_arg(name, &pos[0], span)?, str_arg(name, &pos[1], span)?);
                let n = pos.get(2).and_then(Obj::as_int).unwrap_or(-1);
                let out = if n < 0 {
                    s.replace(a, b)
                } else {
                    s.replacen(a, b, n as usize)
                };
                self.check_size(out.len(), span)?;
                text(out)
            }
            "startswith" | "endswith" => {
                arity(name, &pos, &kw, 1, 1, span)?;
                let options: Vec<Obj> = match &pos[0] {
                    Obj::Tuple(t) => t.0.to_vec(),
                    other => vec![other.clone()],
                };
                let mut yes = false;
                for o in &options {
                    let p = str_arg(name, o, span)?;
                    yes |= if name == "startswith" {
                        s.starts_with(p)
                    } else {
                        s.ends_with(p)
                    };
                }
                Obj::Bool(yes)
            }
            "find" | "rfind" | "index" => {
                arity(name, &pos, &kw, 1, 1, span)?;
                let p = str_arg(name, &pos[0], span)?;
                let at = if name == "rfind" {
                    s.rfind(p)
                } else {
                    s.find(p)
                };
                match at {
                    Some(b) => Obj::Int(s[..b].chars().count() as i64),
                    None if name == "index" => {
                        return Err(py_err("ValueError", span, "substring not found"));
                    }
                    None => Obj::Int(-1),
                }
            }
            "count" => {
                arity(name, &pos, &kw, 1, 1, span)?;
                let p = str_arg(name, &pos[0], span)?;
                Obj::Int(if p.is_empty() {
                    s.chars().count() as i64 + 1
                } else {
                    s.matches(p).count() as i64
                })
            }
            "center" | "ljust" | "rjust" => {
                arity(name, &pos, &kw, 1, 2, span)?;
                let w = pos[0].as_int().unwrap_or(0).max(0) as usize;
                self.check_size(w, span)?;
                let fill = match pos.get(1) {
                    Some(v) => str_arg(name, v, span)?.chars().next().unwrap_or(' '),
                    None => ' ',
                };
                let n = s.chars().count();
                if n >= w {
                    text(s.to_string())
                } else {
                    let pad = w - n;
                    let (l, r) = match name {
                        "ljust" => (0, pad),
                        "rjust" => (pad, 0),
                        // CPython's centering puts the odd space on the left when the width is odd... on the right otherwise.
                        _ => {
                            let left = pad / 2 + (pad & w & 1);
                            (left, pad - left)
                        }
                    };
                    let f = fill.to_string();
                    text(format!("{}{s}{}", f.repeat(l), f.repeat(r)))
                }
            }
            "zfill" => {
                arity(name, &pos, &kw, 1, 1, span)?;
                let w = pos[0].as_int().unwrap_or(0).max(0) as usize;
                self.check_size(w, span)?;
                let n = s.chars().count();
                if n >= w {
                    text(s.to_string())
                } else {
                    let (sign, rest) = match s.chars().next() {
                        Some(c @ ('+' | '-')) => (c.to_string(), &s[1..]),
                        _ => (String::new(), &s[..]),
                    };
                    text(format!("{sign}{}{rest}", "0".repeat(w - n)))
                }
            }
            "isdigit" => Obj::Bool(!s.is_empty() && s.chars().all(|c| c.is_ascii_digit())),
            "isalpha" => Obj::Bool(!s.is_empty() && s.chars().all(char::is_alphabetic)),
            "isalnum" => Obj::Bool(!s.is_empty() && s.chars().all(char::is_alphanumeric)),
            "isspace" => Obj::Bool(!s.is_empty() && s.chars().all(char::is_whitespace)),
            "isupper" => {
                Obj::Bool(s.chars().any(char::is_uppercase) && !s.chars().any(char::is_lowercase))
            }
            "islower" => {
                Obj::Bool(s.chars().any(char::is_lowercase) && !s.chars().any(char::is_uppercase))
            }
            "splitlines" => Obj::list(s.lines().map(|l| text(l.to_string())).collect()),
            "partition" => {
                arity(name, &pos, &kw, 1, 1, span)?;
                let p = str_arg(name, &pos[0], span)?;
                match s.find(p) {
                    Some(i) => Obj::tuple(vec![
                        text(s[..i].into()),
                        text(p.into()),
                        text(s[i + p.len()..].into()),
                    ]),
                    None => Obj::tuple(vec![
                        text(s.to_string()),
                        text(String::new()),
                        text(String::new()),
                    ]),
                }
            }
            _ => {
                return Err(py_err(
                    "AttributeError",
                    span,
                    format!("'str' object has no attribute '{name}'"),
                ));
            }
        })
    }

    /// `'{} {x:.2f}'.format(…)`.
    fn str_format(
        &mut self,
        fmt: &str,
        pos: Vec<Obj>,
        kw: Vec<(Rc<str>, Obj)>,
        span: Span,
    ) -> R<String> {
        let mut out = String::new();
        let mut auto = 0;
        let mut chars = fmt.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    out.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    out.push('}');
                }
                '{' => {
                    let mut field = String::new();
                    let mut depth = 1;
                    for c in chars.by_ref() {
                        match c {
                            '{' => depth += 1,
                            '}' => {
                                depth -= 1;
                                if depth == 0 {
                                    break;
                                }
                            }
                            _ => {}
                        }
                        field.push(c);
                    }
                    if depth != 0 {
                        return Err(py_err(
                            "ValueError",
                            span,
                            "expected '}' before end of string",
                        ));
                    }
                    let (head, spec) = match field.split_once(':') {
                        Some((h, s)) => (h.to_string(), s.to_string()),
                        None => (field.clone(), String::new()),
                    };
                    let (head, conv) = match head.split_once('!') {
                        Some((h, c)) => (h.to_string(), c.chars().next()),
                        None => (head, None),
                    };
                    let (base, attrs) = match head.find(['.', '[']) {
                        Some(i) => (head[..i].to_string(), head[i..].to_string()),
                        None => (head.clone(), String::new()),
                    };
                    let mut v = if base.is_empty() {
                        let v = pos.get(auto).cloned();
                        auto += 1;
                        v.ok_or_else(|| {
                            py_err(
                                "IndexError",
                                span,
                                format!(
                                    "Replacement index {} out of range for positional args tuple",
                                    auto - 1
                                ),
                            )
                        })?
                    } else if let Ok(i) = base.parse::<usize>() {
                        pos.get(i).cloned().ok_or_else(|| {
                            py_err(
                                "IndexError",
                                span,
                                format!(
                                    "Replacement index {i} out of range for positional args tuple"
                                ),
                            )
                        })?
                    } else {
                        kw.iter()
                            .find(|(k, _)| **k == *base)
                            .map(|(_, v)| v.clone())
                            .ok_or_else(|| {
                                py_err("KeyError", span, crate::pyfmt::repr_str(&base))
                            })?
                    };
                    for part in attrs.split_inclusive(['.', '[']).filter(|p| !p.is_empty()) {
                        let part = part
                            .trim_start_matches(['.', '['])
                            .trim_end_matches(['.', '['])
                            .trim_end_matches(']');
                        if part.is_empty() {
                            continue;
                        }
                        v = match part.parse::<i64>() {
                            Ok(i) => self.get_item(&v, &Obj::Int(i), span)?,
                            Err(_) => self.get_attr(&v, part, span)?,
                        };
                    }
                    let v = match conv {
                        Some('r') => Obj::Str(self.repr(&v, span)?.into()),
                        Some('s') => Obj::Str(self.str_of(&v, span)?.into()),
                        _ => v,
                    };
                    let spec = if spec.contains('{') {
                        self.str_format(&spec, pos.clone(), kw.clone(), span)?
                    } else {
                        spec
                    };
                    out.push_str(&self.format_value(&v, &spec, span)?);
                }
                '}' => {
                    return Err(py_err(
                        "ValueError",
                        span,
                        "Single '}' encountered in format string",
                    ));
                }
                c => out.push(c),
            }
        }
        Ok(out)
    }
}
