#!/usr/bin/env bash
# Smoke test for tests/standins/github.py: drives the real `gh` (Debian's 2.23)
# against the stand-in, with a real bare origin. Exits non-zero on any failure.
# Prints what gh printed for each error case (the texts in README.md).
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Hermetic git.
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null HOME="$T/home"
export GIT_AUTHOR_NAME=Dev GIT_AUTHOR_EMAIL=dev@example.com GIT_COMMITTER_NAME=Dev GIT_COMMITTER_EMAIL=dev@example.com
mkdir -p "$T/home" "$T/gh"

said() { printf '       gh exit %s, stderr: %q\n' "$RC" "$ERR"; }

# gh api against the stand-in; sets OUT, ERR (trailing newline stripped) and RC.
api() {
    RC=0
    env -u NO_PROXY -u no_proxy -u GITHUB_TOKEN -u GH_ENTERPRISE_TOKEN -u GITHUB_ENTERPRISE_TOKEN \
        GH_HOST=github.localhost GH_TOKEN=dummy-token GH_CONFIG_DIR="$T/gh" \
        HTTP_PROXY="http://127.0.0.1:$PORT" http_proxy="http://127.0.0.1:$PORT" \
        GH_NO_UPDATE_NOTIFIER=1 GH_PROMPT_DISABLED=1 NO_COLOR=1 \
        gh api --hostname github.localhost "$@" >"$T/out" 2>"$T/err" || RC=$?
    OUT=$(cat "$T/out")
    ERR=$(cat "$T/err")
}
fault() { edit_state "s.setdefault('faults', []).append($1)"; }
# Splits gh's --paginate output (JSON arrays back to back: `[...][...]`) into pages,
# printing the given field of each item, page by page.
pages() {
    python3 -c '
import json, sys
text, pages, i, field = sys.stdin.read(), [], 0, sys.argv[1]
while text[i:].strip():
    i += len(text[i:]) - len(text[i:].lstrip())
    page, i = json.JSONDecoder().raw_decode(text, i)
    pages.append([item[field] for item in page])
print(pages)' "$1"
}
last_log() { tail -n 1 "$T/log.jsonl"; }
og() { git --git-dir "$T/origin.git" "$@"; }

# ---- origin: main, hotfix/x, hotfix/y and hotfix/r (2 commits each), hotfix/c (conflicts with main)
git init -q --bare -b main "$T/origin.git"
git init -q -b main "$T/work"
(
    cd "$T/work"
    git remote add origin "$T/origin.git"
    echo a >a.txt && git add a.txt && git commit -qm init
    git switch -qc hotfix/x && echo fix >fix.txt && git add fix.txt && git commit -qm "fix it"
    git switch -qc hotfix/y main && echo y1 >y.txt && git add y.txt && git commit -qm "y one"
    echo y2 >>y.txt && git commit -qam "y two"
    git switch -qc hotfix/c main && echo conflict >a.txt && git commit -qam conflicting
    git switch -qc hotfix/r main && echo r1 >r.txt && git add r.txt && git commit -qm "r one"
    echo r2 >>r.txt && git commit -qam "r two"
    git switch -q main && echo moved >a.txt && git commit -qam "main moves"
    git push -q origin main hotfix/x hotfix/y hotfix/c hotfix/r
)

cat >"$T/state.json" <<EOF
{
  "owner": "acme", "repo": "shop", "origin": "$T/origin.git",
  "repository": {"id": 1, "default_branch": "main"},
  "protection": {"main": {"required_linear_history": {"enabled": false}}},
  "rulesets": [{"id": 7, "name": "main", "target": "branch", "enforcement": "active",
    "conditions": {"ref_name": {"include": ["~DEFAULT_BRANCH"], "exclude": []}},
    "rules": [{"type": "deletion"}, {"type": "non_fast_forward"},
      {"type": "pull_request", "parameters": {"dismiss_stale_reviews_on_push": false,
        "require_code_owner_review": false, "require_last_push_approval": false,
        "required_approving_review_count": 1, "required_review_thread_resolution": false}}]}],
  "pulls": [
    {"number": 1, "title": "old 1", "head": "hotfix/x", "base": "main", "state": "closed", "merged": false, "user": "alice"},
    {"number": 2, "title": "old 2", "head": "hotfix/x", "base": "main", "state": "closed", "merged": false, "user": "alice"}],
  "reviews": {"1": [{"id": 11, "user": "bob", "state": "APPROVED", "commit_id": "abc"},
                    {"id": 12, "user": "carol", "state": "COMMENTED", "commit_id": "abc"}]},
  "permissions": {"bob": "write", "carol": "read", "dave": "maintain"},
  "deployments": [
    {"id": 41, "sha": "s1", "ref": "main", "environment": "production", "created_at": "2024-01-01T00:00:00Z",
     "statuses": [{"state": "success", "created_at": "2024-01-01T00:05:00Z"}]},
    {"id": 42, "sha": "s2", "ref": "main", "environment": "production", "created_at": "2024-01-02T00:00:00Z",
     "statuses": [{"state": "queued", "created_at": "2024-01-02T00:00:01Z"},
                  {"state": "in_progress", "created_at": "2024-01-02T00:00:02Z"}]},
    {"id": 43, "sha": "s3", "ref": "main", "environment": "staging", "created_at": "2024-01-03T00:00:00Z", "statuses": []}],
  "workflow_runs": [
    {"id": 501, "workflow": "deploy.yml", "head_sha": "s1", "head_branch": "main", "status": "completed",
     "conclusion": "success", "created_at": "2024-01-01T00:00:00Z", "run_started_at": "2024-01-01T00:00:00Z"},
    {"id": 502, "workflow": "deploy.yml", "head_sha": "s2", "head_branch": "main", "status": "in_progress",
     "conclusion": null, "created_at": "2024-01-02T00:00:00Z", "run_started_at": "2024-01-02T00:00:00Z"},
    {"id": 503, "workflow": "ci.yml", "head_sha": "s2", "head_branch": "main", "status": "completed",
     "conclusion": "failure", "created_at": "2024-01-02T00:00:00Z", "run_started_at": "2024-01-02T00:00:00Z"}]
}
EOF

# ---- stand-in: its stdin is our coproc pipe, so it dies with this script
coproc STANDIN { exec python3 "$HERE/github.py" --state "$T/state.json" --log "$T/log.jsonl" 2>"$T/standin.err"; }
SERVER_PID=$STANDIN_PID
read -r -t 10 WORD PORT <&"${STANDIN[0]}"
check "stand-in prints PORT <n>" "$WORD:${PORT//[0-9]/}" "PORT:"

# ---- repository
api repos/acme/shop --jq .full_name
check "GET repo" "$RC:$OUT" "0:acme/shop"
check "token sent as Authorization" "$(last_log | python3 -c 'import json,sys; print(json.load(sys.stdin)["auth"])')" "token dummy-token"
check "request logged with plain path" "$(last_log | python3 -c 'import json,sys; print(json.load(sys.stdin)["path"])')" "/repos/acme/shop"

# ---- protection
api repos/acme/shop/branches/hotfix/x/protection
check "protection 404 stderr" "$RC:$ERR" "1:gh: Branch not protected (HTTP 404)"
check "protection 404 body on stdout" "$(echo "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["message"])')" "Branch not protected"
said
api repos/acme/shop/branches/main/protection --jq .required_linear_history.enabled
check "protection 200" "$RC:$OUT" "0:false"

# ---- rules in force, paginated: gh --paginate concatenates the arrays as `[...][...]`
api "repos/acme/shop/rules/branches/main?per_page=2" --paginate
check "rules pages concatenated" "$(grep -o '}\]\[{' <<<"$OUT")" "}][{"
check "rules over 2 pages" "$(pages type <<<"$OUT")" "[['deletion', 'non_fast_forward'], ['pull_request']]"
api repos/acme/shop/rules/branches/hotfix/x --jq length
check "no rules on hotfix/x" "$RC:$OUT" "0:0"

# ---- create a PR (body on stdin, as the Rust client sends it)
api --method POST repos/acme/shop/pulls --input - --jq '[.number, .state, .head.ref, .html_url] | @tsv' \
    <<<'{"title": "Fix it", "head": "hotfix/x", "base": "main", "body": "hotfix"}'
check "POST pulls" "$RC:$OUT" "$(printf '0:3\topen\thotfix/x\thttps://github.localhost/acme/shop/pull/3')"
api --method POST repos/acme/shop/pulls --input - <<<'{"title": "Fix it", "head": "hotfix/x", "base": "main"}'
check "duplicate PR -> 422" "$RC:$ERR" "1:gh: Validation Failed (HTTP 422)"
check "duplicate PR error on stdout" "$(echo "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["errors"][0]["message"])')" \
    "A pull request already exists for acme:hotfix/x."
said
api --method POST repos/acme/shop/pulls -f title=Y -f head=hotfix/y -f base=main -f draft=false
check "-f sends strings: draft=\"false\" -> 422" "$RC:$ERR" "$(printf '1:gh: Invalid request.\n\nFor %s, "false" is not a boolean. (HTTP 422)' "'properties/draft'")"
said
api --method POST repos/acme/shop/pulls -f title="PR y" -f head=hotfix/y -f base=main -F draft=true --jq .draft
check "-F types draft=true as a boolean" "$RC:$OUT" "0:true"
api repos/acme/shop/pulls -f state=all
check "-f without --method turns a GET into a POST" "$(last_log | python3 -c 'import json,sys; print(json.load(sys.stdin)["method"])')" "POST"

# ---- list PRs with the head filter, several pages
api "repos/acme/shop/pulls?state=all&head=acme:hotfix/x&per_page=2" --paginate
check "pulls --paginate" "$RC:$(pages number <<<"$OUT")" "0:[[3, 2], [1]]"
check "pulls --paginate raw form" "$(grep -c '^\[{.*}\]\[{.*}\]$' <<<"$OUT")" "1"
api "repos/acme/shop/pulls?state=all&head=acme:hotfix/x&per_page=2" --paginate --jq '.[]'
check "--paginate --jq '.[]' gives one compact object per line" "$(python3 -c '
import json, sys
print([json.loads(line)["number"] for line in sys.stdin])' <<<"$OUT")" "[3, 2, 1]"
api "repos/acme/shop/pulls?head=acme:hotfix/y" --jq '[.[].number]'
check "open PRs for hotfix/y" "$OUT" "[4]"

# ---- merge
MAIN=$(og rev-parse main) HOTFIX=$(og rev-parse hotfix/x)
api repos/acme/shop/pulls/3 --jq '[.mergeable, .mergeable_state, .head.sha, .base.sha] | @tsv'
check "PR mergeability is computed" "$OUT" "$(printf 'true\tclean\t%s\t%s' "$HOTFIX" "$MAIN")"
api --method PUT repos/acme/shop/pulls/3/merge --input - <<<'{"merge_method": "merge", "sha": "0000000000000000000000000000000000000000"}'
check "stale sha -> 409" "$RC:$ERR" "1:gh: Head branch was modified. Review and try the merge again. (HTTP 409)"
said
api --method PUT repos/acme/shop/pulls/3/merge --input - --jq .merged <<<"{\"merge_method\": \"merge\", \"sha\": \"$HOTFIX\"}"
check "merge" "$RC:$OUT" "0:true"
check "merge commit parents" "$(og rev-list --parents -n 1 main | cut -d' ' -f2-)" "$MAIN $HOTFIX"
check "merge commit message" "$(og log -1 --format='%s|%b|%cn <%ce>' main)" "Merge pull request #3 from acme/hotfix/x|Fix it
|GitHub <noreply@github.com>"
check "head branch kept" "$(og rev-parse hotfix/x)" "$HOTFIX"
api repos/acme/shop/pulls/3 --jq '[.state, .merged, .merge_commit_sha == "'"$(og rev-parse main)"'"] | @tsv'
check "PR marked merged" "$OUT" "$(printf 'closed\ttrue\ttrue')"
api --method PUT repos/acme/shop/pulls/3/merge --input - <<<'{"merge_method": "merge"}'
check "merging again -> 405" "$RC:$ERR" "1:gh: Pull Request is not mergeable (HTTP 405)"

api --method PUT repos/acme/shop/pulls/4/merge --input - <<<'{"merge_method": "squash"}'
check "draft -> 405" "$RC:$ERR" "1:gh: Pull Request is still a draft (HTTP 405)"
said
edit_state 's["pulls"][3]["draft"] = False; s["merge_behaviour"] = "squash"'
MAIN=$(og rev-parse main)
api --method PUT repos/acme/shop/pulls/4/merge --input - --jq .sha <<<'{"merge_method": "merge"}'
check "host squashes whatever was asked" "$RC:$OUT" "0:$(og rev-parse main)"
check "squash commit has 1 parent" "$(og rev-list --parents -n 1 main | cut -d' ' -f2-)" "$MAIN"
check "squash commit subject and tree" "$(og log -1 --format=%s main):$(og show main:y.txt | tr '\n' ' ')" "PR y (#4):y1 y2 "

api --method POST repos/acme/shop/pulls --input - <<<'{"title": "C", "head": "hotfix/c", "base": "main"}'
api repos/acme/shop/pulls/5 --jq '[.mergeable, .mergeable_state] | @tsv'
check "conflict -> dirty" "$OUT" "$(printf 'false\tdirty')"
api --method PUT repos/acme/shop/pulls/5/merge --input - <<<'{"merge_method": "merge"}'
check "conflict -> 405" "$RC:$ERR" "1:gh: Pull Request is not mergeable (HTTP 405)"

edit_state 's["merge_behaviour"] = "rebase"'
MAIN=$(og rev-parse main)
api --method POST repos/acme/shop/pulls --input - --jq .number <<<'{"title": "R", "head": "hotfix/r", "base": "main"}'
api --method PUT repos/acme/shop/pulls/6/merge --input - <<<'{"merge_method": "rebase"}'
check "rebase replays the commits linearly" "$RC:$(og log --format='%s|%an|%cn' "$MAIN..main" | tr '\n' ' ')" \
    "0:r two|Dev|GitHub r one|Dev|GitHub "
check "rebased onto old main" "$(og rev-parse main~2)" "$MAIN"

# ---- faults
fault '{"method": "GET", "path": "/repos/acme/shop", "status": 401, "body": {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"}, "times": 1}'
api repos/acme/shop
check "401" "$RC:$ERR" "1:gh: Bad credentials (HTTP 401)"
said
api repos/acme/shop --jq .name
check "fault used up after times=1" "$RC:$OUT:$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["faults"])' "$T/state.json")" "0:shop:[]"
fault '{"method": "GET", "path": "/repos/acme/*", "status": 429, "body": {"message": "API rate limit exceeded for user ID 1.", "documentation_url": "https://docs.github.com/rest"}, "headers": {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1700000000"}, "times": 1}'
api repos/acme/shop -i
check "429" "$RC:$ERR" "1:gh: API rate limit exceeded for user ID 1. (HTTP 429)"
check "429 headers" "$(grep -ci '^x-ratelimit-remaining: 0' <<<"$OUT")" "1"
said
fault '{"method": "GET", "path": "/repos/acme/shop", "status": 200, "raw": "<html>garbage", "times": 1}'
api repos/acme/shop --jq .name
check "garbage 200 body with --jq" "$RC:$OUT:$ERR" "1::invalid character '<' looking for beginning of value"
said
fault '{"method": "GET", "path": "/repos/acme/shop", "status": 200, "raw": "<html>garbage", "times": 1}'
api repos/acme/shop
check "garbage 200 body without --jq is printed as is" "$RC:$OUT:$ERR" "0:<html>garbage:"
fault '{"method": "GET", "path": "/repos/acme/shop", "status": 500, "raw": "{\"message\": \"trunc", "times": 1}'
api repos/acme/shop
check "truncated JSON 500" "$RC:$OUT:$ERR" "1::unexpected end of JSON input"
said
fault '{"method": "GET", "path": "/repos/acme/shop", "status": 502, "raw": "<html>bad gateway</html>", "headers": {"Content-Type": "text/html"}, "times": 1}'
api repos/acme/shop
check "non-JSON 502" "$RC:$OUT:$ERR" "1:<html>bad gateway</html>:gh: HTTP 502"
said
fault '{"method": "GET", "path": "/repos/acme/shop", "status": 301, "body": {"message": "Moved Permanently", "url": "http://api.github.localhost/repositories/1", "documentation_url": "https://docs.github.com/rest"}, "headers": {"Location": "http://api.github.localhost/repositories/1"}, "times": 1}'
api repos/acme/shop --jq .full_name
check "301 rename is followed" "$RC:$OUT" "0:acme/shop"
check "301 target requested with the token" "$(last_log | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["path"], d["auth"])')" "/repositories/1 token dummy-token"

# ---- sequence: a deployment that finishes while the client polls
edit_state 's["sequence"] = {"GET /repos/acme/shop/deployments/42/statuses": [
    {"status": 200, "body": [{"id": 2, "state": "in_progress", "created_at": "2024-01-02T00:00:02Z"}]},
    {"status": 200, "body": [{"id": 3, "state": "success", "created_at": "2024-01-02T00:01:00Z", "log_url": "https://github.localhost/log"}]}]}'
states=""
for _ in 1 2 3; do api repos/acme/shop/deployments/42/statuses --jq '.[0].state'; states="$states $OUT"; done
check "sequence advances, last entry repeats" "$states" " in_progress success success"

# ---- deployments, workflow runs, collaborators, reviews
api "repos/acme/shop/deployments?environment=production" --jq '[.[].id]'
check "deployments filtered, newest first" "$OUT" "[42,41]"
api repos/acme/shop/deployments/41/statuses --jq '[.[].state]'
check "deployment statuses" "$OUT" '["success"]'
api "repos/acme/shop/actions/workflows/deploy.yml/runs?branch=main&per_page=1" --jq '[.total_count, .workflow_runs[0].id] | @tsv'
check "workflow runs" "$OUT" "$(printf '2\t502')"
api repos/acme/shop/collaborators/dave/permission --jq '[.permission, .role_name] | @tsv'
check "maintain -> write" "$OUT" "$(printf 'write\tmaintain')"
api repos/acme/shop/collaborators/zed/permission
check "unknown collaborator" "$RC:$ERR" "1:gh: Not Found (HTTP 404)"
api "repos/acme/shop/pulls/1/reviews?per_page=1" --paginate --jq '.[].user.login'
check "reviews paginated" "$OUT" "bob
carol"
api --method POST repos/acme/shop/pulls/5/requested_reviewers --input - --jq '[.requested_reviewers[].login]' <<<'{"reviewers": ["bob"]}'
check "request reviewers" "$OUT" '["bob"]'

# ---- rulesets
RULESET='{"name": "hotfixes", "target": "branch", "enforcement": "active",
  "conditions": {"ref_name": {"include": ["refs/heads/hotfix/**"], "exclude": []}},
  "rules": [{"type": "pull_request", "parameters": {"dismiss_stale_reviews_on_push": true,
    "require_code_owner_review": false, "require_last_push_approval": false, "required_approving_review_count": 1}}]}'
api --method POST repos/acme/shop/rulesets --input - <<<"$RULESET"
check "ruleset missing pull_request parameter -> 422" "$RC:$ERR" \
    "$(printf '1:gh: Invalid request.\n\nInvalid property /rules/0: data matches no possible input. (HTTP 422)')"
said
api --method POST repos/acme/shop/rulesets --input - --jq '[.id, .source_type, .source] | @tsv' \
    <<<"${RULESET/\"required_approving_review_count\": 1/\"required_approving_review_count\": 1, \"required_review_thread_resolution\": true, \"allowed_merge_methods\": [\"squash\"]}"
check "ruleset created" "$RC:$OUT" "$(printf '0:8\tRepository\tacme/shop')"
api repos/acme/shop/rules/branches/hotfix/x --jq '[.[] | .type + ":" + (.ruleset_id | tostring)]'
check "rules on hotfix/x" "$OUT" '["pull_request:8"]'
api --method PUT repos/acme/shop/rulesets/8 --input - --jq '[.name, .enforcement] | @tsv' <<<'{"enforcement": "disabled"}'
check "ruleset updated" "$RC:$OUT" "$(printf '0:hotfixes\tdisabled')"
api repos/acme/shop/rulesets --jq '[.[].name]'
check "rulesets listed" "$OUT" '["main","hotfixes"]'

# ---- unknown things
api repos/acme/shop/nope
check "unknown path" "$RC:$ERR" "1:gh: Not Found (HTTP 404)"
api repos/other/shop
check "unknown repository" "$RC:$ERR" "1:gh: Not Found (HTTP 404)"

# ---- bookkeeping
check "log is JSON lines" "$(python3 -c '
import json, sys
print(all(json.loads(l)["method"] for l in open(sys.argv[1])))' "$T/log.jsonl")" "True"
check "stand-in wrote nothing to stderr" "$(cat "$T/standin.err")" ""
RC=0
timeout 10 python3 "$HERE/github.py" --state "$T/state.json" --log "$T/log2.jsonl" </dev/null >"$T/port2" || RC=$?
check "stand-in exits when its stdin reaches EOF" "$RC:$(cut -d' ' -f1 "$T/port2")" "0:PORT"

if [ "$FAILS" -ne 0 ]; then echo "$FAILS check(s) failed"; exit 1; fi
echo "all checks passed"
