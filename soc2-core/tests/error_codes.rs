//! `docs/errors.md` must list exactly the codes soc2-core reports, with the class and the
//! Python exception, uniffi variant and exit status each maps to. Run with
//! `SOC2_UPDATE_DOCS=1` to rewrite its generated table after adding or changing a code.

use std::path::PathBuf;

const BEGIN: &str =
    "<!-- BEGIN GENERATED: SOC2_UPDATE_DOCS=1 cargo test -p soc2-core --test error_codes -->\n";
const END: &str = "<!-- END GENERATED -->\n";

#[test]
fn documented_table_matches_the_codes() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/errors.md");
    let text = fs_err::read_to_string(&path).unwrap();
    let start = text.find(BEGIN).expect("docs/errors.md: no BEGIN GENERATED marker") + BEGIN.len();
    let end = start + text[start..].find(END).expect("docs/errors.md: no END GENERATED marker");
    let table = soc2_core::error::markdown_table();
    if text[start..end] != table {
        if std::env::var_os("SOC2_UPDATE_DOCS").is_some() {
            fs_err::write(&path, format!("{}{table}{}", &text[..start], &text[end..])).unwrap();
        } else {
            panic!(
                "docs/errors.md is out of date with soc2_core::error::ErrorCode; rerun with \
                 SOC2_UPDATE_DOCS=1"
            );
        }
    }
}
