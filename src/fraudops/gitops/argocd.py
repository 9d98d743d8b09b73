"""Point the Argo CD objects at the team's repository (they ship with a placeholder URL)."""

from __future__ import annotations

import io
import pathlib
import re

from fraudops.errors import FraudopsError
from fraudops.gitops.overlay import round_trip_yaml

PLACEHOLDER_REPO = "https://github.com/OWNER/REPO.git"
REPO_URL = re.compile(r"^(https://|ssh://|git@)\S+$")


def set_repo_url(text: str, url: str) -> str:
    """An Application's source, or an AppProject's allowed sources, set to ``url``."""
    if not REPO_URL.match(url):
        raise FraudopsError(f"{url!r} is not a git repository URL (https://, ssh:// or git@)")
    yaml = round_trip_yaml()
    doc = yaml.load(text)
    spec = doc.get("spec", {}) if isinstance(doc, dict) else {}
    if doc and doc.get("kind") == "Application":
        for source in [spec.get("source"), *spec.get("sources", [])]:
            if source is not None and source.get("repoURL") != url:
                source["repoURL"] = url
    elif doc and doc.get("kind") == "AppProject":
        repos = spec.get("sourceRepos", [])
        if PLACEHOLDER_REPO in repos:
            repos[repos.index(PLACEHOLDER_REPO)] = url
        elif url not in repos:
            repos.append(url)
    else:
        return text
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue()


def set_repo_url_in(folder: pathlib.Path, url: str) -> list[pathlib.Path]:
    """Edit every Argo CD object in ``folder``; the files that changed."""
    changed = []
    for path in sorted(folder.glob("*.yaml")):
        text = path.read_text()
        new = set_repo_url(text, url)
        if new != text:
            path.write_text(new)
            changed.append(path)
    return changed
