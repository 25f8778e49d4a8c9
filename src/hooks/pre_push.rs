//! pre-push (githooks(5)): Git runs it with `<remote> <url>` and one line per ref it is about
//! to update on the remote, before sending anything. A non-zero exit stops the whole push.

use super::pre_commit;
use super::push_rules::{self, PushInput};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::repo;

/// `from_git`: Git's `<remote> <url>` were given. Without them and without a ref list, no one
/// said what is pushed: a hook manager that keeps the input from us must not pass the push.
pub fn run(from_git: bool, env: &dyn Fn(&str) -> Option<String>) -> Result<()> {
    let input = PushInput::PrePush.read_stdin()?;
    if unrelated(&input) {
        return Ok(());
    }
    let ctx = Context::open()?;
    let mut updates = PushInput::PrePush.parse(&input, |hex| ctx.repo.parse_id(hex))?;
    if updates.is_empty() {
        let parse = |hex: &str| ctx.repo.parse_id(hex);
        let resolve = |name: &str| ctx.repo.resolve(name).ok();
        match pre_commit::push_update(env, parse, resolve)? {
            Some(update) => updates.push(update),
            None if from_git => {}
            None => {
                return Err(Error::env("pre-push: no ref list on standard input, and no pre-commit variables: cannot tell what is pushed")
                    .hint("lefthook: run it as a script with `use_stdin: true` (see the README, \"Hook managers\")")
                    .hint("pre-commit: use the hooks of .pre-commit-hooks.yaml, stage pre-push"));
            }
        }
    }
    if !updates.iter().any(|u| u.is_checked(&ctx.config)) {
        return Ok(());
    }
    let found = push_rules::evaluate(&ctx, ctx.trunks()?, &updates)?;
    push_rules::verdict(&found, Some("git push --no-verify"))
}

/// Whether every pushed ref is outside the rules by the configuration alone, read without
/// opening the repository: an unrelated push costs no more than starting and reading config.
/// `false` also when that cannot be told so (then the repository is opened and asked).
fn unrelated(input: &str) -> bool {
    let Ok(updates) = PushInput::PrePush.parse(input, repo::sha1_id) else { return false };
    !updates.is_empty()
        && repo::config_before_open()
            .is_some_and(|config| !updates.iter().any(|u| u.is_checked(&config)))
}

/// The early decision (configuration read without opening the repository) against the full
/// path's (`Context::open`) in real repositories, in every situation a pre-push hook runs in:
/// both must judge every ref alike whenever the early one answers, and it must answer in
/// the everyday ones. Both run in a child process of this test binary, whose working
/// directory and environment are the situation's, as Git gives them to a hook.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::hooks::push_rules::RefUpdate;
    use crate::repo::sha1_id;
    use crate::repo::tests::git;
    use std::path::Path;
    use std::process::Command;

    const CHILD: &str = "HOTFIX_TEST_DECIDE_HERE";
    /// A branch of each kind any case's configuration names, and a tag.
    const REFS: &[&str] = &[
        "refs/heads/main",
        "refs/heads/development",
        "refs/heads/hotfix/x",
        "refs/heads/feature/x",
        "refs/tags/v1",
        "refs/heads/trunk",
        "refs/heads/dev",
        "refs/heads/fix-a",
        "refs/heads/release",
        "refs/heads/feature/wt",
        "refs/heads/hf/a",
        "refs/heads/integration",
    ];

    /// Each ref pushed (and, for hotfix-like ones, deleted), as the full and the early path
    /// judge it.
    fn judge(config: &crate::config::Config) -> Vec<bool> {
        let id = sha1_id("1111111111111111111111111111111111111111");
        let updates = REFS.iter().flat_map(|name| {
            [(id, None), (None, id)].map(|(new, old)| RefUpdate {
                remote_ref: (*name).to_owned(),
                old,
                new,
            })
        });
        updates.map(|u| u.is_checked(config)).collect()
    }

    #[test]
    #[ignore = "a child process of early_and_full_decisions_agree"]
    fn decide_here() {
        if std::env::var_os(CHILD).is_none() {
            return;
        }
        let early = repo::config_before_open().map(|c| judge(&c));
        let full = Context::open().map(|ctx| judge(&ctx.config)).map_err(|e| e.message);
        println!("DECIDED early={early:?} full={full:?}");
    }

    /// `(early, full)` as printed by the child run in `cwd` with `env`.
    fn decide(cwd: &Path, home: &Path, env: &[(&str, String)]) -> (String, String) {
        let mut child = Command::new(std::env::current_exe().unwrap());
        child.args(["--exact", "hooks::pre_push::tests::decide_here", "--ignored", "--nocapture"]);
        for (name, _) in std::env::vars_os() {
            let name = name.to_string_lossy();
            if name.starts_with("GIT_") || name == "XDG_CONFIG_HOME" {
                child.env_remove(&*name);
            }
        }
        child.current_dir(cwd).env(CHILD, "1").env("HOME", home);
        child.env("GIT_CONFIG_NOSYSTEM", "1").env("GIT_CONFIG_GLOBAL", "/dev/null");
        for (name, value) in env {
            match value.as_str() {
                "<unset>" => child.env_remove(name),
                value => child.env(name, value),
            };
        }
        let out = child.output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let line = text.lines().find_map(|l| l.strip_prefix("DECIDED early="));
        let line = line.unwrap_or_else(|| panic!("no decision in {cwd:?}: {text}"));
        let (early, full) = line.split_once(" full=").unwrap();
        (early.to_owned(), full.to_owned())
    }

    /// Gives `dir` and everything in it to `uid`; false when not allowed (not root).
    fn chown_all(dir: &Path, uid: u32) -> bool {
        if std::os::unix::fs::lchown(dir, Some(uid), None).is_err() {
            return false;
        }
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() && !path.is_symlink() {
                chown_all(&path, uid);
            } else {
                std::os::unix::fs::lchown(&path, Some(uid), None).unwrap();
            }
        }
        true
    }

    #[test]
    fn early_and_full_decisions_agree() {
        let tmp = tempfile::tempdir().unwrap();
        let (root, home) = (tmp.path().join("repo"), tmp.path().join("home"));
        std::fs::create_dir_all(&home).unwrap();
        git(tmp.path(), &["init", "-q", "-b", "main", "repo"]);
        git(&root, &["commit", "-q", "--allow-empty", "-m", "root"]);
        git(&root, &["branch", "development"]);
        git(&root, &["worktree", "add", "-q", "-b", "wt", "../wt"]);
        git(tmp.path(), &["clone", "-q", "--bare", "repo", "bare.git"]);
        let (wt, bare, dot_git) =
            (tmp.path().join("wt"), tmp.path().join("bare.git"), root.join(".git"));
        let wt_git_dir = root.join(".git/worktrees/wt").display().to_string();
        let global = tmp.path().join("global");
        std::fs::write(tmp.path().join("by-dir"), "[hotfix]\n\tprefix = hf/\n").unwrap();
        std::fs::write(tmp.path().join("by-branch"), "[hotfix]\n\tdevelopment = integration\n")
            .unwrap();
        std::fs::write(
            &global,
            format!(
                "[includeIf \"gitdir:{}/\"]\n\tpath = by-dir\n[includeIf \"onbranch:main\"]\n\tpath = by-branch\n",
                root.display()
            ),
        )
        .unwrap();
        let xdg = tmp.path().join("xdg");
        std::fs::create_dir_all(xdg.join("git")).unwrap();
        std::fs::write(xdg.join("git/config"), "[hotfix]\n\tmain = release\n").unwrap();
        let s = |v: &str| v.to_owned();
        let path = |p: &Path| p.display().to_string();
        type Case<'a> = (&'a str, &'a Path, Vec<(&'a str, String)>, bool);
        let mut cases: Vec<Case<'_>> = vec![
            ("defaults", &root, vec![], true),
            (
                "linked worktree, GIT_DIR as Git sets it",
                &wt,
                vec![("GIT_DIR", s(&wt_git_dir))],
                true,
            ),
            ("linked worktree", &wt, vec![], true),
            ("GIT_DIR", &root, vec![("GIT_DIR", path(&root.join(".git")))], true),
            (
                "git -c",
                &root,
                vec![("GIT_CONFIG_PARAMETERS", s("'hotfix.main'='feature/x'"))],
                true,
            ),
            (
                "git -c, old style",
                &root,
                vec![("GIT_CONFIG_PARAMETERS", s("'hotfix.prefix=fix-'"))],
                true,
            ),
            (
                "GIT_CONFIG_COUNT",
                &root,
                vec![
                    ("GIT_CONFIG_COUNT", s("1")),
                    ("GIT_CONFIG_KEY_0", s("hotfix.prefix")),
                    ("GIT_CONFIG_VALUE_0", s("feature/")),
                ],
                true,
            ),
            (
                "includes by gitdir and branch",
                &root,
                vec![("GIT_CONFIG_GLOBAL", path(&global))],
                true,
            ),
            (
                "includes in a linked worktree",
                &wt,
                vec![("GIT_CONFIG_GLOBAL", path(&global))],
                true,
            ),
            (
                "XDG config",
                &root,
                vec![("XDG_CONFIG_HOME", path(&xdg)), ("GIT_CONFIG_GLOBAL", s("<unset>"))],
                true,
            ),
            ("bare repository", &bare, vec![("GIT_DIR", s("."))], false),
            ("GIT_WORK_TREE", &root, vec![("GIT_WORK_TREE", path(&root))], false),
            ("a subdirectory", &dot_git, vec![], false),
        ];
        let mut seen = Vec::new();
        let mut check = |name: &str, cwd: &Path, env: &[(&str, String)], answers: bool| {
            let (early, full) = decide(cwd, &home, env);
            if early != "None" {
                assert_eq!(format!("Ok({})", &early[5..early.len() - 1]), full, "{name}");
            }
            assert!(!answers || early != "None", "{name}: the early path gave up ({full})");
            seen.push(full);
        };
        for (name, cwd, env, answers) in cases.drain(..) {
            check(name, cwd, &env, answers);
        }
        // The team's file: renamed trunks, another prefix; then Git config over it; then broken.
        std::fs::write(
            root.join(".githotfix.toml"),
            "main = \"trunk\"\ndevelopment = \"dev\"\nprefix = \"fix-\"\n",
        )
        .unwrap();
        check("the team's file", &root, &[], true);
        git(&root, &["config", "hotfix.development", "integration"]);
        check("Git config over the file", &root, &[], true);
        git(&root, &["config", "extensions.worktreeConfig", "true"]);
        git(&wt, &["config", "--worktree", "hotfix.main", "feature/wt"]);
        check("worktree config", &wt, &[], true);
        std::fs::write(root.join(".githotfix.toml"), "main = \"a..b\"\n").unwrap();
        check("an invalid file", &root, &[], false);
        // Someone else's repository: Git refuses it, and the early path leaves that to it.
        git(tmp.path(), &["clone", "-q", "repo", "foreign"]);
        let foreign = tmp.path().join("foreign");
        if chown_all(&foreign, 4242) {
            check("someone else's repository", &foreign, &[], false);
        }
        let distinct: std::collections::HashSet<_> = seen.iter().collect();
        assert!(distinct.len() >= 8, "the cases must configure differently: {seen:#?}");
    }
}
