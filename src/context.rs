//! What every command and hook opens first: the repository, the team's configuration, and
//! main and development as the checks see them.

use crate::config::Config;
use crate::error::{Error, Result};
use crate::host::url::Project;
use crate::policy::Trunks;
use crate::policy::backmerge::Hotfix;
use crate::repo::Repo;
use crate::spawn::Git;
use gix::ObjectId;

/// The open repository and the team's configuration: what almost every command starts from.
pub struct Context {
    pub repo: Repo,
    pub config: Config,
}

impl Context {
    pub fn open() -> Result<Self> {
        let repo = Repo::discover()?;
        let config = repo.load_config()?;
        Ok(Self { repo, config })
    }

    /// main and development as the checks see them (remote-tracking first). main must exist.
    pub fn trunks(&self) -> Result<Trunks<'_, ObjectId>> {
        let remote = &self.config.remote;
        let find = |branch: &str| self.repo.trunk(&self.config, branch);
        self.trunks_found(find(&self.config.main)?, find(&self.config.development)?, || {
            Error::env(format!(
                "branch '{}' was found neither on {remote} nor locally",
                self.config.main
            ))
            .hint(format!(
                "fetch it (git fetch {remote}), or set the name in .githotfix.toml (key `main`)"
            ))
        })
    }

    /// Refuses a shallow clone, whose history stops short of what `command` reads: an answer
    /// from part of it would be wrong rather than partial. `in_ci` is the fix in the CI's own
    /// terms (`None`: the usual ones).
    pub fn require_whole_history(&self, command: &str, in_ci: Option<&str>) -> Result<()> {
        if !self.repo.is_shallow() {
            return Ok(());
        }
        let in_ci = in_ci.unwrap_or(
            "in CI: actions/checkout with `fetch-depth: 0`, or `GIT_DEPTH: 0` in GitLab",
        );
        Err(Error::env(format!("this clone is shallow: {command} needs the history it reads"))
            .hint(in_ci.to_owned())
            .hint("here: git fetch --unshallow"))
    }

    /// development as the checks see it, for a question that needs it (`why`, ending the
    /// message when it is missing: what cannot be told without it).
    pub fn development(&self, why: &str) -> Result<ObjectId> {
        let (development, remote) = (&self.config.development, &self.config.remote);
        self.repo.trunk(&self.config, development)?.ok_or_else(|| {
            Error::env(format!(
                "branch '{development}' was found neither on {remote} nor locally{why}"
            ))
            .hint(format!("fetch it: git fetch {remote} {development}"))
        })
    }

    /// main and development as a Git server sees them: its own branches (pre-receive). On a
    /// server without main yet, `creating_main` (the main a push creates) stands in for it.
    pub fn local_trunks(&self, creating_main: Option<ObjectId>) -> Result<Trunks<'_, ObjectId>> {
        let own = |branch: &str| self.repo.resolve_ref(&format!("refs/heads/{branch}"));
        let main = own(&self.config.main)?.or(creating_main);
        self.trunks_found(main, own(&self.config.development)?, || {
            Error::env(format!("this repository has no branch '{}'", self.config.main)).hint(
                format!(
                    "push '{}' first, or set the name with: git config hotfix.main <branch>",
                    self.config.main
                ),
            )
        })
    }

    fn trunks_found(
        &self,
        main: Option<ObjectId>,
        development: Option<ObjectId>,
        missing: impl FnOnce() -> Error,
    ) -> Result<Trunks<'_, ObjectId>> {
        Ok(Trunks {
            main: main.ok_or_else(missing)?,
            main_name: &self.config.main,
            development,
            development_name: &self.config.development,
        })
    }

    /// Every hotfix branch known here, local and remote-tracking, by short name
    /// (`hotfix/x`, `origin/hotfix/x`).
    pub fn hotfix_branches(&self) -> Result<Vec<Hotfix<ObjectId>>> {
        let prefix = self.config.prefix();
        let mut found = Vec::new();
        for namespace in ["refs/heads/".to_owned(), format!("refs/remotes/{}/", self.config.remote)]
        {
            let listing = if prefix.ends_with('/') {
                self.repo.refs_with_prefix(&format!("{namespace}{prefix}"))?
            } else {
                // A prefix like `hotfix-` is not a directory: list the namespace and filter.
                self.repo.refs_with_prefix(&namespace)?
            };
            for (name, tip) in listing {
                let short = name
                    .strip_prefix("refs/heads/")
                    .or_else(|| name.strip_prefix("refs/remotes/"))
                    .unwrap_or(&name);
                let branch =
                    short.strip_prefix(&format!("{}/", self.config.remote)).unwrap_or(short);
                if branch.starts_with(prefix) {
                    found.push(Hotfix { name: short.to_owned(), tip });
                }
            }
        }
        Ok(found)
    }

    /// The repository on a known code host behind the remote: from its URL as configured, else
    /// as Git rewrites it (`url.<base>.insteadOf` shorthands such as `gh:owner/repo`).
    pub fn project(&self) -> Option<Project> {
        let (remote, hosted) = (&self.config.remote, self.config.host);
        let url = self.repo.remote_url(remote)?;
        Project::from_url_on(&url, hosted).or_else(|| {
            let rewritten = Git::here().run(&["remote", "get-url", "--", remote]).ok()?;
            Project::from_url_on(rewritten.trim(), hosted)
        })
    }
}
