"""The examples under soc2-py/examples run as documented, and do what they say."""

from __future__ import annotations

import subprocess
from datetime import datetime, timedelta, timezone
import sys
from pathlib import Path
from typing import Any

import soc2

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def run(script: str, *args: Any, cwd: Path) -> str:
    out = subprocess.run(
        [sys.executable, str(EXAMPLES / script), *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    return out.stdout


def test_quarterly_access_review_then_export_for_the_auditor(tmp_path: Path, soc2_cli: Any) -> None:
    # The review is recorded as it is done: an export an hour ago, signed off now, both
    # given with a UTC offset.
    now = datetime.now(timezone.utc).replace(microsecond=0)
    plus_one = timezone(timedelta(hours=1))
    exported = (now - timedelta(hours=1)).astimezone(plus_one)
    said = run(
        "quarterly_access_review.py", "--locker", "evidence",
        "--exported-at", exported.isoformat(), "--reviewed-at", now.astimezone(plus_one).isoformat(),
        cwd=tmp_path,
    )  # fmt: skip
    assert "recorded user list as record 0 and access review as record 1" in said
    assert "AC-01    operating" in said and "AC-02    operating" in said

    locker = soc2.Locker.open(tmp_path / "evidence")
    users, review = locker.record(0).evidence, locker.record(1).evidence
    assert isinstance(users.payload, soc2.UserList) and isinstance(review.payload, soc2.AccessReview)
    # Times with UTC offsets in the CSV are recorded in UTC.
    assert users.observed_at == now - timedelta(hours=1)
    assert users.observed_at.utcoffset() == timedelta(0)
    decisions = {a.account: a.decision for a in review.payload.accounts}
    assert decisions["dana.ortiz"] == "revoke" and decisions["ben.hartley"] == "keep"
    assert [a.file_name for a in users.attachments] == ["okta-users.csv"]
    assert [a.media_type for a in review.attachments] == ["text/csv"]
    assert locker.fsck().is_sound

    said = run(
        "export_for_auditor.py", "--locker", "evidence", "--key", "bundle-key", "--out", "q.zip",
        cwd=tmp_path,
    )  # fmt: skip
    # The default period is the current quarter, which holds the review just recorded.
    assert "wrote q.zip: 2 records, 2 attachments" in said
    assert "record 1 is in the signed checkpoint" in said
    assert "ssh-keygen -Y verify" in said
    cli = soc2_cli("verify", tmp_path / "q.zip", "--allowed-signers", tmp_path / "allowed_signers")
    assert cli.returncode == 0, cli.stdout + cli.stderr

    # Run again: the locker and the key are reused, the review recorded a second time.
    run("quarterly_access_review.py", "--locker", "evidence", cwd=tmp_path)
    assert len(soc2.Locker.open(tmp_path / "evidence")) == 4
    run("export_for_auditor.py", "--locker", "evidence", "--key", "bundle-key", cwd=tmp_path)


def test_a_review_recorded_months_later_by_hand_is_late(tmp_path: Path) -> None:
    """Typed in now for the end of March 2026: the review proves nothing for its quarter."""
    said = run(
        "quarterly_access_review.py", "--locker", "evidence",
        "--exported-at", "2026-03-28T14:05:00+01:00", "--reviewed-at", "2026-03-28T16:30:00+01:00",
        cwd=tmp_path,
    )  # fmt: skip
    assert "AC-01    exception" in said, said
    assert "late: record 1 observed 2026-03-28, recorded " in said, said
    locker = soc2.Locker.open(tmp_path / "evidence")
    assert locker.record(0).evidence.observed_at.isoformat() == "2026-03-28T13:05:00+00:00"
