//! Hostile and odd input, odd repositories, and faults in the middle of a change: every case
//! ends with the right answer or a clear error (never a panic: `hotfix()` checks that), and a
//! command that stops half-way says what it did and leaves nothing a rerun trips on.

use crate::support::{BIN, Run, TestRepo, binary_copy};
use std::path::{Path, PathBuf};

const BRANCH: &str = "hotfix/login-timeout";

/// Every ref, what HEAD is, and the work tree's changes to tracked files, in `dir`.
fn state_of(t: &TestRepo, dir: &Path) -> String {
    let refs = t.run_git(dir, &["for-each-ref", "--format=%(refname) %(objectname)"]).ok().stdout;
    let head = t.run_git(dir, &["symbolic-ref", "-q", "HEAD"]).stdout;
    let tree = if dir.join(".git").exists() {
        t.run_git(dir, &["status", "--porcelain", "--untracked-files=no"]).ok().stdout
    } else {
        String::new() // bare
    };
    format!("{refs}HEAD {head}changes:\n{tree}")
}

/// The same for `work` and origin together.
fn snapshot(t: &TestRepo) -> String {
    format!("{}origin:\n{}", state_of(t, &t.work), state_of(t, &t.origin))
}

fn current_branch(t: &TestRepo, dir: &Path) -> String {
    t.run_git(dir, &["symbolic-ref", "-q", "--short", "HEAD"]).stdout.trim().to_owned()
}

fn branch_exists(t: &TestRepo, dir: &Path, branch: &str) -> bool {
    t.run_git(dir, &["rev-parse", "--verify", "-q", &format!("refs/heads/{branch}")]).code == 0
}

/// The real `git`, as the shell finds it.
fn real_git() -> PathBuf {
    which::which("git").expect("git on PATH")
}

/// A directory holding a `git` that fails `git <subcommand>` on its `nth` call (counting from
/// 1) and runs the real one for everything else; put it first on `PATH`.
fn failing_git(t: &TestRepo, subcommand: &str, nth: u32) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let dir = t.tmp.path().join(format!("failing-{subcommand}-{nth}"));
    std::fs::create_dir_all(&dir).unwrap();
    let count = dir.join("count");
    let script = format!(
        "#!/bin/sh\n\
         sub=\nfor a in \"$@\"; do case \"$a\" in -*) ;; *) sub=$a; break ;; esac; done\n\
         if [ \"$sub\" = {subcommand} ]; then\n\
         \x20 n=$(( $(cat '{count}' 2>/dev/null || echo 0) + 1 )); echo $n > '{count}'\n\
         \x20 if [ $n -eq {nth} ]; then echo \"fatal: injected failure of git $sub\" >&2; exit 128; fi\n\
         fi\n\
         exec '{git}' \"$@\"\n",
        count = count.display(),
        git = real_git().display(),
    );
    std::fs::write(dir.join("git"), script).unwrap();
    std::fs::set_permissions(dir.join("git"), std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

/// `git-hotfix` in `work` with `git` failing as [`failing_git`] says.
fn hotfix_with_failing_git(t: &TestRepo, dir: &Path, args: &[&str]) -> Run {
    t.run_with(BIN, &t.work, args, &[("PATH", &t.path_with(dir))]).no_panic()
}

fn is_root(t: &TestRepo) -> bool {
    use std::os::unix::fs::MetadataExt;
    let probe = t.tmp.path().join("owner-probe");
    std::fs::write(&probe, "").unwrap();
    std::fs::metadata(&probe).unwrap().uid() == 0
}

/// How to run a program without the power to read or write what permissions forbid: as is
/// for a normal user; as root, through `setpriv` dropping the capabilities that override
/// permissions. `None` when that is not possible here (root without a working `setpriv`).
fn without_override(t: &TestRepo) -> Option<Vec<String>> {
    use std::os::unix::fs::PermissionsExt;
    if !is_root(t) {
        return Some(Vec::new());
    }
    let prefix = vec![
        "setpriv".to_owned(),
        "--bounding-set=-dac_override,-dac_read_search,-fowner".to_owned(),
    ];
    let locked = t.tmp.path().join("locked-probe");
    std::fs::write(&locked, "secret").unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let cat = t.run_with(&prefix[0], t.tmp.path(), &[&prefix[1], "cat", "locked-probe"], &[]);
    (cat.code != 0 && !cat.stdout.contains("secret")).then_some(prefix)
}

/// `git-hotfix args` in `dir` through `prefix` (see [`without_override`]).
fn hotfix_through(t: &TestRepo, prefix: &[String], dir: &Path, args: &[&str]) -> Run {
    let Some((program, rest)) = prefix.split_first() else { return t.hotfix_in(dir, args) };
    let mut argv: Vec<&str> = rest.iter().map(String::as_str).collect();
    argv.push(BIN);
    argv.extend(args);
    t.run_with(program, dir, &argv, &[]).no_panic()
}

/// A published hotfix already merged into main and development on the code host, checked out
/// in `work`: ready for cleanup. Returns its tip.
fn merged_everywhere(t: &TestRepo) -> String {
    let tip = t.hotfix_branch("login-timeout", "main", "src/app.txt", "fixed\n");
    t.git(&["push", "-q", "-u", "origin", BRANCH]);
    t.merge_on_host(BRANCH, "main");
    t.merge_on_host(BRANCH, "development");
    t.git(&["fetch", "-q", "origin"]);
    tip
}

/// development ahead of main and `hotfix/login-timeout` (one commit, from main) checked out:
/// ready for finish. Returns the hotfix tip.
fn ready_to_finish(t: &TestRepo) -> String {
    t.git(&["switch", "-q", "development"]);
    t.commit_file("feature.txt", "new\n", "Add a feature");
    t.git(&["push", "-q", "origin", "development"]);
    t.hotfix_branch("login-timeout", "main", "src/app.txt", "line 1\nline 2 (fixed)\nline 3\n")
}

fn make_executable(path: &Path, content: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, content).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// A pre-receive on origin that turns down every push: `what` says which (`all`, `deletions`).
fn origin_refuses(t: &TestRepo, what: &str) {
    let body = match what {
        "all" => "echo 'maintenance window' >&2\nexit 1\n".to_owned(),
        _ => format!(
            "while read old new ref; do\n  case $new in {}) echo 'no deletions today' >&2; exit 1 ;; esac\ndone\n",
            "0".repeat(40)
        ),
    };
    make_executable(&t.origin.join("hooks/pre-receive"), &format!("#!/bin/sh\n{body}"));
}

// ---------------------------------------------------------------------------------------------
// Item 3: hostile and odd input

#[test]
fn start_turns_option_like_and_unicode_descriptions_into_valid_names_or_refuses() {
    let t = TestRepo::new();
    let long = "a".repeat(300);
    let cases: &[(&[&str], Option<&str>)] = &[
        (&["-x"], Some("hotfix/x")),
        (&["--", "--help"], Some("hotfix/help")),
        (&["--", "--force-with-lease"], Some("hotfix/force-with-lease")),
        (&["a..b"], Some("hotfix/a-b")),
        (&["config.lock"], Some("hotfix/config-lock")),
        (&["hotfix/x.lock"], Some("hotfix/x-lock")),
        (&["🔥 fire 🔥"], Some("hotfix/fire")),
        (&["إصلاح login"], Some("hotfix/login")),
        (&[long.as_str()], Some(&*format!("hotfix/{}", "a".repeat(64)))),
        (&["@{"], None),
        (&["~"], None),
        (&["^"], None),
        (&[":"], None),
        (&["إصلاح الخطأ"], None),
    ];
    for (desc, want) in cases {
        t.git(&["switch", "-q", "main"]);
        let before = state_of(&t, &t.work);
        let mut args = vec!["start", "--no-fetch"];
        args.extend(desc.iter());
        let run = t.hotfix(&args);
        match want {
            Some(branch) => {
                let run = run.ok();
                assert_eq!(current_branch(&t, &t.work), *branch, "{desc:?}\n{run}");
                t.git(&["check-ref-format", "--branch", branch]);
            }
            None => {
                run.code(1).stderr_has(&["has no letters or digits (a-z, 0-9)"]);
                assert_eq!(state_of(&t, &t.work), before, "{desc:?}: nothing changed");
            }
        }
    }
}

#[test]
fn refname_like_branch_arguments_get_a_clear_error_and_change_nothing() {
    let t = TestRepo::new();
    t.hotfix_branch("a-b", "main", "src/app.txt", "fixed\n");
    t.git(&["switch", "-q", "main"]);
    let before = snapshot(&t);
    let invalid =
        ["hotfix/a..b", "hotfix/@{u}", "hotfix/a~1", "hotfix/a^", "hotfix/a:b", "hotfix/x.lock"];
    for name in invalid {
        for command in [&["status"][..], &["check", "tested-locally"], &["cleanup"], &["finish"]] {
            let mut args = command.to_vec();
            args.push(name);
            t.hotfix(&args).code(2).stderr_has(&[&format!("'{name}' is not a valid branch name")]);
        }
    }
    // A suggestion where normalising gives one.
    t.hotfix(&["status", "hotfix/a..b"]).code(2).stderr_has(&["did you mean hotfix/a-b?"]);
    t.hotfix(&["cleanup", "hotfix/a..b", "--dry-run"]).code(2).stderr_has(&["did you mean"]);
    // Valid but unknown: not found, exit 2 (status, finish) or 1 (cleanup refuses).
    let long = format!("hotfix/{}", "a".repeat(300));
    t.hotfix(&["status", &long]).code(2).stderr_has(&["no hotfix branch"]);
    t.hotfix(&["finish", &long]).code(2).stderr_has(&["there is no local branch"]);
    t.hotfix(&["cleanup", &long]).code(1).stderr_has(&["there is no branch"]);
    // Options are options, not names.
    t.hotfix(&["status", "-x"]).code(2).stderr_has(&["unexpected argument '-x'"]);
    // `publish --to` takes only the two trunks.
    t.git(&["switch", "-q", "hotfix/a-b"]);
    for to in ["a..b", "@{u}", "main~1", "main^", "origin:main", "main.lock", &"m".repeat(300)] {
        t.hotfix(&["publish", "--dry-run", "--to", to]).code(2).stderr_has(&["--to takes"]);
    }
    t.git(&["switch", "-q", "main"]);
    assert_eq!(snapshot(&t), before);
}

#[test]
fn verify_judges_odd_head_names_by_r1_and_refuses_an_empty_one() {
    let t = TestRepo::new();
    let tip = t.hotfix_branch("good-name", "main", "src/app.txt", "fixed\n");
    let verify = |name: &str| {
        t.hotfix(&["verify", "--pr", "--base", "origin/main", "--head", &tip, "--head-name", name])
    };
    for name in
        ["hotfix/a..b", "hotfix/@{u}", "hotfix/a~1", "hotfix/a^", "hotfix/a:b", "hotfix/x.lock"]
    {
        verify(name).code(1).stderr_has(&["R1", name]);
    }
    verify(&format!("hotfix/{}", "a".repeat(300))).code(1).stderr_has(&["longer than 64"]);
    verify("hotfix/x.lock").code(1).stderr_has(&["hotfix/x-lock"]);
    verify("").code(2).stderr_has(&["--head-name is empty", "GITHUB_HEAD_REF"]);
    verify("hotfix/good-name").ok();
}

#[test]
fn paths_with_spaces_and_quotes_work_for_install_and_every_hook() {
    let t = TestRepo::new();
    let repo_name = "it's a \"work\" dir $HOME";
    t.run_git(t.tmp.path(), &["clone", "-q", "origin.git", repo_name]).ok();
    let repo = t.tmp.path().join(repo_name);
    let bin_dir = t.tmp.path().join("bin dir's \"x\" $(id)");
    let bin = binary_copy(&bin_dir);
    // Only Git's own directory on PATH: the hooks must find git-hotfix by the recorded path.
    let path = format!("{}:/usr/bin:/bin", real_git().parent().unwrap().display());
    assert!(which::which_in("git-hotfix", Some(&path), "/").is_err(), "no git-hotfix on {path}");
    let env = [("PATH", path.as_str())];

    t.run_with(&bin, &repo, &["install"], &env).ok().stdout_has(&[&bin.display().to_string()]);
    // A commit on a hotfix branch and its push go through; a commit on main and a badly named
    // branch are refused, by the hooks, so they ran.
    t.run_with("git", &repo, &["switch", "-q", "-c", "hotfix/quoted-path"], &env).ok();
    t.write_in(&repo, "src/app.txt", "fixed\n");
    t.run_with("git", &repo, &["commit", "-qam", "Fix quoting"], &env).ok();
    t.run_with("git", &repo, &["push", "-q", "origin", "hotfix/quoted-path"], &env).ok();
    assert!(t.origin_rev("refs/heads/hotfix/quoted-path").is_some());
    t.run_with("git", &repo, &["push", "-q", "origin", "HEAD:refs/heads/hotfix/Bad_Name"], &env)
        .code(1)
        .stderr_has(&["R1"]);
    t.run_with("git", &repo, &["switch", "-q", "main"], &env).ok();
    t.write_in(&repo, "src/app.txt", "direct\n");
    t.run_with("git", &repo, &["commit", "-qam", "Direct commit"], &env)
        .code(1)
        .stderr_has(&["refusing to commit directly on 'main'"]);
}

#[test]
fn a_hooks_directory_that_cannot_be_written_is_refused_and_its_hooks_stay() {
    use std::os::unix::fs::PermissionsExt;
    let t = TestRepo::new();
    let Some(prefix) = without_override(&t) else {
        eprintln!("skipped: running as root and `setpriv` cannot drop the override capabilities");
        return;
    };
    let hooks = t.work.join(".git/hooks");
    make_executable(&hooks.join("pre-push"), "#!/bin/sh\necho mine\n");
    std::fs::set_permissions(&hooks, std::fs::Permissions::from_mode(0o555)).unwrap();
    let run = hotfix_through(&t, &prefix, &t.work, &["install"]);
    std::fs::set_permissions(&hooks, std::fs::Permissions::from_mode(0o755)).unwrap();
    run.code(2).stderr_has(&["cannot write to the hooks directory", "permissions"]);
    assert_eq!(std::fs::read_to_string(hooks.join("pre-push")).unwrap(), "#!/bin/sh\necho mine\n");
    assert!(!hooks.join("pre-push.pre-hotfix").exists());
    assert!(!hooks.join("post-merge").exists());
}

#[test]
fn a_symlinked_hooks_directory_is_followed_inside_the_repository_and_needs_force_outside() {
    let t = TestRepo::new();
    let hooks = t.work.join(".git/hooks");
    std::fs::remove_dir_all(&hooks).unwrap();
    std::fs::create_dir(t.work.join(".git/team-hooks")).unwrap();
    std::os::unix::fs::symlink("team-hooks", &hooks).unwrap();
    t.hotfix(&["install"]).ok();
    assert!(t.work.join(".git/team-hooks/pre-push").exists());

    let outside = t.tmp.path().join("shared-hooks");
    std::fs::create_dir(&outside).unwrap();
    std::fs::remove_file(&hooks).unwrap();
    std::os::unix::fs::symlink(&outside, &hooks).unwrap();
    t.hotfix(&["install"]).code(1).stderr_has(&[
        ".git/hooks is a symlink to",
        "shared-hooks, outside this repository",
        "--force",
    ]);
    assert!(!outside.join("pre-push").exists(), "nothing written without --force");
    t.hotfix(&["install", "--force"]).ok();
    assert!(outside.join("pre-push").exists());
}

#[test]
fn hooks_path_dev_null_is_refused_by_install_and_uninstall_only() {
    let t = TestRepo::new();
    t.git(&["config", "core.hooksPath", "/dev/null"]);
    for command in ["install", "uninstall"] {
        t.hotfix(&[command])
            .code(2)
            .stderr_has(&["/dev/null", "git config --unset core.hooksPath"]);
    }
    t.hotfix(&["list"]).ok();
    t.hotfix(&["verify"]).ok();
}

#[test]
fn a_repository_owned_by_another_user_is_refused_with_the_safe_directory_fix() {
    let t = TestRepo::new();
    if !is_root(&t) {
        eprintln!("skipped: only root can give the repository to another user here");
        return;
    }
    let chown = t.run_with("chown", t.tmp.path(), &["-R", "nobody", "work"], &[]);
    if chown.code != 0 {
        eprintln!("skipped: chown to nobody failed: {chown}");
        return;
    }
    // Git refuses first where it is asked.
    t.git_run(&["status"]).code(128).stderr_has(&["dubious ownership"]);
    let work = t.work.display().to_string();
    for args in
        [&["status"][..], &["list"], &["verify"], &["install"], &["start", "fix"], &["init"]]
    {
        t.hotfix(args).code(2).stderr_has(&[
            "is owned by another user",
            &format!("git config --global --add safe.directory '{work}'"),
        ]);
    }
    assert!(!t.work.join(".githotfix.toml").exists());
    // An explicit GIT_DIR skips the check, as in Git (hooks run that way).
    let git_dir = t.work.join(".git").display().to_string();
    t.run_with(BIN, &t.work, &["list"], &[("GIT_DIR", &git_dir)]).ok();
    // Once trusted, it works.
    t.run_git(t.tmp.path(), &["config", "--global", "--add", "safe.directory", &work]).ok();
    t.hotfix(&["list"]).ok();
    t.git_run(&["status"]).ok();
}

#[test]
fn sha256_repositories_are_refused_by_name() {
    let t = TestRepo::bare_only();
    let dir = t.tmp.path().join("sha256");
    t.run_git(t.tmp.path(), &["init", "-q", "--object-format=sha256", "-b", "main", "sha256"]).ok();
    t.write_in(&dir, "README.md", "# app\n");
    t.run_git(&dir, &["add", "."]).ok();
    let tip = t.commit_in(&dir, "Initial commit");
    t.run_git(&dir, &["branch", "development"]).ok();
    let commands: &[&[&str]] = &[
        &["status"],
        &["list"],
        &["check", "tested-locally", "hotfix/x"],
        &["start", "fix", "--no-fetch"],
        &["publish"],
        &["finish", "hotfix/x"],
        &["cleanup", "hotfix/x"],
        &["verify"],
        &["install"],
        &["uninstall"],
        &["init"],
    ];
    for args in commands {
        t.hotfix_in(&dir, args).code(2).stderr_has(&["SHA-256", "SHA-1 repositories only"]);
    }
    let push = format!("refs/heads/main {tip} refs/heads/main {}\n", "0".repeat(64));
    t.hotfix_with_stdin(&dir, &["hook", "pre-push", "origin", "x"], &push, &[])
        .code(2)
        .stderr_has(&["SHA-256"]);
    std::fs::write(dir.join(".git/COMMIT_EDITMSG"), "msg\n").unwrap();
    t.hotfix_in(&dir, &["hook", "prepare-commit-msg", ".git/COMMIT_EDITMSG"])
        .ok()
        .stderr_has(&["SHA-256"]);
    t.hotfix_in(&dir, &["hook", "post-merge", "0"]).ok().stderr_has(&["SHA-256"]);
}

#[test]
fn a_submodule_is_a_repository_of_its_own() {
    let t = TestRepo::new();
    // The submodule is another clone of origin: its own main and development.
    t.git(&["submodule", "add", "-q", "../origin.git", "lib"]);
    t.git(&["commit", "-qm", "Add the lib submodule"]);
    let lib = t.work.join("lib");
    t.run_git(&lib, &["branch", "-q", "--track", "development", "origin/development"]).ok();

    t.hotfix_in(&lib, &["install"]).ok().stdout_has(&[".git/modules/lib/hooks"]);
    t.hotfix_in(&lib, &["start", "fix in lib"]).ok();
    assert_eq!(current_branch(&t, &lib), "hotfix/fix-in-lib");
    t.write_in(&lib, "src/app.txt", "fixed\n");
    t.run_git(&lib, &["commit", "-qam", "Fix in lib"]).ok();
    t.run_git(&lib, &["push", "-q", "origin", "hotfix/fix-in-lib"]).ok();
    t.hotfix_in(&lib, &["status"]).ok().stdout_has(&["hotfix/fix-in-lib: published"]);
    // Its hooks are its own: a direct commit on its main is refused there.
    t.run_git(&lib, &["switch", "-q", "main"]).ok();
    t.write_in(&lib, "src/app.txt", "direct\n");
    t.run_git(&lib, &["commit", "-qam", "Direct"]).code(1).stderr_has(&["directly on 'main'"]);
    t.run_git(&lib, &["checkout", "--", "src/app.txt"]).ok();
    // The superproject sees its own branches only (it has not fetched the lib's push).
    t.hotfix(&["list"]).ok().stderr_has(&["no hotfix branches"]);
    t.hotfix(&["status"]).code(2).stderr_has(&["not a hotfix branch"]);
}

#[test]
fn a_detached_head_gets_an_answer_from_every_command_and_hook() {
    let t = TestRepo::new();
    t.install_hooks();
    let detach = || t.git(&["switch", "-q", "--detach", "main"]);
    detach();
    for args in [&["status"][..], &["check", "tested-locally"]] {
        t.hotfix(args).code(2).stderr_has(&["HEAD is detached at"]);
    }
    for command in ["publish", "finish", "cleanup"] {
        t.hotfix(&[command]).code(2).stderr_has(&["HEAD is detached at", "not on a hotfix branch"]);
    }
    t.hotfix(&["list"]).ok();
    t.hotfix(&["verify"]).ok();
    t.hotfix(&["install"]).ok();
    t.hotfix(&["init"]).ok();
    std::fs::remove_file(t.work.join(".githotfix.toml")).unwrap();
    t.hotfix(&["start", "from detached", "--no-fetch"]).ok();
    assert_eq!(current_branch(&t, &t.work), "hotfix/from-detached");
    t.commit_file("src/app.txt", "fixed\n", "Fix from detached");

    // Hooks: a commit and a merge on a detached HEAD pass; its pushes are judged by where
    // they go.
    detach();
    t.commit_file("notes.txt", "x\n", "Experiment");
    t.git(&["merge", "-q", "--no-ff", "-m", "Merge experiment", "hotfix/from-detached"]);
    t.git_run(&["push", "-q", "origin", "HEAD:refs/heads/hotfix/detached-ok"]).ok();
    t.git_run(&["push", "origin", "HEAD:refs/heads/main"]).code(1).stderr_has(&["R3"]);
}

#[test]
fn without_git_on_path_commands_that_need_it_say_so() {
    let t = TestRepo::new();
    t.hotfix_branch("login-timeout", "main", "src/app.txt", "fixed\n");
    let empty = t.tmp.path().join("no-git-here");
    std::fs::create_dir(&empty).unwrap();
    let before = snapshot(&t);
    let env = [("PATH", empty.to_str().unwrap())];
    let commands: &[&[&str]] = &[
        &["start", "other"],
        &["install"],
        &["check", "tested-locally"],
        &["finish"],
        &["cleanup", "--force"],
        &["publish"],
    ];
    for args in commands {
        t.run_with(BIN, &t.work, args, &env)
            .no_panic()
            .code(2)
            .stderr_has(&["`git` was not found on PATH", "install Git"]);
    }
    assert_eq!(snapshot(&t), before);
    // Reading history needs no git.
    t.run_with(BIN, &t.work, &["list"], &env).no_panic().ok();
    t.run_with(BIN, &t.work, &["verify"], &env).no_panic().ok();
}

#[test]
fn a_shim_without_git_hotfix_fails_loudly() {
    let t = TestRepo::new();
    let moved = t.tmp.path().join("gone");
    let bin = binary_copy(&moved);
    t.run_with(&bin, &t.work, &["install"], &[]).ok();
    std::fs::remove_file(&bin).unwrap();
    let empty = t.tmp.path().join("empty-path");
    std::fs::create_dir(&empty).unwrap();
    let env = [("PATH", empty.to_str().unwrap())];
    let hooks = t.work.join(".git/hooks");
    for (hook, says) in [
        ("pre-push", "cannot check this push"),
        ("prepare-commit-msg", "cannot check this commit"),
        ("post-merge", "cannot check this merge"),
    ] {
        let script = hooks.join(hook).display().to_string();
        t.run_with("/bin/sh", &t.work, &[&script, "origin", "url"], &env)
            .code(1)
            .stderr_has(&[says, "is missing and git-hotfix is not on PATH"]);
    }
}

#[test]
fn a_config_file_that_is_not_a_small_text_file_is_refused_by_name() {
    let t = TestRepo::new();
    let file = t.work.join(".githotfix.toml");
    let list = || t.hotfix(&["list"]);
    std::fs::write(&file, [0xff, 0xfe, 0x00, 0x01]).unwrap();
    list().code(2).stderr_has(&[".githotfix.toml: not UTF-8"]);
    std::fs::write(&file, "# x\n".repeat(20_000)).unwrap();
    list().code(2).stderr_has(&[".githotfix.toml: too large", "65536"]);
    std::fs::remove_file(&file).unwrap();

    std::fs::create_dir(&file).unwrap();
    list().code(2).stderr_has(&[".githotfix.toml is not a regular file"]);
    std::fs::remove_dir(&file).unwrap();

    std::os::unix::fs::symlink("/dev/zero", &file).unwrap();
    list().code(2).stderr_has(&["outside the repository"]);
    std::fs::remove_file(&file).unwrap();
    std::os::unix::fs::symlink(".", &file).unwrap();
    list().code(2).stderr_has(&["not a regular file"]);
    std::fs::remove_file(&file).unwrap();
    std::os::unix::fs::symlink("missing.toml", &file).unwrap();
    list().code(2).stderr_has(&["broken symlink"]);
    std::fs::remove_file(&file).unwrap();

    std::fs::write(&file, "name_pattern = \"(a{1000}){1000}\"\n").unwrap();
    list().code(2).stderr_has(&[".githotfix.toml:1: key `name_pattern`", "size limit"]);
    std::fs::write(&file, "name_pattern = \"\\\\w{1000}\"\n").unwrap();
    list().code(2).stderr_has(&["key `name_pattern`"]);
}

#[test]
fn a_config_fifo_is_refused_instead_of_hanging() {
    let t = TestRepo::new();
    t.run_with("mkfifo", &t.work, &[".githotfix.toml"], &[]).ok();
    // Opening a FIFO blocks until a writer comes: a watchdog turns a hang into a failure.
    let mut child = t
        .command(BIN, &t.work)
        .arg("list")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("git hotfix list hangs on a FIFO named .githotfix.toml");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains(".githotfix.toml is not a regular file"));
}

#[test]
fn an_unreadable_config_file_is_an_environment_error() {
    use std::os::unix::fs::PermissionsExt;
    let t = TestRepo::new();
    let file = t.work.join(".githotfix.toml");
    std::fs::write(&file, "max_files = 3\n").unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o000)).unwrap();
    // Root reads anything: without dropping that power the file is simply read.
    let Some(prefix) = without_override(&t) else {
        eprintln!("skipped: running as root and `setpriv` cannot drop the override capabilities");
        return;
    };
    hotfix_through(&t, &prefix, &t.work, &["list"])
        .code(2)
        .stderr_has(&[".githotfix.toml: Permission denied"]);
}

#[test]
fn an_empty_repository_gets_clear_answers() {
    let t = TestRepo::bare_only();
    t.run_git(t.tmp.path(), &["clone", "-q", "origin.git", "work"]);
    t.hotfix(&["status"]).code(2).stderr_has(&["not a hotfix branch"]);
    t.hotfix(&["list"]).ok().stderr_has(&["no hotfix branches"]);
    t.hotfix(&["start", "fix", "--no-fetch"])
        .code(2)
        .stderr_has(&["nothing to cut the hotfix from", "is the repository empty?"]);
    t.hotfix(&["start", "fix"]).code(2).stderr_has(&["could not fetch main from origin"]);
    t.hotfix(&["verify"]).code(2).stderr_has(&["was found neither on origin nor locally"]);
    t.hotfix(&["install"]).ok();
    // The first commit of an empty repository passes the installed hooks.
    t.commit_file("README.md", "# app\n", "Initial commit");
    t.hotfix_in(&t.origin, &["list"]).ok();
    t.hotfix_in(&t.origin, &["verify"]).code(2);
}

#[test]
fn a_bare_repository_reads_but_does_not_switch() {
    let t = TestRepo::new();
    t.git(&["push", "-q", "origin", "HEAD:refs/heads/hotfix/on-server"]);
    t.hotfix_in(&t.origin, &["list"]).ok().stdout_has(&["hotfix/on-server"]);
    t.hotfix_in(&t.origin, &["status", "hotfix/on-server"]).ok();
    t.hotfix_in(&t.origin, &["verify"]).ok();
    t.hotfix_in(&t.origin, &["start", "fix"]).code(2).stderr_has(&["bare repository"]);
    t.hotfix_in(&t.origin, &["finish", "hotfix/on-server"]).code(2).stderr_has(&["bare"]);
    t.hotfix_in(&t.origin, &["install"]).ok().stdout_has(&["pre-receive"]);
}

#[test]
fn a_linked_worktree_shares_hooks_and_branches() {
    let t = TestRepo::new();
    t.git(&["worktree", "add", "-q", "../linked", "development"]);
    let linked = t.tmp.path().join("linked");
    t.hotfix_in(&linked, &["install"]).ok().stdout_has(&["work/.git/hooks"]);
    assert!(t.work.join(".git/hooks/pre-push").exists());
    t.hotfix_in(&linked, &["start", "from linked"]).ok();
    t.hotfix_in(&linked, &["status"]).ok().stdout_has(&["hotfix/from-linked"]);
    t.hotfix(&["list"]).ok().stdout_has(&["hotfix/from-linked"]);
    t.hotfix_in(&linked, &["verify"]).ok();
    // main is checked out in `work`: start left it alone there.
    assert_eq!(current_branch(&t, &t.work), "main");
}

#[test]
fn a_shallow_clone_reads_and_starts_but_verify_wants_history() {
    let t = TestRepo::new();
    for n in 1..=3 {
        t.commit_file(&format!("f{n}.txt"), "x\n", &format!("Release note {n}"));
    }
    t.git(&["push", "-q", "origin", "main"]);
    let url = format!("file://{}", t.origin.display());
    t.run_git(
        t.tmp.path(),
        &["clone", "-q", "--depth", "1", "--no-single-branch", &url, "shallow"],
    )
    .ok();
    let dir = t.tmp.path().join("shallow");
    t.run_git(&dir, &["branch", "-q", "--track", "development", "origin/development"]).ok();
    t.hotfix_in(&dir, &["install"]).ok();
    t.hotfix_in(&dir, &["start", "shallow fix"]).ok();
    t.write_in(&dir, "src/app.txt", "fixed\n");
    t.run_git(&dir, &["commit", "-qam", "Fix from a shallow clone"]).ok();
    t.run_git(&dir, &["push", "-q", "origin", "hotfix/shallow-fix"]).ok();
    // The boundary commit has no parents here, as in Git.
    t.hotfix_in(&dir, &["status"]).ok().stdout_has(&["hotfix/shallow-fix: published"]);
    t.hotfix_in(&dir, &["list"]).ok().stdout_has(&["hotfix/shallow-fix"]);
    t.hotfix_in(&dir, &["verify"]).code(2).stderr_has(&["shallow", "--unshallow"]);
}

// ---------------------------------------------------------------------------------------------
// Item 4: faults in the middle of a change

#[test]
fn finish_with_a_failing_merge_stops_and_continue_completes() {
    let t = TestRepo::new();
    let tip = ready_to_finish(&t);
    let git = failing_git(&t, "merge", 2); // the merge into development
    hotfix_with_failing_git(&t, &git, &["finish"]).code(1).stderr_has(&[
        "injected failure of git merge",
        "merging 'hotfix/login-timeout' into 'development' failed",
        "stopped while merging into development: merged into 'main' already",
        "git hotfix finish --continue",
        "git hotfix finish --abort",
    ]);
    assert_eq!(t.rev("main^2"), tip);
    assert_eq!(t.git(&["status", "--porcelain", "--untracked-files=no"]), "");
    t.hotfix(&["finish", "--continue"]).ok().stdout_has(&["Finished"]);
    assert_eq!(t.rev("development^2"), tip);
    assert!(!branch_exists(&t, &t.work, BRANCH));
}

#[test]
fn finish_interrupted_at_each_step_continues_or_aborts_exactly() {
    // (git subcommand, which call fails, --push): every step finish takes, in order.
    let faults = [
        ("switch", 1, false), // to main
        ("merge", 1, false),  // into main
        ("switch", 2, false), // to development
        ("merge", 2, false),  // into development
        ("config", 1, false), // recording the tip, before deleting the branch
        ("push", 1, true),    // main and development
        ("push", 2, true),    // deleting the remote branch: pushed, so no abort
    ];
    for (subcommand, nth, push) in faults {
        for recover in ["continue", "abort"] {
            let t = TestRepo::new();
            let tip = ready_to_finish(&t);
            if push {
                t.git(&["push", "-q", "-u", "origin", BRANCH]);
            }
            let before = snapshot(&t);
            let git = failing_git(&t, subcommand, nth);
            let args: &[&str] = if push { &["finish", "--push"] } else { &["finish"] };
            let run = hotfix_with_failing_git(&t, &git, args);
            let case = format!("git {subcommand} #{nth}, then --{recover}\n{run}");
            assert_ne!(run.code, 0, "{case}");
            assert!(run.stderr.contains("injected failure"), "{case}");
            assert!(run.stderr.contains("stopped while"), "{case}");
            assert!(run.stderr.contains("git hotfix finish --continue"), "{case}");
            assert_eq!(
                t.git(&["status", "--porcelain", "--untracked-files=no"]),
                "",
                "{case}: no file changed"
            );
            let pushed = subcommand == "push" && nth == 2;
            if recover == "abort" && !pushed {
                t.hotfix(&["finish", "--abort"]).ok();
                assert_eq!(snapshot(&t), before, "{case}");
                continue;
            }
            if recover == "abort" {
                t.hotfix(&["finish", "--abort"]).code(1).stderr_has(&["already pushed"]);
            }
            t.hotfix(&["finish", "--continue"]).ok();
            assert_eq!(t.rev("main^2"), tip, "{case}");
            assert_eq!(t.rev("development^2"), tip, "{case}");
            assert!(!branch_exists(&t, &t.work, BRANCH), "{case}");
            assert!(!t.work.join(".git/hotfix-finish.json").exists(), "{case}");
            if push {
                assert_eq!(t.origin_rev("refs/heads/main"), Some(t.rev("main")), "{case}");
                assert_eq!(t.origin_rev(&format!("refs/heads/{BRANCH}")), None, "{case}");
            }
        }
    }
}

#[test]
fn finish_with_a_failing_merge_aborts_to_exactly_where_it_started() {
    let t = TestRepo::new();
    ready_to_finish(&t);
    let before = snapshot(&t);
    let git = failing_git(&t, "merge", 2);
    hotfix_with_failing_git(&t, &git, &["finish"]).code(1);
    assert_ne!(snapshot(&t), before);
    t.hotfix(&["finish", "--abort"]).ok().stdout_has(&["back where they were"]);
    assert_eq!(snapshot(&t), before);
}

#[test]
fn finish_with_a_locked_ref_says_what_stopped_it_and_recovers_both_ways() {
    for recover in ["continue", "abort"] {
        let t = TestRepo::new();
        let tip = ready_to_finish(&t);
        let before = snapshot(&t);
        let lock = t.work.join(".git/refs/heads/development.lock");
        std::fs::write(&lock, "").unwrap();
        t.hotfix(&["finish"]).code(1).stderr_has(&[
            "development.lock': File exists",
            "into 'development' stopped before the merge commit was made",
            "git commit --no-edit",
            "git hotfix finish --continue",
        ]);
        assert!(!t.hotfix(&["finish"]).stderr.contains("conflict"), "no conflict to speak of");
        std::fs::remove_file(&lock).unwrap();
        if recover == "continue" {
            t.git(&["commit", "-q", "--no-edit"]);
            t.hotfix(&["finish", "--continue"]).ok();
            assert_eq!(t.rev("development^2"), tip);
            assert_eq!(t.rev("main^2"), tip);
        } else {
            t.hotfix(&["finish", "--abort"]).ok();
            assert_eq!(snapshot(&t), before);
        }
    }
}

#[test]
fn finish_with_a_locked_head_changes_no_file_and_recovers_both_ways() {
    for recover in ["continue", "abort"] {
        let t = TestRepo::new();
        let tip = ready_to_finish(&t);
        let before = snapshot(&t);
        let lock = t.work.join(".git/HEAD.lock");
        std::fs::write(&lock, "").unwrap();
        t.hotfix(&["finish"]).code(2).stderr_has(&[
            "HEAD.lock': File exists",
            "`git switch --quiet -- main` failed",
            "the files are as they were",
            "stopped while merging into main: no merge made yet",
        ]);
        assert_eq!(snapshot(&t), before, "not a file nor a ref changed");
        // Still locked: abort stops cleanly too.
        t.hotfix(&["finish", "--abort"]).code(2).stderr_has(&["nothing was put back yet"]);
        assert_eq!(snapshot(&t), before);
        std::fs::remove_file(&lock).unwrap();
        if recover == "continue" {
            t.hotfix(&["finish", "--continue"]).ok();
            assert_eq!(t.rev("main^2"), tip);
            assert_eq!(t.rev("development^2"), tip);
        } else {
            t.hotfix(&["finish", "--abort"]).ok();
            assert_eq!(snapshot(&t), before);
        }
    }
}

#[test]
fn finish_push_whose_branch_deletion_is_rejected_cannot_abort_but_continues() {
    let t = TestRepo::new();
    let tip = ready_to_finish(&t);
    t.git(&["push", "-q", "-u", "origin", BRANCH]);
    origin_refuses(&t, "deletions");
    t.hotfix(&["finish", "--push"]).code(1).stderr_has(&[
        "no deletions today",
        "origin refused the deletion of 'hotfix/login-timeout'",
        "merged into 'main' and 'development' and pushed already",
        "git hotfix finish --continue",
    ]);
    assert_eq!(t.origin_rev("refs/heads/main"), Some(t.rev("main")));
    assert_eq!(t.origin_rev(&format!("refs/heads/{BRANCH}")), Some(tip.clone()));
    let after = snapshot(&t);
    t.hotfix(&["finish", "--abort"]).code(1).stderr_has(&["already pushed", "--continue"]);
    assert_eq!(snapshot(&t), after);

    std::fs::remove_file(t.origin.join("hooks/pre-receive")).unwrap();
    t.hotfix(&["finish", "--continue"]).ok();
    assert_eq!(t.origin_rev(&format!("refs/heads/{BRANCH}")), None);
    assert!(!branch_exists(&t, &t.work, BRANCH));
    assert_eq!(t.rev("development^2"), tip);
}

#[test]
fn finish_push_rejected_by_the_server_keeps_everything_local() {
    let t = TestRepo::new();
    ready_to_finish(&t);
    let origin = state_of(&t, &t.origin);
    let git = failing_git(&t, "push", 1);
    hotfix_with_failing_git(&t, &git, &["finish", "--push"]).code(1).stderr_has(&[
        "injected failure of git push",
        "stopped while pushing: merged into 'main' and 'development' already",
        "git hotfix finish --abort",
    ]);
    assert_eq!(state_of(&t, &t.origin), origin);
    t.hotfix(&["finish", "--continue"]).ok();
    assert_eq!(t.origin_rev("refs/heads/development"), Some(t.rev("development")));
}

#[test]
fn cleanup_whose_local_deletion_fails_says_so_and_a_rerun_finishes() {
    for fault in ["failing git branch", "locked ref"] {
        let t = TestRepo::new();
        let tip = merged_everywhere(&t);
        let lock = t.work.join(format!(".git/refs/heads/{BRANCH}.lock"));
        let run = if fault == "locked ref" {
            std::fs::write(&lock, "").unwrap();
            t.hotfix(&["cleanup"])
        } else {
            hotfix_with_failing_git(&t, &failing_git(&t, "branch", 1), &["cleanup"])
        };
        run.code(2).stdout_has(&["deleted 'hotfix/login-timeout' on origin"]).stderr_has(&[
            "you are on development; the local 'hotfix/login-timeout' is still here",
            "run git hotfix cleanup hotfix/login-timeout again",
        ]);
        assert_eq!(t.rev(BRANCH), tip, "{fault}");
        assert_eq!(t.origin_rev(&format!("refs/heads/{BRANCH}")), None);
        let _ = std::fs::remove_file(&lock);
        t.hotfix(&["cleanup", BRANCH]).ok().stdout_has(&["deleted the local branch"]);
        assert!(!branch_exists(&t, &t.work, BRANCH));
    }
}

#[test]
fn cleanup_whose_remote_deletion_is_rejected_keeps_the_local_branch() {
    let t = TestRepo::new();
    let tip = merged_everywhere(&t);
    origin_refuses(&t, "deletions");
    t.hotfix(&["cleanup"]).code(1).stderr_has(&[
        "no deletions today",
        "origin refused the deletion of 'hotfix/login-timeout'",
        "the local 'hotfix/login-timeout' was kept too",
        "run git hotfix cleanup hotfix/login-timeout again",
    ]);
    assert_eq!(t.rev(BRANCH), tip);
    assert_eq!(t.origin_rev(&format!("refs/heads/{BRANCH}")), Some(tip));
    std::fs::remove_file(t.origin.join("hooks/pre-receive")).unwrap();
    t.hotfix(&["cleanup", BRANCH]).ok();
    assert!(!branch_exists(&t, &t.work, BRANCH));
    assert_eq!(t.origin_rev(&format!("refs/heads/{BRANCH}")), None);
}

#[test]
fn cleanup_with_a_locked_config_deletes_nothing() {
    let t = TestRepo::new();
    let tip = merged_everywhere(&t);
    let lock = t.work.join(".git/config.lock");
    std::fs::write(&lock, "").unwrap();
    t.hotfix(&["cleanup"]).code(2).stderr_has(&[
        "could not lock config file",
        "nothing was deleted",
        "cleanup hotfix/login-timeout again",
    ]);
    assert_eq!(t.rev(BRANCH), tip);
    assert_eq!(t.origin_rev(&format!("refs/heads/{BRANCH}")), Some(tip));
    std::fs::remove_file(&lock).unwrap();
    t.hotfix(&["cleanup", BRANCH]).ok();
    assert!(!branch_exists(&t, &t.work, BRANCH));
}

#[test]
fn cleanup_with_a_locked_head_changes_no_file() {
    let t = TestRepo::new();
    merged_everywhere(&t);
    let before = snapshot(&t);
    let lock = t.work.join(".git/HEAD.lock");
    std::fs::write(&lock, "").unwrap();
    t.hotfix(&["cleanup"]).code(1).stderr_has(&["HEAD.lock", "nothing was deleted"]);
    assert_eq!(snapshot(&t), before);
    std::fs::remove_file(&lock).unwrap();
    t.hotfix(&["cleanup"]).ok();
}

#[test]
fn start_interrupted_by_a_locked_head_leaves_nothing_half_made() {
    let t = TestRepo::new();
    // From development, whose files differ from main's: a half-done switch would show.
    t.git(&["switch", "-q", "development"]);
    t.commit_file("feature.txt", "new\n", "Add a feature");
    let before = state_of(&t, &t.work);
    let lock = t.work.join(".git/HEAD.lock");
    std::fs::write(&lock, "").unwrap();
    t.hotfix(&["start", "fix login", "--no-fetch"]).code(1).stderr_has(&[
        "HEAD.lock': File exists",
        "could not switch to a new branch 'hotfix/fix-login'",
        "nothing was changed",
        "run git hotfix start again",
    ]);
    assert_eq!(state_of(&t, &t.work), before, "no branch, no staged change");
    std::fs::remove_file(&lock).unwrap();
    t.hotfix(&["start", "fix login", "--no-fetch"]).ok();
    assert_eq!(current_branch(&t, &t.work), "hotfix/fix-login");
    assert_eq!(t.git(&["status", "--porcelain", "--untracked-files=no"]), "");
}

#[test]
fn start_interrupted_by_a_locked_index_leaves_nothing_half_made() {
    let t = TestRepo::new();
    t.git(&["switch", "-q", "development"]);
    let before = state_of(&t, &t.work);
    let lock = t.work.join(".git/index.lock");
    std::fs::write(&lock, "").unwrap();
    t.hotfix(&["start", "fix login", "--no-fetch"]).code(1).stderr_has(&["index.lock"]);
    std::fs::remove_file(&lock).unwrap();
    assert_eq!(state_of(&t, &t.work), before);
    t.hotfix(&["start", "fix login", "--no-fetch"]).ok();
}

/// Makes a file immutable (`chattr +i`) until dropped, when the file system allows it.
struct Immutable(PathBuf);

impl Immutable {
    fn set(t: &TestRepo, path: &Path) -> Option<Self> {
        let run = t.run_with("chattr", t.tmp.path(), &["+i", path.to_str().unwrap()], &[]);
        (run.code == 0).then(|| Self(path.to_owned()))
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = std::process::Command::new("chattr").arg("-i").arg(&self.0).status();
    }
}

/// Foreign hooks for the three client hooks, returning their bytes by name.
fn foreign_hooks(t: &TestRepo) -> Vec<(String, Vec<u8>)> {
    let hooks = t.work.join(".git/hooks");
    ["pre-push", "prepare-commit-msg", "post-merge"]
        .iter()
        .map(|name| {
            let content = format!("#!/bin/sh\n# the team's own {name}\nexit 0\n");
            make_executable(&hooks.join(name), &content);
            (name.to_string(), content.into_bytes())
        })
        .collect()
}

#[test]
fn install_interrupted_midway_keeps_every_hook_and_a_rerun_completes() {
    let t = TestRepo::new();
    let hooks = t.work.join(".git/hooks");
    let existing = foreign_hooks(&t);
    let Some(guard) = Immutable::set(&t, &hooks.join("post-merge")) else {
        eprintln!(
            "skipped: chattr +i is not available here (needs root and a file system that supports it)"
        );
        return;
    };
    t.hotfix(&["install"]).code(2).stdout_has(&["pre-push", "prepare-commit-msg"]).stderr_has(&[
        "cannot rename",
        "nothing was changed for post-merge",
        "the ones listed above are installed",
        "run git hotfix install again",
    ]);
    drop(guard);
    // The two done are chained, byte for byte; the third was not touched.
    for (name, bytes) in &existing[..2] {
        assert_eq!(&std::fs::read(hooks.join(format!("{name}.pre-hotfix"))).unwrap(), bytes);
    }
    assert_eq!(std::fs::read(hooks.join("post-merge")).unwrap(), existing[2].1);
    t.hotfix(&["install"]).ok();
    for (name, bytes) in &existing {
        assert_eq!(&std::fs::read(hooks.join(format!("{name}.pre-hotfix"))).unwrap(), bytes);
    }
    t.hotfix(&["uninstall"]).ok();
    for (name, bytes) in &existing {
        assert_eq!(&std::fs::read(hooks.join(name)).unwrap(), bytes, "{name} restored");
    }
}

#[test]
fn install_with_a_taken_backup_name_loses_no_hook() {
    let t = TestRepo::new();
    let hooks = t.work.join(".git/hooks");
    let existing = foreign_hooks(&t);
    let stale = b"#!/bin/sh\n# an older hook kept by an earlier install\nexit 0\n".to_vec();
    std::fs::write(hooks.join("post-merge.pre-hotfix"), &stale).unwrap();

    t.hotfix(&["install"]).code(1).stderr_has(&["post-merge.pre-hotfix", "is in the way"]);
    for (name, bytes) in &existing {
        assert_eq!(&std::fs::read(hooks.join(name)).unwrap(), bytes, "{name} untouched");
    }
    assert_eq!(std::fs::read(hooks.join("post-merge.pre-hotfix")).unwrap(), stale);

    t.hotfix(&["install", "--force"]).ok();
    assert_eq!(std::fs::read(hooks.join("post-merge.pre-hotfix.1")).unwrap(), stale);
    for (name, bytes) in &existing {
        assert_eq!(&std::fs::read(hooks.join(format!("{name}.pre-hotfix"))).unwrap(), bytes);
    }
}
