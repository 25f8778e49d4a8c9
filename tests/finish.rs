use crate::support::TestRepo;

/// A repository where development is ahead of main (so the two merges differ) and a hotfix
/// `hotfix/login-timeout` with one commit is checked out. With `conflicting`, development
/// changed the same line as the fix. Returns the hotfix tip.
fn setup(t: &TestRepo, conflicting: bool) -> String {
    t.git(&["switch", "-q", "development"]);
    if conflicting {
        t.commit_file("src/app.txt", "line 1\nline 2 (development)\nline 3\n", "Rework line 2");
    } else {
        t.commit_file("feature.txt", "new\n", "Add a feature");
    }
    t.git(&["push", "-q", "origin", "development"]);
    t.hotfix_branch("login-timeout", "main", "src/app.txt", "line 1\nline 2 (fixed)\nline 3\n")
}

const BRANCH: &str = "hotfix/login-timeout";

fn parents(t: &TestRepo, rev: &str) -> Vec<String> {
    t.git(&["rev-list", "--parents", "-n", "1", rev])
        .split_whitespace()
        .skip(1)
        .map(str::to_owned)
        .collect()
}

fn exists(t: &TestRepo, full_ref: &str) -> bool {
    t.git_run(&["rev-parse", "--verify", "-q", full_ref]).code == 0
}

fn state_file(t: &TestRepo) -> std::path::PathBuf {
    t.work.join(".git/hotfix-finish.json")
}

/// Every ref finish may touch, and what is checked out.
fn snapshot(t: &TestRepo) -> Vec<String> {
    let mut refs: Vec<String> = ["main", "development", BRANCH]
        .iter()
        .map(|b| t.git_run(&["rev-parse", "--verify", "-q", &format!("refs/heads/{b}")]).stdout)
        .collect();
    refs.push(t.git_run(&["symbolic-ref", "-q", "HEAD"]).stdout);
    refs.push(t.rev("HEAD"));
    refs
}

#[test]
fn merges_into_main_then_development_and_deletes_the_branch() {
    let t = TestRepo::new();
    let tip = setup(&t, false);
    let (main, development) = (t.rev("main"), t.rev("development"));
    let origin_main = t.origin_rev("refs/heads/main");

    t.hotfix(&["finish"]).ok().stdout_has(&["Finished 'hotfix/login-timeout'", "deleted"]);

    assert_eq!(parents(&t, "main"), [main, tip.clone()]);
    assert_eq!(parents(&t, "development"), [development, tip.clone()]);
    assert_eq!(t.git(&["log", "-1", "--format=%s", "main"]), "Merge branch 'hotfix/login-timeout'");
    assert!(!exists(&t, &format!("refs/heads/{BRANCH}")));
    assert_eq!(t.git(&["symbolic-ref", "--short", "HEAD"]), "development");
    assert_eq!(t.git(&["config", "--local", &format!("hotfix-checklist.{BRANCH}.tip")]), tip);
    assert_eq!(t.origin_rev("refs/heads/main"), origin_main, "nothing is pushed without --push");
    assert!(!state_file(&t).exists());
}

#[test]
fn push_publishes_both_branches_and_removes_the_remote_one() {
    let t = TestRepo::new();
    let tip = setup(&t, false);
    t.git(&["push", "-q", "-u", "origin", BRANCH]);

    t.hotfix(&["finish", "--push"]).ok().stdout_has(&["pushed 'main' and 'development'"]);

    assert_eq!(t.origin_rev("refs/heads/main"), Some(t.rev("main")));
    assert_eq!(t.origin_rev("refs/heads/development"), Some(t.rev("development")));
    assert_eq!(parents(&t, "main")[1], tip);
    assert_eq!(t.origin_rev(&format!("refs/heads/{BRANCH}")), None);
    assert!(!exists(&t, &format!("refs/remotes/origin/{BRANCH}")));
    assert!(!exists(&t, &format!("refs/heads/{BRANCH}")));
}

#[test]
fn keep_keeps_the_branch_and_the_checkout() {
    let t = TestRepo::new();
    let tip = setup(&t, false);
    t.hotfix(&["finish", "--keep"]).ok();
    assert_eq!(t.rev(BRANCH), tip);
    assert_eq!(t.git(&["symbolic-ref", "--short", "HEAD"]), BRANCH);
    assert_eq!(parents(&t, "development")[1], tip);
}

#[test]
fn stops_on_a_conflict_and_continues_after_the_resolution() {
    let t = TestRepo::new();
    let tip = setup(&t, true);
    let development = t.rev("development");

    t.hotfix(&["finish"]).code(1).stderr_has(&[
        "merging 'hotfix/login-timeout' into 'development' stopped on a conflict in: src/app.txt",
        "git add <file>",
        "git commit --no-edit",
        "git hotfix finish --continue",
        "git hotfix finish --abort",
    ]);
    assert_eq!(parents(&t, "main")[1], tip, "main was merged before the conflict");
    assert!(state_file(&t).exists());

    // Nothing else while it is under way, and no --continue before the commit.
    t.hotfix(&["finish"]).code(1).stderr_has(&["already under way", "--continue"]);
    t.hotfix(&["finish", "--continue"]).code(1).stderr_has(&["not committed yet"]);

    t.write("src/app.txt", "line 1\nline 2 (fixed, development)\nline 3\n");
    t.git(&["add", "src/app.txt"]);
    t.git(&["commit", "-q", "--no-edit"]);
    t.hotfix(&["finish", "--continue"]).ok().stdout_has(&["Finished"]);

    assert_eq!(parents(&t, "development"), [development, tip]);
    assert!(!exists(&t, &format!("refs/heads/{BRANCH}")));
    assert!(!state_file(&t).exists());
}

#[test]
fn abort_puts_every_branch_and_the_checkout_back() {
    let t = TestRepo::new();
    let tip = setup(&t, true);
    // Local main is behind origin/main, so finish fast-forwards it first: abort must undo that too.
    let other = t.clone_as("other");
    t.write_in(&other, "NOTES.md", "release notes\n");
    t.run_git(&other, &["add", "NOTES.md"]).ok();
    t.commit_in(&other, "Add release notes");
    t.run_git(&other, &["push", "-q", "origin", "main"]).ok();
    t.git(&["switch", "-q", "main"]);
    t.git(&["fetch", "-q", "origin"]);
    let before = snapshot(&t);
    assert_ne!(t.rev("main"), t.rev("origin/main"));

    t.hotfix(&["finish", BRANCH]).code(1).stderr_has(&["conflict"]);
    assert_eq!(parents(&t, "main")[1], tip);

    t.hotfix(&["finish", "--abort"]).ok().stdout_has(&["back where they were"]);
    assert_eq!(snapshot(&t), before);
    assert_eq!(t.git(&["status", "--porcelain"]), "");
    assert!(!state_file(&t).exists());
    assert!(!t.work.join(".git/MERGE_HEAD").exists());
}

#[test]
fn a_state_that_no_longer_matches_is_never_trusted() {
    let t = TestRepo::new();
    setup(&t, true);
    t.hotfix(&["finish"]).code(1).stderr_has(&["conflict"]);
    // Someone gives up the merge by hand and commits on main.
    t.git(&["merge", "--abort"]);
    t.git(&["switch", "-q", "main"]);
    let moved = t.commit_file("other.txt", "x\n", "Unrelated commit on main");

    for action in ["--continue", "--abort"] {
        t.hotfix(&["finish", action]).code(1).stderr_has(&[
            "no longer matches",
            "'main' is at",
            "Unrelated commit on main",
            "hotfix-finish.json",
        ]);
    }
    assert_eq!(t.rev("main"), moved, "nothing was changed");
    t.hotfix(&["finish", "--abort", "hotfix/other"])
        .code(1)
        .stderr_has(&["is for 'hotfix/login-timeout'"]);
}

#[test]
fn continue_redoes_a_merge_that_did_not_happen() {
    let t = TestRepo::new();
    setup(&t, true);
    t.hotfix(&["finish"]).code(1);
    t.git(&["merge", "--abort"]);
    // Given up (or interrupted before Git merged): --continue merges again, and stops on the
    // same conflict.
    t.hotfix(&["finish", "--continue"])
        .code(1)
        .stderr_has(&["did not happen; merging now", "stopped on a conflict in: src/app.txt"]);
    t.hotfix(&["finish", "--abort"]).ok();
}

#[test]
fn dry_run_changes_nothing_and_predicts_the_conflict() {
    let t = TestRepo::new();
    setup(&t, true);
    let before = snapshot(&t);
    let origin = (t.origin_rev("refs/heads/main"), t.origin_rev("refs/heads/development"));

    t.hotfix(&["finish", "--dry-run", "--push"]).ok().stdout_has(&[
        "would merge 'hotfix/login-timeout' into 'main' with a merge commit\n",
        "into 'development' with a merge commit (it would stop on a conflict in: src/app.txt)",
        "would push 'main' and 'development' to origin",
        "would delete the local branch",
    ]);
    assert_eq!(snapshot(&t), before);
    assert_eq!((t.origin_rev("refs/heads/main"), t.origin_rev("refs/heads/development")), origin);
    assert!(!state_file(&t).exists());
}

#[test]
fn refuses_uncommitted_changes_and_a_bad_base() {
    let t = TestRepo::new();
    setup(&t, false);
    t.write("src/app.txt", "work in progress\n");
    t.hotfix(&["finish"]).code(1).stderr_has(&["uncommitted changes", "src/app.txt"]);
    assert_eq!(std::fs::read_to_string(t.work.join("src/app.txt")).unwrap(), "work in progress\n");
    t.git(&["checkout", "--", "src/app.txt"]);

    t.git(&["switch", "-q", "-c", "hotfix/from-development", "origin/development"]);
    t.commit_file("src/app.txt", "fixed\n", "Fix cut from development");
    let main = t.rev("main");
    t.hotfix(&["finish"]).code(1).stderr_has(&["R2", "not merged"]);
    assert_eq!(t.rev("main"), main);
    assert!(!state_file(&t).exists());
}

#[test]
fn refuses_when_local_main_has_diverged() {
    let t = TestRepo::new();
    setup(&t, false);
    let other = t.clone_as("other");
    t.write_in(&other, "NOTES.md", "notes\n");
    t.run_git(&other, &["add", "NOTES.md"]).ok();
    t.commit_in(&other, "Remote commit");
    t.run_git(&other, &["push", "-q", "origin", "main"]).ok();
    t.git(&["switch", "-q", "main"]);
    t.commit_file("local.txt", "x\n", "Local commit on main");
    t.git(&["switch", "-q", BRANCH]);
    let main = t.rev("main");

    t.hotfix(&["finish"])
        .code(1)
        .stderr_has(&["'main' and origin/main have diverged", "Local commit on main"]);
    assert_eq!(t.rev("main"), main);
}

#[test]
fn a_failed_push_keeps_the_merges_local_and_continue_pushes_again() {
    use std::os::unix::fs::PermissionsExt;
    let t = TestRepo::new();
    let tip = setup(&t, false);
    let origin_main = t.origin_rev("refs/heads/main");
    // The server turns every push down for now.
    let hook = t.origin.join("hooks/pre-receive");
    std::fs::write(&hook, "#!/bin/sh\necho 'maintenance window' >&2\nexit 1\n").unwrap();
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();

    t.hotfix(&["finish", "--push"]).code(1).stderr_has(&[
        "maintenance window",
        "origin refused 'main' and 'development': its message is above",
        "git hotfix finish --continue",
        "git hotfix finish --abort",
    ]);
    assert_eq!(t.origin_rev("refs/heads/main"), origin_main, "nothing half-pushed");
    assert_eq!(parents(&t, "development")[1], tip, "both merges are done locally");
    assert!(exists(&t, &format!("refs/heads/{BRANCH}")));

    std::fs::remove_file(&hook).unwrap();
    t.hotfix(&["finish", "--continue"]).ok();
    assert_eq!(t.origin_rev("refs/heads/main"), Some(t.rev("main")));
    assert_eq!(t.origin_rev("refs/heads/development"), Some(t.rev("development")));
    assert!(!exists(&t, &format!("refs/heads/{BRANCH}")));
}

#[test]
fn main_merged_on_the_code_host_is_taken_as_is() {
    let t = TestRepo::new();
    let tip = setup(&t, false);
    t.git(&["push", "-q", "origin", BRANCH]);
    let merged = t.merge_on_host(BRANCH, "main");
    let development = t.rev("development");

    t.hotfix(&["finish"]).ok().stdout_has(&["main         already had it"]);
    assert_eq!(t.rev("main"), merged, "local main fast-forwarded to the host's merge");
    assert_eq!(parents(&t, "development"), [development, tip]);
}

#[test]
fn offline_it_warns_and_merges_with_what_it_has() {
    let t = TestRepo::new();
    let tip = setup(&t, false);
    t.git(&["remote", "set-url", "origin", t.tmp.path().join("gone.git").to_str().unwrap()]);

    t.hotfix(&["finish"]).ok().stderr_has(&["warning: offline: could not fetch from origin"]);
    assert_eq!(parents(&t, "main")[1], tip);
    assert_eq!(parents(&t, "development")[1], tip);
}
