//! Signed evidence bundles: keys, export, verification and inclusion proofs, for
//! `soc2/bundle.py`. Export and verification run with the interpreter detached.

use std::collections::BTreeSet;
use std::path::PathBuf;

use pyo3::prelude::*;
use soc2_core::bundle::{self, AllowedSigners, DisclosureSet, ExportOptions, VerifyOptions};
use soc2_core::json::{from_json_str, to_canonical_string};
use soc2_core::model::{AuditPeriod, Sha256Digest};

use crate::depy::from_py;
use crate::errors::{IntoPy, core_error};
use crate::locker::{Checkpoint, Locker, TextOrBytes};

fn bundle_err(py: Python<'_>, e: bundle::BundleError) -> PyErr {
    core_error(py, &soc2_core::Error::from(e))
}

/// An Ed25519 key that signs bundles, with the principal (identity) it signs as.
#[pyclass(module = "soc2", frozen)]
pub(crate) struct Signer(bundle::Signer);

#[pymethods]
impl Signer {
    /// Reads an OpenSSH Ed25519 private key file (decrypting it with `passphrase`); it
    /// signs as `principal` when given (Rust: `Signer::load(..)?.with_principal(..)`).
    #[staticmethod]
    #[pyo3(signature = (path, passphrase = None, principal = None))]
    fn load(
        py: Python<'_>,
        path: PathBuf,
        passphrase: Option<Vec<u8>>,
        principal: Option<&str>,
    ) -> PyResult<Self> {
        py.detach(|| {
            let signer = bundle::Signer::load(&path, passphrase.as_deref())?;
            match principal {
                Some(p) => signer.with_principal(p),
                None => Ok(signer),
            }
        })
        .map(Signer)
        .map_err(|e| bundle_err(py, e))
    }

    /// Reads an OpenSSH Ed25519 private key from its text (`str` or `bytes`, as a file
    /// holds it), decrypting it with `passphrase`; `what` names it in errors.
    #[staticmethod]
    #[pyo3(signature = (key, passphrase = None, principal = None, what = "<private key>"))]
    fn from_openssh(
        py: Python<'_>,
        key: TextOrBytes,
        passphrase: Option<Vec<u8>>,
        principal: Option<&str>,
        what: &str,
    ) -> PyResult<Self> {
        let what = std::path::Path::new(what);
        py.detach(|| {
            let signer = bundle::Signer::from_openssh(key.as_bytes(), what, passphrase.as_deref())?;
            match principal {
                Some(p) => signer.with_principal(p),
                None => Ok(signer),
            }
        })
        .map(Signer)
        .map_err(|e| bundle_err(py, e))
    }

    /// Reads an OpenSSH Ed25519 private key from the environment variable `variable` (a CI
    /// secret holding the key file's text), decrypting it with `passphrase`.
    #[staticmethod]
    #[pyo3(signature = (variable = "SOC2_SIGNING_KEY", passphrase = None, principal = None))]
    fn from_env(
        py: Python<'_>,
        variable: &str,
        passphrase: Option<Vec<u8>>,
        principal: Option<&str>,
    ) -> PyResult<Self> {
        let Some(key) = std::env::var_os(variable) else {
            let reason = format!("the environment variable {variable} is not set");
            return Err(crate::errors::invalid(py, "variable", reason));
        };
        let key = TextOrBytes::Bytes(key.into_encoded_bytes());
        Self::from_openssh(py, key, passphrase, principal, &format!("${variable}"))
    }

    /// A new key in memory (not written anywhere); `comment` becomes the principal when it
    /// is a valid one.
    #[staticmethod]
    #[pyo3(signature = (comment = "soc2-signer"))]
    fn generate(py: Python<'_>, comment: &str) -> PyResult<Self> {
        bundle::Signer::generate(comment).map(Signer).map_err(|e| bundle_err(py, e))
    }

    /// The principal bundles are signed as.
    #[getter]
    fn principal(&self) -> &str {
        self.0.principal()
    }

    /// The public key, one OpenSSH line (`ssh-ed25519 AAAA... comment`).
    #[getter]
    fn public_key(&self) -> String {
        self.0.public_key_openssh()
    }

    /// The key's fingerprint, `SHA256:...` as `ssh-keygen -l` prints it.
    #[getter]
    fn fingerprint(&self) -> String {
        self.0.fingerprint()
    }

    /// The `allowed_signers` line an auditor adds to trust this key for its principal.
    fn allowed_signers_line(&self) -> String {
        self.0.allowed_signers_line()
    }

    /// Signs `message` for the bundle namespace; returns the armored SSH signature.
    fn sign(&self, py: Python<'_>, message: &[u8]) -> PyResult<String> {
        py.detach(|| self.0.sign(message)).map_err(|e| bundle_err(py, e))
    }

    fn __repr__(&self) -> String {
        format!(
            "Signer(principal={:?}, fingerprint={:?})",
            self.0.principal(),
            self.0.fingerprint()
        )
    }
}

/// Writes a new Ed25519 key to `path` (private, mode 0600, encrypted with `passphrase`
/// when given) and `path.pub`; refuses to overwrite either.
#[pyfunction]
#[pyo3(signature = (path, comment = "soc2-signer", passphrase = None))]
pub(crate) fn keygen(
    py: Python<'_>,
    path: PathBuf,
    comment: &str,
    passphrase: Option<Vec<u8>>,
) -> PyResult<Signer> {
    py.detach(|| bundle::generate_key_files(&path, comment, passphrase.as_deref()))
        .map(Signer)
        .map_err(|e| bundle_err(py, e))
}

/// The keys an auditor trusts, in OpenSSH `allowed_signers` format.
#[pyclass(module = "soc2", frozen)]
pub(crate) struct TrustedSigners(AllowedSigners);

#[pymethods]
impl TrustedSigners {
    /// Reads an `allowed_signers` file.
    #[staticmethod]
    fn from_file(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        AllowedSigners::from_file(&path).map(TrustedSigners).map_err(|e| bundle_err(py, e))
    }

    /// Parses `allowed_signers` text (`str` or `bytes`).
    #[staticmethod]
    fn parse(py: Python<'_>, text: TextOrBytes) -> PyResult<Self> {
        AllowedSigners::parse(text.as_bytes()).map(TrustedSigners).map_err(|e| {
            bundle_err(py, bundle::BundleError::AllowedSigners { file: "<text>".into(), source: e })
        })
    }

    fn __len__(&self) -> usize {
        self.0.entries().len()
    }
}

/// What an export wrote: `(path, checkpoint, period JSON, principal, fingerprint, records,
/// blobs, blob bytes)`.
type Summary = (PathBuf, Checkpoint, String, String, String, u64, u64, u64);

/// Exports the signed bundle of a period from a locker to `out`.
///
/// With a `report` (a `Report` object), the options are soc2-core's for that report: its
/// period, the records observed in it plus those the report relies on (and `records`),
/// and the report's renderings under `report/` (HTML, JSON, Markdown and OSCAL), with `report_files` (the workpapers,
/// named `workpapers/...` by the Python layer). Otherwise `period` (an `AuditPeriod`
/// object) with `disclose` `"observed"` (the records observed in the period, plus
/// `records`) or `"exactly"` (exactly `records`), and `report_files` under `report/`.
///
/// `progress`, if given, is called with `(bytes_done, bytes_total)` as attachments are
/// written. An exception it raises, or a pending signal (Ctrl-C: `KeyboardInterrupt`),
/// cancels the export, which leaves nothing behind, and is raised here.
#[pyfunction]
#[pyo3(signature = (locker, period, report, signer, out, disclose, records, report_files, progress=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn export_bundle(
    py: Python<'_>,
    locker: &Locker,
    period: Option<&Bound<'_, PyAny>>,
    report: Option<&Bound<'_, PyAny>>,
    signer: &Signer,
    out: PathBuf,
    disclose: &str,
    records: Vec<u64>,
    report_files: Vec<(String, Vec<u8>)>,
    progress: Option<Py<PyAny>>,
) -> PyResult<Summary> {
    let seqs: BTreeSet<u64> = records.into_iter().collect();
    let options = match (report, period) {
        (Some(report), _) => {
            let report: soc2_core::Report = from_py(report).py_err(py)?;
            let mut options = ExportOptions::from_report(&report).py_err(py)?;
            // The report as OSCAL too, as the CLI's bundles carry it; the locker's lock is
            // taken without the interpreter.
            py.detach(|| options.add_oscal(&report, &locker.lock_unattached())).py_err(py)?;
            if let DisclosureSet::ObservedInPeriodAnd(relied) = &mut options.disclose {
                relied.extend(seqs);
            }
            // The workpapers, under `workpapers/` (the Python layer names them so).
            options.report_files.extend(report_files);
            options
        }
        (None, Some(period)) => {
            let period: AuditPeriod = from_py(period).py_err(py)?;
            let disclose = match disclose {
                "exactly" => DisclosureSet::Exactly(seqs),
                _ if seqs.is_empty() => DisclosureSet::ObservedInPeriod,
                _ => DisclosureSet::ObservedInPeriodAnd(seqs),
            };
            ExportOptions { period, disclose, report_files, previous: None }
        }
        (None, None) => return Err(crate::errors::invalid(py, "period", "no period given".into())),
    };
    // Why the export was cancelled from Python, if it was.
    let mut cancelled: Option<PyErr> = None;
    let result = py.detach(|| {
        let mut call = crate::relay::call_progress(progress.as_ref(), &mut cancelled);
        // The export holds the locker throughout, so it runs on a helper thread that never
        // touches Python; `progress` runs here, holding nothing: it may use the locker. The
        // bundle is put in place only once `progress` has answered every report.
        bundle::export_relayed(
            crate::relay::SIGNAL_CHECK_EVERY,
            |report| {
                let locker = locker.lock_unattached();
                bundle::prepare_export(&locker, &options, &signer.0, &out, &mut |p| report(p))
            },
            &mut |p: Option<bundle::ExportProgress>| call(p.map(|p| (p.bytes_done, p.bytes_total))),
        )
    });
    if let Some(e) = cancelled {
        // Nothing was written, and the target is untouched.
        return Err(e);
    }
    let s = result.py_err(py)?;
    Ok((
        s.path,
        Checkpoint::from(s.checkpoint),
        to_canonical_string(&s.period).py_err(py)?,
        s.principal,
        s.fingerprint,
        s.records,
        s.blobs,
        s.blob_bytes,
    ))
}

/// A bundle whose signature, hashes, records, leaves and checkpoint all verified.
#[pyclass(module = "soc2", frozen)]
pub(crate) struct VerifiedBundle(bundle::VerifiedBundle);

#[pymethods]
impl VerifiedBundle {
    /// The locker's origin name.
    #[getter]
    fn origin(&self) -> &str {
        &self.0.origin
    }

    /// The audit period, as JSON.
    fn period_json(&self, py: Python<'_>) -> PyResult<String> {
        to_canonical_string(&self.0.period).py_err(py)
    }

    /// The principal the bundle was signed as.
    #[getter]
    fn principal(&self) -> &str {
        &self.0.principal
    }

    /// The signing key's fingerprint.
    #[getter]
    fn fingerprint(&self) -> &str {
        &self.0.fingerprint
    }

    /// The line of the trusted `allowed_signers` that matched the key (1-based).
    #[getter]
    fn allowed_signers_line(&self) -> usize {
        self.0.allowed_signers_line
    }

    /// The tool that wrote the bundle: `(name, version)`.
    #[getter]
    fn generator(&self) -> (String, String) {
        (self.0.generator.name.clone(), self.0.generator.version.clone())
    }

    /// The signed checkpoint (the whole locker at export time).
    #[getter]
    fn checkpoint(&self) -> Checkpoint {
        Checkpoint::from(self.0.checkpoint.clone())
    }

    /// The disclosed records: `(seq, leaf hash)`, in order.
    #[getter]
    fn records(&self) -> Vec<(u64, String)> {
        self.0.records.iter().map(|r| (r.seq, r.leaf_hash.to_hex())).collect()
    }

    /// The disclosed attachments, as JSON objects (`sha256`, `size`, ...).
    fn blobs_json(&self, py: Python<'_>) -> PyResult<String> {
        to_canonical_string(&self.0.blobs).py_err(py)
    }

    /// The report files, as JSON objects (`name`, `sha256`, `size`).
    fn report_json(&self, py: Python<'_>) -> PyResult<String> {
        to_canonical_string(&self.0.report).py_err(py)
    }

    /// Each disclosed record's line (canonical bytes, no newline), in order, with its seq.
    fn record_lines<'py>(&self, py: Python<'py>) -> Vec<(u64, Bound<'py, pyo3::types::PyBytes>)> {
        self.0
            .record_lines()
            .map(|(seq, line)| (seq, pyo3::types::PyBytes::new(py, line)))
            .collect()
    }

    /// The line of disclosed record `seq`, or `None` if it is not disclosed.
    fn record_line<'py>(
        &self,
        py: Python<'py>,
        seq: u64,
    ) -> Option<Bound<'py, pyo3::types::PyBytes>> {
        self.0.record_line(seq).map(|line| pyo3::types::PyBytes::new(py, line))
    }

    /// The number of disclosed records.
    fn record_count(&self) -> u64 {
        self.0.record_count()
    }

    /// The checkpoint's Merkle root, as hex.
    #[getter]
    fn root(&self) -> String {
        Sha256Digest(self.0.root()).to_hex()
    }

    /// Every leaf hash of the locker up to the checkpoint, as hex.
    fn leaves(&self) -> Vec<String> {
        self.0.leaves().iter().map(|l| Sha256Digest(*l).to_hex()).collect()
    }

    /// The inclusion proof of disclosed record `seq` in the signed checkpoint, as JSON.
    fn inclusion_proof(&self, py: Python<'_>, seq: u64) -> PyResult<String> {
        let proof = self.0.inclusion_proof(seq).map_err(|e| bundle_err(py, e))?;
        serde_json::to_string(&proof)
            .map_err(|e| crate::errors::invalid(py, "proof", e.to_string()))
    }
}

/// Verifies the bundle at `path` against the trusted signers (and `identity`, the
/// principal the signer must be trusted as, when given); with `previous` (an earlier
/// bundle of the same locker) verifies it too, and that this bundle extends it; with
/// `tsa_ca` (PEM), checks every time-stamp token the bundle carries against those CAs.
/// `progress`, if given, is called with `(bytes_done, bytes_total)` as members are hashed;
/// an exception it raises, or Ctrl-C, stops the verification and is raised here.
#[pyfunction]
#[pyo3(signature = (path, trusted, identity = None, previous = None, tsa_ca = None, progress = None))]
pub(crate) fn verify_bundle(
    py: Python<'_>,
    path: PathBuf,
    trusted: &TrustedSigners,
    identity: Option<String>,
    previous: Option<PathBuf>,
    tsa_ca: Option<Vec<u8>>,
    progress: Option<Py<PyAny>>,
) -> PyResult<VerifiedBundle> {
    let mut options = VerifyOptions::default();
    options.identity = identity;
    options.tsa_trust = tsa_ca.map(|pem| tsa_trust(py, &pem)).transpose()?;
    // On a helper thread, so that Ctrl-C (and an exception from `progress`) stops it.
    crate::relay::read_relayed(py, progress.as_ref(), |report| match &previous {
        Some(previous) => {
            bundle::verify_with_previous_progress(&path, previous, &trusted.0, &options, report)
        }
        None => bundle::verify_with_progress(&path, &trusted.0, &options, report),
    })?
    .map(VerifiedBundle)
    .map_err(|e| bundle_err(py, e))
}

/// Signs the locker's current checkpoint with `signer` (a C2SP signed note and an
/// SSHSIG) and keeps it in the locker's `checkpoints/`; returns the signed note.
#[pyfunction]
pub(crate) fn sign_checkpoint(
    py: Python<'_>,
    locker: &Locker,
    signer: &Signer,
) -> PyResult<String> {
    // `with` waits for the locker with the interpreter detached (see GUIDE.md).
    let signed = locker.with(py, |l| bundle::sign_checkpoint(l, &signer.0)).py_err(py)?;
    Ok(String::from_utf8_lossy(&signed.note).into_owned())
}

/// What a stored time-stamp token says: `(checkpoint_size, gen_time, tsa, serial,
/// policy)`, `gen_time` as an RFC 3339 UTC timestamp.
type TimestampInfo = (u64, String, String, String, String);

fn timestamp_info(
    (cp, v): (soc2_core::ledger::SignedCheckpoint, soc2_core::ledger::VerifiedTimestamp),
) -> TimestampInfo {
    (
        cp.checkpoint.size,
        soc2_core::model::Timestamp::from(v.gen_time).to_string(),
        v.tsa,
        v.serial,
        v.policy,
    )
}

fn tsa_trust(py: Python<'_>, pem: &[u8]) -> PyResult<soc2_core::ledger::TsaTrust> {
    soc2_core::ledger::TsaTrust::from_pem(pem)
        .map_err(|e| soc2_core::Error::from(soc2_core::ledger::LedgerError::from(e)))
        .py_err(py)
}

/// The TSA CA file at `path`: a regular file of at most `MAX_CA_SIZE` bytes.
#[pyfunction]
pub(crate) fn read_tsa_ca(py: Python<'_>, path: PathBuf) -> PyResult<Vec<u8>> {
    py.detach(|| {
        soc2_core::input::read_file(&path, "TSA CA file", soc2_core::ledger::timestamp::MAX_CA_SIZE)
    })
    .map_err(soc2_core::Error::from)
    .py_err(py)
}

/// An RFC 3161 time-stamp query (DER) over the locker's newest signed checkpoint.
#[pyfunction]
pub(crate) fn timestamp_request(py: Python<'_>, locker: &Locker) -> PyResult<Vec<u8>> {
    locker.with(py, |l| l.timestamp_request().map(|r| r.der)).py_err(py)
}

/// Checks the TSA's DER `response` to the DER `request` (made by `timestamp_request`)
/// against the CA certificates in `tsa_ca` (PEM) and stores it beside the newest signed
/// checkpoint.
#[pyfunction]
pub(crate) fn store_timestamp(
    py: Python<'_>,
    locker: &Locker,
    request: Vec<u8>,
    response: Vec<u8>,
    tsa_ca: Vec<u8>,
) -> PyResult<TimestampInfo> {
    let trust = tsa_trust(py, &tsa_ca)?;
    let request = soc2_core::ledger::TimestampRequest::parse(&request)
        .map_err(|e| soc2_core::Error::from(soc2_core::ledger::LedgerError::from(e)))
        .py_err(py)?;
    locker
        .with(py, |l| l.store_timestamp(&request, response, &trust))
        .map(timestamp_info)
        .py_err(py)
}

/// Timestamps the locker's newest signed checkpoint with the TSA at `url` (HTTP POST),
/// checks the reply against `tsa_ca` (PEM) and stores it.
#[pyfunction]
pub(crate) fn timestamp(
    py: Python<'_>,
    locker: &Locker,
    url: String,
    tsa_ca: Vec<u8>,
) -> PyResult<TimestampInfo> {
    let trust = tsa_trust(py, &tsa_ca)?;
    locker.with(py, |l| l.timestamp_with_tsa(&url, &trust)).map(timestamp_info).py_err(py)
}

/// The inclusion proof (JSON) of record `seq` in the locker's current checkpoint.
#[pyfunction]
pub(crate) fn inclusion_proof_from_locker(
    py: Python<'_>,
    locker: &Locker,
    seq: u64,
) -> PyResult<String> {
    let proof = locker.with(py, |l| bundle::InclusionProof::from_locker(l, seq)).py_err(py)?;
    serde_json::to_string(&proof).map_err(|e| crate::errors::invalid(py, "proof", e.to_string()))
}

/// Checks an inclusion proof (JSON): `record_line` is the record's line (from the locker
/// or a bundle's `records.jsonl`, without its newline) and `trusted` a checkpoint the
/// caller trusts.
#[pyfunction]
pub(crate) fn verify_inclusion_proof(
    py: Python<'_>,
    proof_json: &str,
    record_line: &[u8],
    trusted: &Checkpoint,
) -> PyResult<()> {
    let proof: bundle::InclusionProof = from_json_str(proof_json).py_err(py)?;
    proof.verify(record_line, trusted.inner()).map_err(|e| bundle_err(py, e))
}
