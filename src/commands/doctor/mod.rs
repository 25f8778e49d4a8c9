//! `git hotfix doctor`: audit everything that lets the process be broken — this clone's hooks,
//! configuration, remote and CI, and the code host's settings — one line per check, each with
//! the fix as a command. `--fix` makes main stricter on GitHub and nothing else.

mod hosted;
mod local;

use crate::config::Config;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::host::github::GitHub;
use crate::host::gitlab::GitLab;
use crate::host::url::{Forge, Project};
use crate::output::{self, Paint, note, say};
use crate::repo::Repo;
use serde::Serialize;

/// Audit hooks, configuration, remote, CI and the code host's settings
#[derive(Debug, clap::Args)]
pub struct DoctorArgs {
    /// Print the checks as JSON
    #[arg(long)]
    json: bool,
    /// Create or tighten the `git-hotfix` ruleset on main (GitHub; needs admin rights)
    #[arg(long)]
    fix: bool,
    /// With --fix: apply without asking
    #[arg(long, requires = "fix")]
    yes: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Warn,
    Fail,
    Skip,
}

/// One line of the audit.
#[derive(Debug, Serialize)]
pub struct Check {
    id: &'static str,
    status: Status,
    found: String,
    fix: Option<String>,
}

impl Check {
    fn new(id: &'static str, status: Status, found: String, fix: &str) -> Self {
        Self { id, status, found, fix: Some(fix.to_owned()) }
    }

    fn ok(id: &'static str, found: String) -> Self {
        Self { id, status: Status::Ok, found, fix: None }
    }

    fn skip(id: &'static str, why: &str) -> Self {
        Self { id, status: Status::Skip, found: why.to_owned(), fix: None }
    }
}

/// The checks of GitHub's settings, named when they cannot be made.
const GITHUB_CHECKS: &[&str] = &[
    "merge-commits",
    "main-merge-method",
    "linear-history",
    "main-protected",
    "development-protected",
    "auto-delete",
    "development-merge-method",
];

pub fn run(args: &DoctorArgs) -> Result<()> {
    let repo = Repo::discover()?;
    let mut checks = vec![local::hooks(&repo)];
    let (config_check, config) = local::config(&repo);
    checks.push(config_check);
    let Some(config) = config else {
        checks.push(Check::skip("remote", "the configuration must be fixed first"));
        return finish(args, &checks);
    };
    checks.push(local::remote(&repo, &config)?);
    checks.push(local::ci(&repo));
    let ctx = Context { repo, config };
    let config = &ctx.config;
    match ctx.project() {
        Some(p) if p.forge == Forge::GitHub => github(args, config, &p, &mut checks)?,
        Some(p) if p.forge == Forge::GitLab => match GitLab::new(&p.host, &p.path, ctx.config.network_timeout)
            .and_then(|gl| hosted::gitlab_checks(&gl, config))
        {
            Ok(found) => checks.extend(found),
            Err(e) => checks.push(skipped_host("gitlab", "merge-method, squash, protection", &e)),
        },
        _ => checks.push(Check::skip(
            "host",
            &format!(
                "{}'s host is not GitHub or GitLab (a self-hosted one: set host = \"github\" or \"gitlab\" in .githotfix.toml)",
                config.remote
            ),
        )),
    }
    finish(args, &checks)
}

fn github(
    args: &DoctorArgs,
    config: &Config,
    project: &Project,
    checks: &mut Vec<Check>,
) -> Result<()> {
    let read = GitHub::new(&project.host, &project.path, config.network_timeout).and_then(|gh| {
        let facts = hosted::Facts::read(&gh, config)?;
        Ok((gh, facts))
    });
    let (gh, facts) = match read {
        Ok(found) => found,
        Err(e) if args.fix => return Err(e),
        Err(e) => {
            checks.push(skipped_host("github", &GITHUB_CHECKS.join(", "), &e));
            return Ok(());
        }
    };
    let found = hosted::github_checks(&gh, &facts);
    let wants_ruleset = found.iter().any(|c| {
        matches!(
            (c.id, c.status),
            ("main-merge-method", Status::Fail) | ("main-protected", Status::Warn)
        )
    });
    if args.fix && wants_ruleset {
        print(args, checks.iter().chain(&found));
        apply_ruleset(args, &gh, config)?;
        note("checking again:");
        let facts = hosted::Facts::read(&gh, config)?;
        checks.extend(hosted::github_checks(&gh, &facts));
        return Ok(());
    }
    if args.fix {
        note(format!(
            "--fix: the ruleset '{}' on {} needs no change",
            hosted::RULESET,
            config.main
        ));
    }
    checks.extend(found);
    Ok(())
}

/// Creates or tightens the ruleset on main, after showing the call and asking.
fn apply_ruleset(args: &DoctorArgs, gh: &GitHub, config: &Config) -> Result<()> {
    let existing = gh.rulesets()?.into_iter().find(|r| r.name == hosted::RULESET);
    let current = existing.as_ref().map(|r| gh.ruleset(r.id)).transpose()?;
    let Some(body) = hosted::ruleset_for_main(&config.main, current.as_ref()) else {
        return Ok(());
    };
    let id = existing.map(|r| r.id);
    let path = match id {
        Some(id) => format!("repos/{}/rulesets/{id}", gh.repo),
        None => format!("repos/{}/rulesets", gh.repo),
    };
    let method = if id.is_some() { "PUT" } else { "POST" };
    note(format!("--fix will run: {} --input - <<'EOF'", gh.shown(method, &path)));
    note(serde_json::to_string_pretty(&body).unwrap_or_default());
    note("EOF");
    if !args.yes {
        match output::ask("Apply it?")? {
            None => {
                return Err(Error::env(
                    "--fix changes the host's settings: confirm on a terminal, or pass --yes",
                ));
            }
            Some(false) => return Err(Error::refused("nothing was changed")),
            Some(true) => {}
        }
    }
    gh.save_ruleset(id, &body)?;
    note(format!(
        "ruleset '{}' {} on {}",
        hosted::RULESET,
        if id.is_some() { "updated" } else { "created" },
        config.main
    ));
    Ok(())
}

/// The host checks named by `id` (`github`, `gitlab`) could not be made: why, and the fix.
fn skipped_host(id: &'static str, checks: &str, e: &Error) -> Check {
    let fix = e.hints.first().map(|fix| format!(" ({fix})")).unwrap_or_default();
    Check::skip(id, &format!("{checks} not checked: {}{fix}", e.message))
}

fn finish(args: &DoctorArgs, checks: &[Check]) -> Result<()> {
    if args.json {
        output::json(&serde_json::json!({ "checks": checks }));
    } else {
        print(args, checks.iter());
    }
    let failed = checks.iter().filter(|c| c.status == Status::Fail).count();
    if failed > 0 {
        return Err(Error::refused(format!("{failed} check(s) failed: the process can be broken")));
    }
    Ok(())
}

fn print<'a>(args: &DoctorArgs, checks: impl Iterator<Item = &'a Check>) {
    if args.json {
        return;
    }
    for check in checks {
        let (label, paint) = match check.status {
            Status::Ok => ("ok", Paint::Green),
            Status::Warn => ("warn", Paint::Yellow),
            Status::Fail => ("fail", Paint::Red),
            Status::Skip => ("skip", Paint::Dim),
        };
        let label = output::paint_out(paint, format!("{label:<4}"));
        say(format!("{label}  {:<24}  {}", check.id, check.found));
        if let Some(fix) = &check.fix {
            say(format!("      {:<24}  fix: {fix}", ""));
        }
    }
}
