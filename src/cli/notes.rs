//! `gradviz notes` (Markdown in, Markdown with diagrams out) and
//! `gradviz mdbook` (the same as an mdBook preprocessor).

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use serde_json::Value as Json;

use super::CliError;
use super::output::{write_files, write_stdout};
use super::script_input::RunnerArgs;
use super::view_args::ViewArgs;
use gradviz::notes::{Embed, NotesError, Processed, process_with};
use gradviz::script::{Diagram, Options};

/// Arguments of `gradviz notes`.
#[derive(Args, Debug)]
pub struct NotesArgs {
    /// The Markdown file (`-` for stdin). Fenced blocks marked ```micrograd
    /// or ```python gradviz are run; other blocks are left alone.
    input: PathBuf,
    /// Write the Markdown here (may be the input: the result is idempotent)
    /// [default: stdout]
    #[arg(short, long, value_name = "OUT.md")]
    output: Option<PathBuf>,
    /// The folder for the SVG files, relative to the output's folder.
    #[arg(long, value_name = "DIR", default_value = "gradviz-assets")]
    assets: String,
    #[command(flatten)]
    pub(super) run: RunnerArgs,
    #[command(flatten)]
    view: ViewArgs,
}

/// Arguments of `gradviz mdbook`.
#[derive(Args, Debug)]
pub struct MdbookArgs {
    #[command(subcommand)]
    command: Option<MdbookCommand>,
}

#[derive(Subcommand, Debug)]
enum MdbookCommand {
    /// mdBook asks whether a renderer is supported (all are).
    Supports {
        /// The renderer's name.
        renderer: String,
    },
}

fn drawer(view: &ViewArgs) -> impl Fn(&Diagram) -> Result<String, String> + '_ {
    move |d: &Diagram| view.svg_of(d).map_err(|e| e.to_string())
}

fn notes_error(file: &str, e: NotesError) -> CliError {
    match e {
        NotesError::Block(b) => CliError::Rendered(b.render(file)),
        NotesError::Draw { block, message } => {
            CliError::input(format!("{file}: micrograd block {block}: {message}"), None)
        }
    }
}

/// Processes a Markdown file.
pub fn notes(args: &NotesArgs) -> Result<(), CliError> {
    let stdin = args.input == Path::new("-");
    let name = if stdin {
        "<stdin>".to_string()
    } else {
        args.input.display().to_string()
    };
    let text = super::input::read_text(&args.input, "notes")?;
    let embed = Embed::Files {
        prefix: args.assets.clone(),
    };
    let draw = drawer(&args.view);
    let Processed {
        markdown,
        assets,
        blocks,
    } = process_with(&text, &embed, &args.run.options(), &draw)
        .map_err(|e| notes_error(&name, e))?;
    // Assets go beside the output file; beside the current folder for
    // stdout or a stream (`-o /dev/stdout`), never into `/dev`.
    let base = match &args.output {
        Some(out) if !super::output::is_stream(out) => {
            out.parent().map(Path::to_path_buf).unwrap_or_default()
        }
        _ => PathBuf::new(),
    };
    let dir = base.join(&args.assets);
    // Unchanged diagrams keep their files (names are content hashes).
    let mut files: Vec<(PathBuf, Vec<u8>)> = assets
        .into_iter()
        .map(|a| (dir.join(&a.name), a.svg.into_bytes()))
        .filter(|(path, bytes)| !super::input::holds(path, bytes))
        .collect();
    if !files.is_empty() {
        std::fs::create_dir_all(&dir).map_err(|source| CliError::Io {
            action: "write",
            path: dir.clone(),
            source,
        })?;
    }
    match &args.output {
        Some(out) => {
            // In place is the way notes are kept: the notes file itself may
            // be written over (its blocks' assets and scripts may not).
            if !stdin && super::input::input_at(out).is_some_and(|i| i == args.input) {
                super::input::may_overwrite(out);
            }
            if !super::input::holds(out, markdown.as_bytes()) {
                files.push((out.clone(), markdown.into_bytes()));
            }
            let written = files.len();
            write_files(&files)?;
            super::output::note(&format!(
                "{blocks} micrograd block(s), {written} file(s) written"
            ))
        }
        None => {
            write_files(&files)?;
            write_stdout(markdown.as_bytes())
        }
    }
}

/// The mdBook preprocessor protocol: `supports RENDERER`, or `[context,
/// book]` JSON on stdin and the book JSON on stdout.
pub fn mdbook(args: &MdbookArgs, view: &ViewArgs) -> Result<(), CliError> {
    if let Some(MdbookCommand::Supports { .. }) = &args.command {
        return Ok(());
    }
    let input = super::input::read_stdin()?;
    let parsed: Json = serde_json::from_str(&input)
        .map_err(|e| CliError::input(format!("mdbook sent invalid JSON: {e}"), None))?;
    let Json::Array(mut pair) = parsed else {
        return Err(CliError::input(
            "mdbook sent something else than [context, book]",
            None,
        ));
    };
    if pair.len() != 2 {
        return Err(CliError::input(
            "mdbook sent something else than [context, book]",
            None,
        ));
    }
    let mut book = pair.pop().unwrap_or_default();
    let context = pair.pop().unwrap_or_default();
    let config = &context["config"]["preprocessor"]["gradviz"];
    let inline = config["inline"].as_bool().unwrap_or(true);
    let assets = config["assets"]
        .as_str()
        .unwrap_or("gradviz-assets")
        .to_string();
    // Runner options from book.toml, as the command-line flags name them:
    // `auto-labels = false`, `ieee = true`, `max-nodes = N`.
    let defaults = Options::default();
    let options = Options {
        auto_labels: config["auto-labels"]
            .as_bool()
            .unwrap_or(defaults.auto_labels),
        ieee: config["ieee"].as_bool().unwrap_or(defaults.ieee),
        max_nodes: config["max-nodes"]
            .as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or(defaults.max_nodes),
        timeout: config["timeout"].as_f64().unwrap_or(defaults.timeout),
        seed: config["seed"].as_i64().unwrap_or(defaults.seed),
        memory_in_use: Some(crate::memory::in_use),
        ..defaults.clone()
    };
    let src = context["root"]
        .as_str()
        .map(PathBuf::from)
        .unwrap_or_default()
        .join(context["config"]["book"]["src"].as_str().unwrap_or("src"));
    let draw = drawer(view);
    let mut files = Vec::new();
    visit_chapters(&mut book, &mut |chapter| {
        let path = chapter["path"].as_str().unwrap_or("").to_string();
        let Some(content) = chapter["content"].as_str() else {
            return Ok(());
        };
        let depth = Path::new(&path).components().count().saturating_sub(1);
        let embed = if inline {
            Embed::Inline
        } else {
            Embed::Files {
                prefix: format!("{}{assets}", "../".repeat(depth)),
            }
        };
        let done =
            process_with(content, &embed, &options, &draw).map_err(|e| notes_error(&path, e))?;
        for a in done.assets {
            let path = src.join(&assets).join(&a.name);
            // Unchanged files stay untouched, so `mdbook serve` does not
            // see a change and rebuild forever.
            if !super::input::holds(&path, a.svg.as_bytes()) {
                files.push((path, a.svg.into_bytes()));
            }
        }
        chapter["content"] = Json::String(done.markdown);
        Ok(())
    })?;
    if !files.is_empty() {
        let dir = src.join(&assets);
        std::fs::create_dir_all(&dir).map_err(|source| CliError::Io {
            action: "write",
            path: dir,
            source,
        })?;
        write_files(&files)?;
    }
    let out = serde_json::to_string(&book).map_err(|e| CliError::input(e.to_string(), None))?;
    write_stdout(out.as_bytes())
}

/// Calls `f` on every chapter object (`{"Chapter": {...}}`), however deep.
fn visit_chapters(
    v: &mut Json,
    f: &mut dyn FnMut(&mut Json) -> Result<(), CliError>,
) -> Result<(), CliError> {
    match v {
        Json::Object(map) => {
            if let Some(ch) = map.get_mut("Chapter") {
                f(ch)?;
            }
            for (_, child) in map.iter_mut() {
                visit_chapters(child, f)?;
            }
            Ok(())
        }
        Json::Array(items) => items.iter_mut().try_for_each(|c| visit_chapters(c, f)),
        _ => Ok(()),
    }
}
