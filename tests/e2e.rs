//! End-to-end tests: the real binary against real repositories built with the `git` CLI.

mod support;

mod architecture;
mod cleanup;
mod cli;
mod commit_graph;
mod concurrency;
mod config;
mod deploy;
mod disk;
mod doctor;
mod finish;
mod git_says_no;
mod hardening;
mod hook_managers;
mod hooks_install;
mod hooks_post_merge;
mod hooks_pre_push;
mod hooks_pre_receive;
mod hooks_prepare_commit_msg;
mod init;
mod killed;
mod list;
mod marks;
mod merge;
mod merge_gitlab;
mod publish;
mod remote;
mod report;
mod start;
mod status;
mod tour;
mod verify;
mod verify_ci;
