//! `nexudus mcp`: an MCP server over stdio, for AI assistants, with the generic tools of
//! Nexudus's hosted server (list_entities, describe_entity, list, get, create, update,
//! delete, list_commands, run_command), built at run time from `ENTITIES` as the command
//! line is, with the same credentials and profiles.
//!
//! Safe by default: read-only unless `--allow-writes`, personal data redacted unless
//! `--no-redact`, answers bounded in size. Standard output carries the protocol only;
//! the log goes to standard error.

mod args;
mod bound;
mod describe;
mod error;
mod privacy;
mod server;
mod tools;

use std::io::Write as _;
use std::path::PathBuf;

use clap::{Arg, ArgAction, ArgMatches, Command, value_parser};
use rmcp::ServiceExt as _;

use crate::app::Global;
use crate::error::CliError;
use crate::exec::Api;
use crate::pii::Redactor;

/// The `mcp` subcommand.
pub fn command() -> Command {
    Command::new("mcp")
        .about("Serve the API to an AI assistant: an MCP server over stdio")
        .long_about(
            "Serve the API to an AI assistant: an MCP server over standard input and output, \
             with the tools list_entities, describe_entity, list, get, create, update, \
             delete, list_commands and run_command over every entity. An MCP client starts \
             it; see docs/cli.md, \"MCP server\", for its configuration.",
        )
        .arg(
            Arg::new("allow-writes")
                .long("allow-writes")
                .action(ArgAction::SetTrue)
                .help("Allow create, update, delete and run_command [default: read-only]"),
        )
        .arg(
            Arg::new("no-redact")
                .long("no-redact")
                .action(ArgAction::SetTrue)
                .help(
                    "Show personal data as it is [default: PII fields are tokens \
                     «PII:CATEGORY:xxxxxxxx»]; secrets stay tokens",
                ),
        )
        .arg(
            Arg::new("pii-vault")
                .long("pii-vault")
                .value_name("FILE")
                .value_parser(value_parser!(PathBuf))
                .help(
                    "Keep the PII session in FILE (mode 0600), so tokens still resolve after a \
                     restart [default: in memory, for the server's life]",
                ),
        )
        .after_help(
            "Credentials as for every command: NEXUDUS_TOKEN, or NEXUDUS_USERNAME and \
             NEXUDUS_PASSWORD, or a profile (--profile). Without them the server still \
             starts, and the tools that call the API say what is missing.",
        )
}

/// Runs the server until the client closes standard input.
pub fn run(m: &ArgMatches, global: &Global) -> Result<(), CliError> {
    // The server answers in MCP's own messages, which it redacts unless --no-redact: the
    // command line's output options would change nothing, so they are refused, not ignored.
    for (given, flag) in [
        (global.output.is_some(), "--output"),
        (global.agent, "--agent"),
    ] {
        if given {
            return Err(CliError::usage(format!(
                "`nexudus mcp` answers in MCP messages; {flag} does not apply to it"
            )));
        }
    }
    let allow_writes = m.get_flag("allow-writes");
    let redact = !m.get_flag("no-redact");
    let redactor = match m.get_one::<PathBuf>("pii-vault") {
        Some(path) => Redactor::open(path)?,
        None => Redactor::ephemeral(),
    };
    let (client, runtime) = match Api::connect(global) {
        Ok(api) => (Ok(api.client), api.runtime),
        Err(error) => {
            log(&format!(
                "{error}; the tools that call the API will answer this"
            ));
            (Err(error.to_string()), crate::exec::runtime()?)
        }
    };
    log(&format!(
        "serving {} entities over stdio; {}; {}",
        nexudus::ENTITIES.len(),
        if allow_writes {
            "writes allowed"
        } else {
            "read-only"
        },
        if redact { "PII redacted" } else { "PII shown" },
    ));
    let server = server::Server::new(
        client,
        privacy::Privacy::new(redactor, redact),
        allow_writes,
    );
    runtime.block_on(async move {
        let running = server
            .serve(rmcp::transport::stdio())
            .await
            .map_err(|e| CliError::local(format!("the MCP session did not start: {e}")))?;
        running
            .waiting()
            .await
            .map_err(|e| CliError::local(format!("the MCP server failed: {e}")))?;
        Ok(())
    })
}

/// One line of the server's log, on standard error (MCP clients keep it).
fn log(line: &str) {
    let _ = writeln!(std::io::stderr(), "nexudus mcp: {line}");
}
