"""Threads sharing one Locker never deadlock (issue 15): an export whose progress hook
uses the locker, an attachment read from a Python file object that uses it, appends and
every property read, all at once.

Each scenario (thread_scenarios.py) runs in a child process: a deadlock there would hold
the interpreter's lock for good, so it is detected by a timeout and reported as a
failure instead of hanging the test run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from thread_scenarios import SCENARIOS

SCRIPT = Path(__file__).with_name("thread_scenarios.py")
# Each scenario takes a few seconds; a deadlock never ends.
TIMEOUT = 120


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_threads_sharing_a_locker_never_deadlock(scenario: str, tmp_path: Path) -> None:
    try:
        run = subprocess.run(
            [sys.executable, str(SCRIPT), scenario, str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{scenario}: deadlocked (no end after {TIMEOUT} s)")
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "ok", run.stdout
