//! The script runner: micrograd code in Python syntax, run on the engine.
//!
//! The road is [`lexer`] → [`parser`] (a Pratt parser producing the [`ast`])
//! → [`eval`], which lowers every operation exactly as micrograd does.

pub mod ast;
pub mod error;
pub mod eval;
pub mod lexer;
pub mod parser;

pub use error::{ErrorKind, ScriptError, Span};
pub use eval::{Diagram, Options, Run, run};
pub use parser::parse;
