//! The team's configuration read without opening the repository, for the question a pre-push
//! hook asks on every push of every developer: does any pushed ref concern main, development
//! or a hotfix branch? An unrelated push then costs starting the process and reading the
//! configuration, as SPEC asks (opening the repository — discovery, refs, the object
//! database — would cost it a third more).
//!
//! It reads the same files, in the same order and with the same overrides, as
//! [`Repo::discover`](super::Repo::discover) and `load_config` do through gix's repository
//! open: Git's system, global, local and worktree configuration with includes (`gitdir:` and
//! `onbranch:` conditions too), `GIT_CONFIG_COUNT`, `git -c`, then `.githotfix.toml` at the
//! work tree's root. Wherever it could read differently it gives up (`None`) and the caller
//! opens the repository: a bare repository (the file is in main's tree), `GIT_WORK_TREE` or
//! `core.worktree`, a hook started outside the work tree's root, a repository not owned by
//! the user (Git's dubious ownership), anything unreadable or invalid.

use super::settings::{git_config_parameters, has_section, read_work_tree_config, string_in};
use crate::config::{self, Config, GitConfig};
use gix::ObjectId;
use gix::bstr::{BStr, ByteSlice};
use gix::config::{File, Source, file::Metadata, file::includes, file::init};
use gix::sec::Trust;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// A full SHA-1 object id (the hooks' input before the repository says its hash kind: a
/// SHA-256 repository's ids do not parse, so its hook takes the full path).
pub fn sha1_id(hex: &str) -> Option<ObjectId> {
    (hex.len() == 40).then(|| ObjectId::from_hex(hex.as_bytes()).ok()).flatten()
}

/// The configuration as the full path would load it, if it can be read here exactly so.
pub fn config_before_open() -> Option<Config> {
    let env = |name: &str| std::env::var_os(name);
    let cwd = std::env::current_dir().ok()?;
    let (git_dir, common_dir) = locate(&cwd, &env)?;
    for dir in [&cwd, &git_dir] {
        if Trust::from_path_ownership(dir).ok()? != Trust::Full {
            return None;
        }
    }
    let git = Git { file: load(&git_dir, &common_dir, &env)? };
    if git.file.boolean("core.bare").ok() != Some(Some(false))
        || git.file.raw_value("core.worktree").is_ok()
    {
        return None;
    }
    let source = read_work_tree_config(&cwd).ok()?;
    config::load(source.as_ref(), &git).ok()
}

/// The Git dir and common dir of the work tree at `cwd` (its root, as for every hook): from
/// `GIT_DIR` or `cwd/.git` (a directory, or a `gitdir:` file), which must agree.
fn locate(cwd: &Path, env: &dyn Fn(&str) -> Option<OsString>) -> Option<(PathBuf, PathBuf)> {
    if env("GIT_WORK_TREE").is_some() || env("GIT_COMMON_DIR").is_some() {
        return None;
    }
    let dot_git = cwd.join(".git");
    let meta = std::fs::symlink_metadata(&dot_git).ok()?;
    let found = if meta.is_dir() {
        dot_git
    } else if meta.is_file() {
        let text = std::fs::read_to_string(&dot_git).ok()?;
        cwd.join(text.strip_prefix("gitdir:")?.trim())
    } else {
        return None;
    };
    let git_dir = match env("GIT_DIR") {
        Some(dir) => {
            let dir = cwd.join(dir);
            (std::fs::canonicalize(&dir).ok()? == std::fs::canonicalize(&found).ok()?)
                .then_some(dir)?
        }
        None => found,
    };
    let common_dir = match std::fs::read_to_string(git_dir.join("commondir")) {
        Ok(text) => git_dir.join(text.trim_end_matches(['\n', '\r'])),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => git_dir.clone(),
        Err(_) => return None,
    };
    Some((git_dir, common_dir))
}

/// Git config as gix's repository open assembles it (`gix::config::cache::init::load`):
/// installation, system and global files, the repository's own (and its worktree's), includes
/// resolved against the common dir and HEAD's branch, then the environment and `git -c`.
fn load(git_dir: &Path, common_dir: &Path, env: &dyn Fn(&str) -> Option<OsString>) -> Option<File> {
    let mut buf = Vec::new();
    let mut local = file_at(common_dir.join("config"), Source::Local, &mut buf)?;
    if local.boolean("extensions.worktreeConfig").ok()?.unwrap_or(false) {
        local.append(file_at(git_dir.join("config.worktree"), Source::Worktree, &mut buf)?).ok()?;
    }
    let head = std::fs::read_to_string(git_dir.join("HEAD")).ok()?;
    let branch = head.strip_prefix("ref:").map(|name| name.trim().as_bytes().as_bstr());
    let branch: Option<&gix::refs::FullNameRef> = match branch {
        Some(name) => Some(name.try_into().ok()?),
        None => None,
    };
    let install_dir = std::env::current_exe().ok()?.parent().map(Path::to_path_buf);
    let home = gix::path::env::home_dir();
    let options = init::Options {
        includes: includes::Options::follow(
            gix::config::path::interpolate::Context {
                git_install_dir: install_dir.as_deref(),
                home_dir: home.as_deref(),
                home_for_user: Some(gix::config::path::interpolate::home_for_user),
            },
            includes::conditional::Context { git_dir: Some(common_dir), branch_name: branch },
        ),
        ..Default::default()
    };
    // As gix's source environment: only Git's own variables, HOME and XDG_CONFIG_HOME.
    let mut source_env = |name: &str| match name {
        "HOME" => home.clone().map(Into::into),
        n if n.starts_with("GIT_") || n == "XDG_CONFIG_HOME" => env(n),
        _ => None,
    };
    let no_system = env("GIT_CONFIG_NOSYSTEM")
        .and_then(|v| gix::config::Boolean::try_from(v).ok())
        .is_some_and(|v| v.0);
    let kinds = [
        gix::config::source::Kind::GitInstallation,
        gix::config::source::Kind::System,
        gix::config::source::Kind::Global,
    ];
    let paths: Vec<_> = kinds
        .iter()
        .flat_map(|kind| kind.sources())
        .filter(|source| !(no_system && matches!(source, Source::GitInstallation | Source::System)))
        .filter_map(|&source| {
            let path = source.storage_location(&mut source_env)?;
            Some(Metadata::from(source).at(path).with(Trust::Full))
        })
        .collect();
    let without_includes = init::Options { includes: includes::Options::no_follow(), ..options };
    let mut config =
        File::from_paths_metadata_buf(&mut paths.into_iter(), &mut buf, false, without_includes)
            .ok()?
            .unwrap_or_default();
    config.append(local).ok()?;
    config.resolve_includes(options).ok()?;
    config.append(File::from_env(options).ok()?.unwrap_or_default()).ok()?;
    let mut overrides = File::new(Metadata::from(Source::Cli));
    for key_value in git_config_parameters() {
        let mut tokens = key_value.as_bytes().splitn(2, |&b| b == b'=').map(ByteSlice::trim);
        let key = gix::config::KeyRef::parse_unvalidated(tokens.next()?.as_bstr())?;
        let value: Option<&BStr> = tokens.next().map(ByteSlice::as_bstr);
        let mut section =
            overrides.section_mut_or_create_new(key.section_name, key.subsection_name).ok()?;
        section.push(key.value_name, value).ok()?;
    }
    config.append(overrides).ok()?;
    Some(config)
}

/// One repository configuration file (none there: empty), without includes.
fn file_at(path: PathBuf, source: Source, buf: &mut Vec<u8>) -> Option<File> {
    let meta = Metadata::from(source).at(&path).with(Trust::Full);
    match std::fs::read(&path) {
        Ok(bytes) => {
            *buf = bytes;
            let options =
                init::Options { includes: includes::Options::no_follow(), ..Default::default() };
            File::from_bytes_owned(buf, meta, options).ok()
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(File::new(meta)),
        Err(_) => None,
    }
}

/// Values as [`Repo`](super::Repo) reads them.
struct Git {
    file: File,
}

impl GitConfig for Git {
    fn config_string(&self, key: &str) -> Option<String> {
        string_in(&self.file, key)
    }

    fn may_have_section(&self, name: &str) -> bool {
        has_section(&self.file, name)
    }
}

#[cfg(test)]
mod tests {
    use super::{Git, GitConfig};
    use gix::config::File;

    fn git(text: &str) -> Git {
        Git { file: File::try_from(text).expect("valid config") }
    }

    #[test]
    fn keys_under_hotfix_are_read_whatever_the_section_is_spelled() {
        let none = git("[core]\n\tbare = false\n[remote \"origin\"]\n\turl = u\n");
        assert!(!none.may_have_section("hotfix") && !none.may_have_section("HOTFIX"));
        assert_eq!(none.config_string("hotfix.main"), None);
        assert_eq!(none.config_string("remote.origin.url").as_deref(), Some("u"));
        let set = git(
            "[HotFix]\n\tmain = trunk\n[hotfix \"deploy.main\"]\n\tregion = eu\n\tcodepipeline = prod\n",
        );
        assert!(set.may_have_section("hotfix"));
        assert_eq!(set.config_string("hotfix.main").as_deref(), Some("trunk"));
        assert_eq!(set.config_string("hotfix.deploy.main.region").as_deref(), Some("eu"));
        let config = crate::config::load(None, &set).unwrap();
        assert_eq!(config.main, "trunk");
        assert_eq!(
            config.deploy_main.expect("deployments from Git config").region.as_deref(),
            Some("eu")
        );
    }
}
