"""The local Argo executor on tiny workflows of shell steps: ordering, fan-outs, parameters,
the failure branch, boundary and missing-command steps, and wiring errors it must refuse."""

from __future__ import annotations

import pathlib
import typing

import pytest

from tests.argo_local import (
    LocalExecutor,
    TaskRun,
    UnsupportedWorkflow,
    evaluate_depends,
    evaluate_when,
    resolve,
    topological,
)

Doc = dict[str, typing.Any]


def _shell(name: str, script: str, **extra: typing.Any) -> Doc:
    return {"name": name, "container": {"image": "x", "command": ["sh", "-c", script]}, **extra}


def _workflow(
    tasks: list[Doc], templates: list[Doc], parameters: dict[str, str] | None = None
) -> Doc:
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


@pytest.fixture
def executor(tmp_path: pathlib.Path) -> LocalExecutor:
    return LocalExecutor(mounts={"/work": tmp_path})


def test_executor__fan_out_with_param_runs_one_node_per_item_in_order(
    executor: LocalExecutor, tmp_path: pathlib.Path
) -> None:
    doc = _workflow(
        tasks=[
            {"name": "after", "template": "count", "depends": "fan"},
            {
                "name": "fan",
                "template": "write",
                "depends": "list",
                "withParam": "{{tasks.list.outputs.result}}",
                "arguments": {"parameters": [{"name": "i", "value": "{{item}}"}]},
            },
            {"name": "list", "template": "list"},
        ],
        templates=[
            _shell("list", "echo '[0, 1, 2]'"),
            {
                "name": "write",
                "inputs": {"parameters": [{"name": "i"}]},
                "container": {
                    "image": "x",
                    "command": ["sh", "-c", "touch part-$0", "{{inputs.parameters.i}}"],
                },
            },
            _shell("count", "ls part-* | wc -l"),
        ],
    )
    run = executor.run(doc)
    assert run.phase == "Succeeded", run.report()
    assert list(run.tasks) == ["list", "fan", "after"]
    assert [n.item for n in run.tasks["fan"].nodes] == ["0:0", "1:1", "2:2"]
    assert sorted(p.name for p in tmp_path.glob("part-*")) == ["part-0", "part-1", "part-2"]
    assert run.tasks["after"].nodes[0].stdout.strip() == "3"


def test_executor__with_sequence_counts_from_a_parameter(executor: LocalExecutor) -> None:
    doc = _workflow(
        tasks=[
            {
                "name": "shard",
                "template": "echo",
                "withSequence": {"count": "{{workflow.parameters.n}}"},
                "arguments": {
                    "parameters": [{"name": "s", "value": "{{item}}/{{workflow.parameters.n}}"}]
                },
            }
        ],
        templates=[
            {
                "name": "echo",
                "inputs": {"parameters": [{"name": "s"}]},
                "container": {"image": "x", "command": ["echo", "{{inputs.parameters.s}}"]},
            }
        ],
        parameters={"n": "2"},
    )
    run = executor.run(doc, {"n": "3"})
    assert [n.stdout.strip() for n in run.tasks["shard"].nodes] == ["0/3", "1/3", "2/3"]


def _branching(exit_code: int) -> Doc:
    check = "{{tasks.check.exitCode}}"
    return _workflow(
        tasks=[
            {"name": "check", "template": "check"},
            {"name": "act", "template": "ok", "depends": "check.Failed", "when": f"{check} == 3"},
            {
                "name": "fail",
                "template": "fail",
                "depends": "check.Failed",
                "when": f"{check} != 3",
            },
        ],
        templates=[
            _shell("check", f"exit {exit_code}"),
            _shell("ok", "true"),
            _shell("fail", "exit 1"),
        ],
    )


def test_executor__failure_branch_on_exit_code_3_succeeds(executor: LocalExecutor) -> None:
    run = executor.run(_branching(3))
    assert run.phase == "Succeeded", run.report()
    assert (run.tasks["check"].phase, run.tasks["act"].phase) == ("Failed", "Succeeded")
    assert run.tasks["fail"].phase == "Skipped"


def test_executor__other_exit_code_takes_the_failing_branch(executor: LocalExecutor) -> None:
    run = executor.run(_branching(1))
    assert run.phase == "Failed"
    assert (run.tasks["act"].phase, run.tasks["fail"].phase) == ("Skipped", "Failed")


def test_executor__success_omits_both_branches(executor: LocalExecutor) -> None:
    run = executor.run(_branching(0))
    assert run.phase == "Succeeded"
    assert {run.tasks["act"].phase, run.tasks["fail"].phase} == {"Omitted"}


def test_executor__unhandled_failure_stops_the_run(executor: LocalExecutor) -> None:
    doc = _workflow(
        tasks=[{"name": "a", "template": "bad"}, {"name": "b", "template": "good", "depends": "a"}],
        templates=[_shell("bad", "exit 2"), _shell("good", "true")],
    )
    run = executor.run(doc)
    assert run.phase == "Failed"
    assert list(run.tasks) == ["a"]


def test_executor__boundary_steps_are_reported_not_run(
    executor: LocalExecutor, tmp_path: pathlib.Path
) -> None:
    boundary = _shell(
        "push",
        "touch pushed",
        metadata={"annotations": {"fraudops/local": "skip", "fraudops/local-reason": "network"}},
    )
    doc = _workflow(
        tasks=[
            {"name": "push", "template": "push"},
            {"name": "after", "template": "after", "depends": "push"},
        ],
        templates=[boundary, _shell("after", "echo '{{tasks.push.exitCode}}'")],
    )
    run = executor.run(doc)
    assert run.phase == "Succeeded", run.report()
    assert not (tmp_path / "pushed").exists()
    assert [n.task for n in run.nodes("boundary")] == ["push"]
    assert run.nodes("boundary")[0].reason == "network"
    assert run.tasks["after"].nodes[0].stdout.strip() == "0"
    assert "not run (boundary: network)" in run.report()


def test_executor__a_command_the_cli_lacks_fails_its_step(executor: LocalExecutor) -> None:
    missing = {
        "name": "future",
        "container": {"image": "x", "command": ["python", "-m", "fraudops"], "args": ["no-such"]},
    }
    doc = _workflow(tasks=[{"name": "future", "template": "future"}], templates=[missing])
    run = executor.run(doc)
    assert run.phase == "Failed", run.report()
    assert run.tasks["future"].nodes[0].exit_code != 0


def test_executor__unresolved_variable_is_an_error(executor: LocalExecutor) -> None:
    doc = _workflow(
        tasks=[{"name": "a", "template": "a"}],
        templates=[_shell("a", "echo {{workflow.parameters.typo}}")],
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
    template = _workflow([], [], parameters={"a": "1", "b": "2"})
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
