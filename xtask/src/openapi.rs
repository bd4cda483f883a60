//! `cargo xtask openapi [--check]`: spec/ in, the OpenAPI 3.1 document `docs/openapi.json`
//! out. `cargo xtask gen` writes (and `gen --check` checks) it too, with the crate.

use std::fs;
use std::path::{Path, PathBuf};

use codegen::model::Api;

use crate::generate::write_atomically;

/// Where the document is committed, relative to the workspace root.
pub const DOCUMENT: &str = "docs/openapi.json";

/// The document's path and its text as the spec produces it, for `gen`.
pub fn expected(spec: &Api) -> (PathBuf, String) {
    (PathBuf::from(DOCUMENT), codegen::openapi::render(spec))
}

/// Writes the document of `spec_dir` to `out`, or with `check` only fails when `out` differs.
pub fn run(spec_dir: &Path, out: &Path, check: bool) -> Result<(), String> {
    let spec = codegen::spec::load(spec_dir).map_err(|e| e.to_string())?;
    let text = codegen::openapi::render(&spec);
    let summary = codegen::openapi::summary(&codegen::openapi::document(&spec));
    let current = match fs::read_to_string(out) {
        Ok(current) => Some(current),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(format!("cannot read {}: {e}", out.display())),
    };
    if current.as_deref() == Some(text.as_str()) {
        println!(
            "{} is up to date with {} ({summary})",
            out.display(),
            spec_dir.display()
        );
        return Ok(());
    }
    if check {
        let state = if current.is_some() {
            "differs from what spec/ produces"
        } else {
            "missing"
        };
        return Err(format!(
            "{} is stale ({state}); run `cargo xtask openapi` and commit the result",
            out.display()
        ));
    }
    write_atomically(out, &text)?;
    println!(
        "wrote {} from {} ({summary})",
        out.display(),
        spec_dir.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_then_checks_clean_then_reports_and_repairs_a_stale_document() {
        let dir = std::env::temp_dir().join(format!("xtask-openapi-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let out = dir.join("docs/openapi.json");
        let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");

        let missing = run(&spec, &out, true).expect_err("a missing document fails the check");
        assert!(missing.contains("missing"), "{missing}");
        run(&spec, &out, false).expect("writes");
        run(&spec, &out, true).expect("fresh output is up to date");
        fs::write(&out, "{}\n").expect("write");
        let stale = run(&spec, &out, true).expect_err("an edited document fails the check");
        assert!(stale.contains("differs"), "{stale}");
        assert_eq!(
            fs::read_to_string(&out).expect("read"),
            "{}\n",
            "--check writes nothing"
        );
        run(&spec, &out, false).expect("rewrites");
        run(&spec, &out, true).expect("up to date again");

        let _ = fs::remove_dir_all(&dir);
    }
}
