"""Catalog, evaluation and report from Python: soc2-core's data-driven evaluation scenarios
run through the Python API, the same reports as the command line, every rendering, and the
catalog's files and overrides, bad ones included."""

from __future__ import annotations

import json
import sys
import threading
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest
from conftest import ROOT, load_schema
from jsonschema import Draft202012Validator, FormatChecker  # type: ignore[import-untyped]

import soc2

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    tomllib = pytest.importorskip("tomli")

SCENARIOS = ROOT / "soc2-core" / "tests" / "scenarios"
YEAR = soc2.AuditPeriod.parse("2026-01-01..2026-12-31")


def scenario_dirs() -> List[Path]:
    dirs = sorted(p for p in SCENARIOS.iterdir() if p.is_dir())
    assert len(dirs) >= 17
    return dirs


def load_scenario(d: Path) -> Tuple[soc2.Catalog, List[Tuple[Any, ...]], soc2.AuditPeriod, date]:
    """The scenario's catalog, its evidence as ``(seq, Evidence)`` pairs, or triples with
    the time the scenario says the record was recorded (``[recorded_at]``), or 4-tuples
    adding the time a timestamp proves it existed by (``[proven_by]``), its period and its
    as-of date."""
    scenario = tomllib.loads((d / "scenario.toml").read_text())
    catalog = soc2.Catalog.builtin()
    if "catalog" in scenario:
        catalog = catalog.extend(scenario["catalog"], source_name=f"{d.name} [catalog]")
    if scenario.get("controls"):
        for id in scenario["controls"]:
            assert catalog.get(id) is not None, id
        catalog = catalog.retain(lambda c: c.control.id in scenario["controls"])
    raw = json.loads((d / "evidence.json").read_text())
    recorded = {int(k): v for k, v in scenario.get("recorded_at", {}).items()}
    proven = {int(k): v for k, v in scenario.get("proven_by", {}).items()}

    def when(text: str) -> datetime:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))

    items: List[Tuple[Any, ...]] = []
    for seq, e in enumerate(raw):
        ev = soc2.Evidence.from_dict(e)
        if seq in proven:
            at = when(recorded[seq]) if seq in recorded else None
            items.append((seq, ev, at, when(proven[seq])))
        elif seq in recorded:
            items.append((seq, ev, when(recorded[seq])))
        else:
            items.append((seq, ev))
    return (
        catalog,
        items,
        soc2.AuditPeriod.parse(scenario["period"]),
        date.fromisoformat(scenario["as_of"]),
    )


@pytest.mark.parametrize("d", scenario_dirs(), ids=lambda d: d.name)
def test_scenarios_give_their_expected_exceptions(d: Path) -> None:
    """soc2-core/tests/scenarios.rs, through the Python API."""
    catalog, items, period, as_of = load_scenario(d)
    expected: Dict[str, Any] = json.loads((d / "expected.json").read_text())
    report = soc2.evaluate(catalog, items, period, as_of)

    got = sorted(report.exceptions, key=lambda e: e.finding.control)
    want = sorted(expected["exceptions"], key=lambda e: e["control"])
    assert [e.finding.control for e in got] == [w["control"] for w in want]
    for g, w in zip(got, want):
        f = g.finding
        assert (f.population, f.deviations) == (w["population"], w["deviations"]), w["control"]
        assert [(a.kind, a.id) for a in f.affected] == [(a["kind"], a["id"]) for a in w["affected"]]
        for a, e in zip(f.affected, w["affected"]):
            if "records" in e:
                assert a.records == e["records"], (w["control"], a.id)
        if "status" in w:
            assert f.status == w["status"], w["control"]
        if "remediation_due" in w:
            assert f.remediation_due == date.fromisoformat(w["remediation_due"]), w["control"]
        if "responses" in w:
            got_responses = [{"item": r.item, "status": r.status, "record": r.record} for r in f.responses]
            want_responses = [{"item": r.get("item"), "status": r["status"], "record": r["record"]} for r in w["responses"]]
            assert got_responses == want_responses, w["control"]
    for control, status in expected.get("statuses", {}).items():
        assert next(c for c in report.controls if c.control == control).status == status
    for control, due in expected.get("next_due", {}).items():
        c = next(c for c in report.controls if c.control == control)
        assert c.next_due == date.fromisoformat(due)
    if "relied_on" in expected:
        assert report.relied_on == expected["relied_on"]
    if "late_records" in expected:
        assert [r.seq for r in report.late_records] == expected["late_records"]
    if "recording_time" in expected:
        t = report.recording_time
        assert {"records": t.records, "proven": t.proven} == expected["recording_time"]
    for control, want in expected.get("proven_by", {}).items():
        c = next(c for c in report.controls if c.control == control)
        if c.proven_by is not None:
            got_time = c.proven_by.isoformat().replace("+00:00", "Z")
        else:
            got_time = "no evidence" if not c.records else "company clock"
        assert got_time == want, control
    if "warnings" in expected:
        assert len(report.warnings) == len(expected["warnings"]), report.warnings
        for got_warning, want_warning in zip(report.warnings, expected["warnings"]):
            assert want_warning in got_warning

    # The same inputs give the same report, whatever the order of the evidence.
    again = soc2.evaluate(catalog, reversed(items), period, as_of)
    assert again.to_json() == report.to_json()


def test_the_sample_company_has_its_five_gaps() -> None:
    evidence = soc2.sample_company(2026)
    assert evidence == soc2.sample_company(2026)
    catalog = soc2.sample_company_catalog()
    report = soc2.evaluate(catalog, enumerate(evidence), YEAR, date(2026, 12, 31))
    assert sorted(e.finding.control for e in report.exceptions) == [
        "AC-01",
        "CHG-01",
        "DEV-01",
        "TRN-01",
        "VEN-01",
    ]
    assert [e.rank for e in report.exceptions] == [1, 2, 3, 4, 5]
    assert report.has_exceptions
    assert report.summary.exception == 5 and report.opinion.risk == "at_risk"
    # Five isolated gaps: at risk by the count rule, none pervasive.
    assert (report.opinion.pervasive, report.opinion.minor) == (0, 5)
    assert {b.nature for b in report.opinion.basis} == {"isolated"}
    assert all(b.deviations == 1 for b in report.opinion.basis)
    # The sample company's catalog declares its scope: disclosed, with the hash.
    disclosure = report.catalog
    assert len(disclosure.sha256) == 64 and disclosure.sha256 != disclosure.builtin_sha256
    assert [d.setting for d in disclosure.differences] == [
        "systems",
        "repositories",
        "critical_vendors",
        "training_courses",
        "system_owners",
    ]
    assert all(d.kind == "scope_changed" for d in disclosure.differences)
    assert report.columns == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    ac01 = next(e for e in report.exceptions if e.finding.control == "AC-01").finding
    assert any("okta" in a.id and "Q3" in a.id for a in ac01.affected)


def write_jsonl(path: Path, evidence: List[soc2.Evidence]) -> None:
    path.write_text("".join(e.to_json() + "\n" for e in evidence))


def test_reports_match_the_command_line(soc2_cli: Any, tmp_path: Path) -> None:
    evidence = soc2.sample_company(2026)
    jsonl = tmp_path / "evidence.jsonl"
    write_jsonl(jsonl, evidence)
    company = tmp_path / "company.toml"
    company.write_text('[thresholds]\nmax_screen_lock_minutes = 5\n[scope]\nsystems = ["okta"]\n')
    catalog = soc2.Catalog.builtin().extend(company)
    report = soc2.evaluate(catalog, enumerate(evidence), YEAR, date(2026, 9, 30))
    for fmt, flag in [("json", "json"), ("markdown", "md"), ("html", "html"), ("text", "text")]:
        out = soc2_cli(
            "evaluate",
            "--evidence", jsonl,
            "--period", "2026-01-01..2026-12-31",
            "--as-of", "2026-09-30",
            "--catalog", company,
            "--format", flag,
        )  # fmt: skip
        assert out.returncode == 1, out.stderr  # exceptions found
        assert report.render(fmt) == out.stdout, fmt  # type: ignore[arg-type]
    assert soc2.Report.from_json(report.render("json")) == report
    assert report.to_markdown() == report.render("md")
    assert report.to_html().lstrip().lower().startswith("<!doctype html>")
    assert "SOC 2 readiness" in report.to_text()


def test_reports_validate_against_the_schema() -> None:
    report = soc2.evaluate(
        soc2.Catalog.builtin(), enumerate(soc2.sample_company(2026)), YEAR, date(2026, 6, 30)
    )
    Draft202012Validator(load_schema("report"), format_checker=FormatChecker()).validate(
        report.to_dict()
    )
    assert soc2.Report.from_dict(report.to_dict()) == report


def test_a_type1_period() -> None:
    report = soc2.evaluate(
        soc2.Catalog.builtin(),
        enumerate(soc2.sample_company(2026)),
        soc2.AuditPeriod(date=date(2026, 6, 30)),
        date(2026, 6, 30),
    )
    assert report.columns == ["2026-06-30"] and report.period.is_type1


def test_bad_evaluation_inputs() -> None:
    catalog = soc2.Catalog.builtin()
    ev = soc2.sample_company(2026)[:3]
    with pytest.raises(soc2.ValidationError, match="expected a datetime.date"):
        soc2.evaluate(catalog, enumerate(ev), YEAR, "2026-12-31")  # type: ignore[arg-type]
    with pytest.raises(soc2.ValidationError, match="expected AuditPeriod"):
        soc2.evaluate(catalog, enumerate(ev), "2026-01-01..2026-12-31", date(2026, 12, 31))  # type: ignore[arg-type]
    with pytest.raises(soc2.ValidationError, match="expected Catalog"):
        soc2.evaluate(None, enumerate(ev), YEAR, date(2026, 12, 31))  # type: ignore[arg-type]
    with pytest.raises(soc2.ValidationError, match=r"evidence\[1\]: expected Evidence"):
        soc2.evaluate(catalog, [(0, ev[0]), (1, "x")], YEAR, date(2026, 12, 31))  # type: ignore[arg-type]
    with pytest.raises(soc2.ValidationError, match="pair"):
        soc2.evaluate(catalog, ev, YEAR, date(2026, 12, 31))  # type: ignore[arg-type]
    bad = ev[1]
    bad.source = "Rene\u0301"
    with pytest.raises(soc2.ValidationError) as info:
        soc2.evaluate(catalog, enumerate(ev), YEAR, date(2026, 12, 31))
    assert info.value.path == "[1][1].source"
    with pytest.raises(soc2.ValidationError):
        soc2.evaluate(catalog, [(-1, ev[0])], YEAR, date(2026, 12, 31))
    with pytest.raises(soc2.ValidationError, match="format"):
        soc2.evaluate(catalog, [], YEAR, date(2026, 12, 31)).render("pdf")  # type: ignore[arg-type]


# -- The catalog ---------------------------------------------------------------------------


def test_builtin_catalog() -> None:
    catalog = soc2.Catalog.builtin()
    assert len(catalog) == len(catalog.controls) >= 20
    assert catalog == soc2.Catalog.builtin()
    ac01 = catalog.get("AC-01")
    assert ac01 is not None and ac01.control.cadence == "quarterly"
    assert ac01.test == "quarterly_access_review"
    assert catalog.get("NOPE") is None
    areas = {c.control.area for c in catalog.controls}
    assert len(areas) == 10  # the ten areas where audits most often find exceptions
    assert catalog.scope.systems == []
    assert repr(catalog).startswith("<Catalog of ")
    assert set(catalog.to_dict()) == {"scope", "thresholds", "controls"}


def test_override_thresholds() -> None:
    base = soc2.Catalog.builtin()
    changed = base.override_thresholds(max_screen_lock_minutes=5, critical_vendor_criticality="medium")
    assert changed.thresholds.max_screen_lock_minutes == 5
    assert changed.thresholds.critical_vendor_criticality == "medium"
    dev = changed.get("DEV-02")
    assert dev is not None and dev.thresholds.max_screen_lock_minutes == 5
    assert base.thresholds.max_screen_lock_minutes != 5  # catalogs are immutable
    with pytest.raises(soc2.ValidationError, match="unknown field"):
        base.override_thresholds(max_screen_lock=5)
    with pytest.raises(soc2.ValidationError, match="max_screen_lock_minutes"):
        base.override_thresholds(max_screen_lock_minutes="five")


def test_company_files(tmp_path: Path) -> None:
    base = soc2.Catalog.builtin()
    toml_file = tmp_path / "company.toml"
    toml_file.write_text('disable = ["AC-02"]\n[scope]\nsystems = ["okta", "github"]\n')
    from_toml = base.extend(toml_file)
    assert from_toml.get("AC-02") is None and from_toml.scope.systems == ["okta", "github"]
    assert base.extend(str(toml_file)) == from_toml
    json_file = tmp_path / "company.json"
    json_file.write_text(json.dumps({"disable": ["AC-02"], "scope": {"systems": ["okta", "github"]}}))
    assert base.extend(json_file) == from_toml
    assert base.extend({"disable": ["AC-02"], "scope": {"systems": ["okta", "github"]}}) == from_toml
    assert base.extend_toml(toml_file.read_text()) == from_toml

    own = {
        "controls": [
            {
                "id": "ACME-01",
                "title": "Quarterly firewall rule review",
                "area": "other",
                "criteria": ["CC6.6"],
                "cadence": "quarterly",
                "owner": "Network team",
                "severity": "medium",
                "time_to_fix": {"min_days": 7, "max_days": 14},
                "priority": "fix_second",
                "evidence_kinds": ["note"],
            }
        ]
    }
    extended = base.extend(own)
    added = extended.get("ACME-01")
    assert added is not None and added.test == "evidence_presence"
    assert extended.controls[-1].control.id == "ACME-01"


def test_bad_company_files_name_file_field_and_control(tmp_path: Path) -> None:
    base = soc2.Catalog.builtin()
    bad = tmp_path / "bad.toml"
    bad.write_text('[thresholds]\nmax_screen_lock_minutes = "ten"\n')
    with pytest.raises(soc2.ValidationError) as info:
        base.extend(bad)
    assert info.value.source == str(bad) and info.value.line == 2
    assert info.value.path == "thresholds.max_screen_lock_minutes"
    with pytest.raises(soc2.ValidationError, match="no control NOPE-1"):
        base.extend({"disable": ["NOPE-1"]})
    control = {
        "id": "X-1",
        "title": "x",
        "area": "other",
        "criteria": [],
        "cadence": "annual",
        "owner": "o",
        "severity": "low",
        "time_to_fix": {"min_days": 1, "max_days": 2},
        "priority": "quick_win",
        "evidence_kinds": ["note"],
    }
    with pytest.raises(soc2.ValidationError, match="control X-1") as info:
        base.extend({"controls": [control]})
    assert info.value.path == "criteria"
    with pytest.raises(soc2.ValidationError, match="defined more than once"):
        base.extend({"controls": [{**control, "criteria": ["CC1.1"]}] * 2})
    with pytest.raises(soc2.ValidationError, match="must end in .toml or .json"):
        base.extend(tmp_path / "company.yaml")
    with pytest.raises(soc2.Soc2IOError) as io:
        base.extend(tmp_path / "missing.toml")
    assert "missing.toml" in str(io.value) and isinstance(io.value, OSError)
    partial = tmp_path / "partial.toml"
    partial.write_text("[thresholds]\nmax_screen_lock_minutes = 10\n")
    with pytest.raises(soc2.ValidationError, match="a base catalog must set every threshold"):
        soc2.Catalog.load(partial)
    with pytest.raises(soc2.ValidationError):
        base.extend_toml("[scope\n")


def test_load_a_complete_catalog(tmp_path: Path) -> None:
    builtin = ROOT / "soc2-core" / "catalog" / "builtin.toml"
    assert soc2.Catalog.load(builtin) == soc2.Catalog.builtin()


# -- The interpreter is released during evaluation ------------------------------------------


def test_evaluation_releases_the_interpreter() -> None:
    """While soc2-core evaluates, another Python thread keeps running."""
    evidence = soc2.sample_company(2026) * 20
    catalog = soc2.Catalog.builtin()
    items = soc2._evaluate._items(enumerate(evidence))
    period, as_of = YEAR, "2026-12-31"
    ticks = 0
    stop = threading.Event()

    def spin() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1

    t = threading.Thread(target=spin)
    t.start()
    try:
        # Let the spinner start, then measure ticks during the native call alone.
        time.sleep(0.05)
        before = ticks
        start = time.perf_counter()
        soc2._soc2.evaluate(catalog._native, items, period, as_of)
        elapsed = time.perf_counter() - start
        during = ticks - before
    finally:
        stop.set()
        t.join()
    assert elapsed > 0.02, "the call was too short to tell"
    # With the interpreter held the spinner could not tick at all during the call.
    assert during > 1000, (during, elapsed)


def test_catalog_classes_hold_every_field_of_soc2_core() -> None:
    """The resolved catalog has no schema of its own: a round trip through the Python
    classes must give soc2-core's JSON back unchanged (a field missing here would drop)."""
    data = soc2.Catalog.builtin().override_thresholds(max_policy_age_days=200).to_dict()
    assert soc2.Scope._load(data["scope"]).to_dict() == data["scope"]
    assert soc2.Thresholds._load(data["thresholds"]).to_dict() == data["thresholds"]
    for c in data["controls"]:
        assert json.loads(soc2.CatalogControl._load(c).to_json()) == c
    thresholds_file = load_schema("catalog")["$defs"]["ThresholdsFile"]["properties"]
    assert sorted(f.name for f in soc2.Thresholds._fields) == sorted(thresholds_file)


def test_a_locker_evaluates_like_its_records_and_like_the_command_line(
    tmp_path: Path, soc2_cli: Any
) -> None:
    locker = soc2.Locker.init(tmp_path / "l", "example.com/eval")
    # Last year's evidence: the locker refuses evidence dated after the time of recording.
    year = soc2.AuditPeriod.parse("2025-01-01..2025-12-31")
    locker.add_batch(soc2.sample_company(2025))
    catalog = soc2.Catalog.builtin()
    as_of = date(2025, 12, 31)
    from_locker = soc2.evaluate(catalog, locker, year, as_of)
    records = list(locker.records())
    assert from_locker == soc2.evaluate(catalog, records, year, as_of)
    triples = [(r.seq, r.evidence, r.recorded_at) for r in records]
    assert from_locker == soc2.evaluate(catalog, triples, year, as_of)
    # Recorded today, last year's evidence is mostly late: typed in (no importer
    # provenance), it proves nothing for the quarters it claims, so the report differs
    # from one that does not know when the evidence was recorded.
    assert from_locker.late_records and not any(r.counted for r in from_locker.late_records)
    assert from_locker != soc2.evaluate(catalog, enumerate(soc2.sample_company(2025)), year, as_of)
    out = soc2_cli(
        "evaluate", "--locker", tmp_path / "l", "--period", "2025-01-01..2025-12-31",
        "--as-of", "2025-12-31", "--format", "json",
    )  # fmt: skip
    assert out.returncode == 1, out.stderr
    assert soc2.Report.from_json(out.stdout) == from_locker


def test_oscal_documents_match_the_command_line(tmp_path: Path, soc2_cli: Any) -> None:
    locker = soc2.Locker.init(tmp_path / "l", "example.com/eval")
    locker.add_batch(soc2.sample_company(2025))
    year = soc2.AuditPeriod.parse("2025-01-01..2025-12-31")
    report = soc2.evaluate(soc2.Catalog.builtin(), locker, year, date(2025, 12, 31))
    args = ["evaluate", "--locker", tmp_path / "l", "--period", "2025-01-01..2025-12-31"]
    args += ["--as-of", "2025-12-31"]
    ar = report.to_oscal_ar(locker)
    out = soc2_cli(*args, "--format", "oscal-ar")
    assert out.returncode == 1, out.stderr
    assert out.stdout == ar
    doc = json.loads(ar)["assessment-results"]
    assert doc["metadata"]["oscal-version"] == "1.2.1"
    findings = doc["results"][0]["findings"]
    assert len(findings) == len(report.controls)
    not_satisfied = [f["target"]["target-id"] for f in findings if f["target"]["status"]["state"] == "not-satisfied"]
    assert sorted(not_satisfied) == sorted(e.finding.control for e in report.exceptions)
    poam = report.to_oscal_poam(locker)
    assert poam == soc2_cli(*args, "--format", "oscal-poam").stdout
    items = json.loads(poam)["plan-of-action-and-milestones"]["poam-items"]
    assert len(items) == len(report.exceptions)
    # Without the locker, the origin given names the evidence: other uuids, same findings.
    other = json.loads(report.to_oscal_ar(origin="example.com/other"))["assessment-results"]
    assert other["uuid"] != doc["uuid"]
    assert len(other["results"][0]["findings"]) == len(findings)


def test_no_poam_without_an_open_exception() -> None:
    period = soc2.AuditPeriod.parse("2026-01-01..2026-03-31")
    report = soc2.evaluate(soc2.Catalog.builtin().retain(lambda c: False), [], period, date(2026, 3, 31))
    assert not report.exceptions
    with pytest.raises(soc2.ValidationError, match="nothing to plan"):
        report.to_oscal_poam()
