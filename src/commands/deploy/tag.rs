//! `deploy --tag`: annotated tags at the remote branch's tip, named by the configured
//! patterns, shown with what they deploy beyond the previous tag of each pattern, then pushed.
//! An existing tag is never moved or deleted.

use crate::config::Deploy;
use crate::context::Context;
use crate::deploy::tags;
use crate::error::{Error, Result};
use crate::hotfix::steps;
use crate::output::{self, note, say};
use crate::policy::message::merged_branch;
use crate::policy::{CommitRef, Graph};
use crate::spawn::Git;
use gix::ObjectId;
use std::collections::BTreeMap;

pub fn create_and_push(
    ctx: &Context,
    deploy: &Deploy,
    trunk: &str,
    branch: &str,
    landed: ObjectId,
    yes: bool,
) -> Result<()> {
    let remote = &ctx.config.remote;
    let tip =
        ctx.repo.resolve_ref(&format!("refs/remotes/{remote}/{trunk}"))?.ok_or_else(|| {
            Error::env(format!("{remote}/{trunk} is not here: tags are made at the remote's tip"))
                .hint(format!("fetch it: git fetch {remote}"))
        })?;
    if !ctx.repo.is_ancestor(landed, tip)? {
        return Err(Error::refused(format!(
            "{remote}/{trunk} does not contain the merge of '{branch}' ({})",
            CommitRef::of(&ctx.repo, landed)?
        ))
        .hint(format!("push {trunk} first, or fetch: git fetch {remote}")));
    }
    let existing = existing_tags(ctx)?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let short = tip.to_hex_with_len(7).to_string();
    let mut new = Vec::new();
    for pattern in &deploy.tags {
        let name = tags::name(pattern, now, &short, &|t| existing.contains_key(t));
        match existing.get(&name) {
            Some(&at) if at == tip => note(format!("'{name}' already tags {remote}/{trunk}")),
            Some(&at) => {
                return Err(Error::refused(format!(
                    "tag '{name}' already exists at {}: tags are never moved",
                    CommitRef::of(&ctx.repo, at)?
                ))
                .hint(format!(
                    "add {{n}} to the pattern '{}' so that a second deployment gets its own tag",
                    pattern.as_str()
                )));
            }
            None => {
                let previous = existing
                    .iter()
                    .filter(|(t, _)| tags::made_by(pattern, t))
                    .filter(|&(_, &at)| ctx.repo.is_ancestor(at, tip).unwrap_or(false))
                    .max_by_key(|&(t, &at)| (ctx.repo.commit_time(at).unwrap_or(0), t.clone()));
                describe(ctx, &name, tip, previous.map(|(t, &at)| (t.as_str(), at)))?;
                new.push(name);
            }
        }
    }
    if new.is_empty() {
        return Ok(());
    }
    if !yes {
        match output::ask(&format!("Create and push {} to {remote}?", new.join(", ")))? {
            None => {
                return Err(Error::refused(
                    "pushing deploy tags starts a deployment: confirm on a terminal, or pass --yes",
                ));
            }
            Some(false) => return Err(Error::refused("no tag was made")),
            Some(true) => {}
        }
    }
    let git = Git::here();
    let message = format!("Deploy {trunk} with {branch}");
    let tip_hex = tip.to_string();
    for name in &new {
        git.run(&["tag", "--annotate", "--message", &message, "--", name, &tip_hex])?;
    }
    let refs: Vec<String> = new.iter().map(|n| format!("refs/tags/{n}")).collect();
    let mut args = vec!["push", "--quiet", "--atomic", "--", remote.as_str()];
    args.extend(refs.iter().map(String::as_str));
    let out = steps::push(ctx, &args)?;
    if !out.status.success() {
        // The tags made a moment ago exist nowhere else: take them back, so that a retry starts
        // from where this one did.
        for name in &new {
            let _ = git.output(&["tag", "--delete", "--", name]);
        }
        return Err(steps::push_failure(ctx, &out, &new.join(", "))
            .hint("no tag was kept: run it again once that is fixed"));
    }
    say(format!("pushed {} at {}", new.join(", "), CommitRef::of(&ctx.repo, tip)?));
    Ok(())
}

/// Every tag here and on the remote, with the commit it points to.
fn existing_tags(ctx: &Context) -> Result<BTreeMap<String, ObjectId>> {
    let mut found = BTreeMap::new();
    for (name, id) in ctx.repo.refs_with_prefix("refs/tags/")? {
        if let Ok(commit) = ctx.repo.peel_to_commit(id) {
            found.insert(name.trim_start_matches("refs/tags/").to_owned(), commit);
        }
    }
    let out = Git::here().output_within(
        &["ls-remote", "--tags", "--", &ctx.config.remote],
        ctx.config.network_timeout,
    )?;
    if !out.status.success() {
        return Err(Error::env(format!(
            "cannot list the tags on {}: {}",
            ctx.config.remote,
            String::from_utf8_lossy(&out.stderr).trim()
        ))
        .hint(
            "deploy tags must not clash with the remote's: run it again once the remote answers",
        ));
    }
    // `<id> refs/tags/<name>`, and for an annotated tag also `<commit> refs/tags/<name>^{}`.
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Some((hex, name)) = line.split_once('\t') else { continue };
        let Some(name) = name.strip_prefix("refs/tags/") else { continue };
        let (name, peeled) = match name.strip_suffix("^{}") {
            Some(name) => (name, true),
            None => (name, false),
        };
        let Some(id) = ctx.repo.parse_id(hex) else { continue };
        if peeled || !found.contains_key(name) {
            found.insert(name.to_owned(), id);
        }
    }
    Ok(found)
}

/// What tag `name` at `tip` deploys beyond `previous`: the commits, and the hotfixes among them.
fn describe(
    ctx: &Context,
    name: &str,
    tip: ObjectId,
    previous: Option<(&str, ObjectId)>,
) -> Result<()> {
    let at = CommitRef::of(&ctx.repo, tip)?;
    let Some((previous, since)) = previous else {
        say(format!("{name} at {at}: the first tag of its pattern"));
        return Ok(());
    };
    let line = ctx.repo.commits(&[tip], &[since], true)?;
    let mut hotfixes = Vec::new();
    for &commit in &line {
        if ctx.repo.parents(commit)?.len() > 1
            && let Some(merged) = merged_branch(&ctx.repo.message(commit)?)
            && merged.starts_with(ctx.config.prefix())
        {
            hotfixes.push(merged);
        }
    }
    let among = if hotfixes.is_empty() {
        String::new()
    } else {
        format!("; hotfixes: {}", hotfixes.join(", "))
    };
    say(format!(
        "{name} at {at}: {} commit(s) on the first-parent line since {previous}{among}",
        line.len()
    ));
    Ok(())
}
