//! The one error type every command returns, and the exit code it maps to.
//!
//! Exit codes follow SPEC: 1 means "a rule was broken or the operation was refused to protect
//! work" (a verdict), 2 means "could not decide" (usage, configuration, environment).

use std::fmt;

/// Why a command stopped without success.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A rule was broken, or the operation was refused to protect the user's work: exit 1.
    Refused,
    /// Usage, configuration or environment problem: exit 2.
    Environment,
}

/// An error with the sentence a tired on-call engineer reads first, and the hints that say what
/// to do next.
#[derive(Debug)]
pub struct Error {
    pub kind: Kind,
    pub message: String,
    pub hints: Vec<String>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The operation was refused (exit 1).
    pub fn refused(message: impl Into<String>) -> Self {
        Self { kind: Kind::Refused, message: message.into(), hints: Vec::new() }
    }

    /// Usage, configuration or environment error (exit 2).
    pub fn env(message: impl Into<String>) -> Self {
        Self { kind: Kind::Environment, message: message.into(), hints: Vec::new() }
    }

    /// The error with what to do when the message is one of the repository's own failures that
    /// no step anticipates: an object missing from the database (a corrupt or incomplete clone),
    /// a full disk, a read-only one.
    pub fn explained(self) -> Self {
        let text = self.message.to_ascii_lowercase();
        let missing =
            ["object could not be found", "not found in the object database", "object not found"];
        if missing.iter().any(|m| text.contains(m)) {
            return self
                .hint(
                    "the repository is missing an object: it is corrupt or was cloned incompletely",
                )
                .hint("see what is wrong: git fsck --connectivity-only")
                .hint("objects the remote has come back with: git fetch --refetch <remote>");
        }
        if text.contains("no space left on device") || text.contains("out of diskspace") {
            return self.hint(
                "the disk is full: free some space (df -h .), then run the same command again",
            );
        }
        if text.contains("read-only file system") {
            return self.hint(
                "the repository is on a read-only file system: nothing could be written there",
            );
        }
        self
    }

    /// Adds a line telling the user how to get out of this.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    pub fn exit_code(&self) -> u8 {
        match self.kind {
            Kind::Refused => 1,
            Kind::Environment => 2,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// Renders an error from a library together with its causes on one line, because gix's
/// `Display` shows only the outermost message.
pub fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = cause.source();
    }
    out
}
