//! `git hotfix publish`: check the hotfix like the pre-push hook would, push it with upstream,
//! and point at (or, with `gh`, create) the pull request into the branch the process says is
//! next: main first, development once main has it.

use crate::context::Context;
use crate::error::{Error, Result};
use crate::host::github::GitHub;
use crate::host::url::{Forge, Project};
use crate::hotfix::state::{Base, Target};
use crate::hotfix::steps;
use crate::hotfix::{checks, deployments};
use crate::output::{self, note, say};
use crate::policy::{Graph, Rule, Violation};
use crate::redact::redact;
use crate::spawn::Git;
use gix::ObjectId;

/// Push the current hotfix branch and open its pull request
#[derive(Debug, clap::Args)]
pub struct PublishArgs {
    /// Where the pull request goes: main, or development once the hotfix is in main
    /// [default: main until main contains the hotfix, then development]
    #[arg(long, value_name = "BRANCH")]
    to: Option<String>,
    /// Create the pull request with GitHub's `gh` instead of printing its address
    #[arg(long)]
    pr: bool,
    /// Show what would be done (the checks still run) and change nothing
    #[arg(long)]
    dry_run: bool,
    /// Into development: go ahead although main's deployment of the hotfix has not succeeded
    #[arg(long)]
    no_deploy_check: bool,
}

pub fn run(args: &PublishArgs) -> Result<()> {
    let ctx = Context::open()?;
    let branch = steps::hotfix_to_act_on(&ctx, None, "publish")?;
    let tip = ctx
        .repo
        .resolve_ref(&format!("refs/heads/{branch}"))?
        .ok_or_else(|| Error::env(format!("'{branch}' has no commit yet")))?;
    let remote = ctx.config.remote.clone();
    let Some(url) = ctx.repo.remote_url(&remote) else {
        return Err(Error::env(format!("there is no remote '{remote}' to publish to")).hint(
            format!("add it: git remote add {remote} <url>, or set `remote` in .githotfix.toml"),
        ));
    };
    if args.dry_run {
        note(format!("dry run: using {remote}'s branches as last fetched"));
    } else {
        steps::fetch(&ctx, false)?;
    }

    let trunks = ctx.trunks()?;
    let Base { target, name: base, tip: base_tip, in_main } =
        Base::choose(&ctx, &trunks, args.to.as_deref(), tip)?;
    let base = base.as_str();

    let mut found = checks::hotfix_branch(&ctx, &trunks, &branch, tip)?;
    if target == Target::Development && !in_main {
        found.push(
            Violation::error(
                Rule::R8,
                &branch,
                format!("'{branch}' goes into {base} only after {} has it", ctx.config.main),
            )
            .fix("open its pull request into main first: git hotfix publish --to main"),
        );
    }
    output::violations(&found);
    let errors = found.iter().filter(|v| v.is_error()).count();
    if errors > 0 {
        return Err(Error::refused(format!(
            "'{branch}' was not published: {errors} problem(s) above must be fixed first"
        )));
    }
    if ctx.repo.is_ancestor(tip, base_tip)? {
        say(format!("'{branch}' is already in {base}: there is nothing to open."));
        let next = match target {
            Target::Main => "next: git hotfix publish --to development".to_owned(),
            Target::Development => format!("next: git hotfix cleanup {branch}"),
        };
        note(next);
        return Ok(());
    }
    if target == Target::Development {
        deployments::gate(&ctx, &trunks, &branch, tip, args.no_deploy_check)?;
    }

    let refspec = format!("refs/heads/{branch}:refs/heads/{branch}");
    if args.dry_run {
        say(format!("would push '{branch}' to {remote} and set it as upstream"));
    } else if !Git::here().interactive(&["push", "--set-upstream", "--", &remote, &refspec])? {
        return Err(Error::refused(format!(
            "pushing '{branch}' to {remote} failed (Git's message is above)"
        ))
        .hint("fix what Git reported, then run git hotfix publish again"));
    }

    let project = ctx.project();
    if args.pr {
        let request = Request { branch: &branch, tip, base, base_tip, target };
        return create_with_gh(&ctx, &request, project.as_ref(), args.dry_run);
    }
    match &project {
        Some(project) => {
            note(format!(
                "Open the pull request from '{branch}' into '{base}' on {}:",
                project.forge_name()
            ));
            say(project.pull_request_url(base, &branch));
        }
        None => note(format!(
            "No pull-request address is known for {remote} ({}): open a pull request from \
             '{branch}' into '{base}' on your code host.",
            redact(&url)
        )),
    }
    note(merge_reminder(&ctx, target));
    Ok(())
}

/// What to do on the code host, in the process's words.
fn merge_reminder(ctx: &Context, target: Target) -> String {
    let after = match target {
        Target::Main => "then watch the deployment and bring the branch into development: \
                         git hotfix publish --to development"
            .to_owned(),
        Target::Development => "then clean up: git hotfix cleanup".to_owned(),
    };
    let base = match target {
        Target::Main => &ctx.config.main,
        Target::Development => &ctx.config.development,
    };
    format!("Merge it into {base} with a merge commit (not squash, not rebase); {after}")
}

/// A pull request to create: the hotfix branch into `base`.
struct Request<'a> {
    branch: &'a str,
    tip: ObjectId,
    base: &'a str,
    base_tip: ObjectId,
    target: Target,
}

/// `--pr`: creates the pull request through GitHub's REST API (`gh api`), with a title and a
/// body that carries the commits and the checklist, and asks the configured reviewers.
fn create_with_gh(
    ctx: &Context,
    request: &Request<'_>,
    project: Option<&Project>,
    dry_run: bool,
) -> Result<()> {
    let Request { branch, base, target, .. } = *request;
    let address = project.map(|p| p.pull_request_url(base, branch));
    let open_it = |address: &Option<String>| match address {
        Some(a) => format!("open it in the browser: {a}"),
        None => format!("open a pull request from '{branch}' into '{base}' on your code host"),
    };
    let Some(project) = project.filter(|p| p.forge == Forge::GitHub) else {
        let on = project.map_or("an unknown host".to_owned(), |p| p.forge_name().to_owned());
        return Err(Error::env(format!(
            "--pr creates pull requests on GitHub (with gh); this remote is on {on}"
        ))
        .hint(open_it(&address)));
    };
    let gh = GitHub::new(&project.host, &project.path, ctx.config.network_timeout)
        .map_err(|e| e.hint(open_it(&address)))?;
    let (title, body) = pull_request_text(ctx, request)?;
    if dry_run {
        say(format!(
            "would run: {} (title {title:?})",
            gh.shown("POST", &format!("repos/{}/pulls", gh.repo))
        ));
        return Ok(());
    }
    let pull = match gh.open_pulls(branch, base)?.into_iter().next() {
        Some(existing) => {
            note(format!(
                "pull request #{} from '{branch}' into '{base}' is already open",
                existing.number
            ));
            existing
        }
        None => {
            gh.create_pull(branch, base, &title, &body).map_err(|e| e.hint(open_it(&address)))?
        }
    };
    say(&pull.html_url);
    let (teams, users): (Vec<&str>, Vec<&str>) =
        ctx.config.reviewers.iter().map(String::as_str).partition(|r| r.contains('/'));
    if !users.is_empty() || !teams.is_empty() {
        let slugs: Vec<&str> =
            teams.iter().filter_map(|t| t.split_once('/').map(|(_, slug)| slug)).collect();
        match gh.request_reviewers(pull.number, &users, &slugs) {
            Ok(()) => note(format!("review requested from {}", ctx.config.reviewers.join(", "))),
            Err(e) => output::warn(format!(
                "the pull request is open, but asking {} for a review failed: {}",
                ctx.config.reviewers.join(", "),
                e.message
            )),
        }
    }
    note(format!("when it is approved: git hotfix merge {branch} --to {base}"));
    note(merge_reminder(ctx, target));
    Ok(())
}

/// The pull request's title and body: what it brings, and the process's checklist as boxes to
/// tick on the code host.
fn pull_request_text(ctx: &Context, request: &Request<'_>) -> Result<(String, String)> {
    let Request { branch, tip, base, base_tip, target } = *request;
    let commits = ctx.repo.commits(&[tip], &[base_tip], false)?;
    let mut listing = Vec::new();
    for &commit in &commits {
        listing.push(format!("- {} {}", ctx.repo.short(commit), ctx.repo.subject(commit)?));
    }
    let (main, development) = (&ctx.config.main, &ctx.config.development);
    let (title, intro, checklist) = match target {
        Target::Main => {
            let oldest = commits.last().map(|&c| ctx.repo.subject(c)).transpose()?;
            (
                oldest.filter(|s| !s.is_empty()).unwrap_or_else(|| format!("Hotfix {branch}")),
                format!("Hotfix `{branch}`, cut from `{main}`."),
                vec![
                    "The problem is confirmed in production".to_owned(),
                    "The change holds only what the fix needs".to_owned(),
                    "Tested locally".to_owned(),
                    "Merged with a merge commit (no squash, no rebase)".to_owned(),
                    "Deployment to production watched".to_owned(),
                    "Fix checked in production".to_owned(),
                    format!(
                        "Same branch brought into `{development}`: `git hotfix publish --to {development}`"
                    ),
                ],
            )
        }
        Target::Development => (
            format!("Back-merge {branch} into {development}"),
            format!(
                "Hotfix `{branch}` is in `{main}`; this brings the same commits into `{development}`."
            ),
            vec![
                "Merged with a merge commit (no squash, no rebase)".to_owned(),
                format!("Deployment from `{development}` to the test environment checked"),
                "Branch deleted afterwards: `git hotfix cleanup`".to_owned(),
                "Post-mortem scheduled, if the incident calls for one".to_owned(),
            ],
        ),
    };
    let boxes: Vec<String> = checklist.iter().map(|item| format!("- [ ] {item}")).collect();
    let body = format!(
        "{intro}\n\nCommits ({} → {base}):\n{}\n\nChecklist:\n{}\n",
        branch,
        listing.join("\n"),
        boxes.join("\n")
    );
    Ok((title, body))
}
