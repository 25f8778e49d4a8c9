//! The code host behind the remote: what its URLs say, and its clients (GitHub through `gh`,
//! GitLab through `glab`).

pub mod github;
pub mod gitlab;
pub mod url;
