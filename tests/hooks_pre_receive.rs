//! pre-receive on a bare server, through real `git push --no-verify`: the same scenarios as
//! pre-push (the client skipping its own hooks changes nothing), plus what only a server sees.

use crate::hooks_pre_push::scenarios as play;
use crate::hooks_pre_push::{Sandbox, Side};
use crate::support::{Run, TestRepo, ZERO, short};

#[test]
fn squash_merge_onto_main_is_rejected_and_a_true_merge_accepted() {
    play::squash_merge_onto_main(Side::Server);
}

#[test]
fn rebase_and_cherry_pick_onto_main_are_rejected() {
    play::rebase_and_cherry_pick_onto_main(Side::Server);
}

#[test]
fn fast_forward_and_direct_commit_onto_main_are_rejected() {
    play::fast_forward_and_direct_commit_onto_main(Side::Server);
}

#[test]
fn release_merges_into_main_are_accepted() {
    play::release_merge_into_main(Side::Server);
}

#[test]
fn a_hotfix_merge_bringing_development_commits_is_rejected() {
    play::hotfix_mixed_with_development_merged_into_main(Side::Server);
}

#[test]
fn hotfix_cut_from_development_is_rejected_and_from_main_accepted() {
    play::hotfix_branch_base(Side::Server);
}

#[test]
fn bad_hotfix_name_is_rejected_with_a_suggestion() {
    play::hotfix_branch_name(Side::Server);
}

#[test]
fn an_oversized_hotfix_warns_unless_the_team_enforces_the_size() {
    play::oversized_hotfix(Side::Server);
}

#[test]
fn copies_of_a_hotfix_into_development_are_rejected() {
    play::copies_into_development(Side::Server);
}

#[test]
fn squashed_features_and_the_true_back_merge_are_accepted() {
    play::legitimate_changes_into_development(Side::Server);
}

#[test]
fn back_merge_before_main_has_the_hotfix_is_rejected() {
    play::back_merge_before_main(Side::Server);
}

#[test]
fn deleting_or_rewinding_main_and_development_is_rejected() {
    play::protected_branches(Side::Server);
}

#[test]
fn unrelated_branches_and_tags_are_not_checked() {
    play::unrelated_refs(Side::Server);
}

#[test]
fn a_shallow_clone_can_push_a_hotfix() {
    play::shallow_clone_pushes_a_hotfix(Side::Server);
}

#[test]
fn bootstrap_push_to_an_empty_server_is_accepted() {
    play::bootstrap_of_an_empty_remote(Side::Server);
}

#[test]
fn mirror_push_cannot_delete_main() {
    // pre-push never hears of --mirror deletions; the server does.
    let s = Sandbox::new(Side::Server);
    let main = s.t.rev("main");
    s.switch(&["--detach"]);
    s.t.git(&["branch", "-q", "-D", "main"]);
    s.refused(&["--mirror", "origin"], "R5", &main, "main")
        .stderr_has(&["deleting 'main' is not allowed"]);
}

#[test]
fn a_hotfix_pushed_with_its_back_merge_is_judged_as_one_push() {
    // The server has not stored hotfix/early yet when it checks development: R8 still sees it.
    let s = Sandbox::new(Side::Server);
    let tip = s.hotfix("hotfix/early", "origin/main", &[("src/app.txt", "Fix login")]);
    s.switch(&["development"]);
    s.t.git(&["merge", "-q", "--no-ff", "-m", "Back-merge the fix", "hotfix/early"]);
    s.refused(&["origin", "hotfix/early", "development"], "R8", &tip, "development");
    assert_eq!(s.t.origin_rev("refs/heads/hotfix/early"), None, "the whole push is refused");
    // Pushed together with main, which has it, the same back-merge is fine.
    s.switch(&["main"]);
    let merge = s.merge("hotfix/early");
    s.accepted(&["origin", "hotfix/early", "main", "development"], "main", Some(&merge));
    assert_eq!(s.t.origin_rev("refs/heads/development"), Some(s.t.rev("development")));
}

#[test]
fn the_server_enforces_the_policy_committed_on_main() {
    let s = Sandbox::new(Side::Server);
    s.hotfix("hotfix/policy", "origin/main", &[]);
    s.t.write(".githotfix.toml", "prefix = \"fix/\"\n");
    s.t.git(&["add", ".githotfix.toml"]);
    s.t.commit_in(&s.t.work, "Adopt the fix/ prefix");
    s.switch(&["main"]);
    let merge = s.merge("hotfix/policy");
    s.accepted(&["origin", "main"], "main", Some(&merge));
    let bad = s.hotfix("fix/Bad_Name", "origin/main", &[("src/app.txt", "Fix login")]);
    s.refused(&["origin", "fix/Bad_Name"], "R1", &bad, "fix/Bad_Name")
        .stderr_has(&["fix/bad-name"]);
    // hotfix/ is no longer special there.
    s.t.git(&["branch", "-q", "-m", "hotfix/Whatever_Name"]);
    s.accepted(&["origin", "hotfix/Whatever_Name"], "hotfix/Whatever_Name", Some(&bad));
}

/// The hook run by hand in origin, as receive-pack runs it.
fn hook(t: &TestRepo, input: &str) -> Run {
    t.hotfix_with_stdin(&t.origin, &["hook", "pre-receive"], input, &[("GIT_DIR", ".")])
}

#[test]
fn malformed_input_fails_closed_with_exit_2() {
    let t = TestRepo::new();
    let main = t.rev("main");
    hook(&t, "garbage\n").code(2).stderr_has(&["line 1", "\"garbage\""]);
    hook(&t, &format!("{ZERO} {main} refs/heads/main extra\n")).code(2);
    hook(&t, &format!("{main} {} refs/heads/main\n", short(&main)))
        .code(2)
        .stderr_has(&["not a full object id"]);
    hook(&t, "").ok();
    hook(&t, &format!("\n{ZERO} {main} refs/heads/feature\n\n")).ok();
}
