//! The shape of `src/`, enforced: who may import whom, where processes start, how long a file
//! may grow. Each failure names the file and line that broke the rule.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The layers, top to bottom: a module imports only from its own top-level module or from
/// rows below it.
const LAYERS: &[&[&str]] = &[
    &["main", "cli"],
    &["commands"],
    &["hooks"],
    &["hotfix"],
    &["context"],
    &["deploy"],
    &["repo", "host"],
    &["config", "output", "spawn", "ci"],
    &["policy", "error", "redact", "fuzz"],
];

/// Lines a file may have outside its tests.
const MAX_LINES: usize = 600;

/// A source file: its path under `src/` and its lines outside `#[cfg(test)]` items, numbered.
struct Source {
    path: String,
    code: Vec<(usize, String)>,
    whole: Vec<(usize, String)>,
}

impl Source {
    /// The top-level module the file belongs to (`commands` for `commands/finish/mod.rs`).
    fn top(&self) -> &str {
        let first = self.path.split('/').next().unwrap_or_default();
        first.strip_suffix(".rs").unwrap_or(first)
    }

    /// The command a file under `commands/` implements; `None` for `commands/mod.rs`.
    fn command(&self) -> Option<&str> {
        let rest = self.path.strip_prefix("commands/")?;
        let name = rest.split('/').next()?;
        (rest != "mod.rs").then(|| name.strip_suffix(".rs").unwrap_or(name))
    }
}

fn sources() -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect(&root, &mut files);
    let mut test_only = Vec::new();
    let mut read = BTreeMap::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let rel = file.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
        let lines: Vec<&str> = text.lines().collect();
        // `#[cfg(test)] mod name;` makes a whole file test code.
        for pair in lines.windows(2) {
            if pair[0] == "#[cfg(test)]"
                && let Some(name) = pair[1].strip_prefix("mod ").and_then(|m| m.strip_suffix(';'))
            {
                let dir = match rel.rsplit_once('/') {
                    Some((dir, "mod.rs")) => format!("{dir}/"),
                    Some((dir, file)) => format!("{dir}/{}/", file.trim_end_matches(".rs")),
                    None if rel == "main.rs" => String::new(),
                    None => format!("{}/", rel.trim_end_matches(".rs")),
                };
                test_only.push(format!("{dir}{name}.rs"));
                test_only.push(format!("{dir}{name}/mod.rs"));
            }
        }
        read.insert(rel, lines.iter().map(|l| l.to_string()).collect::<Vec<_>>());
    }
    read.into_iter()
        .filter(|(rel, _)| !test_only.contains(rel))
        .map(|(path, lines)| {
            let whole: Vec<(usize, String)> =
                lines.iter().cloned().enumerate().map(|(i, l)| (i + 1, l)).collect();
            Source { path, code: without_tests(&whole), whole }
        })
        .collect()
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The lines outside top-level `#[cfg(test)]` items (rustfmt closes those with `}` at column 0).
fn without_tests(lines: &[(usize, String)]) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].1 == "#[cfg(test)]" {
            i += 1;
            if lines.get(i).is_some_and(|(_, l)| l.trim_end().ends_with(';')) {
                i += 1;
                continue;
            }
            while i < lines.len() && lines[i].1 != "}" {
                i += 1;
            }
            i += 1;
            continue;
        }
        out.push(lines[i].clone());
        i += 1;
    }
    out
}

/// The top-level modules a line names through `crate::` (`use crate::{a, b::c}` included).
fn crate_refs(line: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (at, _) in line.match_indices("crate::") {
        let rest = &line[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            for item in group.split(',') {
                found.push(module_word(item.trim()));
            }
        } else {
            found.push(module_word(rest));
        }
    }
    found.retain(|m| !m.is_empty());
    found
}

fn module_word(text: &str) -> String {
    text.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect()
}

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|row| row.contains(&module))
}

fn comment(line: &str) -> bool {
    line.trim_start().starts_with("//")
}

#[test]
fn no_command_imports_another() {
    let mut broken = Vec::new();
    for src in sources() {
        let allowed = matches!(src.path.as_str(), "main.rs" | "cli.rs" | "commands/mod.rs");
        for (n, line) in src.whole.iter().filter(|(_, l)| !comment(l)) {
            if !allowed && crate_refs(line).iter().any(|m| m == "commands") {
                broken.push(format!("src/{}:{n}: {}", src.path, line.trim()));
            }
        }
        // `super::` outside tests: in `commands/x.rs` and `commands/x/mod.rs` it is `commands`
        // itself; in `commands/x/y.rs` it is the command, and `super::super::` is `commands`.
        let Some(command) = src.command() else { continue };
        let nested = src.path != format!("commands/{command}/mod.rs")
            && src.path.starts_with(&format!("commands/{command}/"));
        let parent = if nested { "super::super::" } else { "super::" };
        for (n, line) in src.code.iter().filter(|(_, l)| !comment(l)) {
            if line.contains(parent) {
                broken.push(format!("src/{}:{n}: {}", src.path, line.trim()));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "no command imports another; only main.rs, cli.rs and commands/mod.rs import commands:\n{}",
        broken.join("\n")
    );
}

#[test]
fn policy_stays_pure() {
    let mut broken = Vec::new();
    for src in sources().iter().filter(|s| s.top() == "policy") {
        for (n, line) in src.code.iter().filter(|(_, l)| !comment(l)) {
            if crate_refs(line).iter().any(|m| m != "policy" && m != "error") {
                broken.push(format!("src/{}:{n}: {}", src.path, line.trim()));
            }
        }
    }
    assert!(broken.is_empty(), "policy/ imports only policy/ and error.rs:\n{}", broken.join("\n"));
}

#[test]
fn one_module_starts_processes() {
    let mut starters = BTreeMap::new();
    for src in sources() {
        for (n, line) in src.code.iter().filter(|(_, l)| !comment(l)) {
            let imports = line.contains("std::process::")
                && (line.contains("Command") || line.contains("Child"));
            if imports || line.contains("Command::new(") {
                starters.entry(src.path.clone()).or_insert_with(Vec::new).push(format!(
                    "src/{}:{n}: {}",
                    src.path,
                    line.trim()
                ));
            }
        }
    }
    let files: Vec<_> = starters.keys().cloned().collect();
    assert_eq!(
        files,
        ["spawn.rs"],
        "only src/spawn.rs starts processes:\n{}",
        starters.values().flatten().cloned().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn no_file_outgrows_its_limit() {
    let long: Vec<String> = sources()
        .iter()
        .filter(|s| s.code.len() > MAX_LINES)
        .map(|s| format!("src/{}: {} lines outside its tests", s.path, s.code.len()))
        .collect();
    assert!(long.is_empty(), "at most {MAX_LINES} lines per file:\n{}", long.join("\n"));
}

#[test]
fn imports_point_down_the_layers() {
    let mut broken = Vec::new();
    for src in sources() {
        let Some(own) = layer(src.top()) else {
            broken.push(format!("src/{}: module '{}' has no layer", src.path, src.top()));
            continue;
        };
        for (n, line) in src.code.iter().filter(|(_, l)| !comment(l)) {
            for module in crate_refs(line) {
                let upward = layer(&module).is_none_or(|l| l < own);
                let sideways = layer(&module) == Some(own) && module != src.top();
                if upward || sideways {
                    broken.push(format!("src/{}:{n}: {module} — {}", src.path, line.trim()));
                }
            }
        }
    }
    assert!(
        broken.is_empty(),
        "a module imports only from the layers below it:\n{}",
        broken.join("\n")
    );
}
