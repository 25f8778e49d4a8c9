//! A full disk and a read-only one, on a small tmpfs the test mounts (it needs the right to
//! mount, as root in CI has; without it the test says so and checks nothing).

use crate::support::{BIN, Run, TestRepo};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A tmpfs of `size` at `dir`, unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, size: &str) -> Option<Self> {
        std::fs::create_dir_all(dir).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Self(dir.to_owned()))
    }

    fn remount(&self, mode: &str) {
        let status = Command::new("mount")
            .args(["-o", &format!("remount,{mode}")])
            .arg(&self.0)
            .status()
            .unwrap();
        assert!(status.success());
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// A clone on a 2 MB tmpfs with a hotfix ready to finish; `None` when mounting is not allowed.
fn on_small_disk(repo: &TestRepo) -> Option<(Tmpfs, PathBuf)> {
    let Some(disk) = Tmpfs::mount(&repo.tmp.path().join("disk"), "2m") else {
        eprintln!("skipped: this machine does not let the test mount a tmpfs");
        return None;
    };
    let work = disk.0.join("work");
    repo.run_git(repo.tmp.path(), &["clone", "-q", "origin.git", work.to_str().unwrap()]).ok();
    repo.run_git(&work, &["branch", "-q", "--track", "development", "origin/development"]).ok();
    repo.run_git(&work, &["switch", "-q", "-c", "hotfix/login-timeout", "main"]).ok();
    repo.write_in(&work, "src/app.txt", "fixed\n");
    repo.run_git(&work, &["add", "."]).ok();
    repo.commit_in(&work, "Fix the login timeout");
    Some((disk, work))
}

fn hotfix(repo: &TestRepo, dir: &Path, args: &[&str]) -> Run {
    repo.run_with(BIN, dir, args, &[])
}

fn refs(repo: &TestRepo, dir: &Path) -> String {
    repo.run_git(dir, &["for-each-ref", "--format=%(refname) %(objectname)", "refs/heads"])
        .ok()
        .stdout
}

#[test]
fn a_full_disk_stops_finish_cleanly_and_it_recovers_once_there_is_room() {
    let repo = TestRepo::new();
    let Some((disk, work)) = on_small_disk(&repo) else { return };
    let before = refs(&repo, &work);
    // Fill what is left.
    let filler = disk.0.join("filler");
    let _ = Command::new("dd")
        .args(["if=/dev/zero", "bs=64k"])
        .arg(format!("of={}", filler.display()))
        .stderr(std::process::Stdio::null())
        .status();
    let run = hotfix(&repo, &work, &["finish"]);
    assert_ne!(run.code, 0, "{run}");
    assert!(run.code == 1 || run.code == 2, "{run}");
    assert!(run.stderr.contains("the disk is full: free some space"), "{run}");
    assert!(!run.stderr.contains("panicked"), "{run}");
    std::fs::remove_file(&filler).unwrap();
    // Room again: the way out the message named brings every branch back.
    let journal = work.join(".git/hotfix-finish.json").exists();
    if journal {
        hotfix(&repo, &work, &["finish", "--abort"]).ok();
    }
    assert_eq!(refs(&repo, &work), before, "every branch is where it was");
    hotfix(&repo, &work, &["finish"]).ok();
    repo.run_git(&work, &["fsck", "--no-progress", "--no-dangling"]).ok();
}

#[test]
fn a_read_only_disk_changes_nothing_and_says_why() {
    let repo = TestRepo::new();
    let Some((disk, work)) = on_small_disk(&repo) else { return };
    let before = refs(&repo, &work);
    disk.remount("ro");
    let run = hotfix(&repo, &work, &["finish"]);
    assert!(run.code == 1 || run.code == 2, "{run}");
    assert!(run.stderr.contains("Read-only file system"), "{run}");
    disk.remount("rw");
    assert_eq!(refs(&repo, &work), before, "nothing changed");
    assert!(!work.join(".git/hotfix-finish.json").exists(), "no journal half written");
    hotfix(&repo, &work, &["finish"]).ok();
}
