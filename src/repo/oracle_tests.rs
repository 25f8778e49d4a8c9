//! Git as the oracle: seeded random commit graphs are built as real repositories, and every
//! graph question the rules ask `Repo` (through gix) is compared with what the `git` CLI
//! answers for the same repository: parents, ancestry, merge bases, walks, the R2 and R3
//! verdicts, and patch identities.
//!
//! Each graph is checked three times: with a commit-graph that misses the newest commits
//! (stale), with a complete one, and with none, because `Repo` takes other paths when a
//! commit-graph is present. Git answers once, from the plain repository.
//!
//! `cargo test --bin git-hotfix oracle` runs the regression seeds and 150 more. A longer run:
//! `HOTFIX_ORACLE_GRAPHS=5000 cargo test --bin git-hotfix oracle -- --nocapture`;
//! `HOTFIX_ORACLE_SEED=<n>` starts at seed n (with `HOTFIX_ORACLE_GRAPHS=1`: replay one seed,
//! `HOTFIX_ORACLE_GRAPHS=0`: only the regression seeds), and `HOTFIX_ORACLE_KEEP=1` keeps the
//! repository of a failing seed for a look with `git`.

use super::Repo;
use crate::config::DEFAULT_NAME_PATTERN;
use crate::policy::topology::{MergeKind, Names, check_commit};
use crate::policy::{Diff, Graph, Naming, Trunks, ancestry::check_base};
use gix::ObjectId;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::{Debug, Write as _};
use std::io::Write as _;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// Seeds that once found a defect; they run on every `cargo test`.
const REGRESSIONS: &[u64] = &[
    3,   // gix's hidden walk let excluded commits through (clock skew): walks now go by generation
    13,  // without a commit-graph, gix kept a redundant merge base; is_ancestor took it
    73,  // with a stale commit-graph, the hidden walk again let excluded commits through
    196, // git's own `rev-list I --not E` is fooled by skew: walks are compared whole
];

/// Graphs checked by a plain `cargo test`, after the regression seeds.
const DEFAULT_GRAPHS: u64 = 150;

/// Graphs built into one repository.
const BATCH: usize = 10;

#[test]
fn oracle_repo_answers_graph_questions_like_git() {
    let count = env_number("HOTFIX_ORACLE_GRAPHS").unwrap_or(DEFAULT_GRAPHS);
    let start = env_number("HOTFIX_ORACLE_SEED").unwrap_or(0);
    // Regression seeds last, so that batches start at `start`: a long run's batch of failing
    // seed s is rebuilt by HOTFIX_ORACLE_SEED=<s rounded down to BATCH>.
    let mut seeds: Vec<u64> = (start..start + count).collect();
    seeds.extend(REGRESSIONS.iter().filter(|s| !(start..start + count).contains(s)));
    let began = Instant::now();
    let (failures, stats) = run_all(&seeds);
    eprintln!(
        "oracle: {} graphs ({} commits) in {:.1?}; {stats:?}",
        seeds.len(),
        stats.commits,
        began.elapsed()
    );
    if !failures.is_empty() {
        let failing: Vec<_> = failures.iter().map(|(s, _)| *s).collect();
        let shown: Vec<_> = failures.iter().take(3).map(|(_, report)| report.as_str()).collect();
        panic!(
            "{} of {} graphs disagree with git (seeds {failing:?}); replay one with \
             HOTFIX_ORACLE_SEED=<seed> HOTFIX_ORACLE_GRAPHS=1 (or its batch of {BATCH})\n\n{}",
            failures.len(),
            seeds.len(),
            shown.join("\n\n")
        );
    }
    // A run that never met the shapes it is about proves nothing.
    if seeds.len() >= DEFAULT_GRAPHS as usize {
        stats.assert_covered();
    }
}

fn env_number(name: &str) -> Option<u64> {
    let value = std::env::var(name).ok()?;
    Some(value.trim().parse().unwrap_or_else(|_| panic!("{name}={value} is not a number")))
}

/// Runs every seed, a batch at a time on a few threads; returns the failing seeds' reports.
fn run_all(seeds: &[u64]) -> (Vec<(u64, String)>, Stats) {
    let batches: Vec<&[u64]> = seeds.chunks(BATCH).collect();
    let next = AtomicUsize::new(0);
    let results = Mutex::new((Vec::new(), Stats::default()));
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(1, 4);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some(batch) = batches.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let outcomes = check_batch(batch);
                    let mut results = results.lock().unwrap();
                    for (seed, outcome) in outcomes {
                        match outcome {
                            Ok(stats) => results.1.add(&stats),
                            Err(report) => results.0.push((seed, report)),
                        }
                    }
                }
            });
        }
    });
    let (mut failures, stats) = results.into_inner().unwrap();
    failures.sort_by_key(|(seed, _)| *seed);
    (failures, stats)
}

/// Builds the graphs of `seeds`, asks both sides, and reports every disagreement, by seed.
/// Graphs share repositories (one per commit-graph layout, so that a seed replayed alone is
/// built the same way): a repository per graph would cost more than the questions.
fn check_batch(seeds: &[u64]) -> Vec<(u64, Result<Stats, String>)> {
    let plans: Vec<Plan> = seeds.iter().map(|&seed| Plan::generate(seed)).collect();
    let mut outcomes = Vec::new();
    for split in [false, true] {
        let group: Vec<&Plan> = plans.iter().filter(|p| p.split == split).collect();
        if !group.is_empty() {
            outcomes.extend(check_group(&group, split));
        }
    }
    outcomes
}

fn check_group(plans: &[&Plan], split: bool) -> Vec<(u64, Result<Stats, String>)> {
    let report = |k: usize, problem: &str| {
        format!("seed {}: {problem}\n{}", plans[k].seed, plans[k].table())
    };
    let all_fail = |problem: String| {
        (0..plans.len()).map(|k| (plans[k].seed, Err(report(k, &problem)))).collect()
    };
    let questions: Vec<Questions> = plans.iter().map(|plan| Questions::pick(plan)).collect();
    let built = match Built::new(plans, split) {
        Ok(built) => built,
        Err(problem) => return all_fail(problem),
    };
    let mut answers: Vec<Result<Vec<(GraphFile, Answers)>, String>> =
        plans.iter().map(|_| Ok(Vec::new())).collect();
    for state in [GraphFile::Stale, GraphFile::Complete, GraphFile::Absent] {
        if let Err(problem) = built.set_graph_file(split, state) {
            return all_fail(problem);
        }
        let repo = match Repo::open_at(built.dir.path()) {
            Ok(repo) => repo,
            Err(e) => return all_fail(e.to_string()),
        };
        for (k, slot) in answers.iter_mut().enumerate() {
            let Ok(list) = slot else { continue };
            // Patch ids do not depend on the commit-graph: asked once.
            let asked = built.assert_graph_file(&repo, k, state).and_then(|()| {
                ask_repo(&repo, &built.ids[k], &questions[k], state == GraphFile::Absent)
                    .map_err(|e| format!("{state:?} commit-graph: Repo failed: {e}"))
            });
            match asked {
                Ok(ours) => list.push((state, ours)),
                Err(problem) => *slot = Err(problem),
            }
        }
    }
    let keep = std::env::var_os("HOTFIX_ORACLE_KEEP").is_some();
    let kept = if keep {
        format!("repository kept at {}", built.dir.path().display())
    } else {
        "HOTFIX_ORACLE_KEEP=1 keeps the repository".to_owned()
    };
    let outcomes: Vec<_> = answers
        .into_iter()
        .enumerate()
        .map(|(k, ours)| {
            let part = Part { built: &built, k, plan: plans[k] };
            let judged = ours.and_then(|ours| judge(&part, &questions[k], &ours, &kept));
            (plans[k].seed, judged.map_err(|problem| report(k, &problem)))
        })
        .collect();
    if keep && outcomes.iter().any(|(_, outcome)| outcome.is_err()) {
        let _kept_at = built.dir.keep();
    }
    outcomes
}

/// Compares `Repo`'s answers in each commit-graph state with git's.
fn judge(
    part: &Part<'_>,
    q: &Questions,
    ours: &[(GraphFile, Answers)],
    kept: &str,
) -> Result<Stats, String> {
    // Git answers from the plain repository, as the last state left it.
    let git = ask_git(part, q)?;
    // Without a commit-graph, walks trust commit dates, as `git rev-list` does: exact only
    // where no commit is older than its parent.
    let skewed = Stats::of(part.plan, &git).skewed > 0;
    let mut found = String::new();
    for (state, ours) in ours {
        let walks_by_date = *state == GraphFile::Absent && skewed;
        for line in compare(q, ours, &git, !walks_by_date) {
            let _ = writeln!(found, "  {state:?} commit-graph: {line}");
        }
    }
    if !found.is_empty() {
        return Err(format!("Repo (gix) and git disagree ({kept}):\n{found}"));
    }
    Ok(Stats::of(part.plan, &git))
}

// ---------------------------------------------------------------------------------------------
// The random graph

/// splitmix64: tiny, seedable, and good enough to shuffle commit graphs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())].clone()
    }
}

/// One change to a file; a copied commit replays another's changes, so that both have the
/// same patch identity when the files around them agree.
#[derive(Debug, Clone)]
enum Op {
    Write(String, String),
    Append(String, String),
    Delete(String),
}

fn apply(tree: &mut BTreeMap<String, String>, op: &Op) {
    match op {
        Op::Write(path, content) => {
            tree.insert(path.clone(), content.clone());
        }
        Op::Append(path, line) => {
            tree.entry(path.clone()).or_default().push_str(&format!("{line}\n"));
        }
        Op::Delete(path) => {
            tree.remove(path);
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Root,
    Edit,
    Fork,
    Merge,
    CrissCross,
    /// Replays the changes of the commit it names.
    Copy(usize),
    Empty,
}

struct Node {
    parents: Vec<usize>,
    time: i64,
    kind: Kind,
    ops: Vec<Op>,
    tree: BTreeMap<String, String>,
}

/// A commit graph to build: nodes in creation order (parents always come first).
struct Plan {
    seed: u64,
    nodes: Vec<Node>,
    /// Branch tips, each gets a ref.
    branches: Vec<usize>,
    /// Nodes before this one are in the stale commit-graph.
    stale_at: usize,
    /// Write split commit-graph chains instead of single files.
    split: bool,
    counter: usize,
    rng: Rng,
}

impl Plan {
    fn generate(seed: u64) -> Self {
        let mut rng = Rng(seed);
        let size = 5 + rng.below(36);
        let split = rng.chance(30);
        let mut plan = Plan {
            seed,
            nodes: Vec::new(),
            branches: Vec::new(),
            stale_at: 0,
            split,
            counter: 0,
            rng,
        };
        let root = plan.commit(Vec::new(), Kind::Root, None);
        plan.branches.push(root);
        while plan.nodes.len() < size {
            let room = size - plan.nodes.len();
            match plan.rng.below(100) {
                0..6 if plan.roots() < 3 => {
                    let root = plan.commit(Vec::new(), Kind::Root, None);
                    plan.branches.push(root);
                }
                6..20 => {
                    let from = plan.rng.below(plan.nodes.len());
                    let fork = plan.commit(vec![from], Kind::Fork, None);
                    plan.branches.push(fork);
                }
                20..34 => plan.merge(),
                34..40 if room >= 2 => plan.criss_cross(),
                40..50 => plan.copy(),
                50..56 => plan.on_branch(Kind::Empty, Some(Vec::new())),
                _ => plan.on_branch(Kind::Edit, None),
            }
        }
        plan.stale_at = 1 + plan.rng.below(plan.nodes.len() - 1);
        plan
    }

    /// `node` and every commit it reaches, to aim questions (git gives the answers).
    fn ancestors(&self, node: usize) -> BTreeSet<usize> {
        let (mut seen, mut todo) = (BTreeSet::new(), vec![node]);
        while let Some(n) = todo.pop() {
            if seen.insert(n) {
                todo.extend(&self.nodes[n].parents);
            }
        }
        seen
    }

    fn roots(&self) -> usize {
        self.nodes.iter().filter(|n| n.parents.is_empty()).count()
    }

    /// Adds a commit; `ops: None` draws random changes. Returns its index.
    fn commit(&mut self, parents: Vec<usize>, kind: Kind, ops: Option<Vec<Op>>) -> usize {
        let index = self.nodes.len();
        let mut tree = parents.first().map(|&p| self.nodes[p].tree.clone()).unwrap_or_default();
        for &other in parents.iter().skip(1) {
            for (path, content) in &self.nodes[other].tree {
                tree.entry(path.clone()).or_insert_with(|| content.clone());
            }
        }
        let ops = match ops {
            Some(ops) => ops,
            // Merges mostly just join; some also change something ("evil" merges).
            None if parents.len() > 1 && !self.rng.chance(30) => Vec::new(),
            None => self.random_ops(&tree),
        };
        for op in &ops {
            apply(&mut tree, op);
        }
        let mut time = 1_600_000_000 + 1000 * index as i64;
        if let Some(&first) = parents.first() {
            if self.rng.chance(20) {
                // Clock skew: older than its own parent.
                time = self.nodes[first].time - 1 - self.rng.below(5000) as i64;
            } else if self.rng.chance(5) {
                time = self.nodes[index - 1].time;
            }
        }
        self.nodes.push(Node { parents, time, kind, ops, tree });
        index
    }

    fn random_ops(&mut self, tree: &BTreeMap<String, String>) -> Vec<Op> {
        let mut tree = tree.clone();
        let mut ops = Vec::new();
        for _ in 0..1 + self.rng.below(2) {
            self.counter += 1;
            let k = self.counter;
            let files: Vec<String> = tree.keys().cloned().collect();
            let roll = if files.is_empty() { 0 } else { self.rng.below(100) };
            let op = match roll {
                0..45 => Op::Write(format!("f{k}.txt"), format!("one {k}\ntwo {k}\nthree {k}\n")),
                45..80 => Op::Append(self.rng.pick(&files), format!("line {k}")),
                80..93 => Op::Write(self.rng.pick(&files), format!("rewritten {k}\n")),
                _ if files.len() > 1 => Op::Delete(self.rng.pick(&files)),
                _ => Op::Append(self.rng.pick(&files), format!("line {k}")),
            };
            apply(&mut tree, &op);
            ops.push(op);
        }
        ops
    }

    /// A commit on top of a random branch.
    fn on_branch(&mut self, kind: Kind, ops: Option<Vec<Op>>) {
        let branch = self.rng.below(self.branches.len());
        let tip = self.commit(vec![self.branches[branch]], kind, ops);
        self.branches[branch] = tip;
    }

    /// A merge into a random branch of 1 to 3 other commits, mostly other branches' tips.
    fn merge(&mut self) {
        let branch = self.rng.below(self.branches.len());
        let first = self.branches[branch];
        let wanted = if self.rng.chance(25) { 2 + self.rng.below(2) } else { 1 };
        let mut parents = vec![first];
        for _ in 0..wanted * 3 {
            if parents.len() > wanted {
                break;
            }
            let other = if self.rng.chance(70) {
                self.rng.pick(&self.branches)
            } else {
                self.rng.below(self.nodes.len())
            };
            if !parents.contains(&other) {
                parents.push(other);
            }
        }
        if parents.len() == 1 {
            return self.on_branch(Kind::Edit, None);
        }
        let merge = self.commit(parents, Kind::Merge, None);
        self.branches[branch] = merge;
    }

    /// Two branches merge each other at once: their descendants have two merge bases.
    fn criss_cross(&mut self) {
        let (a, b) = (self.rng.below(self.branches.len()), self.rng.below(self.branches.len()));
        let (x, y) = (self.branches[a], self.branches[b]);
        if x == y {
            return self.on_branch(Kind::Edit, None);
        }
        self.branches[a] = self.commit(vec![x, y], Kind::CrissCross, None);
        self.branches[b] = self.commit(vec![y, x], Kind::CrissCross, None);
    }

    /// Replays an earlier commit's changes on a random branch (a cherry-pick).
    fn copy(&mut self) {
        let sources: Vec<usize> = (0..self.nodes.len())
            .filter(|&i| self.nodes[i].parents.len() == 1 && !self.nodes[i].ops.is_empty())
            .collect();
        if sources.is_empty() {
            return self.on_branch(Kind::Edit, None);
        }
        let source = self.rng.pick(&sources);
        let ops = self.nodes[source].ops.clone();
        self.on_branch(Kind::Copy(source), Some(ops));
    }

    /// A `git fast-import` stream for nodes `range` as graph `k` of a repository (its refs
    /// under `refs/g<k>/`, its marks from `k * MARKS`), with the branch refs at the end.
    fn stream(&self, k: usize, range: std::ops::Range<usize>) -> String {
        let mark = |node: usize| k * MARKS + node + 1;
        let mut out = String::new();
        let data = |out: &mut String, text: &str| {
            let _ = writeln!(out, "data {}\n{text}", text.len());
        };
        for i in range.clone() {
            let node = &self.nodes[i];
            let _ = writeln!(out, "commit refs/g{k}/c/{i}\nmark :{}", mark(i));
            let _ = writeln!(out, "author Ann <ann@example.com> {} +0000", node.time);
            let _ = writeln!(out, "committer Cid <cid@example.com> {} +0000", node.time);
            // The seed keeps equal commits of two graphs in one repository apart.
            data(&mut out, &format!("c{i} {:?}\n\nseed {}\n", node.kind, self.seed));
            for (n, parent) in node.parents.iter().enumerate() {
                let verb = if n == 0 { "from" } else { "merge" };
                let _ = writeln!(out, "{verb} :{}", mark(*parent));
            }
            out.push_str("deleteall\n");
            for (path, content) in &node.tree {
                let _ = writeln!(out, "M 100644 inline {path}");
                data(&mut out, content);
            }
            out.push('\n');
        }
        if range.end == self.nodes.len() {
            for (b, tip) in self.branches.iter().enumerate() {
                let _ = writeln!(out, "reset refs/g{k}/heads/b{b}\nfrom :{}\n", mark(*tip));
            }
        }
        out
    }

    /// The graph as people read it, to reproduce a failure.
    fn table(&self) -> String {
        let mut out = format!(
            "graph of seed {} ({} commits, commit-graph stale from c{}, split: {}):\n",
            self.seed,
            self.nodes.len(),
            self.stale_at,
            self.split
        );
        for (i, node) in self.nodes.iter().enumerate() {
            let parents: Vec<_> = node.parents.iter().map(|p| format!("c{p}")).collect();
            let _ = writeln!(
                out,
                "  c{i:<3} parents [{}] time {} {:?} {:?}",
                parents.join(" "),
                node.time,
                node.kind,
                node.ops
            );
        }
        let tips: Vec<_> = self.branches.iter().map(|t| format!("c{t}")).collect();
        let _ = writeln!(out, "  branch tips b0.. = [{}]", tips.join(" "));
        out
    }
}

// ---------------------------------------------------------------------------------------------
// The real repository

/// Which commit-graph file the repository has while `Repo` is asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GraphFile {
    /// Written before the newest commits were added.
    Stale,
    Complete,
    Absent,
}

/// Mark numbers reserved for each graph of a repository (graphs have at most 40 commits).
const MARKS: usize = 64;

/// A bare repository holding several graphs, and their commits' ids by graph and node.
struct Built {
    dir: tempfile::TempDir,
    ids: Vec<Vec<ObjectId>>,
}

impl Built {
    /// Imports each graph's nodes before its `stale_at`, writes a commit-graph, then imports
    /// the rest.
    fn new(plans: &[&Plan], split: bool) -> Result<Self, String> {
        let dir = tempfile::Builder::new()
            .prefix("hotfix-oracle-")
            .tempdir()
            .map_err(|e| format!("cannot make a temporary directory: {e}"))?;
        let built = Built { dir, ids: Vec::new() };
        built.git(&["init", "--bare", "-q", "--template=", "."], None)?;
        let marks = built.dir.path().join("marks");
        let marks = marks.to_str().expect("temporary paths are UTF-8");
        let export = format!("--export-marks={marks}");
        let import = format!("--import-marks={marks}");
        let old: String =
            plans.iter().enumerate().map(|(k, p)| p.stream(k, 0..p.stale_at)).collect();
        built.git(&["fast-import", "--quiet", &export], Some(&old))?;
        built.write_graph(split, false)?;
        let new: String =
            plans.iter().enumerate().map(|(k, p)| p.stream(k, p.stale_at..p.nodes.len())).collect();
        built.git(&["fast-import", "--quiet", &import, &export], Some(&new))?;
        let text = std::fs::read_to_string(built.dir.path().join("marks"))
            .map_err(|e| format!("cannot read the marks: {e}"))?;
        let mut ids: Vec<Vec<Option<ObjectId>>> =
            plans.iter().map(|p| vec![None; p.nodes.len()]).collect();
        for line in text.lines() {
            let (mark, id) = line.split_once(' ').ok_or("bad marks file")?;
            let mark: usize = mark.trim_start_matches(':').parse().map_err(|_| "bad mark")?;
            let id = ObjectId::from_hex(id.as_bytes()).map_err(|e| e.to_string())?;
            ids[(mark - 1) / MARKS][(mark - 1) % MARKS] = Some(id);
        }
        let ids = ids
            .into_iter()
            .map(|graph| graph.into_iter().collect::<Option<Vec<_>>>())
            .collect::<Option<Vec<_>>>()
            .ok_or("a commit has no mark")?;
        Ok(Built { ids, ..built })
    }

    fn write_graph(&self, split: bool, append: bool) -> Result<(), String> {
        let mut args = vec!["commit-graph", "write", "--reachable", "--no-progress"];
        if split {
            // A second layer on top of the stale one: a chain, as busy servers have.
            args.push(if append { "--split=no-merge" } else { "--split" });
        }
        self.git(&args, None).map(drop)
    }

    /// Moves from the stale commit-graph (as built) to a complete one, then to none.
    fn set_graph_file(&self, split: bool, state: GraphFile) -> Result<(), String> {
        match state {
            GraphFile::Stale => Ok(()),
            GraphFile::Complete => self.write_graph(split, true),
            GraphFile::Absent => {
                let info = self.dir.path().join("objects/info");
                let _ = std::fs::remove_file(info.join("commit-graph"));
                let _ = std::fs::remove_dir_all(info.join("commit-graphs"));
                Ok(())
            }
        }
    }

    /// Makes sure `Repo` sees the commit-graph the state is about, so that no case passes by
    /// testing the other path.
    fn assert_graph_file(&self, repo: &Repo, k: usize, state: GraphFile) -> Result<(), String> {
        let (graph, ids) = (repo.graph_cache(), &self.ids[k]);
        let newest = *ids.last().expect("plans have commits");
        let ok = match (state, graph) {
            (GraphFile::Stale, Some(g)) => {
                g.commit_by_id(ids[0]).is_some() && g.commit_by_id(newest).is_none()
            }
            (GraphFile::Complete, Some(g)) => ids.iter().all(|&id| g.commit_by_id(id).is_some()),
            (GraphFile::Absent, None) => true,
            _ => false,
        };
        if ok { Ok(()) } else { Err(format!("{state:?}: Repo does not see that commit-graph")) }
    }

    /// `git` in the repository with a hermetic environment.
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(crate::spawn::executable().expect("git is installed"));
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            // Throwaway repositories: keep fast-import's pack whole, skip every fsync.
            .env("GIT_CONFIG_COUNT", "2")
            .env("GIT_CONFIG_KEY_0", "fastimport.unpackLimit")
            .env("GIT_CONFIG_VALUE_0", "0")
            .env("GIT_CONFIG_KEY_1", "core.fsync")
            .env("GIT_CONFIG_VALUE_1", "none")
            .env("GIT_AUTHOR_NAME", "Ann")
            .env("GIT_AUTHOR_EMAIL", "ann@example.com")
            .env("GIT_COMMITTER_NAME", "Cid")
            .env("GIT_COMMITTER_EMAIL", "cid@example.com")
            .env("LC_ALL", "C")
            .current_dir(self.dir.path())
            .args(args);
        cmd
    }

    /// Runs `git args` with `input` on stdin; returns the exit code (0 or 1, more is an
    /// error), stdout and stderr.
    fn run(&self, args: &[&str], input: Option<&str>) -> Result<(i32, String, String), String> {
        let fail = |e: std::io::Error| format!("cannot run `git {}`: {e}", args.join(" "));
        let mut child = self
            .command(args)
            .stdin(if input.is_some() { Stdio::piped() } else { Stdio::null() })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(fail)?;
        let stdin = child.stdin.take();
        // Feed stdin while stdout is read, so that neither pipe can fill up and block.
        let out = std::thread::scope(|scope| {
            if let (Some(text), Some(mut stdin)) = (input, stdin) {
                scope.spawn(move || stdin.write_all(text.as_bytes()));
            }
            child.wait_with_output()
        })
        .map_err(fail)?;
        let stderr = String::from_utf8_lossy(&out.stderr).trim().to_owned();
        match out.status.code() {
            Some(code @ (0 | 1)) => {
                Ok((code, String::from_utf8_lossy(&out.stdout).into_owned(), stderr))
            }
            _ => Err(format!("`git {}` failed: {stderr}", args.join(" "))),
        }
    }

    /// Runs `git args`, which must succeed; returns stdout.
    fn git(&self, args: &[&str], input: Option<&str>) -> Result<String, String> {
        match self.run(args, input)? {
            (0, out, _) => Ok(out),
            (_, _, stderr) => Err(format!("`git {}` failed: {stderr}", args.join(" "))),
        }
    }

    /// Runs `git args`, which answers yes (0) or no (1); returns the answer and stdout.
    fn ask(&self, args: &[&str]) -> Result<(bool, String), String> {
        let (code, out, _) = self.run(args, None)?;
        Ok((code == 0, out))
    }
}

/// Graph `k` of a built repository, as git is asked about it.
struct Part<'a> {
    built: &'a Built,
    k: usize,
    plan: &'a Plan,
}

impl Part<'_> {
    fn hex(&self, node: usize) -> String {
        self.built.ids[self.k][node].to_string()
    }

    fn git(&self, args: &[&str], input: Option<&str>) -> Result<String, String> {
        self.built.git(args, input)
    }

    fn ask(&self, args: &[&str]) -> Result<(bool, String), String> {
        self.built.ask(args)
    }
}

// ---------------------------------------------------------------------------------------------
// Questions and answers

/// `git rev-list [--first-parent] include --not exclude`.
#[derive(Debug)]
struct Walk {
    include: Vec<usize>,
    exclude: Vec<usize>,
    first_parent: bool,
}

/// R2 for a hotfix at `tip` with these trunks.
#[derive(Debug)]
struct R2 {
    main: usize,
    development: usize,
    tip: usize,
}

/// The questions asked about one graph, by node index; both sides answer the same ones.
struct Questions {
    nodes: usize,
    ancestry: Vec<(usize, usize)>,
    /// `|rev-list a ^b|`.
    counts: Vec<(usize, usize)>,
    merge_bases: Vec<(usize, usize)>,
    walks: Vec<Walk>,
    r2: Vec<R2>,
    /// Development's tip for classifying merges, and the merges.
    r3_development: usize,
    r3_merges: Vec<usize>,
    diffs: Vec<Diff<usize>>,
    /// A first-parent line's tip and commits to find the first commit of that line holding.
    containing: Vec<(usize, Vec<usize>)>,
}

impl Questions {
    fn pick(plan: &Plan) -> Self {
        let mut rng = Rng(plan.seed ^ 0x05EE_D0F0_AC1E);
        let n = plan.nodes.len();
        let pair = |rng: &mut Rng| (rng.below(n), rng.below(n));
        let ancestry = if n * n <= 400 {
            (0..n).flat_map(|a| (0..n).map(move |b| (a, b))).collect()
        } else {
            (0..400).map(|_| pair(&mut rng)).collect()
        };
        let counts = (0..40).map(|_| pair(&mut rng)).collect();
        let mut merge_bases: Vec<_> = (0..3).map(|_| pair(&mut rng)).collect();
        // Both halves of a criss-cross, and what sits on top of them, have two merge bases.
        let crossed: Vec<usize> =
            (0..n).filter(|&i| plan.nodes[i].kind == Kind::CrissCross).collect();
        if crossed.len() >= 2 {
            merge_bases.push((rng.pick(&crossed), rng.pick(&crossed)));
        }
        merge_bases.push((rng.pick(&plan.branches), rng.pick(&plan.branches)));
        // A commit and one of its ancestors: the ancestor is the only merge base, which a
        // walk that met its other descendants first must still see (seed 13).
        let tip = rng.below(n);
        let below: Vec<usize> = plan.ancestors(tip).into_iter().filter(|&a| a != tip).collect();
        if !below.is_empty() {
            merge_bases.push((rng.pick(&below), tip));
        }
        let some = |rng: &mut Rng, most: usize| -> Vec<usize> {
            (0..rng.below(most + 1)).map(|_| rng.below(n)).collect()
        };
        let walks = (0..3)
            .map(|_| Walk {
                include: {
                    let mut v = some(&mut rng, 2);
                    v.push(rng.pick(&plan.branches));
                    v
                },
                exclude: some(&mut rng, 2),
                first_parent: rng.chance(50),
            })
            .collect();
        let r2: Vec<R2> = (0..2)
            .map(|_| R2 { main: rng.below(n), development: rng.below(n), tip: rng.below(n) })
            .collect();
        // R2 asks for these merge bases too; git answers each pair once.
        merge_bases.extend(r2.iter().map(|r| (r.tip, r.development)));
        let merges: Vec<usize> = (0..n).filter(|&i| plan.nodes[i].parents.len() > 1).collect();
        let r3_merges = (0..merges.len().min(3)).map(|_| rng.pick(&merges)).collect();
        Questions {
            nodes: n,
            ancestry,
            counts,
            merge_bases,
            walks,
            r2,
            r3_development: rng.below(n),
            r3_merges,
            diffs: Self::diffs(plan, &mut rng),
            containing: Self::containing(plan),
        }
    }

    /// A branch tip's line and a few commits to place on it, some of which it may not hold,
    /// from a generator of their own (so that the seeds' other questions stay as they were).
    fn containing(plan: &Plan) -> Vec<(usize, Vec<usize>)> {
        let mut rng = Rng(plan.seed ^ 0xC0_17A1_2B5E);
        let n = plan.nodes.len();
        (0..2)
            .map(|_| {
                let targets = (0..1 + rng.below(6)).map(|_| rng.below(n)).collect();
                (rng.pick(&plan.branches), targets)
            })
            .collect()
    }

    /// Single-parent commits (copies with their originals first), ranges, a merge's whole
    /// change, and one tip asked twice (`Repo` batches diffs by tip).
    fn diffs(plan: &Plan, rng: &mut Rng) -> Vec<Diff<usize>> {
        let n = plan.nodes.len();
        let single: Vec<usize> = (0..n).filter(|&i| plan.nodes[i].parents.len() == 1).collect();
        let mut diffs = Vec::new();
        let copies: Vec<usize> =
            (0..n).filter(|&i| matches!(plan.nodes[i].kind, Kind::Copy(_))).collect();
        if !copies.is_empty() {
            let copy = rng.pick(&copies);
            if let Kind::Copy(source) = plan.nodes[copy].kind {
                diffs.extend([Diff::Commit(copy), Diff::Commit(source)]);
            }
        }
        if !single.is_empty() {
            diffs.push(Diff::Commit(rng.pick(&single)));
        }
        diffs.push(Diff::Range { base: rng.below(n), tip: rng.below(n) });
        let merges: Vec<usize> = (0..n).filter(|&i| plan.nodes[i].parents.len() > 1).collect();
        if !merges.is_empty() {
            let merge = rng.pick(&merges);
            diffs.push(Diff::Range { base: plan.nodes[merge].parents[0], tip: merge });
        }
        if let Some(&Diff::Commit(c)) = diffs.first().filter(|_| rng.chance(30)) {
            diffs.push(Diff::Range { base: rng.below(n), tip: c });
        }
        diffs
    }
}

/// `Repo::first_parent_line`, checked to go from each commit to its first parent.
fn line(repo: &Repo, tip: ObjectId, hidden: &[ObjectId]) -> crate::error::Result<Vec<ObjectId>> {
    let mut out: Vec<ObjectId> = Vec::new();
    for entry in repo.first_parent_line(tip, hidden)? {
        let (id, time) = entry?;
        let expected = match out.last() {
            Some(&child) => repo.parents(child)?.first().copied(),
            None => Some(tip),
        };
        assert_eq!(Some(id), expected, "the line must follow first parents from {tip}");
        assert_eq!(time, repo.commit_time(id)?, "the line's time of {id}");
        out.push(id);
    }
    Ok(out)
}

/// What one side said; node indices, `usize::MAX` for an id that is no node.
#[derive(Debug, Default)]
struct Answers {
    parents: Vec<Vec<usize>>,
    ancestry: Vec<bool>,
    counts: Vec<usize>,
    merge_bases: Vec<BTreeSet<usize>>,
    /// Sorted, duplicates kept: a walk must not list a commit twice.
    walks: Vec<Vec<usize>>,
    /// (error, behind-main warning).
    r2: Vec<(bool, bool)>,
    /// (classified as a release, merged parents already on main).
    r3: Vec<(bool, usize)>,
    patch_ids: Option<Vec<Option<String>>>,
    /// Target → the oldest commit of the line holding it.
    containing: Vec<BTreeMap<usize, usize>>,
}

/// `Repo`'s answers, through `policy::Graph` and the rules themselves.
fn ask_repo(
    repo: &Repo,
    ids: &[ObjectId],
    q: &Questions,
    with_patch_ids: bool,
) -> crate::error::Result<Answers> {
    let index: HashMap<ObjectId, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let node = |id: &ObjectId| index.get(id).copied().unwrap_or(usize::MAX);
    let nodes = |list: Vec<ObjectId>| -> Vec<usize> {
        let mut v: Vec<usize> = list.iter().map(node).collect();
        v.sort_unstable();
        v
    };
    let id = |i: &usize| ids[*i];
    let mut a = Answers::default();
    for &commit in ids {
        a.parents.push(repo.parents(commit)?.iter().map(node).collect());
    }
    for &(x, y) in &q.ancestry {
        a.ancestry.push(repo.is_ancestor(ids[x], ids[y])?);
    }
    for &(x, y) in &q.counts {
        a.counts.push(repo.commits(&[ids[x]], &[ids[y]], false)?.len());
    }
    for &(x, y) in &q.merge_bases {
        a.merge_bases.push(nodes(repo.merge_bases(ids[x], ids[y])?).into_iter().collect());
    }
    for w in &q.walks {
        let include: Vec<_> = w.include.iter().map(id).collect();
        let exclude: Vec<_> = w.exclude.iter().map(id).collect();
        let walked = match (w.first_parent, include.as_slice()) {
            (true, &[tip]) => line(repo, tip, &exclude)?,
            _ => repo.commits(&include, &exclude, w.first_parent)?,
        };
        a.walks.push(nodes(walked));
    }
    for r in &q.r2 {
        let trunks = Trunks {
            main: ids[r.main],
            main_name: "main",
            development: Some(ids[r.development]),
            development_name: "development",
        };
        let found = check_base(repo, "hotfix/x", ids[r.tip], &trunks)?;
        a.r2.push((found.iter().any(|v| v.is_error()), found.iter().any(|v| !v.is_error())));
    }
    let naming = Naming {
        prefix: "hotfix/".into(),
        pattern: regex::Regex::new(DEFAULT_NAME_PATTERN).expect("valid").into(),
    };
    let names = Names { main: "main", development: "development", naming: &naming };
    for &merge in &q.r3_merges {
        let development = ids[q.r3_development];
        type Verdict = crate::error::Result<(Option<MergeKind>, Vec<crate::policy::Violation>)>;
        let classify = |graph: &dyn Fn() -> Verdict| {
            let (kind, found) = graph()?;
            let nothing_new = found.iter().filter(|v| v.message.contains("brings nothing new"));
            Ok::<_, crate::error::Error>((kind == Some(MergeKind::Release), nothing_new.count()))
        };
        let searched = classify(&|| check_commit(repo, &names, ids[merge], Some(development)))?;
        // verify's one walk (repo/lines.rs), with the merge as main's tip: the same verdict.
        let lines = repo.lines(ids[merge], development)?;
        let walked = classify(&|| check_commit(&lines, &names, ids[merge], Some(development)))?;
        if walked != searched {
            return Err(crate::error::Error::env(format!(
                "R3 of c{merge}: one walk says {walked:?}, the searches {searched:?}"
            )));
        }
        a.r3.push(searched);
    }
    for (tip, targets) in &q.containing {
        let targets: Vec<_> = targets.iter().map(id).collect();
        let found = repo.first_containing(ids[*tip], &targets)?;
        a.containing.push(found.iter().map(|(t, d)| (node(t), node(d))).collect());
    }
    if with_patch_ids {
        let diffs: Vec<_> = q
            .diffs
            .iter()
            .map(|d| match *d {
                Diff::Commit(c) => Diff::Commit(ids[c]),
                Diff::Range { base, tip } => Diff::Range { base: ids[base], tip: ids[tip] },
            })
            .collect();
        a.patch_ids = Some(repo.patch_ids(&diffs)?);
    }
    Ok(a)
}

/// Git's answers, each from the command the `Graph` method names.
fn ask_git(b: &Part<'_>, q: &Questions) -> Result<Answers, String> {
    let index: HashMap<String, usize> = (0..q.nodes).map(|i| (b.hex(i), i)).collect();
    let node = |hex: &str| index.get(hex).copied().unwrap_or(usize::MAX);
    let set_in_order = |text: &str| -> Vec<usize> { text.split_whitespace().map(node).collect() };
    let set = |text: &str| -> Vec<usize> {
        let mut v = set_in_order(text);
        v.sort_unstable();
        v
    };
    let mut a = Answers { parents: vec![Vec::new(); q.nodes], ..Answers::default() };
    // Parents: `git rev-list --parents`, one line per commit.
    let glob = format!("--glob=refs/g{}/c/*", b.k);
    for line in b.git(&["rev-list", "--parents", &glob], None)?.lines() {
        let mut words = line.split_whitespace();
        let commit = node(words.next().unwrap_or_default());
        if commit == usize::MAX {
            return Err(format!("git lists an unknown commit: {line}"));
        }
        a.parents[commit] = words.map(node).collect();
    }
    // Ancestry and counts for all pairs at once: `ahead-behind:<base>` of every commit's ref.
    let refs = format!("refs/g{}/c/", b.k);
    let format: String = (0..q.nodes).map(|i| format!(" %(ahead-behind:{refs}{i})")).collect();
    let format = format!("--format=%(refname:lstrip=3){format}");
    let mut ahead_behind = vec![Vec::new(); q.nodes];
    for line in b.git(&["for-each-ref", &format, &refs], None)?.lines() {
        let mut words = line.split_whitespace();
        let tip: usize = words.next().and_then(|w| w.parse().ok()).ok_or("bad ref")?;
        let numbers: Vec<usize> = words.map(|w| w.parse().unwrap_or(usize::MAX)).collect();
        ahead_behind[tip] = numbers.chunks(2).map(|c| (c[0], c[1])).collect();
    }
    // `x` is an ancestor of `y` when `y` is not behind `x`.
    let is_ancestor = |x: usize, y: usize| ahead_behind[y][x].1 == 0;
    a.ancestry = q.ancestry.iter().map(|&(x, y)| is_ancestor(x, y)).collect();
    a.counts = q.counts.iter().map(|&(x, y)| ahead_behind[x][y].0).collect();
    let mut asked = HashMap::new();
    let mut merge_bases = |x: usize, y: usize| -> Result<Vec<usize>, String> {
        if let Some(bases) = asked.get(&(x, y)) {
            return Ok(Vec::clone(bases));
        }
        let bases = set(&b.ask(&["merge-base", "--all", &b.hex(x), &b.hex(y)])?.1);
        asked.insert((x, y), bases.clone());
        Ok(bases)
    };
    for &(x, y) in &q.merge_bases {
        a.merge_bases.push(merge_bases(x, y)?.into_iter().collect());
    }
    // `git rev-list I --not E` trusts commit dates and, after clock skew, can list a commit
    // that E reaches (seed 196: `rev-list --first-parent c25 c6 c16 --not c13` lists c6, an
    // ancestor of c13, while `rev-list --first-parent c6 --not c13` is empty). Whole walks
    // are exact: the answer is `rev-list I` without `rev-list E`.
    let mut walked: HashMap<(Vec<usize>, bool), BTreeSet<usize>> = HashMap::new();
    let mut reach = |tips: &[usize], first_parent: bool| -> Result<BTreeSet<usize>, String> {
        let key = (tips.to_vec(), first_parent);
        if let Some(found) = walked.get(&key) {
            return Ok(found.clone());
        }
        let mut args = vec!["rev-list".to_owned()];
        if first_parent {
            args.push("--first-parent".into());
        }
        args.extend(tips.iter().map(|&i| b.hex(i)));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let found: BTreeSet<usize> = if tips.is_empty() {
            BTreeSet::new()
        } else {
            set(&b.git(&args, None)?).into_iter().collect()
        };
        walked.insert(key, found.clone());
        Ok(found)
    };
    for w in &q.walks {
        let hidden = reach(&w.exclude, false)?;
        a.walks.push(reach(&w.include, w.first_parent)?.difference(&hidden).copied().collect());
    }
    // R2: some merge base of the hotfix and development is not on main.
    for r in &q.r2 {
        // Development took the hotfix itself before main: an order warning, not a bad base.
        let early = is_ancestor(r.tip, r.development) && !is_ancestor(r.tip, r.main);
        let mut error = false;
        for base in merge_bases(r.tip, r.development)? {
            let args = ["merge-base", "--is-ancestor", &b.hex(base), &b.hex(r.main)];
            error |= !early && !b.ask(&args)?.0;
        }
        // Behind main is news unless main already has the hotfix.
        let behind = !is_ancestor(r.main, r.tip) && !is_ancestor(r.tip, r.main);
        a.r2.push((error, early || (!error && behind)));
    }
    // R3: a release when what the merge brings (`rev-list brought ^first`) meets development;
    // the reachability comes from the ahead-behind table (exact, and no process per merge).
    let reaches = |tips: &[usize], c: usize| tips.iter().any(|&t| is_ancestor(c, t));
    for &merge in &q.r3_merges {
        let (&first, brought) = b.plan.nodes[merge].parents.split_first().expect("a merge");
        let release = (0..q.nodes).any(|c| {
            reaches(brought, c) && !is_ancestor(c, first) && is_ancestor(c, q.r3_development)
        });
        let nothing_new = brought.iter().filter(|&&p| is_ancestor(p, first)).count();
        a.r3.push((release, nothing_new));
    }
    // The first commit of `git rev-list --first-parent --reverse <tip>` that holds a target.
    for (tip, targets) in &q.containing {
        let line = set_in_order(&b.git(&["rev-list", "--first-parent", &b.hex(*tip)], None)?);
        let mut found = BTreeMap::new();
        for &target in targets {
            if let Some(&d) = line.iter().rev().find(|&&d| is_ancestor(target, d)) {
                found.insert(target, d);
            }
        }
        a.containing.push(found);
    }
    a.patch_ids = Some(git_patch_ids(b, &q.diffs)?);
    Ok(a)
}

/// `git diff-tree -p <base> <tip>` for each diff on its own (a commit against its first
/// parent), all named by their position and fed to one `git patch-id --stable`.
fn git_patch_ids(b: &Part<'_>, diffs: &[Diff<usize>]) -> Result<Vec<Option<String>>, String> {
    let mut patches = String::new();
    for (n, diff) in diffs.iter().enumerate() {
        let (base, tip) = match *diff {
            Diff::Commit(c) => (b.plan.nodes[c].parents[0], c),
            Diff::Range { base, tip } => (base, tip),
        };
        let args = ["diff-tree", "-p", "--no-color", "--no-ext-diff", &b.hex(base), &b.hex(tip)];
        let patch = b.git(&args, None)?;
        let _ = write!(patches, "commit {n:040x}\n{patch}");
    }
    let mut out = vec![None; diffs.len()];
    for line in b.git(&["patch-id", "--stable"], Some(&patches))?.lines() {
        let (id, name) = line.split_once(' ').ok_or("bad patch-id output")?;
        let n = usize::from_str_radix(name.trim(), 16).map_err(|e| e.to_string())?;
        out[n] = Some(id.to_owned());
    }
    Ok(out)
}

/// Every disagreement, one line each, with the question and both answers.
fn compare(q: &Questions, ours: &Answers, git: &Answers, walks: bool) -> Vec<String> {
    let mut out = Vec::new();
    let every: Vec<usize> = (0..q.nodes).collect();
    field(&mut out, "parents of", &every, &ours.parents, &git.parents);
    field(&mut out, "is_ancestor", &q.ancestry, &ours.ancestry, &git.ancestry);
    if walks {
        field(&mut out, "|rev-list a ^b|", &q.counts, &ours.counts, &git.counts);
        field(&mut out, "rev-list", &q.walks, &ours.walks, &git.walks);
    }
    field(&mut out, "merge-base --all", &q.merge_bases, &ours.merge_bases, &git.merge_bases);
    field(&mut out, "R2 (error, warning)", &q.r2, &ours.r2, &git.r2);
    let r3: Vec<_> = q.r3_merges.iter().map(|m| (m, q.r3_development)).collect();
    field(&mut out, "R3 (merge, development): (release, nothing new)", &r3, &ours.r3, &git.r3);
    let lines = "first commit of the line holding (tip, targets)";
    field(&mut out, lines, &q.containing, &ours.containing, &git.containing);
    if let (Some(ours), Some(git)) = (&ours.patch_ids, &git.patch_ids) {
        field(&mut out, "patch-id", &q.diffs, ours, git);
    }
    out
}

fn field<Q: Debug, A: PartialEq + Debug>(
    out: &mut Vec<String>,
    what: &str,
    questions: &[Q],
    ours: &[A],
    git: &[A],
) {
    for (n, question) in questions.iter().enumerate() {
        if ours.get(n) != git.get(n) {
            out.push(format!(
                "{what} {question:?}: Repo says {:?}, git says {:?}",
                ours.get(n),
                git.get(n)
            ));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Coverage

/// What the checked graphs contained, so that a run that met none of the hard shapes fails.
#[derive(Debug, Default)]
struct Stats {
    commits: usize,
    octopus: usize,
    criss_cross: usize,
    several_roots: usize,
    skewed: usize,
    empty: usize,
    two_merge_bases: usize,
    no_merge_base: usize,
    patch_matches: usize,
    r2_errors: usize,
    r2_clean: usize,
    releases: usize,
    hotfixes: usize,
    /// Targets placed on a line, and targets no commit of the line holds.
    placed: usize,
    unplaced: usize,
}

impl Stats {
    fn of(plan: &Plan, git: &Answers) -> Self {
        let nodes = &plan.nodes;
        let count = |f: &dyn Fn(&Node) -> bool| nodes.iter().filter(|n| f(n)).count();
        let patches = git.patch_ids.iter().flatten().flatten().collect::<Vec<_>>();
        let distinct: BTreeSet<_> = patches.iter().collect();
        Stats {
            commits: nodes.len(),
            octopus: count(&|n| n.parents.len() > 2),
            criss_cross: count(&|n| n.kind == Kind::CrissCross),
            several_roots: usize::from(plan.roots() > 1),
            skewed: nodes
                .iter()
                .filter(|n| n.parents.iter().any(|&p| nodes[p].time > n.time))
                .count(),
            empty: count(&|n| n.kind == Kind::Empty),
            two_merge_bases: git.merge_bases.iter().filter(|b| b.len() > 1).count(),
            no_merge_base: git.merge_bases.iter().filter(|b| b.is_empty()).count(),
            patch_matches: patches.len() - distinct.len(),
            r2_errors: git.r2.iter().filter(|r| r.0).count(),
            r2_clean: git.r2.iter().filter(|r| !r.0 && !r.1).count(),
            releases: git.r3.iter().filter(|r| r.0).count(),
            hotfixes: git.r3.iter().filter(|r| !r.0).count(),
            placed: git.containing.iter().map(BTreeMap::len).sum(),
            unplaced: plan_targets(plan) - git.containing.iter().map(BTreeMap::len).sum::<usize>(),
        }
    }

    fn add(&mut self, o: &Stats) {
        self.commits += o.commits;
        self.octopus += o.octopus;
        self.criss_cross += o.criss_cross;
        self.several_roots += o.several_roots;
        self.skewed += o.skewed;
        self.empty += o.empty;
        self.two_merge_bases += o.two_merge_bases;
        self.no_merge_base += o.no_merge_base;
        self.patch_matches += o.patch_matches;
        self.r2_errors += o.r2_errors;
        self.r2_clean += o.r2_clean;
        self.releases += o.releases;
        self.hotfixes += o.hotfixes;
        self.placed += o.placed;
        self.unplaced += o.unplaced;
    }

    fn assert_covered(&self) {
        let all = [
            ("octopus merges", self.octopus),
            ("criss-cross merges", self.criss_cross),
            ("graphs with several roots", self.several_roots),
            ("commits older than a parent", self.skewed),
            ("empty commits", self.empty),
            ("pairs with several merge bases", self.two_merge_bases),
            ("pairs with no merge base", self.no_merge_base),
            ("equal patch ids", self.patch_matches),
            ("R2 errors", self.r2_errors),
            ("R2 passes", self.r2_clean),
            ("release merges", self.releases),
            ("hotfix merges", self.hotfixes),
            ("commits placed on a line", self.placed),
            ("commits no line holds", self.unplaced),
        ];
        for (what, n) in all {
            assert!(n >= 5, "the oracle run met only {n} {what}: the generator lost a shape");
        }
    }
}

/// How many distinct targets the containing questions of `plan` ask about.
fn plan_targets(plan: &Plan) -> usize {
    let questions = Questions::containing(plan);
    questions.iter().map(|(_, t)| t.iter().collect::<BTreeSet<_>>().len()).sum()
}
