//! Every endpoint of every entity in `nexudus::ENTITIES`, through the emulator, driven by
//! the schema alone: nothing here names an entity, so an entity added to the spec is tested
//! the moment it is generated, and endpoints an entity lacks are skipped.
//!
//! Per entity: create with every field a create may set (or seed a record when there is no
//! create), get it back as sent, list it and find it with each filter and both ends of each
//! range filter, find it by id, update it keeping a property the client does not know, list
//! and run commands, fetch each binary download (none, then a stored file), delete it.

use std::time::Duration;

use nexudus::{
    Auth, Client, EndpointKind, EntitySchema, Error, FieldKind, FieldSchema, RetryPolicy,
    RunCommand,
};
use nexudus_emulator::{Emulator, EmulatorConfig};
use serde_json::{Map, Value, json};

const TOKEN: &str = "admin-token";

/// A value of a field kind that the emulator accepts and that filters can find.
fn sample(kind: FieldKind) -> Value {
    match kind {
        FieldKind::Integer | FieldKind::Id(_) => json!(5),
        FieldKind::Ids(_) => json!([5, 6]),
        FieldKind::Enum(e) => json!(e.values.first().map_or(3, |(value, _)| *value)),
        FieldKind::Decimal | FieldKind::Money => json!(12.5),
        FieldKind::Boolean => json!(true),
        FieldKind::String => json!("text"),
        FieldKind::DateTime => json!("2025-01-15T10:30:00Z"),
        FieldKind::Guid => json!("1b111175-a839-4170-b894-0f3066ab5d0b"),
        FieldKind::Json => json!({"any": "thing"}),
        FieldKind::Children(child) => {
            let element: Map<String, Value> = child
                .properties
                .iter()
                .map(|p| (p.wire.to_owned(), sample(p.kind)))
                .collect();
            json!([element])
        }
    }
}

/// The inline child arrays of a create body became records of their element entity,
/// linked to the new record, with the properties sent.
fn assert_children_stored(emulator: &Emulator, schema: &EntitySchema, id: i64) {
    for field in schema.fields {
        let FieldKind::Children(child) = field.kind else {
            continue;
        };
        let Ok(records) = emulator.records(child.entity) else {
            // The element entity is not in this build.
            continue;
        };
        let linked: Vec<&Value> = records
            .iter()
            .filter(|r| r[child.link] == json!(id))
            .collect();
        assert_eq!(
            linked.len(),
            1,
            "{}.{}: one child stored",
            schema.name,
            field.wire
        );
        for property in child.properties {
            assert_eq!(
                linked[0][property.wire],
                sample(property.kind),
                "{}.{}: {} stored as sent",
                schema.name,
                field.wire,
                property.wire
            );
        }
    }
}

/// A record's value as a filter query value: numbers and text as they are, date-times in
/// the filter format (`YYYY-MM-DDTHH:mm`), one id of an id list.
fn query_value(kind: FieldKind, value: &Value) -> Option<String> {
    match (kind, value) {
        (_, Value::Null) => None,
        (FieldKind::Ids(_), Value::Array(ids)) => ids.first().map(Value::to_string),
        (FieldKind::DateTime, Value::String(text)) => text.get(..16).map(str::to_owned),
        (_, Value::String(text)) => Some(text.clone()),
        (_, other) => Some(other.to_string()),
    }
}

/// A body of every field that `writes` lets the body set, with sample values.
fn body(schema: &EntitySchema, writes: impl Fn(&FieldSchema) -> bool) -> Map<String, Value> {
    schema
        .fields
        .iter()
        .filter(|f| writes(f))
        .map(|f| (f.wire.to_owned(), sample(f.kind)))
        .collect()
}

fn client(emulator: &Emulator) -> Client {
    emulator
        .client_builder()
        .auth(Auth::bearer(TOKEN))
        .retry(RetryPolicy::default().base_delay(Duration::from_millis(1)))
        .build()
        .expect("a client")
}

#[tokio::test]
async fn every_endpoint_of_every_entity_in_the_spec_is_served() {
    assert!(!nexudus::ENTITIES.is_empty());
    // An emulator of its own for each entity: a create with inline children also stores
    // records of other entities, which must not be in their tables when they are walked.
    for schema in nexudus::ENTITIES {
        let emulator = Emulator::start(EmulatorConfig::new().admin_token(TOKEN))
            .await
            .expect("the emulator starts");
        let client = client(&emulator);
        walk(&emulator, &client, schema).await;
        emulator.shutdown().await;
    }
}

async fn walk(emulator: &Emulator, client: &Client, schema: &'static EntitySchema) {
    let name = schema.name;
    let endpoint = |kind| schema.endpoint(kind).map(|e| &e.endpoint);

    // Create, or seed a record where the API has no create.
    let created = body(schema, |f| f.create);
    let id = match endpoint(EndpointKind::Create) {
        Some(create) => client
            .send_action(create, None, Some(&created))
            .await
            .unwrap_or_else(|e| panic!("{name}: create: {e}"))
            .new_id()
            .expect("an id"),
        None => emulator
            .insert(name, Value::Object(body(schema, |f| f.read)))
            .expect("seeded"),
    };

    if endpoint(EndpointKind::Create).is_some() {
        assert_children_stored(emulator, schema, id);
    }

    // Get: every record field sent comes back as sent.
    let stored = emulator.record(name, id).expect("entity").expect("stored");
    if let Some(get) = endpoint(EndpointKind::Get) {
        let record: Value = client
            .get_record(get, id)
            .await
            .unwrap_or_else(|e| panic!("{name}: get: {e}"));
        for field in schema.fields.iter().filter(|f| f.read && f.create) {
            if endpoint(EndpointKind::Create).is_some() {
                assert_eq!(
                    record[field.wire], created[field.wire],
                    "{name}.{} comes back as sent",
                    field.wire
                );
            }
        }
        for field in schema.fields.iter().filter(|f| !f.read) {
            assert!(
                record.get(field.wire).is_none(),
                "{name}.{} is body-only",
                field.wire
            );
        }
    }

    // List, and each filter and both ends of each range filter find the record.
    if let Some(list) = endpoint(EndpointKind::List) {
        let page = client
            .get_page::<Value>(list, Vec::new())
            .await
            .unwrap_or_else(|e| panic!("{name}: list: {e}"));
        assert_eq!(page.total_items, 1, "{name}");
        let listed = &page.records[0];
        for field in schema.fields.iter().filter(|f| !f.in_list || !f.read) {
            assert!(
                listed.get(field.wire).is_none(),
                "{name}.{} is not listed",
                field.wire
            );
        }
        let value = |wire: &str| listed.get(wire).or_else(|| stored.get(wire)).cloned();
        let mut queries = Vec::new();
        for filter in schema.filters {
            let field = schema.field(filter.field).expect("a field");
            if let Some(raw) = value(filter.field).and_then(|v| query_value(field.kind, &v)) {
                queries.push((filter.query, raw));
            }
        }
        for range in schema.range_filters {
            let field = schema.field(range.field).expect("a field");
            if let Some(raw) = value(range.field).and_then(|v| query_value(field.kind, &v)) {
                queries.push((range.from, raw.clone()));
                queries.push((range.to, raw));
            }
        }
        for (query, raw) in queries {
            let found = client
                .get_page::<Value>(list, vec![(query, raw.clone())])
                .await
                .unwrap_or_else(|e| panic!("{name}: ?{query}={raw}: {e}"));
            assert_eq!(
                found.total_items, 1,
                "{name}: ?{query}={raw} finds the record"
            );
        }
    }

    // Find by ids.
    if let Some(find) = schema.endpoint(EndpointKind::FindByIds) {
        let found = client
            .find_by_ids::<Value>(&find.endpoint, find.ids_query().expect("a query"), &[id])
            .await
            .unwrap_or_else(|e| panic!("{name}: find by ids: {e}"));
        assert_eq!(found.records.len(), 1, "{name}");
    }

    // Update: a round trip keeps what the client does not know.
    if let Some(update) = endpoint(EndpointKind::Update) {
        let mut sent = body(schema, |f| f.update);
        sent.insert("Id".into(), json!(id));
        sent.insert("AddedByANewerApi".into(), json!("kept"));
        client
            .send_action(update, None, Some(&sent))
            .await
            .unwrap_or_else(|e| panic!("{name}: update: {e}"));
        let after = emulator.record(name, id).expect("entity").expect("stored");
        assert_eq!(after["AddedByANewerApi"], "kept", "{name}");
    }

    // Commands, and a command the emulator does not know.
    if let Some(commands) = endpoint(EndpointKind::Commands) {
        client
            .get_commands(commands)
            .await
            .unwrap_or_else(|e| panic!("{name}: commands: {e}"));
    }
    if let Some(run) = endpoint(EndpointKind::RunCommand) {
        let failed = client.run_command(run, &RunCommand::new("X", [id])).await;
        assert!(
            matches!(failed, Err(Error::Action { .. })),
            "{name}: {failed:?}"
        );
    }

    // Binary downloads: none stored reads as none, a stored file as its bytes and type.
    for download in schema
        .endpoints
        .iter()
        .filter(|e| e.kind == EndpointKind::Download)
    {
        let file = download.download_name().expect("a name");
        let none = client
            .download(&download.endpoint, id)
            .await
            .unwrap_or_else(|e| panic!("{name}.{file}: {e}"));
        assert_eq!(none, None, "{name}.{file} before a file is stored");
        let bytes: Vec<u8> = (0..=255).collect();
        emulator
            .put_file(name, file, id, "image/png", bytes.clone())
            .expect("stored");
        let got = client
            .download(&download.endpoint, id)
            .await
            .unwrap_or_else(|e| panic!("{name}.{file}: {e}"))
            .expect("a file");
        assert_eq!(got.bytes, bytes, "{name}.{file}");
        assert_eq!(
            got.content_type.as_deref(),
            Some("image/png"),
            "{name}.{file}"
        );
    }

    // Delete: gone afterwards.
    if let Some(delete) = endpoint(EndpointKind::Delete) {
        client
            .send_action::<()>(delete, Some(id), None)
            .await
            .unwrap_or_else(|e| panic!("{name}: delete: {e}"));
        assert_eq!(emulator.record(name, id).expect("entity"), None, "{name}");
    }
}
