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
    print(&format!("{text}\n"));
}

/// Writes `text` as it is to standard output (CSV ends its own lines).
pub fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes())
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

/// Columns padded to their widest cell, two spaces apart, under a header.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let width = |column: usize| {
        let cells = rows.iter().filter_map(|row| row.get(column)).map(|c| c.chars().count());
        cells.chain([header[column].chars().count()]).max().unwrap_or(0)
    };
    let widths: Vec<usize> = (0..header.len()).map(width).collect();
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let padded: Vec<String> =
            cells.zip(&widths).map(|(cell, &w)| format!("{cell:<w$}")).collect();
        padded.join("  ").trim_end().to_owned()
    };
    let mut out = line(&mut header.iter().copied());
    for row in rows {
        out.push('\n');
        out.push_str(&line(&mut row.iter().map(String::as_str)));
    }
    out
}

/// A GitHub-flavoured Markdown table: `|` in a cell escaped, line breaks made spaces.
pub fn markdown_table(header: &[&str], rows: &[Vec<String>]) -> String {
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let cells: Vec<String> =
            cells.map(|c| c.replace('|', "\\|").replace(['\r', '\n'], " ")).collect();
        format!("| {} |", cells.join(" | "))
    };
    let mut out = line(&mut header.iter().copied());
    out.push_str(&format!("\n|{}", "---|".repeat(header.len())));
    for row in rows {
        out.push('\n');
        out.push_str(&line(&mut row.iter().map(String::as_str)));
    }
    out
}

/// RFC 4180 CSV: every record ends in CRLF; a field holding a comma, a quote or a line break
/// is quoted, its quotes doubled.
pub fn csv(header: &[&str], rows: &[Vec<String>]) -> String {
    let field = |f: &str| {
        if f.contains([',', '"', '\r', '\n']) {
            format!("\"{}\"", f.replace('"', "\"\""))
        } else {
            f.to_owned()
        }
    };
    let record = |cells: &mut dyn Iterator<Item = &str>| {
        format!("{}\r\n", cells.map(field).collect::<Vec<_>>().join(","))
    };
    let mut out = record(&mut header.iter().copied());
    for row in rows {
        out.push_str(&record(&mut row.iter().map(String::as_str)));
    }
    out
}

/// A lag, to the unit that matters: `45s`, `12m`, `3h 5m`, `2d 4h`; negative with a `-`.
pub fn duration(secs: i64) -> String {
    if secs < 0 {
        return format!("-{}", duration(secs.saturating_neg()));
    }
    let (days, hours, minutes) = (secs / 86_400, secs % 86_400 / 3_600, secs % 3_600 / 60);
    match (days, hours, minutes) {
        (0, 0, 0) => format!("{secs}s"),
        (0, 0, m) => format!("{m}m"),
        (0, h, 0) => format!("{h}h"),
        (0, h, m) => format!("{h}h {m}m"),
        (d, 0, _) => format!("{d}d"),
        (d, h, _) => format!("{d}d {h}h"),
    }
}

/// Seconds since the epoch of a date as people type it: `YYYY-MM-DD` (midnight UTC), or a
/// moment `YYYY-MM-DDTHH:MM[:SS]` (a space works for the `T`) in UTC, or with `Z` or an
/// offset (`+02:00`, `-0500`). The calendar is the one [`date`] prints.
pub fn parse_date(text: &str) -> Result<i64, String> {
    let bad = || {
        format!(
            "'{text}' is not a date: use YYYY-MM-DD (UTC), or YYYY-MM-DDTHH:MM:SS with Z or an offset such as +02:00"
        )
    };
    let number = |s: &str, len: usize| {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<i64>().ok())
            .flatten()
    };
    let (day, time) = match text.split_once(['T', ' ']) {
        Some((day, time)) => (day, Some(time)),
        None => (text, None),
    };
    let mut parts = day.split('-');
    let (Some(y), Some(m), Some(d), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    let (year, month, mday) = (
        number(y, 4).ok_or_else(bad)?,
        number(m, 2).ok_or_else(bad)?,
        number(d, 2).ok_or_else(bad)?,
    );
    if !(1..=12).contains(&month) || mday < 1 || mday > days_in_month(year, month) {
        return Err(bad());
    }
    let mut secs = days_from_civil(year, month, mday) * 86_400;
    let Some(time) = time else { return Ok(secs) };
    let (clock, offset) = match time.find(['Z', '+', '-']) {
        Some(at) => time.split_at(at),
        None => (time, ""),
    };
    // Hosts print fractions of a second (`22:13:20.123456`): they are dropped.
    let (clock, fraction) = match clock.split_once('.') {
        Some((clock, fraction)) => (clock, Some(fraction)),
        None => (clock, None),
    };
    let fields: Vec<&str> = clock.split(':').collect();
    let limits = [23, 59, 59];
    let whole_seconds = fields.len() == 3;
    if !(2..=3).contains(&fields.len())
        || fraction.is_some_and(|f| {
            !whole_seconds || f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit())
        })
    {
        return Err(bad());
    }
    for ((field, limit), unit) in fields.iter().zip(limits).zip([3_600, 60, 1]) {
        let value = number(field, 2).filter(|&v| v <= limit).ok_or_else(bad)?;
        secs += value * unit;
    }
    let east = match offset.split_at_checked(1) {
        None => 0,
        Some(("Z", "")) => 0,
        Some((sign @ ("+" | "-"), rest)) => {
            let (h, m) = rest.split_once(':').unwrap_or_else(|| rest.split_at(rest.len().min(2)));
            let h = number(h, 2).filter(|&h| h <= 23).ok_or_else(bad)?;
            let m = number(m, 2).filter(|&m| m <= 59).ok_or_else(bad)?;
            let east = h * 3_600 + m * 60;
            if sign == "-" { -east } else { east }
        }
        Some(_) => return Err(bad()),
    };
    Ok(secs - east)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days-from-civil).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(year: i64, month: i64) -> i64 {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
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
    fn reads_the_times_hosts_print() {
        assert_eq!(parse_date("2023-11-14T22:13:20Z"), Ok(1_700_000_000));
        assert_eq!(parse_date("2023-11-14T22:13:20.123456+00:00"), Ok(1_700_000_000));
        assert_eq!(parse_date("2023-11-14T23:13:20+0100"), Ok(1_700_000_000));
        for bad in ["2023-11-14T22:13:20.Z", "2023-11-14T22:13.5", "2023-11-14T22:13:20.x"] {
            assert!(parse_date(bad).is_err(), "{bad}");
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

    #[test]
    fn typed_dates_read_back_what_is_printed() {
        for secs in [0_i64, -1, 951_782_400, 1_700_000_000, 1_796_308_361, -62_135_596_800] {
            let day = secs - secs.rem_euclid(86_400);
            assert_eq!(parse_date(&date(secs)), Ok(day), "{secs}");
            assert_eq!(parse_date(&timestamp(secs)), Ok(secs), "{secs}");
        }
        assert_eq!(parse_date("2023-11-14T22:13"), Ok(1_699_999_980));
        assert_eq!(parse_date("2023-11-14 22:13:20"), Ok(1_700_000_000));
        assert_eq!(parse_date("2023-11-15T00:13:20+02:00"), Ok(1_700_000_000));
        assert_eq!(parse_date("2023-11-14T17:13:20-0500"), Ok(1_700_000_000));
        assert_eq!(parse_date("2024-02-29"), Ok(1_709_164_800));
    }

    #[test]
    fn anything_else_is_not_a_date() {
        for text in [
            "",
            "yesterday",
            "2023-13-01",
            "2023-02-29",
            "2023-04-31",
            "2023-00-10",
            "2023-1-5",
            "23-11-14",
            "2023-11-14T",
            "2023-11-14T24:00",
            "2023-11-14T22:60",
            "2023-11-14T22",
            "2023-11-14T22:13:20+2",
            "2023-11-14T22:13:20Y",
            "2023-11-14T22:13:20+02:00:00",
            "+2023-11-14",
            "2023-11-14-01",
            "２０２３-11-14",
        ] {
            let err = parse_date(text).unwrap_err();
            assert!(err.contains("is not a date"), "{text}: {err}");
        }
    }

    #[test]
    fn durations_keep_the_unit_that_matters() {
        let cases = [
            (0, "0s"),
            (45, "45s"),
            (60, "1m"),
            (61, "1m"),
            (3_600, "1h"),
            (3_900, "1h 5m"),
            (86_400, "1d"),
            (2 * 86_400 + 4 * 3_600 + 59, "2d 4h"),
            (-5_400, "-1h 30m"),
        ];
        for (secs, want) in cases {
            assert_eq!(duration(secs), want, "{secs}");
        }
    }

    #[test]
    fn tables_align_csv_quotes_and_markdown_escapes() {
        let rows = vec![
            vec!["hotfix/a".to_owned(), "→ 1".to_owned(), String::new()],
            vec!["b".to_owned(), "2".to_owned(), "x".to_owned()],
        ];
        assert_eq!(
            table(&["NAME", "N", "R"], &rows),
            "NAME      N    R\nhotfix/a  → 1\nb         2    x"
        );
        let tricky = vec![vec!["a,b".to_owned(), "say \"hi\"".to_owned(), "two\nlines".to_owned()]];
        assert_eq!(
            csv(&["x", "y", "z"], &tricky),
            "x,y,z\r\n\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n"
        );
        assert_eq!(
            markdown_table(&["x", "y"], &[vec!["a|b".to_owned(), "c\nd".to_owned()]]),
            "| x | y |\n|---|---|\n| a\\|b | c d |"
        );
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
        fn any_text_is_a_time_or_says_it_is_not(t in text()) {
            if let Err(e) = parse_date(&t) {
                prop_assert!(e.contains("is not a date"), "{}", e);
            }
        }

        #[test]
        fn printed_times_read_back(secs in -62_135_596_800i64..253_402_300_799) {
            prop_assert_eq!(parse_date(&timestamp(secs)), Ok(secs));
            prop_assert_eq!(parse_date(&date(secs)), Ok(secs - secs.rem_euclid(86_400)));
        }
    }
}
