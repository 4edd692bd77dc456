//! Where input bytes come from: one bounded reader for every script,
//! Markdown file, data file and stdin a command reads, and the register of
//! the files read, which the writer ([`super::output`]) checks every target
//! against before it writes anything — so that no command overwrites its
//! own input, whatever links or numbered names lead there.

use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::CliError;

/// The most bytes gradviz reads from one input (a script, notes, a data
/// file, stdin): 32 MiB. Beyond is an error, not an out-of-memory kill
/// (`gradviz run /dev/zero`).
pub const MAX_INPUT: u64 = 32 << 20;

/// The files read so far by this command: device, inode and the name used.
static READ: Mutex<Vec<(u64, u64, PathBuf)>> = Mutex::new(Vec::new());

/// Reads an input file, or stdin for `-`, up to [`MAX_INPUT`] bytes, and
/// registers the file as an input of this command.
pub fn read(path: &Path) -> Result<Vec<u8>, CliError> {
    let io_err = |source| CliError::Io {
        action: "read",
        path: path.to_path_buf(),
        source,
    };
    if path == Path::new("-") {
        return bounded(io::stdin().lock(), path);
    }
    let file = std::fs::File::open(path).map_err(io_err)?;
    let meta = file.metadata().map_err(io_err)?;
    if meta.is_dir() {
        return Err(io_err(io::Error::new(
            io::ErrorKind::IsADirectory,
            "it is a folder",
        )));
    }
    remember(&meta, path);
    bounded(file, path)
}

/// [`read`], as UTF-8 text; `what` names the content for the error
/// (`script`, `notes`).
pub fn read_text(path: &Path, what: &str) -> Result<String, CliError> {
    let bytes = read(path)?;
    String::from_utf8(bytes).map_err(|_| {
        CliError::input(
            format!("`{}` is not UTF-8 text", name_of(path)),
            Some(&format!("save the {what} as UTF-8")),
        )
    })
}

/// Reads stdin whole (for `mdbook`'s JSON), up to [`MAX_INPUT`] bytes.
pub fn read_stdin() -> Result<String, CliError> {
    let bytes = bounded(io::stdin().lock(), Path::new("-"))?;
    String::from_utf8(bytes)
        .map_err(|_| CliError::input("stdin is not UTF-8 text".to_string(), None))
}

/// The name an input is shown by.
pub fn name_of(path: &Path) -> String {
    if path == Path::new("-") {
        "<stdin>".into()
    } else {
        path.display().to_string()
    }
}

/// Reads `r` to its end, or fails past [`MAX_INPUT`] bytes.
fn bounded(r: impl Read, path: &Path) -> Result<Vec<u8>, CliError> {
    let mut bytes = Vec::new();
    r.take(MAX_INPUT + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| CliError::Io {
            action: "read",
            path: path.to_path_buf(),
            source,
        })?;
    if bytes.len() as u64 > MAX_INPUT {
        return Err(CliError::input(
            format!(
                "`{}` is larger than the {} MiB gradviz reads from one input",
                name_of(path),
                MAX_INPUT >> 20
            ),
            Some("scripts, notes and data files are text of a few megabytes at most"),
        ));
    }
    Ok(bytes)
}

#[cfg(unix)]
fn identity(meta: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn identity(_: &std::fs::Metadata) -> (u64, u64) {
    (0, 0)
}

fn remember(meta: &std::fs::Metadata, path: &Path) {
    if !meta.is_file() {
        return; // a pipe or a device is read, never written over
    }
    let (dev, ino) = identity(meta);
    if let Ok(mut read) = READ.lock() {
        read.push((dev, ino, path.to_path_buf()));
    }
}

/// Takes the file at `path` off the register: the one input a command may
/// write over on purpose (`notes IN.md -o IN.md` rewrites its notes in
/// place, idempotently). Any other file it read stays protected.
pub fn may_overwrite(path: &Path) {
    let Ok(meta) = std::fs::metadata(path) else {
        return;
    };
    let id = identity(&meta);
    if let Ok(mut read) = READ.lock() {
        read.retain(|(dev, ino, _)| (*dev, *ino) != id);
    }
}

/// The input of this command that the file at `path` is (through any
/// links or hard links), if it is one.
pub fn input_at(path: &Path) -> Option<PathBuf> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || cfg!(not(unix)) {
        return None;
    }
    let id = identity(&meta);
    let read = READ.lock().ok()?;
    read.iter()
        .find(|(dev, ino, _)| (*dev, *ino) == id)
        .map(|(_, _, p)| p.clone())
}

/// Whether the regular file at `path` holds exactly `bytes` (read no
/// further than that): an output that is not a regular file, or missing,
/// does not.
pub fn holds(path: &Path, bytes: &[u8]) -> bool {
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    if !file
        .metadata()
        .is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
    {
        return false;
    }
    let mut have = Vec::with_capacity(bytes.len());
    file.take(bytes.len() as u64 + 1)
        .read_to_end(&mut have)
        .is_ok_and(|_| have == bytes)
}
