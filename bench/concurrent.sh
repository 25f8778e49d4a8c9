#!/usr/bin/env bash
# bench/concurrent.sh -- the server hook under load: one push alone, then N pushes at once, each
# through pre-receive on one bare server. Prints every push's wall time and the ratio of the
# slowest concurrent push to the lone one.
#
# Usage: bench/concurrent.sh [N]        (default 50; needs target/release/git-hotfix or builds it)
set -euo pipefail
N=${1:-50}
root=$(cd "$(dirname "$0")/.." && pwd)
[ -x "$root/target/release/git-hotfix" ] || cargo build --release --quiet --manifest-path "$root/Cargo.toml"
work=$(mktemp -d /tmp/git-hotfix-concurrent.XXXXXX)
trap 'rm -rf "$work"' EXIT
export PATH="$root/target/release:$PATH" HOME="$work" GIT_CONFIG_NOSYSTEM=1
git config --global user.name Bench && git config --global user.email bench@example.com
git config --global init.defaultBranch main
cd "$work"
git init -q --bare origin.git
git init -q seed && (cd seed && echo app > app.txt && git add . && git commit -qm "Initial commit" &&
    git branch development && git push -q ../origin.git main development)
(cd origin.git && git hotfix install >/dev/null)

# One clone per push, each with one commit on its own branch: hotfix/fix-<n> off main.
for n in $(seq 0 "$N"); do
    git clone -q origin.git "c$n"
    (cd "c$n" && git switch -q -c "hotfix/fix-$n" && echo "$n" > "f$n.txt" && git add . &&
        git commit -qm "Fix $n")
done

now() { date +%s%N; }
push() { local s; s=$(now); (cd "c$1" && git push -q origin "hotfix/fix-$1" 2>/dev/null); echo "$(( ($(now) - s) / 1000000 ))"; }

alone=$(push 0)
echo "one push alone: ${alone} ms"
for n in $(seq 1 "$N"); do push "$n" > "t$n" & done
wait
slowest=0
for n in $(seq 1 "$N"); do t=$(cat "t$n"); [ "$t" -gt "$slowest" ] && slowest=$t; done
echo "$N pushes at once: slowest ${slowest} ms, $(( slowest * 10 / alone ))/10 of the lone push"
landed=$(git --git-dir origin.git for-each-ref refs/heads/hotfix | wc -l)
echo "landed: $landed of $(( N + 1 ))"
git --git-dir origin.git fsck --no-progress --no-dangling && echo "fsck: clean"
