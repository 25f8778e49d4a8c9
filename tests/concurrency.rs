//! Many at once: a bare server with the pre-receive hook takes 50 pushes started together, and
//! two clones finish and mark the same hotfix at the same moment.

use crate::support::TestRepo;
use std::path::PathBuf;
use std::process::{Child, Stdio};

/// One prepared push: the clone, the ref it pushes, and whether the server must take it.
struct Push {
    dir: PathBuf,
    refname: String,
    legitimate: bool,
}

#[test]
fn fifty_pushes_at_once_land_or_are_refused_each_on_its_own_merits() {
    let repo = TestRepo::new();
    // development has a commit main lacks, so a branch cut from it breaks R2.
    repo.git(&["switch", "-q", "development"]);
    repo.commit_file("feature.txt", "in development\n", "Add a feature");
    repo.git(&["push", "-q", "origin", "development"]);
    repo.install_server_hook();

    let mut pushes = Vec::new();
    let mut prepare = |name: &str, base: &str, branch: &str, legitimate: bool| {
        let dir = repo.clone_as(name);
        repo.run_git(&dir, &["switch", "-q", "-c", branch, &format!("origin/{base}")]).ok();
        repo.write_in(&dir, &format!("{name}.txt"), "change\n");
        repo.run_git(&dir, &["add", "."]).ok();
        repo.commit_in(&dir, &format!("Change from {name}"));
        pushes.push(Push { dir, refname: branch.to_owned(), legitimate });
    };
    for n in 0..20 {
        prepare(&format!("feature{n}"), "main", &format!("feature/f{n}"), true);
    }
    for n in 0..15 {
        prepare(&format!("good{n}"), "main", &format!("hotfix/fix-{n}"), true);
    }
    for n in 0..7 {
        prepare(&format!("misnamed{n}"), "main", &format!("hotfix/Bad_Name_{n}"), false);
    }
    for n in 0..7 {
        prepare(&format!("fromdev{n}"), "development", &format!("hotfix/from-dev-{n}"), false);
    }
    // One true merge of a hotfix into main.
    let merger = repo.clone_as("merger");
    repo.run_git(&merger, &["switch", "-q", "-c", "hotfix/merged", "origin/main"]).ok();
    repo.write_in(&merger, "merged.txt", "fix\n");
    repo.run_git(&merger, &["add", "."]).ok();
    let merged_tip = repo.commit_in(&merger, "Fix merged");
    repo.run_git(&merger, &["push", "-q", "origin", "hotfix/merged"]).ok();
    repo.run_git(&merger, &["switch", "-q", "main"]).ok();
    repo.run_git(
        &merger,
        &["merge", "-q", "--no-ff", "-m", "Merge branch 'hotfix/merged'", "hotfix/merged"],
    )
    .ok();
    pushes.push(Push { dir: merger, refname: "main".into(), legitimate: true });
    assert_eq!(pushes.len(), 50);

    // All started before any is waited for.
    let children: Vec<(Push, Child)> = pushes
        .into_iter()
        .map(|push| {
            let child = repo
                .command("git", &push.dir)
                .args(["push", "-q", "origin", &push.refname])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            (push, child)
        })
        .collect();
    for (push, child) in children {
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let landed = repo.origin_rev(&format!("refs/heads/{}", push.refname));
        if push.legitimate {
            assert!(out.status.success(), "{} was refused: {stderr}", push.refname);
            assert!(landed.is_some(), "{} is not on the server", push.refname);
        } else {
            assert!(!out.status.success(), "{} was taken", push.refname);
            assert!(stderr.contains("R1") || stderr.contains("R2"), "{}: {stderr}", push.refname);
            assert_eq!(landed, None, "{} is on the server", push.refname);
        }
    }
    assert_eq!(repo.run_git(&repo.origin, &["rev-parse", "main^2"]).ok().stdout.trim(), merged_tip);
    repo.run_git(&repo.origin, &["fsck", "--no-progress", "--no-dangling"]).ok();
}

#[test]
fn two_clones_finishing_and_marking_one_hotfix_at_once_agree() {
    let repo = TestRepo::new();
    let tip = repo.hotfix_branch("login-timeout", "main", "src/app.txt", "fixed\n");
    repo.git(&["push", "-q", "origin", "hotfix/login-timeout"]);
    let other = repo.clone_as("other");
    repo.run_git(&other, &["switch", "-q", "hotfix/login-timeout"]).ok();

    let start = |dir: &PathBuf, args: &[&str]| {
        let mut argv = vec!["hotfix"];
        argv.extend(args);
        repo.command("git", dir)
            .args(&argv)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let first = start(&repo.work, &["finish", "--push"]);
    let second = start(&other, &["finish", "--push"]);
    let (first, second) = (first.wait_with_output().unwrap(), second.wait_with_output().unwrap());
    let wins = [&first, &second].iter().filter(|o| o.status.success()).count();
    assert!(wins >= 1, "one finish lands: {first:?} {second:?}");
    // Exactly one merge of the hotfix on each trunk, whichever clone made it.
    for trunk in ["main", "development"] {
        let merges = repo.run_git(&repo.origin, &["rev-list", "--merges", trunk]).ok().stdout;
        assert_eq!(merges.lines().count(), 1, "{trunk}: {merges}");
        assert_eq!(
            repo.run_git(&repo.origin, &["rev-parse", &format!("{trunk}^2")]).ok().stdout.trim(),
            tip
        );
    }
    // The loser is told, and gets out by aborting (nothing of it was pushed).
    for (dir, out) in [(&repo.work, &first), (&other, &second)] {
        if !out.status.success() {
            let said = String::from_utf8_lossy(&out.stderr);
            assert!(
                said.contains("someone pushed meanwhile") || said.contains("already"),
                "{said}"
            );
            let abort = start(dir, &["finish", "--abort"]).wait_with_output().unwrap();
            if !abort.status.success() {
                // The tests' clock is fixed: when both clones merge in the same tick they make
                // byte-identical merges, so the loser's are on origin too, and finish refuses
                // to abort what was pushed rather than pretend to undo it.
                let said = String::from_utf8_lossy(&abort.stderr);
                assert!(said.contains("already pushed"), "{abort:?}");
                for trunk in ["main", "development"] {
                    let here = repo.run_git(dir, &["rev-parse", trunk]).ok().stdout;
                    let there = repo.run_git(&repo.origin, &["rev-parse", trunk]).ok().stdout;
                    assert_eq!(here, there, "{trunk}: the loser's merge is the one on origin");
                }
            }
        }
    }

    // Both mark at once: both marks are kept.
    let a = start(&repo.work, &["check", "tested-locally", "hotfix/login-timeout"]);
    let b = start(&other, &["check", "post-mortem", "hotfix/login-timeout"]);
    assert!(a.wait_with_output().unwrap().status.success());
    assert!(b.wait_with_output().unwrap().status.success());
    let status = start(&repo.work, &["status", "hotfix/login-timeout", "--json"])
        .wait_with_output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    for item in ["tested-locally", "post-mortem"] {
        let found = report["items"].as_array().unwrap().iter().find(|i| i["id"] == item).unwrap();
        assert_eq!(found["state"], "done", "{item}: {report}");
    }
    repo.run_git(&repo.origin, &["fsck", "--no-progress", "--no-dangling"]).ok();
}
