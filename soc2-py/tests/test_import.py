"""The importers from Python: `soc2.import_files`, `Locker.add_import` and
`Locker.check_import`, on the Okta fixture of soc2-core's tests. The expected values are
read by hand from soc2-core/tests/import/okta/users-1.http and users-2.http: two captured
pages (Link rel="next" on the first only) of four users, the last `Date` header being
Sat, 28 Mar 2026 15:00:02 GMT."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import List

import pytest
from conftest import ROOT

import soc2

OKTA = ROOT / "soc2-core" / "tests" / "import" / "okta"
PAGES = [OKTA / "users-1.http", OKTA / "users-2.http"]
UTC = timezone.utc


def accounts(ev: soc2.Evidence) -> List[soc2.Account]:
    assert isinstance(ev.payload, soc2.UserList)
    return ev.payload.accounts


def test_list_import_sources_names_each_source_and_its_kind() -> None:
    sources = {s.name: s for s in soc2.list_import_sources()}
    assert sources["okta-users"] == soc2.ImportSource(
        name="okta-users",
        kind="user_list",
        system="okta",
        input=sources["okta-users"].input,
    )
    assert sources["aws-credential-report"].kind == "user_list"
    assert sources["github-pulls"].kind == "change_record"
    assert "roster-csv" in sources


def test_import_files_returns_the_evidence_and_the_population_summary() -> None:
    result = soc2.import_files("okta-users", PAGES)
    assert result.source.name == "okta-users"
    assert result.completeness == "complete"
    assert (result.rows_read, result.rows_kept, result.skipped) == (4, 4, [])
    assert result.fetched_at == datetime(2026, 3, 28, 15, 0, 2, tzinfo=UTC)
    assert result.fetched_at_source == "capture"
    assert [i.file_name for i in result.inputs] == ["users-1.http", "users-2.http"]
    # Response captures without the request line: status and Date, no endpoint.
    assert [(i.status, i.endpoint) for i in result.inputs] == [(200, None), (200, None)]
    assert [i.fetched_at for i in result.inputs] == [
        datetime(2026, 3, 28, 15, 0, 1, tzinfo=UTC),
        datetime(2026, 3, 28, 15, 0, 2, tzinfo=UTC),
    ]
    assert [i.size for i in result.inputs] == [p.stat().st_size for p in PAGES]
    assert [a.file_name for a in result.attachments] == ["users-1.http", "users-2.http"]
    assert result.appended == ()

    assert len(result.evidence) == 1
    ev = result.evidence[0]
    assert isinstance(ev, soc2.Evidence)
    assert ev.source == "okta"
    assert ev.provenance == result.provenance
    assert [(a.account, a.status) for a in accounts(ev)] == [
        ("alice@acme.test", "active"),
        ("bob@acme.test", "suspended"),
        ("carol@acme.test", "locked"),
        ("dave@acme.test", "provisioned"),
    ]
    # dave's e-mail is the sentinel "N/A": no person, never the text "N/A".
    assert accounts(ev)[3].person is None
    # Okta's "2026-03-28T15:00:00.344Z" is read, its fraction normalised and counted.
    assert accounts(ev)[0].last_used_at == datetime(2026, 3, 28, 15, 0, 0, tzinfo=UTC)
    assert result.warnings and all(w.count >= 1 for w in result.warnings)


def test_import_files_options_system_and_fetched_at() -> None:
    at = datetime(2026, 3, 29, 9, 0, tzinfo=UTC)
    result = soc2.import_files("okta-users", PAGES, system="okta-prod", fetched_at=at)
    assert result.evidence[0].source == "okta-prod"
    assert result.provenance.system == "okta-prod"
    assert (result.fetched_at, result.fetched_at_source) == (at, "argument")


def test_import_errors_carry_their_codes(tmp_path: Path) -> None:
    with pytest.raises(soc2.ValidationError) as e:
        soc2.import_files("okta-user", PAGES)
    assert e.value.code == "import.unknown_source"
    with pytest.raises(soc2.ValidationError) as e:
        soc2.import_files("github-pulls", PAGES)
    assert e.value.code == "import.wrong_source"
    assert "not a github-pulls export" in str(e.value)
    # The first page alone: its Link rel="next" names a page that was not given.
    with pytest.raises(soc2.ValidationError) as e:
        soc2.import_files("okta-users", PAGES[:1])
    assert e.value.code == "import.missing_pages"
    with pytest.raises(soc2.ValidationError) as e:
        soc2.import_files("okta-users", [])
    assert e.value.code == "import.no_input"
    with pytest.raises(soc2.Soc2IOError):
        soc2.import_files("okta-users", [tmp_path / "missing.http"])
    bad = tmp_path / "users.json"
    bad.write_text('[{"id": "00u1", "status": "ACTIVE"')
    with pytest.raises(soc2.ValidationError) as e:
        soc2.import_files("okta-users", [bad], fetched_at=datetime(2026, 3, 1, tzinfo=UTC))
    assert e.value.code == "import.malformed"
    assert "users.json" in str(e.value)


def test_add_import_records_with_the_inputs_attached_and_check_rederives(tmp_path: Path) -> None:
    with soc2.Locker.open(tmp_path / "l", create=True, origin="example.com/soc2/t") as locker:
        result = locker.add_import("okta-users", PAGES)
        assert [a.seq for a in result.appended] == [0]
        assert len(locker) == 1
        record = locker[0]
        assert record.evidence == result.evidence[0]
        for page, attachment in zip(PAGES, record.evidence.attachments):
            assert locker.blob_path(attachment.sha256).read_bytes() == page.read_bytes()

        check = locker.check_import(0)
        assert check and check.identical
        assert (check.seq, check.importer, check.inputs) == (0, "okta-users", 2)
        assert check.rederived == record.evidence

        # A record that was not imported cannot be re-derived.
        t = datetime(2026, 3, 28, tzinfo=UTC)
        locker.add(
            soc2.Evidence(
                observed_at=t,
                collected_at=t,
                collector=soc2.PersonCollector(id="a@b.c"),
                source="manual",
                payload=soc2.Note(title="t"),
            )
        )
        with pytest.raises(soc2.LockerError) as e:
            locker.check_import(1)
        assert e.value.code == "import.not_reproducible"
        with pytest.raises(soc2.LockerError):
            locker.check_import(5)

        # An altered stored input is damage.
        blob = locker.blob_path(record.evidence.attachments[1].sha256)
        blob.chmod(0o644)
        blob.write_bytes(PAGES[1].read_bytes().replace(b"carol", b"carl"))
        with pytest.raises(soc2.IntegrityError):
            locker.check_import(0)


def test_add_import_refused_records_nothing(tmp_path: Path) -> None:
    with soc2.Locker.open(tmp_path / "l", create=True, origin="example.com/soc2/t") as locker:
        with pytest.raises(soc2.ValidationError):
            locker.add_import("github-pulls", PAGES)
        assert len(locker) == 0


def test_add_import_and_len_from_threads_do_not_deadlock(tmp_path: Path) -> None:
    with soc2.Locker.open(tmp_path / "l", create=True, origin="example.com/soc2/t") as locker:
        errors: List[BaseException] = []

        def work() -> None:
            try:
                for _ in range(5):
                    locker.add_import("okta-users", PAGES)
                    len(locker)
            except BaseException as e:  # pragma: no cover - reported below
                errors.append(e)

        threads = [threading.Thread(target=work) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert not any(t.is_alive() for t in threads), "threads hung"
        assert errors == []
        assert len(locker) == 15


def test_import_result_json_round_trip_of_evidence() -> None:
    result = soc2.import_files("okta-users", PAGES)
    ev = result.evidence[0]
    assert soc2.Evidence.from_json(ev.to_json()) == ev
    assert json.loads(ev.to_json())["provenance"]["importer"] == "okta-users"


CLOUDTRAIL = ROOT / "soc2-core" / "tests" / "import" / "cloudtrail-events"


def test_an_audit_log_import_is_one_security_events_record(tmp_path: Path) -> None:
    # pipeline.ndjson, read by hand: 7 events from 09:00 to 14:00 on 2025-03-03, five
    # of them security-relevant; a line that is not JSON, another product's line and a
    # duplicate are skipped.
    log = CLOUDTRAIL / "pipeline.ndjson"
    result = soc2.import_files("aws-cloudtrail-events", [log])
    assert result.source.kind == "security_events"
    assert (result.rows_read, result.rows_kept, len(result.skipped)) == (10, 7, 3)
    (ev,) = result.evidence
    events = ev.payload
    assert isinstance(events, soc2.SecurityEvents)
    assert events.events == 7
    assert events.covered_from == datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
    assert events.covered_to == datetime(2025, 3, 3, 14, 0, tzinfo=UTC)
    assert [(d.detection, d.action, d.record) for d in events.detected] == [
        ("logging_disabled", "StopLogging", 1),
        ("admin_granted", "AttachUserPolicy", 3),
        ("password_policy_weakened", "UpdateAccountPasswordPolicy", 4),
        ("external_access_granted", "PutBucketPolicy", 8),
        ("service_account_key_created", "CreateAccessKey", 10),
    ]
    assert events.detected[2].time_from_pipeline
    assert [(c.category, c.outcome, c.count) for c in events.counts][:2] == [
        ("cloudtrail.amazonaws.com", "success", 1),
        ("cloudtrail.amazonaws.com", "failure", 1),
    ]

    with soc2.Locker.open(tmp_path / "l", create=True, origin="example.com/soc2/t") as locker:
        added = locker.add_import("aws-cloudtrail-events", [log])
        assert [a.seq for a in added.appended] == [0]
        stored = locker.blob_path(added.evidence[0].attachments[0].sha256)
        assert stored.read_bytes() == log.read_bytes()
        check = locker.check_import(0)
        assert check and check.identical

        # The follow-up of the StopLogging event, as LOG-04 wants it.
        t = datetime(2025, 3, 3, 15, 10, tzinfo=UTC)
        triage = soc2.EventTriage(
            system="aws",
            event_time=events.detected[0].time,
            event_id=events.detected[0].event_id,
            reviewer="secops@example.com",
            reviewed_at=t,
            conclusion="incident",
            ticket="SEC-1042",
        )
        locker.add(
            soc2.Evidence(
                observed_at=t,
                collected_at=t,
                collector=soc2.PersonCollector(id="secops@example.com"),
                source="security-operations",
                payload=triage,
            )
        )
        assert locker[1].evidence.payload == triage
