#!/bin/sh
# Builds git-hotfix and installs it for the current user:
#   <prefix>/bin/git-hotfix                                   (git finds it as `git hotfix`)
#   <prefix>/share/man/man1/git-hotfix.1                      (so `git hotfix --help` works)
#   <prefix>/share/bash-completion/completions/git-hotfix     (also `git hotfix <TAB>`)
#   <prefix>/share/zsh/site-functions/_git-hotfix, <prefix>/share/fish/vendor_completions.d/
# then installs the hooks into REPO with `git hotfix install`.
#
# Usage: ./install.sh [REPO]        PREFIX=/usr/local ./install.sh
# Default PREFIX: ~/.local, or ~/.cargo when ~/.local/bin is not on PATH but ~/.cargo/bin is
# (a machine set up by rustup), so that `git hotfix` works straight away.
# REPO defaults to the repository of the current directory, unless that is this source tree.
# Running it again is safe: every step replaces its own previous result and nothing else.
set -eu

src=$(cd "$(dirname "$0")" && pwd)
on_path() { case ":$PATH:" in *":$1:"*) return 0 ;; *) return 1 ;; esac; }
if [ -n "${PREFIX:-}" ]; then
  prefix=$PREFIX
elif ! on_path "$HOME/.local/bin" && on_path "$HOME/.cargo/bin"; then
  prefix=$HOME/.cargo
else
  prefix=$HOME/.local
fi
bin="$prefix/bin"

command -v cargo >/dev/null 2>&1 || { echo "install.sh: cargo is required (https://rustup.rs)" >&2; exit 2; }
command -v git >/dev/null 2>&1 || { echo "install.sh: git is required" >&2; exit 2; }

echo "building git-hotfix (release)..."
# On Linux with glibc, linked statically and not position-independent: the pre-push hook starts
# it on every push, and so linked it starts as fast as an empty Rust program (no loader, no
# relocations; BENCHMARKS.md). `--target` keeps the flags off build scripts and proc-macros.
host=$(rustc -vV | sed -n 's/^host: //p')
case $host in
  *-linux-gnu) out=$host/release ;;
  *) host='' out=release ;;
esac
cargo build --quiet --release --locked --manifest-path "$src/Cargo.toml" ${host:+--target "$host" \
  --config "target.$host.rustflags = ['-C', 'target-feature=+crt-static', '-C', 'relocation-model=static']"}
target_dir=${CARGO_TARGET_DIR:-$src/target}/$out

mkdir -p "$bin" "$prefix/share/man/man1" "$prefix/share/bash-completion/completions" \
  "$prefix/share/zsh/site-functions" "$prefix/share/fish/vendor_completions.d"
# Copy to a temporary name and rename, so a running hook never sees a half-written binary.
cp "$target_dir/git-hotfix" "$bin/.git-hotfix.tmp"
chmod 755 "$bin/.git-hotfix.tmp"
mv -f "$bin/.git-hotfix.tmp" "$bin/git-hotfix"
"$bin/git-hotfix" man >"$prefix/share/man/man1/git-hotfix.1"
"$bin/git-hotfix" completions bash >"$prefix/share/bash-completion/completions/git-hotfix"
"$bin/git-hotfix" completions zsh >"$prefix/share/zsh/site-functions/_git-hotfix"
"$bin/git-hotfix" completions fish >"$prefix/share/fish/vendor_completions.d/git-hotfix.fish"
echo "installed $bin/git-hotfix, its man page and shell completions"

on_path "$bin" || echo "note: $bin is not on your PATH; add it, e.g.: export PATH=\"$bin:\$PATH\""

if [ $# -gt 0 ]; then
  repo=$1
elif repo=$(git rev-parse --show-toplevel 2>/dev/null) && [ "$repo" != "$src" ]; then
  :
else
  echo "hooks: not installed here; run ./install.sh /path/to/your/repo, or 'git hotfix install' inside it"
  exit 0
fi
"$bin/git-hotfix" -C "$repo" install
