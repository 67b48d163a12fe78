//! The layers, downward only (DESIGN.md, "Architecture"; docs/architecture.md), read off the
//! `crate::` paths of every source file: no module imports from a layer above its own, the
//! commands never reach into the dashboard's app, and no folder's modules import each other
//! in a circle. Run it alone with `cargo test --test layers`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each top-level module's layer: a module may use its own layer and those below.
fn layer(module: &str) -> u8 {
    match module {
        "domain" | "wire_enum" => 0,
        "clock" | "contract" | "toml_error" | "journal" | "config" | "theme" | "logging" => 1,
        "source" | "verify" | "fleet" | "clipboard" => 2,
        "app" | "ops" | "serve" | "cli" => 3,
        "ui" => 4,
        "commands" | "tui" => 5,
        other => panic!(
            "{other}: a new top-level module needs its layer here and in docs/architecture.md"
        ),
    }
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The `crate::a::b` paths a file names in code (comments left out), as [a, b].
fn paths(text: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            let segments: Vec<String> = after
                .split("::")
                .map(|s| {
                    s.chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect::<String>()
                })
                .take_while(|s| !s.is_empty())
                .take(2)
                .collect();
            if !segments.is_empty() {
                found.push(segments);
            }
            rest = after;
        }
    }
    found
}

/// `src/app/screens/monitor.rs` → ["app", "screens", "monitor"].
fn module_of(file: &Path) -> Vec<String> {
    let rel = file.strip_prefix("src").unwrap();
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

fn sources() -> Vec<(Vec<String>, String)> {
    let mut all = Vec::new();
    files(Path::new("src"), &mut all);
    all.sort();
    all.into_iter()
        .filter(|f| !f.ends_with("main.rs") && !f.ends_with("lib.rs"))
        .map(|f| (module_of(&f), std::fs::read_to_string(&f).unwrap()))
        .collect()
}

/// "module uses crate::path" for every path a module names that `forbidden` refuses.
fn uses_where(forbidden: impl Fn(&[String], &[String]) -> bool) -> Vec<String> {
    let mut wrong = Vec::new();
    for (module, text) in sources() {
        for path in paths(&text) {
            if forbidden(&module, &path) {
                let (module, path) = (module.join("::"), path.join("::"));
                wrong.push(format!("{module} uses crate::{path}"));
            }
        }
    }
    wrong.sort();
    wrong.dedup();
    wrong
}

#[test]
fn no_module_imports_from_a_layer_above_its_own() {
    let wrong = uses_where(|module, path| layer(&path[0]) > layer(&module[0]));
    assert!(wrong.is_empty(), "upward imports:\n{}", wrong.join("\n"));
}

#[test]
fn the_commands_never_reach_into_the_dashboards_app_and_app_and_config_never_into_verify() {
    let wrong = uses_where(|module, path| {
        let command = module[0] == "commands" && module.get(1).is_some_and(|c| c != "dashboard");
        let below_verify = module[0] == "app" || module[0] == "config";
        let verify_like = ["verify", "ops"].contains(&module[0].as_str());
        (command || verify_like) && ["app", "ui", "tui"].contains(&path[0].as_str())
            || below_verify && path[0] == "verify"
    });
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn no_folder_has_modules_that_import_each_other_in_a_circle() {
    // For each folder: its modules (files and subfolders) and which siblings each one names.
    let mut graphs: BTreeMap<Vec<String>, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    // A module's tests may use anything: they are not part of what is built.
    let built = sources()
        .into_iter()
        .filter(|(module, _)| !module.iter().any(|m| m == "tests"));
    for (module, text) in built {
        for depth in 1..module.len() {
            let folder = module[..depth].to_vec();
            let me = module[depth].clone();
            let graph = graphs.entry(folder.clone()).or_default();
            graph.entry(me.clone()).or_default();
            for path in full_paths(&text, &module) {
                // Fixtures for tests only: every module's tests may use them.
                let fixtures = path.iter().chain(&module).any(|m| m == "test_support");
                if !fixtures
                    && path.len() > depth
                    && path[..depth] == folder[..]
                    && path[depth] != me
                {
                    graph.get_mut(&me).unwrap().insert(path[depth].clone());
                }
            }
        }
    }
    let mut found = Vec::new();
    for (folder, graph) in &graphs {
        for group in circles(graph) {
            found.push(format!("{}: {}", folder.join("::"), group.join(", ")));
        }
    }
    assert!(
        found.is_empty(),
        "modules importing each other in a circle:\n{}",
        found.join("\n")
    );
}

/// The paths a file names, made absolute: `use` trees expanded (`use super::{a, b::c}`), and
/// `crate::`, `super::` and `self::` paths in code.
fn full_paths(text: &str, module: &[String]) -> Vec<Vec<String>> {
    let code: String = text
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join(" ");
    let mut raw = Vec::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("use ") {
        let before = rest[..at].chars().last();
        let tail = &rest[at + 4..];
        let end = tail.find(';').unwrap_or(tail.len());
        if before.is_none_or(|c| !c.is_ascii_alphanumeric() && c != '_') {
            expand("", &tail[..end], &mut raw);
        }
        rest = &tail[end.min(tail.len())..];
    }
    for prefix in ["crate::", "super::", "self::"] {
        for (at, _) in code.match_indices(prefix) {
            let before = code[..at].chars().last();
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let path: String = code[at..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            raw.push(path);
        }
    }
    raw.iter().filter_map(|p| absolute(p, module)).collect()
}

/// `prefix` + a use tree, as flat paths.
fn expand(prefix: &str, tree: &str, out: &mut Vec<String>) {
    let tree = tree.trim();
    match tree.find('{') {
        None => out.push(format!("{prefix}{tree}")),
        Some(open) => {
            let head = &tree[..open];
            let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
            let mut depth = 0;
            let mut start = 0;
            for (i, c) in inner.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        expand(&format!("{prefix}{head}"), &inner[start..i], out);
                        start = i + 1;
                    }
                    _ => {}
                }
            }
            expand(&format!("{prefix}{head}"), &inner[start..], out);
        }
    }
}

/// A path as module names from the crate root; `None` for another crate's.
fn absolute(path: &str, module: &[String]) -> Option<Vec<String>> {
    let mut rest = path.trim();
    let mut base: Vec<String> = if let Some(r) = rest.strip_prefix("crate::") {
        rest = r;
        Vec::new()
    } else if rest.starts_with("super::") || rest.starts_with("self::") {
        let mut base = module.to_vec();
        while let Some(r) = rest.strip_prefix("super::") {
            base.pop();
            rest = r;
        }
        if let Some(r) = rest.strip_prefix("self::") {
            rest = r;
        }
        base
    } else {
        return None;
    };
    base.extend(
        rest.split("::")
            .map(|s| s.trim().split(' ').next().unwrap_or("").to_string())
            .take_while(|s| s.chars().next().is_some_and(|c| c.is_ascii_lowercase())),
    );
    Some(base)
}

/// The modules of `graph` that import each other in a circle, each group sorted (the
/// strongly connected components with more than one module; Tarjan's algorithm).
fn circles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct Walk<'a> {
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        found: Vec<Vec<String>>,
    }
    impl<'a> Walk<'a> {
        fn visit(&mut self, node: &'a str) {
            let i = self.index.len();
            self.index.insert(node, i);
            self.low.insert(node, i);
            self.stack.push(node);
            for next in self.graph.get(node).into_iter().flatten() {
                let next = next.as_str();
                if !self.graph.contains_key(next) {
                    continue;
                }
                if !self.index.contains_key(next) {
                    self.visit(next);
                    let low = self.low[node].min(self.low[next]);
                    self.low.insert(node, low);
                } else if self.stack.contains(&next) {
                    let low = self.low[node].min(self.index[next]);
                    self.low.insert(node, low);
                }
            }
            if self.low[node] == self.index[node] {
                let at = self.stack.iter().position(|n| *n == node).unwrap_or(0);
                let mut group: Vec<String> = self.stack.drain(at..).map(String::from).collect();
                if group.len() > 1 {
                    group.sort();
                    self.found.push(group);
                }
            }
        }
    }
    let mut walk = Walk {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        found: Vec::new(),
    };
    for node in graph.keys() {
        if !walk.index.contains_key(node.as_str()) {
            walk.visit(node);
        }
    }
    walk.found
}

#[test]
fn the_largest_source_file_is_under_600_lines_and_main_under_250() {
    let mut all = Vec::new();
    files(Path::new("src"), &mut all);
    let mut long: Vec<String> = all
        .iter()
        .filter_map(|f| {
            let n = std::fs::read_to_string(f).unwrap().lines().count();
            let limit = if f.ends_with("main.rs") { 250 } else { 600 };
            (n >= limit).then(|| format!("{} has {n} lines", f.display()))
        })
        .collect();
    long.sort();
    assert!(long.is_empty(), "{}", long.join("\n"));
}
