//! `git hotfix deploy`: where the deployments of a hotfix's merge stand (per pipeline,
//! environment or workflow), watched to the end with `--wait`, or started first by pushing
//! the configured deploy tags with `--tag`.

mod tag;

use crate::config::{self, Deploy};
use crate::context::Context;
use crate::deploy::Status;
use crate::error::{Error, Result};
use crate::hotfix::deployments::{self, Deployments};
use crate::hotfix::state::{Facts, Landing, Target, locate, target};
use crate::hotfix::steps;
use crate::output::{self, Paint, Progress};
use crate::policy::CommitRef;
use gix::ObjectId;
use serde::Serialize;
use std::time::{Duration, Instant};

/// Show (or wait for) the deployments of a hotfix's merge; start them by tag with --tag
#[derive(Debug, clap::Args)]
pub struct DeployArgs {
    /// The hotfix branch, also once deleted (default: the current branch)
    branch: Option<String>,
    /// Whose deployments: main or development [default: main]
    #[arg(long, value_name = "BRANCH")]
    to: Option<String>,
    /// Poll until every deployment succeeded (exit 0), one failed or the timeout (exit 1)
    #[arg(long)]
    wait: bool,
    /// How long --wait (and --tag) waits: 90s, 15m, 1h30m
    #[arg(long, value_name = "DURATION", default_value = "60m")]
    timeout: String,
    /// Print the deployments as JSON
    #[arg(long)]
    json: bool,
    /// First create the configured deploy tags at the remote branch's tip and push them
    #[arg(long)]
    tag: bool,
    /// With --tag: create and push without asking
    #[arg(long, requires = "tag")]
    yes: bool,
}

pub fn run(args: &DeployArgs) -> Result<()> {
    let ctx = Context::open()?;
    let branch = target(&ctx, args.branch.as_deref())?;
    let target = match &args.to {
        Some(given) => Target::parse(given, &ctx.config)?,
        None => Target::Main,
    };
    let (role, trunk) = match target {
        Target::Main => ("main", ctx.config.main.clone()),
        Target::Development => ("development", ctx.config.development.clone()),
    };
    let deploy = configuration(&ctx, target, role, &trunk, args.tag)?;
    let timeout = config::parse_duration(&args.timeout).ok_or_else(|| {
        Error::env(format!(
            "--timeout takes a duration like 90s, 15m or 1h, not '{}'",
            args.timeout
        ))
    })?;
    steps::fetch(&ctx, false)?;
    let trunks = ctx.trunks()?;
    let facts = Facts::gather(&ctx, &trunks, locate(&ctx, &branch)?)?;
    let on = match target {
        Target::Main => facts.main,
        Target::Development => facts.development.unwrap_or(Landing::Absent),
    };
    let Some(landed) = deployments::landed(on, facts.found.tip) else {
        return Err(Error::refused(format!(
            "'{branch}' is not in {trunk} yet: no deployment of {trunk} can contain it"
        ))
        .hint(format!("merge it first: git hotfix merge {branch} --to {trunk}")));
    };
    if args.tag {
        tag::create_and_push(&ctx, &deploy, &trunk, &branch, landed, args.yes)?;
        if !deploy.watches_anything() {
            return Ok(());
        }
    }
    let found = deployments::read(&ctx, target, Some(landed))?
        .ok_or_else(|| Error::env(format!("nothing watches the deployments of {trunk}")))?;
    let (found, timed_out) = if args.wait || args.tag {
        watch(&ctx, found, deploy.poll_seconds, timeout)?
    } else {
        (found, false)
    };
    let report = Report::new(&ctx, &branch, &trunk, &found)?;
    if args.json {
        output::json(&report);
    } else {
        report.print();
    }
    outcome(&branch, &trunk, &found, timed_out, &args.timeout)
}

/// The `[deploy.<role>]` table; exit 2 naming the key when there is none that helps.
fn configuration(
    ctx: &Context,
    target: Target,
    role: &str,
    trunk: &str,
    tagging: bool,
) -> Result<Deploy> {
    let configured = match target {
        Target::Main => ctx.config.deploy_main.clone(),
        Target::Development => ctx.config.deploy_development.clone(),
    };
    let example = "codepipeline = [\"prod-backend\"], github_environment = \"production\" or github_workflow = \"deploy.yml\"";
    let Some(deploy) = configured else {
        return Err(Error::env(format!(
            "nothing deploys {trunk}: [deploy.{role}] is not in .githotfix.toml"
        ))
        .hint(format!("configure it, for example: [deploy.{role}] {example}")));
    };
    if tagging && deploy.tags.is_empty() {
        return Err(Error::env(format!(
            "--tag needs deploy.{role}.tags in .githotfix.toml (for example tags = [\"prod-{{date}}\"])"
        )));
    }
    if !tagging && !deploy.watches_anything() {
        return Err(Error::env(format!(
            "[deploy.{role}] only names tags: there is nothing to watch (start it with git hotfix deploy --tag)"
        ))
        .hint(format!("to watch it, add one of: {example}")));
    }
    Ok(deploy)
}

/// Polls every `poll` seconds until all succeeded, one failed, or `timeout`; `true` when the
/// time ran out. Up to three failed polls in a row are retried.
fn watch(
    ctx: &Context,
    mut found: Deployments,
    poll: u64,
    timeout: Duration,
) -> Result<(Deployments, bool)> {
    let started = Instant::now();
    let mut progress = Progress::start();
    let mut failures = 0;
    loop {
        progress.show(&found.summary(), started.elapsed());
        if found.all_succeeded() || found.any_failed() {
            progress.finish();
            return Ok((found, false));
        }
        let left = timeout.saturating_sub(started.elapsed());
        if left.is_zero() {
            progress.finish();
            return Ok((found, true));
        }
        std::thread::sleep(left.min(Duration::from_secs(poll)));
        match deployments::read(ctx, found.target, found.landed) {
            Ok(Some(now)) => {
                found = now;
                failures = 0;
            }
            Ok(None) => {}
            Err(e) if failures < 3 => {
                failures += 1;
                output::warn(format!("{} (trying again in {poll}s)", e.message));
            }
            Err(e) => {
                progress.finish();
                return Err(e);
            }
        }
    }
}

/// The exit status: 0 when every deployment succeeded, else 1 with what is missing.
fn outcome(
    branch: &str,
    trunk: &str,
    found: &Deployments,
    timed_out: bool,
    timeout: &str,
) -> Result<()> {
    if found.all_succeeded() {
        return Ok(());
    }
    let names = |status: &[Status]| -> String {
        let runs: Vec<String> = found
            .runs
            .iter()
            .filter(|r| status.contains(&r.status))
            .map(|r| format!("{} ({})", r.name, r.state_text()))
            .collect();
        runs.join(", ")
    };
    if found.any_failed() {
        return Err(Error::refused(format!(
            "{trunk}'s deployment of '{branch}' failed: {}",
            names(&[Status::Failed])
        ))
        .hint("see the link above; once it is fixed, watch again: git hotfix deploy --wait"));
    }
    let pending = names(&[Status::InProgress, Status::NotStarted]);
    if timed_out {
        return Err(Error::refused(format!("still not done after {timeout}: {pending}"))
            .hint(format!("keep watching: git hotfix deploy {branch} --wait")));
    }
    Err(Error::refused(format!("{trunk}'s deployment of '{branch}' is not done: {pending}"))
        .hint(format!("watch it to the end: git hotfix deploy {branch} --wait")))
}

/// The deployments as printed and as JSON.
#[derive(Serialize)]
struct Report<'a> {
    branch: &'a str,
    target: &'a str,
    merge: CommitRef,
    all_succeeded: bool,
    deployments: &'a [crate::deploy::Run],
}

impl<'a> Report<'a> {
    fn new(ctx: &Context, branch: &'a str, trunk: &'a str, found: &'a Deployments) -> Result<Self> {
        let landed: ObjectId = found.landed.expect("read with the landed commit");
        Ok(Self {
            branch,
            target: trunk,
            merge: CommitRef::of(&ctx.repo, landed)?,
            all_succeeded: found.all_succeeded(),
            deployments: &found.runs,
        })
    }

    fn print(&self) {
        output::say(format!("'{}' on {}: {}", self.branch, self.target, self.merge));
        let width = self.deployments.iter().map(|r| r.name.chars().count()).max().unwrap_or(0);
        let states: Vec<String> = self.deployments.iter().map(|r| r.state_text()).collect();
        let state_width = states.iter().map(|s| s.chars().count()).max().unwrap_or(0);
        for (run, state) in self.deployments.iter().zip(&states) {
            let mark = match run.status {
                Status::Succeeded => output::paint_out(Paint::Green, "✓"),
                Status::Failed => output::paint_out(Paint::Red, "✗"),
                Status::InProgress => output::paint_out(Paint::Yellow, "…"),
                Status::NotStarted => output::paint_out(Paint::Dim, "·"),
            };
            let mut line = format!(
                "{mark} {:<11} {:<width$}  {state:<state_width$}",
                run.kind.label(),
                run.name
            );
            if let Some(id) = &run.id {
                line.push_str(&format!("  {id}"));
            }
            if let Some(at) = &run.started_at {
                line.push_str(&format!("  started {at}"));
            }
            output::say(line.trim_end());
            if let Some(link) = &run.link {
                output::say(format!("    {link}"));
            }
        }
    }
}
