//! `git hotfix status`: one hotfix against the process checklist.
//!
//! The facts are derived from the repository wherever it can tell (where the branch is, whether
//! and how it reached main and development); the rest are the items people tick with
//! `git hotfix check`. The same facts give `list` its stages and `start` its warning.

use crate::context::Context;
use crate::deploy::Run;
use crate::error::Result;
use crate::hotfix::deployments::{self, Deployments};
use crate::hotfix::journal;
use crate::hotfix::marks::{self, Checklist, ManualItem, Person, Source, Sync};
use crate::hotfix::review::{self, PullReview};
use crate::hotfix::state::{self, Facts, Landing, Stage, Target, TipSource, locate, target};
use crate::hotfix::{checks, steps};
use crate::output::{self, Paint};
use crate::policy::size;
use crate::policy::{CommitRef, Graph, Trunks, Violation, ancestry};
use gix::ObjectId;
use serde::Serialize;

/// Show where a hotfix stands against the process checklist
#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// The hotfix branch, also once deleted (default: the current branch)
    pub branch: Option<String>,
    /// Print the checklist as JSON
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &StatusArgs) -> Result<()> {
    let ctx = Context::open()?;
    // A finish that stopped (a conflict, a kill, a failed push) is what matters most here; on
    // main or development, where it leaves you, it names the hotfix.
    let finishing = journal::load(&ctx.repo.git_dir().join(journal::STATE_FILE)).ok().flatten();
    let branch = match (&args.branch, &finishing) {
        (None, Some(state)) => target(&ctx, None).unwrap_or_else(|_| state.branch.clone()),
        _ => target(&ctx, args.branch.as_deref())?,
    };
    let finishing = finishing.filter(|state| state.branch == branch).map(|state| {
        let stopped = format!(
            "a finish of '{branch}' is under way, stopped while {}",
            state.next.describe(&state)
        );
        output::warn(&stopped);
        output::note("  go on: git hotfix finish --continue");
        output::note("  or put every branch back where it was: git hotfix finish --abort");
        stopped
    });
    for lock in steps::stale_locks(&ctx) {
        output::warn(format!(
            "{} is there: a Git process was killed (or is still running); if none is running, remove it",
            lock.display()
        ));
    }
    let found = locate(&ctx, &branch)?;
    let synced = marks::sync(&ctx);
    if synced != Sync::NoRemote && marks::pending(&ctx)? {
        output::note(format!(
            "checklist marks made here are not on {} yet; share them: {}",
            ctx.config.remote,
            marks::share_command(&ctx)
        ));
    }
    let checklist = Checklist::load(&ctx, &branch)?;
    let watched = [Target::Main, Target::Development]
        .into_iter()
        .any(|t| deployments::configured(&ctx, t).is_some());
    if watched {
        // A pipeline reports commits; the newest of them must be here to be recognised.
        steps::fetch(&ctx, false)?;
    }
    let trunks = ctx.trunks()?;
    let facts = Facts::gather(&ctx, &trunks, found)?;
    let mut report = Report::build(&ctx, &trunks, &facts, &checklist)?;
    report.finish_under_way = finishing;
    if args.json {
        output::json(&report);
    } else {
        report.print();
    }
    Ok(())
}

/// One checklist line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Done,
    Todo,
    /// Done, but not the way the process wants, or over a threshold.
    Warning,
    /// The repository cannot tell.
    Unknown,
}

#[derive(Debug, Serialize)]
pub struct Item {
    pub id: &'static str,
    pub title: String,
    pub state: State,
    /// Ticked by hand with `git hotfix check`.
    pub manual: bool,
    pub detail: String,
    /// Who marked a manual item (`null` when unmarked, or marked by an earlier version).
    pub marked_by: Option<Person>,
    /// When, as `YYYY-MM-DDTHH:MM:SSZ`.
    pub marked_at: Option<String>,
    /// Where the mark was found: `shared` (the remote has it), `local` (this clone only) or
    /// `config` (this clone's Git config, by an earlier version).
    pub mark_source: Option<Source>,
}

/// Another hotfix open on the remote.
#[derive(Debug, Serialize)]
pub struct Other {
    pub branch: String,
    pub started_by: String,
}

#[derive(Debug, Serialize)]
pub struct Commit {
    pub id: String,
    pub subject: String,
}

/// The checklist of one hotfix, as printed and as JSON.
#[derive(Debug, Serialize)]
pub struct Report {
    pub branch: String,
    pub stage: Stage,
    #[serde(skip)]
    stage_label: String,
    #[serde(skip)]
    remote_name: String,
    pub tip: Commit,
    pub local: Option<String>,
    pub remote: Option<String>,
    /// How the tip was found once the branch is gone: `branch`, `recorded`, or `merge <id>`.
    pub tip_from: String,
    pub items: Vec<Item>,
    /// The other hotfix branches on the remote, and who started them.
    pub others: Vec<Other>,
    /// Per configured branch, the newest deployment run of each pipeline, environment or
    /// workflow that contains the hotfix.
    pub deployments: Vec<BranchDeployments>,
    /// The pull requests from the branch and their reviews (`null`: not on GitHub, or no `gh`).
    pub pull_requests: Option<Vec<PullReview>>,
    /// Where a `finish` of this hotfix stopped, when one is under way.
    pub finish_under_way: Option<String>,
}

/// The deployments of one long-lived branch, or why they could not be read.
#[derive(Debug, Serialize)]
pub struct BranchDeployments {
    pub branch: String,
    pub runs: Vec<Run>,
    pub error: Option<String>,
}

impl Report {
    pub fn build(
        ctx: &Context,
        trunks: &Trunks<'_, ObjectId>,
        facts: &Facts,
        checklist: &Checklist,
    ) -> Result<Self> {
        let (cfg, found) = (&ctx.config, &facts.found);
        let (main, dev) = (&cfg.main, &cfg.development);
        let manual = |item: ManualItem| manual_item(ctx, checklist, &found.branch, item);
        let mut deployed = Vec::new();
        for (target, on) in
            [(Target::Main, Some(facts.main)), (Target::Development, facts.development)]
        {
            let landed = on.and_then(|on| deployments::landed(on, found.tip));
            match deployments::read(ctx, target, landed) {
                Ok(Some(found)) => deployed.push((target, Ok(found))),
                Ok(None) => {}
                Err(e) => deployed.push((target, Err(e.message))),
            }
        }
        let main_deployed = deployed.iter().find(|(t, _)| *t == Target::Main).map(|(_, d)| d);
        let monitored = match (checklist.marked(ManualItem::DeploymentMonitored), main_deployed) {
            (None, Some(found)) => deployment_item(ctx, facts, found),
            _ => manual(ManualItem::DeploymentMonitored),
        };
        let items = vec![
            manual(ManualItem::ConfirmedInProduction),
            derived("name", "Named for the process (R1)".into(), name_state(ctx, facts)),
            derived(
                "created-from-main",
                format!("Created from {main} (R2)"),
                base_state(ctx, trunks, facts)?,
            ),
            derived("minimal-changes", "Minimal changes (R6)".into(), size_state(ctx, facts)?),
            manual(ManualItem::TestedLocally),
            derived("published", "Published".into(), published_state(ctx, facts)?),
            derived("merged-into-main", format!("Merged into {main}"), main_state(ctx, facts)?),
            monitored,
            manual(ManualItem::VerifiedInProduction),
            derived(
                "merged-into-development",
                format!("Merged back into {dev} (R7)"),
                development_state(ctx, facts)?,
            ),
            derived("cleaned-up", "Branches cleaned up".into(), cleanup_state(ctx, facts)),
            manual(ManualItem::PostMortem),
        ];
        let stage = facts.stage();
        Ok(Self {
            branch: found.branch.clone(),
            stage,
            stage_label: stage.label(cfg),
            remote_name: cfg.remote.clone(),
            tip: Commit { id: found.tip.to_string(), subject: ctx.repo.subject(found.tip)? },
            local: found.refs.local.map(|id| id.to_string()),
            remote: found.refs.remote.map(|id| id.to_string()),
            tip_from: match found.source {
                TipSource::Branch => "branch".to_owned(),
                TipSource::Recorded => "recorded".to_owned(),
                TipSource::Merge(m) => format!("merge {m}"),
            },
            items,
            others: others(ctx, trunks, &found.branch)?,
            deployments: deployed
                .into_iter()
                .map(|(target, found)| {
                    let branch = match target {
                        Target::Main => cfg.main.clone(),
                        Target::Development => cfg.development.clone(),
                    };
                    match found {
                        Ok(found) => BranchDeployments { branch, runs: found.runs, error: None },
                        Err(e) => BranchDeployments { branch, runs: Vec::new(), error: Some(e) },
                    }
                })
                .collect(),
            pull_requests: match review::of_branch(ctx, &found.branch) {
                Some(Ok(pulls)) => Some(pulls),
                Some(Err(e)) => {
                    output::warn(format!("the pull requests could not be read: {}", e.message));
                    None
                }
                None => None,
            },
            finish_under_way: None,
        })
    }

    fn print(&self) {
        let bold = output::paint_out(Paint::Bold, &self.branch);
        output::say(format!("{bold}: {}", self.stage_label));
        let short = &self.tip.id[..self.tip.id.len().min(7)];
        let from = match self.tip_from.strip_prefix("merge ") {
            Some(m) => format!(" (branch deleted; tip from merge {})", &m[..m.len().min(7)]),
            None if self.tip_from == "recorded" => " (branch deleted; tip as recorded)".to_owned(),
            None => String::new(),
        };
        output::say(format!("tip {short} {}{from}", self.tip.subject));
        let width = self.items.iter().map(|i| i.title.chars().count()).max().unwrap_or(0);
        for item in &self.items {
            let mark = match item.state {
                State::Done => output::paint_out(Paint::Green, "✓"),
                State::Todo => output::paint_out(Paint::Red, "✗"),
                State::Warning => output::paint_out(Paint::Yellow, "!"),
                State::Unknown => output::paint_out(Paint::Dim, "?"),
            };
            let line = format!("{mark} {:<width$}  {}", item.title, item.detail);
            output::say(line.trim_end());
        }
        for deployed in &self.deployments {
            output::say(format!("Deployments of {}:", deployed.branch));
            if let Some(error) = &deployed.error {
                output::say(format!("  ? {error}"));
            }
            for run in &deployed.runs {
                let at =
                    run.started_at.as_deref().map_or(String::new(), |t| format!(", started {t}"));
                output::say(format!(
                    "  {} {}: {}{at}",
                    run.kind.label(),
                    run.name,
                    run.state_text()
                ));
            }
        }
        if let Some(pulls) = self.pull_requests.as_ref().filter(|p| !p.is_empty()) {
            output::say("Pull requests:");
            for pull in pulls {
                output::say(format!("  {}", pull.text()));
            }
        }
        if !self.others.is_empty() {
            output::say(format!("Other hotfixes on {}:", self.remote_name));
            for other in &self.others {
                output::say(format!("  {}  started by {}", other.branch, other.started_by));
            }
        }
    }
}

/// The other hotfix branches on the remote (as last fetched), with who started each.
fn others(ctx: &Context, trunks: &Trunks<'_, ObjectId>, branch: &str) -> Result<Vec<Other>> {
    let found: Vec<(String, ObjectId)> = state::known_branches(ctx)?
        .into_iter()
        .filter(|(name, _)| name != branch)
        .filter_map(|(name, refs)| Some((name, refs.remote?)))
        .collect();
    let tips: Vec<ObjectId> = found.iter().map(|(_, tip)| *tip).collect();
    let who = state::started_by(ctx, trunks.main, &tips)?;
    Ok(found
        .into_iter()
        .zip(who)
        .map(|((branch, _), started_by)| Other { branch, started_by })
        .collect())
}

/// "Deployment monitored", told by main's deployments when nobody marked it.
fn deployment_item(
    ctx: &Context,
    facts: &Facts,
    found: &std::result::Result<Deployments, String>,
) -> Item {
    let main = &ctx.config.main;
    let branch = &facts.found.branch;
    let (state, detail) = match found {
        Err(e) => (State::Unknown, format!("cannot tell: {e}")),
        Ok(found) if found.landed.is_none() => {
            (State::Todo, format!("after the merge into {main}"))
        }
        Ok(found) if found.all_succeeded() => {
            (State::Done, format!("deployed: {}", found.summary()))
        }
        Ok(found) if found.any_failed() => (State::Warning, found.summary()),
        Ok(found) => {
            (State::Todo, format!("{}: git hotfix deploy {branch} --wait", found.summary()))
        }
    };
    let mut item = derived(
        ManualItem::DeploymentMonitored.id(),
        ManualItem::DeploymentMonitored.title().to_owned(),
        (state, detail),
    );
    item.manual = true;
    item
}

/// A checklist line's state and what it says.
type Line = (State, String);

fn derived(id: &'static str, title: String, (state, detail): Line) -> Item {
    Item {
        id,
        title,
        state,
        manual: false,
        detail,
        marked_by: None,
        marked_at: None,
        mark_source: None,
    }
}

fn manual_item(ctx: &Context, checklist: &Checklist, branch: &str, item: ManualItem) -> Item {
    let (id, title) = (item.id(), item.title().to_owned());
    let Some(marked) = checklist.marked(item) else {
        let detail = format!("when done: git hotfix check {id} {branch}");
        let (marked_by, marked_at, mark_source) = (None, None, None);
        return Item {
            id,
            title,
            state: State::Todo,
            manual: true,
            detail,
            marked_by,
            marked_at,
            mark_source,
        };
    };
    let mut detail = match (&marked.by, marked.at) {
        (Some(who), Some(at)) => format!("marked by {} on {}", who.name, output::date(at)),
        (Some(who), None) => format!("marked by {}", who.name),
        (None, _) => "marked".to_owned(),
    };
    let remote = &ctx.config.remote;
    match marked.source {
        Source::Shared => {}
        Source::Local if !steps::has_remote(ctx) => {}
        Source::Local => detail.push_str(&format!(" (not on {remote} yet)")),
        Source::Config => detail.push_str(&format!(
            " (in this clone's Git config only; share it: git hotfix check {id} {branch})"
        )),
    }
    Item {
        id,
        title,
        state: State::Done,
        manual: true,
        detail,
        marked_by: marked.by,
        marked_at: marked.at.map(output::timestamp),
        mark_source: Some(marked.source),
    }
}

/// A finding as a line: errors are still to do, warnings are flagged.
fn finding(v: &Violation) -> Line {
    let state = if v.is_error() { State::Todo } else { State::Warning };
    let detail =
        if v.fix.is_empty() { v.message.clone() } else { format!("{}: {}", v.message, v.fix) };
    (state, detail)
}

fn name_state(ctx: &Context, facts: &Facts) -> Line {
    match ctx.config.naming.check(&facts.found.branch) {
        None => (State::Done, String::new()),
        Some(v) => finding(&v),
    }
}

fn base_state(ctx: &Context, trunks: &Trunks<'_, ObjectId>, facts: &Facts) -> Result<Line> {
    let mut found = ancestry::check_base(&ctx.repo, &facts.found.branch, facts.found.tip, trunks)?;
    if facts.main.arrived() {
        found.retain(Violation::is_error); // being behind main no longer matters
    }
    Ok(match found.iter().find(|v| v.is_error()).or(found.first()) {
        None => (State::Done, String::new()),
        Some(v) => finding(v),
    })
}

/// R6: the hotfix's diff against where it left main, whether or not it was merged since.
fn size_state(ctx: &Context, facts: &Facts) -> Result<Line> {
    if facts.fresh {
        return Ok((State::Done, "no commits yet".to_owned()));
    }
    let measured = match facts.fork {
        Some(fork) => checks::hotfix_size(ctx, fork, facts.found.tip)?,
        None => None,
    };
    let Some(diff) = measured else {
        return Ok((State::Unknown, "cannot tell where it left main".to_owned()));
    };
    let limits = ctx.config.limits();
    Ok(match size::check(&facts.found.branch, diff, limits) {
        None => (
            State::Done,
            format!(
                "{} file(s), {} line(s) (limits {} and {})",
                diff.files,
                diff.lines(),
                limits.max_files,
                limits.max_lines
            ),
        ),
        Some(v) => finding(&v),
    })
}

fn published_state(ctx: &Context, facts: &Facts) -> Result<Line> {
    let (repo, refs) = (&ctx.repo, facts.found.refs);
    let Some(pushed) = refs.remote else {
        return Ok(if facts.main.arrived() {
            (State::Done, format!("reached {}", ctx.config.main))
        } else if facts.fresh {
            (State::Todo, "no commits yet: commit the fix, then git hotfix publish".to_owned())
        } else if refs.local.is_some() {
            (State::Todo, "not pushed yet: git hotfix publish".to_owned())
        } else {
            (State::Todo, "deleted without being published".to_owned())
        });
    };
    let at = format!("{}/{}", ctx.config.remote, facts.found.branch);
    let Some(local) = refs.local.filter(|&l| l != pushed) else {
        return Ok((State::Done, format!("{at} at {}", repo.short(pushed))));
    };
    let ahead = repo.commits(&[local], &[pushed], false)?.len();
    let behind = repo.commits(&[pushed], &[local], false)?.len();
    let what = match (ahead, behind) {
        (_, 0) => format!("{ahead} local commit(s) not pushed: git push"),
        (0, _) => format!("{at} has {behind} commit(s) you lack: git pull"),
        _ => format!("{at} and the local branch differ ({ahead} ahead, {behind} behind)"),
    };
    Ok((State::Warning, what))
}

fn main_state(ctx: &Context, facts: &Facts) -> Result<Line> {
    let main = &ctx.config.main;
    Ok(match facts.main {
        Landing::Merged(m) => (State::Done, format!("by merge {}", CommitRef::of(&ctx.repo, m)?)),
        Landing::FastForward => (
            State::Warning,
            format!(
                "fast-forwarded or rebased onto {main}: no merge commit records the hotfix (R3)"
            ),
        ),
        Landing::Copied(c) => (
            State::Warning,
            format!(
                "squashed or rebased into {main} as {}, not merged: the branch's own commits are not on {main} (R3)",
                CommitRef::of(&ctx.repo, c)?
            ),
        ),
        Landing::Absent if facts.fresh => (State::Todo, "no commits yet".to_owned()),
        Landing::Absent => (
            State::Todo,
            "not yet: open the pull request (git hotfix publish) and merge it with a merge commit"
                .to_owned(),
        ),
    })
}

fn development_state(ctx: &Context, facts: &Facts) -> Result<Line> {
    let (main, dev) = (&ctx.config.main, &ctx.config.development);
    let Some(landing) = facts.development else {
        return Ok((State::Unknown, format!("there is no '{dev}' branch here")));
    };
    Ok(match landing {
        Landing::Merged(m) if !facts.main.arrived() => (
            State::Warning,
            format!("merged into {dev} by {} before {main} (R8)", CommitRef::of(&ctx.repo, m)?),
        ),
        Landing::Merged(m) => (State::Done, format!("by merge {}", CommitRef::of(&ctx.repo, m)?)),
        Landing::FastForward => (
            State::Warning,
            format!("fast-forwarded onto {dev}: no merge commit records the hotfix (R4)"),
        ),
        Landing::Copied(c) => (
            State::Warning,
            format!(
                "copied into {dev} as {}, not merged (R4): merge the branch itself",
                CommitRef::of(&ctx.repo, c)?
            ),
        ),
        Landing::Absent if facts.main.arrived() => {
            (State::Todo, format!("not yet: git hotfix publish --to {dev}"))
        }
        Landing::Absent => (State::Todo, format!("after the merge into {main} (R8)")),
    })
}

fn cleanup_state(ctx: &Context, facts: &Facts) -> Line {
    let (branch, refs) = (&facts.found.branch, facts.found.refs);
    let left: Vec<String> = [
        refs.local.map(|_| format!("local {branch}")),
        refs.remote.map(|_| format!("{}/{branch}", ctx.config.remote)),
    ]
    .into_iter()
    .flatten()
    .collect();
    if left.is_empty() {
        (State::Done, "local and remote branches deleted".to_owned())
    } else if facts.stage() == Stage::MergedIntoBoth {
        (State::Todo, format!("{} still there: git hotfix cleanup", left.join(" and ")))
    } else {
        (State::Todo, format!("{} still there (delete after both merges)", left.join(" and ")))
    }
}
