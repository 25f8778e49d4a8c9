//! GitHub deployments to an environment, and GitHub Actions runs of a deploy workflow, read
//! through the GitHub client of `host::github`.

use super::{Candidate, Status, epoch};
use crate::error::Result;
use crate::host::github::GitHub;
use serde_json::Value;

/// The newest recent deployment to `environment` whose commit `wanted` accepts, with its
/// latest status (empty when none does).
pub fn environment(
    gh: &GitHub,
    environment: &str,
    wanted: &dyn Fn(&str) -> bool,
) -> Result<Vec<Candidate>> {
    // The newest that contains the hotfix tells: only its status is read.
    let Some(deployment) = gh.deployments(environment)?.into_iter().find(|d| wanted(&d.sha)) else {
        return Ok(Vec::new());
    };
    let latest = gh.deployment_status(deployment.id)?;
    let word = latest.as_ref().map_or("pending", |s| s.state.as_str()).to_owned();
    let link = latest.and_then(|s| s.log_url.or(s.target_url)).filter(|l| !l.is_empty());
    Ok(vec![Candidate {
        id: deployment.id.to_string(),
        status: deployment_status(&word),
        word,
        started: deployment.created_at.map(Value::String).as_ref().and_then(epoch),
        link,
        commits: vec![deployment.sha],
    }])
}

/// The recent runs of `workflow` on `branch`, newest first.
pub fn workflow(gh: &GitHub, workflow: &str, branch: &str) -> Result<Vec<Candidate>> {
    Ok(gh
        .workflow_runs(workflow, branch)?
        .into_iter()
        .map(|run| {
            let word = match run.status.as_deref() {
                Some("completed") => run.conclusion.unwrap_or_else(|| "completed".to_owned()),
                other => other.unwrap_or("queued").to_owned(),
            };
            let started = run.run_started_at.or(run.created_at).map(Value::String);
            Candidate {
                id: run.id.to_string(),
                status: run_status(&word),
                word,
                started: started.as_ref().and_then(epoch),
                link: run.html_url,
                commits: vec![run.head_sha],
            }
        })
        .collect())
}

/// A deployment status's `state`. `inactive`: a later deployment replaced it, so the hotfix
/// is not what runs there.
fn deployment_status(state: &str) -> Status {
    match state {
        "success" => Status::Succeeded,
        "failure" | "error" | "inactive" => Status::Failed,
        _ => Status::InProgress, // pending, queued, in_progress
    }
}

/// A workflow run's status, or its conclusion once completed.
fn run_status(word: &str) -> Status {
    match word {
        "success" => Status::Succeeded,
        "failure" | "cancelled" | "timed_out" | "startup_failure" | "action_required" | "stale"
        | "skipped" | "neutral" => Status::Failed,
        _ => Status::InProgress, // queued, in_progress, waiting, requested, pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_of_deployments_and_runs() {
        assert_eq!(deployment_status("success"), Status::Succeeded);
        assert_eq!(deployment_status("inactive"), Status::Failed);
        assert_eq!(deployment_status("queued"), Status::InProgress);
        assert_eq!(run_status("timed_out"), Status::Failed);
        assert_eq!(run_status("in_progress"), Status::InProgress);
    }
}
