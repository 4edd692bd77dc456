//! `gradviz steps`: backpropagation one node at a time, as SVG frames and a
//! self-contained HTML page that plays them.

use std::path::PathBuf;

use clap::Args;

use super::CliError;
use super::output::write_files;
use super::render::select;
use super::script_input::ScriptArgs;
use super::view_args::ViewArgs;
use gradviz::render::steps::{backprop_frames, html_page};

/// Arguments of `gradviz steps`.
#[derive(Args, Debug)]
pub struct StepsArgs {
    #[command(flatten)]
    script: ScriptArgs,
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
    if args.output.exists() && !args.output.is_dir() {
        return Err(CliError::usage(
            format!("`{}` is not a folder", args.output.display()),
            Some("steps writes several files: give a folder with -o"),
        ));
    }
    let base = args.view.dot_options(d.rankdir.as_deref());
    let frames = backprop_frames(&d.graph, d.root, &base);
    let mut svgs = Vec::with_capacity(frames.len());
    for f in &frames {
        svgs.push((f.caption.clone(), args.view.svg(&f.dot, d.graph.len())?));
    }
    std::fs::create_dir_all(&args.output).map_err(|source| CliError::Io {
        action: "write",
        path: args.output.clone(),
        source,
    })?;
    let title = format!("Backpropagation, step by step: {}", source.name);
    let mut files: Vec<(PathBuf, Vec<u8>)> = svgs
        .iter()
        .enumerate()
        .map(|(i, (_, svg))| {
            (
                args.output.join(format!("frame-{:03}.svg", i + 1)),
                svg.clone().into_bytes(),
            )
        })
        .collect();
    files.push((
        args.output.join("index.html"),
        html_page(&title, &svgs).into_bytes(),
    ));
    write_files(&files)?;
    eprintln!(
        "wrote {} frames and {}",
        frames.len(),
        args.output.join("index.html").display()
    );
    Ok(())
}
