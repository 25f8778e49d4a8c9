//! prepare-commit-msg through real `git commit`, `merge`, `cherry-pick` and `rebase`, with the
//! hooks installed by `git hotfix install`.

use crate::support::{BIN, TestRepo};

/// A clone with the hooks installed and a hotfix branch `name` holding one commit, cut from
/// main and left checked out.
fn with_hotfix(name: &str) -> TestRepo {
    let t = TestRepo::new();
    t.install_hooks();
    t.git(&["switch", "-q", "-c", name]);
    t.commit_file("src/app.txt", "line 1\nline 2 fixed\nline 3\n", "Fix line 2");
    t
}

fn stage(t: &TestRepo, path: &str, content: &str) {
    t.write(path, content);
    t.git(&["add", "--", path]);
}

/// Lines of HEAD's message that are guidance lines naming the branch.
fn guidance_count(t: &TestRepo) -> usize {
    t.git(&["log", "-1", "--format=%B"])
        .lines()
        .filter(|l| l.starts_with("# git-hotfix: hotfix branch"))
        .count()
}

#[test]
fn a_plain_commit_on_main_is_refused_and_hotfix_skip_lets_it_through() {
    let t = TestRepo::new();
    t.install_hooks();
    let before = t.rev("HEAD");
    stage(&t, "src/app.txt", "changed on main\n");
    t.git_run(&["commit", "-m", "Quick fix"]).code(1).stderr_has(&[
        "refusing to commit directly on 'main'",
        "R3",
        "git switch -c hotfix/<desc>",
        "HOTFIX_SKIP=1 git commit",
    ]);
    assert_eq!(t.rev("HEAD"), before);
    // --no-verify does not skip prepare-commit-msg: the refusal still stands.
    t.git_run(&["commit", "--no-verify", "-m", "Quick fix"]).code(1);
    // Amending main's last commit, a plain one, is a plain commit on main all the same.
    t.git_run(&["commit", "--amend", "--no-edit"]).code(1).stderr_has(&["directly on 'main'"]);
    t.run_with("git", &t.work, &["commit", "-q", "-m", "Quick fix"], &[("HOTFIX_SKIP", "1")]).ok();
    assert_eq!(t.rev("HEAD~1"), before);
}

#[test]
fn a_merge_commit_on_main_is_allowed_even_after_a_conflict() {
    let t = with_hotfix("hotfix/fix-line");
    t.git(&["switch", "-q", "main"]);
    t.git(&["merge", "--no-ff", "--no-edit", "hotfix/fix-line"]);
    assert_eq!(t.git(&["rev-list", "--parents", "-1", "HEAD"]).split(' ').count(), 3);
    // Amending the merge (to fix its message, say) keeps it a merge.
    t.git(&["commit", "-q", "--amend", "--no-edit", "--date=now"]);
    assert_eq!(t.git(&["rev-list", "--parents", "-1", "HEAD"]).split(' ').count(), 3);

    // A conflicting merge, resolved by hand and concluded with `git commit`.
    t.git(&["switch", "-q", "-c", "hotfix/other", "main~1"]);
    t.commit_file("src/app.txt", "line 1\nline 2 other\nline 3\n", "Other fix");
    t.git(&["switch", "-q", "main"]);
    t.git_run(&["merge", "--no-ff", "--no-edit", "hotfix/other"]).code(1);
    stage(&t, "src/app.txt", "line 1\nline 2 both\nline 3\n");
    t.git(&["commit", "--no-edit"]);
    assert_eq!(t.git(&["rev-list", "--parents", "-1", "HEAD"]).split(' ').count(), 3);
}

#[test]
fn commits_on_feature_and_development_branches_are_not_our_business() {
    let t = TestRepo::new();
    t.install_hooks();
    t.git(&["switch", "-q", "-c", "feature/search"]);
    t.commit_file("search.txt", "search\n", "Add search");
    t.git(&["switch", "-q", "development"]);
    t.commit_file("dev.txt", "dev\n", "Development work");
}

#[test]
fn cherry_picking_onto_main_is_refused_with_the_way_back() {
    let t = with_hotfix("hotfix/fix-line");
    let fix = t.rev("HEAD");
    t.git(&["switch", "-q", "main"]);
    let before = t.rev("HEAD");
    t.git_run(&["cherry-pick", &fix]).code(128).stderr_has(&[
        "refusing to cherry-pick",
        "Fix line 2",
        "onto 'main'",
        "git cherry-pick --abort",
    ]);
    t.git(&["cherry-pick", "--abort"]);
    assert_eq!(t.rev("HEAD"), before);
    // The same pick onto another branch is fine.
    t.git(&["switch", "-q", "-c", "feature/port"]);
    t.git(&["cherry-pick", &fix]);
}

#[test]
fn rebasing_main_is_refused_because_it_flattens_merges() {
    let t = with_hotfix("hotfix/fix-line");
    t.git(&["switch", "-q", "main"]);
    t.git(&["merge", "--no-ff", "--no-edit", "hotfix/fix-line"]);
    t.git(&["switch", "-q", "-c", "elsewhere", "origin/main"]);
    t.commit_file("other.txt", "other\n", "Another base");
    t.git(&["switch", "-q", "main"]);
    let merge = t.rev("HEAD");
    t.git_run(&["rebase", "elsewhere"]).code(1).stderr_has(&[
        "refusing to rebase 'main'",
        "git rebase --abort",
        "git pull --no-rebase",
    ]);
    t.git(&["rebase", "--abort"]);
    assert_eq!(t.rev("main"), merge);
}

#[test]
fn a_squash_of_a_hotfix_onto_development_is_refused() {
    let t = with_hotfix("hotfix/fix-line");
    t.git(&["switch", "-q", "development"]);
    let before = t.rev("HEAD");
    t.git(&["merge", "--squash", "hotfix/fix-line"]);
    // `-m` makes Git pass the source `message`, not `squash`: SQUASH_MSG still tells.
    t.git_run(&["commit", "-m", "Squashed fix"]).code(1).stderr_has(&[
        "refusing to commit a squash of hotfix/fix-line onto 'development'",
        "R4",
        "Fix line 2",
        "git reset --merge",
        "git merge --no-ff hotfix/fix-line",
    ]);
    t.git_run(&["commit", "--no-edit"]).code(1).stderr_has(&["refusing to commit a squash"]);
    assert_eq!(t.rev("HEAD"), before);
    // The printed way back works and the proper merge goes through.
    t.git(&["reset", "--merge"]);
    assert_eq!(t.git(&["status", "--porcelain"]), "");
    t.git(&["merge", "--no-ff", "--no-edit", "hotfix/fix-line"]);
}

#[test]
fn a_squash_of_a_feature_onto_development_is_allowed() {
    let t = TestRepo::new();
    t.install_hooks();
    t.git(&["switch", "-q", "-c", "feature/search", "development"]);
    t.commit_file("search.txt", "search\n", "Add search");
    t.git(&["switch", "-q", "development"]);
    t.git(&["merge", "--squash", "feature/search"]);
    t.git(&["commit", "-q", "-m", "Search (squashed)"]);
    assert_eq!(t.git(&["log", "-1", "--format=%s"]), "Search (squashed)");
}

#[test]
fn a_squash_onto_main_is_refused_whatever_it_brings() {
    let t = TestRepo::new();
    t.install_hooks();
    t.git(&["switch", "-q", "development"]);
    t.commit_file("dev.txt", "dev\n", "Sprint work");
    t.git(&["switch", "-q", "main"]);
    t.git(&["merge", "--squash", "development"]);
    t.git_run(&["commit", "-m", "Release"]).code(1).stderr_has(&[
        "refusing to commit a squash of development onto 'main'",
        "R3",
        "Sprint work",
        "git reset --merge",
        "git merge --no-ff development",
    ]);
}

#[test]
fn a_squash_of_main_onto_development_is_refused() {
    let t = with_hotfix("hotfix/fix-line");
    t.git(&["switch", "-q", "main"]);
    t.git(&["merge", "--no-ff", "--no-edit", "hotfix/fix-line"]);
    t.git(&["branch", "-q", "-D", "hotfix/fix-line"]);
    t.git(&["switch", "-q", "development"]);
    t.git(&["merge", "--squash", "main"]);
    t.git_run(&["commit", "-m", "Sync"]).code(1).stderr_has(&[
        "squash of main onto 'development'",
        "R4",
        "git merge --no-ff main",
    ]);
}

#[test]
fn a_hotfix_branch_with_a_bad_name_is_refused_a_good_one_is_not() {
    let t = TestRepo::new();
    t.install_hooks();
    t.git(&["switch", "-q", "-c", "hotfix/Fix_Login"]);
    stage(&t, "src/app.txt", "fixed\n");
    t.git_run(&["commit", "-m", "Fix login"]).code(1).stderr_has(&[
        "R1",
        "hotfix/Fix_Login",
        "git branch -m -- 'hotfix/Fix_Login' 'hotfix/fix-login'",
        "HOTFIX_SKIP=1",
    ]);
    t.git(&["branch", "-m", "--", "hotfix/Fix_Login", "hotfix/fix-login"]);
    t.git(&["commit", "-q", "-m", "Fix login"]);
}

#[test]
fn guidance_is_there_exactly_once_after_an_amend_and_a_rebase() {
    let t = TestRepo::new();
    t.install_hooks();
    t.git(&["switch", "-q", "-c", "hotfix/fix-login"]);
    stage(&t, "src/app.txt", "line 1\nline 2 fixed\nline 3\n");
    // With an editor and --cleanup=verbatim the comment lines stay in the commit, where a
    // second run would show up as a duplicate.
    let editor = [("GIT_EDITOR", "true")];
    let verbatim = ["-c", "commit.cleanup=verbatim", "commit", "-q"];
    t.run_with("git", &t.work, &[&verbatim[..], &["-e", "-m", "Fix login"]].concat(), &editor).ok();
    let message = t.git(&["log", "-1", "--format=%B"]);
    assert!(
        message.contains(
            "# git-hotfix: changed so far, this commit included: 1 of at most 10 files, \
             2 of at most 200 lines"
        ),
        "{message}"
    );
    assert_eq!(guidance_count(&t), 1);

    stage(&t, "README.md", "# app, fixed\n");
    t.run_with("git", &t.work, &[&verbatim[..], &["--amend"]].concat(), &editor).ok();
    assert_eq!(guidance_count(&t), 1);
    assert!(t.git(&["log", "-1", "--format=%B"]).contains("2 of at most 10 files"));

    // A rebase runs the hook for every commit it replays; a reword opens the editor again.
    t.git(&["rebase", "-q", "--force-rebase", "main"]);
    assert_eq!(guidance_count(&t), 1);
    let reword = [("GIT_EDITOR", "true"), ("GIT_SEQUENCE_EDITOR", "sed -i s/^pick/reword/")];
    let rebase = ["-c", "commit.cleanup=verbatim", "rebase", "-q", "-i", "--force-rebase", "main"];
    t.run_with("git", &t.work, &rebase, &reword).ok();
    assert_eq!(guidance_count(&t), 1);
}

#[test]
fn no_guidance_when_no_editor_opens() {
    let t = TestRepo::new();
    t.install_hooks();
    t.git(&["switch", "-q", "-c", "hotfix/fix-login"]);
    stage(&t, "src/app.txt", "fixed\n");
    t.git(&["-c", "commit.cleanup=verbatim", "commit", "-q", "-m", "Fix login"]);
    assert_eq!(t.git(&["log", "-1", "--format=%B"]), "Fix login");
}

#[test]
fn the_hook_keeps_foreign_bytes_and_honours_the_comment_char() {
    let t = TestRepo::new();
    t.git(&["switch", "-q", "-c", "hotfix/fix-login"]);
    // A relative path, as Git passes it in the main worktree; Latin-1 and no final newline.
    let file = t.work.join(".git/COMMIT_EDITMSG");
    std::fs::write(&file, b"Caf\xe9 fix").unwrap();
    let args = ["hook", "prepare-commit-msg", ".git/COMMIT_EDITMSG", "message"];
    let env = [("GIT_EDITOR", "true")];
    for _ in 0..2 {
        t.run_with(BIN, &t.work, &args, &env).ok();
    }
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.starts_with(b"Caf\xe9 fix\n# git-hotfix: hotfix branch 'hotfix/fix-login'"));
    assert_eq!(String::from_utf8_lossy(&bytes).matches("git-hotfix: hotfix branch").count(), 1);

    std::fs::write(&file, b"Fix\n").unwrap();
    t.git(&["config", "core.commentChar", ";"]);
    t.run_with(BIN, &t.work, &args, &env).ok();
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.starts_with("Fix\n; git-hotfix: hotfix branch"), "{text}");
}

#[test]
fn a_broken_configuration_warns_but_never_blocks_a_commit() {
    let t = TestRepo::new();
    t.install_hooks();
    t.write(".githotfix.toml", "no_such_key = 1\n");
    stage(&t, "src/app.txt", "changed\n");
    t.git_run(&["commit", "-q", "-m", "Commit anyway"]).ok().stderr_has(&[
        "warning:",
        "could not check this commit",
        "no_such_key",
    ]);
}
