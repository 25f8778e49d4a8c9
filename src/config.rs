//! The team's settings: `.githotfix.toml` (committed), overridden by `git config hotfix.*`,
//! else SPEC's defaults. Everything is validated at load so that a typo fails loudly, naming the
//! file, the line and the key, and never half-way through a push.
//!
//! Nothing in the configuration names a command: no value is ever executed.

use crate::error::{Error, Result};
use crate::policy::Naming;
use crate::policy::naming::is_valid_branch_name;
use regex::RegexBuilder;
use serde::Deserialize;

pub const FILE_NAME: &str = ".githotfix.toml";
pub const DEFAULT_NAME_PATTERN: &str = "^[a-z0-9]+(?:[-.][a-z0-9]+)*$";
/// A committed file larger than this is not a configuration file.
pub const MAX_FILE_BYTES: usize = 64 * 1024;
/// Compiled-regex budget: a pattern needing more is refused rather than slowing every hook.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// The resolved settings every command and hook works with.
#[derive(Debug, Clone)]
pub struct Config {
    pub remote: String,
    pub main: String,
    pub development: String,
    pub naming: Naming,
    pub max_files: u64,
    pub max_lines: u64,
    pub enforce_size: bool,
}

impl Config {
    pub fn prefix(&self) -> &str {
        &self.naming.prefix
    }
}

/// The file's schema, every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    remote: Option<String>,
    main: Option<String>,
    development: Option<String>,
    prefix: Option<String>,
    name_pattern: Option<String>,
    max_files: Option<u64>,
    max_lines: Option<u64>,
    enforce_size: Option<bool>,
}

/// Where the file's text came from, for messages.
pub struct Source {
    pub label: String,
    pub text: String,
}

/// Reads Git config values (already merged across scopes, `-c` included).
pub trait GitConfig {
    fn config_string(&self, key: &str) -> Option<String>;
}

/// Checks the raw bytes of a configuration file and turns them into text.
pub fn source_from_bytes(label: String, bytes: Vec<u8>) -> Result<Source> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(Error::env(format!(
            "{label}: too large for a configuration file (more than {MAX_FILE_BYTES} bytes)"
        )));
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| Error::env(format!("{label}: not UTF-8 text; is it the right file?")))?;
    Ok(Source { label, text })
}

/// Builds the configuration from the file (if any) and Git config overrides.
pub fn load(source: Option<&Source>, git: &impl GitConfig) -> Result<Config> {
    let file: File = match source {
        Some(src) => toml::from_str(&src.text).map_err(|e| {
            let line = e.span().map(|s| line_at(&src.text, s.start));
            let at = line.map(|l| format!(":{l}")).unwrap_or_default();
            let key = line
                .and_then(|l| key_on_line(&src.text, l))
                .map(|k| format!(" key `{k}`:"))
                .unwrap_or_default();
            Error::env(format!("{}{at}:{key} {}", src.label, e.message().trim()))
                .hint("see the configuration reference in the README")
        })?,
        None => File::default(),
    };
    let mut keys = Keys { source, git };
    let remote = keys.string("remote", "remote", file.remote, "origin")?;
    let main = keys.string("main", "main", file.main, "main")?;
    let development = keys.string("development", "development", file.development, "development")?;
    let prefix = keys.string("prefix", "prefix", file.prefix, "hotfix/")?;
    let pattern =
        keys.string("name_pattern", "namePattern", file.name_pattern, DEFAULT_NAME_PATTERN)?;
    let max_files = keys.number("max_files", "maxFiles", file.max_files, 10)?;
    let max_lines = keys.number("max_lines", "maxLines", file.max_lines, 200)?;
    let enforce_size = keys.boolean("enforce_size", "enforceSize", file.enforce_size, false)?;

    for (key, git_key, value) in
        [("main", "main", &main), ("development", "development", &development)]
    {
        if !is_valid_branch_name(value) {
            return Err(keys.bad(key, git_key, &format!("'{value}' is not a valid branch name")));
        }
    }
    if main == development {
        return Err(keys.bad("development", "development", "must differ from main"));
    }
    if !is_valid_branch_name(&remote) || remote.contains('/') {
        return Err(keys.bad(
            "remote",
            "remote",
            &format!("'{remote}' is not a valid remote name"),
        ));
    }
    let probe = format!("{prefix}x");
    if prefix.is_empty()
        || !is_valid_branch_name(&probe)
        || [&main, &development].iter().any(|b| b.starts_with(&prefix))
    {
        return Err(keys.bad(
            "prefix",
            "prefix",
            &format!("'{prefix}' cannot start branch names (try \"hotfix/\")"),
        ));
    }
    let pattern = RegexBuilder::new(&pattern)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| keys.bad("name_pattern", "namePattern", &format!("not a valid regex: {e}")))?;
    for (key, git_key, value) in
        [("max_files", "maxFiles", max_files), ("max_lines", "maxLines", max_lines)]
    {
        if value == 0 {
            return Err(keys.bad(key, git_key, "must be at least 1"));
        }
    }
    Ok(Config {
        remote,
        main,
        development,
        naming: Naming { prefix, pattern },
        max_files,
        max_lines,
        enforce_size,
    })
}

/// Resolves each key: Git config first, then the file, then the default; and remembers where a
/// value came from so that an error names it.
struct Keys<'a, G> {
    source: Option<&'a Source>,
    git: &'a G,
}

impl<G: GitConfig> Keys<'_, G> {
    fn git_value(&self, git_key: &str) -> Option<String> {
        self.git.config_string(&format!("hotfix.{git_key}"))
    }

    fn string(
        &mut self,
        _key: &str,
        git_key: &str,
        file: Option<String>,
        default: &str,
    ) -> Result<String> {
        Ok(self.git_value(git_key).or(file).unwrap_or_else(|| default.to_owned()))
    }

    fn number(&mut self, key: &str, git_key: &str, file: Option<u64>, default: u64) -> Result<u64> {
        match self.git_value(git_key) {
            Some(raw) => raw.trim().parse().map_err(|_| {
                self.bad(key, git_key, &format!("'{raw}' is not a non-negative integer"))
            }),
            None => Ok(file.unwrap_or(default)),
        }
    }

    fn boolean(
        &mut self,
        key: &str,
        git_key: &str,
        file: Option<bool>,
        default: bool,
    ) -> Result<bool> {
        match self.git_value(git_key) {
            Some(raw) => match raw.trim().to_ascii_lowercase().as_str() {
                "true" | "yes" | "on" | "1" => Ok(true),
                "false" | "no" | "off" | "0" | "" => Ok(false),
                _ => Err(self.bad(key, git_key, &format!("'{raw}' is not a boolean"))),
            },
            None => Ok(file.unwrap_or(default)),
        }
    }

    /// An error naming where the bad value of `key` came from.
    fn bad(&self, key: &str, git_key: &str, problem: &str) -> Error {
        if self.git_value(git_key).is_some() {
            return Error::env(format!("git config hotfix.{git_key}: {problem}"))
                .hint(format!("fix it with: git config hotfix.{git_key} <value>, or remove it with: git config --unset hotfix.{git_key}"));
        }
        match self.source.and_then(|s| line_of_key(&s.text, key).map(|l| (s, l))) {
            Some((src, line)) => {
                Error::env(format!("{}:{line}: key `{key}`: {problem}", src.label))
            }
            None => Error::env(format!("key `{key}`: {problem}")),
        }
    }
}

/// 1-based line of byte offset `at`.
fn line_at(text: &str, at: usize) -> usize {
    text[..at.min(text.len())].bytes().filter(|&b| b == b'\n').count() + 1
}

/// The key set on 1-based `line` (`key = …`), for errors that point at a value.
fn key_on_line(text: &str, line: usize) -> Option<&str> {
    let (key, _) = text.lines().nth(line.checked_sub(1)?)?.split_once('=')?;
    let key = key.trim();
    let bare = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    (!key.is_empty() && key.chars().all(bare)).then_some(key)
}

/// 1-based line on which `key = …` is set.
fn line_of_key(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|line| {
            line.trim_start()
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[derive(Default)]
    struct Git(HashMap<String, String>);
    impl GitConfig for Git {
        fn config_string(&self, key: &str) -> Option<String> {
            self.0.get(key).cloned()
        }
    }

    fn file(text: &str) -> Source {
        Source { label: ".githotfix.toml".into(), text: text.into() }
    }

    fn git(pairs: &[(&str, &str)]) -> Git {
        Git(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    #[test]
    fn defaults_without_file_or_overrides() {
        let c = load(None, &Git::default()).unwrap();
        assert_eq!(
            (c.remote.as_str(), c.main.as_str(), c.development.as_str()),
            ("origin", "main", "development")
        );
        assert_eq!(
            (c.prefix(), c.max_files, c.max_lines, c.enforce_size),
            ("hotfix/", 10, 200, false)
        );
        assert_eq!(c.naming.pattern.as_str(), DEFAULT_NAME_PATTERN);
    }

    #[test]
    fn file_values_then_git_overrides() {
        let src = file("main = \"master\"\ndevelopment = \"develop\"\nmax_files = 3\n");
        let c = load(Some(&src), &Git::default()).unwrap();
        assert_eq!(
            (c.main.as_str(), c.development.as_str(), c.max_files),
            ("master", "develop", 3)
        );
        let c = load(
            Some(&src),
            &git(&[
                ("hotfix.main", "trunk"),
                ("hotfix.maxFiles", "7"),
                ("hotfix.enforceSize", "yes"),
            ]),
        )
        .unwrap();
        assert_eq!((c.main.as_str(), c.max_files, c.enforce_size), ("trunk", 7, true));
    }

    #[test]
    fn unknown_keys_name_file_and_line() {
        let e =
            load(Some(&file("main = \"main\"\n\nmax_file = 3\n")), &Git::default()).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.message.starts_with(".githotfix.toml:3:"), "{}", e.message);
        assert!(e.message.contains("max_file"), "{}", e.message);
    }

    #[test]
    fn wrong_types_name_file_and_line() {
        let e = load(Some(&file("max_lines = \"many\"\n")), &Git::default()).unwrap_err();
        assert!(e.message.starts_with(".githotfix.toml:1: key `max_lines`:"), "{}", e.message);
        let e = load(Some(&file("max_lines = -1\n")), &Git::default()).unwrap_err();
        assert!(e.message.starts_with(".githotfix.toml:1:"), "{}", e.message);
    }

    #[test]
    fn bad_values_name_key_and_line() {
        let e =
            load(Some(&file("remote = \"origin\"\nname_pattern = \"([a-z\"\n")), &Git::default())
                .unwrap_err();
        assert!(
            e.message.starts_with(".githotfix.toml:2: key `name_pattern`: not a valid regex"),
            "{}",
            e.message
        );
        let e = load(Some(&file("main = \"a..b\"\n")), &Git::default()).unwrap_err();
        assert!(e.message.contains("key `main`"), "{}", e.message);
        let e = load(Some(&file("max_files = 0\n")), &Git::default()).unwrap_err();
        assert!(e.message.contains("at least 1"), "{}", e.message);
        let e =
            load(Some(&file("main = \"x\"\ndevelopment = \"x\"\n")), &Git::default()).unwrap_err();
        assert!(e.message.contains("must differ"), "{}", e.message);
        let e = load(Some(&file("prefix = \"\"\n")), &Git::default()).unwrap_err();
        assert!(e.message.contains("key `prefix`"), "{}", e.message);
    }

    #[test]
    fn bad_git_overrides_name_the_git_key() {
        let e = load(None, &git(&[("hotfix.maxLines", "lots")])).unwrap_err();
        assert!(e.message.starts_with("git config hotfix.maxLines:"), "{}", e.message);
        let e = load(None, &git(&[("hotfix.enforceSize", "maybe")])).unwrap_err();
        assert!(e.message.contains("hotfix.enforceSize"), "{}", e.message);
    }

    #[test]
    fn expensive_patterns_are_refused() {
        let e =
            load(Some(&file("name_pattern = \"(a{1000}){1000}\"\n")), &Git::default()).unwrap_err();
        assert!(e.message.contains("not a valid regex"), "{}", e.message);
    }

    #[test]
    fn huge_and_binary_files_are_refused() {
        assert!(source_from_bytes("f".into(), vec![b'#'; MAX_FILE_BYTES + 1]).is_err());
        assert!(source_from_bytes("f".into(), vec![0xff, 0xfe]).is_err());
    }
}
