//! Python's number formatting: `repr(float)`, `str(int)` and the
//! format-spec mini-language of `format()` / f-strings.
//!
//! gradviz prints what Python prints for the same script, and names `**k`
//! ops the way micrograd does (`f'**{other}'`), so both need Python's exact
//! spelling of numbers. Rust's float formatting already gives the shortest
//! round-trip digits and rounds ties to even on the exact binary value, like
//! CPython; this module only rearranges those digits the Python way.

use std::fmt::Write as _;

/// Python's `repr()` of a float: shortest round-trip digits, scientific
/// notation below `1e-4` and from `1e16` on, always a `.0` on integral values.
///
/// ```
/// use gradviz::pyfmt::repr_float;
/// assert_eq!(repr_float(2.0), "2.0");
/// assert_eq!(repr_float(0.1 + 0.2), "0.30000000000000004");
/// assert_eq!(repr_float(1e-5), "1e-05");
/// assert_eq!(repr_float(1e16), "1e+16");
/// assert_eq!(repr_float(f64::NAN), "nan");
/// ```
pub fn repr_float(x: f64) -> String {
    if let Some(s) = non_finite(x) {
        return s.to_string();
    }
    let (digits, exp) = shortest_digits(x);
    let decpt = exp + 1;
    let mut out = String::new();
    if x.is_sign_negative() {
        out.push('-');
    }
    if -4 < decpt && decpt <= 16 {
        push_fixed(&mut out, &digits, decpt);
        if decpt >= digits.len() as i32 {
            out.push_str(".0");
        }
    } else {
        push_sci(&mut out, &digits, exp, 'e');
    }
    out
}

/// Python's `repr()` of a string: single quotes unless the text has a `'`
/// and no `"`, escapes for the quote, backslashes and unprintable characters.
///
/// ```
/// use gradviz::pyfmt::repr_str;
/// assert_eq!(repr_str("a'b"), r#""a'b""#);
/// assert_eq!(repr_str("tab\there\n"), r"'tab\there\n'");
/// assert_eq!(repr_str("\u{0}é"), r"'\x00é'");
/// ```
pub fn repr_str(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if !is_printable(c) => {
                let n = c as u32;
                let _ = match n {
                    0..=0xff => write!(out, "\\x{n:02x}"),
                    0x100..=0xffff => write!(out, "\\u{n:04x}"),
                    _ => write!(out, "\\U{n:08x}"),
                };
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Python's `str.isprintable` for the characters that matter in practice:
/// controls, separators other than the space, and format characters.
fn is_printable(c: char) -> bool {
    !(c.is_control()
        || matches!(
            c,
            '\u{a0}' | '\u{ad}' | '\u{1680}' | '\u{2000}'..='\u{200f}' | '\u{2028}'..='\u{202f}'
                | '\u{205f}'..='\u{2064}' | '\u{3000}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}'
        ))
}

/// Python's `str()` of an integer.
///
/// ```
/// assert_eq!(gradviz::pyfmt::repr_int(-42), "-42");
/// ```
pub fn repr_int(i: i64) -> String {
    i.to_string()
}

fn non_finite(x: f64) -> Option<&'static str> {
    if x.is_nan() {
        Some("nan")
    } else if x == f64::INFINITY {
        Some("inf")
    } else if x == f64::NEG_INFINITY {
        Some("-inf")
    } else {
        None
    }
}

/// The shortest round-trip decimal digits of `|x|` and its decimal exponent
/// (`x = d.ddd × 10^exp`).
fn shortest_digits(x: f64) -> (String, i32) {
    // Rust's shortest digits break a tie between two equally close
    // candidates upwards; CPython takes the correctly rounded (half-even)
    // one of the same length: 1e15 + 0.3 is 1000000000000000.2.
    let (digits, _) = split_sci(&format!("{:e}", x.abs()));
    split_sci(&format!("{:.*e}", digits.len() - 1, x.abs()))
}

/// Splits Rust's `{:e}` output (`"1.2345e-5"`) into digits and exponent.
fn split_sci(s: &str) -> (String, i32) {
    let (mant, exp) = s.split_once('e').expect("`{:e}` output has an exponent");
    let digits: String = mant.chars().filter(|c| *c != '.').collect();
    (digits, exp.parse().expect("`{:e}` exponent is an integer"))
}

/// Writes `digits` with the decimal point after `decpt` digits (may be ≤ 0).
fn push_fixed(out: &mut String, digits: &str, decpt: i32) {
    if decpt <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-decpt) as usize));
        out.push_str(digits);
    } else if decpt as usize >= digits.len() {
        out.push_str(digits);
        out.extend(std::iter::repeat_n('0', decpt as usize - digits.len()));
    } else {
        out.push_str(&digits[..decpt as usize]);
        out.push('.');
        out.push_str(&digits[decpt as usize..]);
    }
}

/// Writes `d.ddd` + `e±XX` (at least two exponent digits, as C and Python do).
fn push_sci(out: &mut String, digits: &str, exp: i32, e: char) {
    out.push_str(&digits[..1]);
    if digits.len() > 1 {
        out.push('.');
        out.push_str(&digits[1..]);
    }
    let _ = write!(
        out,
        "{e}{}{:02}",
        if exp < 0 { '-' } else { '+' },
        exp.abs()
    );
}

/// A number as the format-spec mini-language sees it.
#[derive(Clone, Copy, Debug)]
pub enum Number {
    /// A Python `int`.
    Int(i64),
    /// A Python `float`.
    Float(f64),
}

/// A parsed format spec: `[[fill]align][sign][#][0][width][,|_][.precision][type]`.
#[derive(Debug, Default, PartialEq)]
struct Spec {
    fill: Option<char>,
    align: Option<char>,
    sign: Option<char>,
    /// `z`: a negative zero after rounding prints as zero.
    z: bool,
    alternate: bool,
    /// The `0` flag: zero padding after the sign (numbers) or `0` fill.
    zero: bool,
    width: usize,
    grouping: Option<char>,
    precision: Option<usize>,
    kind: Option<char>,
}

/// An error in a format spec, with Python's wording.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FormatError(pub String);

fn parse_spec(spec: &str) -> Result<Spec, FormatError> {
    let chars: Vec<char> = spec.chars().collect();
    let mut s = Spec::default();
    let mut i = 0;
    let is_align = |c: char| matches!(c, '<' | '>' | '^' | '=');
    if chars.len() >= 2 && is_align(chars[1]) {
        s.fill = Some(chars[0]);
        s.align = Some(chars[1]);
        i = 2;
    } else if !chars.is_empty() && is_align(chars[0]) {
        s.align = Some(chars[0]);
        i = 1;
    }
    if i < chars.len() && matches!(chars[i], '+' | '-' | ' ') {
        s.sign = Some(chars[i]);
        i += 1;
    }
    if i < chars.len() && chars[i] == 'z' {
        s.z = true;
        i += 1;
    }
    if i < chars.len() && chars[i] == '#' {
        s.alternate = true;
        i += 1;
    }
    if i < chars.len() && chars[i] == '0' {
        s.zero = true;
        i += 1;
    }
    let start = i;
    while i < chars.len() && chars[i].is_ascii_digit() {
        i += 1;
    }
    if i > start {
        s.width = digits_value(&chars[start..i])?;
    }
    if i < chars.len() && matches!(chars[i], ',' | '_') {
        s.grouping = Some(chars[i]);
        i += 1;
    }
    if i < chars.len() && chars[i] == '.' {
        i += 1;
        let start = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return Err(FormatError("format specifier missing precision".into()));
        }
        s.precision = Some(digits_value(&chars[start..i])?);
    }
    if i < chars.len() {
        s.kind = Some(chars[i]);
        i += 1;
    }
    if i < chars.len() {
        return Err(FormatError("invalid format specifier".into()));
    }
    Ok(s)
}

fn digits_value(d: &[char]) -> Result<usize, FormatError> {
    let s: String = d.iter().collect();
    s.parse::<usize>()
        .ok()
        .filter(|n| *n <= 10_000)
        .ok_or_else(|| FormatError("too many decimal digits in format string".into()))
}

/// Formats a number as Python's `format(x, spec)` does.
///
/// Supports fill, alignment, sign, `#`, zero padding, width, `,`/`_`
/// grouping, precision and the types `f F e E g G % d n` and none.
///
/// ```
/// use gradviz::pyfmt::{format_number, Number};
/// assert_eq!(format_number(Number::Float(24.70408163265306), ".4f").unwrap(), "24.7041");
/// assert_eq!(format_number(Number::Float(0.000123), ".2e").unwrap(), "1.23e-04");
/// assert_eq!(format_number(Number::Int(7), "03d").unwrap(), "007");
/// assert_eq!(format_number(Number::Float(1234.5), ",.1f").unwrap(), "1,234.5");
/// ```
pub fn format_number(x: Number, spec: &str) -> Result<String, FormatError> {
    let s = parse_spec(spec)?;
    if s.grouping.is_some() && matches!(s.kind, Some('n' | 'c' | 's')) {
        return Err(FormatError(format!(
            "Cannot specify '{}' with '{}'.",
            s.grouping.unwrap_or(','),
            s.kind.unwrap_or('n')
        )));
    }
    let (mut negative, body) = match x {
        Number::Int(i) => match s.kind {
            None | Some('d' | 'n' | 'x' | 'X' | 'o' | 'b' | 'c') => {
                if s.precision.is_some() {
                    return Err(FormatError(
                        "Precision not allowed in integer format specifier".into(),
                    ));
                }
                (i < 0, int_body(i, &s)?)
            }
            Some(_) => float_body(i as f64, &s)?,
        },
        Number::Float(f) => float_body(f, &s)?,
    };
    let has_digits = body.bytes().any(|b| b.is_ascii_digit());
    if s.z && negative && has_digits && body.bytes().all(|b| !b.is_ascii_digit() || b == b'0') {
        negative = false;
    }
    let sign = match (negative, s.sign) {
        (true, _) => "-",
        (false, Some('+')) => "+",
        (false, Some(' ')) => " ",
        _ => "",
    };
    if s.zero && s.fill.is_none() && s.align.is_none() && s.grouping.is_some() && has_digits {
        return Ok(zero_pad_grouped(sign, &body, &s));
    }
    Ok(pad(sign, &body, &s, '>'))
}

/// The digits of an int without its sign: decimal, hex, octal, binary, or a
/// character.
fn int_body(i: i64, s: &Spec) -> Result<String, FormatError> {
    let a = i.unsigned_abs();
    let prefix = |p: &str| {
        if s.alternate {
            p.to_string()
        } else {
            String::new()
        }
    };
    Ok(match s.kind {
        Some('x') => prefix("0x") + &group_every(&format!("{a:x}"), s.grouping, 4),
        Some('X') => prefix("0X") + &group_every(&format!("{a:X}"), s.grouping, 4),
        Some('o') => prefix("0o") + &group_every(&format!("{a:o}"), s.grouping, 4),
        Some('b') => prefix("0b") + &group_every(&format!("{a:b}"), s.grouping, 4),
        Some('c') => match u32::try_from(i).ok().and_then(char::from_u32) {
            Some(c) => c.to_string(),
            None => return Err(FormatError("%c arg not in range(0x110000)".into())),
        },
        _ => group(&a.to_string(), s.grouping),
    })
}

/// Python's `0` flag with grouping: the zeros are grouped too
/// (`format(1234, '010,')` is `00,001,234`).
fn zero_pad_grouped(sign: &str, body: &str, s: &Spec) -> String {
    let split = body
        .find(|c: char| !c.is_ascii_digit() && Some(c) != s.grouping)
        .unwrap_or(body.len());
    let (int, rest) = body.split_at(split);
    let digits: String = int.chars().filter(char::is_ascii_digit).collect();
    let need = s.width.saturating_sub(sign.len() + rest.chars().count());
    let mut padded = digits;
    let mut grouped = group(&padded, s.grouping);
    while grouped.len() < need {
        padded.insert(0, '0');
        grouped = group(&padded, s.grouping);
    }
    format!("{sign}{grouped}{rest}")
}

/// Formats a string as Python's `format(s, spec)` does (`s` type or none).
///
/// ```
/// assert_eq!(gradviz::pyfmt::format_str("ab", ">4").unwrap(), "  ab");
/// ```
pub fn format_str(text: &str, spec: &str) -> Result<String, FormatError> {
    let s = parse_spec(spec)?;
    if !matches!(s.kind, None | Some('s')) {
        return Err(FormatError(format!(
            "Unknown format code '{}' for object of type 'str'",
            s.kind.unwrap_or('s')
        )));
    }
    if s.sign.is_some() {
        return Err(FormatError(
            "Sign not allowed in string format specifier".into(),
        ));
    }
    if s.alternate {
        return Err(FormatError(
            "Alternate form (#) not allowed in string format specifier".into(),
        ));
    }
    if s.align == Some('=') {
        return Err(FormatError(
            "'=' alignment not allowed in string format specifier".into(),
        ));
    }
    if let Some(g) = s.grouping {
        return Err(FormatError(format!("Cannot specify '{g}' with 's'.")));
    }
    let text: String = match s.precision {
        Some(p) => text.chars().take(p).collect(),
        None => text.to_string(),
    };
    Ok(pad("", &text, &s, '<'))
}

/// The digits of a float without its sign, per the spec's type and precision.
fn float_body(x: f64, s: &Spec) -> Result<(bool, String), FormatError> {
    if let Some(c) = s.kind
        && !matches!(c, 'f' | 'F' | 'e' | 'E' | 'g' | 'G' | 'n' | '%')
    {
        return Err(FormatError(format!(
            "Unknown format code '{c}' for object of type 'float'"
        )));
    }
    let negative = x.is_sign_negative() && !x.is_nan();
    let a = x.abs();
    let upper = matches!(s.kind, Some('F' | 'E' | 'G'));
    if let Some(nf) = non_finite(a) {
        let mut t = nf.to_string();
        if s.kind == Some('%') {
            t.push('%');
        }
        return Ok((negative, if upper { t.to_uppercase() } else { t }));
    }
    let body = match s.kind {
        Some('f' | 'F') => fixed(a, s.precision.unwrap_or(6), s),
        Some('%') => {
            let mut t = fixed(a * 100.0, s.precision.unwrap_or(6), s);
            t.push('%');
            t
        }
        Some('e' | 'E') => {
            let p = s.precision.unwrap_or(6);
            let (digits, exp) = split_sci(&format!("{:.*e}", p, a));
            let mut t = String::new();
            push_sci(&mut t, &digits, exp, if upper { 'E' } else { 'e' });
            if s.alternate && p == 0 {
                t.insert(1, '.');
            }
            t
        }
        Some('g' | 'G' | 'n') => general(a, s.precision.unwrap_or(6), s, upper, false),
        None => match s.precision {
            // No type and no precision is `str(x)`, i.e. `repr(x)`.
            None => {
                let mut r = repr_float(a);
                if s.alternate && !r.contains('.') {
                    // `#` keeps the point: format(1e16, '#') is '1.e+16'.
                    let at = r.find('e').unwrap_or(r.len());
                    r.insert(at, '.');
                }
                match r.split_once('.') {
                    Some((int, frac)) if s.grouping.is_some() => {
                        format!("{}.{frac}", group(int, s.grouping))
                    }
                    _ => r,
                }
            }
            Some(p) => general(a, p, s, upper, true),
        },
        Some(_) => unreachable!("the type was checked above"),
    };
    Ok((negative, body))
}

fn fixed(a: f64, precision: usize, s: &Spec) -> String {
    let t = format!("{:.*}", precision, a);
    let (int, frac) = match t.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (t, None),
    };
    let mut out = group(&int, s.grouping);
    match frac {
        Some(f) => {
            out.push('.');
            out.push_str(&f);
        }
        None if s.alternate => out.push('.'),
        None => {}
    }
    out
}

/// The `g` presentation; `repr_like` is the no-type-with-precision variant,
/// which keeps at least one digit after the point in fixed notation.
fn general(a: f64, precision: usize, s: &Spec, upper: bool, repr_like: bool) -> String {
    let p = precision.max(1);
    let (digits, exp) = split_sci(&format!("{:.*e}", p - 1, a));
    let strip = |d: &str| -> String {
        if s.alternate {
            d.to_string()
        } else {
            d.trim_end_matches('0').to_string()
        }
    };
    let mut out = String::new();
    // The no-type presentation switches to exponent notation one digit
    // earlier than `g` (Python: "when exp >= p - 1").
    let limit = if repr_like { p as i32 - 1 } else { p as i32 };
    if -4 <= exp && exp < limit {
        let kept = strip(&digits);
        let kept = if kept.is_empty() {
            "0".to_string()
        } else {
            kept
        };
        let decpt = exp + 1;
        let mut t = String::new();
        push_fixed(&mut t, &kept, decpt);
        let (int, frac) = match t.split_once('.') {
            Some((i, f)) => (i.to_string(), f.to_string()),
            None => (t.clone(), String::new()),
        };
        out.push_str(&group(&int, s.grouping));
        if !frac.is_empty() {
            out.push('.');
            out.push_str(&frac);
        } else if repr_like {
            out.push_str(".0");
        } else if s.alternate {
            out.push('.');
        }
    } else {
        let kept = strip(&digits);
        let kept = if kept.is_empty() {
            "0".to_string()
        } else {
            kept
        };
        push_sci(&mut out, &kept, exp, if upper { 'E' } else { 'e' });
        if s.alternate && !out.contains('.') {
            out.insert(1, '.');
        }
    }
    out
}

fn group(int_digits: &str, sep: Option<char>) -> String {
    group_every(int_digits, sep, 3)
}

/// Inserts `sep` every `every` digits from the right.
fn group_every(int_digits: &str, sep: Option<char>, every: usize) -> String {
    let Some(sep) = sep else {
        return int_digits.to_string();
    };
    let n = int_digits.len();
    let mut out = String::with_capacity(n + n / every);
    for (i, c) in int_digits.chars().enumerate() {
        if i > 0 && (n - i).is_multiple_of(every) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

fn pad(sign: &str, body: &str, s: &Spec, default_align: char) -> String {
    let len = sign.chars().count() + body.chars().count();
    if len >= s.width {
        return format!("{sign}{body}");
    }
    let n = s.width - len;
    let zero = s.zero && s.fill.is_none();
    let fill = s.fill.unwrap_or(if zero { '0' } else { ' ' });
    // The `0` flag pads numbers after the sign; strings keep their alignment.
    let default_align = if zero && default_align == '>' {
        '='
    } else {
        default_align
    };
    let fills = |k: usize| std::iter::repeat_n(fill, k).collect::<String>();
    match s.align.unwrap_or(default_align) {
        '<' => format!("{sign}{body}{}", fills(n)),
        '^' => format!("{}{sign}{body}{}", fills(n / 2), fills(n - n / 2)),
        '=' => format!("{sign}{}{body}", fills(n)),
        _ => format!("{}{sign}{body}", fills(n)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(x: f64, spec: &str) -> String {
        format_number(Number::Float(x), spec).unwrap()
    }

    #[test]
    fn repr_matches_python() {
        let cases = [
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (-4.0, "-4.0"),
            (0.1, "0.1"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e+16"),
            (123456789012345680.0, "1.2345678901234568e+17"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (1e300, "1e+300"),
            (-7.286496, "-7.286496"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (6.881373587019543, "6.881373587019543"),
        ];
        for (x, want) in cases {
            assert_eq!(repr_float(x), want, "repr({x:e})");
        }
    }

    #[test]
    fn fixed_and_exponent_specs() {
        assert_eq!(f(138.83379, ".4f"), "138.8338");
        assert_eq!(f(0.125, ".2f"), "0.12");
        assert_eq!(f(2.5, ".0f"), "2");
        assert_eq!(f(2.0, "#.0f"), "2.");
        assert_eq!(f(-1.5, "+.1f"), "-1.5");
        assert_eq!(f(1.5, "+.1f"), "+1.5");
        assert_eq!(f(1.5, " .1f"), " 1.5");
        assert_eq!(f(2.71234, "8.2f"), "    2.71");
        assert_eq!(f(-2.71234, "08.2f"), "-0002.71");
        assert_eq!(f(2.71234, "<8.2f"), "2.71    ");
        assert_eq!(f(2.71234, "*^9.2f"), "**2.71***");
        assert_eq!(f(1234567.891, ",.2f"), "1,234,567.89");
        assert_eq!(f(1234567.891, "_.0f"), "1_234_568");
        assert_eq!(f(12345.678, "e"), "1.234568e+04");
        assert_eq!(f(12345.678, ".2E"), "1.23E+04");
        assert_eq!(f(0.25, ".1%"), "25.0%");
        assert_eq!(f(f64::NAN, ".2f"), "nan");
        assert_eq!(f(f64::NEG_INFINITY, "F"), "-INF");
    }

    #[test]
    fn general_specs() {
        assert_eq!(f(1234.5, "g"), "1234.5");
        assert_eq!(f(1234567.0, "g"), "1.23457e+06");
        assert_eq!(f(0.0001234, "g"), "0.0001234");
        assert_eq!(f(0.00001234, "g"), "1.234e-05");
        assert_eq!(f(100.0, ".2g"), "1e+02");
        assert_eq!(f(0.0, "g"), "0");
        assert_eq!(f(1.0, "#g"), "1.00000");
        assert_eq!(f(1.0, ".3"), "1.0");
        assert_eq!(f(1234.5, ".2"), "1.2e+03");
        assert_eq!(f(100.0, ".3"), "1e+02");
        assert_eq!(f(1.5, ".0"), "2e+00");
        assert_eq!(f(1e16, "#"), "1.e+16");
        assert_eq!(f(24.70408163265306, ""), "24.70408163265306");
        assert_eq!(f(2.0, ">6"), "   2.0");
    }

    #[test]
    fn int_and_str_specs() {
        assert_eq!(format_number(Number::Int(42), "").unwrap(), "42");
        assert_eq!(format_number(Number::Int(-42), "5d").unwrap(), "  -42");
        assert_eq!(
            format_number(Number::Int(1234567), ",").unwrap(),
            "1,234,567"
        );
        assert_eq!(format_number(Number::Int(3), ".2f").unwrap(), "3.00");
        assert_eq!(format_str("abc", ".2").unwrap(), "ab");
        assert_eq!(format_str("abc", "^7").unwrap(), "  abc  ");
        assert_eq!(format_str("ab", "05").unwrap(), "ab000");
        assert_eq!(
            format_number(Number::Int(1234), "010,").unwrap(),
            "00,001,234"
        );
        assert_eq!(
            format_number(Number::Float(-1234.5), "012,.1f").unwrap(),
            "-0,001,234.5"
        );
        assert_eq!(format_number(Number::Int(255), "#x").unwrap(), "0xff");
        assert_eq!(format_number(Number::Int(-5), "08b").unwrap(), "-0000101");
        assert_eq!(format_number(Number::Int(65), "c").unwrap(), "A");
        assert_eq!(
            format_number(Number::Float(-0.0001), "z.2f").unwrap(),
            "0.00"
        );
    }

    #[test]
    fn bad_specs_are_errors() {
        assert!(format_number(Number::Float(1.0), "d").is_err());
        assert!(format_number(Number::Float(f64::INFINITY), "s").is_err());
        assert!(format_number(Number::Int(1), ",n").is_err());
        assert!(format_str("a", ",").is_err());
        assert!(format_str("a", "=5").is_err());
        assert!(format_number(Number::Float(1.0), ".f").is_err());
        assert!(format_number(Number::Float(1.0), "q").is_err());
        assert!(format_number(Number::Int(1), ".2").is_err());
        assert!(format_str("a", "+").is_err());
        assert!(format_str("a", "f").is_err());
    }
}
