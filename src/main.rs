//! The `gradviz` command line; see `gradviz --help`.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
