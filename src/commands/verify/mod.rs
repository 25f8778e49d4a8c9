//! `git hotfix verify`: the rules over what already happened on the code host, where no hook
//! ran — for CI on pushes to main and development, and on pull requests.
//!
//! - History of main (the default): every commit of main's first-parent line in `<range>` gets
//!   R3, and each merge is classified (release, hotfix, with R1 and R2 for hotfixes) against
//!   development *as it stood* when the merge was made, not as it is today: a hotfix merged
//!   before development took it back would otherwise look like it brought development's commits.
//!   Main's and development's first-parent lines are read together, newest first, in one pass.
//! - History of development (`--branch development`): its first-parent line gets R1 for the
//!   hotfix branches its merges name, R8 (what a merge brought must be on main as it is now)
//!   and R4 (no copy of a commit main has and development lacks).
//! - A pull request (`--pr --base <ref> --head <ref>`): into main, R1 and R2 on the head (a head
//!   outside the hotfix prefix must be a release, bringing development's commits); into
//!   development, R1 and R8 for a hotfix head, and R4 (and R8 for hotfix merges inside) for the
//!   commits any head brings, so a "backport" branch of cherry-picks is caught too.
//!
//! The head's branch name decides R1 and whether it is a hotfix at all. It is, first found:
//! `--head-name`; the branch `--head` names (`hotfix/x`, `origin/hotfix/x`,
//! `refs/heads/hotfix/x`, `refs/remotes/origin/hotfix/x`); `GITHUB_HEAD_REF`, which GitHub
//! Actions sets in pull-request jobs. A head given as a bare commit id with none of these is a
//! usage error (exit 2): guessing a name would let a badly named branch through.
//!
//! With no range, `--branch` or `--pr`, in GitHub Actions or GitLab CI (see `crate::ci`), the
//! job's own event says what to check (`auto.rs`). In GitHub Actions each finding is also an
//! annotation and the result is appended to the job summary.
//!
//! Violations go to standard error, one block each, then `N violations in M commits checked`
//! (exit 1); a clean run prints one summary line (exit 0). `--json` prints
//! `{"checked": n, "violations": [...]}` instead, with the same exit status.

mod auto;
mod history;
mod pr;

use crate::ci::Ci;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::output::{self, Paint};
use crate::policy::Violation;
use gix::ObjectId;
use serde::Serialize;

/// Check existing history, or a pull request, against the hotfix rules (for CI)
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  git hotfix verify                                  main's whole first-parent line
  git hotfix verify origin/main~50..origin/main      only the last 50 commits of that line
  git hotfix verify --branch development
  git hotfix verify --pr --base origin/main --head origin/hotfix/fix-login")]
pub struct VerifyArgs {
    /// The part of the line to check: `A..B` (B's first-parent line down to what A has), or
    /// one revision (its whole first-parent line) [default: the branch's whole line]
    #[arg(value_name = "RANGE", conflicts_with = "pr")]
    range: Option<String>,

    /// Whose first-parent line to check: main or development (the configured names work too)
    #[arg(long, value_name = "BRANCH", conflicts_with = "pr")]
    branch: Option<String>,

    /// Check a pull request (needs --base and --head) instead of history
    #[arg(long, requires_all = ["base", "head"])]
    pr: bool,

    /// The branch the pull request merges into (main or development, e.g. origin/main)
    #[arg(long, value_name = "REF", requires = "pr")]
    base: Option<String>,

    /// The pull request's branch or commit (e.g. origin/hotfix/fix-login)
    #[arg(long, value_name = "REF", requires = "pr")]
    head: Option<String>,

    /// The head's branch name, when --head is a commit id [default: from --head, else
    /// $GITHUB_HEAD_REF]
    #[arg(long, value_name = "BRANCH", requires = "pr")]
    head_name: Option<String>,

    /// Print {"checked": n, "violations": [...]} on standard output
    #[arg(long)]
    json: bool,
}

/// One of the two long-lived branches, whatever the team calls them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trunk {
    Main,
    Development,
}

/// What a run checked and found.
#[derive(Serialize)]
struct Report {
    checked: usize,
    violations: Vec<Violation>,
    /// What was checked, for the summary line.
    #[serde(skip)]
    scope: String,
    /// A sentence for a clean run that checked less than usual, and why.
    #[serde(skip)]
    note: Option<String>,
    /// Whether the history's whole line was checked (a range may then help).
    #[serde(skip)]
    whole_line: bool,
}

pub fn run(args: &VerifyArgs) -> Result<()> {
    let env = |name: &str| std::env::var(name).ok();
    let ci = Ci::detect(&env);
    let ctx = Context::open()?;
    ctx.require_whole_history("verify", ci.map(|ci| ci.unshallow_fix()))?;
    let report = if args.pr {
        let (Some(base), Some(head)) = (&args.base, &args.head) else {
            return Err(Error::env("--pr needs --base <ref> and --head <ref>"));
        };
        pr::verify(&ctx, base, head, args.head_name.as_deref())?
    } else if let (Some(ci), None, None) = (ci, &args.range, &args.branch) {
        auto::verify(&ctx, ci, &ci.mode(&env)?)?
    } else {
        let range =
            args.range.as_deref().map(|spec| history::parse_range(&ctx, spec)).transpose()?;
        match args.branch.as_deref().map_or(Some(Trunk::Main), |name| role_of_name(&ctx, name)) {
            Some(Trunk::Main) => history::main_line(&ctx, range)?,
            Some(Trunk::Development) => history::development_line(&ctx, range)?,
            None => {
                let name = args.branch.as_deref().unwrap_or_default();
                return Err(Error::env(format!(
                    "--branch '{name}': verify checks main or development"
                ))
                .hint(format!(
                    "use --branch main or --branch development (here: '{}' and '{}')",
                    ctx.config.main, ctx.config.development
                )));
            }
        }
    };
    finish(&report, args.json, ci == Some(Ci::GitHub))
}

/// Prints the report and turns errors into exit 1. `github`: in GitHub Actions, where the
/// findings are also annotations and the verdict goes to the job summary.
fn finish(report: &Report, json: bool, github: bool) -> Result<()> {
    let errors = report.violations.iter().filter(|v| v.is_error()).count();
    if json {
        output::json(report);
    } else {
        output::violations(&report.violations);
    }
    let commits = counted(report.checked, "commit");
    let warnings = report.violations.len() - errors;
    let verdict = if errors > 0 {
        format!("{} in {commits} checked ({})", counted(errors, "violation"), report.scope)
    } else if warnings > 0 {
        format!(
            "{commits} checked ({}): no violations, {}",
            report.scope,
            counted(warnings, "warning")
        )
    } else {
        format!("{commits} checked ({}): no violations", report.scope)
    };
    if github {
        let summary = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty());
        let summary = summary.as_deref().map(std::path::Path::new);
        output::actions::report(&verdict, &report.violations, json, summary);
    }
    if errors > 0 {
        let mut err = Error::refused(verdict);
        if report.whole_line {
            err = err.hint("to check only what came after a known good point, give a range as well: <commit>..<branch>");
        }
        return Err(err);
    }
    if !json {
        if let Some(note) = &report.note {
            output::say(note);
        }
        output::say(format!("{} {verdict}", output::paint_out(Paint::Green, "✓")));
    }
    Ok(())
}

/// `3 commits`, `1 commit`.
fn counted(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

/// A revision as given, or a branch only the remote has (`hotfix/x` for `origin/hotfix/x`).
fn resolve(ctx: &Context, spec: &str) -> Result<ObjectId> {
    if let Ok(id) = ctx.repo.resolve(spec) {
        return Ok(id);
    }
    let remote = &ctx.config.remote;
    if let Some(id) = ctx.repo.resolve_ref(&format!("refs/remotes/{remote}/{spec}"))? {
        return Ok(id);
    }
    Err(Error::env(format!("'{spec}' is not a known revision"))
        .hint(format!("check the spelling, or fetch it: git fetch {remote}"))
        .hint(
            "in CI, fetch the whole history (GitHub Actions: actions/checkout with fetch-depth: 0)",
        ))
}

impl Trunk {
    /// The trunk a branch is by its configured name.
    fn named(ctx: &Context, branch: &str) -> Option<Trunk> {
        if branch == ctx.config.main {
            Some(Trunk::Main)
        } else if branch == ctx.config.development {
            Some(Trunk::Development)
        } else {
            None
        }
    }
}

/// `--branch`: main or development by the configured name or by role (`main`, `development`).
fn role_of_name(ctx: &Context, name: &str) -> Option<Trunk> {
    Trunk::named(ctx, name).or(match name {
        "main" => Some(Trunk::Main),
        "development" => Some(Trunk::Development),
        _ => None,
    })
}
