//! The walk machinery behind [`Graph`]'s ancestry questions: the commit-graph (opened once),
//! generation numbers (from the graph, else computed and remembered), one revision graph
//! shared by every merge-base question of a run, and an ancestry walk continued from one
//! question to the next.

use super::{Repo, fail, leak};
use crate::error::{Error, Result};
use crate::policy::Graph;
use gix::ObjectId;
use std::collections::{BinaryHeap, HashMap, HashSet};

/// Commits (parents, generation, date) loaded by ancestry questions, with merge-base flags.
pub(super) type RevisionGraph =
    gix::revwalk::Graph<'static, 'static, gix::revwalk::graph::Commit<MergeBaseFlags>>;
type MergeBaseFlags = gix::revision::plumbing::merge_base::Flags;

/// The commits reachable from `tip` found so far, by a walk that stops at a generation level.
pub(super) struct Reach {
    tip: ObjectId,
    /// Every reachable commit at this level or above has had its parents read (`None`: none).
    floor: Option<u64>,
    /// Reached so far, `tip` included.
    seen: HashSet<Node>,
    /// Reached, below the floor, parents not read yet.
    below: Vec<Node>,
}

/// What reaches a commit, in [`Repo::paint`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Paint {
    Shown,
    Hidden,
    Both,
}

/// A commit as an ancestry walk holds it: by position in the commit-graph, which gives its
/// parents' positions without a search by id, or by id when it is newer than the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Node {
    InGraph(gix::commitgraph::Position),
    Outside(ObjectId),
}

/// A commit-graph entry that cannot be read.
pub(super) fn broken_graph(e: impl std::fmt::Display) -> Error {
    Error::env(format!("cannot read the commit-graph: {e}"))
}

impl Repo {
    /// gix's merge bases of `a` and `b`: every best common ancestor, and maybe more.
    pub(super) fn merge_base_candidates(&self, a: ObjectId, b: ObjectId) -> Result<Vec<ObjectId>> {
        let bases = self
            .with_revisions(|revisions| self.inner.merge_bases_many_with_graph(a, &[b], revisions))
            .map_err(fail("cannot compute merge bases"))?;
        Ok(bases.into_iter().map(|id| id.detach()).collect())
    }

    /// The commit-graph, unless the clone is shallow: there, as in Git, a graph written before
    /// history was cut would give the boundary commits parents that are not here.
    pub(super) fn graph_cache(&self) -> Option<&'static gix::commitgraph::Graph> {
        *self.commit_graph.get_or_init(|| {
            if self.is_shallow() {
                return None;
            }
            self.inner.commit_graph_if_enabled().ok().flatten().map(leak)
        })
    }

    /// As Git does, a shallow clone's boundary commits have no parents.
    pub(super) fn is_shallow_boundary(&self, id: ObjectId) -> bool {
        let shallow = self.shallow.get_or_init(|| {
            let found = self.inner.shallow_commits().ok().flatten();
            let mut ids: Vec<ObjectId> = found.iter().flat_map(|c| c.iter().copied()).collect();
            ids.sort_unstable();
            ids
        });
        shallow.binary_search(&id).is_ok()
    }

    /// Runs `question` on the run's revision graph. Every merge-base question resets the flags
    /// of all the commits it holds, so it keeps only what recent questions read: enough for the
    /// questions of one check, which ask about the same recent history.
    fn with_revisions<T>(&self, question: impl FnOnce(&mut RevisionGraph) -> T) -> T {
        const KEPT: usize = 4096;
        let mut slot = self.revisions.borrow_mut();
        if slot.as_ref().is_some_and(|graph| graph.len() > KEPT) {
            *slot = None; // not `clear()`: that keeps the capacity, which every reset walks
        }
        let graph = slot.get_or_insert_with(|| {
            gix::revwalk::Graph::new(self.inner.objects.clone(), self.graph_cache())
        });
        question(graph)
    }

    /// A commit's generation (a root is 1, any other commit one more than its highest parent):
    /// from the commit-graph, else computed down to commits it covers (or to the roots) and
    /// remembered. Visiting commits by decreasing generation visits every commit after all its
    /// descendants, which commit dates do not promise once a clock was wrong.
    fn generation(&self, id: ObjectId) -> Result<u32> {
        let mut memo = self.generations.borrow_mut();
        let known = |memo: &HashMap<ObjectId, u32>, id: ObjectId| {
            let graph = self.graph_cache().and_then(|g| g.commit_by_id(id)).map(|c| c.generation());
            graph.filter(|&g| g > 0).or_else(|| memo.get(&id).copied())
        };
        let mut stack = vec![id];
        while let Some(&commit) = stack.last() {
            if known(&memo, commit).is_some() {
                stack.pop();
                continue;
            }
            let (mut generation, mut ready) = (1, true);
            for parent in self.parents(commit)? {
                match known(&memo, parent) {
                    Some(g) => generation = generation.max(g.saturating_add(1)),
                    None => {
                        stack.push(parent);
                        ready = false;
                    }
                }
            }
            if ready {
                memo.insert(commit, generation);
                stack.pop();
            }
        }
        Ok(known(&memo, id).expect("computed above"))
    }

    /// The commits that `paint` leaves with `wanted`: `Paint::Both` for where a walk from
    /// `include` must stop, `Paint::Shown` for `git rev-list include --not exclude` (in no
    /// particular order).
    pub(super) fn painted<C: FromIterator<ObjectId>>(
        &self,
        include: &[ObjectId],
        exclude: &[ObjectId],
        wanted: Paint,
    ) -> Result<C> {
        let paint = self.paint(include, exclude)?;
        Ok(paint.into_iter().filter(|&(_, p)| p == wanted).map(|(id, _)| id).collect())
    }

    /// Paints what `include` and `exclude` reach, down to where `include` reaches nothing new:
    /// every commit only `include` reaches ends up `Shown`; the commits both reach where a
    /// walk from `include` stops, `Both`. Both sides are painted down in generation order, so
    /// that every commit has all its paint when visited (gix's hidden walk goes by date and
    /// lets excluded commits through when a clock was wrong), and only while some commit
    /// painted from `include` alone may still turn out to be reachable from `exclude`.
    fn paint(
        &self,
        include: &[ObjectId],
        exclude: &[ObjectId],
    ) -> Result<HashMap<ObjectId, Paint>> {
        const SHOWN: u8 = 1;
        const HIDDEN: u8 = 2;
        let mut paint: HashMap<ObjectId, u8> = HashMap::new();
        let mut queue = BinaryHeap::new();
        let mut shown_only = 0usize; // queued commits painted from `include` alone
        let mut pending: Vec<(ObjectId, u8)> = include.iter().map(|&id| (id, SHOWN)).collect();
        pending.extend(exclude.iter().map(|&id| (id, HIDDEN)));
        loop {
            // A commit gets paint only from its children, which are all visited before it.
            for (id, flags) in pending.drain(..) {
                let old = paint.get(&id).copied().unwrap_or(0);
                let new = old | flags;
                if new == old {
                    continue;
                }
                paint.insert(id, new);
                if old == 0 {
                    queue.push((self.generation(id)?, id));
                }
                if new == SHOWN {
                    shown_only += 1;
                } else if old == SHOWN {
                    shown_only = shown_only.saturating_sub(1);
                }
            }
            if shown_only == 0 {
                break;
            }
            let Some((_, id)) = queue.pop() else { break };
            let flags = paint[&id];
            if flags == SHOWN {
                shown_only = shown_only.saturating_sub(1);
            }
            pending.extend(self.parents(id)?.into_iter().map(|p| (p, flags)));
        }
        Ok(paint
            .into_iter()
            .map(|(id, flags)| {
                let paint = match flags {
                    SHOWN => Paint::Shown,
                    HIDDEN => Paint::Hidden,
                    _ => Paint::Both,
                };
                (id, paint)
            })
            .collect())
    }

    /// With generation numbers, ancestry walks from `other` answer [`Graph::brings_commits_of`]
    /// for less than a merge-base search: `tip` itself when `other` has it, else the oldest
    /// of the commits `tip` brings (a hotfix's own few) that `other` has.
    pub(super) fn brought_and_shared(
        &self,
        tip: ObjectId,
        other: ObjectId,
        within: ObjectId,
    ) -> Result<Option<ObjectId>> {
        if self.is_ancestor(tip, within)? {
            return Ok(None); // brings nothing
        }
        if self.is_ancestor(tip, other)? {
            return Ok(Some(tip));
        }
        let brought: Vec<_> = self.painted(&[tip], &[within], Paint::Shown)?;
        Ok(self.ancestors_among(other, &brought)?.iter().min().copied())
    }

    /// Whether `ancestor` is reachable from `descendant` ([`Graph::is_ancestor`]).
    pub(super) fn reaches(&self, descendant: ObjectId, ancestor: ObjectId) -> Result<bool> {
        if ancestor == descendant {
            return Ok(true);
        }
        let Some(graph) = self.graph_cache() else {
            // The ancestor is among the merge bases exactly when it is an ancestor; it need
            // not come first, as gix may also keep a redundant base when dates are skewed.
            return Ok(self.merge_base_candidates(ancestor, descendant)?.contains(&ancestor));
        };
        // A reachability walk pruned by generation numbers, as Git does: nothing with a
        // generation below the ancestor's can lead to it. An ancestor missing from the
        // commit-graph is newer than it, and the graph is closed under parents: then only
        // commits missing from it (level MAX) can lead to the ancestor. The walk is kept for
        // the next question about the same descendant, which continues it further down.
        let node = |id| graph.lookup(id).map_or(Node::Outside(id), Node::InGraph);
        let target = node(ancestor);
        let wanted = match target {
            Node::InGraph(position) => u64::from(graph.commit_at(position).generation()),
            Node::Outside(_) => u64::MAX,
        };
        let mut slot = self.reach.borrow_mut();
        let reach = match slot.take() {
            Some(reach) if reach.tip == descendant => slot.insert(reach),
            _ => {
                let start = node(descendant);
                slot.insert(Reach {
                    tip: descendant,
                    floor: None,
                    seen: HashSet::from([start]),
                    below: vec![start],
                })
            }
        };
        if reach.floor.is_none_or(|floor| wanted < floor) {
            let mut next = std::mem::take(&mut reach.below);
            while let Some(at) = next.pop() {
                match at {
                    Node::InGraph(position) => {
                        let commit = graph.commit_at(position);
                        if u64::from(commit.generation()) < wanted {
                            reach.below.push(at);
                            continue;
                        }
                        for parent in commit.iter_parents() {
                            let parent = Node::InGraph(parent.map_err(broken_graph)?);
                            if reach.seen.insert(parent) {
                                next.push(parent);
                            }
                        }
                    }
                    Node::Outside(id) => {
                        for parent in self.parents(id)? {
                            let parent = node(parent);
                            if reach.seen.insert(parent) {
                                next.push(parent);
                            }
                        }
                    }
                }
            }
            reach.floor = Some(wanted);
        }
        Ok(reach.seen.contains(&target))
    }

    /// For each of `targets`, the oldest commit of `tip`'s first-parent line whose history
    /// contains it (the first of `git rev-list --first-parent --reverse tip` that has it); a
    /// target none of them contains is left out. One pass up the line, oldest first, painting
    /// what each commit adds to the history of the one before it, so that a commit is read at
    /// most once whatever the number of targets. With a commit-graph, the paint is a bit per
    /// position, and only what may lead to a target is painted: a commit cannot hold a target
    /// of a generation above its own, and nothing below the lowest generation of a target not
    /// placed yet can lead to one. The pass stops once every target is placed.
    pub fn first_containing(
        &self,
        tip: ObjectId,
        targets: &[ObjectId],
    ) -> Result<HashMap<ObjectId, ObjectId>> {
        let graph = self.graph_cache();
        // Outside the commit-graph no generation is known (nor needed: a commit there is newer
        // than every commit in it, and a target there is reached only through such commits).
        let generation = |at: Node| match (at, graph) {
            (Node::InGraph(position), Some(g)) => g.commit_at(position).generation(),
            _ => u32::MAX,
        };
        let mut wanted: HashMap<Node, ObjectId> =
            targets.iter().map(|&t| (self.node(t), t)).collect();
        let mut by_generation: Vec<(u32, Node)> =
            wanted.keys().map(|&n| (generation(n), n)).collect();
        by_generation.sort_unstable_by_key(|&(g, _)| g);
        // by_generation[..reachable]: the targets the line's commit may hold; [..lowest]: placed.
        let (mut reachable, mut lowest) = (0, 0);
        let (mut line, mut parents) = (vec![self.node(tip)], Vec::new());
        loop {
            self.parent_nodes(line[line.len() - 1], &mut parents)?;
            match parents.first() {
                Some(&first) => line.push(first),
                None => break,
            }
            parents.clear();
        }
        let positions = graph.map_or(0, |g| g.num_commits());
        let (mut painted, mut is_target) = (CommitSet::new(positions), CommitSet::new(positions));
        for &target in wanted.keys() {
            is_target.insert(target);
        }
        let mut found = HashMap::new();
        let mut stack = Vec::new();
        for &commit in line.iter().rev() {
            if wanted.is_empty() {
                break;
            }
            let level = generation(commit);
            while by_generation.get(reachable).is_some_and(|&(g, _)| g <= level) {
                reachable += 1;
            }
            while lowest < reachable && !wanted.contains_key(&by_generation[lowest].1) {
                lowest += 1;
            }
            // Nothing it may hold is left: paint nothing (a later commit paints what it needs).
            let Some(&(floor, _)) = by_generation[..reachable].get(lowest) else { continue };
            stack.push(commit);
            while let Some(at) = stack.pop() {
                if painted.contains(at) {
                    continue;
                }
                let row = match (at, graph) {
                    (Node::InGraph(position), Some(g)) => Some(g.commit_at(position)),
                    _ => None,
                };
                if row.as_ref().is_some_and(|row| row.generation() < floor) {
                    continue;
                }
                painted.insert(at);
                if is_target.contains(at)
                    && let Some(target) = wanted.remove(&at)
                {
                    found.insert(target, self.node_id(commit));
                }
                match row {
                    Some(row) => {
                        for parent in row.iter_parents() {
                            stack.push(Node::InGraph(parent.map_err(broken_graph)?));
                        }
                    }
                    None => self.parent_nodes(at, &mut stack)?,
                }
            }
        }
        Ok(found)
    }

    /// Appends a commit's parents to `out`, by position when it is in the commit-graph (whose
    /// parents are too).
    fn parent_nodes(&self, at: Node, out: &mut Vec<Node>) -> Result<()> {
        match (at, self.graph_cache()) {
            (Node::InGraph(position), Some(graph)) => {
                for parent in graph.commit_at(position).iter_parents() {
                    out.push(Node::InGraph(parent.map_err(broken_graph)?));
                }
            }
            (at, _) => {
                let parents = self.parents(self.node_id(at))?;
                out.extend(parents.into_iter().map(|p| self.node(p)));
            }
        }
        Ok(())
    }

    /// A commit by position when the commit-graph has it, else by id.
    fn node(&self, id: ObjectId) -> Node {
        let graph = self.graph_cache();
        graph.and_then(|g| g.lookup(id)).map_or(Node::Outside(id), Node::InGraph)
    }

    fn node_id(&self, at: Node) -> ObjectId {
        match at {
            Node::InGraph(position) => {
                self.graph_cache().expect("a position").id_at(position).to_owned()
            }
            Node::Outside(id) => id,
        }
    }

    /// The `candidates` reachable from `tip` ([`Graph::ancestors_among`]).
    pub(super) fn reached_among(
        &self,
        tip: ObjectId,
        candidates: &[ObjectId],
    ) -> Result<HashSet<ObjectId>> {
        let mut wanted: HashSet<ObjectId> = candidates.iter().copied().collect();
        let mut found = HashSet::new();
        if let Some(graph) = self.graph_cache() {
            // One ancestry walk, continued: the deepest question first reads everything the
            // others need.
            let mut by_depth: Vec<_> = wanted.into_iter().collect();
            by_depth.sort_by_key(|id| graph.commit_by_id(id).map_or(u32::MAX, |c| c.generation()));
            for id in by_depth {
                if self.is_ancestor(id, tip)? {
                    found.insert(id);
                }
            }
            return Ok(found);
        }
        // Without generation numbers, asked one by one, each question stops early; one walk
        // from `tip` reads everything down to the oldest candidate (to the root when one is
        // not an ancestor), so it pays only for many questions.
        const ONE_BY_ONE: usize = 4;
        if wanted.len() <= ONE_BY_ONE {
            for id in wanted {
                if self.is_ancestor(id, tip)? {
                    found.insert(id);
                }
            }
            return Ok(found);
        }
        let walk = self.inner.rev_walk([tip]).all().map_err(fail("cannot walk history"))?;
        for info in walk {
            let id = info.map_err(fail("cannot walk history"))?.id;
            if wanted.remove(&id) {
                found.insert(id);
                if wanted.is_empty() {
                    break;
                }
            }
        }
        Ok(found)
    }
}

/// A set of commits for [`Repo::first_containing`]: a bit per commit-graph position, a hash set
/// for the commits newer than the graph.
struct CommitSet {
    bits: Vec<u64>,
    outside: HashSet<ObjectId>,
}

impl CommitSet {
    fn new(positions: u32) -> Self {
        Self { bits: vec![0; (positions as usize).div_ceil(64)], outside: HashSet::new() }
    }

    fn insert(&mut self, at: Node) {
        match at {
            Node::InGraph(position) => {
                let (word, bit) = Self::bit(position);
                self.bits[word] |= bit;
            }
            Node::Outside(id) => {
                self.outside.insert(id);
            }
        }
    }

    fn contains(&self, at: Node) -> bool {
        match at {
            Node::InGraph(position) => {
                let (word, bit) = Self::bit(position);
                self.bits[word] & bit != 0
            }
            Node::Outside(id) => self.outside.contains(&id),
        }
    }

    fn bit(position: gix::commitgraph::Position) -> (usize, u64) {
        (position.0 as usize / 64, 1 << (position.0 % 64))
    }
}
