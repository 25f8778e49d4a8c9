//! `git hotfix merge`: merge the hotfix's pull request (GitHub) or merge request (GitLab) with
//! a merge commit, after every check the process asks for, then confirm from the fetched
//! history that the host did exactly that. The host's side lives in `github.rs` and
//! `gitlab.rs`.

mod github;
mod gitlab;

use crate::context::Context;
use crate::error::{Error, Result};
use crate::host::url::Forge;
use crate::hotfix::state::{self, Base, Target};
use crate::hotfix::{checks, deployments, steps};
use crate::output::{self, note, say};
use crate::policy::{CommitRef, Graph};
use gix::ObjectId;

/// Merge the hotfix's pull request on the code host with a merge commit
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// The hotfix branch (default: the current branch)
    branch: Option<String>,
    /// The pull request's base: main, or development once the hotfix is in main
    /// [default: main until main contains the hotfix, then development]
    #[arg(long, value_name = "BRANCH")]
    to: Option<String>,
    /// Make every check and show the call, but merge nothing
    #[arg(long)]
    dry_run: bool,
    /// Into development: go ahead although main's deployment of the hotfix has not succeeded
    #[arg(long)]
    no_deploy_check: bool,
}

/// The merge a host is asked for: the hotfix branch at `tip` into `base`.
struct Request<'a> {
    branch: &'a str,
    base: &'a str,
    /// The remote's tip of the branch, in hex: the host's head must be exactly this.
    tip: String,
    dry_run: bool,
}

pub fn run(args: &MergeArgs) -> Result<()> {
    let ctx = Context::open()?;
    let branch = state::target(&ctx, args.branch.as_deref())?;
    let remote = ctx.config.remote.clone();
    let project = ctx
        .project()
        .filter(|p| matches!(p.forge, Forge::GitHub | Forge::GitLab))
        .ok_or_else(|| {
            Error::env(format!(
                "{remote} is not on GitHub or GitLab: git hotfix merge merges their pull and merge requests"
            ))
            .hint("for a self-hosted GitHub or GitLab, set host = \"github\" or \"gitlab\" in .githotfix.toml")
            .hint("elsewhere, merge on the host with a merge commit; git hotfix verify checks the result")
        })?;
    steps::fetch(&ctx, false)?;
    let tip =
        ctx.repo.resolve_ref(&format!("refs/remotes/{remote}/{branch}"))?.ok_or_else(|| {
            Error::refused(format!("'{branch}' is not on {remote}: there is nothing to merge"))
                .hint("publish it and open its pull request: git hotfix publish --pr")
        })?;
    let trunks = ctx.trunks()?;
    let Base { target, name: base, tip: base_tip, in_main } =
        Base::choose(&ctx, &trunks, args.to.as_deref(), tip)?;
    if target == Target::Development && !in_main {
        return Err(Error::refused(format!(
            "'{branch}' goes into {base} only after {} has it (R8)",
            ctx.config.main
        ))
        .hint(format!(
            "merge it into {} first: git hotfix merge {branch} --to {}",
            ctx.config.main, ctx.config.main
        )));
    }
    if ctx.repo.is_ancestor(tip, base_tip)? {
        say(format!("'{branch}' is already in {base}: nothing to merge."));
        return Ok(());
    }
    let found = checks::hotfix_branch(&ctx, &trunks, &branch, tip)?;
    output::violations(&found);
    let errors = found.iter().filter(|v| v.is_error()).count();
    if errors > 0 {
        return Err(Error::refused(format!(
            "'{branch}' breaks {errors} rule(s) above: it was not merged"
        )));
    }

    if target == Target::Development {
        deployments::gate(&ctx, &trunks, &branch, tip, args.no_deploy_check)?;
    }
    let request =
        Request { branch: &branch, base: &base, tip: tip.to_string(), dry_run: args.dry_run };
    let merged = match project.forge {
        Forge::GitLab => gitlab::merge(&ctx, &project, &request)?,
        _ => github::merge(&ctx, &project, &request)?,
    };
    if !merged {
        return Ok(()); // --dry-run: the call was shown
    }
    confirm(&ctx, project.forge_name(), &base, base_tip, tip, &branch)?;
    match target {
        Target::Main => note(format!(
            "next: watch the deployment, then bring the same branch into {}: git hotfix publish --pr --to {} && git hotfix merge {branch}",
            ctx.config.development, ctx.config.development
        )),
        Target::Development => note(format!("next: git hotfix cleanup {branch}")),
    }
    Ok(())
}

/// The refusal when nobody with write access approved: `what` lacks it; `without_rights` are
/// the approvals that do not count; `url` is where to ask for one.
fn unapproved(what: &str, without_rights: &[String], url: &str) -> Error {
    let mut err = Error::refused(format!("{what} by someone with write access"));
    if !without_rights.is_empty() {
        err =
            err.hint(format!("approved, but without write access: {}", without_rights.join(", ")));
    }
    err.hint(format!("ask a teammate with write access to review it: {url}"))
        .hint("a solo project can turn this off: review = \"none\" in .githotfix.toml")
}

/// After the merge: `base`'s new tip must be a merge commit of the old tip (or a newer one) and
/// exactly the checked head.
fn confirm(
    ctx: &Context,
    host: &str,
    base: &str,
    before: ObjectId,
    head: ObjectId,
    branch: &str,
) -> Result<()> {
    let remote = &ctx.config.remote;
    steps::fetch(ctx, false)?;
    let Some(now) = ctx.repo.resolve_ref(&format!("refs/remotes/{remote}/{base}"))? else {
        return Err(Error::env(format!("{remote}/{base} is gone after the merge")));
    };
    let parents = ctx.repo.parents(now)?;
    let proper =
        parents.len() == 2 && parents[1] == head && ctx.repo.is_ancestor(before, parents[0])?;
    let holds = CommitRef::of(&ctx.repo, now)?;
    if proper {
        say(format!("merged: {base} is now {holds}, a merge commit of '{branch}'"));
        return Ok(());
    }
    let what = match parents.len() {
        1 if ctx.repo.is_ancestor(head, now)? => "fast-forwarded or rebased the branch onto it",
        1 => "squashed or rebased the hotfix into it: the branch's own commits are not there",
        _ => "merged something other than the checked head",
    };
    Err(Error::refused(format!(
        "the process was broken on {host}: {base} is now {holds}; the host {what}"
    ))
    .hint(format!(
        "repair: merge the branch itself into {base} with a merge commit, so that {base} holds the hotfix's own commits: git switch {base} && git pull && git merge --no-ff {branch} && git push"
    ))
    .hint("then stop it from happening again: git hotfix doctor --fix"))
}
