"""Offline checks of the objects under deploy/, with nothing but what uv.lock installs.

* Argo Workflows kinds are checked against a JSON schema derived from Hera's pydantic models of
  Argo's API (``hera.workflows.models``; hera 7.1.0's are generated from Argo Workflows v4.0.5),
  closed so that an unknown or misspelt key fails, and for template names that do not exist.
* Argo CD kinds are checked against ``tests/schemas/argocd.schema.json`` (written for the fields
  this project uses: Hera has no Argo CD models).
* Built-in Kubernetes kinds are checked by kubernetes-validate's strict schemas.

Every check returns ``Problem`` objects that name the path of the offending key.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import json
import pathlib
import re
import shutil
import subprocess
import sys
import typing

import jsonschema
import kubernetes_validate
import pydantic
import referencing
import yaml
from hera.workflows import models

Document = dict[str, typing.Any]
ARGO_API = "argoproj.io/v1alpha1"
WORKFLOW_KINDS = ("Workflow", "CronWorkflow", "WorkflowTemplate", "ClusterWorkflowTemplate")
LIBRARY_KINDS = ("WorkflowTemplate", "ClusterWorkflowTemplate")  # what a templateRef names
ARGOCD_KINDS = ("Application", "AppProject")
ARGOCD_SCHEMA = pathlib.Path(__file__).parent / "schemas" / "argocd.schema.json"
KUBERNETES_SCHEMAS = pathlib.Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema"
KUSTOMIZATION = "kustomization.yaml"
# Hera models whose Argo/Kubernetes counterparts take any keys (a plugin's own config, server-side
# field sets); every other model is a Go struct, so a key it does not list is a mistake.
FREE_FORM = frozenset({"Plugin", "FieldsV1"})
# Argo's AnyString: Hera types these as strings, Argo also takes numbers and booleans.
ANY_STRING = {"Parameter": ("default", "value", "description"), "ValueFrom": ("default",)}
# Argo's schema requires these, Hera's models leave them optional (Hera fills some in itself).
REQUIRED = {
    "Container": ["image"],
    "ScriptTemplate": ["image", "source"],
    "Metrics": ["prometheus"],
}
SCALAR = {"type": ["string", "number", "boolean"]}
# a task name in `depends`; what follows a dot (`a.Succeeded`) is a result, not a task
DEPENDS_NAME = re.compile(r"(?<![.\w-])[A-Za-z0-9_][\w-]*")


@dataclasses.dataclass(frozen=True)
class Problem:
    """One finding: where in the object (``spec.templates[0].contianer``) and what is wrong."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def tool(name: str) -> str:
    """A command the dev dependencies install: beside this Python (the .venv), else on PATH."""
    beside = pathlib.Path(sys.executable).parent / name
    found = str(beside) if beside.is_file() else shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"{name} is not installed: run `make install` (uv.lock has it)")
    return found


def kustomize(folder: pathlib.Path) -> list[Document]:
    """The objects ``kubectl kustomize folder`` renders; fails with kubectl's message."""
    out = subprocess.run(
        [tool("kubectl"), "kustomize", str(folder)], capture_output=True, text=True, check=False
    )
    if out.returncode:
        raise RuntimeError(f"kubectl kustomize {folder}: {out.stderr.strip()}")
    return [doc for doc in yaml.safe_load_all(out.stdout) if doc]


def kustomization_folders(root: pathlib.Path) -> list[pathlib.Path]:
    """Folders that kustomize renders on their own (Components only render inside an overlay)."""
    return sorted(
        path.parent
        for path in root.rglob(KUSTOMIZATION)
        if (yaml.safe_load(path.read_text()) or {}).get("kind") != "Component"
    )


def embedded_manifests(doc: Document) -> list[Document]:
    """Objects that a workflow's resource templates create (they are rendered objects too)."""
    spec = doc.get("spec") or {}
    spec = spec.get("workflowSpec") or spec
    return [
        yaml.safe_load(template["resource"]["manifest"])
        for template in spec.get("templates") or []
        if "manifest" in (template.get("resource") or {})
    ]


def check(doc: Document) -> list[Problem]:
    """Schema problems of one object, by its kind (an empty list: it is valid)."""
    api, kind = doc.get("apiVersion"), doc.get("kind")
    if not (isinstance(api, str) and isinstance(kind, str)):
        return [Problem("(object)", "apiVersion and kind are required (strings)")]
    if api == ARGO_API and kind in WORKFLOW_KINDS:
        return _problems(_workflow_validator(kind), doc)
    if api == ARGO_API and kind in ARGOCD_KINDS:
        return _problems(_argocd_validator(), doc)
    if api.startswith("argoproj.io/"):
        return [Problem("kind", f"no schema here for {api} {kind} (misspelt kind?)")]
    validator = _kubernetes_validator(api, kind)
    if validator is None:
        return [Problem("kind", f"no Kubernetes schema for {api} {kind} (misspelt kind?)")]
    return _problems(validator, doc)


def workflow_schema(kind: str) -> Document:
    """The closed JSON schema of one Argo Workflows kind, derived from Hera's model of it."""
    return copy.deepcopy(_workflow_validator(kind).schema)


def reference_problems(docs: typing.Sequence[Document]) -> list[Problem]:
    """Template names that do not exist: entrypoint, onExit, hooks, DAG tasks and steps (their
    ``template``, ``templateRef`` and ``depends``), and ``workflowTemplateRef``. ``templateRef``
    and ``workflowTemplateRef`` must name a WorkflowTemplate among ``docs``."""
    library = {
        (doc["kind"], doc.get("metadata", {}).get("name", "")): _names(doc.get("spec") or {})
        for doc in docs
        if doc.get("kind") in LIBRARY_KINDS
    }
    problems = []
    for doc in docs:
        if doc.get("kind") not in WORKFLOW_KINDS:
            continue
        spec, at = doc.get("spec") or {}, "spec"
        if doc["kind"] == "CronWorkflow":
            spec, at = spec.get("workflowSpec") or {}, "spec.workflowSpec"
        meta = doc.get("metadata") or {}
        name = meta.get("name") or meta.get("generateName")
        problems += [
            Problem(f"{doc['kind']}/{name} {p.path}", p.message)
            for p in _spec_references(spec, at, library)
        ]
    return problems


def misspelt(doc: Document, path: typing.Sequence[str | int], key: str, wrong: str) -> Document:
    """A copy of ``doc`` with ``key`` of the mapping at ``path`` renamed to ``wrong`` (for tests
    that a typo fails); the value stays where it was."""
    copied = copy.deepcopy(doc)
    node: typing.Any = copied
    for part in path:
        node = node[part]
    node[wrong] = node.pop(key)
    return copied


@functools.cache
def _workflow_validator(kind: str) -> jsonschema.protocols.Validator:
    model: type[pydantic.BaseModel] = getattr(models, kind)
    schema = _without_null(model.model_json_schema(by_alias=True))  # YAML keys are camelCase
    definitions = schema["$defs"]
    definitions["Quantity"] = {"type": ["string", "number"]}  # Kubernetes takes `cpu: 1` too
    definitions["HTTPGetAction"]["properties"]["port"] = {"$ref": "#/$defs/IntOrString"}  # "http"
    for name, required in REQUIRED.items():
        definitions[name]["required"] = required
    for name, fields in ANY_STRING.items():
        for field in fields:
            definitions[name]["properties"][field] = SCALAR
    definitions["Parameter"]["properties"]["enum"] = {"type": "array", "items": SCALAR}
    for name, definition in [*definitions.items(), (kind, schema)]:
        if "properties" in definition and name not in FREE_FORM:
            definition["additionalProperties"] = False
    schema["properties"]["apiVersion"] = {"const": ARGO_API}
    schema["properties"]["kind"] = {"const": kind}
    schema["required"] = ["apiVersion", "kind", *schema["required"]]
    # Kubernetes needs one of them; a Workflow usually has generateName.
    schema["properties"]["metadata"] = {
        "$ref": "#/$defs/ObjectMeta",
        "anyOf": [{"required": ["name"]}, {"required": ["generateName"]}],
    }
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@functools.cache
def _argocd_validator() -> jsonschema.protocols.Validator:
    schema = json.loads(ARGOCD_SCHEMA.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@functools.cache
def _kubernetes_validator(api: str, kind: str) -> jsonschema.protocols.Validator | None:
    """kubernetes-validate's strict schema of a built-in kind, for the newest Kubernetes it has.
    Its own ``validate`` stops at the first error; this reports them all, like the others."""
    folder = KUBERNETES_SCHEMAS / f"v{kubernetes_validate.latest_version()}-local-strict"
    group = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api)  # apps/v1 -> apps-v1, as it names files
    path = folder / f"{kind.lower()}-{group}.json"
    if not path.is_file():
        return None
    schema = json.loads(path.read_text())
    definitions = json.loads((folder / "_definitions.json").read_text())
    registry = referencing.Resource.from_contents(definitions) @ referencing.Registry()
    return jsonschema.Draft202012Validator(schema, registry=registry)


def _without_null(node: typing.Any) -> typing.Any:
    """Pydantic writes ``Optional[X]`` as ``anyOf: [X, null]``. Argo and Kubernetes have no null
    values, and with the bare ``X`` an error points at the key itself, not at an anyOf above it."""
    if isinstance(node, list):
        return [_without_null(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _without_null(value) for key, value in node.items()}
    branches = [b for b in node.get("anyOf", []) if b != {"type": "null"}]
    if "anyOf" in node and len(branches) == 1:
        del node["anyOf"]
        node.pop("default", None)
        node.update(branches[0])
    return node


def _problems(validator: jsonschema.protocols.Validator, doc: Document) -> list[Problem]:
    errors = sorted(validator.iter_errors(doc), key=lambda e: [str(p) for p in e.absolute_path])
    return [problem for error in errors for problem in _describe(error)]


def _describe(error: jsonschema.ValidationError) -> list[Problem]:
    path = _path(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = error.schema.get("properties", {})
        patterns = error.schema.get("patternProperties", {})
        return [
            Problem(
                _path([*error.absolute_path, key]), "unknown key (misspelt, or not in the schema)"
            )
            for key in error.instance
            if key not in known and not any(re.search(p, key) for p in patterns)
        ]
    if error.context:  # anyOf/oneOf: name the closest branch, not the whole instance
        best = jsonschema.exceptions.best_match(error.context)
        where = _path(best.absolute_path)
        detail = best.message if where == path else f"{where}: {best.message}"
        return [Problem(path, f"fits none of the allowed forms, e.g. {detail}")]
    return [Problem(path, error.message[:300])]


def _path(parts: typing.Iterable[str | int]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(object)"


def _names(spec: Document) -> set[str]:
    return {str(t.get("name")) for t in spec.get("templates") or [] if isinstance(t, dict)}


def _spec_references(
    spec: Document, at: str, library: typing.Mapping[tuple[str, str], set[str]]
) -> list[Problem]:
    problems: list[Problem] = []
    names = _names(spec)
    if ref := spec.get("workflowTemplateRef"):
        found = _library_names(ref, library)
        if found is None:
            problems.append(
                Problem(f"{at}.workflowTemplateRef", f"no template {ref.get('name')!r}")
            )
        names |= found or set()
    for field in ("entrypoint", "onExit"):
        if spec.get(field) and spec[field] not in names:
            problems.append(Problem(f"{at}.{field}", f"no template {spec[field]!r} in templates"))
    problems += _hook_references(spec, at, names, library)
    for i, template in enumerate(spec.get("templates") or []):
        tasks = (template.get("dag") or {}).get("tasks") or []
        task_names = {task.get("name") for task in tasks}
        for j, task in enumerate(tasks):
            where = f"{at}.templates[{i}].dag.tasks[{j}]"
            problems += _call_references(task, where, names, library)
            wanted = task.get("dependencies") or DEPENDS_NAME.findall(task.get("depends", ""))
            problems += [
                Problem(where, f"depends on task {dep!r}, which this DAG does not have")
                for dep in wanted
                if dep not in task_names
            ]
        for j, group in enumerate(template.get("steps") or []):
            for k, step in enumerate(group):
                where = f"{at}.templates[{i}].steps[{j}][{k}]"
                problems += _call_references(step, where, names, library)
    return problems


def _call_references(
    call: Document, where: str, names: set[str], library: typing.Mapping[tuple[str, str], set[str]]
) -> list[Problem]:
    """A DAG task or step: the template it runs and its exit handler and hooks exist."""
    problems = []
    for field in ("template", "onExit"):
        value = call.get(field)
        if value and "{{" not in value and value not in names:
            problems.append(Problem(f"{where}.{field}", f"no template {value!r} in templates"))
    if ref := call.get("templateRef"):
        found = _library_names(ref, library)
        if found is None or ref.get("template") not in found:
            target = f"{ref.get('name')!r}/{ref.get('template')!r}"
            problems.append(Problem(f"{where}.templateRef", f"no template {target}"))
    return problems + _hook_references(call, where, names, library)


def _hook_references(
    owner: Document, at: str, names: set[str], library: typing.Mapping[tuple[str, str], set[str]]
) -> list[Problem]:
    problems = []
    for hook_name, hook in (owner.get("hooks") or {}).items():
        problems += _call_references(hook, f"{at}.hooks.{hook_name}", names, library)
    return problems


def _library_names(
    ref: Document, library: typing.Mapping[tuple[str, str], set[str]]
) -> set[str] | None:
    kind = "ClusterWorkflowTemplate" if ref.get("clusterScope") else "WorkflowTemplate"
    return library.get((kind, ref.get("name", "")))
