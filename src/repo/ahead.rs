//! Work for a second thread, asked for piece by piece while the first goes on (report: what
//! each hotfix changed, a tree diff and blob diffs, while the first thread judges main's line).
//! The thread has its own handle on the repository: gix's handles are not shared across threads
//! in this build.

use super::Repo;
use crate::error::Result;
use std::path::PathBuf;
use std::sync::mpsc::{self, Sender};
use std::thread::JoinHandle;

/// `work` done on a second thread for each input pushed, answered in order by [`Ahead::wait`].
/// The thread starts at the [`START_AT`]-th input: for fewer, opening the repository a second
/// time costs more than it saves.
pub struct Ahead<In, Out> {
    git_dir: PathBuf,
    work: fn(&Repo, In) -> Result<Out>,
    asked: Vec<In>,
    /// Started at the [`START_AT`]-th input; `None` then means it could not start or stopped.
    thread: Option<Worker<In, Out>>,
}

/// How many inputs start the second thread.
const START_AT: usize = 64;

/// The second thread, and the way to it.
struct Worker<In, Out> {
    send: Sender<In>,
    answers: JoinHandle<Result<Vec<Out>>>,
}

impl<In: Copy + Send + 'static, Out: Send + 'static> Ahead<In, Out> {
    pub fn push(&mut self, input: In) {
        self.asked.push(input);
        let pending = match self.asked.len() {
            START_AT => {
                self.thread = self.start();
                &self.asked[..]
            }
            _ => &self.asked[self.asked.len() - 1..],
        };
        if let Some(worker) = &self.thread
            && pending.iter().any(|&input| worker.send.send(input).is_err())
        {
            self.thread = None; // it stopped: `wait` does it all here
        }
    }

    fn start(&self) -> Option<Worker<In, Out>> {
        let (git_dir, work) = (self.git_dir.clone(), self.work);
        let (send, received) = mpsc::channel::<In>();
        let answers = move || -> Result<Vec<Out>> {
            let repo = Repo::open_on_thread(&git_dir)?;
            received.iter().map(|input| work(&repo, input)).collect()
        };
        let started = std::thread::Builder::new().name("ahead".into()).spawn(answers);
        started.ok().map(|answers| Worker { send, answers })
    }

    /// The answers, in the order asked. Whatever the second thread could not do (start, open the
    /// repository, read an object) is done here, where an error is the one the user should see.
    pub fn wait(self, repo: &Repo) -> Result<Vec<Out>> {
        if let Some(Worker { send, answers }) = self.thread {
            drop(send);
            if let Ok(Ok(answers)) = answers.join()
                && answers.len() == self.asked.len()
            {
                return Ok(answers);
            }
        }
        self.asked.into_iter().map(|input| (self.work)(repo, input)).collect()
    }
}

impl Repo {
    /// A second thread for `work`: see [`Ahead`].
    pub fn ahead<In, Out>(&self, work: fn(&Repo, In) -> Result<Out>) -> Ahead<In, Out> {
        Ahead { git_dir: self.git_dir(), work, asked: Vec::new(), thread: None }
    }
}

#[cfg(test)]
mod tests {
    use super::{Ahead, START_AT};
    use crate::error::Result;
    use crate::policy::size::DiffSize;
    use crate::repo::Repo;
    use crate::repo::tests::git;
    use gix::ObjectId;

    fn size(repo: &Repo, (base, tip): (ObjectId, ObjectId)) -> Result<DiffSize> {
        repo.diff_size(base, tip)
    }

    #[test]
    fn answers_from_the_second_thread_are_those_computed_here() {
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
        let three = [(ids[0], ids[1]), (ids[1], ids[2]), (ids[0], ids[2])];
        let pairs: Vec<_> = three.iter().copied().cycle().take(START_AT + 2).collect();
        let here: Vec<_> = pairs.iter().map(|&pair| size(&repo, pair).unwrap()).collect();
        assert_eq!(here[0], DiffSize { files: 2, insertions: 3, deletions: 0 });
        let mut few = repo.ahead(size);
        for &pair in &three {
            few.push(pair);
        }
        assert!(few.thread.is_none(), "no thread for a few");
        assert_eq!(few.wait(&repo).unwrap(), here[..3]);
        let mut ahead = repo.ahead(size);
        for &pair in &pairs {
            ahead.push(pair);
        }
        let worker = ahead.thread.take().expect("the thread started");
        drop(worker.send);
        assert_eq!(worker.answers.join().unwrap().unwrap(), here, "the thread's own answers");
        assert_eq!(ahead.wait(&repo).unwrap(), here);
        // A thread that cannot open the repository leaves the work to the asking thread.
        let mut lost: Ahead<_, _> = repo.ahead(size);
        lost.git_dir = dir.join("no-such-dir");
        for &pair in &pairs {
            lost.push(pair);
        }
        assert_eq!(lost.wait(&repo).unwrap(), here);
        assert!(repo.ahead(size).wait(&repo).unwrap().is_empty(), "nothing asked");
        // An error the thread meets is met again here, where it is reported.
        let missing = ObjectId::from_hex(b"1111111111111111111111111111111111111111").unwrap();
        let mut failing = repo.ahead(size);
        failing.push((ids[0], missing));
        assert!(failing.wait(&repo).unwrap_err().message.starts_with("cannot read"));
    }
}
