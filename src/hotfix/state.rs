//! The state of one hotfix, derived from refs: where its branch is (or was), how it reached
//! main and development, and which stage of the process that makes. Commands and hooks share
//! it; `status` prints it, `list` sums it up, `start` warns from it.

use crate::config::Config;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::hotfix::{marks, steps};
use crate::policy::message::merged_branch;
use crate::policy::{Diff, Graph, Trunks};
use crate::repo::Head;

use gix::ObjectId;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};

/// How far back main's first-parent line is searched for the merge of a deleted branch.
const MERGE_SEARCH: usize = 1000;
/// How many recent commits of a long-lived branch are compared with a hotfix to spot copies.
const COPY_SCAN: usize = 300;

/// The two places a hotfix's pull request can go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Main,
    Development,
}

impl Target {
    /// `--to` accepts the roles (`main`, `development`) and the configured branch names.
    pub fn parse(given: &str, config: &Config) -> Result<Self> {
        if given == config.main {
            Ok(Self::Main)
        } else if given == config.development {
            Ok(Self::Development)
        } else if given == "main" {
            Ok(Self::Main)
        } else if given == "development" {
            Ok(Self::Development)
        } else {
            Err(Error::env(format!(
                "--to takes '{}' or '{}', not '{given}'",
                config.main, config.development
            )))
        }
    }
}

/// The branch a hotfix's pull request goes into, as the checks see it.
pub struct Base {
    pub target: Target,
    pub name: String,
    pub tip: ObjectId,
    /// main already contains the hotfix's `tip`.
    pub in_main: bool,
}

impl Base {
    /// `given` (`--to`), else main until main contains `tip`, then development.
    pub fn choose(
        ctx: &Context,
        trunks: &Trunks<'_, ObjectId>,
        given: Option<&str>,
        tip: ObjectId,
    ) -> Result<Self> {
        let in_main = ctx.repo.is_ancestor(tip, trunks.main)?;
        let target = match given {
            Some(given) => Target::parse(given, &ctx.config)?,
            None if in_main => Target::Development,
            None => Target::Main,
        };
        let (name, tip) = match target {
            Target::Main => (&ctx.config.main, trunks.main),
            Target::Development => {
                let (development, remote) = (&ctx.config.development, &ctx.config.remote);
                let tip = trunks.development.ok_or_else(|| {
                    Error::env(format!(
                        "branch '{development}' was found neither on {remote} nor locally"
                    ))
                    .hint(format!(
                        "fetch it (git fetch {remote}), or set `development` in .githotfix.toml"
                    ))
                })?;
                (development, tip)
            }
        };
        Ok(Self { target, name: name.clone(), tip, in_main })
    }
}

/// A hotfix branch's refs in this repository.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Refs {
    pub local: Option<ObjectId>,
    pub remote: Option<ObjectId>,
}

impl Refs {
    /// The tip to judge: the local branch when there is one (it has the user's latest work).
    pub fn tip(&self) -> Option<ObjectId> {
        self.local.or(self.remote)
    }

    pub fn exists(&self) -> bool {
        self.tip().is_some()
    }
}

/// Where a hotfix's tip was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TipSource {
    Branch,
    /// Recorded in Git config by a command that saw the branch.
    Recorded,
    /// The second parent of this merge on main, whose message names the branch.
    Merge(ObjectId),
}

/// A hotfix, existing or deleted, and its tip.
#[derive(Debug, Clone)]
pub struct Located {
    pub branch: String,
    pub refs: Refs,
    pub tip: ObjectId,
    pub source: TipSource,
}

impl Located {
    /// An existing branch, at its tip.
    pub fn branch(name: &str, refs: Refs) -> Option<Self> {
        Some(Self { branch: name.to_owned(), refs, tip: refs.tip()?, source: TipSource::Branch })
    }
}

/// The hotfix branch a command is about: `arg` (with or without the prefix or the remote), or
/// else the current branch, which must then be a hotfix branch.
pub fn target(ctx: &Context, arg: Option<&str>) -> Result<String> {
    let prefix = ctx.config.prefix();
    if let Some(arg) = arg {
        let remote = &ctx.config.remote;
        let short = arg
            .strip_prefix("refs/heads/")
            .or_else(|| arg.strip_prefix(&format!("refs/remotes/{remote}/")))
            .unwrap_or(arg);
        let short = match short.strip_prefix(&format!("{remote}/")) {
            Some(rest) if rest.starts_with(prefix) => rest,
            _ => short,
        };
        let branch =
            if short.starts_with(prefix) { short.to_owned() } else { format!("{prefix}{short}") };
        steps::require_valid_branch_name(ctx, &branch)?;
        return Ok(branch);
    }
    let (what, current) = match ctx.repo.head()? {
        Head::Branch(name) | Head::Unborn(name) => {
            if ctx.config.naming.desc(&name).is_some() {
                return Ok(name);
            }
            (format!("the current branch '{name}' is not a hotfix branch"), name)
        }
        Head::Detached(id) => {
            (format!("HEAD is detached at {}", ctx.repo.short(id)), String::new())
        }
    };
    let open: Vec<String> =
        known_branches(ctx)?.into_keys().filter(|name| *name != current).collect();
    let err = Error::env(what);
    Err(if open.is_empty() {
        err.hint("no hotfix branch is open; start one with: git hotfix start <description>")
    } else {
        err.hint(format!("open hotfixes: {}", open.join(", ")))
            .hint(format!("name one: git hotfix status {}", open[0]))
    })
}

/// Every hotfix branch here, local and remote-tracking, by branch name.
pub fn known_branches(ctx: &Context) -> Result<BTreeMap<String, Refs>> {
    let remote = format!("{}/", ctx.config.remote);
    let mut found: BTreeMap<String, Refs> = BTreeMap::new();
    for hotfix in ctx.hotfix_branches()? {
        match hotfix.name.strip_prefix(&remote) {
            Some(name) => found.entry(name.to_owned()).or_default().remote = Some(hotfix.tip),
            None => found.entry(hotfix.name).or_default().local = Some(hotfix.tip),
        }
    }
    Ok(found)
}

/// Who started each hotfix whose tip is in `tips`: the author of its oldest commit not on
/// `main`, or the committer of its tip when it has no commit of its own.
pub fn started_by(ctx: &Context, main: ObjectId, tips: &[ObjectId]) -> Result<Vec<String>> {
    let mut names = Vec::with_capacity(tips.len());
    for &tip in tips {
        let name = match ctx.repo.commits(&[tip], &[main], false)?.last() {
            Some(&oldest) => ctx.repo.people(oldest)?.0,
            None => ctx.repo.people(tip)?.1,
        };
        names.push(name);
    }
    Ok(names)
}

/// Finds `branch` and its tip: its refs, else the tip recorded before it was deleted, else the
/// merge on main that names it. Unknown branches are an error (exit 2).
pub fn locate(ctx: &Context, branch: &str) -> Result<Located> {
    let refs = Refs {
        local: ctx.repo.resolve_ref(&format!("refs/heads/{branch}"))?,
        remote: ctx.repo.resolve_ref(&format!("refs/remotes/{}/{branch}", ctx.config.remote))?,
    };
    if let Some(found) = Located::branch(branch, refs) {
        return Ok(found);
    }
    let found = |tip, source| Located { branch: branch.to_owned(), refs, tip, source };
    if let Some(tip) = marks::recorded_commit(&ctx.repo, branch, "tip") {
        return Ok(found(tip, TipSource::Recorded));
    }
    let main = ctx.repo.trunk(&ctx.config, &ctx.config.main)?;
    if let Some(main) = main
        && let Some(merge) = find_merge(&ctx.repo, main, branch)?
        && let Some(&tip) = ctx.repo.parents(merge)?.get(1)
    {
        return Ok(found(tip, TipSource::Merge(merge)));
    }
    let mut err = Error::env(format!(
        "no hotfix branch '{branch}' here: not a local branch, not on {}, and no recent merge on {} names it",
        ctx.config.remote, ctx.config.main
    ));
    let open: Vec<String> = known_branches(ctx)?.into_keys().collect();
    if !open.is_empty() {
        err = err.hint(format!("open hotfixes: {}", open.join(", ")));
    }
    Err(err.hint(format!("if it is on the remote, fetch first: git fetch {}", ctx.config.remote)))
}

/// The newest merge on main's first-parent line whose message names `branch`.
fn find_merge<G: Graph>(graph: &G, main: G::Id, branch: &str) -> Result<Option<G::Id>, G::Error> {
    for commit in first_parent_line(graph, main, MERGE_SEARCH)? {
        if graph.parents(commit)?.len() > 1
            && merged_branch(&graph.message(commit)?).as_deref() == Some(branch)
        {
            return Ok(Some(commit));
        }
    }
    Ok(None)
}

/// The newest `limit` commits of `tip`'s first-parent line, newest first.
fn first_parent_line<G: Graph>(
    graph: &G,
    tip: G::Id,
    limit: usize,
) -> Result<Vec<G::Id>, G::Error> {
    let mut line = vec![tip];
    while line.len() < limit {
        match graph.parents(line[line.len() - 1])?.first() {
            Some(&parent) => line.push(parent),
            None => break,
        }
    }
    Ok(line)
}

/// How a hotfix's commits got onto a long-lived branch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Landing<Id> {
    /// They are not there.
    Absent,
    /// Through this merge commit, as the process wants.
    Merged(Id),
    /// The tip is on the branch's first-parent line: fast-forwarded or rebased, no merge commit.
    FastForward,
    /// Not the same commits, but this commit has the same changes: squashed, rebased or
    /// cherry-picked.
    Copied(Id),
}

impl<Id> Landing<Id> {
    pub fn arrived(&self) -> bool {
        !matches!(self, Self::Absent)
    }
}

/// How `tip` reached `trunk`. `base` is where the hotfix left main (for spotting copies).
pub fn landing<G: Graph>(
    graph: &G,
    trunk: G::Id,
    tip: G::Id,
    base: Option<G::Id>,
) -> Result<Landing<G::Id>, G::Error> {
    if !graph.is_ancestor(tip, trunk)? {
        return Ok(match base {
            Some(base) => {
                copy_on(graph, trunk, tip, base)?.map_or(Landing::Absent, Landing::Copied)
            }
            None => Landing::Absent,
        });
    }
    // The first-parent line down to where it reaches the hotfix's history (newest first).
    let line = graph.commits(&[trunk], &[tip], true)?;
    let Some(&oldest) = line.last() else { return Ok(Landing::FastForward) };
    if graph.parents(oldest)?.first() == Some(&tip) {
        return Ok(Landing::FastForward);
    }
    // Containing the tip is true for a prefix of the line: find the oldest that does, the merge.
    let (mut lo, mut hi) = (1, line.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        if graph.is_ancestor(tip, line[mid])? {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    Ok(Landing::Merged(line[lo - 1]))
}

/// A recent commit on `trunk`'s first-parent line with the same patch as the hotfix
/// (`base..tip` as a whole, or one of its commits).
fn copy_on<G: Graph>(
    graph: &G,
    trunk: G::Id,
    tip: G::Id,
    base: G::Id,
) -> Result<Option<G::Id>, G::Error> {
    let Some(question) = CopyQuestion::of(graph, trunk, tip, base)? else { return Ok(None) };
    let ids = graph.patch_ids(&question.diffs)?;
    let (hotfix, theirs) = ids.split_at(question.own + 1);
    let hotfix: HashSet<&str> = hotfix.iter().flatten().map(String::as_str).collect();
    Ok(question
        .candidates
        .into_iter()
        .zip(theirs)
        .find(|(_, id)| id.as_deref().is_some_and(|id| hotfix.contains(id)))
        .map(|(c, _)| c))
}

/// The patch identities [`copy_on`] compares: the hotfix's own commits, its whole change, then
/// the candidates on the trunk.
struct CopyQuestion<Id> {
    own: usize,
    candidates: Vec<Id>,
    diffs: Vec<Diff<Id>>,
}

impl<Id: Copy + PartialEq> CopyQuestion<Id> {
    /// `None` when there is nothing to compare.
    fn of<G: Graph<Id = Id>>(
        graph: &G,
        trunk: Id,
        tip: Id,
        base: Id,
    ) -> Result<Option<Self>, G::Error> {
        let mut own = Vec::new();
        for id in graph.commits(&[tip], &[base], false)? {
            if graph.parents(id)?.len() == 1 {
                own.push(id);
            }
        }
        let mut candidates = Vec::new();
        for id in first_parent_line(graph, trunk, COPY_SCAN)? {
            if graph.parents(id)?.len() == 1 && !own.contains(&id) {
                candidates.push(id);
            }
        }
        if own.is_empty() || candidates.is_empty() {
            return Ok(None);
        }
        let mut diffs: Vec<_> = own.iter().map(|&c| Diff::Commit(c)).collect();
        diffs.push(Diff::Range { base, tip });
        diffs.extend(candidates.iter().map(|&c| Diff::Commit(c)));
        Ok(Some(Self { own: own.len(), candidates, diffs }))
    }
}

/// Asks in one batch the patch identities that [`Facts::gather`] compares for hotfixes not on
/// main (whether they were copied there), which the repository then remembers: listing many
/// hotfixes costs one `git patch-id` instead of one per branch.
pub fn ask_copies_on_main(
    ctx: &Context,
    trunks: &Trunks<'_, ObjectId>,
    tips: &[ObjectId],
) -> Result<()> {
    let repo = &ctx.repo;
    let mut diffs = Vec::new();
    for &tip in tips {
        if let Some(&base) = repo.merge_bases(trunks.main, tip)?.first()
            && !repo.is_ancestor(tip, trunks.main)?
            && let Some(question) = CopyQuestion::of(repo, trunks.main, tip, base)?
        {
            diffs.extend(question.diffs);
        }
    }
    repo.patch_ids(&diffs)?;
    Ok(())
}

/// What the repository says about one hotfix.
#[derive(Debug, Clone)]
pub struct Facts {
    pub found: Located,
    /// Where it left main: a merge base of its tip and main as it was before the hotfix
    /// reached it (`None` when that cannot be told).
    pub fork: Option<ObjectId>,
    /// It has no commits of its own yet.
    pub fresh: bool,
    pub main: Landing<ObjectId>,
    /// `None` when there is no development branch.
    pub development: Option<Landing<ObjectId>>,
}

impl Facts {
    pub fn gather(ctx: &Context, trunks: &Trunks<'_, ObjectId>, found: Located) -> Result<Self> {
        let repo = &ctx.repo;
        let tip = found.tip;
        let recorded = marks::recorded_commit(repo, &found.branch, "base");
        let before_merge = repo.merge_bases(trunks.main, tip)?.first().copied();
        let on_main = landing(repo, trunks.main, tip, before_merge)?;
        // A branch still at the commit it was cut from sits on main's first-parent line like
        // a fast-forwarded one. `start` records the commit; without a record, a hotfix's own
        // commit is an ordinary one, while main's line is made of merges (and its root).
        let fresh = match recorded {
            Some(base) => base == tip,
            None => on_main == Landing::FastForward && repo.parents(tip)?.len() != 1,
        };
        if fresh {
            let development = trunks.development.map(|_| Landing::Absent);
            return Ok(Self { found, fork: Some(tip), fresh, main: Landing::Absent, development });
        }
        // Once merged, main contains the tip: where the hotfix left main is then a merge base
        // with main as it was before the merge.
        let fork = match on_main {
            Landing::Merged(merge) => match repo.parents(merge)?.first() {
                Some(&before) => repo.merge_bases(before, tip)?.first().copied(),
                None => None,
            },
            Landing::FastForward => match recorded {
                Some(base) if repo.is_ancestor(base, tip)? => Some(base),
                _ => None,
            },
            Landing::Absent | Landing::Copied(_) => before_merge,
        };
        // Copies on development matter once the back-merge is due: after main has it.
        let development = match trunks.development {
            Some(dev) => Some(landing(repo, dev, tip, fork.filter(|_| on_main.arrived()))?),
            None => None,
        };
        Ok(Self { found, fork, fresh, main: on_main, development })
    }

    pub fn stage(&self) -> Stage {
        let in_dev = self.development.is_some_and(|d| d.arrived());
        match (self.found.refs.exists(), self.main.arrived(), in_dev) {
            (false, true, true) => Stage::CleanedUp,
            (false, _, _) => Stage::DeletedUnmerged,
            (true, true, true) => Stage::MergedIntoBoth,
            (true, true, false) => Stage::MergedIntoMain,
            (true, false, true) => Stage::MergedIntoDevelopmentOnly,
            (true, false, false) if self.found.refs.remote.is_some() => Stage::Published,
            (true, false, false) => Stage::InProgress,
        }
    }
}

/// Where a hotfix is in the process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    InProgress,
    Published,
    MergedIntoMain,
    MergedIntoDevelopmentOnly,
    /// Merged into main and development; the branch is still there.
    #[serde(rename = "merged-into-main-and-development")]
    MergedIntoBoth,
    CleanedUp,
    DeletedUnmerged,
}

impl Stage {
    /// A few words, with the team's branch names.
    pub fn label(self, config: &Config) -> String {
        let (main, dev) = (&config.main, &config.development);
        match self {
            Self::InProgress => "in progress".to_owned(),
            Self::Published => "published".to_owned(),
            Self::MergedIntoMain => format!("merged into {main}"),
            Self::MergedIntoDevelopmentOnly => format!("merged into {dev} only"),
            Self::MergedIntoBoth => format!("merged into {main} and {dev}"),
            Self::CleanedUp => "cleaned up".to_owned(),
            Self::DeletedUnmerged => "deleted before it was merged".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::graph::fake::FakeGraph;

    /// main: root ─ m1 ─ M (merges h2) ─ m3 ; hotfix h1 ─ h2 off m1; f1 fast-forwarded onto m3
    fn history() -> FakeGraph {
        let mut g = FakeGraph::new();
        g.commit("root", &[], "root")
            .commit("m1", &["root"], "Merge branch 'release'")
            .commit("h1", &["m1"], "fix one")
            .commit("h2", &["h1"], "fix two")
            .commit("M", &["m1", "h2"], "Merge branch 'hotfix/a'")
            .commit("m3", &["M"], "Merge branch 'hotfix/b'")
            .commit("f1", &["m3"], "fix three")
            .commit("o1", &["m1"], "open fix");
        g
    }

    #[test]
    fn finds_the_merge_that_brought_a_hotfix() {
        let g = history();
        assert_eq!(landing(&g, "m3", "h2", Some("m1")).unwrap(), Landing::Merged("M"));
        assert_eq!(landing(&g, "M", "h1", Some("m1")).unwrap(), Landing::Merged("M"));
    }

    #[test]
    fn a_tip_on_the_first_parent_line_was_fast_forwarded() {
        let g = history();
        assert_eq!(landing(&g, "f1", "f1", Some("f1")).unwrap(), Landing::FastForward);
        assert_eq!(landing(&g, "f1", "m3", Some("m3")).unwrap(), Landing::FastForward);
    }

    #[test]
    fn an_unmerged_tip_is_absent_or_a_copy() {
        let g = history();
        assert_eq!(landing(&g, "m3", "o1", Some("m1")).unwrap(), Landing::Absent);
        let mut g = history();
        g.copy("S", &["m3"], "Open fix (#4)", "o1");
        assert_eq!(landing(&g, "S", "o1", Some("m1")).unwrap(), Landing::Copied("S"));
    }

    #[test]
    fn finds_a_deleted_branch_by_its_merge_message() {
        let g = history();
        assert_eq!(find_merge(&g, "f1", "hotfix/a").unwrap(), Some("M"));
        assert_eq!(find_merge(&g, "f1", "hotfix/zzz").unwrap(), None);
    }
}
