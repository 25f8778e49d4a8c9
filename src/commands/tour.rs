//! `git hotfix tour`.

use crate::error::{Error, Result};

/// TODO
#[derive(Debug, clap::Args)]
pub struct TourArgs {}

pub fn run(_args: &TourArgs) -> Result<()> {
    Err(Error::env("not implemented yet"))
}
