//! SVG: laid out in-process by the embedded engine (graphviz-pure, a Rust
//! port of Graphviz; deterministic, no system Graphviz needed), or by the
//! system `dot` when asked for; `auto` uses `dot` when it is on `PATH`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Which layout engine turns DOT into SVG.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Engine {
    /// The embedded engine (cargo feature `embedded`, on by default).
    #[default]
    Embedded,
    /// The system Graphviz `dot`, run as a child process (no shell).
    System,
    /// The system `dot` when it is on `PATH`, the embedded engine otherwise.
    Auto,
}

/// Errors of SVG and PNG rendering.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The graph is too large for the embedded engine to lay out quickly.
    #[error("the graph has {values} values, more than the embedded layout engine takes ({limit})")]
    TooLarge {
        /// Value nodes in the diagram.
        values: usize,
        /// The configured limit.
        limit: usize,
    },
    /// `--engine dot` but no `dot` on `PATH`.
    #[error("the system Graphviz `dot` was not found on PATH")]
    DotMissing,
    /// `dot` ran and failed.
    #[error("the system `dot` failed: {0}")]
    DotFailed(String),
    /// The embedded engine rejected the DOT.
    #[error("the embedded layout engine failed: {0}")]
    Layout(String),
    /// Built without the `embedded` feature.
    #[error("gradviz was built without the embedded layout engine (cargo feature `embedded`)")]
    NoEmbedded,
    /// The PNG could not be made.
    #[error("cannot make the PNG: {0}")]
    Png(String),
    /// The layout did not finish in time.
    #[error("the layout did not finish within {0} s")]
    Timeout(u64),
}

impl RenderError {
    /// How to get around the error.
    pub fn hint(&self) -> Option<&'static str> {
        Some(match self {
            RenderError::TooLarge { .. } => {
                "write DOT instead (--format dot), draw a smaller root (draw_dot(v) of a sub-expression), \
                 collapse clusters, or raise --max-layout-nodes and wait"
            }
            RenderError::DotMissing => {
                "install Graphviz (apt install graphviz), or use the embedded engine (--engine embedded)"
            }
            RenderError::NoEmbedded => "rebuild with the default features, or use --engine dot",
            RenderError::Timeout(_) => {
                "some graphs are slow for Graphviz's layout (many long edges, e.g. one value used at every step of a chain): \
                 write DOT instead (--format dot), draw a smaller root, or raise --layout-timeout"
            }
            _ => return None,
        })
    }
}

/// Refuses a diagram with more than `limit` values for the embedded engine,
/// whose layout cost grows quickly with size.
///
/// ```
/// use gradviz::render::svg::check_layout_size;
/// assert!(check_layout_size(126, 2_500).is_ok());
/// assert!(check_layout_size(65_818, 2_500).is_err());
/// ```
pub fn check_layout_size(values: usize, limit: usize) -> Result<(), RenderError> {
    if values > limit {
        Err(RenderError::TooLarge { values, limit })
    } else {
        Ok(())
    }
}

/// The system `dot` on `PATH`, if any.
pub fn find_dot() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("dot"))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        p.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        p.is_file()
    }
}

/// The engine `auto` resolves to on this machine.
pub fn resolve(engine: Engine) -> Engine {
    match engine {
        Engine::Auto if find_dot().is_some() => Engine::System,
        Engine::Auto => Engine::Embedded,
        e => e,
    }
}

/// [`to_svg`] that gives up after `timeout` seconds. The embedded engine runs
/// on a thread that cannot be stopped: after a timeout it keeps using a CPU
/// until it finishes (a command-line process exits anyway, a long-running
/// program should prefer a size limit); the system `dot` is killed.
pub fn to_svg_within(dot: &str, engine: Engine, timeout: u64) -> Result<String, RenderError> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(timeout);
    to_svg_until(dot, engine, deadline, timeout)
}

/// [`to_svg`] that gives up at `deadline`, which is the end of a budget of
/// `budget` seconds (named in the error) shared by several layouts, e.g.
/// the frames of `gradviz steps`.
pub fn to_svg_until(
    dot: &str,
    engine: Engine,
    deadline: std::time::Instant,
    budget: u64,
) -> Result<String, RenderError> {
    let limit = deadline.saturating_duration_since(std::time::Instant::now());
    if limit.is_zero() {
        return Err(RenderError::Timeout(budget));
    }
    match resolve(engine) {
        Engine::System => system_dot_within(dot, Some(limit)).map_err(|e| match e {
            RenderError::DotFailed(m) if m == TIMED_OUT => RenderError::Timeout(budget),
            e => e,
        }),
        _ => {
            let (tx, rx) = std::sync::mpsc::channel();
            let input = dot.to_string();
            std::thread::spawn(move || {
                let _ = tx.send(embedded(&input));
            });
            rx.recv_timeout(limit)
                .unwrap_or(Err(RenderError::Timeout(budget)))
        }
    }
}

const TIMED_OUT: &str = "timed out";

/// The most SVG read from the system `dot` (the lecture MLP's is 0.2 MiB);
/// its messages get 1/256 of it.
const MAX_DOT_OUTPUT: u64 = 64 << 20;

/// Lays out `dot` (one graph) and returns the SVG.
///
/// ```
/// # #[cfg(feature = "embedded")] {
/// use gradviz::render::svg::{to_svg, Engine};
/// let svg = to_svg("digraph { a -> b }", Engine::Embedded).unwrap();
/// assert!(svg.contains("<svg"));
/// # }
/// ```
pub fn to_svg(dot: &str, engine: Engine) -> Result<String, RenderError> {
    match resolve(engine) {
        Engine::System => system_dot(dot),
        _ => embedded(dot),
    }
}

#[cfg(feature = "embedded")]
fn embedded(dot: &str) -> Result<String, RenderError> {
    graphviz_pure::render_dot(dot, "dot", "svg")
        .map(graphviz_pure::Rendered::into_output)
        .map_err(|e| RenderError::Layout(e.to_string()))
}

#[cfg(not(feature = "embedded"))]
fn embedded(_: &str) -> Result<String, RenderError> {
    Err(RenderError::NoEmbedded)
}

/// Pipes `dot` through `dot -Tsvg`. The input is written from a thread so a
/// large graph cannot deadlock on full pipes.
fn system_dot(dot: &str) -> Result<String, RenderError> {
    system_dot_within(dot, None)
}

fn system_dot_within(dot: &str, limit: Option<std::time::Duration>) -> Result<String, RenderError> {
    let exe = find_dot().ok_or(RenderError::DotMissing)?;
    let mut child = Command::new(exe)
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| RenderError::DotFailed(e.to_string()))?;
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let input = dot.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    // Read both pipes while waiting, so a large SVG cannot fill a pipe and
    // block `dot`; each up to a bound, past which `dot` is stopped (a
    // broken `dot` that floods its output must not fill the memory).
    let flooded = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let read_all = |r: Box<dyn std::io::Read + Send>, bound: u64| {
        let flooded = flooded.clone();
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = std::io::Read::read_to_end(&mut std::io::Read::take(r, bound + 1), &mut buf);
            if buf.len() as u64 > bound {
                flooded.store(true, std::sync::atomic::Ordering::Relaxed);
            }
            buf
        })
    };
    let stdout = read_all(
        Box::new(child.stdout.take().expect("stdout is piped")),
        MAX_DOT_OUTPUT,
    );
    let stderr = read_all(
        Box::new(child.stderr.take().expect("stderr is piped")),
        MAX_DOT_OUTPUT >> 8,
    );
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child
            .try_wait()
            .map_err(|e| RenderError::DotFailed(e.to_string()))?
        {
            break status;
        }
        if flooded.load(std::sync::atomic::Ordering::Relaxed) {
            let _ = child.kill();
            let _ = child.wait();
            return Err(RenderError::DotFailed(format!(
                "it wrote more than {} MiB",
                MAX_DOT_OUTPUT >> 20
            )));
        }
        if limit.is_some_and(|l| start.elapsed() > l) {
            let _ = child.kill();
            let _ = child.wait();
            return Err(RenderError::DotFailed(TIMED_OUT.into()));
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    let _ = writer.join();
    let stdout = stdout.join().unwrap_or_default();
    if flooded.load(std::sync::atomic::Ordering::Relaxed) {
        // It may have died of the closed pipe first.
        return Err(RenderError::DotFailed(format!(
            "it wrote more than {} MiB",
            MAX_DOT_OUTPUT >> 20
        )));
    }
    let out = std::process::Output {
        status,
        stdout,
        stderr: stderr.join().unwrap_or_default(),
    };
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let first = err
            .lines()
            .next()
            .unwrap_or("no message")
            .trim()
            .to_string();
        return Err(RenderError::DotFailed(format!("{} ({first})", out.status)));
    }
    String::from_utf8(out.stdout)
        .map_err(|_| RenderError::DotFailed("its output is not UTF-8".into()))
}

/// The `<svg …>…</svg>` element of an SVG document (without the XML
/// declaration and doctype), for inlining into HTML.
pub fn svg_element(svg: &str) -> &str {
    svg.find("<svg").map_or(svg, |i| &svg[i..])
}
