//! The bottom layer of the engine's shared types: the ids that nodes and
//! groups go by ([`ValueId`], [`GroupId`]), the copy of a node that
//! [`Graph::node`](super::Graph::node) returns ([`Node`]), and a graph's
//! groups ([`Group`], and the table of which node is in which).
//!
//! Every engine file above `op.rs` may use these. This file imports only
//! `op.rs` (a [`Node`] holds an [`Op`]), which imports no engine file; the
//! whole layering is listed in `engine/mod.rs`.

use petgraph::stable_graph::NodeIndex;

use super::op::Op;

/// The id of a value node in a [`Graph`](super::Graph); stable for the
/// node's lifetime.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ValueId(pub(crate) NodeIndex);

impl ValueId {
    /// The node's index in the underlying `StableGraph`.
    ///
    /// ```
    /// let g = gradviz::Graph::new();
    /// assert_eq!(g.value(1.0).id().index(), 0);
    /// ```
    pub fn index(self) -> usize {
        self.0.index()
    }

    /// The id of the node at `index` (which may or may not exist in a graph).
    ///
    /// ```
    /// assert_eq!(gradviz::ValueId::new(3).index(), 3);
    /// ```
    pub fn new(index: usize) -> Self {
        ValueId(NodeIndex::new(index))
    }

    /// The underlying petgraph index.
    pub fn node_index(self) -> NodeIndex {
        self.0
    }
}

/// A copy of a value node: micrograd's `Value` without the closure, which
/// lives in [`Op::local_grads`] instead.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The forward value.
    pub data: f64,
    /// ∂root/∂self, accumulated by backward passes.
    pub grad: f64,
    /// The op that produced the node; `None` for leaves.
    pub op: Option<Op>,
    /// An explicit or assigned label; `None` when the value has none.
    pub label: Option<Box<str>>,
}

impl Node {
    /// The label, or `""` when there is none (as micrograd's default).
    ///
    /// ```
    /// let g = gradviz::Graph::new();
    /// let v = g.value(1.0);
    /// assert_eq!(g.node(v.id()).label_str(), "");
    /// ```
    pub fn label_str(&self) -> &str {
        self.label.as_deref().unwrap_or("")
    }
}

/// The id of a group in a [`Graph`](super::Graph).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GroupId(pub(crate) u32);

impl GroupId {
    /// The group's index (0, 1, … in creation order).
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A named group, possibly inside another (a neuron inside a layer).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// The name shown on the cluster.
    pub name: String,
    /// The enclosing group.
    pub parent: Option<GroupId>,
}

/// The groups of a graph and which node belongs to which.
#[derive(Clone, Debug, Default)]
pub(crate) struct Groups {
    pub list: Vec<Group>,
    pub member: Membership,
}

impl Groups {
    /// The groups of a copy of the nodes `ids`: same groups, members
    /// renumbered by `map`.
    pub fn remapped(&self, ids: &[ValueId], map: &[NodeIndex]) -> Groups {
        let mut member = Membership::default();
        for id in ids {
            if let Some(g) = self.member.get(id.node_index()) {
                member.insert(map[id.index()], g);
            }
        }
        Groups {
            list: self.list.clone(),
            member,
        }
    }
}

/// The group of each node, by node index: a dense array, since every node
/// of a model's forward pass has one and nodes are added by the million.
#[derive(Clone, Debug, Default)]
pub(crate) struct Membership {
    of: Vec<Option<GroupId>>,
    count: usize,
}

impl Membership {
    /// Reserves room for `nodes` more nodes, once anybody is in a group.
    pub fn reserve_exact(&mut self, nodes: usize) {
        if !self.is_empty() {
            self.of.reserve_exact(nodes);
        }
    }

    /// Keeps the members among `keep` (ascending), renumbered densely in
    /// that order, in place.
    pub fn compact(&mut self, keep: &[ValueId]) {
        let mut count = 0;
        for (new, id) in keep.iter().enumerate() {
            let g = self.of.get(id.index()).copied().flatten();
            count += usize::from(g.is_some());
            if new < self.of.len() {
                self.of[new] = g;
            }
        }
        self.of.truncate(keep.len());
        self.count = count;
    }

    /// Puts node `n` into group `g`.
    #[inline]
    pub fn insert(&mut self, n: NodeIndex, g: GroupId) {
        let i = n.index();
        if self.of.len() == i {
            // The common case: the newest node.
            self.of.push(Some(g));
            self.count += 1;
            return;
        }
        if self.of.len() < i {
            self.of.resize(i + 1, None);
        }
        if self.of[i].replace(g).is_none() {
            self.count += 1;
        }
    }

    /// The group of node `n`.
    #[inline]
    pub fn get(&self, n: NodeIndex) -> Option<GroupId> {
        self.of.get(n.index()).copied().flatten()
    }

    /// Whether no node has a group.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Keeps the membership of the nodes `keep` says to.
    pub fn retain(&mut self, keep: impl Fn(usize) -> bool) {
        for (i, g) in self.of.iter_mut().enumerate() {
            if g.is_some() && !keep(i) {
                *g = None;
                self.count -= 1;
            }
        }
    }
}
