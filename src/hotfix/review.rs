//! Where the review of a hotfix's pull requests stands on GitHub: who approved its current
//! head, who asked for changes, whose review is still requested. `status` shows it; `merge`
//! applies the same reading of the reviews ([`verdicts`]) before it merges.

use crate::context::Context;
use crate::error::Result;
use crate::host::github::{GitHub, verdicts};
use crate::host::url::Forge;
use serde::Serialize;

/// One pull request from the hotfix branch.
#[derive(Debug, Serialize)]
pub struct PullReview {
    pub number: u64,
    pub base: String,
    /// `open`, `draft`, `merged` or `closed`.
    pub state: &'static str,
    /// Approvals of the current head.
    pub approved_by: Vec<String>,
    /// Requests for changes on the current head.
    pub changes_requested_by: Vec<String>,
    /// Reviews still requested: users and `org/team` slugs.
    pub requested: Vec<String>,
    pub link: String,
}

impl PullReview {
    /// `#12 into main: open, approved by bob; review requested from acme/leads`.
    pub fn text(&self) -> String {
        let mut parts = vec![self.state.to_owned()];
        if self.state == "open" || self.state == "draft" {
            if !self.approved_by.is_empty() {
                parts.push(format!("approved by {}", self.approved_by.join(", ")));
            }
            if !self.changes_requested_by.is_empty() {
                parts
                    .push(format!("changes requested by {}", self.changes_requested_by.join(", ")));
            }
            if !self.requested.is_empty() {
                parts.push(format!("review requested from {}", self.requested.join(", ")));
            }
            if parts.len() == 1 {
                parts.push("no review yet".to_owned());
            }
        }
        format!("#{} into {}: {}", self.number, self.base, parts.join("; "))
    }
}

/// The pull requests from `branch`, newest first; `None` when the remote is not on GitHub or
/// `gh` is not installed (then nothing can be told, and nothing is said).
pub fn of_branch(ctx: &Context, branch: &str) -> Option<Result<Vec<PullReview>>> {
    let project = ctx.project().filter(|p| p.forge == Forge::GitHub)?;
    let gh = GitHub::new(&project.host, &project.path, ctx.config.network_timeout).ok()?;
    Some(read(&gh, branch))
}

fn read(gh: &GitHub, branch: &str) -> Result<Vec<PullReview>> {
    let mut found = Vec::new();
    for pull in gh.pulls_from(branch)? {
        let state = match (pull.state.as_str(), pull.merged_at.is_some(), pull.draft) {
            (_, true, _) => "merged",
            ("closed", ..) => "closed",
            (_, _, true) => "draft",
            _ => "open",
        };
        let (mut approved_by, mut changes_requested_by) = (Vec::new(), Vec::new());
        if matches!(state, "open" | "draft") {
            let reviews = gh.reviews(pull.number)?;
            for (user, verdict) in verdicts(&reviews, &pull.head.sha) {
                match verdict {
                    "APPROVED" => approved_by.push(user.to_owned()),
                    "CHANGES_REQUESTED" => changes_requested_by.push(user.to_owned()),
                    _ => {}
                }
            }
        }
        let owner = gh.repo.split('/').next().unwrap_or_default();
        let requested = pull
            .requested_reviewers
            .iter()
            .map(|u| u.login.clone())
            .chain(pull.requested_teams.iter().map(|t| format!("{owner}/{}", t.slug)))
            .collect();
        found.push(PullReview {
            number: pull.number,
            base: pull.base.name,
            state,
            approved_by,
            changes_requested_by,
            requested,
            link: pull.html_url,
        });
    }
    Ok(found)
}
