"""The committed JSON Schemas accept every example document and reject invalid ones.

Runs against `schemas/` and `docs/examples/` with jsonschema's draft 2020-12 validator
and a FormatChecker that really checks `date-time` and `date`.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest
from jsonschema import Draft202012Validator, FormatChecker

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "schemas"
EXAMPLES = ROOT / "docs" / "examples"

# Example folder -> schema file.
FOLDERS = {
    "evidence": "evidence",
    "control": "control",
    "audit-finding": "audit-finding",
    "audit-period": "audit-period",
}

FORMAT_CHECKER = FormatChecker()


def validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FORMAT_CHECKER)


def examples() -> list[tuple[str, Path]]:
    out = []
    for folder, schema in FOLDERS.items():
        for path in sorted((EXAMPLES / folder).glob("*.json")):
            out.append((schema, path))
    return out


def test_format_checker_really_checks_dates() -> None:
    # Without rfc3339-validator installed, jsonschema silently skips "date-time".
    assert not FORMAT_CHECKER.conforms("2026-03-28T14:05:00", "date-time")
    assert FORMAT_CHECKER.conforms("2026-03-28T14:05:00Z", "date-time")
    assert not FORMAT_CHECKER.conforms("2026-02-30", "date")


def test_every_model_has_a_schema() -> None:
    names = {p.name.removesuffix(".schema.json") for p in SCHEMAS.glob("*.schema.json")}
    assert set(FOLDERS.values()) <= names


@pytest.mark.parametrize(("schema", "path"), examples(), ids=lambda v: getattr(v, "name", v))
def test_example_validates(schema: str, path: Path) -> None:
    validator(schema).validate(json.loads(path.read_text()))


def change_record() -> dict:
    return json.loads((EXAMPLES / "evidence" / "change_record.json").read_text())


def mutate(path: list, value: object) -> dict:
    doc = copy.deepcopy(change_record())
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return doc


INVALID = {
    "float": (["payload", "change_record", "number"], 1347.5),
    "naive_timestamp": (["observed_at"], "2026-03-28T14:05:00"),
    "offset_timestamp": (["observed_at"], "2026-03-28T14:05:00+02:00"),
    "fractional_seconds": (["observed_at"], "2026-03-28T14:05:00.5Z"),
    "impossible_timestamp": (["observed_at"], "2026-02-30T14:05:00Z"),
    "leap_second": (["observed_at"], "2026-03-28T14:05:60Z"),
    "unknown_field": (["payload", "change_record", "approved"], True),
    "unknown_envelope_field": (["uploaded_by"], "x"),
    "integer_above_2_53": (["payload", "change_record", "number"], 2**53),
    "negative_integer": (["payload", "change_record", "number"], -1),
    "bad_enum": (["payload", "change_record", "reviews", 0, "state"], "APPROVED"),
    "bad_digest": (["attachments"], [{"sha256": "ABC", "size": 1, "media_type": "a/b", "file_name": "x"}]),
    "unknown_kind": (["payload"], {"pull_request": {}}),
    "bad_date": (["payload"], {"tabletop_exercise": {"scenario": "x", "performed_on": "2026-13-01"}}),
}


@pytest.mark.parametrize("case", sorted(INVALID))
def test_invalid_document_is_rejected(case: str) -> None:
    path, value = INVALID[case]
    doc = mutate(path, value)
    with pytest.raises(jsonschema.ValidationError):
        validator("evidence").validate(doc)


def test_invalid_example_files_are_rejected_where_json_schema_can_tell() -> None:
    # Beyond JSON Schema: duplicate keys and NFC (a parsed document has neither), and a
    # float with a zero fraction (JSON Schema deems 1347.0 an integer). soc2's own parser
    # rejects those (Rust tests). Everything else must fail here too.
    expected = json.loads((EXAMPLES / "invalid" / "expected_fields.json").read_text())
    beyond_json_schema = {"duplicate_key", "non_nfc_string", "float_zero_fraction"}
    v = validator("evidence")
    for name in sorted(expected):
        if name in beyond_json_schema:
            continue
        doc = json.loads((EXAMPLES / "invalid" / f"{name}.json").read_text())
        assert not v.is_valid(doc), f"{name} passed the schema"


def test_period_schema_cannot_express_order_but_accepts_shape() -> None:
    v = validator("audit-period")
    assert v.is_valid({"type2": {"start": "2026-01-01", "end": "2026-12-31"}})
    assert not v.is_valid({"type2": {"start": "2026-01-01"}})
    assert not v.is_valid({"type3": {"date": "2026-01-01"}})
