//! Groups of nodes (a neuron, a layer): optional structure on top of the
//! graph that renderers draw as nested clusters.

use std::collections::HashMap;

use petgraph::stable_graph::NodeIndex;

use super::graph::{Graph, ValueId};

/// The id of a group in a [`Graph`].
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
    pub member: HashMap<NodeIndex, GroupId>,
}

impl Groups {
    /// The groups of a traced copy: same groups, members renumbered.
    pub fn remapped(&self, ids: &[ValueId], map: &[NodeIndex]) -> Groups {
        let member = ids
            .iter()
            .filter_map(|id| {
                let g = self.member.get(&id.node_index())?;
                Some((map[id.index()], *g))
            })
            .collect();
        Groups {
            list: self.list.clone(),
            member,
        }
    }
}

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

    /// Records `id` in the active group, if any (called for new nodes).
    #[inline]
    pub(crate) fn join_active_group(&self, id: ValueId) {
        if let Some(g) = self.active_group.get() {
            self.set_group(id, g);
        }
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
        self.groups.borrow().member.get(&id.node_index()).copied()
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
