//! GitHub Actions: the event's name (`GITHUB_EVENT_NAME`) and the webhook payload GitHub
//! writes to `GITHUB_EVENT_PATH` for the job.
//!
//! - `pull_request`, `pull_request_target`: `pull_request.base.ref` (the branch it merges
//!   into), `pull_request.head.sha` and `pull_request.head.ref` (its branch, also from a fork);
//! - `push`: `ref`, `before`, `after` and `forced` (`before` all zeros: the branch was created;
//!   `after` all zeros: deleted). A tag push is nothing to check.
//!
//! Any other event (`workflow_dispatch`, `schedule`, …) names no pull request and no push.

use super::{Mode, branch_of, commit_id, var};
use crate::error::{Error, Result};
use serde_json::Value;

pub fn mode(env: &dyn Fn(&str) -> Option<String>) -> Result<Mode> {
    let event = var(env, "GITHUB_EVENT_NAME").ok_or_else(|| {
        Error::env("GITHUB_ACTIONS is set but GITHUB_EVENT_NAME is not: cannot tell what this job checks")
            .hint("run git hotfix verify as a step of a GitHub Actions job, or pass what to check: git hotfix verify --branch main")
    })?;
    if !is_checked(&event) {
        return Err(no_fields(&event));
    }
    let path = var(env, "GITHUB_EVENT_PATH").ok_or_else(|| {
        Error::env(format!("GITHUB_EVENT_NAME is '{event}' but GITHUB_EVENT_PATH is not set: the event's payload cannot be read"))
            .hint("GitHub sets both in every job; outside one, pass what to check: git hotfix verify --pr --base … --head …")
    })?;
    let payload = std::fs::read(&path).map_err(|e| {
        Error::env(format!("cannot read the event payload GITHUB_EVENT_PATH names ({path}): {e}"))
    })?;
    parse(&event, &payload).map_err(|e| Error { message: format!("{path}: {}", e.message), ..e })
}

/// The events that name something to check.
fn is_checked(event: &str) -> bool {
    matches!(event, "pull_request" | "pull_request_target" | "push")
}

fn no_fields(event: &str) -> Error {
    Error::env(format!(
        "the '{event}' event names no pull request and no push: verify cannot tell what to check"
    ))
    .hint("pass what to check, e.g. git hotfix verify --branch main (its whole first-parent line)")
    .hint("or run this step on push and pull_request events only")
}

/// The mode a payload of `event` asks for. Never panics, whatever the bytes.
pub fn parse(event: &str, payload: &[u8]) -> Result<Mode> {
    if !is_checked(event) {
        return Err(no_fields(event));
    }
    let value: Value = serde_json::from_slice(payload)
        .map_err(|e| Error::env(format!("the '{event}' event's payload is not JSON: {e}")))?;
    let text = |pointer: &str| -> Result<String> {
        match value.pointer(pointer) {
            Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
            _ => Err(Error::env(format!(
                "the '{event}' event's payload has no `{}`",
                pointer.trim_start_matches('/').replace('/', ".")
            ))),
        }
    };
    if event == "push" {
        let reference = text("/ref")?;
        let Some(branch) = branch_of(&reference) else {
            return Ok(Mode::Nothing(format!("a push of '{reference}', which is not a branch")));
        };
        let forced = value.get("forced").and_then(Value::as_bool).unwrap_or(false);
        return Ok(Mode::Push {
            branch: branch.to_owned(),
            before: commit_id(&text("/before")?, "the push's `before`")?,
            after: commit_id(&text("/after")?, "the push's `after`")?,
            forced,
        });
    }
    let head = text("/pull_request/head/sha")?;
    Ok(Mode::PullRequest {
        base: text("/pull_request/base/ref")?,
        head: commit_id(&head, "the pull request's `head.sha`")?.ok_or_else(|| {
            Error::env(format!("the '{event}' event's `pull_request.head.sha` is all zeros"))
        })?,
        head_name: text("/pull_request/head/ref")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "1111111111111111111111111111111111111111";
    const B: &str = "2222222222222222222222222222222222222222";
    const ZERO: &str = "0000000000000000000000000000000000000000";

    fn push(reference: &str, before: &str, after: &str, forced: bool) -> Vec<u8> {
        format!(
            r#"{{"ref":"{reference}","before":"{before}","after":"{after}","created":false,
               "deleted":false,"forced":{forced},"base_ref":null,"commits":[],
               "repository":{{"full_name":"acme/shop"}}}}"#
        )
        .into_bytes()
    }

    #[test]
    fn a_push_to_a_branch_is_its_range() {
        let mode = parse("push", &push("refs/heads/main", A, B, false)).unwrap();
        assert_eq!(
            mode,
            Mode::Push {
                branch: "main".into(),
                before: Some(A.into()),
                after: Some(B.into()),
                forced: false
            }
        );
        let created = parse("push", &push("refs/heads/development", ZERO, B, true)).unwrap();
        assert!(matches!(created, Mode::Push { before: None, forced: true, .. }), "{created:?}");
        let deleted = parse("push", &push("refs/heads/main", A, ZERO, false)).unwrap();
        assert!(matches!(deleted, Mode::Push { after: None, .. }), "{deleted:?}");
        let tag = parse("push", &push("refs/tags/v1.0", ZERO, B, false)).unwrap();
        assert!(matches!(tag, Mode::Nothing(ref why) if why.contains("refs/tags/v1.0")));
    }

    #[test]
    fn a_pull_request_is_its_base_head_and_branch() {
        let payload = format!(
            r#"{{"action":"synchronize","number":7,"pull_request":{{"number":7,
               "head":{{"ref":"hotfix/fix-login","sha":"{B}","repo":{{"full_name":"fork/shop"}}}},
               "base":{{"ref":"main","sha":"{A}"}}}}}}"#
        );
        let want = Mode::PullRequest {
            base: "main".into(),
            head: B.into(),
            head_name: "hotfix/fix-login".into(),
        };
        assert_eq!(parse("pull_request", payload.as_bytes()).unwrap(), want);
        assert_eq!(parse("pull_request_target", payload.as_bytes()).unwrap(), want);
    }

    #[test]
    fn missing_fields_and_other_events_are_errors() {
        let e = parse("pull_request", br#"{"pull_request":{"base":{"ref":"main"}}}"#).unwrap_err();
        assert!(e.message.contains("no `pull_request.head.sha`"), "{}", e.message);
        let e = parse("push", br#"{"ref":"refs/heads/main","after":"x"}"#).unwrap_err();
        assert!(e.message.contains("no `before`"), "{}", e.message);
        let e = parse("push", &push("refs/heads/main", "abc", B, false)).unwrap_err();
        assert!(e.message.contains("`before` is \"abc\""), "{}", e.message);
        let e = parse("push", b"not json").unwrap_err();
        assert!(e.message.contains("not JSON"), "{}", e.message);
        for event in ["workflow_dispatch", "schedule"] {
            let e = parse(event, b"{}").unwrap_err();
            assert!(e.message.contains("names no pull request and no push"), "{}", e.message);
        }
    }
}

/// Long run: `PROPTEST_CASES=100000 cargo test --release --bin git-hotfix ci::github::fuzz`
/// (see `src/fuzz.rs`).
#[cfg(test)]
mod fuzz {
    use super::*;
    use crate::fuzz::{bytes, config, text};
    use proptest::prelude::*;

    fn event() -> impl Strategy<Value = String> {
        let known = ["push", "pull_request", "pull_request_target", "schedule"];
        prop_oneof![prop::sample::select(known.to_vec()).prop_map(str::to_owned), text()]
    }

    /// Any JSON value, nested, with the payload's own keys turning up often.
    fn json() -> impl Strategy<Value = Value> {
        let keys = ["ref", "before", "after", "forced", "pull_request", "head", "base", "sha"];
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            text().prop_map(Value::String),
            "[0-9a-f]{40}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 32, 6, move |inner| {
            let key =
                prop_oneof![prop::sample::select(keys.to_vec()).prop_map(str::to_owned), text()];
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map(key, inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(config(512))]

        #[test]
        fn never_panics_on_any_bytes(event in event(), payload in bytes()) {
            let _ = parse(&event, &payload);
        }

        #[test]
        fn never_panics_on_any_json(event in event(), value in json()) {
            let _ = parse(&event, value.to_string().as_bytes());
        }

        #[test]
        fn what_it_accepts_is_well_formed(event in event(), value in json()) {
            match parse(&event, value.to_string().as_bytes()) {
                Ok(Mode::Push { branch, before, after, .. }) => {
                    prop_assert!(!branch.is_empty());
                    for id in before.iter().chain(after.iter()) {
                        prop_assert!(matches!(id.len(), 40 | 64) && id.bytes().all(|b| b.is_ascii_hexdigit()));
                    }
                }
                Ok(Mode::PullRequest { base, head, head_name }) => {
                    prop_assert!(!base.is_empty() && !head_name.is_empty());
                    prop_assert!(matches!(head.len(), 40 | 64));
                }
                Ok(Mode::Nothing(_)) | Err(_) => {}
            }
        }
    }
}
