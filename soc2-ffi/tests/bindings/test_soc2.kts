// Kotlin (JVM) test of the soc2 bindings (uniffi, JNA), run against the packaged jar by
// scripts/test-packages.sh: `kotlinc -script` with only that jar and JNA's on the class
// path, so that the native library is the one inside the jar (linux-x86-64/libsoc2_ffi.so).

import dev.soc2.*
import java.time.Instant
import java.time.LocalDate

val evidenceJson = """
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
"""

fun check(condition: Boolean, what: () -> String) {
    if (!condition) throw AssertionError("check failed: " + what())
}

inline fun <reified E : Soc2Exception> expectError(call: () -> Unit): E {
    try {
        call()
    } catch (e: Soc2Exception) {
        if (e is E) return e
        throw AssertionError("expected ${E::class.simpleName}, got $e")
    }
    throw AssertionError("expected ${E::class.simpleName}")
}

fun sha256Hex(data: ByteArray): String =
    java.security.MessageDigest.getInstance("SHA-256").digest(data).joinToString("") { "%02x".format(it) }

fun testDocuments() {
    val evidence = evidenceFromJson(evidenceJson)
    check(evidence.controls == listOf("AC-01")) { "controls" }
    check(evidence.observedAt == Instant.parse("2026-03-28T14:05:00Z")) { "observedAt, a java.time.Instant" }
    check(evidence.collector == Collector.Person(id = "cto@example.com")) { "collector" }
    val review = (evidence.payload as Payload.AccessReview).v1
    check(review.accounts[0].decision == ReviewDecision.REVOKE) { "decision" }
    check(review.accounts[0].person == null) { "absent person" }

    val canonical = evidenceToCanonicalJson(evidence)
    check(canonical.startsWith("{\"attachments\":[],\"collected_at\":\"2026-04-02T09:00:00Z\"")) { canonical }
    check(evidenceFromJson(canonical) == evidence) { "canonical round trip" }
    check(sha256(canonical.toByteArray()) == sha256Hex(canonical.toByteArray())) { "sha256" }
}

fun testRecordsBuiltHere() {
    val content = "account,decision\nbob@example.com,revoke\n".toByteArray()
    val evidence = Evidence(
        controls = listOf("AC-01"),
        observedAt = Instant.parse("2026-03-28T14:05:00Z"),
        collectedAt = Instant.parse("2026-04-02T09:00:00Z"),
        collector = Collector.Tool(name = "okta-export", version = "1.0.0"),
        source = "okta",
        attachments = listOf(
            Attachment(sha256 = sha256(content), size = content.size.toULong(),
                mediaType = "text/csv", fileName = "review.csv")
        ),
        payload = Payload.Note(Note(title = "Q1 review export")),
    )
    val text = evidenceToPrettyJson(evidence)
    check(text.endsWith("\n") && text.contains("\"note\"")) { "pretty json" }
    check(evidenceFromJson(text) == evidence) { "pretty round trip" }
}

fun testErrors() {
    val dup = expectError<Soc2Exception.Json> {
        evidenceFromJson("{\n \"source\": \"a\",\n \"source\": \"b\"\n}")
    }
    check(dup.path == "source" && dup.line == 3UL) { dup.toString() }
    check(dup.detail == "3:9: field `source`: duplicate key") { dup.detail }
    check(dup.code == "json.invalid") { dup.code }
    check(dup.toString() == dup.detail) { "Display is the exception's text" }

    val unknown = expectError<Soc2Exception.Json> {
        evidenceFromJson(evidenceJson.replace("\"source\": \"okta\"", "\"source\": \"okta\", \"approved\": true"))
    }
    check(unknown.path == "approved" && unknown.reason.contains("unknown field")) { unknown.toString() }

    // soc2 records whole seconds: an instant with a fraction is refused, not rounded.
    val badTime = Evidence(
        observedAt = Instant.parse("2026-03-28T14:05:00.5Z"), collectedAt = Instant.parse("2026-04-02T09:00:00Z"),
        collector = Collector.Person(id = "cto@example.com"), source = "okta",
        payload = Payload.Note(Note(title = "t")),
    )
    val invalid = expectError<Soc2Exception.Invalid> { evidenceToCanonicalJson(badTime) }
    check(invalid.field == "timestamp" && invalid.reason.contains("2026-03-28T14:05:00.5")) { invalid.toString() }
}

fun testCriteria() {
    val all = criteria()
    check(all.size == 61) { "61 criteria" }
    check(all[0].id == "CC1.1" && all[0].category == Category.SECURITY) { "first criterion" }
    check(parseCriterion("cc_6_1").id == "CC6.1") { "prowler spelling" }
    expectError<Soc2Exception.Invalid> { parseCriterion("CC99.1") }
}

fun testEvaluation() {
    val catalog = sampleCompanyCatalog()
    check(catalog.controls.any { it.control.id == "AC-01" }) { "built-in AC-01" }
    val items = sampleCompanyEvidence(2026).mapIndexed { i, e -> EvidenceItem(seq = i.toULong(), evidence = e) }
    val report = evaluate(catalog, items, "2026-01-01..2026-12-31", LocalDate.of(2026, 12, 31))
    val gaps = report.exceptions.map { it.finding.control }.sorted()
    check(gaps == listOf("AC-01", "CHG-01", "DEV-01", "TRN-01", "VEN-01")) { gaps.toString() }
    check(report.opinion.risk == OpinionRisk.AT_RISK) { "opinion" }
    check(renderReport(report, ReportFormat.MARKDOWN).contains("AC-01")) { "markdown" }

    val company = extendCatalogWithToml(catalog, "disable = [\"AC-01\"]\n", "company.toml")
    check(company.controls.none { it.control.id == "AC-01" }) { "disabled AC-01" }
    val unknown = expectError<Soc2Exception.Catalog> {
        extendCatalogWithToml(catalog, "disable = [\"NOPE-01\"]\n", "company.toml")
    }
    check(unknown.sourceName == "company.toml" && unknown.control == "NOPE-01") { unknown.toString() }
    val reversed = expectError<Soc2Exception.Invalid> {
        evaluate(catalog, items, "2026-12-31..2026-01-01", LocalDate.of(2026, 12, 31))
    }
    check(reversed.field == "audit period") { reversed.toString() }
}

fun replaceInFile(file: java.io.File, old: String, new: String) {
    val text = file.readText(Charsets.ISO_8859_1)
    check(text.contains(old)) { "$file holds $old" }
    file.writeText(text.replaceFirst(old, new), Charsets.ISO_8859_1)
}

fun testLockerScenario() {
    val tmp = java.nio.file.Files.createTempDirectory("soc2-kotlin-test").toFile()
    try {
        val dir = java.io.File(tmp, "locker")
        val locker = Locker.create(dir.path, "example.com/soc2/kotlin-test")
        check(locker.isEmpty()) { "new locker is empty" }

        // Evidence with an attachment: the file is stored first, then the record naming it.
        val content = "%PDF-1.4\n% Q1 access review: bob@example.com revoke\n%%EOF\n".toByteArray()
        val attachment = locker.addAttachment(content, "application/pdf", "review.pdf")
        check(attachment.sha256 == sha256Hex(content)) { "attachment digest" }
        check(attachment.size == content.size.toULong()) { "attachment size" }
        val evidence = Evidence(
            controls = listOf("AC-01"), observedAt = Instant.parse("2025-03-28T14:05:00Z"),
            collectedAt = Instant.parse("2025-04-02T09:00:00Z"), collector = Collector.Person(id = "cto@example.com"),
            source = "okta", attachments = listOf(attachment),
            payload = Payload.Note(Note(title = "Q1 access review export")),
        )
        val first = locker.append(evidence)
        check(first.seq == 0UL && first.leafHash.length == 64) { "first append" }
        val appended = locker.appendBatch(sampleCompanyEvidence(2025))
        check(appended.last().seq == locker.len() - 1UL) { "batch append" }
        check(locker.record(0UL).evidence == evidence) { "record 0 reads back" }

        // Evaluate the period from the locker's records.
        // Recorded today, the year's evidence is late and, typed in without importer
        // provenance, proves nothing: the five gaps are there, among the controls whose
        // evidence came too late.
        val report = locker.evaluate(sampleCompanyCatalog(), "2025-01-01..2025-12-31", LocalDate.of(2025, 12, 31))
        val gaps = report.exceptions.map { it.finding.control }.sorted()
        check(gaps.containsAll(listOf("AC-01", "CHG-01", "DEV-01", "TRN-01", "VEN-01"))) { gaps.toString() }
        check(report.lateRecords.first().seq == 0UL) { report.lateRecords.first().toString() }
        check(report.lateRecords.none { it.counted }) { "late records do not count" }

        // A checkpoint kept elsewhere proves the locker only grows.
        val checkpoint = locker.checkpoint()
        check(checkpoint.size == locker.len() && checkpoint.root == locker.root()) { "checkpoint" }
        locker.verifyCheckpoint(checkpoint.text)
        check(fsckLocker(dir.path).sound) { "fsck of the sound locker" }

        // Export a signed bundle for the period, and verify it as the auditor would.
        val keyPath = java.io.File(tmp, "bundle-key").path
        val signer = Signer.generateFiles(keyPath, "auditee@example.com", null)
        check(signer.principal() == "auditee@example.com") { "principal" }
        check(Signer.load(keyPath, null, null).fingerprint() == signer.fingerprint()) { "key reloads" }
        val readiness = renderReport(report, ReportFormat.JSON).toByteArray()
        val options = ExportOptions(
            period = "2025-01-01..2025-12-31",
            reportFiles = listOf(ReportFile(name = "readiness.json", content = readiness)),
        )
        val bundlePath = java.io.File(tmp, "acme-2025.zip")
        val summary = exportBundle(locker, options, signer, bundlePath.path)
        check(summary.blobs == 1UL && summary.checkpoint == locker.checkpoint()) { summary.toString() }

        // A listener implemented here sees the progress, and can cancel the export.
        class Listener(val goOnFor: Int) : ExportListener {
            val calls = mutableListOf<Pair<ULong, ULong>>()
            override fun onProgress(bytesDone: ULong, bytesTotal: ULong): Boolean {
                calls.add(bytesDone to bytesTotal)
                return calls.size <= goOnFor
            }
        }
        val watched = Listener(1000)
        val again = java.io.File(tmp, "again.zip")
        exportBundleWithProgress(locker, options, signer, again.path, watched)
        val total = summary.blobBytes
        check(watched.calls.first() == (0UL to total) && watched.calls.last() == (total to total)) {
            watched.calls.toString()
        }
        check(again.readBytes().contentEquals(bundlePath.readBytes())) { "same bundle with a listener" }
        val stopper = Listener(0)
        val cancelled = java.io.File(tmp, "cancelled.zip")
        expectError<Soc2Exception.Cancelled> {
            exportBundleWithProgress(locker, options, signer, cancelled.path, stopper)
        }
        check(stopper.calls.size == 1 && !cancelled.exists()) { "cancelled export left nothing" }
        check(tmp.list()!!.none { it.endsWith(".partial") }) { "no temporary file" }
        val trusted = signer.allowedSignersLine()
        val verified = verifyBundle(bundlePath.path, trusted, null)
        check(verified.origin == "example.com/soc2/kotlin-test") { "origin" }
        check(verified.records.size.toULong() == summary.records && verified.records[0].seq == 0UL) { "records" }
        check(verified.blobs[0].sha256 == attachment.sha256) { "blob" }

        // An inclusion proof of a disclosed record, checked against the signed checkpoint
        // with the record's line alone.
        val proof = bundleInclusionProof(bundlePath.path, trusted, null, 0UL)
        val line = java.io.File(dir, "ledger.jsonl").readText().split("\n")[0]
        verifyInclusionProof(proof, line.toByteArray(), verified.checkpoint)
        check(proof == inclusionProofFromLocker(locker, 0UL)) { "proof from the locker" }
        check(inclusionProofFromJson(inclusionProofToJson(proof)) == proof) { "proof JSON" }
        val forged = line.replace("\"observed_at\":\"2025", "\"observed_at\":\"2024")
        check(forged != line) { "forged line differs" }
        expectError<Soc2Exception.Integrity> {
            verifyInclusionProof(proof, forged.toByteArray(), verified.checkpoint)
        }
        val stranger = Signer.generateFiles(java.io.File(tmp, "other-key").path, "mallory@example.com", null)
        val untrusted = expectError<Soc2Exception.Signature> {
            verifyBundle(bundlePath.path, stranger.allowedSignersLine(), null)
        }
        check(untrusted.fingerprint == signer.fingerprint()) { untrusted.toString() }
        check(untrusted.code == "bundle.untrusted_key") { untrusted.code }
        locker.close()

        // A tampered copy of the bundle is rejected, naming the member.
        val tampered = java.io.File(tmp, "tampered.zip")
        bundlePath.copyTo(tampered)
        replaceInFile(tampered, "bob@example.com revoke", "bob@example.com keep!!")
        val rejected = expectError<Soc2Exception.Integrity> { verifyBundle(tampered.path, trusted, null) }
        check(rejected.member == "blobs/sha256/${attachment.sha256}") { rejected.toString() }

        // A tampered copy of the ledger is refused, naming the record.
        val ledgerCopy = java.io.File(tmp, "ledger-copy")
        dir.copyRecursively(ledgerCopy)
        replaceInFile(java.io.File(ledgerCopy, "ledger.jsonl"), "Q1 access review", "Q2 access review")
        val damaged = expectError<Soc2Exception.Integrity> { Locker.open(ledgerCopy.path) }
        check(0UL in damaged.records) { damaged.toString() }

        // A tampered attachment is found by fsck, naming the blob.
        val blobCopy = java.io.File(tmp, "blob-copy")
        dir.copyRecursively(blobCopy)
        val digest = attachment.sha256
        replaceInFile(java.io.File(blobCopy, "blobs/sha256/${digest.take(2)}/$digest"), "revoke", "keep!!")
        val fsck = fsckLocker(blobCopy.path)
        check(!fsck.sound && fsck.problems.any { it.damage && it.blob == digest }) { fsck.problems.toString() }
    } finally {
        tmp.deleteRecursively()
    }
}

// An IAM credential report of two users, written by hand: the root user (MFA off, an
// active access key) and alice (MFA on, no active key).
val credentialReport =
    "user,arn,user_creation_time,password_enabled,password_last_used,mfa_active," +
    "access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date\n" +
    "<root_account>,arn:aws:iam::1:root,2020-01-01T00:00:00+00:00,not_supported," +
    "2025-01-05T00:00:00+00:00,false,true,2020-02-01T00:00:00+00:00,N/A\n" +
    "alice,arn:aws:iam::1:user/alice,2021-01-01T00:00:00+00:00,true," +
    "2025-01-06T00:00:00+00:00,true,false,N/A,N/A\n"

fun testImport() {
    val names = listImportSources().map { it.name }
    check("aws-credential-report" in names && "okta-users" in names) { names.toString() }
    val tmp = java.nio.file.Files.createTempDirectory("soc2-kotlin-import").toFile()
    try {
        val report = java.io.File(tmp, "credential-report.csv")
        report.writeText(credentialReport)
        // A bare CSV does not say when it was made.
        expectError<Soc2Exception.Invalid> { importFiles("aws-credential-report", listOf(report.path)) }
        expectError<Soc2Exception.Invalid> { importFiles("github-pulls", listOf(report.path)) }

        val at = Instant.parse("2026-01-07T00:00:00Z")
        val result = importFiles("aws-credential-report", listOf(report.path), fetchedAt = at)
        val s = result.summary
        check(s.completeness == Completeness.COMPLETE) { s.toString() }
        check(s.rowsRead == 2UL && s.rowsKept == 2UL && s.rowsSkipped == 0UL) { s.toString() }
        check(s.fetchedAt == at && s.fetchedAtSource == FetchedAtSource.ARGUMENT) { s.toString() }
        check(result.evidence.size == 1 && result.appended.isEmpty()) { "one document, not recorded" }
        val accounts = (result.evidence[0].payload as Payload.UserList).v1.accounts
        check(accounts.size == 2 && accounts[0].root && !accounts[1].root) { accounts.toString() }
        check(accounts[1].account == "alice" && accounts[1].mfa == true) { accounts[1].toString() }

        val dir = java.io.File(tmp, "locker")
        val locker = Locker.create(dir.path, "example.com/soc2/kotlin-import")
        val recorded = locker.addImport("aws-credential-report", listOf(report.path), fetchedAt = at)
        check(recorded.appended.map { it.seq } == listOf(0UL)) { recorded.appended.toString() }
        val attachment = locker.record(0UL).evidence.attachments[0]
        check(attachment.fileName == "credential-report.csv") { attachment.toString() }
        check(attachment.sha256 == sha256Hex(credentialReport.toByteArray())) { "stored input digest" }
        val stored = java.io.File(dir, "blobs/sha256/${attachment.sha256.take(2)}/${attachment.sha256}").readText()
        check(stored == credentialReport) { "stored input" }
        val checked = locker.checkImport(0UL)
        check(checked.identical && checked.importer == "aws-credential-report" && checked.inputs == 1UL) {
            checked.toString()
        }
    } finally {
        tmp.deleteRecursively()
    }
}

fun testTrustedTime() {
    val tmp = java.nio.file.Files.createTempDirectory("soc2-kotlin-time").toFile()
    try {
        val locker = Locker.create(java.io.File(tmp, "locker").path, "example.com/soc2/kotlin-time")
        locker.appendBatch(sampleCompanyEvidence(2025).take(3))
        val signer = Signer.generateFiles(java.io.File(tmp, "key").path, "ops@example.com", null)
        val trusted = signer.allowedSignersLine()
        val refused = expectError<Soc2Exception.Locker> { timestampRequest(locker) }
        check(refused.code == "ledger.timestamp_refused") { refused.code }
        val note = signCheckpoint(locker, signer)
        check(note.startsWith("example.com/soc2/kotlin-time\n3\n")) { note }
        val query = timestampRequest(locker)
        check(query[0] == 0x30.toByte()) { "a DER query" }
        val options = ExportOptions(period = "2025-01-01..2025-12-31")
        val q1 = java.io.File(tmp, "q1.zip").path
        exportBundle(locker, options, signer, q1)
        locker.appendBatch(sampleCompanyEvidence(2025).drop(3).take(1))
        signCheckpoint(locker, signer)
        val q2 = java.io.File(tmp, "q2.zip").path
        exportBundle(locker, options, signer, q2)
        check(verifyBundleChained(q2, trusted, null, q1, null).checkpoint.size == 4UL) { "Q2 extends Q1" }
        val rewound = expectError<Soc2Exception.Integrity> { verifyBundleChained(q1, trusted, null, q2, null) }
        check(rewound.code == "bundle.not_an_extension") { rewound.code }
    } finally {
        tmp.deleteRecursively()
    }
}

testDocuments()
testRecordsBuiltHere()
testErrors()
testCriteria()
testEvaluation()
testLockerScenario()
testImport()
testTrustedTime()
println("kotlin: soc2 bindings ok")
