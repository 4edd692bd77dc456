//! The compiler: Ruff's syntax tree to the [`ir`](super::ir), with every
//! name resolved (local slot, closure cell, global slot) and everything
//! gradviz does not run refused here, before the script starts, with the
//! line and column.

// Errors are cold here and leave at the first one: boxing them buys nothing.
#![allow(clippy::result_large_err)]

mod scope;

use std::rc::Rc;

use indexmap::{IndexMap, IndexSet};
use ruff_python_ast::{self as ast, Expr as PyExpr, Stmt as PyStmt};

use super::error::{ErrorKind, ScriptError, Span};
use super::front::{MAX_NESTING, span};
use super::ir::*;
use super::runtime::object::Obj;
use scope::Names;

/// What the script language covers, for "not supported" hints.
pub const SUPPORTED: &str = "scripts run the Python of micrograd code: def, class, if/for/while, lists, dicts, sets, comprehensions, f-strings, the common built-ins and the modules math, random and micrograd";

/// The modules a script can import.
pub const MODULES: [&str; 5] = [
    "math",
    "random",
    "micrograd",
    "micrograd.engine",
    "micrograd.nn",
];

/// Modules that reach outside the sandbox, named as such in the error.
const FORBIDDEN_MODULES: [&str; 14] = [
    "os",
    "sys",
    "subprocess",
    "socket",
    "shutil",
    "pathlib",
    "io",
    "builtins",
    "importlib",
    "ctypes",
    "urllib",
    "http",
    "pickle",
    "threading",
];

/// The global variables of a session: a slot per name, shared by every
/// piece of code compiled for it (module, library, notebook cells).
#[derive(Debug, Default)]
pub struct Globals {
    slots: IndexMap<Rc<str>, u32>,
}

impl Globals {
    /// The slot of `name`, made on first use.
    pub fn slot(&mut self, name: &str) -> u32 {
        if let Some(s) = self.slots.get(name) {
            return *s;
        }
        let s = self.slots.len() as u32;
        self.slots.insert(name.into(), s);
        s
    }

    /// The name of a slot.
    pub fn name(&self, slot: u32) -> &str {
        self.slots
            .get_index(slot as usize)
            .map_or("?", |(k, _)| k.as_ref())
    }

    /// The number of slots.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The names, in slot order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.slots.keys().map(|k| k.as_ref())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Module,
    Function,
    Class,
    Comp,
}

struct Scope {
    kind: Kind,
    names: Names,
    locals: IndexMap<String, u32>,
    /// Own cells first, then free variables.
    cells: IndexMap<String, u32>,
    /// For each free variable, the enclosing scope's cell it captures.
    free: Vec<u32>,
    qualname: String,
}

/// Compiles a module (a script, a notebook cell or library code) against
/// the session's globals. `auto_labels` turns on labels from assignments.
pub fn module(
    m: &ast::ModModule,
    src: &str,
    globals: &mut Globals,
    auto_labels: bool,
) -> Result<Rc<FuncDef>, ScriptError> {
    let mut c = Compiler {
        src,
        globals,
        scopes: vec![Scope {
            kind: Kind::Module,
            names: Names::default(),
            locals: IndexMap::new(),
            cells: IndexMap::new(),
            free: Vec::new(),
            qualname: String::new(),
        }],
        auto_labels,
        depth: 0,
        loops: 0,
    };
    let body = c.block(&m.body)?;
    let top = c.scopes.pop().expect("module scope");
    Ok(Rc::new(FuncDef {
        name: "<module>".into(),
        qualname: "<module>".into(),
        params: Vec::new(),
        varargs: None,
        varkw: None,
        locals: top.locals.len() as u32,
        local_names: top.locals.keys().map(|k| Rc::from(k.as_str())).collect(),
        cells: Vec::new(),
        free: Vec::new(),
        body,
        span: span(m),
        auto_labels,
    }))
}

struct Compiler<'g> {
    src: &'g str,
    globals: &'g mut Globals,
    scopes: Vec<Scope>,
    auto_labels: bool,
    depth: usize,
    /// Loops enclosing the statement being compiled, in this function.
    loops: usize,
}

fn unsupported(s: Span, what: impl Into<String>) -> ScriptError {
    ScriptError::new(
        ErrorKind::Unsupported,
        s,
        format!("{} is not supported in scripts", what.into()),
    )
    .label("not supported")
    .help(SUPPORTED)
}

fn syntax(s: Span, msg: impl Into<String>) -> ScriptError {
    ScriptError::new(ErrorKind::Syntax, s, msg).exception("SyntaxError")
}

impl Compiler<'_> {
    /// The source text of a span.
    fn raw(&self, s: Span) -> &str {
        self.src.get(s.start..s.end).unwrap_or("")
    }

    fn top(&mut self) -> &mut Scope {
        self.scopes.last_mut().expect("a scope")
    }

    fn enter(&mut self, s: Span) -> Result<(), ScriptError> {
        self.depth += 1;
        if self.depth > MAX_NESTING * 5 {
            return Err(ScriptError::new(
                ErrorKind::Limit,
                s,
                "the script nests too deeply to compile",
            )
            .exception("RecursionError")
            .label("nested too deeply")
            .help("split the expression or block with intermediate variables or functions"));
        }
        Ok(())
    }

    // ----- names -------------------------------------------------------------

    /// Where `name` lives, seen from the innermost scope.
    fn resolve(&mut self, name: &str) -> Var {
        let top = self.scopes.len() - 1;
        let s = &self.scopes[top];
        match s.kind {
            Kind::Module => Var::Global(self.globals.slot(name)),
            _ if s.names.globals.contains(name) => Var::Global(self.globals.slot(name)),
            Kind::Class => {
                if !s.names.bound.contains(name)
                    && !s.cells.contains_key(name)
                    && self.enclosing_binds(top, name)
                {
                    Var::Cell(self.free_cell(top, name))
                } else {
                    Var::Class(name.into(), self.globals.slot(name))
                }
            }
            Kind::Function | Kind::Comp => {
                if let Some(c) = s.cells.get(name) {
                    return Var::Cell(*c);
                }
                if let Some(l) = s.locals.get(name) {
                    return Var::Local(*l);
                }
                if self.enclosing_binds(top, name) {
                    Var::Cell(self.free_cell(top, name))
                } else {
                    Var::Global(self.globals.slot(name))
                }
            }
        }
    }

    /// Whether a function scope around scope `i` binds `name`.
    fn enclosing_binds(&self, i: usize, name: &str) -> bool {
        // Scope 0 is the module's: at module level (i = 0) nothing encloses.
        for s in self.scopes.get(1..i).unwrap_or_default().iter().rev() {
            if s.names.globals.contains(name) {
                return false;
            }
            if s.cells.contains_key(name) {
                return true;
            }
            if s.kind != Kind::Class && s.locals.contains_key(name) {
                return true;
            }
        }
        false
    }

    /// The cell of scope `i` for the free variable `name`, captured from
    /// the scope around it (which captures it in turn if it must).
    fn free_cell(&mut self, i: usize, name: &str) -> u32 {
        if let Some(c) = self.scopes[i].cells.get(name) {
            return *c;
        }
        let parent = i - 1;
        let from = self.free_cell(parent, name);
        let s = &mut self.scopes[i];
        let idx = s.cells.len() as u32;
        s.cells.insert(name.to_string(), idx);
        s.free.push(from);
        idx
    }

    /// A new scope for a function-like body; `params` take the first slots.
    fn push_scope(&mut self, kind: Kind, names: Names, params: &[String], name: &str) {
        let mut locals = IndexMap::new();
        if kind != Kind::Class {
            for p in params {
                let n = locals.len() as u32;
                locals.entry(p.clone()).or_insert(n);
            }
            for b in &names.bound {
                let n = locals.len() as u32;
                locals.entry(b.clone()).or_insert(n);
            }
        }
        let mut cells = IndexMap::new();
        for c in names.cells() {
            let n = cells.len() as u32;
            cells.insert(c, n);
        }
        if kind == Kind::Class && names.child_free.contains("__class__") {
            let n = cells.len() as u32;
            cells.insert("__class__".to_string(), n);
        }
        let parent = self.scopes.last().map_or("", |s| s.qualname.as_str());
        let qualname = match self.scopes.last().map(|s| s.kind) {
            Some(Kind::Function) => format!("{parent}.<locals>.{name}"),
            Some(Kind::Class) => format!("{parent}.{name}"),
            _ => name.to_string(),
        };
        self.scopes.push(Scope {
            kind,
            names,
            locals,
            cells,
            free: Vec::new(),
            qualname,
        });
    }

    /// Closes the innermost scope into a function with `body`.
    fn pop_scope(&mut self, name: &str, body: Vec<Stmt>, params: Params, s: Span) -> FuncDef {
        let scope = self.scopes.pop().expect("a scope");
        let cells = scope
            .cells
            .iter()
            .take(scope.cells.len() - scope.free.len())
            .map(|(n, _)| CellSlot {
                name: n.as_str().into(),
                param: params.all.iter().position(|p| p == n).map(|p| p as u32),
            })
            .collect();
        FuncDef {
            name: name.into(),
            qualname: scope.qualname.as_str().into(),
            params: params.params,
            varargs: params.varargs,
            varkw: params.varkw,
            locals: scope.locals.len() as u32,
            local_names: scope.locals.keys().map(|k| Rc::from(k.as_str())).collect(),
            cells,
            free: scope.free,
            body,
            span: s,
            auto_labels: self.auto_labels && scope.kind != Kind::Comp,
        }
    }

    fn label_for(&self, name: &str) -> Option<Rc<str>> {
        (self.auto_labels && self.scopes.last().is_some_and(|s| s.kind != Kind::Comp))
            .then(|| name.into())
    }

    // ----- statements --------------------------------------------------------

    fn block(&mut self, stmts: &[PyStmt]) -> Result<Vec<Stmt>, ScriptError> {
        let mut out = Vec::with_capacity(stmts.len());
        for s in stmts {
            self.enter(span(s))?;
            let r = self.stmt(s, &mut out);
            self.depth -= 1;
            r?;
        }
        Ok(out)
    }

    fn stmt(&mut self, s: &PyStmt, out: &mut Vec<Stmt>) -> Result<(), ScriptError> {
        let sp = span(s);
        let stmt = match s {
            PyStmt::Expr(e) => Stmt::Expr(self.expr(&e.value)?),
            PyStmt::Assign(a) => {
                let value = self.expr(&a.value)?;
                let targets = a
                    .targets
                    .iter()
                    .map(|t| self.target(t))
                    .collect::<Result<_, _>>()?;
                Stmt::Assign(targets, value)
            }
            PyStmt::AnnAssign(a) => match &a.value {
                Some(v) => {
                    let value = self.expr(v)?;
                    Stmt::Assign(vec![self.target(&a.target)?], value)
                }
                None => Stmt::Pass,
            },
            PyStmt::AugAssign(a) => {
                let target = self.target(&a.target)?;
                let value = self.expr(&a.value)?;
                Stmt::AugAssign(target, binop(a.op), value, sp)
            }
            PyStmt::If(i) => {
                let test = self.expr(&i.test)?;
                let body = self.block(&i.body)?;
                let mut orelse = Vec::new();
                // elif chains fold from the last clause up.
                for clause in i.elif_else_clauses.iter().rev() {
                    let b = self.block(&clause.body)?;
                    orelse = match &clause.test {
                        Some(t) => vec![Stmt::If(self.expr(t)?, b, orelse)],
                        None => b,
                    };
                }
                Stmt::If(test, body, orelse)
            }
            PyStmt::While(w) => {
                let test = self.expr(&w.test)?;
                self.loops += 1;
                let body = self.block(&w.body);
                self.loops -= 1;
                Stmt::While(test, body?, self.block(&w.orelse)?, span(&*w.test))
            }
            PyStmt::For(f) => {
                if f.is_async {
                    return Err(unsupported(sp, "`async for`"));
                }
                let iter = self.expr(&f.iter)?;
                let target = self.target(&f.target)?;
                // Loop variables are not labelled: only assignments are.
                let target = unlabelled(target);
                self.loops += 1;
                let body = self.block(&f.body);
                self.loops -= 1;
                Stmt::For(target, iter, body?, self.block(&f.orelse)?, span(&*f.iter))
            }
            PyStmt::Break(_) if self.loops == 0 => {
                return Err(syntax(sp, "'break' outside loop"));
            }
            PyStmt::Continue(_) if self.loops == 0 => {
                return Err(syntax(sp, "'continue' not properly in loop"));
            }
            PyStmt::Break(_) => Stmt::Break,
            PyStmt::Continue(_) => Stmt::Continue,
            PyStmt::Pass(_) | PyStmt::Global(_) => Stmt::Pass,
            PyStmt::Nonlocal(n) => {
                for name in &n.names {
                    if !self.enclosing_binds(self.scopes.len() - 1, name.id.as_str())
                        || self.scopes.len() < 2
                    {
                        return Err(syntax(
                            span(name),
                            format!("no binding for nonlocal '{}' found", name.id),
                        ));
                    }
                }
                Stmt::Pass
            }
            PyStmt::Return(r) => {
                if matches!(self.top().kind, Kind::Module | Kind::Class) {
                    return Err(syntax(sp, "'return' outside function"));
                }
                Stmt::Return(r.value.as_deref().map(|v| self.expr(v)).transpose()?)
            }
            PyStmt::FunctionDef(f) => return self.def(f, out),
            PyStmt::ClassDef(c) => Stmt::Class(self.target_name(&c.name)?, self.class(c)?),
            PyStmt::Assert(a) => Stmt::Assert(
                self.expr(&a.test)?,
                a.msg.as_deref().map(|m| self.expr(m)).transpose()?,
                sp,
            ),
            PyStmt::Delete(d) => Stmt::Del(
                d.targets
                    .iter()
                    .map(|t| self.target(t).map(unlabelled))
                    .collect::<Result<_, _>>()?,
            ),
            PyStmt::Import(i) => {
                for a in &i.names {
                    let name = a.name.id.as_str();
                    let module = self.module_name(name, span(a))?;
                    // `import micrograd.nn` binds `micrograd`.
                    let (module, bound) = match &a.asname {
                        Some(asname) => (module, asname.id.as_str()),
                        None => {
                            let root = name.split('.').next().unwrap_or(name);
                            (self.module_name(root, span(a))?, root)
                        }
                    };
                    let t = Target::Var(self.resolve(bound), None, span(a));
                    out.push(Stmt::Import(module, None, t, span(a)));
                }
                return Ok(());
            }
            PyStmt::ImportFrom(i) => {
                let m = i.module.as_ref().map_or("", |m| m.id.as_str());
                if i.level > 0 {
                    return Err(unsupported(sp, "a relative import"));
                }
                let module = self.module_name(m, i.module.as_ref().map_or(sp, span))?;
                for a in &i.names {
                    if a.name.id.as_str() == "*" {
                        return Err(unsupported(span(a), "`from … import *`"));
                    }
                    let bound = a.asname.as_ref().unwrap_or(&a.name);
                    let t = Target::Var(self.resolve(bound.id.as_str()), None, span(a));
                    out.push(Stmt::Import(
                        module,
                        Some(a.name.id.as_str().into()),
                        t,
                        span(a),
                    ));
                }
                return Ok(());
            }
            PyStmt::Raise(r) => {
                if r.cause.is_some() {
                    return Err(unsupported(sp, "`raise … from …`"));
                }
                Stmt::Raise(r.exc.as_deref().map(|e| self.expr(e)).transpose()?, sp)
            }
            PyStmt::Try(_) => return Err(unsupported(sp, "`try`/`except`")),
            PyStmt::With(_) => return Err(unsupported(sp, "`with`")),
            PyStmt::Match(_) => return Err(unsupported(sp, "`match`")),
            PyStmt::TypeAlias(_) => return Err(unsupported(sp, "`type` aliases")),
            PyStmt::IpyEscapeCommand(_) => return Err(unsupported(sp, "IPython magics")),
        };
        out.push(stmt);
        Ok(())
    }

    /// The module an import names, refused unless gradviz has it.
    fn module_name(&self, name: &str, s: Span) -> Result<&'static str, ScriptError> {
        if let Some(m) = MODULES.iter().find(|m| **m == name) {
            return Ok(m);
        }
        let root = name.split('.').next().unwrap_or(name);
        if FORBIDDEN_MODULES.contains(&root) {
            return Err(ScriptError::new(
                ErrorKind::Unsupported,
                s,
                format!("scripts cannot import `{name}`: they run sandboxed, with no access to files, processes, the network or the environment"),
            )
            .exception("ImportError")
            .label("not available in the sandbox")
            .help("the modules scripts can import are math, random and micrograd (micrograd.engine, micrograd.nn)"));
        }
        Err(ScriptError::new(
            ErrorKind::Unsupported,
            s,
            format!("no module named `{name}` in gradviz scripts"),
        )
        .exception("ModuleNotFoundError")
        .label("not available")
        .help("the modules scripts can import are math, random and micrograd (micrograd.engine, micrograd.nn)"))
    }

    fn target_name(&mut self, id: &ast::Identifier) -> Result<Target, ScriptError> {
        Ok(Target::Var(self.resolve(id.id.as_str()), None, span(id)))
    }

    fn def(&mut self, f: &ast::StmtFunctionDef, out: &mut Vec<Stmt>) -> Result<(), ScriptError> {
        let sp = span(f);
        if f.is_async {
            return Err(unsupported(sp, "`async def`"));
        }
        if f.type_params.is_some() {
            return Err(unsupported(sp, "type parameters"));
        }
        let decorators = f
            .decorator_list
            .iter()
            .map(|d| self.expr(&d.expression))
            .collect::<Result<Vec<_>, _>>()?;
        let defaults = self.defaults(&f.parameters)?;
        let names = scope::function(Some(&f.parameters), &f.body);
        let params = self.params(&f.parameters)?;
        if contains_yield(&f.body) {
            return Err(unsupported(sp, "a generator function (`yield`)")
                .help("build a list and return it, or use a generator expression"));
        }
        self.push_scope(Kind::Function, names, &params.all, f.name.id.as_str());
        let loops = std::mem::take(&mut self.loops);
        let body = self.block(&f.body);
        self.loops = loops;
        let body = match body {
            Ok(b) => b,
            Err(e) => {
                self.scopes.pop();
                return Err(e);
            }
        };
        let def = self.pop_scope(f.name.id.as_str(), body, params, sp);
        let target = self.target_name(&f.name)?;
        out.push(Stmt::Def(target, Rc::new(def), defaults));
        // Decorators apply in reverse order, each to the function so far.
        if !decorators.is_empty() {
            let var = self.resolve(f.name.id.as_str());
            let mut value = Expr::Load(var, span(&f.name));
            for d in decorators.into_iter().rev() {
                let ds = sp;
                value = Expr::Call(Box::new(d), vec![Arg::Pos(value)], ds);
            }
            out.push(Stmt::Assign(vec![self.target_name(&f.name)?], value));
        }
        Ok(())
    }

    fn defaults(&mut self, p: &ast::Parameters) -> Result<Vec<Expr>, ScriptError> {
        p.posonlyargs
            .iter()
            .chain(&p.args)
            .chain(&p.kwonlyargs)
            .filter_map(|a| a.default.as_deref())
            .map(|d| self.expr(d))
            .collect()
    }

    fn params(&mut self, p: &ast::Parameters) -> Result<Params, ScriptError> {
        let all = scope::param_names(p);
        let mut seen = IndexSet::new();
        for name in &all {
            if !seen.insert(name) {
                return Err(syntax(
                    span(p),
                    format!("duplicate argument '{name}' in function definition"),
                ));
            }
        }
        let mut params: Vec<Param> = p
            .posonlyargs
            .iter()
            .chain(&p.args)
            .map(|a| Param {
                name: a.parameter.name.id.as_str().into(),
                has_default: a.default.is_some(),
                kw_only: false,
            })
            .collect();
        params.extend(p.kwonlyargs.iter().map(|a| Param {
            name: a.parameter.name.id.as_str().into(),
            has_default: a.default.is_some(),
            kw_only: true,
        }));
        let n = params.len() as u32;
        let varargs = p.vararg.as_ref().map(|_| n);
        let varkw = p.kwarg.as_ref().map(|_| n + u32::from(varargs.is_some()));
        Ok(Params {
            all,
            params,
            varargs,
            varkw,
        })
    }

    fn class(&mut self, c: &ast::StmtClassDef) -> Result<Rc<ClassDef>, ScriptError> {
        let sp = span(c);
        if !c.decorator_list.is_empty() {
            return Err(unsupported(span(&c.decorator_list[0]), "a class decorator"));
        }
        if c.type_params.is_some() {
            return Err(unsupported(sp, "type parameters"));
        }
        let mut bases = Vec::new();
        if let Some(a) = &c.arguments {
            if let Some(k) = a.keywords.first() {
                return Err(unsupported(span(k), "a class keyword (metaclass=…)"));
            }
            for b in a.args.iter() {
                bases.push(self.expr(b)?);
            }
        }
        if bases.len() > 1 {
            return Err(unsupported(
                span(&**c.arguments.as_ref().expect("bases")),
                "multiple inheritance",
            )
            .help("a class can have one base class"));
        }
        let names = scope::class(&c.body);
        self.push_scope(Kind::Class, names, &[], c.name.id.as_str());
        let loops = std::mem::take(&mut self.loops);
        let body = self.block(&c.body);
        self.loops = loops;
        let body = match body {
            Ok(b) => b,
            Err(e) => {
                self.scopes.pop();
                return Err(e);
            }
        };
        let def = self.pop_scope(c.name.id.as_str(), body, Params::default(), sp);
        Ok(Rc::new(ClassDef {
            name: c.name.id.as_str().into(),
            bases,
            body: Rc::new(def),
            span: span(&c.name),
        }))
    }

    // ----- targets -----------------------------------------------------------

    fn target(&mut self, t: &PyExpr) -> Result<Target, ScriptError> {
        let sp = span(t);
        Ok(match t {
            PyExpr::Name(n) => {
                let var = self.resolve(n.id.as_str());
                Target::Var(var, self.label_for(n.id.as_str()), sp)
            }
            PyExpr::Attribute(a) => Target::Attr(
                self.expr(&a.value)?,
                a.attr.id.as_str().into(),
                span(&a.attr),
            ),
            PyExpr::Subscript(s) => {
                Target::Subscript(self.expr(&s.value)?, self.expr(&s.slice)?, sp)
            }
            PyExpr::Tuple(ast::ExprTuple { elts, .. })
            | PyExpr::List(ast::ExprList { elts, .. }) => {
                let mut star = None;
                let mut targets = Vec::with_capacity(elts.len());
                for (i, e) in elts.iter().enumerate() {
                    if let PyExpr::Starred(s) = e {
                        if star.is_some() {
                            return Err(syntax(
                                span(e),
                                "multiple starred expressions in assignment",
                            ));
                        }
                        star = Some(i);
                        targets.push(self.target(&s.value)?);
                    } else {
                        targets.push(self.target(e)?);
                    }
                }
                Target::Unpack(targets, star, sp)
            }
            PyExpr::Starred(_) => {
                return Err(syntax(
                    sp,
                    "starred assignment target must be in a list or tuple",
                ));
            }
            _ => {
                return Err(syntax(sp, "cannot assign to this expression")
                    .label("not a variable, attribute or item"));
            }
        })
    }

    // ----- expressions -------------------------------------------------------

    fn expr(&mut self, e: &PyExpr) -> Result<Expr, ScriptError> {
        self.enter(span(e))?;
        let r = self.expr_inner(e);
        self.depth -= 1;
        r
    }

    fn boxed(&mut self, e: &PyExpr) -> Result<Box<Expr>, ScriptError> {
        Ok(Box::new(self.expr(e)?))
    }

    fn expr_inner(&mut self, e: &PyExpr) -> Result<Expr, ScriptError> {
        let sp = span(e);
        Ok(match e {
            PyExpr::NumberLiteral(n) => Expr::Const(match &n.value {
                ast::Number::Int(i) => match i.as_i64() {
                    Some(i) => Obj::Int(i),
                    None => {
                        return Err(ScriptError::new(
                            ErrorKind::Math,
                            sp,
                            "integer literal too large (gradviz integers are 64-bit)",
                        )
                        .exception("OverflowError")
                        .help("write it as a float, e.g. 1e30"));
                    }
                },
                ast::Number::Float(x) => Obj::Float(*x),
                ast::Number::Complex { .. } => {
                    return Err(unsupported(sp, "a complex number"));
                }
            }),
            PyExpr::StringLiteral(s) => {
                Expr::Const(Obj::Str(source_text(s.value.to_str(), self.raw(sp)).into()))
            }
            PyExpr::BytesLiteral(_) => return Err(unsupported(sp, "a bytes literal")),
            PyExpr::BooleanLiteral(b) => Expr::Const(Obj::Bool(b.value)),
            PyExpr::NoneLiteral(_) => Expr::Const(Obj::None),
            PyExpr::EllipsisLiteral(_) => Expr::Const(Obj::Ellipsis),
            PyExpr::Name(n) => {
                let name = n.id.as_str();
                if name == "__class__" {
                    return Err(unsupported(sp, "`__class__`"));
                }
                Expr::Load(self.resolve(name), sp)
            }
            PyExpr::BinOp(b) => Expr::Binary(
                binop(b.op),
                self.boxed(&b.left)?,
                self.boxed(&b.right)?,
                sp,
                span(&*b.right),
            ),
            PyExpr::UnaryOp(u) => {
                let operand = self.boxed(&u.operand)?;
                match u.op {
                    ast::UnaryOp::Not => Expr::Not(operand),
                    ast::UnaryOp::USub => Expr::Unary(UnaryOp::Neg, operand, sp),
                    ast::UnaryOp::UAdd => Expr::Unary(UnaryOp::Pos, operand, sp),
                    ast::UnaryOp::Invert => Expr::Unary(UnaryOp::Invert, operand, sp),
                }
            }
            PyExpr::BoolOp(b) => {
                let values = b
                    .values
                    .iter()
                    .map(|v| self.expr(v))
                    .collect::<Result<_, _>>()?;
                match b.op {
                    ast::BoolOp::And => Expr::And(values),
                    ast::BoolOp::Or => Expr::Or(values),
                }
            }
            PyExpr::Compare(c) => {
                let left = self.boxed(&c.left)?;
                let mut rest = Vec::with_capacity(c.ops.len());
                for (op, r) in c.ops.iter().zip(c.comparators.iter()) {
                    rest.push((cmpop(*op), self.expr(r)?));
                }
                Expr::Compare(left, rest, sp)
            }
            PyExpr::If(i) => Expr::IfElse(
                self.boxed(&i.test)?,
                self.boxed(&i.body)?,
                self.boxed(&i.orelse)?,
            ),
            PyExpr::Call(c) => self.call(c, sp)?,
            PyExpr::Attribute(a) => Expr::Attr(
                self.boxed(&a.value)?,
                a.attr.id.as_str().into(),
                span(&a.attr),
            ),
            PyExpr::Subscript(s) => {
                Expr::Subscript(self.boxed(&s.value)?, self.boxed(&s.slice)?, sp)
            }
            PyExpr::Slice(s) => Expr::Slice(
                s.lower.as_deref().map(|x| self.boxed(x)).transpose()?,
                s.upper.as_deref().map(|x| self.boxed(x)).transpose()?,
                s.step.as_deref().map(|x| self.boxed(x)).transpose()?,
            ),
            PyExpr::List(l) => Expr::List(self.elts(&l.elts)?),
            PyExpr::Tuple(t) => Expr::Tuple(self.elts(&t.elts)?),
            PyExpr::Set(s) => Expr::Set(self.elts(&s.elts)?),
            PyExpr::Dict(d) => {
                let mut items = Vec::with_capacity(d.items.len());
                for item in &d.items {
                    let k = item.key.as_ref().map(|k| self.expr(k)).transpose()?;
                    items.push((k, self.expr(&item.value)?));
                }
                Expr::Dict(items)
            }
            PyExpr::FString(f) => {
                let mut parts = Vec::new();
                for part in f.value.iter() {
                    match part {
                        ast::FStringPart::Literal(l) => {
                            parts.push(FPart::Text(source_text(&l.value, self.raw(span(l))).into()))
                        }
                        ast::FStringPart::FString(fs) => self.fstring(&fs.elements, &mut parts)?,
                    }
                }
                Expr::FString(parts)
            }
            PyExpr::Lambda(l) => {
                let defaults = match &l.parameters {
                    Some(p) => self.defaults(p)?,
                    None => Vec::new(),
                };
                let names = scope::lambda(l.parameters.as_deref(), &l.body);
                let params = match &l.parameters {
                    Some(p) => self.params(p)?,
                    None => Params::default(),
                };
                self.push_scope(Kind::Function, names, &params.all, "<lambda>");
                let body = self.expr(&l.body);
                let body = match body {
                    Ok(b) => b,
                    Err(e) => {
                        self.scopes.pop();
                        return Err(e);
                    }
                };
                let def = self.pop_scope("<lambda>", vec![Stmt::Return(Some(body))], params, sp);
                Expr::Lambda(Rc::new(def), defaults)
            }
            PyExpr::ListComp(c) => self.comp(CompKind::List, &c.generators, &c.elt, None, sp)?,
            PyExpr::SetComp(c) => self.comp(CompKind::Set, &c.generators, &c.elt, None, sp)?,
            PyExpr::Generator(c) => self.comp(CompKind::Gen, &c.generators, &c.elt, None, sp)?,
            PyExpr::DictComp(c) => match &c.key {
                Some(k) => self.comp(CompKind::Dict, &c.generators, k, Some(&c.value), sp)?,
                None => return Err(unsupported(sp, "`**` in a dict comprehension")),
            },
            PyExpr::Named(n) => {
                if self.top().kind == Kind::Comp {
                    return Err(unsupported(sp, "`:=` inside a comprehension"));
                }
                let PyExpr::Name(name) = &*n.target else {
                    return Err(syntax(
                        sp,
                        "cannot use assignment expressions with this target",
                    ));
                };
                let value = self.boxed(&n.value)?;
                Expr::Named(self.resolve(name.id.as_str()), value)
            }
            PyExpr::Starred(_) => return Err(syntax(sp, "can't use starred expression here")),
            PyExpr::Await(_) => return Err(unsupported(sp, "`await`")),
            PyExpr::Yield(_) | PyExpr::YieldFrom(_) => {
                return Err(unsupported(sp, "`yield`")
                    .help("build a list and return it, or use a generator expression"));
            }
            PyExpr::TString(_) => return Err(unsupported(sp, "a template string")),
            PyExpr::IpyEscapeCommand(_) => return Err(unsupported(sp, "IPython magics")),
        })
    }

    fn elts(&mut self, elts: &[PyExpr]) -> Result<Vec<Elt>, ScriptError> {
        elts.iter()
            .map(|e| match e {
                PyExpr::Starred(s) => Ok(Elt::Star(self.expr(&s.value)?)),
                other => Ok(Elt::One(self.expr(other)?)),
            })
            .collect()
    }

    fn call(&mut self, c: &ast::ExprCall, sp: Span) -> Result<Expr, ScriptError> {
        // `super()` in a method: the class cell and the first argument.
        if let PyExpr::Name(f) = &*c.func
            && f.id.as_str() == "super"
            && c.arguments.args.is_empty()
            && c.arguments.keywords.is_empty()
            && self.resolve_is_builtin("super")
        {
            let top = self.scopes.len() - 1;
            let first = self
                .scopes
                .last()
                .and_then(|s| (s.kind == Kind::Function).then(|| s.locals.get_index(0)))
                .flatten()
                .map(|(n, _)| n.clone());
            let (Some(first), true) = (first.clone(), self.enclosing_binds(top, "__class__"))
            else {
                return Ok(Expr::SuperFails(
                    if first.is_some() {
                        "super(): __class__ cell not found"
                    } else {
                        "super(): no arguments"
                    },
                    sp,
                ));
            };
            let class = Var::Cell(self.free_cell(top, "__class__"));
            let first = self.resolve(&first);
            return Ok(Expr::Super(class, first, sp));
        }
        let mut args = Vec::with_capacity(c.arguments.args.len() + c.arguments.keywords.len());
        for a in c.arguments.args.iter() {
            args.push(match a {
                PyExpr::Starred(s) => Arg::Star(self.expr(&s.value)?),
                other => Arg::Pos(self.expr(other)?),
            });
        }
        for k in c.arguments.keywords.iter() {
            let v = self.expr(&k.value)?;
            args.push(match &k.arg {
                Some(name) => Arg::Kw(name.id.as_str().into(), v, span(k)),
                None => Arg::StarStar(v),
            });
        }
        if let PyExpr::Attribute(a) = &*c.func {
            let obj = self.boxed(&a.value)?;
            return Ok(Expr::CallMethod(obj, a.attr.id.as_str().into(), args, sp));
        }
        Ok(Expr::Call(self.boxed(&c.func)?, args, sp))
    }

    /// Whether `name` here means the built-in (nothing binds it).
    fn resolve_is_builtin(&mut self, name: &str) -> bool {
        !self
            .scopes
            .iter()
            .any(|s| s.locals.contains_key(name) || s.names.bound.contains(name))
    }

    fn fstring(
        &mut self,
        elements: &ast::InterpolatedStringElements,
        parts: &mut Vec<FPart>,
    ) -> Result<(), ScriptError> {
        for el in elements.iter() {
            match el {
                ast::InterpolatedStringElement::Literal(l) => {
                    parts.push(FPart::Text(source_text(&l.value, self.raw(span(l))).into()))
                }
                ast::InterpolatedStringElement::Interpolation(i) => {
                    let expr = self.expr(&i.expression)?;
                    let mut spec = Vec::new();
                    if let Some(s) = &i.format_spec {
                        self.fstring(&s.elements, &mut spec)?;
                    }
                    let conversion = match i.conversion {
                        ast::ConversionFlag::None => None,
                        ast::ConversionFlag::Str => Some('s'),
                        ast::ConversionFlag::Repr => Some('r'),
                        ast::ConversionFlag::Ascii => Some('a'),
                    };
                    let debug = i.debug_text.as_ref().map(|d| {
                        Rc::from(
                            format!("{}{}{}", d.leading(), d.expression(), d.trailing()).as_str(),
                        )
                    });
                    // `{x=}` without a spec or conversion shows the repr.
                    let conversion = match (&debug, conversion, i.format_spec.is_some()) {
                        (Some(_), None, false) => Some('r'),
                        (_, c, _) => c,
                    };
                    parts.push(FPart::Field {
                        expr,
                        span: span(&*i.expression),
                        conversion,
                        spec,
                        debug,
                    });
                }
            }
        }
        Ok(())
    }

    fn comp(
        &mut self,
        kind: CompKind,
        generators: &[ast::Comprehension],
        elt: &PyExpr,
        value: Option<&PyExpr>,
        sp: Span,
    ) -> Result<Expr, ScriptError> {
        if let Some(g) = generators.iter().find(|g| g.is_async) {
            return Err(unsupported(span(g), "`async for`"));
        }
        let first_iter = self.expr(&generators[0].iter)?;
        let elts: Vec<&PyExpr> = std::iter::once(elt).chain(value).collect();
        let names = scope::comprehension(generators, &elts);
        self.push_scope(Kind::Comp, names, &[], "<comprehension>");
        let r = (|| -> Result<_, ScriptError> {
            let mut clauses = Vec::with_capacity(generators.len());
            for (i, g) in generators.iter().enumerate() {
                let iter = if i == 0 {
                    None
                } else {
                    Some(self.expr(&g.iter)?)
                };
                let target = unlabelled(self.target(&g.target)?);
                let ifs = g
                    .ifs
                    .iter()
                    .map(|c| self.expr(c))
                    .collect::<Result<_, _>>()?;
                clauses.push(Clause { target, iter, ifs });
            }
            let elt = self.expr(elt)?;
            let value = value.map(|v| self.expr(v)).transpose()?;
            Ok((clauses, elt, value))
        })();
        let (clauses, elt, value) = match r {
            Ok(x) => x,
            Err(e) => {
                self.scopes.pop();
                return Err(e);
            }
        };
        // CPython 3.11's names for the frames of comprehensions.
        let name = match kind {
            CompKind::List => "<listcomp>",
            CompKind::Set => "<setcomp>",
            CompKind::Dict => "<dictcomp>",
            CompKind::Gen => "<genexpr>",
        };
        let scope = self.pop_scope(name, Vec::new(), Params::default(), sp);
        Ok(Expr::Comp(Rc::new(CompDef {
            kind,
            first_iter,
            clauses,
            elt,
            value,
            scope: Rc::new(scope),
            span: sp,
        })))
    }
}

#[derive(Default)]
struct Params {
    all: Vec<String>,
    params: Vec<Param>,
    varargs: Option<u32>,
    varkw: Option<u32>,
}

/// A string literal's text as Python reads the source: with universal
/// newlines, so a line break inside a triple-quoted string is `\n` even in
/// a file with CRLF line ends.
fn source_text(s: &str, raw: &str) -> String {
    if raw.contains('\r') {
        s.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        s.to_string()
    }
}

/// A target without auto labels (loop variables, `del`).
fn unlabelled(t: Target) -> Target {
    match t {
        Target::Var(v, _, s) => Target::Var(v, None, s),
        Target::Unpack(ts, star, s) => {
            Target::Unpack(ts.into_iter().map(unlabelled).collect(), star, s)
        }
        other => other,
    }
}

fn contains_yield(body: &[PyStmt]) -> bool {
    use ruff_python_ast::visitor::{self, Visitor};
    struct Finder(bool);
    impl<'a> Visitor<'a> for Finder {
        fn visit_stmt(&mut self, s: &'a PyStmt) {
            if !matches!(s, PyStmt::FunctionDef(_) | PyStmt::ClassDef(_)) {
                visitor::walk_stmt(self, s);
            }
        }
        fn visit_expr(&mut self, e: &'a PyExpr) {
            match e {
                PyExpr::Yield(_) | PyExpr::YieldFrom(_) => self.0 = true,
                PyExpr::Lambda(_) => {}
                _ => visitor::walk_expr(self, e),
            }
        }
    }
    let mut f = Finder(false);
    for s in body {
        f.visit_stmt(s);
    }
    f.0
}

fn binop(op: ast::Operator) -> BinOp {
    match op {
        ast::Operator::Add => BinOp::Add,
        ast::Operator::Sub => BinOp::Sub,
        ast::Operator::Mult => BinOp::Mul,
        ast::Operator::MatMult => BinOp::MatMul,
        ast::Operator::Div => BinOp::Div,
        ast::Operator::Mod => BinOp::Mod,
        ast::Operator::Pow => BinOp::Pow,
        ast::Operator::LShift => BinOp::LShift,
        ast::Operator::RShift => BinOp::RShift,
        ast::Operator::BitOr => BinOp::BitOr,
        ast::Operator::BitXor => BinOp::BitXor,
        ast::Operator::BitAnd => BinOp::BitAnd,
        ast::Operator::FloorDiv => BinOp::FloorDiv,
    }
}

fn cmpop(op: ast::CmpOp) -> CmpOp {
    match op {
        ast::CmpOp::Eq => CmpOp::Eq,
        ast::CmpOp::NotEq => CmpOp::NotEq,
        ast::CmpOp::Lt => CmpOp::Lt,
        ast::CmpOp::LtE => CmpOp::LtE,
        ast::CmpOp::Gt => CmpOp::Gt,
        ast::CmpOp::GtE => CmpOp::GtE,
        ast::CmpOp::Is => CmpOp::Is,
        ast::CmpOp::IsNot => CmpOp::IsNot,
        ast::CmpOp::In => CmpOp::In,
        ast::CmpOp::NotIn => CmpOp::NotIn,
    }
}
