"""The one entry point: DVC stages, make targets, CI steps and Argo containers all call it.

``fraudops.cli.app`` builds the command line from the command groups of this package; each
command only parses options and calls a plain function that tests call directly.
"""
