//! Data sets: the lecture's four samples, scikit-learn's `make_moons`
//! formula with a seed, and a user's own 2-D points from CSV.

use crate::nn::Rng;

/// Labelled samples: inputs and targets (−1 or +1 for classification).
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    /// One input vector per sample.
    pub xs: Vec<Vec<f64>>,
    /// One target per sample.
    pub ys: Vec<f64>,
}

/// The lecture's data set: `xs = [[2,3,-1],[3,-1,0.5],[0.5,1,1],[1,1,-1]]`,
/// `ys = [1,-1,-1,1]`.
pub fn lecture() -> Dataset {
    Dataset {
        xs: vec![
            vec![2.0, 3.0, -1.0],
            vec![3.0, -1.0, 0.5],
            vec![0.5, 1.0, 1.0],
            vec![1.0, 1.0, -1.0],
        ],
        ys: vec![1.0, -1.0, -1.0, 1.0],
    }
}

/// scikit-learn's `make_moons(n, noise)`: an outer half circle (label −1)
/// and an inner one shifted by (1, −0.5) (label +1), shuffled, with Gaussian
/// noise; labels mapped to ±1 as micrograd's demo does (`y*2 - 1`).
///
/// ```
/// let d = gradviz::train::data::moons(100, 0.1, 1337);
/// assert_eq!((d.xs.len(), d.ys.iter().filter(|y| **y > 0.0).count()), (100, 50));
/// ```
pub fn moons(n: usize, noise: f64, seed: u64) -> Dataset {
    let n_out = n / 2;
    let n_in = n - n_out;
    let linspace = |k: usize, i: usize| {
        if k <= 1 {
            0.0
        } else {
            std::f64::consts::PI * i as f64 / (k - 1) as f64
        }
    };
    let mut points: Vec<(f64, f64, f64)> = Vec::with_capacity(n);
    for i in 0..n_out {
        let t = linspace(n_out, i);
        points.push((t.cos(), t.sin(), -1.0));
    }
    for i in 0..n_in {
        let t = linspace(n_in, i);
        points.push((1.0 - t.cos(), 1.0 - t.sin() - 0.5, 1.0));
    }
    let mut rng = Rng::new(seed);
    let order = rng.permutation(n);
    let mut xs = Vec::with_capacity(n);
    let mut ys = Vec::with_capacity(n);
    for i in order {
        let (x, y, label) = points[i];
        xs.push(vec![x + noise * rng.normal(), y + noise * rng.normal()]);
        ys.push(label);
    }
    Dataset { xs, ys }
}

/// An error in a CSV row.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct CsvError {
    /// The 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// The most rows [`from_csv`] takes: every step of training builds a graph
/// of about 650 values per row (MLP(2, [16, 16, 1])), so 10,000 rows are
/// already a graph of 6.5 million values, about half a gigabyte.
pub const MAX_ROWS: usize = 10_000;

/// 2-D points from CSV text: `x,y,label` per line, an optional header line,
/// `#` comments and blank lines skipped; labels `0`/`1` or `-1`/`1`.
///
/// ```
/// let d = gradviz::train::data::from_csv("x,y,label\n0.1,0.2,1\n-0.5,0.3,0\n").unwrap();
/// assert_eq!(d.ys, vec![1.0, -1.0]);
/// let e = gradviz::train::data::from_csv("0.1,0.2,1\n0.3,oops,1\n").unwrap_err();
/// assert_eq!(e.line, 2);
/// ```
pub fn from_csv(text: &str) -> Result<Dataset, CsvError> {
    let mut xs = Vec::new();
    let mut ys = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let row = raw.trim();
        if row.is_empty() || row.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = row.split(',').map(str::trim).collect();
        let err = |message: String| CsvError { line, message };
        if fields.len() != 3 {
            return Err(err(format!(
                "expected 3 fields (x,y,label), found {}",
                fields.len()
            )));
        }
        let nums: Vec<Option<f64>> = fields.iter().map(|f| f.parse::<f64>().ok()).collect();
        if xs.is_empty() && ys.is_empty() && nums.iter().all(Option::is_none) {
            continue; // a header
        }
        let [Some(x), Some(y), Some(label)] = nums[..] else {
            let bad = fields
                .iter()
                .zip(&nums)
                .find(|(_, n)| n.is_none())
                .map(|(f, _)| *f)
                .unwrap_or("");
            return Err(err(format!("`{bad}` is not a number")));
        };
        if !x.is_finite() || !y.is_finite() {
            return Err(err("coordinates must be finite".into()));
        }
        let label = if label == 1.0 {
            1.0
        } else if label == 0.0 || label == -1.0 {
            -1.0
        } else {
            return Err(err(format!("label {label} is not 0, 1 or -1")));
        };
        if xs.len() == MAX_ROWS {
            return Err(err(format!(
                "more than {MAX_ROWS} rows: each training step would build a graph of about 650 values per row"
            )));
        }
        xs.push(vec![x, y]);
        ys.push(label);
    }
    if xs.is_empty() {
        return Err(CsvError {
            line: text.lines().count().max(1),
            message: "no data rows".into(),
        });
    }
    if !ys.contains(&1.0) || !ys.contains(&-1.0) {
        return Err(CsvError {
            line: text.lines().count().max(1),
            message: "both classes are needed (labels 1 and 0/-1)".into(),
        });
    }
    Ok(Dataset { xs, ys })
}
