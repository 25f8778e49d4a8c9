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

/// Asks a yes/no `question` on the terminal; `None` when standard input is not one (a script
/// must say yes with a flag instead).
pub fn ask(question: &str) -> Result<Option<bool>, Error> {
    if !std::io::stdin().is_terminal() {
        return Ok(None);
    }
    let _ = write!(std::io::stderr().lock(), "{question} [y/N] ");
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| Error::env(format!("cannot read the answer: {e}")))?;
    Ok(Some(matches!(answer.trim(), "y" | "Y" | "yes")))
}

/// A line that says what is being waited for: redrawn in place on a terminal, else printed
/// with a timestamp whenever it changes.
pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
    last: String,
}

impl Progress {
    pub fn start() -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            bar
        });
        Self { bar, last: String::new() }
    }

    /// Shows `text` (the state), with `elapsed` on the live line.
    pub fn show(&mut self, text: &str, elapsed: std::time::Duration) {
        match &self.bar {
            Some(bar) => bar.set_message(format!("{text} ({})", clock(elapsed.as_secs()))),
            None if text != self.last => {
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs() as i64);
                note(format!("{} {text}", timestamp(now)));
            }
            None => {}
        }
        self.last = text.to_owned();
    }

    pub fn finish(self) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }
}

/// `1h02m03s`, `4m05s`, `6s`.
pub fn clock(secs: u64) -> String {
    match (secs / 3_600, secs % 3_600 / 60, secs % 60) {
        (0, 0, s) => format!("{s}s"),
        (0, m, s) => format!("{m}m{s:02}s"),
        (h, m, s) => format!("{h}h{m:02}m{s:02}s"),
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

/// Seconds since the epoch of an ISO 8601 / RFC 3339 time as hosts print them
/// (`2026-12-03T15:04:05Z`, `…05.123+01:00`, `…05+0000`), or of a bare date (`2026-12-03`,
/// midnight UTC). `None` for anything else.
pub fn parse_timestamp(text: &str) -> Option<i64> {
    let text = text.trim();
    let number = |s: &str| -> Option<i64> {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
    };
    let (day, time) = match text.split_once(['T', 't', ' ']) {
        Some((day, time)) => (day, Some(time)),
        None => (text, None),
    };
    let mut parts = day.splitn(3, '-');
    let (year, month, mday) = (parts.next()?, parts.next()?, parts.next()?);
    if year.len() != 4 || month.len() != 2 || mday.len() != 2 {
        return None;
    }
    let (year, month, mday) = (number(year)?, number(month)?, number(mday)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&mday) {
        return None;
    }
    // Howard Hinnant's days-from-civil, the inverse of `date`.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((month + 9) % 12) + 2) / 5 + mday - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    if date(days * 86_400) != day {
        return None; // 2026-02-30 and the like
    }
    let Some(time) = time else { return Some(days * 86_400) };
    let (clock, offset) = match time.find(['Z', 'z', '+', '-']) {
        Some(at) => time.split_at(at),
        None => (time, ""),
    };
    let clock = clock.split('.').next()?;
    let mut hms = clock.split(':');
    let (h, m, s) =
        (number(hms.next()?)?, number(hms.next()?)?, number(hms.next().unwrap_or("0"))?);
    if h > 23 || m > 59 || s > 60 || hms.next().is_some() {
        return None;
    }
    let offset = match offset {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = if offset.starts_with('-') { -1 } else { 1 };
            let digits = offset[1..].replace(':', "");
            if digits.len() != 4 {
                return None;
            }
            sign * (number(&digits[..2])? * 3_600 + number(&digits[2..])? * 60)
        }
    };
    Some(days * 86_400 + h * 3_600 + m * 60 + s - offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_times_hosts_print() {
        assert_eq!(parse_timestamp("2023-11-14T22:13:20Z"), Some(1_700_000_000));
        assert_eq!(parse_timestamp("2023-11-14T22:13:20.123456+00:00"), Some(1_700_000_000));
        assert_eq!(parse_timestamp("2023-11-14T23:13:20+0100"), Some(1_700_000_000));
        assert_eq!(parse_timestamp("2023-11-14T17:13:20-05:00"), Some(1_700_000_000));
        assert_eq!(parse_timestamp("2000-02-29"), Some(951_782_400));
        for bad in [
            "",
            "2023-02-30",
            "2023-13-01",
            "23-11-14",
            "2023-11-14T25:00:00Z",
            "soon",
            "2023-11-14Tab",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
    }

    #[test]
    fn dates_are_utc_calendar_days() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(-1), "1969-12-31");
        assert_eq!(date(951_782_400), "2000-02-29");
        assert_eq!(date(1_796_308_361), "2026-12-03");
        assert_eq!(timestamp(1_700_000_000), "2023-11-14T22:13:20Z");
    }
}

/// Long run: `PROPTEST_CASES=100000 cargo test --release --bin git-hotfix output::fuzz`.
#[cfg(test)]
mod fuzz {
    use super::*;
    use crate::fuzz::{config, text};
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(config(512))]

        #[test]
        fn any_text_is_a_time_or_none(t in text()) {
            let _ = parse_timestamp(&t);
        }

        #[test]
        fn printed_times_read_back(secs in -62_135_596_800i64..253_402_300_799) {
            prop_assert_eq!(parse_timestamp(&timestamp(secs)), Some(secs));
            prop_assert_eq!(parse_timestamp(&date(secs)), Some(secs - secs.rem_euclid(86_400)));
        }
    }
}
