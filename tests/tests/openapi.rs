//! The OpenAPI document (`docs/openapi.json`) against the real spec: every query parameter,
//! role, `readOnly` flag and required list of the spec is in it, every `$ref` resolves, and
//! the committed file is what the spec produces. Its validity as OpenAPI 3.1 is checked by
//! an independent validator in CI (`.ci/validate-openapi.sh`).

use std::collections::BTreeSet;
use std::path::Path;

use codegen::spec::{EndpointKind, Spec, TypeExpr};
use serde_json::Value;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

fn spec() -> Spec {
    codegen::spec::load(&root().join("spec"))
        .unwrap_or_else(|e| panic!("the spec is invalid:\n{e}"))
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

/// The JSON type a query value of this spec type has in the document.
fn query_type(ty: &TypeExpr) -> &'static str {
    match ty {
        TypeExpr::Integer | TypeExpr::Id(_) => "integer",
        TypeExpr::Money => "number",
        TypeExpr::Boolean => "boolean",
        // Date-times in the filter format, GUIDs, `[1,2]` id lists: text with a shape.
        TypeExpr::String | TypeExpr::DateTime | TypeExpr::Guid | TypeExpr::Ids(_) => "string",
        other => panic!("no filter can have type {other}"),
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
    let spec = spec();
    let doc = codegen::openapi::document(&spec);
    let paging = &spec.service.paging;
    for entity in &spec.entities {
        let def = &entity.def;
        let Some(list) = &def.endpoints.list else {
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
            assert_eq!(
                matching.len(),
                1,
                "{}: query parameter {name}",
                def.entity.as_str()
            );
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
        let max = paging.size.max.as_deref().copied().expect("a maximum size");
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
            BTreeSet::from([
                paging.direction.ascending.to_string(),
                paging.direction.descending.to_string()
            ])
        );
        // The sortable fields are examples, not an enum: another name is not documented as
        // refused (the emulator ignores it and reports `CurrentOrderField: Id`).
        let order_by = find(&paging.order_by.query);
        assert!(order_by.get("enum").is_none(), "{order_by}");
        assert_eq!(
            names(&order_by["examples"]),
            def.sort.iter().map(|s| s.to_string()).collect()
        );

        let field_type = |wire: &str| {
            let field = def
                .find_field(&spec.service, wire)
                .unwrap_or_else(|| panic!("{wire} is a field"));
            (*field.ty).clone()
        };
        for filter in &def.filters {
            let schema = find(&filter.query);
            assert_eq!(
                schema["type"],
                query_type(&field_type(&filter.field)),
                "{}",
                filter.query.as_str()
            );
        }
        for range in &def.range_filters {
            for name in [&range.from, &range.to] {
                let schema = find(name);
                assert_eq!(
                    schema["type"],
                    query_type(&field_type(&range.field)),
                    "{name:?}"
                );
                if field_type(&range.field) == TypeExpr::DateTime {
                    // The filter format `YYYY-MM-DDTHH:mm`: minutes, no seconds, no zone.
                    let pattern = schema["pattern"].as_str().expect("a pattern");
                    assert!(
                        pattern.starts_with('^') && pattern.ends_with(":[0-5][0-9]$"),
                        "{pattern}"
                    );
                }
            }
        }
        if let Some(find_by_ids) = &def.endpoints.find_by_ids {
            let query = find_by_ids.query.as_ref().expect("find_by_ids has a query");
            let schema = find(query);
            assert_eq!(schema["type"], "string");
            assert_eq!(schema["examples"][0], "[1,2]");
        }
        let expected = 4
            + def.filters.len()
            + 2 * def.range_filters.len()
            + usize::from(def.endpoints.find_by_ids.is_some());
        assert_eq!(parameters.len(), expected, "no other parameters");
    }
}

#[test]
fn every_endpoint_is_an_operation_with_its_role() {
    let spec = spec();
    let doc = codegen::openapi::document(&spec);
    let mut operation_ids = BTreeSet::new();
    for entity in &spec.entities {
        for (kind, endpoint) in entity.def.endpoints.iter() {
            let method = kind.method().as_str().to_ascii_lowercase();
            let op = operation(&doc, &endpoint.path, &method);
            let role = &op["x-nexudus-role"];
            assert!(
                role == endpoint.role.as_str() || names(role).contains(endpoint.role.as_str()),
                "{} {}: role {role}",
                entity.def.entity.as_str(),
                kind.key()
            );
            let description = op["description"].as_str().expect("a description");
            assert!(description.contains(&format!("`{}`", endpoint.role.as_str())));
            assert!(names(&op["x-nexudus-endpoints"]).contains(kind.key()));
            assert_eq!(op["tags"][0], entity.def.entity.as_str());
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
            operation_ids.insert(
                op["operationId"]
                    .as_str()
                    .expect("an operationId")
                    .to_owned(),
            );
        }
        // `list` and `find_by_ids` share their GET: one operation.
        let list = operation(
            &doc,
            &entity.def.endpoints.list.as_ref().expect("list").path,
            "get",
        );
        assert_eq!(
            names(&list["x-nexudus-endpoints"]),
            BTreeSet::from(["list".to_owned(), "find_by_ids".to_owned()])
        );
    }
    let count: usize = doc["paths"]
        .as_object()
        .expect("paths")
        .values()
        .map(|item| item.as_object().expect("a path item").len())
        .sum();
    // Every entity operation plus the token endpoint, each with its own id.
    assert_eq!(operation_ids.len() + 1, count);
    let token = operation(&doc, &spec.service.auth.password_grant.path, "post");
    assert_eq!(token["security"], serde_json::json!([]));
    assert!(
        token["requestBody"]["content"]
            .get("application/x-www-form-urlencoded")
            .is_some()
    );
}

#[test]
fn record_schemas_carry_the_specs_read_only_and_required_flags() {
    let spec = spec();
    let doc = codegen::openapi::document(&spec);
    let schemas = &doc["components"]["schemas"];
    for entity in &spec.entities {
        let name = entity.def.entity.as_str();
        let full: Vec<_> = entity.def.full_record(&spec.service).collect();

        let record = &schemas[name];
        for field in &full {
            let property = &record["properties"][field.wire.as_str()];
            assert!(property.is_object(), "{name}.{}", field.wire.as_str());
            assert_eq!(
                property.get("readOnly") == Some(&Value::Bool(true)),
                field.read_only,
                "{name}.{} readOnly",
                field.wire.as_str()
            );
        }
        let non_nullable: BTreeSet<String> = full
            .iter()
            .filter(|f| !f.is_nullable())
            .map(|f| f.wire.to_string())
            .collect();
        assert_eq!(names(&record["required"]), non_nullable, "{name} required");

        let required: BTreeSet<String> = full
            .iter()
            .filter(|f| f.required)
            .map(|f| f.wire.to_string())
            .collect();
        let writable: BTreeSet<String> = full
            .iter()
            .filter(|f| !f.read_only)
            .map(|f| f.wire.to_string())
            .collect();
        let create = &schemas[format!("New{name}")];
        assert_eq!(names(&create["required"]), required, "New{name} required");
        let keys = |schema: &Value| -> BTreeSet<String> {
            schema["properties"]
                .as_object()
                .expect("properties")
                .keys()
                .cloned()
                .collect()
        };
        assert_eq!(keys(create), writable, "New{name} has the writable fields");

        let update = &schemas[format!("{name}Update")];
        let mut update_required = required.clone();
        update_required.insert("Id".to_owned());
        assert_eq!(
            names(&update["required"]),
            update_required,
            "{name}Update required"
        );
        let mut update_fields = writable.clone();
        update_fields.insert("Id".to_owned());
        assert_eq!(
            keys(update),
            update_fields,
            "{name}Update has Id and the writable fields"
        );
        for body in [create, update] {
            assert!(
                body["properties"]
                    .as_object()
                    .expect("properties")
                    .values()
                    .all(|p| p.get("readOnly").is_none()),
                "request bodies have no readOnly properties (tools would leave them out)"
            );
        }

        let item = &schemas[format!("{name}ListItem")];
        let listed: BTreeSet<String> = entity
            .def
            .list_record(&spec.service)
            .map(|f| f.wire.to_string())
            .collect();
        assert_eq!(keys(item), listed, "{name}ListItem");
        assert_eq!(names(&item["required"]), BTreeSet::from(["Id".to_owned()]));

        let page = &schemas[format!("{name}Page")];
        assert_eq!(
            page["properties"]["Records"]["items"]["$ref"],
            format!("#/components/schemas/{name}ListItem")
        );
    }
    let action = &schemas["ActionResponse"];
    assert_eq!(
        names(&action["required"]),
        BTreeSet::from(["WasSuccessful".to_owned()])
    );
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
