//! `gradviz run`: execute a script, print what it prints.

use std::io::{self, BufWriter, Write};

use clap::Args;

use super::CliError;
use super::output::stdout_result;
use super::script_input::ScriptArgs;

/// Arguments of `gradviz run`.
#[derive(Args, Debug)]
pub struct RunArgs {
    #[command(flatten)]
    pub(super) script: ScriptArgs,
}

/// Runs the script with its output streamed to stdout.
pub fn run(args: &RunArgs) -> Result<(), CliError> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let result = args.script.run(&mut out);
    // Flush what the script printed before any error message.
    stdout_result(out.flush())?;
    result.map(|_| ())
}
