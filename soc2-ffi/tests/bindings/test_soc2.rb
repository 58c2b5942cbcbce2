# frozen_string_literal: true

# Ruby test of the soc2 bindings (uniffi, the ffi gem), run against the installed `soc2` gem
# by scripts/test-packages.sh (which builds the gem with scripts/build-packages.sh).

require 'digest'
require 'fileutils'
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
  check(evidence.observed_at == '2026-03-28T14:05:00Z', 'observed_at')
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
    observed_at: '2026-03-28T14:05:00Z',
    collected_at: '2026-04-02T09:00:00Z',
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

  unknown = expect_error(Soc2::Soc2Error::Json) do
    Soc2.evidence_from_json(EVIDENCE_JSON.sub('"source": "okta"', '"source": "okta", "approved": true'))
  end
  check(unknown.path == 'approved' && unknown.reason.include?('unknown field'), unknown.to_s)

  bad_time = Soc2::Evidence.new(
    observed_at: '2026-03-28 14:05', collected_at: '2026-04-02T09:00:00Z',
    collector: Soc2::Collector::PERSON.new(id: 'cto@example.com'), source: 'okta',
    payload: Soc2::Payload::NOTE.new(Soc2::Note.new(title: 't'))
  )
  invalid = expect_error(Soc2::Soc2Error::Invalid) { Soc2.evidence_to_canonical_json(bad_time) }
  check(invalid.field == 'timestamp' && invalid.reason.include?('2026-03-28 14:05'), invalid.to_s)
end

def test_criteria
  all = Soc2.criteria
  check(all.length == 61, '61 criteria')
  check(all[0].id == 'CC1.1' && all[0].category == Soc2::Category::SECURITY, 'first criterion')
  check(Soc2.parse_criterion('cc_6_1').id == 'CC6.1', 'prowler spelling')
  expect_error(Soc2::Soc2Error::Invalid) { Soc2.parse_criterion('CC99.1') }
end

def test_evaluation
  catalog = Soc2.builtin_catalog
  check(catalog.controls.any? { |c| c.control.id == 'AC-01' }, 'built-in AC-01')
  items = Soc2.sample_company_evidence(2026).each_with_index.map do |e, i|
    Soc2::EvidenceItem.new(seq: i, evidence: e)
  end
  report = Soc2.evaluate(catalog, items, '2026-01-01..2026-12-31', '2026-12-31')
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
    Soc2.evaluate(catalog, items, '2026-12-31..2026-01-01', '2026-12-31')
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
      controls: ['AC-01'], observed_at: '2026-03-28T14:05:00Z', collected_at: '2026-04-02T09:00:00Z',
      collector: Soc2::Collector::PERSON.new(id: 'cto@example.com'), source: 'okta',
      attachments: [attachment],
      payload: Soc2::Payload::NOTE.new(Soc2::Note.new(title: 'Q1 access review export'))
    )
    first = locker.append(evidence)
    check(first.seq.zero? && first.leaf_hash.length == 64, 'first append')
    appended = locker.append_batch(Soc2.sample_company_evidence(2026))
    check(appended.last.seq == locker.len - 1, 'batch append')
    check(locker.record(0).evidence == evidence, 'record 0 reads back')

    # Evaluate the period from the locker's records.
    report = locker.evaluate(Soc2.builtin_catalog, '2026-01-01..2026-12-31', '2026-12-31')
    gaps = report.exceptions.map { |e| e.finding.control }.sort
    check(gaps == %w[AC-01 CHG-01 DEV-01 TRN-01 VEN-01], gaps.inspect)

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
      period: '2026-01-01..2026-12-31',
      report_files: [Soc2::ReportFile.new(name: 'readiness.json', content: readiness)]
    )
    bundle_path = File.join(tmp, 'acme-2026.zip')
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
    forged = line.sub('"observed_at":"2026', '"observed_at":"2025')
    check(forged != line, 'forged line differs')
    expect_error(Soc2::Soc2Error::Integrity) do
      Soc2.verify_inclusion_proof(proof, forged, verified.checkpoint)
    end
    stranger = Soc2::Signer.generate_files(File.join(tmp, 'other-key'), 'mallory@example.com', nil)
    untrusted = expect_error(Soc2::Soc2Error::Signature) do
      Soc2.verify_bundle(bundle_path, stranger.allowed_signers_line, nil)
    end
    check(untrusted.fingerprint == signer.fingerprint, untrusted.to_s)

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

test_documents
test_records_built_here
test_errors
test_criteria
test_evaluation
test_locker_scenario
puts 'ruby: soc2 bindings ok'
