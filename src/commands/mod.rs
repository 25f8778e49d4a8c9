//! One module per subcommand: `<name>::<Name>Args` (its help text) and `<name>::run`.

pub mod check;
pub mod cleanup;
pub mod completions;
pub mod finish;
pub mod init;
pub mod install;
pub mod list;
pub mod publish;
pub mod start;
pub mod status;
pub mod tour;
pub mod verify;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::hooks;
use crate::policy::Trunks;
use crate::policy::backmerge::Hotfix;
use crate::repo::Repo;
use gix::ObjectId;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    Start(start::StartArgs),
    Status(status::StatusArgs),
    List(list::ListArgs),
    Check(check::CheckArgs),
    Publish(publish::PublishArgs),
    Finish(finish::FinishArgs),
    Cleanup(cleanup::CleanupArgs),
    Verify(verify::VerifyArgs),
    Install(install::InstallArgs),
    Uninstall(install::UninstallArgs),
    Init(init::InitArgs),
    Tour(tour::TourArgs),
    Completions(completions::CompletionsArgs),
    /// Print the man page (roff) on standard output
    #[command(hide = true)]
    Man,
    /// Entry points for Git's hooks (see githooks(5)); the shims installed by `install` call these
    #[command(subcommand)]
    Hook(hooks::HookCommand),
}

pub fn run(command: Command) -> Result<()> {
    match command {
        Command::Start(args) => start::run(&args),
        Command::Status(args) => status::run(&args),
        Command::List(args) => list::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Publish(args) => publish::run(&args),
        Command::Finish(args) => finish::run(&args),
        Command::Cleanup(args) => cleanup::run(&args),
        Command::Verify(args) => verify::run(&args),
        Command::Install(args) => install::run(&args),
        Command::Uninstall(args) => install::run_uninstall(&args),
        Command::Init(args) => init::run(&args),
        Command::Tour(args) => tour::run(&args),
        Command::Completions(args) => completions::run(&args),
        Command::Man => completions::man(),
        Command::Hook(hook) => hooks::run(hook),
    }
}

/// The open repository and the team's configuration: what almost every command starts from.
pub struct Context {
    pub repo: Repo,
    pub config: Config,
}

impl Context {
    pub fn open() -> Result<Self> {
        let repo = Repo::discover()?;
        let config = repo.load_config()?;
        Ok(Self { repo, config })
    }

    /// main and development as the checks see them (remote-tracking first). main must exist.
    pub fn trunks(&self) -> Result<Trunks<'_, ObjectId>> {
        let remote = &self.config.remote;
        let find = |branch: &str| self.repo.trunk(&self.config, branch);
        self.trunks_found(find(&self.config.main)?, find(&self.config.development)?, || {
            Error::env(format!(
                "branch '{}' was found neither on {remote} nor locally",
                self.config.main
            ))
            .hint(format!(
                "fetch it (git fetch {remote}), or set the name in .githotfix.toml (key `main`)"
            ))
        })
    }

    /// main and development as a Git server sees them: its own branches (pre-receive). On a
    /// server without main yet, `creating_main` (the main a push creates) stands in for it.
    pub fn local_trunks(&self, creating_main: Option<ObjectId>) -> Result<Trunks<'_, ObjectId>> {
        let own = |branch: &str| self.repo.resolve_ref(&format!("refs/heads/{branch}"));
        let main = own(&self.config.main)?.or(creating_main);
        self.trunks_found(main, own(&self.config.development)?, || {
            Error::env(format!("this repository has no branch '{}'", self.config.main)).hint(
                format!(
                    "push '{}' first, or set the name with: git config hotfix.main <branch>",
                    self.config.main
                ),
            )
        })
    }

    fn trunks_found(
        &self,
        main: Option<ObjectId>,
        development: Option<ObjectId>,
        missing: impl FnOnce() -> Error,
    ) -> Result<Trunks<'_, ObjectId>> {
        Ok(Trunks {
            main: main.ok_or_else(missing)?,
            main_name: &self.config.main,
            development,
            development_name: &self.config.development,
        })
    }

    /// Every hotfix branch known here, local and remote-tracking, by short name
    /// (`hotfix/x`, `origin/hotfix/x`).
    pub fn hotfix_branches(&self) -> Result<Vec<Hotfix<ObjectId>>> {
        let prefix = self.config.prefix();
        let mut found = Vec::new();
        for namespace in ["refs/heads/".to_owned(), format!("refs/remotes/{}/", self.config.remote)]
        {
            let listing = if prefix.ends_with('/') {
                self.repo.refs_with_prefix(&format!("{namespace}{prefix}"))?
            } else {
                // A prefix like `hotfix-` is not a directory: list the namespace and filter.
                self.repo.refs_with_prefix(&namespace)?
            };
            for (name, tip) in listing {
                let short = name
                    .strip_prefix("refs/heads/")
                    .or_else(|| name.strip_prefix("refs/remotes/"))
                    .unwrap_or(&name);
                let branch =
                    short.strip_prefix(&format!("{}/", self.config.remote)).unwrap_or(short);
                if branch.starts_with(prefix) {
                    found.push(Hotfix { name: short.to_owned(), tip });
                }
            }
        }
        Ok(found)
    }
}
