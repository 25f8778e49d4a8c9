//! `git-hotfix`: parse, dispatch, and map the outcome to SPEC's exit codes in one place.

mod ci;
mod cli;
mod commands;
mod config;
mod context;
mod deploy;
mod error;
#[cfg(test)]
mod fuzz;
mod hooks;
mod host;
mod hotfix;
mod output;
mod policy;
mod redact;
mod repo;
mod spawn;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<_> = std::env::args_os().collect();
    let command = match cli::hook_from_args(&args) {
        Some(hook) => commands::Command::Hook(hook),
        None => match parse() {
            Ok(command) => command,
            Err(code) => return code,
        },
    };
    match commands::run(command, <cli::Cli as clap::CommandFactory>::command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let e = e.explained();
            output::error(&e);
            ExitCode::from(e.exit_code())
        }
    }
}

/// The command line through clap, `-C` applied.
fn parse() -> Result<commands::Command, ExitCode> {
    let cli = match cli::Cli::parse_args() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return Err(ExitCode::from(if e.use_stderr() { 2 } else { 0 }));
        }
    };
    if let Some(dir) = &cli.directory
        && let Err(e) = std::env::set_current_dir(dir)
    {
        output::error(&error::Error::env(format!("cannot change to '{}': {e}", dir.display())));
        return Err(ExitCode::from(2));
    }
    Ok(cli.command)
}
