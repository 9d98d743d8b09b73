"""A small local executor for rendered Argo workflows, so that a DAG is known right without a
cluster: it runs the steps in dependency order on this machine with the same commands.

It covers what the fraudops workflows use, and raises on anything else so that an unsupported
feature is never silently ignored: DAG entrypoints whose tasks run container, script or
resource templates; ``depends`` (task results with ``&& || ! ( )``) and ``dependencies``;
``when`` comparisons; fan-outs by ``withParam``, ``withSequence`` and ``withItems``;
``{{workflow.parameters.x}}``, ``{{workflow.name}}``, ``{{inputs.parameters.x}}``,
``{{item}}``, ``{{tasks.x.outputs.result}}``, ``{{tasks.x.exitCode}}``, ``{{tasks.x.status}}``;
CronWorkflows and ``workflowTemplateRef``. Every variable must resolve, in every step.

Not run, and reported: steps annotated ``fraudops/local: skip`` (they need the outside world:
git, the DVC remote, the GitHub or Kubernetes API), and ``python -m fraudops <cmd>`` steps whose
command does not exist in this checkout yet. Both count as succeeded for what depends on them,
with exit code 0 and empty output. Secrets (``valueFrom``) are not resolved locally.

Failure follows Argo's fail-fast DAG: a failed task stops the run unless another task depends
on its failure (``task.Failed``), which is how the drift branch of the monitor works.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pathlib
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import typing

import yaml

LOCAL_ANNOTATION = "fraudops/local"
LOCAL_REASON_ANNOTATION = "fraudops/local-reason"
PROGRAM = ["python", "-m", "fraudops"]
DEFAULT_TIMEOUT = 1800

Outcome = typing.Literal["ran", "boundary"]
VARIABLE = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
DEPENDS_TOKEN = re.compile(r"\s*(&&|\|\||!|\(|\)|[A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z]+)?)")
COMPARISON = re.compile(r"^\s*(.*?)\s*(==|!=|<=|>=|<|>)\s*(.*?)\s*$")
RESULTS = {"Succeeded", "Failed", "Errored", "Skipped", "Omitted", "Daemoned"}


class UnsupportedWorkflow(ValueError):
    """The workflow uses something this executor does not model, or is wired wrongly."""


@dataclasses.dataclass
class NodeRun:
    """One pod: a task, or one item of a fanned-out task."""

    task: str
    template: str
    outcome: Outcome
    argv: list[str]
    env: dict[str, str]
    exit_code: int = 0
    stdout: str = ""
    stderr: str = ""
    reason: str = ""
    item: str | None = None
    manifest: str = ""  # a resource step's object, substituted
    seconds: float = 0.0  # wall time of the command
    cpu_seconds: float = 0.0  # user + system time of the command and its children

    @property
    def succeeded(self) -> bool:
        return self.exit_code == 0

    @property
    def label(self) -> str:
        return self.task if self.item is None else f"{self.task}({self.item})"


@dataclasses.dataclass
class TaskRun:
    name: str
    phase: str  # Succeeded, Failed, Skipped (when was false) or Omitted (depends was false)
    nodes: list[NodeRun] = dataclasses.field(default_factory=list)
    fan_out: bool = False
    reason: str = ""


@dataclasses.dataclass
class WorkflowRun:
    name: str
    phase: str = "Running"
    tasks: dict[str, TaskRun] = dataclasses.field(default_factory=dict)

    def nodes(self, outcome: Outcome | None = None) -> list[NodeRun]:
        every = [node for task in self.tasks.values() for node in task.nodes]
        return [node for node in every if outcome is None or node.outcome == outcome]

    def report(self) -> str:
        lines = [f"local run of {self.name}: {self.phase}"]
        for task in self.tasks.values():
            if not task.nodes:
                lines.append(f"  {task.name:<22} {task.phase.lower():<16} {task.reason}")
            for node in task.nodes:
                detail = {
                    "ran": f"exit {node.exit_code}: {' '.join(node.argv)}",
                    "boundary": f"not run (boundary: {node.reason})",
                }[node.outcome]
                lines.append(f"  {node.label:<22} {node.outcome:<16} {detail}")
        return "\n".join(lines)


def load_documents(folder: pathlib.Path) -> dict[tuple[str, str], dict[str, typing.Any]]:
    """Every named object in the YAML files of ``folder``, by (kind, name)."""
    found = {}
    for path in sorted(folder.glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text()):
            if "name" in document.get("metadata", {}):
                found[(document["kind"], document["metadata"]["name"])] = document
    return found


def checkout(repo: pathlib.Path, target: pathlib.Path) -> None:
    """Copy the files git tracks in ``repo`` to ``target``, as a fresh clone would have them."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout
    for name in filter(None, listed.split("\0")):
        source = repo / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def substitute(text: str, scope: typing.Mapping[str, str]) -> str:
    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith("="):
            raise UnsupportedWorkflow(f"expression tags are not supported: {match.group(0)}")
        if name not in scope:
            raise UnsupportedWorkflow(f"unresolved variable {match.group(0)!r}")
        return scope[name]

    return VARIABLE.sub(one, text)


def depends_names(expression: str) -> list[str]:
    names = []
    for token in _tokens(expression):
        if token not in ("&&", "||", "!", "(", ")"):
            names.append(token.split(".")[0])
    return names


def _tokens(expression: str) -> list[str]:
    tokens, position = [], 0
    while position < len(expression.rstrip()):
        match = DEPENDS_TOKEN.match(expression, position)
        if not match:
            raise UnsupportedWorkflow(f"cannot parse depends {expression!r} at {position}")
        tokens.append(match.group(1))
        position = match.end()
    return tokens


def evaluate_depends(expression: str, tasks: typing.Mapping[str, TaskRun]) -> bool:
    """Argo's enhanced depends: ``a`` means a succeeded, was skipped or is a daemon."""
    tokens = _tokens(expression)

    def operand(token: str) -> bool:
        name, _, result = token.partition(".")
        task = tasks[name]
        if not result:
            return task.phase in ("Succeeded", "Skipped", "Daemoned")
        if result == "AnySucceeded":
            return any(node.succeeded for node in task.nodes)
        if result == "AllFailed":
            return bool(task.nodes) and not any(node.succeeded for node in task.nodes)
        if result not in RESULTS:
            raise UnsupportedWorkflow(f"unknown task result {token!r} in {expression!r}")
        return task.phase == result

    def parse_or(at: int) -> tuple[bool, int]:
        value, at = parse_and(at)
        while at < len(tokens) and tokens[at] == "||":
            right, at = parse_and(at + 1)
            value = value or right
        return value, at

    def parse_and(at: int) -> tuple[bool, int]:
        value, at = parse_not(at)
        while at < len(tokens) and tokens[at] == "&&":
            right, at = parse_not(at + 1)
            value = value and right
        return value, at

    def parse_not(at: int) -> tuple[bool, int]:
        if tokens[at] == "!":
            value, at = parse_not(at + 1)
            return not value, at
        if tokens[at] == "(":
            value, at = parse_or(at + 1)
            if at >= len(tokens) or tokens[at] != ")":
                raise UnsupportedWorkflow(f"unbalanced parentheses in {expression!r}")
            return value, at + 1
        return operand(tokens[at]), at + 1

    value, end = parse_or(0)
    if end != len(tokens):
        raise UnsupportedWorkflow(f"cannot parse depends {expression!r}")
    return value


def evaluate_when(expression: str) -> bool:
    """A substituted ``when``: one comparison, numeric when both sides are numbers."""
    match = COMPARISON.match(expression)
    if not match or any(op in expression for op in ("&&", "||")):
        raise UnsupportedWorkflow(f"only single comparisons are supported in when: {expression!r}")
    left_text, op, right_text = (part.strip("'\"") for part in match.groups())
    left: float | str
    right: float | str
    try:
        left, right = float(left_text), float(right_text)
    except ValueError:
        left, right = left_text, right_text
    if op in ("==", "!="):
        return (left == right) == (op == "==")
    if isinstance(left, str) or isinstance(right, str):
        raise UnsupportedWorkflow(f"ordering needs numbers: {expression!r}")
    return {"<": left < right, ">": left > right, "<=": left <= right, ">=": left >= right}[op]


def resolve(
    document: dict[str, typing.Any], library: typing.Mapping[str, dict[str, typing.Any]]
) -> tuple[dict[str, typing.Any], dict[str, str]]:
    """The effective workflow spec and parameters of a WorkflowTemplate, Workflow or
    CronWorkflow (a ``workflowTemplateRef`` is looked up in ``library`` by name)."""
    kind = document["kind"]
    if kind not in ("Workflow", "WorkflowTemplate", "CronWorkflow"):
        raise UnsupportedWorkflow(f"cannot run a {kind}")
    spec = document["spec"]["workflowSpec"] if kind == "CronWorkflow" else document["spec"]
    parameters: dict[str, str] = {}
    reference = spec.get("workflowTemplateRef")
    if reference:
        if reference.get("clusterScope"):
            raise UnsupportedWorkflow("ClusterWorkflowTemplate references are not supported")
        if reference["name"] not in library:
            raise UnsupportedWorkflow(f"workflowTemplateRef {reference['name']!r} not found")
        base = library[reference["name"]]["spec"]
        parameters.update(_parameters(base))
        spec = {**base, **{k: v for k, v in spec.items() if k != "workflowTemplateRef"}}
    parameters.update(_parameters(spec))
    return spec, parameters


def _parameters(spec: typing.Mapping[str, typing.Any]) -> dict[str, str]:
    found = spec.get("arguments", {}).get("parameters", [])
    return {p["name"]: str(p["value"]) for p in found if "value" in p}


def topological(tasks: list[dict[str, typing.Any]]) -> list[dict[str, typing.Any]]:
    """Tasks in an order that respects dependencies (stable: definition order breaks ties)."""
    names = [task["name"] for task in tasks]
    needs = {}
    for task in tasks:
        wanted = (
            depends_names(task["depends"]) if "depends" in task else task.get("dependencies", [])
        )
        unknown = set(wanted) - set(names)
        if unknown:
            raise UnsupportedWorkflow(f"task {task['name']} depends on unknown {sorted(unknown)}")
        needs[task["name"]] = set(wanted)
    ordered: list[dict[str, typing.Any]] = []
    done: set[str] = set()
    while len(ordered) < len(tasks):
        ready = [t for t in tasks if t["name"] not in done and needs[t["name"]] <= done]
        if not ready:
            raise UnsupportedWorkflow(f"dependency cycle among {sorted(set(names) - done)}")
        ordered.append(ready[0])
        done.add(ready[0]["name"])
    return ordered


@dataclasses.dataclass
class LocalExecutor:
    """Runs rendered workflows with every container path mapped to a local folder."""

    mounts: dict[str, pathlib.Path]  # container path -> local folder, e.g. /workspace/repo
    library: dict[str, dict[str, typing.Any]] = dataclasses.field(default_factory=dict)
    env: dict[str, str] = dataclasses.field(default_factory=dict)
    python: str = sys.executable

    def run(
        self,
        document: dict[str, typing.Any],
        parameters: typing.Mapping[str, str] | None = None,
    ) -> WorkflowRun:
        spec, values = resolve(document, self.library)
        values.update(parameters or {})
        name = f"local-{document['metadata']['name']}"
        scope = {f"workflow.parameters.{k}": v for k, v in values.items()}
        scope["workflow.name"] = name
        templates = {t["name"]: t for t in spec["templates"]}
        entry = templates[spec["entrypoint"]]
        if "dag" not in entry:
            raise UnsupportedWorkflow("the entrypoint must be a DAG template")
        tasks = entry["dag"]["tasks"]
        handled = {n for t in tasks if "depends" in t for n in _failure_handled(t["depends"])}
        run = WorkflowRun(name=name)
        for task in topological(tasks):
            result = self._task(task, templates, scope, run)
            run.tasks[task["name"]] = result
            prefix = f"tasks.{task['name']}"
            scope[f"{prefix}.status"] = result.phase
            if not result.fan_out:
                node = result.nodes[0] if result.nodes else None
                scope[f"{prefix}.outputs.result"] = node.stdout.strip() if node else ""
                scope[f"{prefix}.exitCode"] = str(node.exit_code) if node else ""
            if result.phase == "Failed" and task["name"] not in handled:
                run.phase = "Failed"
                return run
        failed = [t for t in run.tasks.values() if t.phase == "Failed" and t.name not in handled]
        run.phase = "Failed" if failed else "Succeeded"
        return run

    def _task(
        self,
        task: dict[str, typing.Any],
        templates: dict[str, dict[str, typing.Any]],
        scope: dict[str, str],
        run: WorkflowRun,
    ) -> TaskRun:
        name = task["name"]
        if "templateRef" in task or "inline" in task:
            raise UnsupportedWorkflow(f"task {name}: only template: references are supported")
        template = templates[task["template"]]
        if "depends" in task and not evaluate_depends(task["depends"], run.tasks):
            return TaskRun(name, "Omitted", reason=f"depends false: {task['depends']}")
        wanted = task.get("dependencies", [])
        if any(run.tasks[d].phase not in ("Succeeded", "Skipped") for d in wanted):
            return TaskRun(name, "Omitted", reason=f"dependencies not met: {wanted}")
        if "when" in task:
            condition = substitute(task["when"], scope)
            if not evaluate_when(condition):
                return TaskRun(name, "Skipped", reason=f"when false: {condition}")
        items = self._items(task, scope)
        fan_out = items is not None
        nodes = []
        for index, item in enumerate(items if fan_out else [None]):
            local = dict(scope)
            if item is not None:
                local.update(_item_scope(item))
            arguments = {
                p["name"]: substitute(str(p["value"]), local)
                for p in task.get("arguments", {}).get("parameters", [])
            }
            label = None if item is None else f"{index}:{_item_text(item)}"
            nodes.append(self._node(name, template, arguments, scope, label))
        phase = "Succeeded" if all(node.succeeded for node in nodes) else "Failed"
        return TaskRun(name, phase, nodes=nodes, fan_out=fan_out)

    def _items(self, task: dict[str, typing.Any], scope: dict[str, str]) -> list[typing.Any] | None:
        if "withParam" in task:
            text = substitute(task["withParam"], scope)
            try:
                items = json.loads(text)
            except json.JSONDecodeError:
                raise UnsupportedWorkflow(
                    f"task {task['name']}: withParam is not a JSON list: {text!r}"
                ) from None
            if not isinstance(items, list):
                raise UnsupportedWorkflow(f"task {task['name']}: withParam is not a list")
            return items
        if "withSequence" in task:
            sequence = task["withSequence"]
            start = int(substitute(str(sequence.get("start", "0")), scope))
            if "count" in sequence:
                end = start + int(substitute(str(sequence["count"]), scope)) - 1
            else:
                end = int(substitute(str(sequence["end"]), scope))
            return [str(i) for i in range(start, end + 1)]
        if "withItems" in task:
            return list(task["withItems"])
        return None

    def _node(
        self,
        task: str,
        template: dict[str, typing.Any],
        arguments: dict[str, str],
        workflow_scope: dict[str, str],
        item: str | None,
    ) -> NodeRun:
        scope = dict(workflow_scope)
        for parameter in template.get("inputs", {}).get("parameters", []):
            value = arguments.get(parameter["name"], parameter.get("value"))
            if value is None:
                raise UnsupportedWorkflow(
                    f"task {task}: input parameter {parameter['name']!r} has no value"
                )
            scope[f"inputs.parameters.{parameter['name']}"] = str(value)
        annotations = template.get("metadata", {}).get("annotations", {})
        boundary = annotations.get(LOCAL_ANNOTATION) == "skip"
        body = template.get("container") or template.get("script")
        if "resource" in template:
            if not boundary:
                raise UnsupportedWorkflow(f"task {task}: resource templates must be boundary steps")
            return NodeRun(
                task,
                template["name"],
                "boundary",
                argv=[],
                env={},
                item=item,
                reason=annotations.get(LOCAL_REASON_ANNOTATION, ""),
                manifest=substitute(template["resource"]["manifest"], scope),
            )
        if body is None:
            raise UnsupportedWorkflow(f"task {task}: template {template['name']} is not supported")
        argv = [
            substitute(part, scope) for part in [*body.get("command", []), *body.get("args", [])]
        ]
        env = {
            entry["name"]: substitute(entry["value"], scope)
            for entry in body.get("env", [])
            if "value" in entry
        }
        node = NodeRun(task, template["name"], "ran", argv, env, item=item)
        if boundary:
            node.outcome = "boundary"
            node.reason = annotations.get(LOCAL_REASON_ANNOTATION, "")
            return node
        if argv[: len(PROGRAM)] == PROGRAM:
            argv = [self.python, *argv[1:]]
        cwd = self._local_path(body.get("workingDir"))
        timeout = int(template.get("activeDeadlineSeconds", DEFAULT_TIMEOUT))
        with tempfile.TemporaryDirectory() as scratch:
            if "source" in body:
                source = pathlib.Path(scratch) / "source"
                source.write_text(substitute(body["source"], scope))
                argv = [*argv, str(source)]
            started, cpu = time.perf_counter(), _children_cpu()
            done = subprocess.run(
                argv,
                cwd=cwd,
                env={**os.environ, **self.env, **env},
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
            node.seconds = time.perf_counter() - started
            node.cpu_seconds = _children_cpu() - cpu
        node.argv, node.exit_code = argv, done.returncode
        node.stdout, node.stderr = done.stdout, done.stderr
        return node

    def _local_path(self, container_path: str | None) -> pathlib.Path:
        if container_path is None:
            return next(iter(self.mounts.values()))
        for prefix in sorted(self.mounts, key=len, reverse=True):
            if container_path == prefix or container_path.startswith(prefix + "/"):
                return self.mounts[prefix] / container_path[len(prefix) :].lstrip("/")
        raise UnsupportedWorkflow(f"no local folder for container path {container_path}")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _failure_handled(expression: str) -> list[str]:
    """Tasks whose failure another task handles by depending on ``<task>.Failed``."""
    return [t.split(".")[0] for t in _tokens(expression) if t.endswith((".Failed", ".AllFailed"))]


def _item_scope(item: typing.Any) -> dict[str, str]:
    if isinstance(item, dict):
        return {"item": json.dumps(item), **{f"item.{k}": str(v) for k, v in item.items()}}
    return {"item": _item_text(item)}


def _item_text(item: typing.Any) -> str:
    return item if isinstance(item, str) else json.dumps(item)


# Tiny documents for the executor's own tests.


def shell_template(name: str, script: str, **extra: typing.Any) -> dict[str, typing.Any]:
    """A container template that runs ``script`` with ``sh -c``."""
    return {"name": name, "container": {"image": "x", "command": ["sh", "-c", script]}, **extra}


def tiny_workflow(
    tasks: list[dict[str, typing.Any]],
    templates: list[dict[str, typing.Any]],
    parameters: dict[str, str] | None = None,
) -> dict[str, typing.Any]:
    """A WorkflowTemplate named ``tiny`` whose entrypoint DAG runs ``tasks``."""
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "WorkflowTemplate",
        "metadata": {"name": "tiny"},
        "spec": {
            "entrypoint": "main",
            "arguments": {
                "parameters": [{"name": k, "value": v} for k, v in (parameters or {}).items()]
            },
            "templates": [*templates, {"name": "main", "dag": {"tasks": tasks}}],
        },
    }
