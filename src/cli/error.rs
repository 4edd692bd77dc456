//! Errors of the command line and how they are reported: a one-line cause,
//! for scripts the line, column and a caret, and an exit code.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use gradviz::script::ScriptError;

/// Everything that can stop a command.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The script failed to parse or run.
    #[error("{error}")]
    Script {
        /// The script's name for the report (its path or `<stdin>`).
        name: String,
        /// The script's text.
        source_text: String,
        /// What went wrong.
        error: Box<ScriptError>,
    },
    /// A file could not be read or written.
    #[error("cannot {action} `{}`: {source}", path.display())]
    Io {
        /// `read` or `write`.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// A request that the input cannot satisfy (exit 1).
    #[error("{message}")]
    Input {
        /// The one-line cause.
        message: String,
        /// How to fix it.
        hint: Option<String>,
    },
    /// An error already rendered as a caret diagnostic (exit 1).
    #[error("{0}")]
    Rendered(String),
    /// A bad combination of options (exit 2, like clap's usage errors).
    #[error("{message}")]
    Usage {
        /// The one-line cause.
        message: String,
        /// How to fix it.
        hint: Option<String>,
    },
}

impl CliError {
    /// An input error with a hint.
    pub fn input(message: impl Into<String>, hint: Option<&str>) -> Self {
        CliError::Input {
            message: message.into(),
            hint: hint.map(Into::into),
        }
    }

    /// A usage error with a hint.
    pub fn usage(message: impl Into<String>, hint: Option<&str>) -> Self {
        CliError::Usage {
            message: message.into(),
            hint: hint.map(Into::into),
        }
    }

    /// Prints the error to stderr and returns the exit code.
    pub fn report(&self) -> ExitCode {
        let mut stderr = io::stderr().lock();
        let text = match self {
            CliError::Script {
                name,
                source_text,
                error,
            } => error.render(name, source_text),
            CliError::Io { .. } => format!("error: {self}\n"),
            CliError::Rendered(text) => text.clone(),
            CliError::Input { message, hint } | CliError::Usage { message, hint } => {
                let mut s = format!("error: {message}\n");
                if let Some(h) = hint {
                    s.push_str(&format!("  help: {h}\n"));
                }
                s
            }
        };
        let _ = stderr.write_all(text.as_bytes());
        ExitCode::from(match self {
            CliError::Usage { .. } => 2,
            _ => 1,
        })
    }
}
