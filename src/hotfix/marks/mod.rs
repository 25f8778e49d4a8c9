//! The checklist items no repository can know (was it tested, is production fine), marked by
//! hand and shared with the team through the remote; and what the commands record about each
//! hotfix in this clone.
//!
//! Marks are Git notes under `refs/notes/hotfix`: one note per hotfix, attached to a blob whose
//! content is the branch name (`hotfix/x` and a newline, so every clone computes the same id).
//! A note is a log, one event a line, only ever appended to:
//!
//! ```text
//! tested-locally mark 1764763200.123456789 Alice Smith <alice@example.com>
//! tested-locally undo 1764766800.000000000 Bob <bob@example.com>
//! * start 1764770400.000000000 Carol <carol@example.com>
//! ```
//!
//! An item's state is its newest event; `* start` says a new hotfix took the name, and every
//! earlier mark belongs to another incident. Lines are never rewritten, so two clones' notes merge
//! with `git notes merge -s cat_sort_uniq` (the union of their lines): nobody's mark is lost. The
//! remote's notes are fetched to `refs/notes/remotes/<remote>/hotfix`, never forced over the
//! local ref, merged into it, and the local ref is pushed without force.
//!
//! Earlier versions kept the marks in the local Git config, `hotfix-checklist.<branch>.<item>`;
//! those still count, as marks older than any note. The same section keeps facts of this clone:
//! `hotfix-checklist.<branch>.base` (the commit `start` cut it from) and `.tip` (its last known
//! tip, so that its checklist still works once the branch is deleted). A subsection may hold `/`
//! and `.`, so the branch name is stored as is.

mod remote;

pub use remote::{Shared, Sync, pending, refspec, restart, share, share_command, sync};

use crate::config::{GitConfig, git_bool};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::hotfix::steps::has_remote;
use crate::repo::Repo;
use crate::spawn::Git;
use gix::ObjectId;
use remote::reason;
use serde::Serialize;
use std::collections::HashSet;
use std::time::{SystemTime, UNIX_EPOCH};

const SECTION: &str = "hotfix-checklist";
/// Where the marks are kept, here and on the remote.
pub const NOTES: &str = "refs/notes/hotfix";
const NANOS: i128 = 1_000_000_000;

/// The checklist items people tick by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ManualItem {
    /// The issue was confirmed in production
    ConfirmedInProduction,
    /// The fix was tested locally
    TestedLocally,
    /// The production deployment was monitored
    DeploymentMonitored,
    /// The fix was verified in production
    VerifiedInProduction,
    /// A post-mortem is scheduled (if needed)
    PostMortem,
}

impl ManualItem {
    pub const ALL: [Self; 5] = [
        Self::ConfirmedInProduction,
        Self::TestedLocally,
        Self::DeploymentMonitored,
        Self::VerifiedInProduction,
        Self::PostMortem,
    ];

    /// The name on the command line, in JSON, in notes and in Git config.
    pub fn id(self) -> &'static str {
        match self {
            Self::ConfirmedInProduction => "confirmed-in-production",
            Self::TestedLocally => "tested-locally",
            Self::DeploymentMonitored => "deployment-monitored",
            Self::VerifiedInProduction => "verified-in-production",
            Self::PostMortem => "post-mortem",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Self::ConfirmedInProduction => "Issue confirmed in production",
            Self::TestedLocally => "Tested locally",
            Self::DeploymentMonitored => "Production deployment monitored",
            Self::VerifiedInProduction => "Fix verified in production",
            Self::PostMortem => "Post-mortem scheduled (if needed)",
        }
    }

    fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|item| item.id() == id)
    }
}

/// Who made a mark, as Git names people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    pub name: String,
    pub email: String,
}

impl Person {
    /// Git's identity for commits here (`user.name` and `user.email`, or Git's environment
    /// variables that override them), never guessed from the host name.
    pub fn current() -> Result<Self> {
        let out =
            Git::here().output(&["-c", "user.useConfigOnly=true", "var", "GIT_COMMITTER_IDENT"])?;
        let ident = String::from_utf8_lossy(&out.stdout);
        let found = ident.rsplit_once('>').and_then(|(who, _)| Self::parse(&format!("{who}>")));
        match found.filter(|_| out.status.success()) {
            Some(person) => Ok(person),
            None => Err(Error::env(
                "a checklist mark says who made it, and Git does not know who you are: user.email or user.name is not set",
            )
            .hint("set them: git config user.email you@example.com && git config user.name \"Your Name\"")
            .hint("add --global to set them for every repository")),
        }
    }

    /// `Name <email>`.
    fn parse(text: &str) -> Option<Self> {
        let (name, rest) = text.trim().rsplit_once('<')?;
        let email = rest.strip_suffix('>')?.trim();
        let name = name.trim();
        (!email.is_empty() && !email.contains(['<', '>'])).then(|| Self {
            name: if name.is_empty() { email } else { name }.to_owned(),
            email: email.to_owned(),
        })
    }

    fn shown(&self) -> String {
        let clean = |s: &str| -> String {
            let s: String = s
                .chars()
                .map(|c| if c.is_control() || "<>".contains(c) { ' ' } else { c })
                .collect();
            s.split_whitespace().collect::<Vec<_>>().join(" ")
        };
        let email = clean(&self.email).replace(' ', "");
        format!("{} <{email}>", clean(&self.name))
    }
}

/// What an event does to the checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Mark,
    Undo,
    /// A new hotfix took the name: every earlier mark is void.
    Start,
}

impl Action {
    fn word(self) -> &'static str {
        match self {
            Self::Mark => "mark",
            Self::Undo => "undo",
            Self::Start => "start",
        }
    }
}

/// Where a mark was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// In the notes the remote has too (as last fetched).
    Shared,
    /// In this clone's notes only: not pushed yet, or there is no remote.
    Local,
    /// In this clone's Git config, where versions before the notes kept marks.
    Config,
}

/// One line of a note, or a mark from Git config.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Event {
    /// `None`: every item (`* start`).
    item: Option<ManualItem>,
    action: Action,
    /// Nanoseconds since the epoch; 0 for a mark kept in Git config.
    at: i128,
    who: Option<Person>,
    source: Source,
    /// As written (orders events made at the same instant the same way in every clone).
    line: String,
}

impl Event {
    /// `<item> <action> <seconds>.<nanoseconds> <name> <<email>>`; `None` for a line that is
    /// not one (a later version's, or one edited by hand).
    fn parse(line: &str) -> Option<Self> {
        let line = line.trim();
        let (item, rest) = line.split_once(' ')?;
        let (action, rest) = rest.trim_start().split_once(' ')?;
        let (at, who) = rest.trim_start().split_once(' ')?;
        let item = if item == "*" { None } else { Some(ManualItem::from_id(item)?) };
        let action = match (action, item) {
            ("mark", Some(_)) => Action::Mark,
            ("undo", Some(_)) => Action::Undo,
            ("start", None) => Action::Start,
            _ => return None,
        };
        Some(Self {
            item,
            action,
            at: parse_stamp(at)?,
            who: Some(Person::parse(who)?),
            source: Source::Local,
            line: line.to_owned(),
        })
    }

    fn line(item: Option<ManualItem>, action: Action, at: i128, who: &Person) -> String {
        let item = item.map_or("*", ManualItem::id);
        let (secs, nanos) = (at.div_euclid(NANOS), at.rem_euclid(NANOS));
        format!("{item} {} {secs}.{nanos:09} {}", action.word(), who.shown())
    }

    /// Whether it decides `item`'s state.
    fn concerns(&self, item: Option<ManualItem>) -> bool {
        item.is_none() || self.item.is_none() || self.item == item
    }
}

/// `<seconds>[.<fraction>]` since the epoch, in nanoseconds.
fn parse_stamp(text: &str) -> Option<i128> {
    let (secs, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if secs.is_empty()
        || secs.len() > 15
        || fraction.len() > 9
        || !digits(secs)
        || !digits(fraction)
    {
        return None;
    }
    let nanos = format!("{fraction:0<9}").parse::<i128>().ok()?;
    Some(secs.parse::<i128>().ok()? * NANOS + nanos)
}

fn now() -> i128 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as i128)
}

/// An item's state, from its newest event: who marked it and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marked {
    /// `None` for a mark kept in Git config, which says no more than that.
    pub by: Option<Person>,
    /// Seconds since the epoch, `None` for a mark kept in Git config.
    pub at: Option<i64>,
    pub source: Source,
}

/// One hotfix's marks: this clone's notes, the remote's as last fetched, and Git config.
pub struct Checklist {
    branch: String,
    events: Vec<Event>,
    /// This clone's note as it is: what a new event is appended to.
    local: String,
}

impl Checklist {
    pub fn load(ctx: &Context, branch: &str) -> Result<Self> {
        let subject = ctx.repo.blob_id(format!("{branch}\n").as_bytes())?.to_string();
        let local = note(NOTES, &subject)?;
        let remote = if has_remote(ctx) { note(&tracking(ctx), &subject)? } else { String::new() };
        let mut checklist = Self::from_notes(branch, &local, &remote);
        for item in ManualItem::ALL {
            let marked = ctx.repo.config_string(&key(branch, item.id()));
            if marked.as_deref().and_then(git_bool) == Some(true) {
                checklist.events.push(Event {
                    item: Some(item),
                    action: Action::Mark,
                    at: 0,
                    who: None,
                    source: Source::Config,
                    line: String::new(),
                });
            }
        }
        Ok(checklist)
    }

    fn from_notes(branch: &str, local: &str, remote: &str) -> Self {
        let shared: HashSet<&str> = remote.lines().map(str::trim).collect();
        let mut seen = HashSet::new();
        let events = local
            .lines()
            .chain(remote.lines())
            .map(str::trim)
            .filter(|line| seen.insert(*line))
            .filter_map(|line| {
                let mut event = Event::parse(line)?;
                event.source = if shared.contains(line) { Source::Shared } else { Source::Local };
                Some(event)
            })
            .collect();
        Self { branch: branch.to_owned(), events, local: local.to_owned() }
    }

    /// The newest event about `item` (`None`: about any item).
    fn newest(&self, item: Option<ManualItem>) -> Option<&Event> {
        self.events
            .iter()
            .filter(|e| e.concerns(item))
            .max_by(|a, b| (a.at, &a.line).cmp(&(b.at, &b.line)))
    }

    /// Who marked `item` and when; `None` when it is not marked.
    pub fn marked(&self, item: ManualItem) -> Option<Marked> {
        let event = self.newest(Some(item)).filter(|e| e.action == Action::Mark)?;
        Some(Marked {
            by: event.who.clone(),
            at: (event.at > 0).then(|| event.at.div_euclid(NANOS) as i64),
            source: event.source,
        })
    }

    /// Whether any item is marked.
    pub fn any_marked(&self) -> bool {
        ManualItem::ALL.into_iter().any(|item| self.marked(item).is_some())
    }

    /// Appends an event to this clone's note for the hotfix (`item` `None`: a new hotfix of
    /// the name starts). It is newer than every event seen, even with a clock behind others':
    /// what a person undoes is what they saw.
    pub fn record(&self, item: Option<ManualItem>, action: Action, who: &Person) -> Result<()> {
        let after = self.newest(item).map_or(0, |e| e.at + 1_000);
        let line = Event::line(item, action, now().max(after), who);
        let subject = write_subject(&self.branch)?;
        let mut text = self.local.trim_end().to_owned();
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(&line);
        text.push('\n');
        let notes = format!("--ref={NOTES}");
        Git::here().run_with_input(
            &["notes", &notes, "add", "--force", "--file=-", &subject],
            text.as_bytes(),
        )?;
        // An earlier version's mark in Git config is superseded by the note.
        let items = item.map_or(ManualItem::ALL.to_vec(), |item| vec![item]);
        for item in items {
            Git::here().succeeds(&[
                "config",
                "--local",
                "--unset",
                &key(&self.branch, item.id()),
            ])?;
        }
        Ok(())
    }
}

/// Writes the blob the notes of `branch` are attached to, and returns its id.
fn write_subject(branch: &str) -> Result<String> {
    let args = ["hash-object", "-t", "blob", "-w", "--stdin"];
    Ok(Git::here().run_with_input(&args, format!("{branch}\n").as_bytes())?.trim().to_owned())
}

/// The note on `subject` in `notes_ref`; empty when there is none.
fn note(notes_ref: &str, subject: &str) -> Result<String> {
    let out = Git::here().output(&["notes", &format!("--ref={notes_ref}"), "show", subject])?;
    match out.status.code() {
        Some(0) => Ok(String::from_utf8_lossy(&out.stdout).into_owned()),
        Some(1) => Ok(String::new()), // no note
        _ => Err(Error::env(format!(
            "could not read the checklist marks in {notes_ref}: {}",
            reason(&out.stderr)
        ))),
    }
}

/// Where the remote's marks are fetched to.
fn tracking(ctx: &Context) -> String {
    format!("refs/notes/remotes/{}/hotfix", ctx.config.remote)
}

/// A commit recorded for `branch` under `name` (`base`, `tip`), if it is still in the
/// repository.
pub fn recorded_commit(repo: &Repo, branch: &str, name: &str) -> Option<ObjectId> {
    let hex = repo.config_string(&key(branch, name))?;
    repo.parse_id(hex.trim()).filter(|&id| repo.has_object(id))
}

/// Remembers the tip of `branch` so that `status` still finds the hotfix after the branch is
/// deleted (`cleanup` calls this before deleting).
pub fn record_tip(branch: &str, tip: ObjectId) -> Result<()> {
    write(branch, "tip", &tip.to_string())
}

/// A new hotfix called `branch` starts at `base`: drop whatever an earlier branch of the same
/// name left behind in config (its ticks belong to another incident; see [`restart`] for the
/// shared ones) and record where this one starts.
pub fn record_start(branch: &str, base: ObjectId) -> Result<()> {
    let section = format!("{SECTION}.{branch}");
    // Fails when there is no such section, which is the usual case.
    Git::here().succeeds(&["config", "--local", "--remove-section", &section])?;
    write(branch, "base", &base.to_string())
}

fn key(branch: &str, name: &str) -> String {
    format!("{SECTION}.{branch}.{name}")
}

fn write(branch: &str, name: &str, value: &str) -> Result<()> {
    Git::here().run(&["config", "--local", &key(branch, name), value]).map(drop)
}

#[cfg(test)]
mod tests {
    use super::ManualItem::{PostMortem, TestedLocally};
    use super::*;

    fn alice() -> Person {
        Person { name: "Alice Smith".into(), email: "alice@example.com".into() }
    }

    #[test]
    fn an_event_is_one_line_that_reads_back() {
        let at = 1_764_763_200_123_456_789;
        let line = Event::line(Some(TestedLocally), Action::Mark, at, &alice());
        assert_eq!(
            line,
            "tested-locally mark 1764763200.123456789 Alice Smith <alice@example.com>"
        );
        let event = Event::parse(&line).unwrap();
        assert_eq!(
            (event.item, event.action, event.at, event.who),
            (Some(TestedLocally), Action::Mark, at, Some(alice()))
        );
        let start = Event::line(None, Action::Start, 5 * NANOS, &alice());
        assert_eq!(start, "* start 5.000000000 Alice Smith <alice@example.com>");
        assert_eq!(Event::parse(&start).map(|e| (e.item, e.action)), Some((None, Action::Start)));
    }

    #[test]
    fn lines_that_are_not_events_are_ignored() {
        for line in [
            "",
            "tested-locally",
            "tested-locally mark",
            "tested-locally mark 12 Alice",
            "tested-locally mark 12 A <>",
            "deployed mark 12 A <a@x>",
            "* mark 12 A <a@x>",
            "tested-locally start 12 A <a@x>",
            "tested-locally mark -12 A <a@x>",
            "tested-locally mark 12. A <a@x>x",
            "tested-locally mark 1.2345678901 A <a@x>",
            "tested-locally mark 9999999999999999 A <a@x>",
            "Notes added by 'git notes add'",
        ] {
            assert!(Event::parse(line).is_none(), "{line:?}");
        }
        // Seconds alone, and a short fraction, are times too.
        assert_eq!(Event::parse("post-mortem undo 12 A <a@x>").unwrap().at, 12 * NANOS);
        let half = Event::parse("post-mortem undo 12.5 A <a@x>").unwrap();
        assert_eq!(half.at, 12 * NANOS + 500_000_000);
        // A name is optional.
        let who = Event::parse("post-mortem undo 12 <a@x>").unwrap().who.unwrap();
        assert_eq!((who.name.as_str(), who.email.as_str()), ("a@x", "a@x"));
    }

    #[test]
    fn names_that_would_break_a_line_are_cleaned() {
        let odd = Person { name: "Eve <x>\nline\r".into(), email: "e ve@ex>ample.com".into() };
        let line = Event::line(Some(PostMortem), Action::Mark, NANOS, &odd);
        assert_eq!(line.lines().count(), 1, "{line:?}");
        let who = Event::parse(&line).unwrap().who.unwrap();
        assert_eq!(who, Person { name: "Eve x line".into(), email: "eve@example.com".into() });
    }

    #[test]
    fn the_newest_event_decides_whatever_the_order_of_the_lines() {
        let local = "tested-locally mark 20 Alice <a@x>\npost-mortem mark 10 Alice <a@x>\n";
        let remote = "tested-locally undo 30 Bob <b@x>\npost-mortem mark 10 Alice <a@x>\n";
        let both = Checklist::from_notes("hotfix/x", local, remote);
        assert_eq!(both.marked(TestedLocally), None);
        let marked = both.marked(PostMortem).unwrap();
        assert_eq!(marked.by.map(|p| p.name), Some("Alice".to_owned()));
        assert_eq!((marked.at, marked.source), (Some(10), Source::Shared));
        // Sorted and merged (what cat_sort_uniq leaves) they say the same.
        let mut lines: Vec<&str> = local.lines().chain(remote.lines()).collect();
        lines.sort();
        lines.dedup();
        let merged = Checklist::from_notes("hotfix/x", &lines.join("\n"), "");
        assert_eq!(merged.marked(TestedLocally), None);
        assert_eq!(merged.marked(PostMortem).map(|m| m.source), Some(Source::Local));
        // A later mark wins over the undo; a start voids every earlier mark.
        let again = format!("{local}tested-locally mark 40 Carol <c@x>\n");
        let again = Checklist::from_notes("hotfix/x", &again, remote);
        assert_eq!(again.marked(TestedLocally).and_then(|m| m.by).unwrap().name, "Carol");
        assert!(both.any_marked());
        let restarted =
            Checklist::from_notes("hotfix/x", &format!("{local}* start 35 D <d@x>"), remote);
        assert!(!restarted.any_marked());
        assert_eq!(restarted.newest(Some(TestedLocally)).unwrap().action, Action::Start);
    }

    #[test]
    fn events_at_the_same_instant_are_ordered_the_same_in_every_clone() {
        let (a, b) = ("tested-locally mark 10 Alice <a@x>", "tested-locally undo 10 Bob <b@x>");
        let one = Checklist::from_notes("h", &format!("{a}\n{b}"), "");
        let two = Checklist::from_notes("h", b, a);
        assert_eq!(
            one.marked(TestedLocally).map(|m| m.at),
            two.marked(TestedLocally).map(|m| m.at)
        );
    }
}

/// Long run: `PROPTEST_CASES=100000 cargo test --release --bin git-hotfix marks::fuzz`
/// (see `src/fuzz.rs`).
#[cfg(test)]
mod fuzz {
    use super::*;
    use crate::fuzz::{config, text};
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(config(512))]

        #[test]
        fn never_panics(local in text(), remote in text()) {
            let checklist = Checklist::from_notes("hotfix/x", &local, &remote);
            for item in ManualItem::ALL {
                let _ = checklist.marked(item);
            }
        }

        #[test]
        fn what_is_written_reads_back(
            name in text(),
            email in text(),
            at in 0..1_000_000_000_000_000 * NANOS,
            item in 0..6usize,
            undo in any::<bool>(),
        ) {
            let item = ManualItem::ALL.get(item).copied();
            let action = match (item, undo) {
                (None, _) => Action::Start,
                (Some(_), true) => Action::Undo,
                (Some(_), false) => Action::Mark,
            };
            let who = Person { name, email };
            let line = Event::line(item, action, at, &who);
            prop_assert_eq!(line.lines().count(), 1);
            match Event::parse(&line) {
                Some(event) => prop_assert_eq!((event.item, event.action, event.at), (item, action, at)),
                None => prop_assert!(line.ends_with("<>"), "{}", line),
            }
        }
    }
}
