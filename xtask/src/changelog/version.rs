//! The verdict of a set of changes, and the version it implies under Cargo's rules.

use std::fs;
use std::path::Path;

use super::diff::Change;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// No change the crate's users see.
    Unchanged,
    NotBreaking,
    Breaking,
}

impl Verdict {
    pub fn of(changes: &[Change]) -> Verdict {
        if changes.iter().any(Change::is_breaking) {
            Verdict::Breaking
        } else if changes.is_empty() {
            Verdict::Unchanged
        } else {
            Verdict::NotBreaking
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Unchanged => "no change",
            Verdict::NotBreaking => "not breaking",
            Verdict::Breaking => "breaking",
        }
    }
}

/// The version after a release with `verdict`, under Cargo's rules: for `0.y.z` a breaking
/// change bumps `y` and anything else `z`; for `0.0.z` every release is breaking, so `z`;
/// from `1.0.0` a breaking change bumps the major and anything else, which adds to the API,
/// the minor. `None` when nothing changed.
pub fn next(version: &str, verdict: Verdict) -> Result<Option<String>, String> {
    let parts: Vec<&str> = version.split('.').collect();
    let numbers: Option<Vec<u64>> = parts.iter().map(|p| p.parse().ok()).collect();
    let [major, minor, patch] = match numbers.as_deref() {
        Some(&[major, minor, patch]) => [major, minor, patch],
        _ => {
            return Err(format!(
                "version `{version}` is not MAJOR.MINOR.PATCH (pre-releases and build \
                 metadata are not handled)"
            ));
        }
    };
    let breaking = match verdict {
        Verdict::Unchanged => return Ok(None),
        Verdict::Breaking => true,
        Verdict::NotBreaking => false,
    };
    let next = match (major, minor, breaking) {
        (0, 0, _) => (0, 0, patch + 1),
        (0, _, true) => (0, minor + 1, 0),
        (0, _, false) => (0, minor, patch + 1),
        (_, _, true) => (major + 1, 0, 0),
        (_, _, false) => (major, minor + 1, 0),
    };
    Ok(Some(format!("{}.{}.{}", next.0, next.1, next.2)))
}

/// The package version of the crate in `crate_dir` (its own, or the workspace's when it
/// inherits it).
pub fn current(crate_dir: &Path, workspace_root: &Path) -> Result<String, String> {
    let read = |path: &Path| -> Result<toml_edit::DocumentMut, String> {
        fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?
            .parse()
            .map_err(|e| format!("{}: {e}", path.display()))
    };
    let path = crate_dir.join("Cargo.toml");
    let manifest = read(&path)?;
    let version = manifest
        .get("package")
        .and_then(|p| p.get("version"))
        .ok_or_else(|| format!("{}: no package version", path.display()))?;
    if let Some(text) = version.as_str() {
        return Ok(text.to_owned());
    }
    let inherited = version
        .get("workspace")
        .and_then(|w| w.as_bool())
        .unwrap_or(false);
    if !inherited {
        return Err(format!(
            "{}: the package version is neither text nor `workspace = true`",
            path.display()
        ));
    }
    let root = workspace_root.join("Cargo.toml");
    read(&root)?
        .get("workspace")
        .and_then(|w| w.get("package"))
        .and_then(|p| p.get("version"))
        .and_then(|v| v.as_str())
        .map(str::to_owned)
        .ok_or_else(|| format!("{}: no [workspace.package] version", root.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_versions_follow_cargo_rules() {
        let cases = [
            ("0.1.0", Verdict::Breaking, Some("0.2.0")),
            ("0.1.3", Verdict::Breaking, Some("0.2.0")),
            ("0.1.3", Verdict::NotBreaking, Some("0.1.4")),
            ("0.0.3", Verdict::Breaking, Some("0.0.4")),
            ("0.0.3", Verdict::NotBreaking, Some("0.0.4")),
            ("1.2.3", Verdict::Breaking, Some("2.0.0")),
            ("1.2.3", Verdict::NotBreaking, Some("1.3.0")),
            ("0.1.0", Verdict::Unchanged, None),
        ];
        for (version, verdict, expected) in cases {
            assert_eq!(
                next(version, verdict).expect("a valid version").as_deref(),
                expected,
                "{version} {verdict:?}"
            );
        }
        for bad in ["0.1", "0.1.0-alpha", "x.y.z", "", "1.2.3.4"] {
            let message = next(bad, Verdict::Breaking).expect_err(bad);
            assert!(message.contains("MAJOR.MINOR.PATCH"), "{message}");
        }
    }

    #[test]
    fn reads_the_generated_crates_version_and_an_inherited_one() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let version = current(&root.join("generated"), &root).expect("generated/Cargo.toml");
        assert!(next(&version, Verdict::Breaking).is_ok(), "{version}");

        let dir = crate::temp::TempDir::new("changelog-version").expect("temp dir");
        let krate = dir.path().join("krate");
        fs::create_dir_all(&krate).expect("dir");
        fs::write(
            dir.path().join("Cargo.toml"),
            "[workspace.package]\nversion = \"0.4.2\"\n",
        )
        .expect("write");
        fs::write(
            krate.join("Cargo.toml"),
            "[package]\nname = \"k\"\nversion.workspace = true\n",
        )
        .expect("write");
        assert_eq!(current(&krate, dir.path()).as_deref(), Ok("0.4.2"));
        fs::write(krate.join("Cargo.toml"), "[package]\nname = \"k\"\n").expect("write");
        let message = current(&krate, dir.path()).expect_err("no version");
        assert!(message.contains("no package version"), "{message}");
    }
}
