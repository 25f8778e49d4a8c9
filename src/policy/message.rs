//! The branch a merge commit's message says it merged, in the forms Git, GitHub, GitLab and
//! Bitbucket write.

/// The source branch named by a merge message's subject, if it names one:
/// - Git: `Merge branch 'X'`, `Merge branch 'X' of <url>`, `Merge branch 'X' into Y`,
///   `Merge remote-tracking branch 'origin/X'` (the remote is dropped);
/// - GitLab: `Merge branch 'X' into 'main'`;
/// - GitHub: `Merge pull request #N from OWNER/X`;
/// - Bitbucket: `Merged in X (pull request #N)`.
pub fn merged_branch(message: &str) -> Option<String> {
    let subject = message.lines().next()?.trim();
    if let Some(rest) = subject.strip_prefix("Merge pull request #") {
        let (_, from) = rest.split_once(" from ")?;
        let from = from.split_whitespace().next()?;
        let (_owner, branch) = from.split_once('/')?;
        return non_empty(branch);
    }
    if let Some(rest) = subject.strip_prefix("Merged in ") {
        return non_empty(rest.split_whitespace().next()?);
    }
    let (quoted, remote_tracking) = if let Some(rest) = subject.strip_prefix("Merge branch '") {
        (rest, false)
    } else if let Some(rest) = subject.strip_prefix("Merge branches '") {
        (rest, false)
    } else if let Some(rest) = subject.strip_prefix("Merge remote-tracking branch '") {
        (rest, true)
    } else {
        return None;
    };
    // A branch name may hold quotes but no spaces: it ends at the last quote of its word.
    let word = quoted.split(' ').next()?;
    let branch = &word[..word.rfind('\'')?];
    if remote_tracking {
        return non_empty(branch.split_once('/').map_or(branch, |(_, b)| b));
    }
    non_empty(branch)
}

/// The pull (or merge) request a commit message says the commit came from: GitHub's merge
/// (`Merge pull request #N from …`) and squash (`Title (#N)`, the last such suffix) forms,
/// Bitbucket's `Merged in X (pull request #N)`, GitLab's `See merge request group/project!N`.
pub fn pull_request(message: &str) -> Option<u64> {
    let subject = message.lines().next()?.trim();
    if let Some(rest) = subject.strip_prefix("Merge pull request #") {
        return number(rest.split(' ').next()?);
    }
    if let Some(rest) = subject.strip_suffix(')')
        && let Some((_, n)) = rest.rsplit_once("(#").or_else(|| rest.rsplit_once("(pull request #"))
        && let Some(n) = number(n)
    {
        return Some(n);
    }
    message.lines().find_map(|line| {
        let rest = line.trim().strip_prefix("See merge request ")?;
        number(rest.rsplit_once('!')?.1)
    })
}

/// Digits only, no sign, no spaces.
fn number(text: &str) -> Option<u64> {
    text.bytes().all(|b| b.is_ascii_digit()).then(|| text.parse().ok()).flatten()
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::merged_branch;

    #[test]
    fn reads_every_host_form() {
        let cases = [
            ("Merge branch 'hotfix/a'", Some("hotfix/a")),
            ("Merge branch 'hotfix/a' into development", Some("hotfix/a")),
            ("Merge branch 'hotfix/a' of github.com:o/r into main", Some("hotfix/a")),
            ("Merge branch 'hotfix/a' into 'main'\n\nSee merge request o/r!3", Some("hotfix/a")),
            ("Merge remote-tracking branch 'origin/hotfix/b'", Some("hotfix/b")),
            ("Merge pull request #42 from acme/hotfix/fix-x\n\nFix x", Some("hotfix/fix-x")),
            ("Merge pull request #42 from acme/development", Some("development")),
            ("Merged in hotfix/c (pull request #7)", Some("hotfix/c")),
            ("Merge branches 'hotfix/a' and 'hotfix/b'", Some("hotfix/a")),
            ("Fix the login timeout", None),
            ("Merge branch ''", None),
            ("Merge branch 'unterminated", None),
            ("Merge branch 'unterminated into x", None),
            ("Merge pull request #1", None),
            ("", None),
        ];
        for (msg, want) in cases {
            assert_eq!(merged_branch(msg).as_deref(), want, "{msg}");
        }
    }

    #[test]
    fn reads_the_pull_request_number_of_every_host_form() {
        use super::pull_request;
        let cases = [
            ("Merge pull request #123 from acme/hotfix/x\n\nFix x", Some(123)),
            ("Fix the login timeout (#42)", Some(42)),
            ("Reference data through SSM (#731) (#736)", Some(736)),
            ("Merged in hotfix/c (pull request #7)", Some(7)),
            (
                "Merge branch 'hotfix/a' into 'main'\n\nFix a\n\nSee merge request acme/app!58",
                Some(58),
            ),
            ("Merge branch 'hotfix/a'", None),
            ("Fix (#)", None),
            ("Fix (#12a)", None),
            ("Merge pull request #x from acme/hotfix/x", None),
            ("Bump to 1.2 (#-3)", None),
            ("", None),
        ];
        for (msg, want) in cases {
            assert_eq!(pull_request(msg), want, "{msg}");
        }
    }

    /// Found by fuzzing: Git quotes a name holding a quote as is, and the name was cut at its
    /// first quote, so `hotfix/it's` was checked as `hotfix/it`.
    #[test]
    fn a_quote_inside_the_branch_name_is_kept() {
        for (msg, want) in [
            ("Merge branch 'hotfix/it's'", "hotfix/it's"),
            ("Merge branch 'hotfix/it's' into development", "hotfix/it's"),
            ("Merge branch 'a''' into 'main'", "a''"),
            ("Merge remote-tracking branch 'origin/it's'", "it's"),
            ("Merge branches 'it's' and 'b'", "it's"),
        ] {
            assert_eq!(merged_branch(msg).as_deref(), Some(want), "{msg}");
        }
    }
}

/// Long run: `PROPTEST_CASES=100000 cargo test --release --bin git-hotfix message::fuzz`
/// (see `src/fuzz.rs`).
#[cfg(test)]
mod fuzz {
    use super::merged_branch;
    use crate::fuzz::{config, text};
    use crate::policy::naming::is_valid_branch_name;
    use proptest::prelude::*;

    /// Any name Git accepts for a branch, quotes and all.
    fn branch() -> impl Strategy<Value = String> {
        let part = "([a-z0-9_'#,!&()+=%]|é|日)([a-z0-9_'#@,!&()+=%.-]|é|日){0,11}";
        proptest::string::string_regex(&format!("{part}(/{part}){{0,3}}"))
            .unwrap()
            .prop_filter("a valid branch name", |b| is_valid_branch_name(b))
    }

    /// A merge message in one of the forms Git and the code hosts write, with the branch it
    /// names.
    fn message() -> impl Strategy<Value = (String, String)> {
        let url =
            prop::sample::select(vec!["github.com:o/r", "https://host/x.git", "../origin.git"]);
        let body = text();
        (branch(), branch(), branch(), url, 1..100000u32, "[a-z0-9-]{1,12}", body, 0..8usize)
            .prop_map(|(b, target, other, url, n, owner, body, form)| {
                let subject = match form {
                    0 => format!("Merge branch '{b}'"),
                    1 => format!("Merge branch '{b}' into {target}"),
                    2 => format!("Merge branch '{b}' of {url} into {target}"),
                    3 => format!("Merge branch '{b}' into '{target}'"),
                    4 => format!("Merge remote-tracking branch '{owner}/{b}' into {target}"),
                    5 => format!("Merge branches '{b}' and '{other}' into {target}"),
                    6 => format!("Merge pull request #{n} from {owner}/{b}"),
                    _ => format!("Merged in {b} (pull request #{n})"),
                };
                (format!("{subject}\n\n{body}"), b)
            })
    }

    proptest! {
        #![proptest_config(config(512))]

        #[test]
        fn never_panics(message in text()) {
            let _ = merged_branch(&message);
            let _ = super::pull_request(&message);
        }

        #[test]
        fn every_host_form_names_its_branch((message, branch) in message()) {
            prop_assert_eq!(merged_branch(&message), Some(branch), "{}", message);
        }
    }
}
