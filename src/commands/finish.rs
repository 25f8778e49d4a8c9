//! `git hotfix finish`: for teams that merge locally, the back half of the process in one
//! command. The hotfix goes into main, then into development, each through a merge commit;
//! then main and development are pushed (with `--push`) and the branch is deleted.
//!
//! Every step is recorded in a state file under the Git dir before it runs, together with
//! where each branch was when finish started. A conflict stops the run; `--continue` checks
//! that the user committed the merge and goes on, `--abort` puts every branch back. The file is
//! never trusted blindly: a branch that moved since is reported, and nothing is touched.

use crate::checks;
use crate::commands::{Context, check};
use crate::error::{Error, Result};
use crate::git_cli::Git;
use crate::output::{self, note, say};
use crate::policy::{CommitRef, Graph};
use crate::repo::Head;
use crate::workflow;
use gix::ObjectId;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

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
}

const STATE_FILE: &str = "hotfix-finish.json";
/// Bumped when the file's layout changes, so that an old file is explained, not misread.
const STATE_VERSION: u32 = 1;

/// What finish does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Step {
    MergeMain,
    MergeDevelopment,
    Push,
    Tidy,
}

impl Step {
    fn describe(self, state: &State) -> String {
        match self {
            Step::MergeMain => format!("merging into {}", state.main.branch),
            Step::MergeDevelopment => format!("merging into {}", state.development.branch),
            Step::Push => "pushing".to_owned(),
            Step::Tidy => "deleting the branch".to_owned(),
        }
    }
}

/// One of main and development, as finish found it and as it left it (ids in hex).
#[derive(Debug, Serialize, Deserialize)]
struct Trunk {
    branch: String,
    /// The local branch when finish started; `None` when finish creates it.
    before: Option<String>,
    /// Where merging starts: `before`, or the remote-tracking tip it is fast-forwarded to.
    start: String,
    /// Where finish last left the local branch; `None` until finish touches it.
    now: Option<String>,
}

impl Trunk {
    /// Where the local branch should be now, if nobody else moved it.
    fn expected(&self) -> Option<&str> {
        self.now.as_deref().or(self.before.as_deref())
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Checkout {
    Branch(String),
    Detached(String),
}

/// The state file's content.
#[derive(Debug, Serialize, Deserialize)]
struct State {
    version: u32,
    branch: String,
    tip: String,
    main: Trunk,
    development: Trunk,
    /// What was checked out when finish started.
    checkout: Checkout,
    next: Step,
    /// A merge for `next` was started and stopped on a conflict.
    merging: bool,
    push: bool,
    keep: bool,
}

impl State {
    fn trunk(&self, step: Step) -> &Trunk {
        if step == Step::MergeMain { &self.main } else { &self.development }
    }

    fn trunk_mut(&mut self, step: Step) -> &mut Trunk {
        if step == Step::MergeMain { &mut self.main } else { &mut self.development }
    }
}

pub fn run(args: &FinishArgs) -> Result<()> {
    let ctx = Context::open()?;
    workflow::require_work_tree(&ctx, "finish")?;
    let path = ctx.repo.git_dir().join(STATE_FILE);
    if args.resume {
        resume(&ctx, &path, args)
    } else if args.abort {
        abort(&ctx, &path, args)
    } else {
        if let Some(state) = load(&path)? {
            return Err(Error::refused(format!(
                "a finish of '{}' is already under way (stopped at: {})",
                state.branch,
                state.next.describe(&state)
            ))
            .hint("go on with it: git hotfix finish --continue")
            .hint("or put every branch back where it was: git hotfix finish --abort"));
        }
        begin(&ctx, &path, args)
    }
}

/// A fresh run: every check first, then the state file, then the steps.
fn begin(ctx: &Context, path: &Path, args: &FinishArgs) -> Result<()> {
    let branch = workflow::hotfix_to_act_on(ctx, args.branch.as_deref(), "finish")?;
    let remote = ctx.config.remote.clone();
    let Some(tip) = ctx.repo.resolve_ref(&format!("refs/heads/{branch}"))? else {
        let mut err = Error::env(format!("there is no local branch '{branch}'"));
        if ctx.repo.resolve_ref(&format!("refs/remotes/{remote}/{branch}"))?.is_some() {
            err = err.hint(format!("get it from {remote} first: git switch {branch}"));
        }
        return Err(err);
    };
    workflow::refuse_operation_in_progress(ctx, "finish")?;
    workflow::refuse_uncommitted("finish")?;
    if args.push && !workflow::has_remote(ctx) {
        return Err(Error::env(format!(
            "--push needs the remote '{remote}', which is not configured"
        )));
    }
    if args.dry_run {
        note(format!("dry run: using {remote}'s branches as last fetched"));
    } else {
        workflow::fetch(ctx, false)?;
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
    drive(ctx, path, state)
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
    let mut state = load_for(ctx, path, args, "continue")?;
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
        if actual.map(|id| id.to_string()) == Some(expected) {
            return Err(Error::refused(format!(
                "there is no merge commit of '{}' on '{into}': the merge was given up",
                state.branch
            ))
            .hint(format!(
                "merge it yourself (git switch {into} && git merge --no-ff {}), then: git hotfix finish --continue",
                state.branch
            ))
            .hint("or put every branch back where it was: git hotfix finish --abort"));
        }
        // `mismatches` has checked that it is the merge of the hotfix onto where finish left it.
        workflow::refuse_uncommitted("continue")?;
        let step = state.next;
        state.trunk_mut(step).now = actual.map(|id| id.to_string());
        state.merging = false;
        state.next = following(step, &state);
        note(format!("the merge into '{into}' is committed; going on"));
    } else {
        workflow::refuse_uncommitted("continue")?;
    }
    state.push |= args.push;
    state.keep |= args.keep;
    save(path, &state)?;
    drive(ctx, path, state)
}

/// `--abort`: every branch back where it was, in one ref transaction guarded by the values
/// finish left, and the original checkout back.
fn abort(ctx: &Context, path: &Path, args: &FinishArgs) -> Result<()> {
    let state = load_for(ctx, path, args, "abort")?;
    if state.next == Step::Tidy && state.push {
        return Err(Error::refused(format!(
            "'{}' and '{}' were already pushed to {}: aborting here would not undo that",
            state.main.branch, state.development.branch, ctx.config.remote
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
    workflow::refuse_uncommitted("put the branches back")?;

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

/// Loads the state for `--continue`/`--abort`, refusing when there is none or it is about
/// another branch than the one named.
fn load_for(ctx: &Context, path: &Path, args: &FinishArgs, action: &str) -> Result<State> {
    let Some(state) = load(path)? else {
        return Err(Error::refused(format!("there is no finish under way to {action}"))
            .hint("start one with: git hotfix finish [<branch>]"));
    };
    if let Some(given) = &args.branch {
        let given = workflow::hotfix_to_act_on(ctx, Some(given), "finish")?;
        if given != state.branch {
            return Err(Error::refused(format!(
                "the finish under way is for '{}', not '{given}'",
                state.branch
            ))
            .hint(format!("run: git hotfix finish --{action}")));
        }
    }
    Ok(state)
}

/// Where the repository no longer looks the way finish left it: each entry names the branch,
/// where it is and where finish expected it.
fn mismatches(ctx: &Context, state: &State, aborting: bool) -> Result<Vec<String>> {
    let tip = parse(ctx, &state.tip)?;
    let mut problems = Vec::new();
    let describe = |id: Option<ObjectId>| match id {
        Some(id) => {
            CommitRef::of(&ctx.repo, id).map_or_else(|_| ctx.repo.short(id), |c| c.to_string())
        }
        None => "nowhere (deleted)".to_owned(),
    };
    let hotfix = ctx.repo.resolve_ref(&format!("refs/heads/{}", state.branch))?;
    // A deleted hotfix branch is recreated by --abort; anything else is someone else's doing.
    if hotfix != Some(tip) && !(aborting && hotfix.is_none()) {
        problems.push(format!(
            "'{}' is at {}, but finish started with it at {}",
            state.branch,
            describe(hotfix),
            describe(Some(tip))
        ));
    }
    for step in [Step::MergeMain, Step::MergeDevelopment] {
        let trunk = state.trunk(step);
        let actual = ctx.repo.resolve_ref(&format!("refs/heads/{}", trunk.branch))?;
        let expected = trunk.expected().map(|hex| parse(ctx, hex)).transpose()?;
        if actual == expected {
            continue;
        }
        // The merge that stopped on a conflict, committed by the user.
        if state.merging
            && state.next == step
            && let (Some(actual), Some(expected)) = (actual, expected)
            && ctx.repo.parents(actual)? == [expected, tip]
        {
            continue;
        }
        problems.push(format!(
            "'{}' is at {}, but finish left it at {}",
            trunk.branch,
            describe(actual),
            describe(expected)
        ));
    }
    Ok(problems)
}

fn stale(path: &Path, problems: &[String]) -> Error {
    Error::refused(format!(
        "the saved finish state no longer matches the repository, so nothing was changed: {}",
        problems.join("; ")
    ))
    .hint("someone (or something) moved these branches since finish stopped")
    .hint(format!(
        "look at them, put them where you want them, then forget the unfinished finish: rm {}",
        path.display()
    ))
}

/// Runs the steps from `state.next` to the end, saving the state before each.
fn drive(ctx: &Context, path: &Path, mut state: State) -> Result<()> {
    let tip = parse(ctx, &state.tip)?;
    loop {
        let step = state.next;
        let result = match step {
            Step::MergeMain | Step::MergeDevelopment => merge_step(ctx, path, &mut state, tip),
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
            workflow::relay(&out);
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
    let mut out = workflow::push(&args)?;
    if !out.status.success()
        && String::from_utf8_lossy(&out.stderr).contains("does not support --atomic")
    {
        note(format!(
            "{remote} cannot take both branches at once; pushing them one after the other"
        ));
        args.retain(|a| *a != "--atomic");
        out = workflow::push(&args)?;
    }
    if !out.status.success() {
        return Err(Error::refused(format!(
            "pushing '{}' and '{}' to {remote} failed (Git's message is above)",
            state.main.branch, state.development.branch
        )));
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
    check::record_tip(branch, tip)?;
    if state.push {
        workflow::delete_remote_branch(ctx, branch)?;
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
            workflow::relay(&out);
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

/// Adds what is done and the ways out to an error that stopped the steps.
fn way_out(err: Error, state: &State) -> Error {
    let merged: Vec<String> = [&state.main, &state.development]
        .iter()
        .filter(|t| t.now.as_deref().is_some_and(|now| now != t.start))
        .map(|t| format!("'{}'", t.branch))
        .collect();
    let done = if merged.is_empty() {
        "no merge made yet".to_owned()
    } else if state.next == Step::Tidy && state.push {
        format!("merged into {} and pushed already", merged.join(" and "))
    } else {
        format!("merged into {} already", merged.join(" and "))
    };
    let err = err
        .hint(format!("stopped while {}: {done}", state.next.describe(state)))
        .hint("once that is fixed, go on: git hotfix finish --continue");
    if state.next == Step::Tidy && state.push {
        err
    } else {
        err.hint("or put every branch back where it was: git hotfix finish --abort")
    }
}

/// `git switch`, as an error (Git's message relayed) when it fails; a failed switch leaves
/// the files as they were (see [`workflow::switch`]).
fn switch(args: &[&str]) -> Result<()> {
    if workflow::switch(args)? {
        return Ok(());
    }
    Err(Error::env(format!(
        "`git switch {}` failed (Git's message is above); the files are as they were",
        args.join(" ")
    )))
}

fn parse(ctx: &Context, hex: &str) -> Result<ObjectId> {
    ctx.repo.parse_id(hex).ok_or_else(|| {
        Error::env(format!("the saved finish state holds '{hex}', which is not an object id"))
    })
}

fn load(path: &Path) -> Result<Option<State>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::env(format!("cannot read {}: {e}", path.display()))),
    };
    let unreadable = |why: String| {
        Error::env(format!(
            "{} is not a finish state this version understands: {why}",
            path.display()
        ))
        .hint(format!("if no finish is under way, delete it: rm {}", path.display()))
    };
    let state: State = serde_json::from_str(&text).map_err(|e| unreadable(e.to_string()))?;
    if state.version != STATE_VERSION {
        return Err(unreadable(format!("version {}", state.version)));
    }
    Ok(Some(state))
}

/// Writes the state through a temporary file, so that a crash never leaves half a file.
fn save(path: &Path, state: &State) -> Result<()> {
    let io = |e: std::io::Error| Error::env(format!("cannot write {}: {e}", path.display()));
    let text = serde_json::to_string_pretty(state)
        .map_err(|e| Error::env(format!("cannot record the finish state: {e}")))?;
    let temp: PathBuf = path.with_extension("json.tmp");
    std::fs::write(&temp, text + "\n").map_err(io)?;
    std::fs::rename(&temp, path).map_err(io)
}

fn remove(path: &Path) -> Result<()> {
    std::fs::remove_file(path)
        .map_err(|e| Error::env(format!("cannot remove {}: {e}", path.display())))
}
