"""Reports and locker records as data frames through the optional extras (issue 15):
each test skips cleanly when its library is not installed (requirements-dev.txt pins
them, so they run in CI), and a missing library says which extra to install."""

from __future__ import annotations

import builtins
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import soc2

PERIOD = soc2.AuditPeriod.parse("2026-01-01..2026-12-31")


@pytest.fixture(scope="module")
def report() -> soc2.Report:
    evidence = soc2.sample_company(2026)
    return soc2.evaluate(soc2.sample_company_catalog(), enumerate(evidence), PERIOD, date(2026, 12, 31))


@pytest.fixture()
def locker(tmp_path: Path) -> soc2.Locker:
    locker = soc2.Locker.init(tmp_path / "l", "example.com/frames")
    locker.add_batch(soc2.sample_company(2026)[:7])
    return locker


def test_report_to_arrow(report: soc2.Report) -> None:
    pa = pytest.importorskip("pyarrow")
    table = report.to_arrow()
    assert isinstance(table, pa.Table)
    assert table.num_rows == len(report.controls)
    assert table.column("control").to_pylist() == [c.control for c in report.controls]
    assert table.column("status").to_pylist() == [c.status for c in report.controls]
    ranked = {r: c for r, c in zip(table.column("exception_rank").to_pylist(), table.column("control").to_pylist()) if r}
    assert sorted(ranked) == [1, 2, 3, 4, 5]
    assert ranked[1] == report.exceptions[0].finding.control


def test_report_to_pandas(report: soc2.Report) -> None:
    pytest.importorskip("pandas")
    frame = report.to_pandas()
    assert list(frame["control"]) == [c.control for c in report.controls]
    assert int((frame["exception_rank"].notna()).sum()) == 5


def test_report_to_polars(report: soc2.Report) -> None:
    pl = pytest.importorskip("polars")
    frame = report.to_polars()
    assert isinstance(frame, pl.DataFrame)
    assert frame["control"].to_list() == [c.control for c in report.controls]
    assert frame.height == len(report.controls)


def test_locker_records_as_frames(locker: soc2.Locker) -> None:
    pa = pytest.importorskip("pyarrow")
    table = locker.to_arrow()
    assert table.column("seq").to_pylist() == list(range(7))
    assert table.column("kind").to_pylist() == [r.evidence.kind for r in locker]
    assert table.column("observed_at").to_pylist() == [r.evidence.observed_at for r in locker]
    assert pa.types.is_timestamp(table.schema.field("observed_at").type)
    pd = pytest.importorskip("pandas")
    assert list(locker.to_pandas()["source"]) == [r.evidence.source for r in locker]
    assert isinstance(locker.to_pandas(), pd.DataFrame)
    pl = pytest.importorskip("polars")
    assert locker.to_polars()["controls"].to_list() == [r.evidence.controls for r in locker]
    assert isinstance(locker.to_polars(), pl.DataFrame)


def test_a_missing_extra_says_what_to_install(
    report: soc2.Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_import = builtins.__import__

    def no_frames(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.split(".")[0] in ("pyarrow", "pandas", "polars"):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_frames)
    monkeypatch.setattr("importlib.import_module", lambda name: no_frames(name))
    for call, extra in (
        (report.to_arrow, "arrow"),
        (report.to_pandas, "pandas"),
        (report.to_polars, "polars"),
    ):
        with pytest.raises(ImportError, match=f'pip install "soc2\\[{extra}\\]"'):
            call()
