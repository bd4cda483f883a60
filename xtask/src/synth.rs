//! `cargo xtask synth --entities N --out DIR`: a valid spec of N entities modelled on the
//! real ones, for measuring how generation and compilation scale.
//!
//! Each synthetic entity is a real entity file with its names replaced (entity, paths, roles,
//! filters, area), taken in turn from the real spec, so the mix of field types, flags,
//! filters, range filters, list-excluded and joined fields and endpoints is the real mix.
//! Names are deterministic: `Synth0007CoworkerDiscountCode` in area `area3`.

use std::fs;
use std::path::Path;

use heck::ToSnakeCase;

/// How many areas the synthetic entities are spread over.
const AREAS: usize = 10;

/// The file that marks a folder as written by synth, which a later run may replace. The spec
/// loader reads only `service.yaml` and area folders, so it is not in the way.
const MARKER: &str = ".xtask-synth";

/// Writes the synthetic spec into `out`: a missing or empty folder, or one synth wrote
/// before (which is replaced). Any other folder is refused, never deleted.
pub fn run(spec_dir: &Path, entities: usize, out: &Path) -> Result<(), String> {
    let spec = codegen::spec::load(spec_dir).map_err(|e| e.to_string())?;
    if spec.entities.is_empty() {
        return Err("the spec has no entity to model synthetic ones on".into());
    }
    let templates: Vec<(String, String, String)> = spec
        .entities
        .iter()
        .map(|e| {
            let text = fs::read_to_string(&e.file)
                .map_err(|err| format!("{}: {err}", e.file.display()))?;
            Ok((e.name.clone(), e.area.to_string(), text))
        })
        .collect::<Result<_, String>>()?;
    prepare(out)?;
    fs::copy(
        spec_dir.join(codegen::spec::SERVICE_FILE),
        out.join(codegen::spec::SERVICE_FILE),
    )
    .map_err(|e| format!("cannot copy the service file: {e}"))?;
    if spec_dir.join(codegen::spec::ENUMS_FILE).is_file() {
        fs::copy(
            spec_dir.join(codegen::spec::ENUMS_FILE),
            out.join(codegen::spec::ENUMS_FILE),
        )
        .map_err(|e| format!("cannot copy the enums file: {e}"))?;
    }
    for n in 0..entities {
        let (name, area, text) = &templates[n % templates.len()];
        let new_name = format!("Synth{n:04}{name}");
        let new_area = format!("area{}", n % AREAS);
        let text = rename(text, name, &new_name, area, &new_area);
        let dir = out.join(&new_area);
        fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let file = dir.join(format!("{}.yaml", new_name.to_snake_case()));
        fs::write(&file, text).map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    }
    // The output must be a spec the generator accepts unchanged.
    let synthetic =
        codegen::spec::load(out).map_err(|e| format!("the synthetic spec does not load:\n{e}"))?;
    println!(
        "wrote {} entities in {AREAS} areas to {}",
        synthetic.entities.len(),
        out.display()
    );
    Ok(())
}

/// Makes `out` an empty folder marked as synth's, or refuses (see [`run`]).
fn prepare(out: &Path) -> Result<(), String> {
    let refuse = |why: &str| {
        Err(format!(
            "{} {why}; choose another --out folder, or remove it yourself",
            out.display()
        ))
    };
    match fs::symlink_metadata(out) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(format!("cannot read {}: {e}", out.display())),
        // A link to a folder is not followed either.
        Ok(meta) if !meta.is_dir() => return refuse("exists and is not a folder"),
        Ok(_) => {
            let mut entries =
                fs::read_dir(out).map_err(|e| format!("cannot list {}: {e}", out.display()))?;
            if entries.next().is_some() {
                let ours = fs::symlink_metadata(out.join(MARKER)).is_ok_and(|m| m.is_file());
                if !ours {
                    return refuse("exists and was not written by `cargo xtask synth`");
                }
                fs::remove_dir_all(out)
                    .map_err(|e| format!("cannot clear {}: {e}", out.display()))?;
            }
        }
    }
    fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    // First, so that even an interrupted run leaves a folder the next run may replace.
    fs::write(
        out.join(MARKER),
        "Written by `cargo xtask synth`, which replaces this folder when run again.\n",
    )
    .map_err(|e| format!("cannot write in {}: {e}", out.display()))
}

/// The entity file with its entity name, path segment and area replaced. Line by line,
/// by key: `type:` lines keep their names (enums and typed ids are the spec's, not the
/// entity's: `eSystemResourceType` stays), paths get the lowercase name and the new area,
/// and every other line the entity's name (so its filters' query names follow). Inline
/// child arrays are left out: they name another entity, which is renamed on its own (and
/// only 5 of the real spec's entities have them).
fn rename(text: &str, name: &str, new_name: &str, area: &str, new_area: &str) -> String {
    let (lower, new_lower) = (name.to_ascii_lowercase(), new_name.to_ascii_lowercase());
    let mut out = String::with_capacity(text.len() + 1024);
    let mut in_children = false;
    for line in text.lines() {
        // A top-level key starts and ends the `children:` block.
        if line.starts_with(|c: char| c.is_ascii_alphabetic()) {
            in_children = line.starts_with("children:");
        }
        if in_children {
            continue;
        }
        let key = line.trim_start().trim_start_matches("- ").split(':').next();
        let renamed = match key {
            Some("type") => line.to_owned(),
            Some("path") => line
                .replace(&lower, &new_lower)
                .replace(&format!("/api/{area}/"), &format!("/api/{new_area}/")),
            _ => line.replace(name, new_name),
        };
        out.push_str(&renamed);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_specs_load_and_generate_unchanged() {
        let out = std::env::temp_dir().join(format!("xtask-synth-{}", std::process::id()));
        let spec_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
        run(&spec_dir, 23, &out).expect("writes a synthetic spec");
        let spec = codegen::spec::load(&out).expect("it loads");
        assert_eq!(spec.entities.len(), 23);
        let areas: std::collections::BTreeSet<_> =
            spec.entities.iter().map(|e| e.area.clone()).collect();
        assert_eq!(areas.len(), AREAS);
        let output = codegen::emit::generate(&spec).expect("it generates");
        // lib.rs, service.rs, entities.rs, ids.rs, enums.rs, one mod.rs per area, one file
        // per entity.
        assert_eq!(output.files.len(), 5 + AREAS + 23);
        // Deterministic names: the same call writes the same files.
        let again = std::env::temp_dir().join(format!("xtask-synth-again-{}", std::process::id()));
        run(&spec_dir, 23, &again).expect("writes again");
        let spec_again = codegen::spec::load(&again).expect("loads");
        assert_eq!(
            codegen::emit::generate(&spec_again)
                .expect("generates")
                .files
                .values()
                .collect::<Vec<_>>(),
            output.files.values().collect::<Vec<_>>()
        );
        let _ = fs::remove_dir_all(&out);
        let _ = fs::remove_dir_all(&again);
    }

    #[test]
    fn every_real_entity_is_a_template() {
        let spec_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
        let real = codegen::spec::load(&spec_dir).expect("the real spec loads");
        let out = temp_dir("every");
        // Two copies of each: names and paths of copies of one template must not clash.
        let n = real.entities.len() * 2;
        run(&spec_dir, n, &out).expect("every renamed template loads");
        assert_eq!(codegen::spec::load(&out).expect("loads").entities.len(), n);
        let _ = fs::remove_dir_all(&out);
    }

    fn temp_dir(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-synth-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn refuses_a_folder_it_did_not_write() {
        let spec_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
        let out = temp_dir("foreign");
        fs::create_dir_all(out.join("billing")).expect("dir");
        fs::write(out.join("precious.txt"), "keep me").expect("write");
        let message = run(&spec_dir, 3, &out).expect_err("a folder synth did not write");
        assert!(message.contains("not written by"), "{message}");
        assert_eq!(
            fs::read_to_string(out.join("precious.txt")).expect("still there"),
            "keep me"
        );
        assert!(out.join("billing").is_dir());

        let file = out.join("precious.txt");
        let message = run(&spec_dir, 3, &file).expect_err("a file");
        assert!(message.contains("not a folder"), "{message}");
        assert_eq!(fs::read_to_string(&file).expect("still there"), "keep me");
        let _ = fs::remove_dir_all(&out);
    }

    #[test]
    fn fills_an_empty_folder_and_replaces_its_own() {
        let spec_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
        let out = temp_dir("own");
        fs::create_dir_all(&out).expect("dir");
        run(&spec_dir, 3, &out).expect("an empty folder is filled");
        fs::write(out.join("area0/stale.yaml"), "from an earlier run").expect("write");
        run(&spec_dir, 2, &out).expect("its own folder is replaced");
        assert!(!out.join("area0/stale.yaml").exists());
        assert_eq!(codegen::spec::load(&out).expect("loads").entities.len(), 2);
        let _ = fs::remove_dir_all(&out);
    }
}
