//! Runs the API emulator on 127.0.0.1 until Ctrl-C, for trying the client by hand.
//!
//! ```sh
//! cargo run -p nexudus-emulator -- \
//!     --port 8080 [--seed records.json] [--token TOKEN[=ROLE,ROLE]] [--user EMAIL:PASSWORD] \
//!     [--command ENTITY=KEY] [--throttle]
//! ```
//!
//! `--token TOKEN=ROLE,ROLE` makes a token with only those roles (for a 403 that names the
//! role); `--command ENTITY=KEY` adds a command the entity's `commands` endpoint lists and
//! `runcommand` runs.
//!
//! `--throttle` enforces the API's documented rate limits (`ThrottleLimits::documented`), to
//! watch the client's pacing by hand.
//!
//! The token and the user are full administrators; without `--token` and `--user` the
//! token `emulator-token` and the user `admin@example.com:secret` are configured.
//!
//! Without `--port`, or with `--port 0`, it listens on a free port. The first line of
//! stdout always ends with the base URL (`... listening on http://127.0.0.1:41234`), so a
//! script can start it on a free port and read where it is (`.ci/schemathesis.sh` does).

use std::process::ExitCode;

use nexudus_emulator::{Emulator, EmulatorConfig, Roles, ThrottleLimits};

const USAGE: &str = "usage: nexudus-emulator [--port N] [--seed FILE.json] \
                     [--token TOKEN[=ROLE,ROLE]] [--user EMAIL:PASSWORD] [--command ENTITY=KEY] \
                     [--throttle]";

#[tokio::main]
async fn main() -> ExitCode {
    let config = match parse(std::env::args().skip(1)) {
        Ok(Some(config)) => config,
        Ok(None) => {
            println!(
                "Runs the Nexudus API emulator on 127.0.0.1 until Ctrl-C.\n{USAGE}\n\
                 Without --port (or with --port 0) it listens on a free port; the first \
                 line of stdout ends with the base URL."
            );
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("{message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let emulator = match Emulator::start(config.emulator).await {
        Ok(emulator) => emulator,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!("Nexudus API emulator listening on {}", emulator.base_url());
    for token in &config.tokens {
        println!("  bearer token (administrator): {token}");
    }
    for (user, password) in &config.users {
        println!("  user (administrator, Basic or password grant): {user} / {password}");
    }
    for (token, roles) in &config.limited {
        println!("  bearer token with the roles {roles}: {token}");
    }
    if config.throttled {
        println!("  rate limits: the documented ones, per token and per user");
    }
    println!("Press Ctrl-C to stop.");
    if let Err(error) = tokio::signal::ctrl_c().await {
        eprintln!("error: cannot wait for Ctrl-C: {error}");
    }
    emulator.shutdown().await;
    ExitCode::SUCCESS
}

/// The emulator's configuration and the credentials to print.
struct Parsed {
    emulator: EmulatorConfig,
    tokens: Vec<String>,
    users: Vec<(String, String)>,
    /// Tokens with only some roles: (token, roles).
    limited: Vec<(String, String)>,
    /// Whether the documented rate limits are enforced.
    throttled: bool,
}

/// The parsed arguments; `None` for `--help`.
fn parse(mut args: impl Iterator<Item = String>) -> Result<Option<Parsed>, String> {
    let mut emulator = EmulatorConfig::new();
    let mut tokens = Vec::new();
    let mut users = Vec::new();
    let mut limited = Vec::new();
    let mut throttled = false;
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--port" => {
                let port = value()?;
                emulator =
                    emulator.port(port.parse().map_err(|_| format!("invalid port `{port}`"))?);
            }
            "--seed" => emulator = emulator.seed_file(value()?),
            "--throttle" => {
                emulator = emulator.throttle(ThrottleLimits::documented());
                throttled = true;
            }
            "--token" => {
                let token = value()?;
                match token.split_once('=') {
                    Some((token, roles)) => {
                        emulator =
                            emulator.bearer_token(token.to_owned(), Roles::of(roles.split(',')));
                        limited.push((token.to_owned(), roles.to_owned()));
                    }
                    None => tokens.push(token),
                }
            }
            "--command" => {
                let command = value()?;
                let (entity, key) = command
                    .split_once('=')
                    .ok_or_else(|| format!("--command takes ENTITY=KEY, not `{command}`"))?;
                emulator = emulator.command(entity, key, format!("The {key} command"));
            }
            "--user" => {
                let user = value()?;
                let (name, password) = user
                    .split_once(':')
                    .ok_or_else(|| format!("--user takes EMAIL:PASSWORD, not `{user}`"))?;
                users.push((name.to_owned(), password.to_owned()));
            }
            "-h" | "--help" => return Ok(None),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if tokens.is_empty() && users.is_empty() && limited.is_empty() {
        tokens.push("emulator-token".into());
        users.push(("admin@example.com".into(), "secret".into()));
    }
    for token in &tokens {
        emulator = emulator.admin_token(token.as_str());
    }
    for (user, password) in &users {
        emulator = emulator.admin(user.as_str(), password.as_str());
    }
    Ok(Some(Parsed {
        emulator,
        tokens,
        users,
        limited,
        throttled,
    }))
}
