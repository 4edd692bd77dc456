//! The modules scripts import that are written in Rust: `random` with
//! CPython's generator (`math` and `micrograd` are in the runtime's
//! built-ins; `micrograd.nn` is micrograd's own `nn.py`, run as written).

pub mod random;

/// micrograd's `nn.py`, run by the interpreter for `micrograd.nn`: the
/// file of micrograd 0.1.0 (<https://github.com/karpathy/micrograd>, MIT
/// License, Copyright (c) 2020 Andrej Karpathy) as published, so that its
/// line numbers in tracebacks are micrograd's.
pub const MICROGRAD_NN: &str = include_str!("micrograd_nn.py");

/// The file a library module's code is shown as in tracebacks.
pub fn file_of(module: &str) -> Option<&'static str> {
    (module == "micrograd.nn").then_some("micrograd/nn.py")
}

/// The text of a library file named in a traceback.
pub fn source(file: &str) -> Option<&'static str> {
    (file == "micrograd/nn.py").then_some(MICROGRAD_NN)
}
