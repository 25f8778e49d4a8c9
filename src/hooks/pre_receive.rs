//! pre-receive (githooks(5)), for Git servers: one `<old> <new> <ref>` line per ref a push
//! wants to update, with the pushed objects still in quarantine. A non-zero exit rejects the
//! whole push; what the hook prints reaches the pusher prefixed `remote:`. There is no bypass.

use super::push_rules::{self, PushInput};
use crate::context::Context;
use crate::error::Result;

pub fn run() -> Result<()> {
    let input = PushInput::PreReceive.read_stdin()?;
    let ctx = Context::open()?;
    let updates = PushInput::PreReceive.parse(&input, |hex| ctx.repo.parse_id(hex))?;
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
