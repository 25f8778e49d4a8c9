//! R4 and R8: a hotfix reaches development as the same commits, through a merge, after main.

use super::{CommitRef, Diff, Graph, Naming, Rule, Violation, message::merged_branch};
use std::collections::{HashMap, HashSet};

/// A hotfix branch known locally (local or remote-tracking), by short name.
#[derive(Debug, Clone)]
pub struct Hotfix<Id> {
    pub name: String,
    pub tip: Id,
}

/// What a push that moves development from `old` to `new` is checked against.
pub struct Push<'a, Id> {
    pub development: &'a str,
    pub main_name: &'a str,
    pub old: Id,
    pub new: Id,
    pub main: Id,
    pub hotfixes: &'a [Hotfix<Id>],
    pub naming: &'a Naming,
}

/// A change a copy could have been made from: its diff, and where it came from.
type Candidate<Id> = (Diff<Id>, Source<Id>);

/// Where a copied change came from.
enum Source<Id> {
    Commit(Id),
    Squash(String),
}

/// R8 then R4 for the commits the push brings into development.
pub fn check_development<G: Graph>(
    graph: &G,
    push: &Push<'_, G::Id>,
) -> Result<Vec<Violation>, G::Error> {
    let arriving = graph.commits(&[push.new], &[push.old], false)?;
    if arriving.is_empty() {
        return Ok(Vec::new());
    }
    let mut found = check_order(graph, push, &arriving)?;
    found.extend(check_copies(graph, push, &arriving)?);
    Ok(found)
}

/// R8: no hotfix reaches development before main has it.
fn check_order<G: Graph>(
    graph: &G,
    push: &Push<'_, G::Id>,
    arriving: &[G::Id],
) -> Result<Vec<Violation>, G::Error> {
    let arriving_set: HashSet<_> = arriving.iter().copied().collect();
    let mut early: Vec<(String, G::Id, Option<G::Id>)> = Vec::new();
    for hotfix in push.hotfixes {
        if arriving_set.contains(&hotfix.tip) && !graph.is_ancestor(hotfix.tip, push.main)? {
            early.push((hotfix.name.clone(), hotfix.tip, None));
        }
    }
    for &commit in arriving {
        let parents = graph.parents(commit)?;
        let Some(&merged) = parents.get(1) else { continue };
        let Some(name) = merged_branch(&graph.message(commit)?) else { continue };
        if push.naming.desc(&name).is_none()
            || early.iter().any(|(n, t, _)| *n == name || *t == merged)
        {
            continue;
        }
        if !graph.is_ancestor(merged, push.main)? {
            early.push((name, merged, Some(commit)));
        }
    }
    let main = push.main_name;
    early
        .into_iter()
        .map(|(name, tip, merge)| {
            let v = Violation::error(
                Rule::R8,
                push.development,
                format!(
                    "'{name}' reaches {} before {main}: {} is not on {main} yet",
                    push.development,
                    graph.short(tip)
                ),
            )
            .fix(format!(
                "merge '{name}' into {main} first (pull request or git hotfix finish), watch the deployment, then into {}",
                push.development
            ));
            Ok(match merge {
                Some(merge) => v.at(CommitRef::of(graph, merge)?),
                None => v.at(CommitRef::of(graph, tip)?),
            })
        })
        .collect()
}

/// R4: no squashed, rebased or cherry-picked copy of a hotfix's changes arrives on development.
/// Copies are found by patch identity against every hotfix commit development lacks and
/// against each hotfix's combined change, in one batched question.
fn check_copies<G: Graph>(
    graph: &G,
    push: &Push<'_, G::Id>,
    arriving: &[G::Id],
) -> Result<Vec<Violation>, G::Error> {
    let mut tips = vec![push.main];
    tips.extend(push.hotfixes.iter().map(|h| h.tip));
    let outstanding = graph.commits(&tips, &[push.old], false)?;
    // A hotfix commit arriving as itself (the back-merge) is no copy, even when its change
    // equals its whole hotfix's (a one-commit hotfix).
    let originals: HashSet<_> = outstanding.iter().copied().collect();
    let mut new_commits = Vec::new();
    for &commit in arriving {
        if !originals.contains(&commit) && graph.parents(commit)?.len() == 1 {
            new_commits.push(commit);
        }
    }
    if new_commits.is_empty() {
        return Ok(Vec::new());
    }
    let arriving_set: HashSet<_> = arriving.iter().copied().collect();
    let mut sources: Vec<Candidate<G::Id>> = Vec::new();
    for &commit in &outstanding {
        if arriving_set.contains(&commit) {
            continue; // arrives as itself: that is the point
        }
        let parents = graph.parents(commit)?;
        match parents.as_slice() {
            [_] => sources.push((Diff::Commit(commit), Source::Commit(commit))),
            [first, merged, ..] => {
                let label = merged_branch(&graph.message(commit)?)
                    .unwrap_or_else(|| format!("merged by {}", graph.short(commit)));
                if !is_release(graph, *first, *merged, push)? {
                    sources
                        .push((Diff::Range { base: *first, tip: commit }, Source::Squash(label)));
                }
            }
            [] => {}
        }
    }
    for hotfix in push.hotfixes {
        if arriving_set.contains(&hotfix.tip) || graph.is_ancestor(hotfix.tip, push.main)? {
            continue; // arrives as itself, or its merge on main is already a source
        }
        if let Some(&base) = graph.merge_bases(hotfix.tip, push.main)?.first() {
            sources
                .push((Diff::Range { base, tip: hotfix.tip }, Source::Squash(hotfix.name.clone())));
        }
    }
    if sources.is_empty() {
        return Ok(Vec::new());
    }
    let mut diffs: Vec<_> = new_commits.iter().map(|&c| Diff::Commit(c)).collect();
    diffs.extend(sources.iter().map(|(d, _)| *d));
    let ids = graph.patch_ids(&diffs)?;
    let (new_ids, source_ids) = ids.split_at(new_commits.len());
    let mut by_patch: HashMap<&str, &Source<G::Id>> = HashMap::new();
    // Later entries are ranges; keep the first (commit-level) match for each identity.
    for (id, (_, source)) in source_ids.iter().zip(&sources).rev() {
        if let Some(id) = id {
            by_patch.insert(id.as_str(), source);
        }
    }
    let dev = push.development;
    let mut found = Vec::new();
    for (&commit, id) in new_commits.iter().zip(new_ids) {
        let Some(source) = id.as_deref().and_then(|id| by_patch.get(id)) else { continue };
        let what = match source {
            Source::Commit(original) => format!(
                "a rebased or cherry-picked copy of hotfix commit {} \"{}\"",
                graph.short(*original),
                graph.subject(*original)?
            ),
            Source::Squash(name) => format!("a squashed copy of hotfix '{name}'"),
        };
        found.push(
            Violation::error(
                Rule::R4,
                dev,
                format!("{} is {what}: hotfixes reach {dev} as the same commits, by a merge commit", graph.short(commit)),
            )
            .at(CommitRef::of(graph, commit)?)
            .fix(format!(
                "drop the copy (git reset --keep {}) and merge the hotfix branch itself: git merge --no-ff <hotfix branch>",
                graph.short(push.old)
            )),
        );
    }
    Ok(found)
}

/// Whether a merge on main with parents `first` and `merged` was a release: it brought
/// development's own work, so its combined change is never a hotfix to copy.
fn is_release<G: Graph>(
    graph: &G,
    first: G::Id,
    merged: G::Id,
    push: &Push<'_, G::Id>,
) -> Result<bool, G::Error> {
    Ok(graph.shares_commits_outside(merged, push.old, first)?.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::graph::fake::FakeGraph;
    use regex::Regex;

    fn naming() -> Naming {
        Naming {
            prefix: "hotfix/".into(),
            pattern: Regex::new(crate::config::DEFAULT_NAME_PATTERN).unwrap(),
        }
    }

    /// root ─ m1 (main base); development d1 off m1; hotfix/a: h1 ─ h2 off m1, merged into main as M.
    fn base() -> FakeGraph {
        let mut g = FakeGraph::new();
        g.commit("root", &[], "root")
            .commit("m1", &["root"], "m1")
            .commit("d1", &["m1"], "Merge branch 'feature/x' into development")
            .commit("h1", &["m1"], "fix one")
            .commit("h2", &["h1"], "fix two")
            .commit("M", &["m1", "h2"], "Merge branch 'hotfix/a'");
        g
    }

    fn check(
        g: &FakeGraph,
        new: &'static str,
        main: &'static str,
        hotfixes: &[Hotfix<&'static str>],
    ) -> Vec<Violation> {
        let n = naming();
        let push = Push {
            development: "development",
            main_name: "main",
            old: "d1",
            new,
            main,
            hotfixes,
            naming: &n,
        };
        check_development(g, &push).unwrap()
    }

    fn hotfix_a() -> Vec<Hotfix<&'static str>> {
        vec![Hotfix { name: "hotfix/a".into(), tip: "h2" }]
    }

    #[test]
    fn accepts_the_true_back_merge() {
        let mut g = base();
        g.commit("B", &["d1", "h2"], "Merge branch 'hotfix/a' into development");
        assert_eq!(check(&g, "B", "M", &hotfix_a()), vec![]);
        assert_eq!(check(&g, "B", "M", &[]), vec![]);
    }

    #[test]
    fn accepts_the_back_merge_of_a_one_commit_hotfix() {
        // The commit's change equals its hotfix's combined change: still itself, not a copy.
        let mut g = base();
        g.commit("h", &["m1"], "fix").commit("M1", &["M", "h"], "Merge branch 'hotfix/b'").commit(
            "B",
            &["d1", "h"],
            "Merge branch 'hotfix/b' into development",
        );
        let hotfix_b = vec![Hotfix { name: "hotfix/b".into(), tip: "h" }];
        assert_eq!(check(&g, "B", "M1", &hotfix_b), vec![]);
        assert_eq!(check(&g, "B", "M1", &[]), vec![]);
    }

    #[test]
    fn accepts_a_squashed_feature() {
        let mut g = base();
        g.commit("F", &["d1"], "Feature y (#9)");
        assert_eq!(check(&g, "F", "M", &hotfix_a()), vec![]);
    }

    #[test]
    fn rejects_a_cherry_picked_copy() {
        let mut g = base();
        g.copy("C", &["d1"], "fix one", "h1");
        let found = check(&g, "C", "M", &[]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].rule, Rule::R4);
        assert!(found[0].message.contains("copy of hotfix commit h1"), "{}", found[0].message);
    }

    #[test]
    fn rejects_a_squashed_copy_of_a_merged_hotfix() {
        let mut g = base();
        g.copy("S", &["d1"], "Hotfix a (#4)", "h1+h2");
        let found = check(&g, "S", "M", &[]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].message.contains("squashed copy of hotfix 'hotfix/a'"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn rejects_a_squash_of_an_unmerged_hotfix_branch_and_the_order() {
        let mut g = base();
        g.copy("S", &["d1"], "Hotfix a", "h1+h2");
        // main does not have the hotfix yet (main = m1).
        let found = check(&g, "S", "m1", &hotfix_a());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].rule, Rule::R4);
    }

    #[test]
    fn r8_rejects_a_back_merge_before_main() {
        let mut g = base();
        g.commit("B", &["d1", "h2"], "Merge branch 'hotfix/a' into development");
        let found = check(&g, "B", "m1", &hotfix_a());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].rule, Rule::R8);
        // Known only from the merge message (no local branch).
        let found = check(&g, "B", "m1", &[]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].commit.as_ref().unwrap().id, "B");
    }

    #[test]
    fn release_changes_are_not_hotfix_sources() {
        // main gets a release merge of development plus a version bump; development then takes
        // an unrelated commit that happens to equal the bump: not this rule's business.
        let mut g = base();
        g.commit("v", &["d1"], "Bump version")
            .commit("R", &["M", "v"], "Merge branch 'release/2'")
            .copy("X", &["d1"], "feature", "unrelated");
        assert_eq!(check(&g, "X", "R", &[]), vec![]);
    }
}
