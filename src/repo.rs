//! Every read of the repository: refs, ancestry, merge bases, walks, config, through gix. The
//! only module that uses gix, so that its API changes stay in one file.

use crate::config::{Config, GitConfig};
use crate::error::{Error, Result, chain};
use crate::output::sh_quote;
use crate::policy::graph::merge_base_outside;
use crate::policy::{Diff, Graph};
use crate::spawn::Git;
use gix::ObjectId;
use gix::bstr::ByteSlice;
use settings::open_options;
use std::cell::{OnceCell, RefCell};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use walk::{Paint, Reach, RevisionGraph};

pub use ahead::Ahead;
pub use early::{config_before_open, sha1_id};
pub use line::FirstParentLine;

/// What HEAD points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Head {
    Branch(String),
    Detached(ObjectId),
    /// A branch with no commit yet (a new repository).
    Unborn(String),
}

/// An open repository.
pub struct Repo {
    inner: gix::Repository,
    /// `git` for the same repository (patch ids): the current one, or the path opened.
    git: Git,
    /// The commit-graph file, opened once and kept for the rest of the process (leaked), so that
    /// the revision graph below can borrow it.
    commit_graph: OnceCell<Option<&'static gix::commitgraph::Graph>>,
    /// One revision graph for every merge-base question of a run: a check asks many of them
    /// about the same recent history, which is then read only once.
    revisions: RefCell<Option<RevisionGraph>>,
    /// The last ancestry walk, continued by the next question about the same descendant.
    reach: RefCell<Option<Reach>>,
    /// Patch identities already asked of `git patch-id` in this run.
    patch_ids: RefCell<HashMap<Diff<ObjectId>, Option<String>>>,
    /// A shallow clone's boundary commits, whose parents are not here (sorted).
    shallow: OnceCell<Vec<ObjectId>>,
    /// Generations of commits the commit-graph does not cover, computed as needed.
    generations: RefCell<HashMap<ObjectId, u32>>,
    /// The blob caches of tree diffs (rename tracking, line counts), made once: each reads
    /// attributes files, which would cost more than a small diff.
    diff_caches: RefCell<Option<[gix::diff::blob::Platform; 2]>>,
    /// The object database without a cache of decoded objects, for what is read once (each
    /// commit's message; every commit of a whole-history walk): caching it only costs.
    uncached: OnceCell<gix::OdbHandle>,
    /// Messages a second thread reads ahead of the questions (verify's and report's whole line).
    read_ahead: RefCell<Option<read_ahead::ReadAhead>>,
    /// Keeps the object directory that makes quarantined objects visible alive.
    _quarantine: Option<tempfile::TempDir>,
}

/// Turns any gix error into ours, with its cause chain.
fn fail(context: &str) -> impl FnOnce(gix::Error) -> Error + '_ {
    move |e| Error::env(format!("{context}: {}", chain(&e)))
}

impl Repo {
    /// Finds the repository like Git does from the current directory, honouring `GIT_DIR`,
    /// `GIT_WORK_TREE` and one-off `git -c` values.
    pub fn discover() -> Result<Self> {
        let opts = open_options();
        let found = gix::ThreadSafeRepository::discover_with_environment_overrides_opts(
            ".",
            Default::default(),
            gix::sec::trust::Mapping { full: opts.clone(), reduced: opts },
        );
        let inner: gix::Repository = match found {
            Ok(repo) => repo.into(),
            Err(e) => {
                let text = chain(&e);
                let err = if text.contains("Could not find a git repository") {
                    Error::env("not a Git repository (or any parent directory)")
                        .hint("run this inside a clone, or pass -C <path>")
                } else if text.contains("sha256") {
                    Error::env("this repository uses SHA-256 object ids (extensions.objectFormat = sha256); git-hotfix works with SHA-1 repositories only")
                        .hint("see the object format with: git rev-parse --show-object-format")
                } else if text.contains("configuration could not be loaded") {
                    Error::env(format!("Git's configuration cannot be read: {text}"))
                        .hint("`git config --list --show-origin` names the file and line; fix it in an editor")
                } else {
                    Error::env(format!("cannot open the repository: {text}"))
                };
                return Err(err);
            }
        };
        refuse_untrusted(&inner)?;
        let mut repo = Self::wrap(inner, Git::here());
        repo.see_quarantined_objects()?;
        Ok(repo)
    }

    /// Opens the repository at `path` (tests: they run in parallel and must not change
    /// directory), ignoring the environment's repository and quarantine.
    #[cfg(test)]
    pub(crate) fn open_at(path: &Path) -> Result<Self> {
        let inner = gix::open_opts(path, open_options())
            .map_err(|e| Error::env(format!("cannot open {}: {}", path.display(), chain(&e))))?;
        Ok(Self::wrap(inner, Git::at(path)))
    }

    /// The repository whose Git dir is `git_dir`, opened anew on a second thread (gix's
    /// handles are not shared across threads in this build).
    fn open_on_thread(git_dir: &Path) -> Result<Self> {
        let inner = gix::open_opts(git_dir, open_options())
            .map_err(|e| Error::env(format!("cannot open the repository: {}", chain(&e))))?;
        Ok(Self::wrap(inner, Git::here()))
    }

    fn wrap(mut inner: gix::Repository, git: Git) -> Self {
        inner.object_cache_size_if_unset(4 * 1024 * 1024);
        Self {
            inner,
            git,
            commit_graph: OnceCell::new(),
            revisions: RefCell::new(None),
            reach: RefCell::new(None),
            patch_ids: RefCell::new(HashMap::new()),
            shallow: OnceCell::new(),
            generations: RefCell::default(),
            diff_caches: RefCell::new(None),
            uncached: OnceCell::new(),
            read_ahead: RefCell::new(None),
            _quarantine: None,
        }
    }

    /// In a server's pre-receive hook the pushed objects sit in a quarantine directory that gix
    /// does not look at: point the object database at it and at the real one.
    fn see_quarantined_objects(&mut self) -> Result<()> {
        let Some(quarantine) = std::env::var_os("GIT_QUARANTINE_PATH") else { return Ok(()) };
        let cwd = std::env::current_dir().map_err(|e| Error::env(e.to_string()))?;
        let mut dirs = vec![cwd.join(quarantine)];
        if let Some(alternates) = std::env::var_os("GIT_ALTERNATE_OBJECT_DIRECTORIES") {
            dirs.extend(std::env::split_paths(&alternates).map(|p| cwd.join(p)));
        }
        let own = cwd.join(self.inner.common_dir()).join("objects");
        if !dirs.contains(&own) {
            dirs.push(own);
        }
        let io = |e: std::io::Error| Error::env(format!("cannot read quarantined objects: {e}"));
        let view = tempfile::Builder::new().prefix("git-hotfix-odb-").tempdir().map_err(io)?;
        std::fs::create_dir_all(view.path().join("info")).map_err(io)?;
        let list: String = dirs.iter().map(|d| format!("{}\n", d.display())).collect();
        std::fs::write(view.path().join("info").join("alternates"), list).map_err(io)?;
        let hash = self.inner.object_hash();
        let handle = gix::odb::at(view.path(), hash)
            .map_err(|e| Error::env(format!("cannot read quarantined objects: {e}")))?;
        self.inner.objects = gix::odb::memory::Proxy::new(handle, hash);
        self.inner.object_cache_size_if_unset(4 * 1024 * 1024);
        // The commit-graph lives with the real objects.
        let graph = gix::commitgraph::Graph::at(
            &cwd.join(self.inner.common_dir()).join("objects/info"),
            hash,
            None,
        )
        .ok()
        .map(leak);
        let _ = self.commit_graph.set(graph);
        self._quarantine = Some(view);
        Ok(())
    }

    pub fn is_bare(&self) -> bool {
        self.inner.workdir().is_none()
    }

    /// The work tree's root, absolute.
    pub fn workdir(&self) -> Option<PathBuf> {
        self.inner.workdir().map(absolute)
    }

    /// This worktree's Git dir (`.git`, or `.git/worktrees/<name>`), absolute.
    pub fn git_dir(&self) -> PathBuf {
        absolute(self.inner.git_dir())
    }

    /// The Git dir shared by all worktrees, absolute.
    pub fn common_dir(&self) -> PathBuf {
        absolute(self.inner.common_dir())
    }

    fn uncached(&self) -> &gix::OdbHandle {
        self.uncached.get_or_init(|| {
            let mut objects = self.inner.objects.clone();
            objects.unset_object_cache();
            objects
        })
    }

    /// Whether walks have generation numbers (a usable commit-graph).
    pub fn has_commit_graph(&self) -> bool {
        self.graph_cache().is_some()
    }

    pub fn is_shallow(&self) -> bool {
        self.inner.is_shallow().unwrap_or(false)
    }

    pub fn head(&self) -> Result<Head> {
        let head = self.inner.head().map_err(fail("cannot read HEAD"))?;
        if head.is_detached() {
            let id = head.id().ok_or_else(|| Error::env("HEAD is detached but unreadable"))?;
            return Ok(Head::Detached(id.detach()));
        }
        let name = head
            .referent_name()
            .map(|n| n.shorten().to_string())
            .ok_or_else(|| Error::env("cannot read HEAD"))?;
        Ok(if head.is_unborn() { Head::Unborn(name) } else { Head::Branch(name) })
    }

    /// The commit a full ref name points at (tags peeled), or `None` when it does not exist.
    pub fn resolve_ref(&self, full_name: &str) -> Result<Option<ObjectId>> {
        let Ok(Some(mut reference)) = self.inner.try_find_reference(full_name) else {
            return Ok(None);
        };
        let id = reference.peel_to_id().map_err(fail(full_name))?.detach();
        Ok(Some(self.peel_to_commit(id)?))
    }

    /// A revision as Git spells it (`main`, `HEAD~2`, an id), peeled to a commit.
    pub fn resolve(&self, spec: &str) -> Result<ObjectId> {
        let id = self
            .inner
            .rev_parse_single(spec)
            .map_err(|_| Error::env(format!("'{spec}' is not a known revision")))?;
        self.peel_to_commit(id.detach())
    }

    /// Peels tags; an object that is not a commit is an error.
    pub fn peel_to_commit(&self, id: ObjectId) -> Result<ObjectId> {
        let object = self.inner.find_object(id).map_err(fail("cannot read object"))?;
        Ok(object.peel_to_commit().map_err(|_| Error::env(format!("{id} is not a commit")))?.id)
    }

    /// Parses a full hexadecimal object id of this repository's hash kind.
    pub fn parse_id(&self, hex: &str) -> Option<ObjectId> {
        (hex.len() == self.inner.object_hash().len_in_hex())
            .then(|| ObjectId::from_hex(hex.as_bytes()).ok())
            .flatten()
    }

    pub fn has_object(&self, id: ObjectId) -> bool {
        self.inner.has_object(id)
    }

    /// Refs under `prefix` (which must end in `/`), by full name, peeled to commits.
    pub fn refs_with_prefix(&self, prefix: &str) -> Result<Vec<(String, ObjectId)>> {
        let platform = self.inner.references().map_err(fail("cannot list refs"))?;
        let mut out = Vec::new();
        for reference in platform.prefixed(prefix).map_err(fail("cannot list refs"))? {
            let Ok(mut reference) = reference else { continue };
            let name = reference.name().as_bstr().to_string();
            if let Ok(id) = reference.peel_to_id()
                && let Ok(id) = self.peel_to_commit(id.detach())
            {
                out.push((name, id));
            }
        }
        Ok(out)
    }

    /// The configured URL of `remote`, if it has one.
    pub fn remote_url(&self, remote: &str) -> Option<String> {
        self.config_string(&format!("remote.{remote}.url"))
    }

    /// A file's bytes in a commit's tree.
    pub fn file_at(&self, commit: ObjectId, path: &str) -> Result<Option<Vec<u8>>> {
        let commit = self.inner.find_commit(commit).map_err(fail("cannot read commit"))?;
        let tree = commit.tree().map_err(fail("cannot read tree"))?;
        let Some(entry) = tree.lookup_entry_by_path(path).map_err(fail("cannot read tree"))? else {
            return Ok(None);
        };
        if !entry.mode().is_blob() {
            return Ok(None);
        }
        let object = entry.object().map_err(fail("cannot read file"))?;
        Ok(Some(object.data.clone()))
    }

    /// The tree a commit records (from the commit-graph when there is one).
    fn tree_of(&self, commit: ObjectId) -> Result<ObjectId> {
        if let Some(row) = self.graph_cache().and_then(|graph| graph.commit_by_id(commit)) {
            return Ok(row.root_tree_id().to_owned());
        }
        let commit = self.inner.find_commit(commit).map_err(fail("cannot read commit"))?;
        Ok(commit.tree_id().map_err(fail("cannot read commit"))?.detach())
    }

    /// Seconds since the epoch at which `id` was committed (from the commit-graph when there is one).
    pub fn commit_time(&self, id: ObjectId) -> Result<i64> {
        if let Some(commit) = self.graph_cache().and_then(|graph| graph.commit_by_id(id))
            && let Ok(seconds) = i64::try_from(commit.committer_timestamp())
        {
            return Ok(seconds);
        }
        let commit = self.inner.find_commit(id).map_err(fail("cannot read commit"))?;
        Ok(commit.time().map_err(fail("cannot read commit"))?.seconds)
    }

    /// Seconds since the epoch at which `id` was authored: when its change was written, which
    /// a rebase or a cherry-pick keeps.
    pub fn author_time(&self, id: ObjectId) -> Result<i64> {
        let commit = self.inner.find_commit(id).map_err(fail("cannot read commit"))?;
        let author = commit.author().map_err(fail("cannot read commit"))?;
        Ok(author.time().map_err(|e| Error::env(format!("cannot read commit {id}: {e}")))?.seconds)
    }

    /// The id `bytes` have as a blob in this repository (written or not).
    pub fn blob_id(&self, bytes: &[u8]) -> Result<ObjectId> {
        gix::objs::compute_hash(self.inner.object_hash(), gix::objs::Kind::Blob, bytes)
            .map_err(|e| Error::env(format!("cannot hash a blob: {e}")))
    }

    /// The names of `id`'s author and committer.
    pub fn people(&self, id: ObjectId) -> Result<(String, String)> {
        let commit = self.inner.find_commit(id).map_err(fail("cannot read commit"))?;
        let name = |sig: std::result::Result<gix::actor::SignatureRef<'_>, _>| {
            sig.map(|s| s.name.to_str_lossy().into_owned()).map_err(fail("cannot read commit"))
        };
        Ok((name(commit.author())?, name(commit.committer())?))
    }

    /// `git rev-list --first-parent tip --not hidden`, newest first, each commit with its
    /// committer time, read as it is consumed: for lines too long to hold in memory
    /// (development's, after years of merges).
    pub fn first_parent_line(
        &self,
        tip: ObjectId,
        hidden: &[ObjectId],
    ) -> Result<FirstParentLine<'_>> {
        let end = if hidden.is_empty() {
            line::End::Root
        } else if self.graph_cache().is_some() {
            line::End::Before(self.painted(&[tip], hidden, Paint::Both)?)
        } else {
            // What is hidden ends the line, so the part shown is a prefix of it.
            line::End::After(self.commits(&[tip], hidden, true)?.len())
        };
        Ok(FirstParentLine::new(self, tip, end))
    }

    /// What a merge brought: the commits its other parents reach and its first parent does not
    /// (`git rev-list M^@ --not M^1`), in no particular order; nothing for a commit with one
    /// parent. With a commit-graph, painted by generation without setting up a walk.
    pub fn brought(&self, merge: ObjectId) -> Result<Vec<ObjectId>> {
        let parents = self.parents(merge)?;
        let Some((first, others)) = parents.split_first() else { return Ok(Vec::new()) };
        if self.graph_cache().is_some() {
            return self.painted(others, &[*first], Paint::Shown);
        }
        self.commits(others, &[*first], false)
    }

    /// main or development as the checks see them: the remote-tracking ref when it exists,
    /// else the local branch.
    pub fn trunk(&self, config: &Config, branch: &str) -> Result<Option<ObjectId>> {
        match self.resolve_ref(&format!("refs/remotes/{}/{branch}", config.remote))? {
            Some(id) => Ok(Some(id)),
            None => self.resolve_ref(&format!("refs/heads/{branch}")),
        }
    }
}

impl Graph for Repo {
    type Id = ObjectId;
    type Error = Error;

    fn parents(&self, id: ObjectId) -> Result<Vec<ObjectId>> {
        if let Some(graph) = self.graph_cache()
            && let Some(commit) = graph.commit_by_id(id)
        {
            let parents: Result<Vec<_>, _> =
                commit.iter_parents().map(|p| p.map(|pos| graph.id_at(pos).to_owned())).collect();
            if let Ok(parents) = parents {
                return Ok(parents);
            }
        }
        if self.is_shallow_boundary(id) {
            return Ok(Vec::new());
        }
        let commit = self.inner.find_commit(id).map_err(fail("cannot read commit"))?;
        Ok(commit.parent_ids().map(|p| p.detach()).collect())
    }

    fn is_ancestor(&self, ancestor: ObjectId, descendant: ObjectId) -> Result<bool> {
        self.reaches(descendant, ancestor)
    }

    fn ancestors_among(&self, tip: ObjectId, candidates: &[ObjectId]) -> Result<HashSet<ObjectId>> {
        self.reached_among(tip, candidates)
    }

    fn shares_commits_outside(
        &self,
        tip: ObjectId,
        other: ObjectId,
        within: ObjectId,
    ) -> Result<Option<ObjectId>> {
        let shared = match self.graph_cache() {
            None => return merge_base_outside(self, tip, other, within),
            Some(_) => self.brought_and_shared(tip, other, within)?,
        };
        Ok(match shared {
            None => None,
            Some(shared) if shared == tip => Some(tip),
            // Name the newest shared commits, a merge base, as the fixes quote it.
            Some(shared) => merge_base_outside(self, tip, other, within)?.or(Some(shared)),
        })
    }

    fn brings_commits_of(&self, tip: ObjectId, other: ObjectId, within: ObjectId) -> Result<bool> {
        match self.graph_cache() {
            None => Ok(merge_base_outside(self, tip, other, within)?.is_some()),
            Some(_) => Ok(self.brought_and_shared(tip, other, within)?.is_some()),
        }
    }

    fn merge_bases(&self, a: ObjectId, b: ObjectId) -> Result<Vec<ObjectId>> {
        // Mostly `a` is on `b` (a release or a merged hotfix against development): then it is
        // the one merge base, and with a commit-graph the ancestry walk, which repeated
        // questions about `b` share, says so for less than a merge-base search.
        if self.graph_cache().is_some() && self.is_ancestor(a, b)? {
            return Ok(vec![a]);
        }
        // gix 0.90 may keep a base that is an ancestor of another one (its redundancy check
        // follows first parents only): drop those, as `git merge-base --all` does.
        let candidates = self.merge_base_candidates(a, b)?;
        let mut bases = Vec::with_capacity(candidates.len());
        for &base in &candidates {
            let mut redundant = false;
            for &other in &candidates {
                if other != base && self.is_ancestor(base, other)? {
                    redundant = true;
                    break;
                }
            }
            if !redundant {
                bases.push(base);
            }
        }
        Ok(bases)
    }

    /// With a commit-graph, exact: the excluded side is painted in generation order, so a clock
    /// that went backwards cannot let an excluded commit through, and only commits newer than
    /// the graph cost a read. Without one, exactness would mean reading the whole history on
    /// every push; the walk then trusts commit dates, as `git rev-list` does.
    fn commits(
        &self,
        include: &[ObjectId],
        exclude: &[ObjectId],
        first_parent: bool,
    ) -> Result<Vec<ObjectId>> {
        if let ([tip], true, Some(_)) = (include, first_parent, self.graph_cache()) {
            return self
                .first_parent_line(*tip, exclude)?
                .map(|entry| entry.map(|(id, _)| id))
                .collect();
        }
        let mut walk = self.inner.rev_walk(include.iter().copied());
        if first_parent {
            walk = walk.first_parent_only();
        }
        let walk = if exclude.is_empty() {
            walk.all()
        } else if self.graph_cache().is_some() {
            let stop: HashSet<_> = self.painted(include, exclude, Paint::Both)?;
            walk.selected(move |id| !stop.contains(id))
        } else {
            walk.with_hidden(exclude.iter().copied()).all()
        };
        let mut out = Vec::new();
        for info in walk.map_err(fail("cannot walk history"))? {
            out.push(info.map_err(fail("cannot walk history"))?.id);
        }
        Ok(out)
    }

    fn message(&self, id: ObjectId) -> Result<String> {
        use gix::objs::FindExt;
        if let Some(message) = self.read_ahead.borrow_mut().as_mut().and_then(|r| r.get(id)) {
            return Ok(message);
        }
        let mut data = Vec::new();
        self.uncached().find_commit_iter(&id, &mut data).map_err(fail("cannot read commit"))?;
        Ok(read_ahead::message_of(&data))
    }

    fn short(&self, id: ObjectId) -> String {
        id.to_hex_with_len(7).to_string()
    }

    fn patch_ids(&self, diffs: &[Diff<ObjectId>]) -> Result<Vec<Option<String>>> {
        // Each diff is asked once per run, however many questions want it. Git names each diff
        // in its answer by the first id of its line: `<commit>` (against its parent), `<tip>
        // <base>`, or `<base tree> <tip tree>`. A commit's diff is also the range from its one
        // parent, so every diff has two names; a round uses each name once (ranges first, by
        // tip, then commits, by themselves, each under its other name when the first is taken)
        // so that answers find their question. What is left waits for another round.
        let mut known = self.patch_ids.borrow_mut();
        let mut asked = HashSet::new();
        let mut pending: Vec<Diff<ObjectId>> = Vec::new();
        for &diff in diffs {
            if !known.contains_key(&diff) && asked.insert(diff) {
                pending.push(diff);
            }
        }
        pending.sort_by_key(|diff| matches!(diff, Diff::Commit(_)));
        while !pending.is_empty() {
            let mut round: HashMap<ObjectId, Diff<ObjectId>> = HashMap::new();
            let mut later = Vec::new();
            let mut input = String::new();
            for diff in pending {
                let (first, base, tip) = match diff {
                    Diff::Commit(c) => match self.parents(c)?.as_slice() {
                        [parent] => (format!("{c}\n"), *parent, c),
                        _ => (format!("{c}\n"), c, c), // no other name
                    },
                    Diff::Range { base, tip } => (format!("{tip} {base}\n"), base, tip),
                };
                let name = if !round.contains_key(&tip) {
                    Some((tip, first))
                } else if base != tip {
                    let (base, tip) = (self.tree_of(base)?, self.tree_of(tip)?);
                    (!round.contains_key(&base)).then(|| (base, format!("{base} {tip}\n")))
                } else {
                    None
                };
                match name {
                    Some((name, line)) => {
                        round.insert(name, diff);
                        input.push_str(&line);
                    }
                    None => later.push(diff),
                }
            }
            for (patch, name) in self.git.patch_ids(&input)? {
                if let Some(&diff) = self.parse_id(&name).and_then(|n| round.get(&n)) {
                    known.insert(diff, Some(patch));
                }
            }
            for diff in round.into_values() {
                known.entry(diff).or_insert(None); // an empty diff has no patch id
            }
            pending = later;
        }
        Ok(diffs.iter().map(|diff| known.get(diff).cloned().flatten()).collect())
    }
}

/// Git refuses a repository someone else owns unless `safe.directory` names it (gix then reads
/// it with reduced trust, skipping its own config). Same answer here, with Git's fix. As in
/// Git, an explicit `GIT_DIR` (hooks, scripts) skips the check.
fn refuse_untrusted(repo: &gix::Repository) -> Result<()> {
    if repo.git_dir_trust() == gix::sec::Trust::Full || std::env::var_os("GIT_DIR").is_some() {
        return Ok(());
    }
    let path = absolute(repo.workdir().unwrap_or_else(|| repo.git_dir()));
    Err(Error::env(format!(
        "{} is owned by another user: Git refuses to work in it (dubious ownership)",
        path.display()
    ))
    .hint(format!(
        "if you trust it, tell Git so: git config --global --add safe.directory {}",
        String::from_utf8_lossy(&sh_quote(path.as_os_str().as_encoded_bytes()))
    ))
    .hint("or run this as the user who owns the repository"))
}

/// Keeps `value` for the rest of the process.
fn leak<T>(value: T) -> &'static T {
    Box::leak(Box::new(value))
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

mod ahead;
mod diff;
mod early;
mod line;
mod lines;
mod read_ahead;
mod settings;
mod walk;

#[cfg(test)]
mod oracle_tests;

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// `git <args>` in `dir`, without the user's configuration; its output, trimmed.
    pub(crate) fn git(dir: &Path, args: &[&str]) -> String {
        let out = std::process::Command::new("git")
            .current_dir(dir)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .expect("git runs");
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// Every ancestry question, with commits in the commit-graph and newer ones outside it,
    /// asked for each descendant from the newest ancestor to the oldest (so that each walk is
    /// continued deeper by the next question), answers as `git merge-base --is-ancestor`.
    #[test]
    fn ancestry_from_a_commit_graph_answers_as_git() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        git(dir, &["init", "-q", "-b", "main"]);
        let commit = |msg: &str| {
            git(dir, &["commit", "-q", "--allow-empty", "-m", msg]);
            git(dir, &["rev-parse", "HEAD"])
        };
        let mut commits = vec![commit("root"), commit("m1")];
        git(dir, &["switch", "-q", "-c", "side"]);
        commits.extend([commit("s1"), commit("s2")]);
        git(dir, &["switch", "-q", "main"]);
        commits.push(commit("m2"));
        git(dir, &["merge", "-q", "--no-ff", "-m", "merge side", "side"]);
        commits.push(git(dir, &["rev-parse", "HEAD"]));
        git(dir, &["commit-graph", "write", "--reachable", "--no-progress"]);
        commits.push(commit("after the graph"));
        git(dir, &["switch", "-q", "side"]);
        commits.push(commit("s3 after the graph"));
        let repo = Repo::open_at(dir).unwrap();
        assert!(repo.graph_cache().is_some(), "the commit-graph is used");
        let ids: Vec<ObjectId> = commits.iter().map(|c| repo.parse_id(c).unwrap()).collect();
        for &descendant in &ids {
            for &ancestor in ids.iter().rev() {
                let by_git = std::process::Command::new("git")
                    .current_dir(dir)
                    .args(["merge-base", "--is-ancestor", &ancestor.to_string()])
                    .arg(descendant.to_string())
                    .status()
                    .unwrap()
                    .success();
                assert_eq!(
                    repo.is_ancestor(ancestor, descendant).unwrap(),
                    by_git,
                    "{ancestor} ancestor of {descendant}"
                );
            }
        }
    }
}
