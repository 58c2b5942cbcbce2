# frozen_string_literal: true

# Ruby test of the soc2 bindings (uniffi, the ffi gem), run against the installed `soc2` gem
# by scripts/test-packages.sh (which builds the gem with scripts/build-packages.sh).

require 'date'
require 'digest'
require 'fileutils'
require 'time'
require 'tmpdir'
require 'soc2'

EVIDENCE_JSON = <<~JSON
  {
    "controls": ["AC-01"],
    "observed_at": "2026-03-28T14:05:00Z",
    "collected_at": "2026-04-02T09:00:00Z",
    "collector": {"person": {"id": "cto@example.com"}},
    "source": "okta",
    "attachments": [],
    "payload": {"access_review": {"system": "okta", "reviewer": "cto@example.com", "accounts": [
      {"account": "bob@example.com", "decision": "revoke", "actioned_at": "2026-03-29T10:00:00Z"}
    ]}}
  }
JSON

def check(condition, what)
  raise "check failed: #{what}" unless condition
end

def expect_error(klass)
  yield
rescue klass => e
  e
else
  raise "expected #{klass}"
end

def test_documents
  evidence = Soc2.evidence_from_json(EVIDENCE_JSON)
  check(evidence.controls == ['AC-01'], 'controls')
  check(evidence.observed_at == Time.utc(2026, 3, 28, 14, 5, 0), 'observed_at, a Time')
  check(evidence.observed_at.utc?, 'observed_at in UTC')
  check(evidence.collector == Soc2::Collector::PERSON.new(id: 'cto@example.com'), 'collector')
  check(evidence.payload.access_review?, 'payload kind')
  account = evidence.payload[0].accounts[0]
  check(account.decision == Soc2::ReviewDecision::REVOKE, 'decision')
  check(account.person.nil?, 'absent person')

  canonical = Soc2.evidence_to_canonical_json(evidence)
  check(canonical.start_with?('{"attachments":[],"collected_at":"2026-04-02T09:00:00Z"'), canonical)
  check(Soc2.evidence_from_json(canonical) == evidence, 'canonical round trip')
  check(Soc2.sha256(canonical) == Digest::SHA256.hexdigest(canonical), 'sha256')
end

def test_records_built_here
  content = "account,decision\nbob@example.com,revoke\n"
  evidence = Soc2::Evidence.new(
    controls: ['AC-01'],
    observed_at: Time.utc(2026, 3, 28, 14, 5, 0),
    # Any zone: written in UTC, the caller's Time left as it was.
    collected_at: Time.new(2026, 4, 2, 11, 0, 0, '+02:00'),
    collector: Soc2::Collector::TOOL.new(name: 'okta-export', version: '1.0.0'),
    source: 'okta',
    attachments: [Soc2::Attachment.new(sha256: Soc2.sha256(content), size: content.bytesize,
                                          media_type: 'text/csv', file_name: 'review.csv')],
    payload: Soc2::Payload::NOTE.new(Soc2::Note.new(title: 'Q1 review export'))
  )
  text = Soc2.evidence_to_pretty_json(evidence)
  check(text.end_with?("\n") && text.include?('"note"'), 'pretty json')
  check(Soc2.evidence_from_json(text) == evidence, 'pretty round trip')
end

def test_errors
  dup = expect_error(Soc2::Soc2Error::Json) do
    Soc2.evidence_from_json(%({\n "source": "a",\n "source": "b"\n}))
  end
  check(dup.path == 'source' && dup.line == 3, dup.to_s)
  check(dup.detail == '3:9: field `source`: duplicate key', dup.detail)
  check(dup.code == 'json.invalid', dup.code)

  unknown = expect_error(Soc2::Soc2Error::Json) do
    Soc2.evidence_from_json(EVIDENCE_JSON.sub('"source": "okta"', '"source": "okta", "approved": true'))
  end
  check(unknown.path == 'approved' && unknown.reason.include?('unknown field'), unknown.to_s)

  bad_time = Soc2::Evidence.new(
    observed_at: Time.utc(2026, 3, 28, 14, 5, 0.5r), collected_at: Time.utc(2026, 4, 2, 9, 0, 0),
    collector: Soc2::Collector::PERSON.new(id: 'cto@example.com'), source: 'okta',
    payload: Soc2::Payload::NOTE.new(Soc2::Note.new(title: 't'))
  )
  invalid = expect_error(Soc2::Soc2Error::Invalid) { Soc2.evidence_to_canonical_json(bad_time) }
  # soc2 records whole seconds: a Time with a fraction is refused, not rounded.
  check(invalid.field == 'timestamp' && invalid.reason.include?('2026-03-28T14:05:00.5'), invalid.to_s)
end

def test_criteria
  all = Soc2.criteria
  check(all.length == 61, '61 criteria')
  check(all[0].id == 'CC1.1' && all[0].category == Soc2::Category::SECURITY, 'first criterion')
  check(Soc2.parse_criterion('cc_6_1').id == 'CC6.1', 'prowler spelling')
  expect_error(Soc2::Soc2Error::Invalid) { Soc2.parse_criterion('CC99.1') }
end

def test_evaluation
  catalog = Soc2.sample_company_catalog
  check(catalog.controls.any? { |c| c.control.id == 'AC-01' }, 'built-in AC-01')
  items = Soc2.sample_company_evidence(2026).each_with_index.map do |e, i|
    Soc2::EvidenceItem.new(seq: i, evidence: e)
  end
  report = Soc2.evaluate(catalog, items, '2026-01-01..2026-12-31', Date.new(2026, 12, 31))
  gaps = report.exceptions.map { |e| e.finding.control }.sort
  check(gaps == %w[AC-01 CHG-01 DEV-01 TRN-01 VEN-01], gaps.inspect)
  check(report.opinion.risk == Soc2::OpinionRisk::AT_RISK, 'opinion')
  check(Soc2.render_report(report, Soc2::ReportFormat::MARKDOWN).include?('AC-01'), 'markdown')

  company = Soc2.extend_catalog_with_toml(catalog, "disable = [\"AC-01\"]\n", 'company.toml')
  check(company.controls.none? { |c| c.control.id == 'AC-01' }, 'disabled AC-01')
  unknown = expect_error(Soc2::Soc2Error::Catalog) do
    Soc2.extend_catalog_with_toml(catalog, "disable = [\"NOPE-01\"]\n", 'company.toml')
  end
  check(unknown.source_name == 'company.toml' && unknown.control == 'NOPE-01', unknown.to_s)
  reversed = expect_error(Soc2::Soc2Error::Invalid) do
    Soc2.evaluate(catalog, items, '2026-12-31..2026-01-01', Date.new(2026, 12, 31))
  end
  check(reversed.field == 'audit period', reversed.to_s)
end

def replace_in_file(path, old, new)
  data = File.binread(path)
  check(data.include?(old), "#{path} holds #{old}")
  File.binwrite(path, data.sub(old, new))
end

def test_locker_scenario
  Dir.mktmpdir do |tmp|
    path = File.join(tmp, 'locker')
    locker = Soc2::Locker.create(path, 'example.com/soc2/ruby-test')
    check(locker.is_empty, 'new locker is empty')

    # Evidence with an attachment: the file is stored first, then the record naming it.
    content = "%PDF-1.4\n% Q1 access review: bob@example.com revoke\n%%EOF\n"
    attachment = locker.add_attachment(content, 'application/pdf', 'review.pdf')
    check(attachment.sha256 == Digest::SHA256.hexdigest(content), 'attachment digest')
    check(attachment.size == content.bytesize, 'attachment size')
    evidence = Soc2::Evidence.new(
      controls: ['AC-01'], observed_at: Time.utc(2025, 3, 28, 14, 5, 0), collected_at: Time.utc(2025, 4, 2, 9, 0, 0),
      collector: Soc2::Collector::PERSON.new(id: 'cto@example.com'), source: 'okta',
      attachments: [attachment],
      payload: Soc2::Payload::NOTE.new(Soc2::Note.new(title: 'Q1 access review export'))
    )
    first = locker.append(evidence)
    check(first.seq.zero? && first.leaf_hash.length == 64, 'first append')
    appended = locker.append_batch(Soc2.sample_company_evidence(2025))
    check(appended.last.seq == locker.len - 1, 'batch append')
    check(locker.record(0).evidence == evidence, 'record 0 reads back')

    # Evaluate the period from the locker's records. Recorded today, the year's evidence is
    # late and, typed in without importer provenance, proves nothing: the five gaps are
    # there, among the controls whose evidence came too late.
    report = locker.evaluate(Soc2.sample_company_catalog, '2025-01-01..2025-12-31', Date.new(2025, 12, 31))
    gaps = report.exceptions.map { |e| e.finding.control }.sort
    check((%w[AC-01 CHG-01 DEV-01 TRN-01 VEN-01] - gaps).empty?, gaps.inspect)
    check(report.late_records.first.seq.zero?, 'record 0 is late')
    check(report.late_records.none?(&:counted), 'late records do not count')

    # A checkpoint kept elsewhere proves the locker only grows.
    checkpoint = locker.checkpoint
    check(checkpoint.size == locker.len && checkpoint.root == locker.root, 'checkpoint')
    locker.verify_checkpoint(checkpoint.text)
    check(Soc2.fsck_locker(path).sound, 'fsck of the sound locker')

    # Export a signed bundle for the period, and verify it as the auditor would.
    key_path = File.join(tmp, 'bundle-key')
    signer = Soc2::Signer.generate_files(key_path, 'auditee@example.com', nil)
    check(signer.principal == 'auditee@example.com', 'principal')
    check(Soc2::Signer.load(key_path, nil, nil).fingerprint == signer.fingerprint, 'key reloads')
    readiness = Soc2.render_report(report, Soc2::ReportFormat::JSON)
    options = Soc2::ExportOptions.new(
      period: '2025-01-01..2025-12-31',
      report_files: [Soc2::ReportFile.new(name: 'readiness.json', content: readiness)]
    )
    bundle_path = File.join(tmp, 'acme-2025.zip')
    summary = Soc2.export_bundle(locker, options, signer, bundle_path)
    check(summary.blobs == 1 && summary.checkpoint == locker.checkpoint, 'export summary')

    # A listener implemented here sees the progress, and can cancel the export.
    listener = Class.new do
      attr_reader :calls

      def initialize(go_on_for)
        @calls = []
        @go_on_for = go_on_for
      end

      def on_progress(bytes_done, bytes_total)
        @calls << [bytes_done, bytes_total]
        @calls.length <= @go_on_for
      end
    end
    watched = listener.new(1000)
    again = File.join(tmp, 'again.zip')
    Soc2.export_bundle_with_progress(locker, options, signer, again, watched)
    total = summary.blob_bytes
    check(watched.calls.first == [0, total] && watched.calls.last == [total, total], watched.calls.to_s)
    check(File.binread(again) == File.binread(bundle_path), 'same bundle with a listener')
    stopper = listener.new(0)
    cancelled = File.join(tmp, 'cancelled.zip')
    expect_error(Soc2::Soc2Error::Cancelled) do
      Soc2.export_bundle_with_progress(locker, options, signer, cancelled, stopper)
    end
    check(stopper.calls.length == 1 && !File.exist?(cancelled), 'cancelled export left nothing')
    check(Dir.children(tmp).none? { |n| n.end_with?('.partial') }, 'no temporary file')
    trusted = signer.allowed_signers_line
    verified = Soc2.verify_bundle(bundle_path, trusted, nil)
    check(verified.origin == 'example.com/soc2/ruby-test', 'origin')
    check(verified.records.length == summary.records && verified.records[0].seq.zero?, 'records')
    check(verified.blobs[0].sha256 == attachment.sha256, 'blob')

    # An inclusion proof of a disclosed record, checked against the signed checkpoint
    # with the record's line alone.
    proof = Soc2.bundle_inclusion_proof(bundle_path, trusted, nil, 0)
    line = File.binread(File.join(path, 'ledger.jsonl')).split("\n").first
    Soc2.verify_inclusion_proof(proof, line, verified.checkpoint)
    check(proof == Soc2.inclusion_proof_from_locker(locker, 0), 'proof from the locker')
    check(Soc2.inclusion_proof_from_json(Soc2.inclusion_proof_to_json(proof)) == proof, 'proof JSON')
    forged = line.sub('"observed_at":"2025', '"observed_at":"2024')
    check(forged != line, 'forged line differs')
    expect_error(Soc2::Soc2Error::Integrity) do
      Soc2.verify_inclusion_proof(proof, forged, verified.checkpoint)
    end
    stranger = Soc2::Signer.generate_files(File.join(tmp, 'other-key'), 'mallory@example.com', nil)
    untrusted = expect_error(Soc2::Soc2Error::Signature) do
      Soc2.verify_bundle(bundle_path, stranger.allowed_signers_line, nil)
    end
    check(untrusted.fingerprint == signer.fingerprint, untrusted.to_s)
    check(untrusted.code == 'bundle.untrusted_key', untrusted.code)

    # A tampered copy of the bundle is rejected, naming the member.
    tampered = File.join(tmp, 'tampered.zip')
    FileUtils.cp(bundle_path, tampered)
    replace_in_file(tampered, 'bob@example.com revoke', 'bob@example.com keep!!')
    rejected = expect_error(Soc2::Soc2Error::Integrity) { Soc2.verify_bundle(tampered, trusted, nil) }
    check(rejected.member == "blobs/sha256/#{attachment.sha256}", rejected.to_s)

    # A tampered copy of the ledger is refused, naming the record.
    ledger_copy = File.join(tmp, 'ledger-copy')
    FileUtils.cp_r(path, ledger_copy)
    replace_in_file(File.join(ledger_copy, 'ledger.jsonl'), 'Q1 access review', 'Q2 access review')
    damaged = expect_error(Soc2::Soc2Error::Integrity) { Soc2::Locker.open(ledger_copy) }
    check(damaged.records.include?(0), damaged.to_s)

    # A tampered attachment is found by fsck, naming the blob.
    blob_copy = File.join(tmp, 'blob-copy')
    FileUtils.cp_r(path, blob_copy)
    digest = attachment.sha256
    replace_in_file(File.join(blob_copy, 'blobs', 'sha256', digest[0, 2], digest), 'revoke', 'keep!!')
    fsck = Soc2.fsck_locker(blob_copy)
    check(!fsck.sound && fsck.problems.any? { |p| p.damage && p.blob == digest }, fsck.problems.inspect)
  end
end

# An IAM credential report of two users, written by hand: the root user (MFA off, an
# active access key) and alice (MFA on, no active key).
CREDENTIAL_REPORT =
  "user,arn,user_creation_time,password_enabled,password_last_used,mfa_active," \
  "access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date\n" \
  "<root_account>,arn:aws:iam::1:root,2020-01-01T00:00:00+00:00,not_supported," \
  "2026-01-05T00:00:00+00:00,false,true,2020-02-01T00:00:00+00:00,N/A\n" \
  "alice,arn:aws:iam::1:user/alice,2021-01-01T00:00:00+00:00,true," \
  "2026-01-06T00:00:00+00:00,true,false,N/A,N/A\n"

def test_import
  names = Soc2.list_import_sources.map(&:name)
  check(names.include?('aws-credential-report') && names.include?('okta-users'), names.inspect)
  Dir.mktmpdir do |tmp|
    report = File.join(tmp, 'credential-report.csv')
    File.write(report, CREDENTIAL_REPORT)
    # A bare CSV does not say when it was made.
    expect_error(Soc2::Soc2Error::Invalid) { Soc2.import_files('aws-credential-report', [report]) }
    expect_error(Soc2::Soc2Error::Invalid) { Soc2.import_files('github-pulls', [report]) }

    at = Time.utc(2026, 1, 7)
    result = Soc2.import_files('aws-credential-report', [report], nil, at)
    s = result.summary
    check(s.completeness == Soc2::Completeness::COMPLETE, s.inspect)
    check([s.rows_read, s.rows_kept, s.rows_skipped] == [2, 2, 0], s.inspect)
    check(s.fetched_at == at && s.fetched_at_source == Soc2::FetchedAtSource::ARGUMENT, s.inspect)
    check(result.evidence.length == 1 && result.appended.empty?, 'one document, not recorded')
    check(result.evidence[0].payload.user_list?, 'a user list')
    accounts = result.evidence[0].payload[0].accounts
    check(accounts.length == 2 && accounts[0].root && !accounts[1].root, accounts.inspect)
    check(accounts[1].account == 'alice' && accounts[1].mfa, accounts[1].inspect)

    path = File.join(tmp, 'locker')
    locker = Soc2::Locker.create(path, 'example.com/soc2/ruby-import')
    recorded = locker.add_import('aws-credential-report', [report], nil, at)
    check(recorded.appended.map(&:seq) == [0], recorded.appended.inspect)
    attachment = locker.record(0).evidence.attachments[0]
    check(attachment.file_name == 'credential-report.csv', attachment.inspect)
    check(attachment.sha256 == Digest::SHA256.hexdigest(CREDENTIAL_REPORT), 'stored input digest')
    stored = File.binread(File.join(path, 'blobs', 'sha256', attachment.sha256[0, 2], attachment.sha256))
    check(stored == CREDENTIAL_REPORT, 'stored input')
    checked = locker.check_import(0)
    check(checked.identical && checked.importer == 'aws-credential-report' && checked.inputs == 1, checked.inspect)
  end
end

def test_trusted_time
  Dir.mktmpdir do |tmp|
    locker = Soc2::Locker.create(File.join(tmp, 'locker'), 'example.com/soc2/ruby-time')
    locker.append_batch(Soc2.sample_company_evidence(2025)[0, 3])
    signer = Soc2::Signer.generate_files(File.join(tmp, 'key'), 'ops@example.com', nil)
    trusted = signer.allowed_signers_line
    refused = expect_error(Soc2::Soc2Error::Locker) { Soc2.timestamp_request(locker) }
    check(refused.code == 'ledger.timestamp_refused', refused.code)
    note = Soc2.sign_checkpoint(locker, signer)
    check(note.start_with?("example.com/soc2/ruby-time\n3\n"), note)
    query = Soc2.timestamp_request(locker)
    check(query.bytes.first == 0x30, 'a DER query')
    options = Soc2::ExportOptions.new(period: '2025-01-01..2025-12-31')
    q1 = File.join(tmp, 'q1.zip')
    Soc2.export_bundle(locker, options, signer, q1)
    locker.append_batch(Soc2.sample_company_evidence(2025)[3, 1])
    Soc2.sign_checkpoint(locker, signer)
    q2 = File.join(tmp, 'q2.zip')
    Soc2.export_bundle(locker, options, signer, q2)
    check(Soc2.verify_bundle_chained(q2, trusted, nil, q1, nil).checkpoint.size == 4, 'Q2 extends Q1')
    rewound = expect_error(Soc2::Soc2Error::Integrity) { Soc2.verify_bundle_chained(q1, trusted, nil, q2, nil) }
    check(rewound.code == 'bundle.not_an_extension', rewound.code)
  end
end

test_documents
test_records_built_here
test_errors
test_criteria
test_evaluation
test_locker_scenario
test_import
test_trusted_time
puts 'ruby: soc2 bindings ok'
