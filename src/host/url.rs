//! The code host behind a remote URL, and the web address that opens a pull request there.
//! Pure string work, so that every URL form people write is unit-tested.

use crate::config::HostKind;

/// The code hosts whose "new pull request" address is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forge {
    GitHub,
    GitLab,
    Bitbucket,
}

/// A repository on a known code host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    pub forge: Forge,
    /// The web host (`github.com`), whatever host the SSH URL used (`ssh.github.com`); for
    /// a self-hosted instance, the host of its URL.
    pub host: String,
    /// `owner/repo`, or `group/subgroup/repo` on GitLab; no `.git`.
    pub path: String,
}

impl Project {
    /// The repository named by a remote URL in any form Git accepts for these hosts
    /// (`https://`, `ssh://`, scp-like `git@host:owner/repo`), or `None` for other hosts and
    /// for local paths.
    /// A host it does not know is taken as `hosted` (the team's self-hosted GitHub or GitLab,
    /// named in the configuration).
    pub fn from_url_on(url: &str, hosted: Option<HostKind>) -> Option<Self> {
        let (host, path) = split_url(url.trim())?;
        let host = host.to_ascii_lowercase();
        let (forge, web_host) = match host.as_str() {
            "github.com" | "www.github.com" | "ssh.github.com" => (Forge::GitHub, "github.com"),
            "gitlab.com" | "www.gitlab.com" | "altssh.gitlab.com" => (Forge::GitLab, "gitlab.com"),
            "bitbucket.org" | "www.bitbucket.org" | "altssh.bitbucket.org" => {
                (Forge::Bitbucket, "bitbucket.org")
            }
            _ => match hosted {
                Some(HostKind::GitHub) => (Forge::GitHub, host.as_str()),
                Some(HostKind::GitLab) => (Forge::GitLab, host.as_str()),
                None => return None,
            },
        };
        let web_host = web_host.to_owned();
        let path = path.trim_matches('/');
        let path = path.strip_suffix(".git").unwrap_or(path).trim_end_matches('/');
        let segments: Vec<&str> = path.split('/').collect();
        let well_formed = segments.iter().all(|s| !s.is_empty() && *s != "." && *s != "..");
        // GitLab nests projects in groups; the others are exactly owner/repo.
        let depth_ok = match forge {
            Forge::GitLab => segments.len() >= 2,
            Forge::GitHub | Forge::Bitbucket => segments.len() == 2,
        };
        (well_formed && depth_ok).then(|| Self { forge, host: web_host, path: path.to_owned() })
    }

    /// The host's name for people.
    pub fn forge_name(&self) -> &'static str {
        match self.forge {
            Forge::GitHub => "GitHub",
            Forge::GitLab => "GitLab",
            Forge::Bitbucket => "Bitbucket",
        }
    }

    /// The page that opens a pull (merge) request from `head` into `base`.
    pub fn pull_request_url(&self, base: &str, head: &str) -> String {
        let (host, path) = (&self.host, &self.path);
        match self.forge {
            Forge::GitHub => format!(
                "https://{host}/{path}/compare/{}...{}?expand=1",
                encode(base),
                encode(head)
            ),
            Forge::GitLab => format!(
                "https://{host}/{path}/-/merge_requests/new?merge_request[source_branch]={}&merge_request[target_branch]={}",
                encode(head),
                encode(base)
            ),
            Forge::Bitbucket => format!(
                "https://{host}/{path}/pull-requests/new?source={}&dest={}",
                encode(head),
                encode(base)
            ),
        }
    }
}

/// `(host, path)` of a network URL; `None` for local paths and `file://`.
fn split_url(url: &str) -> Option<(&str, &str)> {
    if let Some((scheme, rest)) = url.split_once("://") {
        let network = ["https", "http", "ssh", "git+ssh", "ssh+git", "git"];
        if !network.iter().any(|s| scheme.eq_ignore_ascii_case(s)) {
            return None;
        }
        let (authority, path) = rest.split_once('/')?;
        let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let host = host_port.split_once(':').map_or(host_port, |(h, _)| h);
        return (!host.is_empty()).then_some((host, path));
    }
    // scp-like `[user@]host:path`: Git's rule is a colon before any slash.
    let (before, path) = url.split_once(':')?;
    if before.contains('/') {
        return None;
    }
    let host = before.rsplit_once('@').map_or(before, |(_, h)| h);
    (!host.is_empty()).then_some((host, path))
}

/// Percent-encodes everything but unreserved characters and `/`, so that a branch name
/// containing `#`, `&` or `%` stays one value in an address or a query.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        let keep = byte.is_ascii_alphanumeric()
            || matches!(byte, b'-' | b'.' | b'_' | b'~')
            || byte == b'/';
        if keep {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(url: &str) -> Option<(Forge, String)> {
        Project::from_url_on(url, None).map(|p| (p.forge, p.path))
    }

    #[test]
    fn github_in_every_form() {
        for url in [
            "https://github.com/acme/app",
            "https://github.com/acme/app.git",
            "https://github.com/acme/app/",
            "https://github.com/acme/app.git/",
            "http://github.com/acme/app.git",
            "https://user:ghp_secret@github.com/acme/app.git",
            "https://ghp_token@github.com/acme/app",
            "https://GitHub.com:443/acme/app.git",
            "ssh://git@github.com/acme/app.git",
            "ssh://git@github.com:22/acme/app",
            "ssh://git@ssh.github.com:443/acme/app.git",
            "git+ssh://git@github.com/acme/app.git",
            "git://github.com/acme/app.git",
            "git@github.com:acme/app.git",
            "git@github.com:acme/app",
            "github.com:acme/app.git",
            "git@github.com:/acme/app.git",
            "  git@github.com:acme/app.git\n",
        ] {
            assert_eq!(project(url), Some((Forge::GitHub, "acme/app".into())), "{url}");
        }
    }

    #[test]
    fn gitlab_keeps_groups_and_subgroups() {
        for (url, path) in [
            ("https://gitlab.com/acme/app.git", "acme/app"),
            ("https://gitlab.com/acme/platform/app", "acme/platform/app"),
            ("git@gitlab.com:acme/platform/team/app.git", "acme/platform/team/app"),
            ("ssh://git@altssh.gitlab.com:443/acme/app.git", "acme/app"),
            ("https://oauth2:glpat-x@gitlab.com/acme/sub/app.git", "acme/sub/app"),
        ] {
            assert_eq!(project(url), Some((Forge::GitLab, path.into())), "{url}");
        }
    }

    #[test]
    fn bitbucket_forms() {
        for url in [
            "https://bitbucket.org/acme/app.git",
            "https://someone@bitbucket.org/acme/app.git",
            "git@bitbucket.org:acme/app.git",
            "ssh://git@bitbucket.org/acme/app",
        ] {
            assert_eq!(project(url), Some((Forge::Bitbucket, "acme/app".into())), "{url}");
        }
    }

    #[test]
    fn local_paths_and_other_hosts_are_unknown() {
        for url in [
            "/srv/git/app.git",
            "../origin.git",
            "./origin.git",
            "origin.git",
            "file:///srv/git/app.git",
            "C:/repos/app.git",
            "https://git.example.com/acme/app.git",
            "git@git.example.com:acme/app.git",
            "https://github.com/acme",
            "https://github.com/acme/app/extra",
            "https://bitbucket.org/acme/app/more",
            "https://gitlab.com/acme",
            "https://github.com//app",
            "https://github.com",
            "git@github.com:",
            "",
            "https://",
            "ftp://github.com/acme/app.git",
        ] {
            assert_eq!(project(url), None, "{url:?}");
        }
    }

    #[test]
    fn pull_request_addresses() {
        let gh = Project::from_url_on("git@github.com:acme/app.git", None).unwrap();
        assert_eq!(
            gh.pull_request_url("main", "hotfix/login-timeout"),
            "https://github.com/acme/app/compare/main...hotfix/login-timeout?expand=1"
        );
        let gl = Project::from_url_on("https://gitlab.com/acme/platform/app.git", None).unwrap();
        assert_eq!(
            gl.pull_request_url("development", "hotfix/x"),
            "https://gitlab.com/acme/platform/app/-/merge_requests/new?merge_request[source_branch]=hotfix/x&merge_request[target_branch]=development"
        );
        let bb = Project::from_url_on("git@bitbucket.org:acme/app.git", None).unwrap();
        assert_eq!(
            bb.pull_request_url("main", "hotfix/x"),
            "https://bitbucket.org/acme/app/pull-requests/new?source=hotfix/x&dest=main"
        );
    }

    #[test]
    fn branch_names_with_url_syntax_are_encoded() {
        let gh = Project::from_url_on("https://github.com/acme/app", None).unwrap();
        assert_eq!(
            gh.pull_request_url("main", "hotfix/a#b&c%d+e"),
            "https://github.com/acme/app/compare/main...hotfix/a%23b%26c%25d%2Be?expand=1"
        );
    }
}

/// Long run: `PROPTEST_CASES=100000 cargo test --release --bin git-hotfix host::url::fuzz`
/// (see `src/fuzz.rs`).
#[cfg(test)]
mod fuzz {
    use super::*;
    use crate::fuzz::{config, text};
    use crate::redact::redact;
    use proptest::prelude::*;

    /// A host name as people type it: any case.
    fn any_case(host: &'static str) -> impl Strategy<Value = String> {
        prop::collection::vec(any::<bool>(), host.len()).prop_map(move |upper| {
            host.chars()
                .zip(upper)
                .map(|(c, u)| if u { c.to_ascii_uppercase() } else { c })
                .collect()
        })
    }

    /// `(forge, any host that serves it, path)`; GitLab nests groups.
    fn project() -> impl Strategy<Value = (Forge, String, String)> {
        let name = "[A-Za-z0-9_][A-Za-z0-9_.-]{0,15}"
            .prop_filter("a repository name", |n| !n.ends_with(".git") && !n.ends_with('.'));
        let owner = "[A-Za-z0-9][A-Za-z0-9-]{0,15}";
        let hosts = |forge, hosts: [&'static str; 3]| {
            prop::sample::select(hosts.to_vec())
                .prop_flat_map(any_case)
                .prop_map(move |h| (forge, h))
        };
        let forge = prop_oneof![
            hosts(Forge::GitHub, ["github.com", "www.github.com", "ssh.github.com"]),
            hosts(Forge::GitLab, ["gitlab.com", "www.gitlab.com", "altssh.gitlab.com"]),
            hosts(Forge::Bitbucket, ["bitbucket.org", "www.bitbucket.org", "altssh.bitbucket.org"]),
        ];
        (forge, owner, prop::collection::vec(name.clone(), 0..3), name).prop_map(
            |((forge, host), owner, groups, name)| {
                let groups = if forge == Forge::GitLab { groups } else { Vec::new() };
                let path = [vec![owner], groups, vec![name]].concat().join("/");
                (forge, host, path)
            },
        )
    }

    /// Characters a URL's user name or password may hold (RFC 3986 userinfo, `:` aside).
    const USERINFO: &str = "([A-Za-z0-9._~!$&'()*+,;=-]|%[0-9A-F]{2})";

    fn user() -> impl Strategy<Value = String> {
        proptest::string::string_regex(&format!("{USERINFO}{{1,10}}")).unwrap()
    }

    /// A secret that shows if any of it is left: `SECRET` cannot come from anything else here.
    fn secret() -> impl Strategy<Value = String> {
        let part = || proptest::string::string_regex(&format!("{USERINFO}{{0,6}}")).unwrap();
        (part(), part())
            .prop_map(|(a, b)| format!("{a}SECRET{b}"))
            .prop_filter("nothing else spells it", |s| s.matches("SECRET").count() == 1)
    }

    /// The URL for `host` and `path` in one of the forms Git takes.
    fn url(host: String, path: String) -> impl Strategy<Value = String> {
        let port = prop::option::of(prop::sample::select(vec![22u16, 443, 7999]));
        let userinfo = prop::option::of((user(), prop::option::of(user())));
        let suffix = prop::sample::select(vec!["", ".git", "/", ".git/"]);
        let space = prop::sample::select(vec!["", " ", "\n", "\t"]);
        (0..6usize, port, userinfo, suffix, any::<bool>(), space).prop_map(
            move |(form, port, userinfo, suffix, slash, space)| {
                let port = port.map(|p| format!(":{p}")).unwrap_or_default();
                let at = |default: &str| match &userinfo {
                    Some((u, Some(p))) => format!("{u}:{p}@"),
                    Some((u, None)) => format!("{u}@"),
                    None => default.to_owned(),
                };
                let url = match form {
                    0 => format!("https://{}{host}{port}/{path}{suffix}", at("")),
                    1 => format!("http://{}{host}/{path}{suffix}", at("")),
                    2 => format!("ssh://{}{host}{port}/{path}{suffix}", at("git@")),
                    3 => format!("git+ssh://git@{host}/{path}{suffix}"),
                    4 => format!("git://{host}/{path}{suffix}"),
                    _ => {
                        let lead = if slash { "/" } else { "" };
                        let user = if slash { "" } else { "git@" };
                        format!("{user}{host}:{lead}{path}{suffix}")
                    }
                };
                format!("{space}{url}{space}")
            },
        )
    }

    /// Text quoting a URL with credentials.
    fn leaky_text() -> impl Strategy<Value = String> {
        let scheme = prop::sample::select(vec!["https", "http", "ssh", "git", "HTTPS", "ftp"]);
        let host = prop::sample::select(vec!["github.com", "example.com", "h", "[::1]:8080"]);
        let boundary = prop::sample::select(vec!["", " ", "'", "\"", "(", "\n", ": ", "x://"]);
        (
            text(),
            boundary.clone(),
            scheme,
            user(),
            secret(),
            host,
            "(/[a-z@.]{0,8}){0,3}",
            boundary,
            text(),
        )
            .prop_map(|(before, open, scheme, user, secret, host, path, close, after)| {
                format!("{before}{open}{scheme}://{user}:{secret}@{host}{path}{close}{after}")
            })
    }

    proptest! {
        #![proptest_config(config(512))]

        #[test]
        fn never_panics(text in text()) {
            let _ = Project::from_url_on(&text, None);
            let _ = redact(&text);
        }

        #[test]
        fn every_url_form_names_its_project(
            (forge, url, path) in project()
                .prop_flat_map(|(forge, host, path)| (Just(forge), url(host, path.clone()), Just(path)))
        ) {
            let project = Project::from_url_on(&url, None);
            prop_assert_eq!(project.map(|p| (p.forge, p.path)), Some((forge, path)), "{:?}", url);
        }

        #[test]
        fn no_password_survives_redaction(text in leaky_text()) {
            let out = redact(&text);
            prop_assert!(!out.contains("SECRET"), "{:?} became {:?}", text, out);
            prop_assert_eq!(redact(&out), out.clone(), "redacting twice");
        }

        #[test]
        fn no_web_token_survives_redaction(
            scheme in prop::sample::select(vec!["https", "http", "HTTP"]),
            token in secret(),
            url in project().prop_flat_map(|(_, host, path)| Just(format!("{host}/{path}"))),
            boundary in prop::sample::select(vec!["", " ", "'", "\"", "("]),
            (before, after) in (text(), text()),
        ) {
            let before = if boundary.is_empty() { String::new() } else { before + boundary };
            let text = format!("{before}{scheme}://{token}@{url} {after}");
            let out = redact(&text);
            prop_assert!(!out.contains("SECRET"), "{:?} became {:?}", text, out);
        }

        #[test]
        fn text_without_credentials_is_unchanged(text in text().prop_map(|t| t.replace('@', ""))) {
            prop_assert_eq!(redact(&text), text);
        }
    }
}
