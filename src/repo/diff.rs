//! What a change is: the size of the diff between two commits, as `git diff` counts it.

use super::{Repo, fail};
use crate::error::Result;
use crate::policy::size::DiffSize;
use gix::ObjectId;
use std::path::PathBuf;
use std::sync::mpsc::{self, Sender};
use std::thread::JoinHandle;

/// Diff sizes computed on a second thread as they are asked for (report: one per hotfix, each
/// a tree diff and blob diffs, while the first thread goes on judging main's line). The thread
/// has its own handle on the repository: gix's handles are not shared across threads in this
/// build.
pub struct SizesAhead {
    git_dir: PathBuf,
    pairs: Vec<Pair>,
    /// Started at the first pair; `None` then means it could not start or stopped.
    thread: Option<Worker>,
}

/// The second thread, and the way to it.
struct Worker {
    send: Sender<Pair>,
    sizes: JoinHandle<Result<Vec<DiffSize>>>,
}

/// A diff's base and tip.
type Pair = (ObjectId, ObjectId);

impl SizesAhead {
    /// Asks for the size of the diff from `base` to `tip`.
    pub fn push(&mut self, base: ObjectId, tip: ObjectId) {
        if self.pairs.is_empty() {
            let git_dir = self.git_dir.clone();
            let (send, received) = mpsc::channel::<Pair>();
            let sizes = move || -> Result<Vec<DiffSize>> {
                let repo = Repo::open_on_thread(&git_dir)?;
                received.iter().map(|(base, tip)| repo.diff_size(base, tip)).collect()
            };
            let started = std::thread::Builder::new().name("diffs".into()).spawn(sizes);
            self.thread = started.ok().map(|sizes| Worker { send, sizes });
        }
        self.pairs.push((base, tip));
        if let Some(worker) = &self.thread
            && worker.send.send((base, tip)).is_err()
        {
            self.thread = None; // it stopped: `wait` does it all here
        }
    }

    /// The sizes, in the order asked. Whatever the second thread could not do (start, open the
    /// repository, read an object) is done here, where an error is the one the user should see.
    pub fn wait(self, repo: &Repo) -> Result<Vec<DiffSize>> {
        if let Some(Worker { send, sizes }) = self.thread {
            drop(send);
            if let Ok(Ok(sizes)) = sizes.join()
                && sizes.len() == self.pairs.len()
            {
                return Ok(sizes);
            }
        }
        self.pairs.iter().map(|&(base, tip)| repo.diff_size(base, tip)).collect()
    }
}

impl Repo {
    /// Diff sizes to be computed on a second thread: see [`SizesAhead`].
    pub fn diff_sizes_ahead(&self) -> SizesAhead {
        SizesAhead { git_dir: self.git_dir(), pairs: Vec::new(), thread: None }
    }

    /// What `git diff --shortstat base tip` counts, in process (a hook asks on every hotfix
    /// push; a `git` process would cost more than the whole check): files changed, with a
    /// binary file or a mode change counting as a file without lines and a submodule move as
    /// one line each way; renames found as `git diff` finds them.
    pub fn diff_size(&self, base: ObjectId, tip: ObjectId) -> Result<DiffSize> {
        let tree = |id| -> Result<gix::Tree<'_>> {
            let commit = self.inner.find_commit(id).map_err(fail("cannot read commit"))?;
            commit.tree().map_err(fail("cannot read tree"))
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

#[cfg(test)]
mod tests {
    use super::SizesAhead;
    use crate::policy::size::DiffSize;
    use crate::repo::Repo;
    use crate::repo::tests::git;
    use gix::ObjectId;

    #[test]
    fn sizes_from_the_second_thread_are_those_computed_here() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        git(dir, &["init", "-q", "-b", "main"]);
        let mut ids = Vec::new();
        for (round, text) in ["a\n", "a\nb\nc\n", "c\n"].iter().enumerate() {
            std::fs::write(dir.join("f.txt"), text).unwrap();
            std::fs::write(dir.join(format!("g{round}.txt")), "new\n").unwrap();
            git(dir, &["add", "."]);
            git(dir, &["commit", "-q", "-m", "change"]);
            ids.push(ObjectId::from_hex(git(dir, &["rev-parse", "HEAD"]).as_bytes()).unwrap());
        }
        let repo = Repo::open_at(dir).unwrap();
        let pairs = [(ids[0], ids[1]), (ids[1], ids[2]), (ids[0], ids[2])];
        let here: Vec<_> = pairs.iter().map(|&(b, t)| repo.diff_size(b, t).unwrap()).collect();
        assert_eq!(here[0], DiffSize { files: 2, insertions: 3, deletions: 0 });
        let mut ahead = repo.diff_sizes_ahead();
        for &(base, tip) in &pairs {
            ahead.push(base, tip);
        }
        let worker = ahead.thread.take().expect("the thread started");
        drop(worker.send);
        assert_eq!(worker.sizes.join().unwrap().unwrap(), here, "the thread's own answer");
        assert_eq!(ahead.wait(&repo).unwrap(), here);
        // A thread that cannot open the repository leaves the work to the asking thread.
        let mut lost =
            SizesAhead { git_dir: dir.join("no-such-dir"), pairs: Vec::new(), thread: None };
        for &(base, tip) in &pairs {
            lost.push(base, tip);
        }
        assert_eq!(lost.wait(&repo).unwrap(), here);
        assert!(repo.diff_sizes_ahead().wait(&repo).unwrap().is_empty(), "nothing asked");
    }
}
