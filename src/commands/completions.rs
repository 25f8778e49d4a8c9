//! `git hotfix completions <shell>` and the hidden `git hotfix man`: generated from the CLI
//! definition itself, so they never drift from it.

use crate::error::{Error, Result};

/// Print shell completions (install.sh installs them)
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to generate completions for
    pub shell: clap_complete::Shell,
}

/// `app` is the whole command line's definition.
pub fn run(args: &CompletionsArgs, mut app: clap::Command) -> Result<()> {
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut app, "git-hotfix", &mut out);
    let mut script = String::from_utf8_lossy(&out).into_owned();
    if args.shell == clap_complete::Shell::Bash {
        // clap_complete names the cases of a hyphenated program's subcommands
        // `git__subcmd__hotfix__…` but computes `git__hotfix__…` when it walks the words: make
        // them agree, or nothing after the subcommand completes.
        script = script.replace("git__subcmd__hotfix", "git__hotfix");
        script.push_str(&bash_git_bridge(&script)?);
    }
    crate::output::say(script.trim_end());
    Ok(())
}

/// Git's own bash completion completes `git hotfix <TAB>` by calling `_git_hotfix` (loading
/// `git-hotfix` from the completion directories first if needed): hand the words after
/// `git` to the function clap generated for `git-hotfix`.
fn bash_git_bridge(script: &str) -> Result<String> {
    let function = script
        .split("complete -F ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .ok_or_else(|| Error::env("the generated bash completion has no `complete -F` line"))?;
    Ok(format!(
        r#"
_git_hotfix() {{
    local COMP_WORDS=(git-hotfix "${{words[@]:2}}")
    local COMP_CWORD=$((cword - 1))
    local COMP_LINE="git-hotfix ${{words[*]:2}}"
    local COMP_POINT=${{#COMP_LINE}}
    {function} git-hotfix "${{cur}}" "${{prev}}"
}}
"#
    ))
}

pub fn man(app: clap::Command) -> Result<()> {
    let mut out = Vec::new();
    clap_mangen::Man::new(app.name("git-hotfix"))
        .render(&mut out)
        .map_err(|e| Error::env(format!("cannot render the man page: {e}")))?;
    crate::output::say(String::from_utf8_lossy(&out).trim_end());
    Ok(())
}
