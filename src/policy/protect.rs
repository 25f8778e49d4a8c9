//! R5: main and development are never deleted or rewound.

use super::{Graph, Rule, Violation};

/// R5 for one update of a protected branch from `old` to `new` (`None` = absent).
pub fn check_update<G: Graph>(
    graph: &G,
    branch: &str,
    old: Option<G::Id>,
    new: Option<G::Id>,
) -> Result<Option<Violation>, G::Error> {
    Ok(match (old, new) {
        (Some(_), None) => Some(
            Violation::error(Rule::R5, branch, format!("deleting '{branch}' is not allowed"))
                .fix(format!("keep '{branch}'; it is one of the two long-lived branches")),
        ),
        (Some(old), Some(new)) if !graph.is_ancestor(old, new)? => Some(
            Violation::error(
                Rule::R5,
                branch,
                format!(
                    "this rewinds '{branch}': {} would no longer be on it (a force push)",
                    graph.short(old)
                ),
            )
            .fix(format!(
                "fetch and build on top of the remote '{branch}' instead of rewriting it"
            )),
        ),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::graph::fake::FakeGraph;

    fn graph() -> FakeGraph {
        let mut g = FakeGraph::new();
        g.commit("a", &[], "a").commit("b", &["a"], "b").commit("c", &["a"], "c");
        g
    }

    #[test]
    fn allows_creation_and_fast_forward() {
        let g = graph();
        assert_eq!(check_update(&g, "main", None, Some("a")).unwrap(), None);
        assert_eq!(check_update(&g, "main", Some("a"), Some("b")).unwrap(), None);
        assert_eq!(check_update(&g, "main", Some("b"), Some("b")).unwrap(), None);
    }

    #[test]
    fn rejects_deletion_and_rewinds() {
        let g = graph();
        let deleted = check_update(&g, "main", Some("a"), None).unwrap().unwrap();
        assert!(deleted.message.contains("deleting 'main'"));
        let rewound = check_update(&g, "development", Some("b"), Some("c")).unwrap().unwrap();
        assert_eq!(rewound.rule, Rule::R5);
        assert!(rewound.message.contains("rewinds 'development'"));
        assert!(check_update(&g, "main", Some("b"), Some("a")).unwrap().is_some());
    }
}
