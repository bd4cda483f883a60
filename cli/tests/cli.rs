//! The real `nexudus` binary against the emulator: every command on two entities (and a
//! download on a third), each output format (tables as snapshots), `--all` over several
//! pages, an update that keeps what the CLI does not know, each kind of bad input with its
//! message and exit code, credentials from the environment and from a profile file (never
//! printed), the completion scripts, and `import`: JSON Lines and CSV, bad lines refused
//! before any request, the rejects file, and resuming from the journal after a kill or a
//! lost answer.
//!
//! Each test starts its own emulator in this process, on 127.0.0.1 port 0, served by one
//! shared tokio runtime on a background thread, and runs the binary with
//! `std::process::Command` and a clean environment.

use std::io::Write as _;

use heck::ToKebabCase as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use nexudus_emulator::{Emulator, EmulatorConfig, Fault, Roles};
use serde_json::{Value, json};

const TOKEN: &str = "cli-test-token-5f2b";
const USER: &str = "admin@example.com";
const PASSWORD: &str = "pa55-word-9c1d";

/// The runtime the emulators are served on; its worker threads run while tests block on
/// the binary.
fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a tokio runtime")
    })
}

/// An emulator with an administrator token and user, and a home folder of its own for the
/// binary (so no profile file of the machine is read).
struct Server {
    emulator: Emulator,
    home: tempfile::TempDir,
}

impl Server {
    fn start() -> Server {
        Self::with(EmulatorConfig::new())
    }

    fn with(config: EmulatorConfig) -> Server {
        let config = config.admin_token(TOKEN).admin(USER, PASSWORD);
        let emulator = runtime()
            .block_on(Emulator::start(config))
            .expect("the emulator starts");
        Server {
            emulator,
            home: tempfile::tempdir().expect("a temp dir"),
        }
    }

    /// The binary with only the base URL set, no credentials.
    fn bare(&self) -> Cli {
        let mut command = Command::new(env!("CARGO_BIN_EXE_nexudus"));
        command
            .env_clear()
            .env("HOME", self.home.path())
            .env("XDG_CONFIG_HOME", self.home.path().join("config"))
            .env("NEXUDUS_BASE_URL", self.emulator.base_url())
            // Failures in tests are quick: no waiting between retries.
            .args(["--retries", "0"]);
        Cli {
            command,
            stdin: None,
        }
    }

    /// The binary with the administrator's bearer token.
    fn cli(&self) -> Cli {
        let mut cli = self.bare();
        cli.command.env("NEXUDUS_TOKEN", TOKEN);
        cli
    }

    fn config_dir(&self) -> PathBuf {
        self.home.path().join("config").join("nexudus")
    }

    /// Requests the emulator received.
    fn requests(&self) -> usize {
        self.emulator.requests().len()
    }
}

struct Cli {
    command: Command,
    stdin: Option<Vec<u8>>,
}

/// What a run of the binary did.
#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    /// Standard output as written (`stdout` is it read as UTF-8, lossily).
    bytes: Vec<u8>,
}

impl Run {
    /// Succeeded; answers standard output.
    fn ok(self) -> String {
        assert_eq!(self.code, 0, "{self:?}");
        self.stdout
    }

    /// Failed with `code`; answers the one line of standard error.
    fn fails(self, code: i32) -> String {
        assert_eq!(self.code, code, "{self:?}");
        assert!(self.stdout.is_empty(), "{self:?}");
        assert_eq!(self.stderr.lines().count(), 1, "one line: {self:?}");
        self.stderr.trim_end().to_owned()
    }

    fn json(self) -> Value {
        serde_json::from_str(&self.ok()).expect("JSON output")
    }

    fn lines(self) -> Vec<Value> {
        self.ok()
            .lines()
            .map(|line| serde_json::from_str(line).expect("a JSON line"))
            .collect()
    }
}

impl Cli {
    fn env(mut self, name: &str, value: &str) -> Self {
        self.command.env(name, value);
        self
    }

    fn stdin(mut self, input: &str) -> Self {
        self.stdin = Some(input.as_bytes().to_vec());
        self
    }

    /// Starts the binary without waiting for it; its standard output is dropped, its
    /// standard error (at most the one line of an error) kept.
    fn spawn(mut self, args: &[&str]) -> std::process::Child {
        self.command
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary runs")
    }

    fn run(mut self, args: &[&str]) -> Run {
        let mut child = self
            .command
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary runs");
        let input = self.stdin.take().unwrap_or_default();
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(&input).expect("stdin written");
        }
        let output = child.wait_with_output().expect("the binary ends");
        Run {
            code: output.status.code().expect("an exit code"),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8(output.stderr).expect("UTF-8"),
            bytes: output.stdout,
        }
    }
}

/// A record seeded with every server-set field fixed, so tables are the same on every run.
fn seeded(mut record: Value, id: i64) -> Value {
    let fixed = json!({
        "Id": id,
        "UniqueId": format!("00000000-0000-4000-8000-{id:012}"),
        "CreatedOn": "2025-01-15T10:30:00Z",
        "UpdatedOn": "2025-01-16T08:00:00Z",
        "UpdatedBy": "seed@example.com",
        "IsNew": false,
    });
    if let (Value::Object(record), Value::Object(fixed)) = (&mut record, fixed) {
        record.extend(fixed);
    }
    record
}

// ---------------------------------------------------------------------------------------
// Every command on two entities.
// ---------------------------------------------------------------------------------------

/// create, get, list, find, update, delete, commands and run-command of one entity, with
/// the entity named as the API spells it and in kebab-case.
fn every_command(entity: &str, kebab: &str, create: &[&str], set: &str, changed: (&str, Value)) {
    let server = Server::with(EmulatorConfig::new().command(entity, "DO_IT", "Does it"));
    let cli = || server.cli();

    // create: flags in kebab-case and as the API spells them.
    let created = cli()
        .run(&[&[kebab, "create", "-o", "json"], create].concat())
        .json();
    let id = created["Id"].as_i64().expect("an id");
    let second = cli()
        .run(&[&[entity, "create", "-o", "jsonl"], create].concat())
        .lines();
    let second_id = second[0]["Id"].as_i64().expect("an id");

    // get
    let record = cli()
        .run(&[kebab, "get", &id.to_string(), "-o", "json"])
        .json();
    assert_eq!(record["Id"], id);
    let stored = server
        .emulator
        .record(entity, id)
        .expect("entity")
        .expect("stored");
    for (key, value) in stored.as_object().expect("an object") {
        assert_eq!(&record[key], value, "{key}");
    }

    // list, and find by ids
    let listed = cli().run(&[kebab, "list"]).lines();
    let ids: Vec<&Value> = listed.iter().map(|r| &r["Id"]).collect();
    assert_eq!(ids, [&json!(id), &json!(second_id)]);
    let found = cli()
        .run(&[kebab, "find", &format!("{second_id},{id}")])
        .lines();
    assert_eq!(found.len(), 2);

    // update: one field changes, the rest stays.
    let out = cli()
        .run(&[
            kebab,
            "update",
            &id.to_string(),
            "--set",
            set,
            "-o",
            "jsonl",
        ])
        .lines();
    assert_eq!(out, [json!({"Id": id})]);
    let after = server
        .emulator
        .record(entity, id)
        .expect("entity")
        .expect("stored");
    assert_eq!(after[changed.0], changed.1, "{after}");
    // (The emulator stores a boolean sent back as null as false.)
    for (key, value) in record.as_object().expect("an object") {
        if key != changed.0 && key != "UpdatedOn" && !value.is_null() {
            assert_eq!(&after[key], value, "{key} kept");
        }
    }

    // commands and run-command
    let commands = cli().run(&[kebab, "commands"]).lines();
    assert_eq!(commands.len(), 1);
    assert_eq!(commands[0]["Key"], "DO_IT");
    let ran = cli()
        .run(&[
            kebab,
            "run-command",
            "DO_IT",
            "--ids",
            &format!("{id},{second_id}"),
            "-o",
            "jsonl",
        ])
        .lines();
    assert_eq!(ran[0]["Ids"], json!([id, second_id]));
    let text = cli()
        .run(&[
            kebab,
            "run-command",
            "DO_IT",
            "--ids",
            &id.to_string(),
            "-o",
            "table",
        ])
        .ok();
    assert!(
        text.starts_with(&format!("Ran DO_IT on {entity} {id}")),
        "{text}"
    );

    // delete, then it is gone.
    let text = cli()
        .run(&[kebab, "delete", &second_id.to_string(), "-o", "table"])
        .ok();
    assert_eq!(text, format!("Deleted {entity} {second_id}.\n"));
    let error = cli().run(&[kebab, "get", &second_id.to_string()]).fails(4);
    assert_eq!(error, format!("error: {entity} {second_id} not found"));
    let error = cli()
        .run(&[kebab, "delete", &second_id.to_string()])
        .fails(4);
    assert_eq!(error, format!("error: {entity} {second_id} not found"));
}

#[test]
fn every_command_of_coworker_discount_code() {
    every_command(
        "CoworkerDiscountCode",
        "coworker-discount-code",
        &[
            "--coworker-id",
            "12",
            "--BusinessId",
            "34",
            "--discount-code-id",
            "56",
            "--valid-from",
            "2025-03-01T09:00",
            "--notes",
            "spring",
        ],
        "expires-on=2025-06-30T18:00:00Z",
        ("ExpiresOn", json!("2025-06-30T18:00:00Z")),
    );
}

#[test]
fn every_command_of_coworker_booking_credit() {
    every_command(
        "CoworkerBookingCredit",
        "coworker-booking-credit",
        &[
            "--coworker-id",
            "12",
            "--business-id",
            "34",
            "--total-credit",
            "120.50",
            "--elegible-tariffs",
            "3,4",
            "--cane-be-used-for-bookings",
            "true",
            "--set",
            "Description=ten hours",
        ],
        "ElegibleTariffs=5,6,7",
        ("ElegibleTariffs", json!([5, 6, 7])),
    );
}

#[test]
fn create_reads_a_json_body_and_flags_override_it() {
    let server = Server::start();
    let body = r#"{"CoworkerId": 1, "BusinessId": 2, "DiscountCodeId": 3, "Notes": "from json"}"#;
    let id = server
        .cli()
        .stdin(body)
        .run(&[
            "coworker-discount-code",
            "create",
            "--json",
            "-",
            "--coworker-id",
            "9",
        ])
        .lines()[0]["Id"]
        .as_i64()
        .expect("an id");
    let stored = server
        .emulator
        .record("CoworkerDiscountCode", id)
        .expect("entity");
    let stored = stored.expect("stored");
    assert_eq!(
        (stored["CoworkerId"].clone(), stored["Notes"].clone()),
        (json!(9), json!("from json"))
    );
}

#[test]
fn update_keeps_properties_the_cli_does_not_know() {
    let server = Server::start();
    let body = json!({
        "CoworkerId": 12, "BusinessId": 34, "DiscountCodeId": 56,
        "Notes": "before", "AddedByANewerApi": {"kept": [1, 2]},
    });
    let file = server.home.path().join("body.json");
    std::fs::write(&file, body.to_string()).expect("written");
    let created = server
        .cli()
        .run(&[
            "coworker-discount-code",
            "create",
            "--json",
            file.to_str().expect("UTF-8"),
        ])
        .lines();
    let id = created[0]["Id"].as_i64().expect("an id").to_string();

    server
        .cli()
        .run(&[
            "coworker-discount-code",
            "update",
            &id,
            "--set",
            "notes=after",
        ])
        .ok();
    let after = server
        .cli()
        .run(&["coworker-discount-code", "get", &id, "-o", "json"])
        .json();
    assert_eq!(after["Notes"], "after");
    assert_eq!(after["AddedByANewerApi"], json!({"kept": [1, 2]}));
    assert_eq!(after["DiscountCodeId"], 56);

    // --unset clears one field and nothing else; a JSON patch sets several.
    server
        .cli()
        .stdin(r#"{"ValidFrom": "2025-01-01T00:00:00", "Another": 7}"#)
        .run(&[
            "coworker-discount-code",
            "update",
            &id,
            "--unset",
            "Notes",
            "--json",
            "-",
        ])
        .ok();
    let after = server
        .cli()
        .run(&["coworker-discount-code", "get", &id, "-o", "json"])
        .json();
    assert_eq!(after["Notes"], Value::Null);
    assert_eq!(after["ValidFrom"], "2025-01-01T00:00:00");
    assert_eq!(after["Another"], 7);
    assert_eq!(after["AddedByANewerApi"], json!({"kept": [1, 2]}));
}

#[test]
fn download_writes_the_file_of_a_record() {
    let server = Server::start();
    let entity = "CoworkerDataFile";
    let id = server
        .emulator
        .insert(
            entity,
            json!({"BusinessId": 1, "CoworkerId": 2, "Name": "contract"}),
        )
        .expect("seeded");
    let bytes: Vec<u8> = (0..=255).collect();
    server
        .emulator
        .put_file(
            entity,
            "SignedFileData",
            id,
            "application/pdf",
            bytes.clone(),
        )
        .expect("stored");
    let out = server.home.path().join("signed.pdf");
    let id = id.to_string();
    let result = server
        .cli()
        .run(&[
            "coworker-data-file",
            "download",
            &id,
            "--file",
            "signed-file-data",
            "--out",
            out.to_str().expect("UTF-8"),
            "-o",
            "jsonl",
        ])
        .lines();
    assert_eq!(std::fs::read(&out).expect("written"), bytes);
    assert_eq!(result[0]["ContentType"], "application/pdf");
    assert_eq!(result[0]["Bytes"], 256);

    // To standard output, the file named as the API spells it.
    let run = server.cli().run(&[
        "coworker-data-file",
        "download",
        &id,
        "--file",
        "SignedFileData",
        "-O",
        "-",
    ]);
    assert_eq!(run.code, 0);
    assert_eq!(run.bytes, bytes);

    // A record without that file, and an entity with two files needs --file.
    let error = server
        .cli()
        .run(&[
            "coworker-data-file",
            "download",
            &id,
            "--file",
            "file-data",
            "--out",
            "-",
        ])
        .fails(4);
    assert_eq!(
        error,
        format!("error: CoworkerDataFile {id} has no FileData file")
    );
    let error = server
        .cli()
        .run(&["coworker-data-file", "download", &id, "--out", "-"])
        .fails(2);
    assert_eq!(
        error,
        "error: the following required arguments were not provided: --file <NAME>; try --help"
    );
}

// ---------------------------------------------------------------------------------------
// Output formats.
// ---------------------------------------------------------------------------------------

/// Two discount codes and a booking credit with every server-set field fixed.
fn seeded_server() -> Server {
    let server = Server::start();
    let codes = [
        json!({"CoworkerId": 12, "BusinessId": 34, "DiscountCodeId": 56, "Notes": "spring",
               "ValidFrom": "2025-03-01T09:00:00"}),
        json!({"CoworkerId": 13, "BusinessId": 34, "DiscountCodeId": 57, "TimesUsed": 2,
               "CoworkerFullName": "Ada Lovelace"}),
    ];
    for (i, code) in codes.into_iter().enumerate() {
        let id = i64::try_from(i).expect("small") + 1;
        server
            .emulator
            .insert("CoworkerDiscountCode", seeded(code, id))
            .expect("seeded");
    }
    let credit = json!({"CoworkerId": 12, "BusinessId": 34, "TotalCredit": 120.5,
                        "RemainingCredit": 80, "Description": "ten hours",
                        "ElegibleTariffs": [3, 4], "CaneBeUsedForBookings": true});
    server
        .emulator
        .insert("CoworkerBookingCredit", seeded(credit, 1))
        .expect("seeded");
    server
}

#[test]
fn tables_of_lists_and_records() {
    let server = seeded_server();
    let table = |args: &[&str]| server.cli().run(&[args, &["-o", "table"]].concat()).ok();
    insta::assert_snapshot!(
        "discount_code_list",
        table(&["coworker-discount-code", "list"])
    );
    insta::assert_snapshot!(
        "discount_code_get",
        table(&["coworker-discount-code", "get", "1"])
    );
    insta::assert_snapshot!(
        "booking_credit_list",
        table(&["coworker-booking-credit", "list"])
    );
    insta::assert_snapshot!(
        "booking_credit_get",
        table(&["coworker-booking-credit", "get", "1"])
    );
    insta::assert_snapshot!(
        "discount_code_columns",
        table(&[
            "coworker-discount-code",
            "list",
            "--columns",
            "Id,coworker-full-name,times-used"
        ])
    );
    assert_eq!(
        table(&["coworker-discount-code", "list", "--filter", "coworker=99"]),
        "No records.\n"
    );
}

#[test]
fn json_jsonl_and_csv() {
    let server = seeded_server();
    let run = |args: &[&str]| {
        server
            .cli()
            .run(&[&["coworker-discount-code"], args].concat())
    };

    // JSON: one array (or one object), properties in the schema's order.
    let listed = run(&["list", "-o", "json"]).json();
    assert_eq!(listed.as_array().map(Vec::len), Some(2));
    assert_eq!(listed[1]["CoworkerFullName"], "Ada Lovelace");
    let text = run(&["get", "2", "-o", "json"]).ok();
    assert!(
        text.starts_with("{\n  \"Id\": 2,\n  \"UniqueId\""),
        "{text}"
    );
    let empty = run(&["list", "--filter", "coworker=99", "-o", "json"]).ok();
    assert_eq!(empty, "[]\n");

    // JSON lines, the default when standard output is not a terminal.
    let lines = run(&["list"]).lines();
    assert_eq!(lines, run(&["list", "-o", "jsonl"]).lines());
    assert_eq!(lines[0]["Notes"], Value::Null, "not in list records");
    assert_eq!(lines[0]["CoworkerFullName"], "Coworker 12", "joined");

    // CSV: a header of the chosen columns, then one row per record.
    let csv = run(&[
        "list",
        "-o",
        "csv",
        "--columns",
        "id,CoworkerId,coworker-full-name,times-used",
    ])
    .ok();
    assert_eq!(
        csv,
        "Id,CoworkerId,CoworkerFullName,TimesUsed\n1,12,Coworker 12,\n2,13,Ada Lovelace,2\n"
    );
    let csv = server
        .cli()
        .run(&[
            "coworker-booking-credit",
            "get",
            "1",
            "-o",
            "csv",
            "--columns",
            "Id,ElegibleTariffs,TotalCredit",
        ])
        .ok();
    assert_eq!(csv, "Id,ElegibleTariffs,TotalCredit\n1,\"[3,4]\",120.5\n");
}

#[test]
fn entities_are_listed() {
    let server = Server::start();
    let csv = server.bare().run(&["entities", "-o", "csv"]).ok();
    assert!(
        csv.starts_with("Entity,Command,Nexudus,Area,Commands\n"),
        "{csv}"
    );
    assert!(
        csv.contains(
            "\nCoworkerDiscountCode,coworker-discount-code,coworkerdiscountcodes,billing,list \
             get find create update delete import commands run-command\n"
        ),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), nexudus::ENTITIES.len() + 1);
}

// ---------------------------------------------------------------------------------------
// Lists: paging, filters, sorting.
// ---------------------------------------------------------------------------------------

/// `--rate-share` paces requests to that share of the documented limits: against a server
/// that allows one request per 300 ms (three times the documented 100 ms), a quarter share
/// (one per 400 ms) is never throttled, while the whole share is at once (no retries here).
#[test]
fn rate_share_paces_to_a_share_of_the_limits() {
    let server = Server::with(EmulatorConfig::new().throttle(
        nexudus_emulator::ThrottleLimits::new().requests(1, std::time::Duration::from_millis(300)),
    ));
    for n in 0..3 {
        let record = json!({"CoworkerId": 100 + n, "BusinessId": 1, "DiscountCodeId": 2});
        server
            .emulator
            .insert("CoworkerDiscountCode", record)
            .expect("seeded");
    }
    let list = ["coworker-discount-code", "list", "--size", "1", "--all"];
    let lines = server
        .cli()
        .run(&[&list[..], &["--rate-share", "0.25"]].concat())
        .lines();
    assert_eq!(lines.len(), 3);
    let statuses: Vec<Option<u16>> = server
        .emulator
        .requests()
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, [Some(200); 3], "no request throttled");

    std::thread::sleep(std::time::Duration::from_millis(300));
    // The first page is written before the second is refused.
    let run = server.cli().run(&list);
    assert_eq!(run.code, 5, "{run:?}");
    assert!(run.stderr.contains("kept throttling"), "{run:?}");

    let error = server
        .cli()
        .run(&[&list[..], &["--rate-share", "0"]].concat())
        .fails(2);
    assert!(
        error.contains("`0` is not a fraction from 0.01 to 1"),
        "{error}"
    );
}

#[test]
fn all_streams_every_page() {
    let server = Server::start();
    for n in 0..25 {
        let record = json!({"CoworkerId": 100 + n, "BusinessId": 1, "DiscountCodeId": 2});
        server
            .emulator
            .insert("CoworkerDiscountCode", record)
            .expect("seeded");
    }
    server.emulator.clear_requests();
    let lines = server
        .cli()
        .run(&["coworker-discount-code", "list", "--size", "10", "--all"])
        .lines();
    let ids: Vec<i64> = lines.iter().filter_map(|r| r["Id"].as_i64()).collect();
    assert_eq!(ids, (1..=25).collect::<Vec<_>>());
    let pages: Vec<String> = server
        .emulator
        .requests()
        .into_iter()
        .map(|r| r.query)
        .collect();
    assert_eq!(
        pages,
        ["page=1&size=10", "page=2&size=10", "page=3&size=10"]
    );

    // From a later page on; and one JSON array across pages.
    let lines = server
        .cli()
        .run(&[
            "coworker-discount-code",
            "list",
            "--size",
            "10",
            "--all",
            "--page",
            "2",
        ])
        .lines();
    assert_eq!(lines.len(), 15);
    let all = server
        .cli()
        .run(&[
            "coworker-discount-code",
            "list",
            "--size",
            "7",
            "--all",
            "-o",
            "json",
        ])
        .json();
    assert_eq!(all.as_array().map(Vec::len), Some(25));

    // Without --all: one page.
    let page = server
        .cli()
        .run(&[
            "coworker-discount-code",
            "list",
            "--size",
            "10",
            "--page",
            "3",
        ])
        .lines();
    assert_eq!(page.len(), 5);
}

#[test]
fn filters_ranges_and_order_go_on_the_query() {
    let server = seeded_server();
    server.emulator.clear_requests();
    let lines = server
        .cli()
        .run(&[
            "coworker-discount-code",
            "list",
            "--filter",
            "business=34",
            "--filter",
            "CoworkerDiscountCode_Coworker_FullName=ada",
            "--from-created-on",
            "2025-01-15T10:30:45Z",
            "--to-times-used",
            "5",
            "--order-by",
            "CoworkerId",
            "--desc",
        ])
        .lines();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["Id"], 2);
    let query = server.emulator.requests().pop().expect("a request").query;
    assert_eq!(
        query,
        "orderBy=CoworkerId&dir=-1&CoworkerDiscountCode_Business=34\
         &CoworkerDiscountCode_Coworker_FullName=ada\
         &to_CoworkerDiscountCode_TimesUsed=5\
         &from_CoworkerDiscountCode_CreatedOn=2025-01-15T10:30"
    );
    let ids: Vec<Value> = server
        .cli()
        .run(&[
            "coworker-discount-code",
            "list",
            "--order-by",
            "id",
            "--desc",
        ])
        .lines()
        .into_iter()
        .map(|r| r["Id"].clone())
        .collect();
    assert_eq!(ids, [json!(2), json!(1)]);
}

// ---------------------------------------------------------------------------------------
// Bad input: refused before any request, naming the bad part, exit code 2.
// ---------------------------------------------------------------------------------------

#[test]
fn bad_input_is_refused_before_any_request() {
    let server = seeded_server();
    server.emulator.clear_requests();
    let refused = |args: &[&str]| server.cli().run(args).fails(2);
    let cases: &[(&[&str], &str)] = &[
        (
            &["coworkr-discount-code", "list"],
            "error: unknown entity or command `coworkr-discount-code` (did you mean \
             `coworker-discount-code`?); `nexudus entities` lists the entities",
        ),
        (
            &["coworker-discount-code", "list", "--filter", "coworkr=1"],
            "error: CoworkerDiscountCode has no filter `coworkr` (did you mean `coworker`?); \
             `nexudus coworker-discount-code --help` lists its filters",
        ),
        (
            &["coworker-discount-code", "update", "1", "--set", "notse=x"],
            "error: CoworkerDiscountCode has no field `notse` (did you mean `notes`?); \
             `nexudus coworker-discount-code --help` lists its fields",
        ),
        (
            &["coworker-discount-code", "get", "1", "--columns", "id,nope"],
            "error: CoworkerDiscountCode has no field `nope` (did you mean `notes`?); `nexudus \
             coworker-discount-code --help` lists its fields",
        ),
        (
            &[
                "coworker-discount-code",
                "create",
                "--coworker-id",
                "twelve",
            ],
            "error: --coworker-id: `twelve` is not an id (a whole number)",
        ),
        (
            &[
                "coworker-booking-credit",
                "update",
                "1",
                "--set",
                "total-credit=12,50",
            ],
            "error: --set total-credit: `12,50` is not a decimal number",
        ),
        (
            &[
                "coworker-booking-credit",
                "update",
                "1",
                "--set",
                "CaneBeUsedForEvents=maybe",
            ],
            "error: --set CaneBeUsedForEvents: `maybe` is not true or false",
        ),
        (
            &[
                "coworker-booking-credit",
                "update",
                "1",
                "--set",
                "elegible-tariffs=1,two",
            ],
            "error: --set elegible-tariffs: `two` is not an id (a whole number)",
        ),
        (
            &[
                "coworker-discount-code",
                "update",
                "1",
                "--set",
                "valid-from=2025-02-30T10:00",
            ],
            "error: --set valid-from: `2025-02-30T10:00` is not a date-time (write e.g. \
             2025-01-15T10:30 or 2025-01-15T10:30:00Z)",
        ),
        (
            &[
                "coworker-discount-code",
                "list",
                "--to-valid-from",
                "next week",
            ],
            "error: --to-valid-from: `next week` is not a date-time (write e.g. \
             2025-01-15T10:30 or 2025-01-15T10:30:00Z)",
        ),
        (
            &[
                "coworker-discount-code",
                "list",
                "--filter",
                "referer-guid=abc",
            ],
            "error: --filter referer-guid: `abc` is not a GUID",
        ),
        (
            &["coworker-discount-code", "create", "--coworker-id", "1"],
            "error: create CoworkerDiscountCode needs --business-id (BusinessId), \
             --discount-code-id (DiscountCodeId)",
        ),
        (
            &[
                "coworker-discount-code",
                "update",
                "1",
                "--unset",
                "coworker-id",
            ],
            "error: CoworkerDiscountCode.CoworkerId is required; it cannot be cleared",
        ),
        (
            &[
                "coworker-discount-code",
                "update",
                "1",
                "--set",
                "times-used=3",
            ],
            "error: CoworkerDiscountCode.TimesUsed is read-only: the API sets it",
        ),
        (
            &["coworker-discount-code", "update", "1"],
            "error: nothing to change: give --FIELD VALUE, --set FIELD=VALUE, --unset FIELD or \
             --json FILE",
        ),
        (
            &["coworker-discount-code", "update", "1", "--set", "notes"],
            "error: --set takes NAME=VALUE, not `notes`",
        ),
        (
            &["coworker-discount-code", "get", "one"],
            "error: invalid value 'one' for '<ID>': invalid digit found in string; try --help",
        ),
        (
            &["coworker-discount-code", "list", "--order-by", "notes"],
            "error: invalid value 'notes' for '--order-by <FIELD>' [possible values: id, \
             created-on, updated-on, updated-by, coworker-id, business-id, discount-code-id, \
             times-used, valid-from, expires-on]; try --help",
        ),
        (
            &["coworker-discount-code", "list", "--size", "5000"],
            "error: invalid value '5000' for '--size <N>': 5000 is not in 1..=1000; try --help",
        ),
        (
            &["coworker-discount-code", "lst"],
            "error: unrecognized subcommand 'lst' (tip: a similar subcommand exists: 'list'); \
             try --help",
        ),
        (
            &["coworker-discount-code", "create", "--bogus", "1"],
            "error: unexpected argument '--bogus' found; try --help",
        ),
    ];
    for (args, message) in cases {
        assert_eq!(&refused(args), message, "{args:?}");
    }

    // A --json body: not JSON, not an object, a value of the wrong type, a missing file.
    let json_refused = |input: &str| {
        server
            .cli()
            .stdin(input)
            .run(&["coworker-discount-code", "create", "--json", "-"])
            .fails(2)
    };
    assert!(json_refused("{").starts_with("error: - is not JSON: EOF while parsing"));
    assert_eq!(json_refused("[1]"), "error: -: not a JSON object");
    assert_eq!(
        json_refused(r#"{"CoworkerId": "12", "BusinessId": 1, "DiscountCodeId": 2}"#),
        r#"error: -: CoworkerId: "12" is not an id (a whole number)"#
    );
    assert_eq!(
        json_refused(
            r#"{"CoworkerId": 1, "BusinessId": 1, "DiscountCodeId": 2, "ExpiresOn": "soon"}"#
        ),
        "error: -: ExpiresOn: `soon` is not a date-time (write e.g. 2025-01-15T10:30 or \
         2025-01-15T10:30:00Z)"
    );
    let error = server
        .cli()
        .run(&[
            "coworker-discount-code",
            "create",
            "--json",
            "/nonexistent/body.json",
        ])
        .fails(2);
    assert!(
        error.starts_with("error: cannot read /nonexistent/body.json: "),
        "{error}"
    );

    assert_eq!(server.requests(), 0, "nothing was sent");
}

// ---------------------------------------------------------------------------------------
// The API refuses, the record is missing, the network fails.
// ---------------------------------------------------------------------------------------

#[test]
fn api_refusals_not_found_and_network_failures_have_their_exit_codes() {
    let server = Server::with(
        EmulatorConfig::new().bearer_token("read-only", Roles::of(["CoworkerDiscountCode-List"])),
    );
    let create = [
        "coworker-discount-code",
        "create",
        "--coworker-id",
        "1",
        "--business-id",
        "2",
        "--discount-code-id",
        "3",
    ];

    // 403: the role the endpoint needs.
    let error = server
        .bare()
        .env("NEXUDUS_TOKEN", "read-only")
        .run(&create)
        .fails(3);
    assert_eq!(
        error,
        "error: forbidden: to create CoworkerDiscountCode the user needs the role \
         `CoworkerDiscountCode-Create` (or full administrator rights)"
    );

    // The API's validation messages, per property.
    let envelope = json!({
        "Status": 400, "Message": "CoworkerId: unknown coworker\nNotes: too long",
        "WasSuccessful": false, "Value": null,
        "Errors": [
            {"PropertyName": "CoworkerId", "Message": "unknown coworker", "AttemptedValue": 1},
            {"PropertyName": "Notes", "Message": "too long", "AttemptedValue": "x"},
        ],
    });
    server
        .emulator
        .inject(Fault::status_with_body(400, envelope.to_string()));
    let error = server.cli().run(&create).fails(3);
    assert_eq!(
        error,
        "error: the API refused to create CoworkerDiscountCode: CoworkerId: unknown coworker; \
         Notes: too long"
    );

    // 401, and a refused login.
    let error = server
        .bare()
        .env("NEXUDUS_TOKEN", "wrong")
        .run(&["coworker-discount-code", "list"])
        .fails(3);
    assert!(
        error.starts_with("error: the API did not accept the credentials (HTTP 401)"),
        "{error}"
    );
    let error = server
        .bare()
        .env("NEXUDUS_USERNAME", USER)
        .env("NEXUDUS_PASSWORD", "not-the-password")
        .run(&["coworker-discount-code", "list"])
        .fails(3);
    assert!(
        error.starts_with("error: login refused: invalid_grant"),
        "{error}"
    );

    // Not found.
    let error = server
        .cli()
        .run(&["coworker-discount-code", "get", "404"])
        .fails(4);
    assert_eq!(error, "error: CoworkerDiscountCode 404 not found");

    // 5xx after the retries, and no server at all.
    server.emulator.inject(Fault::status(503).times(2));
    let error = server
        .cli()
        .run(&["coworker-discount-code", "list", "--retries", "1"])
        .fails(5);
    assert!(
        error.starts_with("error: the API failed to list CoworkerDiscountCode (HTTP 503)"),
        "{error}"
    );
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let url = format!("http://{}", closed.local_addr().expect("an address"));
    drop(closed);
    let error = server
        .cli()
        .run(&["--base-url", &url, "coworker-discount-code", "get", "1"])
        .fails(5);
    assert!(
        error.starts_with(&format!(
            "error: get CoworkerDiscountCode 1: cannot connect to {url}"
        )),
        "{error}"
    );
}

// ---------------------------------------------------------------------------------------
// Credentials.
// ---------------------------------------------------------------------------------------

#[test]
fn verbose_logs_requests_but_never_a_secret() {
    let server = seeded_server();
    let bearer = server
        .cli()
        .run(&["-v", "coworker-discount-code", "get", "1"]);
    let password = server
        .bare()
        .env("NEXUDUS_USERNAME", USER)
        .env("NEXUDUS_PASSWORD", PASSWORD)
        .run(&["coworker-discount-code", "list", "--verbose"]);
    let refused = server
        .bare()
        .env("NEXUDUS_USERNAME", USER)
        .env("NEXUDUS_PASSWORD", "wrong-pa55-3e8f")
        .run(&["coworker-discount-code", "list", "--verbose"]);
    assert_eq!((bearer.code, password.code, refused.code), (0, 0, 3));
    assert!(
        bearer
            .stderr
            .contains("method=\"GET\" path=\"/api/billing/coworkerdiscountcodes/{Id}\""),
        "{}",
        bearer.stderr
    );
    assert!(bearer.stderr.contains("status=200"), "{}", bearer.stderr);
    assert!(
        password.stderr.contains("path=\"/api/token\""),
        "{}",
        password.stderr
    );
    assert!(
        password
            .stderr
            .contains("credentials: password grant from NEXUDUS_USERNAME")
    );
    for run in [&bearer, &password, &refused] {
        for secret in [TOKEN, PASSWORD, "wrong-pa55-3e8f"] {
            assert!(
                !run.stdout.contains(secret) && !run.stderr.contains(secret),
                "{run:?}"
            );
        }
    }
}

#[test]
fn credentials_come_from_a_profile_file() {
    let server = seeded_server();
    std::fs::create_dir_all(server.config_dir()).expect("a config folder");
    let profiles = format!(
        "[profiles.default]\nbase_url = \"{url}\"\ntoken = \"{TOKEN}\"\n\n\
         [profiles.staging]\nbase_url = \"{url}\"\nusername = \"{USER}\"\npassword = \"{PASSWORD}\"\n\n\
         [profiles.broken]\nbase_url = \"{url}\"\n",
        url = server.emulator.base_url()
    );
    std::fs::write(server.config_dir().join("config.toml"), profiles).expect("written");
    let profile_only = || {
        let cli = server.bare();
        let mut command = cli.command;
        command.env_remove("NEXUDUS_BASE_URL");
        Cli {
            command,
            stdin: None,
        }
    };
    let get = ["coworker-discount-code", "get", "1", "--columns", "Id"];

    assert_eq!(profile_only().run(&get).lines(), [json!({"Id": 1})]);
    let run = profile_only().run(&[&get[..], &["--profile", "staging", "-v"]].concat());
    assert!(
        run.stderr.contains("password grant of profile `staging`"),
        "{run:?}"
    );
    assert!(
        !run.stderr.contains(PASSWORD) && !run.stderr.contains(TOKEN),
        "{run:?}"
    );
    assert_eq!(run.lines(), [json!({"Id": 1})]);
    let run = profile_only().env("NEXUDUS_PROFILE", "staging").run(&get);
    assert_eq!(run.lines(), [json!({"Id": 1})]);

    // The environment wins over the profile.
    let error = profile_only()
        .env("NEXUDUS_TOKEN", "wrong")
        .run(&get)
        .fails(3);
    assert!(error.contains("HTTP 401"), "{error}");

    let error = profile_only()
        .run(&[&get[..], &["--profile", "prod"]].concat())
        .fails(2);
    assert!(
        error.starts_with("error: no profile `prod` in ")
            && error.ends_with("(it has: broken, default, staging)"),
        "{error}"
    );
    let error = profile_only()
        .run(&[&get[..], &["--profile", "broken"]].concat())
        .fails(2);
    assert!(
        error.ends_with(
            "has no `token`, nor `username` and `password`; `nexudus login` stores them"
        ),
        "{error}"
    );

    // No profile file, no credentials.
    std::fs::remove_file(server.config_dir().join("config.toml")).expect("removed");
    let error = server.bare().run(&get).fails(2);
    let path = server.config_dir().join("config.toml");
    assert_eq!(
        error,
        format!(
            "error: no credentials: run `nexudus login`, set NEXUDUS_TOKEN, or NEXUDUS_USERNAME \
             and NEXUDUS_PASSWORD, or write a profile in {}",
            path.display()
        )
    );
    assert!(Path::new(&path).parent().is_some());
}

// ---------------------------------------------------------------------------------------
// Import: create and update from JSON Lines or CSV, rejects, journal and resume.
// ---------------------------------------------------------------------------------------

/// A discount code line of an import, with the fields a create needs.
fn code_line(code: &str) -> Value {
    json!({"BusinessId": 1, "Code": code, "Description": format!("{code} off")})
}

/// Writes `text` to the file `name` in the server's home folder; answers its path.
fn write_file(server: &Server, name: &str, text: &str) -> String {
    let path = server.home.path().join(name);
    std::fs::write(&path, text).expect("written");
    path.to_str().expect("UTF-8").to_owned()
}

fn jsonl(records: &[Value]) -> String {
    records.iter().map(|r| format!("{r}\n")).collect()
}

/// The JSON lines of a file.
fn json_lines(path: &str) -> Vec<Value> {
    std::fs::read_to_string(path)
        .expect("the file exists")
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect()
}

/// The stored discount codes' `Code`s, sorted.
fn stored_codes(server: &Server) -> Vec<String> {
    let mut codes: Vec<String> = server
        .emulator
        .records("DiscountCode")
        .expect("entity")
        .iter()
        .filter_map(|r| r["Code"].as_str().map(str::to_owned))
        .collect();
    codes.sort();
    codes
}

/// The last state the journal gives each line.
fn journal_states(path: &str) -> std::collections::BTreeMap<i64, String> {
    json_lines(path)
        .iter()
        .skip(1)
        .map(|e| {
            let line = e["line"].as_i64().expect("a line");
            (line, e["state"].as_str().expect("a state").to_owned())
        })
        .collect()
}

#[test]
fn import_creates_every_line_of_jsonl_and_csv() {
    let server = Server::start();
    let mut first = code_line("SPRING");
    first["DiscountPercentage"] = json!(12.5);
    first["ExpirationType"] = json!("Week");
    let file = write_file(
        &server,
        "codes.jsonl",
        &format!(
            "{}\n{}",
            jsonl(&[first, code_line("SUMMER")]),
            code_line("AUTUMN")
        ),
    );
    let run = server
        .cli()
        .run(&["discount-code", "import", &file, "-o", "json"]);
    // No progress bar when standard error is not a terminal.
    assert_eq!(run.stderr, "", "{run:?}");
    let summary = run.json();
    assert_eq!(
        summary,
        json!({
            "Entity": "DiscountCode", "Created": 3, "Updated": 0, "Rejected": 0, "Skipped": 0,
            "Rejects": null, "Journal": format!("{file}.journal"),
        })
    );
    let records = server.emulator.records("DiscountCode").expect("entity");
    assert_eq!(records.len(), 3);
    assert_eq!(
        (
            &records[0]["Code"],
            &records[0]["Description"],
            &records[0]["DiscountPercentage"],
            &records[0]["ExpirationType"]
        ),
        (
            &json!("SPRING"),
            &json!("SPRING off"),
            &json!(12.5),
            &json!(2)
        )
    );
    let journal = json_lines(&format!("{file}.journal"));
    assert_eq!(journal[0], json!({"import": "DiscountCode", "records": 3}));
    assert_eq!(journal[1], json!({"line": 1, "state": "sent"}));
    assert_eq!(journal[2], json!({"line": 1, "state": "done", "id": 1}));
    assert_eq!(journal.len(), 7);
    assert!(!Path::new(&format!("{file}.rejects.jsonl")).exists());

    // CSV: kebab-case or wire names, an empty cell sets nothing, a quoted cell spans lines.
    let file = write_file(
        &server,
        "codes.csv",
        "business-id,Code,description,max-uses,Active\n\
         2,WINTER,\"two\nlines\",10,true\n\
         2,NEW-YEAR,new year,,\n",
    );
    let journal = server.home.path().join("elsewhere.journal");
    let summary = server
        .cli()
        .run(&[
            "discount-code",
            "import",
            &file,
            "--journal",
            journal.to_str().expect("UTF-8"),
            "-o",
            "jsonl",
        ])
        .lines();
    assert_eq!(summary[0]["Created"], 2);
    let winter = server
        .emulator
        .record("DiscountCode", 4)
        .expect("entity")
        .expect("stored");
    assert_eq!(
        (
            &winter["Code"],
            &winter["Description"],
            &winter["MaxUses"],
            &winter["Active"]
        ),
        (
            &json!("WINTER"),
            &json!("two\nlines"),
            &json!(10),
            &json!(true)
        )
    );
    let new_year = server
        .emulator
        .record("DiscountCode", 5)
        .expect("entity")
        .expect("stored");
    assert_eq!(new_year["Code"], "NEW-YEAR");
    assert!(new_year["MaxUses"].is_null(), "{new_year}");
    assert_eq!(
        journal_states(journal.to_str().expect("UTF-8")),
        [(2, "done".to_owned()), (4, "done".to_owned())].into()
    );

    // Run again, the journal says everything is done: nothing is sent.
    server.emulator.clear_requests();
    let again = server
        .cli()
        .run(&[
            "discount-code",
            "import",
            &file,
            "--journal",
            journal.to_str().expect("UTF-8"),
        ])
        .lines();
    assert_eq!(
        (&again[0]["Created"], &again[0]["Skipped"]),
        (&json!(0), &json!(2))
    );
    assert_eq!(server.requests(), 0);
    assert_eq!(stored_codes(&server).len(), 5);
}

#[test]
fn a_bad_line_is_named_with_its_field_and_nothing_is_sent() {
    let server = Server::start();
    server
        .emulator
        .insert("DiscountCode", code_line("KEPT"))
        .expect("seeded");
    server.emulator.clear_requests();
    let good = jsonl(&[code_line("A"), code_line("B")]);
    let cases: &[(&str, String, &[&str], &str)] = &[
        (
            "wrong-type.jsonl",
            format!(
                "{good}\n{}\n",
                json!({"BusinessId": "x", "Code": "C", "Description": "c"})
            ),
            &[],
            r#"error: line 4: BusinessId: "x" is not an id (a whole number)"#,
        ),
        (
            "unknown.jsonl",
            format!(
                "{good}{}\n",
                json!({"BusinessId": 1, "Codee": "C", "Description": "c"})
            ),
            &[],
            "error: line 3: DiscountCode has no field `Codee` (did you mean `code`?); `nexudus \
             discount-code --help` lists its fields",
        ),
        (
            "missing.csv",
            "BusinessId,Code,Description\n1,A,a\n1,B,\n".to_owned(),
            &[],
            "error: line 3: Description is required to create a DiscountCode",
        ),
        (
            "bad-cell.csv",
            "BusinessId,Code,Description,MaxUses\n1,A,a,3\n1,B,b,many\n".to_owned(),
            &[],
            "error: line 3: MaxUses: `many` is not a whole number",
        ),
        (
            "read-only.jsonl",
            format!(
                "{good}{}\n",
                json!({"Id": 1, "UpdatedOn": "2025-01-01T00:00:00Z"})
            ),
            &[],
            "error: line 3: DiscountCode.UpdatedOn is read-only: the API sets it",
        ),
        (
            "not-json.jsonl",
            format!("{good}{{\"Code\": \n"),
            &[],
            "error: line 3: not JSON: EOF while parsing a value at line 1 column 9",
        ),
        (
            "same-key.jsonl",
            format!("{good}{}\n", code_line("A")),
            &["--match-on", "code"],
            "error: line 3: Code \"A\" is also on line 1; --match-on needs a value unique per \
             line",
        ),
        (
            "no-filter.jsonl",
            good.clone(),
            &["--match-on", "custom-fields"],
            "error: --match-on CustomFields: a list or JSON field cannot identify a record",
        ),
        (
            "codes.txt",
            good.clone(),
            &[],
            "error: cannot tell the format of {dir}/codes.txt from its name; give --format \
             jsonl or --format csv",
        ),
    ];
    let dir = server.home.path().to_str().expect("UTF-8");
    for (name, text, extra, message) in cases {
        let file = write_file(&server, name, text);
        let error = server
            .cli()
            .run(&[&["discount-code", "import", &file][..], extra].concat())
            .fails(2);
        assert_eq!(error, message.replace("{dir}", dir), "{name}");
        assert!(!Path::new(&format!("{file}.journal")).exists(), "{name}");
    }
    // A key must have a filter to look records up by.
    let file = write_file(&server, "products.jsonl", "{}\n");
    let error = server
        .cli()
        .run(&["product", "import", &file, "--match-on", "notes-for-ai"])
        .fails(2);
    assert!(
        error.starts_with(
            "error: --match-on NotesForAi: Product has no filter on NotesForAi, so records \
             cannot be looked up by it; fields with one: "
        ),
        "{error}"
    );
    assert_eq!(server.requests(), 0, "nothing was sent");
    assert_eq!(stored_codes(&server), ["KEPT"]);
}

#[test]
fn refused_lines_go_to_the_rejects_file_and_the_others_are_imported() {
    let server = Server::start();
    let mut old = code_line("OLD");
    old["MaxUses"] = json!(5);
    old["AddedByANewerApi"] = json!("kept");
    let id = server.emulator.insert("DiscountCode", old).expect("seeded");
    let mut refused = code_line("BAD");
    // A number the spec does not name passes the CLI (the API may know it); the emulator
    // refuses it.
    refused["ExpirationType"] = json!(99);
    let lines = [
        code_line("NEW-1"),
        json!({"Id": 999, "Description": "nobody"}),
        refused,
        json!({"Id": id, "Description": "changed", "Active": true}),
        code_line("NEW-2"),
    ];
    let file = write_file(&server, "codes.jsonl", &jsonl(&lines));
    let rejects = format!("{file}.rejects.jsonl");
    let out = server
        .cli()
        .run(&["discount-code", "import", &file, "-o", "table"])
        .ok();
    assert_eq!(
        out,
        format!(
            "Imported {file} into DiscountCode: 2 created, 1 updated, 2 rejected, 0 skipped \
             (already done); the rejected lines are in {rejects}.\n"
        )
    );

    let rejected = json_lines(&rejects);
    assert_eq!(rejected.len(), 2, "{rejected:?}");
    assert_eq!(
        rejected[0],
        json!({
            "line": 2, "record": {"Id": 999, "Description": "nobody"},
            "error": "DiscountCode 999 not found", "errors": [],
        })
    );
    assert_eq!(rejected[1]["line"], 3);
    assert_eq!(rejected[1]["record"]["Code"], "BAD");
    let message = "is not one of 1 (Day), 2 (Week), 3 (Month), 4 (Year)";
    assert_eq!(
        rejected[1]["error"],
        format!("ExpirationType: {message}"),
        "the API's message"
    );
    assert_eq!(
        rejected[1]["errors"],
        json!([{"property": "ExpirationType", "message": message}])
    );

    // The other lines are in; the update kept what its line did not name.
    assert_eq!(stored_codes(&server), ["NEW-1", "NEW-2", "OLD"]);
    let updated = server
        .emulator
        .record("DiscountCode", id)
        .expect("entity")
        .expect("stored");
    assert_eq!(
        (
            &updated["Description"],
            &updated["Active"],
            &updated["Code"],
            &updated["MaxUses"],
            &updated["AddedByANewerApi"]
        ),
        (
            &json!("changed"),
            &json!(true),
            &json!("OLD"),
            &json!(5),
            &json!("kept")
        )
    );
    let states = journal_states(&format!("{file}.journal"));
    let states: Vec<&str> = states.values().map(String::as_str).collect();
    assert_eq!(states, ["done", "rejected", "rejected", "done", "done"]);

    // Resumed, refused lines are not sent again.
    server.emulator.clear_requests();
    let again = server
        .cli()
        .run(&["discount-code", "import", &file])
        .lines();
    assert_eq!(
        (&again[0]["Skipped"], &again[0]["Rejected"]),
        (&json!(5), &json!(0))
    );
    assert_eq!(again[0]["Rejects"], json!(rejects));
    assert_eq!(server.requests(), 0);
}

#[test]
fn an_import_killed_midway_resumes_creating_every_line_once() {
    // The documented limits (one request per 100 ms, 60 writes a minute): the client paces
    // to them, so an import of 20 lines takes about 2 s.
    let server = Server::with(
        EmulatorConfig::new().throttle(nexudus_emulator::ThrottleLimits::documented()),
    );
    // CODE-1 is within CODE-10 to CODE-19: a text filter matches them all.
    let codes: Vec<String> = (1..=20).map(|n| format!("CODE-{n}")).collect();
    let lines: Vec<Value> = codes.iter().map(|c| code_line(c)).collect();
    let file = write_file(&server, "codes.jsonl", &jsonl(&lines));
    let journal = format!("{file}.journal");
    let done = || {
        std::fs::read_to_string(&journal)
            .unwrap_or_default()
            .matches("\"done\"")
            .count()
    };

    // Retried as by default: a loaded machine may delay one request more than the pacing's
    // margin, and the emulator then throttles the next.
    let import = ["discount-code", "import", &file, "--retries", "3"];
    let mut child = server.cli().spawn(&import);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while done() < 3 {
        if child.try_wait().expect("the child").is_some() {
            let output = child.wait_with_output().expect("ended");
            panic!(
                "the import ended before it was killed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        assert!(std::time::Instant::now() < deadline, "no progress");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    child.kill().expect("killed");
    child.wait().expect("ended");
    let before = server
        .emulator
        .records("DiscountCode")
        .expect("entity")
        .len();
    assert!((3..20).contains(&before), "killed midway: {before} created");

    // Past the emulator's 100 ms window of the killed run's last request.
    std::thread::sleep(std::time::Duration::from_millis(150));
    let summary = server
        .cli()
        .run(&[&import[..], &["--match-on", "Code"]].concat())
        .lines();
    let mut expected = codes.clone();
    expected.sort();
    assert_eq!(stored_codes(&server), expected, "every line exactly once");
    let created = summary[0]["Created"].as_u64().expect("a count");
    let skipped = summary[0]["Skipped"].as_u64().expect("a count");
    assert_eq!(
        (created + skipped, summary[0]["Rejected"].clone()),
        (20, json!(0))
    );
    assert!(created > 0 && skipped >= 3, "{summary:?}");
    assert!(journal_states(&journal).values().all(|s| s == "done"));
}

#[test]
fn a_create_whose_answer_was_lost_is_looked_up_not_sent_twice() {
    let server = Server::start();
    let lines: Vec<Value> = (1..=5).map(|n| code_line(&format!("LOST-{n}"))).collect();
    let file = write_file(&server, "codes.jsonl", &jsonl(&lines));
    let journal = format!("{file}.journal");
    // The third create is made, but its answer is cut off.
    let post = || Fault::delay(std::time::Duration::ZERO).method(nexudus::Method::Post);
    server.emulator.inject(post().times(2));
    server
        .emulator
        .inject(Fault::drop_mid_body().method(nexudus::Method::Post));
    let error = server
        .cli()
        .run(&["discount-code", "import", &file])
        .fails(5);
    assert!(
        error.starts_with("error: line 3: create DiscountCode: "),
        "{error}"
    );
    assert!(
        error.ends_with(&format!(
            "; run the same command again to resume ({journal} records what was done)"
        )),
        "{error}"
    );
    assert_eq!(stored_codes(&server), ["LOST-1", "LOST-2", "LOST-3"]);
    assert_eq!(journal_states(&journal)[&3], "sent");

    // Without a key to look it up by, the resume refuses before sending anything.
    server.emulator.clear_requests();
    let error = server
        .cli()
        .run(&["discount-code", "import", &file])
        .fails(2);
    assert!(
        error.starts_with("error: line 3: its create was sent but the answer was lost")
            && error.contains("give --match-on FIELD"),
        "{error}"
    );
    assert_eq!(server.requests(), 0);
    let error = server
        .cli()
        .run(&[
            "discount-code",
            "import",
            &file,
            "--match-on",
            "referral-discount",
        ])
        .fails(2);
    assert!(
        error.starts_with("error: line 1: ReferralDiscount is not set, and --match-on"),
        "{error}"
    );

    // Two records with its key: which is the line's cannot be told.
    let twin = server
        .emulator
        .insert("DiscountCode", code_line("LOST-3"))
        .expect("seeded");
    let error = server
        .cli()
        .run(&["discount-code", "import", &file, "--match-on", "Code"])
        .fails(3);
    assert_eq!(
        error,
        format!(
            "error: line 3: its answer was lost and 2 DiscountCode records have Code \"LOST-3\" \
             (Ids 3, {twin}): cannot tell which, if any, it created; --match-on needs a value \
             unique to each record"
        )
    );
    server
        .cli()
        .run(&["discount-code", "delete", &twin.to_string()])
        .ok();

    // Found by its key: recorded as done with the record's id, not created again. (A text
    // filter matches what contains the value: only the exact value is the line's.)
    server
        .emulator
        .insert("DiscountCode", code_line("LOST-30"))
        .expect("seeded");
    server.emulator.clear_requests();
    let summary = server
        .cli()
        .run(&["discount-code", "import", &file, "--match-on", "Code"])
        .lines();
    assert_eq!(
        (&summary[0]["Created"], &summary[0]["Skipped"]),
        (&json!(2), &json!(3))
    );
    assert_eq!(
        stored_codes(&server),
        ["LOST-1", "LOST-2", "LOST-3", "LOST-30", "LOST-4", "LOST-5"]
    );
    assert_eq!(
        server.emulator.count("POST", "/api/billing/discountcodes"),
        2
    );
    let entries = json_lines(&journal);
    assert!(
        entries.contains(&json!({"line": 3, "state": "done", "id": 3})),
        "{entries:?}"
    );
}

// ---------------------------------------------------------------------------------------
// Help and completions.
// ---------------------------------------------------------------------------------------

#[test]
fn entity_help_lists_fields_filters_sort_fields_and_roles() {
    let server = Server::start();
    let help = server
        .bare()
        .run(&["coworker-discount-code", "--help"])
        .ok();
    insta::assert_snapshot!("discount_code_help", help);
    let top = server.bare().run(&["--help"]).ok();
    // Every entity is listed, under its area.
    assert!(top.contains("\n  billing: "), "{top}");
    for schema in nexudus::ENTITIES {
        let name = schema.name.to_kebab_case();
        assert!(
            top.contains(&format!(" {name},")) || top.contains(&format!(" {name}\n")),
            "{name}: {top}"
        );
    }
    let create = server
        .bare()
        .run(&["CoworkerDiscountCode", "create", "-h"])
        .ok();
    assert!(
        create.contains("--coworker-id <ID>          id of Coworker (required)"),
        "{create}"
    );
}

#[test]
fn completion_scripts_know_every_entity() {
    let server = Server::start();
    for shell in ["bash", "zsh", "fish"] {
        let script = server.bare().run(&["completions", shell]).ok();
        assert!(script.len() > 1000, "{shell}");
        for schema in nexudus::ENTITIES {
            let name = schema.name.to_kebab_case();
            assert!(script.contains(&name), "{shell}: {name}");
        }
        assert!(script.contains("discount-code-id"), "{shell}");
        // Nexudus's entity names, and the flags of filters (this one is no create flag).
        assert!(script.contains("coworkerdiscountcodes"), "{shell}");
        assert!(script.contains("coworker-full-name"), "{shell}");
    }
}

// ---------------------------------------------------------------------------------------
// Parity with Nexudus's CLI: its entity names, a flag per filter, run-command -p, children
// from files, login, logout, whoami, doctor, config, --redact-pii and --agent.
// ---------------------------------------------------------------------------------------

#[test]
fn entities_answer_to_nexudus_names() {
    let server = seeded_server();
    let listed = server.cli().run(&["coworkerdiscountcodes", "list"]).lines();
    assert_eq!(listed.len(), 2);
    let record = server
        .cli()
        .run(&["coworkerbookingcredits", "get", "1", "-o", "json"])
        .json();
    assert_eq!(record["Description"], "ten hours");
    let help = server.bare().run(&["coworkerdiscountcodes", "--help"]).ok();
    assert!(help.contains("Filters (list --filter NAME=VALUE"), "{help}");
    // A near miss is refused, with a suggestion.
    let error = server
        .cli()
        .run(&["coworkerdiscountcodez", "list"])
        .fails(2);
    assert!(error.contains("did you mean"), "{error}");
}

#[test]
fn filter_and_range_flags_go_on_the_query() {
    let server = seeded_server();
    server.emulator.clear_requests();
    let lines = server
        .cli()
        .run(&[
            "coworkerdiscountcodes",
            "list",
            "--business-id",
            "34",
            "--coworker-full-name",
            "ada",
            "--from-created-on",
            "2025-01-15T10:30:45Z",
            "--to-times-used",
            "5",
        ])
        .lines();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["Id"], 2);
    let query = server.emulator.requests().pop().expect("a request").query;
    assert_eq!(
        query,
        "CoworkerDiscountCode_Coworker_FullName=ada&CoworkerDiscountCode_Business=34\
         &to_CoworkerDiscountCode_TimesUsed=5\
         &from_CoworkerDiscountCode_CreatedOn=2025-01-15T10:30"
    );

    // Values are read by the field's kind, before any request.
    server.emulator.clear_requests();
    let error = server
        .cli()
        .run(&["coworkerdiscountcodes", "list", "--coworker-id", "x"])
        .fails(2);
    assert_eq!(
        error,
        "error: --coworker-id: `x` is not an id (a whole number)"
    );
    let error = server
        .cli()
        .run(&[
            "coworkerdiscountcodes",
            "list",
            "--to-valid-from",
            "2025-02-30",
        ])
        .fails(2);
    assert!(error.starts_with("error: --to-valid-from: "), "{error}");
    assert_eq!(server.requests(), 0);

    // A field named otherwise by Nexudus's CLI takes its option; --help lists the flags
    // under their headings.
    server.emulator.clear_requests();
    server
        .cli()
        .run(&["blogposts", "list", "--summary", "news", "--body", "long"])
        .ok();
    let query = server.emulator.requests().pop().expect("a request").query;
    assert_eq!(query, "BlogPost_SummaryText=news&BlogPost_FullText=long");
    let help = server
        .bare()
        .run(&["coworkerdiscountcodes", "list", "--help"])
        .ok();
    let filters = help.find("\nFilters:\n").expect("a Filters heading");
    let ranges = help
        .find("\nRange filters:\n")
        .expect("a Range filters heading");
    assert!(
        help[filters..ranges].contains("--coworker-id <ID>"),
        "{help}"
    );
    assert!(
        help[ranges..].contains("--from-created-on <DATETIME>"),
        "{help}"
    );
}

#[test]
fn run_command_takes_ids_and_repeated_parameters() {
    let server =
        Server::with(EmulatorConfig::new().command("CoworkerDiscountCode", "DO_IT", "Does it"));
    for coworker in [1, 2] {
        let record = json!({"CoworkerId": coworker, "BusinessId": 1, "DiscountCodeId": 2});
        server
            .emulator
            .insert("CoworkerDiscountCode", record)
            .expect("seeded");
    }
    // The command as the API lists it, with two parameters.
    let commands = "/api/billing/coworkerdiscountcodes/commands";
    let listed = json!([{"Key": "DO_IT", "Name": "Does it", "RequiresParameters": [
        {"Name": "Notify", "Type": "Boolean"}, {"Name": "Note", "Type": "string"}]}]);
    let inject = || {
        server.emulator.inject(
            Fault::status_with_body(200, listed.to_string())
                .method(nexudus::Method::Get)
                .path(commands),
        );
    };
    inject();
    server.emulator.clear_requests();
    let ran = server
        .cli()
        .run(&[
            "coworkerdiscountcodes",
            "run-command",
            "DO_IT",
            "1,2",
            "-p",
            "Note=123",
            "-p",
            "notify=true",
            "-o",
            "json",
        ])
        .json();
    assert_eq!(ran["Ids"], json!([1, 2]));
    // In the command's order, each with its type; a string stays text.
    assert_eq!(
        ran["Parameters"],
        json!([{"Name": "Notify", "Type": "Boolean", "Value": true},
               {"Name": "Note", "Type": "string", "Value": "123"}])
    );
    assert_eq!(ran["Message"], "DO_IT ran on 2 record(s).");
    let sent: Vec<(String, String)> = server
        .emulator
        .requests()
        .into_iter()
        .map(|r| (r.method, r.path))
        .collect();
    assert_eq!(
        sent,
        [
            ("GET".to_owned(), commands.to_owned()),
            (
                "POST".to_owned(),
                "/api/billing/coworkerdiscountcodes/runcommand".to_owned()
            )
        ]
    );

    // A parameter the command does not take, or one left out: refused, nothing run.
    for (args, message) in [
        (
            &["-p", "Colour=red"][..],
            "error: -p Colour: DO_IT takes Notify (Boolean), Note (string)",
        ),
        (
            &["-p", "Notify=false"][..],
            "error: DO_IT needs -p Note=VALUE too; it takes Notify (Boolean), Note (string)",
        ),
        (
            &["-p", "Notify"][..],
            "error: -p takes NAME=VALUE, not `Notify`",
        ),
    ] {
        inject();
        let run = server.cli().run(
            &[
                &["coworkerdiscountcodes", "run-command", "DO_IT", "1"],
                args,
            ]
            .concat(),
        );
        assert_eq!(run.fails(2), message);
    }
    server.emulator.clear_faults();
    assert_eq!(
        server
            .emulator
            .count("POST", "/api/billing/coworkerdiscountcodes/runcommand"),
        1
    );
}

#[test]
fn inline_children_come_from_a_file() {
    let server = Server::start();
    let products = write_file(
        &server,
        "products.json",
        r#"[{"ProductId": 7, "Quantity": 2}, {"ProductId": 8, "Quantity": 1}]"#,
    );
    let booking = [
        "bookings",
        "create",
        "--resource-id",
        "3",
        "--from-time",
        "2025-03-01T09:00",
        "--to-time",
        "2025-03-01T10:00",
    ];
    let created = server
        .cli()
        .run(
            &[
                &booking[..],
                &["--booking-products", &format!("@{products}")],
            ]
            .concat(),
        )
        .lines();
    let id = created[0]["Id"].as_i64().expect("an id");
    let children = |server: &Server| -> Vec<(i64, i64)> {
        server
            .emulator
            .records("BookingProduct")
            .expect("entity")
            .iter()
            .filter(|r| r["BookingId"] == id)
            .map(|r| {
                (
                    r["ProductId"].as_i64().unwrap_or(0),
                    r["Quantity"].as_i64().unwrap_or(0),
                )
            })
            .collect()
    };
    assert_eq!(children(&server), [(7, 2), (8, 1)]);

    // On update too, through the flag or --set.
    let one = write_file(&server, "one.json", r#"[{"ProductId": 9, "Quantity": 4}]"#);
    server
        .cli()
        .run(&[
            "bookings",
            "update",
            &id.to_string(),
            "--booking-products",
            &format!("@{one}"),
        ])
        .ok();
    assert_eq!(children(&server), [(9, 4)]);
    server
        .cli()
        .run(&[
            "bookings",
            "update",
            &id.to_string(),
            "--set",
            r#"BookingProducts=[{"ProductId": 5, "Quantity": 1}]"#,
        ])
        .ok();
    assert_eq!(children(&server), [(5, 1)]);

    // A missing file or a bad element is refused, naming it.
    server.emulator.clear_requests();
    let error = server
        .cli()
        .run(&[&booking[..], &["--booking-products", "@nowhere.json"]].concat())
        .fails(2);
    assert!(
        error.starts_with("error: --booking-products: cannot read nowhere.json"),
        "{error}"
    );
    let bad = write_file(&server, "bad.json", r#"[{"Quantity": 2}]"#);
    let error = server
        .cli()
        .run(&[&booking[..], &["--booking-products", &format!("@{bad}")]].concat())
        .fails(2);
    assert_eq!(
        error,
        format!("error: --booking-products: {bad}: element 0: ProductId is required")
    );
    assert_eq!(server.requests(), 0);
}

/// The profile file of the server's home folder.
fn profile_file(server: &Server) -> PathBuf {
    server.config_dir().join("config.toml")
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path)
        .expect("exists")
        .permissions()
        .mode()
        & 0o777
}

#[test]
fn login_stores_credentials_in_the_profile_file_without_a_keyring_and_logout_removes_them() {
    let server = seeded_server();
    let cli = || server.bare().env("NEXUDUS_KEYRING", "off");
    let get = ["coworker-discount-code", "get", "1", "--columns", "Id"];

    // A wrong password is refused, and nothing is stored.
    let error = cli()
        .stdin("not-the-password\n")
        .run(&["login", "--username", USER, "--password-stdin"])
        .fails(3);
    assert!(error.contains("login refused"), "{error}");
    assert!(!profile_file(&server).exists());

    let run = cli().stdin(&format!("{PASSWORD}\n")).run(&[
        "login",
        "--username",
        USER,
        "--password-stdin",
        "-o",
        "table",
    ]);
    assert!(
        !run.stdout.contains(PASSWORD) && !run.stderr.contains(PASSWORD),
        "{run:?}"
    );
    let out = run.ok();
    assert!(
        out.starts_with("Logged in: profile `default`, credentials in the profile file "),
        "{out}"
    );
    let path = profile_file(&server);
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);
    let text = std::fs::read_to_string(&path).expect("written");
    assert_eq!(
        text,
        format!(
            "[profiles.default]\nbase_url = \"{}\"\nusername = \"{USER}\"\npassword = \"{PASSWORD}\"\n",
            server.emulator.base_url()
        )
    );
    // The credentials work, from the file alone.
    let run = cli().run(&[&get[..], &["-v"]].concat());
    assert!(
        run.stderr.contains("password grant of profile `default`"),
        "{run:?}"
    );
    assert_eq!(run.lines(), [json!({"Id": 1})]);

    // A token, for another profile; the first one is kept.
    cli()
        .stdin(TOKEN)
        .run(&["login", "--token-stdin", "--profile", "ci"])
        .ok();
    let text = std::fs::read_to_string(&path).expect("written");
    assert!(
        text.contains(&format!(
            "[profiles.ci]\nbase_url = \"{}\"\ntoken = \"{TOKEN}\"\n",
            server.emulator.base_url()
        )),
        "{text}"
    );
    assert!(text.contains(PASSWORD), "{text}");
    assert_eq!(
        cli()
            .run(&[&get[..], &["--profile", "ci"]].concat())
            .lines(),
        [json!({"Id": 1})]
    );

    // A PII session to end.
    cli()
        .run(&["coworker-discount-code", "list", "--redact-pii"])
        .ok();
    let vault = server.config_dir().join("pii-session.json");
    assert!(vault.exists());

    let out = cli().run(&["logout", "-o", "json"]).json();
    assert_eq!(out["Profile"], "default");
    assert_eq!(out["PiiSessionEnded"], true);
    assert!(!vault.exists());
    let text = std::fs::read_to_string(&path).expect("kept");
    assert!(!text.contains(PASSWORD) && !text.contains(USER), "{text}");
    assert!(text.contains(TOKEN), "the other profile stays: {text}");
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);
    let error = cli().run(&get).fails(2);
    assert!(error.contains("has no `token`"), "{error}");
    let out = cli().run(&["logout", "-o", "table"]).ok();
    assert_eq!(out, "No credentials were stored for profile `default`.\n");

    // Nothing to read a secret from but standard input.
    let error = cli().run(&["login", "--username", USER]).fails(2);
    assert!(error.contains("--password-stdin"), "{error}");
}

#[test]
fn whoami_shows_the_user_and_never_a_secret() {
    let server = Server::start();
    let user = || {
        server
            .bare()
            .env("NEXUDUS_USERNAME", USER)
            .env("NEXUDUS_PASSWORD", PASSWORD)
    };
    let me = user().run(&["whoami", "-o", "json"]).json();
    assert_eq!(me["FullName"], USER);
    assert_eq!(me["Email"], USER);
    assert_eq!(me["DefaultBusinessId"], 0);
    let table = user().run(&["whoami", "-o", "table"]).ok();
    assert!(table.contains("DefaultBusinessId"), "{table}");

    // Tokens the answer may carry are left out.
    let answer = json!({"FullName": "Ada", "Email": "ada@example.com",
                        "AccessToken": "tok-sekret-1", "RefreshToken": "tok-sekret-2",
                        "TwoFactorSecret": "tok-sekret-3", "DefaultBusinessId": 5});
    server
        .emulator
        .inject(Fault::status_with_body(200, answer.to_string()).path("/en/user/me"));
    let run = server.cli().run(&["whoami", "-o", "json"]);
    assert!(!run.stdout.contains("sekret"), "{run:?}");
    let me = run.json();
    assert_eq!(
        me,
        json!({"FullName": "Ada", "Email": "ada@example.com", "DefaultBusinessId": 5})
    );

    // Redacted, as any output.
    let me = user().run(&["whoami", "--redact-pii", "-o", "json"]).json();
    let email = me["Email"].as_str().expect("text");
    assert!(email.starts_with("«PII:EMAIL:"), "{me}");
    assert!(!me.to_string().contains(USER), "{me}");
}

/// A base URL where nothing listens.
fn dead_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let port = listener.local_addr().expect("an address").port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

#[test]
fn doctor_checks_config_credentials_reachability_and_clock() {
    let server = Server::start();
    let run = server.cli().run(&["doctor", "-o", "table"]);
    assert!(!run.stdout.contains(TOKEN), "{run:?}");
    let out = run.ok();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    for (line, check) in lines
        .iter()
        .zip(["config", "credentials", "reachability", "clock"])
    {
        assert!(line.starts_with(&format!("ok    {check}")), "{out}");
    }
    assert!(
        lines[1].ends_with("bearer token from NEXUDUS_TOKEN"),
        "{out}"
    );
    let checks = server.cli().run(&["doctor"]).lines();
    assert_eq!(checks.len(), 4);
    assert!(checks.iter().all(|c| c["Status"] == "ok"), "{checks:?}");

    // Nothing listening: every check that needs the server fails, one line each.
    let dead = || server.cli().env("NEXUDUS_BASE_URL", &dead_url());
    let run = dead().run(&["doctor"]);
    assert_eq!(run.code, 5, "{run:?}");
    let checks: Vec<Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    let statuses: Vec<&str> = checks.iter().filter_map(|c| c["Status"].as_str()).collect();
    assert_eq!(statuses, ["ok", "ok", "FAIL", "FAIL"], "{checks:?}");
    assert!(
        checks[2]["Detail"]
            .as_str()
            .is_some_and(|d| d.contains("cannot connect")),
        "{checks:?}"
    );
    let run = dead().run(&["doctor", "--agent"]);
    assert_eq!(run.code, 5);
    let envelope: Value = serde_json::from_str(&run.stdout).expect("an envelope");
    assert_eq!(envelope["ok"], false);
    assert_eq!(
        envelope["summary"],
        "2 of 4 checks failed: reachability, clock"
    );
    assert_eq!(envelope["data"]["CredentialsStored"], true);
    assert_eq!(envelope["data"]["ApiStatus"], "Unreachable");

    // No credentials and a broken profile file fail their checks.
    std::fs::create_dir_all(server.config_dir()).expect("a config folder");
    std::fs::write(profile_file(&server), "[profiles.default]\ntokn = 1\n").expect("written");
    let run = server.bare().run(&["doctor", "-o", "table"]);
    assert_eq!(run.code, 2, "{run:?}");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines[0].starts_with("FAIL  config        cannot read the profile file"),
        "{lines:?}"
    );
    assert!(lines[1].starts_with("FAIL  credentials"), "{lines:?}");
    assert!(lines[2].starts_with("skip  reachability"), "{lines:?}");
}

#[test]
fn config_gets_and_sets_the_base_url_of_a_profile() {
    let server = seeded_server();
    let cli = || {
        let cli = server.bare();
        let mut command = cli.command;
        command.env_remove("NEXUDUS_BASE_URL");
        Cli {
            command,
            stdin: None,
        }
        .env("NEXUDUS_TOKEN", TOKEN)
    };
    assert_eq!(
        cli()
            .run(&["config", "get", "base-url", "-o", "table"])
            .ok(),
        format!("{}\n", nexudus::SERVICE.base_url)
    );
    let url = server.emulator.base_url().to_owned();
    cli()
        .run(&["config", "set", "base-url", &format!("{url}/")])
        .ok();
    assert_eq!(
        cli()
            .run(&["config", "get", "base-url", "-o", "table"])
            .ok(),
        format!("{url}\n")
    );
    #[cfg(unix)]
    assert_eq!(mode(&profile_file(&server)), 0o600);
    // Commands use it.
    assert_eq!(
        cli()
            .run(&["coworker-discount-code", "get", "1", "--columns", "Id"])
            .lines(),
        [json!({"Id": 1})]
    );
    let error = cli()
        .run(&["config", "set", "base-url", "not a url"])
        .fails(2);
    assert_eq!(
        error,
        "error: base-url: `not a url` is not an http or https URL"
    );
    let error = cli().run(&["config", "get", "colour"]).fails(2);
    assert!(error.contains("invalid value 'colour'"), "{error}");
}

/// A token of `category` in a redacted text.
fn token_in(text: &str, category: &str) -> String {
    let start = text
        .find(&format!("«PII:{category}:"))
        .unwrap_or_else(|| panic!("a {category} token in {text}"));
    let end = text[start..].find('»').expect("its end") + start + '»'.len_utf8();
    text[start..end].to_owned()
}

#[test]
fn redact_pii_tokenises_every_format_and_resolves_tokens_given_back() {
    let server = seeded_server();
    let run = |args: &[&str]| {
        server
            .cli()
            .run(&[&["coworkerdiscountcodes"], args, &["--redact-pii"]].concat())
    };
    let table = run(&["list", "-o", "table"]).ok();
    let json = run(&["list", "-o", "json"]).ok();
    let csv = run(&["list", "-o", "csv"]).ok();
    let agent = run(&["list", "--agent"]).ok();
    let by_env = server
        .cli()
        .env("NEXUDUS_REDACT_PII", "1")
        .run(&["coworkerdiscountcodes", "list"])
        .ok();
    // Ada's name, in the second record.
    let listed: Value = serde_json::from_str(&json).expect("JSON");
    let name = listed[1]["CoworkerFullName"]
        .as_str()
        .expect("text")
        .to_owned();
    assert_eq!(token_in(&name, "NAME"), name);
    for out in [&table, &json, &csv, &agent, &by_env] {
        assert!(!out.contains("Ada Lovelace"), "{out}");
        // The same value, the same token, in every format.
        assert!(out.contains(&name), "{out}");
    }
    // Not redacted unless asked.
    let plain = server.cli().run(&["coworkerdiscountcodes", "list"]).ok();
    assert!(plain.contains("Ada Lovelace"), "{plain}");
    let vault = server.config_dir().join("pii-session.json");
    #[cfg(unix)]
    assert_eq!(mode(&vault), 0o600);

    // A token given back is its value again: a flag, --set, a --json file, an import line.
    let record = run(&["get", "1", "-o", "json"]).json();
    let notes = record["Notes"].as_str().expect("a token").to_owned();
    assert!(notes.starts_with("«PII:BIO:"), "{notes}");
    let stored = |id: i64, field: &str| {
        server
            .emulator
            .record("CoworkerDiscountCode", id)
            .expect("entity")
            .expect("stored")[field]
            .clone()
    };
    server
        .cli()
        .run(&[
            "coworkerdiscountcodes",
            "update",
            "1",
            "--notes",
            &format!("{notes} again"),
        ])
        .ok();
    assert_eq!(stored(1, "Notes"), "spring again");
    server
        .cli()
        .run(&[
            "coworkerdiscountcodes",
            "update",
            "2",
            "--set",
            &format!("notes={name}"),
        ])
        .ok();
    assert_eq!(stored(2, "Notes"), "Ada Lovelace");
    let body = write_file(&server, "body.json", &json!({"Notes": notes}).to_string());
    server
        .cli()
        .run(&["coworkerdiscountcodes", "update", "2", "--json", &body])
        .ok();
    assert_eq!(stored(2, "Notes"), "spring");
    let lines = write_file(
        &server,
        "codes.jsonl",
        &jsonl(&[json!({"BusinessId": 1, "Code": "SPRING", "Description": name})]),
    );
    server.cli().run(&["discountcodes", "import", &lines]).ok();
    let codes = server.emulator.records("DiscountCode").expect("entity");
    assert_eq!(codes[0]["Description"], "Ada Lovelace");

    // An unknown token is refused, naming it, before any request.
    server.emulator.clear_requests();
    let error = server
        .cli()
        .run(&[
            "coworkerdiscountcodes",
            "update",
            "1",
            "--notes",
            "«PII:BIO:00000000»",
        ])
        .fails(2);
    assert!(
        error.contains("the token «PII:BIO:00000000» is not one of this PII session's"),
        "{error}"
    );
    assert_eq!(server.requests(), 0);
    // An error about a resolved value shows its token, not the value.
    let error = server
        .cli()
        .run(&[
            "coworkerdiscountcodes",
            "update",
            "1",
            "--coworker-id",
            &name,
        ])
        .fails(2);
    assert!(error.contains(&name) && !error.contains("Ada"), "{error}");
}

#[test]
fn the_agent_envelope_wraps_answers_and_errors() {
    let server = seeded_server();
    let run = server
        .cli()
        .run(&["coworkerdiscountcodes", "list", "--size", "1", "--agent"]);
    let envelope = run.json();
    assert_eq!(envelope["ok"], true);
    assert_eq!(envelope["data"].as_array().map(Vec::len), Some(1));
    assert_eq!(envelope["data"][0]["Id"], 1);
    assert_eq!(
        envelope["summary"],
        "Found 2 coworkerdiscountcodes (page 1/2)"
    );
    assert_eq!(
        envelope["breadcrumbs"],
        json!(["coworkerdiscountcodes", "list"])
    );
    assert_eq!(
        envelope["meta"],
        json!({"total": 2, "page": 1, "pageSize": 1, "totalPages": 2})
    );
    let envelope = server
        .cli()
        .run(&["coworker-discount-code", "get", "2", "--agent"])
        .json();
    assert_eq!(envelope["data"]["CoworkerId"], 13);
    assert_eq!(envelope["summary"], "CoworkerDiscountCode 2");
    assert!(envelope.get("meta").is_none(), "{envelope}");

    // Errors: the envelope on standard output, the line on standard error, the exit code.
    for (args, code, summary) in [
        (
            &["coworkerdiscountcodes", "get", "9"][..],
            4,
            "CoworkerDiscountCode 9 not found",
        ),
        (
            &["coworkerdiscountcodes", "list", "--coworker-id", "x"][..],
            2,
            "--coworker-id: `x` is not an id (a whole number)",
        ),
    ] {
        let run = server.cli().run(&[args, &["--agent"]].concat());
        assert_eq!(run.code, code, "{run:?}");
        assert_eq!(run.stderr, format!("error: {summary}\n"));
        let envelope: Value = serde_json::from_str(&run.stdout).expect("an envelope");
        assert_eq!(
            envelope,
            json!({"ok": false, "data": null, "summary": summary,
                   "breadcrumbs": ["coworkerdiscountcodes", args[1]]})
        );
    }

    // delete --yes / -y, as Nexudus's CLI takes it.
    let envelope = server
        .cli()
        .run(&["coworkerdiscountcodes", "delete", "1", "--yes", "--agent"])
        .json();
    assert_eq!(envelope["summary"], "Deleted CoworkerDiscountCode 1");
    assert_eq!(envelope["data"], json!({"Id": 1}));
    server
        .cli()
        .run(&["coworkerdiscountcodes", "delete", "2", "-y"])
        .ok();
    assert!(
        server
            .emulator
            .records("CoworkerDiscountCode")
            .expect("entity")
            .is_empty()
    );
}

/// Whether a program is on the PATH.
fn installed(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}

/// `login` with a real keyring: a Secret Service (gnome-keyring) on a D-Bus session of its
/// own. Machines without them (CI) skip it; the file fallback is tested above.
#[test]
fn login_uses_the_os_keyring_where_there_is_one() {
    if !installed("dbus-run-session") || !installed("gnome-keyring-daemon") {
        eprintln!("skipped: no dbus-run-session and gnome-keyring-daemon");
        return;
    }
    let server = seeded_server();
    let script = format!(
        "set -e\n\
         printf unlock | gnome-keyring-daemon --unlock --components=secrets >/dev/null\n\
         printf %s '{TOKEN}' | '{bin}' login --token-stdin -o table\n\
         '{bin}' coworker-discount-code get 1 --columns Id -v\n\
         '{bin}' logout -o table\n",
        bin = env!("CARGO_BIN_EXE_nexudus"),
    );
    let output = Command::new("dbus-run-session")
        .args(["--", "sh", "-c", &script])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", server.home.path())
        .env("XDG_CONFIG_HOME", server.home.path().join("config"))
        .env("XDG_DATA_HOME", server.home.path().join("data"))
        .env("NEXUDUS_BASE_URL", server.emulator.base_url())
        .output()
        .expect("dbus-run-session runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.starts_with("Logged in: profile `default`, credentials in the OS keyring.\n"),
        "{stdout}"
    );
    assert!(stdout.contains("{\"Id\":1}\n"), "{stdout}");
    assert!(
        stderr.contains("credentials: bearer token of profile `default` in the OS keyring"),
        "{stderr}"
    );
    assert!(stdout.contains("and the OS keyring."), "{stdout}");
    assert!(!stdout.contains(TOKEN) && !stderr.contains(TOKEN));
    // Only the marker was in the file, and logout took it out.
    let text = std::fs::read_to_string(profile_file(&server)).expect("written");
    assert!(!text.contains(TOKEN) && !text.contains("keyring"), "{text}");
}

/// The MCP server answers in MCP messages: the command line's output options are refused,
/// before the server starts (it would otherwise wait on standard input).
#[test]
fn mcp_refuses_the_command_lines_output_options() {
    let server = Server::start();
    let error = server.cli().run(&["mcp", "-o", "json"]).fails(2);
    assert!(error.contains("--output does not apply"), "{error}");
    let run = server.cli().run(&["mcp", "--agent"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("--agent does not apply"), "{run:?}");
    assert_eq!(server.requests(), 0);
}
