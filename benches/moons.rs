//! Moons benchmark (`cargo bench --bench moons`): one step of micrograd's
//! moons demo (SPEC §8–§9, issue 5) on the gradviz engine and, in the same
//! process, on a minimal flat-array tape written here as the reference.
//!
//! The step is `shared/bench/micrograd_demo.py`'s: make_moons(100, noise 0.1)
//! (sklearn's formula, generated here with a fixed seed), MLP(2, [16, 16, 1])
//! with micrograd's `nn.py` semantics (w ~ U(-1, 1), b = 0, act = b + Σ wᵢxᵢ,
//! ReLU on hidden layers, linear output; 337 parameters), the SVM max-margin
//! loss plus 1e-4 L2 built exactly as the Python lowers it (`sum` starts from
//! the int 0, so `0 + l0` adds a constant leaf), zero_grad, backward and SGD
//! with lr = 1.0 - 0.9·(k mod 100)/100. One step's loss graph has 65,818
//! value nodes; the benchmark checks that it builds exactly that many.
//!
//! Modes, each timed per step; after the warm-up the modes take turns, one
//! untimed and a few timed steps each, so that a change of machine load
//! affects them alike; the median is reported:
//! - flat tape, rebuild every step (the reference, 1×): a tape of parallel
//!   arrays (op code, operand indices, data, grad) cleared and re-recorded
//!   each step (its capacity is reused), backward by reverse iteration,
//!   SGD into the parameter array;
//! - gradviz, rebuild every step, fresh graph: a new `Graph` per step with
//!   the 337 parameters copied in as its first leaves; build (forward happens
//!   during the build), `zero_grad`, backward, SGD into the parameter array,
//!   and dropping the graph;
//! - gradviz, rebuild every step, one graph: the parameters stay in one
//!   `Graph` as leaves; build, `zero_grad`, backward, SGD with `set_data`,
//!   then `clear_except(params)` (which leaves the step's nodes for the next
//!   build to take over where it rebuilds the same nodes: see
//!   `src/engine/replay.rs`);
//! - flat tape, recorded once and re-run: per step only forward over the
//!   tape, backward, SGD in place;
//! - gradviz, built once and re-run: one graph built once; per step
//!   `Graph::forward(root)`, `zero_grad`, backward, SGD with `set_data`
//!   (what `gradviz train` does);
//! - bare `StableGraph`, structure built: only the step's nodes and edges
//!   added to a `StableGraph<u8, u8>` cleared each step, no numbers and no
//!   passes: what adding a step to a `StableGraph` costs, the floor for a
//!   rebuild that adds its nodes anew (gradviz's one-graph mode reuses
//!   them instead).
//!
//! `zero_grad` zeroes every node's grad in both engines. All modes train
//! from the same initial parameters; their losses and final parameters must
//! agree with the flat tape's (to 1e-9; so far they agree bit for bit).
//!
//! Memory: the gradviz crate forbids `unsafe`, which rules out a counting
//! global allocator here, so the bytes per value node are what
//! `Graph::bytes` reports (the `StableGraph`'s slots, edges included, the
//! data/grad arrays, labels and the cached schedule; in use and allocated)
//! and, as a cross-check, the growth of the process's resident set while
//! one step's graph is built and backpropagated. For the one-graph mode, its node count and buffer bytes
//! after the first and the last round show whether memory stays flat.
//!
//! Arguments (after `--`): `--steps N` (timed steps, default 20), `--warmup N`
//! (default 3), `--only fresh|clear|gvrerun|tape|rerun` (one mode, e.g. for
//! a profiler: no checks, no memory figures).
//! The last line, `RESULT …`, is for `benches/compare_micrograd.sh`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use gradviz::{Graph, Value, ValueId};
use petgraph::stable_graph::{NodeIndex, StableGraph};

/// Samples in the data set.
const N_SAMPLES: usize = 100;
/// MLP(2, [16, 16, 1]): layer widths, inputs first.
const SIZES: [usize; 4] = [2, 16, 16, 1];
/// The L2 coefficient.
const ALPHA: f64 = 1e-4;
/// Value nodes in one step's loss graph (SPEC §8).
const EXPECTED_NODES: usize = 65_818;
/// Parameters of MLP(2, [16, 16, 1]).
const EXPECTED_PARAMS: usize = 337;

// ---------------------------------------------------------------------------
// Data and model initialisation
// ---------------------------------------------------------------------------

/// splitmix64: fixed, portable pseudo-random numbers.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [a, b), as Python's `random.uniform`.
    fn uniform(&mut self, a: f64, b: f64) -> f64 {
        a + (b - a) * self.unit()
    }

    /// Standard normal (Box–Muller).
    fn gauss(&mut self) -> f64 {
        let u1 = 1.0 - self.unit(); // (0, 1]
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}

/// sklearn's `make_moons(n, noise)`: the outer half circle (cos t, sin t),
/// the inner one (1 - cos t, 1 - sin t - 0.5), t = linspace(0, π, n/2),
/// shuffled, plus Gaussian noise; labels mapped to -1 (outer) / +1 (inner).
fn make_moons(rng: &mut Rng, n: usize, noise: f64) -> (Vec<[f64; 2]>, Vec<f64>) {
    let n_out = n / 2;
    let n_in = n - n_out;
    let linspace = |k: usize, i: usize| {
        if k == 1 {
            0.0
        } else {
            std::f64::consts::PI * i as f64 / (k - 1) as f64
        }
    };
    let mut x = Vec::with_capacity(n);
    let mut y = Vec::with_capacity(n);
    for i in 0..n_out {
        let t = linspace(n_out, i);
        x.push([t.cos(), t.sin()]);
        y.push(-1.0);
    }
    for i in 0..n_in {
        let t = linspace(n_in, i);
        x.push([1.0 - t.cos(), 1.0 - t.sin() - 0.5]);
        y.push(1.0);
    }
    for i in (1..n).rev() {
        let j = (rng.next_u64() % (i as u64 + 1)) as usize;
        x.swap(i, j);
        y.swap(i, j);
    }
    for p in &mut x {
        p[0] += noise * rng.gauss();
        p[1] += noise * rng.gauss();
    }
    (x, y)
}

/// micrograd's `MLP(2, [16, 16, 1]).parameters()` order: per layer, per
/// neuron, its weights (U(-1, 1)) then its bias (0).
fn init_params(rng: &mut Rng) -> Vec<f64> {
    let mut p = Vec::new();
    for w in SIZES.windows(2) {
        for _ in 0..w[1] {
            for _ in 0..w[0] {
                p.push(rng.uniform(-1.0, 1.0));
            }
            p.push(0.0);
        }
    }
    p
}

// ---------------------------------------------------------------------------
// The step, written once for both engines
// ---------------------------------------------------------------------------

/// What the loss needs from an engine: micrograd's `Value` operations,
/// including the Python lowering of number operands (`c + v` and `c * v`
/// create a constant leaf).
trait Engine {
    type V: Copy;
    fn leaf(&mut self, x: f64) -> Self::V;
    fn add(&mut self, a: Self::V, b: Self::V) -> Self::V;
    fn mul(&mut self, a: Self::V, b: Self::V) -> Self::V;
    fn relu(&mut self, a: Self::V) -> Self::V;
    /// `c + v` (`v.__radd__(c)`: `v + Value(c)`).
    fn radd(&mut self, c: f64, v: Self::V) -> Self::V;
    /// `c * v` (`v.__rmul__(c)`: `v * Value(c)`).
    fn rmul(&mut self, c: f64, v: Self::V) -> Self::V;
    /// `v * c` (`v * Value(c)`).
    fn mulc(&mut self, v: Self::V, c: f64) -> Self::V;
}

/// The demo's `loss()`: returns (total, scores) given the parameters as
/// values of the engine.
fn loss<E: Engine>(e: &mut E, params: &[E::V], x: &[[f64; 2]], y: &[f64]) -> (E::V, Vec<E::V>) {
    let mut scores = Vec::with_capacity(x.len());
    let mut act: Vec<E::V> = Vec::with_capacity(16);
    let mut out: Vec<E::V> = Vec::with_capacity(16);
    for row in x {
        // inputs = [list(map(Value, xrow)) ...]
        act.clear();
        act.extend(row.iter().map(|&v| e.leaf(v)));
        let mut off = 0;
        for (l, w) in SIZES.windows(2).enumerate() {
            let (nin, nout) = (w[0], w[1]);
            out.clear();
            for j in 0..nout {
                let n = off + j * (nin + 1);
                // sum((wi*xi for wi, xi in zip(self.w, x)), self.b)
                let mut s = params[n + nin];
                for i in 0..nin {
                    let wx = e.mul(params[n + i], act[i]);
                    s = e.add(s, wx);
                }
                out.push(if l + 2 < SIZES.len() { e.relu(s) } else { s });
            }
            off += nout * (nin + 1);
            std::mem::swap(&mut act, &mut out);
        }
        scores.push(act[0]);
    }
    // losses = [(1 + -yi*scorei).relu() ...]
    let losses: Vec<E::V> = scores
        .iter()
        .zip(y)
        .map(|(&s, &yi)| {
            let m = e.rmul(-yi, s);
            let a = e.radd(1.0, m);
            e.relu(a)
        })
        .collect();
    // data_loss = sum(losses) * (1.0 / len(losses)); sum starts from int 0
    let mut sum = e.radd(0.0, losses[0]);
    for &l in &losses[1..] {
        sum = e.add(sum, l);
    }
    let data_loss = e.mulc(sum, 1.0 / losses.len() as f64);
    // reg_loss = alpha * sum((p*p for p in model.parameters()))
    let pp = e.mul(params[0], params[0]);
    let mut reg = e.radd(0.0, pp);
    for &p in &params[1..] {
        let pp = e.mul(p, p);
        reg = e.add(reg, pp);
    }
    let reg_loss = e.rmul(ALPHA, reg);
    (e.add(data_loss, reg_loss), scores)
}

/// The demo's learning rate at step `k`.
fn lr(k: usize) -> f64 {
    1.0 - 0.9 * (k % 100) as f64 / 100.0
}

// ---------------------------------------------------------------------------
// gradviz
// ---------------------------------------------------------------------------

/// gradviz through its public operators.
struct Gv<'g>(&'g Graph);

impl<'g> Engine for Gv<'g> {
    type V = Value<'g>;
    fn leaf(&mut self, x: f64) -> Value<'g> {
        self.0.value(x)
    }
    fn add(&mut self, a: Value<'g>, b: Value<'g>) -> Value<'g> {
        a + b
    }
    fn mul(&mut self, a: Value<'g>, b: Value<'g>) -> Value<'g> {
        a * b
    }
    fn relu(&mut self, a: Value<'g>) -> Value<'g> {
        a.relu()
    }
    fn radd(&mut self, c: f64, v: Value<'g>) -> Value<'g> {
        c + v
    }
    fn rmul(&mut self, c: f64, v: Value<'g>) -> Value<'g> {
        c * v
    }
    fn mulc(&mut self, v: Value<'g>, c: f64) -> Value<'g> {
        v * c
    }
}

/// One rebuild-mode step on gradviz: a fresh graph with the parameters as
/// its first leaves, the loss, zero_grad, backward, SGD. Returns the loss.
fn gradviz_step(params: &mut [f64], x: &[[f64; 2]], y: &[f64], k: usize) -> f64 {
    let g = Graph::new();
    let p: Vec<Value> = params.iter().map(|&v| g.value(v)).collect();
    let (total, _) = loss(&mut Gv(&g), &p, x, y);
    g.zero_grad();
    total.backward();
    let lr = lr(k);
    for (v, h) in params.iter_mut().zip(&p) {
        *v -= lr * h.grad();
    }
    total.data()
}

/// One rebuild-mode step on a graph that keeps the parameters `p` as
/// leaves: the loss, zero_grad, backward, SGD with `set_data`, then every
/// node but the parameters removed. Returns the loss.
fn gradviz_clear_step<'g>(
    g: &'g Graph,
    p: &[Value<'g>],
    keep: &[ValueId],
    x: &[[f64; 2]],
    y: &[f64],
    k: usize,
) -> f64 {
    let (total, _) = loss(&mut Gv(g), p, x, y);
    g.zero_grad();
    total.backward();
    let lr = lr(k);
    for v in p {
        v.set_data(v.data() - lr * v.grad());
    }
    let l = total.data();
    g.clear_except(keep);
    l
}

/// One re-run step on a graph built once (parameters `p` are leaves of it):
/// forward from the leaves, zero_grad, backward, SGD with `set_data`.
/// Returns the loss.
fn gradviz_rerun_step<'g>(g: &'g Graph, p: &[Value<'g>], root: Value<'g>, k: usize) -> f64 {
    let l = g.forward(root.id());
    g.zero_grad();
    root.backward();
    let lr = lr(k);
    for v in p {
        v.set_data(v.data() - lr * v.grad());
    }
    l
}

// ---------------------------------------------------------------------------
// The flat tape (reference)
// ---------------------------------------------------------------------------

const LEAF: u8 = 0;
const ADD: u8 = 1;
const MUL: u8 = 2;
const RELU: u8 = 3;

/// A minimal flat-array tape: node i is `op[i]` of `data[a[i]]`, `data[b[i]]`;
/// recording order is a topological order, so backward is a reverse loop.
#[derive(Default)]
struct Tape {
    op: Vec<u8>,
    a: Vec<u32>,
    b: Vec<u32>,
    data: Vec<f64>,
    grad: Vec<f64>,
}

impl Tape {
    fn clear(&mut self) {
        self.op.clear();
        self.a.clear();
        self.b.clear();
        self.data.clear();
        self.grad.clear();
    }

    fn push(&mut self, op: u8, a: u32, b: u32, data: f64) -> u32 {
        let i = self.data.len() as u32;
        self.op.push(op);
        self.a.push(a);
        self.b.push(b);
        self.data.push(data);
        self.grad.push(0.0);
        i
    }

    fn len(&self) -> usize {
        self.data.len()
    }

    /// Bytes of its buffers: (in use, allocated).
    fn bytes(&self) -> (usize, usize) {
        (
            self.len() * (1 + 4 + 4 + 8 + 8),
            self.op.capacity()
                + (self.a.capacity() + self.b.capacity()) * 4
                + (self.data.capacity() + self.grad.capacity()) * 8,
        )
    }

    /// Recomputes every non-leaf's data in recording order.
    fn forward(&mut self) {
        for i in 0..self.data.len() {
            let (a, b) = (self.a[i] as usize, self.b[i] as usize);
            self.data[i] = match self.op[i] {
                ADD => self.data[a] + self.data[b],
                MUL => self.data[a] * self.data[b],
                RELU => {
                    let v = self.data[a];
                    if v < 0.0 { 0.0 } else { v }
                }
                _ => continue,
            };
        }
    }

    /// zero_grad then backward from `root` (the last recorded node's
    /// ancestors are everything before it in this workload).
    fn backward(&mut self, root: u32) {
        self.grad.fill(0.0);
        self.grad[root as usize] = 1.0;
        for i in (0..=root as usize).rev() {
            let g = self.grad[i];
            let (a, b) = (self.a[i] as usize, self.b[i] as usize);
            match self.op[i] {
                ADD => {
                    self.grad[a] += g;
                    self.grad[b] += g;
                }
                MUL => {
                    self.grad[a] += self.data[b] * g;
                    self.grad[b] += self.data[a] * g;
                }
                RELU if self.data[i] > 0.0 => self.grad[a] += g,
                _ => {}
            }
        }
    }

    /// Nodes reachable from `root` backwards (micrograd's trace).
    fn ancestors(&self, root: u32) -> usize {
        let mut seen = vec![false; self.len()];
        let mut stack = vec![root as usize];
        seen[root as usize] = true;
        let mut n = 0;
        while let Some(i) = stack.pop() {
            n += 1;
            let arity = match self.op[i] {
                ADD | MUL => 2,
                RELU => 1,
                _ => 0,
            };
            for &o in [self.a[i], self.b[i]].iter().take(arity) {
                if !seen[o as usize] {
                    seen[o as usize] = true;
                    stack.push(o as usize);
                }
            }
        }
        n
    }
}

impl Engine for Tape {
    type V = u32;
    fn leaf(&mut self, x: f64) -> u32 {
        self.push(LEAF, 0, 0, x)
    }
    fn add(&mut self, a: u32, b: u32) -> u32 {
        let d = self.data[a as usize] + self.data[b as usize];
        self.push(ADD, a, b, d)
    }
    fn mul(&mut self, a: u32, b: u32) -> u32 {
        let d = self.data[a as usize] * self.data[b as usize];
        self.push(MUL, a, b, d)
    }
    fn relu(&mut self, a: u32) -> u32 {
        let v = self.data[a as usize];
        self.push(RELU, a, 0, if v < 0.0 { 0.0 } else { v })
    }
    fn radd(&mut self, c: f64, v: u32) -> u32 {
        let c = self.leaf(c);
        self.add(v, c)
    }
    fn rmul(&mut self, c: f64, v: u32) -> u32 {
        let c = self.leaf(c);
        self.mul(v, c)
    }
    fn mulc(&mut self, v: u32, c: f64) -> u32 {
        let c = self.leaf(c);
        self.mul(v, c)
    }
}

/// Records the step on `tape` (cleared first) with the parameters as its
/// first leaves; returns the root and the parameters' indices.
fn record(tape: &mut Tape, params: &[f64], x: &[[f64; 2]], y: &[f64]) -> (u32, Vec<u32>) {
    tape.clear();
    let p: Vec<u32> = params.iter().map(|&v| tape.leaf(v)).collect();
    let (total, _) = loss(tape, &p, x, y);
    (total, p)
}

/// One rebuild-mode step on the flat tape. Returns the loss.
fn tape_step(tape: &mut Tape, params: &mut [f64], x: &[[f64; 2]], y: &[f64], k: usize) -> f64 {
    let (root, p) = record(tape, params, x, y);
    tape.backward(root);
    let lr = lr(k);
    for (v, &i) in params.iter_mut().zip(&p) {
        *v -= lr * tape.grad[i as usize];
    }
    tape.data[root as usize]
}

/// One re-run step on a recorded tape whose first `n_params` leaves are the
/// parameters: forward, backward, SGD in place. Returns the loss.
fn rerun_step(tape: &mut Tape, root: u32, n_params: usize, k: usize) -> f64 {
    tape.forward();
    tape.backward(root);
    let lr = lr(k);
    for i in 0..n_params {
        tape.data[i] -= lr * tape.grad[i];
    }
    tape.data[root as usize]
}

// ---------------------------------------------------------------------------
// Adding a step to a StableGraph, for scale
// ---------------------------------------------------------------------------

/// Only the structure: the step's nodes and operand edges added to a bare
/// `StableGraph` (a one-byte weight per node and edge), no numbers, no
/// passes: what a rebuild that adds its nodes to a `StableGraph` anew
/// costs at least.
#[derive(Default)]
struct BareGraph(StableGraph<u8, u8>);

impl Engine for BareGraph {
    type V = NodeIndex;
    fn leaf(&mut self, _: f64) -> NodeIndex {
        self.0.add_node(0)
    }
    fn add(&mut self, a: NodeIndex, b: NodeIndex) -> NodeIndex {
        let n = self.0.add_node(1);
        self.0.add_edge(a, n, 0);
        self.0.add_edge(b, n, 1);
        n
    }
    fn mul(&mut self, a: NodeIndex, b: NodeIndex) -> NodeIndex {
        let n = self.0.add_node(2);
        self.0.add_edge(a, n, 0);
        self.0.add_edge(b, n, 1);
        n
    }
    fn relu(&mut self, a: NodeIndex) -> NodeIndex {
        let n = self.0.add_node(3);
        self.0.add_edge(a, n, 0);
        n
    }
    fn radd(&mut self, c: f64, v: NodeIndex) -> NodeIndex {
        let c = self.leaf(c);
        self.add(v, c)
    }
    fn rmul(&mut self, c: f64, v: NodeIndex) -> NodeIndex {
        let c = self.leaf(c);
        self.mul(v, c)
    }
    fn mulc(&mut self, v: NodeIndex, c: f64) -> NodeIndex {
        let c = self.leaf(c);
        self.mul(v, c)
    }
}

/// Times of the outputs (SPEC §9: each under 100 ms, the script under 1 s).
struct Outputs {
    dot_ms: f64,
    dot_bytes: usize,
    json_ms: f64,
    json_bytes: usize,
    script_ms: f64,
}

/// The best of three runs of `f`, in ms, and its last result.
fn best_of_3<R>(mut f: impl FnMut() -> R) -> (f64, R) {
    let mut best = f64::INFINITY;
    let mut last = None;
    for _ in 0..3 {
        let t = Instant::now();
        let r = black_box(f());
        best = best.min(t.elapsed().as_secs_f64() * 1e3);
        last = Some(r);
    }
    (best, last.expect("three runs"))
}

/// Times DOT and JSON of `root`'s graph, and a 100,000-line script (the
/// one `tests/scale.rs` runs) through `gradviz::script::run`.
fn time_outputs(g: &Graph, root: ValueId) -> Outputs {
    use gradviz::render::{DotOptions, to_dot, to_json};
    let (dot_ms, dot) = best_of_3(|| to_dot(g, root, &DotOptions::default()));
    let (json_ms, json) = best_of_3(|| to_json(g, root));
    let mut script =
        String::from("from micrograd.engine import Value\nx = Value(0.5, label='x')\ny = x\n");
    for i in 0..100_000 {
        script.push_str(if i % 2 == 0 {
            "y = y * 0.999 + x\n"
        } else {
            "y = (y - x) * 1.001; z = y.tanh()\n"
        });
    }
    script.push_str("y.backward()\nprint(f'{x.grad:.6f}')\n");
    let options = gradviz::script::Options::default();
    let (script_ms, run) =
        best_of_3(|| gradviz::script::run(&script, &options, &mut std::io::sink()).is_ok());
    assert!(run, "the 100,000-line script runs");
    Outputs {
        dot_ms,
        dot_bytes: dot.len(),
        json_ms,
        json_bytes: json.len(),
        script_ms,
    }
}

/// Builds the step's structure in `g` (cleared first, capacity kept).
/// Returns the node count, standing in for a loss.
fn bare_step(g: &mut BareGraph, params: &[f64], x: &[[f64; 2]], y: &[f64]) -> f64 {
    g.0.clear();
    let p: Vec<NodeIndex> = params.iter().map(|&v| g.leaf(v)).collect();
    let _ = loss(g, &p, x, y);
    g.0.node_count() as f64
}

// ---------------------------------------------------------------------------
// Measurement
// ---------------------------------------------------------------------------

/// The process's resident set in bytes (Linux), if it can be read.
fn rss_bytes() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: usize = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Per-step times of one mode and its losses.
struct Run {
    times: Vec<Duration>,
    first_loss: f64,
    last_loss: f64,
}

impl Run {
    fn stat(&self, q: f64) -> f64 {
        let mut t: Vec<f64> = self.times.iter().map(|d| d.as_secs_f64() * 1e3).collect();
        t.sort_by(f64::total_cmp);
        t[((t.len() - 1) as f64 * q).round() as usize]
    }
    fn median(&self) -> f64 {
        self.stat(0.5)
    }
}

/// Runs `warmup + steps` steps of `step(k)`, timing the last `steps`.
fn run(warmup: usize, steps: usize, step: impl FnMut(usize) -> f64) -> Run {
    let mut step = step;
    run_interleaved(warmup, steps, &mut [&mut step], |_| {}).remove(0)
}

/// Timed steps in a row per mode in [`run_interleaved`].
const BLOCK: usize = 4;

/// Runs every mode for `warmup` untimed steps, then in rounds: each mode in
/// turn runs one untimed step (to warm the caches again) and [`BLOCK`] timed
/// ones, until it has `steps` timed steps. A change of machine load thus
/// affects all modes alike, while each timed step follows a step of the same
/// mode, as in a training loop. `after(k)` (untimed) runs after each round,
/// `k` being the last step number of the round. Returns one [`Run`] per mode.
fn run_interleaved(
    warmup: usize,
    steps: usize,
    modes: &mut [&mut dyn FnMut(usize) -> f64],
    mut after: impl FnMut(usize),
) -> Vec<Run> {
    let mut runs: Vec<Run> = modes
        .iter()
        .map(|_| Run {
            times: Vec::with_capacity(steps),
            first_loss: f64::NAN,
            last_loss: f64::NAN,
        })
        .collect();
    let mut k = 0;
    let mut round = |untimed: usize, n: usize, k: usize| {
        for (step, r) in modes.iter_mut().zip(runs.iter_mut()) {
            for (i, k) in (k..k + n).enumerate() {
                let t = Instant::now();
                let l = black_box(step(k));
                let dt = t.elapsed();
                if k == 0 {
                    r.first_loss = l;
                }
                r.last_loss = l;
                if i >= untimed {
                    r.times.push(dt);
                }
            }
        }
        after(k + n - 1);
    };
    if warmup > 0 {
        round(warmup, warmup, 0);
        k = warmup;
    }
    let mut timed = 0;
    while timed < steps {
        let untimed = usize::from(k > 0);
        let n = untimed + BLOCK.min(steps - timed);
        round(untimed, n, k);
        timed += n - untimed;
        k += n;
    }
    runs
}

struct Args {
    steps: usize,
    warmup: usize,
    only: Option<String>,
}

fn args() -> Args {
    let mut a = Args {
        steps: 20,
        warmup: 3,
        only: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(s) = it.next() {
        match s.as_str() {
            "--steps" => a.steps = it.next().and_then(|v| v.parse().ok()).expect("--steps N"),
            "--warmup" => a.warmup = it.next().and_then(|v| v.parse().ok()).expect("--warmup N"),
            "--only" => a.only = it.next(),
            _ => {} // `cargo bench` passes `--bench`
        }
    }
    assert!(a.steps > 0, "--steps must be at least 1");
    a
}

fn main() {
    let args = args();
    let mut rng = Rng(1337);
    let (x, y) = make_moons(&mut rng, N_SAMPLES, 0.1);
    let params0 = init_params(&mut rng);
    assert_eq!(params0.len(), EXPECTED_PARAMS);

    if let Some(only) = &args.only {
        // Profiling: one mode, no checks or memory figures.
        let (w, n) = (args.warmup, args.steps);
        let mut params = params0.clone();
        let g = Graph::new();
        let p: Vec<Value> = params0.iter().map(|&v| g.value(v)).collect();
        let keep: Vec<ValueId> = p.iter().map(|v| v.id()).collect();
        let mut tape = Tape::default();
        let r = match only.as_str() {
            "fresh" => run(w, n, |k| gradviz_step(&mut params, &x, &y, k)),
            "clear" => run(w, n, |k| gradviz_clear_step(&g, &p, &keep, &x, &y, k)),
            "gvrerun" => {
                let (root, _) = loss(&mut Gv(&g), &p, &x, &y);
                run(w, n, |k| gradviz_rerun_step(&g, &p, root, k))
            }
            "tape" => run(w, n, |k| tape_step(&mut tape, &mut params, &x, &y, k)),
            "rerun" => {
                let (root, _) = record(&mut tape, &params0, &x, &y);
                run(w, n, |k| rerun_step(&mut tape, root, EXPECTED_PARAMS, k))
            }
            m => panic!("--only fresh|clear|gvrerun|tape|rerun, not {m}"),
        };
        println!("{only}: median {:.3} ms/step", r.median());
        return;
    }

    // Memory and node count first, in a quiet heap: one step's graph.
    let rss0 = rss_bytes();
    let g = Graph::new();
    let p: Vec<Value> = params0.iter().map(|&v| g.value(v)).collect();
    let (total, _) = loss(&mut Gv(&g), &p, &x, &y);
    total.backward(); // derives the schedule, which counts too
    let rss1 = rss_bytes();
    let nodes = g.ancestors(total.id()).len();
    let (gb_used, gb_alloc) = g.bytes();
    // What a graph built once keeps for its re-runs after `shrink_to_fit`
    // (no growth slack), the schedule derived again after it.
    g.shrink_to_fit();
    g.forward(total.id());
    let (_, gb_fit) = g.bytes();
    let edges = g.store().structure().edge_count();
    let graph_len = g.len();
    let outputs = time_outputs(&g, total.id());
    drop(p);
    drop(g);

    let mut tape = Tape::default();
    let (root, _) = record(&mut tape, &params0, &x, &y);
    let tape_nodes = tape.ancestors(root);
    let (tape_used, tape_alloc) = tape.bytes();

    println!(
        "moons step: {} samples, MLP(2,[16,16,1]) {} parameters, {} value nodes \
         (ancestors of total; expected {EXPECTED_NODES}), {} edges; flat tape {} nodes",
        N_SAMPLES,
        params0.len(),
        nodes,
        edges,
        tape_nodes
    );
    assert_eq!(nodes, EXPECTED_NODES, "gradviz loss graph node count");
    assert_eq!(
        graph_len, EXPECTED_NODES,
        "gradviz graph holds only the step"
    );
    assert_eq!(tape_nodes, EXPECTED_NODES, "flat tape node count");

    // Timed runs, all from the same initial parameters.
    let (w, s) = (args.warmup, args.steps);
    println!(
        "{w} warm-up + {s} timed steps per mode, in rounds of 1 untimed + {BLOCK} timed steps \
         per mode; release build; ms/step median (min..max)"
    );

    let mut tp_params = params0.clone();
    let mut tape = Tape::default();
    let mut fresh_params = params0.clone();
    let g1 = Graph::new();
    let p1: Vec<Value> = params0.iter().map(|&v| g1.value(v)).collect();
    let keep: Vec<ValueId> = p1.iter().map(|v| v.id()).collect();
    let mut rr_tape = Tape::default();
    let (rr_root, _) = record(&mut rr_tape, &params0, &x, &y);
    let g2 = Graph::new();
    let p2: Vec<Value> = params0.iter().map(|&v| g2.value(v)).collect();
    let (root2, _) = loss(&mut Gv(&g2), &p2, &x, &y);
    let mut bare = BareGraph::default();

    // One graph: (steps done, nodes, buffer bytes) after the first round and
    // after the last.
    let mut clear_mem = [(0, 0, 0); 2];
    let clear_steps = std::cell::Cell::new(0);
    let mut first_round = true;
    let runs = run_interleaved(
        w,
        s,
        &mut [
            &mut |k| tape_step(&mut tape, &mut tp_params, &x, &y, k),
            &mut |k| gradviz_step(&mut fresh_params, &x, &y, k),
            &mut |k| {
                clear_steps.set(clear_steps.get() + 1);
                gradviz_clear_step(&g1, &p1, &keep, &x, &y, k)
            },
            &mut |k| rerun_step(&mut rr_tape, rr_root, EXPECTED_PARAMS, k),
            &mut |k| gradviz_rerun_step(&g2, &p2, root2, k),
            &mut |_| bare_step(&mut bare, &params0, &x, &y),
        ],
        |_| {
            // Only after the first round: `bytes` settles the step that
            // `clear_except` left pending for reuse, as any look at the graph
            // but `len` does, and the step after it would be built anew.
            if first_round {
                clear_mem[0] = (clear_steps.get(), g1.len(), g1.bytes().1);
                first_round = false;
            }
        },
    );
    clear_mem[1] = (clear_steps.get(), g1.len(), g1.bytes().1);
    let [tp, fresh, clear, rr, gr, bare]: [Run; 6] = runs.try_into().ok().expect("six modes");
    let clear_params: Vec<f64> = p1.iter().map(|v| v.data()).collect();
    let rr_params = rr_tape.data[..EXPECTED_PARAMS].to_vec();
    let gr_params: Vec<f64> = p2.iter().map(|v| v.data()).collect();

    let base = tp.median();
    let line = |name: &str, r: &Run| {
        println!(
            "  {name:<46} {:>8.3} ({:.3}..{:.3}) {:>7.2}x flat tape",
            r.median(),
            r.stat(0.0),
            r.stat(1.0),
            r.median() / base
        );
    };
    line("flat tape, rebuild every step", &tp);
    line("gradviz, rebuild every step, fresh graph", &fresh);
    line("gradviz, rebuild every step, one graph", &clear);
    line("flat tape, recorded once and re-run", &rr);
    line("gradviz, built once and re-run", &gr);
    line("bare StableGraph, structure added anew", &bare);

    let per_node = |b: usize| b as f64 / nodes as f64;
    println!(
        "memory/value node ({:.2} edges/node): gradviz as built {:.1} B allocated, {:.1} B in use \
         (resident-set growth {}); built once for re-runs (shrink_to_fit, schedule included) \
         {:.1} B allocated; flat tape {:.1} B allocated, {:.1} B in use",
        edges as f64 / nodes as f64,
        per_node(gb_alloc),
        per_node(gb_used),
        match (rss0, rss1) {
            (Some(a), Some(b)) => format!("{:.1} B", per_node(b.saturating_sub(a))),
            _ => "n/a".into(),
        },
        per_node(gb_fit),
        per_node(tape_alloc),
        per_node(tape_used),
    );
    println!(
        "  one graph: after step {}: {} nodes, {:.2} MB of graph buffers; after step {}: {} nodes, {:.2} MB ({:.1} B per value node of a step)",
        clear_mem[0].0,
        clear_mem[0].1,
        clear_mem[0].2 as f64 / 1e6,
        clear_mem[1].0,
        clear_mem[1].1,
        clear_mem[1].2 as f64 / 1e6,
        per_node(clear_mem[1].2)
    );

    // Every mode trains the same model: losses and parameters must agree.
    let max_diff = |a: &[f64]| {
        a.iter()
            .zip(&tp_params)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max)
    };
    let modes = [
        ("gradviz fresh", &fresh, max_diff(&fresh_params)),
        ("gradviz one graph", &clear, max_diff(&clear_params)),
        ("tape re-run", &rr, max_diff(&rr_params)),
        ("gradviz re-run", &gr, max_diff(&gr_params)),
    ];
    print!(
        "check vs flat tape (loss step 0 {:.12}, step {} {:.12}): max |Δparam|",
        tp.first_loss,
        clear_mem[1].0 - 1,
        tp.last_loss
    );
    for (name, r, d) in &modes {
        print!(" {name} {d:.1e};");
        assert!(
            (r.first_loss - tp.first_loss).abs() < 1e-12
                && (r.last_loss - tp.last_loss).abs() < 1e-9
                && *d < 1e-9,
            "{name} and the flat tape disagree"
        );
    }
    println!();
    println!(
        "outputs of the step's graph ({nodes} values): DOT {:.1} ms ({:.1} MB), JSON {:.1} ms \
         ({:.1} MB); a 100,000-line script parsed and run: {:.1} ms",
        outputs.dot_ms,
        outputs.dot_bytes as f64 / 1e6,
        outputs.json_ms,
        outputs.json_bytes as f64 / 1e6,
        outputs.script_ms
    );
    println!(
        "RESULT nodes={nodes} flat_rebuild_ms={:.4} gradviz_rebuild_ms={:.4} \
         gradviz_clear_ms={:.4} flat_rerun_ms={:.4} gradviz_rerun_ms={:.4} bare_graph_ms={:.4}",
        tp.median(),
        fresh.median(),
        clear.median(),
        rr.median(),
        gr.median(),
        bare.median()
    );
}
