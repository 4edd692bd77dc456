//! Layout benchmark (`cargo bench --bench layout`): the lecture's
//! MLP(3, [4, 4, 1]) forward graph for one input (126 values) through DOT,
//! the embedded SVG engine and PNG, plus the system `dot` side by side when
//! it is installed. Prints the best and median of several runs.

use std::hint::black_box;
use std::process::Command;
use std::time::{Duration, Instant};

use gradviz::render::svg::{Engine, find_dot, to_svg};
use gradviz::render::{DotOptions, to_dot};
use gradviz::{Graph, Value};

/// A small deterministic generator (the benchmark needs fixed weights, not
/// good randomness).
struct Lcg(u64);

impl Lcg {
    fn uniform(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
    }
}

/// The lecture's MLP forward pass: each neuron is tanh(sum(w*x, b)); the
/// first layer multiplies by plain floats (constant leaves, as in Python).
fn lecture_mlp(g: &Graph) -> Value<'_> {
    let mut rng = Lcg(1337);
    let x = [2.0, 3.0, -1.0];
    let mut layer_in: Vec<Option<Value>> = vec![None; 3];
    let mut sizes = vec![3];
    sizes.extend([4, 4, 1]);
    let mut out = Vec::new();
    for w in sizes.windows(2) {
        out.clear();
        for _ in 0..w[1] {
            let ws: Vec<Value> = (0..w[0]).map(|_| g.value(rng.uniform())).collect();
            let mut act = g.value(rng.uniform());
            for (i, wi) in ws.iter().enumerate() {
                act = act
                    + match layer_in[i] {
                        Some(v) => *wi * v,
                        None => *wi * x[i],
                    };
            }
            out.push(act.tanh());
        }
        layer_in = out.iter().copied().map(Some).collect();
    }
    out[0]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, Duration) {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            black_box(f());
            t.elapsed()
        })
        .collect();
    times.sort();
    (times[0], times[runs / 2])
}

fn main() {
    let g = Graph::new();
    let root = lecture_mlp(&g);
    let values = g.ancestors(root.id()).len();
    let dot = to_dot(&g, root.id(), &DotOptions::default());
    println!("lecture MLP(3,[4,4,1]) forward graph: {values} values");
    let (best, median) = time(50, || to_dot(&g, root.id(), &DotOptions::default()));
    println!("  DOT                      best {best:>10.3?}  median {median:>10.3?}");
    let (best, median) = time(10, || to_svg(&dot, Engine::Embedded).expect("layout"));
    println!(
        "  SVG, embedded engine     best {best:>10.3?}  median {median:>10.3?}   (target < 1 s)"
    );
    let svg = to_svg(&dot, Engine::Embedded).expect("layout");
    let (best, median) = time(3, || gradviz::render::png::to_png(&svg, 1.0).expect("png"));
    println!("  PNG at scale 1 (resvg)   best {best:>10.3?}  median {median:>10.3?}");
    if find_dot().is_some() {
        let version = Command::new("dot").arg("-V").output().expect("dot runs");
        println!("  ({})", String::from_utf8_lossy(&version.stderr).trim());
        let (best, median) = time(5, || to_svg(&dot, Engine::System).expect("dot"));
        println!("  SVG, system dot          best {best:>10.3?}  median {median:>10.3?}");
    } else {
        println!("  SVG, system dot          (not installed)");
    }
}
