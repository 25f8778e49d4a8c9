//! `git hotfix deploy`, the deployment item of `status` and the gate on the back-merge, through
//! the real `aws` CLI against the CodePipeline stand-in (and the real `gh` against the GitHub
//! stand-in for GitHub deployments and workflow runs).

use crate::support::aws::{Aws, execution};
use crate::support::github::GitHub;
use crate::support::{TestRepo, short};
use serde_json::{Value, json};

const BRANCH: &str = "hotfix/login-timeout";

/// A hotfix merged into main on origin (as the host merges a pull request), fetched, with two
/// pipelines configured for main. Returns the merge and main's commit before it.
fn merged() -> (TestRepo, String, String) {
    let repo = TestRepo::new();
    let before = repo.rev("main");
    repo.hotfix_branch("login-timeout", "main", "src/app.txt", "line 1\nfixed\nline 3\n");
    repo.git(&["push", "-q", "origin", BRANCH]);
    let merge = repo.merge_on_host(BRANCH, "main");
    repo.git(&["fetch", "-q", "origin"]);
    repo.git(&["config", "hotfix.deploy.main.codepipeline", "prod-backend, prod-frontend"]);
    repo.git(&["config", "hotfix.deploy.main.pollSeconds", "1"]);
    repo.git(&["config", "hotfix.deploy.main.region", "eu-west-1"]);
    (repo, merge, before)
}

fn deployments(run: &crate::support::Run) -> Vec<Value> {
    let report: Value = serde_json::from_str(&run.stdout).unwrap_or_else(|_| panic!("{run}"));
    report["deployments"].as_array().unwrap().clone()
}

fn field<'a>(list: &'a [Value], key: &str) -> Vec<&'a str> {
    list.iter().map(|d| d[key].as_str().unwrap_or("-")).collect()
}

#[test]
fn each_pipeline_reports_its_newest_execution_that_contains_the_merge() {
    let (repo, merge, before) = merged();
    let aws = Aws::start(
        &repo,
        json!({
            "prod-backend": [execution("b-2", "Succeeded", &merge, 1_700_000_600.25),
                             execution("b-1", "Succeeded", &before, 1_700_000_000.0)],
            "prod-frontend": [execution("f-3", "InProgress", &merge, 1_700_000_700.0),
                              execution("f-2", "Failed", &merge, 1_700_000_650.0),
                              execution("f-1", "Succeeded", &before, 1_700_000_000.0)],
        }),
    );
    let run = aws.hotfix(&repo, &["deploy"], &[]).code(1);
    assert!(run.stdout.contains(&format!("'{BRANCH}' on main: {}", short(&merge))), "{run}");
    assert!(
        run.stdout.contains("prod-backend   succeeded    b-2  started 2023-11-14T22:23:20Z"),
        "{run}"
    );
    assert!(run.stdout.contains("prod-frontend  in progress  f-3"), "{run}");
    assert!(
        run.stdout.contains("https://eu-west-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/prod-backend/executions/b-2/timeline?region=eu-west-1"),
        "{run}"
    );
    run.stderr_has(&[
        "main's deployment of 'hotfix/login-timeout' is not done: prod-frontend (in progress)",
        "--wait",
    ]);

    let run = aws.hotfix(&repo, &["deploy", "--json"], &[]).code(1);
    let found = deployments(&run);
    assert_eq!(field(&found, "status"), ["succeeded", "in-progress"]);
    assert_eq!(field(&found, "commit"), [merge.as_str(), merge.as_str()]);
    // Every call named its pipeline, in the configured region, signed with the dummy key.
    let requests = aws.requests();
    let asked: Vec<&str> =
        requests.iter().map(|r| r["body"]["pipelineName"].as_str().unwrap()).collect();
    assert_eq!(asked[..2], ["prod-backend", "prod-frontend"]);
    assert!(
        aws.requests()
            .iter()
            .all(|r| r["region"] == "eu-west-1" && r["access_key_id"] == "AKIDSTANDIN")
    );
}

#[test]
fn all_succeeded_is_exit_0_and_a_later_commit_counts_too() {
    let (repo, merge, _) = merged();
    // A later push to main deployed the merge along with it.
    repo.git(&["switch", "-q", "main"]);
    repo.git(&["pull", "-q", "--ff-only"]);
    let later = repo.commit_file("later.txt", "x\n", "Later change");
    repo.git(&["push", "-q", "origin", "main"]);
    let aws = Aws::start(
        &repo,
        json!({"prod-backend": [execution("b-9", "Succeeded", &later, 1_700_001_000.0)],
               "prod-frontend": [execution("f-9", "Succeeded", &merge, 1_700_001_000.0)]}),
    );
    let run = aws.hotfix(&repo, &["deploy", BRANCH, "--json"], &[]).ok();
    assert_eq!(field(&deployments(&run), "id"), ["b-9", "f-9"]);
}

#[test]
fn before_any_execution_contains_it_the_deployment_has_not_started() {
    let (repo, _, before) = merged();
    let mut no_sources = execution("f-1", "Succeeded", "x", 1_700_000_000.0);
    no_sources["sourceRevisions"] = json!([]);
    let aws = Aws::start(
        &repo,
        json!({"prod-backend": [execution("b-1", "Succeeded", &before, 1_700_000_000.0),
                                execution("b-0", "Succeeded", "not-a-commit", 1_699_999_000.0)],
               "prod-frontend": [no_sources]}),
    );
    let run = aws.hotfix(&repo, &["deploy", "--json"], &[]).code(1).no_panic();
    assert_eq!(field(&deployments(&run), "status"), ["not-started", "not-started"]);
}

#[test]
fn the_execution_on_a_later_page_is_found() {
    let (repo, merge, before) = merged();
    let mut older: Vec<Value> = (0..5)
        .map(|i| {
            execution(&format!("old-{i}"), "Succeeded", &before, 1_600_000_000.0 - f64::from(i))
        })
        .collect();
    older.insert(0, execution("new", "Succeeded", &merge, 1_700_000_000.0));
    older.rotate_left(3); // the one that counts is not first: newest-first order is the CLI's
    let aws = Aws::start(&repo, json!({"prod-backend": older.clone(), "prod-frontend": older}));
    aws.set("page_size", json!(2));
    let run = aws.hotfix(&repo, &["deploy", "--json"], &[]).ok();
    assert_eq!(field(&deployments(&run), "id"), ["new", "new"]);
    assert!(aws.requests().len() >= 6, "paged: {:?}", aws.requests().len());
}

#[test]
fn times_in_the_shape_of_cli_v1_and_v2_read_alike() {
    let (repo, merge, _) = merged();
    let aws = Aws::start(
        &repo,
        json!({"prod-backend": [execution("b", "Succeeded", &merge, 1_700_000_000.5)],
               "prod-frontend": [execution("f", "Succeeded", &merge, 1_700_000_000.5)]}),
    );
    let v1 = aws.hotfix(&repo, &["deploy", "--json"], &[]).ok();
    // aws CLI v2 prints ISO 8601; v1 does too with this setting.
    aws.config("[default]\nregion = us-east-1\ncli_timestamp_format = iso8601\n");
    let v2 = aws.hotfix(&repo, &["deploy", "--json"], &[]).ok();
    assert_eq!(field(&deployments(&v1), "started_at"), ["2023-11-14T22:13:20Z"; 2]);
    assert_eq!(field(&deployments(&v2), "started_at"), ["2023-11-14T22:13:20Z"; 2]);
}

#[test]
fn wait_polls_until_every_pipeline_succeeded() {
    let (repo, merge, _) = merged();
    let steps = |last: &str| {
        json!({"sequence": [[execution("e", "InProgress", &merge, 1_700_000_000.0)],
                            [execution("e", "InProgress", &merge, 1_700_000_000.0)],
                            [execution("e", last, &merge, 1_700_000_000.0)]]})
    };
    let aws = Aws::start(
        &repo,
        json!({"prod-backend": steps("Succeeded"), "prod-frontend": steps("Succeeded")}),
    );
    let run = aws.hotfix(&repo, &["deploy", "--wait"], &[]).ok();
    // Not a terminal: one timestamped line per change of state.
    let lines: Vec<&str> = run.stderr.lines().filter(|l| l.contains("prod-backend")).collect();
    assert_eq!(lines.len(), 2, "{run}");
    assert!(lines[0].ends_with("prod-backend in progress, prod-frontend in progress"), "{run}");
    assert!(lines[1].ends_with("prod-backend succeeded, prod-frontend succeeded"), "{run}");
    assert!(lines[0].starts_with("20") && lines[0].as_bytes()[10] == b'T', "{run}");
    assert_eq!(aws.requests().len(), 6);

    let aws = Aws::start(
        &repo,
        json!({"prod-backend": steps("Succeeded"), "prod-frontend": steps("Failed")}),
    );
    aws.hotfix(&repo, &["deploy", "--wait"], &[]).code(1).stderr_has(&[
        "main's deployment of 'hotfix/login-timeout' failed: prod-frontend (failed)",
    ]);
}

#[test]
fn wait_gives_up_at_the_timeout_naming_what_still_runs() {
    let (repo, merge, _) = merged();
    let aws = Aws::start(
        &repo,
        json!({"prod-backend": [execution("b", "Succeeded", &merge, 1_700_000_000.0)],
               "prod-frontend": [execution("f", "InProgress", &merge, 1_700_000_000.0)]}),
    );
    aws.hotfix(&repo, &["deploy", "--wait", "--timeout", "2s"], &[])
        .code(1)
        .stderr_has(&["still not done after 2s: prod-frontend (in progress)"]);
    aws.hotfix(&repo, &["deploy", "--wait", "--timeout", "soon"], &[])
        .code(2)
        .stderr_has(&["--timeout takes a duration"]);
}

#[test]
fn what_aws_says_is_exit_2_in_plain_words() {
    let (repo, merge, _) = merged();
    let ok = json!([execution("e", "Succeeded", &merge, 1_700_000_000.0)]);
    let aws = Aws::start(&repo, json!({"prod-backend": ok, "prod-frontend": ok}));
    let cases = [
        (json!({"type": "ExpiredTokenException"}), "the AWS credentials have expired"),
        (json!({"type": "AccessDeniedException"}), "codepipeline:ListPipelineExecutions"),
        (json!({"type": "ThrottlingException"}), "AWS throttled reading the executions"),
        (json!({"type": "UnrecognizedClientException"}), "does not accept these credentials"),
        (json!({"status": 200, "raw": "<html>oops"}), "aws printed nothing where the executions"),
    ];
    for (fault, said) in cases {
        aws.set("faults", json!([fault]));
        aws.hotfix(&repo, &["deploy"], &[]).code(2).stderr_has(&[said]).no_panic();
    }
    aws.set("faults", json!([]));
    repo.git(&["config", "hotfix.deploy.main.codepipeline", "prod-typo"]);
    aws.hotfix(&repo, &["deploy"], &[])
        .code(2)
        .stderr_has(&["there is no pipeline 'prod-typo' in this account and region"]);
    repo.git(&["config", "hotfix.deploy.main.codepipeline", "prod-backend"]);
    aws.remove_credentials();
    aws.hotfix(&repo, &["deploy"], &[]).code(2).stderr_has(&["the AWS CLI has no credentials"]);
}

#[test]
fn a_missing_or_hanging_aws_is_exit_2() {
    let (repo, _, _) = merged();
    let aws = Aws::start(&repo, json!({}));
    let path = ("PATH".to_owned(), repo.path_without_gh());
    aws.hotfix(&repo, &["deploy"], &[path])
        .code(2)
        .stderr_has(&["`aws` was not found on PATH", "pip install awscli"]);
    // A CLI that never answers: the network timeout ends it.
    let fake = repo.tmp.path().join("fake-aws");
    std::fs::create_dir_all(&fake).unwrap();
    let script = fake.join("aws");
    std::fs::write(&script, "#!/bin/sh\nsleep 30\n").unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    repo.git(&["config", "hotfix.networkTimeout", "1s"]);
    let started = std::time::Instant::now();
    let path = ("PATH".to_owned(), repo.path_with(&fake));
    aws.hotfix(&repo, &["deploy"], &[path])
        .code(2)
        .stderr_has(&["did not finish within 1 s and was stopped"])
        .no_panic();
    assert!(started.elapsed().as_secs() < 20, "the timeout ended the call");
}

#[test]
fn without_configuration_or_before_the_merge() {
    let repo = TestRepo::new();
    repo.hotfix_branch("login-timeout", "main", "src/app.txt", "fixed\n");
    repo.hotfix(&["deploy"])
        .code(2)
        .stderr_has(&["nothing deploys main: [deploy.main] is not in .githotfix.toml"]);
    repo.write(
        ".githotfix.toml",
        "[deploy.main]\ncodepipeline = [\"prod\"]\nregion = \"us east\"\n",
    );
    repo.hotfix(&["deploy"]).code(2).stderr_has(&[".githotfix.toml:3: key `deploy.main.region`"]);
    repo.write(".githotfix.toml", "[deploy.main]\ncodepipeline = [\"prod\"]\n");
    repo.hotfix(&["deploy"]).code(1).stderr_has(&["'hotfix/login-timeout' is not in main yet"]);
}

#[test]
fn status_ticks_the_deployment_item_from_the_pipelines() {
    let (repo, merge, _) = merged();
    let aws = Aws::start(
        &repo,
        json!({"prod-backend": [execution("b", "Succeeded", &merge, 1_700_000_000.0)],
               "prod-frontend": [execution("f", "InProgress", &merge, 1_700_000_000.0)]}),
    );
    let item = |run: &crate::support::Run| -> Value {
        let report: Value = serde_json::from_str(&run.stdout).unwrap();
        report["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == "deployment-monitored")
            .unwrap()
            .clone()
    };
    let run = aws.hotfix(&repo, &["status", "--json"], &[]).ok();
    assert_eq!(item(&run)["state"], "todo", "{run}");
    let run = aws.hotfix(&repo, &["status"], &[]).ok();
    run.stdout_has(&["Deployments of main:", "pipeline prod-frontend: in progress"]);

    aws.set("pipelines", json!({"prod-backend": [execution("b", "Succeeded", &merge, 1_700_000_000.0)],
                                "prod-frontend": [execution("f", "Succeeded", &merge, 1_700_000_000.0)]}));
    let run = aws.hotfix(&repo, &["status", "--json"], &[]).ok();
    assert_eq!(item(&run)["state"], "done", "{run}");
    assert_eq!(item(&run)["detail"], "deployed: prod-backend succeeded, prod-frontend succeeded");

    // A failure is flagged; a mark made by hand still counts.
    aws.set("pipelines", json!({"prod-backend": [execution("b", "Failed", &merge, 1_700_000_000.0)],
                                "prod-frontend": [execution("f", "Succeeded", &merge, 1_700_000_000.0)]}));
    assert_eq!(item(&aws.hotfix(&repo, &["status", "--json"], &[]).ok())["state"], "warning");
    aws.hotfix(&repo, &["check", "deployment-monitored"], &[]).ok();
    assert_eq!(item(&aws.hotfix(&repo, &["status", "--json"], &[]).ok())["state"], "done");
}

/// A hotfix merged into main through the GitHub stand-in, with an open pull request into
/// development approved by bob, and both stand-ins configured.
fn back_merge_due() -> (TestRepo, GitHub, Aws, String) {
    let repo = TestRepo::new();
    let gh = GitHub::start(&repo, json!({"permissions": {"bob": "write"}}));
    let tip = repo.hotfix_branch("login-timeout", "main", "src/app.txt", "line 1\nfixed\nline 3\n");
    gh.hotfix(&repo, &["publish", "--pr"]).ok();
    gh.update(json!({"reviews": {"1": [{"id": 1, "user": "bob", "state": "APPROVED", "commit_id": tip}],
                                 "2": [{"id": 2, "user": "bob", "state": "APPROVED", "commit_id": tip}]}}));
    gh.hotfix(&repo, &["merge"]).ok();
    let merge = repo.origin_rev("main").unwrap();
    repo.git(&["config", "hotfix.deploy.main.codepipeline", "prod-backend"]);
    let aws = Aws::start(
        &repo,
        json!({"prod-backend": [execution("b", "InProgress", &merge, 1_700_000_000.0)]}),
    );
    (repo, gh, aws, merge)
}

#[test]
fn the_back_merge_waits_for_mains_deployment() {
    let (repo, gh, aws, merge) = back_merge_due();
    let hotfix = |args: &[&str]| aws.hotfix(&repo, args, &gh.env());
    hotfix(&["publish", "--pr", "--to", "development"])
        .code(1)
        .stderr_has(&["'hotfix/login-timeout' goes into development once main's deployment of it has succeeded: prod-backend in progress"]);
    assert_eq!(gh.state()["pulls"].as_array().unwrap().len(), 1, "no pull request was opened");

    aws.set(
        "pipelines",
        json!({"prod-backend": [execution("b", "Succeeded", &merge, 1_700_000_000.0)]}),
    );
    hotfix(&["publish", "--pr", "--to", "development"]).ok();
    aws.set(
        "pipelines",
        json!({"prod-backend": [execution("b", "Failed", &merge, 1_700_000_000.0)]}),
    );
    let before = repo.origin_rev("development");
    hotfix(&["merge", "--to", "development"])
        .code(1)
        .stderr_has(&["prod-backend failed", "see what failed: prod-backend: https://"]);
    assert_eq!(repo.origin_rev("development"), before, "nothing was merged");
    hotfix(&["merge", "--to", "development", "--no-deploy-check"]).ok().stderr_has(&[
        "main's deployment of 'hotfix/login-timeout' was not checked (--no-deploy-check)",
    ]);
    assert_ne!(repo.origin_rev("development"), before);
}

#[test]
fn finish_pushes_main_then_waits_for_its_deployment() {
    let repo = TestRepo::new();
    let tip = repo.hotfix_branch("login-timeout", "main", "src/app.txt", "fixed\n");
    repo.git(&["config", "hotfix.deploy.main.codepipeline", "prod-backend"]);
    let aws = Aws::start(&repo, json!({"prod-backend": []}));
    let dev_before = repo.origin_rev("development");
    let run = aws.hotfix(&repo, &["finish", "--push"], &[]).code(1).stderr_has(&[
        "once main's deployment of it has succeeded: prod-backend not started",
        "git hotfix finish --continue",
    ]);
    run.stdout_has(&["pushed 'main' to origin: its deployment can start"]);
    let merge = repo.origin_rev("main").unwrap();
    assert_eq!(repo.rev(&format!("{merge}^2")), tip, "main got the merge");
    assert_eq!(repo.origin_rev("development"), dev_before, "development waits");
    aws.hotfix(&repo, &["finish", "--abort"], &[]).code(1).stderr_has(&["already pushed"]);

    aws.set(
        "pipelines",
        json!({"prod-backend": [execution("b", "Succeeded", &merge, 1_700_000_000.0)]}),
    );
    aws.hotfix(&repo, &["finish", "--continue"], &[]).ok();
    let dev = repo.origin_rev("development").unwrap();
    assert_eq!(repo.rev(&format!("{dev}^2")), tip, "then development got it");
}

#[test]
fn github_deployments_and_workflow_runs_count_too() {
    let repo = TestRepo::new();
    let gh = GitHub::start(&repo, json!({}));
    repo.hotfix_branch("login-timeout", "main", "src/app.txt", "fixed\n");
    repo.git(&["push", "-q", "origin", BRANCH]);
    let merge = repo.merge_on_host(BRANCH, "main");
    repo.git(&["config", "hotfix.deploy.main.githubEnvironment", "production"]);
    repo.git(&["config", "hotfix.deploy.main.githubWorkflow", "deploy.yml"]);
    gh.update(json!({
        "deployments": [
            {"id": 7, "sha": merge, "ref": "main", "environment": "production", "created_at": "2026-12-01T10:00:00Z",
             "statuses": [{"state": "in_progress", "created_at": "2026-12-01T10:00:05Z"},
                          {"state": "success", "created_at": "2026-12-01T10:04:00Z", "log_url": "https://ci.example/7"}]},
            {"id": 6, "sha": "0000000000000000000000000000000000000001", "ref": "main", "environment": "production",
             "created_at": "2026-11-01T10:00:00Z", "statuses": [{"state": "success", "created_at": "2026-11-01T10:00:00Z"}]}],
        "workflow_runs": [
            {"id": 502, "workflow": "deploy.yml", "head_sha": merge, "head_branch": "main", "status": "completed",
             "conclusion": "failure", "created_at": "2026-12-01T10:00:00Z", "run_started_at": "2026-12-01T10:00:01Z"}],
    }));
    let run = gh.hotfix(&repo, &["deploy", "--json"]).code(1);
    let found = deployments(&run);
    assert_eq!(field(&found, "kind"), ["github-environment", "github-workflow"]);
    assert_eq!(field(&found, "status"), ["succeeded", "failed"]);
    assert_eq!(field(&found, "link")[0], "https://ci.example/7");
    assert_eq!(field(&found, "detail")[1], "failure");
    assert!(gh.calls().contains(&"GET /repos/acme/shop/deployments/7/statuses".to_owned()));
    assert!(
        !gh.calls().contains(&"GET /repos/acme/shop/deployments/6/statuses".to_owned()),
        "only the one that counts"
    );
}

#[test]
fn deploy_tag_creates_and_pushes_annotated_tags_and_never_moves_one() {
    let (repo, merge, _) = merged();
    repo.git(&["config", "--unset", "hotfix.deploy.main.codepipeline"]);
    repo.git(&["config", "hotfix.deploy.main.tags", "prod-{date}, ui-{date}.{n}"]);
    // An earlier deployment by tag, of the commit before the merge.
    repo.git(&["tag", "-a", "-m", "old", "prod-20200101", "origin/main~1"]);
    repo.git(&["push", "-q", "origin", "prod-20200101"]);
    repo.hotfix(&["deploy", "--tag"]).code(1).stderr_has(&["confirm on a terminal, or pass --yes"]);
    assert!(repo.git(&["tag", "--list", "ui-*"]).is_empty(), "nothing was made");

    let run = repo.hotfix(&["deploy", "--tag", "--yes"]).ok();
    let today = run.stdout.split("prod-").nth(1).map(|s| s[..8].to_owned()).unwrap();
    run.stdout_has(&[
        &format!("prod-{today} at {}", short(&merge)),
        "since prod-20200101; hotfixes: hotfix/login-timeout",
        &format!("ui-{today}.1 at {} \"Merge pull request #1", short(&merge)),
        "\": the first tag of its pattern",
    ]);
    let on_origin = repo
        .run_git(
            &repo.origin,
            &[
                "for-each-ref",
                "--format=%(refname:short) %(objecttype) %(*objectname)",
                "refs/tags",
            ],
        )
        .ok()
        .stdout;
    assert!(on_origin.contains(&format!("prod-{today} tag {merge}")), "{on_origin}");
    assert!(on_origin.contains(&format!("ui-{today}.1 tag {merge}")), "{on_origin}");

    // The same commit again: prod's tag is already there, ui gets the next number.
    let run = repo.hotfix(&["deploy", "--tag", "--yes"]).ok();
    run.stderr_has(&[&format!("'prod-{today}' already tags origin/main")])
        .stdout_has(&[&format!("pushed ui-{today}.2")]);

    // main moved on: a second prod tag of the day would have to move the first one.
    repo.git(&["switch", "-q", "main"]);
    repo.git(&["pull", "-q", "--ff-only"]);
    repo.commit_file("later.txt", "x\n", "Later change");
    repo.git(&["push", "-q", "origin", "main"]);
    repo.hotfix(&["deploy", BRANCH, "--tag", "--yes"]).code(1).stderr_has(&[
        &format!("tag 'prod-{today}' already exists at {}", short(&merge)),
        "never moved",
        "add {n}",
    ]);
    let still =
        repo.run_git(&repo.origin, &["rev-parse", &format!("prod-{today}^{{commit}}")]).ok().stdout;
    assert_eq!(still.trim(), merge);
}

#[test]
fn ctrl_c_during_wait_leaves_nothing_behind() {
    let (repo, merge, _) = merged();
    let running = json!([execution("e", "InProgress", &merge, 1_700_000_000.0)]);
    let aws = Aws::start(&repo, json!({"prod-backend": running, "prod-frontend": running}));
    let refs = repo.git(&["for-each-ref"]);
    let mut child = repo
        .command(crate::support::BIN, &repo.work)
        .args(["deploy", "--wait"])
        .envs(aws.env())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Once it is waiting (the first round asked both pipelines), interrupt it as Ctrl-C would.
    let asked = std::time::Instant::now();
    while aws.requests().len() < 2 && asked.elapsed().as_secs() < 30 {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let pid = child.id().to_string();
    assert!(std::process::Command::new("kill").args(["-INT", &pid]).status().unwrap().success());
    let stopped = std::time::Instant::now();
    let status = child.wait().unwrap();
    assert!(!status.success() && stopped.elapsed().as_secs() < 10, "{status:?}");
    assert_eq!(repo.git(&["for-each-ref"]), refs, "no ref was made or moved");
    assert_eq!(repo.git(&["status", "--porcelain"]), "", "the work tree is untouched");
    let git_dir = repo.work.join(".git");
    let locks: Vec<_> = std::fs::read_dir(&git_dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".lock"))
        .collect();
    assert!(locks.is_empty(), "{locks:?}");
}
