//! `git hotfix check`: mark (or unmark) a checklist item that only a person can tell.

use crate::context::Context;
use crate::error::Result;
use crate::hotfix::marks::{self, ManualItem};
use crate::hotfix::state;
use crate::output::{self, Paint};

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

pub fn run(args: &CheckArgs) -> Result<()> {
    let ctx = Context::open()?;
    let branch = state::target(&ctx, args.branch.as_deref())?;
    let found = state::locate(&ctx, &branch)?;
    if let Some(tip) = found.refs.tip() {
        marks::record_tip(&branch, tip)?;
    }
    let item = args.item.id();
    if !args.undo {
        marks::mark(&branch, args.item)?;
        output::say(format!("{} {item} marked for {branch}", output::paint_out(Paint::Green, "✓")));
    } else if marks::unmark(&branch, args.item)? {
        output::say(format!(
            "{} {item} unmarked for {branch}",
            output::paint_out(Paint::Yellow, "✗")
        ));
    } else {
        output::note(format!("{item} was not marked for {branch}"));
    }
    output::note(format!("see the whole checklist: git hotfix status {branch}"));
    Ok(())
}
