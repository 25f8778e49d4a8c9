#!/usr/bin/env bash
# Smoke test for tests/standins/codepipeline.py: drives the real aws CLI v1 (PyPI awscli
# 1.45) against the stand-in. Exits non-zero on any failure. Prints what aws printed for
# each error case (the texts in README.md).
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

said() { printf '       aws exit %s, stderr: %q\n' "$RC" "$ERR"; }

# Hermetic aws: none of the caller's AWS_* settings, empty config and credential files,
# no instance-metadata lookups, and an HTTPS proxy that refuses, so that a CLI that
# ignored the endpoint override would fail here instead of reaching out.
for v in $(compgen -e | grep '^AWS_' || true); do unset "$v"; done
touch "$T/config" "$T/credentials"
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 \
    AWS_CONFIG_FILE="$T/config" AWS_SHARED_CREDENTIALS_FILE="$T/credentials" \
    AWS_EC2_METADATA_DISABLED=true HTTPS_PROXY=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9
unset NO_PROXY no_proxy

# aws codepipeline list-pipeline-executions; sets OUT, ERR (trailing newline stripped), RC
# and SECS. Leading VAR=value arguments go to env (env -u NAME removes one).
list() {
    local unsets=() sets=()
    while [ $# -gt 0 ]; do
        if [ "$1" == -u ]; then unsets+=("$1" "$2"); shift 2
        elif [[ "$1" == *=* ]]; then sets+=("$1"); shift
        else break; fi
    done
    RC=0
    local start=$SECONDS
    env "${unsets[@]}" "${sets[@]}" aws codepipeline list-pipeline-executions --output json "$@" \
        >"$T/out" 2>"$T/err" || RC=$?
    SECS=$((SECONDS - start))
    OUT=$(cat "$T/out")
    ERR=$(cat "$T/err")
}
faults() { edit_state "s['faults'] = $1"; }
clear_log() { : >"$T/log.jsonl"; }
requests() { wc -l <"$T/log.jsonl" | tr -d ' '; }
ids() { jq -c '[.pipelineExecutionSummaries[].pipelineExecutionId]' <<<"$OUT"; }

summary() { # id, status, start time, sha
    cat <<EOF
{"pipelineExecutionId": "$1", "status": "$2", "startTime": $3, "lastUpdateTime": $3,
 "sourceRevisions": [{"actionName": "Source", "revisionId": "$4", "revisionSummary": "hotfix $1",
   "revisionUrl": "https://github.com/acme/shop/commit/$4"}],
 "trigger": {"triggerType": "Webhook", "triggerDetail": "arn:aws:codepipeline:us-east-1:123456789012:webhook:shop"}}
EOF
}
cat >"$T/state.json" <<EOF
{
  "pipelines": {
    "prod-backend": [
      $(summary e3 InProgress 1764770000.123 3333333333333333333333333333333333333333),
      $(summary e2 Succeeded 1764760000 2222222222222222222222222222222222222222),
      $(summary e1 Failed 1764750000.5 1111111111111111111111111111111111111111)],
    "prod-frontend": {"sequence": [
      [$(summary f1 InProgress 1764770000 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa)],
      [$(summary f1 Succeeded 1764770000 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa)]]}
  },
  "page_size": 100,
  "faults": []
}
EOF

# ---- stand-in: its stdin is our coproc pipe, so it dies with this script
coproc STANDIN { exec python3 "$HERE/codepipeline.py" --state "$T/state.json" --log "$T/log.jsonl" 2>"$T/standin.err"; }
SERVER_PID=$STANDIN_PID
read -r -t 10 WORD PORT <&"${STANDIN[0]}"
check "stand-in prints PORT <n>" "$WORD:${PORT//[0-9]/}" "PORT:"
export AWS_ENDPOINT_URL="http://127.0.0.1:$PORT"
aws --version

# ---- a plain listing
list --pipeline-name prod-backend
check "plain list succeeds" "$RC:$ERR" "0:"
check "executions newest first" "$(ids)" '["e3","e2","e1"]'
check "startTime printed as the epoch number sent" \
    "$(jq -c '[.pipelineExecutionSummaries[].startTime]' <<<"$OUT")" '[1764770000.123,1764760000,1764750000.5]'
check "startTime text in the output" "$(grep -c '"startTime": 1764770000.123,' <<<"$OUT")" "1"
check "source revision" "$(jq -r '.pipelineExecutionSummaries[0].sourceRevisions[0].revisionId' <<<"$OUT")" \
    3333333333333333333333333333333333333333
check "request logged" "$(jq -c '[.target, .body, .authorization_present, .region, .access_key_id]' "$T/log.jsonl")" \
    '["CodePipeline_20150709.ListPipelineExecutions",{"pipelineName":"prod-backend"},true,"us-east-1","test"]'

# ---- pagination: the CLI follows nextToken and merges the pages unless --no-paginate
edit_state "s['page_size'] = 2"
clear_log
list --pipeline-name prod-backend
check "pages merged into one list" "$RC:$(ids):$(jq -c 'has("nextToken")' <<<"$OUT")" '0:["e3","e2","e1"]:false'
check "two requests, the second with the token" "$(requests):$(jq -c '.body | has("nextToken")' "$T/log.jsonl" | tr '\n' ,)" \
    "2:false,true,"
clear_log
list --pipeline-name prod-backend --no-paginate
check "--no-paginate: first page and its nextToken" "$(ids):$(jq -c 'has("nextToken")' <<<"$OUT"):$(requests)" \
    '["e3","e2"]:true:1'
faults '[{"raw": "{\"pipelineExecutionSummaries\": [{\"pipelineExecutionId\": \"p1\"}], \"nextToken\": \"bogus\"}", "status": 200, "times": 1}]'
clear_log
list --pipeline-name prod-backend
check "a failing second page: exit 255 and nothing on stdout" "$RC:$(requests):$OUT" "255:2:"
faults '[]'

# ---- a sequence advances per listing (not per page), then its last step repeats
statuses() { jq -c '[.pipelineExecutionSummaries[].status]' <<<"$OUT"; }
list --pipeline-name prod-frontend
check "sequence step 1" "$(statuses)" '["InProgress"]'
list --pipeline-name prod-frontend
check "sequence step 2" "$(statuses)" '["Succeeded"]'
list --pipeline-name prod-frontend
check "last step repeats" "$(statuses)" '["Succeeded"]'
check "calls counted in the state" "$(jq '.pipelines."prod-frontend".calls' "$T/state.json")" "3"
edit_state "s['pipelines']['prod-frontend'] = {'sequence': [[$(summary f2 InProgress 1 b), $(summary f1 Succeeded 0 a)], [$(summary f2 Failed 1 b), $(summary f1 Succeeded 0 a)]]}; s['page_size'] = 1"
list --pipeline-name prod-frontend
check "sequence step paged: both pages from step 1" "$(statuses)" '["InProgress","Succeeded"]'
list --pipeline-name prod-frontend
check "next listing takes step 2" "$(statuses)" '["Failed","Succeeded"]'
edit_state "s['page_size'] = 100"

# ---- errors: 255, a blank line, then the message
list --pipeline-name nope
said
check "PipelineNotFoundException" "$RC:$ERR" "255:
An error occurred (PipelineNotFoundException) when calling the ListPipelineExecutions operation: Account '123456789012' does not have a pipeline with name 'nope'"

faults '[{"type": "ThrottlingException", "message": "Rate exceeded"}]'
clear_log
list AWS_MAX_ATTEMPTS=1 --pipeline-name prod-backend
said
check "ThrottlingException, retries disabled" "$RC:$(requests):$ERR" "255:1:
An error occurred (ThrottlingException) when calling the ListPipelineExecutions operation (reached max retries: 0): Rate exceeded"
clear_log
list --pipeline-name prod-backend
said
echo "       permanent throttling failed after ${SECS}s"
check "ThrottlingException, default legacy retries: 5 attempts" "$RC:$(requests):$ERR" "255:5:
An error occurred (ThrottlingException) when calling the ListPipelineExecutions operation (reached max retries: 4): Rate exceeded"
check "attempts numbered in amz-sdk-request" "$(jq -r '.attempt' "$T/log.jsonl" | sed 's/.*attempt=\([0-9]*\).*/\1/' | tr '\n' ,)" "1,2,3,4,5,"
check "legacy backoff takes 1-20 s in all" "$([ "$SECS" -ge 1 ] && [ "$SECS" -le 20 ] && echo yes)" "yes"
clear_log
list AWS_RETRY_MODE=standard --pipeline-name prod-backend
check "AWS_RETRY_MODE=standard: 3 attempts" "$RC:$(requests)" "255:3"
faults '[{"type": "ThrottlingException", "times": 1}]'
clear_log
list --pipeline-name prod-backend
check "throttled once, then the retry succeeds" "$RC:$(requests):$(ids)" '0:2:["e3","e2","e1"]'
check "fault count written back" "$(jq -c '.faults[0].times' "$T/state.json")" "0"

faults '[{"type": "ExpiredTokenException"}]'
clear_log
list --pipeline-name prod-backend
said
check "ExpiredTokenException, not retried" "$RC:$(requests):$ERR" "255:1:
An error occurred (ExpiredTokenException) when calling the ListPipelineExecutions operation: The security token included in the request is expired"

faults '[{"pipeline": "prod-backend", "type": "AccessDeniedException"}]'
list --pipeline-name prod-backend
said
check "AccessDeniedException" "$RC:$ERR" "255:
An error occurred (AccessDeniedException) when calling the ListPipelineExecutions operation: User: arn:aws:iam::123456789012:user/ci is not authorized to perform: codepipeline:ListPipelineExecutions on resource: arn:aws:codepipeline:us-east-1:123456789012:prod-backend"
list --pipeline-name prod-frontend
check "a fault for one pipeline spares the others" "$RC" "0"

faults '[{"type": "UnrecognizedClientException"}]'
list --pipeline-name prod-backend
said
check "UnrecognizedClientException" "$RC:$ERR" "255:
An error occurred (UnrecognizedClientException) when calling the ListPipelineExecutions operation: The security token included in the request is invalid."

faults '[{"type": "InternalServerError"}]'
clear_log
list AWS_MAX_ATTEMPTS=2 --pipeline-name prod-backend
said
check "InternalServerError (500) is retried" "$RC:$(requests):$ERR" "255:2:
An error occurred (InternalServerError) when calling the ListPipelineExecutions operation (reached max retries: 1): Internal server error"

faults '[{"raw": "<html><body>502 Bad Gateway</body></html>", "status": 502}]'
clear_log
list AWS_MAX_ATTEMPTS=2 --pipeline-name prod-backend
said
check "garbage 502 body" "$RC:$(requests):$ERR" "255:2:
An error occurred (502) when calling the ListPipelineExecutions operation (reached max retries: 1): Bad Gateway"
faults '[{"raw": "<html>oops</html>", "status": 400}]'
list --pipeline-name prod-backend
said
check "garbage 400 body" "$RC:$ERR" "255:
An error occurred (400) when calling the ListPipelineExecutions operation: <html>oops</html>"
faults '[{"raw": "<html>oops</html>", "status": 200}]'
list --pipeline-name prod-backend
check "garbage 200 body: exit 0 and NOTHING on stdout" "$RC:$OUT:$ERR" "0::"
faults '[]'

# ---- region and profile
clear_log
list --pipeline-name prod-backend --region eu-west-1
check "--region eu-west-1 signs for eu-west-1" "$RC:$(jq -r .region "$T/log.jsonl")" "0:eu-west-1"
printf '[profile ci]\nregion = eu-central-1\n' >"$T/profile-config"
printf '[ci]\naws_access_key_id = AKIDCI\naws_secret_access_key = secret\n' >"$T/profile-credentials"
with_profile=(AWS_CONFIG_FILE="$T/profile-config" AWS_SHARED_CREDENTIALS_FILE="$T/profile-credentials")
clear_log
list "${with_profile[@]}" --pipeline-name prod-backend --profile ci
check "--profile: its keys beat AWS_ACCESS_KEY_ID, AWS_DEFAULT_REGION beats its region" \
    "$RC:$(jq -r '.access_key_id + " " + .region' "$T/log.jsonl")" "0:AKIDCI us-east-1"
clear_log
list "${with_profile[@]}" -u AWS_DEFAULT_REGION --pipeline-name prod-backend --profile ci
check "--profile without AWS_DEFAULT_REGION: the profile's region" "$RC:$(jq -r .region "$T/log.jsonl")" "0:eu-central-1"
clear_log
list "${with_profile[@]}" -u AWS_DEFAULT_REGION AWS_PROFILE=ci --pipeline-name prod-backend
check "AWS_PROFILE: env keys still win, the profile's region is used" \
    "$RC:$(jq -r '.access_key_id + " " + .region' "$T/log.jsonl")" "0:test eu-central-1"
list "${with_profile[@]}" --pipeline-name prod-backend --profile nope
said
check "unknown profile" "$RC:$ERR" "255:
The config profile (nope) could not be found"

# ---- local failures: no request is made
clear_log
list -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY --pipeline-name prod-backend
said
check "missing credentials" "$RC:$(requests):$ERR" \
    '255:0:Unable to locate credentials. You can configure credentials by running "aws configure".'
list -u AWS_DEFAULT_REGION --pipeline-name prod-backend
said
check "missing region" "$RC:$ERR" \
    '255:You must specify a region. You can also configure your region by running "aws configure".'
list AWS_MAX_ATTEMPTS=1 AWS_ENDPOINT_URL=http://127.0.0.1:1 --pipeline-name prod-backend
said
check "nothing listening" "$RC:$ERR" '255:
Could not connect to the endpoint URL: "http://127.0.0.1:1/"'

# ---- the stand-in itself
CODE=$(curl -s -o "$T/curl" -w '%{http_code}' -X POST -H 'X-Amz-Target: CodePipeline_20150709.ListPipelines' \
    -H 'Content-Type: application/x-amz-json-1.1' -d '{}' "$AWS_ENDPOINT_URL/")
check "unknown X-Amz-Target" "$CODE:$(jq -r .__type "$T/curl")" "400:UnknownOperationException"
check "log is JSON lines" "$(jq -s 'all(has("target"))' "$T/log.jsonl")" "true"
check "stand-in wrote nothing to stderr" "$(cat "$T/standin.err")" ""
RC=0
timeout 10 python3 "$HERE/codepipeline.py" --state "$T/state.json" --log "$T/log2.jsonl" </dev/null >"$T/port2" || RC=$?
check "stand-in exits when its stdin reaches EOF" "$RC:$(cut -d' ' -f1 "$T/port2")" "0:PORT"

echo "$PASSED passed, $FAILS failed"
[ "$FAILS" -eq 0 ]
