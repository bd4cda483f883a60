//! A generated crate outside the workspace, for a spec of any folder: the benchmarks build
//! one per synthetic spec, and the tests below build one for a spec the real one does not
//! have (a new entity in a new area, a random spec) and run clippy on it.
//!
//! The crate is `generated/Cargo.toml` with the workspace's dependency versions written out
//! and the runtime as a path dependency, its own `[workspace]`, the workspace's `Cargo.lock`,
//! and the files `cargo xtask gen` writes for the spec.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::generate;

/// Writes the crate of `spec` into `krate` (replacing what is there) and answers its path.
/// `root` is the workspace root.
pub fn write(root: &Path, spec: &Path, krate: &Path) -> Result<PathBuf, String> {
    let _ = fs::remove_dir_all(krate);
    fs::create_dir_all(krate.join("src")).map_err(|e| format!("{}: {e}", krate.display()))?;
    fs::write(krate.join("Cargo.toml"), manifest(root)?)
        .map_err(|e| format!("{}: {e}", krate.display()))?;
    fs::copy(root.join("Cargo.lock"), krate.join("Cargo.lock"))
        .map_err(|e| format!("Cargo.lock: {e}"))?;
    generate::run(spec, krate, false)?;
    Ok(krate.to_owned())
}

/// `generated/Cargo.toml` with `workspace = true` entries replaced by the workspace's own
/// specifications, path dependencies made absolute, and its own `[workspace]`.
fn manifest(root: &Path) -> Result<String, String> {
    use toml_edit::{DocumentMut, Item, Table, Value};
    let parse = |path: PathBuf| -> Result<DocumentMut, String> {
        fs::read_to_string(&path)
            .map_err(|e| format!("{}: {e}", path.display()))?
            .parse()
            .map_err(|e| format!("{}: {e}", path.display()))
    };
    let workspace = parse(root.join("Cargo.toml"))?;
    let mut manifest = parse(root.join(generate::CRATE_DIR).join("Cargo.toml"))?;
    let workspace_deps = workspace["workspace"]["dependencies"]
        .as_table()
        .ok_or("no [workspace.dependencies]")?;
    let workspace_package = workspace["workspace"]["package"]
        .as_table()
        .ok_or("no [workspace.package]")?;
    let package = manifest["package"].as_table_mut().ok_or("no [package]")?;
    let inherited: Vec<String> = package
        .iter()
        .filter(|(_, item)| item.get("workspace").and_then(Item::as_bool) == Some(true))
        .map(|(key, _)| key.to_owned())
        .collect();
    for key in inherited {
        let item = workspace_package
            .get(&key)
            .ok_or_else(|| format!("package.{key} is not in [workspace.package]"))?;
        package.insert(&key, item.clone());
    }
    let crate_dir = fs::canonicalize(root.join(generate::CRATE_DIR))
        .map_err(|e| format!("{}: {e}", generate::CRATE_DIR))?;
    let deps = manifest["dependencies"]
        .as_table_mut()
        .ok_or("no [dependencies]")?;
    let names: Vec<String> = deps.iter().map(|(k, _)| k.to_owned()).collect();
    for name in names {
        let own = deps[name.as_str()].clone();
        if let Some(path) = own.get("path").and_then(Item::as_str) {
            let absolute = crate_dir.join(path);
            let mut spec = toml_edit::InlineTable::new();
            spec.insert("path", Value::from(absolute.display().to_string()));
            deps.insert(&name, Item::Value(Value::InlineTable(spec)));
            continue;
        }
        let inherited = workspace_deps
            .get(&name)
            .ok_or_else(|| format!("{name} is not a workspace dependency"))?;
        let optional = own.get("optional").and_then(Item::as_bool).unwrap_or(false);
        let mut spec = match inherited.as_value() {
            Some(Value::String(version)) => {
                let mut t = toml_edit::InlineTable::new();
                t.insert("version", Value::from(version.value().as_str()));
                t
            }
            Some(Value::InlineTable(t)) => t.clone(),
            _ => return Err(format!("unsupported workspace dependency {name}")),
        };
        if optional {
            spec.insert("optional", Value::from(true));
        }
        deps.insert(&name, Item::Value(Value::InlineTable(spec)));
    }
    for key in ["bin", "example", "dev-dependencies"] {
        manifest.remove(key);
    }
    manifest.insert("workspace", Item::Table(Table::new()));
    Ok(manifest.to_string())
}

/// `cargo <subcommand> --manifest-path <krate>/Cargo.toml`, building into `target` (shared
/// between runs, so the dependencies are built once); add further arguments to it.
pub fn cargo(krate: &Path, target: &Path, subcommand: &str) -> Command {
    let cargo = crate::ci::cargo_program();
    let mut command = Command::new(cargo);
    command
        .arg(subcommand)
        .arg("--manifest-path")
        .arg(krate.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target);
    command
}

#[cfg(test)]
mod tests {
    //! Compile tests: each writes a spec the real one does not have, generates its crate
    //! outside the workspace and runs `cargo clippy -D warnings` on it, in
    //! `target/standalone` (the dependencies build once, on the first run).

    use super::*;

    fn root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = root().join("target/standalone").join(name);
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("a scratch folder");
        dir
    }

    fn copy_dir(from: &Path, to: &Path) {
        fs::create_dir_all(to).expect("a folder");
        for entry in fs::read_dir(from).expect("readable").flatten() {
            let path = entry.path();
            let target = to.join(entry.file_name());
            if path.is_dir() {
                copy_dir(&path, &target);
            } else {
                fs::copy(&path, &target).expect("copied");
            }
        }
    }

    /// `cargo clippy -D warnings` on the generated crate; panics with clippy's output.
    fn clippy(krate: &Path) {
        let target = root().join("target/standalone/target");
        let output = cargo(krate, &target, "clippy")
            .args(["--quiet", "--all-targets", "--", "-D", "warnings"])
            .output()
            .expect("cargo runs");
        assert!(
            output.status.success(),
            "clippy failed on {}:\n{}",
            krate.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// Adding an entity touches only `spec/`: a renamed copy of an existing entity, alone in
    /// a new area, generates a crate that clippy passes (one-entity areas once made clippy
    /// reject `cfg(any(feature = "x"))`).
    #[test]
    fn a_new_entity_in_a_new_area_needs_no_other_edit() {
        let dir = scratch("new-area");
        let spec = dir.join("spec");
        copy_dir(&root().join("spec"), &spec);
        let original = fs::read_to_string(spec.join("billing/coworker_discount_code.yaml"))
            .expect("the entity");
        let renamed = original
            .replace("CoworkerDiscountCode", "SandboxWidget")
            .replace("coworkerdiscountcode", "sandboxwidget")
            .replace("/api/billing/", "/api/sandbox/");
        fs::create_dir_all(spec.join("sandbox")).expect("the area");
        fs::write(spec.join("sandbox/sandbox_widget.yaml"), renamed).expect("written");
        let krate = write(&root(), &spec, &dir.join("crate")).expect("generates");
        let module = fs::read_to_string(krate.join("src/sandbox/sandbox_widgets.rs"))
            .expect("the entity's module");
        assert!(module.contains("pub struct SandboxWidget {"));
        let lib = fs::read_to_string(krate.join("src/lib.rs")).expect("lib.rs");
        // The area exists with its one entity's feature, or with `schemas`.
        assert!(lib.contains(
            "#[cfg(any(feature = \"sandbox_widgets\", feature = \"schemas\"))]\n#[rustfmt::skip]\npub mod sandbox;"
        ));
        clippy(&krate);
    }

    /// A sample per run of the specs that load: a random spec (its seed is printed) whose
    /// crate clippy passes, to find the names and combinations the fixtures do not have.
    #[test]
    fn a_random_spec_that_loads_generates_a_crate_clippy_passes() {
        let first: u64 = std::env::var("NEXUDUS_SPEC_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| fastrand::u64(..));
        let dir = scratch("random");
        let spec = dir.join("spec");
        let mut loaded = None;
        // The drawing makes a valid spec most of the time; take the first that loads.
        for seed in first..first + 50 {
            let _ = fs::remove_dir_all(&spec);
            fs::create_dir_all(spec.join("fuzz")).expect("the area");
            fs::copy(root().join("spec/service.yaml"), spec.join("service.yaml"))
                .expect("the service file");
            let (enums, files) = super::random_spec::draw(seed);
            fs::write(spec.join("enums.yaml"), enums).expect("written");
            for (file, text) in &files {
                fs::write(spec.join("fuzz").join(file), text).expect("written");
            }
            if codegen::spec::load(&spec).is_ok() {
                loaded = Some(seed);
                break;
            }
        }
        let seed = loaded.unwrap_or_else(|| {
            let errors = codegen::spec::load(&spec).err().map(|e| e.to_string());
            panic!("no random spec from seed {first} on loads; the last:\n{errors:?}")
        });
        println!("random spec seed {seed} (NEXUDUS_SPEC_SEED={seed} draws it again)");
        let krate = write(&root(), &spec, &dir.join("crate"))
            .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        clippy(&krate);
    }
}

/// A random spec, for the compile test of a sample per run: names that are Rust keywords or
/// need care, every type and flag, random endpoint subsets and downloads.
#[cfg(test)]
mod random_spec {
    use std::fmt::Write as _;

    /// Names that stress the generator: keywords, raw identifiers, digits.
    const FIELD_NAMES: &[&str] = &[
        "Type", "Match", "Loop", "Async", "Await", "Dyn", "Gen", "Box", "Try", "Yield", "Use",
        "Impl", "Mod", "Ref", "Name", "Total", "Count2", "When", "Amount", "Note", "Flag",
        "Parent", "Children", "Score", "Rate", "Start", "Colour", "Label",
    ];
    const ENTITY_NAMES: &[&str] = &["Type", "Match", "Loop", "Gizmo", "Thing2", "Record", "Item"];
    const ENUM_NAMES: &[&str] = &["eType", "eMatch", "eColour", "eSize", "eLoop"];
    const VALUE_NAMES: &[&str] = &["Small", "Large", "Type", "Match", "Red", "Loop", "Green"];
    const DOWNLOADS: &[&str] = &["Avatar", "Picture", "FileData", "Type", "Logo"];
    const SCALARS: &[&str] = &[
        "integer", "decimal", "money", "boolean", "string", "datetime", "guid", "json",
    ];

    fn pick<'a>(rng: &mut fastrand::Rng, from: &[&'a str]) -> &'a str {
        from[rng.usize(..from.len())]
    }

    fn subset<'a>(rng: &mut fastrand::Rng, from: &[&'a str], max: usize) -> Vec<&'a str> {
        let mut out: Vec<&str> = Vec::new();
        for _ in 0..rng.usize(0..=max) {
            let name = pick(rng, from);
            if !out.contains(&name) {
                out.push(name);
            }
        }
        out
    }

    /// `(enums.yaml, [(file, text)])` of a spec in the area `fuzz`.
    pub fn draw(seed: u64) -> (String, Vec<(String, String)>) {
        let mut rng = fastrand::Rng::with_seed(seed);
        let enums = subset(&mut rng, ENUM_NAMES, 3);
        let mut enums_yaml = String::from("enums:\n");
        for name in &enums {
            let _ = writeln!(
                enums_yaml,
                "  - name: {name}\n    docs: A random enum.\n    values:"
            );
            let values = subset(&mut rng, VALUE_NAMES, 4);
            if values.is_empty() {
                enums_yaml.push_str("      []\n");
            }
            for (i, value) in values.iter().enumerate() {
                let _ = writeln!(
                    enums_yaml,
                    "      - {{value: {}, name: {value}}}",
                    i as i64 * 3 - 1
                );
            }
        }
        let mut entities = subset(&mut rng, ENTITY_NAMES, 3);
        if entities.is_empty() {
            entities.push("Gizmo");
        }
        let files = entities
            .iter()
            .map(|entity| entity_file(&mut rng, entity, &entities, &enums))
            .collect();
        (enums_yaml, files)
    }

    fn entity_file(
        rng: &mut fastrand::Rng,
        entity: &str,
        entities: &[&str],
        enums: &[&str],
    ) -> (String, String) {
        let plural = format!("{}s", entity.to_ascii_lowercase());
        let mut y =
            format!("entity: {entity}\ndocs: A random entity.\nsources: [NOTES.md]\nfields:\n");
        let names = subset(rng, FIELD_NAMES, 8);
        let mut filterable = Vec::new();
        let mut ranged = Vec::new();
        let mut sortable = Vec::new();
        for name in &names {
            let ty = match rng.u8(0..10) {
                0 if !enums.is_empty() => format!("enum<{}>", pick(rng, enums)),
                1 => format!("id<{}>", pick(rng, entities)),
                2 => format!("ids<{}>", pick(rng, entities)),
                3 => "id<Self>".to_owned(),
                _ => pick(rng, SCALARS).to_owned(),
            };
            let write = match rng.u8(0..4) {
                0 => "[]",
                1 => "[create]",
                2 => "[update]",
                _ => "[create, update]",
            };
            let read = !(write != "[]" && rng.u8(0..5) == 0);
            let required = write.contains("create") && rng.bool();
            let _ = writeln!(y, "  - wire: {name}\n    type: {ty}\n    write: {write}");
            if required {
                y.push_str("    required: true\n");
            }
            if !read {
                y.push_str("    read: false\n");
            } else if rng.u8(0..4) == 0 {
                y.push_str("    in_list: false\n");
            } else if !ty.starts_with("ids") && ty != "json" {
                sortable.push(*name);
            }
            y.push_str("    docs: A random field with `code` and [brackets].\n");
            if read && ty != "json" {
                filterable.push(*name);
            }
            if read && ["integer", "decimal", "money", "datetime"].contains(&ty.as_str()) {
                ranged.push(*name);
            }
        }
        y.push_str("list:\n  joined:\n    - {wire: JoinedName, type: string, docs: Joined.}\n");
        y.push_str(
            "filters:\n  - {query: Joined_Name, field: JoinedName, docs: By a joined field.}\n",
        );
        for name in &filterable {
            let _ = writeln!(
                y,
                "  - {{query: {entity}_{name}, field: {name}, docs: By it.}}"
            );
        }
        if !ranged.is_empty() {
            y.push_str("range_filters:\n");
            for name in &ranged {
                let _ = writeln!(
                    y,
                    "  - {{from: from_{entity}_{name}, to: to_{entity}_{name}, field: {name}, docs: A range.}}"
                );
            }
        }
        let _ = writeln!(
            y,
            "sort: [Id, {}]",
            sortable.join(", ").trim_end_matches(", ")
        );
        y.push_str("endpoints:\n");
        let path = format!("/api/fuzz/{plural}");
        let mut any = false;
        for (kind, role, suffix) in [
            ("list", "List", ""),
            ("get", "Read", "/{Id}"),
            ("create", "Create", ""),
            ("update", "Edit", ""),
            ("delete", "Delete", "/{Id}"),
            ("commands", "List", "/commands"),
            ("run_command", "Edit", "/runcommand"),
        ] {
            if rng.u8(0..3) > 0 {
                any = true;
                let _ = writeln!(
                    y,
                    "  {kind}: {{path: \"{path}{suffix}\", role: {entity}-{role}, docs: An endpoint.}}"
                );
            }
        }
        if !any || rng.bool() {
            let _ = writeln!(
                y,
                "  find_by_ids: {{path: {path}, role: {entity}-List, query: {entity}_Id, docs: Finds.}}"
            );
        }
        let downloads = subset(rng, DOWNLOADS, 2);
        if !downloads.is_empty() {
            y.push_str("  downloads:\n");
            for name in downloads {
                let _ = writeln!(
                    y,
                    "    - {{name: {name}, path: \"{path}/get{}/{{Id}}\", role: {entity}-Read, docs: A file.}}",
                    name.to_ascii_lowercase()
                );
            }
        }
        if rng.bool() {
            y.push_str("commands:\n  - {key: RUN-ALL, docs: A command.}\n  - {key: do_it, docs: Another.}\n");
        }
        let mut snake = String::new();
        for (i, c) in entity.chars().enumerate() {
            if c.is_ascii_uppercase() && i > 0 {
                snake.push('_');
            }
            snake.push(c.to_ascii_lowercase());
        }
        (format!("{snake}.yaml"), y)
    }
}
