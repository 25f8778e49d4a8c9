//! post-merge (githooks(5)): `<squash flag>`. Git runs it after `git merge` and `git pull`
//! succeed, fast-forwards included, and after `git merge --squash` (flag `1`), before anything
//! is committed. Its exit status is ignored, so it explains instead of refusing:
//! - a fast-forward that put commits on main's first-parent line (R3), or hotfix commits on
//!   development's (R4), without a merge commit: how to undo it and redo it with `--no-ff`;
//!   commits the remote-tracking branch already had are not this merge's doing;
//! - a squash that staged a copy of hotfix commits on development, or anything on main: how to
//!   drop it (prepare-commit-msg refuses to commit it anyway). A squash leaves no `MERGE_HEAD`,
//!   so `git merge --abort` refuses to run; `git reset --merge` drops it and keeps other
//!   uncommitted edits;
//! - a proper merge of a hotfix into main or development: the next step of the process.
//!
//! Ordinary pulls and merges of other branches say nothing.

use super::landing::{self, Trunk};
use crate::context::Context;
use crate::error::Result;
use crate::output::{Paint, note, paint_err, warn};
use crate::policy::Graph;
use crate::policy::message::merged_branch;
use crate::repo::Head;
use gix::ObjectId;

/// `squash`: Git's flag; `None` when a hook manager passed none, which says nothing.
pub fn run(squash: Option<String>) -> Result<()> {
    let Some(squash) = squash else {
        warn(
            "post-merge: no squash flag from Git (a hook manager must pass Git's argument): not checked",
        );
        return Ok(());
    };
    if let Err(e) = report(squash == "1") {
        warn(format!("git-hotfix could not check this merge: {e}"));
    }
    Ok(())
}

fn report(squash: bool) -> Result<()> {
    let ctx = Context::open()?;
    let Head::Branch(branch) = ctx.repo.head()? else { return Ok(()) };
    let Some(trunk) = Trunk::of(&branch, &ctx.config) else { return Ok(()) };
    let head = ctx.repo.resolve("HEAD")?;
    if squash {
        return squashed(&ctx, trunk, &branch, head);
    }
    let Ok(before) = ctx.repo.resolve("ORIG_HEAD") else { return Ok(()) };
    if before == head {
        return Ok(());
    }
    let parents = ctx.repo.parents(head)?;
    if parents.len() > 1 && parents[0] == before {
        merged(&ctx, trunk, &branch, head)
    } else if ctx.repo.is_ancestor(before, head)? {
        fast_forwarded(&ctx, trunk, &branch, before, head)
    } else {
        Ok(())
    }
}

fn squashed(ctx: &Context, trunk: Trunk, branch: &str, head: ObjectId) -> Result<()> {
    let Some(commits) = landing::squashed_commits(ctx) else { return Ok(()) };
    let copies = landing::misplaced(ctx, trunk, head, &commits)?;
    let Some(&first) = copies.first() else { return Ok(()) };
    let source = landing::merge_source(ctx, first)?;
    warn(format!(
        "{} `git merge --squash` staged a copy of {source} on {branch} ({}): committing it \
         would put it on {branch} without a merge commit. Squashed: {}",
        paint_err(Paint::Bold, "WRONG WAY:"),
        trunk.rule(),
        landing::describe(ctx, &copies)?
    ));
    note("  undo:  git reset --merge      (drops the squash; other uncommitted edits stay)");
    note(format!("  redo:  git merge --no-ff {source}"));
    Ok(())
}

fn fast_forwarded(
    ctx: &Context,
    trunk: Trunk,
    branch: &str,
    before: ObjectId,
    head: ObjectId,
) -> Result<()> {
    let mut known = vec![before];
    known.extend(ctx.repo.resolve_ref(&format!("refs/remotes/{}/{branch}", ctx.config.remote))?);
    let mut landed = Vec::new();
    for commit in ctx.repo.commits(&[head], &known, true)? {
        if ctx.repo.parents(commit)?.len() < 2 {
            landed.push(commit);
        }
    }
    let wrong = landing::misplaced(ctx, trunk, before, &landed)?;
    let Some(&first) = wrong.first() else { return Ok(()) };
    let source = landing::merge_source(ctx, first)?;
    warn(format!(
        "{} `git merge` fast-forwarded {branch} to {source} ({}): its commits now sit directly \
         on {branch}, with no merge commit: {}",
        paint_err(Paint::Bold, "WRONG WAY:"),
        trunk.rule(),
        landing::describe(ctx, &wrong)?
    ));
    note(format!(
        "  undo:  git reset --keep ORIG_HEAD      (back to {} {}, where {branch} was)",
        ctx.repo.short(before),
        ctx.repo.subject(before)?
    ));
    note(format!("  redo:  git merge --no-ff {source}"));
    Ok(())
}

fn merged(ctx: &Context, trunk: Trunk, branch: &str, head: ObjectId) -> Result<()> {
    let Some(hotfix) = merged_branch(&ctx.repo.message(head)?) else { return Ok(()) };
    if ctx.config.naming.desc(&hotfix).is_none() {
        return Ok(());
    }
    let remote = &ctx.config.remote;
    let title = paint_err(Paint::Green, format!("Merged {hotfix} into {branch}."));
    match trunk {
        Trunk::Main => {
            let development = &ctx.config.development;
            note(format!("{title} Next steps:"));
            note(format!("  1. push it:              git push {remote} {branch}"));
            note("  2. watch the deployment, then check the fix in production");
            note(format!(
                "  3. merge the same branch into {development}:\n                           \
                 git switch {development} && git merge --no-ff {hotfix}"
            ));
        }
        Trunk::Development => {
            note(format!("{title} Next steps:"));
            note(format!("  1. push it:              git push {remote} {branch}"));
            note(format!("  2. delete the branch:    git hotfix cleanup {hotfix}"));
        }
    }
    Ok(())
}
