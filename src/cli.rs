//! The command line: global options and the subcommand enum. Each subcommand's arguments live
//! next to its code in `commands/<name>.rs`.

use crate::commands::Command;
use clap::Parser;
use std::path::PathBuf;

/// Start, publish, finish and clean up hotfixes the way the team's process says, and refuse,
/// from Git's own hooks, every way of getting it wrong.
#[derive(Debug, Parser)]
#[command(name = "git-hotfix", bin_name = "git hotfix", version, propagate_version = true)]
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
