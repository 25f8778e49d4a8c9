//! The checks `doctor` makes of the code host's settings, from one read of each endpoint, and
//! the one change `--fix` makes: a ruleset `git-hotfix` on main (merge commits only, no
//! deletion, no force push), created or tightened, never loosened.

use super::{Check, Status};
use crate::config::Config;
use crate::error::Result;
use crate::host::github::{GitHub, Protection, Repository, Rule};
use crate::host::gitlab::GitLab;
use serde_json::{Value, json};

pub const RULESET: &str = "git-hotfix";

/// What GitHub says about one long-lived branch.
pub struct Branch {
    pub name: String,
    /// `Err`: protection could not be read (it takes admin rights), with why.
    pub protection: std::result::Result<Option<Protection>, String>,
    pub rules: Vec<Rule>,
}

/// Everything the GitHub checks read: the repository, main and development.
pub struct Facts {
    pub repository: Repository,
    pub main: Branch,
    pub development: Branch,
}

impl Facts {
    /// One request per endpoint: the repository, then protection and rules of each branch.
    pub fn read(gh: &GitHub, config: &Config) -> Result<Self> {
        let repository = gh.repository()?;
        let branch = |name: &str| -> Result<Branch> {
            Ok(Branch {
                name: name.to_owned(),
                protection: gh.protection(name).map_err(|e| e.message),
                rules: gh.rules(name)?,
            })
        };
        Ok(Self {
            repository,
            main: branch(&config.main)?,
            development: branch(&config.development)?,
        })
    }
}

impl Branch {
    fn has_rule(&self, kind: &str) -> bool {
        self.rules.iter().any(|r| r.kind == kind)
    }

    /// The merge methods a pull request into this branch may use.
    fn merge_methods(&self, repo: &Repository) -> Vec<&'static str> {
        let allowed = [
            ("merge", repo.allow_merge_commit),
            ("squash", repo.allow_squash_merge),
            ("rebase", repo.allow_rebase_merge),
        ];
        allowed
            .into_iter()
            .filter(|&(method, on)| {
                on && self.rules.iter().all(|r| {
                    r.allowed_merge_methods().is_none_or(|m| m.iter().any(|x| x == method))
                })
            })
            .map(|(method, _)| method)
            .collect()
    }

    fn linear(&self) -> bool {
        self.has_rule("required_linear_history")
            || matches!(&self.protection, Ok(Some(p)) if p.required_linear_history.enabled)
    }
}

pub fn github_checks(gh: &GitHub, facts: &Facts) -> Vec<Check> {
    let repo = &facts.repository;
    let api = |method: &str, path: &str| gh.shown(method, &format!("repos/{}{path}", gh.repo));
    let mut checks = Vec::new();
    checks.push(if repo.allow_merge_commit {
        Check::ok("merge-commits", "the repository allows merge commits".to_owned())
    } else {
        Check::new(
            "merge-commits",
            Status::Fail,
            "the repository does not allow merge commits: no hotfix can be merged as the process says".to_owned(),
            &format!("{} -F allow_merge_commit=true", api("PATCH", "")),
        )
    });
    let main_methods = facts.main.merge_methods(repo);
    checks.push(match main_methods.iter().filter(|m| **m != "merge").collect::<Vec<_>>() {
        loose if loose.is_empty() => Check::ok(
            "main-merge-method",
            format!("pull requests into {} merge with a merge commit only", facts.main.name),
        ),
        loose => Check::new(
            "main-merge-method",
            Status::Fail,
            format!(
                "a pull request into {} can be merged by {}: the hotfix's commits would not reach {} as they are",
                facts.main.name,
                loose.iter().map(|m| m.to_string()).collect::<Vec<_>>().join(" or "),
                facts.main.name
            ),
            &format!("git hotfix doctor --fix (a ruleset '{RULESET}' on {}: merge commits only)", facts.main.name),
        ),
    });
    let linear: Vec<&str> = [&facts.main, &facts.development]
        .into_iter()
        .filter(|b| b.linear())
        .map(|b| b.name.as_str())
        .collect();
    checks.push(if linear.is_empty() {
        Check::ok("linear-history", "no branch requires a linear history".to_owned())
    } else {
        Check::new(
            "linear-history",
            Status::Fail,
            format!(
                "{} require(s) a linear history, which forbids the merge commits the process needs",
                linear.join(" and ")
            ),
            &format!(
                "{} (or remove the required_linear_history rule from the ruleset)",
                api(
                    "DELETE",
                    &format!("/branches/{}/protection/required_linear_history", linear[0])
                )
            ),
        )
    });
    checks.push(protected("main-protected", &facts.main, "git hotfix doctor --fix".to_owned()));
    let dev_ruleset = json!({
        "name": facts.development.name, "target": "branch", "enforcement": "active",
        "conditions": {"ref_name": {"include": [format!("refs/heads/{}", facts.development.name)], "exclude": []}},
        "rules": [{"type": "deletion"}, {"type": "non_fast_forward"}],
    });
    checks.push(protected(
        "development-protected",
        &facts.development,
        format!("echo '{dev_ruleset}' | {} --input -", api("POST", "/rulesets")),
    ));
    checks.push(if repo.delete_branch_on_merge {
        Check::new(
            "auto-delete",
            Status::Warn,
            "merged branches are deleted automatically: the hotfix branch would be gone before its merge into development".to_owned(),
            &format!("{} -F delete_branch_on_merge=false", api("PATCH", "")),
        )
    } else {
        Check::ok("auto-delete", "merged branches are kept".to_owned())
    });
    let dev_methods = facts.development.merge_methods(repo);
    checks.push(if dev_methods.iter().all(|m| *m == "merge") {
        Check::ok("development-merge-method", format!("pull requests into {} merge with a merge commit only", facts.development.name))
    } else {
        Check::new(
            "development-merge-method",
            Status::Warn,
            format!(
                "a pull request into {} can also be {}: fine for features, but a hotfix's back-merge must be a merge commit (git hotfix merge does that)",
                facts.development.name,
                dev_methods.iter().filter(|m| **m != "merge").copied().collect::<Vec<_>>().join(" or ")
            ),
            "merge back-merges with: git hotfix merge --to development",
        )
    });
    checks
}

/// Deletion and force push blocked on `branch`, by protection or by rules.
fn protected(id: &'static str, branch: &Branch, fix: String) -> Check {
    let (by_protection, unreadable) = match &branch.protection {
        Ok(Some(p)) => ((!p.allow_deletions.enabled, !p.allow_force_pushes.enabled), None),
        Ok(None) => ((false, false), None),
        Err(why) => ((false, false), Some(why.clone())),
    };
    let deletion = by_protection.0 || branch.has_rule("deletion");
    let force = by_protection.1 || branch.has_rule("non_fast_forward");
    if deletion && force {
        return Check::ok(id, format!("{} cannot be deleted or force-pushed", branch.name));
    }
    if let Some(why) = unreadable {
        return Check::skip(
            id,
            &format!(
                "cannot read {}'s protection ({why}); its rules do not block deletion and force push",
                branch.name
            ),
        );
    }
    let open: Vec<&str> = [(!deletion, "deleted"), (!force, "force-pushed")]
        .into_iter()
        .filter(|(on, _)| *on)
        .map(|(_, w)| w)
        .collect();
    Check::new(id, Status::Warn, format!("{} can be {}", branch.name, open.join(" and ")), &fix)
}

/// The ruleset `--fix` wants on main, as GitHub's REST schema has it: `current` (an existing
/// `git-hotfix` ruleset) kept and only tightened. `None` when nothing needs to change.
pub fn ruleset_for_main(main: &str, current: Option<&Value>) -> Option<Value> {
    let include = format!("refs/heads/{main}");
    let mut body = match current {
        Some(existing) => {
            let mut kept = json!({});
            for key in ["name", "target", "enforcement", "conditions", "rules", "bypass_actors"] {
                if let Some(value) = existing.get(key) {
                    kept[key] = value.clone();
                }
            }
            kept
        }
        None => json!({
            "name": RULESET, "target": "branch", "enforcement": "active",
            "conditions": {"ref_name": {"include": [], "exclude": []}}, "rules": [],
        }),
    };
    let before = body.clone();
    body["enforcement"] = json!("active");
    let includes = &mut body["conditions"]["ref_name"]["include"];
    if !includes.as_array().is_some_and(|a| a.iter().any(|i| i == &json!(include) || i == "~ALL")) {
        match includes.as_array_mut() {
            Some(list) => list.push(json!(include)),
            None => *includes = json!([include]),
        }
    }
    if !body["rules"].is_array() {
        body["rules"] = json!([]);
    }
    let rules = body["rules"].as_array_mut().expect("an array");
    for kind in ["deletion", "non_fast_forward"] {
        if !rules.iter().any(|r| r["type"] == kind) {
            rules.push(json!({"type": kind}));
        }
    }
    match rules.iter_mut().find(|r| r["type"] == "pull_request") {
        Some(rule) => rule["parameters"]["allowed_merge_methods"] = json!(["merge"]),
        None => rules.push(json!({"type": "pull_request", "parameters": {
            "allowed_merge_methods": ["merge"],
            "dismiss_stale_reviews_on_push": false,
            "require_code_owner_review": false,
            "require_last_push_approval": false,
            "required_approving_review_count": 0,
            "required_review_thread_resolution": false,
        }})),
    }
    (current.is_none() || body != before).then_some(body)
}

pub fn gitlab_checks(gl: &GitLab, config: &Config) -> Result<Vec<Check>> {
    let project = gl.project()?;
    let protected = gl.protected_branches()?;
    let api = |method: &str, path: &str| {
        format!("glab api --hostname {} --method {method} projects/{}{path}", gl.host, gl.id())
    };
    let mut checks = vec![if project.merge_method == "merge" {
        Check::ok("merge-method", "merge requests merge with a merge commit".to_owned())
    } else {
        Check::new(
            "merge-method",
            Status::Fail,
            format!(
                "the merge method is '{}': it rebases the hotfix, which copies its commits",
                project.merge_method
            ),
            &format!("{} -f merge_method=merge", api("PUT", "")),
        )
    }];
    let squash = project.squash_option.as_deref().unwrap_or("default_off");
    checks.push(if matches!(squash, "always" | "default_on") {
        Check::new(
            "squash",
            Status::Fail,
            format!("squashing is '{squash}': a hotfix would reach {} as a copy", config.main),
            &format!("{} -f squash_option=default_off", api("PUT", "")),
        )
    } else {
        Check::ok("squash", format!("squashing is '{squash}'"))
    });
    for (id, name) in
        [("main-protected", &config.main), ("development-protected", &config.development)]
    {
        let found = protected.iter().find(|b| &b.name == name);
        checks.push(match found {
            Some(b) if !b.allow_force_push => Check::ok(id, format!("{name} is protected")),
            Some(_) => {
                let fix = api("PATCH", &format!("/protected_branches/{name}"));
                let found = format!("{name} allows force pushes");
                Check::new(id, Status::Warn, found, &format!("{fix} -F allow_force_push=false"))
            }
            None => {
                let fix = format!("{} -f name={name}", api("POST", "/protected_branches"));
                let found = format!("{name} is not protected: it can be deleted or force-pushed");
                Check::new(id, Status::Warn, found, &fix)
            }
        });
    }
    Ok(checks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_ruleset_has_every_required_parameter() {
        let body = ruleset_for_main("main", None).unwrap();
        assert_eq!(body["conditions"]["ref_name"]["include"], json!(["refs/heads/main"]));
        let pr =
            body["rules"].as_array().unwrap().iter().find(|r| r["type"] == "pull_request").unwrap();
        for key in [
            "dismiss_stale_reviews_on_push",
            "require_code_owner_review",
            "require_last_push_approval",
            "required_approving_review_count",
            "required_review_thread_resolution",
        ] {
            assert!(pr["parameters"].get(key).is_some(), "{key}");
        }
    }

    #[test]
    fn an_update_keeps_what_it_did_not_come_to_change() {
        let existing = json!({
            "id": 7, "name": RULESET, "target": "branch", "enforcement": "evaluate",
            "conditions": {"ref_name": {"include": ["refs/heads/main"], "exclude": []}},
            "rules": [{"type": "required_signatures"}, {"type": "pull_request", "parameters": {
                "required_approving_review_count": 2, "dismiss_stale_reviews_on_push": true,
                "require_code_owner_review": true, "require_last_push_approval": false,
                "required_review_thread_resolution": true, "allowed_merge_methods": ["merge", "squash"]}}],
            "bypass_actors": [{"actor_id": 1, "actor_type": "OrganizationAdmin", "bypass_mode": "always"}],
        });
        let body = ruleset_for_main("main", Some(&existing)).unwrap();
        assert_eq!(body["enforcement"], "active");
        assert_eq!(body["bypass_actors"], existing["bypass_actors"]);
        let rules = body["rules"].as_array().unwrap();
        assert!(rules.iter().any(|r| r["type"] == "required_signatures"));
        let pr = rules.iter().find(|r| r["type"] == "pull_request").unwrap();
        assert_eq!(pr["parameters"]["required_approving_review_count"], 2);
        assert_eq!(pr["parameters"]["allowed_merge_methods"], json!(["merge"]));
        assert!(body.get("id").is_none());
        // Applied once, there is nothing left to change.
        assert_eq!(ruleset_for_main("main", Some(&body)), None);
    }
}
