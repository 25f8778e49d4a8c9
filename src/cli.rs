//! The command line: global options and the subcommand enum. Each subcommand's arguments live
//! next to its code in `commands/<name>.rs`.

use crate::commands::Command;
use crate::hooks::HookCommand;
use clap::Parser;
use std::ffi::OsString;
use std::path::PathBuf;

/// Start, publish, finish and clean up hotfixes the way the team's process says, and refuse,
/// from Git's own hooks, every way of getting it wrong.
#[derive(Debug, Parser)]
#[command(name = "git-hotfix", version, propagate_version = true)]
#[command(
    after_help = "Exit status: 0 success, 1 a rule was broken or the operation was refused, \
2 usage, configuration or environment error."
)]
pub struct Cli {
    /// Run as if git-hotfix was started in <PATH>
    #[arg(short = 'C', global = true, value_name = "PATH")]
    pub directory: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Parses the process's arguments; help and errors say `git hotfix`, as people type it.
    pub fn parse_args() -> Result<Self, clap::Error> {
        use clap::{CommandFactory, FromArgMatches};
        let matches = Self::command().bin_name("git hotfix").try_get_matches()?;
        Self::from_arg_matches(&matches)
    }
}

/// `git-hotfix hook <name> [--] <Git's arguments>`, as the shims and hook managers run it,
/// read without clap: building the whole command tree costs every push ~0.2 ms. Anything
/// else (`-C`, `--help`, an option before `--`, a count that does not fit) is clap's.
pub fn hook_from_args(args: &[OsString]) -> Option<HookCommand> {
    let [_, hook, name, rest @ ..] = args else { return None };
    if hook != "hook" {
        return None;
    }
    let values = match rest.split_first() {
        Some((first, values)) if first == "--" => values,
        _ if rest.iter().any(|a| a.as_encoded_bytes().starts_with(b"-")) => return None,
        _ => rest,
    };
    let text =
        |i: usize| values.get(i).map(|v| v.to_str().map(str::to_owned).ok_or(())).transpose();
    Some(match (name.to_str()?, values.len()) {
        ("pre-push", 0..=2) => HookCommand::PrePush { remote: text(0).ok()?, url: text(1).ok()? },
        ("prepare-commit-msg", 1..=3) if !values[0].is_empty() => HookCommand::PrepareCommitMsg {
            file: PathBuf::from(&values[0]),
            source: text(1).ok()?,
            oid: text(2).ok()?,
        },
        ("post-merge", 0..=1) => HookCommand::PostMerge { squash: text(0).ok()? },
        ("pre-receive", 0) => HookCommand::PreReceive,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use crate::commands::Command;
    use crate::hooks::HookCommand;
    use clap::Parser;

    /// How the installed shim runs `hook`: `git-hotfix hook <name> …` followed by Git's
    /// arguments.
    pub fn shim_argv(hook: &str, args: &[&str]) -> Vec<String> {
        let shim = crate::hooks::install::shim(hook, std::path::Path::new("/bin/git-hotfix"));
        let shim = String::from_utf8(shim).unwrap();
        let exec = shim.lines().find(|l| l.trim_start().starts_with("exec git-hotfix hook"));
        let words = exec.unwrap().split_whitespace().skip(1).take_while(|w| *w != "\"$@\"");
        words.map(str::to_owned).chain(args.iter().map(|a| a.to_string())).collect()
    }

    /// What clap makes of `argv`, checked against the hand-written reading of hook argument
    /// lists whenever that one takes them.
    pub fn parse(argv: &[String]) -> Result<HookCommand, String> {
        let by_clap = parse_with_clap(argv);
        let os: Vec<std::ffi::OsString> = argv.iter().map(Into::into).collect();
        if let Some(by_hand) = super::hook_from_args(&os) {
            assert_eq!(Ok(format!("{by_hand:?}")), by_clap.as_ref().map(|h| format!("{h:?}")));
        }
        by_clap
    }

    fn parse_with_clap(argv: &[String]) -> Result<HookCommand, String> {
        match Cli::try_parse_from(argv).map(|cli| cli.command) {
            Ok(Command::Hook(hook)) => Ok(hook),
            Ok(other) => Err(format!("{other:?}")),
            Err(e) => Err(e.to_string()),
        }
    }

    /// Found by fuzzing: Git passes a remote named `-h` as is; the hook printed its help and
    /// let the push through unchecked. The shims now end the options first.
    #[test]
    fn arguments_that_look_like_options_reach_the_hooks_as_values() {
        for remote in ["-h", "--", "-C", "-r"] {
            let hook = parse(&shim_argv("pre-push", &[remote, "../origin.git"])).unwrap();
            let HookCommand::PrePush { remote: r, .. } = hook else { panic!("{hook:?}") };
            assert_eq!(r.as_deref(), Some(remote));
        }
        let hook = parse(&shim_argv("prepare-commit-msg", &["f", "--help", ""])).unwrap();
        let HookCommand::PrepareCommitMsg { source, oid, .. } = hook else { panic!("{hook:?}") };
        assert_eq!((source.as_deref(), oid.as_deref()), (Some("--help"), Some("")));
        let hook = parse(&shim_argv("post-merge", &["-V"])).unwrap();
        assert!(
            matches!(hook, HookCommand::PostMerge { squash } if squash.as_deref() == Some("-V"))
        );
    }
}

/// Long run: `PROPTEST_CASES=100000 cargo test --release --bin git-hotfix cli::fuzz`
/// (see `src/fuzz.rs`).
#[cfg(test)]
mod fuzz {
    use super::tests::{parse, shim_argv};
    use crate::fuzz::{config, text};
    use crate::hooks::HookCommand;
    use proptest::prelude::*;
    use std::path::PathBuf;

    /// What Git passes (`message`, `commit HEAD`, an empty third argument, a remote named
    /// `-h`), and what a command line parser might take for its own (`--`, `-C`, `--help`).
    fn argument() -> impl Strategy<Value = String> {
        let odd = ["", "message", "commit", "HEAD", "--", "-", "-h", "--help", "-V", "-C", "-Cx"];
        prop_oneof![
            prop::sample::select(odd.to_vec()).prop_map(str::to_owned),
            text().prop_map(|t| t.replace('\0', "")),
        ]
    }

    proptest! {
        #![proptest_config(config(512))]

        #[test]
        fn any_arguments_reach_prepare_commit_msg(
            file in argument().prop_filter("a path", |f| !f.is_empty()),
            source in prop::option::of(argument()),
            oid in prop::option::of(argument()),
        ) {
            let oid = source.as_ref().and(oid);
            let mut args = vec![file.as_str()];
            args.extend(source.as_deref());
            args.extend(oid.as_deref());
            let hook = parse(&shim_argv("prepare-commit-msg", &args)).map_err(TestCaseError::fail)?;
            let HookCommand::PrepareCommitMsg { file: f, source: s, oid: o } = hook else {
                return Err(TestCaseError::fail(format!("{hook:?}")));
            };
            prop_assert_eq!((f, s, o), (PathBuf::from(&file), source, oid));
        }

        /// Hook managers run the hooks without the shims' `--`; whatever the arguments, the
        /// hand-written reading agrees with clap whenever it takes them (`parse` checks).
        #[test]
        fn hook_arguments_are_read_as_clap_reads_them(
            name in prop::sample::select(vec!["pre-push", "prepare-commit-msg", "post-merge", "pre-receive", "pre-commit", "-h"]),
            dashes: bool,
            args in prop::collection::vec(argument(), 0..4),
        ) {
            let mut argv: Vec<String> = vec!["git-hotfix".into(), "hook".into(), name.into()];
            if dashes {
                argv.push("--".into());
            }
            argv.extend(args);
            let _ = parse(&argv);
        }

        #[test]
        fn any_arguments_reach_pre_push(remote in argument(), url in argument()) {
            let hook = parse(&shim_argv("pre-push", &[&remote, &url])).map_err(TestCaseError::fail)?;
            let HookCommand::PrePush { remote: r, url: u } = hook else {
                return Err(TestCaseError::fail(format!("{hook:?}")));
            };
            prop_assert_eq!((r, u), (Some(remote), Some(url)));
        }
    }
}
