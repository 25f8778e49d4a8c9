//! `git hotfix finish`: for teams that merge locally, the back half of the process in one
//! command. The hotfix goes into main, then into development, each through a merge commit;
//! then main and development are pushed (with `--push`) and the branch is deleted.
//!
//! Every step is recorded in a state file under the Git dir before it runs, together with
//! where each branch was when finish started. A conflict stops the run; `--continue` checks
//! that the user committed the merge and goes on, `--abort` puts every branch back. The file is
//! never trusted blindly: a branch that moved since is reported, and nothing is touched.

mod gate;

use crate::context::Context;
use crate::error::{Error, Result};
use crate::hotfix::journal::{
    Checkout, STATE_FILE, STATE_VERSION, State, Step, Trunk, load, load_for, mismatches, parse,
    remove, save, stale, way_out,
};
use crate::hotfix::{checks, marks, steps};
use crate::output::{self, note, say};
use crate::policy::{CommitRef, Graph};
use crate::repo::Head;
use crate::spawn::Git;
use gix::ObjectId;
use std::path::Path;

/// Merge a hotfix into main, then into development, then delete it (for teams that merge
/// locally rather than on the code host)
#[derive(Debug, clap::Args)]
pub struct FinishArgs {
    /// The hotfix branch [default: the current branch]
    branch: Option<String>,
    /// Also push main and development, and delete the branch on the remote, once both merges
    /// are done
    #[arg(long, conflicts_with = "abort")]
    push: bool,
    /// Keep the hotfix branch
    #[arg(long, conflicts_with = "abort")]
    keep: bool,
    /// Go on after you committed the resolution of a conflict
    #[arg(long = "continue", conflicts_with_all = ["abort", "dry_run"])]
    resume: bool,
    /// Stop and put main, development, the hotfix branch and your checkout back where they were
    #[arg(long, conflicts_with = "dry_run")]
    abort: bool,
    /// Show what would be done (the checks still run) and change nothing
    #[arg(long)]
    dry_run: bool,
    /// Merge into development although main's deployment of the hotfix has not succeeded
    #[arg(long, conflicts_with = "abort")]
    no_deploy_check: bool,
}

pub fn run(args: &FinishArgs) -> Result<()> {
    let ctx = Context::open()?;
    steps::require_work_tree(&ctx, "finish")?;
    let path = ctx.repo.git_dir().join(STATE_FILE);
    let result = if args.resume {
        resume(&ctx, &path, args)
    } else if args.abort {
        abort(&ctx, &path, args)
    } else if let Some(state) = load(&path)? {
        Err(Error::refused(format!(
            "a finish of '{}' is already under way (stopped at: {})",
            state.branch,
            state.next.describe(&state)
        ))
        .hint("go on with it: git hotfix finish --continue")
        .hint("or put every branch back where it was: git hotfix finish --abort"))
    } else {
        begin(&ctx, &path, args)
    };
    result.map_err(|e| steps::with_lock_hint(&ctx, e))
}

/// A fresh run: every check first, then the state file, then the steps.
fn begin(ctx: &Context, path: &Path, args: &FinishArgs) -> Result<()> {
    let branch = steps::hotfix_to_act_on(ctx, args.branch.as_deref(), "finish")?;
    let remote = ctx.config.remote.clone();
    let Some(tip) = ctx.repo.resolve_ref(&format!("refs/heads/{branch}"))? else {
        let mut err = Error::env(format!("there is no local branch '{branch}'"));
        if ctx.repo.resolve_ref(&format!("refs/remotes/{remote}/{branch}"))?.is_some() {
            err = err.hint(format!("get it from {remote} first: git switch {branch}"));
        }
        return Err(err);
    };
    steps::refuse_operation_in_progress(ctx, "finish")?;
    steps::refuse_uncommitted("finish")?;
    if args.push && !steps::has_remote(ctx) {
        return Err(Error::env(format!(
            "--push needs the remote '{remote}', which is not configured"
        )));
    }
    if args.dry_run {
        note(format!("dry run: using {remote}'s branches as last fetched"));
    } else {
        steps::fetch(ctx, false)?;
    }

    let trunks = ctx.trunks()?;
    let found = checks::hotfix_branch(ctx, &trunks, &branch, tip)?;
    output::violations(&found);
    let errors = found.iter().filter(|v| v.is_error()).count();
    if errors > 0 {
        return Err(Error::refused(format!(
            "'{branch}' was not merged: {errors} problem(s) above must be fixed first"
        )));
    }
    let main = plan_trunk(ctx, &ctx.config.main, args.push)?;
    let development = plan_trunk(ctx, &ctx.config.development, args.push)?;
    let checkout = match ctx.repo.head()? {
        Head::Branch(name) => Checkout::Branch(name),
        Head::Detached(id) => Checkout::Detached(id.to_string()),
        Head::Unborn(name) => {
            return Err(Error::env(format!("'{name}' has no commit yet: nothing to finish from")));
        }
    };
    let state = State {
        version: STATE_VERSION,
        branch,
        tip: tip.to_string(),
        main,
        development,
        checkout,
        next: Step::MergeMain,
        merging: false,
        push: args.push,
        keep: args.keep,
    };
    if args.dry_run {
        return show_plan(ctx, &state, tip);
    }
    save(path, &state)?;
    drive(ctx, path, state, args.no_deploy_check)
}

/// Where merging into `name` starts: the local branch, fast-forwarded to the remote-tracking
/// one when it is behind. Diverged branches are refused: merging there would build on commits
/// the remote does not have, or leave out ones it has.
fn plan_trunk(ctx: &Context, name: &str, push: bool) -> Result<Trunk> {
    let remote = &ctx.config.remote;
    let local = ctx.repo.resolve_ref(&format!("refs/heads/{name}"))?;
    let tracking = ctx.repo.resolve_ref(&format!("refs/remotes/{remote}/{name}"))?;
    let start = match (local, tracking) {
        (None, None) => {
            return Err(Error::env(format!("there is no branch '{name}' here or on {remote}"))
                .hint("fetch it, or set the branch names in .githotfix.toml"));
        }
        (Some(id), None) | (None, Some(id)) => id,
        (Some(l), Some(t)) if ctx.repo.is_ancestor(l, t)? => t,
        (Some(l), Some(t)) if ctx.repo.is_ancestor(t, l)? => {
            if push && l != t {
                let extra = ctx.repo.commits(&[l], &[t], false)?.len();
                output::warn(format!(
                    "local '{name}' has {extra} commit(s) that {remote}/{name} lacks; --push publishes them too"
                ));
            }
            l
        }
        (Some(l), Some(t)) => {
            let extra = ctx.repo.commits(&[l], &[t], false)?;
            let example = extra.last().map(|&c| CommitRef::of(&ctx.repo, c)).transpose()?;
            let example = example.map(|c| c.to_string()).unwrap_or_default();
            return Err(Error::refused(format!(
                "local '{name}' and {remote}/{name} have diverged: '{name}' has {} commit(s) that {remote}/{name} lacks (first: {example})",
                extra.len()
            ))
            .hint(format!("look at them: git log {remote}/{name}..{name}"))
            .hint(format!(
                "if they belong elsewhere, keep them on a branch and reset '{name}': git branch saved-{name} {name} && git switch {name} && git reset --keep {remote}/{name}"
            )));
        }
    };
    Ok(Trunk {
        branch: name.to_owned(),
        before: local.map(|id| id.to_string()),
        start: start.to_string(),
        now: None,
    })
}

/// `--dry-run`: the steps as they would run, with the conflicts Git predicts.
fn show_plan(ctx: &Context, state: &State, tip: ObjectId) -> Result<()> {
    let remote = &ctx.config.remote;
    let branch = &state.branch;
    for trunk in [&state.main, &state.development] {
        let start = parse(ctx, &trunk.start)?;
        let name = &trunk.branch;
        match &trunk.before {
            None => say(format!(
                "would create '{name}' from {remote}/{name} ({})",
                ctx.repo.short(start)
            )),
            Some(before) if *before != trunk.start => say(format!(
                "would fast-forward '{name}' to {remote}/{name} ({})",
                ctx.repo.short(start)
            )),
            Some(_) => {}
        }
        if ctx.repo.is_ancestor(tip, start)? {
            say(format!("'{name}' already has '{branch}': nothing to merge"));
            continue;
        }
        let conflicts = predict_conflicts(&start.to_string(), &state.tip)?;
        let warning = if conflicts.is_empty() {
            String::new()
        } else {
            format!(" (it would stop on a conflict in: {})", conflicts.join(", "))
        };
        say(format!("would merge '{branch}' into '{name}' with a merge commit{warning}"));
    }
    if state.push {
        say(format!(
            "would push '{}' and '{}' to {remote}, and delete '{branch}' there",
            state.main.branch, state.development.branch
        ));
    }
    if !state.keep {
        say(format!("would delete the local branch '{branch}'"));
    }
    Ok(())
}

/// The files a merge of `theirs` into `ours` would conflict in (`git merge-tree`, which
/// touches neither branches nor the work tree).
fn predict_conflicts(ours: &str, theirs: &str) -> Result<Vec<String>> {
    let out = Git::here().output(&[
        "merge-tree",
        "--write-tree",
        "--name-only",
        "--no-messages",
        ours,
        theirs,
    ])?;
    if out.status.code() != Some(1) {
        return Ok(Vec::new());
    }
    Ok(String::from_utf8_lossy(&out.stdout).lines().skip(1).map(str::to_owned).collect())
}

/// `--continue`: the state must still match the repository and the merge that stopped must be
/// committed; then the remaining steps run.
fn resume(ctx: &Context, path: &Path, args: &FinishArgs) -> Result<()> {
    let mut state = load_for(ctx, path, args.branch.as_deref(), "continue")?;
    let problems = mismatches(ctx, &state, false)?;
    if !problems.is_empty() {
        return Err(stale(path, &problems));
    }
    if state.merging {
        let into = state.trunk(state.next).branch.clone();
        if ctx.repo.git_dir().join("MERGE_HEAD").exists() {
            return Err(Error::refused(format!(
                "the merge of '{}' into '{into}' is not committed yet",
                state.branch
            ))
            .hint("resolve the conflicts, then: git add <files> && git commit --no-edit")
            .hint("then: git hotfix finish --continue"));
        }
        let expected = state.trunk(state.next).expected().unwrap_or_default().to_owned();
        let actual = ctx.repo.resolve_ref(&format!("refs/heads/{into}"))?;
        steps::refuse_uncommitted("continue")?;
        if actual.map(|id| id.to_string()) == Some(expected) {
            // Interrupted before Git merged, or the merge was given up: it did not happen.
            state.merging = false;
            note(format!("the merge into '{into}' did not happen; merging now"));
        } else {
            // `mismatches` has checked that it is the merge of the hotfix onto where finish
            // left it.
            let step = state.next;
            state.trunk_mut(step).now = actual.map(|id| id.to_string());
            state.merging = false;
            state.next = following(step, &state);
            note(format!("the merge into '{into}' is committed; going on"));
        }
    } else {
        steps::refuse_uncommitted("continue")?;
    }
    state.push |= args.push;
    state.keep |= args.keep;
    save(path, &state)?;
    drive(ctx, path, state, args.no_deploy_check)
}

/// `--abort`: every branch back where it was, in one ref transaction guarded by the values
/// finish left, and the original checkout back.
fn abort(ctx: &Context, path: &Path, args: &FinishArgs) -> Result<()> {
    let state = load_for(ctx, path, args.branch.as_deref(), "abort")?;
    if state.next == Step::Tidy && state.push {
        return Err(Error::refused(format!(
            "'{}' and '{}' were already pushed to {}: aborting here would not undo that",
            state.main.branch, state.development.branch, ctx.config.remote
        ))
        .hint("complete the finish instead: git hotfix finish --continue"));
    }
    if gate::main_pushed(ctx, &state)? {
        return Err(Error::refused(format!(
            "'{}' was already pushed to {} so that it could deploy: aborting would not undo that",
            state.main.branch, ctx.config.remote
        ))
        .hint("complete the finish instead: git hotfix finish --continue"));
    }
    let problems = mismatches(ctx, &state, true)?;
    if !problems.is_empty() {
        return Err(stale(path, &problems));
    }
    let git = Git::here();
    if ctx.repo.git_dir().join("MERGE_HEAD").exists() && !git.interactive(&["merge", "--abort"])? {
        return Err(Error::refused("`git merge --abort` failed (Git's message is above)")
            .hint("sort out the work tree, then run git hotfix finish --abort again"));
    }
    steps::refuse_uncommitted("put the branches back")?;

    let tip = parse(ctx, &state.tip)?;
    let null = ObjectId::null(tip.kind()).to_string();
    let mut transaction = String::new();
    for trunk in [&state.main, &state.development] {
        let current = ctx.repo.resolve_ref(&format!("refs/heads/{}", trunk.branch))?;
        let current = current.map(|id| id.to_string());
        let full = format!("refs/heads/{}", trunk.branch);
        match (&trunk.before, &current) {
            (Some(before), Some(now)) if before != now => {
                transaction.push_str(&format!("update {full} {before} {now}\n"));
            }
            (None, Some(now)) => transaction.push_str(&format!("delete {full} {now}\n")),
            (Some(before), None) => {
                transaction.push_str(&format!("update {full} {before} {null}\n"));
            }
            _ => {}
        }
    }
    let hotfix = format!("refs/heads/{}", state.branch);
    if ctx.repo.resolve_ref(&hotfix)?.is_none() {
        transaction.push_str(&format!("update {hotfix} {} {null}\n", state.tip));
    }
    // Detach first, so that moving the checked-out branch leaves the work tree alone.
    switch(&["--quiet", "--detach"]).map_err(|e| {
        e.hint("nothing was put back yet; once that is fixed, run git hotfix finish --abort again")
    })?;
    if !transaction.is_empty() {
        git.run_with_input(&["update-ref", "--stdin"], transaction.as_bytes())?;
    }
    // The branches are back: from here on the state file describes nothing.
    remove(path)?;
    let (back, back_on) = match &state.checkout {
        Checkout::Branch(name) => (vec!["--quiet", "--", name], format!("'{name}'")),
        Checkout::Detached(id) => {
            (vec!["--quiet", "--detach", id], format!("the detached {}", &id[..id.len().min(7)]))
        }
    };
    switch(&back).map_err(|e| {
        e.hint(format!(
            "the branches are back where they were; HEAD is detached: go back with git switch {}",
            back.join(" ")
        ))
    })?;
    say(format!(
        "Aborted: '{}', '{}' and '{}' are back where they were, and you are on {back_on}.",
        state.main.branch, state.development.branch, state.branch
    ));
    Ok(())
}

/// Runs the steps from `state.next` to the end, saving the state before each. `skip_deploy`
/// is `--no-deploy-check`.
fn drive(ctx: &Context, path: &Path, mut state: State, skip_deploy: bool) -> Result<()> {
    let tip = parse(ctx, &state.tip)?;
    loop {
        let step = state.next;
        let result = match step {
            Step::MergeMain => merge_step(ctx, path, &mut state, tip),
            Step::MergeDevelopment => {
                gate::wait_for_deployment(ctx, &state, tip, skip_deploy)?;
                merge_step(ctx, path, &mut state, tip)
            }
            Step::Push => push_step(ctx, path, &mut state),
            Step::Tidy => return tidy(ctx, path, &state, tip).map_err(|e| way_out(e, &state)),
        };
        match result {
            Ok(true) => {}
            Ok(false) => return Err(conflict(&state)),
            Err(e) => return Err(way_out(e, &state)),
        }
    }
}

/// The step after `step`.
fn following(step: Step, state: &State) -> Step {
    match step {
        Step::MergeMain => Step::MergeDevelopment,
        Step::MergeDevelopment if state.push => Step::Push,
        Step::MergeDevelopment | Step::Push | Step::Tidy => Step::Tidy,
    }
}

/// Merges the hotfix into the trunk of `state.next`; `Ok(false)` when it stopped on a conflict.
fn merge_step(ctx: &Context, path: &Path, state: &mut State, tip: ObjectId) -> Result<bool> {
    let step = state.next;
    let git = Git::here();
    let remote = ctx.config.remote.clone();
    let trunk = state.trunk(step);
    let name = trunk.branch.clone();
    let full = format!("refs/heads/{name}");
    let start = trunk.start.clone();
    if ctx.repo.head()? != Head::Branch(name.clone()) {
        if ctx.repo.resolve_ref(&full)?.is_some() {
            switch(&["--quiet", "--", &name])?;
        } else {
            switch(&["--quiet", "--no-track", "--create", &name, &start])?;
            let upstream = format!("{remote}/{name}");
            git.run(&["branch", "--quiet", "--set-upstream-to", &upstream, "--", &name])?;
        }
    }
    if trunk.now.is_none() {
        let current = ctx.repo.resolve_ref(&full)?.map(|id| id.to_string());
        if current.as_deref() != Some(start.as_str()) {
            git.run(&["merge", "--quiet", "--ff-only", &start])?;
        }
        state.trunk_mut(step).now = Some(start.clone());
        save(path, state)?;
    }
    let now = parse(ctx, state.trunk(step).expected().unwrap_or(&start))?;
    if ctx.repo.is_ancestor(tip, now)? {
        note(format!("'{name}' already has '{}'", state.branch));
    } else {
        state.merging = true;
        save(path, state)?;
        let message = if step == Step::MergeMain {
            format!("Merge branch '{}'", state.branch)
        } else {
            format!("Merge branch '{}' into {name}", state.branch)
        };
        let out = git.output(&["merge", "--no-ff", "--no-edit", "-m", &message, &state.tip])?;
        if !out.status.success() {
            steps::relay(&out);
            if ctx.repo.git_dir().join("MERGE_HEAD").exists() {
                return Ok(false);
            }
            state.merging = false;
            save(path, state)?;
            return Err(Error::refused(format!(
                "merging '{}' into '{name}' failed (Git's message is above)",
                state.branch
            )));
        }
        let merged = ctx.repo.resolve_ref(&full)?.map(|id| id.to_string());
        state.trunk_mut(step).now = merged;
        state.merging = false;
    }
    state.next = following(step, state);
    save(path, state)?;
    Ok(true)
}

/// Pushes main and development together (atomically where the server can), only once both
/// merges are done.
fn push_step(ctx: &Context, path: &Path, state: &mut State) -> Result<bool> {
    let remote = ctx.config.remote.as_str();
    let specs: Vec<String> = [&state.main.branch, &state.development.branch]
        .iter()
        .map(|b| format!("refs/heads/{b}:refs/heads/{b}"))
        .collect();
    let mut args = vec!["push", "--quiet", "--atomic", "--", remote];
    args.extend(specs.iter().map(String::as_str));
    let mut out = steps::push(ctx, &args)?;
    if !out.status.success()
        && String::from_utf8_lossy(&out.stderr).contains("does not support --atomic")
    {
        note(format!(
            "{remote} cannot take both branches at once; pushing them one after the other"
        ));
        args.retain(|a| *a != "--atomic");
        out = steps::push(ctx, &args)?;
    }
    if !out.status.success() {
        let what = format!("'{}' and '{}'", state.main.branch, state.development.branch);
        return Err(steps::push_failure(ctx, &out, &what));
    }
    state.next = Step::Tidy;
    save(path, state)?;
    Ok(true)
}

/// The end: keep the tip, delete the branch (remote, then local), go back to where the user
/// was, forget the state, and say what happened.
fn tidy(ctx: &Context, path: &Path, state: &State, tip: ObjectId) -> Result<()> {
    let git = Git::here();
    let branch = &state.branch;
    let remote = &ctx.config.remote;
    marks::record_tip(branch, tip)?;
    if state.push {
        steps::delete_remote_branch(ctx, branch)?;
    }
    let mut deleted = false;
    if !state.keep && ctx.repo.resolve_ref(&format!("refs/heads/{branch}"))?.is_some() {
        if ctx.repo.head()? == Head::Branch(branch.clone()) {
            switch(&["--quiet", "--", &state.development.branch])?;
        }
        let out = git.output(&["branch", "--quiet", "-d", "--", branch])?;
        if out.status.success() {
            deleted = true;
        } else {
            steps::relay(&out);
            output::warn(format!(
                "'{branch}' was kept (Git's reason is above); delete it later with: git hotfix cleanup {branch}"
            ));
        }
    }
    let back_to = match &state.checkout {
        Checkout::Branch(name) if deleted && name == branch => None,
        Checkout::Branch(name) => Some(vec!["--quiet", "--", name.as_str()]),
        Checkout::Detached(id) => Some(vec!["--quiet", "--detach", id.as_str()]),
    };
    match back_to {
        Some(args) => switch(&args)?,
        None => {
            if let Head::Branch(now) = ctx.repo.head()? {
                note(format!("'{branch}' was checked out; you are now on '{now}'"));
            }
        }
    }
    remove(path)?;

    say(format!("Finished '{branch}':"));
    for trunk in [&state.main, &state.development] {
        let what = match trunk.now.as_deref() {
            Some(now) if now != trunk.start => {
                format!("merged: {}", CommitRef::of(&ctx.repo, parse(ctx, now)?)?)
            }
            _ => "already had it".to_owned(),
        };
        say(format!("  {:<12} {what}", trunk.branch));
    }
    if state.push {
        say(format!(
            "  pushed '{}' and '{}' to {remote}; '{branch}' is gone there",
            state.main.branch, state.development.branch
        ));
    } else {
        note(format!(
            "Nothing was pushed: git push {remote} {} {}",
            state.main.branch, state.development.branch
        ));
    }
    if deleted {
        say(format!("  deleted '{branch}' (was {})", ctx.repo.short(tip)));
    }
    note(
        "Next: watch the deployment, check the fix in production, and tick the checklist (git hotfix status).",
    );
    Ok(())
}

/// The stop on a conflict, with the exact commands that go on from there.
fn conflict(state: &State) -> Error {
    let into = &state.trunk(state.next).branch;
    let files = Git::here()
        .run(&["diff", "--name-only", "--diff-filter=U"])
        .map(|t| t.lines().map(str::to_owned).collect::<Vec<_>>().join(", "))
        .unwrap_or_default();
    // Without conflicted files the merge stopped for another reason: a locked ref, a hook.
    let err = if files.is_empty() {
        Error::refused(format!(
            "merging '{}' into '{into}' stopped before the merge commit was made (Git's message is above)",
            state.branch
        ))
        .hint("fix what Git reports, then commit the merge: git commit --no-edit")
    } else {
        Error::refused(format!(
            "merging '{}' into '{into}' stopped on a conflict in: {files}",
            state.branch
        ))
        .hint("resolve the conflicts, then mark each file resolved: git add <file>")
        .hint("commit the merge: git commit --no-edit")
    };
    err.hint("go on: git hotfix finish --continue")
        .hint("or put every branch back where it was: git hotfix finish --abort")
}

/// `git switch`, as an error (Git's message relayed) when it fails; a failed switch leaves
/// the files as they were (see [`steps::switch`]).
fn switch(args: &[&str]) -> Result<()> {
    if steps::switch(args)? {
        return Ok(());
    }
    Err(Error::env(format!(
        "`git switch {}` failed (Git's message is above); the files are as they were",
        args.join(" ")
    )))
}
