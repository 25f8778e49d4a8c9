//! The model of one hotfix, shared by the commands and the hooks: its state (`state`), the
//! checklist marks people make (`marks`), the Git steps that move it along (`steps`), and the
//! rule checks that join repository reads to the policy (`checks`).

pub mod checks;
pub mod deployments;
pub mod journal;
pub mod marks;
pub mod review;
pub mod state;
pub mod steps;
