//! `git hotfix install` / `uninstall`: where the shims go, what they run, and that a hook that
//! was there before is never lost.

use crate::support::{BIN, TestRepo, binary_copy};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

const CLIENT_HOOKS: [&str; 3] = ["pre-push", "prepare-commit-msg", "post-merge"];

fn hooks(t: &TestRepo) -> PathBuf {
    t.work.join(".git/hooks")
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

fn write_hook(path: &Path, content: &[u8], mode: u32) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// `PATH` as the test process has it, minus every directory that holds a `git-hotfix` (the
/// built one, or one installed on this machine), plus a directory with just `git` in case one
/// of those held it too: hooks run with it find `git` but no `git-hotfix`.
fn path_without_git_hotfix(t: &TestRepo) -> String {
    let git = which_git();
    let git_only = t.tmp.path().join("git-only");
    std::fs::create_dir_all(&git_only).unwrap();
    std::os::unix::fs::symlink(&git, git_only.join("git")).unwrap();
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs = vec![git_only];
    dirs.extend(std::env::split_paths(&path).filter(|d| !d.join("git-hotfix").exists()));
    std::env::join_paths(dirs).unwrap().into_string().unwrap()
}

/// The `git` this test process finds on its `PATH`.
fn which_git() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path).map(|d| d.join("git")).find(|g| g.exists()).expect("git on PATH")
}

#[test]
fn install_writes_executable_shims_that_run_this_binary() {
    let t = TestRepo::new();
    t.hotfix(&["install"]).ok().stdout_has(&[
        &format!("Hooks directory: {}", hooks(&t).display()),
        "pre-push",
        "prepare-commit-msg",
        "post-merge",
        "installed",
    ]);
    for name in CLIENT_HOOKS {
        let path = hooks(&t).join(name);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("#!/bin/sh\n"), "{name}");
        assert!(text.contains(&format!("GIT_HOTFIX='{BIN}'\n")), "{name}: {text}");
        assert!(text.contains(&format!("hook {name} -- \"$@\"")), "{name}");
        assert_eq!(mode(&path), 0o755, "{name}");
    }
    assert!(!hooks(&t).join("pre-receive").exists());
}

#[test]
fn installing_twice_changes_nothing_and_reinstalling_refreshes_the_path() {
    let t = TestRepo::new();
    let moved = binary_copy(&t.tmp.path().join("old-place"));
    t.run_with(&moved, &t.work, &["install"], &[]).ok();
    let first = std::fs::read(hooks(&t).join("pre-push")).unwrap();
    t.run_with(&moved, &t.work, &["install"], &[]).ok().stdout_has(&["already installed"]);
    assert_eq!(std::fs::read(hooks(&t).join("pre-push")).unwrap(), first);
    assert!(!hooks(&t).join("pre-push.pre-hotfix").exists());

    t.hotfix(&["install"]).ok().stdout_has(&["updated"]);
    let text = std::fs::read_to_string(hooks(&t).join("pre-push")).unwrap();
    assert!(text.contains(&format!("GIT_HOTFIX='{BIN}'")), "{text}");
    assert!(!hooks(&t).join("pre-push.pre-hotfix").exists(), "our own shim is never kept");
}

/// A foreign hook that logs its arguments and input, and fails when asked to.
const FOREIGN_HOOK: &str = "#!/bin/sh\n\
    { echo \"foreign $*\"; cat; } >>\"$HOOK_LOG\"\n\
    exit \"${FOREIGN_EXIT:-0}\"\n";

/// Stands in for git-hotfix on PATH, logging what the shim gives it.
const FAKE_GIT_HOTFIX: &str = "#!/bin/sh\n{ echo \"ours $*\"; cat; } >>\"$HOOK_LOG\"\n";

/// Puts [`FOREIGN_HOOK`] at `hook` in the repository `repo`, installs the shims there from a
/// copy of the binary that then disappears, and returns the environment under which the shims
/// fall back to the logging stand-in on PATH (the real checks are tested elsewhere), and the
/// log.
fn chained_to_a_stand_in(t: &TestRepo, repo: &Path, hook: &Path) -> (String, PathBuf) {
    write_hook(hook, FOREIGN_HOOK.as_bytes(), 0o755);
    let copy = binary_copy(&t.tmp.path().join("gone"));
    t.run_with(&copy, repo, &["install"], &[]).ok().stdout_has(&[".pre-hotfix"]);
    std::fs::remove_file(&copy).unwrap();
    let fake_dir = t.tmp.path().join("fake-bin");
    write_hook(&fake_dir.join("git-hotfix"), FAKE_GIT_HOTFIX.as_bytes(), 0o755);
    let path = format!("{}:{}", fake_dir.display(), path_without_git_hotfix(t));
    (path, t.tmp.path().join("hook.log"))
}

#[test]
fn a_foreign_pre_push_hook_runs_first_on_the_same_input_and_can_stop_the_push() {
    let t = TestRepo::new();
    let (path, log) = chained_to_a_stand_in(&t, &t.work, &hooks(&t).join("pre-push"));
    let env = [("PATH", path.as_str()), ("HOOK_LOG", log.to_str().unwrap())];
    t.git(&["switch", "-q", "-c", "topic"]);
    t.commit_file("topic.txt", "topic\n", "Topic");
    let tip = t.rev("HEAD");
    t.run_with("git", &t.work, &["push", "-q", "origin", "topic"], &env).ok();
    let origin = t.origin.display().to_string();
    let line = format!("refs/heads/topic {tip} refs/heads/topic {}", "0".repeat(40));
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        format!("foreign origin {origin}\n{line}\nours hook pre-push -- origin {origin}\n{line}\n")
    );
    assert_eq!(t.origin_rev("refs/heads/topic").as_deref(), Some(tip.as_str()));

    std::fs::remove_file(&log).unwrap();
    t.commit_file("topic.txt", "topic 2\n", "Topic 2");
    let failing = [env[0], env[1], ("FOREIGN_EXIT", "3")];
    t.run_with("git", &t.work, &["push", "-q", "origin", "topic"], &failing).code(1);
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(logged.starts_with("foreign ") && !logged.contains("ours"), "{logged}");
    assert_eq!(t.origin_rev("refs/heads/topic").as_deref(), Some(tip.as_str()));
}

#[test]
fn a_foreign_pre_receive_hook_runs_first_on_the_same_input_and_can_refuse() {
    let t = TestRepo::new();
    let (path, log) = chained_to_a_stand_in(&t, &t.origin, &t.origin.join("hooks/pre-receive"));
    let env = [("PATH", path.as_str()), ("HOOK_LOG", log.to_str().unwrap())];
    let tip = t.rev("HEAD");
    t.run_with("git", &t.work, &["push", "-q", "origin", "HEAD:refs/heads/copy"], &env).ok();
    let line = format!("{} {tip} refs/heads/copy", "0".repeat(40));
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        format!("foreign \n{line}\nours hook pre-receive --\n{line}\n")
    );

    std::fs::remove_file(&log).unwrap();
    let failing = [env[0], env[1], ("FOREIGN_EXIT", "1")];
    t.run_with("git", &t.work, &["push", "-q", "origin", "HEAD:refs/heads/other"], &failing)
        .code(1);
    assert!(!std::fs::read_to_string(&log).unwrap().contains("ours"));
    assert_eq!(t.origin_rev("refs/heads/other"), None);
}

#[test]
fn a_foreign_commit_hook_runs_before_ours() {
    let t = TestRepo::new();
    let foreign = b"#!/bin/sh\necho 'foreign hook ran' >&2\n";
    write_hook(&hooks(&t).join("prepare-commit-msg"), foreign, 0o755);
    t.install_hooks();
    t.write("src/app.txt", "changed\n");
    t.git(&["add", "."]);
    let run = t.git_run(&["commit", "-m", "On main"]).code(1);
    let (ran, refused) = (run.stderr.find("foreign hook ran"), run.stderr.find("refusing"));
    assert!(ran.is_some() && ran < refused, "{run}");
    assert_eq!(run.stderr.matches("foreign hook ran").count(), 1, "{run}");
}

#[test]
fn uninstall_restores_the_previous_hook_byte_for_byte() {
    let t = TestRepo::new();
    let original = b"#!/bin/sh\n# caf\xe9, no final newline\nexit 0";
    write_hook(&hooks(&t).join("pre-push"), original, 0o750);
    t.install_hooks();
    assert_eq!(std::fs::read(hooks(&t).join("pre-push.pre-hotfix")).unwrap(), original);
    t.hotfix(&["uninstall"]).ok().stdout_has(&["the hook it replaced is back", "removed"]);
    assert_eq!(std::fs::read(hooks(&t).join("pre-push")).unwrap(), original);
    assert_eq!(mode(&hooks(&t).join("pre-push")), 0o750);
    assert!(!hooks(&t).join("pre-push.pre-hotfix").exists());
    for name in ["prepare-commit-msg", "post-merge"] {
        assert!(!hooks(&t).join(name).exists(), "{name}");
    }
    // A hook that is not ours is left alone.
    t.hotfix(&["uninstall"]).ok().stdout_has(&["not git-hotfix's: left alone"]);
    assert_eq!(std::fs::read(hooks(&t).join("pre-push")).unwrap(), original);
    std::fs::remove_file(hooks(&t).join("pre-push")).unwrap();
    t.hotfix(&["uninstall"]).ok().stdout_has(&["nothing to remove"]);
}

#[test]
fn a_foreign_hook_and_a_leftover_backup_are_never_overwritten() {
    let t = TestRepo::new();
    let (current, older) = (b"#!/bin/sh\n# current\n", b"#!/bin/sh\n# older\n");
    write_hook(&hooks(&t).join("post-merge"), current, 0o755);
    write_hook(&hooks(&t).join("post-merge.pre-hotfix"), older, 0o755);
    t.hotfix(&["install"]).code(1).stderr_has(&["post-merge.pre-hotfix", "--force"]);
    assert_eq!(std::fs::read(hooks(&t).join("post-merge")).unwrap(), current);
    assert!(!hooks(&t).join("pre-push").exists(), "nothing is installed after a refusal");

    t.hotfix(&["install", "--force"]).ok().stdout_has(&["post-merge.pre-hotfix.1"]);
    assert_eq!(std::fs::read(hooks(&t).join("post-merge.pre-hotfix")).unwrap(), current);
    assert_eq!(std::fs::read(hooks(&t).join("post-merge.pre-hotfix.1")).unwrap(), older);
}

#[test]
fn core_hooks_path_relative_and_absolute_inside_the_repository() {
    let t = TestRepo::new();
    t.git(&["config", "core.hooksPath", ".githooks"]);
    t.hotfix(&["install"]).ok().stdout_has(&["inside the work tree"]);
    assert!(t.work.join(".githooks/prepare-commit-msg").exists());
    // Git runs them from there.
    t.write("src/app.txt", "changed\n");
    t.git(&["add", "."]);
    t.git_run(&["commit", "-m", "On main"]).code(1).stderr_has(&["refusing to commit"]);

    let absolute = t.work.join(".git/team-hooks");
    t.git(&["config", "core.hooksPath", absolute.to_str().unwrap()]);
    t.hotfix(&["install"]).ok();
    assert!(absolute.join("pre-push").exists());
}

#[test]
fn a_shared_hooks_directory_needs_force() {
    let t = TestRepo::new();
    let shared = t.tmp.path().join("global-hooks");
    t.git(&["config", "core.hooksPath", shared.to_str().unwrap()]);
    t.hotfix(&["install"]).code(1).stderr_has(&["outside this repository", "--force"]);
    assert!(!shared.join("pre-push").exists());
    t.hotfix(&["install", "--force"]).ok();
    assert!(shared.join("pre-push").exists());
}

#[test]
fn hooks_path_dev_null_is_refused() {
    let t = TestRepo::new();
    t.git(&["config", "core.hooksPath", "/dev/null"]);
    t.hotfix(&["install"])
        .code(2)
        .stderr_has(&["core.hooksPath is /dev/null", "git config --unset core.hooksPath"]);
}

#[test]
fn an_unwritable_hooks_directory_is_an_environment_error() {
    let t = TestRepo::new();
    // Tests may run as root, who may write anywhere: a file where the directory should be.
    t.write(".githooks", "not a directory\n");
    t.git(&["config", "core.hooksPath", ".githooks"]);
    t.hotfix(&["install"]).code(2).stderr_has(&["cannot write to the hooks directory"]);
}

#[test]
fn hooks_installed_once_work_in_every_linked_worktree() {
    let t = TestRepo::new();
    let tree = t.tmp.path().join("tree");
    t.git(&["worktree", "add", "-q", "-b", "hotfix/Bad_Name", tree.to_str().unwrap()]);
    // Installed from the linked worktree: they go to the shared hooks directory.
    t.hotfix_in(&tree, &["install"]).ok();
    assert!(hooks(&t).join("prepare-commit-msg").exists());
    t.write_in(&tree, "src/app.txt", "fixed\n");
    t.run_git(&tree, &["add", "."]).ok();
    t.run_git(&tree, &["commit", "-m", "Fix"]).code(1).stderr_has(&["R1", "hotfix/Bad_Name"]);
    t.write("src/app.txt", "changed\n");
    t.git(&["add", "."]);
    t.git_run(&["commit", "-m", "On main"]).code(1).stderr_has(&["refusing to commit"]);
}

#[test]
fn a_bare_repository_gets_pre_receive() {
    let t = TestRepo::new();
    t.install_server_hook();
    let text = std::fs::read_to_string(t.origin.join("hooks/pre-receive")).unwrap();
    assert!(text.contains(&format!("GIT_HOTFIX='{BIN}'")) && text.contains("hook pre-receive"));
    for name in CLIENT_HOOKS {
        assert!(!t.origin.join("hooks").join(name).exists(), "{name}");
    }
}

#[test]
fn a_binary_path_with_spaces_and_quotes_works_without_path() {
    let t = TestRepo::new();
    let copy = binary_copy(&t.tmp.path().join("my tools/it's here"));
    t.run_with(&copy, &t.work, &["install"], &[]).ok();
    let text = std::fs::read_to_string(hooks(&t).join("prepare-commit-msg")).unwrap();
    assert!(text.contains("/my tools/it'\\''s here/git-hotfix'"), "{text}");
    // A GUI client's short PATH: only the recorded absolute path can reach the binary.
    let env = [("PATH", path_without_git_hotfix(&t))];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    t.write("src/app.txt", "changed\n");
    t.git(&["add", "."]);
    t.run_with("git", &t.work, &["commit", "-m", "On main"], &env)
        .code(1)
        .stderr_has(&["refusing to commit directly on 'main'"]);
}

#[test]
fn a_missing_binary_fails_loudly_unless_path_has_one() {
    let t = TestRepo::new();
    let copy = binary_copy(&t.tmp.path().join("gone"));
    t.run_with(&copy, &t.work, &["install"], &[]).ok();
    std::fs::remove_file(&copy).unwrap();
    t.git(&["switch", "-q", "-c", "feature/x"]);
    t.write("src/app.txt", "changed\n");
    t.git(&["add", "."]);
    let path = path_without_git_hotfix(&t);
    t.run_with("git", &t.work, &["commit", "-m", "Feature"], &[("PATH", path.as_str())])
        .code(1)
        .stderr_has(&["cannot check this commit", "is missing and git-hotfix is not on PATH"]);
    // The harness puts the built binary on PATH: the fallback finds it.
    t.git(&["commit", "-q", "-m", "Feature"]);
}
