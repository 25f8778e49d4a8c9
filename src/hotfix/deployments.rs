//! The deployments of one hotfix: for each pipeline, environment or workflow configured for a
//! long-lived branch, the newest run whose commit contains the hotfix's merge into it. `deploy`
//! prints and watches them, `status` ticks the checklist with them, and the gate keeps the
//! back-merge into development waiting until main's have succeeded.

use crate::config::Deploy;
use crate::context::Context;
use crate::deploy::{Kind, Run, Status, codepipeline::CodePipeline, github};
use crate::error::{Error, Result};
use crate::host::github::GitHub;
use crate::host::url::Forge;
use crate::hotfix::state::{Landing, Target, landing};
use crate::output;
use crate::policy::{Graph, Trunks};
use gix::ObjectId;

/// One branch's deployments of one hotfix.
pub struct Deployments {
    pub target: Target,
    /// The commit that brought the hotfix onto the branch; `None` before it got there.
    pub landed: Option<ObjectId>,
    pub runs: Vec<Run>,
}

impl Deployments {
    pub fn all_succeeded(&self) -> bool {
        self.runs.iter().all(|r| r.status == Status::Succeeded)
    }

    pub fn any_failed(&self) -> bool {
        self.runs.iter().any(|r| r.status == Status::Failed)
    }

    /// `prod-backend succeeded, prod-frontend in progress`.
    pub fn summary(&self) -> String {
        let each: Vec<String> =
            self.runs.iter().map(|r| format!("{} {}", r.name, r.state_text())).collect();
        each.join(", ")
    }
}

/// What deploys `target`, when anything that can be watched is configured.
pub fn configured(ctx: &Context, target: Target) -> Option<&Deploy> {
    let deploy = match target {
        Target::Main => ctx.config.deploy_main.as_ref(),
        Target::Development => ctx.config.deploy_development.as_ref(),
    };
    deploy.filter(|d| d.watches_anything())
}

/// The commit whose deployment deploys the hotfix: the merge, or the tip (or copy) that
/// reached the branch another way.
pub fn landed(on: Landing<ObjectId>, tip: ObjectId) -> Option<ObjectId> {
    match on {
        Landing::Merged(commit) | Landing::Copied(commit) => Some(commit),
        Landing::FastForward => Some(tip),
        Landing::Absent => None,
    }
}

/// Asks every configured system about `landed` on `target`; `None` when nothing deploys it.
/// Before the hotfix is on the branch nothing can contain it, and nobody is asked.
pub fn read(
    ctx: &Context,
    target: Target,
    landed: Option<ObjectId>,
) -> Result<Option<Deployments>> {
    let Some(deploy) = configured(ctx, target) else { return Ok(None) };
    let branch = match target {
        Target::Main => &ctx.config.main,
        Target::Development => &ctx.config.development,
    };
    let contains = |hex: &str| -> bool {
        let (Some(landed), Some(id)) = (landed, ctx.repo.parse_id(hex)) else { return false };
        ctx.repo.has_object(id) && ctx.repo.is_ancestor(landed, id).unwrap_or(false)
    };
    let asking = landed.is_some();
    let mut runs = Vec::new();
    if !deploy.codepipeline.is_empty() {
        let aws = if asking {
            let limit = ctx.config.network_timeout;
            Some(CodePipeline::new(deploy.region.clone(), deploy.profile.clone(), limit)?)
        } else {
            None
        };
        for pipeline in &deploy.codepipeline {
            let found = match &aws {
                Some(aws) => aws.executions(pipeline)?,
                None => Vec::new(),
            };
            runs.push(Run::newest(Kind::Codepipeline, pipeline, found, &contains));
        }
    }
    let watched_on_github = [
        (Kind::GithubEnvironment, deploy.github_environment.as_deref()),
        (Kind::GithubWorkflow, deploy.github_workflow.as_deref()),
    ];
    let gh = match watched_on_github.iter().any(|(_, name)| name.is_some()) && asking {
        true => Some(github_client(ctx)?),
        false => None,
    };
    for (kind, name) in watched_on_github {
        let Some(name) = name else { continue };
        let found = match (&gh, kind) {
            (None, _) => Vec::new(),
            (Some(gh), Kind::GithubEnvironment) => github::environment(gh, name, &contains)?,
            (Some(gh), _) => github::workflow(gh, name, branch)?,
        };
        runs.push(Run::newest(kind, name, found, &contains));
    }
    Ok(Some(Deployments { target, landed, runs }))
}

fn github_client(ctx: &Context) -> Result<GitHub> {
    let project = ctx.project().filter(|p| p.forge == Forge::GitHub).ok_or_else(|| {
        Error::env(format!(
            "github_environment and github_workflow watch GitHub, but {} is not on GitHub",
            ctx.config.remote
        ))
        .hint("for GitHub Enterprise, set host = \"github\" in .githotfix.toml")
    })?;
    GitHub::new(&project.host, &project.path, ctx.config.network_timeout)
}

/// The back-merge waits for main's deployment: refused (exit 1) unless every configured
/// deployment of the hotfix's merge into main succeeded. `skip` is `--no-deploy-check`.
pub fn gate(
    ctx: &Context,
    trunks: &Trunks<'_, ObjectId>,
    branch: &str,
    tip: ObjectId,
    skip: bool,
) -> Result<()> {
    if configured(ctx, Target::Main).is_none() {
        return Ok(());
    }
    let (main, dev) = (&ctx.config.main, &ctx.config.development);
    if skip {
        output::warn(format!(
            "{main}'s deployment of '{branch}' was not checked (--no-deploy-check)"
        ));
        return Ok(());
    }
    let on_main = landing(&ctx.repo, trunks.main, tip, None)?;
    let Some(found) = read(ctx, Target::Main, landed(on_main, tip))? else { return Ok(()) };
    if found.all_succeeded() {
        output::note(format!("{main}'s deployment of '{branch}': {}", found.summary()));
        return Ok(());
    }
    let links: Vec<String> = found
        .runs
        .iter()
        .filter(|r| r.status == Status::Failed)
        .filter_map(|r| r.link.as_ref().map(|l| format!("{}: {l}", r.name)))
        .collect();
    let mut err = Error::refused(format!(
        "'{branch}' goes into {dev} once {main}'s deployment of it has succeeded: {}",
        found.summary()
    ));
    if found.any_failed() {
        err = err.hint(format!("see what failed: {}", links.join(", ")));
        err = err.hint(format!(
            "fix {main} first (a follow-up hotfix, or re-run the deployment), then try again"
        ));
    } else {
        err = err.hint(format!("watch it: git hotfix deploy {branch} --wait"));
    }
    Err(err
        .hint("to go ahead anyway, when the deployment was checked another way: --no-deploy-check"))
}
