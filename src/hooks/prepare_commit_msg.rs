//! prepare-commit-msg (githooks(5)): `<file> [<source> [<oid>]]`. Git runs it before every
//! commit it makes, those of merge, cherry-pick, revert and rebase included, and
//! `--no-verify` does not skip it. It is the one local hook that can stop a commit before it
//! exists, so it refuses what pre-push would reject later, when it is cheapest to fix.
//!
//! What it decides, and why:
//! - `HOTFIX_SKIP=1` skips every check: the emergency bypass, since `--no-verify` cannot.
//! - On main only merge commits are made: a commit is allowed while `MERGE_HEAD` exists
//!   (`git merge`, `git pull`, committing a resolved conflict). The source `merge` alone proves
//!   nothing (`cherry-pick -e` passes it too). Amending a merge commit (`--amend`, source
//!   `commit HEAD`) keeps it a merge and is allowed; so is the first commit of a new
//!   repository. Everything else is refused, with how to undo what is in progress: a plain
//!   commit; a cherry-pick or a revert (a copy on main's first-parent line, which R3 rejects
//!   at push time anyway); a rebase of main (it replays main's commits one by one and drops
//!   its merges).
//! - A pending `merge --squash` is recognised by `SQUASH_MSG`, whatever the source argument
//!   says (`git commit -m` passes `message`). Committing it is refused on main whatever it
//!   brings, and on development when it brings hotfix commits (see [`landing::misplaced`]);
//!   squashing a feature into development stays allowed.
//! - On a hotfix branch (during a rebase, the branch being rebased): a name that breaks R1 is
//!   refused; otherwise, when an editor will open (Git sets `GIT_EDITOR=:` when none will),
//!   comment lines show the branch and its size so far against the limits. With `-m`/`-F`
//!   nobody would read them, and with `--cleanup=verbatim` they would land in the commit.
//!   Each line starts with `<comment> git-hotfix:` so that a rerun (amend, rebase) replaces
//!   them instead of adding more. With `core.commentChar=auto` Git picks a character per
//!   message and does not tell the hook which, so no guidance is added.
//! - Anything that stops the check itself (an unreadable repository, a bad `.githotfix.toml`)
//!   is a warning and the commit goes ahead: a bug here must not block every commit.

use super::landing::{self, Trunk};
use crate::config::GitConfig;
use crate::context::Context;
use crate::error::{Error, Kind, Result};
use crate::output::warn;
use crate::policy::Graph;
use crate::repo::{Head, Repo};
use crate::spawn::Git;
use std::path::Path;

pub fn run(file: &Path, source: Option<&str>, oid: Option<&str>) -> Result<()> {
    if std::env::var_os("HOTFIX_SKIP").is_some_and(|v| v == "1") {
        return Ok(());
    }
    match check(file, source, oid) {
        Err(e) if e.kind == Kind::Environment => {
            warn(format!("git-hotfix could not check this commit, letting it through: {e}"));
            Ok(())
        }
        outcome => outcome,
    }
}

fn check(file: &Path, source: Option<&str>, oid: Option<&str>) -> Result<()> {
    let ctx = Context::open()?;
    let rebasing = rebased_branch(&ctx.repo);
    let branch = match (rebasing.clone(), ctx.repo.head()?) {
        (Some(branch), _) | (None, Head::Branch(branch)) => branch,
        (None, Head::Unborn(_) | Head::Detached(_)) => return Ok(()),
    };
    if let Some(trunk) = Trunk::of(&branch, &ctx.config) {
        check_trunk(&ctx, trunk, &branch, rebasing.is_some(), source, oid)?;
    }
    if ctx.config.naming.desc(&branch).is_some() {
        if let Some(broken) = ctx.config.naming.check(&branch) {
            let err = Error::refused(format!("refusing to commit: {} (R1)", broken.message));
            return Err(if rebasing.is_some() {
                err.hint("first stop the rebase: git rebase --abort")
                    .hint(broken.fix)
                    .hint(bypass("git rebase --continue"))
            } else {
                err.hint(broken.fix).hint(bypass("git commit …"))
            });
        }
        if std::env::var_os("GIT_EDITOR").is_none_or(|editor| editor != ":") {
            add_guidance(&ctx, &branch, file)?;
        }
    }
    Ok(())
}

/// The branch a rebase in progress will update (`rebase-merge/head-name`): during a rebase
/// HEAD is detached, but the commits are that branch's.
fn rebased_branch(repo: &Repo) -> Option<String> {
    let name = std::fs::read_to_string(repo.git_dir().join("rebase-merge/head-name")).ok()?;
    name.trim().strip_prefix("refs/heads/").map(str::to_owned)
}

/// Main takes merge commits only; main and development never take a squashed hotfix.
fn check_trunk(
    ctx: &Context,
    trunk: Trunk,
    branch: &str,
    rebasing: bool,
    source: Option<&str>,
    oid: Option<&str>,
) -> Result<()> {
    let repo = &ctx.repo;
    if let Some(squashed) = landing::squashed_commits(ctx) {
        let head = repo.resolve("HEAD")?;
        let copies = landing::misplaced(ctx, trunk, head, &squashed)?;
        if let Some(&first) = copies.first() {
            let source = landing::merge_source(ctx, first)?;
            let why = match trunk {
                Trunk::Main => format!("{branch} takes merge commits only"),
                Trunk::Development => {
                    format!("a hotfix reaches {branch} as the same commits, through a merge commit")
                }
            };
            return Err(Error::refused(format!(
                "refusing to commit a squash of {source} onto '{branch}' ({}): {why}; \
                 squashed: {}",
                trunk.rule(),
                landing::describe(ctx, &copies)?
            ))
            .hint("drop the squash: git reset --merge (other uncommitted edits stay)")
            .hint(format!("then merge it: git merge --no-ff {source}"))
            .hint(bypass("git commit …")));
        }
    }
    if trunk == Trunk::Development {
        return Ok(());
    }
    let git_dir = repo.git_dir();
    if rebasing {
        return Err(Error::refused(format!(
            "refusing to rebase '{branch}' (R3): a rebase replays its commits one by one and \
             drops its merge commits"
        ))
        .hint("stop it: git rebase --abort")
        .hint(format!(
            "bring {branch} up to date with a merge instead: git pull --no-rebase (or git \
             merge --ff-only {}/{branch})",
            ctx.config.remote
        ))
        .hint(bypass("git rebase --continue")));
    }
    if git_dir.join("MERGE_HEAD").exists() {
        return Ok(());
    }
    if source == Some("commit") && oid == Some("HEAD") {
        let head = repo.resolve("HEAD")?;
        if repo.parents(head)?.len() > 1 {
            return Ok(());
        }
    }
    // What is in progress: a cherry-pick leaves CHERRY_PICK_HEAD; a revert of several commits
    // leaves the sequencer's state (a single revert leaves nothing to tell it from a commit).
    let (what, op, example) = if git_dir.join("CHERRY_PICK_HEAD").exists() {
        let picked = repo.resolve("CHERRY_PICK_HEAD")?;
        let short = repo.short(picked);
        let what = format!("cherry-pick {short} {} onto", repo.subject(picked)?);
        (what, "cherry-pick", short)
    } else if git_dir.join("sequencer").exists() {
        ("commit a revert directly on".to_owned(), "revert", "<commit>".to_owned())
    } else {
        let prefix = ctx.config.prefix();
        return Err(Error::refused(format!(
            "refusing to commit directly on '{branch}' (R3): changes reach {branch} only \
             through merge commits"
        ))
        .hint(format!(
            "move the change to a hotfix branch (staged changes come along): git switch -c \
             {prefix}<desc>, then commit there"
        ))
        .hint(bypass("git commit …")));
    };
    Err(Error::refused(format!(
        "refusing to {what} '{branch}' (R3): {branch} takes merge commits only"
    ))
    .hint(format!("undo: git {op} --abort"))
    .hint(format!(
        "do it on a hotfix branch and merge that: git hotfix start <desc>, then git {op} \
         {example}"
    ))
    .hint(bypass(&format!("git {op} --continue"))))
}

fn bypass(command: &str) -> String {
    format!("in an emergency, bypass this check: HOTFIX_SKIP=1 {command}")
}

/// Writes the guidance comment lines into the message file.
fn add_guidance(ctx: &Context, branch: &str, file: &Path) -> Result<()> {
    let Some(comment) = comment_string(&ctx.repo) else { return Ok(()) };
    let mut lines = vec![format!("hotfix branch '{branch}': keep the change minimal.")];
    if let Some(main) = ctx.repo.trunk(&ctx.config, &ctx.config.main)?
        && let Ok(head) = ctx.repo.resolve("HEAD")
        && let Some(&base) = ctx.repo.merge_bases(main, head)?.first()
    {
        let size = Git::here().staged_size(&base.to_string())?;
        let (max_files, max_lines) = (ctx.config.max_files, ctx.config.max_lines);
        let over = size.files > max_files || size.lines() > max_lines;
        lines.push(format!(
            "changed so far, this commit included: {} of at most {max_files} files, {} of at \
             most {max_lines} lines{}",
            size.files,
            size.lines(),
            if over { " - over the limit: keep only what the incident needs" } else { "" }
        ));
    }
    let io = |e: std::io::Error| Error::env(format!("{}: {e}", file.display()));
    let original = std::fs::read(file).map_err(io)?;
    let updated = with_guidance(&original, &comment, &lines);
    if updated != original {
        std::fs::write(file, updated).map_err(io)?;
    }
    Ok(())
}

/// What starts a comment line in commit messages here: `core.commentString` or
/// `core.commentChar`, `#` by default; `None` for `auto`.
fn comment_string(repo: &Repo) -> Option<String> {
    let value = repo
        .config_string("core.commentString")
        .or_else(|| repo.config_string("core.commentChar"))
        .unwrap_or_else(|| "#".to_owned());
    (!value.is_empty() && value != "auto" && !value.contains(['\n', '\r'])).then_some(value)
}

/// `message` with `lines` as comment lines `<comment> git-hotfix: <line>`, replacing those of
/// an earlier run. They go after Git's own comments: below the scissors line and the comments
/// that follow it when there is one (everything below it is dropped, whatever the cleanup
/// mode), else at the end. Every other byte is kept as it was; the file's line ending is used.
fn with_guidance(message: &[u8], comment: &str, lines: &[String]) -> Vec<u8> {
    let marker = format!("{comment} git-hotfix:");
    let scissors = format!("{comment} ------------------------ >8 ------------------------");
    // A last line that stops after its `\r` is a `\r\n` line once completed.
    let crlf = message.windows(2).any(|w| w == b"\r\n") || message.ends_with(b"\r");
    let eol: &[u8] = if crlf { b"\r\n" } else { b"\n" };
    let kept: Vec<&[u8]> = message
        .split_inclusive(|&b| b == b'\n')
        .filter(|line| !line.starts_with(marker.as_bytes()))
        .collect();
    let bare = |line: &[u8]| -> Vec<u8> {
        let line = line.strip_suffix(b"\n").unwrap_or(line);
        line.strip_suffix(b"\r").unwrap_or(line).to_vec()
    };
    let at = match kept.iter().position(|line| bare(line) == scissors.as_bytes()) {
        Some(cut) => {
            let comments = kept[cut + 1..].iter().take_while(|l| l.starts_with(comment.as_bytes()));
            cut + 1 + comments.count()
        }
        None => kept.len(),
    };
    let mut out: Vec<u8> = kept[..at].concat();
    if !out.is_empty() && !out.ends_with(b"\n") {
        out.extend_from_slice(if out.ends_with(b"\r") { b"\n" } else { eol });
    }
    for line in lines {
        out.extend_from_slice(marker.as_bytes());
        out.push(b' ');
        out.extend_from_slice(line.as_bytes());
        out.extend_from_slice(eol);
    }
    out.extend(kept[at..].concat());
    out
}

#[cfg(test)]
mod tests {
    use super::with_guidance;

    fn guide(message: &[u8], comment: &str) -> Vec<u8> {
        with_guidance(message, comment, &["branch x".to_owned(), "size y".to_owned()])
    }

    #[test]
    fn appends_after_gits_comments_once() {
        let msg = b"Fix it\n\n# Please enter the commit message\n#\n";
        let once = guide(msg, "#");
        assert_eq!(
            once,
            b"Fix it\n\n# Please enter the commit message\n#\n\
              # git-hotfix: branch x\n# git-hotfix: size y\n"
        );
        assert_eq!(guide(&once, "#"), once, "a rerun changes nothing");
    }

    #[test]
    fn replaces_old_lines_wherever_they_are() {
        let msg = b"Fix\n# git-hotfix: stale\nbody\n# Git comment\n";
        let out = guide(msg, "#");
        assert_eq!(
            out,
            b"Fix\nbody\n# Git comment\n# git-hotfix: branch x\n# git-hotfix: size y\n"
        );
    }

    #[test]
    fn goes_below_the_scissors_and_its_comments() {
        let msg = b"Fix\n# ------------------------ >8 ------------------------\n# Do not modify\n\
                    diff --git a/x b/x\n";
        let out = guide(msg, "#");
        assert_eq!(
            out,
            b"Fix\n# ------------------------ >8 ------------------------\n# Do not modify\n\
              # git-hotfix: branch x\n# git-hotfix: size y\ndiff --git a/x b/x\n"
        );
        assert_eq!(guide(&out, "#"), out);
    }

    #[test]
    fn keeps_bytes_line_endings_and_a_missing_final_newline() {
        let msg = b"Caf\xe9 fix";
        let out = guide(msg, "#");
        assert_eq!(out, b"Caf\xe9 fix\n# git-hotfix: branch x\n# git-hotfix: size y\n");
        assert_eq!(guide(&out, "#"), out);
        let crlf = guide(b"Fix\r\n\r\n; comment\r\n", ";");
        assert_eq!(
            crlf,
            b"Fix\r\n\r\n; comment\r\n; git-hotfix: branch x\r\n; git-hotfix: size y\r\n"
        );
        assert_eq!(guide(b"", "#"), b"# git-hotfix: branch x\n# git-hotfix: size y\n");
    }

    /// Found by fuzzing: a message whose last line ends in a lone `\r` gained `\n` endings
    /// on the first run and `\r\n` ones on the second.
    #[test]
    fn a_last_line_ending_in_cr_gets_crlf_guidance_once() {
        let once = guide(b"Fix\r", "#");
        assert_eq!(once, b"Fix\r\n# git-hotfix: branch x\r\n# git-hotfix: size y\r\n");
        assert_eq!(guide(&once, "#"), once);
    }
}

/// Long run: `PROPTEST_CASES=100000 cargo test --release --bin git-hotfix prepare_commit_msg::fuzz`
/// (see `src/fuzz.rs`).
#[cfg(test)]
mod fuzz {
    use super::with_guidance;
    use crate::fuzz::{bytes, config, text};
    use proptest::prelude::*;

    /// One line of text: what a comment string or a guidance line can be.
    fn one_line() -> impl Strategy<Value = String> {
        text().prop_map(|t| t.replace(['\n', '\r'], ""))
    }

    fn comment() -> impl Strategy<Value = String> {
        prop_oneof![
            3 => prop::sample::select(vec!["#", ";", "//", "%", "§", "GIT:", "# "]).prop_map(str::to_owned),
            1 => one_line().prop_filter("not empty", |c| !c.is_empty()),
        ]
    }

    fn guidance() -> impl Strategy<Value = Vec<String>> {
        prop::collection::vec(one_line(), 0..4)
    }

    /// A message file as Git and editors leave it: the user's lines, Git's comments, a scissors
    /// line, guidance from an earlier run, a diff; `\n` or `\r\n`, a final newline or not,
    /// bytes that are not UTF-8.
    fn message(comment: String) -> impl Strategy<Value = Vec<u8>> {
        let line = prop_oneof![
            3 => bytes(),
            2 => text().prop_map({
                let comment = comment.clone();
                move |t| format!("{comment}{t}").into_bytes()
            }),
            1 => Just(format!("{comment} ------------------------ >8 ------------------------").into_bytes()),
            1 => one_line().prop_map({
                let comment = comment.clone();
                move |t| format!("{comment} git-hotfix: {t}").into_bytes()
            }),
            1 => Just(b"diff --git a/x b/x".to_vec()),
            1 => Just(Vec::new()),
        ];
        (prop::collection::vec(line, 0..12), any::<bool>(), any::<bool>()).prop_map(
            |(lines, crlf, final_eol)| {
                let eol: &[u8] = if crlf { b"\r\n" } else { b"\n" };
                let mut out = lines.join(eol);
                if final_eol {
                    out.extend_from_slice(eol);
                }
                out
            },
        )
    }

    fn with_comment<S: Strategy>(
        then: impl Fn(String) -> S,
    ) -> impl Strategy<Value = (String, S::Value)> {
        comment().prop_flat_map(move |c| (Just(c.clone()), then(c)))
    }

    /// The message without any guidance line.
    fn without_guidance(message: &[u8], comment: &str) -> Vec<u8> {
        let marker = format!("{comment} git-hotfix:");
        let lines = message.split_inclusive(|&b| b == b'\n');
        lines.filter(|l| !l.starts_with(marker.as_bytes())).collect::<Vec<_>>().concat()
    }

    proptest! {
        #![proptest_config(config(512))]

        #[test]
        fn guidance_is_idempotent_and_touches_nothing_else(
            (comment, message) in with_comment(message),
            lines in guidance(),
        ) {
            let once = with_guidance(&message, &comment, &lines);
            prop_assert_eq!(&with_guidance(&once, &comment, &lines), &once, "applied twice");

            let (before, after) =
                (without_guidance(&message, &comment), without_guidance(&once, &comment));
            let added = after.strip_prefix(before.as_slice());
            let added_eol = matches!(added, Some(b"\n" | b"\r\n")) && !before.ends_with(b"\n");
            prop_assert!(added == Some(b"") || added_eol, "other bytes changed: {:?}", String::from_utf8_lossy(&once));

            let marker = format!("{comment} git-hotfix: ");
            let guided: Vec<&[u8]> = once
                .split_inclusive(|&b| b == b'\n')
                .filter(|l| l.starts_with(marker.as_bytes()))
                .map(|l| l.trim_ascii_end())
                .collect();
            let want: Vec<Vec<u8>> =
                lines.iter().map(|l| format!("{marker}{l}").trim_ascii_end().as_bytes().to_vec()).collect();
            prop_assert_eq!(guided, want.iter().map(Vec::as_slice).collect::<Vec<_>>());
        }

        #[test]
        fn guidance_never_panics(message in bytes(), comment in comment(), lines in guidance()) {
            let _ = with_guidance(&message, &comment, &lines);
        }
    }
}
