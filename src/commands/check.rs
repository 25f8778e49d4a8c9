//! `git hotfix check`.

use crate::error::{Error, Result};

/// TODO
#[derive(Debug, clap::Args)]
pub struct CheckArgs {}

pub fn run(_args: &CheckArgs) -> Result<()> {
    Err(Error::env("not implemented yet"))
}
