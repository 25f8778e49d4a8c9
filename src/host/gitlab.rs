//! GitLab, through the user's own `glab`: REST calls only (`glab api`, the host named, the
//! project in the path), JSON parsed here. glab keeps the login; this module never sees a token.

use crate::error::{Error, Result};
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

    fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T> {
        let out = Call::new(&self.glab)
            .args(&["api", "--hostname", &self.host, "--paginate", "--", path])
            .env("NO_PROMPT", "1")
            .timeout(self.limit)
            .run()?;
        if !out.status.success() {
            let said = String::from_utf8_lossy(&out.stderr).trim().replace('\n', " ");
            let hint = if said.contains("401") || said.contains("auth") {
                format!("log in: glab auth login --hostname {}", self.host)
            } else {
                format!("check glab: glab auth status --hostname {}", self.host)
            };
            return Err(Error::env(format!(
                "GitLab ({}) refused reading {path}: {said}",
                self.host
            ))
            .hint(hint));
        }
        serde_json::from_slice(&out.stdout).map_err(|e| {
            Error::env(format!("glab's answer for {path} is not what GitLab sends: {e}"))
                .hint(format!("check glab: glab auth status --hostname {}", self.host))
        })
    }
}
