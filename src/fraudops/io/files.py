"""Atomic writes, so a failed stage never leaves a half-written output behind."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pathlib
import shutil
import tempfile
import typing


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(target: pathlib.Path) -> typing.Iterator[pathlib.Path]:
    """Yield a temporary path beside ``target``; move it into place only on success."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(fd)
    temp = pathlib.Path(name)
    try:
        yield temp
        # mkstemp makes the file private; give it the mode a plain open() would.
        temp.chmod(0o666 & ~_umask())
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_dir(target: pathlib.Path) -> typing.Iterator[pathlib.Path]:
    """Yield a temporary folder beside ``target``; swap it in whole only on success."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = pathlib.Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        yield temp
        temp.chmod(0o777 & ~_umask())
        old = target.with_name(f".{target.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        if target.exists():
            os.replace(target, old)
        os.replace(temp, target)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(temp, ignore_errors=True)


def write_json(path: pathlib.Path, payload: typing.Any) -> None:
    with atomic_path(path) as temp:
        temp.write_text(json.dumps(payload, indent=2, sort_keys=True, default=str) + "\n")


def file_md5(path: pathlib.Path) -> str:
    """The MD5 DVC records for a file, so the hash in a contract matches ``dvc.lock``."""
    digest = hashlib.md5()  # noqa: S324 - a content id, as DVC uses it, not security
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
