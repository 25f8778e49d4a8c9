//! R6: a hotfix stays small.

use super::{Rule, Violation};
use serde::Serialize;

/// How much a hotfix changes against its merge base with main.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DiffSize {
    pub files: u64,
    pub insertions: u64,
    pub deletions: u64,
}

impl DiffSize {
    pub fn lines(&self) -> u64 {
        self.insertions + self.deletions
    }
}

/// The thresholds and whether breaking them blocks.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_files: u64,
    pub max_lines: u64,
    pub enforce: bool,
}

/// R6: a finding when `size` exceeds a limit; an error only when the team enforces it.
pub fn check(branch: &str, size: DiffSize, limits: Limits) -> Option<Violation> {
    if size.files <= limits.max_files && size.lines() <= limits.max_lines {
        return None;
    }
    let message = format!(
        "'{branch}' changes {} file(s) and {} line(s); a hotfix stays within {} files and {} lines",
        size.files,
        size.lines(),
        limits.max_files,
        limits.max_lines
    );
    let fix = "keep only what the incident needs; move the rest to a normal pull request into development";
    let v = if limits.enforce {
        Violation::error(Rule::R6, branch, message)
    } else {
        Violation::warning(Rule::R6, branch, message)
    };
    Some(v.fix(fix))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Severity;

    const LIMITS: Limits = Limits { max_files: 2, max_lines: 10, enforce: false };

    #[test]
    fn within_limits_is_fine() {
        assert_eq!(
            check("hotfix/a", DiffSize { files: 2, insertions: 5, deletions: 5 }, LIMITS),
            None
        );
    }

    #[test]
    fn too_many_files_or_lines_warns_or_blocks() {
        let big = DiffSize { files: 3, insertions: 1, deletions: 0 };
        assert_eq!(check("hotfix/a", big, LIMITS).unwrap().severity, Severity::Warning);
        let long = DiffSize { files: 1, insertions: 6, deletions: 5 };
        let enforced = Limits { enforce: true, ..LIMITS };
        let v = check("hotfix/a", long, enforced).unwrap();
        assert_eq!((v.rule, v.severity), (Rule::R6, Severity::Error));
        assert!(v.message.contains("11 line(s)"), "{}", v.message);
    }
}
