//! All terminal output: human text (colour only on a terminal and never with `NO_COLOR`) and
//! JSON. A closed pipe (`git hotfix list | head`) ends the program quietly. In GitHub Actions,
//! also annotations and the job summary ([`actions`]).

pub mod actions;

use crate::error::Error;
use crate::policy::{Severity, Violation};
use serde::Serialize;
use std::fmt::Display;
use std::io::{IsTerminal, Write};

#[derive(Clone, Copy)]
pub enum Paint {
    Red,
    Green,
    Yellow,
    Bold,
    Dim,
}

fn colour_enabled(terminal: bool) -> bool {
    terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// `text` in `paint` when standard error is a terminal that accepts colour.
pub fn paint_err(paint: Paint, text: impl Display) -> String {
    paint_if(colour_enabled(std::io::stderr().is_terminal()), paint, text)
}

/// `text` in `paint` when standard output is a terminal that accepts colour.
pub fn paint_out(paint: Paint, text: impl Display) -> String {
    paint_if(colour_enabled(std::io::stdout().is_terminal()), paint, text)
}

fn paint_if(enabled: bool, paint: Paint, text: impl Display) -> String {
    if !enabled {
        return text.to_string();
    }
    let code = match paint {
        Paint::Red => "31",
        Paint::Green => "32",
        Paint::Yellow => "33",
        Paint::Bold => "1",
        Paint::Dim => "2",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

/// Writes `text` and a newline to standard output; a reader that went away ends us quietly.
pub fn say(text: impl Display) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{text}")
        && e.kind() == std::io::ErrorKind::BrokenPipe
    {
        std::process::exit(0);
    }
}

/// Writes a line to standard error (messages, progress, hook output).
pub fn note(text: impl Display) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

pub fn warn(text: impl Display) {
    note(format!("{} {text}", paint_err(Paint::Yellow, "warning:")));
}

/// Prints `value` as pretty JSON on standard output.
pub fn json<T: Serialize>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => say(text),
        Err(e) => note(format!("error: cannot render JSON: {e}")),
    }
}

/// Prints an error and its hints the way every command ends on failure.
pub fn error(err: &Error) {
    note(format!("{} {}", paint_err(Paint::Red, "error:"), err.message));
    for hint in &err.hints {
        note(format!("{} {hint}", paint_err(Paint::Dim, "hint:")));
    }
}

/// One finding as several lines: rule and message, the commit, the fix.
pub fn violation_text(v: &Violation, colour: impl Fn(Paint, &str) -> String) -> String {
    let label = match v.severity {
        Severity::Error => colour(Paint::Red, &format!("✗ {}", v.rule)),
        Severity::Warning => colour(Paint::Yellow, &format!("! {}", v.rule)),
    };
    let mut text = format!("{label}  {}", v.message);
    if let Some(commit) = &v.commit {
        text.push_str(&format!("\n    commit: {} {}", commit.id, commit.subject));
    }
    if !v.fix.is_empty() {
        text.push_str(&format!("\n    fix:    {}", v.fix));
    }
    text
}

/// Prints findings on standard error.
pub fn violations(list: &[Violation]) {
    for v in list {
        note(violation_text(v, |p, t| paint_err(p, t)));
    }
}

/// `bytes` as one `sh` word: single-quoted, each `'` written as `'\''`. Nothing is special
/// inside single quotes, so spaces, `$`, backquotes and newlines all survive.
pub fn sh_quote(bytes: &[u8]) -> Vec<u8> {
    let mut out = vec![b'\''];
    for &b in bytes {
        if b == b'\'' {
            out.extend_from_slice(b"'\\''");
        } else {
            out.push(b);
        }
    }
    out.push(b'\'');
    out
}

/// `YYYY-MM-DD` (UTC) of a time in seconds since the epoch.
pub fn date(secs: i64) -> String {
    // Howard Hinnant's days-to-civil, for the proleptic Gregorian calendar.
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// `YYYY-MM-DDTHH:MM:SSZ` of a time in seconds since the epoch.
pub fn timestamp(secs: i64) -> String {
    let s = secs.rem_euclid(86_400);
    format!("{}T{:02}:{:02}:{:02}Z", date(secs), s / 3_600, s % 3_600 / 60, s % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_utc_calendar_days() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(-1), "1969-12-31");
        assert_eq!(date(951_782_400), "2000-02-29");
        assert_eq!(date(1_796_308_361), "2026-12-03");
        assert_eq!(timestamp(1_700_000_000), "2023-11-14T22:13:20Z");
    }
}
