//! `soc2 demo`: the whole journey on a sample company, from evidence to a verified bundle.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::bundle::{self, AllowedSigners, ExportOptions, ExportSummary, VerifiedBundle};
use crate::ledger::{Appended, Locker};
use crate::model::{AuditPeriod, Evidence, Payload, Timestamp};
use crate::{Error, Report, Result};

/// The origin of every demo locker; a directory holding a locker of another origin is
/// never touched by the demo.
pub const DEMO_ORIGIN: &str = "example.com/soc2/demo";

/// The files a demo run writes under its output directory.
const OUTPUTS: &[&str] = &[
    "catalog.toml",
    "report.html",
    "report.md",
    "report.json",
    "signing-key",
    "signing-key.pub",
    "allowed_signers",
    "evidence.zip",
];

/// Everything a demo run did, for the caller to show.
#[derive(Debug)]
pub struct DemoRun {
    /// The output directory.
    pub dir: PathBuf,
    /// The locker built in `dir/locker`.
    pub locker: PathBuf,
    /// Records appended.
    pub records: u64,
    /// Attachments stored.
    pub attachments: u64,
    /// The audit period evaluated.
    pub period: AuditPeriod,
    /// The date evaluated as of.
    pub as_of: NaiveDate,
    /// The readiness report.
    pub report: Report,
    /// The report files written (HTML, Markdown, JSON).
    pub report_files: Vec<PathBuf>,
    /// The private key, its public key, and the allowed-signers file.
    pub key_files: [PathBuf; 3],
    /// What the export wrote.
    pub export: ExportSummary,
    /// What verifying the bundle with the allowed-signers file established.
    pub verified: VerifiedBundle,
}

/// Builds the sample company of `year` into `dir/locker`, evaluates the year as of its last
/// day, writes the report in three formats, makes a key pair, exports the signed bundle
/// `dir/evidence.zip` and verifies it.
///
/// `dir` must be missing, empty, or hold the output of an earlier demo run (which is
/// replaced); anything else is refused rather than overwritten.
pub fn run(dir: &Path, year: i32) -> Result<DemoRun> {
    prepare(dir)?;
    let locker_dir = dir.join("locker");
    let mut locker = Locker::init(&locker_dir, DEMO_ORIGIN)?;

    // User lists carry their export as a CSV attachment, as a collector would store it.
    let mut evidence = super::sample_company(year);
    let mut attachments = 0u64;
    for e in &mut evidence {
        if let Payload::UserList(list) = &e.payload {
            let csv = user_list_csv(list);
            let name = format!("{}-users-{}.csv", list.system, e.observed_at.date());
            let attachment = locker.add_attachment(&mut csv.as_bytes(), "text/csv", &name)?;
            e.attachments.push(attachment);
            attachments += 1;
        }
    }
    // The sample company recorded its evidence as it collected it, through the year: each
    // record is recorded when it was collected (never earlier than the record before it),
    // so that none of it is late evidence (`docs/evaluation.md`).
    let mut clock: Option<Timestamp> = None;
    let evidence: Vec<(Evidence, Timestamp)> = evidence
        .into_iter()
        .map(|e| {
            let at = clock.map_or(e.collected_at, |c| c.max(e.collected_at));
            clock = Some(at);
            (e, at)
        })
        .collect();
    let appended: Vec<Appended> = locker.append_batch_recorded(evidence)?;

    let start = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(|| invalid_year(year))?;
    let end = NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(|| invalid_year(year))?;
    // The company's catalog, beside its locker as `soc2 init` puts a starter one.
    let catalog_path = dir.join("catalog.toml");
    fs_err::write(&catalog_path, super::CATALOG_TOML).map_err(|e| Error::io(&catalog_path, e))?;
    let period = AuditPeriod::type2(start, end)
        .map_err(|e| Error::Invalid { field: "period".into(), reason: e.to_string() })?;
    let catalog = super::catalog();
    let evaluation = crate::evaluate_locker_with_populations(&catalog, &locker, &period, end)?;
    let report = &evaluation.report;

    let html = report.to_html();
    let markdown = report.to_markdown();
    let json = report.to_json()?;
    let mut report_files = Vec::new();
    for (name, text) in [("report.html", &html), ("report.md", &markdown), ("report.json", &json)] {
        let path = dir.join(name);
        fs_err::write(&path, text).map_err(|e| Error::io(&path, e))?;
        report_files.push(path);
    }

    let key = dir.join("signing-key");
    let signer = bundle::generate_key_files(&key, "compliance@acme.example", None)?;
    let allowed = dir.join("allowed_signers");
    fs_err::write(&allowed, signer.allowed_signers_line()).map_err(|e| Error::io(&allowed, e))?;

    let mut options = ExportOptions::from_evaluation(&catalog, &evaluation)?;
    options.add_oscal(&evaluation.report, &locker)?;
    let zip = dir.join("evidence.zip");
    let export = bundle::export(&locker, &options, &signer, &zip)?;
    let trusted = AllowedSigners::from_file(&allowed)?;
    let verified = bundle::verify(&zip, &trusted)?;

    Ok(DemoRun {
        dir: dir.to_path_buf(),
        locker: locker_dir,
        records: appended.len() as u64,
        attachments,
        period,
        as_of: end,
        report: evaluation.report,
        report_files,
        key_files: [key.clone(), dir.join("signing-key.pub"), allowed],
        export,
        verified,
    })
}

fn invalid_year(year: i32) -> Error {
    Error::Invalid { field: "year".into(), reason: format!("{year} is out of range") }
}

/// Makes `dir` ready: created if missing; an earlier demo's output removed; anything else
/// refused, so that the demo never deletes what it did not write.
fn prepare(dir: &Path) -> Result<()> {
    fn io(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
        move |e| Error::io(path, e)
    }
    if !dir.exists() {
        return fs_err::create_dir_all(dir).map_err(io(dir));
    }
    let mut names = Vec::new();
    for entry in fs_err::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        names.push(entry.file_name().to_string_lossy().into_owned());
    }
    if names.is_empty() {
        return Ok(());
    }
    let refuse = |why: String| Error::Invalid {
        field: "demo output directory".into(),
        reason: format!("{}: {why}; choose an empty or new directory", dir.display()),
    };
    if let Some(other) = names.iter().find(|n| *n != "locker" && !OUTPUTS.contains(&n.as_str())) {
        return Err(refuse(format!("holds {other:?}, which the demo did not write")));
    }
    let locker_dir = dir.join("locker");
    if locker_dir.exists() {
        let origin = Locker::open(&locker_dir).map(|l| l.origin().to_owned());
        match origin {
            Ok(o) if o == DEMO_ORIGIN => {
                fs_err::remove_dir_all(&locker_dir).map_err(io(&locker_dir))?;
            }
            Ok(o) => return Err(refuse(format!("holds a locker of origin {o:?}, not the demo's"))),
            Err(e) => return Err(refuse(format!("holds a locker that does not open ({e})"))),
        }
    }
    for name in OUTPUTS {
        let path = dir.join(name);
        if path.exists() {
            fs_err::remove_file(&path).map_err(io(&path))?;
        }
    }
    Ok(())
}

/// A user list as the CSV export a collector would attach.
fn user_list_csv(list: &crate::model::UserList) -> String {
    fn field(s: &str) -> String {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_owned()
        }
    }
    let opt = |b: Option<bool>| b.map(|b| b.to_string()).unwrap_or_default();
    let mut out =
        String::from("account,person,status,privileged,mfa,roles,created_at,last_used_at\n");
    for a in &list.accounts {
        let row = [
            field(&a.account),
            field(a.person.as_deref().unwrap_or("")),
            format!("{:?}", a.status).to_ascii_lowercase(),
            opt(a.privileged),
            opt(a.mfa),
            field(&a.roles.join(";")),
            a.created_at.map(|t| t.to_string()).unwrap_or_default(),
            a.last_used_at.map(|t| t.to_string()).unwrap_or_default(),
        ];
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}
