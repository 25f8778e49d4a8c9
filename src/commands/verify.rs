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
//! Violations go to standard error, one block each, then `N violations in M commits checked`
//! (exit 1); a clean run prints one summary line (exit 0). `--json` prints
//! `{"checked": n, "violations": [...]}` instead, with the same exit status.

use crate::context::Context;
use crate::error::{Error, Result};
use crate::hotfix::checks;
use crate::output::{self, Paint};
use crate::policy::backmerge::{self, Hotfix, Push};
use crate::policy::history::judge;
use crate::policy::naming::is_valid_branch_name;
use crate::policy::topology::Names;
use crate::policy::{Graph, Rule, Trunks, Violation};
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
    let ctx = Context::open()?;
    ctx.require_whole_history("verify")?;
    let report = if args.pr {
        let (Some(base), Some(head)) = (&args.base, &args.head) else {
            return Err(Error::env("--pr needs --base <ref> and --head <ref>"));
        };
        verify_pr(&ctx, base, head, args.head_name.as_deref())?
    } else {
        let trunk = match args.branch.as_deref() {
            None => Trunk::Main,
            Some(name) => role_of_name(&ctx, name).ok_or_else(|| {
                Error::env(format!("--branch '{name}': verify checks main or development")).hint(
                    format!(
                        "use --branch main or --branch development (here: '{}' and '{}')",
                        ctx.config.main, ctx.config.development
                    ),
                )
            })?,
        };
        match trunk {
            Trunk::Main => verify_main(&ctx, args.range.as_deref())?,
            Trunk::Development => verify_development(&ctx, args.range.as_deref())?,
        }
    };
    finish(&report, args.json)
}

/// Prints the report and turns errors into exit 1.
fn finish(report: &Report, json: bool) -> Result<()> {
    let errors = report.violations.iter().filter(|v| v.is_error()).count();
    if json {
        output::json(report);
    } else {
        output::violations(&report.violations);
    }
    let commits = counted(report.checked, "commit");
    if errors > 0 {
        let mut err = Error::refused(format!(
            "{} in {commits} checked ({})",
            counted(errors, "violation"),
            report.scope
        ));
        if report.whole_line {
            err = err.hint("to check only what came after a known good point, give a range as well: <commit>..<branch>");
        }
        return Err(err);
    }
    if !json {
        if let Some(note) = &report.note {
            output::say(note);
        }
        let warnings = report.violations.len();
        let tail = if warnings > 0 {
            format!(", {}", counted(warnings, "warning"))
        } else {
            String::new()
        };
        output::say(format!(
            "{} {commits} checked ({}): no violations{tail}",
            output::paint_out(Paint::Green, "✓"),
            report.scope
        ));
    }
    Ok(())
}

/// `3 commits`, `1 commit`.
fn counted(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

/// R3 over main's first-parent line, each commit against development as it stood.
fn verify_main(ctx: &Context, range: Option<&str>) -> Result<Report> {
    let config = &ctx.config;
    let development = ctx.development(": without it, a release cannot be told from a hotfix")?;
    let (tip, hidden) = match range {
        Some(spec) => parse_range(ctx, spec)?,
        None => (ctx.trunks()?.main, Vec::new()),
    };
    let names =
        Names { main: &config.main, development: &config.development, naming: &config.naming };
    let main_line = ctx.repo.first_parent_line(tip, &hidden)?;
    let development_line = ctx.repo.first_parent_line(development, &[])?;
    let mut checked = 0;
    // Newest first as walked; shown oldest first, as people read a history.
    let mut per_commit = Vec::new();
    for judged in judge(&ctx.repo, names, main_line, development_line) {
        let found = judged?.violations;
        checked += 1;
        if !found.is_empty() {
            per_commit.push(found);
        }
    }
    Ok(Report {
        checked,
        violations: per_commit.into_iter().rev().flatten().collect(),
        scope: format!("{}'s first-parent line", config.main),
        note: None,
        whole_line: range.is_none(),
    })
}

/// R1, R8 and R4 over development's first-parent line.
fn verify_development(ctx: &Context, range: Option<&str>) -> Result<Report> {
    let config = &ctx.config;
    let main = ctx.trunks()?.main;
    let (tip, hidden) = match range {
        Some(spec) => parse_range(ctx, spec)?,
        None => (ctx.development("")?, Vec::new()),
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
        whole_line: range.is_none(),
    })
}

/// The rules for a pull request from `head` into `base`.
fn verify_pr(ctx: &Context, base: &str, head: &str, head_name: Option<&str>) -> Result<Report> {
    let config = &ctx.config;
    let base_tip = resolve(ctx, base)?;
    let head_tip = resolve(ctx, head)?;
    let trunk = base_role(ctx, base, base_tip)?.ok_or_else(|| {
        Error::env(format!(
            "--base '{base}' is neither {} nor {}: hotfix pull requests go into one of those",
            config.main, config.development
        ))
        .hint(format!(
            "pass --base {0}/{1} or --base {0}/{2}",
            config.remote, config.main, config.development
        ))
    })?;
    let name = head_branch(ctx, head, head_name)?;
    let target = match trunk {
        Trunk::Main => &config.main,
        Trunk::Development => &config.development,
    };
    let checked = ctx.repo.commits(&[head_tip], &[base_tip], false)?.len();
    let is_hotfix = config.naming.desc(&name).is_some();
    let mut report = Report {
        checked,
        violations: Vec::new(),
        scope: format!("pull request '{name}' into {target}"),
        note: None,
        whole_line: false,
    };
    match trunk {
        Trunk::Main => {
            let development = ctx.repo.trunk(config, &config.development)?;
            let trunks = Trunks {
                main: base_tip,
                main_name: &config.main,
                development,
                development_name: &config.development,
            };
            if is_hotfix {
                report.violations = checks::hotfix_branch(ctx, &trunks, &name, head_tip)?;
            } else if is_release(ctx, &name, head_tip, &trunks)? {
                report.note = Some(format!(
                    "'{name}' brings {}'s commits: a release, nothing to check",
                    config.development
                ));
            } else {
                report.violations.push(unnamed_hotfix(ctx, &name, head_tip)?);
            }
        }
        Trunk::Development => {
            let main = ctx.trunks()?.main;
            // The head stands for its own branch, local or remote-tracking, whatever their tips.
            let remote_name = format!("{}/{name}", config.remote);
            let mut hotfixes: Vec<_> = ctx
                .hotfix_branches()?
                .into_iter()
                .filter(|h| h.tip != head_tip && h.name != name && h.name != remote_name)
                .collect();
            if is_hotfix {
                report.violations.extend(config.naming.check(&name));
                hotfixes.push(Hotfix { name: name.clone(), tip: head_tip });
            } else {
                report.note = Some(format!(
                    "'{name}' is not a hotfix branch: only checked that it brings no copy of a hotfix"
                ));
            }
            let push = Push {
                development: &config.development,
                main_name: &config.main,
                old: base_tip,
                new: head_tip,
                main,
                hotfixes: &hotfixes,
                naming: &config.naming,
            };
            report.violations.extend(backmerge::check_development(&ctx.repo, &push)?);
        }
    }
    Ok(report)
}

/// Whether a head outside the hotfix prefix is a release into main: development itself, or a
/// branch that brings development's commits.
fn is_release(
    ctx: &Context,
    name: &str,
    tip: ObjectId,
    trunks: &Trunks<'_, ObjectId>,
) -> Result<bool> {
    if name == ctx.config.development {
        return Ok(true);
    }
    let Some(development) = trunks.development else {
        return Err(Error::env(format!(
            "cannot tell whether '{name}' is a release: branch '{}' was found neither on {} nor locally",
            ctx.config.development, ctx.config.remote
        ))
        .hint(format!("fetch it: git fetch {} {}", ctx.config.remote, ctx.config.development)));
    };
    Ok(ctx.repo.shares_commits_outside(tip, development, trunks.main)?.is_some())
}

/// R1 for a branch outside the hotfix prefix that brings main only commits development lacks:
/// that is a hotfix, and hotfixes are named.
fn unnamed_hotfix(ctx: &Context, name: &str, tip: ObjectId) -> Result<Violation> {
    let config = &ctx.config;
    let prefix = &config.naming.prefix;
    let rename = match config.naming.suggest(name) {
        Some(good) => {
            format!("git branch -m -- '{name}' '{good}', push it and open the pull request from it")
        }
        None => format!("name it {prefix}<desc> (git hotfix start <desc>)"),
    };
    Ok(Violation::error(
        Rule::R1,
        name,
        format!(
            "'{name}' brings {} only commits that {} lacks, so it is a hotfix, but it is not named {prefix}<desc>",
            config.main, config.development
        ),
    )
    .at(crate::policy::CommitRef::of(&ctx.repo, tip)?)
    .fix(format!("move the work to a hotfix branch: {rename}")))
}

/// `A..B` → B's line without what A has; `B` → B's whole line. An empty side is HEAD, as in
/// Git. `A...B` is refused: a symmetric difference is not a line of history.
fn parse_range(ctx: &Context, spec: &str) -> Result<(ObjectId, Vec<ObjectId>)> {
    if spec.contains("...") {
        return Err(Error::env(format!(
            "'{spec}': a symmetric range (A...B) is not a line of history"
        ))
        .hint("use A..B: the commits of B's first-parent line that A does not have"));
    }
    let side = |s: &str| resolve(ctx, if s.is_empty() { "HEAD" } else { s });
    match spec.split_once("..") {
        Some((from, to)) => Ok((side(to)?, vec![side(from)?])),
        None => Ok((side(spec)?, Vec::new())),
    }
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

/// The branch a ref spelling names, if it names one: `refs/heads/x`, `refs/remotes/<r>/x`, and
/// the short forms of existing branches (`x`, `<r>/x`). `HEAD`, `origin/HEAD`, ids and
/// expressions (`main~2`) name none.
fn branch_name(ctx: &Context, spec: &str) -> Result<Option<String>> {
    let branch = |name: &str| is_valid_branch_name(name).then(|| name.to_owned());
    if let Some(name) = spec.strip_prefix("refs/heads/") {
        return Ok(branch(name));
    }
    if let Some(rest) = spec.strip_prefix("refs/remotes/") {
        return Ok(rest.split_once('/').and_then(|(_, name)| branch(name)));
    }
    if spec.starts_with("refs/") || !is_valid_branch_name(spec) {
        return Ok(None); // a pull request ref, a tag, an expression: no branch
    }
    if ctx.repo.resolve_ref(&format!("refs/heads/{spec}"))?.is_some() {
        return Ok(Some(spec.to_owned()));
    }
    if ctx.repo.resolve_ref(&format!("refs/remotes/{spec}"))?.is_some() {
        return Ok(spec.split_once('/').and_then(|(_, name)| branch(name)));
    }
    let remote = &ctx.config.remote;
    if ctx.repo.resolve_ref(&format!("refs/remotes/{remote}/{spec}"))?.is_some() {
        return Ok(Some(spec.to_owned()));
    }
    Ok(None)
}

/// The head's branch name: `--head-name`, the branch `--head` names, or `$GITHUB_HEAD_REF`.
fn head_branch(ctx: &Context, head: &str, given: Option<&str>) -> Result<String> {
    if let Some(name) = given {
        if name.is_empty() {
            // `--head-name "$GITHUB_HEAD_REF"` outside a pull_request event.
            return Err(Error::env("--head-name is empty").hint(
                "GitHub Actions sets GITHUB_HEAD_REF only for pull_request events; pass the \
                 head branch's name",
            ));
        }
        return Ok(name.strip_prefix("refs/heads/").unwrap_or(name).to_owned());
    }
    if let Some(name) = branch_name(ctx, head)? {
        return Ok(name);
    }
    match std::env::var("GITHUB_HEAD_REF") {
        Ok(name) if !name.is_empty() => Ok(name),
        _ => Err(Error::env(format!("cannot tell the branch name of --head '{head}'"))
            .hint("pass --head-name <branch> (GitHub Actions: --head-name \"$GITHUB_HEAD_REF\")")),
    }
}

/// Whether `--base` is main or development: by the branch it names, else by its commit when
/// that is exactly one trunk's tip.
fn base_role(ctx: &Context, spec: &str, tip: ObjectId) -> Result<Option<Trunk>> {
    let config = &ctx.config;
    if let Some(name) = branch_name(ctx, spec)? {
        return Ok(if name == config.main {
            Some(Trunk::Main)
        } else if name == config.development {
            Some(Trunk::Development)
        } else {
            None
        });
    }
    let main = ctx.repo.trunk(config, &config.main)?;
    let development = ctx.repo.trunk(config, &config.development)?;
    Ok(match (main == Some(tip), development == Some(tip)) {
        (true, false) => Some(Trunk::Main),
        (false, true) => Some(Trunk::Development),
        _ => None,
    })
}

/// `--branch`: main or development by role (`main`, `development`) or by the configured name.
fn role_of_name(ctx: &Context, name: &str) -> Option<Trunk> {
    if name == ctx.config.main || name == "main" {
        Some(Trunk::Main)
    } else if name == ctx.config.development || name == "development" {
        Some(Trunk::Development)
    } else {
        None
    }
}
