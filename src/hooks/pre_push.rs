//! pre-push (githooks(5)): Git runs it with `<remote> <url>` and one line per ref it is about
//! to update on the remote, before sending anything. A non-zero exit stops the whole push.

use super::push_rules::{self, PushInput};
use crate::context::Context;
use crate::error::Result;

pub fn run(_remote: &str, _url: &str) -> Result<()> {
    let input = PushInput::PrePush.read_stdin()?;
    let ctx = Context::open()?;
    let updates = PushInput::PrePush.parse(&input, |hex| ctx.repo.parse_id(hex))?;
    if !updates.iter().any(|u| u.is_checked(&ctx.config)) {
        return Ok(());
    }
    let found = push_rules::evaluate(&ctx, ctx.trunks()?, &updates)?;
    push_rules::verdict(&found, Some("git push --no-verify"))
}
