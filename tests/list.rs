use crate::support::TestRepo;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::Stdio;

fn list_json(t: &TestRepo) -> Vec<Value> {
    let run = t.hotfix(&["list", "--json"]).ok();
    let value: Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}\n{run}"));
    value.as_array().expect("an array").clone()
}

#[test]
fn no_hotfix_branches_is_an_empty_list() {
    let t = TestRepo::new();
    let run = t.hotfix(&["list"]).ok().stderr_has(&["no hotfix branches"]);
    assert_eq!(run.stdout, "");
    assert!(list_json(&t).is_empty());
}

#[test]
fn lists_local_and_remote_branches_once_each_with_their_stage() {
    let t = TestRepo::new();
    // Local only, with a commit.
    t.hotfix(&["start", "local-only"]).ok();
    t.commit_file("a.txt", "a\n", "Fix a");
    // Pushed, then merged into main with a merge commit.
    t.git(&["switch", "-q", "main"]);
    t.hotfix(&["start", "merged"]).ok();
    t.commit_file("b.txt", "b\n", "Fix b");
    t.git(&["push", "-q", "origin", "hotfix/merged"]);
    t.git(&["switch", "-q", "main"]);
    t.git(&["merge", "-q", "--no-ff", "hotfix/merged"]);
    t.git(&["push", "-q", "origin", "main"]);
    // Only on the remote, pushed by a colleague.
    let other = t.clone_as("other");
    t.run_git(&other, &["switch", "-q", "-c", "hotfix/remote-only"]).ok();
    t.write_in(&other, "c.txt", "c\n");
    t.run_git(&other, &["add", "c.txt"]).ok();
    t.commit_in(&other, "Fix c");
    t.run_git(&other, &["push", "-q", "origin", "hotfix/remote-only"]).ok();
    t.git(&["fetch", "-q"]);
    // Not a hotfix.
    t.git(&["branch", "feature/x"]);

    let run = t.hotfix(&["list"]).ok();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{run}");
    assert!(lines[0].starts_with("hotfix/local-only") && lines[0].contains("in progress"), "{run}");
    assert!(lines[0].contains("local only"), "{run}");
    assert!(
        lines[1].starts_with("hotfix/merged") && lines[1].contains("merged into main"),
        "{run}"
    );
    assert!(lines[1].contains("local, origin"), "{run}");
    assert!(lines[2].starts_with("hotfix/remote-only") && lines[2].contains("published"), "{run}");
    assert!(lines[2].contains("origin only"), "{run}");

    let entries = list_json(&t);
    let names: Vec<&str> = entries.iter().map(|e| e["branch"].as_str().unwrap()).collect();
    assert_eq!(names, ["hotfix/local-only", "hotfix/merged", "hotfix/remote-only"]);
    assert_eq!(entries[1]["stage"], "merged-into-main");
    assert_eq!(entries[1]["local"], entries[1]["remote"]);
    assert_eq!(entries[2]["local"], Value::Null);

    // The stage is the one status reports.
    let status = t.hotfix(&["status", "--json", "hotfix/merged"]).ok();
    let status: Value = serde_json::from_str(&status.stdout).unwrap();
    assert_eq!(status["stage"], entries[1]["stage"]);
}

#[test]
fn a_reader_that_stops_early_ends_the_list_quietly() {
    let t = TestRepo::new();
    let main = t.rev("main");
    let refs: String = (0..3000)
        .map(|i| format!("create refs/heads/hotfix/{i:04}-{} {main}\n", "x".repeat(50)))
        .collect();
    t.git_with_stdin(&t.work, &["update-ref", "--stdin"], &refs).ok();
    let mut child = t
        .command("git", &t.work)
        .args(["hotfix", "list"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    // The reader is gone (like `| head -1`); the rest of the output has nowhere to go.
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(first.starts_with("hotfix/0000-"), "{first}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked") && !stderr.contains("Broken pipe"), "{stderr}");
}
