//! Command-line definitions (clap) and dispatch: one small module per
//! subcommand, shared plumbing for reading scripts, writing output and
//! reporting errors.

mod error;
mod gradcheck;
mod input;
mod notes;
mod output;
mod plot;
mod render;
mod run;
mod script_input;
mod steps;
mod train;
mod view_args;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use error::CliError;

const EXAMPLES: &str = "\
Examples:
  gradviz run fixtures/micrograd_readme.py
  gradviz render fixtures/lecture_neuron.py -o neuron.svg
  gradviz render fixtures/micrograd_readme.py -o readme.png --color
  gradviz render fixtures/lecture_neuron.py --chain-rule -o neuron-chain.svg
  gradviz steps fixtures/lecture_neuron.py -o neuron-steps
  gradviz render fixtures/lecture_neuron.py --format json
  gradviz render fixtures/micrograd_readme.py -o readme.html   (pan, zoom, hover, search)
  gradviz render fixtures/lecture_neuron.py --rankdir TB | dot -Tsvg > neuron.svg   (needs Graphviz)
  echo \"a = Value(2.0); b = a * a; b.backward()\" | gradviz render -";

/// gradviz: micrograd's autograd engine on a real graph, and its diagrams.
#[derive(Parser, Debug)]
#[command(name = "gradviz", version, about, after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run a micrograd script and print what it prints.
    #[command(after_help = "Example:\n  gradviz run fixtures/micrograd_readme.py")]
    Run(run::RunArgs),
    /// Render a script's diagram (its draw_dot calls, else the root of the
    /// last .backward(), else the last assigned value) as DOT, JSON, shape
    /// text, SVG, PNG or an interactive HTML page.
    #[command(
        after_help = "Examples:\n  gradviz render fixtures/lecture_neuron.py -o neuron.dot\n  gradviz render fixtures/micrograd_readme.py --format json -o readme.json\n  gradviz render fixtures/lecture_L.py --diagram 2 --rankdir TB"
    )]
    Render(render::RenderArgs),
    /// Backpropagation one node at a time: an SVG frame per step of the
    /// backward walk (reverse topological order), all laid out alike, and an
    /// index.html viewer that plays them.
    #[command(
        after_help = "Example:\n  gradviz steps fixtures/lecture_neuron.py -o neuron-steps\n  (then open neuron-steps/index.html)"
    )]
    Steps(steps::StepsArgs),
    /// Train the lecture's MLP or micrograd's moons demo, with progress and
    /// plots.
    #[command(
        after_help = "Examples:\n  gradviz train lecture\n  gradviz train lecture --lr 1.0          # too large a step: watch it diverge\n  gradviz train lecture --no-zero-grad   # the lecture's bug\n  gradviz train moons -o moons-plots\n  gradviz train moons --data points.csv"
    )]
    Train(train::TrainArgs),
    /// Check every leaf's gradient against a central finite difference.
    #[command(after_help = "Example:\n  gradviz gradcheck fixtures/micrograd_readme.py")]
    Gradcheck(gradcheck::GradcheckArgs),
    /// Plot a function of x, its derivative from the backward pass and the
    /// finite-difference slope as SVG.
    #[command(
        after_help = "Example:\n  gradviz plot \"3*x**2 - 4*x + 5\" --from -5 --to 5 -o f.svg"
    )]
    Plot(plot::PlotArgs),
    /// Render the micrograd code blocks of a Markdown file: each block runs,
    /// its diagrams (SVG files) and printed output are inserted after it.
    #[command(
        after_help = "Example:\n  gradviz notes docs/lecture.md -o docs/lecture.md   # idempotent, in place\n\nBlocks are marked ```micrograd or ```python gradviz."
    )]
    Notes(notes::NotesArgs),
    /// Run as an mdBook preprocessor: add `[preprocessor.gradviz]` to
    /// book.toml (options: inline = true|false, assets = "DIR").
    #[command(
        after_help = "book.toml:\n  [preprocessor.gradviz]\n  command = \"gradviz mdbook\"\n  inline = true   # SVG inline; false writes files into src/gradviz-assets"
    )]
    Mdbook {
        #[command(flatten)]
        args: notes::MdbookArgs,
        #[command(flatten)]
        view: view_args::ViewArgs,
    },
}

/// Parses the command line, runs the subcommand and turns errors into a
/// message on stderr and exit code 1 (clap exits with 2 on usage errors).
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_or_help(&e),
    };
    crate::memory::set_limit(
        cli.command.max_memory().saturating_mul(3) / 2,
        "--max-memory",
    );
    let result = match cli.command {
        Command::Run(args) => run::run(&args),
        Command::Render(args) => render::render(&args),
        Command::Steps(args) => steps::steps(&args),
        Command::Train(args) => train::train(&args),
        Command::Gradcheck(args) => gradcheck::gradcheck_cmd(&args),
        Command::Plot(args) => plot::plot(&args),
        Command::Notes(args) => notes::notes(&args),
        Command::Mdbook { args, view } => notes::mdbook(&args, &view),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => e.report(),
    }
}

/// Prints what clap has to say instead of running a command — `--help`,
/// `--version` or a usage error — through a checked write: a full stdout
/// is an error (exit code 1), a closed pipe is not.
fn usage_or_help(e: &clap::Error) -> ExitCode {
    match e.print() {
        Err(io) if io.kind() != std::io::ErrorKind::BrokenPipe => {
            let to = if e.use_stderr() {
                "<stderr>"
            } else {
                "<stdout>"
            };
            CliError::Io {
                action: "write",
                path: to.into(),
                source: io,
            }
            .report()
        }
        _ => ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2)),
    }
}

impl Command {
    /// The command's `--max-memory` (its default where it has none): what a
    /// script may hold. The process as a whole stops at 1.5 × that, which
    /// leaves room to lay out and write what the script drew.
    fn max_memory(&self) -> usize {
        match self {
            Command::Run(a) => a.script.run.max_memory,
            Command::Render(a) => a.script.run.max_memory,
            Command::Steps(a) => a.script.run.max_memory,
            Command::Gradcheck(a) => a.script.run.max_memory,
            Command::Notes(a) => a.run.max_memory,
            Command::Train(_) | Command::Plot(_) | Command::Mdbook { .. } => {
                script_input::DEFAULT_MAX_MEMORY
            }
        }
    }
}

#[cfg(test)]
mod tests {
    /// clap's own checks of every subcommand's arguments (unique names and
    /// groups, valid defaults), which otherwise fail only when a subcommand
    /// is first used.
    #[test]
    fn the_command_line_is_well_formed() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
