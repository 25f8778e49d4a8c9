//! The journal of a `finish` under way, behind `finish --continue` and `--abort`: a JSON file
//! under the Git dir, written before each step, and the checks that refuse to trust it once the
//! branches moved. `status` reads it too, to say that a finish stopped and how to get out.

use crate::context::Context;
use crate::error::{Error, Result};
use crate::hotfix::steps;
use crate::policy::{CommitRef, Graph};
use gix::ObjectId;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub const STATE_FILE: &str = "hotfix-finish.json";
/// Bumped when the file's layout changes, so that an old file is explained, not misread.
pub const STATE_VERSION: u32 = 1;

/// What finish does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Step {
    MergeMain,
    MergeDevelopment,
    Push,
    Tidy,
}

impl Step {
    pub fn describe(self, state: &State) -> String {
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
pub struct Trunk {
    pub branch: String,
    /// The local branch when finish started; `None` when finish creates it.
    pub before: Option<String>,
    /// Where merging starts: `before`, or the remote-tracking tip it is fast-forwarded to.
    pub start: String,
    /// Where finish last left the local branch; `None` until finish touches it.
    pub now: Option<String>,
}

impl Trunk {
    /// Where the local branch should be now, if nobody else moved it.
    pub fn expected(&self) -> Option<&str> {
        self.now.as_deref().or(self.before.as_deref())
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Checkout {
    Branch(String),
    Detached(String),
}

/// The state file's content.
#[derive(Debug, Serialize, Deserialize)]
pub struct State {
    pub version: u32,
    pub branch: String,
    pub tip: String,
    pub main: Trunk,
    pub development: Trunk,
    /// What was checked out when finish started.
    pub checkout: Checkout,
    pub next: Step,
    /// A merge for `next` was started and stopped on a conflict.
    pub merging: bool,
    pub push: bool,
    pub keep: bool,
}

impl State {
    pub fn trunk(&self, step: Step) -> &Trunk {
        if step == Step::MergeMain { &self.main } else { &self.development }
    }

    pub fn trunk_mut(&mut self, step: Step) -> &mut Trunk {
        if step == Step::MergeMain { &mut self.main } else { &mut self.development }
    }
}

/// Loads the state for `--continue`/`--abort`, refusing when there is none or it is about
/// another branch than the one named.
pub fn load_for(ctx: &Context, path: &Path, branch: Option<&str>, action: &str) -> Result<State> {
    let Some(state) = load(path)? else {
        return Err(Error::refused(format!("there is no finish under way to {action}"))
            .hint("start one with: git hotfix finish [<branch>]"));
    };
    if let Some(given) = branch {
        let given = steps::hotfix_to_act_on(ctx, Some(given), "finish")?;
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
pub fn mismatches(ctx: &Context, state: &State, aborting: bool) -> Result<Vec<String>> {
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

pub fn stale(path: &Path, problems: &[String]) -> Error {
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

pub fn parse(ctx: &Context, hex: &str) -> Result<ObjectId> {
    ctx.repo.parse_id(hex).ok_or_else(|| {
        Error::env(format!("the saved finish state holds '{hex}', which is not an object id"))
    })
}

pub fn load(path: &Path) -> Result<Option<State>> {
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
pub fn save(path: &Path, state: &State) -> Result<()> {
    let io = |e: std::io::Error| Error::env(format!("cannot write {}: {e}", path.display()));
    let text = serde_json::to_string_pretty(state)
        .map_err(|e| Error::env(format!("cannot record the finish state: {e}")))?;
    let temp: PathBuf = path.with_extension("json.tmp");
    std::fs::write(&temp, text + "\n").map_err(io)?;
    std::fs::rename(&temp, path).map_err(io)
}

pub fn remove(path: &Path) -> Result<()> {
    std::fs::remove_file(path)
        .map_err(|e| Error::env(format!("cannot remove {}: {e}", path.display())))
}

/// Adds what is done and the ways out to an error that stopped the steps.
pub fn way_out(err: Error, state: &State) -> Error {
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
