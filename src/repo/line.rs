//! A first-parent line, read as it is consumed. verify walks main's and development's whole
//! lines (hundreds of thousands of commits after a few years), so each step must be cheap:
//! inside the commit-graph a step follows the first parent's position and never searches the
//! graph by id; only the commits newer than the graph are read as objects.

use super::walk::broken_graph;
use super::{Repo, fail};
use crate::error::Result;
use gix::ObjectId;
use gix::commitgraph::{Graph as CommitGraph, Position};
use std::collections::HashSet;

/// The next commit to read: by position in the commit-graph, or by id outside it.
#[derive(Clone, Copy)]
enum Cursor {
    Position(Position),
    Id(ObjectId),
}

/// Where the line ends before its root.
pub(super) enum End {
    /// The root.
    Root,
    /// At the first of these commits (reachable from what was hidden).
    Before(HashSet<ObjectId>),
    /// After this many commits (the line's length down to what was hidden).
    After(usize),
}

/// `git rev-list --first-parent <tip> --not <hidden>`, newest first, each commit with its
/// committer time.
pub struct FirstParentLine<'r> {
    repo: &'r Repo,
    graph: Option<&'r CommitGraph>,
    next: Option<Cursor>,
    end: End,
}

impl<'r> FirstParentLine<'r> {
    pub(super) fn new(repo: &'r Repo, tip: ObjectId, end: End) -> Self {
        let graph = repo.graph_cache();
        Self { repo, graph, next: Some(Cursor::Id(tip)), end }
    }

    /// Reads the commit under the cursor: its id, committer time and first parent.
    fn read(&self, at: Cursor) -> Result<(ObjectId, i64, Option<Cursor>)> {
        let position = match (at, self.graph) {
            (Cursor::Position(position), _) => Some(position),
            (Cursor::Id(id), Some(graph)) => graph.lookup(id),
            (Cursor::Id(_), None) => None,
        };
        if let (Some(position), Some(graph)) = (position, self.graph) {
            let commit = graph.commit_at(position);
            let parent = commit.parent1().map_err(broken_graph)?;
            // A time past i64 is a broken graph entry: the object has the real one.
            if let Ok(time) = i64::try_from(commit.committer_timestamp()) {
                return Ok((commit.id().to_owned(), time, parent.map(Cursor::Position)));
            }
        }
        let id = match at {
            Cursor::Id(id) => id,
            Cursor::Position(position) => self.graph.expect("a position").id_at(position).into(),
        };
        if self.repo.is_shallow_boundary(id) {
            return Ok((id, self.repo.commit_time(id)?, None));
        }
        let commit = self.repo.inner.find_commit(id).map_err(fail("cannot read commit"))?;
        let time = commit.time().map_err(fail("cannot read commit"))?.seconds;
        let parent = commit.parent_ids().next().map(|p| Cursor::Id(p.detach()));
        Ok((id, time, parent))
    }
}

impl Iterator for FirstParentLine<'_> {
    type Item = Result<(ObjectId, i64)>;

    fn next(&mut self) -> Option<Self::Item> {
        let at = self.next.take()?;
        if let End::After(left) = &mut self.end {
            *left = left.checked_sub(1)?;
        }
        let (id, time, parent) = match self.read(at) {
            Ok(step) => step,
            Err(e) => return Some(Err(e)),
        };
        if let End::Before(stop) = &self.end
            && stop.contains(&id)
        {
            return None;
        }
        self.next = parent;
        Some(Ok((id, time)))
    }
}
