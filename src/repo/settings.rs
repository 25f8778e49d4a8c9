//! What the repository says about configuration: the team's `.githotfix.toml` (from the work
//! tree, or from main's tree in a bare repository) and Git config, `git -c` values included.

use super::Repo;
use crate::config::{self, Config, GitConfig};
use crate::error::{Error, Result};
use std::io::Read;
use std::path::Path;

impl Repo {
    /// The team's configuration: `.githotfix.toml` from the work tree, or in a bare repository
    /// from main's tree, then Git config.
    pub fn load_config(&self) -> Result<Config> {
        let source = if let Some(root) = self.workdir() {
            read_work_tree_config(&root)?
        } else {
            let main = self.config_string("hotfix.main").unwrap_or_else(|| "main".into());
            match self.resolve_ref(&format!("refs/heads/{main}"))? {
                Some(tip) => match self.file_at(tip, config::FILE_NAME)? {
                    Some(bytes) => Some(config::source_from_bytes(
                        format!("{main}:{}", config::FILE_NAME),
                        bytes,
                    )?),
                    None => None,
                },
                None => None,
            }
        };
        config::load(source.as_ref(), self)
    }
}

impl GitConfig for Repo {
    fn config_string(&self, key: &str) -> Option<String> {
        string_in(self.inner.config_snapshot().plumbing(), key)
    }

    fn may_have_section(&self, name: &str) -> bool {
        has_section(self.inner.config_snapshot().plumbing(), name)
    }
}

/// `key`'s value in `config`. A key written with no value (`[hotfix] enforceSize`) means true
/// to Git; gix has no string for it, only the boolean. The configuration asks for its keys
/// under `hotfix.` one by one, and most repositories have no such section: then the answer
/// is known without a lookup (each costs a parse of the key and a search).
pub(super) fn string_in(config: &gix::config::File, key: &str) -> Option<String> {
    let section = key.split_once('.').map_or(key, |(section, _)| section);
    if !has_section(config, section) {
        return None;
    }
    config
        .string(key)
        .map(|v| v.to_string())
        .or_else(|| config.boolean(key).ok().flatten().map(|b| b.to_string()))
}

/// Whether `config` has a section called `name`, in any case (one lookup: gix keeps the
/// sections by name).
pub(super) fn has_section(config: &gix::config::File, name: &str) -> bool {
    config.sections_by_name(name).is_some_and(|mut sections| sections.next().is_some())
}

/// Reads `.githotfix.toml` at the work-tree root, refusing a symlink that leads outside it.
pub(super) fn read_work_tree_config(root: &Path) -> Result<Option<config::Source>> {
    let path = root.join(config::FILE_NAME);
    let Ok(meta) = std::fs::symlink_metadata(&path) else { return Ok(None) };
    let label = config::FILE_NAME.to_owned();
    if meta.file_type().is_symlink() {
        let target = std::fs::canonicalize(&path)
            .map_err(|e| Error::env(format!("{label}: broken symlink ({e})")))?;
        let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        if !target.starts_with(&root) {
            return Err(Error::env(format!(
                "{label} is a symlink to {}, outside the repository: refusing to read it",
                target.display()
            )));
        }
    }
    // Only a regular file: reading a FIFO would hang every command and hook, and a device or
    // a huge file is no configuration; read no more than the size limit allows.
    // (Checked before opening: opening a FIFO blocks.)
    let io = |e: std::io::Error| Error::env(format!("{label}: {e}"));
    if !std::fs::metadata(&path).map_err(io)?.is_file() {
        return Err(Error::env(format!(
            "{label} is not a regular file: the configuration must be a file of TOML text"
        )));
    }
    let file = std::fs::File::open(&path).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(config::MAX_FILE_BYTES as u64 + 1).read_to_end(&mut bytes).map_err(io)?;
    config::source_from_bytes(label, bytes).map(Some)
}

/// How every repository is opened: with one-off `git -c` values.
pub(super) fn open_options() -> gix::open::Options {
    gix::open::Options::default().cli_overrides(git_config_parameters())
}

/// `git -c key=value` reaches us as `GIT_CONFIG_PARAMETERS`, which gix ignores: parse it into
/// overrides. Format: space-separated `'key'='value'` (Git ≥ 2.31) or `'key=value'`, with `'`
/// written as `'\''`.
pub(super) fn git_config_parameters() -> Vec<String> {
    let Ok(raw) = std::env::var("GIT_CONFIG_PARAMETERS") else { return Vec::new() };
    let (mut out, mut current, mut in_token) = (Vec::new(), String::new(), false);
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_token = true;
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    current.push(q);
                }
            }
            '\\' => {
                if let Some(next) = chars.next() {
                    current.push(next);
                    in_token = true;
                }
            }
            ' ' | '\t' | '\n' => {
                if in_token {
                    out.push(std::mem::take(&mut current));
                    in_token = false;
                }
            }
            c => {
                current.push(c);
                in_token = true;
            }
        }
    }
    if in_token {
        out.push(current);
    }
    out
}
