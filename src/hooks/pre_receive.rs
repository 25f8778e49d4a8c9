//! pre-receive (githooks(5)), for Git servers: one `<old> <new> <ref>` line per ref a push
//! wants to update, with the pushed objects still in quarantine. A non-zero exit rejects the
//! whole push; what the hook prints reaches the pusher prefixed `remote:`. There is no bypass.

use super::push_rules::{self, RefUpdate};
use crate::commands::Context;
use crate::error::{Error, Result};

pub fn run() -> Result<()> {
    let input = push_rules::read_input("pre-receive")?;
    let ctx = Context::open()?;
    let updates = parse(&ctx, &input)?;
    if !updates.iter().any(|u| u.is_checked(&ctx.config)) {
        return Ok(());
    }
    // The first push to an empty server creates main: that main is the one to check against.
    let main_ref = format!("refs/heads/{}", ctx.config.main);
    let creating_main = updates.iter().find(|u| u.remote_ref == main_ref).and_then(|u| u.new);
    let creating_main = creating_main.map(|id| ctx.repo.peel_to_commit(id)).transpose()?;
    let found = push_rules::evaluate(&ctx, ctx.local_trunks(creating_main)?, &updates)?;
    push_rules::verdict(&found, None)
}

fn parse(ctx: &Context, input: &str) -> Result<Vec<RefUpdate>> {
    let mut updates = Vec::new();
    for (index, line) in input.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let bad = |why: &str| {
            Error::env(format!("pre-receive: line {} of Git's input {why}: {line:?}", index + 1))
        };
        let fields: Vec<&str> = line.split(' ').collect();
        let [old, new, name] = fields[..] else {
            return Err(bad("is not `<old oid> <new oid> <ref>`"));
        };
        let id = |hex| push_rules::parse_id(&ctx.repo, hex).map_err(|why| bad(&why));
        updates.push(RefUpdate { remote_ref: name.to_owned(), old: id(old)?, new: id(new)? });
    }
    Ok(updates)
}
