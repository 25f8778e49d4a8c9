//! R1: what a hotfix branch may be called, and how a description becomes a valid name.

use super::{Rule, Violation};
use regex::{Regex, RegexBuilder};
use std::sync::OnceLock;

/// Longest description SPEC allows after the prefix.
pub const MAX_DESC_LEN: usize = 64;

/// The naming rule, compiled from the configuration.
#[derive(Debug, Clone)]
pub struct Naming {
    pub prefix: String,
    pub pattern: NamePattern,
}

/// The pattern a description must match. A pattern known to be valid is compiled when first
/// used: compiling costs a fifth of what a pre-push hook does for an unrelated ref, which never
/// matches a name.
#[derive(Debug, Clone)]
pub struct NamePattern {
    source: &'static str,
    compiled: OnceLock<Regex>,
}

impl NamePattern {
    /// `source`, which must be a valid pattern (a constant), compiled when first matched.
    pub fn lazy(source: &'static str) -> Self {
        Self { source, compiled: OnceLock::new() }
    }

    pub fn is_match(&self, text: &str) -> bool {
        self.regex().is_match(text)
    }

    pub fn as_str(&self) -> &str {
        self.compiled.get().map_or(self.source, Regex::as_str)
    }

    fn regex(&self) -> &Regex {
        self.compiled.get_or_init(|| Self::compile(self.source).expect("a valid constant pattern"))
    }

    /// A pattern from the configuration, within bounds: a team's file must not be able to make
    /// every hook compile something huge.
    pub fn compile(source: &str) -> Result<Regex, regex::Error> {
        const LIMIT: usize = 1 << 20;
        RegexBuilder::new(source).size_limit(LIMIT).dfa_size_limit(LIMIT).build()
    }
}

impl From<Regex> for NamePattern {
    fn from(compiled: Regex) -> Self {
        Self { source: "", compiled: OnceLock::from(compiled) }
    }
}

impl Naming {
    /// The description part of `branch` when it is under the hotfix prefix.
    pub fn desc<'b>(&self, branch: &'b str) -> Option<&'b str> {
        branch.strip_prefix(self.prefix.as_str())
    }

    /// R1 for a branch under the prefix; `None` when the name is fine.
    pub fn check(&self, branch: &str) -> Option<Violation> {
        let desc = self.desc(branch)?;
        let problem = self.problem(branch)?;
        let suggestion = self.suggest(desc);
        let fix = match &suggestion {
            Some(name) => format!("rename it: git branch -m -- '{branch}' '{name}'"),
            None => format!(
                "rename it to {}<desc> where <desc> matches {}",
                self.prefix,
                self.pattern.as_str()
            ),
        };
        Some(Violation::error(Rule::R1, branch, format!("branch '{branch}' {problem}")).fix(fix))
    }

    /// What is wrong with a name under the prefix, if anything.
    fn problem(&self, branch: &str) -> Option<String> {
        let desc = self.desc(branch)?;
        let problem = if desc.is_empty() {
            "has no description after the prefix".to_owned()
        } else if desc.chars().count() > MAX_DESC_LEN {
            format!("has a description longer than {MAX_DESC_LEN} characters")
        } else if !self.pattern.is_match(desc) {
            format!("does not match the name pattern {}", self.pattern.as_str())
        } else if !is_valid_branch_name(branch) {
            "is not a valid Git branch name".to_owned()
        } else {
            return None;
        };
        Some(problem)
    }

    /// A valid name derived from `desc`, if normalising gives one.
    pub fn suggest(&self, desc: &str) -> Option<String> {
        let normal = normalise(desc, &self.prefix);
        let name = format!("{}{normal}", self.prefix);
        (!normal.is_empty() && self.problem(&name).is_none()).then_some(name)
    }
}

/// SPEC's normalisation of a description: lowercase, every run of characters other than ASCII
/// letters and digits becomes one `-` (a single `.` between two of them stays, so `v1.2`
/// survives), no leading or trailing separator, at most [`MAX_DESC_LEN`] characters, and a
/// leading prefix (`hotfix/`) is accepted and dropped. A trailing `.lock`, which Git forbids
/// (`x.lock` is its lock file for ref `x`), becomes `-lock`.
pub fn normalise(input: &str, prefix: &str) -> String {
    let input = input.trim();
    let input = input.strip_prefix(prefix).unwrap_or(input);
    let lower = input.to_lowercase();
    let chars: Vec<char> = lower.chars().collect();
    let mut out = String::new();
    let mut pending_dash = false;
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(c);
        } else if c == '.'
            && !pending_dash
            && out.ends_with(|p: char| p.is_ascii_alphanumeric())
            && chars.get(i + 1).is_some_and(char::is_ascii_alphanumeric)
        {
            out.push('.');
        } else {
            pending_dash = true;
        }
    }
    if out.len() > MAX_DESC_LEN {
        out.truncate(MAX_DESC_LEN);
        while out.ends_with(['-', '.']) {
            out.pop();
        }
    }
    if out.ends_with(".lock") {
        out.replace_range(out.len() - ".lock".len()..out.len() - "lock".len(), "-");
    }
    out
}

/// `git check-ref-format --branch` for `refs/heads/<name>`, without Git; except that `@` is
/// refused too, which Git accepts as a branch but reads as HEAD wherever a revision goes.
pub fn is_valid_branch_name(name: &str) -> bool {
    if name.is_empty() || name.starts_with('-') || name == "HEAD" || name == "@" {
        return false;
    }
    if name.ends_with('/') || name.ends_with('.') || name.contains("..") || name.contains("@{") {
        return false;
    }
    let bad_char = |c: char| c.is_ascii_control() || " ~^:?*[\\".contains(c);
    if name.chars().any(bad_char) {
        return false;
    }
    name.split('/')
        .all(|part| !part.is_empty() && !part.starts_with('.') && !part.ends_with(".lock"))
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_lazy_pattern_matches_as_the_compiled_one() {
        let source = crate::config::DEFAULT_NAME_PATTERN;
        let lazy = super::NamePattern::lazy(source);
        assert_eq!(lazy.as_str(), source, "readable before it is compiled");
        let compiled = super::NamePattern::from(regex::Regex::new(source).unwrap());
        for desc in ["fix-login", "Fix", "a..b", "v1.2", "-x", ""] {
            assert_eq!(lazy.is_match(desc), compiled.is_match(desc), "{desc:?}");
        }
        assert_eq!(lazy.as_str(), compiled.as_str());
    }
    use super::*;
    use crate::policy::graph::fake::naming;

    #[test]
    fn normalises_descriptions() {
        let cases = [
            ("Fix Authentication Timeout", "fix-authentication-timeout"),
            ("hotfix/fix-login", "fix-login"),
            ("  --Fix__the   bug!!  ", "fix-the-bug"),
            ("bump to v1.2.3", "bump-to-v1.2.3"),
            ("a..b", "a-b"),
            ("end.", "end"),
            ("Ünïcode bug", "n-code-bug"),
            ("@{upstream}", "upstream"),
            ("-x", "x"),
            ("...", ""),
            ("config.lock", "config-lock"),
        ];
        for (input, want) in cases {
            assert_eq!(normalise(input, "hotfix/"), want, "{input}");
        }
        assert_eq!(normalise(&"a".repeat(300), "hotfix/").len(), MAX_DESC_LEN);
        assert_eq!(normalise(&format!("{}-b", "a".repeat(63)), "hotfix/"), "a".repeat(63));
    }

    /// Found by fuzzing: `fix.lock` normalised to itself, and `hotfix/fix.lock` is not a
    /// branch name Git accepts.
    #[test]
    fn normalising_never_ends_in_dot_lock() {
        assert_eq!(normalise("remove stale index.lock", "hotfix/"), "remove-stale-index-lock");
        assert_eq!(
            normalise(&format!("{}.lock", "a".repeat(59)), "hotfix/"),
            format!("{}-lock", "a".repeat(59))
        );
        assert_eq!(
            normalise(&format!("{}.locked", "a".repeat(59)), "hotfix/"),
            format!("{}-lock", "a".repeat(59))
        );
        assert_eq!(normalise("x.lock.json", "hotfix/"), "x.lock.json");
    }

    #[test]
    fn validates_git_branch_names() {
        for ok in ["hotfix/ok-1", "hotfix/ünï", "a/b.c", "hotfix/a@b"] {
            assert!(is_valid_branch_name(ok), "{ok}");
        }
        for bad in [
            "hotfix/bad..x",
            "hotfix/a b",
            "hotfix/x.lock",
            "hotfix/",
            "-leading",
            "hotfix/@{x",
            "HEAD",
            "hotfix//x",
            "hotfix/x.",
            "hotfix/.x",
            "a~1",
            "a^",
            "a:b",
            "a?",
            "a*",
            "a[",
            "a\\b",
            "a\tb",
            "@",
        ] {
            assert!(!is_valid_branch_name(bad), "{bad}");
        }
    }

    #[test]
    fn r1_accepts_good_names_and_ignores_other_prefixes() {
        let n = naming();
        assert_eq!(n.check("hotfix/fix-login"), None);
        assert_eq!(n.check("hotfix/v1.2.3"), None);
        assert_eq!(n.check("feature/Whatever Goes"), None);
    }

    #[test]
    fn r1_rejects_bad_names_with_a_suggestion() {
        let n = naming();
        let v = n.check("hotfix/Fix_Login").unwrap();
        assert_eq!(v.rule, Rule::R1);
        assert!(v.message.contains("does not match"), "{}", v.message);
        assert!(v.fix.contains("hotfix/fix-login"), "{}", v.fix);
        assert!(n.check("hotfix/").unwrap().message.contains("no description"));
        assert!(n.check(&format!("hotfix/{}", "a".repeat(65))).unwrap().message.contains("longer"));
    }

    #[test]
    fn a_pattern_normalising_cannot_meet_gets_no_suggestion() {
        let n = Naming {
            prefix: "hotfix/".into(),
            pattern: Regex::new("^[A-Z]+-[0-9]+$").unwrap().into(),
        };
        let v = n.check("hotfix/fix login").unwrap();
        assert!(v.fix.contains("where <desc> matches ^[A-Z]+-[0-9]+$"), "{}", v.fix);
        assert_eq!(n.check("hotfix/OPS-12"), None);
    }

    #[test]
    fn r1_checks_git_validity_even_with_a_lax_pattern() {
        let n = Naming { prefix: "hotfix/".into(), pattern: Regex::new(".*").unwrap().into() };
        assert!(n.check("hotfix/a..b").unwrap().message.contains("not a valid Git branch"));
        assert_eq!(n.check("hotfix/anything_goes"), None);
    }
}

/// Long run: `PROPTEST_CASES=5000 cargo test --release --bin git-hotfix naming::fuzz`
/// (see `src/fuzz.rs`); the comparison with Git runs one `git` per case.
#[cfg(test)]
mod fuzz {
    use super::*;
    use crate::fuzz::{config, text};
    use proptest::prelude::*;

    fn default_pattern() -> Regex {
        Regex::new(crate::config::DEFAULT_NAME_PATTERN).unwrap()
    }

    /// Prefixes a team may configure; all hold a character that normalising never writes.
    fn prefix() -> impl Strategy<Value = String> {
        prop_oneof![Just("hotfix/".to_owned()), "[a-z]{1,6}[/_]", "[a-z]{1,4}/[a-z]{1,4}[/_]"]
    }

    /// Descriptions as people type them, the prefix included now and then.
    fn description() -> impl Strategy<Value = String> {
        let text = prop_oneof![text(), branch_name()];
        (prop::option::of(prefix()), text).prop_map(|(p, t)| p.unwrap_or_default() + &t)
    }

    /// Branch names built from what Git's ref rules are about.
    fn branch_name() -> impl Strategy<Value = String> {
        let token = prop::sample::select(vec![
            "a", "Z", "0", "fix", "/", "//", ".", "..", "-", "_", "@", "@{", "{", "}", " ", "~",
            "^", ":", "?", "*", "[", "]", "\\", "\t", "\x01", "\x1f", "\x7f", "é", "日", "lock",
            ".lock", "HEAD", "'", "\"", "#", "!", ",", "=", "+", "%", "\u{a0}", "\u{2028}",
        ]);
        prop::collection::vec(token, 0..8).prop_map(|t| t.concat())
    }

    proptest! {
        #![proptest_config(config(512))]

        #[test]
        fn never_panics(desc in text(), prefix in prefix()) {
            let naming = Naming { prefix: prefix.clone(), pattern: default_pattern().into() };
            let _ = normalise(&desc, &prefix);
            let _ = is_valid_branch_name(&desc);
            let _ = naming.check(&format!("{prefix}{desc}"));
            let _ = naming.suggest(&desc);
        }

        #[test]
        fn normalised_descriptions_make_valid_names(desc in description(), prefix in prefix()) {
            let normal = normalise(&desc, &prefix);
            if !normal.is_empty() {
                prop_assert!(default_pattern().is_match(&normal), "{:?} -> {:?}", desc, normal);
                prop_assert!(is_valid_branch_name(&format!("{prefix}{normal}")), "{:?} -> {:?}", desc, normal);
                prop_assert!(normal.chars().count() <= MAX_DESC_LEN);
            }
            prop_assert_eq!(normalise(&normal, &prefix), normal.clone(), "normalising twice");
        }

        #[test]
        fn suggestions_pass_the_rule(desc in description(), prefix in prefix()) {
            let naming = Naming { prefix: prefix.clone(), pattern: default_pattern().into() };
            if let Some(name) = naming.suggest(&desc) {
                prop_assert_eq!(naming.check(&name).map(|v| v.message), None);
            }
            let branch = format!("{prefix}{desc}");
            if let Some(violation) = naming.check(&branch) {
                prop_assert_eq!(violation.rule, Rule::R1);
            }
        }
    }

    proptest! {
        #![proptest_config(config(256))]

        #[test]
        fn branch_names_are_judged_as_git_judges_them(name in branch_name()) {
            let dir = tempfile::tempdir().unwrap();
            let dir = dir.path().to_str().unwrap();
            let args = ["-C", dir, "check-ref-format", "--branch", &name];
            let git = crate::spawn::Git::here().succeeds(&args).unwrap();
            prop_assert_eq!(is_valid_branch_name(&name), git && name != "@", "{:?}", name);
        }
    }
}
