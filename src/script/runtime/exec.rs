//! Statements and expressions: the evaluator's main loop.

use std::cell::RefCell;
use std::rc::Rc;

use super::object::{CompState, Frame, Iter, Obj};
use super::{Interp, MAX_DEPTH, R, py_err, type_err};
use crate::engine::Op;
use crate::script::error::{ErrorKind, ScriptError, Span};
use crate::script::ir::*;

/// How [`Interp::sum_generator`] ended: with the total, or with an item
/// whose addition may run script code, for the caller to add once the
/// generator is back in its place.
enum Summed {
    Done(Obj),
    Handing(Obj, Obj),
}

/// Whether adding the object runs no script code: a number or a Value.
fn plain(x: &Obj) -> bool {
    x.is_number() || matches!(x, Obj::Value(_))
}

/// An item of a generator being summed: an object, or a node without a
/// handle yet.
enum Item {
    Obj(Obj),
    Node(crate::engine::ValueId),
}

/// How a statement ended.
pub enum Flow {
    /// On to the next statement.
    Normal,
    /// `break`.
    Break,
    /// `continue`.
    Continue,
    /// `return value`.
    Return(Obj),
}

impl Interp<'_> {
    /// Runs statements until one leaves the block.
    pub fn block(&mut self, stmts: &[Stmt], f: &mut Frame) -> R<Flow> {
        for s in stmts {
            match self.stmt(s, f)? {
                Flow::Normal => {}
                other => return Ok(other),
            }
        }
        Ok(Flow::Normal)
    }

    fn stmt(&mut self, s: &Stmt, f: &mut Frame) -> R<Flow> {
        match s {
            Stmt::Expr(e) => {
                self.eval(e, f)?;
            }
            Stmt::Assign(targets, value) => {
                let v = self.eval(value, f)?;
                if let [t] = targets.as_slice() {
                    self.assign(t, v, f)?;
                } else {
                    for t in targets {
                        self.assign(t, v.clone(), f)?;
                    }
                }
            }
            Stmt::AugAssign(target, op, value, span) => {
                self.aug_assign(target, *op, value, *span, f)?
            }
            Stmt::If(test, body, orelse) => {
                let t = self.eval(test, f)?;
                let branch = if self.truthy(&t, Span::default())? {
                    body
                } else {
                    orelse
                };
                return self.block(branch, f);
            }
            Stmt::While(test, body, orelse, span) => loop {
                let t = self.eval(test, f)?;
                if !self.truthy(&t, *span)? {
                    return self.block(orelse, f);
                }
                self.tick(*span)?;
                match self.block(body, f)? {
                    Flow::Break => break,
                    Flow::Return(v) => return Ok(Flow::Return(v)),
                    Flow::Normal | Flow::Continue => {}
                }
            },
            Stmt::For(target, iter, body, orelse, span) => {
                let it = self.eval(iter, f)?;
                let it = self.iter(&it, *span)?;
                loop {
                    if !self.next_into(&it, target, f, *span)? {
                        return self.block(orelse, f);
                    }
                    self.tick(*span)?;
                    match self.block(body, f)? {
                        Flow::Break => break,
                        Flow::Return(v) => return Ok(Flow::Return(v)),
                        Flow::Normal | Flow::Continue => {}
                    }
                }
            }
            Stmt::Break => return Ok(Flow::Break),
            Stmt::Continue => return Ok(Flow::Continue),
            Stmt::Return(v) => {
                let v = match v {
                    Some(e) => self.eval(e, f)?,
                    None => Obj::None,
                };
                return Ok(Flow::Return(v));
            }
            Stmt::Def(target, def, defaults) => {
                let defaults = defaults
                    .iter()
                    .map(|d| self.eval(d, f))
                    .collect::<R<Vec<_>>>()?;
                let func = self.make_function(def, defaults, f);
                self.assign(target, func, f)?;
            }
            Stmt::Class(target, def) => {
                let class = self.make_class(def, f)?;
                self.assign(target, class, f)?;
            }
            Stmt::Assert(test, msg, span) => {
                let t = self.eval(test, f)?;
                if !self.truthy(&t, *span)? {
                    let text = match msg {
                        Some(m) => {
                            let m = self.eval(m, f)?;
                            self.str_of(&m, *span)?
                        }
                        None => String::new(),
                    };
                    let mut e = ScriptError::new(ErrorKind::Runtime, *span, text)
                        .exception("AssertionError")
                        .label("this assertion failed");
                    if msg.is_none() {
                        e.message = "assertion failed".into();
                    }
                    return Err(Box::new(e));
                }
            }
            Stmt::Del(targets) => {
                for t in targets {
                    self.delete(t, f)?;
                }
            }
            Stmt::Import(module, attr, target, span) => {
                let m = self.import(module, *span)?;
                let v = match attr {
                    None => m,
                    Some(a) => self.get_attr(&m, a, *span).map_err(|_| {
                        py_err(
                            "ImportError",
                            *span,
                            format!("cannot import name '{a}' from '{module}'"),
                        )
                    })?,
                };
                self.assign(target, v, f)?;
            }
            Stmt::Raise(exc, span) => {
                let Some(exc) = exc else {
                    return Err(py_err(
                        "RuntimeError",
                        *span,
                        "No active exception to reraise",
                    ));
                };
                let v = self.eval(exc, f)?;
                let v = match v {
                    Obj::Builtin(b) if b.is_exception() => self.call(&v, vec![], vec![], *span)?,
                    v => v,
                };
                return Err(match v {
                    Obj::Exception(e) => {
                        let mut err = ScriptError::new(super::kind_of(e.0), *span, e.1.to_string())
                            .label("raised here");
                        err.exception = Some(e.0);
                        Box::new(err)
                    }
                    other => type_err(
                        *span,
                        format!(
                            "exceptions must derive from BaseException, not {}",
                            other.type_name()
                        ),
                    ),
                });
            }
            Stmt::Pass => {}
        }
        Ok(Flow::Normal)
    }

    fn aug_assign(
        &mut self,
        target: &Target,
        op: BinOp,
        value: &Expr,
        span: Span,
        f: &mut Frame,
    ) -> R<()> {
        match target {
            Target::Var(var, _, vspan) => {
                let cur = self.load(var, *vspan, f)?;
                let rhs = self.eval(value, f)?;
                let v = self.inplace(op, cur, rhs, span)?;
                self.assign(target, v, f)
            }
            Target::Attr(obj, name, aspan) => {
                let o = self.eval(obj, f)?;
                let cur = self.get_attr(&o, name, *aspan)?;
                let rhs = self.eval(value, f)?;
                let v = self.inplace(op, cur, rhs, span)?;
                self.set_attr(&o, name, v, *aspan)
            }
            Target::Subscript(obj, index, sspan) => {
                let o = self.eval(obj, f)?;
                let i = self.eval(index, f)?;
                let cur = self.get_item(&o, &i, *sspan)?;
                let rhs = self.eval(value, f)?;
                let v = self.inplace(op, cur, rhs, span)?;
                self.set_item(&o, i, v, *sspan)
            }
            Target::Unpack(_, _, s) => Err(py_err(
                "SyntaxError",
                *s,
                "illegal expression for augmented assignment",
            )),
        }
    }

    /// `a op= b`: lists extend in place, everything else is `a = a op b`
    /// (micrograd's Value has no in-place operators).
    fn inplace(&mut self, op: BinOp, cur: Obj, rhs: Obj, span: Span) -> R<Obj> {
        if let (BinOp::Add, Obj::List(l)) = (op, &cur) {
            let items = self.collect(&rhs, span)?;
            self.check_size(l.0.borrow().len() + items.len(), span)?;
            l.0.borrow_mut().extend(items);
            return Ok(cur);
        }
        self.binary(op, cur, rhs, span, span)
    }

    /// Binds `v` to a target.
    pub fn assign(&mut self, t: &Target, v: Obj, f: &mut Frame) -> R<()> {
        match t {
            Target::Var(var, label, _) => {
                if let Obj::Value(r) = &v {
                    if let Some(name) = label {
                        self.auto_label(r.id(), name);
                    }
                    if Rc::ptr_eq(&f.ns, &self.main) && &*f.def.name == "<module>" {
                        self.last_assigned = Some(v.clone());
                    }
                }
                self.store(var, v, f);
                Ok(())
            }
            Target::Attr(obj, name, span) => {
                let o = self.eval(obj, f)?;
                self.set_attr(&o, name, v, *span)
            }
            Target::Subscript(obj, index, span) => {
                let o = self.eval(obj, f)?;
                let i = self.eval(index, f)?;
                self.set_item(&o, i, v, *span)
            }
            Target::Unpack(targets, None, _) if matches!(&v, Obj::Tuple(t) if t.0.len() == targets.len()) =>
            {
                // The common `for a, b in zip(…)`: no list of the items.
                let Obj::Tuple(t) = &v else { return Ok(()) };
                for (target, x) in targets.iter().zip(t.0.iter()) {
                    self.assign(target, x.clone(), f)?;
                }
                Ok(())
            }
            Target::Unpack(targets, star, span) => {
                let items = self.collect(&v, *span).map_err(|_| {
                    type_err(
                        *span,
                        format!("cannot unpack non-iterable {} object", v.type_name()),
                    )
                })?;
                let n = targets.len();
                match star {
                    None => {
                        if items.len() != n {
                            let msg = if items.len() > n {
                                format!("too many values to unpack (expected {n})")
                            } else {
                                format!(
                                    "not enough values to unpack (expected {n}, got {})",
                                    items.len()
                                )
                            };
                            return Err(py_err("ValueError", *span, msg));
                        }
                        for (t, x) in targets.iter().zip(items) {
                            self.assign(t, x, f)?;
                        }
                    }
                    Some(s) => {
                        if items.len() < n - 1 {
                            return Err(py_err(
                                "ValueError",
                                *span,
                                format!(
                                    "not enough values to unpack (expected at least {}, got {})",
                                    n - 1,
                                    items.len()
                                ),
                            ));
                        }
                        let after = n - 1 - s;
                        let mut items = items;
                        let tail = items.split_off(items.len() - after);
                        let middle = items.split_off(*s);
                        for (t, x) in targets[..*s].iter().zip(items) {
                            self.assign(t, x, f)?;
                        }
                        self.assign(&targets[*s], Obj::list(middle), f)?;
                        for (t, x) in targets[s + 1..].iter().zip(tail) {
                            self.assign(t, x, f)?;
                        }
                    }
                }
                Ok(())
            }
        }
    }

    fn delete(&mut self, t: &Target, f: &mut Frame) -> R<()> {
        match t {
            Target::Var(var, _, span) => {
                self.load(var, *span, f)?;
                match var {
                    Var::Local(i) => f.locals[*i as usize] = None,
                    Var::Cell(i) => *f.cells[*i as usize].borrow_mut() = None,
                    Var::Global(g) => f.ns.slots.borrow_mut()[*g as usize] = None,
                    Var::Class(name, g) => {
                        let removed = f
                            .class_ns
                            .as_ref()
                            .and_then(|ns| ns.borrow_mut().shift_remove(&**name));
                        if removed.is_none() {
                            f.ns.slots.borrow_mut()[*g as usize] = None;
                        }
                    }
                }
                Ok(())
            }
            Target::Subscript(obj, index, span) => {
                let o = self.eval(obj, f)?;
                let i = self.eval(index, f)?;
                self.del_item(&o, &i, *span)
            }
            Target::Attr(obj, name, span) => {
                let o = self.eval(obj, f)?;
                match &o {
                    Obj::Instance(inst)
                        if inst.dict.borrow_mut().shift_remove(&**name).is_some() =>
                    {
                        Ok(())
                    }
                    _ => Err(py_err(
                        "AttributeError",
                        *span,
                        format!("'{}' object has no attribute '{name}'", o.type_name()),
                    )),
                }
            }
            Target::Unpack(ts, _, _) => {
                for t in ts {
                    self.delete(t, f)?;
                }
                Ok(())
            }
        }
    }

    /// Stores into a variable.
    #[inline]
    pub fn store(&mut self, var: &Var, v: Obj, f: &mut Frame) {
        match var {
            Var::Local(i) => f.locals[*i as usize] = Some(v),
            Var::Cell(i) => *f.cells[*i as usize].borrow_mut() = Some(v),
            Var::Global(g) => {
                let mut slots = f.ns.slots.borrow_mut();
                let g = *g as usize;
                if slots.len() <= g {
                    slots.resize(g + 1, None);
                }
                slots[g] = Some(v);
            }
            Var::Class(name, _) => {
                if let Some(ns) = &f.class_ns {
                    ns.borrow_mut().insert(name.clone(), v);
                }
            }
        }
    }

    /// Reads a variable.
    #[inline]
    pub fn load(&mut self, var: &Var, span: Span, f: &Frame) -> R<Obj> {
        let v = match var {
            Var::Local(i) => f.locals[*i as usize].clone(),
            Var::Cell(i) => f.cells[*i as usize].borrow().clone(),
            Var::Global(g) => f.ns.slots.borrow().get(*g as usize).cloned().flatten(),
            Var::Class(name, g) => f
                .class_ns
                .as_ref()
                .and_then(|ns| ns.borrow().get(&**name).cloned())
                .or_else(|| f.ns.slots.borrow().get(*g as usize).cloned().flatten()),
        };
        match v {
            Some(v) => Ok(v),
            None => self.unbound(var, span, f),
        }
    }

    #[inline(never)]
    fn unbound(&mut self, var: &Var, span: Span, f: &Frame) -> R<Obj> {
        if let Var::Global(g) | Var::Class(_, g) = var
            && let Some(Some(b)) = f.ns.builtins.borrow().get(*g as usize)
        {
            return Ok(b.clone());
        }
        let name: Rc<str> = match var {
            Var::Local(i) => f.def.local_names[*i as usize].clone(),
            Var::Cell(i) => {
                let own = f.def.cells.len();
                match f.def.cells.get(*i as usize) {
                    Some(c) => c.name.clone(),
                    None => self.free_name(f, *i as usize - own),
                }
            }
            Var::Global(g) | Var::Class(_, g) => f.ns.names.borrow().name(*g).into(),
        };
        if let Var::Global(g) | Var::Class(_, g) = var
            && let Some(b) = self.builtin(&name)
        {
            let mut cache = f.ns.builtins.borrow_mut();
            let g = *g as usize;
            if cache.len() <= g {
                cache.resize(g + 1, None);
            }
            cache[g] = Some(b.clone());
            return Ok(b);
        }
        let local = matches!(var, Var::Local(_))
            || (matches!(var, Var::Cell(_)) && (*var_index(var) as usize) < f.def.cells.len());
        if local {
            return Err(py_err(
                "UnboundLocalError",
                span,
                format!(
                    "cannot access local variable '{name}' where it is not associated with a value"
                ),
            )
            .map_label("assigned later in this function")
            .map_help("assign it before this line, or declare it `global` to use the module's"));
        }
        Err(self.name_error(&name, span, f))
    }

    fn free_name(&self, f: &Frame, _i: usize) -> Rc<str> {
        f.def.name.clone()
    }

    // ----- expressions -------------------------------------------------------

    /// Evaluates an expression.
    pub fn eval(&mut self, e: &Expr, f: &mut Frame) -> R<Obj> {
        match e {
            Expr::Const(v) => Ok(v.clone()),
            Expr::Load(var, span) => self.load(var, *span, f),
            Expr::Binary(op, a, b, span, rspan) => {
                let l = self.eval(a, f)?;
                let r = self.eval(b, f)?;
                self.binary(*op, l, r, *span, *rspan)
            }
            Expr::CallMethod(obj, name, args, span) => {
                let o = self.eval(obj, f)?;
                let (pos, kw) = self.args(args, f)?;
                self.call_method(o, name, pos, kw, *span)
            }
            Expr::Call(func, args, span) => {
                let callee = self.eval(func, f)?;
                let (pos, kw) = self.args(args, f)?;
                self.call(&callee, pos, kw, *span)
            }
            Expr::Attr(obj, name, span) => {
                let o = self.eval(obj, f)?;
                self.get_attr(&o, name, *span)
            }
            Expr::Subscript(obj, index, span) => {
                let o = self.eval(obj, f)?;
                let i = self.eval(index, f)?;
                self.get_item(&o, &i, *span)
            }
            Expr::Unary(op, x, span) => {
                let v = self.eval(x, f)?;
                self.unary(*op, v, *span)
            }
            Expr::Not(x) => {
                let v = self.eval(x, f)?;
                Ok(Obj::Bool(!self.truthy(&v, Span::default())?))
            }
            Expr::Compare(first, rest, span) => {
                let mut left = self.eval(first, f)?;
                let mut result = Obj::Bool(true);
                for (op, e) in rest {
                    let right = self.eval(e, f)?;
                    result = self.compare(*op, &left, &right, *span)?;
                    if !self.truthy(&result, *span)? {
                        return Ok(result);
                    }
                    left = right;
                }
                Ok(result)
            }
            Expr::And(values) => {
                let mut v = Obj::Bool(true);
                for e in values {
                    v = self.eval(e, f)?;
                    if !self.truthy(&v, Span::default())? {
                        break;
                    }
                }
                Ok(v)
            }
            Expr::Or(values) => {
                let mut v = Obj::Bool(false);
                for e in values {
                    v = self.eval(e, f)?;
                    if self.truthy(&v, Span::default())? {
                        break;
                    }
                }
                Ok(v)
            }
            Expr::IfElse(test, a, b) => {
                let t = self.eval(test, f)?;
                if self.truthy(&t, Span::default())? {
                    self.eval(a, f)
                } else {
                    self.eval(b, f)
                }
            }
            Expr::Slice(a, b, c) => {
                let mut part = |x: &Option<Box<Expr>>, f: &mut Frame| -> R<Obj> {
                    match x {
                        Some(e) => self.eval(e, f),
                        None => Ok(Obj::None),
                    }
                };
                let a = part(a, f)?;
                let b = part(b, f)?;
                let c = part(c, f)?;
                Ok(Obj::Slice(Rc::new((a, b, c))))
            }
            Expr::List(elts) => Ok(Obj::list(self.elts(elts, f)?)),
            Expr::Tuple(elts) => Ok(Obj::tuple(self.elts(elts, f)?)),
            Expr::Set(elts) => {
                let items = self.elts(elts, f)?;
                self.make_set(items, Span::default())
            }
            Expr::Dict(items) => {
                let mut map = super::object::KeyMap::with_capacity_and_hasher(
                    items.len(),
                    Default::default(),
                );
                for (k, v) in items {
                    match k {
                        Some(k) => {
                            let key = self.eval(k, f)?;
                            let val = self.eval(v, f)?;
                            let h = self.key(&key, Span::default())?;
                            super::object::dict_insert(&mut map, h, key, val);
                        }
                        None => {
                            let d = self.eval(v, f)?;
                            let Obj::Dict(d) = d else {
                                return Err(type_err(
                                    Span::default(),
                                    format!("'{}' object is not a mapping", d.type_name()),
                                ));
                            };
                            for (h, kv) in d.0.borrow().iter() {
                                map.insert(h.clone(), kv.clone());
                            }
                        }
                    }
                }
                Ok(Obj::Dict(Rc::new(super::object::Dict(RefCell::new(map)))))
            }
            Expr::FString(parts) => Ok(Obj::Str(self.fstring(parts, f)?.into())),
            Expr::Lambda(def, defaults) => {
                let defaults = defaults
                    .iter()
                    .map(|d| self.eval(d, f))
                    .collect::<R<Vec<_>>>()?;
                Ok(self.make_function(def, defaults, f))
            }
            Expr::Comp(def) => self.comprehension(def, f),
            Expr::Named(var, value) => {
                let v = self.eval(value, f)?;
                self.store(var, v.clone(), f);
                Ok(v)
            }
            Expr::SuperFails(message, span) => Err(py_err("RuntimeError", *span, *message)),
            Expr::Super(class, first, span) => {
                let class = self.load(class, *span, f)?;
                let first = self.load(first, *span, f)?;
                match class {
                    Obj::Class(c) => Ok(Obj::Super(Rc::new((c, first)))),
                    _ => Err(py_err(
                        "RuntimeError",
                        *span,
                        "super(): __class__ cell not found",
                    )),
                }
            }
        }
    }

    fn elts(&mut self, elts: &[Elt], f: &mut Frame) -> R<Vec<Obj>> {
        let mut out = Vec::with_capacity(elts.len());
        for e in elts {
            match e {
                Elt::One(x) => out.push(self.eval(x, f)?),
                Elt::Star(x) => {
                    let v = self.eval(x, f)?;
                    let items = self.collect(&v, Span::default())?;
                    self.check_size(out.len() + items.len(), Span::default())?;
                    out.extend(items);
                }
            }
        }
        Ok(out)
    }

    /// Evaluates call arguments: positional (with `*` unpacked) and keyword
    /// (with `**` unpacked).
    pub fn args(&mut self, args: &[Arg], f: &mut Frame) -> R<super::object::Args> {
        let mut pos = Vec::with_capacity(args.len());
        let mut kw = Vec::new();
        for a in args {
            match a {
                Arg::Pos(e) => pos.push(self.eval(e, f)?),
                Arg::Star(e) => {
                    let v = self.eval(e, f)?;
                    pos.extend(self.collect(&v, Span::default())?);
                }
                Arg::Kw(name, e, _) => kw.push((name.clone(), self.eval(e, f)?)),
                Arg::StarStar(e) => {
                    let v = self.eval(e, f)?;
                    let Obj::Dict(d) = &v else {
                        return Err(type_err(
                            Span::default(),
                            format!("argument after ** must be a mapping, not {}", v.type_name()),
                        ));
                    };
                    for (k, val) in d.0.borrow().values() {
                        let Obj::Str(k) = k else {
                            return Err(type_err(Span::default(), "keywords must be strings"));
                        };
                        kw.push((k.clone(), val.clone()));
                    }
                }
            }
        }
        Ok((pos, kw))
    }

    /// A comprehension: run to the end, or a generator to run lazily.
    fn comprehension(&mut self, def: &Rc<CompDef>, f: &mut Frame) -> R<Obj> {
        let first = self.eval(&def.first_iter, f)?;
        let first = self.iter(&first, def.span)?;
        let scope = &def.scope;
        let mut cells: Vec<_> = scope
            .cells
            .iter()
            .map(|_| Rc::new(RefCell::new(None)))
            .collect();
        cells.extend(scope.free.iter().map(|i| f.cells[*i as usize].clone()));
        let frame = Frame {
            locals: vec![None; scope.locals as usize],
            cells,
            ns: f.ns.clone(),
            class_ns: None,
            def: scope.clone(),
        };
        let mut state = CompState {
            def: def.clone(),
            frame,
            iters: vec![first],
        };
        if def.kind == CompKind::Gen {
            return Ok(Obj::Iter(Rc::new(RefCell::new(Iter::Comp(Box::new(
                state,
            ))))));
        }
        let file = crate::script::modules::file_of(&state.frame.ns.name);
        self.in_frame(&def.scope.name, def.span, file, |me| {
            me.run_comprehension(def, &mut state)
        })
    }

    /// Runs `f` as the code of a frame `name` (a comprehension's, in the
    /// library `file` or the script) called from `span`: it counts towards
    /// the recursion limit, and an error inside gets the frame in its
    /// traceback, as in CPython.
    pub fn in_frame<T>(
        &mut self,
        name: &Rc<str>,
        span: Span,
        file: Option<&'static str>,
        f: impl FnOnce(&mut Self) -> R<T>,
    ) -> R<T> {
        self.enter_call(name, span, file)?;
        let r = f(self);
        self.leave_call();
        r.map_err(|e| self.unwind(e, name, span, file))
    }

    /// A list, set or dict comprehension, run to its end.
    fn run_comprehension(&mut self, def: &Rc<CompDef>, state: &mut CompState) -> R<Obj> {
        match def.kind {
            // (A generator is not run to its end here: it is returned.)
            CompKind::Gen | CompKind::List => {
                let mut out = Vec::new();
                while let Some((v, _)) = self.comp_step(state)? {
                    out.push(v);
                    if out.len() % 4096 == 0 {
                        self.check_size(out.len(), def.span)?;
                    }
                }
                Ok(Obj::list(out))
            }
            CompKind::Set => {
                let mut out = Vec::new();
                while let Some((v, _)) = self.comp_step(state)? {
                    out.push(v);
                }
                self.make_set(out, def.span)
            }
            CompKind::Dict => {
                let mut map = super::object::KeyMap::default();
                while let Some((k, v)) = self.comp_step(state)? {
                    let h = self.key(&k, def.span)?;
                    super::object::dict_insert(&mut map, h, k, v.unwrap_or(Obj::None));
                }
                Ok(Obj::Dict(Rc::new(super::object::Dict(RefCell::new(map)))))
            }
        }
    }

    /// `sum(it, start)` once `it` is an iterator: adds each item to `acc`.
    /// A generator expression with one `for` clause (micrograd's
    /// `sum(wi*xi for wi, xi in zip(self.w, x))`) runs here in place, as
    /// the same steps in the same order as through [`Interp::next`], without
    /// the generator's state taken out and put back per item.
    pub fn sum(&mut self, mut acc: Obj, it: &Obj, span: Span) -> R<Obj> {
        if let Obj::Iter(cell) = it {
            let single = matches!(&*cell.borrow(), Iter::Comp(c)
                if c.def.kind == CompKind::Gen && c.def.clauses.len() == 1 && c.iters.len() == 1);
            if single {
                // Taken out while it runs, as `next` does.
                let mut st = std::mem::replace(&mut *cell.borrow_mut(), Iter::Done);
                let Iter::Comp(c) = &mut st else {
                    return Ok(acc);
                };
                match self.sum_generator(acc, c, span) {
                    Ok(Summed::Done(total)) => return Ok(total),
                    Ok(Summed::Handing(total, x)) => {
                        // An addition that may run script code (a class's
                        // `__add__`): the generator goes back first, so
                        // that code finds it suspended, as in CPython.
                        *cell.borrow_mut() = st;
                        acc = self.binary(BinOp::Add, total, x, span, span)?;
                        self.tick(span)?;
                    }
                    Err(e) => {
                        *cell.borrow_mut() = st;
                        return Err(e);
                    }
                }
            }
        }
        while let Some(x) = self.next(it, span)? {
            acc = self.binary(BinOp::Add, acc, x, span, span)?;
            self.tick(span)?;
        }
        Ok(acc)
    }

    /// [`Interp::sum`] of a one-clause generator's items (run to its end).
    /// Each item is made in the generator's frame (for tracebacks and the
    /// recursion limit), each addition in the caller's.
    fn sum_generator(&mut self, mut acc: Obj, st: &mut CompState, span: Span) -> R<Summed> {
        let CompState { def, frame, iters } = st;
        let file = crate::script::modules::file_of(&frame.ns.name);
        loop {
            let value_sum = matches!(acc, Obj::Value(_));
            let item = self.in_frame(&def.scope.name, span, file, |me| {
                me.sum_item(def, frame, &iters[0], value_sum)
            })?;
            acc = match (item, &acc) {
                (None, _) => return Ok(Summed::Done(acc)),
                (Some(Item::Node(x)), Obj::Value(total)) => {
                    let total = total.id();
                    self.apply(Op::Add, &[total, x], span)?
                }
                (Some(Item::Node(x)), _) => {
                    let x = self.value_obj(x);
                    self.binary(BinOp::Add, acc, x, span, span)?
                }
                (Some(Item::Obj(x)), _) if plain(&acc) && plain(&x) => {
                    self.binary(BinOp::Add, acc, x, span, span)?
                }
                (Some(Item::Obj(x)), _) => return Ok(Summed::Handing(acc, x)),
            };
            self.tick(span)?;
        }
    }

    /// The next item of a one-clause generator for [`Interp::sum_generator`].
    /// With a sum of Values, an item `a * b` or `a + b` of two Values is
    /// made without a handle (the script never sees it: the sum's node
    /// takes it at once, before any release could run).
    fn sum_item(
        &mut self,
        def: &CompDef,
        frame: &mut Frame,
        it: &Obj,
        value_sum: bool,
    ) -> R<Option<Item>> {
        let clause = &def.clauses[0];
        'items: loop {
            if !self.next_into(it, &clause.target, frame, def.span)? {
                return Ok(None);
            }
            self.tick(def.span)?;
            for c in &clause.ifs {
                let t = self.eval(c, frame)?;
                if !self.truthy(&t, def.span)? {
                    continue 'items;
                }
            }
            if value_sum
                && let Expr::Binary(op @ (BinOp::Mul | BinOp::Add), a, b, espan, rspan) = &def.elt
            {
                let l = self.eval(a, frame)?;
                let r = self.eval(b, frame)?;
                return Ok(Some(match (&l, &r) {
                    (Obj::Value(lv), Obj::Value(rv)) => {
                        let engine_op = if *op == BinOp::Mul { Op::Mul } else { Op::Add };
                        Item::Node(self.apply_node(engine_op, &[lv.id(), rv.id()], *espan)?)
                    }
                    _ => Item::Obj(self.binary(*op, l, r, *espan, *rspan)?),
                }));
            }
            return Ok(Some(Item::Obj(self.eval(&def.elt, frame)?)));
        }
    }

    /// A generator's next element, asked for at `span`: [`Interp::comp_step`]
    /// in the generator's frame.
    pub fn gen_step(&mut self, st: &mut CompState, span: Span) -> R<Option<Obj>> {
        let name = st.def.scope.name.clone();
        let file = crate::script::modules::file_of(&st.frame.ns.name);
        self.in_frame(&name, span, file, |me| {
            Ok(me.comp_step(st)?.map(|(v, _)| v))
        })
    }

    /// The next element of a comprehension (with the value, for dicts).
    pub fn comp_step(&mut self, st: &mut CompState) -> R<Option<(Obj, Option<Obj>)>> {
        let CompState { def, frame, iters } = st;
        let k = def.clauses.len();
        loop {
            let Some(it) = iters.last() else {
                return Ok(None);
            };
            let lvl = iters.len() - 1;
            let clause = &def.clauses[lvl];
            if !self.next_into(it, &clause.target, frame, def.span)? {
                iters.pop();
                if iters.is_empty() {
                    return Ok(None);
                }
                continue;
            }
            self.tick(def.span)?;
            let mut ok = true;
            for c in &clause.ifs {
                let t = self.eval(c, frame)?;
                if !self.truthy(&t, def.span)? {
                    ok = false;
                    break;
                }
            }
            if !ok {
                continue;
            }
            if lvl + 1 < k {
                let next = def.clauses[lvl + 1]
                    .iter
                    .as_ref()
                    .expect("inner clauses have iterables");
                let v = self.eval(next, frame)?;
                let it = self.iter(&v, def.span)?;
                iters.push(it);
                continue;
            }
            let v = self.eval(&def.elt, frame)?;
            let value = match &def.value {
                Some(e) => Some(self.eval(e, frame)?),
                None => None,
            };
            return Ok(Some((v, value)));
        }
    }

    /// The next item of `it` assigned to `target`; `false` when `it` is
    /// exhausted. `for a, b in zip(xs, ys)` assigns each side straight from
    /// its iterator, without the tuple in between.
    fn next_into(&mut self, it: &Obj, target: &Target, f: &mut Frame, span: Span) -> R<bool> {
        if let (Target::Unpack(targets, None, _), Obj::Iter(cell)) = (target, it) {
            let zipped = matches!(&*cell.borrow(), Iter::Zip(its) if its.len() == targets.len() && (1..=4).contains(&its.len()));
            if zipped {
                let state = std::mem::replace(&mut *cell.borrow_mut(), Iter::Done);
                let Iter::Zip(its) = &state else {
                    return Ok(false);
                };
                // All items first: when one side runs out, nothing is
                // assigned (the loop variables keep the last full item).
                let mut got: [Option<Obj>; 4] = Default::default();
                for (sub, slot) in its.iter().zip(got.iter_mut()) {
                    match self.next(sub, span)? {
                        Some(x) => *slot = Some(x),
                        None => return Ok(false),
                    }
                }
                *cell.borrow_mut() = state;
                for (t, x) in targets.iter().zip(got.iter_mut()) {
                    if let Some(x) = x.take() {
                        self.assign(t, x, f)?;
                    }
                }
                return Ok(true);
            }
        }
        match self.next(it, span)? {
            Some(x) => {
                self.assign(target, x, f)?;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// Python's truth value.
    pub fn truthy(&mut self, v: &Obj, span: Span) -> R<bool> {
        Ok(match v {
            Obj::None => false,
            Obj::Bool(b) => *b,
            Obj::Int(i) => *i != 0,
            Obj::Float(x) => *x != 0.0,
            Obj::Str(s) => !s.is_empty(),
            Obj::List(l) => !l.0.borrow().is_empty(),
            Obj::Tuple(t) => !t.0.is_empty(),
            Obj::Dict(d) => !d.0.borrow().is_empty(),
            Obj::Set(s) => !s.0.borrow().is_empty(),
            Obj::View(v) => !v.0.0.borrow().is_empty(),
            Obj::Range(r) => super::builtins::range_len(r.0, r.1, r.2) > 0,
            Obj::Instance(inst) => {
                if let Some(m) = inst.class.lookup("__bool__") {
                    let r = self.call(&m, vec![v.clone()], vec![], span)?;
                    return self.truthy(&r, span);
                }
                if let Some(m) = inst.class.lookup("__len__") {
                    let r = self.call(&m, vec![v.clone()], vec![], span)?;
                    return Ok(r.as_int().unwrap_or(0) != 0);
                }
                true
            }
            _ => true,
        })
    }

    /// Enters a call: the recursion limit.
    pub fn enter_call(&mut self, name: &Rc<str>, span: Span, file: Option<&'static str>) -> R<()> {
        if self.calls.len() >= MAX_DEPTH {
            return Err(Box::new(
                ScriptError::new(ErrorKind::Limit, span, "maximum recursion depth exceeded")
                    .exception("RecursionError")
                    .label("one call too many")
                    .help(format!(
                        "scripts, like Python, stop at {MAX_DEPTH} nested calls: look for a recursion without a base case"
                    )),
            ));
        }
        self.tick(span)?;
        self.calls.push((name.clone(), span, file));
        Ok(())
    }

    /// Leaves a call.
    pub fn leave_call(&mut self) {
        self.calls.pop();
    }
}

fn var_index(v: &Var) -> &u32 {
    match v {
        Var::Local(i) | Var::Cell(i) | Var::Global(i) | Var::Class(_, i) => i,
    }
}

/// Label and help on a boxed error.
pub trait BoxedExt {
    /// Sets the text under the caret.
    fn map_label(self, label: &str) -> Self;
    /// Adds a hint.
    fn map_help(self, help: &str) -> Self;
}

impl BoxedExt for Box<ScriptError> {
    fn map_label(mut self, label: &str) -> Self {
        self.label = label.into();
        self
    }
    fn map_help(mut self, help: &str) -> Self {
        self.help = Some(help.into());
        self
    }
}
