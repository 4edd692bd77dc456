//! micrograd's `Value` on the engine: operators lowered exactly as
//! micrograd's `engine.py` does (`a - b` is `a + (-b)`, `a / b` is
//! `a * b**-1`, a number operand becomes a constant leaf), Python's int and
//! float types of data and grads, `backward()`, `draw_dot`, and the release
//! of nodes the script can no longer reach.

use std::rc::{Rc, Weak};

use fixedbitset::FixedBitSet;

use super::object::{Obj, ValueRef};
use super::{Interp, NodeInfo, R, py_err, type_err};
use crate::engine::{Exponent, Op, ValueId};
use crate::pyfmt;
use crate::script::Diagram;
use crate::script::error::{ErrorKind, ScriptError, Span};
use crate::script::ir::BinOp;

/// Ints of Values beyond this are read back as floats (they are stored as f64).
const I64_LIMIT: f64 = 9.2e18;

/// Nodes a session holds before the first release of unreachable ones.
const FIRST_RELEASE: usize = 1 << 16;

/// Nodes made between two sweeps of dead handles ([`Interp::sweep_young`]).
const SWEEP_EVERY: usize = 1 << 12;

/// The newest nodes a sweep leaves alone: their handles are likely alive.
const YOUNG: usize = 1 << 8;

/// Empties `v` with room for `n` items: a vector too small is replaced, not
/// grown (growing would copy its old capacity, empty as it is), with a
/// quarter more so that one reused for varying sizes settles on a size.
fn cleared_for<T>(v: &mut Vec<T>, n: usize) {
    v.clear();
    if v.capacity() < n {
        *v = Vec::with_capacity(n + n / 4);
    }
}

fn math_error(span: Span, msg: impl Into<String>) -> ScriptError {
    ScriptError::new(ErrorKind::Math, span, msg)
}

impl Interp<'_> {
    /// The script's handle on node `id`: the one it has, or a new one.
    pub fn value_obj(&mut self, id: ValueId) -> Obj {
        let i = id.index();
        if let Some(r) = self.handles.get(i).and_then(Weak::upgrade) {
            return Obj::Value(r);
        }
        let r = Rc::new(ValueRef::new(id));
        if self.handles.len() <= i {
            self.handles.resize(i + 1, Weak::new());
        }
        self.handles[i] = Rc::downgrade(&r);
        Obj::Value(r)
    }

    fn info(&self, id: ValueId) -> NodeInfo {
        self.info[id.index()]
    }

    #[inline]
    fn record(&mut self, id: ValueId, info: NodeInfo) -> Obj {
        let i = id.index();
        let r = Rc::new(ValueRef::new(id));
        if self.info.len() == i && self.handles.len() == i {
            // The common case: the newest node.
            self.info.push(info);
            self.handles.push(Rc::downgrade(&r));
            return Obj::Value(r);
        }
        self.record_info(id, info);
        self.handles[i] = Rc::downgrade(&r);
        Obj::Value(r)
    }

    /// Records what the interpreter knows of node `id`, with no handle on
    /// it (yet).
    #[inline]
    fn record_info(&mut self, id: ValueId, info: NodeInfo) {
        let i = id.index();
        if self.info.len() == i && self.handles.len() == i {
            self.info.push(info);
            self.handles.push(Weak::new());
            return;
        }
        if self.info.len() <= i {
            self.info.resize(
                i + 1,
                NodeInfo {
                    data_int: false,
                    grad_int: true,
                    span: Span::default(),
                },
            );
        }
        self.info[i] = info;
        if self.handles.len() <= i {
            self.handles.resize(i + 1, Weak::new());
        }
    }

    /// After a node is added: releases unreachable nodes when the graph has
    /// grown enough since the last release, and enforces `--max-nodes`.
    fn after_add(&mut self, span: Span) -> R<()> {
        let len = self.graph.len();
        if len >= self.swept + SWEEP_EVERY {
            self.sweep_young();
        }
        if len >= self.next_release() {
            self.release();
        }
        if self.graph.len() + self.snapshot_nodes >= self.options.max_nodes {
            self.release();
            if self.graph.len() + self.snapshot_nodes >= self.options.max_nodes {
                return Err(Box::new(
                    ScriptError::new(
                        ErrorKind::Limit,
                        span,
                        format!("the graph passed the limit of {} value nodes", self.options.max_nodes),
                    )
                    .exception("MemoryError")
                    .help("raise the limit with --max-nodes if this is intended (draw_dot copies count too)"),
                ));
            }
        }
        Ok(())
    }

    /// Removes the nodes that no handle reaches, directly or through the
    /// operands of nodes it reaches: what CPython frees when the last
    /// reference to a Value goes.
    pub fn release(&mut self) {
        let mut keep = std::mem::take(&mut self.spare.keep);
        keep.clear();
        {
            let store = self.graph.store();
            let structure = store.structure();
            let bound = petgraph::visit::NodeIndexable::node_bound(structure);
            let mut seen = FixedBitSet::with_capacity(bound);
            let mut stack = Vec::new();
            for (i, h) in self.handles.iter().enumerate().take(bound) {
                if h.strong_count() > 0 {
                    let id = ValueId::new(i);
                    if structure.contains_node(id.node_index()) && !seen.put(i) {
                        stack.push(id);
                    }
                }
            }
            while let Some(n) = stack.pop() {
                for o in store.operands(n) {
                    if !seen.put(o.index()) {
                        stack.push(o);
                    }
                }
            }
            cleared_for(&mut keep, seen.count_ones(..));
            keep.extend(seen.ones().map(ValueId::new));
        }
        self.live_after_release = keep.len();
        if keep.len() != self.graph.len() {
            if keep.iter().enumerate().all(|(i, k)| k.index() == i) {
                // The live nodes are the first ones (a model's parameters):
                // the engine drops the rest in one truncation.
                self.graph.clear_except(&keep);
                self.tanh_forward.retain(|(id, _)| id.index() < keep.len());
            } else {
                self.compact(&keep);
            }
        }
        self.swept = self.swept.min(self.graph.len());
        self.spare.keep = keep;
        // Room up to the next release, taken now: buffers grown by
        // doubling meanwhile would copy themselves into fresh pages.
        let room = self.next_release().saturating_sub(self.graph.len());
        self.graph.reserve_exact(room, 2 * room);
        self.info.reserve_exact(room);
        self.handles.reserve_exact(room);
    }

    /// The graph size at which the next release runs: three times the
    /// nodes live after the last one (so that a release's work, which is
    /// proportional to the live nodes, is paid for by twice as many new
    /// ones), and not before [`FIRST_RELEASE`] nodes.
    fn next_release(&self) -> usize {
        FIRST_RELEASE.max(3 * self.live_after_release)
    }

    /// Frees the handle objects of the nodes made since the last sweep
    /// whose handle the script has dropped (most: the temporaries of a
    /// forward pass), but for the newest few. A dead handle's memory stays
    /// taken while the table's weak reference to it lives; freed young, it
    /// is reused by the next handles instead of fresh pages.
    fn sweep_young(&mut self) {
        let end = self.handles.len().saturating_sub(YOUNG);
        for h in self.handles.get_mut(self.swept..end).unwrap_or_default() {
            if h.strong_count() == 0 {
                *h = Weak::new();
            }
        }
        self.swept = end.max(self.swept);
    }

    /// Keeps only the live nodes `keep` (ascending, closed under operands),
    /// densely renumbered in the same order in the graph's own memory (see
    /// [`crate::engine::Graph::compact`]), and renumbers the handles and
    /// node tables to match, in place. Removing the dead nodes one by one
    /// instead would unlink each of their edges from the parameters' long
    /// edge lists: quadratic in the uses of a parameter, seconds per step
    /// for micrograd's demo.
    fn compact(&mut self, keep: &[ValueId]) {
        let mut map = std::mem::take(&mut self.spare.map);
        self.graph.compact(keep, &mut map);
        self.tanh_forward = std::mem::take(&mut self.tanh_forward)
            .into_iter()
            .filter_map(|(id, t)| {
                let new = *map.get(id.index())?;
                (new != petgraph::stable_graph::NodeIndex::end())
                    .then(|| (ValueId::new(new.index()), t))
            })
            .collect();
        // Down in place: a kept node's new index is never above its old one.
        for (new, id) in keep.iter().enumerate() {
            let old = id.index();
            self.info[new] = self.info[old];
            let h = std::mem::take(&mut self.handles[old]);
            // A dead handle is dropped here: below `swept`, nobody sweeps it.
            self.handles[new] = match h.upgrade() {
                Some(r) => {
                    r.renumber(ValueId::new(new));
                    h
                }
                None => Weak::new(),
            };
        }
        self.info.truncate(keep.len());
        // Frees the dead handles' memory now.
        self.handles.truncate(keep.len());
        self.spare.map = map;
    }

    /// A new leaf of the number `n`.
    pub fn leaf(&mut self, n: &Obj, label: Option<&str>, span: Span) -> R<Obj> {
        let x = n.as_f64().unwrap_or(0.0);
        let id = self.graph.leaf(x, label);
        let v = self.record(
            id,
            NodeInfo {
                data_int: !matches!(n, Obj::Float(_)),
                grad_int: true,
                span,
            },
        );
        self.after_add(span)?;
        Ok(v)
    }

    /// A new op node, with Python's int/float typing of its data and a
    /// check that the result is finite.
    pub fn apply(&mut self, op: Op, operands: &[ValueId], span: Span) -> R<Obj> {
        let id = self.apply_node(op, operands, span)?;
        let v = self.value_obj(id);
        self.after_add(span)?;
        Ok(v)
    }

    /// [`Interp::apply`] without a handle on the new node and without the
    /// release that may follow an addition: for a result that the next
    /// node consumes at once (a product summed by `sum`). Until a handle
    /// or a node that has one holds it, no release may run.
    #[inline]
    pub fn apply_node(&mut self, op: Op, operands: &[ValueId], span: Span) -> R<ValueId> {
        let a_int = self.info(operands[0]).data_int;
        let (id, data) = self.graph.apply_with_data(op, operands);
        let data_int = match op {
            Op::Add | Op::Mul => a_int && self.info(operands[1]).data_int,
            Op::Pow(Exponent::Int(k)) => a_int && k >= 0,
            Op::Pow(Exponent::Float(_)) | Op::Tanh | Op::Exp => false,
            // micrograd: `0 if self.data < 0 else self.data`
            Op::Relu => self.graph.data(operands[0]) < 0.0 || a_int,
        };
        if data_int && data == 0.0 && data.is_sign_negative() {
            // A Python int has no -0: `Value(-1) * 0` is 0, and a tanh of
            // it is 0.0, not -0.0.
            self.graph.set_data(id, 0.0);
        }
        self.record_info(
            id,
            NodeInfo {
                data_int,
                grad_int: true,
                span,
            },
        );
        if !self.options.ieee && !data.is_finite() {
            let inputs: Vec<f64> = operands.iter().map(|o| self.graph.data(*o)).collect();
            if inputs.iter().all(|x| x.is_finite()) {
                return Err(Box::new(non_finite_forward(op, inputs[0], data, span)));
            }
        }
        Ok(id)
    }

    /// `-v`: micrograd's `self * -1`.
    pub fn value_neg(&mut self, id: ValueId, span: Span) -> R<Obj> {
        // Held as an object: making the constant may renumber the nodes.
        let this = self.value_obj(id);
        let c = self.leaf(&Obj::Int(-1), None, span)?;
        self.apply(Op::Mul, &[value_id(&this), value_id(&c)], span)
    }

    /// `l op r` where one side is a Value; `None` when micrograd has no such
    /// operator (the caller reports it).
    pub fn value_binary(
        &mut self,
        op: BinOp,
        l: &Obj,
        r: &Obj,
        span: Span,
        rspan: Span,
    ) -> R<Option<Obj>> {
        use Obj::Value as V;
        Ok(Some(match (op, l, r) {
            (BinOp::Add, V(a), V(b)) => self.apply(Op::Add, &[a.id(), b.id()], span)?,
            (BinOp::Mul, V(a), V(b)) => self.apply(Op::Mul, &[a.id(), b.id()], span)?,
            // a + 2, 2 + a (__radd__ swaps): a + Value(2)
            (BinOp::Add | BinOp::Mul, V(a), n) | (BinOp::Add | BinOp::Mul, n, V(a))
                if n.is_number() =>
            {
                let c = self.leaf(n, None, rspan)?;
                let engine_op = if op == BinOp::Add { Op::Add } else { Op::Mul };
                self.apply(engine_op, &[a.id(), value_id(&c)], span)?
            }
            // a - b is a + (-b)
            (BinOp::Sub, V(a), V(b)) => {
                let neg = self.value_neg(b.id(), rspan)?;
                self.apply(Op::Add, &[a.id(), value_id(&neg)], span)?
            }
            // a - 2 is a + Value(-2)
            (BinOp::Sub, V(_), n) if n.is_number() => {
                let neg = self.unary(crate::script::ir::UnaryOp::Neg, n.clone(), rspan)?;
                return self.value_binary(BinOp::Add, l, &neg, span, rspan);
            }
            // 2 - a is (-a) + Value(2)  (__rsub__)
            (BinOp::Sub, n, V(a)) if n.is_number() => {
                let neg = self.value_neg(a.id(), rspan)?;
                return self.value_binary(BinOp::Add, &neg, n, span, span);
            }
            // a / b is a * b**-1
            (BinOp::Div, V(a), V(b)) => {
                let inv = self.apply(Op::Pow(Exponent::Int(-1)), &[b.id()], span)?;
                self.apply(Op::Mul, &[a.id(), value_id(&inv)], span)?
            }
            // a / 2.0 is a * Value(0.5): Python inverts the number first
            (BinOp::Div, V(_), n) if n.is_number() => {
                let inv = super::ops::num_binop(BinOp::Pow, n, &Obj::Int(-1), rspan)?;
                return self.value_binary(BinOp::Mul, l, &inv, span, rspan);
            }
            // 2.0 / a is a**-1 * Value(2.0)  (__rtruediv__)
            (BinOp::Div, n, V(b)) if n.is_number() => {
                let inv = self.apply(Op::Pow(Exponent::Int(-1)), &[b.id()], span)?;
                return self.value_binary(BinOp::Mul, &inv, n, span, span);
            }
            (BinOp::Pow, V(a), Obj::Int(k)) => {
                self.apply(Op::Pow(Exponent::Int(*k)), &[a.id()], span)?
            }
            (BinOp::Pow, V(a), Obj::Bool(k)) => {
                self.apply(Op::Pow(Exponent::Int(i64::from(*k))), &[a.id()], span)?
            }
            (BinOp::Pow, V(a), Obj::Float(k)) => {
                self.apply(Op::Pow(Exponent::Float(*k)), &[a.id()], span)?
            }
            (BinOp::Pow, V(_), V(_)) => {
                return Err(Box::new(
                    ScriptError::new(ErrorKind::Type, rspan, "a Value can only be raised to a number, not to a Value")
                        .exception("AssertionError")
                        .label("a Value exponent")
                        .help("micrograd only supports int/float powers; use `.data` for a constant exponent, e.g. `a ** b.data`"),
                ));
            }
            (BinOp::Pow, n, V(_)) if n.is_number() => {
                return Err(type_err(span, "a number cannot be raised to a Value power")
                    .map_help_v(
                        "micrograd has no __rpow__; write `(b * math.log(2)).exp()` for 2**b",
                    ));
            }
            _ => return Ok(None),
        }))
    }

    /// `v.name` of a Value.
    pub fn value_attr(&mut self, id: ValueId, name: &str, span: Span) -> R<Obj> {
        let info = self.info(id);
        Ok(match name {
            "data" => {
                let d = self.graph.data(id);
                if info.data_int && d.abs() < I64_LIMIT {
                    Obj::Int(d as i64)
                } else {
                    Obj::Float(d)
                }
            }
            "grad" => {
                let g = self.graph.grad(id);
                if info.grad_int && g.abs() < I64_LIMIT {
                    Obj::Int(g as i64)
                } else {
                    Obj::Float(g)
                }
            }
            "label" => {
                let label = self.graph.store().label_shared(id);
                match (label, &self.last_label) {
                    // The string the script set it from, if it is that one.
                    (Some(l), Some((text, shared))) if std::sync::Arc::ptr_eq(&l, shared) => {
                        Obj::Str(text.clone())
                    }
                    (l, _) => Obj::Str(l.as_deref().unwrap_or_default().into()),
                }
            }
            "_op" => Obj::Str(
                self.graph
                    .node(id)
                    .op
                    .map(Op::name)
                    .unwrap_or_default()
                    .into(),
            ),
            "_prev" => {
                let operands = self.graph.operands(id);
                let items = operands.into_iter().map(|o| self.value_obj(o)).collect();
                self.make_set(items, span)?
            }
            "tanh" | "relu" | "exp" | "backward" | "_backward" | "__add__" | "__mul__"
            | "__pow__" | "__neg__" | "__sub__" | "__truediv__" | "__radd__" | "__rmul__"
            | "__rsub__" | "__rtruediv__" => {
                let this = self.value_obj(id);
                Obj::BoundBuiltin(Rc::new((this, name.into())))
            }
            "__class__" => Obj::Builtin(super::builtins::Builtin::Value),
            _ => {
                return Err(py_err("AttributeError", span, format!("'Value' object has no attribute '{name}'"))
                    .map_help_v("a Value has .data .grad .label ._op ._prev and the methods .tanh() .relu() .exp() .backward() ._backward()"));
            }
        })
    }

    /// `v.name = x` of a Value.
    pub fn set_value_attr(&mut self, id: ValueId, name: &str, v: Obj, span: Span) -> R<()> {
        match (name, &v) {
            ("data", Obj::Int(_) | Obj::Float(_) | Obj::Bool(_)) => {
                if self.graph.store().op(id) == Some(Op::Tanh)
                    && !self.tanh_forward.iter().any(|(t, _)| *t == id)
                {
                    let t = self.graph.data(id);
                    self.tanh_forward.push((id, t));
                }
                self.graph.set_data(id, v.as_f64().unwrap_or(0.0));
                self.info[id.index()].data_int = !matches!(v, Obj::Float(_));
            }
            ("grad", Obj::Int(_) | Obj::Float(_) | Obj::Bool(_)) => {
                self.graph.set_grad(id, v.as_f64().unwrap_or(0.0));
                self.info[id.index()].grad_int = !matches!(v, Obj::Float(_));
            }
            ("label", Obj::Str(s)) => {
                let label = self.shared_label(s);
                self.graph.set_label_shared(id, Some(label));
            }
            ("data" | "grad", _) => {
                return Err(type_err(
                    span,
                    format!("`.{name}` must be a number, not {}", a_type(&v)),
                )
                .map_help_v(&format!(
                    "use `x.{name}` of another value to copy its number"
                )));
            }
            ("label", _) => {
                return Err(type_err(
                    span,
                    format!("`.label` must be a string, not {}", a_type(&v)),
                ));
            }
            _ => {
                return Err(Box::new(
                    ScriptError::new(
                        ErrorKind::Unsupported,
                        span,
                        format!("cannot set `.{name}` on a Value"),
                    )
                    .exception("AttributeError")
                    .help("a Value's .data, .grad and .label can be assigned"),
                ));
            }
        }
        Ok(())
    }

    /// The graph's copy of the label `s`: the last one made is reused when
    /// the same string labels another node, so a script that labels many
    /// values with one (long) string holds it twice at most, not once per
    /// value.
    fn shared_label(&mut self, s: &Rc<str>) -> std::sync::Arc<str> {
        if let Some((last, shared)) = &self.last_label
            && Rc::ptr_eq(last, s)
        {
            return shared.clone();
        }
        let shared: std::sync::Arc<str> = std::sync::Arc::from(&**s);
        self.last_label = Some((s.clone(), shared.clone()));
        shared
    }

    /// Labels an unlabelled value with the name it is assigned to.
    pub fn auto_label(&mut self, id: ValueId, name: &str) {
        // An empty label is micrograd's default, so it is unlabelled too.
        let unlabelled = self.graph.store().label(id).is_none_or(str::is_empty);
        if unlabelled {
            self.graph.set_label(id, Some(name));
        }
    }

    /// `v.method(args)` of a Value.
    pub fn value_method(
        &mut self,
        id: ValueId,
        name: &str,
        pos: Vec<Obj>,
        kw: Vec<(std::rc::Rc<str>, Obj)>,
        span: Span,
    ) -> R<Obj> {
        let nargs = if name.starts_with("__") { 1 } else { 0 };
        if (!kw.is_empty() || pos.len() != nargs)
            && (matches!(name, "tanh" | "relu" | "exp" | "backward" | "_backward")
                || name.starts_with("__"))
        {
            return Err(type_err(
                span,
                format!(
                    "Value.{name}() takes {} positional argument{} but {} were given",
                    nargs + 1,
                    if nargs == 0 { "" } else { "s" },
                    pos.len() + 1
                ),
            ));
        }
        let this = self.value_obj(id);
        match name {
            "tanh" => self.apply(Op::Tanh, &[id], span),
            "relu" => self.apply(Op::Relu, &[id], span),
            "exp" => self.apply(Op::Exp, &[id], span),
            "backward" => self.backward(id, span),
            "_backward" => self.backward_node(id, span),
            "__neg__" => self.value_neg(id, span),
            "__add__" | "__mul__" | "__pow__" | "__sub__" | "__truediv__" => {
                let op = match name {
                    "__add__" => BinOp::Add,
                    "__mul__" => BinOp::Mul,
                    "__pow__" => BinOp::Pow,
                    "__sub__" => BinOp::Sub,
                    _ => BinOp::Div,
                };
                self.binary(op, this, pos[0].clone(), span, span)
            }
            "__radd__" | "__rmul__" | "__rsub__" | "__rtruediv__" => {
                let op = match name {
                    "__radd__" => BinOp::Add,
                    "__rmul__" => BinOp::Mul,
                    "__rsub__" => BinOp::Sub,
                    _ => BinOp::Div,
                };
                self.binary(op, pos[0].clone(), this, span, span)
            }
            _ => {
                let m = self.value_attr(id, name, span)?;
                self.call(&m, pos, kw, span)
            }
        }
    }

    /// `Value(data, label=...)`.
    pub fn value_ctor(
        &mut self,
        pos: Vec<Obj>,
        kw: Vec<(std::rc::Rc<str>, Obj)>,
        span: Span,
    ) -> R<Obj> {
        let mut data = None;
        let mut label: Option<Rc<str>> = None;
        let mut children_given = false;
        for (i, v) in pos.into_iter().enumerate() {
            match i {
                0 => data = Some(v),
                1 | 2 => children_given |= self.truthy(&v, span)?,
                3 => label = Some(label_str(&v, span)?),
                _ => return Err(type_err(span, "Value() takes at most 4 arguments")),
            }
        }
        for (k, v) in kw {
            match &*k {
                "data" => data = Some(v),
                "label" => label = Some(label_str(&v, span)?),
                "_children" | "_op" => children_given |= self.truthy(&v, span)?,
                _ => {
                    return Err(type_err(
                        span,
                        format!("Value.__init__() got an unexpected keyword argument '{k}'"),
                    ));
                }
            }
        }
        if children_given {
            return Err(Box::new(
                ScriptError::new(
                    ErrorKind::Unsupported,
                    span,
                    "Value(...) takes only data and label in scripts",
                )
                .help("build results with operators instead: a + b, a * b, a.tanh()"),
            ));
        }
        let Some(data) = data else {
            return Err(type_err(
                span,
                "Value.__init__() missing 1 required positional argument: 'data'",
            ));
        };
        if !data.is_number() {
            return Err(type_err(
                span,
                format!("Value() needs a number, not {}", a_type(&data)),
            )
            .map_help_v("Value(x) wraps a number; a Value is already a Value"));
        }
        let v = self.leaf(&data, None, span)?;
        if let Some(label) = label {
            let label = self.shared_label(&label);
            self.graph.set_label_shared(value_id(&v), Some(label));
        }
        Ok(v)
    }

    /// `draw_dot(root, rankdir=…)`: a snapshot of the root's graph now.
    pub fn draw_dot(
        &mut self,
        pos: Vec<Obj>,
        kw: Vec<(std::rc::Rc<str>, Obj)>,
        span: Span,
    ) -> R<Obj> {
        let mut root = None;
        let mut rankdir = None;
        let mut collapse = false;
        let named = kw.into_iter().map(|(k, v)| (Some(k), v));
        for (k, v) in pos.into_iter().map(|v| (None, v)).chain(named) {
            match (k.as_deref(), v) {
                (None | Some("root"), Obj::Value(r)) if root.is_none() => root = Some(r.id()),
                (Some("rankdir"), Obj::Str(s)) if matches!(&*s, "LR" | "TB" | "RL" | "BT") => {
                    rankdir = Some(s.to_string())
                }
                (Some("rankdir"), _) => {
                    return Err(type_err(span, "rankdir must be 'LR', 'TB', 'RL' or 'BT'"));
                }
                (Some("format"), Obj::Str(_)) => {}
                (Some("collapse"), v) => collapse = self.truthy(&v, span)?,
                (None | Some("root"), _) if root.is_some() => {
                    return Err(type_err(
                        span,
                        "draw_dot() takes one Value to draw (rankdir= and format= are keywords)",
                    ));
                }
                (None | Some("root"), other) => {
                    return Err(type_err(
                        span,
                        format!("draw_dot() needs a Value, not {}", a_type(&other)),
                    ));
                }
                (Some(k), _) => {
                    return Err(type_err(
                        span,
                        format!("draw_dot() got an unexpected keyword argument '{k}'"),
                    ));
                }
            }
        }
        let Some(root) = root else {
            return Err(type_err(span, "draw_dot() needs the Value to draw"));
        };
        let (graph, root) = self.graph.trace(root);
        self.snapshot_nodes += graph.len();
        self.after_add(span)?;
        self.diagrams.push(Diagram {
            graph,
            root,
            span: Some(span),
            rankdir,
            collapse,
        });
        Ok(Obj::None)
    }

    fn backward(&mut self, root: ValueId, span: Span) -> R<Obj> {
        let swapped = self.swap_tanh_forward();
        // micrograd sets the root's grad to the int 1 and accumulates with
        // Python arithmetic, so grads stay ints while every factor is one.
        self.info[root.index()].grad_int = true;
        // Python's type of each grad, found as the pass goes.
        let mut all_finite = true;
        let info = &mut self.info;
        let visited = self
            .graph
            .backward_visiting(root, |id, op, operands, grad| {
                if let Some(op) = op {
                    propagate(info, op, id, operands);
                }
                all_finite &= grad.is_finite();
            });
        self.restore_tanh_data(swapped);
        if !visited {
            all_finite = self.type_grads(root);
        }
        self.last_backward = Some(self.value_obj(root));
        if !all_finite {
            // micrograd's order, to name the op it meets first.
            let order = self.graph.topo_order(root);
            self.check_grads(order.iter().rev().copied(), span)?;
        }
        Ok(Obj::None)
    }

    fn backward_node(&mut self, id: ValueId, span: Span) -> R<Obj> {
        let swapped = self.swap_tanh_forward();
        self.graph.backward_node(id);
        self.restore_tanh_data(swapped);
        self.propagate_grad_type(id);
        self.check_grads(std::iter::once(id), span)?;
        Ok(Obj::None)
    }

    /// Python's type of each grad a backward pass from `root` wrote (see
    /// [`propagate`]), results before their operands so that each node's
    /// type is final before it passes it on; returns whether every one of
    /// those grads is finite. (For a pass run from a cached schedule; a
    /// first pass types the grads as it goes.)
    fn type_grads(&mut self, root: ValueId) -> bool {
        let order = self.graph.topo_order(root);
        let store = self.graph.store();
        let mut all_finite = true;
        for id in order.into_iter().rev() {
            if let Some(op) = store.op(id) {
                propagate(&mut self.info, op, id, &store.operands(id));
            }
            all_finite &= store.grad(id).is_finite();
        }
        all_finite
    }

    /// Puts the forward values back into `tanh` nodes whose data the
    /// script changed, for a backward pass; returns their current data.
    fn swap_tanh_forward(&mut self) -> Vec<(ValueId, f64)> {
        let mut swapped = Vec::with_capacity(self.tanh_forward.len());
        for &(id, t) in &self.tanh_forward {
            swapped.push((id, self.graph.data(id)));
            self.graph.set_data(id, t);
        }
        swapped
    }

    /// Undoes [`Self::swap_tanh_forward`].
    fn restore_tanh_data(&mut self, swapped: Vec<(ValueId, f64)>) {
        for (id, d) in swapped {
            self.graph.set_data(id, d);
        }
    }

    /// Python's type of `operand.grad += local * out.grad` for each operand.
    fn propagate_grad_type(&mut self, id: ValueId) {
        let store = self.graph.store();
        if let Some(op) = store.op(id) {
            propagate(&mut self.info, op, id, &store.operands(id));
        }
    }

    /// Finds the op whose local derivative made a gradient non-finite.
    fn check_grads(&self, nodes: impl Iterator<Item = ValueId>, span: Span) -> R<()> {
        if self.options.ieee {
            return Ok(());
        }
        for id in nodes {
            let node = self.graph.node(id);
            let Some(op) = node.op else { continue };
            let operands = self.graph.operands(id);
            let a = self.graph.data(operands[0]);
            let b = operands.get(1).map_or(0.0, |o| self.graph.data(*o));
            let local = op.local_grads(a, b, node.data);
            let bad = operands.iter().enumerate().any(|(i, o)| {
                !self.graph.grad(*o).is_finite() && !(local[i] * node.grad).is_finite()
            });
            if bad && node.grad.is_finite() {
                // `x**0` at 0 has the derivative 0 · 0**-1: not infinite but
                // undefined (Python raises ZeroDivisionError there).
                let how = if local.iter().any(|l| l.is_nan()) {
                    "undefined"
                } else {
                    "infinite"
                };
                return Err(Box::new(
                    math_error(
                        span,
                        format!(
                            "the backward pass gives a non-finite gradient through `{op}` (its input is {})",
                            pyfmt::repr_float(a)
                        ),
                    )
                    .label("in this backward pass")
                    .related(self.info(id).span, format!("`{op}` created here"))
                    .help(format!("the derivative is {how} at this input; pass --ieee to allow inf and nan")),
                ));
            }
        }
        Ok(())
    }

    /// micrograd's `__repr__`: `Value(data=2.0, grad=0)`.
    pub fn value_repr(&self, id: ValueId) -> String {
        let info = self.info(id);
        let (d, g) = (self.graph.data(id), self.graph.grad(id));
        format!(
            "Value(data={}, grad={})",
            number_of(d, info.data_int),
            number_of(g, info.grad_int)
        )
    }
}

/// Python's type of each `operand.grad += local * out.grad` of node `id`.
#[inline]
fn propagate(info: &mut [NodeInfo], op: Op, id: ValueId, ids: &[ValueId]) {
    let out_int = info[id.index()].grad_int;
    for (i, o) in ids.iter().enumerate() {
        let local_int = match op {
            Op::Add | Op::Relu => true,
            Op::Mul => ids
                .get(1 - i)
                .is_some_and(|other| info[other.index()].data_int),
            Op::Pow(Exponent::Int(k)) => k >= 1 && info[o.index()].data_int,
            Op::Pow(Exponent::Float(_)) | Op::Tanh | Op::Exp => false,
        };
        let slot = &mut info[o.index()];
        slot.grad_int = slot.grad_int && local_int && out_int;
    }
}

fn number_of(x: f64, int: bool) -> String {
    if int {
        // Python ints are exact; ours are exact below 2**53 and printed as
        // the float's exact integer value beyond.
        format!("{:.0}", x + 0.0) // -0.0 + 0.0 is 0.0: Python ints have no -0
    } else {
        pyfmt::repr_float(x)
    }
}

fn label_str(v: &Obj, span: Span) -> R<Rc<str>> {
    match v {
        Obj::Str(s) => Ok(s.clone()),
        other => Err(type_err(
            span,
            format!("label must be a string, not {}", a_type(other)),
        )),
    }
}

/// The node of a Value object (made by this module, so always a Value).
fn value_id(v: &Obj) -> ValueId {
    match v {
        Obj::Value(r) => r.id(),
        _ => ValueId::new(usize::MAX >> 1),
    }
}

/// The type with its article, for messages: "an int", "a Value".
pub fn a_type(v: &Obj) -> String {
    let t = v.type_name();
    let article = if t.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {t}")
}

fn non_finite_forward(op: Op, a: f64, data: f64, span: Span) -> ScriptError {
    let input = pyfmt::repr_float(a);
    let (msg, help, exc) = match op {
        Op::Pow(k) if a == 0.0 && k.value() < 0.0 => (
            format!("division by zero: `{op}` of 0"),
            "micrograd computes a / b as a * b**-1, so b must not be zero",
            "ZeroDivisionError",
        ),
        Op::Pow(k) if a < 0.0 && k.value().fract() != 0.0 => (
            format!("`{op}` of a negative number ({input}) is not a real number"),
            "fractional powers need a non-negative base",
            "ValueError",
        ),
        Op::Exp => (
            format!("overflow: `exp` of {input} is too large for a float"),
            "scale the input down; pass --ieee to allow inf",
            "OverflowError",
        ),
        _ => (
            format!("`{op}` gives {} (input {input})", pyfmt::repr_float(data)),
            "pass --ieee to allow inf and nan",
            "ArithmeticError",
        ),
    };
    math_error(span, msg)
        .exception(exc)
        .label("this operation")
        .help(help)
}

trait HelpV {
    fn map_help_v(self, help: &str) -> Self;
}

impl HelpV for Box<ScriptError> {
    fn map_help_v(mut self, help: &str) -> Self {
        self.help = Some(help.into());
        self
    }
}
