//! The autograd engine: a graph of scalar values ([`graph`]) whose nodes
//! live in a petgraph `StableGraph` with their numbers beside it
//! ([`store`]), the ops and their derivatives ([`op`]), the passes
//! ([`backward`]) run from a derived execution schedule, the reuse of a
//! step's nodes when a training loop rebuilds the same graph (`replay`),
//! and the `Copy` handle with operator overloading ([`value`]).
//!
//! ## Layers
//!
//! The files form one-way layers, listed bottom-up: a file imports only
//! from files of a lower layer, never from its own layer or one above
//! (files of one layer do not know each other). The unit test `layering`
//! below checks every file's `super::…`, `crate::engine::…` and `crate::…`
//! paths against this list (outside `#[cfg(test)]` items: tests may use
//! the whole engine). `backward.rs`, `group.rs` and `value.rs` add methods
//! to [`Graph`] in `impl Graph` blocks of their own; the graph's own code
//! calls none of them, and `value.rs` sits above `backward.rs` because
//! `Value::backward` calls `Graph::backward` (method calls are kept to this
//! order by hand: the test sees paths only).
//!
//! - layer 0, `op.rs`: the ops, their forward values and local derivatives.
//! - layer 1, `node.rs`: the shared types: `ValueId`, `Node`, `GroupId`, `Group`.
//! - layer 2, `store.rs`: the nodes: the `StableGraph` and the numbers beside it.
//! - layer 3, `schedule.rs`: the execution schedule the passes run from.
//! - layer 4, `replay.rs`: a rebuilt step taking over the last step's nodes.
//! - layer 5, `graph.rs`: [`Graph`], the store, schedule and replay together.
//! - layer 6, `backward.rs`: the passes (backward, forward, zero_grad).
//! - layer 6, `group.rs`: the graph's methods for groups of nodes.
//! - layer 7, `value.rs`: the `Copy` handle [`Value`]; `backward()` runs a pass.

pub mod backward;
pub mod graph;
pub mod group;
pub(crate) mod node;
pub mod op;
pub(crate) mod replay;
pub(crate) mod schedule;
pub mod store;
pub mod value;

pub use graph::Graph;
pub use node::{Group, GroupId, Node, ValueId};
pub use op::{Exponent, Op};
pub use store::{NodeRef, OpCode, Operand, Store, Structure};
pub use value::Value;

/// Checks the layering in the module doc against the files' own source: a
/// file that imports from its own layer or one above fails the build's
/// tests instead of silently turning the layers back into a circle.
#[cfg(test)]
mod layering {
    use std::collections::{BTreeSet, HashMap};

    /// The engine's files bottom-up: layer, module name, source.
    const FILES: &[(u32, &str, &str)] = &[
        (0, "op", include_str!("op.rs")),
        (1, "node", include_str!("node.rs")),
        (2, "store", include_str!("store.rs")),
        (3, "schedule", include_str!("schedule.rs")),
        (4, "replay", include_str!("replay.rs")),
        (5, "graph", include_str!("graph.rs")),
        (6, "backward", include_str!("backward.rs")),
        (6, "group", include_str!("group.rs")),
        (7, "value", include_str!("value.rs")),
    ];

    /// This file: the module doc's list, the `mod` lines, the re-exports.
    const MOD_RS: &str = include_str!("mod.rs");

    /// `src`'s code without comments (doc comments and doc examples
    /// included), string literals or char literals.
    fn code(src: &str) -> String {
        let b = src.as_bytes();
        let mut out = String::with_capacity(src.len());
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'/' if b.get(i + 1) == Some(&b'/') => {
                    while i < b.len() && b[i] != b'\n' {
                        i += 1;
                    }
                }
                b'/' if b.get(i + 1) == Some(&b'*') => {
                    let mut depth = 0;
                    while i < b.len() {
                        if b[i..].starts_with(b"/*") {
                            depth += 1;
                            i += 2;
                        } else if b[i..].starts_with(b"*/") {
                            depth -= 1;
                            i += 2;
                            if depth == 0 {
                                break;
                            }
                        } else {
                            i += 1;
                        }
                    }
                    out.push(' ');
                }
                b'r' if matches!(b.get(i + 1), Some(b'"' | b'#'))
                    && (i == 0 || !is_ident(b[i - 1])) =>
                {
                    let hashes = b[i + 1..].iter().take_while(|c| **c == b'#').count();
                    if b.get(i + 1 + hashes) != Some(&b'"') {
                        out.push('r');
                        i += 1;
                        continue;
                    }
                    let mut end = b"\"".to_vec();
                    end.extend(std::iter::repeat_n(b'#', hashes));
                    i += 2 + hashes;
                    while i < b.len() && !b[i..].starts_with(&end) {
                        i += 1;
                    }
                    i += end.len();
                    out.push_str("\"\"");
                }
                b'"' => {
                    i += 1;
                    while i < b.len() && b[i] != b'"' {
                        i += if b[i] == b'\\' { 2 } else { 1 };
                    }
                    i += 1;
                    out.push_str("\"\"");
                }
                // A char literal ('x', '\n', '\u{..}'), not a lifetime ('g).
                b'\'' if b.get(i + 1) == Some(&b'\\') => {
                    i += 2;
                    while i < b.len() && b[i] != b'\'' {
                        i += 1;
                    }
                    i += 1;
                    out.push_str("' '");
                }
                b'\'' if src[i + 1..].chars().nth(1) == Some('\'') => {
                    i += 1 + src[i + 1..].chars().next().map_or(0, char::len_utf8) + 1;
                    out.push_str("' '");
                }
                _ => {
                    let ch = src[i..].chars().next().expect("in bounds");
                    out.push(ch);
                    i += ch.len_utf8();
                }
            }
        }
        out
    }

    /// [`code`] without the `#[cfg(test)]` items: tests may use the whole
    /// engine (a pass's tests build graphs through `Value`).
    fn library_code(src: &str) -> String {
        let mut code = code(src);
        while let Some(at) = code.find("#[cfg(test)]") {
            let item = at + "#[cfg(test)]".len();
            let open = code[item..]
                .find(['{', ';'])
                .map_or(code.len(), |i| item + i);
            let mut end = open + 1;
            if code[open..].starts_with('{') {
                let mut depth = 0;
                for (i, c) in code[open..].char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        _ => {}
                    }
                    if depth == 0 {
                        end = open + i + 1;
                        break;
                    }
                }
            }
            code.replace_range(at..end.min(code.len()), " ");
        }
        code
    }

    fn is_ident(c: u8) -> bool {
        c.is_ascii_alphanumeric() || c == b'_'
    }

    /// The paths of the path tree at the start of `s`: `[graph, Graph]` for
    /// `graph::Graph`; `[op, Op]` and `[store]` for `{op::Op, store}`.
    fn paths(s: &str) -> Vec<Vec<String>> {
        let mut prefix = Vec::new();
        let mut s = s.trim_start();
        loop {
            if let Some(rest) = s.strip_prefix('{') {
                let mut items = Vec::new();
                let (mut depth, mut start) = (0, 0);
                for (i, c) in rest.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => {
                            items.push(&rest[start..i]);
                            break;
                        }
                        '}' => depth -= 1,
                        ',' if depth == 0 => {
                            items.push(&rest[start..i]);
                            start = i + 1;
                        }
                        _ => {}
                    }
                }
                return items
                    .into_iter()
                    .flat_map(paths)
                    .map(|p| [prefix.clone(), p].concat())
                    .collect();
            }
            let end = s.bytes().position(|c| !is_ident(c)).unwrap_or(s.len());
            if end == 0 {
                return vec![prefix]; // `*`, or the end of the path
            }
            prefix.push(s[..end].to_string());
            match s[end..].trim_start().strip_prefix("::") {
                Some(rest) => s = rest.trim_start(),
                None => return vec![prefix],
            }
        }
    }

    /// The names re-exported here (`pub use graph::Graph;`) and the module
    /// that defines each.
    fn reexports() -> HashMap<String, String> {
        let mut map = HashMap::new();
        for line in code(MOD_RS).lines() {
            let Some(rest) = line.trim().strip_prefix("pub use ") else {
                continue;
            };
            let (module, names) = rest.split_once("::").expect("pub use m::…");
            for path in paths(names) {
                map.insert(path.concat(), module.to_string());
            }
        }
        map
    }

    /// The engine modules that `src` (a file of `src/engine`) names: through
    /// `super::m`, `crate::engine::m`, or a name re-exported from `m` (as
    /// `super::Graph`, `crate::engine::Graph` or `crate::Graph`).
    fn imports(src: &str, reexports: &HashMap<String, String>) -> BTreeSet<String> {
        let modules: BTreeSet<&str> = FILES.iter().map(|f| f.1).collect();
        let code = library_code(src);
        let mut out = BTreeSet::new();
        for root in ["super", "crate"] {
            for (at, _) in code.match_indices(root) {
                let before = &code[..at];
                let after = &code[at + root.len()..];
                if before.bytes().last().is_some_and(is_ident)
                    || before.trim_end().ends_with("::")
                    || after.bytes().next().is_some_and(is_ident)
                    || !after.trim_start().starts_with("::")
                {
                    continue; // not the start of a path from `root`
                }
                for path in paths(&code[at..]) {
                    let mut path = path.as_slice();
                    let engine_level = if root == "super" {
                        while path.first().is_some_and(|s| s == "super") {
                            path = &path[1..];
                        }
                        true
                    } else {
                        path = &path[1..];
                        let engine = path.first().is_some_and(|s| s == "engine");
                        if engine {
                            path = &path[1..];
                        }
                        engine
                    };
                    let Some(first) = path.first() else { continue };
                    if engine_level && modules.contains(first.as_str()) {
                        out.insert(first.clone());
                    } else if let Some(module) = reexports.get(first) {
                        out.insert(module.clone());
                    }
                }
            }
        }
        out
    }

    /// The module doc's list: `(layer, module)` for each
    /// "- layer N, `m.rs`: …" line.
    fn documented() -> Vec<(u32, String)> {
        MOD_RS
            .lines()
            .filter_map(|l| l.strip_prefix("//! - layer "))
            .map(|l| {
                let (layer, rest) = l.split_once(", `").expect("- layer N, `m.rs`");
                let (file, _) = rest.split_once(".rs`").expect("- layer N, `m.rs`");
                (layer.parse().expect("a layer number"), file.to_string())
            })
            .collect()
    }

    #[test]
    fn no_file_imports_its_own_layer_or_above() {
        let reexports = reexports();
        let layer: HashMap<&str, u32> = FILES.iter().map(|f| (f.1, f.0)).collect();
        let mut wrong = Vec::new();
        for &(l, file, src) in FILES {
            for dep in imports(src, &reexports) {
                if dep != file && layer[dep.as_str()] >= l {
                    wrong.push(format!(
                        "{file}.rs (layer {l}) imports {dep}.rs (layer {})",
                        layer[dep.as_str()]
                    ));
                }
            }
        }
        assert!(wrong.is_empty(), "imports against the layering: {wrong:#?}");
    }

    #[test]
    fn the_module_doc_lists_every_file_in_order() {
        let listed: Vec<(u32, String)> = FILES.iter().map(|f| (f.0, f.1.to_string())).collect();
        assert_eq!(documented(), listed, "the module doc's layers and FILES");
        assert!(listed.windows(2).all(|w| w[0].0 <= w[1].0), "bottom-up");
        let declared: BTreeSet<String> = code(MOD_RS)
            .lines()
            .filter_map(|l| {
                let l = l.trim().strip_suffix(';')?;
                let (_, name) = l.split_once("mod ")?;
                Some(name.to_string())
            })
            .collect();
        let files: BTreeSet<String> = FILES.iter().map(|f| f.1.to_string()).collect();
        assert_eq!(declared, files, "every `mod` of the engine has a layer");
        let on_disk: BTreeSet<String> =
            std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/src/engine"))
                .expect("src/engine")
                .map(|e| e.expect("entry").path())
                .filter(|p| p.extension().is_some_and(|e| e == "rs"))
                .map(|p| p.file_stem().expect("stem").to_string_lossy().into_owned())
                .filter(|m| m != "mod")
                .collect();
        assert_eq!(on_disk, files, "every file of src/engine has a layer");
    }

    #[test]
    fn the_moved_types_keep_their_old_paths() {
        let id: crate::engine::graph::ValueId = crate::ValueId::new(3);
        let _: crate::engine::ValueId = id;
        let _: Option<crate::engine::graph::Node> = None::<crate::Node>;
        let _: Option<crate::engine::group::Group> = None::<crate::engine::Group>;
        let _: Option<crate::engine::group::GroupId> = None::<crate::engine::GroupId>;
    }

    #[test]
    fn the_check_sees_every_way_to_import() {
        let reexports = reexports();
        let found = |src: &str| -> Vec<String> { imports(src, &reexports).into_iter().collect() };
        assert_eq!(found("use super::graph::Graph;"), ["graph"]);
        assert_eq!(found("use super::{op::Op, value::Value};"), ["op", "value"]);
        assert_eq!(
            found("use super::{node::{Node, ValueId}, store};"),
            ["node", "store"]
        );
        assert_eq!(found("use super::Graph;"), ["graph"]);
        assert_eq!(found("fn f(v: super::value::Value) {}"), ["value"]);
        assert_eq!(found("use super::super::group::GroupId;"), ["group"]);
        assert_eq!(found("use crate::engine::store::Store;"), ["store"]);
        assert_eq!(found("use crate::engine::{Graph, Op};"), ["graph", "op"]);
        assert_eq!(found("use crate::{Graph, Value};"), ["graph", "value"]);
        assert_eq!(
            found("use crate::{engine::group, Value};"),
            ["group", "value"]
        );
        assert_eq!(
            found("pub(crate) fn f() {} use crate::nn::Mlp;"),
            Vec::<String>::new()
        );
        assert_eq!(found("fn f(g: &crate::Graph) {}"), ["graph"]);
        assert_eq!(
            found("use super::*; use crate::pyfmt;"),
            Vec::<String>::new()
        );
        assert_eq!(
            found("// use super::graph::Graph;\n/// [`Graph`](super::Graph)\n/* super::value */"),
            Vec::<String>::new(),
            "comments and doc links are not imports"
        );
        assert_eq!(
            found(r#"let s = "super::graph"; let c = '"'; let r = r"crate::Graph";"#),
            Vec::<String>::new(),
            "nor is text in literals"
        );
        assert_eq!(found("fn f<'g>(v: Value<'g>) -> super::op::Op"), ["op"]);
        assert_eq!(
            found("#[cfg(test)]\nmod tests { use crate::Value; fn f() {} }\nuse super::op::Op;"),
            ["op"],
            "test modules may use the whole engine"
        );
        assert_eq!(
            found("#[cfg(test)]\nuse crate::Value;"),
            Vec::<String>::new()
        );
    }
}
