//! Killed at any step: a command is stopped abruptly (test builds honour
//! `GIT_HOTFIX_CRASH_AT_SPAWN=N`: no cleanup, just before the N-th program it starts) at every
//! step in turn; then the repository must be consistent, `status` must say where things stand,
//! and the one command out must complete (or undo) the work exactly.

use crate::support::{BIN, Run, TestRepo};

const BRANCH: &str = "hotfix/login-timeout";

/// `git-hotfix <args>` in the work clone, killed before its `at`-th program when `at` is set.
fn run_killed(repo: &TestRepo, args: &[&str], at: Option<usize>) -> Run {
    repo.tick();
    let mut command = repo.command(BIN, &repo.work);
    command.args(args);
    if let Some(at) = at {
        command.env("GIT_HOTFIX_CRASH_AT_SPAWN", at.to_string());
    }
    let out = command.output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A hotfix ready to finish: one commit off main, published.
fn ready() -> (TestRepo, String) {
    let repo = TestRepo::new();
    let tip = repo.hotfix_branch("login-timeout", "main", "src/app.txt", "line 1\nfixed\nline 3\n");
    repo.git(&["push", "-q", "origin", BRANCH]);
    (repo, tip)
}

/// No lock left, no broken object or ref.
#[track_caller]
fn consistent(repo: &TestRepo, when: &str) {
    for dir in [repo.work.join(".git"), repo.origin.clone()] {
        let locks: Vec<String> = walk(&dir).into_iter().filter(|p| p.ends_with(".lock")).collect();
        assert!(locks.is_empty(), "{when}: locks left: {locks:?}");
        let fsck = repo.run_git(&dir, &["fsck", "--no-progress", "--no-dangling"]);
        assert_eq!(fsck.code, 0, "{when}: {fsck}");
    }
}

fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path.display().to_string());
        }
    }
    found
}

/// Where the branches are: local main, development, the hotfix, HEAD.
fn snapshot(repo: &TestRepo) -> Vec<String> {
    ["main", "development", BRANCH, "HEAD"]
        .iter()
        .map(|r| repo.run_git(&repo.work, &["rev-parse", "--verify", "-q", r]).stdout)
        .chain([repo.git(&["symbolic-ref", "-q", "HEAD"])])
        .collect()
}

/// The process's end state: the hotfix merged into main and development on origin with merge
/// commits, and the branch gone everywhere.
#[track_caller]
fn finished(repo: &TestRepo, tip: &str, when: &str) {
    for trunk in ["main", "development"] {
        let line =
            repo.run_git(&repo.origin, &["rev-list", "--first-parent", "--parents", trunk]).stdout;
        let merged = line.lines().any(|l| l.split(' ').nth(2) == Some(tip));
        assert!(merged, "{when}: origin/{trunk} has no merge of the hotfix:\n{line}");
    }
    assert_eq!(repo.origin_rev(BRANCH), None, "{when}: the remote branch is gone");
    let local = repo.run_git(&repo.work, &["rev-parse", "--verify", "-q", BRANCH]);
    assert_ne!(local.code, 0, "{when}: the local branch is gone");
}

/// Kills `finish --push` before each of its programs in turn, then checks and gets out with
/// `--continue` (or by running it again when it was killed before its journal existed).
#[test]
fn finish_killed_at_any_step_is_completed_by_continue() {
    for at in 1.. {
        let (repo, tip) = ready();
        let run = run_killed(&repo, &["finish", "--push"], Some(at));
        if run.code == 0 {
            assert!(at > 5, "finish ran to the end after {at} programs: {run}");
            finished(&repo, &tip, "unkilled");
            break;
        }
        let when = format!("killed before program {at}");
        assert_eq!(run.code, -1, "{when}: {run}");
        consistent(&repo, &when);
        let journal = repo.work.join(".git/hotfix-finish.json").exists();
        let status = run_killed(&repo, &["status"], None);
        assert_eq!(status.code, 0, "{when}: {status}");
        if journal {
            assert!(
                status.stderr.contains("a finish of 'hotfix/login-timeout' is under way"),
                "{when}: {status}"
            );
            let out = run_killed(&repo, &["finish", "--continue"], None);
            assert_eq!(out.code, 0, "{when}: {out}");
        } else if repo.run_git(&repo.work, &["rev-parse", "--verify", "-q", BRANCH]).code == 0 {
            let out = run_killed(&repo, &["finish", "--push"], None);
            assert_eq!(out.code, 0, "{when}: {out}");
        }
        consistent(&repo, &format!("{when}, then recovered"));
        finished(&repo, &tip, &when);
    }
}

/// Kills `finish --push` before each of its programs in turn; `--abort` then puts every branch
/// back exactly, unless the branches were pushed (then it refuses and `--continue` completes).
#[test]
fn finish_killed_at_any_step_is_undone_by_abort() {
    for at in 1.. {
        let (repo, tip) = ready();
        let before = snapshot(&repo);
        let origin_before = (repo.origin_rev("main"), repo.origin_rev("development"));
        let run = run_killed(&repo, &["finish", "--push"], Some(at));
        if run.code == 0 {
            break;
        }
        let when = format!("killed before program {at}");
        if !repo.work.join(".git/hotfix-finish.json").exists() {
            continue; // before the journal (nothing done) or after it (all done): see above
        }
        let out = run_killed(&repo, &["finish", "--abort"], None);
        let pushed = (repo.origin_rev("main"), repo.origin_rev("development")) != origin_before;
        if pushed {
            assert_eq!(out.code, 1, "{when}: {out}");
            assert!(out.stderr.contains("already pushed"), "{when}: {out}");
            assert_eq!(run_killed(&repo, &["finish", "--continue"], None).code, 0, "{when}");
            finished(&repo, &tip, &when);
        } else {
            assert_eq!(out.code, 0, "{when}: {out}");
            assert_eq!(snapshot(&repo), before, "{when}: every branch back");
            assert!(!repo.work.join(".git/hotfix-finish.json").exists(), "{when}");
        }
        consistent(&repo, &format!("{when}, then aborted"));
    }
}

/// Kills `cleanup` and `check` at every step; running the same command again completes it.
#[test]
fn cleanup_and_check_killed_at_any_step_complete_when_run_again() {
    for (args, done) in
        [(&["cleanup", BRANCH][..], "cleanup"), (&["check", "tested-locally", BRANCH][..], "check")]
    {
        for at in 1.. {
            let (repo, _) = ready();
            repo.merge_on_host(BRANCH, "main");
            repo.merge_on_host(BRANCH, "development");
            repo.git(&["fetch", "-q", "origin"]);
            repo.git(&["switch", "-q", "main"]);
            let run = run_killed(&repo, args, Some(at));
            let when = format!("{done} killed before program {at}");
            consistent(&repo, &when);
            if run.code != 0 {
                assert_eq!(run.code, -1, "{when}: {run}");
                let again = run_killed(&repo, args, None);
                assert_eq!(again.code, 0, "{when}: {again}");
                consistent(&repo, &format!("{when}, then run again"));
            }
            if done == "cleanup" {
                assert_eq!(repo.origin_rev(BRANCH), None, "{when}");
                assert_ne!(
                    repo.run_git(&repo.work, &["rev-parse", "--verify", "-q", BRANCH]).code,
                    0
                );
            } else {
                let status = run_killed(&repo, &["status", BRANCH, "--json"], None);
                let report: serde_json::Value = serde_json::from_str(&status.stdout).unwrap();
                let item = report["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|i| i["id"] == "tested-locally")
                    .unwrap()
                    .clone();
                assert_eq!(item["state"], "done", "{when}: {status}");
                assert_eq!(item["mark_source"], "shared", "{when}: {status}");
            }
            if run.code == 0 {
                assert!(at > 1, "{when}");
                break;
            }
        }
    }
}

/// A lock that a killed Git left is reported with the fix, and never removed by the tool.
#[test]
fn a_stale_lock_is_reported_never_deleted() {
    let (repo, _) = ready();
    let lock = repo.work.join(".git/index.lock");
    std::fs::write(&lock, "").unwrap();
    let run = run_killed(&repo, &["finish", "--push"], None);
    assert_eq!(run.code, 2, "{run}");
    assert!(run.stderr.contains("a Git process left") && run.stderr.contains("rm -- '"), "{run}");
    assert!(lock.exists(), "the lock is still there");
    let status = run_killed(&repo, &["status"], None);
    assert_eq!(status.code, 0, "{status}");
    assert!(status.stderr.contains("index.lock"), "{status}");
    std::fs::remove_file(&lock).unwrap();
    assert_eq!(run_killed(&repo, &["finish", "--continue"], None).code, 0);
}

/// Kills `merge` before each of its programs (git, gh) in turn; running it again merges exactly
/// once, with a merge commit.
#[test]
fn merge_killed_at_any_step_merges_once_when_run_again() {
    use crate::support::github::GitHub;
    use serde_json::json;
    for at in 1.. {
        let repo = TestRepo::new();
        let gh = GitHub::start(&repo, json!({"permissions": {"bob": "write"}}));
        let tip = repo.hotfix_branch("login-timeout", "main", "src/app.txt", "fixed\n");
        gh.hotfix(&repo, &["publish", "--pr"]).ok();
        gh.update(json!({"reviews": {"1": [{"id": 1, "user": "bob", "state": "APPROVED", "commit_id": tip}]}}));
        let env = gh.env();
        let mut command = repo.command(BIN, &repo.work);
        command.args(["merge"]).envs(env.iter().map(|(k, v)| (k, v)));
        command.env("GIT_HOTFIX_CRASH_AT_SPAWN", at.to_string());
        let killed = command.output().unwrap().status.code().is_none();
        let when = format!("merge killed before program {at}");
        consistent(&repo, &when);
        // Run again as the user would, naming the target (main already has it when the kill
        // came after the host merged: then there is nothing left to do).
        gh.hotfix(&repo, &["merge", "--to", "main"]).ok();
        let merges = repo.run_git(&repo.origin, &["rev-list", "--merges", "main"]).stdout;
        assert_eq!(merges.lines().count(), 1, "{when}: one merge commit");
        let head = repo.run_git(&repo.origin, &["rev-parse", "main^2"]).stdout;
        assert_eq!(head.trim(), tip, "{when}");
        if !killed {
            assert!(at > 5, "{when}");
            break;
        }
    }
}
