//! `git hotfix status`.

use crate::error::{Error, Result};

/// TODO
#[derive(Debug, clap::Args)]
pub struct StatusArgs {}

pub fn run(_args: &StatusArgs) -> Result<()> {
    Err(Error::env("not implemented yet"))
}
