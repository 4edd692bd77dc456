//! Differential property test: random Python programs over micrograd Values,
//! run by gradviz and by CPython with the real micrograd
//! (`tests/reference/micrograd_json.py`), must print the same text and build
//! the same graph node for node.
//!
//! The programs come from a small hand-written generator seeded with
//! `rand_chacha` (`SEED`, `CASES` below; `GRADVIZ_DIFF_SEED=N` and
//! `GRADVIZ_DIFF_CASES=N` override them). They use loops (`for` over
//! `range`, lists, `zip`, `enumerate`, slices and dicts; `while` with a
//! counter; `break`/`continue`), functions (defaults, keyword and
//! keyword-only arguments, tuple returns, closures, lambdas, recursion with
//! a base case), lists (literals, `append`, indexing, slicing,
//! comprehensions, `sum(..., start)`), dicts, conditionals and arithmetic
//! over `Value`s and plain numbers, then `out.backward()` and prints of
//! data, grads, labels and numbers.
//!
//! Programs are valid and non-failing by construction: every expression
//! carries a static bound on its magnitude (wrapped in `.tanh()` /
//! `math.tanh` when it would pass `LIMIT`), divisions are by `b*b + 1` and
//! the like, `exp` only of small arguments, list indexes below the length
//! the program is known to have, loops bounded. Inside loops a variable is
//! only ever given a value within the bound it already had, except for
//! accumulators created for that loop with a budget.
//!
//! Compared: stdout line by line, tokens that look like numbers to 1e-9
//! relative (and the same spelling when they are the same float, so `2`
//! vs `2.0` is a mismatch); the graph(s) of `render -f json` (with and
//! without auto labels) node for node: ids, ops, labels and edges exactly,
//! data and grads to 1e-9. A mismatch prints the program and both outputs
//! and saves the program as `target/differential-failures/NAME.py`.
//!
//! Python: `GRADVIZ_PYTHON`, else `/work/mg-venv/bin/python` if it exists;
//! without one the test prints `SKIPPED` and passes, unless
//! `GRADVIZ_REQUIRE_TOOLS=1` (`.ci/run` makes a venv with micrograd 0.1.0).
//!
//! Findings (gradviz and CPython disagreed) keep their minimal program as
//! `tests/reference/cases/diff_*.py`; while one is open, `FEATURES` leaves
//! its construct out and `GRADVIZ_DIFF_ALL=1` puts it back, to see whether
//! it is fixed (all three found so far are). `dump_programs` (ignored) writes the
//! programs of a run without running them.

mod common;

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};
use serde_json::Value as Json;
use std::fmt::Write as _;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::rc::Rc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Programs per run and the seed of the first (program `k` uses `SEED + k`).
const CASES: u64 = 200;
const SEED: u64 = 0x6772_6164_7669_7a00;

/// How long CPython may take over one program.
const CPYTHON_TIMEOUT: Duration = Duration::from_secs(30);

/// Largest magnitude an expression may have before it is squashed by tanh.
const LIMIT: f64 = 12.0;
/// Most loop iterations nested inside one another (product of the counts).
const MAX_MULT: f64 = 12.0;
/// What the accumulators of one loop may gain in total (in bound units).
const ACC_BUDGET: f64 = 6.0;

// ---------------------------------------------------------------------------
// Random numbers
// ---------------------------------------------------------------------------

struct Rand(ChaCha8Rng);

impl Rand {
    fn below(&mut self, n: usize) -> usize {
        assert!(n > 0);
        (self.0.next_u64() % n as u64) as usize
    }
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    fn chance(&mut self, p: f64) -> bool {
        ((self.0.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
    /// An index into `ws` with probability proportional to its weight.
    fn weighted(&mut self, ws: &[u32]) -> usize {
        let total: u32 = ws.iter().sum();
        assert!(total > 0);
        let mut k = self.below(total as usize) as u32;
        for (i, &w) in ws.iter().enumerate() {
            if k < w {
                return i;
            }
            k -= w;
        }
        unreachable!()
    }
}

// ---------------------------------------------------------------------------
// The generator's model of the program
// ---------------------------------------------------------------------------

#[derive(Clone, Debug)]
enum Ty {
    Val,
    Num {
        int: bool,
    },
    /// A list of Values whose length is in `min..=max`.
    VList {
        min: usize,
        max: usize,
    },
    /// A list of plain numbers (never changed).
    NList {
        len: usize,
    },
    /// A dict `str -> Value` with these keys (insertion order).
    VDict {
        keys: Vec<String>,
    },
    Func(Rc<Sig>),
    /// A function returning a closure.
    Factory(Rc<Sig>, Rc<Sig>),
}

#[derive(Clone, Debug)]
struct Var {
    name: String,
    ty: Ty,
    /// Upper bound on |data| (of every element, for lists and dicts).
    cap: f64,
    /// May not be assigned (loop targets, counters, parameters' aliases).
    readonly: bool,
    /// Being iterated over: no appends.
    frozen: bool,
    /// An accumulator of the loop being generated.
    acc: Option<Acc>,
    /// `max_mult` and `min_mult` where it was bound: appends count
    /// relative to them (a list made in a loop body is made anew each time).
    born: (f64, usize),
    /// `ctx.loops` where it was bound.
    born_loops: usize,
}

#[derive(Clone, Debug)]
struct Acc {
    /// What is left of its budget (in bound units × iterations).
    left: f64,
    /// `max_mult` where it was created.
    base_mult: f64,
}

#[derive(Clone, Debug)]
enum PTy {
    Val,
    Num { int: bool },
    VList { max: usize },
}

#[derive(Clone, Debug)]
struct Param {
    name: String,
    ty: PTy,
    cap: f64,
    default: Option<String>,
    kwonly: bool,
}

#[derive(Clone, Debug)]
enum Ret {
    Val(f64),
    Pair(f64, f64),
}

#[derive(Clone, Debug)]
struct Sig {
    params: Vec<Param>,
    ret: Ret,
}

/// An expression: its code, a bound on |value|, and whether it can be used
/// as an operand without parentheses.
#[derive(Clone, Debug)]
struct E {
    code: String,
    b: f64,
    atom: bool,
}

impl E {
    fn atom(code: String, b: f64) -> E {
        E {
            code,
            b,
            atom: true,
        }
    }
    fn op(code: String, b: f64) -> E {
        E {
            code,
            b,
            atom: false,
        }
    }
    /// The code, parenthesised unless it is an atom.
    fn p(&self) -> String {
        if self.atom {
            self.code.clone()
        } else {
            format!("({})", self.code)
        }
    }
}

#[derive(Clone, Debug)]
struct Ctx {
    /// Loops around the statement being generated (in this function).
    loops: usize,
    /// Product of the most iterations of those loops.
    max_mult: f64,
    /// Product of the fewest (0 in a branch or a loop that may stop early).
    min_mult: usize,
    /// Inside an `if` branch (outside any loop of it).
    cond: bool,
    /// Block nesting.
    depth: usize,
    in_func: bool,
}

impl Ctx {
    fn top() -> Ctx {
        Ctx {
            loops: 0,
            max_mult: 1.0,
            min_mult: 1,
            cond: false,
            depth: 0,
            in_func: false,
        }
    }
    /// Straight-line code of the module or a function body: caps may grow,
    /// dict keys may be added.
    fn certain(&self) -> bool {
        self.loops == 0 && !self.cond
    }
}

/// Constructs the generator (and the comparison) can leave out. The `false`
/// ones are open findings, where gradviz and CPython disagree; each has a
/// minimal reproduction, `tests/reference/cases/diff_*.py`.
#[derive(Clone, Copy, Debug)]
struct Features {
    /// `draw_dot(out)` before and after `backward()`.
    draw_dot: bool,
    /// A gradient step on the first leaves, then a second forward and
    /// backward.
    phase2: bool,
    /// The step changes `.data` of whatever the leaves' names are bound to
    /// by then, often a `tanh` node. Open finding (`diff_tanh_data_changed`):
    /// gradviz's tanh backward uses the node's current data, micrograd's the
    /// `t` it computed in the forward pass. Off: the step is over the
    /// original leaves, kept in a list `params` when they are made.
    step_non_leaves: bool,
    /// Printed `-0.0` and `0.0` must be spelt alike. Open finding
    /// (`diff_int_negative_zero`): an int zero (`relu` of a negative,
    /// `Value(0)`, `Value(-1) + 1`) times a negative int (`-v` and `a - b`
    /// multiply by `-1`) is the int `0` in CPython but `-0.0` inside
    /// gradviz, so float results made from it (`tanh`, `* 1.0`) are `-0.0`
    /// where CPython has `0.0` (and the other way round). The construct is
    /// everywhere (relu, negation, subtraction), so it is left out of the
    /// comparison instead: off, a printed zero matches a zero of the other
    /// sign.
    signed_zero_text: bool,
    /// `d[k] = ...` for an existing key inside a loop over `d.items()` (or
    /// `d`). Open finding (`diff_dict_view_live`): gradviz's `d.items()` /
    /// `d.values()` loops see the values as they were when the loop
    /// started; CPython's views are live and see the new value of a key
    /// not reached yet.
    dict_set_while_iterating: bool,
}

// The three findings are fixed (their cases stay in tests/reference/cases):
// every construct is generated.
const FEATURES: Features = Features {
    draw_dot: true,
    phase2: true,
    step_non_leaves: true,
    signed_zero_text: true,
    dict_set_while_iterating: true,
};

/// `FEATURES`, or everything on with `GRADVIZ_DIFF_ALL=1` (to check
/// whether the open findings are fixed).
fn features() -> Features {
    if std::env::var("GRADVIZ_DIFF_ALL").is_ok_and(|v| v == "1") {
        Features {
            draw_dot: true,
            phase2: true,
            step_non_leaves: true,
            signed_zero_text: true,
            dict_set_while_iterating: true,
        }
    } else {
        FEATURES
    }
}

struct Gen {
    r: Rand,
    out: String,
    indent: usize,
    fresh: usize,
    env: Vec<Var>,
    ctx: Ctx,
    feat: Features,
    /// Appends made in loops nested deeper than their list: the list's
    /// length is certain to grow only once those loops are over (name,
    /// count, the list's `born_loops`).
    pending: Vec<(String, usize, usize)>,
}

fn lit_float(r: &mut Rand, max: f64) -> (String, f64) {
    // quarters and hundredths, never -0.0
    let steps = (max * 4.0) as i64;
    let x = if r.chance(0.6) {
        (r.below((2 * steps + 1) as usize) as i64 - steps) as f64 / 4.0
    } else {
        let h = (max * 100.0) as i64;
        (r.below((2 * h + 1) as usize) as i64 - h) as f64 / 100.0
    };
    let x = if x == 0.0 { 0.0 } else { x };
    (format!("{x:?}"), x.abs())
}

fn lit_nonzero(r: &mut Rand) -> (String, f64) {
    let x = *r.pick(&[0.5, 2.0, -2.0, 4.0, 0.25, -0.5, 3.0, -1.5, 1.25]);
    if r.chance(0.3) {
        // an int divisor: `a / 3` multiplies by 0.3333333333333333
        let k = *r.pick(&[2i64, 3, -3, 4, 5]);
        return (k.to_string(), 1.0 / k.abs() as f64);
    }
    (format!("{x:?}"), 1.0 / f64::abs(x))
}

fn lit_num(r: &mut Rand, max: f64) -> E {
    if r.chance(0.35) {
        let k = r.below(2 * max as usize + 1) as i64 - max as i64;
        E {
            code: k.to_string(),
            b: k.unsigned_abs() as f64,
            atom: k >= 0,
        }
    } else {
        let (s, b) = lit_float(r, max);
        let atom = !s.starts_with('-');
        E { code: s, b, atom }
    }
}

impl Gen {
    fn new(seed: u64, feat: Features) -> Gen {
        Gen {
            r: Rand(ChaCha8Rng::seed_from_u64(seed)),
            out: String::new(),
            indent: 0,
            fresh: 0,
            env: Vec::new(),
            ctx: Ctx::top(),
            feat,
            pending: Vec::new(),
        }
    }

    fn line(&mut self, s: &str) {
        for _ in 0..self.indent {
            self.out.push_str("    ");
        }
        self.out.push_str(s);
        self.out.push('\n');
    }

    fn name(&mut self, prefix: &str) -> String {
        self.fresh += 1;
        format!("{prefix}{}", self.fresh)
    }

    fn vars(&self, f: impl Fn(&Var) -> bool) -> Vec<usize> {
        (0..self.env.len()).filter(|&i| f(&self.env[i])).collect()
    }

    fn add(&mut self, name: &str, ty: Ty, cap: f64) {
        self.env.push(Var {
            name: name.to_string(),
            ty,
            cap,
            readonly: false,
            frozen: false,
            acc: None,
            born: (self.ctx.max_mult, self.ctx.min_mult),
            born_loops: self.ctx.loops,
        });
    }

    fn add_ro(&mut self, name: &str, ty: Ty, cap: f64) {
        self.add(name, ty, cap);
        self.env.last_mut().unwrap().readonly = true;
    }

    /// After an assignment of a value bounded by `b` to `env[i]`.
    fn assigned(&mut self, i: usize, b: f64) {
        let cap = b.max(1.0);
        let v = &mut self.env[i];
        if self.ctx.loops > 0 {
            assert!(cap <= v.cap + 1e-12, "{} grows in a loop", v.name);
        } else if self.ctx.cond {
            v.cap = v.cap.max(cap);
        } else {
            v.cap = cap;
        }
    }

    /// `e` squashed by tanh when its bound passes `max`.
    fn bounded(e: E, max: f64) -> E {
        if e.b <= max {
            e
        } else {
            E::atom(format!("{}.tanh()", e.p()), 1.0)
        }
    }

    fn bounded_num(e: E, max: f64) -> E {
        if e.b <= max {
            e
        } else {
            E::atom(format!("math.tanh({})", e.code), 1.0)
        }
    }

    // -----------------------------------------------------------------------
    // Expressions
    // -----------------------------------------------------------------------

    /// A plain number: literal, number variable, `.data`, `len`, ...
    fn num_leaf(&mut self, int_only: bool) -> E {
        let nums = self.vars(|v| matches!(v.ty, Ty::Num { int } if int || !int_only));
        let vals = self.vars(|v| matches!(v.ty, Ty::Val));
        let lists = self.vars(|v| matches!(v.ty, Ty::VList { .. } | Ty::NList { .. }));
        let w = [
            3,
            if nums.is_empty() { 0 } else { 4 },
            if vals.is_empty() || int_only { 0 } else { 3 },
            if lists.is_empty() { 0 } else { 1 },
        ];
        match self.r.weighted(&w) {
            0 => {
                if int_only {
                    let k = self.r.below(4);
                    E::atom(k.to_string(), k as f64)
                } else {
                    lit_num(&mut self.r, 2.0)
                }
            }
            1 => {
                let v = &self.env[*self.r.pick(&nums)];
                E::atom(v.name.clone(), v.cap)
            }
            2 => {
                let v = &self.env[*self.r.pick(&vals)];
                E::atom(format!("{}.data", v.name), v.cap)
            }
            _ => {
                let v = &self.env[*self.r.pick(&lists)];
                let max = match v.ty {
                    Ty::VList { max, .. } => max,
                    Ty::NList { len } => len,
                    _ => unreachable!(),
                };
                E::atom(format!("len({})", v.name), max as f64)
            }
        }
    }

    /// A plain float expression bounded by `LIMIT`.
    fn num(&mut self, depth: usize) -> E {
        if depth == 0 || self.r.chance(0.35) {
            return self.num_leaf(false);
        }
        let e = match self.r.below(11) {
            0 | 1 => {
                let (a, b) = (self.num(depth - 1), self.num(depth - 1));
                let op = *self.r.pick(&["+", "-"]);
                E::op(format!("{} {op} {}", a.p(), b.p()), a.b + b.b)
            }
            2 | 3 => {
                let (a, b) = (self.num(depth - 1), self.num(depth - 1));
                E::op(format!("{} * {}", a.p(), b.p()), a.b * b.b)
            }
            4 => {
                let (a, b) = (self.num(depth - 1), self.num_leaf(false));
                E::op(format!("{} / ({} * {} + 1)", a.p(), b.p(), b.p()), a.b)
            }
            5 => {
                let a = self.num(depth - 1);
                E::atom(format!("abs({})", a.code), a.b)
            }
            6 => {
                let (a, b) = (self.num(depth - 1), self.num(depth - 1));
                let f = *self.r.pick(&["max", "min"]);
                E::atom(format!("{f}({}, {})", a.code, b.code), a.b.max(b.b))
            }
            7 => {
                let a = self.num(depth - 1);
                E::atom(format!("math.tanh({})", a.code), 1.0)
            }
            8 => {
                let a = Self::bounded_num(self.num(depth - 1), 2.0);
                E::atom(format!("math.exp({})", a.code), a.b.exp())
            }
            9 => {
                let a = self.num(depth - 1);
                let k = self.r.range(1, 4);
                E::atom(format!("round({}, {k})", a.code), a.b + 0.5)
            }
            _ => {
                let a = self.num(depth - 1);
                E::op(format!("-{}", a.p()), a.b)
            }
        };
        Self::bounded_num(e, LIMIT)
    }

    /// An int expression (for indexes and conditions).
    fn int(&mut self) -> E {
        self.num_leaf(true)
    }

    fn cond(&mut self, depth: usize) -> String {
        let vals = self.vars(|v| matches!(v.ty, Ty::Val));
        let ints = self.vars(|v| matches!(v.ty, Ty::Num { int: true }));
        let lists = self.vars(|v| matches!(v.ty, Ty::VList { .. }));
        let dicts = self.vars(|v| matches!(v.ty, Ty::VDict { .. }));
        let w = [
            3,
            if vals.is_empty() { 0 } else { 4 },
            if ints.is_empty() { 0 } else { 3 },
            if lists.is_empty() { 0 } else { 1 },
            if dicts.is_empty() { 0 } else { 1 },
            if depth > 0 { 2 } else { 0 },
        ];
        let cmp = *self.r.pick(&[">", "<", ">=", "<=", "!="]);
        match self.r.weighted(&w) {
            0 => {
                let a = self.num(1);
                let (c, _) = lit_float(&mut self.r, 1.5);
                format!("{} {cmp} {c}", a.code)
            }
            1 => {
                let v = self.env[*self.r.pick(&vals)].name.clone();
                let (c, _) = lit_float(&mut self.r, 1.5);
                if self.r.chance(0.2) {
                    let (d, _) = lit_float(&mut self.r, 1.5);
                    format!("{c} < {v}.data < {d}")
                } else {
                    format!("{v}.data {cmp} {c}")
                }
            }
            2 => {
                let i = self.env[*self.r.pick(&ints)].name.clone();
                match self.r.below(3) {
                    0 => format!("{i} % 2 == 0"),
                    1 => format!("{i} == {}", self.r.below(3)),
                    _ => format!("{i} {cmp} {}", self.r.below(3)),
                }
            }
            3 => {
                let l = self.env[*self.r.pick(&lists)].name.clone();
                format!("len({l}) {cmp} {}", self.r.below(4))
            }
            4 => {
                let d = self.env[*self.r.pick(&dicts)].clone();
                let Ty::VDict { keys } = &d.ty else {
                    unreachable!()
                };
                let k = if self.r.chance(0.5) && !keys.is_empty() {
                    self.r.pick(keys).clone()
                } else {
                    "zz".to_string()
                };
                let not = if self.r.chance(0.3) { "not " } else { "" };
                format!("'{k}' {not}in {}", d.name)
            }
            _ => {
                let (a, b) = (self.cond(depth - 1), self.cond(depth - 1));
                match self.r.below(3) {
                    0 => format!("({a}) and ({b})"),
                    1 => format!("({a}) or ({b})"),
                    _ => format!("not ({a})"),
                }
            }
        }
    }

    /// A Value leaf: a variable, a new constant, a list element, a dict entry.
    fn val_leaf(&mut self) -> E {
        let vals = self.vars(|v| matches!(v.ty, Ty::Val));
        let lists = self.vars(|v| matches!(v.ty, Ty::VList { min, .. } if min > 0));
        let dicts = self.vars(|v| matches!(&v.ty, Ty::VDict { keys } if !keys.is_empty()));
        let w = [
            if vals.is_empty() { 0 } else { 8 },
            2,
            if lists.is_empty() { 0 } else { 2 },
            if lists.is_empty() { 0 } else { 1 },
            if dicts.is_empty() { 0 } else { 2 },
        ];
        match self.r.weighted(&w) {
            0 => {
                let v = &self.env[*self.r.pick(&vals)];
                E::atom(v.name.clone(), v.cap)
            }
            1 => {
                let x = lit_num(&mut self.r, 2.0);
                if self.r.chance(0.15) {
                    let l = self.name("w");
                    E::atom(format!("Value({}, label='{l}')", x.code), x.b)
                } else {
                    E::atom(format!("Value({})", x.code), x.b)
                }
            }
            2 => {
                let v = self.env[*self.r.pick(&lists)].clone();
                let Ty::VList { min, .. } = v.ty else {
                    unreachable!()
                };
                let k = self.r.below(min) as i64;
                let k = if self.r.chance(0.3) {
                    k - min as i64
                } else {
                    k
                };
                E::atom(format!("{}[{k}]", v.name), v.cap)
            }
            3 => {
                // an index computed at run time: `xs[i % len(xs)]`
                let v = self.env[*self.r.pick(&lists)].clone();
                let i = self.int();
                E::atom(format!("{n}[{} % len({n})]", i.p(), n = v.name), v.cap)
            }
            _ => {
                let d = self.env[*self.r.pick(&dicts)].clone();
                let Ty::VDict { keys } = &d.ty else {
                    unreachable!()
                };
                let k = self.r.pick(keys).clone();
                if self.r.chance(0.2) {
                    let dflt = self.val_leaf();
                    E::atom(
                        format!("{}.get('{k}', {})", d.name, dflt.code),
                        d.cap.max(dflt.b),
                    )
                } else {
                    E::atom(format!("{}['{k}']", d.name), d.cap)
                }
            }
        }
    }

    /// A number operand of a Value operation (kept simple: a leaf).
    fn num_operand(&mut self) -> E {
        let e = self.num_leaf(false);
        Self::bounded_num(e, 3.0)
    }

    /// A Value expression bounded by `LIMIT`.
    fn val(&mut self, depth: usize) -> E {
        let e = self.val_raw(depth);
        Self::bounded(e, LIMIT)
    }

    fn val_raw(&mut self, depth: usize) -> E {
        if depth == 0 || self.r.chance(0.25) {
            return self.val_leaf();
        }
        let d = depth - 1;
        let funcs = self.vars(|v| matches!(v.ty, Ty::Func(_) | Ty::Factory(..)));
        let lists = self.vars(|v| matches!(v.ty, Ty::VList { .. }));
        let dicts = self.vars(|v| matches!(v.ty, Ty::VDict { .. }));
        let w = [
            6,                                    // a + b, a - b
            5,                                    // a * b
            5,                                    // number op a
            5,                                    // a op number
            3,                                    // a / (b*b + 1) and friends
            2,                                    // number / (b*b + 1)
            3,                                    // a ** k
            6,                                    // tanh
            2,                                    // exp
            2,                                    // relu
            2,                                    // -a
            if funcs.is_empty() { 0 } else { 6 }, // calls
            if lists.is_empty() { 0 } else { 3 }, // sum over a list
            if dicts.is_empty() { 0 } else { 1 }, // sum over a dict
            1,                                    // conditional expression
        ];
        match self.r.weighted(&w) {
            0 => {
                let (a, b) = (self.val(d), self.val(d));
                let op = *self.r.pick(&["+", "-"]);
                E::op(format!("{} {op} {}", a.p(), b.p()), a.b + b.b)
            }
            1 => {
                let (a, b) = (self.val(d), self.val(d));
                E::op(format!("{} * {}", a.p(), b.p()), a.b * b.b)
            }
            2 => {
                let (c, a) = (self.num_operand(), self.val(d));
                match self.r.below(3) {
                    0 => E::op(format!("{} + {}", c.p(), a.p()), a.b + c.b),
                    1 => E::op(format!("{} - {}", c.p(), a.p()), a.b + c.b),
                    _ => E::op(format!("{} * {}", c.p(), a.p()), a.b * c.b),
                }
            }
            3 => {
                let (a, c) = (self.val(d), self.num_operand());
                match self.r.below(4) {
                    0 => E::op(format!("{} + {}", a.p(), c.p()), a.b + c.b),
                    1 => E::op(format!("{} - {}", a.p(), c.p()), a.b + c.b),
                    2 => E::op(format!("{} * {}", a.p(), c.p()), a.b * c.b),
                    _ => {
                        let (k, inv) = lit_nonzero(&mut self.r);
                        let k = if k.starts_with('-') {
                            format!("({k})")
                        } else {
                            k
                        };
                        E::op(format!("{} / {k}", a.p()), a.b * inv)
                    }
                }
            }
            4 => {
                let (a, den) = (self.val(d), self.denominator(d));
                E::op(format!("{} / {den}", a.p()), a.b)
            }
            5 => {
                let (c, den) = (self.num_operand(), self.denominator(d));
                E::op(format!("{} / {den}", c.p()), c.b)
            }
            6 => {
                let k = *self.r.pick(&["1", "2", "2", "3", "2.0"]);
                let a = self.val(d);
                let a = if k == "3" {
                    Self::bounded(a, 2.2)
                } else {
                    Self::bounded(a, 3.4)
                };
                let kf: f64 = k.parse().unwrap();
                E::op(format!("{} ** {k}", a.p()), a.b.powf(kf).max(1.0))
            }
            7 => {
                let a = self.val(d);
                E::atom(format!("{}.tanh()", a.p()), 1.0)
            }
            8 => {
                let a = Self::bounded(self.val(d), 2.3);
                E::atom(format!("{}.exp()", a.p()), a.b.exp())
            }
            9 => {
                let a = self.val(d);
                E::atom(format!("{}.relu()", a.p()), a.b)
            }
            10 => {
                let a = self.val(d);
                E::op(format!("-{}", a.p()), a.b)
            }
            11 => {
                let f = self.env[*self.r.pick(&funcs)].clone();
                self.call_expr(&f, d).unwrap_or_else(|| self.val_leaf())
            }
            12 => {
                let l = self.env[*self.r.pick(&lists)].clone();
                self.sum_list(&l, d)
            }
            13 => {
                let dv = self.env[*self.r.pick(&dicts)].clone();
                let Ty::VDict { keys } = &dv.ty else {
                    unreachable!()
                };
                let start = self.val_leaf();
                let n = keys.len() as f64;
                E::atom(
                    format!("sum({}.values(), {})", dv.name, start.code),
                    start.b + n * dv.cap,
                )
            }
            _ => {
                let c = self.cond(1);
                let (a, b) = (self.val(d), self.val(d));
                E::op(format!("{} if {c} else {}", a.p(), b.p()), a.b.max(b.b))
            }
        }
    }

    /// A divisor that is never zero and at least 1 in magnitude.
    fn denominator(&mut self, d: usize) -> String {
        let b = self.val(d.min(1));
        match self.r.below(4) {
            0 => format!("({} * {} + 1)", b.p(), b.p()),
            1 => format!("(1 + {} ** 2)", Self::bounded(b, 3.0).p()),
            2 => format!("({}.relu() + 1)", b.p()),
            _ => format!("({}.tanh() + 2)", b.p()),
        }
    }

    /// `sum(...)` over a list variable (or a slice, or a comprehension of it).
    fn sum_list(&mut self, l: &Var, d: usize) -> E {
        let Ty::VList { min, max } = l.ty else {
            unreachable!()
        };
        let (iter, n, elem_b) = match self.r.below(5) {
            0 | 1 => (l.name.clone(), max, l.cap),
            2 => {
                let k = self.r.range(0, 2);
                (format!("{}[{k}:]", l.name), max.saturating_sub(k), l.cap)
            }
            3 => {
                let x = self.name("x");
                self.add_ro(&x, Ty::Val, l.cap);
                let e = self.val(d);
                self.env.pop();
                (
                    format!("[{} for {x} in {}]", e.code, l.name),
                    max,
                    e.b.max(1.0),
                )
            }
            _ => {
                // a generator expression, lazily making its nodes
                let x = self.name("x");
                self.add_ro(&x, Ty::Val, l.cap);
                let e = self.val(d);
                self.env.pop();
                (
                    format!("({} for {x} in {})", e.code, l.name),
                    max,
                    e.b.max(1.0),
                )
            }
        };
        let total = n as f64 * elem_b;
        if min > 0 && !iter.contains(':') && self.r.chance(0.3) {
            // int start 0: `0 + first` makes a constant leaf Value(0)
            let iter = match iter.strip_prefix('(') {
                Some(genexpr) => genexpr.strip_suffix(')').unwrap().to_string(),
                None => iter,
            };
            return E::atom(format!("sum({iter})"), total);
        }
        let start = if self.r.chance(0.5) {
            let x = lit_num(&mut self.r, 1.0);
            E::atom(format!("Value({})", x.code), x.b)
        } else {
            self.val_leaf()
        };
        E::atom(format!("sum({iter}, {})", start.code), total + start.b)
    }

    /// Arguments for a call of `sig`, or None when no list fits a list
    /// parameter.
    fn args(&mut self, sig: &Sig, d: usize) -> Option<String> {
        let mut pos = Vec::new();
        let mut kw = Vec::new();
        let mut keywords = false;
        for p in &sig.params {
            if p.default.is_some() && self.r.chance(0.4) {
                keywords = true; // later ones must be named
                continue;
            }
            let a = match p.ty {
                PTy::Val => Self::bounded(self.val(d), p.cap).code,
                PTy::Num { int } => {
                    if int {
                        let ints =
                            self.vars(|v| matches!(v.ty, Ty::Num { int: true }) && v.cap <= p.cap);
                        if !ints.is_empty() && self.r.chance(0.5) {
                            self.env[*self.r.pick(&ints)].name.clone()
                        } else {
                            self.r.below(p.cap as usize + 1).to_string()
                        }
                    } else {
                        let e = self.num_leaf(false);
                        if e.b <= p.cap {
                            e.code
                        } else {
                            lit_num(&mut self.r, p.cap).code
                        }
                    }
                }
                PTy::VList { max } => {
                    let lists = self.vars(|v| {
                        matches!(v.ty, Ty::VList { max: m, .. } if m <= max) && v.cap <= p.cap
                    });
                    if lists.is_empty() {
                        return None;
                    }
                    self.env[*self.r.pick(&lists)].name.clone()
                }
            };
            if p.kwonly || keywords || (p.default.is_some() && self.r.chance(0.3)) {
                keywords = true;
                kw.push(format!("{}={a}", p.name));
            } else {
                pos.push(a);
            }
        }
        // keyword arguments in any order
        for i in (1..kw.len()).rev() {
            let j = self.r.below(i + 1);
            kw.swap(i, j);
        }
        pos.extend(kw);
        Some(pos.join(", "))
    }

    /// A call of a function variable (a factory is called and its closure
    /// called at once).
    fn call_expr(&mut self, f: &Var, d: usize) -> Option<E> {
        match &f.ty {
            Ty::Func(sig) => {
                let Ret::Val(b) = sig.ret else { return None };
                let a = self.args(sig, d)?;
                Some(E::atom(format!("{}({a})", f.name), b))
            }
            Ty::Factory(outer, inner) => {
                let Ret::Val(b) = inner.ret else { return None };
                let a1 = self.args(outer, 0)?;
                let a2 = self.args(inner, d)?;
                Some(E::atom(format!("{}({a1})({a2})", f.name), b))
            }
            _ => None,
        }
    }

    // -----------------------------------------------------------------------
    // Statements
    // -----------------------------------------------------------------------

    /// `n` statements, or `pass` when none came out (a statement may find
    /// nothing it can do).
    fn stmts(&mut self, n: usize) {
        let len = self.out.len();
        for _ in 0..n {
            self.stmt();
        }
        if self.out.len() == len {
            self.line("pass");
        }
    }

    fn block(&mut self, n: usize) {
        let mark = self.env.len();
        self.indent += 1;
        self.ctx.depth += 1;
        self.stmts(n);
        self.ctx.depth -= 1;
        self.indent -= 1;
        // names bound in the block are not used after it
        self.env.truncate(mark);
    }

    fn stmt(&mut self) {
        let top = self.ctx.depth == 0 && !self.ctx.in_func;
        let vals = self.vars(|v| matches!(v.ty, Ty::Val));
        let assignable = self.assignable_vals();
        // a list being iterated may have items set, not appended
        let lists = self
            .vars(|v| matches!(v.ty, Ty::VList { min, .. } if min > 0 || !v.frozen) && !v.readonly);
        let dicts = self.vars(|v| matches!(v.ty, Ty::VDict { .. }) && !v.readonly);
        let accs = self.vars(|v| v.acc.is_some());
        let pair_funcs =
            self.vars(|v| matches!(&v.ty, Ty::Func(s) if matches!(s.ret, Ret::Pair(..))));
        let factories = self.vars(|v| matches!(v.ty, Ty::Factory(..)));
        let can_loop =
            self.ctx.loops < 2 && self.ctx.depth < 3 && self.ctx.max_mult * 2.0 <= MAX_MULT;
        let w = [
            8,                                                // new Value
            2,                                                // new number
            if assignable.is_empty() { 0 } else { 4 },        // reassign
            if assignable.is_empty() { 0 } else { 4 },        // augmented
            if vals.len() < 2 { 0 } else { 1 },               // tuple assign
            if vals.is_empty() { 0 } else { 2 },              // list literal
            if self.any_list() { 2 } else { 0 },              // comprehension
            if lists.is_empty() { 0 } else { 3 },             // append / item
            if vals.is_empty() { 0 } else { 1 },              // dict
            if dicts.is_empty() { 0 } else { 2 },             // dict set
            if can_loop { 4 } else { 0 },                     // for
            if can_loop { 1 } else { 0 },                     // while
            if self.ctx.depth < 3 { 3 } else { 0 },           // if
            2,                                                // print
            if top { 2 } else { 0 },                          // def
            if top { 1 } else { 0 },                          // factory / lambda
            if top { 1 } else { 0 },                          // recursion
            if pair_funcs.is_empty() { 0 } else { 2 },        // p, q = f(...)
            if factories.is_empty() || !top { 0 } else { 2 }, // g = make(...)
            if accs.is_empty() { 0 } else { 6 },              // accumulate
        ];
        match self.r.weighted(&w) {
            0 => self.new_val(),
            1 => self.new_num(),
            2 => self.reassign(&assignable),
            3 => self.augassign(&assignable),
            4 => self.tuple_assign(),
            5 => self.list_literal(),
            6 => self.list_comp(),
            7 => self.list_update(&lists),
            8 => self.dict_literal(),
            9 => self.dict_set(&dicts),
            10 => self.for_loop(),
            11 => self.while_loop(),
            12 => self.if_stmt(),
            13 => self.print_stmt(false),
            14 => self.def_func(),
            15 => self.def_factory(),
            16 => self.def_rec(),
            17 => self.pair_call(&pair_funcs),
            18 => self.make_closure(&factories),
            _ => self.accumulate(&accs),
        }
    }

    fn any_list(&self) -> bool {
        self.env
            .iter()
            .any(|v| matches!(v.ty, Ty::VList { .. } | Ty::NList { .. } | Ty::VDict { .. }))
    }

    fn assignable_vals(&self) -> Vec<usize> {
        // in a loop an int may not become a float: earlier statements of the
        // body may index with it on the next iteration
        let in_loop = self.ctx.loops > 0;
        self.vars(|v| {
            !v.readonly
                && v.acc.is_none()
                && match v.ty {
                    Ty::Val | Ty::Num { int: false } => true,
                    Ty::Num { int: true } => !in_loop,
                    _ => false,
                }
        })
    }

    fn new_val(&mut self) {
        let n = self.name("v");
        let e = self.val(3);
        let chain = self.r.chance(0.05);
        if chain {
            let m = self.name("v");
            self.line(&format!("{n} = {m} = {}", e.code));
            self.add(&m, Ty::Val, e.b.max(1.0));
        } else {
            self.line(&format!("{n} = {}", e.code));
        }
        self.add(&n, Ty::Val, e.b.max(1.0));
    }

    fn new_num(&mut self) {
        let n = self.name("n");
        if self.r.chance(0.3) {
            let e = self.int();
            let k = self.r.range(1, 3);
            let op = *self.r.pick(&["+", "*", "%", "//"]);
            let (code, b) = match op {
                "+" => (format!("{} + {k}", e.p()), e.b + k as f64),
                "*" => (format!("{} * {k}", e.p()), e.b * k as f64),
                _ => (format!("{} {op} {k}", e.p()), e.b),
            };
            self.line(&format!("{n} = {code}"));
            self.add(&n, Ty::Num { int: true }, b.max(1.0));
        } else {
            let e = self.num(2);
            self.line(&format!("{n} = {}", e.code));
            self.add(&n, Ty::Num { int: false }, e.b.max(1.0));
        }
    }

    fn reassign(&mut self, cands: &[usize]) {
        let i = *self.r.pick(cands);
        let v = self.env[i].clone();
        let e = match v.ty {
            Ty::Val => {
                let e = self.val(2);
                if self.ctx.loops > 0 {
                    Self::bounded(e, v.cap)
                } else {
                    e
                }
            }
            _ => {
                let e = self.num(2);
                if self.ctx.loops > 0 {
                    Self::bounded_num(e, v.cap)
                } else {
                    e
                }
            }
        };
        self.line(&format!("{} = {}", v.name, e.code));
        if let Ty::Num { int: true } = v.ty {
            self.env[i].ty = Ty::Num { int: false };
        }
        self.assigned(i, e.b);
    }

    fn augassign(&mut self, cands: &[usize]) {
        let i = *self.r.pick(cands);
        let v = self.env[i].clone();
        let in_loop = self.ctx.loops > 0;
        let is_val = matches!(v.ty, Ty::Val);
        // in a loop only what cannot grow: *= a tanh, /= a denominator
        let k = if in_loop {
            self.r.below(2) + 2
        } else {
            self.r.below(4)
        };
        let (code, b) = match k {
            0 | 1 => {
                let op = if k == 0 { "+=" } else { "-=" };
                let e = if is_val { self.val(2) } else { self.num(1) };
                (format!("{} {op} {}", v.name, e.code), v.cap + e.b)
            }
            2 => {
                if is_val {
                    let e = self.val(1);
                    (format!("{} *= {}.tanh()", v.name, e.p()), v.cap)
                } else {
                    let e = self.num(1);
                    (format!("{} *= math.tanh({})", v.name, e.code), v.cap)
                }
            }
            _ => {
                if is_val {
                    let den = self.denominator(1);
                    (format!("{} /= {den}", v.name), v.cap)
                } else {
                    let e = self.num_leaf(false);
                    (format!("{} /= ({} * {} + 1)", v.name, e.p(), e.p()), v.cap)
                }
            }
        };
        if !in_loop && b > LIMIT {
            // would grow too much: squash instead
            let e = if is_val {
                E::atom(format!("{}.tanh()", v.name), 1.0)
            } else {
                E::atom(format!("math.tanh({})", v.name), 1.0)
            };
            self.line(&format!("{} = {}", v.name, e.code));
            self.env[i].ty = if is_val {
                Ty::Val
            } else {
                Ty::Num { int: false }
            };
            self.assigned(i, 1.0);
            return;
        }
        self.line(&code);
        if !is_val {
            self.env[i].ty = Ty::Num { int: false };
        }
        self.assigned(i, b);
    }

    fn tuple_assign(&mut self) {
        if self.ctx.loops == 0 && self.r.chance(0.4) {
            // swap two Values (both keep their first labels)
            let cands = self.vars(|v| matches!(v.ty, Ty::Val) && !v.readonly && v.acc.is_none());
            if cands.len() >= 2 {
                let i = *self.r.pick(&cands);
                let j = *self.r.pick(&cands);
                if i != j {
                    let (a, b) = (self.env[i].name.clone(), self.env[j].name.clone());
                    self.line(&format!("{a}, {b} = {b}, {a}"));
                    let (ci, cj) = (self.env[i].cap, self.env[j].cap);
                    if self.ctx.cond {
                        let m = ci.max(cj);
                        self.env[i].cap = m;
                        self.env[j].cap = m;
                    } else {
                        self.env[i].cap = cj;
                        self.env[j].cap = ci;
                    }
                    return;
                }
            }
        }
        let (a, b) = (self.name("v"), self.name("v"));
        let (e1, e2) = (self.val(2), self.val(2));
        self.line(&format!("{a}, {b} = {}, {}", e1.code, e2.code));
        self.add(&a, Ty::Val, e1.b.max(1.0));
        self.add(&b, Ty::Val, e2.b.max(1.0));
    }

    fn list_literal(&mut self) {
        let n = self.name("xs");
        if self.r.chance(0.25) {
            let k = self.r.range(1, 4);
            let items: Vec<String> = (0..k).map(|_| lit_num(&mut self.r, 2.0).code).collect();
            self.line(&format!("{n} = [{}]", items.join(", ")));
            self.add(&n, Ty::NList { len: k }, 2.0);
            return;
        }
        let k = self.r.range(1, 4);
        let mut items = Vec::new();
        let mut cap: f64 = 1.0;
        for _ in 0..k {
            let e = self.val(1);
            cap = cap.max(e.b);
            items.push(e.code);
        }
        self.line(&format!("{n} = [{}]", items.join(", ")));
        self.add(&n, Ty::VList { min: k, max: k }, cap);
    }

    /// A new list from a comprehension over a list, a zip, an enumerate, a
    /// range, a slice or a dict.
    fn list_comp(&mut self) {
        let n = self.name("xs");
        let vlists = self.vars(|v| matches!(v.ty, Ty::VList { .. }));
        let nlists = self.vars(|v| matches!(v.ty, Ty::NList { .. }));
        let dicts = self.vars(|v| matches!(v.ty, Ty::VDict { .. }));
        let w = [
            if vlists.is_empty() { 0 } else { 4 },
            if nlists.is_empty() { 0 } else { 2 },
            if vlists.is_empty() || nlists.is_empty() {
                0
            } else {
                2
            },
            if vlists.is_empty() { 0 } else { 2 },
            2,
            if dicts.is_empty() { 0 } else { 2 },
        ];
        let mark = self.env.len();
        let (head, min, max) = match self.r.weighted(&w) {
            0 => {
                let l = self.env[*self.r.pick(&vlists)].clone();
                let Ty::VList { min, max } = l.ty else {
                    unreachable!()
                };
                let x = self.name("x");
                self.add_ro(&x, Ty::Val, l.cap);
                let (src, min, max) = if self.r.chance(0.3) {
                    match self.r.below(3) {
                        0 => (format!("{}[::-1]", l.name), min, max),
                        1 => (
                            format!("{}[1:]", l.name),
                            min.saturating_sub(1),
                            max.saturating_sub(1),
                        ),
                        _ => (format!("{}[:2]", l.name), min.min(2), max.min(2)),
                    }
                } else {
                    (l.name.clone(), min, max)
                };
                (format!("for {x} in {src}"), min, max)
            }
            1 => {
                let l = self.env[*self.r.pick(&nlists)].clone();
                let Ty::NList { len } = l.ty else {
                    unreachable!()
                };
                let c = self.name("c");
                self.add_ro(&c, Ty::Num { int: false }, l.cap);
                (format!("for {c} in {}", l.name), len, len)
            }
            2 => {
                let l = self.env[*self.r.pick(&vlists)].clone();
                let m = self.env[*self.r.pick(&nlists)].clone();
                let (Ty::VList { min, max }, Ty::NList { len }) = (&l.ty, &m.ty) else {
                    unreachable!()
                };
                let (x, c) = (self.name("x"), self.name("c"));
                self.add_ro(&x, Ty::Val, l.cap);
                self.add_ro(&c, Ty::Num { int: false }, m.cap);
                (
                    format!("for {x}, {c} in zip({}, {})", l.name, m.name),
                    (*min).min(*len),
                    (*max).min(*len),
                )
            }
            3 => {
                let l = self.env[*self.r.pick(&vlists)].clone();
                let Ty::VList { min, max } = l.ty else {
                    unreachable!()
                };
                let (i, x) = (self.name("i"), self.name("x"));
                self.add_ro(&i, Ty::Num { int: true }, max as f64);
                self.add_ro(&x, Ty::Val, l.cap);
                (format!("for {i}, {x} in enumerate({})", l.name), min, max)
            }
            4 => {
                let k = self.r.range(0, 4);
                let i = self.name("i");
                self.add_ro(&i, Ty::Num { int: true }, k as f64);
                (format!("for {i} in range({k})"), k, k)
            }
            _ => {
                let dv = self.env[*self.r.pick(&dicts)].clone();
                let Ty::VDict { keys } = &dv.ty else {
                    unreachable!()
                };
                let (k, v) = (self.name("k"), self.name("x"));
                self.add_ro(&v, Ty::Val, dv.cap);
                (
                    format!("for {k}, {v} in {}.items()", dv.name),
                    keys.len(),
                    keys.len(),
                )
            }
        };
        let e = self.val(2);
        let (filter, min) = if self.r.chance(0.25) {
            (format!(" if {}", self.cond(0)), 0)
        } else {
            (String::new(), min)
        };
        self.env.truncate(mark);
        if self.r.chance(0.1) && filter.is_empty() {
            // a dict comprehension with f-string keys
            let i = self.name("i");
            let k = self.r.range(1, 3);
            self.add_ro(&i, Ty::Num { int: true }, k as f64);
            let e = self.val(1);
            self.env.pop();
            let keys: Vec<String> = (0..k).map(|j| format!("k{j}")).collect();
            self.line(&format!(
                "{n} = {{f'k{{{i}}}': {} for {i} in range({k})}}",
                e.code
            ));
            self.add(&n, Ty::VDict { keys }, e.b.max(1.0));
            return;
        }
        self.line(&format!("{n} = [{} {head}{filter}]", e.code));
        self.add(&n, Ty::VList { min, max }, e.b.max(1.0));
    }

    fn list_update(&mut self, lists: &[usize]) {
        let i = *self.r.pick(lists);
        let l = self.env[i].clone();
        let Ty::VList { min, max } = l.ty else {
            unreachable!()
        };
        let in_loop = self.ctx.loops > 0;
        let e = self.val(2);
        let e = if in_loop { Self::bounded(e, l.cap) } else { e };
        if min > 0 && (l.frozen || self.r.chance(0.3)) {
            let k = self.r.below(min) as i64;
            let k = if self.r.chance(0.3) {
                k - min as i64
            } else {
                k
            };
            self.line(&format!("{}[{k}] = {}", l.name, e.code));
        } else {
            let dmax = (self.ctx.max_mult / l.born.0).round() as usize;
            // made in a branch: nothing is certain about it
            let dmin = self.ctx.min_mult.checked_div(l.born.1).unwrap_or(0);
            if max + dmax > 40 {
                return;
            }
            self.line(&format!("{}.append({})", l.name, e.code));
            let now = if l.born_loops == self.ctx.loops {
                dmin
            } else {
                self.pending.push((l.name.clone(), dmin, l.born_loops));
                0
            };
            self.env[i].ty = Ty::VList {
                min: min + now,
                max: max + dmax,
            };
        }
        if !in_loop {
            self.env[i].cap = l.cap.max(e.b);
        }
    }

    fn dict_literal(&mut self) {
        let n = self.name("d");
        let k = self.r.range(1, 3);
        let names = ["a", "b", "w", "bias", "x"];
        let mut keys = Vec::new();
        let mut items = Vec::new();
        let mut cap: f64 = 1.0;
        for key in &names[..k] {
            let e = self.val(1);
            cap = cap.max(e.b);
            keys.push(key.to_string());
            items.push(format!("'{key}': {}", e.code));
        }
        self.line(&format!("{n} = {{{}}}", items.join(", ")));
        self.add(&n, Ty::VDict { keys }, cap);
    }

    fn dict_set(&mut self, dicts: &[usize]) {
        let i = *self.r.pick(dicts);
        let dv = self.env[i].clone();
        let Ty::VDict { mut keys } = dv.ty.clone() else {
            unreachable!()
        };
        let e = self.val(2);
        if self.ctx.certain() && (keys.is_empty() || self.r.chance(0.5)) && !dv.frozen {
            let k = format!("key{}", self.fresh);
            self.fresh += 1;
            self.line(&format!("{}['{k}'] = {}", dv.name, e.code));
            keys.push(k);
            self.env[i].ty = Ty::VDict { keys };
            self.env[i].cap = dv.cap.max(e.b);
        } else if !keys.is_empty() && (!dv.frozen || self.feat.dict_set_while_iterating) {
            let k = self.r.pick(&keys).clone();
            let e = if self.ctx.loops > 0 {
                Self::bounded(e, dv.cap)
            } else {
                e
            };
            self.line(&format!("{}['{k}'] = {}", dv.name, e.code));
            if self.ctx.loops == 0 {
                self.env[i].cap = dv.cap.max(e.b);
            }
        }
    }

    /// Accumulators for a loop about to start: `acc = Value(0.0)`, `tot = 0.0`,
    /// `ys = []`.
    fn make_accs(&mut self) {
        let k = self.r.below(3);
        for _ in 0..k {
            let base = self.ctx.max_mult;
            match self.r.below(4) {
                0 | 1 => {
                    let n = self.name("acc");
                    let init = *self.r.pick(&["Value(0.0)", "Value(0)", "Value(1.0)"]);
                    self.line(&format!("{n} = {init}"));
                    self.add(&n, Ty::Val, 1.0 + ACC_BUDGET);
                }
                2 => {
                    let n = self.name("tot");
                    let init = *self.r.pick(&["0.0", "0", "1.5"]);
                    self.line(&format!("{n} = {init}"));
                    self.add(&n, Ty::Num { int: false }, 1.5 + ACC_BUDGET);
                }
                _ => {
                    let n = self.name("ys");
                    self.line(&format!("{n} = []"));
                    self.add(&n, Ty::VList { min: 0, max: 0 }, 2.0);
                    continue; // appends are counted by list_update
                }
            }
            self.env.last_mut().unwrap().acc = Some(Acc {
                left: ACC_BUDGET,
                base_mult: base,
            });
        }
    }

    fn accumulate(&mut self, accs: &[usize]) {
        let i = *self.r.pick(accs);
        let v = self.env[i].clone();
        let acc = v.acc.clone().unwrap();
        let times = self.ctx.max_mult / acc.base_mult;
        let is_val = matches!(v.ty, Ty::Val);
        let e = if is_val {
            let e = self.val(2);
            Self::bounded(e, 1.0)
        } else {
            Self::bounded_num(self.num(1), 1.0)
        };
        let cost = e.b * times;
        if cost > acc.left {
            return;
        }
        self.env[i].acc.as_mut().unwrap().left -= cost;
        let form = self.r.below(4);
        let code = match form {
            0 => format!("{n} += {}", e.code, n = v.name),
            1 => format!("{n} -= {}", e.code, n = v.name),
            2 => format!("{n} = {n} + {}", e.p(), n = v.name),
            _ => format!("{n} = {} + {n}", e.p(), n = v.name),
        };
        self.line(&code);
    }

    /// After a loop: the appends of loops now over count in the lengths.
    fn apply_pending(&mut self) {
        let level = self.ctx.loops;
        let (now, later): (Vec<_>, Vec<_>) = self.pending.drain(..).partition(|p| p.2 == level);
        self.pending = later;
        for (name, n, _) in now {
            if let Some(v) = self.env.iter_mut().rev().find(|v| v.name == name)
                && let Ty::VList { min, .. } = &mut v.ty
            {
                *min += n;
            }
        }
    }

    fn end_accs(&mut self, mark: usize) {
        for v in &mut self.env[mark..] {
            v.acc = None;
        }
    }

    /// Enters the body of a loop running `min..=max` times.
    fn enter_loop(&mut self, min: usize, max: usize, may_stop: bool) -> Ctx {
        let saved = self.ctx.clone();
        self.ctx.loops += 1;
        self.ctx.max_mult *= max.max(1) as f64;
        if may_stop || self.ctx.cond {
            self.ctx.min_mult = 0;
        } else {
            self.ctx.min_mult *= min;
        }
        saved
    }

    fn for_loop(&mut self) {
        let room = (MAX_MULT / self.ctx.max_mult) as usize;
        let vlists = self.vars(|v| matches!(v.ty, Ty::VList { .. }));
        let nlists = self.vars(|v| matches!(v.ty, Ty::NList { .. }));
        let dicts = self.vars(|v| matches!(v.ty, Ty::VDict { .. }));
        let acc_mark = self.env.len();
        self.make_accs();
        let mark = self.env.len();
        let has_stop = self.r.chance(0.15);
        let w = [
            4,
            if vlists.is_empty() { 0 } else { 4 },
            if vlists.is_empty() { 0 } else { 2 },
            if vlists.is_empty() || nlists.is_empty() {
                0
            } else {
                3
            },
            if dicts.is_empty() { 0 } else { 2 },
            if vlists.len() < 2 { 0 } else { 2 },
            if vlists.is_empty() { 0 } else { 2 },
        ];
        let mut frozen = Vec::new();
        // `for k in d:` then `x = d[k]` as the first statement
        let mut first: Option<String> = None;
        let (head, min, max) = match self.r.weighted(&w) {
            0 => {
                let k = self.r.range(0, room.min(4));
                let i = self.name("i");
                let (head, k) = match self.r.below(3) {
                    0 => (format!("for {i} in range({k}):"), k),
                    1 => (format!("for {i} in range(1, {}):", k + 1), k),
                    _ => (format!("for {i} in range(0, {}, 2):", 2 * k), k),
                };
                self.add_ro(&i, Ty::Num { int: true }, 2.0 * k as f64);
                (head, k, k)
            }
            1 | 2 => {
                let li = *self.r.pick(&vlists);
                let l = self.env[li].clone();
                let Ty::VList { min, max } = l.ty else {
                    unreachable!()
                };
                let (src, min, max) = if max > room || self.r.chance(0.2) {
                    let k = room.min(3);
                    (format!("{}[:{k}]", l.name), min.min(k), max.min(k))
                } else {
                    (l.name.clone(), min, max)
                };
                frozen.push(li);
                let x = self.name("x");
                let head = if self.r.chance(0.5) {
                    let i = self.name("i");
                    if self.r.chance(0.3) {
                        self.add_ro(&i, Ty::Num { int: true }, max as f64 + 1.0);
                        format!("for {i}, {x} in enumerate({src}, start=1):")
                    } else {
                        self.add_ro(&i, Ty::Num { int: true }, max as f64);
                        format!("for {i}, {x} in enumerate({src}):")
                    }
                } else {
                    format!("for {x} in {src}:")
                };
                self.add_ro(&x, Ty::Val, l.cap);
                (head, min, max)
            }
            3 => {
                let li = *self.r.pick(&vlists);
                let l = self.env[li].clone();
                let m = self.env[*self.r.pick(&nlists)].clone();
                let (Ty::VList { min, max }, Ty::NList { len }) = (&l.ty, &m.ty) else {
                    unreachable!()
                };
                let (min, max) = ((*min).min(*len), (*max).min(*len));
                if max > room {
                    self.env.truncate(acc_mark);
                    return;
                }
                frozen.push(li);
                let (x, c) = (self.name("x"), self.name("c"));
                self.add_ro(&x, Ty::Val, l.cap);
                self.add_ro(&c, Ty::Num { int: false }, m.cap);
                (
                    format!("for {x}, {c} in zip({}, {}):", l.name, m.name),
                    min,
                    max,
                )
            }
            4 => {
                let di = *self.r.pick(&dicts);
                let dv = self.env[di].clone();
                let Ty::VDict { keys } = &dv.ty else {
                    unreachable!()
                };
                let n = keys.len();
                if n > room {
                    self.env.truncate(acc_mark);
                    return;
                }
                frozen.push(di);
                let (k, x) = (self.name("k"), self.name("x"));
                self.add_ro(&x, Ty::Val, dv.cap);
                let head = if self.r.chance(0.5) {
                    format!("for {k}, {x} in {}.items():", dv.name)
                } else {
                    // `x = d[k]` labels x
                    self.env.pop();
                    self.add(&x, Ty::Val, dv.cap);
                    first = Some(format!("{x} = {}[{k}]", dv.name));
                    format!("for {k} in {}:", dv.name)
                };
                (head, n, n)
            }
            5 => {
                let a = *self.r.pick(&vlists);
                let b = *self.r.pick(&vlists);
                let (la, lb) = (self.env[a].clone(), self.env[b].clone());
                let (Ty::VList { min: m1, max: x1 }, Ty::VList { min: m2, max: x2 }) =
                    (&la.ty, &lb.ty)
                else {
                    unreachable!()
                };
                let (min, max) = ((*m1).min(*m2), (*x1).min(*x2));
                if max > room {
                    self.env.truncate(acc_mark);
                    return;
                }
                frozen.push(a);
                frozen.push(b);
                let (x, y) = (self.name("x"), self.name("y"));
                self.add_ro(&x, Ty::Val, la.cap);
                self.add_ro(&y, Ty::Val, lb.cap);
                (
                    format!("for {x}, {y} in zip({}, {}):", la.name, lb.name),
                    min,
                    max,
                )
            }
            _ => {
                // `zip(xs, range(k))`: a Value and a counter
                let li = *self.r.pick(&vlists);
                let l = self.env[li].clone();
                let Ty::VList { min, max } = l.ty else {
                    unreachable!()
                };
                let k = self.r.range(1, room.min(4));
                frozen.push(li);
                let (x, i) = (self.name("x"), self.name("i"));
                self.add_ro(&x, Ty::Val, l.cap);
                self.add_ro(&i, Ty::Num { int: true }, k as f64);
                (
                    format!("for {x}, {i} in zip({}, range({k})):", l.name),
                    min.min(k),
                    max.min(k),
                )
            }
        };
        self.line(&head);
        let saved = self.enter_loop(min, max, has_stop);
        // an outer loop may iterate the same list: restore, do not clear
        let was: Vec<bool> = frozen.iter().map(|&f| self.env[f].frozen).collect();
        for &f in &frozen {
            self.env[f].frozen = true;
        }
        let stop_at_end = self.r.chance(0.5);
        self.indent += 1;
        self.ctx.depth += 1;
        if let Some(first) = first {
            self.line(&first);
        }
        if has_stop && !stop_at_end {
            self.stop();
        }
        let n = self.r.range(1, 4);
        self.stmts(n);
        if has_stop && stop_at_end {
            self.stop();
        }
        self.ctx.depth -= 1;
        self.indent -= 1;
        // the loop's names are not used after it
        self.env.truncate(mark);
        for (&f, &w) in frozen.iter().zip(&was) {
            self.env[f].frozen = w;
        }
        self.ctx = saved;
        self.apply_pending();
        self.end_accs(acc_mark);
    }

    /// `if c: break` (or continue) in a `for` body.
    fn stop(&mut self) {
        let c = self.cond(0);
        let what = *self.r.pick(&["break", "continue"]);
        self.line(&format!("if {c}:"));
        self.line(&format!("    {what}"));
    }

    fn while_loop(&mut self) {
        let room = (MAX_MULT / self.ctx.max_mult) as usize;
        let acc_mark = self.env.len();
        self.make_accs();
        let k = self.r.range(0, room.min(4));
        let i = self.name("k");
        self.line(&format!("{i} = 0"));
        let extra = if self.r.chance(0.25) {
            let c = self.cond(0);
            format!(" and ({c})")
        } else {
            String::new()
        };
        self.line(&format!("while {i} < {k}{extra}:"));
        self.add_ro(&i, Ty::Num { int: true }, k as f64);
        let mark = self.env.len();
        let saved = self.enter_loop(k, k, !extra.is_empty());
        let n = self.r.range(1, 3);
        self.indent += 1;
        self.ctx.depth += 1;
        for _ in 0..n {
            self.stmt();
        }
        self.line(&format!("{i} += 1"));
        self.ctx.depth -= 1;
        self.indent -= 1;
        self.env.truncate(mark);
        self.ctx = saved;
        self.apply_pending();
        self.end_accs(acc_mark);
        // the counter stays usable after the loop (an int <= k)
        if let Some(v) = self.env.iter_mut().find(|v| v.name == i) {
            v.readonly = true;
        }
    }

    fn if_stmt(&mut self) {
        let saved = self.ctx.clone();
        let c = self.cond(1);
        self.line(&format!("if {c}:"));
        self.ctx.cond = true;
        self.ctx.min_mult = 0;
        let n = self.r.range(1, 3);
        self.block(n);
        if self.r.chance(0.3) {
            let c = self.cond(1);
            self.line(&format!("elif {c}:"));
            let n = self.r.range(1, 2);
            self.block(n);
        }
        if self.r.chance(0.5) {
            self.line("else:");
            let n = self.r.range(1, 2);
            self.block(n);
        }
        self.ctx = saved;
    }

    fn print_stmt(&mut self, after_backward: bool) {
        let vals = self.vars(|v| matches!(v.ty, Ty::Val));
        let nums = self.vars(|v| matches!(v.ty, Ty::Num { .. }));
        let lists = self.vars(|v| matches!(v.ty, Ty::VList { .. }));
        let dicts = self.vars(|v| matches!(v.ty, Ty::VDict { .. }));
        let attr = |g: &mut Gen| {
            if after_backward && g.r.chance(0.7) {
                "grad"
            } else {
                "data"
            }
        };
        let w = [
            if vals.is_empty() { 0 } else { 6 },
            3,
            if lists.is_empty() { 0 } else { 2 },
            if dicts.is_empty() { 0 } else { 1 },
            if nums.is_empty() { 0 } else { 2 },
        ];
        match self.r.weighted(&w) {
            0 => {
                let v = self.env[*self.r.pick(&vals)].name.clone();
                let a = attr(self);
                let s = match self.r.below(6) {
                    0 => format!("print(f'{{{v}.{a}:.12g}}')"),
                    1 => format!("print({v}.{a})"),
                    2 => format!("print({v}.data, {v}.grad)"),
                    3 => format!("print({v})"),
                    4 => format!("print(f'{{{v}.label}} {{{v}.{a}:.12g}}')"),
                    _ => format!("print('{v}', repr({v}.{a}), sep=': ')"),
                };
                self.line(&s);
            }
            1 => {
                let e = self.num(2);
                if self.r.chance(0.5) {
                    self.line(&format!("print(f'{{{}:.12g}}')", e.code));
                } else {
                    self.line(&format!("print({})", e.code));
                }
            }
            2 => {
                let l = self.env[*self.r.pick(&lists)].name.clone();
                let a = attr(self);
                let s = match self.r.below(4) {
                    0 => format!("print([x.{a} for x in {l}])"),
                    1 => format!("print([f'{{x.{a}:.12g}}' for x in {l}])"),
                    2 => format!("print(len({l}), sum(x.{a} for x in {l}))"),
                    _ => format!("print([x.label for x in {l}])"),
                };
                self.line(&s);
            }
            3 => {
                let d = self.env[*self.r.pick(&dicts)].name.clone();
                let a = attr(self);
                let s = match self.r.below(3) {
                    0 => format!("print({{k: f'{{x.{a}:.12g}}' for k, x in {d}.items()}})"),
                    1 => format!("print(list({d}), len({d}))"),
                    _ => format!("print([(k, x.{a}) for k, x in {d}.items()])"),
                };
                self.line(&s);
            }
            _ => {
                let v = self.env[*self.r.pick(&nums)].name.clone();
                let s = match self.r.below(3) {
                    0 => format!("print(f'{{{v}:.12g}}')"),
                    1 => format!("print({v})"),
                    _ => format!("print('{v} =', {v})"),
                };
                self.line(&s);
            }
        }
    }

    // -----------------------------------------------------------------------
    // Functions
    // -----------------------------------------------------------------------

    /// Enters a function body whose parameters are `params`: the env keeps
    /// only functions (globals that never change) plus the parameters.
    fn enter_func(&mut self, params: &[Param]) -> (Vec<Var>, Ctx) {
        let saved_env = self.env.clone();
        let saved_ctx = self.ctx.clone();
        self.env
            .retain(|v| matches!(v.ty, Ty::Func(_) | Ty::Factory(..)));
        for p in params {
            let ty = match p.ty {
                PTy::Val => Ty::Val,
                PTy::Num { int } => Ty::Num { int },
                PTy::VList { max } => Ty::VList { min: 0, max },
            };
            self.add(&p.name, ty, p.cap);
            if matches!(p.ty, PTy::VList { .. }) {
                // a caller's list: not ours to change
                self.env.last_mut().unwrap().readonly = true;
                self.env.last_mut().unwrap().frozen = true;
            }
        }
        self.ctx = Ctx::top();
        self.ctx.in_func = true;
        self.ctx.depth = 1;
        (saved_env, saved_ctx)
    }

    fn leave_func(&mut self, saved: (Vec<Var>, Ctx)) {
        self.env = saved.0;
        self.ctx = saved.1;
    }

    fn sig_line(params: &[Param]) -> String {
        let mut parts = Vec::new();
        let mut star = false;
        for p in params {
            if p.kwonly && !star {
                parts.push("*".to_string());
                star = true;
            }
            match &p.default {
                Some(d) => parts.push(format!("{}={d}", p.name)),
                None => parts.push(p.name.clone()),
            }
        }
        parts.join(", ")
    }

    /// Parameters: 1-2 Values, 0-2 numbers with defaults (maybe keyword-only).
    fn params(&mut self, with_nums: bool) -> Vec<Param> {
        let mut ps = Vec::new();
        for _ in 0..self.r.range(1, 2) {
            let cap = *self.r.pick(&[1.0, 2.0]);
            ps.push(Param {
                name: self.name("p"),
                ty: PTy::Val,
                cap,
                default: None,
                kwonly: false,
            });
        }
        if self.r.chance(0.2) {
            // a Value default: made once, at `def`, shared by every call
            let d = lit_num(&mut self.r, 2.0).code;
            ps.push(Param {
                name: self.name("p"),
                ty: PTy::Val,
                cap: 2.0,
                default: Some(format!("Value({d})")),
                kwonly: false,
            });
        }
        if with_nums {
            let mut kwonly = false;
            for _ in 0..self.r.below(3) {
                let d = lit_num(&mut self.r, 2.0).code;
                kwonly = kwonly || self.r.chance(0.3);
                ps.push(Param {
                    name: self.name("k"),
                    ty: PTy::Num { int: false },
                    cap: 2.0,
                    default: Some(d),
                    kwonly,
                });
            }
        }
        ps
    }

    fn def_func(&mut self) {
        let f = self.name("f");
        let params = self.params(true);
        let pair = self.r.chance(0.2);
        self.line(&format!("def {f}({}):", Self::sig_line(&params)));
        let saved = self.enter_func(&params);
        self.indent += 1;
        for _ in 0..self.r.range(0, 3) {
            self.stmt();
        }
        let ret = if pair {
            let (a, b) = (self.val(2), self.val(2));
            self.line(&format!("return {}, {}", a.code, b.code));
            Ret::Pair(a.b.max(1.0), b.b.max(1.0))
        } else if self.r.chance(0.3) {
            // `out = ...; return out`: the value is labelled in the function
            let o = self.name("r");
            let e = self.val(3);
            self.line(&format!("{o} = {}", e.code));
            self.line(&format!("return {o}"));
            Ret::Val(e.b.max(1.0))
        } else {
            let e = self.val(3);
            self.line(&format!("return {}", e.code));
            Ret::Val(e.b.max(1.0))
        };
        self.indent -= 1;
        self.leave_func(saved);
        self.add(&f, Ty::Func(Rc::new(Sig { params, ret })), 1.0);
    }

    /// A closure factory `def make(k, w): def inner(x, s=...): ...; return
    /// inner`, or a lambda.
    fn def_factory(&mut self) {
        if self.r.chance(0.35) {
            let h = self.name("h");
            let mut params = vec![Param {
                name: self.name("p"),
                ty: PTy::Val,
                cap: 2.0,
                default: None,
                kwonly: false,
            }];
            if self.r.chance(0.5) {
                params.push(Param {
                    name: self.name("k"),
                    ty: PTy::Num { int: false },
                    cap: 2.0,
                    default: Some(lit_num(&mut self.r, 2.0).code),
                    kwonly: false,
                });
            }
            let saved = self.enter_func(&params);
            let e = self.val(2);
            self.leave_func(saved);
            self.line(&format!(
                "{h} = lambda {}: {}",
                Self::sig_line(&params),
                e.code
            ));
            let sig = Sig {
                params,
                ret: Ret::Val(e.b.max(1.0)),
            };
            self.add(&h, Ty::Func(Rc::new(sig)), 1.0);
            return;
        }
        let m = self.name("make");
        let outer = vec![
            Param {
                name: self.name("k"),
                ty: PTy::Num { int: false },
                cap: 2.0,
                default: None,
                kwonly: false,
            },
            Param {
                name: self.name("p"),
                ty: PTy::Val,
                cap: 2.0,
                default: None,
                kwonly: false,
            },
        ];
        self.line(&format!("def {m}({}):", Self::sig_line(&outer)));
        let saved = self.enter_func(&outer);
        self.indent += 1;
        if self.r.chance(0.5) {
            self.new_val();
        }
        let inner_params = self.params(true);
        let inner = self.name("inner");
        let use_lambda = self.r.chance(0.25);
        let ret_b = if use_lambda {
            let saved2 = self.enter_func_keep(&inner_params);
            let e = self.val(2);
            self.env.truncate(saved2);
            self.line(&format!(
                "return lambda {}: {}",
                Self::sig_line(&inner_params),
                e.code
            ));
            e.b.max(1.0)
        } else {
            self.line(&format!("def {inner}({}):", Self::sig_line(&inner_params)));
            let mark = self.enter_func_keep(&inner_params);
            self.indent += 1;
            let e = self.val(3);
            self.line(&format!("return {}", e.code));
            self.indent -= 1;
            self.env.truncate(mark);
            self.line(&format!("return {inner}"));
            e.b.max(1.0)
        };
        self.indent -= 1;
        self.leave_func(saved);
        let inner_sig = Sig {
            params: inner_params,
            ret: Ret::Val(ret_b),
        };
        let outer_sig = Sig {
            params: outer,
            ret: Ret::Val(1.0),
        };
        self.add(&m, Ty::Factory(Rc::new(outer_sig), Rc::new(inner_sig)), 1.0);
    }

    /// Adds parameters of a nested function to the env (the enclosing
    /// function's names stay visible as closure cells); returns the mark.
    fn enter_func_keep(&mut self, params: &[Param]) -> usize {
        let mark = self.env.len();
        for p in params {
            let ty = match p.ty {
                PTy::Val => Ty::Val,
                PTy::Num { int } => Ty::Num { int },
                PTy::VList { max } => Ty::VList { min: 0, max },
            };
            self.add_ro(&p.name, ty, p.cap);
        }
        // the enclosing function's names are read-only from here (no
        // nonlocal)
        for v in &mut self.env[..mark] {
            v.readonly = true;
        }
        mark
    }

    fn make_closure(&mut self, factories: &[usize]) {
        let f = self.env[*self.r.pick(factories)].clone();
        let Ty::Factory(outer, inner) = &f.ty else {
            unreachable!()
        };
        let Some(a) = self.args(outer, 1) else { return };
        let g = self.name("g");
        self.line(&format!("{g} = {}({a})", f.name));
        self.add(&g, Ty::Func(inner.clone()), 1.0);
    }

    fn pair_call(&mut self, funcs: &[usize]) {
        let f = self.env[*self.r.pick(funcs)].clone();
        let Ty::Func(sig) = &f.ty else { unreachable!() };
        let Ret::Pair(b1, b2) = sig.ret else {
            unreachable!()
        };
        let Some(a) = self.args(sig, 1) else { return };
        let (p, q) = (self.name("v"), self.name("v"));
        self.line(&format!("{p}, {q} = {}({a})", f.name));
        self.add(&p, Ty::Val, b1);
        self.add(&q, Ty::Val, b2);
    }

    /// Recursion with a base case: over a depth counter, or over a list
    /// with an index defaulting to 0.
    fn def_rec(&mut self) {
        let f = self.name("rec");
        if self.r.chance(0.5) {
            let params = vec![
                Param {
                    name: self.name("p"),
                    ty: PTy::Val,
                    cap: 2.0,
                    default: None,
                    kwonly: false,
                },
                Param {
                    name: self.name("n"),
                    ty: PTy::Num { int: true },
                    cap: 4.0,
                    default: None,
                    kwonly: false,
                },
                Param {
                    name: self.name("k"),
                    ty: PTy::Num { int: false },
                    cap: 2.0,
                    default: Some(lit_num(&mut self.r, 1.0).code),
                    kwonly: false,
                },
            ];
            let (x, n, k) = (
                params[0].name.clone(),
                params[1].name.clone(),
                params[2].name.clone(),
            );
            self.line(&format!("def {f}({}):", Self::sig_line(&params)));
            let saved = self.enter_func(&params);
            self.indent += 1;
            self.line(&format!("if {n} <= 0:"));
            self.indent += 1;
            let base = match self.r.below(3) {
                0 => E::atom(x.clone(), 2.0),
                1 => E::op(format!("{x} * {k}"), 4.0),
                _ => E::atom(format!("{x}.tanh()"), 1.0),
            };
            self.line(&format!("return {}", base.code));
            self.indent -= 1;
            let r = base.b.max(1.0);
            let arg = Self::bounded(self.val(2), 2.0);
            let kw = if self.r.chance(0.5) {
                format!(", {k}={k}")
            } else {
                String::new()
            };
            let t = self.name("t");
            self.line(&format!("{t} = {f}({}, {n} - 1{kw})", arg.code));
            self.add(&t, Ty::Val, r);
            let e = Self::bounded(self.val(2), r);
            self.line(&format!("return {}", e.code));
            self.indent -= 1;
            self.leave_func(saved);
            self.add(
                &f,
                Ty::Func(Rc::new(Sig {
                    params,
                    ret: Ret::Val(r),
                })),
                1.0,
            );
        } else {
            let max = 6;
            let params = vec![
                Param {
                    name: self.name("ps"),
                    ty: PTy::VList { max },
                    cap: 2.0,
                    default: None,
                    kwonly: false,
                },
                Param {
                    name: self.name("j"),
                    ty: PTy::Num { int: true },
                    cap: max as f64,
                    default: Some("0".to_string()),
                    kwonly: false,
                },
            ];
            let (xs, j) = (params[0].name.clone(), params[1].name.clone());
            self.line(&format!("def {f}({}):", Self::sig_line(&params)));
            let saved = self.enter_func(&params);
            self.indent += 1;
            self.line(&format!("if {j} >= len({xs}):"));
            self.indent += 1;
            let base = *self.r.pick(&["Value(0.0)", "Value(1)", "Value(0.5)"]);
            self.line(&format!("return {base}"));
            self.indent -= 1;
            let x = self.name("x");
            self.line(&format!("{x} = {xs}[{j}]"));
            self.add(&x, Ty::Val, 2.0);
            let term = Self::bounded(self.val(2), 1.0);
            let (code, r) = if self.r.chance(0.5) {
                (
                    format!("{} + {f}({xs}, {j} + 1)", term.p()),
                    1.0 + max as f64,
                )
            } else {
                (
                    format!("({f}({xs}, {j}={j} + 1) * {}).tanh()", term.p()),
                    1.0,
                )
            };
            self.line(&format!("return {code}"));
            self.indent -= 1;
            self.leave_func(saved);
            // a caller passes only the list
            self.add(
                &f,
                Ty::Func(Rc::new(Sig {
                    params: params.into_iter().take(1).collect(),
                    ret: Ret::Val(r),
                })),
                1.0,
            );
        }
    }

    // -----------------------------------------------------------------------
    // The program
    // -----------------------------------------------------------------------

    fn program(mut self) -> String {
        self.line("from micrograd.engine import Value");
        self.line("import math");
        self.line("");
        let mut leaves = Vec::new();
        for _ in 0..self.r.range(2, 4) {
            let n = self.name("a");
            leaves.push(n.clone());
            let x = lit_num(&mut self.r, 2.0);
            if self.r.chance(0.2) {
                self.line(&format!("{n} = Value({}, label='{n}')", x.code));
            } else {
                self.line(&format!("{n} = Value({})", x.code));
            }
            self.add(&n, Ty::Val, x.b.max(1.0));
        }
        if !self.feat.step_non_leaves {
            self.line(&format!("params = [{}]", leaves.join(", ")));
        }
        for _ in 0..self.r.range(6, 14) {
            self.stmt();
        }
        // the loss
        let parts = self.r.range(1, 3);
        let sep = *self.r.pick(&[" + ", " * ", " - "]);
        let mut terms = Vec::new();
        let mut b: f64 = if sep == " * " { 1.0 } else { 0.0 };
        for _ in 0..parts {
            let e = self.val(2);
            b = if sep == " * " { b * e.b } else { b + e.b };
            terms.push(e.p());
        }
        self.line(&format!("out = {}", terms.join(sep)));
        self.add("out", Ty::Val, b.max(1.0));
        let draw = self.feat.draw_dot && self.r.chance(0.1);
        if draw {
            self.line("draw_dot(out)");
        }
        self.line("out.backward()");
        if self.r.chance(0.05) {
            // grads accumulate: leaves get twice as much
            self.line("out.backward()");
        }
        if draw && self.r.chance(0.5) {
            self.line("draw_dot(out)");
        }
        for _ in 0..self.r.range(2, 6) {
            self.print_stmt(true);
        }
        self.line("print(out.data, out.grad)");
        if self.feat.phase2 && self.r.chance(0.25) {
            // a gradient step, zeroed grads, a second forward and backward
            let lr = *self.r.pick(&["0.01", "0.05", "0.1"]);
            let list = if self.feat.step_non_leaves {
                format!("[{}]", leaves.join(", "))
            } else {
                "params".to_string()
            };
            self.line(&format!("for p in {list}:"));
            self.line(&format!("    p.data -= {lr} * math.tanh(p.grad)"));
            let zero = *self.r.pick(&["0", "0.0"]);
            self.line(&format!("    p.grad = {zero}"));
            let e = self.val(3);
            self.line(&format!("out2 = {}", e.code));
            self.line("out2.backward()");
            self.line(&format!(
                "print([f'{{p.data:.12g}} {{p.grad:.12g}}' for p in {list}])"
            ));
            self.line("print(out2)");
        }
        self.out
    }
}

fn program(seed: u64) -> String {
    Gen::new(seed, features()).program()
}

// ---------------------------------------------------------------------------
// Comparison
// ---------------------------------------------------------------------------

fn close(x: f64, y: f64) -> bool {
    (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0)
}

#[derive(Debug, PartialEq)]
enum Tok<'a> {
    Num(&'a str),
    Text(&'a str),
}

/// Splits a line into numbers (`-1.5`, `2`, `1e-05`, `.5`) and the text
/// between them (a digit right after a letter stays text: `x1`).
fn tokens(s: &str) -> Vec<Tok<'_>> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let (mut i, mut text) = (0, 0);
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    while i < b.len() {
        let prev_word = i > 0 && word(b[i - 1]);
        let starts = |j: usize| j < b.len() && (b[j].is_ascii_digit());
        let begin = !prev_word
            && (starts(i)
                || (b[i] == b'-'
                    && (starts(i + 1) || (b.get(i + 1) == Some(&b'.') && starts(i + 2))))
                || (b[i] == b'.' && starts(i + 1)));
        if !begin {
            i += 1;
            continue;
        }
        let start = i;
        if b[i] == b'-' {
            i += 1;
        }
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
        }
        if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
            let mut j = i + 1;
            if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
                j += 1;
            }
            if j < b.len() && b[j].is_ascii_digit() {
                while j < b.len() && b[j].is_ascii_digit() {
                    j += 1;
                }
                i = j;
            }
        }
        if i < b.len() && word(b[i]) {
            // `1st`, `0x1f`: not a number
            while i < b.len() && word(b[i]) {
                i += 1;
            }
            continue;
        }
        if text < start {
            out.push(Tok::Text(&s[text..start]));
        }
        out.push(Tok::Num(&s[start..i]));
        text = i;
    }
    if text < s.len() {
        out.push(Tok::Text(&s[text..]));
    }
    out
}

/// Printed output, line by line, numbers to 1e-9.
fn same_text(ours: &str, theirs: &str, feat: Features) -> Result<(), String> {
    let (a, b): (Vec<&str>, Vec<&str>) = (ours.lines().collect(), theirs.lines().collect());
    if a.len() != b.len() {
        return Err(format!(
            "printed {} lines, CPython {} lines",
            a.len(),
            b.len()
        ));
    }
    for (k, (x, y)) in a.iter().zip(&b).enumerate() {
        let bad = || Err(format!("line {}: gradviz {x:?}, CPython {y:?}", k + 1));
        if x == y {
            continue;
        }
        let (tx, ty) = (tokens(x), tokens(y));
        if tx.len() != ty.len() {
            return bad();
        }
        for (p, q) in tx.iter().zip(&ty) {
            match (p, q) {
                (Tok::Text(p), Tok::Text(q)) if p == q => {}
                (Tok::Num(p), Tok::Num(q)) if p == q => {}
                (Tok::Num(p), Tok::Num(q)) => {
                    let (Ok(u), Ok(v)) = (p.parse::<f64>(), q.parse::<f64>()) else {
                        return bad();
                    };
                    // the same number spelt differently (`2` / `2.0`) is a
                    // difference of type, not of rounding
                    if u == 0.0
                        && !feat.signed_zero_text
                        && p.trim_start_matches('-') == q.trim_start_matches('-')
                    {
                        continue; // `-0.0` / `0.0`: see Features
                    }
                    if u == v || !close(u, v) {
                        return bad();
                    }
                }
                _ => return bad(),
            }
        }
    }
    Ok(())
}

fn diagrams(v: Json) -> Vec<Json> {
    match v {
        Json::Array(a) => a,
        one => vec![one],
    }
}

fn close_json(a: &Json, b: &Json) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => close(x, y),
        _ => a == b,
    }
}

/// The graphs node for node, as `micrograd_parity.rs` compares them.
fn same_graph(ours: &str, theirs: &str) -> Result<(), String> {
    let ours = diagrams(serde_json::from_str(ours).map_err(|e| format!("our JSON: {e}"))?);
    let theirs =
        diagrams(serde_json::from_str(theirs).map_err(|e| format!("CPython's JSON: {e}"))?);
    if ours.len() != theirs.len() {
        return Err(format!("{} diagrams, CPython {}", ours.len(), theirs.len()));
    }
    for (k, (o, t)) in ours.iter().zip(&theirs).enumerate() {
        let (Some(on), Some(tn)) = (o["nodes"].as_array(), t["nodes"].as_array()) else {
            return Err(format!("diagram {k}: no nodes"));
        };
        if on.len() != tn.len() {
            return Err(format!(
                "diagram {k}: {} nodes, CPython {}",
                on.len(),
                tn.len()
            ));
        }
        for (a, b) in on.iter().zip(tn) {
            for key in ["id", "label", "op"] {
                if a[key] != b[key] {
                    return Err(format!("diagram {k}: {key} of {a} vs CPython {b}"));
                }
            }
            for key in ["data", "grad"] {
                if !close_json(&a[key], &b[key]) {
                    return Err(format!("diagram {k}: {key} of {a} vs CPython {b}"));
                }
            }
        }
        if o["edges"] != t["edges"] {
            let (oe, te) = (o["edges"].as_array(), t["edges"].as_array());
            let first = oe
                .zip(te)
                .and_then(|(oe, te)| oe.iter().zip(te).find(|(x, y)| x != y))
                .map(|(x, y)| format!(": {x} vs CPython {y}"))
                .unwrap_or_default();
            return Err(format!("diagram {k}: edges differ{first}"));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Running both sides
// ---------------------------------------------------------------------------

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

/// At most `n` bytes of `s` (a graph's JSON can be long).
fn head(s: &str, n: usize) -> String {
    if s.len() <= n {
        return s.to_string();
    }
    let mut k = n;
    while !s.is_char_boundary(k) {
        k -= 1;
    }
    format!("{}\n[... {} more bytes]", &s[..k], s.len() - k)
}

fn run(cmd: &mut Command) -> Out {
    // a build running beside the test may be relinking the binary
    // ("text file busy"): try again a few times
    let mut tries = 0;
    let o = loop {
        match cmd.output() {
            Ok(o) => break o,
            Err(e) if tries < 10 => {
                tries += 1;
                eprintln!("differential: {cmd:?} did not start ({e}), again");
                std::thread::sleep(Duration::from_millis(500));
            }
            Err(e) => panic!("{cmd:?} does not start: {e}"),
        }
    };
    Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

fn gradviz(args: &[&str]) -> Out {
    run(Command::new(env!("CARGO_BIN_EXE_gradviz"))
        .args(args)
        .current_dir(common::root()))
}

/// The harness on a script, stopped after `CPYTHON_TIMEOUT` (a generated
/// program that loops for ever is a generator bug, reported as such).
fn cpython(python: &Path, args: &[&str]) -> Out {
    let mut child = Command::new(python)
        .arg(common::path("tests/reference/micrograd_json.py"))
        .args(args)
        .current_dir(common::root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python starts");
    let (mut so, mut se) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = so.read_to_string(&mut s);
        s
    });
    let ereader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = se.read_to_string(&mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().expect("python runs") {
            break Some(st);
        }
        if start.elapsed() > CPYTHON_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let (stdout, stderr) = (reader.join().unwrap(), ereader.join().unwrap());
    match status {
        Some(st) => Out {
            code: st.code().unwrap_or(-1),
            stdout,
            stderr,
        },
        None => Out {
            code: -1,
            stdout,
            stderr: format!("{stderr}\n[stopped after {CPYTHON_TIMEOUT:?}]"),
        },
    }
}

/// A Python with micrograd, or None (the test is skipped).
fn find_python() -> Option<PathBuf> {
    let candidate = match std::env::var_os("GRADVIZ_PYTHON") {
        Some(p) => PathBuf::from(p),
        None => {
            let p = PathBuf::from("/work/mg-venv/bin/python");
            if !p.exists() {
                return None;
            }
            p
        }
    };
    let ok = Command::new(&candidate)
        .args(["-c", "import micrograd.engine; print('micrograd')"])
        .output()
        .is_ok_and(|o| o.status.success() && o.stdout.starts_with(b"micrograd"));
    if ok {
        Some(candidate)
    } else if std::env::var_os("GRADVIZ_PYTHON").is_some() {
        panic!(
            "GRADVIZ_PYTHON={} cannot import micrograd",
            candidate.display()
        );
    } else {
        None
    }
}

fn failures_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target directory")
        .join("differential-failures")
}

/// Runs one program both ways; `Err` describes the first difference.
fn check(python: &Path, file: &Path, no_auto_labels: bool) -> Result<(), String> {
    let f = file.to_str().unwrap();
    let theirs = cpython(python, &[f]);
    if theirs.code != 0 {
        return Err(format!(
            "CPython failed (a generator bug) with {}:\n{}",
            theirs.code, theirs.stderr
        ));
    }
    let ours = gradviz(&["run", "--timeout", "30", f]);
    if ours.code != 0 {
        return Err(format!(
            "gradviz run failed ({}):\n{}\n--- CPython printed:\n{}",
            ours.code, ours.stderr, theirs.stderr
        ));
    }
    same_text(&ours.stdout, &theirs.stderr, features()).map_err(|e| {
        format!(
            "printed text differs: {e}\n--- gradviz printed:\n{}--- CPython printed:\n{}",
            ours.stdout, theirs.stderr
        )
    })?;
    let graph = gradviz(&["render", f, "-f", "json"]);
    if graph.code != 0 {
        return Err(format!("gradviz render failed:\n{}", graph.stderr));
    }
    same_graph(&graph.stdout, &theirs.stdout).map_err(|e| {
        format!(
            "graph differs: {e}\n--- gradviz JSON:\n{}\n--- CPython JSON:\n{}",
            head(&graph.stdout, 4000),
            head(&theirs.stdout, 4000)
        )
    })?;
    if no_auto_labels {
        let theirs = cpython(python, &["--no-auto-labels", f]);
        let ours = gradviz(&["render", f, "-f", "json", "--no-auto-labels"]);
        if ours.code != 0 || theirs.code != 0 {
            return Err(format!(
                "--no-auto-labels: gradviz {} / CPython {}:\n{}{}",
                ours.code, theirs.code, ours.stderr, theirs.stderr
            ));
        }
        same_graph(&ours.stdout, &theirs.stdout)
            .map_err(|e| format!("graph differs with --no-auto-labels: {e}"))?;
    }
    Ok(())
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .map(|s| {
            s.parse()
                .unwrap_or_else(|_| panic!("{name}={s} is not a number"))
        })
        .unwrap_or(default)
}

#[test]
fn generated_programs_are_valid_python_shapes() {
    // the generator alone (no Python needed): deterministic, varied
    let a = program(SEED);
    assert_eq!(a, program(SEED), "the same seed gives the same program");
    assert_ne!(a, program(SEED + 1));
    let all: String = (0..CASES).map(|k| program(SEED + k)).collect();
    for needle in [
        "for ",
        "while ",
        "def ",
        "lambda ",
        "return ",
        "enumerate(",
        "zip(",
        ".append(",
        "sum(",
        "if ",
        "[",
        "{",
        ".tanh()",
        ".exp()",
        ".relu()",
        "** ",
        " / ",
        "out.backward()",
        "=",
    ] {
        assert!(all.contains(needle), "no program has {needle:?}");
    }
}

#[test]
fn tokens_split_numbers() {
    use Tok::*;
    assert_eq!(
        tokens("Value(data=-1.5e-05, grad=2) x1 [0.5, .25]"),
        vec![
            Text("Value(data="),
            Num("-1.5e-05"),
            Text(", grad="),
            Num("2"),
            Text(") x1 ["),
            Num("0.5"),
            Text(", "),
            Num(".25"),
            Text("]"),
        ]
    );
    let f = FEATURES;
    assert!(same_text("0.30000000000000004\n", "0.3\n", f).is_ok());
    assert!(same_text("2\n", "2.0\n", f).is_err());
    assert!(same_text("0\n", "-0.0\n", f).is_err());
    assert!(same_text("0.3\n", "0.31\n", f).is_err());
    assert!(same_text("a 1\n", "b 1\n", f).is_err());
    let strict = Features {
        signed_zero_text: true,
        ..f
    };
    assert!(same_text("-0.0\n", "0.0\n", strict).is_err());
}

#[test]
fn gradviz_matches_cpython_on_random_programs() {
    let Some(python) = find_python() else {
        if std::env::var("GRADVIZ_REQUIRE_TOOLS").is_ok_and(|v| v == "1") {
            panic!(
                "GRADVIZ_REQUIRE_TOOLS=1 but no Python with micrograd \
                 (set GRADVIZ_PYTHON)"
            );
        }
        eprintln!(
            "SKIPPED differential test: no Python with micrograd \
             (set GRADVIZ_PYTHON, or GRADVIZ_REQUIRE_TOOLS=1 to require it)"
        );
        return;
    };
    let cases = env_u64("GRADVIZ_DIFF_CASES", CASES);
    let seed = env_u64("GRADVIZ_DIFF_SEED", SEED);
    let dir = tempfile::tempdir().unwrap();
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(2, 8);
    let start = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed) as u64;
                    if k >= cases {
                        break;
                    }
                    let name = format!("seed_{}", seed.wrapping_add(k));
                    let text = program(seed.wrapping_add(k));
                    let file = dir.path().join(format!("{name}.py"));
                    std::fs::write(&file, &text).unwrap();
                    if let Err(e) = check(&python, &file, k.is_multiple_of(2)) {
                        failures.lock().unwrap().push((name, text, e));
                    }
                }
            });
        }
    });
    let mut failures = failures.into_inner().unwrap();
    failures.sort();
    eprintln!(
        "differential: {cases} programs in {:.1} s ({} failed)",
        start.elapsed().as_secs_f64(),
        failures.len()
    );
    if failures.is_empty() {
        return;
    }
    let out = failures_dir();
    std::fs::create_dir_all(&out).unwrap();
    let mut report = String::new();
    for (name, text, e) in &failures {
        let path = out.join(format!("{name}.py"));
        std::fs::write(&path, text).unwrap();
        let _ = writeln!(
            report,
            "=== {name} (saved as {})\n{text}--- {e}\n",
            path.display()
        );
    }
    panic!(
        "{} of {cases} programs differ between gradviz and CPython:\n\n{report}",
        failures.len()
    );
}

/// Writes the programs of a run to `target/differential-programs/` (or
/// `$DUMP_DIR`) without running them:
/// `cargo test --test differential dump_programs -- --ignored`.
#[test]
#[ignore]
fn dump_programs() {
    let dir = std::env::var_os("DUMP_DIR").map_or_else(
        || failures_dir().with_file_name("differential-programs"),
        PathBuf::from,
    );
    std::fs::create_dir_all(&dir).unwrap();
    let n = env_u64("GRADVIZ_DIFF_CASES", CASES);
    let seed = env_u64("GRADVIZ_DIFF_SEED", SEED);
    for k in 0..n {
        let s = seed.wrapping_add(k);
        std::fs::write(dir.join(format!("seed_{s}.py")), program(s)).unwrap();
    }
    eprintln!("{n} programs in {}", dir.display());
}
