use crate::support::TestRepo;

#[test]
fn outside_a_repository_is_an_environment_error() {
    let t = TestRepo::bare_only();
    t.hotfix_in(t.tmp.path(), &["status"]).code(2).stderr_has(&["not a Git repository"]);
}

#[test]
fn harness_builds_origin_and_clone() {
    let t = TestRepo::new();
    assert_eq!(t.rev("origin/main"), t.rev("origin/development"));
    assert_eq!(t.git(&["branch", "--show-current"]), "main");
}

#[test]
fn dash_c_runs_in_another_directory() {
    let t = TestRepo::new();
    t.git(&["switch", "-q", "-c", "hotfix/fix-login"]);
    let work = t.work.to_str().unwrap();
    t.hotfix_in(t.tmp.path(), &["-C", work, "list"]).ok().stdout_has(&["hotfix/fix-login"]);
    t.hotfix_in(t.tmp.path(), &["list", "-C", work]).ok().stdout_has(&["hotfix/fix-login"]);
    t.hotfix_in(t.tmp.path(), &["-C", "no/such/dir", "list"])
        .code(2)
        .stderr_has(&["cannot change to 'no/such/dir'"]);
}

#[test]
fn runs_as_a_git_subcommand() {
    let t = TestRepo::new();
    t.git(&["switch", "-q", "-c", "hotfix/fix-login"]);
    t.git_run(&["hotfix", "list"]).ok().stdout_has(&["hotfix/fix-login"]);
    let sub = t.work.join("src");
    let run = t.run_git(&sub, &["hotfix", "status"]).ok();
    assert!(run.stdout.contains("hotfix/fix-login: in progress"), "{run}");
}

#[test]
fn usage_errors_exit_2() {
    let t = TestRepo::new();
    t.hotfix(&["frobnicate"]).code(2).stderr_has(&["unrecognized subcommand"]);
    t.hotfix(&["status", "--bogus"]).code(2);
    t.hotfix(&["start"]).code(2).stderr_has(&["<DESC>"]);
    t.hotfix(&["--version"]).ok();
    t.hotfix(&["start", "-h"]).ok().stdout_has(&["--no-fetch"]);
}

/// Completes `words` the way Git's bash completion does for `git hotfix …`: it sets `words`,
/// `cword`, `cur` and `prev` and calls `_git_hotfix`.
fn complete_git_hotfix(t: &TestRepo, words: &[&str]) -> String {
    let script = t.hotfix(&["completions", "bash"]).ok().stdout;
    let file = t.tmp.path().join("completion.bash");
    std::fs::write(&file, script).unwrap();
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let driver = format!(
        "source '{}'\nwords=({})\ncword=$((${{#words[@]}} - 1))\ncur=${{words[cword]}}\nprev=${{words[cword-1]}}\n_git_hotfix\necho \"${{COMPREPLY[*]}}\"\n",
        file.display(),
        quoted.join(" ")
    );
    t.run_with("bash", t.tmp.path(), &["-c", &driver], &[]).ok().stdout
}

#[test]
fn git_hotfix_tab_completes_subcommands_and_their_arguments() {
    let t = TestRepo::new();
    let subcommands = complete_git_hotfix(&t, &["git", "hotfix", "st"]);
    assert_eq!(subcommands.split_whitespace().collect::<Vec<_>>(), ["start", "status"]);
    let items = complete_git_hotfix(&t, &["git", "hotfix", "check", "post"]);
    assert_eq!(items.trim(), "post-mortem");
    let flags = complete_git_hotfix(&t, &["git", "hotfix", "publish", "--d"]);
    assert_eq!(flags.trim(), "--dry-run");
}

#[test]
fn completions_exist_for_zsh_and_fish_and_the_man_page_renders() {
    let t = TestRepo::new();
    t.hotfix(&["completions", "zsh"]).ok().stdout_has(&["#compdef git-hotfix"]);
    t.hotfix(&["completions", "fish"]).ok().stdout_has(&["complete -c git-hotfix"]);
    t.hotfix(&["man"]).ok().stdout_has(&[".TH git-hotfix", "start"]);
}
