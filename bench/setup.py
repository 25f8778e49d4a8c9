#!/usr/bin/env python3
"""bench/setup.py REPO -- the extra history bench/run.sh needs on top of mkrepo.sh's repository.

Prints a `git fast-import` stream (on stdout) that, starting from the repository's current refs,
  * cuts 20 hotfix branches `hotfix/bench-01` .. `hotfix/bench-20` from origin/main's first-parent
    line (origin/main, origin/main~1, ...), one or two commits each, touching src/core.c;
  * moves `development` 100 commits ahead of origin/development: 25 feature branches of 3 commits,
    each merged with a merge commit (as mkrepo.sh's features are), touching src/bench_*.c.
Fixed authors, dates and contents: the same repository gives the same commit ids every time.
Usage (bench/run.sh does this once per repository):
    python3 bench/setup.py REPO | git -C REPO fast-import --quiet --force --done
    git -C REPO update-ref -d refs/heads/_bench_feature
"""
import subprocess
import sys

repo = sys.argv[1]


def git(*args):
    return subprocess.run(["git", "-C", repo, *args], check=True, capture_output=True,
                          text=True).stdout.strip()


out = sys.stdout.buffer
when = 1893456000  # 2030-01-01T00:00:00Z: after every mkrepo.sh commit, so dates stay increasing
mark = 0


def commit(ref, parent, msg, files, merge=None):
    """One commit on `ref` (parent: an id or a mark), changing `files` (path -> text)."""
    global mark, when
    mark += 1
    when += 60
    m = msg.encode()
    out.write(f"commit {ref}\nmark :{mark}\n"
              f"author Bench Setup <bench@example.com> {when} +0000\n"
              f"committer Bench Setup <bench@example.com> {when} +0000\n"
              f"data {len(m)}\n".encode() + m + f"\nfrom {parent}\n".encode())
    if merge:
        out.write(f"merge {merge}\n".encode())
    for path, text in sorted(files.items()):
        data = text.encode()
        out.write(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")
    out.write(b"\n")
    return f":{mark}"


def source(name, rev):
    return f"/* {name} -- bench/setup.py */\nint {name.replace('-', '_')}_rev(void) {{ return {rev}; }}\n"


# 20 hotfix branches along origin/main's first-parent line.
line = git("rev-list", "--first-parent", "-n", "20", "refs/remotes/origin/main").split()
for n, base in enumerate(line, start=1):
    name = f"hotfix/bench-{n:02d}"
    tip = base
    for step in range(1 + n % 2):
        tip = commit(f"refs/heads/{name}", tip, f"{name}: fix step {step + 1}\n",
                     {"src/core.c": source(f"core-bench-{n}", step)})

# development: 25 features x (3 commits + merge) = 100 commits ahead of origin/development.
dev = git("rev-parse", "refs/remotes/origin/development")
for f in range(1, 26):
    feature = f"feature/BENCH-{f:03d}"
    path = f"src/bench_{f % 5}.c"
    tip, text = dev, None
    for step in range(3):
        text = source(f"bench-{f % 5}", f * 10 + step)
        tip = commit("refs/heads/_bench_feature", tip, f"BENCH-{f:03d}: step {step + 1}\n",
                     {path: text})
    # development has not moved since the feature left it: the merge's tree is the feature's.
    dev = commit("refs/heads/development", dev,
                 f"Merge branch '{feature}' into development\n", {path: text}, merge=tip)
out.write(b"done\n")
