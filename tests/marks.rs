//! Checklist marks are the team's: kept in Git notes under `refs/notes/hotfix`, shared through
//! the remote, merged when two people mark at once, and still local knowledge when offline.

use crate::support::{Run, TestRepo};
use serde_json::Value;
use std::path::{Path, PathBuf};

const BRANCH: &str = "hotfix/x";

/// origin with `hotfix/x` (one commit) pushed from `work`, where Alice marks, and a clone `b`
/// where Bob does.
fn two_clones() -> (TestRepo, PathBuf) {
    let t = TestRepo::new();
    t.git(&["config", "user.name", "Alice"]);
    t.git(&["config", "user.email", "alice@example.com"]);
    t.hotfix(&["start", "x"]).ok();
    t.commit_file("src/app.txt", "fixed\n", "Fix x");
    t.git(&["push", "-q", "-u", "origin", BRANCH]);
    let b = t.clone_as("b");
    t.run_git(&b, &["config", "user.name", "Bob"]).ok();
    t.run_git(&b, &["config", "user.email", "bob@example.com"]).ok();
    (t, b)
}

fn status(t: &TestRepo, dir: &Path, branch: &str) -> Value {
    let run = t.hotfix_in(dir, &["status", "--json", branch]).ok();
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("not JSON ({e})\n{run}"))
}

fn item<'a>(report: &'a Value, id: &str) -> &'a Value {
    let items = report["items"].as_array().expect("items");
    items.iter().find(|i| i["id"] == id).unwrap_or_else(|| panic!("no {id}: {report}"))
}

/// `Some(name of who marked it)` when `id` is done, `None` when it is to do.
fn marked_by(report: &Value, id: &str) -> Option<String> {
    let item = item(report, id);
    match item["state"].as_str() {
        Some("done") => Some(item["marked_by"]["name"].as_str().unwrap_or("?").to_owned()),
        Some("todo") => None,
        other => panic!("{id} is {other:?}: {report}"),
    }
}

/// The note on `branch` in `notes_ref` of `dir` (origin included), empty when there is none.
fn note(t: &TestRepo, dir: &Path, notes_ref: &str, branch: &str) -> String {
    let blob = t.git_with_stdin(dir, &["hash-object", "--stdin"], &format!("{branch}\n")).ok();
    let notes = format!("--ref={notes_ref}");
    t.run_git(dir, &["notes", &notes, "show", blob.stdout.trim()]).stdout
}

/// Runs `f` with origin out of reach (moved away, as when offline).
fn offline<T>(t: &TestRepo, f: impl FnOnce() -> T) -> T {
    let away = t.tmp.path().join("origin-away.git");
    std::fs::rename(&t.origin, &away).unwrap();
    let out = f();
    std::fs::rename(&away, &t.origin).unwrap();
    out
}

fn check(t: &TestRepo, dir: &Path, args: &[&str]) -> Run {
    let mut argv = vec!["check"];
    argv.extend_from_slice(args);
    t.hotfix_in(dir, &argv)
}

#[test]
fn marks_made_in_one_clone_show_in_another_with_who_and_when() {
    let (t, b) = two_clones();
    check(&t, &t.work, &["tested-locally"]).ok().stderr_has(&["shared with origin"]);
    assert!(note(&t, &t.origin, "refs/notes/hotfix", BRANCH).contains("tested-locally mark "));

    let r = status(&t, &b, BRANCH);
    assert_eq!(marked_by(&r, "tested-locally").as_deref(), Some("Alice"), "{r}");
    let tested = item(&r, "tested-locally");
    assert_eq!(tested["marked_by"]["email"], "alice@example.com");
    assert_eq!(tested["mark_source"], "shared");
    let at = tested["marked_at"].as_str().expect("marked_at");
    assert!(at.len() == 20 && at.ends_with('Z') && at[..4].parse::<u32>().unwrap() >= 2024);
    let detail = tested["detail"].as_str().unwrap();
    assert_eq!(detail, format!("marked by Alice on {}", &at[..10]));
    assert_eq!(marked_by(&r, "post-mortem"), None);
    assert_eq!(item(&r, "post-mortem")["marked_by"], Value::Null);
    assert_eq!(item(&r, "published")["marked_by"], Value::Null);
    t.hotfix_in(&b, &["status", BRANCH])
        .ok()
        .stdout_has(&["✓ Tested locally", "marked by Alice on "]);

    // Marking it again changes nothing; Bob's own mark of another item is his.
    check(&t, &t.work, &["tested-locally"]).ok().stderr_has(&["already marked", "by Alice"]);
    check(&t, &b, &["post-mortem", BRANCH]).ok();
    let r = status(&t, &t.work, BRANCH);
    assert_eq!(marked_by(&r, "tested-locally").as_deref(), Some("Alice"));
    assert_eq!(marked_by(&r, "post-mortem").as_deref(), Some("Bob"));
}

#[test]
fn marks_made_at_once_in_two_clones_both_survive() {
    let (t, b) = two_clones();
    // Alice marks while origin is out of reach: recorded in her clone only.
    offline(&t, || check(&t, &t.work, &["tested-locally"]).ok());
    // Bob marks; between his look at origin and his push, Alice's mark gets there first
    // (his pre-push hook pushes hers), so origin rejects his push.
    let flag = t.tmp.path().join("alice-pushed");
    let hook = format!(
        "#!/bin/sh\ncat >/dev/null\n[ -e '{flag}' ] && exit 0\ntouch '{flag}'\n\
         unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_PREFIX\n\
         cd '{alice}' && git push -q origin refs/notes/hotfix:refs/notes/hotfix\n",
        flag = flag.display(),
        alice = t.work.display()
    );
    support_hook(&b, &hook);
    check(&t, &b, &["deployment-monitored", BRANCH])
        .ok()
        .stderr_has(&["shared with origin"])
        .no_panic();
    assert!(flag.exists(), "the race did not happen");
    let alice_first = t.git(&["rev-parse", "refs/notes/hotfix"]);

    let on_origin = note(&t, &t.origin, "refs/notes/hotfix", BRANCH);
    assert!(on_origin.contains("tested-locally mark "), "{on_origin}");
    assert!(on_origin.contains("deployment-monitored mark "), "{on_origin}");
    for dir in [&t.work, &b] {
        let r = status(&t, dir, BRANCH);
        assert_eq!(marked_by(&r, "tested-locally").as_deref(), Some("Alice"), "{r}");
        assert_eq!(marked_by(&r, "deployment-monitored").as_deref(), Some("Bob"), "{r}");
        assert_eq!(item(&r, "tested-locally")["mark_source"], "shared", "{r}");
    }
    // Nothing was forced: origin's notes still contain what Alice pushed first.
    t.run_git(&t.origin, &["merge-base", "--is-ancestor", &alice_first, "refs/notes/hotfix"]).ok();
}

/// Writes `b`'s pre-push hook.
fn support_hook(dir: &Path, script: &str) {
    use std::os::unix::fs::PermissionsExt;
    let hook = dir.join(".git/hooks/pre-push");
    std::fs::write(&hook, script).unwrap();
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn an_undo_in_another_clone_unmarks_it_everywhere() {
    let (t, b) = two_clones();
    check(&t, &t.work, &["tested-locally"]).ok();
    check(&t, &b, &["tested-locally", BRANCH, "--undo"])
        .ok()
        .stdout_has(&["tested-locally unmarked for hotfix/x"]);
    assert_eq!(marked_by(&status(&t, &b, BRANCH), "tested-locally"), None);
    assert_eq!(marked_by(&status(&t, &t.work, BRANCH), "tested-locally"), None);
    assert!(note(&t, &t.origin, "refs/notes/hotfix", BRANCH).contains("tested-locally undo "));
    // Undoing what is not marked records nothing.
    let before = t.origin_rev("refs/notes/hotfix");
    check(&t, &t.work, &["tested-locally", "--undo"]).ok().stderr_has(&["was not marked"]);
    assert_eq!(t.origin_rev("refs/notes/hotfix"), before);
    // Marked again after the undo: marked.
    check(&t, &t.work, &["tested-locally"]).ok();
    assert_eq!(marked_by(&status(&t, &b, BRANCH), "tested-locally").as_deref(), Some("Alice"));
    // A teammate whose clock is years ahead: an undo still undoes the mark it saw.
    let blob = t.git_with_stdin(&t.work, &["hash-object", "-w", "--stdin"], "hotfix/x\n").ok();
    let future = "post-mortem mark 4102444800.000000000 Zed <zed@example.com>";
    t.git(&["notes", "--ref=hotfix", "append", "-m", future, blob.stdout.trim()]);
    t.git(&["push", "-q", "origin", "refs/notes/hotfix"]);
    assert_eq!(marked_by(&status(&t, &b, BRANCH), "post-mortem").as_deref(), Some("Zed"));
    check(&t, &b, &["post-mortem", BRANCH, "--undo"]).ok().stdout_has(&["post-mortem unmarked"]);
    assert_eq!(marked_by(&status(&t, &t.work, BRANCH), "post-mortem"), None);
}

#[test]
fn offline_a_mark_is_kept_here_and_shared_later() {
    let (t, b) = two_clones();
    offline(&t, || {
        check(&t, &t.work, &["tested-locally"])
            .ok()
            .stderr_has(&["not shared with origin yet", "git push origin refs/notes/hotfix"]);
        let run = t.hotfix(&["status", "--json"]).ok().stderr_has(&["offline"]);
        assert_eq!(run.stderr.matches("offline").count(), 1, "{run}");
        let r: Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(marked_by(&r, "tested-locally").as_deref(), Some("Alice"));
        assert_eq!(item(&r, "tested-locally")["mark_source"], "local");
        let detail = item(&r, "tested-locally")["detail"].as_str().unwrap().to_owned();
        assert!(detail.ends_with("(not on origin yet)"), "{detail}");
        t.hotfix(&["list"]).ok().stderr_has(&["offline"]);
    });
    assert_eq!(t.origin_rev("refs/notes/hotfix"), None);
    assert_eq!(marked_by(&status(&t, &b, BRANCH), "tested-locally"), None);
    // Back online: status says what is not shared; the command it names shares it.
    t.hotfix(&["status"])
        .ok()
        .stderr_has(&["not on origin yet", "git push origin refs/notes/hotfix"]);
    t.git(&["push", "-q", "origin", "refs/notes/hotfix"]);
    assert_eq!(marked_by(&status(&t, &b, BRANCH), "tested-locally").as_deref(), Some("Alice"));
    let run = t.hotfix(&["status"]).ok();
    assert!(!run.stderr.contains("not on origin yet") && !run.stderr.contains("offline"), "{run}");
}

#[test]
fn offline_the_next_check_shares_what_was_kept() {
    let (t, b) = two_clones();
    offline(&t, || check(&t, &t.work, &["tested-locally"]).ok());
    check(&t, &t.work, &["tested-locally"])
        .ok()
        .stderr_has(&["already marked", "shared with origin"]);
    assert_eq!(marked_by(&status(&t, &b, BRANCH), "tested-locally").as_deref(), Some("Alice"));
    // What was pushed is known to be on origin, offline too.
    offline(&t, || {
        let run = t.hotfix(&["status", "--json"]).ok().stderr_has(&["offline"]);
        assert!(!run.stderr.contains("not on origin yet"), "{run}");
        let r: Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(item(&r, "tested-locally")["mark_source"], "shared", "{r}");
    });
}

#[test]
fn without_a_remote_the_marks_are_silently_local() {
    let t = TestRepo::new();
    t.hotfix(&["start", "x"]).ok();
    t.git(&["remote", "remove", "origin"]);
    let run = check(&t, &t.work, &["tested-locally"]).ok();
    assert!(!run.stderr.contains("shared") && !run.stderr.contains("offline"), "{run}");
    let run = t.hotfix(&["status"]).ok();
    assert!(!run.stderr.contains("offline") && !run.stderr.contains("not on"), "{run}");
    let r = status(&t, &t.work, BRANCH);
    assert_eq!(marked_by(&r, "tested-locally").as_deref(), Some("Test"));
    assert!(!item(&r, "tested-locally")["detail"].as_str().unwrap().contains("not on"), "{r}");
}

#[test]
fn a_mark_an_earlier_version_kept_in_git_config_still_counts() {
    let (t, b) = two_clones();
    t.git(&["config", "hotfix-checklist.hotfix/x.tested-locally", "true"]);
    let r = status(&t, &t.work, BRANCH);
    let tested = item(&r, "tested-locally");
    assert_eq!(tested["state"], "done", "{r}");
    assert_eq!(tested["mark_source"], "config");
    assert_eq!(tested["marked_by"], Value::Null);
    assert!(tested["detail"].as_str().unwrap().contains("git hotfix check tested-locally"), "{r}");
    assert_eq!(marked_by(&status(&t, &b, BRANCH), "tested-locally"), None, "config is not shared");
    // Marking it again shares it, as a note that replaces the config entry.
    check(&t, &t.work, &["tested-locally"]).ok().stdout_has(&["tested-locally marked"]);
    assert_eq!(marked_by(&status(&t, &b, BRANCH), "tested-locally").as_deref(), Some("Alice"));
    t.git_run(&["config", "hotfix-checklist.hotfix/x.tested-locally"]).code(1);
    // An undo is newer than a config mark.
    t.git(&["config", "hotfix-checklist.hotfix/x.post-mortem", "true"]);
    check(&t, &b, &["post-mortem", BRANCH, "--undo"]).ok().stderr_has(&["was not marked"]);
    check(&t, &t.work, &["post-mortem", "--undo"]).ok().stdout_has(&["post-mortem unmarked"]);
    assert_eq!(marked_by(&status(&t, &t.work, BRANCH), "post-mortem"), None);
}

#[test]
fn without_an_email_check_refuses_and_records_nothing() {
    let (t, _b) = two_clones();
    t.git(&["config", "--unset", "user.email"]);
    let anonymous = t.tmp.path().join("anonymous.gitconfig");
    std::fs::write(&anonymous, "[user]\n\tname = Nobody\n").unwrap();
    let env = [("GIT_CONFIG_GLOBAL", anonymous.to_str().unwrap())];
    let bin = crate::support::BIN;
    t.run_with(bin, &t.work, &["check", "tested-locally"], &env)
        .code(2)
        .stderr_has(&["user.email", "git config user.email"]);
    assert_eq!(t.git_run(&["rev-parse", "--verify", "-q", "refs/notes/hotfix"]).code, 1);
    assert_eq!(t.origin_rev("refs/notes/hotfix"), None);
    // Status still works without one.
    t.run_with(bin, &t.work, &["status"], &env).ok();
}

#[test]
fn branch_names_with_odd_characters_are_marked_like_any_other() {
    let (t, b) = two_clones();
    for branch in ["hotfix/a.b-c", "hotfix/Fix_1.2+x@home"] {
        t.git(&["branch", branch, "main"]);
        t.git(&["push", "-q", "origin", branch]);
        check(&t, &t.work, &["verified-in-production", branch]).ok();
        t.run_git(&b, &["fetch", "-q"]).ok();
        let r = status(&t, &b, branch);
        assert_eq!(marked_by(&r, "verified-in-production").as_deref(), Some("Alice"), "{r}");
        assert!(
            note(&t, &t.origin, "refs/notes/hotfix", branch).contains("verified-in-production")
        );
    }
    // Each hotfix has its own marks.
    assert_eq!(marked_by(&status(&t, &b, BRANCH), "verified-in-production"), None);
}

#[test]
fn a_new_hotfix_with_an_old_name_starts_with_no_marks_for_anyone() {
    let (t, b) = two_clones();
    check(&t, &t.work, &["tested-locally"]).ok();
    check(&t, &b, &["post-mortem", BRANCH]).ok();
    // The first one is abandoned: deleted here and on origin.
    t.git(&["switch", "-q", "main"]);
    t.git(&["branch", "-q", "-D", BRANCH]);
    t.git(&["push", "-q", "origin", "--delete", BRANCH]);
    t.hotfix(&["start", "x"]).ok();
    t.git(&["push", "-q", "origin", BRANCH]);
    t.run_git(&b, &["fetch", "-q", "--prune"]).ok();
    for dir in [&t.work, &b] {
        let r = status(&t, dir, BRANCH);
        assert_eq!(marked_by(&r, "tested-locally"), None, "{r}");
        assert_eq!(marked_by(&r, "post-mortem"), None, "{r}");
    }
    // Marks of the new one count.
    check(&t, &b, &["tested-locally", BRANCH]).ok();
    assert_eq!(marked_by(&status(&t, &t.work, BRANCH), "tested-locally").as_deref(), Some("Bob"));
}

#[test]
fn start_and_status_name_the_other_hotfixes_and_who_started_them() {
    let (t, b) = two_clones();
    // Bob's hotfix: his commit (committed by a bot), then Carol's.
    let commit = |file: &str, env: &[(&str, &str)]| {
        t.write_in(&b, file, "y\n");
        t.run_git(&b, &["add", file]).ok();
        t.run_with("git", &b, &["commit", "-q", "-m", file], env).ok();
    };
    t.run_git(&b, &["switch", "-q", "-c", "hotfix/y", "origin/main"]).ok();
    commit("y1.txt", &[("GIT_COMMITTER_NAME", "Bot")]);
    commit("y2.txt", &[("GIT_AUTHOR_NAME", "Carol")]);
    t.run_git(&b, &["push", "-q", "origin", "hotfix/y"]).ok();
    // One without a commit of its own, at a main whose tip Dave committed for Erin: Dave.
    t.run_git(&b, &["switch", "-q", "main"]).ok();
    commit("m.txt", &[("GIT_AUTHOR_NAME", "Erin"), ("GIT_COMMITTER_NAME", "Dave")]);
    t.run_git(&b, &["push", "-q", "origin", "main", "main:refs/heads/hotfix/w"]).ok();

    t.git(&["switch", "-q", "main"]);
    t.hotfix(&["start", "z"]).ok().stderr_has(&[
        "hotfix/y (published) started by Bob",
        "hotfix/x (published) started by Alice",
        "hotfix/w (merged into main) started by Dave",
    ]);
    t.hotfix(&["status", BRANCH]).ok().stdout_has(&[
        "Other hotfixes on origin:",
        "  hotfix/y  started by Bob",
        "  hotfix/w  started by Dave",
    ]);
    let r = status(&t, &t.work, BRANCH);
    let others = r["others"].as_array().expect("others");
    let names: Vec<(&str, &str)> = others
        .iter()
        .map(|o| (o["branch"].as_str().unwrap(), o["started_by"].as_str().unwrap()))
        .collect();
    // hotfix/z is not on origin; hotfix/x is the one asked about.
    assert_eq!(names, [("hotfix/w", "Dave"), ("hotfix/y", "Bob")], "{r}");
}
