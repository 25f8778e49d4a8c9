//! `[deploy.main]` and `[deploy.development]`: what deploys each long-lived branch. Git config
//! overrides them as `hotfix.deploy.<main|development>.<key>` (`pollSeconds`,
//! `githubEnvironment`, `githubWorkflow`). Every value ends up as one argument of `aws` or in a
//! `gh api` path, never in a shell, and each is checked here so that a typo fails at load.

use super::{GitConfig, Keys};
use crate::error::Result;
use crate::policy::naming::is_valid_branch_name;
use serde::Deserialize;
use toml::Spanned;

/// The `[deploy]` tables of the file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Tables {
    main: Option<Table>,
    development: Option<Table>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    codepipeline: Option<Spanned<Vec<String>>>,
    region: Option<Spanned<String>>,
    profile: Option<Spanned<String>>,
    github_environment: Option<Spanned<String>>,
    github_workflow: Option<Spanned<String>>,
    poll_seconds: Option<Spanned<u64>>,
    tags: Option<Spanned<Vec<String>>>,
}

/// What deploys one branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deploy {
    /// AWS CodePipeline pipelines, by name.
    pub codepipeline: Vec<String>,
    /// `--region` for `aws`; `None`: the CLI's own default.
    pub region: Option<String>,
    /// `--profile` for `aws`.
    pub profile: Option<String>,
    /// GitHub deployments to this environment.
    pub github_environment: Option<String>,
    /// GitHub Actions runs of this workflow (file name or id).
    pub github_workflow: Option<String>,
    /// How often `deploy --wait` asks.
    pub poll_seconds: u64,
    /// Tags whose push starts a deployment (`deploy --tag`).
    pub tags: Vec<TagPattern>,
}

impl Deploy {
    /// Whether anything here can be watched (tags alone only start deployments).
    pub fn watches_anything(&self) -> bool {
        !self.codepipeline.is_empty()
            || self.github_environment.is_some()
            || self.github_workflow.is_some()
    }
}

/// A tag name with placeholders: `{date}` (UTC `YYYYMMDD`), `{time}` (`HHMMSS`), `{short}`
/// (the commit's 7-character id) and `{n}` (the next free number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagPattern(String);

const PLACEHOLDERS: [(&str, &str); 4] =
    [("{date}", "20260101"), ("{time}", "120000"), ("{short}", "0123abc"), ("{n}", "1")];

impl TagPattern {
    fn parse(text: &str) -> std::result::Result<Self, String> {
        let mut rest = text.to_owned();
        for (placeholder, _) in PLACEHOLDERS {
            rest = rest.replace(placeholder, "");
        }
        if rest.contains(['{', '}']) {
            return Err(format!(
                "'{text}' has a placeholder other than {{date}}, {{time}}, {{short}} and {{n}}"
            ));
        }
        let mut sample = text.to_owned();
        for (placeholder, value) in PLACEHOLDERS {
            sample = sample.replace(placeholder, value);
        }
        if !is_valid_branch_name(&sample) {
            return Err(format!("'{text}' does not make a valid tag name (e.g. '{sample}')"));
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Reads both tables; a table is configured when the file or Git config sets any of its keys.
pub(super) fn load<G: GitConfig>(
    keys: &mut Keys<'_, G>,
    tables: Option<Tables>,
) -> Result<(Option<Deploy>, Option<Deploy>)> {
    if tables.is_none() && !keys.git.may_have_section("hotfix") {
        return Ok((None, None)); // nothing set anywhere: the hook's everyday case
    }
    let tables = tables.unwrap_or_default();
    Ok((one(keys, "main", tables.main)?, one(keys, "development", tables.development)?))
}

fn one<G: GitConfig>(
    keys: &mut Keys<'_, G>,
    role: &str,
    table: Option<Table>,
) -> Result<Option<Deploy>> {
    let table = table.unwrap_or_default();
    let key = |name: &str| format!("deploy.{role}.{name}");
    let (pipelines_key, region_key, profile_key) =
        (key("codepipeline"), key("region"), key("profile"));
    let (environment_key, workflow_key) = (key("github_environment"), key("github_workflow"));
    let (poll_key, tags_key) = (key("poll_seconds"), key("tags"));
    let (environment_git, workflow_git, poll_git) =
        (key("githubEnvironment"), key("githubWorkflow"), key("pollSeconds"));

    let before = keys.set_at.len();
    let codepipeline = keys.list(&pipelines_key, &pipelines_key, table.codepipeline)?;
    let region = optional(keys, &region_key, &region_key, table.region);
    let profile = optional(keys, &profile_key, &profile_key, table.profile);
    let github_environment =
        optional(keys, &environment_key, &environment_git, table.github_environment);
    let github_workflow = optional(keys, &workflow_key, &workflow_git, table.github_workflow);
    let poll_seconds = keys.number(&poll_key, &poll_git, table.poll_seconds, 15)?;
    let tag_texts = keys.list(&tags_key, &tags_key, table.tags)?;
    let in_git = [
        &pipelines_key,
        &region_key,
        &profile_key,
        &tags_key,
        &environment_git,
        &workflow_git,
        &poll_git,
    ]
    .into_iter()
    .any(|k| keys.git_value(k).is_some());
    if keys.set_at.len() == before && !in_git {
        return Ok(None);
    }

    if let Some(bad) = codepipeline.iter().find(|p| !is_pipeline_name(p)) {
        return Err(keys.bad(
            &pipelines_key,
            &pipelines_key,
            &format!("'{bad}' is not a CodePipeline name (letters, digits, . @ _ -; at most 100)"),
        ));
    }
    if let Some(region) = region
        .as_deref()
        .filter(|r| !is_word(r, |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
    {
        return Err(keys.bad(
            &region_key,
            &region_key,
            &format!("'{region}' is not an AWS region (like us-east-1)"),
        ));
    }
    let profile_char = |c: char| c.is_ascii_alphanumeric() || "._@+=,-".contains(c);
    if let Some(profile) = profile.as_deref().filter(|p| !is_word(p, profile_char)) {
        return Err(keys.bad(
            &profile_key,
            &profile_key,
            &format!("'{profile}' is not an AWS profile name"),
        ));
    }
    if let Some(env) = github_environment
        .as_deref()
        .filter(|e| e.trim().is_empty() || e.len() > 255 || e.chars().any(char::is_control))
    {
        return Err(keys.bad(
            &environment_key,
            &environment_git,
            &format!("{env:?} is not a GitHub environment name"),
        ));
    }
    let workflow_char = |c: char| c.is_ascii_alphanumeric() || "._-".contains(c);
    if let Some(workflow) = github_workflow.as_deref().filter(|w| !is_word(w, workflow_char)) {
        return Err(keys.bad(
            &workflow_key,
            &workflow_git,
            &format!("'{workflow}' is neither a workflow file name (deploy.yml) nor its id"),
        ));
    }
    if poll_seconds == 0 {
        return Err(keys.bad(&poll_key, &poll_git, "must be at least 1"));
    }
    let mut tags = Vec::new();
    for text in &tag_texts {
        tags.push(
            TagPattern::parse(text).map_err(|problem| keys.bad(&tags_key, &tags_key, &problem))?,
        );
    }
    let deploy = Deploy {
        codepipeline,
        region,
        profile,
        github_environment,
        github_workflow,
        poll_seconds,
        tags,
    };
    if !deploy.watches_anything() && deploy.tags.is_empty() {
        return Err(keys.bad(
            &pipelines_key,
            &pipelines_key,
            &format!("[deploy.{role}] names nothing that deploys: set codepipeline, github_environment, github_workflow or tags"),
        ));
    }
    Ok(Some(deploy))
}

/// A string key without a default.
fn optional<G: GitConfig>(
    keys: &mut Keys<'_, G>,
    key: &str,
    git_key: &str,
    file: Option<Spanned<String>>,
) -> Option<String> {
    let file = keys.file_value(key, file);
    keys.git_value(git_key).or(file)
}

/// Not empty, not an option, made of `allowed` characters.
fn is_word(text: &str, allowed: impl Fn(char) -> bool) -> bool {
    !text.is_empty() && !text.starts_with('-') && text.chars().all(allowed)
}

/// AWS's rule for pipeline names: `[A-Za-z0-9.@\-_]+`, 1 to 100 characters.
fn is_pipeline_name(name: &str) -> bool {
    name.len() <= 100 && is_word(name, |c| c.is_ascii_alphanumeric() || ".@_-".contains(c))
}

#[cfg(test)]
mod tests {
    use crate::config::{Source, load};
    use std::collections::HashMap;

    struct Git(HashMap<String, String>);
    impl crate::config::GitConfig for Git {
        fn config_string(&self, key: &str) -> Option<String> {
            self.0.get(key).cloned()
        }
    }

    fn with(text: &str, git: &[(&str, &str)]) -> crate::error::Result<crate::config::Config> {
        let source = Source { label: ".githotfix.toml".into(), text: text.into() };
        let git = Git(git.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect());
        load(Some(&source), &git)
    }

    #[test]
    fn a_backend_and_a_frontend_pipeline() {
        let c = with(
            "[deploy.main]\ncodepipeline = [\"prod-backend\", \"prod-frontend\"]\nregion = \"us-east-1\"\nprofile = \"prod\"\ntags = [\"cc-prod-{date}\", \"ui-{date}-{n}\"]\n\n[deploy.development]\ngithub_environment = \"test\"\npoll_seconds = 5\n",
            &[],
        )
        .unwrap();
        let main = c.deploy_main.unwrap();
        assert_eq!(main.codepipeline, ["prod-backend", "prod-frontend"]);
        assert_eq!(
            (main.region.as_deref(), main.profile.as_deref()),
            (Some("us-east-1"), Some("prod"))
        );
        assert_eq!(main.poll_seconds, 15);
        assert_eq!(main.tags[1].as_str(), "ui-{date}-{n}");
        let dev = c.deploy_development.unwrap();
        assert_eq!((dev.github_environment.as_deref(), dev.poll_seconds), (Some("test"), 5));
        assert!(with("", &[]).unwrap().deploy_main.is_none());
    }

    #[test]
    fn git_config_overrides_and_alone_configures() {
        let c = with(
            "[deploy.main]\ncodepipeline = [\"a\"]\n",
            &[
                ("hotfix.deploy.main.codepipeline", "b, c"),
                ("hotfix.deploy.development.githubWorkflow", "deploy.yml"),
            ],
        )
        .unwrap();
        assert_eq!(c.deploy_main.unwrap().codepipeline, ["b", "c"]);
        assert_eq!(c.deploy_development.unwrap().github_workflow.as_deref(), Some("deploy.yml"));
    }

    #[test]
    fn bad_values_name_the_line_and_key() {
        let cases = [
            ("[deploy.main]\ncodepipeline = [\"a b\"]\n", ":2: key `deploy.main.codepipeline`"),
            (
                "[deploy.main]\ncodepipeline = [\"a\"]\nregion = \"--debug\"\n",
                ":3: key `deploy.main.region`",
            ),
            (
                "[deploy.main]\ncodepipeline = [\"a\"]\nprofile = \"-x\"\n",
                ":3: key `deploy.main.profile`",
            ),
            (
                "[deploy.main]\ncodepipeline = [\"a\"]\npoll_seconds = 0\n",
                ":3: key `deploy.main.poll_seconds`",
            ),
            ("[deploy.main]\ntags = [\"prod-{day}\"]\n", ":2: key `deploy.main.tags`"),
            ("[deploy.main]\ntags = [\"a..{date}\"]\n", ":2: key `deploy.main.tags`"),
            (
                "[deploy.development]\ngithub_workflow = \"../x\"\n",
                ":2: key `deploy.development.github_workflow`",
            ),
            ("[deploy.main]\ncodepipelines = [\"a\"]\n", ":2: key `codepipelines`"),
            ("[deploy.main]\ncodepipeline = \"a\"\n", ":2: key `codepipeline`"),
            ("[deploy.production]\ncodepipeline = [\"a\"]\n", ":1:"),
            ("[deploy.main]\nregion = \"us-east-1\"\n", "names nothing that deploys"),
        ];
        for (text, want) in cases {
            let e = with(text, &[]).unwrap_err();
            assert!(e.message.contains(want), "{text}: {}", e.message);
        }
        let e = with("", &[("hotfix.deploy.main.pollSeconds", "soon")]).unwrap_err();
        assert!(
            e.message.starts_with("git config hotfix.deploy.main.pollSeconds"),
            "{}",
            e.message
        );
    }
}
