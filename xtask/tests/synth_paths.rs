//! `cargo xtask synth --out DIR` run as a user runs it: from their folder.

use std::path::{Path, PathBuf};
use std::process::Command;

#[test]
fn a_relative_out_is_resolved_where_the_user_typed_it() {
    let name = format!("xtask-synth-relative-{}", std::process::id());
    let invoked_in = std::env::temp_dir().join(format!("{name}-cwd"));
    std::fs::create_dir_all(&invoked_in).expect("dir");
    let workspace: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["synth", "--entities", "2", "--out", &name])
        .current_dir(&invoked_in)
        .output()
        .expect("xtask runs");
    let written_here = invoked_in.join(&name).join("service.yaml").is_file();
    let written_in_workspace = workspace.join(&name).exists();
    let _ = std::fs::remove_dir_all(workspace.join(&name));
    let _ = std::fs::remove_dir_all(&invoked_in);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(written_here, "the spec is where the user asked for it");
    assert!(!written_in_workspace, "not in the workspace root");
}

#[test]
fn gen_and_openapi_resolve_relative_paths_where_the_user_typed_them() {
    let invoked_in = std::env::temp_dir().join(format!("xtask-relative-{}", std::process::id()));
    std::fs::create_dir_all(&invoked_in).expect("dir");
    let workspace: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let run = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(args)
            .current_dir(&invoked_in)
            .output()
            .expect("xtask runs");
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    // A spec of the user's own, beside their output.
    let spec = workspace.join("spec");
    let spec = spec.to_str().expect("a UTF-8 path");
    run(&["openapi", "--spec", spec, "--out", "api.json"]);
    run(&["gen", "--spec", spec, "--out", "crate"]);
    let document = invoked_in.join("api.json").is_file();
    let krate = invoked_in.join("crate/src/lib.rs").is_file();
    let _ = std::fs::remove_dir_all(&invoked_in);
    assert!(document, "the document is where the user asked for it");
    assert!(krate, "the crate is where the user asked for it");
    assert!(
        !workspace.join("api.json").exists(),
        "not in the workspace root"
    );
    assert!(
        !workspace.join("crate").exists(),
        "not in the workspace root"
    );
}
