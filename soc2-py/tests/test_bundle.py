"""Signed evidence bundles from Python: export, verify, keys and inclusion proofs, tampered
bundles named by member and record; a bundle exported from Python verifies with the
command line and with the stock-tool commands of its VERIFY.md, and one exported by the
command line verifies from Python; two exports run in two threads at once."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
import zipfile
from datetime import date
from pathlib import Path
from typing import Any, List, Tuple

import pytest
from conftest import load_schema
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

import soc2

PERIOD = soc2.AuditPeriod.parse("2025-01-01..2025-12-31")
STOCK_TOOLS = ["bash", "ssh-keygen", "sha256sum", "unzip", "python3", "diff", "cut"]


def have_stock_tools() -> bool:
    missing = [t for t in STOCK_TOOLS if shutil.which(t) is None]
    if missing and os.environ.get("SOC2_REQUIRE_STOCK_TOOLS"):
        raise AssertionError(f"stock tools missing: {missing}")
    return not missing


@pytest.fixture()
def setup(tmp_path: Path) -> Tuple[soc2.Locker, soc2.Signer, Path]:
    """A locker with the sample company's year and an attachment, a key, and a trusted
    allowed_signers file for it."""
    locker = soc2.Locker.init(tmp_path / "locker", "example.com/soc2/acme")
    locker.add_batch(soc2.sample_company(2025))
    users = tmp_path / "okta-users.csv"
    users.write_text("login,status\nbob@acme.example,active\n")
    review = soc2.sample_company(2025)[-1]
    locker.add(review, attachments=[users])
    signer = soc2.keygen(tmp_path / "key", comment="auditor-contact@example.com")
    trusted = tmp_path / "trusted_signers"
    trusted.write_text(signer.allowed_signers_line())
    return locker, signer, trusted


def export(locker: soc2.Locker, signer: soc2.Signer, out: Path, **kw: Any) -> soc2.ExportSummary:
    return soc2.export_bundle(locker, out, period=PERIOD, signer=signer, **kw)


def test_export_and_verify(setup: Tuple[soc2.Locker, soc2.Signer, Path], tmp_path: Path) -> None:
    locker, signer, trusted = setup
    report = soc2.evaluate(soc2.Catalog.builtin(), locker, PERIOD, date(2025, 12, 31))
    out = tmp_path / "acme-2025.zip"
    summary = export(locker, signer, out, report_files={"readiness.html": report.to_html()})
    assert summary.path == str(out) and summary.period == PERIOD
    assert summary.checkpoint == locker.checkpoint()
    assert summary.principal == "auditor-contact@example.com" == signer.principal
    assert summary.fingerprint == signer.fingerprint and summary.blobs == 1

    verified = soc2.verify_bundle(out, trusted)
    assert verified.origin == "example.com/soc2/acme" and verified.period == PERIOD
    assert verified.checkpoint == locker.checkpoint() and verified.root == locker.root
    assert verified.record_count() == summary.records == len(verified.records)
    assert verified.leaves() == locker.leaf_hashes()
    assert verified.principal == signer.principal and verified.allowed_signers_line == 1
    assert [r.name for r in verified.report] == ["report/readiness.html"]
    assert verified.blobs[0].size == len("login,status\nbob@acme.example,active\n")
    seqs = [seq for seq, _ in verified.records]
    assert all(locker.record(s).evidence.observed_at.year == 2025 for s in seqs)
    assert soc2.verify_bundle(out, soc2.TrustedSigners.parse(trusted.read_bytes())).root == verified.root
    assert soc2.verify_bundle(out, trusted, identity="auditor-contact@example.com")
    with pytest.raises(soc2.SignatureError, match="not trusted for identity"):
        soc2.verify_bundle(out, trusted, identity="someone-else@example.com")

    # Deterministic: the same locker, options and key give the same bytes.
    again = tmp_path / "again.zip"
    export(locker, signer, again, report_files={"readiness.html": report.to_html()})
    assert again.read_bytes() == out.read_bytes()


def test_disclosure(setup: Tuple[soc2.Locker, soc2.Signer, Path], tmp_path: Path) -> None:
    locker, signer, trusted = setup
    default = export(locker, signer, tmp_path / "a.zip")
    early = next(r.seq for r in locker.records() if r.evidence.observed_at.year < 2025)
    more = export(locker, signer, tmp_path / "b.zip", include=[early])
    assert more.records == default.records + 1
    exactly = export(locker, signer, tmp_path / "c.zip", exactly=[early, 3])
    assert exactly.records == 2
    assert [s for s, _ in soc2.verify_bundle(tmp_path / "c.zip", trusted).records] == sorted([early, 3])
    report = soc2.evaluate(soc2.Catalog.builtin(), locker, PERIOD, date(2025, 12, 31))
    from_report = soc2.export_bundle(locker, tmp_path / "r.zip", report=report, signer=signer)
    assert from_report.records == default.records + len(
        [s for s in report.relied_on if locker.record(s).evidence.observed_at.year < 2025]
    )
    with pytest.raises(soc2.ValidationError, match="the report's"):
        soc2.export_bundle(locker, tmp_path / "x.zip", report=report, period=PERIOD, signer=signer)
    with pytest.raises(soc2.ValidationError, match="expected Report"):
        soc2.export_bundle(locker, tmp_path / "x.zip", report=PERIOD, signer=signer)  # type: ignore[arg-type]
    with pytest.raises(soc2.ValidationError, match="either include= or exactly="):
        export(locker, signer, tmp_path / "d.zip", include=[1], exactly=[2])
    with pytest.raises(soc2.ValidationError, match="expected AuditPeriod"):
        soc2.export_bundle(locker, tmp_path / "e.zip", period="2025", signer=signer)  # type: ignore[arg-type]
    with pytest.raises(soc2.ValidationError):
        export(locker, signer, tmp_path / "f.zip", report_files={"../escape": "x"})
    assert not (tmp_path / "f.zip").exists()


def test_inclusion_proofs(setup: Tuple[soc2.Locker, soc2.Signer, Path], tmp_path: Path) -> None:
    locker, signer, trusted = setup
    export(locker, signer, tmp_path / "b.zip")
    verified = soc2.verify_bundle(tmp_path / "b.zip", trusted)
    seq = verified.records[5][0]
    proof = verified.inclusion_proof(seq)
    line = locker.record(seq).to_json()
    proof.verify(line, verified.checkpoint)
    proof.verify(line.encode(), proof.checkpoint())
    assert soc2.InclusionProof.from_json(proof.to_json()) == proof
    assert soc2.InclusionProof.from_locker(locker, seq) == proof
    # Its JSON form is what the committed schema describes.
    Draft202012Validator(load_schema("inclusion-proof")).validate(proof.to_dict())
    with pytest.raises(soc2.IntegrityError, match=f"record {seq}") as info:
        proof.verify(locker.record(seq + 1).to_json(), verified.checkpoint)
    assert info.value.records == [seq]
    with pytest.raises(soc2.IntegrityError, match="not the trusted"):
        proof.verify(line, soc2.Checkpoint("example.com/other", 1, verified.root))
    undisclosed = next(s for s in range(len(locker)) if s not in {r for r, _ in verified.records})
    with pytest.raises(soc2.ValidationError, match="not disclosed"):
        verified.inclusion_proof(undisclosed)


def rewrite_member(src: Path, dst: Path, name: str, change: Any) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            zout.writestr(item, change(data) if item.filename == name else data)


def test_tampered_bundles_name_the_member_and_record(
    setup: Tuple[soc2.Locker, soc2.Signer, Path], tmp_path: Path
) -> None:
    locker, signer, trusted = setup
    good = tmp_path / "good.zip"
    export(locker, signer, good)
    bad = tmp_path / "bad.zip"

    rewrite_member(good, bad, "leaves", lambda d: d.replace(b"0", b"1", 1))
    with pytest.raises(soc2.IntegrityError) as info:
        soc2.verify_bundle(bad, trusted)
    assert info.value.member == "leaves"

    rewrite_member(good, bad, "manifest.json", lambda d: d + b" ")
    with pytest.raises(soc2.IntegrityError) as info:
        soc2.verify_bundle(bad, trusted)
    assert info.value.member == "manifest.json"

    rewrite_member(good, bad, "SHA256SUMS.sig", lambda d: d.replace(b"A", b"B", 3))
    with pytest.raises(soc2.SignatureError) as sig:
        soc2.verify_bundle(bad, trusted)
    assert sig.value.member == "SHA256SUMS.sig"

    other = tmp_path / "other_signers"
    other.write_text(soc2.Signer.generate("mallory").allowed_signers_line())
    with pytest.raises(soc2.SignatureError, match="not a trusted signer"):
        soc2.verify_bundle(good, other)
    with pytest.raises(soc2.Soc2IOError):
        soc2.verify_bundle(tmp_path / "missing.zip", trusted)
    (tmp_path / "junk.zip").write_bytes(b"not a zip")
    with pytest.raises(soc2.IntegrityError):
        soc2.verify_bundle(tmp_path / "junk.zip", trusted)


def test_a_tampered_record_is_named(tmp_path: Path) -> None:
    """A record changed inside a re-signed bundle (the signer is trusted, the content is
    not what the checkpoint commits to) is named by its seq."""
    locker = soc2.Locker.init(tmp_path / "l", "example.com/soc2/t")
    locker.add_batch(soc2.sample_company(2025)[-20:])
    signer = soc2.Signer.generate("auditor-contact@example.com")
    good = tmp_path / "good.zip"
    export(locker, signer, good)
    trusted = tmp_path / "trusted"
    trusted.write_text(signer.allowed_signers_line())
    # Rewrite one record, then re-sign SHA256SUMS with the trusted key.
    work = tmp_path / "work"
    with zipfile.ZipFile(good) as z:
        z.extractall(work)
    lines = (work / "records.jsonl").read_bytes().splitlines(keepends=True)
    lines[2] = lines[2].replace(b"acme", b"acmf", 1)
    (work / "records.jsonl").write_bytes(b"".join(lines))
    import hashlib

    sums = []
    for line in (work / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ", 1)
        if name == "records.jsonl":
            digest = hashlib.sha256((work / name).read_bytes()).hexdigest()
        sums.append(f"{digest}  {name}\n")
    (work / "SHA256SUMS").write_text("".join(sums))
    (work / "SHA256SUMS.sig").write_text(signer.sign((work / "SHA256SUMS").read_bytes()))
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bad, "w") as zout:
        for item in zin.infolist():
            zout.writestr(item, (work / item.filename).read_bytes())
    with pytest.raises(soc2.IntegrityError) as info:
        soc2.verify_bundle(bad, trusted)
    assert info.value.member == "records.jsonl" and info.value.records, str(info.value)


def test_keys(tmp_path: Path) -> None:
    signer = soc2.keygen(tmp_path / "k", comment="me@example.com", passphrase="s3cret")
    assert (tmp_path / "k.pub").read_text().startswith("ssh-ed25519 ")
    assert (tmp_path / "k").stat().st_mode & 0o777 == 0o600
    with pytest.raises(soc2.SignatureError, match="already exists"):
        soc2.keygen(tmp_path / "k")
    with pytest.raises(soc2.SignatureError, match="passphrase"):
        soc2.load_signer(tmp_path / "k")
    with pytest.raises(soc2.SignatureError, match="wrong passphrase"):
        soc2.load_signer(tmp_path / "k", passphrase=b"nope")
    loaded = soc2.load_signer(tmp_path / "k", passphrase="s3cret", principal="ops@example.com")
    assert loaded.fingerprint == signer.fingerprint and loaded.principal == "ops@example.com"
    assert soc2.Signer.load(str(tmp_path / "k"), b"s3cret").principal == "me@example.com"
    with pytest.raises(soc2.ValidationError, match="principal"):
        soc2.load_signer(tmp_path / "k", passphrase="s3cret", principal="bad principal")
    (tmp_path / "notakey").write_text("hello")
    with pytest.raises(soc2.SignatureError, match="not an OpenSSH private key"):
        soc2.load_signer(tmp_path / "notakey")
    assert repr(signer).startswith("Signer(principal=")


# -- The command line and the stock tools ----------------------------------------------


def test_a_python_bundle_verifies_with_the_cli_and_the_stock_tools(
    setup: Tuple[soc2.Locker, soc2.Signer, Path], tmp_path: Path, soc2_cli: Any
) -> None:
    locker, signer, trusted = setup
    out = tmp_path / "py.zip"
    export(locker, signer, out, report_files={"readiness.json": b"{}\n"})
    cli = soc2_cli("verify", out, "--allowed-signers", trusted)
    assert cli.returncode == 0, cli.stdout + cli.stderr
    assert "verified" in cli.stdout

    if not have_stock_tools():
        pytest.skip("stock tools missing (scripts/test.sh installs them)")
    with zipfile.ZipFile(out) as z:
        verify_md = z.read("VERIFY.md").decode()
    blocks: List[str] = []
    current: List[str] = []
    inside = False
    for line in verify_md.splitlines():
        if line == "```sh":
            inside, current = True, []
        elif line == "```" and inside:
            blocks.append("\n".join(current) + "\n")
            inside = False
        elif inside:
            current.append(line)
    # The six stock steps, then verify.py (no signed checkpoints here, so no step for them).
    assert len(blocks) == 7
    work = tmp_path / "auditor"
    work.mkdir()
    run = subprocess.run(
        ["bash", "-c", "set -euo pipefail\n" + "".join(blocks)],
        cwd=work,
        env={
            **os.environ,
            "BUNDLE": str(out),
            "TRUSTED": str(trusted),
            "ORIGIN": "example.com/soc2/acme",
            "LC_ALL": "C.UTF-8",
        },
        capture_output=True,
        text=True,
    )
    said = run.stdout + run.stderr
    assert run.returncode == 0, said
    assert 'Good "soc2-evidence-bundle-v1" signature for auditor-contact@example.com' in said
    assert "verify.py: all checks passed" in run.stdout, said


def test_a_cli_bundle_verifies_from_python(tmp_path: Path, soc2_cli: Any) -> None:
    d = tmp_path / "locker"
    assert soc2_cli("init", d, "--origin", "example.com/cli").returncode == 0
    doc = tmp_path / "e.json"
    doc.write_text(soc2.sample_company(2025)[-1].to_json())
    assert soc2_cli("add", "--locker", d, doc).returncode == 0
    key = tmp_path / "key"
    assert soc2_cli("keygen", "-o", key, "--comment", "cli@example.com").returncode == 0
    out = tmp_path / "cli.zip"
    exp = soc2_cli(
        "export", "--locker", d, "--period", "2025-01-01..2025-12-31", "--as-of", "2025-12-31",
        "--key", key, "-o", out,
    )  # fmt: skip
    assert exp.returncode == 0, exp.stderr
    trusted = tmp_path / "trusted"
    trusted.write_text(soc2.load_signer(key).allowed_signers_line())
    verified = soc2.verify_bundle(out, trusted)
    assert verified.origin == "example.com/cli" and verified.principal == "cli@example.com"
    assert verified.record_count() == 1
    names = [r.name for r in verified.report]
    assert [n for n in names if not n.startswith("report/workpapers/")] == [
        "report/oscal/assessment-results.json",
        "report/oscal/poam.json",
        "report/readiness.html",
        "report/readiness.json",
        "report/readiness.md",
    ]
    assert "report/workpapers/summary.csv" in names
    assert "report/workpapers/population/AC-01.csv" in names
    # The same export from Python (the period's report and workpapers, as the CLI does)
    # gives the same bytes.
    locker = soc2.Locker.open(d)
    report = soc2.evaluate(soc2.Catalog.builtin(), locker, PERIOD, date(2025, 12, 31))
    papers = soc2.workpapers(soc2.Catalog.builtin(), locker, PERIOD, date(2025, 12, 31))
    same = tmp_path / "py.zip"
    soc2.export_bundle(
        locker, same, report=report, signer=soc2.load_signer(key), workpapers=papers
    )
    assert same.read_bytes() == out.read_bytes()


# -- Threads ------------------------------------------------------------------------------


def test_two_exports_run_in_two_threads_at_once(
    setup: Tuple[soc2.Locker, soc2.Signer, Path], tmp_path: Path
) -> None:
    locker, signer, trusted = setup
    # A large attachment makes each export long enough to overlap measurably.
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(24 << 20))
    locker.add(soc2.sample_company(2025)[-1], attachments=[big])

    spans: List[Tuple[float, float]] = []
    barrier = threading.Barrier(2)
    errors: List[BaseException] = []

    def run(name: str) -> None:
        try:
            barrier.wait()
            start = time.perf_counter()
            export(locker, signer, tmp_path / name)
            spans.append((start, time.perf_counter()))
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=run, args=(f"t{i}.zip",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    (a0, a1), (b0, b1) = spans
    # Both were inside export at the same time: neither waited for the other to finish.
    assert max(a0, b0) < min(a1, b1), spans
    assert (tmp_path / "t0.zip").read_bytes() == (tmp_path / "t1.zip").read_bytes()
    assert soc2.verify_bundle(tmp_path / "t0.zip", trusted).blobs


def test_export_and_verify_release_the_interpreter(
    setup: Tuple[soc2.Locker, soc2.Signer, Path], tmp_path: Path
) -> None:
    """While soc2-core exports or verifies, another Python thread keeps running."""
    locker, signer, trusted = setup
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(24 << 20))
    locker.add(soc2.sample_company(2025)[-1], attachments=[big])
    ticks = 0
    stop = threading.Event()

    def spin() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1

    t = threading.Thread(target=spin)
    t.start()
    try:
        time.sleep(0.05)
        for call in (
            lambda: export(locker, signer, tmp_path / "gil.zip"),
            lambda: soc2.verify_bundle(tmp_path / "gil.zip", trusted),
        ):
            before, start = ticks, time.perf_counter()
            call()
            elapsed, during = time.perf_counter() - start, ticks - before
            assert elapsed > 0.02, "the call was too short to tell"
            assert during > 1000, (during, elapsed)
    finally:
        stop.set()
        t.join()


# -- Progress and cancelling --------------------------------------------------------------


def test_progress_counts_every_attachment_byte(
    setup: Tuple[soc2.Locker, soc2.Signer, Path], tmp_path: Path
) -> None:
    locker, signer, _ = setup
    big = tmp_path / "scan.png"  # stored, so streamed in pieces
    big.write_bytes(os.urandom(3 << 20))
    locker.add(soc2.sample_company(2025)[-1], attachments=[big])
    calls: List[Tuple[int, int]] = []
    summary = export(
        locker, signer, tmp_path / "p.zip", progress=lambda done, total: calls.append((done, total))
    )
    assert calls[0] == (0, summary.blob_bytes)
    assert calls[-1] == (summary.blob_bytes, summary.blob_bytes)
    assert all(a[0] <= b[0] for a, b in zip(calls, calls[1:])), calls
    assert len(calls) > 4  # the 3 MiB image arrives in pieces of at most 1 MiB


def test_an_exception_in_progress_cancels_the_export(
    setup: Tuple[soc2.Locker, soc2.Signer, Path], tmp_path: Path
) -> None:
    locker, signer, _ = setup
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "b.zip"
    out.write_bytes(b"the previous bundle")

    class Stop(Exception):
        pass

    def stop(done: int, total: int) -> None:
        raise Stop(f"stopped at {done} of {total}")

    with pytest.raises(Stop, match="stopped at 0 of"):
        export(locker, signer, out, progress=stop, overwrite=True)
    assert out.read_bytes() == b"the previous bundle"
    assert [p.name for p in out_dir.iterdir()] == ["b.zip"], "no temporary file left"


def test_an_exception_at_the_last_progress_call_still_cancels(
    setup: Tuple[soc2.Locker, soc2.Signer, Path], tmp_path: Path
) -> None:
    """The last call comes when everything is written; raising then still cancels."""
    locker, signer, _ = setup
    note = tmp_path / "note.txt"
    note.write_bytes(b"reviewed\n" * 100)
    locker.add(soc2.sample_company(2025)[-1], attachments=[note])
    out = tmp_path / "b.zip"
    out.write_bytes(b"the previous bundle")

    class Stop(Exception):
        pass

    def stop_at_the_end(done: int, total: int) -> None:
        if total and done == total:
            time.sleep(0.2)  # the export has long finished writing
            raise Stop("stopped at the end")

    with pytest.raises(Stop, match="stopped at the end"):
        export(locker, signer, out, progress=stop_at_the_end, overwrite=True)
    assert out.read_bytes() == b"the previous bundle"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []


def test_ctrl_c_cancels_an_export_without_a_callback(
    setup: Tuple[soc2.Locker, soc2.Signer, Path], tmp_path: Path
) -> None:
    """SIGINT during an export raises KeyboardInterrupt and leaves nothing behind."""
    import signal

    locker, signer, _ = setup
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(48 << 20))
    locker.add(soc2.sample_company(2025)[-1], attachments=[big])
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "b.zip"

    def partial_written() -> bool:
        for p in out_dir.iterdir():
            try:
                if p.name.endswith(".partial") and p.stat().st_size >= 64 << 10:
                    return True
            except FileNotFoundError:  # renamed into place between listing and stat
                pass
        return False

    def interrupt_once_writing(finished: threading.Event, fired: threading.Event) -> None:
        # The export releases the interpreter, so this thread runs while it streams.
        while not finished.is_set():
            if partial_written():
                fired.set()
                os.kill(os.getpid(), signal.SIGINT)
                return
            time.sleep(0)

    # A shell that starts a job in the background makes it ignore SIGINT, and Python then
    # never installs its handler: install it for this test, as an interactive run has it.
    previous_handler = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        _interrupt_an_export(locker, signer, out, out_dir, interrupt_once_writing)
    finally:
        signal.signal(signal.SIGINT, previous_handler)


def _interrupt_an_export(
    locker: soc2.Locker,
    signer: soc2.Signer,
    out: Path,
    out_dir: Path,
    interrupt_once_writing: Any,
) -> None:
    # On a loaded machine the watcher may not be scheduled before the export is done, or
    # its signal may land just after: that attempt proves nothing and is retried. An
    # interrupt that lands during the export must cancel it and leave nothing behind.
    for _attempt in range(5):
        finished, fired = threading.Event(), threading.Event()
        watcher = threading.Thread(target=interrupt_once_writing, args=(finished, fired))
        interrupted = False
        try:
            watcher.start()
            try:
                export(locker, signer, out)
            finally:
                finished.set()
                watcher.join()
            if fired.is_set():
                time.sleep(0.5)  # the pending signal is raised here
        except KeyboardInterrupt:
            interrupted = True
        if interrupted and not out.exists():
            assert list(out_dir.iterdir()) == []
            return
        for p in out_dir.iterdir():
            p.unlink()
    pytest.fail("the interrupt never landed during an export in five attempts")


def test_verify_reports_progress_over_every_member_byte(
    setup: Tuple[soc2.Locker, soc2.Signer, Path], tmp_path: Path
) -> None:
    locker, signer, trusted = setup
    big = tmp_path / "scan.png"
    big.write_bytes(os.urandom(13 << 20))
    locker.add(soc2.sample_company(2025)[-1], attachments=[big])
    out = tmp_path / "p.zip"
    export(locker, signer, out)
    calls: List[Tuple[int, int]] = []
    soc2.verify_bundle(out, trusted, progress=lambda done, total: calls.append((done, total)))
    total = calls[0][1]
    # Every member but the two signature files: the attachment and a little metadata.
    assert (13 << 20) < total < (14 << 20), total
    assert calls[0] == (0, total) and calls[-1] == (total, total), calls
    assert all(a[0] <= b[0] and a[1] == b[1] for a, b in zip(calls, calls[1:])), calls
    assert len(calls) >= 3  # a report at most every 4 MiB, and the ends


def test_an_exception_in_progress_stops_a_verification(
    setup: Tuple[soc2.Locker, soc2.Signer, Path], tmp_path: Path
) -> None:
    locker, signer, trusted = setup
    out = tmp_path / "b.zip"
    export(locker, signer, out)

    class Stop(Exception):
        pass

    def stop(done: int, total: int) -> None:
        raise Stop(f"stopped at {done} of {total}")

    with pytest.raises(Stop, match="stopped at 0 of"):
        soc2.verify_bundle(out, trusted, progress=stop)


def test_ctrl_c_stops_a_verification(
    setup: Tuple[soc2.Locker, soc2.Signer, Path], tmp_path: Path
) -> None:
    """A SIGINT arriving while a bundle is verified raises KeyboardInterrupt there (it was
    ignored until the verification ended)."""
    import signal

    locker, signer, trusted = setup
    out = tmp_path / "b.zip"
    export(locker, signer, out)
    seen: List[int] = []

    def interrupt(done: int, total: int) -> None:
        seen.append(done)
        if len(seen) == 1:
            os.kill(os.getpid(), signal.SIGINT)

    # As in the export test: a background job ignores SIGINT unless the handler is set.
    previous_handler = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            soc2.verify_bundle(out, trusted, progress=interrupt)
    finally:
        signal.signal(signal.SIGINT, previous_handler)
    assert seen[0] == 0


def test_signed_checkpoints_and_bundles_chained_to_the_previous(
    setup: Tuple[soc2.Locker, soc2.Signer, Path], tmp_path: Path
) -> None:
    locker, signer, trusted = setup
    note = soc2.sign_checkpoint(locker, signer)
    size = locker.checkpoint().size
    assert note.startswith(f"example.com/soc2/acme\n{size}\n")
    assert "\n\n\u2014 example.com/soc2/acme " in note
    assert (tmp_path / "locker" / "checkpoints" / f"{size:020}.note").read_text() == note
    assert soc2.sign_checkpoint(locker, signer) == note  # append-only: the same note
    q1 = tmp_path / "q1.zip"
    export(locker, signer, q1)

    locker.add(soc2.sample_company(2025)[0])
    soc2.sign_checkpoint(locker, signer)
    q2 = tmp_path / "q2.zip"
    export(locker, signer, q2)
    verified = soc2.verify_bundle(q2, trusted, previous=q1)
    assert verified.checkpoint.size == size + 1
    # Q1 does not extend Q2: a record of Q2 is missing from it.
    with pytest.raises(soc2.IntegrityError, match="removed") as e:
        soc2.verify_bundle(q1, trusted, previous=q2)
    assert e.value.records == [size]
    assert e.value.code == "bundle.not_an_extension"
    # A previous bundle that is not there is an I/O error about that file, not a verdict.
    with pytest.raises(soc2.Soc2IOError) as io:
        soc2.verify_bundle(q2, trusted, previous=tmp_path / "missing.zip")
    assert io.value.code == "input.io"
    assert io.value.filename == str(tmp_path / "missing.zip")
    # The signed checkpoints travel in the bundle and fsck checks the locker's.
    assert soc2.fsck(tmp_path / "locker").is_sound
