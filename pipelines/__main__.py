"""``python -m pipelines [--check] [--out DIR]``: render the workflows, or check them."""

from __future__ import annotations

import argparse
import pathlib
import sys

from pipelines import render
from pipelines.cluster import Rendering


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines", description=__doc__)
    parser.add_argument("--out", type=pathlib.Path, default=render.OUT_DIR, help="output folder")
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if the files are out of date"
    )
    args = parser.parse_args(argv)
    cfg = Rendering.from_env()
    if args.check:
        problems = render.differences(args.out, cfg)
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            print("out of date: run `make workflows` and commit the result", file=sys.stderr)
            return 1
        print(f"{args.out}: up to date")
        return 0
    for path in render.write(args.out, cfg):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
