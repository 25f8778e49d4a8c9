//! `git hotfix verify` with no arguments in CI: the mode comes from GitHub Actions' event
//! payload or GitLab CI's variables; in Actions, findings are also annotations and a job
//! summary. The payloads are shaped like GitHub's documented webhook payloads.

use crate::support::{Run, TestRepo, ZERO, short};
use crate::verify::{branch, merge, push};

/// `git hotfix verify` in a GitHub Actions job for `event`, whose payload is `payload`.
fn actions(t: &TestRepo, event: &str, payload: &str) -> Run {
    actions_with(t, &["verify"], event, payload)
}

fn actions_with(t: &TestRepo, args: &[&str], event: &str, payload: &str) -> Run {
    let path = t.tmp.path().join("event.json");
    std::fs::write(&path, payload).unwrap();
    let summary = t.tmp.path().join("summary.md");
    let env = [
        ("CI", "true"),
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_EVENT_NAME", event),
        ("GITHUB_EVENT_PATH", path.to_str().unwrap()),
        ("GITHUB_STEP_SUMMARY", summary.to_str().unwrap()),
    ];
    t.hotfix_with_stdin(&t.work, args, "", &env)
}

/// What the runs so far appended to the job summary.
fn summary(t: &TestRepo) -> String {
    std::fs::read_to_string(t.tmp.path().join("summary.md")).unwrap_or_default()
}

/// A `push` payload as GitHub sends it (trimmed to what a workflow sees most often).
fn push_event(reference: &str, before: &str, after: &str, forced: bool) -> String {
    format!(
        r#"{{"ref": "{reference}", "before": "{before}", "after": "{after}",
  "created": {created}, "deleted": {deleted}, "forced": {forced}, "base_ref": null,
  "compare": "https://github.com/acme/shop/compare/{b}...{a}",
  "commits": [], "head_commit": null,
  "repository": {{"id": 1, "name": "shop", "full_name": "acme/shop", "default_branch": "main"}},
  "pusher": {{"name": "alice", "email": "alice@example.com"}},
  "sender": {{"login": "alice", "id": 2, "type": "User"}}}}"#,
        created = before == ZERO,
        deleted = after == ZERO,
        b = &before[..12],
        a = &after[..12],
    )
}

/// A `pull_request` payload (action `synchronize`).
fn pr_event(base: &str, head_sha: &str, head_ref: &str) -> String {
    format!(
        r#"{{"action": "synchronize", "number": 7,
  "pull_request": {{"number": 7, "state": "open", "draft": false, "title": "Fix it",
    "head": {{"label": "acme:{head_ref}", "ref": "{head_ref}", "sha": "{head_sha}",
             "repo": {{"full_name": "acme/shop"}}}},
    "base": {{"label": "acme:{base}", "ref": "{base}", "sha": "{ZERO}",
             "repo": {{"full_name": "acme/shop"}}}}}},
  "repository": {{"full_name": "acme/shop"}}, "sender": {{"login": "alice"}}}}"#
    )
}

/// A sandbox where hotfix/fix-a was merged into main and pushed with it: main's tip before
/// and after.
fn one_hotfix_pushed() -> (TestRepo, String, String) {
    let t = TestRepo::new();
    let before = t.rev("origin/main");
    branch(&t, "hotfix/fix-a", "main", &[("src/a.txt", "Fix a")]);
    let after = merge(&t, "main", "hotfix/fix-a");
    push(&t, &["main", "hotfix/fix-a"]);
    (t, before, after)
}

/// The annotations a run printed, one per line.
fn annotations(run: &Run) -> Vec<&str> {
    run.stdout.lines().filter(|l| l.starts_with("::")).collect()
}

#[test]
fn a_push_event_checks_what_the_push_added_and_annotates_each_violation() {
    let (t, before, good) = one_hotfix_pushed();
    let run = actions(&t, "push", &push_event("refs/heads/main", &before, &good, false)).ok();
    run.stderr_has(&[
        "GitHub Actions: push to 'main'",
        &format!("{}..{}", short(&before), short(&good)),
    ])
    .stdout_has(&[
        "1 commit checked (what the push added to main's first-parent line): no violations",
    ]);
    assert!(summary(&t).contains("### git hotfix verify: 1 commit checked"), "{}", summary(&t));

    // The next push: a direct commit whose subject needs escaping, and a badly named hotfix.
    let direct = t.commit_file("src/d.txt", "d\n", "Fix 100%, done: now");
    branch(&t, "hotfix/Bad_Name", "main", &[("src/b.txt", "Fix b")]);
    let bad = merge(&t, "main", "hotfix/Bad_Name");
    push(&t, &["main"]);
    let run = actions(&t, "push", &push_event("refs/heads/main", &good, &bad, false)).code(1);
    let found = annotations(&run);
    assert_eq!(found.len(), 2, "{run}");
    assert!(found[0].starts_with("::error title=R3 main topology::"), "{run}");
    assert!(
        found[0].contains(&format!("%0Acommit: {} Fix 100%25, done: now%0Afix: ", short(&direct)))
    );
    assert!(found[1].starts_with("::error title=R1 naming::"), "{run}");
    run.stderr_has(&["✗ R3", "✗ R1", "2 violations in 2 commits checked"]);
    let text = summary(&t);
    assert!(text.contains("### git hotfix verify: 2 violations in 2 commits checked"), "{text}");
    assert!(text.contains("| | rule | commit | problem | fix |"), "{text}");
    assert!(
        text.contains(&format!(
            "| ❌ | R3 main topology | `{}` Fix 100%, done: now |",
            short(&direct)
        )),
        "{text}"
    );
}

#[test]
fn a_new_branch_checks_the_commits_no_other_trunk_has() {
    let t = TestRepo::new();
    branch(&t, "feature/one", "development", &[("feat/one.txt", "Add one")]);
    let tip = merge(&t, "development", "feature/one");
    push(&t, &["development"]);
    let run = actions(&t, "push", &push_event("refs/heads/development", ZERO, &tip, false)).ok();
    run.stderr_has(&["created at"]).stdout_has(&["1 commit checked", "no violations"]);
    // A development that copied a hotfix instead of merging it, pushed as a new branch.
    let fix = branch(&t, "hotfix/fix-c", "main", &[("src/c.txt", "Fix c")]);
    merge(&t, "main", "hotfix/fix-c");
    push(&t, &["main"]);
    t.git(&["switch", "-q", "development"]);
    t.git(&["cherry-pick", &fix]);
    let copy = t.rev("HEAD");
    push(&t, &["development"]);
    let run = actions(&t, "push", &push_event("refs/heads/development", ZERO, &copy, false));
    run.code(1).stderr_has(&["✗ R4", short(&copy)]);
}

#[test]
fn a_force_push_is_said_and_its_new_range_checked() {
    let (t, root, old) = one_hotfix_pushed();
    t.git(&["reset", "-q", "--hard", &root]);
    branch(&t, "hotfix/fix-b", "main", &[("src/b.txt", "Fix b")]);
    let new = merge(&t, "main", "hotfix/fix-b");
    t.git(&["push", "-q", "-f", "origin", "main"]);
    let run = actions(&t, "push", &push_event("refs/heads/main", &old, &new, true)).code(1);
    let run = run.stderr_has(&[
        "(forced)",
        "the push rewrote 'main'",
        "✗ R5",
        &format!("this rewinds 'main': {}", short(&old)),
        "1 violation in 1 commit checked",
    ]);
    assert_eq!(annotations(&run).len(), 1, "{run}");
    // GitHub says forced, the old tip is gone from every clone: the rewind is still a finding.
    let gone = "3".repeat(40);
    let run = actions(&t, "push", &push_event("refs/heads/main", &gone, &new, true)).code(1);
    run.stderr_has(&["✗ R5", "its old tip 3333333 is gone"]);
    // Not forced, and the old tip is missing: the clone is incomplete, not the push wrong.
    let run = actions(&t, "push", &push_event("refs/heads/main", &gone, &new, false)).code(2);
    run.stderr_has(&["old tip 3333333 of 'main' is not in this clone", "fetch-depth: 0"]);
    // Deleted: R5, whatever the history.
    let run = actions(&t, "push", &push_event("refs/heads/main", &new, ZERO, false)).code(1);
    run.stderr_has(&["push to 'main', deleted", "✗ R5", "deleting 'main' is not allowed"]);
    actions(&t, "push", &push_event("refs/heads/hotfix/fix-b", &new, ZERO, false))
        .ok()
        .stdout_has(&["a push to 'hotfix/fix-b' is nothing the hotfix rules check"]);
    // Forced, but nothing was dropped: said, and clean.
    let run = actions(&t, "push", &push_event("refs/heads/main", &root, &new, true)).ok();
    run.stderr_has(&["the push was forced, but kept every commit"]);
}

#[test]
fn a_pull_request_event_is_checked_with_its_base_head_and_branch() {
    let t = TestRepo::new();
    let tip = branch(&t, "hotfix/fix-login", "main", &[("src/login.txt", "Fix login")]);
    push(&t, &["hotfix/fix-login"]);
    actions(&t, "pull_request", &pr_event("main", &tip, "hotfix/fix-login"))
        .ok()
        .stderr_has(&["GitHub Actions: pull request from 'hotfix/fix-login'"])
        .stdout_has(&["pull request 'hotfix/fix-login' into main", "no violations"]);
    // The name comes from the payload, not from a ref in the clone (a fork's branch has none).
    let run = actions(&t, "pull_request_target", &pr_event("main", &tip, "hotfix/Fix_Login"));
    let run = run.code(1);
    assert!(annotations(&run)[0].starts_with("::error title=R1 naming::"), "{run}");
    // Cut from development: R2.
    branch(&t, "feature/one", "development", &[("feat/one.txt", "Add one")]);
    merge(&t, "development", "feature/one");
    push(&t, &["development"]);
    let mixed = branch(&t, "hotfix/from-dev", "origin/development", &[("src/x.txt", "Fix x")]);
    let run = actions(&t, "pull_request", &pr_event("main", &mixed, "hotfix/from-dev")).code(1);
    assert!(annotations(&run)[0].starts_with("::error title=R2 base::"), "{run}");
    // Into another branch: nothing the rules check, and it says so.
    actions(&t, "pull_request", &pr_event("feature/one", &mixed, "hotfix/from-dev"))
        .ok()
        .stdout_has(&["a pull request into 'feature/one' is nothing the hotfix rules check"]);
    // A head the clone lacks.
    actions(&t, "pull_request", &pr_event("main", &"4".repeat(40), "hotfix/x"))
        .code(2)
        .stderr_has(&["is not a known revision", "fetch-depth: 0"]);
}

#[test]
fn bad_events_are_usage_errors_never_a_pass() {
    let t = TestRepo::new();
    let main = t.rev("origin/main");
    actions(&t, "workflow_dispatch", r#"{"inputs": {}, "ref": "refs/heads/main"}"#)
        .code(2)
        .stderr_has(&[
            "'workflow_dispatch' event names no pull request and no push",
            "--branch main",
        ]);
    actions(&t, "schedule", r#"{"schedule": "0 0 * * *"}"#).code(2);
    actions(&t, "push", r#"{"ref": "refs/heads/main", "after": "x"}"#)
        .code(2)
        .stderr_has(&["event.json: the 'push' event's payload has no `before`"]);
    actions(&t, "pull_request", r#"{"pull_request": {"base": {"ref": "main"}}}"#)
        .code(2)
        .stderr_has(&["no `pull_request.head.sha`"]);
    actions(&t, "push", "{ not json").code(2).stderr_has(&["not JSON"]);
    let env = [
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_EVENT_NAME", "push"),
        ("GITHUB_EVENT_PATH", "/nonexistent/event.json"),
    ];
    t.hotfix_with_stdin(&t.work, &["verify"], "", &env)
        .code(2)
        .stderr_has(&["cannot read the event payload", "/nonexistent/event.json"]);
    // Arguments say what to check: the event is not read at all.
    actions_with(&t, &["verify", "--branch", "main"], "workflow_dispatch", "{}").ok();
    // A tag is nothing to check.
    actions(&t, "push", &push_event("refs/tags/v1.0", ZERO, &main, false))
        .ok()
        .stdout_has(&["nothing the hotfix rules check"]);
}

#[test]
fn a_shallow_checkout_gets_the_fix_for_its_ci() {
    let t = TestRepo::new();
    let url = format!("file://{}", t.origin.display());
    t.run_git(t.tmp.path(), &["clone", "-q", "--depth", "1", &url, "shallow"]).ok();
    let dir = t.tmp.path().join("shallow");
    let main = t.rev("origin/main");
    std::fs::write(t.tmp.path().join("e.json"), push_event("refs/heads/main", ZERO, &main, false))
        .unwrap();
    let event = t.tmp.path().join("e.json");
    let github = [
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_EVENT_NAME", "push"),
        ("GITHUB_EVENT_PATH", event.to_str().unwrap()),
    ];
    t.hotfix_with_stdin(&dir, &["verify"], "", &github)
        .code(2)
        .stderr_has(&["shallow", "actions/checkout with `fetch-depth: 0`"]);
    let gitlab = [("GITLAB_CI", "true"), ("CI_COMMIT_BRANCH", "main")];
    t.hotfix_with_stdin(&dir, &["verify"], "", &gitlab)
        .code(2)
        .stderr_has(&["shallow", "`GIT_DEPTH: 0`"]);
}

// ---- GitLab CI ----

fn gitlab(t: &TestRepo, vars: &[(&str, &str)]) -> Run {
    let mut env = vec![("CI", "true"), ("GITLAB_CI", "true")];
    env.extend_from_slice(vars);
    t.hotfix_with_stdin(&t.work, &["verify"], "", &env)
}

#[test]
fn a_gitlab_merge_request_pipeline_is_a_pull_request() {
    let t = TestRepo::new();
    let good = branch(&t, "hotfix/fix-login", "main", &[("src/login.txt", "Fix login")]);
    branch(&t, "feature/one", "development", &[("feat/one.txt", "Add one")]);
    merge(&t, "development", "feature/one");
    push(&t, &["development"]);
    let mixed = branch(&t, "hotfix/from-dev", "origin/development", &[("src/x.txt", "Fix x")]);
    let mr = |head: &str, name: &str| {
        gitlab(
            &t,
            &[
                ("CI_PIPELINE_SOURCE", "merge_request_event"),
                ("CI_MERGE_REQUEST_IID", "3"),
                ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main"),
                ("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME", name),
                ("CI_COMMIT_SHA", head),
            ],
        )
    };
    mr(&good, "hotfix/fix-login")
        .ok()
        .stderr_has(&["GitLab CI: merge request from 'hotfix/fix-login'"]);
    let run = mr(&mixed, "hotfix/from-dev").code(1).stderr_has(&["✗ R2"]);
    assert!(annotations(&run).is_empty(), "annotations are GitHub's\n{run}");
    gitlab(&t, &[("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main"), ("CI_COMMIT_SHA", &good)])
        .code(2)
        .stderr_has(&["needs both CI_MERGE_REQUEST_TARGET_BRANCH_NAME and CI_MERGE_REQUEST_SOURCE_BRANCH_NAME"]);
}

#[test]
fn a_gitlab_branch_pipeline_checks_from_the_commit_before() {
    let t = TestRepo::new();
    let fix = branch(&t, "hotfix/fix-d", "main", &[("src/d.txt", "Fix d")]);
    merge(&t, "main", "hotfix/fix-d");
    push(&t, &["main"]);
    let before = t.rev("origin/development");
    t.git(&["switch", "-q", "development"]);
    t.git(&["cherry-pick", &fix]);
    let copy = t.rev("HEAD");
    push(&t, &["development"]);
    let pipeline = |before: &str| {
        gitlab(
            &t,
            &[
                ("CI_PIPELINE_SOURCE", "push"),
                ("CI_COMMIT_BRANCH", "development"),
                ("CI_COMMIT_BEFORE_SHA", before),
                ("CI_COMMIT_SHA", &copy),
            ],
        )
    };
    pipeline(&before).code(1).stderr_has(&[
        "✗ R4",
        short(&copy),
        "1 violation in 1 commit checked",
    ]);
    // From the copy on, nothing new: clean.
    pipeline(&copy).ok().stdout_has(&["0 commits checked"]);
    gitlab(&t, &[("CI_COMMIT_BRANCH", "development"), ("CI_COMMIT_SHA", &copy)])
        .code(2)
        .stderr_has(&["CI_COMMIT_BEFORE_SHA"]);
}

// ---- the GitHub Action ----

/// The `run:` script of `action.yml`'s verify step, as written.
fn action_script() -> String {
    let action = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml"),
    )
    .unwrap();
    let step = &action[action.find("- name: git hotfix verify").expect("the verify step")..];
    let body = &step[step.find("run: |\n").expect("its run script") + "run: |\n".len()..];
    body.lines()
        .take_while(|l| l.starts_with("        ") || l.is_empty())
        .map(|l| format!("{}\n", l.get(8..).unwrap_or_default()))
        .collect()
}

/// The step run the way GitHub runs a `shell: bash` step, with the inputs as its variables.
fn action_step(t: &TestRepo, env: &[(&str, &str)]) -> Run {
    let script = action_script();
    let args = ["--noprofile", "--norc", "-eo", "pipefail", "-c", script.as_str()];
    t.run_with("bash", &t.work, &args, env).no_panic()
}

#[test]
fn the_actions_verify_step_passes_its_inputs_as_arguments() {
    let (t, before, after) = one_hotfix_pushed();
    let path = t.tmp.path().join("event.json");
    std::fs::write(&path, push_event("refs/heads/main", &before, &after, false)).unwrap();
    let event = [
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_EVENT_NAME", "push"),
        ("GITHUB_EVENT_PATH", path.to_str().unwrap()),
    ];
    // No inputs: the event says what to check.
    action_step(&t, &event).ok().stdout_has(&["what the push added to main's first-parent line"]);
    // Inputs: a range of development's line; a pull request. Spaces stay inside one argument.
    let mut env = event.to_vec();
    env.extend([("INPUT_BRANCH", "development"), ("INPUT_RANGE", "origin/development")]);
    action_step(&t, &env).ok().stdout_has(&["development's first-parent line"]);
    let mut env = event.to_vec();
    env.extend([("INPUT_BASE", "origin/main"), ("INPUT_HEAD", "origin/hotfix/fix-a")]);
    action_step(&t, &env).ok().stdout_has(&["pull request 'hotfix/fix-a' into main"]);
    env.push(("INPUT_HEAD_NAME", "hotfix/Not Good"));
    action_step(&t, &env).code(1).stderr_has(&["'hotfix/Not Good'"]);
}
