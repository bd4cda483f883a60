//! `nexudus <entity> import FILE`: records from JSON Lines or CSV, created, or updated when
//! they carry an `Id`.
//!
//! Every line is read and checked against the schema before anything is sent. Lines go one
//! at a time, so the client's pacing keeps them to the API's write limit. A line the API
//! refuses goes to the rejects file and the import goes on; any other failure stops it. A
//! journal records each line before it is sent and its outcome after, so a stopped run
//! resumes where it was: lines done or refused are skipped, and a create whose answer was
//! lost is looked up by `--match-on` before it is sent again.

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use clap::ArgMatches;
use futures::StreamExt as _;
use nexudus::{Endpoint, EndpointKind, EntitySchema, FieldKind, FieldSchema, FilterSchema};
use nexudus::{ListQuery, ValidationError};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::app::Global;
use crate::error::{CliError, Kind};
use crate::exec::{self, Api, QueryPair, SortBy, UpdateError};
use crate::names::{self, normalize};
use crate::output::{Format, Progress};
use crate::{session, values};

/// How the input file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum InputFormat {
    /// One JSON object per non-empty line.
    Jsonl,
    /// A header row of field names, then one record per row.
    Csv,
}

/// One record of the input, checked.
#[derive(Debug, Clone, PartialEq)]
struct Line {
    /// Where it is in the file, from 1 (where a CSV record starts).
    number: u64,
    /// The record it updates; `None` creates one.
    id: Option<i64>,
    /// The fields to write, by wire name, as the API takes them.
    fields: Map<String, Value>,
}

impl Line {
    /// The record as the rejects file shows it: its fields, and its `Id` if it has one.
    fn record(&self) -> Map<String, Value> {
        let mut record = self.fields.clone();
        if let Some(id) = self.id {
            record.insert("Id".to_owned(), id.into());
        }
        record
    }
}

/// A value of the input: JSON from a JSON line, text from a CSV cell.
enum Cell {
    Json(Value),
    Text(String),
}

impl Cell {
    /// The cell with its PII tokens resolved to their values.
    fn resolved(self, field: &FieldSchema) -> Result<Cell, CliError> {
        Ok(match self {
            Cell::Json(value) => Cell::Json(session::resolve_json(Some(field), &value)?),
            Cell::Text(text) => Cell::Text(session::resolve_text(&text)?),
        })
    }

    /// The value as a body carries it, checked against the field's kind.
    fn value(&self, kind: FieldKind) -> Result<Value, String> {
        match self {
            Cell::Json(value) => values::check(kind, value),
            Cell::Text(text) => values::parse(kind, text),
        }
    }
}

/// The endpoints an import uses.
struct Endpoints {
    create: &'static Endpoint,
    /// Read and write back a record, for lines with an `Id`; `None` if the entity cannot.
    update: Option<(&'static Endpoint, &'static Endpoint)>,
}

impl Endpoints {
    fn of(schema: &'static EntitySchema) -> Result<Endpoints, CliError> {
        let create = &exec::endpoint(schema, EndpointKind::Create)?.endpoint;
        let update = schema
            .endpoint(EndpointKind::Get)
            .zip(schema.endpoint(EndpointKind::Update))
            .map(|(get, put)| (&get.endpoint, &put.endpoint));
        Ok(Endpoints { create, update })
    }
}

pub(crate) fn run(
    schema: &'static EntitySchema,
    m: &ArgMatches,
    global: &Global,
    format: Format,
) -> Result<(), CliError> {
    let endpoints = Endpoints::of(schema)?;
    let path = m
        .get_one::<PathBuf>("file")
        .ok_or_else(|| CliError::usage("no file given"))?;
    let input = input_format(path, m.get_one::<String>("format").map(String::as_str))?;
    let journal_path = m
        .get_one::<PathBuf>("journal")
        .cloned()
        .unwrap_or_else(|| beside(path, ".journal"));
    let rejects_path = m
        .get_one::<PathBuf>("rejects")
        .cloned()
        .unwrap_or_else(|| beside(path, ".rejects.jsonl"));
    let key = m
        .get_one::<String>("match-on")
        .map(|name| MatchKey::new(schema, name))
        .transpose()?;

    // Everything is read and checked before anything is sent.
    let lines = read_input(schema, path, input, endpoints.update.is_some())?;
    if let Some(key) = &key {
        key.check_lines(&lines)?;
    }
    let past = Past::read(&journal_path, schema, lines.len())?;
    let mut skipped = 0;
    let mut rejected_before = 0;
    let mut pending = Vec::new();
    for line in &lines {
        match past.states.get(&line.number) {
            Some(State::Done) => skipped += 1,
            Some(State::Rejected) => {
                skipped += 1;
                rejected_before += 1;
            }
            // Sent, and no outcome: the answer was lost. Sending a create again could
            // create it twice; an update is a PUT, the same again.
            Some(State::Sent) if line.id.is_none() => pending.push((line, true)),
            _ => pending.push((line, false)),
        }
    }
    if key.is_none()
        && let Some((line, _)) = pending.iter().find(|(_, lost)| *lost)
    {
        return Err(CliError::usage(format!(
            "line {}: its create was sent but the answer was lost ({} has no outcome for \
             it); give --match-on FIELD, a field whose value is unique per line, so that \
             the import can look the record up before sending it again",
            line.number,
            journal_path.display()
        )));
    }

    let api = Api::connect(global)?;
    let journal = Journal::open(&journal_path, &past, schema, lines.len())?;
    let mut import = Import {
        schema,
        api,
        endpoints,
        key,
        journal,
        rejects: Rejects {
            path: rejects_path,
            file: None,
        },
        counts: Counts {
            skipped,
            ..Counts::default()
        },
    };
    let progress = Progress::new();
    let total = u64::try_from(pending.len()).unwrap_or(u64::MAX);
    let mut finished = Ok(());
    for (done, (line, lost)) in (0u64..).zip(&pending) {
        progress.set(done, total, import.counts.progress(line.number));
        finished = import.line(line, *lost);
        if finished.is_err() {
            break;
        }
    }
    // Cleared before the error or the summary is written.
    progress.done();
    finished?;

    let counts = &import.counts;
    let rejects = (counts.rejected + rejected_before > 0).then(|| import.rejects.path.display());
    let mut sentence = format!(
        "Imported {} into {}: {} created, {} updated, {} rejected, {} skipped (already done)",
        path.display(),
        schema.name,
        counts.created,
        counts.updated,
        counts.rejected,
        counts.skipped
    );
    if let Some(rejects) = &rejects {
        sentence.push_str(&format!("; the rejected lines are in {rejects}"));
    }
    exec::done(
        format,
        &sentence,
        serde_json::json!({
            "Entity": schema.name,
            "Created": counts.created,
            "Updated": counts.updated,
            "Rejected": counts.rejected,
            "Skipped": counts.skipped,
            "Rejects": rejects.map(|p| p.to_string()),
            "Journal": journal_path.display().to_string(),
        }),
    )
}

/// `--format`, else the file's extension.
fn input_format(path: &Path, chosen: Option<&str>) -> Result<InputFormat, CliError> {
    let named = chosen.map(str::to_owned).or_else(|| {
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
    });
    match named.as_deref() {
        Some("jsonl" | "ndjson" | "json") => Ok(InputFormat::Jsonl),
        Some("csv") => Ok(InputFormat::Csv),
        _ => Err(CliError::usage(format!(
            "cannot tell the format of {} from its name; give --format jsonl or --format csv",
            path.display()
        ))),
    }
}

/// `path` with `suffix` added to its file name: `members.csv` → `members.csv.journal`.
fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Reads and checks every record of the file. `can_update` says whether lines with an `Id`
/// can be sent.
fn read_input(
    schema: &'static EntitySchema,
    path: &Path,
    format: InputFormat,
    can_update: bool,
) -> Result<Vec<Line>, CliError> {
    let unreadable =
        |e: std::io::Error| CliError::usage(format!("cannot read {}: {e}", path.display()));
    match format {
        InputFormat::Jsonl => {
            let text = fs::read_to_string(path).map_err(unreadable)?;
            jsonl_lines(schema, &text, can_update)
        }
        InputFormat::Csv => {
            let file = File::open(path).map_err(unreadable)?;
            csv_lines(schema, file, can_update).map_err(|e| match e {
                CsvFailure::Line(error) => error,
                CsvFailure::Io(e) => unreadable(e),
            })
        }
    }
}

fn jsonl_lines(
    schema: &'static EntitySchema,
    text: &str,
    can_update: bool,
) -> Result<Vec<Line>, CliError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = Vec::new();
    for (number, raw) in (1u64..).zip(text.lines()) {
        if raw.trim().is_empty() {
            continue;
        }
        let object = match serde_json::from_str(raw) {
            Ok(Value::Object(object)) => object,
            Ok(_) => {
                return Err(CliError::usage(format!("line {number}: not a JSON object")));
            }
            Err(e) => return Err(CliError::usage(format!("line {number}: not JSON: {e}"))),
        };
        let cells = object.into_iter().map(|(k, v)| (k, Cell::Json(v)));
        lines.push(check_record(schema, number, cells, can_update)?);
    }
    Ok(lines)
}

/// Why a CSV file could not be read: a line of it, or the file.
enum CsvFailure {
    Line(CliError),
    Io(std::io::Error),
}

fn csv_lines(
    schema: &'static EntitySchema,
    input: impl std::io::Read,
    can_update: bool,
) -> Result<Vec<Line>, CsvFailure> {
    let mut reader = csv::ReaderBuilder::new().from_reader(input);
    let headers = reader.headers().map_err(csv_failure)?.clone();
    // Each column names a field once, whatever the rows hold.
    let mut columns: HashMap<&str, &str> = HashMap::new();
    for name in headers.iter().map(str::trim) {
        let wire = if normalize(name) == "id" {
            "Id"
        } else {
            names::field(schema, name, false)
                .map_err(|e| CsvFailure::Line(e.context("line 1")))?
                .wire
        };
        if let Some(first) = columns.insert(wire, name) {
            return Err(CsvFailure::Line(CliError::usage(format!(
                "line 1: the columns `{first}` and `{name}` are both {wire}"
            ))));
        }
    }
    let mut lines = Vec::new();
    for record in reader.records() {
        let record = record.map_err(csv_failure)?;
        let number = record.position().map_or(0, csv::Position::line);
        // An empty cell sets nothing.
        let cells = headers
            .iter()
            .zip(record.iter())
            .filter(|(_, cell)| !cell.is_empty())
            .map(|(name, cell)| (name.trim().to_owned(), Cell::Text(cell.to_owned())));
        lines.push(check_record(schema, number, cells, can_update).map_err(CsvFailure::Line)?);
    }
    Ok(lines)
}

fn csv_failure(error: csv::Error) -> CsvFailure {
    let line = error.position().map_or(0, csv::Position::line);
    let message = match error.into_kind() {
        csv::ErrorKind::Io(e) => return CsvFailure::Io(e),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("line {line}: {len} cells, but the header has {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => format!("line {line}: not UTF-8 text"),
        other => format!("line {line}: not CSV: {other:?}"),
    };
    CsvFailure::Line(CliError::usage(message))
}

/// Checks one record: an `Id` makes it an update, and every other field must exist, be
/// writable by that body and hold a value of its kind; a create must set every required
/// field, an update must not clear one.
fn check_record(
    schema: &'static EntitySchema,
    number: u64,
    cells: impl Iterator<Item = (String, Cell)>,
    can_update: bool,
) -> Result<Line, CliError> {
    let at = |e: CliError| e.context(format!("line {number}"));
    let refused = |message: String| CliError::usage(format!("line {number}: {message}"));
    let mut id = None;
    let mut rest = Vec::new();
    for (name, cell) in cells {
        if normalize(&name) == "id" {
            let kind = schema
                .field("Id")
                .map_or(FieldKind::Id(schema.name), |f| f.kind);
            let value = cell.value(kind).map_err(|e| refused(format!("Id: {e}")))?;
            id = value.as_i64();
        } else {
            rest.push((name, cell));
        }
    }
    if id.is_some() && !can_update {
        return Err(refused(format!(
            "{} records cannot be updated (it has no get or update endpoint); leave the Id \
             out to create one",
            schema.name
        )));
    }
    let create = id.is_none();
    let mut fields = Map::new();
    for (name, cell) in rest {
        let field = exec::writable(schema, &name, create).map_err(at)?;
        let value = cell
            .resolved(field)
            .map_err(at)?
            .value(field.kind)
            .map_err(|e| refused(format!("{}: {e}", field.wire)))?;
        if fields.insert(field.wire.to_owned(), value).is_some() {
            return Err(refused(format!("{} is given twice", field.wire)));
        }
    }
    match id {
        None => {
            let missing: Vec<&str> = exec::missing_required(schema, &fields)
                .map(|f| f.wire)
                .collect();
            if !missing.is_empty() {
                return Err(refused(format!(
                    "{} required to create a {}",
                    match missing.as_slice() {
                        [one] => format!("{one} is"),
                        many => format!("{} are", many.join(", ")),
                    },
                    schema.name
                )));
            }
        }
        Some(id) => {
            let changes: Vec<(String, Value)> =
                fields.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            exec::check_not_cleared(schema, &changes).map_err(at)?;
            if fields.is_empty() {
                return Err(refused(format!(
                    "nothing to change in {}",
                    exec::record_name(schema, id)
                )));
            }
        }
    }
    Ok(Line { number, id, fields })
}

/// `--match-on`: the field whose value finds the record a create made, through an
/// equality filter of the list endpoint.
struct MatchKey {
    field: &'static FieldSchema,
    filter: &'static FilterSchema,
    list: &'static Endpoint,
    /// Reads a record whose list form leaves the field out.
    get: Option<&'static Endpoint>,
}

/// Most records read one by one to compare a field that list records leave out.
const MAX_READS: usize = 50;

impl MatchKey {
    /// Checked when the command starts: the field must be one a create sets, with a filter.
    fn new(schema: &'static EntitySchema, name: &str) -> Result<MatchKey, CliError> {
        let field = exec::writable(schema, name, true).map_err(|e| e.context("--match-on"))?;
        if !identifies(field) {
            return Err(CliError::usage(format!(
                "--match-on {}: a list or JSON field cannot identify a record",
                field.wire
            )));
        }
        let Some(filter) = schema.filters.iter().find(|f| f.field == field.wire) else {
            let usable: Vec<&str> = schema
                .filters
                .iter()
                .filter_map(|f| schema.field(f.field))
                .filter(|f| f.create && identifies(f))
                .map(|f| f.wire)
                .collect();
            return Err(CliError::usage(format!(
                "--match-on {}: {} has no filter on {0}, so records cannot be looked up by it; \
                 fields with one: {}",
                field.wire,
                schema.name,
                if usable.is_empty() {
                    "none".to_owned()
                } else {
                    usable.join(", ")
                }
            )));
        };
        let list = &exec::endpoint(schema, EndpointKind::List)?.endpoint;
        let get = schema.endpoint(EndpointKind::Get).map(|e| &e.endpoint);
        Ok(MatchKey {
            field,
            filter,
            list,
            get,
        })
    }

    /// Every create sets the key, each to another value: otherwise a record found by it
    /// could be another line's.
    fn check_lines(&self, lines: &[Line]) -> Result<(), CliError> {
        let wire = self.field.wire;
        let mut seen: HashMap<String, u64> = HashMap::new();
        for line in lines.iter().filter(|l| l.id.is_none()) {
            let Some(value) = line.fields.get(wire).filter(|v| !v.is_null()) else {
                return Err(CliError::usage(format!(
                    "line {}: {wire} is not set, and --match-on {wire} needs it to find the \
                     record",
                    line.number
                )));
            };
            if let Some(first) = seen.insert(text_of(value), line.number) {
                return Err(CliError::usage(format!(
                    "line {}: {wire} {value} is also on line {first}; --match-on needs a \
                     value unique per line",
                    line.number
                )));
            }
        }
        Ok(())
    }

    /// The ids of the records that hold `value`.
    async fn find(&self, api: &Api, value: &Value) -> Result<Vec<i64>, FindError> {
        let service = self.list.service;
        let raw = values::filter(
            self.field.kind,
            &text_of(value),
            service.filter_datetime_format,
        )
        .map_err(FindError::Value)?;
        let query: ListQuery<QueryPair, SortBy> = ListQuery::new()
            .filter(QueryPair(self.filter.query, raw))
            .size(service.paging.max_size);
        let mut pages = api.client.pages::<Value, _, _>(self.list, query);
        let mut ids = Vec::new();
        let mut reads = 0;
        while let Some(page) = pages.next().await {
            for record in page.map_err(FindError::Api)?.records {
                let Some(id) = record.get("Id").and_then(Value::as_i64) else {
                    continue;
                };
                // Text filters match what contains the value (any case): only the exact
                // value is the line's. Other kinds filter by equality.
                if !matches!(self.field.kind, FieldKind::String) {
                    ids.push(id);
                    continue;
                }
                let stored = match (record.get(self.field.wire), self.get) {
                    (Some(stored), _) => stored.clone(),
                    (None, Some(get)) => {
                        reads += 1;
                        if reads > MAX_READS {
                            return Err(FindError::TooMany);
                        }
                        let full: Value = api
                            .client
                            .get_record(get, id)
                            .await
                            .map_err(FindError::Api)?;
                        full.get(self.field.wire).cloned().unwrap_or(Value::Null)
                    }
                    // Nothing to compare with: the filter's word is all there is.
                    (None, None) => value.clone(),
                };
                if &stored == value {
                    ids.push(id);
                }
            }
        }
        Ok(ids)
    }
}

/// Whether a field's value can name one record: not a list or JSON.
fn identifies(field: &FieldSchema) -> bool {
    !matches!(
        field.kind,
        FieldKind::Ids(_) | FieldKind::Json | FieldKind::Children(_)
    )
}

/// Why a record could not be looked up.
enum FindError {
    Api(nexudus::Error),
    Value(String),
    TooMany,
}

/// A value as text: strings as they are, the rest as JSON.
fn text_of(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// What the journal says of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum State {
    /// About to be sent; the outcome follows unless the run stopped first.
    Sent,
    /// Created or updated (`id`).
    Done,
    /// Refused by the API; in the rejects file.
    Rejected,
    /// The API answered without acting on it (401, 403, throttled, no connection): send it
    /// again.
    Retry,
}

/// The journal's first entry: what it is the journal of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    import: String,
    records: usize,
}

/// One entry after the header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    line: u64,
    state: State,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<i64>,
}

/// What an earlier run recorded.
#[derive(Debug, Default)]
struct Past {
    /// The last state of each line.
    states: HashMap<u64, State>,
    /// Whether the journal has its header.
    header: bool,
    /// The length of its whole entries: less than the file's when the file ends within
    /// an entry (the run was killed while writing it).
    whole: u64,
    torn: bool,
}

impl Past {
    fn read(path: &Path, schema: &EntitySchema, records: usize) -> Result<Past, CliError> {
        let text = match fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Past::default()),
            Err(e) => {
                return Err(CliError::usage(format!(
                    "cannot read the journal {}: {e}",
                    path.display()
                )));
            }
        };
        Past::parse(&text, schema, records).map_err(|e| e.context(path.display()))
    }

    fn parse(text: &str, schema: &EntitySchema, records: usize) -> Result<Past, CliError> {
        let expected = Header {
            import: schema.name.to_owned(),
            records,
        };
        let torn = !text.is_empty() && !text.ends_with('\n');
        let whole = text.rfind('\n').map_or(0, |end| end + 1);
        let mut past = Past {
            torn,
            whole: u64::try_from(whole).unwrap_or(u64::MAX),
            ..Past::default()
        };
        let complete = text.lines().count().saturating_sub(usize::from(torn));
        for (number, entry) in (1u64..).zip(text.lines().take(complete)) {
            if entry.trim().is_empty() {
                continue;
            }
            if !past.header {
                let header: Header = serde_json::from_str(entry).map_err(|_| {
                    CliError::usage("not the journal of an import; give another --journal")
                })?;
                if header != expected {
                    return Err(CliError::usage(format!(
                        "the journal of an import of {} records of {}, not of {} records of \
                         {}; give another --journal, or remove it to import from the start",
                        header.records, header.import, records, schema.name
                    )));
                }
                past.header = true;
                continue;
            }
            let entry: Entry = serde_json::from_str(entry).map_err(|e| {
                CliError::usage(format!("line {number} is not a journal entry: {e}"))
            })?;
            past.states.insert(entry.line, entry.state);
        }
        Ok(past)
    }
}

/// The journal of this run, appended to.
struct Journal {
    path: PathBuf,
    file: File,
}

impl Journal {
    fn open(
        path: &Path,
        past: &Past,
        schema: &EntitySchema,
        records: usize,
    ) -> Result<Journal, CliError> {
        let opened = |e: std::io::Error| {
            CliError::local(format!("cannot open the journal {}: {e}", path.display()))
        };
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(opened)?;
        if past.torn {
            // The torn entry was never whole: cut it off, or it would become a line that
            // is not an entry.
            file.set_len(past.whole).map_err(opened)?;
        }
        let mut journal = Journal {
            path: path.to_owned(),
            file,
        };
        if !past.header {
            let header = Header {
                import: schema.name.to_owned(),
                records,
            };
            journal.append(&serde_json::to_string(&header).unwrap_or_default())?;
        }
        Ok(journal)
    }

    fn record(&mut self, line: u64, state: State, id: Option<i64>) -> Result<(), CliError> {
        let entry = Entry { line, state, id };
        self.append(&serde_json::to_string(&entry).unwrap_or_default())
    }

    /// One entry and its newline in one write, flushed, so that a run killed at any moment
    /// leaves every entry but the last whole. (Not synced to disk: a killed process loses
    /// nothing the kernel has.)
    fn append(&mut self, entry: &str) -> Result<(), CliError> {
        let text = format!("{entry}\n");
        self.file
            .write_all(text.as_bytes())
            .and_then(|()| self.file.flush())
            .map_err(|e| {
                CliError::local(format!(
                    "cannot write the journal {}: {e}",
                    self.path.display()
                ))
            })
    }
}

/// What the API said of a line it refused.
#[derive(Debug, Clone, PartialEq, Serialize)]
struct Refusal {
    error: String,
    errors: Vec<RefusedField>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
struct RefusedField {
    property: Option<String>,
    message: String,
}

/// One line of the rejects file.
#[derive(Serialize)]
struct Reject<'a> {
    line: u64,
    record: Map<String, Value>,
    #[serde(flatten)]
    refusal: &'a Refusal,
}

impl Refusal {
    /// The API's refusal of the line itself, if `error` is one: validation, a failed
    /// action, a conflict, another 4xx, or (`record`, for an update) a record that does
    /// not exist. Anything else (credentials, roles, throttling, the network, 5xx) is about
    /// the run, not the line.
    fn of(error: &nexudus::Error, record: Option<&str>) -> Option<Refusal> {
        use nexudus::Error as E;
        let fields = |errors: &[ValidationError]| {
            errors
                .iter()
                .map(|e| RefusedField {
                    property: e.property_name.clone(),
                    message: e.message.clone(),
                })
                .collect::<Vec<_>>()
        };
        let (error, errors) = match error {
            E::Validation {
                message, errors, ..
            }
            | E::Action { message, errors } => {
                let text = if message.is_empty() {
                    let each: Vec<String> = errors.iter().map(ToString::to_string).collect();
                    each.join("; ")
                } else {
                    message.clone()
                };
                (text, fields(errors))
            }
            E::Conflict { message } => (message.clone(), Vec::new()),
            E::NotFound { .. } => (format!("{} not found", record?), Vec::new()),
            E::Server { status, body, .. } if (400..500).contains(status) && *status != 408 => {
                (format!("HTTP {status}: {body}"), Vec::new())
            }
            _ => return None,
        };
        Some(Refusal { error, errors })
    }
}

/// Whether the API surely did not act on a request that failed so: it answered without
/// doing it, or the connection was never made.
fn not_acted_on(error: &nexudus::Error) -> bool {
    use nexudus::Error as E;
    match error {
        E::Unauthorized { .. }
        | E::Forbidden { .. }
        | E::Throttled { .. }
        | E::TokenGrant { .. }
        | E::Config(_) => true,
        E::Transport(e) => e.is_connect(),
        _ => false,
    }
}

/// The rejects file, opened when the first line is refused.
struct Rejects {
    path: PathBuf,
    file: Option<File>,
}

impl Rejects {
    fn add(&mut self, line: &Line, refusal: &Refusal) -> Result<(), CliError> {
        let failed = |e: std::io::Error| {
            CliError::local(format!("cannot write {}: {e}", self.path.display()))
        };
        let file = match &mut self.file {
            Some(file) => file,
            None => {
                let file = OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&self.path)
                    .map_err(failed)?;
                self.file.insert(file)
            }
        };
        let reject = Reject {
            line: line.number,
            record: line.record(),
            refusal,
        };
        let text = format!("{}\n", serde_json::to_string(&reject).unwrap_or_default());
        file.write_all(text.as_bytes())
            .and_then(|()| file.flush())
            .map_err(failed)
    }
}

#[derive(Debug, Default)]
struct Counts {
    created: u64,
    updated: u64,
    rejected: u64,
    skipped: u64,
}

impl Counts {
    fn progress(&self, line: u64) -> String {
        format!(
            "line {line}: {} created, {} updated, {} rejected",
            self.created, self.updated, self.rejected
        )
    }
}

/// A run under way.
struct Import {
    schema: &'static EntitySchema,
    api: Api,
    endpoints: Endpoints,
    key: Option<MatchKey>,
    journal: Journal,
    rejects: Rejects,
    counts: Counts,
}

impl Import {
    /// Sends one line and records its outcome. `lost`: a create sent before whose answer
    /// never came, looked up first.
    fn line(&mut self, line: &Line, lost: bool) -> Result<(), CliError> {
        let at = format!("line {}", line.number);
        if lost && let Some(id) = self.look_up(line)? {
            self.journal.record(line.number, State::Done, Some(id))?;
            self.counts.skipped += 1;
            return Ok(());
        }
        self.journal.record(line.number, State::Sent, None)?;
        let (result, record) = match line.id {
            None => (self.create(line), None),
            Some(id) => (
                self.update(line, id),
                Some(exec::record_name(self.schema, id)),
            ),
        };
        match result {
            Ok(id) => {
                self.journal.record(line.number, State::Done, Some(id))?;
                match line.id {
                    None => self.counts.created += 1,
                    Some(_) => self.counts.updated += 1,
                }
                Ok(())
            }
            Err(Failure::Api(error, what)) => {
                if let Some(refusal) = Refusal::of(&error, record.as_deref()) {
                    self.rejects.add(line, &refusal)?;
                    self.journal.record(line.number, State::Rejected, None)?;
                    self.counts.rejected += 1;
                    return Ok(());
                }
                if not_acted_on(&error) {
                    self.journal.record(line.number, State::Retry, None)?;
                }
                let error = CliError::api(error, &what, record.as_deref()).context(at);
                Err(self.resumable(error))
            }
            Err(Failure::Other(error)) => Err(error.context(at)),
        }
    }

    /// A failure of the API or the network, which the same command may get past later.
    fn resumable(&self, error: CliError) -> CliError {
        error.hint(format!(
            "run the same command again to resume ({} records what was done)",
            self.journal.path.display()
        ))
    }

    fn create(&self, line: &Line) -> Result<i64, Failure> {
        self.api
            .runtime
            .block_on(
                self.api
                    .client
                    .send_action(self.endpoints.create, None, Some(&line.fields)),
            )
            .and_then(|answer| answer.new_id())
            .map_err(|e| Failure::Api(e, format!("create {}", self.schema.name)))
    }

    fn update(&self, line: &Line, id: i64) -> Result<i64, Failure> {
        let Some(endpoints) = self.endpoints.update else {
            // Lines with an Id are refused when read if the entity cannot be updated.
            return Err(Failure::Other(CliError::usage(format!(
                "{} records cannot be updated",
                self.schema.name
            ))));
        };
        let changes = line
            .fields
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let written = self.api.runtime.block_on(exec::read_and_update(
            &self.api.client,
            self.schema,
            endpoints,
            id,
            changes,
        ));
        match written {
            Ok(()) => Ok(id),
            Err(UpdateError::Api(error, what)) => Err(Failure::Api(error, what)),
            Err(other) => Err(Failure::Other(
                other.into_cli(&exec::record_name(self.schema, id)),
            )),
        }
    }

    /// The record a lost create made, if the API has exactly one with the line's key; none
    /// if it has none (the create never happened); an error if it has several.
    fn look_up(&self, line: &Line) -> Result<Option<i64>, CliError> {
        let at = format!("line {}", line.number);
        // Checked when the command started: a lost create needs a key, and every create
        // sets it.
        let (Some(key), Some(value)) = (
            &self.key,
            self.key
                .as_ref()
                .and_then(|k| line.fields.get(k.field.wire)),
        ) else {
            return Err(CliError::usage(format!(
                "{at}: its answer was lost; give --match-on FIELD to look it up"
            )));
        };
        let wire = key.field.wire;
        let found = self.api.runtime.block_on(key.find(&self.api, value));
        let ids = match found {
            Ok(ids) => ids,
            Err(FindError::Api(error)) => {
                let what = format!("look up {} by {wire}", self.schema.name);
                return Err(self.resumable(CliError::api(error, &what, None).context(at)));
            }
            Err(FindError::Value(message)) => {
                return Err(CliError::usage(format!("{at}: {wire}: {message}")));
            }
            Err(FindError::TooMany) => {
                return Err(CliError::new(
                    Kind::Refused,
                    format!(
                        "{at}: too many {} records have a {wire} that contains {value}; \
                         --match-on needs a field that finds few",
                        self.schema.name
                    ),
                ));
            }
        };
        match ids.as_slice() {
            [] => Ok(None),
            [id] => Ok(Some(*id)),
            several => {
                let listed: Vec<String> = several.iter().map(ToString::to_string).collect();
                Err(CliError::new(
                    Kind::Refused,
                    format!(
                        "{at}: its answer was lost and {} {} records have {wire} {value} (Ids \
                         {}): cannot tell which, if any, it created; --match-on needs a value \
                         unique to each record",
                        several.len(),
                        self.schema.name,
                        listed.join(", ")
                    ),
                ))
            }
        }
    }
}

/// Why a line could not be sent.
enum Failure {
    /// The API's error, and what was being done.
    Api(nexudus::Error, String),
    Other(CliError),
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> &'static EntitySchema {
        names::entity("DiscountCode").expect("in the spec")
    }

    fn refused(result: Result<Vec<Line>, CliError>) -> String {
        result.expect_err("refused").to_string()
    }

    #[test]
    fn json_lines_are_checked_line_by_line() {
        let text = "\u{feff}{\"BusinessId\": 1, \"code\": \"A\", \"Description\": \"a\"}\n\n\
                    {\"Id\": 7, \"Active\": true}\n";
        let lines = jsonl_lines(schema(), text, true).expect("read");
        assert_eq!(
            lines,
            [
                Line {
                    number: 1,
                    id: None,
                    fields: json!({"BusinessId": 1, "Code": "A", "Description": "a"})
                        .as_object()
                        .cloned()
                        .expect("an object"),
                },
                Line {
                    number: 3,
                    id: Some(7),
                    fields: json!({"Active": true})
                        .as_object()
                        .cloned()
                        .expect("an object"),
                },
            ]
        );
        let cases = [
            ("[1]", "line 1: not a JSON object"),
            (
                r#"{"BusinessId": "x", "Code": "A", "Description": "a"}"#,
                r#"line 1: BusinessId: "x" is not an id (a whole number)"#,
            ),
            (
                r#"{"BusinessId": 1, "Code": "A"}"#,
                "line 1: Description is required to create a DiscountCode",
            ),
            (
                r#"{"Id": 3}"#,
                "line 1: nothing to change in DiscountCode 3",
            ),
            (
                r#"{"Id": 3, "Code": null}"#,
                "line 1: DiscountCode.Code is required; it cannot be cleared",
            ),
            (
                r#"{"Id": 3, "Code": "A", "code": "B"}"#,
                "line 1: Code is given twice",
            ),
        ];
        for (text, message) in cases {
            assert_eq!(
                refused(jsonl_lines(schema(), text, true)),
                message,
                "{text}"
            );
        }
        assert_eq!(
            refused(jsonl_lines(schema(), r#"{"Id": 3, "Code": "A"}"#, false)),
            "line 1: DiscountCode records cannot be updated (it has no get or update \
             endpoint); leave the Id out to create one"
        );
    }

    fn csv(text: &str) -> Result<Vec<Line>, CliError> {
        csv_lines(schema(), text.as_bytes(), true).map_err(|e| match e {
            CsvFailure::Line(e) => e,
            CsvFailure::Io(e) => CliError::local(e.to_string()),
        })
    }

    #[test]
    fn csv_rows_are_records_under_a_header_of_fields() {
        let lines = csv("id,business-id,Code,Description,Active\n\
                         ,1,A,\"two\nlines\",\n\
                         4,,,,true\n")
        .expect("read");
        assert_eq!(lines.len(), 2);
        assert_eq!((lines[0].number, lines[0].id), (2, None));
        assert_eq!(lines[0].fields["Description"], "two\nlines");
        assert_eq!((lines[1].number, lines[1].id), (4, Some(4)));
        assert_eq!(
            Value::Object(lines[1].fields.clone()),
            json!({"Active": true})
        );
        assert_eq!(
            refused(csv("Code,Nope\nA,1\n")),
            "line 1: DiscountCode has no field `Nope`; `nexudus discount-code --help` lists \
             its fields"
        );
        assert_eq!(
            refused(csv("Code,code\nA,B\n")),
            "line 1: the columns `Code` and `code` are both Code"
        );
        assert_eq!(
            refused(csv("BusinessId,Code,Description\n1,A,a\n2,B\n")),
            "line 3: 2 cells, but the header has 3"
        );
        assert_eq!(
            refused(csv("BusinessId,Code,Description\n1,A,a\ntwo,B,b\n")),
            "line 3: BusinessId: `two` is not an id (a whole number)"
        );
    }

    #[test]
    fn the_format_comes_from_the_flag_or_the_extension() {
        let format = |path: &str, chosen| input_format(Path::new(path), chosen);
        assert_eq!(format("a.JSONL", None), Ok(InputFormat::Jsonl));
        assert_eq!(format("a.ndjson", None), Ok(InputFormat::Jsonl));
        assert_eq!(format("a.csv", None), Ok(InputFormat::Csv));
        assert_eq!(format("a.txt", Some("csv")), Ok(InputFormat::Csv));
        assert!(format("a.txt", None).is_err());
        assert_eq!(
            beside(Path::new("in/a.csv"), ".journal"),
            Path::new("in/a.csv.journal")
        );
    }

    #[test]
    fn a_journal_torn_by_a_kill_keeps_its_whole_entries() {
        let text = "{\"import\":\"DiscountCode\",\"records\":3}\n\
                    {\"line\":1,\"state\":\"sent\"}\n{\"line\":1,\"state\":\"done\",\"id\":4}\n\
                    {\"line\":2,\"state\":\"sent\"}\n{\"line\":2,\"sta";
        let past = Past::parse(text, schema(), 3).expect("read");
        assert!(past.header && past.torn);
        assert_eq!(
            past.whole,
            u64::try_from(text.rfind('\n').expect("a line") + 1).expect("small")
        );
        assert_eq!(past.states.get(&1), Some(&State::Done));
        assert_eq!(past.states.get(&2), Some(&State::Sent));
        assert_eq!(past.states.get(&3), None);
        let other = Past::parse(text, schema(), 4)
            .expect_err("refused")
            .to_string();
        assert_eq!(
            other,
            "the journal of an import of 3 records of DiscountCode, not of 4 records of \
             DiscountCode; give another --journal, or remove it to import from the start"
        );
        assert!(Past::parse("{\"line\":1}\n", schema(), 3).is_err());

        // Resumed, the torn entry is cut off and the next entries follow the whole ones.
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("a.journal");
        fs::write(&path, text).expect("written");
        let past = Past::read(&path, schema(), 3).expect("read");
        let mut journal = Journal::open(&path, &past, schema(), 3).expect("opened");
        journal.record(2, State::Done, Some(5)).expect("written");
        let past = Past::read(&path, schema(), 3).expect("read again");
        assert!(!past.torn);
        assert_eq!(past.states.get(&2), Some(&State::Done));
    }
}
