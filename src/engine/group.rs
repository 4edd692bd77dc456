//! Groups of nodes (a neuron, a layer): optional structure on top of the
//! graph that renderers draw as nested clusters. The group types live in
//! `node.rs`, below the [`Graph`] that holds them; this file adds the
//! graph's methods for them.

use super::graph::Graph;
use super::node::ValueId;
// Defined in `node.rs`, below; `engine::group::{Group, GroupId}` stay.
pub use super::node::{Group, GroupId};

impl Graph {
    /// Adds a group (a neuron, a layer) and returns its id.
    ///
    /// ```
    /// let g = gradviz::Graph::new();
    /// let layer = g.add_group("layer 0", None);
    /// let neuron = g.add_group("neuron 0", Some(layer));
    /// let w = g.value(0.5);
    /// g.set_group(w.id(), neuron);
    /// assert_eq!(g.group_of(w.id()), Some(neuron));
    /// assert_eq!(g.group(neuron).parent, Some(layer));
    /// ```
    pub fn add_group(&self, name: &str, parent: Option<GroupId>) -> GroupId {
        let mut groups = self.groups.borrow_mut();
        groups.list.push(Group {
            name: name.to_string(),
            parent,
        });
        GroupId(groups.list.len() as u32 - 1)
    }

    /// Runs `f` with `group` active: every node added meanwhile joins it.
    ///
    /// ```
    /// let g = gradviz::Graph::new();
    /// let neuron = g.add_group("neuron", None);
    /// let x = g.value(2.0);
    /// let y = g.in_group(neuron, || (x * 3.0).tanh());
    /// assert_eq!(g.group_of(y.id()), Some(neuron));
    /// assert_eq!(g.group_of(x.id()), None);
    /// ```
    pub fn in_group<R>(&self, group: GroupId, f: impl FnOnce() -> R) -> R {
        let previous = self.active_group.replace(Some(group));
        let r = f();
        self.active_group.set(previous);
        r
    }

    /// Puts a node into a group (replacing any earlier group).
    pub fn set_group(&self, id: ValueId, group: GroupId) {
        self.groups
            .borrow_mut()
            .member
            .insert(id.node_index(), group);
    }

    /// The group a node belongs to.
    pub fn group_of(&self, id: ValueId) -> Option<GroupId> {
        self.groups.borrow().member.get(id.node_index())
    }

    /// A copy of a group's description.
    ///
    /// # Panics
    /// If `id` is not a group of this graph.
    pub fn group(&self, id: GroupId) -> Group {
        self.groups.borrow().list[id.index()].clone()
    }

    /// Whether any node belongs to a group.
    pub fn has_groups(&self) -> bool {
        !self.groups.borrow().member.is_empty()
    }
}
