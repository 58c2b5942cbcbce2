"""The package feels like Python (issue 15): a locker is a sequence with negative indices
and slices, a context manager, and opens with create=True; report.has_exceptions is a
property; text, bytes and paths are accepted where they are meant, and separate keywords
say which where both are plausible; signers load from a file, bytes or the environment;
an export refuses to overwrite a bundle unless asked."""

from __future__ import annotations

import errno
import hashlib
import os
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

import soc2

PERIOD = soc2.AuditPeriod.parse("2026-01-01..2026-12-31")
T = datetime(2026, 3, 28, 14, 5, tzinfo=timezone.utc)


def note(title: str) -> soc2.Evidence:
    return soc2.Evidence(
        controls=["AC-1"],
        observed_at=T,
        collected_at=T,
        collector=soc2.ToolCollector(name="soc2-tests", version="0.1.0"),
        source="tests",
        payload=soc2.Note(title=title),
    )


def title(r: soc2.Record) -> str:
    assert isinstance(r.evidence.payload, soc2.Note)
    return r.evidence.payload.title


@pytest.fixture()
def locker(tmp_path: Path) -> soc2.Locker:
    locker = soc2.Locker.init(tmp_path / "locker", "example.com/pythonic")
    locker.add_batch([note(f"n{i}") for i in range(5)])
    return locker


# -- Locker as a sequence ----------------------------------------------------------------


def test_a_locker_is_indexed_like_a_list(locker: soc2.Locker) -> None:
    titles = ["n0", "n1", "n2", "n3", "n4"]
    assert [title(r) for r in locker] == titles
    assert title(locker[0]) == "n0" and title(locker[-1]) == "n4" and title(locker[-5]) == "n0"
    assert [title(r) for r in locker[1:3]] == ["n1", "n2"]
    assert [title(r) for r in locker[::-2]] == ["n4", "n2", "n0"]
    assert [title(r) for r in locker[-2:]] == ["n3", "n4"]
    assert locker[3:1] == [] and locker[10:] == []
    for bad in (5, -6):
        with pytest.raises(IndexError, match="out of range"):
            locker[bad]
    with pytest.raises(TypeError, match="integers or slices"):
        locker["1"]  # type: ignore[call-overload]


def test_record_with_a_negative_number_is_an_index_error(locker: soc2.Locker) -> None:
    with pytest.raises(IndexError, match="sequence numbers start at 0"):
        locker.record(-1)
    with pytest.raises(soc2.LockerError, match="record 5 does not exist"):
        locker.record(5)


def test_records_take_a_range(locker: soc2.Locker) -> None:
    assert [r.seq for r in locker.records(2)] == [2, 3, 4]
    assert [r.seq for r in locker.records(1, 3)] == [1, 2]
    assert list(locker.records(4, 2)) == []


def test_a_locker_is_a_context_manager(tmp_path: Path) -> None:
    with soc2.Locker.init(tmp_path / "l", "example.com/with") as locker:
        locker.add(note("inside"))
        assert not locker.closed
    assert locker.closed
    with pytest.raises(ValueError, match="closed Locker"):
        len(locker)
    with pytest.raises(ValueError, match="closed Locker"):
        locker.add(note("after"))
    locker.close()  # harmless twice
    with soc2.Locker.open(tmp_path / "l") as again:
        assert [title(r) for r in again] == ["inside"]


def test_open_with_create_makes_a_missing_locker_and_opens_an_existing_one(
    tmp_path: Path,
) -> None:
    path = tmp_path / "new"
    with soc2.Locker.open(path, create=True, origin="example.com/created") as locker:
        assert len(locker) == 0 and locker.origin == "example.com/created"
        locker.add(note("first"))
    with soc2.Locker.open(path, create=True, origin="example.com/other") as locker:
        assert locker.origin == "example.com/created" and len(locker) == 1
    empty = tmp_path / "empty"
    empty.mkdir()
    assert len(soc2.Locker.open(empty, create=True, origin="example.com/e")) == 0
    with pytest.raises(soc2.ValidationError, match="needs the origin"):
        soc2.Locker.open(tmp_path / "x", create=True)
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("not a locker")
    with pytest.raises(soc2.LockerError):
        soc2.Locker.open(busy, create=True, origin="example.com/b")
    with pytest.raises(soc2.LockerError):
        soc2.Locker.open(tmp_path / "missing")


# -- Report ------------------------------------------------------------------------------


def test_has_exceptions_is_a_property() -> None:
    evidence = soc2.sample_company(2026)
    report = soc2.evaluate(soc2.Catalog.builtin(), enumerate(evidence), PERIOD, date(2026, 12, 31))
    assert isinstance(type(report).has_exceptions, property)
    assert report.has_exceptions is True


# -- Text, bytes and paths ---------------------------------------------------------------


def test_checkpoints_and_leaf_hashes_take_str_or_bytes(locker: soc2.Locker) -> None:
    cp = locker.checkpoint()
    assert soc2.Checkpoint.parse(cp.to_text()) == cp == soc2.Checkpoint.parse(cp.to_text().encode())
    line = locker[0].to_json()
    assert soc2.leaf_hash(line) == soc2.leaf_hash(line.encode()) == locker.leaf_hashes()[0]


def test_verify_bundle_says_whether_trust_is_text_or_a_file(
    locker: soc2.Locker, tmp_path: Path
) -> None:
    signer = soc2.Signer.generate("auditee@example.com")
    out = tmp_path / "b.zip"
    soc2.export_bundle(locker, out, period=PERIOD, signer=signer)
    line = signer.allowed_signers_line()
    file = tmp_path / "allowed_signers"
    file.write_text(line)
    roots = {
        soc2.verify_bundle(out, allowed_signers=line).root,
        soc2.verify_bundle(out, allowed_signers=line.encode()).root,
        soc2.verify_bundle(str(out), allowed_signers_file=str(file)).root,
        soc2.verify_bundle(out, allowed_signers_file=file).root,
        soc2.verify_bundle(out, file).root,
        soc2.verify_bundle(out, soc2.TrustedSigners.parse(line)).root,
    }
    assert roots == {locker.root}
    with pytest.raises(soc2.ValidationError, match="could be allowed_signers text or a file name"):
        soc2.verify_bundle(out, line)  # type: ignore[arg-type]
    with pytest.raises(soc2.ValidationError, match="give the trusted signers once"):
        soc2.verify_bundle(out, allowed_signers=line, allowed_signers_file=file)
    with pytest.raises(soc2.ValidationError, match="give the trusted signers once"):
        soc2.verify_bundle(out)


def test_a_signer_loads_from_a_path_bytes_text_or_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = soc2.keygen(tmp_path / "key", comment="ci@example.com", passphrase="s3cret")
    text = (tmp_path / "key").read_text()
    loaded = [
        soc2.Signer.load(tmp_path / "key", b"s3cret"),
        soc2.load_signer(tmp_path / "key", "s3cret"),
        soc2.Signer.from_openssh(text, b"s3cret"),
        soc2.Signer.from_openssh(text.encode(), b"s3cret"),
        soc2.load_signer(key=text, passphrase="s3cret"),
    ]
    monkeypatch.setenv("SOC2_SIGNING_KEY", text)
    loaded.append(soc2.Signer.from_env(passphrase=b"s3cret"))
    loaded.append(soc2.load_signer(env="SOC2_SIGNING_KEY", passphrase="s3cret"))
    assert {s.fingerprint for s in loaded} == {made.fingerprint}
    assert {s.principal for s in loaded} == {"ci@example.com"}
    with pytest.raises(soc2.SignatureError, match=r"\$SOC2_SIGNING_KEY"):
        soc2.Signer.from_env()  # encrypted, and no passphrase
    monkeypatch.delenv("SOC2_SIGNING_KEY")
    with pytest.raises(soc2.ValidationError, match="SOC2_SIGNING_KEY is not set"):
        soc2.Signer.from_env()
    with pytest.raises(soc2.ValidationError, match="exactly one of path, key= or env="):
        soc2.load_signer(tmp_path / "key", key=text)
    with pytest.raises(soc2.SignatureError):
        soc2.Signer.from_openssh("not a key")


def test_export_refuses_to_overwrite_unless_asked(locker: soc2.Locker, tmp_path: Path) -> None:
    signer = soc2.Signer.generate("auditee@example.com")
    out = tmp_path / "b.zip"
    out.write_bytes(b"an earlier bundle")
    with pytest.raises(soc2.Soc2IOError, match="already exists") as info:
        soc2.export_bundle(locker, out, period=PERIOD, signer=signer)
    assert info.value.errno == errno.EEXIST and info.value.filename == str(out)
    assert out.read_bytes() == b"an earlier bundle"
    soc2.export_bundle(locker, out, period=PERIOD, signer=signer, overwrite=True)
    assert soc2.verify_bundle(out, allowed_signers=signer.allowed_signers_line())
    assert sorted(os.listdir(tmp_path)) == ["b.zip", "locker"]


def test_a_verified_bundle_gives_its_records_lines_and_proofs(
    locker: soc2.Locker, tmp_path: Path
) -> None:
    signer = soc2.Signer.generate("auditee@example.com")
    out = tmp_path / "b.zip"
    f = tmp_path / "scan.txt"
    f.write_text("scan")
    locker.add(note("with a file"), attachments=[f])
    soc2.export_bundle(locker, out, period=PERIOD, signer=signer, report_files={"n.txt": "hi"})
    verified = soc2.verify_bundle(out, allowed_signers=signer.allowed_signers_line())
    records = list(verified)
    assert len(verified) == len(records) == 6
    assert [r.seq for r in records] == [0, 1, 2, 3, 4, 5]
    for r in records:
        assert r.line == locker[r.seq].to_json().encode() == verified.record_line(r.seq)
        assert r.leaf_hash == soc2.leaf_hash(r.line) and r.record == locker[r.seq]
        assert isinstance(r.record.evidence.payload, soc2.Note)
        # Checkable from the verified bundle alone.
        verified.inclusion_proof(r.seq).verify(r.line, verified.checkpoint)
    assert verified.record(5) == locker[5]
    assert verified.blobs == [soc2.BundleBlob(hashlib.sha256(b"scan").hexdigest(), 4)]
    assert [(f.name, f.size) for f in verified.report] == [("report/n.txt", 2)]
    with pytest.raises(KeyError, match="not disclosed"):
        verified.record_line(99)
