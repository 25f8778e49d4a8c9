//! `git hotfix report`: every hotfix that reached main, from history, with when it was cut,
//! merged into main and brought into development, its size and the rules it broke; then a
//! summary. The record a post-mortem or a quarterly review starts from; it changes nothing and
//! exits 0 whatever it finds (`verify` is the check).
//!
//! A hotfix is what `verify`'s history mode says it is ([`judge`]): a merge into main that
//! brings no development commit, or that names a branch under the hotfix prefix; and, since
//! that is how a hotfix skips the process, every commit that reached main without a merge (R3:
//! squash, rebase, fast-forward or direct commit). main's first-parent line is read once, with
//! development's beside it as verify reads them; where each hotfix reached development is found
//! in one pass up development's first-parent line ([`Repo::first_containing`]), not one walk per
//! hotfix.

mod render;
mod summary;

use crate::context::Context;
use crate::error::{Error, Result};
use crate::output;
use crate::policy::history::{Judged, judge};
use crate::policy::message::pull_request;
use crate::policy::size::{self, DiffSize};
use crate::policy::topology::{MergeKind, Names};
use crate::policy::{Graph, Rule, Violation};
use crate::repo::{Ahead, Repo};
use gix::ObjectId;
use serde::Serialize;

/// List every hotfix that reached main, from history, with its lags, size and broken rules
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  git hotfix report                          every hotfix, as a table, then the summary
  git hotfix report --since 2026-01-01       those merged into main since that day (UTC)
  git hotfix report --csv > hotfixes.csv     one row per hotfix, for a spreadsheet")]
pub struct ReportArgs {
    /// Only hotfixes merged into main at or after DATE: YYYY-MM-DD (midnight UTC), or
    /// YYYY-MM-DDTHH:MM:SS with Z or an offset such as +02:00
    #[arg(long, value_name = "DATE", value_parser = output::parse_date)]
    since: Option<i64>,

    /// Print {"hotfixes": [...], "summary": {...}}
    #[arg(long, group = "format")]
    json: bool,

    /// Print one CSV row per hotfix (RFC 4180), without the summary
    #[arg(long, group = "format")]
    csv: bool,

    /// Print the table and the summary as Markdown (for a post-mortem or an issue)
    #[arg(long, group = "format")]
    markdown: bool,
}

/// One hotfix that reached main.
#[derive(Debug, Serialize)]
pub(crate) struct Hotfix {
    /// The branch its merge names (`None`: no merge, or a merge message that names none).
    branch: Option<String>,
    pull_request: Option<u64>,
    /// Whether it reached main through a merge commit (false: R3 broken).
    merge_commit: bool,
    /// Its first commit: the earliest authored of those it brought.
    cut: Point,
    /// The commit of main's first-parent line that brought it.
    main: Point,
    /// The first commit of development's first-parent line that contains it, which may be
    /// another hotfix's back-merge (`None`: not yet, R7 open).
    development: Option<Point>,
    cut_to_main_seconds: i64,
    main_to_development_seconds: Option<i64>,
    /// What it changed on main: the diff from main before it to main after it.
    size: DiffSize,
    rules: Vec<Violation>,
}

/// A commit and when it happened.
#[derive(Debug, Serialize)]
pub(crate) struct Point {
    commit: String,
    subject: String,
    /// `YYYY-MM-DDTHH:MM:SSZ`.
    time: String,
    #[serde(skip)]
    secs: i64,
}

impl Hotfix {
    /// The branch, else the commit on main and how it came.
    fn label(&self) -> String {
        match &self.branch {
            Some(branch) => branch.clone(),
            None if self.merge_commit => format!("{} (merge)", short(&self.main.commit)),
            None => format!("{} (no merge)", short(&self.main.commit)),
        }
    }
}

fn short(id: &str) -> &str {
    &id[..id.len().min(7)]
}

pub fn run(args: &ReportArgs) -> Result<()> {
    let ctx = Context::open()?;
    ctx.require_whole_history("report", None)?;
    let (hotfixes, read) = gather(&ctx, args.since)?;
    let summary = summary::Summary::of(&hotfixes);
    let scope = render::Scope { read, since: args.since, main: &ctx.config.main };
    if args.json {
        output::json(&render::Json { hotfixes: &hotfixes, summary: &summary });
    } else if args.csv {
        output::print(&render::csv(&hotfixes));
    } else if args.markdown {
        output::say(render::markdown(&hotfixes, &summary, &scope));
    } else {
        output::say(render::human(&hotfixes, &summary, &scope));
    }
    Ok(())
}

/// Every hotfix on main's first-parent line (down to `since`), oldest first, and how many
/// commits of the line were read.
fn gather(ctx: &Context, since: Option<i64>) -> Result<(Vec<Hotfix>, usize)> {
    let config = &ctx.config;
    let main = ctx.trunks()?.main;
    let development = ctx.development(": without it, a release cannot be told from a hotfix")?;
    let names =
        Names { main: &config.main, development: &config.development, naming: &config.naming };
    let mut changes = ctx.repo.ahead(change);
    // Without generation numbers, the whole line is judged and placed on development from one
    // walk of the history, as verify judges it (repo/lines.rs), rather than with a merge-base
    // search per merge; `--since` keeps the searches, for the few merges it asks about.
    let (found, read, tips, reached) = if since.is_none() && !ctx.repo.has_commit_graph() {
        let lines = ctx.repo.lines(main, development)?;
        let (main_line, development_line) = (lines.main_line(), lines.development_line());
        let (found, read) = find(&lines, names, main_line, development_line, &mut changes)?;
        let tips = tips(ctx, &found)?;
        let reached = tips.iter().filter_map(|&t| Some((t, lines.first_on_development(t)?)));
        let reached = reached.collect();
        (found, read, tips, reached)
    } else {
        // Newest first: the line ends at its first commit older than `since`, as `git log --since`.
        let since = since.unwrap_or(i64::MIN);
        let main_line: Vec<_> = ctx
            .repo
            .first_parent_line(main, &[])?
            .take_while(|entry| entry.as_ref().map_or(true, |&(_, time)| time >= since))
            .collect::<Result<_>>()?;
        ctx.repo.read_messages_ahead(main_line.iter().map(|&(id, _)| id).collect());
        let development_line = ctx.repo.first_parent_line(development, &[])?;
        let main_line = main_line.into_iter().map(Ok);
        let (found, read) = find(&ctx.repo, names, main_line, development_line, &mut changes)?;
        let tips = tips(ctx, &found)?;
        let reached = ctx.repo.first_containing(development, &tips)?;
        (found, read, tips, reached)
    };
    let changes = changes.wait(&ctx.repo)?.into_iter().rev();
    let hotfixes = found
        .into_iter()
        .zip(changes)
        .zip(&tips)
        .map(|((judged, change), tip)| describe(ctx, judged, change, reached.get(tip).copied()))
        .collect::<Result<_>>()?;
    Ok((hotfixes, read))
}

/// The commits of `main_line` that are hotfixes, as [`judge`] finds them, oldest first, each
/// also pushed to `changes`; and how many commits of the line were read.
fn find<G: Graph<Id = ObjectId, Error = Error>>(
    graph: &G,
    names: Names<'_>,
    main_line: impl Iterator<Item = Result<(ObjectId, i64)>>,
    development_line: impl Iterator<Item = Result<(ObjectId, i64)>>,
    changes: &mut Ahead<ObjectId, Change>,
) -> Result<(Vec<Judged<ObjectId>>, usize)> {
    let (mut found, mut read) = (Vec::new(), 0);
    for judged in judge(graph, names, main_line, development_line) {
        let judged = judged?;
        read += 1;
        if matches!(judged.kind, Some(MergeKind::Hotfix(_))) || judged.without_merge() {
            changes.push(judged.commit);
            found.push(judged);
        }
    }
    found.reverse(); // as people read a history
    Ok((found, read))
}

/// What development must contain of each hotfix: what its merge brought (the second parent),
/// or the commit itself.
fn tips(ctx: &Context, found: &[Judged<ObjectId>]) -> Result<Vec<ObjectId>> {
    let mut tips = Vec::with_capacity(found.len());
    for judged in found {
        let parents = ctx.repo.parents(judged.commit)?;
        tips.push(parents.get(1).copied().unwrap_or(judged.commit));
    }
    Ok(tips)
}

/// What a commit on main changed, and when that change was first written: what [`describe`]
/// reads of the objects, done on a second thread (one tree diff and a few commits each).
struct Change {
    /// The diff across the commit on main.
    size: DiffSize,
    /// The earliest authored (time, commit) of those it brought, or (no merge, or a merge that
    /// brought nothing) of itself.
    cut: (i64, ObjectId),
}

fn change(repo: &Repo, commit: ObjectId) -> Result<Change> {
    let size = match repo.parents(commit)?.first() {
        Some(&before) => repo.diff_size(before, commit)?,
        None => DiffSize::default(),
    };
    let mut own = repo.brought(commit)?;
    if own.is_empty() {
        own.push(commit);
    }
    let mut cut = (i64::MAX, commit);
    for id in own {
        cut = cut.min((repo.author_time(id)?, id));
    }
    Ok(Change { size, cut })
}

/// The record of one judged commit of main: a hotfix merge, or a commit that came without one.
fn describe(
    ctx: &Context,
    judged: Judged<ObjectId>,
    Change { size, cut }: Change,
    reached: Option<ObjectId>,
) -> Result<Hotfix> {
    let repo = &ctx.repo;
    let Judged { commit, time, kind, mut violations } = judged;
    let parents = repo.parents(commit)?;
    let branch = match kind {
        Some(MergeKind::Hotfix(branch)) => branch,
        _ => None,
    };
    let point = |id: ObjectId, secs: i64| -> Result<Point> {
        Ok(Point {
            commit: id.to_string(),
            subject: repo.subject(id)?,
            time: output::timestamp(secs),
            secs,
        })
    };
    let development = match reached {
        Some(id) => Some(point(id, repo.commit_time(id)?)?),
        None => None,
    };
    let name = branch.clone().unwrap_or_else(|| repo.short(commit));
    violations.extend(size::check(&name, size, ctx.config.limits()));
    if development.is_none() {
        let development = &ctx.config.development;
        violations.push(
            Violation::error(Rule::R7, &name, format!("'{name}' is not in {development} yet"))
                .fix(format!(
                    "merge it into {development} with a merge commit (git hotfix merge --to {development})"
                )),
        );
    }
    violations.sort_by_key(|v| v.rule);
    Ok(Hotfix {
        pull_request: pull_request(&repo.message(commit)?),
        merge_commit: parents.len() > 1,
        cut: point(cut.1, cut.0)?,
        cut_to_main_seconds: time - cut.0,
        main_to_development_seconds: development.as_ref().map(|d| d.secs - time),
        main: point(commit, time)?,
        development,
        size,
        rules: violations,
        branch,
    })
}
