//! GitLab, through the user's own `glab`: REST calls only (`glab api`, the host named, the
//! project in the path), JSON parsed here. glab keeps the login; this module never sees a token.

use crate::error::{Error, Result};
use crate::host::url::encode;
use crate::host::{Failure, failure};
use crate::spawn::{self, Call};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::path::PathBuf;
use std::time::Duration;

/// One project on one GitLab host.
pub struct GitLab {
    glab: PathBuf,
    pub host: String,
    /// `group/subgroup/name`.
    pub project: String,
    limit: Duration,
}

#[derive(Debug, Deserialize)]
pub struct Project {
    /// `merge`, `rebase_merge` (semi-linear) or `ff`.
    pub merge_method: String,
    /// `never`, `always`, `default_on` or `default_off`.
    #[serde(default)]
    pub squash_option: Option<String>,
}

/// A merge request, with the fields `merge` checks.
#[derive(Debug, Deserialize)]
pub struct MergeRequest {
    pub iid: u64,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub work_in_progress: bool,
    /// The head commit.
    #[serde(default)]
    pub sha: Option<String>,
    #[serde(default)]
    pub web_url: String,
    /// `mergeable`, `conflict`, `not_approved`, `ci_must_pass`, `need_rebase`, `checking`, …
    #[serde(default)]
    pub detailed_merge_status: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Approvals {
    #[serde(default)]
    pub approved_by: Vec<Approval>,
}

#[derive(Debug, Deserialize)]
pub struct Approval {
    pub user: User,
}

#[derive(Debug, Deserialize)]
pub struct User {
    pub id: u64,
    pub username: String,
}

#[derive(Debug, Deserialize)]
struct Member {
    access_level: u32,
}

#[derive(Debug, Deserialize)]
pub struct ProtectedBranch {
    pub name: String,
    #[serde(default)]
    pub allow_force_push: bool,
}

impl GitLab {
    /// `project` on `host`, reached through `glab`; each call may take `limit`.
    pub fn new(host: &str, project: &str, limit: Duration) -> Result<Self> {
        let glab =
            spawn::find("glab", "install GitLab's command line tool, then: glab auth login")?;
        Ok(Self { glab, host: host.to_owned(), project: project.to_owned(), limit })
    }

    pub fn project(&self) -> Result<Project> {
        self.get(&format!("projects/{}", self.id()))
    }

    pub fn protected_branches(&self) -> Result<Vec<ProtectedBranch>> {
        self.get(&format!("projects/{}/protected_branches", self.id()))
    }

    /// The project's path as GitLab's API names it: URL-encoded, slashes included.
    pub fn id(&self) -> String {
        self.project.replace('%', "%25").replace('/', "%2F")
    }

    /// Open merge requests from `source` into `target`.
    pub fn open_merge_requests(&self, source: &str, target: &str) -> Result<Vec<MergeRequest>> {
        self.get(&format!(
            "projects/{}/merge_requests?state=opened&source_branch={}&target_branch={}",
            self.id(),
            encode(source),
            encode(target)
        ))
    }

    /// One merge request, with GitLab's word on whether it can be merged.
    pub fn merge_request(&self, iid: u64) -> Result<MergeRequest> {
        self.get(&format!("projects/{}/merge_requests/{iid}", self.id()))
    }

    pub fn approvals(&self, iid: u64) -> Result<Approvals> {
        self.get(&format!("projects/{}/merge_requests/{iid}/approvals", self.id()))
    }

    /// A member's access level on the project (30 developer, 40 maintainer, 50 owner), or
    /// `None` for someone who is not a member.
    pub fn access_level(&self, user_id: u64) -> Result<Option<u32>> {
        let path = format!("projects/{}/members/all/{user_id}", self.id());
        match self.call("GET", &path, None) {
            Ok(bytes) => parse::<Member>(&bytes, &path).map(|m| Some(m.access_level)),
            Err(f) if f.status == Some(404) => Ok(None),
            Err(f) => Err(self.error(f, &path)),
        }
    }

    /// Merges merge request `iid` without squashing, only if its head is still `sha`, and
    /// keeps the source branch. A refusal comes back as GitLab's [`Failure`].
    pub fn merge(&self, iid: u64, sha: &str) -> Result<Result<(), Failure>> {
        let body =
            serde_json::json!({"sha": sha, "squash": false, "should_remove_source_branch": false});
        let path = format!("projects/{}/merge_requests/{iid}/merge", self.id());
        match self.call("PUT", &path, Some(&body)) {
            Ok(_) => Ok(Ok(())),
            Err(f) if matches!(f.status, Some(405 | 406 | 409 | 422)) => Ok(Err(f)),
            Err(f) => Err(self.error(f, &path)),
        }
    }

    /// The call as it is made, for `--dry-run`.
    pub fn shown(&self, method: &str, path: &str) -> String {
        format!("glab api --hostname {} --method {method} {path}", self.host)
    }

    fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T> {
        let bytes = self.call("GET", path, None).map_err(|f| self.error(f, path))?;
        parse(&bytes, path)
    }

    fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<Vec<u8>, Failure> {
        let mut args = vec!["api", "--hostname", &self.host, "--method", method];
        if method == "GET" {
            args.push("--paginate");
        }
        if body.is_some() {
            args.extend(["--input", "-"]);
        }
        args.extend(["--", path]);
        let mut call = Call::new(&self.glab).args(&args).env("NO_PROMPT", "1").timeout(self.limit);
        if let Some(body) = body {
            call = call.input(body.to_string().into_bytes());
        }
        let out = call.run().map_err(|e| Failure { status: None, message: e.message })?;
        if out.status.success() {
            return Ok(out.stdout);
        }
        Err(failure("glab", out.status.code(), String::from_utf8_lossy(&out.stderr).trim()))
    }

    /// GitLab's refusal as the project's error, with what to do.
    fn error(&self, f: Failure, path: &str) -> Error {
        let host = &self.host;
        let hint = match f.status {
            Some(401) => format!("log in: glab auth login --hostname {host}"),
            Some(403) => format!(
                "your role on {} does not allow it, or glab's token lacks the api scope",
                self.project
            ),
            _ if f.message.contains("auth") => format!("log in: glab auth login --hostname {host}"),
            _ => format!("check glab: glab auth status --hostname {host}"),
        };
        Error::env(format!("GitLab ({host}) refused {path}: {}", f.message)).hint(hint)
    }
}

fn parse<T: DeserializeOwned>(bytes: &[u8], path: &str) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|e| {
        Error::env(format!("glab's answer for {path} is not what GitLab sends: {e}"))
            .hint("check glab and the host: glab auth status")
    })
}

/// Long run: `PROPTEST_CASES=100000 cargo test --release --bin git-hotfix host::gitlab::fuzz`.
#[cfg(test)]
mod fuzz {
    use super::*;
    use crate::fuzz::{bytes, config};
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(config(256))]

        #[test]
        fn any_answer_is_read_or_refused_in_words(out in bytes()) {
            for result in [
                parse::<Vec<MergeRequest>>(&out, "mrs").map(drop),
                parse::<MergeRequest>(&out, "mr").map(drop),
                parse::<Approvals>(&out, "approvals").map(drop),
                parse::<Project>(&out, "project").map(drop),
            ] {
                if let Err(e) = result {
                    prop_assert!(e.message.contains("is not what GitLab sends"), "{}", e.message);
                }
            }
        }
    }
}
