//! `git hotfix completions <shell>` and the hidden `git hotfix man`: generated from the CLI
//! definition itself, so they never drift from it.

use crate::cli::Cli;
use crate::error::{Error, Result};
use clap::CommandFactory;

/// Print shell completions (install.sh installs them)
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to generate completions for
    pub shell: clap_complete::Shell,
}

pub fn run(args: &CompletionsArgs) -> Result<()> {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "git-hotfix", &mut out);
    if args.shell == clap_complete::Shell::Bash {
        // Git's own bash completion completes `git hotfix <TAB>` by calling `_git_hotfix`.
        out.extend_from_slice(BASH_GIT_BRIDGE.as_bytes());
    }
    crate::output::say(String::from_utf8_lossy(&out).trim_end());
    Ok(())
}

/// Lets `git hotfix <TAB>` reuse the generated `git-hotfix` completion.
const BASH_GIT_BRIDGE: &str = r#"
_git_hotfix() {
    local COMP_WORDS=(git-hotfix "${words[@]:2}")
    local COMP_CWORD=$((cword - 1))
    local COMP_LINE="git-hotfix ${words[*]:2}"
    local COMP_POINT=${#COMP_LINE}
    _git-hotfix git-hotfix "${cur}" "${prev}"
}
"#;

pub fn man() -> Result<()> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command().name("git-hotfix"))
        .render(&mut out)
        .map_err(|e| Error::env(format!("cannot render the man page: {e}")))?;
    crate::output::say(String::from_utf8_lossy(&out).trim_end());
    Ok(())
}
