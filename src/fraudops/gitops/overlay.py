"""The promotion edit of an overlay's ``kustomization.yaml``: a pure function over its text.

Only three places change: the ``images`` entry of the served image (new name and digest),
the model name/version labels, and the model literals of the ``fraudops-model`` ConfigMap.
The YAML is edited round-trip, so comments, order and quoting survive and an unchanged
promotion returns the text byte for byte.
"""

from __future__ import annotations

import io
import pathlib
import typing

import ruamel.yaml
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from fraudops.errors import FraudopsError
from fraudops.gitops.record import Release

KUSTOMIZATION = "kustomization.yaml"
# The image name in deploy/base: a match key for kustomize `images`, never pulled itself.
BASE_IMAGE = "ghcr.io/OWNER/fraudops"
MODEL_CONFIG = "fraudops-model"
NAME_LABEL = "fraudops.io/model-name"
VERSION_LABEL = "fraudops.io/model-version"
NAME_ENV = "FRAUDOPS_MODEL_NAME"
VERSION_ENV = "FRAUDOPS_MODEL_VERSION"


def overlay_dir(deploy: pathlib.Path, environment: str) -> pathlib.Path:
    folder = deploy / "overlays" / environment
    if not (folder / KUSTOMIZATION).is_file():
        known = sorted(p.parent.name for p in (deploy / "overlays").glob(f"*/{KUSTOMIZATION}"))
        raise FraudopsError(
            f"no overlay for environment {environment!r} at {folder} "
            f"(known: {', '.join(known) or 'none'})"
        )
    return folder


def round_trip_yaml() -> ruamel.yaml.YAML:
    """A YAML loader/dumper that keeps comments, order and quoting, in deploy/'s style."""
    yaml = ruamel.yaml.YAML()
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    return yaml


def _entry(
    items: list[typing.Any], match: typing.Callable[[typing.Any], bool]
) -> dict[str, typing.Any]:
    """The first mapping in ``items`` that ``match`` accepts; a new one appended if none."""
    found = next((item for item in items if isinstance(item, dict) and match(item)), None)
    if found is None:
        found = CommentedMap()
        items.append(found)
    return typing.cast(dict[str, typing.Any], found)


def _set_literal(literals: list[str], key: str, value: str) -> None:
    line = f"{key}={value}"
    for index, existing in enumerate(literals):
        if str(existing).split("=", 1)[0] == key:
            if existing != line:
                literals[index] = line
            return
    literals.append(line)


def edit_kustomization(text: str, release: Release) -> str:
    """The overlay's kustomization text serving ``release``."""
    yaml = round_trip_yaml()
    try:
        doc = yaml.load(text)
    except ruamel.yaml.YAMLError as error:
        raise FraudopsError(f"{KUSTOMIZATION} is not valid YAML: {error}") from None
    if not isinstance(doc, dict):
        raise FraudopsError(f"{KUSTOMIZATION} is not a mapping")

    image = _entry(doc.setdefault("images", []), lambda item: item.get("name") == BASE_IMAGE)
    image.setdefault("name", BASE_IMAGE)
    image.pop("newTag", None)
    if image.get("newName") != release.image:
        image["newName"] = release.image
    if image.get("digest") != release.digest:
        image["digest"] = release.digest

    labels = _entry(
        doc.setdefault("labels", []), lambda item: VERSION_LABEL in item.get("pairs", {})
    )
    pairs = labels.setdefault("pairs", CommentedMap())
    labels.setdefault("includeTemplates", True)
    if pairs.get(NAME_LABEL) != release.model_name:
        pairs[NAME_LABEL] = release.model_name
    if pairs.get(VERSION_LABEL) != release.model_version:
        # quoted: a bare 3 would be a YAML number, and label values are strings
        pairs[VERSION_LABEL] = DoubleQuotedScalarString(release.model_version)

    config = _entry(
        doc.setdefault("configMapGenerator", []), lambda item: item.get("name") == MODEL_CONFIG
    )
    config.setdefault("name", MODEL_CONFIG)
    config.setdefault("behavior", "merge")
    literals = config.setdefault("literals", [])
    _set_literal(literals, NAME_ENV, release.model_name)
    _set_literal(literals, VERSION_ENV, release.model_version)

    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue()
