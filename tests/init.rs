use crate::support::TestRepo;
use std::path::Path;

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn detects_master_and_develop_and_refuses_to_overwrite() {
    let t = TestRepo::bare_only();
    let dir = t.tmp.path().join("legacy");
    t.run_git(t.tmp.path(), &["init", "-q", "-b", "master", "legacy"]).ok();
    t.write_in(&dir, "README.md", "# legacy\n");
    t.run_git(&dir, &["add", "."]).ok();
    t.commit_in(&dir, "Initial commit");
    t.run_git(&dir, &["branch", "develop"]).ok();

    let run = t.hotfix_in(&dir, &["init"]).ok().stdout_has(&[".githotfix.toml"]);
    let file = dir.join(".githotfix.toml");
    let text = read(&file);
    assert!(text.contains("main = 'master'"), "{text}\n{run}");
    assert!(text.contains("development = 'develop'"), "{text}");
    assert!(!run.stderr.contains("warning"), "{run}");
    // The file it writes is one the tool accepts, and it is what the commands then use.
    t.run_git(&dir, &["switch", "-q", "-c", "hotfix/fix-x"]).ok();
    t.hotfix_in(&dir, &["status"])
        .ok()
        .stdout_has(&["Merged into master", "Merged back into develop"]);

    std::fs::write(&file, "# ours\nmax_files = 3\n").unwrap();
    t.hotfix_in(&dir, &["init"]).code(1).stderr_has(&["already exists", "not overwriting"]);
    assert_eq!(read(&file), "# ours\nmax_files = 3\n");
}

#[test]
fn detects_remote_tracking_names_in_a_fresh_clone() {
    let t = TestRepo::new();
    t.git(&["branch", "-q", "-D", "development"]);
    t.hotfix(&["init"]).ok();
    let text = read(&t.work.join(".githotfix.toml"));
    assert!(
        text.contains("main = 'main'") && text.contains("development = 'development'"),
        "{text}"
    );
}

#[test]
fn warns_when_a_branch_is_not_found_and_writes_the_default() {
    let t = TestRepo::bare_only();
    let dir = t.tmp.path().join("solo");
    t.run_git(t.tmp.path(), &["init", "-q", "-b", "main", "solo"]).ok();
    t.write_in(&dir, "a.txt", "a\n");
    t.run_git(&dir, &["add", "."]).ok();
    t.commit_in(&dir, "Initial commit");
    t.hotfix_in(&dir, &["init"]).ok().stderr_has(&["no development branch found"]);
    assert!(read(&dir.join(".githotfix.toml")).contains("development = 'development'"));
}

#[test]
fn a_symlink_in_the_way_is_not_followed() {
    let t = TestRepo::new();
    let target = t.tmp.path().join("elsewhere.toml");
    std::os::unix::fs::symlink(&target, t.work.join(".githotfix.toml")).unwrap();
    t.hotfix(&["init"]).code(1).stderr_has(&["already exists"]);
    assert!(!target.exists());
}

#[test]
fn a_bare_repository_has_no_work_tree_to_write_to() {
    let t = TestRepo::new();
    t.hotfix_in(&t.origin, &["init"]).code(2).stderr_has(&["bare repository"]);
}

#[test]
fn a_name_set_in_git_config_is_preferred() {
    let t = TestRepo::new();
    t.git(&["branch", "trunk"]);
    t.git(&["config", "hotfix.main", "trunk"]);
    t.hotfix(&["init"]).ok();
    assert!(read(&t.work.join(".githotfix.toml")).contains("main = 'trunk'"));
}
