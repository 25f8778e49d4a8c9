//! What the pre-commit framework hands our hooks instead of Git's arguments and input.
//!
//! pre-commit installs its own hook scripts, reads Git's arguments and pre-push input itself,
//! and runs the hooks of `.pre-commit-hooks.yaml` with their arguments in `PRE_COMMIT_*`
//! variables (see pre-commit's `commands/hook_impl.py` and `commands/run.py`), and with
//! `PRE_COMMIT=1`. The variables count only then, so that one left in a shell means nothing.
//!
//! pre-push: pre-commit runs the hook once per push, for the first ref that brings new commits,
//! and skips deletions:
//! - `PRE_COMMIT_REMOTE_BRANCH`: the remote ref (`refs/heads/main`);
//! - `PRE_COMMIT_FROM_REF`, `PRE_COMMIT_TO_REF`: the remote's old commit when this clone has
//!   it, else the parent of the oldest commit no remote-tracking branch has; and the new one;
//! - neither when the pushed history includes a root commit (nothing on the remote to compare
//!   with): then `PRE_COMMIT_LOCAL_BRANCH` names what is pushed.
//!
//! prepare-commit-msg gets the message file as its argument and `PRE_COMMIT_COMMIT_MSG_SOURCE`,
//! `PRE_COMMIT_COMMIT_OBJECT_NAME`; post-merge gets `PRE_COMMIT_IS_SQUASH_MERGE`.

use super::push_rules::{RefUpdate, object_id};
use crate::error::{Error, Result};
use gix::ObjectId;

type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// A `PRE_COMMIT_*` variable, when pre-commit runs us.
pub fn var(env: Env<'_>, name: &str) -> Option<String> {
    (env("PRE_COMMIT").as_deref() == Some("1")).then(|| env(name)).flatten()
}

/// The ref pre-commit says is being pushed, if it says one. `parse_id` reads a full id of
/// this repository's kind, `resolve` a local ref.
pub fn push_update(
    env: Env<'_>,
    parse_id: impl Fn(&str) -> Option<ObjectId>,
    resolve: impl Fn(&str) -> Option<ObjectId>,
) -> Result<Option<RefUpdate>> {
    let Some(remote_ref) = var(env, "PRE_COMMIT_REMOTE_BRANCH") else { return Ok(None) };
    let bad = |why: String| {
        Error::env(format!("pre-push (run by pre-commit): {why}")).hint(
            "pre-commit sets these variables when Git runs its pre-push hook; push with git push",
        )
    };
    if remote_ref.is_empty() || remote_ref.contains(|c: char| c.is_whitespace() || c.is_control()) {
        return Err(bad(format!("PRE_COMMIT_REMOTE_BRANCH {remote_ref:?} names no ref")));
    }
    let id = |name: &str, hex: &str| {
        object_id(hex, &parse_id)
            .map_err(|why| bad(format!("{name}: {why}")))?
            .ok_or_else(|| bad(format!("{name} is all zeros")))
    };
    let (old, new) = match (var(env, "PRE_COMMIT_FROM_REF"), var(env, "PRE_COMMIT_TO_REF")) {
        (Some(from), Some(to)) => {
            (Some(id("PRE_COMMIT_FROM_REF", &from)?), id("PRE_COMMIT_TO_REF", &to)?)
        }
        (None, None) => {
            let local = var(env, "PRE_COMMIT_LOCAL_BRANCH")
                .ok_or_else(|| bad("PRE_COMMIT_REMOTE_BRANCH is set but neither PRE_COMMIT_TO_REF nor PRE_COMMIT_LOCAL_BRANCH is".into()))?;
            let new = resolve(&local).ok_or_else(|| {
                bad(format!("PRE_COMMIT_LOCAL_BRANCH '{local}' is not a commit here"))
            })?;
            (None, new)
        }
        _ => return Err(bad("PRE_COMMIT_FROM_REF and PRE_COMMIT_TO_REF come together".into())),
    };
    Ok(Some(RefUpdate { remote_ref, old, new: Some(new) }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sha1(hex: &str) -> Option<ObjectId> {
        (hex.len() == 40).then(|| ObjectId::from_hex(hex.as_bytes()).ok()).flatten()
    }

    fn update(pairs: &[(&str, &str)]) -> Result<Option<RefUpdate>> {
        let env = |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string());
        push_update(&env, sha1, |name| {
            (name == "refs/heads/main").then(|| sha1(&"c".repeat(40)))?
        })
    }

    #[test]
    fn a_push_is_read_from_pre_commits_variables() {
        let (a, b) = ("a".repeat(40), "b".repeat(40));
        let got = update(&[
            ("PRE_COMMIT", "1"),
            ("PRE_COMMIT_REMOTE_BRANCH", "refs/heads/main"),
            ("PRE_COMMIT_LOCAL_BRANCH", "refs/heads/main"),
            ("PRE_COMMIT_FROM_REF", &a),
            ("PRE_COMMIT_TO_REF", &b),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(
            (got.remote_ref.as_str(), got.old, got.new),
            ("refs/heads/main", sha1(&a), sha1(&b))
        );
        // The whole history, root included: no old commit, the local branch is what is pushed.
        let got = update(&[
            ("PRE_COMMIT", "1"),
            ("PRE_COMMIT_REMOTE_BRANCH", "refs/heads/main"),
            ("PRE_COMMIT_LOCAL_BRANCH", "refs/heads/main"),
        ])
        .unwrap()
        .unwrap();
        assert_eq!((got.old, got.new), (None, sha1(&"c".repeat(40))));
    }

    #[test]
    fn only_pre_commit_is_heard() {
        let b = "b".repeat(40);
        let vars = [("PRE_COMMIT_REMOTE_BRANCH", "refs/heads/main"), ("PRE_COMMIT_TO_REF", &b)];
        assert!(update(&vars).unwrap().is_none(), "without PRE_COMMIT=1");
        assert!(update(&[("PRE_COMMIT", "1")]).unwrap().is_none(), "nothing pushed");
    }

    #[test]
    fn half_a_push_is_an_error() {
        let a = "a".repeat(40);
        for (vars, says) in [
            (vec![("PRE_COMMIT_FROM_REF", a.as_str())], "come together"),
            (
                vec![("PRE_COMMIT_FROM_REF", "abc"), ("PRE_COMMIT_TO_REF", "abc")],
                "not a full object id",
            ),
            (vec![], "neither PRE_COMMIT_TO_REF nor PRE_COMMIT_LOCAL_BRANCH"),
            (vec![("PRE_COMMIT_LOCAL_BRANCH", "nope")], "'nope' is not a commit here"),
        ] {
            let mut all =
                vec![("PRE_COMMIT", "1"), ("PRE_COMMIT_REMOTE_BRANCH", "refs/heads/main")];
            all.extend(vars);
            let e = update(&all).unwrap_err();
            assert!(e.message.contains(says), "{all:?}: {}", e.message);
        }
        let e = update(&[("PRE_COMMIT", "1"), ("PRE_COMMIT_REMOTE_BRANCH", "a b")]).unwrap_err();
        assert!(e.message.contains("names no ref"), "{}", e.message);
    }
}
