//! `git hotfix tour`: the whole process, run for real in a sandbox, for a newcomer who has no
//! repository at hand. Every command shown is executed and its real output printed; a step
//! that does not end the way the process says it should stops the tour, so the tour is also an
//! end-to-end check of the installation.

use crate::error::{Error, Result};
use crate::output::{Paint, paint_out, say};
use crate::spawn::{self, Sandboxed};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// Walk through the hotfix process in a sandbox (a bare origin and two clones)
#[derive(Debug, clap::Args)]
pub struct TourArgs {
    /// Where to build the sandbox; it must not exist yet (default: a new temporary directory)
    pub dir: Option<PathBuf>,
}

/// How a step must end for the process to be working.
#[derive(Clone, Copy, PartialEq)]
enum Expect {
    Success,
    Refusal,
}

struct Tour {
    root: PathBuf,
    binary: PathBuf,
    git: PathBuf,
    path: std::ffi::OsString,
}

const BRANCH: &str = "hotfix/fix-login-timeout";
const FROM_BRANCH: &str = "origin/hotfix/fix-login-timeout";

pub fn run(args: &TourArgs) -> Result<()> {
    let root = match &args.dir {
        Some(dir) => {
            if dir.exists() {
                return Err(Error::env(format!(
                    "'{}' already exists; the tour needs a new directory",
                    dir.display()
                )));
            }
            std::fs::create_dir_all(dir)
                .map_err(|e| Error::env(format!("cannot create '{}': {e}", dir.display())))?;
            dir.clone()
        }
        None => tempfile::Builder::new()
            .prefix("git-hotfix-tour-")
            .tempdir()
            .map_err(|e| Error::env(format!("cannot create a temporary directory: {e}")))?
            .keep(),
    };
    let root = std::path::absolute(&root).unwrap_or(root);
    let binary = std::env::current_exe()
        .map_err(|e| Error::env(format!("cannot find this program: {e}")))?;
    // Hooks fall back to `git-hotfix` on PATH; make sure it is this one.
    let mut dirs = vec![binary.parent().unwrap_or(Path::new("/")).to_path_buf()];
    dirs.extend(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()));
    let path = std::env::join_paths(dirs).map_err(|e| Error::env(format!("PATH: {e}")))?;
    let tour = Tour { root, binary, git: spawn::executable()?.to_path_buf(), path };
    tour.walk()
}

impl Tour {
    fn walk(&self) -> Result<()> {
        say(format!(
            "This tour runs the hotfix process for real in {}.\n\
             origin.git plays the shared repository (with the server hook), work/ is your clone,\n\
             host/ plays the code host's merge button. Every command below is real.",
            self.root.display()
        ));

        self.chapter("Set up: a repository with main and development, hooks installed");
        self.git(".", &["init", "-q", "--bare", "-b", "main", "origin.git"], Expect::Success)?;
        self.git(".", &["clone", "-q", "origin.git", "work"], Expect::Success)?;
        self.write("work/README.md", "# Login service\n")?;
        self.write("work/login.conf", "timeout_seconds = 5\nretries = 3\n")?;
        self.git("work", &["add", "."], Expect::Success)?;
        self.git("work", &["commit", "-q", "-m", "Initial commit"], Expect::Success)?;
        self.git("work", &["branch", "development"], Expect::Success)?;
        self.write("work/profile.txt", "profile page\n")?;
        self.git("work", &["switch", "-q", "development"], Expect::Success)?;
        self.git("work", &["add", "profile.txt"], Expect::Success)?;
        self.git(
            "work",
            &["commit", "-q", "-m", "Add a profile page (not released yet)"],
            Expect::Success,
        )?;
        self.git("work", &["push", "-q", "-u", "origin", "main", "development"], Expect::Success)?;
        self.git("work", &["switch", "-q", "main"], Expect::Success)?;
        self.hotfix("work", &["install"], Expect::Success)?;
        self.hotfix("origin.git", &["install"], Expect::Success)?;
        self.git(".", &["clone", "-q", "origin.git", "host"], Expect::Success)?;
        self.hotfix("host", &["install"], Expect::Success)?;

        self.chapter("1. Production is broken: cut the hotfix from the latest main");
        self.hotfix("work", &["start", "Fix login timeout"], Expect::Success)?;

        self.chapter("2. Make the smallest change that fixes it");
        self.write("work/login.conf", "timeout_seconds = 30\nretries = 3\n")?;
        self.git(
            "work",
            &["commit", "-q", "-am", "Raise the login timeout to 30 seconds"],
            Expect::Success,
        )?;
        self.hotfix("work", &["check", "confirmed-in-production"], Expect::Success)?;
        self.hotfix("work", &["check", "tested-locally"], Expect::Success)?;

        self.chapter("3. Publish it and open the pull request into main");
        self.hotfix("work", &["publish"], Expect::Success)?;

        self.chapter("4. The wrong way: a squash merge into main is refused at every step");
        self.git("host", &["fetch", "-q", "origin"], Expect::Success)?;
        self.git("host", &["merge", "--squash", FROM_BRANCH], Expect::Success)?;
        self.git("host", &["commit", "-m", "Fix login timeout (#1)"], Expect::Refusal)?;
        say("  Skipping the local hook does not help: the push is checked too.");
        self.run_env(
            "host",
            &self.git,
            "git",
            &["commit", "-q", "-m", "Fix login timeout (#1)"],
            &[("HOTFIX_SKIP", OsStr::new("1"))],
            Expect::Success,
        )?;
        self.git("host", &["push", "origin", "main"], Expect::Refusal)?;
        say("  And skipping the push hook does not help either: the server checks it again.");
        self.git("host", &["push", "--no-verify", "origin", "main"], Expect::Refusal)?;
        self.git("host", &["reset", "-q", "--hard", "origin/main"], Expect::Success)?;

        self.chapter("5. The right way: merge the pull request with a merge commit");
        self.git(
            "host",
            &[
                "merge",
                "--no-ff",
                "-m",
                "Merge pull request #1 from acme/hotfix/fix-login-timeout",
                FROM_BRANCH,
            ],
            Expect::Success,
        )?;
        self.git("host", &["push", "-q", "origin", "main"], Expect::Success)?;

        self.chapter("6. Watch the deployment and verify the fix in production");
        self.hotfix("work", &["check", "deployment-monitored"], Expect::Success)?;
        self.hotfix("work", &["check", "verified-in-production"], Expect::Success)?;

        self.chapter("7. Merge the same branch into development, again with a merge commit");
        self.hotfix("work", &["publish"], Expect::Success)?;
        self.git("host", &["switch", "-q", "development"], Expect::Success)?;
        self.git(
            "host",
            &[
                "merge",
                "--no-ff",
                "-m",
                "Merge pull request #2 from acme/hotfix/fix-login-timeout",
                FROM_BRANCH,
            ],
            Expect::Success,
        )?;
        self.git("host", &["push", "-q", "origin", "development"], Expect::Success)?;

        self.chapter("8. Delete the branch, here and on the remote");
        self.hotfix("work", &["cleanup"], Expect::Success)?;
        self.hotfix("work", &["check", "post-mortem", BRANCH], Expect::Success)?;

        self.chapter("9. Every item of the checklist is done");
        self.hotfix("work", &["status", BRANCH], Expect::Success)?;
        self.hotfix("work", &["verify"], Expect::Success)?;

        say(format!(
            "\nThat is the whole process. The sandbox stays in {} for you to explore;\n\
             to use git-hotfix in your own repository, run `git hotfix install` there.",
            self.root.display()
        ));
        Ok(())
    }

    fn chapter(&self, title: &str) {
        say(format!("\n{}", paint_out(Paint::Bold, format!("── {title}"))));
    }

    fn write(&self, file: &str, content: &str) -> Result<()> {
        let path = self.root.join(file);
        say(paint_out(Paint::Dim, format!("  (edit {file})")));
        std::fs::write(&path, content)
            .map_err(|e| Error::env(format!("cannot write {}: {e}", path.display())))
    }

    fn git(&self, dir: &str, args: &[&str], expect: Expect) -> Result<()> {
        self.run_env(dir, &self.git, "git", args, &[], expect)
    }

    fn hotfix(&self, dir: &str, args: &[&str], expect: Expect) -> Result<()> {
        self.run_env(dir, &self.binary, "git hotfix", args, &[], expect)
    }

    /// Shows `shown args…` as typed in `dir`, runs it, prints its output, and checks that it
    /// ended as the process says it must.
    fn run_env(
        &self,
        dir: &str,
        program: &Path,
        shown: &str,
        args: &[&str],
        env: &[(&str, &OsStr)],
        expect: Expect,
    ) -> Result<()> {
        let prefix: String =
            env.iter().map(|(k, v)| format!("{k}={} ", v.to_string_lossy())).collect();
        let typed: Vec<String> = args.iter().map(|a| quote(a)).collect();
        let place = if dir == "." { "" } else { dir };
        say(format!("{}$ {prefix}{shown} {}", paint_out(Paint::Green, place), typed.join(" ")));
        let mut vars = vec![("PATH", self.path.as_os_str())];
        vars.extend_from_slice(env);
        let sandboxed = Sandboxed { program, dir: &self.root.join(dir), env: &vars };
        let (succeeded, text) = sandboxed.transcript(args)?;
        for line in text.lines() {
            say(format!("    {line}"));
        }
        let wanted = expect == Expect::Success;
        if succeeded != wanted {
            return Err(Error::env(format!(
                "the tour expected `{shown} {}` to {}, and it did not: git-hotfix or Git is not working as it should here",
                typed.join(" "),
                if wanted { "succeed" } else { "be refused" }
            )));
        }
        if !wanted {
            say(paint_out(Paint::Yellow, "    (refused, as it should be)"));
        }
        Ok(())
    }
}

/// An argument as a person would type it in a shell.
fn quote(arg: &str) -> String {
    if !arg.is_empty() && arg.chars().all(|c| c.is_ascii_alphanumeric() || "-_./:=@#".contains(c)) {
        arg.to_owned()
    } else {
        format!("\"{arg}\"")
    }
}
