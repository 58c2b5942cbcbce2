# Python test of the soc2 bindings (uniffi, stdlib ctypes). Run by
# soc2-ffi/tests/foreign_languages.rs, which generates soc2_ffi.py next to the library.
import hashlib
import json
import os
import shutil
import tempfile

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
    assert dup.code == "json.invalid", dup.code

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
    catalog = soc2.sample_company_catalog()
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

    # What auditors work from: the request list misses the okta Q3 review and postmark's
    # yearly review; the workpapers and a sample of AC-01.
    requests = soc2.request_list(catalog, items, "2026-01-01..2026-12-31", "2026-12-31")
    missing = [(r.control, r.quarter, r.subject) for r in requests.requests
               if r.status == soc2.RequestStatus.MISSING]
    assert missing == [("AC-01", "2026-Q3", "okta"), ("VEN-01", "2026-Q4", "postmark")], missing
    assert "| missing |" in soc2.request_list_markdown(requests)
    assert bytes(soc2.request_list_csv(requests)).startswith(b"control,title,quarter,")
    papers = soc2.workpapers(catalog, items, "2026-01-01..2026-12-31", "2026-12-31")
    assert papers[-1].name == "summary.csv" and papers[0].name == "population/AC-01.csv"
    sample = soc2.draw_sample(catalog, items, "2026-01-01..2026-12-31", "2026-12-31",
                              "AC-01", None, "s")
    assert sample.size == 2 and len(sample.selected) == 2 and sample.population == 12
    again = soc2.draw_sample(catalog, items, "2026-01-01..2026-12-31", "2026-12-31",
                             "AC-01", None, "s")
    assert [u.unit for u in again.selected] == [u.unit for u in sample.selected]


def replace_in_file(path, old, new):
    with open(path, "rb") as f:
        data = f.read()
    assert old in data, (path, old)
    with open(path, "wb") as f:
        f.write(data.replace(old, new, 1))


def test_locker_scenario():
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "locker")
        locker = soc2.Locker.create(path, "example.com/soc2/python-test")
        assert locker.is_empty() and locker.origin() == "example.com/soc2/python-test"

        # Evidence with an attachment: the file is stored first, then the record naming it.
        content = b"%PDF-1.4\n% Q1 access review: bob@example.com revoke\n%%EOF\n"
        attachment = locker.add_attachment(content, "application/pdf", "review.pdf")
        assert attachment.sha256 == hashlib.sha256(content).hexdigest()
        assert attachment.size == len(content)
        evidence = soc2.Evidence(
            controls=["AC-01"], observed_at="2025-03-28T14:05:00Z",
            collected_at="2025-04-02T09:00:00Z",
            collector=soc2.Collector.PERSON(id="cto@example.com"), source="okta",
            attachments=[attachment],
            payload=soc2.Payload.NOTE(soc2.Note(title="Q1 access review export")))
        first = locker.append(evidence)
        assert first.seq == 0 and len(first.leaf_hash) == 64
        appended = locker.append_batch(soc2.sample_company_evidence(2025))
        assert appended[-1].seq == locker.len() - 1
        assert locker.record(0).evidence == evidence
        assert [r.seq for r in locker.records_for_control("AC-01")][0] == 0
        not_stored = soc2.Attachment(sha256="0" * 64, size=1, media_type="text/plain", file_name="x")
        refused = expect_error(Soc2Error.Locker, lambda: locker.append(soc2.Evidence(
            observed_at="2025-03-28T14:05:00Z", collected_at="2025-04-02T09:00:00Z",
            collector=soc2.Collector.PERSON(id="cto@example.com"), source="okta",
            attachments=[not_stored], payload=soc2.Payload.NOTE(soc2.Note(title="t")))))
        assert refused.blob == "0" * 64, refused
        assert refused.code == "ledger.attachment_not_stored", refused.code
        # Evidence dated after the time of recording (plus 5 minutes) is refused, naming the
        # field: here a background check completed in 2999.
        future = expect_error(Soc2Error.Invalid, lambda: locker.append(soc2.Evidence(
            observed_at="2025-03-28T14:05:00Z", collected_at="2025-04-02T09:00:00Z",
            collector=soc2.Collector.PERSON(id="hr@example.com"), source="checkr",
            payload=soc2.Payload.BACKGROUND_CHECK(soc2.BackgroundCheck(
                person="bob@example.com", provider="checkr",
                status=soc2.BackgroundCheckStatus.CLEAR,
                completed_at="2999-01-01T00:00:00Z")))))
        assert future.code == "ledger.future_dated", future.code
        assert future.field == "payload.background_check.completed_at", future

        # Evaluate the period from the locker's records. Recorded today, the year's evidence
        # is late and, typed in without importer provenance, proves nothing: the five
        # gaps are there, among the controls whose evidence came too late.
        report = locker.evaluate(soc2.sample_company_catalog(), "2025-01-01..2025-12-31", "2025-12-31")
        gaps = sorted(e.finding.control for e in report.exceptions)
        assert {"AC-01", "CHG-01", "DEV-01", "TRN-01", "VEN-01"} <= set(gaps), gaps
        assert report.late_records[0].seq == 0, report.late_records[0]
        assert not any(r.counted for r in report.late_records)
        # The locker's sample defaults to its checkpoint's root.
        sample = locker.sample(soc2.sample_company_catalog(), "2025-01-01..2025-12-31",
                               "2025-12-31", "CHG-01", 5, None)
        assert sample.seed == locker.root() and len(sample.selected) == 5, sample

        # A checkpoint kept elsewhere proves the locker only grows.
        checkpoint = locker.checkpoint()
        assert checkpoint.size == locker.len() and checkpoint.root == locker.root()
        locker.verify_checkpoint(checkpoint.text)
        assert soc2.fsck_locker(path).sound

        # The report as OSCAL: assessment results and a POA&M, UUIDs from the locker.
        ar = json.loads(locker.oscal_assessment_results(report))["assessment-results"]
        assert ar["metadata"]["oscal-version"] == "1.2.1"
        assert len(ar["results"][0]["findings"]) == len(report.controls)
        poam = json.loads(locker.oscal_poam(report))["plan-of-action-and-milestones"]
        assert len(poam["poam-items"]) == len(report.exceptions)
        other = json.loads(soc2.render_oscal_assessment_results(report, "example.com/other"))
        assert other["assessment-results"]["uuid"] != ar["uuid"]

        # Export a signed bundle for the period, and verify it as the auditor would.
        key_path = os.path.join(tmp, "bundle-key")
        signer = soc2.Signer.generate_files(key_path, "auditee@example.com", None)
        assert signer.principal() == "auditee@example.com"
        assert soc2.Signer.load(key_path, None, None).fingerprint() == signer.fingerprint()
        options = soc2.export_options_for_report(report)
        assert options.period == "2025-01-01..2025-12-31"
        assert sorted(f.name for f in options.report_files) == ["readiness.html", "readiness.json", "readiness.md"]
        bundle_path = os.path.join(tmp, "acme-2025.zip")
        summary = soc2.export_bundle(locker, options, signer, bundle_path)
        assert summary.blobs == 1 and summary.checkpoint == locker.checkpoint(), summary

        # A listener implemented here sees the progress, and can cancel the export.
        class Listener(soc2.ExportListener):
            def __init__(self, go_on_for):
                self.calls = []
                self.go_on_for = go_on_for

            def on_progress(self, bytes_done, bytes_total):
                self.calls.append((bytes_done, bytes_total))
                return len(self.calls) <= self.go_on_for

        watched = Listener(go_on_for=1000)
        again = os.path.join(tmp, "again.zip")
        soc2.export_bundle_with_progress(locker, options, signer, again, watched)
        total = summary.blob_bytes
        assert watched.calls[0] == (0, total) and watched.calls[-1] == (total, total), watched.calls
        with open(again, "rb") as a, open(bundle_path, "rb") as b:
            assert a.read() == b.read()
        stopper = Listener(go_on_for=0)
        cancelled = os.path.join(tmp, "cancelled.zip")
        expect_error(Soc2Error.Cancelled, lambda: soc2.export_bundle_with_progress(
            locker, options, signer, cancelled, stopper))
        assert len(stopper.calls) == 1 and not os.path.exists(cancelled)
        assert not [n for n in os.listdir(tmp) if n.endswith(".partial")]
        trusted = signer.allowed_signers_line()
        verified = soc2.verify_bundle(bundle_path, trusted, None)

        # Verification and fsck report to a listener too, which may stop them.
        class Reader(soc2.ReadListener):
            def __init__(self, go_on):
                self.calls = []
                self.go_on = go_on

            def on_progress(self, bytes_done, bytes_total):
                self.calls.append((bytes_done, bytes_total))
                return self.go_on

        reader = Reader(True)
        same = soc2.verify_bundle_with_progress(bundle_path, trusted, None, None, None, reader)
        assert same.checkpoint == verified.checkpoint
        total = reader.calls[-1][1]
        assert reader.calls[0] == (0, total) and reader.calls[-1] == (total, total), reader.calls
        expect_error(Soc2Error.Cancelled, lambda: soc2.verify_bundle_with_progress(
            bundle_path, trusted, None, None, None, Reader(False)))
        checked = Reader(True)
        assert soc2.fsck_locker_with_progress(path, checked).sound
        assert checked.calls[-1][0] == checked.calls[-1][1] > 0, checked.calls
        expect_error(Soc2Error.Cancelled, lambda: soc2.fsck_locker_with_progress(path, Reader(False)))
        assert verified.origin == "example.com/soc2/python-test"
        assert verified.principal == "auditee@example.com"
        assert len(verified.records) == summary.records and verified.records[0].seq == 0
        assert verified.blobs[0].sha256 == attachment.sha256
        assert "report/readiness.json" in [r.name for r in verified.report]

        # An inclusion proof of a disclosed record, checked against the signed checkpoint
        # with the record's line alone.
        proof = soc2.bundle_inclusion_proof(bundle_path, trusted, None, 0)
        with open(os.path.join(path, "ledger.jsonl"), "rb") as f:
            line = f.read().split(b"\n")[0]
        soc2.verify_inclusion_proof(proof, line, verified.checkpoint)
        assert proof == soc2.inclusion_proof_from_locker(locker, 0)
        assert soc2.inclusion_proof_from_json(soc2.inclusion_proof_to_json(proof)) == proof
        forged = line.replace(b'"observed_at":"2025', b'"observed_at":"2024')
        assert forged != line
        expect_error(Soc2Error.Integrity, lambda: soc2.verify_inclusion_proof(
            proof, forged, verified.checkpoint))
        stranger = soc2.Signer.generate_files(os.path.join(tmp, "other-key"), "mallory@example.com", None)
        untrusted = expect_error(Soc2Error.Signature, lambda: soc2.verify_bundle(
            bundle_path, stranger.allowed_signers_line(), None))
        assert untrusted.fingerprint == signer.fingerprint(), untrusted
        assert (untrusted.code, untrusted.member) == ("bundle.untrusted_key", "SHA256SUMS.sig")

        # A tampered copy of the bundle is rejected, naming the member.
        tampered = os.path.join(tmp, "tampered.zip")
        shutil.copyfile(bundle_path, tampered)
        replace_in_file(tampered, b"bob@example.com revoke", b"bob@example.com keep!!")
        rejected = expect_error(Soc2Error.Integrity, lambda: soc2.verify_bundle(tampered, trusted, None))
        assert rejected.member == "blobs/sha256/" + attachment.sha256, rejected

        # A tampered copy of the ledger is refused, naming the record.
        ledger_copy = os.path.join(tmp, "ledger-copy")
        shutil.copytree(path, ledger_copy)
        replace_in_file(os.path.join(ledger_copy, "ledger.jsonl"), b"Q1 access review", b"Q2 access review")
        damaged = expect_error(Soc2Error.Integrity, lambda: soc2.Locker.open(ledger_copy))
        assert 0 in damaged.records, damaged

        # A tampered attachment is found by fsck, naming the blob.
        blob_copy = os.path.join(tmp, "blob-copy")
        shutil.copytree(path, blob_copy)
        digest = attachment.sha256
        replace_in_file(os.path.join(blob_copy, "blobs", "sha256", digest[:2], digest), b"revoke", b"keep!!")
        fsck = soc2.fsck_locker(blob_copy)
        assert not fsck.sound
        assert any(p.damage and p.blob == digest for p in fsck.problems), fsck.problems


# An IAM credential report of two users, written by hand: the root user (MFA off, an
# active access key) and alice (MFA on, no active key).
CREDENTIAL_REPORT = (
    "user,arn,user_creation_time,password_enabled,password_last_used,mfa_active,"
    "access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date\n"
    "<root_account>,arn:aws:iam::1:root,2020-01-01T00:00:00+00:00,not_supported,"
    "2026-01-05T00:00:00+00:00,false,true,2020-02-01T00:00:00+00:00,N/A\n"
    "alice,arn:aws:iam::1:user/alice,2021-01-01T00:00:00+00:00,true,"
    "2026-01-06T00:00:00+00:00,true,false,N/A,N/A\n"
)


def test_import():
    names = [s.name for s in soc2.list_import_sources()]
    assert "aws-credential-report" in names and "okta-users" in names, names
    with tempfile.TemporaryDirectory() as tmp:
        report = os.path.join(tmp, "credential-report.csv")
        with open(report, "w") as f:
            f.write(CREDENTIAL_REPORT)
        # A bare CSV does not say when it was made.
        expect_error(Soc2Error.Invalid, lambda: soc2.import_files("aws-credential-report", [report]))
        expect_error(Soc2Error.Invalid, lambda: soc2.import_files("github-pulls", [report]))

        at = "2026-01-07T00:00:00Z"
        result = soc2.import_files("aws-credential-report", [report], fetched_at=at)
        s = result.summary
        assert s.completeness == soc2.Completeness.COMPLETE, s
        assert (s.rows_read, s.rows_kept, s.rows_skipped) == (2, 2, 0), s
        assert s.fetched_at == at and s.fetched_at_source == soc2.FetchedAtSource.ARGUMENT
        assert len(result.evidence) == 1 and result.appended == []
        assert result.evidence[0].payload.is_user_list()
        accounts = result.evidence[0].payload[0].accounts
        assert len(accounts) == 2
        assert accounts[0].root and not accounts[1].root
        assert accounts[1].account == "alice" and accounts[1].mfa

        path = os.path.join(tmp, "locker")
        locker = soc2.Locker.create(path, "example.com/soc2/python-import")
        recorded = locker.add_import("aws-credential-report", [report], fetched_at=at)
        assert [a.seq for a in recorded.appended] == [0]
        attachment = locker.record(0).evidence.attachments[0]
        assert attachment.file_name == "credential-report.csv"
        assert attachment.sha256 == hashlib.sha256(CREDENTIAL_REPORT.encode()).hexdigest()
        digest = attachment.sha256
        with open(os.path.join(path, "blobs", "sha256", digest[:2], digest), "rb") as f:
            assert f.read() == CREDENTIAL_REPORT.encode()
        check = locker.check_import(0)
        assert check.identical and check.importer == "aws-credential-report" and check.inputs == 1


def openssl(cwd, *args):
    import subprocess
    done = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, (args, done.stderr)


def make_tsa(d):
    """A throw-away CA and TSA for `openssl ts -reply`; returns the CA's PEM text."""
    openssl(d, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key",
            "-out", "ca.crt", "-days", "3650", "-subj", "/CN=test TSA CA",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    openssl(d, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
            "-nodes", "-keyout", "tsa.key", "-out", "tsa.csr", "-subj", "/CN=test TSA")
    with open(os.path.join(d, "tsa.ext"), "w") as f:
        f.write("extendedKeyUsage=critical,timeStamping\nbasicConstraints=CA:FALSE\n")
    openssl(d, "x509", "-req", "-in", "tsa.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "tsa.crt", "-days", "3650", "-extfile", "tsa.ext")
    with open(os.path.join(d, "tsa.serial"), "w") as f:
        f.write("01\n")
    with open(os.path.join(d, "tsa.cnf"), "w") as f:
        f.write("[ tsa ]\ndefault_tsa = tsa1\n[ tsa1 ]\nserial = ./tsa.serial\n"
                "crypto_device = builtin\nsigner_cert = ./tsa.crt\nsigner_key = ./tsa.key\n"
                "signer_digest = sha256\ndefault_policy = 1.2.3.4.1\ndigests = sha256\n"
                "accuracy = secs:1\nordering = no\ntsa_name = yes\n"
                "ess_cert_id_chain = no\ness_cert_id_alg = sha256\n")
    with open(os.path.join(d, "ca.crt")) as f:
        return f.read()


def test_trusted_time():
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "locker")
        locker = soc2.Locker.create(path, "example.com/soc2/python-time")
        locker.append_batch(soc2.sample_company_evidence(2025)[:3])
        signer = soc2.Signer.generate_files(os.path.join(tmp, "key"), "ops@example.com", None)
        trusted = signer.allowed_signers_line()
        period = "2025-01-01..2025-12-31"

        # Nothing signed: nothing to timestamp.
        refused = expect_error(Soc2Error.Locker, lambda: soc2.timestamp_request(locker))
        assert refused.code == "ledger.timestamp_refused", refused.code
        note = soc2.sign_checkpoint(locker, signer)
        assert note.startswith("example.com/soc2/python-time\n3\n"), note
        query = soc2.timestamp_request(locker)
        assert query[:1] == b"\x30"

        ca_pem = None
        if shutil.which("openssl"):
            ca_pem = make_tsa(tmp)
            with open(os.path.join(tmp, "q.tsq"), "wb") as f:
                f.write(query)
            openssl(tmp, "ts", "-reply", "-config", "tsa.cnf", "-queryfile", "q.tsq", "-out", "r.tsr")
            with open(os.path.join(tmp, "r.tsr"), "rb") as f:
                response = f.read()
            info = soc2.store_timestamp(locker, query, response, ca_pem)
            assert info.checkpoint_size == 3 and info.tsa.endswith("test TSA"), info
            report = locker.evaluate(soc2.builtin_catalog(), period, "2025-12-31")
            assert (report.recording_time.records, report.recording_time.proven) == (3, 3)
            assert report.recording_time.timestamps[0].gen_time == info.gen_time
            # Nobody answering at that address: an I/O error naming the TSA.
            down = expect_error(Soc2Error.Io, lambda: soc2.timestamp_with_tsa(
                locker, "http://127.0.0.1:9/tsa", ca_pem))
            assert down.code == "ledger.timestamp_tsa_unreachable", down.code

        q1 = os.path.join(tmp, "q1.zip")
        soc2.export_bundle(locker, soc2.ExportOptions(period=period), signer, q1)
        locker.append_batch(soc2.sample_company_evidence(2025)[3:4])
        soc2.sign_checkpoint(locker, signer)
        q2 = os.path.join(tmp, "q2.zip")
        soc2.export_bundle(locker, soc2.ExportOptions(period=period), signer, q2)
        verified = soc2.verify_bundle_chained(q2, trusted, None, q1, ca_pem)
        assert verified.checkpoint.size == 4
        # Q1 does not extend Q2.
        rewound = expect_error(Soc2Error.Integrity, lambda: soc2.verify_bundle_chained(
            q1, trusted, None, q2, None))
        assert rewound.code == "bundle.not_an_extension", rewound.code


test_documents()
test_records_built_here()
test_errors()
test_criteria()
test_evaluation()
test_locker_scenario()
test_import()
test_trusted_time()
print("python: soc2 bindings ok")
