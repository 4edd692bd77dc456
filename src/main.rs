//! The `gradviz` command line; see `gradviz --help`.

mod cli;

/// Counts what the process allocates, so that a script's `--max-memory`
/// can be checked (the limit itself is enforced by the interpreter, which
/// stops the script with an error instead of failing an allocation).
#[global_allocator]
static ALLOCATOR: cap::Cap<mimalloc::MiMalloc> = cap::Cap::new(mimalloc::MiMalloc, usize::MAX);

/// Bytes allocated now.
fn memory_in_use() -> usize {
    ALLOCATOR.allocated()
}

fn main() -> std::process::ExitCode {
    cli::main()
}
