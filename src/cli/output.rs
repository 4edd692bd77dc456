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

/// Writes a line of the command's results to stdout: a closed pipe
/// (`| head`) is not an error, any other failure (a full disk) is. Every
/// line the commands print goes through here or [`note`]: `println!`
/// would panic instead.
pub fn say(line: &str) -> Result<(), CliError> {
    let mut out = io::stdout().lock();
    stdout_result(
        out.write_all(line.as_bytes())
            .and_then(|()| out.write_all(b"\n"))
            .and_then(|()| out.flush()),
    )
}

/// Writes a line of news (`wrote …`) to stderr. A failure is an error
/// (exit code 1), though its message has nowhere to go.
pub fn note(line: &str) -> Result<(), CliError> {
    let mut err = io::stderr().lock();
    err.write_all(line.as_bytes())
        .and_then(|()| err.write_all(b"\n"))
        .and_then(|()| err.flush())
        .map_err(|source| CliError::Io {
            action: "write",
            path: "<stderr>".into(),
            source,
        })
}

/// The most bytes gradviz writes to one file or stream: 1 GiB. A larger
/// output (a diagram of millions of values, or labels of megabytes) is an
/// error, and no file is written.
pub const MAX_OUTPUT: u64 = 1 << 30;

/// What goes into a file: bytes made already, or a function that makes them
/// as they are written (a large DOT or JSON goes to its temporary file piece
/// by piece, never whole in memory).
pub enum Content<'a> {
    /// Bytes made already.
    Bytes(Vec<u8>),
    /// Bytes made already, held by the caller.
    Borrowed(&'a [u8]),
    /// Writes the content (to a buffered, size-limited writer).
    Stream(Writer<'a>),
}

/// A function that writes a content.
pub type Writer<'a> = Box<dyn Fn(&mut dyn Write) -> io::Result<()> + 'a>;

impl Content<'_> {
    /// Writes the content to `out`, refusing more than [`MAX_OUTPUT`]
    /// bytes.
    fn write_to(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut out = io::BufWriter::with_capacity(1 << 16, Limited { out, written: 0 });
        self.write_unlimited(&mut out)?;
        out.flush()
    }

    /// Writes the content to `out` as it is.
    pub fn write_unlimited(&self, out: &mut dyn Write) -> io::Result<()> {
        match self {
            Content::Bytes(bytes) => out.write_all(bytes),
            Content::Borrowed(bytes) => out.write_all(bytes),
            Content::Stream(write) => write(out),
        }
    }
}

impl From<Vec<u8>> for Content<'_> {
    fn from(bytes: Vec<u8>) -> Self {
        Content::Bytes(bytes)
    }
}

/// A writer that refuses to go past [`MAX_OUTPUT`] bytes.
struct Limited<'a> {
    out: &'a mut dyn Write,
    written: u64,
}

/// The error of a write past [`MAX_OUTPUT`].
#[derive(Debug)]
struct TooLarge;

impl std::fmt::Display for TooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "more than {} MiB", MAX_OUTPUT >> 20)
    }
}

impl std::error::Error for TooLarge {}

impl Write for Limited<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.written + buf.len() as u64 > MAX_OUTPUT {
            return Err(io::Error::other(TooLarge));
        }
        let n = self.out.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// The error for a failed write to `path`: past [`MAX_OUTPUT`], or the
/// system's (named by its kind, not the temporary file's path).
fn write_error(path: &Path, source: io::Error) -> CliError {
    if source.get_ref().is_some_and(|e| e.is::<TooLarge>()) {
        return CliError::input(
            format!(
                "`{}` would be larger than {} MiB, the most gradviz writes to one output; nothing was written",
                path.display(),
                MAX_OUTPUT >> 20
            ),
            Some("draw a smaller graph or shorter labels, or pick one diagram with --diagram N"),
        );
    }
    CliError::Io {
        action: "write",
        path: path.to_path_buf(),
        source: io::Error::new(source.kind(), source.kind().to_string()),
    }
}

/// Writes bytes to stdout.
pub fn write_stdout(bytes: &[u8]) -> Result<(), CliError> {
    let mut out = io::stdout().lock();
    stdout_result(out.write_all(bytes).and_then(|()| out.flush()))
}

/// Writes a content to stdout as it is made, up to [`MAX_OUTPUT`] bytes.
pub fn stream_stdout(content: &Content<'_>) -> Result<(), CliError> {
    let mut out = io::stdout().lock();
    match content.write_to(&mut out) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(write_error(Path::new("<stdout>"), e)),
        Ok(()) => Ok(()),
    }
}

/// Writes every file or none: all contents go to temporary files first, then
/// each is renamed over its target; if a rename fails, the files already
/// replaced get their old contents back. A symbolic link is followed (the
/// file it points to is replaced, the link stays). A target that exists but
/// is not a regular file (`/dev/stdout`, a named pipe) is written directly.
/// Each file holds at most [`MAX_OUTPUT`] bytes.
pub fn write_files(files: &[(PathBuf, Vec<u8>)]) -> Result<(), CliError> {
    let contents: Vec<(PathBuf, Content<'_>)> = files
        .iter()
        .map(|(path, bytes)| (path.clone(), Content::Borrowed(bytes)))
        .collect();
    write_contents(&contents)
}

/// [`write_files`], for contents that may be made as they are written.
pub fn write_contents(files: &[(PathBuf, Content<'_>)]) -> Result<(), CliError> {
    let resolved: Vec<(PathBuf, &Content<'_>)> = files
        .iter()
        .map(|(path, content)| (follow_links(path), content))
        .collect();
    commit(stage(&resolved)?)
}

/// Writes each content to a temporary file beside its target.
fn stage<'a>(files: &'a [(PathBuf, &'a Content<'a>)]) -> Result<Vec<Staged<'a>>, CliError> {
    let mut staged = Vec::with_capacity(files.len());
    for (path, content) in files {
        let io_err = |source: io::Error| write_error(path, source);
        if let Some(input) = super::input::input_at(path) {
            return Err(CliError::input(
                format!(
                    "writing `{}` would overwrite `{}`, an input of this command",
                    path.display(),
                    input.display()
                ),
                Some("choose another output"),
            ));
        }
        let existing = std::fs::metadata(path).ok();
        if existing.as_ref().is_some_and(|m| m.is_dir()) {
            return Err(CliError::Io {
                action: "write",
                path: path.clone(),
                source: io::Error::new(io::ErrorKind::IsADirectory, "it is a folder"),
            });
        }
        if existing.as_ref().is_some_and(|m| !m.is_file()) {
            staged.push(Staged::Direct(path, content));
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
        remove_stale_temporaries(dir);
        let prefix = temporary_prefix();
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix);
        // Keep an existing file's permissions; a new one gets the usual
        // 0666 minus umask, not the temporary file's private 0600.
        match &existing {
            Some(m) => {
                builder.permissions(m.permissions());
            }
            None => new_file_permissions(&mut builder),
        }
        let mut tmp = builder.tempfile_in(dir).map_err(io_err)?;
        content.write_to(tmp.as_file_mut()).map_err(io_err)?;
        if let Some(m) = &existing {
            // open(2) applied the umask; an existing file keeps its mode.
            tmp.as_file()
                .set_permissions(m.permissions())
                .map_err(io_err)?;
        }
        tmp.as_file().sync_all().map_err(io_err)?;
        staged.push(Staged::Temp(tmp, path));
    }
    Ok(staged)
}

/// The start of the names of this process's temporary files:
/// `.gradviz-PID-`, so that a later run can tell those of a process that
/// no longer runs (killed while writing) and remove them.
fn temporary_prefix() -> String {
    format!(".gradviz-{}-", std::process::id())
}

/// Removes the temporary files (`.gradviz-PID-…`) that processes no longer
/// running left in `dir`: a SIGKILL during a write cannot be caught, so the
/// next write into the folder cleans up after it. Linux only (it asks
/// `/proc` whether the process runs); elsewhere they stay.
fn remove_stale_temporaries(dir: &Path) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(".gradviz-")) else {
            continue;
        };
        let Some((pid, _)) = rest.split_once('-') else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        let running = Path::new(&format!("/proc/{pid}")).exists();
        if !running && entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Renames the staged files into place, all or none.
fn commit(staged: Vec<Staged<'_>>) -> Result<(), CliError> {
    let mut replaced: Vec<(&PathBuf, Option<tempfile::TempPath>)> = Vec::new();
    for staged in staged {
        match staged {
            Staged::Temp(tmp, path) => {
                let backup = keep_old(path);
                if let Err(e) = tmp.persist(path) {
                    restore(replaced);
                    return Err(CliError::Io {
                        action: "write",
                        path: path.clone(),
                        source: e.error,
                    });
                }
                replaced.push((path, backup));
            }
            Staged::Direct(path, content) => {
                let r = std::fs::OpenOptions::new()
                    .write(true)
                    .open(path)
                    .and_then(|mut f| content.write_to(&mut f));
                match r {
                    Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
                    Err(source) => return Err(write_error(path, source)),
                    Ok(()) => {}
                }
            }
        }
    }
    Ok(())
}

/// Where writing to `path` should go: the file a symbolic link points to
/// (resolved relative to the link's folder), or `path` itself.
fn follow_links(path: &Path) -> PathBuf {
    let mut path = path.to_path_buf();
    // A bounded number of hops: a loop of links is left to fail later.
    for _ in 0..40 {
        // A link to a pipe or a terminal (`/dev/stdout`) is written
        // through as it is: its target (`pipe:[…]`) is no path.
        if std::fs::metadata(&path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
            break;
        }
        let Ok(target) = std::fs::read_link(&path) else {
            break;
        };
        path = match path.parent() {
            Some(dir) if target.is_relative() => dir.join(target),
            _ => target,
        };
    }
    path
}

/// A second name (a hard link) for the file at `path`, if there is one,
/// so that its contents can come back if a later file of the same write
/// fails; deleted when dropped.
fn keep_old(path: &Path) -> Option<tempfile::TempPath> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    tempfile::Builder::new()
        .prefix(&format!("{}old-", temporary_prefix()))
        .make_in(dir, |p| std::fs::hard_link(path, p))
        .ok()
        .map(tempfile::NamedTempFile::into_temp_path)
}

/// Undoes the renames of a write that failed part way: old contents go
/// back, files that did not exist before are removed.
fn restore(replaced: Vec<(&PathBuf, Option<tempfile::TempPath>)>) {
    for (path, backup) in replaced.into_iter().rev() {
        match backup {
            Some(old) => {
                let _ = old.persist(path);
            }
            None => {
                let _ = std::fs::remove_file(path);
            }
        }
    }
}

enum Staged<'a> {
    Temp(tempfile::NamedTempFile, &'a PathBuf),
    Direct(&'a PathBuf, &'a Content<'a>),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A rename that fails part way puts back what the earlier ones replaced.
    #[test]
    fn a_failed_rename_restores_the_files_already_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b, c) = (
            dir.path().join("a.svg"),
            dir.path().join("b.svg"),
            dir.path().join("c.svg"),
        );
        std::fs::write(&a, "old a").unwrap();
        let (new_a, new_b, new_c) = (b"new a".to_vec(), b"new b".to_vec(), b"new c".to_vec());
        let (new_a, new_b, new_c) = (new_a.into(), new_b.into(), new_c.into());
        let files = [
            (a.clone(), &new_a),
            (c.clone(), &new_c),
            (b.clone(), &new_b),
        ];
        let staged = stage(&files).unwrap();
        // After staging, b.svg becomes a folder: its rename must fail.
        std::fs::create_dir(&b).unwrap();
        std::fs::write(b.join("x"), "").unwrap();
        assert!(commit(staged).is_err());
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "old a");
        assert!(!c.exists(), "a file new in the failed write is removed");
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(left.len(), 2, "no temporary files left: {left:?}");
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_is_followed_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("real.svg");
        let link = dir.path().join("link.svg");
        std::fs::write(&target, "old").unwrap();
        std::os::unix::fs::symlink("real.svg", &link).unwrap();
        write_files(&[(link.clone(), b"new".to_vec())]).unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
    }
}
