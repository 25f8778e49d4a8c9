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
