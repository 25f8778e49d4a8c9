# Shared by the stand-ins' smoke tests: sourced, not run.

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
