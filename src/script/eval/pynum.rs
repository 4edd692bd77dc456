//! Plain numbers with Python's semantics: int and float arithmetic (ints
//! stay ints, `/` gives a float, `//` and `%` floor, overflow is an error),
//! and the number functions a script may call (`float`, `int`, `abs`,
//! `math.*`).

use super::*;

pub(super) fn overflow(span: Span) -> ScriptError {
    math_error(span, "integer overflow")
        .help("gradviz integers are 64-bit; use floats (1e30) for larger numbers")
}

/// Python arithmetic on two plain numbers.
pub(super) fn num_binop(
    op: BinOp,
    a: Number,
    b: Number,
    span: Span,
) -> Result<Number, ScriptError> {
    use Number::{Float, Int};
    let zero_div = || math_error(span, "division by zero").label("dividing by zero here");
    if let (Int(x), Int(y)) = (a, b) {
        let int = match op {
            BinOp::Add => x.checked_add(y),
            BinOp::Sub => x.checked_sub(y),
            BinOp::Mul => x.checked_mul(y),
            BinOp::Div => None,
            BinOp::Pow if y >= 0 => Some(
                u32::try_from(y)
                    .ok()
                    .and_then(|e| x.checked_pow(e))
                    .ok_or_else(|| overflow(span))?,
            ),
            BinOp::Pow => None,
        };
        if let Some(r) = int {
            return Ok(Int(r));
        }
        if op != BinOp::Div && op != BinOp::Pow {
            return Err(overflow(span));
        }
    }
    let (x, y) = (as_f64(a), as_f64(b));
    Ok(Float(match op {
        BinOp::Add => x + y,
        BinOp::Sub => x - y,
        BinOp::Mul => x * y,
        BinOp::Div if y == 0.0 => return Err(zero_div()),
        BinOp::Div => x / y,
        BinOp::Pow => {
            if x == 0.0 && y < 0.0 {
                return Err(math_error(
                    span,
                    "division by zero: 0 cannot be raised to a negative power",
                ));
            }
            if x < 0.0 && y.fract() != 0.0 && y.is_finite() {
                return Err(math_error(
                    span,
                    "a negative number raised to a fractional power is complex",
                )
                .help("complex numbers are not supported"));
            }
            let r = x.powf(y);
            if r.is_infinite() && x.is_finite() && y.is_finite() {
                return Err(math_error(span, "numerical result out of range (overflow)"));
            }
            r
        }
    }))
}

pub(super) fn builtin_number_fn(name: &str, n: Number, span: Span) -> Result<Obj, ScriptError> {
    let x = as_f64(n);
    let domain = || math_error(span, "math domain error");
    Ok(match name {
        "float" => Obj::Float(x),
        "int" => match n {
            Number::Int(i) => Obj::Int(i),
            Number::Float(f) if f.is_finite() && f.abs() < 9.2e18 => Obj::Int(f.trunc() as i64),
            Number::Float(_) => {
                return Err(math_error(span, "cannot convert this float to an integer"));
            }
        },
        "abs" => match n {
            Number::Int(i) => Obj::Int(i.checked_abs().ok_or_else(|| overflow(span))?),
            Number::Float(f) => Obj::Float(f.abs()),
        },
        "math.exp" => {
            let r = x.exp();
            if r.is_infinite() && x.is_finite() {
                return Err(math_error(span, "math range error (overflow in math.exp)"));
            }
            Obj::Float(r)
        }
        "math.log" if x <= 0.0 => return Err(domain()),
        "math.log" => Obj::Float(x.ln()),
        "math.sqrt" if x < 0.0 => return Err(domain()),
        "math.sqrt" => Obj::Float(x.sqrt()),
        "math.tanh" => Obj::Float(x.tanh()),
        "math.sin" => Obj::Float(x.sin()),
        "math.cos" => Obj::Float(x.cos()),
        _ => {
            return Err(ScriptError::new(
                ErrorKind::Unsupported,
                span,
                format!("`{name}` is not supported"),
            ));
        }
    })
}
