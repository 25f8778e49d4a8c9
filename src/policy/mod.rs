//! The hotfix process as pure rules over commits and refs.
//!
//! Nothing here opens a repository, spawns a process or prints: the rules take a [`Graph`]
//! and names, and return [`Violation`]s as data, all of them, so that the caller can show every
//! problem at once. `repo` implements the graph with gix; the tests use an in-memory one.

pub mod ancestry;
pub mod backmerge;
pub mod graph;
pub mod history;
pub mod message;
pub mod naming;
pub mod protect;
pub mod size;
pub mod topology;

pub use graph::{Diff, Graph};
pub use naming::Naming;

use serde::Serialize;
use std::fmt;

/// The rules of SPEC, by number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Rule {
    R1,
    R2,
    R3,
    R4,
    R5,
    R6,
    R7,
    R8,
}

impl Rule {
    /// The rule's short title, as the README lists it.
    pub fn title(self) -> &'static str {
        match self {
            Rule::R1 => "naming",
            Rule::R2 => "base",
            Rule::R3 => "main topology",
            Rule::R4 => "development back-merge",
            Rule::R5 => "protected branches",
            Rule::R6 => "minimal changes",
            Rule::R7 => "sync",
            Rule::R8 => "order",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:?} {}", self.title())
    }
}

/// Whether a finding blocks the operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// The commit a finding is about, as people recognise it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommitRef {
    pub id: String,
    pub subject: String,
}

impl CommitRef {
    pub fn of<G: Graph>(graph: &G, id: G::Id) -> Result<Self, G::Error> {
        Ok(Self { id: graph.short(id), subject: graph.subject(id)? })
    }
}

/// `abc1234 "Subject of the commit"`, for messages.
impl fmt::Display for CommitRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} \"{}\"", self.id, self.subject)
    }
}

/// One broken rule: what, where, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    pub rule: Rule,
    pub severity: Severity,
    /// The ref the finding is about (`main`, `hotfix/x`, `refs/heads/development`).
    #[serde(rename = "ref")]
    pub reference: String,
    pub commit: Option<CommitRef>,
    pub message: String,
    pub fix: String,
}

impl Violation {
    pub fn error(rule: Rule, reference: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            rule,
            severity: Severity::Error,
            reference: reference.into(),
            commit: None,
            message: message.into(),
            fix: String::new(),
        }
    }

    pub fn warning(rule: Rule, reference: impl Into<String>, message: impl Into<String>) -> Self {
        Self { severity: Severity::Warning, ..Self::error(rule, reference, message) }
    }

    pub fn at(mut self, commit: CommitRef) -> Self {
        self.commit = Some(commit);
        self
    }

    pub fn fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = fix.into();
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The two long-lived branches as the checks see them, with their names for messages.
#[derive(Debug, Clone, Copy)]
pub struct Trunks<'a, Id> {
    pub main: Id,
    pub main_name: &'a str,
    pub development: Option<Id>,
    pub development_name: &'a str,
}
