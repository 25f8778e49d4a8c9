//! The hooks through the real hook managers: pre-commit (PyPI `pre-commit`) with the committed
//! `.pre-commit-hooks.yaml`, and lefthook (npm `lefthook`) with the README's configuration,
//! both as `.ci/run` installs them. Each plays the same story: a badly named hotfix refused at
//! commit and at push, a good one accepted, a merge into main advised, the amend of that merge
//! allowed, a direct commit on main refused at commit and at push.
//!
//! A manager that is not installed skips its test loudly; under CI (`CI=true`) it fails.

use crate::support::{Run, TestRepo, short};
use std::path::{Path, PathBuf};

/// The manager's executable, or `None` (skip) outside CI when it is not installed.
fn manager(program: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path).map(|dir| dir.join(program)).find(|p| p.is_file())
    });
    if found.is_none() {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "{program} is not installed, and CI must test with it: .ci/run installs it"
        );
        eprintln!("SKIPPED: {program} is not installed (bash .ci/run installs it)");
    }
    found
}

/// The source tree's file `name`.
fn ours(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(name)).unwrap()
}

/// Writes `name` in `work` and keeps it out of Git's way, as a user's untracked file would be.
fn untracked(t: &TestRepo, name: &str, text: &str) {
    t.write(name, text);
    let exclude = t.work.join(".git/info/exclude");
    let mut list = std::fs::read_to_string(&exclude).unwrap_or_default();
    list.push_str(&format!("/{}\n", name.split('/').next().unwrap()));
    std::fs::write(exclude, list).unwrap();
}

/// Asserts that `run` failed and said each of `parts`, on either stream: Git gives a pre-push
/// hook its own standard output, and pre-commit prints what its hooks say there.
#[track_caller]
fn refused(run: Run, parts: &[&str]) {
    assert_ne!(run.code, 0, "expected a refusal\n{run}");
    said(run, parts);
}

#[track_caller]
fn said(run: Run, parts: &[&str]) {
    let all = format!("{}{}", run.stdout, run.stderr);
    for part in parts {
        assert!(all.contains(part), "output lacks {part:?}\n{run}");
    }
}

/// The story every manager must tell the same way.
fn play(t: &TestRepo) {
    // prepare-commit-msg: a badly named hotfix branch cannot commit; HOTFIX_SKIP lets it.
    t.git(&["switch", "-q", "-c", "hotfix/Bad_Name", "main"]);
    t.write("src/bad.txt", "bad\n");
    t.git(&["add", "src/bad.txt"]);
    refused(t.git_run(&["commit", "-q", "-m", "Fix badly"]), &["refusing to commit", "(R1)"]);
    t.run_with("git", &t.work, &["commit", "-q", "-m", "Fix badly"], &[("HOTFIX_SKIP", "1")]).ok();
    // pre-push: refused, and origin has no such branch.
    refused(t.git_run(&["push", "origin", "hotfix/Bad_Name"]), &["✗ R1", "hotfix/bad-name"]);
    assert_eq!(t.origin_rev("refs/heads/hotfix/Bad_Name"), None);

    // A good hotfix: committed, pushed.
    let tip = t.hotfix_branch("fix-login", "main", "src/login.txt", "fixed\n");
    t.git_run(&["push", "origin", "hotfix/fix-login"]).ok();
    assert_eq!(t.origin_rev("refs/heads/hotfix/fix-login").as_deref(), Some(tip.as_str()));

    // Into main with a merge commit: post-merge says what comes next; amending the merge is
    // allowed (prepare-commit-msg must see `commit HEAD`); the push is accepted.
    t.git(&["switch", "-q", "main"]);
    let run = t.git_run(&["merge", "--no-ff", "--no-edit", "hotfix/fix-login"]).ok();
    said(run, &["Merged hotfix/fix-login into main. Next steps:"]);
    t.git_run(&["commit", "-q", "--amend", "--no-edit"]).ok();
    let merge = t.rev("HEAD");
    t.git_run(&["push", "origin", "main"]).ok();
    assert_eq!(t.origin_rev("refs/heads/main").as_deref(), Some(merge.as_str()));

    // A direct commit on main: refused at commit; bypassed there, refused at push.
    t.write("src/direct.txt", "direct\n");
    t.git(&["add", "src/direct.txt"]);
    refused(
        t.git_run(&["commit", "-q", "-m", "Direct fix"]),
        &["refusing to commit directly on 'main'"],
    );
    t.run_with("git", &t.work, &["commit", "-q", "-m", "Direct fix"], &[("HOTFIX_SKIP", "1")]).ok();
    let direct = t.rev("HEAD");
    refused(t.git_run(&["push", "origin", "main"]), &["✗ R3", short(&direct)]);
    assert_eq!(t.origin_rev("refs/heads/main").as_deref(), Some(merge.as_str()));
}

/// pre-commit runs the hooks exactly as `.pre-commit-hooks.yaml` declares them (stages,
/// arguments, file names), from a local repository: only `language: rust` becomes
/// `language: system`, so that the binary built for these tests runs instead of a release
/// build by `cargo install` (see the README's "Choices where the spec is silent").
#[test]
fn pre_commit_runs_the_committed_hooks() {
    let Some(pre_commit) = manager("pre-commit") else { return };
    let t = TestRepo::new();
    let hooks = ours(".pre-commit-hooks.yaml");
    assert_eq!(hooks.matches("\n  language: rust\n").count(), 3, "{hooks}");
    let hooks = hooks.replace("\n  language: rust\n", "\n  language: system\n");
    let indented: String = hooks.lines().map(|l| format!("    {l}\n")).collect();
    untracked(
        &t,
        ".pre-commit-config.yaml",
        &format!("repos:\n  - repo: local\n    hooks:\n{indented}"),
    );
    let install = ["install", "-t", "pre-push", "-t", "prepare-commit-msg", "-t", "post-merge"];
    t.run_with(&pre_commit, &t.work, &install, &[]).ok();
    play(&t);
}

/// The fenced block of the README that starts with the line `first`.
fn readme_block(first: &str) -> String {
    let readme = ours("README.md");
    let start =
        readme.find(&format!("\n{first}\n")).unwrap_or_else(|| panic!("README lacks {first:?}"));
    let rest = &readme[start + 1..];
    rest[..rest.find("\n```").unwrap() + 1].to_owned()
}

/// lefthook with the README's `lefthook.yml` and pre-push script, verbatim.
#[test]
fn lefthook_runs_the_readmes_configuration() {
    let Some(lefthook) = manager("lefthook") else { return };
    let t = TestRepo::new();
    untracked(&t, "lefthook.yml", &readme_block("# lefthook.yml"));
    untracked(
        &t,
        ".lefthook/pre-push/git-hotfix",
        &readme_block("# .lefthook/pre-push/git-hotfix"),
    );
    t.run_with(&lefthook, &t.work, &["install"], &[]).ok();
    play(&t);
    // A branch that brings no new commit is checked too: lefthook skips a pre-push *command*
    // when HEAD has nothing to push, which is why the README runs a script.
    t.git(&["branch", "hotfix/Also_Bad", "origin/main"]);
    refused(t.git_run(&["push", "origin", "hotfix/Also_Bad"]), &["✗ R1"]);
}

/// Run without Git's arguments (as hook managers run it), pre-push reads pre-commit's
/// variables when its input is empty, and refuses when nobody said what is pushed.
#[test]
fn pre_push_without_input_reads_pre_commit_or_refuses() {
    let t = TestRepo::new();
    let tip = t.hotfix_branch("Bad_Name", "main", "src/x.txt", "x\n");
    let base = t.rev("origin/main");
    let hook = ["hook", "pre-push"];
    let vars = [
        ("PRE_COMMIT", "1"),
        ("PRE_COMMIT_REMOTE_BRANCH", "refs/heads/hotfix/Bad_Name"),
        ("PRE_COMMIT_LOCAL_BRANCH", "refs/heads/hotfix/Bad_Name"),
        ("PRE_COMMIT_FROM_REF", &base),
        ("PRE_COMMIT_TO_REF", &tip),
    ];
    t.hotfix_with_stdin(&t.work, &hook, "", &vars).code(1).stderr_has(&["✗ R1"]);
    // The same variables without PRE_COMMIT=1 are nobody's word.
    t.hotfix_with_stdin(&t.work, &hook, "", &vars[1..])
        .code(2)
        .stderr_has(&["no ref list on standard input", "use_stdin: true"]);
    // Git's own arguments with an empty list: nothing is pushed, nothing to say.
    t.hotfix_with_stdin(&t.work, &["hook", "pre-push", "origin", "url"], "", &[]).ok();
    // Half of pre-commit's pair.
    t.hotfix_with_stdin(&t.work, &hook, "", &vars[..4])
        .code(2)
        .stderr_has(&["PRE_COMMIT_FROM_REF and PRE_COMMIT_TO_REF come together"]);
}
