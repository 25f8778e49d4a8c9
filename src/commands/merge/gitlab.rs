//! GitLab's side of `merge`: the open merge request, what GitLab would refuse, the approval the
//! process asks for, then `PUT …/merge` without squashing, pinned to the checked head. GitLab
//! makes a merge commit only when the project's merge method is `merge`, so that is checked
//! first.

use super::{Request, unapproved};
use crate::config::Review;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::host::gitlab::{GitLab, MergeRequest};
use crate::host::url::Project;
use crate::output::{note, say};

/// Developer (30) and above may push and merge: GitLab's "write access".
const DEVELOPER: u32 = 30;

/// Merges on GitLab; `false` when `--dry-run` only showed the call.
pub(super) fn merge(ctx: &Context, project: &Project, request: &Request<'_>) -> Result<bool> {
    let (branch, base, tip) = (request.branch, request.base, request.tip.as_str());
    let gl = GitLab::new(&project.host, &project.path, ctx.config.network_timeout)?;
    let method = gl.project()?.merge_method;
    if method != "merge" {
        return Err(Error::refused(format!(
            "the project's merge method is '{method}': GitLab would merge without a merge commit of the hotfix"
        ))
        .hint("set Settings > Merge requests > Merge method to \"Merge commit\" (git hotfix doctor checks it)"));
    }
    let found = gl.open_merge_requests(branch, base)?;
    let Some(first) = found.first() else {
        return Err(Error::refused(format!(
            "there is no open merge request from '{branch}' into {base}"
        ))
        .hint(format!("open one on GitLab: {}", project.pull_request_url(base, branch))));
    };
    let mr = gl.merge_request(first.iid)?;
    refuse_unmergeable(&mr, tip, &ctx.config.remote, branch)?;
    if ctx.config.review == Review::Write {
        require_approval(&gl, &mr)?;
    }
    let call = gl.shown("PUT", &format!("projects/{}/merge_requests/{}/merge", gl.id(), mr.iid));
    if request.dry_run {
        say(format!("would run: {call} (sha={tip}, squash=false)"));
        return Ok(false);
    }
    note(format!("merging {} with a merge commit: {call}", mr.web_url));
    if let Err(refusal) = gl.merge(mr.iid, tip)? {
        let why = match refusal.status {
            Some(409) => format!(
                "'{branch}' moved on GitLab between the check and the merge ({})",
                refusal.message
            ),
            _ => format!("GitLab did not merge !{}: {}", mr.iid, refusal.message),
        };
        return Err(Error::refused(why).hint(format!(
            "nothing was merged; fetch and run it again: git hotfix merge {branch}"
        )));
    }
    Ok(true)
}

/// Refuses, in plain words, what GitLab would not merge.
fn refuse_unmergeable(mr: &MergeRequest, tip: &str, remote: &str, branch: &str) -> Result<()> {
    let n = mr.iid;
    if mr.draft || mr.work_in_progress {
        return Err(Error::refused(format!("merge request !{n} is a draft"))
            .hint(format!("mark it ready on GitLab: {}", mr.web_url)));
    }
    if mr.sha.as_deref() != Some(tip) {
        return Err(Error::refused(format!(
            "merge request !{n}'s head is {}, but {remote}/{branch} is at {}",
            mr.sha.as_deref().map_or("unknown", |s| &s[..s.len().min(7)]),
            &tip[..7]
        ))
        .hint("GitLab has not caught up with the last push, or the branch moved: wait a moment, fetch, and run it again"));
    }
    let why = match mr.detailed_merge_status.as_deref().unwrap_or("mergeable") {
        "mergeable" => return Ok(()),
        "conflict" => format!(
            "merge request !{n} conflicts with its target: merge the target into the branch, resolve, push, then run it again"
        ),
        "need_rebase" => format!(
            "GitLab wants merge request !{n} rebased, which would copy the hotfix's commits: set the merge method to \"Merge commit\""
        ),
        "not_approved" => {
            format!("GitLab requires approvals on merge request !{n} that it does not have yet")
        }
        "ci_must_pass" | "ci_still_running" => {
            format!("merge request !{n} waits for its pipeline to pass")
        }
        "discussions_not_resolved" => format!("merge request !{n} has unresolved discussions"),
        "checking" | "unchecked" | "preparing" => format!(
            "GitLab is still working out whether !{n} can be merged: run it again in a few seconds"
        ),
        other => format!("GitLab will not merge !{n} yet ({other}): see {}", mr.web_url),
    };
    Err(Error::refused(why))
}

/// An approval by a member with developer access or more.
fn require_approval(gl: &GitLab, mr: &MergeRequest) -> Result<()> {
    let mut without_rights = Vec::new();
    for approval in gl.approvals(mr.iid)?.approved_by {
        match gl.access_level(approval.user.id)? {
            Some(level) if level >= DEVELOPER => return Ok(()),
            level => without_rights.push(format!(
                "{} ({})",
                approval.user.username,
                level.map_or("not a member".to_owned(), |l| format!("access level {l}"))
            )),
        }
    }
    Err(unapproved(
        &format!("merge request !{} has no approval", mr.iid),
        &without_rights,
        &mr.web_url,
    ))
}
