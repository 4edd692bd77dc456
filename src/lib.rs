//! # gradviz
//!
//! Andrej Karpathy's [micrograd] — a scalar autograd engine — rebuilt around
//! a real graph (a petgraph `StableGraph`), with a renderer that draws it the
//! way the lecture's `draw_dot` does.
//!
//! The data takes one road: [`script`] → [`engine`] (graph, backward) →
//! [`render`] (DOT, JSON, shape text).
//!
//! The micrograd README example, in Rust:
//!
//! ```
//! use gradviz::Graph;
//!
//! let g = Graph::new();
//! let a = g.value(-4.0);
//! let b = g.value(2.0);
//! let mut c = a + b;
//! let mut d = a * b + b.powi(3);
//! c = c + (c + 1.0);
//! c = c + (1.0 + c + (-a));
//! d = d + (d * 2.0 + (b + a).relu());
//! d = d + (3.0 * d + (b - a).relu());
//! let e = c - d;
//! let f = e.powi(2);
//! let mut h = f / 2.0;
//! h = h + 10.0 / f;
//! assert_eq!(format!("{:.4}", h.data()), "24.7041"); // the forward pass
//! h.backward();
//! assert_eq!(format!("{:.4}", a.grad()), "138.8338"); // dh/da
//! assert_eq!(format!("{:.4}", b.grad()), "645.5773"); // dh/db
//! ```
//!
//! The same code as a script, rendered to DOT:
//!
//! ```
//! use gradviz::script::{run, Options};
//! use gradviz::render::{to_dot, DotOptions};
//!
//! let src = "a = Value(2.0, label='a')\nb = Value(-3.0, label='b')\ne = a * b\ndraw_dot(e)";
//! let run = run(src, &Options::default(), &mut std::io::sink()).unwrap();
//! let d = &run.diagrams[0];
//! let dot = to_dot(&d.graph, d.root, &DotOptions::default());
//! assert!(dot.contains("{ e | data -6.0000 | grad 0.0000 }"));
//! ```
//!
//! [micrograd]: https://github.com/karpathy/micrograd

pub mod engine;
pub mod pyfmt;
pub mod render;
pub mod script;

pub use engine::{Exponent, Graph, Node, Op, Value, ValueId};
