//! History: main's or development's first-parent line, whole or from a point.

use super::{Report, resolve};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::policy::backmerge::{self, Push};
use crate::policy::history::judge;
use crate::policy::topology::Names;
use crate::policy::{Graph, Violation};
use gix::ObjectId;

/// Part of a first-parent line: from `tip` down to what `hidden` has.
pub(super) struct Range {
    pub tip: ObjectId,
    pub hidden: Vec<ObjectId>,
}

/// R3 over main's first-parent line, each commit against development as it stood.
pub(super) fn main_line(ctx: &Context, range: Option<Range>) -> Result<Report> {
    let config = &ctx.config;
    let development = ctx.development(": without it, a release cannot be told from a hotfix")?;
    let whole_line = range.is_none();
    let Range { tip, hidden } = match range {
        Some(range) => range,
        None => Range { tip: ctx.trunks()?.main, hidden: Vec::new() },
    };
    let names =
        Names { main: &config.main, development: &config.development, naming: &config.naming };
    // Without generation numbers, the whole line is read in one walk rather than one
    // merge-base search per merge (repo/lines.rs); a range stays a search per merge, as its
    // few merges cost less than reading the whole history.
    let (checked, violations) = if hidden.is_empty() && !ctx.repo.has_commit_graph() {
        let lines = ctx.repo.lines(tip, development)?;
        check_line(&lines, &names, lines.main_line(), lines.development_line())?
    } else {
        let main_line: Vec<_> = ctx.repo.first_parent_line(tip, &hidden)?.collect::<Result<_>>()?;
        ctx.repo.read_messages_ahead(main_line.iter().map(|&(id, _)| id).collect());
        let development_line = ctx.repo.first_parent_line(development, &[])?;
        check_line(&ctx.repo, &names, main_line.into_iter().map(Ok), development_line)?
    };
    Ok(Report {
        checked,
        violations,
        scope: format!("{}'s first-parent line", config.main),
        note: None,
        whole_line,
    })
}

/// R3 for each commit of `main_line` against development as it stood; the number checked and
/// the violations, oldest first.
fn check_line<G: Graph<Id = ObjectId, Error = Error>>(
    graph: &G,
    names: &Names<'_>,
    main_line: impl Iterator<Item = Result<(ObjectId, i64)>>,
    development_line: impl Iterator<Item = Result<(ObjectId, i64)>>,
) -> Result<(usize, Vec<Violation>)> {
    let mut checked = 0;
    // Newest first as walked; shown oldest first, as people read a history.
    let mut per_commit = Vec::new();
    for judged in judge(graph, *names, main_line, development_line) {
        let found = judged?.violations;
        checked += 1;
        if !found.is_empty() {
            per_commit.push(found);
        }
    }
    Ok((checked, per_commit.into_iter().rev().flatten().collect()))
}

/// R1, R8 and R4 over development's first-parent line.
pub(super) fn development_line(ctx: &Context, range: Option<Range>) -> Result<Report> {
    let config = &ctx.config;
    let main = ctx.trunks()?.main;
    let whole_line = range.is_none();
    let Range { tip, hidden } = match range {
        Some(range) => range,
        None => Range { tip: ctx.development("")?, hidden: Vec::new() },
    };
    let line = ctx.repo.commits(&[tip], &hidden, true)?;
    let hotfixes = ctx.hotfix_branches()?;
    let dev = Push {
        development: &config.development,
        main_name: &config.main,
        old: tip,
        new: tip,
        main,
        hotfixes: &hotfixes,
        naming: &config.naming,
    };
    Ok(Report {
        checked: line.len(),
        violations: backmerge::check_history(&ctx.repo, &dev, &line)?,
        scope: format!("{}'s first-parent line", config.development),
        note: None,
        whole_line,
    })
}

/// `A..B` → B's line without what A has; `B` → B's whole line. An empty side is HEAD, as in
/// Git. `A...B` is refused: a symmetric difference is not a line of history.
pub(super) fn parse_range(ctx: &Context, spec: &str) -> Result<Range> {
    if spec.contains("...") {
        return Err(Error::env(format!(
            "'{spec}': a symmetric range (A...B) is not a line of history"
        ))
        .hint("use A..B: the commits of B's first-parent line that A does not have"));
    }
    let side = |s: &str| resolve(ctx, if s.is_empty() { "HEAD" } else { s });
    match spec.split_once("..") {
        Some((from, to)) => Ok(Range { tip: side(to)?, hidden: vec![side(from)?] }),
        None => Ok(Range { tip: side(spec)?, hidden: Vec::new() }),
    }
}
