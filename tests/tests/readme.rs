//! The README's client example is `generated/examples/quickstart.rs`, which `cargo test`
//! compiles; this keeps the two identical so the README never shows code that does not build.

#[test]
fn readme_example_is_the_compiled_quickstart() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let example = std::fs::read_to_string(root.join("generated/examples/quickstart.rs"))
        .expect("quickstart.rs");
    let start = readme
        .find("```rust,no_run\n")
        .expect("the README has a rust example")
        + "```rust,no_run\n".len();
    let end = start + readme[start..].find("```").expect("the example block ends");
    let shown = &readme[start..end];
    assert!(
        example.contains(shown),
        "README.md's example differs from generated/examples/quickstart.rs; copy one to the other"
    );
}
