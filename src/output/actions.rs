//! What GitHub Actions shows besides the log: each finding as a workflow command annotation
//! (`::error title=…::…`) and the run's result as a Markdown table in the job summary.
//!
//! Workflow commands are read line by line, with `::` and `,` as separators, so text is
//! escaped as GitHub's toolkit does: in the message `%`, CR and LF; in a property also `:`
//! and `,`. Otherwise a subject with a newline would end the command early and let the rest
//! be read as a new command.

use crate::policy::{Severity, Violation};
use std::io::Write;
use std::path::Path;

/// Shows `findings` to GitHub Actions: annotations on standard output (standard error when
/// standard output carries JSON), and the summary appended to `summary_file`
/// (`$GITHUB_STEP_SUMMARY`). A summary that cannot be written is a warning: the verdict is the
/// exit status, not the summary.
pub fn report(verdict: &str, findings: &[Violation], json: bool, summary_file: Option<&Path>) {
    for v in findings {
        if json { super::note(annotation(v)) } else { super::say(annotation(v)) }
    }
    let Some(path) = summary_file else { return };
    let written = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .and_then(|mut f| f.write_all(summary(verdict, findings).as_bytes()));
    if let Err(e) = written {
        super::warn(format!("cannot write the job summary to {}: {e}", path.display()));
    }
}

/// A message of a workflow command.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A property value of a workflow command (`title=…`).
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// One finding as an `::error` (or `::warning`) annotation: the rule as its title; the
/// message, the commit and the fix as its lines.
pub fn annotation(v: &Violation) -> String {
    let command = match v.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut message = v.message.clone();
    if let Some(commit) = &v.commit {
        message.push_str(&format!("\ncommit: {} {}", commit.id, commit.subject));
    }
    if !v.fix.is_empty() {
        message.push_str(&format!("\nfix: {}", v.fix));
    }
    format!("::{command} title={}::{}", escape_property(&v.rule.to_string()), escape_data(&message))
}

/// The job summary: a heading with the verdict, then one table row per finding.
pub fn summary(verdict: &str, findings: &[Violation]) -> String {
    let mut out = format!("### git hotfix verify: {}\n\n", cell(verdict));
    if findings.is_empty() {
        return out;
    }
    out.push_str("| | rule | commit | problem | fix |\n|---|---|---|---|---|\n");
    for v in findings {
        let mark = if v.is_error() { "❌" } else { "⚠️" };
        let commit = v
            .commit
            .as_ref()
            .map_or_else(|| cell(&v.reference), |c| format!("`{}` {}", c.id, cell(&c.subject)));
        out.push_str(&format!(
            "| {mark} | {} | {commit} | {} | {} |\n",
            v.rule,
            cell(&v.message),
            cell(&v.fix)
        ));
    }
    out.push('\n');
    out
}

/// Text as one table cell, shown as written: `|` would end it, a newline the row, `<…>`
/// would be taken for HTML (a `hotfix/<desc>` would vanish), and `*`, `_`, `[`, `]` and
/// backquotes for Markdown (a pattern like `^[a-z]+(-[a-z]+)*$` would lose its star).
fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '|' | '*' | '_' | '[' | ']' | '`' => {
                out.push('\\');
                out.push(c);
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => out.push_str("<br>"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{CommitRef, Rule};

    #[test]
    fn escapes_as_the_actions_toolkit_does() {
        assert_eq!(escape_data("50%\r\nnext: a, b"), "50%25%0D%0Anext: a, b");
        assert_eq!(escape_property("R3 a: b, 100%"), "R3 a%3A b%2C 100%25");
    }

    #[test]
    fn an_annotation_is_one_line_whatever_the_subject() {
        let v = Violation::error(Rule::R3, "main", "9cb9760 is not a merge commit")
            .at(CommitRef { id: "9cb9760".into(), subject: "Fix: 100%\n::error::forged".into() })
            .fix("merge with --no-ff");
        let line = annotation(&v);
        assert_eq!(
            line,
            "::error title=R3 main topology::9cb9760 is not a merge commit%0Acommit: 9cb9760 \
             Fix: 100%25%0A::error::forged%0Afix: merge with --no-ff"
        );
        assert!(!line.contains('\n'));
        let w = Violation::warning(Rule::R6, "hotfix/x", "12 files");
        assert_eq!(annotation(&w), "::warning title=R6 minimal changes::12 files");
    }

    #[test]
    fn the_summary_is_a_table_that_survives_any_text() {
        let v = Violation::error(Rule::R1, "hotfix/A|B", "name it hotfix/<desc>\r\nnot *A_B*")
            .fix("git branch -m a b");
        let text = summary("1 violation in 2 commits checked", &[v]);
        assert!(text.starts_with("### git hotfix verify: 1 violation in 2 commits checked\n"));
        assert!(text.contains(
            "| ❌ | R1 naming | hotfix/A\\|B | name it hotfix/&lt;desc&gt;<br>not \\*A\\_B\\* | git branch -m a b |"
        ), "{text}");
        assert!(!summary("no violations", &[]).contains('|'));
    }
}
