//! The only module that runs `git`. Arguments go as an argv list, never through a shell; the
//! executable is found once with `which`.
//!
//! Inside a hook, Git exports `GIT_DIR`, `GIT_INDEX_FILE` and (server side) the quarantine
//! variables; they must reach a `git` that works on the same repository and must never reach
//! one that works on another. [`Git::here`] keeps them, [`Sandboxed`] removes them.

use crate::error::{Error, Result};
use crate::policy::size::DiffSize;
use std::ffi::OsStr;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

/// What `git rev-parse --local-env-vars` lists: the variables that tie `git` to one repository.
const REPOSITORY_VARS: &[&str] = &[
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_QUARANTINE_PATH",
    "GIT_PREFIX",
    "GIT_NAMESPACE",
    "GIT_CONFIG",
    "GIT_IMPLICIT_WORK_TREE",
    "GIT_GRAFT_FILE",
    "GIT_SHALLOW_FILE",
    "GIT_REPLACE_REF_BASE",
    "GIT_NO_REPLACE_OBJECTS",
    "GIT_INTERNAL_SUPER_PREFIX",
];

/// The path of the `git` executable.
pub fn executable() -> Result<&'static Path> {
    static GIT: OnceLock<Option<PathBuf>> = OnceLock::new();
    GIT.get_or_init(|| which::which("git").ok()).as_deref().ok_or_else(|| {
        Error::env("`git` was not found on PATH").hint("install Git, or add its directory to PATH")
    })
}

/// A way to run `git` for one repository.
#[derive(Debug, Clone)]
pub struct Git {
    dir: Option<PathBuf>,
}

impl Git {
    /// `git` for the repository of the current directory and environment (hooks included).
    pub fn here() -> Self {
        Self { dir: None }
    }

    /// `git` for the repository at `dir`, ignoring any repository Git exported to us (the
    /// tests open repositories by path).
    #[cfg(test)]
    pub fn at(dir: impl Into<PathBuf>) -> Self {
        Self { dir: Some(dir.into()) }
    }

    fn command<S: AsRef<OsStr>>(&self, args: &[S]) -> Result<Command> {
        let mut cmd = Command::new(executable()?);
        if let Some(dir) = &self.dir {
            cmd.current_dir(dir);
            for var in REPOSITORY_VARS {
                cmd.env_remove(var);
            }
        }
        cmd.args(args);
        Ok(cmd)
    }

    /// Runs and captures; a non-zero exit is an error carrying Git's own message.
    pub fn run<S: AsRef<OsStr>>(&self, args: &[S]) -> Result<String> {
        let out = self.output(args)?;
        if !out.status.success() {
            return Err(failure(args, &out));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Runs and captures, whatever the exit status.
    pub fn output<S: AsRef<OsStr>>(&self, args: &[S]) -> Result<Output> {
        self.command(args)?
            .stdin(Stdio::null())
            .output()
            .map_err(|e| Error::env(format!("could not run git: {e}")))
    }

    /// True when the command exits 0; its output is discarded.
    pub fn succeeds<S: AsRef<OsStr>>(&self, args: &[S]) -> Result<bool> {
        Ok(self.output(args)?.status.success())
    }

    /// Runs with the user's terminal attached (progress, editors, hooks' messages), returning
    /// whether it succeeded.
    pub fn interactive<S: AsRef<OsStr>>(&self, args: &[S]) -> Result<bool> {
        let status = self
            .command(args)?
            .status()
            .map_err(|e| Error::env(format!("could not run git: {e}")))?;
        Ok(status.success())
    }

    /// Runs with `input` on stdin and captures stdout; a non-zero exit is an error.
    pub fn run_with_input<S: AsRef<OsStr>>(&self, args: &[S], input: &[u8]) -> Result<String> {
        let mut child = self
            .command(args)?
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| Error::env(format!("could not run git: {e}")))?;
        let mut stdin = child.stdin.take().expect("piped");
        let input = input.to_vec();
        let writer = std::thread::spawn(move || stdin.write_all(&input));
        let out = child.wait_with_output().map_err(|e| Error::env(format!("git failed: {e}")))?;
        let _ = writer.join();
        if !out.status.success() {
            return Err(failure(args, &out));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// `git diff --shortstat base` against what the index holds: files changed and lines added
    /// and removed, for the commit being made inside a commit hook (`GIT_INDEX_FILE` is kept).
    pub fn staged_size(&self, base: &str) -> Result<DiffSize> {
        let text = self.run(&["diff", "--cached", "--shortstat", "--no-ext-diff", base, "--"])?;
        Ok(parse_shortstat(&text))
    }

    /// `git diff-tree --stdin -p | git patch-id --stable` for `lines` (each `<commit>`, against
    /// its parent; `<tip> <base>`, commits; or `<base tree> <tip tree>`), returning
    /// `(patch id, the line's first id)` pairs. Empty diffs yield no pair.
    pub fn patch_ids(&self, lines: &str) -> Result<Vec<(String, String)>> {
        let spawn_err = |e: std::io::Error| Error::env(format!("could not run git: {e}"));
        let mut diff = self
            .command(&[
                "diff-tree",
                "--stdin",
                "-p",
                "--no-color",
                "--no-ext-diff",
                "--no-textconv",
            ])?
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(spawn_err)?;
        let diff_out = diff.stdout.take().expect("piped");
        let patch = self
            .command(&["patch-id", "--stable"])?
            .stdin(diff_out)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(spawn_err)?;
        let mut stdin = diff.stdin.take().expect("piped");
        let input = lines.as_bytes().to_vec();
        let writer = std::thread::spawn(move || stdin.write_all(&input));
        let out = patch.wait_with_output().map_err(spawn_err)?;
        let mut diff_err = String::new();
        if let Some(mut e) = diff.stderr.take() {
            let _ = e.read_to_string(&mut diff_err);
        }
        let diff_status = diff.wait().map_err(spawn_err)?;
        let _ = writer.join();
        if !diff_status.success() || !out.status.success() {
            return Err(Error::env(format!(
                "computing patch identities failed: {}{}",
                diff_err.trim(),
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        Ok(String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| l.split_once(' ').map(|(p, c)| (p.to_owned(), c.trim().to_owned())))
            .collect())
    }
}

/// Runs another program (`gh`) with the user's terminal attached, returning whether it
/// succeeded. Kept here so that every process this tool starts is started in one place.
pub fn run_program<S: AsRef<OsStr>>(program: &Path, args: &[S]) -> Result<bool> {
    let status = Command::new(program)
        .args(args)
        .status()
        .map_err(|e| Error::env(format!("could not run {}: {e}", program.display())))?;
    Ok(status.success())
}

/// Reads `N files changed, N insertions(+), N deletions(-)`.
fn parse_shortstat(text: &str) -> DiffSize {
    let mut size = DiffSize::default();
    for part in text.split(',') {
        let mut words = part.split_whitespace();
        let (Some(n), Some(what)) = (words.next(), words.next()) else { continue };
        let n: u64 = n.parse().unwrap_or(0);
        if what.starts_with("file") {
            size.files = n;
        } else if what.starts_with("insertion") {
            size.insertions = n;
        } else if what.starts_with("deletion") {
            size.deletions = n;
        }
    }
    size
}

fn failure<S: AsRef<OsStr>>(args: &[S], out: &Output) -> Error {
    let shown: Vec<_> = args.iter().map(|a| a.as_ref().to_string_lossy().into_owned()).collect();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let detail = stderr.trim();
    Error::env(format!(
        "`git {}` failed{}{}",
        shown.join(" "),
        if detail.is_empty() { "" } else { ": " },
        detail
    ))
}

/// A program run in an isolated sandbox (the tour): Git's repository variables removed, no
/// system or user configuration, a fixed identity, extra variables on top.
pub struct Sandboxed<'a> {
    pub program: &'a Path,
    pub dir: &'a Path,
    pub env: &'a [(&'a str, &'a OsStr)],
}

impl Sandboxed<'_> {
    /// Runs with standard output and error captured together, in the order they were written,
    /// as a person at a terminal would see them. Returns whether it succeeded and the text.
    pub fn transcript(&self, args: &[&str]) -> Result<(bool, String)> {
        let spawn_err = |e: std::io::Error| {
            Error::env(format!("could not run {}: {e}", self.program.display()))
        };
        let (mut reader, writer) = std::io::pipe().map_err(spawn_err)?;
        let mut cmd = Command::new(self.program);
        cmd.args(args).current_dir(self.dir).stdin(Stdio::null());
        for var in REPOSITORY_VARS.iter().chain(&["GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT"]) {
            cmd.env_remove(var);
        }
        cmd.env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_NAME", "Tour Guide")
            .env("GIT_AUTHOR_EMAIL", "tour@example.com")
            .env("GIT_COMMITTER_NAME", "Tour Guide")
            .env("GIT_COMMITTER_EMAIL", "tour@example.com")
            .env("GIT_EDITOR", ":")
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("NO_COLOR", "1")
            .envs(self.env.iter().copied())
            .stdout(writer.try_clone().map_err(spawn_err)?)
            .stderr(writer);
        let mut child = cmd.spawn().map_err(spawn_err)?;
        drop(cmd); // closes our copies of the pipe's write end, so the read below ends
        let mut text = String::new();
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).map_err(spawn_err)?;
        text.push_str(&String::from_utf8_lossy(&bytes));
        let status = child.wait().map_err(spawn_err)?;
        Ok((status.success(), text))
    }
}
