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
