//! Git says no: a missing object, a Git that is missing, too old or not Git at all, a broken
//! configuration. Each is exit 2 in plain words with what to do, and nothing is half done.

use crate::support::{BIN, Run, TestRepo};
use std::os::unix::fs::PermissionsExt;

/// `git-hotfix <args>` in the work clone with `PATH` set to `path`.
fn with_path(repo: &TestRepo, path: &str, args: &[&str]) -> Run {
    repo.run_with(BIN, &repo.work, args, &[("PATH", path)])
}

/// A directory with a `git` that prints `version` for `--version` and runs the real Git
/// otherwise.
fn fake_git(repo: &TestRepo, version: &str) -> String {
    let real = std::env::var("PATH")
        .unwrap()
        .split(':')
        .map(|d| std::path::Path::new(d).join("git"))
        .find(|p| p.is_file())
        .unwrap();
    let dir = repo.tmp.path().join("fake-git");
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("git");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nif [ \"$1\" = --version ]; then echo '{version}'; exit 0; fi\nexec {} \"$@\"\n",
            real.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    dir.display().to_string()
}

#[test]
fn a_missing_object_is_named_with_the_way_to_check_and_refetch() {
    let repo = TestRepo::new();
    let tip = repo.hotfix_branch("login-timeout", "main", "src/app.txt", "fixed\n");
    std::fs::remove_file(repo.work.join(format!(".git/objects/{}/{}", &tip[..2], &tip[2..])))
        .unwrap();
    repo.hotfix(&["status"]).code(2).no_panic().stderr_has(&[
        "could not be found",
        "the repository is missing an object",
        "git fsck --connectivity-only",
        "git fetch --refetch",
    ]);
}

#[test]
fn a_git_too_old_or_not_git_is_refused_before_anything_changes() {
    let repo = TestRepo::new();
    repo.hotfix_branch("login-timeout", "main", "src/app.txt", "fixed\n");
    let before = repo.git(&["for-each-ref"]);
    let old = fake_git(&repo, "git version 2.20.1");
    with_path(&repo, &old, &["finish", "--push"])
        .code(2)
        .stderr_has(&["git 2.20.1 is too old: git-hotfix needs Git 2.38 or newer"]);
    assert_eq!(repo.git(&["for-each-ref"]), before, "nothing changed");
    // Reading commands and hooks do not ask.
    with_path(&repo, &old, &["status"]).ok();
    let odd = fake_git(&repo, "hub version 2.14.2");
    with_path(&repo, &odd, &["cleanup"])
        .code(2)
        .stderr_has(&["which is not a Git version", "command -v git"]);
    let new = fake_git(&repo, "git version 2.47.3.windows.1");
    with_path(&repo, &new, &["finish"]).ok();
}

#[test]
fn without_git_on_path_it_says_so() {
    let repo = TestRepo::new();
    repo.hotfix_branch("login-timeout", "main", "src/app.txt", "fixed\n");
    let empty = repo.tmp.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    with_path(&repo, empty.to_str().unwrap(), &["finish"])
        .code(2)
        .stderr_has(&["`git` was not found on PATH", "install Git"]);
}

#[test]
fn a_configuration_git_rejects_stops_every_command_naming_the_file() {
    let repo = TestRepo::new();
    repo.hotfix_branch("login-timeout", "main", "src/app.txt", "fixed\n");
    let config = repo.work.join(".git/config");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("[core\n\tbare = maybe\n");
    std::fs::write(&config, text).unwrap();
    // Through git, Git itself refuses first; run directly (as a hook is), the tool does.
    repo.git_run(&["hotfix", "status"]).code(128).stderr_has(&["bad config line"]);
    let path = std::env::var("PATH").unwrap();
    with_path(&repo, &path, &["status"]).code(2).no_panic().stderr_has(&[
        "Git's configuration cannot be read",
        "unexpected token on line",
        "git config --list --show-origin",
    ]);
}
