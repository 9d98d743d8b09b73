"""The local Argo executor on tiny workflows of shell steps: ordering, fan-outs, parameters,
the failure branch, boundary and missing-command steps."""

from __future__ import annotations

import pathlib
import typing

import pytest

from tests.argo_local import LocalExecutor, shell_template, tiny_workflow

Doc = dict[str, typing.Any]


@pytest.fixture
def executor(tmp_path: pathlib.Path) -> LocalExecutor:
    return LocalExecutor(mounts={"/work": tmp_path})


def test_executor__fan_out_with_param_runs_one_node_per_item_in_order(
    executor: LocalExecutor, tmp_path: pathlib.Path
) -> None:
    doc = tiny_workflow(
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
            shell_template("list", "echo '[0, 1, 2]'"),
            {
                "name": "write",
                "inputs": {"parameters": [{"name": "i"}]},
                "container": {
                    "image": "x",
                    "command": ["sh", "-c", "touch part-$0", "{{inputs.parameters.i}}"],
                },
            },
            shell_template("count", "ls part-* | wc -l"),
        ],
    )
    run = executor.run(doc)
    assert run.phase == "Succeeded", run.report()
    assert list(run.tasks) == ["list", "fan", "after"]
    assert [n.item for n in run.tasks["fan"].nodes] == ["0:0", "1:1", "2:2"]
    assert sorted(p.name for p in tmp_path.glob("part-*")) == ["part-0", "part-1", "part-2"]
    assert run.tasks["after"].nodes[0].stdout.strip() == "3"


def test_executor__with_sequence_counts_from_a_parameter(executor: LocalExecutor) -> None:
    doc = tiny_workflow(
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
    return tiny_workflow(
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
            shell_template("check", f"exit {exit_code}"),
            shell_template("ok", "true"),
            shell_template("fail", "exit 1"),
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
    doc = tiny_workflow(
        tasks=[{"name": "a", "template": "bad"}, {"name": "b", "template": "good", "depends": "a"}],
        templates=[shell_template("bad", "exit 2"), shell_template("good", "true")],
    )
    run = executor.run(doc)
    assert run.phase == "Failed"
    assert list(run.tasks) == ["a"]


def test_executor__boundary_steps_are_reported_not_run(
    executor: LocalExecutor, tmp_path: pathlib.Path
) -> None:
    boundary = shell_template(
        "push",
        "touch pushed",
        metadata={"annotations": {"fraudops/local": "skip", "fraudops/local-reason": "network"}},
    )
    doc = tiny_workflow(
        tasks=[
            {"name": "push", "template": "push"},
            {"name": "after", "template": "after", "depends": "push"},
        ],
        templates=[boundary, shell_template("after", "echo '{{tasks.push.exitCode}}'")],
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
    doc = tiny_workflow(tasks=[{"name": "future", "template": "future"}], templates=[missing])
    run = executor.run(doc)
    assert run.phase == "Failed", run.report()
    assert run.tasks["future"].nodes[0].exit_code != 0
