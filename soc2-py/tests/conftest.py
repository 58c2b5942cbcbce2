"""Shared fixtures of the soc2 Python tests: paths of the repository, and the `soc2`
command line built from the same sources (for cross-checks between Python and the CLI)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any, Callable, Dict, List

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples"
SCHEMAS = ROOT / "schemas"


def _cli_path() -> Path:
    """Builds the `soc2` binary (debug, like `cargo test`) and returns its path."""
    override = os.environ.get("SOC2_CLI")
    if override:
        return Path(override)
    subprocess.run(
        ["cargo", "build", "--quiet", "--locked", "--bin", "soc2"], cwd=ROOT, check=True
    )
    meta = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--no-deps"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return Path(json.loads(meta.stdout)["target_directory"]) / "debug" / "soc2"


@pytest.fixture(scope="session")
def soc2_cli() -> Callable[..., "subprocess.CompletedProcess[str]"]:
    """Runs the `soc2` command line with the given arguments; returns the completed
    process (stdout and stderr as text)."""
    path = _cli_path()

    def run(*args: Any, cwd: Any = None) -> "subprocess.CompletedProcess[str]":
        return subprocess.run(
            [str(path), *map(str, args)], capture_output=True, text=True, cwd=cwd
        )

    return run


def example_files(folder: str) -> List[Path]:
    """The example documents of one folder of docs/examples, sorted."""
    files = sorted((EXAMPLES / folder).glob("*.json"))
    assert files, f"no examples in {folder}"
    return files


def load_schema(name: str) -> Dict[str, Any]:
    """A committed JSON Schema from schemas/."""
    result: Dict[str, Any] = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
    return result
