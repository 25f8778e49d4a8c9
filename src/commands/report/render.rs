//! The report in its four forms: a table for people, JSON, CSV and Markdown. The cells are
//! chosen here; `output` lays them out.

use super::Hotfix;
use super::summary::Summary;
use crate::output;
use serde::Serialize;

/// What the report covered, for its sentences.
pub struct Scope<'a> {
    /// Commits of main's first-parent line read.
    pub read: usize,
    pub since: Option<i64>,
    pub main: &'a str,
}

#[derive(Serialize)]
pub struct Json<'a> {
    pub hotfixes: &'a [Hotfix],
    pub summary: &'a Summary,
}

const COLUMNS: [&str; 9] =
    ["hotfix", "PR", "cut", "main", "development", "cut → main", "main → dev", "size", "rules"];

/// One row per hotfix: dates (UTC) and lags for people.
fn rows(hotfixes: &[Hotfix]) -> Vec<Vec<String>> {
    hotfixes
        .iter()
        .map(|h| {
            vec![
                h.label(),
                h.pull_request.map(|n| format!("#{n}")).unwrap_or_default(),
                output::date(h.cut.secs),
                output::date(h.main.secs),
                h.development.as_ref().map_or_else(|| "not yet".into(), |d| output::date(d.secs)),
                lag(Some(h.cut_to_main_seconds)),
                lag(h.main_to_development_seconds),
                format!(
                    "{} file{} +{} -{}",
                    h.size.files,
                    if h.size.files == 1 { "" } else { "s" },
                    h.size.insertions,
                    h.size.deletions
                ),
                Some(rules(h)).filter(|r| !r.is_empty()).unwrap_or_else(|| "—".to_owned()),
            ]
        })
        .collect()
}

/// The rules a hotfix broke, by number (`R1 R7`; empty: none).
fn rules(h: &Hotfix) -> String {
    let mut numbers: Vec<String> = h.rules.iter().map(|v| format!("{:?}", v.rule)).collect();
    numbers.dedup();
    numbers.join(" ")
}

/// The sentence when nothing was found.
fn none_found(scope: &Scope<'_>) -> String {
    let since = scope.since.map(|s| format!(" since {}", output::timestamp(s))).unwrap_or_default();
    format!(
        "no hotfix reached {}{since} ({} commit{} of its first-parent line read)",
        scope.main,
        scope.read,
        if scope.read == 1 { "" } else { "s" }
    )
}

/// The summary as label/value pairs.
fn summary_lines(summary: &Summary, scope: &Scope<'_>) -> Vec<(&'static str, String)> {
    let since = scope.since.map(|s| format!(" since {}", output::date(s))).unwrap_or_default();
    let months: Vec<String> = summary
        .per_month
        .iter()
        .map(|m| match m.without_merge {
            0 => format!("{} {}", m.month, m.hotfixes),
            n => format!("{} {} ({n} R3)", m.month, m.hotfixes),
        })
        .collect();
    vec![
        (
            "hotfixes",
            format!(
                "{} reached {}{since}, {} without a merge commit (R3)",
                summary.hotfixes, scope.main, summary.without_merge
            ),
        ),
        ("per month", months.join(", ")),
        ("median cut → main", format!("{} (of merges)", lag(summary.median_cut_to_main_seconds))),
        (
            "median main → development",
            format!("{} (of merges)", lag(summary.median_main_to_development_seconds)),
        ),
        ("never in development", first_few(&summary.not_in_development)),
    ]
}

/// A lag for people; `—` when there is none.
fn lag(secs: Option<i64>) -> String {
    secs.map_or_else(|| "—".to_owned(), output::duration)
}

/// A list people can read: the first few, then how many more (`--json` has them all).
fn first_few(list: &[String]) -> String {
    const SHOWN: usize = 5;
    match list.len() {
        0 => "none".to_owned(),
        n if n <= SHOWN => list.join(", "),
        n => format!("{}, and {} more (--json lists all)", list[..SHOWN].join(", "), n - SHOWN),
    }
}

/// The table, then the summary.
pub fn human(hotfixes: &[Hotfix], summary: &Summary, scope: &Scope<'_>) -> String {
    if hotfixes.is_empty() {
        return none_found(scope);
    }
    let pairs = summary_lines(summary, scope);
    let width = pairs.iter().map(|(label, _)| label.chars().count()).max().unwrap_or(0);
    let mut text = output::table(&COLUMNS, &rows(hotfixes));
    text.push('\n');
    for (label, value) in pairs {
        text.push_str(&format!("\n{label:<width$}  {value}"));
    }
    text
}

/// A Markdown table, then the summary as a list.
pub fn markdown(hotfixes: &[Hotfix], summary: &Summary, scope: &Scope<'_>) -> String {
    if hotfixes.is_empty() {
        return format!("{}.", capitalised(&none_found(scope)));
    }
    let mut rows = rows(hotfixes);
    for row in &mut rows {
        row[0] = format!("`{}`", row[0]);
    }
    let mut text = output::markdown_table(&COLUMNS, &rows);
    text.push('\n');
    for (label, value) in summary_lines(summary, scope) {
        text.push_str(&format!("\n- **{}**: {value}", capitalised(label)));
    }
    text
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// One record per hotfix, exact: ids, UTC timestamps, lags in seconds.
pub fn csv(hotfixes: &[Hotfix]) -> String {
    const HEADER: [&str; 16] = [
        "branch",
        "pull_request",
        "merge_commit",
        "main_commit",
        "main_subject",
        "cut_commit",
        "cut",
        "main",
        "development_commit",
        "development",
        "cut_to_main_seconds",
        "main_to_development_seconds",
        "files",
        "insertions",
        "deletions",
        "rules",
    ];
    let text = |value: Option<String>| value.unwrap_or_default();
    let rows: Vec<Vec<String>> = hotfixes
        .iter()
        .map(|h| {
            let development = h.development.as_ref();
            vec![
                text(h.branch.clone()),
                text(h.pull_request.map(|n| n.to_string())),
                (if h.merge_commit { "yes" } else { "no" }).to_owned(),
                h.main.commit.clone(),
                h.main.subject.clone(),
                h.cut.commit.clone(),
                h.cut.time.clone(),
                h.main.time.clone(),
                text(development.map(|d| d.commit.clone())),
                text(development.map(|d| d.time.clone())),
                h.cut_to_main_seconds.to_string(),
                text(h.main_to_development_seconds.map(|s| s.to_string())),
                h.size.files.to_string(),
                h.size.insertions.to_string(),
                h.size.deletions.to_string(),
                rules(h),
            ]
        })
        .collect();
    output::csv(&HEADER, &rows)
}
