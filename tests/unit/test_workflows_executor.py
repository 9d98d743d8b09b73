"""The local Argo executor's logic without running anything: wiring errors it must refuse,
Argo's ``depends`` and ``when`` rules, and CronWorkflows through a template reference. Runs of
tiny shell workflows: tests/integration/test_workflows_executor.py."""

from __future__ import annotations

import pathlib

import pytest

from tests.argo_local import (
    LocalExecutor,
    TaskRun,
    UnsupportedWorkflow,
    evaluate_depends,
    evaluate_when,
    resolve,
    shell_template,
    tiny_workflow,
    topological,
)


def test_executor__unresolved_variable_is_an_error(tmp_path: pathlib.Path) -> None:
    executor = LocalExecutor(mounts={"/work": tmp_path})
    doc = tiny_workflow(
        tasks=[{"name": "a", "template": "a"}],
        templates=[shell_template("a", "echo {{workflow.parameters.typo}}")],
    )
    with pytest.raises(UnsupportedWorkflow, match=r"workflow\.parameters\.typo"):
        executor.run(doc)


def test_executor__cycle_and_unknown_dependency_are_errors() -> None:
    with pytest.raises(UnsupportedWorkflow, match="cycle"):
        topological([{"name": "a", "depends": "b"}, {"name": "b", "depends": "a"}])
    with pytest.raises(UnsupportedWorkflow, match="unknown"):
        topological([{"name": "a", "depends": "c.Failed"}])


def test_executor__depends_logic_follows_argo() -> None:
    tasks = {
        "a": TaskRun("a", "Succeeded"),
        "b": TaskRun("b", "Failed"),
        "c": TaskRun("c", "Skipped"),
    }
    assert evaluate_depends("a && c", tasks)  # a bare name accepts Skipped too
    assert evaluate_depends("(a.Succeeded || b.Succeeded) && !c.Failed", tasks)
    assert not evaluate_depends("b", tasks)
    assert evaluate_depends("a && (b.Failed || b.Errored)", tasks)
    with pytest.raises(UnsupportedWorkflow):
        evaluate_depends("a.Finished", tasks)


def test_executor__when_compares_numbers_and_strings() -> None:
    assert evaluate_when("3 == 3")
    assert evaluate_when("3.0 == 3")
    assert evaluate_when("0 != 3")
    assert evaluate_when("true == true")
    assert not evaluate_when("'a' == 'b'")
    with pytest.raises(UnsupportedWorkflow):
        evaluate_when("1 == 1 && 2 == 2")


def test_executor__cron_with_template_ref_merges_parameters() -> None:
    template = tiny_workflow([], [], parameters={"a": "1", "b": "2"})
    cron = {
        "kind": "CronWorkflow",
        "metadata": {"name": "c"},
        "spec": {
            "workflowSpec": {
                "workflowTemplateRef": {"name": "tiny"},
                "arguments": {"parameters": [{"name": "b", "value": "3"}]},
            }
        },
    }
    spec, parameters = resolve(cron, {"tiny": template})
    assert parameters == {"a": "1", "b": "3"}
    assert spec["entrypoint"] == "main"
    with pytest.raises(UnsupportedWorkflow, match="not found"):
        resolve(cron, {})
