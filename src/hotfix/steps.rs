//! Steps that `publish`, `finish` and `cleanup` share: which hotfix a command is about, the
//! checks that protect uncommitted work, a fetch that survives being offline, pushes whose
//! messages reach the user, and the tip kept in config after a branch is deleted.

use crate::context::Context;
use crate::error::{Error, Result};
use crate::output;
use crate::policy::Graph;
use crate::policy::naming::is_valid_branch_name;
use crate::redact::redact;
use crate::repo::Head;
use crate::spawn::Git;
use std::process::Output;

/// The hotfix branch a command acts on: the one named, else the one checked out. Either way it
/// must be under the prefix; `command` is the subcommand, for the hint.
pub fn hotfix_to_act_on(ctx: &Context, given: Option<&str>, command: &str) -> Result<String> {
    let prefix = ctx.config.prefix();
    let usage = format!("name it: git hotfix {command} {prefix}<desc>");
    let Some(given) = given else {
        return match ctx.repo.head()? {
            Head::Branch(name) if name.starts_with(prefix) => Ok(name),
            Head::Branch(name) | Head::Unborn(name) => Err(Error::env(format!(
                "you are on '{name}', which is not a hotfix branch (those start with '{prefix}')"
            ))
            .hint(usage)),
            Head::Detached(id) => Err(Error::env(format!(
                "HEAD is detached at {}, not on a hotfix branch",
                ctx.repo.short(id)
            ))
            .hint(usage)),
        };
    };
    let name = given.strip_prefix("refs/heads/").unwrap_or(given);
    if !name.starts_with(prefix) {
        return Err(Error::env(format!(
            "'{name}' is not a hotfix branch: hotfix branches start with '{prefix}'"
        ))
        .hint(usage));
    }
    require_valid_branch_name(ctx, name)?;
    Ok(name.to_owned())
}

/// Refuses a name Git could never give a branch (`a..b`, `x.lock`, `@{`, `~`): "not a valid
/// name" says more than "not found", and nothing invalid reaches `git`.
pub fn require_valid_branch_name(ctx: &Context, name: &str) -> Result<()> {
    if is_valid_branch_name(name) {
        return Ok(());
    }
    let err = Error::env(format!("'{name}' is not a valid branch name: no branch can have it"));
    let naming = &ctx.config.naming;
    Err(match naming.desc(name).and_then(|desc| naming.suggest(desc)) {
        Some(name) => err.hint(format!("did you mean {name}? (see them all: git hotfix list)")),
        None => err.hint("see the hotfix branches with: git hotfix list"),
    })
}

/// Refuses a bare repository: these commands switch branches and merge.
pub fn require_work_tree(ctx: &Context, command: &str) -> Result<()> {
    if ctx.repo.is_bare() {
        return Err(Error::env(format!(
            "git hotfix {command} needs a work tree; this repository is bare"
        ))
        .hint("run it in a clone"));
    }
    Ok(())
}

/// Refuses when tracked files have changes, staged or not, so that nothing switches branches
/// under uncommitted work. Untracked files are left alone: Git itself refuses to overwrite them.
pub fn refuse_uncommitted(doing: &str) -> Result<()> {
    let status = Git::here().run(&["status", "--porcelain", "--untracked-files=no"])?;
    let changed: Vec<&str> = status.lines().filter(|l| !l.trim().is_empty()).collect();
    if changed.is_empty() {
        return Ok(());
    }
    let mut shown: Vec<String> = changed.iter().take(5).map(|l| l.trim().to_owned()).collect();
    if changed.len() > shown.len() {
        shown.push(format!("… and {} more", changed.len() - shown.len()));
    }
    Err(Error::refused(format!(
        "refusing to {doing}: the work tree has uncommitted changes ({})",
        shown.join(", ")
    ))
    .hint("commit them, or put them aside with: git stash, then run this again"))
}

/// Refuses while Git is in the middle of a merge, rebase, cherry-pick or revert.
pub fn refuse_operation_in_progress(ctx: &Context, doing: &str) -> Result<()> {
    let git_dir = ctx.repo.git_dir();
    let found = [
        ("MERGE_HEAD", "a merge", "git merge --continue (or --abort)"),
        ("rebase-merge", "a rebase", "git rebase --continue (or --abort)"),
        ("rebase-apply", "a rebase", "git rebase --continue (or --abort)"),
        ("CHERRY_PICK_HEAD", "a cherry-pick", "git cherry-pick --continue (or --abort)"),
        ("REVERT_HEAD", "a revert", "git revert --continue (or --abort)"),
    ]
    .into_iter()
    .find(|(file, _, _)| git_dir.join(file).exists());
    match found {
        Some((_, what, how)) => {
            Err(Error::refused(format!("refusing to {doing}: Git is in the middle of {what}"))
                .hint(format!("finish it first: {how}")))
        }
        None => Ok(()),
    }
}

/// The lock files a Git process leaves when it is killed: while one is there, the index or the
/// ref it guards cannot change. They are never removed here, since another Git may be running.
pub fn stale_locks(ctx: &Context) -> Vec<std::path::PathBuf> {
    let (git_dir, common) = (ctx.repo.git_dir(), ctx.repo.common_dir());
    let mut found: Vec<std::path::PathBuf> = ["index.lock", "HEAD.lock"]
        .iter()
        .map(|f| git_dir.join(f))
        .chain(["packed-refs.lock", "config.lock"].iter().map(|f| common.join(f)))
        .filter(|p| p.exists())
        .collect();
    let mut dirs = vec![common.join("refs/heads")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "lock") {
                found.push(path);
            }
        }
    }
    found
}

/// `err`, plus what to do about a lock a killed Git left, when there is one: Git's own message
/// only says the file exists.
pub fn with_lock_hint(ctx: &Context, err: Error) -> Error {
    use std::os::unix::ffi::OsStrExt;
    let found = stale_locks(ctx);
    if found.is_empty() {
        return err;
    }
    let quoted: Vec<String> = found
        .iter()
        .map(|p| String::from_utf8_lossy(&output::sh_quote(p.as_os_str().as_bytes())).into_owned())
        .collect();
    err.hint(format!(
        "a Git process left {} behind (killed, or still running); if none is running now, remove it: rm -- {}",
        found.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "),
        quoted.join(" ")
    ))
}

/// `git switch <args>` from a clean work tree, passing Git's messages on; returns whether it
/// switched. Git writes the index and the work tree before it moves HEAD, so a switch that
/// cannot move HEAD (a stale `HEAD.lock`) leaves the other branch's files behind as changes
/// nobody made, which every later step refuses: they are put back to HEAD, so a failed switch
/// changes no file.
pub fn switch(args: &[&str]) -> Result<bool> {
    let git = Git::here();
    let out = git.output(&[&["switch"], args].concat())?;
    if out.status.success() {
        return Ok(true);
    }
    relay(&out);
    if !git.run(&["status", "--porcelain", "--untracked-files=no"])?.trim().is_empty() {
        git.run(&["read-tree", "--reset", "-u", "HEAD"])?;
    }
    Ok(false)
}

/// Whether the configured remote exists.
pub fn has_remote(ctx: &Context) -> bool {
    ctx.repo.remote_url(&ctx.config.remote).is_some()
}

/// Fetches the configured remote (pruning deleted branches when `prune`). Being offline is not
/// fatal: it warns and the caller works with the remote-tracking refs as last fetched.
/// Returns whether the fetch happened.
pub fn fetch(ctx: &Context, prune: bool) -> Result<bool> {
    let remote = ctx.config.remote.as_str();
    if !has_remote(ctx) {
        return Ok(false);
    }
    let mut args = vec!["fetch", "--quiet"];
    if prune {
        args.push("--prune");
    }
    args.extend(["--", remote]);
    let reason = match Git::here().output_within(&args, ctx.config.network_timeout) {
        Ok(out) if out.status.success() => return Ok(true),
        Ok(out) => {
            let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
            stderr.lines().find(|l| !l.trim().is_empty()).unwrap_or("").trim().to_owned()
        }
        Err(e) => e.message, // it did not answer within network_timeout
    };
    output::warn(format!(
        "offline: could not fetch from {remote} ({}); going on with what was fetched before",
        redact(&reason)
    ));
    Ok(false)
}

/// Runs `git push` (at most `network_timeout`) capturing its output, and passes Git's (and the
/// hooks') messages on to standard error.
pub fn push(ctx: &Context, args: &[&str]) -> Result<Output> {
    let out = Git::here().output_within(args, ctx.config.network_timeout).map_err(|e| {
        let remote = &ctx.config.remote;
        Error::env(format!("{}: {remote} may or may not have taken the push", e.message))
            .hint(format!("see what it has: git ls-remote {remote}"))
            .hint("network_timeout in .githotfix.toml sets how long a push may take")
    })?;
    relay(&out);
    Ok(out)
}

/// Why a push (of `what`) failed, from Git's messages (already shown): the remote moved since
/// it was fetched, its hook refused, it cannot be reached, or something else. Never a reason
/// to force.
pub fn push_failure(ctx: &Context, out: &Output, what: &str) -> Error {
    let remote = &ctx.config.remote;
    let said = String::from_utf8_lossy(&out.stderr);
    let has = |needle: &str| said.contains(needle);
    if has("fetch first")
        || has("non-fast-forward")
        || has("stale info")
        || has("failed to update ref")
        || (has("is at") && has("but expected"))
    {
        Error::refused(format!(
            "{remote} changed since it was fetched: someone pushed meanwhile, so the push of {what} was refused (nothing is ever forced)"
        ))
        .hint(format!("see what arrived: git fetch {remote} && git log --oneline ..{remote}/<branch>"))
    } else if has("hook declined") || has("[remote rejected]") {
        Error::refused(format!("{remote} refused {what}: its message is above"))
    } else if has("Could not read from remote")
        || has("unable to access")
        || has("does not appear to be a git repository")
        || has("Could not resolve host")
        || has("Connection refused")
    {
        Error::env(format!(
            "cannot reach {remote}: the push of {what} did not happen (Git's message is above)"
        ))
        .hint("check the network and the remote's address: git remote -v")
    } else {
        Error::refused(format!("pushing {what} to {remote} failed (Git's message is above)"))
    }
}

/// Shows what a captured `git` wrote, on standard error.
pub fn relay(out: &Output) {
    for text in [&out.stdout, &out.stderr] {
        for line in String::from_utf8_lossy(text).lines() {
            output::note(redact(line));
        }
    }
}

/// Deletes `branch` on the remote. A branch that is already gone there (code hosts delete
/// merged branches) is fine.
pub fn delete_remote_branch(ctx: &Context, branch: &str) -> Result<()> {
    let remote = ctx.config.remote.as_str();
    let tracking = format!("refs/remotes/{remote}/{branch}");
    if ctx.repo.resolve_ref(&tracking)?.is_none() {
        output::note(format!("{remote} has no branch '{branch}' (already deleted there)"));
        return Ok(());
    }
    let spec = format!("refs/heads/{branch}");
    let out = push(ctx, &["push", "--quiet", "--delete", "--", remote, &spec])?;
    if out.status.success() {
        return Ok(());
    }
    if String::from_utf8_lossy(&out.stderr).contains("remote ref does not exist") {
        // Gone on the server already; forget our stale copy of it.
        Git::here().run(&["update-ref", "-d", &tracking])?;
        return Ok(());
    }
    Err(push_failure(ctx, &out, &format!("the deletion of '{branch}'"))
        .hint(format!("fix that, then delete it with: git push {remote} --delete {branch}")))
}

/// How the checks name main or development: `origin/main` when the remote-tracking ref exists
/// (that is what they compared against), else the local branch.
pub fn trunk_label(ctx: &Context, branch: &str) -> Result<String> {
    let remote = &ctx.config.remote;
    Ok(match ctx.repo.resolve_ref(&format!("refs/remotes/{remote}/{branch}"))? {
        Some(_) => format!("{remote}/{branch}"),
        None => branch.to_owned(),
    })
}
