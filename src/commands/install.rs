//! `git hotfix install` / `uninstall`.

use crate::error::{Error, Result};

/// Install the hook shims into this repository's hooks directory
#[derive(Debug, clap::Args)]
pub struct InstallArgs {}

/// Remove the hook shims and restore the hooks they replaced
#[derive(Debug, clap::Args)]
pub struct UninstallArgs {}

pub fn run(_args: &InstallArgs) -> Result<()> {
    Err(Error::env("not implemented yet"))
}

pub fn run_uninstall(_args: &UninstallArgs) -> Result<()> {
    Err(Error::env("not implemented yet"))
}
