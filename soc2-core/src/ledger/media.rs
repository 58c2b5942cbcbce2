//! The media type of an attachment, from its file name.

use std::path::Path;

/// The media type to record for an attachment file, from its extension (case-insensitive);
/// `application/octet-stream` when unknown.
///
/// Every front end (the command line, the Python and other bindings) takes the media type
/// of a file attachment from here, so that the same file gets the same attachment, and the
/// same record hash, whichever way it was added.
pub fn media_type_for(path: impl AsRef<Path>) -> &'static str {
    let ext = path
        .as_ref()
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "csv" => "text/csv",
        "txt" | "log" => "text/plain",
        "md" => "text/markdown",
        "html" | "htm" => "text/html",
        "json" => "application/json",
        "jsonl" | "ndjson" => "application/x-ndjson",
        "xml" => "application/xml",
        "yaml" | "yml" => "application/yaml",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "gz" => "application/gzip",
        "tar" => "application/x-tar",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "webp" => "image/webp",
        "eml" => "message/rfc822",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_extension_case_insensitive() {
        assert_eq!(media_type_for("users.CSV"), "text/csv");
        assert_eq!(media_type_for("dir.d/report.pdf"), "application/pdf");
        assert_eq!(media_type_for("noext"), "application/octet-stream");
        assert_eq!(media_type_for("archive.tar.gz"), "application/gzip");
    }
}
