//! Snapshots of the generator's output for the fixture specs in `tests/fixtures/spec`, which
//! together use every field type (enums and typed ids included), flag and write rule, filter
//! kind and endpoint kind (downloads included), and an entity without most endpoints. A generator change
//! shows as a readable diff of these files in review (`cargo insta review`).
//!
//! The real spec's output is not snapshotted here: it is the committed `generated/` crate,
//! kept honest by `cargo xtask gen --check`.

use std::path::{Path, PathBuf};

use codegen::spec::{SourceFile, load_sources};

fn fixture_spec() -> codegen::model::Api {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fixtures = root.join("fixtures/spec");
    let read = |path: PathBuf, as_path: PathBuf| SourceFile {
        text: std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
        path: as_path,
    };
    let files = vec![
        read(
            root.join("../spec/service.yaml"),
            fixtures.join("service.yaml"),
        ),
        read(fixtures.join("enums.yaml"), fixtures.join("enums.yaml")),
        read(
            fixtures.join("inventory/widget.yaml"),
            fixtures.join("inventory/widget.yaml"),
        ),
        read(
            fixtures.join("catalog/gadget.yaml"),
            fixtures.join("catalog/gadget.yaml"),
        ),
    ];
    load_sources(&fixtures, files).unwrap_or_else(|e| panic!("fixture spec is invalid:\n{e}"))
}

#[test]
fn generated_files_match_snapshots() {
    let output = codegen::emit::generate(&fixture_spec()).expect("fixture spec generates");
    let names: Vec<String> = output
        .files
        .keys()
        .map(|p| p.display().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "src/catalog/gadgets.rs",
            "src/catalog/mod.rs",
            "src/entities.rs",
            "src/enums.rs",
            "src/ids.rs",
            "src/inventory/mod.rs",
            "src/inventory/widgets.rs",
            "src/lib.rs",
            "src/service.rs"
        ]
    );
    for (path, text) in &output.files {
        let name = path.display().to_string().replace(['/', '.'], "_");
        insta::assert_snapshot!(name, text);
    }
}

#[test]
fn generation_is_deterministic() {
    let spec = fixture_spec();
    let first = codegen::emit::generate(&spec).expect("generates");
    let second = codegen::emit::generate(&fixture_spec()).expect("generates");
    assert_eq!(first, second);
}

#[test]
fn every_generated_file_starts_with_the_do_not_edit_header() {
    let output = codegen::emit::generate(&fixture_spec()).expect("generates");
    for (path, text) in &output.files {
        assert!(
            text.starts_with(codegen::emit::HEADER),
            "{} lacks the header",
            path.display()
        );
        assert!(codegen::emit::HEADER.contains("cargo xtask gen"));
    }
}
