#![doc = include_str!("../README.md")]
//!
//! ## From a script to DOT, in Rust
//!
//! ```
//! use gradviz::script::{run, Options};
//! use gradviz::render::{to_dot, DotOptions};
//!
//! let src = "a = Value(2.0, label='a')\nb = Value(-3.0, label='b')\ne = a * b\ndraw_dot(e)";
//! let run = run(src, &Options::default(), &mut std::io::sink()).unwrap();
//! let d = &run.diagrams[0];
//! let dot = to_dot(&d.graph, d.root, &DotOptions::default());
//! assert!(dot.contains("{ e | data -6.0000 }")); // the forward view: no backward pass yet
//! ```

pub mod engine;
pub mod gradcheck;
pub mod nn;
pub mod notes;
pub mod pyfmt;
pub mod render;
pub mod script;
pub mod train;

pub use engine::{Exponent, Graph, Node, Op, Value, ValueId};
