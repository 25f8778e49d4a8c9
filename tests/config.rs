use crate::support::TestRepo;

/// `list` in `work` with `text` as `.githotfix.toml`.
fn with_file(text: &str) -> (TestRepo, crate::support::Run) {
    let t = TestRepo::new();
    t.write(".githotfix.toml", text);
    let run = t.hotfix(&["list"]);
    (t, run)
}

#[test]
fn a_valid_file_is_accepted() {
    let (_, run) =
        with_file("# team settings\nmain = \"main\"\nmax_files = 3\nenforce_size = true\n");
    run.ok();
}

#[test]
fn an_unknown_key_names_file_line_and_key() {
    let (_, run) = with_file("main = \"main\"\n\nmax_file = 3\n");
    run.code(2).stderr_has(&[".githotfix.toml:3:", "max_file"]);
}

#[test]
fn a_wrong_type_names_file_line_and_key() {
    let (_, run) = with_file("remote = \"origin\"\nmax_lines = \"many\"\n");
    run.code(2).stderr_has(&[".githotfix.toml:2: key `max_lines`:", "expected u64"]);
    let (_, run) = with_file("enforce_size = 1\n");
    run.code(2).stderr_has(&[".githotfix.toml:1: key `enforce_size`:"]);
}

#[test]
fn a_bad_regex_names_file_line_and_key() {
    let (_, run) = with_file("# pattern\nname_pattern = \"([a-z\"\n");
    run.code(2).stderr_has(&[".githotfix.toml:2: key `name_pattern`: not a valid regex"]);
}

#[test]
fn a_huge_file_is_refused() {
    let (_, run) = with_file(&format!("# {}\n", "x".repeat(100 * 1024)));
    run.code(2).stderr_has(&[".githotfix.toml", "too large"]);
}

#[test]
fn a_symlink_outside_the_repository_is_refused_inside_accepted() {
    let t = TestRepo::new();
    let outside = t.tmp.path().join("outside.toml");
    std::fs::write(&outside, "max_files = 3\n").unwrap();
    std::os::unix::fs::symlink(&outside, t.work.join(".githotfix.toml")).unwrap();
    t.hotfix(&["list"]).code(2).stderr_has(&[".githotfix.toml", "outside the repository"]);

    let t = TestRepo::new();
    t.write("config/hotfix.toml", "max_files = 3\n");
    std::os::unix::fs::symlink("config/hotfix.toml", t.work.join(".githotfix.toml")).unwrap();
    t.hotfix(&["list"]).ok();
}

#[test]
fn git_config_values_given_with_dash_c_are_honoured() {
    let t = TestRepo::new();
    let other = t.clone_as("other");
    t.write_in(&other, "trunk.txt", "trunk\n");
    t.run_git(&other, &["add", "trunk.txt"]).ok();
    let trunk = t.commit_in(&other, "Merge branch 'release/9'");
    t.run_git(&other, &["push", "-q", "origin", "HEAD:refs/heads/trunk"]).ok();

    t.git_run(&["-c", "hotfix.main=trunk", "hotfix", "start", "fix-login"]).ok();
    assert_eq!(t.rev("hotfix/fix-login"), trunk);
    let run = t.git_run(&["-c", "hotfix.main=trunk", "hotfix", "status"]).ok();
    assert!(run.stdout.contains("Merged into trunk"), "{run}");
    // Without the override, main it is.
    t.git_run(&["hotfix", "status"]).ok().stdout_has(&["Merged into main"]);
    t.git(&["switch", "-q", "main"]);
    t.git_run(&["hotfix", "start", "fix-logout"]).ok();
    assert_eq!(t.rev("hotfix/fix-logout"), t.rev("origin/main"));
    // A bad value given that way is named as such.
    t.git_run(&["-c", "hotfix.maxFiles=lots", "hotfix", "status"])
        .code(2)
        .stderr_has(&["hotfix.maxFiles"]);
}

#[test]
fn a_git_config_key_without_a_value_means_true() {
    let t = TestRepo::new();
    t.install_hooks();
    t.git(&["config", "hotfix.maxFiles", "1"]);
    t.git(&["switch", "-q", "-c", "hotfix/two-files"]);
    t.write("a.txt", "a\n");
    t.write("b.txt", "b\n");
    t.git(&["add", "a.txt", "b.txt"]);
    t.commit_in(&t.work, "Touch two files");
    // Over the limit is only a warning…
    t.git_run(&["push", "-q", "origin", "hotfix/two-files"]).ok().stderr_has(&["R6"]);
    // …until `enforceSize` is set, here as Git allows: a key with no value.
    let config = t.work.join(".git/config");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("[hotfix]\n\tenforceSize\n");
    std::fs::write(&config, text).unwrap();
    t.commit_file("a.txt", "a2\n", "Touch one again");
    t.git_run(&["push", "-q", "origin", "hotfix/two-files"]).code(1).stderr_has(&["R6"]);
}
