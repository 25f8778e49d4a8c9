//! Git's hooks, as hidden subcommands of the one binary (see githooks(5)). The shims that
//! `git hotfix install` writes call `git-hotfix hook <name> "$@"`.

pub mod install;
mod landing;
pub mod post_merge;
pub mod pre_push;
pub mod pre_receive;
pub mod prepare_commit_msg;
pub mod push_rules;

use crate::error::Result;
use std::path::PathBuf;

#[derive(Debug, clap::Subcommand)]
pub enum HookCommand {
    /// pre-push: `<remote> <url>`, stdin `<local ref> <local oid> <remote ref> <remote oid>`
    PrePush { remote: String, url: String },
    /// prepare-commit-msg: `<file> [<source> [<oid>]]`
    PrepareCommitMsg { file: PathBuf, source: Option<String>, oid: Option<String> },
    /// post-merge: `<squash flag>`
    PostMerge { squash: String },
    /// pre-receive (servers): stdin `<old> <new> <ref>`
    PreReceive,
}

pub fn run(hook: HookCommand) -> Result<()> {
    match hook {
        HookCommand::PrePush { remote, url } => pre_push::run(&remote, &url),
        HookCommand::PrepareCommitMsg { file, source, oid } => {
            prepare_commit_msg::run(&file, source.as_deref(), oid.as_deref())
        }
        HookCommand::PostMerge { squash } => post_merge::run(&squash),
        HookCommand::PreReceive => pre_receive::run(),
    }
}
