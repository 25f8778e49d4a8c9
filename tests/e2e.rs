//! End-to-end tests: the real binary against real repositories built with the `git` CLI.

mod support;

mod architecture;
mod cleanup;
mod cli;
mod commit_graph;
mod config;
mod doctor;
mod finish;
mod hardening;
mod hooks_install;
mod hooks_post_merge;
mod hooks_pre_push;
mod hooks_pre_receive;
mod hooks_prepare_commit_msg;
mod init;
mod list;
mod marks;
mod merge;
mod publish;
mod report;
mod start;
mod status;
mod tour;
mod verify;
