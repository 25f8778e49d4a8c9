//! The checks `doctor` makes of the clone itself: hooks, configuration, remote, CI.

use super::{Check, Status};
use crate::config::{Config, FILE_NAME};
use crate::error::Result;
use crate::hooks::install::{CLIENT_HOOKS, Health, Hook, SERVER_HOOKS, hooks_dir};
use crate::repo::Repo;
use crate::spawn::Git;
use std::time::Duration;

/// How long the remote may take to list its branches.
const REMOTE_LIMIT: Duration = Duration::from_secs(20);

pub fn hooks(repo: &Repo) -> Check {
    let dir = match hooks_dir() {
        Ok(dir) => dir,
        Err(e) => return Check::new("hooks", Status::Fail, e.message, "git hotfix install"),
    };
    let names = if repo.is_bare() { SERVER_HOOKS } else { CLIENT_HOOKS };
    let mut problems = Vec::new();
    for name in names {
        let problem = match Hook::at(&dir, name).health() {
            Health::Working => continue,
            Health::Missing => format!("{name} is not installed"),
            Health::Foreign => format!("{name} is another tool's hook, without git-hotfix"),
            Health::NotExecutable => format!("{name} is not executable"),
            Health::BinaryMissing(path) => {
                format!("{name} runs {}, which is gone", path.display())
            }
            Health::ChainBroken(path) => {
                format!("{name} keeps {}, which cannot run", path.display())
            }
        };
        problems.push(problem);
    }
    if problems.is_empty() {
        let found = format!("{} installed in {}", names.join(", "), dir.display());
        Check::ok("hooks", found)
    } else {
        Check::new("hooks", Status::Fail, problems.join("; "), "git hotfix install")
    }
}

pub fn config(repo: &Repo) -> (Check, Option<Config>) {
    match repo.load_config() {
        Ok(config) => {
            let found = match repo.workdir() {
                Some(root) if root.join(FILE_NAME).exists() => format!("{FILE_NAME} is valid"),
                Some(_) => format!("no {FILE_NAME}: the defaults apply"),
                None => "valid (read from main's tree)".to_owned(),
            };
            (Check::ok("config", found), Some(config))
        }
        Err(e) => {
            let fix = e.hints.first().cloned().unwrap_or_else(|| format!("edit {FILE_NAME}"));
            (Check::new("config", Status::Fail, e.message, &fix), None)
        }
    }
}

pub fn remote(repo: &Repo, config: &Config) -> Result<Check> {
    let (remote, main, dev) = (&config.remote, &config.main, &config.development);
    if repo.remote_url(remote).is_none() {
        let fix = format!("git remote add {remote} <url>, or set `remote` in {FILE_NAME}");
        return Ok(Check::new(
            "remote",
            Status::Fail,
            format!("there is no remote '{remote}'"),
            &fix,
        ));
    }
    let heads = [format!("refs/heads/{main}"), format!("refs/heads/{dev}")];
    let args = ["ls-remote", "--heads", "--", remote, &heads[0], &heads[1]];
    let out = Git::here().output_within(&args, REMOTE_LIMIT)?;
    let (listed, how) = if out.status.success() {
        (String::from_utf8_lossy(&out.stdout).into_owned(), String::new())
    } else {
        let said = String::from_utf8_lossy(&out.stderr).trim().replace('\n', " ");
        let mut known = String::new();
        for head in &heads {
            let tracking = head.replace("refs/heads/", &format!("refs/remotes/{remote}/"));
            if repo.resolve_ref(&tracking)?.is_some() {
                known.push_str(&format!("x\t{head}\n"));
            }
        }
        (known, format!(" (as last fetched: {remote} did not answer: {said})"))
    };
    let missing: Vec<&str> = [main, dev]
        .into_iter()
        .zip(&heads)
        .filter(|(_, head)| !listed.lines().any(|l| l.ends_with(&format!("\t{head}"))))
        .map(|(name, _)| name.as_str())
        .collect();
    Ok(if missing.is_empty() {
        Check::ok("remote", format!("{remote} has {main} and {dev}{how}"))
    } else {
        let found = format!("{remote} has no {}{how}", missing.join(" and "));
        let fix = format!(
            "push them (git push {remote} {}), or name yours in {FILE_NAME}",
            missing.join(" ")
        );
        Check::new("remote", Status::Fail, found, &fix)
    })
}

/// A CI configuration that runs `git hotfix verify` (or the action that does).
pub fn ci(repo: &Repo) -> Check {
    let Some(root) = repo.workdir() else {
        return Check::skip("ci", "a bare repository has no CI files to read");
    };
    let mut files = vec![root.join(".gitlab-ci.yml")];
    if let Ok(entries) = std::fs::read_dir(root.join(".github/workflows")) {
        files.extend(entries.flatten().map(|e| e.path()));
    }
    let runs_verify = |text: &str| text.contains("hotfix verify") || text.contains("git-hotfix@");
    let found = files.iter().find(|f| std::fs::read_to_string(f).is_ok_and(|t| runs_verify(&t)));
    match found {
        Some(file) => {
            let shown = file.strip_prefix(&root).unwrap_or(file);
            Check::ok("ci", format!("{} runs git hotfix verify", shown.display()))
        }
        None => Check::new(
            "ci",
            Status::Warn,
            "no workflow runs git hotfix verify: merges made on the host go unchecked".to_owned(),
            "add the workflow from the README (\"CI: git hotfix verify\") to .github/workflows/",
        ),
    }
}
