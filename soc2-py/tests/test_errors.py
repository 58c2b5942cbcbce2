"""The exception hierarchy: one root, the built-in classes Python users expect, and the
fields that say where an error is."""

from __future__ import annotations

import errno
import pickle
from pathlib import Path
from typing import List, Tuple

import pytest

import soc2
from soc2 import _soc2, errors

from conftest import ROOT


def test_every_error_is_a_soc2_error() -> None:
    for cls in (
        soc2.ValidationError,
        soc2.Soc2IOError,
        soc2.IntegrityError,
        soc2.SignatureError,
        soc2.LockerError,
    ):
        assert issubclass(cls, soc2.Soc2Error)
        assert cls.__doc__
    assert issubclass(soc2.ValidationError, ValueError)
    assert issubclass(soc2.Soc2IOError, OSError)
    assert set(errors.__all__) <= set(soc2.__all__)


def test_validation_errors_from_soc2_core_carry_their_position() -> None:
    with pytest.raises(soc2.ValidationError) as info:
        soc2.Note.from_json('{\n  "title": "a",\n  "title": "b"\n}')
    err = info.value
    assert (err.path, err.line, err.reason) == ("title", 3, "duplicate key")
    assert err.source is None
    assert str(err).startswith("3:")


def test_io_error_fields() -> None:
    err = soc2.Soc2IOError("/x: No such file or directory", errno=2, filename="/x")
    assert err.errno == 2 and err.filename == "/x" and str(err) == "/x: No such file or directory"


def test_integrity_error_names_what_failed() -> None:
    err = soc2.IntegrityError("record 3 changed", member="ledger.jsonl", records=[3])
    assert err.member == "ledger.jsonl" and err.records == [3] and err.blob is None


def _documented_codes() -> List[Tuple[str, str]]:
    """(code, Python exception) for each row of the table in docs/errors.md."""
    rows = []
    for line in (ROOT / "docs" / "errors.md").read_text().splitlines():
        if line.startswith("| `"):
            cells = [c.strip().strip("`") for c in line.split("|")]
            rows.append((cells[1], cells[3]))
    return rows


def test_every_code_raises_the_documented_exception() -> None:
    """The Python class of every soc2-core error code is the one docs/errors.md lists,
    the same table the uniffi bindings and the CLI are tested against."""
    documented = _documented_codes()
    assert [code for code, _ in documented] == _soc2.error_codes()
    for code, name in documented:
        assert _soc2.exception_for_code(code) == name, code
        cls = getattr(errors, name)
        assert issubclass(cls, soc2.Soc2Error) and cls.__doc__, name
    assert _soc2.exception_for_code("no.such_code") is None


def test_errors_from_soc2_core_carry_their_code(tmp_path: Path) -> None:
    with pytest.raises(soc2.ValidationError) as bad:
        soc2.Note.from_json('{"title": 1.5}')
    assert bad.value.code == "json.invalid"
    with pytest.raises(soc2.LockerError) as missing:
        soc2.Locker.open(tmp_path)
    assert missing.value.code == "ledger.not_a_locker"
    (tmp_path / "notakey").write_text("hello")
    with pytest.raises(soc2.SigningKeyError) as key:
        soc2.load_signer(tmp_path / "notakey")
    assert key.value.code == "bundle.key_file" and key.value.filename == str(tmp_path / "notakey")
    assert isinstance(key.value, soc2.SignatureError)
    assert soc2.ValidationError("x").code is None


@pytest.mark.parametrize(
    "err",
    [
        soc2.Soc2IOError("/x: No such file or directory", errno=2, filename="/x", code="io"),
        soc2.ValidationError("bad", path="a.b", reason="r", line=3, column=4, source="s", code="json.invalid"),
        soc2.IntegrityError("changed", member="records.jsonl", records=[3], blob="ab", code="bundle.wrong_hash"),
        soc2.SignatureError("untrusted", member="SHA256SUMS.sig", fingerprint="SHA256:x"),
        soc2.SigningKeyError("bad key", filename="/k", line=2, code="bundle.key_file"),
        soc2.LockerError("no record", records=[9], code="ledger.no_such_record"),
    ],
)
def test_errors_survive_pickling(err: soc2.Soc2Error) -> None:
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is type(err) and str(again) == str(err)
    assert vars(again) == vars(err)
    if isinstance(err, soc2.Soc2IOError):
        assert isinstance(again, soc2.Soc2IOError)
        assert (again.errno, again.filename, again.strerror) == (2, "/x", str(err))


def test_io_error_filename_is_a_path(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "evidence.csv"
    locker = soc2.Locker.init(tmp_path / "l", "example.com/soc2/t")
    with pytest.raises(soc2.Soc2IOError) as info:
        locker.add_attachment_file(missing, media_type="text/csv")
    assert info.value.errno == errno.ENOENT and info.value.filename == str(missing)
    assert info.value.code == "input.io"  # attachments are opened as regular input files first


def test_exporting_into_a_missing_directory(tmp_path: Path) -> None:
    """A real errno and the directory's name, not the temporary file's."""
    locker = soc2.Locker.init(tmp_path / "l", "example.com/soc2/t")
    locker.add_batch(soc2.sample_company(2025)[-3:])
    signer = soc2.Signer.generate("auditor-contact@example.com")
    target = tmp_path / "missing" / "b.zip"
    with pytest.raises(soc2.Soc2IOError) as info:
        soc2.export_bundle(
            locker, target, signer=signer, period=soc2.AuditPeriod.parse("2025-01-01..2025-12-31")
        )
    err = info.value
    assert err.errno == errno.ENOENT, err
    assert err.filename in (str(target), str(target.parent)), err
    assert ".partial" not in str(err) and ".bundle-" not in str(err), str(err)


def test_a_file_that_is_not_a_zip_is_named(tmp_path: Path) -> None:
    signer = soc2.Signer.generate("auditor-contact@example.com")
    trusted = tmp_path / "trusted"
    trusted.write_text(signer.allowed_signers_line())
    junk = tmp_path / "notes.txt"
    junk.write_text("not a bundle\n")
    with pytest.raises(soc2.IntegrityError) as info:
        soc2.verify_bundle(junk, trusted)
    assert str(junk) in str(info.value) and info.value.member == str(junk)
    assert info.value.code == "archive.not_zip"
