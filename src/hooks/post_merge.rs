//! post-merge (githooks(5)).

use crate::error::{Error, Result};

pub fn run(_squash: &str) -> Result<()> {
    Err(Error::env("not implemented yet"))
}
