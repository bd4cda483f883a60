//! Records out: a table for people, JSON, JSON lines or CSV for scripts, and Nexudus's
//! `--agent` envelope. Every format but the table and the envelope writes each batch (page)
//! as it comes; a table needs every row to size its columns, and the envelope wraps them
//! all, so they are written at the end.

use std::io::{self, IsTerminal as _, Write};
use std::sync::Mutex;

use clap::ValueEnum;
use comfy_table::{ContentArrangement, Table, presets};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::ser::{Serialize, SerializeMap as _, Serializer};
use serde_json::{Map, Value};

/// An output format (`--output`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A table for reading (the default on a terminal).
    Table,
    /// Pretty JSON: an array of records, or one object.
    Json,
    /// One compact JSON object per line (the default when piped).
    Jsonl,
    /// CSV with a header row.
    Csv,
    /// Nexudus's JSON envelope `{ok, data, summary, breadcrumbs, meta}` (`--agent`, not an
    /// `--output` value, as in Nexudus's CLI).
    #[value(skip)]
    Agent,
}

impl Format {
    /// `--output`, else a table on a terminal and JSON lines when piped.
    pub fn or_default(chosen: Option<Format>) -> Format {
        chosen.unwrap_or_else(|| {
            if io::stdout().is_terminal() {
                Format::Table
            } else {
                Format::Jsonl
            }
        })
    }
}

/// The command path an envelope names (`["coworkerdiscountcodes", "list"]`), set once the
/// command line is read.
static BREADCRUMBS: Mutex<Vec<String>> = Mutex::new(Vec::new());

pub fn set_breadcrumbs(breadcrumbs: Vec<String>) {
    *BREADCRUMBS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = breadcrumbs;
}

/// The paging of a list, as an envelope's `meta` says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Meta {
    pub total: i64,
    pub page: i64,
    pub page_size: i64,
    pub total_pages: i64,
}

/// `{ok, data, summary, breadcrumbs, meta}`, with `meta` only when given (lists), as
/// Nexudus's CLI writes it.
struct Envelope<'a, D: Serialize> {
    ok: bool,
    data: &'a D,
    summary: &'a str,
    meta: Option<&'a Meta>,
}

impl<D: Serialize> Serialize for Envelope<'_, D> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let breadcrumbs = BREADCRUMBS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("ok", &self.ok)?;
        map.serialize_entry("data", self.data)?;
        map.serialize_entry("summary", self.summary)?;
        map.serialize_entry("breadcrumbs", &breadcrumbs)?;
        if let Some(meta) = self.meta {
            map.serialize_entry("meta", meta)?;
        }
        map.end()
    }
}

/// Writes one envelope: `data` is what the command answers (null on a failure).
pub fn envelope<W: Write, D: Serialize>(
    mut out: W,
    ok: bool,
    data: &D,
    summary: &str,
    meta: Option<&Meta>,
) -> io::Result<()> {
    let envelope = Envelope {
        ok,
        data,
        summary,
        meta,
    };
    serde_json::to_writer_pretty(&mut out, &envelope)?;
    out.write_all(b"\n")?;
    out.flush()
}

/// A value as one cell of a table or CSV: text as is, null empty, lists and objects as
/// compact JSON.
pub fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// A record serialized with its properties in `order` (the schema's), then the rest; with
/// `only`, just the properties in `order`. serde_json's own map keeps them sorted by name.
struct Ordered<'a> {
    record: &'a Map<String, Value>,
    order: &'a [String],
    only: bool,
}

impl Serialize for Ordered<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for key in self.order {
            match self.record.get(key) {
                Some(value) => map.serialize_entry(key, value)?,
                None if self.only => map.serialize_entry(key, &Value::Null)?,
                None => {}
            }
        }
        if !self.only {
            for (key, value) in self.record {
                if !self.order.contains(key) {
                    map.serialize_entry(key, value)?;
                }
            }
        }
        map.end()
    }
}

/// A table, sized to the terminal when stdout is one; otherwise as wide as its content, so
/// output written to a file or a test does not depend on the terminal.
fn new_table() -> Table {
    let mut table = Table::new();
    table.load_style(presets::UTF8_FULL_CONDENSED);
    match terminal_width() {
        Some(width) => table
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(width),
        None => table.set_content_arrangement(ContentArrangement::Disabled),
    };
    table
}

/// The terminal's width, when standard output is a terminal.
fn terminal_width() -> Option<u16> {
    if !io::stdout().is_terminal() {
        return None;
    }
    terminal_size::terminal_size().map(|(terminal_size::Width(width), _)| width)
}

/// How many of `columns`, from the first, fit in `width` without wrapping a cell, at least
/// one: records have dozens of fields, and squeezing them all into a terminal makes every
/// cell unreadable.
fn fitting(columns: &[&String], rows: &[Map<String, Value>], width: u16) -> usize {
    // Each column takes its text, a space either side and a border.
    let mut used = 1;
    for (n, column) in columns.iter().enumerate() {
        let widest = rows
            .iter()
            .filter_map(|row| row.get(*column))
            .map(|value| {
                cell(value)
                    .lines()
                    .map(|l| l.chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .chain([column.chars().count()])
            .max()
            .unwrap_or(0);
        used += widest + 3;
        if used > usize::from(width) {
            return n.max(1);
        }
    }
    columns.len()
}

/// Writes records in a format, batch by batch.
pub struct Records<W: Write> {
    out: W,
    format: Format,
    /// The columns: given (`--columns`), or the schema's, then unknown properties of the
    /// first batch.
    columns: Vec<String>,
    fixed: bool,
    /// Whether a table shows only the columns some row has a value in.
    drop_empty: bool,
    rows: Vec<Map<String, Value>>,
    written: usize,
    started: bool,
    /// The envelope's summary and meta (`--agent`).
    summary: Option<String>,
    meta: Option<Meta>,
}

impl<W: Write> Records<W> {
    /// `columns` are the schema's (extended by unknown properties of the first batch)
    /// unless `chosen` (`--columns`) fixes them.
    pub fn new(out: W, format: Format, columns: Vec<String>, chosen: Option<Vec<String>>) -> Self {
        let fixed = chosen.is_some();
        Self {
            out,
            format,
            columns: chosen.unwrap_or(columns),
            fixed,
            drop_empty: !fixed,
            rows: Vec::new(),
            written: 0,
            started: false,
            summary: None,
            meta: None,
        }
    }

    /// What the `--agent` envelope says of the records [default: how many there are], and
    /// its `meta` (paging).
    pub fn describe(&mut self, summary: String, meta: Option<Meta>) {
        self.summary = Some(summary);
        self.meta = meta;
    }

    /// How many records were written (or are waiting to be drawn).
    pub fn count(&self) -> usize {
        self.written + self.rows.len()
    }

    /// Writes one batch; the first fixes the columns of a CSV.
    pub fn batch(&mut self, records: Vec<Value>) -> io::Result<()> {
        let records: Vec<Map<String, Value>> = records
            .into_iter()
            .map(|record| match record {
                Value::Object(map) => map,
                other => Map::from_iter([("Value".to_owned(), other)]),
            })
            .collect();
        if !self.started && !self.fixed {
            for record in &records {
                for key in record.keys() {
                    if !self.columns.contains(key) {
                        self.columns.push(key.clone());
                    }
                }
            }
        }
        let first = !self.started;
        self.started = true;
        match self.format {
            Format::Table | Format::Agent => self.rows.extend(records),
            Format::Jsonl => {
                for record in &records {
                    let ordered = Ordered {
                        record,
                        order: &self.columns,
                        only: self.fixed,
                    };
                    serde_json::to_writer(&mut self.out, &ordered)?;
                    self.out.write_all(b"\n")?;
                }
                self.written += records.len();
            }
            Format::Json => {
                for (i, record) in records.iter().enumerate() {
                    let lead = if first && i == 0 { "[\n" } else { ",\n" };
                    self.out.write_all(lead.as_bytes())?;
                    let text = serde_json::to_string_pretty(&Ordered {
                        record,
                        order: &self.columns,
                        only: self.fixed,
                    })?;
                    for (n, line) in text.lines().enumerate() {
                        if n > 0 {
                            self.out.write_all(b"\n")?;
                        }
                        write!(self.out, "  {line}")?;
                    }
                }
                self.written += records.len();
                if self.written == 0 {
                    // Nothing yet: `finish` writes `[]`.
                    self.started = false;
                }
            }
            Format::Csv => {
                let mut csv = csv::Writer::from_writer(Vec::new());
                if first {
                    csv.write_record(&self.columns)?;
                }
                for record in &records {
                    csv.write_record(
                        self.columns
                            .iter()
                            .map(|c| record.get(c).map(cell).unwrap_or_default()),
                    )?;
                }
                let bytes = csv.into_inner().map_err(|e| e.into_error())?;
                self.out.write_all(&bytes)?;
                self.written += records.len();
            }
        }
        self.out.flush()
    }

    /// Ends the output: closes the JSON array, draws the table.
    pub fn finish(mut self) -> io::Result<()> {
        match self.format {
            Format::Json if self.written == 0 => self.out.write_all(b"[]\n")?,
            Format::Json => self.out.write_all(b"\n]\n")?,
            Format::Csv if !self.started => {
                let mut csv = csv::Writer::from_writer(Vec::new());
                csv.write_record(&self.columns)?;
                let bytes = csv.into_inner().map_err(|e| e.into_error())?;
                self.out.write_all(&bytes)?;
            }
            Format::Table if self.rows.is_empty() => self.out.write_all(b"No records.\n")?,
            Format::Table => {
                let columns: Vec<&String> = self
                    .columns
                    .iter()
                    .filter(|c| {
                        !self.drop_empty
                            || self
                                .rows
                                .iter()
                                .any(|row| row.get(*c).is_some_and(|v| !v.is_null()))
                    })
                    .collect();
                let mut columns = columns;
                let mut hidden = Vec::new();
                if let Some(width) = terminal_width().filter(|_| !self.fixed) {
                    let shown = fitting(&columns, &self.rows, width);
                    hidden = columns.split_off(shown);
                }
                let mut table = new_table();
                table.set_header(columns.iter().map(|c| c.as_str()));
                for row in &self.rows {
                    table.add_row(
                        columns
                            .iter()
                            .map(|c| row.get(*c).map(cell).unwrap_or_default()),
                    );
                }
                writeln!(self.out, "{table}")?;
                if !hidden.is_empty() {
                    let names: Vec<&str> = hidden.iter().map(|c| c.as_str()).collect();
                    let _ = writeln!(
                        io::stderr(),
                        "{} more columns ({}): choose with --columns, or -o json",
                        names.len(),
                        names.join(", ")
                    );
                }
            }
            Format::Agent => {
                let rows: Vec<Ordered> = self
                    .rows
                    .iter()
                    .map(|record| Ordered {
                        record,
                        order: &self.columns,
                        only: self.fixed,
                    })
                    .collect();
                let summary = self
                    .summary
                    .clone()
                    .unwrap_or_else(|| format!("{} records", rows.len()));
                envelope(&mut self.out, true, &rows, &summary, self.meta.as_ref())?;
            }
            Format::Jsonl | Format::Csv => {}
        }
        self.out.flush()
    }
}

/// Writes one record: a two-column table of field and value, or the record in the other
/// formats. `columns` orders the fields (the schema's first, then the rest); `summary` is
/// what an `--agent` envelope says of it.
pub fn record<W: Write>(
    mut out: W,
    format: Format,
    record: Value,
    columns: Vec<String>,
    chosen: Option<Vec<String>>,
    summary: &str,
) -> io::Result<()> {
    match format {
        Format::Agent => {
            let only = chosen.is_some();
            let order = chosen.unwrap_or(columns);
            return match &record {
                Value::Object(record) => envelope(
                    out,
                    true,
                    &Ordered {
                        record,
                        order: &order,
                        only,
                    },
                    summary,
                    None,
                ),
                other => envelope(out, true, other, summary, None),
            };
        }
        Format::Table => {
            let Value::Object(map) = &record else {
                return writeln!(out, "{}", cell(&record));
            };
            let names: Vec<String> = match chosen {
                Some(chosen) => chosen,
                None => {
                    let mut names: Vec<String> = columns
                        .into_iter()
                        .filter(|c| map.contains_key(c))
                        .collect();
                    let rest: Vec<String> =
                        map.keys().filter(|k| !names.contains(k)).cloned().collect();
                    names.extend(rest);
                    names
                }
            };
            let mut table = new_table();
            table.set_header(["Field", "Value"]);
            for name in names {
                let value = map.get(&name).map(cell).unwrap_or_default();
                table.add_row([name, value]);
            }
            writeln!(out, "{table}")?;
        }
        Format::Json => {
            let only = chosen.is_some();
            let order = chosen.unwrap_or(columns);
            match &record {
                Value::Object(record) => serde_json::to_writer_pretty(
                    &mut out,
                    &Ordered {
                        record,
                        order: &order,
                        only,
                    },
                )?,
                other => serde_json::to_writer_pretty(&mut out, other)?,
            }
            out.write_all(b"\n")?;
        }
        Format::Jsonl | Format::Csv => {
            let mut records = Records::new(out, format, columns, chosen);
            records.batch(vec![record])?;
            records.finish()?;
            return Ok(());
        }
    }
    out.flush()
}

/// Progress of long work (`list --all`, `import`) on standard error: a line of text, a bar
/// and an ETA, redrawn in place. Hidden unless standard error is a terminal, so nothing of
/// it reaches a file or a pipe.
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// A bar whose length is set by [`set`](Self::set), once it is known.
    pub fn new() -> Self {
        if !io::stderr().is_terminal() {
            return Self {
                bar: ProgressBar::hidden(),
            };
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        // The template is fixed text; were it refused, the default style still shows the bar.
        if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] ETA {eta}") {
            bar.set_style(style.progress_chars("=> "));
        }
        Self { bar }
    }

    /// `done` steps of `total`, and what to say about them; the ETA follows the rate of
    /// the steps so far.
    pub fn set(&self, done: u64, total: u64, message: String) {
        self.bar.set_length(total);
        self.bar.set_position(done);
        self.bar.set_message(message);
    }

    /// After each page of `--all`, from page `first` on.
    pub fn page(&self, first: i64, page: i64, pages: i64, records: usize, total: i64) {
        let steps = |n: i64| u64::try_from(n.saturating_sub(first).saturating_add(1)).unwrap_or(0);
        self.set(
            steps(page),
            steps(pages.max(page)),
            format!("page {page} of {pages}, {records} of {total} records"),
        );
    }

    /// Runs `write` with the bar taken off the screen, so that output to the same terminal
    /// (records on standard output) does not mix with it.
    pub fn suspend<R>(&self, write: impl FnOnce() -> R) -> R {
        self.bar.suspend(write)
    }

    /// Clears the line.
    pub fn done(&self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn render(format: Format, batches: Vec<Vec<Value>>, chosen: Option<Vec<String>>) -> String {
        let mut out = Vec::new();
        let mut records = Records::new(&mut out, format, vec!["Id".into(), "Notes".into()], chosen);
        for batch in batches {
            records.batch(batch).expect("written");
        }
        records.finish().expect("written");
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn json_streams_one_array_over_batches() {
        let text = render(
            Format::Json,
            vec![vec![json!({"Id": 1})], vec![], vec![json!({"Id": 2})]],
            None,
        );
        let parsed: Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(parsed, json!([{"Id": 1}, {"Id": 2}]));
        assert_eq!(render(Format::Json, vec![vec![]], None), "[]\n");
    }

    #[test]
    fn csv_has_one_header_and_unknown_properties_of_the_first_batch() {
        let text = render(
            Format::Csv,
            vec![
                vec![json!({"Id": 1, "Notes": "a, b", "Extra": [1, 2]})],
                vec![json!({"Id": 2, "Later": true})],
            ],
            None,
        );
        assert_eq!(text, "Id,Notes,Extra\n1,\"a, b\",\"[1,2]\"\n2,,\n");
        assert_eq!(render(Format::Csv, vec![], None), "Id,Notes\n");
    }

    #[test]
    fn json_follows_the_schema_order_and_the_chosen_columns() {
        let record = json!({"Notes": "n", "Zeta": 1, "Id": 1});
        let text = render(Format::Jsonl, vec![vec![record.clone()]], None);
        assert_eq!(text, "{\"Id\":1,\"Notes\":\"n\",\"Zeta\":1}\n");
        let text = render(
            Format::Jsonl,
            vec![vec![record]],
            Some(vec!["Zeta".into(), "Gone".into()]),
        );
        assert_eq!(text, "{\"Zeta\":1,\"Gone\":null}\n");
    }

    #[test]
    fn the_agent_envelope_wraps_every_batch() {
        let mut out = Vec::new();
        let mut records = Records::new(&mut out, Format::Agent, vec!["Id".into()], None);
        records.batch(vec![json!({"Id": 1})]).expect("written");
        records.batch(vec![json!({"Id": 2})]).expect("written");
        let meta = Meta {
            total: 2,
            page: 1,
            page_size: 25,
            total_pages: 1,
        };
        records.describe("Found 2".into(), Some(meta));
        records.finish().expect("written");
        let parsed: Value = serde_json::from_slice(&out).expect("valid JSON");
        assert_eq!(parsed["ok"], true);
        assert_eq!(parsed["data"], json!([{"Id": 1}, {"Id": 2}]));
        assert_eq!(parsed["summary"], "Found 2");
        assert_eq!(
            parsed["meta"],
            json!({"total": 2, "page": 1, "pageSize": 25, "totalPages": 1})
        );
        assert!(parsed["breadcrumbs"].is_array());
        let mut out = Vec::new();
        record(
            &mut out,
            Format::Agent,
            json!({"B": 1, "A": 2}),
            vec!["A".into()],
            None,
            "one",
        )
        .expect("written");
        let text = String::from_utf8(out).expect("UTF-8");
        assert!(
            text.find("\"A\"") < text.find("\"B\""),
            "schema order: {text}"
        );
        assert!(!text.contains("meta"), "{text}");
    }

    #[test]
    fn tables_leave_out_empty_columns_unless_chosen() {
        let rows = vec![vec![json!({"Id": 1, "Notes": null})]];
        let text = render(Format::Table, rows.clone(), None);
        assert!(text.contains("Id") && !text.contains("Notes"), "{text}");
        let text = render(Format::Table, rows, Some(vec!["Notes".into()]));
        assert!(text.contains("Notes") && !text.contains("Id"), "{text}");
    }
}
