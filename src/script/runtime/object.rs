//! The objects a script handles: Python's built-in types, functions,
//! classes and instances, and micrograd's `Value` as a handle on a graph
//! node.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use indexmap::IndexMap;
use rustc_hash::FxBuildHasher;

use super::super::compile::Globals;
use super::super::ir::{CompDef, FuncDef};
use super::builtins::Builtin;
use crate::engine::ValueId;

/// A Python object.
#[derive(Clone, Debug)]
pub enum Obj {
    /// `None`.
    None,
    /// `...`.
    Ellipsis,
    /// `True`, `False`.
    Bool(bool),
    /// An `int` (64-bit: beyond is an error).
    Int(i64),
    /// A `float`.
    Float(f64),
    /// A `str`.
    Str(Rc<str>),
    /// A `list`.
    List(Rc<List>),
    /// A `tuple`.
    Tuple(Rc<Tuple>),
    /// A `dict`.
    Dict(Rc<Dict>),
    /// A `set`.
    Set(Rc<Set>),
    /// A micrograd `Value`: a node of the session's graph.
    Value(Rc<ValueRef>),
    /// A function defined by the script.
    Func(Rc<Function>),
    /// A built-in function, type or method of a module.
    Builtin(Builtin),
    /// A built-in method bound to its object (`xs.append`).
    BoundBuiltin(Rc<(Obj, Rc<str>)>),
    /// A script function bound to an instance (or to a class, for class
    /// methods).
    Method(Rc<(Obj, Obj)>),
    /// A class defined by the script (or by micrograd's `nn`).
    Class(Rc<Class>),
    /// An instance of such a class.
    Instance(Rc<Instance>),
    /// A module (`math`, `random`, `micrograd.nn`, …).
    Module(Rc<Module>),
    /// `range(start, stop, step)`.
    Range(Rc<(i64, i64, i64)>),
    /// An iterator (also a generator expression).
    Iter(Rc<RefCell<Iter>>),
    /// A slice `a:b:c`.
    Slice(Rc<(Obj, Obj, Obj)>),
    /// `@staticmethod`, `@classmethod`, `@property` wrappers.
    Wrapper(Rc<(WrapKind, Obj)>),
    /// `super()`: the class to start after, and the object.
    Super(Rc<(Rc<Class>, Obj)>),
    /// An exception object (`ValueError("…")`), for `raise`.
    Exception(Rc<(&'static str, Rc<str>)>),
    /// `d.keys()`, `d.values()`, `d.items()`: live views of a dict.
    View(Rc<(Rc<Dict>, ViewKind)>),
}

/// Which view of a dict.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ViewKind {
    /// `d.keys()`
    Keys,
    /// `d.values()`
    Values,
    /// `d.items()`
    Items,
}

/// What a decorator wrapper does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WrapKind {
    /// `@staticmethod`
    Static,
    /// `@classmethod`
    ClassMethod,
    /// `@property`
    Property,
}

/// A list's items.
#[derive(Debug, Default)]
pub struct List(pub RefCell<Vec<Obj>>);

/// A tuple's items.
#[derive(Debug, Default)]
pub struct Tuple(pub Box<[Obj]>);

/// A dict: insertion-ordered, keyed by Python's equality.
#[derive(Debug, Default)]
pub struct Dict(pub RefCell<KeyMap<(Obj, Obj)>>);

/// A set (insertion-ordered, for deterministic output).
#[derive(Debug, Default)]
pub struct Set(pub RefCell<KeyMap<Obj>>);

/// A hashable object's identity for dicts and sets: Python's `==` on
/// numbers (`1 == 1.0 == True`), strings and tuples; identity for the rest.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Key {
    /// `None`.
    None,
    /// `...`.
    Ellipsis,
    /// An int, a bool or an integral float.
    Int(i64),
    /// Another float, by its bits.
    Float(u64),
    /// A string.
    Str(Rc<str>),
    /// A tuple of keys.
    Tuple(Rc<[Key]>),
    /// Any other object, by identity.
    Id(usize),
}

/// A handle on a graph node. One exists per node while the script can
/// reach the node as an object; nodes without one that no such node depends
/// on are released from the graph.
#[derive(Debug)]
pub struct ValueRef {
    /// The node (renumbered when the graph is compacted).
    id: Cell<ValueId>,
}

impl ValueRef {
    /// A handle on `id`.
    pub fn new(id: ValueId) -> Self {
        ValueRef { id: Cell::new(id) }
    }

    /// The node.
    #[inline]
    pub fn id(&self) -> ValueId {
        self.id.get()
    }

    /// Moves the handle to the node's new id.
    pub fn renumber(&self, id: ValueId) {
        self.id.set(id);
    }
}

/// The attributes of a class or instance, by name. Hashed with Fx, as
/// rustc hashes its own tables: attribute reads are on every method call's
/// path, and SipHash's resistance to crafted keys buys nothing in a
/// sandbox whose scripts are bounded by a timeout anyway.
pub type Attrs = IndexMap<Rc<str>, Obj, FxBuildHasher>;

/// A dict's or set's table, by key (hashed as [`Attrs`]).
pub type KeyMap<V> = IndexMap<Key, V, FxBuildHasher>;

/// Positional and keyword arguments of a call.
pub type Args = (Vec<Obj>, Vec<(Rc<str>, Obj)>);

/// A cell: a variable shared between a function and the functions inside it.
pub type CellRef = Rc<RefCell<Option<Obj>>>;

/// The global variables of one module.
#[derive(Debug, Default)]
pub struct Namespace {
    /// The module's name (`__main__`, `micrograd.nn`).
    pub name: Rc<str>,
    /// Slot → value.
    pub slots: RefCell<Vec<Option<Obj>>>,
    /// Name → slot, shared with the compiler.
    pub names: RefCell<Globals>,
    /// Slot → the built-in of the slot's name, once a read of the unset
    /// global found it (`sum`, `zip`, `len` in a method run a million
    /// times): a built-in never changes, and a set global hides it.
    pub builtins: RefCell<Vec<Option<Obj>>>,
}

impl Namespace {
    /// The value of the global `name`, if set.
    pub fn get(&self, name: &str) -> Option<Obj> {
        let slot = self.names.borrow_mut().slot(name) as usize;
        self.slots.borrow().get(slot).cloned().flatten()
    }

    /// Sets the global `name`.
    pub fn set(&self, name: &str, v: Obj) {
        let slot = self.names.borrow_mut().slot(name) as usize;
        let mut slots = self.slots.borrow_mut();
        if slots.len() <= slot {
            slots.resize(slot + 1, None);
        }
        slots[slot] = Some(v);
    }
}

/// A function defined by the script.
#[derive(Debug)]
pub struct Function {
    /// Its compiled code.
    pub def: Rc<FuncDef>,
    /// Default values of the parameters that have one, in order.
    pub defaults: Vec<Obj>,
    /// The cells it captured.
    pub closure: Vec<CellRef>,
    /// Its module's globals.
    pub ns: Rc<Namespace>,
}

/// A class.
#[derive(Debug)]
pub struct Class {
    /// Its name.
    pub name: Rc<str>,
    /// The module that defined it (`__main__`, `micrograd.nn`).
    pub module: Rc<str>,
    /// Its base class.
    pub base: Option<Rc<Class>>,
    /// Its attributes and methods.
    pub dict: RefCell<Attrs>,
    /// Instances made so far, for cluster names (`Neuron 3`).
    pub count: Cell<usize>,
}

impl Class {
    /// The attribute `name` of the class or its bases.
    pub fn lookup(&self, name: &str) -> Option<Obj> {
        if let Some(v) = self.dict.borrow().get(name) {
            return Some(v.clone());
        }
        self.base.as_ref().and_then(|b| b.lookup(name))
    }

    /// Whether the class is `other` or derives from it.
    pub fn is_subclass(self: &Rc<Self>, other: &Rc<Class>) -> bool {
        let mut c = Some(self.clone());
        while let Some(k) = c {
            if Rc::ptr_eq(&k, other) {
                return true;
            }
            c = k.base.clone();
        }
        false
    }
}

/// An instance of a class.
#[derive(Debug)]
pub struct Instance {
    /// Its class.
    pub class: Rc<Class>,
    /// Its attributes.
    pub dict: RefCell<Attrs>,
    /// Its number among its class's instances (from 0), for cluster names.
    pub serial: usize,
    /// The graph group of its values, made on the first method call.
    pub group: Cell<Option<crate::engine::GroupId>>,
}

/// A module.
#[derive(Debug)]
pub struct Module {
    /// Its dotted name.
    pub name: &'static str,
    /// The globals of a module written in Python (micrograd's `nn`).
    pub ns: Option<Rc<Namespace>>,
}

/// The state of an iterator.
#[derive(Debug)]
pub enum Iter {
    /// Over a list, tuple or string, by index (a list may grow meanwhile).
    Seq(Obj, usize),
    /// Over a range.
    Range(i64, i64, i64),
    /// Over items gathered up front (dict views, sets).
    Items(std::vec::IntoIter<Obj>),
    /// `zip(…)`.
    Zip(Vec<Obj>),
    /// `enumerate(it, start)`: the next count (wider than an int, so that
    /// the count past the last int is an error only if it is used).
    Enumerate(Obj, i128),
    /// `map(f, …)`.
    Map(Obj, Vec<Obj>),
    /// `filter(f, it)`.
    Filter(Obj, Obj),
    /// `reversed(seq)`: the next index from the end.
    Reversed(Obj, usize),
    /// A comprehension or generator expression.
    Comp(Box<CompState>),
    /// Over a dict's keys, values or items, live: the next position and
    /// the size the dict had when the loop started.
    DictView(Rc<Dict>, ViewKind, usize, usize),
    /// Exhausted.
    Done,
}

/// A comprehension being run: its frame and an iterator per `for` clause.
#[derive(Debug)]
pub struct CompState {
    /// Its code.
    pub def: Rc<CompDef>,
    /// Its variables.
    pub frame: Frame,
    /// The iterator of each clause entered so far.
    pub iters: Vec<Obj>,
}

/// The variables of a running function.
#[derive(Debug)]
pub struct Frame {
    /// Local slots.
    pub locals: Vec<Option<Obj>>,
    /// Cells: own, then captured.
    pub cells: Vec<CellRef>,
    /// The module's globals.
    pub ns: Rc<Namespace>,
    /// A class body's namespace.
    pub class_ns: Option<Rc<RefCell<Attrs>>>,
    /// The code, for names in messages.
    pub def: Rc<FuncDef>,
}

impl Obj {
    /// Python's name for the object's type.
    pub fn type_name(&self) -> &str {
        match self {
            Obj::None => "NoneType",
            Obj::Ellipsis => "ellipsis",
            Obj::Bool(_) => "bool",
            Obj::Int(_) => "int",
            Obj::Float(_) => "float",
            Obj::Str(_) => "str",
            Obj::List(_) => "list",
            Obj::Tuple(_) => "tuple",
            Obj::Dict(_) => "dict",
            Obj::Set(_) => "set",
            Obj::Value(_) => "Value",
            Obj::Func(_) => "function",
            Obj::Builtin(b) if b.is_type() => "type",
            Obj::Builtin(_) | Obj::BoundBuiltin(_) => "builtin_function_or_method",
            Obj::Method(_) => "method",
            Obj::Class(_) => "type",
            Obj::Instance(i) => &i.class.name,
            Obj::Module(_) => "module",
            Obj::Range(_) => "range",
            Obj::Iter(i) => match &*i.borrow() {
                Iter::Comp(c) if c.def.kind == super::super::ir::CompKind::Gen => "generator",
                Iter::Zip(_) => "zip",
                Iter::Enumerate(..) => "enumerate",
                Iter::Map(..) => "map",
                Iter::Filter(..) => "filter",
                _ => "iterator",
            },
            Obj::Slice(_) => "slice",
            Obj::Wrapper(w) => match w.0 {
                WrapKind::Static => "staticmethod",
                WrapKind::ClassMethod => "classmethod",
                WrapKind::Property => "property",
            },
            Obj::Super(_) => "super",
            Obj::Exception(e) => e.0,
            Obj::View(v) => match v.1 {
                ViewKind::Keys => "dict_keys",
                ViewKind::Values => "dict_values",
                ViewKind::Items => "dict_items",
            },
        }
    }

    /// A number as a float, for ints, bools and floats.
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            Obj::Int(i) => Some(i as f64),
            Obj::Float(x) => Some(x),
            Obj::Bool(b) => Some(f64::from(u8::from(b))),
            _ => None,
        }
    }

    /// An int (or bool) as an i64.
    pub fn as_int(&self) -> Option<i64> {
        match *self {
            Obj::Int(i) => Some(i),
            Obj::Bool(b) => Some(i64::from(b)),
            _ => None,
        }
    }

    /// Whether the object is an int, float or bool.
    pub fn is_number(&self) -> bool {
        matches!(self, Obj::Int(_) | Obj::Float(_) | Obj::Bool(_))
    }

    /// A new list.
    pub fn list(items: Vec<Obj>) -> Obj {
        Obj::List(Rc::new(List(RefCell::new(items))))
    }

    /// A new tuple.
    pub fn tuple(items: Vec<Obj>) -> Obj {
        Obj::Tuple(Rc::new(Tuple(items.into_boxed_slice())))
    }

    /// A new string.
    pub fn str(s: &str) -> Obj {
        Obj::Str(s.into())
    }

    /// The identity of the object (`is`, `id()`, hashing by identity).
    pub fn identity(&self) -> usize {
        fn addr<T: ?Sized>(r: &Rc<T>) -> usize {
            Rc::as_ptr(r) as *const u8 as usize
        }
        match self {
            Obj::List(r) => addr(r),
            Obj::Tuple(r) => addr(r),
            Obj::Dict(r) => addr(r),
            Obj::Set(r) => addr(r),
            Obj::Value(r) => addr(r),
            Obj::Func(r) => addr(r),
            Obj::Str(r) => addr(r),
            Obj::BoundBuiltin(r) => addr(r),
            Obj::Method(r) => addr(r),
            Obj::Class(r) => addr(r),
            Obj::Instance(r) => addr(r),
            Obj::Module(r) => addr(r),
            Obj::Range(r) => addr(r),
            Obj::Iter(r) => addr(r),
            Obj::Slice(r) => addr(r),
            Obj::Wrapper(r) => addr(r),
            Obj::Super(r) => addr(r),
            Obj::Exception(r) => addr(r),
            Obj::View(r) => addr(r),
            Obj::Builtin(b) => *b as usize + 1,
            Obj::None => 0x10,
            Obj::Ellipsis => 0x20,
            Obj::Bool(b) => 0x30 + usize::from(*b),
            Obj::Int(i) => *i as usize,
            Obj::Float(x) => x.to_bits() as usize,
        }
    }
}

// Dropping a list nested a million deep must not recurse a million times:
// like CPython's "trashcan", items of containers dropped while deep in
// other drops are queued and dropped later, from the top.
thread_local! {
    static DROP_DEPTH: Cell<usize> = const { Cell::new(0) };
    static DROP_QUEUE: RefCell<Vec<Vec<Obj>>> = const { RefCell::new(Vec::new()) };
}

fn drop_items(items: Vec<Obj>) {
    if items.is_empty() {
        return;
    }
    let depth = DROP_DEPTH.with(|d| d.get());
    if depth > 64 {
        DROP_QUEUE.with(|q| q.borrow_mut().push(items));
        return;
    }
    DROP_DEPTH.with(|d| d.set(depth + 1));
    drop(items);
    if depth == 0 {
        while let Some(next) = DROP_QUEUE.with(|q| q.borrow_mut().pop()) {
            drop(next);
        }
    }
    DROP_DEPTH.with(|d| d.set(depth));
}

impl Drop for List {
    fn drop(&mut self) {
        drop_items(std::mem::take(self.0.get_mut()));
    }
}

impl Drop for Tuple {
    fn drop(&mut self) {
        drop_items(std::mem::take(&mut self.0).into_vec());
    }
}

impl Drop for Dict {
    fn drop(&mut self) {
        let map = std::mem::take(self.0.get_mut());
        drop_items(map.into_values().flat_map(|(k, v)| [k, v]).collect());
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let map = std::mem::take(self.dict.get_mut());
        drop_items(map.into_values().collect());
    }
}

/// `d[k] = v`: a new key goes last; an existing one keeps its key object
/// and place (`{1: 'a', 1.0: 'b'}` is `{1: 'b'}`).
pub fn dict_insert(map: &mut KeyMap<(Obj, Obj)>, h: Key, k: Obj, v: Obj) {
    match map.get_mut(&h) {
        Some(slot) => slot.1 = v,
        None => {
            map.insert(h, (k, v));
        }
    }
}
