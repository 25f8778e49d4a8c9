use crate::support::TestRepo;

/// Another clone pushes a commit to main; returns its id.
fn move_origin_main(t: &TestRepo) -> String {
    let other = t.clone_as("other");
    t.write_in(&other, "src/app.txt", "line 1\nline 2 (released)\nline 3\n");
    t.run_git(&other, &["commit", "-q", "-am", "Merge branch 'release/1.1'"]).ok();
    t.run_git(&other, &["push", "-q", "origin", "main"]).ok();
    t.origin_rev("main").unwrap()
}

fn current_branch(t: &TestRepo) -> String {
    t.git(&["branch", "--show-current"])
}

#[test]
fn starts_from_origin_main_after_it_moved_on() {
    let t = TestRepo::new();
    let old = t.rev("main");
    let new = move_origin_main(&t);
    assert_ne!(old, new);
    t.hotfix(&["start", "Fix Authentication Timeout"]).ok().stdout_has(&[
        "hotfix/fix-authentication-timeout",
        "git hotfix publish",
        "Next steps",
    ]);
    assert_eq!(current_branch(&t), "hotfix/fix-authentication-timeout");
    assert_eq!(t.rev("hotfix/fix-authentication-timeout"), new);
    assert_eq!(t.rev("origin/main"), new);
    assert_eq!(t.rev("main"), new, "local main is fast-forwarded");
    // The hotfix does not track main: a bare `git push` must not go there.
    let upstream = t.git_run(&["rev-parse", "--abbrev-ref", "@{upstream}"]);
    assert_ne!(upstream.code, 0, "{upstream}");
}

#[test]
fn starts_when_main_is_not_checked_out() {
    let t = TestRepo::new();
    t.git(&["switch", "-q", "development"]);
    let new = move_origin_main(&t);
    t.hotfix(&["start", "fix-login"]).ok();
    assert_eq!(t.rev("hotfix/fix-login"), new);
    assert_eq!(t.rev("main"), new);
    assert_eq!(current_branch(&t), "hotfix/fix-login");
}

#[test]
fn no_fetch_starts_from_what_was_fetched_before() {
    let t = TestRepo::new();
    let old = t.rev("origin/main");
    let new = move_origin_main(&t);
    t.hotfix(&["start", "--no-fetch", "fix-login"]).ok();
    assert_eq!(t.rev("hotfix/fix-login"), old);
    assert_eq!(t.rev("origin/main"), old, "nothing was fetched");
    t.git(&["switch", "-q", "main"]);
    t.hotfix(&["start", "fix-logout"]).ok();
    assert_eq!(t.rev("hotfix/fix-logout"), new);
}

#[test]
fn refuses_uncommitted_changes_and_keeps_them() {
    let t = TestRepo::new();
    t.write("src/app.txt", "my unfinished edit\n");
    t.write("staged.txt", "staged\n");
    t.git(&["add", "staged.txt"]);
    t.hotfix(&["start", "fix-login"]).code(1).stderr_has(&[
        "uncommitted changes",
        "src/app.txt",
        "staged.txt",
        "git stash",
    ]);
    assert_eq!(
        std::fs::read_to_string(t.work.join("src/app.txt")).unwrap(),
        "my unfinished edit\n"
    );
    assert_eq!(t.git(&["diff", "--cached", "--name-only"]), "staged.txt");
    assert_eq!(current_branch(&t), "main");
    assert!(t.git_run(&["rev-parse", "--verify", "-q", "hotfix/fix-login"]).code != 0);

    // Untracked files are no obstacle and stay where they are.
    let t = TestRepo::new();
    t.write("notes.txt", "scratch\n");
    t.hotfix(&["start", "fix-login"]).ok();
    assert_eq!(std::fs::read_to_string(t.work.join("notes.txt")).unwrap(), "scratch\n");
}

#[test]
fn refuses_a_name_taken_locally() {
    let t = TestRepo::new();
    t.git(&["branch", "hotfix/fix-login"]);
    t.hotfix(&["start", "Fix login"])
        .code(1)
        .stderr_has(&["'hotfix/fix-login' already exists", "git switch hotfix/fix-login"]);
    assert_eq!(current_branch(&t), "main");
    t.hotfix(&["start", "Fix login again"]).ok();
    assert_eq!(current_branch(&t), "hotfix/fix-login-again");
}

#[test]
fn refuses_a_name_taken_on_the_remote_even_before_fetching_it() {
    let t = TestRepo::new();
    let other = t.clone_as("other");
    t.run_git(&other, &["push", "-q", "origin", "main:hotfix/fix-login"]).ok();
    t.hotfix(&["start", "fix-login"]).code(1).stderr_has(&["already exists on the remote"]);
    assert_eq!(current_branch(&t), "main");
    t.hotfix(&["start", "fix-logout"]).ok();
    assert_eq!(current_branch(&t), "hotfix/fix-logout");
}

#[test]
fn a_branch_deleted_on_the_remote_is_free_again() {
    let t = TestRepo::new();
    t.git(&["push", "-q", "origin", "main:hotfix/fix-login"]);
    t.git(&["fetch", "-q"]);
    t.run_git(&t.origin, &["branch", "-D", "hotfix/fix-login"]).ok();
    t.hotfix(&["start", "fix-login"]).ok();
    assert_eq!(current_branch(&t), "hotfix/fix-login");
}

#[test]
fn refuses_when_local_main_has_unpushed_commits() {
    let t = TestRepo::new();
    let local = t.commit_file("local.txt", "oops\n", "Commit made on main by mistake");
    t.hotfix(&["start", "fix-login"]).code(1).stderr_has(&[
        "local main has 1 commit(s) that origin/main lacks",
        &local[..7],
        "Commit made on main by mistake",
    ]);
    assert_eq!(t.rev("main"), local, "main is left alone");
    assert_eq!(current_branch(&t), "main");
    t.git(&["push", "-q", "origin", "main"]);
    t.hotfix(&["start", "fix-login"]).ok();
    assert_eq!(t.rev("hotfix/fix-login"), local);
}

#[test]
fn odd_descriptions_become_valid_names_or_clear_refusals() {
    let t = TestRepo::new();
    let long = "word ".repeat(60);
    let cases: &[(&[&str], Option<&str>)] = &[
        (&["start", "-x"], Some("hotfix/x")),
        (&["start", "--", "-y"], Some("hotfix/y")),
        (&["start", "a..b"], Some("hotfix/a-b")),
        (&["start", "  spaces   and\ttabs "], Some("hotfix/spaces-and-tabs")),
        (&["start", "Ünïcode bug"], Some("hotfix/n-code-bug")),
        (&["start", "hotfix/Already Prefixed"], Some("hotfix/already-prefixed")),
        (&["start", "bump to v1.2.3"], Some("hotfix/bump-to-v1.2.3")),
        (&["start", &long], None),
        (&["start", "@{"], None),
        (&["start", "..."], None),
        (&["start", ""], None),
    ];
    for (args, want) in cases {
        t.git(&["switch", "-q", "main"]);
        let run = t.hotfix(args);
        match want {
            Some(branch) => {
                let run = run.ok();
                assert_eq!(current_branch(&t), *branch, "{args:?}\n{run}");
            }
            None if args[1] == long => {
                let run = run.ok();
                let branch = current_branch(&t);
                assert_eq!(branch.len(), "hotfix/".len() + 64, "{run}");
                t.git(&["check-ref-format", "--branch", &branch]);
            }
            None => {
                run.code(1).stderr_has(&["no letters or digits"]);
                assert_eq!(current_branch(&t), "main");
            }
        }
    }
}

#[test]
fn a_team_pattern_is_enforced_and_may_keep_capitals() {
    let t = TestRepo::new();
    t.write(".githotfix.toml", "name_pattern = '^[A-Z]+-[0-9]+-[a-z-]+$'\n");
    t.git(&["add", ".githotfix.toml"]);
    t.git(&["commit", "-qm", "Add hotfix settings"]);
    t.git(&["push", "-q", "origin", "main"]);
    t.hotfix(&["start", "fix login"]).code(1).stderr_has(&["does not match the name pattern"]);
    t.hotfix(&["start", "OPS-12-fix-login"]).ok();
    assert_eq!(current_branch(&t), "hotfix/OPS-12-fix-login");
}

#[test]
fn detached_head_on_a_known_commit_is_fine() {
    let t = TestRepo::new();
    t.git(&["switch", "-q", "--detach", "HEAD"]);
    t.hotfix(&["start", "fix-login"]).ok();
    assert_eq!(current_branch(&t), "hotfix/fix-login");
}

#[test]
fn detached_head_with_commits_no_branch_holds_is_refused() {
    let t = TestRepo::new();
    t.git(&["switch", "-q", "--detach", "HEAD"]);
    let lost = t.commit_file("probe.txt", "x\n", "Experiment on a detached HEAD");
    t.hotfix(&["start", "fix-login"]).code(1).stderr_has(&[
        "HEAD is detached",
        &lost[..7],
        "git branch <name>",
    ]);
    assert_eq!(t.rev("HEAD"), lost);
    t.git(&["branch", "experiment"]);
    t.hotfix(&["start", "fix-login"]).ok();
    assert_eq!(t.rev("experiment"), lost);
}

#[test]
fn warns_about_another_open_hotfix() {
    let t = TestRepo::new();
    let first = t.hotfix(&["start", "fix-login"]).ok();
    assert!(!first.stderr.contains("other hotfix"), "{first}");
    t.git(&["switch", "-q", "main"]);
    t.hotfix(&["start", "fix-logout"])
        .ok()
        .stderr_has(&["other hotfix branches are open", "hotfix/fix-login (in progress)"]);
}

#[test]
fn without_a_reachable_remote_it_says_to_use_no_fetch() {
    let t = TestRepo::new();
    t.git(&["remote", "set-url", "origin", t.tmp.path().join("gone.git").to_str().unwrap()]);
    t.hotfix(&["start", "fix-login"])
        .code(2)
        .stderr_has(&["could not fetch main from origin", "--no-fetch"]);
    assert_eq!(current_branch(&t), "main");
    t.hotfix(&["start", "--no-fetch", "fix-login"]).ok();

    let t = TestRepo::new();
    t.git(&["remote", "remove", "origin"]);
    t.hotfix(&["start", "fix-login"]).code(2).stderr_has(&["no remote 'origin'", "--no-fetch"]);
    t.hotfix(&["start", "--no-fetch", "fix-login"]).ok();
    assert_eq!(t.rev("hotfix/fix-login"), t.rev("main"));
}

#[test]
fn empty_and_bare_repositories_are_clear_errors() {
    let t = TestRepo::bare_only();
    let empty = t.tmp.path().join("empty");
    t.run_git(t.tmp.path(), &["init", "-q", "empty"]).ok();
    t.hotfix_in(&empty, &["start", "--no-fetch", "fix-login"])
        .code(2)
        .stderr_has(&["'main' was found neither"]);
    t.hotfix_in(&t.origin, &["start", "fix-login"]).code(2).stderr_has(&["bare repository"]);
}

#[test]
fn works_in_a_shallow_clone() {
    let t = TestRepo::new();
    let new = move_origin_main(&t);
    let url = format!("file://{}", t.origin.display());
    t.run_git(t.tmp.path(), &["clone", "-q", "--depth", "1", &url, "shallow"]).ok();
    let shallow = t.tmp.path().join("shallow");
    t.hotfix_in(&shallow, &["start", "fix-login"]).ok();
    let tip = t.run_git(&shallow, &["rev-parse", "hotfix/fix-login"]).ok();
    assert_eq!(tip.stdout.trim(), new);
}

#[test]
fn main_checked_out_in_another_worktree_is_left_alone_with_a_warning() {
    let t = TestRepo::new();
    let old = t.rev("main");
    t.git(&["switch", "-q", "development"]);
    let other = t.tmp.path().join("main-worktree");
    t.git(&["worktree", "add", "-q", other.to_str().unwrap(), "main"]);
    let new = move_origin_main(&t);
    t.hotfix(&["start", "fix-login"]).ok().stderr_has(&["local main stays at", "merge --ff-only"]);
    assert_eq!(t.rev("hotfix/fix-login"), new);
    assert_eq!(t.rev("main"), old);
}

#[test]
fn starts_from_a_subdirectory_and_from_a_linked_worktree() {
    let t = TestRepo::new();
    let new = move_origin_main(&t);
    t.hotfix_in(&t.work.join("src"), &["start", "fix-login"]).ok();
    assert_eq!(t.rev("hotfix/fix-login"), new);
    assert_eq!(t.rev("main"), new);

    let t = TestRepo::new();
    t.git(&["switch", "-q", "development"]);
    let linked = t.tmp.path().join("linked");
    t.git(&["worktree", "add", "-q", "--detach", linked.to_str().unwrap(), "main"]);
    let new = move_origin_main(&t);
    t.hotfix_in(&linked, &["start", "fix-login"]).ok();
    let head = t.run_git(&linked, &["branch", "--show-current"]).ok();
    assert_eq!(head.stdout.trim(), "hotfix/fix-login");
    assert_eq!(t.rev("hotfix/fix-login"), new);
    assert_eq!(t.rev("main"), new);
}
