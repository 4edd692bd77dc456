//! Turns script text into tokens, with Python's rules for numbers, strings,
//! comments, implicit line joining inside brackets and backslash
//! continuations. Indentation becomes a token that the parser rejects:
//! scripts are straight-line code.

use super::error::{ErrorKind, ScriptError, Span};

/// A token's kind and payload.
#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    /// An identifier or keyword.
    Name(String),
    /// An `int` literal.
    Int(i64),
    /// A `float` literal.
    Float(f64),
    /// A string literal, escapes processed.
    Str(String),
    /// An f-string, escapes not yet processed.
    FStr {
        /// The text between the quotes.
        body: String,
        /// The byte offset of the body in the script.
        offset: usize,
        /// Whether it is a raw f-string (`rf'…'`), whose escapes stay as written.
        raw: bool,
    },
    /// An operator or delimiter that scripts support.
    Op(&'static str),
    /// Python punctuation that scripts do not support (`[`, `==`, `:` …).
    Other(String),
    /// Leading whitespace on a line with code: an error for the parser to
    /// report (after any more telling error on the previous line's `for` …).
    Indent,
    /// The end of a logical line.
    Newline,
    /// The end of the script.
    Eof,
}

/// A token and where it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    /// What it is.
    pub tok: Tok,
    /// Where it is.
    pub span: Span,
}

const OPS: [&str; 15] = [
    "**", "+=", "-=", "*=", "/=", "+", "-", "*", "/", "(", ")", ",", ".", "=", ";",
];

/// Python punctuation that is not part of the script language; longest first.
const OTHER: [&str; 36] = [
    "**=", "//=", ">>=", "<<=", "...", "//", "==", "!=", "<=", ">=", "->", ":=", "%=", "@=", "&=",
    "|=", "^=", "<<", ">>", "[", "]", "{", "}", "<", ">", ":", "%", "@", "&", "|", "^", "~", "!",
    "?", "$", "`",
];

/// Splits `src` into tokens; spans are offset by `base` (used for the
/// expressions inside f-strings).
pub fn tokenize(src: &str, base: usize) -> Result<Vec<Token>, ScriptError> {
    // A UTF-8 byte order mark, as Windows editors write it, is not code.
    let pos = if base == 0 && src.starts_with('\u{feff}') {
        3
    } else {
        0
    };
    Lexer {
        src,
        base,
        pos,
        depth: 0,
        tokens: Vec::new(),
    }
    .run()
}

struct Lexer<'s> {
    src: &'s str,
    base: usize,
    pos: usize,
    depth: usize,
    tokens: Vec<Token>,
}

impl Lexer<'_> {
    fn err(&self, start: usize, end: usize, msg: impl Into<String>) -> ScriptError {
        ScriptError::new(
            ErrorKind::Syntax,
            Span::new(
                self.base + start,
                self.base + end.max(start + 1).min(self.src.len().max(start + 1)),
            ),
            msg,
        )
    }

    fn peek(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.src[self.pos..].chars().nth(n)
    }

    fn push(&mut self, tok: Tok, start: usize) {
        self.tokens.push(Token {
            tok,
            span: Span::new(self.base + start, self.base + self.pos),
        });
    }

    fn at_line_start(&self) -> bool {
        matches!(
            self.tokens.last(),
            None | Some(Token {
                tok: Tok::Newline,
                ..
            })
        )
    }

    fn run(mut self) -> Result<Vec<Token>, ScriptError> {
        while let Some(c) = self.peek() {
            let start = self.pos;
            match c {
                '\n' => {
                    self.pos += 1;
                    if self.depth == 0 && !self.at_line_start() {
                        self.push(Tok::Newline, start);
                    }
                }
                ' ' | '\t' | '\r' | '\x0c' => {
                    self.pos += c.len_utf8();
                    if start == 0
                        || self.src.as_bytes()[start - 1] == b'\n'
                        || self.src[..start] == *"\u{feff}"
                    {
                        self.indentation(start)?;
                    }
                }
                '#' => {
                    while self.peek().is_some_and(|c| c != '\n') {
                        self.pos += self.peek().map_or(1, char::len_utf8);
                    }
                }
                '\\' => {
                    self.pos += 1;
                    if self.peek() == Some('\r') {
                        self.pos += 1;
                    }
                    if self.peek() != Some('\n') {
                        return Err(self.err(
                            start,
                            start + 1,
                            "unexpected character after line continuation character",
                        ));
                    }
                    self.pos += 1;
                }
                '0'..='9' => self.number()?,
                '.' if self.peek_at(1).is_some_and(|d| d.is_ascii_digit()) => self.number()?,
                '\'' | '"' => self.string(start, "")?,
                c if c.is_alphabetic() || c == '_' => self.name_or_prefixed_string()?,
                _ => self.punct(start)?,
            }
        }
        if self.depth > 0 {
            let open = self.unclosed_bracket();
            return Err(self
                .err(open, open + 1, "'(' was never closed")
                .help("close the parenthesis"));
        }
        let end = self.pos;
        if !self.at_line_start() {
            self.push(Tok::Newline, end);
        }
        self.push(Tok::Eof, end);
        Ok(self.tokens)
    }

    /// Leading whitespace on a line with code in it is an unexpected indent.
    fn indentation(&mut self, start: usize) -> Result<(), ScriptError> {
        if self.depth > 0 || !self.at_line_start() {
            return Ok(());
        }
        while matches!(self.peek(), Some(' ' | '\t' | '\x0c')) {
            self.pos += 1;
        }
        // Python ignores form feeds in indentation.
        let only_form_feeds = self.src[start..self.pos].bytes().all(|b| b == b'\x0c');
        if !only_form_feeds && !matches!(self.peek(), None | Some('\n' | '\r' | '#')) {
            self.push(Tok::Indent, start);
        }
        Ok(())
    }

    fn unclosed_bracket(&self) -> usize {
        let mut stack = Vec::new();
        for t in &self.tokens {
            match t.tok {
                Tok::Op("(") => stack.push(t.span.start - self.base),
                Tok::Op(")") => {
                    stack.pop();
                }
                _ => {}
            }
        }
        stack.pop().unwrap_or(0)
    }

    fn punct(&mut self, start: usize) -> Result<(), ScriptError> {
        let rest = &self.src[self.pos..];
        // Comparing first bytes first keeps this a byte test for most
        // candidates, not a string comparison.
        let first = rest.as_bytes().first().copied();
        let at = |o: &&&str| o.as_bytes().first().copied() == first && rest.starts_with(**o);
        if let Some(op) = OTHER.iter().find(at) {
            self.pos += op.len();
            self.push(Tok::Other(op.to_string()), start);
            return Ok(());
        }
        if let Some(op) = OPS.iter().find(at) {
            self.pos += op.len();
            match *op {
                "(" => self.depth += 1,
                ")" => {
                    if self.depth == 0 {
                        return Err(self.err(start, self.pos, "unmatched ')'"));
                    }
                    self.depth -= 1;
                }
                _ => {}
            }
            self.push(Tok::Op(op), start);
            return Ok(());
        }
        let c = self.peek().unwrap_or(' ');
        Err(self.err(
            start,
            start + c.len_utf8(),
            format!("invalid character {c:?} (U+{:04X})", c as u32),
        ))
    }

    fn name_or_prefixed_string(&mut self) -> Result<(), ScriptError> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_alphanumeric() || c == '_') {
            self.pos += self.peek().map_or(1, char::len_utf8);
        }
        let word = &self.src[start..self.pos];
        let is_prefix = matches!(
            word.to_ascii_lowercase().as_str(),
            "r" | "f" | "fr" | "rf" | "b" | "br" | "rb" | "u"
        );
        if is_prefix && matches!(self.peek(), Some('\'' | '"')) {
            let prefix = word.to_ascii_lowercase();
            if prefix.contains('b') {
                // Read it as a plain string to underline all of it.
                self.string(start, &prefix.replace('b', ""))?;
                self.tokens.pop();
                return Err(self
                    .err(start, self.pos, "bytes literals are not supported")
                    .help("use a plain string: 'text'"));
            }
            return self.string(start, &prefix);
        }
        let word = word.to_string();
        self.push(Tok::Name(word), start);
        Ok(())
    }

    fn string(&mut self, start: usize, prefix: &str) -> Result<(), ScriptError> {
        let quote = self.peek().expect("string starts with a quote");
        let triple: String = std::iter::repeat_n(quote, 3).collect();
        let delim = if self.src[self.pos..].starts_with(&triple) {
            triple
        } else {
            quote.to_string()
        };
        self.pos += delim.len();
        let body_start = self.pos;
        loop {
            let Some(c) = self.peek() else {
                return Err(self
                    .err(start, start + 1, "unterminated string literal")
                    .help(format!("close the string with {delim}")));
            };
            if self.src[self.pos..].starts_with(&delim) {
                break;
            }
            if c == '\n' && delim.len() == 1 {
                return Err(self
                    .err(start, self.pos, "unterminated string literal")
                    .help(format!("close the string with {delim} on the same line")));
            }
            if c == '\\' {
                self.pos += 1;
            }
            self.pos += self.peek().map_or(0, char::len_utf8);
        }
        // Python reads source newlines as \n, inside strings too.
        let raw = self.src[body_start..self.pos].replace("\r\n", "\n");
        let raw = raw.as_str();
        self.pos += delim.len();
        let tok = if prefix.contains('f') {
            // Escapes are resolved per literal part by the parser.
            Tok::FStr {
                body: raw.to_string(),
                offset: self.base + body_start,
                raw: prefix.contains('r'),
            }
        } else if prefix.contains('r') {
            Tok::Str(raw.to_string())
        } else {
            Tok::Str(
                unescape(raw)
                    .map_err(|(at, msg)| self.err(body_start + at, body_start + at + 2, msg))?,
            )
        };
        self.push(tok, start);
        Ok(())
    }

    fn number(&mut self) -> Result<(), ScriptError> {
        let start = self.pos;
        let bytes = self.src.as_bytes();
        let prefix = bytes.get(start..start + 2).map(<[u8]>::to_ascii_lowercase);
        if matches!(prefix.as_deref(), Some(b"0x" | b"0o" | b"0b")) {
            let radix = match bytes[start + 1].to_ascii_lowercase() {
                b'x' => 16,
                b'o' => 8,
                _ => 2,
            };
            self.pos += 2;
            while self
                .peek()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                self.pos += 1;
            }
            let digits: String = self.src[start + 2..self.pos].replace('_', "");
            let value = i64::from_str_radix(&digits, radix).map_err(|_| {
                self.err(start, self.pos, "invalid or too large integer literal")
                    .help("gradviz integers are 64-bit; write large numbers as floats (1e30)")
            })?;
            self.push(Tok::Int(value), start);
            return Ok(());
        }
        let digits = |s: &mut Self| {
            while s.peek().is_some_and(|c| c.is_ascii_digit() || c == '_') {
                s.pos += 1;
            }
        };
        digits(self);
        let mut is_float = false;
        if self.peek() == Some('.') {
            is_float = true;
            self.pos += 1;
            digits(self);
        }
        if matches!(self.peek(), Some('e' | 'E')) {
            let save = self.pos;
            self.pos += 1;
            if matches!(self.peek(), Some('+' | '-')) {
                self.pos += 1;
            }
            if self.peek().is_some_and(|c| c.is_ascii_digit()) {
                is_float = true;
                digits(self);
            } else {
                self.pos = save;
            }
        }
        if matches!(self.peek(), Some('j' | 'J')) {
            self.pos += 1;
            return Err(self.err(start, self.pos, "complex numbers are not supported"));
        }
        if self.peek().is_some_and(|c| c.is_alphanumeric() || c == '_') {
            return Err(self.err(start, self.pos + 1, "invalid decimal literal"));
        }
        let text = &self.src[start..self.pos];
        if text.ends_with('_') || text.contains("__") || text.contains("_.") || text.contains("._")
        {
            return Err(self.err(start, self.pos, "invalid decimal literal"));
        }
        let clean = text.replace('_', "");
        let tok = if is_float {
            Tok::Float(
                clean
                    .parse()
                    .map_err(|_| self.err(start, self.pos, "invalid decimal literal"))?,
            )
        } else {
            if clean.len() > 1 && clean.starts_with('0') && clean.bytes().any(|b| b != b'0') {
                return Err(self
                    .err(
                        start,
                        self.pos,
                        "leading zeros in decimal integer literals are not permitted",
                    )
                    .help("write the number without leading zeros"));
            }
            Tok::Int(clean.parse().map_err(|_| {
                self.err(start, self.pos, "integer literal too large")
                    .help("gradviz integers are 64-bit; write large numbers as floats (1e30)")
            })?)
        };
        self.push(tok, start);
        Ok(())
    }
}

/// Resolves Python string escapes; on error, the byte offset and a message.
pub fn unescape(raw: &str) -> Result<String, (usize, String)> {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some((_, e)) = chars.next() else {
            out.push('\\');
            break;
        };
        let mut hex = |n: usize| -> Result<char, (usize, String)> {
            let digits: String = (0..n)
                .filter_map(|_| chars.next().map(|(_, c)| c))
                .collect();
            u32::from_str_radix(&digits, 16)
                .ok()
                .filter(|_| digits.len() == n)
                .and_then(char::from_u32)
                .ok_or((i, format!("invalid \\{e} escape in string")))
        };
        match e {
            '\n' => {}
            '\\' => out.push('\\'),
            '\'' => out.push('\''),
            '"' => out.push('"'),
            'a' => out.push('\x07'),
            'b' => out.push('\x08'),
            'f' => out.push('\x0c'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\x0b'),
            '0'..='7' => {
                let mut v = e.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match chars.peek() {
                        Some((_, d)) if d.is_digit(8) => {
                            v = v * 8 + d.to_digit(8).unwrap_or(0);
                            chars.next();
                        }
                        _ => break,
                    }
                }
                out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
            }
            'N' => {
                return Err((
                    i,
                    "named unicode escapes (\\N{...}) are not supported: write the character itself".into(),
                ));
            }
            'x' => out.push(hex(2)?),
            'u' => out.push(hex(4)?),
            'U' => out.push(hex(8)?),
            other => {
                // Python keeps unknown escapes as written.
                out.push('\\');
                out.push(other);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(src: &str) -> Vec<Tok> {
        tokenize(src, 0)
            .unwrap()
            .into_iter()
            .map(|t| t.tok)
            .collect()
    }

    #[test]
    fn numbers_follow_python() {
        assert_eq!(
            toks("1 2.5 .5 5. 1e-3 1_000 0x1F 0 00"),
            vec![
                Tok::Int(1),
                Tok::Float(2.5),
                Tok::Float(0.5),
                Tok::Float(5.0),
                Tok::Float(0.001),
                Tok::Int(1000),
                Tok::Int(31),
                Tok::Int(0),
                Tok::Int(0),
                Tok::Newline,
                Tok::Eof
            ]
        );
        assert!(tokenize("012", 0).is_err());
        assert!(tokenize("99999999999999999999", 0).is_err());
        assert!(tokenize("1j", 0).is_err());
        assert_eq!(toks("1e309")[0], Tok::Float(f64::INFINITY));
    }

    #[test]
    fn strings_and_escapes() {
        assert_eq!(
            toks(r#"'a\n' "b\"" r'\n'"#)[..3],
            [
                Tok::Str("a\n".into()),
                Tok::Str("b\"".into()),
                Tok::Str("\\n".into())
            ]
        );
        assert_eq!(
            toks("f'{x:.4f}'")[0],
            Tok::FStr {
                body: "{x:.4f}".into(),
                offset: 2,
                raw: false
            }
        );
        assert_eq!(toks("'''a\nb'''")[0], Tok::Str("a\nb".into()));
        assert!(tokenize("'abc", 0).is_err());
    }

    #[test]
    fn lines_join_inside_parentheses_and_comments_vanish() {
        assert_eq!(
            toks("a = (1 +\n  2) # c\n\n# only a comment\nb"),
            vec![
                Tok::Name("a".into()),
                Tok::Op("="),
                Tok::Op("("),
                Tok::Int(1),
                Tok::Op("+"),
                Tok::Int(2),
                Tok::Op(")"),
                Tok::Newline,
                Tok::Name("b".into()),
                Tok::Newline,
                Tok::Eof
            ]
        );
        assert!(toks("a = 1\n  b = 2").contains(&Tok::Indent));
        assert!(tokenize("a = (1", 0).is_err());
    }
}
