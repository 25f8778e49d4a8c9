//! pre-push (githooks(5)): Git runs it with `<remote> <url>` and one line per ref it is about
//! to update on the remote, before sending anything. A non-zero exit stops the whole push.

use super::pre_commit;
use super::push_rules::{self, PushInput};
use crate::context::Context;
use crate::error::{Error, Result};

/// `from_git`: Git's `<remote> <url>` were given. Without them and without a ref list, no one
/// said what is pushed: a hook manager that keeps the input from us must not pass the push.
pub fn run(from_git: bool, env: &dyn Fn(&str) -> Option<String>) -> Result<()> {
    let input = PushInput::PrePush.read_stdin()?;
    let ctx = Context::open()?;
    let mut updates = PushInput::PrePush.parse(&input, |hex| ctx.repo.parse_id(hex))?;
    if updates.is_empty() {
        let parse = |hex: &str| ctx.repo.parse_id(hex);
        let resolve = |name: &str| ctx.repo.resolve(name).ok();
        match pre_commit::push_update(env, parse, resolve)? {
            Some(update) => updates.push(update),
            None if from_git => {}
            None => {
                return Err(Error::env("pre-push: no ref list on standard input, and no pre-commit variables: cannot tell what is pushed")
                    .hint("lefthook: run it as a script with `use_stdin: true` (see the README, \"Hook managers\")")
                    .hint("pre-commit: use the hooks of .pre-commit-hooks.yaml, stage pre-push"));
            }
        }
    }
    if !updates.iter().any(|u| u.is_checked(&ctx.config)) {
        return Ok(());
    }
    let found = push_rules::evaluate(&ctx, ctx.trunks()?, &updates)?;
    push_rules::verdict(&found, Some("git push --no-verify"))
}
