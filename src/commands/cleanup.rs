//! `git hotfix cleanup`: the last step of the process. The branch goes, locally and on the
//! remote, only once main and development both contain it (R7), judged against the
//! remote-tracking branches: the merges happen on the code host, so the local main may not have
//! them yet.

use crate::context::Context;
use crate::error::{Error, Result};
use crate::hotfix::marks;
use crate::hotfix::steps;
use crate::output::{self, note, say};
use crate::policy::{CommitRef, Graph, Rule, Violation};
use crate::repo::Head;
use crate::spawn::Git;

/// Delete a hotfix branch, locally and on the remote, once main and development have it
#[derive(Debug, clap::Args)]
pub struct CleanupArgs {
    /// The hotfix branch [default: the current branch]
    branch: Option<String>,
    /// Delete it even when main or development lack it (its commits may then be lost)
    #[arg(long)]
    force: bool,
    /// Show what would be deleted (the checks still run) and change nothing
    #[arg(long)]
    dry_run: bool,
}

pub fn run(args: &CleanupArgs) -> Result<()> {
    let ctx = Context::open()?;
    clean_up(&ctx, args).map_err(|e| steps::with_lock_hint(&ctx, e))
}

fn clean_up(ctx: &Context, args: &CleanupArgs) -> Result<()> {
    let branch = steps::hotfix_to_act_on(ctx, args.branch.as_deref(), "cleanup")?;
    let remote = ctx.config.remote.clone();
    if args.dry_run {
        note(format!("dry run: using {remote}'s branches as last fetched"));
    } else {
        steps::fetch(ctx, true)?;
    }
    let local = ctx.repo.resolve_ref(&format!("refs/heads/{branch}"))?;
    let tracking = ctx.repo.resolve_ref(&format!("refs/remotes/{remote}/{branch}"))?;
    let Some(tip) = local.or(tracking) else {
        if marks::recorded_commit(&ctx.repo, &branch, "tip").is_some() {
            say(format!(
                "'{branch}' is already cleaned up: it exists neither here nor on {remote}."
            ));
            return Ok(());
        }
        return Err(Error::refused(format!("there is no branch '{branch}' here or on {remote}"))
            .hint("see the hotfix branches with: git hotfix list"));
    };

    // Every copy must be in both trunks: a local tip ahead of the remote one holds commits
    // the code host never saw.
    let trunks = ctx.trunks()?;
    let main_label = steps::trunk_label(ctx, &ctx.config.main)?;
    let development_label = steps::trunk_label(ctx, &ctx.config.development)?;
    // R7 asks for both before a hotfix may go: main has it, and so does development.
    let mut missing = Vec::new();
    let copies = [(branch.clone(), local), (format!("{remote}/{branch}"), tracking)];
    for (label, id) in copies.iter().filter_map(|(l, id)| id.map(|id| (l, id))) {
        let problem = if !ctx.repo.is_ancestor(id, trunks.main)? {
            Violation::error(Rule::R7, label, format!("'{label}' is not merged into {main_label}"))
                .fix("open its pull request into main: git hotfix publish")
        } else if !trunks.development.map_or(Ok(false), |d| ctx.repo.is_ancestor(id, d))? {
            Violation::error(
                Rule::R7,
                label,
                format!("'{label}' is in {main_label} but not in {development_label}"),
            )
            .fix("merge it into development first: git hotfix publish --to development")
        } else {
            continue;
        };
        missing.push(problem.at(CommitRef::of(&ctx.repo, id)?));
    }
    if !missing.is_empty() {
        if !args.force {
            output::violations(&missing);
            return Err(Error::refused(format!("'{branch}' was not deleted")).hint(format!(
                "to delete it anyway, losing what the trunks lack: git hotfix cleanup --force {branch}"
            )));
        }
        output::violations(&missing);
        output::warn(format!(
            "--force: deleting anyway; if that was a mistake, bring the branch back with: git branch {branch} {tip}"
        ));
    }

    let on_it = ctx.repo.head()? == Head::Branch(branch.clone());
    let development = ctx.config.development.clone();
    if args.dry_run {
        if on_it {
            steps::refuse_uncommitted(&format!("switch away from '{branch}'"))?;
            say(format!("would switch to {development}"));
        }
        if tracking.is_some() {
            say(format!("would delete '{branch}' on {remote}"));
        }
        if let Some(id) = local {
            say(format!("would delete the local branch '{branch}' (at {})", ctx.repo.short(id)));
        }
        return Ok(());
    }
    if on_it {
        steps::refuse_uncommitted(&format!("switch away from '{branch}'"))?;
        if !steps::switch(&["--quiet", "--", &development])? {
            return Err(Error::refused(format!(
                "could not switch from '{branch}' to {development} (Git's message is above); nothing was deleted"
            )));
        }
    }
    // A step that fails says what is done and what is not; running cleanup again finishes.
    let stopped = |kept: &str| {
        let moved = if on_it { format!("you are on {development}; ") } else { String::new() };
        format!("{moved}{kept}; once that is fixed, run git hotfix cleanup {branch} again")
    };
    marks::record_tip(&branch, local.unwrap_or(tip))
        .map_err(|e| e.hint(stopped("nothing was deleted")))?;
    if steps::has_remote(ctx) {
        steps::delete_remote_branch(ctx, &branch)
            .map_err(|e| e.hint(stopped(&format!("the local '{branch}' was kept too"))))?;
        if tracking.is_some() {
            say(format!("deleted '{branch}' on {remote}"));
        }
    }
    if let Some(id) = local {
        Git::here()
            .run(&["branch", "--quiet", "-D", "--", &branch])
            .map_err(|e| e.hint(stopped(&format!("the local '{branch}' is still here"))))?;
        say(format!("deleted the local branch '{branch}' (was {})", ctx.repo.short(id)));
    }
    note(format!(
        "'{branch}' is cleaned up. Last item of the checklist: a post-mortem, if the incident \
         calls for one (mark it with git hotfix check post-mortem)."
    ));
    Ok(())
}
