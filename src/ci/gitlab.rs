//! GitLab CI: its predefined variables.
//!
//! - A merge-request pipeline (`CI_MERGE_REQUEST_*`): the target and source branch names, and
//!   the source's commit (`CI_MERGE_REQUEST_SOURCE_BRANCH_SHA` in merged-results pipelines,
//!   where `CI_COMMIT_SHA` is GitLab's trial merge, else `CI_COMMIT_SHA`).
//! - A branch pipeline: `CI_COMMIT_BEFORE_SHA..CI_COMMIT_SHA` on `CI_COMMIT_BRANCH`. GitLab
//!   writes all zeros as `CI_COMMIT_BEFORE_SHA` for a new branch, and also for scheduled,
//!   manual and API pipelines: there zeros mean "no range", and only a push means "created".
//! - A tag pipeline is nothing to check.

use super::{Mode, commit_id, var};
use crate::error::{Error, Result};

pub fn mode(env: &dyn Fn(&str) -> Option<String>) -> Result<Mode> {
    let get = |name: &str| var(env, name);
    let target = get("CI_MERGE_REQUEST_TARGET_BRANCH_NAME");
    let source = get("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME");
    if target.is_some() || source.is_some() || get("CI_MERGE_REQUEST_IID").is_some() {
        let (Some(base), Some(head_name)) = (target, source) else {
            return Err(missing(
                "a merge-request pipeline needs both CI_MERGE_REQUEST_TARGET_BRANCH_NAME and \
                 CI_MERGE_REQUEST_SOURCE_BRANCH_NAME",
            ));
        };
        let (name, head) = match get("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA") {
            Some(sha) => ("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA", sha),
            None => ("CI_COMMIT_SHA", needed(&get, "CI_COMMIT_SHA", "the merge request's commit")?),
        };
        let head =
            commit_id(&head, name)?.ok_or_else(|| Error::env(format!("{name} is all zeros")))?;
        return Ok(Mode::PullRequest { base, head, head_name });
    }
    if let Some(tag) = get("CI_COMMIT_TAG") {
        return Ok(Mode::Nothing(format!("a pipeline for the tag '{tag}'")));
    }
    let before = get("CI_COMMIT_BEFORE_SHA");
    let Some(branch) = get("CI_COMMIT_BRANCH") else {
        return Err(match before {
            Some(_) => missing("CI_COMMIT_BEFORE_SHA is set but CI_COMMIT_BRANCH is not"),
            None => missing("GitLab CI names no merge request and no branch for this pipeline"),
        });
    };
    let after = needed(&get, "CI_COMMIT_SHA", "the pushed commit")?;
    let before = needed(&get, "CI_COMMIT_BEFORE_SHA", "the branch's commit before the push")
        .and_then(|b| commit_id(&b, "CI_COMMIT_BEFORE_SHA"))?;
    let pushed = get("CI_PIPELINE_SOURCE").is_none_or(|s| s == "push");
    if before.is_none() && !pushed {
        let source = get("CI_PIPELINE_SOURCE").unwrap_or_default();
        return Err(Error::env(format!(
            "a '{source}' pipeline has no pushed range (CI_COMMIT_BEFORE_SHA is all zeros): \
             verify cannot tell what to check"
        ))
        .hint("pass what to check, e.g. git hotfix verify --branch main (its whole first-parent line)")
        .hint("or run the job only for pushes and merge requests (rules: if: $CI_PIPELINE_SOURCE == \"push\")"));
    }
    Ok(Mode::Push { branch, before, after: commit_id(&after, "CI_COMMIT_SHA")?, forced: false })
}

fn needed(get: &dyn Fn(&str) -> Option<String>, name: &str, what: &str) -> Result<String> {
    get(name).ok_or_else(|| missing(&format!("{name} ({what}) is not set")))
}

fn missing(what: &str) -> Error {
    Error::env(format!("GitLab CI: {what}"))
        .hint("GitLab sets these in every pipeline; outside one, unset GITLAB_CI or pass what to check: git hotfix verify --pr --base … --head …")
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "1111111111111111111111111111111111111111";
    const B: &str = "2222222222222222222222222222222222222222";
    const ZERO: &str = "0000000000000000000000000000000000000000";

    fn mode_of(pairs: &[(&str, &str)]) -> Result<Mode> {
        let env = |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string());
        mode(&env)
    }

    #[test]
    fn a_merge_request_pipeline_is_a_pull_request() {
        let mr = [
            ("CI_MERGE_REQUEST_IID", "4"),
            ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main"),
            ("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME", "hotfix/fix-login"),
            ("CI_COMMIT_SHA", B),
        ];
        let want = Mode::PullRequest {
            base: "main".into(),
            head: B.into(),
            head_name: "hotfix/fix-login".into(),
        };
        assert_eq!(mode_of(&mr).unwrap(), want);
        // A merged-results pipeline runs on GitLab's trial merge: the source's own commit counts.
        let mut merged = mr.to_vec();
        merged[3] = ("CI_COMMIT_SHA", A);
        merged.push(("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA", B));
        assert_eq!(mode_of(&merged).unwrap(), want);
    }

    #[test]
    fn a_branch_pipeline_is_its_pushed_range() {
        let push = [
            ("CI_PIPELINE_SOURCE", "push"),
            ("CI_COMMIT_BRANCH", "development"),
            ("CI_COMMIT_BEFORE_SHA", A),
            ("CI_COMMIT_SHA", B),
        ];
        assert_eq!(
            mode_of(&push).unwrap(),
            Mode::Push {
                branch: "development".into(),
                before: Some(A.into()),
                after: Some(B.into()),
                forced: false
            }
        );
        let mut created = push.to_vec();
        created[2] = ("CI_COMMIT_BEFORE_SHA", ZERO);
        assert!(matches!(mode_of(&created).unwrap(), Mode::Push { before: None, .. }));
        // Zeros in a scheduled pipeline mean "no range", not "created".
        created[0] = ("CI_PIPELINE_SOURCE", "schedule");
        let e = mode_of(&created).unwrap_err();
        assert!(e.message.contains("'schedule' pipeline has no pushed range"), "{}", e.message);
        let tag = mode_of(&[("CI_COMMIT_TAG", "v1.0"), ("CI_COMMIT_SHA", B)]).unwrap();
        assert!(matches!(tag, Mode::Nothing(_)));
    }

    #[test]
    fn a_variable_without_its_partner_is_an_error() {
        for (pairs, says) in [
            (vec![("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main")], "needs both"),
            (vec![("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME", "hotfix/x")], "needs both"),
            (vec![("CI_COMMIT_BEFORE_SHA", A), ("CI_COMMIT_SHA", B)], "CI_COMMIT_BRANCH is not"),
            (vec![("CI_COMMIT_BRANCH", "main"), ("CI_COMMIT_SHA", B)], "CI_COMMIT_BEFORE_SHA"),
            (vec![("CI_COMMIT_BRANCH", "main"), ("CI_COMMIT_BEFORE_SHA", A)], "CI_COMMIT_SHA"),
            (vec![], "no merge request and no branch"),
        ] {
            let e = mode_of(&pairs).unwrap_err();
            assert!(e.message.contains(says), "{pairs:?}: {}", e.message);
        }
    }
}
