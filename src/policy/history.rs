//! main's history as verify's history mode judges it: each commit of main's first-parent line
//! against development as it stood when that commit was made, rather than development as it
//! is today. `verify` prints what this finds; `report` lists the hotfixes it finds.

use super::topology::{self, MergeKind, Names};
use super::{Graph, Violation};
use std::iter::Peekable;

/// One commit of main's first-parent line, judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judged<Id> {
    pub commit: Id,
    /// Committer time, seconds since the epoch: when it reached main.
    pub time: i64,
    /// What the merge brought (`None`: not a merge).
    pub kind: Option<MergeKind>,
    /// R3, and R1 or R2 for a hotfix merge.
    pub violations: Vec<Violation>,
}

impl<Id> Judged<Id> {
    /// A commit that reached main without a merge (squash, rebase, fast-forward or a direct
    /// commit): the way a hotfix skips the process. A root commit is bootstrap, not this.
    pub fn without_merge(&self) -> bool {
        self.kind.is_none() && !self.violations.is_empty()
    }
}

/// R3 and the classification of each commit of main's first-parent line, newest first, each
/// against development as it stood then ([`as_it_stood`]): the one judgement of history that
/// `verify` and `report` share.
pub fn judge<G, M, D>(
    graph: &G,
    names: Names<'_>,
    main: M,
    development: D,
) -> impl Iterator<Item = Result<Judged<G::Id>, G::Error>>
where
    G: Graph,
    M: Iterator<Item = Result<(G::Id, i64), G::Error>>,
    D: Iterator<Item = Result<(G::Id, i64), G::Error>>,
{
    as_it_stood(main, development).map(move |entry| {
        let (commit, time, development_then) = entry?;
        let (kind, violations) = topology::check_commit(graph, &names, commit, development_then)?;
        Ok(Judged { commit, time, kind, violations })
    })
}

/// Pairs each commit of main's first-parent line (with its committer time) with development
/// as it stood when that commit was made: the newest commit of development's first-parent line
/// committed strictly before it (`None` when development had none yet). Both lines come newest
/// first with their committer times and are read together in one pass, development only as
/// far back as main goes, so neither line is ever held in memory.
///
/// Strictly before: a development commit from the same second as a merge on main is more
/// likely that merge's own back-merge than something the merge could have seen. The pointer
/// on development only moves back in time, so when committer clocks disagree (a main commit
/// dated after its child) that commit sees development as it stood for its child.
pub fn as_it_stood<Id, E, M, D>(main: M, development: D) -> AsItStood<M, D>
where
    M: Iterator<Item = Result<(Id, i64), E>>,
    D: Iterator<Item = Result<(Id, i64), E>>,
{
    AsItStood { main, development: development.peekable() }
}

/// The iterator of [`as_it_stood`]: `(commit on main, its time, development then)`.
pub struct AsItStood<M, D: Iterator> {
    main: M,
    development: Peekable<D>,
}

impl<Id: Copy, E, M, D> Iterator for AsItStood<M, D>
where
    M: Iterator<Item = Result<(Id, i64), E>>,
    D: Iterator<Item = Result<(Id, i64), E>>,
{
    type Item = Result<(Id, i64, Option<Id>), E>;

    fn next(&mut self) -> Option<Self::Item> {
        let (commit, time) = match self.main.next()? {
            Ok(entry) => entry,
            Err(e) => return Some(Err(e)),
        };
        loop {
            match self.development.peek() {
                None => return Some(Ok((commit, time, None))),
                Some(Ok((id, then))) if *then < time => {
                    return Some(Ok((commit, time, Some(*id))));
                }
                Some(Ok(_)) => {
                    self.development.next();
                }
                Some(Err(_)) => {
                    return self.development.next().map(|e| e.map(|_| (commit, time, None)));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Judged, Names, as_it_stood, judge};
    use crate::policy::graph::fake::Never;

    type Line = Vec<Result<(&'static str, i64), String>>;

    fn pairs(main: Line, development: Line) -> Vec<(&'static str, Option<&'static str>)> {
        as_it_stood(main.into_iter(), development.into_iter())
            .map(|entry| entry.map(|(commit, _, then)| (commit, then)).unwrap())
            .collect()
    }

    #[test]
    fn each_commit_sees_the_newest_development_commit_before_it() {
        let main = vec![Ok(("R", 50)), Ok(("M", 30)), Ok(("root", 1))];
        let development = vec![Ok(("d3", 60)), Ok(("d2", 40)), Ok(("d1", 20)), Ok(("root", 1))];
        assert_eq!(
            pairs(main, development),
            [("R", Some("d2")), ("M", Some("d1")), ("root", None)]
        );
    }

    #[test]
    fn a_development_commit_from_the_same_second_is_not_seen() {
        let main = vec![Ok(("M", 30))];
        let development = vec![Ok(("back-merge", 30)), Ok(("d1", 29))];
        assert_eq!(pairs(main, development), [("M", Some("d1"))]);
    }

    #[test]
    fn without_development_every_commit_sees_none() {
        assert_eq!(pairs(vec![Ok(("M", 30))], vec![]), [("M", None)]);
    }

    #[test]
    fn skewed_clocks_never_move_development_forward_again() {
        // M2 claims a later time than its child M1: it sees development as M1 did.
        let main = vec![Ok(("M1", 30)), Ok(("M2", 45))];
        let development = vec![Ok(("d2", 40)), Ok(("d1", 20))];
        assert_eq!(pairs(main, development), [("M1", Some("d1")), ("M2", Some("d1"))]);
    }

    #[test]
    fn reads_development_only_as_far_back_as_main_needs() {
        let main: Line = vec![Ok(("M", 30))];
        let mut read = 0;
        let development = [("d2", 40), ("d1", 20), ("d0", 10)].into_iter().map(|entry| {
            read += 1;
            Ok::<_, String>(entry)
        });
        let out: Vec<_> = as_it_stood(main.into_iter(), development).collect();
        assert_eq!(out, [Ok(("M", 30, Some("d1")))]);
        assert_eq!(read, 2, "d0 is never read");
    }

    #[test]
    fn judges_every_commit_of_the_line_as_verify_does() {
        use crate::policy::graph::fake::{FakeGraph, naming};
        use crate::policy::{Rule, topology::MergeKind};
        let mut g = FakeGraph::new();
        g.commit("root", &[], "Initial commit")
            .commit("d1", &["root"], "Merge branch 'feature/x' into development")
            .commit("h1", &["root"], "Fix the timeout")
            .commit("H", &["root", "h1"], "Merge pull request #4 from acme/hotfix/timeout")
            .commit("R", &["H", "d1"], "Merge branch 'release/1.0'")
            .commit("S", &["R"], "Fix the cache (#7)");
        let n = naming();
        let names = Names { main: "main", development: "development", naming: &n };
        let main = [("S", 40), ("R", 30), ("H", 20), ("root", 1)].map(Ok::<_, Never>);
        let development = [("d1", 10), ("root", 1)].map(Ok::<_, Never>);
        let judged: Vec<_> = judge(&g, names, main.into_iter(), development.into_iter())
            .map(Result::unwrap)
            .collect();
        let kinds: Vec<_> = judged.iter().map(|j| (j.commit, j.time, j.kind.clone())).collect();
        assert_eq!(
            kinds,
            [
                ("S", 40, None),
                ("R", 30, Some(MergeKind::Release)),
                ("H", 20, Some(MergeKind::Hotfix(Some("hotfix/timeout".into())))),
                ("root", 1, None),
            ]
        );
        let without: Vec<_> = judged.iter().map(Judged::without_merge).collect();
        assert_eq!(without, [true, false, false, false], "the root is bootstrap");
        assert_eq!(judged[0].violations[0].rule, Rule::R3);
    }

    #[test]
    fn errors_from_either_line_come_through() {
        let failing: Line = vec![Err("bad main".into())];
        let out: Vec<_> = as_it_stood(failing.into_iter(), Line::new().into_iter()).collect();
        assert_eq!(out, [Err("bad main".to_owned())]);
        let main: Line = vec![Ok(("M", 30))];
        let development: Line = vec![Err("bad development".into())];
        let out: Vec<_> = as_it_stood(main.into_iter(), development.into_iter()).collect();
        assert_eq!(out, [Err("bad development".to_owned())]);
    }
}
