//! `git hotfix start`: cut `hotfix/<desc>` from the remote's main, as it is now, and switch to
//! it, refusing anything that would lose work or start from the wrong place.

use crate::config::Config;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::hotfix::marks;
use crate::hotfix::state::{self, Facts, Located};
use crate::hotfix::steps;
use crate::output::{self, Paint};
use crate::policy::{CommitRef, Graph};
use crate::repo::Head;
use crate::spawn::Git;
use gix::ObjectId;

/// How many uncommitted paths a refusal lists.
const SHOWN_PATHS: usize = 10;

/// Cut a hotfix branch from the remote's main and switch to it
#[derive(Debug, clap::Args)]
pub struct StartArgs {
    /// What the hotfix fixes, e.g. "Fix authentication timeout" (becomes
    /// hotfix/fix-authentication-timeout)
    #[arg(allow_hyphen_values = true)]
    pub desc: String,
    /// Start from the main already fetched here instead of fetching it first
    #[arg(long)]
    pub no_fetch: bool,
}

pub fn run(args: &StartArgs) -> Result<()> {
    let ctx = Context::open()?;
    if ctx.repo.is_bare() {
        return Err(Error::env("git hotfix start needs a work tree; this is a bare repository")
            .hint("run it in a clone of this repository"));
    }
    let branch = branch_name(&ctx.config, &args.desc)?;
    let typed = args.desc.trim();
    if branch != typed && branch != format!("{}{typed}", ctx.config.prefix()) {
        output::note(format!("'{typed}' becomes {branch}"));
    }
    let git = Git::here();
    refuse_uncommitted_changes(&git)?;
    refuse_leaving_commits_behind(&ctx)?;
    refuse_taken(&ctx, &branch, &format!("refs/heads/{branch}"), "")?;
    if !args.no_fetch {
        fetch(&ctx, &git, &branch)?;
    }
    // A fresh look at the refs the fetch moved.
    let ctx = Context::open()?;
    let (cfg, remote) = (&ctx.config, &ctx.config.remote);
    refuse_taken(&ctx, &branch, &format!("refs/remotes/{remote}/{branch}"), " on the remote")?;
    let main = Main::find(&ctx)?;

    let base = main.base.to_string();
    if !steps::switch(&["--quiet", "--no-track", "-c", &branch, &base])? {
        // Git may have created the branch before failing to move HEAD: a rerun would find
        // it taken.
        if ctx.repo.resolve_ref(&format!("refs/heads/{branch}"))? == Some(main.base)
            && ctx.repo.head()? != Head::Branch(branch.clone())
        {
            git.run(&["branch", "--quiet", "-D", "--", &branch])?;
        }
        return Err(Error::refused(format!(
            "could not switch to a new branch '{branch}' (Git's message is above); nothing was changed"
        ))
        .hint("once that is fixed, run git hotfix start again"));
    }
    if let Err(e) = marks::record_start(&branch, main.base) {
        output::warn(format!("could not record where {branch} starts: {}", e.message));
    }
    marks::restart(&ctx, &branch, !args.no_fetch);
    if let Some(local) = main.local.filter(|&l| l != main.base && main.from_remote) {
        fast_forward_main(&ctx, &git, ctx.repo.short(local));
    }

    let from = if main.from_remote { format!("{remote}/{}", cfg.main) } else { cfg.main.clone() };
    output::say(format!(
        "Switched to {}, cut from {from} at {}",
        output::paint_out(Paint::Bold, &branch),
        CommitRef::of(&ctx.repo, main.base)?
    ));
    output::say(next_steps(cfg, &branch));
    warn_about_other_hotfixes(&ctx, &branch)?;
    Ok(())
}

/// Refuses a branch name already in use at `full_ref`.
fn refuse_taken(ctx: &Context, branch: &str, full_ref: &str, place: &str) -> Result<()> {
    let Some(tip) = ctx.repo.resolve_ref(full_ref)? else { return Ok(()) };
    Err(Error::refused(format!(
        "branch '{branch}' already exists{place} (at {})",
        CommitRef::of(&ctx.repo, tip)?
    ))
    .hint(format!("to continue that hotfix: git switch {branch}"))
    .hint("otherwise describe this one differently"))
}

/// Where the hotfix starts: the remote's main as last fetched, else the local one.
struct Main {
    base: ObjectId,
    from_remote: bool,
    local: Option<ObjectId>,
}

impl Main {
    /// Refuses a local main with commits the remote's lacks: those are not what production
    /// runs, and fast-forwarding could not keep them.
    fn find(ctx: &Context) -> Result<Self> {
        let (cfg, repo) = (&ctx.config, &ctx.repo);
        let (main, remote) = (&cfg.main, &cfg.remote);
        let remote_main = repo.resolve_ref(&format!("refs/remotes/{remote}/{main}"))?;
        let local = repo.resolve_ref(&format!("refs/heads/{main}"))?;
        let Some(base) = remote_main.or(local) else {
            return Err(Error::env(format!(
                "branch '{main}' was found neither on {remote} nor locally: there is nothing to cut the hotfix from"
            ))
            .hint("is the repository empty? A hotfix starts from a main branch with commits")
            .hint("if the main branch has another name, set it: key `main` in .githotfix.toml"));
        };
        if let (Some(local), Some(remote_tip)) = (local, remote_main) {
            let ahead = repo.commits(&[local], &[remote_tip], false)?;
            if let Some(&newest) = ahead.first() {
                return Err(Error::refused(format!(
                    "local {main} has {} commit(s) that {remote}/{main} lacks, newest {}",
                    ahead.len(),
                    CommitRef::of(&ctx.repo, newest)?
                ))
                .hint(format!("a hotfix starts from what production runs: {remote}/{main}"))
                .hint(format!(
                    "keep those commits on a branch, then move {main} back: git branch <name> {main} && git switch {main} && git reset --keep {remote}/{main}"
                )));
            }
        }
        Ok(Self { base, from_remote: remote_main.is_some(), local })
    }
}

/// The branch for `desc`: as typed when it already satisfies R1 (a team pattern may want
/// capitals, e.g. a ticket key), else SPEC's normalisation, which must then satisfy R1.
fn branch_name(config: &Config, desc: &str) -> Result<String> {
    let naming = &config.naming;
    let prefix = naming.prefix.as_str();
    let typed = desc.trim();
    let typed = typed.strip_prefix(prefix).unwrap_or(typed);
    let as_typed = format!("{prefix}{typed}");
    if !typed.is_empty() && naming.check(&as_typed).is_none() {
        return Ok(as_typed);
    }
    let normal = crate::policy::naming::normalise(desc, prefix);
    if normal.is_empty() {
        return Err(Error::refused(format!(
            "'{desc}' has no letters or digits (a-z, 0-9) to name a branch with"
        ))
        .hint("describe the fix in a few words: git hotfix start \"fix login timeout\""));
    }
    let branch = format!("{prefix}{normal}");
    match naming.check(&branch) {
        None => Ok(branch),
        Some(v) => Err(Error::refused(v.message).hint(format!(
            "pick a description whose name matches {}: git hotfix start <description>",
            naming.pattern.as_str()
        ))),
    }
}

/// Switching branches with uncommitted changes would carry them into the hotfix (or fail half
/// way); untracked files are left alone, as `git switch` does.
fn refuse_uncommitted_changes(git: &Git) -> Result<()> {
    let status = git.run(&["status", "--porcelain", "--untracked-files=no"])?;
    let paths: Vec<&str> = status.lines().filter(|l| !l.trim().is_empty()).collect();
    if paths.is_empty() {
        return Ok(());
    }
    let mut shown: Vec<String> = paths.iter().take(SHOWN_PATHS).map(|l| format!("  {l}")).collect();
    if paths.len() > SHOWN_PATHS {
        shown.push(format!("  … and {} more", paths.len() - SHOWN_PATHS));
    }
    Err(Error::refused(format!(
        "you have uncommitted changes; a hotfix starts from a clean work tree:\n{}",
        shown.join("\n")
    ))
    .hint("commit them, or put them aside with: git stash push (git stash pop brings them back)")
    .hint("then run git hotfix start again"))
}

/// A detached HEAD whose commit no branch or tag contains would be left behind by the switch.
fn refuse_leaving_commits_behind(ctx: &Context) -> Result<()> {
    let Head::Detached(head) = ctx.repo.head()? else { return Ok(()) };
    let mut holders: Vec<ObjectId> =
        ctx.repo.trunk(&ctx.config, &ctx.config.main)?.into_iter().collect();
    for namespace in ["refs/heads/", "refs/remotes/", "refs/tags/"] {
        holders.extend(ctx.repo.refs_with_prefix(namespace)?.into_iter().map(|(_, id)| id));
    }
    for tip in holders {
        if ctx.repo.is_ancestor(head, tip)? {
            return Ok(());
        }
    }
    let short = ctx.repo.short(head);
    Err(Error::refused(format!(
        "HEAD is detached at {}, which no branch or tag contains: switching away would leave it behind",
        CommitRef::of(&ctx.repo, head)?
    ))
    .hint(format!("keep it on a branch first: git branch <name> {short}"))
    .hint("then run git hotfix start again"))
}

/// Fetches main, and the remote's hotfix branches so that a name already taken there (or a
/// hotfix someone else has open) is seen; `--prune` drops the ones deleted there. The team's
/// checklist marks come along, for a name an earlier hotfix had.
fn fetch(ctx: &Context, git: &Git, branch: &str) -> Result<()> {
    let cfg = &ctx.config;
    let (remote, main, prefix) = (&cfg.remote, &cfg.main, cfg.prefix());
    let retry = format!("or start from the {main} you have: git hotfix start --no-fetch {branch}");
    if !steps::has_remote(ctx) {
        return Err(Error::env(format!("there is no remote '{remote}' to fetch {main} from"))
            .hint(format!(
                "add it (git remote add {remote} <url>), or set key `remote` in .githotfix.toml"
            ))
            .hint(retry));
    }
    output::note(format!("fetching {main} from {remote}…"));
    let out = git.output(&[
        "fetch",
        "--quiet",
        "--prune",
        "--no-recurse-submodules",
        "--",
        remote.as_str(),
        &format!("+refs/heads/{main}:refs/remotes/{remote}/{main}"),
        &format!("+refs/heads/{prefix}*:refs/remotes/{remote}/{prefix}*"),
        &marks::refspec(remote),
    ])?;
    if !out.status.success() {
        return Err(Error::env(format!(
            "could not fetch {main} from {remote} to start {branch}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
        .hint("check the network and the remote (git remote -v)")
        .hint(retry));
    }
    Ok(())
}

/// Moves local main up to the remote's (a fast-forward only) now that it is not checked out
/// here; a main checked out in another worktree is left for its owner, with a warning.
/// Fetching from the repository itself checks both in one step: without `+` Git takes only a
/// fast-forward, and it refuses a branch checked out in any worktree.
fn fast_forward_main(ctx: &Context, git: &Git, was: String) {
    let cfg = &ctx.config;
    let main = &cfg.main;
    let out = git.output(&[
        "fetch".as_ref(),
        "--quiet".as_ref(),
        "--no-write-fetch-head".as_ref(),
        "--no-recurse-submodules".as_ref(),
        "--no-auto-maintenance".as_ref(),
        ctx.repo.common_dir().as_os_str(),
        format!("refs/remotes/{}/{main}:refs/heads/{main}", cfg.remote).as_ref(),
    ]);
    match out {
        Ok(out) if out.status.success() => {
            output::note(format!(
                "local {main} fast-forwarded from {was} to {}/{main}",
                cfg.remote
            ));
        }
        Ok(out) => output::warn(format!(
            "local {main} stays at {was}: {}\n  update it where it is checked out: git merge --ff-only {}/{main}",
            String::from_utf8_lossy(&out.stderr).trim(),
            cfg.remote
        )),
        Err(e) => output::warn(format!("local {main} stays at {was}: {}", e.message)),
    }
}

fn next_steps(cfg: &Config, branch: &str) -> String {
    let (main, dev) = (&cfg.main, &cfg.development);
    let steps = [
        (
            "commit the fix".to_owned(),
            format!(
                "the smallest change that ends the incident (≤ {} files, ≤ {} lines)",
                cfg.max_files, cfg.max_lines
            ),
        ),
        ("git hotfix check tested-locally".to_owned(), "once you have tested it".to_owned()),
        (
            "git hotfix publish".to_owned(),
            format!("push it, open the pull request into {main}; merge with a merge commit"),
        ),
        (
            format!("git hotfix publish --to {dev}"),
            format!("after the deployment, the same branch into {dev}"),
        ),
        ("git hotfix cleanup".to_owned(), "delete the local and the remote branch".to_owned()),
    ];
    let width = steps.iter().map(|(what, _)| what.chars().count()).max().unwrap_or(0);
    let mut text = vec!["Next steps:".to_owned()];
    for (n, (what, why)) in steps.iter().enumerate() {
        text.push(format!("  {}. {what:<width$}  {why}", n + 1));
    }
    text.push(format!("Where it stands at any time: git hotfix status {branch}"));
    text.join("\n")
}

/// Two hotfixes in flight at once usually means two people on one incident, or a branch
/// nobody cleaned up: say so, with their stages and who started them.
fn warn_about_other_hotfixes(ctx: &Context, branch: &str) -> Result<()> {
    let others: Vec<_> =
        state::known_branches(ctx)?.into_iter().filter(|(name, _)| name != branch).collect();
    if others.is_empty() {
        return Ok(());
    }
    let trunks = ctx.trunks()?;
    let tips: Vec<ObjectId> = others.iter().filter_map(|(_, refs)| refs.tip()).collect();
    let mut who = state::started_by(ctx, trunks.main, &tips)?.into_iter();
    let mut lines = Vec::new();
    for (name, refs) in others {
        let Some(found) = Located::branch(&name, refs) else { continue };
        let stage = Facts::gather(ctx, &trunks, found)?.stage();
        let by = who.next().unwrap_or_default();
        lines.push(format!("  {name} ({}) started by {by}", stage.label(&ctx.config)));
    }
    output::warn(format!(
        "other hotfix branches are open; make sure you are not duplicating work:\n{}",
        lines.join("\n")
    ));
    Ok(())
}
