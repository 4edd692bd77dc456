//! Calls: functions and their arguments, classes and instances, methods
//! and attributes, modules.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use indexmap::IndexMap;

use super::exec::Flow;
use super::object::{Class, Frame, Function, Instance, Module, Namespace, Obj, WrapKind};
use super::{Interp, R, py_err, type_err};
use crate::script::error::Span;
use crate::script::ir::{ClassDef, FuncDef};

use crate::script::modules::{MICROGRAD_NN, file_of};

impl Interp<'_> {
    /// A function object for `def` or `lambda`, capturing its free variables.
    pub fn make_function(&mut self, def: &Rc<FuncDef>, defaults: Vec<Obj>, f: &Frame) -> Obj {
        let closure = def
            .free
            .iter()
            .map(|i| f.cells[*i as usize].clone())
            .collect();
        Obj::Func(Rc::new(Function {
            def: def.clone(),
            defaults,
            closure,
            ns: f.ns.clone(),
        }))
    }

    /// Runs a class statement's body and makes the class.
    pub fn make_class(&mut self, def: &Rc<ClassDef>, f: &mut Frame) -> R<Obj> {
        let mut base = None;
        for b in &def.bases {
            let v = self.eval(b, f)?;
            match v {
                Obj::Class(c) => base = Some(c),
                Obj::Builtin(super::builtins::Builtin::Object) => {}
                other => {
                    return Err(py_err(
                        "TypeError",
                        def.span,
                        format!(
                            "a script class can derive from another script class, not from {}",
                            self.repr(&other, def.span)?
                        ),
                    ));
                }
            }
        }
        let body = &def.body;
        let ns = Rc::new(RefCell::new(IndexMap::default()));
        let mut cells: Vec<_> = body
            .cells
            .iter()
            .map(|_| Rc::new(RefCell::new(None)))
            .collect();
        cells.extend(body.free.iter().map(|i| f.cells[*i as usize].clone()));
        let mut frame = Frame {
            locals: vec![None; body.locals as usize],
            cells,
            ns: f.ns.clone(),
            class_ns: Some(ns.clone()),
            def: body.clone(),
        };
        let file = file_of(&f.ns.name);
        self.enter_call(&def.name, def.span, file)?;
        let r = self.block(&body.body, &mut frame);
        self.leave_call();
        r.map_err(|e| self.unwind(e, &def.name, def.span, file))?;
        let dict = std::mem::take(&mut *ns.borrow_mut());
        let class = Rc::new(Class {
            name: def.name.clone(),
            module: f.ns.name.clone(),
            base,
            dict: RefCell::new(dict),
            count: Cell::new(0),
        });
        if let Some(i) = body.cells.iter().position(|c| &*c.name == "__class__") {
            *frame.cells[i].borrow_mut() = Some(Obj::Class(class.clone()));
        }
        Ok(Obj::Class(class))
    }

    /// Calls any callable.
    pub fn call(
        &mut self,
        callee: &Obj,
        mut pos: Vec<Obj>,
        kw: Vec<(Rc<str>, Obj)>,
        span: Span,
    ) -> R<Obj> {
        match callee {
            Obj::Func(func) => self.call_function(func, pos, kw, span),
            Obj::Method(m) => {
                pos.insert(0, m.0.clone());
                self.call_bound(&m.0, &m.1, pos, kw, span)
            }
            Obj::Builtin(b) => self.call_builtin(*b, pos, kw, span),
            Obj::BoundBuiltin(bb) => {
                let (obj, name) = (bb.0.clone(), bb.1.clone());
                self.call_method(obj, &name, pos, kw, span)
            }
            Obj::Class(c) => self.instantiate(c, pos, kw, span),
            Obj::Instance(inst) => match inst.class.lookup("__call__") {
                Some(m) => {
                    pos.insert(0, callee.clone());
                    self.call_bound(callee, &m, pos, kw, span)
                }
                None => Err(type_err(
                    span,
                    format!("'{}' object is not callable", inst.class.name),
                )),
            },
            Obj::Wrapper(w) if w.0 == WrapKind::Static => {
                let inner = w.1.clone();
                self.call(&inner, pos, kw, span)
            }
            other => Err(type_err(
                span,
                format!("'{}' object is not callable", other.type_name()),
            )),
        }
    }

    /// Calls a method found on `this`'s class with `this` first in `pos`:
    /// the values it makes join `this`'s cluster.
    fn call_bound(
        &mut self,
        this: &Obj,
        method: &Obj,
        pos: Vec<Obj>,
        kw: Vec<(Rc<str>, Obj)>,
        span: Span,
    ) -> R<Obj> {
        let group = match this {
            Obj::Instance(inst) if self.options.object_groups => Some(self.group_of(inst)),
            _ => None,
        };
        let Some(group) = group else {
            return self.call(method, pos, kw, span);
        };
        let before = self.graph.active_group.replace(Some(group));
        let r = self.call(method, pos, kw, span);
        self.graph.active_group.set(before);
        r
    }

    /// The graph group of an instance's values, nested in the group active
    /// when it is first needed (a neuron's in its layer's).
    fn group_of(&mut self, inst: &Rc<Instance>) -> crate::engine::GroupId {
        if let Some(g) = inst.group.get() {
            return g;
        }
        let parent = self.graph.active_group.get();
        let name = format!("{} {}", inst.class.name, inst.serial + 1);
        let g = self.graph.add_group(&name, parent);

        inst.group.set(Some(g));
        g
    }

    /// Calls a script function.
    pub fn call_function(
        &mut self,
        func: &Rc<Function>,
        pos: Vec<Obj>,
        kw: Vec<(Rc<str>, Obj)>,
        span: Span,
    ) -> R<Obj> {
        let def = &func.def;
        let locals = self.bind(func, pos, kw, span)?;
        let mut frame = Frame {
            locals,
            cells: Vec::with_capacity(def.cells.len() + func.closure.len()),
            ns: func.ns.clone(),
            class_ns: None,
            def: def.clone(),
        };
        for c in &def.cells {
            let v = c.param.and_then(|p| frame.locals[p as usize].take());
            frame.cells.push(Rc::new(RefCell::new(v)));
        }
        frame.cells.extend(func.closure.iter().cloned());
        let file = file_of(&func.ns.name);
        self.enter_call(&def.name, span, file)?;
        let r = self.block(&def.body, &mut frame);
        self.leave_call();
        match r {
            Ok(Flow::Return(v)) => Ok(v),
            Ok(_) => Ok(Obj::None),
            Err(e) => Err(self.unwind(e, &def.name, span, file)),
        }
    }

    /// Binds arguments to a function's parameters, as CPython does, with its
    /// messages.
    fn bind(
        &mut self,
        func: &Function,
        pos: Vec<Obj>,
        kw: Vec<(Rc<str>, Obj)>,
        span: Span,
    ) -> R<Vec<Option<Obj>>> {
        let def = &func.def;
        let name = &def.name;
        let mut locals: Vec<Option<Obj>> = vec![None; def.locals as usize];
        let npos = def.params.iter().filter(|p| !p.kw_only).count();
        let given = pos.len();
        let mut extra = Vec::new();
        for (i, v) in pos.into_iter().enumerate() {
            if i < npos {
                locals[i] = Some(v);
            } else if def.varargs.is_some() {
                extra.push(v);
            } else {
                let with_defaults = def.params[..npos].iter().filter(|p| p.has_default).count();
                let takes = if with_defaults > 0 {
                    format!(
                        "from {} to {npos} positional arguments",
                        npos - with_defaults
                    )
                } else {
                    format!(
                        "{npos} positional argument{}",
                        if npos == 1 { "" } else { "s" }
                    )
                };
                return Err(type_err(
                    span,
                    format!(
                        "{name}() takes {takes} but {given} {} given",
                        if given == 1 { "was" } else { "were" }
                    ),
                ));
            }
        }
        if let Some(slot) = def.varargs {
            locals[slot as usize] = Some(Obj::tuple(extra));
        }
        let mut varkw = super::object::KeyMap::default();
        for (k, v) in kw {
            match def.params.iter().position(|p| p.name == k) {
                Some(i) => {
                    if locals[i].is_some() {
                        return Err(type_err(
                            span,
                            format!("{name}() got multiple values for argument '{k}'"),
                        ));
                    }
                    locals[i] = Some(v);
                }
                None if def.varkw.is_some() => {
                    varkw.insert(super::object::Key::Str(k.clone()), (Obj::Str(k), v));
                }
                None => {
                    return Err(type_err(
                        span,
                        format!("{name}() got an unexpected keyword argument '{k}'"),
                    ));
                }
            }
        }
        if let Some(slot) = def.varkw {
            locals[slot as usize] =
                Some(Obj::Dict(Rc::new(super::object::Dict(RefCell::new(varkw)))));
        }
        let mut defaults = func.defaults.iter();
        let mut missing = Vec::new();
        let mut missing_kw = Vec::new();
        for (i, p) in def.params.iter().enumerate() {
            let d = if p.has_default { defaults.next() } else { None };
            if locals[i].is_none() {
                match d {
                    Some(d) => locals[i] = Some(d.clone()),
                    None if p.kw_only => missing_kw.push(format!("'{}'", p.name)),
                    None => missing.push(format!("'{}'", p.name)),
                }
            }
        }
        for (list, what) in [(missing, "positional"), (missing_kw, "keyword-only")] {
            if !list.is_empty() {
                let n = list.len();
                let names = match list.as_slice() {
                    [one] => one.clone(),
                    [init @ .., last] => format!("{} and {last}", init.join(", ")),
                    [] => String::new(),
                };
                return Err(type_err(
                    span,
                    format!(
                        "{name}() missing {n} required {what} argument{}: {names}",
                        if n == 1 { "" } else { "s" }
                    ),
                ));
            }
        }
        Ok(locals)
    }

    /// `Class(args)`: a new instance, initialised by `__init__`.
    fn instantiate(
        &mut self,
        class: &Rc<Class>,
        mut pos: Vec<Obj>,
        kw: Vec<(Rc<str>, Obj)>,
        span: Span,
    ) -> R<Obj> {
        let serial = class.count.get();
        class.count.set(serial + 1);
        let inst = Obj::Instance(Rc::new(Instance {
            class: class.clone(),
            dict: RefCell::new(IndexMap::default()),
            serial,
            group: Cell::new(None),
        }));
        match class.lookup("__init__") {
            Some(init) => {
                pos.insert(0, inst.clone());
                // In the object's cluster: the parameters `__init__` makes
                // belong to it, and objects it makes nest in it.
                let r = self.call_bound(&inst, &init, pos, kw, span)?;
                if !matches!(r, Obj::None) {
                    return Err(type_err(
                        span,
                        format!("__init__() should return None, not '{}'", r.type_name()),
                    ));
                }
            }
            None if !pos.is_empty() || !kw.is_empty() => {
                return Err(type_err(
                    span,
                    format!("{}() takes no arguments", class.name),
                ));
            }
            None => {}
        }
        Ok(inst)
    }

    /// `obj.name(args)` without making a bound method first.
    pub fn call_method(
        &mut self,
        obj: Obj,
        name: &str,
        mut pos: Vec<Obj>,
        kw: Vec<(Rc<str>, Obj)>,
        span: Span,
    ) -> R<Obj> {
        match &obj {
            Obj::Instance(inst) => {
                if let Some(v) = inst.dict.borrow().get(name).cloned() {
                    return self.call(&v, pos, kw, span);
                }
                match inst.class.lookup(name) {
                    Some(m @ Obj::Func(_)) => {
                        pos.insert(0, obj.clone());
                        self.call_bound(&obj, &m, pos, kw, span)
                    }
                    Some(_) | None => {
                        let m = self.get_attr(&obj, name, span)?;
                        self.call(&m, pos, kw, span)
                    }
                }
            }
            Obj::Value(v) => self.value_method(v.id(), name, pos, kw, span),
            Obj::Super(s) => {
                let m = self.super_attr(&s.0, &s.1, name, span)?;
                self.call(&m, pos, kw, span)
            }
            Obj::Module(_) | Obj::Class(_) | Obj::Func(_) => {
                let m = self.get_attr(&obj, name, span)?;
                self.call(&m, pos, kw, span)
            }
            _ => self.builtin_method(obj, name, pos, kw, span),
        }
    }

    /// `obj.name`.
    pub fn get_attr(&mut self, obj: &Obj, name: &str, span: Span) -> R<Obj> {
        match obj {
            Obj::Instance(inst) => {
                if let Some(v) = inst.dict.borrow().get(name) {
                    return Ok(v.clone());
                }
                match inst.class.lookup(name) {
                    Some(v) => self.bind_attr(obj, v, span),
                    None if name == "__class__" => Ok(Obj::Class(inst.class.clone())),
                    None if name == "__dict__" => {
                        let items = inst
                            .dict
                            .borrow()
                            .iter()
                            .map(|(k, v)| (Obj::Str(k.clone()), v.clone()))
                            .collect();
                        self.make_dict(items, span)
                    }
                    None => Err(py_err(
                        "AttributeError",
                        span,
                        format!("'{}' object has no attribute '{name}'", inst.class.name),
                    )),
                }
            }
            Obj::Class(c) => match c.lookup(name) {
                Some(Obj::Wrapper(w)) if w.0 == WrapKind::ClassMethod => {
                    Ok(Obj::Method(Rc::new((obj.clone(), w.1.clone()))))
                }
                Some(Obj::Wrapper(w)) if w.0 == WrapKind::Static => Ok(w.1.clone()),
                Some(v) => Ok(v),
                None if name == "__name__" || name == "__qualname__" => {
                    Ok(Obj::Str(c.name.clone()))
                }
                None if name == "__module__" => Ok(Obj::Str(c.module.clone())),
                None => Err(py_err(
                    "AttributeError",
                    span,
                    format!("type object '{}' has no attribute '{name}'", c.name),
                )),
            },
            Obj::Super(s) => self.super_attr(&s.0, &s.1, name, span),
            Obj::Module(m) => self.module_attr(m, name, span),
            Obj::Value(v) => self.value_attr(v.id(), name, span),
            Obj::Func(func) => match name {
                "__name__" => Ok(Obj::Str(func.def.name.clone())),
                "__qualname__" => Ok(Obj::Str(func.def.qualname.clone())),
                _ => Err(py_err(
                    "AttributeError",
                    span,
                    format!("'function' object has no attribute '{name}'"),
                )),
            },
            Obj::Builtin(b) if name == "__name__" => Ok(Obj::str(b.name())),
            Obj::Exception(e) if name == "args" => Ok(Obj::tuple(vec![Obj::Str(e.1.clone())])),
            _ => {
                if super::methods::has_method(obj, name) {
                    return Ok(Obj::BoundBuiltin(Rc::new((obj.clone(), name.into()))));
                }
                match (obj, name) {
                    (Obj::Float(x), "real") => Ok(Obj::Float(*x)),
                    (Obj::Float(_), "imag") => Ok(Obj::Float(0.0)),
                    (Obj::Int(i), "real" | "numerator") => Ok(Obj::Int(*i)),
                    (Obj::Int(_), "imag") => Ok(Obj::Int(0)),
                    (Obj::Int(_), "denominator") => Ok(Obj::Int(1)),
                    (Obj::Range(r), "start") => Ok(Obj::Int(r.0)),
                    (Obj::Range(r), "stop") => Ok(Obj::Int(r.1)),
                    (Obj::Range(r), "step") => Ok(Obj::Int(r.2)),
                    _ => Err(py_err(
                        "AttributeError",
                        span,
                        format!("'{}' object has no attribute '{name}'", obj.type_name()),
                    )),
                }
            }
        }
    }

    /// A class attribute read through an instance: functions bind to it.
    fn bind_attr(&mut self, obj: &Obj, v: Obj, span: Span) -> R<Obj> {
        Ok(match v {
            Obj::Func(_) => Obj::Method(Rc::new((obj.clone(), v))),
            Obj::Wrapper(w) => match w.0 {
                WrapKind::Static => w.1.clone(),
                WrapKind::ClassMethod => {
                    let class = match obj {
                        Obj::Instance(i) => Obj::Class(i.class.clone()),
                        other => other.clone(),
                    };
                    Obj::Method(Rc::new((class, w.1.clone())))
                }
                WrapKind::Property => return self.call(&w.1, vec![obj.clone()], vec![], span),
            },
            other => other,
        })
    }

    fn super_attr(&mut self, class: &Rc<Class>, obj: &Obj, name: &str, span: Span) -> R<Obj> {
        let found = class.base.as_ref().and_then(|b| b.lookup(name));
        match found {
            Some(v) => self.bind_attr(obj, v, span),
            None if name == "__init__" => Ok(Obj::Builtin(super::builtins::Builtin::ObjectInit)),
            None => Err(py_err(
                "AttributeError",
                span,
                format!("'super' object has no attribute '{name}'"),
            )),
        }
    }

    /// `obj.name = v`.
    pub fn set_attr(&mut self, obj: &Obj, name: &str, v: Obj, span: Span) -> R<()> {
        match obj {
            Obj::Instance(inst) => {
                if let Some(Obj::Wrapper(w)) = inst.class.lookup(name)
                    && w.0 == WrapKind::Property
                {
                    return Err(py_err(
                        "AttributeError",
                        span,
                        format!(
                            "property '{name}' of '{}' object has no setter",
                            inst.class.name
                        ),
                    ));
                }
                inst.dict.borrow_mut().insert(name.into(), v);
                Ok(())
            }
            Obj::Class(c) => {
                c.dict.borrow_mut().insert(name.into(), v);
                Ok(())
            }
            Obj::Value(r) => self.set_value_attr(r.id(), name, v, span),
            _ => Err(py_err(
                "AttributeError",
                span,
                format!("'{}' object has no attribute '{name}'", obj.type_name()),
            )),
        }
    }

    /// The module `name`, imported on first use.
    pub fn import(&mut self, name: &'static str, span: Span) -> R<Obj> {
        if let Some((_, m)) = self.modules.iter().find(|(n, _)| *n == name) {
            return Ok(m.clone());
        }
        let ns = if name == "micrograd.nn" {
            let ns = Rc::new(Namespace {
                name: "micrograd.nn".into(),
                ..Namespace::default()
            });
            let module = crate::script::front::parse(MICROGRAD_NN).map_err(Box::new)?;
            let code = crate::script::compile::module(
                &module,
                MICROGRAD_NN,
                &mut ns.names.borrow_mut(),
                false,
            )
            .map_err(Box::new)?;
            // Placed before it runs: its own imports find it.
            let m = Obj::Module(Rc::new(Module {
                name,
                ns: Some(ns.clone()),
            }));
            self.modules.push((name, m));
            self.run_module(&code, &ns).map_err(|mut e| {
                e.function = Some("micrograd.nn".into());
                e.span = span;
                e
            })?;
            return Ok(self
                .modules
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, m)| m.clone())
                .unwrap_or(Obj::None));
        } else {
            None
        };
        let m = Obj::Module(Rc::new(Module { name, ns }));
        self.modules.push((name, m.clone()));
        Ok(m)
    }

    fn module_attr(&mut self, m: &Rc<Module>, name: &str, span: Span) -> R<Obj> {
        if let Some(ns) = &m.ns {
            return ns.get(name).ok_or_else(|| {
                py_err(
                    "AttributeError",
                    span,
                    format!("module '{}' has no attribute '{name}'", m.name),
                )
            });
        }
        match (m.name, name) {
            ("micrograd", "engine") => return self.import("micrograd.engine", span),
            ("micrograd", "nn") => return self.import("micrograd.nn", span),
            ("micrograd.engine", "Value") => {
                return Ok(Obj::Builtin(super::builtins::Builtin::Value));
            }
            _ => {}
        }
        if let Some(v) = super::builtins::module_attr(m.name, name) {
            return Ok(v);
        }
        Err(py_err(
            "AttributeError",
            span,
            format!(
                "module '{}' has no attribute '{name}' in gradviz scripts",
                m.name
            ),
        )
        .map_help_module(m.name))
    }
}

trait ModuleHelp {
    fn map_help_module(self, module: &str) -> Self;
}

impl ModuleHelp for Box<crate::script::error::ScriptError> {
    fn map_help_module(mut self, module: &str) -> Self {
        self.help = Some(format!(
            "available in `{module}`: {}",
            super::builtins::module_names(module).join(", ")
        ));
        self
    }
}
