//! `gradviz render`: a script's diagrams as DOT, JSON or shape text.

use std::path::{Path, PathBuf};

use std::io::{IsTerminal, Write};

use clap::{Args, ValueEnum};

use super::CliError;
use super::output::{Content, is_stream, stream_stdout, write_contents};
use super::script_input::ScriptArgs;
use super::view_args::ViewArgs;
#[cfg(feature = "png")]
use gradviz::render::png::PngSize;
use gradviz::render::viewer::{Slide, viewer_page};
use gradviz::render::{write_dot, write_json, write_shape};
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
    /// An SVG image (embedded layout engine by default, see --engine).
    Svg,
    /// A PNG image, rasterised in-process (see --scale).
    Png,
    /// An interactive page: the SVG with pan, zoom, hover, highlight and
    /// search, self-contained (no network).
    Html,
}

impl Format {
    /// The format's name, as `--format` takes it.
    fn name(self) -> &'static str {
        match self {
            Format::Dot => "dot",
            Format::Json => "json",
            Format::Shape => "shape",
            Format::Svg => "svg",
            Format::Png => "png",
            Format::Html => "html",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Format::Dot => "dot",
            Format::Json => "json",
            Format::Shape => "txt",
            Format::Svg => "svg",
            Format::Png => "png",
            Format::Html => "html",
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
            Some("svg") => Ok(Format::Svg),
            Some("png") => Ok(Format::Png),
            Some("html" | "htm") => Ok(Format::Html),
            Some(other) => Err(CliError::usage(
                format!("cannot tell the format from the extension `.{other}`"),
                Some(
                    "use a .dot, .gv, .json, .txt, .svg, .png or .html file name, or pass --format",
                ),
            )),
            None => Err(CliError::usage(
                format!(
                    "cannot tell the format of `{}`: it has no extension",
                    path.display()
                ),
                Some("pass --format dot|json|shape|svg|png|html"),
            )),
        }
    }
}

/// Arguments of `gradviz render`.
#[derive(Args, Debug)]
pub struct RenderArgs {
    #[command(flatten)]
    pub(super) script: ScriptArgs,
    /// Output format [default: from the -o file's extension, else dot]
    #[arg(short, long, value_enum)]
    format: Option<Format>,
    /// Write to FILE instead of stdout (`-` is stdout). With several
    /// diagrams, FILE-1.ext, FILE-2.ext, … are written.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Render only the N-th diagram of the script (counting from 1).
    #[arg(long, value_name = "N")]
    diagram: Option<usize>,
    /// PNG size: 1.0 is 96 dpi [default: 2.0, but at most 4096 px wide]
    #[arg(long, value_name = "FACTOR")]
    scale: Option<f32>,
    /// PNG width in pixels (the height in proportion), instead of --scale.
    #[arg(long, value_name = "PX", conflicts_with = "scale", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    width: Option<u32>,
    #[command(flatten)]
    view: ViewArgs,
}

/// Runs the script and writes its diagrams.
pub fn render(args: &RenderArgs) -> Result<(), CliError> {
    let output = args.output.as_ref().filter(|p| p.as_os_str() != "-");
    let format = match (args.format, output) {
        (Some(f), Some(path)) => {
            // `-o y.svg -f png` would put PNG bytes in a .svg file.
            if let Ok(named) = Format::from_path(path)
                && named != f
                && !is_stream(path)
            {
                return Err(CliError::usage(
                    format!(
                        "`{}` is named as {} but --format is {}",
                        path.display(),
                        named.name(),
                        f.name()
                    ),
                    Some(&format!(
                        "drop --format (the extension decides), or name the file {}",
                        path.with_extension(f.extension()).display()
                    )),
                ));
            }
            f
        }
        (Some(f), None) => f,
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
    if let Some(scale) = args.scale
        && !(scale.is_finite() && scale > 0.0)
    {
        return Err(CliError::usage(
            format!("--scale must be a positive number, not {scale}"),
            Some("1.0 is 96 dpi, 2.0 is 192 dpi"),
        ));
    }
    let binary = matches!(format, Format::Svg | Format::Png | Format::Html);
    if output.is_none() && format == Format::Png && std::io::stdout().is_terminal() {
        return Err(CliError::usage(
            "will not write a PNG to the terminal",
            Some("pass -o FILE.png, or redirect stdout"),
        ));
    }
    // `print` output of the script is not part of a diagram.
    let (source, run) = args.script.run(&mut std::io::sink())?;
    let diagrams = select(&run.diagrams, args.diagram)?;
    args.view.check_highlight(&diagrams)?;
    if binary && diagrams.len() > 1 && output.is_none_or(|p| is_stream(p)) {
        return Err(CliError::usage(
            format!(
                "the script draws {} diagrams and one stream holds one image",
                diagrams.len()
            ),
            Some("pick one with --diagram N, or write files with -o FILE"),
        ));
    }
    let rendered = diagrams
        .iter()
        .map(|d| render_one(d, format, args, &source.name))
        .collect::<Result<Vec<Content<'_>>, CliError>>()?;
    match output {
        None => stream_stdout(&join(rendered, format)),
        Some(path) if rendered.len() == 1 || is_stream(path) => {
            write_contents(&[(path.clone(), join(rendered, format))])
        }
        Some(path) => {
            let files: Vec<(PathBuf, Content<'_>)> = rendered
                .into_iter()
                .enumerate()
                .map(|(i, content)| (numbered(path, i + 1, format), content))
                .collect();
            write_contents(&files)?;
            let names: Vec<String> = files.iter().map(|(p, _)| p.display().to_string()).collect();
            super::output::note(&format!(
                "wrote {} diagrams: {}",
                files.len(),
                names.join(", ")
            ))
        }
    }
}

/// The diagrams a command works on: all of them, or the N-th (from 1).
pub fn select(diagrams: &[Diagram], which: Option<usize>) -> Result<Vec<&Diagram>, CliError> {
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

/// A diagram's output: text formats are written as they are made, images
/// are laid out first.
fn render_one<'a>(
    d: &'a Diagram,
    format: Format,
    args: &'a RenderArgs,
    name: &str,
) -> Result<Content<'a>, CliError> {
    let text = |write: fn(&mut dyn Write, &Diagram, &RenderArgs) -> std::io::Result<()>| {
        Content::Stream(Box::new(move |out: &mut dyn Write| write(out, d, args)))
    };
    Ok(match format {
        Format::Dot => {
            text(|out, d, args| write_dot(out, &d.graph, d.root, &args.view.dot_options(d)))
        }
        Format::Json => text(|out, d, _| write_json(out, &d.graph, d.root)),
        Format::Shape => text(|out, d, _| write_shape(out, &d.graph, d.root)),
        Format::Svg => Content::Bytes(args.view.svg_of(d)?.into_bytes()),
        Format::Png => Content::Bytes(png(&args.view.svg_of(d)?, args.png_size())?),
        Format::Html => {
            let svg = args.view.svg_of(d)?;
            let slide = Slide {
                svg: &svg,
                caption: &[],
                focus: None,
            };
            Content::Bytes(viewer_page(name, &d.graph, d.root, &[slide]).into_bytes())
        }
    })
}

impl RenderArgs {
    #[cfg(feature = "png")]
    fn png_size(&self) -> PngSize {
        match (self.scale, self.width) {
            (Some(scale), _) => PngSize::Scale(scale),
            (None, Some(width)) => PngSize::Width(width),
            (None, None) => PngSize::Default,
        }
    }

    #[cfg(not(feature = "png"))]
    fn png_size(&self) {}
}

#[cfg(feature = "png")]
fn png(svg: &str, size: PngSize) -> Result<Vec<u8>, CliError> {
    Ok(gradviz::render::png::to_png_sized(svg, size)?)
}

#[cfg(not(feature = "png"))]
fn png(_: &str, _: ()) -> Result<Vec<u8>, CliError> {
    Err(CliError::input(
        "gradviz was built without PNG support (cargo feature `png`)",
        Some("render SVG instead"),
    ))
}

/// Several diagrams in one stream: DOT files may hold several graphs, JSON
/// becomes an array, shape texts are separated by a blank line.
fn join(mut rendered: Vec<Content<'_>>, format: Format) -> Content<'_> {
    if rendered.len() == 1 {
        return rendered.remove(0);
    }
    let sep: &[u8] = match format {
        Format::Json => b",\n",
        Format::Shape => b"\n",
        _ => b"",
    };
    Content::Stream(Box::new(move |out: &mut dyn Write| {
        if format == Format::Json {
            out.write_all(b"[\n")?;
        }
        for (i, r) in rendered.iter().enumerate() {
            if i > 0 {
                out.write_all(sep)?;
            }
            r.write_unlimited(out)?;
        }
        if format == Format::Json {
            out.write_all(b"]\n")?;
        }
        Ok(())
    }))
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
