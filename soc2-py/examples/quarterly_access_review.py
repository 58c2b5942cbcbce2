"""A quarterly access review, recorded from a CSV user list and a reviewer's decisions.

The user list is an identity provider's export (one row per account, times with their own
UTC offsets); the decisions are the reviewer's, one row per account. The script records
two pieces of evidence in the locker, each with its CSV attached:

- the user list, as observed when it was exported;
- the access review: every account with the reviewer's decision (keep, revoke or modify)
  and, for revokes and modifications, when they were carried out;

then evaluates the controls an access review shows operating, for the quarter, and prints
what an auditor would find. Run it as is (it uses the CSVs beside it) or with your own:

    python soc2-py/examples/quarterly_access_review.py --locker evidence \\
        --users okta-users.csv --decisions review-decisions.csv \\
        --system okta --reviewer cto@acme.example --exported-at 2026-03-28T14:05:00+01:00

Run it when the review is done: the times default to now. Evidence recorded more than the
catalog's ``max_recording_delay_days`` (30) after the time it claims is late, and late
evidence typed in by a person proves nothing for its quarter (``docs/evaluation.md``).
"""

from __future__ import annotations

import argparse
import csv
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Dict, List, Optional

import soc2

DATA = Path(__file__).resolve().parent / "data"


def when(text: str) -> Optional[datetime]:
    """An ISO 8601 time with its offset (``Z`` or ``+01:00``), or None when empty."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


def read_user_list(path: Path, system: str) -> soc2.UserList:
    """The accounts of an identity provider's user export."""
    status = {"ACTIVE": "active", "SUSPENDED": "suspended", "LOCKED": "locked", "STAGED": "provisioned"}
    accounts = []
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            accounts.append(
                soc2.Account(
                    account=row["login"],
                    person=row["email"] or None,
                    status=status[row["status"]],  # type: ignore[arg-type]
                    privileged=row["admin"] == "true",
                    mfa={"true": True, "false": False}.get(row["mfa"]),
                    created_at=when(row["created"]),
                    last_used_at=when(row["last_login"]),
                )
            )
    return soc2.UserList(system=system, accounts=accounts)


def read_decisions(path: Path, users: soc2.UserList) -> List[soc2.ReviewedAccount]:
    """The reviewer's decision on every account of the user list."""
    people: Dict[str, Optional[str]] = {a.account: a.person for a in users.accounts}
    reviewed = []
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            reviewed.append(
                soc2.ReviewedAccount(
                    account=row["account"],
                    person=people.get(row["account"]),
                    decision=row["decision"],  # type: ignore[arg-type]
                    actioned_at=when(row["actioned_at"]),
                    note=row["note"] or None,
                )
            )
    missing = set(people) - {r.account for r in reviewed}
    if missing:
        raise SystemExit(f"the review does not cover {sorted(missing)}")
    return reviewed


def main(argv: Optional[List[str]] = None) -> soc2.Report:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--locker", type=Path, default=Path("evidence"))
    ap.add_argument("--origin", default="acme.example/soc2/evidence")
    ap.add_argument("--users", type=Path, default=DATA / "okta-users.csv")
    ap.add_argument("--decisions", type=Path, default=DATA / "review-decisions.csv")
    ap.add_argument("--system", default="okta")
    ap.add_argument("--reviewer", default="cto@acme.example")
    # Record the review when it is done: evidence recorded more than 30 days after the
    # time it claims is late, and hand-recorded late evidence proves nothing for its quarter.
    ap.add_argument("--exported-at", type=when, help="when the user list was exported (default: now)")
    ap.add_argument("--reviewed-at", type=when, help="when the review was signed off (default: now)")
    args = ap.parse_args(argv)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    args.exported_at = args.exported_at or now
    args.reviewed_at = args.reviewed_at or now

    if (args.locker / "locker.json").exists():
        locker = soc2.Locker.open(args.locker)
    else:
        locker = soc2.Locker.init(args.locker, origin=args.origin)
    collector = soc2.PersonCollector(id=args.reviewer)

    users = read_user_list(args.users, args.system)
    listed = locker.add(
        soc2.Evidence(
            controls=["AC-02"],
            observed_at=args.exported_at,
            collected_at=now,
            collector=collector,
            source=args.system,
            payload=users,
        ),
        attachments=[args.users],
    )
    review = soc2.AccessReview(
        system=args.system, reviewer=args.reviewer, accounts=read_decisions(args.decisions, users)
    )
    reviewed = locker.add(
        soc2.Evidence(
            controls=["AC-01", "AC-02", "AC-03"],
            observed_at=args.reviewed_at,
            collected_at=now,
            collector=collector,
            source=args.system,
            payload=review,
        ),
        attachments=[args.decisions],
    )
    print(f"recorded user list as record {listed.seq} and access review as record {reviewed.seq}")
    print(f"locker {locker.path}: {len(locker)} records, root {locker.root}")

    # The quarter the review belongs to, evaluated at its end, for the access controls.
    quarter = soc2.Quarter.containing(args.reviewed_at.astimezone(timezone.utc).date())
    period = soc2.AuditPeriod(start=quarter.first_day(), end=quarter.last_day())
    catalog = soc2.Catalog.builtin().extend({"scope": {"systems": [args.system]}})
    # The controls an access review shows operating (leavers need the roster too).
    catalog = catalog.retain(lambda c: c.control.id in {"AC-01", "AC-02", "AC-03"})
    report = soc2.evaluate(catalog, locker, period, min(quarter.last_day(), date.today()))
    for c in report.controls:
        print(f"{c.control:8} {c.status:15} {c.title}")
    for e in report.exceptions:
        print(f"exception {e.finding.control}: {e.finding.summary}")
    for late in report.late_records:
        print(f"late: record {late.seq} observed {late.observed_at:%Y-%m-%d}, recorded {late.recorded_at:%Y-%m-%d}")
    return report


if __name__ == "__main__":
    main()
