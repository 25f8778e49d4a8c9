//! AWS CodePipeline, through the user's own `aws` CLI (v1 or v2):
//! `aws codepipeline list-pipeline-executions`, JSON out. The CLI keeps the credentials,
//! profiles, SSO and endpoints; this module only reads what it prints. The one permission it
//! needs is `codepipeline:ListPipelineExecutions`.

use super::{Candidate, Status, epoch};
use crate::error::{Error, Result};
use crate::spawn::{self, Call};
use serde::Deserialize;
use serde_json::Value;
use std::path::PathBuf;
use std::time::Duration;

/// How many recent executions are read: the newest that contains a merge is among them unless
/// that many ran since, all without it.
const RECENT: &str = "50";

/// The pipelines of one account and region.
pub struct CodePipeline {
    aws: PathBuf,
    region: Option<String>,
    profile: Option<String>,
    limit: Duration,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Listing {
    pipeline_execution_summaries: Vec<Summary>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Summary {
    pipeline_execution_id: String,
    status: String,
    #[serde(default)]
    start_time: Value,
    #[serde(default)]
    source_revisions: Vec<Revision>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Revision {
    #[serde(default)]
    revision_id: Option<String>,
}

impl CodePipeline {
    /// `region` and `profile` as configured (`None`: the CLI's own defaults); each call may
    /// take `limit`.
    pub fn new(region: Option<String>, profile: Option<String>, limit: Duration) -> Result<Self> {
        let aws = spawn::find(
            "aws",
            "install the AWS CLI (pip install awscli, or AWS's installer), then configure credentials: aws configure",
        )?;
        Ok(Self { aws, region, profile, limit })
    }

    /// The recent executions of `pipeline`, newest first.
    pub fn executions(&self, pipeline: &str) -> Result<Vec<Candidate>> {
        let mut args = vec![
            "codepipeline",
            "list-pipeline-executions",
            "--pipeline-name",
            pipeline,
            "--max-items",
            RECENT,
            "--output",
            "json",
        ];
        if let Some(region) = &self.region {
            args.extend(["--region", region]);
        }
        if let Some(profile) = &self.profile {
            args.extend(["--profile", profile]);
        }
        // v2 pages its output through `less` unless told not to; v1 ignores this.
        let out = Call::new(&self.aws)
            .args(&args)
            .env("AWS_PAGER", "")
            .timeout(self.limit)
            .run()
            .map_err(|e| {
            e.hint("the AWS CLI did not answer: check the network and `aws configure list`")
        })?;
        let stderr = String::from_utf8_lossy(&out.stderr).trim().to_owned();
        if !out.status.success() {
            return Err(self.failure(pipeline, &stderr));
        }
        Ok(parse(&out.stdout, pipeline)?
            .into_iter()
            .map(|s| Candidate {
                link: Some(self.link(pipeline, &s.pipeline_execution_id)),
                id: s.pipeline_execution_id,
                status: status(&s.status),
                word: s.status,
                started: epoch(&s.start_time),
                commits: s.source_revisions.into_iter().filter_map(|r| r.revision_id).collect(),
            })
            .collect())
    }

    /// The execution's page in the AWS console.
    fn link(&self, pipeline: &str, id: &str) -> String {
        let region = self
            .region
            .clone()
            .or_else(|| std::env::var("AWS_REGION").ok())
            .or_else(|| std::env::var("AWS_DEFAULT_REGION").ok())
            .filter(|r| r.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
        let (host, query) = match &region {
            Some(r) => (format!("{r}.console.aws.amazon.com"), format!("?region={r}")),
            None => ("console.aws.amazon.com".to_owned(), String::new()),
        };
        format!(
            "https://{host}/codesuite/codepipeline/pipelines/{pipeline}/executions/{id}/timeline{query}"
        )
    }

    /// What the CLI said, in plain words with the fix.
    fn failure(&self, pipeline: &str, stderr: &str) -> Error {
        let reading = format!("reading the executions of pipeline '{pipeline}'");
        let (kind, message) = aws_error(stderr);
        let profile = self.profile.as_deref().map_or(String::new(), |p| format!(" --profile {p}"));
        match kind.as_deref() {
            Some("PipelineNotFoundException") => Error::env(format!(
                "there is no pipeline '{pipeline}' in this account and region: {message}"
            ))
            .hint("check the name in [deploy.*] codepipeline, and region/profile: aws codepipeline list-pipelines".to_owned() + &profile),
            Some("ExpiredTokenException" | "ExpiredToken" | "RequestExpired") => {
                Error::env(format!("the AWS credentials have expired ({reading}): {message}"))
                    .hint(format!("renew them (for SSO: aws sso login{profile}), then run it again"))
            }
            Some("AccessDeniedException" | "AccessDenied") => Error::env(format!(
                "AWS denied {reading}: {message}"
            ))
            .hint("the identity needs the IAM permission codepipeline:ListPipelineExecutions on the pipeline"),
            Some("UnrecognizedClientException" | "InvalidSignatureException") => Error::env(format!(
                "AWS does not accept these credentials ({reading}): {message}"
            ))
            .hint(format!("check which identity is used: aws sts get-caller-identity{profile}")),
            Some("ThrottlingException") => Error::env(format!(
                "AWS throttled {reading}: {message}"
            ))
            .hint("wait a little and run it again (a longer poll_seconds asks less often)"),
            Some(other) => Error::env(format!("AWS refused {reading} ({other}): {message}")),
            None if stderr.contains("Unable to locate credentials") => {
                Error::env(format!("the AWS CLI has no credentials ({reading})"))
                    .hint("configure them (aws configure, or aws sso login), or set profile in [deploy.*]")
            }
            None if stderr.contains("You must specify a region") => {
                Error::env(format!("the AWS CLI has no region ({reading})"))
                    .hint("set region in [deploy.*] of .githotfix.toml, or AWS_REGION")
            }
            None if stderr.contains("could not be found") && stderr.contains("profile") => {
                Error::env(format!("the AWS CLI does not know this profile: {message}"))
                    .hint("list the profiles: aws configure list-profiles")
            }
            None if stderr.contains("Could not connect") || stderr.contains("Connection") => {
                Error::env(format!("the AWS CLI could not reach AWS ({reading}): {message}"))
                    .hint("check the network (and AWS_ENDPOINT_URL, if set), then run it again")
            }
            None => Error::env(format!("the AWS CLI failed {reading}: {message}")),
        }
    }
}

/// The executions in what `aws … --output json` printed.
fn parse(stdout: &[u8], pipeline: &str) -> Result<Vec<Summary>> {
    let listing: Listing = serde_json::from_slice(stdout).map_err(|e| {
        let what = if stdout.iter().all(u8::is_ascii_whitespace) {
            "nothing".to_owned()
        } else {
            format!("something else ({e})")
        };
        Error::env(format!(
            "aws printed {what} where the executions of pipeline '{pipeline}' were expected"
        ))
        .hint("check the CLI and its endpoint: aws codepipeline list-pipelines")
    })?;
    Ok(listing.pipeline_execution_summaries)
}

/// CodePipeline's execution states.
fn status(word: &str) -> Status {
    match word {
        "Succeeded" => Status::Succeeded,
        "Failed" | "Stopped" | "Superseded" | "Cancelled" => Status::Failed,
        _ => Status::InProgress, // InProgress, Stopping, and any state added later
    }
}

/// `(error type, message)` of the CLI's
/// `An error occurred (Type) when calling the Operation operation: message`; the type is
/// `None` for any other text, which then is the message.
fn aws_error(stderr: &str) -> (Option<String>, String) {
    let line = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim();
    if let Some(rest) = line.split("An error occurred (").nth(1)
        && let Some((kind, rest)) = rest.split_once(')')
    {
        let message = rest.split_once(": ").map_or(rest, |(_, m)| m).trim();
        return (Some(kind.to_owned()), message.to_owned());
    }
    let message = if line.is_empty() { "the aws CLI failed without a message" } else { line };
    (None, message.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_cli_errors() {
        let (kind, message) = aws_error(
            "\nAn error occurred (PipelineNotFoundException) when calling the ListPipelineExecutions operation: Account '1' does not have a pipeline with name 'x'\n",
        );
        assert_eq!(kind.as_deref(), Some("PipelineNotFoundException"));
        assert_eq!(message, "Account '1' does not have a pipeline with name 'x'");
        let (kind, message) = aws_error(
            "Unable to locate credentials. You can configure credentials by running \"aws configure\".",
        );
        assert_eq!(kind, None);
        assert!(message.starts_with("Unable to locate credentials"));
    }

    #[test]
    fn execution_states() {
        assert_eq!(status("Succeeded"), Status::Succeeded);
        assert_eq!(status("Superseded"), Status::Failed);
        assert_eq!(status("Stopping"), Status::InProgress);
    }
}

/// Long run: `PROPTEST_CASES=100000 cargo test --release --bin git-hotfix deploy::codepipeline::fuzz`.
#[cfg(test)]
mod fuzz {
    use super::*;
    use crate::fuzz::{bytes, config, text};
    use proptest::prelude::*;

    /// JSON shaped like the CLI's output, with every field possibly missing or of a wrong type.
    fn listing() -> impl Strategy<Value = String> {
        let value = prop_oneof![
            text().prop_map(|t| serde_json::Value::String(t).to_string()),
            any::<f64>().prop_map(|f| serde_json::json!(f).to_string()),
            Just("null".to_owned()),
            Just("[]".to_owned()),
            Just("{}".to_owned()),
            "[0-9a-f]{40}".prop_map(|h| format!("{h:?}")),
        ];
        let key = prop::sample::select(vec![
            "pipelineExecutionId",
            "status",
            "startTime",
            "sourceRevisions",
            "revisionId",
            "x",
        ]);
        let summary = prop::collection::vec((key, value.clone()), 0..6).prop_map(|fields| {
            let inner: Vec<String> = fields.iter().map(|(k, v)| format!("{k:?}: {v}")).collect();
            let revisions = format!(
                "[{{\"revisionId\": {}}}]",
                fields.first().map_or("null", |f| f.1.as_str())
            );
            format!("{{{}, \"sourceRevisions\": {revisions}}}", inner.join(", "))
        });
        (prop::collection::vec(summary, 0..4), any::<bool>()).prop_map(|(all, token)| {
            let next = if token { ", \"NextToken\": \"abc\"" } else { "" };
            format!("{{\"pipelineExecutionSummaries\": [{}]{next}}}", all.join(", "))
        })
    }

    proptest! {
        #![proptest_config(config(256))]

        #[test]
        fn any_output_parses_or_fails_naming_the_pipeline(out in prop_oneof![bytes(), listing().prop_map(String::into_bytes)]) {
            if let Err(e) = parse(&out, "prod") {
                prop_assert!(e.message.contains("pipeline 'prod'"), "{}", e.message);
            }
        }

        #[test]
        fn any_error_text_is_read_without_panicking(stderr in text()) {
            let (_, message) = aws_error(&stderr);
            prop_assert!(!message.is_empty());
        }
    }
}
