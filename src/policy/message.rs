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
    let branch = &quoted[..quoted.find('\'')?];
    if remote_tracking {
        return non_empty(branch.split_once('/').map_or(branch, |(_, b)| b));
    }
    non_empty(branch)
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
            ("Merge pull request #1", None),
            ("", None),
        ];
        for (msg, want) in cases {
            assert_eq!(merged_branch(msg).as_deref(), want, "{msg}");
        }
    }
}
