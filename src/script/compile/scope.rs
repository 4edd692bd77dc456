//! Which names a scope binds, and which it takes from enclosing functions:
//! Python's scoping rules, worked out before a function is compiled so that
//! every name can be given its place (local slot, cell, global) at once.

use indexmap::IndexSet;
use ruff_python_ast::{self as ast, Expr, Stmt};

/// The names of one scope.
#[derive(Debug, Default)]
pub struct Names {
    /// Names bound here (assigned, defined, imported, loop variables).
    pub bound: IndexSet<String>,
    /// Names read here.
    pub uses: IndexSet<String>,
    /// `global` declarations.
    pub globals: IndexSet<String>,
    /// `nonlocal` declarations.
    pub nonlocals: IndexSet<String>,
    /// Names the inner scopes take from outside themselves.
    pub child_free: IndexSet<String>,
}

impl Names {
    /// The names this scope takes from outside itself (free variables and
    /// globals alike; the compiler tells them apart).
    pub fn free(&self, class_scope: bool) -> IndexSet<String> {
        let mut out = IndexSet::new();
        for n in self.uses.iter().chain(&self.nonlocals) {
            if !self.bound.contains(n) || self.nonlocals.contains(n) {
                out.insert(n.clone());
            }
        }
        for n in &self.child_free {
            // A class body's names are invisible to its methods.
            if class_scope || !self.bound.contains(n) {
                out.insert(n.clone());
            }
        }
        out.retain(|n| !self.globals.contains(n));
        out
    }

    /// Locals captured by inner scopes: they live in cells.
    pub fn cells(&self) -> IndexSet<String> {
        self.bound
            .iter()
            .filter(|n| self.child_free.contains(*n))
            .cloned()
            .collect()
    }

    fn finish(mut self) -> Self {
        let (g, nl) = (self.globals.clone(), self.nonlocals.clone());
        self.bound.retain(|n| !g.contains(n) && !nl.contains(n));
        self
    }
}

/// The names of a function with these parameters and body.
pub fn function(params: Option<&ast::Parameters>, body: &[Stmt]) -> Names {
    let mut n = Names::default();
    if let Some(p) = params {
        for name in param_names(p) {
            n.bound.insert(name);
        }
    }
    for s in body {
        stmt(s, &mut n);
    }
    n.finish()
}

/// The names of a lambda.
pub fn lambda(params: Option<&ast::Parameters>, body: &Expr) -> Names {
    let mut n = Names::default();
    if let Some(p) = params {
        for name in param_names(p) {
            n.bound.insert(name);
        }
    }
    expr(body, &mut n);
    n.finish()
}

/// The names of a class body.
pub fn class(body: &[Stmt]) -> Names {
    let mut n = Names::default();
    for s in body {
        stmt(s, &mut n);
    }
    n.finish()
}

/// The names of a comprehension's own scope: its targets, its element and
/// everything but the first iterable.
pub fn comprehension(generators: &[ast::Comprehension], elts: &[&Expr]) -> Names {
    let mut n = Names::default();
    for (i, g) in generators.iter().enumerate() {
        if i > 0 {
            expr(&g.iter, &mut n);
        }
        target(&g.target, &mut n);
        for c in &g.ifs {
            expr(c, &mut n);
        }
    }
    for e in elts {
        expr(e, &mut n);
    }
    n.finish()
}

/// The parameter names in slot order: positional, `*args`, keyword-only,
/// `**kwargs`.
pub fn param_names(p: &ast::Parameters) -> Vec<String> {
    let mut v: Vec<String> = p
        .posonlyargs
        .iter()
        .chain(&p.args)
        .map(|a| a.parameter.name.id.to_string())
        .collect();
    v.extend(p.kwonlyargs.iter().map(|a| a.parameter.name.id.to_string()));
    if let Some(a) = &p.vararg {
        v.push(a.name.id.to_string());
    }
    if let Some(a) = &p.kwarg {
        v.push(a.name.id.to_string());
    }
    v
}

fn body(stmts: &[Stmt], n: &mut Names) {
    for s in stmts {
        stmt(s, n);
    }
}

fn stmt(s: &Stmt, n: &mut Names) {
    match s {
        Stmt::FunctionDef(f) => {
            n.bound.insert(f.name.id.to_string());
            for d in &f.decorator_list {
                expr(&d.expression, n);
            }
            for p in f.parameters.iter_non_variadic_params() {
                if let Some(d) = &p.default {
                    expr(d, n);
                }
            }
            let inner = function(Some(&f.parameters), &f.body);
            n.child_free.extend(inner.free(false));
        }
        Stmt::ClassDef(c) => {
            n.bound.insert(c.name.id.to_string());
            for d in &c.decorator_list {
                expr(&d.expression, n);
            }
            if let Some(a) = &c.arguments {
                for b in a.args.iter() {
                    expr(b, n);
                }
            }
            let inner = class(&c.body);
            n.child_free.extend(inner.free(true));
        }
        Stmt::Return(r) => {
            if let Some(v) = &r.value {
                expr(v, n);
            }
        }
        Stmt::Delete(d) => {
            for t in &d.targets {
                target(t, n);
            }
        }
        Stmt::Assign(a) => {
            for t in &a.targets {
                target(t, n);
            }
            expr(&a.value, n);
        }
        Stmt::AugAssign(a) => {
            target(&a.target, n);
            // `x += 1` reads x too.
            if let Expr::Name(name) = &*a.target {
                n.uses.insert(name.id.to_string());
            }
            expr(&a.value, n);
        }
        Stmt::AnnAssign(a) => {
            target(&a.target, n);
            if let Some(v) = &a.value {
                expr(v, n);
            }
        }
        Stmt::For(f) => {
            target(&f.target, n);
            expr(&f.iter, n);
            body(&f.body, n);
            body(&f.orelse, n);
        }
        Stmt::While(w) => {
            expr(&w.test, n);
            body(&w.body, n);
            body(&w.orelse, n);
        }
        Stmt::If(i) => {
            expr(&i.test, n);
            body(&i.body, n);
            for c in &i.elif_else_clauses {
                if let Some(t) = &c.test {
                    expr(t, n);
                }
                body(&c.body, n);
            }
        }
        Stmt::With(w) => {
            for item in &w.items {
                expr(&item.context_expr, n);
                if let Some(v) = &item.optional_vars {
                    target(v, n);
                }
            }
            body(&w.body, n);
        }
        Stmt::Try(t) => {
            body(&t.body, n);
            for h in &t.handlers {
                let ast::ExceptHandler::ExceptHandler(h) = h;
                if let Some(ty) = &h.type_ {
                    expr(ty, n);
                }
                if let Some(name) = &h.name {
                    n.bound.insert(name.id.to_string());
                }
                body(&h.body, n);
            }
            body(&t.orelse, n);
            body(&t.finalbody, n);
        }
        Stmt::Raise(r) => {
            if let Some(e) = &r.exc {
                expr(e, n);
            }
        }
        Stmt::Assert(a) => {
            expr(&a.test, n);
            if let Some(m) = &a.msg {
                expr(m, n);
            }
        }
        Stmt::Import(i) => {
            for a in &i.names {
                let bound = match &a.asname {
                    Some(asname) => asname.id.to_string(),
                    None => a.name.id.split('.').next().unwrap_or("").to_string(),
                };
                n.bound.insert(bound);
            }
        }
        Stmt::ImportFrom(i) => {
            for a in &i.names {
                let bound = a.asname.as_ref().unwrap_or(&a.name);
                n.bound.insert(bound.id.to_string());
            }
        }
        Stmt::Global(g) => {
            for name in &g.names {
                n.globals.insert(name.id.to_string());
            }
        }
        Stmt::Nonlocal(g) => {
            for name in &g.names {
                n.nonlocals.insert(name.id.to_string());
            }
        }
        Stmt::Expr(e) => expr(&e.value, n),
        Stmt::Match(_)
        | Stmt::TypeAlias(_)
        | Stmt::Pass(_)
        | Stmt::Break(_)
        | Stmt::Continue(_)
        | Stmt::IpyEscapeCommand(_) => {}
    }
}

fn target(t: &Expr, n: &mut Names) {
    match t {
        Expr::Name(name) => {
            n.bound.insert(name.id.to_string());
        }
        Expr::Tuple(t) => t.elts.iter().for_each(|e| target(e, n)),
        Expr::List(t) => t.elts.iter().for_each(|e| target(e, n)),
        Expr::Starred(s) => target(&s.value, n),
        other => expr(other, n),
    }
}

fn expr(e: &Expr, n: &mut Names) {
    match e {
        Expr::Name(name) => {
            n.uses.insert(name.id.to_string());
        }
        Expr::Lambda(l) => {
            if let Some(p) = &l.parameters {
                for p in p.iter_non_variadic_params() {
                    if let Some(d) = &p.default {
                        expr(d, n);
                    }
                }
            }
            let inner = lambda(l.parameters.as_deref(), &l.body);
            n.child_free.extend(inner.free(false));
        }
        Expr::ListComp(c) => comp(&c.generators, &[&c.elt], n),
        Expr::SetComp(c) => comp(&c.generators, &[&c.elt], n),
        Expr::Generator(c) => comp(&c.generators, &[&c.elt], n),
        Expr::DictComp(c) => match &c.key {
            Some(k) => comp(&c.generators, &[k, &c.value], n),
            None => comp(&c.generators, &[&c.value], n),
        },
        Expr::Named(w) => {
            target(&w.target, n);
            expr(&w.value, n);
        }
        Expr::Call(c) => {
            // `super()` reads the method's class and first argument.
            if let Expr::Name(f) = &*c.func
                && f.id.as_str() == "super"
                && c.arguments.args.is_empty()
            {
                n.uses.insert("__class__".into());
            }
            expr(&c.func, n);
            for a in c.arguments.args.iter() {
                expr(a, n);
            }
            for k in c.arguments.keywords.iter() {
                expr(&k.value, n);
            }
        }
        Expr::BoolOp(b) => b.values.iter().for_each(|v| expr(v, n)),
        Expr::BinOp(b) => {
            expr(&b.left, n);
            expr(&b.right, n);
        }
        Expr::UnaryOp(u) => expr(&u.operand, n),
        Expr::If(i) => {
            expr(&i.test, n);
            expr(&i.body, n);
            expr(&i.orelse, n);
        }
        Expr::Dict(d) => {
            for item in &d.items {
                if let Some(k) = &item.key {
                    expr(k, n);
                }
                expr(&item.value, n);
            }
        }
        Expr::Set(s) => s.elts.iter().for_each(|v| expr(v, n)),
        Expr::List(s) => s.elts.iter().for_each(|v| expr(v, n)),
        Expr::Tuple(s) => s.elts.iter().for_each(|v| expr(v, n)),
        Expr::Compare(c) => {
            expr(&c.left, n);
            c.comparators.iter().for_each(|v| expr(v, n));
        }
        Expr::FString(f) => {
            for part in f.value.iter() {
                if let ast::FStringPart::FString(fs) = part {
                    fstring_elements(&fs.elements, n);
                }
            }
        }
        Expr::Attribute(a) => expr(&a.value, n),
        Expr::Subscript(s) => {
            expr(&s.value, n);
            expr(&s.slice, n);
        }
        Expr::Starred(s) => expr(&s.value, n),
        Expr::Slice(s) => {
            for part in [&s.lower, &s.upper, &s.step].into_iter().flatten() {
                expr(part, n);
            }
        }
        Expr::Await(a) => expr(&a.value, n),
        Expr::Yield(y) => {
            if let Some(v) = &y.value {
                expr(v, n);
            }
        }
        Expr::YieldFrom(y) => expr(&y.value, n),
        Expr::TString(_)
        | Expr::StringLiteral(_)
        | Expr::BytesLiteral(_)
        | Expr::NumberLiteral(_)
        | Expr::BooleanLiteral(_)
        | Expr::NoneLiteral(_)
        | Expr::EllipsisLiteral(_)
        | Expr::IpyEscapeCommand(_) => {}
    }
}

fn fstring_elements(elements: &ast::InterpolatedStringElements, n: &mut Names) {
    for el in elements.iter() {
        if let ast::InterpolatedStringElement::Interpolation(i) = el {
            expr(&i.expression, n);
            if let Some(spec) = &i.format_spec {
                fstring_elements(&spec.elements, n);
            }
        }
    }
}

fn comp(generators: &[ast::Comprehension], elts: &[&Expr], n: &mut Names) {
    if let Some(first) = generators.first() {
        expr(&first.iter, n);
    }
    let inner = comprehension(generators, elts);
    n.child_free.extend(inner.free(false));
}
