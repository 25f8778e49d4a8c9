#!/usr/bin/env python3
"""A test stand-in for GitLab's `glab api`, installed on PATH as `glab` (glab is not packaged
here). It answers from a JSON state file and merges for real on the test's bare origin.

    GLAB_STANDIN_STATE=state.json GLAB_STANDIN_LOG=log.jsonl glab api --hostname H \
        --method GET [--paginate] [--input -] -- projects/ID/...

State: {"origin": "/path/origin.git", "project": {"merge_method": "merge", ...},
        "protected_branches": [...], "users": {"bob": {"id": 7, "access_level": 30}},
        "merge_requests": [{"iid": 1, "source_branch": "hotfix/x", "target_branch": "main",
                            "draft": false, "detailed_merge_status": "mergeable" (optional)}],
        "approvals": {"1": ["bob"]}, "merge_behaviour": "merge" | "squash",
        "faults": [{"method": "GET", "path": "projects/...", "status": 500, "message": "..."}]}
Errors go to stderr as `glab: <message> (HTTP <status>)`, exit 1, like gh's.
"""

import json
import os
import subprocess
import sys
from urllib.parse import parse_qs, unquote, urlsplit


class Fail(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status, self.message = status, message


def git(state, *args, stdin=None):
    out = subprocess.run(["git", "--git-dir", state["origin"], *args], input=stdin,
                         capture_output=True, text=True)
    return out.returncode, out.stdout.strip()


def tip(state, branch):
    code, out = git(state, "rev-parse", "--verify", "-q", f"refs/heads/{branch}")
    return out if code == 0 else None


def mr_json(state, mr, full=False):
    out = {"iid": mr["iid"], "source_branch": mr["source_branch"], "target_branch": mr["target_branch"],
           "state": mr.get("state", "opened"), "draft": mr.get("draft", False),
           "work_in_progress": mr.get("draft", False), "sha": tip(state, mr["source_branch"]) or mr.get("sha"),
           "web_url": f"https://gitlab.example.org/acme/web/shop/-/merge_requests/{mr['iid']}"}
    if full:
        status = mr.get("detailed_merge_status")
        if status is None:
            code, _ = git(state, "merge-tree", "--write-tree", tip(state, mr["target_branch"]),
                          tip(state, mr["source_branch"]))
            status = "mergeable" if code == 0 else "conflict"
        out["detailed_merge_status"] = status
    return out


def find_mr(state, iid):
    for mr in state.get("merge_requests", []):
        if str(mr["iid"]) == iid:
            return mr
    raise Fail(404, "404 Not found")


def merge(state, mr, body):
    source, target = mr["source_branch"], mr["target_branch"]
    head, base = tip(state, source), tip(state, target)
    if mr.get("state", "opened") != "opened":
        raise Fail(405, "405 Method Not Allowed")
    if body.get("sha") != head:
        raise Fail(409, "SHA does not match HEAD of source branch")
    code, tree = git(state, "merge-tree", "--write-tree", base, head)
    if code != 0:
        raise Fail(406, "Branch cannot be merged")
    tree = tree.splitlines()[0]
    env_parents = ["-p", base]
    message = f"Merge branch '{source}' into '{target}'\n\nSee merge request acme/web/shop!{mr['iid']}"
    if state.get("merge_behaviour", "merge") == "merge":
        env_parents += ["-p", head]
    else:
        message = f"Fix from {source}"
    os.environ.update({"GIT_AUTHOR_NAME": "GitLab", "GIT_AUTHOR_EMAIL": "gitlab@example.org",
                       "GIT_COMMITTER_NAME": "GitLab", "GIT_COMMITTER_EMAIL": "gitlab@example.org"})
    _, commit = git(state, "commit-tree", tree, *env_parents, "-m", message)
    git(state, "update-ref", f"refs/heads/{target}", commit, base)
    mr["state"] = "merged"
    return mr_json(state, mr)


def route(state, method, path, query, body):
    parts = path.split("/")
    if len(parts) < 2 or parts[0] != "projects":
        raise Fail(404, "404 Not found")
    rest = parts[2:]
    if method == "GET" and rest == []:
        return state.get("project", {"merge_method": "merge"})
    if method == "GET" and rest == ["protected_branches"]:
        return state.get("protected_branches", [])
    if method == "GET" and rest == ["merge_requests"]:
        found = [mr_json(state, mr) for mr in state.get("merge_requests", [])
                 if mr.get("state", "opened") == query.get("state", "opened")
                 and query.get("source_branch", mr["source_branch"]) == mr["source_branch"]
                 and query.get("target_branch", mr["target_branch"]) == mr["target_branch"]]
        return found
    if method == "GET" and len(rest) == 2 and rest[0] == "merge_requests":
        return mr_json(state, find_mr(state, rest[1]), full=True)
    if method == "GET" and len(rest) == 3 and rest[2] == "approvals":
        names = state.get("approvals", {}).get(rest[1], [])
        users = state.get("users", {})
        return {"approved_by": [{"user": {"id": users.get(n, {}).get("id", 999), "username": n}} for n in names]}
    if method == "GET" and len(rest) == 3 and rest[:2] == ["members", "all"]:
        for name, user in state.get("users", {}).items():
            if str(user.get("id")) == rest[2] and "access_level" in user:
                return {"id": user["id"], "username": name, "access_level": user["access_level"]}
        raise Fail(404, "404 Not found")
    if method == "PUT" and len(rest) == 3 and rest[2] == "merge":
        return merge(state, find_mr(state, rest[1]), body or {})
    raise Fail(404, "404 Not found")


def main():
    argv = sys.argv[1:]
    if not argv or argv[0] != "api":
        print("glab: only `glab api` is stood in for", file=sys.stderr)
        return 1
    method, path, reads_input = "GET", None, False
    i = 1
    while i < len(argv):
        arg = argv[i]
        if arg in ("--hostname", "--method", "-X"):
            if arg != "--hostname":
                method = argv[i + 1]
            i += 2
            continue
        if arg == "--input":
            reads_input = argv[i + 1] == "-"
            i += 2
            continue
        if arg == "--":
            path = argv[i + 1]
            break
        i += 1
    body = json.loads(sys.stdin.read() or "null") if reads_input else None
    url = urlsplit(path)
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    decoded = "/".join(unquote(p).replace("/", "%2F") for p in url.path.split("/"))
    state_path = os.environ["GLAB_STANDIN_STATE"]
    with open(state_path, encoding="utf-8") as f:
        state = json.load(f)
    with open(os.environ["GLAB_STANDIN_LOG"], "a", encoding="utf-8") as log:
        log.write(json.dumps({"argv": argv, "method": method, "path": decoded, "body": body}) + "\n")
    try:
        for fault in state.get("faults", []):
            if fault.get("method", method) == method and decoded.startswith(fault["path"]):
                raise Fail(fault.get("status", 500), fault.get("message", "500 Internal Server Error"))
        answer = route(state, method, decoded, query, body)
    except Fail as e:
        print(f"glab: {e.message} (HTTP {e.status})", file=sys.stderr)
        return 1
    with open(state_path, "w", encoding="utf-8") as f:
        json.dump(state, f)
    print(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(main())
