//! The MCP server: `tools/list` answers the tools made from the spec, and `tools/call`
//! runs one through the runtime's generic request functions, as the CLI's commands do.
//! Every call answers a result; failures are tool errors (`isError: true`).

use std::sync::Arc;

use futures::FutureExt as _;
use nexudus::{
    Client, EndpointKind, EntitySchema, FieldSchema, ListQuery, RunCommand, SERVICE, SortDirection,
    SortField,
};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    JsonObject, ListToolsResult, PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler};
use serde_json::{Map, Value, json};

use super::args::{self, Args, field_value, scalar_text, suggest};
use super::bound::{self, PageNote};
use super::describe;
use super::error::ToolError;
use super::privacy::{Privacy, Scrub};
use super::tools::{self, Name, Settings};
use crate::exec::{self, QueryPair, UpdateError, record_name};
use crate::names::{self, filter_short_name, normalize};
use crate::values;

/// A sort field by its wire name.
struct Sort(&'static str);

impl SortField for Sort {
    fn wire_name(&self) -> &'static str {
        self.0
    }
}

pub struct Server {
    /// The client, or why there is none (no credentials): the tools that call the API
    /// answer that, the others work.
    client: Result<Client, String>,
    privacy: Privacy,
    settings: Settings,
    tools: Arc<Vec<Tool>>,
}

impl Server {
    pub fn new(client: Result<Client, String>, privacy: Privacy, allow_writes: bool) -> Self {
        let settings = Settings {
            allow_writes,
            redact: privacy.redacts(),
        };
        Self {
            client,
            privacy,
            settings,
            tools: Arc::new(tools::all(settings)),
        }
    }

    fn client(&self) -> Result<&Client, ToolError> {
        self.client.as_ref().map_err(|message| {
            ToolError::new(
                "no_credentials",
                format!(
                    "{message}; then restart the MCP server (the MCP client's configuration \
                     can set the environment)"
                ),
            )
        })
    }

    /// Runs a tool: its answer as JSON, or its error.
    pub async fn call(
        &self,
        name: &str,
        arguments: Option<&JsonObject>,
    ) -> Result<Value, ToolError> {
        let tool = Name::parse(name).ok_or_else(|| {
            let names: Vec<&str> = Name::ALL.iter().map(|n| n.as_str()).collect();
            ToolError::new(
                "unknown_tool",
                format!("no tool `{name}`; the tools are {}", names.join(", ")),
            )
        })?;
        // Refused before the arguments are read: nothing of a write is checked or sent.
        if tool.writes() && !self.settings.allow_writes {
            return Err(ToolError::new(
                "writes_disabled",
                format!(
                    "{} is disabled: this MCP server is read-only. To allow create, update, \
                     delete and run_command, add `--allow-writes` to its arguments in the MCP \
                     client's configuration (`nexudus mcp --allow-writes`) and restart it",
                    tool.as_str()
                ),
            ));
        }
        let args = Args::new(tool, arguments)?;
        let answer = match tool {
            Name::ListEntities => Ok(describe::entities(
                args.string("area")?,
                args.string("search")?,
            )),
            Name::DescribeEntity => Ok(describe::entity(args.entity()?)),
            Name::List => self.list(&args).await,
            Name::Get => self.get(&args).await,
            Name::Create => self.create(&args).await,
            Name::Update => self.update(&args).await,
            Name::Delete => self.delete(&args).await,
            Name::ListCommands => self.list_commands(&args).await,
            Name::RunCommand => self.run_command(&args).await,
        };
        // New tokens go to the vault file even when the call failed after making them.
        self.privacy.save();
        answer
    }

    async fn list(&self, args: &Args<'_>) -> Result<Value, ToolError> {
        let schema = args.entity()?;
        let endpoint = &endpoint(schema, EndpointKind::List)?.endpoint;
        let service = endpoint.service;
        let mut scrub = Scrub::default();
        let mut query: ListQuery<QueryPair, Sort> = ListQuery::new();
        for (name, value) in args.object("filters")?.into_iter().flatten() {
            let argument = format!("filters.{name}");
            let filter = names::filter(schema, name).map_err(|_| {
                ToolError::invalid(
                    &argument,
                    format!(
                        "{} has no filter `{name}`{}; describe_entity lists its filters",
                        schema.name,
                        suggest(
                            name,
                            schema
                                .filters
                                .iter()
                                .flat_map(|f| [f.field, filter_short_name(schema, f)])
                        )
                    ),
                )
            })?;
            let field = filter_field(schema, filter.field, &argument)?;
            let value = self.filter_value(field, value, &argument, &mut scrub)?;
            query = query.filter(QueryPair(filter.query, value));
        }
        for (name, ends) in args.object("range")?.into_iter().flatten() {
            let argument = format!("range.{name}");
            let range = schema
                .range_filters
                .iter()
                .find(|r| normalize(r.field) == normalize(name))
                .ok_or_else(|| {
                    ToolError::invalid(
                        &argument,
                        format!(
                            "{} has no range filter `{name}`{}; describe_entity lists its range \
                             filters",
                            schema.name,
                            suggest(name, schema.range_filters.iter().map(|r| r.field))
                        ),
                    )
                })?;
            let field = filter_field(schema, range.field, &argument)?;
            let ends = match ends {
                Value::Object(ends) if !ends.is_empty() => ends,
                _ => {
                    return Err(ToolError::invalid(
                        &argument,
                        format!("`{argument}` takes {{\"from\": VALUE, \"to\": VALUE}}"),
                    ));
                }
            };
            for (end, value) in ends {
                let parameter = match end.as_str() {
                    "from" => range.from,
                    "to" => range.to,
                    other => {
                        return Err(ToolError::invalid(
                            format!("{argument}.{other}"),
                            format!("`{argument}` takes `from` and `to`, not `{other}`"),
                        ));
                    }
                };
                let argument = format!("{argument}.{end}");
                let value = self.filter_value(field, value, &argument, &mut scrub)?;
                query = query.filter(QueryPair(parameter, value));
            }
        }
        if let Some(order) = args.string("order_by")? {
            let wire = schema
                .sort
                .iter()
                .find(|s| normalize(s) == normalize(order))
                .ok_or_else(|| {
                    ToolError::invalid(
                        "order_by",
                        format!(
                            "{} cannot be sorted by `{order}`{}; its sort fields are {}",
                            schema.name,
                            suggest(order, schema.sort.iter().copied()),
                            schema.sort.join(", ")
                        ),
                    )
                })?;
            let direction = match args.string("direction")?.map(str::to_ascii_lowercase) {
                None => SortDirection::Ascending,
                Some(d) if d == "ascending" || d == "asc" => SortDirection::Ascending,
                Some(d) if d == "descending" || d == "desc" => SortDirection::Descending,
                Some(_) => {
                    return Err(ToolError::invalid(
                        "direction",
                        "`direction` is ascending or descending",
                    ));
                }
            };
            query = query.order_by(Sort(wire), direction);
        } else if args.string("direction")?.is_some() {
            return Err(ToolError::invalid(
                "direction",
                "`direction` needs `order_by`: the field to sort by",
            ));
        }
        let paging = &service.paging;
        let page = args
            .integer("page", i64::from(paging.default_page), i64::from(u32::MAX))?
            .map_or(paging.default_page, |p| {
                u32::try_from(p).unwrap_or(u32::MAX)
            });
        let size = args
            .integer("size", 1, i64::from(bound::max_size()))?
            .map_or(bound::default_size(), |s| {
                u32::try_from(s).unwrap_or(bound::default_size())
            });
        query = query.page(page).size(size);
        let chosen = self.chosen_fields(schema, args, true)?;
        let limit = text_limit(args, bound::LIST_TEXT)?;

        let client = self.client()?;
        let answer = client
            .get_page::<Value>(endpoint, query.query_pairs(paging))
            .await
            .map_err(|e| {
                ToolError::api(e, &format!("list {}", schema.name), None)
                    .scrubbed(|t| scrub.apply(t))
            })?;
        let mut cut = Vec::new();
        let records: Vec<Value> = answer
            .records
            .into_iter()
            .map(|mut record| {
                self.privacy.redact_record(schema, &mut record);
                let mut record = project(record, chosen.as_deref());
                if chosen.is_none()
                    && let Value::Object(object) = &mut record
                {
                    // Most fields of most records are empty: leaving them out halves a page.
                    object.retain(|_, value| !value.is_null());
                }
                for key in bound::trim_record(&mut record, limit) {
                    if !cut.contains(&key) {
                        cut.push(key);
                    }
                }
                record
            })
            .collect();
        let (records, left_out) = bound::fit(records, bound::BUDGET);
        let first_item = if answer.first_item > 0 {
            answer.first_item
        } else {
            (i64::from(page) - i64::from(paging.default_page)) * i64::from(size) + 1
        };
        let note = PageNote {
            page: answer.current_page,
            total_pages: answer.total_pages,
            total_items: answer.total_items,
            first_item,
            has_next: answer.has_next_page,
            returned: records.len(),
            left_out,
            cut_text: &cut,
            text_limit: limit,
        }
        .sentence();
        Ok(json!({
            "entity": schema.name,
            "page": answer.current_page,
            "total_pages": answer.total_pages,
            "total_records": answer.total_items,
            "records": records,
            "note": note,
        }))
    }

    /// A filter's value: tokens resolved, then read by the field's kind as the query
    /// carries it.
    fn filter_value(
        &self,
        field: &'static nexudus::FieldSchema,
        value: &Value,
        argument: &str,
        scrub: &mut Scrub,
    ) -> Result<String, ToolError> {
        let value = self.privacy.resolve(Some(field), value, scrub, argument)?;
        let raw = scalar_text(&value).ok_or_else(|| {
            ToolError::invalid(
                argument,
                format!(
                    "`{argument}` takes one value (text, a number or a boolean), not {}",
                    args::kind_of(&value)
                ),
            )
        })?;
        values::filter(field.kind, &raw, SERVICE.filter_datetime_format)
            .map_err(|e| ToolError::invalid(argument, scrub.apply(&format!("{argument}: {e}"))))
    }

    /// `fields`, each resolved to its wire name; list records (`list`) also have the joined
    /// fields.
    fn chosen_fields(
        &self,
        schema: &'static EntitySchema,
        args: &Args<'_>,
        list: bool,
    ) -> Result<Option<Vec<&'static str>>, ToolError> {
        let names = args.strings("fields")?;
        if names.is_empty() {
            return Ok(None);
        }
        names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let field = args::field(schema, name, &format!("fields[{i}]"), list)?;
                if list && !(field.in_list && field.read) && !schema.joined.contains(field) {
                    return Err(ToolError::invalid(
                        format!("fields[{i}]"),
                        format!(
                            "list records do not carry {}.{}: get has it",
                            schema.name, field.wire
                        ),
                    ));
                }
                Ok(field.wire)
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    async fn get(&self, args: &Args<'_>) -> Result<Value, ToolError> {
        let schema = args.entity()?;
        let endpoint = &endpoint(schema, EndpointKind::Get)?.endpoint;
        let id = args.id()?;
        let chosen = self.chosen_fields(schema, args, false)?;
        let limit = text_limit(args, bound::GET_TEXT)?;
        let name = record_name(schema, id);
        let mut record: Value = self
            .client()?
            .get_record(endpoint, id)
            .await
            .map_err(|e| ToolError::api(e, &format!("get {name}"), Some(&name)))?;
        self.privacy.redact_record(schema, &mut record);
        let mut record = project(record, chosen.as_deref());
        let (cut, used) = bound::fit_record(&mut record, limit);
        let mut answer = json!({"entity": schema.name, "id": id, "record": record});
        if !cut.is_empty() {
            let more = if used < limit {
                "; the answer's size bound cut them further: name fewer `fields` for more"
                    .to_owned()
            } else if limit < bound::MAX_TEXT {
                format!(
                    "; call get with a larger max_text (at most {})",
                    bound::MAX_TEXT
                )
            } else {
                String::new()
            };
            answer["note"] = json!(format!(
                "long values were cut at {used} characters ({}){more}",
                cut.join(", ")
            ));
        }
        Ok(answer)
    }

    async fn create(&self, args: &Args<'_>) -> Result<Value, ToolError> {
        let schema = args.entity()?;
        let endpoint = &endpoint(schema, EndpointKind::Create)?.endpoint;
        let fields = args.object("fields")?.ok_or_else(|| {
            ToolError::invalid("fields", "create needs `fields`: the new record's values")
        })?;
        let mut scrub = Scrub::default();
        let mut body = Map::new();
        for (name, value) in fields {
            let argument = format!("fields.{name}");
            let field = args::writable(schema, name, &argument, true)?;
            let value = self.field_value(field, value, &argument, &mut scrub)?;
            body.insert(field.wire.to_owned(), value);
        }
        let missing: Vec<String> = exec::missing_required(schema, &body)
            .map(|f| format!("{} ({})", f.wire, values::short(f.kind)))
            .collect();
        if !missing.is_empty() {
            return Err(ToolError::invalid(
                "fields",
                format!(
                    "create {} needs the fields {}",
                    schema.name,
                    missing.join(", ")
                ),
            ));
        }
        // The values sent may come back in the API's messages.
        self.privacy
            .scrub_record(schema, &Value::Object(body.clone()), &mut scrub);
        let what = format!("create {}", schema.name);
        let id = self
            .client()?
            .send_action(endpoint, None, Some(&body))
            .await
            .and_then(|answer| answer.new_id())
            .map_err(|e| ToolError::api(e, &what, None).scrubbed(|t| scrub.apply(t)))?;
        Ok(json!({
            "entity": schema.name,
            "id": id,
            "note": format!("created {}", record_name(schema, id)),
        }))
    }

    /// A field's value from the arguments: tokens resolved, then checked by kind.
    fn field_value(
        &self,
        field: &'static nexudus::FieldSchema,
        value: &Value,
        argument: &str,
        scrub: &mut Scrub,
    ) -> Result<Value, ToolError> {
        let value = self.privacy.resolve(Some(field), value, scrub, argument)?;
        field_value(field, &value)
            .map_err(|e| ToolError::invalid(argument, scrub.apply(&format!("{argument}: {e}"))))
    }

    async fn update(&self, args: &Args<'_>) -> Result<Value, ToolError> {
        let schema = args.entity()?;
        let get = &endpoint(schema, EndpointKind::Get)?.endpoint;
        let put = &endpoint(schema, EndpointKind::Update)?.endpoint;
        let id = args.id()?;
        let mut scrub = Scrub::default();
        let mut changes: Vec<(String, Value)> = Vec::new();
        for (name, value) in args.object("fields")?.into_iter().flatten() {
            let argument = format!("fields.{name}");
            let field = args::writable(schema, name, &argument, false)?;
            let value = self.field_value(field, value, &argument, &mut scrub)?;
            changes.push((field.wire.to_owned(), value));
        }
        for (i, name) in args.strings("unset")?.into_iter().enumerate() {
            let field = args::writable(schema, name, &format!("unset[{i}]"), false)?;
            changes.push((field.wire.to_owned(), Value::Null));
        }
        if changes.is_empty() {
            return Err(ToolError::invalid(
                "fields",
                "nothing to change: give `fields` to set or `unset` to clear",
            ));
        }
        exec::check_not_cleared(schema, &changes)
            .map_err(|e| ToolError::invalid("unset", e.to_string()))?;
        let changed: Vec<String> = changes.iter().map(|(k, _)| k.clone()).collect();
        let name = record_name(schema, id);
        let client = self.client()?;
        let outcome = exec::read_and_update(client, schema, (get, put), id, changes).await;
        match outcome {
            Ok(()) => Ok(json!({
                "entity": schema.name,
                "id": id,
                "changed": changed,
                "note": format!("updated {name}"),
            })),
            Err(UpdateError::Api(error, what)) => {
                // The API may quote any value of the record it was sent, not only the
                // changed ones: read it again to know what to take out of the message.
                if quotes_values(&error)
                    && let Ok(record) = client.get_record::<Value>(get, id).await
                {
                    self.privacy.scrub_record(schema, &record, &mut scrub);
                }
                Err(ToolError::api(error, &what, Some(&name)).scrubbed(|t| scrub.apply(t)))
            }
            Err(UpdateError::NotARecord(message)) => Err(ToolError::new("api_failure", message)),
        }
    }

    async fn delete(&self, args: &Args<'_>) -> Result<Value, ToolError> {
        let schema = args.entity()?;
        let endpoint = &endpoint(schema, EndpointKind::Delete)?.endpoint;
        let id = args.id()?;
        let name = record_name(schema, id);
        self.client()?
            .send_action::<Value>(endpoint, Some(id), None)
            .await
            .map_err(|e| ToolError::api(e, &format!("delete {name}"), Some(&name)))?;
        Ok(json!({"entity": schema.name, "id": id, "note": format!("deleted {name}")}))
    }

    async fn list_commands(&self, args: &Args<'_>) -> Result<Value, ToolError> {
        let schema = args.entity()?;
        let endpoint = &endpoint(schema, EndpointKind::Commands)?.endpoint;
        let commands = self.client()?.get_commands(endpoint).await.map_err(|e| {
            ToolError::api(e, &format!("list the commands of {}", schema.name), None)
        })?;
        let envelopes = &endpoint.service.envelopes;
        let commands: Vec<Value> = commands
            .iter()
            .map(|c| {
                let mut command = c.to_json(envelopes);
                bound::trim_record(&mut command, bound::LIST_TEXT);
                command
            })
            .collect();
        let count = commands.len();
        let (commands, left_out) = bound::fit(commands, bound::BUDGET);
        let mut answer = json!({"entity": schema.name, "commands": commands});
        answer["note"] = json!(if left_out > 0 {
            format!("{} of {count} commands fit in one answer", count - left_out)
        } else if count == 0 {
            format!("{} has no commands", schema.name)
        } else {
            format!("{count} commands; run one with run_command and its key")
        });
        Ok(answer)
    }

    async fn run_command(&self, args: &Args<'_>) -> Result<Value, ToolError> {
        let schema = args.entity()?;
        let endpoint = &endpoint(schema, EndpointKind::RunCommand)?.endpoint;
        let key = args
            .string("key")?
            .filter(|k| !k.trim().is_empty())
            .ok_or_else(|| ToolError::invalid("key", "run_command needs the command's `key`"))?;
        let ids = args
            .ids("ids")?
            .ok_or_else(|| ToolError::invalid("ids", "run_command needs `ids`: the records"))?;
        let mut scrub = Scrub::default();
        let mut command = RunCommand::new(key, ids.iter().copied());
        for (i, parameter) in args.array("parameters")?.into_iter().flatten().enumerate() {
            let argument = format!("parameters[{i}]");
            let Value::Object(parameter) = parameter else {
                return Err(ToolError::invalid(
                    &argument,
                    format!("`{argument}` must be an object with `type` and `value`"),
                ));
            };
            let kind = parameter
                .get("type")
                .and_then(Value::as_str)
                .ok_or_else(|| {
                    ToolError::invalid(
                        format!("{argument}.type"),
                        format!("`{argument}` needs its `type`, as list_commands gives it"),
                    )
                })?;
            let value = parameter.get("value").cloned().unwrap_or(Value::Null);
            let value =
                self.privacy
                    .resolve(None, &value, &mut scrub, &format!("{argument}.value"))?;
            command = match parameter.get("name").and_then(Value::as_str) {
                Some(name) => command.named_parameter(name, kind, value),
                None => command.parameter(kind, value),
            };
        }
        let listed: Vec<String> = ids.iter().map(ToString::to_string).collect();
        let what = format!("run {key} on {} {}", schema.name, listed.join(", "));
        let answer = self
            .client()?
            .run_command(endpoint, &command)
            .await
            .map_err(|e| ToolError::api(e, &what, None).scrubbed(|t| scrub.apply(t)))?;
        let message = answer
            .message
            .filter(|m| !m.is_empty())
            .map(|m| scrub.apply(&m));
        Ok(json!({
            "entity": schema.name,
            "key": key,
            "ids": ids,
            "message": message,
            "note": format!("ran {key} on {} {}", schema.name, listed.join(", ")),
        }))
    }
}

/// Whether an API error's text may quote values that were sent.
fn quotes_values(error: &nexudus::Error) -> bool {
    matches!(
        error,
        nexudus::Error::Validation { .. }
            | nexudus::Error::Action { .. }
            | nexudus::Error::Conflict { .. }
            | nexudus::Error::Server { .. }
    )
}

/// `max_text`, or the default.
fn text_limit(args: &Args<'_>, default: usize) -> Result<usize, ToolError> {
    let max = i64::try_from(bound::MAX_TEXT).unwrap_or(i64::MAX);
    Ok(args
        .integer("max_text", 20, max)?
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(default))
}

/// Only the `chosen` properties of a record, in that order.
fn project(record: Value, chosen: Option<&[&'static str]>) -> Value {
    let (Some(chosen), Value::Object(mut object)) = (chosen, record.clone()) else {
        return record;
    };
    let mut out = Map::new();
    for key in chosen {
        if let Some(value) = object.remove(*key) {
            out.insert((*key).to_owned(), value);
        }
    }
    Value::Object(out)
}

/// The endpoint of a kind, or a tool error saying the entity has none.
fn endpoint(
    schema: &'static EntitySchema,
    kind: EndpointKind,
) -> Result<&'static nexudus::EndpointSchema, ToolError> {
    schema.endpoint(kind).ok_or_else(|| {
        let operation = Name::of_endpoint(kind).map_or("that", Name::as_str);
        ToolError::invalid(
            "entity",
            format!(
                "{} has no {operation} operation; describe_entity lists its operations",
                schema.name
            ),
        )
    })
}

/// A successful call: the answer as JSON text, and as structured content for clients that
/// read it.
fn success(answer: Value) -> CallToolResult {
    let text = serde_json::to_string(&answer).unwrap_or_default();
    let mut result = CallToolResult::success(vec![ContentBlock::text(text)]);
    result.structured_content = Some(answer);
    result
}

impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        let writes = if self.settings.allow_writes {
            "Writes are allowed: confirm deletes and commands with the user first."
        } else {
            "The server is read-only: create, update, delete and run_command are refused \
             unless it is started with --allow-writes."
        };
        let pii = if self.settings.redact {
            "Personal data is replaced by tokens «PII:CATEGORY:xxxxxxxx», the same for the \
             same value during this session; pass tokens back unchanged and the server \
             resolves them."
        } else {
            "Personal data is shown as is; secrets are still tokens."
        };
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(
                Implementation::new("nexudus", env!("CARGO_PKG_VERSION"))
                    .with_title("Nexudus API")
                    .with_description("Every entity of the Nexudus API, from its spec"),
            )
            .with_instructions(format!(
                "Tools over every entity of the Nexudus API ({} entities). Call list_entities, \
                 then describe_entity for an entity's fields, filters and roles, then list or \
                 get. Lists are paged: each answer's `note` says how to get more. {writes} {pii}",
                nexudus::ENTITIES.len()
            ))
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        Ok(ListToolsResult::with_all_items(self.tools.as_ref().clone()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let name = request.name.clone();
        // A panic is a bug, but the client still gets an answer and the server goes on.
        let outcome = std::panic::AssertUnwindSafe(self.call(&name, request.arguments.as_ref()))
            .catch_unwind()
            .await;
        let result = match outcome {
            Ok(Ok(answer)) => success(answer),
            Ok(Err(error)) => error.into_result(),
            Err(_) => ToolError::new(
                "internal_error",
                format!("{name} failed inside the server; its log (standard error) says why"),
            )
            .into_result(),
        };
        Ok(result.into())
    }
}

/// The field a filter or range filter compares with: named by its exact wire name, among
/// the record's fields and the joined ones.
fn filter_field(
    schema: &'static EntitySchema,
    wire: &str,
    argument: &str,
) -> Result<&'static FieldSchema, ToolError> {
    schema.field(wire).ok_or_else(|| {
        ToolError::invalid(
            argument,
            format!("the filter's field `{wire}` is not in the schema"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pii::Redactor;

    fn server(allow_writes: bool) -> Server {
        Server::new(
            Err("no credentials: set NEXUDUS_TOKEN".to_owned()),
            Privacy::new(Redactor::ephemeral(), true),
            allow_writes,
        )
    }

    fn args(value: Value) -> JsonObject {
        match value {
            Value::Object(map) => map,
            _ => JsonObject::new(),
        }
    }

    async fn call(server: &Server, tool: &str, arguments: Value) -> Result<Value, ToolError> {
        server.call(tool, Some(&args(arguments))).await
    }

    #[tokio::test]
    async fn the_spec_tools_answer_without_credentials_and_the_api_tools_say_why() {
        let s = server(false);
        let described = call(
            &s,
            "describe_entity",
            json!({"entity": "CoworkerDiscountCode"}),
        )
        .await
        .expect("described");
        assert_eq!(described["entity"], "CoworkerDiscountCode");
        let error = call(&s, "list", json!({"entity": "CoworkerDiscountCode"}))
            .await
            .unwrap_err();
        assert_eq!(error.kind, "no_credentials");
        assert!(error.message.contains("NEXUDUS_TOKEN"), "{}", error.message);
    }

    #[tokio::test]
    async fn writes_are_refused_before_their_arguments_are_read() {
        let s = server(false);
        for tool in ["create", "update", "delete", "run_command"] {
            // Bad arguments too: the refusal comes first.
            let error = call(&s, tool, json!({"nonsense": true})).await.unwrap_err();
            assert_eq!(error.kind, "writes_disabled", "{tool}");
            assert!(
                error.message.contains("--allow-writes"),
                "{}",
                error.message
            );
        }
        // With --allow-writes the arguments are checked (and nothing is sent without a
        // client).
        let s = server(true);
        let error = call(
            &s,
            "create",
            json!({"entity": "CoworkerDiscountCode", "fields": {}}),
        )
        .await
        .unwrap_err();
        assert_eq!(error.argument.as_deref(), Some("fields"));
        assert!(
            error.message.contains("CoworkerId (id<Coworker>)"),
            "{}",
            error.message
        );
    }

    #[tokio::test]
    async fn bad_input_is_a_tool_error_naming_it() {
        let s = server(true);
        let cases = [
            ("nope", json!({}), None),
            ("get", json!({"entity": "CoworkerDiscountCode"}), Some("id")),
            ("get", json!({"entity": 5, "id": 1}), Some("entity")),
            (
                "list",
                json!({"entity": "CoworkerDiscountCode", "range": {"TimesUsed": 3}}),
                Some("range.TimesUsed"),
            ),
            (
                "list",
                json!({"entity": "CoworkerDiscountCode", "range": {"TimesUsed": {"since": 3}}}),
                Some("range.TimesUsed.since"),
            ),
            (
                "list",
                json!({"entity": "CoworkerDiscountCode", "filters": {"CoworkerId": [1, 2]}}),
                Some("filters.CoworkerId"),
            ),
            (
                "list",
                json!({"entity": "CoworkerDiscountCode", "fields": ["Notes"]}),
                Some("fields[0]"),
            ),
            (
                "update",
                json!({"entity": "CoworkerDiscountCode", "id": 1, "fields": {"Id": 2}}),
                Some("fields.Id"),
            ),
            (
                "update",
                json!({"entity": "CoworkerDiscountCode", "id": 1}),
                Some("fields"),
            ),
            (
                "run_command",
                json!({"entity": "CoworkerDiscountCode", "key": "X", "ids": [1, "two"]}),
                Some("ids[1]"),
            ),
            (
                "run_command",
                json!({"entity": "CoworkerDiscountCode", "key": "X", "ids": [1],
                       "parameters": [{"value": 1}]}),
                Some("parameters[0].type"),
            ),
        ];
        for (tool, arguments, argument) in cases {
            let error = call(&s, tool, arguments.clone()).await.unwrap_err();
            assert_eq!(
                error.argument.as_deref(),
                argument,
                "{tool} {arguments}: {error:?}"
            );
            let result = error.into_result();
            assert_eq!(result.is_error, Some(true));
        }
    }
}
