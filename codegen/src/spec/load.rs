//! Reading spec files: YAML to the model, with every shape error located.

use std::path::{Path, PathBuf};

use marked_yaml::{LoadError, LoaderOptions, Marker, Node, Span};

use super::error::{SpecError, SpecErrors, did_you_mean};
use super::raw::{Entity, EntityDef, EnumsFile, RawSpec, Service};
use super::resolve;
use crate::model::Api;
use crate::timings::Timings;

/// The service file's name inside the spec folder.
pub const SERVICE_FILE: &str = "service.yaml";

/// The enumerations file's name inside the spec folder (optional).
pub const ENUMS_FILE: &str = "enums.yaml";

/// One spec file's text and the path messages call it by.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
}

/// Reads `dir/service.yaml`, `dir/enums.yaml` and every `dir/<area>/<entity>.yaml`, checks
/// them and resolves them into the model.
pub fn load(dir: &Path) -> Result<Api, SpecErrors> {
    load_sources(dir, read_sources(dir)?)
}

/// Reads the spec files of `dir` (`service.yaml`, `enums.yaml` and `<area>/<entity>.yaml`), in
/// path order.
pub fn read_sources(dir: &Path) -> Result<Vec<SourceFile>, SpecErrors> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let mut read = |path: PathBuf, errors: &mut Vec<SpecError>| match std::fs::read(&path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => files.push(SourceFile { path, text }),
            Err(e) => errors.push(file_error(&path, format!("not UTF-8 text: {e}"))),
        },
        Err(e) => errors.push(file_error(&path, format!("cannot read: {e}"))),
    };
    read(dir.join(SERVICE_FILE), &mut errors);
    if dir.join(ENUMS_FILE).is_file() {
        read(dir.join(ENUMS_FILE), &mut errors);
    }
    match sorted_entries(dir) {
        Ok(entries) => {
            for area in entries.into_iter().filter(|p| p.is_dir()) {
                match sorted_entries(&area) {
                    Ok(files_in_area) => {
                        for file in files_in_area {
                            if file.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                                read(file, &mut errors);
                            } else if file.is_dir() {
                                errors.push(file_error(
                                    &file,
                                    "entity files sit directly in an area folder".into(),
                                ));
                            }
                        }
                    }
                    Err(e) => errors.push(file_error(&area, format!("cannot list: {e}"))),
                }
            }
        }
        Err(e) => errors.push(file_error(dir, format!("cannot list the spec folder: {e}"))),
    }
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(SpecErrors(errors))
    }
}

fn sorted_entries(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut entries = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<Vec<_>, _>>()?;
    entries.sort();
    Ok(entries)
}

fn file_error(path: &Path, message: String) -> SpecError {
    SpecError {
        file: path.to_owned(),
        line: 1,
        column: 1,
        message,
        help: None,
    }
}

/// Parses and resolves spec files already in memory. `root` is the spec folder: the service
/// file is `root/service.yaml`, enums are in `root/enums.yaml`, entity files are
/// `root/<area>/<name>.yaml`.
pub fn load_sources(root: &Path, files: Vec<SourceFile>) -> Result<Api, SpecErrors> {
    load_sources_timed(root, files, &mut Timings::default())
}

/// [`load_sources`], adding the time spent parsing and resolving to `timings`.
pub fn load_sources_timed(
    root: &Path,
    files: Vec<SourceFile>,
    timings: &mut Timings,
) -> Result<Api, SpecErrors> {
    let mut ctx = Files {
        paths: files.iter().map(|f| f.path.clone()).collect(),
        errors: Vec::new(),
    };
    // Which file is what, by its place under `root`.
    let mut jobs = Vec::new();
    for (index, file) in files.iter().enumerate() {
        let relative = file.path.strip_prefix(root).unwrap_or(&file.path);
        let parts: Vec<_> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        match parts.as_slice() {
            [name] if name == SERVICE_FILE => jobs.push((index, Job::Service)),
            [name] if name == ENUMS_FILE => jobs.push((index, Job::Enums)),
            [area, _file] => jobs.push((index, Job::Entity(area.clone()))),
            _ => ctx.errors.push(file_error(
                &file.path,
                format!("spec files are `{SERVICE_FILE}`, `{ENUMS_FILE}` and `<area>/<entity>.yaml`; this one is none of them"),
            )),
        }
    }
    // Files parse independently, so on all cores; each thread collects its own errors.
    let parsed = timings.time(
        |t| &mut t.yaml,
        || {
            crate::parallel::on_all_cores(&jobs, |jobs| {
                let mut local = ctx.for_thread();
                let mut parsed = Vec::new();
                for (index, job) in jobs {
                    let file = &files[*index];
                    match job {
                        Job::Service => parsed.extend(
                            local
                                .parse::<Service>(*index, &file.text)
                                .map(|s| Parsed::Service(Box::new(s))),
                        ),
                        Job::Enums => parsed.extend(
                            local
                                .parse::<EnumsFile>(*index, &file.text)
                                .map(|e| Parsed::Enums(e.enums)),
                        ),
                        Job::Entity(area) => {
                            parsed.extend(local.parse::<EntityDef>(*index, &file.text).map(|def| {
                                Parsed::Entity(Box::new(Entity {
                                    area: area.clone(),
                                    file: file.path.clone(),
                                    def,
                                }))
                            }))
                        }
                    }
                }
                (parsed, local.errors)
            })
        },
    );
    let mut service = None;
    let mut enums = Vec::new();
    let mut entities = Vec::new();
    for (items, errors) in parsed {
        ctx.errors.extend(errors);
        for item in items {
            match item {
                Parsed::Service(s) => service = Some(*s),
                Parsed::Enums(e) => enums = e,
                Parsed::Entity(e) => entities.push(*e),
            }
        }
    }
    let Some(service) = service else {
        if !files.iter().any(|f| {
            f.path
                .strip_prefix(root)
                .is_ok_and(|p| p == Path::new(SERVICE_FILE))
        }) {
            ctx.errors.push(file_error(
                &root.join(SERVICE_FILE),
                "the service file is missing".into(),
            ));
        }
        return Err(ctx.finish());
    };
    entities
        .sort_by(|a, b| (&a.area, a.def.entity.as_str()).cmp(&(&b.area, b.def.entity.as_str())));
    let raw = RawSpec {
        service,
        enums,
        entities,
    };
    let api = timings.time(|t| &mut t.validate, || resolve::resolve(&raw, &mut ctx));
    match api {
        Some(api) if ctx.errors.is_empty() => Ok(api),
        _ => Err(ctx.finish()),
    }
}

/// What a spec file is, by its place in the folder.
enum Job {
    Service,
    Enums,
    Entity(String),
}

/// What one spec file holds.
enum Parsed {
    Service(Box<Service>),
    Enums(Vec<super::raw::EnumDef>),
    Entity(Box<Entity>),
}

/// The files of one load and the problems found in them; turns spans into locations.
pub struct Files {
    paths: Vec<PathBuf>,
    pub(crate) errors: Vec<SpecError>,
}

impl Files {
    /// No errors yet, for the same files: one thread's share of the work.
    pub(crate) fn for_thread(&self) -> Files {
        Files {
            paths: self.paths.clone(),
            errors: Vec::new(),
        }
    }

    /// Records a problem at `span` (the start of the offending value).
    pub fn error(&mut self, span: &Span, message: impl Into<String>, help: Option<String>) {
        let (file, line, column) = match span.start() {
            Some(m) => (
                self.paths.get(m.source()).cloned().unwrap_or_default(),
                m.line(),
                m.column(),
            ),
            None => (PathBuf::new(), 1, 1),
        };
        self.errors.push(SpecError {
            file,
            line,
            column,
            message: message.into(),
            help,
        });
    }

    fn finish(mut self) -> SpecErrors {
        self.errors
            .sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
        self.errors.dedup();
        SpecErrors(self.errors)
    }

    fn parse<T: serde::de::DeserializeOwned>(&mut self, index: usize, text: &str) -> Option<T> {
        if let Some(line) = later_document(text) {
            // The YAML parser reads one document and silently drops the rest of the file.
            self.errors.push(SpecError {
                file: self.paths[index].clone(),
                line,
                column: 1,
                message: "a second YAML document starts here; a spec file holds one".into(),
                help: Some("remove the `---` or `...` line".into()),
            });
            return None;
        }
        let options = LoaderOptions::default().error_on_duplicate_keys(true);
        let node = match marked_yaml::parse_yaml_with_options(index, text, options) {
            Ok(node) => node,
            Err(e) => {
                self.load_error(index, e);
                return None;
            }
        };
        match marked_yaml::from_node::<T>(&node) {
            Ok(value) => Some(value),
            Err(e) => {
                let path = self.paths[index].clone();
                let mut mark = e.start_mark();
                // A missing key is reported at its mapping, whose start mark sits at the
                // first key's colon; point at the first key instead.
                if let (Some(at), marked_yaml::Error::Other(text, _)) = (mark, &*e)
                    && text.starts_with("missing field")
                {
                    mark = first_key_of_mapping_at(&node, &at).or(mark);
                }
                let (line, column) = mark.map(|m| (m.line(), m.column())).unwrap_or((1, 1));
                let (message, help) = match &*e {
                    marked_yaml::Error::UnknownFieldError(key, expected, _) => (
                        format!("unknown key `{key}`; expected {}", one_of(expected)),
                        did_you_mean(key, expected.iter().copied()),
                    ),
                    marked_yaml::Error::NotBoolean(_) => {
                        ("expected `true` or `false`".to_owned(), None)
                    }
                    marked_yaml::Error::IntegerParseFailure(err, _) => {
                        (format!("expected a whole number: {err}"), None)
                    }
                    other => (shape_message(&other.to_string()), None),
                };
                self.errors.push(SpecError {
                    file: path,
                    line,
                    column,
                    message,
                    help,
                });
                None
            }
        }
    }

    fn load_error(&mut self, index: usize, e: LoadError) {
        let path = self.paths[index].clone();
        let (marker, message) = match &e {
            LoadError::TopLevelMustBeMapping(m) => {
                (Some(*m), "the file must be a YAML mapping".to_owned())
            }
            LoadError::TopLevelMustBeSequence(m) => {
                (Some(*m), "the file must be a YAML sequence".to_owned())
            }
            LoadError::UnexpectedAnchor(m) => (
                Some(*m),
                "YAML anchors and aliases are not allowed in the spec".to_owned(),
            ),
            LoadError::MappingKeyMustBeScalar(m) => {
                (Some(*m), "mapping keys must be plain strings".to_owned())
            }
            LoadError::UnexpectedTag(m) => {
                (Some(*m), "YAML tags are not allowed in the spec".to_owned())
            }
            LoadError::ScanError(m, err) => {
                (Some(*m), format!("YAML syntax error: {}", err.info()))
            }
            LoadError::DuplicateKey(inner) => {
                let first = inner
                    .prev_key
                    .span()
                    .start()
                    .map(|m| format!(" (first at line {})", m.line()));
                (
                    inner.key.span().start().copied(),
                    format!(
                        "duplicate key `{}`{}",
                        inner.key.as_str(),
                        first.unwrap_or_default()
                    ),
                )
            }
        };
        let (line, column) = marker.map(|m| (m.line(), m.column())).unwrap_or((1, 1));
        self.errors.push(SpecError {
            file: path,
            line,
            column,
            message,
            help: None,
        });
    }
}

/// The 1-based line of a document marker (`---`, `...`) that follows content, if any.
fn later_document(text: &str) -> Option<usize> {
    let mut content = false;
    for (i, line) in text.lines().enumerate() {
        let marker = |m: &str| {
            line.strip_prefix(m)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
        };
        if marker("...") || (marker("---") && content) {
            return Some(i + 1);
        }
        let trimmed = line.trim_start();
        if !trimmed.is_empty() && !trimmed.starts_with('#') && !line.starts_with('%') {
            content = true;
        }
    }
    None
}

/// The start of the first key of the mapping that starts at `at`, searching the whole tree.
fn first_key_of_mapping_at(node: &Node, at: &Marker) -> Option<Marker> {
    let same =
        |m: Option<&Marker>| m.is_some_and(|m| (m.line(), m.column()) == (at.line(), at.column()));
    match node {
        Node::Scalar(_) => None,
        Node::Sequence(seq) => seq.iter().find_map(|n| first_key_of_mapping_at(n, at)),
        Node::Mapping(map) if same(map.span().start()) => {
            map.keys().next().and_then(|k| k.span().start().copied())
        }
        Node::Mapping(map) => map.values().find_map(|n| first_key_of_mapping_at(n, at)),
    }
}

fn one_of(expected: &[&str]) -> String {
    match expected {
        [] => "no keys here".to_owned(),
        [one] => format!("`{one}`"),
        _ => format!(
            "one of {}",
            expected
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// serde's messages ("invalid type: ...") say what is wrong well enough; normalise the casing.
fn shape_message(text: &str) -> String {
    let text = text.replace("missing field", "missing key");
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => "malformed value".to_owned(),
    }
}
