//! `git hotfix verify`.

use crate::error::{Error, Result};

/// TODO
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {}

pub fn run(_args: &VerifyArgs) -> Result<()> {
    Err(Error::env("not implemented yet"))
}
