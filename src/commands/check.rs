//! `git hotfix check`: mark (or unmark) a checklist item that only a person can tell, and share
//! the mark with the team through the remote.

use crate::context::Context;
use crate::error::Result;
use crate::hotfix::marks::{self, Action, Checklist, ManualItem, Marked, Person, Shared, Source};
use crate::hotfix::state;
use crate::output::{self, Paint};

/// Mark (or with --undo unmark) a manual item of a hotfix's checklist, shared through the remote
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
    let who = Person::current()?;
    if let Some(tip) = found.refs.tip() {
        marks::record_tip(&branch, tip)?;
    }
    marks::sync(&ctx);
    let checklist = Checklist::load(&ctx, &branch)?;
    let item = args.item.id();
    match (args.undo, checklist.marked(args.item)) {
        (false, Some(marked)) if marked.source != Source::Config => {
            output::note(format!("{item} is already marked for {branch}{}", by(&marked)));
        }
        (false, _) => {
            checklist.record(Some(args.item), Action::Mark, &who)?;
            let tick = output::paint_out(Paint::Green, "✓");
            output::say(format!("{tick} {item} marked for {branch}"));
        }
        (true, None) => output::note(format!("{item} was not marked for {branch}")),
        (true, Some(_)) => {
            checklist.record(Some(args.item), Action::Undo, &who)?;
            let cross = output::paint_out(Paint::Yellow, "✗");
            output::say(format!("{cross} {item} unmarked for {branch}"));
        }
    }
    let remote = &ctx.config.remote;
    match marks::share(&ctx)? {
        Shared::NoRemote | Shared::Already => {}
        Shared::Pushed => output::note(format!("shared with {remote}: the team sees it")),
        Shared::NotYet(why) => {
            output::warn(format!("not shared with {remote} yet, kept here only: {why}"));
            output::note(format!(
                "share it once {remote} can be reached: run this command again, or {}",
                marks::share_command(&ctx)
            ));
        }
    }
    output::note(format!("see the whole checklist: git hotfix status {branch}"));
    Ok(())
}

/// ` (by Alice on 2026-12-03)`, as far as it is known.
fn by(marked: &Marked) -> String {
    match (&marked.by, marked.at) {
        (Some(who), Some(at)) => format!(" (by {} on {})", who.name, output::date(at)),
        (Some(who), None) => format!(" (by {})", who.name),
        _ => String::new(),
    }
}
