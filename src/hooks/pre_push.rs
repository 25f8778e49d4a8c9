//! pre-push (githooks(5)).

use crate::error::{Error, Result};

pub fn run(_remote: &str, _url: &str) -> Result<()> {
    Err(Error::env("not implemented yet"))
}
