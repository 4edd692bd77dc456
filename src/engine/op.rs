//! The operations of the engine: each one's name, forward value and local
//! derivative, side by side. All the calculus of gradviz is in this file.

use std::fmt;

use crate::pyfmt;

/// The exponent of a `**k` op, remembered the way Python spelled it, because
/// micrograd names the op `f'**{k}'`: `b**3` is `**3`, `b**3.0` is `**3.0`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Exponent {
    /// An `int` exponent, as in `x**2` or `x**-1`.
    Int(i64),
    /// A `float` exponent, as in `x**0.5` or `x**2.0`.
    Float(f64),
}

impl Exponent {
    /// The exponent as a float.
    ///
    /// ```
    /// use gradviz::Exponent;
    /// assert_eq!(Exponent::Int(-1).value(), -1.0);
    /// ```
    pub fn value(self) -> f64 {
        match self {
            Exponent::Int(k) => k as f64,
            Exponent::Float(k) => k,
        }
    }
}

impl fmt::Display for Exponent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Exponent::Int(k) => write!(f, "{}", pyfmt::repr_int(k)),
            Exponent::Float(k) => write!(f, "{}", pyfmt::repr_float(k)),
        }
    }
}

/// An operation that produced a value node. Leaves have no op.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Op {
    /// `a + b`.
    Add,
    /// `a * b`.
    Mul,
    /// `a ** k` for a number `k`.
    Pow(Exponent),
    /// `tanh(a)`.
    Tanh,
    /// `e ** a`.
    Exp,
    /// `max(0, a)`.
    Relu,
}

impl Op {
    /// How many operands the op takes.
    ///
    /// ```
    /// use gradviz::Op;
    /// assert_eq!(Op::Mul.arity(), 2);
    /// assert_eq!(Op::Tanh.arity(), 1);
    /// ```
    pub fn arity(self) -> usize {
        match self {
            Op::Add | Op::Mul => 2,
            Op::Pow(_) | Op::Tanh | Op::Exp | Op::Relu => 1,
        }
    }

    /// The op's label in the graph, exactly as micrograd's `_op`.
    ///
    /// ```
    /// use gradviz::{Exponent, Op};
    /// assert_eq!(Op::Pow(Exponent::Int(-1)).name(), "**-1");
    /// assert_eq!(Op::Pow(Exponent::Float(0.5)).name(), "**0.5");
    /// assert_eq!(Op::Relu.name(), "ReLU");
    /// ```
    pub fn name(self) -> String {
        match self {
            Op::Add => "+".into(),
            Op::Mul => "*".into(),
            Op::Pow(k) => format!("**{k}"),
            Op::Tanh => "tanh".into(),
            Op::Exp => "exp".into(),
            Op::Relu => "ReLU".into(),
        }
    }

    /// The forward value from the operands' data (`b` is ignored by unary ops).
    ///
    /// ```
    /// use gradviz::Op;
    /// assert_eq!(Op::Mul.forward(2.0, -3.0), -6.0);
    /// ```
    #[inline]
    pub fn forward(self, a: f64, b: f64) -> f64 {
        match self {
            Op::Add => a + b,
            Op::Mul => a * b,
            Op::Pow(k) => a.powf(k.value()),
            // The C library's tanh (as Python's math.tanh) is stable for large |a|,
            // where the lecture's (e^2a - 1)/(e^2a + 1) overflows to nan.
            Op::Tanh => a.tanh(),
            Op::Exp => a.exp(),
            // micrograd: `0 if self.data < 0 else self.data`
            Op::Relu => {
                if a < 0.0 {
                    0.0
                } else {
                    a
                }
            }
        }
    }

    /// The local derivatives `[∂out/∂a, ∂out/∂b]` given the operands' data and
    /// the op's output (derivatives reuse the output where they can).
    ///
    /// ```
    /// use gradviz::Op;
    /// assert_eq!(Op::Mul.local_grads(2.0, -3.0, -6.0), [-3.0, 2.0]);
    /// ```
    pub fn local_grads(self, a: f64, b: f64, out: f64) -> [f64; 2] {
        match self {
            // d(a+b)/da = 1, d(a+b)/db = 1
            Op::Add => [1.0, 1.0],
            // d(a*b)/da = b, d(a*b)/db = a
            Op::Mul => [b, a],
            // d(a^k)/da = k * a^(k-1)
            Op::Pow(k) => [k.value() * a.powf(k.value() - 1.0), 0.0],
            // d tanh(a)/da = 1 - tanh(a)^2
            Op::Tanh => [1.0 - out * out, 0.0],
            // d e^a/da = e^a
            Op::Exp => [out, 0.0],
            // d max(0,a)/da = 1 if out > 0 else 0
            Op::Relu => [if out > 0.0 { 1.0 } else { 0.0 }, 0.0],
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Central finite difference of `op` in operand `i` at `(a, b)`.
    fn numeric(op: Op, a: f64, b: f64, i: usize) -> f64 {
        let h = 1e-6;
        let (fp, fm) = if i == 0 {
            (op.forward(a + h, b), op.forward(a - h, b))
        } else {
            (op.forward(a, b + h), op.forward(a, b - h))
        };
        (fp - fm) / (2.0 * h)
    }

    #[test]
    fn every_local_derivative_matches_a_central_difference() {
        let ops = [
            Op::Add,
            Op::Mul,
            Op::Pow(Exponent::Int(2)),
            Op::Pow(Exponent::Int(3)),
            Op::Pow(Exponent::Int(-1)),
            Op::Pow(Exponent::Float(0.5)),
            Op::Pow(Exponent::Float(-2.5)),
            Op::Tanh,
            Op::Exp,
            Op::Relu,
        ];
        let points = [(0.7, -1.3), (1.9, 0.4), (-0.6, 2.2), (3.1, -0.2)];
        for op in ops {
            for (a, b) in points {
                if matches!(op, Op::Pow(Exponent::Float(_))) && a < 0.0 {
                    continue; // fractional powers of negatives are not real
                }
                let out = op.forward(a, b);
                let analytic = op.local_grads(a, b, out);
                for (i, want) in analytic.iter().enumerate().take(op.arity()) {
                    let num = numeric(op, a, b, i);
                    let err = (num - want).abs() / want.abs().max(1.0);
                    assert!(
                        err < 1e-6,
                        "{op} at ({a}, {b}) operand {i}: {want} vs {num}"
                    );
                }
            }
        }
    }

    #[test]
    fn relu_matches_micrograd_at_zero_and_below() {
        assert_eq!(Op::Relu.forward(-2.0, 0.0), 0.0);
        assert_eq!(Op::Relu.local_grads(0.0, 0.0, 0.0), [0.0, 0.0]);
        assert_eq!(Op::Relu.local_grads(3.0, 0.0, 3.0), [1.0, 0.0]);
    }

    #[test]
    fn tanh_is_stable_for_large_inputs() {
        assert_eq!(Op::Tanh.forward(800.0, 0.0), 1.0);
        assert_eq!(Op::Tanh.forward(-800.0, 0.0), -1.0);
    }
}
