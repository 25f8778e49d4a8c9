#!/usr/bin/env python3
"""Stand-in for the parts of the GitHub REST API that `git hotfix` uses.

Serves plain HTTP on 127.0.0.1, either as the HTTP proxy of `gh`
(absolute-form request lines: GET http://api.github.localhost/repos/...) or
directly. State lives in a JSON file re-read on every request; merges are done
for real in a bare git repository. See README.md next to this file.
Python 3.11 standard library only.
"""
import argparse
import http
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import traceback
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

DOCS = "https://docs.github.com/rest"
WEB = "https://github.localhost"
LOCK = threading.Lock()
ARGS = None

# Git runs hermetically: no user/system config, fixed committer (as GitHub's).
GIT_ENV = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
GIT_ENV.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null",
               GIT_COMMITTER_NAME="GitHub", GIT_COMMITTER_EMAIL="noreply@github.com")

MERGE_METHODS = ["merge", "squash", "rebase"]
ALLOW_FLAG = {"merge": ("allow_merge_commit", "Merge commits"),
              "squash": ("allow_squash_merge", "Squash merges"),
              "rebase": ("allow_rebase_merge", "Rebase merges")}
PERMISSION_FIELD = {"admin": "admin", "maintain": "write", "write": "write",
                    "triage": "read", "read": "read", "none": "none"}
# rule type -> {parameter: (python type, required)}
RULE_PARAMS = {
    "pull_request": {"dismiss_stale_reviews_on_push": (bool, True),
                     "require_code_owner_review": (bool, True),
                     "require_last_push_approval": (bool, True),
                     "required_approving_review_count": (int, True),
                     "required_review_thread_resolution": (bool, True),
                     "allowed_merge_methods": (list, False)},
    "required_status_checks": {"required_status_checks": (list, True),
                               "strict_required_status_checks_policy": (bool, True),
                               "do_not_enforce_on_create": (bool, False)},
    "update": {"update_allows_fetch_and_merge": (bool, False)},
    "creation": {}, "deletion": {}, "non_fast_forward": {},
    "required_linear_history": {}, "required_signatures": {},
}
TYPE_NAMES = {str: "a string", bool: "a boolean", int: "an integer", list: "an array"}


class HTTPError(Exception):
    def __init__(self, status, message, **extra):
        super().__init__(message)
        self.status = status
        self.body = {"message": message, **extra, "documentation_url": DOCS}


def fail(status, message, **extra):
    raise HTTPError(status, message, **extra)


def now():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def is_type(value, typ):
    if typ is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, typ)


def check_body(body, types, required=()):
    """Classic GitHub (JSON-schema) validation of a request body."""
    if not isinstance(body, dict):
        fail(422, "Invalid request.\n\nFor 'links/0/schema', nil is not an object.")
    for name in required:
        if name not in body:
            fail(422, f"Invalid request.\n\n\"{name}\" wasn't supplied.")
    for name, typ in types.items():
        if body.get(name) is not None and not is_type(body[name], typ):
            fail(422, f"Invalid request.\n\nFor 'properties/{name}', {json.dumps(body[name])} "
                      f"is not {TYPE_NAMES[typ]}.")


# ---------------------------------------------------------------- requests

class Ctx:
    """One request: state, parsed query/body and URL pieces for links."""

    def __init__(self, state, method, path, query, body, api_base):
        self.state, self.method, self.path = state, method, path
        self.query, self.body, self.api_base = query, body, api_base
        self.owner, self.repo = state.get("owner", "acme"), state.get("repo", "shop")
        self.full_name = f"{self.owner}/{self.repo}"
        self.repo_url = f"{api_base}/repos/{self.full_name}"

    def git(self, *args, env=None, stdin=None, ok=(0,)):
        """Run git in the bare origin."""
        proc = subprocess.run(["git", "--git-dir", self.state["origin"], *args], input=stdin,
                              capture_output=True, text=True, env={**GIT_ENV, **(env or {})})
        if proc.returncode not in ok:
            raise RuntimeError(f"git {' '.join(args)} failed ({proc.returncode}): {proc.stderr.strip()}")
        return proc

    def tip(self, branch):
        out = self.git("rev-parse", "--verify", "--quiet", f"refs/heads/{branch}^{{commit}}", ok=(0, 1))
        return out.stdout.strip() or None

    def merge_tree(self, base, head, merge_base=None):
        """Tree id of merging head into base, or None on conflict."""
        extra = [f"--merge-base={merge_base}"] if merge_base else []
        out = self.git("merge-tree", "--write-tree", *extra, base, head, ok=(0, 1))
        return out.stdout.split("\n", 1)[0] if out.returncode == 0 else None

    def commit_tree(self, tree, parents, message, author):
        env = {"GIT_AUTHOR_NAME": author[0], "GIT_AUTHOR_EMAIL": author[1]}
        if len(author) > 2:
            env["GIT_AUTHOR_DATE"] = author[2]
        args = ["commit-tree", tree, "-F", "-"]
        for parent in parents:
            args += ["-p", parent]
        return self.git(*args, env=env, stdin=message.rstrip("\n") + "\n").stdout.strip()

    def paginate(self, items):
        """(page of items, headers) honouring per_page/page, with a GitHub Link header."""
        def number(name, default):
            try:
                return max(1, int(self.query.get(name, default)))
            except ValueError:
                return default
        per_page, page = min(number("per_page", 30), 100), number("page", 1)
        last = max(1, -(-len(items) // per_page))

        def link(n):
            query = urlencode({**self.query, "page": str(n)})
            return f"<{self.api_base}{quote(self.path)}?{query}>"
        rels = []
        if page > 1:
            rels += [f'{link(page - 1)}; rel="prev"']
        if page < last:
            rels += [f'{link(page + 1)}; rel="next"', f'{link(last)}; rel="last"']
        if page > 1:
            rels += [f'{link(1)}; rel="first"']
        headers = {"Link": ", ".join(rels)} if rels else {}
        return items[(page - 1) * per_page: page * per_page], headers


def repo_json(c):
    repo = c.state.get("repository", {})
    defaults = {
        "id": 1, "node_id": "R_1", "name": c.repo, "full_name": c.full_name,
        "owner": {"login": c.owner, "type": "Organization"}, "private": False,
        "visibility": "public", "html_url": f"{WEB}/{c.full_name}", "url": c.repo_url,
        "default_branch": "main", "archived": False, "disabled": False, "fork": False,
        "allow_merge_commit": True, "allow_squash_merge": True, "allow_rebase_merge": True,
        "allow_auto_merge": False, "delete_branch_on_merge": False,
        "permissions": {"admin": True, "maintain": True, "push": True, "triage": True, "pull": True},
    }
    return {**defaults, **repo}


def get_repo(c):
    return 200, repo_json(c), {}


def get_repository_by_id(c, repo_id):
    repo = repo_json(c)
    if str(repo["id"]) != repo_id:
        fail(404, "Not Found")
    return 200, repo, {}


def get_protection(c, branch):
    if not c.tip(branch):
        fail(404, "Branch not found")
    protection = c.state.get("protection", {}).get(branch)
    if protection is None:
        fail(404, "Branch not protected")
    url = f"{c.repo_url}/branches/{quote(branch)}/protection"
    off = {"enabled": False}
    defaults = {"url": url, "required_signatures": {"url": f"{url}/required_signatures", **off},
                "enforce_admins": {"url": f"{url}/enforce_admins", **off},
                "required_linear_history": off, "allow_force_pushes": off,
                "allow_deletions": off, "block_creations": off,
                "required_conversation_resolution": off, "lock_branch": off,
                "allow_fork_syncing": off}
    return 200, {**defaults, **protection}, {}


# ---------------------------------------------------------------- rulesets

def ref_matches(pattern, ref, default_branch):
    if pattern == "~ALL":
        return True
    if pattern == "~DEFAULT_BRANCH":
        pattern = f"refs/heads/{default_branch}"
    rx = re.escape(pattern).replace(r"\*\*", ".*").replace(r"\*", "[^/]*").replace(r"\?", "[^/]")
    return re.fullmatch(rx, ref) is not None


def rules_for(c, branch):
    ref, default = f"refs/heads/{branch}", repo_json(c)["default_branch"]
    rules = []
    for rs in c.state.get("rulesets", []):
        cond = rs.get("conditions", {}).get("ref_name", {})
        if (rs.get("enforcement") != "active" or rs.get("target", "branch") != "branch"
                or not any(ref_matches(p, ref, default) for p in cond.get("include", []))
                or any(ref_matches(p, ref, default) for p in cond.get("exclude", []))):
            continue
        for rule in rs.get("rules", []):
            rules.append({**rule, "ruleset_source_type": rs.get("source_type", "Repository"),
                          "ruleset_source": rs.get("source", c.full_name), "ruleset_id": rs["id"]})
    return rules


def get_branch_rules(c, branch):
    page, headers = c.paginate(rules_for(c, branch))
    return 200, page, headers


def ruleset_json(c, rs):
    defaults = {"target": "branch", "source_type": "Repository", "source": c.full_name,
                "bypass_actors": [], "conditions": {"ref_name": {"include": [], "exclude": []}},
                "rules": [], "current_user_can_bypass": "never", "node_id": f"RRS_{rs['id']}",
                "_links": {"self": {"href": f"{c.repo_url}/rulesets/{rs['id']}"},
                           "html": {"href": f"{WEB}/{c.full_name}/rules/{rs['id']}"}}}
    return {**defaults, **rs}


def find_ruleset(c, ruleset_id):
    for rs in c.state.get("rulesets", []):
        if str(rs["id"]) == ruleset_id:
            return rs
    fail(404, "Not Found")


def validate_ruleset(rs):
    check_body(rs, {"name": str, "enforcement": str, "target": str, "rules": list,
                    "bypass_actors": list}, required=("name", "enforcement"))
    for field, allowed in (("enforcement", ["disabled", "active", "evaluate"]),
                           ("target", ["branch", "tag", "push"])):
        if field in rs and rs[field] not in allowed:
            fail(422, f"Invalid request.\n\nFor 'properties/{field}', {json.dumps(rs[field])} "
                      f"is not a member of {json.dumps(allowed)}.")
    for i, rule in enumerate(rs.get("rules", [])):
        problem = rule_problem(rule)
        if problem:
            line = f"Invalid property /rules/{i}: data matches no possible input."
            fail(422, f"Invalid request.\n\n{line}", errors=[line, problem])


def rule_problem(rule):
    """Why a rule does not fit GitHub's schema, or None."""
    if not isinstance(rule, dict) or rule.get("type") not in RULE_PARAMS:
        return f"unknown rule type {json.dumps(rule.get('type') if isinstance(rule, dict) else rule)}"
    spec, params = RULE_PARAMS[rule["type"]], rule.get("parameters")
    if params is None:
        params = {}
    if not isinstance(params, dict):
        return "parameters is not an object"
    for name, (typ, required) in spec.items():
        if name not in params:
            if required:
                return f"{rule['type']}: \"{name}\" wasn't supplied"
        elif not is_type(params[name], typ):
            return f"{rule['type']}: {name} is not {TYPE_NAMES[typ]}"
    for name in params:
        if name not in spec:
            return f"{rule['type']}: unknown parameter \"{name}\""
    methods = params.get("allowed_merge_methods")
    if methods is not None and (not methods or any(m not in MERGE_METHODS for m in methods)):
        return f"allowed_merge_methods must be a non-empty subset of {MERGE_METHODS}"
    return None


def list_rulesets(c):
    keys = ("id", "name", "target", "source_type", "source", "enforcement", "node_id", "_links")
    full = [ruleset_json(c, rs) for rs in c.state.get("rulesets", [])]
    page, headers = c.paginate([{k: rs[k] for k in keys} for rs in full])
    return 200, page, headers


def get_ruleset(c, ruleset_id):
    return 200, ruleset_json(c, find_ruleset(c, ruleset_id)), {}


def create_ruleset(c):
    validate_ruleset(c.body)
    rulesets = c.state.setdefault("rulesets", [])
    rs = {**c.body, "id": max([r["id"] for r in rulesets], default=0) + 1,
          "source_type": "Repository", "source": c.full_name,
          "created_at": now(), "updated_at": now()}
    rs.setdefault("target", "branch")
    rulesets.append(rs)
    return 201, ruleset_json(c, rs), {}


def update_ruleset(c, ruleset_id):
    rs = find_ruleset(c, ruleset_id)
    check_body(c.body, {})
    updated = {**rs, **{k: v for k, v in c.body.items() if k not in ("id", "source", "source_type")}}
    validate_ruleset(updated)
    rs.clear()
    rs.update(updated, updated_at=now())
    return 200, ruleset_json(c, rs), {}


# ---------------------------------------------------------------- pull requests

def find_pull(c, number):
    for pr in c.state.get("pulls", []):
        if str(pr["number"]) == str(number):
            return pr
    fail(404, "Not Found")


def pull_json(c, pr, full=False):
    n = pr["number"]
    head_sha = c.tip(pr["head"]) or pr.get("head_sha")
    base_sha = c.tip(pr["base"]) or pr.get("base_sha")
    requested = c.state.get("requested_reviewers", {}).get(str(n), {})
    repo = {"full_name": c.full_name, "name": c.repo, "owner": {"login": c.owner}}
    out = {
        "url": f"{c.repo_url}/pulls/{n}", "id": 1000 + n, "number": n,
        "html_url": f"{WEB}/{c.full_name}/pull/{n}", "state": pr.get("state", "open"),
        "title": pr.get("title", ""), "body": pr.get("body", ""), "draft": pr.get("draft", False),
        "user": {"login": pr.get("user", "alice"), "type": "User"},
        "head": {"ref": pr["head"], "sha": head_sha, "label": f"{c.owner}:{pr['head']}", "repo": repo},
        "base": {"ref": pr["base"], "sha": base_sha, "label": f"{c.owner}:{pr['base']}", "repo": repo},
        "merged": pr.get("merged", False), "merged_at": pr.get("merged_at"),
        "merge_commit_sha": pr.get("merge_commit_sha"), "created_at": pr.get("created_at"),
        "closed_at": pr.get("closed_at"),
        "requested_reviewers": [{"login": u} for u in requested.get("users", [])],
        "requested_teams": [{"slug": t, "name": t} for t in requested.get("teams", [])],
    }
    if full:
        out["mergeable"], out["mergeable_state"] = mergeability(c, pr, head_sha, base_sha)
    return out


def mergeability(c, pr, head_sha, base_sha):
    """(mergeable, mergeable_state): computed with merge-tree, state overrides win."""
    mergeable, state = None, "unknown"
    if pr.get("state", "open") == "open" and head_sha and base_sha:
        mergeable = c.merge_tree(base_sha, head_sha) is not None
        state = "draft" if pr.get("draft") else ("clean" if mergeable else "dirty")
    if "mergeable" in pr:
        mergeable = pr["mergeable"]
        if mergeable is None:
            state = "unknown"
    return mergeable, pr.get("mergeable_state", state)


def list_pulls(c):
    q = c.query
    state = q.get("state", "open")
    pulls = [pr for pr in c.state.get("pulls", [])
             if state == "all" or pr.get("state", "open") == state]
    if "head" in q:
        owner, _, ref = q["head"].partition(":")
        pulls = [pr for pr in pulls if owner.lower() == c.owner.lower() and (not ref or pr["head"] == ref)]
    if "base" in q:
        pulls = [pr for pr in pulls if pr["base"] == q["base"]]
    pulls.sort(key=lambda pr: pr["number"], reverse=q.get("direction", "desc") == "desc")
    page, headers = c.paginate(pulls)
    return 200, [pull_json(c, pr) for pr in page], headers


def get_pull(c, number):
    return 200, pull_json(c, find_pull(c, number), full=True), {}


def create_pull(c):
    b = c.body
    check_body(b, {"title": str, "head": str, "base": str, "body": str, "draft": bool,
                   "maintainer_can_modify": bool}, required=("head", "base"))
    head = b["head"].split(":", 1)[-1]
    errors = []
    if not b.get("title"):
        errors.append({"resource": "PullRequest", "field": "title", "code": "missing_field"})
    for field, branch in (("head", head), ("base", b["base"])):
        if not c.tip(branch):
            errors.append({"resource": "PullRequest", "field": field, "code": "invalid"})
    if not errors:
        if any(pr["head"] == head and pr["base"] == b["base"] and pr.get("state", "open") == "open"
               for pr in c.state.get("pulls", [])):
            errors.append({"resource": "PullRequest", "code": "custom",
                           "message": f"A pull request already exists for {c.owner}:{head}."})
        elif c.git("rev-list", "--count", f"{c.tip(b['base'])}..{c.tip(head)}").stdout.strip() == "0":
            errors.append({"resource": "PullRequest", "code": "custom",
                           "message": f"No commits between {b['base']} and {head}"})
    if errors:
        fail(422, "Validation Failed", errors=errors)
    pulls = c.state.setdefault("pulls", [])
    pr = {"number": max([p["number"] for p in pulls], default=0) + 1, "title": b["title"],
          "head": head, "base": b["base"], "body": b.get("body") or "", "draft": b.get("draft", False),
          "state": "open", "merged": False, "user": c.state.get("user", "alice"), "created_at": now()}
    pulls.append(pr)
    return 201, pull_json(c, pr), {}


def request_reviewers(c, number):
    pr = find_pull(c, number)
    check_body(c.body, {"reviewers": list, "team_reviewers": list})
    users, teams = c.body.get("reviewers", []), c.body.get("team_reviewers", [])
    if pr.get("user", "alice") in users:
        fail(422, "Review cannot be requested from pull request author.")
    perms = c.state.get("permissions", {})
    if any(perms.get(u, "none") == "none" for u in users):
        fail(422, "Reviews may only be requested from collaborators. One or more of the users or "
                  f"teams you specified is not a collaborator of the {c.full_name} repository.")
    requested = c.state.setdefault("requested_reviewers", {}).setdefault(str(number), {})
    for key, new in (("users", users), ("teams", teams)):
        requested[key] = requested.get(key, []) + [x for x in new if x not in requested.get(key, [])]
    return 201, pull_json(c, pr), {}


def list_reviews(c, number):
    find_pull(c, number)
    reviews = [{"id": i + 1, "body": "", "submitted_at": "2024-01-01T00:00:00Z",
                "html_url": f"{WEB}/{c.full_name}/pull/{number}#pullrequestreview-{i + 1}",
                **r, "user": {"login": r.get("user", "bob"), "type": "User"}}
               for i, r in enumerate(c.state.get("reviews", {}).get(str(number), []))]
    page, headers = c.paginate(reviews)
    return 200, page, headers


def get_permission(c, user):
    role = c.state.get("permissions", {}).get(user)
    if role is None:
        fail(404, "Not Found")
    return 200, {"permission": PERMISSION_FIELD.get(role, role), "role_name": role,
                 "user": {"login": user, "type": "User"}}, {}


def merge_refusal(c, pr, method):
    """The 405 message GitHub would give for this merge, or None."""
    if pr.get("state", "open") != "open" or pr.get("merged"):
        return "Pull Request is not mergeable"
    if pr.get("draft"):
        return "Pull Request is still a draft"
    flag, label = ALLOW_FLAG[method]
    if not repo_json(c).get(flag, True):
        return f"{label} are not allowed on this repository."
    linear = c.state.get("protection", {}).get(pr["base"], {}).get("required_linear_history", {})
    if method == "merge" and linear.get("enabled"):
        return "Merge commits are not allowed on this branch."
    for rule in rules_for(c, pr["base"]):
        allowed = rule.get("parameters", {}).get("allowed_merge_methods")
        if rule["type"] == "pull_request" and allowed and method not in allowed:
            return f"Repository rule violations found\n\nMerge method {method} is not allowed.\n"
        if rule["type"] == "required_linear_history" and method == "merge":
            return "Repository rule violations found\n\nThis branch must not contain merge commits.\n"
    return None


def merge_pull(c, number):
    pr = find_pull(c, number)
    check_body(c.body or {}, {"merge_method": str, "sha": str, "commit_title": str,
                              "commit_message": str})
    b = c.body or {}
    method = b.get("merge_method", "merge")
    if method not in MERGE_METHODS:
        fail(422, f"Invalid request.\n\nFor 'properties/merge_method', {json.dumps(method)} "
                  f"is not a member of {json.dumps(MERGE_METHODS)}.")
    base_sha, head_sha = c.tip(pr["base"]), c.tip(pr["head"])
    refusal = merge_refusal(c, pr, method)
    if refusal is None and not head_sha:
        refusal = "Pull Request is not mergeable"
    if refusal:
        fail(405, refusal)
    if b.get("sha") and b["sha"] != head_sha:
        fail(409, "Head branch was modified. Review and try the merge again.")
    mergeable, state = mergeability(c, pr, head_sha, base_sha)
    if mergeable is False or state in ("dirty", "blocked"):
        fail(405, "Pull Request is not mergeable")

    user = pr.get("user", "alice")
    author = (user, f"{user}@users.noreply.github.localhost")
    title = pr.get("title", "")
    behaviour = c.state.get("merge_behaviour") or method
    if behaviour == "rebase":
        new = base_sha
        for commit in c.git("rev-list", "--reverse", "--no-merges", f"{base_sha}..{head_sha}").stdout.split():
            tree = c.merge_tree(new, commit, merge_base=f"{commit}^")
            if tree is None:
                fail(405, "This branch can't be rebased")
            name, email, date, message = c.git("show", "-s", "--date=raw", "--format=%an%x00%ae%x00%ad%x00%B",
                                             commit).stdout.split("\0", 3)
            new = c.commit_tree(tree, [new], message, (name, email, date))
    else:
        tree = c.merge_tree(base_sha, head_sha)
        if behaviour == "squash":
            message = b.get("commit_title") or f"{title} (#{number})"
            parents = [base_sha]
        else:
            message = b.get("commit_title") or f"Merge pull request #{number} from {c.owner}/{pr['head']}"
            parents = [base_sha, head_sha]
        body = b.get("commit_message") if b.get("commit_message") is not None else (
            title if behaviour == "merge" else "")
        new = c.commit_tree(tree, parents, f"{message}\n\n{body}" if body else message, author)
    c.git("update-ref", f"refs/heads/{pr['base']}", new, base_sha)
    if repo_json(c).get("delete_branch_on_merge"):
        c.git("update-ref", "-d", f"refs/heads/{pr['head']}", head_sha)
    pr.update(state="closed", merged=True, merged_at=now(), closed_at=now(), merge_commit_sha=new,
              head_sha=head_sha, base_sha=new)
    return 200, {"sha": new, "merged": True, "message": "Pull Request successfully merged"}, {}


# ---------------------------------------------------------------- deployments, workflow runs

def newest_first(items):
    order = sorted(enumerate(items), key=lambda p: (p[1].get("created_at") or "", p[1].get("id") or 0, p[0]),
                   reverse=True)
    return [item for _, item in order]


def list_deployments(c):
    deployments = [d for d in c.state.get("deployments", [])
                   if all(str(d.get(k)) == c.query[k] for k in ("environment", "sha", "ref", "task")
                          if k in c.query)]
    page, headers = c.paginate(newest_first(deployments))
    out = [{"url": f"{c.repo_url}/deployments/{d['id']}", "task": "deploy", "payload": {},
            "description": None, "creator": {"login": "github-actions[bot]"},
            "updated_at": d.get("created_at"), "repository_url": c.repo_url,
            "statuses_url": f"{c.repo_url}/deployments/{d['id']}/statuses",
            **{k: v for k, v in d.items() if k != "statuses"}} for d in page]
    return 200, out, headers


def list_deployment_statuses(c, deployment_id):
    for d in c.state.get("deployments", []):
        if str(d["id"]) == deployment_id:
            break
    else:
        fail(404, "Not Found")
    statuses = [{"id": i + 1, "description": "", "log_url": "", "environment_url": "", "target_url": "",
                 "environment": d.get("environment"), "updated_at": s.get("created_at"),
                 "deployment_url": f"{c.repo_url}/deployments/{d['id']}", **s}
                for i, s in enumerate(d.get("statuses", []))]
    page, headers = c.paginate(newest_first(statuses))
    return 200, page, headers


def list_workflow_runs(c, workflow):
    q = c.query
    runs = [r for r in c.state.get("workflow_runs", [])
            if workflow in (r.get("workflow"), str(r.get("workflow_id")))
            and q.get("branch", r.get("head_branch")) == r.get("head_branch")
            and q.get("head_sha", r.get("head_sha")) == r.get("head_sha")
            and q.get("event", r.get("event", "push")) == r.get("event", "push")
            and q.get("status") in (None, r.get("status"), r.get("conclusion"))]
    page, headers = c.paginate(newest_first(runs))
    out = [{"name": r.get("workflow"), "path": f".github/workflows/{r.get('workflow')}", "event": "push",
            "url": f"{c.repo_url}/actions/runs/{r['id']}",
            "html_url": f"{WEB}/{c.full_name}/actions/runs/{r['id']}",
            "updated_at": r.get("created_at"), **r} for r in page]
    return 200, {"total_count": len(runs), "workflow_runs": out}, headers


REPO_ROUTES = [
    ("GET", r"", get_repo),
    ("GET", r"/branches/(.+)/protection", get_protection),
    ("GET", r"/rules/branches/(.+)", get_branch_rules),
    ("GET", r"/rulesets", list_rulesets),
    ("POST", r"/rulesets", create_ruleset),
    ("GET", r"/rulesets/(\d+)", get_ruleset),
    ("PUT", r"/rulesets/(\d+)", update_ruleset),
    ("GET", r"/pulls", list_pulls),
    ("POST", r"/pulls", create_pull),
    ("GET", r"/pulls/(\d+)", get_pull),
    ("POST", r"/pulls/(\d+)/requested_reviewers", request_reviewers),
    ("GET", r"/pulls/(\d+)/reviews", list_reviews),
    ("PUT", r"/pulls/(\d+)/merge", merge_pull),
    ("GET", r"/collaborators/([^/]+)/permission", get_permission),
    ("GET", r"/deployments", list_deployments),
    ("GET", r"/deployments/(\d+)/statuses", list_deployment_statuses),
    ("GET", r"/actions/workflows/([^/]+)/runs", list_workflow_runs),
]


def route(c):
    m = re.fullmatch(r"/repositories/(\d+)", c.path)
    if m and c.method == "GET":
        return get_repository_by_id(c, m.group(1))
    m = re.fullmatch(r"/repos/([^/]+)/([^/]+)(/.*)?", c.path)
    if m and (m.group(1).lower(), m.group(2).lower()) == (c.owner.lower(), c.repo.lower()):
        for method, pattern, handler in REPO_ROUTES:
            args = re.fullmatch(pattern, m.group(3) or "")
            if method == c.method and args:
                return handler(c, *args.groups())
    fail(404, "Not Found")


def canned(spec):
    """A response described in the state (fault or sequence entry)."""
    status = spec.get("status", 200)
    if "raw" in spec:
        body = spec["raw"].encode()
    else:
        body = spec.get("body", {"message": http.HTTPStatus(status).phrase, "documentation_url": DOCS})
    return status, body, spec.get("headers", {})


def respond(c, bad_json):
    faults = c.state.get("faults", [])
    for i, f in enumerate(faults):
        pattern = f.get("path", "*")
        if (f.get("method", c.method).upper() == c.method and
                (c.path == pattern or (pattern.endswith("*") and c.path.startswith(pattern[:-1])))):
            if "times" in f:
                f["times"] -= 1
                if f["times"] <= 0:
                    del faults[i]
            return canned(f)
    entries = c.state.get("sequence", {}).get(f"{c.method} {c.path}")
    if entries:
        return canned(entries.pop(0) if len(entries) > 1 else entries[0])
    if bad_json:
        fail(400, "Problems parsing JSON")
    return route(c)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def handle_any(self):
        url = urlsplit(self.path)
        host = url.netloc or self.headers.get("Host", "api.github.localhost")
        prefix = "/api/v3" if url.path == "/api/v3" or url.path.startswith("/api/v3/") else ""
        path = unquote(url.path[len(prefix):]).rstrip("/") or "/"
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        raw = self.read_body()
        try:
            body, bad_json = (json.loads(raw) if raw.strip() else None), False
        except ValueError:
            body, bad_json = None, True
        with LOCK:
            with open(ARGS.log, "a") as log:
                log.write(json.dumps({"method": self.command, "path": path, "query": query, "body": body,
                                      "auth": self.headers.get("Authorization")}) + "\n")
            with open(ARGS.state) as f:
                state = json.load(f)
            before = json.dumps(state, sort_keys=True)
            c = Ctx(state, self.command, path, query, body, f"http://{host}{prefix}")
            try:
                status, payload, headers = respond(c, bad_json)
            except HTTPError as e:
                status, payload, headers = e.status, e.body, {}
            except Exception as e:  # a bug in the stand-in or a broken state file
                traceback.print_exc()
                status, payload, headers = 500, {"message": f"stand-in error: {e}", "documentation_url": DOCS}, {}
            if json.dumps(state, sort_keys=True) != before:
                fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(ARGS.state)), suffix=".tmp")
                with os.fdopen(fd, "w") as f:
                    json.dump(state, f, indent=2)
                os.replace(tmp, ARGS.state)
        self.send(status, payload, headers)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any

    def send(self, status, payload, extra_headers):
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        headers = {"Content-Type": "application/json; charset=utf-8", "X-GitHub-Media-Type": "github.v3",
                   "X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "4999",
                   "X-RateLimit-Reset": "4102444800", "X-RateLimit-Resource": "core"}
        for name, value in extra_headers.items():
            headers = {k: v for k, v in headers.items() if k.lower() != name.lower()}
            headers[name] = str(value)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def watch_stdin():
    """Die with whoever started us: exit when our stdin reaches EOF."""
    while sys.stdin.buffer.read(4096):
        pass
    os._exit(0)


def main():
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--state", required=True, help="state JSON file (re-read on every request)")
    parser.add_argument("--log", required=True, help="JSON-lines request log (appended)")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0 = a free one)")
    ARGS = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", ARGS.port), Handler)
    server.daemon_threads = True
    print(f"PORT {server.server_address[1]}", flush=True)
    threading.Thread(target=watch_stdin, daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
