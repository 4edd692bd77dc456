//! The front end: Python source to Ruff's syntax tree, and positions.
//!
//! Parsing is Ruff's (`ruff_python_parser`, the full Python 3.12 grammar).
//! Its API changes with every Ruff release, so this module is the one place
//! that names it for parsing; the compiler reads the tree it returns.

// Script errors carry their whole diagnostic and are returned once.
#![allow(clippy::result_large_err)]

use ruff_python_ast::ModModule;
use ruff_text_size::{Ranged, TextRange};

use super::error::{ErrorKind, ScriptError, Span};

/// The deepest nesting of expressions and blocks a script may have: the
/// compiler and the evaluator recurse once per level, so this bounds the
/// stack they use (CPython's parser stops at 200 nested parentheses).
pub const MAX_NESTING: usize = 200;

/// The span of anything Ruff gives a range.
pub fn span(node: &impl Ranged) -> Span {
    range(node.range())
}

/// A Ruff text range as a span.
pub fn range(r: TextRange) -> Span {
    Span::new(r.start().to_usize(), r.end().to_usize())
}

/// Parses a whole script.
///
/// ```
/// let module = gradviz::script::front::parse("a = 1\nprint(a)").unwrap();
/// assert_eq!(module.body.len(), 2);
/// let err = gradviz::script::front::parse("a = = 1").unwrap_err();
/// assert_eq!(err.span.start, 4);
/// ```
pub fn parse(src: &str) -> Result<ModModule, ScriptError> {
    if let Some(at) = brackets(src).too_deep {
        return Err(ScriptError::new(
            ErrorKind::Limit,
            Span::new(at, at + 1),
            format!("too many nested parentheses (more than {MAX_NESTING})"),
        )
        .exception("SyntaxError")
        .label("nested too deeply")
        .help("split the expression with intermediate variables"));
    }
    match ruff_python_parser::parse_module(src) {
        Ok(parsed) => Ok(parsed.into_syntax()),
        Err(e) => Err(match brackets(src).unclosed {
            Some((at, open)) => ScriptError::new(
                ErrorKind::Syntax,
                Span::new(at, at + 1),
                format!("'{}' was never closed", open as char),
            )
            .exception("SyntaxError")
            .help("close the bracket"),
            None => syntax_error(src, e.location, &e.error.to_string()),
        }),
    }
}

/// What the brackets of a text say, read past strings and comments.
#[derive(Default)]
struct Brackets {
    /// The offset where brackets nest deeper than [`MAX_NESTING`]: checked
    /// on the text first so that no tree that deep is ever built.
    too_deep: Option<usize>,
    /// The first bracket never closed and its byte, as CPython reports it
    /// (Ruff reports the token that follows, a line later); `None` also
    /// when the text is broken otherwise (a stray closer, an open string).
    unclosed: Option<(usize, u8)>,
}

fn brackets(src: &str) -> Brackets {
    let bytes = src.as_bytes();
    let mut stack: Vec<(usize, u8)> = Vec::new();
    let mut other_breakage = false;
    let mut too_deep = None;
    let mut i = 0;
    let mut quote: Option<(u8, bool)> = None;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some((q, triple)) => {
                if b == b'\\' {
                    i += 1;
                } else if b == q && (!triple || bytes[i..].starts_with(&[q, q, q])) {
                    quote = None;
                    if triple {
                        i += 2;
                    }
                } else if b == b'\n' && !triple {
                    quote = None;
                    other_breakage = true;
                }
            }
            None => match b {
                b'#' => {
                    while i < bytes.len() && bytes[i] != b'\n' {
                        i += 1;
                    }
                }
                b'\'' | b'"' => {
                    let triple = bytes[i..].starts_with(&[b, b, b]);
                    quote = Some((b, triple));
                    if triple {
                        i += 2;
                    }
                }
                b'(' | b'[' | b'{' => {
                    stack.push((i, b));
                    if stack.len() > MAX_NESTING && too_deep.is_none() {
                        too_deep = Some(i);
                    }
                }
                b')' | b']' | b'}' => {
                    other_breakage |= stack.pop().is_none();
                }
                _ => {}
            },
        }
        i += 1;
    }
    Brackets {
        too_deep,
        unclosed: stack.first().copied().filter(|_| !other_breakage),
    }
}

/// A syntax error with Ruff's message, lower-cased the gradviz way, and a
/// hint for the common cases.
fn syntax_error(src: &str, at: TextRange, message: &str) -> ScriptError {
    let mut s = range(at);
    if s.start >= src.len() && !src.is_empty() {
        // "unexpected end of file": point at the last character.
        let last = src.trim_end().len().max(1);
        s = Span::new(last - 1, last);
    }
    let message = lower_first(message);
    let help = if message.contains("unexpected indentation") {
        Some("indent only the body of a block (`def`, `for`, `if`, …)")
    } else if message.contains("expected ')'") || message.contains("expected ']'") {
        Some("close the bracket opened before")
    } else if message.contains("missing closing quote") {
        Some("end the string with the quote it started with")
    } else {
        None
    };
    let mut e = ScriptError::new(ErrorKind::Syntax, s, format!("invalid syntax: {message}"))
        .exception("SyntaxError");
    if let Some(h) = help {
        e = e.help(h);
    }
    e
}

/// Messages start lower-case, with the rest as written.
pub fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_lowercase().chain(c).collect())
        .unwrap_or_default()
}
