//! pre-push through real `git push`, and the push scenarios that pre-receive runs too: the
//! rules are one evaluation, so every scenario is played on both sides (`Side`).

use crate::support::{Run, TestRepo, ZERO, short, write_hook};

/// Where the rules run for a push.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The pusher's pre-push hook.
    Client,
    /// The server's pre-receive hook; the pusher pushes with `--no-verify`, which must not
    /// matter.
    Server,
}

/// A `TestRepo` with the hook of one side installed, and assertions about pushes from `work`.
pub struct Sandbox {
    pub t: TestRepo,
    pub side: Side,
}

impl Sandbox {
    pub fn new(side: Side) -> Self {
        let t = TestRepo::new();
        match side {
            Side::Client => write_hook(&t.work.join(".git/hooks"), "pre-push"),
            Side::Server => write_hook(&t.origin.join("hooks"), "pre-receive"),
        }
        Self { t, side }
    }

    /// `git push <args>` from `work`.
    pub fn push(&self, args: &[&str]) -> Run {
        let mut all = vec!["push"];
        if self.side == Side::Server {
            all.push("--no-verify");
        }
        all.extend(args);
        self.t.git_run(&all).no_panic()
    }

    /// Asserts that `git push <args>` is refused for `rule`, naming `commit`, and that origin's
    /// `branch` did not move.
    #[track_caller]
    pub fn refused(&self, args: &[&str], rule: &str, commit: &str, branch: &str) -> Run {
        let before = self.t.origin_rev(&format!("refs/heads/{branch}"));
        let run = self.push(args);
        assert_ne!(run.code, 0, "expected the push to be refused\n{run}");
        let run = run.stderr_has(&[&format!("✗ {rule}"), short(commit)]);
        assert_eq!(
            self.t.origin_rev(&format!("refs/heads/{branch}")),
            before,
            "origin's {branch} moved\n{run}"
        );
        match self.side {
            Side::Client => {
                run.stderr_has(&["push refused by the hotfix rules", "git push --no-verify"])
            }
            Side::Server => run.stderr_has(&["remote: ", "pre-receive hook declined"]),
        }
    }

    /// Asserts that `git push <args>` succeeds and leaves origin's `branch` at `want`
    /// (`None`: deleted).
    #[track_caller]
    pub fn accepted(&self, args: &[&str], branch: &str, want: Option<&str>) -> Run {
        let run = self.push(args).ok();
        let now = self.t.origin_rev(&format!("refs/heads/{branch}"));
        assert_eq!(now.as_deref(), want, "origin's {branch} is not where the push put it\n{run}");
        assert!(!run.stderr.contains('✗'), "an accepted push reported an error\n{run}");
        run
    }

    pub fn switch(&self, args: &[&str]) {
        let mut all = vec!["switch", "-q"];
        all.extend(args);
        self.t.git(&all);
    }

    /// Commits `content` to `path` on the current branch.
    pub fn commit(&self, path: &str, content: &str, message: &str) -> String {
        self.t.commit_file(path, content, message)
    }

    /// A hotfix branch `name` cut from `from`, with one commit per `(path, subject)`.
    pub fn hotfix(&self, name: &str, from: &str, commits: &[(&str, &str)]) -> String {
        self.switch(&["-c", name, from]);
        let mut tip = String::new();
        for (path, subject) in commits {
            tip = self.commit(path, &format!("{subject}\n"), subject);
        }
        tip
    }

    /// `git merge --no-ff --no-edit <branch>` into the current branch.
    pub fn merge(&self, branch: &str) -> String {
        self.t.git(&["merge", "-q", "--no-ff", "--no-edit", branch]);
        self.t.rev("HEAD")
    }

    /// A development-only commit adding `feature`, pushed: development is ahead of main like
    /// in mid-sprint.
    pub fn develop(&self, feature: &str) -> String {
        self.switch(&["development"]);
        let id = self.commit(&format!("{feature}.txt"), "new\n", &format!("Add {feature}"));
        self.accepted(&["origin", "development"], "development", Some(&id));
        id
    }

    /// hotfix/fix-login (two commits) cut from main, merged into main and pushed.
    pub fn merged_hotfix(&self) -> (String, String) {
        self.hotfix(
            "hotfix/fix-login",
            "origin/main",
            &[("src/app.txt", "Fix the login timeout"), ("src/login.txt", "Log login failures")],
        );
        let first = self.t.rev("hotfix/fix-login~1");
        self.switch(&["main"]);
        let merge = self.merge("hotfix/fix-login");
        self.accepted(&["origin", "main"], "main", Some(&merge));
        (first, merge)
    }
}

/// Every scenario, played from one side; the test files call them.
pub mod scenarios {
    use super::{Sandbox, Side, short};

    pub fn squash_merge_onto_main(side: Side) {
        let s = Sandbox::new(side);
        let tip = s.hotfix("hotfix/fix-login", "origin/main", &[("src/app.txt", "Fix login")]);
        s.accepted(&["origin", "hotfix/fix-login"], "hotfix/fix-login", Some(&tip));
        s.switch(&["main"]);
        s.t.git(&["merge", "-q", "--squash", "hotfix/fix-login"]);
        let squash = s.t.commit_in(&s.t.work, "Fix login (#12)");
        s.refused(&["origin", "main"], "R3", &squash, "main")
            .stderr_has(&["is not a merge commit", "git merge --no-ff"]);
        s.t.git(&["reset", "-q", "--hard", "origin/main"]);
        let merge = s.merge("hotfix/fix-login");
        s.accepted(&["origin", "main"], "main", Some(&merge));
    }

    pub fn rebase_and_cherry_pick_onto_main(side: Side) {
        let s = Sandbox::new(side);
        s.merged_hotfix(); // main moves on, so that a rebase really rewrites
        let tip = s.hotfix("hotfix/fix-export", "origin/main~1", &[("src/export.txt", "Fix CSV")]);
        s.t.git(&["rebase", "-q", "main"]);
        let rebased = s.t.rev("HEAD");
        assert_ne!(rebased, tip);
        s.switch(&["main"]);
        s.t.git(&["merge", "-q", "--ff-only", "hotfix/fix-export"]);
        s.refused(&["origin", "main"], "R3", &rebased, "main");
        s.t.git(&["reset", "-q", "--hard", "origin/main"]);
        s.t.git(&["cherry-pick", tip.as_str()]);
        let picked = s.t.rev("HEAD");
        s.refused(&["origin", "main"], "R3", &picked, "main");
        s.t.git(&["reset", "-q", "--hard", "origin/main"]);
        let merge = s.merge("hotfix/fix-export");
        s.accepted(&["origin", "main"], "main", Some(&merge));
    }

    pub fn fast_forward_and_direct_commit_onto_main(side: Side) {
        let s = Sandbox::new(side);
        let tip = s.hotfix("hotfix/fix-login", "origin/main", &[("src/app.txt", "Fix login")]);
        s.switch(&["main"]);
        s.t.git(&["merge", "-q", "--ff-only", "hotfix/fix-login"]);
        assert_eq!(s.t.rev("main"), tip);
        s.refused(&["origin", "main"], "R3", &tip, "main");
        s.t.git(&["reset", "-q", "--hard", "origin/main"]);
        let direct = s.commit("src/app.txt", "quick edit\n", "Quick edit on main");
        s.refused(&["origin", "main"], "R3", &direct, "main");
    }

    pub fn release_merge_into_main(side: Side) {
        let s = Sandbox::new(side);
        s.develop("search");
        s.switch(&["main"]);
        let release = s.merge("origin/development");
        s.accepted(&["origin", "main"], "main", Some(&release));
        // A release branch carrying its own version bump on top of development.
        s.develop("export");
        s.hotfix("release/2.0", "origin/development", &[("VERSION", "Bump version to 2.0")]);
        s.switch(&["main"]);
        let release = s.merge("release/2.0");
        s.accepted(&["origin", "main"], "main", Some(&release));
    }

    pub fn hotfix_mixed_with_development_merged_into_main(side: Side) {
        let s = Sandbox::new(side);
        s.develop("search");
        s.hotfix("hotfix/mixed", "origin/development", &[("src/app.txt", "Fix login")]);
        s.switch(&["main"]);
        let merge = s.merge("hotfix/mixed");
        s.refused(&["origin", "main"], "R2", &merge, "main")
            .stderr_has(&["brings development commits into main"]);
    }

    pub fn hotfix_branch_base(side: Side) {
        let s = Sandbox::new(side);
        let feature = s.develop("search");
        s.hotfix("hotfix/from-dev", "origin/development", &[("src/app.txt", "Fix login")]);
        s.refused(&["origin", "hotfix/from-dev"], "R2", &feature, "hotfix/from-dev").stderr_has(&[
            "not cut from main",
            &format!("git rebase --onto main {}", short(&feature)),
        ]);
        let tip = s.hotfix("hotfix/from-main", "origin/main", &[("src/app.txt", "Fix login")]);
        s.accepted(&["origin", "hotfix/from-main"], "hotfix/from-main", Some(&tip));
        // Behind main is only a warning.
        s.switch(&["main"]);
        let merge = s.merge("hotfix/from-main");
        s.accepted(&["origin", "main"], "main", Some(&merge));
        let stale = s.hotfix("hotfix/stale", "origin/main~1", &[("src/other.txt", "Fix other")]);
        s.accepted(&["origin", "hotfix/stale"], "hotfix/stale", Some(&stale))
            .stderr_has(&["! R2", "is behind main"]);
    }

    pub fn hotfix_branch_name(side: Side) {
        let s = Sandbox::new(side);
        let bad = s.hotfix("hotfix/Bad_Name", "origin/main", &[("src/app.txt", "Fix login")]);
        s.refused(&["origin", "hotfix/Bad_Name"], "R1", &bad, "hotfix/Bad_Name")
            .stderr_has(&["does not match the name pattern", "hotfix/bad-name"]);
        s.t.git(&["branch", "-m", "hotfix/bad-name"]);
        s.accepted(&["origin", "hotfix/bad-name"], "hotfix/bad-name", Some(&bad));
    }

    pub fn oversized_hotfix(side: Side) {
        let s = Sandbox::new(side);
        let files: Vec<String> = (1..=12).map(|i| format!("src/part{i}.txt")).collect();
        let commits: Vec<(&str, &str)> =
            files.iter().map(|f| (f.as_str(), "Touch a part")).collect();
        let tip = s.hotfix("hotfix/big", "origin/main", &commits);
        s.accepted(&["origin", "hotfix/big"], "hotfix/big", Some(&tip))
            .stderr_has(&["! R6", "changes 12 file(s)"]);
        let more = s.commit("src/part13.txt", "13\n", "Touch one more part");
        let repo = if side == Side::Client { &s.t.work } else { &s.t.origin };
        s.t.run_git(repo, &["config", "hotfix.enforceSize", "true"]).ok();
        s.refused(&["origin", "hotfix/big"], "R6", &more, "hotfix/big")
            .stderr_has(&["changes 13 file(s)"]);
    }

    pub fn copies_into_development(side: Side) {
        let s = Sandbox::new(side);
        let (first, _) = s.merged_hotfix();
        s.switch(&["development"]);
        s.t.git(&["merge", "-q", "--squash", "hotfix/fix-login"]);
        let squash = s.t.commit_in(&s.t.work, "Fix login (#12)");
        s.refused(&["origin", "development"], "R4", &squash, "development")
            .stderr_has(&["squashed copy of hotfix 'hotfix/fix-login'"]);
        s.t.git(&["reset", "-q", "--hard", "origin/development"]);
        s.t.git(&["cherry-pick", first.as_str()]);
        let picked = s.t.rev("HEAD");
        s.refused(&["origin", "development"], "R4", &picked, "development")
            .stderr_has(&[&format!("copy of hotfix commit {}", short(&first))]);
    }

    pub fn legitimate_changes_into_development(side: Side) {
        let s = Sandbox::new(side);
        s.merged_hotfix();
        s.hotfix("feature/report", "origin/development", &[("report.txt", "Add the report")]);
        s.switch(&["development"]);
        s.t.git(&["merge", "-q", "--squash", "feature/report"]);
        let squash = s.t.commit_in(&s.t.work, "Add the report (#13)");
        s.accepted(&["origin", "development"], "development", Some(&squash));
        let back = s.merge("hotfix/fix-login");
        s.accepted(&["origin", "development"], "development", Some(&back));
    }

    pub fn back_merge_before_main(side: Side) {
        let s = Sandbox::new(side);
        let tip = s.hotfix("hotfix/early", "origin/main", &[("src/app.txt", "Fix login")]);
        s.accepted(&["origin", "hotfix/early"], "hotfix/early", Some(&tip));
        s.switch(&["development"]);
        let back = s.merge("hotfix/early");
        s.refused(&["origin", "development"], "R8", &tip, "development")
            .stderr_has(&["'hotfix/early' reaches development before main"]);
        s.switch(&["main"]);
        let merge = s.merge("hotfix/early");
        s.accepted(&["origin", "main"], "main", Some(&merge));
        s.accepted(&["origin", "development"], "development", Some(&back));
    }

    pub fn protected_branches(side: Side) {
        let s = Sandbox::new(side);
        let (_, merge) = s.merged_hotfix();
        let main = s.t.rev("main");
        s.refused(&["origin", "--delete", "main"], "R5", &main, "main")
            .stderr_has(&["deleting 'main' is not allowed"]);
        s.refused(&["-f", "origin", "main~1:refs/heads/main"], "R5", &merge, "main")
            .stderr_has(&["this rewinds 'main'"]);
        let feature = s.develop("search");
        s.refused(&["origin", "--delete", "development"], "R5", &feature, "development");
        s.refused(&["-f", "origin", "development~1:development"], "R5", &feature, "development");
        s.accepted(
            &["origin", "hotfix/fix-login"],
            "hotfix/fix-login",
            Some(&s.t.rev("hotfix/fix-login")),
        );
        s.accepted(&["origin", "--delete", "hotfix/fix-login"], "hotfix/fix-login", None);
    }

    pub fn unrelated_refs(side: Side) {
        let s = Sandbox::new(side);
        let feature = s.hotfix("feature/Any_Name", "origin/development", &[("f.txt", "WIP")]);
        s.t.git(&["tag", "v1"]);
        s.t.git(&["tag", "-a", "-m", "Release 2", "v2", "main"]);
        s.accepted(&["origin", "feature/Any_Name", "v1", "v2"], "feature/Any_Name", Some(&feature));
        assert_eq!(s.t.origin_rev("v2^{commit}"), Some(s.t.rev("main")));
        // No history is read for them: with a main that exists nowhere, they still pass, while
        // a hotfix branch, which is checked against main, cannot be.
        let repo = if side == Side::Client { &s.t.work } else { &s.t.origin };
        s.t.run_git(repo, &["config", "hotfix.main", "trunk"]).ok();
        s.t.git(&["commit", "-q", "--allow-empty", "-m", "More WIP"]);
        let more = s.t.rev("HEAD");
        s.accepted(&["origin", "feature/Any_Name"], "feature/Any_Name", Some(&more));
        s.hotfix("hotfix/fix-login", "origin/main", &[("src/app.txt", "Fix login")]);
        let run = s.push(&["origin", "hotfix/fix-login"]);
        assert_ne!(run.code, 0, "{run}");
        run.stderr_has(&["'trunk'"]);
        assert_eq!(s.t.origin_rev("refs/heads/hotfix/fix-login"), None);
    }

    pub fn shallow_clone_pushes_a_hotfix(side: Side) {
        let s = Sandbox::new(side);
        s.develop("search");
        let url = format!("file://{}", s.t.origin.display());
        s.t.run_git(s.t.tmp.path(), &["clone", "-q", "--depth", "1", &url, "shallow"]).ok();
        let shallow = s.t.tmp.path().join("shallow");
        if side == Side::Client {
            crate::support::write_hook(&shallow.join(".git/hooks"), "pre-push");
        }
        s.t.run_git(&shallow, &["switch", "-q", "-c", "hotfix/shallow"]).ok();
        s.t.write_in(&shallow, "src/app.txt", "fixed\n");
        s.t.run_git(&shallow, &["commit", "-q", "-am", "Fix in a shallow clone"]).ok();
        let tip = s.t.run_git(&shallow, &["rev-parse", "HEAD"]).ok().stdout.trim().to_owned();
        let mut args = vec!["push", "origin", "hotfix/shallow"];
        if side == Side::Server {
            args.insert(1, "--no-verify");
        }
        s.t.run_git(&shallow, &args).ok().no_panic();
        assert_eq!(s.t.origin_rev("refs/heads/hotfix/shallow"), Some(tip));
    }

    pub fn bootstrap_of_an_empty_remote(side: Side) {
        let t = crate::support::TestRepo::bare_only();
        let seed = t.tmp.path().join("seed");
        t.run_git(t.tmp.path(), &["init", "-q", "-b", "main", "seed"]).ok();
        t.write_in(&seed, "README.md", "# app\n");
        t.run_git(&seed, &["add", "."]).ok();
        let root = t.commit_in(&seed, "Initial commit");
        t.write_in(&seed, "README.md", "# app\n\nsecond\n");
        t.run_git(&seed, &["commit", "-q", "-am", "Direct commit before the process"]).ok();
        t.run_git(&seed, &["branch", "development"]).ok();
        t.run_git(&seed, &["branch", "hotfix/first", &root]).ok();
        let origin = t.origin.to_str().unwrap();
        t.run_git(&seed, &["remote", "add", "origin", origin]).ok();
        let mut args = vec!["push", "origin", "main", "development", "hotfix/first"];
        match side {
            Side::Client => crate::support::write_hook(&seed.join(".git/hooks"), "pre-push"),
            Side::Server => {
                crate::support::write_hook(&t.origin.join("hooks"), "pre-receive");
                args.insert(1, "--no-verify");
            }
        }
        let run = t.run_git(&seed, &args).ok().no_panic();
        let head = t.run_git(&seed, &["rev-parse", "HEAD"]).ok().stdout.trim().to_owned();
        assert_eq!(t.origin_rev("refs/heads/main").as_deref(), Some(head.as_str()), "{run}");
        assert_eq!(t.origin_rev("refs/heads/development").as_deref(), Some(head.as_str()));
        assert_eq!(t.origin_rev("refs/heads/hotfix/first"), Some(root));
    }
}

use scenarios as play;

#[test]
fn squash_merge_onto_main_is_rejected_and_a_true_merge_accepted() {
    play::squash_merge_onto_main(Side::Client);
}

#[test]
fn rebase_and_cherry_pick_onto_main_are_rejected() {
    play::rebase_and_cherry_pick_onto_main(Side::Client);
}

#[test]
fn fast_forward_and_direct_commit_onto_main_are_rejected() {
    play::fast_forward_and_direct_commit_onto_main(Side::Client);
}

#[test]
fn release_merges_into_main_are_accepted() {
    play::release_merge_into_main(Side::Client);
}

#[test]
fn a_hotfix_merge_bringing_development_commits_is_rejected() {
    play::hotfix_mixed_with_development_merged_into_main(Side::Client);
}

#[test]
fn hotfix_cut_from_development_is_rejected_and_from_main_accepted() {
    play::hotfix_branch_base(Side::Client);
}

#[test]
fn bad_hotfix_name_is_rejected_with_a_suggestion() {
    play::hotfix_branch_name(Side::Client);
}

#[test]
fn an_oversized_hotfix_warns_unless_the_team_enforces_the_size() {
    play::oversized_hotfix(Side::Client);
}

#[test]
fn copies_of_a_hotfix_into_development_are_rejected() {
    play::copies_into_development(Side::Client);
}

#[test]
fn squashed_features_and_the_true_back_merge_are_accepted() {
    play::legitimate_changes_into_development(Side::Client);
}

#[test]
fn back_merge_before_main_has_the_hotfix_is_rejected() {
    play::back_merge_before_main(Side::Client);
}

#[test]
fn deleting_or_rewinding_main_and_development_is_rejected() {
    play::protected_branches(Side::Client);
}

#[test]
fn unrelated_branches_and_tags_are_not_checked() {
    play::unrelated_refs(Side::Client);
}

#[test]
fn a_shallow_clone_can_push_a_hotfix() {
    play::shallow_clone_pushes_a_hotfix(Side::Client);
}

#[test]
fn bootstrap_push_to_an_empty_remote_is_accepted() {
    play::bootstrap_of_an_empty_remote(Side::Client);
}

/// The hook run by hand with `input` as Git's ref list, in `work`.
fn hook(t: &TestRepo, input: &str) -> Run {
    t.hotfix_with_stdin(&t.work, &["hook", "pre-push", "origin", "url"], input, &[])
}

#[test]
fn malformed_input_fails_closed_with_exit_2() {
    let t = TestRepo::new();
    let main = t.rev("main");
    hook(&t, "garbage\n").code(2).stderr_has(&["line 1", "\"garbage\""]);
    hook(&t, &format!("refs/heads/x {main} refs/heads/x {ZERO}\nnot a line at all\n"))
        .code(2)
        .stderr_has(&["line 2"]);
    hook(&t, &format!("refs/heads/main {} refs/heads/main {ZERO}\n", short(&main)))
        .code(2)
        .stderr_has(&["line 1", "not a full object id"]);
    hook(&t, &format!("refs/heads/main {main}zz refs/heads/main {ZERO}\n")).code(2);
    let sha256 = "a".repeat(64);
    hook(&t, &format!("refs/heads/main {sha256} refs/heads/main {ZERO}\n"))
        .code(2)
        .stderr_has(&["hash kind"]);
    // Unreadable bytes are not a reason to panic either.
    let run = t.hotfix_with_stdin(
        &t.work,
        &["hook", "pre-push", "origin", "url"],
        "\u{0}\u{fffd}\u{7f} \u{1}\n",
        &[],
    );
    assert_eq!(run.code, 2, "{run}");
}

#[test]
fn empty_input_and_blank_lines_pass() {
    let t = TestRepo::new();
    hook(&t, "").ok();
    hook(&t, "\n\n").ok();
}

#[test]
fn the_local_ref_may_contain_spaces() {
    let s = Sandbox::new(Side::Client);
    let main = s.t.rev("main");
    // Git passes the local side as the user typed it.
    s.accepted(
        &["origin", "main@{1 second ago}:refs/heads/hotfix/from-reflog"],
        "hotfix/from-reflog",
        Some(&main),
    );
    let line = format!("main@{{1 second ago}} {main} refs/heads/hotfix/Bad_Name {ZERO}\n");
    hook(&s.t, &line).code(1).stderr_has(&["✗ R1", "'hotfix/Bad_Name'", short(&main)]);
}

#[test]
fn a_remote_main_unknown_here_asks_for_a_fetch() {
    let s = Sandbox::new(Side::Client);
    // Someone else merges a hotfix into main first.
    let other = s.t.clone_as("other");
    s.t.run_git(&other, &["switch", "-q", "-c", "hotfix/theirs"]).ok();
    s.t.write_in(&other, "theirs.txt", "theirs\n");
    s.t.run_git(&other, &["add", "theirs.txt"]).ok();
    s.t.commit_in(&other, "Their fix");
    s.t.run_git(&other, &["switch", "-q", "main"]).ok();
    s.t.run_git(&other, &["merge", "-q", "--no-ff", "--no-edit", "hotfix/theirs"]).ok();
    s.t.run_git(&other, &["push", "-q", "origin", "main"]).ok();
    let theirs = s.t.origin_rev("refs/heads/main").unwrap();

    s.hotfix("hotfix/mine", "origin/main", &[("mine.txt", "My fix")]);
    s.switch(&["main"]);
    s.merge("hotfix/mine");
    let run = s.push(&["origin", "main"]);
    assert_ne!(run.code, 0, "{run}");
    run.stderr_has(&["the remote has commits you do not have", "git fetch", short(&theirs)]);
    assert_eq!(s.t.origin_rev("refs/heads/main"), Some(theirs));
}

#[test]
fn a_sha256_repository_fails_closed_with_a_clear_message() {
    let t = TestRepo::bare_only();
    t.run_git(t.tmp.path(), &["init", "-q", "--object-format=sha256", "s256"]).ok();
    let dir = t.tmp.path().join("s256");
    t.run_git(&dir, &["commit", "-q", "--allow-empty", "-m", "root"]).ok();
    let tip = t.run_git(&dir, &["rev-parse", "HEAD"]).ok().stdout.trim().to_owned();
    let zero = "0".repeat(64);
    let run = t.hotfix_with_stdin(
        &dir,
        &["hook", "pre-push", "origin", "url"],
        &format!("refs/heads/main {tip} refs/heads/main {zero}\n"),
        &[],
    );
    // This build reads SHA-1 repositories only: refused with a message naming the object
    // format, never let through unchecked.
    run.code(2).stderr_has(&["sha256"]);
}
