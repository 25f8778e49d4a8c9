//! Credentials out of anything the tool prints: Git's and the host tools' messages may quote
//! a remote URL with a token in it.

/// `text` (a URL, or a message that quotes URLs) with any credentials replaced, safe to print:
/// `https://user:token@host/…` and `https://token@host/…` become `https://***@host/…`. SSH user
/// names (`git@`) are not secrets and stay, unless a password follows them.
pub fn redact(text: &str) -> String {
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
