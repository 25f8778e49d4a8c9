//! `verify --pr`: the rules for one pull request, from its base and its head.

use super::{Report, Trunk, resolve};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::hotfix::checks;
use crate::policy::Graph;
use crate::policy::backmerge::{self, Hotfix, Push};
use crate::policy::naming::is_valid_branch_name;
use crate::policy::{Rule, Trunks, Violation};
use gix::ObjectId;

/// The rules for a pull request from `head` into `base`.
pub(super) fn verify(
    ctx: &Context,
    base: &str,
    head: &str,
    head_name: Option<&str>,
) -> Result<Report> {
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
    ctx.repo.brings_commits_of(tip, development, trunks.main)
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
