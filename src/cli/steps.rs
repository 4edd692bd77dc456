//! `gradviz steps`: backpropagation one node at a time, as SVG frames and a
//! self-contained HTML page that plays them.

use std::path::{Path, PathBuf};

use clap::Args;

use super::CliError;
use super::output::write_files;
use super::render::select;
use super::script_input::ScriptArgs;
use super::view_args::ViewArgs;
use gradviz::render::steps::backprop_frames;
use gradviz::render::viewer::{Slide, viewer_page};

/// Arguments of `gradviz steps`.
#[derive(Args, Debug)]
pub struct StepsArgs {
    #[command(flatten)]
    pub(super) script: ScriptArgs,
    /// The folder to write frame-001.svg, frame-002.svg, … and index.html
    /// into (created if missing).
    #[arg(short, long, value_name = "DIR")]
    output: PathBuf,
    /// Which diagram's root to backpropagate from (counting from 1)
    /// [default: the last one]
    #[arg(long, value_name = "N")]
    diagram: Option<usize>,
    #[command(flatten)]
    view: ViewArgs,
}

/// Writes the frames and the page.
pub fn steps(args: &StepsArgs) -> Result<(), CliError> {
    let (source, run) = args.script.run(&mut std::io::sink())?;
    // The last diagram unless one is picked: usually the backward root.
    let chosen = select(&run.diagrams, args.diagram)?;
    let d = chosen[chosen.len() - 1];
    args.view.check_highlight(&[d])?;
    if args.output.exists() && !args.output.is_dir() {
        return Err(CliError::usage(
            format!("`{}` is not a folder", args.output.display()),
            Some("steps writes several files: give a folder with -o"),
        ));
    }
    let base = args.view.dot_options(d);
    // Every frame's DOT is about the diagram's size: refuse one too large
    // to draw before making them.
    args.view.layout_dot(d, &base)?;
    let frames = backprop_frames(&d.graph, d.root, &base);
    let dots: Vec<&str> = frames.iter().map(|f| f.dot.as_str()).collect();
    let svgs = args.view.svgs(&dots, d.graph.len())?;
    std::fs::create_dir_all(&args.output).map_err(|source| CliError::Io {
        action: "write",
        path: args.output.clone(),
        source,
    })?;
    let title = format!("Backpropagation, step by step: {}", source.name);
    let slides: Vec<Slide<'_>> = frames
        .iter()
        .zip(&svgs)
        .map(|(f, svg)| Slide {
            svg,
            caption: &f.caption,
            focus: f.current.as_deref(),
        })
        .collect();
    let mut files: Vec<(PathBuf, Vec<u8>)> = svgs
        .iter()
        .enumerate()
        .map(|(i, svg)| {
            (
                args.output.join(format!("frame-{:03}.svg", i + 1)),
                svg.clone().into_bytes(),
            )
        })
        .collect();
    files.push((
        args.output.join("index.html"),
        viewer_page(&title, &d.graph, d.root, &slides).into_bytes(),
    ));
    write_files(&files)?;
    let stale = remove_stale_frames(&args.output, frames.len());
    super::output::note(&format!(
        "wrote {} frames and {}{}",
        frames.len(),
        args.output.join("index.html").display(),
        match stale {
            0 => String::new(),
            n => format!(" (removed {n} frames of an earlier, longer run)"),
        }
    ))
}

/// Removes `frame-NNN.svg` files numbered above `count` that an earlier run
/// with more frames left in `dir`; returns how many. Other files are left
/// alone.
fn remove_stale_frames(dir: &Path, count: usize) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .filter(|e| {
            let name = e.file_name();
            let Some(n) = name
                .to_str()
                .and_then(|n| n.strip_prefix("frame-"))
                .and_then(|n| n.strip_suffix(".svg"))
            else {
                return false;
            };
            n.len() >= 3
                && n.bytes().all(|b| b.is_ascii_digit())
                && n.parse::<usize>().is_ok_and(|k| k > count)
                && e.file_type().is_ok_and(|t| t.is_file())
        })
        .filter(|e| std::fs::remove_file(e.path()).is_ok())
        .count()
}
