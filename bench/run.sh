#!/usr/bin/env bash
# bench/run.sh -- git-hotfix against the C git commands that answer the same questions.
#
# Usage: bench/run.sh [--sizes "10k 200k 1m"] [--graph "off on"] [--quick] [--out FILE]
#
#   --sizes LIST   history sizes to measure (10k, 200k, 1m, or any <n>k / <n>m; default: 10k 200k 1m)
#   --graph LIST   commit-graph modes (default: off on)
#   --quick        10k only, fewer runs (about a minute); prints, writes no file unless --out
#   --out FILE     where the Markdown report goes (default: BENCHMARKS.md at the repository
#                  root; `-` = print only). Everything below the line `<!-- notes -->` in an
#                  existing FILE is kept: that is where the hand-written analysis lives.
#
# Environment:
#   MKREPO      history generator (default: ../shared/bench/mkrepo.sh, relative to the repository root)
#   BENCH_DIR   where the histories live, OUTSIDE the repository (default: /tmp/git-hotfix-bench);
#               existing ones are reused. 1m takes about 90 s and 435 MB to build.
#   RUNS        "min max" rounds per case (default "10 30"; --quick "3 5"): at least min, then
#               until about six seconds have passed, at most max
#
# What it does:
#   1. install.sh into a temporary prefix: the binary as users install it (on Linux, static).
#   2. For each size: $BENCH_DIR/r<size> from mkrepo.sh (once), then bench/setup.py (once): 20
#      hotfix branches hotfix/bench-NN off origin/main, development 100 commits (25 feature
#      merges) ahead of origin/development. `git hotfix install` puts the shims in .git/hooks.
#   3. For each commit-graph mode: "off" moves objects/info/commit-graph[s] aside, "on" writes
#      one with `git commit-graph write --reachable` if there is none; both move a
#      multi-pack-index aside. On exit, whatever was moved aside is put back; a graph written
#      here is kept (writing it at 1m takes ~12 s).
#   4. One bench/pair.py run per case, tool and git side by side: each round runs both, in
#      random order, and the ratio is the median of the per-round ratios, so that both sides of
#      a ratio saw the same load (hyperfine times all runs of one command, then the other: on a
#      shared machine a neighbour's build then lands on one side). Every command that needs a
#      redirection or a pipeline is `sh -c '...'` on both sides; so is every other command.
#      Each command's exit status is checked once before timing it.
#   5. Scaling (b, c, d): the same push against the smallest and the largest size, side by
#      side in one bench/pair.py run per case and commit-graph mode; with "on", once more in mode
#      "midx": a commit-graph and a multi-pack-index (written once with `git multi-pack-index
#      write`, then kept).
#
# The cases (tool = git-hotfix; pre-push rows run the installed shim .git/hooks/pre-push as
# Git does: `<remote> <url>` arguments, the ref line on stdin):
#   a  unrelated    push of feature/bench           vs an empty `#!/bin/sh` pre-push hook, same stdin
#   a  push         a real `git push` of feature/bench  vs the same push with an empty `sh` hook
#                   to origin, which refuses it at the     (`git -c core.hooksPath=<dir>`): the
#                   very end (receive.hideRefs), so every  whole cost a push pays for the hook
#                   run is the same push
#   a  push-floor   the same real `git push`            vs the same push with the floor hook
#                                                          below: the push of any hook that
#                                                          starts a program
#   a  floor        the installed pre-push hook alone   vs an `sh` hook that execs a Rust
#                                                          `fn main(){}` (rustc -O): the floor of
#                                                          any hook that starts a program
#   b  good, bad    push of hotfix/good, hotfix/bad vs git rev-list --count $(git merge-base --all
#                   (R1, R2, R6; bad must exit 1)      hotfix/X development) ^main   (leak-mb)
#   c  main         push of main, origin/main..main vs git rev-list --first-parent --parents origin/main..main
#                   (~1000 commits; exits 1: main's tip is mkrepo's squash commit)
#   d  development  push of development, 100 new    vs git rev-list development ^origin/development,
#                   commits, 20 hotfix branches        plus patch-ids of its non-merge commits and of
#                                                      the hotfix branches' own commits (R4's work)
#   e  verify-all   git hotfix verify main --branch   vs git rev-list --count main: every
#                   main (the issue's row)                commit once, the floor of any check of
#                                                          every merge on main's line; and vs
#   e  verify-fp    the same                            git rev-list --first-parent --parents main
#                                                          (the line alone; with a commit-graph)
#   e  verify-      the same                            git log --first-parent --format=%s main:
#      subjects                                            the line with each commit's subject read,
#                                                          as R1 and R2 must (the branch name)
#   e  verify       git hotfix verify main (local   vs git rev-list --first-parent --parents main;
#                   main's whole first-parent line,    git rev-list --first-parent origin/development
#                   against origin/development;        (the development line verify walks)
#                   exits 1: the squash at main's tip)
#   f  status, list git hotfix status hotfix/good,  vs git for-each-ref + merge-base / --merged
#                   git hotfix list                    equivalents (one process per question)
#   g  report       git hotfix report --json (every vs git log --first-parent --merges origin/main
#                   hotfix on origin/main's line,      (the same line, its merges printed)
#                   where it reached development,
#                   its size)
# mkrepo.sh leaves local main ~1000 commits ahead of origin/main (case c). Against origin/main,
# hotfix/good (cut from local main) would carry those unpushed release merges and break R2, so
# cases b and f judge against the local branches, as their git rows do: they run with
# `git -c hotfix.remote=bench-local` (a remote without refs: the tool falls back to local refs).
# Memory of verify: peak RSS from /usr/bin/time -v, private memory sampled from /proc.
#
# Needs: bash, git, python3, cargo and rustc; /usr/bin/time
# for RSS.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SIZES="10k 200k 1m" GRAPHS="off on" QUICK=0 OUT=""
while [ $# -gt 0 ]; do
  case $1 in
    --sizes) SIZES=$2; shift 2 ;;
    --graph) GRAPHS=$2; shift 2 ;;
    --quick) QUICK=1; shift ;;
    --out) OUT=$2; shift 2 ;;
    -h|--help) sed -n '2,79p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
if [ "$QUICK" = 1 ]; then
  SIZES=10k; RUNS=${RUNS:-"3 5"}; WARM=1; OUT=${OUT:--}
else
  RUNS=${RUNS:-"10 30"}; WARM=3; OUT=${OUT:-$ROOT/BENCHMARKS.md}
fi
read -r MINR MAXR <<<"$RUNS"
MKREPO=${MKREPO:-$ROOT/../shared/bench/mkrepo.sh}
BENCH_DIR=${BENCH_DIR:-/tmp/git-hotfix-bench}

for tool in git python3 cargo rustc; do
  command -v "$tool" >/dev/null || { echo "bench: $tool not found" >&2; exit 2; }
done
[ -x "$MKREPO" ] || { echo "bench: no history generator at $MKREPO (set MKREPO)" >&2; exit 2; }
case $BENCH_DIR in
  "$ROOT"|"$ROOT"/*) echo "bench: BENCH_DIR must be outside the repository" >&2; exit 2 ;;
esac

# Identical conditions for git and the tool: no user or system config.
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null LC_ALL=C TZ=UTC GIT_TERMINAL_PROMPT=0
unset GIT_DIR GIT_WORK_TREE GIT_CONFIG_PARAMETERS NO_COLOR
LOCAL_TRUNKS="'hotfix.remote'='bench-local'"

mkdir -p "$BENCH_DIR"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
WORK=$(mktemp -d)
RESTORE=()
cleanup() {
  local f
  for f in "${RESTORE[@]+"${RESTORE[@]}"}"; do
    if [ -e "$f.bench-off" ]; then mv -f "$f.bench-off" "$f"; fi
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== install.sh (the build users get)" >&2
(cd "$ROOT" && PREFIX="$WORK/install" ./install.sh >"$WORK/build.log" 2>&1) ||
  { cat "$WORK/build.log" >&2; exit 2; }
BIN=$WORK/install/bin/git-hotfix
[ -x "$BIN" ] || { echo "bench: no binary at $BIN" >&2; exit 2; }
printf '#!/bin/sh\nexit 0\n' > "$WORK/noop-pre-push"
chmod +x "$WORK/noop-pre-push"
mkdir -p "$WORK/noop-hooks"
cp "$WORK/noop-pre-push" "$WORK/noop-hooks/pre-push"
# The floor of a hook that starts a program: sh exec'ing a Rust program that does nothing.
echo 'fn main() {}' > "$WORK/trivial.rs"
rustc -O -o "$WORK/trivial" "$WORK/trivial.rs"
printf '#!/bin/sh\nexec %s "$@"\n' "$WORK/trivial" > "$WORK/floor-pre-push"
chmod +x "$WORK/floor-pre-push"
mkdir -p "$WORK/floor-hooks"
cp "$WORK/floor-pre-push" "$WORK/floor-hooks/pre-push"
RESULTS="$WORK/results.tsv"
printf 'size\tcommits\tgraph\tcase\ttool_ms\tgit_ms\ttool_min\tgit_min\truns\tratio\n' > "$RESULTS"
RSS="$WORK/rss.tsv"
: > "$RSS"

commits_for() {  # 10k -> 10000, 1m -> 1000000
  case $1 in
    *k) echo $(( ${1%k} * 1000 )) ;;
    *m) echo $(( ${1%m} * 1000000 )) ;;
    *[!0-9]*|'') echo "bench: bad size '$1'" >&2; exit 2 ;;
    *) echo "$1" ;;
  esac
}

prepare() {  # repo dir: mkrepo.sh once, then setup.py once, then the hook shims
  local repo=$1 n=$2
  if [ ! -d "$repo/.git" ]; then
    echo "== building $repo ($n commits) with $MKREPO" >&2
    "$MKREPO" "$repo" "$n"
  fi
  local dev odev
  dev=$(git -C "$repo" rev-parse refs/heads/development)
  odev=$(git -C "$repo" rev-parse refs/remotes/origin/development)
  if [ "$dev" = "$odev" ]; then
    echo "== adding the bench branches to $repo" >&2
    python3 "$ROOT/bench/setup.py" "$repo" | git -C "$repo" fast-import --quiet --force --done
    git -C "$repo" update-ref -d refs/heads/_bench_feature
  elif [ "$(git -C "$repo" rev-list --count "$odev..$dev")" != 100 ]; then
    echo "bench: $repo: development is neither origin/development nor the bench's; rebuild it" >&2
    exit 2
  fi
  "$BIN" -C "$repo" install >/dev/null
}

set_graph() {  # repo off|on|midx
  # off: no commit-graph; on: a commit-graph; midx: a commit-graph and a multi-pack-index.
  # Whatever a mode does not want is moved aside (and put back on exit); what it wants and
  # is missing is written (and kept).
  local info=$1/.git/objects/info midx=$1/.git/objects/pack/multi-pack-index f
  local -a unwanted=("$midx") wanted=()
  case $2 in
    off) unwanted+=("$info/commit-graph" "$info/commit-graphs") ;;
    on) wanted=("$info/commit-graph" "$info/commit-graphs") ;;
    midx) wanted=("$info/commit-graph" "$info/commit-graphs" "$midx"); unwanted=() ;;
  esac
  for f in "${unwanted[@]+"${unwanted[@]}"}"; do
    if [ -e "$f" ]; then
      mv -f "$f" "$f.bench-off"
      RESTORE+=("$f")
    fi
  done
  for f in "${wanted[@]+"${wanted[@]}"}"; do
    if [ -e "$f.bench-off" ]; then mv -f "$f.bench-off" "$f"; fi
  done
  if [ "$2" != off ] && [ ! -e "$info/commit-graph" ] && [ ! -e "$info/commit-graphs" ]; then
    echo "   writing a commit-graph for $(basename "$1")" >&2
    git -C "$1" commit-graph write --reachable --no-progress
  fi
  if [ "$2" = midx ] && [ ! -e "$midx" ]; then
    echo "   writing a multi-pack-index for $(basename "$1")" >&2
    git -C "$1" multi-pack-index write --no-progress
  fi
}

# measure case expect_tool tool_cmd git_cmd [env assignment]
# Both commands run in the repo ($REPO) through bench/pair.py; `expect_tool` is the tool's exit
# status the case must give (git's must be 0).
measure() {
  local name=$1 expect=$2 tool=$3 gitcmd=$4 envset=${5:-}
  local -a envargs=()
  [ -n "$envset" ] && envargs=(env "$envset")
  local code=0
  (cd "$REPO" && "${envargs[@]+"${envargs[@]}"}" sh -c "$tool" >"$WORK/out" 2>&1) || code=$?
  if [ "$code" != "$expect" ]; then
    echo "   $name: tool exited $code, expected $expect: $(tail -3 "$WORK/out")" >&2
    printf '%s\t%s\t%s\t%s\tNA\tNA\tNA\tNA\t0\tNA\n' "$SIZE" "$COMMITS" "$GRAPH" "$name" >> "$RESULTS"
    return
  fi
  if ! (cd "$REPO" && "${envargs[@]+"${envargs[@]}"}" sh -c "$gitcmd" >/dev/null 2>"$WORK/out"); then
    echo "   $name: git side failed: $(tail -3 "$WORK/out")" >&2
    exit 1
  fi
  (cd "$REPO" && "${envargs[@]+"${envargs[@]}"}" python3 "$ROOT/bench/pair.py" "$WORK/h.json" \
      "$MINR" "$MAXR" "$WARM" "$tool" "$gitcmd") ||
    { echo "   $name: bench/pair.py failed" >&2; exit 1; }
  python3 - "$WORK/h.json" "$SIZE" "$COMMITS" "$GRAPH" "$name" >> "$RESULTS" <<'PY'
import json, sys
res = json.load(open(sys.argv[1]))
ms = lambda x: f"{x * 1000:.2f}"
t, g = res["a"], res["b"]
print("\t".join(sys.argv[2:6] + [ms(t["median"]), ms(g["median"]), ms(t["min"]), ms(g["min"]),
                                 str(len(t["times"])), f"{res['ratio']:.3f}"]))
PY
  tail -1 "$RESULTS" | awk -F'\t' '{printf "   %-13s tool %8s ms   git %8s ms   %s\n", $4, $5, $6, $10}' >&2
}

peak_rss() {  # command...: maximum resident set size in KiB (/usr/bin/time -v), run in $REPO
  (cd "$REPO" && { /usr/bin/time -v "$@" 2>&1 >/dev/null || true; }) |
    awk -F': ' '/Maximum resident set size/ {print $2}'
}

peak_private() {  # command...: the most private (anonymous) memory it held, in KiB, sampled
  # from /proc/<pid>/smaps_rollup as often as a loop of shell builtins can (RSS also counts
  # the pages of the pack, index and commit-graph files it maps, which the page cache shares)
  (cd "$REPO" && exec "$@" >/dev/null 2>&1) &
  local pid=$! peak=0 key value rest
  while kill -0 "$pid" 2>/dev/null; do
    while read -r key value rest; do
      if [ "$key" = Pss_Anon: ] && [ "$value" -gt "$peak" ]; then peak=$value; fi
    done 2>/dev/null < "/proc/$pid/smaps_rollup" || true
  done
  wait "$pid" || true
  echo "$peak"
}

Z=0000000000000000000000000000000000000000
for SIZE in $SIZES; do
  N=$(commits_for "$SIZE")
  REPO=$BENCH_DIR/r$SIZE
  prepare "$REPO" "$N"
  COMMITS=$(git -C "$REPO" rev-list --count --all)
  URL=$REPO.origin.git
  HOOK=$REPO/.git/hooks/pre-push
  rev() { git -C "$REPO" rev-parse "$1"; }
  S=$WORK/stdin-$SIZE
  mkdir -p "$S"
  echo "refs/heads/feature/bench $(rev main) refs/heads/feature/bench $Z" > "$S/unrelated"
  echo "refs/heads/hotfix/good $(rev hotfix/good) refs/heads/hotfix/good $Z" > "$S/good"
  echo "refs/heads/hotfix/bad $(rev hotfix/bad) refs/heads/hotfix/bad $Z" > "$S/bad"
  echo "refs/heads/main $(rev main) refs/heads/main $(rev origin/main)" > "$S/main"
  echo "refs/heads/development $(rev development) refs/heads/development $(rev origin/development)" > "$S/dev"
  push() { echo "exec $HOOK origin $URL < $S/$1"; }
  # origin refuses feature/ branches at the end of a push: every timed push is the same one.
  git -C "$URL" config receive.hideRefs refs/heads/feature/
  git -C "$REPO" branch -f feature/bench main
  refused=$(cd "$REPO" && git push -q origin feature/bench 2>&1 || true)
  case $refused in
    *"hidden ref"*) ;;
    *) echo "bench: r$SIZE: origin did not refuse feature/bench at the end: $refused" >&2; exit 1 ;;
  esac
  for GRAPH in $GRAPHS; do
    set_graph "$REPO" "$GRAPH"
    echo "== r$SIZE ($COMMITS commits), commit-graph $GRAPH" >&2
    measure a-unrelated 0 "$(push unrelated)" "exec $WORK/noop-pre-push origin $URL < $S/unrelated"
    measure a-push 1 "exec git push -q origin feature/bench 2>/dev/null" \
      "git -c core.hooksPath=$WORK/noop-hooks push -q origin feature/bench 2>/dev/null; test \$? = 1"
    measure a-floor 0 "$(push unrelated)" "exec $WORK/floor-pre-push origin $URL < $S/unrelated"
    measure a-push-floor 1 "exec git push -q origin feature/bench 2>/dev/null" \
      "git -c core.hooksPath=$WORK/floor-hooks push -q origin feature/bench 2>/dev/null; test \$? = 1"
    for b in good bad; do
      expect=0; [ $b = bad ] && expect=1
      measure "b-$b" $expect "$(push $b)" \
        "git rev-list --count \$(git merge-base --all hotfix/$b development) ^main" "GIT_CONFIG_PARAMETERS=$LOCAL_TRUNKS"
    done
    measure c-main 1 "$(push main)" "git rev-list --first-parent --parents origin/main..main"
    measure d-development 0 "$(push dev)" \
      "git rev-list development ^origin/development >/dev/null; { git rev-list --no-merges development ^origin/development; git rev-list --no-merges --branches=\"hotfix/bench-*\" ^origin/main ^origin/development; } | git diff-tree --stdin -p | git patch-id --stable"
    measure e-verify-all 1 "exec $BIN verify main --branch main" "git rev-list --count main"
    measure e-verify-fp 1 "exec $BIN verify main --branch main" \
      "git rev-list --first-parent --parents main"
    measure e-verify-subjects 1 "exec $BIN verify main --branch main" \
      "git log --first-parent --format=%s main >/dev/null"
    measure e-verify 1 "exec $BIN verify main" \
      "git rev-list --first-parent --parents main >/dev/null; git rev-list --first-parent origin/development"
    measure g-report 0 "exec $BIN report --json" "git log --first-parent --merges origin/main"
    measure f-status 0 "exec $BIN status hotfix/good" \
      "git for-each-ref refs/heads/hotfix/good refs/remotes/origin/hotfix/good; b=\$(git merge-base main hotfix/good); git merge-base --is-ancestor hotfix/good main; git merge-base --is-ancestor hotfix/good development; git diff --shortstat \$b hotfix/good" \
      "GIT_CONFIG_PARAMETERS=$LOCAL_TRUNKS"
    measure f-list 0 "exec $BIN list" \
      "git for-each-ref --format=\"%(refname) %(ahead-behind:main)\" refs/heads/hotfix/ refs/remotes/origin/hotfix/; git for-each-ref --merged development refs/heads/hotfix/ refs/remotes/origin/hotfix/" \
      "GIT_CONFIG_PARAMETERS=$LOCAL_TRUNKS"
    if [ -x /usr/bin/time ]; then
      rss=$(peak_rss "$BIN" verify main)
      private=$(peak_private "$BIN" verify main)
      git_rss=$(peak_rss git rev-list --first-parent origin/development)
      printf '%s\t%s\t%s\t%s\t%s\n' "$SIZE" "$GRAPH" "${rss:-NA}" "${private:-NA}" \
        "${git_rss:-NA}" >> "$RSS"
    fi
  done
done

# Scaling (targets b, c, d): the same pushes against the smallest and the largest history in
# one bench/pair.py run each, so that both see the same load (the per-size runs above are minutes
# apart on a shared machine).
SCALING="$WORK/scaling.tsv"
: > "$SCALING"
read -r SMALL _ <<<"$SIZES"
LARGE=${SIZES##* }
if [ "$SMALL" != "$LARGE" ]; then
  in_repo() {  # size stdin-name: the pre-push of that push, run in that size's repository
    local repo=$BENCH_DIR/r$1
    echo "cd $repo && exec .git/hooks/pre-push origin $repo.origin.git < $WORK/stdin-$1/$2"
  }
  # With a commit-graph, also with a multi-pack-index: gix reads a whole pack index when it
  # opens it, a multi-pack-index it does not (see BENCHMARKS.md, target b).
  MODES=$GRAPHS
  case " $GRAPHS " in *" on "*) MODES="$GRAPHS midx" ;; esac
  for GRAPH in $MODES; do
    set_graph "$BENCH_DIR/r$SMALL" "$GRAPH"
    set_graph "$BENCH_DIR/r$LARGE" "$GRAPH"
    echo "== scaling r$SMALL against r$LARGE, $GRAPH" >&2
    for entry in b-good:good:1 b-bad:bad:1 c-main:main:0 d-development:dev:0; do
      IFS=: read -r name stdin local_trunks <<<"$entry"
      envset=()
      [ "$local_trunks" = 1 ] && envset=(env "GIT_CONFIG_PARAMETERS=$LOCAL_TRUNKS")
      "${envset[@]+"${envset[@]}"}" python3 "$ROOT/bench/pair.py" "$WORK/s.json" "$MINR" \
        "$MAXR" "$WARM" "$(in_repo "$LARGE" "$stdin")" "$(in_repo "$SMALL" "$stdin")" ||
        { echo "   $name: bench/pair.py failed" >&2; exit 1; }
      python3 - "$WORK/s.json" "$GRAPH" "$name" >> "$SCALING" <<'PY'
import json, sys
res = json.load(open(sys.argv[1]))
large, small = res["a"]["median"] * 1000, res["b"]["median"] * 1000
print(f"{sys.argv[2]}\t{sys.argv[3]}\t{small:.2f}\t{large:.2f}\t{res['ratio']:.3f}")
PY
      tail -1 "$SCALING" | awk -F'\t' '{printf "   %-13s %8s ms -> %8s ms   %s\n", $2, $3, $4, $5}' >&2
    done
  done
fi

# ---------------------------------------------------------------------------------------------
python3 - "$RESULTS" "$RSS" "$OUT" "$BIN" "$ROOT" "$SCALING" "$SMALL" "$LARGE" <<'PY'
import csv, datetime, os, platform, re, subprocess, sys
results, rss_file, out, binary, root, scaling_file, small, large = sys.argv[1:9]
rows = list(csv.DictReader(open(results), delimiter="\t"))
rss = [l.split("\t") for l in open(rss_file).read().splitlines() if l]

def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
    except OSError:
        return "?"

cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
mem = sh("free -h | awk '/^Mem:/ {print $2 \" total, \" $7 \" available\"}'")
head = sh(f"git -C '{root}' rev-parse --short HEAD")
dirty = " (with uncommitted changes)" if sh(f"git -C '{root}' status --porcelain -uno") else ""

TARGET = {
    "a-unrelated": "none: any shim that starts a program is ~1.5× (a-floor)",
    "a-push": "≤ 1.05×",
    "a-floor": "≤ 1.05×",
    "a-push-floor": "reference: 1.0× = the push costs what one through a hook exec'ing fn main(){} does",
    "e-verify-all": "off: ≤ 1.0×",
    "e-verify-fp": "on: ≤ 2.0×",
    "e-verify-subjects": "reference: reading the subjects R1 and R2 need",
    "b-good": "≤ 1.0×; 1m ≤ 1.2× 10k", "b-bad": "≤ 1.0×; 1m ≤ 1.5× 10k",
    "c-main": "1m ≤ 1.5× 10k", "d-development": "1m ≤ 1.5× 10k",
    "e-verify": "≤ 1.0×",
    "g-report": "≤ 1.0×",
}
sizes = list(dict.fromkeys(r["size"] for r in rows))
graphs = list(dict.fromkeys(r["graph"] for r in rows))
cases = list(dict.fromkeys(r["case"] for r in rows))
val = {(r["case"], r["size"], r["graph"]): r for r in rows}
commits = {r["size"]: r["commits"] for r in rows}

def num(x):
    try:
        return float(x)
    except (TypeError, ValueError):
        return None

def cell(r):
    t, g, ratio = num(r["tool_ms"]), num(r["git_ms"]), num(r["ratio"])
    if t is None:
        return "failed", "", ""
    return f"{t:.2f}", f"{g:.2f}", f"{ratio:.2f}"

lines = []
say = lines.append
say("# Benchmarks")
say("")
say("Generated by `bench/run.sh` (see its header for what each case runs). Median wall time in ms; "
    "tool and git are timed in alternating rounds (`bench/pair.py`: each round runs both, in "
    "random order), and ratio is the median of the per-round ratios tool / git, so that both "
    "sides of a ratio saw the same load.")
say("")
say(f"- date: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}")
say(f"- git-hotfix: {head}{dirty}, built by install.sh (static, non-PIE on Linux)")
say(f"- machine: {os.cpu_count()} CPUs ({cpu}), memory {mem}, {platform.system()} {platform.release()}")
say(f"- {sh('git --version')}, {sh('python3 --version')}")
say(f"- histories: " + ", ".join(f"r{s} = {int(commits[s]):,} commits" for s in sizes))
say("")
hdr = ["case", "size"]
for g in graphs:
    hdr += [f"tool ({g})", f"git ({g})", f"ratio ({g})"]
hdr += ["target"]
say("| " + " | ".join(hdr) + " |")
say("|" + "|".join(["---"] * 2 + ["---:"] * (3 * len(graphs)) + ["---"]) + "|")
for c in cases:
    for s in sizes:
        cells = [c, s]
        for g in graphs:
            r = val.get((c, s, g))
            cells += list(cell(r)) if r else ["", "", ""]
        cells.append(TARGET.get(c, "none"))
        say("| " + " | ".join(cells) + " |")
say("")
# Scaling: the largest history against the smallest, measured in one run (target: <= 1.5).
scaling = [l.split("\t") for l in open(scaling_file).read().splitlines() if l]
if scaling:
    say(f"Scaling: the same push against r{small} and r{large} in alternating rounds, median ms "
        f"and the median per-round ratio {large} / {small} (target: b-good ≤ 1.2, b-bad, c, d "
        f"≤ 1.5); midx = a commit-graph and a multi-pack-index (`git multi-pack-index write`) in "
        f"both repositories:")
    say("")
    modes = list(dict.fromkeys(g for g, *_ in scaling))
    hdr = ["case"]
    for g in modes:
        hdr += [f"r{small} ({g})", f"r{large} ({g})", f"ratio ({g})"]
    say("| " + " | ".join(hdr) + " |")
    say("|---|" + "|".join(["---:"] * (3 * len(modes))) + "|")
    by = {(g, c): (float(a), float(b), float(r)) for g, c, a, b, r in scaling}
    for c in dict.fromkeys(c for _, c, *_ in scaling):
        cells = [c]
        for g in modes:
            a, b, r = by.get((g, c), (None, None, None))
            cells += [f"{a:.2f}", f"{b:.2f}", f"{r:.2f}"] if a else ["", "", ""]
        say("| " + " | ".join(cells) + " |")
    say("")
if rss:
    mib = lambda kb: f"{int(kb) / 1024:.1f} MiB" if kb.isdigit() else "n/a"
    say("Memory of `git hotfix verify main`: peak RSS (`/usr/bin/time -v`), which counts the pages "
        "of the mapped pack, index and commit-graph files it read, and the most private "
        "(anonymous) memory it held (sampled from /proc/<pid>/smaps_rollup); for scale, the peak "
        "RSS of `git rev-list --first-parent origin/development`:")
    say("")
    say("| size | graph | verify peak RSS | verify private | git rev-list peak RSS |")
    say("|---|---|---:|---:|---:|")
    for size, graph, kb, private, git_kb in rss:
        say(f"| {size} | {graph} | {mib(kb)} | {mib(private)} | {mib(git_kb)} |")
    say("")
text = "\n".join(lines)
print(text)
if out != "-":
    notes = ""
    if os.path.exists(out):
        old = open(out).read()
        i = old.find("<!-- notes -->")
        if i >= 0:
            notes = old[i:]
    with open(out, "w") as f:
        f.write(text + "\n" + (notes or "<!-- notes -->\n"))
    print(f"\nwritten to {out}", file=sys.stderr)
PY
