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
    split_sci(&format!("{:e}", x.abs()))
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
    alternate: bool,
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
    if i < chars.len() && chars[i] == '#' {
        s.alternate = true;
        i += 1;
    }
    if i < chars.len() && chars[i] == '0' {
        if s.fill.is_none() {
            s.fill = Some('0');
        }
        if s.align.is_none() {
            s.align = Some('=');
        }
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
    let (negative, body) = match x {
        Number::Int(i) => match s.kind {
            None | Some('d') | Some('n') => {
                if s.precision.is_some() {
                    return Err(FormatError(
                        "precision not allowed in integer format specifier".into(),
                    ));
                }
                (i < 0, group(&i.unsigned_abs().to_string(), s.grouping))
            }
            Some(_) => float_body(i as f64, &s)?,
        },
        Number::Float(f) => {
            if s.kind == Some('d') {
                return Err(FormatError(
                    "unknown format code 'd' for object of type 'float'".into(),
                ));
            }
            float_body(f, &s)?
        }
    };
    let sign = match (negative, s.sign) {
        (true, _) => "-",
        (false, Some('+')) => "+",
        (false, Some(' ')) => " ",
        _ => "",
    };
    Ok(pad(sign, &body, &s, '>'))
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
            "unknown format code '{}' for object of type 'str'",
            s.kind.unwrap_or('s')
        )));
    }
    if s.sign.is_some() {
        return Err(FormatError(
            "sign not allowed in string format specifier".into(),
        ));
    }
    let text: String = match s.precision {
        Some(p) => text.chars().take(p).collect(),
        None => text.to_string(),
    };
    Ok(pad("", &text, &s, '<'))
}

/// The digits of a float without its sign, per the spec's type and precision.
fn float_body(x: f64, s: &Spec) -> Result<(bool, String), FormatError> {
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
                let r = repr_float(a);
                match r.split_once('.') {
                    Some((int, frac)) if s.grouping.is_some() => {
                        format!("{}.{frac}", group(int, s.grouping))
                    }
                    _ => r,
                }
            }
            Some(p) => general(a, p, s, upper, true),
        },
        Some(c) => {
            return Err(FormatError(format!(
                "unknown format code '{c}' for object of type 'float'"
            )));
        }
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
    if a == 0.0 {
        return if s.alternate {
            format!("0.{}", "0".repeat(p - 1))
        } else if repr_like {
            "0.0".into()
        } else {
            "0".into()
        };
    }
    let (digits, exp) = split_sci(&format!("{:.*e}", p - 1, a));
    let strip = |d: &str| -> String {
        if s.alternate {
            d.to_string()
        } else {
            d.trim_end_matches('0').to_string()
        }
    };
    let mut out = String::new();
    if -4 <= exp && exp < p as i32 {
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
        } else if repr_like || s.alternate {
            out.push_str(".0");
        }
    } else {
        let kept = strip(&digits);
        let kept = if kept.is_empty() {
            "0".to_string()
        } else {
            kept
        };
        push_sci(&mut out, &kept, exp, if upper { 'E' } else { 'e' });
    }
    out
}

fn group(int_digits: &str, sep: Option<char>) -> String {
    let Some(sep) = sep else {
        return int_digits.to_string();
    };
    let n = int_digits.len();
    let mut out = String::with_capacity(n + n / 3);
    for (i, c) in int_digits.chars().enumerate() {
        if i > 0 && (n - i).is_multiple_of(3) {
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
    let fill = s.fill.unwrap_or(' ');
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
    }

    #[test]
    fn bad_specs_are_errors() {
        assert!(format_number(Number::Float(1.0), "d").is_err());
        assert!(format_number(Number::Float(1.0), ".f").is_err());
        assert!(format_number(Number::Float(1.0), "q").is_err());
        assert!(format_number(Number::Int(1), ".2").is_err());
        assert!(format_str("a", "+").is_err());
        assert!(format_str("a", "f").is_err());
    }
}
