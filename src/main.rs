//! The `gradviz` command line; see `gradviz --help`.

mod cli;
mod memory;

fn main() -> std::process::ExitCode {
    cli::main()
}
