//! Git's hooks, as hidden subcommands of the one binary (see githooks(5)). The shims that
//! `git hotfix install` writes call `git-hotfix hook <name> "$@"`.

use crate::error::{Error, Result};

#[derive(Debug, clap::Subcommand)]
pub enum HookCommand {
    /// pre-push: `<remote> <url>`, stdin `<local ref> <local oid> <remote ref> <remote oid>`
    PrePush { remote: String, url: String },
    /// prepare-commit-msg: `<file> [<source> [<oid>]]`
    PrepareCommitMsg { file: std::path::PathBuf, source: Option<String>, oid: Option<String> },
    /// post-merge: `<squash flag>`
    PostMerge { squash: String },
    /// pre-receive (servers): stdin `<old> <new> <ref>`
    PreReceive,
}

pub fn run(_hook: HookCommand) -> Result<()> {
    Err(Error::env("not implemented yet"))
}
