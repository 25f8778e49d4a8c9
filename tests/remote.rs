//! The remote misbehaves: it moved between fetch and push, its hook refuses, it cannot be
//! reached, or it hangs. Nothing is forced, nothing is half done, and the message says which.

use crate::support::TestRepo;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Instant;

fn hook(path: &Path, script: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, script).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

fn ready() -> (TestRepo, String) {
    let repo = TestRepo::new();
    let tip = repo.hotfix_branch("login-timeout", "main", "src/app.txt", "fixed\n");
    (repo, tip)
}

#[test]
fn main_pushed_by_someone_else_meanwhile_is_said_so_and_never_forced() {
    let (repo, tip) = ready();
    let teammate = repo.clone_as("teammate");
    // A teammate pushes main while finish is pushing (the moment after the remote told this
    // clone where main was): the client's own pre-push hook does it, once.
    let script = format!(
        "#!/bin/sh\nunset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE\n[ -e {marker} ] && exit 0\n: > {marker}\ncd {teammate} && git commit -q --allow-empty -m 'Teammate fix' && git push -q origin main\n",
        marker = repo.tmp.path().join("pushed").display(),
        teammate = teammate.display()
    );
    hook(&repo.work.join(".git/hooks/pre-push"), &script);
    let run = repo.hotfix(&["finish", "--push"]).code(1);
    assert!(
        run.stderr.contains("origin changed since it was fetched: someone pushed meanwhile"),
        "{run}"
    );
    let teammates = repo.run_git(&teammate, &["rev-parse", "HEAD"]).ok().stdout.trim().to_owned();
    assert_eq!(repo.origin_rev("main").as_deref(), Some(teammates.as_str()), "nothing was forced");
    // The way out: put the branches back, and finish again on the new main.
    repo.hotfix(&["finish", "--abort"]).ok();
    repo.hotfix(&["finish", "--push"]).ok();
    let merge = repo.origin_rev("main").unwrap();
    assert_eq!(repo.rev(&format!("{merge}^1")), teammates, "merged onto the teammate's main");
    assert_eq!(repo.rev(&format!("{merge}^2")), tip);
}

#[test]
fn a_remote_that_refuses_is_named_and_nothing_is_half_pushed() {
    let (repo, _) = ready();
    let before = (repo.origin_rev("main"), repo.origin_rev("development"));
    hook(
        &repo.origin.join("hooks/pre-receive"),
        "#!/bin/sh\necho 'frozen: no pushes during the audit' >&2\nexit 1\n",
    );
    let run = repo.hotfix(&["finish", "--push"]).code(1);
    assert!(
        run.stderr.contains("origin refused 'main' and 'development': its message is above"),
        "{run}"
    );
    assert!(run.stderr.contains("frozen: no pushes during the audit"), "{run}");
    assert_eq!((repo.origin_rev("main"), repo.origin_rev("development")), before);
    repo.hotfix(&["finish", "--abort"]).ok();
}

#[test]
fn an_unreachable_remote_is_offline_for_reads_and_an_error_for_pushes() {
    let (repo, _) = ready();
    repo.git(&["remote", "set-url", "origin", "/nonexistent/origin.git"]);
    for args in [&["status"][..], &["list"], &["check", "tested-locally"]] {
        let run = repo.hotfix(args).ok();
        assert!(run.stderr.contains("offline"), "{args:?}: {run}");
    }
    let run = repo.hotfix(&["finish", "--push"]).code(2);
    assert!(run.stderr.contains("offline: could not fetch from origin"), "{run}");
    assert!(run.stderr.contains("cannot reach origin"), "{run}");
    repo.hotfix(&["finish", "--abort"]).ok();
}

#[test]
fn a_hanging_remote_is_stopped_at_the_network_timeout() {
    let (repo, _) = ready();
    // An SSH remote whose "ssh" never answers.
    repo.git(&["remote", "set-url", "origin", "ssh://git.example.invalid/shop.git"]);
    let ssh = repo.tmp.path().join("hanging-ssh");
    hook(&ssh, "#!/bin/sh\nsleep 30\n");
    repo.git(&["config", "core.sshCommand", ssh.to_str().unwrap()]);
    repo.git(&["config", "hotfix.networkTimeout", "2s"]);
    let started = Instant::now();
    let run = repo.hotfix(&["finish", "--push"]).code(2);
    assert!(run.stderr.contains("offline: could not fetch from origin"), "{run}");
    assert!(run.stderr.contains("did not finish within 2 s"), "{run}");
    assert!(run.stderr.contains("origin may or may not have taken the push"), "{run}");
    assert!(started.elapsed().as_secs() < 20, "stopped by the timeout: {run}");
}
