//! Python's operators on values, lowered onto the engine exactly as
//! micrograd's `engine.py` does (`a - b` is `a + (-b)`, `a / b` is
//! `a * b**-1`, a number operand becomes a constant leaf), and on plain
//! numbers with Python's semantics.

use super::*;

impl Evaluator<'_> {
    pub(super) fn unary(&mut self, op: UnOp, v: Obj, span: Span) -> Result<Obj, ScriptError> {
        match (op, v) {
            (UnOp::Neg, Obj::Int(i)) => i.checked_neg().map(Obj::Int).ok_or_else(|| overflow(span)),
            (UnOp::Neg, Obj::Float(x)) => Ok(Obj::Float(-x)),
            (UnOp::Pos, v @ (Obj::Int(_) | Obj::Float(_))) => Ok(v),
            // micrograd: __neg__ is self * -1
            (UnOp::Neg, Obj::Value(id)) => {
                let c = self.constant(Number::Int(-1), span)?;
                Ok(Obj::Value(self.apply(Op::Mul, &[id, c], span)?))
            }
            (op, v) => Err(type_error(
                span,
                format!(
                    "bad operand type for unary {}: {}",
                    if op == UnOp::Neg { "-" } else { "+" },
                    v.type_name()
                ),
            )),
        }
    }

    /// `l op r`, lowered as micrograd lowers it when a Value is involved.
    pub(super) fn binop(
        &mut self,
        op: BinOp,
        l: Obj,
        r: Obj,
        span: Span,
        rspan: Span,
    ) -> Result<Obj, ScriptError> {
        use BinOp::*;
        use Obj::Value as V;
        match (op, &l, &r) {
            (_, Obj::Int(_) | Obj::Float(_), Obj::Int(_) | Obj::Float(_)) => {
                let (a, b) = (l.number().unwrap_or(Number::Int(0)), r.number().unwrap_or(Number::Int(0)));
                num_binop(op, a, b, span).map(from_number)
            }
            (Add, Obj::Str(a), Obj::Str(b)) => {
                if a.len() + b.len() > MAX_STR {
                    return Err(ScriptError::new(
                        ErrorKind::Limit,
                        span,
                        format!("string too long (over {MAX_STR} bytes)"),
                    ));
                }
                Ok(Obj::Str(format!("{a}{b}").into()))
            }
            (Add, V(a), V(b)) => self.value_op(Op::Add, *a, *b, span),
            (Mul, V(a), V(b)) => self.value_op(Op::Mul, *a, *b, span),
            // a + 2, 2 + a (__radd__ swaps): a + Value(2)
            (Add | Mul, V(a), n) | (Add | Mul, n, V(a)) if n.number().is_some() => {
                let c = self.constant(n.number().unwrap_or(Number::Int(0)), rspan)?;
                let op = if op == Add { Op::Add } else { Op::Mul };
                self.value_op(op, *a, c, span)
            }
            // a - b is a + (-b)
            (Sub, V(a), V(_)) => {
                let neg = self.unary(UnOp::Neg, r.clone(), rspan)?;
                let V(nb) = neg else { unreachable!("-Value is a Value") };
                self.value_op(Op::Add, *a, nb, span)
            }
            // a - 2 is a + Value(-2)
            (Sub, V(_), n) if n.number().is_some() => {
                let neg = self.unary(UnOp::Neg, r.clone(), rspan)?;
                self.binop(Add, l, neg, span, rspan)
            }
            // 2 - a is (-a) + Value(2)  (__rsub__)
            (Sub, n, V(_)) if n.number().is_some() => {
                let neg = self.unary(UnOp::Neg, r.clone(), rspan)?;
                self.binop(Add, neg, l, span, span)
            }
            // a / b is a * b**-1
            (Div, V(a), V(b)) => {
                let inv = self.apply(Op::Pow(Exponent::Int(-1)), &[*b], span)?;
                self.value_op(Op::Mul, *a, inv, span)
            }
            // a / 2.0 is a * Value(0.5): Python inverts the number first
            (Div, V(_), n) if n.number().is_some() => {
                let inv = num_binop(Pow, n.number().unwrap_or(Number::Int(1)), Number::Int(-1), rspan)?;
                self.binop(Mul, l, from_number(inv), span, rspan)
            }
            // 2.0 / a is a**-1 * Value(2.0)  (__rtruediv__)
            (Div, n, V(b)) if n.number().is_some() => {
                let inv = self.apply(Op::Pow(Exponent::Int(-1)), &[*b], span)?;
                self.binop(Mul, V(inv), l, span, span)
            }
            (Pow, V(a), Obj::Int(k)) => self.value_pow(*a, Exponent::Int(*k), span),
            (Pow, V(a), Obj::Float(k)) => self.value_pow(*a, Exponent::Float(*k), span),
            (Pow, V(_), V(_)) => Err(type_error(rspan, "a Value can only be raised to a number, not to a Value")
                .label("a Value exponent")
                .help("micrograd only supports int/float powers; use `.data` for a constant exponent, e.g. `a ** b.data`")),
            (Pow, n, V(_)) if n.number().is_some() => Err(type_error(
                span,
                "a number cannot be raised to a Value power",
            )
            .help("micrograd has no __rpow__; write `(b * math.log(2)).exp()` for 2**b")),
            _ => Err(type_error(
                span,
                format!(
                    "unsupported operand types for {}: {} and {}",
                    op.symbol(),
                    l.type_name(),
                    r.type_name()
                ),
            )),
        }
    }

    pub(super) fn value_op(
        &mut self,
        op: Op,
        a: ValueId,
        b: ValueId,
        span: Span,
    ) -> Result<Obj, ScriptError> {
        Ok(Obj::Value(self.apply(op, &[a, b], span)?))
    }

    pub(super) fn value_pow(
        &mut self,
        a: ValueId,
        k: Exponent,
        span: Span,
    ) -> Result<Obj, ScriptError> {
        Ok(Obj::Value(self.apply(Op::Pow(k), &[a], span)?))
    }

    /// A constant leaf, as micrograd's `Value(other)` for a number operand.
    pub(super) fn constant(&mut self, n: Number, span: Span) -> Result<ValueId, ScriptError> {
        self.leaf(n, None, span)
    }

    /// A new leaf of `n` (its Python type recorded), within the node limit.
    pub(super) fn leaf(
        &mut self,
        n: Number,
        label: Option<&str>,
        span: Span,
    ) -> Result<ValueId, ScriptError> {
        self.check_limit(span)?;
        let id = self.graph.leaf(as_f64(n), label);
        self.record(
            id,
            NodeInfo {
                data_int: matches!(n, Number::Int(_)),
                grad_int: true,
                span,
            },
        );
        Ok(id)
    }

    /// A new op node, with Python's int/float typing of its data and a check
    /// that the result is finite.
    pub(super) fn apply(
        &mut self,
        op: Op,
        operands: &[ValueId],
        span: Span,
    ) -> Result<ValueId, ScriptError> {
        self.check_limit(span)?;
        let inputs: Vec<f64> = operands.iter().map(|o| self.graph.data(*o)).collect();
        let ints: Vec<bool> = operands.iter().map(|o| self.info(*o).data_int).collect();
        let id = self.graph.apply(op, operands);
        let data = self.graph.data(id);
        let data_int = match op {
            Op::Add | Op::Mul => ints[0] && ints[1],
            Op::Pow(Exponent::Int(k)) => ints[0] && k >= 0,
            Op::Pow(Exponent::Float(_)) | Op::Tanh | Op::Exp => false,
            // micrograd: `0 if self.data < 0 else self.data`
            Op::Relu => inputs[0] < 0.0 || ints[0],
        };
        self.record(
            id,
            NodeInfo {
                data_int,
                grad_int: true,
                span,
            },
        );
        if !self.options.ieee && !data.is_finite() && inputs.iter().all(|x| x.is_finite()) {
            return Err(non_finite_forward(op, inputs[0], data, span));
        }
        Ok(id)
    }
}

fn non_finite_forward(op: Op, a: f64, data: f64, span: Span) -> ScriptError {
    let input = pyfmt::repr_float(a);
    let (msg, help) = match op {
        Op::Pow(k) if a == 0.0 && k.value() < 0.0 => (
            format!("division by zero: `{op}` of 0"),
            "micrograd computes a / b as a * b**-1, so b must not be zero",
        ),
        Op::Pow(k) if a < 0.0 && k.value().fract() != 0.0 => (
            format!("`{op}` of a negative number ({input}) is not a real number"),
            "fractional powers need a non-negative base",
        ),
        Op::Exp => (
            format!("overflow: `exp` of {input} is too large for a float"),
            "scale the input down; pass --ieee to allow inf",
        ),
        _ => (
            format!("`{op}` gives {} (input {input})", pyfmt::repr_float(data)),
            "pass --ieee to allow inf and nan",
        ),
    };
    math_error(span, msg).label("this operation").help(help)
}
