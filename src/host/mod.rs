//! The code host behind the remote: what its URLs say, and its clients (GitHub through `gh`,
//! GitLab through `glab`).

pub mod github;
pub mod gitlab;
pub mod url;

/// What the host said when a call failed.
#[derive(Debug)]
pub struct Failure {
    /// The HTTP status, when the client reported one.
    pub status: Option<u16>,
    pub message: String,
}

/// Reads a host client's `<program>: <message> (HTTP <status>)`; any other text is kept whole.
fn failure(program: &str, code: Option<i32>, stderr: &str) -> Failure {
    let prefix = format!("{program}: ");
    let line = stderr.lines().find(|l| l.starts_with(&prefix)).unwrap_or(stderr);
    let text = line.strip_prefix(&prefix).unwrap_or(line);
    if let Some((message, rest)) = text.rsplit_once(" (HTTP ")
        && let Some(status) = rest.strip_suffix(')').and_then(|s| s.parse().ok())
    {
        return Failure { status: Some(status), message: message.to_owned() };
    }
    let message = if stderr.is_empty() {
        format!("{program} exited with status {}", code.map_or("?".to_owned(), |c| c.to_string()))
    } else {
        stderr.replace('\n', " ")
    };
    Failure { status: None, message }
}
