//! The autograd engine: a graph of scalar values ([`graph`]), the ops and
//! their derivatives ([`op`]), the backward pass ([`backward`]) and the
//! `Copy` handle with operator overloading ([`value`]).

pub mod backward;
pub mod graph;
pub mod group;
pub mod op;
pub mod value;

pub use graph::{Graph, Node, Operand, ValueId};
pub use group::{Group, GroupId};
pub use op::{Exponent, Op};
pub use value::Value;
