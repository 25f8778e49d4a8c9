//! One module per subcommand: `<name>::<Name>Args` (its help text) and `<name>::run`.

pub mod check;
pub mod cleanup;
pub mod completions;
pub mod deploy;
pub mod doctor;
pub mod finish;
pub mod init;
pub mod install;
pub mod list;
pub mod merge;
pub mod publish;
pub mod report;
pub mod start;
pub mod status;
pub mod tour;
pub mod verify;

use crate::error::Result;
use crate::hooks;
use crate::spawn;

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
    Report(report::ReportArgs),
    Merge(merge::MergeArgs),
    Deploy(deploy::DeployArgs),
    Doctor(doctor::DoctorArgs),
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

/// Runs `command`; `app` gives the whole command line's definition, which the completions and
/// the man page are generated from.
pub fn run(command: Command, app: fn() -> clap::Command) -> Result<()> {
    // The commands that change branches, refs or the remote need a Git that has every option
    // they use; the others (and the hooks, which must stay fast) do not ask.
    if matches!(
        command,
        Command::Start(_)
            | Command::Finish(_)
            | Command::Cleanup(_)
            | Command::Publish(_)
            | Command::Merge(_)
            | Command::Check(_)
            | Command::Deploy(_)
            | Command::Tour(_)
    ) {
        spawn::require_recent_git()?;
    }
    match command {
        Command::Start(args) => start::run(&args),
        Command::Status(args) => status::run(&args),
        Command::List(args) => list::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Publish(args) => publish::run(&args),
        Command::Finish(args) => finish::run(&args),
        Command::Cleanup(args) => cleanup::run(&args),
        Command::Verify(args) => verify::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Merge(args) => merge::run(&args),
        Command::Deploy(args) => deploy::run(&args),
        Command::Doctor(args) => doctor::run(&args),
        Command::Install(args) => install::run(&args),
        Command::Uninstall(args) => install::run_uninstall(&args),
        Command::Init(args) => init::run(&args),
        Command::Tour(args) => tour::run(&args),
        Command::Completions(args) => completions::run(&args, app()),
        Command::Man => completions::man(app()),
        Command::Hook(hook) => hooks::run(hook),
    }
}
