//! The autograd engine: a graph of scalar values ([`graph`]) whose nodes
//! live in a petgraph `StableGraph` with their numbers beside it
//! ([`store`]), the ops and their derivatives ([`op`]), the passes
//! ([`backward`]) run from a derived execution schedule, the reuse of a
//! step's nodes when a training loop rebuilds the same graph (`replay`),
//! and the `Copy` handle with operator overloading ([`value`]).

pub mod backward;
pub mod graph;
pub mod group;
pub mod op;
pub(crate) mod replay;
pub(crate) mod schedule;
pub mod store;
pub mod value;

pub use graph::{Graph, Node, ValueId};
pub use group::{Group, GroupId};
pub use op::{Exponent, Op};
pub use store::{NodeRef, OpCode, Operand, Store, Structure};
pub use value::Value;
