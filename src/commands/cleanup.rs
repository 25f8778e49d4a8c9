//! `git hotfix cleanup`.

use crate::error::{Error, Result};

/// TODO
#[derive(Debug, clap::Args)]
pub struct CleanupArgs {}

pub fn run(_args: &CleanupArgs) -> Result<()> {
    Err(Error::env("not implemented yet"))
}
