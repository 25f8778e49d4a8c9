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
        let main = self.repo.trunk(&self.config, &self.config.main)?.ok_or_else(|| {
            Error::env(format!(
                "branch '{}' was found neither on {} nor locally",
                self.config.main, self.config.remote
            ))
            .hint(format!(
                "fetch it (git fetch {}), or set the name in .githotfix.toml (key `main`)",
                self.config.remote
            ))
        })?;
        Ok(Trunks {
            main,
            main_name: &self.config.main,
            development: self.repo.trunk(&self.config, &self.config.development)?,
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
