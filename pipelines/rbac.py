"""The service account the workflow pods run as, with only what they need: report step
results to the controller, and create a Workflow (the drift monitor submits training)."""

from __future__ import annotations

import typing

from pipelines import cluster

RBAC_API = "rbac.authorization.k8s.io"


def objects() -> list[dict[str, typing.Any]]:
    metadata = {"name": cluster.SERVICE_ACCOUNT, "labels": dict(cluster.PART_OF)}
    return [
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": metadata},
        {
            "apiVersion": f"{RBAC_API}/v1",
            "kind": "Role",
            "metadata": metadata,
            "rules": [
                # the Argo executor in each pod reports outputs and exit codes this way
                {
                    "apiGroups": ["argoproj.io"],
                    "resources": ["workflowtaskresults"],
                    "verbs": ["create", "patch"],
                },
                # the monitor's resource step creates a training Workflow
                {
                    "apiGroups": ["argoproj.io"],
                    "resources": ["workflows"],
                    "verbs": ["create", "get"],
                },
            ],
        },
        {
            "apiVersion": f"{RBAC_API}/v1",
            "kind": "RoleBinding",
            "metadata": metadata,
            "roleRef": {"apiGroup": RBAC_API, "kind": "Role", "name": cluster.SERVICE_ACCOUNT},
            # no namespace: a RoleBinding's service account defaults to its own namespace
            "subjects": [{"kind": "ServiceAccount", "name": cluster.SERVICE_ACCOUNT}],
        },
    ]
