//! The modules scripts import that are written in Rust: `random` with
//! CPython's generator (`math` and `micrograd` are in the runtime's
//! built-ins; `micrograd.nn` is micrograd's own `nn.py`, run as written).

pub mod random;
