//! prepare-commit-msg (githooks(5)).

use crate::error::{Error, Result};
use std::path::Path;

pub fn run(_file: &Path, _source: Option<&str>, _oid: Option<&str>) -> Result<()> {
    Err(Error::env("not implemented yet"))
}
