//! `git hotfix publish --pr` and `git hotfix merge` against the GitHub stand-in through the
//! real `gh`; the stand-in merges for real on the test's bare origin.

use crate::support::TestRepo;
use crate::support::github::GitHub;
use serde_json::json;

/// A published hotfix with an open pull request into main (#1), approved by bob (write).
fn published(settings: serde_json::Value) -> (TestRepo, GitHub, String) {
    let repo = TestRepo::new();
    let gh = GitHub::start(&repo, settings);
    let tip = repo.hotfix_branch("login-timeout", "main", "src/app.txt", "line 1\nfixed\nline 3\n");
    gh.hotfix(&repo, &["publish", "--pr"]).ok();
    gh.update(json!({
        "permissions": {"bob": "write", "carol": "read"},
        "reviews": {"1": [{"id": 1, "user": "bob", "state": "APPROVED", "commit_id": tip}]}
    }));
    (repo, gh, tip)
}

/// The parents of `branch`'s tip on origin.
fn parents_on_origin(repo: &TestRepo, branch: &str) -> Vec<String> {
    let out = repo.run_git(&repo.origin, &["rev-list", "--parents", "-n", "1", branch]).ok();
    out.stdout.split_whitespace().skip(1).map(str::to_owned).collect()
}

#[test]
fn publish_pr_opens_the_pull_request_and_asks_the_reviewers() {
    let repo = TestRepo::new();
    let gh = GitHub::start(&repo, json!({"permissions": {"bob": "write"}}));
    repo.git(&["config", "hotfix.reviewers", "bob,acme/team-leads"]);
    let tip = repo.hotfix_branch("login-timeout", "main", "src/app.txt", "fixed\n");
    let run = gh.hotfix(&repo, &["publish", "--pr"]).ok();
    assert!(run.stdout.contains("https://github.localhost/acme/shop/pull/1"), "{run}");
    let pull = &gh.state()["pulls"][0];
    assert_eq!(
        (pull["head"].as_str(), pull["base"].as_str()),
        (Some("hotfix/login-timeout"), Some("main"))
    );
    let body = pull["body"].as_str().unwrap();
    assert!(body.contains(&format!("- {} Fix login-timeout", &tip[..7])), "{body}");
    assert!(body.contains("- [ ] Merged with a merge commit"), "{body}");
    assert_eq!(pull["title"], "Fix login-timeout");
    let asked = &gh.state()["requested_reviewers"]["1"];
    assert_eq!(asked["users"], json!(["bob"]), "{run}");
    assert_eq!(asked["teams"], json!(["team-leads"]), "{run}");
    // Asking the author fails on GitHub: the pull request stays, with a warning.
    repo.git(&["config", "hotfix.reviewers", "alice"]);
    repo.git(&["switch", "-q", "-c", "hotfix/other", "main"]);
    repo.commit_file("other.txt", "x\n", "Other fix");
    let run = gh.hotfix(&repo, &["publish", "--pr"]).ok();
    assert!(
        run.stderr.contains("the pull request is open, but asking alice for a review failed"),
        "{run}"
    );
    // Only REST calls, never `gh pr`.
    assert!(gh.calls().iter().any(|c| c == "POST /repos/acme/shop/pulls"), "{:?}", gh.calls());
}

#[test]
fn merge_makes_a_merge_commit_of_the_checked_head_and_confirms_it() {
    let (repo, gh, tip) = published(json!({}));
    let old_main = repo.origin_rev("main").unwrap();
    let run = gh.hotfix(&repo, &["merge"]).ok();
    assert_eq!(parents_on_origin(&repo, "main"), [old_main, tip.clone()], "{run}");
    assert!(run.stdout.contains("a merge commit of 'hotfix/login-timeout'"), "{run}");
    assert!(run.stderr.contains("next: watch the deployment"), "{run}");
    // Pinned to the head it checked, with the merge method, and the branch kept.
    let merge = gh.requests().into_iter().find(|r| r["method"] == "PUT").unwrap();
    assert_eq!(merge["body"], json!({"merge_method": "merge", "sha": tip}));
    assert!(repo.origin_rev("hotfix/login-timeout").is_some());
}

#[test]
fn a_host_that_squashes_anyway_is_caught() {
    let (repo, gh, _) = published(json!({"merge_behaviour": "squash"}));
    let run = gh.hotfix(&repo, &["merge"]).code(1);
    assert!(run.stderr.contains("the process was broken on GitHub: main is now"), "{run}");
    assert!(run.stderr.contains("squashed or rebased"), "{run}");
    assert!(run.stderr.contains("git merge --no-ff hotfix/login-timeout"), "{run}");
}

#[test]
fn dry_run_checks_everything_and_merges_nothing() {
    let (repo, gh, tip) = published(json!({}));
    let before = repo.origin_rev("main");
    let run = gh.hotfix(&repo, &["merge", "--dry-run"]).ok();
    assert!(run.stdout.contains(&format!("would run: gh api --hostname github.localhost --method PUT repos/acme/shop/pulls/1/merge (merge_method=merge, sha={tip})")), "{run}");
    assert_eq!(repo.origin_rev("main"), before);
}

#[test]
fn refuses_without_an_approval_by_someone_with_write_access() {
    let (repo, gh, tip) = published(json!({}));
    gh.update(json!({"reviews": {"1": [{"id": 1, "user": "carol", "state": "APPROVED", "commit_id": tip}]}}));
    gh.hotfix(&repo, &["merge"])
        .code(1)
        .stderr_has(&["no approval of its current head", "carol (read)"]);
    // An approval of an older head does not count either.
    gh.update(json!({"reviews": {"1": [{"id": 2, "user": "bob", "state": "APPROVED", "commit_id": "0000000000000000000000000000000000000001"}]}}));
    gh.hotfix(&repo, &["merge"]).code(1).stderr_has(&["no approval"]);
    // Changes requested after an approval win.
    gh.update(json!({"reviews": {"1": [
        {"id": 3, "user": "bob", "state": "APPROVED", "commit_id": tip},
        {"id": 4, "user": "bob", "state": "CHANGES_REQUESTED", "commit_id": tip}]}}));
    gh.hotfix(&repo, &["merge"]).code(1).stderr_has(&["no approval"]);
    // A solo project turns the review off.
    repo.git(&["config", "hotfix.review", "none"]);
    gh.hotfix(&repo, &["merge"]).ok();
}

#[test]
fn refuses_a_draft_a_conflict_and_a_head_github_has_not_seen() {
    let (repo, gh, _) = published(json!({}));
    gh.update(json!({"pulls": [{"number": 1, "title": "t", "head": "hotfix/login-timeout", "base": "main", "draft": true, "state": "open", "user": "alice"}]}));
    gh.hotfix(&repo, &["merge"]).code(1).stderr_has(&["#1 is a draft"]);
    gh.update(json!({"pulls": [{"number": 1, "title": "t", "head": "hotfix/login-timeout", "base": "main", "draft": false, "state": "open", "user": "alice", "mergeable": false, "mergeable_state": "dirty"}]}));
    gh.hotfix(&repo, &["merge"]).code(1).stderr_has(&["conflicts with main"]);
    gh.update(json!({"pulls": [{"number": 1, "title": "t", "head": "hotfix/login-timeout", "base": "main", "draft": false, "state": "open", "user": "alice", "mergeable": true, "mergeable_state": "blocked"}]}));
    gh.hotfix(&repo, &["merge"]).code(1).stderr_has(&["a required check or review is missing"]);
    assert!(gh.requests().iter().all(|r| r["method"] != "PUT"));
}

#[test]
fn refuses_without_a_pull_request_and_into_development_before_main() {
    let repo = TestRepo::new();
    let gh = GitHub::start(&repo, json!({}));
    repo.hotfix_branch("login-timeout", "main", "src/app.txt", "fixed\n");
    repo.git(&["push", "-q", "-u", "origin", "hotfix/login-timeout"]);
    gh.hotfix(&repo, &["merge"])
        .code(1)
        .stderr_has(&["no open pull request", "git hotfix publish --pr --to main"]);
    gh.hotfix(&repo, &["merge", "--to", "development"])
        .code(1)
        .stderr_has(&["only after main has it (R8)"]);
}

#[test]
fn a_hotfix_cut_from_development_is_refused_and_one_from_main_merged() {
    let repo = TestRepo::new();
    let gh = GitHub::start(&repo, json!({}));
    repo.git(&["config", "hotfix.review", "none"]);
    repo.git(&["switch", "-q", "development"]);
    repo.commit_file("feature.txt", "new\n", "Add a feature");
    repo.git(&["push", "-q", "origin", "development"]);
    // Cut from development: it carries the feature into main (R2).
    repo.hotfix_branch("from-dev", "development", "src/app.txt", "fixed\n");
    repo.git(&["push", "-q", "-u", "origin", "hotfix/from-dev"]);
    gh.update(json!({"pulls": [{"number": 1, "title": "t", "head": "hotfix/from-dev", "base": "main", "draft": false, "state": "open", "user": "alice"}]}));
    let before = repo.origin_rev("main");
    gh.hotfix(&repo, &["merge", "hotfix/from-dev"]).code(1).stderr_has(&["R2", "was not merged"]);
    assert_eq!(repo.origin_rev("main"), before);
    assert!(gh.requests().iter().all(|r| r["method"] != "PUT"));
    // The same fix cut from main merges.
    repo.hotfix_branch("from-main", "main", "src/app.txt", "fixed\n");
    repo.git(&["push", "-q", "-u", "origin", "hotfix/from-main"]);
    gh.update(json!({"pulls": [{"number": 2, "title": "t", "head": "hotfix/from-main", "base": "main", "draft": false, "state": "open", "user": "alice"}]}));
    gh.hotfix(&repo, &["merge", "hotfix/from-main"]).ok();
    assert_eq!(parents_on_origin(&repo, "main")[1], repo.rev("hotfix/from-main"));
}

#[test]
fn a_head_that_moves_between_the_check_and_the_merge_is_refused() {
    let (repo, gh, _) = published(json!({"faults": [
        {"method": "PUT", "path": "/repos/acme/shop/pulls/1/merge", "status": 409,
         "body": {"message": "Head branch was modified. Review and try the merge again."}}]}));
    let before = repo.origin_rev("main");
    gh.hotfix(&repo, &["merge"])
        .code(1)
        .stderr_has(&["moved on GitHub between the check and the merge", "nothing was merged"]);
    assert_eq!(repo.origin_rev("main"), before);
}

#[test]
fn the_back_merge_into_development_after_main() {
    let (repo, gh, tip) = published(json!({}));
    gh.hotfix(&repo, &["merge"]).ok();
    gh.hotfix(&repo, &["publish", "--pr"]).ok();
    gh.update(json!({"reviews": {"2": [{"id": 9, "user": "bob", "state": "APPROVED", "commit_id": tip}]}}));
    let old_dev = repo.origin_rev("development").unwrap();
    let run = gh.hotfix(&repo, &["merge"]).ok();
    assert_eq!(parents_on_origin(&repo, "development"), [old_dev, tip], "{run}");
    assert!(run.stderr.contains("next: git hotfix cleanup hotfix/login-timeout"), "{run}");
}

#[test]
fn a_rate_limit_is_exit_2_with_the_wait() {
    let (repo, gh, _) = published(json!({}));
    gh.update(json!({"faults": [{"method": "GET", "path": "/repos/acme/shop/pulls", "status": 403,
        "body": {"message": "API rate limit exceeded for user ID 1."}, "headers": {"x-ratelimit-remaining": "0"}}]}));
    gh.hotfix(&repo, &["merge"]).code(2).stderr_has(&["rate limit", "wait until the limit resets"]);
}

#[test]
fn host_faults_are_exit_2_with_the_fix_and_merge_nothing() {
    let (repo, gh, _) = published(json!({}));
    let main_before = repo.origin_rev("main");
    let pulls = "/repos/acme/shop/pulls";
    let merge = "/repos/acme/shop/pulls/1/merge";
    let cases = [
        (
            json!({"path": pulls, "status": 502, "body": {"message": "Server Error"}}),
            "GitHub had a problem; nothing was changed",
        ),
        (
            json!({"path": pulls, "status": 200, "raw": "[{\"number\": 1, \"head\": "}),
            "not what GitHub sends",
        ),
        (
            json!({"path": merge, "status": 403, "body": {"message": "Resource not accessible by personal access token"}}),
            "gh auth refresh --hostname github.localhost --scopes repo",
        ),
        // A token that shows up in what the host says is never printed.
        (
            json!({"path": pulls, "status": 401, "body": {"message": "Bad credentials ghp_standintoken0123456789"}}),
            "gh auth login --hostname github.localhost",
        ),
    ];
    for (fault, said) in cases {
        gh.update(json!({"faults": [fault]}));
        let run = gh.hotfix(&repo, &["merge"]).code(2).stderr_has(&[said]).no_panic();
        assert!(!run.stderr.contains("ghp_standintoken"), "{run}");
        assert_eq!(repo.origin_rev("main"), main_before, "nothing was merged");
    }
    // A renamed repository answers 301; for the merge (a PUT) gh would follow with a GET, so
    // the tool must not take that answer for a merge.
    gh.update(json!({"faults": [{"method": "PUT", "path": merge, "status": 301,
        "headers": {"Location": "http://api.github.localhost/repos/acme/renamed/pulls/1/merge"}}]}));
    let run = gh.hotfix(&repo, &["merge"]).no_panic();
    assert_ne!(run.code, 0, "{run}");
    assert_eq!(repo.origin_rev("main"), main_before, "nothing was merged");
}

#[test]
fn without_a_login_gh_is_exit_2_naming_the_login_command() {
    let (repo, gh, _) = published(json!({}));
    let env: Vec<(String, String)> =
        gh.env().into_iter().filter(|(k, _)| k != "GH_TOKEN").collect();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    repo.run_with("git", &repo.work, &["hotfix", "merge"], &env).code(2).stderr_has(&[
        "gh is not logged in to github.localhost",
        "gh auth login --hostname github.localhost",
    ]);
}

#[test]
fn status_shows_the_review_state_of_each_pull_request() {
    let (repo, gh, _) = published(json!({}));
    gh.update(json!({"requested_reviewers": {"1": {"users": ["carol"], "teams": ["team-leads"]}}}));
    gh.hotfix(&repo, &["status"]).ok().stdout_has(&[
        "Pull requests:",
        "#1 into main: open; approved by bob; review requested from carol, acme/team-leads",
    ]);
    gh.hotfix(&repo, &["merge"]).ok();
    let run = gh.hotfix(&repo, &["status", "--json"]).ok();
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["pull_requests"][0]["state"], "merged", "{run}");
    assert_eq!(report["pull_requests"][0]["base"], "main");
}

#[test]
fn a_gh_that_hangs_pages_then_hits_the_rate_limit_or_answers_an_error_body_is_exit_2() {
    let (repo, gh, _) = published(json!({}));
    let main_before = repo.origin_rev("main");
    // Rate-limited on the second page of a list: the first page alone is not taken for all.
    gh.update(json!({"sequence": {"GET /repos/acme/shop/pulls/1/reviews": [
        {"status": 200, "body": [{"id": 1, "user": {"login": "carol"}, "state": "COMMENTED", "commit_id": "x"}],
         "headers": {"Link": "<http://api.github.localhost/repos/acme/shop/pulls/1/reviews?page=2>; rel=\"next\""}},
        {"status": 403, "body": {"message": "API rate limit exceeded for user ID 1."},
         "headers": {"x-ratelimit-remaining": "0"}}]}}));
    gh.hotfix(&repo, &["merge"]).code(2).stderr_has(&["rate limit", "wait until the limit resets"]);
    // A success status whose body is an error, where a list belongs.
    gh.update(json!({"sequence": {}, "faults": [{"path": "/repos/acme/shop/pulls", "status": 200,
        "body": {"message": "Server Error"}}]}));
    gh.hotfix(&repo, &["merge"]).code(2).stderr_has(&["not what GitHub sends"]);
    assert_eq!(repo.origin_rev("main"), main_before, "nothing was merged");
    // A gh that never answers is stopped at network_timeout.
    let fake = repo.tmp.path().join("hanging-gh");
    std::fs::create_dir_all(&fake).unwrap();
    std::fs::write(fake.join("gh"), "#!/bin/sh\nsleep 30\n").unwrap();
    std::fs::set_permissions(fake.join("gh"), std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .unwrap();
    repo.git(&["config", "hotfix.networkTimeout", "1s"]);
    let path = repo.path_with(&fake);
    let started = std::time::Instant::now();
    repo.run_with("git", &repo.work, &["hotfix", "merge"], &[("PATH", &path)])
        .code(2)
        .stderr_has(&["did not finish within 1 s"]);
    assert!(started.elapsed().as_secs() < 20);
}
