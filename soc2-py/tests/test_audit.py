"""Workpapers, samples and the request list from Python: the same as the command line's
(the hand-written files of ``tests/audit/okta_q3_and_vendors``), and the sample
company's request list."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import List, Tuple

import pytest
from conftest import ROOT

import soc2

SCENARIO = ROOT / "tests" / "audit" / "okta_q3_and_vendors"
YEAR = soc2.AuditPeriod.parse("2026-01-01..2026-12-31")
END = date(2026, 12, 31)


def scenario() -> Tuple[soc2.Catalog, List[Tuple[int, soc2.Evidence]]]:
    catalog = soc2.Catalog.builtin().extend(SCENARIO / "catalog.toml")
    lines = (SCENARIO / "evidence.jsonl").read_text().splitlines()
    return catalog, [(i, soc2.Evidence.from_json(line)) for i, line in enumerate(lines)]


def test_workpapers_are_the_hand_written_sheets() -> None:
    catalog, evidence = scenario()
    files = soc2.workpapers(catalog, evidence, YEAR, END)
    assert list(files) == ["population/AC-01.csv", "population/VEN-01.csv", "summary.csv"]
    for name, data in files.items():
        assert data == (SCENARIO / "expected" / name).read_bytes(), name


def test_request_list_as_markdown_and_csv() -> None:
    catalog, evidence = scenario()
    requests = soc2.request_list(catalog, evidence, YEAR, END)
    assert isinstance(requests, soc2.RequestList)
    assert requests.as_of == END
    assert [(r.control, r.quarter, r.subject) for r in requests.requests if r.status == "missing"] == [
        ("AC-01", "2026-Q3", "okta"),
        ("VEN-01", "2026-Q4", "@evil, inc"),
        ("VEN-01", "2026-Q4", "postmark"),
    ]
    assert requests.to_markdown() == (SCENARIO / "expected" / "requests.md").read_text()
    assert requests.to_csv() == (SCENARIO / "expected" / "requests.csv").read_bytes()
    assert soc2.RequestList.from_json(requests.to_json()) == requests


def test_sample_reproducible_and_by_hand() -> None:
    catalog, evidence = scenario()
    a = soc2.sample(catalog, evidence, YEAR, END, "AC-01", seed="s")
    # By hand (see tests/cli_audit.rs): the two smallest SHA-256("s" + unit).
    assert [u.unit for u in a.selected] == ["2026-Q3/github 2026-Q3", "2026-Q4/github 2026-Q4"]
    assert (a.population, a.size, a.frequency, a.size_given) == (8, 2, "quarterly", False)
    assert soc2.sample(catalog, evidence, YEAR, END, "AC-01", seed="s") == a
    b = soc2.sample(catalog, evidence, YEAR, END, "AC-01", seed="t", size=3)
    assert [u.unit for u in b.selected][:2] == ["2026-Q2/github 2026-Q2", "2026-Q1/okta 2026-Q1"]
    with pytest.raises(soc2.ValidationError, match="seed"):
        soc2.sample(catalog, evidence, YEAR, END, "AC-01")
    with pytest.raises(soc2.ValidationError, match="XX-99"):
        soc2.sample(catalog, evidence, YEAR, END, "XX-99", seed="s")


def test_sample_of_a_locker_defaults_to_its_checkpoint_root(tmp_path: Path) -> None:
    catalog, evidence = scenario()
    locker = soc2.Locker.init(tmp_path / "locker", origin="example.com/soc2/py-audit")
    for _, e in evidence[:5]:
        locker.add(e)
    s = soc2.sample(catalog, locker, YEAR, date(2026, 9, 30), "AC-01")
    assert s.seed == locker.checkpoint().root
    assert "checkpoint of 5 records" in s.seed_source
    # Recorded months after they were observed: the requests are late.
    requests = soc2.request_list(catalog, locker, YEAR, date(2026, 9, 30))
    assert {r.status for r in requests.requests if r.control == "AC-01" and r.quarter == "2026-Q1"} == {
        "late"
    }


def test_the_sample_company_misses_two_reviews() -> None:
    catalog = soc2.sample_company_catalog()
    evidence = list(enumerate(soc2.sample_company(2026)))
    requests = soc2.request_list(catalog, evidence, YEAR, END)
    missing = [(r.control, r.quarter, r.subject) for r in requests.requests if r.status != "received"]
    assert missing == [("AC-01", "2026-Q3", "okta"), ("VEN-01", "2026-Q4", "postmark")]
