//! `git hotfix init`: write the team's `.githotfix.toml` with the branch names this repository
//! actually uses, so that nobody has to guess `master` or `develop`.

use crate::config::{self, Config};
use crate::error::{Error, Result};
use crate::output;
use crate::repo::Repo;
use std::io::Write;

/// The names a main branch goes by, most likely first.
const MAIN_NAMES: &[&str] = &["main", "master"];
/// The names a development branch goes by, most likely first.
const DEVELOPMENT_NAMES: &[&str] = &["development", "develop", "dev"];

/// Write a .githotfix.toml with the branch names found in this repository
#[derive(Debug, clap::Args)]
pub struct InitArgs {}

pub fn run(_args: &InitArgs) -> Result<()> {
    let repo = Repo::discover()?;
    let Some(root) = repo.workdir() else {
        return Err(Error::env("git hotfix init needs a work tree; this is a bare repository")
            .hint(format!(
                "commit {} to main in a clone: a server reads it from main's tree",
                config::FILE_NAME
            )));
    };
    let path = root.join(config::FILE_NAME);
    if std::fs::symlink_metadata(&path).is_ok() {
        return Err(refuse_overwrite(&path));
    }
    // No file yet: the defaults, with any `git config hotfix.*` values.
    let cfg = repo.load_config()?;
    // A name set with `git config hotfix.main` (or `.development`) comes first.
    let main = detect(&repo, &cfg, &cfg.main, MAIN_NAMES)?;
    let development = detect(&repo, &cfg, &cfg.development, DEVELOPMENT_NAMES)?;
    for (what, found, default) in
        [("main", &main, &cfg.main), ("development", &development, &cfg.development)]
    {
        if found.is_none() {
            output::warn(format!(
                "no {what} branch found (tried {}); wrote '{default}': edit the file if that is wrong",
                if what == "main" { MAIN_NAMES } else { DEVELOPMENT_NAMES }.join(", ")
            ));
        }
    }
    let text = render(&cfg, main.as_deref(), development.as_deref());
    let mut file = match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(refuse_overwrite(&path));
        }
        Err(e) => return Err(Error::env(format!("cannot create {}: {e}", path.display()))),
    };
    file.write_all(text.as_bytes())
        .map_err(|e| Error::env(format!("cannot write {}: {e}", path.display())))?;
    output::say(format!("wrote {}:", path.display()));
    output::say(text.trim_end());
    output::note(format!(
        "commit it so the whole team shares it: git add {0} && git commit -m \"Add {0}\"",
        config::FILE_NAME
    ));
    Ok(())
}

fn refuse_overwrite(path: &std::path::Path) -> Error {
    Error::refused(format!("{} already exists; not overwriting it", path.display()))
        .hint("edit it, or remove it and run git hotfix init again")
}

/// The first of `configured` and `names` that exists as a local or remote-tracking branch.
fn detect(repo: &Repo, cfg: &Config, configured: &str, names: &[&str]) -> Result<Option<String>> {
    for name in std::iter::once(configured).chain(names.iter().copied()) {
        if repo.trunk(cfg, name)?.is_some() {
            return Ok(Some(name.to_owned()));
        }
    }
    Ok(None)
}

fn render(cfg: &Config, main: Option<&str>, development: Option<&str>) -> String {
    let main = main.unwrap_or(&cfg.main);
    let development = development.unwrap_or(&cfg.development);
    format!(
        "# git-hotfix settings, shared by the team. Any key can be overridden for one clone with\n\
         # git config (hotfix.<key>, written without `_`: name_pattern is hotfix.namePattern).\n\
         remote = {}\n\
         main = {}\n\
         development = {}\n\
         prefix = {}\n\
         name_pattern = {}\n\
         # R6: a hotfix that changes more than this gets a warning (an error with enforce_size).\n\
         max_files = {}\n\
         max_lines = {}\n\
         enforce_size = {}\n",
        quote(&cfg.remote),
        quote(main),
        quote(development),
        quote(cfg.prefix()),
        quote(cfg.naming.pattern.as_str()),
        cfg.max_files,
        cfg.max_lines,
        cfg.enforce_size
    )
}

/// A TOML literal string when it can be one (patterns keep their backslashes readable), else a
/// basic string with escapes.
fn quote(value: &str) -> String {
    if !value.contains('\'') && !value.chars().any(char::is_control) {
        return format!("'{value}'");
    }
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn quoted_values_read_back_as_themselves() {
        for value in ["main", r"^[a-z]+\d*$", "it's", "tab\there", "\"q\""] {
            let doc: toml::Table = toml::from_str(&format!("k = {}", quote(value))).unwrap();
            assert_eq!(doc["k"].as_str(), Some(value), "{value}");
        }
    }
}
