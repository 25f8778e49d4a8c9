//! The command line: global options and the subcommand enum. Each subcommand's arguments live
//! next to its code in `commands/<name>.rs`.

use crate::commands::Command;
use clap::Parser;
use std::path::PathBuf;

/// Start, publish, finish and clean up hotfixes the way the team's process says, and refuse,
/// from Git's own hooks, every way of getting it wrong.
#[derive(Debug, Parser)]
#[command(name = "git-hotfix", version, propagate_version = true)]
#[command(
    after_help = "Exit status: 0 success, 1 a rule was broken or the operation was refused, \
2 usage, configuration or environment error."
)]
pub struct Cli {
    /// Run as if git-hotfix was started in <PATH>
    #[arg(short = 'C', global = true, value_name = "PATH")]
    pub directory: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Parses the process's arguments; help and errors say `git hotfix`, as people type it.
    pub fn parse_args() -> Result<Self, clap::Error> {
        use clap::{CommandFactory, FromArgMatches};
        let matches = Self::command().bin_name("git hotfix").try_get_matches()?;
        Self::from_arg_matches(&matches)
    }
}
