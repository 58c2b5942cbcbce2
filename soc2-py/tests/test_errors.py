"""The exception hierarchy: one root, the built-in classes Python users expect, and the
fields that say where an error is."""

from __future__ import annotations

import pytest

import soc2
from soc2 import errors


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
