//! `git hotfix publish`.

use crate::error::{Error, Result};

/// TODO
#[derive(Debug, clap::Args)]
pub struct PublishArgs {}

pub fn run(_args: &PublishArgs) -> Result<()> {
    Err(Error::env("not implemented yet"))
}
