//! verify's whole history without a commit-graph, in one walk. Without generation numbers,
//! whether a merge on main brings development's commits, or brings anything at all, takes a
//! merge-base search per merge (thousands of merges, each search painting down to where the
//! two sides meet). Instead, every commit main's and development's tips reach is read once
//! (what `git rev-list --count` reads), and each line is painted over it in memory: each
//! commit gets the oldest commit of the line that reaches it, flooding from the oldest line
//! commit to the newest, so that every commit is painted once per line. A merge on main then
//! brings exactly the commits painted with it, and "reachable from development as it stood"
//! is "painted by development at that point or older": both questions become lookups.

use super::{Repo, fail};
use crate::error::Result;
use crate::policy::{Diff, Graph};
use gix::ObjectId;
use gix::hashtable::HashMap;

/// Not painted by that line.
const NONE: u32 = u32::MAX;

/// Main's and development's first-parent lines over every commit they reach; a [`Graph`]
/// that answers the questions of R3's classification from it and asks the repository the rest.
pub struct Lines<'r> {
    repo: &'r Repo,
    ids: Vec<ObjectId>,
    at: HashMap<ObjectId, u32>,
    /// Node `n`'s parents are `parents[spans[n].0..spans[n].1]`.
    parents: Vec<u32>,
    spans: Vec<(u32, u32)>,
    times: Vec<i64>,
    main: Line,
    development: Line,
    /// For each commit of main's line that merges one branch: the oldest point of development's
    /// line that reaches one of the commits it brings (`NONE`: none does).
    brings: Vec<u32>,
}

/// A first-parent line, newest first, and for every node the position of the oldest line
/// commit that reaches it (`NONE` when none does).
struct Line {
    nodes: Vec<u32>,
    painted: Vec<u32>,
}

impl Repo {
    /// Reads every commit `main` and `development` reach, once, and paints both lines.
    pub fn lines(&self, main: ObjectId, development: ObjectId) -> Result<Lines<'_>> {
        use gix::hashtable::hash_map::Entry;
        use gix::objs::FindExt;
        use gix::objs::commit::ref_iter::Token;
        let objects = self.uncached();
        // A commit is numbered when first seen, so that each parent is looked up once.
        let (mut ids, mut at) = (Vec::new(), HashMap::<ObjectId, u32>::default());
        let mut number = |id: ObjectId, ids: &mut Vec<ObjectId>| match at.entry(id) {
            Entry::Occupied(known) => (*known.get(), false),
            Entry::Vacant(slot) => {
                ids.push(id);
                (*slot.insert(ids.len() as u32 - 1), true)
            }
        };
        let mut next = vec![number(main, &mut ids).0, number(development, &mut ids).0];
        next.dedup();
        let (mut parents, mut spans, mut times) = (Vec::new(), Vec::new(), Vec::new());
        let mut buf = Vec::new();
        while let Some(node) = next.pop() {
            let id = ids[node as usize];
            let (start, mut time) = (parents.len() as u32, 0);
            for token in
                objects.find_commit_iter(&id, &mut buf).map_err(fail("cannot read commit"))?
            {
                match token.map_err(fail("cannot read commit"))? {
                    Token::Parent { id } => {
                        let (parent, new) = number(id, &mut ids);
                        parents.push(parent);
                        if new {
                            next.push(parent);
                        }
                    }
                    Token::Committer { signature } => {
                        time = signature.seconds();
                        break;
                    }
                    _ => {}
                }
            }
            let slot = node as usize;
            if spans.len() <= slot {
                spans.resize(ids.len(), (0, 0));
                times.resize(ids.len(), 0);
            }
            spans[slot] = (start, parents.len() as u32);
            times[slot] = time;
        }
        spans.resize(ids.len(), (0, 0));
        times.resize(ids.len(), 0);
        let mut lines = Lines {
            repo: self,
            ids,
            at,
            parents,
            spans,
            times,
            main: Line { nodes: Vec::new(), painted: Vec::new() },
            development: Line { nodes: Vec::new(), painted: Vec::new() },
            brings: Vec::new(),
        };
        let main_nodes = lines.first_parents(lines.at[&main]);
        // Every merge on main's line has its message read: on a second thread, while painting.
        self.read_messages_ahead(main_nodes.iter().map(|&n| lines.ids[n as usize]).collect());
        lines.main = lines.paint(main_nodes);
        lines.development = lines.paint(lines.first_parents(lines.at[&development]));
        lines.brings = vec![NONE; lines.main.nodes.len()];
        for (node, &position) in lines.main.painted.iter().enumerate() {
            let dev = lines.development.painted[node];
            if position != NONE && dev != NONE && lines.main.nodes[position as usize] != node as u32
            {
                let brings = &mut lines.brings[position as usize];
                *brings = if *brings == NONE { dev } else { (*brings).max(dev) };
            }
        }
        Ok(lines)
    }
}

impl<'r> Lines<'r> {
    fn parents_of(&self, node: u32) -> &[u32] {
        let (start, end) = self.spans[node as usize];
        &self.parents[start as usize..end as usize]
    }

    /// The first-parent line from `tip`, newest first.
    fn first_parents(&self, tip: u32) -> Vec<u32> {
        let mut nodes = vec![tip];
        while let Some(&first) = self.parents_of(*nodes.last().expect("tip")).first() {
            nodes.push(first);
        }
        nodes
    }

    /// Each commit painted by the oldest commit of the line `nodes` (newest first) that
    /// reaches it: oldest first, each flood stops at what an older one painted.
    fn paint(&self, nodes: Vec<u32>) -> Line {
        let mut painted = vec![NONE; self.ids.len()];
        let mut stack = Vec::new();
        for (position, &node) in nodes.iter().enumerate().rev() {
            stack.push(node);
            while let Some(at) = stack.pop() {
                if painted[at as usize] == NONE {
                    painted[at as usize] = position as u32;
                    stack.extend(self.parents_of(at));
                }
            }
        }
        Line { nodes, painted }
    }

    /// Main's line, newest first, with committer times (as [`Repo::first_parent_line`]).
    pub fn main_line(&self) -> impl Iterator<Item = Result<(ObjectId, i64)>> + '_ {
        self.entries(&self.main)
    }

    /// Development's line, likewise.
    pub fn development_line(&self) -> impl Iterator<Item = Result<(ObjectId, i64)>> + '_ {
        self.entries(&self.development)
    }

    fn entries<'a>(&'a self, line: &'a Line) -> impl Iterator<Item = Result<(ObjectId, i64)>> + 'a {
        line.nodes.iter().map(|&n| Ok((self.ids[n as usize], self.times[n as usize])))
    }

    /// The oldest commit of development's line that reaches `id`: the first that contains it
    /// (`None`: none does).
    pub fn first_on_development(&self, id: ObjectId) -> Option<ObjectId> {
        let painted = self.development.painted[self.node(id)? as usize];
        (painted != NONE).then(|| self.ids[self.development.nodes[painted as usize] as usize])
    }

    fn node(&self, id: ObjectId) -> Option<u32> {
        self.at.get(&id).copied()
    }

    /// `id`'s position on `line` when it is on it.
    fn position(&self, line: &Line, id: ObjectId) -> Option<u32> {
        let node = self.node(id)?;
        let position = line.painted[node as usize];
        (position != NONE && line.nodes[position as usize] == node).then_some(position)
    }

    /// Whether `ancestor` reaches-into `line` at `position` or older: painted by it.
    fn painted_at_or_below(&self, line: &Line, ancestor: ObjectId, position: u32) -> Option<bool> {
        let painted = line.painted[self.node(ancestor)? as usize];
        Some(painted != NONE && painted >= position)
    }
}

impl Graph for Lines<'_> {
    type Id = ObjectId;
    type Error = crate::error::Error;

    fn parents(&self, id: ObjectId) -> Result<Vec<ObjectId>> {
        match self.node(id) {
            Some(node) => Ok(self.parents_of(node).iter().map(|&p| self.ids[p as usize]).collect()),
            None => self.repo.parents(id),
        }
    }

    fn is_ancestor(&self, ancestor: ObjectId, descendant: ObjectId) -> Result<bool> {
        for line in [&self.main, &self.development] {
            if let Some(position) = self.position(line, descendant)
                && let Some(answer) = self.painted_at_or_below(line, ancestor, position)
            {
                return Ok(answer);
            }
        }
        self.repo.is_ancestor(ancestor, descendant)
    }

    fn brings_commits_of(&self, tip: ObjectId, other: ObjectId, within: ObjectId) -> Result<bool> {
        // A merge of one branch on main (`within` its first parent), against development as
        // it stood: whether what it brings reaches into development there or older.
        if let (Some(first), Some(then)) =
            (self.position(&self.main, within), self.position(&self.development, other))
            && let Some(merge) = first.checked_sub(1)
            && self.parents(self.ids[self.main.nodes[merge as usize] as usize])? == [within, tip]
        {
            let brings = self.brings[merge as usize];
            return Ok(brings != NONE && brings >= then);
        }
        self.repo.brings_commits_of(tip, other, within)
    }

    fn shares_commits_outside(
        &self,
        tip: ObjectId,
        other: ObjectId,
        within: ObjectId,
    ) -> Result<Option<ObjectId>> {
        self.repo.shares_commits_outside(tip, other, within)
    }

    fn merge_bases(&self, a: ObjectId, b: ObjectId) -> Result<Vec<ObjectId>> {
        self.repo.merge_bases(a, b)
    }

    fn commits(
        &self,
        include: &[ObjectId],
        exclude: &[ObjectId],
        first_parent: bool,
    ) -> Result<Vec<ObjectId>> {
        self.repo.commits(include, exclude, first_parent)
    }

    fn message(&self, id: ObjectId) -> Result<String> {
        self.repo.message(id)
    }

    fn short(&self, id: ObjectId) -> String {
        self.repo.short(id)
    }

    fn patch_ids(&self, diffs: &[Diff<ObjectId>]) -> Result<Vec<Option<String>>> {
        self.repo.patch_ids(diffs)
    }
}
