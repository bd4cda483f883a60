//! The READMEs' Rust examples are files (`tests/examples/quickstart.rs`,
//! `emulator/examples/emulator.rs`), which `cargo test` compiles; this keeps each README
//! block identical to its file, so a README never shows code that does not build. The
//! workspace README, the pages of `docs/` it links and the published crates' READMEs (the
//! pages crates.io shows) are checked alike, and so are their links.
//!
//! A block is tied to its file by an HTML comment on the line before its fence:
//! `<!-- example: tests/examples/quickstart.rs -->`. Every `rust` block must have one.
//!
//! Every line of theirs that shows how to depend on a crate or install one must work as
//! written: see [`every_dependency_line_of_the_readmes_works_as_written`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The READMEs and the documentation pages they link, with the example files their `rust`
/// blocks show, in order.
const READMES: [(&str, &[&str]); 8] = [
    ("README.md", &["tests/examples/quickstart.rs"]),
    ("docs/client.md", &["emulator/examples/emulator.rs"]),
    ("docs/cli.md", &[]),
    ("docs/development.md", &[]),
    ("generated/README.md", &["tests/examples/quickstart.rs"]),
    ("runtime/README.md", &[]),
    ("emulator/README.md", &["emulator/examples/emulator.rs"]),
    ("cli/README.md", &[]),
];

/// The crates published to crates.io, by folder.
const PUBLISHED: [&str; 4] = ["runtime", "generated", "emulator", "cli"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

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
    for (path, expected) in READMES {
        let readme = read(path);
        let blocks = rust_blocks(&readme);
        assert!(
            blocks.iter().all(|(file, _)| file.is_some()),
            "each {path} rust block needs a `{MARKER}<file> -->` line before it"
        );
        let files: Vec<&str> = blocks
            .iter()
            .filter_map(|(file, _)| file.as_deref())
            .collect();
        assert_eq!(files, expected, "the examples of {path}");
        for (file, code) in &blocks {
            let file = file.as_deref().unwrap_or_default();
            let example = read(file);
            assert!(
                example.contains(code.as_str()),
                "{path}'s example differs from {file}; copy one to the other (generated/README.md \
                 takes README.md's through `cargo xtask gen`)"
            );
        }
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

/// What a README line names: a dependency (`name = "0.1"`, `name = { version = ..,
/// features = [..] }`) or an install (`cargo install name`, `cargo install --path dir`).
#[derive(Debug, PartialEq)]
enum Use {
    Dependency { name: String, spec: String },
    Install(String),
    InstallPath(String),
}

/// Every use of a crate a README shows, with its line number: the entries of the
/// `[*dependencies]` tables of its `toml` blocks, a dependency in inline code (`` `name =
/// "0.1"` ``, in prose or in a code comment) when it names a published crate, and every
/// `cargo install` of a published crate or a path.
fn uses(readme: &str) -> Vec<(usize, Use)> {
    let published: Vec<String> = PUBLISHED.iter().map(|dir| manifest(dir).name).collect();
    let mut found = Vec::new();
    let mut in_toml = false;
    let mut in_dependencies = false;
    for (index, line) in readme.lines().enumerate() {
        let number = index + 1;
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            in_toml = !in_toml && trimmed == "```toml";
            in_dependencies = false;
            continue;
        }
        if in_toml {
            if trimmed.starts_with('[') {
                in_dependencies = trimmed.trim_matches(['[', ']']).ends_with("dependencies");
            } else if in_dependencies && let Some((name, spec)) = trimmed.split_once('=') {
                found.push((
                    number,
                    Use::Dependency {
                        name: name.trim().to_owned(),
                        spec: spec.trim().to_owned(),
                    },
                ));
            }
            continue;
        }
        for (i, code) in line.split('`').enumerate() {
            if i % 2 == 0 {
                continue;
            }
            if let Some((name, spec)) = code.split_once('=')
                && published.iter().any(|p| p == name.trim())
            {
                found.push((
                    number,
                    Use::Dependency {
                        name: name.trim().to_owned(),
                        spec: spec.trim().to_owned(),
                    },
                ));
            }
        }
        let mut rest = line;
        while let Some(at) = rest.find("cargo install ") {
            let args: Vec<&str> = rest[at + "cargo install ".len()..]
                .split_whitespace()
                .take_while(|word| !word.starts_with('#') && !word.starts_with('`'))
                // The end of inline code or of a sentence: `cargo install --path cli`.
                .map(|word| word.trim_end_matches(['`', '.', ',', ')']))
                .collect();
            let mut words = args.iter();
            while let Some(word) = words.next() {
                if *word == "--path" {
                    if let Some(dir) = words.next() {
                        found.push((number, Use::InstallPath(dir.to_string())));
                    }
                } else if word.starts_with("nexudus") {
                    found.push((number, Use::Install(word.to_string())));
                }
            }
            rest = &rest[at + 1..];
        }
    }
    found
}

/// A published crate's manifest, as far as users see it.
#[derive(Debug)]
struct Manifest {
    name: String,
    version: String,
    features: Vec<String>,
    binaries: Vec<String>,
}

fn manifest(dir: &str) -> Manifest {
    let path = format!("{dir}/Cargo.toml");
    let doc: toml_edit::DocumentMut = read(&path).parse().expect(&path);
    let package = &doc["package"];
    let features = doc
        .get("features")
        .and_then(|f| f.as_table())
        .map(|t| t.iter().map(|(k, _)| k.to_owned()).collect())
        .unwrap_or_default();
    let binaries = doc
        .get("bin")
        .and_then(|b| b.as_array_of_tables())
        .map(|bins| {
            bins.iter()
                .filter_map(|b| b.get("name").and_then(|n| n.as_str()).map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    Manifest {
        name: package["name"].as_str().expect("a name").to_owned(),
        version: package["version"].as_str().expect("a version").to_owned(),
        features,
        binaries,
    }
}

/// Whether `version` meets the requirement `requirement` as Cargo reads it (the `semver`
/// crate Cargo uses: `0.1` is `>=0.1.0, <0.2.0`, and no pre-release unless asked for).
fn meets(version: &str, requirement: &str) -> bool {
    match (
        semver::Version::parse(version),
        semver::VersionReq::parse(requirement),
    ) {
        (Ok(version), Ok(requirement)) => requirement.matches(&version),
        _ => false,
    }
}

/// The versions of each package of the workspace's `Cargo.lock`.
fn locked_versions() -> BTreeMap<String, Vec<String>> {
    let lock: toml_edit::DocumentMut = read("Cargo.lock").parse().expect("Cargo.lock");
    let mut versions: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for package in lock["package"].as_array_of_tables().expect("packages") {
        let name = package["name"].as_str().expect("a name");
        let version = package["version"].as_str().expect("a version");
        versions
            .entry(name.to_owned())
            .or_default()
            .push(version.to_owned());
    }
    versions
}

/// A README line that shows how to depend on a crate, or install one, must work as written:
/// a published crate's name, a version requirement its manifest's version meets, only
/// features it has, no `path` or `git`; `cargo install` of a published crate with a binary,
/// or `--path` of a folder that holds one. Other crates (`tokio`, `futures`) must be in
/// `Cargo.lock` at a version the requirement allows: the workspace builds with them (their
/// features are not checked).
#[test]
fn every_dependency_line_of_the_readmes_works_as_written() {
    let manifests: Vec<(&str, Manifest)> = PUBLISHED.iter().map(|d| (*d, manifest(d))).collect();
    let locked = locked_versions();
    let mut checked = 0;
    for (path, _) in READMES {
        for (line, found) in uses(&read(path)) {
            let at = format!("{path}:{line}");
            checked += 1;
            match found {
                Use::Dependency { name, spec } => {
                    let doc: toml_edit::DocumentMut = format!("dependency = {spec}")
                        .parse()
                        .unwrap_or_else(|e| panic!("{at}: `{name} = {spec}` is not TOML: {e}"));
                    let item = &doc["dependency"];
                    let (requirement, features) = match item.as_str() {
                        Some(requirement) => (requirement.to_owned(), Vec::new()),
                        None => {
                            let table = item.as_inline_table().unwrap_or_else(|| {
                                panic!("{at}: `{spec}` is neither a version nor a table")
                            });
                            for (key, value) in table.iter() {
                                match key {
                                    "version" | "features" | "optional" => {}
                                    "default-features" => assert!(
                                        value.as_bool().is_some(),
                                        "{at}: default-features is true or false"
                                    ),
                                    other => panic!(
                                        "{at}: `{other}` does not work for a user of the published crate"
                                    ),
                                }
                            }
                            let requirement = table
                                .get("version")
                                .and_then(|v| v.as_str())
                                .unwrap_or_else(|| panic!("{at}: `{name}` has no version"))
                                .to_owned();
                            let features = table
                                .get("features")
                                .and_then(|f| f.as_array())
                                .map(|a| {
                                    a.iter()
                                        .map(|f| f.as_str().expect("feature names").to_owned())
                                        .collect()
                                })
                                .unwrap_or_default();
                            (requirement, features)
                        }
                    };
                    if let Some((_, manifest)) = manifests.iter().find(|(_, m)| m.name == name) {
                        assert!(
                            meets(&manifest.version, &requirement),
                            "{at}: `{name} = \"{requirement}\"` does not allow the crate's version {}",
                            manifest.version
                        );
                        for feature in features {
                            assert!(
                                manifest.features.contains(&feature),
                                "{at}: `{name}` has no feature `{feature}`"
                            );
                        }
                    } else {
                        let versions = locked
                            .get(&name)
                            .unwrap_or_else(|| panic!("{at}: `{name}` is neither a published crate of the workspace nor in Cargo.lock"));
                        assert!(
                            versions.iter().any(|v| meets(v, &requirement)),
                            "{at}: `{name} = \"{requirement}\"` allows none of Cargo.lock's {versions:?}"
                        );
                    }
                }
                Use::Install(name) => {
                    let (_, manifest) = manifests
                        .iter()
                        .find(|(_, m)| m.name == name)
                        .unwrap_or_else(|| panic!("{at}: no published crate `{name}` to install"));
                    assert!(
                        !manifest.binaries.is_empty(),
                        "{at}: `{name}` has no binary to install"
                    );
                }
                Use::InstallPath(dir) => {
                    let (_, manifest) = manifests
                        .iter()
                        .find(|(d, _)| *d == dir.trim_end_matches('/'))
                        .unwrap_or_else(|| panic!("{at}: `--path {dir}` is no published crate"));
                    assert!(
                        !manifest.binaries.is_empty(),
                        "{at}: `{dir}` has no binary to install"
                    );
                }
            }
        }
    }
    assert!(
        checked >= 10,
        "the READMEs show at least 10 dependency and install lines, found {checked}"
    );
}

#[test]
fn dependency_lines_are_found_where_readmes_show_them() {
    let readme = "```toml\n[dev-dependencies]\nnexudus-emulator = \"0.1\"\n\n[profiles.x]\n\
                  token = \"t\"\n```\n\
                  with `nexudus = { version = \"0.1\" }` and `other = \"1\"`\n\
                  ```sh\ncargo install --path cli   # installs `nexudus`\n\
                  cargo install nexudus-emulator\ncargo install cargo-insta\n```\n\
                  Or `cargo install --path emulator`.\n";
    let dependency = |name: &str, spec: &str| Use::Dependency {
        name: name.to_owned(),
        spec: spec.to_owned(),
    };
    assert_eq!(
        uses(readme),
        [
            (3, dependency("nexudus-emulator", "\"0.1\"")),
            (8, dependency("nexudus", "{ version = \"0.1\" }")),
            (10, Use::InstallPath("cli".to_owned())),
            (11, Use::Install("nexudus-emulator".to_owned())),
            (14, Use::InstallPath("emulator".to_owned())),
        ]
    );
}

#[test]
fn requirements_are_read_as_cargo_reads_them() {
    assert!(meets("0.1.0", "0.1"));
    assert!(meets("0.1.7", "0.1.2"));
    assert!(!meets("0.1.1", "0.1.2"));
    assert!(!meets("0.2.0", "0.1"));
    assert!(!meets("0.1.0", "0.2"));
    assert!(meets("1.54.1", "1"));
    assert!(!meets("2.0.0", "1"));
    assert!(meets("0.3.34", "0.3"));
    assert!(meets("0.0.3", "0.0.3"));
    assert!(!meets("0.0.4", "0.0.3"));
    assert!(meets("0.1.0", "=0.1.0"));
    assert!(!meets("0.1.1", "=0.1.0"));
    assert!(meets("0.1.0", "^0.1"));
    assert!(!meets("0.1.0", "latest"));
    // A pre-release only when the requirement names one of the same version.
    assert!(!meets("1.0.0-beta.1", "1"));
    assert!(meets("1.0.0-beta.2", "1.0.0-beta.1"));
}

/// The published crates' manifests carry what crates.io shows and needs: a description, the
/// license and its two files, a README that exists, at most five keywords and categories,
/// `rust-version`, docs.rs settings with every feature; and every dependency of one on
/// another has a version its manifest's version meets (a path alone is not published),
/// except a dev-dependency without one, which cargo leaves out of the package (the runtime's
/// on `nexudus`, whose cycle it breaks).
#[test]
fn published_crates_have_what_crates_io_needs() {
    let versions: BTreeMap<String, String> = PUBLISHED
        .iter()
        .map(|dir| {
            let m = manifest(dir);
            (m.name, m.version)
        })
        .collect();
    for dir in PUBLISHED {
        let path = format!("{dir}/Cargo.toml");
        let doc: toml_edit::DocumentMut = read(&path).parse().expect(&path);
        let package = doc["package"].as_table().expect("[package]");
        assert!(
            package.get("publish").is_none(),
            "{path}: a published crate sets no `publish`"
        );
        for key in ["description", "license", "rust-version", "edition"] {
            assert!(package.contains_key(key), "{path}: no `{key}`");
        }
        let readme = package["readme"].as_str().expect("a readme");
        assert!(
            !read(&format!("{dir}/{readme}")).is_empty(),
            "{path}: the README is empty"
        );
        for file in ["LICENSE-MIT", "LICENSE-APACHE"] {
            assert_eq!(
                read(&format!("{dir}/{file}")),
                read(file),
                "{dir}/{file} is the workspace's (a link to it)"
            );
        }
        for (key, most) in [("keywords", 5), ("categories", 5)] {
            let list = package[key].as_array().expect(key);
            assert!(
                !list.is_empty() && list.len() <= most,
                "{path}: 1 to {most} {key}"
            );
        }
        for keyword in package["keywords"].as_array().expect("keywords") {
            let keyword = keyword.as_str().expect("a keyword");
            assert!(
                keyword.len() <= 20
                    && keyword.starts_with(|c: char| c.is_ascii_alphabetic())
                    && keyword
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-_+".contains(c)),
                "{path}: crates.io refuses the keyword `{keyword}`"
            );
        }
        let docs_rs = doc["package"]["metadata"]["docs"]["rs"]
            .as_table()
            .unwrap_or_else(|| panic!("{path}: no [package.metadata.docs.rs]"));
        assert_eq!(
            docs_rs.get("all-features").and_then(|v| v.as_bool()),
            Some(true),
            "{path}: docs.rs documents every feature"
        );
        for kind in ["dependencies", "dev-dependencies", "build-dependencies"] {
            let Some(deps) = doc.get(kind).and_then(|d| d.as_table_like()) else {
                continue;
            };
            for (name, spec) in deps.iter() {
                let Some(version) = versions.get(name) else {
                    continue;
                };
                match spec.get("version").and_then(|v| v.as_str()) {
                    Some(requirement) => assert!(
                        meets(version, requirement),
                        "{path}: {kind} `{name}` asks for {requirement}, but the crate is {version}"
                    ),
                    None => assert!(
                        kind == "dev-dependencies",
                        "{path}: {kind} `{name}` needs a version to be published"
                    ),
                }
            }
        }
    }
    // Everything else stays unpublished.
    let workspace: toml_edit::DocumentMut = read("Cargo.toml").parse().expect("Cargo.toml");
    assert_eq!(
        workspace["workspace"]["package"]["publish"].as_bool(),
        Some(false)
    );
    for member in workspace["workspace"]["members"]
        .as_array()
        .expect("members")
        .iter()
        .filter_map(|m| m.as_str())
        .filter(|m| !PUBLISHED.contains(m))
    {
        let path = format!("{member}/Cargo.toml");
        let doc: toml_edit::DocumentMut = read(&path).parse().expect(&path);
        let publish = &doc["package"]["publish"];
        assert!(
            publish.as_bool() == Some(false)
                || publish.get("workspace").and_then(|w| w.as_bool()) == Some(true),
            "{path}: an internal crate is not published"
        );
    }
}

/// `docs/reliability.md`'s tables name, per row, the tests that show it, as
/// ``runtime `a`, `b`; e2e `c` ``: each must be a test function of the file that names.
#[test]
fn every_test_the_reliability_table_names_exists() {
    // Where each name of the tables' last column points.
    let files = [
        ("runtime unit", "runtime/src/pacing.rs"),
        ("runtime", "tests/tests/runtime.rs"),
        ("e2e", "tests/tests/e2e.rs"),
        ("cli", "cli/tests/cli.rs"),
    ];
    let doc = read("docs/reliability.md");
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
            let source = read(path);
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

/// Every relative link of the READMEs, of `docs/` and of `spec/README.md` leads to a file of
/// the repository, and an anchor (`page.md#heading`, `#heading`) to a heading of its page,
/// as GitHub makes anchors: pages moved or sections renamed leave no dead link.
#[test]
fn every_relative_link_of_the_documentation_leads_somewhere() {
    let mut pages: Vec<String> = READMES.iter().map(|(path, _)| path.to_string()).collect();
    pages.push("spec/README.md".to_owned());
    for entry in std::fs::read_dir(root().join("docs")).expect("docs/") {
        let name = entry.expect("an entry of docs/").file_name();
        let name = name.to_string_lossy();
        if name.ends_with(".md") && !pages.contains(&format!("docs/{name}")) {
            pages.push(format!("docs/{name}"));
        }
    }
    let mut checked = 0;
    for page in &pages {
        for link in links(&read(page)) {
            if link.contains("://") || link.starts_with("mailto:") {
                continue;
            }
            let (file, anchor) = link.split_once('#').unwrap_or((&link, ""));
            let target = if file.is_empty() {
                PathBuf::from(page)
            } else {
                Path::new(page).parent().unwrap_or(Path::new("")).join(file)
            };
            let path = root().join(&target);
            assert!(path.exists(), "{page}: the link `{link}` leads to no file");
            if !anchor.is_empty() {
                let text = std::fs::read_to_string(&path)
                    .unwrap_or_else(|e| panic!("{page}: `{link}`: {e}"));
                assert!(
                    anchors(&text).iter().any(|a| a == anchor),
                    "{page}: the link `{link}` names no heading of {}",
                    target.display()
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} relative links found");
}

/// The destinations of a Markdown page's links.
fn links(markdown: &str) -> Vec<String> {
    use pulldown_cmark::{Event, Options, Parser, Tag};
    Parser::new_ext(markdown, Options::ENABLE_TABLES)
        .filter_map(|event| match event {
            Event::Start(Tag::Link { dest_url, .. }) => Some(dest_url.to_string()),
            _ => None,
        })
        .collect()
}

/// The anchors GitHub gives a page's headings: the heading's text in lowercase, spaces as
/// `-`, punctuation other than `-` and `_` dropped.
fn anchors(markdown: &str) -> Vec<String> {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let mut anchors = Vec::new();
    let mut heading: Option<String> = None;
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Heading { .. }) => heading = Some(String::new()),
            Event::Text(text) | Event::Code(text) => {
                if let Some(h) = heading.as_mut() {
                    h.push_str(&text);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(h) = heading.take() {
                    anchors.push(
                        h.to_lowercase()
                            .chars()
                            .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
                            .map(|c| if c == ' ' { '-' } else { c })
                            .collect(),
                    );
                }
            }
            _ => {}
        }
    }
    anchors
}

#[test]
fn anchors_are_made_as_github_makes_them() {
    assert_eq!(
        anchors(
            "# A first example\n\n## What `cargo xtask ci` runs\n\n### Publishing to crates.io\n"
        ),
        [
            "a-first-example",
            "what-cargo-xtask-ci-runs",
            "publishing-to-cratesio"
        ]
    );
    assert_eq!(
        links("[a](docs/a.md#x) and [`b`](https://b.example) `[c](d)`\n"),
        ["docs/a.md#x", "https://b.example"]
    );
}
