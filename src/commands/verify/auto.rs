//! `verify` with no arguments in CI: what the job's event names, checked.
//!
//! - A pull request into main or development: `--pr` with the event's base, head and branch.
//! - A push to main or development: that branch's line over what the push added
//!   (`before..after`). A new branch: the commits no other trunk has. A push that rewound the
//!   branch is said, is an R5 violation, and the commits it put there are checked.
//! - Anything else (a tag, another branch, a pull request into another branch): nothing to
//!   check, said in one line.

use super::history::{self, Range};
use super::{Report, Trunk, pr};
use crate::ci::{Ci, Mode};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::output;
use crate::policy::{CommitRef, Rule, Violation, protect};
use gix::ObjectId;

pub(super) fn verify(ctx: &Context, ci: Ci, mode: &Mode) -> Result<Report> {
    let config = &ctx.config;
    let trunk = |branch: &str| Trunk::named(ctx, branch);
    match mode {
        Mode::Nothing(what) => Ok(nothing(ci, what)),
        Mode::PullRequest { base, head, head_name } => {
            output::note(format!(
                "{}: {} from '{head_name}' ({}) into '{base}'",
                ci.name(),
                ci.request(),
                &head[..7]
            ));
            if trunk(base).is_none() {
                return Ok(nothing(ci, &format!("a {} into '{base}'", ci.request())));
            }
            let remote_base = format!("{}/{base}", config.remote);
            let tracked = ctx.repo.resolve_ref(&format!("refs/remotes/{remote_base}"))?.is_some();
            pr::verify(ctx, if tracked { &remote_base } else { base }, head, Some(head_name))
        }
        Mode::Push { branch, before, after, forced } => {
            let range = match (before, after) {
                (Some(b), Some(a)) => format!("{}..{}", &b[..7], &a[..7]),
                (None, Some(a)) => format!("created at {}", &a[..7]),
                (_, None) => "deleted".to_owned(),
            };
            let forced = if *forced { " (forced)" } else { "" };
            output::note(format!("{}: push to '{branch}', {range}{forced}", ci.name()));
            match trunk(branch) {
                Some(trunk) => pushed(ctx, ci, trunk, branch, before, after, !forced.is_empty()),
                None => Ok(nothing(ci, &format!("a push to '{branch}'"))),
            }
        }
    }
}

/// A job about nothing the rules cover: a clean report that says so.
fn nothing(ci: Ci, what: &str) -> Report {
    Report {
        checked: 0,
        violations: Vec::new(),
        scope: what.to_owned(),
        note: Some(format!("{}: {what} is nothing the hotfix rules check", ci.name())),
        whole_line: false,
    }
}

/// A push to a trunk: R5 for the update, then the trunk's rules over what it added.
fn pushed(
    ctx: &Context,
    ci: Ci,
    trunk: Trunk,
    branch: &str,
    before: &Option<String>,
    after: &Option<String>,
    forced: bool,
) -> Result<Report> {
    let repo = &ctx.repo;
    let id = |hex: &str| {
        repo.parse_id(hex).ok_or_else(|| Error::env(format!("'{hex}' is not a commit id here")))
    };
    let old = before.as_deref().map(id).transpose()?;
    let missing = |id: ObjectId, what: &str| {
        Error::env(format!(
            "the push's {what} {} of '{branch}' is not in this clone: cannot tell what the push added",
            id.to_hex_with_len(7)
        ))
        .hint(ci.unshallow_fix())
        .hint(format!("or fetch it: git fetch {} {id}", ctx.config.remote))
    };
    let Some(after) = after else {
        // Deleted: R5 whatever the history says.
        let deleted = protect::check_update(repo, branch, old, None)?;
        return Ok(update_report(branch, deleted.into_iter().collect()));
    };
    let new = id(after)?;
    if !repo.has_object(new) {
        return Err(missing(new, "new tip"));
    }
    let mut found = Vec::new();
    let hidden = match old {
        // Created: what no other trunk has.
        None => {
            let other = match trunk {
                Trunk::Main => &ctx.config.development,
                Trunk::Development => &ctx.config.main,
            };
            repo.trunk(&ctx.config, other)?.into_iter().collect()
        }
        Some(old) if !repo.has_object(old) => {
            if !forced {
                return Err(missing(old, "old tip"));
            }
            // A force push dropped the old tip, so no fetch brings it: the rewind is certain,
            // the range is not.
            found.push(
                Violation::error(
                    Rule::R5,
                    branch,
                    format!(
                        "the push rewrote '{branch}' (forced): its old tip {} is gone, so what it \
                         added cannot be told",
                        old.to_hex_with_len(7)
                    ),
                )
                .at(CommitRef::of(repo, new)?)
                .fix(format!(
                    "restore '{branch}' from a clone that still has {}, then check by hand: git \
                     hotfix verify --branch {branch} <last good commit>..{}",
                    old.to_hex_with_len(7),
                    new.to_hex_with_len(7)
                )),
            );
            return Ok(update_report(branch, found));
        }
        Some(old) => {
            if let Some(rewound) = protect::check_update(repo, branch, Some(old), Some(new))? {
                output::warn(format!(
                    "the push rewrote '{branch}': checking what it put there ({}..{})",
                    old.to_hex_with_len(7),
                    new.to_hex_with_len(7)
                ));
                found.push(rewound.at(CommitRef::of(repo, new)?));
            } else if forced {
                output::note("the push was forced, but kept every commit the branch had");
            }
            vec![old]
        }
    };
    let range = Some(Range { tip: new, hidden });
    let mut report = match trunk {
        Trunk::Main => history::main_line(ctx, range)?,
        Trunk::Development => history::development_line(ctx, range)?,
    };
    found.append(&mut report.violations);
    report.violations = found;
    report.scope = format!("what the push added to {}", report.scope);
    Ok(report)
}

/// The findings about a push as a whole, when no history can be checked.
fn update_report(branch: &str, violations: Vec<Violation>) -> Report {
    Report {
        checked: 0,
        violations,
        scope: format!("the push to '{branch}'"),
        note: None,
        whole_line: false,
    }
}
