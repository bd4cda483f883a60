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

/// Writes the synthetic spec into `out` (which must not hold another spec).
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
    if out.exists() {
        fs::remove_dir_all(out).map_err(|e| format!("cannot clear {}: {e}", out.display()))?;
    }
    fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
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

/// The entity file with its entity name, path segment and area replaced everywhere.
fn rename(text: &str, name: &str, new_name: &str, area: &str, new_area: &str) -> String {
    text.replace(name, new_name)
        .replace(&name.to_ascii_lowercase(), &new_name.to_ascii_lowercase())
        .replace(&format!("/api/{area}/"), &format!("/api/{new_area}/"))
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
        // lib.rs, service.rs, ids.rs, enums.rs, one mod.rs per area, one file per entity.
        assert_eq!(output.files.len(), 4 + AREAS + 23);
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
}
