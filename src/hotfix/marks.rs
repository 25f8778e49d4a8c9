//! The checklist items no repository can know (was it tested, is production fine), marked by
//! hand, and what the commands record about each hotfix, kept in the repository's local Git
//! config.
//!
//! Layout: `hotfix-checklist.<branch>.<item>` (a subsection may hold `/` and `.`, so the branch
//! name is stored as is), plus `hotfix-checklist.<branch>.base` (the commit `start` cut it
//! from) and `hotfix-checklist.<branch>.tip` (its last known tip, so that its checklist still
//! works once the branch is deleted).

use crate::config::GitConfig;
use crate::error::{Error, Result};
use crate::repo::Repo;
use crate::spawn::Git;
use gix::ObjectId;

const SECTION: &str = "hotfix-checklist";

/// The checklist items people tick by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ManualItem {
    /// The issue was confirmed in production
    ConfirmedInProduction,
    /// The fix was tested locally
    TestedLocally,
    /// The production deployment was monitored
    DeploymentMonitored,
    /// The fix was verified in production
    VerifiedInProduction,
    /// A post-mortem is scheduled (if needed)
    PostMortem,
}

impl ManualItem {
    /// The name on the command line, in JSON and in Git config.
    pub fn id(self) -> &'static str {
        match self {
            Self::ConfirmedInProduction => "confirmed-in-production",
            Self::TestedLocally => "tested-locally",
            Self::DeploymentMonitored => "deployment-monitored",
            Self::VerifiedInProduction => "verified-in-production",
            Self::PostMortem => "post-mortem",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Self::ConfirmedInProduction => "Issue confirmed in production",
            Self::TestedLocally => "Tested locally",
            Self::DeploymentMonitored => "Production deployment monitored",
            Self::VerifiedInProduction => "Fix verified in production",
            Self::PostMortem => "Post-mortem scheduled (if needed)",
        }
    }
}

/// Marks `item` done for `branch`.
pub fn mark(branch: &str, item: ManualItem) -> Result<()> {
    write(branch, item.id(), "true")
}

/// Unmarks `item` for `branch`; false when it was not marked.
pub fn unmark(branch: &str, item: ManualItem) -> Result<bool> {
    let out = Git::here().output(&["config", "--local", "--unset", &key(branch, item.id())])?;
    // `git config --unset` exits 5 when the key was not set: already the wanted state.
    match out.status.code() {
        Some(0) => Ok(true),
        Some(5) => Ok(false),
        _ => Err(Error::env(format!(
            "could not unmark {}: {}",
            item.id(),
            String::from_utf8_lossy(&out.stderr).trim()
        ))),
    }
}

/// Whether `item` is marked for `branch`.
pub fn is_marked(repo: &Repo, branch: &str, item: ManualItem) -> bool {
    repo.config_string(&key(branch, item.id())).is_some_and(|v| {
        matches!(v.trim().to_ascii_lowercase().as_str(), "true" | "yes" | "on" | "1")
    })
}

/// A commit recorded for `branch` under `name` (`base`, `tip`), if it is still in the
/// repository.
pub fn recorded_commit(repo: &Repo, branch: &str, name: &str) -> Option<ObjectId> {
    let hex = repo.config_string(&key(branch, name))?;
    repo.parse_id(hex.trim()).filter(|&id| repo.has_object(id))
}

/// Remembers the tip of `branch` so that `status` still finds the hotfix after the branch is
/// deleted (`cleanup` calls this before deleting).
pub fn record_tip(branch: &str, tip: ObjectId) -> Result<()> {
    write(branch, "tip", &tip.to_string())
}

/// A new hotfix called `branch` starts at `base`: drop whatever an earlier branch of the same
/// name left behind (its ticks belong to another incident) and record where this one starts.
pub fn record_start(branch: &str, base: ObjectId) -> Result<()> {
    let section = format!("{SECTION}.{branch}");
    // Fails when there is no such section, which is the usual case.
    Git::here().succeeds(&["config", "--local", "--remove-section", &section])?;
    write(branch, "base", &base.to_string())
}

fn key(branch: &str, name: &str) -> String {
    format!("{SECTION}.{branch}.{name}")
}

fn write(branch: &str, name: &str, value: &str) -> Result<()> {
    Git::here().run(&["config", "--local", &key(branch, name), value]).map(drop)
}
