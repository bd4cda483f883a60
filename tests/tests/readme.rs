//! The README's Rust examples are files (`tests/examples/quickstart.rs`,
//! `emulator/examples/emulator.rs`), which `cargo test`
//! compiles; this keeps each README block identical to its file, so the README never shows
//! code that does not build.
//!
//! A block is tied to its file by an HTML comment on the line before its fence:
//! `<!-- example: tests/examples/quickstart.rs -->`. Every `rust` block must have one.

use std::path::Path;

const MARKER: &str = "<!-- example: ";

/// Each `rust` block of the README: the file its marker names (if any) and its code.
fn rust_blocks(readme: &str) -> Vec<(Option<String>, String)> {
    let lines: Vec<&str> = readme.lines().collect();
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].starts_with("```rust") {
            let file = i
                .checked_sub(1)
                .and_then(|previous| lines[previous].strip_prefix(MARKER))
                .and_then(|rest| rest.strip_suffix(" -->"))
                .map(str::to_owned);
            let end = (i + 1..lines.len())
                .find(|&j| lines[j].starts_with("```"))
                .expect("every rust block of the README ends");
            let code: String = lines[i + 1..end]
                .iter()
                .map(|line| format!("{line}\n"))
                .collect();
            blocks.push((file, code));
            i = end;
        }
        i += 1;
    }
    blocks
}

#[test]
fn every_readme_example_is_a_compiled_example_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let blocks = rust_blocks(&readme);
    assert!(
        blocks.iter().all(|(file, _)| file.is_some()),
        "each README rust block needs a `{MARKER}<file> -->` line before it"
    );
    let files: Vec<&str> = blocks
        .iter()
        .filter_map(|(file, _)| file.as_deref())
        .collect();
    assert_eq!(
        files,
        [
            "tests/examples/quickstart.rs",
            "emulator/examples/emulator.rs"
        ]
    );
    for (file, code) in &blocks {
        let file = file.as_deref().unwrap_or_default();
        let example = std::fs::read_to_string(root.join(file)).expect(file);
        assert!(
            example.contains(code.as_str()),
            "README.md's example differs from {file}; copy one to the other"
        );
    }
}

#[test]
fn blocks_are_found_with_their_markers() {
    let readme =
        "text\n<!-- example: a.rs -->\n```rust,no_run\nfn a() {}\n```\n\n```rust\nfn b() {}\n```\n";
    assert_eq!(
        rust_blocks(readme),
        [
            (Some("a.rs".to_owned()), "fn a() {}\n".to_owned()),
            (None, "fn b() {}\n".to_owned()),
        ]
    );
}

/// `docs/reliability.md`'s tables name, per row, the tests that show it, as
/// ``runtime `a`, `b`; e2e `c` ``: each must be a test function of the file that names.
#[test]
fn every_test_the_reliability_table_names_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    // Where each name of the tables' last column points.
    let files = [
        ("runtime unit", "runtime/src/pacing.rs"),
        ("runtime", "tests/tests/runtime.rs"),
        ("e2e", "tests/tests/e2e.rs"),
        ("cli", "cli/tests/cli.rs"),
    ];
    let doc = std::fs::read_to_string(root.join("docs/reliability.md")).expect("the doc");
    // Table rows, not the header rows (`| Fault | ...`, `| Situation | ...`).
    let rows: Vec<&str> = doc
        .lines()
        .filter(|line| line.starts_with("| ") && !line.ends_with("| Tests |"))
        .collect();
    assert!(rows.len() >= 14, "the tables have a row per fault");
    for row in rows {
        let tests = row
            .trim_end_matches('|')
            .rsplit('|')
            .next()
            .unwrap_or_default();
        for part in tests.split(';') {
            let part = part.trim();
            let (name, path) = files
                .iter()
                .find(|(name, _)| part.starts_with(&format!("{name} `")))
                .unwrap_or_else(|| panic!("`{part}` in `{row}` names no test file"));
            let source = std::fs::read_to_string(root.join(path)).expect(path);
            let names: Vec<&str> = part[name.len()..].split('`').skip(1).step_by(2).collect();
            assert!(!names.is_empty(), "no test named in `{row}`");
            for test in names {
                assert!(
                    source.contains(&format!("async fn {test}()"))
                        || source.contains(&format!("\nfn {test}()"))
                        || source.contains(&format!("    fn {test}()")),
                    "{path} has no test `{test}` (named in docs/reliability.md)"
                );
            }
        }
    }
}
