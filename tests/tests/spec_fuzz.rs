//! Mutated specs never make the loader panic, whatever it reports is located, and a mutant
//! that loads generates code that parses (the emitters check every file with syn). That
//! such code also compiles is checked by `xtask`'s standalone tests, which run clippy on the
//! crate of a random spec each run (`xtask/src/standalone.rs`).
//!
//! The real `spec/service.yaml` or `spec/billing/coworker_discount_code.yaml` is damaged by a
//! few random edits (deleted ranges, inserted bytes and YAML punctuation, duplicated, swapped
//! and truncated lines) and loaded together with the other, intact, file.

use std::path::{Path, PathBuf};

use codegen::spec::{SourceFile, load_sources};
use proptest::prelude::*;
use proptest::sample::Index;

const ROOT: &str = "spec";
const SERVICE: &str = "service.yaml";
const ENTITY: &str = "billing/coworker_discount_code.yaml";

fn real(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../spec")
        .join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Text that tends to confuse a YAML parser.
const PUNCTUATION: &[&str] = &[
    ":",
    ": ",
    "-",
    "- ",
    "---\n",
    "...\n",
    "[",
    "]",
    "{",
    "}",
    ",",
    "?",
    "? ",
    "&a ",
    "*a",
    "&a",
    "!!tag ",
    "!local ",
    "|",
    ">-",
    "#",
    "\"",
    "'",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "  ",
    "%YAML 1.2\n",
    "\u{feff}",
    "\0",
    "é",
    "~",
    "null",
    "-1",
    "1e400",
    "99999999999999999999",
    "<<: *a\n",
];

#[derive(Debug, Clone)]
enum Mutation {
    /// Deletes up to `len` bytes from `at`.
    Delete { at: Index, len: usize },
    /// Inserts `text` at `at`.
    Insert { at: Index, text: String },
    /// Repeats one line.
    DuplicateLine { line: Index },
    /// Swaps two lines.
    SwapLines { a: Index, b: Index },
    /// Cuts the text at `at`.
    Truncate { at: Index },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let text = prop_oneof![
        3 => prop::sample::select(PUNCTUATION).prop_map(str::to_owned),
        1 => "[ -~\t\n]{1,8}",
        1 => any::<Vec<u8>>().prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
    ];
    prop_oneof![
        3 => (any::<Index>(), 1..40usize).prop_map(|(at, len)| Mutation::Delete { at, len }),
        4 => (any::<Index>(), text).prop_map(|(at, text)| Mutation::Insert { at, text }),
        1 => any::<Index>().prop_map(|line| Mutation::DuplicateLine { line }),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::SwapLines { a, b }),
        1 => any::<Index>().prop_map(|at| Mutation::Truncate { at }),
    ]
}

/// The char boundary at or before the byte `at` picks.
fn boundary(text: &str, at: &Index) -> usize {
    let mut i = at.index(text.len() + 1);
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn apply(text: &mut String, m: &Mutation) {
    match m {
        Mutation::Delete { at, len } => {
            let start = boundary(text, at);
            let mut end = (start + len).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            text.replace_range(start..end, "");
        }
        Mutation::Insert { at, text: inserted } => {
            let i = boundary(text, at);
            text.insert_str(i, inserted);
        }
        Mutation::DuplicateLine { line } => {
            let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
            if !lines.is_empty() {
                let i = line.index(lines.len());
                lines.insert(i, lines[i]);
                *text = lines.concat();
            }
        }
        Mutation::SwapLines { a, b } => {
            let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
            if !lines.is_empty() {
                let (a, b) = (a.index(lines.len()), b.index(lines.len()));
                lines.swap(a, b);
                *text = lines.concat();
            }
        }
        Mutation::Truncate { at } => {
            let i = boundary(text, at);
            text.truncate(i);
        }
    }
}

/// The real service and entity texts, one of them mutated.
fn mutated(mutate_service: bool, mutations: &[Mutation]) -> (String, String) {
    let (mut service, mut entity) = (real(SERVICE), real(ENTITY));
    let target = if mutate_service {
        &mut service
    } else {
        &mut entity
    };
    for m in mutations {
        apply(target, m);
    }
    (service, entity)
}

/// Loads a service and an entity file and checks that every error is located.
fn check(service: String, entity: String) -> Result<(), TestCaseError> {
    let root = Path::new(ROOT);
    let files = vec![
        SourceFile {
            path: root.join(SERVICE),
            text: service,
        },
        SourceFile {
            path: root.join(ENTITY),
            text: entity,
        },
    ];
    let paths: Vec<PathBuf> = files.iter().map(|f| f.path.clone()).collect();
    match load_sources(root, files) {
        Err(errors) => {
            prop_assert!(!errors.is_empty(), "an Err with no errors");
            for e in errors.iter() {
                prop_assert!(e.line >= 1 && e.column >= 1, "unlocated: {e}");
                prop_assert!(!e.message.trim().is_empty(), "no message: {e:?}");
                prop_assert!(paths.contains(&e.file), "unknown file: {e}");
            }
        }
        // What loads generates: every emitted file parses as Rust.
        Ok(api) => {
            let output = codegen::emit::generate(&api);
            prop_assert!(
                output.is_ok(),
                "a spec that loads does not generate: {output:?}"
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        // Keep the source tree clean; a failure prints its minimal input.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn mutated_spec_never_panics_and_errors_are_located(
        mutate_service in any::<bool>(),
        mutations in prop::collection::vec(mutation(), 1..5),
    ) {
        let (service, entity) = mutated(mutate_service, &mutations);
        check(service, entity)?;
    }
}

/// Inputs known to reach unusual paths in the YAML loader.
#[test]
fn known_awkward_inputs() {
    let awkward = [
        "",
        "# only a comment\n",
        "---\n",
        "...\n",
        "~\n",
        "- a\n- b\n",
        "just a scalar",
        "a: &x 1\nb: *x\n",
        "*x\n",
        "!!map {}\n",
        "? [a]\n: b\n",
        "{a: 1, a: 2}\n",
        "a:\n\t- b\n",
        "\u{feff}entity: X\n",
        "entity: X\n---\nentity: Y\n",
        "%YAML 1.2\n---\nentity: X\n",
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n",
        "a: 'unterminated\n",
        "a: \"\\q\"\n",
    ];
    for text in awkward {
        check(text.to_owned(), real(ENTITY)).unwrap_or_else(|e| panic!("service {text:?}: {e}"));
        check(real(SERVICE), text.to_owned()).unwrap_or_else(|e| panic!("entity {text:?}: {e}"));
    }
}
