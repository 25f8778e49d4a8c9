//! R3: main moves only by true merge commits, and what each merge brings is classified.

use super::{CommitRef, Graph, Naming, Rule, Violation, message::merged_branch};

/// What a merge into main brought in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MergeKind {
    /// Brings development commits: a sprint release.
    Release,
    /// Brings only commits development does not have, or names a branch under the hotfix
    /// prefix (then bringing development commits breaks R2): a hotfix, from the named branch.
    Hotfix(Option<String>),
    /// Joins main and development only (a merge of main itself, back and forth).
    Neutral,
}

/// The names R3 needs to read merge messages.
#[derive(Debug, Clone, Copy)]
pub struct Names<'a> {
    pub main: &'a str,
    pub development: &'a str,
    pub naming: &'a Naming,
}

impl Names<'_> {
    fn is_trunk(&self, branch: &str) -> bool {
        let short = branch.rsplit_once('/').map_or(branch, |(_, b)| b);
        [self.main, self.development].iter().any(|t| branch == *t || short == *t)
    }
}

/// R3 over the commits a push adds to main's first-parent line (`old..new`, all of it when
/// `old` is `None`). `development` is development's tip for classifying merges.
pub fn check_main<G: Graph>(
    graph: &G,
    names: &Names<'_>,
    old: Option<G::Id>,
    new: G::Id,
    development: Option<G::Id>,
) -> Result<Vec<Violation>, G::Error> {
    let exclude: Vec<_> = old.into_iter().collect();
    let mut found = Vec::new();
    let mut line = graph.commits(&[new], &exclude, true)?;
    line.reverse(); // oldest first, as people read a history
    for commit in line {
        found.extend(check_commit(graph, names, commit, development)?.1);
    }
    Ok(found)
}

/// R3 for one commit on main's first-parent line, with development as it stood for it.
/// Returns how the merge was classified (`None` for non-merges) and what is wrong with it.
pub fn check_commit<G: Graph>(
    graph: &G,
    names: &Names<'_>,
    commit: G::Id,
    development: Option<G::Id>,
) -> Result<(Option<MergeKind>, Vec<Violation>), G::Error> {
    let parents = graph.parents(commit)?;
    let main = names.main;
    let Some((&first, brought)) = parents.split_first() else {
        return Ok((None, Vec::new())); // a root commit starts the line: bootstrap
    };
    let at = || CommitRef::of(graph, commit);
    if brought.is_empty() {
        let v = Violation::error(
            Rule::R3,
            main,
            format!(
                "{} is not a merge commit: {main} takes only merge commits (no squash, rebase, fast-forward or direct commit)",
                graph.short(commit)
            ),
        )
        .at(at()?)
        .fix(format!(
            "merge the branch with a merge commit instead (locally: git merge --no-ff <branch>; on the code host: \"Create a merge commit\"); to undo a local one: git reset --keep {}",
            graph.short(first)
        ));
        return Ok((None, vec![v]));
    }
    let mut found = Vec::new();
    for &parent in brought {
        if graph.is_ancestor(parent, first)? {
            found.push(
                Violation::error(
                    Rule::R3,
                    main,
                    format!(
                        "merge {} brings nothing new: its parent {} is already on {main}",
                        graph.short(commit),
                        graph.short(parent)
                    ),
                )
                .at(at()?)
                .fix("merge a branch that has commits main lacks".to_owned()),
            );
        }
    }
    let named = merged_branch(&graph.message(commit)?);
    // The parent that brings development's commits, and development then.
    let mut release = None;
    if let Some(development) = development {
        for &parent in brought {
            if graph.brings_commits_of(parent, development, first)? {
                release = Some((parent, development));
                break;
            }
        }
    }
    let kind = match (release, &named) {
        (_, Some(branch)) if names.is_trunk(branch) => MergeKind::Neutral,
        (Some((parent, development)), named) => {
            let Some(branch) = named.as_deref().filter(|b| names.naming.desc(b).is_some()) else {
                return Ok((Some(MergeKind::Release), found));
            };
            let base = graph.shares_commits_outside(parent, development, first)?.unwrap_or(parent);
            found.push(
                    Violation::error(
                        Rule::R2,
                        main,
                        format!(
                            "merge {} of hotfix '{branch}' brings development commits into {main} (e.g. {})",
                            graph.short(commit),
                            graph.short(base)
                        ),
                    )
                    .at(at()?)
                    .fix(format!(
                        "cut the hotfix from {main} and merge only its own commits: git rebase --onto {main} {} '{branch}'",
                        graph.short(base)
                    )),
                );
            MergeKind::Hotfix(named.clone())
        }
        (None, named) => {
            if let Some(branch) = named {
                if names.naming.desc(branch).is_some() {
                    if let Some(v) = names.naming.check(branch) {
                        found.push(v.at(at()?));
                    }
                } else {
                    found.push(
                        Violation::error(
                            Rule::R1,
                            main,
                            format!(
                                "merge {} brings a hotfix from '{branch}', which is not named {}<desc>",
                                graph.short(commit),
                                names.naming.prefix
                            ),
                        )
                        .at(at()?)
                        .fix(format!(
                            "hotfixes reach {main} from {}<desc> branches (git hotfix start <desc>)",
                            names.naming.prefix
                        )),
                    );
                }
            }
            MergeKind::Hotfix(named.clone())
        }
    };
    Ok((Some(kind), found))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::graph::fake::{FakeGraph, naming};

    /// main: root ─ m1 ; development: d1 ─ d2 off m1 ; hotfix/a: h1 ─ h2 off m1
    fn base() -> FakeGraph {
        let mut g = FakeGraph::new();
        g.commit("root", &[], "root")
            .commit("m1", &["root"], "m1")
            .commit("d1", &["m1"], "Merge branch 'feature/x' into development")
            .commit("d2", &["d1"], "Merge branch 'feature/y' into development")
            .commit("h1", &["m1"], "fix one")
            .commit("h2", &["h1"], "fix two");
        g
    }

    fn check(g: &FakeGraph, old: &'static str, new: &'static str) -> Vec<Violation> {
        let n = naming();
        let names = Names { main: "main", development: "development", naming: &n };
        check_main(g, &names, Some(old), new, Some("d2")).unwrap()
    }

    #[test]
    fn accepts_a_true_hotfix_merge() {
        let mut g = base();
        g.commit("M", &["m1", "h2"], "Merge branch 'hotfix/fix-timeout'");
        assert_eq!(check(&g, "m1", "M"), vec![]);
        let mut g = base();
        g.commit("M", &["m1", "h2"], "Merge pull request #4 from acme/hotfix/fix-timeout");
        assert_eq!(check(&g, "m1", "M"), vec![]);
    }

    #[test]
    fn rejects_squash_rebase_and_fast_forward() {
        let mut g = base();
        g.commit("S", &["m1"], "Fix timeout (#4)");
        let found = check(&g, "m1", "S");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].rule, Rule::R3);
        assert_eq!(found[0].commit.as_ref().unwrap().subject, "Fix timeout (#4)");
        // A fast-forward (or rebase) puts every hotfix commit on the first-parent line.
        let found = check(&base(), "m1", "h2");
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].commit.as_ref().unwrap().id, "h1", "oldest first");
    }

    #[test]
    fn rejects_a_merge_that_brings_nothing() {
        let mut g = base();
        g.commit("m2", &["m1"], "direct").commit("M", &["m2", "m1"], "Merge branch 'hotfix/x'");
        let found = check(&g, "m2", "M");
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("brings nothing new"));
    }

    #[test]
    fn accepts_a_release_merge_of_development() {
        let mut g = base();
        g.commit("R", &["m1", "d2"], "Merge branch 'development' into main");
        assert_eq!(check(&g, "m1", "R"), vec![]);
        // A release branch with its own version bump on top of development.
        let mut g = base();
        g.commit("v", &["d2"], "Bump version").commit(
            "R",
            &["m1", "v"],
            "Merge branch 'release/2.0'",
        );
        assert_eq!(check(&g, "m1", "R"), vec![]);
        let n = naming();
        let names = Names { main: "main", development: "development", naming: &n };
        assert_eq!(check_commit(&g, &names, "R", Some("d2")).unwrap().0, Some(MergeKind::Release));
    }

    #[test]
    fn rejects_a_hotfix_merge_that_mixes_in_development_commits() {
        let mut g = base();
        g.commit("hb", &["d2"], "fix on development").commit(
            "M",
            &["m1", "hb"],
            "Merge branch 'hotfix/bad'",
        );
        let found = check(&g, "m1", "M");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].rule, Rule::R2);
        assert!(found[0].message.contains("brings development commits"), "{}", found[0].message);
        // Still a hotfix, one that broke R2: `report` lists it.
        let n = naming();
        let names = Names { main: "main", development: "development", naming: &n };
        let kind = check_commit(&g, &names, "M", Some("d2")).unwrap().0;
        assert_eq!(kind, Some(MergeKind::Hotfix(Some("hotfix/bad".into()))));
    }

    #[test]
    fn applies_r1_to_the_named_source_branch() {
        let mut g = base();
        g.commit("M", &["m1", "h2"], "Merge branch 'hotfix/Fix_Timeout'");
        let found = check(&g, "m1", "M");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].rule, Rule::R1);
        let mut g = base();
        g.commit("M", &["m1", "h2"], "Merge branch 'quick-fix'");
        assert_eq!(check(&g, "m1", "M")[0].rule, Rule::R1);
        // No name in the message: nothing to check.
        let mut g = base();
        g.commit("M", &["m1", "h2"], "Manual merge");
        assert_eq!(check(&g, "m1", "M"), vec![]);
    }

    #[test]
    fn merges_joining_main_and_development_are_neutral() {
        let mut g = base();
        g.commit("M", &["m1", "h2"], "Merge remote-tracking branch 'origin/main'");
        assert_eq!(check(&g, "m1", "M"), vec![]);
    }

    #[test]
    fn a_root_commit_is_bootstrap() {
        let n = naming();
        let names = Names { main: "main", development: "development", naming: &n };
        assert_eq!(check_main(&base(), &names, None, "m1", None).unwrap().len(), 1, "m1 is direct");
        assert_eq!(check_main(&base(), &names, None, "root", None).unwrap(), vec![]);
    }
}
