//! pre-push (githooks(5)): Git runs it with `<remote> <url>` and one line per ref it is about
//! to update on the remote, before sending anything. A non-zero exit stops the whole push.

use super::push_rules::{self, RefUpdate};
use crate::commands::Context;
use crate::error::{Error, Result};

pub fn run(_remote: &str, _url: &str) -> Result<()> {
    let input = push_rules::read_input("pre-push")?;
    let ctx = Context::open()?;
    let updates = parse(&ctx, &input)?;
    if !updates.iter().any(|u| u.is_checked(&ctx.config)) {
        return Ok(());
    }
    let found = push_rules::evaluate(&ctx, ctx.trunks()?, &updates)?;
    push_rules::verdict(&found, Some("git push --no-verify"))
}

/// `<local ref> SP <local oid> SP <remote ref> SP <remote oid>` per line. The local ref is
/// whatever the user typed (`HEAD~`, `main@{1 second ago}`) and may hold spaces, so the line
/// is read from the right; the local ref itself is never needed.
fn parse(ctx: &Context, input: &str) -> Result<Vec<RefUpdate>> {
    let mut updates = Vec::new();
    for (index, line) in input.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let bad = |why: &str| {
            Error::env(format!("pre-push: line {} of Git's input {why}: {line:?}", index + 1))
                .hint("this hook reads what `git push` writes; run it through git push")
        };
        let fields: Vec<&str> = line.rsplitn(4, ' ').collect();
        let [remote_id, remote_ref, local_id, _local_ref] = fields[..] else {
            return Err(bad("is not `<local ref> <local oid> <remote ref> <remote oid>`"));
        };
        let id = |hex| push_rules::parse_id(&ctx.repo, hex).map_err(|why| bad(&why));
        updates.push(RefUpdate {
            remote_ref: remote_ref.to_owned(),
            old: id(remote_id)?,
            new: id(local_id)?,
        });
    }
    Ok(updates)
}
