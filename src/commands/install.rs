//! `git hotfix install` / `uninstall`: the shims go where Git looks for hooks, which is not
//! always `.git/hooks`: `core.hooksPath` replaces it, and linked worktrees share the main
//! repository's. Git itself answers the question (`git rev-parse --git-path hooks`).

use crate::config::GitConfig;
use crate::error::{Error, Result};
use crate::hooks::install::{
    BACKUP_SUFFIX, CLIENT_HOOKS, Hook, Installed, SERVER_HOOKS, Uninstalled, ensure_writable,
    hooks_dir, shim,
};
use crate::output::{Paint, paint_out, say};
use crate::repo::Repo;
use std::path::{Path, PathBuf};

/// Install the hook shims into this repository's hooks directory
///
/// A clone gets pre-push, prepare-commit-msg and post-merge; a bare repository (a Git server)
/// gets pre-receive. A hook already there is kept and runs first. Run it again after moving
/// or upgrading git-hotfix: the shims record its path.
#[derive(Debug, clap::Args)]
pub struct InstallArgs {
    /// Also install into a hooks directory outside this repository (a core.hooksPath shared
    /// by other repositories), and move aside a stale `<hook>.pre-hotfix` that is in the way
    #[arg(long)]
    pub force: bool,
}

/// Remove the hook shims and restore the hooks they replaced
#[derive(Debug, clap::Args)]
pub struct UninstallArgs {}

pub fn run(args: &InstallArgs) -> Result<()> {
    let repo = Repo::discover()?;
    let dir = hooks_dir()?;
    if !args.force && !is_inside(&dir, &repo) {
        // Without core.hooksPath, the hooks directory itself is a symlink leading out.
        let how = match repo.config_string("core.hooksPath") {
            Some(_) => "core.hooksPath points to".to_owned(),
            None => format!("{} is a symlink to", repo.common_dir().join("hooks").display()),
        };
        return Err(Error::refused(format!(
            "{how} {}, outside this repository: hooks there run for every repository that \
             shares it",
            dir.display()
        ))
        .hint("install there anyway: git hotfix install --force")
        .hint(
            "or give this repository its own hooks: git config core.hooksPath \
             \"$(git rev-parse --path-format=absolute --git-common-dir)/hooks\"",
        ));
    }
    // Not canonicalised: a package manager's stable symlink (`/opt/homebrew/bin/git-hotfix`)
    // survives upgrades, the versioned directory it points into does not.
    let exe = std::env::current_exe()
        .and_then(std::path::absolute)
        .map_err(|e| Error::env(format!("cannot tell where git-hotfix itself is: {e}")))?;
    let names = if repo.is_bare() { SERVER_HOOKS } else { CLIENT_HOOKS };
    let hooks: Vec<Hook> = names.iter().map(|name| Hook::at(&dir, name)).collect();
    if !args.force
        && let Some(hook) = hooks.iter().find(|h| h.conflicts())
    {
        return Err(Error::refused(format!(
            "{} is not git-hotfix's, and {} (kept by an earlier install) is in the way: \
             installing would lose one of them",
            hook.path.display(),
            hook.backup.display()
        ))
        .hint(format!(
            "look at both and delete the one you no longer need, or run git hotfix install \
             --force: the current {} is kept (and runs first), the older copy is renamed \
             with a number appended, never deleted",
            hook.name
        )));
    }
    ensure_writable(&dir)?;
    say(format!("Hooks directory: {}", dir.display()));
    for hook in &hooks {
        let installed = hook.install(&shim(hook.name, &exe), args.force).map_err(|e| {
            e.hint(format!(
                "nothing was changed for {} and the hooks after it; the ones listed above are \
                 installed; fix this, then run git hotfix install again",
                hook.name
            ))
        })?;
        let what = match installed {
            Installed::Created => "installed".to_owned(),
            Installed::Chained => format!(
                "installed; the hook that was there is kept as {}{BACKUP_SUFFIX} and runs first",
                hook.name
            ),
            Installed::ChainedLeftover => format!(
                "installed; {}{BACKUP_SUFFIX}, kept by an earlier install, runs first again",
                hook.name
            ),
            Installed::ChainedMovedStale(aside) => format!(
                "installed; the hook that was there is kept as {}{BACKUP_SUFFIX} and runs \
                 first; the older copy was moved to {}",
                hook.name,
                aside.display()
            ),
            Installed::Refreshed => "updated".to_owned(),
            Installed::Unchanged => "already installed".to_owned(),
        };
        say(format!("  {:<20}{}", paint_out(Paint::Bold, hook.name), what));
    }
    say(format!("The hooks run {} (or git-hotfix on PATH if it moves).", exe.display()));
    if repo.workdir().is_some_and(|w| is_under(&dir, &w)) && !is_under(&dir, &repo.common_dir()) {
        say("Note: this hooks directory is inside the work tree; don't commit the shims, they \
             hold this machine's path to git-hotfix.");
    }
    Ok(())
}

pub fn run_uninstall(_args: &UninstallArgs) -> Result<()> {
    Repo::discover()?;
    let dir = hooks_dir()?;
    say(format!("Hooks directory: {}", dir.display()));
    let mut found = false;
    for name in CLIENT_HOOKS.iter().chain(SERVER_HOOKS) {
        let hook = Hook::at(&dir, name);
        let what = match hook.uninstall()? {
            Uninstalled::Removed => "removed".to_owned(),
            Uninstalled::Restored => "removed; the hook it replaced is back".to_owned(),
            Uninstalled::RestoredLeftover => {
                format!("restored the hook kept as {name}{BACKUP_SUFFIX}")
            }
            Uninstalled::NotInstalled => continue,
            Uninstalled::Foreign { backup_left: false } => "not git-hotfix's: left alone".into(),
            Uninstalled::Foreign { backup_left: true } => format!(
                "not git-hotfix's: left alone, and so is {name}{BACKUP_SUFFIX} next to it \
                 (Git does not run it)"
            ),
        };
        found = true;
        say(format!("  {:<20}{}", paint_out(Paint::Bold, name), what));
    }
    if !found {
        say("  no git-hotfix hooks here: nothing to remove");
    }
    Ok(())
}

/// The directory Git runs this repository's hooks from.
/// Whether `dir` belongs to this repository: under its Git dir or its work tree.
fn is_inside(dir: &Path, repo: &Repo) -> bool {
    is_under(dir, &repo.common_dir()) || repo.workdir().is_some_and(|w| is_under(dir, &w))
}

/// `path` is `base` or below it, once symlinks are resolved (as far as they exist).
fn is_under(path: &Path, base: &Path) -> bool {
    canonical(path).starts_with(canonical(base))
}

/// The canonical form of the longest existing ancestor of `path`, with the rest appended.
fn canonical(path: &Path) -> PathBuf {
    let mut missing = Vec::new();
    let mut existing = path;
    loop {
        if let Ok(real) = std::fs::canonicalize(existing) {
            return missing.iter().rev().fold(real, |acc: PathBuf, part| acc.join(part));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                missing.push(name.to_owned());
                existing = parent;
            }
            _ => return path.to_path_buf(),
        }
    }
}
