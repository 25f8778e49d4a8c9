//! `git hotfix report`: the record of every hotfix that reached main, on real repositories
//! built with the git CLI; dates and lags checked against what git itself says of the commits.

use crate::support::{TestRepo, short};
use serde_json::Value;

/// Cuts `name` from `from` with one commit per file (a line each); returns the commits.
fn cut(t: &TestRepo, name: &str, from: &str, files: &[&str]) -> Vec<String> {
    t.git(&["switch", "-q", "-c", name, from]);
    files.iter().map(|f| t.commit_file(f, &format!("{f}\n"), &format!("Fix {f}"))).collect()
}

/// Merges `branch` into `into` with a merge commit and `message`, as a code host does;
/// returns the merge.
fn merge(t: &TestRepo, into: &str, branch: &str, message: &str) -> String {
    t.git(&["switch", "-q", into]);
    t.git(&["merge", "-q", "--no-ff", "-m", message, branch]);
    t.rev("HEAD")
}

fn pr(n: u32, branch: &str) -> String {
    format!("Merge pull request #{n} from acme/{branch}")
}

/// Seconds since the epoch that git gives for `rev` (`%at` author, `%ct` committer).
fn time(t: &TestRepo, rev: &str, field: &str) -> i64 {
    t.git(&["log", "-1", &format!("--format={field}"), rev]).parse().unwrap()
}

/// `YYYY-MM-DDTHH:MM:SSZ` of `rev`'s time as git prints it (`%ad` author, `%cd` committer).
fn iso(t: &TestRepo, rev: &str, field: &str) -> String {
    let date = "--date=format-local:%Y-%m-%dT%H:%M:%SZ";
    t.git(&["show", "-s", date, &format!("--format={field}"), rev])
}

/// The ids of the history [`history`] builds.
struct History {
    /// hotfix/fix-login: its two commits, its merge into main, its back-merge.
    login: Vec<String>,
    login_main: String,
    login_back: String,
    /// hotfix/fix-a, which reached development only through fix-b's back-merge.
    a_main: String,
    b_main: String,
    b_back: String,
    misnamed_main: String,
    mixed_main: String,
    never_back_main: String,
    squash: String,
    fast_forward: Vec<String>,
}

/// A history with one of each: a proper hotfix, one brought into development by another's
/// back-merge, a release, a misnamed hotfix, one cut from development (R2), one never brought
/// back (R7), a squash and a fast-forward (R3). Pushed to origin.
fn history(t: &TestRepo) -> History {
    cut(t, "feature/one", "development", &["feat/one.txt"]);
    merge(t, "development", "feature/one", "Merge branch 'feature/one' into development");
    let login = cut(t, "hotfix/fix-login", "main", &["src/login.txt", "src/session.txt"]);
    let login_main = merge(t, "main", "hotfix/fix-login", &pr(12, "hotfix/fix-login"));
    cut(t, "feature/two", "development", &["feat/two.txt"]);
    merge(t, "development", "feature/two", "Merge branch 'feature/two' into development");
    let login_back = merge(t, "development", "hotfix/fix-login", &pr(13, "hotfix/fix-login"));
    cut(t, "release/1.0", "development", &["VERSION"]);
    merge(t, "main", "release/1.0", &pr(14, "release/1.0"));
    merge(t, "development", "main", "Merge branch 'main' into development");
    cut(t, "hotfix/fix-a", "main", &["src/a.txt"]);
    let a_main = merge(t, "main", "hotfix/fix-a", &pr(16, "hotfix/fix-a"));
    cut(t, "hotfix/fix-b", "main", &["src/b.txt"]);
    let b_main = merge(t, "main", "hotfix/fix-b", &pr(17, "hotfix/fix-b"));
    let b_back = merge(t, "development", "hotfix/fix-b", &pr(18, "hotfix/fix-b"));
    cut(t, "fix/login-typo", "main", &["src/typo.txt"]);
    let misnamed_main = merge(t, "main", "fix/login-typo", &pr(19, "fix/login-typo"));
    merge(t, "development", "fix/login-typo", &pr(20, "fix/login-typo"));
    cut(t, "feature/three", "development", &["feat/three.txt"]);
    merge(t, "development", "feature/three", "Merge branch 'feature/three' into development");
    cut(t, "hotfix/mixed", "development", &["src/mixed.txt"]);
    let mixed_main = merge(t, "main", "hotfix/mixed", &pr(22, "hotfix/mixed"));
    merge(t, "development", "hotfix/mixed", &pr(23, "hotfix/mixed"));
    cut(t, "hotfix/never-back", "main", &["src/never.txt"]);
    let never_back_main = merge(t, "main", "hotfix/never-back", &pr(24, "hotfix/never-back"));
    cut(t, "hotfix/squashed", "main", &["src/s1.txt", "src/s2.txt"]);
    t.git(&["switch", "-q", "main"]);
    t.git(&["merge", "-q", "--squash", "hotfix/squashed"]);
    t.git(&["commit", "-q", "-m", "Fix \"quoted\", with commas (#25)"]);
    let squash = t.rev("HEAD");
    let fast_forward = cut(t, "hotfix/ff", "main", &["src/f1.txt", "src/f2.txt"]);
    t.git(&["switch", "-q", "main"]);
    t.git(&["merge", "-q", "--ff-only", "hotfix/ff"]);
    t.git(&["push", "-q", "origin", "main", "development"]);
    History {
        login,
        login_main,
        login_back,
        a_main,
        b_main,
        b_back,
        misnamed_main,
        mixed_main,
        never_back_main,
        squash,
        fast_forward,
    }
}

fn json(t: &TestRepo, args: &[&str]) -> Value {
    let mut all = vec!["report", "--json"];
    all.extend_from_slice(args);
    let run = t.hotfix(&all).ok();
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}\n{run}"))
}

/// The hotfix whose commit on main is `id`.
fn entry<'v>(report: &'v Value, id: &str) -> &'v Value {
    let list = report["hotfixes"].as_array().unwrap();
    list.iter().find(|h| h["main"]["commit"] == id).unwrap_or_else(|| panic!("{id} not listed"))
}

fn rules(hotfix: &Value) -> Vec<&str> {
    hotfix["rules"].as_array().unwrap().iter().map(|v| v["rule"].as_str().unwrap()).collect()
}

#[test]
fn every_hotfix_is_listed_as_verify_classifies_it() {
    let t = TestRepo::new();
    let h = history(&t);
    let report = json(&t, &[]);
    let listed: Vec<(&str, Option<&str>, bool)> = report["hotfixes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (h["main"]["commit"].as_str().unwrap(), h["branch"].as_str(), h["merge_commit"] == true)
        })
        .collect();
    // Oldest first; the release and development's own merges are not hotfixes.
    let want = [
        (h.login_main.as_str(), Some("hotfix/fix-login"), true),
        (h.a_main.as_str(), Some("hotfix/fix-a"), true),
        (h.b_main.as_str(), Some("hotfix/fix-b"), true),
        (h.misnamed_main.as_str(), Some("fix/login-typo"), true),
        (h.mixed_main.as_str(), Some("hotfix/mixed"), true),
        (h.never_back_main.as_str(), Some("hotfix/never-back"), true),
        (h.squash.as_str(), None, false),
        (h.fast_forward[0].as_str(), None, false),
        (h.fast_forward[1].as_str(), None, false),
    ];
    assert_eq!(listed, want);
    assert_eq!(rules(entry(&report, &h.login_main)), Vec::<&str>::new());
    assert_eq!(rules(entry(&report, &h.misnamed_main)), ["R1"]);
    assert_eq!(rules(entry(&report, &h.mixed_main)), ["R2"]);
    assert_eq!(rules(entry(&report, &h.never_back_main)), ["R7"]);
    for id in [&h.squash, &h.fast_forward[0], &h.fast_forward[1]] {
        assert_eq!(rules(entry(&report, id)), ["R3", "R7"], "{id}");
    }
    let numbers: Vec<_> =
        report["hotfixes"].as_array().unwrap().iter().map(|h| h["pull_request"].as_u64()).collect();
    let want = [Some(12), Some(16), Some(17), Some(19), Some(22), Some(24), Some(25), None, None];
    assert_eq!(numbers, want);
    // The same judgement as verify: its R1, R2 and R3 findings are the report's.
    let verify = t.hotfix(&["verify", "--json"]).code(1);
    let verify: Value = serde_json::from_str(&verify.stdout).unwrap();
    let mut found: Vec<(String, String)> = verify["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (v["rule"].as_str().unwrap().to_owned(), v["commit"]["id"].as_str().unwrap().to_owned())
        })
        .collect();
    let mut reported: Vec<(String, String)> = report["hotfixes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|h| {
            h["rules"].as_array().unwrap().iter().filter_map(|v| {
                Some((v["rule"].as_str()?.to_owned(), v["commit"]["id"].as_str()?.to_owned()))
            })
        })
        .collect();
    found.sort();
    reported.sort();
    assert_eq!(reported, found);
}

#[test]
fn dates_lags_and_development_are_exact() {
    let t = TestRepo::new();
    let h = history(&t);
    let report = json(&t, &[]);
    let login = entry(&report, &h.login_main);
    assert_eq!(login["cut"]["commit"], h.login[0].as_str(), "the first commit");
    assert_eq!(login["cut"]["time"], iso(&t, &h.login[0], "%ad"));
    assert_eq!(login["main"]["time"], iso(&t, &h.login_main, "%cd"));
    assert_eq!(login["development"]["commit"], h.login_back.as_str());
    assert_eq!(login["development"]["time"], iso(&t, &h.login_back, "%cd"));
    let cut_to_main = time(&t, &h.login_main, "%ct") - time(&t, &h.login[0], "%at");
    let main_to_dev = time(&t, &h.login_back, "%ct") - time(&t, &h.login_main, "%ct");
    assert!(cut_to_main > 0 && main_to_dev > 0);
    assert_eq!(login["cut_to_main_seconds"], cut_to_main);
    assert_eq!(login["main_to_development_seconds"], main_to_dev);
    assert_eq!(login["size"], serde_json::json!({"files": 2, "insertions": 2, "deletions": 0}));
    // fix-a was never merged into development itself: fix-b's back-merge brought it.
    let a = entry(&report, &h.a_main);
    assert_eq!(a["development"]["commit"], h.b_back.as_str());
    assert_eq!(a["development"]["subject"], pr(18, "hotfix/fix-b"));
    assert_eq!(rules(a), Vec::<&str>::new());
    let never = entry(&report, &h.never_back_main);
    assert_eq!(
        (&never["development"], &never["main_to_development_seconds"]),
        (&Value::Null, &Value::Null)
    );
    // The summary, from the same numbers.
    let summary = &report["summary"];
    assert_eq!(
        (summary["hotfixes"].as_u64(), summary["without_merge"].as_u64()),
        (Some(9), Some(3))
    );
    let open: Vec<&str> = summary["not_in_development"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let no_merge = |id: &str| format!("{} (no merge)", short(id));
    assert_eq!(
        open,
        [
            "hotfix/never-back",
            &no_merge(&h.squash),
            &no_merge(&h.fast_forward[0]),
            &no_merge(&h.fast_forward[1])
        ]
    );
    // The medians are of the hotfixes merged into main (six), five of them in development.
    let list = report["hotfixes"].as_array().unwrap();
    let merged = || list.iter().filter(|h| h["merge_commit"] == true);
    let mut lags: Vec<i64> = merged().map(|h| h["cut_to_main_seconds"].as_i64().unwrap()).collect();
    lags.sort_unstable();
    assert_eq!(lags.len(), 6);
    assert_eq!(summary["median_cut_to_main_seconds"], (lags[2] + lags[3]).div_euclid(2));
    let mut lags: Vec<i64> =
        merged().filter_map(|h| h["main_to_development_seconds"].as_i64()).collect();
    lags.sort_unstable();
    assert_eq!(lags.len(), 5);
    assert_eq!(summary["median_main_to_development_seconds"], lags[2]);
    let months = summary["per_month"].as_array().unwrap();
    let count = |field: &str| months.iter().map(|m| m[field].as_u64().unwrap()).sum::<u64>();
    assert_eq!((count("hotfixes"), count("without_merge")), (9, 3));
    assert_eq!(months[0]["month"], iso(&t, &h.login_main, "%cd")[..7]);
}

/// `rev`'s committer time as `YYYY-MM-DDTHH:MM:SS<suffix>` in the zone `tz` (POSIX: `UTC-2`
/// is two hours east).
fn local_time(t: &TestRepo, rev: &str, tz: &str, suffix: &str) -> String {
    let date = format!("--date=format-local:%Y-%m-%dT%H:%M:%S{suffix}");
    let args = ["show", "-s", "--format=%cd", &date, rev];
    t.run_with("git", &t.work, &args, &[("TZ", tz)]).ok().stdout.trim().to_owned()
}

fn main_ids(report: &Value) -> Vec<String> {
    let list = report["hotfixes"].as_array().unwrap();
    list.iter().map(|h| h["main"]["commit"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn since_keeps_what_reached_main_from_that_moment() {
    let t = TestRepo::new();
    let h = history(&t);
    let all = json(&t, &[]);
    // From the moment fix-b reached main, in each spelling of that moment.
    let from = iso(&t, &h.b_main, "%cd");
    let want: Vec<String> = main_ids(&all).into_iter().skip(2).collect();
    assert_eq!(want[0], h.b_main);
    let spellings = [
        from.clone(),
        from.replace('T', " ").replace('Z', ""),
        local_time(&t, &h.b_main, "UTC-2", "+02:00"),
        local_time(&t, &h.b_main, "UTC5", "-0500"),
    ];
    for since in spellings {
        let report = json(&t, &["--since", &since]);
        assert_eq!(main_ids(&report), want, "--since {since}");
        assert_eq!(report["summary"]["hotfixes"], want.len());
    }
    // One second later, fix-b is out.
    let later = local_time(&t, &h.b_main, "UTC-0:00:01", "");
    assert_eq!(main_ids(&json(&t, &["--since", &later])), want[1..], "--since {later}");
    // A day: from its midnight (UTC).
    let day = &from[..10];
    let want: Vec<String> = all["hotfixes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["main"]["time"].as_str().unwrap() >= day)
        .map(|h| h["main"]["commit"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(main_ids(&json(&t, &["--since", day])), want);
    // Nothing that recent.
    t.hotfix(&["report", "--since", "2100-01-01"])
        .ok()
        .stdout_has(&["no hotfix reached main since 2100-01-01T00:00:00Z"]);
}

/// RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let (mut records, mut record, mut field) = (Vec::new(), Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => assert_eq!(chars.next(), Some('\n'), "CRLF"),
            (false, '\n') => panic!("a bare LF ends a record"),
            (false, c) => field.push(c),
        }
        if !quoted && c == '\r' {
            record.push(std::mem::take(&mut field));
            records.push(std::mem::take(&mut record));
        }
    }
    assert!(field.is_empty() && record.is_empty(), "the last record ends in CRLF");
    records
}

#[test]
fn every_format_reads_back() {
    let t = TestRepo::new();
    let h = history(&t);
    let report = json(&t, &[]);
    let list = report["hotfixes"].as_array().unwrap();
    // CSV: a header, then one record of 16 fields per hotfix.
    let csv = parse_csv(&t.hotfix(&["report", "--csv"]).ok().stdout);
    assert_eq!(csv[0][..4], ["branch", "pull_request", "merge_commit", "main_commit"]);
    assert_eq!(csv.len(), list.len() + 1);
    for (record, hotfix) in csv[1..].iter().zip(list) {
        assert_eq!(record.len(), 16, "{record:?}");
        assert_eq!(record[0], hotfix["branch"].as_str().unwrap_or(""));
        assert_eq!(record[3], hotfix["main"]["commit"].as_str().unwrap());
        assert_eq!(record[6], hotfix["cut"]["time"].as_str().unwrap());
        assert_eq!(record[10], hotfix["cut_to_main_seconds"].to_string());
    }
    let squash = csv.iter().find(|r| r[3] == h.squash).unwrap();
    assert_eq!(squash[4], "Fix \"quoted\", with commas (#25)");
    assert_eq!((squash[1].as_str(), squash[2].as_str(), squash[8].as_str()), ("25", "no", ""));
    assert_eq!(squash[15], "R3 R7");
    let login = csv.iter().find(|r| r[3] == h.login_main).unwrap();
    assert_eq!((login[8].as_str(), login[15].as_str()), (h.login_back.as_str(), ""));
    // Markdown: the table, one row per hotfix, then the summary.
    let markdown = t.hotfix(&["report", "--markdown"]).ok().stdout;
    let lines: Vec<&str> = markdown.lines().collect();
    assert!(lines[0].starts_with("| hotfix | PR | cut | main | development |"), "{markdown}");
    assert_eq!(lines[1], format!("|{}", "---|".repeat(9)));
    let rows: Vec<&str> = lines[2..].iter().copied().take_while(|l| l.starts_with('|')).collect();
    assert_eq!(rows.len(), list.len());
    assert!(rows.iter().all(|r| r.matches(" | ").count() == 8), "{markdown}");
    assert!(rows[0].starts_with("| `hotfix/fix-login` | #12 |"), "{}", rows[0]);
    assert!(markdown.contains("- **Hotfixes**: 9 reached main, 3 without a merge commit (R3)"));
    assert!(markdown.contains("- **Never in development**: hotfix/never-back, "));
    // The table for people: aligned columns, then the summary.
    let human = t.hotfix(&["report"]).ok().stdout;
    let lines: Vec<&str> = human.lines().collect();
    // Columns start at the same character (not byte: the header has arrows) on every line.
    let column = |name: &str| lines[0][..lines[0].find(name).unwrap()].chars().count();
    let (pr_at, rules_at) = (column("PR"), column("rules"));
    let row = |label: &str| *lines.iter().find(|l| l.starts_with(label)).unwrap();
    let from = |line: &str, at: usize| line.chars().skip(at).collect::<String>();
    assert!(from(row("hotfix/fix-login "), pr_at).starts_with("#12 "));
    assert_eq!(from(row("fix/login-typo "), rules_at), "R1");
    assert_eq!(from(row("hotfix/never-back "), rules_at), "R7");
    assert!(row(&format!("{} (no merge)", short(&h.squash))).contains("not yet"));
    let summary = &lines[list.len() + 2..];
    assert!(
        summary[0].starts_with("hotfixes")
            && summary[0].ends_with("9 reached main, 3 without a merge commit (R3)"),
        "{human}"
    );
    assert!(summary.iter().any(|l| l.starts_with("median main → development")), "{human}");
}

#[test]
fn bad_input_and_missing_history_get_a_clear_answer() {
    let t = TestRepo::new();
    // Nothing but the root commit: nothing to report, said in each format.
    t.hotfix(&["report"])
        .ok()
        .stdout_has(&["no hotfix reached main (1 commit of its first-parent line read)"]);
    let report = json(&t, &[]);
    assert_eq!(
        (report["hotfixes"].as_array().map(Vec::len), &report["summary"]["hotfixes"]),
        (Some(0), &Value::from(0))
    );
    assert_eq!(parse_csv(&t.hotfix(&["report", "--csv"]).ok().stdout).len(), 1, "the header only");
    t.hotfix(&["report", "--markdown"]).ok().stdout_has(&["No hotfix reached main"]);
    for since in ["yesterday", "2024-02-30", "2024-2-3", "2024-02-29T25:00", "2024-02-29T10:00+2"] {
        t.hotfix(&["report", "--since", since])
            .code(2)
            .stderr_has(&[&format!("'{since}' is not a date"), "YYYY-MM-DD"]);
    }
    t.hotfix(&["report", "--json", "--csv"]).code(2).stderr_has(&["cannot be used with"]);
    // Without development, a release cannot be told from a hotfix.
    t.git(&["push", "-q", "origin", "--delete", "development"]);
    t.git(&["branch", "-q", "-D", "development"]);
    t.git(&["fetch", "-q", "--prune"]);
    t.hotfix(&["report"])
        .code(2)
        .stderr_has(&["branch 'development' was found neither", "git fetch origin development"]);
    // A shallow clone would give a partial record.
    let url = format!("file://{}", t.origin.display());
    t.run_git(t.tmp.path(), &["clone", "-q", "--depth", "1", &url, "shallow"]).ok();
    t.hotfix_in(&t.tmp.path().join("shallow"), &["report"])
        .code(2)
        .stderr_has(&["shallow", "fetch-depth: 0"]);
    // An empty repository has no main.
    t.run_git(t.tmp.path(), &["init", "-q", "empty"]).ok();
    t.hotfix_in(&t.tmp.path().join("empty"), &["report"])
        .code(2)
        .stderr_has(&["branch 'main' was found neither"]);
}

#[test]
fn a_commit_graph_changes_nothing() {
    let t = TestRepo::new();
    let h = history(&t);
    let without = t.hotfix(&["report", "--json"]).ok().stdout;
    t.git(&["commit-graph", "write", "--reachable", "--no-progress"]);
    assert_eq!(t.hotfix(&["report", "--json"]).ok().stdout, without);
    // Newer than the graph: another hotfix, brought back by a merge of main.
    cut(&t, "hotfix/after", "main", &["src/after.txt"]);
    let after = merge(&t, "main", "hotfix/after", &pr(30, "hotfix/after"));
    let back = merge(&t, "development", "main", "Merge branch 'main' into development");
    t.git(&["push", "-q", "origin", "main", "development"]);
    let with_graph = json(&t, &[]);
    assert_eq!(entry(&with_graph, &after)["development"]["commit"], back.as_str());
    // The merge of main also brought the squash and the fast-forward: R7 closed for them.
    assert_eq!(entry(&with_graph, &h.squash)["development"]["commit"], back.as_str());
    std::fs::remove_file(t.work.join(".git/objects/info/commit-graph")).unwrap();
    assert_eq!(json(&t, &[]), with_graph);
}
