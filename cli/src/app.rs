//! The command tree, built at run time from `nexudus::ENTITIES`: one subcommand per entity,
//! one per endpoint it has, one flag per field a create may set, per range filter and per
//! sort field. Nothing here is written per entity, so an entity added to the spec is a
//! command the moment the crate is generated, at no compile-time cost.

use std::fmt::Write as _;

use clap::builder::PossibleValue;
use clap::{Arg, ArgAction, Args as _, Command, value_parser};
use nexudus::{ENTITIES, EndpointKind, EntitySchema, FieldKind, FieldSchema, SERVICE};

use crate::config;
use crate::names::{self, filter_short_name, kebab};
use crate::output::Format;
use crate::values;

// Options every command takes, before or after the subcommands. (A doc comment here would
// become the top-level `about`.)
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "Global options")]
pub struct Global {
    /// The API's base URL [default: the production URL of the spec].
    #[arg(
        long,
        global = true,
        env = "NEXUDUS_BASE_URL",
        hide_env_values = true,
        value_name = "URL"
    )]
    pub base_url: Option<String>,
    /// The profile of the profile file to use [default: `default_profile`, else `default`].
    #[arg(
        long,
        global = true,
        env = "NEXUDUS_PROFILE",
        hide_env_values = true,
        value_name = "NAME"
    )]
    pub profile: Option<String>,
    /// Output format [default: table on a terminal, jsonl when piped].
    #[arg(short, long, global = true, value_enum, value_name = "FORMAT")]
    pub output: Option<Format>,
    /// Log each request (method, path, status) to standard error; never a secret.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// Retries of a throttled or failed request, after the first try.
    #[arg(long, global = true, value_name = "N", default_value_t = 3)]
    pub retries: u32,
    /// Timeout of each request, in seconds.
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = 30,
          value_parser = value_parser!(u64).range(1..))]
    pub timeout: u64,
    /// The share of the API's rate limits to take, from 0.01 to 1 [default: 1].
    ///
    /// Requests are paced to keep within the documented limits (spec/service.yaml); an
    /// account that other integrations use at the same time takes a share, as 0.5.
    #[arg(long, global = true, env = "NEXUDUS_RATE_SHARE", hide_env_values = true,
          value_name = "FRACTION", value_parser = rate_share)]
    pub rate_share: Option<f64>,
    /// Nexudus's JSON envelope {ok, data, summary, breadcrumbs, meta}, errors too.
    #[arg(long, global = true)]
    pub agent: bool,
    /// Personal data as tokens «PII:NAME:a3f2b1c9» in any output.
    ///
    /// Names, emails, phones and the other categories of the spec are replaced by tokens,
    /// the same value by the same token; tokens given back as input (flags, --set, --json
    /// files, import lines) are resolved until `logout` ends the session.
    #[arg(long, global = true, env = "NEXUDUS_REDACT_PII", hide_env_values = true,
          value_parser = clap::builder::FalseyValueParser::new())]
    pub redact_pii: bool,
}

/// `--rate-share`: a fraction from 0.01 to 1; less would make a request wait minutes for
/// its turn, which is never what was meant.
fn rate_share(value: &str) -> Result<f64, String> {
    match value.parse::<f64>() {
        Ok(share) if (0.01..=1.0).contains(&share) => Ok(share),
        _ => Err(format!(
            "`{value}` is not a fraction from 0.01 to 1, such as 0.5"
        )),
    }
}

/// The global options that take a value, as the pre-scan of the arguments must skip them.
pub const GLOBAL_VALUE_FLAGS: &[&str] = &[
    "--base-url",
    "--profile",
    "--output",
    "-o",
    "--retries",
    "--timeout",
    "--rate-share",
];

/// Flag names every command has (the global ones): a field or filter with one of these
/// names is set with `--set` or `--filter` instead of a flag of its own.
const RESERVED: &[&str] = &[
    "help",
    "version",
    "base-url",
    "profile",
    "output",
    "verbose",
    "retries",
    "timeout",
    "rate-share",
    "agent",
    "redact-pii",
];

/// Commands besides the entities.
pub const BUILTINS: &[&str] = &[
    "entities",
    "completions",
    "login",
    "logout",
    "whoami",
    "doctor",
    "config",
    "mcp",
    "help",
];

/// The commands an entity has, in the order help lists them.
pub fn commands(schema: &EntitySchema) -> Vec<&'static str> {
    let has = |kind| schema.endpoint(kind).is_some();
    let mut names = Vec::new();
    for (kind, name) in [
        (EndpointKind::List, "list"),
        (EndpointKind::Get, "get"),
        (EndpointKind::FindByIds, "find"),
        (EndpointKind::Create, "create"),
        (EndpointKind::Update, "update"),
        (EndpointKind::Delete, "delete"),
        (EndpointKind::Commands, "commands"),
        (EndpointKind::RunCommand, "run-command"),
        (EndpointKind::Download, "download"),
    ] {
        // update reads the record first.
        let usable = has(kind) && (kind != EndpointKind::Update || has(EndpointKind::Get));
        if usable {
            names.push(name);
        }
        // Imports create records (and update those with an Id, where the entity can).
        if kind == EndpointKind::Delete && has(EndpointKind::Create) {
            names.push("import");
        }
    }
    names
}

/// The whole command tree. Only `full` (the entity being run) gets its subcommands, flags
/// and help, unless `build_all` (for completions); the others get a name and a line, which
/// is all the top-level help and the parse up to the entity need.
pub fn build(full: Option<&'static EntitySchema>, build_all: bool) -> Command {
    let mut root = Command::new("nexudus")
        .version(env!("CARGO_PKG_VERSION"))
        .about("Every entity of the Nexudus API from the command line.")
        .subcommand_required(true)
        .arg_required_else_help(true)
        .help_template(root_template())
        .after_help(root_after_help());
    root = Global::augment_args(root);
    root = root.subcommand(crate::mcp::command());
    root = root
        .subcommands(crate::account::commands())
        .subcommand(crate::doctor::command());
    root = root
        .subcommand(
            Command::new("entities")
                .about("List every entity with its area and commands")
                .after_help("As a table on a terminal; `-o jsonl` or `-o csv` for scripts."),
        )
        .subcommand(
            Command::new("completions")
                .about("Print a shell completion script")
                .after_help(
                    "bash:  nexudus completions bash > ~/.local/share/bash-completion/completions/nexudus\n\
                     zsh:   nexudus completions zsh > \"${fpath[1]}/_nexudus\"\n\
                     fish:  nexudus completions fish > ~/.config/fish/completions/nexudus.fish",
                )
                .arg(
                    Arg::new("shell")
                        .required(true)
                        .value_parser(value_parser!(clap_complete::Shell)),
                ),
        );
    for schema in ENTITIES {
        let in_full = build_all || full.is_some_and(|f| f.name == schema.name);
        root = root.subcommand(entity_command(schema, in_full));
    }
    root
}

fn root_template() -> String {
    let mut text = String::from(
        "{about-with-newline}\n{usage-heading} {usage}\n\n\
         Commands:\n\
         \x20 <ENTITY> <COMMAND>  What the entity has of list, get, find, create, update, delete,\n\
         \x20                     import, commands, run-command and download (`nexudus <ENTITY> --help`)\n\
         \x20 entities            List every entity with its area and commands\n\
         \x20 completions         Print a shell completion script (bash, zsh, fish, ...)\n\
         \x20 login               Store credentials in the OS keyring (else the profile file)\n\
         \x20 logout              Remove them, and end the session of --redact-pii tokens\n\
         \x20 whoami              Show who the credentials belong to\n\
         \x20 doctor              Check the config, credentials, the API and the clock\n\
         \x20 config              Read or set a profile's base-url\n\
         \x20 mcp                 Serve the API to an AI assistant: an MCP server over stdio\n\
         \x20 help                Print this message or the help of a command\n\n",
    );
    let _ = writeln!(
        text,
        "Entities ({}, by area), in kebab-case; also as the API spells them\n\
         (CoworkerDiscountCode) and as Nexudus's CLI does (coworkerdiscountcodes):",
        ENTITIES.len()
    );
    let mut areas: Vec<(&str, Vec<String>)> = Vec::new();
    for schema in ENTITIES {
        match areas.last_mut() {
            Some((area, names)) if *area == schema.area => names.push(kebab(schema.name)),
            _ => areas.push((schema.area, vec![kebab(schema.name)])),
        }
    }
    for (area, names) in areas {
        wrap(&mut text, &format!("  {area}: "), &names.join(", "), 96);
    }
    text.push_str("\nOptions:\n{options}{after-help}");
    text
}

/// Appends `words` after `lead`, wrapped at `width` and indented under the first word.
fn wrap(text: &mut String, lead: &str, words: &str, width: usize) {
    let indent = " ".repeat(lead.len());
    let mut line = lead.to_owned();
    for word in words.split(' ') {
        if line.len() > indent.len() && line.len() + 1 + word.len() > width {
            let _ = writeln!(text, "{}", line.trim_end());
            line.clone_from(&indent);
        }
        if line.len() > indent.len() && !line.ends_with(' ') {
            line.push(' ');
        }
        line.push_str(word);
    }
    let _ = writeln!(text, "{line}");
}

fn root_after_help() -> String {
    let path = config::profile_path().map_or_else(
        || "(no config folder)".to_owned(),
        |p| p.display().to_string(),
    );
    format!(
        "Credentials: {token}, or {user} and {password} (the password grant, with {totp} for \
         a two-factor code), or a profile in {path} (`nexudus login` writes one).\n\
         Exit codes: 0 ok, 1 local I/O error, 2 bad usage or input, 3 refused by the API, \
         4 not found, 5 network or API failure.",
        token = config::ENV_TOKEN,
        user = config::ENV_USERNAME,
        password = config::ENV_PASSWORD,
        totp = config::ENV_TOTP,
    )
}

/// The subcommand of one entity.
fn entity_command(schema: &'static EntitySchema, full: bool) -> Command {
    let name = kebab(schema.name);
    // Nexudus's name is visible, so that completions offer it.
    let mut command = Command::new(name.clone())
        .about(format!("{} ({})", schema.name, schema.area))
        .alias(schema.name)
        .visible_alias(names::nexudus_name(schema))
        .hide(false);
    if !full {
        return command;
    }
    command = command
        .subcommand_required(true)
        .arg_required_else_help(true)
        // `nexudus <entity> <command> --help` does it; a `help` command per entity would
        // double the completion scripts.
        .disable_help_subcommand(true)
        .after_help(entity_help(schema));
    let role = |kind| {
        schema
            .endpoint(kind)
            .map_or("", |e| e.endpoint.role)
            .to_owned()
    };
    for sub in commands(schema) {
        let built = match sub {
            "list" => list_command(schema),
            "get" => Command::new("get")
                .about(format!("Get one record (role {})", role(EndpointKind::Get)))
                .arg(id_arg())
                .arg(columns_arg()),
            "find" => Command::new("find")
                .about(format!(
                    "Get records by id, as a list (role {})",
                    role(EndpointKind::FindByIds)
                ))
                .arg(
                    Arg::new("ids")
                        .value_name("ID")
                        .required(true)
                        .num_args(1..)
                        .value_delimiter(',')
                        .value_parser(value_parser!(i64))
                        .help("Ids, separated by spaces or commas"),
                )
                .arg(columns_arg()),
            "create" => create_command(schema, &role(EndpointKind::Create)),
            "update" => {
                let command = Command::new("update")
                    .about(format!(
                        "Change fields of a record: reads it, changes them, writes it all back \
                         (roles {} and {})",
                        role(EndpointKind::Get),
                        role(EndpointKind::Update)
                    ))
                    .arg(id_arg())
                    .arg(set_arg())
                    .arg(
                        Arg::new("unset")
                            .long("unset")
                            .value_name("FIELD")
                            .action(ArgAction::Append)
                            .help("Clear a field (send null)"),
                    )
                    .arg(json_arg(
                        "Properties to change, from a JSON object file (`-` for standard input)",
                    ));
                field_flags(command, schema.fields.iter().filter(|f| f.update))
            }
            "delete" => Command::new("delete")
                .about(format!(
                    "Delete a record (role {})",
                    role(EndpointKind::Delete)
                ))
                .arg(id_arg())
                .arg(
                    Arg::new("yes")
                        .long("yes")
                        .short('y')
                        .action(ArgAction::SetTrue)
                        .help("Do not ask (as Nexudus's CLI takes it; this one never asks)"),
                ),
            "import" => import_command(schema),
            "commands" => Command::new("commands").about(format!(
                "List the commands that can run on records (role {})",
                role(EndpointKind::Commands)
            )),
            "run-command" => Command::new("run-command")
                .about(format!(
                    "Run a command on records (role {})",
                    role(EndpointKind::RunCommand)
                ))
                .arg(
                    Arg::new("key")
                        .value_name("KEY")
                        .required(true)
                        .help("The command's key, as `commands` lists it"),
                )
                .arg(
                    Arg::new("ids")
                        .value_name("IDS")
                        .required_unless_present("ids-flag")
                        .num_args(1..)
                        .value_delimiter(',')
                        .value_parser(value_parser!(i64))
                        .help("The records to run it on, as 42,43"),
                )
                .arg(
                    Arg::new("ids-flag")
                        .long("ids")
                        .value_name("ID,...")
                        .value_delimiter(',')
                        .action(ArgAction::Append)
                        .value_parser(value_parser!(i64))
                        .help("The records to run it on, as a flag"),
                )
                .arg(
                    Arg::new("parameter")
                        .short('p')
                        .long("parameter")
                        .value_name("NAME=VALUE")
                        .action(ArgAction::Append)
                        .help(
                            "A parameter by its name (or type) as `commands` lists it; repeat \
                             for more. VALUE is JSON or text",
                        ),
                ),
            _ => download_command(schema),
        };
        command = command.subcommand(built);
    }
    command
}

fn id_arg() -> Arg {
    Arg::new("id")
        .value_name("ID")
        .required(true)
        .value_parser(value_parser!(i64))
        .help("The record's id")
}

fn columns_arg() -> Arg {
    Arg::new("columns")
        .long("columns")
        .value_name("FIELD,...")
        .value_delimiter(',')
        .action(ArgAction::Append)
        .help("The fields to show, in this order [default: all; a table leaves out empty ones]")
}

fn set_arg() -> Arg {
    Arg::new("set")
        .long("set")
        .value_name("FIELD=VALUE")
        .action(ArgAction::Append)
        .help("Set a field; repeat for more")
}

fn json_arg(help: &'static str) -> Arg {
    Arg::new("json")
        .long("json")
        .value_name("FILE")
        .value_parser(value_parser!(std::path::PathBuf))
        .help(help)
}

fn list_command(schema: &'static EntitySchema) -> Command {
    let role = schema
        .endpoint(EndpointKind::List)
        .map_or("", |e| e.endpoint.role);
    let paging = &SERVICE.paging;
    let mut command = Command::new("list")
        .about(format!("List records, one page or --all (role {role})"))
        .arg(
            Arg::new("filter")
                .long("filter")
                .value_name("NAME=VALUE")
                .action(ArgAction::Append)
                .help("Keep records whose field matches; repeat to combine (AND)"),
        );
    let sort: Vec<PossibleValue> = schema
        .sort
        .iter()
        .map(|wire| PossibleValue::new(kebab(wire)).alias(*wire))
        .collect();
    if !sort.is_empty() {
        command = command
            .arg(
                Arg::new("order-by")
                    .long("order-by")
                    .value_name("FIELD")
                    .value_parser(sort)
                    .help("Sort by this field"),
            )
            .arg(
                Arg::new("desc")
                    .long("desc")
                    .action(ArgAction::SetTrue)
                    .requires("order-by")
                    .help("Sort largest first"),
            );
    }
    command = command
        .arg(
            Arg::new("page")
                .long("page")
                // As Nexudus's catalogue pages write them.
                .alias("page-number")
                .value_name("N")
                .value_parser(value_parser!(u32).range(i64::from(paging.default_page)..))
                .help("The page to get (with --all: to start from)"),
        )
        .arg(
            Arg::new("size")
                .long("size")
                .alias("page-size")
                .value_name("N")
                .value_parser(value_parser!(u32).range(1..=i64::from(paging.max_size)))
                .help(format!(
                    "Records per page [API default: {}, at most {}]",
                    paging.default_size, paging.max_size
                )),
        )
        .arg(
            Arg::new("all")
                .long("all")
                .action(ArgAction::SetTrue)
                .help("Every page, written as each arrives"),
        )
        .arg(columns_arg());
    // After the built-in flags, so that a filter named like one of them is skipped.
    for filter in schema.filters {
        let Some(field) = schema.field(filter.field) else {
            continue;
        };
        let arg = Arg::new(filter_id(filter))
            .value_name(values::value_name(field.kind))
            .help(format!("Keep records whose {} is this", filter.field))
            .help_heading("Filters");
        command = flag(command, arg, &field_option(field), &[&kebab(field.wire)]);
    }
    for range in schema.range_filters {
        let Some(field) = schema.field(range.field) else {
            continue;
        };
        let option = field_option(field);
        for (end, query, word) in [
            ("from", range.from, "at least"),
            ("to", range.to, "at most"),
        ] {
            let arg = Arg::new(range_id(query))
                .value_name(values::value_name(field.kind))
                .help(format!("Keep records whose {} is {word} this", range.field))
                .help_heading("Range filters");
            let aliases = [format!("{end}-{}", kebab(range.field)), query.to_owned()];
            let aliases: Vec<&str> = aliases.iter().map(String::as_str).collect();
            command = flag(command, arg, &format!("{end}-{option}"), &aliases);
        }
    }
    command
}

/// The option Nexudus's CLI names a field by: its `flag`, else the kebab-case of its wire
/// name (`--coworker-id`).
pub fn field_option(field: &FieldSchema) -> String {
    field.flag.map_or_else(|| kebab(field.wire), str::to_owned)
}

/// The argument ids of the flags made from the spec, which `exec` reads them by; their
/// names may differ, or be skipped where a built-in flag has the name.
pub fn field_id(field: &FieldSchema) -> String {
    format!("field:{}", field.wire)
}

pub fn filter_id(filter: &nexudus::FilterSchema) -> String {
    format!("filter:{}", filter.query)
}

/// Of a range filter's `from` or `to` query parameter.
pub fn range_id(query: &str) -> String {
    format!("range:{query}")
}

/// Whether `name` is a flag of `command` already, or a global one.
fn taken(command: &Command, name: &str) -> bool {
    RESERVED.contains(&name)
        || command.get_arguments().any(|arg| {
            arg.get_long() == Some(name)
                || arg
                    .get_all_aliases()
                    .is_some_and(|aliases| aliases.contains(&name))
        })
}

/// Adds `arg` as `--name`, with those of `aliases` that are free; nothing if `name` is
/// taken (it stays reachable through `--set` or `--filter`).
fn flag(command: Command, arg: Arg, name: &str, aliases: &[&str]) -> Command {
    if taken(&command, name) {
        return command;
    }
    let mut arg = arg.long(name.to_owned());
    let mut added: Vec<&str> = vec![name];
    for alias in aliases {
        if !added.contains(alias) && !taken(&command, alias) {
            arg = arg.alias(alias.to_string());
            added.push(alias);
        }
    }
    command.arg(arg)
}

/// A flag per field of `fields`, for create and update. Fields of JSON (inline children
/// among them) take `@FILE` too.
fn field_flags<'a>(mut command: Command, fields: impl Iterator<Item = &'a FieldSchema>) -> Command {
    for field in fields {
        let json = matches!(field.kind, FieldKind::Json | FieldKind::Children(_));
        let arg = Arg::new(field_id(field))
            .value_name(values::value_name(field.kind))
            .help(format!(
                "{}{}{}",
                values::describe(field.kind),
                if json {
                    "; @FILE reads it from a file"
                } else {
                    ""
                },
                if field.required && command.get_name() == "create" {
                    " (required)"
                } else {
                    ""
                }
            ))
            .help_heading("Fields");
        command = flag(
            command,
            arg,
            &field_option(field),
            &[&kebab(field.wire), field.wire],
        );
    }
    command
}

fn create_command(schema: &'static EntitySchema, role: &str) -> Command {
    let command = Command::new("create")
        .about(format!("Create a record; prints its id (role {role})"))
        .arg(json_arg(
            "Start from a JSON object file (`-` for standard input); flags override it",
        ))
        .arg(set_arg());
    field_flags(command, schema.fields.iter().filter(|f| f.create))
}

fn import_command(schema: &'static EntitySchema) -> Command {
    let role = |kind| {
        schema
            .endpoint(kind)
            .map_or("-", |e| e.endpoint.role)
            .to_owned()
    };
    Command::new("import")
        .about(format!(
            "Create records from a JSON Lines or CSV file, or update those with an Id; paced \
             and resumable (role {}; {} and {} for updates)",
            role(EndpointKind::Create),
            role(EndpointKind::Get),
            role(EndpointKind::Update)
        ))
        .after_help(
            "Every line is checked before anything is sent. Lines the API refuses go to the \
             rejects file and the import goes on. The journal records each line sent and its \
             outcome: run the same command again to resume, without creating a line twice. \
             A line whose answer was lost is looked up by --match-on before it is sent again.",
        )
        .arg(
            Arg::new("file")
                .value_name("FILE")
                .required(true)
                .value_parser(value_parser!(std::path::PathBuf))
                .help("JSON Lines (an object per line) or CSV (a header row of fields)"),
        )
        .arg(
            Arg::new("format")
                .long("format")
                .value_name("FORMAT")
                .value_parser(["jsonl", "csv"])
                .help("The file's format [default: from its extension: .jsonl, .ndjson, .json or .csv]"),
        )
        .arg(
            Arg::new("rejects")
                .long("rejects")
                .value_name("FILE")
                .value_parser(value_parser!(std::path::PathBuf))
                .help("Where refused lines go, as JSON lines [default: FILE.rejects.jsonl]"),
        )
        .arg(
            Arg::new("journal")
                .long("journal")
                .value_name("FILE")
                .value_parser(value_parser!(std::path::PathBuf))
                .help("The journal that lets a run resume [default: FILE.journal]"),
        )
        .arg(
            Arg::new("match-on")
                .long("match-on")
                .value_name("FIELD")
                .help(
                    "A field with a filter and a value unique per line (e.g. Email): on resume, \
                     finds the record of a create whose answer was lost",
                ),
        )
}

fn download_command(schema: &'static EntitySchema) -> Command {
    let files: Vec<PossibleValue> = schema
        .endpoints
        .iter()
        .filter_map(|e| e.download_name())
        .map(|name| PossibleValue::new(kebab(name)).alias(name))
        .collect();
    let roles: Vec<&str> = schema
        .endpoints
        .iter()
        .filter(|e| e.kind == EndpointKind::Download)
        .map(|e| e.endpoint.role)
        .collect();
    let several = files.len() > 1;
    let mut file = Arg::new("file")
        .long("file")
        .value_name("NAME")
        .value_parser(files)
        .help("Which file of the record");
    if several {
        file = file.required(true);
    }
    Command::new("download")
        .about(format!(
            "Download a file of a record (role {})",
            roles.first().copied().unwrap_or_default()
        ))
        .arg(id_arg())
        .arg(file)
        .arg(
            Arg::new("out")
                .long("out")
                .short('O')
                .value_name("FILE")
                .required(true)
                .value_parser(value_parser!(std::path::PathBuf))
                .help("Where to write it (`-` for standard output)"),
        )
}

/// What `nexudus <entity> --help` adds after its commands: fields, filters, range
/// filters, sort fields and the role of each command.
fn entity_help(schema: &'static EntitySchema) -> String {
    let mut text = String::new();
    let rows = |rows: Vec<[String; 3]>, text: &mut String| {
        let w0 = rows.iter().map(|r| r[0].len()).max().unwrap_or(0);
        let w1 = rows.iter().map(|r| r[1].len()).max().unwrap_or(0);
        for [a, b, c] in rows {
            let line = format!("  {a:w0$}  {b:w1$}  {c}");
            let _ = writeln!(text, "{}", line.trim_end());
        }
    };
    let _ = writeln!(
        text,
        "Values: ids as 12, id lists as 1,2,3, date-times as 2025-01-15T10:30 or RFC 3339,\n\
         enumerations by number or name, booleans as true or false.\n\n\
         Fields (create --FIELD VALUE, --set FIELD=VALUE, --unset FIELD, --columns FIELD,...),\n\
         as the API spells them or in kebab-case (CoworkerId or coworker-id):"
    );
    let field_rows = schema
        .fields
        .iter()
        .map(|f| {
            let mut notes = Vec::new();
            if f.required {
                notes.push("required".to_owned());
            }
            notes.push(
                match (f.create, f.update) {
                    (true, true) => "create, update",
                    (true, false) => "set on create only",
                    (false, true) => "update only",
                    (false, false) => "read-only",
                }
                .to_owned(),
            );
            if !f.read {
                notes.push("not in answers".to_owned());
            } else if !f.in_list {
                notes.push("not in lists".to_owned());
            }
            [f.wire.to_owned(), values::short(f.kind), notes.join(", ")]
        })
        .collect();
    rows(field_rows, &mut text);
    if !schema.joined.is_empty() {
        let _ = writeln!(text, "\nJoined fields (in lists only):");
        let joined = schema
            .joined
            .iter()
            .map(|f| [f.wire.to_owned(), values::short(f.kind), String::new()])
            .collect();
        rows(joined, &mut text);
    }
    if !schema.filters.is_empty() {
        let example = schema
            .filters
            .iter()
            .find(|f| filter_short_name(schema, f) != f.query)
            .unwrap_or(&schema.filters[0]);
        let _ = writeln!(
            text,
            "\nFilters (list --filter NAME=VALUE, or the flag; NAME may also be the query\n\
             parameter, as {}, or the field, as {}):",
            example.query, example.field
        );
        let filters = schema
            .filters
            .iter()
            .map(|f| {
                let field = schema.field(f.field);
                let kind = field.map(|field| values::short(field.kind));
                let option = field.map(|field| format!("--{}", field_option(field)));
                [
                    kebab(filter_short_name(schema, f)),
                    kind.unwrap_or_default(),
                    option.unwrap_or_default(),
                ]
            })
            .collect();
        rows(filters, &mut text);
    }
    if !schema.range_filters.is_empty() {
        let _ = writeln!(
            text,
            "\nRange filters (list --from-NAME VALUE --to-NAME VALUE, both ends included):"
        );
        let ranges = schema
            .range_filters
            .iter()
            .map(|r| {
                let field = schema.field(r.field);
                let kind = field.map(|field| values::short(field.kind));
                let option = field.map_or_else(|| kebab(r.field), field_option);
                [option, kind.unwrap_or_default(), String::new()]
            })
            .collect();
        rows(ranges, &mut text);
    }
    if !schema.sort.is_empty() {
        let sort: Vec<String> = schema.sort.iter().map(|s| kebab(s)).collect();
        let _ = writeln!(text, "\nSort fields (list --order-by NAME [--desc]):");
        wrap(&mut text, "  ", &sort.join(", "), 96);
    }
    let _ = writeln!(
        text,
        "\nRoles (the user needs the command's role, or full administrator rights):"
    );
    let roles = schema
        .endpoints
        .iter()
        .map(|e| {
            let command = match e.kind {
                EndpointKind::List => "list".to_owned(),
                EndpointKind::FindByIds => "find".to_owned(),
                EndpointKind::Get => "get".to_owned(),
                EndpointKind::Create => "create".to_owned(),
                EndpointKind::Update => "update".to_owned(),
                EndpointKind::Delete => "delete".to_owned(),
                EndpointKind::Commands => "commands".to_owned(),
                EndpointKind::RunCommand => "run-command".to_owned(),
                EndpointKind::Download => format!(
                    "download --file {}",
                    kebab(e.download_name().unwrap_or_default())
                ),
            };
            [command, e.endpoint.role.to_owned(), String::new()]
        })
        .collect();
    rows(roles, &mut text);
    text.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// clap's own checks (duplicate flags, conflicting names, bad defaults) over the whole
    /// tree, every entity built in full.
    #[test]
    fn the_whole_command_tree_is_valid() {
        build(None, true).debug_assert();
    }

    /// Each filter and range filter of every entity is a flag of `list`, named by the
    /// field's option, unless another flag (a built-in one, or another filter's) has the
    /// name.
    #[test]
    fn every_filter_is_a_flag_of_list() {
        let root = build(None, true);
        for schema in ENTITIES {
            let Some(list) = root
                .find_subcommand(kebab(schema.name))
                .and_then(|c| c.find_subcommand("list"))
            else {
                continue;
            };
            let long = |id: &str| {
                list.get_arguments()
                    .find(|a| a.get_id() == id)
                    .and_then(|a| a.get_long().map(str::to_owned))
            };
            for filter in schema.filters {
                let Some(field) = schema.field(filter.field) else {
                    continue;
                };
                let option = field_option(field);
                match long(&filter_id(filter)) {
                    Some(name) => assert_eq!(name, option, "{}", schema.name),
                    None => assert!(
                        taken(list, &option),
                        "{}: --{option} has no flag",
                        schema.name
                    ),
                }
            }
            for range in schema.range_filters {
                if let Some(field) = schema.field(range.field) {
                    let from = long(&range_id(range.from));
                    let to = long(&range_id(range.to));
                    let option = field_option(field);
                    assert_eq!(from, Some(format!("from-{option}")), "{}", schema.name);
                    assert_eq!(to, Some(format!("to-{option}")), "{}", schema.name);
                }
            }
        }
    }

    #[test]
    fn every_entity_has_a_command_per_endpoint() {
        let root = build(None, true);
        for schema in ENTITIES {
            let command = root.find_subcommand(kebab(schema.name)).expect("a command");
            let subs: Vec<&str> = command.get_subcommands().map(|c| c.get_name()).collect();
            assert_eq!(subs, commands(schema), "{}", schema.name);
        }
    }
}
