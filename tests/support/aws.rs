//! The CodePipeline stand-in (`tests/standins/codepipeline.py`) and the real `aws` CLI pointed
//! at it with `AWS_ENDPOINT_URL`, dummy credentials and config files of the test's own.

use super::{Run, StandIn, TestRepo, json_lines};
use serde_json::{Value, json};
use std::path::PathBuf;

pub struct Aws {
    server: StandIn,
    pub state: PathBuf,
    pub log: PathBuf,
    dir: PathBuf,
}

/// One execution as CodePipeline lists it, newest first in a list; `revision` is the commit
/// it deployed.
pub fn execution(id: &str, status: &str, revision: &str, start: f64) -> Value {
    json!({
        "pipelineExecutionId": id, "status": status, "startTime": start,
        "lastUpdateTime": start + 60.0, "trigger": {"triggerType": "Webhook"},
        "sourceRevisions": [{"actionName": "Source", "revisionId": revision,
                             "revisionSummary": "Merge", "revisionUrl": "https://example.invalid"}],
    })
}

impl Aws {
    /// Starts the stand-in with `pipelines` (name → executions, or `{"sequence": [...]}`).
    pub fn start(repo: &TestRepo, pipelines: Value) -> Self {
        let dir = repo.tmp.path().join("aws");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("config"), "[default]\nregion = us-east-1\n").unwrap();
        std::fs::write(
            dir.join("credentials"),
            "[default]\naws_access_key_id = AKIDSTANDIN\naws_secret_access_key = standinsecret\n",
        )
        .unwrap();
        let state = dir.join("state.json");
        std::fs::write(&state, json!({ "pipelines": pipelines }).to_string()).unwrap();
        let log = dir.join("log.jsonl");
        let server = StandIn::start("codepipeline.py", &state, &log);
        Self { server, state, log, dir }
    }

    /// The environment that makes the real aws CLI talk to the stand-in.
    pub fn env(&self) -> Vec<(String, String)> {
        let file = |name: &str| self.dir.join(name).display().to_string();
        vec![
            ("AWS_ENDPOINT_URL".into(), format!("http://127.0.0.1:{}", self.server.port)),
            ("AWS_CONFIG_FILE".into(), file("config")),
            ("AWS_SHARED_CREDENTIALS_FILE".into(), file("credentials")),
            ("AWS_EC2_METADATA_DISABLED".into(), "true".into()),
            ("AWS_MAX_ATTEMPTS".into(), "1".into()),
            // When gh's proxy (the GitHub stand-in) is set too, the CLI must not go through it.
            ("NO_PROXY".into(), "127.0.0.1".into()),
        ]
    }

    /// Replaces the CLI's config file (to print times as v2 does, or drop the region).
    pub fn config(&self, text: &str) {
        std::fs::write(self.dir.join("config"), text).unwrap();
    }

    pub fn remove_credentials(&self) {
        std::fs::remove_file(self.dir.join("credentials")).unwrap();
    }

    /// `git hotfix <args>` in the work clone with aws pointed here, plus `extra` environment.
    pub fn hotfix(&self, repo: &TestRepo, args: &[&str], extra: &[(String, String)]) -> Run {
        let env: Vec<(String, String)> =
            self.env().into_iter().chain(extra.iter().cloned()).collect();
        repo.hotfix_with_env(args, &env)
    }

    pub fn state(&self) -> Value {
        serde_json::from_str(&std::fs::read_to_string(&self.state).unwrap()).unwrap()
    }

    /// Sets top-level keys of the state (`pipelines`, `faults`, `page_size`).
    pub fn set(&self, key: &str, value: Value) {
        let mut state = self.state();
        state[key] = value;
        std::fs::write(&self.state, state.to_string()).unwrap();
    }

    /// Every request the CLI made, in order.
    pub fn requests(&self) -> Vec<Value> {
        json_lines(&self.log)
    }
}
