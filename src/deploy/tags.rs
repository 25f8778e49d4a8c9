//! Deploy by tag: the names a `tags` pattern makes (`cc-prod-{date}`), and which existing tags
//! it made before.

use crate::config::TagPattern;
use crate::output;
use regex::Regex;

/// The tag `pattern` names for the commit `short` (7 characters) at `now` (seconds, UTC);
/// `{n}` becomes the smallest number from 1 for which `taken` says no.
pub fn name(pattern: &TagPattern, now: i64, short: &str, taken: &dyn Fn(&str) -> bool) -> String {
    let day = output::date(now).replace('-', "");
    let secs = now.rem_euclid(86_400);
    let time = format!("{:02}{:02}{:02}", secs / 3_600, secs % 3_600 / 60, secs % 60);
    let fixed =
        pattern.as_str().replace("{date}", &day).replace("{time}", &time).replace("{short}", short);
    if !fixed.contains("{n}") {
        return fixed;
    }
    (1u64..)
        .map(|n| fixed.replace("{n}", &n.to_string()))
        .find(|candidate| !taken(candidate))
        .unwrap_or(fixed)
}

/// Whether `tag` is one that `pattern` makes.
pub fn made_by(pattern: &TagPattern, tag: &str) -> bool {
    let mut expression = regex::escape(pattern.as_str());
    for (placeholder, shape) in [
        ("\\{date\\}", "[0-9]{8}"),
        ("\\{time\\}", "[0-9]{6}"),
        ("\\{short\\}", "[0-9a-f]{7}"),
        ("\\{n\\}", "[0-9]+"),
    ] {
        expression = expression.replace(placeholder, shape);
    }
    Regex::new(&format!("^{expression}$")).is_ok_and(|r| r.is_match(tag))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(text: &str) -> TagPattern {
        let source = crate::config::Source {
            label: "t".into(),
            text: format!("[deploy.main]\ntags = [{text:?}]\n"),
        };
        struct NoGit;
        impl crate::config::GitConfig for NoGit {
            fn config_string(&self, _: &str) -> Option<String> {
                None
            }
        }
        crate::config::load(Some(&source), &NoGit).unwrap().deploy_main.unwrap().tags.remove(0)
    }

    #[test]
    fn names_from_the_clock_and_the_commit() {
        let now = 1_796_308_361; // 2026-12-03T14:32:41Z
        assert_eq!(name(&pattern("cc-prod-{date}"), now, "abc1234", &|_| true), "cc-prod-20261203");
        assert_eq!(
            name(&pattern("cc-test-{date}-{time}-{short}"), now, "abc1234", &|_| false),
            "cc-test-20261203-143241-abc1234"
        );
        let taken = |t: &str| ["ui-20261203.1", "ui-20261203.2"].contains(&t);
        assert_eq!(name(&pattern("ui-{date}.{n}"), now, "abc1234", &taken), "ui-20261203.3");
    }

    #[test]
    fn recognises_its_own_tags() {
        let p = pattern("cc-prod-{date}");
        assert!(made_by(&p, "cc-prod-20261203"));
        assert!(!made_by(&p, "cc-prod-2026120"));
        assert!(!made_by(&p, "ui-prod-20261203"));
        let p = pattern("v1.{n}+{short}");
        assert!(made_by(&p, "v1.12+abc1234"));
        assert!(!made_by(&p, "v1x12+abc1234"));
    }
}
