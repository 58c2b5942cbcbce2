//! RFC 3161 timestamps over signed checkpoints: the request soc2 sends to a Time-Stamp
//! Authority (TSA), and the checks a reply must pass before it is stored as
//! `checkpoints/<size>.tsr` beside the checkpoint's `.note`.
//!
//! The message imprint is the SHA-256 of the whole `.note` file (text and signatures),
//! so `openssl ts -verify -digest <sha256 of the .note> -in <size>.tsr -CAfile CA`
//! checks a token with stock tools. A reply is accepted only when:
//!
//! - its status is `granted` (or `grantedWithMods`) and it carries a token;
//! - the token is CMS SignedData over a TSTInfo (`id-ct-TSTInfo`), with signed
//!   attributes whose content type and message digest match the TSTInfo, and whose
//!   signature verifies with the signer's certificate (RSA PKCS #1 v1.5 or ECDSA P-256 /
//!   P-384, SHA-256/384/512);
//! - the signer's certificate carries the critical extended key usage
//!   `id-kp-timeStamping` and nothing else (RFC 3161 §2.3), is valid at the token's
//!   time, and chains (through certificates the token carries) to a certificate of the
//!   CA file the caller trusts, every certificate valid at the token's time;
//! - the message imprint is SHA-256 of the checkpoint note, and the nonce is the
//!   request's (when the request is known: a stored token is re-checked without it).
//!
//! What this does not check: revocation (no CRL or OCSP is fetched) and the ESS
//! signing-certificate attribute (the signer is found by the SignerInfo's identifier).

use chrono::{DateTime, Utc};
use cms::cert::CertificateChoices;
use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerIdentifier};
use der::asn1::{Int, OctetString};
use der::oid::ObjectIdentifier;
use der::{Any, Decode, Encode};
use p256::ecdsa::signature::hazmat::PrehashVerifier;
use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256, Sha384, Sha512};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::Certificate;
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, SubjectKeyIdentifier};
use x509_tsp::{MessageImprint, TimeStampReq, TimeStampResp, TspVersion, TstInfo};

/// The largest time-stamp response accepted (a token with a few certificates is a few
/// KiB).
pub const MAX_RESPONSE_SIZE: u64 = super::signed::MAX_TOKEN_SIZE;
/// The largest CA file (PEM) accepted.
pub const MAX_CA_SIZE: u64 = 1 << 20;
/// The most certificates a token or a CA file may carry.
const MAX_CERTS: usize = 32;
/// The longest chain followed from the signer to a trusted certificate.
const MAX_CHAIN: usize = 8;

const ID_SHA_256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const ID_SHA_384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
const ID_SHA_512: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const SHA384_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12");
const SHA512_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13");
const ECDSA_WITH_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const ECDSA_WITH_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");
const ECDSA_WITH_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.4");
const ID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const SECP256R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const SECP384R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const ID_CT_TST_INFO: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");
const ID_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const ID_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const ID_KP_TIME_STAMPING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.8");
const ID_CE_EXT_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37");
const ID_CE_BASIC_CONSTRAINTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.19");
const ID_CE_SUBJECT_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.14");

/// Why a time-stamp request, reply or CA file was refused.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TimestampError {
    /// The input is larger than accepted.
    #[error("time-stamp {what}: {size} bytes, the limit is {limit}")]
    TooLarge {
        /// What it is: a response, a request, a CA file.
        what: &'static str,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The bytes are not the DER structure expected (a TimeStampResp, a TimeStampReq, a
    /// CMS SignedData over a TSTInfo...).
    #[error("time-stamp {what}: malformed: {reason}")]
    Malformed {
        /// What was being read.
        what: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// The TSA did not grant the request.
    #[error("time-stamp response: the TSA did not grant the request: status {status}{text}")]
    NotGranted {
        /// The PKIStatus.
        status: String,
        /// The status text the TSA gave, if any.
        text: String,
    },
    /// The token's message imprint is not the SHA-256 of the checkpoint note: it
    /// timestamps something else (another checkpoint).
    #[error(
        "time-stamp token: its message imprint is {found}, the checkpoint note's SHA-256 is \
         {expected} (a token for another checkpoint)"
    )]
    ImprintMismatch {
        /// The SHA-256 of the note, hex.
        expected: String,
        /// The token's imprint (algorithm and hex).
        found: String,
    },
    /// The token's nonce is not the request's: a reply to another (older) request.
    #[error("time-stamp token: its nonce {found} is not the request's {expected} (a stale reply)")]
    NonceMismatch {
        /// The request's nonce, hex.
        expected: String,
        /// The token's nonce, hex (or "none").
        found: String,
    },
    /// The CMS signature over the TSTInfo does not verify, or its signed attributes do
    /// not match the content.
    #[error("time-stamp token: signature: {reason}")]
    BadSignature {
        /// What failed.
        reason: String,
    },
    /// An algorithm soc2 does not verify.
    #[error("time-stamp token: unsupported algorithm {oid} ({what})")]
    UnsupportedAlgorithm {
        /// Its OID.
        oid: String,
        /// Where it was used.
        what: &'static str,
    },
    /// The signer's certificate is not a time-stamping certificate (no critical
    /// `id-kp-timeStamping` extended key usage, or other purposes besides).
    #[error(
        "time-stamp token: the signer's certificate {subject} is not a TSA certificate: {reason}"
    )]
    NotTimestampingCert {
        /// The certificate's subject.
        subject: String,
        /// What is missing.
        reason: String,
    },
    /// The signer's certificate does not chain to a trusted CA, or a certificate of the
    /// chain is not valid at the token's time.
    #[error("time-stamp token: the signer {subject} is not trusted: {reason}")]
    Untrusted {
        /// The signer's subject.
        subject: String,
        /// Why.
        reason: String,
    },
    /// The CA file holds no certificate, or one that cannot be read.
    #[error("TSA CA file: {reason}")]
    CaInvalid {
        /// What is wrong.
        reason: String,
    },
    /// The TSA could not be reached over HTTP, or did not answer with a time-stamp reply.
    #[error("TSA {url}: {reason}")]
    TsaUnreachable {
        /// The TSA's URL.
        url: String,
        /// What went wrong.
        reason: String,
    },
}

impl TimestampError {
    fn malformed(what: &'static str, e: impl std::fmt::Display) -> Self {
        TimestampError::Malformed { what, reason: e.to_string() }
    }

    fn sig(reason: impl Into<String>) -> Self {
        TimestampError::BadSignature { reason: reason.into() }
    }
}

/// How long a TSA may take to answer over HTTP.
pub const HTTP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Sends a DER time-stamp query to the TSA at `url` (RFC 3161 §3.4: HTTP POST,
/// `application/timestamp-query`, no redirects, [`HTTP_TIMEOUT`]) and returns its
/// `application/timestamp-reply`, read up to [`MAX_RESPONSE_SIZE`] bytes. Plain
/// `http://` only: a TSA's reply is signed, so the transport need not be trusted. The
/// reply is not checked here ([`verify_response`] does that).
pub fn exchange(url: &str, query: &[u8]) -> Result<Vec<u8>, TimestampError> {
    use std::io::Read;
    let fail = |reason: String| TimestampError::TsaUnreachable { url: url.to_owned(), reason };
    let agent = ureq::AgentBuilder::new().timeout(HTTP_TIMEOUT).redirects(0).build();
    let resp = agent
        .post(url)
        .set("Content-Type", "application/timestamp-query")
        .send_bytes(query)
        .map_err(|e| fail(e.to_string()))?;
    let ct = resp.content_type().to_owned();
    if ct != "application/timestamp-reply" {
        return Err(fail(format!("the reply is {ct:?}, not application/timestamp-reply")));
    }
    let mut body = Vec::new();
    resp.into_reader()
        .take(MAX_RESPONSE_SIZE + 1)
        .read_to_end(&mut body)
        .map_err(|e| fail(format!("reading the reply: {e}")))?;
    if body.len() as u64 > MAX_RESPONSE_SIZE {
        return Err(fail(format!("the reply is larger than {MAX_RESPONSE_SIZE} bytes")));
    }
    Ok(body)
}

/// A TimeStampReq over a checkpoint note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimestampRequest {
    /// Its DER (the body of the HTTP POST, or the `--request-out` file).
    pub der: Vec<u8>,
    /// The SHA-256 it asks to be timestamped.
    pub digest: [u8; 32],
    /// Its nonce (DER INTEGER content octets).
    pub nonce: Int,
}

impl TimestampRequest {
    /// A request over `note` (the bytes of a `.note` file): SHA-256 imprint, a random
    /// 64-bit nonce, and `certReq` true so that the reply carries the TSA certificate.
    pub fn new(note: &[u8]) -> TimestampRequest {
        let digest: [u8; 32] = Sha256::digest(note).into();
        let nonce = OsRng.next_u64() >> 1 | 1 << 56;
        let nonce = Int::from_der(&nonce.to_der().expect("u64 encodes")).expect("INTEGER decodes");
        let req = TimeStampReq {
            version: TspVersion::V1,
            message_imprint: MessageImprint {
                hash_algorithm: AlgorithmIdentifierOwned {
                    oid: ID_SHA_256,
                    parameters: Some(Any::null()),
                },
                hashed_message: OctetString::new(digest.to_vec()).expect("32 bytes"),
            },
            req_policy: None,
            nonce: Some(nonce.clone()),
            cert_req: true,
            extensions: None,
        };
        let der = req.to_der().expect("a request encodes");
        TimestampRequest { der, digest, nonce }
    }

    /// Reads a request written earlier (`--request-out`): it must be SHA-256 with a
    /// nonce.
    pub fn parse(der: &[u8]) -> Result<TimestampRequest, TimestampError> {
        const WHAT: &str = "request";
        check_size(WHAT, der.len(), 64 << 10)?;
        let req = TimeStampReq::from_der(der).map_err(|e| TimestampError::malformed(WHAT, e))?;
        if req.message_imprint.hash_algorithm.oid != ID_SHA_256 {
            return Err(TimestampError::malformed(WHAT, "its imprint is not SHA-256"));
        }
        let digest = req
            .message_imprint
            .hashed_message
            .as_bytes()
            .try_into()
            .map_err(|_| TimestampError::malformed(WHAT, "its imprint is not 32 bytes"))?;
        let nonce =
            req.nonce.ok_or_else(|| TimestampError::malformed(WHAT, "it carries no nonce"))?;
        Ok(TimestampRequest { der: der.to_vec(), digest, nonce })
    }
}

/// The certificates a caller trusts as time-stamping CAs (`--tsa-ca`, PEM).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TsaTrust {
    certs: Vec<Certificate>,
}

impl TsaTrust {
    /// Reads one or more PEM certificates.
    pub fn from_pem(pem: &[u8]) -> Result<TsaTrust, TimestampError> {
        if pem.len() as u64 > MAX_CA_SIZE {
            return Err(TimestampError::TooLarge {
                what: "CA file",
                size: pem.len() as u64,
                limit: MAX_CA_SIZE,
            });
        }
        let certs = Certificate::load_pem_chain(pem).map_err(|e| TimestampError::CaInvalid {
            reason: format!("not PEM certificates: {e}"),
        })?;
        if certs.is_empty() {
            return Err(TimestampError::CaInvalid { reason: "it holds no certificate".into() });
        }
        if certs.len() > MAX_CERTS {
            return Err(TimestampError::CaInvalid {
                reason: format!("{} certificates, at most {MAX_CERTS}", certs.len()),
            });
        }
        Ok(TsaTrust { certs })
    }
}

/// What a verified token says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedTimestamp {
    /// The TSA's time (`genTime`).
    pub gen_time: DateTime<Utc>,
    /// The SHA-256 the token covers.
    pub digest: [u8; 32],
    /// The token's serial number, hex.
    pub serial: String,
    /// The TSA policy OID.
    pub policy: String,
    /// The signer certificate's subject.
    pub tsa: String,
    /// Whether its chain to a trusted CA was checked (false when no CA was given).
    pub chain_checked: bool,
}

fn check_size(what: &'static str, len: usize, limit: u64) -> Result<(), TimestampError> {
    if len as u64 > limit {
        return Err(TimestampError::TooLarge { what, size: len as u64, limit });
    }
    Ok(())
}

/// Verifies a DER TimeStampResp over `digest` (the SHA-256 of a checkpoint note): see
/// the module documentation for every check. `nonce` is the request's, when known;
/// `trust` the CAs to chain the signer to (without them the chain is not checked and
/// [`VerifiedTimestamp::chain_checked`] is false).
pub fn verify_response(
    response: &[u8],
    digest: &[u8; 32],
    nonce: Option<&Int>,
    trust: Option<&TsaTrust>,
) -> Result<VerifiedTimestamp, TimestampError> {
    const WHAT: &str = "response";
    check_size(WHAT, response.len(), MAX_RESPONSE_SIZE)?;
    let resp = TimeStampResp::from_der(response).map_err(|e| TimestampError::malformed(WHAT, e))?;
    use cmpv2::status::PkiStatus;
    if !matches!(resp.status.status, PkiStatus::Accepted | PkiStatus::GrantedWithMods) {
        let text = resp
            .status
            .status_string
            .iter()
            .flat_map(|t| t.iter())
            .map(|s| s.as_str().to_owned())
            .collect::<Vec<_>>()
            .join("; ");
        return Err(TimestampError::NotGranted {
            status: format!("{:?}", resp.status.status),
            text: if text.is_empty() { String::new() } else { format!(": {text}") },
        });
    }
    let token = resp
        .time_stamp_token
        .ok_or_else(|| TimestampError::malformed(WHAT, "granted, but no token"))?;
    verify_token(&token, digest, nonce, trust)
}

fn verify_token(
    token: &ContentInfo,
    digest: &[u8; 32],
    nonce: Option<&Int>,
    trust: Option<&TsaTrust>,
) -> Result<VerifiedTimestamp, TimestampError> {
    const WHAT: &str = "token";
    let bad = |e: &dyn std::fmt::Display| TimestampError::malformed(WHAT, e);
    if token.content_type != ID_SIGNED_DATA {
        return Err(bad(&format!("content type {}, not SignedData", token.content_type)));
    }
    let sd =
        SignedData::from_der(&token.content.to_der().map_err(|e| bad(&e))?).map_err(|e| bad(&e))?;
    if sd.encap_content_info.econtent_type != ID_CT_TST_INFO {
        return Err(bad(&"the signed content is not a TSTInfo"));
    }
    let econtent = sd
        .encap_content_info
        .econtent
        .as_ref()
        .ok_or_else(|| bad(&"the signed content is absent"))?;
    let econtent =
        OctetString::from_der(&econtent.to_der().map_err(|e| bad(&e))?).map_err(|e| bad(&e))?;
    let tst = TstInfo::from_der(econtent.as_bytes()).map_err(|e| bad(&e))?;

    // The imprint and the nonce first: the cheapest and the most telling refusals.
    let imprint = &tst.message_imprint;
    if imprint.hash_algorithm.oid != ID_SHA_256 || imprint.hashed_message.as_bytes() != digest {
        return Err(TimestampError::ImprintMismatch {
            expected: hex::encode(digest),
            found: format!(
                "{} {}",
                imprint.hash_algorithm.oid,
                hex::encode(imprint.hashed_message.as_bytes())
            ),
        });
    }
    if let Some(expected) = nonce
        && tst.nonce.as_ref() != Some(expected)
    {
        return Err(TimestampError::NonceMismatch {
            expected: hex::encode(expected.as_bytes()),
            found: tst.nonce.as_ref().map_or("none".into(), |n| hex::encode(n.as_bytes())),
        });
    }

    // The signer and its signature over the signed attributes.
    let signers = &sd.signer_infos.0;
    if signers.len() != 1 {
        return Err(bad(&format!("{} signers, expected one", signers.len())));
    }
    let si = signers.get(0).expect("one signer");
    let certs: Vec<&Certificate> = sd
        .certificates
        .iter()
        .flat_map(|s| s.0.iter())
        .filter_map(|c| match c {
            CertificateChoices::Certificate(c) => Some(c),
            _ => None,
        })
        .collect();
    if certs.len() > MAX_CERTS {
        return Err(bad(&format!("{} certificates, at most {MAX_CERTS}", certs.len())));
    }
    let signer = certs
        .iter()
        .copied()
        .find(|c| match &si.sid {
            SignerIdentifier::IssuerAndSerialNumber(ias) => {
                c.tbs_certificate.issuer == ias.issuer
                    && c.tbs_certificate.serial_number == ias.serial_number
            }
            SignerIdentifier::SubjectKeyIdentifier(ski) => {
                extension::<SubjectKeyIdentifier>(c, ID_CE_SUBJECT_KEY_ID)
                    .ok()
                    .flatten()
                    .is_some_and(|(_, k)| k == *ski)
            }
        })
        .ok_or_else(|| TimestampError::sig("the token does not carry the signer's certificate"))?;
    let subject = signer.tbs_certificate.subject.to_string();
    let attrs = si
        .signed_attrs
        .as_ref()
        .ok_or_else(|| TimestampError::sig("no signed attributes (RFC 3161 requires them)"))?;
    let attr = |oid: ObjectIdentifier| {
        let mut found = attrs.iter().filter(|a| a.oid == oid);
        match (found.next(), found.next()) {
            (Some(a), None) if a.values.len() == 1 => Ok(a.values.get(0).expect("one value")),
            _ => Err(TimestampError::sig(format!("signed attribute {oid}: not exactly one value"))),
        }
    };
    let ct: ObjectIdentifier =
        attr(ID_CONTENT_TYPE)?.decode_as().map_err(|e| TimestampError::sig(e.to_string()))?;
    if ct != ID_CT_TST_INFO {
        return Err(TimestampError::sig("the content-type attribute is not id-ct-TSTInfo"));
    }
    let md: OctetString =
        attr(ID_MESSAGE_DIGEST)?.decode_as().map_err(|e| TimestampError::sig(e.to_string()))?;
    if md.as_bytes() != hash(&si.digest_alg.oid, econtent.as_bytes(), "digest")? {
        return Err(TimestampError::sig(
            "the message-digest attribute is not the digest of the TSTInfo (content altered)",
        ));
    }
    let signed = attrs.to_der().map_err(|e| TimestampError::sig(e.to_string()))?;
    verify_signature(
        &signer.tbs_certificate.subject_public_key_info,
        &si.signature_algorithm,
        Some(&si.digest_alg.oid),
        &signed,
        si.signature.as_bytes(),
    )
    .map_err(|e| match e {
        TimestampError::BadSignature { reason } => {
            TimestampError::sig(format!("by {subject}: {reason}"))
        }
        other => other,
    })?;

    // The signer is a TSA, valid at its own time, and (given CAs) trusted.
    let at = tst.gen_time.to_unix_duration();
    let (critical, eku) = extension::<ExtendedKeyUsage>(signer, ID_CE_EXT_KEY_USAGE)
        .map_err(|reason| TimestampError::NotTimestampingCert { subject: subject.clone(), reason })?
        .ok_or_else(|| TimestampError::NotTimestampingCert {
            subject: subject.clone(),
            reason: "no extended key usage".into(),
        })?;
    if !critical || eku.0 != [ID_KP_TIME_STAMPING] {
        return Err(TimestampError::NotTimestampingCert {
            subject: subject.clone(),
            reason: "its extended key usage must be critical and id-kp-timeStamping only".into(),
        });
    }
    let chain_checked = match trust {
        Some(trust) => {
            chain(signer, &certs, trust, at)
                .map_err(|reason| TimestampError::Untrusted { subject: subject.clone(), reason })?;
            true
        }
        None => {
            valid_at(signer, at)
                .map_err(|reason| TimestampError::Untrusted { subject: subject.clone(), reason })?;
            false
        }
    };
    let gen_time = DateTime::<Utc>::from_timestamp(at.as_secs() as i64, at.subsec_nanos())
        .ok_or_else(|| bad(&"genTime out of range"))?;
    Ok(VerifiedTimestamp {
        gen_time,
        digest: *digest,
        serial: hex::encode(tst.serial_number.as_bytes()),
        policy: tst.policy.to_string(),
        tsa: subject,
        chain_checked,
    })
}

/// The extension `oid` of `cert`, decoded, with its critical flag.
fn extension<'a, T: Decode<'a>>(
    cert: &'a Certificate,
    oid: ObjectIdentifier,
) -> Result<Option<(bool, T)>, String> {
    let Some(exts) = &cert.tbs_certificate.extensions else { return Ok(None) };
    let mut found = exts.iter().filter(|e| e.extn_id == oid);
    let Some(ext) = found.next() else { return Ok(None) };
    if found.next().is_some() {
        return Err(format!("extension {oid} appears twice"));
    }
    let value =
        T::from_der(ext.extn_value.as_bytes()).map_err(|e| format!("extension {oid}: {e}"))?;
    Ok(Some((ext.critical, value)))
}

fn valid_at(cert: &Certificate, at: std::time::Duration) -> Result<(), String> {
    let v = &cert.tbs_certificate.validity;
    if at < v.not_before.to_unix_duration() || at > v.not_after.to_unix_duration() {
        return Err(format!(
            "certificate {} is valid from {} to {}, not at the token's time",
            cert.tbs_certificate.subject, v.not_before, v.not_after
        ));
    }
    Ok(())
}

/// Follows issuers from `signer` (through `pool`, the token's certificates) to a
/// certificate of `trust`, checking each signature and validity at `at`.
fn chain(
    signer: &Certificate,
    pool: &[&Certificate],
    trust: &TsaTrust,
    at: std::time::Duration,
) -> Result<(), String> {
    let mut cert = signer;
    for _ in 0..MAX_CHAIN {
        valid_at(cert, at)?;
        let signed_by = |issuer: &Certificate| {
            issuer.tbs_certificate.subject == cert.tbs_certificate.issuer
                && cert.tbs_certificate.to_der().is_ok_and(|tbs| {
                    verify_signature(
                        &issuer.tbs_certificate.subject_public_key_info,
                        &cert.signature_algorithm,
                        None,
                        &tbs,
                        cert.signature.raw_bytes(),
                    )
                    .is_ok()
                })
        };
        if let Some(anchor) = trust.certs.iter().find(|a| signed_by(a)) {
            return valid_at(anchor, at);
        }
        let Some(next) = pool.iter().copied().find(|c| *c != cert && signed_by(c)) else {
            return Err(format!(
                "no certificate of the CA file issued {} (issuer {})",
                cert.tbs_certificate.subject, cert.tbs_certificate.issuer
            ));
        };
        let is_ca = extension::<BasicConstraints>(next, ID_CE_BASIC_CONSTRAINTS)?
            .is_some_and(|(_, bc)| bc.ca);
        if !is_ca {
            return Err(format!("{} is not a CA certificate", next.tbs_certificate.subject));
        }
        cert = next;
    }
    Err(format!("no trusted CA within {MAX_CHAIN} certificates"))
}

/// Hashes `data` with the digest algorithm `oid`.
fn hash(
    oid: &ObjectIdentifier,
    data: &[u8],
    what: &'static str,
) -> Result<Vec<u8>, TimestampError> {
    Ok(match *oid {
        ID_SHA_256 => Sha256::digest(data).to_vec(),
        ID_SHA_384 => Sha384::digest(data).to_vec(),
        ID_SHA_512 => Sha512::digest(data).to_vec(),
        other => return Err(TimestampError::UnsupportedAlgorithm { oid: other.to_string(), what }),
    })
}

/// Verifies `sig` over `msg` with `key`, for the signature algorithm `alg` (with the
/// digest `digest_alg` when `alg` is bare `rsaEncryption`, as CMS allows).
fn verify_signature(
    key: &SubjectPublicKeyInfoOwned,
    alg: &AlgorithmIdentifierOwned,
    digest_alg: Option<&ObjectIdentifier>,
    msg: &[u8],
    sig: &[u8],
) -> Result<(), TimestampError> {
    let (is_rsa, digest_oid) = match alg.oid {
        RSA_ENCRYPTION => (
            true,
            *digest_alg.ok_or(TimestampError::UnsupportedAlgorithm {
                oid: alg.oid.to_string(),
                what: "signature",
            })?,
        ),
        SHA256_WITH_RSA => (true, ID_SHA_256),
        SHA384_WITH_RSA => (true, ID_SHA_384),
        SHA512_WITH_RSA => (true, ID_SHA_512),
        ECDSA_WITH_SHA256 => (false, ID_SHA_256),
        ECDSA_WITH_SHA384 => (false, ID_SHA_384),
        ECDSA_WITH_SHA512 => (false, ID_SHA_512),
        other => {
            return Err(TimestampError::UnsupportedAlgorithm {
                oid: other.to_string(),
                what: "signature",
            });
        }
    };
    if let Some(d) = digest_alg
        && *d != digest_oid
    {
        return Err(TimestampError::sig("the digest and signature algorithms disagree"));
    }
    let prehash = hash(&digest_oid, msg, "digest")?;
    let key_der = key.to_der().map_err(|e| TimestampError::sig(e.to_string()))?;
    use spki::DecodePublicKey;
    if is_rsa {
        if key.algorithm.oid != RSA_ENCRYPTION {
            return Err(TimestampError::sig("an RSA signature by a non-RSA key"));
        }
        let pk = rsa::RsaPublicKey::from_public_key_der(&key_der)
            .map_err(|e| TimestampError::sig(format!("RSA key: {e}")))?;
        let scheme = match digest_oid {
            ID_SHA_256 => rsa::Pkcs1v15Sign::new::<Sha256>(),
            ID_SHA_384 => rsa::Pkcs1v15Sign::new::<Sha384>(),
            _ => rsa::Pkcs1v15Sign::new::<Sha512>(),
        };
        return pk
            .verify(scheme, &prehash, sig)
            .map_err(|_| TimestampError::sig("the RSA signature does not verify"));
    }
    if key.algorithm.oid != ID_EC_PUBLIC_KEY {
        return Err(TimestampError::sig("an ECDSA signature by a non-EC key"));
    }
    let curve: Option<ObjectIdentifier> =
        key.algorithm.parameters.as_ref().and_then(|p| p.decode_as().ok());
    let fail = |_| TimestampError::sig("the ECDSA signature does not verify");
    match curve {
        Some(SECP256R1) => {
            let vk = p256::ecdsa::VerifyingKey::from_sec1_bytes(key.subject_public_key.raw_bytes())
                .map_err(|e| TimestampError::sig(format!("P-256 key: {e}")))?;
            let s = p256::ecdsa::Signature::from_der(sig).map_err(fail)?;
            vk.verify_prehash(&prehash, &s).map_err(fail)
        }
        Some(SECP384R1) => {
            let vk = p384::ecdsa::VerifyingKey::from_sec1_bytes(key.subject_public_key.raw_bytes())
                .map_err(|e| TimestampError::sig(format!("P-384 key: {e}")))?;
            let s = p384::ecdsa::Signature::from_der(sig).map_err(fail)?;
            vk.verify_prehash(&prehash, &s).map_err(fail)
        }
        other => Err(TimestampError::UnsupportedAlgorithm {
            oid: other.map_or("(none)".into(), |o| o.to_string()),
            what: "elliptic curve",
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_round_trip_with_fresh_nonces() {
        let a = TimestampRequest::new(b"note");
        let b = TimestampRequest::new(b"note");
        assert_eq!(a.digest, <[u8; 32]>::from(Sha256::digest(b"note")));
        assert_ne!(a.nonce, b.nonce);
        assert_eq!(TimestampRequest::parse(&a.der).unwrap(), a);
        assert!(matches!(
            TimestampRequest::parse(b"\x30\x00"),
            Err(TimestampError::Malformed { .. })
        ));
    }

    #[test]
    fn garbage_and_oversized_responses_are_refused() {
        let d = [0u8; 32];
        assert!(matches!(
            verify_response(b"not der", &d, None, None),
            Err(TimestampError::Malformed { .. })
        ));
        let big = vec![0u8; MAX_RESPONSE_SIZE as usize + 1];
        assert!(matches!(
            verify_response(&big, &d, None, None),
            Err(TimestampError::TooLarge { .. })
        ));
        // status rejection (2), no token.
        let rejected = [0x30, 0x05, 0x30, 0x03, 0x02, 0x01, 0x02];
        assert!(matches!(
            verify_response(&rejected, &d, None, None),
            Err(TimestampError::NotGranted { .. })
        ));
    }
}
