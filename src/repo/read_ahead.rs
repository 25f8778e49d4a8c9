//! Commit messages read on a second thread, ahead of the judgement that asks for them. Judging
//! main's whole line reads the message of every merge on it (R1 and R2 need the merged branch's
//! name): thousands of objects, each found in the pack index and inflated, while the ancestry
//! questions between them need only the commit-graph. The second thread opens its own handle on
//! the same object database (gix's handles are not shared across threads in this build) and
//! reads the messages in the order the line is judged; [`Repo::message`] takes them from it, and
//! reads for itself whatever the thread did not read, could not read, or has not reached.

use super::Repo;
use gix::ObjectId;
use gix::bstr::ByteSlice;
use gix::hashtable::{HashMap, HashSet};
use std::sync::mpsc::{self, Receiver};

/// Fewer messages than this are read where they are asked for.
const READ_AHEAD_MIN: usize = 1000;

/// The messages a second thread reads, in order, kept once received (report asks some twice).
pub(super) struct ReadAhead {
    received: Receiver<(ObjectId, Option<String>)>,
    /// Still to come from the thread.
    waiting: HashSet<ObjectId>,
    read: HashMap<ObjectId, Option<String>>,
}

impl ReadAhead {
    /// The message of `id` as the other thread read it, waiting for it if need be; `None`:
    /// read it here (not on the thread's list, or the thread could not read it).
    pub(super) fn get(&mut self, id: ObjectId) -> Option<String> {
        while self.waiting.contains(&id) {
            let Ok((got, message)) = self.received.recv() else {
                self.waiting.clear(); // the thread stopped: nothing more comes
                break;
            };
            self.waiting.remove(&got);
            self.read.insert(got, message);
        }
        self.read.get(&id).cloned().flatten()
    }
}

/// The message of a commit object's bytes: everything after the headers.
pub(super) fn message_of(data: &[u8]) -> String {
    let message = data.find(b"\n\n").map_or(&[][..], |at| &data[at + 2..]);
    message.to_str_lossy().into_owned()
}

impl Repo {
    /// Starts reading the messages of `ids` on a second thread, in this order, when there are
    /// enough of them to pay for the thread's own opening of the object database (measured:
    /// a few hundred cost more that way).
    pub fn read_messages_ahead(&self, ids: Vec<ObjectId>) {
        if ids.len() >= READ_AHEAD_MIN {
            self.start_reading_ahead(ids);
        }
    }

    fn start_reading_ahead(&self, ids: Vec<ObjectId>) {
        let store = self.inner.objects.store_ref();
        let path = store.path().to_owned();
        let hash = store.object_hash();
        let replacements: Vec<_> = store.replacements().collect();
        let options = gix::odb::store::init::Options {
            use_multi_pack_index: store.use_multi_pack_index(),
            ..Default::default()
        };
        let waiting = ids.iter().copied().collect();
        let (send, received) = mpsc::channel();
        let spawned = std::thread::Builder::new().name("messages".into()).spawn(move || {
            use gix::objs::FindExt;
            let Ok(mut objects) = gix::odb::at_opts(path, hash, replacements, options) else {
                return; // the asking thread reads every message itself
            };
            objects.unset_object_cache();
            let mut data = Vec::new();
            for id in ids {
                let found = objects.find_commit_iter(&id, &mut data).is_ok();
                let message = found.then(|| message_of(&data));
                if send.send((id, message)).is_err() {
                    return; // nobody asks any more
                }
            }
        });
        if spawned.is_ok() {
            *self.read_ahead.borrow_mut() =
                Some(ReadAhead { received, waiting, read: HashMap::default() });
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::Graph;
    use crate::repo::Repo;
    use crate::repo::tests::git;
    use gix::ObjectId;

    /// A repository of three commits with distinct messages, and their ids, oldest first.
    fn three_commits() -> (tempfile::TempDir, Vec<ObjectId>) {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        git(dir, &["init", "-q", "-b", "main"]);
        let ids = ["first", "second\n\nwith a body", "third"]
            .iter()
            .map(|message| {
                git(dir, &["commit", "-q", "--allow-empty", "-m", message]);
                ObjectId::from_hex(git(dir, &["rev-parse", "HEAD"]).as_bytes()).unwrap()
            })
            .collect();
        (tmp, ids)
    }

    #[test]
    fn messages_read_ahead_are_the_messages_read_directly() {
        let (tmp, ids) = three_commits();
        let direct = Repo::open_at(tmp.path()).unwrap();
        let expected: Vec<_> = ids.iter().map(|&id| direct.message(id).unwrap()).collect();
        assert_eq!(expected[1], "second\n\nwith a body\n");
        let repo = Repo::open_at(tmp.path()).unwrap();
        // Only two on the thread's list, asked out of order, one of them twice.
        repo.start_reading_ahead(vec![ids[2], ids[0]]);
        for at in [0, 1, 2, 0] {
            assert_eq!(repo.message(ids[at]).unwrap(), expected[at], "commit {at}");
        }
        let from_thread = repo.read_ahead.borrow();
        let read = &from_thread.as_ref().expect("started").read;
        assert_eq!(read.get(&ids[2]).cloned().flatten().as_ref(), Some(&expected[2]));
        assert_eq!(read.get(&ids[0]).cloned().flatten().as_ref(), Some(&expected[0]));
    }

    #[test]
    fn what_the_thread_cannot_read_is_read_and_reported_here() {
        let (tmp, ids) = three_commits();
        let repo = Repo::open_at(tmp.path()).unwrap();
        let missing = ObjectId::from_hex(b"1111111111111111111111111111111111111111").unwrap();
        repo.start_reading_ahead(vec![missing, ids[0]]);
        let err = repo.message(missing).unwrap_err();
        assert!(err.message.starts_with("cannot read commit"), "{}", err.message);
        assert_eq!(repo.message(ids[0]).unwrap(), "first\n");
    }
}
