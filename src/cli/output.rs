//! Where rendered bytes go: stdout, or files written atomically (a temporary
//! file in the target folder, renamed into place), so that an error never
//! leaves a partial or clobbered file.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::CliError;

/// Maps the result of writing to stdout: a closed pipe (`| head`) is not an
/// error.
pub fn stdout_result(r: io::Result<()>) -> Result<(), CliError> {
    match r {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(source) => Err(CliError::Io {
            action: "write",
            path: "<stdout>".into(),
            source,
        }),
        Ok(()) => Ok(()),
    }
}

/// Writes bytes to stdout.
pub fn write_stdout(bytes: &[u8]) -> Result<(), CliError> {
    let mut out = io::stdout().lock();
    stdout_result(out.write_all(bytes).and_then(|()| out.flush()))
}

/// Writes every file or none: all contents go to temporary files first, then
/// each is renamed over its target.
pub fn write_files(files: &[(PathBuf, Vec<u8>)]) -> Result<(), CliError> {
    let mut staged = Vec::with_capacity(files.len());
    for (path, bytes) in files {
        let io_err = |source| CliError::Io {
            action: "write",
            path: path.clone(),
            source,
        };
        if path.is_dir() {
            return Err(io_err(io::Error::other("it is a directory")));
        }
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let mut tmp = tempfile::Builder::new()
            .prefix(".gradviz-")
            .tempfile_in(dir)
            .map_err(io_err)?;
        tmp.write_all(bytes).map_err(io_err)?;
        tmp.as_file().sync_all().map_err(io_err)?;
        staged.push((tmp, path));
    }
    for (tmp, path) in staged {
        tmp.persist(path).map_err(|e| CliError::Io {
            action: "write",
            path: path.clone(),
            source: e.error,
        })?;
    }
    Ok(())
}
