//! R2: a hotfix carries no development-only commit.

use super::{CommitRef, Graph, Rule, Trunks, Violation};

/// R2 for the hotfix branch `branch` at `tip`: an error when it contains commits that are on
/// development but not on main, a warning when it is behind main.
///
/// Exact and cheap: a development-only commit in the hotfix exists exactly when some merge base
/// of the hotfix and development is not an ancestor of main.
pub fn check_base<G: Graph>(
    graph: &G,
    branch: &str,
    tip: G::Id,
    trunks: &Trunks<'_, G::Id>,
) -> Result<Vec<Violation>, G::Error> {
    let mut found = Vec::new();
    let main = trunks.main_name;
    if let Some(development) = trunks.development
        && graph.is_ancestor(tip, development)?
        && !graph.is_ancestor(tip, trunks.main)?
    {
        // Development took the hotfix itself before main did: its commits are its own, and the
        // fault is the order of the merges, not the base.
        found.push(
            Violation::warning(
                Rule::R8,
                branch,
                format!(
                    "'{branch}' is already in {} but not in {main}: it was merged into {} first",
                    trunks.development_name, trunks.development_name
                ),
            )
            .at(CommitRef::of(graph, tip)?)
            .fix(format!(
                "merge it into {main} now (git hotfix publish), and into {main} first next time"
            )),
        );
    } else if let Some(development) = trunks.development
        && let Some(base) = graph.shares_commits_outside(tip, development, trunks.main)?
    {
        let leaked = graph.commits(&[base], &[trunks.main], false)?;
        found.push(
            Violation::error(
                Rule::R2,
                branch,
                format!(
                    "'{branch}' contains {} commit(s) from {} that are not on {main}: it was not cut from {main}",
                    leaked.len(),
                    trunks.development_name,
                ),
            )
            .at(CommitRef::of(graph, base)?)
            .fix(format!(
                "move your own commits onto {main}: git rebase --onto {main} {} '{branch}'",
                graph.short(base)
            )),
        );
    }
    // Rebasing onto main, as the error says, also cures being behind: say it once. A hotfix
    // main already contains is behind by its own merge: that is no news either.
    if found.is_empty()
        && !graph.is_ancestor(trunks.main, tip)?
        && !graph.is_ancestor(tip, trunks.main)?
    {
        found.push(
            Violation::warning(
                Rule::R2,
                branch,
                format!("'{branch}' is behind {}", trunks.main_name),
            )
            .fix(format!(
                "bring it up to date if the fix needs it: git merge {}",
                trunks.main_name
            )),
        );
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Severity;
    use crate::policy::graph::fake::FakeGraph;

    /// root ── m1 ────────── m2 (main)
    ///    └── d1 ── d2 (development)
    fn history() -> FakeGraph {
        let mut g = FakeGraph::new();
        g.commit("root", &[], "root")
            .commit("m1", &["root"], "m1")
            .commit("d1", &["m1"], "feature one")
            .commit("d2", &["d1"], "feature two")
            .commit("m2", &["m1"], "Merge branch 'hotfix/old'")
            .commit("good", &["m2"], "fix timeout")
            .commit("bad", &["d2"], "fix from development")
            .commit("stale", &["m1"], "fix on an old main");
        g
    }

    fn trunks() -> Trunks<'static, &'static str> {
        Trunks {
            main: "m2",
            main_name: "main",
            development: Some("d2"),
            development_name: "development",
        }
    }

    #[test]
    fn accepts_a_hotfix_cut_from_main() {
        assert_eq!(check_base(&history(), "hotfix/good", "good", &trunks()).unwrap(), vec![]);
    }

    #[test]
    fn rejects_a_hotfix_cut_from_development_naming_a_development_commit() {
        let found = check_base(&history(), "hotfix/bad", "bad", &trunks()).unwrap();
        assert_eq!(found.len(), 1, "{found:?}");
        let v = &found[0];
        assert_eq!((v.rule, v.severity), (Rule::R2, Severity::Error));
        assert!(v.message.contains("contains 2 commit(s) from development"), "{}", v.message);
        assert_eq!(v.commit.as_ref().unwrap().id, "d2");
        assert!(v.fix.contains("git rebase --onto main d2 'hotfix/bad'"), "{}", v.fix);
    }

    #[test]
    fn being_behind_main_is_only_a_warning() {
        let found = check_base(&history(), "hotfix/stale", "stale", &trunks()).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Warning);
    }

    #[test]
    fn a_hotfix_development_took_before_main_is_an_order_warning_not_a_bad_base() {
        let mut g = history();
        g.commit("dev", &["d2", "good"], "Merge branch 'hotfix/good' into development");
        let t = Trunks { development: Some("dev"), ..trunks() };
        let found = check_base(&g, "hotfix/good", "good", &t).unwrap();
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].rule, found[0].severity), (Rule::R8, Severity::Warning));
        assert!(found[0].message.contains("merged into development first"), "{}", found[0].message);
    }

    #[test]
    fn a_hotfix_main_already_contains_is_not_called_behind() {
        let mut g = history();
        g.commit("merged", &["m2", "good"], "Merge branch 'hotfix/good'");
        let t = Trunks { main: "merged", ..trunks() };
        assert_eq!(check_base(&g, "hotfix/good", "good", &t).unwrap(), vec![]);
    }

    #[test]
    fn without_development_only_the_behind_check_runs() {
        let t = Trunks { development: None, ..trunks() };
        assert_eq!(check_base(&history(), "hotfix/bad", "bad", &t).unwrap().len(), 1);
    }
}
