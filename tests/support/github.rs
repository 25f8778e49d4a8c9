//! The GitHub stand-in (`tests/standins/github.py`) and the real `gh` pointed at it: gh talks
//! plain HTTP to `api.github.localhost` through the stand-in as its proxy. The test clone's
//! remote is `https://github.localhost/acme/shop.git`, rewritten to the bare origin with
//! `url.<origin>.insteadOf`, and `host = "github"` names it a GitHub, as an enterprise
//! user's configuration would.

use super::{Run, StandIn, TestRepo, json_lines};
use serde_json::{Value, json};
use std::path::PathBuf;

pub const REMOTE_URL: &str = "https://github.localhost/acme/shop.git";

pub struct GitHub {
    server: StandIn,
    pub state: PathBuf,
    pub log: PathBuf,
    config_dir: PathBuf,
}

impl GitHub {
    /// Starts the stand-in for `repo`'s origin with `settings` over a repository that
    /// allows every merge method and protects nothing, and points `work`'s origin at it.
    pub fn start(repo: &TestRepo, settings: Value) -> Self {
        let dir = repo.tmp.path().join("github");
        std::fs::create_dir_all(dir.join("gh-config")).unwrap();
        let mut state = json!({
            "owner": "acme", "repo": "shop", "origin": repo.origin,
            "repository": {"allow_merge_commit": true, "allow_squash_merge": true,
                           "allow_rebase_merge": true, "delete_branch_on_merge": false},
            "protection": {}, "rulesets": [], "pulls": [], "reviews": {}, "permissions": {},
        });
        merge(&mut state, settings);
        let state_path = dir.join("state.json");
        std::fs::write(&state_path, state.to_string()).unwrap();
        let log = dir.join("log.jsonl");
        let server = StandIn::start("github.py", &state_path, &log);
        let origin = repo.origin.to_str().unwrap();
        repo.git(&["config", &format!("url.{origin}.insteadOf"), REMOTE_URL]);
        repo.git(&["remote", "set-url", "origin", REMOTE_URL]);
        repo.git(&["config", "hotfix.host", "github"]);
        Self { server, state: state_path, log, config_dir: dir.join("gh-config") }
    }

    /// The environment that makes the real gh talk to the stand-in.
    pub fn env(&self) -> Vec<(String, String)> {
        let proxy = format!("http://127.0.0.1:{}", self.server.port);
        vec![
            ("GH_TOKEN".into(), "ghp_standintoken0123456789".into()),
            ("GH_CONFIG_DIR".into(), self.config_dir.display().to_string()),
            ("HTTP_PROXY".into(), proxy.clone()),
            ("http_proxy".into(), proxy),
        ]
    }

    /// `git hotfix <args>` in the work clone with gh pointed here.
    pub fn hotfix(&self, repo: &TestRepo, args: &[&str]) -> Run {
        repo.hotfix_with_env(args, &self.env())
    }

    pub fn state(&self) -> Value {
        serde_json::from_str(&std::fs::read_to_string(&self.state).unwrap()).unwrap()
    }

    /// Changes the state: `change` is merged over it (objects key by key).
    pub fn update(&self, change: Value) {
        let mut state = self.state();
        merge(&mut state, change);
        std::fs::write(&self.state, state.to_string()).unwrap();
    }

    /// Every request gh made, in order.
    pub fn requests(&self) -> Vec<Value> {
        json_lines(&self.log)
    }

    /// `METHOD path` of every request, in order.
    pub fn calls(&self) -> Vec<String> {
        self.requests()
            .iter()
            .map(|r| format!("{} {}", r["method"].as_str().unwrap(), r["path"].as_str().unwrap()))
            .collect()
    }
}

/// `change` over `base`: objects merged key by key, anything else replaced.
fn merge(base: &mut Value, change: Value) {
    match (base, change) {
        (Value::Object(base), Value::Object(change)) => {
            for (key, value) in change {
                merge(base.entry(key).or_insert(Value::Null), value);
            }
        }
        (base, change) => *base = change,
    }
}
