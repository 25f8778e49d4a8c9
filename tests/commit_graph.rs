//! With a commit-graph file (as `git gc` or `git maintenance` leave one), ancestry questions
//! are answered from generation numbers; commits made after the file was written are not in
//! it. The rules must answer exactly as without the file, for commits on both sides of it.

use crate::hooks_pre_push::{Sandbox, Side};
use crate::support::short;

/// Writes the commit-graph of `work` for everything reachable now.
fn write_commit_graph(s: &Sandbox) {
    s.t.git(&["commit-graph", "write", "--reachable", "--no-progress"]);
    assert!(s.t.work.join(".git/objects/info/commit-graph").exists());
}

#[test]
fn hotfix_bases_are_judged_across_the_commit_graph() {
    let s = Sandbox::new(Side::Client);
    let feature = s.develop("search");
    s.merged_hotfix();
    write_commit_graph(&s);
    // Newer than the graph: the hotfix commits; in it: main, development and their history.
    s.hotfix("hotfix/from-dev", "origin/development", &[("src/app.txt", "Fix login")]);
    s.refused(&["origin", "hotfix/from-dev"], "R2", &feature, "hotfix/from-dev")
        .stderr_has(&["not cut from main"]);
    let tip = s.hotfix("hotfix/from-main", "origin/main", &[("src/app.txt", "Fix login")]);
    s.accepted(&["origin", "hotfix/from-main"], "hotfix/from-main", Some(&tip));
    let stale = s.hotfix("hotfix/stale", "origin/main~1", &[("src/other.txt", "Fix other")]);
    s.accepted(&["origin", "hotfix/stale"], "hotfix/stale", Some(&stale))
        .stderr_has(&["! R2", "is behind main"]);
}

#[test]
fn merges_on_main_are_classified_across_the_commit_graph() {
    let s = Sandbox::new(Side::Client);
    s.develop("search");
    s.develop("export");
    s.merged_hotfix();
    write_commit_graph(&s);
    // One push of main with several merges, each classified against the same development tip
    // (in the graph) at a different depth: a release, a hotfix, and a hotfix mixed with
    // development's commits; then a direct commit.
    s.switch(&["main"]);
    s.merge("origin/development");
    s.hotfix("hotfix/fix-export", "main", &[("src/export.txt", "Fix CSV")]);
    s.switch(&["main"]);
    let good = s.merge("hotfix/fix-export");
    s.accepted(&["origin", "main"], "main", Some(&good));
    s.develop("report");
    s.hotfix("hotfix/mixed", "origin/development", &[("src/report.txt", "Fix report")]);
    s.switch(&["main"]);
    let mixed = s.merge("hotfix/mixed");
    s.refused(&["origin", "main"], "R2", &mixed, "main")
        .stderr_has(&["brings development commits into main"]);
    s.t.git(&["reset", "-q", "--hard", "origin/main"]);
    let direct = s.commit("src/app.txt", "quick edit\n", "Quick edit on main");
    s.refused(&["origin", "main"], "R3", &direct, "main")
        .stderr_has(&[&format!("{} is not a merge commit", short(&direct))]);
}

#[test]
fn status_finds_the_merge_across_the_commit_graph() {
    let s = Sandbox::new(Side::Client);
    s.develop("search");
    let (_, merge) = s.merged_hotfix();
    // main moves on after the graph was written: the merge is in it, the newer commits are not.
    write_commit_graph(&s);
    s.hotfix("hotfix/fix-export", "origin/main", &[("src/export.txt", "Fix CSV")]);
    s.switch(&["main"]);
    let later = s.merge("hotfix/fix-export");
    s.accepted(&["origin", "main"], "main", Some(&later));
    s.t.hotfix(&["status", "hotfix/fix-login"])
        .ok()
        .stdout_has(&["merged into main", &format!("by merge {}", short(&merge))]);
    s.t.hotfix(&["status", "hotfix/fix-export"])
        .ok()
        .stdout_has(&["merged into main", &format!("by merge {}", short(&later))]);
}
