//! The one evaluation of a push, shared by pre-push (the client, before sending) and
//! pre-receive (the server, before accepting): which rules each updated ref is subject to, and
//! the findings for all of them at once.

use crate::checks;
use crate::commands::Context;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::output;
use crate::policy::backmerge::{self, Hotfix};
use crate::policy::topology::{self, Names};
use crate::policy::{CommitRef, Trunks, Violation, protect};
use crate::repo::Repo;
use gix::ObjectId;
use std::io::Read;

/// One ref a push changes on the receiving side; `None` = absent (creation or deletion).
#[derive(Debug, Clone)]
pub struct RefUpdate {
    pub remote_ref: String,
    pub old: Option<ObjectId>,
    pub new: Option<ObjectId>,
}

/// What the rules make of a pushed ref.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target<'r> {
    Main,
    Development,
    /// A branch under the hotfix prefix, by short name.
    Hotfix(&'r str),
    /// Other branches, tags, notes: not this tool's business.
    Other,
}

fn target<'r>(config: &Config, remote_ref: &'r str) -> Target<'r> {
    let Some(branch) = remote_ref.strip_prefix("refs/heads/") else { return Target::Other };
    if branch == config.main {
        Target::Main
    } else if branch == config.development {
        Target::Development
    } else if branch.starts_with(config.prefix()) {
        Target::Hotfix(branch)
    } else {
        Target::Other
    }
}

impl RefUpdate {
    /// Whether any rule applies: the hooks skip every history read when none does, so that an
    /// unrelated push costs only starting up and reading the configuration.
    pub fn is_checked(&self, config: &Config) -> bool {
        match target(config, &self.remote_ref) {
            Target::Main | Target::Development => true,
            // Deleting a hotfix branch is the last step of the process.
            Target::Hotfix(_) => self.new.is_some(),
            Target::Other => false,
        }
    }
}

/// Reads a hook's whole standard input (Git may write many lines; reading all of them keeps
/// it from blocking on a full pipe).
pub fn read_input(hook: &str) -> Result<String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .map_err(|e| Error::env(format!("{hook}: cannot read the ref list from Git: {e}")))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// One object id from a hook's input: 40 (SHA-1) or 64 (SHA-256) hex digits of this
/// repository's kind; Git's all-zeros id means "absent".
pub fn parse_id(repo: &Repo, hex: &str) -> std::result::Result<Option<ObjectId>, String> {
    if !matches!(hex.len(), 40 | 64) || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("'{hex}' is not a full object id (40 or 64 hex digits)"));
    }
    if hex.bytes().all(|b| b == b'0') {
        return Ok(None);
    }
    repo.parse_id(hex)
        .map(Some)
        .ok_or_else(|| format!("'{hex}' is not an object id of this repository's hash kind"))
}

/// Every finding for the push `updates` against `trunks` (main and development before it).
///
/// - a hotfix branch: R1, R2 and R6 on its new tip (deleting one is fine);
/// - main: R5, then R3 over what the push adds to its first-parent line;
/// - development: R5, then R8 and R4 over what the push brings into it;
/// - creating main or development (bootstrap) is allowed; any other ref is not looked at.
///
/// A main pushed in the same push stands in for main in development's checks, so that
/// `git push origin main development` after a local finish is judged as a whole. Merges on
/// main are classified against development as it was before the push: a back-merge pushed
/// alongside would otherwise make the hotfix's own commits look like development's.
pub fn evaluate(
    ctx: &Context,
    trunks: Trunks<'_, ObjectId>,
    updates: &[RefUpdate],
) -> Result<Vec<Violation>> {
    let repo = &ctx.repo;
    let mut checked = Vec::new();
    for update in updates.iter().filter(|u| u.is_checked(&ctx.config)) {
        let new = update.new.map(|id| repo.peel_to_commit(id)).transpose()?;
        checked.push((target(&ctx.config, &update.remote_ref), update, new));
    }
    let main = checked.iter().find(|(t, ..)| *t == Target::Main).and_then(|c| c.2);
    let main = main.unwrap_or(trunks.main);

    let mut found = Vec::new();
    for &(target, update, new) in &checked {
        let mut findings = match (target, new) {
            (Target::Hotfix(branch), Some(tip)) => {
                checks::hotfix_branch(ctx, &trunks, branch, tip)?
            }
            (Target::Main | Target::Development, _) => {
                let branch =
                    if target == Target::Main { trunks.main_name } else { trunks.development_name };
                let (old, rewound) = protected_update(ctx, branch, update, new)?;
                match (rewound, old, new) {
                    (Some(rewound), ..) => vec![rewound],
                    (None, Some(old), Some(new)) if target == Target::Main => {
                        let names = Names {
                            main: trunks.main_name,
                            development: trunks.development_name,
                            naming: &ctx.config.naming,
                        };
                        topology::check_main(repo, &names, Some(old), new, trunks.development)?
                    }
                    (None, Some(old), Some(new)) => {
                        let hotfixes = known_hotfixes(ctx, &checked)?;
                        let push = backmerge::Push {
                            development: branch,
                            main_name: trunks.main_name,
                            old,
                            new,
                            main,
                            hotfixes: &hotfixes,
                            naming: &ctx.config.naming,
                        };
                        backmerge::check_development(repo, &push)?
                    }
                    _ => Vec::new(), // creation: bootstrap
                }
            }
            (Target::Hotfix(_) | Target::Other, _) => continue, // not checked
        };
        // A finding about the ref as a whole names the commit the push would leave (or delete)
        // there, so that every line of the report points at something to look at.
        if let Some(tip) = new.or(update.old) {
            for finding in findings.iter_mut().filter(|f| f.commit.is_none()) {
                finding.commit = Some(CommitRef::of(repo, tip)?);
            }
        }
        found.extend(findings);
    }
    Ok(found)
}

/// R5 for main or development; returns the old tip (peeled) with the finding. An old tip this
/// repository does not have cannot be judged without walking blind: ask for a fetch.
fn protected_update(
    ctx: &Context,
    branch: &str,
    update: &RefUpdate,
    new: Option<ObjectId>,
) -> Result<(Option<ObjectId>, Option<Violation>)> {
    let old = match update.old {
        Some(old) if !ctx.repo.has_object(old) => {
            return Err(Error::env(format!(
                "the remote has commits you do not have: its '{branch}' is at {}, which is not in this repository: git fetch first",
                old.to_hex_with_len(7)
            ))
            .hint(format!(
                "git fetch {}, then build on the remote's '{branch}' (git merge or git rebase) and push again",
                ctx.config.remote
            )));
        }
        Some(old) => Some(ctx.repo.peel_to_commit(old)?),
        None => None,
    };
    Ok((old, protect::check_update(&ctx.repo, branch, old, new)?))
}

/// The hotfix branches R4 and R8 compare against: those known here, plus the ones this same
/// push creates or moves (a server has not stored them yet).
fn known_hotfixes(
    ctx: &Context,
    checked: &[(Target<'_>, &RefUpdate, Option<ObjectId>)],
) -> Result<Vec<Hotfix<ObjectId>>> {
    let mut hotfixes = ctx.hotfix_branches()?;
    for &(target, _, new) in checked {
        if let (Target::Hotfix(name), Some(tip)) = (target, new)
            && !hotfixes.iter().any(|h| h.tip == tip)
        {
            hotfixes.push(Hotfix { name: name.to_owned(), tip });
        }
    }
    Ok(hotfixes)
}

/// Prints every finding; refuses the push when one of them is an error. `bypass` says how to
/// push anyway in an emergency, where there is a way.
pub fn verdict(found: &[Violation], bypass: Option<&str>) -> Result<()> {
    output::violations(found);
    let errors = found.iter().filter(|v| v.is_error()).count();
    if errors == 0 {
        return Ok(());
    }
    let err = Error::refused(format!(
        "push refused by the hotfix rules: {errors} problem(s) above; fix them and push again"
    ));
    Err(match bypass {
        Some(how) => err.hint(format!("in an emergency only, skip this check with: {how}")),
        None => err,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoGitConfig;
    impl crate::config::GitConfig for NoGitConfig {
        fn config_string(&self, _key: &str) -> Option<String> {
            None
        }
    }

    fn update(remote_ref: &str, new: bool) -> RefUpdate {
        let id = ObjectId::from_hex(b"1111111111111111111111111111111111111111").unwrap();
        RefUpdate { remote_ref: remote_ref.into(), old: Some(id), new: new.then_some(id) }
    }

    #[test]
    fn only_trunks_and_hotfix_branches_are_checked() {
        let config = crate::config::load(None, &NoGitConfig).unwrap();
        assert_eq!(target(&config, "refs/heads/main"), Target::Main);
        assert_eq!(target(&config, "refs/heads/development"), Target::Development);
        assert_eq!(target(&config, "refs/heads/hotfix/x"), Target::Hotfix("hotfix/x"));
        for other in
            ["refs/heads/feature/x", "refs/tags/main", "refs/notes/commits", "refs/heads/mainline"]
        {
            assert_eq!(target(&config, other), Target::Other, "{other}");
        }
        assert!(update("refs/heads/main", false).is_checked(&config));
        assert!(update("refs/heads/hotfix/x", true).is_checked(&config));
        assert!(!update("refs/heads/hotfix/x", false).is_checked(&config), "deleting a hotfix");
        assert!(!update("refs/tags/hotfix/x", true).is_checked(&config));
    }
}
