//! `cargo xtask gen [--check]`: spec/ in, generated/ out.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use codegen::emit::{self, HEADER};

/// Where the spec and the generated crate live, relative to the workspace root.
pub const SPEC_DIR: &str = "spec";
pub const CRATE_DIR: &str = "generated";

/// How a generated file differs from what the spec produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    Missing,
    Differs,
    /// Generated earlier, but its entity (or area) is gone from the spec.
    Obsolete,
}

pub fn run(spec_dir: &Path, crate_dir: &Path, check: bool) -> Result<(), String> {
    let spec = codegen::spec::load(spec_dir).map_err(|e| e.to_string())?;
    let output = emit::generate(&spec).map_err(|e| e.to_string())?;
    let features = emit::features::cargo_features(&spec);
    // Only the workspace's own crate gets a README from `gen`, not an `--out` folder.
    let workspace_crate = crate_dir == Path::new(CRATE_DIR);
    let manifest = manifest_expected(crate_dir, &features, workspace_crate)?;
    // Every expected file by its path: the crate's, and for the workspace's own crate (not an
    // `--out` folder) the OpenAPI document, which describes the same spec, the index of
    // entities (docs/entities.md), and the crate's README, which shows the workspace README's
    // example.
    let mut expected: BTreeMap<PathBuf, String> = output
        .files
        .into_iter()
        .map(|(relative, text)| (crate_dir.join(relative), text))
        .collect();
    if workspace_crate {
        let (path, text) = crate::openapi::expected(&spec);
        expected.insert(path, text);
        expected.insert(
            PathBuf::from(codegen::entity_index::PATH),
            codegen::entity_index::markdown(&spec),
        );
        let workspace_readme = fs::read_to_string(README).map_err(|e| format!("{README}: {e}"))?;
        let version = crate::changelog::version::current(crate_dir, Path::new("."))?;
        let crate_readme = crate::crate_readme::text(&spec, &version, &workspace_readme)?;
        expected.insert(crate_dir.join(crate::crate_readme::README), crate_readme);
    }
    if let Some(manifest) = manifest {
        expected.insert(crate_dir.join(MANIFEST), manifest);
    }
    let changes = compare(crate_dir, &expected)?;
    if check {
        if changes.is_empty() {
            println!(
                "{} is up to date with {} ({} files)",
                crate_dir.display(),
                spec_dir.display(),
                expected.len()
            );
            return Ok(());
        }
        let list = changes
            .iter()
            .map(|(path, change)| format!("  {}: {}", path.display(), describe(*change)))
            .collect::<Vec<_>>()
            .join("\n");
        return Err(format!(
            "{} is stale; run `cargo xtask gen` and commit the result:\n{list}",
            crate_dir.display()
        ));
    }
    remove_temporaries(crate_dir, &expected)?;
    let mut writes = Vec::new();
    for (path, change) in &changes {
        match change {
            Change::Obsolete => fs::remove_file(path)
                .map_err(|e| format!("cannot remove {}: {e}", path.display()))?,
            Change::Missing | Change::Differs => {
                writes.push((path.as_path(), expected[path].as_str()))
            }
        }
    }
    write_all(&writes)?;
    remove_empty_dirs(&crate_dir.join("src"));
    println!(
        "wrote {} from {}: {} entities, {} files, {} changed",
        crate_dir.display(),
        spec_dir.display(),
        spec.entities.len(),
        expected.len(),
        changes.len()
    );
    Ok(())
}

/// The generated crate's manifest: hand-written (its description, keywords, categories,
/// dependencies, ...), except for the keys `gen` manages: the features, the `readme` it
/// writes, and the docs.rs settings the features call for.
const MANIFEST: &str = "Cargo.toml";

/// The target docs.rs builds the crate's documentation for: the code is the same on every
/// platform, and the default would build the whole crate (every feature) five times.
const DOCS_RS_TARGET: &str = "x86_64-unknown-linux-gnu";

/// The manifest with the generated features set. The names `gen` owns are listed under
/// `[package.metadata.codegen]`, so that features it made and no longer makes are removed,
/// while hand-written ones (like `emulator`) are never touched. It also sets `readme` when
/// `with_readme` (the README `gen` writes for the workspace's crate) and, under `[package.metadata.docs.rs]`,
/// `all-features` (docs.rs documents every entity whatever the default features are) and `targets`
/// (one build, not five); other docs.rs keys are left alone. `None` when the folder has no
/// manifest (a bare `--out` folder).
pub(crate) fn manifest_expected(
    crate_dir: &Path,
    features: &BTreeMap<String, Vec<String>>,
    with_readme: bool,
) -> Result<Option<String>, String> {
    use toml_edit::{Array, DocumentMut, Item, Table, value};

    let path = crate_dir.join(MANIFEST);
    let Ok(text) = fs::read_to_string(&path) else {
        return Ok(None);
    };
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let owned: Vec<String> = doc
        .get("package")
        .and_then(|p| p.get("metadata"))
        .and_then(|m| m.get("codegen"))
        .and_then(|c| c.get("features"))
        .and_then(Item::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let table = doc
        .entry("features")
        .or_insert_with(|| Item::Table(Table::new()))
        .as_table_mut()
        .ok_or_else(|| format!("{}: [features] is not a table", path.display()))?;
    for name in owned.iter().map(String::as_str).chain(["default"]) {
        table.remove(name);
    }
    table.insert("default", value(Array::from_iter([emit::features::FULL])));
    for (name, enables) in features {
        table.insert(
            name,
            value(Array::from_iter(enables.iter().map(String::as_str))),
        );
    }
    let package = doc["package"]
        .as_table_mut()
        .ok_or_else(|| format!("{}: [package] is not a table", path.display()))?;
    if with_readme
        && package.get("readme").and_then(Item::as_str) != Some(crate::crate_readme::README)
    {
        package.insert("readme", value(crate::crate_readme::README));
    }
    let metadata = package
        .entry("metadata")
        .or_insert_with(|| Item::Table(implicit_table()))
        .as_table_mut()
        .ok_or_else(|| format!("{}: [package.metadata] is not a table", path.display()))?;
    fn implicit_table() -> Table {
        // Written only as the `[package.metadata.codegen]` header, not an empty `[package.metadata]`.
        let mut table = Table::new();
        table.set_implicit(true);
        table
    }
    let docs_rs = metadata
        .entry("docs")
        .or_insert_with(|| Item::Table(implicit_table()))
        .as_table_mut()
        .ok_or_else(|| format!("{}: [package.metadata.docs] is not a table", path.display()))?
        .entry("rs")
        .or_insert_with(|| Item::Table(Table::new()))
        .as_table_mut()
        .ok_or_else(|| {
            format!(
                "{}: [package.metadata.docs.rs] is not a table",
                path.display()
            )
        })?;
    if docs_rs.get("all-features").and_then(Item::as_bool) != Some(true) {
        docs_rs.insert("all-features", value(true));
    }
    let targets = docs_rs.get("targets").and_then(Item::as_array);
    if targets
        .is_none_or(|t| t.len() != 1 || t.get(0).and_then(|v| v.as_str()) != Some(DOCS_RS_TARGET))
    {
        docs_rs.insert("targets", value(Array::from_iter([DOCS_RS_TARGET])));
    }
    let codegen = metadata
        .entry("codegen")
        .or_insert_with(|| Item::Table(Table::new()));
    codegen["features"] = value(Array::from_iter(features.keys().map(String::as_str)));
    Ok(Some(doc.to_string()))
}

fn describe(change: Change) -> &'static str {
    match change {
        Change::Missing => "missing",
        Change::Differs => "differs from what spec/ produces",
        Change::Obsolete => "no longer produced by spec/ (to be removed)",
    }
}

/// The workspace README, whose client example the crate's README shows.
const README: &str = "README.md";

/// Every file that must be written or removed, in path order. `files` are the expected
/// files by path (not relative to `crate_dir`).
fn compare(
    crate_dir: &Path,
    files: &BTreeMap<PathBuf, String>,
) -> Result<Vec<(PathBuf, Change)>, String> {
    let mut changes = BTreeMap::new();
    for (path, text) in files {
        let path = path.clone();
        match fs::read_to_string(&path) {
            Ok(current) if current == *text => {}
            Ok(_) => {
                changes.insert(path, Change::Differs);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                changes.insert(path, Change::Missing);
            }
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        }
    }
    for path in generated_files(&crate_dir.join("src"))? {
        if !files.contains_key(&path) {
            changes.insert(path, Change::Obsolete);
        }
    }
    Ok(changes.into_iter().collect())
}

/// The files under `dir` that an earlier run generated: those starting with the header.
/// Hand-written files (the runtime) never start with it, so they are never touched. Links
/// are not followed: what they point to is not the crate's.
fn generated_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut found = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(found);
    };
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
        let path = entry.path();
        let kind = entry
            .file_type()
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if kind.is_dir() {
            found.extend(generated_files(&path)?);
        } else if kind.is_file() && path.extension().is_some_and(|e| e == "rs") {
            let text = fs::read_to_string(&path).unwrap_or_default();
            if text.starts_with(HEADER) {
                found.push(path);
            }
        }
    }
    Ok(found)
}

/// Removes the temporary files of [`write_atomically`] that an interrupted earlier run left
/// next to the expected files or anywhere under `crate_dir/src` (links not followed).
fn remove_temporaries(
    crate_dir: &Path,
    expected: &BTreeMap<PathBuf, String>,
) -> Result<(), String> {
    let mut dirs: Vec<PathBuf> = expected
        .keys()
        .filter_map(|path| path.parent().map(Path::to_path_buf))
        .collect();
    folders(&crate_dir.join("src"), &mut dirs);
    dirs.sort();
    dirs.dedup();
    for dir in dirs {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let temporary = entry.file_type().is_ok_and(|kind| kind.is_file())
                && is_temporary(&entry.file_name().to_string_lossy());
            if temporary {
                let path = entry.path();
                fs::remove_file(&path)
                    .map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
            }
        }
    }
    Ok(())
}

/// `dir` and every folder under it, links not followed.
fn folders(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    found.push(dir.to_path_buf());
    for entry in entries.flatten() {
        if entry.file_type().is_ok_and(|kind| kind.is_dir()) {
            folders(&entry.path(), found);
        }
    }
}

/// Whether a file name is one of [`write_atomically`]'s temporaries: `.<name>.tmp-<pid>`.
fn is_temporary(name: &str) -> bool {
    name.starts_with('.')
        && name
            .rsplit_once(TEMPORARY_INFIX)
            .is_some_and(|(_, pid)| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
}

/// Between the file name and the process id in a temporary file's name.
const TEMPORARY_INFIX: &str = ".tmp-";

/// Writes every file with [`write_atomically`], on all cores (a 250-entity crate is 260
/// files). The first error is answered; the other files are written all the same.
pub(crate) fn write_all(files: &[(&Path, &str)]) -> Result<(), String> {
    codegen::parallel::on_all_cores(files, |files| {
        files
            .iter()
            .map(|(path, text)| write_atomically(path, text))
            .collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect()
}

/// Writes through a temporary file in the same folder and renames it over the target, so an
/// interrupted run leaves the old file or the new one, never half of one. (No fsync: that
/// would guard against power loss, not interruption, and it dominated the write time.)
pub(crate) fn write_atomically(path: &Path, text: &str) -> Result<(), String> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = dir.join(format!(".{name}{TEMPORARY_INFIX}{}", std::process::id()));
    let write = || -> std::io::Result<()> {
        let mut file = fs::File::create(&temporary)?;
        file.write_all(text.as_bytes())?;
        fs::rename(&temporary, path)
    };
    write().map_err(|e| {
        let _ = fs::remove_file(&temporary);
        format!("cannot write {}: {e}", path.display())
    })
}

/// Removes folders left empty by removed entities (never the runtime's, which has files).
fn remove_empty_dirs(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        // A link to a folder is not ours to empty.
        if entry.file_type().is_ok_and(|kind| kind.is_dir()) {
            remove_empty_dirs(&path);
            // Fails, as it should, when the folder still has files.
            let _ = fs::remove_dir(&path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::temp::TempDir;

    fn real_spec() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec")
    }

    #[test]
    fn writes_then_checks_clean_then_reports_and_repairs_every_kind_of_staleness() {
        let out = TempDir::new("gen").expect("temp dir");
        run(&real_spec(), &out.0, false).expect("generates");
        run(&real_spec(), &out.0, true).expect("fresh output is up to date");

        let entity = out.0.join("src/billing/coworker_discount_codes.rs");
        fs::write(&entity, "// edited by hand\n").expect("write");
        let obsolete = out.0.join("src/gone/old_entities.rs");
        fs::create_dir_all(obsolete.parent().expect("parent")).expect("dir");
        fs::write(&obsolete, format!("{HEADER}\npub struct Old;\n")).expect("write");
        let hand_written = out.0.join("src/runtime/mine.rs");
        fs::create_dir_all(hand_written.parent().expect("parent")).expect("dir");
        fs::write(&hand_written, "pub struct Mine;\n").expect("write");
        fs::remove_file(out.0.join("src/service.rs")).expect("remove");

        let message = run(&real_spec(), &out.0, true).expect_err("stale output fails the check");
        assert!(
            message.contains("coworker_discount_codes.rs: differs"),
            "{message}"
        );
        assert!(
            message.contains("old_entities.rs: no longer produced"),
            "{message}"
        );
        assert!(message.contains("service.rs: missing"), "{message}");
        assert!(
            !message.contains("mine.rs"),
            "hand-written files are never listed: {message}"
        );
        assert_eq!(
            fs::read_to_string(&entity).expect("read"),
            "// edited by hand\n",
            "--check writes nothing"
        );

        run(&real_spec(), &out.0, false).expect("regenerates");
        run(&real_spec(), &out.0, true).expect("up to date again");
        assert!(!obsolete.exists(), "the obsolete generated file is removed");
        assert!(
            !obsolete.parent().expect("parent").exists(),
            "and its empty folder"
        );
        assert!(hand_written.exists(), "hand-written files are kept");
        assert!(
            fs::read_dir(out.0.join("src/billing"))
                .expect("dir")
                .all(|e| {
                    !e.expect("entry")
                        .file_name()
                        .to_string_lossy()
                        .contains(".tmp-")
                }),
            "no temporary files are left behind"
        );
    }

    #[cfg(unix)]
    #[test]
    fn links_are_not_followed_when_looking_for_obsolete_files() {
        use std::os::unix::fs::symlink;

        let out = TempDir::new("links").expect("temp dir");
        let outside = TempDir::new("links-outside").expect("temp dir");
        run(&real_spec(), &out.0, false).expect("generates");
        // Files an earlier run could have written, but outside the crate.
        let foreign = outside.0.join("old_entities.rs");
        fs::write(&foreign, format!("{HEADER}\npub struct Old;\n")).expect("write");
        fs::create_dir_all(outside.0.join("empty")).expect("dir");
        symlink(&outside.0, out.0.join("src/linked")).expect("a folder link");
        symlink(&foreign, out.0.join("src/billing/linked.rs")).expect("a file link");

        run(&real_spec(), &out.0, true).expect("links are not the crate's files");
        run(&real_spec(), &out.0, false).expect("generates");
        assert!(foreign.exists(), "the file behind a link is kept");
        assert!(outside.0.join("empty").is_dir(), "and empty folders there");
        assert!(out.0.join("src/linked").exists(), "the links are kept");
        assert!(
            fs::symlink_metadata(out.0.join("src/billing/linked.rs")).is_ok(),
            "the links are kept"
        );
    }

    #[test]
    fn temporary_files_of_an_interrupted_run_are_removed() {
        let out = TempDir::new("temporaries").expect("temp dir");
        run(&real_spec(), &out.0, false).expect("generates");
        let leftovers = [
            out.0
                .join("src/billing/.coworker_discount_codes.rs.tmp-4242"),
            out.0.join("src/.lib.rs.tmp-17"),
            out.0.join("src/gone/.old_entities.rs.tmp-99"),
        ];
        let kept = out.0.join("src/billing/.notes.tmp-draft");
        for path in leftovers.iter().chain([&kept]) {
            fs::create_dir_all(path.parent().expect("parent")).expect("dir");
            fs::write(path, "half a file").expect("write");
        }
        run(&real_spec(), &out.0, true).expect("--check does not mind them");
        assert!(
            leftovers.iter().all(|p| p.exists()),
            "--check writes nothing"
        );

        run(&real_spec(), &out.0, false).expect("generates");
        for path in &leftovers {
            assert!(!path.exists(), "{} is removed", path.display());
        }
        assert!(!out.0.join("src/gone").exists(), "and the folder it left");
        assert!(kept.exists(), "other files are kept");
    }

    #[test]
    fn manages_only_the_generated_features_of_the_manifest() {
        let out = TempDir::new("manifest").expect("temp dir");
        let manifest = out.0.join(MANIFEST);
        fs::write(
            &manifest,
            "[package]\nname = \"x\"\n\n[package.metadata.codegen]\nfeatures = [\"gone\"]\n\n\
             [features]\nemulator = [\"dep:axum\"]\ngone = []\n",
        )
        .expect("write");
        run(&real_spec(), &out.0, false).expect("generates");
        let text = fs::read_to_string(&manifest).expect("read");
        let doc: toml_edit::DocumentMut = text.parse().expect("valid TOML");
        let features = doc["features"].as_table().expect("features");
        assert!(
            features.contains_key("emulator"),
            "hand-written features are kept:\n{text}"
        );
        assert!(
            !features.contains_key("gone"),
            "features gen no longer makes are removed:\n{text}"
        );
        assert_eq!(features["default"].to_string().trim(), r#"["full"]"#);
        // `full` enables every area, and each area its entities, as the spec has them.
        let spec = codegen::spec::load(&real_spec()).expect("the real spec loads");
        let names = |array: &toml_edit::Item| -> Vec<String> {
            array
                .as_array()
                .expect("an array")
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        };
        let areas: Vec<String> = spec.areas().iter().map(|(a, _)| a.to_string()).collect();
        assert_eq!(names(&features["full"]), areas);
        let mut billing: Vec<String> = spec
            .entities
            .iter()
            .filter(|e| e.area.to_string() == "billing")
            .map(codegen::emit::features::entity_feature)
            .collect();
        billing.sort();
        assert!(billing.contains(&"coworker_discount_codes".to_owned()));
        assert_eq!(names(&features["billing"]), billing);
        run(&real_spec(), &out.0, true).expect("and the check is clean");
    }

    #[test]
    fn a_broken_spec_writes_nothing() {
        let spec = TempDir::new("broken-spec").expect("temp dir");
        let out = TempDir::new("broken-out").expect("temp dir");
        fs::create_dir_all(spec.0.join("billing")).expect("dir");
        fs::copy(
            real_spec().join("service.yaml"),
            spec.0.join("service.yaml"),
        )
        .expect("copy");
        let entity = fs::read_to_string(real_spec().join("billing/coworker_discount_code.yaml"))
            .expect("read");
        fs::write(
            spec.0.join("billing/coworker_discount_code.yaml"),
            entity.replace("type: id<Coworker>", "type: id<>"),
        )
        .expect("write");
        let message = run(&spec.0, &out.0, false).expect_err("the spec is invalid");
        assert!(
            message.contains("coworker_discount_code.yaml:"),
            "{message}"
        );
        assert_eq!(
            fs::read_dir(&out.0).expect("dir").count(),
            0,
            "nothing was written"
        );
    }
}
