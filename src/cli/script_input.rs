//! Reading a script (a path or `-` for stdin) and running it with the
//! options every script-taking subcommand shares.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use clap::Args;

use super::CliError;
use gradviz::script::{self, Options, Run};

/// The script argument and the options of the script runner.
#[derive(Args, Debug)]
pub struct ScriptArgs {
    /// The micrograd script (Python syntax), or `-` to read it from stdin.
    pub script: PathBuf,
    #[command(flatten)]
    pub run: RunnerArgs,
}

/// The options of the script runner, shared by every subcommand that runs
/// scripts (`notes` runs one per micrograd block).
#[derive(Args, Debug, Clone)]
pub struct RunnerArgs {
    /// Do not label values with the variable names they are assigned to.
    #[arg(long)]
    pub no_auto_labels: bool,
    /// Allow inf and nan results instead of stopping at the operation that
    /// produced them.
    #[arg(long)]
    pub ieee: bool,
    /// The most value nodes the script may create.
    #[arg(long, value_name = "N", default_value_t = Options::default().max_nodes)]
    pub max_nodes: usize,
}

impl RunnerArgs {
    /// The runner options from the flags.
    pub fn options(&self) -> Options {
        Options {
            auto_labels: !self.no_auto_labels,
            ieee: self.ieee,
            max_nodes: self.max_nodes,
        }
    }
}

/// A script's text and the name to show in errors.
pub struct Source {
    pub name: String,
    pub text: String,
}

impl ScriptArgs {
    /// Whether the script comes from stdin.
    pub fn is_stdin(&self) -> bool {
        self.script == Path::new("-")
    }

    /// Reads the script.
    pub fn read(&self) -> Result<Source, CliError> {
        let io_err = |source| CliError::Io {
            action: "read",
            path: self.script.clone(),
            source,
        };
        let (name, bytes) = if self.is_stdin() {
            let mut bytes = Vec::new();
            io::stdin().read_to_end(&mut bytes).map_err(io_err)?;
            ("<stdin>".to_string(), bytes)
        } else {
            let bytes = std::fs::read(&self.script).map_err(io_err)?;
            (self.script.display().to_string(), bytes)
        };
        let text = String::from_utf8(bytes).map_err(|_| {
            CliError::input(
                format!("`{name}` is not UTF-8 text"),
                Some("save the script as UTF-8"),
            )
        })?;
        Ok(Source { name, text })
    }

    /// The runner options from the flags.
    pub fn options(&self) -> Options {
        self.run.options()
    }

    /// Reads and runs the script, sending `print` output to `out`.
    pub fn run(&self, out: &mut dyn Write) -> Result<(Source, Run), CliError> {
        let source = self.read()?;
        match script::run(&source.text, &self.options(), out) {
            Ok(run) => Ok((source, run)),
            Err(error) => Err(CliError::Script {
                name: source.name,
                source_text: source.text,
                error: Box::new(error),
            }),
        }
    }
}
