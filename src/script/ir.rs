//! The compiled form of a script: Ruff's tree with every name resolved to
//! where it lives (a local slot, a closure cell, a global slot), so that the
//! runtime never looks a variable up by its name.

use std::rc::Rc;

use super::error::Span;
use super::runtime::object::Obj;

/// Where a variable lives.
#[derive(Clone, Debug)]
pub enum Var {
    /// A local slot of the running frame.
    Local(u32),
    /// A cell of the running frame: a local that an inner function captures,
    /// or a variable captured from an enclosing function.
    Cell(u32),
    /// A module-level variable (falls back to the built-in of that name).
    Global(u32),
    /// A name in a class body: the class namespace, then the global slot.
    Class(Rc<str>, u32),
}

/// A compiled expression.
#[derive(Debug)]
pub enum Expr {
    /// A literal.
    Const(Obj),
    /// Reading a variable.
    Load(Var, Span),
    /// `-x`, `+x`, `~x`.
    Unary(UnaryOp, Box<Expr>, Span),
    /// `not x`.
    Not(Box<Expr>),
    /// `a op b`: the whole expression's span and the right operand's.
    Binary(BinOp, Box<Expr>, Box<Expr>, Span, Span),
    /// `a < b <= c`: operands and operators in order.
    Compare(Box<Expr>, Vec<(CmpOp, Expr)>, Span),
    /// `a and b and c`.
    And(Vec<Expr>),
    /// `a or b or c`.
    Or(Vec<Expr>),
    /// `a if cond else b`: cond, a, b.
    IfElse(Box<Expr>, Box<Expr>, Box<Expr>),
    /// A call.
    Call(Box<Expr>, Vec<Arg>, Span),
    /// `obj.name(args)`: a method call, without a bound method object.
    CallMethod(Box<Expr>, Rc<str>, Vec<Arg>, Span),
    /// `obj.name`.
    Attr(Box<Expr>, Rc<str>, Span),
    /// `obj[index]`.
    Subscript(Box<Expr>, Box<Expr>, Span),
    /// `a:b:c` inside a subscript.
    Slice(Option<Box<Expr>>, Option<Box<Expr>>, Option<Box<Expr>>),
    /// `[a, *b]`.
    List(Vec<Elt>),
    /// `(a, *b)`.
    Tuple(Vec<Elt>),
    /// `{a, *b}`.
    Set(Vec<Elt>),
    /// `{k: v, **d}`: `None` keys are `**` unpackings.
    Dict(Vec<(Option<Expr>, Expr)>),
    /// An f-string.
    FString(Vec<FPart>),
    /// A `lambda` (a function made when evaluated) and its defaults.
    Lambda(Rc<FuncDef>, Vec<Expr>),
    /// A comprehension or generator expression.
    Comp(Rc<CompDef>),
    /// `(name := value)`.
    Named(Var, Box<Expr>),
    /// `super()` inside a method: the class cell and the first argument.
    Super(Var, Var, Span),
    /// `super()` where no class can be found: CPython's `RuntimeError`
    /// with this message when it runs (not before: a function that is
    /// never called does not fail).
    SuperFails(&'static str, Span),
}

/// An element of a list, tuple or set display.
#[derive(Debug)]
pub enum Elt {
    /// `x`.
    One(Expr),
    /// `*xs`.
    Star(Expr),
}

/// An argument of a call.
#[derive(Debug)]
pub enum Arg {
    /// `x`.
    Pos(Expr),
    /// `*xs`.
    Star(Expr),
    /// `name=x`.
    Kw(Rc<str>, Expr, Span),
    /// `**kw`.
    StarStar(Expr),
}

impl Arg {
    /// The argument's expression.
    pub fn expr(&self) -> &Expr {
        match self {
            Arg::Pos(e) | Arg::Star(e) | Arg::Kw(_, e, _) | Arg::StarStar(e) => e,
        }
    }
}

/// A part of an f-string.
#[derive(Debug)]
pub enum FPart {
    /// Literal text.
    Text(Rc<str>),
    /// `{expr!c:spec}`; `debug` is the `expr=` text shown before the value.
    Field {
        /// The value.
        expr: Expr,
        /// Its span.
        span: Span,
        /// `!r`, `!s`, `!a`.
        conversion: Option<char>,
        /// The format spec, itself an f-string.
        spec: Vec<FPart>,
        /// The text of a self-documenting `{x=}`.
        debug: Option<Rc<str>>,
    },
}

/// Unary operators other than `not`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    /// `-x`.
    Neg,
    /// `+x`.
    Pos,
    /// `~x`.
    Invert,
}

/// Binary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `//`
    FloorDiv,
    /// `%`
    Mod,
    /// `**`
    Pow,
    /// `@`
    MatMul,
    /// `<<`
    LShift,
    /// `>>`
    RShift,
    /// `|`
    BitOr,
    /// `^`
    BitXor,
    /// `&`
    BitAnd,
}

impl BinOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::FloorDiv => "//",
            BinOp::Mod => "%",
            BinOp::Pow => "**",
            BinOp::MatMul => "@",
            BinOp::LShift => "<<",
            BinOp::RShift => ">>",
            BinOp::BitOr => "|",
            BinOp::BitXor => "^",
            BinOp::BitAnd => "&",
        }
    }

    /// The dunder methods of the operator: `(__add__, __radd__)`.
    pub fn dunders(self) -> (&'static str, &'static str) {
        match self {
            BinOp::Add => ("__add__", "__radd__"),
            BinOp::Sub => ("__sub__", "__rsub__"),
            BinOp::Mul => ("__mul__", "__rmul__"),
            BinOp::Div => ("__truediv__", "__rtruediv__"),
            BinOp::FloorDiv => ("__floordiv__", "__rfloordiv__"),
            BinOp::Mod => ("__mod__", "__rmod__"),
            BinOp::Pow => ("__pow__", "__rpow__"),
            BinOp::MatMul => ("__matmul__", "__rmatmul__"),
            BinOp::LShift => ("__lshift__", "__rlshift__"),
            BinOp::RShift => ("__rshift__", "__rrshift__"),
            BinOp::BitOr => ("__or__", "__ror__"),
            BinOp::BitXor => ("__xor__", "__rxor__"),
            BinOp::BitAnd => ("__and__", "__rand__"),
        }
    }
}

/// Comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    /// `==`
    Eq,
    /// `!=`
    NotEq,
    /// `<`
    Lt,
    /// `<=`
    LtE,
    /// `>`
    Gt,
    /// `>=`
    GtE,
    /// `is`
    Is,
    /// `is not`
    IsNot,
    /// `in`
    In,
    /// `not in`
    NotIn,
}

impl CmpOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::NotEq => "!=",
            CmpOp::Lt => "<",
            CmpOp::LtE => "<=",
            CmpOp::Gt => ">",
            CmpOp::GtE => ">=",
            CmpOp::Is => "is",
            CmpOp::IsNot => "is not",
            CmpOp::In => "in",
            CmpOp::NotIn => "not in",
        }
    }
}

/// An assignment target.
#[derive(Debug)]
pub enum Target {
    /// A variable; `label` is the name given to an unlabelled Value
    /// assigned to it (auto labels), when the rule applies.
    Var(Var, Option<Rc<str>>, Span),
    /// `obj.name = …`.
    Attr(Expr, Rc<str>, Span),
    /// `obj[index] = …`.
    Subscript(Expr, Expr, Span),
    /// `a, *b, c = …`: the targets and the position of the starred one.
    Unpack(Vec<Target>, Option<usize>, Span),
}

/// A compiled statement.
#[derive(Debug)]
pub enum Stmt {
    /// An expression on its own.
    Expr(Expr),
    /// `a = b = value`.
    Assign(Vec<Target>, Expr),
    /// `target op= value`.
    AugAssign(Target, BinOp, Expr, Span),
    /// `if` with its `elif`s folded into the else branch.
    If(Expr, Vec<Stmt>, Vec<Stmt>),
    /// `while cond: body else: orelse`, and the condition's span.
    While(Expr, Vec<Stmt>, Vec<Stmt>, Span),
    /// `for target in iter: body else: orelse`.
    For(Target, Expr, Vec<Stmt>, Vec<Stmt>, Span),
    /// `break`.
    Break,
    /// `continue`.
    Continue,
    /// `return value`.
    Return(Option<Expr>),
    /// `def name(...)`: the variable to bind and the function.
    Def(Target, Rc<FuncDef>, Vec<Expr>),
    /// `class name(base): ...`.
    Class(Target, Rc<ClassDef>),
    /// `assert test, msg`.
    Assert(Expr, Option<Expr>, Span),
    /// `del a, b[i], c.x`.
    Del(Vec<Target>),
    /// `import m` / `from m import x`: the module, the attribute (or the
    /// module itself), and where it goes.
    Import(&'static str, Option<Rc<str>>, Target, Span),
    /// `raise X(...)`.
    Raise(Option<Expr>, Span),
    /// `pass`, `global`, `nonlocal`: nothing to run.
    Pass,
}

/// A parameter of a function.
#[derive(Debug)]
pub struct Param {
    /// Its name.
    pub name: Rc<str>,
    /// Its default value's expression, evaluated when the `def` runs.
    pub has_default: bool,
    /// Keyword-only (after `*` or `*args`).
    pub kw_only: bool,
}

/// A compiled function (also a lambda, a class body or a module).
#[derive(Debug)]
pub struct FuncDef {
    /// The name (`<lambda>`, `<module>`).
    pub name: Rc<str>,
    /// `Class.method`, for messages.
    pub qualname: Rc<str>,
    /// The positional and keyword parameters, in order.
    pub params: Vec<Param>,
    /// `*args`'s slot.
    pub varargs: Option<u32>,
    /// `**kwargs`'s slot.
    pub varkw: Option<u32>,
    /// The number of local slots (parameters first, in order).
    pub locals: u32,
    /// The names of the local slots, for messages.
    pub local_names: Vec<Rc<str>>,
    /// Local slots that inner functions capture: each gets a cell on entry
    /// (parameters' values are moved into theirs).
    pub cells: Vec<CellSlot>,
    /// Cells captured from the enclosing frame, by its cell index; they come
    /// after this function's own cells.
    pub free: Vec<u32>,
    /// The body.
    pub body: Vec<Stmt>,
    /// The `def` or `lambda`.
    pub span: Span,
    /// Whether a value assigned to a name in the body is labelled with it.
    pub auto_labels: bool,
}

/// A cell of a frame: which local it holds, if a parameter.
#[derive(Debug)]
pub struct CellSlot {
    /// The variable's name.
    pub name: Rc<str>,
    /// The parameter slot whose value starts in the cell.
    pub param: Option<u32>,
}

/// A compiled class statement.
#[derive(Debug)]
pub struct ClassDef {
    /// The class name.
    pub name: Rc<str>,
    /// The base classes.
    pub bases: Vec<Expr>,
    /// The body, run as a function whose names live in the class namespace.
    pub body: Rc<FuncDef>,
    /// The decorators were refused at compile time; the span of the header.
    pub span: Span,
}

/// What a comprehension builds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompKind {
    /// `[x for …]`
    List,
    /// `{x for …}`
    Set,
    /// `{k: v for …}`
    Dict,
    /// `(x for …)`: lazy.
    Gen,
}

/// A compiled comprehension: its own scope, whose first iterable is
/// evaluated in the enclosing one.
#[derive(Debug)]
pub struct CompDef {
    /// What it builds.
    pub kind: CompKind,
    /// The first `for`'s iterable, evaluated in the enclosing scope.
    pub first_iter: Expr,
    /// The `for` clauses; the first one's iterable is `first_iter`.
    pub clauses: Vec<Clause>,
    /// The element (the key for dict comprehensions).
    pub elt: Expr,
    /// The value of a dict comprehension.
    pub value: Option<Expr>,
    /// The scope (locals, cells, free variables; its body is empty).
    pub scope: Rc<FuncDef>,
    /// The whole comprehension.
    pub span: Span,
}

/// `for target in iter if cond …` of a comprehension.
#[derive(Debug)]
pub struct Clause {
    /// The loop variable(s).
    pub target: Target,
    /// The iterable (`None` for the first clause: see [`CompDef::first_iter`]).
    pub iter: Option<Expr>,
    /// The `if` conditions.
    pub ifs: Vec<Expr>,
}
