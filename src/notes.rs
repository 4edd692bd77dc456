//! Diagrams in lecture notes: every micrograd code block of a Markdown text
//! is run as a script and its diagrams are inserted after it, between
//! `<!-- gradviz:begin -->` and `<!-- gradviz:end -->` markers. Running it
//! again replaces that region, so the result is idempotent; everything else
//! comes out byte for byte unchanged.
//!
//! A block is micrograd code when its info string is `micrograd`, or
//! `python` with the word `gradviz` (```` ```python gradviz ````).
//!
//! The blocks of one text run in one session, in order, like a notebook's
//! cells (the convention of Jupyter Book, Quarto and R Markdown): a class
//! defined in one block is used in the next. A block with the word `fresh`
//! in its info string (```` ```micrograd fresh ````) runs on its own.

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

use crate::script::{Diagram, Options, ScriptError, Session};

/// The start of a generated region.
pub const BEGIN: &str = "<!-- gradviz:begin (generated from the block above by `gradviz notes`; edits are overwritten) -->";
/// The end of a generated region.
pub const END: &str = "<!-- gradviz:end -->";

/// How diagrams are put into the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Embed {
    /// Image links `![diagram](PREFIX/gradviz-HASH.svg)`; the SVGs are
    /// returned as assets.
    Files {
        /// The path the links use for the asset folder (`assets`).
        prefix: String,
    },
    /// The SVG inline, as HTML (for mdBook).
    Inline,
}

/// An SVG file to write, named by its content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Asset {
    /// `gradviz-<hash>.svg`.
    pub name: String,
    /// The SVG.
    pub svg: String,
}

/// The processed text and the files it links to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Processed {
    /// The new Markdown.
    pub markdown: String,
    /// The SVG files the links point at.
    pub assets: Vec<Asset>,
    /// How many micrograd blocks were run.
    pub blocks: usize,
}

/// A micrograd block that failed.
#[derive(Debug, thiserror::Error)]
#[error("{error}")]
pub struct BlockError {
    /// Which block (from 1).
    pub block: usize,
    /// The Markdown line of the block's first code line.
    pub first_line: usize,
    /// The block's code.
    pub code: String,
    /// The block's lines as the Markdown file has them (with the `> ` of a
    /// quote or the indentation of a list item that `code` lacks).
    pub lines: Vec<String>,
    /// What went wrong.
    pub error: Box<ScriptError>,
}

impl BlockError {
    /// A caret diagnostic with Markdown line numbers: `notes.md:14:5`.
    pub fn render(&self, file: &str) -> String {
        // The Markdown's own lines, padded so that their numbers are the
        // file's; a position in the code moves to the same place in them.
        let code_lines: Vec<&str> = self.code.split('\n').collect();
        let mut text = "\n".repeat(self.first_line - 1);
        let mut starts = Vec::with_capacity(code_lines.len());
        for (k, code_line) in code_lines.iter().enumerate() {
            let line = match self.lines.get(k) {
                Some(l) if l.ends_with(code_line) => l.as_str(),
                _ => code_line,
            };
            let prefix = line.len() - code_line.len();
            starts.push(text.len() + prefix);
            text.push_str(line);
            if k + 1 < code_lines.len() {
                text.push('\n');
            }
        }
        let code_starts: Vec<usize> = std::iter::once(0)
            .chain(self.code.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let map = |offset: usize| {
            let k = code_starts.partition_point(|&s| s <= offset).max(1) - 1;
            starts
                .get(k)
                .map_or(offset, |s| s + offset - code_starts[k])
        };
        let mut e = (*self.error).clone();
        e.span.start = map(e.span.start);
        e.span.end = map(e.span.end);
        if let Some(rel) = e.related.as_deref_mut() {
            rel.0.start = map(rel.0.start);
            rel.0.end = map(rel.0.end);
        }
        e.render(file, &text) + &format!("  = note: in micrograd block {} of {file}\n", self.block)
    }
}

/// Whether a fenced block's info string marks micrograd code.
///
/// ```
/// use gradviz::notes::is_micrograd;
/// assert!(is_micrograd("micrograd"));
/// assert!(is_micrograd("python gradviz"));
/// assert!(!is_micrograd("python"));
/// ```
pub fn is_micrograd(info: &str) -> bool {
    let mut words = info.split(|c: char| c.is_whitespace() || c == ',' || c == '{' || c == '}');
    match words.next() {
        Some("micrograd") => true,
        Some("python" | "py") => words.any(|w| w == "gradviz"),
        _ => false,
    }
}

/// Whether a block opts out of the file's session (```` ```micrograd fresh ````):
/// it runs on its own, and the blocks after it do not see what it defines.
///
/// ```
/// use gradviz::notes::is_fresh;
/// assert!(is_fresh("micrograd fresh"));
/// assert!(is_fresh("python gradviz, fresh"));
/// assert!(!is_fresh("micrograd"));
/// ```
pub fn is_fresh(info: &str) -> bool {
    info.split(|c: char| c.is_whitespace() || c == ',' || c == '{' || c == '}')
        .any(|w| w == "fresh")
}

/// FNV-1a, 64 bits: a stable content hash for asset names.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

/// Runs every micrograd block of `markdown` and inserts its diagrams (and
/// its printed output, as a `text` block) after it. `draw` turns a diagram
/// into SVG.
///
/// ```
/// use gradviz::notes::{process, Embed};
/// let md = "# Demo\n\n```micrograd\na = Value(2.0)\nb = a * a\nb.backward()\nprint(a.grad)\n```\n\nThe end.\n";
/// let embed = Embed::Files { prefix: "assets".into() };
/// let out = process(md, &embed, &|_| Ok("<svg/>".to_string())).unwrap();
/// assert!(out.markdown.contains("![diagram 1 of block 1](assets/gradviz-"));
/// assert!(out.markdown.contains("```text\n4.0\n```"));
/// assert!(out.markdown.ends_with("The end.\n"));
/// // Idempotent:
/// assert_eq!(process(&out.markdown, &embed, &|_| Ok("<svg/>".to_string())).unwrap().markdown, out.markdown);
/// ```
pub fn process(
    markdown: &str,
    embed: &Embed,
    draw: &dyn Fn(&Diagram) -> Result<String, String>,
) -> Result<Processed, NotesError> {
    process_with(markdown, embed, &Options::default(), draw)
}

/// [`process`] with the script runner's options (limits, auto labels,
/// IEEE arithmetic) for every block.
///
/// ```
/// use gradviz::notes::{process_with, Embed};
/// use gradviz::script::Options;
/// let md = "```micrograd\nx = Value(1.0)\ny = x * 2.0 * 3.0\n```\n";
/// let tight = Options { max_nodes: 3, ..Options::default() };
/// let err = process_with(md, &Embed::Inline, &tight, &|_| Ok("<svg/>".into())).unwrap_err();
/// assert!(err.to_string().contains("3"));
/// ```
pub fn process_with(
    markdown: &str,
    embed: &Embed,
    options: &Options,
    draw: &dyn Fn(&Diagram) -> Result<String, String>,
) -> Result<Processed, NotesError> {
    let mut out = String::with_capacity(markdown.len() + 1024);
    // Inserted lines end as the file's first line does (CRLF from Windows
    // editors stays CRLF).
    let eol = match markdown.find('\n') {
        Some(i) if markdown[..i].ends_with('\r') => "\r\n",
        _ => "\n",
    };
    let mut assets = Vec::new();
    let mut copied = 0; // bytes of `markdown` already in `out`
    let mut block = 0;
    // (start, code, end of the code in `markdown`, runs in a fresh session)
    let mut current: Option<(usize, String, usize, bool)> = None;
    // The blocks of one file run in one session, like a notebook's cells.
    let mut session: Option<Session> = None;
    let markers = end_markers(markdown);
    let mut containers = Vec::new();
    for (event, range) in Parser::new(markdown).into_offset_iter() {
        track_containers(&event, range.start, &mut containers);
        match event {
            // A block inside an old region being replaced is not run.
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                if is_micrograd(&info) && range.start >= copied =>
            {
                let fence_line_end = line_end(markdown, range.start + 1);
                current = Some((range.start, String::new(), fence_line_end, is_fresh(&info)));
            }
            Event::Text(text) if current.is_some() => {
                if let Some((_, code, code_end, _)) = current.as_mut() {
                    code.push_str(&text);
                    *code_end = range.end;
                }
            }
            Event::End(TagEnd::CodeBlock) if current.is_some() => {
                let (start, code, code_end, fresh) = current.take().unwrap_or_default();
                block += 1;
                let end = line_end(markdown, range.end);
                let first_line = markdown[..start].matches('\n').count() + 2;
                let prefix = line_prefix(markdown, start);
                let mut own;
                let session = if fresh {
                    own = Session::new(options);
                    &mut own
                } else {
                    session.get_or_insert_with(|| Session::new(options))
                };
                let generated = run_block(
                    &code,
                    (block, first_line),
                    embed,
                    session,
                    draw,
                    &mut assets,
                )
                .map_err(|e| match e {
                    NotesError::Block(mut b) => {
                        b.lines = markdown
                            .lines()
                            .skip(first_line - 1)
                            .take(code.split('\n').count())
                            .map(String::from)
                            .collect();
                        NotesError::Block(b)
                    }
                    other => other,
                })?;
                // Keep the text up to the block's end, then the new region,
                // skipping an old region right after the block.
                out.push_str(&markdown[copied..end]);
                if !out.ends_with('\n') {
                    out.push_str(eol); // a block at the very end of the text
                }
                // A block left open (by the end of the text or of its list
                // item or quote) is closed, or the region would be code.
                let closing = &markdown[code_end.min(range.end)..range.end];
                if !closing.contains(['`', '~']) {
                    let fence = &markdown[start..];
                    let char = if fence.starts_with('~') { '~' } else { '`' };
                    let len = fence.len() - fence.trim_start_matches(char).len();
                    out.push_str(&prefix);
                    out.push_str(&fence[..len]);
                    out.push_str(eol);
                }
                copied = end
                    + old_region(&markdown[end..], |at| {
                        markers
                            .binary_search_by_key(&(end + at), |m| m.0)
                            .is_ok_and(|i| markers[i].1 == containers)
                    });
                for line in generated.lines() {
                    out.push_str(&prefix);
                    out.push_str(line);
                    out.push_str(eol);
                }
            }
            _ => {}
        }
    }
    out.push_str(&markdown[copied..]);
    Ok(Processed {
        markdown: out,
        assets,
        blocks: block,
    })
}

/// Errors of [`process`].
#[derive(Debug, thiserror::Error)]
pub enum NotesError {
    /// A block's script failed.
    #[error(transparent)]
    Block(#[from] BlockError),
    /// A diagram could not be drawn.
    #[error("micrograd block {block}: {message}")]
    Draw {
        /// Which block.
        block: usize,
        /// Why.
        message: String,
    },
}

/// Runs block number `block`, which starts at Markdown line `first_line`.
fn run_block(
    code: &str,
    (block, first_line): (usize, usize),
    embed: &Embed,
    session: &mut Session,
    draw: &dyn Fn(&Diagram) -> Result<String, String>,
    assets: &mut Vec<Asset>,
) -> Result<String, NotesError> {
    let mut printed = Vec::new();
    let diagrams = session
        .run(code, &mut printed)
        .map_err(|error| BlockError {
            block,
            first_line,
            code: code.to_string(),
            lines: Vec::new(),
            error: Box::new(error),
        })?;
    let mut region = format!("{BEGIN}\n");
    for (k, d) in diagrams.iter().enumerate() {
        let svg = draw(d).map_err(|message| NotesError::Draw { block, message })?;
        match embed {
            Embed::Files { prefix } => {
                let name = format!("gradviz-{:016x}.svg", fnv1a(svg.as_bytes()));
                region.push_str(&format!(
                    "\n![diagram {} of block {block}]({}{name})\n",
                    k + 1,
                    if prefix.is_empty() {
                        String::new()
                    } else {
                        format!("{}/", url_path(prefix.trim_end_matches('/')))
                    }
                ));
                if !assets.iter().any(|a: &Asset| a.name == name) {
                    assets.push(Asset { name, svg });
                }
            }
            Embed::Inline => {
                // An HTML block must not contain blank lines.
                let element = crate::render::svg::svg_element(&svg);
                let compact: Vec<&str> = element.lines().filter(|l| !l.trim().is_empty()).collect();
                region.push_str(&format!(
                    "\n<div class=\"gradviz\">\n{}\n</div>\n",
                    compact.join("\n")
                ));
            }
        }
    }
    // CommonMark reads a lone carriage return as a line break too: in a
    // list item or a quote, the line after it would lack the prefix and end
    // the block (and its fence). Written as line feeds, every parser agrees.
    let printed = String::from_utf8_lossy(&printed)
        .replace("\r\n", "\n")
        .replace('\r', "\n");
    if !printed.is_empty() {
        // A backtick fence longer than any run of backticks in the output.
        let longest = printed.split(|c| c != '`').map(str::len).max().unwrap_or(0);
        let fence = "`".repeat(longest.max(2) + 1);
        region.push_str(&format!(
            "\n{fence}text\n{}{}{fence}\n",
            printed,
            if printed.ends_with('\n') { "" } else { "\n" }
        ));
    }
    region.push('\n');
    region.push_str(END);
    Ok(format!("\n{region}"))
}

/// The offset just past the line that contains `offset - 1` (the block's
/// closing fence line).
fn line_end(text: &str, offset: usize) -> usize {
    if offset > 0 && text.as_bytes().get(offset - 1) == Some(&b'\n') {
        return offset;
    }
    text[offset..]
        .find('\n')
        .map_or(text.len(), |i| offset + i + 1)
}

/// What stands before the fence on its line, as a prefix for inserted lines:
/// `> ` of quotes kept, list markers and indentation turned into spaces.
fn line_prefix(text: &str, start: usize) -> String {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let mut prefix = String::new();
    let mut chars = text[line_start..start].chars().peekable();
    while let Some(c) = chars.next() {
        if c == '>' {
            prefix.push('>');
            // A `>` takes the space after it along: `>+ ` continues as `>   `.
            if chars.peek().is_some_and(|n| *n != ' ' && *n != '\t') {
                prefix.push(' ');
            }
        } else {
            prefix.push(' ');
        }
    }
    prefix
}

/// The length of a generated region (and the blank line before it) at the
/// start of `rest`, or 0. The region ends at the first line of `rest` that
/// `is_end` accepts as its end marker (given the line's offset in `rest`).
fn old_region(rest: &str, is_end: impl Fn(usize) -> bool) -> usize {
    let mut pos = 0;
    // Blank lines (possibly with the prefix) before the marker.
    loop {
        let line_len = rest[pos..].find('\n').map_or(rest.len() - pos, |i| i + 1);
        let line = &rest[pos..pos + line_len];
        let stripped = line.trim_start_matches([' ', '>']).trim();
        if stripped.is_empty() && line_len > 0 && pos + line_len < rest.len() {
            pos += line_len;
            continue;
        }
        if stripped.starts_with("<!-- gradviz:begin") {
            break;
        }
        return 0;
    }
    let mut at = pos;
    while at < rest.len() {
        let len = rest[at..].find('\n').map_or(rest.len() - at, |i| i + 1);
        if is_end(at) {
            return at + len;
        }
        at += len;
    }
    0
}

/// Where an end marker can close a region: the start of each line that is
/// the end marker as an HTML block of its own (not text in a code block, so
/// printed output that quotes the marker does not count, nor part of a
/// longer HTML block), with the start offsets of the containers (quotes,
/// lists, items) it is in. A region only ends at a marker in the same
/// containers as its code block, so the text after the region is read the
/// same way once the region is replaced.
fn end_markers(markdown: &str) -> Vec<(usize, Vec<usize>)> {
    let mut markers = Vec::new();
    let mut containers = Vec::new();
    let mut html_block_start = false;
    for (event, range) in Parser::new(markdown).into_offset_iter() {
        track_containers(&event, range.start, &mut containers);
        match event {
            Event::Start(Tag::HtmlBlock) => html_block_start = true,
            // The indentation of an HTML block comes as text before it.
            Event::Text(text) if html_block_start && text.trim().is_empty() => {}
            Event::Html(text) if html_block_start => {
                html_block_start = false;
                if text.trim() == END {
                    let line = markdown[..range.start].rfind('\n').map_or(0, |i| i + 1);
                    markers.push((line, containers.clone()));
                }
            }
            _ => html_block_start = false,
        }
    }
    markers
}

/// Keeps `containers` the start offsets of the open container blocks.
fn track_containers(event: &Event<'_>, start: usize, containers: &mut Vec<usize>) {
    match event {
        Event::Start(
            Tag::BlockQuote(_) | Tag::List(_) | Tag::Item | Tag::FootnoteDefinition(_),
        ) => containers.push(start),
        Event::End(
            TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Item | TagEnd::FootnoteDefinition,
        ) => {
            containers.pop();
        }
        _ => {}
    }
}

/// A folder path as the destination of a Markdown link: every byte but
/// letters, digits and `/ . _ ~ -` percent-encoded, so that no path (with
/// spaces, parentheses, brackets, quotes, line breaks) can end the link or
/// add markup to the page; browsers decode it back to the same path.
fn url_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"/._~-".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(md: &str) -> Processed {
        let embed = Embed::Files {
            prefix: "img".into(),
        };
        process(md, &embed, &|d| Ok(format!("<svg>{}</svg>", d.graph.len()))).unwrap()
    }

    #[test]
    fn crlf_files_get_crlf_lines_and_stay_idempotent() {
        let md = "# T\r\n\r\n```micrograd\r\na = Value(2.0)\r\nprint(a.data)\r\n```\r\n\r\n- item\r\n\r\n  ```micrograd\r\n  b = Value(1.0)\r\n  ```\r\n";
        let out = run(md);
        assert!(out.markdown.contains("2.0"), "{}", out.markdown);
        let bare_lf = out
            .markdown
            .match_indices('\n')
            .filter(|(i, _)| !out.markdown[..*i].ends_with('\r'))
            .count();
        assert_eq!(bare_lf, 0, "every line ends in CRLF: {:?}", out.markdown);
        assert_eq!(run(&out.markdown).markdown, out.markdown, "idempotent");
        assert_eq!(
            run("a\n```micrograd\nx = Value(1.0)\n```\n")
                .markdown
                .matches('\r')
                .count(),
            0
        );
    }

    #[test]
    fn blocks_in_lists_and_quotes_keep_their_indentation() {
        let md = "- item\n\n  ```micrograd\n  a = Value(1.0)\n  ```\n\n> ```python gradviz\n> b = Value(2.0) * 3\n> ```\n\n```python\nnot = run\n```\n";
        let out = run(md);
        assert_eq!(out.blocks, 2);
        assert!(
            out.markdown
                .contains("\n  ![diagram 1 of block 1](img/gradviz-"),
            "{}",
            out.markdown
        );
        assert!(
            out.markdown
                .contains("\n> ![diagram 1 of block 2](img/gradviz-"),
            "{}",
            out.markdown
        );
        assert!(out.markdown.ends_with("```python\nnot = run\n```\n"));
        assert_eq!(run(&out.markdown).markdown, out.markdown, "idempotent");
    }

    #[test]
    fn errors_point_at_the_markdown_line() {
        let md = "# T\n\ntext\n\n```micrograd\na = Value(1.0)\nb = a ** a\n```\n";
        let embed = Embed::Files {
            prefix: String::new(),
        };
        let err = process(md, &embed, &|_| Ok(String::new())).unwrap_err();
        let NotesError::Block(e) = err else {
            panic!("a block error")
        };
        assert_eq!((e.block, e.first_line), (1, 6));
        let text = e.render("notes.md");
        assert!(text.contains("notes.md:7:10"), "{text}");
    }
}
