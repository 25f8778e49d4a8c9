//! What a change is: the size of the diff between two commits, as `git diff` counts it.

use super::{Repo, fail};
use crate::error::Result;
use crate::policy::size::DiffSize;
use gix::ObjectId;

impl Repo {
    /// What `git diff --shortstat base tip` counts, in process (a hook asks on every hotfix
    /// push; a `git` process would cost more than the whole check): files changed, with a
    /// binary file or a mode change counting as a file without lines and a submodule move as
    /// one line each way; renames found as `git diff` finds them.
    pub fn diff_size(&self, base: ObjectId, tip: ObjectId) -> Result<DiffSize> {
        let tree = |id| -> Result<gix::Tree<'_>> {
            self.inner.find_tree(self.tree_of(id)?).map_err(fail("cannot read tree"))
        };
        let (old, new) = (tree(base)?, tree(tip)?);
        let mut caches = self.diff_caches.borrow_mut();
        let [renames, blobs] = match &mut *caches {
            Some(caches) => caches,
            None => {
                let cache =
                    || self.inner.diff_resource_cache_for_tree_diff().map_err(fail("cannot diff"));
                caches.insert([cache()?, cache()?])
            }
        };
        let mut size = DiffSize::default();
        let mut changes = old.changes().map_err(fail("cannot diff"))?;
        changes
            .for_each_to_obtain_tree_with_cache(&new, renames, |change| {
                let mode = change.entry_mode();
                if mode.is_tree() {
                    return Ok(std::ops::ControlFlow::Continue(()));
                }
                size.files += 1;
                if mode.is_commit() {
                    use gix::object::tree::diff::Change;
                    let (added, removed) = match change {
                        Change::Addition { .. } => (1, 0),
                        Change::Deletion { .. } => (0, 1),
                        _ => (1, 1),
                    };
                    size.insertions += added;
                    size.deletions += removed;
                } else if let Some(lines) = change.diff(blobs)?.line_counts()? {
                    size.insertions += u64::from(lines.insertions);
                    size.deletions += u64::from(lines.removals);
                }
                blobs.clear_resource_cache_keep_allocation();
                Ok(std::ops::ControlFlow::Continue(()))
            })
            .map_err(fail("cannot diff"))?;
        renames.clear_resource_cache_keep_allocation();
        Ok(size)
    }
}
