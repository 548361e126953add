"""The GitHub workflows and contributor files are hardened and valid.

Runs zizmor (offline: no network) and check-jsonschema's vendored GitHub
schemas, and checks the project's own rules: every action pinned to a full
commit SHA with a ``# vX`` comment, read-only default permissions,
``persist-credentials: false`` on every checkout, concurrency that cancels
superseded runs, and no ``pull_request_target``. actionlint runs in CI only
(its PyPI wrapper downloads a binary).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
GITHUB = ROOT / ".github"
WORKFLOW_DIR = GITHUB / "workflows"
BIN = Path(sys.executable).parent
WORKFLOWS = sorted(p for p in WORKFLOW_DIR.glob("*.y*ml")) if WORKFLOW_DIR.is_dir() else []

SHA_PIN = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")
DOCKER_PIN = re.compile(r"^docker://[\w./-]+(:[\w.-]+)?@sha256:[0-9a-f]{64}$")
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>\S+)(?P<rest>.*)$")


def tool(name: str) -> str:
    path = BIN / name
    return str(path) if path.exists() else name


def run(*cmd: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("GITHUB_TOKEN", None)
    env.pop("GH_TOKEN", None)
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


class _Loader(yaml.SafeLoader):
    """YAML 1.2 keys: `on:` stays the word "on" (PyYAML would make it True)."""


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:bool"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def load(path: Path) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)


def steps(workflow: dict):
    for job_id, job in (workflow.get("jobs") or {}).items():
        for step in job.get("steps") or []:
            yield job_id, step


def test_there_are_workflows():
    names = {p.name for p in WORKFLOWS}
    assert WORKFLOWS, f"no workflow files in {WORKFLOW_DIR}"
    assert {"ci.yml", "deploy.yml"} <= names, names


def test_zizmor_finds_nothing():
    assert WORKFLOWS, "no workflows to audit"
    result = run(tool("zizmor"), "--offline", "--no-progress", "--color", "never", "--format", "plain",
                 str(WORKFLOW_DIR))
    report = result.stdout + result.stderr
    assert result.returncode == 0, f"zizmor exit {result.returncode}:\n{report}"
    assert "No findings to report" in report, report


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_matches_github_schema(path):
    result = run(tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(path))
    assert result.returncode == 0, result.stdout + result.stderr


def test_issue_forms_match_github_schema():
    forms = sorted(p for p in (GITHUB / "ISSUE_TEMPLATE").glob("*.yml") if p.name != "config.yml")
    assert forms
    result = run(tool("check-jsonschema"), "--builtin-schema", "vendor.github-issue-forms", *map(str, forms))
    assert result.returncode == 0, result.stdout + result.stderr
    result = run(tool("check-jsonschema"), "--builtin-schema", "vendor.github-issue-config",
                 str(GITHUB / "ISSUE_TEMPLATE" / "config.yml"))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit(path):
    found = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = USES_LINE.match(line)
        if not match:
            continue
        found += 1
        ref, rest = match["ref"].strip("'\""), match["rest"]
        where = f"{path.name}:{number}: {ref}"
        if ref.startswith("./"):
            continue  # a local action is part of this repository
        assert SHA_PIN.match(ref) or DOCKER_PIN.match(ref), f"{where}: pin to a full 40-character commit SHA (or an image digest)"
        assert re.match(r"^\s+#\s*v\d", rest), f"{where}: add the version as a comment, e.g. '# v4.2.2'"
    workflow = load(path)
    assert found == sum(1 for _job, step in steps(workflow) if "uses" in step) + sum(
        1 for job in workflow["jobs"].values() if "uses" in job), f"{path.name}: write each uses: on its own line"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_permissions_are_read_only_by_default(path):
    workflow = load(path)
    assert workflow.get("permissions") == {"contents": "read"}, f"{path.name}: set top-level permissions: contents: read"
    allowed_writes = {"pages", "id-token", "contents"}
    for job_id, job in workflow["jobs"].items():
        perms = job.get("permissions", {})
        assert isinstance(perms, dict), f"{path.name}: {job_id}: list permissions one by one, not read-all/write-all"
        for scope, level in perms.items():
            if level == "write":
                assert scope in allowed_writes, f"{path.name}: {job_id}: {scope}: write is not needed"
        if perms.get("contents") == "write":
            assert workflow_triggers(workflow) <= {"release", "workflow_dispatch"}, (
                f"{path.name}: {job_id}: contents: write only in the release workflow")


def workflow_triggers(workflow: dict) -> set[str]:
    on = workflow.get("on")
    if isinstance(on, str):
        return {on}
    if isinstance(on, list):
        return set(on)
    return set(on or {})


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_checkout_does_not_keep_credentials(path):
    for job_id, step in steps(load(path)):
        if str(step.get("uses", "")).startswith("actions/checkout@"):
            assert (step.get("with") or {}).get("persist-credentials") is False, (
                f"{path.name}: {job_id}: set persist-credentials: false on actions/checkout")


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_concurrency_cancels_superseded_runs(path):
    concurrency = load(path).get("concurrency")
    assert isinstance(concurrency, dict) and concurrency.get("group"), f"{path.name}: add concurrency: group:"
    assert concurrency.get("cancel-in-progress") is True, f"{path.name}: add concurrency: cancel-in-progress: true"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_pull_request_target(path):
    assert "pull_request_target" not in workflow_triggers(load(path))
    assert "pull_request_target" not in path.read_text(encoding="utf-8")


def test_ci_runs_what_the_issue_asks():
    ci = (WORKFLOW_DIR / "ci.yml").read_text(encoding="utf-8")
    triggers = workflow_triggers(load(WORKFLOW_DIR / "ci.yml"))
    assert {"push", "pull_request"} <= triggers
    for needle in ("python -m macros.validate --github", "python -m playwright install --with-deps chromium",
                   'PLAYWRIGHT_BUNDLED: "1"', "python3 dev.py test", "python3 dev.py build", "python3 dev.py offline",
                   "dist/back-spasm-guide-offline.zip", "actions/upload-artifact@", "rhysd/actionlint"):
        assert needle in ci, f"ci.yml should contain {needle!r}"


def test_ci_summarises_data_changes_on_pull_requests():
    """issue 15: the reviewer sees what a pull request changes for readers, with no write token.
    issue 21: the summary is made by trusted code (the base branch's checkout, pinned like every checkout) from
    the pull request's data, only after validation passes; when it fails the summary says so and echoes no data."""
    workflow = load(WORKFLOW_DIR / "ci.yml")
    job = workflow["jobs"]["data-diff"]
    assert job["needs"] == "validate" and "permissions" not in job
    assert "github.event_name == 'pull_request'" in job["if"] and "!cancelled()" in job["if"]
    first, *rest = job["steps"]
    assert first["if"] == "needs.validate.result != 'success'" and first["run"].rstrip().endswith("exit 1")
    assert "$GITHUB_STEP_SUMMARY" in first["run"] and "${{" not in first["run"]
    assert not re.search(r"\b(?:cat|python|git|diff)\b|data/", first["run"]), "the failure message echoes no data"
    checkouts = [step for step in rest if str(step.get("uses", "")).startswith("actions/checkout@")]
    base = next(step for step in checkouts if step["with"].get("path") == "base")
    pr = next(step for step in checkouts if step["with"].get("path") == "pr")
    assert base["with"]["ref"] == "${{ github.event.pull_request.base.sha }}" and "ref" not in pr["with"]
    pins = {step["uses"] for _job, step in steps(workflow) if str(step.get("uses", "")).startswith("actions/checkout@")}
    assert len(pins) == 1, f"every checkout on the same pinned SHA: {pins}"
    assert all(step["with"]["persist-credentials"] is False for step in checkouts)
    runs = [step for step in rest if "run" in step]
    install = next(step["run"] for step in runs if "pip install" in step["run"])
    assert "base/requirements.txt" in install and "--editable ./base" in install and "pr" not in install.split()
    summary = next(step for step in runs if "python -m macros.data.diff" in step["run"])
    assert summary["working-directory"] == "base", "the diff runs from the base checkout"
    assert "--new ../pr/data" in summary["run"] and '>> "$GITHUB_STEP_SUMMARY"' in summary["run"] and "${{" not in summary["run"]
    assert not any("pr/" in step["run"] and step is not summary for step in runs), "no other step touches the pull request"


def test_deploy_publishes_pages_from_main_only():
    workflow = load(WORKFLOW_DIR / "deploy.yml")
    assert set(workflow["on"]) <= {"push", "workflow_dispatch"}
    assert workflow["on"]["push"] == {"branches": ["main"]}
    text = (WORKFLOW_DIR / "deploy.yml").read_text(encoding="utf-8")
    assert "actions/upload-pages-artifact@" in text and "actions/deploy-pages@" in text
    deploy = workflow["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}


def test_release_attaches_the_offline_bundle():
    path = WORKFLOW_DIR / "release.yml"
    workflow = load(path)
    assert workflow_triggers(workflow) == {"release"}
    text = path.read_text(encoding="utf-8")
    assert "python3 dev.py offline" in text and "dist/back-spasm-guide-offline.zip" in text


def test_report_form_matches_the_page_link():
    """overrides/main.html (block content) links to this form and fills in its `page` field."""
    form = GITHUB / "ISSUE_TEMPLATE" / "report-incorrect-information.yml"
    partial = (ROOT / "overrides" / "main.html").read_text(encoding="utf-8")
    assert f"template={form.name}" in partial and "page=" in partial
    ids = [item.get("id") for item in load(form)["body"]]
    assert "page" in ids, "the report form needs a field with id: page for the prefilled link"


def test_codeowners_require_clinical_review_for_triage_and_tiers():
    lines = [ln.split() for ln in (GITHUB / "CODEOWNERS").read_text(encoding="utf-8").splitlines()
             if ln.strip() and not ln.lstrip().startswith("#")]
    owners = {parts[0]: parts[1:] for parts in lines}
    for path in ("/data/triage.yaml", "/data/schemas/vocabularies.schema.json", "/data/schemas/", "/data/glossary.yaml"):
        assert path in owners, f"CODEOWNERS: add a line for {path}"
        assert any("clinical" in o for o in owners[path]), f"CODEOWNERS: {path} needs a clinical reviewer"
        last = [parts[0] for parts in lines].index(path)
        assert last == max(i for i, parts in enumerate(lines) if parts[0] in (path, "*", "/data/", "/.github/")), (
            f"CODEOWNERS: the {path} line must come after broader patterns (the last match wins)")


def test_pre_commit_runs_validator_yaml_checks_and_ruff():
    config = load(ROOT / ".pre-commit-config.yaml")
    hooks = {hook["id"]: (repo, hook) for repo in config["repos"] for hook in repo["hooks"]}
    assert "validate-data" in hooks and "dev.py validate" in hooks["validate-data"][1]["entry"]
    only_data = re.compile(hooks["validate-data"][1]["files"])  # runs only when data changes (issue 15)
    assert only_data.search("data/causes/kidney-stones.yaml") and only_data.search("data/schemas/cause.schema.json")
    assert not only_data.search("docs/index.md") and not only_data.search("macros/validate.py")
    assert "check-yaml" in hooks and "ruff" in hooks
    for repo, _hook in hooks.values():
        if repo["repo"] not in ("local", "meta"):
            assert re.fullmatch(r"[0-9a-f]{40}", str(repo["rev"])), f"pin {repo['repo']} to a commit SHA"


def test_release_publishes_without_running_repository_code():
    """Only the publish job can write, and it runs no repository code, no Python and no pip."""
    path = WORKFLOW_DIR / "release.yml"
    jobs = load(path)["jobs"]
    writers = [job_id for job_id, job in jobs.items() if "write" in (job.get("permissions") or {}).values()]
    assert writers == ["publish"], writers
    assert jobs["build"].get("permissions") == {"contents": "read"}
    assert "python3 dev.py offline" in [step.get("run") for step in jobs["build"]["steps"]]
    assert any(str(step.get("uses", "")).startswith("actions/upload-artifact@") for step in jobs["build"]["steps"])
    publish = jobs["publish"]
    assert publish.get("needs") == "build"
    uses = [str(step.get("uses", "")) for step in publish["steps"] if "uses" in step]
    assert uses and all(u.startswith("actions/download-artifact@") for u in uses), uses
    for step in publish["steps"]:
        run = step.get("run", "")
        assert not re.search(r"\b(?:pip|python3?|dev\.py|make|npm|bash|sh)\b|\./", run), f"publish runs {run!r}"


PIN = re.compile(r"^[A-Za-z0-9_.-]+==[^\s\\]+ \\$")


@pytest.mark.parametrize("name", ["requirements.txt", "requirements-dev.txt"])
def test_requirements_are_pinned_with_hashes(name):
    lines = (ROOT / name).read_text(encoding="utf-8").splitlines()
    pins = 0
    for i, line in enumerate(lines):
        if not line.strip() or line.startswith("#") or line.startswith("    --hash=sha256:"):
            continue
        if line == "-r requirements.txt":
            continue
        assert PIN.match(line), f"{name}:{i + 1}: pin with == and hashes: {line!r}"
        assert lines[i + 1].startswith("    --hash=sha256:"), f"{name}:{i + 1}: no hash for {line!r}"
        pins += 1
    assert pins > 10


def test_every_pip_install_requires_hashes():
    texts = {p.name: p.read_text(encoding="utf-8") for p in WORKFLOWS}
    texts["dev.py"] = (ROOT / "dev.py").read_text(encoding="utf-8")
    found = 0
    for name, text in texts.items():
        for line in text.splitlines():
            if re.search(r"pip.*\binstall\b", line) and ("-r" in line or "requirements" in line):
                found += 1
                assert "--require-hashes" in line, f"{name}: {line.strip()}"
    assert found >= 3
