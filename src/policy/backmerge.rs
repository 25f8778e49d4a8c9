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

/// R1, R8 and R4 over a stretch of development's history, for CI where no hook ran: `line`
/// is that stretch of development's first-parent line, and `dev.old` = `dev.new` is
/// development's tip at its end, so that copies are looked for among what main and the hotfix
/// branches have and development still lacks.
pub fn check_history<G: Graph>(
    graph: &G,
    dev: &Push<'_, G::Id>,
    line: &[G::Id],
) -> Result<Vec<Violation>, G::Error> {
    let mut found = Vec::new();
    for &commit in line {
        if graph.parents(commit)?.len() < 2 {
            continue;
        }
        let named = merged_branch(&graph.message(commit)?);
        if let Some(v) = named.and_then(|branch| dev.naming.check(&branch)) {
            found.push(v.at(CommitRef::of(graph, commit)?));
        }
    }
    found.extend(check_order(graph, dev, line)?);
    let development = dev.development;
    for copy in check_copies(graph, dev, line)? {
        found.push(copy.fix(format!(
            "the copy is in {development}'s history now: merge the hotfix branch itself into {development} (git merge --no-ff <hotfix branch>) so that its own commits arrive too, and merge hotfixes instead of copying them from now on"
        )));
    }
    Ok(found)
}

/// R8: no hotfix reaches development before main has it.
fn check_order<G: Graph>(
    graph: &G,
    push: &Push<'_, G::Id>,
    arriving: &[G::Id],
) -> Result<Vec<Violation>, G::Error> {
    let arriving_set: HashSet<_> = arriving.iter().copied().collect();
    // Every hotfix tip that arrives, by branch or by a merge naming it: (name, tip, merge).
    let mut arrived: Vec<(String, G::Id, Option<G::Id>)> = Vec::new();
    for hotfix in push.hotfixes {
        if arriving_set.contains(&hotfix.tip) {
            arrived.push((hotfix.name.clone(), hotfix.tip, None));
        }
    }
    for &commit in arriving {
        let parents = graph.parents(commit)?;
        let Some(&merged) = parents.get(1) else { continue };
        let Some(name) = merged_branch(&graph.message(commit)?) else { continue };
        if push.naming.desc(&name).is_some() {
            arrived.push((name, merged, Some(commit)));
        }
    }
    // One question for all of them: over a long history there are hundreds.
    let tips: Vec<_> = arrived.iter().map(|(_, tip, _)| *tip).collect();
    let on_main = graph.ancestors_among(push.main, &tips)?;
    let mut early: Vec<(String, G::Id, Option<G::Id>)> = Vec::new();
    for (name, tip, merge) in arrived {
        let known = merge.is_some() && early.iter().any(|(n, t, _)| *n == name || *t == tip);
        if !known && !on_main.contains(&tip) {
            early.push((name, tip, merge));
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
                if arriving_set.contains(merged) {
                    continue; // the merged branch arrives as itself (one already there is a release below)
                }
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
    // A one-commit hotfix's merge has the same identity as its commit: name the commit.
    for (id, (_, source)) in source_ids.iter().zip(&sources) {
        if let Some(id) = id {
            let commit_level = matches!(source, Source::Commit(_));
            by_patch
                .entry(id.as_str())
                .and_modify(|known| {
                    if commit_level && !matches!(known, Source::Commit(_)) {
                        *known = source;
                    }
                })
                .or_insert(source);
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
    graph.brings_commits_of(merged, push.old, first)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::graph::fake::{FakeGraph, naming};

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

    /// hotfix/a is one commit, h1, merged into main as M: its merge's change equals h1's.
    fn one_commit_hotfix() -> FakeGraph {
        let mut g = FakeGraph::new();
        g.commit("root", &[], "root")
            .commit("m1", &["root"], "m1")
            .commit("d1", &["m1"], "Merge branch 'feature/x' into development")
            .commit("h1", &["m1"], "fix one")
            .commit("M", &["m1", "h1"], "Merge branch 'hotfix/a'");
        g
    }

    #[test]
    fn accepts_the_back_merge_of_a_one_commit_hotfix() {
        // h1 arriving as itself is no copy, although its change equals its merge's on main.
        let mut g = one_commit_hotfix();
        g.commit("B", &["d1", "h1"], "Merge branch 'hotfix/a' into development");
        let one = [Hotfix { name: "hotfix/a".into(), tip: "h1" }];
        assert_eq!(check(&g, "B", "M", &[]), vec![]);
        assert_eq!(check(&g, "B", "M", &one), vec![]);
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
    fn a_copy_of_a_one_commit_hotfix_names_the_commit() {
        let mut g = one_commit_hotfix();
        g.copy("C", &["d1"], "fix one", "h1");
        let found = check(&g, "C", "M", &[]);
        assert_eq!(found.len(), 1, "{found:?}");
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

    /// R1, R8, R4 over development's first-parent line ending at `tip`, main at `main`.
    fn check_line(g: &FakeGraph, tip: &'static str, main: &'static str) -> Vec<Violation> {
        let n = naming();
        let dev = Push {
            development: "development",
            main_name: "main",
            old: tip,
            new: tip,
            main,
            hotfixes: &[],
            naming: &n,
        };
        let line = g.commits(&[tip], &[], true).unwrap();
        check_history(g, &dev, &line).unwrap()
    }

    #[test]
    fn history_with_true_back_merges_is_clean() {
        let mut g = base();
        g.commit("B", &["d1", "h2"], "Merge branch 'hotfix/a' into development").commit(
            "F",
            &["B"],
            "Feature y (#9)",
        );
        assert_eq!(check_line(&g, "F", "M"), vec![]);
    }

    #[test]
    fn history_names_a_cherry_picked_copy_with_a_fix_for_history() {
        let mut g = base();
        g.copy("C", &["d1"], "fix one", "h1");
        let found = check_line(&g, "C", "M");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].rule, found[0].commit.as_ref().unwrap().id.as_str()), (Rule::R4, "C"));
        assert!(found[0].fix.contains("in development's history now"), "{}", found[0].fix);
        // Once development has the hotfix itself, the copy no longer stands alone: not flagged.
        g.commit("B", &["C", "h2"], "Merge branch 'hotfix/a' into development");
        assert_eq!(check_line(&g, "B", "M"), vec![]);
    }

    #[test]
    fn history_applies_r1_and_r8_to_merged_hotfix_branches() {
        let mut g = base();
        g.commit("x1", &["m1"], "fix").commit(
            "B",
            &["d1", "x1"],
            "Merge branch 'hotfix/Bad_Name' into development",
        );
        let found = check_line(&g, "B", "M");
        let rules: Vec<_> = found.iter().map(|v| v.rule).collect();
        assert_eq!(rules, [Rule::R1, Rule::R8], "{found:?}");
        assert!(found.iter().all(|v| v.commit.as_ref().unwrap().id == "B"));
        // A back-merge made after main has the hotfix, with a good name: nothing.
        let mut g = base();
        g.commit("B", &["d1", "h2"], "Merge branch 'hotfix/a' into development");
        assert_eq!(check_line(&g, "B", "M"), vec![]);
        assert_eq!(check_line(&g, "B", "m1").len(), 1, "main without the hotfix: R8");
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
