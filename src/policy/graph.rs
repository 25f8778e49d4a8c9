//! The questions the rules ask about history, as a trait: `repo` answers them with gix, the
//! unit tests with a small in-memory graph.

use std::collections::HashSet;
use std::fmt::Debug;
use std::hash::Hash;

/// One diff whose patch identity a rule wants: a commit against its first parent, or the
/// combined change between two commits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Diff<Id> {
    Commit(Id),
    Range { base: Id, tip: Id },
}

/// Read-only access to a commit graph. Every method answers what the `git` command named in
/// its doc answers.
pub trait Graph {
    type Id: Copy + Eq + Hash + Ord + Debug;
    type Error: std::error::Error + Send + Sync + 'static;

    /// The parents in order (`git rev-parse C^@`).
    fn parents(&self, id: Self::Id) -> Result<Vec<Self::Id>, Self::Error>;
    /// `git merge-base --is-ancestor ancestor descendant`.
    fn is_ancestor(&self, ancestor: Self::Id, descendant: Self::Id) -> Result<bool, Self::Error>;
    /// `git merge-base --all a b`.
    fn merge_bases(&self, a: Self::Id, b: Self::Id) -> Result<Vec<Self::Id>, Self::Error>;
    /// `git rev-list [--first-parent] include --not exclude`, newest first.
    fn commits(
        &self,
        include: &[Self::Id],
        exclude: &[Self::Id],
        first_parent: bool,
    ) -> Result<Vec<Self::Id>, Self::Error>;
    /// The full commit message.
    fn message(&self, id: Self::Id) -> Result<String, Self::Error>;
    /// An abbreviated id for messages.
    fn short(&self, id: Self::Id) -> String;
    /// `git patch-id --stable` of each diff, in order; `None` for an empty diff. One call per
    /// question so that an implementation can batch the work into one process.
    fn patch_ids(&self, diffs: &[Diff<Self::Id>]) -> Result<Vec<Option<String>>, Self::Error>;

    /// Which of `candidates` are ancestors of `tip` (`git merge-base --is-ancestor` for each),
    /// asked together so that an implementation can answer many in one walk.
    fn ancestors_among(
        &self,
        tip: Self::Id,
        candidates: &[Self::Id],
    ) -> Result<HashSet<Self::Id>, Self::Error> {
        let mut found = HashSet::new();
        for &candidate in candidates {
            if self.is_ancestor(candidate, tip)? {
                found.insert(candidate);
            }
        }
        Ok(found)
    }

    /// The first line of the message.
    fn subject(&self, id: Self::Id) -> Result<String, Self::Error> {
        Ok(self.message(id)?.lines().next().unwrap_or("").trim().to_owned())
    }

    /// Some commit that `tip` brings (reachable from it, not from `within`) and `other` has:
    /// a merge base of `tip` and `other` outside `within`'s history, which exists exactly
    /// when such a commit does. Answers "does `tip` bring commits of `other` that `within`
    /// lacks", naming the newest of them, without listing them.
    fn shares_commits_outside(
        &self,
        tip: Self::Id,
        other: Self::Id,
        within: Self::Id,
    ) -> Result<Option<Self::Id>, Self::Error> {
        merge_base_outside(self, tip, other, within)
    }

    /// Whether [`Graph::shares_commits_outside`] finds some commit, without naming it: a
    /// classification asks this of every merge, and finding the newest shared commit costs a
    /// merge-base search the answer alone does not need.
    fn brings_commits_of(
        &self,
        tip: Self::Id,
        other: Self::Id,
        within: Self::Id,
    ) -> Result<bool, Self::Error> {
        Ok(self.shares_commits_outside(tip, other, within)?.is_some())
    }
}

/// [`Graph::shares_commits_outside`] by its definition: the first merge base of `tip` and
/// `other` that `within` does not reach.
pub fn merge_base_outside<G: Graph + ?Sized>(
    graph: &G,
    tip: G::Id,
    other: G::Id,
    within: G::Id,
) -> Result<Option<G::Id>, G::Error> {
    for base in graph.merge_bases(tip, other)? {
        if !graph.is_ancestor(base, within)? {
            return Ok(Some(base));
        }
    }
    Ok(None)
}

#[cfg(test)]
pub mod fake {
    //! A commit graph in memory for the rule tests: commits named by short strings.

    use super::{Diff, Graph};
    use std::collections::{BTreeMap, BTreeSet, VecDeque};

    #[derive(Debug)]
    pub struct Never;
    impl std::fmt::Display for Never {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("never")
        }
    }
    impl std::error::Error for Never {}

    /// The default naming rule: `hotfix/` and SPEC's pattern.
    pub fn naming() -> crate::policy::Naming {
        crate::policy::Naming {
            prefix: "hotfix/".into(),
            pattern: regex::Regex::new(crate::config::DEFAULT_NAME_PATTERN).unwrap().into(),
        }
    }

    #[derive(Default)]
    pub struct FakeGraph {
        commits: BTreeMap<&'static str, (Vec<&'static str>, String, String)>,
    }

    impl FakeGraph {
        pub fn new() -> Self {
            Self::default()
        }

        /// Adds a commit; `patch` is its patch identity (defaults to its name, i.e. unique).
        pub fn commit(
            &mut self,
            id: &'static str,
            parents: &[&'static str],
            msg: &str,
        ) -> &mut Self {
            self.commits.insert(id, (parents.to_vec(), msg.to_owned(), id.to_owned()));
            self
        }

        /// Adds a commit whose patch identity equals `patch`.
        pub fn copy(
            &mut self,
            id: &'static str,
            parents: &[&'static str],
            msg: &str,
            patch: &str,
        ) -> &mut Self {
            self.commits.insert(id, (parents.to_vec(), msg.to_owned(), patch.to_owned()));
            self
        }

        fn ancestors(&self, tips: &[&'static str], first_parent: bool) -> BTreeSet<&'static str> {
            let mut seen = BTreeSet::new();
            let mut queue: VecDeque<_> = tips.iter().copied().collect();
            while let Some(id) = queue.pop_front() {
                if seen.insert(id) {
                    let parents = &self.commits[id].0;
                    let take = if first_parent { parents.len().min(1) } else { parents.len() };
                    queue.extend(parents[..take].iter().copied());
                }
            }
            seen
        }
    }

    impl Graph for FakeGraph {
        type Id = &'static str;
        type Error = Never;

        fn parents(&self, id: Self::Id) -> Result<Vec<Self::Id>, Never> {
            Ok(self.commits[id].0.clone())
        }
        fn is_ancestor(&self, a: Self::Id, b: Self::Id) -> Result<bool, Never> {
            Ok(self.ancestors(&[b], false).contains(a))
        }
        fn merge_bases(&self, a: Self::Id, b: Self::Id) -> Result<Vec<Self::Id>, Never> {
            let common: BTreeSet<_> = self
                .ancestors(&[a], false)
                .intersection(&self.ancestors(&[b], false))
                .copied()
                .collect();
            // The best common ancestors: those that are not an ancestor of another one.
            Ok(common
                .iter()
                .copied()
                .filter(|c| {
                    !common.iter().any(|o| o != c && self.ancestors(&[o], false).contains(c))
                })
                .collect())
        }
        fn commits(
            &self,
            include: &[Self::Id],
            exclude: &[Self::Id],
            first_parent: bool,
        ) -> Result<Vec<Self::Id>, Never> {
            let hidden = self.ancestors(exclude, false);
            let mut out = Vec::new();
            let mut queue: VecDeque<_> = include.iter().copied().collect();
            let mut seen = BTreeSet::new();
            while let Some(id) = queue.pop_front() {
                if hidden.contains(id) || !seen.insert(id) {
                    continue;
                }
                out.push(id);
                let parents = &self.commits[id].0;
                let take = if first_parent { parents.len().min(1) } else { parents.len() };
                queue.extend(parents[..take].iter().copied());
            }
            Ok(out)
        }
        fn message(&self, id: Self::Id) -> Result<String, Never> {
            Ok(self.commits[id].1.clone())
        }
        fn short(&self, id: Self::Id) -> String {
            id.to_owned()
        }
        fn patch_ids(&self, diffs: &[Diff<Self::Id>]) -> Result<Vec<Option<String>>, Never> {
            Ok(diffs
                .iter()
                .map(|d| match d {
                    Diff::Commit(id) => Some(self.commits[id].2.clone()),
                    // A range's identity: the patches of its commits, joined.
                    Diff::Range { base, tip } => {
                        let mut ids: Vec<_> = self
                            .commits(&[tip], &[base], false)
                            .unwrap()
                            .into_iter()
                            .filter(|c| self.commits[c].0.len() == 1)
                            .map(|c| self.commits[c].2.clone())
                            .collect();
                        ids.sort();
                        Some(ids.join("+"))
                    }
                })
                .collect())
        }
    }
}
