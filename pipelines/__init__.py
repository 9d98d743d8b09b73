"""Hera definitions of the Argo workflows, rendered into ``deploy/argo/`` by
``python -m pipelines``.

This package only wires: every step runs the project's CLI (or git/DVC at the edges) in the
project's image. The logic lives in ``src/fraudops``.
"""
