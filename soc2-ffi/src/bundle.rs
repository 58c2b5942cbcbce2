//! Signed evidence bundles: what the auditor receives (soc2-core's `bundle`).
//!
//! [`export_bundle`] writes one zip per audit period from a [`Locker`], signed with a
//! [`Signer`]; [`verify_bundle`] checks a bundle against the signers the auditor trusts,
//! and fails with [`Soc2Error::Integrity`] (naming the member, record or blob) when it
//! was tampered with, or [`Soc2Error::Signature`] when it is not signed by a trusted key.
//! [`export_bundle_with_progress`] reports to an [`ExportListener`], which may cancel;
//! [`bundle_inclusion_proof`] and [`verify_inclusion_proof`] prove one disclosed record
//! to someone who holds only its line and the checkpoint.

use std::collections::BTreeSet;
use std::ops::ControlFlow;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use soc2_core::bundle::{
    self, AllowedSigners, DisclosedBlob, DisclosedRecord, DisclosureSet, Generator, InclusionProof,
    ReportEntry, VerifyOptions,
};
use soc2_core::json::{from_json_str, to_canonical_string};
use soc2_core::ledger;
use soc2_core::model::AuditPeriod;
use soc2_core::report::Report;

use crate::Soc2Error;
use crate::locker::{Checkpoint, Locker};

// The generated uniffi declarations of the bundle types (see `crate::model`); rustfmt
// leaves them as the generator writes them.
#[rustfmt::skip]
#[path = "generated/bundle.rs"]
mod mirrors;

/// An Ed25519 signing key, held in memory by Rust: the private key never crosses into
/// the foreign language, and nothing of it goes into a bundle.
#[derive(uniffi::Object)]
pub struct Signer {
    inner: bundle::Signer,
}

#[uniffi::export]
impl Signer {
    /// Reads an OpenSSH Ed25519 private key file (as `ssh-keygen -t ed25519` or
    /// [`Signer::generate_files`] write it), decrypting it with `passphrase` when it is
    /// passphrase-protected. It signs as `principal` when given (see
    /// [`Signer::generate_files`] for the rules), else as the key's comment when that is a
    /// valid principal, else as `soc2-signer`.
    #[uniffi::constructor]
    pub fn load(
        path: String,
        passphrase: Option<String>,
        principal: Option<String>,
    ) -> Result<Arc<Self>, Soc2Error> {
        let passphrase = passphrase.as_deref().map(str::as_bytes);
        let mut inner = bundle::Signer::load(Path::new(&path), passphrase)?;
        if let Some(principal) = principal {
            inner = inner.with_principal(&principal)?;
        }
        Ok(Arc::new(Signer { inner }))
    }

    /// Generates an Ed25519 key and writes it as `path` (the private key, OpenSSH format,
    /// mode 0600, encrypted with `passphrase` when given) and `path.pub`, like
    /// `ssh-keygen -t ed25519 -C comment`; refuses to overwrite either file. The key signs
    /// as `comment` when that is a valid principal (1 to 255 printable ASCII characters
    /// without spaces, quotes, backslashes, commas, `*`, `?` or `!`, not starting with
    /// `#`, e.g. `alice@example.com`), else as `soc2-signer`.
    #[uniffi::constructor]
    pub fn generate_files(
        path: String,
        comment: String,
        passphrase: Option<String>,
    ) -> Result<Arc<Self>, Soc2Error> {
        let passphrase = passphrase.as_deref().map(str::as_bytes);
        let inner = bundle::generate_key_files(Path::new(&path), &comment, passphrase)?;
        Ok(Arc::new(Signer { inner }))
    }

    /// The principal this key signs as.
    pub fn principal(&self) -> String {
        self.inner.principal().to_owned()
    }

    /// The public key in OpenSSH form without its comment (`ssh-ed25519 AAAA...`).
    pub fn public_key(&self) -> String {
        self.inner.public_key_openssh()
    }

    /// The key's SHA-256 fingerprint as OpenSSH prints it (`SHA256:...`).
    pub fn fingerprint(&self) -> String {
        self.inner.fingerprint()
    }

    /// The `allowed_signers` line that trusts this key for bundles, to hand to the
    /// auditor out of band.
    pub fn allowed_signers_line(&self) -> String {
        self.inner.allowed_signers_line()
    }
}

/// Which records a bundle discloses.
#[derive(Clone, Debug, Default, PartialEq, Eq, uniffi::Enum)]
pub enum Disclosure {
    /// The records whose evidence was observed on a day of the period (UTC).
    #[default]
    ObservedInPeriod,
    /// Those, plus the given earlier records the period relies on (e.g. a report's
    /// `relied_on`).
    ObservedInPeriodAnd {
        /// Sequence numbers of the earlier records.
        records: Vec<u64>,
    },
    /// Exactly the given records.
    Exactly {
        /// Sequence numbers of the records.
        records: Vec<u64>,
    },
}

/// A file to place under `report/` in a bundle.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ReportFile {
    /// Its name relative to `report/` (e.g. `readiness.json`, `html/index.html`).
    pub name: String,
    /// Its content.
    pub content: Vec<u8>,
}

/// What to export.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ExportOptions {
    /// The audit period the bundle is for.
    pub period: AuditPeriod,
    /// Which records to disclose (absent: those observed in the period).
    #[uniffi(default)]
    pub disclose: Option<Disclosure>,
    /// Files to place under `report/`; names must be valid and unique.
    #[uniffi(default)]
    pub report_files: Vec<ReportFile>,
}

impl From<ExportOptions> for bundle::ExportOptions {
    fn from(o: ExportOptions) -> Self {
        let set = |records: Vec<u64>| records.into_iter().collect::<BTreeSet<u64>>();
        bundle::ExportOptions {
            period: o.period,
            disclose: match o.disclose.unwrap_or_default() {
                Disclosure::ObservedInPeriod => DisclosureSet::ObservedInPeriod,
                Disclosure::ObservedInPeriodAnd { records } => {
                    DisclosureSet::ObservedInPeriodAnd(set(records))
                }
                Disclosure::Exactly { records } => DisclosureSet::Exactly(set(records)),
            },
            report_files: o.report_files.into_iter().map(|f| (f.name, f.content)).collect(),
            previous: None,
        }
    }
}

impl From<bundle::ExportOptions> for ExportOptions {
    fn from(o: bundle::ExportOptions) -> Self {
        ExportOptions {
            period: o.period,
            disclose: Some(match o.disclose {
                DisclosureSet::ObservedInPeriod => Disclosure::ObservedInPeriod,
                DisclosureSet::ObservedInPeriodAnd(records) => {
                    Disclosure::ObservedInPeriodAnd { records: records.into_iter().collect() }
                }
                DisclosureSet::Exactly(records) => {
                    Disclosure::Exactly { records: records.into_iter().collect() }
                }
            }),
            report_files: o
                .report_files
                .into_iter()
                .map(|(name, content)| ReportFile { name, content })
                .collect(),
        }
    }
}

/// Options for the period of a readiness report: disclose the records observed in the
/// period and every earlier record the evaluation relied on, and carry the report under
/// `report/` as `readiness.html`, `readiness.json` and `readiness.md`.
#[uniffi::export]
pub fn export_options_for_report(report: Report) -> Result<ExportOptions, Soc2Error> {
    Ok(bundle::ExportOptions::from_report(&report)?.into())
}

/// What an export wrote.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ExportSummary {
    /// The bundle file.
    pub path: String,
    /// The checkpoint the bundle carries (the whole locker at export time).
    pub checkpoint: Checkpoint,
    /// The period exported.
    pub period: AuditPeriod,
    /// The principal it was signed as.
    pub principal: String,
    /// The signing key's fingerprint.
    pub fingerprint: String,
    /// The number of records disclosed.
    pub records: u64,
    /// The number of attachments included.
    pub blobs: u64,
    /// Their total size in bytes.
    pub blob_bytes: u64,
}

/// What a successful [`verify_bundle`] proved.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct VerifiedBundle {
    /// The locker's origin name.
    pub origin: String,
    /// The audit period the bundle was exported for.
    pub period: AuditPeriod,
    /// The principal the signer is trusted as.
    pub principal: String,
    /// The signing key's fingerprint (`SHA256:...`).
    pub fingerprint: String,
    /// The line of the trusted `allowed_signers` that vouched for the key.
    pub allowed_signers_line: u64,
    /// The program that wrote the bundle.
    pub generator: Generator,
    /// The signed checkpoint: origin, locker size and Merkle root at export.
    pub checkpoint: Checkpoint,
    /// The disclosed records, in order, each matched against its leaf.
    pub records: Vec<DisclosedRecord>,
    /// The attachments, each matched against its SHA-256.
    pub blobs: Vec<DisclosedBlob>,
    /// The files under `report/`.
    pub report: Vec<ReportEntry>,
}

/// Writes the signed bundle of `options.period` from `locker` to `path`: the disclosed
/// records, every leaf hash, the checkpoint, the attachments, the report files,
/// `VERIFY.md` (how to check it with stock tools), `SHA256SUMS` and its signature.
#[uniffi::export]
pub fn export_bundle(
    locker: Arc<Locker>,
    options: ExportOptions,
    signer: Arc<Signer>,
    path: String,
) -> Result<ExportSummary, Soc2Error> {
    let s = locker.with(|l| bundle::export(l, &options.into(), &signer.inner, Path::new(&path)))?;
    Ok(summary(s))
}

fn summary(s: bundle::ExportSummary) -> ExportSummary {
    ExportSummary {
        path: s.path.display().to_string(),
        checkpoint: s.checkpoint.into(),
        period: s.period,
        principal: s.principal,
        fingerprint: s.fingerprint,
        records: s.records,
        blobs: s.blobs,
        blob_bytes: s.blob_bytes,
    }
}

/// Told how an export is going, and asked whether to go on. Implement it in the foreign
/// language and pass it to [`export_bundle_with_progress`].
#[uniffi::export(foreign)]
pub trait ExportListener: Send + Sync {
    /// `bytes_done` of the export's `bytes_total` attachment bytes are written: called
    /// once before the first (with 0 done), then for each piece of an attachment (at
    /// most 1 MiB) or small compressed attachment, and a last time when everything is
    /// written, before the bundle is put in place. Return `false` to cancel, even then:
    /// the export fails with `Soc2Error::Cancelled`, leaves nothing behind and leaves
    /// the target untouched. Called on the thread
    /// that called [`export_bundle_with_progress`], while the export goes on in a helper
    /// thread: it may read the locker (its size, root and checkpoint answer at once; calls
    /// that need the whole locker wait for the export to end).
    fn on_progress(&self, bytes_done: u64, bytes_total: u64) -> bool;
}

/// [`export_bundle`], telling `listener` how it goes and letting it cancel the export.
#[uniffi::export]
pub fn export_bundle_with_progress(
    locker: Arc<Locker>,
    options: ExportOptions,
    signer: Arc<Signer>,
    path: String,
    listener: Arc<dyn ExportListener>,
) -> Result<ExportSummary, Soc2Error> {
    let options = options.into();
    // The export holds the locker throughout, so it runs on a helper thread, and the
    // listener is called here, holding nothing: it may use the locker (or wait for
    // another foreign thread that does) without deadlocking the export. The bundle is
    // put in place only once the listener has answered every report.
    let s = bundle::export_relayed(
        // The listener has nothing to do between reports.
        Duration::from_secs(60),
        |report| {
            locker.with(|l| {
                bundle::prepare_export(l, &options, &signer.inner, Path::new(&path), report)
            })
        },
        &mut |p: Option<bundle::ExportProgress>| match p {
            Some(p) if !listener.on_progress(p.bytes_done, p.bytes_total) => ControlFlow::Break(()),
            _ => ControlFlow::Continue(()),
        },
    )?;
    Ok(summary(s))
}

/// Verifies the bundle at `path` against `allowed_signers` (the text of an OpenSSH
/// `allowed_signers` file naming the keys the auditor trusts), optionally requiring the
/// signer to be trusted as `identity`. Every member, record, leaf, blob and the
/// signature are checked before anything is returned.
#[uniffi::export]
pub fn verify_bundle(
    path: String,
    allowed_signers: String,
    identity: Option<String>,
) -> Result<VerifiedBundle, Soc2Error> {
    Ok(verified_with(&path, &allowed_signers, identity, None, None)?.into())
}

impl From<bundle::VerifiedBundle> for VerifiedBundle {
    fn from(v: bundle::VerifiedBundle) -> Self {
        VerifiedBundle {
            origin: v.origin,
            period: v.period,
            principal: v.principal,
            fingerprint: v.fingerprint,
            allowed_signers_line: v.allowed_signers_line as u64,
            generator: v.generator,
            checkpoint: v.checkpoint.into(),
            records: v.records,
            blobs: v.blobs,
            report: v.report,
        }
    }
}

/// [`verify_bundle`], and with `previous` (the path of an earlier bundle of the same
/// locker) also verifies that one and that this bundle extends it (an RFC 9162
/// consistency proof: `Soc2Error::Integrity` names the first record that differs when
/// history was rewritten, removed or forked); with `tsa_ca_pem` (the PEM text of the CA
/// certificates trusted for the time-stamp authority), every RFC 3161 token the bundle
/// carries must chain to them.
#[uniffi::export]
pub fn verify_bundle_chained(
    path: String,
    allowed_signers: String,
    identity: Option<String>,
    previous: Option<String>,
    tsa_ca_pem: Option<String>,
) -> Result<VerifiedBundle, Soc2Error> {
    Ok(verified_with(&path, &allowed_signers, identity, previous, tsa_ca_pem)?.into())
}

/// Signs the locker's current checkpoint with `signer` (a C2SP signed note under the
/// locker's origin and an SSHSIG over it, namespace `soc2-checkpoint-v1`) and keeps it
/// for good in the locker's `checkpoints/`; returns the signed note's text. Signing the
/// same checkpoint again returns the stored note.
#[uniffi::export]
pub fn sign_checkpoint(locker: Arc<Locker>, signer: Arc<Signer>) -> Result<String, Soc2Error> {
    let signed = locker.with(|l| bundle::sign_checkpoint(l, &signer.inner))?;
    Ok(String::from_utf8_lossy(&signed.note).into_owned())
}

/// An RFC 3161 time-stamp token stored beside a signed checkpoint.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct TimestampInfo {
    /// The timestamped checkpoint's size: records `0..checkpoint_size` are covered.
    pub checkpoint_size: u64,
    /// The token's time (`genTime`), by the TSA's clock.
    pub gen_time: soc2_core::model::Timestamp,
    /// The TSA, as its certificate names it.
    pub tsa: String,
    /// The token's serial number, hex.
    pub serial: String,
    /// The TSA policy it was issued under (an OID).
    pub policy: String,
}

fn timestamp_info((cp, v): (ledger::SignedCheckpoint, ledger::VerifiedTimestamp)) -> TimestampInfo {
    TimestampInfo {
        checkpoint_size: cp.checkpoint.size,
        gen_time: v.gen_time.into(),
        tsa: v.tsa,
        serial: v.serial,
        policy: v.policy,
    }
}

fn tsa_trust(pem: &str) -> Result<ledger::TsaTrust, Soc2Error> {
    Ok(ledger::TsaTrust::from_pem(pem.as_bytes())
        .map_err(|e| soc2_core::Error::from(ledger::LedgerError::from(e)))?)
}

/// An RFC 3161 time-stamp query (DER, `application/timestamp-query`, with a fresh
/// nonce) over the locker's newest signed checkpoint ([`sign_checkpoint`] first): send
/// it to the TSA by any means, then give the reply and this query to [`store_timestamp`].
#[uniffi::export]
pub fn timestamp_request(locker: Arc<Locker>) -> Result<Vec<u8>, Soc2Error> {
    Ok(locker.with(|l| l.timestamp_request())?.der)
}

/// Checks the TSA's DER `response` to the DER `request` (status, imprint, nonce, CMS
/// signature, the signer's timeStamping purpose and its chain to the CA certificates in
/// `tsa_ca_pem`) and stores it beside the newest signed checkpoint
/// (`checkpoints/<size>.tsr`, append-only).
#[uniffi::export]
pub fn store_timestamp(
    locker: Arc<Locker>,
    request: Vec<u8>,
    response: Vec<u8>,
    tsa_ca_pem: String,
) -> Result<TimestampInfo, Soc2Error> {
    let trust = tsa_trust(&tsa_ca_pem)?;
    let request = ledger::TimestampRequest::parse(&request)
        .map_err(|e| soc2_core::Error::from(ledger::LedgerError::from(e)))?;
    Ok(timestamp_info(locker.with(|l| l.store_timestamp(&request, response, &trust))?))
}

/// Timestamps the locker's newest signed checkpoint with the TSA at `url` (HTTP POST,
/// 30 s timeout; plain `http://`, as the reply is signed), checks the reply as
/// [`store_timestamp`] does and stores it.
#[uniffi::export]
pub fn timestamp_with_tsa(
    locker: Arc<Locker>,
    url: String,
    tsa_ca_pem: String,
) -> Result<TimestampInfo, Soc2Error> {
    let trust = tsa_trust(&tsa_ca_pem)?;
    Ok(timestamp_info(locker.with(|l| l.timestamp_with_tsa(&url, &trust))?))
}

/// soc2-core's verification of the bundle at `path`, against `previous` and the TSA CA.
/// Told how a long read is going (a bundle's verification, a locker's fsck), and asked
/// whether to go on. Implement it in the foreign language and pass it to
/// [`verify_bundle_with_progress`] or [`crate::locker::fsck_locker_with_progress`].
#[uniffi::export(foreign)]
pub trait ReadListener: Send + Sync {
    /// `bytes_done` of `bytes_total` are read: called once with 0 done, then at most
    /// every 4 MiB, and a last time with everything read. Return `false` to stop: the call
    /// fails with `Soc2Error::Cancelled` (nothing is written either way). Called on the
    /// thread that made the call, which holds no locker.
    fn on_progress(&self, bytes_done: u64, bytes_total: u64) -> bool;
}

/// The listener as soc2-core's progress callback.
pub(crate) fn listen(
    listener: &dyn ReadListener,
) -> impl FnMut(soc2_core::progress::ReadProgress) -> ControlFlow<()> + '_ {
    move |p| match listener.on_progress(p.bytes_done, p.bytes_total) {
        true => ControlFlow::Continue(()),
        false => ControlFlow::Break(()),
    }
}

/// [`verify_bundle_chained`], reporting to `listener` as the members are read and hashed
/// (their uncompressed bytes); it may stop the verification.
#[uniffi::export]
pub fn verify_bundle_with_progress(
    path: String,
    allowed_signers: String,
    identity: Option<String>,
    previous: Option<String>,
    tsa_ca_pem: Option<String>,
    listener: Arc<dyn ReadListener>,
) -> Result<VerifiedBundle, Soc2Error> {
    let mut progress = listen(listener.as_ref());
    Ok(verified_with_progress(
        &path,
        &allowed_signers,
        identity,
        previous,
        tsa_ca_pem,
        &mut progress,
    )?
    .into())
}

fn verified_with(
    path: &str,
    allowed_signers: &str,
    identity: Option<String>,
    previous: Option<String>,
    tsa_ca_pem: Option<String>,
) -> Result<bundle::VerifiedBundle, Soc2Error> {
    verified_with_progress(path, allowed_signers, identity, previous, tsa_ca_pem, &mut |_| {
        ControlFlow::Continue(())
    })
}

fn verified_with_progress(
    path: &str,
    allowed_signers: &str,
    identity: Option<String>,
    previous: Option<String>,
    tsa_ca_pem: Option<String>,
    progress: &mut dyn FnMut(soc2_core::progress::ReadProgress) -> ControlFlow<()>,
) -> Result<bundle::VerifiedBundle, Soc2Error> {
    let trusted = AllowedSigners::parse(allowed_signers.as_bytes()).map_err(|source| {
        soc2_core::bundle::BundleError::AllowedSigners { file: "allowed_signers".into(), source }
    })?;
    let mut options = match identity {
        Some(identity) => VerifyOptions::with_identity(identity),
        None => VerifyOptions::default(),
    };
    options.tsa_trust = tsa_ca_pem.as_deref().map(tsa_trust).transpose()?;
    Ok(match previous {
        Some(previous) => bundle::verify_with_previous_progress(
            Path::new(path),
            Path::new(&previous),
            &trusted,
            &options,
            progress,
        )?,
        None => bundle::verify_with_progress(Path::new(path), &trusted, &options, progress)?,
    })
}

/// The inclusion proof of record `seq` in the locker's current checkpoint.
#[uniffi::export]
pub fn inclusion_proof_from_locker(
    locker: Arc<Locker>,
    seq: u64,
) -> Result<InclusionProof, Soc2Error> {
    Ok(locker.with(|l| InclusionProof::from_locker(l, seq))?)
}

/// Verifies the bundle at `path` (as [`verify_bundle`] does), then proves that its
/// disclosed record `seq` is in its signed checkpoint.
#[uniffi::export]
pub fn bundle_inclusion_proof(
    path: String,
    allowed_signers: String,
    identity: Option<String>,
    seq: u64,
) -> Result<InclusionProof, Soc2Error> {
    Ok(verified_with(&path, &allowed_signers, identity, None, None)?.inclusion_proof(seq)?)
}

/// Checks `proof` for `record_line` (the record's canonical line, from the locker or a
/// bundle's `records.jsonl`, without its newline) against `trusted`, a checkpoint the
/// caller trusts. Fails with `Soc2Error.Integrity` when it does not hold.
#[uniffi::export]
pub fn verify_inclusion_proof(
    proof: InclusionProof,
    record_line: Vec<u8>,
    trusted: Checkpoint,
) -> Result<(), Soc2Error> {
    let trusted =
        ledger::Checkpoint { origin: trusted.origin, size: trusted.size, root: trusted.root.0 };
    Ok(proof.verify(&record_line, &trusted)?)
}

/// The proof as canonical JSON, to hand to someone else.
#[uniffi::export]
pub fn inclusion_proof_to_json(proof: InclusionProof) -> Result<String, Soc2Error> {
    Ok(to_canonical_string(&proof)?)
}

/// A proof from its JSON.
#[uniffi::export]
pub fn inclusion_proof_from_json(json: String) -> Result<InclusionProof, Soc2Error> {
    Ok(from_json_str(&json)?)
}
