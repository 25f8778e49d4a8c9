//! `git hotfix init`.

use crate::error::{Error, Result};

/// TODO
#[derive(Debug, clap::Args)]
pub struct InitArgs {}

pub fn run(_args: &InitArgs) -> Result<()> {
    Err(Error::env("not implemented yet"))
}
