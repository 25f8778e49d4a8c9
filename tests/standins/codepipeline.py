#!/usr/bin/env python3
"""A test stand-in for AWS CodePipeline's ListPipelineExecutions (AWS JSON 1.1 protocol).

    python3 codepipeline.py --state STATE.json --log LOG.jsonl

Binds 127.0.0.1 on a free port, prints one line `PORT <n>` and serves until killed or
until its stdin reaches EOF. The state file is re-read on every request, so a test may
rewrite it between calls; the stand-in writes it back (atomically) only when a request
consumes a step of a sequence or a counted fault. Every request is appended to the log
as one JSON line. README.md beside this file describes the state and what the aws CLI
does with each answer.
"""

import argparse
import base64
import binascii
import json
import os
import re
import sys
import tempfile
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ACCOUNT = "123456789012"
OPERATION = "CodePipeline_20150709.ListPipelineExecutions"
CREDENTIAL_SCOPE = re.compile(r"Credential=([^/,]+)/\d{8}/([^/,]+)/")

# A fault's type -> (HTTP status, message) when the fault names no status or message.
FAULT_DEFAULTS = {
    "ThrottlingException": (400, "Rate exceeded"),
    "ExpiredTokenException": (400, "The security token included in the request is expired"),
    "AccessDeniedException": (
        400,
        "User: arn:aws:iam::{account}:user/ci is not authorized to perform: "
        "codepipeline:ListPipelineExecutions on resource: "
        "arn:aws:codepipeline:{region}:{account}:{pipeline}",
    ),
    "UnrecognizedClientException": (400, "The security token included in the request is invalid."),
    "InternalServerError": (500, "Internal server error"),
}


class AwsError(Exception):
    """An error answer in AWS JSON 1.1's shape; `raw` replaces the JSON body."""

    def __init__(self, error_type, message, status=400, raw=None):
        super().__init__(message)
        self.error_type, self.message, self.status, self.raw = error_type, message, status, raw


def encode_token(pipeline, step, offset):
    text = json.dumps([pipeline, step, offset])
    return base64.urlsafe_b64encode(text.encode()).decode()


def decode_token(token, pipeline):
    """(step, offset) from a token that this stand-in issued for `pipeline`."""
    try:
        name, step, offset = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (ValueError, TypeError, binascii.Error):
        name = None
    if name != pipeline or not isinstance(offset, int):
        raise AwsError("InvalidNextTokenException", "The next token is not valid.")
    return step, offset


def take_fault(state, pipeline, region):
    """Raises the first live fault that applies to `pipeline`, counting it down."""
    for fault in state.get("faults", []):
        if fault.get("pipeline", "*") not in ("*", pipeline) or fault.get("times", 1) <= 0:
            continue
        if "times" in fault:
            fault["times"] -= 1
        error_type = fault.get("type", "InternalServerError")
        status, message = FAULT_DEFAULTS.get(error_type, (400, ""))
        message = fault.get("message", message).format(
            account=ACCOUNT, region=region or "us-east-1", pipeline=pipeline
        )
        raise AwsError(error_type, message, fault.get("status", status), fault.get("raw"))


def list_executions(state, request, region):
    """The ListPipelineExecutions answer for `request`; may change `state`."""
    if not isinstance(request, dict) or not isinstance(request.get("pipelineName"), str):
        raise AwsError("ValidationException", "pipelineName is required")
    name = request["pipelineName"]
    take_fault(state, name, region)
    pipelines = state.get("pipelines", {})
    if name not in pipelines:
        raise AwsError(
            "PipelineNotFoundException",
            f"Account '{ACCOUNT}' does not have a pipeline with name '{name}'",
        )
    pipeline = pipelines[name]
    step, offset = None, 0
    if "nextToken" in request:
        step, offset = decode_token(request["nextToken"], name)
    elif isinstance(pipeline, dict):  # a sequence: a fresh listing takes the next step
        calls = pipeline.get("calls", 0)
        step = min(calls, len(pipeline["sequence"]) - 1)
        pipeline["calls"] = calls + 1
    if isinstance(pipeline, dict):
        if not isinstance(step, int) or not 0 <= step < len(pipeline["sequence"]):
            raise AwsError("InvalidNextTokenException", "The next token is not valid.")
        summaries = pipeline["sequence"][step]
    else:
        summaries = pipeline
    size = min(state.get("page_size", 100), request.get("maxResults") or 100)
    answer = {"pipelineExecutionSummaries": summaries[offset : offset + size]}
    if offset + size < len(summaries):
        answer["nextToken"] = encode_token(name, step, offset + size)
    return answer


def credential_scope(authorization):
    """(access key id, region) from a SigV4 Authorization header, or (None, None)."""
    match = CREDENTIAL_SCOPE.search(authorization)
    return match.groups() if match else (None, None)


class StandIn:
    """The state and log files, and the lock that serialises requests over them."""

    def __init__(self, state_path, log_path):
        self.state_path, self.log_path = state_path, log_path
        self.lock = threading.Lock()

    def handle(self, target, body, authorization, attempt):
        """(status, headers, body bytes) for one request."""
        access_key_id, region = credential_scope(authorization)
        entry = {
            "target": target,
            "body": body,
            "authorization_present": bool(authorization),
            "region": region,
            "access_key_id": access_key_id,
            "attempt": attempt,
        }
        with self.lock:
            with open(self.log_path, "a", encoding="utf-8") as log:
                log.write(json.dumps(entry) + "\n")
            with open(self.state_path, encoding="utf-8") as f:
                state = json.load(f)
            before = json.dumps(state, sort_keys=True)
            try:
                if target != OPERATION:
                    raise AwsError("UnknownOperationException", f"Unknown operation {target}")
                answer = list_executions(state, body, region)
            except AwsError as error:
                answer = error
            if json.dumps(state, sort_keys=True) != before:
                self.save(state)
        if isinstance(answer, AwsError):
            return error_response(answer)
        return 200, {"Content-Type": "application/x-amz-json-1.1"}, json.dumps(answer).encode()

    def save(self, state):
        folder = os.path.dirname(os.path.abspath(self.state_path))
        with tempfile.NamedTemporaryFile(
            "w", dir=folder, suffix=".tmp", delete=False, encoding="utf-8"
        ) as f:
            json.dump(state, f, indent=2)
        os.replace(f.name, self.state_path)


def error_response(error):
    if error.raw is not None:
        return error.status, {"Content-Type": "text/html"}, error.raw.encode()
    headers = {"Content-Type": "application/x-amz-json-1.1", "x-amzn-ErrorType": error.error_type}
    body = json.dumps({"__type": error.error_type, "message": error.message})
    return error.status, headers, body.encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = raw.decode("utf-8", "replace")
        status, headers, payload = self.server.stand_in.handle(
            self.headers.get("X-Amz-Target", ""),
            body,
            self.headers.get("Authorization", ""),
            self.headers.get("amz-sdk-request"),  # "attempt=1", "ttl=...; attempt=2; max=5"
        )
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format, *args):  # the JSONL log is the record; keep stderr quiet
        pass


def exit_at_stdin_eof():
    while sys.stdin.buffer.read1(4096):
        pass
    os._exit(0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--state", required=True, help="JSON state, re-read on every request")
    parser.add_argument("--log", required=True, help="JSON Lines file, one line per request")
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.stand_in = StandIn(args.state, args.log)
    print(f"PORT {server.server_address[1]}", flush=True)
    threading.Thread(target=exit_at_stdin_eof, daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
