//! The team's settings: `.githotfix.toml` (committed), overridden by `git config hotfix.*`,
//! else SPEC's defaults. Everything is validated at load so that a typo fails loudly, naming the
//! file, the line and the key, and never half-way through a push.
//!
//! Nothing in the configuration names a command: no value is ever executed.

use crate::error::{Error, Result};
use crate::policy::Naming;
use crate::policy::naming::{NamePattern, is_valid_branch_name};
use crate::policy::size::Limits;
use serde::Deserialize;
use std::time::Duration;
use toml::Spanned;

mod deploy;
pub use deploy::{Deploy, TagPattern};

pub const FILE_NAME: &str = ".githotfix.toml";
pub const DEFAULT_NAME_PATTERN: &str = "^[a-z0-9]+(?:[-.][a-z0-9]+)*$";
/// A committed file larger than this is not a configuration file.
pub const MAX_FILE_BYTES: usize = 64 * 1024;

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
    /// The code host of a self-hosted instance, which its URL cannot tell.
    pub host: Option<HostKind>,
    /// Whether `merge` asks for an approval by someone with write access.
    pub review: Review,
    /// Who `publish --pr` asks for a review: user logins and `org/team` slugs.
    pub reviewers: Vec<String>,
    /// How long one call to the network may take (`gh`, `glab`, `aws`).
    pub network_timeout: Duration,
    /// What deploys main (`[deploy.main]`), if anything is configured.
    pub deploy_main: Option<Deploy>,
    /// What deploys development (`[deploy.development]`).
    pub deploy_development: Option<Deploy>,
}

/// A code host the tool talks to through its command-line client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostKind {
    GitHub,
    GitLab,
}

/// The review a pull request needs before `merge` merges it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Review {
    /// An approval of the current head by someone with write, maintain or admin permission.
    Write,
    /// None (a solo project).
    None,
}

impl Config {
    pub fn prefix(&self) -> &str {
        &self.naming.prefix
    }

    /// R6's thresholds, and whether breaking them blocks.
    pub fn limits(&self) -> Limits {
        Limits { max_files: self.max_files, max_lines: self.max_lines, enforce: self.enforce_size }
    }
}

/// The file's schema, every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    remote: Option<Spanned<String>>,
    main: Option<Spanned<String>>,
    development: Option<Spanned<String>>,
    prefix: Option<Spanned<String>>,
    name_pattern: Option<Spanned<String>>,
    max_files: Option<Spanned<u64>>,
    max_lines: Option<Spanned<u64>>,
    enforce_size: Option<Spanned<bool>>,
    host: Option<Spanned<String>>,
    review: Option<Spanned<String>>,
    reviewers: Option<Spanned<Vec<String>>>,
    network_timeout: Option<Spanned<String>>,
    deploy: Option<deploy::Tables>,
}

/// Where the file's text came from, for messages.
pub struct Source {
    pub label: String,
    pub text: String,
}

/// Reads Git config values (already merged across scopes, `-c` included).
pub trait GitConfig {
    fn config_string(&self, key: &str) -> Option<String>;

    /// Whether a section of this name may be set (`false` only when it is known not to be):
    /// lets the loader skip asking for each of its keys.
    fn may_have_section(&self, _name: &str) -> bool {
        true
    }
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
    let mut keys = Keys { source, git, set_at: Vec::new() };
    let remote = keys.string("remote", "remote", file.remote, "origin")?;
    let main = keys.string("main", "main", file.main, "main")?;
    let development = keys.string("development", "development", file.development, "development")?;
    let prefix = keys.string("prefix", "prefix", file.prefix, "hotfix/")?;
    let pattern =
        keys.string("name_pattern", "namePattern", file.name_pattern, DEFAULT_NAME_PATTERN)?;
    let max_files = keys.number("max_files", "maxFiles", file.max_files, 10)?;
    let max_lines = keys.number("max_lines", "maxLines", file.max_lines, 200)?;
    let enforce_size = keys.boolean("enforce_size", "enforceSize", file.enforce_size, false)?;
    let host = match keys.string("host", "host", file.host, "")?.as_str() {
        "" => None,
        "github" => Some(HostKind::GitHub),
        "gitlab" => Some(HostKind::GitLab),
        other => {
            return Err(keys.bad(
                "host",
                "host",
                &format!("'{other}' is not \"github\" or \"gitlab\""),
            ));
        }
    };
    let review = match keys.string("review", "review", file.review, "write")?.as_str() {
        "write" => Review::Write,
        "none" => Review::None,
        other => {
            return Err(keys.bad(
                "review",
                "review",
                &format!("'{other}' is not \"write\" or \"none\""),
            ));
        }
    };
    let reviewers = keys.list("reviewers", "reviewers", file.reviewers)?;
    if let Some(bad) = reviewers.iter().find(|r| !is_reviewer(r)) {
        return Err(keys.bad(
            "reviewers",
            "reviewers",
            &format!("'{bad}' is neither a user login nor an org/team slug"),
        ));
    }

    let timeout = keys.string("network_timeout", "networkTimeout", file.network_timeout, "60s")?;
    let network_timeout = parse_duration(&timeout).ok_or_else(|| {
        keys.bad(
            "network_timeout",
            "networkTimeout",
            &format!("'{timeout}' is not a duration (like \"90s\", \"2m\")"),
        )
    })?;
    let (deploy_main, deploy_development) = deploy::load(&mut keys, file.deploy)?;

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
    if prefix.is_empty() || !is_valid_branch_name(&probe) {
        return Err(keys.bad(
            "prefix",
            "prefix",
            &format!("'{prefix}' cannot start branch names (try \"hotfix/\")"),
        ));
    }
    for (key, git_key, value) in
        [("main", "main", &main), ("development", "development", &development)]
    {
        if value.starts_with(&prefix) {
            return Err(keys.bad(
                key,
                git_key,
                &format!("'{value}' is under the hotfix prefix '{prefix}': {key} cannot be a hotfix branch"),
            ));
        }
    }
    // The default is valid: compiled when first matched, which an unrelated push never does.
    let pattern = if pattern == DEFAULT_NAME_PATTERN {
        NamePattern::lazy(DEFAULT_NAME_PATTERN)
    } else {
        let compiled = NamePattern::compile(&pattern).map_err(|e| {
            keys.bad("name_pattern", "namePattern", &format!("not a valid regex: {e}"))
        })?;
        NamePattern::from(compiled)
    };
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
        host,
        review,
        reviewers,
        network_timeout,
        deploy_main,
        deploy_development,
    })
}

/// A positive duration written as `90s`, `15m`, `1h30m` or a number of seconds.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    if let Ok(secs) = text.parse::<u64>() {
        return (secs > 0).then(|| Duration::from_secs(secs));
    }
    let (mut total, mut number) = (0u64, String::new());
    for c in text.chars() {
        match c {
            '0'..='9' => number.push(c),
            'h' | 'm' | 's' if !number.is_empty() => {
                let unit = match c {
                    'h' => 3_600,
                    'm' => 60,
                    _ => 1,
                };
                total = total.checked_add(number.parse::<u64>().ok()?.checked_mul(unit)?)?;
                number.clear();
            }
            _ => return None,
        }
    }
    (number.is_empty() && total > 0).then(|| Duration::from_secs(total))
}

/// A GitHub login (`alice`) or team slug (`acme/team-leads`): letters, digits, `-` and `_`.
fn is_reviewer(name: &str) -> bool {
    let word = |w: &str| {
        !w.is_empty()
            && !w.starts_with('-')
            && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    match name.split_once('/') {
        Some((org, team)) => word(org) && word(team),
        None => word(name),
    }
}

/// A Git config boolean as Git reads it (`yes`, `on`, `1`, …; empty is false); `None` when
/// it is not one.
pub fn git_bool(raw: &str) -> Option<bool> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "on" | "1" => Some(true),
        "false" | "no" | "off" | "0" | "" => Some(false),
        _ => None,
    }
}

/// Resolves each key: Git config first, then the file, then the default; and remembers where a
/// value came from so that an error names it.
struct Keys<'a, G> {
    source: Option<&'a Source>,
    git: &'a G,
    /// Where the file sets each key it sets: the byte offset of the value.
    set_at: Vec<(String, usize)>,
}

impl<G: GitConfig> Keys<'_, G> {
    fn git_value(&self, git_key: &str) -> Option<String> {
        self.git.config_string(&format!("hotfix.{git_key}"))
    }

    fn file_value<T>(&mut self, key: &str, value: Option<Spanned<T>>) -> Option<T> {
        let value = value?;
        self.set_at.push((key.to_owned(), value.span().start));
        Some(value.into_inner())
    }

    fn string(
        &mut self,
        key: &str,
        git_key: &str,
        file: Option<Spanned<String>>,
        default: &str,
    ) -> Result<String> {
        let file = self.file_value(key, file);
        Ok(self.git_value(git_key).or(file).unwrap_or_else(|| default.to_owned()))
    }

    fn number(
        &mut self,
        key: &str,
        git_key: &str,
        file: Option<Spanned<u64>>,
        default: u64,
    ) -> Result<u64> {
        let file = self.file_value(key, file);
        match self.git_value(git_key) {
            Some(raw) => raw.trim().parse().map_err(|_| {
                self.bad(key, git_key, &format!("'{raw}' is not a non-negative integer"))
            }),
            None => Ok(file.unwrap_or(default)),
        }
    }

    /// A list: an array in the file; in Git config, words separated by commas or spaces.
    fn list(
        &mut self,
        key: &str,
        git_key: &str,
        file: Option<Spanned<Vec<String>>>,
    ) -> Result<Vec<String>> {
        let file = self.file_value(key, file);
        Ok(match self.git_value(git_key) {
            Some(raw) => raw
                .split(|c: char| c == ',' || c.is_whitespace())
                .filter(|w| !w.is_empty())
                .map(str::to_owned)
                .collect(),
            None => file.unwrap_or_default(),
        })
    }

    fn boolean(
        &mut self,
        key: &str,
        git_key: &str,
        file: Option<Spanned<bool>>,
        default: bool,
    ) -> Result<bool> {
        let file = self.file_value(key, file);
        match self.git_value(git_key) {
            Some(raw) => git_bool(&raw)
                .ok_or_else(|| self.bad(key, git_key, &format!("'{raw}' is not a boolean"))),
            None => Ok(file.unwrap_or(default)),
        }
    }

    /// An error naming where the bad value of `key` came from.
    fn bad(&self, key: &str, git_key: &str, problem: &str) -> Error {
        if self.git_value(git_key).is_some() {
            return Error::env(format!("git config hotfix.{git_key}: {problem}"))
                .hint(format!("fix it with: git config hotfix.{git_key} <value>, or remove it with: git config --unset hotfix.{git_key}"));
        }
        let at = self.set_at.iter().find(|(k, _)| k == key).map(|&(_, at)| at);
        match self.source.zip(at) {
            Some((src, at)) => Error::env(format!(
                "{}:{}: key `{key}`: {problem}",
                src.label,
                line_at(&src.text, at)
            )),
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

    /// Found by fuzzing: a main under the hotfix prefix was blamed on the prefix, with the
    /// advice to use the prefix already in use.
    #[test]
    fn a_trunk_under_the_prefix_is_blamed_on_the_trunk() {
        let e = load(Some(&file("main = \"hotfix/main\"\n")), &Git::default()).unwrap_err();
        assert_eq!(
            e.message,
            ".githotfix.toml:1: key `main`: 'hotfix/main' is under the hotfix prefix 'hotfix/': \
             main cannot be a hotfix branch"
        );
        let e = load(None, &git(&[("hotfix.prefix", "dev"), ("hotfix.development", "develop")]))
            .unwrap_err();
        assert!(
            e.message.starts_with(
                "git config hotfix.development: 'develop' is under the hotfix prefix 'dev'"
            ),
            "{}",
            e.message
        );
    }

    /// Found by fuzzing: a key's line was found by searching the text, so a multi-line string
    /// quoting `main = …` took the blame for the key below it (and a quoted key got no line).
    #[test]
    fn a_bad_value_is_found_on_its_own_line() {
        let text = "name_pattern = '''\nmain = \"x\"\n'''\nmain = \"a..b\"\n";
        let e = load(Some(&file(text)), &Git::default()).unwrap_err();
        assert!(e.message.starts_with(".githotfix.toml:4: key `main`:"), "{}", e.message);
        let e = load(Some(&file("\n\"main\" = \"a..b\"\n")), &Git::default()).unwrap_err();
        assert!(e.message.starts_with(".githotfix.toml:2: key `main`:"), "{}", e.message);
    }

    #[test]
    fn bad_git_overrides_name_the_git_key() {
        let e = load(None, &git(&[("hotfix.maxLines", "lots")])).unwrap_err();
        assert!(e.message.starts_with("git config hotfix.maxLines:"), "{}", e.message);
        let e = load(None, &git(&[("hotfix.enforceSize", "maybe")])).unwrap_err();
        assert!(e.message.contains("hotfix.enforceSize"), "{}", e.message);
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90"), Some(Duration::from_secs(90)));
        assert_eq!(parse_duration("1h30m"), Some(Duration::from_secs(5_400)));
        assert_eq!(
            parse_duration("2m 5s".replace(' ', "").as_str()),
            Some(Duration::from_secs(125))
        );
        for bad in ["", "0", "0s", "m", "5d", "-5s", "1.5m", "99999999999999999999h"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
        let e = load(Some(&file("network_timeout = \"soon\"\n")), &Git::default()).unwrap_err();
        assert!(e.message.starts_with(".githotfix.toml:1: key `network_timeout`"), "{}", e.message);
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

/// Long run: `PROPTEST_CASES=100000 cargo test --release --bin git-hotfix config::fuzz`
/// (see `src/fuzz.rs`).
#[cfg(test)]
mod fuzz {
    use super::*;
    use crate::fuzz::{bytes, config, text};
    use proptest::prelude::*;
    use std::collections::HashMap;

    const LABEL: &str = ".githotfix.toml";

    /// Git config as `git config hotfix.<key>` would give it.
    #[derive(Debug, Default)]
    struct Git(HashMap<String, String>);
    impl GitConfig for Git {
        fn config_string(&self, key: &str) -> Option<String> {
            self.0.get(key).cloned()
        }
    }

    const GIT_KEYS: [&str; 8] = [
        "remote",
        "main",
        "development",
        "prefix",
        "namePattern",
        "maxFiles",
        "maxLines",
        "enforceSize",
    ];
    const FILE_KEYS: [&str; 8] = [
        "remote",
        "main",
        "development",
        "prefix",
        "name_pattern",
        "max_files",
        "max_lines",
        "enforce_size",
    ];

    /// Any override values, plausible or not.
    fn git_overrides() -> impl Strategy<Value = Git> {
        let value = prop_oneof![
            text(),
            prop::sample::select(vec![
                "", "0", "1", "-1", "+5", "1k", "yes", "off", "main", "hotfix/", "(", "\\"
            ])
            .prop_map(str::to_owned),
        ];
        prop::collection::hash_map(prop::sample::select(GIT_KEYS.to_vec()), value, 0..4)
            .prop_map(|map| Git(map.into_iter().map(|(k, v)| (format!("hotfix.{k}"), v)).collect()))
    }

    /// Text shaped like the file: known and unknown keys, values of every TOML type,
    /// tables, comments, junk.
    fn toml_ish() -> impl Strategy<Value = String> {
        let key = prop_oneof![
            3 => prop::sample::select(FILE_KEYS.to_vec()).prop_map(str::to_owned),
            1 => prop::sample::select(vec!["max_file", "\"main\"", "main.x", "[hotfix]", "[[a]]", ""]).prop_map(str::to_owned),
            1 => text(),
        ];
        let value = prop_oneof![
            text().prop_map(|t| format!("{t:?}")),
            text(),
            any::<i64>().prop_map(|n| n.to_string()),
            prop::sample::select(vec![
                "true",
                "false",
                "[]",
                "{}",
                "1e3",
                "18446744073709551616",
                "'''",
                "\"\"\"\n\"\"\"",
                "0x10",
                "1_000"
            ])
            .prop_map(str::to_owned),
        ];
        let line = (key, prop::sample::select(vec![" = ", "=", " ", ""]), value)
            .prop_map(|(k, eq, v)| format!("{k}{eq}{v}"));
        let eol = prop::sample::select(vec!["\n", "\r\n"]);
        (prop::collection::vec(line, 0..8), eol).prop_map(|(lines, eol)| lines.join(eol))
    }

    fn names_its_source(e: &Error) -> bool {
        e.message.starts_with(&format!("{LABEL}:"))
            || e.message.starts_with("git config hotfix.")
            || e.message.starts_with("key `")
    }

    /// A TOML string holding `s`.
    fn quoted(s: &str) -> String {
        let mut out = String::from("\"");
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
                c => out.push(c),
            }
        }
        out + "\""
    }

    /// Settings every rule accepts.
    #[derive(Debug, Clone)]
    struct Valid {
        remote: String,
        main: String,
        development: String,
        prefix: String,
        pattern: String,
        max_files: u64,
        max_lines: u64,
        enforce_size: bool,
    }

    fn valid() -> impl Strategy<Value = Valid> {
        let branch = "[a-z0-9][a-z0-9._-]{0,10}(/[a-z0-9][a-z0-9_-]{0,8}){0,2}|日本|ünï";
        let pattern = prop::sample::select(vec![
            DEFAULT_NAME_PATTERN,
            "^[A-Z]+-[0-9]+$",
            "^.*$",
            r"^\d+(\.\d+)*$",
            r#"^"quoted"\\$"#,
            "",
        ]);
        (
            "[a-z][a-z0-9_-]{0,10}",
            branch,
            branch,
            "[a-z]{1,8}[/_-]",
            pattern,
            (1..=i64::MAX as u64),
            (1..=i64::MAX as u64),
            any::<bool>(),
        )
            .prop_filter("acceptable", |(remote, main, dev, prefix, ..)| {
                [main, dev]
                    .iter()
                    .all(|b| is_valid_branch_name(b) && !b.starts_with(prefix.as_str()))
                    && main != dev
                    && is_valid_branch_name(remote)
            })
            .prop_map(
                |(
                    remote,
                    main,
                    development,
                    prefix,
                    pattern,
                    max_files,
                    max_lines,
                    enforce_size,
                )| {
                    Valid {
                        remote,
                        main,
                        development,
                        prefix,
                        pattern: pattern.to_owned(),
                        max_files,
                        max_lines,
                        enforce_size,
                    }
                },
            )
    }

    impl Valid {
        /// `(file key, git key, TOML value, Git value, the value as loaded)` for every setting.
        fn entries(&self) -> [(&'static str, &'static str, String, String, String); 8] {
            let text = |key, git_key, value: &String| {
                (key, git_key, quoted(value), value.clone(), value.clone())
            };
            let (files, lines, enforce) = (self.max_files, self.max_lines, self.enforce_size);
            [
                text("remote", "remote", &self.remote),
                text("main", "main", &self.main),
                text("development", "development", &self.development),
                text("prefix", "prefix", &self.prefix),
                text("name_pattern", "namePattern", &self.pattern),
                (
                    "max_files",
                    "maxFiles",
                    files.to_string(),
                    format!(" {files} "),
                    files.to_string(),
                ),
                ("max_lines", "maxLines", lines.to_string(), lines.to_string(), lines.to_string()),
                (
                    "enforce_size",
                    "enforceSize",
                    enforce.to_string(),
                    if enforce { "Yes" } else { "off" }.to_owned(),
                    enforce.to_string(),
                ),
            ]
        }
    }

    proptest! {
        #![proptest_config(config(256))]

        #[test]
        fn any_bytes_load_or_fail_naming_the_source(bytes in bytes(), git in git_overrides()) {
            let loaded = source_from_bytes(LABEL.into(), bytes).and_then(|s| load(Some(&s), &git));
            if let Err(e) = loaded {
                prop_assert!(names_its_source(&e), "{}", e.message);
            }
        }

        #[test]
        fn any_toml_loads_or_fails_naming_the_source(text in toml_ish(), git in git_overrides()) {
            let source = Source { label: LABEL.into(), text };
            if let Err(e) = load(Some(&source), &git) {
                prop_assert!(names_its_source(&e), "{}", e.message);
            }
        }

        #[test]
        fn a_bad_value_is_blamed_on_its_key(
            valid in valid(),
            key in 0..8usize,
            pick: prop::sample::Index,
            in_git: bool,
            decoy: bool,
            comments in prop::collection::vec(any::<bool>(), 8),
        ) {
            let entries = valid.entries();
            let (prefix, main) = (valid.prefix.as_str(), valid.main.as_str());
            let strings = |values: &[&str]| values.iter().map(|v| (quoted(v), v.to_string())).collect();
            let same = |values: &[&str]| values.iter().map(|v| (v.to_string(), v.to_string())).collect();
            // (TOML value, Git value) pairs that make this key alone invalid.
            let bad: Vec<(String, String)> = match key {
                0 => strings(&["a/b", "", "-x", "a b", "."]),
                1 => strings(&["a..b", "", "-x", "x.lock", &format!("{prefix}x")]),
                2 => strings(&["a..b", "", main, &format!("{prefix}y")]),
                3 => strings(&["", "..", "a b", "-", "x~"]),
                4 => strings(&["(", "[z-a]", "(a{1000}){1000}"]),
                5 | 6 if in_git => same(&["0", "lots", "-1", "1.5", ""]),
                5 | 6 => same(&["0", "-1", "\"5\"", "1.5"]),
                _ if in_git => same(&["maybe", "2"]),
                _ => same(&["\"yes\"", "1"]),
            };
            let (bad_toml, bad_git) = pick.get(&bad).clone();
            let (file_key, git_key, ..) = entries[key].clone();
            let mut git = Git::default();
            if in_git {
                git.0.insert(format!("hotfix.{git_key}"), bad_git);
            }
            // A multi-line string whose text looks like the bad key's line comes first.
            let mut text = String::new();
            if decoy && key != 4 {
                text += &format!("name_pattern = '''\n{file_key} = \"decoy\"\n'''\n");
            }
            let mut line = 0;
            for (i, (k, _, toml, ..)) in entries.iter().enumerate() {
                if decoy && key != 4 && i == 4 {
                    continue;
                }
                if comments[i] {
                    text += &format!("# {k} = ?\n\n");
                }
                if i == key {
                    line = text.lines().count() + 1;
                }
                let value = if i == key && !in_git { &bad_toml } else { toml };
                text += &format!("{k} = {value}\n");
            }
            let source = Source { label: LABEL.into(), text: text.clone() };
            let Err(e) = load(Some(&source), &git) else {
                return Err(TestCaseError::fail(format!("accepted {bad_toml:?} for {file_key}\n{text}")));
            };
            let want = if in_git {
                format!("git config hotfix.{git_key}: ")
            } else {
                format!("{LABEL}:{line}: key `{file_key}`: ")
            };
            prop_assert!(e.message.starts_with(&want), "{}\n{}", e.message, text);
        }

        #[test]
        fn valid_settings_load_as_given(
            file_values in valid(),
            git_values in valid(),
            // Per key: 0 default, 1 the file, 2 Git. main, development and prefix come from
            // one place, so that together they stay valid.
            mut from in prop::collection::vec(0..3u8, 8),
            crlf: bool,
            comments: bool,
        ) {
            from[2] = from[1];
            from[3] = from[1];
            let eol = if crlf { "\r\n" } else { "\n" };
            let defaults =
                ["origin", "main", "development", "hotfix/", DEFAULT_NAME_PATTERN, "10", "200", "false"];
            let (mut text, mut git, mut want) = (String::new(), Git::default(), Vec::new());
            let entries = file_values.entries().into_iter().zip(git_values.entries());
            for (i, (file, git_side)) in entries.enumerate() {
                let ((key, _, toml, _, in_file), (_, git_key, _, git_value, in_git)) = (file, git_side);
                if from[i] == 1 {
                    if comments {
                        text += &format!("# {key} = 0{eol}");
                    }
                    text += &format!("{key} = {toml}{eol}");
                }
                if from[i] == 2 {
                    git.0.insert(format!("hotfix.{git_key}"), git_value);
                }
                want.push([defaults[i].to_owned(), in_file, in_git][from[i] as usize].clone());
            }
            let config = load(Some(&Source { label: LABEL.into(), text: text.clone() }), &git)
                .map_err(|e| TestCaseError::fail(format!("{}\n{text}", e.message)))?;
            let got = [
                config.remote,
                config.main,
                config.development,
                config.naming.prefix,
                config.naming.pattern.as_str().to_owned(),
                config.max_files.to_string(),
                config.max_lines.to_string(),
                config.enforce_size.to_string(),
            ];
            prop_assert_eq!(got.to_vec(), want);
        }
    }
}
