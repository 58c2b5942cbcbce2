"""Exporting the signed evidence bundle of an audit period, and verifying it as the auditor.

The company side evaluates the period, exports one zip with the disclosed records, their
attachments and the readiness report, signed with an Ed25519 key (made here on first use,
like ``ssh-keygen -t ed25519``), and hands the auditor its public key as an
``allowed_signers`` line, out of band. The auditor side verifies the bundle against that
key alone, and checks one record's inclusion proof against the signed checkpoint. The
same checks with stock tools (ssh-keygen, sha256sum, unzip) are in the bundle's
``VERIFY.md``, printed at the end.

    python soc2-py/examples/export_for_auditor.py --locker evidence \\
        --period 2026-01-01..2026-03-31 --key bundle-key --out acme-2026-q1.zip
"""

from __future__ import annotations

import argparse
import zipfile
from datetime import date
from pathlib import Path
from typing import List, Optional

import soc2


def main(argv: Optional[List[str]] = None) -> soc2.VerifiedBundle:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--locker", type=Path, default=Path("evidence"))
    ap.add_argument(
        "--period",
        type=soc2.AuditPeriod.parse,
        default=None,
        help="START..END (default: the current calendar quarter)",
    )
    ap.add_argument("--key", type=Path, default=Path("bundle-key"))
    ap.add_argument("--signer", default="compliance@acme.example")
    ap.add_argument("--out", type=Path, default=Path("acme-evidence.zip"))
    args = ap.parse_args(argv)
    if args.period is None:
        quarter = soc2.Quarter.containing(date.today())
        period = soc2.AuditPeriod(start=quarter.first_day(), end=quarter.last_day())
    else:
        period = args.period

    # -- The company -------------------------------------------------------------------
    locker = soc2.Locker.open(args.locker)
    if args.key.exists():
        signer = soc2.load_signer(args.key, principal=args.signer)
    else:
        signer = soc2.keygen(args.key, comment=args.signer)
    as_of = min(period.end, date.today())
    report = soc2.evaluate(soc2.Catalog.builtin(), locker, period, as_of)
    # The report decides which earlier records the period relies on, and travels with it.
    summary = soc2.export_bundle(locker, args.out, report=report, signer=signer)
    print(
        f"wrote {summary.path}: {summary.records} records, {summary.blobs} attachments, "
        f"period {summary.period}, signed as {summary.principal} ({summary.fingerprint})"
    )
    # What the auditor receives out of band: the key they will trust.
    trusted = args.out.with_name("allowed_signers")
    trusted.write_text(signer.allowed_signers_line())

    # -- The auditor ---------------------------------------------------------------------
    verified = soc2.verify_bundle(args.out, trusted, identity=args.signer)
    print(f"verified: {verified!r}, root {verified.root}")
    # Proving one record to someone who trusts only the signed checkpoint: its line and
    # its inclusion proof, both from the verified bundle.
    last = list(verified)[-1]
    seq = last.seq
    proof = verified.inclusion_proof(seq)
    proof.verify(verified.record_line(seq), verified.checkpoint)
    assert last.line == verified.record_line(seq) and last.record.seq == seq
    with zipfile.ZipFile(args.out) as z:
        verify_md = z.read("VERIFY.md").decode()
    print(f"record {seq} is in the signed checkpoint ({len(proof.path)} hashes of proof)")
    print("\nWith stock tools (from VERIFY.md):")
    print(verify_md)
    return verified


if __name__ == "__main__":
    main()
