//! `git hotfix list`.

use crate::error::{Error, Result};

/// TODO
#[derive(Debug, clap::Args)]
pub struct ListArgs {}

pub fn run(_args: &ListArgs) -> Result<()> {
    Err(Error::env("not implemented yet"))
}
