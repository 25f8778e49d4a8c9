//! `git hotfix start`.

use crate::error::{Error, Result};

/// TODO
#[derive(Debug, clap::Args)]
pub struct StartArgs {}

pub fn run(_args: &StartArgs) -> Result<()> {
    Err(Error::env("not implemented yet"))
}
