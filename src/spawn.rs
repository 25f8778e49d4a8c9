//! The only module that starts other programs: `git`, and the code host's and the deployment
//! system's command-line clients (`gh`, `glab`, `aws`). Arguments go as an argv list, never
//! through a shell; each executable is found with `which`; output is captured; a call may have
//! a time limit; whatever another program said reaches the user with credentials redacted.
//!
//! Inside a hook, Git exports `GIT_DIR`, `GIT_INDEX_FILE` and (server side) the quarantine
//! variables; they must reach a `git` that works on the same repository and must never reach
//! one that works on another. [`Git::here`] keeps them, [`Sandboxed`] removes them.

use crate::error::{Error, Result};
use crate::policy::size::DiffSize;
use crate::redact::redact;
use std::ffi::{OsStr, OsString};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

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

/// The oldest Git the commands work with: `git merge-tree --write-tree` came in 2.38.
const OLDEST_GIT: (u32, u32) = (2, 38);

/// Refuses a `git` older than the commands need, before they start changing anything (an old
/// Git fails half-way with "unknown option").
pub fn require_recent_git() -> Result<()> {
    let out = Call::new(executable()?).args(&["--version"]).run()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let version = text.trim().strip_prefix("git version ").unwrap_or("").to_owned();
    let mut numbers = version.split(['.', ' ']).map(|n| n.parse::<u32>().ok());
    match (numbers.next().flatten(), numbers.next().flatten()) {
        (Some(major), Some(minor)) if (major, minor) >= OLDEST_GIT => Ok(()),
        (Some(_), Some(_)) => Err(Error::env(format!(
            "git {version} is too old: git-hotfix needs Git {}.{} or newer",
            OLDEST_GIT.0, OLDEST_GIT.1
        ))
        .hint("install a newer Git (https://git-scm.com/downloads), or put it first on PATH")),
        _ => Err(Error::env(format!(
            "`git --version` said {:?}, which is not a Git version",
            text.trim()
        ))
        .hint("check which program PATH finds as git: command -v git")),
    }
}

/// Finds `program` on `PATH`; `install` says how to get it when it is missing.
pub fn find(program: &str, install: &str) -> Result<PathBuf> {
    which::which(program).map_err(|_| {
        Error::env(format!("`{program}` was not found on PATH")).hint(install.to_owned())
    })
}

/// One run of another program: its argv, extra environment, standard input and time limit.
/// Standard output and error are captured.
pub struct Call<'a> {
    program: &'a Path,
    args: Vec<OsString>,
    env: Vec<(OsString, OsString)>,
    /// Where it runs, with Git's repository variables removed (they name another repository).
    dir: Option<&'a Path>,
    input: Option<Vec<u8>>,
    timeout: Option<Duration>,
}

impl<'a> Call<'a> {
    pub fn new(program: &'a Path) -> Self {
        Self { program, args: Vec::new(), env: Vec::new(), dir: None, input: None, timeout: None }
    }

    /// Runs it in `dir`, for the repository there, whatever repository Git exported to us.
    fn in_repository(mut self, dir: &'a Path) -> Self {
        self.dir = Some(dir);
        self
    }

    pub fn args<S: AsRef<OsStr>>(mut self, args: &[S]) -> Self {
        self.args.extend(args.iter().map(|a| a.as_ref().to_owned()));
        self
    }

    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Self {
        self.env.push((key.as_ref().to_owned(), value.as_ref().to_owned()));
        self
    }

    /// The program is killed, and the call fails, when it runs longer than `limit`.
    pub fn timeout(mut self, limit: Duration) -> Self {
        self.timeout = Some(limit);
        self
    }

    pub fn input(mut self, bytes: Vec<u8>) -> Self {
        self.input = Some(bytes);
        self
    }

    /// The program and its arguments as a person would type them, credentials redacted.
    fn shown(&self) -> String {
        let name = self.program.file_name().unwrap_or(self.program.as_os_str());
        let words: Vec<_> = std::iter::once(name)
            .chain(self.args.iter().map(OsString::as_os_str))
            .map(|w| w.to_string_lossy().into_owned())
            .collect();
        redact(&words.join(" "))
    }

    /// The process to start: program, arguments, environment and directory.
    fn command(&self) -> Command {
        crash_point();
        let mut command = Command::new(self.program);
        command.env_remove(CRASH_AT);
        command.args(&self.args).envs(self.env.iter().map(|(k, v)| (k, v)));
        if let Some(dir) = self.dir {
            command.current_dir(dir);
            for var in REPOSITORY_VARS {
                command.env_remove(var);
            }
        }
        command
    }

    fn spawn_error(&self) -> impl Fn(std::io::Error) -> Error + use<> {
        let shown = self.shown();
        move |e| Error::env(format!("could not run `{shown}`: {e}"))
    }

    /// Runs it with the user's terminal attached (progress, editors, hooks' messages),
    /// returning whether it succeeded.
    pub fn attached(self) -> Result<bool> {
        Ok(self.command().status().map_err(self.spawn_error())?.success())
    }

    /// Runs it to the end (or to its time limit), whatever its exit status. Standard error
    /// comes back redacted.
    pub fn run(self) -> Result<Output> {
        let shown = self.shown();
        let spawn_err = self.spawn_error();
        let mut child = self
            .command()
            .stdin(if self.input.is_some() { Stdio::piped() } else { Stdio::null() })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(&spawn_err)?;
        let writer = match (child.stdin.take(), self.input) {
            (Some(mut stdin), Some(input)) => {
                Some(std::thread::spawn(move || stdin.write_all(&input)))
            }
            _ => None,
        };
        let finished = match self.timeout {
            None => Some(child.wait_with_output().map_err(&spawn_err)?),
            Some(limit) => {
                let stdout = drain(child.stdout.take());
                let stderr = drain(child.stderr.take());
                // Past the limit the readers are left behind: a grandchild (a script's `sleep`)
                // may hold the pipes open long after the child was killed.
                wait_at_most(&mut child, limit).map_err(&spawn_err)?.map(|status| Output {
                    status,
                    stdout: stdout.join().unwrap_or_default(),
                    stderr: stderr.join().unwrap_or_default(),
                })
            }
        };
        if let Some(writer) = writer.filter(|_| finished.is_some()) {
            let _ = writer.join();
        }
        let Some(Output { status, stdout, stderr }) = finished else {
            let limit = self.timeout.unwrap_or_default().as_secs();
            return Err(Error::env(format!(
                "`{shown}` did not finish within {limit} s and was stopped"
            ))
            .hint("check the network and try again"));
        };
        let stderr = redact(&String::from_utf8_lossy(&stderr)).into_bytes();
        Ok(Output { status, stdout, stderr })
    }
}

/// Test builds only: `GIT_HOTFIX_CRASH_AT_SPAWN=N` ends this process abruptly, with no
/// cleanup at all (as a kill would), just before it starts its N-th program. The kill tests
/// stop a command between every two of its steps this way. Programs it starts never see it.
const CRASH_AT: &str = "GIT_HOTFIX_CRASH_AT_SPAWN";

fn crash_point() {
    #[cfg(debug_assertions)]
    {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static STARTED: AtomicUsize = AtomicUsize::new(0);
        let at = std::env::var(CRASH_AT).ok().and_then(|n| n.parse::<usize>().ok());
        if at.is_some_and(|at| STARTED.fetch_add(1, Ordering::SeqCst) + 1 == at) {
            std::process::abort();
        }
    }
}

/// Reads a child's pipe to the end on a thread of its own, so that neither pipe fills up.
fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        bytes
    })
}

/// Waits for `child` until `limit`; past it, kills it and answers `None`.
fn wait_at_most(child: &mut Child, limit: Duration) -> std::io::Result<Option<ExitStatus>> {
    let deadline = Instant::now() + limit;
    let mut pause = Duration::from_millis(1);
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        let now = Instant::now();
        if now >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Ok(None);
        }
        std::thread::sleep(pause.min(deadline - now));
        pause = (pause * 2).min(Duration::from_millis(50));
    }
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

    fn call<S: AsRef<OsStr>>(&self, args: &[S]) -> Result<Call<'_>> {
        let call = Call::new(executable()?).args(args);
        Ok(match &self.dir {
            Some(dir) => call.in_repository(dir),
            None => call,
        })
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
        self.call(args)?.run()
    }

    /// Runs and captures, whatever the exit status, stopped after `limit` (an error then): for
    /// talking to a remote on the side, where Git must never wait at the terminal for a password.
    pub fn output_within<S: AsRef<OsStr>>(&self, args: &[S], limit: Duration) -> Result<Output> {
        self.call(args)?.timeout(limit).env("GIT_TERMINAL_PROMPT", "0").run()
    }

    /// True when the command exits 0; its output is discarded.
    pub fn succeeds<S: AsRef<OsStr>>(&self, args: &[S]) -> Result<bool> {
        Ok(self.output(args)?.status.success())
    }

    /// Runs with the user's terminal attached (progress, editors, hooks' messages), returning
    /// whether it succeeded.
    pub fn interactive<S: AsRef<OsStr>>(&self, args: &[S]) -> Result<bool> {
        self.call(args)?.attached()
    }

    /// Runs with `input` on stdin and captures stdout; a non-zero exit is an error.
    pub fn run_with_input<S: AsRef<OsStr>>(&self, args: &[S], input: &[u8]) -> Result<String> {
        let out = self.call(args)?.input(input.to_vec()).run()?;
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
            .call(&["diff-tree", "--stdin", "-p", "--no-color", "--no-ext-diff", "--no-textconv"])?
            .command()
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(spawn_err)?;
        let diff_out = diff.stdout.take().expect("piped");
        let patch = self
            .call(&["patch-id", "--stable"])?
            .command()
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
