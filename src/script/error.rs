//! Script errors: what went wrong, where (a byte span of the script) and,
//! where it helps, how to fix it. The binary attaches the source text and
//! prints a caret diagnostic through miette.

use std::fmt;

use miette::{Diagnostic, LabeledSpan, SourceSpan};

/// A byte range of the script.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Span {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset just past the last character.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// The 1-based line and column (in characters) of the span's start.
    ///
    /// ```
    /// use gradviz::script::Span;
    /// assert_eq!(Span::new(6, 7).line_col("a = 1\nb = ?"), (2, 1));
    /// ```
    pub fn line_col(self, source: &str) -> (usize, usize) {
        let before = &source[..self.start.min(source.len())];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, before[line_start..].chars().count() + 1)
    }
}

impl From<Span> for SourceSpan {
    fn from(s: Span) -> SourceSpan {
        SourceSpan::new(s.start.into(), s.end.saturating_sub(s.start))
    }
}

/// The class of a script error; each has its own diagnostic code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The text is not valid Python (`a = = 1`, an unclosed parenthesis).
    Syntax,
    /// Valid Python that gradviz does not run (loops, defs, lists, …).
    Unsupported,
    /// A name that was never assigned.
    UnknownName,
    /// An operation on the wrong kind of object (`a ** b` with a Value `b`).
    Type,
    /// A non-finite result: division by zero, overflow, a complex power.
    Math,
    /// The script grew the graph past the configured limit, or ran past a
    /// limit of the sandbox (time, recursion depth, memory, sizes).
    Limit,
    /// A Python exception of another kind raised while running
    /// (`IndexError`, `KeyError`, `ValueError`, `AssertionError`, …).
    Runtime,
}

impl ErrorKind {
    /// The diagnostic code, e.g. `gradviz::syntax`.
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::Syntax => "gradviz::syntax",
            ErrorKind::Unsupported => "gradviz::unsupported",
            ErrorKind::UnknownName => "gradviz::unknown_name",
            ErrorKind::Type => "gradviz::type",
            ErrorKind::Math => "gradviz::math",
            ErrorKind::Limit => "gradviz::limit",
            ErrorKind::Runtime => "gradviz::runtime",
        }
    }
}

/// An error in a script, with the span it points at.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct ScriptError {
    /// The class of error.
    pub kind: ErrorKind,
    /// The one-line cause, lower-case.
    pub message: String,
    /// Where in the script.
    pub span: Span,
    /// A short text shown under the caret.
    pub label: String,
    /// How to fix it, when there is something to say.
    pub help: Option<String>,
    /// A second place worth pointing at (e.g. where a node was created).
    pub related: Option<Box<(Span, String)>>,
    /// Python's name for the exception, when one fits (`ZeroDivisionError`).
    pub exception: Option<&'static str>,
    /// The calls that led to the error, outermost first (empty at top level).
    pub traceback: Vec<TraceFrame>,
    /// The function the error happened in (`None` at top level).
    pub function: Option<String>,
    /// The library file the error happened in, or `None` for the script.
    pub file: Option<&'static str>,
}

/// One call on the way to an error: where the call was made, and in which
/// function that place is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceFrame {
    /// The call expression.
    pub span: Span,
    /// The function the call is written in (`<module>` at top level).
    pub function: String,
    /// The library file the call is written in (`micrograd/nn.py`), or
    /// `None` for the script.
    pub file: Option<&'static str>,
}

impl ScriptError {
    /// An error of `kind` at `span`.
    pub fn new(kind: ErrorKind, span: Span, message: impl Into<String>) -> Self {
        ScriptError {
            kind,
            message: message.into(),
            span,
            label: "here".into(),
            help: None,
            related: None,
            exception: None,
            traceback: Vec::new(),
            function: None,
            file: None,
        }
    }

    /// Names the Python exception the error corresponds to.
    pub fn exception(mut self, name: &'static str) -> Self {
        self.exception = Some(name);
        self
    }

    /// The one-line cause as printed: Python's exception name, then the
    /// message (`ZeroDivisionError: division by zero`).
    pub fn headline(&self) -> String {
        match self.exception {
            Some(e) => format!("{e}: {}", self.message),
            None => self.message.clone(),
        }
    }

    /// Sets the text under the caret.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// Adds a hint.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Points at a second place.
    pub fn related(mut self, span: Span, label: impl Into<String>) -> Self {
        self.related = Some(Box::new((span, label.into())));
        self
    }

    /// The 1-based line and column of the error in `source`.
    pub fn line_col(&self, source: &str) -> (usize, usize) {
        self.span.line_col(source)
    }

    /// The error as a caret diagnostic, the way the command line prints it:
    /// the cause, the position, the line with a caret under the span, then
    /// the related place and the hint.
    ///
    /// ```
    /// use gradviz::script::{run, Options};
    /// let src = "a = Value(1.0)\nb = a ** a";
    /// let err = run(src, &Options::default(), &mut std::io::sink()).unwrap_err();
    /// let text = err.render("demo.py", src);
    /// assert!(text.starts_with("error: AssertionError: a Value can only be raised to a number, not to a Value\n --> demo.py:2:10\n"));
    /// assert!(text.contains("2 | b = a ** a\n  |          ^ a Value exponent\n"));
    /// ```
    pub fn render(&self, name: &str, source: &str) -> String {
        let (here, here_text) = file_and_text(self.file, name, source);
        let (line, col) = self.line_col(here_text);
        let mut out = format!("error: {}\n", self.headline());
        if !self.traceback.is_empty() {
            out.push_str("  traceback (most recent call last):\n");
            // Runs of the same frame (a recursion) are folded, as CPython
            // folds them, after the third.
            let mut i = 0;
            while i < self.traceback.len() {
                let frame = &self.traceback[i];
                let run = self.traceback[i..]
                    .iter()
                    .take_while(|f| *f == frame)
                    .count();
                let (file, text) = file_and_text(frame.file, name, source);
                for _ in 0..run.min(3) {
                    let (l, c) = frame.span.line_col(text);
                    let line = text.lines().nth(l - 1).unwrap_or("").trim();
                    out.push_str(&format!(
                        "    {file}:{l}:{c} in {}\n      {line}\n",
                        frame.function
                    ));
                }
                if run > 3 {
                    out.push_str(&format!(
                        "    [the frame above repeated {} more times]\n",
                        run - 3
                    ));
                }
                i += run;
            }
        }
        match &self.function {
            Some(f) => out.push_str(&format!(" --> {here}:{line}:{col} in {f}\n")),
            None => out.push_str(&format!(" --> {here}:{line}:{col}\n")),
        }
        let source = here_text;
        let mut places = vec![(self.span, self.label.as_str(), '^')];
        if let Some((span, label)) = self.related.as_deref() {
            places.push((*span, label.as_str(), '-'));
        }
        let width = places
            .iter()
            .map(|(s, ..)| s.line_col(source).0.to_string().len())
            .max()
            .unwrap_or(1);
        let pad = " ".repeat(width);
        out.push_str(&format!("{pad} |\n"));
        for (span, label, mark) in places {
            let (line, col) = span.line_col(source);
            let text = source
                .lines()
                .nth(line - 1)
                .unwrap_or("")
                .replace('\t', " ");
            let line_chars = text.chars().count();
            let len = source
                .get(span.start.min(source.len())..span.end.min(source.len()))
                .map_or(1, |s| s.split('\n').next().unwrap_or("").chars().count())
                .clamp(1, (line_chars + 1).saturating_sub(col - 1).max(1));
            out.push_str(&format!("{line:>width$} | {text}\n"));
            out.push_str(&format!(
                "{pad} | {}{} {label}\n",
                " ".repeat(col - 1),
                mark.to_string().repeat(len)
            ));
        }
        if let Some(help) = &self.help {
            out.push_str(&format!("{pad} = help: {help}\n"));
        }
        out
    }
}

/// The file name and text a place is in: the script's, or a library's.
fn file_and_text<'a>(
    file: Option<&'static str>,
    name: &'a str,
    source: &'a str,
) -> (&'a str, &'a str) {
    match file.and_then(|f| super::modules::source(f).map(|t| (f, t))) {
        Some((f, t)) => (f, t),
        None => (name, source),
    }
}

impl Diagnostic for ScriptError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.kind.code()))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let mut labels = vec![LabeledSpan::new_primary_with_span(
            Some(self.label.clone()),
            self.span,
        )];
        if let Some((span, text)) = self.related.as_deref() {
            labels.push(LabeledSpan::new_with_span(Some(text.clone()), *span));
        }
        Some(Box::new(labels.into_iter()))
    }
}
