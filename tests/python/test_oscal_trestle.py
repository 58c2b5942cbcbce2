"""The OSCAL documents of `soc2 evaluate --format oscal-ar|oscal-poam`, checked by a client
nobody here wrote: compliance-trestle (pinned in requirements-dev.txt).

For the demo and for every evaluation scenario of `soc2-core/tests/scenarios/`, the soc2
CLI (built by `cargo test` or `cargo build` at target/debug/soc2, or $SOC2_BIN) writes the
assessment results and the POA&M; they are imported into a throw-away trestle workspace
(`trestle init`, `trestle import`), as trestle requires, and `trestle validate -a` checks
them all. Trestle does not check that uuid references resolve (its link check only
knows v4 uuids), so this test also checks that every `*-uuid` value and every `#uuid`
href names a uuid defined in the same document.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "soc2-core" / "tests" / "scenarios"
TRESTLE = Path(sys.executable).parent / "trestle"


def soc2_bin() -> Path:
    given = os.environ.get("SOC2_BIN")
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    path = Path(given) if given else target / "debug" / "soc2"
    if not path.exists():
        pytest.fail(f"no soc2 binary at {path}: run `cargo build` first (or set SOC2_BIN)")
    return path


def soc2(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(soc2_bin()), *map(str, args)], capture_output=True, text=True, check=False
    )


def trestle(workspace: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(TRESTLE), *map(str, args)], cwd=workspace, capture_output=True, text=True, check=False
    )


def walk(v: Any, defined: list[str], refs: list[str]) -> None:
    if isinstance(v, dict):
        for k, x in v.items():
            if k == "uuid" and isinstance(x, str):
                defined.append(x)
            elif k.endswith("-uuid") and isinstance(x, str):
                refs.append(x)
            elif k == "href" and isinstance(x, str) and x.startswith("#"):
                refs.append(x[1:])
            else:
                walk(x, defined, refs)
    elif isinstance(v, list):
        for x in v:
            walk(x, defined, refs)


def check_references(path: Path) -> None:
    defined: list[str] = []
    refs: list[str] = []
    walk(json.loads(path.read_text()), defined, refs)
    assert len(set(defined)) == len(defined), f"{path.name}: a uuid is defined twice"
    missing = sorted(set(refs) - set(defined))
    assert not missing, f"{path.name}: references to nothing: {missing}"


def scenario_args(dir: Path, work: Path) -> list[str | Path]:
    """`soc2 evaluate` arguments evaluating a scenario as its test does: its evidence as
    JSON Lines, its catalog overrides (as a JSON catalog file) with the controls it leaves
    out disabled, its period and as_of."""
    s = tomllib.loads((dir / "scenario.toml").read_text())
    evidence = json.loads((dir / "evidence.json").read_text())
    jsonl = work / "evidence.jsonl"
    jsonl.write_text("".join(json.dumps(e) + "\n" for e in evidence))
    catalog: dict[str, Any] = dict(s.get("catalog", {}))
    keep = s.get("controls")
    if keep:
        added = catalog.get("controls", [])
        catalog["controls"] = [c for c in added if c["id"] in keep]
        if not catalog["controls"]:
            del catalog["controls"]
        builtin = [
            c["id"]
            for c in tomllib.loads(
                (ROOT / "soc2-core" / "catalog" / "builtin.toml").read_text()
            )["controls"]
        ]
        disable = set(catalog.get("disable", [])) | {c for c in builtin if c not in keep}
        catalog["disable"] = sorted(disable)
    cat = work / "catalog.json"
    cat.write_text(json.dumps(catalog, default=str))
    return [
        "--evidence",
        jsonl,
        "--period",
        s["period"],
        "--as-of",
        s["as_of"],
        "--catalog",
        cat,
    ]


def write_documents(name: str, args: list[str | Path], out: Path) -> list[tuple[str, Path]]:
    """Writes the assessment results and, when some exception is open, the POA&M."""
    ar = out / f"{name}-ar.json"
    r = soc2("evaluate", *args, "--format", "oscal-ar", "-o", ar)
    assert r.returncode in (0, 1), f"{name}: {r.stderr}"
    docs = [(f"{name}-ar", ar)]
    poam = out / f"{name}-poam.json"
    r = soc2("evaluate", *args, "--format", "oscal-poam", "-o", poam)
    risks = json.loads(ar.read_text())["assessment-results"]["results"][0].get("risks", [])
    open_risks = [x for x in risks if x["status"] != "closed"]
    if open_risks:
        assert r.returncode in (0, 1), f"{name}: {r.stderr}"
        items = json.loads(poam.read_text())["plan-of-action-and-milestones"]["poam-items"]
        assert len(items) == len(open_risks), name
        docs.append((f"{name}-poam", poam))
    else:
        # OSCAL needs at least one poam-item: soc2 refuses rather than write an invalid one.
        assert r.returncode == 2 and "nothing to plan" in r.stderr, f"{name}: {r.stderr}"
    # Byte-identical reruns.
    again = out / f"{name}-ar-again.json"
    assert soc2("evaluate", *args, "--format", "oscal-ar", "-o", again).returncode in (0, 1)
    assert again.read_bytes() == ar.read_bytes(), f"{name}: two runs differ"
    again.unlink()
    return docs


def test_demo_and_every_scenario_validate_with_trestle(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    out.mkdir()
    docs: list[tuple[str, Path]] = []

    demo = tmp_path / "demo"
    r = soc2("demo", "--out", demo)
    assert r.returncode == 0, r.stderr
    report = json.loads((demo / "report.json").read_text())
    p = report["period"]["type2"]
    period = f"{p['start']}..{p['end']}"
    demo_args: list[str | Path] = [
        "--locker",
        demo / "locker",
        "--period",
        period,
        "--as-of",
        report["as_of"],
        "--catalog",
        demo / "catalog.toml",
    ]
    demo_docs = write_documents("demo", demo_args, out)
    assert [n for n, _ in demo_docs] == ["demo-ar", "demo-poam"]
    ar = json.loads(demo_docs[0][1].read_text())["assessment-results"]
    # Every observation rests on locker records carrying their leaf hash.
    resources = ar["back-matter"]["resources"]
    records = [r for r in resources if any(p["name"] == "record-seq" for p in r.get("props", []))]
    assert records and all(
        any(p["name"] == "leaf-hash" for p in r["props"]) for r in records
    )
    docs += demo_docs
    # The demo's bundle carries the same documents under report/oscal/, its links to the
    # records relative to that folder.
    with zipfile.ZipFile(demo / "evidence.zip") as z:
        for member, name in [
            ("report/oscal/assessment-results.json", "bundle-ar"),
            ("report/oscal/poam.json", "bundle-poam"),
        ]:
            path = out / f"{name}.json"
            path.write_bytes(z.read(member))
            docs.append((name, path))
    bundled = json.loads((out / "bundle-ar.json").read_text())["assessment-results"]
    assert bundled["results"] == ar["results"]
    hrefs = {
        link["href"]
        for r in bundled["back-matter"]["resources"]
        for link in r.get("rlinks", [])
    }
    assert "../../records.jsonl" in hrefs

    scenarios = sorted(p for p in SCENARIOS.iterdir() if (p / "scenario.toml").exists())
    assert len(scenarios) > 40
    for dir in scenarios:
        work = tmp_path / "work" / dir.name
        work.mkdir(parents=True)
        docs += write_documents(dir.name, scenario_args(dir, work), out)

    for _, path in docs:
        check_references(path)

    workspace = tmp_path / "trestle"
    workspace.mkdir()
    r = trestle(workspace, "init")
    assert r.returncode == 0, r.stdout + r.stderr
    # Each import writes its own folder: a few at a time.
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        imports = list(
            pool.map(lambda d: (d[0], trestle(workspace, "import", "-f", d[1], "-o", d[0])), docs)
        )
    for name, r in imports:
        assert r.returncode == 0, f"{name}: {r.stdout}{r.stderr}"
    r = trestle(workspace, "validate", "-a")
    output = r.stdout + r.stderr
    assert r.returncode == 0, output
    assert output.count("VALID: Model") == len(docs), output
    assert "INVALID" not in output, output
