//! `git hotfix list`: every hotfix branch here, local and remote-tracking, with its stage.

use crate::context::Context;
use crate::error::Result;
use crate::hotfix::marks;
use crate::hotfix::state::{self, Facts, Located, Stage};
use crate::output;
use serde::Serialize;

/// List every hotfix branch, local and remote, with its stage in the process
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Print the list as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Serialize)]
struct Entry {
    branch: String,
    stage: Stage,
    #[serde(skip)]
    label: String,
    local: Option<String>,
    remote: Option<String>,
}

pub fn run(args: &ListArgs) -> Result<()> {
    let ctx = Context::open()?;
    // Kept fresh for the `status` of any of them; offline, says so.
    marks::sync(&ctx);
    let branches = state::known_branches(&ctx)?;
    let mut entries = Vec::new();
    if !branches.is_empty() {
        let trunks = ctx.trunks()?;
        let tips: Vec<_> = branches.values().filter_map(|refs| refs.tip()).collect();
        state::ask_copies_on_main(&ctx, &trunks, &tips)?;
        for (branch, refs) in branches {
            let Some(found) = Located::branch(&branch, refs) else { continue };
            let stage = Facts::gather(&ctx, &trunks, found)?.stage();
            entries.push(Entry {
                branch,
                stage,
                label: stage.label(&ctx.config),
                local: refs.local.map(|id| id.to_string()),
                remote: refs.remote.map(|id| id.to_string()),
            });
        }
    }
    if args.json {
        output::json(&entries);
        return Ok(());
    }
    if entries.is_empty() {
        output::note("no hotfix branches; start one with: git hotfix start <description>");
        return Ok(());
    }
    let width = entries.iter().map(|e| e.branch.chars().count()).max().unwrap_or(0);
    let stage_width = entries.iter().map(|e| e.label.chars().count()).max().unwrap_or(0);
    for e in &entries {
        let place = match (&e.local, &e.remote) {
            (Some(l), Some(r)) if l != r => format!("local, {} (they differ)", ctx.config.remote),
            (Some(_), Some(_)) => format!("local, {}", ctx.config.remote),
            (Some(_), None) => "local only".to_owned(),
            _ => format!("{} only", ctx.config.remote),
        };
        output::say(format!("{:<width$}  {:<stage_width$}  {place}", e.branch, e.label));
    }
    Ok(())
}
