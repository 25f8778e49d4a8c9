//! `git hotfix merge`: merge the hotfix's pull request on GitHub with a merge commit, after
//! every check the process asks for, then confirm from the fetched history that the host did
//! exactly that.

use crate::config::Review;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::host::github::{GitHub, Pull, verdicts};
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

/// Roles that count for the review the process asks for.
const WRITE_ROLES: &[&str] = &["admin", "maintain", "write"];

pub fn run(args: &MergeArgs) -> Result<()> {
    let ctx = Context::open()?;
    let branch = state::target(&ctx, args.branch.as_deref())?;
    let remote = ctx.config.remote.clone();
    let project = ctx.project().filter(|p| p.forge == Forge::GitHub).ok_or_else(|| {
        Error::env(format!(
            "{remote} is not on GitHub: git hotfix merge merges GitHub pull requests"
        ))
        .hint("for a GitHub Enterprise host, set host = \"github\" in .githotfix.toml")
        .hint(
            "elsewhere, merge on the host with a merge commit; git hotfix verify checks the result",
        )
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
    let gh = GitHub::new(&project.host, &project.path, ctx.config.network_timeout)?;
    let pull = open_pull(&gh, &branch, &base)?;
    let tip_hex = tip.to_string();
    refuse_unmergeable(&ctx, &pull, &tip_hex, &remote)?;
    if ctx.config.review == Review::Write {
        require_approval(&gh, &pull)?;
    }
    let call = gh.shown("PUT", &format!("repos/{}/pulls/{}/merge", gh.repo, pull.number));
    if args.dry_run {
        say(format!("would run: {call} (merge_method=merge, sha={tip_hex})"));
        return Ok(());
    }
    note(format!("merging {} with a merge commit: {call}", pull.html_url));
    let refusal = match gh.merge(pull.number, &tip_hex)? {
        Ok(merged) if merged.merged => None,
        Ok(_) => Some(format!("GitHub answered without merging pull request #{}", pull.number)),
        Err(refusal) => Some(match refusal.status {
            Some(409) => format!(
                "'{branch}' moved on GitHub between the check and the merge ({})",
                refusal.message
            ),
            _ => format!("GitHub did not merge pull request #{}: {}", pull.number, refusal.message),
        }),
    };
    if let Some(why) = refusal {
        return Err(Error::refused(why).hint(format!(
            "nothing was merged; fetch and run it again: git hotfix merge {branch}"
        )));
    }
    confirm(&ctx, &base, base_tip, tip, &branch)?;
    match target {
        Target::Main => note(format!(
            "next: watch the deployment, then bring the same branch into {}: git hotfix publish --pr --to {} && git hotfix merge {branch}",
            ctx.config.development, ctx.config.development
        )),
        Target::Development => note(format!("next: git hotfix cleanup {branch}")),
    }
    Ok(())
}

/// The one open pull request from `branch` into `base`.
fn open_pull(gh: &GitHub, branch: &str, base: &str) -> Result<Pull> {
    let pulls = gh.open_pulls(branch, base)?;
    let Some(found) = pulls.first() else {
        return Err(Error::refused(format!(
            "there is no open pull request from '{branch}' into {base}"
        ))
        .hint(format!("open one: git hotfix publish --pr --to {base}")));
    };
    gh.pull(found.number)
}

/// Refuses, in plain words, what GitHub would not merge or the process does not want merged.
fn refuse_unmergeable(ctx: &Context, pull: &Pull, tip: &str, remote: &str) -> Result<()> {
    let n = pull.number;
    if pull.draft {
        return Err(Error::refused(format!("pull request #{n} is a draft"))
            .hint(format!("mark it ready for review on GitHub: {}", pull.html_url)));
    }
    if pull.head.sha != tip {
        let theirs = ctx
            .repo
            .parse_id(&pull.head.sha)
            .map_or(pull.head.sha.clone(), |id| ctx.repo.short(id));
        return Err(Error::refused(format!(
            "pull request #{n}'s head is {theirs}, but {remote}/{} is at {}",
            pull.head.name,
            &tip[..7]
        ))
        .hint("GitHub has not caught up with the last push, or the branch moved: wait a moment, fetch, and run it again"));
    }
    let state = pull.mergeable_state.as_deref().unwrap_or("unknown");
    let why = match (pull.mergeable, state) {
        (Some(false), _) | (_, "dirty") => {
            format!(
                "pull request #{n} conflicts with {}: merge {} into the branch, resolve, push, then run it again",
                pull.base.name, pull.base.name
            )
        }
        (_, "blocked") => format!(
            "GitHub blocks pull request #{n}: a required check or review is missing (see {})",
            pull.html_url
        ),
        (_, "behind") => {
            format!("pull request #{n} must be brought up to date with {} first", pull.base.name)
        }
        (None, _) => format!(
            "GitHub is still working out whether pull request #{n} can be merged: run it again in a few seconds"
        ),
        _ => return Ok(()),
    };
    Err(Error::refused(why))
}

/// An approval of the current head by someone with write, maintain or admin rights.
fn require_approval(gh: &GitHub, pull: &Pull) -> Result<()> {
    let reviews = gh.reviews(pull.number)?;
    let mut without_rights = Vec::new();
    for (user, state) in verdicts(&reviews, &pull.head.sha) {
        if state != "APPROVED" {
            continue;
        }
        match gh.role(user)? {
            Some(role) if WRITE_ROLES.contains(&role.as_str()) => return Ok(()),
            role => {
                without_rights.push(format!("{user} ({})", role.as_deref().unwrap_or("no access")));
            }
        }
    }
    let mut err = Error::refused(format!(
        "pull request #{} has no approval of its current head by someone with write access",
        pull.number
    ));
    if !without_rights.is_empty() {
        err =
            err.hint(format!("approved, but without write access: {}", without_rights.join(", ")));
    }
    Err(err
        .hint(format!("ask a teammate with write access to review it: {}", pull.html_url))
        .hint("a solo project can turn this off: review = \"none\" in .githotfix.toml"))
}

/// After the merge: `base`'s new tip must be a merge commit of the old tip (or a newer one) and
/// exactly the checked head.
fn confirm(
    ctx: &Context,
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
        "the process was broken on GitHub: {base} is now {holds}; the host {what}"
    ))
    .hint(format!(
        "repair: merge the branch itself into {base} with a merge commit, so that {base} holds the hotfix's own commits: git switch {base} && git pull && git merge --no-ff {branch} && git push"
    ))
    .hint("then stop it from happening again: git hotfix doctor --fix"))
}
