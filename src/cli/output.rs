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
/// each is renamed over its target. A target that exists but is not a
/// regular file (`/dev/stdout`, a named pipe) is written directly.
pub fn write_files(files: &[(PathBuf, Vec<u8>)]) -> Result<(), CliError> {
    let mut staged = Vec::with_capacity(files.len());
    for (path, bytes) in files {
        let io_err = |source: io::Error| CliError::Io {
            action: "write",
            path: path.clone(),
            // Name the cause, not the temporary file's path.
            source: io::Error::new(source.kind(), source.kind().to_string()),
        };
        let existing = std::fs::metadata(path).ok();
        if existing.as_ref().is_some_and(|m| m.is_dir()) {
            return Err(io_err(io::Error::other("it is a directory")));
        }
        if existing.as_ref().is_some_and(|m| !m.is_file()) {
            staged.push(Staged::Direct(path, bytes));
            continue;
        }
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        if !dir.is_dir() {
            return Err(CliError::Io {
                action: "write",
                path: path.clone(),
                source: io::Error::new(
                    io::ErrorKind::NotFound,
                    format!("the folder `{}` does not exist", dir.display()),
                ),
            });
        }
        let mut builder = tempfile::Builder::new();
        builder.prefix(".gradviz-");
        // Keep an existing file's permissions; a new one gets the usual
        // 0666 minus umask, not the temporary file's private 0600.
        match &existing {
            Some(m) => {
                builder.permissions(m.permissions());
            }
            None => new_file_permissions(&mut builder),
        }
        let mut tmp = builder.tempfile_in(dir).map_err(io_err)?;
        tmp.write_all(bytes).map_err(io_err)?;
        if let Some(m) = &existing {
            // open(2) applied the umask; an existing file keeps its mode.
            tmp.as_file()
                .set_permissions(m.permissions())
                .map_err(io_err)?;
        }
        tmp.as_file().sync_all().map_err(io_err)?;
        staged.push(Staged::Temp(tmp, path));
    }
    for staged in staged {
        match staged {
            Staged::Temp(tmp, path) => {
                tmp.persist(path).map_err(|e| CliError::Io {
                    action: "write",
                    path: path.clone(),
                    source: e.error,
                })?;
            }
            Staged::Direct(path, bytes) => {
                let r = std::fs::OpenOptions::new()
                    .write(true)
                    .open(path)
                    .and_then(|mut f| f.write_all(bytes));
                match r {
                    Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
                    Err(source) => {
                        return Err(CliError::Io {
                            action: "write",
                            path: path.clone(),
                            source,
                        });
                    }
                    Ok(()) => {}
                }
            }
        }
    }
    Ok(())
}

enum Staged<'a> {
    Temp(tempfile::NamedTempFile, &'a PathBuf),
    Direct(&'a PathBuf, &'a Vec<u8>),
}

/// Whether `path` is an existing non-regular file (a device or a pipe), to
/// which several outputs are written one after the other.
pub fn is_stream(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

#[cfg(unix)]
fn new_file_permissions(builder: &mut tempfile::Builder) {
    use std::os::unix::fs::PermissionsExt;
    // Created with open(2), so the process umask still applies.
    builder.permissions(std::fs::Permissions::from_mode(0o666));
}

#[cfg(not(unix))]
fn new_file_permissions(_: &mut tempfile::Builder) {}
