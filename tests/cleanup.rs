use crate::support::TestRepo;

const BRANCH: &str = "hotfix/login-timeout";

/// A published hotfix (`hotfix/login-timeout`, checked out in `work`); returns its tip.
fn published(t: &TestRepo) -> String {
    let tip = t.hotfix_branch("login-timeout", "main", "src/app.txt", "fixed\n");
    t.git(&["push", "-q", "-u", "origin", BRANCH]);
    tip
}

fn local_exists(t: &TestRepo) -> bool {
    t.git_run(&["rev-parse", "--verify", "-q", &format!("refs/heads/{BRANCH}")]).code == 0
}

#[test]
fn refuses_a_hotfix_that_main_does_not_have() {
    let t = TestRepo::new();
    let tip = published(&t);
    t.hotfix(&["cleanup"]).code(1).stderr_has(&[
        "not deleted",
        "is not merged into origin/main",
        "Fix login-timeout",
        "git hotfix publish",
        "--force",
    ]);
    assert_eq!(t.rev(BRANCH), tip);
    assert_eq!(t.origin_rev(&format!("refs/heads/{BRANCH}")), Some(tip));
}

#[test]
fn refuses_before_the_back_merge_into_development() {
    let t = TestRepo::new();
    let tip = published(&t);
    t.merge_on_host(BRANCH, "main");
    t.hotfix(&["cleanup", BRANCH]).code(1).stderr_has(&[
        "R7 sync",
        "is in origin/main but not in origin/development",
        "git hotfix publish --to development",
    ]);
    assert_eq!(t.rev(BRANCH), tip);
    assert_eq!(t.origin_rev(&format!("refs/heads/{BRANCH}")), Some(tip));
}

#[test]
fn deletes_both_once_main_and_development_have_it() {
    let t = TestRepo::new();
    let tip = published(&t);
    // Merged on the code host: the local main and development know nothing of it yet.
    t.merge_on_host(BRANCH, "main");
    t.merge_on_host(BRANCH, "development");

    t.hotfix(&["cleanup"]).ok().stdout_has(&[
        "deleted 'hotfix/login-timeout' on origin",
        "deleted the local branch 'hotfix/login-timeout'",
    ]);
    assert!(!local_exists(&t));
    assert_eq!(t.origin_rev(&format!("refs/heads/{BRANCH}")), None);
    assert_eq!(t.git(&["symbolic-ref", "--short", "HEAD"]), "development");
    assert_eq!(t.git(&["config", "--local", &format!("hotfix-checklist.{BRANCH}.tip")]), tip);
    // Again: nothing left to do, and it says so.
    t.hotfix(&["cleanup", BRANCH]).ok().stdout_has(&["already cleaned up"]);
    t.hotfix(&["cleanup", "hotfix/never-existed"]).code(1).stderr_has(&["no branch"]);
}

#[test]
fn a_remote_branch_deleted_by_the_code_host_is_fine() {
    let t = TestRepo::new();
    published(&t);
    t.merge_on_host(BRANCH, "main");
    t.merge_on_host(BRANCH, "development");
    t.run_git(&t.tmp.path().join("host"), &["push", "-q", "origin", "--delete", BRANCH]).ok();
    t.git(&["switch", "-q", "main"]);

    t.hotfix(&["cleanup", BRANCH]).ok().stdout_has(&["deleted the local branch"]);
    assert!(!local_exists(&t));
    assert_eq!(t.git(&["symbolic-ref", "--short", "HEAD"]), "main");
}

#[test]
fn never_leaves_the_checked_out_branch_with_uncommitted_changes() {
    let t = TestRepo::new();
    let tip = published(&t);
    t.merge_on_host(BRANCH, "main");
    t.merge_on_host(BRANCH, "development");
    t.write("src/app.txt", "an edit in progress\n");

    t.hotfix(&["cleanup"]).code(1).stderr_has(&["uncommitted changes", "src/app.txt", "git stash"]);
    assert_eq!(t.rev(BRANCH), tip);
    assert_eq!(t.origin_rev(&format!("refs/heads/{BRANCH}")), Some(tip));
    assert_eq!(t.git(&["symbolic-ref", "--short", "HEAD"]), BRANCH);
    assert_eq!(
        std::fs::read_to_string(t.work.join("src/app.txt")).unwrap(),
        "an edit in progress\n"
    );
}

#[test]
fn force_warns_and_deletes_an_unmerged_hotfix() {
    let t = TestRepo::new();
    let tip = published(&t);
    t.hotfix(&["cleanup", "--force"]).ok().stderr_has(&[
        "warning: --force: deleting anyway",
        "not merged into origin/main",
        &format!("git branch {BRANCH} {tip}"),
    ]);
    assert!(!local_exists(&t));
    assert_eq!(t.origin_rev(&format!("refs/heads/{BRANCH}")), None);
}

#[test]
fn dry_run_deletes_nothing() {
    let t = TestRepo::new();
    let tip = published(&t);
    t.merge_on_host(BRANCH, "main");
    t.merge_on_host(BRANCH, "development");
    t.git(&["fetch", "-q", "origin"]);

    t.hotfix(&["cleanup", "--dry-run"]).ok().stdout_has(&[
        "would switch to development",
        "would delete 'hotfix/login-timeout' on origin",
        "would delete the local branch",
    ]);
    assert_eq!(t.rev(BRANCH), tip);
    assert_eq!(t.origin_rev(&format!("refs/heads/{BRANCH}")), Some(tip));
}
