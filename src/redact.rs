//! Credentials out of anything the tool prints: Git's and the host tools' messages may quote
//! a remote URL with a token in it.

/// `text` (a URL, or a message that quotes URLs) with any credentials replaced, safe to print:
/// `https://user:token@host/…` and `https://token@host/…` become `https://***@host/…`. SSH user
/// names (`git@`) are not secrets and stay, unless a password follows them.
pub fn redact(text: &str) -> String {
    redact_tokens(&redact_urls(text))
}

/// The environment variables the host tools read a token from: their values never reach the
/// screen, whatever a tool printed.
const TOKEN_VARS: &[&str] = &[
    "GH_TOKEN",
    "GITHUB_TOKEN",
    "GH_ENTERPRISE_TOKEN",
    "GITHUB_ENTERPRISE_TOKEN",
    "GITLAB_TOKEN",
    "GLAB_TOKEN",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
];

/// How the hosts' tokens begin (GitHub's `ghp_`, `github_pat_`…, GitLab's `glpat-`).
const TOKEN_PREFIXES: &[&str] =
    &["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "gldt-", "glrt-"];

/// Words that look like a host's token, and the values of the token variables, replaced.
fn redact_tokens(text: &str) -> String {
    let mut out = text.to_owned();
    for var in TOKEN_VARS {
        if let Ok(value) = std::env::var(var)
            && value.len() >= 8
        {
            out = out.replace(&value, "***");
        }
    }
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let mut redacted = String::with_capacity(out.len());
    let mut rest = out.as_str();
    while let Some(start) = TOKEN_PREFIXES.iter().filter_map(|p| rest.find(p)).min() {
        let at_word_start = !rest[..start].chars().next_back().is_some_and(word);
        let end = start + rest[start..].find(|c: char| !word(c)).unwrap_or(rest.len() - start);
        redacted.push_str(&rest[..start]);
        redacted.push_str(if at_word_start { "***" } else { &rest[start..end] });
        rest = &rest[end..];
    }
    redacted.push_str(rest);
    redacted
}

/// Credentials in URLs: `https://user:token@host/…` keeps only the host.
fn redact_urls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (pos, _) in text.match_indices("://") {
        let start = pos + 3;
        // The authority runs to the path or the end of the word. Quotes do not end it: a
        // password may hold one.
        let tail = &text[start..];
        let authority =
            &tail[..tail.find(|c: char| c == '/' || c.is_whitespace()).unwrap_or(tail.len())];
        let Some(at) = authority.rfind('@') else { continue };
        let scheme = text[..pos]
            .rsplit(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
            .next()
            .unwrap_or_default();
        let web = scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("http");
        if (web || authority[..at].contains(':')) && start >= copied {
            out.push_str(&text[copied..start]);
            out.push_str("***");
            copied = start + at;
        }
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::redact;

    /// Found by fuzzing: a password or token holding a quote (a valid userinfo character),
    /// and a URL right after another `scheme://`, came out whole.
    #[test]
    fn quotes_and_nested_schemes_do_not_hide_credentials() {
        assert_eq!(redact("https://u:pa'ss@host/x"), "https://***@host/x");
        assert_eq!(redact("'https://'tok@github.com/a/b'"), "'https://***@github.com/a/b'");
        assert_eq!(redact("x://https://u:pw@h/r"), "x://https://***@h/r");
    }

    #[test]
    fn host_tokens_never_survive_redaction() {
        assert_eq!(redact("gh: Bad credentials for ghp_abc123XYZ"), "gh: Bad credentials for ***");
        assert_eq!(redact("token=github_pat_11AB_cd, next"), "token=***, next");
        assert_eq!(redact("glpat-xyz-123 failed"), "*** failed");
        assert_eq!(redact("the word sighp_x stays"), "the word sighp_x stays");
    }

    #[test]
    fn credentials_never_survive_redaction() {
        assert_eq!(
            redact("https://user:s3cret@example.com/acme/app.git"),
            "https://***@example.com/acme/app.git"
        );
        assert_eq!(redact("https://ghp_token@github.com/a/b"), "https://***@github.com/a/b");
        assert_eq!(redact("ssh://deploy:pw@host/a/b"), "ssh://***@host/a/b");
        // Nothing secret: unchanged.
        for url in [
            "ssh://git@github.com/a/b.git",
            "git@github.com:a/b.git",
            "https://github.com/a/b",
            "/srv/git/app.git",
            "https://example.com/a@b",
        ] {
            assert_eq!(redact(url), url);
        }
        assert_eq!(
            redact(
                "fatal: unable to access 'https://u:p@host/x/': no; also http://t@h and ssh://git@h/r"
            ),
            "fatal: unable to access 'https://***@host/x/': no; also http://***@h and ssh://git@h/r"
        );
    }
}
