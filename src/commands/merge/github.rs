//! GitHub's side of `merge`: the open pull request, what GitHub would refuse, the review the
//! process asks for, then `PUT …/merge` with `merge_method=merge` pinned to the checked head.

use super::{Request, unapproved};
use crate::config::Review;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::host::github::{GitHub, Pull, verdicts};
use crate::host::url::Project;
use crate::output::{note, say};
use crate::policy::Graph;

/// Roles that count for the review the process asks for.
const WRITE_ROLES: &[&str] = &["admin", "maintain", "write"];

/// Merges on GitHub; `false` when `--dry-run` only showed the call.
pub(super) fn merge(ctx: &Context, project: &Project, request: &Request<'_>) -> Result<bool> {
    let (branch, base, tip_hex) = (request.branch, request.base, request.tip.as_str());
    let remote = &ctx.config.remote;
    let gh = GitHub::new(&project.host, &project.path, ctx.config.network_timeout)?;
    let pull = open_pull(&gh, branch, base)?;
    refuse_unmergeable(ctx, &pull, tip_hex, remote)?;
    if ctx.config.review == Review::Write {
        require_approval(&gh, &pull)?;
    }
    let call = gh.shown("PUT", &format!("repos/{}/pulls/{}/merge", gh.repo, pull.number));
    if request.dry_run {
        say(format!("would run: {call} (merge_method=merge, sha={tip_hex})"));
        return Ok(false);
    }
    note(format!("merging {} with a merge commit: {call}", pull.html_url));
    let refusal = match gh.merge(pull.number, tip_hex)? {
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
    Ok(true)
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
    Err(unapproved(
        &format!("pull request #{} has no approval of its current head", pull.number),
        &without_rights,
        &pull.html_url,
    ))
}
