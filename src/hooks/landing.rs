//! What a merge or a squash brings onto main or development, for the two local hooks that
//! watch it: prepare-commit-msg refuses to commit a squashed hotfix, post-merge explains the
//! fast-forwards and squashes that no commit hook ever sees.

use crate::config::Config;
use crate::context::Context;
use crate::error::Result;
use crate::policy::{Graph, Rule};
use gix::ObjectId;
use std::collections::HashSet;

/// The long-lived branches the process protects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trunk {
    Main,
    Development,
}

impl Trunk {
    /// Which trunk the local branch `branch` is, if any.
    pub fn of(branch: &str, config: &Config) -> Option<Self> {
        if branch == config.main {
            Some(Self::Main)
        } else if branch == config.development {
            Some(Self::Development)
        } else {
            None
        }
    }

    /// The rule broken when a hotfix lands here without a merge commit.
    pub fn rule(self) -> Rule {
        match self {
            Self::Main => Rule::R3,
            Self::Development => Rule::R4,
        }
    }
}

/// The commits a pending `git merge --squash` staged, from the `commit <id>` lines of its
/// `SQUASH_MSG`; `None` when no squash is pending. (`git commit -m` after a squash passes the
/// source `message`, so the file, not the hook's argument, tells.)
pub fn squashed_commits(ctx: &Context) -> Option<Vec<ObjectId>> {
    let text = std::fs::read(ctx.repo.git_dir().join("SQUASH_MSG")).ok()?;
    Some(squashed_ids(&text, |hex| ctx.repo.parse_id(hex)))
}

/// The ids of a `SQUASH_MSG`'s `commit <id>` lines; `parse_id` reads a full id of the
/// repository's hash kind. Git indents the squashed messages, so none of their lines can pass
/// for one of these.
fn squashed_ids(text: &[u8], parse_id: impl Fn(&str) -> Option<ObjectId>) -> Vec<ObjectId> {
    text.split(|&b| b == b'\n')
        .filter_map(|line| line.strip_prefix(b"commit "))
        .filter_map(|hex| std::str::from_utf8(hex).ok())
        .filter_map(|hex| parse_id(hex.trim()))
        .collect()
}

/// Those of `candidates` that must not land on `trunk` (whose tip was `before`) without a
/// merge commit: on main every one of them (R3); on development the hotfix commits (R4), those
/// reachable from a hotfix branch (local or remote-tracking) or from main, and not from
/// `before`. Other work on development is not this tool's business.
pub fn misplaced(
    ctx: &Context,
    trunk: Trunk,
    before: ObjectId,
    candidates: &[ObjectId],
) -> Result<Vec<ObjectId>> {
    if trunk == Trunk::Main || candidates.is_empty() {
        return Ok(candidates.to_vec());
    }
    let mut tips: Vec<ObjectId> = ctx.hotfix_branches()?.into_iter().map(|h| h.tip).collect();
    tips.extend(trunk_tips(ctx, &ctx.config.main)?);
    let hotfix: HashSet<ObjectId> =
        ctx.repo.commits(&tips, &[before], false)?.into_iter().collect();
    Ok(candidates.iter().copied().filter(|c| hotfix.contains(c)).collect())
}

/// A trunk as the checks see it, and the local branch too: a hotfix merged locally and not
/// pushed yet is already "on main".
fn trunk_tips(ctx: &Context, name: &str) -> Result<Vec<ObjectId>> {
    let mut tips: Vec<ObjectId> = ctx.repo.trunk(&ctx.config, name)?.into_iter().collect();
    tips.extend(ctx.repo.resolve_ref(&format!("refs/heads/{name}"))?);
    Ok(tips)
}

/// The branch to merge again with `--no-ff` instead: the one `git merge <name>` was given (Git
/// passes `GIT_REFLOG_ACTION=merge <name>` to the hooks), else a hotfix branch holding
/// `commit` (local names first), else main or development when it holds it, else a
/// placeholder.
pub fn merge_source(ctx: &Context, commit: ObjectId) -> Result<String> {
    let typed = std::env::var("GIT_REFLOG_ACTION").ok().and_then(|action| {
        action.strip_prefix("merge ")?.split_whitespace().next().map(str::to_owned)
    });
    if let Some(name) = typed {
        return Ok(name);
    }
    for branch in ctx.hotfix_branches()? {
        if ctx.repo.is_ancestor(commit, branch.tip)? {
            return Ok(branch.name);
        }
    }
    for name in [&ctx.config.main, &ctx.config.development] {
        for tip in trunk_tips(ctx, name)? {
            if ctx.repo.is_ancestor(commit, tip)? {
                return Ok(name.clone());
            }
        }
    }
    Ok("<branch>".to_owned())
}

/// `abc1234 Subject` for the first of `commits`, and how many more there are.
pub fn describe(ctx: &Context, commits: &[ObjectId]) -> Result<String> {
    let Some(&first) = commits.first() else { return Ok(String::new()) };
    let mut text = format!("{} {}", ctx.repo.short(first), ctx.repo.subject(first)?);
    if commits.len() > 1 {
        text.push_str(&format!(" and {} more", commits.len() - 1));
    }
    Ok(text)
}

/// Long run: `PROPTEST_CASES=100000 cargo test --release --bin git-hotfix landing::fuzz`
/// (see `src/fuzz.rs`).
#[cfg(test)]
mod fuzz {
    use super::squashed_ids;
    use crate::fuzz::{bytes, config, text};
    use gix::ObjectId;
    use proptest::prelude::*;

    fn sha1(hex: &str) -> Option<ObjectId> {
        (hex.len() == 40).then(|| ObjectId::from_hex(hex.as_bytes()).ok()).flatten()
    }

    /// A squashed commit: its id, author line and message (which may quote `commit <id>`).
    fn commit() -> impl Strategy<Value = (ObjectId, String, String)> {
        let quoting = any::<[u8; 20]>().prop_map(|b| format!("commit {}", ObjectId::from(b)));
        let message = prop::collection::vec(prop_oneof![text(), quoting], 0..4);
        (any::<[u8; 20]>().prop_map(ObjectId::from), text(), message)
            .prop_map(|(id, author, message)| (id, author.replace('\n', " "), message.join("\n")))
    }

    proptest! {
        #![proptest_config(config(512))]

        #[test]
        fn never_panics(text in bytes()) {
            let _ = squashed_ids(&text, sha1);
        }

        /// `git merge --squash` writes `SQUASH_MSG` in `git log`'s medium format.
        #[test]
        fn reads_the_ids_git_writes(commits in prop::collection::vec(commit(), 0..6)) {
            let mut text = String::from("Squashed commit of the following:\n\n");
            for (id, author, message) in &commits {
                text += &format!("commit {id}\nAuthor: {author}\nDate:   Tue Nov 24 11:36:10 2026 +0000\n\n");
                for line in message.lines() {
                    text += &format!("    {line}\n");
                }
                text += "\n";
            }
            let want: Vec<ObjectId> = commits.iter().map(|c| c.0).collect();
            prop_assert_eq!(squashed_ids(text.as_bytes(), sha1), want);
        }
    }
}
