//! `git hotfix check`: the checklist items no repository can know (was it tested, is production
//! fine), marked by hand and kept in the repository's local Git config, next to what the
//! commands record about each hotfix.
//!
//! Layout: `hotfix-checklist.<branch>.<item>` (a subsection may hold `/` and `.`, so the branch
//! name is stored as is), plus `hotfix-checklist.<branch>.base` (the commit `start` cut it
//! from) and `hotfix-checklist.<branch>.tip` (its last known tip, so that its checklist still
//! works once the branch is deleted).

use crate::commands::{Context, status};
use crate::config::GitConfig;
use crate::error::{Error, Result};
use crate::git_cli::Git;
use crate::output::{self, Paint};
use crate::repo::Repo;
use gix::ObjectId;

const SECTION: &str = "hotfix-checklist";

/// Mark (or with --undo unmark) a manual item of a hotfix's checklist
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The checklist item
    #[arg(value_enum)]
    pub item: ManualItem,
    /// The hotfix branch (default: the current branch)
    pub branch: Option<String>,
    /// Unmark the item
    #[arg(long)]
    pub undo: bool,
}

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

pub fn run(args: &CheckArgs) -> Result<()> {
    let ctx = Context::open()?;
    let branch = status::target(&ctx, args.branch.as_deref())?;
    let found = status::locate(&ctx, &branch)?;
    if let Some(tip) = found.refs.tip() {
        record_tip(&branch, tip)?;
    }
    let item = args.item.id();
    if args.undo {
        let out = Git::here().output(&["config", "--local", "--unset", &key(&branch, item)])?;
        // `git config --unset` exits 5 when the key was not set: already the wanted state.
        match out.status.code() {
            Some(0) => output::say(format!(
                "{} {item} unmarked for {branch}",
                output::paint_out(Paint::Yellow, "✗")
            )),
            Some(5) => output::note(format!("{item} was not marked for {branch}")),
            _ => {
                return Err(Error::env(format!(
                    "could not unmark {item}: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                )));
            }
        }
    } else {
        write(&branch, item, "true")?;
        output::say(format!("{} {item} marked for {branch}", output::paint_out(Paint::Green, "✓")));
    }
    output::note(format!("see the whole checklist: git hotfix status {branch}"));
    Ok(())
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
