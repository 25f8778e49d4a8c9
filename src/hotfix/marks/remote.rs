//! Sharing the marks with the team: fetching the remote's notes (quietly, with a time limit;
//! offline is not an error), merging them into this clone's, and pushing this clone's, never
//! forced, merging again when someone else pushed first.

use super::{Action, Checklist, NOTES, Person, tracking};
use crate::context::Context;
use crate::error::Result;
use crate::hotfix::steps::has_remote;
use crate::output;
use crate::spawn::Git;
use std::process::Output;
use std::time::Duration;

/// How long a look at the remote's marks may take before the command goes on without them.
const FETCH_LIMIT: Duration = Duration::from_secs(10);
const PUSH_LIMIT: Duration = Duration::from_secs(30);
/// Pushes tried when others push marks at the same time (each failure fetches and merges).
const PUSH_ATTEMPTS: usize = 3;

/// What a look at the remote's marks found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sync {
    /// There is no remote: the marks are this clone's.
    NoRemote,
    Fetched,
    /// The remote could not be reached (why): the marks are as known here.
    Offline(String),
}

/// Fetches the remote's marks and merges them into this clone's. Never fails the command:
/// offline, it says so in one line, and the marks are as known here.
pub fn sync(ctx: &Context) -> Sync {
    let remote = &ctx.config.remote;
    if !has_remote(ctx) {
        return Sync::NoRemote;
    }
    if let Err(why) = fetch(ctx) {
        output::note(format!(
            "offline: checklist marks as known here (could not fetch them from {remote}: {why})"
        ));
        return Sync::Offline(why);
    }
    if let Err(why) = merge(ctx) {
        output::warn(format!(
            "could not merge the checklist marks of {remote} into this clone's: {why}"
        ));
    }
    Sync::Fetched
}

/// The refspec that fetches the remote's marks (a pattern, so that a remote without any is
/// not an error).
pub fn refspec(remote: &str) -> String {
    format!("+{NOTES}*:refs/notes/remotes/{remote}/hotfix*")
}

fn fetch(ctx: &Context) -> Result<(), String> {
    let remote = ctx.config.remote.as_str();
    let refspec = refspec(remote);
    let args = [
        "fetch",
        "--quiet",
        "--no-tags",
        "--no-write-fetch-head",
        "--no-recurse-submodules",
        "--no-auto-maintenance",
        "--",
        remote,
        &refspec,
    ];
    outcome(Git::here().output_within(&args, FETCH_LIMIT))
}

/// Merges the remote's marks as fetched into this clone's (the union of the lines of each
/// note), when they have any this clone lacks.
fn merge(ctx: &Context) -> Result<(), String> {
    let theirs = tracking(ctx);
    if !ahead(&theirs, NOTES).map_err(|e| e.message)? {
        return Ok(());
    }
    let notes = format!("--ref={NOTES}");
    outcome(Git::here().output(&[
        "notes",
        &notes,
        "merge",
        "--quiet",
        "--strategy=cat_sort_uniq",
        &theirs,
    ]))
}

/// Whether `a` has commits that `b` lacks (a ref that does not exist has none).
fn ahead(a: &str, b: &str) -> Result<bool> {
    Ok(!Git::here()
        .run(&["rev-list", "-n", "1", "--ignore-missing", a, "--not", b])?
        .trim()
        .is_empty())
}

/// Whether this clone has marks that the remote lacks (as last fetched).
pub fn pending(ctx: &Context) -> Result<bool> {
    Ok(has_remote(ctx) && ahead(NOTES, &tracking(ctx))?)
}

/// What became of sharing this clone's marks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shared {
    NoRemote,
    /// The remote had them all already.
    Already,
    Pushed,
    /// Kept here only, for now (why).
    NotYet(String),
}

/// Pushes this clone's marks to the remote, never forced: when others pushed marks meanwhile,
/// fetches and merges theirs and tries again, a few times.
pub fn share(ctx: &Context) -> Result<Shared> {
    if !has_remote(ctx) {
        return Ok(Shared::NoRemote);
    }
    let (remote, theirs) = (ctx.config.remote.as_str(), tracking(ctx));
    let mut why = String::new();
    for attempt in 1..=PUSH_ATTEMPTS {
        if !ahead(NOTES, &theirs)? {
            return Ok(if attempt == 1 { Shared::Already } else { Shared::Pushed });
        }
        let ours = Git::here().run(&["rev-parse", "--verify", "--quiet", NOTES])?.trim().to_owned();
        let args = ["push", "--quiet", "--", remote, &format!("{ours}:{NOTES}")];
        match outcome(Git::here().output_within(&args, PUSH_LIMIT)) {
            Ok(()) => {
                // What the remote has now; a fetch would say the same.
                Git::here().run(&["update-ref", &theirs, &ours])?;
                return Ok(Shared::Pushed);
            }
            Err(e) => why = e,
        }
        if attempt < PUSH_ATTEMPTS {
            // Most likely someone else's marks arrived first: take them and try again.
            if let Err(e) = fetch(ctx).and_then(|()| merge(ctx)) {
                return Ok(Shared::NotYet(e));
            }
        }
    }
    Ok(Shared::NotYet(why))
}

/// The command that shares marks kept here.
pub fn share_command(ctx: &Context) -> String {
    format!("git push {} {NOTES}", ctx.config.remote)
}

/// A new hotfix takes the name of an earlier one (`start`): that one's marks belong to another
/// incident. Records that the checklist starts over, and shares it when `online` (the remote's
/// marks were just fetched with [`refspec`]). Warns, and goes on, when that fails.
pub fn restart(ctx: &Context, branch: &str, online: bool) {
    let done = (|| -> Result<Option<Shared>> {
        if online && let Err(why) = merge(ctx) {
            output::warn(format!(
                "could not merge the checklist marks of {}: {why}",
                ctx.config.remote
            ));
        }
        let checklist = Checklist::load(ctx, branch)?;
        if !checklist.any_marked() {
            return Ok(None);
        }
        checklist.record(None, Action::Start, &Person::current()?)?;
        Ok(Some(match (online, has_remote(ctx)) {
            (true, _) => share(ctx)?,
            (false, true) => {
                Shared::NotYet(format!("--no-fetch: nothing sent to {}", ctx.config.remote))
            }
            (false, false) => Shared::NoRemote,
        }))
    })();
    match done {
        Ok(None | Some(Shared::Already | Shared::Pushed | Shared::NoRemote)) => {}
        Ok(Some(Shared::NotYet(why))) => output::warn(format!(
            "an earlier {branch} had checklist marks: this one starts with none here, not yet for the team ({why})\n  share that: {}",
            share_command(ctx)
        )),
        Err(e) => output::warn(format!(
            "an earlier {branch} had checklist marks, which {branch} shows until it is told it starts over: {}",
            e.message
        )),
    }
}

/// Ok, or the reason Git gave (or the time limit).
fn outcome(out: Result<Output>) -> Result<(), String> {
    match out {
        Err(e) => Err(e.message),
        Ok(out) if out.status.success() => Ok(()),
        Ok(out) => Err(reason(&out.stderr)),
    }
}

/// The line of what Git wrote that says why it failed.
pub(super) fn reason(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("hint:") && !l.starts_with("To "))
        .collect();
    let line = lines.iter().find(|l| l.starts_with('!')).or(lines.first());
    match line {
        Some(line) => line.trim_start_matches("fatal: ").trim_start_matches("error: ").to_owned(),
        None => "Git gave no reason".to_owned(),
    }
}
