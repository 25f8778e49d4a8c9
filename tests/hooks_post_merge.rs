//! post-merge through real `git merge` and `git pull`, with the hooks installed.

use crate::support::TestRepo;

/// A clone with the hooks installed and `hotfix/fix-line` (one commit, cut from main).
fn with_hotfix() -> TestRepo {
    let t = TestRepo::new();
    t.install_hooks();
    t.git(&["switch", "-q", "-c", "hotfix/fix-line"]);
    t.commit_file("src/app.txt", "line 1\nline 2 fixed\nline 3\n", "Fix line 2");
    t
}

#[test]
fn a_fast_forward_of_a_hotfix_into_main_warns_with_the_undo_and_the_redo() {
    let t = with_hotfix();
    t.git(&["switch", "-q", "main"]);
    let before = t.rev("main");
    let run = t.git_run(&["merge", "hotfix/fix-line"]).ok().stderr_has(&[
        "fast-forwarded main to hotfix/fix-line",
        "R3",
        "Fix line 2",
        "git reset --keep ORIG_HEAD",
        "git merge --no-ff hotfix/fix-line",
    ]);
    assert!(run.stderr.contains(&format!("back to {}", &before[..7])), "{run}");
    // The printed commands do what they say.
    t.git(&["reset", "--keep", "ORIG_HEAD"]);
    assert_eq!(t.rev("main"), before);
    t.git_run(&["merge", "--no-ff", "--no-edit", "hotfix/fix-line"]).ok().stderr_has(&[
        "Merged hotfix/fix-line into main",
        "git push origin main",
        "git switch development && git merge --no-ff hotfix/fix-line",
    ]);
}

#[test]
fn the_back_merge_into_development_suggests_cleanup() {
    let t = with_hotfix();
    t.git(&["switch", "-q", "main"]);
    t.git(&["merge", "--no-ff", "--no-edit", "hotfix/fix-line"]);
    t.git(&["switch", "-q", "development"]);
    let run = t.git_run(&["merge", "--no-ff", "--no-edit", "hotfix/fix-line"]).ok();
    let run = run.stderr_has(&["Merged hotfix/fix-line into development", "git hotfix cleanup"]);
    assert!(!run.stderr.contains("WRONG WAY"), "{run}");
}

#[test]
fn a_fast_forward_of_a_hotfix_into_development_warns() {
    let t = with_hotfix();
    t.git(&["switch", "-q", "development"]);
    t.git_run(&["merge", "--ff-only", "hotfix/fix-line"]).ok().stderr_has(&[
        "fast-forwarded development to hotfix/fix-line",
        "R4",
        "ORIG_HEAD",
    ]);
}

#[test]
fn a_squash_of_a_hotfix_warns_and_its_undo_works_a_feature_squash_is_quiet() {
    let t = with_hotfix();
    t.git(&["switch", "-q", "development"]);
    t.write("notes.txt", "uncommitted, not ours to lose\n");
    t.git_run(&["merge", "--squash", "hotfix/fix-line"]).ok().stderr_has(&[
        "`git merge --squash` staged a copy of hotfix/fix-line on development",
        "git reset --merge",
        "git merge --no-ff hotfix/fix-line",
    ]);
    t.git(&["reset", "--merge"]);
    assert_eq!(t.git(&["status", "--porcelain"]), "?? notes.txt");
    assert!(!t.work.join(".git/SQUASH_MSG").exists());

    t.git(&["switch", "-q", "-c", "feature/search"]);
    t.commit_file("search.txt", "search\n", "Add search");
    t.git(&["switch", "-q", "development"]);
    let run = t.git_run(&["merge", "--squash", "feature/search"]).ok();
    assert!(!run.stderr.contains("git-hotfix") && !run.stderr.contains("WRONG"), "{run}");
}

#[test]
fn ordinary_pulls_and_feature_merges_are_quiet_pulling_a_hotfix_into_main_is_not() {
    let t = with_hotfix();
    t.git(&["push", "-q", "--no-verify", "origin", "hotfix/fix-line"]);
    t.git(&["switch", "-q", "main"]);
    t.git_run(&["pull", "-q", "--ff-only", "origin", "hotfix/fix-line"]).ok().stderr_has(&[
        "fast-forwarded main",
        "Fix line 2",
        "git reset --keep ORIG_HEAD",
    ]);
    t.git(&["reset", "-q", "--keep", "ORIG_HEAD"]);

    // Someone else (no hooks) commits straight to main, as teams did before adopting the
    // process, merges a feature and pushes: pulling that is not this clone's doing.
    let other = t.clone_as("other");
    t.write_in(&other, "legacy.txt", "legacy\n");
    t.run_git(&other, &["add", "."]).ok();
    t.commit_in(&other, "Legacy direct commit");
    t.run_git(&other, &["switch", "-q", "-c", "feature/x"]).ok();
    t.write_in(&other, "x.txt", "x\n");
    t.run_git(&other, &["add", "."]).ok();
    t.commit_in(&other, "Feature x");
    t.run_git(&other, &["switch", "-q", "main"]).ok();
    t.run_git(&other, &["merge", "-q", "--no-ff", "--no-edit", "feature/x"]).ok();
    t.run_git(&other, &["push", "-q", "origin", "main", "feature/x"]).ok();

    let run = t.git_run(&["pull", "-q", "--ff-only"]).ok();
    assert_eq!(run.stderr, "", "{run}");
    assert_eq!(t.rev("main"), t.rev("origin/main"));
    t.git(&["switch", "-q", "development"]);
    let run = t.git_run(&["merge", "-q", "--no-ff", "--no-edit", "origin/feature/x"]).ok();
    assert_eq!(run.stderr, "", "{run}");
}
