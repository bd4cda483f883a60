//! The OpenAPI document (`docs/openapi.json`) against the real spec: every query parameter,
//! role, `readOnly` flag and required list of the spec is in it, every `$ref` resolves, and
//! the committed file is what the spec produces. Its validity as OpenAPI 3.1 is checked by
//! an independent validator in CI (`.ci/validate-openapi.sh`).

use std::collections::BTreeSet;
use std::path::Path;

use codegen::model::{Api, EndpointKind, Operation, Type};
use serde_json::Value;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

fn spec() -> Api {
    codegen::spec::load(&root().join("spec"))
        .unwrap_or_else(|e| panic!("the spec is invalid:\n{e}"))
}

/// The fixture spec of the snapshot tests (enums, write rules, downloads, an entity without
/// most endpoints), with the real service file.
fn fixture() -> Api {
    let fixtures = root().join("tests/fixtures/spec");
    let read = |path: std::path::PathBuf, as_path: std::path::PathBuf| codegen::spec::SourceFile {
        text: std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
        path: as_path,
    };
    let files = vec![
        read(
            root().join("spec/service.yaml"),
            fixtures.join("service.yaml"),
        ),
        read(fixtures.join("enums.yaml"), fixtures.join("enums.yaml")),
        read(
            fixtures.join("inventory/widget.yaml"),
            fixtures.join("inventory/widget.yaml"),
        ),
        read(
            fixtures.join("catalog/gadget.yaml"),
            fixtures.join("catalog/gadget.yaml"),
        ),
    ];
    codegen::spec::load_sources(&fixtures, files).unwrap_or_else(|e| panic!("{e}"))
}

/// Follows a local `$ref` (`#/components/...`), or returns the value itself.
fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference.strip_prefix('#').expect("a local $ref");
            doc.pointer(pointer)
                .unwrap_or_else(|| panic!("{reference} does not resolve"))
        }
        None => value,
    }
}

fn operation<'a>(doc: &'a Value, path: &str, method: &str) -> &'a Value {
    doc["paths"][path]
        .get(method)
        .unwrap_or_else(|| panic!("no {method} {path}"))
}

/// The JSON type a query value of this type has in the document.
fn query_type(ty: &Type) -> &'static str {
    match ty {
        Type::Integer | Type::Id(_) | Type::Enum(_) => "integer",
        Type::Decimal | Type::Money => "number",
        Type::Boolean => "boolean",
        // Date-times in the filter format and GUIDs: text with a shape.
        Type::String | Type::DateTime | Type::Guid => "string",
        other => panic!("no filter can have type {}", other.spec_name()),
    }
}

fn names(value: &Value) -> BTreeSet<String> {
    value
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn every_filter_range_filter_and_paging_parameter_is_a_parameter_of_its_list_operation() {
    for spec in [spec(), fixture()] {
        list_parameters_of(&spec);
    }
}

fn list_parameters_of(spec: &Api) {
    let doc = codegen::openapi::document(spec);
    let paging = &spec.service.paging;
    for entity in &spec.entities {
        let Some(list) = entity.endpoint(EndpointKind::List) else {
            continue;
        };
        let op = operation(&doc, &list.path, "get");
        let parameters: Vec<&Value> = op["parameters"]
            .as_array()
            .expect("parameters")
            .iter()
            .map(|p| resolve(&doc, p))
            .collect();
        let find = |name: &str| {
            let matching: Vec<_> = parameters.iter().filter(|p| p["name"] == name).collect();
            assert_eq!(matching.len(), 1, "{}: query parameter {name}", entity.name);
            assert_eq!(matching[0]["in"], "query", "{name}");
            matching[0]["schema"].clone()
        };
        for name in [
            &paging.page.query,
            &paging.size.query,
            &paging.order_by.query,
        ] {
            find(name);
        }
        // "At most 1000" is a cap, not a refusal (schemathesis would send 1001 and expect a
        // 400): no `maximum` in the schema; the parameter's extension and text say it.
        let size = find(&paging.size.query);
        assert!(size.get("maximum").is_none(), "{size}");
        assert_eq!(size["minimum"], 1);
        let size_parameter = parameters
            .iter()
            .find(|p| p["name"] == paging.size.query.as_str())
            .expect("the size parameter");
        let max = paging.max_size;
        assert_eq!(size_parameter["x-nexudus-maximum"], max);
        assert!(
            size_parameter["description"]
                .as_str()
                .is_some_and(|d| d.contains(&format!("at most {max} records"))),
            "{size_parameter}"
        );
        let direction = find(&paging.direction.query);
        assert_eq!(
            names(&direction["enum"]),
            BTreeSet::from([paging.ascending.clone(), paging.descending.clone()])
        );
        // The sortable fields are examples, not an enum: another name is not documented as
        // refused (the emulator ignores it and reports `CurrentOrderField: Id`).
        let order_by = find(&paging.order_by.query);
        assert!(order_by.get("enum").is_none(), "{order_by}");
        assert_eq!(
            names(&order_by["examples"]),
            entity.sort.iter().map(|s| s.wire.clone()).collect()
        );

        for filter in &entity.filters {
            let schema = find(&filter.query);
            assert_eq!(schema["type"], query_type(&filter.ty), "{}", filter.query);
            if let Type::Enum(e) = &filter.ty
                && !e.values.is_empty()
            {
                let values: Vec<i64> = e.values.iter().map(|v| v.value).collect();
                assert_eq!(
                    schema["enum"],
                    serde_json::json!(values),
                    "{}",
                    filter.query
                );
            }
        }
        for range in &entity.range_filters {
            for name in [&range.from, &range.to] {
                let schema = find(name);
                assert_eq!(schema["type"], query_type(&range.ty), "{name:?}");
                if matches!(range.ty, Type::DateTime) {
                    // The filter format `YYYY-MM-DDTHH:mm`: minutes, no seconds, no zone.
                    let pattern = schema["pattern"].as_str().expect("a pattern");
                    assert!(
                        pattern.starts_with('^') && pattern.ends_with(":[0-5][0-9]$"),
                        "{pattern}"
                    );
                }
            }
        }
        let find_by_ids = entity.endpoints.iter().find_map(|e| match &e.operation {
            Operation::FindByIds { query } if e.path == list.path => Some(query),
            _ => None,
        });
        if let Some(query) = find_by_ids {
            let schema = find(query);
            assert_eq!(schema["type"], "string");
            assert_eq!(schema["examples"][0], "[1,2]");
        }
        let expected = 4
            + entity.filters.len()
            + 2 * entity.range_filters.len()
            + usize::from(find_by_ids.is_some());
        assert_eq!(parameters.len(), expected, "no other parameters");
    }
}

#[test]
fn every_endpoint_is_an_operation_with_its_role() {
    for spec in [spec(), fixture()] {
        operations_of(&spec);
    }
}

fn operations_of(spec: &Api) {
    let doc = codegen::openapi::document(spec);
    let mut operation_ids = BTreeSet::new();
    for entity in &spec.entities {
        for endpoint in &entity.endpoints {
            let kind = endpoint.kind();
            let method = kind.method().as_str().to_ascii_lowercase();
            let op = operation(&doc, &endpoint.path, &method);
            let role = &op["x-nexudus-role"];
            assert!(
                role == endpoint.role.as_str() || names(role).contains(endpoint.role.as_str()),
                "{} {}: role {role}",
                entity.name,
                kind.key()
            );
            let description = op["description"].as_str().expect("a description");
            assert!(description.contains(&format!("`{}`", endpoint.role)));
            assert!(names(&op["x-nexudus-endpoints"]).contains(kind.key()));
            assert_eq!(op["tags"][0], entity.name.as_str());
            let responses = op["responses"].as_object().expect("responses");
            for status in ["200", "401", "403", "409", "429"] {
                assert!(responses.contains_key(status), "{} {status}", kind.key());
            }
            // Update names its record by the body's `Id`, and answers 404 when none has it.
            assert_eq!(
                responses.contains_key("404"),
                kind.has_id_in_path() || kind == EndpointKind::Update,
                "{} 404",
                kind.key()
            );
            if kind.has_id_in_path() {
                let id = resolve(&doc, &op["parameters"][0]);
                assert_eq!(
                    (id["name"].as_str(), id["in"].as_str()),
                    (Some("Id"), Some("path"))
                );
            }
            if kind == EndpointKind::Download {
                let content = &op["responses"]["200"]["content"];
                assert!(
                    content.get("application/octet-stream").is_some(),
                    "{content}"
                );
            }
            operation_ids.insert(
                op["operationId"]
                    .as_str()
                    .expect("an operationId")
                    .to_owned(),
            );
        }
        // `list` and `find_by_ids` share their GET: one operation.
        if let (Some(list), Some(find)) = (
            entity.endpoint(EndpointKind::List),
            entity.endpoint(EndpointKind::FindByIds),
        ) && list.path == find.path
        {
            let list = operation(&doc, &list.path, "get");
            assert_eq!(
                names(&list["x-nexudus-endpoints"]),
                BTreeSet::from(["list".to_owned(), "find_by_ids".to_owned()])
            );
        }
    }
    let count: usize = doc["paths"]
        .as_object()
        .expect("paths")
        .values()
        .map(|item| item.as_object().expect("a path item").len())
        .sum();
    // Every entity operation plus the token endpoint, each with its own id.
    assert_eq!(operation_ids.len() + 1, count);
    let token = operation(&doc, &spec.service.auth.token_path, "post");
    assert_eq!(token["security"], serde_json::json!([]));
    assert!(
        token["requestBody"]["content"]
            .get("application/x-www-form-urlencoded")
            .is_some()
    );
}

#[test]
fn record_schemas_carry_the_specs_write_rules_and_required_flags() {
    for spec in [spec(), fixture()] {
        schemas_of(&spec);
    }
}

fn schemas_of(spec: &Api) {
    let doc = codegen::openapi::document(spec);
    let schemas = &doc["components"]["schemas"];
    let wires = |fields: &mut dyn Iterator<Item = &codegen::model::Field>| -> BTreeSet<String> {
        fields.map(|f| f.wire.clone()).collect()
    };
    let keys = |schema: &Value| -> BTreeSet<String> {
        schema["properties"]
            .as_object()
            .expect("properties")
            .keys()
            .cloned()
            .collect()
    };
    for entity in &spec.entities {
        let name = entity.name.as_str();
        let record = &schemas[name];
        assert_eq!(keys(record), wires(&mut entity.record_fields()), "{name}");
        for field in entity.record_fields() {
            let property = &record["properties"][field.wire.as_str()];
            assert_eq!(
                property.get("readOnly") == Some(&Value::Bool(true)),
                field.read_only(),
                "{name}.{} readOnly",
                field.wire
            );
            let write: BTreeSet<String> = [(field.create, "create"), (field.update, "update")]
                .into_iter()
                .filter(|(on, _)| *on)
                .map(|(_, body)| body.to_owned())
                .collect();
            assert_eq!(
                names(&property["x-nexudus-write"]),
                write,
                "{name}.{}",
                field.wire
            );
        }
        assert_eq!(
            names(&record["required"]),
            wires(&mut entity.record_fields().filter(|f| !f.nullable)),
            "{name} required"
        );

        if entity.has(EndpointKind::Create) {
            let create = &schemas[format!("New{name}")];
            assert_eq!(
                names(&create["required"]),
                wires(&mut entity.create_fields().filter(|f| f.required)),
                "New{name} required"
            );
            assert_eq!(
                keys(create),
                wires(&mut entity.create_fields()),
                "New{name}"
            );
        } else {
            assert!(
                schemas.get(format!("New{name}")).is_none(),
                "no create, no New{name}"
            );
        }
        if entity.has(EndpointKind::Update) {
            let update = &schemas[format!("{name}Update")];
            let mut update_required = wires(&mut entity.update_fields().filter(|f| f.required));
            update_required.insert("Id".to_owned());
            assert_eq!(
                names(&update["required"]),
                update_required,
                "{name}Update required"
            );
            // The fields set on create only are sent back too, unchanged.
            let mut update_fields = wires(
                &mut entity.update_fields().chain(
                    entity
                        .fields
                        .iter()
                        .filter(|f| f.read && f.create && !f.update),
                ),
            );
            update_fields.insert("Id".to_owned());
            assert_eq!(keys(update), update_fields, "{name}Update");
        }
        for body in [format!("New{name}"), format!("{name}Update")] {
            if let Some(properties) = schemas[&body]["properties"].as_object() {
                assert!(
                    properties.values().all(|p| p.get("readOnly").is_none()),
                    "request bodies have no readOnly properties (tools would leave them out)"
                );
            }
        }

        if entity.has(EndpointKind::List) || entity.has(EndpointKind::FindByIds) {
            let item = &schemas[format!("{name}ListItem")];
            assert_eq!(
                keys(item),
                wires(&mut entity.list_fields()),
                "{name}ListItem"
            );
            assert_eq!(names(&item["required"]), BTreeSet::from(["Id".to_owned()]));
            let page = &schemas[format!("{name}Page")];
            let records = &spec.service.envelopes.page.records.wire;
            assert_eq!(
                page["properties"][records]["items"]["$ref"],
                format!("#/components/schemas/{name}ListItem")
            );
        }
    }
    let action = &schemas["ActionResponse"];
    assert_eq!(
        names(&action["required"]),
        BTreeSet::from([spec.service.envelopes.action.was_successful.wire.clone()])
    );
}

#[test]
fn enumerations_are_integers_with_their_values_and_names() {
    let spec = fixture();
    let doc = codegen::openapi::document(&spec);
    let schemas = &doc["components"]["schemas"];
    let mut seen = 0;
    for entity in &spec.entities {
        for field in entity.record_fields() {
            let Type::Enum(e) = &field.ty else { continue };
            seen += 1;
            let property = &schemas[&entity.name]["properties"][&field.wire];
            assert_eq!(property["x-nexudus-type"], format!("enum<{}>", e.name));
            if e.values.is_empty() {
                assert!(property.get("enum").is_none(), "{property}");
                continue;
            }
            let mut values: Vec<Value> = e.values.iter().map(|v| v.value.into()).collect();
            if field.nullable {
                values.push(Value::Null);
            }
            assert_eq!(property["enum"], Value::Array(values));
            let names: Vec<&str> = e.values.iter().map(|v| v.name.as_str()).collect();
            assert_eq!(property["x-enum-varnames"], serde_json::json!(names));
        }
    }
    assert_eq!(seen, 2, "the fixture's two enum fields");
}

#[test]
fn every_ref_resolves() {
    fn walk(doc: &Value, value: &Value, count: &mut usize) {
        match value {
            Value::Object(map) => {
                if map.contains_key("$ref") {
                    resolve(doc, value);
                    *count += 1;
                }
                map.values().for_each(|v| walk(doc, v, count));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(doc, v, count)),
            _ => {}
        }
    }
    let doc = codegen::openapi::document(&spec());
    let mut count = 0;
    walk(&doc, &doc, &mut count);
    assert!(count > 50, "only {count} $refs");
}

#[test]
fn the_committed_document_is_what_the_spec_produces() {
    let path = root().join("docs/openapi.json");
    let committed = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run `cargo xtask openapi`", path.display()));
    let fresh = codegen::openapi::render(&spec());
    assert!(
        committed == fresh,
        "docs/openapi.json is stale: run `cargo xtask openapi` (or `cargo xtask gen`) and commit it"
    );
    let parsed: Value = serde_json::from_str(&committed).expect("valid JSON");
    assert_eq!(parsed["openapi"], "3.1.0");
    assert_eq!(
        parsed["servers"][0]["url"],
        spec().service.base_url.as_str()
    );
}

/// Every date a date-time `pattern` of the document admits is a real date: schemathesis
/// generated `6118-06-31T07:57` from the old pattern and the emulator (rightly) refused it.
/// Samples strings from each pattern and reads them as the emulator does.
#[test]
fn date_time_patterns_admit_only_dates_that_exist() {
    use proptest::strategy::{Strategy as _, ValueTree as _};
    use proptest::test_runner::TestRunner;

    let doc = codegen::openapi::document(&spec());
    let mut patterns = BTreeSet::new();
    collect_patterns(&doc, &mut patterns);
    let date_times: Vec<&String> = patterns.iter().filter(|p| p.contains("T(")).collect();
    assert!(
        date_times.len() >= 2,
        "record and filter patterns: {patterns:?}"
    );
    let mut runner = TestRunner::deterministic();
    for pattern in date_times {
        // proptest's generator has no anchors; the patterns are anchored at both ends.
        let body = pattern
            .strip_prefix('^')
            .and_then(|p| p.strip_suffix('$'))
            .expect("an anchored pattern");
        let strategy = proptest::string::string_regex(body).expect("a pattern proptest reads");
        let mut feb_29 = 0;
        for _ in 0..5000 {
            let sample = strategy.new_tree(&mut runner).expect("a sample").current();
            assert!(
                nexudus::DateTime::parse(&sample).is_ok(),
                "{pattern} admits {sample}, which is not a date-time"
            );
            feb_29 += usize::from(sample[4..].starts_with("-02-29"));
        }
        assert!(feb_29 > 0, "{pattern} admits 29 February in leap years");
    }
}

fn collect_patterns(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(pattern)) = map.get("pattern") {
                out.insert(pattern.clone());
            }
            map.values().for_each(|v| collect_patterns(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_patterns(v, out)),
        _ => {}
    }
}
