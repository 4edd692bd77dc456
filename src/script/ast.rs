//! The syntax tree of a script: statements over expressions, every node with
//! its span so that errors point at the code that caused them.

use std::fmt;

use super::error::Span;

/// A binary operator.
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
    /// `**`
    Pow,
}

impl BinOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Pow => "**",
        }
    }
}

/// A unary operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnOp {
    /// `-x`
    Neg,
    /// `+x`
    Pos,
}

/// A piece of an f-string.
#[derive(Clone, Debug, PartialEq)]
pub enum FPart {
    /// Literal text.
    Text(String),
    /// `{expr!conv:spec}`; `debug` is the `expr=` text for `{expr=}`.
    Field {
        /// The expression.
        expr: Expr,
        /// `r` or `s` from `!r` / `!s`.
        conversion: Option<char>,
        /// The format spec after `:`.
        spec: String,
        /// For `{x=}`: the text to print before the value.
        debug: Option<String>,
    },
}

/// An expression and its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What kind of expression.
    pub kind: ExprKind,
    /// Where it is.
    pub span: Span,
}

/// The kinds of expression.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// An `int` literal.
    Int(i64),
    /// A `float` literal.
    Float(f64),
    /// A string literal.
    Str(String),
    /// An f-string.
    FStr(Vec<FPart>),
    /// A name.
    Name(String),
    /// `-x`, `+x`.
    Unary(UnOp, Box<Expr>),
    /// `a op b`.
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `x.name`.
    Attr(Box<Expr>, String),
    /// `f(args, key=value)`.
    Call(Box<Expr>, Vec<Arg>),
}

/// A call argument, positional or keyword.
#[derive(Clone, Debug, PartialEq)]
pub struct Arg {
    /// The keyword, for `key=value`.
    pub name: Option<String>,
    /// The value.
    pub value: Expr,
    /// Where the whole argument (`key=value`) is.
    pub span: Span,
}

/// Where an assignment stores its value.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// `name = …`
    Name(String, Span),
    /// `obj.attr = …`
    Attr(Expr, String, Span),
}

impl Target {
    /// Where the target is written.
    pub fn span(&self) -> Span {
        match self {
            Target::Name(_, s) | Target::Attr(_, _, s) => *s,
        }
    }
}

/// A statement and its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    /// What kind of statement.
    pub kind: StmtKind,
    /// Where it is.
    pub span: Span,
}

/// The kinds of statement.
#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    /// An accepted import (it has no effect: everything is built in).
    Import,
    /// `a = b = expr`.
    Assign(Vec<Target>, Expr),
    /// `target op= expr`.
    AugAssign(Target, BinOp, Expr),
    /// An expression evaluated for its effect (`g.backward()`, `print(x)`).
    Expr(Expr),
}

/// S-expressions, for parser tests: `(+ a (* b 2))`.
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ExprKind::Int(i) => write!(f, "{i}"),
            ExprKind::Float(x) => write!(f, "{}", crate::pyfmt::repr_float(*x)),
            ExprKind::Str(s) => write!(f, "{s:?}"),
            ExprKind::FStr(parts) => {
                write!(f, "(f")?;
                for p in parts {
                    match p {
                        FPart::Text(t) => write!(f, " {t:?}")?,
                        FPart::Field { expr, spec, .. } => write!(f, " {{{expr}:{spec}}}")?,
                    }
                }
                write!(f, ")")
            }
            ExprKind::Name(n) => write!(f, "{n}"),
            ExprKind::Unary(UnOp::Neg, e) => write!(f, "(neg {e})"),
            ExprKind::Unary(UnOp::Pos, e) => write!(f, "(pos {e})"),
            ExprKind::Binary(op, a, b) => write!(f, "({} {a} {b})", op.symbol()),
            ExprKind::Attr(e, n) => write!(f, "(. {e} {n})"),
            ExprKind::Call(callee, args) => {
                write!(f, "(call {callee}")?;
                for a in args {
                    match &a.name {
                        Some(n) => write!(f, " {n}={}", a.value)?,
                        None => write!(f, " {}", a.value)?,
                    }
                }
                write!(f, ")")
            }
        }
    }
}

impl fmt::Display for Stmt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let target = |t: &Target| match t {
            Target::Name(n, _) => n.clone(),
            Target::Attr(e, n, _) => format!("(. {e} {n})"),
        };
        match &self.kind {
            StmtKind::Import => write!(f, "(import)"),
            StmtKind::Assign(targets, e) => {
                let ts: Vec<String> = targets.iter().map(target).collect();
                write!(f, "(= {} {e})", ts.join(" "))
            }
            StmtKind::AugAssign(t, op, e) => write!(f, "({}= {} {e})", op.symbol(), target(t)),
            StmtKind::Expr(e) => write!(f, "{e}"),
        }
    }
}
