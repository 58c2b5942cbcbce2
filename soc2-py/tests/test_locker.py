"""The evidence locker from Python: the behaviours of soc2-core's locker, fault and proof
tests through the Python API, bad inputs included, and lockers shared with the command
line in both directions."""

from __future__ import annotations

import io
import json
import os
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, List, Sequence, Tuple

import pytest
from conftest import load_schema
from jsonschema import Draft202012Validator, FormatChecker  # type: ignore[import-untyped]

import soc2

UTC = timezone.utc
EMPTY_ROOT = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def note_at(title: str, observed_at: str, controls: Sequence[str] = ("AC-1",)) -> soc2.Evidence:
    t = datetime.fromisoformat(observed_at.replace("Z", "+00:00"))
    return soc2.Evidence(
        controls=list(controls),
        observed_at=t,
        collected_at=t,
        collector=soc2.ToolCollector(name="soc2-tests", version="0.1.0"),
        source="tests",
        payload=soc2.Note(title=title),
    )


def note(title: str) -> soc2.Evidence:
    return note_at(title, "2026-03-28T14:05:00Z")


def title(r: soc2.Record) -> str:
    assert isinstance(r.evidence.payload, soc2.Note)
    return r.evidence.payload.title


def test_records_are_canonical_lines_chained_by_leaf_hash(tmp_path: Path) -> None:
    locker = soc2.Locker.init(tmp_path, "example.com/soc2/test")
    assert len(locker) == 0 and locker.root == EMPTY_ROOT
    a = locker.add(note("first"))
    b = locker.add_batch([note("second"), note("third")])
    assert (a.seq, b[0].seq, b[1].seq) == (0, 1, 2)
    assert a.recorded_at.tzinfo is not None and a.recorded_at.utcoffset().total_seconds() == 0  # type: ignore[union-attr]

    lines = (tmp_path / "ledger.jsonl").read_bytes().splitlines()
    assert len(lines) == 3
    prev = "0" * 64
    for i, line in enumerate(lines):
        record = soc2.Record.from_json(line)
        assert record.seq == i and record.prev == prev
        assert record.to_json().encode() == line
        prev = soc2.leaf_hash(line)
        assert locker.leaf_hashes()[i] == prev
    assert a.leaf_hash == locker.leaf_hashes()[0]

    reopened = soc2.Locker.open(tmp_path)
    assert len(reopened) == 3 and reopened.root == locker.root
    assert reopened.root == soc2.merkle_root(locker.leaf_hashes())
    assert [title(r) for r in reopened.records()] == ["first", "second", "third"]
    assert title(reopened.record(1)) == "second"
    with pytest.raises(soc2.LockerError, match="record 3 does not exist"):
        reopened.record(3)
    assert reopened.path == tmp_path and reopened.origin == "example.com/soc2/test"
    assert "records=3" in repr(reopened)


def test_records_iterate_in_chunks(tmp_path: Path) -> None:
    locker = soc2.Locker.init(tmp_path, "example.com/many")
    n = soc2.locker._CHUNK * 2 + 3
    locker.add_batch([note(f"n{i}") for i in range(n)])
    assert [r.seq for r in locker.records()] == list(range(n))


def test_queries_select_by_control_kind_and_observation_time(tmp_path: Path) -> None:
    locker = soc2.Locker.init(tmp_path, "example.com/q")
    locker.add_batch(
        [
            note_at("jan", "2026-01-15T00:00:00Z", ["AC-1"]),
            note_at("feb", "2026-02-15T00:00:00Z", ["AC-2"]),
            note_at("mar", "2026-03-15T00:00:00Z", ["AC-1", "AC-3"]),
        ]
    )
    assert [title(r) for r in locker.records_for_control("AC-1")] == ["jan", "mar"]
    assert len(locker.records_of_kind("note")) == 3
    assert locker.records_of_kind("roster") == []
    feb = locker.records_observed_between(
        datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 3, 15, tzinfo=UTC)
    )
    assert [title(r) for r in feb] == ["feb"]
    with pytest.raises(soc2.ValidationError, match="unknown evidence kind"):
        locker.records_of_kind("memo")  # type: ignore[arg-type]
    with pytest.raises(soc2.ValidationError, match="invalid control id"):
        locker.records_for_control("not a control")
    with pytest.raises(soc2.ValidationError, match="naive"):
        locker.records_observed_between(datetime(2026, 2, 1), datetime(2026, 3, 1))


def test_attachments_are_stored_once_and_checked_on_add(tmp_path: Path) -> None:
    locker = soc2.Locker.init(tmp_path / "l", "example.com/a")
    content = b"user,decision\nalice,keep\n"
    a = locker.add_attachment(content, "text/csv", "review.csv")
    assert a.size == len(content) and a.sha256 == soc2._soc2.sha256_hex(content)
    path = locker.blob_path(a.sha256)
    assert path.parts[-4:] == ("blobs", "sha256", a.sha256[:2], a.sha256)
    assert path.read_bytes() == content
    again = locker.add_attachment(io.BytesIO(content), "text/csv", "copy.csv")
    assert again.sha256 == a.sha256
    assert not any((tmp_path / "l" / "tmp").iterdir())

    ok = note("with attachment")
    ok.attachments.append(a)
    locker.add(ok)

    wrong_size = note("wrong size")
    wrong_size.attachments.append(
        soc2.Attachment(sha256=a.sha256, size=a.size + 1, media_type="text/csv", file_name="x")
    )
    with pytest.raises(soc2.LockerError, match="bytes in the locker") as refused:
        locker.add(wrong_size)
    assert refused.value.blob == a.sha256 and refused.value.code == "ledger.attachment_size_mismatch"
    missing = note("missing")
    absent = soc2._soc2.sha256_hex(b"never stored")
    missing.attachments.append(
        soc2.Attachment(sha256=absent, size=1, media_type="text/csv", file_name="x")
    )
    with pytest.raises(soc2.LockerError, match=f"attachment {absent} is not stored"):
        locker.add_batch([note("fine"), missing])
    # Refused batches leave nothing behind.
    assert len(locker) == 1 and len(soc2.Locker.open(tmp_path / "l")) == 1

    with pytest.raises(soc2.ValidationError, match="media_type"):
        locker.add_attachment(b"", "CSV", "x")
    with pytest.raises(soc2.ValidationError, match="file_name"):
        locker.add_attachment(b"", "text/csv", "")


def test_add_stores_attachments_given_as_str_or_pathlike(tmp_path: Path) -> None:
    locker = soc2.Locker.init(tmp_path / "l", "example.com/paths")
    csv = tmp_path / "okta users.CSV"
    csv.write_text("login,status\nbob,active\n")
    pdf = tmp_path / "policy.pdf"
    pdf.write_bytes(b"%PDF-1.7\n")
    evidence = note("export")
    appended = locker.add(evidence, attachments=[str(csv), pdf])
    assert evidence.attachments == []  # the caller's object is unchanged
    stored = locker.record(appended.seq).evidence.attachments
    assert [(a.file_name, a.media_type) for a in stored] == [
        ("okta users.CSV", "text/csv"),
        ("policy.pdf", "application/pdf"),
    ]
    assert stored[0].size == csv.stat().st_size
    assert soc2.media_type_for("x.xlsx").startswith("application/vnd.openxmlformats")
    assert soc2.media_type_for(Path("noext")) == "application/octet-stream"
    explicit = locker.add_attachment_file(csv, media_type="application/octet-stream", file_name="u")
    assert (explicit.media_type, explicit.file_name) == ("application/octet-stream", "u")
    with pytest.raises(soc2.Soc2IOError, match="nope") as info:
        locker.add(note("x"), attachments=[tmp_path / "nope.csv"])
    assert info.value.errno == 2
    assert len(locker) == 1


def test_a_large_attachment_streams_through(tmp_path: Path) -> None:
    locker = soc2.Locker.init(tmp_path / "l", "example.com/big")
    data = bytes(i % 251 for i in range((5 << 20) + 12345))
    src = tmp_path / "big.bin"
    src.write_bytes(data)
    a = locker.add_attachment_file(src)
    assert a.sha256 == soc2._soc2.sha256_hex(data) and a.size == len(data)
    assert locker.blob_path(a.sha256).read_bytes() == data
    with open(src, "rb") as f:
        assert locker.add_attachment(f, "application/octet-stream", "big.bin") == a
    with pytest.raises(soc2.Soc2IOError, match="nope"):
        locker.add_attachment_file(tmp_path / "nope")


def test_init_and_open_refuse_what_is_not_theirs(tmp_path: Path) -> None:
    soc2.Locker.init(tmp_path / "x", "example.com/x")
    with pytest.raises(soc2.LockerError, match="already exists"):
        soc2.Locker.init(tmp_path / "x", "example.com/x")
    (tmp_path / "empty").mkdir()
    with pytest.raises(soc2.LockerError, match="not an evidence locker"):
        soc2.Locker.open(tmp_path / "empty")
    with pytest.raises(soc2.LockerError):
        soc2.fsck(tmp_path / "empty")
    for bad in ["", "has space", "a+b", "naïve"]:
        with pytest.raises(soc2.ValidationError, match="invalid origin") as info:
            soc2.Locker.init(tmp_path / "n", bad)
        assert info.value.path == "origin"
    (tmp_path / "x" / "locker.json").write_text(
        '{"format":"soc2-locker","origin":"example.com/x","version":2}\n'
    )
    with pytest.raises(soc2.LockerError, match="version 2 is not supported"):
        soc2.Locker.open(tmp_path / "x")


def test_checkpoints_round_trip_and_protect_the_newest_records(tmp_path: Path) -> None:
    locker = soc2.Locker.init(tmp_path, "example.com/cp")
    locker.add_batch([note(f"n{i}") for i in range(5)])
    cp = locker.checkpoint()
    assert (cp.origin, cp.size, cp.root) == ("example.com/cp", 5, locker.root)
    assert soc2.Checkpoint.parse(cp.to_text().encode()) == cp
    assert soc2.Checkpoint(cp.origin, cp.size, cp.root) == cp
    assert hash(cp) == hash(soc2.Checkpoint.parse(cp.to_text().encode()))
    locker.verify_checkpoint(cp)
    locker.add(note("n5"))
    locker.verify_checkpoint(cp)

    # Rewrite the last record consistently (no successor commits to it): only the
    # checkpoint taken earlier notices.
    ledger = tmp_path / "ledger.jsonl"
    lines = ledger.read_text().replace('"n4"', '"N4"').splitlines()[:5]
    ledger.write_text("\n".join(lines) + "\n")
    reopened = soc2.Locker.open(tmp_path)
    with pytest.raises(soc2.IntegrityError, match="history rewritten"):
        reopened.verify_checkpoint(cp)
    assert soc2.fsck(tmp_path).is_sound

    for bad in [b"", b"example.com/cp\n5\n", b"a b\n1\nAAAA\n", cp.to_text().encode() + b"extra\n"]:
        with pytest.raises(soc2.ValidationError, match="checkpoint"):
            soc2.Checkpoint.parse(bad)
    with pytest.raises(soc2.ValidationError):
        soc2.Checkpoint("has space", 1, cp.root)
    with pytest.raises(soc2.ValidationError, match="root"):
        soc2.Checkpoint("example.com/cp", 1, "zz")


def test_a_second_handle_sees_appends_after_refresh(tmp_path: Path) -> None:
    a = soc2.Locker.init(tmp_path, "example.com/r")
    b = soc2.Locker.open(tmp_path)
    a.add(note("from a"))
    assert len(b) == 0
    assert b.add(note("from b")).seq == 1  # b's append reads a's record first
    assert len(b) == 2
    assert a.refresh() == 1 and a.root == b.root
    report = a.fsck()
    assert report.is_sound and report and report.checkpoint == a.checkpoint()
    assert report.lines == 2 and report.torn_tail is None and report.problems == []


def test_fsck_reports_progress_over_the_ledger_and_the_attachments(tmp_path: Path) -> None:
    locker = soc2.Locker.init(tmp_path / "l", "example.com/r")
    big = tmp_path / "scan.png"
    big.write_bytes(os.urandom(9 << 20))
    locker.add(note("with a scan"), attachments=[big])
    locker.add(note("plain"))
    ledger = (tmp_path / "l" / "ledger.jsonl").stat().st_size
    for check in (locker.fsck, lambda **kw: soc2.fsck(tmp_path / "l", **kw)):
        calls: List[Tuple[int, int]] = []
        report = check(progress=lambda done, total: calls.append((done, total)))
        assert report.is_sound
        total = ledger + (9 << 20)
        assert calls[0] == (0, total) and calls[-1] == (total, total), calls
        assert all(a[0] <= b[0] for a, b in zip(calls, calls[1:])), calls
        assert len(calls) >= 3  # a report at most every 4 MiB, and the ends


def test_progress_may_use_the_locker_and_its_exception_stops_fsck(tmp_path: Path) -> None:
    locker = soc2.Locker.init(tmp_path / "l", "example.com/r")
    locker.add(note("one"))
    sizes: List[int] = []

    class Stop(Exception):
        pass

    def look_then_stop(done: int, total: int) -> None:
        sizes.append(len(locker))  # the check holds the locker on another thread
        raise Stop(f"stopped at {done} of {total}")

    with pytest.raises(Stop, match="stopped at 0 of"):
        locker.fsck(progress=look_then_stop)
    assert sizes == [1]


# -- Faults ---------------------------------------------------------------------------------


def locker_with_records(tmp_path: Path, n: int = 6) -> Tuple[Path, soc2.Attachment]:
    d = tmp_path / "locker"
    locker = soc2.Locker.init(d, "example.com/faults")
    a = locker.add_attachment(b"0123456789", "text/plain", "ten.txt")
    locker.add(note("r0"))
    with_blob = note("r1")
    with_blob.attachments.append(a)
    locker.add(with_blob)
    locker.add_batch([note(f"r{i}") for i in range(2, n)])
    return d, a


def test_a_torn_last_record_is_ignored_then_cut_by_the_next_add(tmp_path: Path) -> None:
    d, _ = locker_with_records(tmp_path)
    ledger = d / "ledger.jsonl"
    original = ledger.read_bytes()
    last_start = original.rstrip(b"\n").rfind(b"\n") + 1
    for cut in [last_start + 1, len(original) - 1]:
        ledger.write_bytes(original[:cut])
        report = soc2.fsck(d)
        assert report.is_sound and report.torn_tail is not None
        assert (report.torn_tail.offset, report.torn_tail.line) == (last_start, 6)
        locker = soc2.Locker.open(d)
        assert len(locker) == 5 and locker.torn_tail == report.torn_tail
        assert locker.add(note("after the crash")).seq == 5
        reopened = soc2.Locker.open(d)
        assert len(reopened) == 6 and reopened.torn_tail is None
        assert title(reopened.record(5)) == "after the crash"
        ledger.write_bytes(original)


def test_a_changed_record_is_found_and_named(tmp_path: Path) -> None:
    d, _ = locker_with_records(tmp_path)
    ledger = d / "ledger.jsonl"
    lines = ledger.read_bytes().splitlines(keepends=True)
    for seq in range(5):  # the last record is protected by checkpoints instead
        changed = list(lines)
        changed[seq] = changed[seq].replace(f'"r{seq}"'.encode(), f'"R{seq}"'.encode())
        ledger.write_bytes(b"".join(changed))
        with pytest.raises(soc2.IntegrityError) as info:
            soc2.Locker.open(d)
        assert seq in info.value.records, str(info.value)
        report = soc2.fsck(d)
        assert not report.is_sound
        assert any(seq in p.records for p in report.problems if isinstance(p, soc2.IntegrityError))
    ledger.write_bytes(b"".join(lines))
    assert soc2.fsck(d).is_sound


def test_removed_and_reordered_records_are_named(tmp_path: Path) -> None:
    d, _ = locker_with_records(tmp_path)
    ledger = d / "ledger.jsonl"
    lines = ledger.read_bytes().splitlines(keepends=True)
    ledger.write_bytes(b"".join(lines[:2] + lines[3:]))  # record 2 removed
    with pytest.raises(soc2.IntegrityError, match="records removed") as info:
        soc2.Locker.open(d)
    assert 2 in info.value.records
    ledger.write_bytes(b"".join([lines[0], lines[2], lines[1]] + lines[3:]))
    with pytest.raises(soc2.IntegrityError) as info:
        soc2.Locker.open(d)
    assert info.value.records
    (d / "ledger.jsonl").unlink()
    with pytest.raises(soc2.IntegrityError, match="ledger is missing") as info:
        soc2.Locker.open(d)
    assert info.value.member is not None and info.value.member.endswith("ledger.jsonl")


def test_missing_and_altered_blobs_are_named(tmp_path: Path) -> None:
    d, a = locker_with_records(tmp_path)
    blob = soc2.Locker.open(d).blob_path(a.sha256)
    content = blob.read_bytes()
    blob.unlink()
    with pytest.raises(soc2.IntegrityError, match="is missing") as info:
        soc2.Locker.open(d)
    assert info.value.records == [1] and info.value.blob == a.sha256
    altered = bytes([content[0] ^ 1]) + content[1:]
    blob.write_bytes(altered)
    report = soc2.fsck(d)
    (problem,) = report.problems
    assert isinstance(problem, soc2.IntegrityError)
    assert problem.blob == a.sha256 and problem.member == str(blob)
    assert soc2._soc2.sha256_hex(altered) in str(problem)
    blob.write_bytes(content)
    stray = blob.with_name("not-a-digest")
    stray.write_bytes(b"x")
    (problem,) = soc2.fsck(d).problems
    assert isinstance(problem, soc2.IntegrityError) and problem.member == str(stray)


# -- Proofs -----------------------------------------------------------------------------


def test_inclusion_and_consistency_proofs(tmp_path: Path) -> None:
    locker = soc2.Locker.init(tmp_path, "example.com/proofs")
    locker.add_batch([note(f"r{i}") for i in range(7)])
    old = locker.checkpoint()
    locker.add_batch([note(f"r{i}") for i in range(7, 13)])
    size, root, leaves = len(locker), locker.root, locker.leaf_hashes()
    for seq in range(size):
        proof = locker.inclusion_proof(seq)
        soc2.verify_inclusion(leaves[seq], seq, size, proof, root)
        record_bytes = locker.record(seq).to_json().encode()
        assert soc2.leaf_hash(record_bytes) == leaves[seq]
        with pytest.raises(soc2.IntegrityError, match="root mismatch"):
            soc2.verify_inclusion(leaves[(seq + 1) % size], seq, size, proof, root)
    proof = locker.consistency_proof(old.size)
    soc2.verify_consistency(old.size, size, old.root, root, proof)
    with pytest.raises(soc2.IntegrityError):
        soc2.verify_consistency(old.size, size, leaves[0], root, proof)
    # Proofs for records that do not exist are refused.
    with pytest.raises(soc2.LockerError):
        locker.inclusion_proof(size)
    with pytest.raises(soc2.ValidationError):
        locker.consistency_proof(size + 1)
    with pytest.raises(soc2.ValidationError, match="leaf index"):
        soc2.verify_inclusion(leaves[0], size, size, [], root)
    with pytest.raises(soc2.ValidationError, match="SHA-256"):
        soc2.verify_inclusion("xyz", 0, size, [], root)


# -- Batches, threads and bad inputs ----------------------------------------------------


def test_add_batch_is_all_or_nothing_and_names_the_bad_evidence(tmp_path: Path) -> None:
    locker = soc2.Locker.init(tmp_path, "example.com/batch")
    batch = [note(f"n{i}") for i in range(5)]
    batch[3].controls = ["not a control id"]
    with pytest.raises(soc2.ValidationError) as info:
        locker.add_batch(batch)
    assert info.value.path == "[3].controls[0]"
    with pytest.raises(soc2.ValidationError, match="expected struct Evidence") as info:
        locker.add_batch([note("a"), "b"])  # type: ignore[list-item]
    assert info.value.path == "[1]"
    with pytest.raises(soc2.ValidationError, match="expected Evidence"):
        locker.add("evidence")  # type: ignore[arg-type]
    assert len(locker) == 0
    assert locker.add_batch([]) == []
    batch[3].controls = ["AC-3"]
    assert [a.seq for a in locker.add_batch(batch)] == [0, 1, 2, 3, 4]
    pre_1970 = note("old")
    pre_1970.observed_at = datetime(1969, 12, 31, tzinfo=UTC)
    with pytest.raises(soc2.ValidationError, match="observed_at"):
        locker.add(pre_1970)


def test_threads_adding_to_one_locker_lose_nothing(tmp_path: Path) -> None:
    locker = soc2.Locker.init(tmp_path, "example.com/threads")
    other = soc2.Locker.open(tmp_path)  # a second handle, as another process would have
    errors: List[BaseException] = []

    def writer(handle: soc2.Locker, name: str) -> None:
        try:
            for i in range(20):
                handle.add_batch([note(f"{name}-{i}-{j}") for j in range(5)])
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [
        threading.Thread(target=writer, args=(h, n))
        for h, n in [(locker, "a"), (locker, "b"), (other, "c")]
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    final = soc2.Locker.open(tmp_path)
    assert len(final) == 300
    assert sorted(title(r) for r in final.records()) == sorted(
        f"{n}-{i}-{j}" for n in "abc" for i in range(20) for j in range(5)
    )
    assert final.fsck().is_sound


# -- Against the schema and the command line -------------------------------------------


def test_records_validate_against_the_schema(tmp_path: Path) -> None:
    locker = soc2.Locker.init(tmp_path, "example.com/schema")
    locker.add_batch(soc2.sample_company(2026)[:50])
    validator = Draft202012Validator(load_schema("record"), format_checker=FormatChecker())
    for r in locker.records():
        validator.validate(r.to_dict())


def test_a_python_locker_is_read_by_the_command_line(tmp_path: Path, soc2_cli: Any) -> None:
    d = tmp_path / "locker"
    locker = soc2.Locker.init(d, "example.com/py")
    csv = tmp_path / "users.csv"
    csv.write_text("login\nbob\n")
    locker.add(note("from python"), attachments=[csv])
    locker.add_batch([note("a"), note("b")])
    fsck = soc2_cli("fsck", "--locker", d)
    assert fsck.returncode == 0, fsck.stdout + fsck.stderr
    log = soc2_cli("log", "--locker", d, "--format", "json")
    assert log.returncode == 0, log.stderr
    assert log.stdout.splitlines() == [r.to_json() for r in locker.records()]
    cp = soc2_cli("checkpoint", "--locker", d)
    assert cp.stdout == locker.checkpoint().to_text()
    cp_file = tmp_path / "cp.txt"
    cp_file.write_text(cp.stdout)

    # The command line adds to the same locker; Python sees it after a refresh.
    doc = tmp_path / "e.json"
    doc.write_text(note("from the cli").to_json(pretty=True))
    added = soc2_cli("add", "--locker", d, doc, "--attach", csv)
    assert added.returncode == 0, added.stderr
    assert locker.refresh() == 1
    last = locker.record(3)
    assert title(last) == "from the cli"
    # The same file gets the same attachment either way.
    assert last.evidence.attachments == locker.record(0).evidence.attachments
    assert added.stdout.split() == ["3", locker.leaf_hashes()[3]]
    locker.verify_checkpoint(soc2.Checkpoint.parse(cp_file.read_bytes()))
    assert soc2_cli("fsck", "--locker", d, "--checkpoint", cp_file).returncode == 0


def test_a_cli_locker_is_read_from_python(tmp_path: Path, soc2_cli: Any) -> None:
    d = tmp_path / "locker"
    assert soc2_cli("init", d, "--origin", "example.com/cli").returncode == 0
    doc = tmp_path / "e.json"
    doc.write_text(note("cli").to_json())
    assert soc2_cli("add", "--locker", d, doc).returncode == 0
    locker = soc2.Locker.open(d)
    assert locker.origin == "example.com/cli" and title(locker.record(0)) == "cli"
    # Damage made behind the command line's back is named the same way by both.
    ledger = d / "ledger.jsonl"
    text = ledger.read_text()
    locker.add(note("second"))
    ledger.write_text(ledger.read_text().replace('"cli"', '"CLI"', 1))
    with pytest.raises(soc2.IntegrityError) as info:
        soc2.Locker.open(d)
    assert info.value.records == [0, 1]
    out = soc2_cli("fsck", "--locker", d)
    assert out.returncode == 1 and "record 0" in out.stdout + out.stderr
    assert text  # the original line was there


def test_os_pathlike_everywhere(tmp_path: Path) -> None:
    class P(os.PathLike):  # type: ignore[type-arg]
        def __init__(self, p: Path) -> None:
            self.p = p

        def __fspath__(self) -> str:
            return str(self.p)

    locker = soc2.Locker.init(P(tmp_path / "l"), "example.com/pl")
    assert soc2.Locker.open(P(tmp_path / "l")).origin == "example.com/pl"
    assert soc2.fsck(P(tmp_path / "l")).is_sound
    f = tmp_path / "x.txt"
    f.write_text("x")
    assert locker.add_attachment_file(P(f)).media_type == "text/plain"
    assert json.loads(locker.record(locker.add(note("p"), [P(f)]).seq).to_json())["seq"] == 0


def test_datetimes_that_bypassed_conversion_are_still_checked(tmp_path: Path) -> None:
    """Values set behind the model's back (in __dict__) meet soc2-core's rules anyway."""
    from datetime import timedelta

    locker = soc2.Locker.init(tmp_path, "example.com/bypass")
    e = note("x")
    e.__dict__["observed_at"] = datetime(2026, 3, 28, 14, 5)
    with pytest.raises(soc2.ValidationError, match="naive") as info:
        locker.add_batch([note("ok"), e])
    assert info.value.path == "[1].observed_at"
    e.__dict__["observed_at"] = datetime(2026, 3, 28, 14, 5, 0, 5, tzinfo=UTC)
    with pytest.raises(soc2.ValidationError, match="fraction of a second"):
        locker.add(e)
    e.__dict__["observed_at"] = datetime(2026, 3, 28, 16, 5, tzinfo=timezone(timedelta(hours=2)))
    assert locker.record(locker.add(e).seq).evidence.observed_at == datetime(2026, 3, 28, 14, 5, tzinfo=UTC)
    assert len(locker) == 1


def test_evidence_dated_in_the_future_is_refused_naming_the_field(tmp_path: Path) -> None:
    locker = soc2.Locker.init(tmp_path, "example.com/soc2/test")
    now = datetime.now(UTC).replace(microsecond=0)
    tomorrow = note_at("tomorrow", (now + timedelta(days=1)).isoformat())
    with pytest.raises(soc2.ValidationError) as info:
        locker.add(tomorrow)
    assert info.value.code == "ledger.future_dated" and info.value.path == "observed_at"
    # An event date inside the payload: a training completed tomorrow, observed now.
    training = soc2.Evidence(
        observed_at=now,
        collected_at=now,
        collector=soc2.ToolCollector(name="soc2-tests", version="0.1.0"),
        source="knowbe4",
        payload=soc2.TrainingCompletion(
            person="bob@example.com",
            course="Security awareness",
            status="completed",
            completed_at=now + timedelta(days=1),
        ),
    )
    with pytest.raises(soc2.ValidationError) as info:
        locker.add_batch([note("past"), training])
    assert info.value.path == "payload.training_completion.completed_at"
    assert "evidence 1 of the batch" in str(info.value)
    assert len(locker) == 0, "nothing of a refused batch is recorded"
    # Four minutes ahead is within the clock skew allowed.
    assert locker.add(note_at("soon", (now + timedelta(minutes=4)).isoformat())).seq == 0
