use crate::support::TestRepo;

#[test]
fn the_tour_walks_the_whole_process_and_ends_with_every_item_ticked() {
    let t = TestRepo::bare_only();
    let dir = t.tmp.path().join("tour sandbox");
    let run = t.hotfix_in(t.tmp.path(), &["tour", dir.to_str().unwrap()]).ok();
    let out = &run.stdout;
    // The squash is refused locally, by pre-push, and by the server even with --no-verify.
    assert_eq!(out.matches("(refused, as it should be)").count(), 3, "{run}");
    assert!(out.contains("remote: "), "the server's refusal is shown\n{run}");
    // The final status shows every checklist item done, and verify finds a clean history.
    let status = &out[out.rfind("── 9.").expect("chapter 9")..];
    assert!(!status.contains('✗') && !status.contains("? "), "an item is not ticked\n{status}");
    assert!(status.matches('✓').count() >= 12, "{status}");
    // The sandbox is real: the hotfix reached both branches and is gone.
    let origin = dir.join("origin.git");
    let main_has = t.run_git(&origin, &["log", "--format=%s", "main"]).ok().stdout;
    assert!(main_has.contains("Merge pull request #1 from acme/hotfix/fix-login-timeout"));
    let dev_has = t.run_git(&origin, &["log", "--format=%s", "development"]).ok().stdout;
    assert!(dev_has.contains("Merge pull request #2 from acme/hotfix/fix-login-timeout"));
    let branches = t.run_git(&origin, &["branch", "--list", "hotfix/*"]).ok().stdout;
    assert_eq!(branches.trim(), "", "the remote branch is deleted");
}

#[test]
fn the_tour_refuses_an_existing_directory() {
    let t = TestRepo::bare_only();
    t.hotfix_in(t.tmp.path(), &["tour", "origin.git"]).code(2).stderr_has(&["already exists"]);
}
