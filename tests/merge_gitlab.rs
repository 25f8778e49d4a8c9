//! `git hotfix merge` on GitLab, through a `glab` stand-in on PATH (glab is not packaged
//! here; `tests/standins/glab.py` answers `glab api` from a state file and merges for real on
//! the test's bare origin).

use crate::support::{Run, TestRepo};
use serde_json::{Value, json};
use std::path::Path;

const BRANCH: &str = "hotfix/login-timeout";

struct GitLab {
    state: std::path::PathBuf,
    log: std::path::PathBuf,
    path: String,
}

impl GitLab {
    /// `origin` as a self-hosted GitLab project with merge request !1 from the hotfix into
    /// main, approved by bob (developer); `change` is merged over that state.
    fn start(repo: &TestRepo, change: Value) -> Self {
        let url = "https://gitlab.example.org/acme/web/shop.git";
        repo.git(&["config", &format!("url.{}.insteadOf", repo.origin.display()), url]);
        repo.git(&["remote", "set-url", "origin", url]);
        repo.git(&["config", "hotfix.host", "gitlab"]);
        let bin = repo.tmp.path().join("glab-bin");
        std::fs::create_dir_all(&bin).unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/standins/glab.py");
        std::os::unix::fs::symlink(script, bin.join("glab")).unwrap();
        let mut state = json!({
            "origin": repo.origin, "project": {"merge_method": "merge", "squash_option": "default_off"},
            "users": {"bob": {"id": 7, "access_level": 30}, "carol": {"id": 8, "access_level": 20}},
            "merge_requests": [{"iid": 1, "source_branch": BRANCH, "target_branch": "main"}],
            "approvals": {"1": ["bob"]},
        });
        for (key, value) in change.as_object().unwrap() {
            state[key] = value.clone();
        }
        let gl = Self {
            state: repo.tmp.path().join("glab-state.json"),
            log: repo.tmp.path().join("glab-log.jsonl"),
            path: repo.path_with(&bin),
        };
        std::fs::write(&gl.state, state.to_string()).unwrap();
        gl
    }

    fn hotfix(&self, repo: &TestRepo, args: &[&str]) -> Run {
        let mut argv = vec!["hotfix"];
        argv.extend(args);
        let (state, log) = (self.state.display().to_string(), self.log.display().to_string());
        let env = [
            ("PATH", self.path.as_str()),
            ("GLAB_STANDIN_STATE", &state),
            ("GLAB_STANDIN_LOG", &log),
        ];
        repo.run_with("git", &repo.work, &argv, &env)
    }

    fn calls(&self) -> Vec<Value> {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
    }
}

fn published() -> (TestRepo, String) {
    let repo = TestRepo::new();
    let tip = repo.hotfix_branch("login-timeout", "main", "src/app.txt", "line 1\nfixed\nline 3\n");
    repo.git(&["push", "-q", "origin", BRANCH]);
    (repo, tip)
}

#[test]
fn merges_the_merge_request_with_a_merge_commit_of_the_checked_head() {
    let (repo, tip) = published();
    let gl = GitLab::start(&repo, json!({}));
    gl.hotfix(&repo, &["merge", "--dry-run"]).ok().stdout_has(&["would run: glab api --hostname gitlab.example.org --method PUT projects/acme%2Fweb%2Fshop/merge_requests/1/merge"]);
    assert!(gl.calls().iter().all(|c| c["method"] == "GET"), "a dry run changes nothing");
    let before = repo.origin_rev("main").unwrap();
    gl.hotfix(&repo, &["merge"])
        .ok()
        .stdout_has(&["merged: main is now", "a merge commit of 'hotfix/login-timeout'"]);
    let merge = repo.origin_rev("main").unwrap();
    assert_eq!(repo.rev(&format!("{merge}^1")), before);
    assert_eq!(repo.rev(&format!("{merge}^2")), tip);
    let put = gl.calls().into_iter().find(|c| c["method"] == "PUT").unwrap();
    assert_eq!(
        put["body"],
        json!({"sha": tip, "squash": false, "should_remove_source_branch": false})
    );
    assert_eq!(repo.origin_rev(BRANCH).as_deref(), Some(tip.as_str()), "the branch is kept");
}

#[test]
fn refuses_what_the_process_or_gitlab_would_not_merge() {
    let cases = [
        (
            json!({"merge_requests": []}),
            "there is no open merge request from 'hotfix/login-timeout' into main",
        ),
        (
            json!({"merge_requests": [{"iid": 1, "source_branch": BRANCH, "target_branch": "main", "draft": true}]}),
            "merge request !1 is a draft",
        ),
        (
            json!({"approvals": {"1": ["carol"]}}),
            "approved, but without write access: carol (access level 20)",
        ),
        (json!({"project": {"merge_method": "ff"}}), "the project's merge method is 'ff'"),
        (
            json!({"merge_requests": [{"iid": 1, "source_branch": BRANCH, "target_branch": "main", "detailed_merge_status": "ci_must_pass"}]}),
            "waits for its pipeline to pass",
        ),
    ];
    for (change, said) in cases {
        let (repo, _) = published();
        let before = repo.origin_rev("main");
        let gl = GitLab::start(&repo, change);
        gl.hotfix(&repo, &["merge"]).code(1).stderr_has(&[said]);
        assert_eq!(repo.origin_rev("main"), before, "{said}: nothing was merged");
    }
    // A solo project turns the review off.
    let (repo, _) = published();
    let gl = GitLab::start(&repo, json!({"approvals": {}}));
    repo.git(&["config", "hotfix.review", "none"]);
    gl.hotfix(&repo, &["merge"]).ok();
}

#[test]
fn a_gitlab_that_squashes_anyway_is_caught_and_a_failure_is_exit_2() {
    let (repo, _) = published();
    let gl = GitLab::start(&repo, json!({"merge_behaviour": "squash"}));
    gl.hotfix(&repo, &["merge"])
        .code(1)
        .stderr_has(&["the process was broken on GitLab", "squashed or rebased"]);
    let (repo, _) = published();
    let gl = GitLab::start(
        &repo,
        json!({"faults": [{"path": "projects/acme%2Fweb%2Fshop/merge_requests", "status": 401, "message": "401 Unauthorized"}]}),
    );
    gl.hotfix(&repo, &["merge"]).code(2).stderr_has(&[
        "GitLab (gitlab.example.org) refused",
        "glab auth login --hostname gitlab.example.org",
    ]);
}
