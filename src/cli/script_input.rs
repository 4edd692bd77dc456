//! Reading a script (a path or `-` for stdin) and running it with the
//! options every script-taking subcommand shares.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;

use super::CliError;
use gradviz::script::{self, Options, Run};

/// `--max-memory`'s default: 2 GiB.
pub const DEFAULT_MAX_MEMORY: usize = 2 << 30;

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
    /// The most value nodes the script may hold at once.
    #[arg(long, value_name = "N", default_value_t = Options::default().max_nodes)]
    pub max_nodes: usize,
    /// Stop the script after this many seconds.
    #[arg(long, value_name = "SECS", default_value_t = Options::default().timeout, value_parser = parse_timeout)]
    pub timeout: f64,
    /// The most memory the script may hold (`512M`, `2G`, `2GiB`, bytes).
    #[arg(long, value_name = "SIZE", default_value = "2GiB", value_parser = parse_size)]
    pub max_memory: usize,
    /// The seed of `random` until the script calls `random.seed`.
    #[arg(long, value_name = "N", default_value_t = Options::default().seed, allow_negative_numbers = true)]
    pub seed: i64,
    /// Do not group the values made in a method of a script object into a
    /// cluster of that object.
    #[arg(long)]
    pub no_object_clusters: bool,
}

fn parse_timeout(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(t) if t > 0.0 && t.is_finite() => Ok(t),
        _ => Err(format!("`{s}` is not a positive number of seconds")),
    }
}

/// A size with an optional unit: `512M`, `2G`, `2GiB`, `1048576`.
fn parse_size(s: &str) -> Result<usize, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let mult: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" | "kib" => 1024.0,
        "m" | "mb" | "mib" => 1024.0 * 1024.0,
        "g" | "gb" | "gib" => 1024.0 * 1024.0 * 1024.0,
        _ => return Err(format!("`{s}` is not a size (write e.g. 512M or 2G)")),
    };
    match num.parse::<f64>() {
        Ok(n) if n > 0.0 => Ok((n * mult) as usize),
        _ => Err(format!("`{s}` is not a size (write e.g. 512M or 2G)")),
    }
}

impl RunnerArgs {
    /// The runner options from the flags.
    pub fn options(&self) -> Options {
        Options {
            auto_labels: !self.no_auto_labels,
            ieee: self.ieee,
            max_nodes: self.max_nodes,
            timeout: self.timeout,
            max_memory: self.max_memory,
            memory_in_use: Some(crate::memory::in_use),
            seed: self.seed,
            object_groups: !self.no_object_clusters,
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
        let text = super::input::read_text(&self.script, "script")?;
        let name = super::input::name_of(&self.script);
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
