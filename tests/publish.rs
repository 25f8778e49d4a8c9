use crate::support::TestRepo;

/// Makes `origin` look like `url` (what the tool reads to build the pull-request address) while
/// Git still fetches from and pushes to the local bare repository, through `insteadOf`.
fn remote_looks_like(t: &TestRepo, url: &str) {
    t.git(&["config", &format!("url.{}.insteadOf", t.origin.display()), url]);
    t.git(&["remote", "set-url", "origin", url]);
}

fn upstream(t: &TestRepo) -> String {
    t.git(&["rev-parse", "--abbrev-ref", "@{upstream}"])
}

#[test]
fn pushes_with_upstream_and_prints_the_github_address() {
    let t = TestRepo::new();
    remote_looks_like(&t, "https://github.com/acme/app.git");
    let tip = t.hotfix_branch("login-timeout", "main", "src/app.txt", "line 1\nfixed\nline 3\n");

    let run = t
        .hotfix(&["publish"])
        .ok()
        .stdout_has(&["https://github.com/acme/app/compare/main...hotfix/login-timeout?expand=1"]);
    assert!(run.stderr.contains("merge commit"), "{run}");
    assert_eq!(t.origin_rev("refs/heads/hotfix/login-timeout"), Some(tip));
    assert_eq!(upstream(&t), "origin/hotfix/login-timeout");
}

#[test]
fn prints_gitlab_and_bitbucket_addresses() {
    let t = TestRepo::new();
    remote_looks_like(&t, "git@gitlab.com:acme/platform/app.git");
    t.hotfix_branch("cache", "main", "src/app.txt", "fixed\n");
    t.hotfix(&["publish"]).ok().stdout_has(&[
        "https://gitlab.com/acme/platform/app/-/merge_requests/new?merge_request[source_branch]=hotfix/cache&merge_request[target_branch]=main",
    ]);

    let t = TestRepo::new();
    remote_looks_like(&t, "https://someone@bitbucket.org/acme/app");
    t.hotfix_branch("cache", "main", "src/app.txt", "fixed\n");
    t.hotfix(&["publish"]).ok().stdout_has(&[
        "https://bitbucket.org/acme/app/pull-requests/new?source=hotfix/cache&dest=main",
    ]);
}

#[test]
fn other_hosts_get_an_honest_message_and_no_credentials() {
    let t = TestRepo::new();
    remote_looks_like(&t, "https://deploy:s3cret@git.example.com/acme/app.git");
    let tip = t.hotfix_branch("cache", "main", "src/app.txt", "fixed\n");

    let run = t.hotfix(&["publish"]).ok().stderr_has(&[
        "No pull-request address is known",
        "https://***@git.example.com/acme/app.git",
        "'hotfix/cache' into 'main'",
    ]);
    assert!(!run.stdout.contains("s3cret") && !run.stderr.contains("s3cret"), "{run}");
    assert_eq!(t.origin_rev("refs/heads/hotfix/cache"), Some(tip));

    // A plain local path: pushed, no address.
    let t = TestRepo::new();
    t.hotfix_branch("cache", "main", "src/app.txt", "fixed\n");
    t.hotfix(&["publish"]).ok().stderr_has(&["No pull-request address is known"]);
}

#[test]
fn refuses_a_hotfix_cut_from_development() {
    let t = TestRepo::new();
    remote_looks_like(&t, "https://github.com/acme/app.git");
    t.git(&["switch", "-q", "development"]);
    t.commit_file("feature.txt", "unreleased\n", "Unreleased feature");
    t.git(&["push", "-q", "origin", "development"]);
    t.hotfix_branch("bad-base", "development", "src/app.txt", "fixed\n");

    let run = t.hotfix(&["publish"]).code(1).stderr_has(&["R2", "not published"]);
    assert!(!run.stdout.contains("https://"), "{run}");
    assert_eq!(t.origin_rev("refs/heads/hotfix/bad-base"), None);
}

#[test]
fn goes_to_development_once_main_has_the_hotfix() {
    let t = TestRepo::new();
    remote_looks_like(&t, "https://github.com/acme/app.git");
    t.hotfix_branch("login-timeout", "main", "src/app.txt", "fixed\n");
    t.hotfix(&["publish"]).ok().stdout_has(&["compare/main...hotfix/login-timeout"]);

    // Into development before main has it: R8.
    t.hotfix(&["publish", "--to", "development"]).code(1).stderr_has(&["R8", "publish --to main"]);

    t.merge_on_host("hotfix/login-timeout", "main");
    t.hotfix(&["publish"]).ok().stdout_has(&[
        "https://github.com/acme/app/compare/development...hotfix/login-timeout?expand=1",
    ]);
    // Main has it: asking for main again opens nothing.
    t.hotfix(&["publish", "--to", "main"]).ok().stdout_has(&["already in main"]);
    t.hotfix(&["publish", "--to", "trunk"])
        .code(2)
        .stderr_has(&["--to takes 'main' or 'development'"]);
}

#[test]
fn dry_run_pushes_nothing() {
    let t = TestRepo::new();
    remote_looks_like(&t, "https://github.com/acme/app.git");
    t.hotfix_branch("cache", "main", "src/app.txt", "fixed\n");

    t.hotfix(&["publish", "--dry-run"]).ok().stdout_has(&["would push 'hotfix/cache'"]);
    assert_eq!(t.origin_rev("refs/heads/hotfix/cache"), None);
    assert_eq!(t.git_run(&["rev-parse", "--abbrev-ref", "@{upstream}"]).code, 128);
}

#[test]
fn pr_without_gh_pushes_then_gives_the_address() {
    let t = TestRepo::new();
    remote_looks_like(&t, "https://github.com/acme/app.git");
    let tip = t.hotfix_branch("cache", "main", "src/app.txt", "fixed\n");

    let path = t.path_without_gh();
    t.hotfix_with_stdin(&t.work, &["publish", "--pr"], "", &[("PATH", &path)])
        .code(2)
        .stderr_has(&["`gh`", "https://github.com/acme/app/compare/main...hotfix/cache?expand=1"]);
    assert_eq!(t.origin_rev("refs/heads/hotfix/cache"), Some(tip));
}

#[test]
fn refuses_outside_a_hotfix_branch() {
    let t = TestRepo::new();
    t.hotfix(&["publish"]).code(2).stderr_has(&["'main', which is not a hotfix branch"]);
}
