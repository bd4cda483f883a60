//! The command tree, built at run time from `nexudus::ENTITIES`: one subcommand per entity,
//! one per endpoint it has, one flag per field a create may set, per range filter and per
//! sort field. Nothing here is written per entity, so an entity added to the spec is a
//! command the moment the crate is generated, at no compile-time cost.

use std::fmt::Write as _;

use clap::builder::PossibleValue;
use clap::{Arg, ArgAction, Args as _, Command, value_parser};
use nexudus::{ENTITIES, EndpointKind, EntitySchema, FieldSchema, SERVICE};

use crate::config;
use crate::names::{filter_short_name, kebab};
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
}

/// The global options that take a value, as the pre-scan of the arguments must skip them.
pub const GLOBAL_VALUE_FLAGS: &[&str] = &[
    "--base-url",
    "--profile",
    "--output",
    "-o",
    "--retries",
    "--timeout",
];

/// Flag names commands use themselves: a field with one of these names is set with
/// `--set` instead of a flag of its own.
const RESERVED: &[&str] = &[
    "help", "version", "base-url", "profile", "output", "verbose", "retries", "timeout", "json",
    "set",
];

/// Commands besides the entities.
pub const BUILTINS: &[&str] = &["entities", "completions", "help"];

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
         \x20 help                Print this message or the help of a command\n\n",
    );
    let _ = writeln!(
        text,
        "Entities ({}, in kebab-case or as the API spells them; by area):",
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
         a two-factor code), or a profile in {path}.\n\
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
    let mut command = Command::new(name.clone())
        .about(format!("{} ({})", schema.name, schema.area))
        .alias(schema.name)
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
            "update" => Command::new("update")
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
                )),
            "delete" => Command::new("delete")
                .about(format!("Delete a record (role {})", role(EndpointKind::Delete)))
                .arg(id_arg()),
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
                        .long("ids")
                        .value_name("ID,...")
                        .required(true)
                        .value_delimiter(',')
                        .action(ArgAction::Append)
                        .value_parser(value_parser!(i64))
                        .help("The records to run it on"),
                )
                .arg(
                    Arg::new("parameter")
                        .long("parameter")
                        .value_name("TYPE=VALUE")
                        .action(ArgAction::Append)
                        .help("A parameter, in the order the command lists them; VALUE is JSON or text"),
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
    for range in schema.range_filters {
        let Some(field) = schema.field(range.field) else {
            continue;
        };
        let field_name = kebab(range.field);
        for (end, query, word) in [
            ("from", range.from, "at least"),
            ("to", range.to, "at most"),
        ] {
            command = command.arg(
                Arg::new(format!("{end}-{field_name}"))
                    .long(format!("{end}-{field_name}"))
                    .alias(query)
                    .value_name(values::value_name(field.kind))
                    .help(format!("Keep records whose {} is {word} this", range.field))
                    .help_heading("Range filters"),
            );
        }
    }
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
    command
        .arg(
            Arg::new("page")
                .long("page")
                .value_name("N")
                .value_parser(value_parser!(u32).range(i64::from(paging.default_page)..))
                .help("The page to get (with --all: to start from)"),
        )
        .arg(
            Arg::new("size")
                .long("size")
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
        .arg(columns_arg())
}

/// The flag of a field in `create`, unless its name is taken by a flag of the command.
pub fn field_flag(field: &FieldSchema) -> Option<String> {
    let flag = kebab(field.wire);
    (!RESERVED.contains(&flag.as_str())).then_some(flag)
}

fn create_command(schema: &'static EntitySchema, role: &str) -> Command {
    let mut command = Command::new("create")
        .about(format!("Create a record; prints its id (role {role})"))
        .arg(json_arg(
            "Start from a JSON object file (`-` for standard input); flags override it",
        ))
        .arg(set_arg());
    for field in schema.fields.iter().filter(|f| f.create) {
        let Some(flag) = field_flag(field) else {
            continue;
        };
        let mut arg = Arg::new(flag.clone())
            .long(flag)
            .value_name(values::value_name(field.kind))
            .help(format!(
                "{}{}",
                values::describe(field.kind),
                if field.required { " (required)" } else { "" }
            ))
            .help_heading("Fields");
        if kebab(field.wire) != field.wire {
            arg = arg.alias(field.wire);
        }
        command = command.arg(arg);
    }
    command
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
            "\nFilters (list --filter NAME=VALUE; NAME may also be the query parameter, as\n\
             {}, or the field, as {}):",
            example.query, example.field
        );
        let filters = schema
            .filters
            .iter()
            .map(|f| {
                let kind = schema
                    .field(f.field)
                    .map(|field| values::short(field.kind))
                    .unwrap_or_default();
                [kebab(filter_short_name(schema, f)), kind, String::new()]
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
                let kind = schema
                    .field(r.field)
                    .map(|field| values::short(field.kind))
                    .unwrap_or_default();
                [kebab(r.field), kind, String::new()]
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
