"""The promotion record kept beside each overlay (``deploy/overlays/<env>/promotion.json``).

``release`` is what runs: the model, its image digest and everything the model card needs, so
the card and the gate never depend on what happens to be in the working tree. Promoting
production from staging copies ``release`` unchanged; the other fields describe the promotion.
"""

from __future__ import annotations

import re

import pydantic

from fraudops.errors import FraudopsError
from fraudops.io.check_reports import CheckRow

RECORD_FILE = "promotion.json"
DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
# registry host[:port] and lower-case path components, as the OCI distribution spec allows
IMAGE_NAME = re.compile(
    r"^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
    r"(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$"
)


class Frozen(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid", frozen=True, protected_namespaces=())


class ImageRef(Frozen):
    name: str
    digest: str

    @classmethod
    def parse(cls, ref: str) -> ImageRef:
        """``registry/repo[:tag]@sha256:<64 hex>``; a tag alone is refused (tags move)."""
        name, sep, digest = ref.strip().partition("@")
        if not sep or not DIGEST.match(digest):
            raise FraudopsError(
                f"image {ref!r} is not pinned by digest: pass <name>@sha256:<64 hex digits> "
                "(the digest the registry returned on push)"
            )
        last = name.rsplit("/", 1)[-1]
        if ":" in last:  # drop a tag: the digest alone says what runs
            name = name[: len(name) - len(last)] + last.split(":", 1)[0]
        if not IMAGE_NAME.match(name):
            raise FraudopsError(f"image name {name!r} is not a valid repository name")
        return cls(name=name, digest=digest)

    def __str__(self) -> str:
        return f"{self.name}@{self.digest}"


class Release(Frozen):
    """A model version in its image, with its lineage and test results."""

    model_name: str
    model_version: str  # the MLflow registry version
    bundle_version: str
    bundle_checksum: str
    image: str
    digest: str
    classifier: str
    features: list[str]
    threshold: float
    threshold_objective: str
    costs: dict[str, float]
    metrics: dict[str, float]
    baseline: dict[str, float]
    test_rows: int
    test_fraud_rate: float
    checks: list[CheckRow] | None  # None: no Deepchecks reports were available
    git_commit: str
    mlflow_run_id: str | None
    data_hash: str
    params_hash: str
    trained_at: str

    @property
    def image_ref(self) -> ImageRef:
        return ImageRef(name=self.image, digest=self.digest)


class Override(Frozen):
    """A promotion the gate refused and a person let through anyway."""

    reason: str
    by: str
    failed: list[str]


class Previous(Frozen):
    model_version: str
    digest: str


class PromotionRecord(Frozen):
    environment: str
    promoted_at: str
    promoted_from: str | None = None
    previous: Previous | None = None
    gated_against: str | None = None  # the production model it was compared with
    override: Override | None = None
    release: Release


def parse_record(text: str, source: str) -> PromotionRecord:
    try:
        return PromotionRecord.model_validate_json(text)
    except pydantic.ValidationError as error:
        raise FraudopsError(f"{source}: not a valid promotion record: {error}") from None


def record_text(record: PromotionRecord) -> str:
    return record.model_dump_json(indent=2) + "\n"
