//! The code host behind the remote: what its URLs say.

pub mod url;
