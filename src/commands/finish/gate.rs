//! The back-merge waits for main's deployment: `finish` pushes main first (with `--push`) and
//! stops until the deployment of the hotfix's merge has succeeded.

use crate::context::Context;
use crate::error::{Error, Result};
use crate::hotfix::journal::{State, parse};
use crate::hotfix::state::Target;
use crate::hotfix::{deployments, steps};
use crate::output::say;
use crate::policy::Graph;
use gix::ObjectId;

/// With `[deploy.main]` configured, the hotfix goes into development only once main's
/// deployment of it succeeded: with `--push`, main goes out first so that it can deploy; the
/// run stops there, and `--continue` checks again.
pub fn wait_for_deployment(ctx: &Context, state: &State, tip: ObjectId, skip: bool) -> Result<()> {
    if deployments::configured(ctx, Target::Main).is_none()
        || ctx.repo.is_ancestor(tip, parse(ctx, &state.development.start)?)?
    {
        return Ok(());
    }
    let (remote, main, branch) = (&ctx.config.remote, &state.main.branch, &state.branch);
    if !skip && !main_pushed(ctx, state)? {
        if !state.push {
            return Err(Error::refused(format!(
                "'{branch}' goes into {} once {main}'s deployment of it has succeeded, and {main} is not pushed yet",
                state.development.branch
            ))
            .hint(format!("push it: git push {remote} {main}"))
            .hint(format!("watch the deployment: git hotfix deploy {branch} --wait"))
            .hint("then: git hotfix finish --continue (or --no-deploy-check to go ahead without it)"));
        }
        let spec = format!("refs/heads/{main}:refs/heads/{main}");
        let out = steps::push(ctx, &["push", "--quiet", "--", remote, &spec])?;
        if !out.status.success() {
            return Err(steps::push_failure(ctx, &out, &format!("'{main}'"))
                .hint("once that is fixed: git hotfix finish --continue"));
        }
        say(format!("pushed '{main}' to {remote}: its deployment can start"));
    }
    let trunks = ctx.trunks()?;
    deployments::gate(ctx, &trunks, branch, tip, skip).map_err(|e| {
        e.hint("then: git hotfix finish --continue (or --abort before anything was pushed)")
    })
}

/// Whether the remote's main (as last fetched or pushed) already has the hotfix.
pub fn main_pushed(ctx: &Context, state: &State) -> Result<bool> {
    let tracking = format!("refs/remotes/{}/{}", ctx.config.remote, state.main.branch);
    let (Some(remote_main), tip) = (ctx.repo.resolve_ref(&tracking)?, parse(ctx, &state.tip)?)
    else {
        return Ok(false);
    };
    Ok(ctx.repo.is_ancestor(tip, remote_main)?
        && !ctx.repo.is_ancestor(tip, parse(ctx, &state.main.start)?)?)
}
