//! pre-receive (githooks(5)).

use crate::error::{Error, Result};

pub fn run() -> Result<()> {
    Err(Error::env("not implemented yet"))
}
