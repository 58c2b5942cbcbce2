# Python test of the soc2 bindings (uniffi, stdlib ctypes). Run by
# soc2-ffi/tests/foreign_languages.rs, which generates soc2_ffi.py next to the library.
import hashlib
import json

import soc2_ffi as soc2
from soc2_ffi import Soc2Error

EVIDENCE_JSON = """{
  "controls": ["AC-01"],
  "observed_at": "2026-03-28T14:05:00Z",
  "collected_at": "2026-04-02T09:00:00Z",
  "collector": {"person": {"id": "cto@example.com"}},
  "source": "okta",
  "attachments": [],
  "payload": {"access_review": {"system": "okta", "reviewer": "cto@example.com", "accounts": [
    {"account": "bob@example.com", "decision": "revoke", "actioned_at": "2026-03-29T10:00:00Z"}
  ]}}
}"""


def expect_error(variant, call):
    try:
        call()
    except variant as e:
        return e
    raise AssertionError(f"expected {variant.__name__}")


def test_documents():
    evidence = soc2.evidence_from_json(EVIDENCE_JSON)
    assert evidence.controls == ["AC-01"]
    assert evidence.observed_at == "2026-03-28T14:05:00Z"
    assert evidence.collector == soc2.Collector.PERSON(id="cto@example.com")
    review = evidence.payload[0]
    assert review.accounts[0].decision == soc2.ReviewDecision.REVOKE
    assert review.accounts[0].actioned_at == "2026-03-29T10:00:00Z"
    assert review.accounts[0].person is None

    canonical = soc2.evidence_to_canonical_json(evidence)
    assert canonical.startswith('{"attachments":[],"collected_at":"2026-04-02T09:00:00Z"'), canonical
    assert soc2.evidence_from_json(canonical) == evidence
    assert soc2.sha256(canonical.encode()) == hashlib.sha256(canonical.encode()).hexdigest()


def test_records_built_here():
    content = b"account,decision\nbob@example.com,revoke\n"
    evidence = soc2.Evidence(
        controls=["AC-01"],
        observed_at="2026-03-28T14:05:00Z",
        collected_at="2026-04-02T09:00:00Z",
        collector=soc2.Collector.TOOL(name="okta-export", version="1.0.0"),
        source="okta",
        attachments=[soc2.Attachment(sha256=soc2.sha256(content), size=len(content),
                                     media_type="text/csv", file_name="review.csv")],
        payload=soc2.Payload.NOTE(soc2.Note(title="Q1 review export")),
    )
    text = soc2.evidence_to_pretty_json(evidence)
    assert text.endswith("\n") and '"note"' in text
    assert soc2.evidence_from_json(text) == evidence


def test_errors():
    dup = expect_error(Soc2Error.Json, lambda: soc2.evidence_from_json('{\n "source": "a",\n "source": "b"\n}'))
    assert (dup.path, dup.line) == ("source", 3), dup
    assert "duplicate key" in dup.reason
    assert dup.detail == "3:9: field `source`: duplicate key", dup.detail

    unknown = expect_error(Soc2Error.Json, lambda: soc2.evidence_from_json(
        EVIDENCE_JSON.replace('"source": "okta"', '"source": "okta", "approved": true')))
    assert unknown.path == "approved" and "unknown field" in unknown.reason, unknown

    bad_time = soc2.Evidence(
        observed_at="2026-03-28 14:05", collected_at="2026-04-02T09:00:00Z",
        collector=soc2.Collector.PERSON(id="cto@example.com"), source="okta",
        payload=soc2.Payload.NOTE(soc2.Note(title="t")))
    invalid = expect_error(Soc2Error.Invalid, lambda: soc2.evidence_to_canonical_json(bad_time))
    assert invalid.field == "timestamp" and "2026-03-28 14:05" in invalid.reason, invalid


def test_criteria():
    all_criteria = soc2.criteria()
    assert len(all_criteria) == 61
    assert all_criteria[0].id == "CC1.1" and all_criteria[0].category == soc2.Category.SECURITY
    assert soc2.parse_criterion("cc_6_1").id == "CC6.1"
    assert soc2.parse_criterion("a1.2").category == soc2.Category.AVAILABILITY
    expect_error(Soc2Error.Invalid, lambda: soc2.parse_criterion("CC99.1"))


def test_evaluation():
    catalog = soc2.builtin_catalog()
    assert any(c.control.id == "AC-01" for c in catalog.controls)
    evidence = soc2.sample_company_evidence(2026)
    items = [soc2.EvidenceItem(seq=i, evidence=e) for i, e in enumerate(evidence)]
    report = soc2.evaluate(catalog, items, "2026-01-01..2026-12-31", "2026-12-31")
    assert report.period == "2026-01-01..2026-12-31" and report.as_of == "2026-12-31"
    gaps = sorted(e.finding.control for e in report.exceptions)
    assert gaps == ["AC-01", "CHG-01", "DEV-01", "TRN-01", "VEN-01"], gaps
    assert report.exceptions[0].rank == 1
    assert report.opinion.risk == soc2.OpinionRisk.AT_RISK
    assert "AC-01" in soc2.render_report(report, soc2.ReportFormat.MARKDOWN)
    assert json.loads(soc2.render_report(report, soc2.ReportFormat.JSON))["as_of"] == "2026-12-31"

    company = soc2.extend_catalog_with_toml(catalog, 'disable = ["AC-01"]\n', "company.toml")
    assert not any(c.control.id == "AC-01" for c in company.controls)
    unknown = expect_error(Soc2Error.Catalog, lambda: soc2.extend_catalog_with_toml(
        catalog, 'disable = ["NOPE-01"]\n', "company.toml"))
    assert unknown.source_name == "company.toml" and unknown.control == "NOPE-01", unknown
    reversed_period = expect_error(Soc2Error.Invalid, lambda: soc2.evaluate(
        catalog, items, "2026-12-31..2026-01-01", "2026-12-31"))
    assert reversed_period.field == "audit period", reversed_period


test_documents()
test_records_built_here()
test_errors()
test_criteria()
test_evaluation()
print("python: soc2 bindings ok")
