//! `git hotfix finish`.

use crate::error::{Error, Result};

/// TODO
#[derive(Debug, clap::Args)]
pub struct FinishArgs {}

pub fn run(_args: &FinishArgs) -> Result<()> {
    Err(Error::env("not implemented yet"))
}
