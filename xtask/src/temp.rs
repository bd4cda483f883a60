//! A temporary folder removed when dropped.

use std::fs;
use std::path::{Path, PathBuf};

/// A fresh folder under the system temp dir, removed (with what it holds) when dropped.
#[derive(Debug)]
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// `xtask-<name>-<pid>`: the process id keeps two runs (and test threads, by `name`) apart.
    pub fn new(name: &str) -> Result<TempDir, String> {
        let dir = std::env::temp_dir().join(format!("xtask-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        Ok(TempDir(dir))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}
