//! Python's `random` module, bit-identical to CPython 3.11.
//!
//! [`PyRandom`] is a port of `random.Random` from CPython 3.11: the Mersenne
//! Twister core of `Modules/_randommodule.c` (seeding, `random()`,
//! `getrandbits()`) and the pure-Python methods of `Lib/random.py` built on
//! it. Scripts written for micrograd seed the generator and expect the very
//! numbers CPython gives them, so every method draws from the generator in
//! the same order, and does its float arithmetic in the same order, as
//! CPython does. `tests/reference/random/cpython_random.json` (made by
//! `gen_random.py` beside it) holds CPython's numbers, and the tests below
//! check them bit for bit.
//!
//! Python's integers are unbounded; here arguments are `i64` (`i128`/`u128`
//! where CPython's algorithm needs room) and the intermediate arithmetic is
//! widened so that no range an `i64` can describe overflows.
//!
//! Errors are `Err(String)` holding Python's exact message, for the
//! interpreter to raise with the exception type that each method documents.
//!
//! Known differences from CPython 3.11, all outside what a script can
//! reproduce there anyway:
//! - `seed(nan)`: CPython 3.11 hashes a NaN by its object's address, so the
//!   seed differs from run to run; here a NaN hashes to 0 (the
//!   `sys.hash_info.nan` of older Pythons), which keeps it deterministic.
//! - `expovariate(0)`: CPython raises `ZeroDivisionError` after drawing;
//!   here the division gives ±inf or NaN, so the caller checks first.

use std::collections::HashSet;

use rand_mt::Mt;

/// `random.TWOPI`, i.e. `2.0 * math.pi`.
const TWOPI: f64 = std::f64::consts::TAU;

/// `random.NV_MAGICCONST`, i.e. `4 * exp(-0.5) / sqrt(2.0)`, spelled as
/// CPython's repr so that it does not depend on this platform's `exp`.
const NV_MAGICCONST: f64 = 1.7155277699214135;

/// CPython's modulus for hashing numbers: `sys.hash_info.modulus`.
const HASH_MODULUS: u64 = (1 << 61) - 1;

/// `sys.hash_info.inf`: the hash of `inf` (and, negated, of `-inf`).
const HASH_INF: i64 = 314_159;

/// A `random.Random` instance: CPython's Mersenne Twister plus the
/// `gauss_next` value that `gauss()` caches between calls.
#[derive(Clone, Debug)]
pub struct PyRandom {
    mt: Mt,
    gauss_next: Option<f64>,
}

impl PyRandom {
    /// A generator seeded as by `random.seed(seed)`.
    ///
    /// ```
    /// use gradviz::script::modules::random::PyRandom;
    ///
    /// let mut rng = PyRandom::new(1337);
    /// assert_eq!(rng.random(), 0.6177528569514706);
    /// ```
    pub fn new(seed: i64) -> Self {
        Self {
            mt: seed_mt(u128::from(seed.unsigned_abs())),
            gauss_next: None,
        }
    }

    /// `random.seed(n)` for an int: CPython seeds with `abs(n)`, so `n` and
    /// `-n` give the same stream. Any `i128` works, as any int does in
    /// CPython. Also forgets a value cached by [`PyRandom::gauss`].
    ///
    /// ```
    /// use gradviz::script::modules::random::PyRandom;
    ///
    /// let mut rng = PyRandom::new(0);
    /// rng.seed_int((1 << 64) + 3);
    /// assert_eq!(rng.random(), 0.9129684455472157);
    /// rng.seed_int(-1337);
    /// assert_eq!(rng.random(), 0.6177528569514706);
    /// ```
    pub fn seed_int(&mut self, n: i128) {
        self.mt = seed_mt(n.unsigned_abs());
        self.gauss_next = None;
    }

    /// `random.seed(x)` for a float. CPython 3.11 seeds with `hash(x)`,
    /// reinterpreted as an unsigned 64-bit number (so a negative hash is not
    /// the same seed as its absolute value). Also forgets a value cached by
    /// [`PyRandom::gauss`].
    ///
    /// A NaN seeds as hash 0: CPython 3.11 hashes NaNs by object identity,
    /// which no fixed seed can reproduce.
    ///
    /// ```
    /// use gradviz::script::modules::random::PyRandom;
    ///
    /// let mut rng = PyRandom::new(0);
    /// rng.seed_float(1.5);
    /// assert_eq!(rng.random(), 0.551763726942059);
    /// ```
    pub fn seed_float(&mut self, x: f64) {
        // `(size_t)hash` in random_seed(): two's-complement reinterpretation.
        self.mt = seed_mt(u128::from(float_hash(x) as u64));
        self.gauss_next = None;
    }

    /// `random.random()`: a float in `[0.0, 1.0)` with 53 random bits.
    ///
    /// ```
    /// use gradviz::script::modules::random::PyRandom;
    ///
    /// let mut rng = PyRandom::new(1337);
    /// assert_eq!(rng.random(), 0.6177528569514706);
    /// assert_eq!(rng.random(), 0.5332655736050008);
    /// ```
    pub fn random(&mut self) -> f64 {
        // genrand_res53(): 27 bits from one word and 26 from the next.
        let a = self.mt.next_u32() >> 5;
        let b = self.mt.next_u32() >> 6;
        (f64::from(a) * 67_108_864.0 + f64::from(b)) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// `random.getrandbits(k)`: an integer of `k` random bits, `k <= 128`.
    /// `getrandbits(0)` is 0 and draws nothing.
    ///
    /// # Panics
    ///
    /// If `k > 128`, which does not fit the result.
    ///
    /// ```
    /// use gradviz::script::modules::random::PyRandom;
    ///
    /// let mut rng = PyRandom::new(1337);
    /// assert_eq!(rng.getrandbits(8), 158);
    /// assert_eq!(rng.getrandbits(100), 452383299201720482958557569915);
    /// ```
    pub fn getrandbits(&mut self, k: u32) -> u128 {
        assert!(k <= 128, "getrandbits({k}) does not fit in a u128");
        // CPython fills 32-bit words from the least significant up; the last,
        // partial word keeps the *top* bits of its draw.
        let mut result = 0u128;
        let mut shift = 0;
        while shift < k {
            let left = k - shift;
            let mut word = self.mt.next_u32();
            if left < 32 {
                word >>= 32 - left;
            }
            result |= u128::from(word) << shift;
            shift += 32;
        }
        result
    }

    /// `Random._randbelow(n)` (`_randbelow_with_getrandbits`): a uniform
    /// integer in `[0, n)`, by drawing `n.bit_length()` bits until the draw
    /// is below `n`. Every integer method below draws through this.
    ///
    /// # Panics
    ///
    /// If `n == 0`, where CPython loops forever.
    ///
    /// ```
    /// use gradviz::script::modules::random::PyRandom;
    ///
    /// assert_eq!(PyRandom::new(1337).randbelow(10), 9);
    /// ```
    pub fn randbelow(&mut self, n: u128) -> u128 {
        assert!(n > 0, "randbelow(0): the range is empty");
        let k = u128::BITS - n.leading_zeros();
        loop {
            let r = self.getrandbits(k);
            if r < n {
                return r;
            }
        }
    }

    /// `random.randrange(start)` when `stop` is `None`, else
    /// `random.randrange(start, stop, step)` (pass `step = 1` for the
    /// two-argument form).
    ///
    /// Errors, all `ValueError` in Python except the `TypeError` "Missing a
    /// non-None stop argument" (a `step` other than 1 without `stop`):
    /// "empty range for randrange()", "empty range for randrange() (start,
    /// stop, width)" with `step == 1`, and "zero step for randrange()".
    ///
    /// ```
    /// use gradviz::script::modules::random::PyRandom;
    ///
    /// let mut rng = PyRandom::new(1337);
    /// assert_eq!(rng.randrange(0, Some(100), 7), Ok(63));
    /// assert_eq!(rng.randrange(0, Some(100), 7), Ok(98));
    /// assert_eq!(
    ///     rng.randrange(5, Some(5), 1),
    ///     Err("empty range for randrange() (5, 5, 0)".to_string())
    /// );
    /// ```
    pub fn randrange(&mut self, start: i64, stop: Option<i64>, step: i64) -> Result<i64, String> {
        let Some(stop) = stop else {
            if step != 1 {
                return Err("Missing a non-None stop argument".to_string());
            }
            if start > 0 {
                return Ok(narrow(self.randbelow(u128::from(start.unsigned_abs()))));
            }
            return Err("empty range for randrange()".to_string());
        };
        self.randrange_wide(i128::from(start), i128::from(stop), i128::from(step))
            .map(narrow)
    }

    /// `random.randint(a, b)`: an integer in `[a, b]`, both ends included.
    /// Like CPython it is `randrange(a, b + 1)`, and so is its `ValueError`
    /// for `a > b`: "empty range for randrange() (a, b+1, b+1-a)".
    ///
    /// ```
    /// use gradviz::script::modules::random::PyRandom;
    ///
    /// let mut rng = PyRandom::new(1337);
    /// let rolls: Vec<i64> = (0..5).map(|_| rng.randint(1, 6).unwrap()).collect();
    /// assert_eq!(rolls, [5, 5, 6, 3, 5]);
    /// ```
    pub fn randint(&mut self, a: i64, b: i64) -> Result<i64, String> {
        // In i128, `b + 1` cannot overflow for b == i64::MAX.
        self.randrange_wide(i128::from(a), i128::from(b) + 1, 1)
            .map(narrow)
    }

    /// `random.uniform(a, b)`: `a + (b - a) * random()`, in `[a, b]` (or
    /// `[b, a]`), which end being reachable depending on rounding.
    ///
    /// ```
    /// use gradviz::script::modules::random::PyRandom;
    ///
    /// let mut rng = PyRandom::new(1337);
    /// assert_eq!(rng.uniform(-1.0, 1.0), 0.23550571390294128);
    /// assert_eq!(rng.uniform(-1.0, 1.0), 0.06653114721000164);
    /// ```
    pub fn uniform(&mut self, a: f64, b: f64) -> f64 {
        a + (b - a) * self.random()
    }

    /// The index that `random.choice(seq)` picks for a sequence of length
    /// `len`: the interpreter returns `seq[index]`. An empty sequence is
    /// Python's `IndexError` "Cannot choose from an empty sequence".
    ///
    /// ```
    /// use gradviz::script::modules::random::PyRandom;
    ///
    /// let seq = ["a", "b", "c", "d", "e"];
    /// let mut rng = PyRandom::new(1337);
    /// assert_eq!(seq[rng.choice_index(seq.len()).unwrap()], "e");
    /// assert!(rng.choice_index(0).is_err());
    /// ```
    pub fn choice_index(&mut self, len: usize) -> Result<usize, String> {
        if len == 0 {
            return Err("Cannot choose from an empty sequence".to_string());
        }
        Ok(self.below_len(len))
    }

    /// `random.shuffle(x)`, in place: CPython's Fisher-Yates, which walks
    /// from the end and swaps `x[i]` with `x[randbelow(i + 1)]`.
    ///
    /// ```
    /// use gradviz::script::modules::random::PyRandom;
    ///
    /// let mut x = [0, 1, 2, 3, 4, 5];
    /// PyRandom::new(1337).shuffle(&mut x);
    /// assert_eq!(x, [1, 0, 3, 2, 5, 4]);
    /// ```
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below_len(i + 1);
            v.swap(i, j);
        }
    }

    /// The indices, in selection order, that `random.sample(population, k)`
    /// picks from a population of length `n`: the sample is
    /// `[population[i] for i in indices]`. `k > n` is Python's `ValueError`
    /// "Sample larger than population or is negative".
    ///
    /// CPython either draws from a shrinking pool (a list of the `n`
    /// candidates) or redraws indices until it finds one not yet selected
    /// (a set), by comparing the memory each would take; both branches, and
    /// the choice between them, are reproduced.
    ///
    /// ```
    /// use gradviz::script::modules::random::PyRandom;
    ///
    /// let mut rng = PyRandom::new(1337);
    /// assert_eq!(rng.sample_indices(10, 3), Ok(vec![9, 8, 5]));
    /// assert_eq!(rng.sample_indices(1000, 3), Ok(vec![584, 599, 749]));
    /// ```
    pub fn sample_indices(&mut self, n: usize, k: usize) -> Result<Vec<usize>, String> {
        if k > n {
            return Err("Sample larger than population or is negative".to_string());
        }
        // "size of a small set minus size of an empty list", then the hash
        // table size of a k-element set; `math.log(k * 3, 4)` is computed as
        // log(x) / log(4) by CPython, and is here, so the cut-off is the same.
        let mut setsize: u128 = 21;
        if k > 5 {
            let triple = (k as u128 * 3) as f64;
            let exponent = (triple.ln() / 4.0f64.ln()).ceil() as u32;
            setsize += 4u128.pow(exponent);
        }
        let mut result = Vec::with_capacity(k);
        if n as u128 <= setsize {
            // Invariant: the candidates not yet selected are pool[..n - i].
            let mut pool: Vec<usize> = (0..n).collect();
            for i in 0..k {
                let j = self.below_len(n - i);
                result.push(pool[j]);
                pool[j] = pool[n - i - 1];
            }
        } else {
            let mut selected = HashSet::with_capacity(k);
            for _ in 0..k {
                let mut j = self.below_len(n);
                while !selected.insert(j) {
                    j = self.below_len(n);
                }
                result.push(j);
            }
        }
        Ok(result)
    }

    /// The indices that `random.choices(population, k=k)` picks, without
    /// weights, from a population of length `n`: `floor(random() * n)` each.
    ///
    /// CPython 3.11 does not check for an empty population: it draws one
    /// `random()`, then indexing fails with an `IndexError` (whose text
    /// depends on the sequence's type; for a list, "list index out of
    /// range", which is the message returned here, after that draw).
    ///
    /// ```
    /// use gradviz::script::modules::random::PyRandom;
    ///
    /// let mut rng = PyRandom::new(1337);
    /// assert_eq!(rng.choices_indices(10, 4), Ok(vec![6, 5, 3, 5]));
    /// ```
    pub fn choices_indices(&mut self, n: usize, k: usize) -> Result<Vec<usize>, String> {
        if n == 0 && k > 0 {
            self.random();
            return Err("list index out of range".to_string());
        }
        // `n += 0.0` in random.py: the product is taken in floats. For any
        // n below 2**53 it stays below n, so the index is in range.
        let len = n as f64;
        Ok((0..k)
            .map(|_| (self.random() * len).floor() as usize)
            .collect())
    }

    /// `random.gauss(mu, sigma)`: Box-Muller, which makes two normal
    /// deviates at a time and caches the second for the next call (a cache
    /// that seeding clears, and that [`PyRandom::normalvariate`] ignores).
    ///
    /// ```
    /// use gradviz::script::modules::random::PyRandom;
    ///
    /// let mut rng = PyRandom::new(1337);
    /// assert_eq!(rng.gauss(0.0, 1.0), -0.9117532932976627);
    /// assert_eq!(rng.gauss(0.0, 1.0), -0.8322834003509737);
    /// ```
    pub fn gauss(&mut self, mu: f64, sigma: f64) -> f64 {
        let z = match self.gauss_next.take() {
            Some(z) => z,
            None => {
                let x2pi = self.random() * TWOPI;
                // 1 - random() is in (0, 1], so the log is finite.
                let g2rad = (-2.0 * (1.0 - self.random()).ln()).sqrt();
                self.gauss_next = Some(x2pi.sin() * g2rad);
                x2pi.cos() * g2rad
            }
        };
        mu + z * sigma
    }

    /// `random.normalvariate(mu, sigma)`: Kinderman and Monahan's
    /// ratio-of-uniforms method, drawing pairs until one is accepted.
    ///
    /// ```
    /// use gradviz::script::modules::random::PyRandom;
    ///
    /// let mut rng = PyRandom::new(1337);
    /// assert_eq!(rng.normalvariate(0.0, 1.0), 0.43281207612671624);
    /// ```
    pub fn normalvariate(&mut self, mu: f64, sigma: f64) -> f64 {
        loop {
            let u1 = self.random();
            let u2 = 1.0 - self.random();
            let z = NV_MAGICCONST * (u1 - 0.5) / u2;
            let zz = z * z / 4.0;
            if zz <= -u2.ln() {
                return mu + z * sigma;
            }
        }
    }

    /// `random.expovariate(lambd)`: an exponential deviate with rate
    /// `lambd` (mean `1 / lambd`), negative for a negative `lambd`.
    ///
    /// CPython raises `ZeroDivisionError` ("float division by zero") for
    /// `lambd == 0`, after drawing; this returns the IEEE quotient (±inf or
    /// NaN) instead, so the interpreter must check `lambd` first.
    ///
    /// ```
    /// use gradviz::script::modules::random::PyRandom;
    ///
    /// assert_eq!(PyRandom::new(1337).expovariate(1.5), 0.6411252721600404);
    /// ```
    pub fn expovariate(&mut self, lambd: f64) -> f64 {
        // 1 - random() rather than random(): never the log of zero.
        -(1.0 - self.random()).ln() / lambd
    }

    /// `random.triangular(low, high, mode)`: the triangular distribution on
    /// `[low, high]` peaking at `mode` (the midpoint when `None`).
    ///
    /// As in CPython, `low == high` with a `mode` given (a
    /// `ZeroDivisionError` there, caught) returns `low`, after drawing.
    ///
    /// ```
    /// use gradviz::script::modules::random::PyRandom;
    ///
    /// let mut rng = PyRandom::new(1337);
    /// assert_eq!(rng.triangular(0.0, 1.0, None), 0.5628231804815531);
    /// assert_eq!(rng.triangular(0.0, 10.0, Some(7.0)), 6.109712771673481);
    /// ```
    pub fn triangular(&mut self, low: f64, high: f64, mode: Option<f64>) -> f64 {
        let mut u = self.random();
        let mut c = match mode {
            None => 0.5,
            Some(mode) => {
                // Python's float division raises on any zero divisor, -0.0 too.
                if high - low == 0.0 {
                    return low;
                }
                (mode - low) / (high - low)
            }
        };
        let (mut low, mut high) = (low, high);
        if u > c {
            u = 1.0 - u;
            c = 1.0 - c;
            std::mem::swap(&mut low, &mut high);
        }
        low + (high - low) * (u * c).sqrt()
    }

    /// `randbelow` for a length: the result is below `len`, so it fits.
    fn below_len(&mut self, len: usize) -> usize {
        let r = self.randbelow(len as u128);
        usize::try_from(r).expect("randbelow(len) < len fits in usize")
    }

    /// random.py's `randrange(start, stop, step)` once `stop` is known, on
    /// integers wide enough that no `i64` range overflows its arithmetic.
    fn randrange_wide(&mut self, start: i128, stop: i128, step: i128) -> Result<i128, String> {
        let width = stop - start;
        if step == 1 {
            if width > 0 {
                return Ok(start + self.randbelow(width.unsigned_abs()) as i128);
            }
            return Err(format!(
                "empty range for randrange() ({start}, {stop}, {width})"
            ));
        }
        // The length of range(start, stop, step), by Python's floor division.
        let n = match step.signum() {
            1 => floor_div(width + step - 1, step),
            -1 => floor_div(width + step + 1, step),
            _ => return Err("zero step for randrange()".to_string()),
        };
        if n <= 0 {
            return Err("empty range for randrange()".to_string());
        }
        // n < 2**65, so both the draw and the product fit in an i128.
        Ok(start + step * self.randbelow(n.unsigned_abs()) as i128)
    }
}

/// A Mersenne Twister seeded as CPython's `random_seed()` seeds it from a
/// non-negative int: `init_by_array` on the int's 32-bit words, least
/// significant first, as many as its bit length needs (one for zero).
fn seed_mt(n: u128) -> Mt {
    let words = [
        n as u32,
        (n >> 32) as u32,
        (n >> 64) as u32,
        (n >> 96) as u32,
    ];
    let bits = u128::BITS - n.leading_zeros();
    let used = bits.div_ceil(32).max(1) as usize;
    Mt::new_with_key(words[..used].iter().copied())
}

/// `hash(x)` for a float, as CPython computes it: `x` as an exact fraction
/// reduced modulo the prime 2**61 - 1, with the sign of `x`, -1 mapped to
/// -2 and ±inf to ±314159. NaN hashes to 0 (CPython 3.11 uses the object's
/// address instead).
fn float_hash(x: f64) -> i64 {
    if x.is_nan() {
        return 0;
    }
    if x.is_infinite() {
        return if x > 0.0 { HASH_INF } else { -HASH_INF };
    }
    // x = ±mantissa * 2**exponent exactly, for subnormals too.
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    let (mantissa, exponent) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), biased - 1075)
    };
    // 2**61 is 1 modulo 2**61 - 1, so only the exponent modulo 61 matters,
    // a negative one included. mantissa < 2**53 is already reduced.
    let shift = exponent.rem_euclid(61) as u32;
    let reduced = (u128::from(mantissa) << shift) % u128::from(HASH_MODULUS);
    let magnitude = reduced as i64;
    let hash = if x < 0.0 { -magnitude } else { magnitude };
    // -1 is CPython's error return for hash functions.
    if hash == -1 { -2 } else { hash }
}

/// Python's `a // b` (floor division) for `b != 0`.
fn floor_div(a: i128, b: i128) -> i128 {
    let q = a / b;
    if a % b != 0 && (a < 0) != (b < 0) {
        q - 1
    } else {
        q
    }
}

/// An element of an `i64` range, back in an `i64`.
fn narrow<T>(value: T) -> i64
where
    i64: TryFrom<T>,
{
    i64::try_from(value)
        .ok()
        .expect("a randrange() result lies within its i64 bounds")
}

#[cfg(test)]
mod tests {
    //! Replays `tests/reference/random/cpython_random.json`, CPython 3.11's
    //! own numbers, and compares every one bit for bit.

    use super::*;
    use serde_json::Value;

    const FIXTURE: &str = include_str!("../../../tests/reference/random/cpython_random.json");

    fn fixture() -> Value {
        serde_json::from_str(FIXTURE).expect("the fixture is valid JSON")
    }

    /// A float, stored as its repr: `str::parse` rounds correctly, so this
    /// is CPython's float exactly.
    fn float(v: &Value) -> f64 {
        let s = v
            .as_str()
            .unwrap_or_else(|| panic!("float as a repr string: {v}"));
        match s {
            "inf" => f64::INFINITY,
            "-inf" => f64::NEG_INFINITY,
            _ => s.parse().unwrap_or_else(|e| panic!("float {s:?}: {e}")),
        }
    }

    fn opt_float(v: &Value) -> Option<f64> {
        (!v.is_null()).then(|| float(v))
    }

    /// An integer stored as a decimal string (it may not fit in an i64).
    fn big(v: &Value) -> i128 {
        let s = v.as_str().unwrap_or_else(|| panic!("int as a string: {v}"));
        s.parse().unwrap_or_else(|e| panic!("int {s:?}: {e}"))
    }

    fn ubig(v: &Value) -> u128 {
        let s = v.as_str().unwrap_or_else(|| panic!("int as a string: {v}"));
        s.parse().unwrap_or_else(|e| panic!("int {s:?}: {e}"))
    }

    fn int(v: &Value) -> i64 {
        v.as_i64().unwrap_or_else(|| panic!("i64: {v}"))
    }

    fn uint(v: &Value) -> usize {
        let n = v.as_u64().unwrap_or_else(|| panic!("u64: {v}"));
        usize::try_from(n).expect("fits in usize")
    }

    fn ints(v: &Value) -> Vec<i64> {
        v.as_array().expect("a list").iter().map(int).collect()
    }

    fn strings(v: &Value) -> Vec<String> {
        let list = v.as_array().expect("a list");
        list.iter()
            .map(|s| s.as_str().expect("a string").to_string())
            .collect()
    }

    fn seeded(seed: &Value) -> PyRandom {
        let mut rng = PyRandom::new(0);
        match seed["kind"].as_str() {
            Some("int") => rng.seed_int(big(&seed["value"])),
            Some("float") => rng.seed_float(float(&seed["value"])),
            other => panic!("seed kind {other:?}"),
        }
        rng
    }

    #[track_caller]
    fn assert_same_float(got: f64, want: f64, context: &str) {
        assert_eq!(
            got.to_bits(),
            want.to_bits(),
            "{context}: got {got:?}, CPython gives {want:?}"
        );
    }

    /// Runs one recorded call on `rng` and asserts that it gives what
    /// CPython gave, `step["result"]`.
    fn replay(rng: &mut PyRandom, step: &Value, context: &str) {
        let args = step["args"].as_array().expect("args");
        let want = &step["result"];
        let same_float = |got: f64| assert_same_float(got, float(want), context);
        match step["op"].as_str().expect("op") {
            "random" => same_float(rng.random()),
            "uniform" => same_float(rng.uniform(float(&args[0]), float(&args[1]))),
            "gauss" => same_float(rng.gauss(float(&args[0]), float(&args[1]))),
            "normalvariate" => same_float(rng.normalvariate(float(&args[0]), float(&args[1]))),
            "expovariate" => same_float(rng.expovariate(float(&args[0]))),
            "triangular" => {
                same_float(rng.triangular(float(&args[0]), float(&args[1]), opt_float(&args[2])))
            }
            "randint" => {
                let got = rng.randint(int(&args[0]), int(&args[1]));
                assert_eq!(got, Ok(int(want)), "{context}");
            }
            "randrange" => {
                let stop = (!args[1].is_null()).then(|| int(&args[1]));
                let got = rng.randrange(int(&args[0]), stop, int(&args[2]));
                assert_eq!(got, Ok(int(want)), "{context}");
            }
            "getrandbits" => {
                let k = u32::try_from(uint(&args[0])).expect("k fits in u32");
                assert_eq!(rng.getrandbits(k), ubig(want), "{context}");
            }
            "randbelow" => assert_eq!(rng.randbelow(ubig(&args[0])), ubig(want), "{context}"),
            "choice" => {
                let seq = strings(&args[0]);
                let index = rng.choice_index(seq.len()).expect(context);
                assert_eq!(seq[index], want.as_str().expect("a string"), "{context}");
            }
            "shuffle" => {
                let mut x = ints(&args[0]);
                rng.shuffle(&mut x);
                assert_eq!(x, ints(want), "{context}");
            }
            "sample" => {
                let got = rng.sample_indices(uint(&args[0]), uint(&args[1]));
                let want: Vec<usize> = want.as_array().expect("a list").iter().map(uint).collect();
                assert_eq!(got, Ok(want), "{context}");
            }
            "choices" => {
                let got = rng.choices_indices(uint(&args[0]), uint(&args[1]));
                let want: Vec<usize> = want.as_array().expect("a list").iter().map(uint).collect();
                assert_eq!(got, Ok(want), "{context}");
            }
            "seed_int" => rng.seed_int(big(&args[0])),
            "seed_float" => rng.seed_float(float(&args[0])),
            other => panic!("{context}: unknown op {other:?}"),
        }
    }

    #[test]
    fn fixture_is_from_cpython_3_11() {
        let doc = fixture();
        let version = doc["python"].as_str().expect("python version");
        assert!(
            version.starts_with("3.11."),
            "fixture made by Python {version}"
        );
    }

    #[test]
    fn every_recorded_call_matches_cpython_bit_for_bit() {
        let doc = fixture();
        let runs = doc["runs"].as_array().expect("runs");
        assert_eq!(runs.len(), 12, "8 int seeds and 4 float seeds");
        let mut checked = 0;
        for run in runs {
            let seed = &run["seed"];
            let mut rng = seeded(seed);
            for (i, step) in run["steps"].as_array().expect("steps").iter().enumerate() {
                let context = format!(
                    "seed {} ({}), step {i}: {}",
                    seed["value"],
                    seed["kind"],
                    step["label"].as_str().unwrap_or("?")
                );
                replay(&mut rng, step, &context);
                checked += 1;
            }
        }
        assert!(checked > 2000, "only {checked} steps replayed");
    }

    #[test]
    fn seed_edge_cases_match_cpython() {
        for probe in fixture()["seed_probes"].as_array().expect("seed_probes") {
            let seed = &probe["seed"];
            let context = format!("seed {} ({})", seed["value"], seed["kind"]);
            let mut rng = seeded(seed);
            for want in probe["random"].as_array().expect("random") {
                assert_same_float(rng.random(), float(want), &context);
            }
            assert_eq!(
                rng.getrandbits(128),
                ubig(&probe["getrandbits_128"]),
                "{context}"
            );
            for want in probe["gauss"].as_array().expect("gauss") {
                assert_same_float(rng.gauss(0.0, 1.0), float(want), &context);
            }
        }
    }

    #[test]
    fn error_messages_and_their_draws_match_cpython() {
        for case in fixture()["errors"].as_array().expect("errors") {
            let label = case["label"].as_str().expect("label");
            let args = case["args"].as_array().expect("args");
            let mut rng = PyRandom::new(1337);
            let message = match case["op"].as_str().expect("op") {
                "randrange" => {
                    let stop = (!args[1].is_null()).then(|| int(&args[1]));
                    rng.randrange(int(&args[0]), stop, int(&args[2]))
                        .unwrap_err()
                }
                "randint" => rng.randint(int(&args[0]), int(&args[1])).unwrap_err(),
                "choice" => {
                    let len = args[0].as_array().expect("a list").len();
                    rng.choice_index(len).unwrap_err()
                }
                "sample" => rng
                    .sample_indices(uint(&args[0]), uint(&args[1]))
                    .unwrap_err(),
                "choices" => rng
                    .choices_indices(uint(&args[0]), uint(&args[1]))
                    .unwrap_err(),
                other => panic!("{label}: unknown op {other:?}"),
            };
            assert_eq!(
                message,
                case["message"].as_str().expect("message"),
                "{label}"
            );
            // Whether the failed call drew from the generator, as CPython's does.
            assert_same_float(rng.random(), float(&case["next_random"]), label);
        }
    }

    #[test]
    fn the_fixture_records_the_expected_error_texts() {
        // Spelled out as well, so that the interpreter's authors can grep.
        let errors = fixture()["errors"].clone();
        let text = |label: &str| {
            let case = errors
                .as_array()
                .expect("errors")
                .iter()
                .find(|c| c["label"] == label)
                .unwrap_or_else(|| panic!("{label} not in the fixture"));
            (
                case["type"].as_str().expect("type").to_string(),
                case["message"].as_str().expect("message").to_string(),
            )
        };
        let expect = |t: &str, m: &str| (t.to_string(), m.to_string());
        assert_eq!(
            text("randrange(5, 5)"),
            expect("ValueError", "empty range for randrange() (5, 5, 0)")
        );
        assert_eq!(
            text("randrange(0)"),
            expect("ValueError", "empty range for randrange()")
        );
        assert_eq!(
            text("randint(3, 1)"),
            expect("ValueError", "empty range for randrange() (3, 2, -1)")
        );
        assert_eq!(
            text("choice([])"),
            expect("IndexError", "Cannot choose from an empty sequence")
        );
        assert_eq!(
            text("sample(range(3), 5)"),
            expect("ValueError", "Sample larger than population or is negative")
        );
        assert_eq!(
            text("randrange(0, 10, 0)"),
            expect("ValueError", "zero step for randrange()")
        );
        assert_eq!(
            text("randrange(10, step=2)"),
            expect("TypeError", "Missing a non-None stop argument")
        );
    }

    #[test]
    fn float_hash_matches_cpython() {
        for case in fixture()["float_hashes"].as_array().expect("float_hashes") {
            let x = float(&case["x"]);
            let want = case["hash"].as_i64().expect("hash fits in i64");
            assert_eq!(float_hash(x), want, "hash({x:?})");
        }
    }

    #[test]
    fn constants_match_cpython() {
        let doc = fixture();
        let constants = &doc["constants"];
        assert_same_float(TWOPI, float(&constants["TWOPI"]), "TWOPI");
        assert_same_float(
            NV_MAGICCONST,
            float(&constants["NV_MAGICCONST"]),
            "NV_MAGICCONST",
        );
        // And this platform's libm agrees on how CPython derives it.
        assert_same_float(
            4.0 * (-0.5f64).exp() / 2.0f64.sqrt(),
            NV_MAGICCONST,
            "4 * exp(-0.5) / sqrt(2.0)",
        );
    }

    #[test]
    fn seeding_clears_the_cached_gauss() {
        let mut fresh = PyRandom::new(42);
        let first = fresh.gauss(0.0, 1.0);
        let mut rng = PyRandom::new(42);
        rng.gauss(0.0, 1.0);
        rng.seed_int(42);
        assert_same_float(rng.gauss(0.0, 1.0), first, "gauss after reseeding");
        rng.gauss(0.0, 1.0);
        rng.seed_float(42.0);
        assert_same_float(rng.gauss(0.0, 1.0), first, "seed(42.0) is seed(42)");
    }

    #[test]
    fn nan_seeds_deterministically_as_hash_zero() {
        let mut nan = PyRandom::new(5);
        nan.seed_float(f64::NAN);
        assert_same_float(nan.random(), PyRandom::new(0).random(), "seed(nan)");
    }

    #[test]
    fn floor_div_is_pythons() {
        for (a, b, q) in [
            (7, 2, 3),
            (-7, 2, -4),
            (7, -2, -4),
            (-7, -2, 3),
            (6, -3, -2),
            (0, -5, 0),
        ] {
            assert_eq!(floor_div(a, b), q, "{a} // {b}");
        }
    }

    #[test]
    #[should_panic(expected = "randbelow(0)")]
    fn randbelow_zero_panics_rather_than_looping() {
        PyRandom::new(1).randbelow(0);
    }
}
