//! `gradviz render`: a script's diagrams as DOT, JSON or shape text.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::CliError;
use super::output::{is_stream, write_files, write_stdout};
use super::script_input::ScriptArgs;
use gradviz::render::{DotOptions, RankDir, to_dot, to_json, to_shape};
use gradviz::script::Diagram;

/// Output formats of `gradviz render`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Graphviz DOT in the style of micrograd's draw_dot.
    Dot,
    /// The graph as JSON data (nodes and edges).
    Json,
    /// The graph's shape as text (ops, labels, structure; no numbers).
    Shape,
}

impl Format {
    fn extension(self) -> &'static str {
        match self {
            Format::Dot => "dot",
            Format::Json => "json",
            Format::Shape => "txt",
        }
    }

    fn from_path(path: &Path) -> Result<Format, CliError> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("dot" | "gv") => Ok(Format::Dot),
            Some("json") => Ok(Format::Json),
            Some("txt") => Ok(Format::Shape),
            Some(other) => Err(CliError::usage(
                format!("cannot tell the format from the extension `.{other}`"),
                Some("use a .dot, .gv, .json or .txt file name, or pass --format"),
            )),
            None => Err(CliError::usage(
                format!(
                    "cannot tell the format of `{}`: it has no extension",
                    path.display()
                ),
                Some("pass --format dot|json|shape"),
            )),
        }
    }
}

/// The layout direction on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RankDirArg {
    /// Left to right (draw_dot's default).
    #[value(name = "LR", alias = "lr")]
    Lr,
    /// Top to bottom.
    #[value(name = "TB", alias = "tb")]
    Tb,
    /// Right to left.
    #[value(name = "RL", alias = "rl")]
    Rl,
    /// Bottom to top.
    #[value(name = "BT", alias = "bt")]
    Bt,
}

impl From<RankDirArg> for RankDir {
    fn from(r: RankDirArg) -> RankDir {
        match r {
            RankDirArg::Lr => RankDir::LR,
            RankDirArg::Tb => RankDir::TB,
            RankDirArg::Rl => RankDir::RL,
            RankDirArg::Bt => RankDir::BT,
        }
    }
}

/// Arguments of `gradviz render`.
#[derive(Args, Debug)]
pub struct RenderArgs {
    #[command(flatten)]
    script: ScriptArgs,
    /// Output format [default: from the -o file's extension, else dot]
    #[arg(short, long, value_enum)]
    format: Option<Format>,
    /// Write to FILE instead of stdout (`-` is stdout). With several
    /// diagrams, FILE-1.ext, FILE-2.ext, … are written.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Layout direction [default: draw_dot's rankdir argument, else LR]
    #[arg(long, value_enum)]
    rankdir: Option<RankDirArg>,
    /// Render only the N-th diagram of the script (counting from 1).
    #[arg(long, value_name = "N")]
    diagram: Option<usize>,
}

/// Runs the script and writes its diagrams.
pub fn render(args: &RenderArgs) -> Result<(), CliError> {
    let output = args.output.as_ref().filter(|p| p.as_os_str() != "-");
    let format = match (args.format, output) {
        (Some(f), _) => f,
        (None, Some(path)) => Format::from_path(path)?,
        (None, None) => Format::Dot,
    };
    if let Some(path) = output
        && !args.script.is_stdin()
        && same_file(path, &args.script.script)
    {
        return Err(CliError::usage(
            format!("the output `{}` is the input script", path.display()),
            Some("choose another output file"),
        ));
    }
    // `print` output of the script is not part of a diagram.
    let (_, run) = args.script.run(&mut std::io::sink())?;
    let diagrams = select(&run.diagrams, args.diagram)?;
    let rendered: Vec<String> = diagrams
        .iter()
        .map(|d| render_one(d, format, args.rankdir.map(Into::into)))
        .collect();
    match output {
        None => write_stdout(join(&rendered, format).as_bytes()),
        Some(path) if rendered.len() == 1 || is_stream(path) => {
            write_files(&[(path.clone(), join(&rendered, format).into_bytes())])
        }
        Some(path) => {
            let files: Vec<(PathBuf, Vec<u8>)> = rendered
                .into_iter()
                .enumerate()
                .map(|(i, text)| (numbered(path, i + 1, format), text.into_bytes()))
                .collect();
            write_files(&files)?;
            let names: Vec<String> = files.iter().map(|(p, _)| p.display().to_string()).collect();
            eprintln!("wrote {} diagrams: {}", files.len(), names.join(", "));
            Ok(())
        }
    }
}

fn select(diagrams: &[Diagram], which: Option<usize>) -> Result<Vec<&Diagram>, CliError> {
    if diagrams.is_empty() {
        return Err(CliError::input(
            "the script has no value to draw",
            Some("create a Value, or call draw_dot(v) or v.backward()"),
        ));
    }
    match which {
        None => Ok(diagrams.iter().collect()),
        Some(n) if (1..=diagrams.len()).contains(&n) => Ok(vec![&diagrams[n - 1]]),
        Some(n) => Err(CliError::usage(
            format!("there is no diagram {n}: the script has {}", diagrams.len()),
            Some("diagrams are counted from 1, one per draw_dot call"),
        )),
    }
}

fn render_one(d: &Diagram, format: Format, rankdir: Option<RankDir>) -> String {
    match format {
        Format::Dot => {
            let rankdir = rankdir
                .or_else(|| d.rankdir.as_deref().and_then(|r| r.parse().ok()))
                .unwrap_or_default();
            to_dot(&d.graph, d.root, &DotOptions { rankdir })
        }
        Format::Json => to_json(&d.graph, d.root),
        Format::Shape => to_shape(&d.graph, d.root),
    }
}

/// Several diagrams on stdout: DOT files may hold several graphs, JSON
/// becomes an array, shape texts are separated by a blank line.
fn join(rendered: &[String], format: Format) -> String {
    if rendered.len() == 1 {
        return rendered[0].clone();
    }
    match format {
        Format::Dot => rendered.concat(),
        Format::Json => format!("[\n{}]\n", rendered.join(",\n")),
        Format::Shape => rendered.join("\n"),
    }
}

fn numbered(path: &Path, n: usize, format: Format) -> PathBuf {
    let stem = path
        .file_stem()
        .map_or_else(|| "diagram".into(), |s| s.to_string_lossy());
    let ext = path
        .extension()
        .map_or_else(|| format.extension().into(), |e| e.to_string_lossy());
    path.with_file_name(format!("{stem}-{n}.{ext}"))
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}
