//! `git hotfix doctor` against the GitHub stand-in through the real `gh`, and GitLab through a
//! stand-in `glab` on PATH.

use crate::support::TestRepo;
use crate::support::github::GitHub;
use serde_json::{Value, json};

/// A repository set up as many are: every merge method allowed, nothing protected, merged
/// branches deleted automatically.
fn loose() -> Value {
    json!({"repository": {"delete_branch_on_merge": true}})
}

/// What `--fix` leaves, plus development protected and no automatic deletion.
fn strict() -> Value {
    json!({
        "rulesets": [
            {"id": 1, "name": "git-hotfix", "target": "branch", "enforcement": "active",
             "conditions": {"ref_name": {"include": ["refs/heads/main"], "exclude": []}},
             "rules": [{"type": "deletion"}, {"type": "non_fast_forward"},
                       {"type": "pull_request", "parameters": {
                           "allowed_merge_methods": ["merge"], "dismiss_stale_reviews_on_push": false,
                           "require_code_owner_review": false, "require_last_push_approval": false,
                           "required_approving_review_count": 0, "required_review_thread_resolution": false}}]},
            {"id": 2, "name": "development", "target": "branch", "enforcement": "active",
             "conditions": {"ref_name": {"include": ["refs/heads/development"], "exclude": []}},
             "rules": [{"type": "deletion"}, {"type": "non_fast_forward"},
                       {"type": "pull_request", "parameters": {
                           "allowed_merge_methods": ["merge"], "dismiss_stale_reviews_on_push": false,
                           "require_code_owner_review": false, "require_last_push_approval": false,
                           "required_approving_review_count": 0, "required_review_thread_resolution": false}}]}
        ]
    })
}

fn with_ci(repo: &TestRepo) {
    repo.write(
        ".github/workflows/hotfix.yml",
        "jobs:\n  verify:\n    steps:\n      - run: git hotfix verify\n",
    );
}

#[test]
fn a_loose_repository_fails_with_a_fix_for_each_check() {
    let repo = TestRepo::new();
    repo.install_hooks();
    let gh = GitHub::start(&repo, loose());
    let run = gh.hotfix(&repo, &["doctor"]).code(1).no_panic();
    for line in [
        "ok    hooks",
        "ok    config",
        "ok    remote",
        "warn  ci",
        "ok    merge-commits",
        "fail  main-merge-method",
        "warn  main-protected",
        "warn  development-protected",
        "warn  auto-delete",
        "warn  development-merge-method",
    ] {
        assert!(run.stdout.contains(line), "lacks {line:?}\n{run}");
    }
    assert!(run.stdout.contains("can be merged by squash or rebase"), "{run}");
    assert!(run.stdout.contains("fix: git hotfix doctor --fix"), "{run}");
    assert!(run.stdout.contains("-F delete_branch_on_merge=false"), "{run}");
    // One request per endpoint, none repeated.
    let calls = gh.calls();
    let expected = [
        "GET /repos/acme/shop",
        "GET /repos/acme/shop/branches/main/protection",
        "GET /repos/acme/shop/rules/branches/main",
        "GET /repos/acme/shop/branches/development/protection",
        "GET /repos/acme/shop/rules/branches/development",
    ];
    assert_eq!(calls, expected, "{run}");
    assert!(gh.requests().iter().all(|r| r["auth"] == "token ghp_standintoken0123456789"));
    assert!(!run.stdout.contains("ghp_standin") && !run.stderr.contains("ghp_standin"));
}

#[test]
fn a_strict_repository_passes() {
    let repo = TestRepo::new();
    repo.install_hooks();
    with_ci(&repo);
    let gh = GitHub::start(&repo, strict());
    let run = gh.hotfix(&repo, &["doctor"]).ok();
    assert!(!run.stdout.contains("fail") && !run.stdout.contains("warn  "), "{run}");
    assert!(
        run.stdout.contains("ok    ci                        .github/workflows/hotfix.yml runs"),
        "{run}"
    );
}

#[test]
fn linear_history_and_disabled_merge_commits_fail() {
    let repo = TestRepo::new();
    repo.install_hooks();
    let gh = GitHub::start(&repo, strict());
    gh.update(json!({
        "repository": {"allow_merge_commit": false},
        "protection": {"development": {"required_linear_history": {"enabled": true},
                                       "allow_force_pushes": {"enabled": false},
                                       "allow_deletions": {"enabled": false}}}
    }));
    let run = gh.hotfix(&repo, &["doctor", "--json"]).code(1);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let status = |id: &str| {
        report["checks"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap()["status"]
            .clone()
    };
    assert_eq!(status("merge-commits"), "fail", "{run}");
    assert_eq!(status("linear-history"), "fail", "{run}");
    assert_eq!(status("development-protected"), "ok", "{run}");
    assert_eq!(status("main-merge-method"), "ok", "{run}");
}

#[test]
fn fix_creates_the_ruleset_on_main_then_checks_again() {
    let repo = TestRepo::new();
    repo.install_hooks();
    with_ci(&repo);
    let gh = GitHub::start(&repo, json!({}));
    let run = gh.hotfix(&repo, &["doctor", "--fix", "--yes"]).no_panic();
    assert!(run.stderr.contains("--fix will run: gh api --hostname github.localhost --method POST repos/acme/shop/rulesets"), "{run}");
    let rulesets = gh.state()["rulesets"].clone();
    let created = &rulesets[0];
    assert_eq!(created["name"], "git-hotfix");
    assert_eq!(created["conditions"]["ref_name"]["include"], json!(["refs/heads/main"]));
    let pr =
        created["rules"].as_array().unwrap().iter().find(|r| r["type"] == "pull_request").unwrap();
    assert_eq!(pr["parameters"]["allowed_merge_methods"], json!(["merge"]));
    // Checked again after the change: main is now merge-only and protected.
    assert!(run.stdout.contains("ok    main-merge-method"), "{run}");
    assert!(run.stdout.contains("ok    main-protected"), "{run}");
    // Development's merge methods were not touched; it is still only a warning.
    assert!(run.stdout.contains("warn  development-merge-method"), "{run}");
    assert_eq!(run.code, 0, "{run}");
    // Nothing left to do the second time.
    let again = gh.hotfix(&repo, &["doctor", "--fix", "--yes"]).ok();
    assert!(!again.stderr.contains("--fix will run"), "{again}");
}

#[test]
fn fix_tightens_an_existing_ruleset_and_keeps_its_other_rules() {
    let repo = TestRepo::new();
    repo.install_hooks();
    let gh = GitHub::start(
        &repo,
        json!({"rulesets": [
            {"id": 9, "name": "git-hotfix", "target": "branch", "enforcement": "evaluate",
             "conditions": {"ref_name": {"include": ["refs/heads/main"], "exclude": []}},
             "rules": [{"type": "required_signatures"},
                       {"type": "pull_request", "parameters": {
                           "allowed_merge_methods": ["merge", "squash"], "dismiss_stale_reviews_on_push": true,
                           "require_code_owner_review": false, "require_last_push_approval": false,
                           "required_approving_review_count": 2, "required_review_thread_resolution": false}}]}
        ]}),
    );
    let run = gh.hotfix(&repo, &["doctor", "--fix", "--yes"]).no_panic();
    assert!(run.stderr.contains("--method PUT repos/acme/shop/rulesets/9"), "{run}");
    let ruleset = &gh.state()["rulesets"][0];
    assert_eq!(ruleset["enforcement"], "active");
    let rules = ruleset["rules"].as_array().unwrap();
    assert!(rules.iter().any(|r| r["type"] == "required_signatures"), "{ruleset}");
    let pr = rules.iter().find(|r| r["type"] == "pull_request").unwrap();
    assert_eq!(pr["parameters"]["required_approving_review_count"], 2);
    assert_eq!(pr["parameters"]["allowed_merge_methods"], json!(["merge"]));
}

#[test]
fn fix_asks_and_without_a_terminal_needs_yes() {
    let repo = TestRepo::new();
    let gh = GitHub::start(&repo, json!({}));
    gh.hotfix(&repo, &["doctor", "--fix"]).code(2).stderr_has(&["pass --yes"]);
    assert!(gh.calls().iter().all(|c| c.starts_with("GET")), "{:?}", gh.calls());
    assert_eq!(gh.state()["rulesets"], json!([]));
}

#[test]
fn host_failures_skip_the_host_checks_and_keep_the_local_ones() {
    let repo = TestRepo::new();
    repo.install_hooks();
    let gh = GitHub::start(
        &repo,
        json!({"faults": [
            {"method": "GET", "path": "/repos/acme/shop", "status": 401, "body": {"message": "Bad credentials"}}
        ]}),
    );
    let run = gh.hotfix(&repo, &["doctor"]).ok();
    assert!(run.stdout.contains("ok    hooks"), "{run}");
    assert!(run.stdout.contains("skip  github"), "{run}");
    assert!(
        run.stdout.contains("Bad credentials")
            && run.stdout.contains("gh auth login --hostname github.localhost"),
        "{run}"
    );
    // --fix cannot go on without the host: exit 2 with the host's message.
    gh.hotfix(&repo, &["doctor", "--fix", "--yes"]).code(2).stderr_has(&["Bad credentials"]);
}

#[test]
fn garbage_from_the_host_is_a_skip_with_the_reason() {
    let repo = TestRepo::new();
    let gh = GitHub::start(
        &repo,
        json!({"faults": [
            {"method": "GET", "path": "/repos/acme/shop", "status": 200, "raw": "<html>proxy login</html>"}
        ]}),
    );
    let run = gh.hotfix(&repo, &["doctor"]).code(1).no_panic();
    assert!(
        run.stdout.contains("skip  github") && run.stdout.contains("not what GitHub sends"),
        "{run}"
    );
}

#[test]
fn without_gh_the_host_checks_are_skipped() {
    let repo = TestRepo::new();
    repo.install_hooks();
    let gh = GitHub::start(&repo, json!({}));
    let path = repo.path_without_gh();
    let run = repo.run_with("git", &repo.work, &["hotfix", "doctor"], &[("PATH", &path)]).ok();
    assert!(
        run.stdout.contains("skip  github") && run.stdout.contains("`gh` was not found"),
        "{run}"
    );
    assert!(gh.calls().is_empty());
}

#[test]
fn an_unknown_host_is_skipped() {
    let repo = TestRepo::new();
    repo.install_hooks();
    let run = repo.hotfix(&["doctor"]).ok();
    assert!(run.stdout.contains("skip  host"), "{run}");
}

#[test]
fn broken_config_and_missing_hooks_fail_locally() {
    let repo = TestRepo::new();
    repo.write(".githotfix.toml", "max_files = \"ten\"\n");
    let run = repo.hotfix(&["doctor"]).code(1);
    assert!(
        run.stdout.contains("fail  hooks") && run.stdout.contains("pre-push is not installed"),
        "{run}"
    );
    assert!(
        run.stdout.contains("fail  config") && run.stdout.contains(".githotfix.toml:1"),
        "{run}"
    );
}

/// A `glab` on PATH that logs its arguments to `glab.log` and answers `project` for the
/// project and `protected` for its protected branches.
fn fake_glab(repo: &TestRepo, project: Value, protected: Value) -> String {
    let bin = repo.tmp.path().join("fake-glab");
    std::fs::create_dir_all(&bin).unwrap();
    let script = format!(
        "#!/bin/sh\necho \"$@\" >> '{}'\ncase \"$*\" in\n  *protected_branches*) echo '{protected}' ;;\n  *) echo '{project}' ;;\nesac\n",
        repo.tmp.path().join("glab.log").display()
    );
    std::fs::write(bin.join("glab"), script).unwrap();
    std::process::Command::new("chmod").arg("+x").arg(bin.join("glab")).status().unwrap();
    repo.path_with(&bin)
}

/// `origin` as a project on a self-hosted GitLab.
fn on_gitlab(repo: &TestRepo) {
    let url = "https://gitlab.example.org/acme/web/shop.git";
    repo.git(&["config", &format!("url.{}.insteadOf", repo.origin.display()), url]);
    repo.git(&["remote", "set-url", "origin", url]);
    repo.git(&["config", "hotfix.host", "gitlab"]);
}

#[test]
fn gitlab_settings_through_glab() {
    let repo = TestRepo::new();
    repo.install_hooks();
    on_gitlab(&repo);
    let path = fake_glab(
        &repo,
        json!({"merge_method": "ff", "squash_option": "default_on"}),
        json!([{"name": "main", "allow_force_push": false}]),
    );
    let run = repo.run_with("git", &repo.work, &["hotfix", "doctor"], &[("PATH", &path)]).code(1);
    assert!(run.stdout.contains("fail  merge-method") && run.stdout.contains("'ff'"), "{run}");
    assert!(run.stdout.contains("fail  squash") && run.stdout.contains("default_on"), "{run}");
    assert!(run.stdout.contains("ok    main-protected"), "{run}");
    assert!(run.stdout.contains("warn  development-protected"), "{run}");
    let calls = std::fs::read_to_string(repo.tmp.path().join("glab.log")).unwrap();
    assert!(
        calls.contains(
            "api --hostname gitlab.example.org --method GET --paginate -- projects/acme%2Fweb%2Fshop\n"
        ),
        "{calls}"
    );
}

#[test]
fn gitlab_with_merge_commits_and_no_forced_squash_passes() {
    let repo = TestRepo::new();
    repo.install_hooks();
    on_gitlab(&repo);
    let path = fake_glab(
        &repo,
        json!({"merge_method": "merge", "squash_option": "default_off"}),
        json!([{"name": "main", "allow_force_push": false},
               {"name": "development", "allow_force_push": false}]),
    );
    let run = repo.run_with("git", &repo.work, &["hotfix", "doctor"], &[("PATH", &path)]).ok();
    for line in [
        "ok    merge-method",
        "ok    squash",
        "ok    main-protected",
        "ok    development-protected",
    ] {
        assert!(run.stdout.contains(line), "lacks {line:?}\n{run}");
    }
}
