//! The report's summary: how many hotfixes, per month, how long they took, which never reached
//! development.

use super::Hotfix;
use crate::output;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct Summary {
    pub hotfixes: usize,
    /// Of those, how many reached main without a merge commit (R3).
    pub without_merge: usize,
    /// Hotfixes that reached main per calendar month (UTC), every month from the first to the
    /// last, so that a quiet month shows as 0.
    pub per_month: Vec<Month>,
    /// The medians are over the hotfixes merged into main: a commit that came without a merge
    /// has no recorded moment of arrival (its committer date stands in for it), and a squash
    /// has no cut of its own.
    pub median_cut_to_main_seconds: Option<i64>,
    pub median_main_to_development_seconds: Option<i64>,
    /// Hotfixes never brought into development (R7 open), by branch (or commit).
    pub not_in_development: Vec<String>,
}

#[derive(Debug, PartialEq, Eq, Serialize)]
pub struct Month {
    /// `YYYY-MM`.
    pub month: String,
    pub hotfixes: usize,
    /// Of those, how many came without a merge commit.
    pub without_merge: usize,
}

impl Summary {
    pub fn of(hotfixes: &[Hotfix]) -> Self {
        let merged = || hotfixes.iter().filter(|h| h.merge_commit);
        Self {
            hotfixes: hotfixes.len(),
            without_merge: hotfixes.iter().filter(|h| !h.merge_commit).count(),
            per_month: per_month(hotfixes.iter().map(|h| (h.main.secs, h.merge_commit))),
            median_cut_to_main_seconds: median(merged().map(|h| h.cut_to_main_seconds)),
            median_main_to_development_seconds: median(
                merged().filter_map(|h| h.main_to_development_seconds),
            ),
            not_in_development: hotfixes
                .iter()
                .filter(|h| h.development.is_none())
                .map(Hotfix::label)
                .collect(),
        }
    }
}

/// The middle value; between two, their mean (rounded down).
fn median(values: impl Iterator<Item = i64>) -> Option<i64> {
    let mut values: Vec<i64> = values.collect();
    values.sort_unstable();
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]).div_euclid(2)),
    }
}

/// Counts per `YYYY-MM` of hotfixes that reached main at a time, through a merge or not, from
/// the earliest month to the latest, gaps included.
fn per_month(arrivals: impl Iterator<Item = (i64, bool)>) -> Vec<Month> {
    let mut counts = std::collections::BTreeMap::new();
    for (time, merged) in arrivals {
        let day = output::date(time);
        let (year, month) = (&day[..day.len() - 6], &day[day.len() - 5..day.len() - 3]);
        let key: (i64, u32) = (year.parse().unwrap_or(0), month.parse().unwrap_or(1));
        let (all, without_merge) = counts.entry(key).or_insert((0, 0));
        *all += 1;
        *without_merge += usize::from(!merged);
    }
    let (Some(&first), Some(&last)) = (counts.keys().next(), counts.keys().next_back()) else {
        return Vec::new();
    };
    let mut months = Vec::new();
    let mut at = first;
    while at <= last {
        let (hotfixes, without_merge) = counts.get(&at).copied().unwrap_or((0, 0));
        let month = format!("{:04}-{:02}", at.0, at.1);
        months.push(Month { month, hotfixes, without_merge });
        at = if at.1 == 12 { (at.0 + 1, 1) } else { (at.0, at.1 + 1) };
    }
    months
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_is_the_middle_or_the_mean_of_the_two_middles() {
        assert_eq!(median([].into_iter()), None);
        assert_eq!(median([7].into_iter()), Some(7));
        assert_eq!(median([9, 1, 5].into_iter()), Some(5));
        assert_eq!(median([10, 1, 4, 3].into_iter()), Some(3));
        assert_eq!(median([-3, 0].into_iter()), Some(-2));
    }

    #[test]
    fn every_month_between_the_first_and_the_last_is_counted() {
        let day = 86_400;
        // 2023-11-14 (a merge), the same day again (no merge), 2024-02-01.
        let times = [(1_700_000_000, true), (1_700_000_000 + 60, false), (1_706_745_600, true)];
        let months: Vec<_> = per_month(times.into_iter())
            .into_iter()
            .map(|m| (m.month, m.hotfixes, m.without_merge))
            .collect();
        let want = [("2023-11", 2, 1), ("2023-12", 0, 0), ("2024-01", 0, 0), ("2024-02", 1, 0)];
        assert_eq!(months, want.map(|(m, n, r3)| (m.to_owned(), n, r3)));
        assert_eq!(per_month([].into_iter()), []);
        // The last second of a month and the first of the next (UTC).
        let split = per_month([(1_706_745_600 - 1, true), (1_706_745_600 + day, true)].into_iter());
        assert_eq!(split.iter().map(|m| m.hotfixes).collect::<Vec<_>>(), [1, 1]);
    }
}
