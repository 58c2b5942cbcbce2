"""Threads sharing one Locker, as scenarios run in a child process by test_threads.py.

A deadlock here hangs this process, not the test run: the test kills it after a timeout
and fails. Each scenario prints ``ok`` when every thread finished without error.

    python thread_scenarios.py SCENARIO DIRECTORY
"""

from __future__ import annotations

import io
import os
import sys
import threading
import time
from datetime import date
from pathlib import Path
from typing import Callable, Dict, List

import soc2

PERIOD = soc2.AuditPeriod.parse("2025-01-01..2025-12-31")


def read_everything(locker: soc2.Locker) -> None:
    """Every read of a locker a Python user may make, `repr` included."""
    len(locker)
    repr(locker)
    locker.path
    locker.origin
    locker.root
    locker.checkpoint()
    locker.torn_tail
    locker.blob_path("0" * 64)
    locker.leaf_hashes()
    if len(locker):
        locker.record(0)
        locker.inclusion_proof(0)


def new_locker(directory: Path, mib: int) -> soc2.Locker:
    """A locker with the sample company's year and `mib` MiB of attachments that export
    in 1 MiB pieces (a PNG is stored as it is), so an export reports progress often."""
    locker = soc2.Locker.init(directory / "locker", "example.com/soc2/threads")
    locker.add_batch(soc2.sample_company(2025))
    for i in range(mib // 4):
        scan = directory / f"scan-{i}.png"
        scan.write_bytes(os.urandom(4 << 20))
        locker.add(soc2.sample_company(2025)[-1], attachments=[scan])
    return locker


def run_together(jobs: Dict[str, Callable[[], None]]) -> None:
    """Runs each job in its own thread and raises the first error any of them raised."""
    errors: List[BaseException] = []

    def guarded(job: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                job()
            except BaseException as e:  # reported below
                errors.append(e)

        return run

    threads = [threading.Thread(target=guarded(job), name=name) for name, job in jobs.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def export_while_reading(directory: Path) -> None:
    """One thread exports with a progress hook that reads the locker (and once waits for
    all of it); another reads every property meanwhile."""
    locker = new_locker(directory, 16)
    signer = soc2.Signer.generate("threads@example.com")
    done = threading.Event()
    calls: List[int] = []

    def progress(bytes_done: int, bytes_total: int) -> None:
        calls.append(len(locker))
        repr(locker)
        locker.checkpoint()
        if len(calls) == 3:
            # Needs the whole locker, which the export holds: waits for it, no deadlock.
            locker.leaf_hashes()
        time.sleep(0.002)

    def export() -> None:
        try:
            soc2.export_bundle(
                locker, directory / "b.zip", period=PERIOD, signer=signer, progress=progress
            )
        finally:
            done.set()

    def read() -> None:
        while not done.is_set():
            read_everything(locker)

    run_together({"export": export, "read": read})
    assert len(calls) > 3, calls


class SlowFile(io.RawIOBase):
    """A binary file whose `read` is Python code that uses the locker."""

    def __init__(self, locker: soc2.Locker, size: int) -> None:
        self.locker = locker
        self.left = size

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        read_everything(self.locker)
        take = min(self.left, 64 << 10, n if n >= 0 else self.left)
        self.left -= take
        return b"x" * take


def attach_from_python_file_while_appending(directory: Path) -> None:
    """One thread stores an attachment read from a Python file object whose `read` uses
    the locker; others append to it and read it meanwhile."""
    locker = new_locker(directory, 0)
    done = threading.Event()

    def attach() -> None:
        try:
            for _ in range(3):
                a = locker.add_attachment(SlowFile(locker, 2 << 20), "text/plain", "x.txt")
                assert a.size == 2 << 20
        finally:
            done.set()

    def append() -> None:
        evidence = soc2.sample_company(2025)[0]
        while not done.is_set():
            locker.add(evidence)

    def read() -> None:
        while not done.is_set():
            read_everything(locker)

    run_together({"attach": attach, "append": append, "read": read})


def everything_at_once(directory: Path) -> None:
    """Six threads each mixing every kind of call on one locker for a while."""
    locker = new_locker(directory, 4)
    signer = soc2.Signer.generate("threads@example.com")
    evidence = soc2.sample_company(2025)
    deadline = time.monotonic() + 3

    def worker(k: int) -> Callable[[], None]:
        def run() -> None:
            i = 0
            while time.monotonic() < deadline:
                i += 1
                step = (k + i) % 6
                if step == 0:
                    locker.add(evidence[i % len(evidence)])
                elif step == 1:
                    soc2.export_bundle(
                        locker,
                        directory / f"b{k}.zip",
                        period=PERIOD,
                        signer=signer,
                        progress=lambda d, t: read_everything(locker),
                        overwrite=True,  # each thread exports to its own file, repeatedly
                    )
                elif step == 2:
                    locker.add_attachment(SlowFile(locker, 256 << 10), "text/plain", "x.txt")
                elif step == 3:
                    locker.refresh()
                    sum(1 for _ in locker.records())
                elif step == 4:
                    soc2.evaluate(soc2.Catalog.builtin(), locker, PERIOD, date(2025, 12, 31))
                else:
                    read_everything(locker)

        return run

    run_together({f"w{k}": worker(k) for k in range(6)})
    assert soc2.Locker.open(locker.path).fsck().is_sound


SCENARIOS: Dict[str, Callable[[Path], None]] = {
    "export_while_reading": export_while_reading,
    "attach_from_python_file_while_appending": attach_from_python_file_while_appending,
    "everything_at_once": everything_at_once,
}

if __name__ == "__main__":
    SCENARIOS[sys.argv[1]](Path(sys.argv[2]))
    print("ok")
