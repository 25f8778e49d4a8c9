//! Checks that join repository reads to the pure rules, shared by the hooks and the commands
//! that run the same checks before acting (`publish`, `finish`).

use crate::context::Context;
use crate::error::Result;
use crate::policy::size;
use crate::policy::{Trunks, Violation, ancestry};
use gix::ObjectId;

/// R1, R2 and R6 for the hotfix branch `branch` (short name, under the prefix) at `tip`.
pub fn hotfix_branch(
    ctx: &Context,
    trunks: &Trunks<'_, ObjectId>,
    branch: &str,
    tip: ObjectId,
) -> Result<Vec<Violation>> {
    let mut found: Vec<Violation> = ctx.config.naming.check(branch).into_iter().collect();
    found.extend(ancestry::check_base(&ctx.repo, branch, tip, trunks)?);
    if let Some(size) = hotfix_size(ctx, trunks.main, tip)? {
        found.extend(size::check(branch, size, ctx.config.limits()));
    }
    Ok(found)
}

/// The hotfix's change against its merge base with main (`None` without a merge base).
pub fn hotfix_size(ctx: &Context, main: ObjectId, tip: ObjectId) -> Result<Option<size::DiffSize>> {
    use crate::policy::Graph;
    let Some(&base) = ctx.repo.merge_bases(main, tip)?.first() else { return Ok(None) };
    ctx.repo.diff_size(base, tip).map(Some)
}
