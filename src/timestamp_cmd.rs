//! `soc2 timestamp`: an RFC 3161 timestamp over the newest signed checkpoint.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use soc2_core::input;
use soc2_core::ledger::timestamp::{MAX_CA_SIZE, MAX_RESPONSE_SIZE};
use soc2_core::ledger::{LedgerError, Locker, TimestampRequest, TsaTrust};

use super::{Failure, input_error};

/// Where the reply comes from.
pub(crate) enum Source {
    /// POST the request to this URL.
    Tsa(String),
    /// Write the request to this file and stop (air-gapped: send it by other means).
    RequestOut(PathBuf),
    /// The reply to the request in `request`, received by other means.
    Response { response: PathBuf, request: PathBuf },
}

pub(crate) fn run(dir: &Path, source: Source, tsa_ca: Option<&Path>) -> Result<ExitCode, Failure> {
    let locker = Locker::open(dir)?;
    let latest = locker.latest_signed_checkpoint()?.ok_or_else(|| {
        Failure::from(soc2_core::Error::from(LedgerError::TimestampRefused {
            path: dir.join(soc2_core::ledger::CHECKPOINTS_DIR),
            reason: "no signed checkpoint to timestamp: run soc2 checkpoint --sign first".into(),
        }))
    })?;
    let trust = || -> Result<TsaTrust, Failure> {
        let path = tsa_ca.ok_or_else(|| {
            input_error("--tsa-ca FILE is required to check the TSA's reply".into())
        })?;
        let pem = input::read_file(path, "TSA CA file", MAX_CA_SIZE)
            .map_err(|e| input_error(e.to_string()))?;
        TsaTrust::from_pem(&pem).map_err(|e| {
            Failure::from(soc2_core::Error::from(LedgerError::from(e)))
                .prefixed(&format!("{}: ", path.display()))
        })
    };
    let (request, response) = match source {
        Source::RequestOut(out) => {
            let request = TimestampRequest::new(&latest.note);
            let mut f = fs_err::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&out)
                .map_err(|e| input_error(e.to_string()))?;
            std::io::Write::write_all(&mut f, &request.der)
                .map_err(|e| input_error(e.to_string()))?;
            println!(
                "wrote {}: a time-stamp query over checkpoint {} of {} records (SHA-256 {}); \
                 send it to the TSA, then run soc2 timestamp --response REPLY --request {}",
                out.display(),
                latest.checkpoint.origin,
                latest.checkpoint.size,
                hex::encode(request.digest),
                out.display()
            );
            return Ok(ExitCode::SUCCESS);
        }
        Source::Response { response, request } => {
            let trust = trust()?;
            let req = input::read_file(&request, "time-stamp query", 64 << 10)
                .map_err(|e| input_error(e.to_string()))?;
            let req = TimestampRequest::parse(&req).map_err(|e| {
                Failure::from(soc2_core::Error::from(LedgerError::from(e)))
                    .prefixed(&format!("{}: ", request.display()))
            })?;
            let resp = input::read_file(&response, "time-stamp reply", MAX_RESPONSE_SIZE)
                .map_err(|e| input_error(e.to_string()))?;
            return store(&locker, &req, resp, &trust);
        }
        Source::Tsa(url) => {
            let trust = trust()?;
            let request = TimestampRequest::new(&latest.note);
            let response = soc2_core::ledger::timestamp::exchange(&url, &request.der)
                .map_err(|e| Failure::from(soc2_core::Error::from(LedgerError::from(e))))?;
            (request, (response, trust))
        }
    };
    store(&locker, &request, response.0, &response.1)
}

fn store(
    locker: &Locker,
    request: &TimestampRequest,
    response: Vec<u8>,
    trust: &TsaTrust,
) -> Result<ExitCode, Failure> {
    let (cp, verified) = locker.store_timestamp(request, response, trust)?;
    println!(
        "ok: checkpoint {} of {} records timestamped {} by {} (serial {}, policy {}); \
         stored as checkpoints/{}.tsr",
        cp.checkpoint.origin,
        cp.checkpoint.size,
        verified.gen_time.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
        verified.tsa,
        verified.serial,
        verified.policy,
        soc2_core::ledger::SignedCheckpoint::stem(cp.checkpoint.size)
    );
    Ok(ExitCode::SUCCESS)
}
