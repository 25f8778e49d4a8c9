# Shared by the stand-ins' smoke tests: sourced right after `set -euo pipefail`, not run.
# Gives $HERE, a temporary $T removed on exit (with the server $SERVER_PID, once started), and
# `check <description> <actual> <expected>`, counted in $PASSED and $FAILS.

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
T=$(mktemp -d)
SERVER_PID=
cleanup() {
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$T"
}
trap cleanup EXIT

PASSED=0
FAILS=0
ok() { echo "ok   - $1"; PASSED=$((PASSED + 1)); }
check() { # description, actual, expected
    if [ "$2" == "$3" ]; then ok "$1"; else
        echo "FAIL - $1"; printf '       expected: %q\n       actual:   %q\n' "$3" "$2"; FAILS=$((FAILS + 1)); fi
}

# Runs python code on the state dict `s` in $T/state.json and writes it back (the stand-in
# re-reads it on every request and is idle meanwhile).
edit_state() {
    python3 - "$T/state.json" "$1" <<'EOF'
import json, sys
path, code = sys.argv[1], sys.argv[2]
s = json.load(open(path))
exec(code)
json.dump(s, open(path, "w"), indent=2)
EOF
}
