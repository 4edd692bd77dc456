//! A Pratt parser for the statements and expressions of micrograd scripts,
//! with Python's precedence. Anything outside the script language is
//! rejected with a message that says what *is* supported.

use super::ast::{Arg, BinOp, Expr, ExprKind, FPart, Stmt, StmtKind, Target, UnOp};
use super::error::{ErrorKind, ScriptError, Span};
use super::lexer::{Tok, Token, tokenize, unescape};

/// What every "unsupported" error reminds the user of.
pub const SUPPORTED: &str = "gradviz runs straight-line micrograd code: assignments (= += -= *= /=), \
numbers, strings, f-strings, + - * / **, Value(x, label=...), .tanh() .relu() .exp() .backward(), \
.data .grad .label, print(...) and draw_dot(v)";

//                 binary op      left bp  right bp
const BINARY: [(&str, BinOp, u8, u8); 5] = [
    ("+", BinOp::Add, 10, 11),
    ("-", BinOp::Sub, 10, 11),
    ("*", BinOp::Mul, 20, 21),
    ("/", BinOp::Div, 20, 21),
    ("**", BinOp::Pow, 41, 40), // right-associative, tighter than unary minus
];
const PREFIX_BP: u8 = 30; // -x binds tighter than * but looser than **: -x**2 == -(x**2)

/// Limits that keep evaluation and dropping of the tree off deep recursion:
/// nested parentheses / unary operators, and operators in one statement.
const MAX_NESTING: usize = 200;
const MAX_OPERATORS: usize = 1_000;

/// Parses a whole script.
///
/// ```
/// let stmts = gradviz::script::parse("c = a + b * 2 ** -1").unwrap();
/// assert_eq!(stmts[0].to_string(), "(= c (+ a (* b (** 2 (neg 1)))))");
/// ```
pub fn parse(src: &str) -> Result<Vec<Stmt>, ScriptError> {
    let tokens = tokenize(src, 0)?;
    let mut p = Parser::new(tokens);
    let mut stmts = Vec::new();
    loop {
        while p.eat_op(";") || p.peek() == &Tok::Newline {
            if p.peek() == &Tok::Newline {
                p.pos += 1;
            }
        }
        if p.peek() == &Tok::Eof {
            return Ok(stmts);
        }
        stmts.push(p.statement()?);
        match p.peek() {
            Tok::Op(";") | Tok::Newline | Tok::Eof => {}
            _ => return Err(p.unexpected("expected the end of the statement")),
        }
    }
}

/// Parses one expression (used for the fields of f-strings); spans are
/// offset by `base`.
pub(crate) fn parse_expr_at(src: &str, base: usize) -> Result<Expr, ScriptError> {
    let tokens = tokenize(src, base)?;
    let mut p = Parser::new(tokens);
    let e = p.expr(0)?;
    if p.peek() != &Tok::Newline && p.peek() != &Tok::Eof {
        return Err(p.unexpected("expected the end of the expression"));
    }
    Ok(e)
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    nesting: usize,
    operators: usize,
}

impl Parser {
    fn new(tokens: Vec<Token>) -> Self {
        Parser {
            tokens,
            pos: 0,
            nesting: 0,
            operators: 0,
        }
    }

    /// Counts one operator of the current statement.
    fn count_operator(&mut self) -> Result<(), ScriptError> {
        self.operators += 1;
        if self.operators > MAX_OPERATORS {
            return Err(ScriptError::new(
                ErrorKind::Limit,
                self.span(),
                format!("statement too long: more than {MAX_OPERATORS} operators"),
            )
            .help("split the expression over several statements (x = ...; x = x + ...)"));
        }
        Ok(())
    }

    /// The token at `i`; past the end, the final `Eof`.
    fn at(&self, i: usize) -> &Token {
        &self.tokens[i.min(self.tokens.len() - 1)]
    }

    fn peek(&self) -> &Tok {
        &self.at(self.pos).tok
    }

    fn span(&self) -> Span {
        self.at(self.pos).span
    }

    fn prev_span(&self) -> Span {
        self.at(self.pos.saturating_sub(1)).span
    }

    /// Takes the current token. Always advances, so `self.pos -= 1` undoes
    /// it (past the end, the token is `Eof` again).
    fn bump(&mut self) -> Token {
        let t = self.at(self.pos).clone();
        self.pos += 1;
        t
    }

    fn eat_op(&mut self, op: &str) -> bool {
        if matches!(self.peek(), Tok::Op(o) if *o == op) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect_op(&mut self, op: &str, what: &str) -> Result<Span, ScriptError> {
        if self.eat_op(op) {
            Ok(self.prev_span())
        } else {
            Err(self.unexpected(what))
        }
    }

    /// An error at the current token, naming it.
    fn unexpected(&self, expected: &str) -> ScriptError {
        let t = self.at(self.pos);
        match &t.tok {
            Tok::Other(p) => unsupported_punct(p, t.span),
            Tok::Name(n) if keyword_message(n).is_some() => {
                unsupported(t.span, keyword_message(n).unwrap_or_default())
            }
            tok => ScriptError::new(
                ErrorKind::Syntax,
                t.span,
                format!("invalid syntax: {expected}, found {}", describe(tok)),
            ),
        }
    }

    fn statement(&mut self) -> Result<Stmt, ScriptError> {
        self.operators = 0;
        let start = self.span();
        if self.peek() == &Tok::Indent {
            return Err(ScriptError::new(ErrorKind::Syntax, start, "unexpected indent")
                .label("indented line")
                .help("gradviz scripts are straight-line code: remove the indentation (blocks such as `for`, `if` and `def` are not supported)"));
        }
        if let Tok::Name(n) = self.peek().clone() {
            match n.as_str() {
                "import" => return self.import(start),
                "from" => return self.import_from(start),
                _ => {
                    if let Some(msg) = keyword_message(&n) {
                        return Err(unsupported(start, msg));
                    }
                }
            }
        }
        let first = self.expr(0)?;
        if let Tok::Op(op @ ("+=" | "-=" | "*=" | "/=")) = *self.peek() {
            let target = self.target(first)?;
            self.bump();
            let value = self.expr(0)?;
            let bin = match op {
                "+=" => BinOp::Add,
                "-=" => BinOp::Sub,
                "*=" => BinOp::Mul,
                _ => BinOp::Div,
            };
            let span = start.to(value.span);
            return Ok(Stmt {
                kind: StmtKind::AugAssign(target, bin, value),
                span,
            });
        }
        if !matches!(self.peek(), Tok::Op("=")) {
            let span = first.span;
            return Ok(Stmt {
                kind: StmtKind::Expr(first),
                span,
            });
        }
        let mut targets = vec![self.target(first)?];
        let mut value;
        loop {
            self.bump(); // '='
            value = self.expr(0)?;
            if !matches!(self.peek(), Tok::Op("=")) {
                break;
            }
            targets.push(self.target(value)?);
        }
        let span = start.to(value.span);
        Ok(Stmt {
            kind: StmtKind::Assign(targets, value),
            span,
        })
    }

    fn target(&self, e: Expr) -> Result<Target, ScriptError> {
        match e.kind {
            ExprKind::Name(n) => Ok(Target::Name(n, e.span)),
            ExprKind::Attr(obj, attr) => Ok(Target::Attr(*obj, attr, e.span)),
            _ => Err(ScriptError::new(
                ErrorKind::Syntax,
                e.span,
                "cannot assign to this expression",
            )
            .help("assign to a name (`x = ...`) or an attribute (`x.data = ...`)")),
        }
    }

    fn dotted_name(&mut self) -> Result<(String, Span), ScriptError> {
        let start = self.span();
        let mut name = match self.bump().tok {
            Tok::Name(n) => n,
            _ => {
                self.pos -= 1;
                return Err(self.unexpected("expected a module name"));
            }
        };
        while self.eat_op(".") {
            match self.bump().tok {
                Tok::Name(n) => {
                    name.push('.');
                    name.push_str(&n);
                }
                _ => {
                    self.pos -= 1;
                    return Err(self.unexpected("expected a module name"));
                }
            }
        }
        Ok((name, start.to(self.prev_span())))
    }

    fn import(&mut self, start: Span) -> Result<Stmt, ScriptError> {
        self.bump();
        loop {
            let (module, span) = self.dotted_name()?;
            check_module(&module, span)?;
            if matches!(self.peek(), Tok::Name(n) if n == "as") {
                return Err(unsupported(
                    self.span(),
                    "`import ... as ...` is not supported",
                ));
            }
            if !self.eat_op(",") {
                break;
            }
        }
        Ok(Stmt {
            kind: StmtKind::Import,
            span: start.to(self.prev_span()),
        })
    }

    fn import_from(&mut self, start: Span) -> Result<Stmt, ScriptError> {
        self.bump();
        let (module, span) = self.dotted_name()?;
        check_module(&module, span)?;
        if !matches!(self.peek(), Tok::Name(n) if n == "import") {
            return Err(self.unexpected("expected `import`"));
        }
        self.bump();
        let parens = self.eat_op("(");
        loop {
            match self.bump().tok {
                Tok::Name(_) | Tok::Op("*") => {}
                _ => {
                    self.pos -= 1;
                    return Err(self.unexpected("expected a name to import"));
                }
            }
            if matches!(self.peek(), Tok::Name(n) if n == "as") {
                return Err(unsupported(
                    self.span(),
                    "`import ... as ...` is not supported",
                ));
            }
            if !self.eat_op(",") || (parens && matches!(self.peek(), Tok::Op(")"))) {
                break;
            }
        }
        if parens {
            self.expect_op(")", "expected `)`")?;
        }
        Ok(Stmt {
            kind: StmtKind::Import,
            span: start.to(self.prev_span()),
        })
    }

    /// Pratt loop: a prefix expression, then binary operators while they bind
    /// at least as tightly as `min_bp`.
    fn expr(&mut self, min_bp: u8) -> Result<Expr, ScriptError> {
        self.nesting += 1;
        if self.nesting > MAX_NESTING {
            return Err(ScriptError::new(
                ErrorKind::Limit,
                self.span(),
                format!("expression nested too deeply (more than {MAX_NESTING} levels)"),
            )
            .help("split the expression over several statements"));
        }
        let e = self.expr_inner(min_bp);
        self.nesting -= 1;
        e
    }

    fn expr_inner(&mut self, min_bp: u8) -> Result<Expr, ScriptError> {
        let mut lhs = self.prefix()?;
        loop {
            let op = match self.peek() {
                Tok::Op(o) => BINARY.iter().find(|(s, ..)| s == o),
                Tok::Other(p) => return Err(unsupported_punct(p, self.span())),
                Tok::Name(n) if keyword_message(n).is_some() && is_operator_keyword(n) => {
                    return Err(unsupported(
                        self.span(),
                        keyword_message(n).unwrap_or_default(),
                    ));
                }
                _ => None,
            };
            let Some(&(_, op, lbp, rbp)) = op else {
                return Ok(lhs);
            };
            if lbp < min_bp {
                return Ok(lhs);
            }
            self.count_operator()?;
            self.bump();
            let rhs = self.expr(rbp)?;
            let span = lhs.span.to(rhs.span);
            lhs = Expr {
                kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
                span,
            };
        }
    }

    fn prefix(&mut self) -> Result<Expr, ScriptError> {
        let start = self.span();
        let un = match self.peek() {
            Tok::Op("-") => Some(UnOp::Neg),
            Tok::Op("+") => Some(UnOp::Pos),
            _ => None,
        };
        if let Some(un) = un {
            self.bump();
            let operand = self.expr(PREFIX_BP)?;
            let span = start.to(operand.span);
            return Ok(Expr {
                kind: ExprKind::Unary(un, Box::new(operand)),
                span,
            });
        }
        let atom = self.atom()?;
        self.postfix(atom)
    }

    fn atom(&mut self) -> Result<Expr, ScriptError> {
        let t = self.bump();
        let kind = match t.tok {
            Tok::Int(i) => ExprKind::Int(i),
            Tok::Float(x) => ExprKind::Float(x),
            Tok::Str(_) | Tok::FStr { .. } => {
                // Adjacent string literals concatenate, as in Python.
                self.pos -= 1;
                let mut parts = Vec::new();
                let mut end = t.span;
                loop {
                    match self.peek().clone() {
                        Tok::Str(text) => parts.push(FPart::Text(text)),
                        Tok::FStr { body, offset, raw } => {
                            parts.extend(fstring(&body, offset, raw)?)
                        }
                        _ => break,
                    }
                    end = self.bump().span;
                }
                let span = t.span.to(end);
                let kind = if parts.iter().all(|p| matches!(p, FPart::Text(_))) {
                    ExprKind::Str(
                        parts
                            .into_iter()
                            .map(|p| match p {
                                FPart::Text(t) => t,
                                FPart::Field { .. } => String::new(),
                            })
                            .collect(),
                    )
                } else {
                    ExprKind::FStr(parts)
                };
                return Ok(Expr { kind, span });
            }
            Tok::Name(n) => {
                if let Some(msg) = keyword_message(&n) {
                    return Err(unsupported(t.span, msg));
                }
                ExprKind::Name(n)
            }
            Tok::Op("(") => {
                if self.eat_op(")") {
                    return Err(unsupported(
                        t.span.to(self.prev_span()),
                        "tuples are not supported",
                    ));
                }
                let inner = self.expr(0)?;
                if matches!(self.peek(), Tok::Op(",")) {
                    return Err(unsupported(self.span(), "tuples are not supported"));
                }
                let close = self.expect_op(")", "expected `)`")?;
                return Ok(Expr {
                    kind: inner.kind,
                    span: t.span.to(close),
                });
            }
            _ => {
                self.pos -= 1;
                return Err(self.unexpected("expected an expression"));
            }
        };
        Ok(Expr { kind, span: t.span })
    }

    fn postfix(&mut self, mut e: Expr) -> Result<Expr, ScriptError> {
        loop {
            if matches!(self.peek(), Tok::Op("." | "(")) {
                self.count_operator()?;
            }
            if self.eat_op(".") {
                let t = self.bump();
                let Tok::Name(attr) = t.tok else {
                    self.pos -= 1;
                    return Err(self.unexpected("expected an attribute name after `.`"));
                };
                let span = e.span.to(t.span);
                e = Expr {
                    kind: ExprKind::Attr(Box::new(e), attr),
                    span,
                };
            } else if self.eat_op("(") {
                let args = self.args()?;
                let span = e.span.to(self.prev_span());
                e = Expr {
                    kind: ExprKind::Call(Box::new(e), args),
                    span,
                };
            } else if let Tok::Other(p) = self.peek() {
                if p == "[" {
                    return Err(unsupported(
                        self.span(),
                        "indexing and slicing are not supported",
                    ));
                }
                return Ok(e);
            } else {
                return Ok(e);
            }
        }
    }

    fn args(&mut self) -> Result<Vec<Arg>, ScriptError> {
        let mut args: Vec<Arg> = Vec::new();
        let mut keywords = false;
        while !self.eat_op(")") {
            if matches!(self.peek(), Tok::Op("*" | "**")) {
                return Err(unsupported(
                    self.span(),
                    "`*args` and `**kwargs` are not supported",
                ));
            }
            let start = self.span();
            let name = match (self.peek().clone(), &self.at(self.pos + 1).tok) {
                (Tok::Name(n), Tok::Op("=")) => {
                    self.pos += 2;
                    Some(n)
                }
                _ => None,
            };
            let value = self.expr(0)?;
            if name.is_none() && keywords {
                return Err(ScriptError::new(
                    ErrorKind::Syntax,
                    value.span,
                    "positional argument follows keyword argument",
                ));
            }
            if let Tok::Name(n) = self.peek()
                && n == "for"
            {
                return Err(unsupported(
                    self.span(),
                    "generator expressions are not supported",
                ));
            }
            keywords |= name.is_some();
            let span = start.to(value.span);
            args.push(Arg { name, value, span });
            if !self.eat_op(",") {
                self.expect_op(")", "expected `,` or `)` in the argument list")?;
                break;
            }
        }
        Ok(args)
    }
}

/// Splits an f-string body into text and `{expr!conv:spec}` fields.
fn fstring(body: &str, offset: usize, raw: bool) -> Result<Vec<FPart>, ScriptError> {
    let err = |at: usize, len: usize, msg: &str| {
        ScriptError::new(
            ErrorKind::Syntax,
            Span::new(offset + at, offset + at + len),
            msg,
        )
    };
    let bytes = body.as_bytes();
    let mut parts = Vec::new();
    let mut lit = String::new();
    // The raw run of literal text since the last brace, unescaped as a whole
    // so that error offsets point into the script.
    let mut run_start = 0;
    let flush_run = |lit: &mut String, from: usize, to: usize| -> Result<(), ScriptError> {
        let raw_text = &body[from..to];
        if raw {
            lit.push_str(raw_text);
        } else {
            let text = unescape(raw_text).map_err(|(i, m)| err(from + i, 2, &m))?;
            lit.push_str(&text);
        }
        Ok(())
    };
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            // An escape; `\N{NAME}` is one too (unescape rejects it clearly).
            b'\\' if !raw && body[i..].starts_with("\\N{") => {
                i += body[i..].find('}').map_or(bytes.len() - i, |k| k + 1);
            }
            b'\\' if !raw => i += 2,
            b'{' | b'}' if bytes.get(i + 1) == Some(&bytes[i]) => {
                flush_run(&mut lit, run_start, i)?;
                lit.push(bytes[i] as char);
                i += 2;
                run_start = i;
            }
            b'}' => return Err(err(i, 1, "f-string: single '}' is not allowed")),
            b'{' => {
                flush_run(&mut lit, run_start, i)?;
                if !lit.is_empty() {
                    parts.push(FPart::Text(std::mem::take(&mut lit)));
                }
                let (part, end) = fstring_field(body, offset, i)?;
                parts.push(part);
                i = end;
                run_start = i;
            }
            _ => i += 1,
        }
    }
    flush_run(&mut lit, run_start, bytes.len().min(body.len()))?;
    if !lit.is_empty() {
        parts.push(FPart::Text(lit));
    }
    Ok(parts)
}

/// Parses the field that opens at `open` (a `{`); returns it and the offset
/// just past its closing `}`.
fn fstring_field(body: &str, offset: usize, open: usize) -> Result<(FPart, usize), ScriptError> {
    let err = |at: usize, len: usize, msg: &str| {
        ScriptError::new(
            ErrorKind::Syntax,
            Span::new(offset + at, offset + at + len),
            msg,
        )
    };
    let bytes = body.as_bytes();
    // The expression ends at the first `!`, `:`, `=` or `}` at bracket depth
    // 0, outside strings.
    let mut depth = 0i32;
    let mut j = open + 1;
    let mut quote: Option<u8> = None;
    while j < bytes.len() {
        let c = bytes[j];
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                b'\'' | b'"' => quote = Some(c),
                b'(' => depth += 1,
                b')' => depth -= 1,
                b'#' => return Err(err(j, 1, "f-string expression part cannot include '#'")),
                b'!' if depth == 0 && bytes.get(j + 1) != Some(&b'=') => break,
                b'=' if depth == 0
                    && bytes.get(j + 1) != Some(&b'=')
                    && !matches!(
                        bytes.get(j.wrapping_sub(1)),
                        Some(b'=' | b'!' | b'<' | b'>')
                    ) =>
                {
                    break;
                }
                b':' | b'}' if depth == 0 => break,
                _ => {}
            },
        }
        j += 1;
    }
    let expr_src = &body[open + 1..j];
    let trimmed = expr_src.trim_start();
    let lead = expr_src.len() - trimmed.len();
    if trimmed.trim_end().is_empty() {
        return Err(err(
            open,
            j - open + 1,
            "f-string: empty expression not allowed",
        ));
    }
    let expr = parse_expr_at(trimmed, offset + open + 1 + lead)?;
    let mut debug = None;
    if bytes.get(j) == Some(&b'=') {
        j += 1;
        while bytes.get(j) == Some(&b' ') {
            j += 1;
        }
        // `{x = }` prints `x = ` and the value, spaces as written.
        debug = Some(body[open + 1..j].to_string());
    }
    let mut conversion = None;
    if bytes.get(j) == Some(&b'!') {
        match bytes.get(j + 1) {
            Some(b'r') => conversion = Some('r'),
            Some(b's') => conversion = Some('s'),
            _ => {
                return Err(err(
                    j,
                    2,
                    "f-string: invalid conversion character: expected 's' or 'r'",
                ));
            }
        }
        j += 2;
    }
    let mut spec = String::new();
    if bytes.get(j) == Some(&b':') {
        j += 1;
        let spec_start = j;
        while j < bytes.len() && bytes[j] != b'}' {
            if bytes[j] == b'{' {
                return Err(unsupported(
                    Span::new(offset + j, offset + j + 1),
                    "nested fields in f-string format specs are not supported",
                ));
            }
            j += 1;
        }
        spec = body[spec_start..j].to_string();
    }
    if bytes.get(j) != Some(&b'}') {
        return Err(err(open, j - open, "f-string: expecting '}'"));
    }
    // `{x=}` defaults to repr, like Python.
    if debug.is_some() && conversion.is_none() && spec.is_empty() {
        conversion = Some('r');
    }
    let part = FPart::Field {
        expr,
        conversion,
        spec,
        debug,
    };
    Ok((part, j + 1))
}

fn unsupported(span: Span, msg: &str) -> ScriptError {
    ScriptError::new(ErrorKind::Unsupported, span, msg)
        .label("not supported")
        .help(SUPPORTED)
}

fn unsupported_punct(p: &str, span: Span) -> ScriptError {
    let msg = match p {
        "==" | "!=" | "<" | ">" | "<=" | ">=" => "comparisons are not supported",
        "[" | "]" => "lists and indexing are not supported",
        "{" | "}" => "dicts and sets are not supported",
        ":" => "blocks (`if`, `for`, `def`, …) and slices are not supported",
        "//" | "%" | "@" => "only the operators + - * / ** are supported",
        "**=" | "//=" | "%=" | "@=" | "&=" | "|=" | "^=" | ">>=" | "<<=" => {
            "only the augmented assignments += -= *= /= are supported"
        }
        "&" | "|" | "^" | "~" | "<<" | ">>" => "bitwise operators are not supported",
        ":=" => "assignment expressions (:=) are not supported",
        "..." => "`...` is not supported",
        _ => {
            return ScriptError::new(
                ErrorKind::Syntax,
                span,
                format!("invalid syntax: unexpected `{p}`"),
            );
        }
    };
    unsupported(span, msg)
}

/// Python keywords outside the script language, and what to say about them.
fn keyword_message(word: &str) -> Option<&'static str> {
    Some(match word {
        "for" | "while" => "loops are not supported",
        "if" | "elif" | "else" => "conditionals are not supported",
        "def" | "lambda" | "return" | "yield" => "function definitions are not supported",
        "class" => "class definitions are not supported",
        "with" | "try" | "except" | "finally" | "raise" | "assert" => {
            "`with`, `try`, `raise` and `assert` are not supported"
        }
        "and" | "or" | "not" | "is" | "in" => "boolean operators and comparisons are not supported",
        "True" | "False" | "None" => "booleans and None are not supported",
        "del" | "global" | "nonlocal" | "pass" | "break" | "continue" | "async" | "await" => {
            "this statement is not supported"
        }
        "import" | "from" | "as" => "imports must be statements of their own",
        _ => return None,
    })
}

fn is_operator_keyword(word: &str) -> bool {
    matches!(
        word,
        "and" | "or" | "not" | "is" | "in" | "if" | "else" | "for"
    )
}

fn check_module(module: &str, span: Span) -> Result<(), ScriptError> {
    const ALLOWED: [&str; 5] = [
        "micrograd",
        "micrograd.engine",
        "micrograd.nn",
        "math",
        "random",
    ];
    if ALLOWED.contains(&module) {
        Ok(())
    } else {
        Err(ScriptError::new(
            ErrorKind::Unsupported,
            span,
            format!("module `{module}` cannot be imported"),
        )
        .label("not available")
        .help("scripts may import micrograd.engine, micrograd.nn, math and random; nothing else"))
    }
}

fn describe(tok: &Tok) -> String {
    match tok {
        Tok::Name(n) => format!("name `{n}`"),
        Tok::Int(_) | Tok::Float(_) => "a number".into(),
        Tok::Str(_) | Tok::FStr { .. } => "a string".into(),
        Tok::Op(o) => format!("`{o}`"),
        Tok::Other(o) => format!("`{o}`"),
        Tok::Newline | Tok::Indent => "the end of the line".into(),
        Tok::Eof => "the end of the script".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sexp(src: &str) -> String {
        parse(src)
            .unwrap()
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn precedence_is_pythons() {
        assert_eq!(sexp("-x**2"), "(neg (** x 2))");
        assert_eq!(sexp("2**-1"), "(** 2 (neg 1))");
        assert_eq!(sexp("a**b**c"), "(** a (** b c))");
        assert_eq!(sexp("-a*b"), "(* (neg a) b)");
        assert_eq!(sexp("a - b - c"), "(- (- a b) c)");
        assert_eq!(sexp("a / b * c"), "(* (/ a b) c)");
        assert_eq!(sexp("2**-x*3"), "(* (** 2 (neg x)) 3)");
        assert_eq!(sexp("(a + b).relu()"), "(call (. (+ a b) relu))");
    }

    #[test]
    fn statements() {
        assert_eq!(
            sexp("a = b = Value(1.0, label='a')"),
            "(= a b (call Value 1.0 label=\"a\"))"
        );
        assert_eq!(
            sexp("a.data += 0.01 * a.grad"),
            "(+= (. a data) (* 0.01 (. a grad)))"
        );
        assert_eq!(
            sexp("e = a * b; e.label = 'e'"),
            "(= e (* a b))\n(= (. e label) \"e\")"
        );
        assert_eq!(
            sexp("from micrograd.engine import Value\nimport math"),
            "(import)\n(import)"
        );
        assert_eq!(
            sexp("print(f'{g.data:.4f} and {x}')"),
            "(call print (f {(. g data):.4f} \" and \" {x:}))"
        );
    }

    #[test]
    fn unsupported_constructs_say_so() {
        for (src, want) in [
            ("for i in range(3):\n  pass", "loops are not supported"),
            ("x = [1, 2]", "lists and indexing are not supported"),
            ("if a < b: pass", "conditionals are not supported"),
            ("x = a < b", "comparisons are not supported"),
            ("def f(): pass", "function definitions are not supported"),
            ("import numpy", "module `numpy` cannot be imported"),
            ("x = a // 2", "only the operators + - * / ** are supported"),
            ("x = a[0]", "indexing and slicing are not supported"),
        ] {
            let e = parse(src).unwrap_err();
            assert_eq!(e.message, want, "{src}");
        }
        let deep = format!("x = {}1{}", "(".repeat(100_000), ")".repeat(100_000));
        assert_eq!(parse(&deep).unwrap_err().kind, ErrorKind::Limit);
        let long = format!("x = 1{}", " + 1".repeat(100_000));
        assert_eq!(parse(&long).unwrap_err().kind, ErrorKind::Limit);
        let minus = format!("x = {}1", "-".repeat(100_000));
        assert_eq!(parse(&minus).unwrap_err().kind, ErrorKind::Limit);
        let e = parse("a = = 1").unwrap_err();
        assert_eq!(e.kind, ErrorKind::Syntax);
        assert_eq!(e.span, Span::new(4, 5));
    }
}
