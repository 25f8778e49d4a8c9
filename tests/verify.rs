//! `git hotfix verify`: history of main and development, and pull requests, on real
//! repositories built with the git CLI (no hooks installed: this is what CI sees after merges
//! made on the code host).

use crate::support::{Run, TestRepo, short};
use std::fmt::Write as _;

/// Cuts `name` from `from` with one commit per `(path, subject)`; returns the tip.
pub fn branch(t: &TestRepo, name: &str, from: &str, commits: &[(&str, &str)]) -> String {
    t.git(&["switch", "-q", "-c", name, from]);
    for (path, subject) in commits {
        t.commit_file(path, &format!("{subject}\n"), subject);
    }
    t.rev("HEAD")
}

/// `git merge --no-ff` of `branch` into `into`, with Git's own message; returns the merge.
pub fn merge(t: &TestRepo, into: &str, branch: &str) -> String {
    t.git(&["switch", "-q", into]);
    t.git(&["merge", "-q", "--no-ff", "--no-edit", branch]);
    t.rev("HEAD")
}

pub fn push(t: &TestRepo, refs: &[&str]) {
    let mut args = vec!["push", "-q", "origin"];
    args.extend_from_slice(refs);
    t.git(&args);
}

/// The `(rule, short id)` of each violation block on stderr: a `✗ Rn …` line, then its
/// `commit: <id> <subject>` line.
fn blocks(run: &Run) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rule = None;
    for line in run.stderr.lines() {
        if let Some(rest) = line.strip_prefix("✗ ") {
            rule = rest.split_whitespace().next().map(str::to_owned);
        } else if let Some(rest) = line.trim_start().strip_prefix("commit: ")
            && let Some(rule) = rule.take()
        {
            out.push((rule, rest.split_whitespace().next().unwrap_or("").to_owned()));
        }
    }
    out
}

#[track_caller]
fn assert_blocks(run: &Run, want: &[(&str, &str)]) {
    let mut got = blocks(run);
    let mut want: Vec<_> =
        want.iter().map(|(r, id)| (r.to_string(), short(id).to_owned())).collect();
    got.sort();
    want.sort();
    assert_eq!(got, want, "\n{run}");
}

fn first_parent_count(t: &TestRepo, rev: &str) -> String {
    t.git(&["rev-list", "--first-parent", "--count", rev])
}

/// The ids that matter in [`clean_history`].
struct Clean {
    /// hotfix/fix-a's merge into main, made before development took the hotfix back.
    early_hotfix_merge: String,
    /// release/1.0 (development plus a version bump) merged into main.
    release_merge: String,
}

/// A history that follows the process: hotfix/fix-a merged into main, then into development
/// after development moved on; a release with a version bump; development merging main back
/// and moving on; a two-commit hotfix merged into both. Pushed to origin.
fn clean_history(t: &TestRepo) -> Clean {
    branch(t, "hotfix/fix-a", "main", &[("src/a.txt", "Fix the login timeout")]);
    let early_hotfix_merge = merge(t, "main", "hotfix/fix-a");
    branch(t, "feature/one", "development", &[("feat/one.txt", "Add feature one")]);
    merge(t, "development", "feature/one");
    merge(t, "development", "hotfix/fix-a");
    branch(t, "release/1.0", "development", &[("VERSION", "Bump version to 1.0")]);
    let release_merge = merge(t, "main", "release/1.0");
    merge(t, "development", "main");
    branch(t, "feature/two", "development", &[("feat/two.txt", "Add feature two")]);
    merge(t, "development", "feature/two");
    branch(
        t,
        "hotfix/fix-b",
        "main",
        &[("src/b1.txt", "Fix b, part 1"), ("src/b2.txt", "Fix b, part 2")],
    );
    merge(t, "main", "hotfix/fix-b");
    merge(t, "development", "hotfix/fix-b");
    push(t, &["main", "development"]);
    Clean { early_hotfix_merge, release_merge }
}

#[test]
fn a_history_that_follows_the_process_is_clean() {
    let t = TestRepo::new();
    clean_history(&t);
    let n = first_parent_count(&t, "origin/main");
    t.hotfix(&["verify"]).ok().stdout_has(&[&format!("{n} commits checked"), "no violations"]);
    let n = first_parent_count(&t, "origin/development");
    t.hotfix(&["verify", "--branch", "development"])
        .ok()
        .stdout_has(&[&format!("{n} commits checked"), "development's first-parent line"]);
}

/// Every way main's history goes wrong, on top of [`clean_history`]; returns the expected
/// `(rule, id)` findings and the clean ids.
fn broken_history(t: &TestRepo) -> (Vec<(&'static str, String)>, Clean) {
    let clean = clean_history(t);
    let mut want = Vec::new();
    // A squash merge.
    branch(
        t,
        "hotfix/squashed",
        "main",
        &[("src/s1.txt", "Squash one"), ("src/s2.txt", "Squash two")],
    );
    t.git(&["switch", "-q", "main"]);
    t.git(&["merge", "-q", "--squash", "hotfix/squashed"]);
    t.git(&["commit", "-q", "-m", "Fix squashed (#3)"]);
    want.push(("R3", t.rev("HEAD")));
    // A fast-forward: both hotfix commits land on the first-parent line.
    let ff =
        branch(t, "hotfix/ff", "main", &[("src/f1.txt", "Fast one"), ("src/f2.txt", "Fast two")]);
    t.git(&["switch", "-q", "main"]);
    t.git(&["merge", "-q", "--ff-only", "hotfix/ff"]);
    want.push(("R3", t.rev(&format!("{ff}~1"))));
    want.push(("R3", ff));
    // A direct commit.
    want.push(("R3", t.commit_file("src/direct.txt", "direct\n", "Direct fix on main")));
    // A badly named hotfix.
    branch(t, "hotfix/Bad_Name", "main", &[("src/bad.txt", "Fix with a bad name")]);
    want.push(("R1", merge(t, "main", "hotfix/Bad_Name")));
    // A hotfix cut from development after development moved on: it mixes features in.
    branch(t, "feature/three", "development", &[("feat/three.txt", "Add feature three")]);
    merge(t, "development", "feature/three");
    branch(t, "hotfix/mixed", "development", &[("src/mixed.txt", "Fix from the wrong base")]);
    want.push(("R2", merge(t, "main", "hotfix/mixed")));
    // And a good hotfix after all that.
    branch(t, "hotfix/fix-c", "main", &[("src/c.txt", "Fix c")]);
    merge(t, "main", "hotfix/fix-c");
    push(t, &["main", "development"]);
    (want, clean)
}

#[test]
fn every_violation_on_main_is_listed_and_nothing_else() {
    let t = TestRepo::new();
    let (want, clean) = broken_history(&t);
    let run = t.hotfix(&["verify"]).code(1);
    let want_refs: Vec<_> = want.iter().map(|(r, id)| (*r, id.as_str())).collect();
    assert_blocks(&run, &want_refs);
    let n = first_parent_count(&t, "origin/main");
    let run = run.stderr_has(&[
        &format!("6 violations in {n} commits checked"),
        "Fix squashed (#3)",
        "Direct fix on main",
        "hotfix/Bad_Name",
        "brings development commits",
        "give a range as well: <commit>..<branch>",
    ]);
    // The merges classified against development as it stood are not flagged: with today's
    // development, the early hotfix merge would look like it brought development's commits.
    for id in [&clean.early_hotfix_merge, &clean.release_merge] {
        assert!(!run.stderr.contains(short(id)), "{id} flagged\n{run}");
    }
}

#[test]
fn a_range_restricts_what_is_checked() {
    let t = TestRepo::new();
    let (want, _) = broken_history(&t);
    let direct = &want[3].1;
    let run = t.hotfix(&["verify", &format!("{direct}..origin/main")]).code(1);
    assert_blocks(&run, &[("R1", &want[4].1), ("R2", &want[5].1)]);
    let n = t.git(&["rev-list", "--first-parent", "--count", &format!("{direct}..origin/main")]);
    run.stderr_has(&[&format!("2 violations in {n} commits checked")]);
    // Past the last violation: clean.
    let mixed = &want[5].1;
    t.hotfix(&["verify", &format!("{mixed}..origin/main")])
        .ok()
        .stdout_has(&["1 commit checked", "no violations"]);
    // One revision: its whole line.
    assert_eq!(blocks(&t.hotfix(&["verify", direct]).code(1)).len(), 4);
}

#[test]
fn bad_ranges_and_unknown_refs_are_usage_errors() {
    let t = TestRepo::new();
    t.hotfix(&["verify", "nope..origin/main"])
        .code(2)
        .stderr_has(&["'nope' is not a known revision"]);
    t.hotfix(&["verify", "origin/main...origin/development"])
        .code(2)
        .stderr_has(&["symmetric range"]);
    t.hotfix(&["verify", "--branch", "feature"]).code(2).stderr_has(&["--branch 'feature'"]);
    t.hotfix(&["verify", "--pr", "--base", "origin/main"]).code(2);
    t.hotfix(&["verify", "--pr", "--base", "origin/main", "--head", "nope"])
        .code(2)
        .stderr_has(&["'nope' is not a known revision"]);
    // The untouched sandbox itself is clean (a root commit is bootstrap).
    t.hotfix(&["verify"]).ok().stdout_has(&["1 commit checked"]);
}

#[test]
fn a_shallow_clone_is_refused_rather_than_passed() {
    let t = TestRepo::new();
    clean_history(&t);
    let url = format!("file://{}", t.origin.display());
    t.run_git(t.tmp.path(), &["clone", "-q", "--depth", "1", &url, "shallow"]).ok();
    t.hotfix_in(&t.tmp.path().join("shallow"), &["verify"])
        .code(2)
        .stderr_has(&["shallow", "fetch-depth: 0"]);
}

#[test]
fn json_lists_every_violation_and_the_count() {
    let t = TestRepo::new();
    let (want, _) = broken_history(&t);
    let run = t.hotfix(&["verify", "--json"]).code(1);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON on stdout");
    let n: u64 = first_parent_count(&t, "origin/main").parse().unwrap();
    assert_eq!(value["checked"], n, "{run}");
    let list = value["violations"].as_array().unwrap();
    let mut got: Vec<_> = list
        .iter()
        .map(|v| {
            (v["rule"].as_str().unwrap().to_owned(), v["commit"]["id"].as_str().unwrap().to_owned())
        })
        .collect();
    let mut expected: Vec<_> =
        want.iter().map(|(r, id)| (r.to_string(), short(id).to_owned())).collect();
    got.sort();
    expected.sort();
    assert_eq!(got, expected);
    assert!(
        list.iter()
            .all(|v| v["severity"] == "error" && v["fix"].as_str().is_some_and(|f| !f.is_empty()))
    );
    // Clean: the same shape, nothing but JSON on stdout.
    let t = TestRepo::new();
    clean_history(&t);
    let run = t.hotfix(&["verify", "--json"]).ok();
    let value: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON on stdout");
    assert_eq!(value["violations"].as_array().map(Vec::len), Some(0));
    assert!(value["checked"].as_u64().unwrap() > 1);
}

#[test]
fn development_history_rejects_a_cherry_picked_hotfix_commit() {
    let t = TestRepo::new();
    clean_history(&t);
    let fix = branch(&t, "hotfix/fix-d", "main", &[("src/d.txt", "Fix d")]);
    merge(&t, "main", "hotfix/fix-d");
    t.git(&["switch", "-q", "development"]);
    t.git(&["cherry-pick", &fix]);
    let copy = t.rev("HEAD");
    push(&t, &["main", "development"]);
    let run = t.hotfix(&["verify", "--branch", "development"]).code(1);
    assert_blocks(&run, &[("R4", &copy)]);
    run.stderr_has(&["copy of hotfix commit", short(&fix), "1 violation in"]);
    // Up to just before the copy, development is clean; main, meanwhile, is too.
    t.hotfix(&["verify", "--branch", "development", "origin/development~1"]).ok();
    t.hotfix(&["verify"]).ok();
}

#[test]
fn development_history_rejects_a_hotfix_merged_before_main() {
    let t = TestRepo::new();
    clean_history(&t);
    branch(&t, "hotfix/early", "main", &[("src/e.txt", "Fix e")]);
    let back = merge(&t, "development", "hotfix/early");
    push(&t, &["development"]);
    let run = t.hotfix(&["verify", "--branch", "development"]).code(1);
    assert_blocks(&run, &[("R8", &back)]);
    // Once main has it (as it is now), the order is no longer a finding.
    merge(&t, "main", "hotfix/early");
    push(&t, &["main"]);
    t.hotfix(&["verify", "--branch", "development"]).ok();
}

// ---- pull requests into main ----

fn pr(t: &TestRepo, base: &str, head: &str) -> Run {
    t.hotfix(&["verify", "--pr", "--base", base, "--head", head])
}

#[test]
fn pr_into_main_accepts_a_good_hotfix_under_every_spelling_of_its_head() {
    let t = TestRepo::new();
    let tip = branch(&t, "hotfix/fix-login", "main", &[("src/login.txt", "Fix login")]);
    push(&t, &["hotfix/fix-login"]);
    for head in [
        "origin/hotfix/fix-login",
        "refs/remotes/origin/hotfix/fix-login",
        "hotfix/fix-login",
        "refs/heads/hotfix/fix-login",
    ] {
        pr(&t, "origin/main", head).ok().stdout_has(&[
            "1 commit checked",
            "pull request 'hotfix/fix-login' into main",
            "no violations",
        ]);
    }
    // Only the remote has it: `hotfix/x` still finds it.
    t.git(&["switch", "-q", "main"]);
    t.git(&["branch", "-q", "-D", "hotfix/fix-login"]);
    pr(&t, "main", "hotfix/fix-login").ok();
    // A bare commit id needs a name: --head-name, or GITHUB_HEAD_REF as GitHub Actions sets it.
    pr(&t, "origin/main", &tip).code(2).stderr_has(&["--head-name"]);
    t.hotfix(&[
        "verify",
        "--pr",
        "--base",
        "origin/main",
        "--head",
        &tip,
        "--head-name",
        "hotfix/fix-login",
    ])
    .ok();
    let args = ["verify", "--pr", "--base", "origin/main", "--head", &tip];
    t.hotfix_with_stdin(&t.work, &args, "", &[("GITHUB_HEAD_REF", "hotfix/fix-login")]).ok();
    t.hotfix_with_stdin(&t.work, &args, "", &[("GITHUB_HEAD_REF", "hotfix/Fix_Login")])
        .code(1)
        .stderr_has(&["hotfix/fix-login"]);
    // HEAD (a detached CI checkout) names no branch, even though origin/HEAD exists.
    t.git(&["switch", "-q", "--detach", &tip]);
    let args = ["verify", "--pr", "--base", "origin/main", "--head", "HEAD"];
    t.hotfix(&args).code(2).stderr_has(&["cannot tell the branch name of --head 'HEAD'"]);
    t.hotfix_with_stdin(&t.work, &args, "", &[("GITHUB_HEAD_REF", "hotfix/fix-login")]).ok();
}

#[test]
fn pr_into_main_rejects_a_hotfix_cut_from_development() {
    let t = TestRepo::new();
    branch(&t, "feature/one", "development", &[("feat/one.txt", "Add feature one")]);
    merge(&t, "development", "feature/one");
    push(&t, &["development"]);
    branch(&t, "hotfix/from-dev", "origin/development", &[("src/x.txt", "Fix x")]);
    push(&t, &["hotfix/from-dev"]);
    let run = pr(&t, "origin/main", "origin/hotfix/from-dev").code(1);
    run.stderr_has(&["✗ R2", "not cut from main", "1 violation in"]);
    // The same fix cut from main passes.
    branch(&t, "hotfix/from-main", "origin/main", &[("src/x.txt", "Fix x")]);
    pr(&t, "origin/main", "hotfix/from-main").ok();
}

#[test]
fn pr_into_main_rejects_a_bad_name() {
    let t = TestRepo::new();
    let tip = branch(&t, "hotfix/Fix_Login", "main", &[("src/login.txt", "Fix login")]);
    let run = pr(&t, "origin/main", "hotfix/Fix_Login").code(1);
    run.stderr_has(&["✗ R1", "hotfix/fix-login"]);
    // A branch outside the prefix that brings main only non-development commits is a hotfix
    // too, and must be named like one.
    t.git(&["branch", "-q", "quickfix", &tip]);
    let run = pr(&t, "origin/main", "quickfix").code(1);
    assert_blocks(&run, &[("R1", &tip)]);
    run.stderr_has(&["not named hotfix/<desc>"]);
}

#[test]
fn pr_into_main_of_a_release_has_nothing_to_check() {
    let t = TestRepo::new();
    branch(&t, "feature/one", "development", &[("feat/one.txt", "Add feature one")]);
    merge(&t, "development", "feature/one");
    push(&t, &["development"]);
    branch(&t, "release/2.0", "development", &[("VERSION", "Bump version to 2.0")]);
    pr(&t, "origin/main", "release/2.0").ok().stdout_has(&["a release, nothing to check"]);
    pr(&t, "origin/main", "development").ok();
}

#[test]
fn pr_base_must_be_main_or_development() {
    let t = TestRepo::new();
    branch(&t, "hotfix/fix-x", "main", &[("src/x.txt", "Fix x")]);
    branch(&t, "feature/other", "main", &[("f.txt", "Other")]);
    pr(&t, "feature/other", "hotfix/fix-x")
        .code(2)
        .stderr_has(&["is neither main nor development"]);
    // A commit id is recognised when it is exactly one trunk's tip.
    let main = t.rev("origin/main");
    t.git(&["push", "-q", "origin", "feature/other:development"]);
    pr(&t, &main, "hotfix/fix-x").ok();
}

// ---- pull requests into development ----

#[test]
fn pr_into_development_accepts_the_true_back_merge_of_a_merged_hotfix() {
    let t = TestRepo::new();
    // One commit: the merge on main has the very same change, which is no copy.
    branch(&t, "hotfix/fix-c", "main", &[("src/c.txt", "Fix c")]);
    merge(&t, "main", "hotfix/fix-c");
    push(&t, &["main", "hotfix/fix-c"]);
    pr(&t, "origin/development", "origin/hotfix/fix-c")
        .ok()
        .stdout_has(&["pull request 'hotfix/fix-c' into development", "no violations"]);
}

#[test]
fn pr_into_development_rejects_a_hotfix_not_on_main_yet() {
    let t = TestRepo::new();
    let tip =
        branch(&t, "hotfix/fix-e", "main", &[("src/e.txt", "Fix e"), ("src/e2.txt", "Fix e more")]);
    push(&t, &["hotfix/fix-e"]);
    // A stale local copy of the branch is the same branch: reported once, at the head.
    t.git(&["reset", "-q", "--hard", "HEAD~1"]);
    let run = pr(&t, "origin/development", "origin/hotfix/fix-e").code(1);
    assert_blocks(&run, &[("R8", &tip)]);
    run.stderr_has(&["before main"]);
    // Without any local ref for it (a bare id and a name), the head itself is still checked.
    t.git(&["switch", "-q", "main"]);
    t.git(&["branch", "-q", "-D", "hotfix/fix-e"]);
    t.git(&["push", "-q", "origin", "--delete", "hotfix/fix-e"]);
    t.git(&["fetch", "-q", "--prune", "origin"]);
    let run = t.hotfix(&[
        "verify",
        "--pr",
        "--base",
        "origin/development",
        "--head",
        &tip,
        "--head-name",
        "hotfix/fix-e",
    ]);
    assert_blocks(&run.code(1), &[("R8", &tip)]);
}

#[test]
fn pr_into_development_rejects_a_squashed_copy_of_a_hotfix() {
    let t = TestRepo::new();
    branch(
        &t,
        "hotfix/fix-d",
        "main",
        &[("src/d1.txt", "Fix d, part 1"), ("src/d2.txt", "Fix d, part 2")],
    );
    merge(&t, "main", "hotfix/fix-d");
    push(&t, &["main"]);
    t.git(&["switch", "-q", "-c", "backport/fix-d", "development"]);
    t.git(&["merge", "-q", "--squash", "hotfix/fix-d"]);
    t.git(&["commit", "-q", "-m", "Fix d (backport)"]);
    let copy = t.rev("HEAD");
    let run = pr(&t, "origin/development", "backport/fix-d").code(1);
    assert_blocks(&run, &[("R4", &copy)]);
    run.stderr_has(&["squashed copy of hotfix 'hotfix/fix-d'"]);
    // The hotfix branch itself is the way in.
    pr(&t, "origin/development", "hotfix/fix-d").ok();
}

#[test]
fn pr_into_development_of_a_feature_has_nothing_to_check() {
    let t = TestRepo::new();
    branch(&t, "feature/z", "development", &[("feat/z.txt", "Add z")]);
    pr(&t, "origin/development", "feature/z")
        .ok()
        .stdout_has(&["'feature/z' is not a hotfix branch", "no violations"]);
}

// ---- a long history ----

/// A `git fast-import` stream with explicit marks, one commit at a time, a minute apart.
struct Stream {
    text: String,
    mark: usize,
    time: u64,
}

impl Stream {
    fn commit(
        &mut self,
        branch: &str,
        message: &str,
        parents: &[usize],
        file: Option<(&str, &str)>,
    ) -> usize {
        self.mark += 1;
        self.time += 60;
        let message = format!("{message}\n");
        let _ = write!(
            self.text,
            "commit refs/heads/{branch}\nmark :{}\ncommitter Test <test@example.com> {} +0000\ndata {}\n{message}",
            self.mark,
            self.time,
            message.len()
        );
        if let Some(first) = parents.first() {
            let _ = writeln!(self.text, "from :{first}");
        }
        for merged in parents.iter().skip(1) {
            let _ = writeln!(self.text, "merge :{merged}");
        }
        if let Some((path, content)) = file {
            let _ =
                write!(self.text, "M 100644 inline {path}\ndata {}\n{content}\n", content.len());
        }
        self.text.push('\n');
        self.mark
    }

    fn tag(&mut self, name: &str, mark: usize) {
        let _ = write!(self.text, "reset refs/tags/{name}\nfrom :{mark}\n\n");
    }
}

#[test]
fn a_long_history_of_thousands_of_merges_is_checked_correctly() {
    let t = TestRepo::bare_only();
    let dir = t.tmp.path().join("long");
    t.run_git(t.tmp.path(), &["init", "-q", "-b", "main", "long"]).ok();
    let mut s = Stream { text: String::new(), mark: 0, time: 1_600_000_000 };
    let root = s.commit("main", "Initial commit", &[], Some(("README.md", "# app\n")));
    let (mut main, mut dev) = (root, root);
    let mut main_line = 1;
    let rounds = 1500;
    for i in 0..rounds {
        let feature = s.commit(
            "topic",
            &format!("Feature {i}"),
            &[dev],
            Some((&format!("feat/{i}.txt"), "f\n")),
        );
        dev = s.commit(
            "development",
            &format!("Merge branch 'feature/f{i}' into development"),
            &[dev, feature],
            None,
        );
        if i % 3 == 1 {
            // A hotfix into main, then development moves on, then takes the hotfix back.
            let fix = s.commit(
                "topic",
                &format!("Fix {i}"),
                &[main],
                Some((&format!("fix/{i}.txt"), "x\n")),
            );
            main = s.commit("main", &format!("Merge branch 'hotfix/fix-{i}'"), &[main, fix], None);
            main_line += 1;
            let more = s.commit(
                "topic",
                &format!("Feature {i}b"),
                &[dev],
                Some((&format!("feat/{i}b.txt"), "f\n")),
            );
            dev = s.commit(
                "development",
                &format!("Merge branch 'feature/f{i}b' into development"),
                &[dev, more],
                None,
            );
            dev = s.commit(
                "development",
                &format!("Merge branch 'hotfix/fix-{i}' into development"),
                &[dev, fix],
                None,
            );
        }
        if i % 10 == 9 {
            main = s.commit("main", &format!("Merge branch 'release/r{i}'"), &[main, dev], None);
            main_line += 1;
            dev =
                s.commit("development", "Merge branch 'main' into development", &[dev, main], None);
        }
        if i == rounds / 4 {
            main = s.commit("main", "Direct fix on main", &[main], Some(("src/direct.txt", "d\n")));
            main_line += 1;
            s.tag("want-r3", main);
        }
        if i == rounds / 2 {
            let fix =
                s.commit("topic", "Fix with a bad name", &[main], Some(("src/bad.txt", "b\n")));
            main = s.commit("main", "Merge branch 'hotfix/Bad_Name'", &[main, fix], None);
            main_line += 1;
            s.tag("want-r1", main);
        }
        if i == rounds * 3 / 4 {
            let fix = s.commit(
                "topic",
                "Fix from the wrong base",
                &[dev],
                Some(("src/mixed.txt", "m\n")),
            );
            main = s.commit("main", "Merge branch 'hotfix/mixed'", &[main, fix], None);
            main_line += 1;
            s.tag("want-r2", main);
        }
    }
    // Last, a hotfix development copied instead of merging.
    let before_last = main;
    let fix = s.commit("topic", "Fix last", &[main], Some(("fix/last.txt", "last\n")));
    s.commit("main", "Merge branch 'hotfix/fix-last'", &[main, fix], None);
    main_line += 1;
    dev = s.commit("development", "Fix last", &[dev], Some(("fix/last.txt", "last\n")));
    s.tag("want-r4", dev);
    // And one development took before main did.
    let early = s.commit("topic", "Fix early", &[before_last], Some(("fix/early.txt", "early\n")));
    dev = s.commit(
        "development",
        "Merge branch 'hotfix/early' into development",
        &[dev, early],
        None,
    );
    s.tag("want-r8", dev);
    s.text.push_str("done\n");
    t.git_with_stdin(&dir, &["fast-import", "--quiet", "--done"], &s.text).ok();
    let id = |tag: &str| t.run_git(&dir, &["rev-parse", tag]).ok().stdout.trim().to_owned();
    let merges = t.run_git(&dir, &["rev-list", "--merges", "--count", "main", "development"]).ok();
    assert!(merges.stdout.trim().parse::<u32>().unwrap() > 3000, "{merges}");

    // The same answers with and without a commit-graph (which prunes the walks).
    for round in ["without a commit-graph", "with a commit-graph"] {
        if round == "with a commit-graph" {
            t.run_git(&dir, &["commit-graph", "write", "--reachable"]).ok();
        }
        let run = t.hotfix_in(&dir, &["verify"]).code(1);
        let want = [("R3", id("want-r3")), ("R1", id("want-r1")), ("R2", id("want-r2"))];
        assert_blocks(&run, &want.iter().map(|(r, i)| (*r, i.as_str())).collect::<Vec<_>>());
        run.stderr_has(&[&format!("3 violations in {main_line} commits checked")]);
        let run = t.hotfix_in(&dir, &["verify", "--branch", "development"]).code(1);
        assert_blocks(&run, &[("R4", &id("want-r4")), ("R8", &id("want-r8"))]);
    }
}
