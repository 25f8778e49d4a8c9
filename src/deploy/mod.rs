//! Deployments, as the systems that run them report them: AWS CodePipeline executions
//! ([`codepipeline`]), GitHub deployments and Actions workflow runs ([`github`]). Each source
//! lists its recent runs with the commit each ran; a run counts for a hotfix when that commit
//! contains the hotfix's merge, and the newest such run is the one that tells.

pub mod codepipeline;
pub mod github;
pub mod tags;

use crate::output;
use serde::Serialize;
use serde_json::Value;

/// Where a deployment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// No run contains the hotfix yet.
    NotStarted,
    InProgress,
    Succeeded,
    /// Failed, stopped, cancelled or superseded: the hotfix is not deployed by it.
    Failed,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Self::NotStarted => "not started",
            Self::InProgress => "in progress",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
        }
    }
}

/// What runs the deployments of one source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Codepipeline,
    GithubEnvironment,
    GithubWorkflow,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Codepipeline => "pipeline",
            Self::GithubEnvironment => "environment",
            Self::GithubWorkflow => "workflow",
        }
    }
}

/// One run of a deployment, as its system reported it.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub id: String,
    /// The system's own word for its state (`Superseded`, `failure`, …).
    pub word: String,
    pub status: Status,
    /// Seconds since the epoch.
    pub started: Option<i64>,
    pub link: Option<String>,
    /// The commits it deployed (hex ids as the system gives them).
    pub commits: Vec<String>,
}

/// One source's deployment of the hotfix: the newest run that contains it, if any.
#[derive(Debug, Clone, Serialize)]
pub struct Run {
    pub kind: Kind,
    pub name: String,
    pub status: Status,
    /// The system's own word for the state, when it says more than `status`.
    pub detail: Option<String>,
    pub id: Option<String>,
    /// `YYYY-MM-DDTHH:MM:SSZ`.
    pub started_at: Option<String>,
    pub link: Option<String>,
    pub commit: Option<String>,
}

impl Run {
    /// The newest of `candidates` (newest first) with a commit that `contains` accepts; else
    /// "not started".
    pub fn newest(
        kind: Kind,
        name: &str,
        candidates: Vec<Candidate>,
        contains: &dyn Fn(&str) -> bool,
    ) -> Self {
        let found = candidates
            .into_iter()
            .find_map(|c| c.commits.iter().find(|id| contains(id)).cloned().map(|id| (c, id)));
        let Some((run, commit)) = found else {
            return Self {
                kind,
                name: name.to_owned(),
                status: Status::NotStarted,
                detail: None,
                id: None,
                started_at: None,
                link: None,
                commit: None,
            };
        };
        let plain = run.word.to_ascii_lowercase().replace(['_', ' '], "");
        let said = run.status.label().replace(' ', "");
        Self {
            kind,
            name: name.to_owned(),
            status: run.status,
            detail: (plain != said).then_some(run.word),
            id: Some(run.id),
            started_at: run.started.map(output::timestamp),
            link: run.link,
            commit: Some(commit),
        }
    }

    /// `failed (Superseded)`, `in progress`, …
    pub fn state_text(&self) -> String {
        match &self.detail {
            Some(word) => format!("{} ({word})", self.status.label()),
            None => self.status.label().to_owned(),
        }
    }
}

/// A time as JSON gives it: epoch seconds (aws CLI v1), or an ISO 8601 string (v2, GitHub).
pub fn epoch(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_f64().filter(|f| f.is_finite()).map(|f| f.floor() as i64),
        Value::String(s) => match s.trim().parse::<f64>() {
            Ok(f) if f.is_finite() => Some(f.floor() as i64),
            _ => output::parse_date(s).ok(),
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn candidate(id: &str, status: Status, word: &str, commit: &str) -> Candidate {
        Candidate {
            id: id.into(),
            word: word.into(),
            status,
            started: Some(1_700_000_000),
            link: None,
            commits: vec![commit.into()],
        }
    }

    #[test]
    fn the_newest_run_that_contains_the_merge_tells() {
        let runs = vec![
            candidate("3", Status::InProgress, "InProgress", "other"),
            candidate("2", Status::Failed, "Superseded", "merge"),
            candidate("1", Status::Succeeded, "Succeeded", "merge"),
        ];
        let run = Run::newest(Kind::Codepipeline, "prod", runs.clone(), &|c| c == "merge");
        assert_eq!((run.status, run.id.as_deref()), (Status::Failed, Some("2")));
        assert_eq!(run.state_text(), "failed (Superseded)");
        assert_eq!(run.started_at.as_deref(), Some("2023-11-14T22:13:20Z"));
        let run = Run::newest(Kind::Codepipeline, "prod", runs, &|_| false);
        assert_eq!((run.status, run.id), (Status::NotStarted, None));
        let run = Run::newest(
            Kind::GithubWorkflow,
            "deploy.yml",
            vec![candidate("9", Status::InProgress, "in_progress", "m")],
            &|_| true,
        );
        assert_eq!(run.state_text(), "in progress");
    }

    #[test]
    fn times_in_both_cli_shapes() {
        assert_eq!(epoch(&json!(1_700_000_000.75)), Some(1_700_000_000));
        assert_eq!(epoch(&json!("1700000000.5")), Some(1_700_000_000));
        assert_eq!(epoch(&json!("2023-11-14T22:13:20.5+00:00")), Some(1_700_000_000));
        assert_eq!(epoch(&json!("later")), None);
        assert_eq!(epoch(&json!(null)), None);
    }
}
