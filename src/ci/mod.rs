//! Which CI runs us, and what it asks `git hotfix verify` to check: read from the CI's own
//! variables (and, in GitHub Actions, the event's payload), never guessed. Pure reading: no
//! repository is opened here; commit ids come back as the CI wrote them, checked for form only.
//!
//! Anything missing or contradictory (an event without the fields, a variable without its
//! partner) is an error (exit 2): a CI that cannot say what to check must not pass.

pub mod github;
pub mod gitlab;

use crate::error::{Error, Result};

/// The CI systems whose variables we read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ci {
    GitHub,
    GitLab,
}

impl Ci {
    /// The CI we run in, by the variable each sets to `true` in every job.
    pub fn detect(env: &dyn Fn(&str) -> Option<String>) -> Option<Ci> {
        if env("GITHUB_ACTIONS").as_deref() == Some("true") {
            Some(Ci::GitHub)
        } else if env("GITLAB_CI").as_deref() == Some("true") {
            Some(Ci::GitLab)
        } else {
            None
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Ci::GitHub => "GitHub Actions",
            Ci::GitLab => "GitLab CI",
        }
    }

    /// What this code host calls a pull request.
    pub fn request(self) -> &'static str {
        match self {
            Ci::GitHub => "pull request",
            Ci::GitLab => "merge request",
        }
    }

    /// How to get the whole history in this CI (both check out shallow by default).
    pub fn unshallow_fix(self) -> &'static str {
        match self {
            Ci::GitHub => "check out the whole history: actions/checkout with `fetch-depth: 0`",
            Ci::GitLab => "clone the whole history: set `GIT_DEPTH: 0` in the job's `variables`",
        }
    }

    /// What this CI's job asks us to check.
    pub fn mode(self, env: &dyn Fn(&str) -> Option<String>) -> Result<Mode> {
        match self {
            Ci::GitHub => github::mode(env),
            Ci::GitLab => gitlab::mode(env),
        }
    }
}

/// What a CI job is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// A pull (merge) request from `head_name` at commit `head` into the branch `base`.
    PullRequest { base: String, head: String, head_name: String },
    /// A push that moved `branch` from `before` (`None`: it was created) to `after` (`None`:
    /// it was deleted). `forced`: the CI says the push was forced.
    Push { branch: String, before: Option<String>, after: Option<String>, forced: bool },
    /// A job about something no rule covers (a tag), and what it was.
    Nothing(String),
}

/// A full commit id as a CI writes it (40 or 64 hex digits); all zeros is `None`, Git's
/// "no commit". `what` names where it came from, for the error.
pub fn commit_id(hex: &str, what: &str) -> Result<Option<String>> {
    if !matches!(hex.len(), 40 | 64) || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::env(format!("{what} is {hex:?}, not a full commit id")));
    }
    Ok((!hex.bytes().all(|b| b == b'0')).then(|| hex.to_ascii_lowercase()))
}

/// The branch a full ref names (`refs/heads/x` → `x`); other refs name none.
fn branch_of(reference: &str) -> Option<&str> {
    reference.strip_prefix("refs/heads/").filter(|b| !b.is_empty())
}

/// A variable's value; unset and empty are the same to a CI.
fn var(env: &dyn Fn(&str) -> Option<String>, name: &str) -> Option<String> {
    env(name).filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_full_hex_and_zeros_mean_none() {
        let a = "A".repeat(40);
        assert_eq!(commit_id(&a, "x").unwrap(), Some("a".repeat(40)));
        assert_eq!(commit_id(&"0".repeat(40), "x").unwrap(), None);
        for bad in ["", "abc", &"g".repeat(40), &"1".repeat(41)] {
            let e = commit_id(bad, "`before`").unwrap_err();
            assert!(e.message.starts_with("`before` is"), "{}", e.message);
        }
    }

    #[test]
    fn only_branches_are_branches() {
        assert_eq!(branch_of("refs/heads/hotfix/x"), Some("hotfix/x"));
        assert_eq!(branch_of("refs/tags/v1"), None);
        assert_eq!(branch_of("refs/heads/"), None);
    }

    #[test]
    fn the_ci_is_known_by_its_own_variable() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
        };
        assert_eq!(Ci::detect(&env(&[("GITHUB_ACTIONS", "true")])), Some(Ci::GitHub));
        assert_eq!(Ci::detect(&env(&[("GITLAB_CI", "true")])), Some(Ci::GitLab));
        assert_eq!(Ci::detect(&env(&[("CI", "true")])), None);
    }
}
