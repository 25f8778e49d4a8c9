//! The one evaluation of a push, shared by pre-push (the client, before sending) and
//! pre-receive (the server, before accepting): which rules each updated ref is subject to, and
//! the findings for all of them at once.

use crate::config::Config;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::hotfix::checks;
use crate::output;
use crate::policy::backmerge::{self, Hotfix};
use crate::policy::topology::{self, Names};
use crate::policy::{CommitRef, Trunks, Violation, protect};
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

/// The two hooks that read a push's ref list on standard input, one line per ref.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PushInput {
    /// `<local ref> SP <local oid> SP <remote ref> SP <remote oid>`. The local ref is whatever
    /// the user typed (`HEAD~`, `main@{1 second ago}`) and may hold spaces, so the line is read
    /// from the right; the local ref itself is never needed.
    PrePush,
    /// `<old oid> SP <new oid> SP <ref>`.
    PreReceive,
}

impl PushInput {
    fn hook(self) -> &'static str {
        match self {
            Self::PrePush => "pre-push",
            Self::PreReceive => "pre-receive",
        }
    }

    /// The hook's whole standard input (Git may write many lines; reading all of them keeps
    /// it from blocking on a full pipe).
    pub fn read_stdin(self) -> Result<String> {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes).map_err(|e| {
            Error::env(format!("{}: cannot read the ref list from Git: {e}", self.hook()))
        })?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// The updates in a hook's `input`; `parse_id` reads a full id of the repository's hash
    /// kind. A line Git would never write stops the hook, naming the line: guessing could wave
    /// an update to main through unchecked.
    pub fn parse(
        self,
        input: &str,
        parse_id: impl Fn(&str) -> Option<ObjectId>,
    ) -> Result<Vec<RefUpdate>> {
        let mut updates = Vec::new();
        for (index, line) in input.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let bad = |why: &str| {
                Error::env(format!(
                    "{}: line {} of Git's input {why}: {line:?}",
                    self.hook(),
                    index + 1
                ))
                .hint("this hook reads what Git writes when you push; run it through git push")
            };
            let Some((old, new, name)) = self.fields(line) else {
                return Err(bad(&format!("is not {}", self.layout())));
            };
            if name.is_empty() || name.contains(|c: char| c.is_whitespace() || c.is_control()) {
                return Err(bad("names no ref"));
            }
            let id = |hex| object_id(hex, &parse_id).map_err(|why| bad(&why));
            updates.push(RefUpdate { remote_ref: name.to_owned(), old: id(old)?, new: id(new)? });
        }
        Ok(updates)
    }

    /// `(old, new, ref)` as written on one line, or `None` when the fields are not there.
    fn fields(self, line: &str) -> Option<(&str, &str, &str)> {
        match self {
            Self::PrePush => {
                let fields: Vec<&str> = line.rsplitn(4, ' ').collect();
                let [old, name, new, _local_ref] = fields[..] else { return None };
                Some((old, new, name))
            }
            Self::PreReceive => {
                let fields: Vec<&str> = line.split(' ').collect();
                let [old, new, name] = fields[..] else { return None };
                Some((old, new, name))
            }
        }
    }

    fn layout(self) -> &'static str {
        match self {
            Self::PrePush => "`<local ref> <local oid> <remote ref> <remote oid>`",
            Self::PreReceive => "`<old oid> <new oid> <ref>`",
        }
    }
}

/// One object id from a hook's input: 40 (SHA-1) or 64 (SHA-256) hex digits of this
/// repository's kind; Git's all-zeros id means "absent".
pub(super) fn object_id(
    hex: &str,
    parse_id: impl Fn(&str) -> Option<ObjectId>,
) -> std::result::Result<Option<ObjectId>, String> {
    if !matches!(hex.len(), 40 | 64) || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("'{hex}' is not a full object id (40 or 64 hex digits)"));
    }
    if hex.bytes().all(|b| b == b'0') {
        return Ok(None);
    }
    parse_id(hex)
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

    fn sha1(hex: &str) -> Option<ObjectId> {
        ObjectId::from_hex(hex.as_bytes()).ok()
    }

    #[test]
    fn both_hooks_read_their_lines_with_one_parser() {
        let (a, b) = ("1".repeat(40), "2".repeat(40));
        let zero = "0".repeat(40);
        let pushed = format!("HEAD~ {b} refs/heads/main {a}\r\n\n(delete) {zero} refs/heads/x {b}");
        let updates = PushInput::PrePush.parse(&pushed, sha1).unwrap();
        let got: Vec<_> = updates.iter().map(|u| (u.remote_ref.as_str(), u.old, u.new)).collect();
        assert_eq!(
            got,
            [("refs/heads/main", sha1(&a), sha1(&b)), ("refs/heads/x", sha1(&b), None)]
        );
        let received = format!("{zero} {a} refs/heads/main\n");
        let updates = PushInput::PreReceive.parse(&received, sha1).unwrap();
        assert_eq!((updates[0].old, updates[0].new), (None, sha1(&a)));
    }

    /// Found by fuzzing: a line without a ref name (or with a control character in it) was
    /// taken as an update of some other ref and let through unchecked.
    #[test]
    fn a_line_without_a_ref_name_is_refused() {
        let (a, zero) = ("1".repeat(40), "0".repeat(40));
        for (format, input) in [
            (PushInput::PreReceive, format!("{zero} {a} ")),
            (PushInput::PreReceive, format!("{zero} {a} refs/heads/main\tx")),
            (PushInput::PrePush, format!("x {a}  {zero}")),
        ] {
            let e = format.parse(&input, sha1).unwrap_err();
            assert!(
                e.message.contains("line") && e.message.contains("names no ref"),
                "{}",
                e.message
            );
        }
    }
}

/// Long run: `PROPTEST_CASES=100000 cargo test --release --bin git-hotfix push_rules::fuzz`
/// (see `src/fuzz.rs`).
#[cfg(test)]
mod fuzz {
    use super::*;
    use crate::fuzz::{config, text};
    use proptest::prelude::*;

    /// A SHA-1 repository's reading of an id.
    fn sha1(hex: &str) -> Option<ObjectId> {
        (hex.len() == 40).then(|| ObjectId::from_hex(hex.as_bytes()).ok()).flatten()
    }

    fn hex(id: Option<ObjectId>) -> String {
        id.map_or_else(|| "0".repeat(40), |id| id.to_string())
    }

    fn id() -> impl Strategy<Value = Option<ObjectId>> {
        let some = any::<[u8; 20]>()
            .prop_filter("not the null id", |b| b.iter().any(|&x| x != 0))
            .prop_map(|b| Some(ObjectId::from_bytes_or_panic(&b)));
        prop_oneof![1 => Just(None), 3 => some]
    }

    /// A full ref name as Git writes it: no spaces, no control characters.
    fn ref_name() -> impl Strategy<Value = String> {
        let kind = prop::sample::select(vec!["refs/heads/", "refs/tags/", "refs/notes/"]);
        (kind, "([a-z0-9._-]|é|𝄞){1,12}(/[a-z0-9._-]{1,12}){0,3}")
            .prop_map(|(k, n)| k.to_owned() + &n)
    }

    /// What the user typed as the local side of a refspec: anything on one line.
    fn local_ref() -> impl Strategy<Value = String> {
        text().prop_map(|t| t.replace('\n', " "))
    }

    type Update = (String, Option<ObjectId>, Option<ObjectId>);

    fn updates() -> impl Strategy<Value = Vec<(String, Update)>> {
        prop::collection::vec((local_ref(), (ref_name(), id(), id())), 0..8)
    }

    fn line(format: PushInput, local: &str, (name, old, new): &Update) -> String {
        match format {
            PushInput::PrePush => format!("{local} {} {name} {}", hex(*new), hex(*old)),
            PushInput::PreReceive => format!("{} {} {name}", hex(*old), hex(*new)),
        }
    }

    fn format() -> impl Strategy<Value = PushInput> {
        prop_oneof![Just(PushInput::PrePush), Just(PushInput::PreReceive)]
    }

    /// Lines joined as Git would, with the freedoms a reader must allow: `\r\n`, blank lines,
    /// no final newline. Returns the text and the 1-based number of each line.
    fn join(lines: &[String], crlf: bool, blank: &[bool], final_eol: bool) -> (String, Vec<usize>) {
        let eol = if crlf { "\r\n" } else { "\n" };
        let (mut out, mut numbers) = (String::new(), Vec::new());
        let mut number = 1;
        for (i, line) in lines.iter().enumerate() {
            if blank.get(i).copied().unwrap_or(false) {
                out.push_str(eol);
                number += 1;
            }
            out.push_str(line);
            numbers.push(number);
            number += 1;
            if i + 1 < lines.len() || final_eol {
                out.push_str(eol);
            }
        }
        (out, numbers)
    }

    /// A line Git never writes, and why.
    fn malformed(format: PushInput) -> impl Strategy<Value = String> {
        let good = || (id(), id(), ref_name());
        let word = "[^ \n]{1,40}".prop_filter("not blank", |w| !w.trim().is_empty());
        prop_oneof![
            // Too few fields.
            word.clone(),
            (word.clone(), word).prop_map(|(a, b)| format!("{a} {b}")),
            // An id that is not a full SHA-1 id.
            (good(), "[0-9a-f]{0,39}|[0-9a-f]{41,70}|[0-9a-f]{0,39}[g-z ]?[0-9a-f]{0,39}")
                .prop_filter("not a full id", |(_, bad)| sha1(bad).is_none() && bad.len() != 40)
                .prop_map(move |((old, _, name), bad)| match format {
                    PushInput::PrePush => format!("x {bad} {name} {}", hex(old)),
                    PushInput::PreReceive => format!("{bad} {} {name}", hex(old)),
                }),
            // A SHA-256 id in a SHA-1 repository.
            (good(), "[0-9a-f]{64}").prop_map(move |((old, _, name), long)| {
                line(format, "x", &(name, old, ObjectId::from_hex(long.as_bytes()).ok()))
                    .replace(&hex(old), &long)
            }),
            // No ref name, or one with whitespace or control characters.
            (good(), prop::sample::select(vec!["", "\t", "\r", "\x0b", "\x1b", "\u{85}"]))
                .prop_map(move |((old, new, name), junk)| {
                    let name = if junk.is_empty() { String::new() } else { name + junk + "x" };
                    line(format, "x", &(name, old, new))
                }),
        ]
    }

    proptest! {
        #![proptest_config(config(512))]

        #[test]
        fn never_panics(format in format(), input in text()) {
            let _ = format.parse(&input, sha1);
        }

        #[test]
        fn lines_git_writes_are_read_back(
            format in format(),
            updates in updates(),
            crlf: bool,
            blank in prop::collection::vec(any::<bool>(), 8),
            final_eol: bool,
        ) {
            let lines: Vec<String> = updates.iter().map(|(l, u)| line(format, l, u)).collect();
            let (input, _) = join(&lines, crlf, &blank, final_eol);
            let parsed = format.parse(&input, sha1).map_err(|e| e.message).unwrap();
            let parsed: Vec<Update> =
                parsed.into_iter().map(|u| (u.remote_ref, u.old, u.new)).collect();
            let want: Vec<Update> = updates.into_iter().map(|(_, u)| u).collect();
            prop_assert_eq!(parsed, want);
        }

        #[test]
        fn a_malformed_line_is_refused_by_number(
            (format, bad) in format().prop_flat_map(|f| (Just(f), malformed(f))),
            updates in updates(),
            at: prop::sample::Index,
            crlf: bool,
            blank in prop::collection::vec(any::<bool>(), 9),
        ) {
            let mut lines: Vec<String> = updates.iter().map(|(l, u)| line(format, l, u)).collect();
            let at = at.index(lines.len() + 1);
            lines.insert(at, bad.clone());
            let (input, numbers) = join(&lines, crlf, &blank, true);
            let Err(e) = format.parse(&input, sha1) else {
                return Err(TestCaseError::fail(format!("accepted {bad:?}")));
            };
            prop_assert!(e.message.starts_with(&format!("{}: line {} of", format.hook(), numbers[at])), "{}", e.message);
        }
    }
}
