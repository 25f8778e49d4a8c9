//! Git's hooks, as hidden subcommands of the one binary (see githooks(5)). The shims that
//! `git hotfix install` writes call `git-hotfix hook <name> "$@"`; hook managers call the same
//! entry points: lefthook with Git's arguments and input, pre-commit with its `PRE_COMMIT_*`
//! variables instead (`pre_commit.rs`).

pub mod install;
mod landing;
pub mod post_merge;
mod pre_commit;
pub mod pre_push;
pub mod pre_receive;
pub mod prepare_commit_msg;
pub mod push_rules;

use crate::error::Result;
use std::path::PathBuf;

#[derive(Debug, clap::Subcommand)]
pub enum HookCommand {
    /// pre-push: `<remote> <url>`, stdin `<local ref> <local oid> <remote ref> <remote oid>`
    /// (without arguments for hook managers, which may keep them from us)
    PrePush { remote: Option<String>, url: Option<String> },
    /// prepare-commit-msg: `<file> [<source> [<oid>]]`
    PrepareCommitMsg { file: PathBuf, source: Option<String>, oid: Option<String> },
    /// post-merge: `<squash flag>`
    PostMerge { squash: Option<String> },
    /// pre-receive (servers): stdin `<old> <new> <ref>`
    PreReceive,
}

pub fn run(hook: HookCommand) -> Result<()> {
    let env = |name: &str| std::env::var(name).ok();
    match hook {
        HookCommand::PrePush { remote, .. } => pre_push::run(remote.is_some(), &env),
        HookCommand::PrepareCommitMsg { file, source, oid } => {
            let (source, oid) = match source {
                Some(source) => (Some(source), oid),
                None => (
                    pre_commit::var(&env, "PRE_COMMIT_COMMIT_MSG_SOURCE"),
                    pre_commit::var(&env, "PRE_COMMIT_COMMIT_OBJECT_NAME"),
                ),
            };
            prepare_commit_msg::run(&file, source.as_deref(), oid.as_deref())
        }
        HookCommand::PostMerge { squash } => {
            post_merge::run(squash.or_else(|| pre_commit::var(&env, "PRE_COMMIT_IS_SQUASH_MERGE")))
        }
        HookCommand::PreReceive => pre_receive::run(),
    }
}
