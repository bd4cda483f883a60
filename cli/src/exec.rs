//! Running a command: arguments are read and checked against the schema first, and only
//! then is the API called, through the runtime's generic request functions with records as
//! JSON values.

use std::ffi::OsString;
use std::io::{self, IsTerminal as _, Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{ArgMatches, FromArgMatches as _};
use futures::StreamExt as _;
use nexudus::{
    Client, EndpointKind, EntitySchema, FieldKind, FieldSchema, ListQuery, Pacing, QueryFilter,
    RetryPolicy, RunCommand, SERVICE, SortDirection, SortField,
};
use serde_json::{Map, Value};

use crate::app::{self, Global};
use crate::config;
use crate::error::{CliError, Kind};
use crate::names::{self, kebab, normalize};
use crate::output::{self, Format, Progress, Records};
use crate::{account, doctor, import, session, values};

/// One filter or range-filter parameter, as the runtime's [`ListQuery`] takes it.
pub(crate) struct QueryPair(pub(crate) &'static str, pub(crate) String);

impl QueryFilter for QueryPair {
    fn query_pair(&self) -> (&'static str, String) {
        (self.0, self.1.clone())
    }
}

/// A sort field by its wire name.
pub(crate) struct SortBy(&'static str);

impl SortField for SortBy {
    fn wire_name(&self) -> &'static str {
        self.0
    }
}

/// Parses and runs the command line `args` (the program name first). With `--agent`, a
/// failure is also written as an envelope on standard output; the tokens `--redact-pii`
/// made are kept for later runs, and no error shows a value they hide.
pub fn run(args: Vec<OsString>) -> Result<(), CliError> {
    let agent = args
        .iter()
        .skip(1)
        .take_while(|arg| *arg != "--")
        .any(|arg| arg == "--agent");
    let result = dispatch(args);
    let result = result.and(session::save());
    result.map_err(|error| {
        if error.is_silent() {
            return error;
        }
        let error = CliError::new(error.kind, session::scrub(&error.to_string()));
        if agent {
            let summary = error.to_string();
            let _ = output::envelope(io::stdout().lock(), false, &Value::Null, &summary, None);
        }
        error
    })
}

fn dispatch(mut args: Vec<OsString>) -> Result<(), CliError> {
    let entity = prescan(&mut args)?;
    let crumbs = entity.map(|e| names::nexudus_name(e).to_owned());
    output::set_breadcrumbs(crumbs.into_iter().collect());
    resolve_tokens(&mut args)?;
    let matches = match app::build(entity, false).try_get_matches_from(args) {
        Ok(matches) => matches,
        Err(error) => return clap_error(&error),
    };
    let global = Global::from_arg_matches(&matches).map_err(|e| clap_message(&e))?;
    if global.redact_pii {
        session::redact_output();
    }
    output::set_breadcrumbs(breadcrumbs(&matches, entity));
    let format = if global.agent {
        Format::Agent
    } else {
        Format::or_default(global.output)
    };
    match matches.subcommand() {
        Some(("entities", _)) => entities(format),
        Some(("completions", m)) => completions(m),
        Some(("login", m)) => account::login(m, &global, format),
        Some(("logout", _)) => account::logout(&global, format),
        Some(("whoami", m)) => account::whoami(m, &global, format),
        Some(("config", m)) => account::config(m, &global, format),
        Some(("doctor", _)) => doctor::run(&global, format),
        Some(("mcp", m)) => crate::mcp::run(m, &global),
        Some((_, m)) => match entity {
            Some(schema) => entity_command(schema, m, &global, format),
            None => Err(CliError::usage(
                "no entity given; `nexudus entities` lists them",
            )),
        },
        None => Err(CliError::usage("no command given; see `nexudus --help`")),
    }
}

/// Finds the entity the arguments name, so that only its commands are built, and rewrites
/// its name to the command's (any spelling is accepted). An unknown name is refused here,
/// with a suggestion.
fn prescan(args: &mut [OsString]) -> Result<Option<&'static EntitySchema>, CliError> {
    let mut i = 1;
    let mut after_help = false;
    while i < args.len() {
        let Some(arg) = args[i].to_str() else {
            i += 1;
            continue;
        };
        if arg == "--" {
            break;
        }
        if arg.starts_with('-') {
            if app::GLOBAL_VALUE_FLAGS.contains(&arg) {
                i += 1;
            }
            i += 1;
            continue;
        }
        if arg == "help" && !after_help {
            // `nexudus help <entity> ...`
            after_help = true;
            i += 1;
            continue;
        }
        if app::BUILTINS.contains(&arg) {
            return Ok(None);
        }
        return match names::entity(arg) {
            Some(schema) => {
                args[i] = kebab(schema.name).into();
                Ok(Some(schema))
            }
            None => Err(CliError::usage(format!(
                "unknown entity or command `{arg}`{}; `nexudus entities` lists the entities",
                names::did_you_mean(arg, nexudus::ENTITIES.iter().map(|e| e.name))
            ))),
        };
    }
    Ok(None)
}

/// Resolves the PII tokens of the arguments (flags, `--set`, `--filter`, `-p`) to their
/// values, before anything reads them; an unknown token is refused, naming it.
fn resolve_tokens(args: &mut [OsString]) -> Result<(), CliError> {
    for arg in args.iter_mut().skip(1) {
        if let Some(text) = arg.to_str() {
            let resolved = session::resolve_text(text)?;
            if resolved != text {
                *arg = resolved.into();
            }
        }
    }
    Ok(())
}

/// The command path of the envelope: the entity by its Nexudus name, then the commands
/// (`["coworkerdiscountcodes", "list"]`).
fn breadcrumbs(matches: &ArgMatches, entity: Option<&'static EntitySchema>) -> Vec<String> {
    let mut crumbs = Vec::new();
    let mut current = matches.subcommand();
    while let Some((name, m)) = current {
        match entity {
            Some(schema) if crumbs.is_empty() && name == kebab(schema.name) => {
                crumbs.push(names::nexudus_name(schema).to_owned());
            }
            _ => crumbs.push(name.to_owned()),
        }
        current = m.subcommand();
    }
    crumbs
}

/// Help and version are printed as clap prints them; usage errors become one line.
fn clap_error(error: &clap::Error) -> Result<(), CliError> {
    use clap::error::ErrorKind;
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => error.print().map_err(io_error),
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = error.print();
            Err(CliError::silent(Kind::Usage))
        }
        _ => Err(clap_message(error)),
    }
}

/// clap's error as one line: its message (with the possible values, if it lists them)
/// and its tips, not the usage, which `--help` shows.
fn clap_message(error: &clap::Error) -> CliError {
    let text = error.render().to_string();
    let mut paragraphs = text.split("\n\n").map(|p| {
        p.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    });
    let mut message = paragraphs
        .next()
        .unwrap_or_default()
        .trim_start_matches("error: ")
        .to_owned();
    let tips: Vec<String> = paragraphs.filter(|p| p.starts_with("tip:")).collect();
    if !tips.is_empty() {
        message = format!("{message} ({})", tips.join("; "));
    }
    CliError::usage(format!("{message}; try --help"))
}

/// Standard output, a write error on it mapped to a [`CliError`].
fn io_error(error: io::Error) -> CliError {
    if error.kind() == io::ErrorKind::BrokenPipe {
        // The reader went away (`| head`): nothing more to say.
        CliError::silent(Kind::Closed)
    } else {
        CliError::local(format!("cannot write the output: {error}"))
    }
}

fn entities(format: Format) -> Result<(), CliError> {
    let columns = ["Entity", "Command", "Nexudus", "Area", "Commands"]
        .map(String::from)
        .to_vec();
    let mut records = Records::new(io::stdout().lock(), format, columns, None);
    records.describe(format!("{} entities", nexudus::ENTITIES.len()), None);
    let rows = nexudus::ENTITIES
        .iter()
        .map(|schema| {
            serde_json::json!({
                "Entity": schema.name,
                "Command": kebab(schema.name),
                "Nexudus": names::nexudus_name(schema),
                "Area": schema.area,
                "Commands": app::commands(schema).join(" "),
            })
        })
        .collect();
    records.batch(rows).map_err(io_error)?;
    records.finish().map_err(io_error)
}

fn completions(m: &ArgMatches) -> Result<(), CliError> {
    let shell = *m
        .get_one::<clap_complete::Shell>("shell")
        .ok_or_else(|| CliError::usage("which shell?"))?;
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut app::build(None, true), "nexudus", &mut script);
    let mut out = io::stdout().lock();
    out.write_all(&script).map_err(io_error)?;
    out.flush().map_err(io_error)
}

/// The API client and a runtime to drive it.
pub(crate) struct Api {
    pub(crate) client: Client,
    pub(crate) runtime: tokio::runtime::Runtime,
}

impl Api {
    pub(crate) fn connect(global: &Global) -> Result<Api, CliError> {
        let connection = config::connection(global.base_url.as_deref(), global.profile.as_deref())?;
        Api::with(global, connection)
    }

    /// A client of the given connection, with the options of `global`.
    pub(crate) fn with(global: &Global, connection: config::Connection) -> Result<Api, CliError> {
        if global.verbose {
            init_verbose();
            let url = connection
                .base_url
                .as_deref()
                .unwrap_or(SERVICE.base_url)
                .to_owned();
            verbose(&format!(
                "base URL {url}; credentials: {}",
                connection.source
            ));
        }
        let mut builder = Client::builder()
            .auth(connection.auth)
            .retry(RetryPolicy::default().max_attempts(global.retries.saturating_add(1)))
            .timeout(Duration::from_secs(global.timeout))
            .pacing(Pacing::default().share(global.rate_share.unwrap_or(1.0)))
            .user_agent(concat!("nexudus-cli/", env!("CARGO_PKG_VERSION")));
        if let Some(url) = connection.base_url {
            builder = builder.base_url(url);
        }
        let client = builder
            .build()
            .map_err(|e| CliError::api(e, "connect", None))?;
        Ok(Api {
            client,
            runtime: runtime()?,
        })
    }
}

/// The async runtime a command's requests run on: one thread, as a command waits for each.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::local(format!("cannot start the async runtime: {e}")))
}

/// `--verbose`: the runtime's request spans (method, path template, attempt, status) on
/// standard error as each request ends. They carry no header, token or body.
fn init_verbose() {
    use tracing_subscriber::filter::Targets;
    use tracing_subscriber::fmt::format::FmtSpan;
    use tracing_subscriber::prelude::*;
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(io::stderr)
        .without_time()
        .with_target(false)
        .with_level(false)
        .with_span_events(FmtSpan::CLOSE)
        .with_filter(Targets::new().with_target("nexudus_runtime", tracing::Level::DEBUG));
    // Only fails if a subscriber is already set, which then logs instead.
    let _ = tracing_subscriber::registry().with(layer).try_init();
}

fn verbose(line: &str) {
    let _ = writeln!(io::stderr(), "nexudus: {line}");
}

/// The endpoint of a kind; the command tree offers only commands whose endpoint exists.
pub(crate) fn endpoint(
    schema: &'static EntitySchema,
    kind: EndpointKind,
) -> Result<&'static nexudus::EndpointSchema, CliError> {
    schema
        .endpoint(kind)
        .ok_or_else(|| CliError::usage(format!("{} has no {kind:?} endpoint", schema.name)))
}

fn entity_command(
    schema: &'static EntitySchema,
    m: &ArgMatches,
    global: &Global,
    format: Format,
) -> Result<(), CliError> {
    let Some((command, m)) = m.subcommand() else {
        return Err(CliError::usage(format!(
            "no command given; see `nexudus {} --help`",
            kebab(schema.name)
        )));
    };
    match command {
        "list" => list(schema, m, global, format),
        "get" => get(schema, m, global, format),
        "find" => find(schema, m, global, format),
        "create" => create(schema, m, global, format),
        "update" => update(schema, m, global, format),
        "delete" => delete(schema, m, global, format),
        "commands" => commands(schema, global, format),
        "run-command" => run_command(schema, m, global, format),
        "download" => download(schema, m, global, format),
        "import" => import::run(schema, m, global, format),
        other => Err(CliError::usage(format!("unknown command `{other}`"))),
    }
}

/// `NAME=VALUE` of `--filter` or `--set`.
fn assignment<'a>(flag: &str, raw: &'a str) -> Result<(&'a str, &'a str), CliError> {
    raw.split_once('=')
        .filter(|(name, _)| !name.trim().is_empty())
        .map(|(name, value)| (name.trim(), value))
        .ok_or_else(|| CliError::usage(format!("{flag} takes NAME=VALUE, not `{raw}`")))
}

fn strings<'a>(m: &'a ArgMatches, id: &str) -> impl Iterator<Item = &'a String> {
    m.get_many::<String>(id).into_iter().flatten()
}

/// The value of a flag made from the spec, if given; `None` too where the command has no
/// such flag (its name was taken by a built-in one).
fn given<'a>(m: &'a ArgMatches, id: &str) -> Option<&'a str> {
    m.try_get_one::<String>(id)
        .ok()
        .flatten()
        .map(String::as_str)
}

/// `--OPTION` of a field, for errors about its flag (`prefix` is `from-` or `to-`).
fn option_of(schema: &EntitySchema, wire: &str, prefix: &str) -> String {
    let option = schema
        .field(wire)
        .map_or_else(|| kebab(wire), app::field_option);
    format!("--{prefix}{option}")
}

/// `--columns`, each resolved to its wire name.
fn chosen_columns(
    schema: &'static EntitySchema,
    m: &ArgMatches,
    joined: bool,
) -> Result<Option<Vec<String>>, CliError> {
    if m.get_many::<String>("columns").is_none() {
        return Ok(None);
    }
    strings(m, "columns")
        .filter(|c| !c.trim().is_empty())
        .map(|c| names::field(schema, c.trim(), joined).map(|f| f.wire.to_owned()))
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// The columns of list records in the schema's order; for a table, the entity's own
/// fields come first.
fn list_columns(schema: &EntitySchema, format: Format) -> Vec<String> {
    table_order(schema.list_fields().map(|f| f.wire), format)
}

/// The fields of a full record, in the same order as [`list_columns`].
fn record_columns(schema: &EntitySchema, format: Format) -> Vec<String> {
    table_order(
        schema.fields.iter().filter(|f| f.read).map(|f| f.wire),
        format,
    )
}

/// For a table, the fields every entity shares (`UniqueId`, `CreatedOn`, ...: the spec's
/// base fields, found as those in every entity) move after the entity's own, but for the
/// first (`Id`): they are the same bookkeeping for every record and would push what a
/// person looks for off the screen.
fn table_order<'a>(fields: impl Iterator<Item = &'a str>, format: Format) -> Vec<String> {
    let fields: Vec<String> = fields.map(str::to_owned).collect();
    if format != Format::Table {
        return fields;
    }
    let shared = |wire: &str| {
        nexudus::ENTITIES
            .iter()
            .all(|e| e.fields.iter().any(|f| f.wire == wire))
    };
    let (first, rest) = fields
        .split_first()
        .map_or((None, &[][..]), |(f, r)| (Some(f), r));
    let (common, own): (Vec<&String>, Vec<&String>) = rest.iter().partition(|f| shared(f));
    first
        .into_iter()
        .chain(own)
        .chain(common)
        .cloned()
        .collect()
}

pub(crate) fn record_name(schema: &EntitySchema, id: i64) -> String {
    format!("{} {id}", schema.name)
}

fn list(
    schema: &'static EntitySchema,
    m: &ArgMatches,
    global: &Global,
    format: Format,
) -> Result<(), CliError> {
    let endpoint = &endpoint(schema, EndpointKind::List)?.endpoint;
    let paging = &endpoint.service.paging;
    let mut query: ListQuery<QueryPair, SortBy> = ListQuery::new();
    // Each filter: its query parameter, its field, the value as typed, and how an error
    // names it. `--filter` first, then the flags of filters and of range filters.
    let mut filters: Vec<(&'static str, &'static str, &str, String)> = Vec::new();
    for raw in strings(m, "filter") {
        let (name, value) = assignment("--filter", raw)?;
        let filter = names::filter(schema, name)?;
        filters.push((
            filter.query,
            filter.field,
            value,
            format!("--filter {name}"),
        ));
    }
    for filter in schema.filters {
        if let Some(raw) = given(m, &app::filter_id(filter)) {
            let shown = option_of(schema, filter.field, "");
            filters.push((filter.query, filter.field, raw, shown));
        }
    }
    for range in schema.range_filters {
        for (end, parameter) in [("from", range.from), ("to", range.to)] {
            if let Some(raw) = given(m, &app::range_id(parameter)) {
                let shown = option_of(schema, range.field, &format!("{end}-"));
                filters.push((parameter, range.field, raw, shown));
            }
        }
    }
    for (parameter, field, raw, shown) in filters {
        let field = schema
            .field(field)
            .ok_or_else(|| CliError::usage(format!("{shown}: the filter has no field")))?;
        let value = values::filter(field.kind, raw, endpoint.service.filter_datetime_format)
            .map_err(|e| CliError::usage(format!("{shown}: {e}")))?;
        query = query.filter(QueryPair(parameter, value));
    }
    if let Some(order) = m.get_one::<String>("order-by") {
        let wire = schema
            .sort
            .iter()
            .find(|s| normalize(s) == normalize(order))
            .ok_or_else(|| CliError::usage(format!("cannot sort by `{order}`")))?;
        let direction = if m.get_flag("desc") {
            SortDirection::Descending
        } else {
            SortDirection::Ascending
        };
        query = query.order_by(SortBy(wire), direction);
    }
    if let Some(page) = m.get_one::<u32>("page") {
        query = query.page(*page);
    }
    if let Some(size) = m.get_one::<u32>("size") {
        query = query.size(*size);
    }
    let chosen = chosen_columns(schema, m, true)?;
    let what = format!("list {}", schema.name);
    let api = Api::connect(global)?;
    let mut records = Records::new(
        io::stdout().lock(),
        format,
        list_columns(schema, format),
        chosen,
    );
    if m.get_flag("all") {
        let progress = Progress::new();
        let first = i64::from(query.current_page().unwrap_or(paging.default_page));
        let size = m
            .get_one::<u32>("size")
            .copied()
            .unwrap_or(paging.default_size);
        let mut total_pages = 0;
        let listed = api.runtime.block_on(async {
            let mut pages = api.client.pages::<Value, _, _>(endpoint, query);
            while let Some(page) = pages.next().await {
                let mut page = page.map_err(|e| CliError::api(e, &what, None))?;
                session::redact(schema, &mut page.records)?;
                let (number, pages, total) =
                    (page.current_page, page.total_pages, page.total_items);
                total_pages = pages;
                progress
                    .suspend(|| records.batch(page.records))
                    .map_err(io_error)?;
                progress.page(first, number, pages, records.count(), total);
            }
            Ok::<_, CliError>(())
        });
        // Cleared on failure too, so the error line is not drawn over the bar.
        progress.done();
        listed?;
        let count = records.count();
        records.describe(
            format!(
                "Found {count} {} (every page from {first})",
                names::nexudus_name(schema)
            ),
            Some(output::Meta {
                total: i64::try_from(count).unwrap_or(i64::MAX),
                page: first,
                page_size: i64::from(size),
                total_pages,
            }),
        );
    } else {
        let mut page = api
            .runtime
            .block_on(
                api.client
                    .get_page::<Value>(endpoint, query.query_pairs(paging)),
            )
            .map_err(|e| CliError::api(e, &what, None))?;
        session::redact(schema, &mut page.records)?;
        records.describe(
            format!(
                "Found {} {} (page {}/{})",
                page.total_items,
                names::nexudus_name(schema),
                page.current_page,
                page.total_pages
            ),
            Some(output::Meta {
                total: page.total_items,
                page: page.current_page,
                page_size: page.current_page_size,
                total_pages: page.total_pages,
            }),
        );
        let more = page.has_next_page.then(|| {
            format!(
                "page {} of {}, {} records in all: --page {} for the next, --all for every page",
                page.current_page,
                page.total_pages,
                page.total_items,
                page.current_page + 1
            )
        });
        records.batch(page.records).map_err(io_error)?;
        records.finish().map_err(io_error)?;
        if let Some(more) = more.filter(|_| io::stderr().is_terminal()) {
            let _ = writeln!(io::stderr(), "{more}");
        }
        return Ok(());
    }
    records.finish().map_err(io_error)
}

fn get(
    schema: &'static EntitySchema,
    m: &ArgMatches,
    global: &Global,
    format: Format,
) -> Result<(), CliError> {
    let endpoint = &endpoint(schema, EndpointKind::Get)?.endpoint;
    let id = required_id(m)?;
    let chosen = chosen_columns(schema, m, false)?;
    let api = Api::connect(global)?;
    let mut record: Value = api
        .runtime
        .block_on(api.client.get_record(endpoint, id))
        .map_err(|e| {
            CliError::api(
                e,
                &format!("get {}", record_name(schema, id)),
                Some(&record_name(schema, id)),
            )
        })?;
    session::redact(schema, std::slice::from_mut(&mut record))?;
    output::record(
        io::stdout().lock(),
        format,
        record,
        record_columns(schema, format),
        chosen,
        &record_name(schema, id),
    )
    .map_err(io_error)
}

fn required_id(m: &ArgMatches) -> Result<i64, CliError> {
    m.get_one::<i64>("id")
        .copied()
        .ok_or_else(|| CliError::usage("no record id given"))
}

fn find(
    schema: &'static EntitySchema,
    m: &ArgMatches,
    global: &Global,
    format: Format,
) -> Result<(), CliError> {
    let find = endpoint(schema, EndpointKind::FindByIds)?;
    let query = find
        .ids_query()
        .ok_or_else(|| CliError::usage(format!("{} cannot find by ids", schema.name)))?;
    let ids: Vec<i64> = m
        .get_many::<i64>("ids")
        .into_iter()
        .flatten()
        .copied()
        .collect();
    let chosen = chosen_columns(schema, m, true)?;
    let api = Api::connect(global)?;
    let mut page = api
        .runtime
        .block_on(api.client.find_by_ids::<Value>(&find.endpoint, query, &ids))
        .map_err(|e| CliError::api(e, &format!("find {}", schema.name), None))?;
    session::redact(schema, &mut page.records)?;
    let mut records = Records::new(
        io::stdout().lock(),
        format,
        list_columns(schema, format),
        chosen,
    );
    records.describe(
        format!(
            "Found {} of {} {}",
            page.records.len(),
            ids.len(),
            names::nexudus_name(schema)
        ),
        None,
    );
    records.batch(page.records).map_err(io_error)?;
    records.finish().map_err(io_error)
}

/// The text of a file given as input (`-` for standard input).
pub(crate) fn read_text(path: &Path) -> Result<String, CliError> {
    if path == Path::new("-") {
        let mut text = String::new();
        io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| CliError::usage(format!("cannot read standard input: {e}")))?;
        Ok(text)
    } else {
        std::fs::read_to_string(path)
            .map_err(|e| CliError::usage(format!("cannot read {}: {e}", path.display())))
    }
}

/// The JSON object of `--json FILE` (`-` for standard input).
fn read_object(path: &Path) -> Result<Map<String, Value>, CliError> {
    let shown = path.display();
    let text = read_text(path)?;
    match serde_json::from_str(&text) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err(CliError::usage(format!("{shown}: not a JSON object"))),
        Err(e) => Err(CliError::usage(format!("{shown} is not JSON: {e}"))),
    }
}

/// The `--json` object with each known field's value checked against its kind. Properties
/// the spec does not know are kept: the API may know them.
fn json_body(schema: &'static EntitySchema, path: &Path) -> Result<Map<String, Value>, CliError> {
    let mut object = read_object(path)?;
    for (key, value) in &mut object {
        let field = schema.fields.iter().find(|f| f.wire == key);
        let at = |e: CliError| e.context(format!("{}: {key}", path.display()));
        *value = session::resolve_json(field, value).map_err(at)?;
        if let Some(field) = field {
            *value = values::check(field.kind, value)
                .map_err(|e| CliError::usage(format!("{}: {key}: {e}", path.display())))?;
        }
    }
    Ok(object)
}

/// A field `--set` (or a flag) may write in a create (`create`) or an update.
pub(crate) fn writable(
    schema: &'static EntitySchema,
    name: &str,
    create: bool,
) -> Result<&'static FieldSchema, CliError> {
    let field = names::field(schema, name, false)?;
    let allowed = if create { field.create } else { field.update };
    if allowed {
        return Ok(field);
    }
    let why = if field.is_read_only() {
        "is read-only: the API sets it".to_owned()
    } else if create {
        "is set by updates only".to_owned()
    } else {
        "is set on create only; an update cannot change it".to_owned()
    };
    Err(CliError::usage(format!(
        "{}.{} {why}",
        schema.name, field.wire
    )))
}

/// A value typed for `field` (by `flag`); a JSON one (inline children among them) may be
/// `@FILE`, the file's JSON (`@-` for standard input), its PII tokens resolved.
fn parsed(flag: &str, field: &FieldSchema, raw: &str) -> Result<Value, CliError> {
    let json = matches!(field.kind, FieldKind::Json | FieldKind::Children(_));
    if let Some(file) = raw.strip_prefix('@').filter(|_| json) {
        let text = read_text(Path::new(file)).map_err(|e| e.context(flag))?;
        let value: Value = serde_json::from_str(&text)
            .map_err(|e| CliError::usage(format!("{flag}: {file} is not JSON: {e}")))?;
        let value = session::resolve_json(Some(field), &value).map_err(|e| e.context(flag))?;
        return values::check(field.kind, &value)
            .map_err(|e| CliError::usage(format!("{flag}: {file}: {e}")));
    }
    values::parse(field.kind, raw).map_err(|e| CliError::usage(format!("{flag}: {e}")))
}

fn create(
    schema: &'static EntitySchema,
    m: &ArgMatches,
    global: &Global,
    format: Format,
) -> Result<(), CliError> {
    let endpoint = &endpoint(schema, EndpointKind::Create)?.endpoint;
    let mut body = match m.get_one::<PathBuf>("json") {
        Some(path) => json_body(schema, path)?,
        None => Map::new(),
    };
    for field in schema.fields.iter().filter(|f| f.create) {
        if let Some(raw) = given(m, &app::field_id(field)) {
            let flag = format!("--{}", app::field_option(field));
            body.insert(field.wire.to_owned(), parsed(&flag, field, raw)?);
        }
    }
    for raw in strings(m, "set") {
        let (name, value) = assignment("--set", raw)?;
        let field = writable(schema, name, true)?;
        body.insert(
            field.wire.to_owned(),
            parsed(&format!("--set {name}"), field, value)?,
        );
    }
    let missing: Vec<String> = missing_required(schema, &body)
        .map(|f| format!("--{} ({})", app::field_option(f), f.wire))
        .collect();
    if !missing.is_empty() {
        return Err(CliError::usage(format!(
            "create {} needs {}",
            schema.name,
            missing.join(", ")
        )));
    }
    let what = format!("create {}", schema.name);
    let api = Api::connect(global)?;
    let id = api
        .runtime
        .block_on(api.client.send_action(endpoint, None, Some(&body)))
        .and_then(|answer| answer.new_id())
        .map_err(|e| CliError::api(e, &what, None))?;
    done(
        format,
        &format!("Created {}", record_name(schema, id)),
        serde_json::json!({"Id": id}),
    )
}

/// The fields a create must set that `body` leaves out or sets to null.
pub(crate) fn missing_required<'a>(
    schema: &'static EntitySchema,
    body: &'a Map<String, Value>,
) -> impl Iterator<Item = &'static FieldSchema> + 'a {
    schema
        .fields
        .iter()
        .filter(|f| f.required && f.create && body.get(f.wire).is_none_or(Value::is_null))
}

/// Refuses an update's change that clears a required field.
pub(crate) fn check_not_cleared(
    schema: &'static EntitySchema,
    changes: &[(String, Value)],
) -> Result<(), CliError> {
    for (key, value) in changes {
        let required = schema.fields.iter().any(|f| f.wire == key && f.required);
        if required && value.is_null() {
            return Err(CliError::usage(format!(
                "{}.{key} is required; it cannot be cleared",
                schema.name
            )));
        }
    }
    Ok(())
}

/// The result of a change: a sentence on a terminal table, an object otherwise.
pub(crate) fn done(format: Format, sentence: &str, result: Value) -> Result<(), CliError> {
    let mut out = io::stdout().lock();
    if format == Format::Table {
        writeln!(out, "{sentence}.").map_err(io_error)
    } else {
        let columns = result
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
        output::record(out, format, result, columns, None, sentence).map_err(io_error)
    }
}

fn update(
    schema: &'static EntitySchema,
    m: &ArgMatches,
    global: &Global,
    format: Format,
) -> Result<(), CliError> {
    let get = &endpoint(schema, EndpointKind::Get)?.endpoint;
    let put = &endpoint(schema, EndpointKind::Update)?.endpoint;
    let id = required_id(m)?;
    // Every change is read and checked before the record is.
    let mut changes: Vec<(String, Value)> = Vec::new();
    if let Some(path) = m.get_one::<PathBuf>("json") {
        for (key, value) in json_body(schema, path)? {
            if let Some(field) = schema.fields.iter().find(|f| f.wire == key) {
                writable(schema, field.wire, false)?;
            }
            changes.push((key, value));
        }
    }
    for field in schema.fields.iter().filter(|f| f.update) {
        if let Some(raw) = given(m, &app::field_id(field)) {
            let flag = format!("--{}", app::field_option(field));
            changes.push((field.wire.to_owned(), parsed(&flag, field, raw)?));
        }
    }
    for raw in strings(m, "set") {
        let (name, value) = assignment("--set", raw)?;
        let field = writable(schema, name, false)?;
        changes.push((
            field.wire.to_owned(),
            parsed(&format!("--set {name}"), field, value)?,
        ));
    }
    for name in strings(m, "unset") {
        let field = writable(schema, name, false)?;
        changes.push((field.wire.to_owned(), Value::Null));
    }
    check_not_cleared(schema, &changes)?;
    if changes.is_empty() {
        return Err(CliError::usage(
            "nothing to change: give --FIELD VALUE, --set FIELD=VALUE, --unset FIELD or \
             --json FILE",
        ));
    }
    let name = record_name(schema, id);
    let api = Api::connect(global)?;
    api.runtime
        .block_on(read_and_update(
            &api.client,
            schema,
            (get, put),
            id,
            changes,
        ))
        .map_err(|e| e.into_cli(&name))?;
    done(
        format,
        &format!("Updated {name}"),
        serde_json::json!({"Id": id}),
    )
}

/// What failed in [`read_and_update`].
pub(crate) enum UpdateError {
    /// The API's error, and what was being done (`read CoworkerDiscountCode 5`).
    Api(nexudus::Error, String),
    /// The read answered something that is not a record; the message says so.
    NotARecord(String),
}

impl UpdateError {
    /// As the one-line error of a command about `record` (`CoworkerDiscountCode 5`).
    pub(crate) fn into_cli(self, record: &str) -> CliError {
        match self {
            UpdateError::Api(error, what) => CliError::api(error, &what, Some(record)),
            UpdateError::NotARecord(message) => CliError::new(Kind::Network, message),
        }
    }
}

/// Reads the record `id` through `get`, applies `changes` and writes it all back through
/// `put`: the API's PUT clears what it is not sent, so the body is the full record.
pub(crate) async fn read_and_update(
    client: &Client,
    schema: &'static EntitySchema,
    (get, put): (&'static nexudus::Endpoint, &'static nexudus::Endpoint),
    id: i64,
    changes: Vec<(String, Value)>,
) -> Result<(), UpdateError> {
    let name = record_name(schema, id);
    let record: Value = client
        .get_record(get, id)
        .await
        .map_err(|e| UpdateError::Api(e, format!("read {name}")))?;
    let Value::Object(mut body) = record else {
        return Err(UpdateError::NotARecord(format!(
            "read {name}: the API's answer is not a JSON object"
        )));
    };
    // As the typed update body: no field the API sets, but the Id and every property the
    // CLI does not know, since a PUT clears what it does not send.
    body.retain(|key, _| {
        key == "Id" || schema.field(key).is_none_or(|field| !field.is_read_only())
    });
    body.extend(changes);
    client
        .send_action(put, None, Some(&body))
        .await
        .map_err(|e| UpdateError::Api(e, format!("update {name}")))?;
    Ok(())
}

fn delete(
    schema: &'static EntitySchema,
    m: &ArgMatches,
    global: &Global,
    format: Format,
) -> Result<(), CliError> {
    let endpoint = &endpoint(schema, EndpointKind::Delete)?.endpoint;
    let id = required_id(m)?;
    let name = record_name(schema, id);
    let api = Api::connect(global)?;
    api.runtime
        .block_on(api.client.send_action::<Value>(endpoint, Some(id), None))
        .map_err(|e| CliError::api(e, &format!("delete {name}"), Some(&name)))?;
    done(
        format,
        &format!("Deleted {name}"),
        serde_json::json!({"Id": id}),
    )
}

fn commands(
    schema: &'static EntitySchema,
    global: &Global,
    format: Format,
) -> Result<(), CliError> {
    let endpoint = &endpoint(schema, EndpointKind::Commands)?.endpoint;
    let api = Api::connect(global)?;
    let list = api
        .runtime
        .block_on(api.client.get_commands(endpoint))
        .map_err(|e| CliError::api(e, &format!("list the commands of {}", schema.name), None))?;
    let names = &endpoint.service.envelopes.command;
    let columns = [
        names.key,
        names.name,
        names.needs_entities_to_run,
        names.applies_only_to_one_entity,
        names.applies_only_to_multiple_entities,
        names.requires_parameters,
    ]
    .map(String::from)
    .to_vec();
    let rows = list
        .iter()
        .map(|c| c.to_json(&endpoint.service.envelopes))
        .collect();
    let mut records = Records::new(io::stdout().lock(), format, columns, None);
    records.batch(rows).map_err(io_error)?;
    records.finish().map_err(io_error)
}

fn run_command(
    schema: &'static EntitySchema,
    m: &ArgMatches,
    global: &Global,
    format: Format,
) -> Result<(), CliError> {
    let endpoint = &endpoint(schema, EndpointKind::RunCommand)?.endpoint;
    let key = m
        .get_one::<String>("key")
        .ok_or_else(|| CliError::usage("no command key given"))?;
    // IDS, as Nexudus's CLI takes them, or --ids.
    let ids: Vec<i64> = ["ids", "ids-flag"]
        .into_iter()
        .flat_map(|id| m.get_many::<i64>(id).into_iter().flatten())
        .copied()
        .collect();
    let given = strings(m, "parameter")
        .map(|raw| assignment("-p", raw))
        .collect::<Result<Vec<_>, _>>()?;
    let listed: Vec<String> = ids.iter().map(ToString::to_string).collect();
    let what = format!("run {key} on {} {}", schema.name, listed.join(", "));
    let api = Api::connect(global)?;
    let parameters = if given.is_empty() {
        Vec::new()
    } else {
        command_parameters(&api, schema, key, &given)?
    };
    let mut command = RunCommand::new(key.as_str(), ids.iter().copied());
    command.parameters.clone_from(&parameters);
    let answer = api
        .runtime
        .block_on(api.client.run_command(endpoint, &command))
        .map_err(|e| CliError::api(e, &what, None))?;
    // The API's message may quote a value that redaction hides.
    let message = answer
        .message
        .as_deref()
        .filter(|m| !m.is_empty())
        .map(session::scrub);
    let sentence = match &message {
        Some(message) => format!(
            "Ran {key} on {} {}: {message}",
            schema.name,
            listed.join(", ")
        ),
        None => format!("Ran {key} on {} {}", schema.name, listed.join(", ")),
    };
    // A value may have come from a PII token: shown as the token again.
    let sent: Vec<Value> = parameters
        .iter()
        .map(|p| {
            let value = match &p.value {
                Value::String(text) => Value::from(session::scrub(text)),
                other => other.clone(),
            };
            serde_json::json!({"Name": p.name, "Type": p.r#type, "Value": value})
        })
        .collect();
    done(
        format,
        &sentence,
        serde_json::json!({"Key": key, "Ids": ids, "Parameters": sent, "Message": message}),
    )
}

/// The parameters of `-p NAME=VALUE`, as the run-command body lists them: each matched by
/// name (or type) to a parameter the command lists, in the command's order, with its type.
/// Where the command's parameters are not known (no `commands` endpoint, not allowed, a
/// command it does not list), each is sent as given, NAME as its type.
fn command_parameters(
    api: &Api,
    schema: &'static EntitySchema,
    key: &str,
    given: &[(&str, &str)],
) -> Result<Vec<nexudus::CommandParameter>, CliError> {
    // JSON when it reads as JSON (numbers, booleans), else the text itself; text always
    // for a parameter of type string.
    let value = |r#type: &str, raw: &str| {
        if r#type.eq_ignore_ascii_case("string") {
            Value::from(raw)
        } else {
            serde_json::from_str(raw).unwrap_or_else(|_| Value::from(raw))
        }
    };
    let as_given = || {
        given
            .iter()
            .map(|(name, raw)| nexudus::CommandParameter {
                name: None,
                r#type: (*name).to_owned(),
                value: value(name, raw),
            })
            .collect()
    };
    let Some(list) = schema.endpoint(EndpointKind::Commands) else {
        return Ok(as_given());
    };
    let Ok(commands) = api
        .runtime
        .block_on(api.client.get_commands(&list.endpoint))
    else {
        return Ok(as_given());
    };
    let Some(command) = commands.iter().find(|c| c.key == key) else {
        return Ok(as_given());
    };
    let wanted = &command.requires_parameters;
    if wanted.is_empty() {
        return Ok(as_given());
    }
    let described: Vec<String> = wanted
        .iter()
        .map(|p| {
            format!(
                "{} ({})",
                p.name.as_deref().unwrap_or("?"),
                p.r#type.as_deref().unwrap_or("?")
            )
        })
        .collect();
    let same = |a: Option<&str>, b: &str| a.is_some_and(|a| normalize(a) == normalize(b));
    let mut values: Vec<Option<&str>> = vec![None; wanted.len()];
    for (name, raw) in given {
        let at = wanted
            .iter()
            .position(|p| same(p.name.as_deref(), name))
            .or_else(|| wanted.iter().position(|p| same(p.r#type.as_deref(), name)))
            .ok_or_else(|| {
                CliError::usage(format!("-p {name}: {key} takes {}", described.join(", ")))
            })?;
        values[at] = Some(raw);
    }
    wanted
        .iter()
        .zip(values)
        .zip(&described)
        .map(|((parameter, raw), shown)| {
            let raw = raw.ok_or_else(|| {
                CliError::usage(format!(
                    "{key} needs -p {}=VALUE too; it takes {}",
                    parameter.name.as_deref().unwrap_or(shown),
                    described.join(", ")
                ))
            })?;
            let r#type = parameter.r#type.clone().unwrap_or_default();
            Ok(nexudus::CommandParameter {
                name: parameter.name.clone(),
                value: value(&r#type, raw),
                r#type,
            })
        })
        .collect()
}

fn download(
    schema: &'static EntitySchema,
    m: &ArgMatches,
    global: &Global,
    format: Format,
) -> Result<(), CliError> {
    let id = required_id(m)?;
    let downloads: Vec<&'static nexudus::EndpointSchema> = schema
        .endpoints
        .iter()
        .filter(|e| e.kind == EndpointKind::Download)
        .collect();
    let chosen = match m.get_one::<String>("file") {
        Some(file) => downloads.iter().find(|e| {
            e.download_name()
                .is_some_and(|n| normalize(n) == normalize(file))
        }),
        None if downloads.len() == 1 => downloads.first(),
        None => None,
    }
    .copied()
    .ok_or_else(|| CliError::usage(format!("which file of {}? give --file", schema.name)))?;
    let file = chosen.download_name().unwrap_or_default();
    let out = m
        .get_one::<PathBuf>("out")
        .ok_or_else(|| CliError::usage("give --out FILE (`-` for standard output)"))?;
    if format == Format::Agent && out == Path::new("-") {
        return Err(CliError::usage(
            "--agent answers an envelope on standard output; give --out FILE",
        ));
    }
    let name = record_name(schema, id);
    let api = Api::connect(global)?;
    let download = api
        .runtime
        .block_on(api.client.download(&chosen.endpoint, id))
        .map_err(|e| CliError::api(e, &format!("download the {file} of {name}"), Some(&name)))?
        .ok_or_else(|| CliError::new(Kind::NotFound, format!("{name} has no {file} file")))?;
    if out == Path::new("-") {
        let mut stdout = io::stdout().lock();
        stdout.write_all(&download.bytes).map_err(io_error)?;
        return stdout.flush().map_err(io_error);
    }
    std::fs::write(out, &download.bytes)
        .map_err(|e| CliError::local(format!("cannot write {}: {e}", out.display())))?;
    let content_type = download.content_type.clone().unwrap_or_default();
    done(
        format,
        &format!(
            "Wrote the {file} of {name} ({} bytes, {content_type}) to {}",
            download.bytes.len(),
            out.display()
        ),
        serde_json::json!({
            "Id": id,
            "File": file,
            "ContentType": download.content_type,
            "Bytes": download.bytes.len(),
            "Path": out.display().to_string(),
        }),
    )
}
