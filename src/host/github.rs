//! GitHub, through the user's own `gh`: REST calls only (`gh api`, the host named, the
//! repository in the path), JSON parsed here. gh keeps the login, the enterprise host and
//! single sign-on; this module never sees a token.

use crate::error::{Error, Result};
use crate::host::url::encode;
use crate::host::{Failure, failure};
use crate::spawn::{self, Call};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::path::PathBuf;
use std::time::Duration;

/// One repository on one GitHub host.
pub struct GitHub {
    gh: PathBuf,
    /// `github.com`, or the enterprise host.
    pub host: String,
    /// `owner/name`.
    pub repo: String,
    limit: Duration,
}

#[derive(Debug, Deserialize)]
pub struct Repository {
    #[serde(default = "yes")]
    pub allow_merge_commit: bool,
    #[serde(default = "yes")]
    pub allow_squash_merge: bool,
    #[serde(default = "yes")]
    pub allow_rebase_merge: bool,
    #[serde(default)]
    pub delete_branch_on_merge: bool,
}

fn yes() -> bool {
    true
}

/// Classic branch protection: only the settings the process cares about.
#[derive(Debug, Default, Deserialize)]
pub struct Protection {
    #[serde(default)]
    pub required_linear_history: Enabled,
    #[serde(default)]
    pub allow_force_pushes: Enabled,
    #[serde(default)]
    pub allow_deletions: Enabled,
}

#[derive(Debug, Default, Deserialize)]
pub struct Enabled {
    #[serde(default)]
    pub enabled: bool,
}

/// A rule in force on a branch, from any ruleset (the repository's or the organisation's).
#[derive(Debug, Deserialize)]
pub struct Rule {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub parameters: Value,
}

impl Rule {
    /// The merge methods a `pull_request` rule allows (`None`: it does not restrict them).
    pub fn allowed_merge_methods(&self) -> Option<Vec<String>> {
        let methods = self.parameters.get("allowed_merge_methods")?.as_array()?;
        Some(methods.iter().filter_map(|m| m.as_str().map(str::to_owned)).collect())
    }
}

#[derive(Debug, Deserialize)]
pub struct RulesetSummary {
    pub id: u64,
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Pull {
    pub number: u64,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub html_url: String,
    pub head: PullRef,
    pub base: PullRef,
    /// `None` while GitHub is still computing it.
    #[serde(default)]
    pub mergeable: Option<bool>,
    #[serde(default)]
    pub mergeable_state: Option<String>,
    /// `open` or `closed`.
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub merged_at: Option<String>,
    #[serde(default)]
    pub requested_reviewers: Vec<Login>,
    #[serde(default)]
    pub requested_teams: Vec<Team>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Team {
    pub slug: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PullRef {
    #[serde(rename = "ref")]
    pub name: String,
    pub sha: String,
}

#[derive(Debug, Deserialize)]
pub struct Review {
    pub user: Option<Login>,
    pub state: String,
    #[serde(default)]
    pub commit_id: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Login {
    pub login: String,
}

#[derive(Debug, Deserialize)]
struct Permission {
    permission: String,
    #[serde(default)]
    role_name: Option<String>,
}

/// A GitHub deployment: what was deployed where.
#[derive(Debug, Deserialize)]
pub struct Deployment {
    pub id: u64,
    pub sha: String,
    #[serde(default)]
    pub created_at: Option<String>,
}

/// The latest word on a deployment (`queued`, `in_progress`, `success`, `failure`, …).
#[derive(Debug, Deserialize)]
pub struct DeploymentStatus {
    pub state: String,
    #[serde(default)]
    pub log_url: Option<String>,
    #[serde(default)]
    pub target_url: Option<String>,
}

/// A run of a GitHub Actions workflow.
#[derive(Debug, Deserialize)]
pub struct WorkflowRun {
    pub id: u64,
    pub head_sha: String,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub conclusion: Option<String>,
    #[serde(default)]
    pub run_started_at: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub html_url: Option<String>,
}

#[derive(Debug, Deserialize)]
struct WorkflowRuns {
    workflow_runs: Vec<WorkflowRun>,
}

#[derive(Debug, Deserialize)]
pub struct Merged {
    #[serde(default)]
    pub merged: bool,
}

impl GitHub {
    /// The repository `owner/name` on `host`, reached through `gh`; each call may take `limit`.
    pub fn new(host: &str, repo: &str, limit: Duration) -> Result<Self> {
        let gh = spawn::find(
            "gh",
            "install GitHub's command line tool (Debian: apt install gh), then: gh auth login",
        )?;
        Ok(Self { gh, host: host.to_owned(), repo: repo.to_owned(), limit })
    }

    /// The repository's merge settings.
    pub fn repository(&self) -> Result<Repository> {
        self.get(&format!("repos/{}", self.repo))
    }

    /// Classic protection of `branch`; `None` when it has none.
    pub fn protection(&self, branch: &str) -> Result<Option<Protection>> {
        match self.call("GET", &format!("repos/{}/branches/{branch}/protection", self.repo), None) {
            Ok(bytes) => parse(&bytes, "branch protection").map(Some),
            Err(f) if f.status == Some(404) => Ok(None),
            Err(f) => Err(self.error(f, "reading the protection of", branch)),
        }
    }

    /// Every rule in force on `branch`, from every ruleset that applies to it.
    pub fn rules(&self, branch: &str) -> Result<Vec<Rule>> {
        self.list(&format!("repos/{}/rules/branches/{branch}", self.repo))
    }

    pub fn rulesets(&self) -> Result<Vec<RulesetSummary>> {
        self.list(&format!("repos/{}/rulesets", self.repo))
    }

    /// A ruleset as GitHub holds it, every field kept (an update sends it back).
    pub fn ruleset(&self, id: u64) -> Result<Value> {
        self.get(&format!("repos/{}/rulesets/{id}", self.repo))
    }

    /// `POST` (create) or `PUT` (update) of a ruleset, exactly as `shown` describes it.
    pub fn save_ruleset(&self, id: Option<u64>, body: &Value) -> Result<Value> {
        let (method, path) = match id {
            Some(id) => ("PUT", format!("repos/{}/rulesets/{id}", self.repo)),
            None => ("POST", format!("repos/{}/rulesets", self.repo)),
        };
        self.send(method, &path, body)
    }

    /// Open pull requests from `head` (a branch of this repository) into `base`.
    pub fn open_pulls(&self, head: &str, base: &str) -> Result<Vec<Pull>> {
        let owner = self.repo.split('/').next().unwrap_or_default();
        let path = format!(
            "repos/{}/pulls?state=open&head={}&base={}",
            self.repo,
            encode(&format!("{owner}:{head}")),
            encode(base)
        );
        self.list(&path)
    }

    /// Every pull request from `head` (a branch of this repository), open or closed, newest first.
    pub fn pulls_from(&self, head: &str) -> Result<Vec<Pull>> {
        let owner = self.repo.split('/').next().unwrap_or_default();
        let head = encode(&format!("{owner}:{head}"));
        self.list(&format!("repos/{}/pulls?state=all&head={head}", self.repo))
    }

    /// One pull request, with its mergeability.
    pub fn pull(&self, number: u64) -> Result<Pull> {
        self.get(&format!("repos/{}/pulls/{number}", self.repo))
    }

    pub fn create_pull(&self, head: &str, base: &str, title: &str, body: &str) -> Result<Pull> {
        let request = serde_json::json!({"title": title, "head": head, "base": base, "body": body});
        self.send("POST", &format!("repos/{}/pulls", self.repo), &request)
    }

    /// Asks `users` and `teams` (team slugs, without the organisation) for a review.
    pub fn request_reviewers(&self, number: u64, users: &[&str], teams: &[&str]) -> Result<()> {
        let request = serde_json::json!({"reviewers": users, "team_reviewers": teams});
        let path = format!("repos/{}/pulls/{number}/requested_reviewers", self.repo);
        self.send::<Value>("POST", &path, &request).map(drop)
    }

    pub fn reviews(&self, number: u64) -> Result<Vec<Review>> {
        self.list(&format!("repos/{}/pulls/{number}/reviews", self.repo))
    }

    /// `user`'s role on the repository (`admin`, `maintain`, `write`, `triage`, `read`), or
    /// `None` when they are not a collaborator.
    pub fn role(&self, user: &str) -> Result<Option<String>> {
        let path = format!("repos/{}/collaborators/{user}/permission", self.repo);
        match self.call("GET", &path, None) {
            Ok(bytes) => {
                let found: Permission = parse(&bytes, "a permission")?;
                Ok(Some(found.role_name.unwrap_or(found.permission)))
            }
            Err(f) if f.status == Some(404) => Ok(None),
            Err(f) => Err(self.error(f, "reading the permission of", user)),
        }
    }

    /// Merges pull request `number` with a merge commit, only if its head is still `sha`.
    /// A refusal comes back as the host's [`Failure`], for the caller to explain.
    pub fn merge(&self, number: u64, sha: &str) -> Result<Result<Merged, Failure>> {
        let request = serde_json::json!({"merge_method": "merge", "sha": sha});
        let path = format!("repos/{}/pulls/{number}/merge", self.repo);
        match self.call("PUT", &path, Some(&request)) {
            Ok(bytes) => parse::<Merged>(&bytes, "the merge's answer").map(Ok),
            Err(f) if matches!(f.status, Some(405 | 409 | 422)) => Ok(Err(f)),
            Err(f) => Err(self.error(f, "merging pull request", &format!("#{number}"))),
        }
    }

    /// The recent deployments to `environment`, newest first (one page: the newest that
    /// matters is recent).
    pub fn deployments(&self, environment: &str) -> Result<Vec<Deployment>> {
        self.get(&format!(
            "repos/{}/deployments?environment={}&per_page=30",
            self.repo,
            encode(environment)
        ))
    }

    /// The newest status of deployment `id`; `None` before it has one.
    pub fn deployment_status(&self, id: u64) -> Result<Option<DeploymentStatus>> {
        let path = format!("repos/{}/deployments/{id}/statuses?per_page=1", self.repo);
        let statuses: Vec<DeploymentStatus> = self.get(&path)?;
        Ok(statuses.into_iter().next())
    }

    /// The recent runs of `workflow` (file name or id) on `branch`, newest first.
    pub fn workflow_runs(&self, workflow: &str, branch: &str) -> Result<Vec<WorkflowRun>> {
        let path = format!(
            "repos/{}/actions/workflows/{}/runs?branch={}&per_page=30",
            self.repo,
            encode(workflow),
            encode(branch)
        );
        self.get::<WorkflowRuns>(&path).map(|runs| runs.workflow_runs)
    }

    /// The call as it is made, for `--dry-run` and for `--fix` to show before it asks.
    pub fn shown(&self, method: &str, path: &str) -> String {
        format!("gh api --hostname {} --method {method} {path}", self.host)
    }

    fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T> {
        let bytes = self.call("GET", path, None).map_err(|f| self.error(f, "reading", path))?;
        parse(&bytes, path)
    }

    /// Every page of a list: gh prints the pages' arrays one after another.
    fn list<T: DeserializeOwned>(&self, path: &str) -> Result<Vec<T>> {
        let bytes = self.paged(path).map_err(|f| self.error(f, "reading", path))?;
        pages(&bytes, path)
    }

    fn send<T: DeserializeOwned>(&self, method: &str, path: &str, body: &Value) -> Result<T> {
        let bytes = self.call(method, path, Some(body)).map_err(|f| self.error(f, method, path))?;
        parse(&bytes, path)
    }

    fn paged(&self, path: &str) -> Result<Vec<u8>, Failure> {
        self.run(&["api", "--hostname", &self.host, "--paginate", "--", path], None)
    }

    fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Vec<u8>, Failure> {
        let mut args = vec!["api", "--hostname", &self.host, "--method", method];
        if body.is_some() {
            args.extend(["--input", "-"]);
        }
        args.extend(["--", path]);
        self.run(&args, body.map(|b| b.to_string().into_bytes()))
    }

    fn run(&self, args: &[&str], input: Option<Vec<u8>>) -> Result<Vec<u8>, Failure> {
        let mut call = Call::new(&self.gh)
            .args(args)
            .env("GH_PROMPT_DISABLED", "1")
            .env("GH_NO_UPDATE_NOTIFIER", "1")
            .timeout(self.limit);
        if let Some(input) = input {
            call = call.input(input);
        }
        let out = call.run().map_err(|e| Failure { status: None, message: e.message })?;
        if out.status.success() {
            return Ok(out.stdout);
        }
        let stderr = String::from_utf8_lossy(&out.stderr).trim().to_owned();
        Err(failure("gh", out.status.code(), &stderr))
    }

    /// The host's failure as the project's error: what was being done, what GitHub said, and
    /// what to do about it.
    fn error(&self, f: Failure, doing: &str, what: &str) -> Error {
        let host = &self.host;
        let said = format!("GitHub ({host}) refused {doing} {what}: {}", f.message);
        let login = format!("log in: gh auth login --hostname {host}");
        match f.status {
            Some(401) | None if f.message.contains("gh auth login") => {
                Error::env(format!("gh is not logged in to {host}")).hint(login)
            }
            Some(401) => Error::env(said).hint(login),
            Some(403 | 429) if f.message.to_ascii_lowercase().contains("rate limit") => {
                Error::env(format!("GitHub's rate limit stopped {doing} {what}: {}", f.message))
                    .hint("wait until the limit resets (gh api rate_limit shows when), then run it again")
            }
            Some(403) => Error::env(said).hint(format!(
                "your role on {} does not allow it, or gh's token lacks a scope: gh auth refresh --hostname {host} --scopes repo",
                self.repo
            )),
            Some(404) => Error::env(said).hint(format!(
                "check that {} exists on {host} and that you can see it (gh auth status --hostname {host})",
                self.repo
            )),
            Some(status) if status >= 500 => Error::env(said)
                .hint("GitHub had a problem; nothing was changed by this call: try again later"),
            _ => Error::env(format!("gh failed while {doing} {what}: {}", f.message))
                .hint(format!("check gh: gh auth status --hostname {host}")),
        }
    }
}

/// Each reviewer's last word (`APPROVED`, `CHANGES_REQUESTED`, `DISMISSED`) on commit `head`,
/// in the order they last spoke; comments are not a verdict.
pub fn verdicts<'a>(reviews: &'a [Review], head: &str) -> Vec<(&'a str, &'a str)> {
    let mut latest: Vec<(&str, &str)> = Vec::new();
    for review in reviews.iter().filter(|r| r.commit_id.as_deref() == Some(head)) {
        let Some(user) = &review.user else { continue };
        if review.state == "COMMENTED" || review.state == "PENDING" {
            continue;
        }
        latest.retain(|(u, _)| *u != user.login);
        latest.push((&user.login, &review.state));
    }
    latest
}

/// Every item of `gh api --paginate`'s output: the pages' arrays, one after another.
fn pages<T: DeserializeOwned>(bytes: &[u8], path: &str) -> Result<Vec<T>> {
    let mut all = Vec::new();
    for page in serde_json::Deserializer::from_slice(bytes).into_iter::<Vec<T>>() {
        all.extend(page.map_err(|e| garbled(path, &e))?);
    }
    Ok(all)
}

fn parse<T: DeserializeOwned>(bytes: &[u8], what: &str) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|e| garbled(what, &e))
}

fn garbled(what: &str, e: &serde_json::Error) -> Error {
    Error::env(format!("gh's answer for {what} is not what GitHub sends: {e}"))
        .hint("check gh and the host: gh api --hostname <host> rate_limit")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_gh_failures() {
        let f = failure("gh", Some(1), "gh: Branch not protected (HTTP 404)\n");
        assert_eq!((f.status, f.message.as_str()), (Some(404), "Branch not protected"));
        let f = failure(
            "gh",
            Some(1),
            "gh: Head branch was modified. Review and try the merge again. (HTTP 409)",
        );
        assert_eq!(f.status, Some(409));
        let f = failure("gh", Some(1), "invalid character '<' looking for beginning of value");
        assert_eq!(f.status, None);
        assert!(f.message.contains("invalid character"));
        assert_eq!(failure("gh", Some(4), "").message, "gh exited with status 4");
    }

    #[test]
    fn merge_methods_of_a_rule() {
        let rule: Rule = serde_json::from_str(
            r#"{"type":"pull_request","parameters":{"allowed_merge_methods":["merge"]}}"#,
        )
        .unwrap();
        assert_eq!(rule.allowed_merge_methods(), Some(vec!["merge".to_owned()]));
        let rule: Rule = serde_json::from_str(r#"{"type":"deletion"}"#).unwrap();
        assert_eq!(rule.allowed_merge_methods(), None);
    }
}

/// Long run: `PROPTEST_CASES=100000 cargo test --release --bin git-hotfix host::github::fuzz`.
#[cfg(test)]
mod fuzz {
    use super::*;
    use crate::fuzz::{bytes, config, text};
    use proptest::prelude::*;

    /// JSON shaped like GitHub's answers, fields of any type, pages glued together.
    fn answers() -> impl Strategy<Value = Vec<u8>> {
        let value = prop_oneof![
            text().prop_map(|t| serde_json::Value::String(t).to_string()),
            any::<i64>().prop_map(|n| n.to_string()),
            Just("null".to_owned()),
            Just("true".to_owned()),
            Just("{\"ref\": \"main\", \"sha\": \"abc\"}".to_owned()),
            Just("[{\"login\": \"bob\"}]".to_owned()),
        ];
        let key = prop::sample::select(vec![
            "number",
            "draft",
            "head",
            "base",
            "state",
            "sha",
            "id",
            "user",
            "commit_id",
            "workflow_runs",
            "status",
            "conclusion",
            "head_sha",
            "created_at",
            "requested_teams",
        ]);
        let object = prop::collection::vec((key, value), 0..8).prop_map(|fields| {
            let inner: Vec<String> = fields.iter().map(|(k, v)| format!("{k:?}: {v}")).collect();
            format!("{{{}}}", inner.join(", "))
        });
        (prop::collection::vec(prop::collection::vec(object, 0..3), 0..3), any::<bool>()).prop_map(
            |(pages, cut)| {
                let text: String = pages.iter().map(|p| format!("[{}]", p.join(","))).collect();
                let mut out = text.into_bytes();
                if cut {
                    out.truncate(out.len() / 2); // a page cut short, maybe inside a character
                }
                out
            },
        )
    }

    proptest! {
        #![proptest_config(config(256))]

        #[test]
        fn any_answer_is_read_or_refused_in_words(out in prop_oneof![bytes(), answers()]) {
            for result in [
                pages::<Pull>(&out, "pulls").map(drop),
                pages::<Review>(&out, "reviews").map(drop),
                pages::<Deployment>(&out, "deployments").map(drop),
                parse::<Pull>(&out, "pull").map(drop),
                parse::<WorkflowRuns>(&out, "runs").map(drop),
                parse::<Repository>(&out, "repo").map(drop),
            ] {
                if let Err(e) = result {
                    prop_assert!(e.message.contains("is not what GitHub sends"), "{}", e.message);
                }
            }
        }

        #[test]
        fn any_error_text_is_read(stderr in text(), code in any::<Option<i32>>()) {
            let f = crate::host::failure("gh", code, &stderr);
            prop_assert!(!f.message.is_empty() || stderr.trim().is_empty() || stderr.contains("(HTTP "));
        }
    }
}
