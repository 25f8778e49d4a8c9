//! The hook shims: the `sh` scripts `git hotfix install` puts into a hooks directory, and the
//! file operations that put them in place and take them out again without ever losing a hook
//! that was there before.
//!
//! A shim runs the binary by the absolute path recorded at install time (GUI clients run hooks
//! with a short `PATH`), falls back to `git-hotfix` on `PATH`, and fails loudly when neither
//! exists. A hook that was there before is renamed to `<hook>.pre-hotfix` (Git runs only files
//! named exactly like a hook, so it no longer runs on its own) and the shim runs it first.

use crate::error::{Error, Result};
use crate::output::sh_quote;
use crate::spawn::Git;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The comment every shim carries and no other hook would: how a hook is recognised as ours.
pub const MARKER: &str = "# git-hotfix hook shim:";
/// Appended to a hook's name to keep the hook that was there before ours.
pub const BACKUP_SUFFIX: &str = ".pre-hotfix";
/// Where a template wants the binary's path (shell-quoted).
const PLACEHOLDER: &str = "@GIT_HOTFIX@";

/// The hooks of a clone with a work tree.
pub const CLIENT_HOOKS: &[&str] = &["pre-push", "prepare-commit-msg", "post-merge"];
/// The hooks of a bare repository (a Git server).
pub const SERVER_HOOKS: &[&str] = &["pre-receive"];

fn template(hook: &str) -> &'static str {
    match hook {
        "pre-push" => include_str!("../../hooks/pre-push"),
        "prepare-commit-msg" => include_str!("../../hooks/prepare-commit-msg"),
        "post-merge" => include_str!("../../hooks/post-merge"),
        "pre-receive" => include_str!("../../hooks/pre-receive"),
        other => unreachable!("no shim template for {other}"),
    }
}

/// The shim for `hook`, running the binary at `exe`.
pub fn shim(hook: &str, exe: &Path) -> Vec<u8> {
    let (before, after) = template(hook).split_once(PLACEHOLDER).expect("template placeholder");
    let mut out = before.as_bytes().to_vec();
    out.extend(sh_quote(exe.as_os_str().as_encoded_bytes()));
    out.extend_from_slice(after.as_bytes());
    out
}

/// Whether a hook file's content is one of our shims.
pub fn is_shim(content: &[u8]) -> bool {
    content.split(|&b| b == b'\n').any(|line| line.starts_with(MARKER.as_bytes()))
}

/// What is at a hook's path.
enum Current {
    Missing,
    Ours {
        content: Vec<u8>,
        executable: bool,
    },
    /// Anything else, symlinks and unreadable files included: never written through.
    Foreign,
}

/// What `install` did to one hook, for the report.
#[derive(Debug, PartialEq, Eq)]
pub enum Installed {
    Created,
    /// The hook that was there is now `<hook>.pre-hotfix` and runs first.
    Chained,
    /// A backup left by an earlier install (its shim since removed by hand) runs first again.
    ChainedLeftover,
    /// As `Chained`, and the stale backup that was in the way was moved to the given path.
    ChainedMovedStale(PathBuf),
    /// Our shim, rewritten (new binary path or new template).
    Refreshed,
    Unchanged,
}

/// What `uninstall` did to one hook.
#[derive(Debug, PartialEq, Eq)]
pub enum Uninstalled {
    Removed,
    /// Our shim is gone and the previous hook is back, bytes and mode as they were.
    Restored,
    /// No shim, but a backup was left: it is back in place.
    RestoredLeftover,
    NotInstalled,
    /// The hook there is not ours; `true` when a backup of ours is left next to it too.
    Foreign {
        backup_left: bool,
    },
}

/// One hook in one hooks directory.
pub struct Hook {
    pub name: &'static str,
    pub path: PathBuf,
    pub backup: PathBuf,
}

impl Hook {
    pub fn at(dir: &Path, name: &'static str) -> Self {
        Self { name, path: dir.join(name), backup: dir.join(format!("{name}{BACKUP_SUFFIX}")) }
    }

    fn current(&self) -> Current {
        let Ok(meta) = std::fs::symlink_metadata(&self.path) else { return Current::Missing };
        if !meta.is_file() {
            return Current::Foreign;
        }
        match std::fs::read(&self.path) {
            Ok(content) if is_shim(&content) => {
                Current::Ours { content, executable: is_executable(&meta) }
            }
            _ => Current::Foreign,
        }
    }

    fn has_backup(&self) -> bool {
        std::fs::symlink_metadata(&self.backup).is_ok()
    }

    /// True when a hook that is not ours and a backup of an earlier one both exist: installing
    /// would have to drop one of them.
    pub fn conflicts(&self) -> bool {
        matches!(self.current(), Current::Foreign) && self.has_backup()
    }

    /// Puts `shim` in place, keeping whatever hook was there. With a conflict (see
    /// [`Hook::conflicts`]) this needs `force`, which moves the stale backup aside rather than
    /// deleting it.
    pub fn install(&self, shim: &[u8], force: bool) -> Result<Installed> {
        let current = self.current();
        if let Current::Ours { content, executable: true } = &current
            && content == shim
        {
            return Ok(Installed::Unchanged);
        }
        // Written in full before anything is moved: a failure later can put everything back.
        let staged = stage_executable(&self.path, shim)?;
        let mut moved_foreign = false;
        let outcome = match current {
            Current::Ours { .. } => Installed::Refreshed,
            Current::Missing if self.has_backup() => Installed::ChainedLeftover,
            Current::Missing => Installed::Created,
            Current::Foreign => {
                let outcome = if self.has_backup() {
                    if !force {
                        return Err(Error::refused(format!(
                            "{} is not git-hotfix's and {} is already taken",
                            self.path.display(),
                            self.backup.display()
                        )));
                    }
                    let aside = free_name(&self.backup);
                    rename(&self.backup, &aside)?;
                    Installed::ChainedMovedStale(aside)
                } else {
                    Installed::Chained
                };
                rename(&self.path, &self.backup)?;
                moved_foreign = true;
                outcome
            }
        };
        if let Err(e) = staged.persist(&self.path) {
            if moved_foreign {
                let _ = std::fs::rename(&self.backup, &self.path);
            }
            return Err(io_error(&self.path, &e.error));
        }
        Ok(outcome)
    }

    /// Removes our shim and puts the previous hook back; a hook that is not ours stays.
    pub fn uninstall(&self) -> Result<Uninstalled> {
        match self.current() {
            Current::Foreign => Ok(Uninstalled::Foreign { backup_left: self.has_backup() }),
            Current::Missing if self.has_backup() => {
                rename(&self.backup, &self.path)?;
                Ok(Uninstalled::RestoredLeftover)
            }
            Current::Missing => Ok(Uninstalled::NotInstalled),
            Current::Ours { .. } => {
                std::fs::remove_file(&self.path).map_err(|e| io_error(&self.path, &e))?;
                if self.has_backup() {
                    rename(&self.backup, &self.path)?;
                    Ok(Uninstalled::Restored)
                } else {
                    Ok(Uninstalled::Removed)
                }
            }
        }
    }
}

/// Where Git looks for hooks: `core.hooksPath`, or the common Git dir's `hooks` (so linked
/// worktrees share it).
pub fn hooks_dir() -> Result<PathBuf> {
    let out = Git::here().run(&["rev-parse", "--path-format=absolute", "--git-path", "hooks"])?;
    let dir = PathBuf::from(out.trim_end_matches(['\n', '\r']));
    if dir == Path::new("/dev/null") {
        return Err(Error::env(
            "core.hooksPath is /dev/null: Git runs no hooks at all in this repository",
        )
        .hint("let Git run hooks again: git config --unset core.hooksPath")
        .hint("see where it is set: git config --show-origin core.hooksPath"));
    }
    Ok(dir)
}

/// What `doctor` finds of one hook.
#[derive(Debug, PartialEq, Eq)]
pub enum Health {
    /// Our shim, executable, pointing at an executable binary; a chained hook runs too.
    Working,
    Missing,
    /// A hook that is not ours, with no shim chained to it.
    Foreign,
    NotExecutable,
    /// The binary the shim names is gone (it then falls back to `git-hotfix` on PATH).
    BinaryMissing(PathBuf),
    /// The hook kept from before is there but cannot run.
    ChainBroken(PathBuf),
}

impl Hook {
    pub fn health(&self) -> Health {
        let (content, executable) = match self.current() {
            Current::Missing => return Health::Missing,
            Current::Foreign => return Health::Foreign,
            Current::Ours { content, executable } => (content, executable),
        };
        if !executable {
            return Health::NotExecutable;
        }
        let text = String::from_utf8_lossy(&content);
        let binary = text.lines().find_map(|l| l.strip_prefix("GIT_HOTFIX=")).map(sh_unquote);
        if let Some(binary) = binary.filter(|b| !is_executable_file(Path::new(b))) {
            return Health::BinaryMissing(binary.into());
        }
        if std::fs::symlink_metadata(&self.backup).is_ok() && !is_executable_file(&self.backup) {
            return Health::ChainBroken(self.backup.clone());
        }
        Health::Working
    }
}

fn is_executable_file(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && is_executable(&m))
}

/// The inverse of [`sh_quote`] for one single-quoted word.
fn sh_unquote(word: &str) -> String {
    word.trim().trim_matches('\'').replace("'\\''", "'")
}

/// `path` with the first of `.1`, `.2`, … appended that names nothing yet.
fn free_name(path: &Path) -> PathBuf {
    (1..)
        .map(|n| PathBuf::from(format!("{}.{n}", path.display())))
        .find(|p| std::fs::symlink_metadata(p).is_err())
        .expect("some number is free")
}

/// Checks that files can be created in `dir` (creating it if needed), before anything in it
/// is touched.
pub fn ensure_writable(dir: &Path) -> Result<()> {
    let fail = |e: std::io::Error| {
        Error::env(format!("cannot write to the hooks directory {}: {e}", dir.display()))
            .hint("check its permissions, or install as the user who owns the repository")
    };
    std::fs::create_dir_all(dir).map_err(fail)?;
    tempfile::Builder::new().prefix(".git-hotfix-probe").tempfile_in(dir).map_err(fail)?;
    Ok(())
}

/// Writes `content` to an executable temporary file beside `path`, to be renamed over it, so
/// a hook is never seen half-written.
fn stage_executable(path: &Path, content: &[u8]) -> Result<tempfile::NamedTempFile> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let fail = |e: std::io::Error| io_error(path, &e);
    let mut file =
        tempfile::Builder::new().prefix(".git-hotfix-shim").tempfile_in(dir).map_err(fail)?;
    file.write_all(content).map_err(fail)?;
    set_executable(file.path()).map_err(fail)?;
    Ok(file)
}

fn rename(from: &Path, to: &Path) -> Result<()> {
    std::fs::rename(from, to).map_err(|e| {
        Error::env(format!("cannot rename {} to {}: {e}", from.display(), to.display()))
    })
}

fn io_error(path: &Path, e: &std::io::Error) -> Error {
    Error::env(format!("cannot write {}: {e}", path.display()))
}

#[cfg(unix)]
fn is_executable(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o111 == 0o111
}

#[cfg(not(unix))]
fn is_executable(_meta: &std::fs::Metadata) -> bool {
    true
}

#[cfg(unix)]
fn set_executable(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
}

#[cfg(not(unix))]
fn set_executable(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_is_a_marked_sh_script_with_one_placeholder() {
        for hook in CLIENT_HOOKS.iter().chain(SERVER_HOOKS) {
            let text = template(hook);
            assert!(text.starts_with("#!/bin/sh\n"), "{hook}");
            assert!(is_shim(text.as_bytes()), "{hook}");
            assert_eq!(text.matches(PLACEHOLDER).count(), 1, "{hook}");
            // Git's arguments are values, never options: a remote may be named `-h`.
            assert!(text.contains(&format!(" hook {hook} -- \"$@\"")), "{hook}");
            assert!(!text.contains('\r'), "{hook}");
        }
    }

    #[test]
    fn quotes_any_path_for_sh() {
        assert_eq!(sh_quote(b"/usr/bin/git-hotfix"), b"'/usr/bin/git-hotfix'");
        assert_eq!(sh_quote(b"/a b/it's $x"), b"'/a b/it'\\''s $x'");
        let shim = shim("post-merge", Path::new("/opt/my tools/git-hotfix"));
        let text = String::from_utf8(shim).unwrap();
        assert!(text.contains("GIT_HOTFIX='/opt/my tools/git-hotfix'\n"), "{text}");
    }

    #[test]
    fn recognises_only_our_shims() {
        assert!(is_shim(&shim("pre-push", Path::new("/x"))));
        assert!(!is_shim(b"#!/bin/sh\n# my own pre-push\nexit 0\n"));
        assert!(!is_shim(b"\xff\xfe binary"));
    }
}
