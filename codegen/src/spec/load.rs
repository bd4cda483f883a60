//! Reading spec files: YAML to the model, with every shape error located.

use std::path::{Path, PathBuf};

use marked_yaml::{FromYamlError, LoadError, LoaderOptions, Span};

use super::error::{SpecError, SpecErrors, did_you_mean};
use super::model::{Entity, EntityDef, Service, Spec};
use super::validate;

/// The service file's name inside the spec folder.
pub const SERVICE_FILE: &str = "service.yaml";

/// One spec file's text and the path messages call it by.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
}

/// Reads `dir/service.yaml` and every `dir/<area>/<entity>.yaml`, then validates them.
pub fn load(dir: &Path) -> Result<Spec, SpecErrors> {
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
    if !errors.is_empty() {
        return Err(SpecErrors(errors));
    }
    // Messages name files relative to the spec folder's parent, as a user would type them.
    load_sources(dir, files)
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

/// Parses and validates spec files already in memory. `root` is the spec folder: the service
/// file is `root/service.yaml`, entity files are `root/<area>/<name>.yaml`.
pub fn load_sources(root: &Path, files: Vec<SourceFile>) -> Result<Spec, SpecErrors> {
    let mut ctx = Files {
        paths: files.iter().map(|f| f.path.clone()).collect(),
        errors: Vec::new(),
    };
    let mut service = None;
    let mut entities = Vec::new();
    for (index, file) in files.iter().enumerate() {
        let relative = file.path.strip_prefix(root).unwrap_or(&file.path);
        let parts: Vec<_> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        match parts.as_slice() {
            [name] if name == SERVICE_FILE => {
                service = ctx.parse::<Service>(index, &file.text);
            }
            [area, _file] => {
                if let Some(def) = ctx.parse::<EntityDef>(index, &file.text) {
                    entities.push(Entity { area: area.clone(), file: file.path.clone(), def });
                }
            }
            _ => ctx.errors.push(file_error(
                &file.path,
                format!("spec files are `{SERVICE_FILE}` and `<area>/<entity>.yaml`; this one is neither"),
            )),
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
    let spec = Spec { service, entities };
    validate::validate(&spec, &mut ctx);
    if ctx.errors.is_empty() {
        Ok(spec)
    } else {
        Err(ctx.finish())
    }
}

/// The files of one load and the problems found in them; turns spans into locations.
pub struct Files {
    paths: Vec<PathBuf>,
    pub(crate) errors: Vec<SpecError>,
}

impl Files {
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
        let options = LoaderOptions::default().error_on_duplicate_keys(true);
        match marked_yaml::from_yaml_with_options::<T>(index, text, options) {
            Ok(value) => Some(value),
            Err(FromYamlError::ParseYaml(e)) => {
                self.load_error(index, e);
                None
            }
            Err(FromYamlError::FromNode(e)) => {
                let path = self.paths[index].clone();
                let (line, column) = e
                    .start_mark()
                    .map(|m| (m.line(), m.column()))
                    .unwrap_or((1, 1));
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
