//! The end-to-end harness: real repositories (a bare `origin` plus clones) in a temp dir, a
//! hermetic environment (no system or user config, fixed identity, dates that advance per
//! commit), and the built `git-hotfix` first on `PATH` so that Git's hooks reach it.

#![allow(dead_code)]

pub mod aws;
pub mod github;

/// A stand-in server (`tests/standins/<script>`) on 127.0.0.1 with its state and log files,
/// serving until dropped (it also ends when its standard input does).
pub struct StandIn {
    child: std::process::Child,
    _stdin: std::process::ChildStdin,
    pub port: u16,
}

impl StandIn {
    pub fn start(script: &str, state: &Path, log: &Path) -> Self {
        use std::io::{BufRead, BufReader};
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/standins").join(script);
        let mut child = Command::new("python3")
            .arg(&script)
            .arg("--state")
            .arg(state)
            .arg("--log")
            .arg(log)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("python3 runs {}: {e}", script.display()));
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let port = line.trim().strip_prefix("PORT ").expect("the stand-in's port").parse().unwrap();
        let stdin = child.stdin.take().unwrap();
        Self { child, _stdin: stdin, port }
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The entries of a JSON Lines log (none when it does not exist yet).
pub fn json_lines(path: &Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

use std::cell::Cell;
use std::ffi::OsStr;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_git-hotfix");

/// The outcome of one command, printable as a whole when an assertion fails.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(out: Output) -> Self {
        Self {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Asserts exit status 0.
    #[track_caller]
    pub fn ok(self) -> Self {
        assert_eq!(self.code, 0, "expected success\n{self}");
        self
    }

    /// Asserts the exit status.
    #[track_caller]
    pub fn code(self, code: i32) -> Self {
        assert_eq!(self.code, code, "expected exit {code}\n{self}");
        self
    }

    /// Asserts that stderr contains every one of `parts`.
    #[track_caller]
    pub fn stderr_has(self, parts: &[&str]) -> Self {
        for part in parts {
            assert!(self.stderr.contains(part), "stderr lacks {part:?}\n{self}");
        }
        self
    }

    /// Asserts that stdout contains every one of `parts`.
    #[track_caller]
    pub fn stdout_has(self, parts: &[&str]) -> Self {
        for part in parts {
            assert!(self.stdout.contains(part), "stdout lacks {part:?}\n{self}");
        }
        self
    }

    /// No panic message, ever.
    #[track_caller]
    pub fn no_panic(self) -> Self {
        assert!(!self.stderr.contains("panicked"), "panic\n{self}");
        self
    }
}

impl fmt::Display for Run {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "--- exit {} ---\n--- stdout ---\n{}--- stderr ---\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// A sandbox: `origin.git` (bare) and a clone `work`, main and development on both.
pub struct TestRepo {
    pub tmp: tempfile::TempDir,
    pub origin: PathBuf,
    pub work: PathBuf,
    clock: Cell<u64>,
}

impl TestRepo {
    /// origin with main (one commit) and development (= main), cloned to `work` with main
    /// checked out. No hooks installed.
    pub fn new() -> Self {
        let repo = Self::bare_only();
        let seed = repo.tmp.path().join("seed");
        repo.run_git(repo.tmp.path(), &["init", "-q", "-b", "main", "seed"]).ok();
        repo.write_in(&seed, "README.md", "# app\n");
        repo.write_in(&seed, "src/app.txt", "line 1\nline 2\nline 3\n");
        repo.run_git(&seed, &["add", "."]).ok();
        repo.commit_in(&seed, "Initial commit");
        repo.run_git(&seed, &["branch", "development"]).ok();
        repo.run_git(&seed, &["push", "-q", repo.origin.to_str().unwrap(), "main", "development"])
            .ok();
        repo.run_git(repo.tmp.path(), &["clone", "-q", "origin.git", "work"]).ok();
        repo.git(&["branch", "-q", "--track", "development", "origin/development"]);
        repo
    }

    /// An empty bare origin and no clone yet (`work` does not exist).
    pub fn bare_only() -> Self {
        let tmp = tempfile::Builder::new().prefix("hotfix-e2e-").tempdir().unwrap();
        let home = tmp.path().join("home");
        std::fs::create_dir_all(&home).unwrap();
        std::fs::write(
            home.join(".gitconfig"),
            "[user]\n\tname = Test\n\temail = test@example.com\n[init]\n\tdefaultBranch = main\n\
             [advice]\n\tdetachedHead = false\n[protocol \"file\"]\n\tallow = always\n",
        )
        .unwrap();
        let repo = Self {
            origin: tmp.path().join("origin.git"),
            work: tmp.path().join("work"),
            tmp,
            clock: Cell::new(0),
        };
        repo.run_git(repo.tmp.path(), &["init", "-q", "--bare", "-b", "main", "origin.git"]).ok();
        repo
    }

    pub fn home(&self) -> PathBuf {
        self.tmp.path().join("home")
    }

    /// A command with the hermetic environment, run in `dir`.
    pub fn command(&self, program: impl AsRef<OsStr>, dir: &Path) -> Command {
        let mut cmd = Command::new(program);
        let bin_dir = Path::new(BIN).parent().unwrap();
        let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
        let date = format!("@{} +0000", 1_700_000_000 + self.clock.get() * 60);
        cmd.current_dir(dir)
            .env_clear()
            .env("PATH", path)
            .env("HOME", self.home())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", self.home().join(".gitconfig"))
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .env("GIT_EDITOR", ":")
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("LC_ALL", "C")
            .env("TZ", "UTC")
            .stdin(Stdio::null());
        cmd
    }

    /// Advances the clock so that the next commit is newer than the last one.
    pub fn tick(&self) {
        self.clock.set(self.clock.get() + 1);
    }

    pub fn run_git(&self, dir: &Path, args: &[&str]) -> Run {
        self.tick();
        Run::from(self.command("git", dir).args(args).output().unwrap())
    }

    /// `git` in `work`, asserting success, returning stdout trimmed.
    #[track_caller]
    pub fn git(&self, args: &[&str]) -> String {
        self.run_git(&self.work, args).ok().stdout.trim().to_owned()
    }

    /// `git` in `work`, whatever the outcome.
    pub fn git_run(&self, args: &[&str]) -> Run {
        self.run_git(&self.work, args)
    }

    /// `git` with `input` on stdin, in `dir`.
    pub fn git_with_stdin(&self, dir: &Path, args: &[&str], input: &str) -> Run {
        use std::io::Write;
        self.tick();
        let mut child = self
            .command("git", dir)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        Run::from(child.wait_with_output().unwrap())
    }

    /// `git-hotfix` in `work`.
    pub fn hotfix(&self, args: &[&str]) -> Run {
        self.hotfix_in(&self.work, args)
    }

    pub fn hotfix_in(&self, dir: &Path, args: &[&str]) -> Run {
        Run::from(self.command(BIN, dir).args(args).output().unwrap()).no_panic()
    }

    /// `git-hotfix` with `input` on stdin (hooks), in `dir`, with extra environment.
    pub fn hotfix_with_stdin(
        &self,
        dir: &Path,
        args: &[&str],
        input: &str,
        env: &[(&str, &str)],
    ) -> Run {
        use std::io::Write;
        let mut child = self
            .command(BIN, dir)
            .args(args)
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The program may exit without reading everything: that is allowed.
        let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
        Run::from(child.wait_with_output().unwrap()).no_panic()
    }

    pub fn write(&self, path: &str, content: &str) {
        self.write_in(&self.work, path, content);
    }

    pub fn write_in(&self, dir: &Path, path: &str, content: &str) {
        let file = dir.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, content).unwrap();
    }

    /// Writes `path`, stages it and commits in `work`; returns the new commit id.
    pub fn commit_file(&self, path: &str, content: &str, message: &str) -> String {
        self.write(path, content);
        self.git(&["add", "--", path]);
        self.commit_in(&self.work, message)
    }

    /// Commits what is staged in `dir` (no hooks skipped); returns the new commit id.
    pub fn commit_in(&self, dir: &Path, message: &str) -> String {
        self.run_git(dir, &["commit", "-q", "-m", message]).ok();
        self.run_git(dir, &["rev-parse", "HEAD"]).ok().stdout.trim().to_owned()
    }

    /// The full id of a revision in `work`.
    pub fn rev(&self, spec: &str) -> String {
        self.git(&["rev-parse", "--verify", "-q", &format!("{spec}^{{commit}}")])
    }

    /// The full id of a revision in `origin`, or None.
    pub fn origin_rev(&self, spec: &str) -> Option<String> {
        let run = self.run_git(&self.origin, &["rev-parse", "--verify", "-q", spec]);
        (run.code == 0).then(|| run.stdout.trim().to_owned())
    }

    /// Another clone of origin, named `name`, with development tracked like in `work`.
    pub fn clone_as(&self, name: &str) -> PathBuf {
        self.run_git(self.tmp.path(), &["clone", "-q", "origin.git", name]).ok();
        let dir = self.tmp.path().join(name);
        self.run_git(&dir, &["branch", "-q", "--track", "development", "origin/development"]);
        dir
    }

    /// Installs the hooks into `work` through the binary.
    pub fn install_hooks(&self) {
        self.hotfix(&["install"]).ok();
    }

    /// Installs pre-receive into origin (a Git server).
    pub fn install_server_hook(&self) {
        self.hotfix_in(&self.origin, &["install"]).ok();
    }

    /// `git hotfix <args>` in the work clone with `env` on top of the hermetic environment.
    pub fn hotfix_with_env(&self, args: &[&str], env: &[(String, String)]) -> Run {
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let mut argv = vec!["hotfix"];
        argv.extend(args);
        self.run_with("git", &self.work, &argv, &env)
    }

    /// `program` in `dir` with extra environment on top of the hermetic one (it wins, so
    /// `PATH` can be replaced), whatever the outcome.
    pub fn run_with(
        &self,
        program: impl AsRef<OsStr>,
        dir: &Path,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Run {
        self.tick();
        Run::from(self.command(program, dir).args(args).envs(env.iter().copied()).output().unwrap())
    }
}

/// A copy of the binary at `dir/git-hotfix`, to install from and then move or delete.
/// Copied by `cp`, not `std::fs::copy`: a test thread forking while this process holds the copy
/// open for writing would make running it fail with "Text file busy".
pub fn binary_copy(dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let copy = dir.join("git-hotfix");
    let status = std::process::Command::new("cp").arg(BIN).arg(&copy).status().unwrap();
    assert!(status.success());
    copy
}

/// The object id Git's hooks use for "no commit" (a ref created or deleted).
pub const ZERO: &str = "0000000000000000000000000000000000000000";

/// An abbreviated commit id, as the tool prints it.
pub fn short(id: &str) -> &str {
    &id[..7]
}

/// Writes the hook shim `name` into the hooks directory `dir_hooks` (what `git hotfix install`
/// writes, minus chaining): Git then runs the built binary for real pushes and commits.
pub fn write_hook(dir_hooks: &Path, name: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(dir_hooks).unwrap();
    let path = dir_hooks.join(name);
    std::fs::write(&path, format!("#!/bin/sh\nexec git-hotfix hook {name} \"$@\"\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

impl TestRepo {
    /// Merges `origin/<branch>` into `<into>` on origin with a merge commit, the way a code host
    /// merges a pull request, from a separate clone (`host`); `work` is not touched. Returns the
    /// merge commit.
    pub fn merge_on_host(&self, branch: &str, into: &str) -> String {
        let host = self.tmp.path().join("host");
        if !host.exists() {
            self.run_git(self.tmp.path(), &["clone", "-q", "origin.git", "host"]).ok();
        }
        self.run_git(&host, &["fetch", "-q", "origin"]).ok();
        self.run_git(&host, &["switch", "-q", "-C", into, &format!("origin/{into}")]).ok();
        let message = format!("Merge pull request #1 from acme/{branch}");
        let theirs = format!("origin/{branch}");
        self.run_git(&host, &["merge", "-q", "--no-ff", "-m", &message, &theirs]).ok();
        self.run_git(&host, &["push", "-q", "origin", into]).ok();
        self.run_git(&host, &["rev-parse", "HEAD"]).ok().stdout.trim().to_owned()
    }

    /// `hotfix/<desc>` cut from `base` in `work` with one commit changing `path`, checked out.
    /// Returns the tip.
    pub fn hotfix_branch(&self, desc: &str, base: &str, path: &str, content: &str) -> String {
        self.git(&["switch", "-q", "-c", &format!("hotfix/{desc}"), base]);
        self.commit_file(path, content, &format!("Fix {desc}"))
    }

    /// A `PATH` with `git` and `git-hotfix` and nothing else (no `gh`, no `glab`).
    pub fn path_without_gh(&self) -> String {
        let git = std::env::var("PATH")
            .unwrap()
            .split(':')
            .map(|d| Path::new(d).join("git"))
            .find(|p| p.is_file())
            .expect("git on PATH");
        let dir = self.tmp.path().join("only-git");
        std::fs::create_dir_all(&dir).unwrap();
        std::os::unix::fs::symlink(git, dir.join("git")).unwrap();
        std::os::unix::fs::symlink(BIN, dir.join("git-hotfix")).unwrap();
        dir.display().to_string()
    }

    /// `PATH` for a command with `dir` searched first, then the harness's usual `PATH`.
    pub fn path_with(&self, dir: &Path) -> String {
        let bin_dir = Path::new(BIN).parent().unwrap();
        format!(
            "{}:{}:{}",
            dir.display(),
            bin_dir.display(),
            std::env::var("PATH").unwrap_or_default()
        )
    }
}
