use crate::support::TestRepo;
use serde_json::Value;

const BRANCH: &str = "hotfix/fix-login";

const DERIVED: &[&str] = &[
    "name",
    "created-from-main",
    "minimal-changes",
    "published",
    "merged-into-main",
    "merged-into-development",
    "cleaned-up",
];

/// `status --json` (extra args first), parsed.
fn status(t: &TestRepo, args: &[&str]) -> Value {
    let mut argv = vec!["status", "--json"];
    argv.extend_from_slice(args);
    let run = t.hotfix(&argv).ok();
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("not JSON ({e})\n{run}"))
}

/// The state and detail of checklist item `id`.
fn item(report: &Value, id: &str) -> (String, String) {
    let items = report["items"].as_array().expect("items");
    let item = items.iter().find(|i| i["id"] == id).unwrap_or_else(|| panic!("no {id}: {report}"));
    (item["state"].as_str().unwrap().to_owned(), item["detail"].as_str().unwrap().to_owned())
}

fn state(report: &Value, id: &str) -> String {
    item(report, id).0
}

/// A started hotfix with one commit, on BRANCH.
fn hotfix_with_a_commit(t: &TestRepo) -> String {
    t.hotfix(&["start", "fix-login"]).ok();
    t.commit_file("src/app.txt", "line 1\nline 2 fixed\nline 3\n", "Fix the login timeout")
}

fn merge_into(t: &TestRepo, target: &str, how: &[&str]) -> String {
    t.git(&["switch", "-q", target]);
    let mut args = vec!["merge", "-q"];
    args.extend_from_slice(how);
    args.push(BRANCH);
    t.git(&args);
    t.git(&["push", "-q", "origin", target]);
    t.git(&["switch", "-q", BRANCH]);
    t.rev(&format!("origin/{target}"))
}

fn delete_everywhere(t: &TestRepo) {
    t.git(&["switch", "-q", "main"]);
    t.git(&["branch", "-q", "-D", BRANCH]);
    t.git(&["push", "-q", "origin", "--delete", BRANCH]);
}

#[test]
fn a_fresh_hotfix_has_everything_ahead_of_it() {
    let t = TestRepo::new();
    t.hotfix(&["start", "fix-login"]).ok();
    let r = status(&t, &[]);
    assert_eq!(r["branch"], BRANCH);
    assert_eq!(r["stage"], "in-progress");
    assert_eq!(r["tip"]["id"], t.rev("main"));
    for id in ["name", "created-from-main", "minimal-changes"] {
        assert_eq!(state(&r, id), "done", "{id}: {r}");
    }
    for id in ["published", "merged-into-main", "merged-into-development", "cleaned-up"] {
        assert_eq!(state(&r, id), "todo", "{id}: {r}");
    }
    assert!(item(&r, "merged-into-main").1.contains("no commits yet"), "{r}");
    // A branch made with plain git, at main's tip, is just as fresh.
    t.git(&["switch", "-q", "-c", "hotfix/by-hand", "main"]);
    let r = status(&t, &[]);
    assert_eq!(r["stage"], "in-progress");
    assert_eq!(state(&r, "merged-into-main"), "todo", "{r}");
}

#[test]
fn human_output_has_one_line_per_item() {
    let t = TestRepo::new();
    hotfix_with_a_commit(&t);
    let run = t.hotfix(&["status"]).ok().stdout_has(&[
        "hotfix/fix-login: in progress",
        "✓ Named for the process (R1)",
        "✗ Published",
        "not pushed yet: git hotfix publish",
        "✗ Tested locally",
        "git hotfix check tested-locally hotfix/fix-login",
    ]);
    let items = run.stdout.lines().filter(|l| l.starts_with(['✓', '✗', '!', '?'])).count();
    assert_eq!(items, 12, "{run}");
}

#[test]
fn follows_the_hotfix_through_the_process() {
    let t = TestRepo::new();
    let tip = hotfix_with_a_commit(&t);
    let r = status(&t, &[]);
    assert_eq!(r["stage"], "in-progress");
    assert_eq!(state(&r, "published"), "todo");
    assert!(item(&r, "minimal-changes").1.contains("1 file(s), 2 line(s)"), "{r}");

    t.git(&["push", "-q", "-u", "origin", BRANCH]);
    let r = status(&t, &[]);
    assert_eq!(r["stage"], "published");
    assert_eq!(state(&r, "published"), "done");
    assert_eq!(state(&r, "merged-into-main"), "todo");

    let main = merge_into(&t, "main", &["--no-ff", "-m", "Merge branch 'hotfix/fix-login'"]);
    let r = status(&t, &[]);
    assert_eq!(r["stage"], "merged-into-main");
    let (merged, detail) = item(&r, "merged-into-main");
    assert_eq!(merged, "done", "{r}");
    assert!(detail.contains(&main[..7]), "{detail}");
    assert_eq!(state(&r, "merged-into-development"), "todo");
    assert!(item(&r, "merged-into-development").1.contains("publish --to development"), "{r}");
    assert_eq!(state(&r, "created-from-main"), "done", "behind main after its merge is fine");
    assert!(item(&r, "minimal-changes").1.contains("1 file(s), 2 line(s)"), "{r}");
    assert_eq!(state(&r, "cleaned-up"), "todo");

    let dev = merge_into(
        &t,
        "development",
        &["--no-ff", "-m", "Merge branch 'hotfix/fix-login' into development"],
    );
    let r = status(&t, &[]);
    assert_eq!(r["stage"], "merged-into-main-and-development");
    let (back, detail) = item(&r, "merged-into-development");
    assert_eq!(back, "done", "{r}");
    assert!(detail.contains(&dev[..7]), "{detail}");
    assert!(item(&r, "cleaned-up").1.contains("git hotfix cleanup"), "{r}");

    delete_everywhere(&t);
    let r = status(&t, &[BRANCH]);
    assert_eq!(r["stage"], "cleaned-up");
    assert_eq!(r["tip"]["id"], tip);
    assert_eq!(r["local"], Value::Null);
    for id in DERIVED {
        assert_eq!(state(&r, id), "done", "{id}: {r}");
    }
}

#[test]
fn a_fast_forward_into_main_is_not_a_true_merge() {
    let t = TestRepo::new();
    hotfix_with_a_commit(&t);
    t.git(&["push", "-q", "origin", BRANCH]);
    merge_into(&t, "main", &["--ff-only"]);
    let r = status(&t, &[]);
    assert_eq!(r["stage"], "merged-into-main");
    let (merged, detail) = item(&r, "merged-into-main");
    assert_eq!(merged, "warning", "{r}");
    assert!(detail.contains("fast-forwarded"), "{detail}");
    assert!(item(&r, "minimal-changes").1.contains("1 file(s)"), "start recorded the base: {r}");
}

#[test]
fn a_squash_into_main_is_reported_as_a_copy() {
    let t = TestRepo::new();
    hotfix_with_a_commit(&t);
    t.git(&["switch", "-q", "main"]);
    t.git(&["merge", "-q", "--squash", BRANCH]);
    let squash = t.commit_in(&t.work, "Fix the login timeout (#12)");
    t.git(&["push", "-q", "origin", "main"]);
    let r = status(&t, &[BRANCH]);
    let (merged, detail) = item(&r, "merged-into-main");
    assert_eq!(merged, "warning", "{r}");
    assert!(detail.contains("squashed or rebased") && detail.contains(&squash[..7]), "{detail}");
}

#[test]
fn a_deleted_branch_is_found_by_its_merge_or_its_record() {
    let t = TestRepo::new();
    let tip = hotfix_with_a_commit(&t);
    t.git(&["push", "-q", "origin", BRANCH]);
    merge_into(&t, "main", &["--no-ff", "-m", "Merge pull request #7 from acme/hotfix/fix-login"]);
    merge_into(&t, "development", &["--no-ff"]);
    delete_everywhere(&t);
    let r = status(&t, &["fix-login"]);
    assert_eq!(r["tip"]["id"], tip);
    assert!(r["tip_from"].as_str().unwrap().starts_with("merge "), "{r}");
    assert_eq!(r["stage"], "cleaned-up");

    // A merge message that names no branch: only a recorded tip finds it.
    let t = TestRepo::new();
    let tip = hotfix_with_a_commit(&t);
    merge_into(&t, "main", &["--no-ff", "-m", "Urgent fix"]);
    t.hotfix(&["check", "tested-locally"]).ok();
    t.git(&["switch", "-q", "main"]);
    t.git(&["branch", "-q", "-D", BRANCH]);
    let r = status(&t, &[BRANCH]);
    assert_eq!(r["tip"]["id"], tip);
    assert_eq!(r["tip_from"], "recorded");
    assert_eq!(state(&r, "tested-locally"), "done");
    t.git(&["config", "--unset", "hotfix-checklist.hotfix/fix-login.tip"]);
    t.hotfix(&["status", BRANCH]).code(2).stderr_has(&["no hotfix branch 'hotfix/fix-login'"]);
}

#[test]
fn manual_items_are_ticked_and_unticked() {
    let t = TestRepo::new();
    hotfix_with_a_commit(&t);
    assert_eq!(state(&status(&t, &[]), "tested-locally"), "todo");
    t.hotfix(&["check", "tested-locally"])
        .ok()
        .stdout_has(&["tested-locally marked for hotfix/fix-login"]);
    t.hotfix(&["check", "post-mortem", BRANCH]).ok();
    let r = status(&t, &[]);
    assert_eq!(state(&r, "tested-locally"), "done");
    assert_eq!(state(&r, "post-mortem"), "done");
    assert_eq!(state(&r, "verified-in-production"), "todo");
    t.hotfix(&["check", "tested-locally", "--undo"]).ok();
    t.hotfix(&["check", "tested-locally", "--undo"]).ok().stderr_has(&["was not marked"]);
    let r = status(&t, &[]);
    assert_eq!(state(&r, "tested-locally"), "todo");
    assert_eq!(state(&r, "post-mortem"), "done");
}

#[test]
fn manual_items_work_for_names_with_dots() {
    let t = TestRepo::new();
    t.hotfix(&["start", "bump to v1.2.3"]).ok();
    t.hotfix(&["check", "confirmed-in-production"]).ok();
    // Kept in the notes of the blob that holds the branch name, and on origin.
    let blob = t.git_with_stdin(&t.work, &["hash-object", "--stdin"], "hotfix/bump-to-v1.2.3\n");
    let note = t.git(&["notes", "--ref=hotfix", "show", blob.ok().stdout.trim()]);
    assert!(note.starts_with("confirmed-in-production mark "), "{note}");
    assert_eq!(t.origin_rev("refs/notes/hotfix"), Some(t.git(&["rev-parse", "refs/notes/hotfix"])));
    let r = status(&t, &[]);
    assert_eq!(state(&r, "confirmed-in-production"), "done");
    assert_eq!(state(&r, "tested-locally"), "todo");
}

#[test]
fn a_new_hotfix_with_an_old_name_starts_with_a_clean_checklist() {
    let t = TestRepo::new();
    t.hotfix(&["start", "fix-login"]).ok();
    t.hotfix(&["check", "tested-locally"]).ok();
    t.git(&["switch", "-q", "main"]);
    t.git(&["branch", "-q", "-D", BRANCH]);
    t.hotfix(&["start", "fix-login"]).ok();
    assert_eq!(state(&status(&t, &[]), "tested-locally"), "todo");
}

#[test]
fn unknown_items_and_branches_are_usage_errors() {
    let t = TestRepo::new();
    hotfix_with_a_commit(&t);
    t.hotfix(&["check", "deployed"]).code(2).stderr_has(&["tested-locally", "post-mortem"]);
    t.hotfix(&["status", "hotfix/nope"])
        .code(2)
        .stderr_has(&["hotfix/nope", "open hotfixes: hotfix/fix-login"]);
    t.hotfix(&["check", "tested-locally", "nope"]).code(2);
    t.git(&["switch", "-q", "main"]);
    t.hotfix(&["status"]).code(2).stderr_has(&[
        "the current branch 'main' is not a hotfix branch",
        "open hotfixes: hotfix/fix-login",
    ]);
    t.hotfix(&["status", "fix-login"]).ok();
}

#[test]
fn r6_warns_over_the_thresholds() {
    let t = TestRepo::new();
    hotfix_with_a_commit(&t);
    assert_eq!(state(&status(&t, &[]), "minimal-changes"), "done");
    t.commit_file("other.txt", "more\n", "Touch a second file");
    t.git(&["config", "hotfix.maxFiles", "1"]);
    let (size, detail) = item(&status(&t, &[]), "minimal-changes");
    assert_eq!(size, "warning");
    assert!(detail.contains("2 file(s)"), "{detail}");
    t.git(&["config", "hotfix.enforceSize", "true"]);
    assert_eq!(state(&status(&t, &[]), "minimal-changes"), "todo");
}

#[test]
fn r2_a_hotfix_cut_from_development_is_flagged() {
    let t = TestRepo::new();
    t.git(&["switch", "-q", "development"]);
    t.commit_file("feature.txt", "wip\n", "Unreleased feature");
    t.git(&["push", "-q", "origin", "development"]);
    t.git(&["switch", "-q", "-c", BRANCH]);
    t.commit_file("src/app.txt", "fixed\n", "Fix on the wrong base");
    let (base, detail) = item(&status(&t, &[]), "created-from-main");
    assert_eq!(base, "todo");
    assert!(detail.contains("not cut from main"), "{detail}");
    assert_eq!(state(&status(&t, &[]), "merged-into-development"), "todo");
}

#[test]
fn merged_into_development_before_main_is_flagged() {
    let t = TestRepo::new();
    hotfix_with_a_commit(&t);
    merge_into(&t, "development", &["--no-ff"]);
    let r = status(&t, &[]);
    assert_eq!(r["stage"], "merged-into-development-only");
    let (back, detail) = item(&r, "merged-into-development");
    assert_eq!(back, "warning");
    assert!(detail.contains("before main (R8)"), "{detail}");
}

#[test]
fn local_and_remote_tips_that_differ_are_reported() {
    let t = TestRepo::new();
    hotfix_with_a_commit(&t);
    t.git(&["push", "-q", "origin", BRANCH]);
    t.commit_file("src/app.txt", "line 1\nfixed again\nline 3\n", "Fix it better");
    let (published, detail) = item(&status(&t, &[]), "published");
    assert_eq!(published, "warning");
    assert!(detail.contains("1 local commit(s) not pushed"), "{detail}");
}

#[test]
fn status_of_a_remote_only_hotfix() {
    let t = TestRepo::new();
    let other = t.clone_as("other");
    t.hotfix_in(&other, &["start", "fix-login"]).ok();
    t.write_in(&other, "fix.txt", "fix\n");
    t.run_git(&other, &["add", "fix.txt"]).ok();
    let tip = t.commit_in(&other, "Fix from a colleague");
    t.run_git(&other, &["push", "-q", "origin", BRANCH]).ok();
    t.git(&["fetch", "-q"]);
    let r: Value = status(&t, &["origin/hotfix/fix-login"]);
    assert_eq!(r["tip"]["id"], tip);
    assert_eq!(r["local"], Value::Null);
    assert_eq!(r["stage"], "published");
    t.hotfix(&["status", "fix-login"]).ok().stdout_has(&["hotfix/fix-login: published"]);
}

#[test]
fn a_cherry_pick_into_development_is_reported_as_a_copy() {
    let t = TestRepo::new();
    let fix = hotfix_with_a_commit(&t);
    merge_into(&t, "main", &["--no-ff"]);
    t.git(&["switch", "-q", "development"]);
    t.git(&["cherry-pick", &fix]);
    let copy = t.rev("HEAD");
    t.git(&["push", "-q", "origin", "development"]);
    let (back, detail) = item(&status(&t, &[BRANCH]), "merged-into-development");
    assert_eq!(back, "warning");
    assert!(detail.contains("copied into development") && detail.contains(&copy[..7]), "{detail}");
    // Merging the branch itself is what makes it right.
    t.git(&["merge", "-q", "--no-ff", BRANCH]);
    t.git(&["push", "-q", "origin", "development"]);
    assert_eq!(state(&status(&t, &[BRANCH]), "merged-into-development"), "done");
}
